"""Consolidation: claims → facts, and the discrepancies between facts (table tests)."""

from __future__ import annotations

from typing import Any

import pytest

from llmbrief.consolidate import (
    Claim,
    claims_from_documents,
    consolidate,
    consolidate_claims,
    same_fact,
    variants,
)
from llmbrief.models import (
    Casualties,
    Deployment,
    DiplomaticVisit,
    Document,
    EquipmentTransfer,
    Evidence,
    Figure,
    Record,
    Source,
    Verification,
)
from llmbrief.numbers import parse_figure_text


def fig(text: str) -> Figure:
    """A figure whose value, bounds and qualifier are what its text says."""
    p = parse_figure_text(text)
    return Figure(text=text, value=p.value, low=p.low, high=p.high, qualifier=p.qualifier)


_VERIFIED = Verification(verified=True)
_EVIDENCE = [Evidence(quote="…", start=0, end=1)]


def dep(count: str | None = "1,000", **kw: Any) -> Deployment:
    data: dict[str, Any] = {
        "status": "planned",
        "sender": "North Korea",
        "receiver": "Russia",
        "personnel": "laborers",
        "evidence": _EVIDENCE,
        "verification": _VERIFIED,
        "count": fig(count) if count else None,
    }
    data.update(kw)
    return Deployment.model_validate(data)


def cas(**kw: Any) -> Casualties:
    data: dict[str, Any] = {
        "status": "actual",
        "force": "North Korean troops",
        "evidence": _EVIDENCE,
        "verification": _VERIFIED,
    }
    for name in ("killed", "wounded", "captured", "missing", "total"):
        if name in kw:
            kw[name] = fig(kw[name])
    data.update(kw)
    return Casualties.model_validate(data)


def eq(quantity: str | None = None, **kw: Any) -> EquipmentTransfer:
    data: dict[str, Any] = {
        "status": "actual",
        "supplier": "North Korea",
        "recipient": "Russia",
        "item": "artillery shells",
        "category": "ammunition",
        "evidence": _EVIDENCE,
        "verification": _VERIFIED,
        "quantity": fig(quantity) if quantity else None,
    }
    data.update(kw)
    return EquipmentTransfer.model_validate(data)


def visit(**kw: Any) -> DiplomaticVisit:
    data: dict[str, Any] = {
        "status": "actual",
        "visitor": "Sergei Shoigu",
        "host_country": "North Korea",
        "evidence": _EVIDENCE,
        "verification": _VERIFIED,
    }
    data.update(kw)
    return DiplomaticVisit.model_validate(data)


def docs(*per_source: Record | list[Record]) -> list[Document]:
    """One document per argument, named a.txt, b.txt, ... in order."""
    out = []
    for i, records in enumerate(per_source):
        recs = records if isinstance(records, list) else [records]
        out.append(Document(source=Source(path=f"{'abcdefgh'[i]}.txt"), records=recs))
    return out


def claims(*records: Record) -> list[Claim]:
    return claims_from_documents(docs(*records))


# ---------------------------------------------------------------- same fact or not
SAME = [
    ("number words == digits", dep("Twenty-five thousand"), dep("25,000")),
    ("hedges differ, value same", dep("up to 25,000"), dep("around 25,000")),
    ("hedge vs no hedge", dep("up to 25,000"), dep("25,000")),
    ("planned vs possible (both prospective)", dep(status="planned"), dep(status="possible")),
    ("country aliases", dep(sender="Pyongyang"), dep(sender="North Korea")),
    ("receiver alias", dep(receiver="Moscow"), dep(receiver="Russia")),
    ("personnel words differ, category same", dep(personnel_text="workers"), dep()),
    ("place given once", dep(destination="Kursk Oblast"), dep()),
    (
        "place written differently",
        dep(destination="Russia’s Kursk Oblast"),
        dep(destination="the Kursk region"),
    ),
    ("date given once", dep(date_text="June 17"), dep()),
    (
        "force words differ",
        cas(killed="around 4,000"),
        cas(killed="4,000", force="North Korean soldiers"),
    ),
    ("no figure, same actors", eq(), eq(item="shells")),
    (
        "visitor by surname",
        visit(visitor="Shoigu", count=fig("thrice")),
        visit(count=fig("thrice")),
    ),
    ("claimants differ", dep(claimant="NIS"), dep(claimant="Sergei Shoigu")),
    (
        "one group described in compatible words across articles",
        dep("5,000", personnel="engineers", personnel_text="military engineers"),
        dep("5,000", personnel="construction_workers", personnel_text="military builders"),
    ),
    (
        "'personnel' matches any description",
        dep("400", personnel="other", personnel_text="Kenyan officers"),
        dep("400", personnel="advisers", personnel_text="police advisers"),
    ),
    (
        "an exact figure: a party one article leaves unsaid is no conflict",
        dep("1,000", receiver=None, destination="Kursk region"),
        dep("1,000", destination="Kursk Oblast"),
    ),
    (
        "a visit: same person and host, the dates and counts are details",
        visit(date_text="on June 17"),
        visit(visitor="Shoigu", count=fig("thrice")),
    ),
    (
        "a visit: the place written as a city",
        visit(visitor="Antony Blinken", host_country="Ukraine", place="Kyiv"),
        visit(visitor="Blinken", host_country="Ukraine"),
    ),
    (
        "casualties of a named force across articles",
        cas(killed="More than 100", force="Palestinians"),
        cas(killed="over 100", force="Palestinians"),
    ),
]

