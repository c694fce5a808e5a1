"""What a number counts as, read from the parse: sent, supplied, killed, wounded,
captured, casualties, visits or other.

Takes a :class:`~llmbrief.analysis.Parsed` article and what
:mod:`llmbrief.attach` found for one number (its anchor, the counted word's
lemma and head, the governing verb); gives the meanings the model may choose
from, the reading of the words first (:func:`rank_meanings`). Language
knowledge comes from the parse and the word classes of :mod:`llmbrief.lexicon`.
"""

from __future__ import annotations

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed, Tok
from llmbrief.attach import CLAUSE_DEPS, losses_named

MEANINGS: tuple[str, ...] = (
    "sent", "supplied", "killed", "wounded", "captured", "casualties", "visits", "other"
)  # fmt: skip


def rank_meanings(
    p: Parsed, anchor: int, figure_text: str, lemma: str | None, head: int | None, verb: int | None
) -> list[str]:
    """The meanings offered for a number, the parse's best guess first, "other" always there."""
    bare = figure_text.lower().split()[-1] if figure_text else ""
    if bare in ("once", "twice", "thrice") or (lemma == "time" and verb is not None):
        return ["visits", "other"]
    if lemma in lx.NOT_COUNTS or "$" in figure_text or "€" in figure_text or "£" in figure_text:
        return ["other", "supplied", "sent"]
    if _inhabitants(p, head if head is not None else anchor):
        return ["other"]  # "a country of 11.6 million people": who lives there
    # losses: the counted word and its modifiers ("2,700 wounded", "2,000 injured
    # soldiers"), else the verb of its own clause and its words (not nested clauses)
    found = losses_named(p, _near_words(p, head))
    by_verb = False
    if not found and verb is not None:
        own = [c.i for c in p.children(verb) if c.pos != "NUM" and c.dep not in CLAUSE_DEPS]
        found = losses_named(p, [verb, *own, *_or_conjuncts(p, verb)])
        if {"killed", "wounded"} <= set(found) and _or_conjuncts(p, verb):
            found = ["casualties", *found]  # "killed or wounded": a total, not a split
        by_verb = bool(found) and p.tokens[verb].lemma.lower() not in lx.TRANSFERRING
    if not found:
        found = _put_at(p, anchor)
        by_verb = bool(found)
    if by_verb:
        return [*dict.fromkeys(found), "other"]  # "seven soldiers died": a loss, no move
    if lemma in lx.PEOPLE and verb is not None and p.tokens[verb].lemma.lower() == "lose":
        found.append("casualties")  # "lost 300 soldiers"
    if lemma in lx.MATERIEL or (lemma and _of_materiel(p, head)):
        found.append("supplied")
    elif lemma in lx.PEOPLE:
        found.append("sent")
    elif _moved_by_noun(p, head) or _moving_verb(p, verb):  # "the shipment of 24 TB2s"
        found.extend(["supplied", "sent"])
    if not found:
        return ["other", *[m for m in MEANINGS if m != "other"]]
    return [*dict.fromkeys(found), "other"]


def _put_at(p: Parsed, anchor: int) -> list[str]:
    """What a toll "put at" the number counts ("X put the death toll at 40"; "seven
    soldiers died, while X put the number at 15": the loss its sentence told)."""
    t = p.tokens[anchor]
    prep = p.tokens[t.head]
    if t.dep != "pobj" or prep.text.lower() != "at" or prep.head == prep.i:
        return []
    v = p.tokens[prep.head]
    if v.lemma.lower() not in lx.ESTIMATING_AT | {"estimate"}:
        return []
    totals = [c for c in p.children(v.i) if c.dep == "dobj" and c.lemma.lower() in lx.TOTALS]
    if not totals:
        return []
    own = losses_named(p, [totals[0].i, *[c.i for c in p.children(totals[0].i)]])
    if own:
        return own
    s = p.sentence_of(anchor)
    return losses_named(p, list(range(s.first, v.i)))[:1]


def _moving_verb(p: Parsed, verb: int | None) -> bool:
    return verb is not None and p.tokens[verb].lemma.lower() in lx.TRANSFERRING | lx.RECEIVING


def _moved_by_noun(p: Parsed, head: int | None) -> bool:
    """Whether the counted words are what a noun of moving moves ("the delivery of four
    systems", "a shipment of 24 drones")."""
    if head is None or p.tokens[head].dep != "pobj":
        return False
    of = p.tokens[p.tokens[head].head]
    return of.text.lower() == "of" and p.tokens[of.head].lemma.lower() in lx.MOVING_NOUNS


def _inhabitants(p: Parsed, head: int | None) -> bool:
    """Whether the number counts those who live somewhere: "a country of 11.6 million
    people", "a population of 40,000", "the city's 2 million residents"."""
    if head is None:
        return False
    t = p.tokens[head]
    if t.lemma.lower() == "population":
        return True
    of = p.tokens[t.head]
    if t.dep != "pobj" or of.text.lower() != "of" or of.head == of.i:
        return False
    owner = p.tokens[of.head]
    return owner.lemma.lower() in lx.POPULATION | lx.PLACE_NOUNS | {"country", "nation"}


def _near_words(p: Parsed, head: int | None) -> list[int]:
    """The counted word and its modifiers, and those its conjuncts share ("31 soldiers and
    three auxiliaries killed": the participle on the last is everyone's)."""
    if head is None:
        return []
    t = p.tokens[head]
    nouns = [head, *[c.i for c in p.children(head) if c.dep == "conj"]]
    if t.dep == "conj":
        nouns.append(t.head)
    mods = [
        c.i
        for n in nouns
        for c in p.children(n)
        if c.dep in ("amod", "compound") or _participle_on(c)
    ]
    return [head, *mods]


def _participle_on(c: Tok) -> bool:
    return c.dep == "acl" and c.tag == "VBN"


def _or_conjuncts(p: Parsed, verb: int) -> list[int]:
    """Verbs joined to ``verb`` by "or" ("killed or wounded")."""
    kids = p.children(verb)
    if not any(c.dep == "cc" and c.text.lower() == "or" for c in kids):
        return []
    return [c.i for c in kids if c.dep == "conj"]


def _of_materiel(p: Parsed, head: int | None) -> bool:
    """ "containers of ammunition", "rounds of shells": the thing inside counts."""
    if head is None:
        return False
    for c in p.children(head):
        if c.dep == "prep" and c.text.lower() == "of":
            for o in p.children(c.i):
                if o.lemma.lower() in lx.MATERIEL:
                    return True
    return False
