"""Who travels: the people a travel verb or a visit noun tells, read from the parse.

Takes a parsed article and the token of a travel verb or visit noun; gives the
tokens of its travellers (the subject of "flew", the possessor of "his trip",
the agent of "a visit by X", the object of "invited X to visit", whoever goes
"with" the traveller), and turns each into people as written: the names in
apposition to an office or a group ("four presidents - A, B and C"), the
person an office stands for (see :mod:`llmbrief.holders`), the person a
pronoun stands for. Nothing here names a place or a person.
"""

from __future__ import annotations

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed, Tok
from llmbrief.attach import Phrase, noun_phrase, places_in
from llmbrief.attach import verb_chain as _chain
from llmbrief.holders import holder_in_next, own_country, resolve_office

#: Pronouns that stand for a person named before.
PERSONAL = frozenset(["he", "she", "they", "him", "her", "them", "his", "their"])
_PLURAL = frozenset(["they", "them", "their"])


def is_traveller(p: Parsed, i: int) -> bool:
    """A person, an office-holder, or a name the tagger left unlabelled ("Shoigu")."""
    from llmbrief.gazetteer import country_of

    t = p.tokens[i]
    if t.ent == "PERSON" or t.lemma.lower() in lx.OFFICES:
        return True
    if t.pos != "PROPN" or country_of(t.text) is not None:
        return False
    if any(c.dep == "compound" and c.lemma.lower() in lx.OFFICES for c in p.children(i)):
        return True  # "President Ana Soto", whatever the tagger took the name for
    if _a_group_name(p, i):
        return False
    return t.ent == "" or (t.ent in ("GPE", "ORG") and _a_person_elsewhere(p, t.text))


def _a_group_name(p: Parsed, i: int) -> bool:
    """A name that is no person's: an acronym ("the AU summit") or a name written after
    "the" ("the Quad"), where the tagger does not read it as a person."""
    t = p.tokens[i]
    if t.ent == "PERSON":
        return False
    the = any(c.dep == "det" and c.lemma.lower() == "the" for c in p.children(i))
    return the or (len(t.text) > 1 and t.text.isupper())


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
    if any(kind in ("country", "demonym", "capital") for kind, _ in places_in(ph.text, 0)):
        return True
    # a city's name alone: a person where the article writes it after a first name
    return (p.entity_at(i) or (i, i)) == (i, i) and not _a_surname(p, p.tokens[i].text)


def _a_surname(p: Parsed, word: str) -> bool:
    """Whether the article writes ``word`` as the last word of a longer person's name."""
    for t in p.tokens:
        if t.text == word and t.ent == "PERSON":
            ent = p.entity_at(t.i)
            if ent is not None and ent[0] < t.i == ent[1]:
                return True
    return False


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
            if j not in out and (_listed(p, j) or _included(p, j)) and _is_name(p, j):
                out.append(j)
    return sorted(set(out))


def _listed(p: Parsed, j: int) -> bool:
    """A member of a list: in apposition or coordination, or a name that is coordinated
    with another ("President of the Union of X Ana Soto and ...": the parser hangs the
    first name off "of")."""
    t = p.tokens[j]
    if t.dep in ("appos", "conj"):
        return True
    return any(c.dep == "conj" and p.tokens[c.i].ent == "PERSON" for c in p.children(j))


def _included(p: Parsed, j: int) -> bool:
    """A member a group is said to include ("three ministers, including X, ...")."""
    t = p.tokens[j]
    return t.dep == "pobj" and p.tokens[t.head].lemma.lower() == "include"


def _is_name(p: Parsed, i: int) -> bool:
    """A person's name, also where the tagger took it for a place it does not know
    (names of people are often tagged GPE by the small English pipeline), or for an
    organisation when it is coordinated with a person's name."""
    from llmbrief.gazetteer import country_of

    t = p.tokens[i]
    if t.pos != "PROPN" or t.lemma.lower() in lx.OFFICES:
        return False
    ent = p.entity_at(i)
    if t.ent == "PERSON" and ent is not None and ent[0] < ent[1]:
        return True  # a full name, even if its last word is also a town's
    if country_of(t.text) is not None:
        return False
    if t.ent == "ORG":
        return any(c.dep == "conj" and p.tokens[c.i].ent == "PERSON" for c in p.children(i))
    return t.ent in ("PERSON", "", "GPE")


