"""Extraction: articles into records, by small questions a weak model can answer.

The split of work follows what each side is good at:

- code finds what can be found deterministically: the sentences (with raw
  offsets), every number and the hedge before it, the words it counts, the
  countries, places, dates and who is quoted;
- the model decides what each number means, one short question per number,
  answered in a few JSON tokens constrained to enumerated choices (which
  figure text to cite, what it counts, whether it happened or is planned), and
  whether a sentence reports a visit and by whom;
- the verifier checks the record built from each answer, inside the response
  model's validator, so failures go back to the model as re-asks.

A strong hosted model runs through exactly the same questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from llmbrief.models import (
    Casualties,
    Deployment,
    DiplomaticVisit,
    EquipmentTransfer,
    Evidence,
    Figure,
    Record,
)
from llmbrief.numbers import FoundFigure, find_figures
from llmbrief.verify import problems_for_model, verify_record

# --- sentences -------------------------------------------------------------

#: Longest piece of text sent in one question; longer sentences are split on spaces.
MAX_SENTENCE_CHARS = 700

_ABBREV = re.compile(r"(?:\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|St|Jr|Sr|No|vs|etc))\.?$")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article, with raw character offsets."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split raw text into sentences without changing a character.

    Boundaries: ``.!?`` (plus closing quotes) followed by space and a capital,
    digit or quote; and line breaks that start a new line with a capital after a
    line that ended a sentence or a heading. A line break inside a sentence (a
    lower-case continuation) is kept inside it.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        boundary_end = None
        if ch in ".!?":
            j = i + 1
            while j < n and text[j] in "\"'”’)]":
                j += 1
            if j < n and text[j].isspace():
                k = j
                while k < n and text[k].isspace():
                    k += 1
                starts_new = (
                    k >= n or text[k].isupper() or text[k].isdigit() or text[k] in "\"“‘'(*-"
                )
                # only the few characters before the period can make an abbreviation
                abbreviation = (
                    ch == "." and _ABBREV.search(text[max(start, i - 8) : i + 1]) is not None
                )
                if starts_new and not abbreviation:
                    boundary_end = j
        elif ch == "\n":
            k = i
            while k < n and text[k].isspace():
                k += 1
            blank = text.count("\n", i, k) >= 2
            prev = text[start:i].rstrip()
            if prev and (blank or k >= n or not text[k].islower() or prev[-1] in ".!?:*"):
                boundary_end = i
        if boundary_end is not None:
            spans.append((start, boundary_end))
            while boundary_end < n and text[boundary_end].isspace():
                boundary_end += 1
            start = boundary_end
            i = boundary_end
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    out: list[Sentence] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s:
            continue
        for ps, pe in _cap_length(text, s, e):
            out.append(Sentence(ps, pe, text[ps:pe]))
    return out


def _cap_length(text: str, s: int, e: int) -> list[tuple[int, int]]:
    parts = []
    while e - s > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", s, s + MAX_SENTENCE_CHARS)
        if cut <= s:
            cut = s + MAX_SENTENCE_CHARS
        parts.append((s, cut))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if e > s:
        parts.append((s, e))
    return parts


# --- deterministic finders -------------------------------------------------

COUNTRIES: dict[str, str] = {
    "north korea": "North Korea",
    "north korean": "North Korea",
    "pyongyang": "North Korea",
    "dprk": "North Korea",
    "south korea": "South Korea",
    "south korean": "South Korea",
    "seoul": "South Korea",
    "russia": "Russia",
    "russian": "Russia",
    "moscow": "Russia",
    "kremlin": "Russia",
    "ukraine": "Ukraine",
    "ukrainian": "Ukraine",
    "kyiv": "Ukraine",
    "iran": "Iran",
    "iranian": "Iran",
    "china": "China",
    "chinese": "China",
    "belarus": "Belarus",
    "japan": "Japan",
    "japanese": "Japan",
    "united states": "United States",
    "u.s.": "United States",
    "american": "United States",
    "vietnam": "Vietnam",
    "serbia": "Serbia",
    "france": "France",
    "french": "France",
}
_COUNTRY_ALT = "|".join(re.escape(k) for k in sorted(COUNTRIES, key=len, reverse=True))
_COUNTRY_RE = re.compile(r"(?<![\w.])(" + _COUNTRY_ALT + r")(?![\w])(?:['’]s)?", re.IGNORECASE)
_PLACE_RE = re.compile(
    r"\b((?!(?:The|A|An|This|That|Its|Their)\s)(?:[A-Z][\w-]+\s)*?[A-Z][\w-]+\s"
    r"(?:Oblast|[Rr]egion|Special Economic Zone|Republic of [A-Z]\w+))"
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DATE_RE = re.compile(
    rf"\b(?:(?:as early as|by|in|on|since|until|from)\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?"
    rf"|{_MONTH}(?:\s+(?:or|and)\s+{_MONTH})?(?:\s+\d{{4}})?|(?:late|early|mid-)\s*\d{{4}})\b"
)
_SAYS = (
    r"(?:estimates? (?:place|put|suggest|show)s?|reported|reports|said|says|announced|claimed|"
    r"cited|confirmed|acknowledged|estimated|suggest|suggests)"
)
_CLAIMANT_PATTERNS = [
    re.compile(
        r"\b(?i:according to) (?:a |an |the )?(?:closed-door briefing by |diplomatic sources from |"
        r"reports by )?(?P<c>[^,.;:(]+?)(?=,|\.|;|:| \(| that | is | are | will |$)"
    ),
    # "The U.K. defense intelligence estimates place…", "Japan's public broadcaster said…"
    re.compile(
        r"(?P<c>(?:[A-Z][\w.'’-]*\s+)+(?:[a-z][\w-]*\s+){0,2}?(?:intelligence|ministry|officials|"
        r"sources|analysts|media|broadcaster|agency|service|estimates))\s+" + _SAYS + r"\b"
    ),
    # "The NIS reported that…", "Seoul estimates…"
    re.compile(r"(?P<c>(?:The |the )?(?:[A-Z][\w.'’-]*\s)*[A-Z][\w.'’-]*)\s+" + _SAYS + r"\b"),
    re.compile(r"\b(?:sources|reports) cited by (?P<c>[A-Z][\w.'’ -]+?)(?= report| said|,|\.)"),
]
_UNIT_STOP = {
    "to", "in", "at", "from", "and", "or", "would", "will", "are", "is", "were", "was",
    "have", "has", "had", "who", "which", "that", "for", "on", "into", "with", "as", "by",
    "reported", "set", "head", "working", "annually", "of", "under", "during", "since",
    "the", "a", "an", "be", "been", "being",
}  # fmt: skip


def countries_in(text: str) -> list[str]:
    """Countries named in a text (by name, capital or demonym), in order, distinct."""
    out: list[str] = []
    for m in _COUNTRY_RE.finditer(text):
        c = COUNTRIES[m.group(1).lower()]
        if c not in out:
            out.append(c)
    return out


def claimant_in(text: str) -> str | None:
    """Who the sentence attributes its claim to, as written, if anyone."""
    for pattern in _CLAIMANT_PATTERNS:
        m = pattern.search(text)
        if m:
            c = m.group("c").strip(" ,")
            c = re.sub(r"^(?:The|the)\s+", "", c)
            if len(c) >= 3 and not c.lower().startswith(("it ", "this ", "there ")):
                return c
    return None


#: Places whose country is not in dispute, for sentences that name only the place
#: ("sent to the Kursk region"). Contested places (Donetsk, Crimea) are left out on purpose.
PLACE_COUNTRIES: dict[str, str] = {
    "kursk": "Russia",
    "belgorod": "Russia",
    "bryansk": "Russia",
    "tatarstan": "Russia",
    "alabuga": "Russia",
    "vladivostok": "Russia",
    "rason": "North Korea",
}
_PLACE_COUNTRY_RE = re.compile(r"\b(" + "|".join(PLACE_COUNTRIES) + r")\b", re.IGNORECASE)


def country_of_place(text: str) -> str | None:
    """The country of the first undisputed place a text names ("Kursk region" -> Russia)."""
    m = _PLACE_COUNTRY_RE.search(text)
    return PLACE_COUNTRIES[m.group(1).lower()] if m else None


def place_in(text: str) -> str | None:
    """A named place in the sentence ('Kursk Oblast', 'Alabuga Special Economic Zone')."""
    m = _PLACE_RE.search(text)
    return m.group(1) if m else None


_DESTINATION_RE = re.compile(
    r"\b(?:to|into|at|in)\s+(?:the\s+)?(?:[A-Z][\w]*['’]s\s+)?" + _PLACE_RE.pattern[2:],
    # (_PLACE_RE without its leading \b: the preposition's space already bounds it)
)


def destination_in(text: str) -> str | None:
    """Where people are sent: a named place right after 'to', 'into', 'at' or 'in'.

    "…to Russia's Kursk Oblast" gives Kursk Oblast; "…the reconstruction of the
    Kursk region" gives nothing: the region is a purpose there, not a destination.
    """
    m = _DESTINATION_RE.search(text)
    return m.group(1) if m else None


def date_in(text: str) -> str | None:
    """A date or period as written in the sentence, if any."""
    m = _DATE_RE.search(text)
    return m.group(0) if m else None


def counted_words(sentence: str, after: int) -> str | None:
    """The words a number counts: 'workers', 'military engineers', 'North Korean casualties'."""
    rest = sentence[after:]
    m = re.match(r"\s*(?:of\s+)?((?:[\w'’-]+\s*){1,5})", rest)
    if not m:
        return None
    words: list[str] = []
    for w in m.group(1).split():
        lw = w.lower().strip(".,;:")
        if (lw in _UNIT_STOP or (lw.endswith("ing") and len(lw) > 5)) and words:
            break
        if lw in _UNIT_STOP:
            return None
        words.append(w.strip(".,;:"))
        if w[-1:] in ".,;:":
            break
    return " ".join(words) or None


# --- what the model is asked ----------------------------------------------

Meaning = Literal[
    "sent", "supplied", "killed", "wounded", "captured", "casualties", "visits", "other"
]  # fmt: skip
MEANINGS: tuple[str, ...] = (
    "sent", "supplied", "killed", "wounded", "captured", "casualties", "visits", "other"
)  # fmt: skip
STATUSES = ("actual", "planned", "possible", "denied")


@dataclass(frozen=True)
class Mention:
    """A number in a sentence, with what code can tell about it."""

    sentence: Sentence
    figure: FoundFigure
    counted: str | None

    @property
    def choices(self) -> list[str]:
        """The figure texts the model may cite: the number alone, and with its hedge."""
        bare = self.figure.text[self.figure.number_start - self.figure.start :]
        return [bare, self.figure.text] if bare != self.figure.text else [self.figure.text]


def find_mentions(text: str, sentences: Sequence[Sentence]) -> list[Mention]:
    """Every number of the article that could be a figure (not dates, years or percentages)."""
    out = []
    for s in sentences:
        for f in find_figures(s.text):
            if f.is_date or f.unit_hint == "percent" or _DURATION.match(s.text, f.end):
                continue
            shifted = replace(
                f,
                start=f.start + s.start,
                end=f.end + s.start,
                number_start=f.number_start + s.start,
            )
            out.append(Mention(s, shifted, counted_words(s.text, f.end)))
    return out


# "three months", "two years": a span of time, never a figure of a record.
_DURATION = re.compile(r"\s+(?:days?|weeks?|months?|years?|decades?|hours?|minutes?)\b", re.I)

# Cues that rank the choices offered to the model, strongest first. Outcomes of
# fighting outrank the people they happen to ("4,000 soldiers ... lost their lives").
_MEANING_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "killed",
        re.compile(r"\b(?:killed|dead|died|deaths?|lost their lives|fatalities|perished)\b", re.I),
    ),
    ("wounded", re.compile(r"\b(?:wounded|injured)\b", re.I)),
    ("captured", re.compile(r"\b(?:captured|capture|prisoners?|POWs?)\b", re.I)),
    ("casualties", re.compile(r"\b(?:casualties|losses)\b", re.I)),
    (
        "supplied",
        re.compile(
            r"\b(?:shells|ammunition|ammo|missiles?|rockets?|artillery|weapons|tanks|rounds|munitions|"
            r"launchers|howitzers)\b",
            re.I,
        ),
    ),
    ("visits", re.compile(r"^(?:once|twice|thrice|\w+ times)$", re.I)),
    (
        "sent",
        re.compile(
            r"\b(?:troops|soldiers|workers|laborers|labourers|engineers|sappers|builders|employees|"
            r"individuals|forces|personnel|fighters|units|staff|instructors|advisers|hands)\b",
            re.I,
        ),
    ),
]
_STATUS_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("denied", re.compile(r"\b(?:denied|denies|no intention|rejected)\b", re.I)),
    (
        "possible",
        re.compile(r"\b(?:may|might|could|likely|considering|possibly|potentially|would)\b", re.I),
    ),
    (
        "planned",
        re.compile(
            r"\b(?:will|plans?|planning|planned|to send|to dispatch|set to|agreed|is to|are to|"
            r"announc\w*|pledged?)\b",
            re.I,
        ),
    ),
]


def window(mention: Mention, words: int) -> str:
    """The words around a number that the model is shown ('… send up to 25,000 workers to …')."""
    s = mention.sentence
    a = mention.figure.start - s.start
    b = mention.figure.end - s.start
    before = s.text[:a].split()[-words:]
    after = s.text[b:].split()[:words]
    return " ".join([*before, mention.figure.text, *after])


def has_cue(mention: Mention, text: str) -> bool:
    """Whether anything near the number says it counts people, weapons, losses or visits."""
    return ranked_meanings(mention, text)[0] != "other"


def ranked_meanings(mention: Mention, text: str) -> list[str]:
    """The meanings offered for a number, the code's best guess first, 'other' always there.

    With no cue at all every meaning is offered, 'other' first: a number with no
    people, weapons or losses near it is most likely something else.
    """
    if _MEANING_CUES[5][1].match(
        mention.figure.text[mention.figure.number_start - mention.figure.start :]
    ):
        return ["visits", "other"]
    found = [m for m, rx in _MEANING_CUES if m != "visits" and rx.search(text)]
    if not found:
        return ["other", *[m for m in MEANINGS if m != "other"]]
    return [*found, "other"]


def ranked_statuses(text: str) -> list[str]:
    """The statuses offered, the one the wording suggests first."""
    first = next((st for st, rx in _STATUS_CUES if rx.search(text)), "actual")
    return [first, *[st for st in STATUSES if st != first]]


#: What each cue still leaves open: "may send" can be possible or planned, never done.
_STATUS_ALLOWED = {
    "denied": ["denied", "actual"],
    "possible": ["possible", "planned"],
    "planned": ["planned", "possible"],
    "actual": ["actual", "planned", "possible", "denied"],
}


def allowed_statuses(text: str) -> list[str]:
    """The statuses the wording leaves open, best guess first.

    A sentence that says "may", "will" or "plans to" cannot report something
    done, so "actual" is not offered: a small model that leans to "actual"
    cannot turn a plan into a fact.
    """
    return list(_STATUS_ALLOWED[ranked_statuses(text)[0]])


_VISIT_RE = re.compile(
    r"\b(?:visit(?:ed|s|ing)?|travell?ed to|trip to|has been to|have been to|had been to|"
    r"arrived in|flew to|came to)\b",
    re.IGNORECASE,
)
_NAME_RE = re.compile(r"\b([A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|Jong|Un)){1,5})\b")
_ROLE_RE = re.compile(
    r"\b((?:[Tt]he\s+)?(?:Russian|North Korean|South Korean|Ukrainian|Chinese|Iranian|U\.S\.)\s+"
    r"(?:[Pp]resident|[Ll]eader|[Ff]oreign [Mm]inister|[Dd]efen[cs]e [Mm]inister|[Pp]rime "
    r"[Mm]inister))\b"
)
_TITLE_WORDS = {
    "President", "Secretary", "Minister", "Council", "Security", "Prime", "Foreign",
    "Defense", "Defence", "General", "Leader", "Chairman", "Russian", "North", "Korean",
    "During", "The", "In", "On", "Meanwhile", "Although", "Yesterday",
}  # fmt: skip


def visitor_candidates(text: str) -> list[str]:
    """People and office-holders a sentence names, as written: the visitor's choices."""
    out: list[str] = []
    for m in _ROLE_RE.finditer(text):
        if not re.match(r"\s+[A-Z][a-z]+", text[m.end() :]):  # not a title before a name
            out.append(m.group(1))
    for m in _NAME_RE.finditer(text):
        if countries_in(m.group(1)) and not (set(m.group(1).split()) - {"North", "South", "Korea"}):
            continue  # "North Korea" is a country, not a person
        words = [w for w in m.group(1).split() if w not in _TITLE_WORDS]
        name = " ".join(words)
        if words and not countries_in(name) and name not in out and not _PLACE_RE.fullmatch(name):
            out.append(name)
    single = re.match(
        r"([A-Z][a-z]{3,})\s+(?:has|had|have|visited|traveled|travelled|flew|went|arrived)\b", text
    )
    if single and single.group(1) not in _TITLE_WORDS and single.group(1) not in out:
        out.append(single.group(1))
    # People named as counterparts ("meeting with X", "talks with X", "a directive from
    # X") received or sent the visitor; they are not the visitor.
    counterparts = {
        c
        for c in out
        if re.search(r"\b(?:with|by|from|met|meets)\s+(?:[A-Z][\w.]*\s+){0,4}" + re.escape(c), text)
    }
    kept = [c for c in out if c.lower() not in COUNTRIES and c not in counterparts]
    # In the order the sentence names them: the subject, usually the visitor, first.
    return sorted(kept, key=text.find)


