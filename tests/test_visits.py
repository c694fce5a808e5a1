"""llmbrief.visits: who travels where, the host country, the status of the visit."""

from __future__ import annotations

import pytest

from llmbrief.analysis import Parsed, parse_many
from llmbrief.attach import Phrase
from llmbrief.visits import VisitReading, own_country, read_visits, resolve_office

# (text, [(first visitor as written, destination as written, host country, first status,
#          date as written or None)])
CASES = [
    ("President Ana Soto will travel to Kenya and Ghana in June.", [
        ("President Ana Soto", "Kenya", "Kenya", "planned", "in June"),
        ("President Ana Soto", "Ghana", "Ghana", "planned", "in June"),
    ]),
    ("Indian Prime Minister Ravi Menon visited Japan on Tuesday.", [
        ("Indian Prime Minister Ravi Menon", "Japan", "Japan", "actual", "on Tuesday"),
    ]),
    ("German Chancellor Klaus Weber arrived in Nairobi on Monday.", [
        ("German Chancellor Klaus Weber", "Nairobi", "Kenya", "actual", "on Monday"),
    ]),
    ("Argentine President Sofia Lanza will visit Canada and Mexico in April.", [
        ("Argentine President Sofia Lanza", "Canada", "Canada", "planned", "in April"),
        ("Argentine President Sofia Lanza", "Mexico", "Mexico", "planned", "in April"),
    ]),
    ("Japanese Prime Minister Kenji Mori's trip to Australia was postponed.", [
        ("Japanese Prime Minister Kenji Mori", "Australia", "Australia", "denied", None),
    ]),
    ("French President Paul Girard did not travel to Algeria.", [
        ("French President Paul Girard", "Algeria", "Algeria", "denied", None),
    ]),
    ("South African President Thabo Nkosi is on a state visit to China.", [
        ("South African President Thabo Nkosi", "China", "China", "actual", None),
    ]),
    ("Nigerian President Musa Bello and Ghanaian President Kofi Mensah flew to Paris.", [
        ("Nigerian President Musa Bello", "Paris", "France", "actual", None),
        ("Ghanaian President Kofi Mensah", "Paris", "France", "actual", None),
    ]),
    ("Brazilian President Lucia Prado arrived in Luanda on Wednesday.", [
        ("Brazilian President Lucia Prado", "Luanda", "Angola", "actual", "on Wednesday"),
    ]),
    ("Thai Prime Minister Somchai Rattana will visit Myanmar.", [
        ("Thai Prime Minister Somchai Rattana", "Myanmar", "Myanmar", "planned", None),
    ]),
    ("Chancellor Klaus Weber cancelled his trip to Brazil.", [
        ("Chancellor Klaus Weber", "Brazil", "Brazil", "denied", None),
    ]),
    ("Chilean President Ana Soto met ministers in Santiago.\nShe cancelled her trip to Brazil.", [
        ("Chilean President Ana Soto", "Brazil", "Brazil", "denied", None),
    ]),
    ("President Maria Lopes visited Chile in May.\nThe president then flew to Argentina.", [
        ("President Maria Lopes", "Chile", "Chile", "actual", "in May"),
        ("Maria Lopes", "Argentina", "Argentina", "actual", None),
    ]),
    # a surname that is also a city's name is still a person where the tagger says so
    ("Canadian Defence Minister Paul Austin arrived in Warsaw on Monday.\n"
     "Austin was last in Poland in March.", [
        ("Canadian Defence Minister Paul Austin", "Warsaw", "Poland", "actual", "on Monday"),
        ("Paul Austin", "Poland", "Poland", "actual", "in March"),
    ]),
    # whoever accompanies goes too; "the city of X" says where
    ("Premier Liu Wen was accompanied by Trade Minister Zhao Lei to the Kenyan city of Mombasa.", [
        ("Premier Liu Wen", "Mombasa", "Kenya", "actual", None),
        ("Trade Minister Zhao Lei", "Mombasa", "Kenya", "actual", None),
    ]),
    # someone's meeting abroad, told as a noun; the place inside the venue
    ("Exports rose after Chilean President Ana Soto's meeting with Lula at a port in Sao Paulo "
     "in May.", [
        ("Chilean President Ana Soto", "Sao Paulo", "Brazil", "actual", "in May"),
    ]),
    # an office named by apposition on what it heads
    ("The head of the spy agency, Jonas Berg, flew to Tallinn on Friday.", [
        ("Jonas Berg", "Tallinn", "Estonia", "actual", "on Friday"),
    ]),
    # a dateline is no traveller; "the capital" of a country named by its possessive
    ("LIMA, Peru (AP) -- Chile's foreign minister arrived in Peru's capital on Sunday, state "
     "media reported.", [
        ("Chile's foreign minister", "Peru's capital", "Peru", "actual", "on Sunday"),
    ]),
    # an office named only by the next sentence's subject, welcomed by the host
    ("Kenya's foreign minister arrived in Ghana's capital on Friday.\nAmina Odhiambo was "
     "welcomed by her Ghanaian counterpart, Kwame Asante.", [
        ("Amina Odhiambo", "Ghana's capital", "Ghana", "actual", "on Friday"),
    ]),
    # the one invited goes, not the one who invites; an invitation is planned
    ("The Norwegian king invited President Ana Soto to visit Norway.", [
        ("President Ana Soto", "Norway", "Norway", "planned", None),
    ]),
    # "a visit by X"; "the South" for the one country the article names "South ..."
    ("South Sudan and Uganda signed a deal during a rare visit by Ugandan President Moses Kato "
     "to the South.", [
        ("Ugandan President Moses Kato", "South", "South Sudan", "actual", None),
    ]),
    # whoever comes with the traveller goes too; "when" takes the date of its clause
    ("The last time Ana Soto was in Peru was on May 3, 2019, when she came with Foreign "
     "Minister Luis Ortega.", [
        ("Ana Soto", "Peru", "Peru", "actual", "on May 3, 2019"),
        ("Foreign Minister Luis Ortega", "Peru", "Peru", "actual", "on May 3, 2019"),
    ]),
    # two visits in one sentence, the earlier told without its place
    ("This is Ana Soto's first trip to Vietnam since her visit in March 2001.", [
        ("Ana Soto", "Vietnam", "Vietnam", "actual", None),
        ("Ana Soto", "Vietnam", "Vietnam", "actual", "in March 2001"),
    ]),
    # someone's visit told without its place: the trip told just before
    ("Chancellor Klaus Weber arrived in Nairobi on Sunday.\nA trade deal was signed during "
     "Foreign Minister Lena Berg's visit.", [
        ("Chancellor Klaus Weber", "Nairobi", "Kenya", "actual", "on Sunday"),
        ("Foreign Minister Lena Berg", "Nairobi", "Kenya", "actual", None),
    ]),
    # "the first visit by a [office] since X in [year]": X went too; "a" leader is nobody
    ("Asha Rao's trip to Brazil marks the first state visit by an Indian prime minister since "
     "Ravi Menon in 2009.", [
        ("Asha Rao", "Brazil", "Brazil", "actual", None),
        ("Ravi Menon", "Brazil", "Brazil", "actual", "in 2009"),
    ]),
    # a list of visitors, one named after "President of the Republic of X"
    ("Three African leaders - Ana Soto, President of the Republic of Malawi Peter Banda and "
     "Senegalese President Aminata Diop - have departed to Nairobi.", [
        ("Ana Soto", "Nairobi", "Kenya", "actual", None),
        ("Peter Banda", "Nairobi", "Kenya", "actual", None),
        ("Senegalese President Aminata Diop", "Nairobi", "Kenya", "actual", None),
    ]),
    # talks where the parser hangs the place on the one met
    ("Defence Minister Lena Berg held talks with her Indian counterpart Ravi Menon in New "
     "Delhi.", [("Defence Minister Lena Berg", "New Delhi", "India", "actual", None)]),
    # a people's place
    ("Canadian Defence Minister Paul Roy flew to the Kenyan capital on Friday.", [
        ("Canadian Defence Minister Paul Roy", "Kenyan capital", "Kenya", "actual", "on Friday"),
    ]),
    ("Mongolian President Bat Erdene arrived in the Russian Far East on Monday.", [
        ("Mongolian President Bat Erdene", "Russian Far East", "Russia", "actual", "on Monday"),
    ]),
    # "his arrival" after a planned visit: that traveller's
    ("President Luis Ortega plans to visit Brazil soon.\nAuthorities are preparing for his "
     "arrival.", [
        ("President Luis Ortega", "Brazil", "Brazil", "planned", None),
        ("President Luis Ortega", "Brazil", "Brazil", "actual", None),
    ]),
    # an office the article names nobody for: the person whose trip there was told
    ("Defense Secretary Lena Berg made a visit to Warsaw.\nThis is the second visit of the "
     "head of the ministry to Warsaw.", [
        ("Defense Secretary Lena Berg", "Warsaw", "Poland", "actual", None),
        ("Defense Secretary Lena Berg", "Warsaw", "Poland", "actual", None),
    ]),
    # "he" is the subject before it, not the one spoken to; the place hung on the verb
    ("Spokeswoman Ana Diaz said President Luis Ortega spoke to Prime Minister Lena Berg to tell "
     "her he will be postponing the trip to Sweden.", [
        ("President Luis Ortega", "Sweden", "Sweden", "denied", None),
    ]),
    # "they" as the leaders of several countries, each named later; a trip turned down
    ("The leaders of Peru, Chile and Bolivia have sent envoys, the spokesman said, adding that "
     "they opted against going to Brazil in person.\nPeruvian President Rosa Quispe had a "
     "fever, while her Chilean counterpart Tomas Vidal Rojas stayed home.", [
        ("Peruvian President Rosa Quispe", "Brazil", "Brazil", "denied", None),
        ("Tomas Vidal Rojas", "Brazil", "Brazil", "denied", None),
    ]),
    ("Kenyan President Grace Mwangi refused to travel to Tanzania.", [
        ("Kenyan President Grace Mwangi", "Tanzania", "Tanzania", "denied", None),
    ]),
    # "where she will meet" is the same trip, not a second, planned one
    ("Defence Minister Lena Berg arrived in Oslo on Monday, where she will meet her Norwegian "
     "counterpart.", [
        ("Defence Minister Lena Berg", "Oslo", "Norway", "actual", "on Monday"),
    ]),
    # no visit: an exercise held somewhere; a city's name in a unit's
    ("The naval drill, Exercise Southern Cross, was also held in Chile.", []),
    ("The first ships of Task Force Lisbon began arriving in Brazil on Monday.", []),
    # no visit: a phone call, going home, a place that is the traveller's own country
    ("Egyptian President Omar Fathy spoke by phone with the Kenyan president.", []),
    ("Prime Minister Ravi Menon spoke by phone with leaders in Tokyo.", []),
    ("Mexican President Luis Ortega flew home to Mexico after the summit.", []),
    ("Turkish President Emre Kaya returned to Ankara after the talks.", []),
    ("Kenyan President Grace Mwangi toured Mombasa on Friday.", []),
    ("Germany delivered 18 Leopard tanks to Kyiv.", []),
    ("Leaders flew to Cairo for the summit.", []),
    ("Her visit comes days before the summit in Lima.", []),
    # a short name printed as the fullest name the article gives that person
    ("Peruvian President Rosa Quispe opened the forum in Lima.\nQuispe arrived in Quito on "
     "Monday.", [("Rosa Quispe", "Quito", "Ecuador", "actual", "on Monday")]),
    ("Foreign Minister Nadia Bello Costa arrived in Rome on Monday.\nFM Nadia will then travel "
     "to Madrid.", [
        ("Foreign Minister Nadia Bello Costa", "Rome", "Italy", "actual", "on Monday"),
        ("Nadia Bello Costa", "Madrid", "Spain", "planned", None),
    ]),
    # two people of one surname: the short name stays as written
    ("Ana Soto and Luis Soto spoke on Monday.\nSoto flew to Lima.", [
        ("Soto", "Lima", "Peru", "actual", None),
    ]),
    # an office as the person of that country the article names, named after it, by another
    # title ("leader" for a president), or the one president it names at all
    ("The Ghanaian leader later flies on to Lagos.\nGhanaian President Kwame Asante met "
     "students on Friday.", [("Kwame Asante", "Lagos", "Nigeria", "planned", None)]),
    ("Police will arrive in Lima, timed to coincide with a state visit by the Peruvian president "
     "to Mexico.\nThe plan has the support of the country's President Rosa Quispe.", [
        ("Rosa Quispe", "Mexico", "Mexico", "actual", None),
    ]),
    # a group is no visitor: "the summit of the APEC grouping"
    ("The Chilean leader flew to Lima to attend the summit of the APEC grouping.", [
        ("Chilean leader", "Lima", "Peru", "actual", None),
    ]),
    # "he" is the subject of the sentence before, not the person met there; a trip in the
    # simple present with a day or "then" is planned
    ("Prime Minister Omar Malik will tour the region next week.\nMalik departs on Monday for "
     "Accra, where talks with President Kofi Mensah are expected.\nHe will then fly to Lome.", [
        ("Omar Malik", "Accra", "Ghana", "planned", "on Monday"),
        ("Omar Malik", "Lome", "Togo", "planned", None),
    ]),
    ("Prime Minister Omar Malik departs on Monday for Nairobi.", [
        ("Prime Minister Omar Malik", "Nairobi", "Kenya", "planned", "on Monday"),
    ]),
    # the subject travels, not the agent of a participle after it
    ("Lena Berg, appointed defence minister on Friday by Prime Minister Ravi Menon, was visiting "
     "Nairobi on her first trip.", [("Lena Berg", "Nairobi", "Kenya", "actual", None)]),
    ("Emre Kaya, named foreign minister by President Ali Demir on Friday, was visiting the city "
     "of Baku.", [("Emre Kaya", "city of Baku", "Azerbaijan", "actual", None)]),
    ("Lena Berg, appointed defence minister on Friday by Prime Minister Ravi Menon, was visiting "
     "the port city.\nIn Mombasa, she met President Grace Mwangi.", [
        ("Lena Berg", "Mombasa", "Kenya", "actual", None),
    ]),
    # people sent somewhere go there; talks held somewhere
    ("His government has sent Defence Minister Lena Berg and Trade Minister Tomas Vidal to Hanoi "
     "twice.", [
        ("Defence Minister Lena Berg", "Hanoi", "Vietnam", "actual", None),
        ("Tomas Vidal", "Hanoi", "Vietnam", "actual", None),
    ]),
    ("The cabinet sent Foreign Minister Ana Soto to Nairobi on Friday.", [
        ("Foreign Minister Ana Soto", "Nairobi", "Kenya", "actual", "on Friday"),
    ]),
    ("Canada sent tanks to Poland.", []),
    ("Defence Minister Lena Berg has also held high-level talks in Kenya.", [
        ("Defence Minister Lena Berg", "Kenya", "Kenya", "actual", None),
    ]),
    # called off: denied
    ("Foreign Minister Ana Soto on Sunday postponed her upcoming visits to Kenya and Uganda.", [
        ("Foreign Minister Ana Soto", "Kenya", "Kenya", "denied", None),
        ("Foreign Minister Ana Soto", "Uganda", "Uganda", "denied", None),
    ]),
    ("President Luis Ortega will no longer be visiting Peru in May.", [
        ("President Luis Ortega", "Peru", "Peru", "denied", "in May"),
    ]),
    # what would have been is no trip (and takes no place from the trip before)
    ("Foreign Minister Ana Soto will visit Kenya and Uganda in May.\nThis would have been the "
     "minister's first visit to Asia.", [
        ("Foreign Minister Ana Soto", "Kenya", "Kenya", "planned", "in May"),
        ("Foreign Minister Ana Soto", "Uganda", "Uganda", "planned", "in May"),
    ]),
    # a group's member ("including X"); "their way" is no one person's
    ("At least three ministers, including Treasurer Mia Holm, have visited Chile since March.", [
        ("Treasurer Mia Holm", "Chile", "Chile", "actual", "since March"),
    ]),
    ("Spokesman Omar Said said the fighters will make their way to Kenya.", []),
    # "from X, where she met Y": she was in X
    ("President Ana Soto arrived in Nairobi from Addis Ababa, where she met the Ethiopian prime "
     "minister.", [
        ("President Ana Soto", "Nairobi", "Kenya", "actual", None),
        ("President Ana Soto", "Addis Ababa", "Ethiopia", "actual", None),
    ]),
    # "followed by a second summit in X": the same people met again there; a trip told in the
    # sentence takes the place of the trip whose clause holds it ("met in X for their summit")
    ("Kenyan President Grace Mwangi met Ivan Petrov in Vladivostok for their first summit in "
     "April 2019, followed by a second summit in September last year, also in the Russian Far "
     "East.", [
        ("Kenyan President Grace Mwangi", "Vladivostok", "Russia", "actual", "in April 2019"),
        ("Kenyan President Grace Mwangi", "Russian Far East", "Russia", "actual",
         "in September last year"),
    ]),
    ("Chilean President Ana Soto visited Lima in May, followed by a trip to Quito in June.", [
        ("Chilean President Ana Soto", "Lima", "Peru", "actual", "in May"),
        ("Chilean President Ana Soto", "Quito", "Ecuador", "actual", "in June"),
    ]),
    ("Chilean President Ana Soto met the Peruvian president in Lima in May, followed by a "
     "ceremony in the capital.", [
        ("Chilean President Ana Soto", "Lima", "Peru", "actual", "in May"),
    ]),
    # "this" is no person: the visit is not the last-named person's, but the office's
    ("Spokesman Omar Said spoke to reporters on Monday.\nThis is the second visit of the head "
     "of the army to Nairobi.", [("head of the army", "Nairobi", "Kenya", "actual", None)]),
]  # fmt: skip