def _with_conj(p: Parsed, i: int) -> list[int]:
    out = [i]
    for c in p.children(i):
        if c.dep == "conj" and p.tokens[c.i].pos in ("PROPN", "NOUN"):
            out.extend(_with_conj(p, c.i))
    return out


def travellers(p: Parsed, t: Tok) -> list[int]:
    """The subject of the travel verb, or the possessor/actor of a visit noun."""
    if t.pos == "NOUN":
        return _noun_travellers(p, t)
    if followed(p, t):  # "X and Y met in A, followed by a second summit in B": X and Y
        return travellers(p, p.tokens[t.head])
    if t.lemma.lower() in lx.SENDING:  # "sent the foreign minister to X": the one sent goes
        return sent_people(p, t)
    if t.lemma.lower() in lx.HOSTING:  # "the king received the minister in Riyadh"
        return [j for c in p.children(t.i) if c.dep in ("dobj", "nsubjpass")
                for j in _with_conj(p, c.i)]  # fmt: skip
    chain = _chain(p, t.i)
    if chain[-1].pos == "ADP" and chain[-1].dep == "prep":  # "opted against going"
        chain.append(p.tokens[chain[-1].head])
    for k, v in enumerate(chain):
        kids = p.children(v.i)
        if k > 0 and chain[k - 1].dep == "xcomp":
            # "invited X to visit", "X was asked to travel": the object goes
            objs = [c for c in kids if c.dep in ("dobj", "nsubjpass")]
            if objs:
                return [j for c in objs for j in _with_conj(p, c.i)]
        subjects = [j for c in kids if c.dep == "nsubj" for j in _with_conj(p, _who(p, c))]
        if subjects:
            return subjects + _companions(p, t)
        if v.lemma.lower() == "accompany":  # "X was accompanied by Y to Z": both go
            return [j for c in kids for j in _passive_parties(p, c)]
    return _before_participle(p, t)


def _before_participle(p: Parsed, t: Tok) -> list[int]:
    """ "X, appointed minister by Y, was visiting Z": where the parser makes X the subject
    of the participle before the verb, X travels (Y, the participle's agent, does not)."""
    for c in p.children(t.i):
        if c.dep in ("ccomp", "advcl") and c.i < t.i and c.tag == "VBN":
            subjects = [s.i for s in p.children(c.i) if s.dep == "nsubj" and s.i < c.i]
            if subjects:
                return _with_conj(p, subjects[0])
    return []


def followed(p: Parsed, t: Tok) -> bool:
    """ "..., followed by a second summit": a verb that tells a next meeting or trip of
    whoever made the one it hangs on."""
    return (
        t.lemma.lower() == "follow"
        and t.dep in ("advcl", "acl", "conj")
        and p.tokens[t.head].pos == "VERB"
        and any(c.dep == "agent" for c in p.children(t.i))
    )


def _who(p: Parsed, subject: Tok) -> int:
    """A relative pronoun's person ("X, who visited Y, ..." -> X), else the subject."""
    verb = p.tokens[subject.head]
    if subject.tag == "WP" and verb.dep == "relcl":
        return verb.head
    return subject.i


def sent_people(p: Parsed, t: Tok) -> list[int]:
    """The people a sending verb sends: its object, or its passive subject, when a person
    or an office ("sent Foreign Minister A and Trade Minister B to X"; not "sent tanks")."""
    return [
        j
        for c in p.children(t.i)
        if c.dep in ("dobj", "nsubjpass")
        for j in _with_conj(p, c.i)
        if p.tokens[j].ent == "PERSON" or p.tokens[j].lemma.lower() in lx.OFFICES
    ]


def _noun_travellers(p: Parsed, t: Tok) -> list[int]:
    """ "X's trip", "a visit by X", "the visit of the minister"; else the subject of the
    verb over the noun ("X began a visit", "X is on a trip")."""
    for c in p.children(t.i):
        if c.dep == "poss":
            return _with_conj(p, c.i)
        if c.dep == "prep" and c.text.lower() in ("by", "of"):
            objs = [o.i for o in p.children(c.i) if o.dep == "pobj"]
            found = [j for o in objs for j in _with_conj(p, o) if is_traveller(p, j)]
            if found:
                return found
    if t.lemma.lower() in lx.MEETING_NOUNS:
        return []  # a meeting is nobody's trip unless it is someone's meeting
    for a in p.ancestors(t.i):
        if a.sent != t.sent:
            break
        if a.pos in ("VERB", "AUX"):
            return travellers(p, a) if a.pos == "VERB" or a.dep == "ROOT" else []
    return []