def role_before(text: str, name: str) -> str | None:
    """The office written right before a name ('Russian Security Council Secretary')."""
    i = text.find(name)
    if i <= 0:
        return None
    m = re.search(r"((?:[A-Z][\w.]*\s){1,5})$", text[:i])
    if not m:
        return None
    role = m.group(1).strip()
    return role if any(w in _TITLE_WORDS for w in role.split()) else None


# --- record assembly (pure) ------------------------------------------------

_PERSONNEL = [
    (("sapper",), "sappers"),
    (("special forces", "special operations"), "special_forces"),
    (("engineer",), "engineers"),
    (("builder", "construction", "reconstruction"), "construction_workers"),
    (("adviser", "advisor", "instructor"), "advisers"),
    (("worker", "labor", "labour", "employee", "individuals", "hands"), "laborers"),
    (("troop", "soldier", "force", "unit", "fighter", "personnel", "military"), "combat_troops"),
]
_CATEGORY = [
    (("shell", "ammunition", "ammo", "round", "munition"), "ammunition"),
    (("missile",), "missiles"),
    (("drone", "uav", "unmanned"), "drones"),
    (("artillery", "howitzer", "gun", "launcher"), "artillery"),
    (("tank", "vehicle", "armored", "armoured"), "vehicles"),
    (("rifle", "small arms", "weapon"), "small_arms"),
    (("air defense", "air defence"), "air_defense"),
]


