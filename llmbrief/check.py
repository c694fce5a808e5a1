"""The brief checker: is every number in a Markdown brief cited, and every citation true?

Takes a brief as Markdown text and a function that reads source files; gives the
list of violations (empty when the brief passes). The brief is parsed as
Markdown (CommonMark with GFM tables, footnotes and YAML front matter, by
markdown-it-py), so an edit that keeps the rendered brief the same keeps the
verdict: reflowed paragraphs, reordered or reflowed footnotes, a table added.

The citation rule (``shared/design/brief.md``), as this module applies it. A
*block* is what a reader sees as one unit: a paragraph (also one inside a list
item or a block quote), a heading, a table row, a code block.

1. **Exempt parts.** The YAML front matter, every level-1 heading, and the
   section ``## About this brief`` (up to the next level-1 or level-2
   heading) are not checked for numbers. Footnote definitions are the
   citations themselves: the path and the character range in them are not
   numbers of the brief, and their quote is checked against the source
   instead (rule 4).
2. **Every number is cited.** Any other block that shows a number (digits,
   number words, "thrice", "hundreds"... exactly as :mod:`llmbrief.numbers`
   reads them for verification) carries at least one footnote reference
   ``[^label]``. Footnote references themselves, Markdown escapes and table
   pipes are not numbers; what counts is the text as rendered.
3. **Every number stands in a cited quote.** Each number in the block occurs,
   as whole tokens and after the verifier's normalization (NFC, whitespace,
   quotes, dashes; case-insensitive), in the quote of at least one footnote
   the block cites, with the same hedge right before it ("up to 25,000" is not
   "over 25,000", and "25,000" alone is not "up to 25,000").
4. **Every citation is true.** A footnote definition reads
   ``[^n]: PATH, chars START–END: "QUOTE"`` (one paragraph, which may be
   reflowed over several lines); the source file at PATH, sliced
   ``[START:END]``, equals QUOTE after normalization (both with spaces and
   sentence punctuation trimmed from their ends, as the verifier trims
   quotes when it locates them). A footnote in another form, one defined
   twice, a reference to an undefined footnote, a range outside the file and
   a source that cannot be read are violations (never crashes).

Violations name the line of the brief where the offending number, reference or
definition stands. Edited briefs pass as long as these hold: wording may change
freely.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from llmbrief.errors import LLMBriefError
from llmbrief.normalize import fold, normalize, normalize_fragment
from llmbrief.numbers import NumberSpan, is_whole_token, name_span, scan_numbers

__all__ = [
    "Block",
    "Citation",
    "Definition",
    "ParsedBrief",
    "Violation",
    "check_brief",
    "md_unescape",
    "parse_brief",
    "parse_citation",
]

EXEMPT_SECTION = "about this brief"

_REF = re.compile(r"\[\^([^\]\s]+)\]")
_CITATION = re.compile(
    r'^(?P<path>.+?),\s+chars\s+(?P<start>\d+)\s*[–-]\s*(?P<end>\d+):\s*"(?P<quote>.*)"\s*$'
)
_BARE_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")

#: Trimmed from both ends of a quote and of the cited slice before they are compared:
#: the verifier trims the same characters when it locates a quote, so a quote
#: may end with the sentence's full stop while the range stops before it.
QUOTE_TRIM = " .,;:!?\"'()[]*-"

CITATION_FORM = 'PATH, chars START–END: "QUOTE"'


@dataclass(frozen=True, order=True)
class Violation:
    """One broken rule at one line of the brief (lines count from 1)."""

    line: int
    message: str

    def format(self, path: str = "brief.md") -> str:
        """``PATH:LINE: message``, the one-line form the CLI prints."""
        return f"{path}:{self.line}: {self.message}"

    def __str__(self) -> str:
        return f"{self.line}: {self.message}"


@dataclass(frozen=True)
class Citation:
    """A footnote definition in citation form."""

    label: str
    line: int
    path: str
    start: int
    end: int
    quote: str


def md_unescape(text: str) -> str:
    """Undo Markdown backslash escapes (``\\*`` → ``*``), as a renderer would."""
    return _UNESCAPE.sub(r"\1", text)


def parse_citation(label: str, line: int, body: str) -> Citation | None:
    """Read ``PATH, chars START–END: "QUOTE"`` from a definition's rendered text.

    None when the body is not in that form. ``body`` is the text as rendered
    (escapes already undone, as :func:`parse_brief` gives it).
    """
    m = _CITATION.match(body)
    if m is None:
        return None
    return Citation(
        label=label,
        line=line,
        path=m["path"].strip(),
        start=int(m["start"]),
        end=int(m["end"]),
        quote=m["quote"],
    )


# ---------------------------------------------------------------- the brief as Markdown
@dataclass(frozen=True)
class Block:
    """One block of the brief as a reader sees it, with the footnotes it cites.

    ``text`` is the rendered text (escapes undone, emphasis marks and footnote
    references dropped, table cells joined by `` | ``); its line breaks are the
    source's, so ``line + text[:i].count("\\n")`` is the line of ``text[i]``.
    ``refs`` are the footnote labels referenced, each with the line it stands on.
    """

    line: int
    kind: str  # heading, paragraph, table_row, code
    text: str
    refs: tuple[tuple[str, int], ...]
    section: str | None  # the level-2 heading above it, lowercased; None before any
    exempt: bool
    in_list: bool = False

    @property
    def labels(self) -> list[str]:
        """The labels referenced, each once, in order."""
        return list(dict.fromkeys(label for label, _ in self.refs))


@dataclass(frozen=True)
class Definition:
    """A footnote definition: its label, its line, its first paragraph as rendered text."""

    label: str
    line: int
    body: str
    refs: tuple[tuple[str, int], ...] = ()


@dataclass
class ParsedBrief:
    """The blocks of a brief (footnote definitions apart), and its footnote definitions."""

    blocks: list[Block] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)


@functools.cache
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark").use(front_matter_plugin).use(footnote_plugin)
    md.enable(["table", "strikethrough"])
    # keep every definition where it stands (the tail drops unreferenced and
    # duplicate ones), and no inline ^[...] footnotes: a citation has a label
    md.disable(["footnote_tail", "footnote_inline"])
    return md


def _rendered(inline: Any, first_line: int) -> tuple[str, list[tuple[str, int]]]:
    """The text of an inline token as rendered, and its footnote references with lines."""
    parts: list[str] = []
    refs: list[tuple[str, int]] = []
    line = first_line
    for child in inline.children or []:
        kind = child.type
        if kind == "text":
            # a reference to an undefined label stays text: it is still a reference
            refs += [(m[1], line) for m in _REF.finditer(child.content)]
            parts.append(_REF.sub("", child.content))
        elif kind == "footnote_ref":
            refs.append((str(child.meta["label"]), line))
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
            line += 1
        elif kind in ("code_inline", "html_inline", "image"):
            parts.append(child.content)
    return "".join(parts), refs


def _line(token: Any) -> int:
    return int(token.map[0]) + 1 if token.map else 1


class _Walker:
    """Turns markdown-it's token stream into blocks and definitions."""

    def __init__(self) -> None:
        self.out = ParsedBrief()
        self.section: str | None = None
        self.exempt_section = False
        self.lists = 0
        #: the definitions open around the current token: label, line, and whether the
        #: body (its first paragraph) was read
        self.definitions: list[tuple[str, int, bool]] = []
        self.row: list[str] | None = None
        self.row_refs: list[tuple[str, int]] = []
        self.row_line = 1

    def block(self, line: int, kind: str, text: str, refs: list[tuple[str, int]]) -> None:
        exempt = self.exempt_section or kind == "h1"
        self.out.blocks.append(
            Block(
                line=line,
                kind="heading" if kind in ("h1", "h2") else kind,
                text=text,
                refs=tuple(refs),
                section=self.section,
                exempt=exempt,
                in_list=self.lists > 0,
            )
        )

    def walk(self, tokens: list[Any]) -> ParsedBrief:
        for i, tok in enumerate(tokens):
            kind = tok.type
            if kind == "footnote_reference_open":
                self.definitions.append((str(tok.meta["label"]), _line(tok), False))
            elif kind == "footnote_reference_close":
                label, line, has_body = self.definitions.pop()
                if not has_body:  # "[^7]:" and nothing after it
                    self.out.definitions.append(Definition(label, line, ""))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.lists += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists -= 1
            elif kind == "heading_open":
                self.heading(tok, tokens[i + 1])
            elif kind == "tr_open":
                self.row, self.row_refs, self.row_line = [], [], _line(tok)
            elif kind == "tr_close" and self.row is not None:
                self.block(self.row_line, "table_row", " | ".join(self.row), self.row_refs)
                self.row = None
            elif kind in ("fence", "code_block", "html_block"):
                refs = [(m[1], _line(tok)) for m in _REF.finditer(tok.content)]
                self.block(_line(tok) + (kind == "fence"), "code", tok.content, refs)
            elif kind == "inline" and tokens[i - 1].type != "heading_open":
                self.inline(tok)
        return self.out

    def heading(self, tok: Any, inline: Any) -> None:
        level = int(tok.tag[1:])
        text, refs = _rendered(inline, _line(tok))
        if level <= 2:
            self.section = text.strip().lower() if level == 2 else None
            self.exempt_section = self.section == EXEMPT_SECTION
        self.block(_line(tok), "h1" if level == 1 else "h2", text, refs)

    def inline(self, tok: Any) -> None:
        text, refs = _rendered(tok, _line(tok))
        if self.row is not None:  # a table cell
            self.row.append(text)
            self.row_refs += refs
        elif self.definitions and not self.definitions[-1][2]:  # a definition's first paragraph
            label, line, _ = self.definitions[-1]
            self.definitions[-1] = (label, line, True)
            body = " ".join(text.split("\n"))
            self.out.definitions.append(Definition(label, line, body, tuple(refs)))
        else:
            self.block(_line(tok), "paragraph", text, refs)


