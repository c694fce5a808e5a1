"""Phrases of the brief's sentences: dates, places, people, figures as written.

Takes record fields and claims; gives Markdown phrases (escaped) that
:mod:`llmbrief.sentences` builds key points from. Pure: no I/O. Words of
English only (prepositions, month names, nouns of places and people); no name
of a person, place or organisation.
"""

from __future__ import annotations

import re

from llmbrief.citations import md_escape
from llmbrief.facts import Claim
from llmbrief.models import Deployment
from llmbrief.people import key_text

__all__ = [
    "NOUNS",
    "PARTICIPLES",
    "SMALL_WORDS",
    "cap",
    "clean",
    "counted",
    "figure_text",
    "is_adjective",
    "personnel_words",
    "place_phrase",
    "plural_people",
    "purpose_phrase",
    "when_phrase",
]

_PERSONNEL_WORDS = {
    "combat_troops": "combat troops",
    "special_forces": "special forces",
    "construction_workers": "construction workers",
    "other": "personnel",
}

PARTICIPLES = {
    "killed": "killed",
    "wounded": "wounded",
    "captured": "captured",
    "missing": "reported missing",
}
NOUNS = {"killed": "deaths", "wounded": "wounded", "captured": "captured", "missing": "missing"}

_PLACE_NOUNS = {
    "region",
    "zone",
    "province",
    "area",
    "district",
    "territory",
    "territories",
    "peninsula",
    "border",
    "front",
    "strip",
    "bank",
    "republic",
}
_PREPOSITIONS = {
    "on",
    "in",
    "since",
    "as",
    "by",
    "during",
    "last",
    "this",
    "next",
    "earlier",
    "from",
    "until",
    "till",
    "between",
    "at",
    "over",
    "before",
    "after",
    "throughout",
    "within",
    "early",
    "late",
    "mid",
    "around",
    "about",
    "yesterday",
    "today",
    "tomorrow",
    "recently",
    "for",
    "of",
}
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_MONTHS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}
_PLURAL_NOUNS = {"people", "personnel", "police", "children", "men", "women", "military"}
SMALL_WORDS = {"of", "the", "and", "for", "to", "on", "in", "at"}


def clean(text: str | None) -> str:
    return md_escape(text) if text else ""


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def when_phrase(date_text: str | None) -> str:
    """The date as a phrase after a verb: "on June 17", "in July 2024", "as early as July"."""
    if not date_text or not date_text.strip():
        return ""
    text = clean(date_text)
    first = key_text(text).split()[:1]
    word = first[0] if first else ""
    if word in _PREPOSITIONS:
        return f" {text[:1].lower()}{text[1:]}" if text[1:2].islower() else f" {text}"
    day = re.match(r"\S+ \d{1,2}(?!\d)", text)
    if word in _WEEKDAYS or (word in _MONTHS and day):
        return f" on {text}"
    if re.fullmatch(r"(19|20)\d\d-\d\d-\d\d", text):
        return f" on {text}"
    if word in _MONTHS or re.fullmatch(r"(19|20)\d\d", text):
        return f" in {text}"
    return f" ({text})"


#: Last words of names that take "the" ("the United States", "the Philippines").
_THE_NAMES = {
    "states",
    "kingdom",
    "emirates",
    "islands",
    "netherlands",
    "philippines",
    "bahamas",
    "maldives",
    "seychelles",
    "comoros",
    "union",
}


def place_phrase(place: str | None) -> str:
    """A place or party as written, with "the" where English puts it: before a named
    region ("the Kursk region"), a plural or compound country name ("the United
    States", "the Philippines"), or a name "of" something ("the Republic of Korea")."""
    text = clean(place)
    words = key_text(text).split()
    if not words or words[0] == "the":
        return text
    if (
        (len(words) > 1 and words[-1] in _PLACE_NOUNS)
        or words[-1] in _THE_NAMES
        or (len(words) > 2 and "of" in words[1:-1] and text[:1].isupper())
    ):
        return f"the {text}"
    return text


def _demonym_of(words: list[str], country: str) -> int:
    """How many leading words name the people of ``country`` ("North Korean" -> 2)."""
    from llmbrief.gazetteer import country_of, is_demonym

    for n in (3, 2, 1):
        head = " ".join(words[:n])
        if len(words) > n and is_demonym(head) and key_text(country_of(head)) == country:
            return n
    return 0


def personnel_words(r: Deployment) -> str:
    """Who is sent, as written, without the sender's demonym ("North Korean troops" ->
    "troops" when North Korea sends them)."""
    if not r.personnel_text:
        return _PERSONNEL_WORDS.get(r.personnel, r.personnel)
    words = r.personnel_text.split()
    if r.sender:
        from llmbrief.gazetteer import country_of

        n = _demonym_of(words, key_text(country_of(r.sender) or r.sender))
        words = words[n:]
    return clean(" ".join(words))


def figure_text(claim: Claim) -> str:
    """The figure as written; a number word that opened the source's sentence is not
    capitalised inside ours ("Twenty-five thousand" -> "twenty-five thousand")."""
    if claim.figure is None:
        return ""
    text = claim.figure.text
    if text[:1].isupper() and text[1:2].islower():
        text = text[:1].lower() + text[1:]
    return clean(text)


def counted(claim: Claim, noun: str) -> str:
    """The figure and what it counts: "up to 25,000 workers", "thousands of troops"."""
    fig = figure_text(claim)
    if not fig:
        return noun
    if claim.figure is not None and claim.figure.qualifier == "vague":
        return f"{fig} of {noun}"
    return f"{fig} {noun}"


def purpose_phrase(purpose: str | None) -> str:
    if not purpose:
        return ""
    text = clean(purpose)
    first = text.split(" ", 1)[0].lower()
    return f" {text}" if first in ("to", "for", "in", "as") else f" for {text}"


def plural_people(force: str) -> bool:
    words = key_text(force).split()
    if not words or words[0] == "the":
        return False
    last = words[-1]
    return last in _PLURAL_NOUNS or (last.endswith("s") and not last.endswith("ss"))


def is_adjective(force: str) -> bool:
    """A force named by a demonym alone ("North Korean"): an adjective, not a subject."""
    from llmbrief.gazetteer import is_demonym

    return is_demonym(force) and not key_text(force).endswith("s")
