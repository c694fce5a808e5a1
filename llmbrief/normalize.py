"""The one text normalization used by every comparison, with a map back to raw offsets.

Verification compares what the model wrote with what the article says. Both
sides go through :func:`normalize` (the article, keeping a map back to raw
offsets) or :func:`fold` (a short string from the model, no map needed),
which apply exactly these rules and nothing else:

- Unicode NFC;
- every run of whitespace (space, tab, newline, NBSP U+00A0, thin space, any
  character for which ``str.isspace()`` is true) becomes one space;
- curly quotes and apostrophes (‘ ’ “ ”) become ``'`` and ``"``;
- en and em dashes (– —) become ``-``.

Letters compare case-insensitively: :attr:`NormalizedText.folded` is the
lowercase form of :attr:`NormalizedText.text`, with exactly the same length,
so an offset into one is an offset into the other. Characters whose
lowercase form is longer than one character (such as "İ") are left as they
are, and the final sigma "ς" is folded to "σ", so that folding never depends
on context and never changes a length.

Offsets reported to users are always offsets into the raw text:
:meth:`NormalizedText.raw_span` maps a normalized span back.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = [
    "NormalizedText",
    "fold",
    "normalize",
    "normalize_fragment",
]

#: One-for-one replacements (no length change).
_PUNCT = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)
#: Final sigma folds to sigma, so folding does not depend on a word's end.
_SIGMA = str.maketrans({"\u03c2": "\u03c3"})
#: Whitespace other than a space: every character but " " for which ``str.isspace()`` is
#: true (a newline, a tab, a no-break space...); the ASCII ones first.
NOT_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f" + (
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_ASCII_NOT_SPACE = NOT_SPACE[:9]
_WS_RUN = re.compile(r"\s+")

#: Sources at most this long are kept in the normalization cache.
_CACHE_MAX_CHARS = 4_000_000


def _lower(text: str) -> str:
    """Lowercase ``text`` without changing its length (see the module docstring)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(lc := c.lower()) != 1 else lc for c in text)
    if not low.isascii():
        low = low.translate(_SIGMA)
    return low


def normalize_fragment(text: str) -> str:
    """Normalize a short string (whitespace, quotes, dashes, NFC), keeping its case."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = text.translate(_PUNCT)
    if _has_whitespace_to_rewrite(text):
        text = _WS_RUN.sub(" ", text)
    return text


def fold(text: str) -> str:
    """Normalize and lowercase a short string, the form compared against ``folded``."""
    return _lower(normalize_fragment(text))


@dataclass(frozen=True, eq=False)
class NormalizedText:
    """A raw text, its normalized form, its case-folded form, and the map between them.

    ``text`` and ``folded`` have the same length; offsets into them are
    "normalized offsets". :meth:`raw_span` turns a normalized span into the
    raw span it came from. Instances compare and hash by identity, and
    :attr:`cache` holds data that other modules derive from the text once
    (for example the numbers it contains).
    """

    raw: str
    text: str
    folded: str
    # Whitespace runs longer than one character, each collapsed to one space:
    # the normalized offset of that space and the stage-1 span it replaced.
    _run_norm: tuple[int, ...] = field(repr=False)
    _run_start: tuple[int, ...] = field(repr=False)
    _run_end: tuple[int, ...] = field(repr=False)
    # Only when NFC changed the text: stage-1 offset -> raw span of that character.
    _nfc_start: tuple[int, ...] | None = field(repr=False)
    _nfc_end: tuple[int, ...] | None = field(repr=False)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.text)

    def _stage1_char(self, i: int) -> tuple[int, int]:
        """The stage-1 (after NFC) span of normalized character ``i``."""
        runs = self._run_norm
        k = bisect_right(runs, i) - 1
        if k < 0:
            return i, i + 1
        if runs[k] == i:
            return self._run_start[k], self._run_end[k]
        shift = self._run_end[k] - runs[k] - 1
        return i + shift, i + shift + 1

    def _raw_char(self, i: int) -> tuple[int, int]:
        s, e = self._stage1_char(i)
        if self._nfc_start is None or self._nfc_end is None:
            return s, e
        return self._nfc_start[s], self._nfc_end[e - 1]

    def raw_offset(self, i: int) -> int:
        """Raw offset where normalized offset ``i`` starts (``len(raw)`` at the end)."""
        if i >= len(self.text):
            return len(self.raw)
        return self._raw_char(max(i, 0))[0]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw ``(start, end)`` of the normalized span ``[start, end)``.

        The raw span covers every raw character that produced the normalized
        ones: a collapsed run of whitespace maps back to the whole run.
        """
        if end <= start:
            p = self.raw_offset(start)
            return p, p
        first = self._stage1_char(start)[0]
        stop = self._stage1_char(end - 1)[1]
        if self._nfc_start is None or self._nfc_end is None:
            return first, stop
        return self._nfc_start[first], self._nfc_end[stop - 1]

    def raw_slice(self, start: int, end: int) -> str:
        """The raw text behind the normalized span ``[start, end)``."""
        s, e = self.raw_span(start, end)
        return self.raw[s:e]


