"""Key points as an editor pastes them: one sentence per fact, the source named in it.

The stories are short articles written for these tests (``tests/stories.py``): aid to
Ukraine, Gaza, Sudan, a state visit, a deployment, a denial. Their records are verified
against their texts and rendered; the sentences are compared whole, and the brief is
checked with the real checker.
"""

from __future__ import annotations

import re

import pytest
import stories

from llmbrief.check import check_brief
from llmbrief.sentences import place_phrase, when_phrase


def key_points(markdown: str) -> list[str]:
    section = markdown.split("## Key points\n\n", 1)[1].split("\n\n", 1)[0]
    return section.splitlines()


# ---------------------------------------------------------------- whole sentences
SENTENCES = [
    (
        "a range: each figure with its source, lowest first, never a sum",
        ("fasher-un.txt", "fasher-activists.txt"),
        "- Estimates of civilians killed in El Fasher range from at least 1,500 since May, "
        "according to the United Nations[^1], to around 2,000, according to local activists[^2].",
    ),
    (
        'a range whose end is a span itself: no "from" that would read as its hedge',
        ("fasher-monitors.txt", "fasher-un.txt"),
        "- Estimates of civilians killed in El Fasher differ: at least 1,500 since May, "
        "according to the United Nations[^1]; 1,700 to 1,900, according to the monitoring "
        "group[^2].",
    ),
    (
        "one deployment in two articles: one line, the other wording named",
        ("kenya-haiti.txt", "haiti-mission.txt"),
        "- Kenya has sent 400 officers to Haiti, according to the mission[^1]; the interior "
        "ministry[^2] calls them police officers.",
    ),
    (
        "an office resolved to its holder: one visit, both sources, the date kept",
        ("erdogan-riyadh.txt", "erdogan-agency.txt"),
        "- Turkish President Recep Tayyip Erdogan visited Saudi Arabia and met Mohammed bin "
        "Salman on Monday, according to the article “Erdogan begins Gulf tour in Saudi "
        "Arabia”[^1]; the state news agency[^2] also reports the visit.",
    ),
    (
        "no sender: a passive sentence, the hedge kept",
        ("engineers.txt",),
        "- Some 1,000 engineers are to be sent to the Belgorod region, according to the "
        "ministry[^1].",
    ),
    (
        "a sentence that would open with digits opens with its source",
        ("gaza.txt",),
        "- According to the ministry[^1], 250 people have been wounded.",
    ),
    (
        "a dated event takes the past tense",
        ("gaza.txt",),
        "- More than 100 Palestinians were killed in Gaza on Sunday, according to the Gaza "
        "health ministry[^2].",
    ),
    (
        "done, no date: present perfect; 'the' before a compound country and an organisation",
        ("himars.txt",),
        "- The United States has supplied 20 HIMARS launchers to Ukraine, according to the "
        "Pentagon[^1].",
    ),
    (
        "planned: the verb says so, and the date",
        ("himars.txt",),
        "- Washington plans to supply up to 18 launchers to Ukraine next year, according to "
        "officials[^2].",
    ),
    (
        "denied: the verb says so",
        ("iran-drones.txt",),
        "- Iran denied supplying drones to Russia, according to the foreign ministry[^1].",
    ),
]


@pytest.mark.parametrize(
    ("name", "chosen", "sentence"), SENTENCES, ids=[case[0] for case in SENTENCES]
)
def test_key_point_sentence(name: str, chosen: tuple[str, ...], sentence: str) -> None:
    md = stories.brief(*chosen)
    assert sentence in key_points(md)
    assert check_brief(md, stories.read) == []


# ---------------------------------------------------------------- the brief of every story
@pytest.fixture(scope="module")
def everything() -> str:
    return stories.brief()


def test_every_key_point_is_one_sourced_sentence(everything: str) -> None:
    points = key_points(everything)
    assert 0 < len(points) <= 12
    for line in points:
        assert line.startswith("- ") and line[2].isupper(), line
        assert line.endswith("."), line
        assert re.search(r"[Aa]ccording to |\[\^\d+\] (says|say|calls|puts|also)", line), line
        assert "  " not in line and " ," not in line, line
        assert "source not named" not in line and "(" not in line.replace("(NIS)", ""), line


def test_the_brief_of_every_story_passes_the_checker(everything: str) -> None:
    assert check_brief(everything, stories.read) == []


def test_headline_figures_are_not_key_points(everything: str) -> None:
    points = "\n".join(key_points(everything))
    # the tanks figure stands only in a headline: in the table, marked, never a key point
    assert "600" not in points
    assert "| China | Pakistan | tanks | vehicles | 600 | planned | the article's headline |" in (
        everything
    )
    # the body gives the headline's 400 police officers: the headline adds no row
    assert everything.count("| Kenya | Haiti |") == 2


