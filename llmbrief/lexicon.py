"""Word classes of English that the analysis reads the parse with.

Lemmas, not phrases: a verb is a reporting verb whatever its tense, a noun
counts people whatever its number. These are facts of the language, the same
for any story; nothing here names a place, a person or an organization.
"""

from __future__ import annotations

#: Verbs that attribute what follows to their subject ("X said", "X estimates").
REPORTING = frozenset(
    [
        "say",
        "tell",
        "report",
        "announce",
        "claim",
        "estimate",
        "state",
        "confirm",
        "add",
        "note",
        "write",
        "accuse",
        "allege",
        "believe",
        "assess",
        "acknowledge",
        "warn",
        "cite",
        "quote",
        "reveal",
        "disclose",
        "show",
        "suggest",
        "indicate",
        "find",
        "testify",
        "brief",
        "declare",
        "insist",
        "argue",
        "explain",
        "inform",
        "predict",
        "put",
        "place",
        "tally",
        "count",
        "record",
        "deny",
        "admit",
        "conclude",
        "observe",
        "publish",
        "release",
    ]
)
#: Words that credit a source without naming it ("there are reports", "reportedly").
UNNAMED_REPORTS = frozenset(
    ["report", "claim", "rumor", "rumour", "reportedly", "allegedly", "purportedly"]
)
#: Verbs of ordering goods: what is ordered is still to come ("ordered 2,400 drones").
ORDERING = frozenset(["order", "commission", "contract"])
#: Reporting verbs that report only with "at" ("put the toll at 40").
ESTIMATING_AT = frozenset(["put", "place"])
#: Reporting verbs whose object clause is denied.
DENYING = frozenset(["deny", "reject", "dismiss", "refute", "rebuff"])

#: Modal verbs and what they leave open.
MODAL_POSSIBLE = frozenset(["may", "might", "could", "can"])
MODAL_PLANNED = frozenset(["will", "shall", "'ll", "wo"])
MODAL_EITHER = frozenset(["would", "should"])
#: Verbs and nouns whose complement is not yet done ("plans to send", "a plan to send").
PLANNING = frozenset(
    [
        "plan",
        "intend",
        "pledge",
        "promise",
        "agree",
        "prepare",
        "expect",
        "aim",
        "seek",
        "want",
        "decide",
        "vow",
        "commit",
        "schedule",
        "propose",
        "offer",
        "approve",
        "authorize",
        "authorise",
        "order",
        "set",
        "announce",
        "design",
        "mean",
    ]
)
#: Verbs that promise what they govern: "pledged 10 tanks" is not yet delivered.
PLEDGING = frozenset(
    ["pledge", "promise", "offer", "commit", "earmark", "approve", "authorize", "authorise"]
)
SPECULATING = frozenset(
    ["consider", "mull", "weigh", "contemplate", "discuss", "explore", "threaten"]
)
#: Adverbs that make a clause speculative.
HEDGING_ADVERBS = frozenset(["possibly", "potentially", "perhaps", "maybe", "likely", "probably"])

#: Verbs whose subject receives rather than gives ("Poland received 24 drones").
RECEIVING = frozenset(
    [
        "receive", "get", "obtain", "acquire", "buy", "purchase", "import", "take", "accept",
        "order", "procure",
    ]
)  # fmt: skip
#: Verbs of moving people or goods ("sent", "deployed", "shipped").
TRANSFERRING = frozenset(
    [
        "send",
        "deploy",
        "dispatch",
        "ship",
        "deliver",
        "supply",
        "provide",
        "transfer",
        "give",
        "sell",
        "export",
        "hand",
        "station",
        "move",
        "transport",
        "donate",
        "lend",
        "lease",
        "contribute",
        "bring",
        "arrive",
        "enter",
        "cross",
        "return",
        "relocate",
        # people moving themselves: "5,000 workers will head to the region"
        "head",
        "go",
        "travel",
        "fly",
        "march",
        "rotate",
    ]
)