def _classify(words: str | None, table: list[tuple[tuple[str, ...], str]], default: str) -> Any:
    lw = (words or "").lower()
    for keys, value in table:
        if any(k in lw for k in keys):
            return value
    return default


def figure_from(text: str, unit: str | None) -> Figure:
    """A figure whose value, bounds and qualifier are parsed from its text by code."""
    from llmbrief.numbers import parse_figure_text

    p = parse_figure_text(text)
    return Figure(
        text=text, value=p.value, low=p.low, high=p.high, qualifier=p.qualifier, unit=unit
    )


def _sender_receiver(
    sentence: str, at: int, unit: str | None, article_countries: list[str]
) -> tuple[str | None, str | None]:
    """Who sends and who receives, from the countries around the number at ``at``.

    The sender is the country of the people counted when the words say so
    ("North Korean workers"), else the nearest other country named before the
    number, else the article's most named one. The receiver is the first
    "to/in/into <country>" after the number (else before it); none when the
    sentence does not say, rather than a guess.
    """
    tos = [
        (m.start(), COUNTRIES[m.group(1).lower()])
        for m in re.finditer(
            r"\b(?:to|into|in)\s+(?:the\s+)?(" + _COUNTRY_ALT + r")(?![\w])", sentence, re.I
        )
    ]
    own = countries_in(unit or "")
    after = [c for pos, c in tos if pos >= at and c not in own]
    before_to = [c for pos, c in tos if pos < at and c not in own]
    receiver = after[0] if after else (before_to[-1] if before_to else None)
    if receiver is None:
        receiver = country_of_place(sentence[at:]) or country_of_place(sentence)
    if own and own[0] != receiver:
        return own[0], receiver
    before = [COUNTRIES[m.group(1).lower()] for m in _COUNTRY_RE.finditer(sentence[:at])]
    sender = next((c for c in reversed(before) if c != receiver), None)
    if sender is None:
        sender = next((c for c in article_countries if c != receiver), None)
    return sender, receiver


