"""Slot fillers: names, handles, apps, places, amounts, gift cards, times, ages, phone numbers, URLs.

A slot is a list of strings, a per-register dict of lists (key ``"*"`` is shared by every register),
or a function ``(rng, register) -> str``. Filler strings may themselves use the template
mini-language (``{slot}``, ``{a|b}``, ``[opt]``).
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

GIRLS = [
    "Emma", "Julia", "Sophie", "Lotte", "Noor", "Sara", "Fleur", "Lisa", "Anouk", "Yara", "Fenna", "Elif",
    "Aya", "Imane", "Nour", "Salma", "Zoë", "Mila", "Lieke", "Jade", "Amber", "Kiki", "Shanice", "Naomi",
    "Chelsey", "Ilse", "Femke", "Britt", "Sanne", "Marit", "Hanna", "Lore", "Ine", "Febe", "Elise", "Ylena",
    "Marie", "Nina", "Eline", "Charlotte", "Hiba", "Rania", "Dewi", "Priya", "Esra", "Merel", "Tess",
    "Romy", "Lina", "Ilayda", "Maud", "Jasmijn", "Kaat", "Lien", "Jana", "Amira", "Safae", "Demi", "Robin",
]
BOYS = [
    "Daan", "Sem", "Finn", "Milan", "Levi", "Noah", "Jesse", "Bram", "Thijs", "Ruben", "Mohamed", "Yassin",
    "Ayoub", "Bilal", "Emre", "Kerem", "Jayden", "Dylan", "Kevin", "Wout", "Jelle", "Arne", "Seppe", "Warre",
    "Lucas", "Mats", "Stijn", "Rayan", "Amin", "Quincy", "Jordy", "Giovanni", "Nassim", "Tygo", "Luuk",
    "Senna", "Youssef", "Hamza", "Matthias", "Robbe", "Jens", "Brent", "Gianni", "Dani", "Lars", "Koen",
]
ADULTS = [
    "Mark", "Peter", "Sandra", "Ellen", "Kim", "Marco", "Bart", "Joost", "Ingrid", "Hans", "Miriam",
    "Patrick", "Nathalie", "Karim", "Fatima", "Dirk", "Annelies", "Erik", "Wim", "Saskia", "Sven", "Gert",
]
SURNAMES = ["de Vries", "Jansen", "Peeters", "Janssens", "Bakker", "Maes", "Visser", "Claes", "Smit",
            "Mertens", "de Jong", "Willems", "El Amrani", "Yilmaz", "Vermeulen", "Bos", "Wouters"]

APPS = ["snap", "snapchat", "insta", "instagram", "whatsapp", "telegram", "discord", "tiktok", "signal",
        "messenger", "kik", "facetime"]
PRIVATE_APPS = ["telegram", "signal", "snap", "snapchat", "session", "threema", "wickr", "kik", "whatsapp",
                "een andere app", "mijn tweede account", "discord"]
CITIES = {
    "*": ["Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Tilburg", "Almere", "Breda",
          "Nijmegen", "Arnhem", "Zwolle", "Groningen", "Leiden", "Haarlem", "Zaandam", "Amersfoort",
          "Antwerpen", "Gent", "Brussel", "Leuven", "Brugge", "Mechelen", "Hasselt", "Genk", "Aalst",
          "Kortrijk", "Roeselare", "Sint-Niklaas", "Apeldoorn", "Dordrecht", "Lelystad", "Venlo"],
    "flemish": ["Antwerpen", "Gent", "Brussel", "Leuven", "Brugge", "Mechelen", "Hasselt", "Genk", "Aalst",
                "Kortrijk", "Roeselare", "Sint-Niklaas", "Lier", "Turnhout", "Oostende", "Dendermonde"],
    "straattaal": ["Damsko", "Roffa", "Utca", "Agga", "Amsterdam", "Rotterdam", "Den Haag", "Utrecht",
                   "Almere", "Zaandam", "Eindhoven", "Antwerpen", "Tilburg", "Breda"],
}
PLACES = {
    "*": ["het station", "de McDonald's", "het winkelcentrum", "de parkeerplaats achter de sporthal",
          "de hoek van je straat", "de bushalte bij school", "het park", "de Primark", "de snackbar",
          "de tankstation bij de ring", "de ingang van het zwembad", "de Action", "de bieb", "de speeltuin",
          "de Kruidvat", "het plein", "de achteringang van school", "de metro", "de Burger King"],
    "flemish": ["'t station", "de frituur", "de kerk", "het kerkplein", "de Carrefour", "de Colruyt",
                "de bushalte aan 't college", "de Meir", "de Korenmarkt", "het park", "de Delhaize"],
}
SCHOOLS = {
    "*": ["het Stedelijk Gymnasium", "het Da Vinci College", "het Montessori Lyceum", "het Erasmus College",
          "het Koningin Wilhelmina College", "het Sint-Jozefcollege", "het Atheneum", "het Vathorst College",
          "het Cals College", "het Stedelijk Lyceum", "het Hofstad Lyceum", "het Sint-Lievenscollege",
          "het Sint-Jan Berchmanscollege", "het GO! atheneum", "de Scholengemeenschap", "het Spinoza"],
}
GRADES = {
    "*": ["de brugklas", "2 havo", "3 vwo", "de tweede", "4 vmbo", "2 mavo", "de derde", "1 gym", "3 havo"],
    "flemish": ["het eerste middelbaar", "het tweede jaar", "het derde middelbaar", "het 2de jaar",
                "het vierde", "het eerste jaar", "'t tweede middelbaar", "het zesde leerjaar"],
}
AUDIENCES = {
    "*": ["je ouders", "je moeder", "je vader", "je hele klas", "je school", "al je volgers", "je familie",
          "je opa en oma", "je leraren", "iedereen in je contacten", "je vrienden", "je trainer", "je broer",
          "je mentor", "de hele school", "je vriendinnen", "je zus", "iedereen op insta", "je buren"],
    "flemish": ["uw ouders", "uw ma", "uw pa", "uw hele klas", "heel uw school", "al uw volgers",
                "uw familie", "uw vrienden", "uw leerkrachten", "uw meter", "uw peter"],
    "straattaal": ["je am", "je pa", "je hele scoro", "al je matties", "je fam", "je broertje", "heel je klas",
                   "al je volgers", "je hele buurt", "de hele wijk"],
    "codemix": ["al je followers", "je parents", "je hele school", "je mom", "je dad", "je bestie",
                "je hele class", "iedereen in je contacts"],
}
PICS = {
    "*": ["die foto's", "de foto's", "je foto's", "die pics", "die video", "die beelden", "naaktfoto's",
          "die snaps", "dat filmpje", "de screenshots", "die foto", "je naaktfoto's", "alles wat je stuurde"],
    "flemish": ["die foto's", "uw foto's", "die filmkes", "die beelden", "da filmpje", "die foto"],
    "straattaal": ["die pics", "die foto's", "die snaps", "die clip", "die vid", "naaktfoto's"],
    "codemix": ["die pics", "je pics", "die nudes", "die video", "de screenshots", "die pictures"],
}
ARTISTS = ["Frenna", "Boef", "Emma Heesters", "Snelle", "Bizzey", "Kraantje Pappie", "Metejoor", "Goe Vur Je",
           "Taylor Swift", "Billie Eilish", "Stromae", "Angèle", "Yung Mavu", "Jonna Fraser", "Ronnie Flex",
           "Josylvio", "Olivia Rodrigo", "Antoon", "Meau", "Froukje", "Tourist LeMC", "K3", "Suzan & Freek"]
GAMES = ["fortnite", "minecraft", "fifa", "fc 25", "valorant", "rocket league", "roblox", "gta", "brawl stars",
         "among us", "call of duty", "mario kart", "clash royale", "league"]
HELPLINES = {
    "*": ["de Kindertelefoon (0800-0432)", "Helpwanted.nl", "Fier", "de politie (0900-8844)",
          "de Kindertelefoon", "Helpwanted", "Slachtofferhulp", "het Centrum Seksueel Geweld"],
    "flemish": ["Awel (102)", "Child Focus (116 000)", "Awel", "Child Focus", "de politie", "1712"],
}
DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]

NUM_WORDS = {5: "vijf", 10: "tien", 15: "vijftien", 20: "twintig", 25: "vijfentwintig", 30: "dertig",
             40: "veertig", 50: "vijftig", 60: "zestig", 75: "vijfenzeventig", 80: "tachtig",
             100: "honderd", 150: "honderdvijftig", 200: "tweehonderd", 250: "tweehonderdvijftig",
             300: "driehonderd", 400: "vierhonderd", 500: "vijfhonderd", 750: "zevenhonderdvijftig",
             1000: "duizend", 1500: "vijftienhonderd", 2000: "tweeduizend", 3000: "drieduizend",
             5000: "vijfduizend"}
AGE_WORDS = {11: "elf", 12: "twaalf", 13: "dertien", 14: "veertien", 15: "vijftien", 16: "zestien",
             17: "zeventien"}


# --------------------------------------------------------------------------------------------
# generated fillers
# --------------------------------------------------------------------------------------------

def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def handle(rng: random.Random, register: str = "standard") -> str:
    name = rng.choice(GIRLS + BOYS).lower().replace("ë", "e")
    year = str(rng.randint(2005, 2013))
    forms = [
        f"{name}_{year}", f"{name}.{year[2:]}", f"xx{name}xx", f"{name}{rng.randint(1, 99)}", f"its.{name}",
        f"{name}.official", f"{name}_{rng.choice(['nl', 'be', 'vibes', 'x', 'lol', 'gaming', 'tv'])}",
        f"@{name}{_digits(rng, 3)}", f"@{name}_{rng.choice(['020', '010', '070', '03', '09', '016'])}",
        f"{rng.choice(['real', 'just', 'the', 'not'])}{name}", f"{name}__{rng.choice(string.ascii_lowercase)}",
        f"@{name}.{rng.choice(SURNAMES).split()[-1].lower()}",
    ]
    return rng.choice(forms)


def phone(rng: random.Random, register: str = "standard") -> str:
    d8 = _digits(rng, 8)
    forms = [f"06-{d8}", f"06 {d8[:4]} {d8[4:]}", f"06{d8}", f"+31 6 {d8}", f"+316{d8}", f"06 {d8[:2]} {d8[2:4]} {d8[4:6]} {d8[6:]}"]
    be = [f"+32 4{rng.choice('789')}{_digits(rng, 1)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
          f"04{rng.choice('789')}{_digits(rng, 1)}/{_digits(rng, 2)}.{_digits(rng, 2)}.{_digits(rng, 2)}",
          f"04{rng.choice('789')}{_digits(rng, 1)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}"]
    return rng.choice(be if register == "flemish" or rng.random() < 0.2 else forms)


def url(rng: random.Random, register: str = "standard") -> str:
    tag = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(5, 8)))
    h = handle(rng).lstrip("@")
    return rng.choice([f"t.me/{h}", f"bit.ly/{tag}", f"linktr.ee/{h}", f"https://t.me/+{tag}",
                       f"discord.gg/{tag}", f"tinyurl.com/{tag.lower()}", f"snapchat.com/add/{h}",
                       f"www.{rng.choice(['bijbaan', 'jobs', 'promo', 'model', 'info'])}{rng.randint(1, 99)}.nl/{tag}",
                       f"https://chat.whatsapp.com/{tag}{tag}"])


def iban(rng: random.Random, register: str = "standard") -> str:
    if register == "flemish":
        return f"BE{_digits(rng, 2)} {_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 4)}"
    bank = rng.choice(["ABNA", "INGB", "RABO", "BUNQ", "SNSB", "KNAB", "TRIO"])
    return rng.choice([f"NL{_digits(rng, 2)} {bank} {_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 2)}",
                       f"NL{_digits(rng, 2)}{bank}{_digits(rng, 10)}"])


def wallet(rng: random.Random, register: str = "standard") -> str:
    chars = "abcdefghijkmnpqrstuvwxyz023456789"
    return rng.choice(["bc1q", "1", "3", "0x"]) + "".join(rng.choice(chars) for _ in range(rng.randint(10, 16))) + "..."


def _amount(rng: random.Random, register: str, values: list[int]) -> str:
    n = rng.choice(values)
    forms = [f"€{n}", f"€ {n}", f"{n} euro", f"{n} euro", f"{n},-", f"{n} eu", f"{n}e", f"€{n},-"]
    if n in NUM_WORDS:
        forms += [f"{NUM_WORDS[n]} euro"] * 2
    if n >= 1000:
        k = n / 1000
        forms += [f"{k:g}k", f"{k:g}k euro", f"{n:,}".replace(",", ".") + " euro"]
    forms += {10: ["een briefje van 10"], 20: ["een briefje van 20", "twee tientjes"], 50: ["een briefje van 50"],
              100: ["een briefje van 100", "twee briefjes van 50"], 200: ["twee briefjes van 100"]}.get(n, [])
    if register == "codemix":
        forms += [f"{n} bucks", f"{n} euros", f"{n} euro cash"]
    if register == "straattaal":
        forms += [f"{n} euries", f"{n} doekoe", f"{n} ballen"]
        forms += {10: ["een donnie"], 50: ["een bankoe"], 100: ["een barkie"], 200: ["twee barkies"],
                  300: ["drie barkies"], 500: ["vijf barkies"], 1000: ["een doezoe"]}.get(n, [])
    if register == "flemish":
        forms += [f"{n} euro", f"{n} euro'kes" if n < 50 else f"{n} euro", f"€{n}"]
    return rng.choice(forms)


def amount(rng: random.Random, register: str = "standard") -> str:
    return _amount(rng, register, [20, 25, 30, 40, 50, 50, 75, 100, 100, 150, 200, 250, 300, 400, 500, 500,
                                   750, 1000, 1500, 2000, 3000, 5000])


def amount_small(rng: random.Random, register: str = "standard") -> str:
    return _amount(rng, register, [5, 10, 12, 15, 20, 20, 25, 30, 35, 40, 50, 60, 80])


def amount_big(rng: random.Random, register: str = "standard") -> str:
    return _amount(rng, register, [100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000])


def amount_job(rng: random.Random, register: str = "standard") -> str:
    return _amount(rng, register, [50, 75, 100, 100, 150, 200, 250, 300, 400, 500])


def giftcard(rng: random.Random, register: str = "standard") -> str:
    n = rng.choice([10, 20, 25, 50, 50, 100, 100, 150, 200])
    kinds = ["paysafecard", "paysafe", "bol.com bon", "bol bon", "steam kaart", "steam code", "google play kaart",
             "google play code", "itunes kaart", "apple gift card", "amazon giftcard", "cadeaukaart", "psn kaart",
             "xbox kaart", "fortnite v-bucks kaart", "cadeaubon"]
    k = rng.choice(kinds)
    forms = [f"een {k} van {n}", f"een {k} van €{n}", f"{k} codes van {n} euro", f"{rng.choice([2, 3, 4, 5])} {k}s van {n}",
             f"een {k} van {n} euro", f"{k} van {NUM_WORDS.get(n, n)} euro", f"een {k} code van €{n}"]
    return rng.choice(forms)


def crypto(rng: random.Random, register: str = "standard") -> str:
    return rng.choice([f"0.0{rng.randint(1, 9)} btc", f"0,0{rng.randint(1, 9)} bitcoin", f"{rng.choice([50, 100, 200, 500])} usdt",
                       f"0.{rng.randint(1, 9)} eth", f"{rng.choice([100, 200, 300])} euro in bitcoin",
                       f"{rng.choice([100, 250, 500])} euro aan crypto", f"0.00{rng.randint(2, 9)} BTC",
                       f"{rng.choice([50, 150, 300])} euro in usdt"])


def payment(rng: random.Random, register: str = "standard") -> str:
    r = rng.random()
    if r < 0.5:
        return amount_big(rng, register)
    if r < 0.8:
        return giftcard(rng, register)
    return crypto(rng, register)


def hour(rng: random.Random, register: str = "standard") -> str:
    return str(rng.choice([7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]))


def clock(rng: random.Random, register: str = "standard") -> str:
    h = rng.choice([7, 8, 9, 10, 15, 16, 17, 18, 19, 20, 21, 22])
    m = rng.choice(["00", "15", "30", "45"])
    forms = [f"{h}:{m}", f"{h}.{m}", f"{h} uur" if m == "00" else f"{h}:{m}"]
    if register == "flemish":
        forms += [f"{h}u", f"{h}u{m}" if m != "00" else f"{h}u"]
    if m == "30":
        forms.append(f"half {h + 1 if h < 23 else 12}")
    if m == "15":
        forms.append(f"kwart over {h if h <= 12 else h - 12}")
    return rng.choice(forms)


def wage(rng: random.Random, register: str = "standard") -> str:
    n = rng.choice([6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
    cents = rng.choice(["", "", ",50", ",25"])
    return rng.choice([f"€{n}{cents}", f"{n}{cents} euro", f"{n} euro", f"€ {n}{cents}"])


def age_young(rng: random.Random, register: str = "standard") -> str:
    n = rng.choice([12, 13, 13, 14, 14, 15, 15, 16])
    return rng.choice([str(n), str(n), AGE_WORDS[n], f"{n} jaar", f"bijna {n}", f"{n} jr", f"{n}j"])


def age_adult(rng: random.Random, register: str = "standard") -> str:
    n = rng.randint(19, 48)
    return rng.choice([str(n), str(n), f"{n} jaar", f"{n}j"])


def first_name(rng: random.Random, register: str = "standard") -> str:
    return rng.choice(GIRLS + BOYS)


def _pick(options) -> Callable[[random.Random, str], str]:
    def f(rng: random.Random, register: str) -> str:
        return rng.choice(options)
    return f


SLOTS: dict[str, object] = {
    "name": first_name,
    "girl": GIRLS,
    "boy": BOYS,
    "adult_name": ADULTS,
    "surname": SURNAMES,
    "handle": handle,
    "phone": phone,
    "url": url,
    "iban": iban,
    "wallet": wallet,
    "app": APPS,
    "private_app": PRIVATE_APPS,
    "city": CITIES,
    "place": PLACES,
    "school": SCHOOLS,
    "grade": GRADES,
    "audience": AUDIENCES,
    "pics": PICS,
    "artist": ARTISTS,
    "game": GAMES,
    "helpline": HELPLINES,
    "day": DAYS,
    "amount": amount,
    "amount_small": amount_small,
    "amount_big": amount_big,
    "wage": wage,
    "amount_job": amount_job,
    "giftcard": giftcard,
    "crypto": crypto,
    "payment": payment,
    "h": hour,
    "clock": clock,
    "age_young": age_young,
    "age_adult": age_adult,
    "deadline": {
        "*": ["voor {h} uur", "voor middernacht", "binnen een uur", "binnen 24 uur", "voor vrijdag", "voor morgen",
              "voor morgenochtend", "binnen 10 minuten", "voor {clock}", "vóór het weekend", "vandaag nog",
              "binnen een half uur", "voor {day}", "voor vanavond {h} uur", "binnen twee uur", "voor 12 uur vannacht"],
        "flemish": ["tegen deze avond", "tegen {h}u", "binnen het uur", "tegen morgen", "tegen vrijdag", "voor {h}u"],
        "straattaal": ["fissa", "voor {h} uur", "binnen een uur", "vandaag nog", "voor vanavond"],
        "codemix": ["asap", "binnen een uur", "voor {h} uur", "tonight", "voor midnight", "binnen 24h"],
    },
    "time": {
        "*": ["vanavond", "morgen na school", "zaterdag", "zondagmiddag", "vrijdag om {h} uur", "om {clock}",
              "woensdagmiddag", "morgen om {h} uur", "dit weekend", "na de training", "straks", "morgenavond",
              "{day} om {clock}", "{day}", "na het eerste uur"],
        "flemish": ["deze avond", "woensdagnamiddag", "zaterdag om {h}u", "na school", "morgen om {h}u", "seffens"],
        "straattaal": ["vanavond", "na scoro", "straks", "morgen", "zaterdag"],
        "codemix": ["tonight", "na school", "this weekend", "zaterdag", "later"],
    },
    "mate": {
        "standard": ["man", "gast", "vriend", "jongen"],
        "flemish": ["maat", "makker", "gast", "jong"],
        "straattaal": ["mattie", "bro", "sahbi", "broer", "ouwe", "strijder"],
        "codemix": ["bro", "dude", "man", "bestie"],
    },
    "dear": {
        "standard": ["schat", "schatje", "lieverd", "mooie"],
        "flemish": ["schat", "schatteke", "liefje", "zoeteke"],
        "straattaal": ["schat", "mooie", "prinses", "bae"],
        "codemix": ["babe", "baby", "schat", "hun"],
    },
    "laugh": {
        "*": ["haha", "hahaha", "lol", "😂", "hahah", "😂😂", "🤣", "hihi", "xd"],
        "straattaal": ["hahaha", "😂", "lol", "ik ga dood", "hahah"],
        "codemix": ["lol", "lmao", "haha", "😭😭", "dead"],
    },
    "parent": {"*": ["je moeder", "je vader", "je ouders", "je mama", "je papa"],
               "flemish": ["uw ma", "uw pa", "uw ouders", "uw moeder"],
               "straattaal": ["je am", "je pa", "je ouders", "je moeder"],
               "codemix": ["je mom", "je dad", "je parents", "je moeder"]},
    "kid": ["je zoon", "je dochter", "jullie zoon", "jullie dochter", "{name}"],
    "sport": ["voetbal", "hockey", "basketbal", "turnen", "zwemmen", "volleybal", "handbal", "judo", "atletiek",
              "korfbal", "dansen", "tennis"],
    "subject": ["wiskunde", "frans", "engels", "geschiedenis", "bio", "aardrijkskunde", "nask", "economie",
                "duits", "latijn", "natuurkunde", "scheikunde", "nederlands"],
    "food": ["pizza", "friet", "sushi", "shoarma", "pasta", "kapsalon", "pannenkoeken", "döner", "frikandellen",
             "nasi", "hamburgers", "wraps"],
    "item": ["fiets", "ps5", "jas", "iphone", "bank", "switch", "controller", "scooter", "airpods", "sneakers",
             "tafel", "laptop", "step", "gitaar"],
    "gift": ["die nieuwe iphone", "een nieuwe telefoon", "die sneakers", "die jas", "die tas", "nieuwe airpods",
             "die hoodie", "een nieuwe jas", "die ketting", "die parfum", "een gucci riem", "een playstation"],
}


def fill(name: str, rng: random.Random, register: str) -> str:
    try:
        spec = SLOTS[name]
    except KeyError:
        raise KeyError(f"unknown slot {{{name}}}") from None
    if callable(spec):
        return spec(rng, register)
    if isinstance(spec, dict):
        pool = list(spec.get("*", []))
        specific = spec.get(register)
        if specific:
            # register-specific fillers are preferred but shared ones still appear
            return rng.choice(specific) if (not pool or rng.random() < 0.6) else rng.choice(pool)
        if not pool:
            pool = spec.get("standard") or next(iter(spec.values()))
        return rng.choice(pool)
    return rng.choice(spec)
