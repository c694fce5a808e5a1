"""Who claims a number: the attribution of its clause, read from the parse.

Takes a parsed article and a number's anchor token; gives the candidate
claimants, best first, each a :class:`~llmbrief.attach.Phrase` as written:

1. "according to X" in the sentence;
2. the subject of a reporting verb over the number's clause ("X said that…",
   "…, X said", "X estimates…"), nearest in the tree first; the agent of a
   passive one ("…, as reported by X");
3. when the sentence names none, or says only "he said" / "it said", the
   attribution of the previous sentence of the same paragraph.

A candidate's sentence index says where it stands, so that the record's
evidence can take that sentence in too.
"""

from __future__ import annotations

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed, Tok
from llmbrief.attach import Phrase, noun_phrase

_WEAK = frozenset(
    ["it", "this", "that", "they", "he", "she", "we", "i", "you", "which", "who", "there"]
)


def _according_to(p: Parsed, first: int, last: int) -> list[Phrase]:
    out: list[Phrase] = []
    for i in range(first, last + 1):
        t = p.tokens[i]
        if t.lemma.lower() == "accord" and t.text.lower() == "according":
            for c in p.children(i):
                if c.dep == "prep" and c.text.lower() == "to":
                    out.extend(_objects(p, c.i))
        if t.text.lower() in ("citing", "quoting") or (
            t.lemma.lower() in ("cite", "quote") and t.tag == "VBN"
        ):
            for c in p.children(i):
                if c.dep in ("dobj", "agent"):
                    out.extend([noun_phrase(p, c.i)] if c.dep == "dobj" else _objects(p, c.i))
    return out


def _objects(p: Parsed, prep: int) -> list[Phrase]:
    """The objects of a preposition, pronouns left out ("according to him" says nothing);
    "a report by X" gives X."""
    out: list[Phrase] = []
    for o in p.children(prep):
        if o.dep != "pobj" or o.pos == "PRON" or o.text.lower() in _WEAK:
            continue
        if not _is_source(p, o.i) and _whose(p, o.i):
            out.append(noun_phrase(p, o.i))  # "according to Israeli counts"
        elif not _is_source(p, o.i):
            by = [
                b
                for b in p.children(o.i)
                if b.dep == "prep" and b.text.lower() in ("by", "from", "of")
            ]
            out.extend(x for b in by for x in _objects(p, b.i))
            continue
        out.append(_titled(p, o.i))
    return out


def _whose(p: Parsed, i: int) -> bool:
    """Counts or figures a people, place or body owns ("Israeli counts", "UN figures"),
    not people ("North Korean forces" say nothing)."""
    if p.tokens[i].lemma.lower() in lx.PEOPLE | lx.VICTIMS:
        return False
    return any(
        c.dep in ("amod", "compound") and c.ent in ("GPE", "ORG", "NORP") for c in p.children(i)
    )


def _titled(p: Parsed, i: int) -> Phrase:
    """A name with the rest of its title ("the High Representative for Foreign Affairs
    X": the office's "for" words and the name after them are one phrase)."""
    ph = noun_phrase(p, i)
    if p.tokens[i].pos != "PROPN":
        return ph
    for c in p.children(i):
        if c.dep == "prep" and c.text.lower() == "for" and c.start >= ph.end:
            for o in p.children(c.i):
                if o.dep == "pobj" and o.pos == "PROPN":
                    tail = noun_phrase(p, o.i)
                    if "," not in p.text[ph.end : tail.end]:
                        text = p.text[ph.start : tail.end]
                        return Phrase(ph.start, tail.end, text, ph.country, ph.label)
    return ph


def _reports(p: Parsed, v: Tok) -> bool:
    """Whether a verb of saying reports here: "claimed responsibility for" does not, nor
    "put" or "place" without "at"."""
    if v.pos not in ("VERB", "AUX") or v.lemma.lower() not in lx.REPORTING:
        return False
    kids = p.children(v.i)
    if v.lemma.lower() in lx.ESTIMATING_AT and not any(
        c.dep == "prep" and c.text.lower() == "at" for c in kids
    ):
        return False  # "put the toll at 40" reports; "putting forces on the ground" does not
    return not any(c.dep == "dobj" and c.lemma.lower() in lx.CLAIMED_DEEDS for c in kids)


