"""Register transforms (lexical substitution, discourse particles) and chat noise.

Every transform takes the caller's ``random.Random``; nothing here touches global random state.
"""

from __future__ import annotations

import random
import re

# --------------------------------------------------------------------------------------------
# register substitution tables: (pattern, replacements, probability per message)
# --------------------------------------------------------------------------------------------

Rule = tuple[str, list[str], float]

# inverted "verb + je" is only the subject when no other subject precedes the verb ("ik wil je zien")
_G = r"(?<!\bik )(?<!\bwe )(?<!\bwij )(?<!\bhij )(?<!\bze )(?<!\bzij )(?<!\bniemand )(?<!\biemand )(?<!\bdie )(?<!\bdat )(?<!\bik\n)"

FLEMISH: list[Rule] = [
    (r"je (moeder|vader|ouders|school|klas|foto's|nummer|snap|familie|vrienden|vriendinnen|telefoon|kamer|leeftijd)",
     [r"uw \1"], 0.7),
    (r"hoe gaat het", ["hoe is 't", "alles goe", "hoe ist"], 0.7),
    (r"je bent", ["ge zijt", "gij zijt", "ge zijt"], 0.8),
    (_G + r"ben je", ["zijt ge", "zijde", "zijt gij"], 0.8),
    (_G + r"heb je", ["hebt ge", "hebde", "hebt gij"], 0.8),
    (r"je hebt", ["ge hebt", "gij hebt"], 0.8),
    (_G + r"(?:kan|kun) je", ["kunt ge", "kunde", "kunt gij"], 0.8),
    (r"je (?:kan|kunt)", ["ge kunt", "gij kunt"], 0.8),
    (_G + r"wil je", ["wilt ge", "wilde", "wilt gij"], 0.8),
    (r"je wilt?", ["ge wilt"], 0.8),
    (_G + r"moet je", ["moet ge", "moete"], 0.7),
    (r"je moet", ["ge moet", "gij moet"], 0.8),
    (_G + r"weet je", ["weet ge", "weette"], 0.7),
    (r"je weet", ["ge weet"], 0.8),
    (_G + r"ga je", ["gaat ge", "gade"], 0.7),
    (r"je gaat", ["ge gaat"], 0.8),
    (_G + r"doe je", ["doet ge", "doede"], 0.7),
    (_G + r"kom je", ["komt ge", "komde"], 0.7),
    (r"je komt", ["ge komt"], 0.8),
    (_G + r"zie je", ["ziet ge", "ziede"], 0.6),
    (r"je hoeft", ["ge moet niet", "ge hoeft"], 0.6),
    (r"jij", ["gij"], 0.8),
    (r"jouw", ["uw"], 0.8),
    (r"jou", ["u"], 0.8),
    (r"niet", ["nie", "ni", "nie"], 0.7),
    (r"even", ["efkes", "eens"], 0.7),
    (r"dat is", ["da's", "dat is"], 0.7),
    (r"dat", ["da"], 0.3),
    (r"ik zal", ["kzal"], 0.8),
    (r"ik ga", ["kga", "'k ga"], 0.4),
    (r"ik heb", ["kheb", "'k heb"], 0.4),
    (r"ik ben", ["kben", "'k ben"], 0.3),
    (r"ik weet", ["kweet", "'k weet"], 0.5),
    (r"het is", ["'t is", "tis"], 0.7),
    (r"zin (in|om)", [r"goesting \1"], 0.8),
    (r"wow|wauw", ["amai"], 0.9),
    (r"kom op", ["allez"], 0.9),
    (r"leuk", ["tof", "plezant"], 0.5),
    (r"leuke", ["toffe", "plezante"], 0.5),
    (r"meisje", ["meiske", "meisje"], 0.6),
    (r"meisjes", ["meiskes", "meisjes"], 0.6),
    (r"geld", ["geld", "poen", "cash"], 0.4),
    (r"snel", ["rap", "snel"], 0.6),
    (r"heel", ["ferm", "echt", "heel"], 0.4),
    (r"schatje", ["schatteke", "schat"], 0.7),
    (r"mama", ["ma", "moeke"], 0.6),
    (r"papa", ["pa", "vake"], 0.6),
    (r"moeder", ["ma", "moeder"], 0.4),
    (r"vader", ["pa", "vader"], 0.4),
    (r"meteen", ["direct", "seffens"], 0.7),
    (r"straks", ["seffens", "straks"], 0.6),
    (r"hoor", ["hé", "zenne", "hoor"], 0.6),
    (r"vanavond", ["deze avond", "vanavond"], 0.5),
    (r"gezellig", ["plezant", "gezellig"], 0.5),
    (r"doei", ["salut", "ciao", "daag"], 0.7),
    (r"fiets", ["velo"], 0.5),
    (r"mobiel|telefoon", ["gsm"], 0.6),
    (r"zeker", ["zeker en vast", "zeker"], 0.3),
    (r"bedankt|dankjewel|dankje", ["merci", "merci hé", "dank u"], 0.7),
    (r"huiswerk", ["taak", "huiswerk"], 0.5),
    (r"brugklas", ["eerste middelbaar"], 0.9),
    (r"friet", ["frieten"], 0.7),
    (r"een (jongen|gast|man|vriend|cadeau)", [r"ne \1", r"nen \1"], 0.5),
    (r"oké|okay", ["ok", "oké"], 0.3),
    (r"jongens", ["gasten", "jongens"], 0.4),
]
FLEMISH_PREFIX = ["allez, ", "amai, ", "awel, ", "zeg, ", "allee ", "ah ja, "]
FLEMISH_SUFFIX = [" hé", " zenne", " se", " ze", " of wa", ", allez", " é", " hoor"]