_PEOPLE_OF = re.compile(
    r"\b(North Korean|South Korean|Russian|Ukrainian|Chinese|Iranian|Belarusian)\s+"
    r"(?:troops|soldiers|workers|laborers|labourers|engineers|sappers|builders|employees|"
    r"individuals|forces|personnel|fighters|units|servicemen)\b",
    re.IGNORECASE,
)


def people_origins(text: str) -> list[str]:
    """Countries whose people an article counts ("North Korean workers"), most counted first."""
    counts: dict[str, int] = {}
    for m in _PEOPLE_OF.finditer(text):
        c = COUNTRIES[m.group(1).lower()]
        counts[c] = counts.get(c, 0) + 1
    return sorted(counts, key=lambda c: -counts[c])


def build_record(
    mention: Mention,
    figure_text: str,
    meaning: str,
    status: str,
    article_countries: list[str],
) -> Record | None:
    """Assemble the record that an answer about a number describes (None for 'other')."""
    s = mention.sentence.text
    evidence = [Evidence(quote=s)]
    common: dict[str, Any] = {
        "claimant": claimant_in(s),
        "status": status,
        "date_text": date_in(s),
        "evidence": evidence,
    }
    unit = mention.counted
    fig = figure_from(figure_text, unit)
    at = mention.figure.start - mention.sentence.start
    if meaning == "sent":
        sender, receiver = _sender_receiver(s, at, unit, article_countries)
        return Deployment(
            **common,
            sender=sender,
            receiver=receiver,
            destination=destination_in(s[at:]) or destination_in(s),
            personnel=_classify(unit or s, _PERSONNEL, "other"),
            personnel_text=unit,
            count=fig,
        )
    if meaning == "supplied":
        sender, receiver = _sender_receiver(s, at, unit, article_countries)
        return EquipmentTransfer(
            **common,
            supplier=sender,
            recipient=receiver,
            item=unit or "equipment",
            category=_classify(unit, _CATEGORY, "other"),
            quantity=fig,
        )
    if meaning in ("killed", "wounded", "captured", "casualties"):
        field_name = "total" if meaning == "casualties" else meaning
        force = _force(s, unit)
        return Casualties(**common, force=force, location=destination_in(s), **{field_name: fig})
    return None


