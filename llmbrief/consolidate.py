"""Consolidation: group claims (one record, one figure, one article) into facts.

Takes documents of verified records (and, optionally, the raw source texts);
gives facts, most widely reported first, and the discrepancies between them.
Pure functions, no I/O. The rules (``shared/design/brief.md`` and issue 12):

* A **claim** is one measure of one verified record: a record with a figure
  gives one claim per figure field that is set (a casualties record with
  ``killed`` and ``wounded`` gives two claims); a record without any figure
  gives one claim with ``measure=None``.
* **Headlines are not claims.** A claim whose figure stands in its article's
  headline (see :mod:`llmbrief.articles`) is dropped when the article's body
  gives the same figure; otherwise it is kept, marked ``headline``, and a fact
  made only of headline claims is never a key point.
* Two claims state the **same fact** when they have the same kind, the same
  status family (``actual``; ``planned``/``possible``; ``denied``) and:

  - visits: the same person (an office such as "the Russian president"
    resolved to the holder the texts name, see :mod:`llmbrief.people`) and
    the same host country; dates, counts and places are details of the one
    fact, each kept with its source;
  - deployments and transfers: the same parties (a party one side leaves
    unsaid does not conflict when the figure is exact) and the same figure
    *value* however it is written ("Twenty-five thousand" == "25,000"; "up to
    25,000" == "25,000": each source's wording is kept). The people or items
    may be described differently by different articles ("5,000 military
    engineers" and "5,000 military builders") when their categories are
    compatible and the figure is not vague ("thousands"); one article naming
    two groups keeps them apart;
  - casualties: the same force, measure and figure value.

  Dates and places must not conflict. Hedges that point in opposite
  directions ("over 1,000" vs "up to 1,000") are not merged.
* **Ranges.** Facts from different articles that give different figures for
  one quantity (same kind, measure, parties, category and status; within a
  factor of 1.5 of each other) become one fact whose figures form a range;
  the brief gives each figure as its source writes it. Nothing is summed or
  averaged. Killed, wounded and total casualties stay apart.
* **Discrepancies**: ``description`` (one fact whose sources describe the
  people or items differently), ``measure`` (casualties of the same force as
  a total vs as killed or wounded: different measures, said to be so),
  ``figure`` (a range; casualty figures of one force and measure too far
  apart to be one estimate; same-value figures whose hedges contradict).
* Facts reported by more articles come first, then larger figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from llmbrief.articles import Article, articles_of
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
from llmbrief.people import (
    OfficeHolders,
    claimant_key,
    is_office,
    key_text,
    office_key,
    person_key,
)

__all__ = [
    "KIND_ORDER",
    "MAX_KEY_POINTS",
    "Claim",
    "Consolidation",
    "Discrepancy",
    "DiscrepancyAspect",
    "Fact",
    "claims_from_documents",
    "consolidate",
    "consolidate_claims",
    "figure_size",
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

#: Key points at most; the other facts are in the tables.
MAX_KEY_POINTS = 12

#: Figures within this factor of each other may be estimates of one quantity.
RANGE_FACTOR = 1.5

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
            return tuple(sorted(_tokens(r.force or "", _GENERIC_FORCE_WORDS)))
        return (self.visitor_key(), _country_key(r.host_country or r.place))

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


def _parties_compatible(a: Claim, b: Claim) -> bool:
    """The same parties; with an exact figure, a party one side leaves unsaid is no conflict."""
    ka, kb = a.actors_key(), b.actors_key()
    if ka == kb:
        return True
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
    if a.figure_key() != b.figure_key() or _hedges_contradict(a.figure, b.figure):
        return False
    if a.kind == "casualties":
        # losses of a force nobody names are one fact only within one article
        if a.actors_key() != b.actors_key() or (not a.actors_key() and a.source != b.source):
            return False
    elif not (_parties_compatible(a, b) and _categories_compatible(a, b)):
        return False
    return _context_compatible(a, b)


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
    def order(self) -> tuple[int, float, int, tuple[str, int, int, int]]:
        """Most widely reported first, then the larger figure, then kind, then appearance."""
        first = min(c.order for c in self.claims)
        return (-len(self.body_sources), -self.size, KIND_ORDER[self.kind], first)


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


def is_shown(record: Record) -> bool:
    """A record reaches the brief only when verified and every evidence has offsets."""
    v = record.verification
    return (
        v is not None
        and v.verified
        and all(e.start is not None and e.end is not None for e in record.evidence)
    )


def _figure_span(record: Record, measure: str) -> tuple[int | None, int | None]:
    v = record.verification
    for check in v.figures if v is not None else []:
        if check.field == measure and check.status == "ok" and check.start is not None:
            return check.start, check.end
    return None, None


def _in_headline(record: Record, measure: str | None, article: Article | None) -> bool:
    if article is None or article.start is None:
        return False
    if measure is not None:
        return article.in_headline(*_figure_span(record, measure))
    return all(article.in_headline(e.start, e.end) for e in record.evidence)


def _office_holders(
    documents: Sequence[Document], texts: Mapping[str, str] | None
) -> OfficeHolders:
    """Who holds each office a visit names, from visit records, evidence and sources."""
    holders = OfficeHolders()
    offices: list[str] = []
    quotes: list[str] = []
    for doc in documents:
        for r in doc.records:
            if not is_shown(r):
                continue
            quotes.extend(e.quote for e in r.evidence)
            if isinstance(r, DiplomaticVisit):
                if is_office(r.visitor, r.visitor_role):
                    offices.append(r.visitor)
                else:
                    holders.learn(r.visitor_role, r.visitor)
    if offices:
        holders.read(offices, [*quotes, *(texts.values() if texts is not None else [])])
    return holders


def _record_claims(
    record: Record, doc: Document, d_i: int, r_i: int, article: Article | None, visitor: str | None
) -> list[Claim]:
    figures = [
        (name, fig)
        for name in FIGURE_FIELDS[record.kind]
        if (fig := getattr(record, name)) is not None
    ]
    path = doc.source.path
    if not figures:
        headline = _in_headline(record, None, article)
        return [Claim(record, path, d_i, r_i, None, None, headline, visitor)]
    return [
        Claim(record, path, d_i, r_i, name, fig, _in_headline(record, name, article), visitor)
        for name, fig in figures
    ]


def claims_from_documents(
    documents: Sequence[Document], texts: Mapping[str, str] | None = None
) -> list[Claim]:
    """The claims of every shown record (see :func:`is_shown`), in a stable order.

    A headline claim whose figure the same article's body also gives is left out.
    """
    articles = articles_of(documents, texts)
    holders = _office_holders(documents, texts)
    claims: list[Claim] = []
    for d_i, doc in enumerate(documents):
        article = articles.get(doc.source.path)
        found: list[Claim] = []
        for r_i, record in enumerate(doc.records):
            if not is_shown(record):
                continue
            visitor = None
            if isinstance(record, DiplomaticVisit) and is_office(
                record.visitor, record.visitor_role
            ):
                visitor = holders.holder(record.visitor)
            found.extend(_record_claims(record, doc, d_i, r_i, article, visitor))
        in_body = {c.figure_key() for c in found if not c.headline and c.figure is not None}
        claims.extend(c for c in found if not (c.headline and c.figure_key() in in_body))
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
    return [Fact(tuple(g)) for g in groups]


def _facts_compatible(a: Fact, b: Fact) -> bool:
    return not set(a.sources) & set(b.sources) and all(
        _context_compatible(x, y) for x in a.claims for y in b.claims
    )


def _estimate_slot(fact: Fact) -> tuple[object, ...] | None:
    """What two facts must share to be estimates of one quantity; None if it cannot be one."""
    claims = fact.claims
    if fact.kind == "diplomatic_visit" or any(c.is_vague() or c.headline for c in claims):
        return None
    actors = claims[0].actors_key()
    if fact.described_differently or not actors or not all(actors):
        return None  # an estimate of what, by whom, for whom: every party must be named
    return claims[0].slot_key()


def _ratio_ok(values: Sequence[float]) -> bool:
    low, high = min(values), max(values)
    return low > 0 and high / low <= RANGE_FACTOR


def _merge_ranges(facts: list[Fact]) -> list[Fact]:
    """Facts from different articles with different figures for one quantity become one."""
    merged: list[list[Fact]] = []
    for fact in sorted(facts, key=lambda f: (f.size, f.order)):
        slot = _estimate_slot(fact)
        home = None
        if slot is not None:
            home = next(
                (
                    group
                    for group in merged
                    if _estimate_slot(group[0]) == slot
                    and all(_estimates_compatible(fact, g) for g in group)
                    and not any(_hedges_in_conflict(fact, g) for g in group)
                    and _ratio_ok([fact.size, *(g.size for g in group)])
                ),
                None,
            )
        if home is None:
            merged.append([fact])
        else:
            home.append(fact)
    return [Fact(tuple(c for f in group for c in f.claims)) for group in merged]


def _estimates_compatible(a: Fact, b: Fact) -> bool:
    """Different articles, or, within one article, different named sources ("the Pentagon
    says at least 10,000; a spokesman, 11,000 to 12,000"); dates and places agree."""
    for x in a.claims:
        for y in b.claims:
            if not _context_compatible(x, y):
                return False
            if x.source == y.source and (
                not x.claimant
                or not y.claimant
                or claimant_key(x.claimant) == claimant_key(y.claimant)
            ):
                return False
    return True


def _hedges_in_conflict(a: Fact, b: Fact) -> bool:
    return any(
        x.figure_key() == y.figure_key() and _hedges_contradict(x.figure, y.figure)
        for x in a.claims
        for y in b.claims
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


#: Casualty measures that readers confuse: a total vs its killed or wounded part.
_CONFUSABLE_MEASURES = ({"total", "killed"}, {"total", "wounded"})


def _measure_related(a: Fact, b: Fact) -> bool:
    ca, cb = a.claims[0], b.claims[0]
    return (
        bool(ca.actors_key())
        and ca.kind == "casualties"
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
    if not all(ca.actors_key()) or not ca.actors_key():
        return False
    if not _facts_compatible(a, b):
        return False
    if _hedges_in_conflict(a, b):
        return True
    return ca.kind == "casualties" and ca.figure_key() != cb.figure_key()


def _discrepancies(facts: Sequence[Fact]) -> list[Discrepancy]:
    found: list[Discrepancy] = [
        Discrepancy("description", (f,)) for f in facts if (f.described_differently)
    ]
    found += [Discrepancy("figure", (f,)) for f in facts if f.is_range]
    relations: list[tuple[DiscrepancyAspect, Callable[[Fact, Fact], bool]]] = [
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


def consolidate_claims(
    claims: Iterable[Claim], articles: Mapping[str, Article] | None = None
) -> Consolidation:
    """Group claims into facts (ranges included) and find the discrepancies between facts."""
    facts = sorted(_merge_ranges(_group_claims(claims)), key=lambda f: f.order)
    return Consolidation(tuple(facts), tuple(_discrepancies(facts)), dict(articles or {}))


def consolidate(
    documents: Sequence[Document], texts: Mapping[str, str] | None = None
) -> Consolidation:
    """Consolidate the shown (verified) records of documents into facts."""
    return consolidate_claims(
        claims_from_documents(documents, texts), articles_of(documents, texts)
    )


def variants(claims: Sequence[Claim]) -> list[tuple[Claim, ...]]:
    """Claims grouped by how they are worded (figure text, wording, status), lead first.

    The lead wording is the one whose figure text most claims share, then the
    one with most claims, then one in an article's body, then one with a named
    claimant, then the earliest.
    """
    groups: dict[tuple[str, str, str], list[Claim]] = {}
    for c in sorted(claims, key=lambda c: c.order):
        figure_text = key_text(c.figure.text if c.figure else "")
        groups.setdefault((figure_text, key_text(c.wording), c.record.status), []).append(c)
    figure_counts: dict[str, int] = {}
    for (figure_text, _, _), members in groups.items():
        figure_counts[figure_text] = figure_counts.get(figure_text, 0) + len(members)

    def rank(item: tuple[tuple[str, str, str], list[Claim]]) -> tuple[object, ...]:
        key, members = item
        named = any(m.claimant for m in members)
        in_body = any(not m.headline for m in members)
        return (-figure_counts[key[0]], -len(members), not in_body, not named, members[0].order)

    lead, *rest = sorted(groups.items(), key=rank)
    rest.sort(key=lambda item: item[1][0].order)
    return [tuple(members) for _, members in [lead, *rest]]
