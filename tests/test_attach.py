"""llmbrief.attach: what a number counts, its verb, meanings, status, date and places.

Each table row is one sentence of our own and the figure as written in it; the
whole table is parsed once for the module.
"""

from __future__ import annotations

import pytest

from llmbrief.analysis import Parsed, parse_many
from llmbrief.attach import (
    STATUSES,
    Attachment,
    allowed_statuses,
    anchor_token,
    clause_date,
    clause_place,
    clause_status,
    counted,
    governing_verb,
)
from llmbrief.meanings import MEANINGS, rank_meanings
from llmbrief.numbers import FoundFigure
from llmbrief.reading import attach_number, find_numbers

TANKS = "Germany delivered 18 Leopard tanks to Kyiv."
LOSSES = "The shelling of the market left 2,000 killed and 2,700 wounded."
DEPLOYED = "Russia has already deployed 10,000 troops, which could be sent to the front."
MAY_SEND = "North Korea may send up to 5,000 workers to Russia."
DENIED = "Iran denied supplying 300 drones to Russia."
WILL_SEND = "France will send 40 soldiers to Romania."
RECEIVED = "Poland received 24 drones from Turkey."
ROUNDS = "Britain shipped 5,000 rounds of artillery ammunition to Ukraine."
POLICE = "Kenya plans to deploy 1,000 police officers to Haiti."
RAFALE = "India bought 36 Rafale jets from France."
DID_NOT = "Turkey did not deliver the 40 drones to Azerbaijan."
CONSIDER = "Russia is considering sending 2,000 more troops to Mali."
REJECTED = "Rwanda rejected claims that it had sent 4,000 soldiers to Congo."
IS_TO = "Chad is to send 500 soldiers to Niger."
ARE_TO = "Some 800 Cuban doctors are to join the mission in Calabria."
SET_TO = "Around 2,500 Kenyan police officers are set to arrive in Haiti."
INHABITANTS = "Chadian troops will deploy to Niger, a country of 26 million people."
POPULATION = "Rwanda sent medics to the camp, which has a population of 40,000."
RESIDENTS = "At least 300 residents were killed in the town."
DIED = "The colonel said nine Malian soldiers died, while the rebels put the number at 20."
SHIPMENT = "On May 16, the firm completed the shipment of a cumulative 24 TB2s to Poland."
MARINES = "The first of roughly 1,250 Marines began arriving in Darwin on Wednesday."
ROSE = "Meanwhile, the number of deaths on the northern side rose to 46."
RAISING = "Mali said 12 soldiers were killed, raising the overall death toll to at least 81."
EXCEEDED = "The number of Chadian soldiers killed in the region has already exceeded 300."
SHARED = "The army gave a toll of 31 soldiers and three militiamen killed in the ambush."
COULD_BE = "He said that among the crates sent to Chad there could be over 300 rifles."
ORDERED = "Officials said Egypt had ordered 24 Rafale jets from France."
EXPECTED = "The first wave of 300 Chadian soldiers is expected to reach Niger in May."
CAPTURED = "Junta troops captured 35 rebels near Mandalay, state media reported."
CASUALTIES = "The fighting has caused some 900 casualties among Sudanese troops."
GAZA = "Officials said 41 people were killed in Gaza on Sunday."
FOOD = "The convoy carried 20 tonnes of food to El Fasher."
ABDUCTED = "The militants abducted 80 schoolchildren in Burkina Faso."
SAID_ON = "Officials said on Tuesday that Sweden had delivered 12 howitzers to Ukraine."
SAID_ON_IN = "Officials said on Tuesday that Sweden had delivered 12 howitzers to Ukraine in March."
KURSK = "The Kremlin said Moscow had sent 3,000 troops to Kursk."
EXPELLED = "Niger expelled 1,500 French soldiers in 2023."
WITHIN = "Egypt will deliver 30 trucks to Sudan within three months."
DARFUR = "At least 73 people were killed and 120 injured in Darfur on Sunday."
TWICE = "The minister has visited Kyiv twice this year."
MONEY = "Japan gave $500 million to the Philippines for coast guard ships."
WOULD = "The ministry announced on Friday that Japan would supply 5 radars to the Philippines."
PERHAPS = "Myanmar's junta will perhaps buy 6 fighter jets from Russia."
HAS_SENT = "Pyongyang has sent 12,000 North Korean soldiers to Russia."

TEXTS = sorted(
    {v for k, v in dict(globals()).items() if k.isupper() and isinstance(v, str) and " " in v}
)


@pytest.fixture(scope="module")
def parsed() -> dict[str, Parsed]:
    return dict(zip(TEXTS, parse_many(TEXTS), strict=True))


def _figure(text: str, figure: str) -> FoundFigure:
    found = [f for f in find_numbers(text) if f.text == figure]
    assert len(found) == 1, [f.text for f in find_numbers(text)]
    return found[0]


def _attach(parsed: dict[str, Parsed], text: str, figure: str) -> Attachment:
    return attach_number(parsed[text], _figure(text, figure))


