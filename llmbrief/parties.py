"""Who sends or supplies, who receives: the parties of a number.

Takes a parsed article, the number's anchor token, the head of the words it
counts and its governing verb; gives candidate parties ranked by the parse,
best first: the verb's subject (or, for verbs of receiving, its "from"
object), the demonym of the people counted ("North Korean troops"), a
possessor ("Germany's tanks"), the object of "to/into/in/for" (receivers),
then the other countries of the sentence by distance. Each is a
:class:`~llmbrief.attach.Phrase` of the source as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed, Tok
from llmbrief.attach import Phrase, noun_phrase, places_in, verb_chain

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
                return None if c.pos == "PRON" else _as_party(p, c.i)
        if v.dep not in ("xcomp",):
            break
    return None


def _as_party(p: Parsed, i: int) -> Phrase:
    """The phrase headed by token ``i``; where it is no party itself but a person or a
    body its words place ("Turkish drone maker X", "the bloc's foreign policy chief"),
    the place word: a country acts through its people and firms."""
    ph = noun_phrase(p, i)
    if _is_party(ph) and not ph.country and _person_elsewhere(p, i):
        ph = Phrase(ph.start, ph.end, ph.text, None, "PERSON")  # "Healey" tagged ORG once
    if _is_party(ph):
        return ph
    return place_word(p, i) or affiliation(p, i) or ph


def _person_elsewhere(p: Parsed, i: int) -> bool:
    """Whether the name word ``i``, tagged a body here, is a person's name where the
    article writes it elsewhere ("John Healey" ... "Healey pledged")."""
    t = p.tokens[i]
    return t.pos == "PROPN" and any(
        o.text == t.text and o.ent == "PERSON" for o in p.tokens if o.i != i
    )


def _name_head(p: Parsed, j: int) -> int:
    """The head of the name token ``j`` is part of ("Kim" in "leader Kim Jong Un")."""
    while p.tokens[j].dep in ("compound", "flat") and p.tokens[j].head != j:
        j = p.tokens[j].head
    return j


def _a_name(t: Tok) -> bool:
    """A word of a person's or a body's name (the tagger may leave it without a label)."""
    return t.pos == "PROPN" and t.ent in ("", "PERSON", "ORG")


def affiliation(p: Parsed, i: int) -> Phrase | None:
    """For a name the clause places nowhere ("Kim pledged to send..."), the party word of
    another mention of the same name in the article ("North Korean leader Kim Jong Un",
    "Kim Jong Un, North Korea's leader"), nearest first; None if none places it."""
    t = p.tokens[i]
    if not _a_name(t):
        return None
    span = p.entity_at(i) or (i, i)
    words = {p.tokens[k].text for k in range(span[0], span[1] + 1) if len(p.tokens[k].text) > 2}
    mentions = [
        k
        for k, o in enumerate(p.tokens)
        if o.text in words and _a_name(o) and not span[0] <= k <= span[1]
    ]
    for k in sorted(mentions, key=lambda k: abs(k - i)):
        found = place_word(p, _name_head(p, k))
        if found is not None:
            return found
    return None


def place_word(p: Parsed, i: int) -> Phrase | None:
    """The first word of the name headed by ``i`` that is a party ("Turkish" in "Turkish
    drone maker X", "EU" in "EU foreign policy chief X"), else None."""
    stack, seen = [i], {i}
    while stack:
        for c in p.children(stack.pop()):
            if c.i in seen or c.dep not in ("amod", "compound", "poss", "nmod", "appos"):
                continue
            seen.add(c.i)
            if c.pos in ("PROPN", "ADJ", "NOUN"):
                ph = noun_phrase(p, c.i)
                named = ph.label in ("ORG", "NORP", "GPE") and ph.text[:1].isupper()
                if ph.country or (named and len(ph.text.split()) <= 3):
                    return ph
                stack.append(c.i)
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
                # "drones for Kyiv" gives to Kyiv; "drones for its war in X" gives X nothing
                where = _place_in if c.text.lower() != "for" else _itself
                for o in p.children(c.i):
                    if o.dep == "pobj":
                        _add(out, where(noun_phrase(p, o.i)))
                        for cj in p.children(o.i):  # "to Poland and the Baltic states"
                            if cj.dep == "conj":
                                _add(out, where(noun_phrase(p, cj.i)))
    return out


def _itself(ph: Phrase) -> Phrase:
    return ph


def _place_in(ph: Phrase) -> Phrase:
    """A destination that is no country itself but says where it is ("a Russian drone
    plant", "the port of Odesa"): the last place it names, as written."""
    if ph.country or ph.label in ("ORG", "NORP"):
        return ph
    found = places_in(ph.text, ph.start)
    return found[-1][1] if found else ph


def _own(p: Parsed, head: int | None, end_char: int) -> list[Phrase]:
    """The demonym or possessor of the counted words ("North Korean troops", "Iran's drones")."""
    if head is None:
        return []
    out: list[Phrase] = []
    people = p.tokens[head].lemma.lower() in lx.PEOPLE
    for c in p.children(head):
        if c.dep in ("amod", "compound", "poss", "nmod") and c.start >= end_char:
            ph = noun_phrase(p, c.i)
            # a body's name on people owns them ("Wagner fighters"); on things it names a
            # make or a model ("North Korean KN-23 missiles": the people word is the party)
            if ph.country or people or c.dep == "poss":
                _add(out, ph)
            else:
                _add(out, place_word(p, c.i))
        elif c.dep == "poss":
            _add(out, noun_phrase(p, c.i))
    return out


def _sentence_places(p: Parsed, anchor: int) -> list[Phrase]:
    """Every country named in the number's sentence, nearest first."""
    s = p.sentence_of(anchor)
    at = p.tokens[anchor].start
    places = places_in(p.text[s.start : s.end], s.start)
    found = [ph for _, ph in places if not _against(p, ph.start)]
    return sorted(found, key=lambda ph: abs(ph.start - at))


def _against(p: Parsed, start: int) -> bool:
    """A place fought against ("the war against Ukraine") is no party to a transfer."""
    toks = p.tokens_in(start, start + 1)
    if not toks:
        return False
    for a in [toks[0], *p.ancestors(toks[0].i)][:4]:
        if a.dep == "prep" or a.pos == "ADP":
            return a.text.lower() == "against"
    return False


def _carriers(p: Parsed, head: int | None, verb: int | None) -> list[int]:
    """The verbs that move what is counted: the governing verb and the verbs it is the
    complement of, and participles on the counted noun ("containers sent from X to Y")."""
    out = [v.i for v in verb_chain(p, verb)] if verb is not None else []
    if verb is not None:
        # "began arriving in X": the verb's own complement; "containers, which could
        # hold 4.8 million shells": the move of the thing a relative clause describes
        out += [c.i for c in p.children(verb) if c.dep == "xcomp" and c.pos == "VERB"]
        out += _moved_antecedent(p, verb)
    if head is not None:  # a participle on the counted noun tells its own move: first
        own = [c.i for n in _of_chain(p, head) for c in p.children(n) if _participle(c)]
        out = own + out
    # only verbs of moving people or goods give their roles ("complicated the fight
    # for Ukraine" sends nothing to Ukraine)
    moving = lx.TRANSFERRING | lx.RECEIVING | lx.PLEDGING
    return [v for v in out if p.tokens[v].lemma.lower() in moving]


def _participle(t: Tok) -> bool:
    return t.dep in ("acl", "relcl") and t.pos == "VERB"


def _of_chain(p: Parsed, head: int) -> list[int]:
    """The counted noun and the nouns it is "of" ("batteries of the missile system
    delivered by X": the participle may sit on either)."""
    out = [head]
    for c in p.children(head):
        if c.dep == "prep" and c.text.lower() == "of":
            out += [o.i for o in p.children(c.i) if o.dep == "pobj"]
    return out


def _moved_antecedent(p: Parsed, verb: int) -> list[int]:
    """The verb that moves the noun a relative clause hangs on: for "sent 10,000
    containers, which could hold 4.8 million shells", "sent"."""
    v = p.tokens[verb]
    if v.dep != "relcl" or v.head == v.i:
        return []
    noun = p.tokens[v.head]
    # the antecedent may be the object itself or the last word of the object's phrase
    for n in [noun, *p.ancestors(noun.i)][:3]:
        if n.pos in ("VERB", "AUX"):
            return [n.i]
    return []


def roles(p: Parsed, v: int, heads: list[int]) -> tuple[list[Phrase], list[Phrase]]:
    """Who gives and who gets, as verb ``v`` tells it (``heads``: the nouns moved, whose
    own "to X" / "from X" count too)."""
    givers: list[Phrase] = []
    getters: list[Phrase] = []
    receiving = p.tokens[v].lemma.lower() in lx.RECEIVING
    if receiving and any(c.dep in ("xcomp", "ccomp") for c in p.children(v)):
        return [], []  # "ordered troops to deploy": an order, not a purchase
    subj = _subject(p, v)
    passive = any(c.dep in ("nsubjpass", "auxpass") for c in p.children(v))
    if receiving:
        _add(getters, subj)
    elif not passive:
        _add(givers, subj)
    _add(givers, _agent(p, v))
    for ph in _prep_objects(p, [v, *heads], _FROM):
        _add(givers, ph)
    for ph in _prep_objects(p, [v, *heads], _TO):
        _add(getters, ph)
    kids = p.children(v)
    for c in kids:  # "delivered Kyiv 40 tanks": the dative; the parser's "to X" dative too
        if c.dep == "dative" and c.pos == "ADP":
            for o in p.children(c.i):
                if o.dep == "pobj":
                    _add(getters, _place_in(noun_phrase(p, o.i)))
        elif c.dep == "dative":
            _add(getters, noun_phrase(p, c.i))
    if not receiving and any(c.dep == "prep" and c.text.lower() == "with" for c in kids):
        for c in kids:  # "supply Kyiv with 40 tanks": the object gets what comes "with"
            if c.dep == "dobj" and (ph := noun_phrase(p, c.i)).label in ("GPE", "ORG"):
                _add(getters, ph)
    return givers, getters


@dataclass
class Parties:
    """Candidate parties of a number: those the parse ties to it, then the other places
    of its sentence (``weak``), which the article's own usage may reorder."""

    senders: list[Phrase] = field(default_factory=list)
    receivers: list[Phrase] = field(default_factory=list)
    weak: list[Phrase] = field(default_factory=list)

    def ranked(
        self,
        as_sender: Callable[[Phrase], int] | None = None,
        as_receiver: Callable[[Phrase], int] | None = None,
    ) -> tuple[list[Phrase], list[Phrase]]:
        """(senders, receivers), best first: the parse's candidates, then the weak ones
        (ordered by the article's usage where given, else by distance). A weak place
        never heads both lists."""
        senders, receivers = list(self.senders), list(self.receivers)
        for ph in sorted(self.weak, key=as_sender) if as_sender else self.weak:
            _add(senders, ph)
        for ph in sorted(self.weak, key=as_receiver) if as_receiver else self.weak:
            _add(receivers, ph)
        # a party the parse gives one role is still a (last) candidate for the other
        # ("delivered by X would be deployed by Y": Y gets them)
        for ph in self.senders[1:]:
            _add(receivers, ph)
        for ph in self.receivers[1:]:
            _add(senders, ph)
        if senders and receivers and senders[0].party == receivers[0].party:
            if receivers[0] not in self.receivers and len(receivers) > 1:
                receivers.append(receivers.pop(0))
            elif senders[0] not in self.senders and len(senders) > 1:
                senders.append(senders.pop(0))
        return senders, receivers


def parties(p: Parsed, anchor: int, head: int | None, verb: int | None, end_char: int) -> Parties:
    """Candidate senders (suppliers) and receivers (recipients) of a number."""
    out = Parties()
    for ph in _own(p, head, end_char):
        _add(out.senders, ph)
    heads = [h for h in (head, verb) if h is not None]
    if head is not None and p.tokens[head].dep == "pobj":  # "the sale of 400 missiles to X"
        of = p.tokens[p.tokens[head].head]
        if of.text.lower() == "of" and p.tokens[of.head].pos == "NOUN":
            heads.append(of.head)
    if head is not None:  # "1,000 sappers and 5,000 engineers to X": conjuncts share "to X"
        t = p.tokens[head]
        heads += [c.i for c in p.children(head) if c.dep == "conj"]
        heads += [t.head] if t.dep == "conj" and p.tokens[t.head].pos in ("NOUN", "PROPN") else []
    for v in _carriers(p, head, verb):
        givers, getters = roles(p, v, heads)
        for ph in givers:
            _add(out.senders, ph)
        for ph in getters:
            _add(out.receivers, ph)
    # the sentence's own "sent from X to Y" on another verb of moving, then the rest
    # of its places, nearest first ("traveled to X" moves no goods)
    s = p.sentence_of(anchor)
    for i in range(s.first, s.last + 1):
        t = p.tokens[i]
        prep = p.tokens[t.head]
        mover = p.tokens[prep.head].lemma.lower()
        # another verb's goods or people, not a traveller's own way ("traveled to X")
        if t.dep != "pobj" or mover not in lx.TRANSFERRING or mover in lx.SELF_MOVING:
            continue
        if prep.text.lower() in _FROM and not out.senders:
            _add(out.senders, noun_phrase(p, i))
        elif prep.text.lower() in ("to", "into") and not out.receivers:
            _add(out.receivers, noun_phrase(p, i))
    known = {ph.party.lower() for ph in out.senders + out.receivers}
    for ph in _sentence_places(p, anchor):
        if ph.party.lower() not in known:
            _add(out.weak, ph)
    return out
