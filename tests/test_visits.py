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
        ("Austin", "Poland", "Poland", "actual", "in March"),
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
    # no visit: a phone call, going home, a place that is the traveller's own country
    ("Egyptian President Omar Fathy spoke by phone with the Kenyan president.", []),
    ("Prime Minister Ravi Menon spoke by phone with leaders in Tokyo.", []),
    ("Mexican President Luis Ortega flew home to Mexico after the summit.", []),
    ("Turkish President Emre Kaya returned to Ankara after the talks.", []),
    ("Kenyan President Grace Mwangi toured Mombasa on Friday.", []),
    ("Germany delivered 18 Leopard tanks to Kyiv.", []),
    ("Leaders flew to Cairo for the summit.", []),
    ("Her visit comes days before the summit in Lima.", []),
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
        a, b = v.sentence
        assert a <= v.destination.start < v.destination.end <= b
        assert text[a:b].strip()


@pytest.mark.parametrize(
    ("text", "not_offered"),
    [
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
