"""llmbrief.assemble: records from answers, every attribute a span of the evidence."""

from __future__ import annotations

from typing import Any

import pytest

from llmbrief.analysis import Parsed, parse_many
from llmbrief.assemble import merge_visits, number_record, visit_record
from llmbrief.gazetteer import country_of
from llmbrief.models import Casualties, Deployment, DiplomaticVisit, EquipmentTransfer, Record
from llmbrief.normalize import normalize
from llmbrief.reading import NumberReading, read_numbers
from llmbrief.verify import verify_record
from llmbrief.visits import read_visits

SPAN_FIELDS = (
    "sender", "receiver", "supplier", "recipient", "force", "claimant", "destination",
    "personnel_text", "item", "location", "visitor", "visitor_role", "host", "host_country",
    "place", "date_text",
)  # fmt: skip

A = "Germany delivered 18 Leopard tanks to Kyiv in March, the defence ministry said."
B = "The monitoring group reported on Monday.\nIt said Moscow had sent 3,000 troops to Kursk."
C = "The shelling of the market left 2,000 killed and 2,700 wounded, officials in Gaza said."
D = "Poland received 24 drones from Turkey, according to Reuters."
E = "North Korea may send up to 5,000 workers to Russia."
F = "Israeli strikes killed 58 Palestinians in Rafah on Sunday, the health ministry said."
G = "Kenya plans to deploy 1,000 police officers to Haiti."
H = "Pyongyang has sent 12,000 North Korean soldiers to Russia."
J = "Junta troops captured 35 rebels near Mandalay, state media reported."

# (text, figure, answer, kind, expected attribute values)
CASES: list[tuple[str, str, dict[str, str], type[Record], dict[str, Any]]] = [
    (A, "18", {"what": "supplied", "status": "actual", "sender": "Germany",
               "receiver": "Kyiv", "claimant": "defence ministry"}, EquipmentTransfer,
     {"supplier": "Germany", "recipient": "Ukraine", "item": "Leopard tanks",
      "category": "vehicles", "date_text": "in March", "claimant": "defence ministry"}),
    (B, "3,000", {"what": "sent", "status": "actual", "sender": "Moscow", "receiver": "none",
                  "claimant": "monitoring group"}, Deployment,
     {"sender": "Russia", "receiver": None, "destination": "Kursk",
      "personnel": "combat_troops", "personnel_text": "troops", "claimant": "monitoring group"}),
    # "none" does not undo what the grammar states: "..., officials in Gaza said"
    (C, "2,700", {"what": "wounded", "status": "actual", "sender": "none", "receiver": "none",
                  "claimant": "none"}, Casualties,
     {"claimant": "officials"}),
    (A, "18", {"what": "supplied", "status": "actual", "sender": "none", "receiver": "none",
               "claimant": "none"}, EquipmentTransfer,
     {"supplier": "Germany", "recipient": "Ukraine", "claimant": "defence ministry"}),
    # where the parse ties nothing to the number, "none" is the answer
    (E, "up to 5,000", {"what": "sent", "status": "possible", "sender": "North Korea",
                        "receiver": "Russia", "claimant": "none"}, Deployment,
     {"claimant": None}),
    (D, "24", {"what": "supplied", "status": "actual", "sender": "Turkey", "receiver": "Poland",
               "claimant": "Reuters"}, EquipmentTransfer,
     {"supplier": "Turkey", "recipient": "Poland", "category": "drones", "claimant": "Reuters"}),
    (E, "up to 5,000", {"what": "sent", "status": "possible", "sender": "North Korea",
                        "receiver": "Russia", "claimant": "none"}, Deployment,
     {"sender": "North Korea", "receiver": "Russia", "destination": None,
      "personnel": "laborers", "status": "possible"}),
    (F, "58", {"what": "killed", "status": "actual", "sender": "none", "receiver": "none",
               "claimant": "health ministry"}, Casualties,
     {"force": "Palestinians", "location": "Rafah", "date_text": "on Sunday"}),
    (G, "1,000", {"what": "sent", "status": "planned", "sender": "Kenya", "receiver": "Haiti",
                  "claimant": "none"}, Deployment,
     {"sender": "Kenya", "receiver": "Haiti", "personnel_text": "police officers"}),
    (H, "12,000", {"what": "sent", "status": "actual", "sender": "North Korean",
                   "receiver": "Russia", "claimant": "none"}, Deployment,
     {"sender": "North Korea", "personnel_text": "North Korean soldiers"}),
    (J, "35", {"what": "captured", "status": "actual", "sender": "none", "receiver": "none",
               "claimant": "state media"}, Casualties,
     {"force": "rebels", "location": "Mandalay", "claimant": "state media"}),
]  # fmt: skip

VISITS = [
    "President Ana Soto will travel to Kenya and Ghana in June.",
    "President Maria Lopes visited Chile in May.\nThe president then flew to Argentina.",
    "Brazilian President Lucia Prado arrived in Luanda on Wednesday.\n"
    "Prado held talks in Angola on Thursday.\nPresident Lucia Prado visited Angola.",
]
TEXTS = sorted({c[0] for c in CASES} | set(VISITS))


@pytest.fixture(scope="module")
def parsed() -> dict[str, Parsed]:
    return dict(zip(TEXTS, parse_many(TEXTS), strict=True))


def _reading(parsed: dict[str, Parsed], text: str, figure: str) -> NumberReading:
    (r,) = [r for r in read_numbers(text, parsed[text]) if r.figure.text == figure]
    return r


