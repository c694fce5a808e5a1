"""Consolidation: group claims (one record, one figure, one article) into facts.

Pure functions, no I/O. The rules (see ``shared/design/brief.md``):

* A **claim** is one measure of one verified record: a record with a figure
  gives one claim per figure field that is set (a casualties record with
  ``killed`` and ``wounded`` gives two claims); a record without any figure
  gives one claim with ``measure=None``.
* Two claims state the **same fact** when they have the same kind, the same
  measure (figure field), the same actors (sender/receiver, supplier/recipient,
  force, visitor/host country; names folded to their country by the gazetteer),
  the same personnel or equipment category, the same status family
  (``actual``; ``planned``/``possible``; ``denied``) and the same figure
  *value* however it is written ("Twenty-five thousand" == "25,000"; "up to
  25,000" == "around 25,000" == "25,000": the hedges differ, the number does
  not, and each source's wording is kept and shown). Claims without a figure
  group only with claims without a figure. Dates and places must not
  conflict: both given and different means different facts.
  Hedges that point in opposite directions ("over 1,000" vs "up to 1,000")
  are not merged; they become a ``figure`` discrepancy.
* Different measures (killed vs total, planned vs actual) are different facts.
* **Discrepancies** are between facts from different articles (no shared
  source) that look like the same fact but differ in one respect:
  ``description`` (same figure, route and status, different personnel or
  equipment category: 1,000 "sappers" vs 1,000 "workers"), ``measure``
  (casualties of the same force as a total vs as killed or wounded: different
  measures, said to be so), ``figure`` (casualties of the same force and
  measure with different values, or any same-value figures whose hedges
  contradict each other).
* Facts reported by more articles come first. Nothing is summed or averaged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from llmbrief.models import (
    FIGURE_FIELDS,
    Casualties,
    Deployment,
    DiplomaticVisit,
    Document,
    EquipmentTransfer,
    Figure,
    Record,
)

__all__ = [
    "KIND_ORDER",
    "Claim",
    "Consolidation",
    "Discrepancy",
    "DiscrepancyAspect",
    "Fact",
    "claims_from_documents",
    "consolidate",
    "consolidate_claims",
    "is_shown",
    "same_fact",
    "variants",
]

#: Order of record kinds in the brief (sections, and ties in Key points).
KIND_ORDER: dict[str, int] = {
    "deployment": 0,
    "equipment_transfer": 1,
    "casualties": 2,
    "diplomatic_visit": 3,
}

DiscrepancyAspect = Literal["description", "measure", "figure"]

_STATUS_FAMILY = {"actual": "actual", "planned": "prospective", "possible": "prospective"}
_LOWER_BOUND = {"over", "at_least"}
_UPPER_BOUND = {"at_most", "under"}

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


def _key_text(text: str | None) -> str:
    """A comparison key: NFC, casefolded, punctuation and spaces folded to single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(re.findall(r"[^\W_]+", text))


def _country_key(text: str | None) -> str:
    """A party as a key: the country it names ("Pyongyang", "DPRK" -> north korea), else
    its words."""
    if not text:
        return ""
    from llmbrief.gazetteer import country_of

    return _key_text(country_of(text) or text)


def _tokens(text: str | None, drop: set[str]) -> frozenset[str]:
    words = _key_text(text).split()
    return frozenset(_country_word(w) for w in words if w not in drop)


def _country_word(word: str) -> str:
    """A demonym as the country it names ("russian" -> russia), else the word."""
    from llmbrief.gazetteer import country_of

    country = country_of(word[:1].upper() + word[1:])
    return _key_text(country) if country and " " not in country else word


def _person_key(text: str | None) -> str:
    words = _key_text(text).split()
    return words[-1] if words else ""


@dataclass(frozen=True, eq=False)
class Claim:
    """One measure of one verified record, with the article it comes from."""

    record: Record
    source: str
    doc_index: int
    record_index: int
    measure: str | None
    figure: Figure | None

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
        return r.visitor

    def actors_key(self) -> tuple[str, ...]:
        r = self.record
        if isinstance(r, Deployment):
            return (_country_key(r.sender), _country_key(r.receiver))
        if isinstance(r, EquipmentTransfer):
            return (_country_key(r.supplier), _country_key(r.recipient))
        if isinstance(r, Casualties):
            return tuple(sorted(_tokens(r.force or "", _GENERIC_FORCE_WORDS)))
        return (_person_key(r.visitor), _country_key(r.host_country))

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
        return ("text", _key_text(f.text))

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
    return not a or not b or _key_text(a) == _key_text(b)


