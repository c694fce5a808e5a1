"""The reading of one article: every number worth a question, with its attachment.

Takes the article's text and its :class:`~llmbrief.analysis.Parsed`; gives
:class:`NumberReading` items (the figure as found, what the parse attaches to
it, the evidence sentences) in text order. Dates, years, percentages and spans
of time are not figures of any record and are left out here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from llmbrief.analysis import Parsed
from llmbrief.attach import (
    Attachment,
    allowed_statuses,
    anchor_token,
    clause_date,
    clause_place,
    clause_status,
    counted,
    governing_verb,
)
from llmbrief.carry import carried, context_sentences, moves, sort_of
from llmbrief.claims import claimants
from llmbrief.forces import force_of
from llmbrief.meanings import rank_meanings
from llmbrief.numbers import FoundFigure, find_figures
from llmbrief.parties import Parties, parties

#: Longest piece of text shown in one question; longer sentences are cut around the number.
MAX_SHOWN_CHARS = 700

_WORD = re.compile(r"\S+")
# "three months", "two years": a span of time, never a figure of a record.
_DURATION = re.compile(r"[\s-]+(?:days?|weeks?|months?|years?|decades?|hours?|minutes?)\b", re.I)
# "2,000-pound bombs", "152-millimeter shells": a measure of each thing, not a count.
_MEASURE = re.compile(
    r"-(?:pound|lb|kilogram|kg|ton|tonne|millimet(?:er|re)|mm|calib(?:er|re)|inch|"
    r"met(?:er|re)|kilomet(?:er|re)|km|mile|foot|gram|lit(?:er|re))s?\b",
    re.I,
)
# "2.8 Mach", "30 knots": a speed.
_SPEED = re.compile(r"\s+(?:Mach|knots?|mph|kph|km/h)\b")


@dataclass(frozen=True)
class NumberReading:
    """One number of the article and what the analysis found around it."""

    figure: FoundFigure  # raw offsets into the article
    attachment: Attachment
    sentence: tuple[int, int]  # raw offsets of the number's sentence
    evidence: tuple[int, int]  # raw offsets of the evidence: the sentence, or two
    #: raw offsets of earlier sentences a carried party comes from (see :mod:`carry`)
    context: tuple[tuple[int, int], ...] = ()

    def shown(self, text: str, words: int = 0) -> str:
        """The text shown to the model: a verbatim slice of the source around the number,
        the whole sentence or ``words`` words either side of it (within the sentence)."""
        a, b = self.sentence
        if words:
            before = [m.start() for m in _WORD.finditer(text, a, self.figure.start)]
            after = [m.end() for m in _WORD.finditer(text, self.figure.end, b)]
            a = before[-words] if len(before) >= words else a
            b = after[words - 1] if len(after) >= words else b
        if b - a > MAX_SHOWN_CHARS:
            mid = (self.figure.start + self.figure.end) // 2
            a = max(a, mid - MAX_SHOWN_CHARS // 2)
            b = min(b, a + MAX_SHOWN_CHARS)
        return text[a:b].strip()


def _headline(text: str, at: int) -> bool:
    """Whether the line holding character ``at`` is a title: no closing full stop and
    most of its words capitalised."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start : end if end >= 0 else len(text)].strip()
    words: list[str] = re.findall(r"[A-Za-z][A-Za-z'’-]*", line)
    if len(words) < 4 or line.endswith((".", "!", "?", '."', ".”")):
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= 0.6 * len(words)


def find_numbers(text: str) -> list[FoundFigure]:
    """Every number of the article that could be a figure (not dates, years, percentages,
    spans of time or measures: "2,000-pound bombs")."""
    out = []
    for f in find_figures(text):
        if f.is_date or f.unit_hint == "percent" or _DURATION.match(text, f.end):
            continue
        if _MEASURE.match(text, f.end) or _SPEED.match(text, f.end):
            continue
        out.append(f)
    return out


@dataclass(frozen=True)
class _Tied:
    """What the parse ties a number to, before the article's usage ranks its parties."""

    figure: FoundFigure
    anchor: int
    counted: tuple[Any, str | None, int | None]  # (phrase, head lemma, head token)
    verb: int | None
    parties: Parties


def _tie(p: Parsed, f: FoundFigure) -> _Tied:
    anchor = anchor_token(p, f.number_start, f.end)
    phrase, lemma, head = counted(p, anchor, f.end)
    verb = governing_verb(p, head if head is not None else anchor)
    return _Tied(f, anchor, (phrase, lemma, head), verb, parties(p, anchor, head, verb, f.end))


