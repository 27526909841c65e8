"""Disclosure clauses: a young person (or a friend on their behalf) tells what is happening.

Templates use perspective slots filled per message (see :func:`perspective_context`):
``{v}`` victim subject (ik / ze / hij), ``{v_obj}`` (me / haar / hem), ``{v_pos}`` (mijn / haar / zijn),
``{v_refl}`` (me / zich), verb forms ``{v_ben}``, ``{v_heb}``, ... agreeing with ``{v}``; ``{p}`` the
person doing it, ``{p_obj}`` object form, ``{p_intro}`` a first mention; ``{friend}`` the friend.
Reported tactics are annotated (the support workflow shows them as evidence).
"""

from __future__ import annotations

import random

from .templates import cm, fam, fl, st, x

P = {"kind": "positive", "group": "disclosure", "label": "disclosure", "tone": "serious"}

VERBS = ["ben", "heb", "wil", "durf", "weet", "moet", "kan", "zeg", "krijg", "voel", "stuur", "doe", "ga",
         "word", "betaal", "vertel", "zit", "ken", "kom", "reageer", "zie", "mag", "denk", "vind", "slaap",
         "praat", "blokkeer", "lig", "blijf", "had", "was", "dacht", "kreeg", "snap", "hoef"]
THIRD = {"ben": "is", "heb": "heeft", "wil": "wil", "kan": "kan", "mag": "mag", "zeg": "zegt", "ga": "gaat",
         "doe": "doet", "word": "wordt", "vind": "vindt", "zit": "zit", "moet": "moet", "weet": "weet",
         "had": "had", "was": "was", "dacht": "dacht", "kreeg": "kreeg", "hoef": "hoeft"}


def perspective_context(rng: random.Random, perspective: str) -> dict:
    """Slot values for one disclosure message told by the victim (``self``) or by a friend."""
    ctx: dict = {}
    if perspective == "self":
        ctx.update(v=["ik"], v_obj=["me", "mij"], v_pos=["mijn", "m'n"], v_refl=["me"])
        verbs = {v: v for v in VERBS}
        ctx["p"] = ["hij", "hij", "hij", "die gast", "die man", "die jongen"]
        ctx["p_obj"] = ["hem", "hem", "die gast"]
    else:
        female = rng.random() < 0.7
        if female:
            ctx.update(v=["ze", "ze", "zij"], v_obj=["haar"], v_pos=["haar"], v_refl=["zich"])
            ctx["friend"] = ["mijn beste vriendin", "een meisje uit mijn klas", "mijn zusje", "mijn vriendin",
                             "een vriendin van mij", "mijn nichtje", "mijn klasgenote", "mijn buurmeisje"]
            ctx["p"] = ["hij", "hij", "die gast", "die man", "die jongen"]
            ctx["p_obj"] = ["hem", "die gast", "die man"]
        else:
            ctx.update(v=["hij"], v_obj=["hem"], v_pos=["zijn"], v_refl=["zich"])
            ctx["friend"] = ["mijn beste vriend", "een jongen uit mijn klas", "mijn broertje", "mijn vriend",
                             "een vriend van mij", "mijn neefje", "mijn klasgenoot", "een jongen van mijn team"]
            ctx["p"] = ["die persoon", "die gast", "die man", "dat account", "die dader"]
            ctx["p_obj"] = ["die persoon", "die gast", "dat account"]
        verbs = {}
        for v in VERBS:
            if v in THIRD:
                verbs[v] = THIRD[v]
            elif v.endswith("t"):
                verbs[v] = v
            else:
                verbs[v] = v + "t"
    for v, form in verbs.items():
        ctx[f"v_{v}"] = [form]
    ctx["p_intro"] = [
        "een jongen die {v} online {v_heb} leren kennen", "een man van {app}", "iemand op {app}",
        "een gast van {age_adult}", "een oudere jongen", "een account op insta", "een meisje dat nep bleek te zijn",
        "iemand die zich voordeed als een meisje van {age_young}", "een vriend van {v_pos} broer",
        "een jongen uit {city}", "iemand die {v} via {game} {v_ken}", "een man die {v} niet eens {v_ken}",
        "{v_pos} zogenaamde vriendje", "een gast die {v} op een feest {v_heb} ontmoet",
    ]
    return ctx


