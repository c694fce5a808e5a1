"""Scoring documents of records against the dev-set gold (``llmbrief eval --gold
devset/gold.json``).

Takes the dev-set gold (``{"note", "articles": [{id, url, query, topic, figures,
visits, not_records}]}``, documented in ``gold/README.md``) and documents of
records; gives a :class:`DevReport`: figure precision/recall/F1, the accuracy of
field, status, parties, force and claimant on the required figures found, visit
precision/recall and status accuracy, and every miss listed for a developer.

A document belongs to the article whose ``<id>.txt`` is its file name. Only
verified records count. A prediction is tied to a gold figure of the same kind
in the same article, best evidence first: its text equals the gold text, or one
of the gold's ``alt`` forms (tiers 0, 1); else its text equals a ``not_records``
text (then it is spurious); else its value equals the gold value (tier 2); else
its text contains, or is contained in, a ``not_records`` text (spurious).
Precision counts every prediction tied to some gold figure, optional ones
included (a second prediction of the same figure is a *duplicate*, counted as
right); recall pairs required gold figures one-to-one with predictions.
Parties are compared with :func:`llmbrief.gazetteer.same_party`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import PurePosixPath

from pydantic import BaseModel, Field

from llmbrief.devgold import (
    DevArticle,
    DevFigure,
    DevGold,
    DevVisit,
    NotRecord,
    claimant_ok,
    contains_run,
    norm_text,
    party_ok,
    share_content_word,
    visitor_ok,
    word_list,
)
from llmbrief.devreport import (
    AttributeMiss,
    DevPrediction,
    DevReport,
    DevScore,
    FigureMiss,
    PredictedVisit,
    Ratio,
    Spurious,
    VisitMiss,
    shown,
)
from llmbrief.models import (
    FIGURE_FIELDS,
    Casualties,
    Deployment,
    DiplomaticVisit,
    Document,
    EquipmentTransfer,
    Record,
    figures_of,
)

# ---------------------------------------------------------------------------
# Reading the predictions

ATTRIBUTES = ("field", "status", "parties", "force", "claimant")


def _parties(record: Record) -> tuple[str | None, str | None] | None:
    if isinstance(record, Deployment):
        return (record.sender, record.receiver)
    if isinstance(record, EquipmentTransfer):
        return (record.supplier, record.recipient)
    return None


def _predictions(article: str, record: Record) -> list[DevPrediction]:
    force = record.force if isinstance(record, Casualties) else None
    return [
        DevPrediction(
            article=article,
            kind=record.kind,
            field=name,
            text=fig.text,
            value=fig.value,
            qualifier=fig.qualifier,
            status=record.status,
            claimant=record.claimant,
            parties=_parties(record),
            force=force,
        )
        for name, fig in figures_of(record)
    ]


class _Collected(BaseModel):
    figures: list[DevPrediction] = Field(default_factory=list)
    visits: list[PredictedVisit] = Field(default_factory=list)
    present: list[str] = Field(default_factory=list)
    unscored: list[str] = Field(default_factory=list)
    records: int = 0
    unverified_records: int = 0
    unverified_figures: int = 0


def _article_of(path: str, ids: set[str]) -> str | None:
    name = PurePosixPath(path.replace("\\", "/")).name
    stem = name.removesuffix(".txt")
    return stem if stem in ids else None


def _collect(documents: Sequence[Document], gold: DevGold) -> _Collected:
    ids = {a.id for a in gold.articles}
    out = _Collected()
    for doc in documents:
        article = _article_of(doc.source.path, ids)
        if article is None:
            if doc.source.path not in out.unscored:
                out.unscored.append(doc.source.path)
            continue
        if article not in out.present:
            out.present.append(article)
        for record in doc.records:
            figures = _predictions(article, record)
            if record.verification is None or not record.verification.verified:
                out.unverified_records += 1
                out.unverified_figures += len(figures)
                continue
            out.records += 1
            out.figures.extend(figures)
            if isinstance(record, DiplomaticVisit):
                out.visits.append(
                    PredictedVisit(
                        article=article,
                        visitor=record.visitor,
                        host_country=record.host_country,
                        status=record.status,
                    )
                )
    return out


# ---------------------------------------------------------------------------
# Matching figures


def _tier(p: DevPrediction, g: DevFigure) -> int | None:
    if p.kind != g.kind:
        return None
    text = norm_text(p.text)
    if text == norm_text(g.text):
        return 0
    if any(text == norm_text(a) for a in g.alt):
        return 1
    if p.value is not None and g.value is not None and p.value == g.value:
        return 2
    return None


def _not_record(p: DevPrediction, article: DevArticle, *, exact: bool) -> NotRecord | None:
    words = word_list(p.text)
    for n in article.not_records:
        other = word_list(n.text)
        if words == other if exact else (contains_run(other, words) or contains_run(words, other)):
            return n
    return None


def _candidates(p: DevPrediction, article: DevArticle) -> tuple[list[int], NotRecord | None]:
    """Gold figure indices a prediction is tied to (best tier only), or the not_record it is."""
    tiers = {j: t for j, g in enumerate(article.figures) if (t := _tier(p, g)) is not None}
    best = min(tiers.values(), default=None)
    if best is not None and best <= 1:
        return [j for j, t in tiers.items() if t <= 1], None
    if (hit := _not_record(p, article, exact=True)) is not None:
        return [], hit
    if best is not None:
        return list(tiers), None
    return [], _not_record(p, article, exact=False)


def _pair(
    preds: list[DevPrediction], cands: list[list[int]], figures: list[DevFigure], required: set[int]
) -> dict[int, int]:
    """Greedy one-to-one: gold index -> prediction index.

    Best tier first, then the same field, required before optional, then fewer
    attributes in disagreement (two gold "six" in one article: the planned
    prediction goes to the planned figure).
    """
    ranked = sorted(
        (
            _tier(p, figures[j]) or 0,
            p.field != figures[j].field,
            j not in required,
            sum(not ok for _, ok, _, _ in attribute_checks(p, figures[j])),
            i,
            j,
        )
        for i, p in enumerate(preds)
        for j in cands[i]
    )
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for *_, i, j in ranked:
        if i not in used and j not in pairs:
            pairs[j] = i
            used.add(i)
    return pairs


# ---------------------------------------------------------------------------
# Scoring one article


@dataclass
class _Tally:
    """Counts and lists gathered over the articles."""

    include_vague: bool
    counts: Counter[tuple[str, str]] = dc_field(default_factory=Counter)
    attr_right: Counter[str] = dc_field(default_factory=Counter)
    attr_seen: Counter[str] = dc_field(default_factory=Counter)
    figure_misses: list[FigureMiss] = dc_field(default_factory=list)
    spurious: list[Spurious] = dc_field(default_factory=list)
    attribute_misses: list[AttributeMiss] = dc_field(default_factory=list)
    visit_misses: list[VisitMiss] = dc_field(default_factory=list)
    visit_spurious: list[VisitMiss] = dc_field(default_factory=list)


def _show_pair(pair: tuple[str | None, str | None]) -> str:
    return f"{shown(pair[0])} -> {shown(pair[1])}"


def _gold_parties(g: DevFigure) -> tuple[str | None, str | None] | None:
    if g.kind == "deployment":
        return (g.sender, g.receiver)
    if g.kind == "equipment_transfer":
        return (g.supplier, g.recipient)
    return None


def attribute_checks(p: DevPrediction, g: DevFigure) -> list[tuple[str, bool, str, str]]:
    """(attribute, right, predicted, gold) for each attribute scored on a found figure."""
    statuses = [g.status, *g.status_alt]
    out = [
        ("field", p.field == g.field, p.field, g.field),
        ("status", p.status in statuses, p.status, " or ".join(statuses)),
        ("claimant", claimant_ok(p.claimant, g.claimant), shown(p.claimant), shown(g.claimant)),
    ]
    gold_parties = _gold_parties(g)
    if gold_parties is not None:
        mine = p.parties or (None, None)
        ok = all(party_ok(a, b) for a, b in zip(mine, gold_parties, strict=True))
        out.append(("parties", ok, _show_pair(mine), _show_pair(gold_parties)))
    if g.kind == "casualties":
        ok = g.force is None or (p.force is not None and share_content_word(p.force, g.force))
        out.append(("force", ok, shown(p.force), shown(g.force)))
    return out


def _score_attributes(article: str, p: DevPrediction, g: DevFigure, tally: _Tally) -> None:
    for name, ok, predicted, gold in attribute_checks(p, g):
        tally.attr_seen[name] += 1
        tally.attr_right[name] += ok
        if not ok:
            tally.attribute_misses.append(
                AttributeMiss(
                    article=article,
                    text=g.text,
                    kind=f"{g.kind}.{g.field}",
                    attribute=name,
                    predicted=predicted,
                    gold=gold,
                )
            )


def _keep(p: DevPrediction, cands: list[int], hit: NotRecord | None, tally: _Tally) -> bool:
    """Whether a prediction is scored: with --no-vague, unmatched vague ones are not."""
    if tally.include_vague or cands or hit is not None or p.qualifier != "vague":
        return True
    tally.counts["", "vague_ignored"] += 1
    return False


def _score_figures(article: DevArticle, preds: list[DevPrediction], tally: _Tally) -> None:
    figures = article.figures
    required = {
        j
        for j, g in enumerate(figures)
        if not g.optional and (tally.include_vague or g.qualifier != "vague")
    }
    kept: list[tuple[DevPrediction, list[int]]] = []
    for p in preds:
        cands, hit = _candidates(p, article)
        if not _keep(p, cands, hit, tally):
            continue
        kept.append((p, cands))
        tally.counts[p.kind, "predicted"] += 1
        tally.counts[p.kind, "right"] += bool(cands)
        tally.counts["", "not_record"] += hit is not None
        if not cands:
            tally.spurious.append(_spurious(p, hit))
    pairs = _pair([p for p, _ in kept], [c for _, c in kept], figures, required)
    tally.counts["", "duplicates"] += sum(bool(c) for _, c in kept) - len(pairs)
    tally.counts["", "optional"] += sum(j not in required for j in pairs)
    for j in sorted(required):
        g = figures[j]
        tally.counts[g.kind, "required"] += 1
        if j in pairs:
            tally.counts[g.kind, "found"] += 1
            _score_attributes(article.id, kept[pairs[j]][0], g, tally)
        else:
            tally.figure_misses.append(
                FigureMiss(
                    article=article.id, kind=g.kind, field=g.field, text=g.text, value=g.value
                )
            )


def _spurious(p: DevPrediction, hit: NotRecord | None) -> Spurious:
    return Spurious(
        article=p.article,
        kind=p.kind,
        field=p.field,
        text=p.text,
        not_record=hit.text if hit else None,
        why=hit.why if hit else None,
    )


# ---------------------------------------------------------------------------
# Scoring visits


def visit_ok(p: PredictedVisit, g: DevVisit) -> bool:
    """The visitor names the gold visitor's last word and the host country is the same."""
    if not visitor_ok(p.visitor, g.visitor):
        return False
    if g.host_country is None:
        return True
    return p.host_country is not None and party_ok(p.host_country, g.host_country)