TEXTS = [c[0] for c in CASES]


@pytest.fixture(scope="module")
def parsed() -> dict[str, Parsed]:
    return dict(zip(TEXTS, parse_many(TEXTS), strict=True))


def _row(v: VisitReading) -> tuple[str, str, str, str, str | None]:
    return (
        v.visitors[0].text,
        v.destination.text,
        v.host_country,
        v.statuses[0],
        v.date.text if v.date else None,
    )


@pytest.mark.parametrize(("text", "visits"), CASES)
def test_visits(
    parsed: dict[str, Parsed], text: str, visits: list[tuple[str, str, str, str, str | None]]
) -> None:
    assert [_row(v) for v in read_visits(parsed[text])] == visits


@pytest.mark.parametrize("text", [t for t, v in CASES if v])
def test_visit_spans_are_the_source(parsed: dict[str, Parsed], text: str) -> None:
    for v in read_visits(parsed[text]):
        for ph in [*v.visitors, v.destination, *([v.date] if v.date else [])]:
            assert text[ph.start : ph.end] == ph.text
        a, b = v.place_in or v.sentence  # a place told in an earlier sentence
        assert a <= v.destination.start < v.destination.end <= b
        assert text[a:b].strip()


@pytest.mark.parametrize(
    ("text", "not_offered"),
    [
        (
            "Kenyan President Grace Mwangi refused to travel to Tanzania.",
            ["actual", "planned", "possible"],
        ),
        ("President Ana Soto will travel to Kenya and Ghana in June.", ["actual", "denied"]),
        ("French President Paul Girard did not travel to Algeria.", ["planned", "possible"]),
        ("Chancellor Klaus Weber cancelled his trip to Brazil.", ["planned", "possible"]),
    ],
)
def test_statuses_not_offered(parsed: dict[str, Parsed], text: str, not_offered: list[str]) -> None:
    for v in read_visits(parsed[text]):
        for s in not_offered:
            assert s not in v.statuses


