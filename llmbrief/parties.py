"""Who sends or supplies, who receives, whose losses: the parties of a number.

Takes a parsed article, the number's anchor token, the head of the words it
counts and its governing verb; gives candidate parties ranked by the parse,
best first: the verb's subject (or, for verbs of receiving, its "from"
object), the demonym of the people counted ("North Korean troops"), a
possessor ("Germany's tanks"), the object of "to/into/in/for" (receivers),
then the other countries of the sentence by distance. Each is a
:class:`~llmbrief.attach.Phrase` of the source as written.
"""

from __future__ import annotations

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed
from llmbrief.attach import Phrase, clause_tokens, noun_phrase, verb_chain

_TO = ("to", "into", "in", "for", "inside")
_FROM = ("from",)


def _is_party(ph: Phrase) -> bool:
    """Countries, and organizations or groups the text names (the EU, an armed group)."""
    if ph.country:
        return True
    return ph.label in ("ORG", "NORP", "GPE") and any(c.isupper() for c in ph.text[:1])


def _add(out: list[Phrase], ph: Phrase | None) -> None:
    if ph is None or not _is_party(ph):
        return
    if all(o.party.lower() != ph.party.lower() for o in out):
        out.append(ph)


def _subject(p: Parsed, verb: int) -> Phrase | None:
    for v in verb_chain(p, verb):
        for c in p.children(v.i):
            if c.dep in ("nsubj", "agent_obj"):
                return _resolve_pronoun(p, c.i)
        if v.dep not in ("xcomp",):
            break
    return None


def _resolve_pronoun(p: Parsed, i: int) -> Phrase | None:
    t = p.tokens[i]
    if t.pos != "PRON":
        return noun_phrase(p, i)
    return None


def _agent(p: Parsed, verb: int) -> Phrase | None:
    """ "were sent by Pyongyang": the passive's agent."""
    for c in p.children(verb):
        if c.dep == "agent":
            for o in p.children(c.i):
                if o.dep == "pobj":
                    return noun_phrase(p, o.i)
    return None


def _prep_objects(p: Parsed, heads: list[int], preps: tuple[str, ...]) -> list[Phrase]:
    out: list[Phrase] = []
    for h in heads:
        for c in p.children(h):
            if c.dep == "prep" and c.text.lower() in preps:
                for o in p.children(c.i):
                    if o.dep == "pobj":
                        _add(out, noun_phrase(p, o.i))
                        for cj in p.children(o.i):  # "to Poland and the Baltic states"
                            if cj.dep == "conj":
                                _add(out, noun_phrase(p, cj.i))
    return out


def _own(p: Parsed, head: int | None, end_char: int) -> list[Phrase]:
    """The demonym or possessor of the counted words ("North Korean troops", "Iran's drones")."""
    if head is None:
        return []
    out: list[Phrase] = []
    for c in p.children(head):
        if c.dep in ("amod", "compound", "poss", "nmod") and c.start >= end_char:
            ph = noun_phrase(p, c.i)
            _add(out, ph)
        elif c.dep == "poss":
            _add(out, noun_phrase(p, c.i))
    return out


def _sentence_places(p: Parsed, anchor: int) -> list[Phrase]:
    """Every country named in the number's sentence, nearest first."""
    from llmbrief.gazetteer import find_places

    s = p.sentence_of(anchor)
    at = p.tokens[anchor].start
    found = [
        Phrase(s.start + m.start, s.start + m.end, m.text, m.country, "GPE")
        for m in find_places(p.text[s.start : s.end])
    ]
    return sorted(found, key=lambda ph: abs(ph.start - at))


def parties(
    p: Parsed, anchor: int, head: int | None, verb: int | None, end_char: int
) -> tuple[list[Phrase], list[Phrase]]:
    """Ranked candidates for (sender or supplier, receiver or recipient)."""
    senders: list[Phrase] = []
    receivers: list[Phrase] = []
    heads = [h for h in (head, verb) if h is not None]
    receiving = verb is not None and p.tokens[verb].lemma.lower() in lx.RECEIVING
    for ph in _own(p, head, end_char):
        _add(senders, ph)
    if verb is not None:
        chain = [v.i for v in verb_chain(p, verb)]
        subj = _subject(p, verb)
        passive_subject = any(c.dep == "nsubjpass" for v in chain for c in p.children(v))
        if receiving:
            _add(receivers, subj)
            for ph in _prep_objects(p, [*chain, *heads], _FROM):
                _add(senders, ph)
        else:
            if not passive_subject:
                _add(senders, subj)
            _add(senders, _agent(p, verb))
            for ph in _prep_objects(p, [*chain, *heads], _FROM):
                _add(senders, ph)
        for ph in _prep_objects(p, [*chain, *heads], _TO):
            _add(receivers, ph)
        for i in clause_tokens(p, verb):  # "delivered Kyiv 40 tanks": the dative
            if p.tokens[i].dep == "dative":
                _add(receivers, noun_phrase(p, i))
    for ph in _sentence_places(p, anchor):
        if all(ph.party.lower() != x.party.lower() for x in senders + receivers):
            _add(senders, ph)
            _add(receivers, ph)
    return senders, receivers


def force_of(p: Parsed, anchor: int, head: int | None, counted: Phrase | None) -> Phrase | None:
    """Whose losses: the people counted, their possessor, or "losses of X"."""
    if head is not None:
        for c in p.children(head):
            if c.dep == "poss":
                return noun_phrase(p, c.i)
            if c.dep == "prep" and c.text.lower() in ("of", "among"):
                for o in p.children(c.i):
                    if o.dep == "pobj":
                        return noun_phrase(p, o.i)
        if p.tokens[head].lemma.lower() in lx.PEOPLE or p.tokens[head].pos == "PROPN":
            return counted
        losses = lx.CASUALTY | lx.KILLED | lx.WOUNDED
        if counted is not None and p.tokens[head].pos == "NOUN" and (
            p.tokens[head].lemma.lower() not in losses
        ):
            return counted
    for c in p.children(anchor):  # "2,000 of them", "3,000 among the troops"
        if c.dep == "prep" and c.text.lower() in ("of", "among"):
            for o in p.children(c.i):
                if o.dep == "pobj" and o.pos != "PRON":
                    return noun_phrase(p, o.i)
    return None
