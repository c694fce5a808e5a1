"""What a number is attached to, read from the dependency parse.

Takes a :class:`~llmbrief.analysis.Parsed` article and the raw span of one
number; gives an :class:`Attachment`: the words it counts, the verb that
governs it, the statuses its own clause leaves open (modality, negation,
tense), the parties (who sends or supplies, who receives; whose losses), the
date written in its own clause, and who claims it (the subject of a reporting
verb over the clause, "according to X", or the attribution carried over from
the previous sentence of the same paragraph).

Every party, claimant and date is a :class:`Phrase`: a span of the source as
written, with the country it denotes where the gazetteer knows one. Nothing
here names a place or a person: world knowledge comes from
:mod:`llmbrief.gazetteer`, language knowledge from the parse and from the
small word classes of :mod:`llmbrief.lexicon`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed, Tok

#: Dependencies that open a clause of their own below a verb: their modality,
#: dates and subjects are not the number's.
_CLAUSE_DEPS = frozenset({"ccomp", "relcl", "advcl", "parataxis", "acl", "csubj", "conj"})
#: Nominal dependents whose words make up a party's name.
_NAME_DEPS = frozenset({"compound", "amod", "poss", "case", "det", "nmod", "flat", "appos"})


@dataclass(frozen=True)
class Phrase:
    """A span of the source as written, and the country it denotes if any."""

    start: int
    end: int
    text: str
    country: str | None = None
    label: str = ""  # entity label of its head ("GPE", "ORG", "PERSON", "NORP"), if any

    @property
    def party(self) -> str:
        """The party as a record names it: the country, else the words as written."""
        return self.country or self.text


@dataclass(frozen=True)
class Attachment:
    """Everything the parse says about one number."""

    anchor: int
    counted: Phrase | None
    counted_lemma: str | None
    verb: int | None
    verb_lemma: str | None
    meanings: list[str]
    statuses: list[str]
    senders: list[Phrase] = field(default_factory=list)
    receivers: list[Phrase] = field(default_factory=list)
    force: Phrase | None = None
    destination: Phrase | None = None
    location: Phrase | None = None
    date: Phrase | None = None
    claimants: list[Phrase] = field(default_factory=list)
    #: the sentence index of the first claimant, when it is not the number's own
    claimant_sentence: int | None = None
    #: how many of the senders / receivers the parse ties to the number itself (the
    #: rest are other places of its sentence)
    strong: tuple[int, int] = (0, 0)


def places_in(text: str, at: int) -> list[tuple[str, Phrase]]:
    """The places the gazetteer finds in ``text`` (which starts at raw offset ``at``), in
    text order: each mention's kind ("country", "city"...) and its words as a Phrase."""
    from llmbrief.gazetteer import find_places

    return [
        (m.kind, Phrase(at + m.start, at + m.end, m.text, m.country, "GPE"))
        for m in find_places(text)
    ]


# --- small tree helpers ------------------------------------------------------------


def _phrase(p: Parsed, first: int, last: int) -> Phrase:
    from llmbrief.gazetteer import country_of

    # trim leading determiners/punctuation and trailing punctuation or possessive marks
    while first < last and (p.tokens[first].pos in ("DET", "PUNCT", "CCONJ", "ADP")):
        first += 1
    while last > first and (p.tokens[last].pos == "PUNCT" or p.tokens[last].tag == "POS"):
        last -= 1
    a, b, text = p.span_text(first, last)
    head = _head_of(p, first, last)
    return Phrase(a, b, text, country_of(text), p.tokens[head].ent)


def _head_of(p: Parsed, first: int, last: int) -> int:
    for i in range(first, last + 1):
        h = p.tokens[i].head
        if h < first or h > last or h == i:
            return i
    return last


