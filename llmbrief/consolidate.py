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

from llmbrief.articles import Article, articles_of
from llmbrief.facts import (
    KIND_ORDER,
    MAX_KEY_POINTS,
    Claim,
    Consolidation,
    Discrepancy,
    DiscrepancyAspect,
    Fact,
    context_compatible,
    figure_size,
    hedges_contradict,
    same_fact,
)
from llmbrief.models import DiplomaticVisit, Document, Record, figures_of
from llmbrief.people import OfficeHolders, claimant_key, is_office, key_text

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

#: Figures within this factor of each other may be estimates of one quantity.
RANGE_FACTOR = 1.5


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
    figures = figures_of(record)
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
        context_compatible(x, y) for x in a.claims for y in b.claims
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
            if not context_compatible(x, y):
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
        x.figure_key() == y.figure_key() and hedges_contradict(x.figure, y.figure)
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
    facts = _in_brief_order(_merge_ranges(_group_claims(claims)))
    return Consolidation(tuple(facts), tuple(_discrepancies(facts)), dict(articles or {}))


def _in_brief_order(facts: Sequence[Fact]) -> list[Fact]:
    """Most independent sources first, then most articles, then size.

    Sizes are compared within a kind only (troops with troops, shells with shells: a
    million shells is not "more" than a thousand troops), so facts of equal backing
    take turns by kind: the largest deployment, transfer and casualty figure, a visit,
    then the next of each.
    """
    by_size = sorted(facts, key=lambda f: f.order[2:])  # size, kind, first appearance
    rank: dict[int, int] = {}
    seen: dict[str, int] = {}
    for f in by_size:
        rank[id(f)] = seen.get(f.kind, 0)
        seen[f.kind] = rank[id(f)] + 1
    return sorted(facts, key=lambda f: (*f.order[:2], rank[id(f)], *f.order[3:]))


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