def _nfc_with_map(raw: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """NFC of ``raw``, with the raw span that produced each output character.

    The text is cut before every starter that does not compose with the
    character before it, and each piece is normalized on its own, so every
    output character maps to the piece it came from.
    """
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    n = len(raw)
    piece = 0
    for j in range(1, n + 1):
        if j < n:
            c = raw[j]
            if unicodedata.combining(c) != 0:
                continue
            prev = raw[j - 1]
            pair = unicodedata.normalize("NFC", prev + c)
            if pair != unicodedata.normalize("NFC", prev) + unicodedata.normalize("NFC", c):
                continue
        out = unicodedata.normalize("NFC", raw[piece:j])
        parts.append(out)
        starts.extend([piece] * len(out))
        ends.extend([j] * len(out))
        piece = j
    return "".join(parts), tuple(starts), tuple(ends)


def _has_whitespace_to_rewrite(text: str) -> bool:
    if "  " in text:
        return True
    if text.isprintable():
        return False  # every character of NOT_SPACE is a control character or a separator
    # (a loop: any() over a generator costs three times as much on a short string)
    for c in _ASCII_NOT_SPACE if text.isascii() else NOT_SPACE:  # noqa: SIM110
        if c in text:
            return True
    return False


def whitespace_to_rewrite(text: str) -> list[tuple[int, int]]:
    """The whitespace that normalization rewrites as one space, in text order.

    Runs of two or more whitespace characters, and single whitespace characters
    other than a space (the spans of ``re.finditer(r"\\s{2,}|[^\\S ]", text)``).
    Each such run holds a "  " or a character of :data:`NOT_SPACE`, and only those are
    searched for, one by one with ``str.find`` (ten times faster than a pattern, which
    would be tried at every space of the text).
    """
    seeds: list[int] = []
    for c in _ASCII_NOT_SPACE if text.isascii() else NOT_SPACE:
        i = text.find(c)
        while i != -1:
            seeds.append(i)
            i = text.find(c, i + 1)
    i = text.find("  ")
    while i != -1:
        seeds.append(i)
        i += 2
        while text.startswith(" ", i):
            i += 1
        i = text.find("  ", i)
    seeds.sort()
    runs: list[tuple[int, int]] = []
    n = len(text)
    end = 0
    for p in seeds:
        if p < end:
            continue  # inside the run found last
        start = p
        while start > end and text[start - 1].isspace():
            start -= 1
        end = p + 1
        while end < n and text[end].isspace():
            end += 1
        runs.append((start, end))
    return runs


def _normalize(raw: str) -> NormalizedText:
    nfc_start: tuple[int, ...] | None = None
    nfc_end: tuple[int, ...] | None = None
    stage = raw
    if not raw.isascii():
        if not unicodedata.is_normalized("NFC", raw):
            stage, nfc_start, nfc_end = _nfc_with_map(raw)
        stage = stage.translate(_PUNCT)
    run_norm: list[int] = []
    run_start: list[int] = []
    run_end: list[int] = []
    pieces: list[str] = []
    last = 0
    out_len = 0
    for s, e in whitespace_to_rewrite(stage):
        pieces.append(stage[last:s])
        out_len += s - last
        pieces.append(" ")
        if e - s > 1:
            run_norm.append(out_len)
            run_start.append(s)
            run_end.append(e)
        out_len += 1
        last = e
    if pieces:
        pieces.append(stage[last:])
        text = "".join(pieces)
    else:
        text = stage
    return NormalizedText(
        raw=raw,
        text=text,
        folded=_lower(text),
        _run_norm=tuple(run_norm),
        _run_start=tuple(run_start),
        _run_end=tuple(run_end),
        _nfc_start=nfc_start,
        _nfc_end=nfc_end,
    )


_normalize_cached = lru_cache(maxsize=1024)(_normalize)


def normalize(text: str | NormalizedText) -> NormalizedText:
    """Normalize a source text once; repeated calls with the same text are cached.

    Passing a :class:`NormalizedText` returns it unchanged, so callers may
    normalize a source once and hand the result to every check.
    """
    if isinstance(text, NormalizedText):
        return text
    if len(text) > _CACHE_MAX_CHARS:
        return _normalize(text)
    return _normalize_cached(text)
