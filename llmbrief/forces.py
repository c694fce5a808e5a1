"""Whose losses a casualty number counts: the force, as the source writes it.

Takes a parsed article, the number's anchor token, the head of the words it counts
and that phrase; gives a :class:`~llmbrief.attach.Phrase` of the source, or None.
In order: whose the losses are that its verb tells ("the army's losses exceeded 200
troops"); the people counted or their possessor ("North Korean troops", "the army's
40 dead", "losses of X"); for a pronoun or "others", the people it stands for
("100 of them", "10 others were injured" after "two soldiers were killed"); the
people an elliptical count shares with its neighbour ("26 people died and 46 were
wounded"); whoever suffered the losses ("X suffered 4,700 casualties, including 600
deaths"). A phrase that would carry another figure is cut to its place word.
"""

from __future__ import annotations

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed
from llmbrief.attach import Phrase, noun_phrase
from llmbrief.parties import place_word

_OF = ("of", "among")
_LOSSES = lx.CASUALTY | lx.KILLED | lx.WOUNDED


def _people(p: Parsed, i: int) -> bool:
    """People named or counted: a noun of people, or a noun a number counts ("three
    nurses") that is no loss itself ("300 deaths")."""
    t = p.tokens[i]
    if t.pos != "NOUN" or t.lemma.lower() in _LOSSES:
        return False
    counted = any(c.dep == "nummod" for c in p.children(i))
    return counted or t.lemma.lower() in lx.PEOPLE | lx.VICTIMS


def _clean(p: Parsed, i: int) -> Phrase | None:
    """The phrase headed by ``i``; where it carries a number of its own ("North Korea's
    roughly 11,000 troops"), its place word, else the noun alone."""
    ph = noun_phrase(p, i)
    if not any(ch.isdigit() for ch in ph.text):
        return ph
    found = place_word(p, i)
    if found is not None:
        return found
    t = p.tokens[i]
    return Phrase(t.start, t.end, t.text)


def _own(p: Parsed, anchor: int, head: int | None, counted: Phrase | None) -> Phrase | None:
    """The people counted, their possessor, or those the count is "of"/"among"."""
    if head is not None:
        t = p.tokens[head]
        whose = _whose(p, head, poss=True)
        if whose is not None:
            return whose
        if t.pos == "PRON" or t.lemma.lower() in ("other", "others"):
            return None  # "them", "others": whom they stand for, below
        if t.lemma.lower() in lx.PEOPLE or t.pos == "PROPN":
            return counted
        if counted is not None and t.pos == "NOUN" and t.lemma.lower() not in _LOSSES:
            return counted
    return _whose(p, anchor, poss=False)  # "2,000 of them", "3,000 among the troops"


def _whose(p: Parsed, i: int, *, poss: bool) -> Phrase | None:
    """The possessor of token ``i`` (with ``poss``) or what it is "of"/"among", first
    in the parse's order; pronouns say nobody."""
    for c in p.children(i):
        if poss and c.dep == "poss" and c.pos != "PRON":
            return noun_phrase(p, c.i)
        if c.dep == "prep" and c.text.lower() in _OF:
            for o in p.children(c.i):
                if o.dep == "pobj" and o.pos != "PRON":
                    return noun_phrase(p, o.i)
    return None


def _stands_for(p: Parsed, anchor: int) -> Phrase | None:
    """The people named or counted before the number in its sentence, nearest first:
    what "them", "others" or an elliptical count ("and 46 were wounded") refers to."""
    s = p.sentence_of(anchor)
    before = [
        i
        for i in range(anchor - 1, s.first - 1, -1)
        if _people(p, i) and not _says(p, i)  # "medics said 40 were killed": not the medics
    ]
    # a people word a number counts ("50 civilians including children ... and 30
    # injured") before one it does not
    counted = [i for i in before if any(c.dep == "nummod" for c in p.children(i))]
    return _clean(p, (counted or before)[0]) if before else None


def _says(p: Parsed, i: int) -> bool:
    t = p.tokens[i]
    return t.dep == "nsubj" and p.tokens[t.head].lemma.lower() in lx.REPORTING


def _losses_owner(p: Parsed, verb: int | None) -> Phrase | None:
    """Whose the losses are that the number's verb tells: "the army's losses have
    exceeded 200 troops", "losses among the rebels reached 300"."""
    if verb is None:
        return None
    for c in p.children(verb):
        if c.dep in ("nsubj", "nsubjpass") and c.lemma.lower() in _LOSSES:
            whose = _whose(p, c.i, poss=True)
            if whose is not None:
                return whose
    return None


def _sufferer(p: Parsed, head: int | None, anchor: int) -> Phrase | None:
    """Who "suffered", "sustained" or "lost" the count, or the count it is part of
    ("suffered 4,700 casualties, including 600 deaths")."""
    i = head if head is not None else anchor
    for _ in range(4):
        t = p.tokens[i]
        if t.pos == "VERB":
            if t.lemma.lower() not in lx.SUFFERING:
                return None
            for c in p.children(i):
                if c.dep == "nsubj" and c.pos != "PRON":
                    return _clean(p, c.i)
            return None
        if t.head == i:
            return None
        i = t.head
    return None


def force_of(p: Parsed, anchor: int, head: int | None, counted: Phrase | None) -> Phrase | None:
    """Whose losses the number counts (see the module's docstring), else None."""
    if head is not None and p.tokens[head].lemma.lower() in lx.TOTALS | {"life"}:
        return None  # "the overall death toll", "claimed 900 lives": nobody's in particular
    verb = p.tokens[head].head if head is not None else None
    owner = _losses_owner(p, verb) if verb is not None and p.tokens[verb].pos == "VERB" else None
    if owner is not None:
        return owner  # "the army's losses have exceeded 200 troops": the army's
    own = _own(p, anchor, head, counted)
    if own is not None:
        return own
    return _sufferer(p, head, anchor) or _stands_for(p, anchor)