def _grounded(record: Record, text: str) -> None:
    """Every attribute the record has comes with a span of its evidence."""
    quotes = [normalize(e.quote).text for e in record.evidence]
    by_field = {s.field: s for s in record.spans}
    for name in SPAN_FIELDS:
        value = getattr(record, name, None)
        if value is None or value == "unspecified":
            continue
        assert name in by_field, f"{name}={value!r} has no span"
        span = by_field[name]
        assert span.start is not None and span.end is not None
        assert text[span.start : span.end] == span.text
        assert any(normalize(span.text).text in q for q in quotes), name
        assert value == span.text or country_of(span.text) == value, (name, value, span.text)
    for s in record.spans:
        assert getattr(record, s.field) is not None, s.field


@pytest.mark.parametrize(("text", "figure", "answer", "kind", "expected"), CASES)
def test_number_record(
    parsed: dict[str, Parsed],
    text: str,
    figure: str,
    answer: dict[str, str],
    kind: type[Record],
    expected: dict[str, Any],
) -> None:
    r = _reading(parsed, text, figure)
    rec = number_record(text, r, answer)
    assert isinstance(rec, kind)
    assert rec.status == answer["status"]
    for name, value in expected.items():
        assert getattr(rec, name) == value, name
    _grounded(rec, text)
    checked = verify_record(rec, text)
    assert checked.verification is not None
    assert checked.verification.verified, checked.verification.problems


def test_figure_is_parsed_by_code(parsed: dict[str, Parsed]) -> None:
    rec = number_record(E, _reading(parsed, E, "up to 5,000"), CASES[4][2])
    assert isinstance(rec, Deployment)
    assert rec.count.text == "up to 5,000"
    assert rec.count.high == 5000 and rec.count.qualifier != "exact"
    assert rec.count.unit == "workers"


def test_evidence_takes_in_the_claimant_sentence(parsed: dict[str, Parsed]) -> None:
    rec = number_record(B, _reading(parsed, B, "3,000"), CASES[1][2])
    assert rec is not None
    (ev,) = rec.evidence
    assert ev.quote == B and ev.start == 0 and ev.end == len(B)


@pytest.mark.parametrize("what", ["other", "visits"])
def test_no_record_for_other_numbers(parsed: dict[str, Parsed], what: str) -> None:
    answer = {**CASES[0][2], "what": what}
    assert number_record(A, _reading(parsed, A, "18"), answer) is None


def test_a_choice_not_offered_is_left_out(parsed: dict[str, Parsed]) -> None:
    answer = {**CASES[0][2], "sender": "France", "claimant": "the president"}
    rec = number_record(A, _reading(parsed, A, "18"), answer)
    assert isinstance(rec, EquipmentTransfer)
    assert rec.supplier is None and rec.claimant is None
    assert {s.field for s in rec.spans}.isdisjoint({"supplier", "claimant"})


def test_visit_records(parsed: dict[str, Parsed]) -> None:
    text = VISITS[0]
    recs = []
    for v in read_visits(parsed[text]):
        rec = visit_record(text, v, {"visit": "yes", "visitor": v.visitors[0].text,
                                     "status": v.statuses[0]})  # fmt: skip
        assert rec is not None
        _grounded(rec, text)
        checked = verify_record(rec, text)
        assert checked.verification is not None and checked.verification.verified
        recs.append(rec)
    assert [(r.host_country, r.status, r.date_text) for r in recs] == [
        ("Kenya", "planned", "in June"),
        ("Ghana", "planned", "in June"),
    ]


def test_visit_record_no(parsed: dict[str, Parsed]) -> None:
    v = read_visits(parsed[VISITS[0]])[0]
    assert visit_record(VISITS[0], v, {"visit": "no", "visitor": "x", "status": "actual"}) is None


def test_visit_record_of_a_resolved_office(parsed: dict[str, Parsed]) -> None:
    text = VISITS[1]
    v = next(v for v in read_visits(parsed[text]) if v.host_country == "Argentina")
    rec = visit_record(text, v, {"visit": "yes", "visitor": "Maria Lopes", "status": "actual"})
    assert rec is not None
    assert rec.visitor == "Maria Lopes" and rec.visitor_role == "president"
    assert [e.quote for e in rec.evidence] == [
        "President Maria Lopes visited Chile in May.",
        "The president then flew to Argentina.",
    ]
    _grounded(rec, text)
    checked = verify_record(rec, text)
    assert checked.verification is not None and checked.verification.verified


def test_merge_visits(parsed: dict[str, Parsed]) -> None:
    text = VISITS[2]
    recs: list[Record] = []
    for v in read_visits(parsed[text]):
        rec = visit_record(text, v, {"visit": "yes", "visitor": v.visitors[0].text,
                                     "status": "actual"})  # fmt: skip
        assert rec is not None
        recs.append(rec)
    assert len(recs) >= 2
    merged = merge_visits(recs)
    assert len(merged) == 1
    (m,) = merged
    assert isinstance(m, DiplomaticVisit)
    assert m.host_country == "Angola" and m.date_text == "on Wednesday"
    assert len(m.evidence) == len({e.quote for r in recs for e in r.evidence})
    checked = verify_record(m, text)
    assert checked.verification is not None and checked.verification.verified


def test_merge_keeps_other_records(parsed: dict[str, Parsed]) -> None:
    rec = number_record(A, _reading(parsed, A, "18"), CASES[0][2])
    assert rec is not None
    assert merge_visits([rec, rec]) == [rec, rec]