def _reporting_subject(p: Parsed, v: Tok) -> tuple[Phrase | None, bool]:
    """The subject of a reporting verb, and whether it is only a pronoun."""
    subjectless = not any(c.dep in ("nsubj", "nsubjpass", "agent") for c in p.children(v.i))
    if subjectless and v.tag in ("VBD", "VBZ", "VBP"):
        left = _left_source(p, v) or _said_in(p, v)
        if left is not None:
            return left, False
    if v.tag == "VBG" and v.dep == "acl":  # "a video released by X claiming that..."
        return _document_source(p, p.tokens[v.head]), False
    for c in p.children(v.i):
        if c.dep in ("nsubj", "nsubjpass"):
            if c.pos == "PRON" or c.text.lower() in _WEAK:
                return None, True
            if c.dep == "nsubjpass":
                continue
            if not _is_source(p, c.i):  # "a statement published by X said"
                doc = _document_source(p, c)
                if doc is not None:
                    return doc, False
                continue
            return _full_subject(p, c.i), False
        if c.dep == "agent":
            obj = _objects(p, c.i)
            if obj:
                return obj[0], False
    if v.tag == "VBG" and v.dep in ("advcl", "conj", "xcomp") and v.head != v.i:
        # "X traveled to Y, announcing that...": the announcer is the head verb's subject
        return _reporting_subject(p, p.tokens[v.head])
    return None, False


def _left_source(p: Parsed, v: Tok) -> Phrase | None:
    """A source the parse failed to make the subject: the noun phrase just before a
    finite reporting verb that has none ("In a statement to X, a representative of the
    rebels said ...", where the representative hangs on X)."""
    if v.i == 0 or p.tokens[v.i - 1].pos not in ("NOUN", "PROPN"):
        return None
    best = None
    for a in [p.tokens[v.i - 1], *p.ancestors(v.i - 1)]:
        if a.i >= v.i or a.sent != v.sent:
            break
        if a.pos in ("NOUN", "PROPN") and _is_source(p, a.i):
            best = a.i
            if a.dep in ("appos", "nsubj"):
                break
        if a.pos not in ("NOUN", "PROPN", "ADP"):
            break
    return _full_subject(p, best) if best is not None else None


def _said_in(p: Parsed, v: Tok) -> Phrase | None:
    """Who stands behind the document a subjectless "said" is "in" ("... said in a
    statement published on the website of X", "said in a report issued by X")."""
    for c in p.children(v.i):
        if c.dep == "prep" and c.text.lower() == "in":
            for o in p.children(c.i):
                if o.dep == "pobj" and not _is_source(p, o.i):
                    return _document_source(p, o)
    return None


def _document_source(p: Parsed, noun: Tok) -> Phrase | None:
    """Who stands behind a document that claims ("a statement issued by X claiming"):
    the noun itself when it is a source, else the agent of a participle on it."""
    if _is_source(p, noun.i) or _whose(p, noun.i):  # "U.K. intelligence estimates place"
        return noun_phrase(p, noun.i)
    for c in p.children(noun.i):
        if c.dep == "acl" and c.tag == "VBN":
            for b in p.children(c.i):
                if b.dep == "agent":
                    found = _objects(p, b.i)
                    if found:
                        return found[0]
                if b.dep == "prep" and b.text.lower() in ("on", "at"):
                    # "published on the website of X", "posted on X's channel"
                    for o in p.children(b.i):
                        owner = _owner(p, o) if o.dep == "pobj" else None
                        if owner is not None:
                            return owner
    return None


def _owner(p: Parsed, noun: Tok) -> Phrase | None:
    """Whose a place of publication is: its possessor or its "of" object, if a source."""
    for c in p.children(noun.i):
        if c.dep == "poss" and _is_source(p, c.i):
            return noun_phrase(p, c.i)
        if c.dep == "prep" and c.text.lower() == "of":
            for o in p.children(c.i):
                if o.dep == "pobj" and _is_source(p, o.i):
                    return noun_phrase(p, o.i)
    return None