def noun_phrase(p: Parsed, i: int, *, stop_at: int | None = None) -> Phrase:
    """The name-like phrase headed by token ``i``: its compounds, modifiers, possessor."""
    idx = [i]
    stack = [i]
    while stack:
        for c in p.children(stack.pop()):
            if (
                c.dep in _NAME_DEPS
                or (c.dep == "prep" and c.text.lower() == "of")
                or (c.dep == "pobj" and p.tokens[c.head].text.lower() == "of")
            ):
                idx.append(c.i)
                stack.append(c.i)
    ent = p.entity_at(i)
    if ent:
        idx.extend(range(ent[0], ent[1] + 1))
    first, last = min(idx), max(idx)
    if stop_at is not None and first <= stop_at <= last:
        first = max(first, stop_at + 1) if stop_at < i else first
        last = min(last, stop_at - 1) if stop_at > i else last
    # keep it contiguous: drop words past a comma or a line break inside
    for k in range(i, last + 1):
        if p.tokens[k].text in (",", ";", ":", "(", "—") or p.tokens[k].text.isspace():
            last = k - 1
            break
    for k in range(i, first - 1, -1):
        if p.tokens[k].text in (",", ";", ":", ")", "—") or p.tokens[k].text.isspace():
            first = k + 1
            break
    return _phrase(p, first, last)


def clause_tokens(p: Parsed, verb: int) -> list[int]:
    """The tokens of ``verb``'s own clause: its subtree minus the clauses nested in it."""
    out = [verb]
    stack = [verb]
    while stack:
        for c in p.children(stack.pop()):
            if c.dep in _CLAUSE_DEPS and c.pos in ("VERB", "AUX"):
                continue
            out.append(c.i)
            stack.append(c.i)
    return sorted(out)


def governing_verb(p: Parsed, i: int) -> int | None:
    """The nearest verb above token ``i`` in its sentence (or ``i`` itself if it is one)."""
    t = p.tokens[i]
    if t.pos in ("VERB",):
        return i
    for a in p.ancestors(i):
        if a.sent != t.sent:
            break
        if a.pos == "VERB" or (a.pos == "AUX" and a.dep not in ("aux", "auxpass")):
            return a.i  # a copula heading its clause: "there could be 3 million shells"
    return None


def verb_chain(p: Parsed, verb: int) -> list[Tok]:
    """The verb and the verbs it is the complement of ("plans to send" -> send, plans)."""
    chain = [p.tokens[verb]]
    t = p.tokens[verb]
    while t.dep in ("xcomp", "pcomp", "acl", "advcl", "ccomp") and t.head != t.i:
        h = p.tokens[t.head]
        if t.dep in ("acl", "advcl", "ccomp") and not _to_infinitive(p, t.i):
            break
        chain.append(h)
        t = h
        if h.pos not in ("VERB", "AUX", "NOUN", "ADJ"):
            break
    return chain


def _to_infinitive(p: Parsed, v: int) -> bool:
    return any(c.dep == "aux" and c.tag == "TO" for c in p.children(v))


# --- the number and what it counts -----------------------------------------------------


def anchor_token(p: Parsed, start: int, end: int) -> int:
    """The token of the number's span whose head lies outside it."""
    toks = p.tokens_in(start, end)
    if not toks:
        raise ValueError(f"no token at characters {start}-{end}")
    ids = {t.i for t in toks}
    for t in reversed(toks):
        if t.head not in ids or t.head == t.i:
            return t.i
    return toks[-1].i


