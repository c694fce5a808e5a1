"""Tests of the gold set (gold/seeds.json) and of the scorer (llmbrief.evaluate)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from llmbrief.devgold import DevGold
from llmbrief.devreport import DevReport
from llmbrief.errors import InputError
from llmbrief.evaltext import format_report
from llmbrief.evaluate import EvalReport, evaluate
from llmbrief.models import (
    Casualties,
    Deployment,
    DiplomaticVisit,
    Document,
    EquipmentTransfer,
    Evidence,
    Figure,
    Source,
    Verification,
)
from llmbrief.seedgold import Gold, GoldFigure, load_gold, parse_any_gold, parse_gold

ROOT = Path(__file__).resolve().parent.parent
GOLD_PATH = ROOT / "gold" / "seeds.json"


@pytest.fixture(scope="module")
def gold() -> Gold:
    return load_gold(GOLD_PATH)


# ---------------------------------------------------------------------------
# Building documents


def _verification(verified: bool | None) -> Verification | None:
    return None if verified is None else Verification(verified=verified)


def make_record(
    kind: str,
    field: str | None = None,
    text: str | None = None,
    value: float | None = None,
    qualifier: str = "exact",
    *,
    verified: bool | None = True,
    visitor: str = "Someone",
) -> Any:
    """A minimal record of ``kind`` whose figure ``field`` is ``text`` (or no figure)."""
    fig = (
        None
        if text is None
        else Figure.model_validate({"text": text, "value": value, "qualifier": qualifier})
    )
    common: dict[str, Any] = {
        "status": "actual",
        "evidence": [Evidence(quote="Some sentence.")],
        "verification": _verification(verified),
    }
    figs = {field: fig} if field is not None and fig is not None else {}
    if kind == "deployment":
        return Deployment(personnel="other", **common, **figs)
    if kind == "equipment_transfer":
        return EquipmentTransfer(item="things", category="other", **common, **figs)
    if kind == "casualties":
        return Casualties(force="someone", **common, **figs)
    if kind == "diplomatic_visit":
        return DiplomaticVisit(visitor=visitor, **common, **figs)
    raise AssertionError(kind)


def record_of(g: GoldFigure, **kw: Any) -> Any:
    return make_record(g.kind, g.field, g.text, g.value, g.qualifier, **kw)


def docs_from_gold(
    gold: Gold,
    *,
    skip: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
    verified: bool | None = True,
) -> list[Document]:
    """One document per gold file holding exactly the gold: a perfect extraction.

    ``skip`` holds (file, text) pairs of gold figures to leave out.
    """
    docs = []
    for file in gold.files:
        records = []
        visit_counts: dict[str, GoldFigure] = {}
        for g in gold.figures:
            if g.file != file or (file, g.text) in skip:
                continue
            if g.kind == "diplomatic_visit":
                visit_counts[g.text.casefold()] = g
            else:
                records.append(record_of(g, verified=verified))
        for v in gold.visits:
            if v.file != file:
                continue
            c = visit_counts.pop(v.count.casefold(), None) if v.count else None
            records.append(
                make_record(
                    "diplomatic_visit",
                    "count" if c else None,
                    c.text if c else None,
                    c.value if c else None,
                    c.qualifier if c else "exact",
                    visitor=v.visitor,
                    verified=verified,
                )
            )
        assert not visit_counts, "every visit figure belongs to a gold visit"
        docs.append(Document(source=Source(path=file), records=records))
    return docs


def mini_gold(figures: list[dict[str, Any]], visits: list[dict[str, Any]] | None = None) -> Gold:
    files = sorted({f["file"] for f in figures} | {v["file"] for v in visits or []})
    return parse_gold(
        json.dumps({"version": 1, "files": files, "figures": figures, "visits": visits or []})
    )


def doc(path: str, *records: Any) -> Document:
    return Document(source=Source(path=path), records=list(records))


# ---------------------------------------------------------------------------
# The gold set is honest


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.translate(str.maketrans("‘’“”–—", "''\"\"--"))
    return re.sub(r"\s+", " ", text).strip().casefold()


def occurs(text: str, source: str) -> bool:
    """Whole-token, normalized occurrence: '5,000' does not occur in '25,000'."""
    pattern = r"(?<![0-9a-z])" + re.escape(_norm(text)) + r"(?![0-9a-z])"
    return re.search(pattern, _norm(source)) is not None


def test_occurs_is_strict() -> None:
    assert occurs("5,000", "send 5,000 workers")
    assert not occurs("5,000", "send 25,000 workers")
    assert not occurs("two", "a network")
    assert occurs("Twenty-five   thousand", "twenty-five thousand North Korean")


def test_gold_covers_the_seeds(gold: Gold) -> None:
    seeds = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "seeds").glob("*.txt"))
    assert sorted(gold.files) == seeds
    assert len(gold.figures) == 18
    assert sum(g.vague for g in gold.figures) == 2
    assert len(gold.visits) == 3


def test_every_gold_text_occurs_verbatim_in_its_seed(gold: Gold) -> None:
    sources = {f: (ROOT / f).read_text(encoding="utf-8") for f in gold.files}
    missing = []
    for g in gold.figures:
        for text in (g.text, *g.also):
            if not occurs(text, sources[g.file]):
                missing.append((g.file, text))
    for e in gold.excluded:
        if not occurs(e.text, sources[e.file]):
            missing.append((e.file, e.text))
    for v in gold.visits:
        for name in (v.visitor, *v.aliases):
            if not occurs(name, sources[v.file]):
                missing.append((v.file, name))
        for field in (v.count, v.date_text, v.place, v.host):
            if field is not None and not occurs(field, sources[v.file]):
                missing.append((v.file, field))
    assert missing == []


_SMALL = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
}
_SCALE = {"thousand": 1_000, "million": 1_000_000}
_TIMES = {"once": 1, "twice": 2, "thrice": 3}
_HEDGES = {"up to": "at_most", "over": "over", "around": "approx"}


def parse_figure(text: str) -> tuple[float | None, str]:
    """An independent little parser for the forms the gold uses: value and qualifier."""
    t = text.casefold()
    qualifier = "exact"
    for hedge, q in _HEDGES.items():
        if t.startswith(hedge + " "):
            t, qualifier = t[len(hedge) + 1 :], q
    if t in {"thousands", "hundreds", "dozens"}:
        return None, "vague"
    if t in _TIMES:
        return _TIMES[t], qualifier
    total = 0.0
    current = 0.0
    for word in re.split(r"[\s-]+", t):
        if re.fullmatch(r"[\d,]+(\.\d+)?", word):
            current += float(word.replace(",", ""))
        elif word in _SMALL:
            current += _SMALL[word]
        elif word in _SCALE:
            total += current * _SCALE[word]
            current = 0
        else:
            raise AssertionError(f"cannot parse {text!r}")
    return total + current, qualifier


def test_gold_values_and_qualifiers_agree_with_text(gold: Gold) -> None:
    for g in gold.figures:
        assert parse_figure(g.text) == (g.value, g.qualifier), g.text
        for alt in g.also:
            alt_value, _ = parse_figure(alt)
            assert g.vague or alt_value is None or alt_value == g.value, alt


def test_parse_figure_is_not_trivial() -> None:
    assert parse_figure("Twenty-five thousand") == (25000, "exact")
    assert parse_figure("over 10 million") == (10_000_000, "over")
    assert parse_figure("up to 25,000") == (25000, "at_most")


def test_known_judgement_calls(gold: Gold) -> None:
    by_text = {(g.file[6:9], g.text): g for g in gold.figures}
    assert by_text[("002", "around 4,000")].field == "killed"  # "lost their lives"
    assert by_text[("002", "two")].field == "captured"
    assert by_text[("001", "over 6,000")].field == "total"  # "casualties", no split
    assert by_text[("004", "over 6,000")].field == "total"
    assert by_text[("004", "thrice")].value == 3
    assert ("000", "up to $115 million annually") in {(e.file[6:9], e.text) for e in gold.excluded}
    assert not any(g.file.startswith("seeds/000") for g in gold.figures)


# ---------------------------------------------------------------------------
# Scoring


def test_perfect_extraction_scores_one(gold: Gold) -> None:
    report = evaluate(docs_from_gold(gold), gold)
    assert (report.overall.precision, report.overall.recall, report.overall.f1) == (1.0, 1.0, 1.0)
    assert report.overall.support == 18
    assert report.visits.tp == 3 and report.visits.f1 == 1.0
    assert report.misses == [] and report.spurious == [] and report.duplicates == []
    assert report.field_mismatches == 0
    assert report.figures["deployment"].support == 12
    assert report.figures["casualties"].support == 4
    assert report.figures["equipment_transfer"].support == 1
    assert report.figures["diplomatic_visit"].support == 1
    assert report.records == 18 + 2  # 17 figure records, 1 visit with count, 2 without


def test_dropping_one_figure_lowers_recall_exactly(gold: Gold) -> None:
    docs = docs_from_gold(gold, skip={("seeds/001_30892ed7a3a68922.txt", "over 6,000")})
    report = evaluate(docs, gold)
    assert report.overall.tp == 17 and report.overall.fn == 1 and report.overall.fp == 0
    assert report.overall.recall == pytest.approx(17 / 18)
    assert report.overall.precision == 1.0
    assert report.overall.f1 == pytest.approx(2 * 17 / (2 * 17 + 1))
    assert report.figures["casualties"].recall == pytest.approx(3 / 4)
    assert report.figures["deployment"].recall == 1.0
    assert [(m.file, m.text) for m in report.misses] == [
        ("seeds/001_30892ed7a3a68922.txt", "over 6,000")
    ]


def test_a_spurious_figure_lowers_precision(gold: Gold) -> None:
    docs = docs_from_gold(gold)
    docs[2].records.append(make_record("casualties", "wounded", "around 300", 300, "approx"))
    report = evaluate(docs, gold)
    assert report.overall.precision == pytest.approx(18 / 19)
    assert report.overall.recall == 1.0
    assert report.figures["casualties"].precision == pytest.approx(4 / 5)
    assert [(p.file, p.text) for p in report.spurious] == [
        ("seeds/002_e8782edaaa53b61e.txt", "around 300")
    ]


F = "seeds/x.txt"


def test_text_or_value_matches_but_kind_must_agree() -> None:
    g = mini_gold(
        [
            {
                "file": F,
                "kind": "deployment",
                "field": "count",
                "text": "Twenty-five thousand",
                "value": 25000,
                "qualifier": "exact",
            }
        ]
    )
    by_value = evaluate([doc(F, make_record("deployment", "count", "25,000", 25000))], g)
    assert by_value.overall.tp == 1 and by_value.matches[0].by == "value"

    by_text = evaluate(
        [doc(F, make_record("deployment", "count", "twenty-five  THOUSAND", None, "vague"))], g
    )
    assert by_text.overall.tp == 1 and by_text.matches[0].by == "text"

    wrong_kind = evaluate([doc(F, make_record("casualties", "total", "25,000", 25000))], g)
    assert wrong_kind.overall.tp == 0
    assert wrong_kind.overall.fp == 1 and wrong_kind.overall.fn == 1

    wrong_value = evaluate([doc(F, make_record("deployment", "count", "2,500", 2500))], g)
    assert wrong_value.overall.tp == 0

    other_file = evaluate(
        [
            doc(F, make_record("deployment", "count", "x", 1)),
            doc("seeds/y.txt", make_record("deployment", "count", "25,000", 25000)),
        ],
        mini_gold(
            [
                *g.model_dump()["figures"],
                {
                    "file": "seeds/y.txt",
                    "kind": "casualties",
                    "field": "killed",
                    "text": "two",
                    "value": 2,
                    "qualifier": "exact",
                },
            ]
        ),
    )
    assert other_file.overall.tp == 0  # 25,000 is gold in x.txt, predicted in y.txt


def test_greedy_prefers_exact_text_over_value() -> None:
    g = mini_gold(
        [
            {
                "file": F,
                "kind": "deployment",
                "field": "count",
                "text": "around 1,000",
                "value": 1000,
                "qualifier": "approx",
            },
            {
                "file": F,
                "kind": "deployment",
                "field": "count",
                "text": "1,000",
                "value": 1000,
                "qualifier": "exact",
            },
        ]
    )
    # The value-only prediction comes first; greedy by order would give it "around 1,000".
    report = evaluate(
        [
            doc(
                F,
                make_record("deployment", "count", "about 1,000", 1000, "approx"),
                make_record("deployment", "count", "around 1,000", 1000, "approx"),
            )
        ],
        g,
    )
    pairs = {(m.predicted.text, m.gold.text, m.by) for m in report.matches}
    assert pairs == {("around 1,000", "around 1,000", "text"), ("about 1,000", "1,000", "value")}


def test_each_gold_figure_matches_once_and_repeats_are_duplicates() -> None:
    g = mini_gold(
        [
            {
                "file": F,
                "kind": "deployment",
                "field": "count",
                "text": "up to 25,000",
                "value": 25000,
                "qualifier": "at_most",
                "also": ["Thousands"],
            }
        ]
    )
    report = evaluate(
        [
            doc(
                F,
                make_record("deployment", "count", "Thousands", None, "vague"),
                make_record("deployment", "count", "up to 25,000", 25000, "at_most"),
            )
        ],
        g,
    )
    assert report.overall.tp == 1 and report.overall.fp == 0
    assert report.matches[0].predicted.text == "up to 25,000"
    assert [d.predicted.text for d in report.duplicates] == ["Thousands"]
    assert report.duplicates[0].by == "also"
    assert "  seeds/x.txt: 'Thousands' (deployment.count) = gold 'up to 25,000'" in format_report(
        report
    )


def test_field_mismatch_still_matches_but_is_reported() -> None:
    g = mini_gold(
        [
            {
                "file": F,
                "kind": "casualties",
                "field": "total",
                "text": "over 6,000",
                "value": 6000,
                "qualifier": "over",
            }
        ]
    )
    report = evaluate([doc(F, make_record("casualties", "killed", "over 6,000", 6000, "over"))], g)
    assert report.overall.tp == 1
    assert report.field_mismatches == 1
    assert "as casualties.killed, gold casualties.total" in format_report(report)


def test_unverified_records_never_score(gold: Gold) -> None:
    report = evaluate(docs_from_gold(gold, verified=False), gold)
    assert report.overall.tp == 0 and report.overall.fp == 0 and report.overall.fn == 18
    assert report.visits.tp == 0 and report.visits.fn == 3
    assert report.records == 0
    assert report.unverified_records == 20
    assert report.unverified_figures == 18

    unchecked = evaluate(docs_from_gold(gold, verified=None), gold)
    assert unchecked.overall.tp == 0 and unchecked.unverified_records == 20


def test_an_unverified_copy_does_not_rescue_a_miss() -> None:
    g = mini_gold(
        [
            {
                "file": F,
                "kind": "deployment",
                "field": "count",
                "text": "5,000",
                "value": 5000,
                "qualifier": "exact",
            }
        ]
    )
    report = evaluate(
        [
            doc(
                F,
                make_record("deployment", "count", "5,000", 5000, verified=False),
                make_record("deployment", "count", "7", 7),
            )
        ],
        g,
    )
    assert report.overall.tp == 0 and report.overall.fn == 1 and report.overall.fp == 1
    assert report.unverified_records == 1 and report.unverified_figures == 1


def test_visits_match_by_last_name_and_aliases() -> None:
    visits: list[dict[str, Any]] = [
        {"file": "seeds/a.txt", "visitor": "Vladimir Putin", "aliases": ["the Russian president"]},
        {"file": "seeds/b.txt", "visitor": "Sergei Shoigu"},
    ]
    g = mini_gold([], visits)

    def score(a: str, b: str) -> EvalReport:
        return evaluate(
            [
                doc("seeds/a.txt", make_record("diplomatic_visit", visitor=a)),
                doc("seeds/b.txt", make_record("diplomatic_visit", visitor=b)),
            ],
            g,
        )

    assert score("The Russian president", "Shoigu").visits.tp == 2
    assert (
        score("Russian president", "Russian Security Council Secretary Sergei Shoigu").visits.tp
        == 2
    )
    assert score("Putin", "SHOIGU").visits.tp == 2
    wrong = score("North Korean President Kim Jong Un", "President")
    assert wrong.visits.tp == 0 and wrong.visits.fp == 2 and wrong.visits.fn == 2
    assert {v.visitor for v in wrong.visit_spurious} == {
        "North Korean President Kim Jong Un",
        "President",
    }
    swapped = score("Sergei Shoigu", "Vladimir Putin")  # right names, wrong files
    assert swapped.visits.tp == 0


def test_a_second_record_of_the_same_visit_is_a_duplicate() -> None:
    g = mini_gold([], [{"file": F, "visitor": "Sergei Shoigu"}])
    report = evaluate(
        [
            doc(
                F,
                make_record("diplomatic_visit", visitor="Shoigu"),
                make_record("diplomatic_visit", visitor="Sergei Shoigu"),
            )
        ],
        g,
    )
    assert report.visits.tp == 1 and report.visits.fp == 0
    assert report.visit_matches[0].predicted.visitor == "Sergei Shoigu"  # exact name first
    assert [d.predicted.visitor for d in report.visit_duplicates] == ["Shoigu"]


def test_include_vague_on_and_off(gold: Gold) -> None:
    vague = {(g.file, g.text) for g in gold.figures if g.vague}
    without = docs_from_gold(gold, skip=vague)

    on = evaluate(without, gold)
    assert on.overall.recall == pytest.approx(16 / 18)
    assert {m.text for m in on.misses} == {"thousands"}
    assert on.overall_without_vague.support == 16
    assert on.overall_without_vague.recall == 1.0
    assert re.search(
        r"^  overall, no vague\s+1\.000\s+1\.000\s+1\.000\s+16\s", format_report(on), re.M
    )

    off = evaluate(without, gold, include_vague=False)
    assert off.overall.support == 16 and off.overall.recall == 1.0 and off.misses == []

    perfect_off = evaluate(docs_from_gold(gold), gold, include_vague=False)
    assert perfect_off.overall.tp == 16 and perfect_off.overall.fp == 0
    assert perfect_off.vague_ignored == 2

    extra = docs_from_gold(gold)
    extra[1].records.append(make_record("deployment", "count", "hundreds", None, "vague"))
    assert evaluate(extra, gold).overall.fp == 1
    off_extra = evaluate(extra, gold, include_vague=False)
    assert off_extra.overall.fp == 0 and off_extra.vague_ignored == 3


def test_files_are_matched_by_path_suffix_and_others_are_listed(gold: Gold) -> None:
    docs = docs_from_gold(gold)
    for d in docs:
        d.source.path = str(ROOT / d.source.path)
    docs = docs[1:]  # no document for seed 000
    docs.append(doc("notes/other.txt", make_record("deployment", "count", "9", 9)))
    report = evaluate(docs, gold)
    assert report.overall.f1 == 1.0
    assert report.missing_files == ["seeds/000_7e81adea1b9a7044.txt"]
    assert report.unscored_paths == ["notes/other.txt"]
    assert report.visits.support == 2
    text = format_report(report)
    assert "WARNING: 1 gold file(s) have no records" in text
    assert "notes/other.txt" in text


def test_format_report_lists_misses_and_spurious(gold: Gold) -> None:
    docs = docs_from_gold(gold, skip={("seeds/004_49bd2bcecccfd8d8.txt", "up to 25,000")})
    docs[2].records.append(make_record("casualties", "wounded", "around 300", 300, "approx"))
    text = format_report(evaluate(docs, gold))
    assert "  seeds/004_49bd2bcecccfd8d8.txt: 'up to 25,000' (deployment.count)" in text
    assert "  seeds/002_e8782edaaa53b61e.txt: 'around 300' (casualties.wounded)" in text
    assert re.search(r"^  overall\s+0\.944\s+0\.944\s+0\.944\s+17\s+1\s+1\s+18$", text, re.M)


def test_report_is_json_serializable(gold: Gold) -> None:
    report = evaluate(docs_from_gold(gold), gold)
    again = EvalReport.model_validate_json(report.model_dump_json())
    assert again == report


# ---------------------------------------------------------------------------
# Helpers


def _write(tmp_path: Path, data: Any) -> Path:
    p = tmp_path / "gold.json"
    p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return p


# ---------------------------------------------------------------------------
# The dev-set format (llmbrief.devgold): small gold of our own stories


def dev_figure(
    text: str, value: float | None, kind: str = "casualties", **kw: Any
) -> dict[str, Any]:
    field = {"deployment": "count", "equipment_transfer": "quantity"}.get(kind, "killed")
    return {
        "text": text,
        "kind": kind,
        "field": kw.pop("field", field),
        "value": value,
        "qualifier": kw.pop("qualifier", "exact"),
        "status": kw.pop("status", "actual"),
        "claimant": kw.pop("claimant", None),
        "optional": kw.pop("optional", False),
        **kw,
    }


def dev_gold(
    figures: list[dict[str, Any]],
    visits: list[dict[str, Any]] | None = None,
    not_records: list[dict[str, Any]] | None = None,
    article: str = "story-a",
) -> DevGold:
    data = {
        "note": "synthetic",
        "articles": [
            {
                "id": article,
                "url": "https://example.org/x",
                "query": "q",
                "topic": "t",
                "figures": figures,
                "visits": visits or [],
                "not_records": not_records or [],
            }
        ],
    }
    gold = parse_any_gold(json.dumps(data))
    assert isinstance(gold, DevGold)
    return gold


def dev_record(
    kind: str,
    text: str | None,
    value: float | None = None,
    *,
    field: str | None = None,
    status: str = "actual",
    claimant: str | None = None,
    verified: bool | None = True,
    qualifier: str = "exact",
    **attrs: Any,
) -> Any:
    """A record of ``kind`` with one figure and the attributes the dev-set scores."""
    fig = (
        None
        if text is None
        else Figure.model_validate({"text": text, "value": value, "qualifier": qualifier})
    )
    name = field or {"deployment": "count", "equipment_transfer": "quantity"}.get(kind, "killed")
    if kind == "diplomatic_visit":
        name = "count"
    common: dict[str, Any] = {
        "status": status,
        "claimant": claimant,
        "evidence": [Evidence(quote="Some sentence.")],
        "verification": _verification(verified),
        **({name: fig} if fig is not None else {}),
    }
    if kind == "deployment":
        return Deployment(personnel="combat_troops", **common, **attrs)
    if kind == "equipment_transfer":
        return EquipmentTransfer(item="rifles", category="other", **common, **attrs)
    if kind == "casualties":
        return Casualties(force=attrs.pop("force", "someone"), **common, **attrs)
    return DiplomaticVisit(**common, **attrs)


def dev_eval(gold: DevGold, *records: Any, path: str = "/tmp/run/story-a.txt", **kw: Any) -> Any:
    report = evaluate([doc(path, *records)], gold, **kw)
    assert isinstance(report, DevReport)
    return report


def test_load_gold_reads_the_devset_format(tmp_path: Path) -> None:
    data = {
        "note": "n",
        "articles": [
            {
                "id": "story-a",
                "url": "u",
                "query": "q",
                "topic": "t",
                "figures": [dev_figure("12", 12, unit="miners", note="extra keys are allowed")],
                "visits": [{"visitor": "Ana Ruiz", "host_country": "Chile", "status": "actual"}],
                "not_records": [{"text": "40%", "why": "percentage"}],
            }
        ],
    }
    gold = load_gold(_write(tmp_path, data))
    assert isinstance(gold, DevGold)
    assert [a.id for a in gold.articles] == ["story-a"]
    assert gold.articles[0].figures[0].value == 12


@pytest.mark.parametrize(
    ("articles", "expected"),
    [
        ([], "articles"),
        ([{"id": "a"}, {"id": "a"}], "an id is given twice"),
        ([{"id": "a", "figures": [dev_figure("3", 3, field="count")]}], "'count' is not a figure"),
        ([{"id": "a", "figures": [dev_figure("3", 3, status="maybe")]}], "status"),
        ([{"id": "a", "figures": [{"text": "3", "kind": "casualties"}]}], "field"),
        ([{"id": "a", "visits": [{"visitor": "X"}]}], "visits[0].status"),
    ],
)
def test_bad_devset_gold_is_a_one_line_error(tmp_path: Path, articles: Any, expected: str) -> None:
    p = _write(tmp_path, {"note": "n", "articles": articles})
    with pytest.raises(InputError) as info:
        load_gold(p)
    assert str(info.value).startswith(f"{p}: bad gold file: ")
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


# (predicted kind, text, value) against one gold figure "about 40" killed (alt "forty")
# and the not_records "40 kilometres" / "12%": right, or spurious (and which not_record).
MATCH_CASES = [
    ("casualties", "About 40", 40, True, None),
    ("casualties", "forty", None, True, None),
    ("casualties", "some 40", 40, True, None),
    ("casualties", "some 41", 41, False, None),
    ("deployment", "about 40", 40, False, None),
    ("casualties", "40 kilometres", 40, False, "40 kilometres"),
    ("casualties", "12%", 12, False, "12%"),
    ("casualties", "12", 12, False, "12%"),
    ("casualties", "90 tonnes", 90, False, "some 90 tonnes of grain"),
    ("casualties", "90", 90, False, "some 90 tonnes of grain"),
    ("casualties", "9", 9, False, None),
    ("casualties", "some 90 tonnes of grain in May", 90, False, "some 90 tonnes of grain"),
]


@pytest.mark.parametrize(("kind", "text", "value", "right", "not_record"), MATCH_CASES)
def test_a_prediction_is_right_spurious_or_a_not_record(
    kind: str, text: str, value: int | None, right: bool, not_record: str | None
) -> None:
    gold = dev_gold(
        [dev_figure("about 40", 40, alt=["forty"])],
        not_records=[
            {"text": "40 kilometres", "why": "distance"},
            {"text": "12%", "why": "pct"},
            {"text": "some 90 tonnes of grain", "why": "cargo"},
        ],
    )
    report = dev_eval(gold, dev_record(kind, text, value))
    assert report.figures.precision.num == int(right)
    assert report.figures.precision.den == 1
    assert report.figures.recall.num == int(right)
    assert [s.not_record for s in report.spurious] == ([] if right else [not_record])
    assert report.not_record_hits == int(not_record is not None)


def test_optional_gold_may_match_but_is_not_required() -> None:
    gold = dev_gold(
        [dev_figure("300", 300), dev_figure("about 50", 50, optional=True), dev_figure("9", 9)]
    )
    report = dev_eval(
        gold, dev_record("casualties", "300", 300), dev_record("casualties", "50", 50)
    )
    assert (report.figures.precision.num, report.figures.precision.den) == (2, 2)
    assert (report.figures.recall.num, report.figures.recall.den) == (1, 2)
    assert report.optional_matched == 1
    assert [m.text for m in report.figure_misses] == ["9"]
    assert report.figures.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_one_prediction_finds_one_required_figure() -> None:
    gold = dev_gold([dev_figure("7", 7), dev_figure("seven", 7, field="wounded")])
    one = dev_eval(gold, dev_record("casualties", "7 people", 7))
    assert (one.figures.recall.num, one.figures.recall.den) == (1, 2)
    two = dev_eval(
        gold,
        dev_record("casualties", "7 people", 7, field="wounded"),
        dev_record("casualties", "7 people", 7),
    )
    assert (two.figures.recall.num, two.duplicates) == (2, 0)
    assert two.attributes["field"].num == 2  # paired same field first


def test_a_required_figure_is_paired_before_an_optional_one() -> None:
    gold = dev_gold([dev_figure("50", 50, optional=True), dev_figure("about 50", 50)])
    report = dev_eval(gold, dev_record("casualties", "fifty", 50))
    assert (report.figures.recall.num, report.optional_matched) == (1, 0)


def test_equal_texts_pair_with_the_gold_they_agree_with() -> None:
    gold = dev_gold(
        [
            dev_figure("six", 6, "equipment_transfer", status="planned", optional=True),
            dev_figure("six", 6, "equipment_transfer", status="actual"),
        ]
    )
    report = dev_eval(
        gold,
        dev_record("equipment_transfer", "six", 6, status="planned"),
        dev_record("equipment_transfer", "six", 6, status="actual"),
    )
    assert report.attributes["status"].model_dump() == {"num": 1, "den": 1, "rate": 1.0}
    assert (report.optional_matched, report.duplicates) == (1, 0)


def test_a_text_match_is_that_figure_and_repeats_are_right_duplicates() -> None:
    gold = dev_gold([dev_figure("7", 7), dev_figure("seven", 7, field="wounded")])
    report = dev_eval(gold, dev_record("casualties", "7", 7), dev_record("casualties", "7", 7))
    assert report.duplicates == 1
    assert (report.figures.precision.num, report.figures.precision.den) == (2, 2)
    assert report.figures.recall.num == 1  # the second "7" is "7" again, not "seven"
    assert [m.text for m in report.figure_misses] == ["seven"]


@pytest.mark.parametrize(
    ("gold_kw", "record_kw", "attribute", "right"),
    [
        ({}, {"field": "wounded"}, "field", False),
        ({"status": "planned"}, {"status": "planned"}, "status", True),
        ({"status": "planned", "status_alt": ["actual"]}, {}, "status", True),
        ({"status": "planned"}, {}, "status", False),
        ({}, {}, "claimant", True),
        ({"claimant": "the harbour police"}, {}, "claimant", False),
        ({}, {"claimant": "a witness"}, "claimant", False),
        ({"claimant": "Peru's health ministry"}, {"claimant": "the Ministry"}, "claimant", True),
        ({"claimant": "the army of Peru"}, {"claimant": "the navy"}, "claimant", False),
        ({"force": "Chilean miners"}, {"force": "the miners"}, "force", True),
        ({"force": "Chilean miners"}, {"force": "rescuers"}, "force", False),
    ],
)
def test_attributes_of_a_found_casualty_figure(
    gold_kw: dict[str, Any], record_kw: dict[str, Any], attribute: str, right: bool
) -> None:
    gold = dev_gold([dev_figure("31", 31, force=gold_kw.pop("force", "the crew"), **gold_kw)])
    record_kw.setdefault("force", "the crew")
    report = dev_eval(gold, dev_record("casualties", "31", 31, **record_kw))
    assert report.attributes[attribute].num == int(right)
    assert report.attributes[attribute].den == 1
    misses = [m for m in report.attribute_misses if m.attribute == attribute]
    assert len(misses) == int(not right)
    assert "parties" not in {m.attribute for m in report.attribute_misses}


@pytest.mark.parametrize(
    ("gold_sides", "predicted_sides", "right"),
    [
        (("Chile", "Peru"), ("Chile", "Peru"), True),
        (("United States", "Ukraine"), ("U.S.", "Kyiv"), True),
        (("Chile", "Peru"), ("Peru", "Chile"), False),
        (("Chile", None), ("Chile", "Norway"), True),
        ((None, None), (None, None), True),
        (("Chile", "Peru"), ("Chile", None), False),
        (("Norway", "Azerbaijan (Nagorno-Karabakh)"), ("Norway", "Azerbaijan"), True),
    ],
)
def test_parties_of_deployments_and_transfers(
    gold_sides: tuple[str | None, str | None],
    predicted_sides: tuple[str | None, str | None],
    right: bool,
) -> None:
    gold = dev_gold(
        [
            dev_figure("500", 500, "deployment", sender=gold_sides[0], receiver=gold_sides[1]),
            dev_figure(
                "20", 20, "equipment_transfer", supplier=gold_sides[0], recipient=gold_sides[1]
            ),
        ]
    )
    s, r = predicted_sides
    report = dev_eval(
        gold,
        dev_record("deployment", "500", 500, sender=s, receiver=r),
        dev_record("equipment_transfer", "20", 20, supplier=s, recipient=r),
    )
    assert report.attributes["parties"].den == 2
    assert report.attributes["parties"].num == 2 * int(right)
    assert report.attributes["force"].den == 0


@pytest.mark.parametrize(
    ("visitor", "host", "status", "found", "status_right"),
    [
        ("President Ana Ruiz", "Chile", "actual", True, True),
        ("Ruiz", "Santiago", "planned", True, True),
        ("Ruiz", "Chile", "denied", True, False),
        ("Ruiz", "Peru", "actual", False, None),
        ("Ana", "Chile", "actual", False, None),
        ("Ruiz", None, "actual", False, None),
        ("Lee Min-ho", "Norway", "actual", True, True),
        ("Lee Min Ho", "Norway", "actual", True, True),
        ("Min", "Norway", "actual", False, None),
    ],
)
def test_visits_are_found_by_last_word_and_host_country(
    visitor: str, host: str | None, status: str, found: bool, status_right: bool | None
) -> None:
    gold = dev_gold(
        [],
        visits=[
            {
                "visitor": "Ana Ruiz",
                "host_country": "Chile",
                "status": "actual",
                "status_alt": ["planned"],
            },
            {"visitor": "Lee Min-ho", "host_country": "Norway", "status": "actual"},
        ],
    )
    report = dev_eval(
        gold,
        dev_record("diplomatic_visit", None, visitor=visitor, host_country=host, status=status),
    )
    assert (report.visits.precision.num, report.visits.precision.den) == (int(found), 1)
    assert (report.visits.recall.num, report.visits.recall.den) == (int(found), 2)
    assert len(report.visit_spurious) == int(not found)
    assert report.visit_status.den == int(found)
    if status_right is not None:
        assert report.visit_status.num == int(status_right)


def test_an_optional_visit_counts_for_precision_only() -> None:
    gold = dev_gold(
        [],
        visits=[
            {"visitor": "Bo Lind", "host_country": "Peru", "status": "planned", "optional": True}
        ],
    )
    report = dev_eval(
        gold, dev_record("diplomatic_visit", None, visitor="Lind", host_country="Peru")
    )
    assert (report.visits.precision.num, report.visits.precision.den) == (1, 1)
    assert report.visits.recall.den == 0
    assert report.visits.recall.rate is None
    assert report.visit_status.den == 0
    both = dev_gold(
        [],
        visits=[
            {"visitor": "Bo Lind", "host_country": "Peru", "status": "planned", "optional": True},
            {"visitor": "Ada Lind", "host_country": "Peru", "status": "actual"},
        ],
    )
    report = dev_eval(
        both, dev_record("diplomatic_visit", None, visitor="Lind", host_country="Peru")
    )
    assert (report.visits.recall.num, report.visits.recall.den) == (1, 1)


def test_documents_match_articles_by_id_and_unverified_records_never_score() -> None:
    gold = dev_gold([dev_figure("31", 31)], article="story-b")
    docs = [
        doc("out/story-b.txt", dev_record("casualties", "31", 31, verified=False)),
        doc("out/story-c.txt", dev_record("casualties", "31", 31)),
    ]
    report = evaluate(docs, gold)
    assert isinstance(report, DevReport)
    assert report.articles == ["story-b"]
    assert report.unscored_paths == ["out/story-c.txt"]
    assert (report.unverified_records, report.figures.precision.den) == (1, 0)
    assert report.figures.recall.num == 0
    missing = evaluate([doc("out/story-c.txt")], gold)
    assert isinstance(missing, DevReport)
    assert missing.missing_articles == ["story-b"]
    assert missing.figures.recall.den == 0


def test_no_vague_leaves_vague_gold_unrequired_and_vague_noise_out() -> None:
    gold = dev_gold([dev_figure("dozens", None, qualifier="vague"), dev_figure("31", 31)])
    records = [
        dev_record("casualties", "31", 31),
        dev_record("casualties", "hundreds", None, qualifier="vague"),
    ]
    on = dev_eval(gold, *records)
    off = dev_eval(gold, *records, include_vague=False)
    assert (on.figures.recall.den, on.figures.precision.den) == (2, 2)
    assert (off.figures.recall.den, off.figures.precision.den) == (1, 1)
    assert off.vague_ignored == 1


def test_the_text_report_shows_counts_and_readable_misses() -> None:
    gold = dev_gold(
        [
            dev_figure("500", 500, "deployment", sender="Chile", receiver="Peru", claimant="Lima"),
            dev_figure("6", 6),
        ],
        not_records=[{"text": "3 days", "why": "duration"}],
    )
    report = dev_eval(
        gold,
        dev_record("deployment", "500", 500, sender="Chile", receiver="Norway"),
        dev_record("casualties", "3 days", 3),
    )
    text = format_report(report)
    assert "parties    0.00 (0/1)" in text
    assert "field      1.00 (1/1)" in text
    assert "R 0.50 (1/2)" in text
    assert "story-a: '500' (deployment.count) parties: 'Chile -> Norway' vs 'Chile -> Peru'" in text
    assert "story-a: '500' (deployment.count) claimant: 'null' vs 'Lima'" in text
    assert "story-a: '6' (casualties.killed)" in text
    assert "is not a record: '3 days' (duration)" in text
    data = json.loads(report.model_dump_json())
    assert data["attributes"]["parties"] == {"num": 0, "den": 1, "rate": 0.0}
    assert {m["attribute"] for m in data["attribute_misses"]} == {"parties", "claimant"}
    assert data["spurious"][0]["why"] == "duration"


def test_the_eval_command_reads_the_devset_gold(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from llmbrief.cli import app
    from llmbrief.documents import documents_to_json

    gold = dev_gold([dev_figure("31", 31, force="the crew")])
    gold_path = _write(tmp_path, gold.model_dump(mode="json"))
    records = tmp_path / "records.json"
    rec = dev_record("casualties", "31", 31, force="crew members")
    records.write_text(documents_to_json([doc("texts/story-a.txt", rec)]), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--gold", str(gold_path), str(records)])
    assert result.exit_code == 0, result.output
    assert "R 1.00 (1/1)" in result.output
    assert "force      1.00 (1/1)" in result.output
    as_json = CliRunner().invoke(app, ["eval", "--json", "--gold", str(gold_path), str(records)])
    assert json.loads(as_json.output)["figures"]["recall"]["rate"] == 1.0