def _is_source(p: Parsed, i: int) -> bool:
    """A person, organization or country, or a noun that stands for one ("officials"):
    not "the report", "the data" or "video footage"."""
    t = p.tokens[i]
    if t.ent in ("PERSON", "ORG", "NORP", "GPE") or t.pos == "PROPN":
        return True
    if any(c.dep == "poss" and c.ent in ("GPE", "ORG", "NORP") for c in p.children(i)):
        return True  # "Ukraine's special operations unit"
    return t.lemma.lower() in lx.SOURCES | lx.OFFICES


def _full_subject(p: Parsed, i: int) -> Phrase:
    """A subject with its title and appositions ("Maj. Gen. X, the press secretary")."""
    ph = noun_phrase(p, i)
    for c in p.children(i):
        if c.dep == "appos":
            ap = noun_phrase(p, c.i)
            if ap.end > ph.end and "." not in p.text[ph.end : ap.start]:
                return Phrase(ph.start, ap.end, p.text[ph.start : ap.end], ph.country, ph.label)
    return ph


def _tree_distance(p: Parsed, a: int, b: int) -> int:
    up_a = [a, *[t.i for t in p.ancestors(a)]]
    up_b = [b, *[t.i for t in p.ancestors(b)]]
    for da, x in enumerate(up_a):
        if x in up_b:
            return da + up_b.index(x)
    return 99


def sentence_claimants(p: Parsed, sent: int, anchor: int | None) -> tuple[list[Phrase], bool]:
    """The claimants a sentence names (nearest to ``anchor`` first), and whether it has
    an attribution by pronoun only ("he said") that points to an earlier sentence."""
    s = p.sents[sent]
    out = _according_to(p, s.first, s.last)
    reporting: list[tuple[int, Phrase]] = []
    pronoun = False
    for i in range(s.first, s.last + 1):
        t = p.tokens[i]
        if _reports(p, t):
            subj, weak = _reporting_subject(p, t)
            pronoun = pronoun or weak
            if subj is not None and subj.text:
                dist = _tree_distance(p, anchor, t.i) if anchor is not None else 0
                reporting.append((dist, subj))
    out.extend(ph for _, ph in sorted(reporting, key=lambda x: x[0]))
    seen: set[str] = set()
    unique = []
    for ph in out:
        if ph.text.lower() not in seen:
            seen.add(ph.text.lower())
            unique.append(ph)
    return unique, pronoun and not unique


def claimants(p: Parsed, anchor: int) -> tuple[list[Phrase], int | None]:
    """Ranked claimants for a number, and the sentence they stand in when not its own."""
    sent = p.tokens[anchor].sent
    own, pronoun = sentence_claimants(p, sent, anchor)
    if own:
        return own, None
    if pronoun and sent > 0:
        # "..., it said": the source named just before, even across a paragraph break
        # (news pages often give every sentence a paragraph of its own)
        before, _ = sentence_claimants(p, sent - 1, None)
        return (before, sent - 1) if before else ([], None)
    after = _this_was_said(p, sent)  # "... 500,000 shells. This was stated by X."
    if after is None and _first_person(p, sent):  # "... we will deliver 500,000 shells.
        after = _speaker_after(p, sent)  # This means ..., X said."
    if after is not None:
        return after
    if not _breaks_attribution(p, sent):
        before, _ = sentence_claimants(p, sent - 1, None)
        if before:
            return before, sent - 1
    return _story_source(p, sent)


#: How many sentences open a story: its headline, standfirst and lead.
_LEAD = 3


def _story_source(p: Parsed, sent: int) -> tuple[list[Phrase], int | None]:
    """The source a story's opening credits it all to ("Germany delivered ... this summer,
    according to X."; a headline "UK to send 14 tanks – X"), for a number of the story
    that names none and does not say its source is another ("there are reports that",
    "reportedly"): the nearest such opening sentence before it."""
    if _unnamed_report(p, sent):
        return [], None
    for k in range(min(sent, _LEAD) - 1, -1, -1):
        s = p.sents[k]
        found = _according_to(p, s.first, s.last) or _headline_source(p, k)
        if found:
            return found, k
    return [], None


