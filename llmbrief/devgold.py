"""Scoring against the dev-set gold format (``llmbrief eval --gold devset/gold.json``).

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

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from llmbrief.errors import InputError
from llmbrief.models import (
    FIGURE_FIELDS,
    Casualties,
    Deployment,
    DiplomaticVisit,
    Document,
    EquipmentTransfer,
    Figure,
    Number,
    Qualifier,
    Record,
    RecordKind,
    Status,
)
from llmbrief.normalize import fold

# ---------------------------------------------------------------------------
# The gold file. Keys the scorer does not use (url, unit, note, item, ...) are
# allowed, so that a gold set of the same kind with more documentation loads.


class _DevModel(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class DevFigure(_DevModel):
    """One figure of one article, with the attributes scored on it."""

    text: str = Field(min_length=1)
    kind: RecordKind
    field: str
    value: Number | None = None
    qualifier: Qualifier
    status: Status
    status_alt: list[Status] = Field(default_factory=list)
    claimant: str | None = None
    sender: str | None = None
    receiver: str | None = None
    supplier: str | None = None
    recipient: str | None = None
    force: str | None = None
    alt: list[str] = Field(default_factory=list)
    optional: bool = False

    @model_validator(mode="after")
    def _field_of_kind(self) -> DevFigure:
        fields = FIGURE_FIELDS[self.kind]
        if self.field not in fields:
            raise ValueError(
                f"field {self.field!r} is not a figure of {self.kind} (one of {', '.join(fields)})"
            )
        return self


class DevVisit(_DevModel):
    """One diplomatic visit of one article."""

    visitor: str = Field(min_length=1)
    host_country: str | None = None
    status: Status
    status_alt: list[Status] = Field(default_factory=list)
    optional: bool = False


class NotRecord(_DevModel):
    """A number that must not become a record."""

    text: str = Field(min_length=1)
    why: str | None = None


class DevArticle(_DevModel):
    """One article: its id (the document is ``<id>.txt``) and its gold."""

    id: str = Field(min_length=1)
    figures: list[DevFigure] = Field(default_factory=list)
    visits: list[DevVisit] = Field(default_factory=list)
    not_records: list[NotRecord] = Field(default_factory=list)


class DevGold(_DevModel):
    """A dev-set gold file."""

    note: str | None = None
    articles: list[DevArticle] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> DevGold:
        ids = [a.id for a in self.articles]
        if len(set(ids)) != len(ids):
            raise ValueError("articles: an id is given twice")
        return self


def is_devset(data: Any) -> bool:
    """Whether parsed JSON is in the dev-set format (it has ``articles``)."""
    return isinstance(data, dict) and "articles" in data


def parse_devgold(
    data: dict[str, Any], name: str, error: Callable[[str, ValidationError], InputError]
) -> DevGold:
    """Validate parsed dev-set JSON; ``error`` turns a ValidationError into one line."""
    try:
        return DevGold.model_validate(data)
    except ValidationError as err:
        raise error(name, err) from None


# ---------------------------------------------------------------------------
# Text comparison

_WORD = re.compile(r"[^\W_]+")
# fmt: off
_STOP = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "by", "for", "from", "with", "and", "or",
    "its", "his", "her", "their", "our", "this", "that", "these", "those", "via", "citing",
    "according", "as", "s", "who", "which", "said", "says",
})
# fmt: on


def _norm(text: str) -> str:
    return fold(text).strip()


def _words(text: str) -> list[str]:
    return _WORD.findall(_norm(text))


def _contains(words: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return n > 0 and any(list(words[i : i + n]) == list(part) for i in range(len(words) - n + 1))


def share_content_word(a: str, b: str) -> bool:
    """Whether two names have a word in common, stop words and case aside."""
    return bool(({*_words(a)} - _STOP) & ({*_words(b)} - _STOP))


def claimant_ok(predicted: str | None, gold: str | None) -> bool:
    """Both null, or both name a claimant with a content word in common."""
    if predicted is None or gold is None:
        return predicted is None and gold is None
    return share_content_word(predicted, gold)


def _same_party(a: str, b: str) -> bool:
    from llmbrief.gazetteer import same_party

    return same_party(a, b)


def _gold_options(gold: str) -> list[str]:
    """A gold party and, for "Azerbaijan (Nagorno-Karabakh)", each part of it."""
    outside = re.sub(r"\([^)]*\)", " ", gold).strip()
    inside = [s.strip() for s in re.findall(r"\(([^)]*)\)", gold)]
    return [o for o in dict.fromkeys([gold, outside, *inside]) if o]


def party_ok(predicted: str | None, gold: str | None) -> bool:
    """A null gold side accepts anything; else the prediction names the same party."""
    if gold is None:
        return True
    if predicted is None:
        return False
    return any(_same_party(predicted, g) for g in _gold_options(gold))


def visitor_ok(predicted: str, gold: str) -> bool:
    """The predicted visitor contains the gold visitor's last word ("Jong-un" as two)."""
    last = gold.split()[-1] if gold.split() else gold
    return _contains(_words(predicted), _words(last))