STRAAT: list[Rule] = [
    (r"vriend", ["mattie", "sahbi", "bro", "broer"], 0.7),
    (r"vrienden", ["matties", "bros", "de mannen"], 0.7),
    (r"vriendinnen", ["chickies", "meiden", "vriendinnen"], 0.5),
    (r"geld", ["doekoe", "moni", "floes", "doekoes", "cash"], 0.8),
    (r"huis", ["osso"], 0.8),
    (r"thuis", ["op osso", "in de osso", "thuis"], 0.6),
    (r"auto", ["waggie", "waggi"], 0.9),
    (r"schoenen|sneakers", ["patta's", "pattas"], 0.9),
    (r"snel", ["fissa", "snel snel", "fissa"], 0.7),
    (r"meteen|nu meteen", ["fissa", "nu nu", "direct"], 0.7),
    (r"feestje|feest", ["fissa", "feestje"], 0.5),
    (r"echt waar|serieus", ["wallah", "ik zweer", "wollah", "ik zweer het"], 0.8),
    (r"echt", ["kaulo", "echt", "heel", "wallah"], 0.35),
    (r"blut|arm", ["skeer"], 0.9),
    (r"meisje", ["chick", "meisje", "sma", "chimeid"], 0.6),
    (r"meisjes|meiden", ["chicks", "meiden", "chickies"], 0.5),
    (r"jongen", ["gast", "drerrie", "gozer"], 0.5),
    (r"man", ["gast", "drerrie", "man"], 0.3),
    (r"mooi", ["fly", "mooi"], 0.5),
    (r"leuk|gaaf|vet", ["chill", "feskull", "lit"], 0.6),
    (r"school", ["scoro", "school"], 0.6),
    (r"moeder|mama", ["am", "moeder", "mams", "ma"], 0.5),
    (r"vader|papa", ["pa", "pops", "vader"], 0.5),
    (r"gaan eten", ["gaan tjappen"], 0.8),
    (r"weggaan|vertrekken", ["loesoe gaan", "trappen"], 0.8),
    (r"grapje", ["fatoe", "fattoe", "grapje"], 0.8),
    (r"politie", ["skotoe", "scotoe", "politie"], 0.5),
    (r"hoe gaat het", ["fawaka", "alles goed", "hoe gaat ie", "ewa alles goed"], 0.8),
    (r"hoi|hey|hallo", ["ewa", "yo", "ey", "hey"], 0.7),
    (r"niet", ["nie", "niet"], 0.3),
    (r"doei", ["later", "doei", "safe"], 0.7),
    (r"heel goed|supergoed", ["safe", "kaulo goed"], 0.7),
    (r"afgesproken", ["deal", "safe"], 0.7),
    (r"100 euro", ["een barkie"], 0.5),
    (r"50 euro", ["een bankoe"], 0.5),
    (r"10 euro", ["een donnie"], 0.5),
    (r"liegen", ["cappen"], 0.8),
    (r"kleren|kleding", ["drip", "kleren"], 0.5),
    (r"heel", ["kaulo", "heel", "te"], 0.35),
    (r"klikken|verraden", ["snitchen"], 0.8),
    (r"gek", ["mallo", "gek"], 0.5),
    (r"gezellig", ["chill", "gezellig"], 0.6),
    (r"oké|okay|ok", ["safe", "oke", "ait"], 0.4),
]
STRAAT_PREFIX = ["ewa ", "yo ", "mattie ", "sahbi ", "bro ", "wallah ", "ey ", "broer "]
STRAAT_SUFFIX = [" wallah", " ik zweer", " toch", " bro", " of nie", " fr", " mattie", " ouwe", " heh"]