def _companions(p: Parsed, t: Tok) -> list[int]:
    """Whoever travels "with" the traveller ("he came with the foreign minister")."""
    if t.lemma.lower() not in lx.TRAVEL:
        return []  # "met with X": X is the one met
    withs = [c.i for c in p.children(t.i) if c.dep == "prep" and c.text.lower() == "with"]
    return [o.i for w in withs for o in p.children(w) if o.dep == "pobj" and o.ent == "PERSON"]


def _passive_parties(p: Parsed, c: Tok) -> list[int]:
    if c.dep == "nsubjpass":
        return _with_conj(p, c.i)
    if c.dep == "agent":
        return [j for o in p.children(c.i) if o.dep == "pobj" for j in _with_conj(p, o.i)]
    return []


def _earlier_person(p: Parsed, before: int) -> int | None:
    """The person a pronoun at ``before`` stands for: the nearest subject named before it
    in its sentence ("X told Y that he will..."); else, going back a sentence at a time,
    the person that sentence is about (its subject: "X departs for A, where talks with
    Y ... He will then fly to B" -> X), or the latest person it names otherwise."""
    sent = p.sentence_of(before)
    for i in range(before - 1, sent.first - 1, -1):
        if p.tokens[i].dep in ("nsubj", "nsubjpass") and _a_person(p, i):
            return i
    for k in range(p.tokens[before].sent - 1, -1, -1):
        s = p.sents[k]
        toks = range(s.first, s.last + 1)
        subjects = [i for i in toks if p.tokens[i].dep in ("nsubj", "nsubjpass")]
        found = [i for i in subjects if _a_person(p, i)]
        if found:
            return min(found, key=lambda i: _depth(p, i))
        others = [i for i in toks if p.tokens[i].dep in ("poss", "pobj", "appos")]
        found = [i for i in others if _a_person(p, i)]
        if found:
            return found[-1]
    return None


def _depth(p: Parsed, i: int) -> int:
    """How deep a token lies under its sentence's root (the main clause's subject is 1)."""
    return sum(1 for _ in p.ancestors(i))


def _a_person(p: Parsed, i: int) -> bool:
    """A person's name, not a place the tagger took for one nor a source ("according to")."""
    t = p.tokens[i]
    if t.ent != "PERSON" and not (t.pos == "PROPN" and _a_person_elsewhere(p, t.text)):
        return False  # the tagger reads some surnames as a firm or a place at some mentions
    if _a_place_name(p, i, noun_phrase(p, i)):
        return False
    prep = p.tokens[t.head]
    return not (t.dep == "pobj" and p.tokens[prep.head].lemma.lower() == "accord")


def _a_country_word(word: str) -> bool:
    """A country's own name ("Malawi"), not a town's that is also a first name."""
    from llmbrief.gazetteer import find_places

    return any(m.kind == "country" and m.text == word for m in find_places(word))


def _a_country_before(p: Parsed, start: int) -> bool:
    before = [t for t in p.tokens_in(max(0, start - 40), start) if t.end <= start]
    return bool(before) and _a_country_word(before[-1].text)


def _name_only(p: Parsed, i: int) -> Phrase:
    """A person's name as written without the organisation the tagger ran it into
    ("the Union of X Ana Soto" -> "Ana Soto")."""
    first = i
    while first > 0:
        prev = p.tokens[first - 1]
        if prev.dep != "compound" or prev.pos != "PROPN" or prev.head != i:
            break
        if _a_country_word(prev.text) or prev.lemma.lower() in lx.OFFICES:
            break
        first -= 1
    a, b, text = p.span_text(first, i)
    return Phrase(a, b, text, None, "PERSON")


