"""What the brief reports: claims, facts, discrepancies, and when two claims are one fact.

Takes verified records (wrapped as :class:`Claim`, one per figure); gives the
comparison rules that :mod:`llmbrief.consolidate` groups claims with (see its
docstring for the rules in words) and the types it returns. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from llmbrief.articles import Article
from llmbrief.models import (
    FIGURE_FIELDS,
    Casualties,
    Deployment,
    DiplomaticVisit,
    EquipmentTransfer,
    Figure,
    Record,
)
from llmbrief.people import claimant_key, is_office, key_text, office_key, person_key

__all__ = [
    "KIND_ORDER",
    "MAX_KEY_POINTS",
    "Claim",
    "Consolidation",
    "Discrepancy",
    "DiscrepancyAspect",
    "Fact",
    "context_compatible",
    "figure_size",
    "hedges_contradict",
    "same_fact",
]

#: Order of record kinds in the brief (sections, and ties in Key points).
KIND_ORDER: dict[str, int] = {
    "deployment": 0,
    "equipment_transfer": 1,
    "casualties": 2,
    "diplomatic_visit": 3,
}

#: Key points at most; the other facts are in the tables.
MAX_KEY_POINTS = 12

DiscrepancyAspect = Literal["description", "measure", "figure"]

_STATUS_FAMILY = {"actual": "actual", "planned": "prospective", "possible": "prospective"}
_LOWER_BOUND = {"over", "at_least"}
_UPPER_BOUND = {"at_most", "under"}
#: Personnel categories that one event may be described with ("sappers", "engineers").
_PERSONNEL_FAMILY = {
    "combat_troops": "combat",
    "special_forces": "combat",
    "engineers": "support",
    "sappers": "support",
    "construction_workers": "support",
    "laborers": "support",
    "advisers": "advisers",
}
_ANY_CATEGORY = "other"

_GENERIC_FORCE_WORDS = {
    "the",
    "s",
    "troops",
    "troop",
    "soldiers",
    "soldier",
    "forces",
    "force",
    "army",
    "military",
    "personnel",
    "individuals",
    "fighters",
    "units",
    "servicemen",
    "men",
    "people",
    "persons",
    "civilians",
    "residents",
    "children",
    "women",
    "victims",
    "injured",
}
_GENERIC_PLACE_WORDS = {
    "the",
    "s",
    "of",
    "in",
    "region",
    "oblast",
    "province",
    "republic",
    "occupied",
    "area",
}


def _country_key(text: str | None) -> str:
    """A party as a key: the country it names ("Pyongyang", "DPRK" -> north korea), else
    its words."""
    if not text:
        return ""
    from llmbrief.gazetteer import country_of

    return key_text(country_of(text) or text)


def _tokens(text: str | None, drop: set[str]) -> frozenset[str]:
    words = key_text(text).split()
    return frozenset(_country_word(w) for w in words if w not in drop)


def _country_word(word: str) -> str:
    """A demonym as the country it names ("russian" -> russia), else the word."""
    from llmbrief.gazetteer import country_of

    country = country_of(word[:1].upper() + word[1:])
    return key_text(country) if country and " " not in country else word


def figure_size(fig: Figure | None) -> float:
    """A figure's number for ordering and ranges: its value, else a bound, else 0."""
    if fig is None:
        return 0.0
    for n in (fig.value, fig.high, fig.low):
        if n is not None:
            return float(n)
    return 0.0


