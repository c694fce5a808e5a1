"""The review page: records, their sources and the brief, in one HTML file to check by eye.

Takes documents of records, the text of each article (or why it could not be
used), and optionally a brief in Markdown; gives one self-contained HTML page
(inline style and script, nothing fetched) that shows each article's text with
every located evidence quote, figure and attribute span highlighted by record
kind, a card per record (hover a highlight for its record, click to select it),
the records that failed verification with their reasons, and the brief's facts
linked to the spans their footnotes cite.

Everything that comes from an article, a record or a brief is escaped: the page
shows it as text, never as markup.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from llmbrief.check import Citation, ParsedBrief, check_brief, parse_brief, parse_citation
from llmbrief.documents import sha256_text
from llmbrief.errors import InputError, LLMBriefError
from llmbrief.models import Document, Figure, Record
from llmbrief.review_assets import CSS, SCRIPT

__all__ = ["Article", "Span", "load_articles", "render_review", "spans_of"]

KIND_NAMES = {
    "deployment": "Deployment",
    "equipment_transfer": "Equipment transfer",
    "casualties": "Casualties",
    "diplomatic_visit": "Diplomatic visit",
}

#: Fields a card does not list as attributes (shown otherwise, or internal).
_NOT_LISTED = {"kind", "evidence", "spans", "verification"}


@dataclass(frozen=True)
class Article:
    """One document with the text its offsets point into, or why there is none."""

    document: Document
    text: str | None
    problem: str | None = None


@dataclass(frozen=True)
class Span:
    """A highlighted range of an article: an evidence quote, a figure or an attribute."""

    id: int
    start: int
    end: int
    type: str  # evidence, figure, attribute, citation (a footnote of the brief)
    record: int  # index of the record in its document; -1 for a citation
    field: str
    verified: bool


def load_articles(documents: Iterable[Document], read: Callable[[str], str]) -> list[Article]:
    """Read each document's source and verify its records against it.

    ``read(path)`` returns an article's text (the CLI passes
    :func:`llmbrief.documents.read_article`) or raises
    :class:`~llmbrief.errors.LLMBriefError` or ``OSError``. A source that
    cannot be read, or whose sha256 differs from the one the records were made
    from, gives an article without text and a problem to show instead of
    highlights at offsets that would be wrong.
    """
    from llmbrief.verify import verify_document

    out: list[Article] = []
    for doc in documents:
        path = doc.source.path
        try:
            text = read(path)
        except (LLMBriefError, OSError, ValueError) as err:
            reason = str(err) or type(err).__name__
            out.append(Article(doc, None, f"The source cannot be read ({reason})."))
            continue
        if doc.source.sha256 and sha256_text(text) != doc.source.sha256:
            problem = (
                f"{path} has changed since these records were made (its sha256 is not "
                "the recorded one): its text is not shown, so that no offset points at "
                "the wrong words. Extract it again to review it."
            )
            out.append(Article(doc, None, problem))
            continue
        out.append(Article(verify_document(doc, text), text))
    return out


# ---------------------------------------------------------------- spans
def _verified(record: Record) -> bool:
    return record.verification is not None and record.verification.verified


def spans_of(
    document: Document, text_length: int, citations: Sequence[tuple[int, int]] = ()
) -> list[Span]:
    """Every located range of the document's records, inside ``[0, text_length]``.

    ``citations`` are the ranges a brief's footnotes cite in this article; they
    come last, as spans of type ``citation``.
    """
    out: list[Span] = []

    def add(start: int | None, end: int | None, kind: str, j: int, name: str, ok: bool) -> None:
        if start is not None and end is not None and 0 <= start < end <= text_length:
            out.append(Span(len(out), start, end, kind, j, name, ok))

    for j, record in enumerate(document.records):
        ok = _verified(record)
        for k, ev in enumerate(record.evidence):
            add(ev.start, ev.end, "evidence", j, f"evidence[{k}]", ok)
        if record.verification is not None:
            for fc in record.verification.figures:
                add(fc.start, fc.end, "figure", j, fc.field, ok and fc.status == "ok")
        for sp in record.spans:
            add(sp.start, sp.end, "attribute", j, sp.field, ok)
    for start, end in citations:
        add(start, end, "citation", -1, "cited by the brief", True)
    return out


# ---------------------------------------------------------------- HTML helpers
def esc(text: object) -> str:
    """Text as HTML text or attribute value (quotes escaped too)."""
    return html.escape(str(text), quote=True)


def _anchor(doc: int, start: int, end: int) -> str:
    return f"a{doc}-{start}-{end}"


def _sid(doc: int, span: Span) -> str:
    """A span's name on the page, unique across articles (``data-s`` values)."""
    return f"{doc}.{span.id}"


