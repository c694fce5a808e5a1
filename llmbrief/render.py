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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from llmbrief.check import QUOTE_TRIM
from llmbrief.consolidate import (
    KIND_ORDER,
    Claim,
    Consolidation,
    Discrepancy,
    Fact,
    claims_from_documents,
    consolidate_claims,
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
    Figure,
    Record,
)

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

#: Verb phrases, by kind and status, for a sentence whose subject is the actor.
_VERBS: dict[str, dict[str, str]] = {
    "deployment": {
        "actual": "has sent",
        "planned": "plans to send",
        "possible": "may send",
        "denied": "denies sending",
    },
    "equipment_transfer": {
        "actual": "has supplied",
        "planned": "plans to supply",
        "possible": "may supply",
        "denied": "denies supplying",
    },
    "diplomatic_visit": {
        "actual": "visited",
        "planned": "plans to visit",
        "possible": "may visit",
        "denied": "denies visiting",
    },
    "casualties": {
        "actual": "reported",
        "planned": "expected",
        "possible": "possible",
        "denied": "denied",
    },
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

_PERSONNEL_WORDS = {
    "combat_troops": "combat troops",
    "special_forces": "special forces",
    "construction_workers": "construction workers",
    "other": "personnel",
}

_EMPTY_CELL = "—"
_NO_CLAIMANT = "source not named"
_UNNAMED_REPORT = "a report that names no source"

_WS = re.compile(r"\s+")
_ESCAPE = re.compile(r"[\\`*\[\]<>|&~]|(?<![^\W_])_|_(?![^\W_])")


def md_escape(text: str) -> str:
    """Text as inline Markdown that renders as itself, on one line.

    Whitespace runs become one space; Markdown punctuation is backslash-escaped
    (an underscore only where it could start or end emphasis, so file names
    like ``004_49bd.txt`` stay readable). :func:`llmbrief.check.md_unescape`
    reverses it.
    """
    return _ESCAPE.sub(lambda m: "\\" + m.group(0), _WS.sub(" ", text).strip())


def _clean(text: str | None) -> str:
    return md_escape(text) if text else ""


# ---------------------------------------------------------------- footnotes
@dataclass
class _Footnotes:
    """Footnotes, one per evidence span, numbered in order of first reference."""

    sources: Mapping[str, str] | None
    numbers: dict[tuple[str, int, int], int] = field(default_factory=dict)
    quotes: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def refs(self, claims: Sequence[Claim]) -> str:
        out: list[str] = []
        for claim in sorted(claims, key=lambda c: c.order):
            for ev in claim.record.evidence:
                assert ev.start is not None and ev.end is not None  # is_shown() guarantees it
                key = (claim.source, ev.start, ev.end)
                if key not in self.numbers:
                    self.numbers[key] = len(self.numbers) + 1
                    self.quotes[key] = self._quote(key, ev.quote)
                ref = f"[^{self.numbers[key]}]"
                if ref not in out:
                    out.append(ref)
        return "".join(out)

    def _quote(self, key: tuple[str, int, int], recorded: str) -> str:
        path, start, end = key
        text = self.sources.get(path) if self.sources is not None else None
        if text is not None and 0 <= start < end <= len(text):
            return text[start:end]
        # The range stops where the verifier trimmed the quote; so does the shown quote.
        return recorded.strip(QUOTE_TRIM)

    def definitions(self) -> list[str]:
        lines = []
        for key, n in sorted(self.numbers.items(), key=lambda item: item[1]):
            path, start, end = key
            quote = md_escape(self.quotes[key])
            lines.append(f'[^{n}]: {md_escape(path)}, chars {start}–{end}: "{quote}"')
        return lines


# ---------------------------------------------------------------- phrases
def _figure(fig: Figure | None) -> str:
    return md_escape(fig.text) if fig is not None else ""


def _join(words: Sequence[str], conj: str = "and") -> str:
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conj} " + words[-1]


def _personnel(r: Deployment) -> str:
    if r.personnel_text:
        return _clean(r.personnel_text)
    return _PERSONNEL_WORDS.get(r.personnel, r.personnel)


def _purpose(purpose: str | None) -> str:
    if not purpose:
        return ""
    text = _clean(purpose)
    first = text.split(" ", 1)[0].lower()
    return f" {text}" if first in ("to", "for", "in", "as") else f" for {text}"


def _date(date_text: str | None) -> str:
    return f" ({_clean(date_text)})" if date_text else ""


def _what(claim: Claim) -> str:
    """The figure and what it counts, without subject or verb ("up to 25,000 workers")."""
    r = claim.record
    fig = _figure(claim.figure)
    if isinstance(r, Deployment):
        what = _personnel(r)
    elif isinstance(r, EquipmentTransfer):
        what = _clean(r.item) or r.category.replace("_", " ")
    elif isinstance(r, Casualties):
        measure = _MEASURE_WORDS.get(claim.measure or "", "casualties")
        return f"{fig} {measure} among {_clean(r.force)}" if fig else _clean(r.force)
    else:
        return fig or f"a visit by {_clean(r.visitor)}"
    if fig and claim.figure is not None and claim.figure.qualifier == "vague":
        return f"{fig} of {what}"  # "thousands of North Korean troops"
    return f"{fig} {what}" if fig else what


