"""Footnotes and attribution: who says so, and where the brief can show it.

Takes claims (see :mod:`llmbrief.consolidate`) and the articles they come
from; gives Markdown: footnote references, footnote definitions, and the
names a sentence attributes a figure to. Pure: no I/O.

* Footnotes are one per distinct evidence span (source path, start, end),
  numbered in order of first reference. A footnote's quote is the raw slice
  ``source[start:end]`` when the caller passes the source texts; otherwise the
  evidence quote as recorded (the checker compares normalized forms).
* A claim with a claimant is attributed to the claimant; wordings of one
  person's name ("Russian Security Council Secretary Sergei Shoigu",
  "Secretary of the Russian Security Council, Sergei Shoigu") are one source,
  shown in its longest wording. A claim without one is attributed to its
  article, named by its headline ("the article “…”"); a headline that shows
  a number gets its own footnote, so that the line cites a quote holding it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from llmbrief.articles import Article, shows_number
from llmbrief.check import QUOTE_TRIM
from llmbrief.consolidate import Claim
from llmbrief.people import claimant_key, claimant_phrase, is_plural_name

__all__ = ["Footnotes", "Sourcing", "join_words", "md_escape"]

_WS = re.compile(r"\s+")
_ESCAPE = re.compile(r"[\\`*\[\]<>|&~]|(?<![^\W_])_|_(?![^\W_])")

#: How the brief names an article it cannot name by its headline.
UNNAMED_ARTICLE = "the cited article"


def md_escape(text: str) -> str:
    """Text as inline Markdown that renders as itself, on one line.

    Whitespace runs become one space; Markdown punctuation is backslash-escaped
    (an underscore only where it could start or end emphasis, so file names
    like ``004_49bd.txt`` stay readable). :func:`llmbrief.check.md_unescape`
    reverses it.
    """
    return _ESCAPE.sub(lambda m: "\\" + m.group(0), _WS.sub(" ", text).strip())


def join_words(words: Sequence[str], conj: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conj} " + words[-1]


def _claimant_name(claimant: str, claims: Sequence[Claim]) -> str:
    """The claimant as a sentence names them: with "the" where their evidence writes
    "the" before the name ("the Pentagon"), or where the name is an organisation's."""
    if claimant.count("[") != claimant.count("]") or claimant.count("(") != claimant.count(")"):
        claimant = re.sub(r"[\[\]()]", "", claimant)  # a bracket the span cut in half
        claimant = " ".join(claimant.split())
    first, _, rest = claimant.partition(" ")
    if rest and first in ("The", "A", "An"):  # it opened the source's sentence, not ours
        claimant = f"{first.lower()} {rest}"
    phrase = claimant_phrase(claimant)
    if phrase != claimant:
        return phrase
    pattern = re.compile(r"(?i)\bthe\s+" + r"\s+".join(map(re.escape, claimant.split())))
    if any(pattern.search(e.quote) for c in claims for e in c.record.evidence):
        return f"the {claimant}"
    return claimant


@dataclass
class Footnotes:
    """Footnotes, one per quoted span, numbered in order of first reference."""

    sources: Mapping[str, str] | None
    numbers: dict[tuple[str, int, int], int] = field(default_factory=dict)
    quotes: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def span(self, path: str, start: int, end: int, recorded: str) -> str:
        """The reference to one span of a source, numbering it on first use."""
        key = (path, start, end)
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            self.quotes[key] = self._quote(key, recorded)
        return f"[^{self.numbers[key]}]"

    def refs(self, claims: Sequence[Claim]) -> str:
        """The references of the claims' evidence, in claim order, each once."""
        out: list[str] = []
        for claim in sorted(claims, key=lambda c: c.order):
            for ev in claim.record.evidence:
                assert ev.start is not None and ev.end is not None  # is_shown() guarantees it
                ref = self.span(claim.source, ev.start, ev.end, ev.quote)
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


@dataclass
class Sourcing:
    """Names the sources of claims, with their footnotes."""

    notes: Footnotes
    articles: Mapping[str, Article]

    def article_name(self, path: str, *, headline: bool = False) -> str:
        """'the article “Headline”' (with the headline's own footnote when it shows a number);
        without a headline, the article's file name, unless it shows a number."""
        article = self.articles.get(path)
        if article is None or not article.can_be_named or article.title is None:
            file = PurePosixPath(path.replace("\\", "/")).name
            name = f"the article {md_escape(file)}" if not shows_number(file) else UNNAMED_ARTICLE
            return f"the headline of {name}" if headline else name
        name = f"the article “{md_escape(article.title)}”"
        if headline:
            name = f"the headline of {name}"
        if article.title_needs_citation:
            assert article.start is not None and article.end is not None  # can_be_named
            name += self.notes.span(path, article.start, article.end, article.title)
        return name

    def _grouped(
        self, claims: Sequence[Claim], except_claimant: str | None
    ) -> tuple[dict[str, list[Claim]], dict[str, str], dict[tuple[str, bool], list[Claim]]]:
        named: dict[str, list[Claim]] = {}
        shown: dict[str, str] = {}
        unnamed: dict[tuple[str, bool], list[Claim]] = {}
        for c in sorted(claims, key=lambda c: c.order):
            key = claimant_key(c.claimant) if c.claimant else ""
            if key and key != except_claimant:
                named.setdefault(key, []).append(c)
                assert c.claimant is not None
                if len(c.claimant) > len(shown.get(key, "")):
                    shown[key] = c.claimant
            else:
                unnamed.setdefault((c.source, c.headline), []).append(c)
        return named, shown, unnamed

    def groups(
        self, claims: Sequence[Claim], *, except_claimant: str | None = None
    ) -> list[tuple[str, list[Claim]]]:
        """Claims by who says so: each claimant (one per person), then each article.

        ``except_claimant`` (a claimant key) is attributed to its article instead:
        a second report of a claimant already named.
        """
        named, shown, unnamed = self._grouped(claims, except_claimant)
        out = [(md_escape(_claimant_name(shown[k], cs)), cs) for k, cs in named.items()]
        out += [
            (self.article_name(path, headline=headline), cs)
            for (path, headline), cs in unnamed.items()
        ]
        return out

    def source_key(self, claim: Claim, *, except_claimant: str | None = None) -> str:
        """Who says so, as a key: the claimant's, or the article's (with its headline mark)."""
        key = claimant_key(claim.claimant) if claim.claimant else ""
        if key and key != except_claimant:
            return key
        return f"article:{claim.source}:{claim.headline}"

    def who(self, claims: Sequence[Claim], *, except_claimant: str | None = None) -> str:
        """ "A[^1] and the article “…”[^2]": every source with its footnotes."""
        return join_words(
            [
                f"{name}{self.notes.refs(cs)}"
                for name, cs in self.groups(claims, except_claimant=except_claimant)
            ]
        )

    def plural(self, claims: Sequence[Claim], *, except_claimant: str | None = None) -> bool:
        """Whether more than one source says so ("say", not "says")."""
        named, shown, unnamed = self._grouped(claims, except_claimant)
        if len(named) + len(unnamed) > 1:
            return True
        return len(named) == 1 and is_plural_name(next(iter(shown.values())))

    def according_to(self, claims: Sequence[Claim]) -> str:
        return f"according to {self.who(claims)}"