def _compatible_place(a: str | None, b: str | None) -> bool:
    ta, tb = _tokens(a, _GENERIC_PLACE_WORDS), _tokens(b, _GENERIC_PLACE_WORDS)
    return not ta or not tb or ta <= tb or tb <= ta


def _hedges_contradict(a: Figure | None, b: Figure | None) -> bool:
    if a is None or b is None:
        return False
    dirs = {
        "lower" if f.qualifier in _LOWER_BOUND else "upper" if f.qualifier in _UPPER_BOUND else ""
        for f in (a, b)
    }
    return dirs == {"lower", "upper"}


def _context_compatible(a: Claim, b: Claim) -> bool:
    """Dates and places do not conflict."""
    return _compatible_text(a.record.date_text, b.record.date_text) and _compatible_place(
        a.place(), b.place()
    )


def same_fact(a: Claim, b: Claim) -> bool:
    """Whether two claims state the same fact (see the module docstring)."""
    return (
        a.slot_key() == b.slot_key()
        and a.figure_key() == b.figure_key()
        and not _hedges_contradict(a.figure, b.figure)
        and _context_compatible(a, b)
    )


@dataclass(frozen=True, eq=False)
class Fact:
    """Claims (from one or more articles) that state the same fact."""

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
    def order(self) -> tuple[int, int, tuple[str, int, int, int]]:
        """Most widely reported first, then by kind, then by first appearance."""
        return (-len(self.sources), KIND_ORDER[self.kind], self.claims[0].order)


@dataclass(frozen=True, eq=False)
class Discrepancy:
    """Facts that look like the same fact but that sources state differently.

    ``aspect`` says how they differ: ``description`` (who or what, same
    figure), ``measure`` (a total vs killed or wounded: different measures,
    not a contradiction), ``figure`` (different numbers, or hedges that
    contradict each other).
    """

    aspect: DiscrepancyAspect
    facts: tuple[Fact, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for f in self.facts for s in f.sources}))

    @property
    def order(self) -> tuple[object, ...]:
        """Like Key points: most articles first, then kind, then first appearance."""
        first = min(f.order for f in self.facts)
        return (-len(self.sources), first[1], first[2], self.aspect)


@dataclass(frozen=True)
class Consolidation:
    """The facts (most widely reported first) and the discrepancies between them."""

    facts: tuple[Fact, ...]
    discrepancies: tuple[Discrepancy, ...] = field(default=())

    def discrepancies_of(self, fact: Fact) -> tuple[Discrepancy, ...]:
        return tuple(d for d in self.discrepancies if fact in d.facts)

    def key_point_groups(self) -> list[tuple[Fact, ...]]:
        """Facts as Key points show them: a ``description`` discrepancy is one point.

        Each group is ordered like the facts; groups are ordered by the number
        of articles behind them, then kind, then first appearance.
        """
        grouped: set[Fact] = set()
        groups: list[tuple[Fact, ...]] = []
        for d in self.discrepancies:
            if d.aspect == "description" and not grouped.intersection(d.facts):
                groups.append(d.facts)
                grouped.update(d.facts)
        groups.extend((f,) for f in self.facts if f not in grouped)

        return sorted(groups, key=_group_rank)


def _group_rank(group: tuple[Fact, ...]) -> tuple[object, ...]:
    sources = {s for f in group for s in f.sources}
    first = min(f.order for f in group)
    return (-len(sources), first[1], first[2])


def is_shown(record: Record) -> bool:
    """A record reaches the brief only when verified and every evidence has offsets."""
    v = record.verification
    return (
        v is not None
        and v.verified
        and all(e.start is not None and e.end is not None for e in record.evidence)
    )


def claims_from_documents(documents: Sequence[Document]) -> list[Claim]:
    """The claims of every shown record (see :func:`is_shown`), in a stable order."""
    claims: list[Claim] = []
    for d_i, doc in enumerate(documents):
        for r_i, record in enumerate(doc.records):
            if not is_shown(record):
                continue
            figures = [
                (name, fig)
                for name in FIGURE_FIELDS[record.kind]
                if (fig := getattr(record, name)) is not None
            ]
            if not figures:
                claims.append(Claim(record, doc.source.path, d_i, r_i, None, None))
            for name, fig in figures:
                claims.append(Claim(record, doc.source.path, d_i, r_i, name, fig))
    return sorted(claims, key=lambda c: c.order)


