"""llmbrief.questions: prompt values and answer schemas agree, choice for choice."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pydantic import ValidationError

from llmbrief.analysis import Parsed, parse_many
from llmbrief.assemble import number_record
from llmbrief.attach import Phrase
from llmbrief.llm import schema_of
from llmbrief.models import Evidence, Record
from llmbrief.prompts import get_prompt
from llmbrief.questions import (
    NONE,
    claimant_choices,
    number_answer_model,
    number_values,
    party_choices,
    verifying,
    visit_answer_model,
    visit_values,
    visitor_choices,
)
from llmbrief.reading import NumberReading, read_numbers
from llmbrief.verify import verify_record
from llmbrief.visits import VisitReading, read_visits

ARTICLES = [
    "Germany delivered 18 Leopard tanks to Kyiv, the defence ministry said.",
    "North Korea may send up to 5,000 workers to Russia.",
    "The shelling of the market left 2,000 killed and 2,700 wounded.",
    "The aid agency reported on Monday.\nIt said 41 children were killed in Gaza.",
    "Japan gave $500 million to the Philippines.",
    "Chad sent 500 soldiers to Niger {{ 7*7 }} and {text} last year, officials said.",
    "Poland received 24 drones from Turkey, according to Reuters.",
]
VISITS = [
    "President Ana Soto will travel to Kenya and Ghana in June.",
    "President Maria Lopes visited Chile in May.\nThe president then flew to Argentina.",
]
PROMPT_FIELDS = {
    "what_choices": "what",
    "status_choices": "status",
    "from_choices": "sender",
    "to_choices": "receiver",
    "by_choices": "claimant",
}
PROMPT_LABELS = {
    "what": "what",
    "status": "status",
    "sender": "sender",
    "receiver": "receiver",
    "claimant": "claimant",
}


@pytest.fixture(scope="module")
def parsed() -> dict[str, Parsed]:
    texts = ARTICLES + VISITS
    return dict(zip(texts, parse_many(texts), strict=True))


def _numbers(parsed: dict[str, Parsed]) -> list[tuple[str, NumberReading]]:
    return [(t, r) for t in ARTICLES for r in read_numbers(t, parsed[t])]


def _enum(model: Any, field: str) -> list[str]:
    prop = model.model_json_schema()["properties"][field]
    return list(prop["enum"]) if "enum" in prop else [prop["const"]]


def test_every_article_has_a_number(parsed: dict[str, Parsed]) -> None:
    assert {t for t, _ in _numbers(parsed)} == set(ARTICLES)


def test_rendered_choices_are_the_enums(parsed: dict[str, Parsed]) -> None:
    prompt = get_prompt("extract@v4")
    for text, r in _numbers(parsed):
        rendered = prompt.render(**number_values(text, r))
        model = number_answer_model(r)
        tail = rendered[rendered.rindex("Text: ") :]
        for field, label in PROMPT_LABELS.items():
            (line,) = re.findall(rf"^Choices for {label}: (.*)$", tail, flags=re.M)
            assert line.split(", ") == _enum(model, field), (text, r.figure.text, field)


def test_values_match_the_schema(parsed: dict[str, Parsed]) -> None:
    for text, r in _numbers(parsed):
        values = number_values(text, r)
        model = number_answer_model(r)
        for key, field in PROMPT_FIELDS.items():
            assert values[key].split(", ") == _enum(model, field)
        assert set(_enum(model, "what")) == set(r.attachment.meanings)


def test_none_is_always_offered(parsed: dict[str, Parsed]) -> None:
    for _, r in _numbers(parsed):
        model = number_answer_model(r)
        for field in ("sender", "receiver", "claimant"):
            choices = _enum(model, field)
            assert choices[-1] == NONE and choices.count(NONE) == 1


def test_prompt_text_is_a_verbatim_slice(parsed: dict[str, Parsed]) -> None:
    prompt = get_prompt("extract@v4")
    for text, r in _numbers(parsed):
        values = number_values(text, r)
        assert values["text"] in text
        assert values["figure"] == text[r.figure.start : r.figure.end]
        rendered = prompt.render(**values)
        assert f"Text: {values['text']}\nNumber: {values['figure']}\n" in rendered


def test_template_syntax_in_an_article_reaches_the_model_unchanged(
    parsed: dict[str, Parsed],
) -> None:
    text = ARTICLES[5]
    r = _reading(parsed, text, "500")
    whole = get_prompt("extract@v4").render(**number_values(text, r, 0))
    assert "{{ 7*7 }} and {text} last year" in whole
    assert "49" not in whole
    window = number_values(text, r, 8)["text"]
    assert "{{ 7*7 }}" in window and window in text  # a verbatim slice, never re-spaced


@pytest.mark.parametrize(
    ("phrases", "choices"),
    [
        ([], [NONE]),
        # as written, one choice a party
        ([Phrase(0, 4, "Kyiv", "Ukraine"), Phrase(9, 16, "Ukraine", "Ukraine")], ["Kyiv", NONE]),
        ([Phrase(0, 4, "U.S.", "United States"), Phrase(9, 13, "Kyiv", "Ukraine")],
         ["U.S.", "Kyiv", NONE]),
        ([Phrase(0, 2, "EU", None, "ORG"), Phrase(3, 7, "none")], ["EU", NONE]),
        ([Phrase(0, 1, c, c) for c in ["Chad", "Mali", "Niger", "Togo", "Benin"]],
         ["Chad", "Mali", "Niger", NONE]),
    ],
)  # fmt: skip
def test_party_choices(phrases: list[Phrase], choices: list[str]) -> None:
    assert party_choices(phrases) == choices


def test_only_the_parties_the_parse_ties_to_the_number_are_offered() -> None:
    places = [Phrase(0, 1, c, c) for c in ["Chad", "Mali", "Niger"]]
    assert party_choices(places, strong=1) == ["Chad", NONE]
    assert party_choices(places, strong=0) == ["Chad", "Mali", "Niger", NONE]


@pytest.mark.parametrize(
    ("phrases", "choices"),
    [
        ([], [NONE]),
        ([Phrase(0, 4, "army"), Phrase(9, 13, "army")], ["army", NONE]),
        ([Phrase(0, 1, t) for t in ["the UN", "Reuters", "officials", "state media"]],
         ["the UN", "Reuters", "officials", NONE]),
        ([Phrase(0, 4, "Kyiv", "Ukraine")], ["Kyiv", NONE]),  # as written, not the country
    ],
)  # fmt: skip
def test_claimant_choices(phrases: list[Phrase], choices: list[str]) -> None:
    assert claimant_choices(phrases) == choices


def _reading(parsed: dict[str, Parsed], text: str, figure: str) -> NumberReading:
    (r,) = [r for r in read_numbers(text, parsed[text]) if r.figure.text == figure]
    return r


def test_answer_outside_the_choices_is_refused(parsed: dict[str, Parsed]) -> None:
    r = _reading(parsed, ARTICLES[1], "up to 5,000")
    model = number_answer_model(r)
    good = {"figure": "up to 5,000", "what": "sent", "status": "possible", "sender": "North Korea",
            "receiver": "Russia", "claimant": NONE}  # fmt: skip
    model(**good)
    for field, bad in [("status", "actual"), ("what", "supplied"), ("sender", "China"),
                       ("figure", "5,000")]:  # fmt: skip
        with pytest.raises(ValidationError):
            model(**{**good, field: bad})
    with pytest.raises(ValidationError):
        model(**good, extra="x")


def test_answer_model_keeps_and_verifies_records(parsed: dict[str, Parsed]) -> None:
    text = ARTICLES[0]
    r = _reading(parsed, text, "18")
    keep: list[tuple[dict[str, Any], Record | None]] = []

    def check(answer: dict[str, Any]) -> Record | None:
        rec = number_record(text, r, answer)
        return verify_record(rec, text) if rec is not None else None

    model = number_answer_model(r)
    answer = {"figure": "18", "what": "supplied", "status": "actual", "sender": "Germany",
              "receiver": "Kyiv", "claimant": "defence ministry"}  # fmt: skip
    model(**answer)
    assert keep == []  # outside verifying(): the schema alone
    with verifying(check, keep):
        model(**answer)
    assert keep[0][0] == answer
    rec = keep[0][1]
    assert rec is not None and rec.verification is not None and rec.verification.verified


def test_unverified_record_is_re_asked(parsed: dict[str, Parsed]) -> None:
    text = ARTICLES[0]
    r = _reading(parsed, text, "18")
    keep: list[tuple[dict[str, Any], Record | None]] = []

    def check(answer: dict[str, Any]) -> Record | None:
        rec = number_record(text, r, answer)
        assert rec is not None
        forged = rec.model_copy(update={"evidence": [Evidence(quote="Germany sent 81 tanks.")]})
        return verify_record(forged, text)

    model = number_answer_model(r)
    with verifying(check, keep), pytest.raises(ValidationError):
        model(figure="18", what="supplied", status="actual", sender="Germany", receiver="Kyiv",
              claimant=NONE)  # fmt: skip
    assert len(keep) == 1


def test_questions_with_the_same_choices_share_one_answer_model(
    parsed: dict[str, Parsed],
) -> None:
    text = ARTICLES[0]
    r = _reading(parsed, text, "18")
    (again,) = [x for x in read_numbers(text, parse_many([text])[0]) if x.figure.text == "18"]
    assert again is not r  # parsed again: another reading, the same choices
    assert number_answer_model(r) is number_answer_model(again)
    other = [x for t in ARTICLES[1:] for x in read_numbers(t, parsed[t])]
    assert other and all(number_answer_model(x) is not number_answer_model(r) for x in other)
    schema = schema_of(number_answer_model(r))
    assert schema == number_answer_model(r).model_json_schema()
    schema["properties"].clear()  # a copy: the next question's schema is whole
    assert schema_of(number_answer_model(r)) == number_answer_model(r).model_json_schema()


def test_verifying_holds_in_its_own_thread_only(parsed: dict[str, Parsed]) -> None:
    text = ARTICLES[0]
    r = _reading(parsed, text, "18")
    model = number_answer_model(r)
    keep: list[tuple[dict[str, Any], Record | None]] = []
    answer = {"figure": "18", "what": "supplied", "status": "actual", "sender": "Germany",
              "receiver": "Kyiv", "claimant": NONE}  # fmt: skip

    def check(a: dict[str, Any]) -> Record | None:
        return None

    with verifying(check, keep), ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: model(**answer)).result()  # another worker's question
        assert keep == []
        model(**answer)
    assert [a for a, _ in keep] == [answer]


def _visits(parsed: dict[str, Parsed]) -> list[tuple[str, VisitReading]]:
    return [(t, v) for t in VISITS for v in read_visits(parsed[t])]


def test_visit_values_and_schema_agree(parsed: dict[str, Parsed]) -> None:
    found = _visits(parsed)
    assert len(found) == 4
    for text, v in found:
        values = visit_values(text, v)
        model = visit_answer_model(v)
        assert values["sentence"] in text
        assert values["destination"] == v.destination.text
        assert values["visitor_choices"].split(", ") == _enum(model, "visitor")
        assert values["status_choices"].split(", ") == _enum(model, "status")
        assert _enum(model, "visit") == ["yes", "no"]
        assert _enum(model, "visitor") == visitor_choices(v)


def test_visitor_choices_of_a_resolved_office(parsed: dict[str, Parsed]) -> None:
    vs = [v for t, v in _visits(parsed) if v.destination.text == "Argentina"]
    assert visitor_choices(vs[0]) == ["Maria Lopes"]  # the office is the role, not a choice


def test_a_choice_across_a_line_break_is_not_offered() -> None:
    """A line break inside a JSON string is no valid JSON: such a span is never a choice."""
    broken = Phrase(0, 14, "Chad\nNiger", "Chad", "GPE")
    fine = Phrase(20, 25, "Mali", "Mali", "GPE")
    assert party_choices([broken, fine]) == ["Mali", "none"]
    assert claimant_choices([broken, fine]) == ["Mali", "none"]
