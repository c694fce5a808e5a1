"""Who a traveller is: the person an office stands for, and a person's fullest name.

Takes a parsed article and a traveller as written; gives the person the article
names for an office ("the Chilean leader" -> the name written after "Chilean
President", before or after it), the person the next sentence names for an
office, the country of a person (from the title written with any mention of
them), and the fullest name the article writes for a short one ("Soto" ->
"Ana Soto"; "FM Ana" -> "Ana Soto Diaz"). Nothing here names a place or a person.
"""

from __future__ import annotations

from collections.abc import Iterator

from llmbrief import lexicon as lx
from llmbrief.analysis import Parsed
from llmbrief.attach import Phrase, noun_phrase

__all__ = ["fullest_name", "holder_in_next", "own_country", "resolve_office", "title_before"]


def own_country(p: Parsed, ph: Phrase) -> str | None:
    """The country of a person, from a demonym or country written with their name here
    or at another mention of them ("Turkish President X", "India's Prime Minister X")."""
    last = ph.text.split()[-1] if ph.text.split() else ""
    texts = [ph.text]
    for t in p.tokens:
        if t.text == last and t.ent == "PERSON":
            ent = p.entity_at(t.i) or (t.i, t.i)
            texts.append(title_before(p, ent)[1])
    for text in texts:
        country = _country_in(text)
        if country is not None:
            return country
    return None


def _country_in(text: str) -> str | None:
    """The country a country name or demonym in ``text`` names (the first one)."""
    from llmbrief.gazetteer import find_places

    for m in find_places(text):
        if m.kind in ("country", "demonym"):
            return m.country
    return None


def title_before(p: Parsed, ent: tuple[int, int]) -> tuple[int, str]:
    """The title written right before a name ("Brazilian President", "India's Prime
    Minister"): its first token and its words."""
    first = ent[0]
    while first > 0 and p.tokens[first - 1].pos in ("PROPN", "ADJ", "NOUN", "PART"):
        if p.tokens[first - 1].text.isspace():
            break
        first -= 1
    return first, p.text[p.tokens[first].start : p.tokens[ent[0]].start]


def _title_words(text: str) -> set[str]:
    return {w.lower().strip(".,'’s") for w in text.split()}


def _people(p: Parsed) -> Iterator[tuple[tuple[int, int], set[str], str | None]]:
    """Every PERSON mention once: its tokens, the words of its title, its title's country."""
    seen: set[tuple[int, int]] = set()
    for t in p.tokens:
        ent = person_span(p, t.i) if t.ent == "PERSON" else None
        if ent is None or ent in seen:
            continue
        seen.add(ent)
        title = title_before(p, ent)[1]
        yield ent, _title_words(title), _country_in(title)


def person_span(p: Parsed, i: int) -> tuple[int, int]:
    """The tokens of the name that token ``i`` is a word of: its PERSON entity, joined
    with PERSON entities written right next to it, and with the name words the parse
    compounds it into (the tagger stops some long names short: "[Ana Bello] Costa")."""
    a, b = p.entity_at(i) or (i, i)
    while a > 0 and p.tokens[a - 1].ent == "PERSON" and _same_line(p, a - 1, a):
        a -= 1
    return a, _name_end(p, b)


def _same_line(p: Parsed, a: int, b: int) -> bool:
    """Whether tokens ``a`` and ``b`` (next to each other) stand on one line: a name never
    runs across a line break ("... Vladimir Putin" / "Vladimir Putin seeks ...")."""
    ta, tb = p.tokens[a], p.tokens[b]
    return not ta.text.isspace() and not tb.text.isspace() and "\n" not in p.text[ta.end : tb.start]


def _name_end(p: Parsed, b: int) -> int:
    """The last word of a name whose word ``b`` is: the name words it is compounded into,
    and any PERSON word right after it."""
    while b + 1 < len(p.tokens):
        t, nxt = p.tokens[b], p.tokens[b + 1]
        joined = t.dep == "compound" and t.head == b + 1 and _a_name_word(p, b + 1)
        if (nxt.ent != "PERSON" and not joined) or not _same_line(p, b, b + 1):
            break
        b += 1
    return b


def _compounded(p: Parsed, k: int) -> tuple[int, int]:
    """A name as the parse writes it, tagged or not: token ``k`` with the name words
    compounded into it and the words it is compounded into."""
    a = k
    while a > 0 and p.tokens[a - 1].dep == "compound" and a - 1 < p.tokens[a - 1].head:
        if not _a_name_word(p, a - 1) or not _same_line(p, a - 1, a):
            break
        a -= 1
    return a, _name_end(p, k)


def resolve_office(p: Parsed, office: Phrase) -> tuple[Phrase, int] | None:
    """The person the article names for an office, before or after it, and that person's
    sentence: the name written after the office's own words ("the Chilean president" ->
    "Chilean President X"); else the one person of the office's country titled with its
    title word, or as a leader of it ("the Chilean leader" -> "Chilean President X"); else
    the only person the article titles with that word at all, of no other country ("the
    Kenyan president" -> "the country's President X")."""
    words = _title_words(office.text) - {"the", "a", "an"}
    heads = words & lx.OFFICES
    if not heads:
        return None
    people = list(_people(p))
    for ent, title, _ in people:
        if heads <= title and words <= title:
            return _named(p, ent)
    country = _country_in(office.text)

    def same_office(title: set[str]) -> bool:
        return bool(heads & title) or bool(heads & lx.LEADERS and title & lx.LEADERS)

    if country is not None:
        found = [ent for ent, title, theirs in people if theirs == country and same_office(title)]
        if _one_person(p, found):
            return _named(p, found[0])
    titled = [(ent, theirs) for ent, title, theirs in people if heads & title]
    if _one_person(p, [ent for ent, _ in titled]) and titled[0][1] in (None, country):
        return _named(p, titled[0][0])
    return None