def _group_claims(claims: Iterable[Claim]) -> list[Fact]:
    groups: list[list[Claim]] = []
    for claim in sorted(claims, key=lambda c: c.order):
        for group in groups:
            if all(same_fact(claim, other) for other in group):
                group.append(claim)
                break
        else:
            groups.append([claim])
    return sorted((Fact(tuple(g)) for g in groups), key=lambda f: f.order)


def _facts_compatible(a: Fact, b: Fact) -> bool:
    return not set(a.sources) & set(b.sources) and all(
        _context_compatible(x, y) for x in a.claims for y in b.claims
    )


def _components(facts: Sequence[Fact], related: list[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(len(facts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in related:
        parent[find(i)] = find(j)
    comps: dict[int, list[int]] = {}
    for i in range(len(facts)):
        comps.setdefault(find(i), []).append(i)
    return [c for c in comps.values() if len(c) > 1]


def _description_related(a: Fact, b: Fact) -> bool:
    ca, cb = a.claims[0], b.claims[0]
    return (
        ca.kind in ("deployment", "equipment_transfer")
        and ca.kind == cb.kind
        and ca.figure is not None
        and cb.figure is not None
        and ca.actors_key() == cb.actors_key()
        and ca.status_family() == cb.status_family()
        and ca.figure_key() == cb.figure_key()
        and ca.category_key() != cb.category_key()
        and _facts_compatible(a, b)
    )


#: Casualty measures that readers confuse: a total vs its killed or wounded part.
_CONFUSABLE_MEASURES = ({"total", "killed"}, {"total", "wounded"})


def _measure_related(a: Fact, b: Fact) -> bool:
    ca, cb = a.claims[0], b.claims[0]
    return (
        ca.kind == "casualties"
        and cb.kind == "casualties"
        and ca.actors_key() == cb.actors_key()
        and ca.status_family() == cb.status_family()
        and {ca.measure, cb.measure} in _CONFUSABLE_MEASURES
        and _facts_compatible(a, b)
    )


def _figure_related(a: Fact, b: Fact) -> bool:
    ca, cb = a.claims[0], b.claims[0]
    if ca.slot_key() != cb.slot_key() or ca.figure is None or cb.figure is None:
        return False
    if not _facts_compatible(a, b):
        return False
    if ca.figure_key() == cb.figure_key():
        return any(_hedges_contradict(x.figure, y.figure) for x in a.claims for y in b.claims)
    return ca.kind == "casualties"


def _discrepancies(facts: Sequence[Fact]) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    relations: list[tuple[DiscrepancyAspect, Callable[[Fact, Fact], bool]]] = [
        ("description", _description_related),
        ("measure", _measure_related),
        ("figure", _figure_related),
    ]
    for aspect, related in relations:
        pairs = [
            (i, j)
            for i in range(len(facts))
            for j in range(i + 1, len(facts))
            if related(facts[i], facts[j])
        ]
        for comp in _components(facts, pairs):
            found.append(Discrepancy(aspect, tuple(facts[i] for i in sorted(comp))))
    return sorted(found, key=lambda d: d.order)


def consolidate_claims(claims: Iterable[Claim]) -> Consolidation:
    """Group claims into facts and find the discrepancies between facts."""
    facts = _group_claims(claims)
    return Consolidation(tuple(facts), tuple(_discrepancies(facts)))


def consolidate(documents: Sequence[Document]) -> Consolidation:
    """Consolidate the shown (verified) records of documents into facts."""
    return consolidate_claims(claims_from_documents(documents))


def variants(claims: Sequence[Claim]) -> list[tuple[Claim, ...]]:
    """Claims grouped by how they are worded (figure text, wording, status), lead first.

    The lead wording is the one whose figure text most claims share, then the
    one with most claims, then one with a named claimant, then the earliest.
    """
    groups: dict[tuple[str, str, str], list[Claim]] = {}
    for c in sorted(claims, key=lambda c: c.order):
        figure_text = _key_text(c.figure.text if c.figure else "")
        groups.setdefault((figure_text, _key_text(c.wording), c.record.status), []).append(c)
    figure_counts: dict[str, int] = {}
    for (figure_text, _, _), members in groups.items():
        figure_counts[figure_text] = figure_counts.get(figure_text, 0) + len(members)

    def rank(item: tuple[tuple[str, str, str], list[Claim]]) -> tuple[object, ...]:
        key, members = item
        named = any(m.claimant for m in members)
        return (-figure_counts[key[0]], -len(members), not named, members[0].order)

    lead, *rest = sorted(groups.items(), key=rank)
    rest.sort(key=lambda item: item[1][0].order)
    return [tuple(members) for _, members in [lead, *rest]]