def parse_brief(markdown: str) -> ParsedBrief:
    """The blocks and footnote definitions of a brief, read as Markdown."""
    return _Walker().walk(_parser().parse(markdown))


@dataclass
class _Quote:
    norm: str
    folded: str
    spans: list[NumberSpan]


def _prepare(text: str) -> _Quote:
    norm = normalize_fragment(text)
    folded = fold(norm)
    return _Quote(norm, folded, scan_numbers(norm, folded))


def _hedge(span: NumberSpan) -> str | None:
    return span.hedge.lower() if span.hedge else None


def _forms(core: str, quote: _Quote) -> tuple[list[tuple[str | None, str]], list[str]]:
    """How a quote writes the number ``core`` (folded).

    Returns the whole number expressions of the quote whose digits or number
    words are exactly ``core`` (with the hedge before each, and the expression
    as written), and the larger expressions that contain ``core`` only inside
    them ("10,000" in "10,000 to 12,000").
    """
    whole: list[tuple[str | None, str]] = []
    inside: list[str] = []
    start = quote.folded.find(core)
    while start >= 0:
        end = start + len(core)
        if is_whole_token(quote.folded, start, end):
            span = next((s for s in quote.spans if s.core_start == start), None)
            if span is not None and span.core_end == end:
                whole.append((_hedge(span), quote.norm[span.start : span.core_end]))
            else:
                around = next((s for s in quote.spans if s.start <= start and end <= s.end), None)
                if around is not None:
                    inside.append(quote.norm[around.start : around.end])
        start = quote.folded.find(core, start + 1)
    return whole, inside