def attach_number(p: Parsed, f: FoundFigure, prefer: tuple[Any, Any] = (None, None)) -> Attachment:
    """What the parse attaches to one number; ``prefer`` orders the sentence's other places
    as senders and as receivers (see :func:`article_roles`)."""
    return _attach(p, _tie(p, f), prefer)


def _attach(p: Parsed, t: _Tied, prefer: tuple[Any, Any]) -> Attachment:
    f, anchor, verb, found = t.figure, t.anchor, t.verb, t.parties
    phrase, lemma, head = t.counted
    claims, claim_sent = claimants(p, anchor)
    # a place inside who says it ("South Korea's spy agency") is not a party
    weak = [w for w in found.weak if not any(c.start <= w.start < c.end for c in claims)]
    senders, receivers = replace(found, weak=weak).ranked(*prefer)
    return Attachment(
        anchor=anchor,
        counted=phrase,
        counted_lemma=lemma,
        verb=verb,
        verb_lemma=p.tokens[verb].lemma.lower() if verb is not None else None,
        meanings=rank_meanings(p, anchor, f.text, lemma, head, verb),
        statuses=allowed_statuses(clause_status(p, verb, anchor)),
        senders=senders,
        receivers=receivers,
        force=force_of(p, anchor, head, phrase),
        destination=clause_place(p, verb, ("to", "into", "in", "inside")),
        location=clause_place(p, verb, ("in", "near", "at", "around")),
        date=clause_date(p, verb, anchor),
        claimants=claims,
        claimant_sentence=claim_sent,
        strong=(len(found.senders), len(found.receivers)),
    )


_NOT_NAMES = ("PERSON", "NORP", "GPE", "LOC")


def _far(att: Attachment, ev_start: int, p: Parsed) -> list[int]:
    """The claimant's sentence when the evidence does not reach it (a story's source)."""
    k = att.claimant_sentence
    return [k] if k is not None and p.sents[k].end <= ev_start else []


def _designation(p: Parsed, anchor: int) -> bool:
    """Whether the number is part of a name ("Challenger 2 tanks", "Mach 2.8"): right
    after a capitalised name word that is no place, people or person."""
    if anchor == 0:
        return False
    from llmbrief.gazetteer import country_of

    t, before = p.tokens[anchor], p.tokens[anchor - 1]
    joined = p.text[before.end : t.start] in (" ", "-")
    named = before.pos == "PROPN" and before.text[:1].isupper()
    if not (joined and named and t.text[:1].isdigit()) or before.ent in _NOT_NAMES:
        return False  # "been to North Korea thrice": a place, and a count in words
    return country_of(before.text) is None  # "delivered Kyiv 40 tanks": a place gets them


def article_roles(tied: list[_Tied]) -> tuple[Any, Any]:
    """Sort keys that put first the countries the article itself has as senders and as
    receivers wherever its parse says so: a sentence that names two countries without
    saying who gives is read the way the rest of the article reads."""
    give: Counter[str] = Counter()
    get: Counter[str] = Counter()
    for t in tied:
        give.update({ph.party for ph in t.parties.senders[:1]})
        get.update({ph.party for ph in t.parties.receivers[:1]})
    return (lambda ph: -give[ph.party]), (lambda ph: -get[ph.party])


def read_numbers(text: str, p: Parsed) -> list[NumberReading]:
    """Every number of the article with its attachment, in text order (each number is
    tied to the parse once; the article's usage then ranks the weak candidates)."""
    tied = []
    for f in find_numbers(text):
        try:
            t = _tie(p, f)
        except ValueError:
            continue  # a number the tokenizer split oddly: nothing to attach it to
        if not _designation(p, t.anchor):
            tied.append(t)
    prefer = article_roles(tied)
    known = moves(p)
    out = []
    for t in tied:
        if _headline(text, t.figure.start):
            continue  # a headline's figure is told again, as a sentence, in the body
        found = carried(p, t.parties, t.anchor, sort_of(t.counted[1]), known)
        att = _attach(p, replace(t, parties=found), prefer)
        s = p.sentence_of(att.anchor)
        ev_start, ev_end = s.start, s.end
        k = att.claimant_sentence
        if k is not None and abs(k - p.tokens[att.anchor].sent) <= 2:  # near: one quote
            ev_start = min(ev_start, p.sents[k].start)
            ev_end = max(ev_end, p.sents[k].end)
        out.append(
            NumberReading(
                figure=t.figure,
                attachment=att,
                sentence=(s.start, s.end),
                evidence=(ev_start, ev_end),
                context=tuple(
                    (p.sents[i].start, p.sents[i].end)
                    for i in sorted(
                        {*context_sentences(p, found, (ev_start, ev_end)), *_far(att, ev_start, p)}
                    )
                ),
            )
        )
    return out