# --- what a number counts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure", "words", "lemma"),
    [
        (TANKS, "18", "Leopard tanks", "tank"),
        (LOSSES, "2,000", "killed", "kill"),
        (LOSSES, "2,700", "wounded", "wound"),
        (DEPLOYED, "10,000", "troops", "troop"),
        (MAY_SEND, "up to 5,000", "workers", "worker"),
        (ROUNDS, "5,000", "rounds of artillery ammunition", "round"),
        (POLICE, "1,000", "police officers", "officer"),
        (RAFALE, "36", "Rafale jets", "jet"),
        (CASUALTIES, "some 900", "casualties", "casualty"),
        (HAS_SENT, "12,000", "North Korean soldiers", "soldier"),
        (FOOD, "20", "tonnes of food", "tonne"),
    ],
)
def test_counted(parsed: dict[str, Parsed], text: str, figure: str, words: str, lemma: str) -> None:
    p = parsed[text]
    f = _figure(text, figure)
    ph, lem, head = counted(p, anchor_token(p, f.number_start, f.end), f.end)
    assert ph is not None and ph.text == words
    assert text[ph.start : ph.end] == words
    assert lem is not None and lem.rstrip("s") == lemma.rstrip("s")
    assert head is not None and p.tokens[head].start >= f.end


def test_anchor_token_of_a_hedged_number(parsed: dict[str, Parsed]) -> None:
    p = parsed[MAY_SEND]
    f = _figure(MAY_SEND, "up to 5,000")
    assert p.tokens[anchor_token(p, f.number_start, f.end)].text == "5,000"


def test_anchor_token_outside_any_token(parsed: dict[str, Parsed]) -> None:
    with pytest.raises(ValueError):
        anchor_token(parsed[TANKS], 500, 510)


# --- the governing verb ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure", "verb"),
    [
        (TANKS, "18", "deliver"),
        (DEPLOYED, "10,000", "deploy"),  # not "send" of the relative clause
        (MAY_SEND, "up to 5,000", "send"),
        (DENIED, "300", "supply"),
        (RECEIVED, "24", "receive"),
        (POLICE, "1,000", "deploy"),
        (SAID_ON, "12", "deliver"),  # not "say"
        (GAZA, "41", "kill"),
    ],
)
def test_governing_verb(parsed: dict[str, Parsed], text: str, figure: str, verb: str) -> None:
    a = _attach(parsed, text, figure)
    assert a.verb_lemma == verb
    assert a.verb is not None
    assert governing_verb(parsed[text], a.verb) == a.verb


# --- meanings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure", "first", "absent"),
    [
        (TANKS, "18", "supplied", ["killed", "sent"]),
        (LOSSES, "2,000", "killed", ["wounded", "supplied"]),
        (LOSSES, "2,700", "wounded", ["killed", "supplied"]),
        (DEPLOYED, "10,000", "sent", ["supplied", "killed"]),
        (MAY_SEND, "up to 5,000", "sent", ["supplied"]),
        (DENIED, "300", "supplied", ["sent"]),
        (RECEIVED, "24", "supplied", ["killed"]),
        (ROUNDS, "5,000", "supplied", []),
        (CAPTURED, "35", "captured", ["supplied"]),
        (CASUALTIES, "some 900", "casualties", ["supplied"]),
        (GAZA, "41", "killed", ["supplied", "sent"]),
        (ABDUCTED, "80", "captured", ["supplied"]),
        (FOOD, "20", "other", []),
        (TWICE, "twice", "visits", ["supplied", "sent", "killed"]),
        (MONEY, "$500 million", "other", ["killed"]),
        (DARFUR, "120", "wounded", ["supplied"]),
        # who lives somewhere is counted by no record
        (INHABITANTS, "26 million", "other", ["sent", "supplied", "killed"]),
        (POPULATION, "40,000", "other", ["sent", "supplied", "killed"]),
        (RESIDENTS, "At least 300", "killed", []),
        (SHARED, "31", "killed", ["supplied"]),
        # what a noun of moving moves; a capitalised plural of people
        (SHIPMENT, "24", "supplied", ["killed"]),
        (MARINES, "roughly 1,250", "sent", ["killed"]),
        # a total whose value the number is
        (ROSE, "46", "killed", ["supplied", "sent"]),
        (RAISING, "at least 81", "killed", ["supplied", "sent"]),
        (EXCEEDED, "300", "killed", ["supplied"]),
        # a loss told by the verb is no move; a toll "put at" counts that loss
        (DIED, "nine", "killed", ["sent", "supplied"]),
        (DIED, "20", "killed", ["sent", "supplied"]),  # conjuncts share the participle
    ],
)
def test_meanings(
    parsed: dict[str, Parsed], text: str, figure: str, first: str, absent: list[str]
) -> None:
    meanings = _attach(parsed, text, figure).meanings
    assert meanings[0] == first
    assert "other" in meanings
    assert set(meanings) <= set(MEANINGS)
    assert len(meanings) == len(set(meanings))
    for m in absent:
        assert m not in meanings