FAMILIES = [
    # ---------------------------------------------------------------- frames (no tactics)
    fam("disc.frame_self", [
        "ik weet {echt |}niet bij wie ik anders {moet|kan}",
        "ik {moet|wil} {iets|iets heel ergs} {vertellen|kwijt}",
        "sorry dat ik {je zomaar stoor|zo laat stuur}, maar {ik ben echt bang|ik zit vast}",
        "niemand weet dit{, maar| maar|}",
        "ik schaam me {zo|echt zo} {erg |}om dit te zeggen",
        "ik {heb|heb hier} nog {nooit|met niemand} over gepraat",
        "kan ik {je|jou} iets {vertellen|vragen} zonder dat je {boos wordt|het doorvertelt}?",
        "ik durf het {niet|niet echt} aan mijn ouders te vertellen",
        fl("ik weet nie meer wat ik moet doen, echt nie"),
        st("wallah ik weet niet meer wat ik moet doen"),
        cm("ik ben literally zo scared rn"),
    ], tactics=(), anchor=False, perspective="self", **P),

    fam("disc.frame_friend", [
        "ik maak me {echt |}zorgen om {friend}",
        "{friend} {zit|zit echt} in de problemen{, denk ik|}",
        "{friend} vertelde me iets {engs|heftigs} en ik weet niet wat ik moet doen",
        "ik denk dat {friend} {gegroomd wordt|met een loverboy omgaat|gechanteerd wordt}",
        "{friend} {durft het aan niemand te vertellen|wil het aan niemand vertellen}{, daarom vraag ik het|, maar ik maak me zorgen|}",
        "{friend} {is|doet} {de laatste tijd |}{heel raar|heel stil}, {en nu weet ik waarom|en ik weet nu waarom}",
        fl("ik maak mij zorgen over {friend}"),
        st("{friend} zit echt in de shit"),
        cm("{friend} zit in trouble en ik weet niet wat ik moet doen"),
    ], tactics=(), anchor=False, perspective="friend", **P),

    # ---------------------------------------------------------------- reported threats / extortion
    fam("disc.threat_exposure", [
        "{p_intro} dreigt {v_pos} foto's {naar {v_pos} ouders|naar {v_pos} hele school|op insta} te {sturen|zetten}",
        x("{p} zegt dat hij {alles|de foto's|die video} {online zet|naar {v_pos} familie stuurt} als {v} niet {v_betaal}", "payment_demand"),
        "{v} {v_heb} {een foto|foto's} gestuurd naar {p_intro} en nu {v_word} {v} {gechanteerd|bedreigd}",
        "{v} {v_word} {gechanteerd|bedreigd} met {foto's|een filmpje|naaktfoto's|screenshots}",
        "{p} heeft screenshots van {alles|onze chats} en {wil|dreigt} die naar iedereen te sturen",
        "{p} stuurde een {lijst met|screenshot van} {v_pos} volgers en zei dat ze het allemaal {krijgen|gaan zien}",
        "{p} dreigt {v_obj} op {de bangalijst|een exposepagina|een account met {v_pos} naam} te zetten",
        "{v} {v_durf} niet meer {naar school|online}, {p} zegt dat de hele klas {het|de foto} {gaat zien|krijgt}",
        "{p_intro} weet {v_pos} {adres|school} en dreigt {alles rond te sturen|langs te komen}",
        "er {staat|zit} {een foto van {v_obj}|{v_pos} foto} in een groep en {p} zegt dat er meer {komen|komt}",
        "{p} heeft {v_obj} {opgenomen|gefilmd} {tijdens|via} een videocall en {dreigt|zegt} het {te delen|rond te sturen}",
        "{p} {zei|zegt} dat {v_pos} leven kapot is als {v} niet {v_doe} wat hij zegt",
        fl("{v} {v_word} gechanteerd door ne gast van {app}, amai"),
        st("{p} wil {pics} leaken naar heel {v_pos} scoro"),
        cm("{p} dreigt {v_pos} pics te leaken naar al {v_pos} followers"),
    ], tactics=("threat_exposure",), **P),

    fam("disc.payment_demand", [
        "{p} wil {payment} van {v_obj}",
        "{v} {v_moet} {amount_big} betalen aan iemand die {v} niet eens {v_ken}",
        "{p} {vraagt|eist} {giftcard} en {v} {v_heb} dat geld {niet|helemaal niet}",
        "{v} {v_heb} al {amount} betaald maar {p} {wil|vraagt} {steeds|nog} meer",
        "{v} {v_heb} {amount} van {v_pos} {spaarrekening|moeder} gepakt om {het|hem} te betalen",
        "{p} wil {crypto}, {v} {v_weet} niet eens hoe dat werkt",
        "{p} zegt dat {v} {v_pos} ouders om geld {v_moet} vragen",
        x("als {v} niet {v_betaal}, {stuurt hij alles door|gaan de foto's rond} zegt hij", "threat_exposure"),
        "{v} {v_heb} {paysafecards|giftcards|codes} gekocht {voor hem|voor {p_obj}} en het stopt niet",
        fl("{p} vraagt {amount_big} en {v} {v_heb} da nie"),
        st("{p} wil doekoe van {v_obj}, {amount_big}"),
        cm("{p} wil {amount_big} van {v_obj}, anders leakt hij alles", "threat_exposure"),
    ], tactics=("payment_demand",), **P),

    fam("disc.deadline", [
        "{p} {gaf|geeft} {v_obj} {24 uur|een uur|tot vrijdag|tot vanavond}{ om te betalen|}",
        "{v} {v_heb} {nog |}{tot vanavond|een uur|tot morgen} en {v} {v_weet} niet wat {v} {v_moet} doen",
        "{p} blijft aftellen {in de chat|met berichten} en {v} {v_ben} {zo|echt} bang",
        "{p} zegt dat het {vanavond om {h} uur|morgen voor school} {binnen moet zijn|geregeld moet zijn}",
        cm("{p} gaf {v_obj} een deadline van 1 uur, ik freak out"),
    ], tactics=("deadline",), **P),

    # ---------------------------------------------------------------- reported grooming
    fam("disc.image_request", [
        "{p} {blijft|bleef} {vragen|zeuren} om foto's van {v_obj}",
        "{p} wil dat {v} {v_pos} camera aanzet {als {v_pos} ouders slapen|'s nachts}",
        "{p} vraagt {steeds |}om naaktfoto's en {v} {v_durf} geen nee te zeggen",
        "{v} {v_heb} {een foto|foto's} gestuurd omdat {p} bleef aandringen{, en nu {v_heb} {v} spijt|}",
        x("{p} zei dat het normaal is om {zulke|die} foto's te sturen {als je van iemand houdt|}", "emotional_pressure"),
        "{p_intro} {vroeg|vraagt} {steeds |}om {foto's|een video} {en|maar} {v} {v_wil} dat niet",
        st("{p} blijft zeuren om pics van {v_obj}"),
        cm("{p} blijft om pics vragen en {v} {v_wil} dat niet"),
    ], tactics=("image_request",), **P),

    fam("disc.flattery_gifts", [
        x("{p_intro} {koopt|kocht} {steeds |}{dure dingen|cadeaus|kleren} voor {v_obj}{, en nu wil hij iets terug|}", only=("gifts_money",)),
        x("{p} {zegt|zei} {steeds |}dat {v} anders {v_ben} dan de rest en {koopt|gaf} {v_obj} {een telefoon|nieuwe schoenen|geld}", "flattery", "gifts_money"),
        "{p} {was|is} {heel|super} lief {tegen {v_obj}|} en zei dat {v} {zijn prinses|de enige voor hem} {v_ben}, maar nu is het raar",
        x("{p_intro} geeft {v_obj} {geld|{amount}} en zegt dat {v} het {moet|mag} {terugbetalen|terugdoen} {met|door} {iets voor hem te doen|werk}", only=("gifts_money", "emotional_pressure")),
        x("{v} {v_heb} {een nieuwe telefoon|{gift}} gekregen van {p_intro} en {v} {v_mag} het {aan niemand|niet thuis} vertellen", only=("gifts_money", "secrecy")),
        fl("{p} geeft {v_obj} altijd cadeaukes, en nu moet {v} iets terugdoen", only=("gifts_money", "emotional_pressure")),
    ], tactics=("flattery",), **P),

    fam("disc.job_offer", [
        "{p} wil dat {v} {voor hem|voor zijn vrienden} {gaat werken|met mannen afspreekt}",
        "{v} {v_moet} {met klanten|met mannen} afspreken {die hij regelt|van hem}{ en {v} {v_wil} dat niet|}",
        x("{p} zegt dat {v} {v_pos} schuld {v_moet} terugverdienen door {voor hem te werken|met werk}", "emotional_pressure"),
        "{p_intro} bood {v_obj} {werk|een baantje} aan {op feestjes|bij zijn vrienden} en nu {v_kan} {v} niet meer stoppen",
        "{v} {v_word} {gedwongen|verplicht} om {te werken|geld te verdienen} {voor hem|voor {p_obj}}",
        st("{p} laat {v_obj} werken voor doekoe en {v} {v_kan} nie weg"),
    ], tactics=("job_offer",), **P),

    fam("disc.isolation", [
        "{p} zegt dat {v_pos} ouders {v_obj} niet {snappen|begrijpen} en dat alleen hij dat doet",
        "{v} {v_zie} {v_pos} vrienden {bijna niet meer|niet meer} door {p_obj}",
        "{p} wil niet dat {v} nog met {v_pos} {vriendinnen|vrienden} {praat|afspreekt}",
        "{p} {zegt|zei} dat {v} {weg moet|moet weglopen} van huis en bij hem {moet|kan} wonen",
        fl("{p} zegt dat {v_pos} ouders {v_obj} nie snappen"),
    ], tactics=("isolation",), **P),

    fam("disc.secrecy", [
        "{p} zegt dat {v} het aan niemand mag vertellen",
        "{v} {v_moet} alle chats {verwijderen|wissen} van {p_obj}",
        x("{p} zei dat {het|alles} {erger wordt|online gaat} als {v} het {v_vertel}", "threat_exposure"),
        "{v} {v_mag} {niks|niets} zeggen {tegen {v_pos} ouders|op school}, {zegt hij|anders is hij boos}",
        "{p} zegt dat het hun geheim is{ en dat niemand het zou begrijpen|}",
        cm("{p} zegt dat het hun secret is en {v} niks mag zeggen"),
    ], tactics=("secrecy",), **P),

    fam("disc.meeting", [
        "{p} wil {afspreken|dat {v} naar {city} {v_kom}}{ en {v} {v_durf} geen nee te zeggen|}",
        "{p} {wil|komt} {v_obj} {elke dag |}ophalen {na school|bij het station}{ en {v} {v_durf} geen nee te zeggen|}",
        "{v} {v_ben} {al |}een keer {met {p_obj} meegegaan|bij {p_obj} in de auto gestapt} en nu {wil|eist} hij meer",
        x("{p} wil dat {v} zegt dat {v} bij een vriendin {v_slaap}, zodat {v} naar hem toe kan", "secrecy"),
        st("{p} wil {v_obj} oppikken na scoro en {v} {v_wil} niet"),
    ], tactics=("meeting",), **P),

    fam("disc.emotional_pressure", [
        "{p} zegt dat {v} hem {nog |}{iets|geld|{amount}} schuldig {v_ben}",
        "{p} zegt dat {het|alles} {v_pos} eigen schuld is",
        "{p} wordt {heel |}boos als {v} niet {meteen |}{v_reageer}",
        "{p} zegt dat hij {zichzelf iets aandoet|helemaal kapot gaat} als {v} {v_obj} blokkeert",
        "{p} {zegt|zei} dat {v} {hem|hem nog} {iets|een gunst} {v_moet} terugdoen na alles wat hij {gaf|deed}",
        fl("{p} zegt dat {v} hem nog iets schuldig {v_ben}, amai"),
    ], tactics=("emotional_pressure",), **P),

    fam("disc.age_platform", [
        x("{p} {vroeg|vraagt} {steeds |}{hoe oud {v} {v_ben}|of {v_pos} ouders thuis zijn} {en nu is het eng|en dat voelt niet goed}", only=("age_probe",)),
        x("{p_intro} wilde {meteen |}naar {private_app} {en daar werd het raar|en toen begon het}", only=("platform_switch",)),
        x("{p} weet dat {v} pas {age_young} {v_ben} en {zegt|zei} dat het niet uitmaakt", only=("age_probe",)),
    ], tactics=("age_probe",), **P),

    fam("disc.general", [
        "{v} {v_word} {gegroomd|gechanteerd|uitgebuit}{ denk ik| volgens mij|}",
        "{v} {v_voel} {v_refl} {zo|heel} {rot|schuldig|bang|stom} {over wat er gebeurd is|door wat hij doet}",
        "{v} {v_zit} {vast|in de problemen} door {p_intro}",
        "{v} {v_ben} {bang|doodsbang} {voor|van} {p_obj}",
        "{v} {v_denk} dat {v_pos} {vriendje|lief} een loverboy is",
        "{v} {v_kan} niet meer slapen door wat {p} doet",
        "{v} {v_weet} niet {hoe {v} hier uit {v_kom}|hoe {v} ervan af {v_kom}}",
        fl("{v} {v_zit} hier ferm mee in de knoei"),
        st("{v} {v_zit} vast met {p_obj}, wallah"),
        cm("{v} {v_ben} zo scared van {p_obj}"),
    ], tactics=(), **P),

    # ---------------------------------------------------------------- help-seeking closers (no tactics)
    fam("disc.help_self", [
        "wat moet ik doen?",
        "{kan iemand|kun jij} me helpen?",
        "moet ik naar de politie?",
        "ik durf het niet aan mijn ouders te vertellen{, wat nu?|}",
        "{help|help me} alsjeblieft",
        "is dit mijn schuld?",
        fl("wat moet ik doen, allez?"),
        st("wat moet ik doen mattie?"),
        cm("wat moet ik doen, help"),
    ], tactics=(), anchor=False, perspective="self", **P),

    fam("disc.help_friend", [
        "hoe kan ik {v_obj} helpen?",
        "moet ik het aan {een leraar|{v_pos} ouders|de mentor} vertellen?",
        "{v} wil niet dat ik het doorvertel, maar wat moet ik doen?",
        "wat moet ik doen?",
        st("hoe help ik {v_obj} bro?"),
        cm("hoe kan ik {v_obj} helpen, idk"),
    ], tactics=(), anchor=False, perspective="friend", **P),
]