CODEMIX: list[Rule] = [
    (r"stuur", ["send", "stuur"], 0.6),
    (r"sturen", ["sturen", "senden"], 0.4),
    (r"gestuurd", ["gesend", "gestuurd"], 0.5),
    (r"schatje|schat", ["babe", "baby", "schat"], 0.7),
    (r"foto's", ["pics", "foto's", "pictures"], 0.6),
    (r"foto", ["pic", "foto"], 0.5),
    (r"zo snel mogelijk", ["asap"], 0.9),
    (r"meteen", ["asap", "right now", "meteen"], 0.6),
    (r"serieus|echt waar", ["no cap", "fr", "for real", "serieus"], 0.8),
    (r"echt", ["literally", "echt", "really", "so"], 0.35),
    (r"afgesproken|akkoord", ["deal"], 0.8),
    (r"geld", ["money", "cash", "geld"], 0.6),
    (r"vriendin", ["bestie", "girl", "vriendin"], 0.4),
    (r"vriend", ["bro", "friend", "vriend"], 0.4),
    (r"mooi", ["pretty", "cute", "mooi"], 0.5),
    (r"leuk", ["nice", "cool", "leuk"], 0.5),
    (r"trouwens", ["btw", "by the way"], 0.8),
    (r"eigenlijk", ["actually", "eigenlijk"], 0.6),
    (r"sowieso", ["for sure", "sowieso"], 0.6),
    (r"maakt niet uit", ["whatever", "doesn't matter"], 0.7),
    (r"bedankt|dankjewel|dankje", ["thanks", "thx", "ty"], 0.7),
    (r"oké|okay", ["okay", "oke", "ok"], 0.5),
    (r"geheim", ["secret", "geheim"], 0.5),
    (r"tussen ons", ["between us", "tussen ons"], 0.5),
    (r"ik hou van je|hou van je", ["love you", "ily", "hou van je"], 0.7),
    (r"misschien", ["maybe", "misschien"], 0.6),
    (r"beloofd", ["promise", "beloofd"], 0.6),
    (r"waarom", ["why", "waarom"], 0.4),
    (r"niemand", ["niemand", "nobody"], 0.3),
    (r"volgers", ["followers"], 0.8),
    (r"snel", ["quick", "snel"], 0.4),
    (r"vanavond", ["tonight", "vanavond"], 0.5),
    (r"gewoon", ["just", "gewoon"], 0.3),
    (r"sorry", ["sorry", "sry"], 0.3),
    (r"ouders", ["parents", "ouders"], 0.4),
    (r"moeder|mama", ["mom", "mama"], 0.4),
    (r"vader|papa", ["dad", "papa"], 0.4),
    (r"verwijder", ["delete", "verwijder"], 0.6),
    (r"blokkeer", ["block", "blokkeer"], 0.6),
    (r"eng", ["scary", "creepy", "eng"], 0.5),
    (r"grappig", ["funny", "grappig"], 0.5),
    (r"saai", ["boring", "saai"], 0.6),
]
CODEMIX_PREFIX = ["omg ", "bro ", "ok so ", "ngl ", "lowkey ", "btw ", "wait "]
CODEMIX_SUFFIX = [" lol", " fr", " no cap", " tbh", " lowkey", " haha", " ngl", " ok?", " for real"]

