"""Visits of anyone to anywhere, read from the parse.

Takes a parsed article; gives :class:`VisitReading` items: a travel or meeting
verb ("visited", "arrived in", "will travel to", "held talks in") or a visit
noun ("his trip to", "a state visit to", "a visit by X") with a person or an
office-holder as its traveller (see :mod:`llmbrief.travellers`) and a place as
its destination, one item per (traveller, destination) pair, so that "X and Y
flew to A and B" gives four. A trip told without its place ("since his visit
in 2000", "he came with X", "during X's visit") goes where the other trip of
its sentence, or the trip told just before it, goes; "from X, where he met Y"
is a trip to X. Statuses and dates come from the clause (see
:mod:`llmbrief.visit_status`); a visitor is printed by the fullest name the
article gives them (see :mod:`llmbrief.holders`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed, Tok
from llmbrief.attach import (
    Phrase,
    allowed_statuses,
    clause_tokens,
    noun_phrase,
    places_in,
)
from llmbrief.holders import fullest_name, own_country, resolve_office
from llmbrief.travellers import (
    PERSONAL,
    candidates,
    followed,
    is_traveller,
    people,
    sent_people,
    travellers,
)
from llmbrief.visit_status import (
    called_off,
    counterfactual,
    date_after,
    turned_down,
    visit_date,
    visit_status,
)

__all__ = ["VisitReading", "own_country", "place_of", "read_visits", "resolve_office"]


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
    #: the sentence that names the destination, when the trigger's own does not
    place_in: tuple[int, int] | None = None


_PLACES = ("GPE", "LOC", "FAC")


def place_of(ph: Phrase, the: bool = False) -> Phrase | None:
    """The place a destination names, as written, with its country: the whole phrase
    when it is a place, else the last place inside it ("the Red Sea city of Jeddah" ->
    Jeddah; "North Korea thrice" -> North Korea), else a people's place ("the Ukrainian
    capital", "the Russian Far East" -> the demonym). Cities and regions count only where
    the parser saw a place and no "the" stands before a bare name (``the``), so "the
    Gulf" is no province."""
    if ph.country and not the:
        return ph
    places = places_in(ph.text, ph.start)
    found = [
        place
        for kind, place in places
        if kind in ("country", "capital") or (kind != "demonym" and ph.label in _PLACES and not the)
    ]
    if found:
        return found[-1]
    words = ph.text.split()
    if words and (words[-1].lower() in lx.PLACE_NOUNS or ph.label == "LOC"):
        peoples = [place for kind, place in places if kind == "demonym"]
        return peoples[0] if len(peoples) == 1 else None
    return None


@dataclass(frozen=True)
class _Dest:
    """A destination as written, the words that name its country, and their sentence
    when not the destination's own (a short name: "the North")."""

    phrase: Phrase
    place: Phrase
    place_in: tuple[int, int] | None = None


def _short_name(p: Parsed, i: int, ph: Phrase) -> _Dest | None:
    """ "the North" for a country the article names in full ("North Korea"): the latest
    full mention up to this one, when one country alone starts with that word."""
    from llmbrief.gazetteer import country_of

    t = p.tokens[i]
    if t.pos != "PROPN" or not t.text[:1].isupper() or country_of(t.text) is not None:
        return None
    full: dict[str, int] = {}
    for k in range(min(len(p.tokens) - 1, p.sentence_of(i).last), 0, -1):
        if p.tokens[k - 1].text == t.text and k != i + 1:
            country = country_of(f"{t.text} {p.tokens[k].text}")
            if country is not None:
                full.setdefault(country, k - 1)
    if len(full) != 1:
        return None
    (country, k), *_ = full.items()
    a, b, text = p.span_text(k, k + 1)
    s = p.sentence_of(k)
    same = s == p.sentence_of(i)
    return _Dest(ph, Phrase(a, b, text, country, "GPE"), None if same else (s.start, s.end))