def _card_id(doc: int, record: int) -> str:
    return f"rec-{doc}-{record}"


def _run_class(active: Sequence[Span], records: Sequence[Record]) -> str:
    """Classes of a run of text covered by ``active``: the innermost span decides."""
    rank = {"figure": 0, "attribute": 1, "evidence": 2}
    mine = [s for s in active if s.record >= 0]
    if not mine:
        return "h cite"  # cited by the brief, no record's span
    top = min(mine, key=lambda s: (rank[s.type], s.end - s.start))
    classes = ["h", f"k-{records[top.record].kind}"]
    if any(s.type == "figure" for s in mine):
        classes.append("fig")
    if any(s.type == "attribute" for s in mine):
        classes.append("attr")
    if not top.verified:
        classes.append("unv")
    return " ".join(classes)


def highlighted_text(doc: int, text: str, spans: Sequence[Span], records: Sequence[Record]) -> str:
    """The article as HTML: runs of text, each covered run a ``span.h`` naming its spans.

    Overlapping ranges are cut at every boundary, so a run belongs to every span
    that covers it (``data-s``); each distinct range gets an empty anchor
    ``<a id="a{doc}-{start}-{end}">`` before its first run, for links.
    """
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    anchored: set[tuple[int, int]] = set()
    parts: list[str] = []
    for a, b in itertools.pairwise(cuts):
        for s in spans:
            if s.start == a and (s.start, s.end) not in anchored:
                anchored.add((s.start, s.end))
                same = " ".join(_sid(doc, t) for t in spans if (t.start, t.end) == (s.start, s.end))
                parts.append(f'<a id="{_anchor(doc, s.start, s.end)}" data-s="{same}"></a>')
        active = [s for s in spans if s.start <= a and b <= s.end]
        chunk = esc(text[a:b])
        if not active:
            parts.append(chunk)
            continue
        ids = " ".join(_sid(doc, s) for s in active)
        parts.append(f'<span class="{_run_class(active, records)}" data-s="{ids}">{chunk}</span>')
    return "".join(parts)


# ---------------------------------------------------------------- record cards
def _value(value: object) -> str:
    if isinstance(value, Figure):
        return value.text
    if isinstance(value, dict) and "text" in value:
        return str(value["text"])
    return str(value)


def _summary(record: Record) -> str:
    verdict = (
        '<span class="ok">verified</span>'
        if _verified(record)
        else '<span class="no">not verified</span>'
    )
    rows = []
    for name in type(record).model_fields:
        value = getattr(record, name)
        if name in _NOT_LISTED or value is None:
            continue
        rows.append(f"<dt>{esc(name.replace('_', ' '))}</dt><dd>{esc(_value(value))}</dd>")
    kind = KIND_NAMES[record.kind]
    return (
        f'<div class="summary k-{record.kind}"><span class="tag k">{esc(kind)}</span> {verdict}'
        f"<dl>{''.join(rows)}</dl></div>"
    )


def _problems(record: Record) -> str:
    if record.verification is None:
        return '<p class="no">Not checked against the source.</p>'
    items = [
        f"<li>{esc(p.message or p.status.replace('_', ' '))} "
        f"<small>({esc(p.field)}: {esc(p.status)})</small></li>"
        for p in record.verification.problems
    ]
    return f'<ul class="problems">{"".join(items)}</ul>' if items else ""


def _card(doc: int, j: int, record: Record, spans: Sequence[Span]) -> str:
    mine = [s for s in spans if s.record == j]
    ids = " ".join(_sid(doc, s) for s in mine)
    links = " ".join(f'<a href="#{_anchor(doc, s.start, s.end)}">{esc(s.field)}</a>' for s in mine)
    quotes = "".join(f"<blockquote>{esc(ev.quote)}</blockquote>" for ev in record.evidence)
    state = "verified" if _verified(record) else "unverified"
    return (
        f'<li class="card k-{record.kind} {state}" id="{_card_id(doc, j)}" data-s="{ids}">'
        f"{_summary(record)}{_problems(record)}{quotes}"
        f"<div>{'In the text: ' + links if links else 'Not located in the text.'}</div></li>"
    )


