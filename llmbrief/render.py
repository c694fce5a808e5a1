"""The brief: verified records → a Markdown brief with cited figures.

Pure: documents in, text out; no I/O, no clock. The layout and the citation
rule are specified in ``shared/design/brief.md``; :mod:`llmbrief.check`
checks the rule on the result (and on briefs edited afterwards).

How numbers stay cited:

* every figure is printed exactly as its ``text`` (hedge kept), with the
  footnotes of its record's evidence on the same line;
* every other field printed next to a figure (claimant, destination,
  purpose, date) is a string the verifier already checked: any number in it
  stands in the record's evidence;
* the brief's own words never contain numbers (no "3 sources", no dates):
  counts live in the front matter and in ``## About this brief``, which the
  rule exempts.

Footnotes are one per distinct evidence span (source path, start, end),
numbered in order of first reference. A footnote's quote is the raw slice
``source[start:end]`` with whitespace runs shown as one space, when the
caller passes the source texts; otherwise the evidence quote as recorded
(the checker compares normalized forms, so both pass).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from llmbrief.citations import Footnotes, Sourcing, md_escape
from llmbrief.consolidate import (
    KIND_ORDER,
    Claim,
    Consolidation,
    Discrepancy,
    consolidate,
    figure_size,
    is_shown,
    variants,
)
from llmbrief.models import (
    FIGURE_FIELDS,
    Casualties,
    Deployment,
    DiplomaticVisit,
    Document,
    EquipmentTransfer,
    Record,
)
from llmbrief.sentences import figure_text, is_adjective, key_point, personnel_words, place_phrase

__all__ = ["BriefStats", "brief_stats", "md_escape", "render_brief"]

DEFAULT_TITLE = "News brief"

#: The promise to the reader, said once in "About this brief".
PROMISE = (
    "Every number in this brief stands, as written, in the source sentence that its "
    "footnote quotes; records that failed this check are left out."
)

SECTION_TITLES = {
    "deployment": "Deployments",
    "equipment_transfer": "Equipment transfers",
    "casualties": "Casualties",
    "diplomatic_visit": "Diplomatic visits",
}

#: Status as a table cell.
_STATUS_LABELS: dict[str, dict[str, str]] = {
    "deployment": {"actual": "sent", "planned": "planned", "possible": "possible"},
    "equipment_transfer": {"actual": "supplied", "planned": "planned", "possible": "possible"},
    "casualties": {"actual": "reported", "planned": "expected", "possible": "possible"},
    "diplomatic_visit": {"actual": "took place", "planned": "planned", "possible": "possible"},
}

_MEASURE_WORDS = {
    "killed": "killed",
    "wounded": "wounded",
    "captured": "captured",
    "missing": "missing",
    "total": "casualties",
}

_MEASURE_CELLS = {**_MEASURE_WORDS, "total": "casualties (total)"}

_EMPTY_CELL = "—"


def _clean(text: str | None) -> str:
    return md_escape(text) if text else ""


# ---------------------------------------------------------------- tables
def _cell(text: str) -> str:
    return text if text else _EMPTY_CELL


def _figure(claim: Claim) -> str:
    return md_escape(claim.figure.text) if claim.figure is not None else ""


def _source_cell(claim: Claim) -> str:
    if claim.claimant:
        return _clean(claim.claimant)
    return "the article's headline" if claim.headline else "the article"


def _status_cell(record: Record) -> str:
    return _STATUS_LABELS[record.kind].get(record.status, record.status)


def _table_row(claim: Claim, notes: Footnotes) -> list[str]:
    r = claim.record
    fig = _figure(claim)
    common = [_status_cell(r), _source_cell(claim), _clean(r.date_text), notes.refs([claim])]
    if isinstance(r, Deployment):
        to = _clean(r.destination) or _clean(r.receiver)
        who = _clean(r.personnel_text) or personnel_words(r)
        head = [_clean(r.sender), to, who, fig, _clean(r.purpose)]
    elif isinstance(r, EquipmentTransfer):
        head = [_clean(r.supplier), _clean(r.recipient), _clean(r.item), r.category, fig]
    elif isinstance(r, Casualties):
        measure = _MEASURE_CELLS.get(claim.measure or "", "")
        head = [_clean(r.force), measure, fig, _clean(r.location)]
    else:
        assert isinstance(r, DiplomaticVisit)
        where = _clean(r.place) or _clean(r.host_country)
        visitor = _clean(claim.visitor or r.visitor)
        role = _clean(r.visitor if claim.visitor else r.visitor_role)
        head = [visitor, role, _clean(r.host), where, fig]
    return [_cell(c) for c in [*head, *common]]


_TABLE_HEADERS = {
    "deployment": ["From", "To", "Who (as written)", "How many", "Purpose"],
    "equipment_transfer": ["From", "To", "What (as written)", "Category", "How much"],
    "casualties": ["Whose losses", "Measure", "Figure", "Where"],
    "diplomatic_visit": ["Visitor", "Role", "Host", "Where", "How many times"],
}
_COMMON_HEADERS = ["Status", "According to", "When", "Sources"]


def _table(kind: str, claims: Sequence[Claim], notes: Footnotes) -> list[str]:
    headers = [*_TABLE_HEADERS[kind], *_COMMON_HEADERS]
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines.extend("| " + " | ".join(_table_row(c, notes)) + " |" for c in claims)
    return lines


# ---------------------------------------------------------------- discrepancies
_MEASURE_MEANING = {
    "total": "is a total of losses (killed and wounded together)",
    "killed": "counts deaths only",
    "wounded": "counts the wounded only",
}


def _what(claim: Claim) -> str:
    """The figure and what it counts, as written ("up to 25,000 workers")."""
    r = claim.record
    fig = figure_text(claim)
    if isinstance(r, Casualties):
        measure = _MEASURE_WORDS.get(claim.measure or "", "casualties")
        if r.force and is_adjective(r.force):
            return f"{fig} {_clean(r.force)} {measure}" if fig else _clean(r.force)
        among = f" among {_clean(r.force)}" if r.force else ""
        return f"{fig} {measure}{among}" if fig else _clean(r.force)
    if isinstance(r, Deployment):
        what = _clean(r.personnel_text) or personnel_words(r)
    elif isinstance(r, EquipmentTransfer):
        what = _clean(r.item) or r.category.replace("_", " ")
    else:
        return fig
    if fig and claim.figure is not None and claim.figure.qualifier == "vague":
        return f"{fig} of {what}"  # "thousands of North Korean troops"
    return f"{fig} {what}" if fig else what


def _side(variant: Sequence[Claim], src: Sourcing, meaning: str = "") -> str:
    text = f"{_what(variant[0])} ({src.according_to(variant)})"
    return f"{text} {meaning}" if meaning else text


def _description(d: Discrepancy, src: Sourcing) -> str:
    (fact,) = d.facts
    sides_v = variants(fact.claims)
    c = sides_v[0][0]
    r = c.record
    if isinstance(r, Deployment):
        where = place_phrase(r.destination) or _clean(r.receiver)
        label = f"Who is sent to {where}" if where else "Who is sent"
        things = "the people"
    else:
        label, things = "What is supplied", "the items"
    label += f" ({_figure(c)})" if c.figure is not None else ""
    sides = [_side(v, src) for v in sides_v]
    return (
        f"- **{label}:** the sources give the same figure but describe {things} "
        f"differently: {'; '.join(sides)}. The brief treats them as the same group and "
        "keeps each description as written."
    )


def _discrepancy(d: Discrepancy, src: Sourcing) -> str:
    if d.aspect == "description":
        return _description(d, src)
    if d.aspect == "measure":
        sides = [
            _side(v, src, _MEASURE_MEANING.get(f.measure or "", ""))
            for f in d.facts
            for v in variants(f.claims)
        ]
        return (
            f"- **Different measures, not conflicting figures:** {'; '.join(sides)}. "
            "The brief reports both and does not combine them."
        )
    claims = [c for f in d.facts for c in f.claims]
    ordered = sorted(variants(claims), key=lambda v: (figure_size(v[0].figure), v[0].order))
    sides = [_side(v, src) for v in ordered]
    label = (
        "Estimates differ"
        if len(d.facts) == 1
        else "Different figures for what looks like the same thing"
    )
    return (
        f"- **{label}:** {'; '.join(sides)}. "
        "The brief does not choose between them, sum or average them."
    )


# ---------------------------------------------------------------- counts
@dataclass(frozen=True)
class BriefStats:
    """What "About this brief" counts."""

    articles: int
    unreadable: tuple[str, ...]
    records: int
    shown: int
    failed: int
    unverified: int
    source_missing: int
    figures_verified: int
    figures_rejected: int
    figures_unchecked: int

    @property
    def left_out(self) -> int:
        return self.failed + self.unverified + self.source_missing


def brief_stats(documents: Sequence[Document], missing_sources: Sequence[str] = ()) -> BriefStats:
    """Count articles, records shown and left out, and figures verified and rejected."""
    missing = set(missing_sources)
    paths = {d.source.path for d in documents} | missing
    records = shown = failed = unverified = source_missing = 0
    fig_ok = fig_bad = fig_unchecked = 0
    for doc in documents:
        for r in doc.records:
            records += 1
            v = r.verification
            n_figures = sum(1 for name in FIGURE_FIELDS[r.kind] if getattr(r, name) is not None)
            if doc.source.path in missing:
                source_missing += 1
                fig_unchecked += n_figures
                continue
            if v is None:
                unverified += 1
                fig_unchecked += n_figures
                continue
            fig_ok += sum(1 for f in v.figures if f.status == "ok")
            fig_bad += sum(1 for f in v.figures if f.status != "ok")
            if is_shown(r):
                shown += 1
            elif v.verified:
                unverified += 1  # verified, but evidence offsets are missing
            else:
                failed += 1
    return BriefStats(
        articles=len(paths),
        unreadable=tuple(sorted(missing)),
        records=records,
        shown=shown,
        failed=failed,
        unverified=unverified,
        source_missing=source_missing,
        figures_verified=fig_ok,
        figures_rejected=fig_bad,
        figures_unchecked=fig_unchecked,
    )


def _provenance_values(documents: Sequence[Document], name: str) -> list[str]:
    values = {
        str(v)
        for d in documents
        if d.provenance is not None and (v := getattr(d.provenance, name)) is not None
    }
    return sorted(values)


def _prompt_versions(documents: Sequence[Document]) -> list[str]:
    found: set[str] = set()
    for d in documents:
        p = d.provenance
        if p is None:
            continue
        if p.prompts:
            found.update(f"{ref.name} {ref.version}" for ref in p.prompts)
        elif p.prompt_version:
            found.add(f"{p.prompt} {p.prompt_version}" if p.prompt else p.prompt_version)
    return sorted(found)


def _timestamp(when: datetime) -> tuple[str, str]:
    """(ISO form for front matter, human form for About)."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
        return when.strftime("%Y-%m-%dT%H:%M:%SZ"), when.strftime("%Y-%m-%d %H:%M UTC")
    return when.strftime("%Y-%m-%dT%H:%M:%S"), when.strftime("%Y-%m-%d %H:%M")