def _digits_in(digits: str, quote: _Quote) -> bool:
    start = quote.folded.find(digits)
    while start >= 0:
        if is_whole_token(quote.folded, start, start + len(digits)):
            return True
        start = quote.folded.find(digits, start + 1)
    return False


def _refs_label(labels: list[str]) -> str:
    refs = ", ".join(f"[^{label}]" for label in labels)
    return f"the quote of {refs}" if len(labels) == 1 else f"the quotes of {refs}"


_WHERE = {"paragraph": "paragraph", "heading": "heading", "table_row": "table row"}


def _uncited(block: Block, line: int, shown: str, labels: list[str]) -> Violation:
    where = _WHERE.get(block.kind, "code block")
    if labels:
        return Violation(line, f'"{shown}" is not cited (no footnote with a quote in this {where})')
    return Violation(line, f'"{shown}" is not cited (no footnote in this {where})')


def _line_of(block: Block, needle: str) -> int:
    """The line of the block that shows ``needle`` (folded); its first line if none does."""
    for offset, line in enumerate(block.text.split("\n")):
        if needle in fold(normalize_fragment(line)):
            return block.line + offset
    return block.line


def _check_numbers(
    block: Block, citations: dict[str, Citation], quotes: dict[str, _Quote]
) -> list[Violation]:
    labels = block.labels
    norm = normalize_fragment(block.text)
    folded = fold(norm)
    spans = scan_numbers(norm, folded)
    cited = [label for label in labels if label in citations]
    out: list[Violation] = []
    for span in spans:
        shown = norm[span.start : span.end].strip()
        core = folded[span.core_start : span.core_end]
        line = _line_of(block, core)
        if not cited:
            out.append(_uncited(block, line, shown, labels))
            continue
        hedge = _hedge(span)
        whole: list[tuple[str, str]] = []
        inside: list[tuple[str, str]] = []
        for label in cited:
            w, i = _forms(core, quotes[label])
            if any(h == hedge for h, _ in w):
                break
            whole += [(label, expr) for _, expr in w]
            inside += [(label, expr) for expr in i]
        else:
            message = f'"{shown}" is not in {_refs_label(cited)}'
            if whole:
                message += f' ([^{whole[0][0]}] has "{whole[0][1]}")'
            elif inside:
                message += f' ([^{inside[0][0]}] has it only inside "{inside[0][1]}")'
            out.append(Violation(line, message))
    # Digits that are not part of a number expression ("Geran-2"): still cited.
    covered = [(sp.start, sp.end) for sp in spans]
    for m in _BARE_DIGITS.finditer(folded):
        if any(s <= m.start() and m.end() <= e for s, e in covered):
            continue
        a, b = name_span(folded, m.start(), m.end())  # "TB2s", "UH-1Y": whole
        digits = folded[a:b]
        shown = norm[a:b] if len(norm) == len(folded) else digits
        line = _line_of(block, digits)
        if not cited:
            out.append(_uncited(block, line, shown, labels))
        elif not any(_digits_in(digits, quotes[label]) for label in cited):
            out.append(Violation(line, f'"{shown}" is not in {_refs_label(cited)}'))
    return out