def _sentence(claim: Claim) -> str:
    """The lead clause of a fact: who – does what – the figure as written – where, when."""
    r = claim.record
    verb = _VERBS[r.kind][r.status]
    fig = _figure(claim.figure)
    if isinstance(r, Deployment):
        where = _clean(r.destination) or _clean(r.receiver)
        to = f" to {where}" if where else ""  # the source does not say where: neither do we
        who = _clean(r.sender) or "An unnamed country"
        return f"{who} {verb} {_what(claim)}{to}{_purpose(r.purpose)}{_date(r.date_text)}"
    if isinstance(r, EquipmentTransfer):
        who = _clean(r.supplier) or "An unnamed country"
        to = f" to {_clean(r.recipient)}" if r.recipient else ""
        return f"{who} {verb} {_what(claim)}{to}{_date(r.date_text)}"
    if isinstance(r, Casualties):
        measure = _MEASURE_WORDS.get(claim.measure or "", "casualties")
        figure = f"{fig} {measure}" if fig else "losses"
        where = f" in {_clean(r.location)}" if r.location else ""
        status = f" ({verb})" if r.status != "actual" else ""
        whose = _clean(r.force) or "Unattributed losses"
        return f"{whose}: {figure}{where}{status}{_date(r.date_text)}"
    assert isinstance(r, DiplomaticVisit)
    who = f"{_clean(r.visitor_role)} {_clean(r.visitor)}" if r.visitor_role else _clean(r.visitor)
    where = _clean(r.place) or _clean(r.host_country) or "an unnamed country"
    times = f" {fig}" if fig else ""
    host = f", meeting {_clean(r.host)}" if r.host else ""
    return f"{who} {verb} {where}{times}{_date(r.date_text)}{host}"


def _attribution(claims: Sequence[Claim], notes: _Footnotes, *, inline: bool = False) -> str:
    """Who says so, each with the footnotes of their claims.

    Appended to a clause (``inline=False``): ", according to A[^1] and B[^2]"
    or " (source not named)[^3]". Inside parentheses (``inline=True``):
    "according to A[^1]" or "source not named[^3]".
    """
    named: dict[str, list[Claim]] = {}
    unnamed: list[Claim] = []
    for c in sorted(claims, key=lambda c: c.order):
        if c.claimant:
            named.setdefault(c.claimant, []).append(c)
        else:
            unnamed.append(c)
    parts = [f"{_clean(name)}{notes.refs(cs)}" for name, cs in named.items()]
    if unnamed and parts:
        parts.append(f"{_UNNAMED_REPORT}{notes.refs(unnamed)}")
    if parts:
        text = f"according to {_join(parts)}"
        return text if inline else f", {text}"
    refs = notes.refs(unnamed)
    return f"{_NO_CLAIMANT}{refs}" if inline else f" ({_NO_CLAIMANT}){refs}"


def _with_attribution(claim: Claim, attribution: str) -> str:
    """The lead clause and its attribution; "(June 17) (source not named)" becomes one aside."""
    clause = _sentence(claim)
    date = _date(claim.record.date_text)
    if date and clause.endswith(date) and attribution.startswith(" ("):
        return f"{clause[:-1]}; {attribution[2:]}"
    return clause + attribution


def _variant_note(variant: Sequence[Claim], lead: Claim, notes: _Footnotes) -> str:
    c = variant[0]
    status = ""
    if c.record.status != lead.record.status:
        status = _VERBS[c.kind][c.record.status] + "; "
    return f"{_what(c)} ({status}{_attribution(variant, notes, inline=True)})"


def _key_point(group: Sequence[Fact], consolidation: Consolidation, notes: _Footnotes) -> str:
    claims = [c for f in group for c in f.claims]
    lead_variant, *others = variants(claims)
    lead = lead_variant[0]
    text = _with_attribution(lead, _attribution(lead_variant, notes))
    if others:
        text += "; also reported as " + _join([_variant_note(v, lead, notes) for v in others])
    text += "."
    if len(group) > 1:
        who = "who is sent" if lead.kind == "deployment" else "what is supplied"
        text += f" The sources describe {who} differently (see Discrepancies)."
    else:
        aspects = {d.aspect for f in group for d in consolidation.discrepancies_of(f)}
        if "measure" in aspects:
            text += " A different measure from other casualty figures here (see Discrepancies)."
        elif aspects:
            text += " Other sources give different figures (see Discrepancies)."
    return f"- {text}"


# ---------------------------------------------------------------- tables
def _cell(text: str) -> str:
    return text if text else _EMPTY_CELL


def _claimant_cell(claim: Claim) -> str:
    return _clean(claim.claimant) if claim.claimant else _NO_CLAIMANT


def _status_cell(record: Record) -> str:
    return _STATUS_LABELS[record.kind].get(record.status, record.status)


