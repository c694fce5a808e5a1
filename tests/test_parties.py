"""llmbrief.parties: who sends or supplies, who receives, whose losses."""

from __future__ import annotations

import pytest

from llmbrief.analysis import Parsed, parse_many
from llmbrief.attach import Phrase, anchor_token, counted, governing_verb
from llmbrief.forces import force_of
from llmbrief.parties import parties

# (sentence, figure, first sender, first receiver); None: no candidate at all
SENDS = [
    ("Germany delivered 18 Leopard tanks to Kyiv.", "18", "Germany", "Ukraine"),
    ("Poland received 24 drones from Turkey.", "24", "Turkey", "Poland"),
    ("India bought 36 Rafale jets from France.", "36", "France", "India"),
    ("Kyiv got 30 armoured vehicles from the Netherlands.", "30", "Netherlands", "Ukraine"),
    ("Norway gave Ukraine 40 armoured vehicles.", "40", "Norway", "Ukraine"),
    ("Spain pledged 10 Leopard tanks for Kyiv.", "10", "Spain", "Ukraine"),
    ("The United States approved the sale of 400 Stinger missiles to Taiwan.", "400",
     "United States", "Taiwan"),
    ("North Korea may send up to 5,000 workers to Russia.", "5,000", "North Korea", "Russia"),
    ("Pyongyang has sent 12,000 North Korean soldiers to Russia.", "12,000", "North Korea",
     "Russia"),
    ("Iran denied supplying 300 drones to Russia.", "300", "Iran", "Russia"),
    ("Kenya plans to deploy 1,000 police officers to Haiti.", "1,000", "Kenya", "Haiti"),
    ("Washington deployed 3,000 troops to Poland.", "3,000", "United States", "Poland"),
    ("Canada shipped 5,000 rounds of artillery ammunition to Ukraine.", "5,000", "Canada",
     "Ukraine"),
    ("About 1,500 Belarusian soldiers crossed the border.", "1,500", "Belarus", None),
    ("Iran's 200 drones reached Russia last spring.", "200", "Iran", "Russia"),
    ("Chad is to send 500 soldiers to Niger.", "500", "Chad", "Niger"),
    ("Egypt will deliver 30 trucks to Sudan.", "30", "Egypt", "Sudan"),
    ("Brazil donated 20 ambulances to Bolivia.", "20", "Brazil", "Bolivia"),
    ("Russia is considering sending 2,000 more troops to Mali.", "2,000", "Russia", "Mali"),
    ("The shelling of the market left 2,000 killed.", "2,000", None, None),
    # people moving themselves: where they go receives them, and only receives
    ("A group of 800 medics and 2,000 workers will head to the Calabria region.", "2,000",
     None, "Italy"),
    ("Some 800 Cuban doctors will fly to Calabria.", "800", "Cuba", "Italy"),
    # conjuncts share their destination; a traveller's own way receives nobody's goods
    ("The envoy traveled to Chad, announcing that Sudan would dispatch 1,000 medics and 500 "
     "engineers to Libya's Kufra region.", "1,000", "Sudan", "Libya"),
    # verbs of ordering are verbs of receiving; the number may hang on a modifier
    ("Egypt ordered 24 Rafale jets from France.", "24", "France", "Egypt"),
    ("Algeria bought 2,400 kamikaze Shahed drones from Iran for its border war.", "2,400",
     "Iran", "Algeria"),
    # a total whose value the number is; a participle on the counted noun
    ("The number of tanks shipped by Spain to Ukraine is about 40.", "about 40", "Spain",
     "Ukraine"),
    # the thing a relative clause describes was moved by the main verb
    ("Serbia sent 300 crates to Libya, which could hold up to 9,000 rifles.", "9,000",
     "Serbia", "Libya"),
    # a person or a firm acts for the country (or bloc) its own words name
    ("Brazilian planemaker Aerobras delivered 12 cargo jets to Portugal.", "12", "Brazil",
     "Portugal"),
    ("The Kenyan president sent 400 police officers to Haiti.", "400", "Kenya", "Haiti"),
    ("NATO chief Mark Ellison said the alliance would send 300 trainers to Iraq.", "300", None,
     "Iraq"),
    ("Nigeria's army chief deployed 900 soldiers to Niger.", "900", "Nigeria", "Niger"),
    # a passive's giver is never the subject of the verb above it
    ("The Greek navy saw 40 trucks being transferred from Libya to Sudan.", "40", "Libya",
     "Sudan"),
    # a model's name on the things is no party; its people word is
    ("Russia received four North Korean KN-23 missiles.", "four", "North Korea", "Russia"),
    ("About 500 Wagner fighters were sent to Mali.", "About 500", "Wagner", "Mali"),
    # the parser may call "to X" a dative
    ("Ghana's new defence minister pledged on Sunday to deliver 30 trucks to Togo.", "30",
     "Ghana", "Togo"),
    # "supply X with Y": the object gets what comes "with"
    ("Spain will supply Morocco with 20 patrol boats.", "20", "Spain", "Morocco"),
    ("France supplied its troops with 500 new rifles.", "500", "France", None),
]  # fmt: skip

ALSO = [
    # (sentence, figure, a sender that must be offered, a receiver that must be offered)
    ("About 400 mercenaries were sent by Moscow to Libya.", "400", "Russia", "Libya"),
    ("Washington deployed 3,000 troops to Poland and Lithuania.", "3,000", "United States",
     "Lithuania"),
    # a party the parse gives one role stays a candidate for the other
    ("The 12 batteries of the missile system delivered by France would be deployed by Greece.",
     "12", "France", "Greece"),
]  # fmt: skip

