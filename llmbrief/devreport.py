"""The dev-set report: its models and its text form.

Takes nothing but what :mod:`llmbrief.devscore` fills in; gives :class:`DevReport`
(figure precision/recall/F1, attribute accuracies, visit precision/recall, every
miss) and :func:`format_devreport`, a readable text report.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from llmbrief.evaltext import report_header, section
from llmbrief.models import (
    Number,
)

# ---------------------------------------------------------------------------
# The report


def shown(text: str | None) -> str:
    """A value as the report prints it: ``null`` for none."""
    return "null" if text is None else text


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
# Text output


def _ratio(r: Ratio) -> str:
    rate = "-" if r.rate is None else f"{r.rate:.2f}"
    return f"{rate} ({r.num}/{r.den})"


def _score_line(label: str, s: DevScore) -> str:
    f1 = "-" if s.f1 is None else f"{s.f1:.2f}"
    return f"{label:<22} P {_ratio(s.precision):<16} R {_ratio(s.recall):<16} F1 {f1}"


def format_devreport(report: DevReport) -> str:
    """A readable text report: scores, attribute accuracies, then every miss, one a line."""
    vague = "included" if report.include_vague else "not required"
    lines = report_header(
        f"Scored {len(report.articles)} article(s), {report.records} verified record(s); "
        f"vague figures {vague}.",
        (report.missing_articles, "article(s) have no document"),
        report.unscored_paths,
        (report.unverified_records, report.unverified_figures),
    )
    lines += [
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
    section(
        lines,
        "Figure misses (required gold not found)",
        [f"  {m.article}: {m.text!r} ({m.kind}.{m.field})" for m in report.figure_misses],
    )
    section(
        lines,
        "Spurious figures (predicted, matching no gold)",
        [
            f"  {s.article}: {s.text!r} ({s.kind}.{s.field})"
            + (f" is not a record: {s.not_record!r} ({shown(s.why)})" if s.not_record else "")
            for s in report.spurious
        ],
    )
    section(
        lines,
        "Attribute misses (predicted vs gold)",
        [
            f"  {m.article}: {m.text!r} ({m.kind}) {m.attribute}: {m.predicted!r} vs {m.gold!r}"
            for m in report.attribute_misses
        ],
    )
    section(
        lines,
        "Visit misses",
        [f"  {v.article}: {v.visitor} to {shown(v.host_country)}" for v in report.visit_misses],
    )
    section(
        lines,
        "Visit spurious",
        [f"  {v.article}: {v.visitor} to {shown(v.host_country)}" for v in report.visit_spurious],
    )
