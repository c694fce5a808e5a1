"""People in the records: who an office names, and when two names are one person.

Takes names and offices as the records write them, and texts to look offices
up in (evidence quotes, source texts); gives comparison keys and display
names. Pure: no I/O, and no list of names: every holder is read from the texts.

* :func:`is_office` tells an office ("the Russian president", "Russia's
  foreign minister") from a name ("Sergei Shoigu").
* :class:`OfficeHolders` reads, from the texts, who holds an office: the
  office's own words followed by a capitalised name ("Russian President
  Vladimir Putin", "Russian president, Vladimir Putin"). A visit record
  whose visitor is a name and whose role is an office teaches the same. An
  office that the texts give to two different people with equal weight is
  left unresolved.
* :func:`person_key` is a person's surname (the last capitalised word), so
  that "Shoigu" and "Security Council Secretary Sergei Shoigu" compare equal.
* :func:`claimant_key` folds a claimant's wordings that name the same person
  ("Russian Security Council Secretary Sergei Shoigu", "Secretary of the
  Russian Security Council, Sergei Shoigu").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "OfficeHolders",
    "claimant_key",
    "claimant_phrase",
    "country_words",
    "is_office",
    "is_plural_name",
    "key_text",
    "office_key",
    "person_key",
]

_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their"}
_CONNECTORS = {"of", "the", "and", "for", "s", "de", "al", "bin", "von", "van", "der", "la", "le"}
_NAME_WORD = r"[A-Z][\w'’.-]*"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}}"


def key_text(text: str | None) -> str:
    """A comparison key: NFC, casefolded, punctuation and spaces folded to single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(re.findall(r"[^\W_]+", text))


def _country_word(word: str) -> str:
    """A demonym or a one-word country as the country it names ("russian" -> russia).

    Cities are not folded: a city's name is also a first name ("Vladimir").
    """
    from llmbrief.gazetteer import country_of, is_demonym

    cap = word[:1].upper() + word[1:]
    country = country_of(cap)
    if not country or " " in country:
        return word
    folded = key_text(country)
    return folded if folded == word or is_demonym(cap) else word


def country_words(text: str | None) -> frozenset[str]:
    """The countries a phrase names by a demonym or a one-word name."""
    words = key_text(text).split()
    return frozenset(w2 for w in words if (w2 := _country_word(w)) != w)


