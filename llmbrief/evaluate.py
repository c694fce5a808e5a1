"""Scoring extracted records against a hand-written gold set (``llmbrief eval``).

The gold format is documented in ``gold/README.md`` and read by
:mod:`llmbrief.seedgold`. Only *verified* records score: an unverified record
never reaches a brief, so it is counted and reported, never matched. Everything
here is pure. A gold file in the dev-set format (an object with ``articles``) is
read by :mod:`llmbrief.devgold` and scored by :mod:`llmbrief.devscore`;
:func:`llmbrief.seedgold.load_gold`, :func:`evaluate` and
:func:`llmbrief.evaltext.format_report` (the text it prints) take either format.

A predicted figure is ``(file, kind, field, figure)``. It matches a gold
figure of the same file and kind when its normalized text equals the gold
text (or one of the gold's alternate wordings, ``also``) or its value equals
the gold value. Each gold figure is matched once, greedily, best evidence
first: gold text, then an alternate wording, then value; within each, the
same field first. A prediction that only matches gold figures which are
already taken is a *duplicate* (the same fact extracted twice): listed, but
neither a true nor a false positive. Anything else unmatched is *spurious*.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Literal, get_args, overload

from pydantic import BaseModel, ConfigDict, Field

from llmbrief.models import (
    DiplomaticVisit,
    Document,
    Number,
    RecordKind,
    figures_of,
)
from llmbrief.seedgold import Gold, GoldFigure, GoldVisit, normalize

if TYPE_CHECKING:
    from llmbrief.devgold import DevGold
    from llmbrief.devreport import DevReport

KINDS: tuple[str, ...] = get_args(RecordKind)

#: How a prediction matched a gold figure, best first.
MatchedBy = Literal["text", "also", "value"]

# ---------------------------------------------------------------------------
# Normalization and name matching

_WORD = re.compile(r"[^\W_]+")
_ARTICLES = frozenset({"the", "a", "an"})


def _words(text: str) -> list[str]:
    words = _WORD.findall(normalize(text))
    while words and words[0] in _ARTICLES:
        words = words[1:]
    return words


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return n > 0 and any(words[i : i + n] == part for i in range(len(words) - n + 1))


def visitor_match(predicted: str, gold: GoldVisit) -> int | None:
    """How well a predicted visitor names the gold visitor: 0 exact, 1 partial, None no match.

    Exact: the same words as the gold visitor or one of its aliases (a leading
    'the' ignored). Partial: either name contains the other's last word
    ("Shoigu" / "Sergei Shoigu"), or the prediction contains a whole alias
    ("then the Russian president" contains "Russian president"). The last-word
    rule is not applied to aliases: "the Russian president" must not match
    every "president".
    """
    p = _words(predicted)
    if not p:
        return None
    g = _words(gold.visitor)
    aliases = [a for a in (_words(x) for x in gold.aliases) if a]
    if p == g or p in aliases:
        return 0
    if (g and g[-1] in p) or p[-1] in g:
        return 1
    if any(_contains(p, a) for a in aliases):
        return 1
    return None


def _same_file(path: str, gold_files: Sequence[str]) -> str | None:
    """The gold file a document path names: exactly, else by a unique path suffix."""
    norm = PurePosixPath(path.replace("\\", "/"))
    parts = tuple(p for p in norm.parts if p not in (".", ""))
    exact = [f for f in gold_files if PurePosixPath(f).parts == parts]
    if exact:
        return exact[0]
    suffix = []
    for f in gold_files:
        g = PurePosixPath(f).parts
        n = min(len(g), len(parts))
        if n and g[-n:] == parts[-n:]:
            suffix.append(f)
    return suffix[0] if len(suffix) == 1 else None


# ---------------------------------------------------------------------------
# The report


class _ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Score(_ReportModel):
    """Counts and rates of one slice. Rates are null when undefined (nothing to divide by)."""

    tp: int
    fp: int
    fn: int
    support: int = Field(description="Gold items in the slice (tp + fn).")
    precision: float | None
    recall: float | None
    f1: float | None

    @classmethod
    def of(cls, tp: int, fp: int, fn: int) -> Score:
        return cls(
            tp=tp,
            fp=fp,
            fn=fn,
            support=tp + fn,
            precision=tp / (tp + fp) if tp + fp else None,
            recall=tp / (tp + fn) if tp + fn else None,
            f1=2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None,
        )


class PredictedFigure(_ReportModel):
    """A figure of a verified record, as the extractor wrote it."""

    file: str
    kind: str
    field: str
    text: str
    value: Number | None
    qualifier: str


class GoldRef(_ReportModel):
    """A gold figure, as the report names it."""

    file: str
    kind: str
    field: str
    text: str
    value: Number | None
    vague: bool


class FigureMatch(_ReportModel):
    """A predicted figure and the gold figure it matched."""

    predicted: PredictedFigure
    gold: GoldRef
    by: MatchedBy
    same_field: bool


class VisitRef(_ReportModel):
    """A visit, predicted or gold: the file and the visitor as written."""

    file: str
    visitor: str


class VisitMatch(_ReportModel):
    """A predicted visit and the gold visit it matched."""

    predicted: VisitRef
    gold: VisitRef


class EvalReport(_ReportModel):
    """The result of scoring verified records against a gold set."""

    include_vague: bool
    files: list[str] = Field(description="Gold files with at least one document: the ones scored.")
    missing_files: list[str] = Field(description="Gold files without any document: not scored.")
    unscored_paths: list[str] = Field(description="Document paths that are not in the gold.")
    records: int = Field(description="Verified records in the scored files.")
    unverified_records: int = Field(description="Records not verified (or never checked).")
    unverified_figures: int = Field(description="Figures inside unverified records.")
    figures: dict[str, Score] = Field(description="Figure scores per record kind.")
    overall: Score
    overall_without_vague: Score = Field(
        description="Overall figure score with vague figures left out on both sides."
    )
    visits: Score
    matches: list[FigureMatch]
    misses: list[GoldRef]
    spurious: list[PredictedFigure]
    duplicates: list[FigureMatch] = Field(
        description="Predictions of a gold figure already matched: neither tp nor fp."
    )
    field_mismatches: int = Field(description="Matches whose field differs from the gold's.")
    vague_ignored: int = Field(
        description="Predicted figures left out because vague figures are excluded."
    )
    visit_matches: list[VisitMatch]
    visit_misses: list[VisitRef]
    visit_spurious: list[VisitRef]
    visit_duplicates: list[VisitMatch]


# ---------------------------------------------------------------------------
# Scoring


def _gold_ref(g: GoldFigure) -> GoldRef:
    return GoldRef(
        file=g.file, kind=g.kind, field=g.field, text=g.text, value=g.value, vague=g.vague
    )


def _figure_tier(p: PredictedFigure, g: GoldFigure) -> MatchedBy | None:
    if p.file != g.file or p.kind != g.kind:
        return None
    text = normalize(p.text)
    if text == normalize(g.text):
        return "text"
    if any(text == normalize(a) for a in g.also):
        return "also"
    if p.value is not None and g.value is not None and p.value == g.value:
        return "value"
    return None


_TIER_RANK: dict[MatchedBy, int] = {"text": 0, "also": 1, "value": 2}


def _match_figures(
    predicted: list[PredictedFigure], gold: list[GoldFigure]
) -> tuple[dict[int, tuple[int, MatchedBy]], dict[int, tuple[int, MatchedBy]]]:
    """Greedy one-to-one matching. Returns pred index -> (gold index, by) for matches and dups."""
    candidates: list[tuple[int, int, int, int, MatchedBy]] = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            by = _figure_tier(p, g)
            if by is not None:
                candidates.append((_TIER_RANK[by], int(p.field != g.field), i, j, by))
    candidates.sort(key=lambda c: c[:4])
    matched: dict[int, tuple[int, MatchedBy]] = {}
    taken: set[int] = set()
    for _, _, i, j, by in candidates:
        if i not in matched and j not in taken:
            matched[i] = (j, by)
            taken.add(j)
    duplicates: dict[int, tuple[int, MatchedBy]] = {}
    for _, _, i, j, by in candidates:
        if i not in matched and i not in duplicates:
            duplicates[i] = (j, by)
    return matched, duplicates


_Split = tuple[list[FigureMatch], list[FigureMatch], list[PredictedFigure], list[GoldRef], int]


def _classify(
    predicted: list[PredictedFigure],
    gold_figures: list[GoldFigure],
    matched: dict[int, tuple[int, MatchedBy]],
    dups: dict[int, tuple[int, MatchedBy]],
    *,
    include_vague: bool,
) -> _Split:
    """Sort predictions into (matches, duplicates, spurious), list misses, count vague ignored."""

    def keep_gold(j: int) -> bool:
        return include_vague or not gold_figures[j].vague

    vague_ignored = 0
    matches: list[FigureMatch] = []
    duplicates: list[FigureMatch] = []
    spurious: list[PredictedFigure] = []
    for i, p in enumerate(predicted):
        if i in matched or i in dups:
            j, by = matched[i] if i in matched else dups[i]
            if not keep_gold(j):
                vague_ignored += 1
                continue
            g = gold_figures[j]
            m = FigureMatch(predicted=p, gold=_gold_ref(g), by=by, same_field=p.field == g.field)
            (matches if i in matched else duplicates).append(m)
        elif not include_vague and p.qualifier == "vague":
            vague_ignored += 1
        else:
            spurious.append(p)
    taken = {j for j, _ in matched.values()}
    misses = [_gold_ref(g) for j, g in enumerate(gold_figures) if j not in taken and keep_gold(j)]
    return matches, duplicates, spurious, misses, vague_ignored


@dataclass
class _Collected:
    """The verified predictions of the documents that name a gold file, and the counts."""

    predicted: list[PredictedFigure] = dc_field(default_factory=list)
    visits: list[VisitRef] = dc_field(default_factory=list)
    present: set[str] = dc_field(default_factory=set)
    unscored: list[str] = dc_field(default_factory=list)
    records: int = 0
    unverified_records: int = 0
    unverified_figures: int = 0


def _collect(documents: Sequence[Document], gold: Gold) -> _Collected:
    got = _Collected()
    for doc in documents:
        file = _same_file(doc.source.path, gold.files)
        if file is None:
            if doc.source.path not in got.unscored:
                got.unscored.append(doc.source.path)
            continue
        got.present.add(file)
        for record in doc.records:
            figures = figures_of(record)
            if record.verification is None or not record.verification.verified:
                got.unverified_records += 1
                got.unverified_figures += len(figures)
                continue
            got.records += 1
            got.predicted += [
                PredictedFigure(
                    file=file,
                    kind=record.kind,
                    field=name,
                    text=fig.text,
                    value=fig.value,
                    qualifier=fig.qualifier,
                )
                for name, fig in figures
            ]
            if isinstance(record, DiplomaticVisit):
                got.visits.append(VisitRef(file=file, visitor=record.visitor))
    return got


@overload
def evaluate(
    documents: Sequence[Document], gold: Gold, *, include_vague: bool = True
) -> EvalReport: ...
@overload
def evaluate(
    documents: Sequence[Document], gold: DevGold, *, include_vague: bool = True
) -> DevReport: ...
def evaluate(
    documents: Sequence[Document], gold: Gold | DevGold, *, include_vague: bool = True
) -> EvalReport | DevReport:
    """Score the verified records of ``documents`` against a gold of either format."""
    if isinstance(gold, Gold):
        return _evaluate_seeds(documents, gold, include_vague=include_vague)
    from llmbrief.devscore import evaluate_devset

    return evaluate_devset(documents, gold, include_vague=include_vague)


def _evaluate_seeds(
    documents: Sequence[Document], gold: Gold, *, include_vague: bool = True
) -> EvalReport:
    """Score the verified records of ``documents`` against ``gold`` (seeds format).

    Only documents whose ``source.path`` names a gold file are scored (exactly,
    or by a unique path suffix, so ``/abs/seeds/x.txt`` finds ``seeds/x.txt``);
    gold files without any document are listed and left out of the scores.
    With ``include_vague=False``, vague gold figures, the predictions matched
    to them and unmatched predictions whose qualifier is ``vague`` are left out.
    """
    got = _collect(documents, gold)
    predicted, visits, present = got.predicted, got.visits, got.present
    records, unscored = got.records, got.unscored
    unverified_records, unverified_figures = got.unverified_records, got.unverified_figures
    files = [f for f in gold.files if f in present]
    gold_figures = [g for g in gold.figures if g.file in present]
    matched, dups = _match_figures(predicted, gold_figures)

    split = _classify(predicted, gold_figures, matched, dups, include_vague=include_vague)
    matches, duplicates, spurious, misses, vague_ignored = split
    no_vague = _classify(predicted, gold_figures, matched, dups, include_vague=False)

    per_kind: dict[str, Score] = {}
    for kind in KINDS:
        per_kind[kind] = Score.of(
            sum(m.predicted.kind == kind for m in matches),
            sum(p.kind == kind for p in spurious),
            sum(g.kind == kind for g in misses),
        )
    overall = Score.of(len(matches), len(spurious), len(misses))

    v_matches, v_misses, v_spurious, v_dups = _match_visits(
        visits, [v for v in gold.visits if v.file in present]
    )
    return EvalReport(
        include_vague=include_vague,
        files=files,
        missing_files=[f for f in gold.files if f not in present],
        unscored_paths=unscored,
        records=records,
        unverified_records=unverified_records,
        unverified_figures=unverified_figures,
        figures=per_kind,
        overall=overall,
        overall_without_vague=Score.of(len(no_vague[0]), len(no_vague[2]), len(no_vague[3])),
        visits=Score.of(len(v_matches), len(v_spurious), len(v_misses)),
        matches=matches,
        misses=misses,
        spurious=spurious,
        duplicates=duplicates,
        field_mismatches=sum(not m.same_field for m in matches),
        vague_ignored=vague_ignored,
        visit_matches=v_matches,
        visit_misses=v_misses,
        visit_spurious=v_spurious,
        visit_duplicates=v_dups,
    )


def _match_visits(
    predicted: list[VisitRef], gold: list[GoldVisit]
) -> tuple[list[VisitMatch], list[VisitRef], list[VisitRef], list[VisitMatch]]:
    candidates: list[tuple[int, int, int]] = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            if p.file == g.file and (tier := visitor_match(p.visitor, g)) is not None:
                candidates.append((tier, i, j))
    candidates.sort()
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, j in candidates:
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    dup_of: dict[int, int] = {}
    for _, i, j in candidates:
        if i not in pairs and i not in dup_of:
            dup_of[i] = j

    def ref(g: GoldVisit) -> VisitRef:
        return VisitRef(file=g.file, visitor=g.visitor)

    matches = [VisitMatch(predicted=predicted[i], gold=ref(gold[j])) for i, j in pairs.items()]
    dups = [VisitMatch(predicted=predicted[i], gold=ref(gold[j])) for i, j in dup_of.items()]
    spurious = [p for i, p in enumerate(predicted) if i not in pairs and i not in dup_of]
    misses = [ref(g) for j, g in enumerate(gold) if j not in taken]
    return matches, misses, spurious, dups