def _article(doc: int, article: Article, spans: Sequence[Span]) -> str:
    d = article.document
    title = f" — {esc(d.source.title)}" if d.source.title else ""
    head = f'<h2 id="doc-{doc}">{esc(d.source.path)}{title}</h2>'
    cards = "".join(_card(doc, j, r, spans) for j, r in enumerate(d.records))
    if article.text is None:
        return (
            f'<section class="doc">{head}<p class="notice bad">{esc(article.problem)}</p>'
            f'<ol class="cards">{cards}</ol></section>'
        )
    body = highlighted_text(doc, article.text, spans, d.records)
    return (
        f'<section class="doc">{head}<div class="article"><pre class="text" id="text-{doc}">'
        f"{body}</pre>"
        f'<ol class="cards">{cards}</ol></div></section>'
    )


def _unverified(articles: Sequence[Article]) -> str:
    items = []
    for doc, article in enumerate(articles):
        for j, r in enumerate(article.document.records):
            if _verified(r):
                continue
            first = (
                r.verification.problems[0] if r.verification and r.verification.problems else None
            )
            reason = (first.message or first.status) if first else "not checked against the source"
            more = len(r.verification.problems) - 1 if r.verification else 0
            extra = f" (and {more} more)" if more > 0 else ""
            items.append(
                f'<li><a href="#{_card_id(doc, j)}">{esc(article.document.source.path)}, '
                f"{esc(KIND_NAMES[r.kind].lower())} {j + 1}</a>: {esc(reason)}{esc(extra)}</li>"
            )
    if not items:
        body = "<h2>Not verified</h2><p>Every record is verified.</p>"
    else:
        body = (
            f"<h2>Not verified ({len(items)})</h2><p>These records are never shown as fact "
            f"in a brief.</p><ul>{''.join(items)}</ul>"
        )
    return f'<section id="unverified">{body}</section>'


# ---------------------------------------------------------------- the brief's facts
@dataclass
class _Brief:
    """The brief's footnotes: where each points in the page, or why nowhere."""

    citations: dict[str, Citation] = field(default_factory=dict)
    anchors: dict[str, str] = field(default_factory=dict)  # label -> anchor id
    missing: dict[str, str] = field(default_factory=dict)  # label -> reason
    ranges: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # doc -> cited


def _locate(brief: ParsedBrief, articles: Sequence[Article]) -> _Brief:
    """Each footnote's citation, and the article range it links to."""
    docs: dict[str, int] = {}
    for i, article in enumerate(articles):
        docs.setdefault(article.document.source.path, i)
    out = _Brief()
    for d in brief.definitions:
        c = parse_citation(d.label, d.line, d.body)
        if c is None:
            out.missing.setdefault(d.label, "not a citation")
            continue
        out.citations.setdefault(d.label, c)
        doc = docs.get(c.path)
        text = articles[doc].text if doc is not None else None
        if doc is None:
            out.missing.setdefault(d.label, f"{c.path} is not among the reviewed articles")
        elif text is None:
            out.missing.setdefault(d.label, f"the text of {c.path} is not available")
        elif not 0 <= c.start < c.end <= len(text):
            out.missing.setdefault(d.label, f"chars {c.start}–{c.end} are outside {c.path}")
        else:
            out.anchors.setdefault(d.label, _anchor(doc, c.start, c.end))
            out.ranges.setdefault(doc, []).append((c.start, c.end))
    return out


def _footnote(label: str, c: Citation, located: _Brief) -> str:
    where = f"{esc(c.path)}, chars {c.start}–{c.end}"
    if label in located.anchors:
        where = f'<a href="#{located.anchors[label]}">{where}</a>'
    else:
        where += f' <span class="missing">({esc(located.missing.get(label, ""))})</span>'
    return f'<li id="fn-{esc(label)}">[^{esc(label)}] {where}: “{esc(c.quote)}”</li>'