FORCES = [
    ("Israeli strikes killed 58 Palestinians overnight.", "58", "Palestinians"),
    ("The fighting has caused some 900 casualties among Sudanese troops.", "900",
     "Sudanese troops"),
    ("The rebels said 300 soldiers were killed near Bakhmut.", "300", "soldiers"),
    ("The army's 40 dead were buried on Friday.", "40", "army"),
    ("The fighting killed 2,000 of them.", "2,000", None),
    ("The shelling of the market left 2,000 killed.", "2,000", None),
    # a pronoun possessor is no force; the people it counts are
    ("Chad said that 12 of its citizens were killed.", "12", "its citizens"),
    # "them" and "others": the people they stand for, without another figure
    ("Kenya's roughly 1,000 police officers were sent to Haiti and 40 of them were wounded.",
     "40", "Kenya"),
    ("Three nurses were killed in the raid and 10 others were injured.", "10", "nurses"),
    # an elliptical count shares its neighbour's people
    ("At least 30 villagers died and 12 were wounded, local officials said.", "12",
     "villagers"),
    # whoever suffered the count, or the count it is part of
    ("The Sudanese army suffered 900 casualties, including 300 deaths.", "300",
     "Sudanese army"),
    # a toll is everyone's
    ("Mali said 12 soldiers were killed, raising the overall death toll to at least 81.",
     "at least 81", None),
    ("The war has claimed over 9,000 lives since April.", "over 9,000", None),
    # whose the losses are that the verb tells
    ("He said the Chadian army's losses have already exceeded 200 troops.", "200",
     "Chadian army"),
    # a people word a number counts before one it does not
    ("At least 50 civilians including children were killed and 30 injured.", "30",
     "civilians"),
    # who reports it is not whose losses
    ("Medics said 40 were killed.", "40", None),
]  # fmt: skip

TEXTS = sorted({row[0] for row in SENDS + ALSO + FORCES})


@pytest.fixture(scope="module")
def parsed() -> dict[str, Parsed]:
    return dict(zip(TEXTS, parse_many(TEXTS), strict=True))


def _read(p: Parsed, figure: str) -> tuple[int, Phrase | None, int | None, int | None, int]:
    start = p.text.index(figure)
    end = start + len(figure)
    anchor = anchor_token(p, start, end)
    ph, _, head = counted(p, anchor, end)
    verb = governing_verb(p, head if head is not None else anchor)
    return anchor, ph, head, verb, end


def _parties(p: Parsed, figure: str) -> tuple[list[Phrase], list[Phrase]]:
    anchor, _, head, verb, end = _read(p, figure)
    return parties(p, anchor, head, verb, end).ranked()


@pytest.mark.parametrize(("text", "figure", "sender", "receiver"), SENDS)
def test_first_candidates(
    parsed: dict[str, Parsed], text: str, figure: str, sender: str | None, receiver: str | None
) -> None:
    senders, receivers = _parties(parsed[text], figure)
    assert (senders[0].party if senders else None) == sender
    assert (receivers[0].party if receivers else None) == receiver


@pytest.mark.parametrize(("text", "figure", "sender", "receiver"), SENDS + ALSO)
def test_candidates_are_spans_of_the_source(
    parsed: dict[str, Parsed], text: str, figure: str, sender: str | None, receiver: str | None
) -> None:
    senders, receivers = _parties(parsed[text], figure)
    for ph in senders + receivers:
        assert ph.text and text[ph.start : ph.end] == ph.text
    for side in (senders, receivers):
        names = [ph.party.lower() for ph in side]
        assert len(names) == len(set(names)), names


@pytest.mark.parametrize(("text", "figure", "sender", "receiver"), ALSO)
def test_candidates_offered(
    parsed: dict[str, Parsed], text: str, figure: str, sender: str, receiver: str
) -> None:
    senders, receivers = _parties(parsed[text], figure)
    assert sender in [ph.party for ph in senders]
    assert receiver in [ph.party for ph in receivers]


def test_receiving_verb_does_not_make_the_receiver_a_sender(parsed: dict[str, Parsed]) -> None:
    senders, receivers = _parties(parsed["Poland received 24 drones from Turkey."], "24")
    assert senders[0].text == "Turkey"
    assert receivers[0].text == "Poland"
    assert senders[0].party not in [r.party for r in receivers[:1]]


def test_demonym_sender_keeps_the_words_as_written(parsed: dict[str, Parsed]) -> None:
    senders, _ = _parties(parsed["About 1,500 Belarusian soldiers crossed the border."], "1,500")
    assert senders[0].text == "Belarusian"
    assert senders[0].country == "Belarus"


def test_capital_is_written_as_is_and_read_as_its_country(parsed: dict[str, Parsed]) -> None:
    _, receivers = _parties(parsed["Germany delivered 18 Leopard tanks to Kyiv."], "18")
    assert receivers[0].text == "Kyiv"
    assert receivers[0].country == "Ukraine"


@pytest.mark.parametrize(("text", "figure", "force"), FORCES)
def test_force(parsed: dict[str, Parsed], text: str, figure: str, force: str | None) -> None:
    p = parsed[text]
    anchor, ph, head, _, _ = _read(p, figure)
    got = force_of(p, anchor, head, ph)
    assert (got.text if got else None) == force
