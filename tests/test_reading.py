"""llmbrief.reading: every number of an article worth a question, with its attachment."""

from __future__ import annotations

import pytest

from llmbrief.analysis import Parsed, parse_many
from llmbrief.reading import MAX_SHOWN_CHARS, NumberReading, find_numbers, read_numbers

ARTICLE = (
    "Sudan's army said on Tuesday that 2,000 people were killed and 2,700 wounded in El Fasher "
    "in May.\n"
    "Egypt will deliver 30 trucks to Sudan within three months, officials said.\n\n"
    "The aid agency reported on Monday.\n"
    "It said 41 children were killed in Gaza.\n"
    "Germany delivered 18 Leopard tanks to Kyiv."
)
LONG = (
    "In a long statement that went over the history of the conflict, the donors conference, " * 8
    + "Japan gave 5 radars to the Philippines, "
    + "and the statement then went on about the weather and the harvest and the markets, " * 8
    + "officials said."
)

FIND = [
    ("Ukraine has lost 30 percent of its Patriot interceptors.", []),
    ("Niger expelled 1,500 French soldiers in 2023.", ["1,500"]),
    ("Egypt will deliver 30 trucks to Sudan within three months.", ["30"]),
    ("On 12 March Chad sent 500 soldiers to Niger.", ["500"]),
    ("North Korea may send up to 5,000 workers to Russia.", ["up to 5,000"]),
    ("The strike left 2,000 killed and 2,700 wounded.", ["2,000", "2,700"]),
    ("The war has lasted two years.", []),
    # a measure of each thing is no count of things
    ("Israel received 1,800 2,000-pound bombs and 500 155-millimeter shells.",
     ["1,800", "500"]),
    ("The missile flies at 2.8 Mach; Chile bought 12 boats that make 30 knots.", ["12"]),
]  # fmt: skip

READ = [
    # a number inside a name is no figure; a place before a number does not make one
    ("Poland will send 14 Leopard 2 tanks and 30 Rosomak 4 vehicles to Ukraine.",
     ["14", "30"]),
    ("The missile flies at Mach 2.8 and Chile bought 12 of them.", ["12"]),
    ("Germany delivered Kyiv 40 tanks.", ["40"]),
    ("The envoy has been to South Korea thrice this year.", ["thrice"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "figures"), READ)
def test_read_numbers_leaves_out_names(text: str, figures: list[str]) -> None:
    (p,) = parse_many([text])
    assert [r.figure.text for r in read_numbers(text, p)] == figures


@pytest.fixture(scope="module")
def parsed() -> dict[str, Parsed]:
    texts = [ARTICLE, LONG]
    return dict(zip(texts, parse_many(texts), strict=True))


@pytest.fixture(scope="module")
def readings(parsed: dict[str, Parsed]) -> list[NumberReading]:
    return read_numbers(ARTICLE, parsed[ARTICLE])


@pytest.mark.parametrize(("text", "figures"), FIND)
def test_find_numbers(text: str, figures: list[str]) -> None:
    assert [f.text for f in find_numbers(text)] == figures


def test_readings_in_text_order(readings: list[NumberReading]) -> None:
    assert [r.figure.text for r in readings] == ["2,000", "2,700", "30", "41", "18"]
    starts = [r.figure.start for r in readings]
    assert starts == sorted(starts)


@pytest.mark.parametrize(
    ("figure", "meaning", "status", "claimant", "date"),
    [
        ("2,000", "killed", "actual", "Sudan's army", ...),  # date shared by conjuncts: unchecked
        ("2,700", "wounded", "actual", "Sudan's army", "in May"),
        ("30", "supplied", "planned", "officials", None),
        ("41", "killed", "actual", "aid agency", None),
        ("18", "supplied", "actual", None, None),
    ],
)
def test_attachments(
    readings: list[NumberReading],
    figure: str,
    meaning: str,
    status: str,
    claimant: str | None,
    date: object,
) -> None:
    (r,) = [r for r in readings if r.figure.text == figure]
    a = r.attachment
    assert a.meanings[0] == meaning
    assert a.statuses[0] == status
    assert (a.claimants[0].text if a.claimants else None) == claimant
    if date is not ...:
        assert (a.date.text if a.date else None) == date


def test_evidence_is_the_sentence(readings: list[NumberReading]) -> None:
    for r in readings:
        if r.attachment.claimant_sentence is None:
            assert r.evidence == r.sentence
        a, b = r.sentence
        assert a <= r.figure.start < r.figure.end <= b


def test_evidence_takes_in_the_claimant_sentence(readings: list[NumberReading]) -> None:
    (r,) = [r for r in readings if r.figure.text == "41"]
    assert r.attachment.claimant_sentence is not None
    a, b = r.evidence
    assert ARTICLE[a:b].strip() == (
        "The aid agency reported on Monday.\nIt said 41 children were killed in Gaza."
    )
    assert r.sentence[0] > a and r.sentence[1] == b


def test_shown_is_the_sentence(readings: list[NumberReading]) -> None:
    for r in readings:
        assert r.shown(ARTICLE) == ARTICLE[r.sentence[0] : r.sentence[1]]


def test_long_sentence_is_cut_around_the_number(parsed: dict[str, Parsed]) -> None:
    (r,) = read_numbers(LONG, parsed[LONG])
    shown = r.shown(LONG)
    assert len(shown) <= MAX_SHOWN_CHARS < r.sentence[1] - r.sentence[0]
    assert "Japan gave 5 radars" in shown
    assert shown in LONG