def _unnamed_report(p: Parsed, sent: int) -> bool:
    """Whether a sentence credits someone it does not name: "there are reports that",
    "reportedly", "allegedly"."""
    s = p.sents[sent]
    for i in range(s.first, s.last + 1):
        t = p.tokens[i]
        if t.pos == "ADV" and t.lemma.lower() in lx.UNNAMED_REPORTS:
            return True
        unnamed = t.pos == "NOUN" and t.lemma.lower() in lx.UNNAMED_REPORTS
        if unnamed and any(c.dep == "expl" for c in p.children(t.head)):  # "there are reports"
            return True
    return False


def _headline_source(p: Parsed, k: int) -> list[Phrase]:
    """ "UK to send 14 tanks to Ukraine – Downing Street": a title's source after a dash."""
    s = p.sents[k]
    text = p.text[s.start : s.end]
    if text.rstrip().endswith((".", "?", "!")):
        return []
    for i in range(s.last, s.first, -1):
        dash = p.tokens[i]
        spaced = (
            p.text[dash.start - 1 : dash.start] == " " and p.text[dash.end : dash.end + 1] == " "
        )
        if dash.text in ("–", "—", "-") and spaced and i - s.first >= 3:  # not "- BYLINE-NAME"
            toks = [t for t in range(i + 1, s.last + 1) if not p.tokens[t].text.isspace()]
            if toks and _is_source(p, toks[-1]) and len(toks) <= 5:
                a, b = p.tokens[toks[0]].start, p.tokens[toks[-1]].end
                return [Phrase(a, b, p.text[a:b], None, p.tokens[toks[-1]].ent)]
            return []
    return []


def _breaks_attribution(p: Parsed, sent: int) -> bool:
    """Whether the previous sentence's source stops before sentence ``sent``: at a new
    paragraph, and at a line break, unless the line before only announces what follows
    ("The ministry reported on Monday." / "At least 41 people were killed")."""
    if p.paragraph_start(sent):
        return True
    gap = p.text[p.sents[sent - 1].end : p.sents[sent].start]
    return "\n" in gap and not _announces(p, sent - 1)


def _announces(p: Parsed, sent: int) -> bool:
    """Whether a sentence reports without saying what: a reporting verb with no object
    or clause of its own ("The ministry reported on Monday.")."""
    s = p.sents[sent]
    content = ("ccomp", "dobj", "xcomp", "parataxis", "nsubjpass", "attr")
    return any(
        _reports(p, p.tokens[i]) and not any(c.dep in content for c in p.children(i))
        for i in range(s.first, s.last + 1)
    )


def _this_was_said(p: Parsed, sent: int) -> tuple[list[Phrase], int] | None:
    """The source of the next sentence when it reports this one ("This was stated by X",
    "X said this on Friday"), in the same paragraph."""
    k = sent + 1
    if k >= len(p.sents) or p.paragraph_start(k):
        return None
    s = p.sents[k]
    for i in range(s.first, s.last + 1):
        v = p.tokens[i]
        if not _reports(p, v):
            continue
        if any(
            c.lemma.lower() in ("this", "that") and c.dep in ("nsubjpass", "dobj")
            for c in p.children(v.i)
        ):
            found = [o for c in p.children(v.i) if c.dep == "agent" for o in _objects(p, c.i)]
            subj = found[0] if found else _reporting_subject(p, v)[0]
            if subj is not None and subj.text:
                return [subj], k
    return None


_FIRST_PERSON = frozenset(["i", "we", "me", "us", "my", "our", "ours"])


def _first_person(p: Parsed, sent: int) -> bool:
    s = p.sents[sent]
    return any(
        p.tokens[i].pos == "PRON" and p.tokens[i].text.lower() in _FIRST_PERSON
        for i in range(s.first, s.last + 1)
    )


def _speaker_after(p: Parsed, sent: int, reach: int = 2) -> tuple[list[Phrase], int] | None:
    """Who says a first-person sentence, named by a later sentence of its paragraph that
    goes on speaking ("..., we will deliver 1,000 shells by May. We also ..., X said.")."""
    for k in range(sent + 1, min(sent + 1 + reach, len(p.sents))):
        if p.paragraph_start(k) or not _first_person(p, k):
            return None
        found, _ = sentence_claimants(p, k, None)
        if found:
            return found, k
    return None
