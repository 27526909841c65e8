"""Mention copies: a harmful message quoted inside a warning, a news item or a parent's question.

"Mention is not use": awareness posts, school and police warnings, news and parents asking what to do
quote the very words groomers and extortionists use. Writers wrote such texts too, but most of them
came from two writers, so a model that never saw those writers flagged them. A mention copy puts a
hand-written harmful message, word for word, inside such a frame and labels it harmless (a hard
negative of type "awareness"): the same words, the other use, in the same writer's fold.

Frames where a young person or a friend tells about it happening to them are left out on purpose:
those are disclosures, not mentions.
"""

from __future__ import annotations

import random

FRAMES: dict[str, tuple[str, ...]] = {
    "standard": (
        "Let op: krijg je een bericht als \"{q}\"? Reageer niet, blokkeer en meld het.",
        "Voorbeeld uit onze les over online veiligheid: \"{q}\" Zo begint het vaak.",
        "Politie waarschuwt ouders voor berichten zoals \"{q}\"",
        "Mijn dochter van 13 kreeg vandaag dit bericht: \"{q}\" Wat moet ik doen? Bellen we de politie?",
        "Uit de rechtszaak: de verdachte stuurde meisjes berichten als \"{q}\"",
        "Beste ouders, in de klas kwam dit voorbeeld langs: \"{q}\". Praat er thuis over.",
        "Herken je dit? \"{q}\" Dat is een signaal. Praat met iemand die je vertrouwt.",
    ),
    "flemish": (
        "Opgelet: als ge zo'n bericht krijgt, \"{q}\", antwoord niet en meld het bij Child Focus.",
        "Onze zoon kreeg dit op zijn gsm: \"{q}\" Wat moeten we doen? Naar de politie?",
        "In de les rond online veiligheid zagen we dit voorbeeld: \"{q}\"",
        "De politiezone waarschuwt: berichten als \"{q}\" zijn een teken van afpersing of grooming.",
        "Uit het proces: de beklaagde schreef minderjarigen \"{q}\"",
    ),
    "straattaal": (
        "yo pas op, als iemand je zo'n dm stuurt: \"{q}\" niet reageren, blokken en melden sma",
        "jongerenwerker hier: dit soort berichten \"{q}\" is geen liefde, zo werken die gasten",
        "kijk wat ze op school lieten zien als voorbeeld: \"{q}\" echt zo herkenbaar wollah",
        "ouders opgelet, zo klinkt het: \"{q}\" praat met je kinderen",
    ),
    "codemix": (
        "PSA: if someone sends you \"{q}\", that's a red flag. block & report, zeg het tegen een volwassene",
        "Awareness post 🚨 messages like \"{q}\" zijn een klassieke tactiek. Don't respond.",
        "my kid (14) got this today: \"{q}\" what do we do?? politie bellen?",
        "teacher here, we used this example in class: \"{q}\" and talked about how to say no",
    ),
}
QUOTABLE = ("recruitment", "sextortion")


def mention_copy(text: str, register: str, rng: random.Random) -> str:
    frames = FRAMES.get(register) or FRAMES["standard"]
    quote = " ".join(text.split()).replace('"', "'")
    return rng.choice(frames).format(q=quote)


def mention_copies(records: list[dict], seed: int, share: float) -> list[dict]:
    """Mention copies of ``share`` of the recruitment and sextortion messages (harmless, awareness)."""
    rng = random.Random(seed + 7)
    out = []
    for record in records:
        labels = record.get("labels") or []
        if not any(label in QUOTABLE for label in labels) or rng.random() >= share:
            continue
        out.append({**record, "id": f"{record.get('id', '')}~mention", "labels": [], "tactics": [],
                    "kind": "hard_negative", "negative_type": "awareness", "mention": True,
                    "text": mention_copy(record["text"], record.get("register", "standard"), rng)})
    return out
