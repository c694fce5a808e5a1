"""The verifier's six checks, over real sentences of the seed articles."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError, ValidationInfo, model_validator
from verify_cases import (
    FILLER,
    HEDGES,
    PLACES,
    SEED_RECORDS,
    SEEDS,
    UNITS,
    WORD_NUMBERS,
    Generated,
    deployment,
    make_document,
    make_sentence,
    seed,
)

from llmbrief.documents import parse_documents
from llmbrief.models import (
    GROUNDED_FIELDS,
    AttributeSpan,
    Casualties,
    CheckStatus,
    Deployment,
    DiplomaticVisit,
    Document,
    EquipmentTransfer,
    Evidence,
    Figure,
    Source,
)
from llmbrief.normalize import normalize, normalize_fragment
from llmbrief.verify import (
    RecordVerificationError,
    check_record_or_raise,
    problems_for_model,
    verify_document,
    verify_record,
)

# Real sentences of the seeds, as a model would copy them (one space between words,
# straight apostrophes and dashes).
UP_TO_25000 = (
    "North Korea is planning to send up to 25,000 workers to Russia, with a large majority "
    "assigned to assist in the mass production of Shahed-type attack drones and the remaining "
    "to help in the reconstruction of the Kursk region, according to various media sources."
)
THRICE = (  # seed 004 has a line break after "assignment"
    "Shoigu has been to North Korea thrice in the past three months, with the most recent "
    "visit being a special assignment from Russian President Vladimir Putin."
)
SAPPERS_004 = (
    "Meanwhile, a group of 1,000 combat engineers and 5,000 workers will head to the Kursk "
    "Region for reconstruction efforts."
)
OVER_6000 = (
    "The region has seen significant damage and loss, with over 6,000 North Korean casualties "
    "reported during offensive operations."
)
MILLION_115 = (  # seed 000: followed by NBSP and blank lines
    "Such work could bring North Korea significant revenue, potentially up to $115 million "
    "annually."
)
JULY_2024 = (
    "The North Korean president responded diplomatically, and South Korean TV channel TV Chosun "
    "highlighted that North Korea will send military construction and engineering forces to "
    'participate in "reconstruction works" in the occupied Donetsk region as early as July 2024.'
)
NIS_001 = (  # seed 001 writes "Korea’s" with a curly apostrophe
    "According to a closed-door briefing by South Korea's National Intelligence Service (NIS), "
    "North Korea is likely to send more troops to Russia as early as July or August."
)
SHELLS_001 = (
    "The NIS reported that Pyongyang has already begun recruiting soldiers for deployment to "
    "Russia, on top of what Seoul estimates is substantial support from North Korea, including "
    "the transfer of over 10 million artillery shells and ballistic missiles in exchange for "
    "economic and technical assistance."
)
SAPPERS_001 = (
    "Russian Security Council Secretary Sergei Shoigu traveled to North Korea on June 17 under a "
    "special directive from President Vladimir Putin, meeting with Kim Jong Un and announcing "
    "that Pyongyang had agreed to dispatch 1,000 sappers and 5,000 military engineers to "
    "Russia's Kursk Oblast."
)
WORDS_003 = (
    "Twenty-five thousand North Korean individuals are to lend drone-related assistance to "
    "Russia in the realm of terrifying activities."
)
AROUND_003 = (
    "Word on the street is that around 25,000 North Korean employees are set to join the party "
    "at the Alabuga Special Economic Zone in Tatarstan, Russia."
)
BARE_003 = (
    "With 25,000 extra pairs of hands working in Russian drone production, Moscow's capacity to "
    "bomb Ukraine could increase dramatically."
)
DASH_003 = (  # seed 003 has an en dash after "training"
    "And, it seems, she's not above luring unsuspecting workers under false pretenses with "
    "promises of training - only to toss them into factories churning out deadly drones, like "
    "the Shaheds or Geran-2."
)


def transfer(quotes: list[str], text: str, value: float, **fig: object) -> EquipmentTransfer:
    return EquipmentTransfer(
        status="actual",
        item="artillery shells",
        category="ammunition",
        quantity=Figure.model_validate({"text": text, "value": value, **fig}),
        evidence=[Evidence(quote=q) for q in quotes],
    )


def visit(quotes: list[str], text: str, value: float, **fig: object) -> DiplomaticVisit:
    return DiplomaticVisit(
        status="actual",
        visitor="Shoigu",
        count=Figure.model_validate({"text": text, "value": value, **fig}),
        evidence=[Evidence(quote=q) for q in quotes],
    )


AnyRecord = Deployment | EquipmentTransfer | Casualties | DiplomaticVisit


@dataclass
class Case:
    """One row: a record over a seed, and what the verifier must say about it."""

    id: str
    seed: str
    record: AnyRecord
    verified: bool
    figure: CheckStatus | None = None  # status of the record's one figure
    raw: str | None = None  # the raw source text the figure check must point at
    evidence: list[CheckStatus] = field(default_factory=lambda: ["ok"])
    problems: list[tuple[str, CheckStatus]] = field(default_factory=list)
    says: str | None = None  # a phrase the re-ask message must contain


CASES = [
    # --- figure found, hedge kept
    Case(
        "hedge kept: up to 25,000",
        "004",
        deployment(UP_TO_25000, "up to 25,000", 25000, high=25000, qualifier="at_most"),
        True,
        "ok",
        "up to 25,000",
    ),
    Case(
        "5,000 in its own sentence",
        "004",
        deployment(SAPPERS_004, "5,000", 5000, low=5000, high=5000),
        True,
        "ok",
        "5,000",
    ),
    Case(
        "5,000 only inside 25,000 in the cited sentence",
        "004",
        deployment(UP_TO_25000, "5,000", 5000),
        False,
        "outside_evidence",
        "5,000",
        problems=[("count", "outside_evidence")],
        says=SAPPERS_004,
    ),
    Case(
        "line break inside the sentence, quote written with a space",
        "004",
        visit([THRICE], "thrice", 3, low=3, high=3),
        True,
        "ok",
        "thrice",
    ),
    Case(
        "NBSP after the sentence (seed 000)",
        "000",
        transfer([MILLION_115], "up to $115 million", 115_000_000, qualifier="at_most").model_copy(
            update={"item": "significant revenue"}
        ),
        True,
        "ok",
        "up to $115 million",
    ),
    Case(
        "two sentences across NBSP and blank lines (seed 000)",
        "000",
        deployment(
            JULY_2024 + " The goal is to rebuild infrastructure in Donetsk.",
            date_text="July 2024",
        ),
        True,
    ),
    Case(
        "curly apostrophe written as ' (seed 001)",
        "001",
        deployment(NIS_001, date_text="as early as July or August"),
        True,
    ),
    Case(
        "curly apostrophe in a sentence with figures (seed 001)",
        "001",
        deployment(SAPPERS_001, "5,000", 5000, date_text="June 17", personnel_text="engineers"),
        True,
        "ok",
        "5,000",
    ),
    Case(
        "en dash written as - (seed 003)",
        "003",
        deployment(DASH_003, purpose="drone production"),
        True,
    ),
    Case(
        "number words (seed 003)",
        "003",
        deployment(WORDS_003, "Twenty-five thousand", 25000, low=25000, high=25000),
        True,
        "ok",
        "Twenty-five thousand",
    ),
    Case(
        "letters compare case-insensitively",
        "003",
        deployment(WORDS_003.lower(), "twenty-five THOUSAND", 25000),
        True,
        "ok",
        "Twenty-five thousand",
    ),
    Case(
        "over 10 million",
        "001",
        transfer([SHELLS_001], "over 10 million", 10_000_000, low=10_000_000, qualifier="over"),
        True,
        "ok",
        "over 10 million",
    ),
    Case(
        "a casualties total",
        "004",
        Casualties(
            status="actual",
            force="North Korean",
            total=Figure(text="over 6,000", value=6000, low=6000, qualifier="over"),
            evidence=[Evidence(quote=OVER_6000)],
        ),
        True,
        "ok",
        "over 6,000",
    ),
    # --- the hedge rule
    Case(
        "dropped hedge: 25,000 for up to 25,000 (seed 004)",
        "004",
        deployment(UP_TO_25000, "25,000", 25000, low=25000, high=25000),
        False,
        "qualifier_mismatch",
        "25,000",
        problems=[("count", "qualifier_mismatch")],
        says='drops the hedge: the source says "up to 25,000"',
    ),
    Case(
        "dropped hedge: 10 million for over 10 million",
        "001",
        transfer([SHELLS_001], "10 million", 10_000_000),
        False,
        "qualifier_mismatch",
        "10 million",
        problems=[("quantity", "qualifier_mismatch")],
        says='the source says "over 10 million"',
    ),
    Case(
        "dropped hedge even with the right qualifier",
        "004",
        deployment(UP_TO_25000, "25,000", 25000, high=25000, qualifier="at_most"),
        False,
        "qualifier_mismatch",
        problems=[("count", "qualifier_mismatch")],
        says="drops the hedge",
    ),
    Case(
        "changed hedge: around 25,000 where the source says up to",
        "004",
        deployment(UP_TO_25000, "around 25,000", 25000, qualifier="approx"),
        False,
        "not_in_source",
        problems=[("count", "not_in_source")],
        says='the article says "up to 25,000"',
    ),
    Case(
        "bare 25,000 cited only from the 'around 25,000' sentence (seed 003)",
        "003",
        deployment(AROUND_003, "25,000", 25000),
        False,
        "qualifier_mismatch",
        problems=[("count", "qualifier_mismatch")],
        says='the source says "around 25,000"',
    ),
    Case(
        "bare 25,000 also written without a hedge in the evidence (seed 003)",
        "003",
        deployment([AROUND_003, BARE_003], "25,000", 25000),
        True,
        "ok",
        "25,000",
        evidence=["ok", "ok"],
    ),
    Case(
        "qualifier label disagrees with the hedge in text",
        "004",
        deployment(UP_TO_25000, "up to 25,000", 25000, qualifier="approx"),
        False,
        "qualifier_mismatch",
        problems=[("count", "qualifier_mismatch")],
        says='set qualifier "at_most"',
    ),
    # --- evidence quotes
    Case(
        "paraphrased quote",
        "004",
        deployment(SAPPERS_004.replace("5,000 workers", "5,000 laborers"), "5,000", 5000),
        False,
        "outside_evidence",
        evidence=["quote_not_found"],
        problems=[("evidence[0]", "quote_not_found"), ("count", "outside_evidence")],
        says='has "laborers will head',
    ),
    Case(
        "elided quote",
        "004",
        deployment(
            "Meanwhile, a group of 1,000 combat engineers ... will head to the Kursk Region.",
        ),
        False,
        evidence=["quote_not_found"],
        problems=[("evidence[0]", "quote_not_found")],
        says='without "..."',
    ),
    Case(
        "elided quote with a single-character ellipsis",
        "004",
        deployment("Meanwhile, a group of 1,000 combat engineers … and 5,000 workers."),
        False,
        evidence=["quote_not_found"],
        problems=[("evidence[0]", "quote_not_found")],
        says="leaves words out",
    ),
    Case(
        "a digit changed inside the quote",
        "004",
        deployment(UP_TO_25000.replace("25,000", "25,001"), "up to 25,000", 25000),
        False,
        "outside_evidence",
        evidence=["quote_not_found"],
        problems=[("evidence[0]", "quote_not_found"), ("count", "outside_evidence")],
    ),
    Case(
        "quote starting inside a word",
        "004",
        deployment(SAPPERS_004[1:]),
        False,
        evidence=["quote_not_found"],
        problems=[("evidence[0]", "quote_not_found")],
    ),
    Case(
        "quote trimmed of spaces, quotation marks and the final full stop",
        "004",
        deployment(f'  "{SAPPERS_004[:-1]}"  ', "1,000", 1000),
        True,
        "ok",
        "1,000",
    ),
    # --- figure position and value
    Case(
        "figure outside the evidence",
        "004",
        deployment(UP_TO_25000, "over 6,000", 6000, low=6000, qualifier="over"),
        False,
        "outside_evidence",
        "over 6,000",
        problems=[("count", "outside_evidence")],
        says="add the sentence that contains it",
    ),
    Case(
        "figure not in the article",
        "004",
        deployment(UP_TO_25000, "30,000", 30000),
        False,
        "not_in_source",
        problems=[("count", "not_in_source")],
        says="is not in the article",
    ),
    Case(
        "wrong value: 2500 for up to 25,000",
        "004",
        deployment(UP_TO_25000, "up to 25,000", 2500, qualifier="at_most"),
        False,
        "value_mismatch",
        problems=[("count", "value_mismatch")],
        says="set value 25000",
    ),
    Case(
        "wrong value: 10000 for 1,000",
        "004",
        deployment(SAPPERS_004, "1,000", 10000),
        False,
        "value_mismatch",
        problems=[("count", "value_mismatch")],
    ),
    Case(
        "wrong value: thrice is not 2",
        "004",
        visit([THRICE], "thrice", 2),
        False,
        "value_mismatch",
        problems=[("count", "value_mismatch")],
    ),
    Case(
        "bounds the text does not imply",
        "004",
        deployment(OVER_6000, "over 6,000", 6000, low=6000, high=6000, qualifier="over"),
        False,
        "value_mismatch",
        problems=[("count", "value_mismatch")],
        says="high 6000 (the text implies null)",
    ),
    Case(
        "figure text with no number",
        "004",
        deployment(UP_TO_25000, "a large majority", None, qualifier="vague"),
        False,
        "value_mismatch",
        problems=[("count", "value_mismatch")],
    ),
    Case(
        "a vague figure kept as vague",
        "004",
        deployment(
            "As of now, thousands of North Korean laborers are already working in Russia.",
            "thousands",
            None,
            qualifier="vague",
        ),
        True,
        "ok",
        "thousands",
    ),
    # --- stray numbers in other string fields
    Case(
        "stray number in purpose",
        "004",
        deployment(SAPPERS_004, "5,000", 5000, purpose="to rebuild 30,000 homes"),
        False,
        "ok",
        "5,000",
        problems=[("purpose", "not_in_source")],
        says='purpose mentions "30,000"',
    ),
    Case(
        "stray date in date_text, said elsewhere in the article (seed 001)",
        "001",
        deployment(SAPPERS_004, date_text="March 2025"),
        False,
        evidence=["quote_not_found"],
        problems=[("evidence[0]", "quote_not_found"), ("date_text", "not_in_source")],
        says="in the article but not in this record's evidence",
    ),
    Case(
        "date_text June 17 not in the cited sentence (seed 001)",
        "001",
        deployment(SHELLS_001, date_text="June 17"),
        False,
        problems=[("date_text", "not_in_source")],
        says='date_text mentions "17"',
    ),
    Case(
        "number words in purpose must be in evidence too",
        "004",
        deployment(SAPPERS_004, purpose="two new drone factories"),
        False,
        problems=[("purpose", "not_in_source")],
    ),
    Case(
        "a number glued to a name in a string field (Geran-2)",
        "003",
        deployment(WORDS_003, personnel_text="Geran-2 assemblers"),
        False,
        problems=[("personnel_text", "not_in_source")],
    ),
    Case(
        "a number in a figure's unit",
        "004",
        deployment(SAPPERS_004, "1,000", 1000, personnel_text="combat engineers").model_copy(
            update={"count": Figure(text="1,000", value=1000, unit="combat engineers in 12 units")}
        ),
        False,
        "ok",
        problems=[("count.unit", "not_in_source")],
    ),
]


def _problems(record: AnyRecord) -> list[tuple[str, CheckStatus]]:
    assert record.verification is not None
    return [(p.field, p.status) for p in record.verification.problems]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_verify_seed_sentences(case: Case) -> None:
    raw = seed(case.seed)
    out = verify_record(case.record, raw)
    v = out.verification
    assert v is not None
    assert v.verified is case.verified
    assert [e.status for e in v.evidence] == case.evidence
    assert _problems(out) == case.problems
    if case.figure is None:
        assert v.figures == []
    else:
        (check,) = v.figures
        assert check.status == case.figure
        if case.raw is not None:
            assert check.start is not None and check.end is not None
            assert raw[check.start : check.end] == case.raw
    for ev, ec in zip(out.evidence, v.evidence, strict=True):
        assert (ev.start, ev.end) == (ec.start, ec.end)
        if ec.status == "ok":
            assert ev.start is not None and ev.end is not None
            quote = normalize_fragment(ev.quote).strip(" .\"'").lower()
            assert normalize_fragment(raw[ev.start : ev.end]).lower().strip(".") == quote
        else:
            assert ev.start is None and ev.end is None
    message = problems_for_model(v)
    assert len(message.splitlines()) == len(v.problems)
    if case.says is not None:
        assert case.says in message


def test_line_break_quote_offsets_span_the_newline() -> None:
    raw = seed("004")
    out = verify_record(visit([THRICE], "thrice", 3), raw)
    ev = out.evidence[0]
    assert ev.start is not None and ev.end is not None
    assert raw[ev.start : ev.end] == THRICE.replace("assignment from", "assignment\nfrom")


def test_nbsp_quote_offsets_span_the_nbsp() -> None:
    raw = seed("000")
    quote = JULY_2024 + " The goal is to rebuild infrastructure in Donetsk."
    out = verify_record(deployment(quote), raw)
    ev = out.evidence[0]
    assert ev.start is not None and ev.end is not None
    assert "July 2024.\u00a0\n\nThe goal" in raw[ev.start : ev.end]
    assert raw[ev.end - len("Donetsk.") : ev.end] == "Donetsk."  # the full stop is cited


def test_the_25000_trap_outside_any_real_5000() -> None:
    """Where the article has "5,000" only inside "25,000", "5,000" is not in it at all."""
    raw = UP_TO_25000
    out = verify_record(deployment(UP_TO_25000, "5,000", 5000), raw)
    assert _problems(out) == [("count", "not_in_source")]
    assert 'only inside "up to 25,000"' in problems_for_model(out.verification)  # type: ignore[arg-type]


def test_part_of_a_range_is_not_a_figure_of_the_article() -> None:
    raw = "Officials said 10,000-12,000 workers would go. Between 3 and 5 ships sailed."
    quote = "Officials said 10,000-12,000 workers would go."
    bad = verify_record(deployment(quote, "10,000", 10000), raw)
    assert _problems(bad) == [("count", "not_in_source")]
    assert '"10,000-12,000"' in problems_for_model(bad.verification)  # type: ignore[arg-type]
    good = verify_record(
        deployment(quote, "10,000-12,000", None, low=10000, high=12000, qualifier="range"), raw
    )
    assert good.verification is not None and good.verification.verified


def test_model_offsets_are_never_trusted() -> None:
    raw = seed("004")
    record = deployment(SAPPERS_004, "5,000", 5000)
    record.evidence[0] = Evidence(quote=SAPPERS_004, start=0, end=5)
    out = verify_record(record, raw)
    assert (out.evidence[0].start, out.evidence[0].end) == (
        raw.index(SAPPERS_004),
        raw.index(SAPPERS_004) + len(SAPPERS_004),
    )
    missing = verify_record(deployment("Not in the article.").model_copy(), raw)
    bogus = missing.model_copy(update={"evidence": [Evidence(quote="nope", start=1, end=9)]})
    again = verify_record(bogus, raw)
    assert (again.evidence[0].start, again.evidence[0].end) == (None, None)


def test_verify_record_returns_a_copy_and_repairs_nothing() -> None:
    record = deployment(UP_TO_25000, "25,000", 25000, purpose="to build 30,000 drones")
    before = record.model_dump()
    out = verify_record(record, seed("004"))
    assert record.model_dump() == before  # the input is untouched
    assert record.verification is None
    assert out is not record
    assert out.count is not record.count and out.evidence[0] is not record.evidence[0]
    assert out.count == record.count  # nothing repaired
    assert out.purpose == record.purpose
    assert out.model_dump(exclude={"verification", "evidence"}) == record.model_dump(
        exclude={"verification", "evidence"}
    )


def test_accepts_a_normalized_source() -> None:
    raw = seed("004")
    nt = normalize(raw)
    a = verify_record(deployment(SAPPERS_004, "5,000", 5000), nt)
    b = verify_record(deployment(SAPPERS_004, "5,000", 5000), raw)
    assert a == b


def test_verify_document() -> None:
    raw = seed("004")
    doc = Document(
        source=Source(path="seeds/004.txt"),
        records=[
            deployment(UP_TO_25000, "up to 25,000", 25000, high=25000, qualifier="at_most"),
            deployment(UP_TO_25000, "25,000", 25000),
            visit([THRICE], "thrice", 3),
        ],
    )
    out = verify_document(doc, raw)
    assert [r.verification.verified for r in out.records if r.verification] == [True, False, True]
    assert all(r.verification is None for r in doc.records)
    assert out.source == doc.source
    # round-trips through the JSON contract
    assert Document.model_validate_json(out.model_dump_json()) == out


def test_problems_for_model_is_one_line_per_problem() -> None:
    record = deployment(
        UP_TO_25000.replace("workers", "laborers"),
        "25,000",
        25000,
        purpose="to build 30,000 drones",
        date_text="in 2031",
    )
    out = verify_record(record, seed("004"))
    assert out.verification is not None
    text = problems_for_model(out.verification)
    lines = text.splitlines()
    assert len(lines) == len(out.verification.problems) == 4
    assert lines[0].startswith("evidence[0] is not in the article")
    assert '"30,000"' in text and '"2031"' in text


def test_check_record_or_raise() -> None:
    raw = seed("004")
    ok = check_record_or_raise(visit([THRICE], "thrice", 3), raw)
    assert ok.verification is not None and ok.verification.verified
    with pytest.raises(RecordVerificationError) as info:
        check_record_or_raise(deployment(UP_TO_25000, "25,000", 25000), raw)
    err = info.value
    assert isinstance(err, ValueError)
    assert str(err) == problems_for_model(err.verification)
    assert "drops the hedge" in str(err)


class _Extraction(BaseModel):
    """How the LLM layer uses the verifier: a validator that reads the source from context."""

    record: Deployment

    @model_validator(mode="after")
    def _verified(self, info: ValidationInfo) -> _Extraction:
        assert info.context is not None
        check_record_or_raise(self.record, info.context["source"])
        return self


def test_inside_a_pydantic_validator() -> None:
    raw = seed("004")
    good = deployment(SAPPERS_004, "5,000", 5000).model_dump()
    bad = deployment(UP_TO_25000, "25,000", 25000).model_dump()
    _Extraction.model_validate({"record": good}, context={"source": raw})
    with pytest.raises(ValidationError) as info:
        _Extraction.model_validate({"record": bad}, context={"source": raw})
    assert 'the source says "up to 25,000"' in str(info.value)


def test_generated_documents_verify_unless_broken() -> None:
    rng = random.Random(11)
    for _ in range(10):
        doc, text, correct = make_document(rng, 6, broken=0.5)
        out = verify_document(doc, text)
        statuses = [r.verification.figures[0].status for r in out.records if r.verification]
        assert statuses.count("ok") == correct
        assert set(statuses) <= {"ok", "qualifier_mismatch"}


def test_generated_documents_all_verify() -> None:
    rng = random.Random(7)
    for _ in range(20):
        doc, text, _ = make_document(rng, 5)
        out = verify_document(doc, text)
        for r in out.records:
            assert r.verification is not None
            assert r.verification.problems == []
            (check,) = r.verification.figures
            assert check.start is not None and check.end is not None
            fig = r.count if isinstance(r, Deployment) else r.killed  # type: ignore[union-attr]
            assert fig is not None and text[check.start : check.end] == fig.text


# ---------------------------------------------------------------- property-based
def _article(g: Generated, before: list[str], after: list[str]) -> str:
    return "\n".join([*before, g.sentence, *after])


generated = st.builds(
    make_sentence,
    value=st.integers(2, 10**9),
    hedge=st.sampled_from(sorted(HEDGES)),
    unit=st.sampled_from(UNITS),
    place=st.sampled_from(PLACES),
) | st.builds(
    lambda item, hedge, unit, place: make_sentence(item[1], hedge, unit, place, item[0]),
    item=st.sampled_from(sorted(WORD_NUMBERS.items())),
    hedge=st.sampled_from(sorted(HEDGES)),
    unit=st.sampled_from(UNITS),
    place=st.sampled_from(PLACES),
)
fillers = st.lists(st.sampled_from(FILLER), max_size=3)


def _record(g: Generated, text: str, qualifier: str | None = None) -> Deployment:
    return deployment(
        g.sentence,
        text,
        g.value,
        low=g.low,
        high=g.high,
        qualifier=qualifier or g.qualifier,  # type: ignore[arg-type]
    )


@given(generated, fillers, fillers)
def test_a_figure_copied_verbatim_verifies(
    g: Generated, before: list[str], after: list[str]
) -> None:
    raw = _article(g, before, after)
    out = verify_record(_record(g, g.text), raw)
    assert out.verification is not None
    assert out.verification.problems == []
    (check,) = out.verification.figures
    assert check.start is not None and check.end is not None
    assert raw[check.start : check.end] == g.text


@given(generated, fillers, fillers, st.data())
def test_one_digit_changed_does_not_verify(
    g: Generated, before: list[str], after: list[str], data: st.DataObject
) -> None:
    digits = [i for i, c in enumerate(g.number) if c.isdigit()]
    if not digits:  # a number in words: change a word instead
        changed = g.number.replace("two", "three").replace("five", "four").replace("six", "nine")
        changed = changed.replace("four-", "seven-").replace("dozen", "hundred")
        changed = changed.replace("twelve", "eleven").replace("hundred", "thousand")
    else:
        i = data.draw(st.sampled_from(digits))
        new = data.draw(st.sampled_from([d for d in "0123456789" if d != g.number[i]]))
        changed = g.number[:i] + new + g.number[i + 1 :]
    assert changed != g.number
    raw = _article(g, before, after)
    out = verify_record(_record(g, f"{g.hedge} {changed}".strip()), raw)
    assert out.verification is not None
    assert not out.verification.verified
    assert out.verification.figures[0].status in ("not_in_source", "outside_evidence")


@given(generated, fillers, fillers)
def test_hedge_dropped_does_not_verify(g: Generated, before: list[str], after: list[str]) -> None:
    if not g.hedge:
        return
    raw = _article(g, before, after)
    exact = deployment(g.sentence, g.number, g.value, low=g.value, high=g.value)
    out = verify_record(exact, raw)
    assert out.verification is not None
    assert _problems(out) == [("count", "qualifier_mismatch")]
    # and the right qualifier does not rescue a text without its hedge
    labelled = deployment(g.sentence, g.number, g.value, qualifier=g.qualifier)
    out2 = verify_record(labelled, raw)
    assert _problems(out2) == [("count", "qualifier_mismatch")]


@given(generated, st.integers(1, 10**6))
def test_a_changed_value_does_not_verify(g: Generated, delta: int) -> None:
    raw = g.sentence
    record = deployment(g.sentence, g.text, g.value + delta, qualifier=g.qualifier)
    out = verify_record(record, raw)
    assert _problems(out) == [("count", "value_mismatch")]


def test_evidence_span_keeps_the_punctuation_the_source_has() -> None:
    raw = seed("000")
    quote = '"reconstruction works" in the occupied Donetsk region as early as July 2024.'
    out = verify_record(deployment(quote, date_text="July 2024"), raw)
    ev = out.evidence[0]
    assert out.verification is not None and out.verification.verified
    assert ev.start is not None and ev.end is not None
    assert raw[ev.start : ev.end] == quote
    # punctuation the source does not have there is trimmed, not cited
    out2 = verify_record(
        deployment("(Such work could bring North Korea significant revenue!)"), raw
    )
    ev2 = out2.evidence[0]
    assert ev2.start is not None and ev2.end is not None
    assert raw[ev2.start : ev2.end] == "Such work could bring North Korea significant revenue"


def test_an_ellipsis_the_source_itself_has_is_verbatim() -> None:
    raw = "He paused. Then he said: wait... 3,000 more. The end."
    quote = "Then he said: wait... 3,000 more."
    out = verify_record(deployment(quote, "3,000", 3000), raw)
    assert out.verification is not None and out.verification.verified
    ev = out.evidence[0]
    assert ev.start is not None and ev.end is not None
    assert raw[ev.start : ev.end] == quote
    elided = verify_record(deployment("He paused... 3,000 more.", "3,000", 3000), raw)
    assert _problems(elided) == [("evidence[0]", "quote_not_found"), ("count", "outside_evidence")]


def test_problems_for_model_keeps_one_line_per_problem_whatever_the_text() -> None:
    raw = seed("004")
    record = deployment(SAPPERS_004, "up to\n25,000", 25000, purpose="build\n30,000 homes")
    out = verify_record(record, raw)
    assert out.verification is not None
    assert _problems(out) == [("count", "outside_evidence"), ("purpose", "not_in_source")]
    assert len(problems_for_model(out.verification).splitlines()) == 2
    # a problem without a message still gets a line
    bare = out.verification.model_copy(
        update={
            "problems": [p.model_copy(update={"message": None}) for p in out.verification.problems]
        }
    )
    assert problems_for_model(bare).splitlines() == [
        'count "up to 25,000": outside evidence',
        'purpose "30,000": not in source',
    ]


# ---------------------------------------------------------------- grounded attributes
# Articles of our own, about many stories. Each attribute of a record must be grounded
# in the record's evidence: by a span, by its own words, or by a place that stands for it.
UKRAINE = (
    "Berlin will deliver 12 more air defense systems to Kyiv before winter, the German defense "
    "ministry said on Tuesday. The package also includes 40,000 artillery rounds.\n"
    "Officials in Warsaw said the first convoy had already crossed the border."
)
UKRAINE_1 = (
    "Berlin will deliver 12 more air defense systems to Kyiv before winter, the German defense "
    "ministry said on Tuesday."
)
GAZA = (
    "The health ministry in Gaza said at least 45 people were killed in strikes on Rafah "
    "overnight. Qatari mediators said talks on a ceasefire would resume in Doha on Sunday."
)
GAZA_1 = (
    "The health ministry in Gaza said at least 45 people were killed in strikes on Rafah overnight."
)
SUDAN = (
    "Two Sudanese officials said Egypt had sent about 300 military advisers to Port Sudan last "
    "month. Cairo has not commented on the report.\n\nFighting continued around the capital."
)
SUDAN_1 = (
    "Two Sudanese officials said Egypt had sent about 300 military advisers to Port Sudan last "
    "month."
)
SAHEL = (
    "The junta in Bamako announced the arrival of new instructors on Friday.\n"
    "It said some 1,500 Russian instructors had landed at the airport, a move that worried "
    "neighbouring governments."
)
SAHEL_BOTH = " ".join(SAHEL.split())
SAHEL_2 = (
    "It said some 1,500 Russian instructors had landed at the airport, a move that worried "
    "neighbouring governments."
)
VISIT = (  # a curly apostrophe and a line break, as articles have them
    "Prime Minister Aiko Tanaka arrived in Hanoi on Monday for a three-day state visit, her "
    "first since taking office. She was received by President Minh Lan at the presidential "
    "palace.\nJapan\u2019s foreign ministry said the two leaders would sign 14 agreements."
)
VISIT_1 = (
    "Prime Minister Aiko Tanaka arrived in Hanoi on Monday for a three-day state visit, her "
    "first since taking office."
)
VISIT_2 = "She was received by President Minh Lan at the presidential palace."
VISIT_3 = "Japan's foreign ministry said the two leaders would sign 14 agreements."
ASTANA = (
    "The Polish president flew to Astana on Wednesday, the first visit by a head of state from "
    "Warsaw in a decade."
)


def spans(**texts: str) -> list[AttributeSpan]:
    """Spans as a model gives them: field and text, no offsets."""
    return [AttributeSpan(field=f, text=t) for f, t in texts.items()]


def aid(quotes: list[str], **fields: object) -> EquipmentTransfer:
    base: dict[str, object] = {
        "status": "planned",
        "supplier": "Germany",
        "recipient": "Ukraine",
        "item": "air defense systems",
        "category": "air_defense",
        "quantity": Figure(text="12", value=12, low=12, high=12),
        "claimant": "the German defense ministry",
        "date_text": "before winter",
        "evidence": [Evidence(quote=q) for q in quotes],
    }
    return EquipmentTransfer.model_validate({**base, **fields})


def strikes(quotes: list[str], **fields: object) -> Casualties:
    base: dict[str, object] = {
        "status": "actual",
        "force": "people",
        "killed": Figure(text="at least 45", value=45, low=45, qualifier="at_least"),
        "location": "Rafah",
        "claimant": "The health ministry in Gaza",
        "date_text": "overnight",
        "evidence": [Evidence(quote=q) for q in quotes],
    }
    return Casualties.model_validate({**base, **fields})


def advisers(quotes: list[str], **fields: object) -> Deployment:
    base: dict[str, object] = {
        "status": "actual",
        "sender": "Egypt",
        "receiver": "Sudan",
        "destination": "Port Sudan",
        "personnel": "advisers",
        "personnel_text": "military advisers",
        "count": Figure(text="about 300", value=300, qualifier="approx"),
        "claimant": "Two Sudanese officials",
        "date_text": "last month",
        "evidence": [Evidence(quote=q) for q in quotes],
    }
    return Deployment.model_validate({**base, **fields})


def instructors(quotes: list[str], **fields: object) -> Deployment:
    base: dict[str, object] = {
        "status": "actual",
        "sender": "Russia",
        "receiver": "Mali",
        "personnel": "advisers",
        "personnel_text": "Russian instructors",
        "count": Figure(text="some 1,500", value=1500, qualifier="approx"),
        "claimant": "The junta in Bamako",
        "evidence": [Evidence(quote=q) for q in quotes],
    }
    return Deployment.model_validate({**base, **fields})


def state_visit(quotes: list[str], **fields: object) -> DiplomaticVisit:
    base: dict[str, object] = {
        "status": "actual",
        "visitor": "Aiko Tanaka",
        "visitor_role": "Prime Minister",
        "host_country": "Vietnam",
        "place": "Hanoi",
        "date_text": "on Monday",
        "evidence": [Evidence(quote=q) for q in quotes],
    }
    return DiplomaticVisit.model_validate({**base, **fields})


@dataclass
class AttrCase:
    """One row: a record over one of our articles, and what rule 7 must say about it."""

    id: str
    article: str
    record: AnyRecord
    problems: list[str] = field(default_factory=list)  # fields with attribute_not_in_evidence
    says: list[str] = field(default_factory=list)  # phrases the re-ask message must contain
    found: dict[str, str] = field(default_factory=dict)  # span field -> raw text at its offsets


ATTR_CASES = [
    # --- aid to Ukraine
    AttrCase(
        "grounded by spans: Berlin for Germany, Kyiv for Ukraine",
        UKRAINE,
        aid([UKRAINE_1], spans=spans(supplier="Berlin", recipient="Kyiv")),
        found={"supplier": "Berlin", "recipient": "Kyiv"},
    ),
    AttrCase(
        "no spans: capitals in the evidence ground the countries",
        UKRAINE,
        aid([UKRAINE_1]),
    ),
    AttrCase(
        "the value is the span text itself",
        UKRAINE,
        aid([UKRAINE_1], item="air defense systems", spans=spans(item="air defense systems")),
        found={"item": "air defense systems"},
    ),
    AttrCase(
        "invented supplier: neither words nor a place of it in the evidence",
        UKRAINE,
        aid([UKRAINE_1], supplier="France"),
        ["supplier"],
        ['supplier "France" is not in this record\'s evidence quotes', "or leave supplier null"],
    ),
    AttrCase(
        "span that names another country than the value",
        UKRAINE,
        aid([UKRAINE_1], supplier="France", spans=spans(supplier="Berlin")),
        ["supplier"],
        ['supplier is "France" but its span "Berlin" names Germany'],
        {"supplier": "Berlin"},
    ),
    AttrCase(
        "span outside the evidence (another sentence of the article)",
        UKRAINE,
        aid([UKRAINE_1], recipient="Poland", spans=spans(recipient="Warsaw")),
        ["recipient"],
        [
            'comes from the span "Warsaw", which is not inside this record\'s evidence quotes',
            "Officials in Warsaw said the first convoy had already crossed the border.",
        ],
    ),
    AttrCase(
        "span not in the article at all",
        UKRAINE,
        aid([UKRAINE_1], spans=spans(supplier="Bonn")),
        ["supplier"],
        ['"Bonn", which is not in the article as whole words'],
    ),
    AttrCase(
        "span that is only part of a word",
        UKRAINE,
        aid([UKRAINE_1], spans=spans(supplier="Germ")),
        ["supplier"],
    ),
    AttrCase(
        "claimant of the article but not of this evidence",
        UKRAINE,
        aid([UKRAINE_1], claimant="Officials in Warsaw"),
        ["claimant"],
        ["Officials in Warsaw said the first convoy"],
    ),
    # --- Gaza
    AttrCase("casualties grounded by their words", GAZA, strikes([GAZA_1])),
    AttrCase(
        "invented claimant",
        GAZA,
        strikes([GAZA_1], claimant="the United Nations"),
        ["claimant"],
        ['claimant "the United Nations"'],
    ),
    AttrCase(
        "invented location",
        GAZA,
        strikes([GAZA_1], location="Khan Younis"),
        ["location"],
    ),
    AttrCase(
        "an invented force: the message offers to leave it null (force is optional)",
        GAZA,
        strikes([GAZA_1], force="Hamas fighters"),
        ["force"],
        ['force "Hamas fighters"', "null"],
    ),
    # --- Sudan
    AttrCase("deployment grounded by its words", SUDAN, advisers([SUDAN_1])),
    AttrCase(
        "span in the second quote of two",
        SUDAN,
        advisers([SUDAN_1, "Cairo has not commented on the report."], spans=spans(sender="Cairo")),
        found={"sender": "Cairo"},
    ),
    AttrCase(
        "span in the article but outside the evidence",
        SUDAN,
        advisers([SUDAN_1], spans=spans(sender="Cairo")),
        ["sender"],
        ["Cairo has not commented on the report."],
    ),
    AttrCase(
        "invented receiver and personnel",
        SUDAN,
        advisers([SUDAN_1], receiver="Chad", personnel_text="special forces"),
        ["receiver", "personnel_text"],
    ),
    AttrCase(
        "the words of a value, not in their order, are its words",
        SUDAN,
        advisers([SUDAN_1], claimant="Sudanese officials"),
    ),
    # --- the Sahel: the claimant in the sentence before the number
    AttrCase(
        "two sentences as one quote: claimant in the first, figure in the second",
        SAHEL,
        instructors([SAHEL_BOTH], spans=spans(receiver="Bamako", sender="Russian")),
        found={"receiver": "Bamako", "sender": "Russian"},
    ),
    AttrCase(
        "a demonym grounds the sender",
        SAHEL,
        instructors([SAHEL_BOTH]),
    ),
    AttrCase(
        "only the number's sentence: claimant and receiver are not in it",
        SAHEL,
        instructors([SAHEL_2], spans=spans(receiver="Bamako")),
        ["receiver", "claimant"],
        ["The junta in Bamako announced the arrival of new instructors on Friday."],
    ),
    AttrCase(
        "a demonym span for a country of another name",
        SAHEL,
        instructors([SAHEL_BOTH], sender="Belarus", spans=spans(sender="Russian")),
        ["sender"],
        ['its span "Russian" names Russia: set sender to "Russia" or "Russian"'],
        {"sender": "Russian"},
    ),
    # --- state visits
    AttrCase(
        "state visit grounded by a span",
        VISIT,
        state_visit([VISIT_1], spans=spans(host_country="Hanoi", place="Hanoi")),
        found={"host_country": "Hanoi", "place": "Hanoi"},
    ),
    AttrCase(
        "state visit: the capital grounds the host country",
        VISIT,
        state_visit([VISIT_1, VISIT_2], host="Minh Lan"),
    ),
    AttrCase(
        "span with a curly apostrophe in the source, raw offsets",
        VISIT,
        state_visit(
            [VISIT_1, VISIT_3],
            claimant="Japan's foreign ministry",
            spans=spans(claimant="Japan's foreign ministry"),
        ),
        found={"claimant": "Japan\u2019s foreign ministry"},
    ),
    AttrCase(
        "invented visitor: required, so no 'leave it null'",
        VISIT,
        state_visit([VISIT_1], visitor="Kenji Sato"),
        ["visitor"],
    ),
    AttrCase(
        "host only in a sentence the record does not cite",
        VISIT,
        state_visit([VISIT_1], host="Minh Lan"),
        ["host"],
        [VISIT_2],
    ),
    AttrCase(
        "visitor_country is not a grounded attribute",
        VISIT,
        state_visit([VISIT_1], visitor_country="Japan"),
    ),
    AttrCase(
        "a capital grounds the host country of another visit",
        ASTANA,
        state_visit(
            [ASTANA],
            visitor="The Polish president",
            visitor_role="president",
            host_country="Kazakhstan",
            place="Astana",
            date_text="on Wednesday",
        ),
    ),
    AttrCase(
        "span of the host capital given for the wrong country",
        ASTANA,
        state_visit(
            [ASTANA],
            visitor="The Polish president",
            visitor_role="president",
            host_country="Poland",
            place="Astana",
            date_text="on Wednesday",
            spans=spans(host_country="Astana"),
        ),
        ["host_country"],
        ['its span "Astana" names Kazakhstan'],
        {"host_country": "Astana"},
    ),
    AttrCase(
        "a span for an attribute the kind does not have",
        VISIT,
        state_visit([VISIT_1], spans=spans(supplier="Hanoi")),
        ["spans[0]"],
        ['spans[0] is for "supplier", which is not an attribute of a diplomatic visit record'],
    ),
    AttrCase(
        "a span for an attribute left null is located, nothing more",
        VISIT,
        state_visit([VISIT_1], place=None, spans=spans(place="Hanoi")),
        found={"place": "Hanoi"},
    ),
]


@pytest.mark.parametrize("case", ATTR_CASES, ids=[c.id for c in ATTR_CASES])
def test_grounded_attributes(case: AttrCase) -> None:
    out = verify_record(case.record, case.article)
    v = out.verification
    assert v is not None
    attribute = [p for p in v.problems if p.status == "attribute_not_in_evidence"]
    assert [p.field for p in v.problems if p not in attribute] == []
    assert [p.field for p in attribute] == case.problems
    assert v.verified is not case.problems
    for p in attribute:
        assert p.message and p.text == getattr(out, p.field, p.text)
        if p.field in ("visitor",):
            assert "null" not in p.message
    message = problems_for_model(v)
    for phrase in case.says:
        assert " ".join(phrase.split()) in message
    located = {s.field: case.article[s.start : s.end] for s in out.spans if s.start is not None}
    assert located == case.found
    for s in out.spans:
        assert (s.start is None) == (s.end is None)
    # the input is untouched, and nothing but offsets is added to the spans
    assert [(s.field, s.text) for s in out.spans] == [(s.field, s.text) for s in case.record.spans]
    assert all(s.start is None for s in case.record.spans)


def test_spans_of_a_model_are_relocated_not_trusted() -> None:
    record = aid(
        [UKRAINE_1], spans=[AttributeSpan(field="supplier", text="Berlin", start=5, end=9)]
    )
    out = verify_record(record, "Headline.\n" + UKRAINE)
    (span,) = out.spans
    assert (span.start, span.end) == (10, 16)


def test_attribute_problems_are_sent_back_on_reask() -> None:
    with pytest.raises(RecordVerificationError) as info:
        check_record_or_raise(instructors([SAHEL_2]), SAHEL)
    text = str(info.value)
    assert text.splitlines()[0].startswith('receiver "Mali" is not in this record\'s evidence')
    assert 'claimant "The junta in Bamako"' in text
    assert "add the sentence that names it to evidence" in text


def test_a_quote_not_found_comes_first() -> None:
    """With a quote not found, the re-ask is about the quote, not about every attribute."""
    out = verify_record(aid(["Paris will deliver 12 more air defense systems."]), UKRAINE)
    assert _problems(out) == [("evidence[0]", "quote_not_found"), ("quantity", "outside_evidence")]


def test_a_stray_number_is_not_reported_twice() -> None:
    out = verify_record(advisers([SUDAN_1], date_text="on 12 March"), SUDAN)
    assert _problems(out) == [("date_text", "not_in_source")]


def test_the_gazetteer_is_loaded_only_when_the_words_do_not_suffice() -> None:
    code = (
        "import sys\n"
        "from test_verify import advisers, SUDAN, SUDAN_1, instructors, SAHEL, SAHEL_BOTH\n"
        "from llmbrief.verify import verify_record\n"
        "out = verify_record(advisers([SUDAN_1]), SUDAN)\n"
        "assert out.verification.verified, out.verification\n"
        "assert 'llmbrief.gazetteer' not in sys.modules, 'loaded too early'\n"
        "out = verify_record(instructors([SAHEL_BOTH]), SAHEL)\n"
        "assert out.verification.verified, out.verification\n"
        "assert 'llmbrief.gazetteer' in sys.modules\n"
    )
    tests = str(Path(__file__).resolve().parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


#: The hand-written fixtures: the records of the seeds that the brief tests render, and
#: the examples of the records contract.
FIXTURE_FILES = [SEED_RECORDS, *sorted((SEED_RECORDS.parent / "records_examples").glob("*.json*"))]

#: Their records that fail on purpose, each on a figure, never on an attribute:
#: (file, seed, record index) -> (field, status) of each problem.
PLANTED_ERRORS = {
    ("records_seeds.json", "001", 8): [("quantity", "qualifier_mismatch")],  # "10 million"
    ("records_seeds.json", "004", 8): [("count", "not_in_source")],  # "up to 30,000"
    ("full_list.json", "003", 0): [("count", "qualifier_mismatch")],  # "around 25,000"
}


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_the_fixture_records_verify(path: Path) -> None:
    """Every attribute of the hand-written records is grounded in the record's own evidence
    (its words, or a span there that names it), and every record verifies but the planted
    errors. Spans are found where they say; a verdict written in a file is the verifier's."""
    failed: dict[tuple[str, str, int], list[tuple[str, str]]] = {}
    for doc in parse_documents(path.read_text(encoding="utf-8"), path.name):
        raw = (SEEDS.parent / doc.source.path).read_text(encoding="utf-8")
        for i, record in enumerate(doc.records):
            out = verify_record(record, raw)
            v = out.verification
            assert v is not None
            if v.problems:
                key = (path.name, Path(doc.source.path).name[:3], i)
                failed[key] = [(p.field, p.status) for p in v.problems]
            assert v.verified is not bool(v.problems)
            for span in out.spans:
                assert span.start is not None and span.end is not None, span
                assert normalize_fragment(raw[span.start : span.end]) == normalize_fragment(
                    span.text
                )
            if path.name.startswith("full_"):  # spelled out: every attribute has its span
                given = {f for f in GROUNDED_FIELDS[record.kind] if getattr(record, f)}
                assert sorted(s.field for s in record.spans) == sorted(given)
            if record.verification is not None:
                assert record.spans == out.spans
                written = record.verification.model_dump(exclude={"problems"})
                assert written == v.model_dump(exclude={"problems"})
                assert [(p.field, p.text, p.status) for p in record.verification.problems] == [
                    (p.field, p.text, p.status) for p in v.problems
                ]
    assert failed == {k: problems for k, problems in PLANTED_ERRORS.items() if k[0] == path.name}