def office_key(text: str | None) -> frozenset[str]:
    """An office as a set of words: demonyms as countries, determiners and "'s" dropped."""
    words = key_text(text).split()
    return frozenset(_country_word(w) for w in words if w not in _DETERMINERS and w != "s")


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_][\w'’.-]*", text)


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() and key_text(word) not in _CONNECTORS


def is_office(visitor: str | None, role: str | None = None) -> bool:
    """Whether a visitor as written is an office rather than a person's name.

    An office starts with a determiner ("the Russian president"), holds a
    possessive ("Russia's president"), is the record's own role, or has no
    capitalised word that is not a country or a demonym.
    """
    if not visitor or not visitor.strip():
        return False
    words = _words(visitor)
    if not words:
        return False
    if words[0].lower() in _DETERMINERS or re.search(r"['’]s\b", visitor):
        return True
    if role and key_text(role) == key_text(visitor):
        return True
    countries = country_words(visitor)
    names = [w for w in words if _is_name_word(w) and _country_word(key_text(w)) not in countries]
    return not names


def person_key(name: str | None) -> str:
    """A person's surname, casefolded ("" when the name has no capitalised word)."""
    words = [w for w in _words(name or "") if _is_name_word(w)]
    if words:
        return key_text(words[-1])
    rest = key_text(name).split()
    return rest[-1] if rest else ""


def claimant_key(claimant: str | None) -> str:
    """One key for the wordings of a claimant that end in the same person's name.

    A claimant that ends in two capitalised words ("... Sergei Shoigu") is keyed
    by them and by the countries it names; any other claimant by its own words.
    """
    words = _words(claimant or "")
    if _is_person(words):
        countries = sorted(country_words(claimant))
        return "person:" + key_text(" ".join(words[-2:])) + ":" + ",".join(countries)
    return key_text(claimant)


#: Nouns that name an organisation: a claimant ending in one is not a person, and takes
#: "the" in a sentence ("according to the U.S. Department of Defense").
_ORG_NOUNS = {
    "agency",
    "army",
    "assembly",
    "authority",
    "bureau",
    "cabinet",
    "center",
    "centre",
    "command",
    "commission",
    "committee",
    "company",
    "council",
    "court",
    "department",
    "directorate",
    "embassy",
    "government",
    "group",
    "headquarters",
    "institute",
    "military",
    "ministry",
    "mission",
    "navy",
    "office",
    "organisation",
    "organization",
    "parliament",
    "police",
    "presidency",
    "service",
    "staff",
    "union",
}


def _is_person(words: list[str]) -> bool:
    last = words[-2:]
    return (
        len(last) == 2
        and all(_is_name_word(w) and not w.isupper() for w in last)
        and not any(key_text(w) in _ORG_NOUNS for w in last)
    )


def claimant_phrase(claimant: str) -> str:
    """A claimant as a sentence names them: "the" before an organisation written without it
    ("U.S. Department of Defense" -> "the U.S. Department of Defense"), else as written."""
    words = _words(claimant)
    if len(words) < 2 or key_text(words[0]) in _DETERMINERS or re.search(r"['’]s\b", claimant):
        return claimant
    if _is_person(words):
        return claimant
    lowered = [key_text(w) for w in words]
    head = lowered[lowered.index("of") - 1] if "of" in lowered[1:] else lowered[-1]
    return f"the {claimant}" if head in _ORG_NOUNS else claimant


_HEAD_ENDS = {"of", "by", "cited", "quoted", "from", "in", "at", "with", "close", "familiar", "who"}
_PLURAL_WORDS = {"people", "police", "media"}


def is_plural_name(claimant: str) -> bool:
    """Whether a claimant takes a plural verb: its head noun is a plural common noun
    ("unnamed diplomatic sources cited by NHK", "Ukrainian officials")."""
    words: list[str] = []
    for w in _words(claimant):
        if key_text(w) in _HEAD_ENDS and words:
            break
        words.append(w)
    head = words[-1] if words else ""
    if not head or not head[:1].islower():
        return False
    return head in _PLURAL_WORDS or (head.endswith("s") and not head.endswith("ss"))


def _office_pattern(office: str) -> re.Pattern[str] | None:
    words = [w for w in _words(office) if w.lower() not in _DETERMINERS]
    if not words:
        return None
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?i:\b{body}),?\s+(?P<name>{_NAME})")


@dataclass
class OfficeHolders:
    """Who holds each office, as read from texts."""

    seen: dict[frozenset[str], Counter[str]] = field(default_factory=dict)

    def learn(self, office: str | None, name: str | None) -> None:
        """Record that ``name`` holds ``office`` (a visit record's role and visitor)."""
        if office and name and not is_office(name, office) and office_key(office):
            self.seen.setdefault(office_key(office), Counter())[name.strip()] += 1

    def read(self, offices: Iterable[str], texts: Iterable[str]) -> None:
        """Find, in the texts, the name that follows each office's words."""
        patterns = {office_key(o): p for o in offices if (p := _office_pattern(o)) is not None}
        if not patterns:
            return
        for text in texts:
            for key, pattern in patterns.items():
                for m in pattern.finditer(text):
                    name = " ".join(m["name"].split())
                    if not is_office(name):
                        self.seen.setdefault(key, Counter())[name] += 1

    def holder(self, office: str | None) -> str | None:
        """The name that holds an office, when the texts agree on one."""
        counts = self.seen.get(office_key(office)) if office else None
        if not counts:
            return None
        by_person: Counter[str] = Counter()
        longest: dict[str, str] = {}
        for name, n in counts.items():
            key = person_key(name)
            by_person[key] += n
            if len(name) > len(longest.get(key, "")):
                longest[key] = name
        (best, n), *rest = by_person.most_common()
        if rest and rest[0][1] == n:
            return None
        return longest[best]