@dataclass(frozen=True, eq=False)
class Claim:
    """One measure of one verified record, with the article it comes from.

    ``headline`` marks a figure that stands only in the article's headline;
    ``visitor`` is the visitor as the brief names them (an office resolved to
    its holder), for visits.
    """

    record: Record
    source: str
    doc_index: int
    record_index: int
    measure: str | None
    figure: Figure | None
    headline: bool = False
    visitor: str | None = None

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def order(self) -> tuple[str, int, int, int]:
        """Stable position: source path, document, record, figure field."""
        fields = FIGURE_FIELDS[self.record.kind]
        pos = fields.index(self.measure) if self.measure in fields else -1
        return (self.source, self.doc_index, self.record_index, pos)

    @property
    def claimant(self) -> str | None:
        claimant = self.record.claimant
        return claimant if claimant and claimant.strip() else None

    @property
    def wording(self) -> str:
        """What the claim is about, as the source words it (without the figure)."""
        r = self.record
        if isinstance(r, Deployment):
            return r.personnel_text or r.personnel.replace("_", " ")
        if isinstance(r, EquipmentTransfer):
            return r.item or r.category.replace("_", " ")
        if isinstance(r, Casualties):
            return r.force or "casualties"
        return self.visitor or r.visitor

    @cached_property
    def evidence_countries(self) -> frozenset[str]:
        """The countries the claim's evidence names (by name, city or demonym)."""
        from llmbrief.gazetteer import find_places

        return frozenset(p.country for e in self.record.evidence for p in find_places(e.quote))

    def visitor_key(self) -> str:
        """The visiting person: a surname, or an office nobody was found to hold."""
        r = self.record
        if not isinstance(r, DiplomaticVisit):
            return ""
        name = self.visitor or r.visitor
        if is_office(name, r.visitor_role):
            return "office:" + " ".join(sorted(office_key(name)))
        return person_key(name)

    def actors_key(self) -> tuple[str, ...]:
        r = self.record
        if isinstance(r, Deployment):
            return (_country_key(r.sender), _country_key(r.receiver))
        if isinstance(r, EquipmentTransfer):
            return (_country_key(r.supplier), _country_key(r.recipient))
        if isinstance(r, Casualties):
            force = self.force_key()
            if force or not self.evidence_countries:
                return force
            # a force named by common words only ("people", "civilians"): where it happened
            return ("in:" + ",".join(sorted(self.evidence_countries)),)
        return (self.visitor_key(), _country_key(r.host_country or r.place))

    def force_key(self) -> tuple[str, ...]:
        """Whose losses, as the words that tell forces apart ("north korea"), sorted."""
        r = self.record
        if not isinstance(r, Casualties):
            return ()
        return tuple(sorted(_tokens(r.force or "", _GENERIC_FORCE_WORDS)))

    def category_key(self) -> str | None:
        r = self.record
        if isinstance(r, Deployment):
            return r.personnel
        if isinstance(r, EquipmentTransfer):
            return r.category
        return None

    def status_family(self) -> str:
        return _STATUS_FAMILY.get(self.record.status, self.record.status)

    def figure_key(self) -> tuple[object, ...] | None:
        f = self.figure
        if f is None:
            return None
        if f.value is not None:
            return ("value", float(f.value))
        if f.low is not None or f.high is not None:
            return ("bounds", f.low, f.high)
        return ("text", key_text(f.text))

    def is_vague(self) -> bool:
        f = self.figure
        return (
            f is None
            or f.qualifier == "vague"
            or self.figure_key() is None
            or (f.value is None and f.low is None and f.high is None)
        )

    def slot_key(self) -> tuple[object, ...]:
        """Everything that must be equal for two claims to state the same fact, but the figure."""
        return (
            self.kind,
            self.measure if self.figure is not None else None,
            self.actors_key(),
            self.category_key(),
            self.status_family(),
        )

    def place(self) -> str | None:
        r = self.record
        if isinstance(r, Deployment):
            return r.destination
        if isinstance(r, Casualties):
            return r.location
        if isinstance(r, DiplomaticVisit):
            return r.place
        return None


def _compatible_text(a: str | None, b: str | None) -> bool:
    return not a or not b or key_text(a) == key_text(b)


def _compatible_place(a: str | None, b: str | None) -> bool:
    ta, tb = _tokens(a, _GENERIC_PLACE_WORDS), _tokens(b, _GENERIC_PLACE_WORDS)
    return not ta or not tb or ta <= tb or tb <= ta


def hedges_contradict(a: Figure | None, b: Figure | None) -> bool:
    if a is None or b is None:
        return False
    dirs = {
        "lower" if f.qualifier in _LOWER_BOUND else "upper" if f.qualifier in _UPPER_BOUND else ""
        for f in (a, b)
    }
    return dirs == {"lower", "upper"}


def context_compatible(a: Claim, b: Claim) -> bool:
    """Dates and places do not conflict."""
    return _compatible_text(a.record.date_text, b.record.date_text) and _compatible_place(
        a.place(), b.place()
    )


def _parties_compatible(a: Claim, b: Claim) -> bool:
    """The same parties; with an exact figure, a party one side leaves unsaid is no conflict."""
    ka, kb = a.actors_key(), b.actors_key()
    if ka == kb:  # nobody named on either side: one fact only within one article
        return any(ka) or a.source == b.source
    if a.is_vague() or b.is_vague():
        return False
    return all(x == y or not x or not y for x, y in zip(ka, kb, strict=True)) and any(
        x and x == y for x, y in zip(ka, kb, strict=True)
    )