def test_meanings_of_nothing_counted_offer_everything(parsed: dict[str, Parsed]) -> None:
    p = parsed[TANKS]
    got = rank_meanings(p, 0, "7", None, None, None)
    assert got[0] == "other"
    assert sorted(got) == sorted(MEANINGS)


# --- status of the number's own clause ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure", "status", "not_offered"),
    [
        (TANKS, "18", "actual", []),
        (DEPLOYED, "10,000", "actual", []),  # "could" is the relative clause's
        (MAY_SEND, "up to 5,000", "possible", ["actual", "denied"]),
        (DENIED, "300", "denied", ["planned", "possible"]),
        (WILL_SEND, "40", "planned", ["actual", "denied"]),
        (RECEIVED, "24", "actual", []),
        (POLICE, "1,000", "planned", ["actual"]),
        (DID_NOT, "40", "denied", ["planned"]),
        (CONSIDER, "2,000", "possible", ["actual"]),
        (REJECTED, "4,000", "denied", ["planned"]),
        (IS_TO, "500", "planned", ["actual"]),
        # the number is the subject of the "be"/"set" over the infinitive
        (ARE_TO, "Some 800", "planned", ["actual"]),
        (SET_TO, "Around 2,500", "planned", ["actual"]),
        (EXPECTED, "300", "planned", ["actual"]),  # the number under the planning verb
        (COULD_BE, "over 300", "possible", ["actual"]),  # a copula heads its own clause
        (ORDERED, "24", "planned", []),  # what is ordered is still to come
        (WITHIN, "30", "planned", ["actual"]),
        (WOULD, "5", "possible", ["actual"]),
        (PERHAPS, "6", "possible", ["actual"]),
        (HAS_SENT, "12,000", "actual", []),
    ],
)
def test_status(
    parsed: dict[str, Parsed], text: str, figure: str, status: str, not_offered: list[str]
) -> None:
    a = _attach(parsed, text, figure)
    assert a.statuses[0] == status
    assert a.statuses == allowed_statuses(status)
    assert clause_status(parsed[text], a.verb, a.anchor) == status
    for s in not_offered:
        assert s not in a.statuses


@pytest.mark.parametrize("status", STATUSES)
def test_allowed_statuses_start_with_the_reading(status: str) -> None:
    got = allowed_statuses(status)
    assert got[0] == status
    assert set(got) <= set(STATUSES)
    got.append("x")  # a fresh list every time
    assert "x" not in allowed_statuses(status)


def test_status_without_a_verb_is_actual(parsed: dict[str, Parsed]) -> None:
    assert clause_status(parsed[TANKS], None, 0) == "actual"


# --- date of the number's own clause ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure", "date"),
    [
        (SAID_ON, "12", None),  # "said on Tuesday" is the saying's date
        (SAID_ON_IN, "12", "in March"),
        (EXPELLED, "1,500", "in 2023"),
        (WITHIN, "30", None),  # a span of time is no date
        (DARFUR, "120", "on Sunday"),
        (GAZA, "41", "on Sunday"),
        (TANKS, "18", None),
    ],
)
def test_date(parsed: dict[str, Parsed], text: str, figure: str, date: str | None) -> None:
    a = _attach(parsed, text, figure)
    if date is None:
        assert a.date is None
    else:
        assert a.date is not None and a.date.text == date
        assert text[a.date.start : a.date.end] == date
        assert clause_date(parsed[text], a.verb, a.anchor) == a.date


# --- places ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure", "destination"),
    [
        (KURSK, "3,000", "Kursk"),
        (MAY_SEND, "up to 5,000", "Russia"),
        (WILL_SEND, "40", "Romania"),
        (RECEIVED, "24", None),
    ],
)
def test_destination(
    parsed: dict[str, Parsed], text: str, figure: str, destination: str | None
) -> None:
    a = _attach(parsed, text, figure)
    got = a.destination.text if a.destination else None
    assert got == destination


@pytest.mark.parametrize(
    ("text", "figure", "location"),
    [
        (CAPTURED, "35", "Mandalay"),
        (ABDUCTED, "80", "Burkina Faso"),
        (GAZA, "41", "Gaza"),
        (TANKS, "18", None),
    ],
)
def test_location(parsed: dict[str, Parsed], text: str, figure: str, location: str | None) -> None:
    a = _attach(parsed, text, figure)
    got = a.location.text if a.location else None
    assert got == location
    if a.location is not None:
        assert text[a.location.start : a.location.end] == location


def test_clause_place_without_a_verb(parsed: dict[str, Parsed]) -> None:
    assert clause_place(parsed[TANKS], None, ("to",)) is None


def test_phrase_party_is_the_country_else_the_words(parsed: dict[str, Parsed]) -> None:
    a = _attach(parsed, TANKS, "18")
    assert a.destination is not None
    assert a.destination.text == "Kyiv" and a.destination.party == "Ukraine"
    assert a.counted is not None and a.counted.party == "Leopard tanks"
