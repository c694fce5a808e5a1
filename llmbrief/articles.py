"""The articles behind a brief: where each one's headline stands, and how to name it.

Takes documents (and, when the caller has them, the raw source texts); gives
one :class:`Article` per source path. Pure: no I/O.

* An article **opens with a headline** when its first non-blank line reads as
  a title (no closing full stop, question or exclamation mark) and more text
  follows. The headline's character range comes from the source text, or,
  without it, from an evidence quote that starts with ``source.title``.
* A figure that stands inside that range is a **headline figure**: the brief
  does not report it as a key point (see :mod:`llmbrief.consolidate`).
* When a claim names no source, the brief names the article instead, by its
  headline ("according to the article “…”"). A headline that itself shows a
  number is cited with its own footnote (the citation rule wants every number
  on a line in a quote it cites); when its range is unknown, the brief says
  "the article cited" instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from llmbrief.models import Document
from llmbrief.normalize import fold, normalize_fragment
from llmbrief.numbers import scan_numbers

__all__ = ["Article", "articles_of", "shows_number"]

#: A headline longer than this is a paragraph, not a title.
MAX_HEADLINE_CHARS = 200
#: A headline shorter than this (in words) is more likely a site's name or a section.
MIN_HEADLINE_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
#: Lines that are a page's metadata, not its headline ("date 2024-06-19 Photo : …").
_METADATA = re.compile(
    r"(?i)^(date|by|published|updated|posted|photo|image|source)\b|\d{4}-\d{2}-\d{2}"
)


#: A dateline before the headline on the same line ("date 2022-06-23 U.S. to send …").
_DATELINE = re.compile(r"(?i)^(?:date\s+)?\d{4}-\d{2}-\d{2}\s+")
#: Words glued together by a scraper ("patronSupport"): page furniture, not a headline.
_GLUED = re.compile(r"[a-z]{3,}[A-Z][a-z]")


def _is_headline(line: str) -> bool:
    return (
        len(line) <= MAX_HEADLINE_CHARS
        and len(line.split()) >= MIN_HEADLINE_WORDS
        and not _SENTENCE_END.search(line)
        and not _METADATA.search(line)
        and not _GLUED.search(line)
    )


def shows_number(text: str) -> bool:
    """Whether text holds anything the citation rule may read as a number (dates too)."""
    norm = normalize_fragment(text)
    return bool(scan_numbers(norm, fold(norm))) or bool(re.search(r"\d", norm))


@dataclass(frozen=True)
class Article:
    """One source article: its path, and its headline with the range it takes."""

    path: str
    title: str | None = None
    start: int | None = None
    end: int | None = None

    def in_headline(self, start: int | None, end: int | None = None) -> bool:
        """Whether the range [start, end) lies inside the headline."""
        if self.start is None or self.end is None or start is None:
            return False
        return self.start <= start and (end if end is not None else start + 1) <= self.end

    @property
    def title_needs_citation(self) -> bool:
        """Whether naming the article by its headline puts a number on the line."""
        return self.title is not None and shows_number(self.title)

    @property
    def can_be_named(self) -> bool:
        """Whether the brief can name the article by its headline and still pass the check."""
        if self.title is None:
            return False
        return not self.title_needs_citation or self.start is not None


def _headline_in_text(text: str) -> tuple[str, int, int] | None:
    m = re.search(r"\S[^\n]*", text)
    if m is None:
        return None
    line = m.group(0).rstrip()
    start = m.start()
    dateline = _DATELINE.match(line)
    if dateline is not None:
        start += dateline.end()
        line = line[dateline.end() :]
    if line.startswith(("#", "*")):  # a Markdown heading or bold title line
        stripped = line.lstrip("#* ")
        start += len(line) - len(stripped)
        line = stripped.rstrip("* ")
    rest = text[m.end() :].strip()
    if not rest or not _is_headline(line):
        return None
    return line, start, start + len(line)


def _headline_from_evidence(doc: Document) -> tuple[str, int, int] | None:
    title = (doc.source.title or "").strip()
    if not _is_headline(title):
        return None
    wanted = " ".join(title.split())
    for record in doc.records:
        for ev in record.evidence:
            if ev.start is not None and " ".join(ev.quote.split()).startswith(wanted):
                return title, ev.start, ev.start + len(title)
    return title, -1, -1


def _article(doc: Document, text: str | None) -> Article:
    found = _headline_in_text(text) if text is not None else _headline_from_evidence(doc)
    if found is None:
        return Article(doc.source.path)
    title, start, end = found
    if start < 0:
        return Article(doc.source.path, title)
    return Article(doc.source.path, title, start, end)


def articles_of(
    documents: Sequence[Document], texts: Mapping[str, str] | None = None
) -> dict[str, Article]:
    """One article per source path (the first document of a path decides)."""
    out: dict[str, Article] = {}
    for doc in documents:
        path = doc.source.path
        if path not in out:
            out[path] = _article(doc, texts.get(path) if texts is not None else None)
    return out