def test_office_resolved_to_the_person_named_elsewhere(parsed: dict[str, Parsed]) -> None:
    text = "President Maria Lopes visited Chile in May.\nThe president then flew to Argentina."
    (_, second) = read_visits(parsed[text])
    assert [ph.text for ph in second.visitors] == ["Maria Lopes"]  # the office is its role
    assert second.role is not None and second.role.text == "president"
    assert second.named_in is not None
    a, b = second.named_in
    assert "Maria Lopes" in text[a:b] and a < second.sentence[0]


def test_resolve_office_needs_an_office(parsed: dict[str, Parsed]) -> None:
    p = parsed["President Maria Lopes visited Chile in May.\nThe president then flew to Argentina."]
    assert resolve_office(p, Phrase(0, 5, "Chile", "Chile")) is None
    named = resolve_office(p, Phrase(0, 0, "the president"))
    assert named is not None and named[0].text == "Maria Lopes" and named[1] == 0


def test_pronoun_traveller_names_the_earlier_person(parsed: dict[str, Parsed]) -> None:
    text = (
        "Chilean President Ana Soto met ministers in Santiago.\nShe cancelled her trip to Brazil."
    )
    (v,) = read_visits(parsed[text])
    assert v.named_in is not None
    assert text[v.named_in[0] : v.named_in[1]].startswith("Chilean President Ana Soto")


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("Indian Prime Minister Ravi Menon visited Japan on Tuesday.", "Ravi Menon", "India"),
        ("Brazilian President Lucia Prado arrived in Luanda on Wednesday.", "Lucia Prado",
         "Brazil"),
        ("Turkish President Emre Kaya returned to Ankara after the talks.", "Emre Kaya", "Turkey"),
        ("President Maria Lopes visited Chile in May.\nThe president then flew to Argentina.",
         "Maria Lopes", None),
    ],
)  # fmt: skip
def test_own_country(parsed: dict[str, Parsed], text: str, name: str, country: str | None) -> None:
    start = text.index(name)
    assert own_country(parsed[text], Phrase(start, start + len(name), name)) == country


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("President Ana Soto was in Nairobi on Monday.", [("Kenya", "on Monday")]),
        ("The minister was in talks with Chile.", []),
        ("Foreign Minister Tomas Berg has been to Vietnam twice.", [("Vietnam", None)]),
    ],
)
def test_being_somewhere_is_a_visit(text: str, expected: list[tuple[str, str | None]]) -> None:
    from llmbrief.analysis import parse_many

    (p,) = parse_many([text])
    got = [(v.host_country, v.date.text if v.date else None) for v in read_visits(p)]
    assert got == expected