def _ref(label: str, located: _Brief) -> str:
    if label in located.anchors:
        return f'<a class="ref" href="#{located.anchors[label]}">[{esc(label)}]</a>'
    reason = located.missing.get(label, "not defined")
    return f'<span class="ref missing" title="{esc(reason)}">[{esc(label)}?]</span>'


def _check_result(markdown: str, articles: Sequence[Article]) -> str:
    """What ``llmbrief check`` says of the brief, against the texts shown on this page."""
    texts = {a.document.source.path: a.text for a in articles if a.text is not None}

    def read(path: str) -> str:
        if path not in texts:
            raise InputError(f"{path}: not among the reviewed articles with their text")
        return texts[path]

    violations = check_brief(markdown, read)
    if not violations:
        return '<p class="ok">The citation rule holds: every number is cited, every quote true.</p>'
    items = "".join(f"<li>line {v.line}: {esc(v.message)}</li>" for v in violations)
    return (
        f'<p class="no">The citation rule is broken ({len(violations)}):</p>'
        f'<ul class="problems">{items}</ul>'
    )


def _brief_section(markdown: str, brief: ParsedBrief, located: _Brief, check: str) -> str:
    sections: dict[str, list[str]] = {}
    for block in brief.blocks:
        if block.exempt or block.kind == "heading" or not block.refs:
            continue
        refs = "".join(_ref(label, located) for label in block.labels)
        text = " ".join(block.text.split())
        name = (block.section or "brief").capitalize()
        sections.setdefault(name, []).append(f"<li>{esc(text)}{refs}</li>")
    parts = [
        f'<h3>{esc(name)}</h3><ul class="facts">{"".join(items)}</ul>'
        for name, items in sections.items()
    ]
    notes = [_footnote(label, c, located) for label, c in located.citations.items()]
    if notes:
        parts.append(f'<h3>Footnotes</h3><ol class="footnotes">{"".join(notes)}</ol>')
    return (
        '<section id="brief"><h2>The brief, fact by fact</h2>'
        f"{check}<p>Each fact links to the evidence its footnotes cite.</p>"
        f"{''.join(parts)}</section>"
    )


# ---------------------------------------------------------------- the page
def _counts(articles: Sequence[Article], spans: Sequence[Sequence[Span]]) -> str:
    records = [r for a in articles for r in a.document.records]
    verified = sum(1 for r in records if _verified(r))
    unusable = sum(1 for a in articles if a.text is None)
    figures = sum(1 for ss in spans for s in ss if s.type == "figure" and s.verified)
    text = (
        f"{len(articles)} articles, {len(records)} records ({verified} verified), "
        f"{figures} verified figures highlighted"
    )
    if unusable:
        text += f"; {unusable} articles without their source text (see each)"
    return esc(text)


LEGEND = "".join(
    f'<span class="k k-{kind}">{esc(name)}</span>' for kind, name in KIND_NAMES.items()
) + (
    ' <span class="h fig k-deployment">figure</span> '
    '<span class="h attr k-deployment">attribute</span> '
    '<span class="h unv k-deployment">not verified</span> '
    '<span class="h cite">cited by the brief</span> '
)


def render_review(
    articles: Sequence[Article], *, brief: str | None = None, title: str | None = None
) -> str:
    """The review page of ``articles`` (and of ``brief``, when given) as one HTML document."""
    heading = esc(title or "Review of the records")
    sections: list[str] = []
    located = _Brief()
    if brief:
        parsed = parse_brief(brief)
        located = _locate(parsed, articles)
        check = _check_result(brief, articles)
        sections.append(_brief_section(brief, parsed, located, check))
    spans = [
        spans_of(a.document, len(a.text), located.ranges.get(i, ())) if a.text is not None else []
        for i, a in enumerate(articles)
    ]
    sections.append(_unverified(articles))
    sections += [_article(i, a, spans[i]) for i, a in enumerate(articles)]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # nothing may load from anywhere: the page is its own file
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>{heading}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{heading}</h1><p>{_counts(articles, spans)}</p>"
        f'<p class="legend">{LEGEND}'
        "Hover a highlight for its record; click it (or a card) to select.</p>"
        '<pre id="js-errors" hidden></pre></header>'
        f"<main>{''.join(sections)}</main>"
        f'<div id="tip" hidden></div><script>{SCRIPT}</script></body></html>\n'
    )