def _visit_miss(article: str, visitor: str, host: str | None) -> VisitMiss:
    return VisitMiss(article=article, visitor=visitor, host_country=host)


def _score_visits(article: DevArticle, preds: list[PredictedVisit], tally: _Tally) -> None:
    gold = article.visits
    required = {j for j, g in enumerate(gold) if not g.optional}
    cands = [[j for j, g in enumerate(gold) if visit_ok(p, g)] for p in preds]
    for p, c in zip(preds, cands, strict=True):
        tally.counts["visit", "predicted"] += 1
        tally.counts["visit", "right"] += bool(c)
        if not c:
            tally.visit_spurious.append(_visit_miss(p.article, p.visitor, p.host_country))
    pairs: dict[int, int] = {}
    for _, i, j in sorted((j not in required, i, j) for i, c in enumerate(cands) for j in c):
        if i not in pairs.values() and j not in pairs:
            pairs[j] = i
    for j in sorted(required):
        g = gold[j]
        tally.counts["visit", "required"] += 1
        if j not in pairs:
            tally.visit_misses.append(_visit_miss(article.id, g.visitor, g.host_country))
            continue
        tally.counts["visit", "found"] += 1
        p = preds[pairs[j]]
        statuses = [g.status, *g.status_alt]
        tally.attr_seen["visit_status"] += 1
        tally.attr_right["visit_status"] += p.status in statuses
        if p.status not in statuses:
            tally.attribute_misses.append(
                AttributeMiss(
                    article=article.id,
                    text=g.visitor,
                    kind="visit",
                    attribute="status",
                    predicted=p.status,
                    gold=" or ".join(statuses),
                )
            )