DIFFERENT = [
    ("different values", dep("1,000"), dep("5,000")),
    ("planned vs actual", dep(status="planned"), dep(status="actual")),
    ("actual vs denied", dep(status="actual"), dep(status="denied")),
    ("combat troops vs workers", dep(personnel="combat_troops"), dep(personnel="laborers")),
    (
        "vague figures with different descriptions",
        dep("thousands", status="actual", personnel="combat_troops", personnel_text="troops"),
        dep("thousands", status="actual", personnel="laborers", personnel_text="laborers"),
    ),
    ("a party unsaid, vague figure", dep("hundreds", receiver=None), dep("hundreds")),
    (
        "no party named on either side",
        eq("four", supplier=None, recipient=None, item="systems", category="other"),
        eq("four", supplier=None, recipient=None, item="launchers", category="missiles"),
    ),
    ("different equipment", eq("20", category="artillery"), eq("20", category="drones")),
    (
        "casualties of an unnamed force in different articles",
        cas(killed="24", force=None),
        cas(killed="24", force=None),
    ),
    ("visits to different hosts", visit(), visit(host_country="China", place="China")),
    ("a visit done vs planned", visit(), visit(status="planned")),
    ("different receiver", dep(receiver="Russia"), dep(receiver="Belarus")),
    ("different sender", dep(sender="North Korea"), dep(sender="Iran")),
    ("killed vs total", cas(killed="6,000"), cas(total="6,000")),
    ("captured vs killed", cas(captured="two"), cas(killed="two")),
    ("figure vs no figure", eq("over 10 million"), eq()),
    ("different equipment category", eq(category="missiles"), eq(category="ammunition")),
    ("places conflict", dep(destination="Kursk"), dep(destination="Donetsk region")),
    ("dates conflict", dep(date_text="June 17"), dep(date_text="July 2024")),
    ("hedges contradict", dep("over 1,000"), dep("up to 1,000")),
    ("different forces", cas(killed="100"), cas(killed="100", force="Russian troops")),
    ("different kinds", dep(count=None), eq()),
    ("different visitors", visit(), visit(visitor="Vladimir Putin")),
]


@pytest.mark.parametrize(("name", "a", "b"), SAME, ids=[c[0] for c in SAME])
def test_same_fact(name: str, a: Record, b: Record) -> None:
    ca, cb = claims(a, b)
    assert same_fact(ca, cb)
    result = consolidate(docs(a, b))
    assert len(result.facts) == 1
    assert result.facts[0].sources == ("a.txt", "b.txt")


@pytest.mark.parametrize(("name", "a", "b"), DIFFERENT, ids=[c[0] for c in DIFFERENT])
def test_different_facts(name: str, a: Record, b: Record) -> None:
    ca, cb = claims(a, b)
    assert not same_fact(ca, cb)
    assert len(consolidate(docs(a, b)).facts) == 2