def test_visits_dated_apart_stay_apart() -> None:
    from llmbrief.assemble import merge_visits
    from llmbrief.models import DiplomaticVisit, Evidence

    def visit(date: str | None) -> DiplomaticVisit:
        return DiplomaticVisit(
            status="actual", visitor="Ana Soto", host_country="Kenya", date_text=date,
            evidence=[Evidence(quote=f"Ana Soto visited Kenya {date or ''}.")],
        )  # fmt: skip

    assert len(merge_visits([visit("in 2001"), visit("on Monday")])) == 2
    assert len(merge_visits([visit("in March"), visit("on Monday")])) == 2
    # an undated mention next to one dated in a year: the visit in the news and an earlier one
    assert len(merge_visits([visit(None), visit("on April 24, 2022")])) == 2
    assert len(merge_visits([visit("in 2001"), visit(None)])) == 2
    # days of one trip, or a date given in a later sentence: one visit
    assert len(merge_visits([visit("on Wednesday"), visit("on Thursday")])) == 1
    assert len(merge_visits([visit(None), visit("on Monday")])) == 1
    assert len(merge_visits([visit("in 2001"), visit("in 2001")])) == 1


def test_a_misspelt_surname_is_one_visitor() -> None:
    from llmbrief.assemble import merge_visits
    from llmbrief.models import DiplomaticVisit, Evidence

    def visit(name: str, date: str | None) -> DiplomaticVisit:
        return DiplomaticVisit(
            status="actual", visitor=name, host_country="Peru", date_text=date,
            evidence=[Evidence(quote=f"{name} arrived in Peru {date or ''}.")],
        )  # fmt: skip

    merged = merge_visits([visit("Minister Ana Villanueva", "on Tuesday"),
                           visit("Villanueve", "on Monday")])  # fmt: skip
    assert [r.visitor for r in merged] == ["Minister Ana Villanueva"]
    # short names one letter apart are different people
    assert len(merge_visits([visit("Ana Lim", None), visit("Bo Lin", None)])) == 2
    assert len(merge_visits([visit("Ana Berg", None), visit("Bo Borg", None)])) == 2


