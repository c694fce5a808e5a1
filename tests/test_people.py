"""People in the records: offices and their holders, surnames, claimants (table tests)."""

from __future__ import annotations

import pytest

from llmbrief.people import (
    OfficeHolders,
    claimant_key,
    claimant_phrase,
    is_office,
    is_plural_name,
    person_key,
)

OFFICES = [
    ("the Russian president", None, True),
    ("Russia's foreign minister", None, True),
    ("Turkish president", None, True),
    ("the Pope", None, True),
    ("Chinese Premier", "Chinese Premier", True),
    ("Vladimir Putin", "Russian president", False),
    ("Shoigu", None, False),
    ("Turkish President Recep Tayyip Erdogan", None, False),
    ("US Secretary of State Antony Blinken", None, False),
    ("Narendra Modi", None, False),
]


@pytest.mark.parametrize(("visitor", "role", "office"), OFFICES)
def test_is_office(visitor: str, role: str | None, office: bool) -> None:
    assert is_office(visitor, role) is office


SURNAMES = [
    ("Russian Security Council Secretary Sergei Shoigu", "shoigu"),
    ("Shoigu", "shoigu"),
    ("Luiz Inacio Lula da Silva", "silva"),
    ("Kim Jong Un", "un"),
    ("Antony Blinken", "blinken"),
]


@pytest.mark.parametrize(("name", "key"), SURNAMES)
def test_person_key_is_the_surname(name: str, key: str) -> None:
    assert person_key(name) == key


def test_wordings_of_one_persons_name_are_one_claimant() -> None:
    a = claimant_key("Russian Security Council Secretary Sergei Shoigu")
    b = claimant_key("Secretary of the Russian Security Council, Sergei Shoigu")
    assert a == b
    assert claimant_key("U.S. Department of Defense") != claimant_key("Ministry of Defense")
    # same two last words, different countries: different people or bodies
    assert claimant_key("Ukrainian General Staff") != claimant_key("Russian General Staff")


PHRASES = [
    ("U.S. Department of Defense", "the U.S. Department of Defense"),
    ("Ministry of Defence of Ukraine", "the Ministry of Defence of Ukraine"),
    ("Ukrainian General Staff", "the Ukrainian General Staff"),
    ("Defense Ministry", "the Defense Ministry"),
    ("U.K. defense intelligence", "U.K. defense intelligence"),
    ("Seoul", "Seoul"),
    ("diplomatic sources", "diplomatic sources"),
    ("South Korea's National Intelligence Service", "South Korea's National Intelligence Service"),
    ("the Gaza health ministry", "the Gaza health ministry"),
    ("Ukrainian President Volodymyr Zelensky", "Ukrainian President Volodymyr Zelensky"),
]


@pytest.mark.parametrize(("claimant", "phrase"), PHRASES)
def test_claimant_phrase(claimant: str, phrase: str) -> None:
    assert claimant_phrase(claimant) == phrase


PLURALS = [
    ("unnamed diplomatic sources cited by NHK", True),
    ("Ukrainian officials", True),
    ("local activists", True),
    ("Ukrainian estimates", True),
    ("the Pentagon", False),
    ("the interior ministry", False),
    ("Seoul", False),
    ("NIS", False),
    ("Kenyan police", True),
]


@pytest.mark.parametrize(("claimant", "plural"), PLURALS)
def test_is_plural_name(claimant: str, plural: bool) -> None:
    assert is_plural_name(claimant) is plural


def test_office_holder_read_from_texts() -> None:
    holders = OfficeHolders()
    holders.read(
        ["the Turkish president", "the Indian prime minister"],
        [
            "Turkish President Recep Tayyip Erdogan arrived in Riyadh on Monday.",
            "The Turkish president, who met the crown prince, left for Doha.",
            "Indian Prime Minister Narendra Modi will travel to Moscow.",
        ],
    )
    assert holders.holder("the Turkish president") == "Recep Tayyip Erdogan"
    assert holders.holder("Turkish President") == "Recep Tayyip Erdogan"
    assert holders.holder("India's prime minister") == "Narendra Modi"
    assert holders.holder("the French president") is None


def test_office_holder_learned_from_a_record_and_ambiguity_left_alone() -> None:
    holders = OfficeHolders()
    holders.learn("Russian president", "Vladimir Putin")
    assert holders.holder("the Russian president") == "Vladimir Putin"
    holders.learn("US president", "Joe Biden")
    holders.learn("US president", "Donald Trump")
    assert holders.holder("the US president") is None  # two holders, equal weight