def _yaml(value: str | int) -> str:
    return str(value) if isinstance(value, int) else json.dumps(value, ensure_ascii=False)


def _front_matter(
    title: str,
    stats: BriefStats,
    consolidation: Consolidation,
    documents: Sequence[Document],
    generated_at: datetime | None,
) -> list[str]:
    items: list[tuple[str, str | int]] = [("title", title)]
    if generated_at is not None:
        items.append(("date", _timestamp(generated_at)[0]))
    items += [
        ("articles", stats.articles),
        ("articles_unreadable", len(stats.unreadable)),
        ("records", stats.records),
        ("records_shown", stats.shown),
        ("records_left_out", stats.left_out),
        ("figures_verified", stats.figures_verified),
        ("figures_rejected", stats.figures_rejected),
        ("facts", len(consolidation.facts)),
        ("discrepancies", len(consolidation.discrepancies)),
    ]
    for key, values in (
        ("model", _provenance_values(documents, "model")),
        ("backend", _provenance_values(documents, "backend")),
        ("prompt_version", _prompt_versions(documents)),
    ):
        if values:
            items.append((key, ", ".join(values)))
    return ["---", *(f"{k}: {_yaml(v)}" for k, v in items), "---", ""]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _about(
    stats: BriefStats,
    consolidation: Consolidation,
    documents: Sequence[Document],
    generated_at: datetime | None,
) -> list[str]:
    read = stats.articles - len(stats.unreadable)
    articles = f"{read} read"
    if stats.unreadable:
        articles += f", {len(stats.unreadable)} could not be read ({', '.join(stats.unreadable)})"
    left = []
    if stats.failed:
        left.append(f"{stats.failed} failed verification")
    if stats.unverified:
        left.append(f"{stats.unverified} not verified")
    if stats.source_missing:
        left.append(f"{stats.source_missing} from articles that could not be read")
    left_out = f"{stats.left_out} left out" + (f" ({'; '.join(left)})" if left else "")
    figures = f"{stats.figures_verified} verified, {stats.figures_rejected} rejected"
    if stats.figures_unchecked:
        figures += f", {stats.figures_unchecked} not checked"
    models = _provenance_values(documents, "model")
    backends = _provenance_values(documents, "backend")
    prompts = _prompt_versions(documents)
    no_prov = sum(1 for d in documents if d.provenance is None)
    made = (
        f"model {', '.join(models) or 'not recorded'}"
        f" (backend {', '.join(backends) or 'not recorded'}),"
        f" prompt {', '.join(prompts) or 'not recorded'}"
    )
    if no_prov:
        made += f"; {_plural(no_prov, 'article')} without provenance"
    lines = [
        "## About this brief",
        "",
        PROMISE,
        "",
        f"- Articles: {articles}.",
        f"- Records: {stats.records} extracted, {stats.shown} verified and shown, {left_out}.",
        f"- Figures: {figures}.",
        f"- Facts: {len(consolidation.facts)} (claims that state the same fact are grouped), "
        f"{_plural(len(consolidation.discrepancies), 'discrepancy', 'discrepancies')}.",
        f"- Made with: {md_escape(made)}.",
    ]
    if generated_at is not None:
        lines.append(f"- Generated: {_timestamp(generated_at)[1]}.")
    lines.append(
        "- Footnotes give character offsets into the source file (from 0, end exclusive) "
        "and the quote found there; nothing was summed or averaged."
    )
    return lines


