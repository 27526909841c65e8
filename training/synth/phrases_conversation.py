"""Turn material for conversations: small-talk exchanges and replies of the other party."""

from .templates import cm, fam, fl, st

S = {"kind": "small"}
R = {"kind": "reply"}

FAMILIES = [
    # ---------------------------------------------------------------- small talk (question, answer)
    fam("small.greet", [
        "hey {laugh}", "hoi, hoe gaat het?", "heyy", "hey, alles goed?", "hallo", "yo wat doe je",
        fl("hallo, alles goe?"), st("ewa alles goed?"), st("fawaka"), cm("hii, how are you?"),
    ], group="greet", **S),
    fam("small.greet_reply", [
        "goed hoor, en jij?", "hey! ja prima", "gaat wel, beetje moe", "hoi {laugh}", "chill, jij?",
        fl("alles goe, en met u?"), st("alles safe, jij?"), cm("good, jij?"),
    ], group="greet", **S),
    fam("small.ask_day", [
        "hoe was je dag?", "hoe was school?", "wat heb je vandaag gedaan?", "nog iets leuks gedaan vandaag?",
        fl("hoe was 't op school?"), st("hoe was scoro?"), cm("hoe was je day?"),
    ], group="day", **S),
    fam("small.day_reply", [
        "saai, we hadden {subject}", "wel oké, beetje moe", "niks bijzonders", "we hadden een toets {laugh}",
        "lang, ik had tot 4 uur les", "gewoon chillen en {game} spelen",
        fl("goe, maar lang"), st("skeer, hele dag scoro"), cm("boring, literally niks"),
    ], group="day", **S),
    fam("small.ask_hobby", [
        "wat doe je eigenlijk graag?", "doe je aan sport?", "wat voor muziek luister je?", "speel je ook {game}?",
        fl("doet ge aan sport?"), st("waar hou je van?"), cm("wat zijn je hobbies?"),
    ], group="hobby", **S),
    fam("small.hobby_reply", [
        "{sport}, twee keer per week", "vooral muziek, {artist}", "ja, {game} met vrienden", "tekenen en netflix",
        "niet echt, beetje gamen", fl("{sport}, elke woensdag"), st("ballen met mn matties"), cm("dansen en music"),
    ], group="hobby", **S),
    fam("small.ask_weekend", [
        "nog plannen voor het weekend?", "wat ga je zaterdag doen?", "ga je nog weg dit weekend?",
        fl("nog iets van plan dit weekend?"), st("wat ga je doen dit weekend?"), cm("plans voor het weekend?"),
    ], group="weekend", **S),
    fam("small.weekend_reply", [
        "niks, thuis chillen", "naar mijn oma", "zaterdag {sport}, verder niks", "misschien naar de stad",
        fl("naar mijn meter, saai"), st("ff chillen met de matties"), cm("niks, lazy weekend"),
    ], group="weekend", **S),
    fam("small.comment_post", [
        "leuke {post|story} trouwens", "zag je story, waar was dat?", "mooie foto van het strand gisteren",
        "ik zag je bij {place} laatst", fl("schone foto op uw insta"), st("fire story trouwens"), cm("nice post btw"),
    ], group="post", **S),
    fam("small.thanks", [
        "haha dankje", "dankjewel {laugh}", "ja was leuk daar", "ken ik jou?", "thanks!", "oh haha ja",
        fl("merci"), st("safe, dankje"), cm("thanks {laugh}"),
    ], group="post", **S),
    fam("small.how_know", [
        "hoe ken jij mij eigenlijk?", "van wie heb je mijn account?", "zitten we bij elkaar op school?",
        fl("vanwaar kent gij mij?"), st("van waar ken je mij?"), cm("hoe ken je mij eigenlijk?"),
    ], group="know", **S),
    fam("small.know_reply", [
        "via {name}, we hebben dezelfde vrienden", "ik zag je bij {name} in de volgers", "van {game}, weet je nog?",
        "via de groep van {sport}", fl("via {name}, ge kent da wel"), st("via {name}, die is mijn mattie"),
        cm("via {name}, mutual friends"),
    ], group="know", **S),

    # ---------------------------------------------------------------- replies of the young person
    fam("reply.flattered", [
        "haha dankje", "omg stop 🙈", "echt? niemand zegt dat ooit", "dankjewel, jij bent ook lief",
        "hihi dankje", "je bent zelf lief", fl("amai merci"), st("stop it haha, dankje"), cm("omg thank you 🙈"),
    ], group="target", **R),
    fam("reply.unsure", [
        "weet niet hoor", "waarom?", "is dat niet raar?", "mijn moeder vindt dat vast niet goed",
        "ik ken je nog niet zo goed", "hmm ik weet het niet", "moet dat echt?", "ik vind dat eng",
        "mag dat wel?", "ik weet niet of ik dat wil",
        fl("ik weet het nie hoor"), st("ik weet niet bro"), cm("idk, is dat niet weird?"),
    ], group="target", **R),
    fam("reply.agree", [
        "ok", "is goed", "oké leuk", "ja hoor", "oke", "prima", "ja is goed", "top", "deal",
        fl("is goe"), fl("ok, allez"), st("safe"), cm("okay deal"),
    ], group="target", **R),
    fam("reply.age", [
        "ik ben {age_young}", "ik zit in {grade}", "{age_young}, jij?", "ik word {age_young} volgende maand",
        fl("ik zit in {grade}"), st("{age_young} bro"), cm("{age_young}, and you?"),
    ], group="target", **R),
    fam("reply.parents", [
        "mijn moeder werkt tot laat", "ze zijn weg tot 10", "nee mijn vader is thuis", "mijn ouders slapen altijd om 11",
        "ja mijn moeder is er", fl("mijn ma werkt tot 8u"), st("mijn am is er niet"), cm("ze zijn out tot laat"),
    ], group="target", **R),
    fam("reply.sad_home", [
        "thuis is het echt ruk", "mijn ouders doen zo moeilijk", "ik heb weer ruzie gehad met mijn moeder",
        "niemand snapt me hier", fl("thuis is 't altijd ruzie"), st("mijn am doet zo moeilijk"), cm("thuis is so toxic"),
    ], group="target", **R),
    fam("reply.scared", [
        "alsjeblieft niet doen", "ik heb dat geld niet", "stuur het alsjeblieft niet door", "ik ben pas {age_young}",
        "laat me met rust", "waarom doe je dit?", "ik doe alles maar stuur het niet", "ik ben zo bang",
        fl("alstublieft nie doen"), st("wallah ik heb geen doekoe"), cm("please niet doen 😭"),
    ], group="target", **R),
    fam("reply.stall", [
        "ik kan niet zo snel geld krijgen", "morgen?", "ik heb maar {amount_small}", "hoe koop je zo'n kaart?",
        "geef me meer tijd", "mijn bankpas is van mijn ouders", fl("ik heb maar {amount_small}"),
        st("ik ben skeer, echt"), cm("ik heb maar {amount_small}, sorry"),
    ], group="target", **R),
    fam("reply.handle", [
        "mijn snap is {handle}", "{handle}", "mijn nummer is {phone}", "ok, {handle} op {app}",
        fl("mijn snap is {handle}"), st("{handle}, add me"), cm("mijn {app} is {handle}"),
    ], group="any", **R),

    # ---------------------------------------------------------------- replies in benign hard cases
    fam("reply.ok", [
        "ok", "is goed", "top, dankje", "prima", "ja leuk", "oké", "ja hoor", "👍",
        fl("is goe, merci"), st("safe"), cm("okay nice"),
    ], group="any", **R),
    fam("reply.age_peer", [
        "{age_young}, jij?", "ik zit in {grade}, jij toch ook?", "ik ben van 2011", "{age_young}, waarom?",
        fl("ik zit in {grade}"), st("{age_young} bro, jij?"), cm("{age_young}, jij?"),
    ], group="any", **R),
    fam("reply.game", [
        "ja wacht ik start op", "kan pas om {h} uur", "ja mijn moeder is weg, kom maar online", "ik moet eerst huiswerk",
        "nee mijn vader is thuis, zachtjes praten {laugh}", fl("ja, ik start op"), st("ja bro, ik kom online"),
        cm("yes, ik log in"),
    ], group="any", **R),
    fam("reply.pay_ok", [
        "ja sorry, stuur ik vanavond", "tikkie is betaald", "oeps vergeten, komt eraan", "kan het volgende week?",
        "ik maak het morgen over", fl("sorry, ik stort het morgen"), st("sorry mattie, komt eraan"),
        cm("sorry, ik send het vanavond"),
    ], group="any", **R),
    fam("reply.lift", [
        "top, {name} staat om {h} uur klaar", "dankjewel! ze heeft haar tas al ingepakt", "fijn, ik ben er zelf pas om 6",
        "kan je hem ook weer thuisbrengen?", fl("merci, ze staat klaar"), cm("thanks, hij is ready"),
    ], group="any", **R),
    fam("reply.date", [
        "ja leuk, zaterdag kan ik", "{age_adult}, jij? {laugh}", "ja gezellig", "haha jij ook, hoor",
        "ik ben om {h} uur klaar met werken", "leuk, waar spreken we af?", fl("ja plezant, zaterdag"),
        st("chill, ik ben erbij"), cm("sounds good, zaterdag?"),
    ], group="any", **R),
    fam("reply.laugh", [
        "hahaha doe normaal", "lol durf je niet", "😂😂 jij bent zo dom", "nee aub {laugh}", "doe het en je bent dood",
        "oké oké ik kom al", fl("haha doe normaal"), st("wallah doe normaal 😂"), cm("lmao no way"),
    ], group="any", **R),
    fam("reply.parent", [
        "ok mam", "om {h} uur ben ik thuis", "ja ik ben er al", "mag ik bij {name} eten?", "ok pap, tot straks",
        fl("ok ma"), st("oké mams"), cm("ok mom"),
    ], group="any", **R),
    fam("reply.coach", [
        "top, ik sta klaar", "dankje coach", "mijn moeder brengt me wel", "ik kan pas om {h} uur",
        fl("merci coach"), st("safe coach"), cm("thanks coach"),
    ], group="any", **R),
]
