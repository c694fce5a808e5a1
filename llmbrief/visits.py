"""Visits of anyone to anywhere, read from the parse.

Takes a parsed article; gives :class:`VisitReading` items: a travel or meeting
verb ("visited", "arrived in", "will travel to", "held talks in") or a visit
noun ("his trip to", "a state visit to") with a person or an office-holder
as its traveller and a place as its destination, one item per (traveller,
destination) pair, so that "X and Y flew to A and B" gives four. Offices
("the Russian president") are resolved to the person the article names for
them. Statuses come from the clause: "will visit" is planned, "cancelled his
trip" and "did not travel" are denied.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed, Tok
from llmbrief.attach import (
    Phrase,
    allowed_statuses,
    clause_date,
    clause_status,
    noun_phrase,
    places_in,
)
from llmbrief.attach import verb_chain as _chain


@dataclass(frozen=True)
class VisitReading:
    """One possible visit: who, where to, and what the clause says of it."""

    trigger: int  # the token of the verb or noun that tells the visit
    visitors: list[Phrase]  # ranked, best first
    destination: Phrase
    host_country: str
    #: the words of the destination that name the host country's place
    host_place: Phrase | None
    statuses: list[str]
    date: Phrase | None
    sentence: tuple[int, int]
    #: the sentence that names the person an office stands for, when elsewhere
    named_in: tuple[int, int] | None = None
    role: Phrase | None = None


_PLACES = ("GPE", "LOC", "FAC")
#: Pronouns that stand for a person named before.
_PERSONAL = frozenset(["he", "she", "they", "him", "her", "them", "his", "their"])


def place_of(ph: Phrase, the: bool = False) -> Phrase | None:
    """The place a destination names, as written, with its country: the whole phrase
    when it is a place, else the last place inside it ("the Red Sea city of Jeddah" ->
    Jeddah; "North Korea thrice" -> North Korea). Cities and regions count only where
    the parser saw a place and no "the" stands before a bare name (``the``), so "the
    Gulf" is no province."""
    if ph.country and not the:
        return ph
    found = [
        place
        for kind, place in places_in(ph.text, ph.start)
        if kind in ("country", "capital") or (kind != "demonym" and ph.label in _PLACES and not the)
    ]
    return found[-1] if found else None


def own_country(p: Parsed, ph: Phrase) -> str | None:
    """The country of a person, from a demonym or country written with their name here
    or at another mention of them ("Turkish President X", "India's Prime Minister X")."""
    from llmbrief.gazetteer import find_places

    last = ph.text.split()[-1] if ph.text.split() else ""
    texts = [ph.text]
    for t in p.tokens:
        if t.text == last and t.ent == "PERSON":
            ent = p.entity_at(t.i) or (t.i, t.i)
            texts.append(_title_before(p, ent)[1])
    for text in texts:
        for m in find_places(text):
            if m.kind in ("country", "demonym"):
                return m.country
    return None


def _destinations(p: Parsed, t: Tok) -> list[Phrase]:
    out: list[Phrase] = []

    def add(i: int) -> None:
        ph = noun_phrase(p, i)
        the = any(c.dep == "det" and c.text.lower() == "the" for c in p.children(i))
        if place_of(ph, the and " " not in ph.text) is not None:
            out.append(ph)
        else:  # "at the cosmodrome in the Far East region": where the place is
            for c in p.children(i):
                if c.dep == "prep" and c.text.lower() in ("in", "of"):
                    for o in p.children(c.i):
                        if o.dep == "pobj":
                            add(o.i)
        for c in p.children(i):
            if c.dep == "conj":
                add(c.i)

    for c in p.children(t.i):
        if c.dep == "dobj" and t.lemma.lower() in ("visit", "tour", "reach"):
            add(c.i)
        elif c.dep == "prep" and c.text.lower() in ("to", "in", "into", "for", "at"):
            meeting = lx.MEETING | lx.HOSTING | lx.MEETING_NOUNS
            if t.lemma.lower() in meeting and c.text.lower() not in ("in", "at"):
                continue
            for o in p.children(c.i):
                if o.dep == "pobj":
                    add(o.i)
        elif c.dep == "dobj" and t.lemma.lower() in lx.MEETING:
            # "held talks in Jakarta": the place hangs off the object
            for cc in p.children(c.i):
                if cc.dep == "prep" and cc.text.lower() in ("in", "at"):
                    for o in p.children(cc.i):
                        if o.dep == "pobj":
                            add(o.i)
        elif c.dep in ("compound", "amod") and t.pos == "NOUN":
            ph = noun_phrase(p, c.i)  # "a Moscow visit"; "a Gulf tour" is no province's
            place = place_of(ph, the=True)
            if place is not None and c.ent == "GPE":
                out.append(place)
    return out