def test_ordered_by_sources_then_size_within_a_kind(everything: str) -> None:
    points = key_points(everything)
    # facts two articles report come first: the Sudan range, Haiti, the visit
    assert [any(k in p for k in ("El Fasher", "Haiti", "Erdogan")) for p in points] == [
        True
    ] * 3 + [False] * (len(points) - 3)
    # then single-source facts take turns by kind, each kind largest first
    starts = [
        "- Some 1,000 engineers are to be sent to ",
        "- The United States has supplied 20 HIMAR",
        "- According to the ministry, 250 people h",
        "- Washington plans to supply up to 18 lau",
        "- More than 100 Palestinians were killed ",
        "- Iran denied supplying drones to Russia,",
    ]
    singles = [re.sub(r"\[\^\d+\]", "", p) for p in points[3:]]
    assert len(singles) == len(starts)
    assert all(p.startswith(start) for p, start in zip(singles, starts, strict=True)), singles


def test_key_points_stop_at_twelve() -> None:
    from llmbrief.consolidate import MAX_KEY_POINTS

    docs = stories.documents()
    many = [
        d.model_copy(
            update={"source": d.source.model_copy(update={"path": f"{i}-{d.source.path}"})}
        )
        for i in range(2)
        for d in docs
    ]
    assert MAX_KEY_POINTS == 12
    from llmbrief.render import render_brief

    md = render_brief(many, front_matter=False)
    assert len(key_points(md)) <= 12


# ---------------------------------------------------------------- phrases
WHEN = [
    ("June 17", " on June 17"),
    ("on June 17", " on June 17"),
    ("Wednesday", " on Wednesday"),
    ("July 2024", " in July 2024"),
    ("2024", " in 2024"),
    ("2025-04-30", " on 2025-04-30"),
    ("This week", " this week"),
    ("as early as July or August", " as early as July or August"),
    ("since last August", " since last August"),
    ("the past three months", " (the past three months)"),
    (None, ""),
]


@pytest.mark.parametrize(("date", "phrase"), WHEN)
def test_when_phrase(date: str | None, phrase: str) -> None:
    assert when_phrase(date) == phrase


PLACES = [
    ("Kursk region", "the Kursk region"),
    ("the Kursk region", "the Kursk region"),
    ("Gaza Strip", "the Gaza Strip"),
    ("United States", "the United States"),
    ("Philippines", "the Philippines"),
    ("Democratic Republic of the Congo", "the Democratic Republic of the Congo"),
    ("Kursk Oblast", "Kursk Oblast"),
    ("Belarus", "Belarus"),
    ("Saudi Arabia", "Saudi Arabia"),
    ("Haiti", "Haiti"),
]


@pytest.mark.parametrize(("place", "phrase"), PLACES)
def test_place_phrase(place: str, phrase: str) -> None:
    assert place_phrase(place) == phrase


# ---------------------------------------------------------------- claimants in a sentence
def _claimant_in_sentence(claimant: str, quote: str) -> str:
    from llmbrief.citations import Footnotes, Sourcing
    from llmbrief.consolidate import claims_from_documents
    from llmbrief.models import Document, Evidence, Verification

    record = (
        stories.documents("engineers.txt")[0]
        .records[0]
        .model_copy(
            update={
                "claimant": claimant,
                "evidence": [Evidence(quote=quote, start=0, end=len(quote))],
                "verification": Verification(verified=True),
            }
        )
    )
    doc = Document(source=stories.Source(path="x.txt"), records=[record])
    return Sourcing(Footnotes(None), {}).who(claims_from_documents([doc]))


CLAIMANTS = [
    ("Pentagon", "The Pentagon said 1,000 engineers.", "the Pentagon[^1]"),
    ("The Pentagon", "The Pentagon said 1,000 engineers.", "the Pentagon[^1]"),
    (
        "Prime Minister [Rishi Sunak",
        "the Prime Minister [Rishi Sunak] said so.",
        "Prime Minister Rishi Sunak[^1]",
    ),
    (
        "U.S. Department of Defense",
        "The U.S. Department of Defense said so.",
        "the U.S. Department of Defense[^1]",
    ),
    ("Reuters", "Reuters reported 1,000 engineers.", "Reuters[^1]"),
]


@pytest.mark.parametrize(("claimant", "quote", "named"), CLAIMANTS)
def test_claimant_as_a_sentence_names_them(claimant: str, quote: str, named: str) -> None:
    assert _claimant_in_sentence(claimant, quote) == named


ROLES = [
    ("Russian president", "Vladimir Putin", "Russian President Vladimir Putin"),
    ("the country's foreign minister", "Choe Son-hui", "Foreign Minister Choe Son-hui"),
    ("Russia's foreign minister", "Sergei Lavrov", "Russia's Foreign Minister Sergei Lavrov"),
    ("Security Council secretary", "Sergei Shoigu", "Security Council Secretary Sergei Shoigu"),
    (None, "Antony Blinken", "Antony Blinken"),
    (None, "kingdom’s Foreign Secretary James Cleverly", "Foreign Secretary James Cleverly"),
]


@pytest.mark.parametrize(("role", "name", "shown"), ROLES)
def test_visitor_named_with_the_office_before_the_name(
    role: str | None, name: str, shown: str
) -> None:
    from llmbrief.consolidate import claims_from_documents
    from llmbrief.sentences import visitor_name

    docs = stories.documents("erdogan-riyadh.txt")
    record = docs[0].records[0].model_copy(update={"visitor": name, "visitor_role": role})
    doc = docs[0].model_copy(update={"records": [record]})
    assert visitor_name(claims_from_documents([doc])) == shown