def _force(sentence: str, unit: str | None) -> str:
    m = re.search(
        r"\b((?:North Korean|Russian|Ukrainian)(?:\s+(?:troops|soldiers|forces|fighters|"
        r"individuals|servicemen))?)",
        sentence,
    )
    if unit and re.search(r"(?i)troops|soldiers|forces|fighters|individuals|servicemen", unit):
        return unit
    return m.group(1) if m else (unit or "unspecified")


# --- response models (what the grammar allows) ----------------------------


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


def number_question_model(
    mention: Mention,
    source: str,
    article_countries: list[str],
    keep: list[tuple[dict[str, Any], Record | None]],
    meanings: Sequence[str] = MEANINGS,
    statuses: Sequence[str] = STATUSES,
    *,
    figure_choice: bool = True,
) -> type[_Answer]:
    """The answer schema for one number, with the verifier as its validator.

    ``figure`` may only be one of the texts found at that place in the source
    (the number with its hedge, or without); ``what`` and ``status`` only the
    choices offered, in the order offered. The validator builds the record the
    answer describes and runs the verifier on it: a failure becomes the
    validation error that instructor sends back to the model. Every answer and
    its record are appended to ``keep``; the last one is what stays.
    """
    # The hedged form first; without figure_choice only the text as found is allowed.
    figures = tuple(reversed(mention.choices)) if figure_choice else (mention.figure.text,)
    fields: dict[str, Any] = {
        "figure": (Literal[figures], Field(description="The number as the source writes it.")),
        "what": (Literal[tuple(meanings)], Field(description="What the number counts.")),
        "status": (Literal[tuple(statuses)], Field(description="Whether it happened.")),
    }

    def check(self: Any) -> Any:
        answer = {"figure": self.figure, "what": self.what, "status": self.status}
        record = build_record(mention, self.figure, self.what, self.status, article_countries)
        if record is None:
            keep.append((answer, None))
            return self
        checked = verify_record(record, source)
        keep.append((answer, checked))
        assert checked.verification is not None
        if not checked.verification.verified:
            raise ValueError(problems_for_model(checked.verification))
        return self

    validators: dict[str, Any] = {"verify": model_validator(mode="after")(check)}
    answer_model: type[_Answer] = create_model(
        "NumberAnswer", __base__=_Answer, __validators__=validators, **fields
    )
    return answer_model