# ---------------------------------------------------------------- the brief
def render_brief(
    documents: Sequence[Document],
    *,
    title: str | None = None,
    generated_at: datetime | None = None,
    missing_sources: Sequence[str] = (),
    sources: Mapping[str, str] | None = None,
    front_matter: bool = True,
) -> str:
    """Write the Markdown brief of already verified documents.

    Only records whose ``verification.verified`` is true (and whose evidence
    has offsets) are shown; the others are counted in "About this brief".
    ``missing_sources`` names source files that could not be read: their
    records are left out and counted. ``sources`` maps source paths to their
    raw text, so that footnotes quote the exact raw slice and headlines are
    found (optional). The same input gives the same bytes.
    """
    missing = set(missing_sources)
    docs = sorted(documents, key=lambda d: d.source.path)
    readable = [d for d in docs if d.source.path not in missing]
    consolidation = consolidate(readable, sources)
    stats = brief_stats(docs, missing_sources)
    title = title or DEFAULT_TITLE
    notes = Footnotes(sources)
    src = Sourcing(notes, consolidation.articles)

    out: list[str] = []
    if front_matter:
        out += _front_matter(title, stats, consolidation, docs, generated_at)
    out += [f"# {md_escape(title)}", "", "## Key points", ""]
    points = consolidation.key_points()
    if points:
        out += [key_point(f, src) for f in points]
        if len(points) < len(consolidation.facts):
            out += ["", "The tables below give every reported figure, these included."]
    else:
        out.append("No verified records to report.")
    out.append("")

    ordered = [c for f in consolidation.facts for v in variants(f.claims) for c in v]
    for kind in sorted(SECTION_TITLES, key=KIND_ORDER.__getitem__):
        claims = [c for c in ordered if c.kind == kind]
        if claims:
            out += [f"## {SECTION_TITLES[kind]}", "", *_table(kind, claims, notes), ""]

    if consolidation.discrepancies:
        out += ["## Discrepancies", ""]
        out += [_discrepancy(d, src) for d in consolidation.discrepancies]
        out.append("")

    # brief.md's order: Sources, then About this brief. (Renderers that gather
    # footnotes at the end of the page show them below About; the Markdown itself,
    # which is what gets pasted into a newsletter, keeps the spec's order.)
    definitions = notes.definitions()
    if definitions:
        out += ["## Sources", "", *definitions, ""]
    out += _about(stats, consolidation, docs, generated_at)
    return "\n".join(out) + "\n"