_TABLES = {"flemish": (FLEMISH, FLEMISH_PREFIX, FLEMISH_SUFFIX),
           "straattaal": (STRAAT, STRAAT_PREFIX, STRAAT_SUFFIX),
           "codemix": (CODEMIX, CODEMIX_PREFIX, CODEMIX_SUFFIX)}
_COMPILED = {reg: [(re.compile(rf"\b(?:{pat})\b", re.IGNORECASE), reps, p) for pat, reps, p in rules]
             for reg, (rules, _, _) in _TABLES.items()}


def _match_case(src: str, rep: str) -> str:
    if src[:1].isupper() and rep[:1].islower():
        return rep[:1].upper() + rep[1:]
    return rep


def register_transform(text: str, register: str, rng: random.Random, strength: float = 1.0) -> str:
    """Lexical substitution towards ``register`` plus, sometimes, a discourse particle."""
    if register not in _TABLES:
        return text
    _, prefixes, suffixes = _TABLES[register]
    original = text
    for pattern, reps, p in _COMPILED[register]:
        if p <= 0 or not pattern.search(text) or rng.random() >= p * strength:
            continue

        def sub(m: re.Match, reps=reps) -> str:  # bound now: the loop moves on
            return _match_case(m.group(0), m.expand(rng.choice(reps)))

        text = pattern.sub(sub, text)
    r = rng.random()
    if text == original and rng.random() < 0.75 * strength:
        r = rng.random() * 0.30 * strength  # nothing marked the register yet: force a particle
    if r < 0.14 * strength:
        text = rng.choice(prefixes) + text[:1].lower() + text[1:]
    elif r < 0.30 * strength:
        stripped = text.rstrip(".!")
        text = stripped + rng.choice(suffixes) + text[len(stripped):]
    return text


# --------------------------------------------------------------------------------------------
# noise
# --------------------------------------------------------------------------------------------