# ---------------------------------------------------------------------------
# Scoring a gold set


def _score(tally: _Tally, kind: str) -> DevScore:
    c = tally.counts
    return DevScore.of(
        c[kind, "right"], c[kind, "predicted"], c[kind, "found"], c[kind, "required"]
    )


def evaluate_devset(
    documents: Sequence[Document], gold: DevGold, *, include_vague: bool = True
) -> DevReport:
    """Score the verified records of ``documents`` against a dev-set gold.

    Articles without a document are listed and left out. With
    ``include_vague=False`` vague gold figures are not required (a prediction of
    one still counts as right) and unmatched vague predictions are left out.
    """
    got = _collect(documents, gold)
    tally = _Tally(include_vague=include_vague)
    for article in gold.articles:
        if article.id in got.present:
            _score_figures(article, [p for p in got.figures if p.article == article.id], tally)
            _score_visits(article, [v for v in got.visits if v.article == article.id], tally)
    kinds = [
        k for k in FIGURE_FIELDS if tally.counts[k, "predicted"] or tally.counts[k, "required"]
    ]
    for what in ("right", "predicted", "found", "required"):
        tally.counts["all", what] = sum(tally.counts[k, what] for k in FIGURE_FIELDS)
    c = tally.counts
    return DevReport(
        include_vague=include_vague,
        articles=[a.id for a in gold.articles if a.id in got.present],
        missing_articles=[a.id for a in gold.articles if a.id not in got.present],
        unscored_paths=got.unscored,
        records=got.records,
        unverified_records=got.unverified_records,
        unverified_figures=got.unverified_figures,
        figures=_score(tally, "all"),
        figures_by_kind={k: _score(tally, k) for k in kinds},
        optional_matched=c["", "optional"],
        duplicates=c["", "duplicates"],
        not_record_hits=c["", "not_record"],
        vague_ignored=c["", "vague_ignored"],
        attributes={a: Ratio.of(tally.attr_right[a], tally.attr_seen[a]) for a in ATTRIBUTES},
        visits=_score(tally, "visit"),
        visit_status=Ratio.of(tally.attr_right["visit_status"], tally.attr_seen["visit_status"]),
        figure_misses=tally.figure_misses,
        spurious=tally.spurious,
        attribute_misses=tally.attribute_misses,
        visit_misses=tally.visit_misses,
        visit_spurious=tally.visit_spurious,
    )