#: Nouns of moving people or goods: "the delivery of four systems" moves them.
MOVING_NOUNS = frozenset(
    [
        "delivery", "shipment", "transfer", "supply", "sale", "export", "deployment",
        "dispatch", "consignment", "batch", "arrival", "donation", "purchase", "order",
    ]
)  # fmt: skip
#: Verbs of moving oneself: they move the people they count, nobody else's goods.
SELF_MOVING = frozenset(
    ["head", "go", "travel", "fly", "march", "rotate", "arrive", "enter", "cross", "return"]
)
#: Nouns that name how many there are of something ("the number of containers ... is
#: about 5,000", "the total of troops reached 2,000").
TOTALS = frozenset(["number", "total", "tally", "count", "figure", "toll"])
#: What a reporting verb claims when it is no report: "claimed responsibility for".
CLAIMED_DEEDS = frozenset(["responsibility", "credit", "victory", "authorship"])

#: Nouns that count people who can be sent (their lemma).
PEOPLE = frozenset(
    [
        "troop",
        "soldier",
        "worker",
        "laborer",
        "labourer",
        "engineer",
        "sapper",
        "builder",
        "personnel",
        "fighter",
        "marine",
        "peacekeeper",
        "officer",
        "instructor",
        "trainer",
        "adviser",
        "advisor",
        "mercenary",
        "force",
        "unit",
        "staff",
        "employee",
        "individual",
        "specialist",
        "guard",
        "commando",
        "servicemen",
        "serviceman",
        "paratrooper",
        "sailor",
        "airman",
        "pilot",
        "operator",
        "technician",
        "volunteer",
        "recruit",
        "conscript",
        "reservist",
        "militant",
        "member",
        "contractor",
        "doctor",
        "medic",
        "crew",
        "army",
    ]
)
#: Nouns of people who are not sent but may be among the dead (their lemma).
VICTIMS = frozenset(
    [
        "people", "person", "civilian", "citizen", "resident", "child", "man", "woman",
        "villager", "passenger", "patient", "journalist", "hostage", "protester",
        "student", "worshipper", "refugee", "migrant", "inhabitant",
    ]
)  # fmt: skip
#: Nouns of all who live somewhere: "a population of 40,000" counts no one sent.
POPULATION = frozenset(["population", "populace", "citizenry"])
#: Verbs whose subject has the losses they count ("X suffered 4,700 casualties").
SUFFERING = frozenset(["suffer", "sustain", "incur", "lose", "take", "record", "count"])

#: Nouns that count things that can be supplied (their lemma).
MATERIEL = frozenset(
    [
        "shell",
        "ammunition",
        "ammo",
        "missile",
        "rocket",
        "drone",
        "tank",
        "round",
        "munition",
        "launcher",
        "howitzer",
        "gun",
        "artillery",
        "weapon",
        "vehicle",
        "aircraft",
        "jet",
        "helicopter",
        "system",
        "container",
        "warship",
        "ship",
        "vessel",
        "submarine",
        "rifle",
        "bomb",
        "grenade",
        "mine",
        "uav",
        "interceptor",
        "battery",
        "radar",
        "carrier",
        "mortar",
        "cartridge",
        "projectile",
        "equipment",
        "arm",
        "truck",
        "boat",
    ]
)
#: What losses are counted as.
KILLED = frozenset(
    ["kill", "die", "dead", "death", "fatality", "perish", "body", "slay", "execute"]
)
WOUNDED = frozenset(["wound", "injure", "injured", "wounded", "injury", "hurt"])
CAPTURED = frozenset(
    ["capture", "prisoner", "hostage", "pow", "detain", "abduct", "seize", "kidnap", "captive"]
)
CASUALTY = frozenset(["casualty", "loss"])
MISSING = frozenset(["missing"])

#: Units that make a number something other than a count of people or things.
NOT_COUNTS = frozenset(
    [
        "percent",
        "per",
        "cent",
        "km",
        "kilometre",
        "kilometer",
        "mile",
        "metre",
        "meter",
        "hectare",
        "acre",
        "year",
        "month",
        "week",
        "day",
        "hour",
        "minute",
        "second",
        "dollar",
        "euro",
        "pound",
        "ruble",
        "rouble",
        "yuan",
        "won",
        "yen",
        "rupee",
        "tonne",
        "ton",
        "kilogram",
        "kg",
        "mm",
        "millimetre",
        "millimeter",
        "inch",
        "degree",
        "time",
    ]
)