ABBREVIATIONS: list[tuple[str, list[str], float]] = [
    (r"even", ["ff", "eff"], 0.6), (r"waarschijnlijk", ["wss"], 0.7), (r"inderdaad", ["idd"], 0.7),
    (r"misschien", ["mss"], 0.6), (r"in ieder geval|in elk geval", ["iig"], 0.7), (r"of zo", ["ofz"], 0.6),
    (r"ik hou van je|hou van je", ["hvj"], 0.6), (r"waarom", ["wrm"], 0.5), (r"laat maar", ["nvm"], 0.6),
    (r"trouwens", ["btw"], 0.6), (r"gewoon", ["gwn"], 0.5), (r"mijn", ["mn", "m'n"], 0.5), (r"daar", ["dr"], 0.4),
    (r"wacht", ["w8"], 0.5), (r"oké|okay|ok", ["k", "oki", "okk", "oke"], 0.5), (r"niks|niets", ["nix"], 0.3),
    (r"ik weet het niet|weet ik niet", ["idk", "weet nie", "wn"], 0.6), (r"natuurlijk", ["tuurlijk"], 0.5),
    (r"eigenlijk", ["eig", "eigl"], 0.6), (r"sowieso", ["sws"], 0.6), (r"groetjes", ["grtjs", "gr"], 0.6),
    (r"bedankt|dankjewel", ["thnx", "dankje", "bdankt"], 0.5), (r"alsjeblieft", ["aub", "pls"], 0.6),
    (r"vanavond", ["vnvd"], 0.15), (r"weet je", ["weetje", "wj"], 0.3), (r"heel", ["hl"], 0.1),
    (r"ik", ["k"], 0.12), (r"het", ["t", "'t"], 0.2), (r"een", ["n", "'n", "1"], 0.15), (r"wat", ["wt"], 0.1),
    (r"met", ["mt"], 0.08), (r"jij", ["jy"], 0.05), (r"voor", ["vr"], 0.08), (r"van", ["vn"], 0.05),
]
_ABBR = [(re.compile(rf"\b(?:{p})\b", re.IGNORECASE), reps, prob) for p, reps, prob in ABBREVIATIONS]

EMOJI = {
    "neutral": ["😂", "🤣", "😅", "🙂", "😊", "👍", "🙏", "🤔", "👀", "😬", "🙄", "✨", "😭", "💯", "🔥"],
    "flirty": ["😍", "😘", "🥰", "❤️", "💕", "😉", "🙈", "🫶", "😊", "✨", "🌹"],
    "money": ["💰", "💸", "🤑", "💶", "🔥", "💯", "👀", "😎"],
    "threat": ["😈", "🙂", "⏰", "📸", "👀", "🤫", "💀", "😏", "⌛"],
    "joke": ["😂", "🤣", "💀", "😈", "😏", "🙃", "😭", "🤫"],
    "serious": ["😔", "🙏", "❤️", "😢", "🥺", "🤫", "💔"],
    "family": ["❤️", "😘", "🙂", "👍", "🏠", "😊"],
}

VOWELS = "aeiou"
EVASIVE_WORDS = re.compile(
    r"\b(snapchat|snap|telegram|whatsapp|insta(?:gram)?|signal|discord|geld|doekoe|foto's|foto|pics|pic|betalen|"
    r"betaal|euro|paysafe(?:card)?|bitcoin|btc|naaktfoto's|nummer|video|camera|cam|code|codes|giftcard|tikkie|"
    r"loverboy|sextortion|politie|geheim|niemand|thuis|ophalen|afspreken|crypto|wallet|account)\b",
    re.IGNORECASE)
LEET = {"o": "0", "e": "3", "a": "4", "i": "1", "s": "5", "t": "7", "g": "9"}


def _evasive_word(word: str, rng: random.Random) -> str:
    mode = rng.choice(["leet", "leet", "sep", "sep", "mixed", "star", "dots"])
    if mode == "leet":
        out = "".join(LEET[c.lower()] if c.lower() in LEET and rng.random() < 0.7 else c for c in word)
        if out == word:
            out = word.replace("o", "0").replace("e", "3").replace("a", "@")
        return out
    if mode == "sep":
        return rng.choice([" ", "-", "_", "."]).join(word)
    if mode == "dots":
        return ".".join(word)
    if mode == "mixed":
        return "".join(c.upper() if i % 2 == rng.randint(0, 1) else c.lower() for i, c in enumerate(word))
    # star: hide one vowel
    idx = [i for i, c in enumerate(word) if c.lower() in VOWELS]
    if not idx:
        return word.upper()
    i = rng.choice(idx)
    return word[:i] + "*" + word[i + 1:]


