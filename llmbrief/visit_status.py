"""Whether and when a trip happens, as the clause that tells it says.

Takes a parsed article and the token of a travel verb or visit noun; gives its
status ("will visit" planned, "departs on Monday" planned, "cancelled his trip"
and "will no longer be visiting" denied, "would have been his first visit" no
trip at all) and its date as written ("when he came on May 3": that clause's
date; "his first trip since his visit in 2000": not the other visit's date).
"""

from __future__ import annotations

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed, Tok
from llmbrief.attach import Phrase, clause_date, clause_status

__all__ = [
    "called_off",
    "counterfactual",
    "date_after",
    "turned_down",
    "visit_date",
    "visit_status",
]


def visit_status(p: Parsed, t: Tok) -> str:
    """The trigger's own clause first ("will travel"), then what governs it ("cancelled
    his trip", "upcoming visit", "plans a visit")."""
    if called_off(p, t):
        return "denied"
    if t.pos == "VERB":
        own = clause_status(p, t.i, t.i)
        if own != "actual":
            return own
        if t.dep == "xcomp" and p.tokens[t.head].lemma.lower() in lx.INVITING:
            return "planned"  # "invited X to visit"
        if _scheduled(p, t):
            return "planned"
    if any(c.dep == "amod" and c.lemma.lower() in ("upcoming", "planned") for c in p.children(t.i)):
        return "planned"
    verb = _first_verb(p, t)
    if verb is not None:
        return clause_status(p, verb.i, t.i) if t.pos == "NOUN" else "actual"
    return "actual"


def _first_verb(p: Parsed, t: Tok) -> Tok | None:
    return next((a for a in p.ancestors(t.i) if a.sent == t.sent and a.pos == "VERB"), None)


def called_off(p: Parsed, t: Tok) -> bool:
    """A trip called off: "cancelled his trip", "postponed his upcoming visits" (the verbs
    over it up to the first), "will no longer be visiting" (a negated adverb)."""
    kids = p.children(t.i)
    if any(c.dep == "advmod" and any(n.dep == "neg" for n in p.children(c.i)) for c in kids):
        return True
    for a in p.ancestors(t.i):
        if a.sent != t.sent:
            break
        if a.lemma.lower() in lx.CANCELLING and _off(p, a):
            return True
        if a.pos == "VERB":
            break
    return False


def _off(p: Parsed, verb: Tok) -> bool:
    """ "called off", not "called for"."""
    return verb.lemma.lower() != "call" or any(c.text.lower() == "off" for c in p.children(verb.i))


#: Adverbs that put a verb in the present tense in the days ahead ("later flies on to X").
_AHEAD = frozenset(["later", "then", "next", "soon", "tomorrow"])


def _scheduled(p: Parsed, t: Tok) -> bool:
    """A trip in the simple present with a day or an adverb of time ("departs on Monday
    for X", "later flies on to Y"): a schedule, so planned (news tells past trips in the
    past tense)."""
    if t.tag not in ("VBZ", "VBP") or t.lemma == "be":
        return False
    if any(c.dep in ("aux", "auxpass") for c in p.children(t.i)):
        return False
    kids = p.children(t.i)
    if any(c.dep == "advmod" and c.lemma.lower() in _AHEAD for c in kids):
        return True
    return clause_date(p, t.i, t.i) is not None


def turned_down(p: Parsed, t: Tok) -> bool:
    """A trip the grammar says did not happen: "opted against going", "refused to travel"
    (only "denied" is offered: the small model reads past "against")."""
    head = p.tokens[t.head]
    if t.dep == "pcomp" and head.text.lower() == "against":
        return True
    return t.dep == "xcomp" and head.lemma.lower() in lx.REFUSING


_WHEN = frozenset(["when", "while", "as"])
_TIMES = frozenset(["time", "day", "occasion"])


def visit_date(p: Parsed, t: Tok) -> Phrase | None:
    """The date of the trigger's own clause; for a clause that only tells when something
    else happened ("when he came", "the last time X was in Y"), that clause's date."""
    if t.pos not in ("VERB", "AUX"):
        return _noun_date(p, t)
    own = clause_date(p, t.i, t.i)
    if own is not None:
        return own
    kids = {c.lemma.lower() for c in p.children(t.i) if c.dep in ("advmod", "mark")}
    head = p.tokens[t.head]
    if not ((t.dep == "advcl" and kids & _WHEN) or (t.dep == "relcl" and head.lemma in _TIMES)):
        return None
    for a in p.ancestors(t.i):
        if a.sent != t.sent:
            break
        if a.pos in ("VERB", "AUX"):
            return clause_date(p, a.i, a.i)
    return None


def _noun_date(p: Parsed, t: Tok) -> Phrase | None:
    """The date written under a visit noun, not under another visit inside it ("his
    first trip to X since his visit in 2000")."""
    other = {
        j
        for c in p.children(t.i)
        if c.dep == "prep" and c.text.lower() in ("since", "after", "before")
        for j in p.subtree(c.i)
    }
    for i in p.subtree(t.i):
        if i not in other and p.tokens[i].ent == "DATE":
            return clause_date(p, None, i)
    return None


def date_after(p: Parsed, i: int) -> Phrase | None:
    """The date under a name, or written right after it ("since X in 2009")."""
    own = clause_date(p, None, i)
    if own is not None:
        return own
    last = (p.entity_at(i) or (i, i))[1]
    after = p.tokens[last + 1 : last + 3]
    if len(after) == 2 and after[0].text.lower() in ("in", "on") and after[1].ent == "DATE":
        return clause_date(p, None, after[1].i)
    return None


def counterfactual(p: Parsed, t: Tok) -> bool:
    """A trip that did not happen because something else did: "X would have visited Y",
    "this would have been his first visit to Y" (the trip itself, not one it names)."""
    v = t
    if t.pos == "NOUN":
        if t.dep not in ("nsubj", "nsubjpass", "attr", "dobj"):
            return False
        v = p.tokens[t.head]
    auxes = {c.lemma.lower() for c in p.children(v.i) if c.dep == "aux"}
    return v.tag == "VBN" and "have" in auxes and bool(auxes & {"would", "could", "should"})