def _categories_compatible(a: Claim, b: Claim) -> bool:
    """The same category; different articles may describe one group in compatible words."""
    ca, cb = a.category_key(), b.category_key()
    if ca == cb:
        return True
    if a.source == b.source or a.is_vague() or b.is_vague():
        return False
    if _ANY_CATEGORY in (ca, cb):
        return True
    if a.kind != "deployment":
        return False
    fa, fb = _PERSONNEL_FAMILY.get(ca or ""), _PERSONNEL_FAMILY.get(cb or "")
    return fa is not None and fa == fb


def same_fact(a: Claim, b: Claim) -> bool:
    """Whether two claims state the same fact (see the module docstring)."""
    if a.kind != b.kind or a.status_family() != b.status_family():
        return False
    if a.kind == "diplomatic_visit":
        return a.actors_key() == b.actors_key()
    if (a.figure is None) != (b.figure is None):
        return False
    if a.figure is not None and a.measure != b.measure:
        return False
    if a.figure_key() != b.figure_key() or hedges_contradict(a.figure, b.figure):
        return False
    if a.kind == "casualties":
        # losses of a force nobody names: one fact within one article, or across articles
        # whose evidence names a country in common ("North Korean casualties")
        if a.force_key() != b.force_key():
            return False
        unnamed_elsewhere = not a.force_key() and a.source != b.source
        if unnamed_elsewhere and not a.evidence_countries & b.evidence_countries:
            return False
    elif not (_parties_compatible(a, b) and _categories_compatible(a, b)):
        return False
    return context_compatible(a, b)


@dataclass(frozen=True, eq=False)
class Fact:
    """Claims (from one or more articles) that state the same fact, or estimate one
    quantity with different figures (a range)."""

    claims: tuple[Claim, ...]

    @property
    def kind(self) -> str:
        return self.claims[0].kind

    @property
    def measure(self) -> str | None:
        return self.claims[0].measure

    @property
    def sources(self) -> tuple[str, ...]:
        """The distinct articles that report the fact, sorted."""
        return tuple(sorted({c.source for c in self.claims}))

    @property
    def body_sources(self) -> tuple[str, ...]:
        """The distinct articles that report the fact outside their headline."""
        return tuple(sorted({c.source for c in self.claims if not c.headline}))

    @property
    def headline_only(self) -> bool:
        return not self.body_sources

    @property
    def is_range(self) -> bool:
        """Whether the claims give different figures for one quantity (visits never do:
        their counts and dates are details of the visit)."""
        if self.kind == "diplomatic_visit":
            return False
        return len({c.figure_key() for c in self.claims}) > 1

    @property
    def described_differently(self) -> bool:
        """Whether the sources put the people or items in different categories."""
        return len({c.category_key() for c in self.claims}) > 1

    @property
    def size(self) -> float:
        return max(figure_size(c.figure) for c in self.claims)

    @property
    def independent_sources(self) -> int:
        """How many independent sources report the fact outside headlines: each named
        claimant once however many articles quote them, each article naming nobody once."""
        return len(
            {
                claimant_key(c.claimant) if c.claimant else f"article:{c.source}"
                for c in self.claims
                if not c.headline
            }
        )

    @property
    def order(self) -> tuple[int, int, float, int, tuple[str, int, int, int]]:
        """Most independent sources first, then most articles, then the larger figure,
        then kind, then first appearance."""
        first = min(c.order for c in self.claims)
        return (
            -self.independent_sources,
            -len(self.body_sources),
            -self.size,
            KIND_ORDER[self.kind],
            first,
        )


@dataclass(frozen=True, eq=False)
class Discrepancy:
    """Sources that state what looks like one fact differently.

    ``aspect`` says how: ``description`` (one fact, the people or items
    described differently), ``measure`` (a total vs killed or wounded:
    different measures, not a contradiction), ``figure`` (different numbers
    for one quantity, or hedges that contradict each other).
    """

    aspect: DiscrepancyAspect
    facts: tuple[Fact, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for f in self.facts for s in f.sources}))

    @property
    def order(self) -> tuple[object, ...]:
        """Like the facts: the place of its first fact, then the aspect."""
        return (min(f.order for f in self.facts), self.aspect)


@dataclass(frozen=True)
class Consolidation:
    """The facts (most widely reported first), the discrepancies, and the articles."""

    facts: tuple[Fact, ...]
    discrepancies: tuple[Discrepancy, ...] = field(default=())
    articles: Mapping[str, Article] = field(default_factory=dict)

    def discrepancies_of(self, fact: Fact) -> tuple[Discrepancy, ...]:
        return tuple(d for d in self.discrepancies if fact in d.facts)

    def key_points(self, limit: int = MAX_KEY_POINTS) -> list[Fact]:
        """The facts Key points show: not headline-only, most widely reported first."""
        return [f for f in self.facts if not f.headline_only][:limit]