#: Verbs of travel or meeting that a visit is told with.
TRAVEL = frozenset(
    [
        "visit",
        "travel",
        "arrive",
        "fly",
        "go",
        "come",
        "tour",
        "land",
        "head",
        "reach",
        "depart",
        "leave",
        "accompany",
    ]
)
MEETING = frozenset(["meet", "hold"])
#: Nouns that name a meeting: where it is held is a visit for a guest from abroad
#: ("X's meeting with Y at a cosmodrome in Z").
MEETING_NOUNS = frozenset(["meeting", "summit", "talks"])
#: Verbs whose object is the visitor and whose subject the host ("X received Y in Z").
HOSTING = frozenset(["host", "receive", "welcome", "greet"])
#: Nouns that name a visit ("his trip to X", "a state visit").
VISIT_NOUNS = frozenset(["visit", "trip", "tour", "journey", "arrival", "stay", "way"])
#: Objects of "hold" that make it a meeting ("held talks in X"; "an exercise held in X"
#: is no one's visit).
HELD_MEETINGS = frozenset(
    ["talk", "talks", "meeting", "summit", "consultation", "negotiation", "conference"]
)
#: Nouns of places that a demonym says the country of ("the Ukrainian capital").
PLACE_NOUNS = frozenset(
    ["capital", "city", "town", "port", "region", "province", "village", "resort", "island"]
)
#: Verbs that ask someone else to travel: "invited X to visit" is planned.
INVITING = frozenset(["invite", "ask", "urge", "expect", "request"])
#: Verbs that turn a trip down: "refused to travel" is denied.
REFUSING = frozenset(["refuse", "decline"])
#: Verbs that call a visit off ("cancelled his trip").
CANCELLING = frozenset(["cancel", "postpone", "scrap", "call", "delay", "drop", "abandon"])
#: Verbs whose object, a person, travels to the place they are sent ("sent the foreign
#: minister to X").
SENDING = frozenset(["send", "dispatch"])
#: Titles of those who lead a country: "the Chilean leader" is its president, premier...
LEADERS = frozenset(
    ["leader", "president", "premier", "prime", "chancellor", "king", "queen", "emir", "sultan"]
)

#: Title words of offices ("president", "foreign minister", "secretary of state").
OFFICES = frozenset(
    [
        "president",
        "minister",
        "secretary",
        "chancellor",
        "premier",
        "leader",
        "king",
        "queen",
        "prince",
        "emperor",
        "chairman",
        "chair",
        "head",
        "chief",
        "envoy",
        "ambassador",
        "general",
        "commander",
        "governor",
        "mayor",
        "speaker",
        "pope",
        "monarch",
        "sultan",
        "emir",
        "sheikh",
        "ruler",
        "vice",
        "deputy",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "director",
        "advisor",
        "adviser",
        "official",
        "diplomat",
        "delegation",
    ]
)

#: Nouns that can stand for a source of a claim ("officials said", "the ministry
#: reported"), besides named people, organizations and countries.
SOURCES = frozenset(
    [
        "official", "officer", "ministry", "minister", "spokesperson", "spokesman",
        "spokeswoman", "agency", "service", "intelligence", "government", "military", "army",
        "office", "department", "source", "analyst", "expert", "media", "outlet", "newspaper",
        "broadcaster", "council", "committee", "lawmaker", "legislator", "authority",
        "command", "commander", "police", "diplomat", "observer", "monitor", "group",
        "organization", "organisation", "institute", "watchdog", "prosecutor", "court",
        "administration", "presidency", "embassy", "mission", "staff", "secretary",
        "president", "leader", "chief", "head", "governor", "mayor", "general", "witness",
        "resident", "activist", "researcher", "correspondent", "journalist", "reporter",
        "medium", "worker", "doctor", "medic", "survivor", "villager", "rescuer", "aide",
        "representative", "negotiator", "mediator", "adviser", "advisor", "member", "envoy",
        "radio", "television", "tv", "channel", "daily", "paper", "wire",
    ]
)  # fmt: skip