# ---------------------------------------------------------------------------
# The report


class _ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Ratio(_ReportModel):
    """num / den, with the rate null when den is 0."""

    num: int
    den: int
    rate: float | None

    @classmethod
    def of(cls, num: int, den: int) -> Ratio:
        return cls(num=num, den=den, rate=num / den if den else None)


class DevScore(_ReportModel):
    """Precision (right predictions / predictions), recall (required found / required), F1."""

    precision: Ratio
    recall: Ratio
    f1: float | None

    @classmethod
    def of(cls, right: int, predicted: int, found: int, required: int) -> DevScore:
        p, r = Ratio.of(right, predicted), Ratio.of(found, required)
        f1 = None
        if p.rate is not None and r.rate is not None:
            f1 = 2 * p.rate * r.rate / (p.rate + r.rate) if p.rate + r.rate else 0.0
        return cls(precision=p, recall=r, f1=f1)


class DevPrediction(_ReportModel):
    """A figure of a verified record, with the record's scored attributes."""

    article: str
    kind: str
    field: str
    text: str
    value: Number | None
    qualifier: str
    status: str
    claimant: str | None
    parties: tuple[str | None, str | None] | None = Field(
        description="(sender, receiver) or (supplier, recipient); null for other kinds."
    )
    force: str | None


class PredictedVisit(_ReportModel):
    """A verified diplomatic_visit record."""

    article: str
    visitor: str
    host_country: str | None
    status: str


class FigureMiss(_ReportModel):
    """A required gold figure that no prediction found."""

    article: str
    kind: str
    field: str
    text: str
    value: Number | None


class Spurious(_ReportModel):
    """A prediction that matches no gold figure; ``not_record`` says why it must not be one."""

    article: str
    kind: str
    field: str
    text: str
    not_record: str | None = Field(
        default=None, description="The not_records text it matched (a figure that is no record)."
    )
    why: str | None = None


class AttributeMiss(_ReportModel):
    """A found required figure (or visit) with one attribute wrong."""

    article: str
    text: str = Field(description="The gold figure's text, or the gold visitor.")
    kind: str
    attribute: str
    predicted: str
    gold: str


class VisitMiss(_ReportModel):
    """A gold visit not found, or a predicted visit that matches none."""

    article: str
    visitor: str
    host_country: str | None


class DevReport(_ReportModel):
    """The result of scoring verified records against a dev-set gold file."""

    format: str = "devset"
    include_vague: bool
    articles: list[str] = Field(description="Gold articles with a document: the ones scored.")
    missing_articles: list[str] = Field(description="Gold articles without a document.")
    unscored_paths: list[str] = Field(description="Document paths matching no article id.")
    records: int = Field(description="Verified records in the scored articles.")
    unverified_records: int
    unverified_figures: int
    figures: DevScore
    figures_by_kind: dict[str, DevScore]
    optional_matched: int = Field(description="Predictions paired with an optional gold figure.")
    duplicates: int = Field(description="Right predictions of a figure another one found.")
    not_record_hits: int = Field(description="Predictions of a not_records number (spurious).")
    vague_ignored: int = Field(description="Unmatched vague predictions left out (--no-vague).")
    attributes: dict[str, Ratio] = Field(description="Accuracy on found required figures.")
    visits: DevScore
    visit_status: Ratio
    figure_misses: list[FigureMiss]
    spurious: list[Spurious]
    attribute_misses: list[AttributeMiss]
    visit_misses: list[VisitMiss]
    visit_spurious: list[VisitMiss]


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
        for name in FIGURE_FIELDS[record.kind]
        if isinstance(fig := getattr(record, name), Figure)
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
    text = _norm(p.text)
    if text == _norm(g.text):
        return 0
    if any(text == _norm(a) for a in g.alt):
        return 1
    if p.value is not None and g.value is not None and p.value == g.value:
        return 2
    return None