def test_seed_workers_group_is_one_fact_with_three_sources() -> None:
    # seeds 001 ("up to 25,000 laborers", may send), 003 ("Twenty-five thousand",
    # "around 25,000") and 004 ("up to 25,000 workers"): one fact, wordings kept.
    result = consolidate(
        docs(
            dep("up to 25,000", status="possible", personnel_text="laborers"),
            [
                dep("Twenty-five thousand", personnel_text="North Korean individuals"),
                dep("around 25,000", personnel_text="North Korean employees"),
            ],
            dep("up to 25,000", personnel_text="workers", claimant="various media sources"),
        )
    )
    assert len(result.facts) == 1
    fact = result.facts[0]
    assert fact.sources == ("a.txt", "b.txt", "c.txt")
    assert [c.figure.text for c in fact.claims if c.figure] == [
        "up to 25,000",
        "Twenty-five thousand",
        "around 25,000",
        "up to 25,000",
    ]
    assert result.discrepancies == ()


def test_one_record_gives_one_claim_per_figure() -> None:
    (record,) = [cas(killed="100", wounded="300")]
    cs = claims(record)
    assert [(c.measure, c.figure.text if c.figure else None) for c in cs] == [
        ("killed", "100"),
        ("wounded", "300"),
    ]
    assert len(consolidate(docs(record)).facts) == 2


def test_only_verified_records_are_claims() -> None:
    unverified = dep().model_copy(update={"verification": Verification(verified=False)})
    unchecked = dep().model_copy(update={"verification": None})
    no_offsets = dep().model_copy(update={"evidence": [Evidence(quote="…")]})
    assert [c.source for c in claims(unverified, unchecked, no_offsets, dep("5,000"))] == ["d.txt"]


# ---------------------------------------------------------------- discrepancies
def test_same_number_different_personnel_is_one_fact_described_differently() -> None:
    # seed 001: 1,000 sappers; 003: 1,000 workers; 004: 1,000 combat engineers (Kursk)
    result = consolidate(
        docs(
            dep(personnel="sappers", destination="Russia’s Kursk Oblast"),
            dep(personnel="laborers", personnel_text="workers", destination="the Kursk region"),
            dep(personnel="engineers", personnel_text="combat engineers"),
        )
    )
    (fact,) = result.facts
    assert fact.sources == ("a.txt", "b.txt", "c.txt")
    assert fact.described_differently and not fact.is_range
    (d,) = result.discrepancies
    assert (d.aspect, d.facts) == ("description", (fact,))


def test_one_article_naming_two_groups_is_no_discrepancy() -> None:
    result = consolidate(docs([dep(personnel="sappers"), dep(personnel="engineers")]))
    assert len(result.facts) == 2
    assert result.discrepancies == ()


def test_total_vs_killed_are_different_measures() -> None:
    # seed 001/004 "over 6,000" casualties (total) vs seed 002 "around 4,000" lost their lives
    result = consolidate(
        docs(
            cas(total="over 6,000"),
            cas(killed="around 4,000", force="North Korean soldiers"),
            cas(total="over 6,000"),
        )
    )
    assert [(f.measure, len(f.sources)) for f in result.facts] == [("total", 2), ("killed", 1)]
    (d,) = result.discrepancies
    assert d.aspect == "measure"
    assert [f.measure for f in d.facts] == ["total", "killed"]
    assert len(result.key_points()) == 2  # different measures stay apart


def test_captured_is_not_a_measure_discrepancy() -> None:
    assert consolidate(docs(cas(total="over 6,000"), cas(captured="two"))).discrepancies == ()


def test_casualty_figures_far_apart_are_a_figure_discrepancy() -> None:
    result = consolidate(docs(cas(killed="around 4,000"), cas(killed="300")))
    assert len(result.facts) == 2
    (d,) = result.discrepancies
    assert d.aspect == "figure"


def test_contradicting_hedges_are_a_figure_discrepancy() -> None:
    result = consolidate(docs(dep("over 1,000"), dep("up to 1,000")))
    (d,) = result.discrepancies
    assert d.aspect == "figure"


# ---------------------------------------------------------------- ranges
RANGES = [
    (
        "three estimates of troops sent",
        [
            dep("approximately 10,900", status="actual", personnel="combat_troops"),
            dep("11,000", status="actual", personnel="combat_troops"),
            dep("around 12,000", status="actual", personnel="combat_troops"),
        ],
        [["approximately 10,900", "11,000", "around 12,000"]],
    ),
    (
        "two death tolls of one force",
        [
            cas(killed="At least 1,500", force="Sudanese civilians"),
            cas(killed="Around 2,000", force="Sudanese civilians"),
        ],
        [["At least 1,500", "Around 2,000"]],
    ),
    (
        "too far apart to be one estimate",
        [dep("1,000"), dep("5,000")],
        [["1,000"], ["5,000"]],
    ),
    (
        "killed and wounded stay apart",
        [cas(killed="1,500"), cas(wounded="2,000")],
        [["2,000"], ["1,500"]],
    ),
    (
        "vague figures are no estimates",
        [dep("thousands"), dep("10,000")],
        [["10,000"], ["thousands"]],
    ),
    (
        "a party unsaid: no range",
        [dep("1,000", receiver=None), dep("1,200")],
        [["1,200"], ["1,000"]],
    ),
    (
        "different dates: different moments, no range",
        [dep("11,000", date_text="in March"), dep("12,000", date_text="in June")],
        [["12,000"], ["11,000"]],
    ),
]