def counted(p: Parsed, anchor: int, end_char: int) -> tuple[Phrase | None, str | None, int | None]:
    """The words a number counts, their head lemma, and the head token.

    "18 Leopard tanks" counts "Leopard tanks"; "2,700 wounded" counts
    "wounded"; "6,700 containers of ammunition" counts "containers of
    ammunition"; "numbering around 2,000" walks up through "around".
    """
    t = p.tokens[anchor]
    head = p.tokens[t.head]
    if head.pos == "ADP" and head.head != head.i:  # "around 2,000", "up to 500"
        t, head = head, p.tokens[head.head]
    if t.dep in ("nummod", "quantmod", "amod", "compound") and head.pos in ("NOUN", "PROPN"):
        # "2,400 kamikaze drones": the number may hang on a modifier of the real head
        while head.dep in ("compound", "nmod") and head.head > head.i:
            if p.tokens[head.head].pos not in ("NOUN", "PROPN"):
                break
            head = p.tokens[head.head]
        ph = noun_phrase(p, head.i)
        ph = _from_char(p, ph, end_char)
        return ph, _lemma(head), head.i
    nxt = _next_word(p, anchor)
    if nxt is not None and nxt.pos in ("NOUN", "ADJ", "VERB", "PROPN") and nxt.sent == t.sent:
        if nxt.pos == "VERB" and nxt.tag not in ("VBN", "VBD"):
            nxt = None
        if nxt is not None:
            last = nxt.i
            of = [c for c in p.children(anchor) if c.dep == "prep" and c.text.lower() == "of"]
            return _phrase(p, nxt.i, last), nxt.lemma.lower(), nxt.i
    of = [c for c in p.children(anchor) if c.dep == "prep" and c.text.lower() == "of"]
    for o in of:
        objs = [c for c in p.children(o.i) if c.dep == "pobj"]
        if objs:
            return noun_phrase(p, objs[0].i), objs[0].lemma.lower(), objs[0].i
    total = _total_of(p, p.tokens[anchor])
    if total is not None:
        return noun_phrase(p, total), p.tokens[total].lemma.lower(), total
    described = _described_noun(p, anchor)
    if described is not None:
        return noun_phrase(p, described), p.tokens[described].lemma.lower(), described
    return None, None, None


def _lemma(t: Tok) -> str:
    """A counted word's lemma; a capitalised plural the tagger leaves whole ("Marines")
    is read as its singular when that is a word of people or things."""
    lemma = t.lemma.lower()
    if t.pos == "PROPN" and lemma.endswith("s") and lemma[:-1] in lx.PEOPLE | lx.MATERIEL:
        return lemma[:-1]
    return lemma


def _total_of(p: Parsed, t: Tok) -> int | None:
    """ "the number of containers sent ... is about 5,000", "the death toll rose to 81",
    "raising the toll to 81": the noun of a total whose value the number is (the
    complement or object of the total's verb, or of the verb it is a conjunct of)."""
    if t.dep not in ("attr", "dobj", "pobj", "npadvmod") or t.head == t.i:
        return None
    verb = p.tokens[t.head]
    if verb.pos == "ADP" and verb.head != verb.i:  # "stood at 5,000", "rose to 5,000"
        verb = p.tokens[verb.head]
    if verb.pos not in ("VERB", "AUX"):
        return None
    verbs = [verb, p.tokens[verb.head]] if verb.dep == "conj" else [verb]
    for v in verbs:
        for s in p.children(v.i):
            if (
                s.dep in ("nsubj", "nsubjpass", "dobj")
                and s.lemma.lower() in lx.TOTALS
                and s.i != t.i
            ):
                return _total_noun(p, s.i)
    return None


def _total_noun(p: Parsed, total: int) -> int | None:
    """What a total counts: its "of" object ("the number of deaths"), or the total itself
    when its own words say ("the death toll")."""
    for c in p.children(total):
        if c.dep == "prep" and c.text.lower() == "of":
            for o in p.children(c.i):
                if o.dep == "pobj" and o.pos in ("NOUN", "PROPN"):
                    return o.i
    if _loss_of(p, [c.i for c in p.children(total) if c.dep in ("compound", "amod")]):
        return total
    return None


def _through_of(p: Parsed, i: int) -> int:
    """ "the presence of troops" counts troops: through "of" to a noun of people or things."""
    if p.tokens[i].lemma.lower() in lx.PEOPLE | lx.MATERIEL:
        return i
    for c in p.children(i):
        if c.dep == "prep" and c.text.lower() == "of":
            for o in p.children(c.i):
                if o.dep == "pobj" and o.lemma.lower() in lx.PEOPLE | lx.MATERIEL:
                    return o.i
    return i


