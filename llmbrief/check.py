"""The brief checker: is every number in a Markdown brief cited, and every citation true?

The citation rule (``shared/design/brief.md``), as this module applies it:

1. **Exempt parts.** The YAML front matter (from a first line ``---`` to the
   next ``---`` or ``...``), every ``# `` title line, and the section
   ``## About this brief`` (up to the next ``#``/``##`` heading) are not
   checked for numbers. Footnote definition lines are the citations
   themselves: the path and the character range in them are not numbers of
   the brief, and their quote is checked against the source instead (rule 4).
2. **Every number is cited.** Any other line that shows a number (digits,
   number words, "thrice", "hundreds"... exactly as :mod:`llmbrief.numbers`
   reads them for verification) carries at least one footnote reference
   ``[^label]``. Footnote references themselves, Markdown escapes and table
   pipes are not numbers.
3. **Every number stands in a cited quote.** Each number on the line occurs,
   as whole tokens and after the verifier's normalization (NFC, whitespace,
   quotes, dashes; case-insensitive), in the quote of at least one footnote
   the line cites, with the same hedge right before it ("up to 25,000" is not
   "over 25,000", and "25,000" alone is not "up to 25,000").
4. **Every citation is true.** A footnote definition reads
   ``[^n]: PATH, chars START–END: "QUOTE"``; the source file at PATH, sliced
   ``[START:END]``, equals QUOTE after normalization (both with spaces and
   sentence punctuation trimmed from their ends, as the verifier trims
   quotes when it locates them). A footnote in another
   form, one defined twice, a reference to an undefined footnote, a range
   outside the file and a source that cannot be read are violations (never
   crashes).

Edited briefs pass as long as these hold: wording may change freely.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from llmbrief.errors import LLMBriefError
from llmbrief.normalize import fold, normalize, normalize_fragment
from llmbrief.numbers import NumberSpan, is_whole_token, scan_numbers

__all__ = ["Citation", "Violation", "check_brief", "md_unescape", "parse_citation"]

EXEMPT_SECTION = "about this brief"

_REF = re.compile(r"\[\^([^\]\s]+)\]")
_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*)$")
_CITATION = re.compile(
    r'^(?P<path>.+?),\s+chars\s+(?P<start>\d+)\s*[–-]\s*(?P<end>\d+):\s*"(?P<quote>.*)"\s*$'
)
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
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
    """Read ``PATH, chars START–END: "QUOTE"``; None when the body is not in that form."""
    m = _CITATION.match(body)
    if m is None:
        return None
    return Citation(
        label=label,
        line=line,
        path=md_unescape(m["path"].strip()),
        start=int(m["start"]),
        end=int(m["end"]),
        quote=md_unescape(m["quote"]),
    )


def _front_matter_end(lines: list[str]) -> int:
    """How many lines the YAML front matter takes (0 when there is none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    return next(
        (j + 1 for j in range(1, len(lines)) if lines[j].strip() in ("---", "...")),
        len(lines),
    )


def _exempt_lines(lines: list[str], start: int) -> set[int]:
    """Indexes (0-based, from ``start``) of title lines and of "About this brief"."""
    exempt: set[int] = set()
    in_about = False
    for j in range(start, len(lines)):
        m = _HEADING.match(lines[j])
        if m is not None and len(m[1]) <= 2:
            in_about = len(m[1]) == 2 and (m[2] or "").strip().lower() == EXEMPT_SECTION
            if len(m[1]) == 1:
                exempt.add(j)
        if in_about:
            exempt.add(j)
    return exempt


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


def _uncited(lineno: int, shown: str, labels: list[str]) -> Violation:
    if labels:
        return Violation(lineno, f'"{shown}" is not cited (no footnote with a quote on this line)')
    return Violation(lineno, f'"{shown}" is not cited (no footnote on this line)')


def _check_numbers(
    lineno: int, line: str, citations: dict[str, Citation], quotes: dict[str, _Quote]
) -> list[Violation]:
    labels = list(dict.fromkeys(_REF.findall(line)))
    text = md_unescape(_REF.sub("", line))
    norm = normalize_fragment(text)
    folded = fold(norm)
    spans = scan_numbers(norm, folded)
    cited = [label for label in labels if label in citations]
    out: list[Violation] = []
    for span in spans:
        shown = norm[span.start : span.end].strip()
        if not cited:
            out.append(_uncited(lineno, shown, labels))
            continue
        core = folded[span.core_start : span.core_end]
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
            out.append(Violation(lineno, message))
    # Digits that are not part of a number expression ("Geran-2"): still cited.
    covered = [(sp.start, sp.end) for sp in spans]
    for m in _BARE_DIGITS.finditer(folded):
        if any(s <= m.start() and m.end() <= e for s, e in covered):
            continue
        if not cited:
            out.append(_uncited(lineno, m.group(), labels))
        elif not any(_digits_in(m.group(), quotes[label]) for label in cited):
            out.append(Violation(lineno, f'"{m.group()}" is not in {_refs_label(cited)}'))
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


def check_brief(markdown: str, read_source: Callable[[str], str]) -> list[Violation]:
    """Check a brief against the citation rule; an empty list means it passes.

    ``read_source(path)`` returns the text of a source file named in a
    footnote (the CLI passes :func:`llmbrief.documents.read_article`); when it
    raises :class:`~llmbrief.errors.LLMBriefError`, ``OSError`` or
    ``ValueError``, the footnote is reported as a violation.
    """
    lines = markdown.splitlines()
    front_matter_end = _front_matter_end(lines)
    exempt = _exempt_lines(lines, front_matter_end)
    violations: list[Violation] = []

    citations: dict[str, Citation] = {}
    defined: dict[str, int] = {}
    definition_lines: set[int] = set()
    for i, line in enumerate(lines):
        if i < front_matter_end:
            continue
        m = _DEFINITION.match(line)
        if m is None:
            continue
        label, lineno = m[1], i + 1
        definition_lines.add(i)
        if label in defined:
            violations.append(
                Violation(lineno, f"[^{label}] is defined twice (also on line {defined[label]})")
            )
            continue
        defined[label] = lineno
        citation = parse_citation(label, lineno, m[2])
        if citation is None:
            violations.append(
                Violation(lineno, f"[^{label}] is not a citation (expected {CITATION_FORM})")
            )
            continue
        citations[label] = citation

    cache: dict[str, str | Exception] = {}
    for citation in citations.values():
        v = _check_citation(citation, read_source, cache)
        if v is not None:
            violations.append(v)

    quotes = {label: _prepare(c.quote) for label, c in citations.items()}
    for i, line in enumerate(lines):
        if i < front_matter_end:
            continue
        lineno = i + 1
        body = _DEFINITION.sub("", line) if i in definition_lines else line
        for label in dict.fromkeys(_REF.findall(body)):
            if label not in defined:
                violations.append(Violation(lineno, f"[^{label}] is not defined"))
        if i in exempt or i in definition_lines:
            continue
        violations.extend(_check_numbers(lineno, line, citations, quotes))
    return sorted(violations, key=lambda v: v.line)