@pytest.mark.parametrize(("name", "records", "facts"), RANGES, ids=[c[0] for c in RANGES])
def test_estimates_of_one_quantity_become_a_range(
    name: str, records: list[Record], facts: list[list[str]]
) -> None:
    result = consolidate(docs(*records))
    got = [[c.figure.text for c in f.claims if c.figure] for f in result.facts]
    assert sorted(map(sorted, got)) == sorted(map(sorted, facts))
    for fact in result.facts:
        assert fact.is_range == (len(fact.claims) > 1)
        if fact.is_range:
            assert any(d.aspect == "figure" and d.facts == (fact,) for d in result.discrepancies)


def test_one_article_two_sources_two_figures_is_a_range() -> None:
    result = consolidate(
        docs(
            [
                dep("at least 10,000", status="actual", claimant="the Pentagon"),
                dep("11,000", status="actual", claimant="a spokesman"),
            ]
        )
    )
    (fact,) = result.facts
    assert fact.is_range


def test_one_article_one_source_two_figures_is_no_range() -> None:
    result = consolidate(docs([dep("10,000", status="actual"), dep("11,000", status="actual")]))
    assert len(result.facts) == 2


# ---------------------------------------------------------------- order
def test_facts_reported_by_more_sources_come_first_then_larger_figures() -> None:
    result = consolidate(
        docs(
            [visit(), dep("5,000"), eq("over 10 million")],
            [dep("1,000"), eq("over 10 million")],
            [dep("1,000"), cas(total="over 6,000")],
        )
    )
    summary = [(f.kind, len(f.sources), f.size) for f in result.facts]
    # sizes compare within a kind: equally backed facts take turns by kind, largest first
    assert summary == [
        ("equipment_transfer", 2, 10_000_000),
        ("deployment", 2, 1000),
        ("deployment", 1, 5000),
        ("casualties", 1, 6000),
        ("diplomatic_visit", 1, 0),
    ]


def test_equally_backed_facts_take_turns_by_kind() -> None:
    result = consolidate(
        docs([eq("3 million"), eq("2 million", category="missiles"), dep("900"), dep("40000")])
    )
    assert [(f.kind, f.size) for f in result.facts] == [
        ("deployment", 40000),
        ("equipment_transfer", 3_000_000),
        ("deployment", 900),
        ("equipment_transfer", 2_000_000),
    ]


def test_order_does_not_depend_on_input_order() -> None:
    records: list[Record] = [dep("1,000"), dep("5,000"), cas(killed="two"), eq(), visit()]
    a = consolidate_claims(claims(*records))
    b = consolidate_claims(list(reversed(claims(*records))))
    assert [[c.order for c in f.claims] for f in a.facts] == [
        [c.order for c in f.claims] for f in b.facts
    ]


def test_lead_wording_is_the_most_shared_figure_text_then_a_named_claimant() -> None:
    cs = claims(
        dep("up to 25,000", status="possible", personnel_text="laborers"),
        dep("Twenty-five thousand", personnel_text="North Korean individuals"),
        dep("up to 25,000", personnel_text="workers", claimant="various media sources"),
    )
    lead, *rest = variants(cs)
    assert [c.source for c in lead] == ["c.txt"]
    assert [v[0].source for v in rest] == ["a.txt", "b.txt"]


def test_same_wording_from_two_articles_is_one_variant() -> None:
    cs = claims(
        cas(total="over 6,000", claimant="U.K. defense intelligence"), cas(total="over 6,000")
    )
    assert [[c.source for c in v] for v in variants(cs)] == [["a.txt", "b.txt"]]


# ---------------------------------------------------------------- headlines
HEADLINE_TEXT = (
    "China to deliver 600 tanks to Pakistan, report says\n"
    "China will deliver 600 tanks to Pakistan, a report said. "
    "China sent 40 tanks to Pakistan last year.\n"
)