def _described_noun(p: Parsed, anchor: int) -> int | None:
    """The noun a clause on it puts a number to: "troops, estimated to be around
    12,000", "a force numbering 2,000"."""
    t = p.tokens[anchor]
    via_clause = False
    for a in p.ancestors(anchor):
        if a.sent != t.sent:
            return None
        if a.pos in ("NOUN", "PROPN"):
            return _through_of(p, a.i) if via_clause else None
        if a.pos not in ("VERB", "AUX", "ADP"):
            return None
        via_clause = via_clause or a.dep in ("acl", "relcl")
    return None


def _from_char(p: Parsed, ph: Phrase, end_char: int) -> Phrase:
    """The counted words start after the number: "18 Leopard tanks" -> "Leopard tanks"."""
    if ph.start >= end_char:
        return ph
    toks = [t for t in p.tokens_in(end_char, ph.end) if t.start >= end_char]
    if not toks:
        return ph
    return _phrase(p, toks[0].i, toks[-1].i)


def _next_word(p: Parsed, i: int) -> Tok | None:
    j = i + 1
    while j < len(p.tokens) and p.tokens[j].pos == "PUNCT" and p.tokens[j].text in "-–":
        j += 1
    return p.tokens[j] if j < len(p.tokens) else None


# --- meaning ---------------------------------------------------------------------------

MEANINGS: tuple[str, ...] = (
    "sent", "supplied", "killed", "wounded", "captured", "casualties", "visits", "other"
)  # fmt: skip
STATUSES: tuple[str, ...] = ("actual", "planned", "possible", "denied")


def _loss_of(p: Parsed, toks: list[int]) -> list[str]:
    found: list[str] = []
    for i in toks:
        lem = p.tokens[i].lemma.lower()
        low = p.tokens[i].text.lower()
        for meaning, words in (
            ("killed", lx.KILLED),
            ("wounded", lx.WOUNDED),
            ("captured", lx.CAPTURED),
            ("casualties", lx.CASUALTY),
        ):
            if (lem in words or low in words) and meaning not in found:
                found.append(meaning)
        if lem == "life" and any(a.lemma == "lose" for a in p.ancestors(i)):
            found.insert(0, "killed") if "killed" not in found else None
    return found


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
    found = _loss_of(p, _near_words(p, head))
    by_verb = False
    if not found and verb is not None:
        own = [c.i for c in p.children(verb) if c.pos != "NUM" and c.dep not in _CLAUSE_DEPS]
        found = _loss_of(p, [verb, *own, *_or_conjuncts(p, verb)])
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
    own = _loss_of(p, [totals[0].i, *[c.i for c in p.children(totals[0].i)]])
    if own:
        return own
    s = p.sentence_of(anchor)
    return _loss_of(p, list(range(s.first, v.i)))[:1]


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


# --- status ----------------------------------------------------------------------------

#: What each reading still leaves open: "may send" can be possible or planned, never done.
_ALLOWED = {
    "denied": ["denied", "actual"],
    "possible": ["possible", "planned"],
    "planned": ["planned", "possible"],
    "actual": ["actual", "planned", "possible", "denied"],
}


def clause_status(p: Parsed, verb: int | None, anchor: int) -> str:
    """The status the number's own clause reads as: negation, modality, planning, tense."""
    if verb is None:
        return "actual"
    chain = verb_chain(p, verb)
    for v in chain:
        kids = p.children(v.i)
        if any(c.dep == "neg" for c in kids) or v.lemma.lower() in lx.DENYING:
            return "denied"
    for a in p.ancestors(verb):  # "Iran denied that it supplied..."
        if a.sent == p.tokens[verb].sent and a.lemma.lower() in lx.DENYING:
            return "denied"
    for v in chain:
        kids = p.children(v.i)
        mods = {c.lemma.lower() for c in kids if c.tag == "MD" or c.dep == "aux"}
        advs = {c.lemma.lower() for c in kids if c.dep == "advmod"}
        if mods & lx.MODAL_POSSIBLE or advs & lx.HEDGING_ADVERBS or v.lemma in lx.SPECULATING:
            return "possible"
        if mods & lx.MODAL_PLANNED or (v.lemma.lower() in lx.PLANNING and v.i != verb):
            return "planned"
        if v.i == verb and v.lemma.lower() in lx.PLEDGING | lx.ORDERING:
            return "planned"  # "pledged 10 tanks", "ordered 2,400 drones": not yet there
        if v.i == verb and v.lemma.lower() in lx.PLANNING and _to_be_head(p, v.i, any_verb=True):
            return "planned"  # "200 officers are expected to arrive"
        if mods & lx.MODAL_EITHER:
            return "possible"
        if _is_to_be(p, v.i) or (v.i == verb and _to_be_head(p, v.i)):
            return "planned"
    return "actual"