@pytest.mark.parametrize(
    "text",
    [
        "Chancellor Klaus Weber arrived in Nairobi on Sunday.\nA trade deal was signed during "
        "Foreign Minister Lena Berg's visit.",
        "Kenya's foreign minister arrived in Ghana's capital on Friday.\nAmina Odhiambo was "
        "welcomed by her Ghanaian counterpart, Kwame Asante.",
        "Canadian Defence Minister Paul Roy flew to the Kenyan capital on Friday.",
    ],
)
def test_visit_told_over_two_sentences_is_verified(parsed: dict[str, Parsed], text: str) -> None:
    """The sentence that names the place or the visitor is evidence too."""
    from llmbrief.assemble import visit_record
    from llmbrief.verify import verify_record

    v = read_visits(parsed[text])[-1]
    answer = {"visit": "yes", "visitor": v.visitors[0].text, "status": v.statuses[0]}
    record = visit_record(text, v, answer)
    assert record is not None
    checked = verify_record(record, text)
    assert checked.verification is not None and checked.verification.verified, checked


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("Foreign Minister Ana Soto on Sunday postponed her upcoming visits to Kenya and Uganda.",
         ["denied"]),
        ("President Luis Ortega will no longer be visiting Peru in May.", ["denied"]),
        ("Prime Minister Omar Malik departs on Monday for Nairobi.", ["planned", "possible"]),
        # "called for" is not "called off"
        ("Austrian Chancellor Klaus Weber, who visited Cairo, called for a ceasefire.",
         ["actual", "planned", "possible", "denied"]),
    ],
)  # fmt: skip
def test_statuses_offered(parsed_extra: dict[str, Parsed], text: str, offered: list[str]) -> None:
    assert [v.statuses for v in read_visits(parsed_extra[text])][:1] == [offered]