def _is_traveller(p: Parsed, i: int) -> bool:
    """A person, an office-holder, or a name the tagger left unlabelled ("Shoigu")."""
    from llmbrief.gazetteer import country_of

    t = p.tokens[i]
    if t.ent == "PERSON" or t.lemma.lower() in lx.OFFICES:
        return True
    if t.pos != "PROPN" or country_of(t.text) is not None:
        return False
    if any(c.dep == "compound" and c.lemma.lower() in lx.OFFICES for c in p.children(i)):
        return True  # "President Ana Soto", whatever the tagger took the name for
    return t.ent == "" or (t.ent in ("GPE", "ORG") and _a_person_elsewhere(p, t.text))


def _a_person_elsewhere(p: Parsed, word: str) -> bool:
    """Whether the article's tagger reads ``word`` as (part of) a person's name at
    another mention: the small pipeline tags some surnames as places."""
    return any(t.text == word and t.ent == "PERSON" for t in p.tokens)


def _a_place_name(p: Parsed, i: int, ph: Phrase) -> bool:
    """Whether a would-be traveller is a place: a country or demonym always; a city or
    region only where the tagger does not read it as a person ("Austin said")."""
    if not ph.country:
        return False
    if p.tokens[i].ent != "PERSON":
        return True
    return any(kind in ("country", "demonym", "capital") for kind, _ in places_in(ph.text, 0))


def _named(p: Parsed, i: int) -> list[int]:
    """The people an office or a group is said to be, in apposition ("the country's
    foreign minister, Choe Son-hui, ..."; "four presidents - A, B and C - ...")."""
    out: list[int] = []
    holders = [i]
    if p.tokens[i].lemma.lower() in lx.OFFICES:  # "the head of the agency, X, ..."
        holders += [o.i for c in p.children(i) if c.dep == "prep" and c.text.lower() == "of"
                    for o in p.children(c.i) if o.dep == "pobj"]  # fmt: skip
    for c in [c for h in holders for c in p.children(h)]:
        if c.dep == "appos" and (p.tokens[c.i].ent == "PERSON" or p.tokens[c.i].pos == "PROPN"):
            out.extend(j for j in _with_conj(p, c.i) if _is_name(p, j))
    if p.tokens[i].tag in ("NNS", "NNPS"):  # a group: every name listed inside it
        for j in p.subtree(i):
            if j not in out and p.tokens[j].dep in ("appos", "conj") and _is_name(p, j):
                out.append(j)
    return sorted(set(out))


def _is_name(p: Parsed, i: int) -> bool:
    """A person's name, also where the tagger took it for a place it does not know
    (names of people are often tagged GPE by the small English pipeline)."""
    from llmbrief.gazetteer import country_of

    t = p.tokens[i]
    if t.pos != "PROPN" or t.lemma.lower() in lx.OFFICES:
        return False
    return t.ent in ("PERSON", "", "GPE") and country_of(t.text) is None


def _with_conj(p: Parsed, i: int) -> list[int]:
    out = [i]
    for c in p.children(i):
        if c.dep == "conj" and p.tokens[c.i].pos in ("PROPN", "NOUN"):
            out.extend(_with_conj(p, c.i))
    return out


def _travellers(p: Parsed, t: Tok) -> list[int]:
    """The subject of the travel verb, or the possessor/actor of a visit noun."""
    if t.pos == "NOUN":
        for c in p.children(t.i):
            if c.dep == "poss":
                return _with_conj(p, c.i)
        if t.lemma.lower() in lx.MEETING_NOUNS:
            return []  # a meeting is nobody's trip unless it is someone's meeting
        # "X began a visit", "X is on a trip": the subject of the verb over the noun
        for a in p.ancestors(t.i):
            if a.sent != t.sent:
                break
            if a.pos in ("VERB", "AUX"):
                return _travellers(p, a) if a.pos == "VERB" or a.dep == "ROOT" else []
        return []
    if t.lemma.lower() in lx.HOSTING:  # "the king received the minister in Riyadh"
        return [j for c in p.children(t.i) if c.dep == "dobj" for j in _with_conj(p, c.i)]
    for v in _chain(p, t.i):
        for c in p.children(v.i):
            if c.dep == "nsubj":
                return _with_conj(p, c.i)
        if v.lemma.lower() == "accompany":  # "X was accompanied by Y to Z": both go
            return [j for c in p.children(v.i) for j in _passive_parties(p, c)]
    return []


def _passive_parties(p: Parsed, c: Tok) -> list[int]:
    if c.dep == "nsubjpass":
        return _with_conj(p, c.i)
    if c.dep == "agent":
        return [j for o in p.children(c.i) if o.dep == "pobj" for j in _with_conj(p, o.i)]
    return []


def _earlier_person(p: Parsed, before: int) -> int | None:
    """The most recent person named before token ``before`` (for "he", "she")."""
    for i in range(before - 1, -1, -1):
        if p.tokens[i].ent == "PERSON" and p.tokens[i].dep in ("nsubj", "poss", "pobj", "appos"):
            return i
    return None


def _title_before(p: Parsed, ent: tuple[int, int]) -> tuple[int, str]:
    """The title written right before a name ("Brazilian President", "India's Prime
    Minister"): its first token and its words."""
    first = ent[0]
    while first > 0 and p.tokens[first - 1].pos in ("PROPN", "ADJ", "NOUN", "PART"):
        if p.tokens[first - 1].text.isspace():
            break
        first -= 1
    return first, p.text[p.tokens[first].start : p.tokens[ent[0]].start]


