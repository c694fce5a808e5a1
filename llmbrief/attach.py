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
CLAUSE_DEPS = frozenset({"ccomp", "relcl", "advcl", "parataxis", "acl", "csubj", "conj"})
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
            if c.dep in CLAUSE_DEPS and c.pos in ("VERB", "AUX"):
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


def losses_named(p: Parsed, toks: list[int]) -> list[str]:
    """The losses (killed, wounded, captured, casualties) the words ``toks`` name."""
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
    if losses_named(p, [c.i for c in p.children(total) if c.dep in ("compound", "amod")]):
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


# --- status ----------------------------------------------------------------------------

#: The statuses a number can have, the question's choices.
STATUSES: tuple[str, ...] = ("actual", "planned", "possible", "denied")

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
