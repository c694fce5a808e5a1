"""The text report ``llmbrief eval`` prints, for either gold format.

Takes an :class:`~llmbrief.evaluate.EvalReport` (seeds format) or a
:class:`~llmbrief.devreport.DevReport` (dev-set format); gives the score table
and the lists of misses, spurious figures, mismatches and duplicates, one item
a line (:func:`format_report`). :func:`report_header` is the opening both
formats share.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from llmbrief.evaluate import EvalReport, Score

if TYPE_CHECKING:
    from llmbrief.devreport import DevReport


def _rate(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _row(label: str, s: Score) -> str:
    return (
        f"{label:<20} {_rate(s.precision):>6} {_rate(s.recall):>6} {_rate(s.f1):>6} "
        f"{s.tp:>4} {s.fp:>4} {s.fn:>4} {s.support:>8}"
    )


def _fig(file: str, text: str, kind: str, field: str) -> str:
    return f"  {file}: {text!r} ({kind}.{field})"


def format_report(report: EvalReport | DevReport) -> str:
    """A readable text report of either format's report."""
    if isinstance(report, EvalReport):
        return _format_seeds(report)
    from llmbrief.devreport import format_devreport

    return format_devreport(report)


def report_header(
    scored: str,
    missing: tuple[Sequence[str], str],
    unscored: Sequence[str],
    unverified: tuple[int, int],
) -> list[str]:
    """The opening lines of either format's text report: what was scored, what has
    no documents (``missing``: the names and what is wrong with them), what is not
    in the gold, and the unverified (records, figures) never scored."""
    names, why = missing
    lines = [scored]
    if names:
        lines.append(f"WARNING: {len(names)} {why} and are not scored: {', '.join(names)}")
    if unscored:
        lines.append(f"Not in the gold (ignored): {', '.join(unscored)}")
    lines.append(
        f"Unverified (never scored): {unverified[0]} record(s), {unverified[1]} figure(s)."
    )
    return lines


def section(lines: list[str], title: str, items: list[str]) -> None:
    """Append one list of a text report: a blank line, its title and count, one item a line."""
    lines += ["", f"{title}: {len(items) if items else 'none'}", *items]


def _format_seeds(report: EvalReport) -> str:
    """A readable text report: the score table, then the lists, one item per line."""
    vague = "included" if report.include_vague else "excluded"
    lines = report_header(
        f"Scored {len(report.files)} gold file(s), {report.records} verified record(s); "
        f"vague figures {vague}.",
        (report.missing_files, "gold file(s) have no records"),
        report.unscored_paths,
        (report.unverified_records, report.unverified_figures),
    )
    lines += [
        "",
        f"{'Figures':<20} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4} {'support':>8}",
    ]
    for kind, score in report.figures.items():
        if score.tp or score.fp or score.fn:
            lines.append(_row(f"  {kind}", score))
    lines.append(_row("  overall", report.overall))
    if report.include_vague and report.overall_without_vague != report.overall:
        lines.append(_row("  overall, no vague", report.overall_without_vague))
    lines.append(_row("Visits", report.visits))
    extra = [f"{len(report.duplicates)} duplicate figure(s) (not counted)"]
    if report.field_mismatches:
        extra.append(f"{report.field_mismatches} match(es) in another field")
    if report.vague_ignored:
        extra.append(f"{report.vague_ignored} vague prediction(s) ignored")
    if report.visit_duplicates:
        extra.append(f"{len(report.visit_duplicates)} duplicate visit(s) (not counted)")
    lines += ["", "; ".join(extra) + "."]
    _seed_sections(lines, report)
    return "\n".join(lines) + "\n"


def _seed_sections(lines: list[str], report: EvalReport) -> None:
    """Append the lists of a seeds report: misses, spurious, mismatches, duplicates, visits."""
    section(
        lines,
        "Misses (gold not found)",
        [_fig(g.file, g.text, g.kind, g.field) for g in report.misses],
    )
    section(
        lines,
        "Spurious (predicted, not in gold)",
        [_fig(p.file, p.text, p.kind, p.field) for p in report.spurious],
    )
    section(
        lines,
        "Field mismatches (matched gold in another field)",
        [
            f"  {m.predicted.file}: {m.predicted.text!r} as {m.predicted.kind}."
            f"{m.predicted.field}, gold {m.gold.kind}.{m.gold.field}"
            for m in report.matches
            if not m.same_field
        ],
    )
    section(
        lines,
        "Duplicates (a matched gold figure found again; not counted)",
        [
            f"{_fig(d.predicted.file, d.predicted.text, d.predicted.kind, d.predicted.field)}"
            f" = gold {d.gold.text!r}"
            for d in report.duplicates
        ],
    )
    section(lines, "Visit misses", [f"  {v.file}: {v.visitor}" for v in report.visit_misses])
    section(lines, "Visit spurious", [f"  {v.file}: {v.visitor}" for v in report.visit_spurious])
