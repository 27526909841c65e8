"""Ordinary chat (benign) and the greetings / sign-offs shared by every kind of message."""

from .templates import cm, fam, fl, st, x

B = {"kind": "benign"}

FAMILIES = [
    fam("ben.school", [
        "heb je het huiswerk voor {subject} al gemaakt?",
        "{morgen|vrijdag} hebben we {een toets|een so|een presentatie} voor {subject} toch?",
        "het eerste uur valt uit{ morgen|}, lekker uitslapen",
        "wie heeft de samenvatting van {subject}?",
        "ik heb een {4|5,5|8|6,2} voor {subject} {haha|😭|}",
        "de mentor zei dat we {vrijdag|morgen} eerder uit zijn",
        "welk profiel kies jij volgend jaar?",
        "kun je {de opdracht|het rooster} {even |}sturen? ik was er niet",
        "ik snap echt niks van {subject}{, jij wel?|}",
        "{de docent|meneer {surname}|juf {adult_name}} {was|is} {ziek|er niet}, dus {we hadden|we hebben} een tussenuur",
        "heb je mijn {etui|oplader|schrift} nog?",
        fl("hebt ge de taak voor {subject} al gemaakt?"),
        fl("morgen hebben we toets, ik heb nog niks geleerd"),
        st("scoro was zo saai vandaag wallah"),
        cm("ik heb literally niks geleerd voor {subject}"),
    ], tactics=(), group="school", tone="neutral", **B),

    fam("ben.plans", [
        x("gaan we {zaterdag|na school} naar {de stad|het strand|de bios}?", only=("meeting",)),
        "ik ben {iets later|10 min later}, de {bus|trein} heeft vertraging",
        "wie gaat er {mee|ook} naar {het feest van {name}|de kermis|het concert}?",
        x("waar spreken we af? bij {place}?", only=("meeting",)),
        "ik kan {zaterdag|vanavond} niet, {ik moet werken|we hebben familiebezoek}",
        "{zin in|doe je mee met} {bowlen|lasergamen|schaatsen} {dit weekend|zondag}?",
        "{vergeet|vergeten} je {tas|jas} niet, het wordt koud",
        "ik ben er over {5|10} minuten",
        fl("gaan we deze namiddag naar de stad?"),
        st("zullen we chillen {time}? ik kom naar je toe"),
        cm("let's go naar de bios {time}?"),
    ], tactics=(), group="plans", tone="neutral", **B),

    fam("ben.gaming", [
        "ik heb eindelijk {de nieuwe skin|level 100|die achievement} {gehaald|unlocked}",
        "de nieuwe update van {game} is {echt trash|best goed|helemaal bugged}",
        "wie doet er vanavond mee met {game}?",
        "mijn wifi viel {steeds|weer} uit tijdens de {game|match}",
        "we verloren met {3-0|2-1|heel veel} {laugh}",
        "heb je de nieuwe map al gezien?",
        st("die update is skeer bro"),
        cm("ik ben zo hard aan het grinden in {game} lol"),
    ], tactics=(), group="gaming", tone="neutral", **B),

    fam("ben.food", [
        "wat eten we vanavond?",
        "{food} bestellen? ik {heb zo'n honger|sterf van de honger}",
        "kan je {brood|melk|eieren} meenemen van de supermarkt?",
        "{die|de} {food} van gisteren was echt {lekker|goed}",
        "ik {heb|had} {te veel|veel te veel} {food} gegeten {laugh}",
        fl("gaan we frieten halen aan de frituur?"),
        st("ik ga {food} tjappen, wie gaat mee?"),
        cm("{food} tonight? ik ben starving"),
    ], tactics=(), group="food", tone="neutral", **B),

    fam("ben.sport", [
        "goed gespeeld {gisteren|vandaag}!",
        "de training is verplaatst naar donderdag",
        "{Ajax|Club Brugge|Feyenoord|Anderlecht|PSV|AA Gent} heeft weer {verloren|gewonnen}, {ongelooflijk|lol}",
        "ik heb mijn {enkel|knie} verstapt bij {sport}{, balen|}",
        "wie heeft mijn {sport}tas meegenomen?",
        "{morgen|zaterdag} hebben we een belangrijke wedstrijd{, duimen|}",
        fl("goe gespeeld gisteren, amai wat een goal"),
        st("die goal was kaulo mooi"),
        cm("what a game, we hebben gewonnen"),
    ], tactics=(), group="sport", tone="neutral", **B),

    fam("ben.media", [
        "heb je die nieuwe serie op netflix al gezien? {echt goed|zo saai}",
        "dat nieuwe nummer van {artist} is {echt|zo} {goed|catchy}",
        "{laugh} heb je die video al gezien? {url}",
        "ik ga naar {artist} in {city}{, wie gaat mee?|!}",
        "{die|deze} tiktok is {echt|zo} {grappig|raar} {laugh}",
        fl("hebt ge da nieuw liedje van {artist} al gehoord?"),
        st("die nieuwe track van {artist} is fire"),
        cm("dat nummer van {artist} is literally on repeat"),
    ], tactics=(), group="media", tone="neutral", **B),

    fam("ben.family", [
        "mijn {zusje|broertje} is zo irritant vandaag",
        "we gaan {zondag|dit weekend} naar {oma|mijn tante} in {city}",
        "de hond heeft mijn {oplader|schoen} kapotgebeten 😭",
        "mijn moeder {zegt|vraagt} of je {blijft eten|morgen komt}",
        "we gaan {op vakantie naar|volgende week naar} {Spanje|Frankrijk|Turkije|Marokko|de Ardennen}",
        fl("we gaan zondag naar mijn meter in {city}"),
        st("mijn broertje is zo irritant wallah"),
        cm("mijn little brother is so annoying"),
    ], tactics=(), group="family", tone="family", **B),

    fam("ben.smalltalk", [
        "hoe {gaat het|is het} {met je|ermee}?",
        "wat ben je aan het doen?",
        "ik ben zo moe {vandaag|van school}",
        "hoe was {je dag|school|je weekend}?",
        "{mooi|lekker} weer vandaag",
        "ik verveel me {zo erg|echt}",
        "{haha|lol} ja echt",
        "het regent {weer|zo hard} {vandaag|nu}",
        "de trein {rijdt niet|heeft storing}, ik moet lopen",
        "ik kan niet slapen{, jij?|}",
        fl("alles goe met u?"),
        fl("amai, wat een weer vandaag"),
        st("fawaka, alles goed?"),
        st("ewa, wat doe je?"),
        cm("hoe was je day?"),
        cm("ik ben so tired vandaag"),
    ], tactics=(), group="smalltalk", tone="neutral", **B),

    # ---------------------------------------------------------------- glue (no template ids in output)
    fam("glue.greet", [
        "hey", "hoi", "hallo", "heyy", "hey {name}", "hoi {name}", "he", "yo", "hé",
        fl("hallo"), fl("dag {name}"), fl("hey"), fl("salut"),
        st("ewa"), st("yo"), st("ey {mate}"), st("fawaka"),
        cm("hey"), cm("hii"), cm("yo"), cm("heyy {name}"),
    ], tactics=(), kind="glue", group="greet"),

    fam("glue.close", [
        "xx", "x", "doei", "groetjes", "later", "{laugh}", "oké?", "ok?", "snap je?", "toch?",
        fl("salut"), fl("allez"), fl("ciao"), fl("hé"),
        st("later"), st("safe"), st("ik zweer"), st("wallah"),
        cm("bye"), cm("ok?"), cm("deal?"), cm("fr"),
    ], tactics=(), kind="glue", group="close"),
]