def _to_be_head(p: Parsed, v: int, *, any_verb: bool = False) -> bool:
    """ "5,000 workers are to join", "are set to join": the number is the subject of the
    "be"/"set" (``any_verb``: of any verb) that heads the infinitive."""
    t = p.tokens[v]
    if not any_verb and t.lemma.lower() not in ("be", "set", "due"):
        return False
    return any(c.dep == "xcomp" and _to_infinitive(p, c.i) for c in p.children(v))


def _is_to_be(p: Parsed, v: int) -> bool:
    """ "is to send", "are set to arrive", "is going to send"."""
    t = p.tokens[v]
    if t.dep != "xcomp" or not _to_infinitive(p, v):
        return False
    h = p.tokens[t.head]
    return h.lemma in ("be", "go", "set", "due") and h.tag in ("VBZ", "VBP", "VBD", "VBG", "VBN")


def allowed_statuses(status: str) -> list[str]:
    """The statuses offered to the model for a clause read as ``status``, that one first."""
    return list(_ALLOWED[status])


# --- date and place ----------------------------------------------------------------------


def clause_date(p: Parsed, verb: int | None, anchor: int) -> Phrase | None:
    """The date written in the number's own clause, not any date of the sentence."""
    toks = clause_tokens(p, verb) if verb is not None else p.subtree(anchor)
    seen: set[tuple[int, int]] = set()
    for i in toks:
        ent = p.entity_at(i)
        if ent and p.tokens[i].ent == "DATE" and ent not in seen:
            seen.add(ent)
            a, b = ent
            if _is_duration(p, a, b):
                continue  # a span of time ("24 years", "three months"), not a date
            start = a
            prev = p.tokens[a - 1] if a > 0 else None
            if prev is not None and prev.dep == "prep" and prev.text.lower() in (
                "since", "by", "until", "from", "in", "on", "as",
            ):  # fmt: skip
                start = a - 1
            return _phrase_keep(p, start, b)
    return None


_TIME_UNITS = frozenset(["year", "month", "week", "day", "decade", "hour", "minute"])


def _is_duration(p: Parsed, a: int, b: int) -> bool:
    """ "24 years", "three months", "7-year": a number of time units, not a date."""
    for k in range(a, b):
        if p.tokens[k].pos == "NUM":
            nxt = k + 1
            if nxt <= b and p.tokens[nxt].text == "-":
                nxt += 1
            if nxt <= b and p.tokens[nxt].lemma.lower() in _TIME_UNITS:
                return True
    return False


def _phrase_keep(p: Parsed, first: int, last: int) -> Phrase:
    a, b, text = p.span_text(first, last)
    return Phrase(a, b, text, None, p.tokens[last].ent)


def clause_place(p: Parsed, verb: int | None, preps: tuple[str, ...]) -> Phrase | None:
    """A named place that the clause reaches with one of ``preps`` ("to", "into", "in")."""
    if verb is None:
        return None
    for i in clause_tokens(p, verb):
        t = p.tokens[i]
        prep = p.tokens[t.head]
        if t.dep != "pobj" or prep.text.lower() not in preps:
            continue
        if p.tokens[prep.head].lemma.lower() == "accord":
            continue  # "according to Reuters" names a source, not a place
        ph = noun_phrase(p, i)
        if ph.text and (t.ent in ("GPE", "LOC", "FAC") or (ph.country and t.ent != "DATE")):
            return ph
    return None