def visit_question_model(candidates: Sequence[str]) -> type[_Answer]:
    """The answer schema for a sentence that may report a visit."""
    fields: dict[str, Any] = {
        "visit": (Literal["yes", "no"], Field(description="Does it report a visit?")),
        "visitor": (Literal[tuple(candidates)], Field(description="Who visits.")),
        "status": (Literal["actual", "planned", "possible", "denied"], Field()),
    }
    answer_model: type[_Answer] = create_model("VisitAnswer", __base__=_Answer, **fields)
    return answer_model


def build_visit(
    sentence: Sentence, visitor: str, status: Any, count: Figure | None = None
) -> DiplomaticVisit:
    """Assemble a visit record from the model's answer and what code finds in the sentence."""
    s = sentence.text
    role = role_before(s, visitor)
    here = countries_in(s)
    to = re.search(
        r"\b(?:to|visited|in)\s+(?:the\s+capital\s+of\s+)?(North Korea|Russia|"
        r"Ukraine|China|Iran|South Korea|Pyongyang|Moscow)",
        s,
    )
    host_country = COUNTRIES[to.group(1).lower()] if to else None
    visitor_country = countries_in(role or visitor)
    if not visitor_country:
        visitor_country = [c for c in here if c != host_country][:1]
    return DiplomaticVisit(
        claimant=claimant_in(s),
        status=status,
        date_text=date_in(s),
        evidence=[Evidence(quote=s)],
        visitor=visitor,
        visitor_role=role,
        visitor_country=visitor_country[0] if visitor_country else None,
        host_country=host_country,
        place=host_country,
        count=count,
    )