def _destinations(p: Parsed, t: Tok) -> list[_Dest]:
    out: list[_Dest] = []

    def add(i: int) -> None:
        ph = noun_phrase(p, i)
        the = any(c.dep == "det" and c.text.lower() == "the" for c in p.children(i))
        place = place_of(ph, the and " " not in ph.text)
        if place is not None:
            out.append(_Dest(ph, place))
        elif the and (short := _short_name(p, i, ph)) is not None:
            out.append(short)
        else:  # "at the cosmodrome in the Far East region": where the place is
            for c in p.children(i):
                if c.dep == "prep" and c.text.lower() in ("in", "of"):
                    for o in p.children(c.i):
                        if o.dep == "pobj":
                            add(o.i)
        for c in p.children(i):
            if c.dep == "conj":
                add(c.i)

    lem = t.lemma.lower()
    meeting = lem in lx.MEETING | lx.HOSTING | lx.MEETING_NOUNS
    for c in p.children(t.i):
        if c.dep == "dobj" and lem in ("visit", "tour", "reach"):
            add(c.i)
        elif c.dep in ("prep", "dative") and c.text.lower() in ("to", "in", "into", "for", "at"):
            if meeting and c.text.lower() not in ("in", "at"):
                continue
            for o in p.children(c.i):
                if o.dep == "pobj":
                    add(o.i)
        elif c.dep in ("compound", "amod") and t.pos == "NOUN":
            ph = noun_phrase(p, c.i)  # "a Moscow visit"; "a Gulf tour" is no province's
            place = place_of(ph, the=True)
            if place is not None and c.ent == "GPE":
                out.append(_Dest(place, place))
    if t.pos == "NOUN" and t.dep == "dobj" and not out:
        # "postponed the trip to X": the parser hangs the place on the verb
        for c in p.children(t.head):
            if c.dep == "prep" and c.text.lower() == "to":
                for o in p.children(c.i):
                    if o.dep == "pobj":
                        add(o.i)
    if meeting and not out:
        # "held talks with X in Moscow": the parser hangs the place on whoever is met
        for i in _meeting_places(p, t):
            add(i)
    if not out and (where := _where(p, t)) is not None:
        add(where)  # "arrived from Moscow, where he met X": he was in Moscow
    unique: dict[int, _Dest] = {}
    for d in out:
        unique.setdefault(d.place.start, d)
    return list(unique.values())


def _where(p: Parsed, t: Tok) -> int | None:
    """The place a "where" clause tells of ("from X, where he met Y"), when that place is
    not where the trip it hangs on goes ("arrived in X, where he met Y" is that trip)."""
    if t.dep != "relcl" or not any(c.lemma.lower() == "where" for c in p.children(t.i)):
        return None
    place = p.tokens[t.head]
    gov = p.tokens[place.head]
    if place.dep == "pobj" and gov.text.lower() == "from":
        return place.i
    trip = p.tokens[gov.head] if place.dep == "pobj" else gov
    return None if _is_trigger(p, trip) else place.i


def _meeting_places(p: Parsed, t: Tok) -> list[int]:
    """The objects of "in"/"at" anywhere in a meeting's clause but its subject."""
    if t.pos == "VERB":
        toks = clause_tokens(p, t.i)
        subj = {j for c in p.children(t.i) if c.dep == "nsubj" for j in p.subtree(c.i)}
    else:
        toks, subj = p.subtree(t.i), set()
    return [
        i
        for i in toks
        if i not in subj
        and p.tokens[i].dep == "pobj"
        and p.tokens[p.tokens[i].head].text.lower() in ("in", "at")
        and p.tokens[i].ent not in ("DATE", "TIME")
    ]