def _check_citation(
    c: Citation, read_source: Callable[[str], str], cache: dict[str, str | Exception]
) -> Violation | None:
    if c.path not in cache:
        try:
            cache[c.path] = read_source(c.path)
        except (LLMBriefError, OSError, ValueError) as err:
            cache[c.path] = err
    source = cache[c.path]
    where = f"chars {c.start}–{c.end}"
    if isinstance(source, Exception):
        reason = str(source) or type(source).__name__
        if c.path not in reason:
            reason = f"{c.path}: {reason}"
        return Violation(c.line, f"[^{c.label}] cannot be checked: {reason}")
    if not 0 <= c.start < c.end <= len(source):
        return Violation(
            c.line,
            f"[^{c.label}] {where} are outside {c.path} ({len(source)} characters)",
        )
    want = fold(normalize_fragment(c.quote)).strip(QUOTE_TRIM)
    have = fold(normalize_fragment(source[c.start : c.end])).strip(QUOTE_TRIM)
    if want == have:
        return None
    message = f"[^{c.label}] quote is not what {c.path} has at {where}"
    if want:
        nt = normalize(source)
        pos = nt.folded.find(want)
        if pos >= 0:
            s, e = nt.raw_span(pos, pos + len(want))
            message += f" (it is at chars {s}–{e})"
    return Violation(c.line, message)


def _citations(definitions: list[Definition]) -> tuple[dict[str, Citation], list[Violation]]:
    """The definitions in citation form by label, and the definitions that break the form."""
    citations: dict[str, Citation] = {}
    defined: dict[str, int] = {}
    violations: list[Violation] = []
    for d in definitions:
        if d.label in defined:
            violations.append(
                Violation(
                    d.line, f"[^{d.label}] is defined twice (also on line {defined[d.label]})"
                )
            )
            continue
        defined[d.label] = d.line
        citation = parse_citation(d.label, d.line, d.body)
        if citation is None:
            violations.append(
                Violation(d.line, f"[^{d.label}] is not a citation (expected {CITATION_FORM})")
            )
            continue
        citations[d.label] = citation
    return citations, violations


def check_brief(markdown: str, read_source: Callable[[str], str]) -> list[Violation]:
    """Check a brief against the citation rule; an empty list means it passes.

    ``read_source(path)`` returns the text of a source file named in a
    footnote (the CLI passes :func:`llmbrief.documents.read_article`); when it
    raises :class:`~llmbrief.errors.LLMBriefError`, ``OSError`` or
    ``ValueError``, the footnote is reported as a violation.
    """
    parsed = parse_brief(markdown)
    citations, violations = _citations(parsed.definitions)
    defined = {d.label for d in parsed.definitions}

    cache: dict[str, str | Exception] = {}
    for citation in citations.values():
        v = _check_citation(citation, read_source, cache)
        if v is not None:
            violations.append(v)

    quotes = {label: _prepare(c.quote) for label, c in citations.items()}
    every_ref = [r for b in parsed.blocks for r in b.refs]
    every_ref += [r for d in parsed.definitions for r in d.refs]
    reported: set[tuple[str, int]] = set()
    for label, line in every_ref:
        if label not in defined and (label, line) not in reported:
            reported.add((label, line))
            violations.append(Violation(line, f"[^{label}] is not defined"))
    for block in parsed.blocks:
        if not block.exempt:
            violations.extend(_check_numbers(block, citations, quotes))
    return sorted(violations, key=lambda v: v.line)