def evasive(text: str, rng: random.Random) -> str:
    """Obfuscate 1-2 sensitive words (leetspeak, separators, mixed case, asterisks)."""
    matches = list(EVASIVE_WORDS.finditer(text))
    if not matches:
        words = [m for m in re.finditer(r"\b[a-zA-Z]{5,}\b", text)]
        if not words:
            return text
        matches = [rng.choice(words)]
    chosen = rng.sample(matches, k=min(len(matches), rng.choice([1, 1, 2])))
    for m in sorted(chosen, key=lambda m: m.start(), reverse=True):
        text = text[:m.start()] + _evasive_word(m.group(0), rng) + text[m.end():]
    return text


def abbreviate(text: str, rng: random.Random) -> str:
    for pattern, reps, p_rule in _ABBR:
        if rng.random() < p_rule and pattern.search(text):
            text = pattern.sub(lambda m, reps=reps: _match_case(m.group(0), rng.choice(reps)), text)
    return text


def typo(text: str, rng: random.Random) -> str:
    words = [m for m in re.finditer(r"\b[a-zA-Zéëè]{4,}\b", text)]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randrange(1, len(w) - 1)
    op = rng.choice(["swap", "drop", "double"])
    if op == "swap":
        w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif op == "drop":
        w2 = w[:i] + w[i + 1:]
    else:
        w2 = w[:i] + w[i] + w[i:]
    return text[:m.start()] + w2 + text[m.end():]


def elongate(text: str, rng: random.Random) -> str:
    cands = [m for m in re.finditer(r"\b(heel|echt|zo|nee|ja|please|pls|alsjeblieft|hey|hoi|oké|ok|sorry|nu|lol|haha|wow|amai|bro|nice|schat|babe|fissa|dankje|top)\b",
                                     text, re.IGNORECASE)]
    if not cands:
        return text
    m = rng.choice(cands)
    w = m.group(0)
    idx = [i for i, c in enumerate(w) if c.lower() in VOWELS + "y"] or [len(w) - 1]
    i = rng.choice(idx)
    w2 = w[:i + 1] + w[i] * rng.randint(2, 4) + w[i + 1:]
    return text[:m.start()] + w2 + text[m.end():]


def add_emoji(text: str, tone: str, rng: random.Random) -> str:
    pool = EMOJI.get(tone, EMOJI["neutral"]) + EMOJI["neutral"][:6]
    e = rng.choice(pool) * rng.choice([1, 1, 1, 2, 3])
    if rng.random() < 0.75:
        return text.rstrip() + ("" if rng.random() < 0.3 else " ") + e
    # after a random clause boundary
    spots = [m.end() for m in re.finditer(r"[,.!?]", text)]
    if not spots:
        return e + " " + text
    i = rng.choice(spots)
    return text[:i] + " " + e + text[i:]


def drop_punctuation(text: str, rng: random.Random) -> str:
    keep_q = rng.random() < 0.5
    return re.sub(r"[.,!;:]+(?=\s|$)" if keep_q else r"[.,!?;:]+(?=\s|$)", "", text)


def noise(text: str, rng: random.Random, tone: str = "neutral", *, evasive_p: float = 0.0, scale: float = 1.0) -> str:
    """Apply each kind of chat noise with its own probability (``scale`` weakens all of them)."""
    if rng.random() < evasive_p:
        text = evasive(text, rng)
    if rng.random() < 0.45 * scale:
        text = abbreviate(text, rng)
    if rng.random() < 0.25 * scale:
        for _ in range(rng.choice([1, 1, 2])):
            text = typo(text, rng)
    if rng.random() < 0.12 * scale:
        text = elongate(text, rng)
    if rng.random() < 0.5 * scale:
        text = text.lower()
    if rng.random() < 0.3 * scale:
        text = drop_punctuation(text, rng)
    if rng.random() < 0.08 * scale:
        text = re.sub(r"\?", rng.choice(["??", "???", "?!"]), text)
    if rng.random() < 0.3 * scale:
        text = add_emoji(text, tone, rng)
    return re.sub(r"[ \t]{2,}", " ", text).strip()