EXTRA = [
    "Foreign Minister Ana Soto on Sunday postponed her upcoming visits to Kenya and Uganda.",
    "President Luis Ortega will no longer be visiting Peru in May.",
    "Prime Minister Omar Malik departs on Monday for Nairobi.",
    "Austrian Chancellor Klaus Weber, who visited Cairo, called for a ceasefire.",
    "Kenyan President Grace Mwangi met students.\nThe Kenyan leader later flew to Lima.",
    "President Ana Soto met President Luis Ortega.\nThe president then flew to Lima.",
    "Ana Soto arrived in Lima on Monday.\nSoto met Luis Ortega.\nLuis Ortega welcomed Ana Soto "
    "Diaz.",
]


@pytest.fixture(scope="module")
def parsed_extra() -> dict[str, Parsed]:
    return dict(zip(EXTRA, parse_many(EXTRA), strict=True))


def test_an_office_takes_the_leader_of_its_country(parsed_extra: dict[str, Parsed]) -> None:
    p = parsed_extra["Kenyan President Grace Mwangi met students.\nThe Kenyan leader later flew "
                     "to Lima."]  # fmt: skip
    named = resolve_office(p, Phrase(0, 0, "The Kenyan leader"))
    assert named is not None and named[0].text == "Grace Mwangi" and named[1] == 0
    assert resolve_office(p, Phrase(0, 0, "the Peruvian leader")) is None  # another country


