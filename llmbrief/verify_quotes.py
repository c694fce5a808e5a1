"""Rule 1 of the verifier: each evidence quote is a contiguous span of the source.

Takes the normalized source and one quote; gives where the quote lies (normalized
offsets, with the trimmed punctuation the source has there) or a message saying
how far it matches and where it departs from the article.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmbrief.models import CheckStatus
from llmbrief.normalize import NormalizedText, fold, normalize_fragment
from llmbrief.verify_text import QUOTE_TRIM, QUOTE_TRIM_ELIDED, occurrences


@dataclass(slots=True)
class QuoteResult:
    status: CheckStatus
    start: int | None = None  # normalized offsets
    end: int | None = None
    message: str | None = None


def _quote_miss_message(label: str, nt: NormalizedText, shown: str, key: str) -> str:
    """Say how far a quote matches the article, and where it departs from it."""
    folded = nt.folded
    lo, hi = 0, len(key)
    while lo < hi:  # the longest prefix of the quote that the article contains
        mid = (lo + hi + 1) // 2
        if folded.find(key[:mid]) != -1:
            lo = mid
        else:
            hi = mid - 1
    advice = 'copy one or more whole sentences verbatim, without "..."'
    if lo < 12:
        return f"{label} is not in the article: {advice}"
    at = folded.find(key[:lo])
    matched = shown[max(0, lo - 40) : lo]
    theirs = shown[lo : lo + 30]
    article = nt.text[at + lo : at + lo + 30]
    if not theirs.strip():
        return f"{label} is not in the article as whole words: {advice}"
    return (
        f'{label} is not in the article: it matches up to "{matched}" but then has '
        f'"{theirs}" where the article has "{article}"; {advice}'
    )


def check_quote(nt: NormalizedText, index: int, quote: str) -> QuoteResult:
    label = f"evidence[{index}]"
    q = normalize_fragment(quote).strip()
    elided = "..." in q or "…" in q
    trim = QUOTE_TRIM_ELIDED if elided else QUOTE_TRIM
    shown = q.strip(trim)
    key = fold(shown)
    if not key:
        return QuoteResult("quote_not_found", message=f"{label} is empty: copy a sentence")
    for s in occurrences(nt.folded, key):
        # Cite the punctuation that was trimmed too, where the source has it there. (Only
        # characters of ``trim``: ASCII punctuation and single spaces, as folded already.)
        lead = q[: len(q) - len(q.lstrip(trim))]
        trail = q[len(q.rstrip(trim)) :]
        e = s + len(key)
        while lead and (len(lead) > s or not nt.folded.startswith(lead, s - len(lead))):
            lead = lead[1:]
        while trail and not nt.folded.startswith(trail, e):
            trail = trail[:-1]
        return QuoteResult("ok", s - len(lead), e + len(trail))
    if elided:
        message = (
            f'{label} leaves words out ("..."): copy one or more whole sentences '
            'verbatim from the article, without "..." or "…"'
        )
    else:
        message = _quote_miss_message(label, nt, shown, key)
    return QuoteResult("quote_not_found", message=message)