def _verified_in(text: str, record: Record) -> Record:
    from llmbrief.verify import verify_document

    doc = verify_document(Document(source=Source(path="t.txt"), records=[record]), text)
    (checked,) = doc.records
    assert checked.verification is not None and checked.verification.verified
    return checked


def _tanks(quote: str, quantity: str) -> Record:
    return eq(
        quantity,
        supplier="China",
        recipient="Pakistan",
        item="tanks",
        category="vehicles",
        status="planned",
        evidence=[Evidence(quote=quote)],
        verification=None,
    )


def test_a_headline_figure_the_body_repeats_is_no_claim() -> None:
    headline = _verified_in(
        HEADLINE_TEXT, _tanks("China to deliver 600 tanks to Pakistan, report says", "600")
    )
    body = _verified_in(
        HEADLINE_TEXT, _tanks("China will deliver 600 tanks to Pakistan, a report said.", "600")
    )
    docs_ = [Document(source=Source(path="t.txt"), records=[headline, body])]
    cs = claims_from_documents(docs_, {"t.txt": HEADLINE_TEXT})
    assert [(c.record.evidence[0].start, c.headline) for c in cs] == [(52, False)]


def test_a_figure_only_in_the_headline_is_marked_and_no_key_point() -> None:
    headline = _verified_in(
        HEADLINE_TEXT, _tanks("China to deliver 600 tanks to Pakistan, report says", "600")
    )
    body = _verified_in(HEADLINE_TEXT, _tanks("China sent 40 tanks to Pakistan last year.", "40"))
    docs_ = [Document(source=Source(path="t.txt"), records=[headline, body])]
    result = consolidate(docs_, {"t.txt": HEADLINE_TEXT})
    assert [(f.size, f.headline_only) for f in result.facts] == [(40, False), (600, True)]
    assert [f.size for f in result.key_points()] == [40]


# ---------------------------------------------------------------- offices
def test_an_office_resolves_to_the_holder_another_article_names() -> None:
    office = visit(
        visitor="the Russian president",
        evidence=[Evidence(quote="The Russian president arrived in Pyongyang.", start=0, end=44)],
    )
    named = visit(
        visitor="Putin",
        evidence=[
            Evidence(quote="Russian President Vladimir Putin met Kim Jong Un.", start=0, end=49)
        ],
    )
    result = consolidate(docs(office, named))
    (fact,) = result.facts
    assert fact.sources == ("a.txt", "b.txt")
    assert fact.claims[0].visitor == "Vladimir Putin"


def test_an_office_nobody_names_stays_apart_from_other_offices() -> None:
    french = visit(visitor="the French president", host_country="China")
    american = visit(visitor="the US president", host_country="China")
    assert len(consolidate(docs(french, american)).facts) == 2


def test_losses_of_people_named_by_common_words_compare_by_country() -> None:
    # "people", "civilians": whose losses is told by the countries the evidence names
    gaza = Evidence(quote="About 1,200 people were killed in Israel.", start=0, end=41)
    karabakh = Evidence(quote="Some 1,200 people were killed in Armenia.", start=0, end=41)
    israel = Evidence(quote="Israel says 1,200 people were killed.", start=0, end=37)
    assert (
        len(
            consolidate(
                docs(
                    cas(killed="about 1,200", force="people", evidence=[gaza]),
                    cas(killed="some 1,200", force="people", evidence=[karabakh]),
                )
            ).facts
        )
        == 2
    )
    assert (
        len(
            consolidate(
                docs(
                    cas(killed="about 1,200", force="people", evidence=[gaza]),
                    cas(killed="1,200", force="people", evidence=[israel]),
                )
            ).facts
        )
        == 1
    )


def test_one_person_quoted_by_two_articles_is_one_independent_source() -> None:
    result = consolidate(
        docs(
            [dep("5,000", claimant="Russian Security Council Secretary Sergei Shoigu")],
            [dep("5,000", claimant="Secretary of the Russian Security Council, Sergei Shoigu")],
            [dep("800", personnel="sappers", claimant="the ministry")],
            [dep("800", personnel="sappers", claimant="local media")],
        )
    )
    assert [(f.size, f.independent_sources, len(f.sources)) for f in result.facts] == [
        (800, 2, 2),
        (5000, 1, 2),
    ]
