"""The verifier's six checks, over real sentences of the seed articles."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError, ValidationInfo, model_validator
from verify_cases import (
    FILLER,
    HEDGES,
    PLACES,
    UNITS,
    WORD_NUMBERS,
    Generated,
    deployment,
    make_document,
    make_sentence,
    seed,
)

from llmbrief.models import (
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
        visitor="Sergei Shoigu",
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
        transfer([MILLION_115], "up to $115 million", 115_000_000, qualifier="at_most"),
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
