"""Parties a number's own clause leaves unsaid, carried from the article's earlier moves.

Takes a parsed article; gives its clauses of moving people or goods (:class:`Move`:
the verb's sentence, who gives, who gets, whether it moves people or goods), and,
for a number whose clause names no sender or no receiver ("we will deliver 524,000
shells by March", "an additional 631,000 shells will be delivered to X", "he pledged
to send 6,000 engineers"), the party of the nearest earlier move of the same sort
that names one ("The bloc will deliver a million shells to X" a few sentences
before). A carried party is a :class:`~llmbrief.attach.Phrase` of that earlier
sentence, as written; the record that takes it quotes that sentence too
(:func:`context_sentences`).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed
from llmbrief.attach import Phrase
from llmbrief.parties import Parties, roles

#: How many sentences back a party is carried from, at most.
REACH = 8
_MOVING = lx.TRANSFERRING | lx.RECEIVING | lx.PLEDGING


@dataclass(frozen=True)
class Move:
    """One clause of moving: its verb, who gives, who gets, and what it moves."""

    verb: int
    sentence: int
    givers: tuple[Phrase, ...]
    getters: tuple[Phrase, ...]
    people: bool | None  # True: people, False: goods, None: not said


def sort_of(lemma: str | None) -> bool | None:
    """Whether a noun (its lemma) counts people (True), goods (False), or neither."""
    lemma = (lemma or "").lower()
    return True if lemma in lx.PEOPLE else False if lemma in lx.MATERIEL else None


def _moves_people(p: Parsed, verb: int) -> bool | None:
    """Whether the verb's object (or passive subject) counts people, goods, or neither."""
    for c in p.children(verb):
        if c.dep in ("dobj", "nsubjpass") and c.pos in ("NOUN", "PROPN", "NUM"):
            sort = sort_of(c.lemma)
            if sort is not None:
                return sort
    return None


def moves(p: Parsed) -> list[Move]:
    """Every clause of the article that moves people or goods and names a party, in order."""
    out: list[Move] = []
    for t in p.tokens:
        if t.pos != "VERB" or t.lemma.lower() not in _MOVING:
            continue
        objects = [c.i for c in p.children(t.i) if c.dep in ("dobj", "nsubjpass")]
        people = _moves_people(p, t.i)
        if people is None and t.lemma.lower() in lx.RECEIVING:
            continue  # "took a beating", "got the message": no goods, no people
        givers, getters = roles(p, t.i, objects)
        if t.lemma.lower() in lx.SELF_MOVING:  # "a convoy returning from X": a way, no giver
            givers = [g for g in givers if g.start < t.start]
        if givers or getters:
            out.append(Move(t.i, t.sent, tuple(givers), tuple(getters), people))
    return out


def _same_sort(move: Move, people: bool | None) -> bool:
    return move.people is None or people is None or move.people == people


def carried(
    p: Parsed, found: Parties, anchor: int, people: bool | None, known: list[Move]
) -> Parties:
    """``found`` with a sender and a receiver carried from the nearest earlier move of the
    same sort where the number's own clause names none."""
    sent = p.tokens[anchor].sent
    # a move of the number's own sentence names its parties already (or on purpose not)
    earlier = [m for m in known if sent - REACH <= m.sentence < sent and _same_sort(m, people)]
    senders, receivers = list(found.senders), list(found.receivers)
    if not senders:
        giver = next((m for m in reversed(earlier) if m.givers), None)
        if giver is not None and not _same_party(giver.givers[0], receivers):
            senders.append(giver.givers[0])
    if not receivers:
        getter = next((m for m in reversed(earlier) if m.getters), None)
        if getter is not None and not _same_party(getter.getters[0], senders):
            receivers.append(getter.getters[0])
    return Parties(senders, receivers, found.weak)


def context_sentences(p: Parsed, found: Parties, evidence: tuple[int, int]) -> list[int]:
    """The sentences, other than the evidence, that the parties tied to a number stand in
    (carried from an earlier move, or a name placed by another mention), in text order."""
    a, b = evidence
    out: set[int] = set()
    for ph in [*found.senders, *found.receivers]:
        toks = p.tokens_in(ph.start, ph.start + 1)
        if toks and not a <= ph.start < b:
            out.add(toks[0].sent)
    return sorted(out)


def _same_party(ph: Phrase, others: list[Phrase]) -> bool:
    return any(o.party.lower() == ph.party.lower() for o in others)