@pytest.mark.parametrize(
    ("item", "problems"),
    [
        ("TB2s", 0),  # digits inside a name the evidence writes
        ("AS90 howitzers", 0),
        ("TB3s", 1),  # a name the evidence does not write
        ("24 TB2s", 0),
        ("25 TB2s", 1),
    ],
)
def test_digits_inside_a_name(item: str, problems: int) -> None:
    from llmbrief.normalize import normalize
    from llmbrief.verify_strays import check_strays

    text = "Poland received a cumulative 24 TB2s and six AS90 howitzers."
    nt = normalize(text)
    assert len(check_strays(nt, "item", item, [(0, len(nt.folded))])) == problems


def test_number_at_is_the_whole_scan_looked_up() -> None:
    from llmbrief.normalize import NormalizedText, _normalize
    from llmbrief.numbers import source_numbers
    from llmbrief.verify_text import number_at, numbers_by_core

    text = (
        "Between 5 and 6 ferries sailed. The port expects up to 1,200 cars, about 30 buses "
        "and a dozen trucks. One of the cranes broke. Fares rose 15%."
    )
    whole = numbers_by_core(_normalize(text))
    nt: NormalizedText = _normalize(text)  # a fresh text: nothing scanned yet
    assert [number_at(nt, p) for p in range(len(text))] == [whole.get(p) for p in range(len(text))]
    assert "numbers_by_core" not in nt.cache  # one sentence at a time
    assert number_at(_normalize("No figures in this one."), 3) is None
    scanned = _normalize(text)
    source_numbers(scanned)  # scanned whole already: looked up there
    assert [number_at(scanned, p) for p in range(len(text))] == [
        whole.get(p) for p in range(len(text))
    ]


def test_with_changes_is_model_copy() -> None:
    from llmbrief.verify_text import with_changes

    record = deployment("Up to 40 buses left.", "Up to 40", 40, high=40, qualifier="at_most")
    for changes in ({}, {"status": "actual"}, {"evidence": [], "spans": []}):
        copied, reference = with_changes(record, **changes), record.model_copy(update=changes)
        assert copied is not record and copied == reference
        assert copied.__pydantic_fields_set__ == reference.__pydantic_fields_set__
        assert copied.model_dump_json(exclude_unset=True) == reference.model_dump_json(
            exclude_unset=True
        )