def resolve_office(p: Parsed, office: Phrase) -> tuple[Phrase, int] | None:
    """The person the article names for an office ("the Chilean president" -> the name
    written after "Chilean President" elsewhere), and that person's sentence."""
    words = {w.lower().strip(".,'’s") for w in office.text.split()} - {"the", "a", "an"}
    heads = words & lx.OFFICES
    if not heads:
        return None
    seen: set[tuple[int, int]] = set()
    for t in p.tokens:
        ent = p.entity_at(t.i) if t.ent == "PERSON" else None
        if ent is None or ent in seen:
            continue
        seen.add(ent)
        _, title = _title_before(p, ent)
        title_words = {w.lower().strip(".,'’s") for w in title.split()}
        if heads <= title_words and words <= title_words:
            a, b, text = p.span_text(*ent)
            return Phrase(a, b, text, None, "PERSON"), t.sent
    return None


def _visit_status(p: Parsed, t: Tok) -> str:
    """The trigger's own clause first ("will travel"), then what governs it ("cancelled
    his trip", "upcoming visit", "plans a visit")."""
    if t.pos == "VERB":
        own = clause_status(p, t.i, t.i)
        if own != "actual":
            return own
    if any(c.dep == "amod" and c.lemma.lower() in ("upcoming", "planned") for c in p.children(t.i)):
        return "planned"
    for a in p.ancestors(t.i):
        if a.sent != t.sent:
            break
        if a.lemma.lower() in lx.CANCELLING:
            return "denied"
        if a.pos == "VERB":
            return clause_status(p, a.i, t.i) if t.pos == "NOUN" else "actual"
    return "actual"


def _candidates(p: Parsed, i: int) -> tuple[list[Phrase], tuple[int, int] | None, Phrase | None]:
    t = p.tokens[i]
    if t.pos == "PRON":
        if t.text.lower() not in _PERSONAL:
            return [], None, None  # "this is his second visit": no traveller named
        j = _earlier_person(p, i)
        if j is None:
            return [], None, None
        s = p.sentence_of(j)
        return [noun_phrase(p, j)], (s.start, s.end), None
    ph = noun_phrase(p, i)
    if _a_place_name(p, i, ph) or (t.ent != "PERSON" and t.tag in ("NNS", "NNPS")):
        return [], None, None  # a place the tagger took for a person; "leaders" in general
    if t.ent != "PERSON" and t.lemma.lower() in lx.OFFICES:
        named = resolve_office(p, ph)
        if named is not None:
            s = p.sents[named[1]]
            return [named[0]], (s.start, s.end), ph  # the office is the role
    return [ph], None, None


def _people(p: Parsed, i: int) -> list[tuple[int, Phrase | None]]:
    """A traveller token as people: the names in apposition to it, with it as their
    office, or the token itself."""
    named = _named(p, i)
    if named:
        office = noun_phrase(p, i)
        return [(j, office) for j in named]
    return [(i, None)]


def read_visits(p: Parsed) -> list[VisitReading]:
    """Every (traveller, destination) a travel verb or visit noun tells, in text order."""
    out: list[VisitReading] = []
    for t in p.tokens:
        lem = t.lemma.lower()
        # "has been to X", "was in X on Monday": being somewhere is a visit when a
        # person is the subject and a place the object (filtered below)
        been = (
            lem == "be" and t.pos in ("AUX", "VERB") and t.dep in ("ROOT", "ccomp", "conj", "relcl")
        )
        if not (
            (t.pos == "VERB" and lem in lx.TRAVEL | lx.MEETING | lx.HOSTING)
            or (t.pos == "NOUN" and lem in lx.VISIT_NOUNS | lx.MEETING_NOUNS)
            or been  # "has been to X"
        ):
            continue
        dests = _destinations(p, t)
        travellers = [
            i for i in _travellers(p, t) if _is_traveller(p, i) or p.tokens[i].pos == "PRON"
        ]
        if not dests or not travellers:
            continue
        s = p.sentence_of(t.i)
        status = _visit_status(p, t)
        for i, office in [(j, o) for t_ in travellers for j, o in _people(p, t_)]:
            visitors, named_in, role = _candidates(p, i)
            if not visitors:
                continue
            role = role or office
            home = own_country(p, visitors[0])
            for d in dests:
                place = place_of(d)
                host = place.country if place is not None else None
                if host is None or host == home:
                    continue  # no place, or the traveller's own country (going home)
                out.append(
                    VisitReading(
                        trigger=t.i,
                        visitors=visitors,
                        destination=d,
                        host_country=host,
                        host_place=place,
                        statuses=allowed_statuses(status),
                        date=clause_date(p, t.i if t.pos == "VERB" else None, t.i),
                        sentence=(s.start, s.end),
                        named_in=named_in,
                        role=role,
                    )
                )
    return out