def _is_trigger(p: Parsed, t: Tok) -> bool:
    lem = t.lemma.lower()
    if t.pos == "NOUN":
        return lem in lx.VISIT_NOUNS | lx.MEETING_NOUNS
    if lem == "hold":  # "held talks in X"; not "an exercise held in X"
        kids = p.children(t.i)
        return (
            t.pos == "VERB"
            and not any(c.dep == "auxpass" for c in kids)
            and any(
                c.dep == "dobj"
                and (c.lemma.lower() in lx.HELD_MEETINGS or c.text in lx.HELD_MEETINGS)
                for c in kids
            )
        )
    if t.pos == "VERB" and lem in lx.TRAVEL | lx.MEETING | lx.HOSTING:
        return True
    if t.pos == "VERB" and lem in lx.SENDING:
        return bool(sent_people(p, t))
    if followed(p, t):  # "followed by a second summit in X": a meeting, not a visit noun's
        meetings = [o for c in p.children(t.i) if c.dep == "agent" for o in p.children(c.i)]
        return any(o.lemma.lower() in lx.MEETING_NOUNS for o in meetings)
    # "has been to X", "was in X on Monday": being somewhere is a visit when a person is
    # the subject and a place the object (filtered by the caller)
    return lem == "be" and t.pos in ("AUX", "VERB") and t.dep in ("ROOT", "ccomp", "conj", "relcl")


@dataclass
class _Mention:
    """A trigger with its travellers and its destinations (maybe borrowed)."""

    trigger: Tok
    travellers: list[tuple[int, Phrase | None]]  # token, office it is named by
    dests: list[_Dest]
    borrowed: bool = False
    date: Phrase | None = None


def _mentions(p: Parsed) -> list[_Mention]:
    out: list[_Mention] = []
    for t in p.tokens:
        if not _is_trigger(p, t) or counterfactual(p, t):
            continue
        found = [i for i in travellers(p, t) if is_traveller(p, i) or p.tokens[i].pos == "PRON"]
        if found:
            who = [(j, o) for i in found for j, o in people(p, i)]
            out.append(_Mention(t, who, _destinations(p, t), date=visit_date(p, t)))
        if t.pos == "NOUN":
            out.extend(_since(p, t))
    return out


def _since(p: Parsed, t: Tok) -> list[_Mention]:
    """ "the first visit by a Japanese leader since X in 2015": X made that visit too."""
    if not any(c.lemma.lower() == "first" for c in p.children(t.i)):
        return []
    heads = [t.i, *[a.i for a in p.ancestors(t.i) if a.sent == t.sent][:1]]
    out = []
    for c in (c for h in heads for c in p.children(h)):
        if c.dep == "prep" and c.text.lower() == "since":
            for o in p.children(c.i):
                if o.dep == "pobj" and p.tokens[o.i].ent == "PERSON":
                    date = date_after(p, o.i)
                    out.append(_Mention(t, [(o.i, None)], _destinations(p, t), date=date))
    return out


def _borrow(p: Parsed, mentions: list[_Mention]) -> None:
    """A trip told without its place goes where the other trip of its sentence goes, or,
    for someone's visit ("during X's visit"), where the trip told in one of the two
    sentences before goes."""
    for m in mentions:
        if m.dests:
            continue
        sent = m.trigger.sent
        same = [o for o in mentions if o.dests and not o.borrowed and o.trigger.sent == sent]
        if same:
            above = {a.i for a in p.ancestors(m.trigger.i)}  # "met in X for their summit"
            src = min(
                same, key=lambda o: (o.trigger.i not in above, abs(o.trigger.i - m.trigger.i))
            )
            if _pronouns_only(p, m) and not _another_date(m.date, src.date):
                continue  # "arrived in X, where he will meet Y": the same trip
            if {i for i, _ in m.travellers} - {i for i, _ in src.travellers}:
                m.dests, m.borrowed = src.dests, True  # else that trip is told already
                _pronouns_as(p, m, src)
            continue
        if m.trigger.pos != "NOUN" or m.trigger.lemma.lower() not in lx.VISIT_NOUNS:
            continue
        before = [
            o for o in mentions if o.dests and not o.borrowed and sent - 2 <= o.trigger.sent < sent
        ]
        if before:
            src = before[-1]
            s = p.sentence_of(src.trigger.i)
            m.dests = [replace(d, place_in=d.place_in or (s.start, s.end)) for d in src.dests]
            m.borrowed = True
            _pronouns_as(p, m, src)