def _one_person(p: Parsed, ents: list[tuple[int, int]]) -> bool:
    """Whether the mentions name one person (by the last word of the name), and some."""
    return len({p.tokens[b].text for _, b in ents}) == 1


def _named(p: Parsed, ent: tuple[int, int]) -> tuple[Phrase, int]:
    a, b, text = p.span_text(*ent)
    return Phrase(a, b, text, None, "PERSON"), p.tokens[ent[0]].sent


def holder_in_next(p: Parsed, office: int, hosts: set[str]) -> tuple[Phrase, int] | None:
    """The person the next sentence names as the subject of its clause, for an office
    the article gives no name after ("The foreign minister arrived in X. Ana Soto was
    welcomed by ..."): not the host (a person of the host country, or the subject of
    "welcomed", "received"), nor a person of another country than the office's."""
    sent = p.tokens[office].sent + 1
    if sent >= len(p.sents):
        return None
    s = p.sents[sent]
    mine = own_country(p, noun_phrase(p, office))
    for t in p.tokens[s.first : s.last + 1]:
        if t.ent != "PERSON" or t.dep not in ("nsubj", "nsubjpass"):
            continue
        verb = p.tokens[t.head].lemma.lower()
        if t.dep == "nsubj" and verb in lx.HOSTING:
            return None  # the host is the one named
        goes = verb in (lx.HOSTING if t.dep == "nsubjpass" else lx.TRAVEL | lx.MEETING)
        if not goes and not _same_office(p, office, t.i):
            return None  # the next sentence is about someone else
        ph = noun_phrase(p, t.i)
        theirs = own_country(p, ph)
        if theirs is not None and (theirs in hosts or (mine is not None and theirs != mine)):
            return None
        ent = p.entity_at(t.i) or (t.i, t.i)
        a, b, text = p.span_text(*ent)
        return Phrase(a, b, text, None, "PERSON"), sent
    return None


def _same_office(p: Parsed, office: int, name: int) -> bool:
    """Whether the title written before a name holds the office's title word."""
    ent = p.entity_at(name) or (name, name)
    title = _title_words(title_before(p, ent)[1])
    return p.tokens[office].lemma.lower() in title


# --- the fullest name -------------------------------------------------------------------


def _a_name_word(p: Parsed, k: int) -> bool:
    """A word of a person's name: capitalised, no title ("President", "FM"), no
    country or people ("Chilean"); a town's name may be a person's."""
    from llmbrief.gazetteer import find_places

    t = p.tokens[k]
    if t.pos != "PROPN" or not t.text[:1].isupper() or t.lemma.lower() in lx.OFFICES:
        return False
    if t.text.isupper() and len(t.text) <= 3:
        return False  # an abbreviated title ("FM", "PM")
    return not any(m.kind in ("country", "demonym") for m in find_places(t.text))


def _name_tokens(p: Parsed, first: int, last: int) -> list[int]:
    """The name inside tokens ``first..last``: from the first name word after any title
    to the last name word."""
    ks = [k for k in range(first, last + 1) if _a_name_word(p, k)]
    if not ks:
        return []
    while ks and any(p.tokens[k].lemma.lower() in lx.OFFICES for k in range(ks[0], last + 1)):
        ks = ks[1:]  # "Ana Soto, Foreign Minister": no name after a title word
    return list(range(ks[0], ks[-1] + 1)) if ks else []


def fullest_name(p: Parsed, ph: Phrase) -> tuple[Phrase, int] | None:
    """The fullest name the article writes for the person ``ph`` names, and its sentence:
    the longest PERSON mention holding every word of ``ph``'s name ("Soto" -> "Ana Soto",
    "FM Ana" -> "Ana Soto Diaz"), a mention ending in that name's last word first (a
    surname). None when ``ph`` holds it already, or when two people may be meant."""
    toks = p.tokens_in(ph.start, ph.end)
    if not toks:
        return None
    own = [p.tokens[k].text for k in _name_tokens(p, toks[0].i, toks[-1].i)]
    if not own:
        return None
    found: dict[tuple[str, ...], list[int]] = {}
    spans = [ent for ent, _, _ in _people(p)]
    spans += [_compounded(p, t.i) for t in p.tokens if t.text == own[-1] and t.pos == "PROPN"]
    for ent in spans:
        ks = _name_tokens(p, *ent)
        words = tuple(p.tokens[k].text for k in ks)
        if len(words) > len(own) and set(own) <= set(words):
            found.setdefault(words, ks)
    surnames = [w for w in found if w[-1] == own[-1]]
    names = surnames or list(found)
    if not names:
        return None
    best = max(names, key=len)
    if any(not set(w) <= set(best) for w in names):
        return None  # "Soto" of two people named "... Soto"
    ks = found[best]
    return _named(p, (ks[0], ks[-1]))