FAMILIES.insert(-2, fam("ben.crush", [
    "zie je morgen in de pauze?",
    "hvj, slaap lekker",
    "je was echt grappig vandaag in de les {laugh}",
    "ga je zaterdag ook naar het feest van {name}?",
    "ik heb je hoodie nog, neem ik morgen mee",
    "welterusten, tot morgen op school",
    fl("slaapwel, tot morgen"),
    st("ik mis je al, zie je morgen bij scoro"),
    cm("goodnight, see you tomorrow"),
], tactics=(), group="crush", tone="flirty", **B))

EXTRA = {
    "ben.school": ["de bus naar school was weer te laat", "wat moesten we ook alweer leren voor {subject}?",
                   "ik heb mijn boek van {subject} thuis laten liggen 😭", "hoe laat begint de les morgen?"],
    "ben.plans": ["ik kan pas om {h} uur, is dat goed?", "wie heeft er zin om te {sport}en? morgen na school",
                  "neem jij de chips mee? ik neem drinken"],
    "ben.gaming": ["ik zit vast in level {h}, tips?", "mijn controller doet raar, iemand een oplossing?",
                   "wie speelt er mee in ons team vanavond?"],
    "ben.food": ["ik heb een taart gebakken, wil je een stuk?", "de kantine had vandaag weer niks lekkers",
                 "mama maakt {food}, blijf je eten?"],
    "ben.sport": ["ik ben zo kapot van de training", "wie komt er kijken zaterdag?", "mijn nieuwe schoenen voor {sport} zijn binnen"],
    "ben.media": ["welke serie moet ik nu kijken?", "heb je die nieuwe film gezien in de bios?", "{artist} komt naar {city}!!"],
    "ben.family": ["mijn oma is jarig, we gaan taart eten", "mijn ouders doen moeilijk over mijn schermtijd {laugh}",
                   "ik moet oppassen op mijn broertje vanavond"],
    "ben.smalltalk": ["wat een dag zeg", "ik heb zo'n zin in het weekend", "ben je al klaar met je huiswerk?", "haha ja klopt"],
}
for _spec in FAMILIES:
    _spec["templates"] = _spec["templates"] + EXTRA.get(_spec["id"], [])