def _pronouns_as(p: Parsed, m: _Mention, src: _Mention) -> None:
    """A trip told by pronouns alone is made by whoever made the trip it borrows its place
    from ("X plans to visit Y. ... preparing for his arrival")."""
    if _pronouns_only(p, m):
        m.travellers = src.travellers


def _pronouns_only(p: Parsed, m: _Mention) -> bool:
    return all(p.tokens[i].text.lower() in PERSONAL for i, _ in m.travellers)


_EARLIER = re.compile(r"\d|\b[A-Z]|\b(?:last|ago|previous|earlier)\b")


def _another_date(a: Phrase | None, b: Phrase | None) -> bool:
    """Whether a trip's own date sets it apart from another trip's: a point in time
    ("in July 2000", "last year"), not "in years" ("his first visit in years")."""
    return a is not None and (b is None or a.text != b.text) and bool(_EARLIER.search(a.text))


def read_visits(p: Parsed) -> list[VisitReading]:
    """Every (traveller, destination) a travel verb or visit noun tells, in text order."""
    mentions = _mentions(p)
    _borrow(p, mentions)
    out: list[VisitReading] = []
    by_host: dict[str, Phrase] = {}  # the last person named as going to each country
    for m in mentions:
        t = m.trigger
        hosts = {d.place.country for d in m.dests if d.place.country}
        if not hosts:
            continue
        s = p.sentence_of(t.i)
        off = turned_down(p, t) or called_off(p, t)
        status = ["denied"] if off else allowed_statuses(visit_status(p, t))
        for i, office in m.travellers:
            visitors, named_in, role = candidates(p, i, hosts)
            if not visitors:
                continue
            full = fullest_name(p, visitors[0])
            if full is not None:  # "Soto" -> "Ana Soto": the sentence naming her in full
                visitors, named_in = [full[0], *visitors[1:]], None
            if named_in is None and not s.start <= visitors[0].start < s.end:
                named_in = _sentence_at(p, visitors[0])  # a group's member named elsewhere
            home = own_country(p, visitors[0])
            for d in m.dests:
                host = d.place.country
                if host is None or host == home:
                    continue  # no place, or the traveller's own country (going home)
                who, where, as_ = visitors, named_in, role or office
                if _an_office(p, i, role) and host in by_host:
                    # "the head of the agency" going where the person named went
                    who, as_ = [by_host[host]], visitors[0]
                    where = _sentence_at(p, by_host[host])
                elif p.tokens[i].ent == "PERSON" or role is not None:
                    by_host[host] = visitors[0]
                out.append(
                    VisitReading(
                        trigger=t.i,
                        visitors=who,
                        destination=d.phrase,
                        host_country=host,
                        host_place=d.place,
                        statuses=status,
                        date=m.date,
                        sentence=(s.start, s.end),
                        named_in=None if where == (s.start, s.end) else where,
                        role=as_,
                        place_in=d.place_in,
                    )
                )
    return _once(out)


def _once(readings: list[VisitReading]) -> list[VisitReading]:
    """Each (trigger, visitor, host country) once: a name the parse reaches twice (as a
    conjunct and in apposition) is one question."""
    seen: set[tuple[int, int, str]] = set()
    out = []
    for v in readings:
        key = (v.trigger, v.visitors[0].start, v.host_country)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _an_office(p: Parsed, i: int, role: Phrase | None) -> bool:
    """An office the article names nobody for ("the head of the agency")."""
    t = p.tokens[i]
    return role is None and t.ent != "PERSON" and t.lemma.lower() in lx.OFFICES


def _sentence_at(p: Parsed, ph: Phrase) -> tuple[int, int]:
    s = p.sentence_of(p.tokens_in(ph.start, ph.end)[0].i)
    return s.start, s.end