_HOST_RE = re.compile(
    r"\b(?:to|visited|visiting|in)\s+(?:the\s+capital\s+of\s+)?(" + _COUNTRY_ALT + r")(?![\w])",
    re.IGNORECASE,
)


def host_country_in(sentence: str) -> str | None:
    """The country a visit sentence says was visited ("to North Korea", "visited Moscow")."""
    m = _HOST_RE.search(sentence)
    return COUNTRIES[m.group(1).lower()] if m else None


def visit_sentences(sentences: Sequence[Sentence]) -> list[tuple[Sentence, list[str]]]:
    """Sentences that may report a visit to a named country, with the people they name."""
    out = []
    for s in sentences:
        if _VISIT_RE.search(s.text) and host_country_in(s.text):
            cands = visitor_candidates(s.text)
            if cands:
                out.append((s, cands))
    return out


# --- the article -----------------------------------------------------------


@dataclass
class Question:
    """One question to the model about one article."""

    kind: Literal["number", "visit"]
    sentence: Sentence
    mention: Mention | None = None
    candidates: tuple[str, ...] = ()


def plan_questions(text: str) -> tuple[list[Question], list[str]]:
    """Every question an article needs, and the countries it names (deterministic).

    Numbers come before visits: a visit's count ("thrice") is known when it is built.
    """
    sentences = split_sentences(text)
    questions = [Question("number", m.sentence, mention=m) for m in find_mentions(text, sentences)]
    for s, cands in visit_sentences(sentences):
        questions.append(Question("visit", s, candidates=tuple(cands)))
    # Without a country in the sentence, the sender is whose people the article counts.
    return questions, people_origins(text)


def merge_visits(records: list[Record]) -> list[Record]:
    """Several sentences about one visitor's visits become one record with all the evidence."""
    out: list[Record] = []
    by_key: dict[tuple[str, str | None], DiplomaticVisit] = {}
    for r in records:
        if not isinstance(r, DiplomaticVisit):
            out.append(r)
            continue
        key = (r.visitor.lower().removeprefix("the "), r.host_country)
        prev = by_key.get(key)
        if prev is None:
            by_key[key] = r
            out.append(r)
            continue
        merged = prev.model_copy(
            update={
                "evidence": prev.evidence + [e for e in r.evidence if e not in prev.evidence],
                "count": prev.count or r.count,
                "date_text": prev.date_text or r.date_text,
                "visitor_role": prev.visitor_role or r.visitor_role,
                "verification": None,
            }
        )
        by_key[key] = merged
        out[out.index(prev)] = merged
    return out