def candidates(
    p: Parsed, i: int, hosts: set[str]
) -> tuple[list[Phrase], tuple[int, int] | None, Phrase | None]:
    """The visitors a traveller token stands for, as written (best first), the sentence
    that names them when it is not the trigger's, and the office they are named by."""
    t = p.tokens[i]
    if t.pos == "PRON":
        if t.text.lower() not in PERSONAL or t.text.lower() in _PLURAL:
            return [], None, None  # "this is his second visit": no traveller named; "their
            # way" is no one person's (a group is read by :func:`people`)
        j = _earlier_person(p, i)
        if j is None:
            return [], None, None
        s = p.sentence_of(j)
        return [noun_phrase(p, j)], (s.start, s.end), None
    ph = noun_phrase(p, i)
    if _a_place_name(p, i, ph) or (t.ent != "PERSON" and t.tag in ("NNS", "NNPS")):
        return [], None, None  # a place the tagger took for a person; "leaders" in general
    if any(c.dep == "det" and c.lemma.lower() in ("a", "an", "any") for c in p.children(i)):
        return [], None, None  # "a visit by a foreign leader": nobody in particular
    name = _name_only(p, i)
    if name.start > ph.start and _a_country_before(p, name.start):
        ph = name  # "President of the Republic of X Ana Soto": the name after the country
    if t.ent != "PERSON" and t.lemma.lower() in lx.OFFICES:
        named = resolve_office(p, ph) or holder_in_next(p, i, hosts)
        if named is not None:
            s = p.sents[named[1]]
            return [named[0]], (s.start, s.end), ph  # the office is its role
    return [ph], None, None


def people(p: Parsed, i: int) -> list[tuple[int, Phrase | None]]:
    """A traveller token as people: the names in apposition to it, with it as their
    office, or the token itself; "they" as the group named before it."""
    if p.tokens[i].text.lower() in _PLURAL:
        group = _earlier_group(p, i)
        if group is not None:
            named = _named(p, group)
            if named:
                office = noun_phrase(p, group)
                return [(j, office) for j in named]
            return [(j, None) for j in _holders_by_country(p, group)]
    named = _named(p, i)
    if named:
        appos = [min(p.subtree(c.i)) for c in p.children(i) if c.dep == "appos"]
        office = noun_phrase(p, i, stop_at=min(appos) if appos else None)
        return [(j, office) for j in named]
    return [(i, None)]


def _earlier_group(p: Parsed, i: int) -> int | None:
    """The group a plural pronoun stands for: the nearest plural office that is a subject
    before it, in its sentence or the one before ("The leaders of A and B have sent
    envoys, ... why they opted against going")."""
    first = p.sents[max(0, p.tokens[i].sent - 1)].first
    for j in range(i - 1, first - 1, -1):
        t = p.tokens[j]
        if t.dep in ("nsubj", "nsubjpass") and t.tag in ("NNS", "NNPS"):
            return j if t.lemma.lower() in lx.OFFICES else None
    return None


def _holders_by_country(p: Parsed, group: int) -> list[int]:
    """ "the leaders of A, B and C": for each country, the person the article names as
    being of it (by a title or a demonym written with one of their mentions)."""
    countries = [
        country
        for c in p.children(group)
        if c.dep == "prep" and c.text.lower() == "of"
        for o in p.children(c.i)
        if o.dep == "pobj"
        for j in _with_conj(p, o.i)
        if (country := noun_phrase(p, j).country) is not None
    ]
    out: list[int] = []
    for country in countries:
        for t in p.tokens:
            ent = p.entity_at(t.i) if t.ent == "PERSON" else None
            if ent is None or t.i != ent[1] or t.i in out or not _a_person(p, t.i):
                continue
            if any(_a_country_word(p.tokens[k].text) for k in range(ent[0], ent[1] + 1)):
                continue  # a place the tagger took for a person ("Congo Brazzaville")
            theirs = own_country(p, noun_phrase(p, t.i))
            if theirs is not None and _one_country(theirs, country):
                head = p.tokens[t.head]  # the name's last word, where the tagger stopped short
                last = t.head if t.dep == "compound" and head.pos == "PROPN" else t.i
                out.append(last)
                break
    return out


_COUNTRY_FILLERS = frozenset(["republic", "democratic", "the", "of", "and", "people's", "dr"])


def _one_country(a: str, b: str) -> bool:
    """The same country, also where a demonym is shared ("Congolese": either Congo)."""
    words_a = set(a.lower().split()) - _COUNTRY_FILLERS
    return a == b or bool(words_a & (set(b.lower().split()) - _COUNTRY_FILLERS))