def _table_row(claim: Claim, notes: _Footnotes) -> list[str]:
    r = claim.record
    fig = _figure(claim.figure)
    common = [
        _status_cell(r),
        _claimant_cell(claim),
        _clean(r.date_text),
        notes.refs([claim]),
    ]
    if isinstance(r, Deployment):
        to = _clean(r.destination) or _clean(r.receiver)
        head = [_clean(r.sender), to, _personnel(r), fig, _clean(r.purpose)]
    elif isinstance(r, EquipmentTransfer):
        head = [_clean(r.supplier), _clean(r.recipient), _clean(r.item), r.category, fig]
    elif isinstance(r, Casualties):
        measure = _MEASURE_CELLS.get(claim.measure or "", "")
        head = [_clean(r.force), measure, fig, _clean(r.location)]
    else:
        assert isinstance(r, DiplomaticVisit)
        where = _clean(r.place) or _clean(r.host_country)
        head = [_clean(r.visitor), _clean(r.visitor_role), _clean(r.host), where, fig]
    return [_cell(c) for c in [*head, *common]]


_TABLE_HEADERS = {
    "deployment": ["From", "To", "Who (as written)", "How many", "Purpose"],
    "equipment_transfer": ["From", "To", "What (as written)", "Category", "How much"],
    "casualties": ["Whose losses", "Measure", "Figure", "Where"],
    "diplomatic_visit": ["Visitor", "Role", "Host", "Where", "How many times"],
}
_COMMON_HEADERS = ["Status", "According to", "When", "Sources"]


def _table(kind: str, claims: Sequence[Claim], notes: _Footnotes) -> list[str]:
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


def _side(variant: Sequence[Claim], notes: _Footnotes, meaning: str = "") -> str:
    text = f"{_what(variant[0])} ({_attribution(variant, notes, inline=True)})"
    return f"{text} {meaning}" if meaning else text


def _group_variants(facts: Sequence[Fact]) -> list[tuple[Claim, ...]]:
    return variants([c for f in facts for c in f.claims])


def _discrepancy(d: Discrepancy, notes: _Footnotes) -> str:
    if d.aspect == "description":
        sides_v = _group_variants(d.facts)
        r = sides_v[0][0].record
        if isinstance(r, Deployment):
            where = _clean(r.destination) or _clean(r.receiver)
            label = f"Who is sent to {where}" if where else "Who is sent"
            label += f" ({_figure(sides_v[0][0].figure)})"
            things = "the people"
        else:
            label, things = "What is supplied", "the items"
        sides = [_side(v, notes) for v in sides_v]
        return (
            f"- **{label}:** the sources give the same figure but describe {things} "
            f"differently: {'; '.join(sides)}. They may be the same group; the brief does "
            "not choose between the descriptions."
        )
    if d.aspect == "measure":
        sides = [
            _side(v, notes, _MEASURE_MEANING.get(f.measure or "", ""))
            for f in d.facts
            for v in variants(f.claims)
        ]
        return (
            f"- **Different measures, not conflicting figures:** {'; '.join(sides)}. "
            "The brief reports both and does not combine them."
        )
    sides = [_side(v, notes) for v in _group_variants(d.facts)]
    return (
        f"- **Different figures for what looks like the same thing:** {'; '.join(sides)}. "
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
    raw text, so that footnotes quote the exact raw slice (optional).
    The same input gives the same bytes.
    """
    missing = set(missing_sources)
    docs = sorted(documents, key=lambda d: d.source.path)
    readable = [d for d in docs if d.source.path not in missing]
    consolidation = consolidate_claims(claims_from_documents(readable))
    stats = brief_stats(docs, missing_sources)
    title = title or DEFAULT_TITLE
    notes = _Footnotes(sources)

    out: list[str] = []
    if front_matter:
        out += _front_matter(title, stats, consolidation, docs, generated_at)
    out += [f"# {md_escape(title)}", "", "## Key points", ""]
    groups = consolidation.key_point_groups()
    if groups:
        out += [_key_point(g, consolidation, notes) for g in groups]
    else:
        out.append("No verified records to report.")
    out.append("")

    ordered = [c for g in groups for v in _group_variants(g) for c in v]
    for kind in sorted(SECTION_TITLES, key=KIND_ORDER.__getitem__):
        claims = [c for c in ordered if c.kind == kind]
        if claims:
            out += [f"## {SECTION_TITLES[kind]}", "", *_table(kind, claims, notes), ""]

    if consolidation.discrepancies:
        out += ["## Discrepancies", ""]
        out += [_discrepancy(d, notes) for d in consolidation.discrepancies]
        out.append("")

    # brief.md's order: Sources, then About this brief. (Renderers that gather
    # footnotes at the end of the page show them below About; the Markdown itself,
    # which is what gets pasted into a newsletter, keeps the spec's order.)
    definitions = notes.definitions()
    if definitions:
        out += ["## Sources", "", *definitions, ""]
    out += _about(stats, consolidation, docs, generated_at)
    return "\n".join(out) + "\n"
