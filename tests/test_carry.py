"""llmbrief.carry: parties a number's clause leaves unsaid, from the article's earlier moves."""

from __future__ import annotations

import pytest

from llmbrief.analysis import Parsed, parse_many
from llmbrief.carry import moves
from llmbrief.reading import NumberReading, read_numbers

# (story, figure, sender, receiver, whether the evidence quotes an earlier sentence)
STORIES = [
    # a pronoun for the giver: the bloc that delivers in the sentence before
    ("The African Union will deliver 2 million vaccine doses to Sudan by June. "
     "So far we have delivered 600,000 doses, its envoy said.",
     "600,000", "African Union", "Sudan", True),
    # an agentless passive: the giver of the story, two sentences back
    ("Japan pledged to supply the Philippines with 12 coast guard vessels. "
     "The deal was signed on Monday. "
     "Another 5 vessels will be delivered to the Philippines next year.",
     "5", "Japan", "Philippines", True),
    # a person whose country the clause does not name
    ("Chile is sending 300 firefighters to Bolivia. "
     "Later on Tuesday, Gutierrez promised to send 150 more firefighters.",
     "150", "Chile", "Bolivia", True),
    # a name the clause places nowhere: the place word of its other mention
    ("Ghana's Foreign Minister Kofi Mensah arrived in Abuja on Monday. "
     "The next day Mensah pledged to send 250 engineers to Nigeria.",
     "250", "Ghana", "Nigeria", True),
    ("Vendara, a Brazilian shipbuilder, won the tender in May. "
     "Vendara delivered 4 corvettes to Angola last week.",
     "4", "Brazil", "Angola", True),
    # a person's name the tagger takes for a body's here is still a person
    ("Ghana's new defence minister pledged on Sunday to deliver more trucks to Togo.\n"
     "Kwame Boateng, appointed on Friday, spoke in Lome.\n"
     "Boateng pledged a package including 250 trucks, the ministry said.",
     "250", "Ghana", "Togo", True),
    # a clause that names both keeps them, whatever came before
    ("Egypt sent 40 trucks of flour to Gaza. "
     "Jordan delivered 25 trucks to the West Bank on Sunday.",
     "25", "Jordan", "West Bank", False),
    # "also sending": the receiver of the move before
    ("Three howitzers from Norway arrived in Ukraine this week. "
     "Denmark is also sending 12 howitzers.",
     "12", "Denmark", "Ukraine", True),
    # goods are not carried onto people, nor people onto goods
    ("Turkey delivered 30 armoured vehicles to Somalia. "
     "About 500 soldiers were deployed on Friday.",
     "About 500", None, None, False),
    # where a convoy returns from gives nothing
    ("A convoy returning from Gao was attacked on Monday. "
     "Officials said 40 soldiers were sent to the area.",
     "40", None, None, False),
    # nothing earlier: nothing carried
    ("About 500 tents will be delivered next week.", "About 500", None, None, False),
]  # fmt: skip


@pytest.fixture(scope="module")
def parsed() -> dict[str, Parsed]:
    texts = [row[0] for row in STORIES]
    return dict(zip(texts, parse_many(texts), strict=True))


def _reading(p: Parsed, figure: str) -> NumberReading:
    return next(r for r in read_numbers(p.text, p) if r.figure.text == figure)


@pytest.mark.parametrize(("text", "figure", "sender", "receiver", "earlier"), STORIES)
def test_carried_parties(
    parsed: dict[str, Parsed],
    text: str,
    figure: str,
    sender: str | None,
    receiver: str | None,
    earlier: bool,
) -> None:
    """The parties tied to the number, each a span of the source that stands in the
    number's evidence or in an earlier context sentence."""
    r = _reading(parsed[text], figure)
    a = r.attachment
    assert (a.senders[0].party if a.strong[0] else None) == sender
    assert (a.receivers[0].party if a.strong[1] else None) == receiver
    assert bool(r.context) == earlier
    own_start, own_end = r.evidence
    for ph in a.senders[: a.strong[0]] + a.receivers[: a.strong[1]]:
        assert text[ph.start : ph.end] == ph.text
        if not own_start <= ph.start < own_end:
            assert any(s <= ph.start < e for s, e in r.context), ph
    for _, e in r.context:
        assert e <= own_start  # only earlier sentences are carried from


@pytest.mark.parametrize(
    ("text", "givers", "getters"),
    [
        ("Brazil sent 40 trucks to Bolivia.", ["Brazil"], ["Bolivia"]),
        # a passive's giver is never the subject of the verb above it
        ("Officials counted the crates that the Greek navy detected being transferred in May "
         "from Libya to Sudan.", ["Libya"], ["Sudan"]),
        # a verb of receiving moves only people or goods
        ("Russia has been taking a beating in the war.", [], []),
        ("Peru received 12 helicopters from Brazil.", ["Brazil"], ["Peru"]),
        # where travellers return from gives nothing
        ("A convoy returning from Gao was attacked.", [], []),
    ],
)  # fmt: skip
def test_moves(text: str, givers: list[str], getters: list[str]) -> None:
    (p,) = parse_many([text])
    found = moves(p)
    assert [g.party for m in found for g in m.givers] == givers
    assert [g.party for m in found for g in m.getters] == getters