def _not_record(p: DevPrediction, article: DevArticle, *, exact: bool) -> NotRecord | None:
    words = _words(p.text)
    for n in article.not_records:
        other = _words(n.text)
        if words == other if exact else (_contains(other, words) or _contains(words, other)):
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


def _show(text: str | None) -> str:
    return "null" if text is None else text


def _show_pair(pair: tuple[str | None, str | None]) -> str:
    return f"{_show(pair[0])} -> {_show(pair[1])}"


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
        ("claimant", claimant_ok(p.claimant, g.claimant), _show(p.claimant), _show(g.claimant)),
    ]
    gold_parties = _gold_parties(g)
    if gold_parties is not None:
        mine = p.parties or (None, None)
        ok = all(party_ok(a, b) for a, b in zip(mine, gold_parties, strict=True))
        out.append(("parties", ok, _show_pair(mine), _show_pair(gold_parties)))
    if g.kind == "casualties":
        ok = g.force is None or (p.force is not None and share_content_word(p.force, g.force))
        out.append(("force", ok, _show(p.force), _show(g.force)))
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


# ---------------------------------------------------------------------------
# Text output


def _ratio(r: Ratio) -> str:
    rate = "-" if r.rate is None else f"{r.rate:.2f}"
    return f"{rate} ({r.num}/{r.den})"


def _score_line(label: str, s: DevScore) -> str:
    f1 = "-" if s.f1 is None else f"{s.f1:.2f}"
    return f"{label:<22} P {_ratio(s.precision):<16} R {_ratio(s.recall):<16} F1 {f1}"


def _section(lines: list[str], title: str, items: list[str]) -> None:
    lines += ["", f"{title}: {len(items) if items else 'none'}", *items]


def format_devreport(report: DevReport) -> str:
    """A readable text report: scores, attribute accuracies, then every miss, one a line."""
    vague = "included" if report.include_vague else "not required"
    lines = [
        f"Scored {len(report.articles)} article(s), {report.records} verified record(s); "
        f"vague figures {vague}.",
    ]
    if report.missing_articles:
        lines.append(
            f"WARNING: {len(report.missing_articles)} article(s) have no document and are not "
            f"scored: {', '.join(report.missing_articles)}"
        )
    if report.unscored_paths:
        lines.append(f"Not in the gold (ignored): {', '.join(report.unscored_paths)}")
    lines += [
        f"Unverified (never scored): {report.unverified_records} record(s), "
        f"{report.unverified_figures} figure(s).",
        "",
        _score_line("Figures", report.figures),
        *(_score_line(f"  {k}", s) for k, s in report.figures_by_kind.items()),
        f"  {report.duplicates} duplicate(s) and {report.optional_matched} optional match(es) "
        f"count as right; {report.not_record_hits} not_records number(s) extracted count as "
        f"spurious" + (f"; {report.vague_ignored} vague ignored" if report.vague_ignored else ""),
        "",
        "On found required figures:",
        *(f"  {a:<10} {_ratio(r)}" for a, r in report.attributes.items()),
        "",
        _score_line("Visits", report.visits),
        f"  {'status':<10} {_ratio(report.visit_status)}",
    ]
    _misses(lines, report)
    return "\n".join(lines) + "\n"


def _misses(lines: list[str], report: DevReport) -> None:
    _section(
        lines,
        "Figure misses (required gold not found)",
        [f"  {m.article}: {m.text!r} ({m.kind}.{m.field})" for m in report.figure_misses],
    )
    _section(
        lines,
        "Spurious figures (predicted, matching no gold)",
        [
            f"  {s.article}: {s.text!r} ({s.kind}.{s.field})"
            + (f" is not a record: {s.not_record!r} ({_show(s.why)})" if s.not_record else "")
            for s in report.spurious
        ],
    )
    _section(
        lines,
        "Attribute misses (predicted vs gold)",
        [
            f"  {m.article}: {m.text!r} ({m.kind}) {m.attribute}: {m.predicted!r} vs {m.gold!r}"
            for m in report.attribute_misses
        ],
    )
    _section(
        lines,
        "Visit misses",
        [f"  {v.article}: {v.visitor} to {_show(v.host_country)}" for v in report.visit_misses],
    )
    _section(
        lines,
        "Visit spurious",
        [f"  {v.article}: {v.visitor} to {_show(v.host_country)}" for v in report.visit_spurious],
    )