def test_an_office_two_people_hold_is_nobody(parsed_extra: dict[str, Parsed]) -> None:
    p = parsed_extra["President Ana Soto met President Luis Ortega.\nThe president then flew to "
                     "Lima."]  # fmt: skip
    assert resolve_office(p, Phrase(0, 0, "the president")) is not None  # the first title fits
    assert resolve_office(p, Phrase(0, 0, "the Chilean president")) is None


@pytest.mark.parametrize(
    ("short", "full"),
    # a name ending in the short one's last word first (a surname): "Soto" is "Ana Soto"
    [("Soto", "Ana Soto"), ("Ana Soto", "Ana Soto Diaz"), ("Ortega", "Luis Ortega"),
     ("Luis Ortega", None)],
)  # fmt: skip
def test_fullest_name(parsed_extra: dict[str, Parsed], short: str, full: str | None) -> None:
    from llmbrief.holders import fullest_name

    text = EXTRA[-1]
    p = parsed_extra[text]
    start = text.index(short, text.index("\n"))
    got = fullest_name(p, Phrase(start, start + len(short), short))
    assert (got[0].text if got else None) == full
    if got is not None:
        assert text[got[0].start : got[0].end] == full


def test_merged_visit_quotes_each_sentence_once() -> None:
    """An article that repeats a paragraph: its sentence is one quote of the merged record."""
    from llmbrief.assemble import merge_visits
    from llmbrief.models import DiplomaticVisit, Evidence

    quote = "Ana Soto is in Kenya, where she met the president."

    def visit(at: int) -> DiplomaticVisit:
        return DiplomaticVisit(
            status="actual", visitor="Ana Soto", host_country="Kenya",
            evidence=[Evidence(quote=quote, start=at, end=at + len(quote)),
                      Evidence(quote="Ana Soto flew in.", start=0, end=17)],
        )  # fmt: skip

    (merged,) = merge_visits([visit(100), visit(400), visit(100)])
    assert isinstance(merged, DiplomaticVisit)
    assert [e.quote for e in merged.evidence] == [quote, "Ana Soto flew in."]
