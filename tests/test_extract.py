"""The deterministic side of extraction: sentences, mentions, cues, record assembly."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmbrief.extract import (
    MEANINGS,
    Mention,
    build_record,
    build_visit,
    claimant_in,
    counted_words,
    countries_in,
    date_in,
    find_mentions,
    has_cue,
    merge_visits,
    number_question_model,
    place_in,
    plan_questions,
    ranked_meanings,
    ranked_statuses,
    split_sentences,
    visitor_candidates,
    window,
)
from llmbrief.models import Casualties, Deployment, DiplomaticVisit, EquipmentTransfer

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def mention_of(text: str, figure_text: str) -> Mention:
    sentences = split_sentences(text)
    for m in find_mentions(text, sentences):
        if m.figure.text == figure_text:
            return m
    raise AssertionError(
        f"{figure_text!r} not found; got {[m.figure.text for m in find_mentions(text, sentences)]}"
    )


# --- sentences ---------------------------------------------------------------


def test_sentences_keep_raw_offsets_on_every_seed() -> None:
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        for s in split_sentences(text):
            assert text[s.start : s.end] == s.text
            assert s.text == s.text.strip()


def test_line_break_inside_a_sentence_stays_inside_it() -> None:
    text = seed("004")
    hit = [s for s in split_sentences(text) if "special assignment" in s.text]
    assert len(hit) == 1
    assert hit[0].text.endswith("from Russian President Vladimir Putin.")
    assert "\n" in hit[0].text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It rained. Then it stopped.", ["It rained.", "Then it stopped."]),
        (
            "The U.K. defense intelligence said so. Fine.",
            ["The U.K. defense intelligence said so.", "Fine."],
        ),
        (
            "Headline without stop\nThe body starts here.",
            ["Headline without stop", "The body starts here."],
        ),
        ("A line that goes\non after a break.", ["A line that goes\non after a break."]),
        ("He said “no.” Then left.", ["He said “no.”", "Then left."]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_a_very_long_run_is_cut_on_spaces() -> None:
    text = "word " * 2000
    parts = split_sentences(text)
    assert len(parts) > 1
    assert all(len(p.text) <= 700 for p in parts)


# --- mentions and cues -------------------------------------------------------


def test_mentions_skip_dates_years_percent_and_durations() -> None:
    found = {m.figure.text for m in find_mentions(seed("004"), split_sentences(seed("004")))}
    assert {"up to 25,000", "thrice", "1,000", "5,000", "over 6,000"} <= found
    assert not any(t in found for t in ("2022", "three"))  # "late 2022", "three months"


@pytest.mark.parametrize(
    ("seed_name", "figure", "first", "status"),
    [
        ("004", "up to 25,000", "sent", "planned"),
        ("004", "over 6,000", "casualties", "actual"),
        ("004", "thrice", "visits", "actual"),
        ("002", "around 4,000", "killed", "actual"),
        ("002", "two", "captured", "actual"),
        ("001", "over 10 million", "supplied", "actual"),
        ("001", "up to 25,000", "sent", "possible"),
        ("001", "1,300", "other", "actual"),
    ],
)
def test_ranked_choices_put_the_cue_first(
    seed_name: str, figure: str, first: str, status: str
) -> None:
    m = mention_of(seed(seed_name), figure)
    shown = window(m, 8)
    meanings = ranked_meanings(m, shown)
    assert meanings[0] == first
    assert "other" in meanings
    assert set(meanings) <= set(MEANINGS)
    assert ranked_statuses(shown)[0] == status


def test_numbers_with_no_cue_are_not_asked_about_in_v2() -> None:
    text = seed("004")
    m = mention_of(text, "two")  # "The two nations have been strengthening their ties"
    assert not has_cue(m, window(m, 8))


def test_window_shows_the_figure_with_its_hedge() -> None:
    m = mention_of(seed("004"), "up to 25,000")
    w = window(m, 4)
    assert "up to 25,000 workers" in w
    assert len(w.split()) <= 4 + 3 + 4


# --- finders -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Pyongyang agreed to dispatch 1,000 sappers to Russia’s Kursk Oblast.",
            ["North Korea", "Russia"],
        ),
        ("The network of North Korean workers.", ["North Korea"]),
        ("Nothing here.", []),
    ],
)
def test_countries(text: str, expected: list[str]) -> None:
    assert countries_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "North Korea is planning to send up to 25,000 workers to Russia, according to various media sources.",
            "various media sources",
        ),
        (
            "The U.K. defense intelligence estimates place North Korean casualties at over 6,000.",
            "U.K. defense intelligence",
        ),
        (
            "Ukrainian estimates suggest that around 4,000 North Korean soldiers have already lost their lives in the conflict.",
            "Ukrainian estimates",
        ),
        (
            "Meanwhile, a group of 1,000 combat engineers and 5,000 workers will head to the Kursk Region.",
            None,
        ),
    ],
)
def test_claimant(text: str, expected: str | None) -> None:
    assert claimant_in(text) == expected


def test_place_date_and_counted_words() -> None:
    s = "Shoigu traveled to North Korea on June 17 and announced 1,000 sappers for Russia’s Kursk Oblast."
    assert place_in(s) == "Kursk Oblast"
    assert date_in(s) == "on June 17"
    assert counted_words(s, s.index("1,000") + len("1,000")) == "sappers"
    t = "with over 6,000 North Korean casualties reported"
    assert counted_words(t, t.index("6,000") + 5) == "North Korean casualties"


def test_visitor_candidates_name_people_not_countries() -> None:
    s = (
        "Russian Security Council Secretary Sergei Shoigu traveled to North Korea on June 17 "
        "under a special directive from President Vladimir Putin, meeting with Kim Jong Un."
    )
    # Putin (a directive from him) and Kim (meeting with him) are counterparts, not visitors
    assert visitor_candidates(s) == ["Sergei Shoigu"]
    assert visitor_candidates("Lavrov flew to Pyongyang, where he met Kim Jong Un.") == ["Lavrov"]
    both = "Sergei Lavrov and Wang Yi traveled to Pyongyang."
    assert visitor_candidates(both) == ["Sergei Lavrov", "Wang Yi"]
    assert visitor_candidates("The Russian president visited the capital of North Korea.") == [
        "The Russian president"
    ]


# --- assembly: answers become records that verify ----------------------------


@pytest.mark.parametrize(
    ("seed_name", "figure", "what", "kind", "field"),
    [
        ("004", "up to 25,000", "sent", Deployment, "count"),
        ("001", "over 10 million", "supplied", EquipmentTransfer, "quantity"),
        ("004", "over 6,000", "casualties", Casualties, "total"),
        ("002", "around 4,000", "killed", Casualties, "killed"),
        ("002", "two", "captured", Casualties, "captured"),
    ],
)
def test_build_record_verifies(
    seed_name: str, figure: str, what: str, kind: type, field: str
) -> None:
    from llmbrief.verify import verify_record

    text = seed(seed_name)
    m = mention_of(text, figure)
    record = build_record(m, figure, what, "actual", countries_in(text))
    assert isinstance(record, kind)
    assert getattr(record, field).text == figure
    checked = verify_record(record, text)
    assert checked.verification is not None
    assert checked.verification.verified, checked.verification.problems


def test_build_record_other_is_nothing() -> None:
    text = seed("001")
    m = mention_of(text, "1,300")
    assert build_record(m, "1,300", "other", "actual", countries_in(text)) is None


def test_deployment_fields() -> None:
    text = seed("001")
    m = mention_of(text, "1,000")
    r = build_record(m, "1,000", "sent", "planned", countries_in(text))
    assert isinstance(r, Deployment)
    assert (r.personnel, r.personnel_text, r.destination) == ("sappers", "sappers", "Kursk Oblast")
    assert r.receiver == "Russia"
    assert r.sender == "North Korea"


def test_the_validator_rejects_a_dropped_hedge_with_the_verifiers_reason() -> None:
    from pydantic import ValidationError

    text = seed("004")
    m = mention_of(text, "up to 25,000")
    kept: list = []
    model = number_question_model(m, text, countries_in(text), kept, figure_choice=True)
    with pytest.raises(ValidationError) as info:
        model.model_validate_json('{"figure": "25,000", "what": "sent", "status": "planned"}')
    assert "drops the hedge" in str(info.value)
    assert "up to 25,000" in str(info.value)
    ok = model.model_validate_json(
        '{"figure": "up to 25,000", "what": "sent", "status": "planned"}'
    )
    assert ok.figure == "up to 25,000"  # type: ignore[attr-defined]
    assert len(kept) == 2 and kept[-1][1].verification.verified


def test_without_figure_choice_only_the_text_as_found_is_allowed() -> None:
    text = seed("004")
    m = mention_of(text, "up to 25,000")
    model = number_question_model(m, text, countries_in(text), [], figure_choice=False)
    schema = model.model_json_schema()
    prop = schema["properties"]["figure"]
    assert prop.get("enum", [prop.get("const")]) == ["up to 25,000"]


def test_plan_questions_on_a_seed() -> None:
    questions, countries = plan_questions(seed("004"))
    kinds = [q.kind for q in questions]
    assert kinds.count("visit") >= 1
    assert countries == ["North Korea"]  # whose people the article counts


def test_visits_in_one_article_merge_into_one_record() -> None:
    text = seed("000")
    sentences = [
        s for s in split_sentences(text) if "Russian president" in s.text and "visit" in s.text
    ]
    assert len(sentences) == 2
    visits = [
        build_visit(
            s,
            "The Russian president" if s.text.startswith("The") else "the Russian president",
            "actual",
        )
        for s in sentences
    ]
    merged = merge_visits(list(visits))
    assert len(merged) == 1
    assert isinstance(merged[0], DiplomaticVisit)
    assert len(merged[0].evidence) == 2
    assert merged[0].host_country == "North Korea"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "dispatch 1,000 sappers and 5,000 military engineers to Russia’s Kursk Oblast.",
            "Kursk Oblast",
        ),
        (
            "send up to 25,000 workers to Russia, with the remaining to help in the reconstruction of the Kursk region",
            None,
        ),
        (
            "1,000 North Korean workers would be sent to the Kursk region, along with",
            "Kursk region",
        ),
        (
            "are set to join the party at the Alabuga Special Economic Zone in Tatarstan, Russia.",
            "Alabuga Special Economic Zone",
        ),
        ("The region has seen significant damage", None),
    ],
)
def test_destination_is_where_people_go_not_any_place_named(
    text: str, expected: str | None
) -> None:
    from llmbrief.extract import destination_in

    assert destination_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sent to the Kursk region", "Russia"),
        ("at the Alabuga Special Economic Zone", "Russia"),
        ("in the occupied Donetsk region", None),  # contested: not guessed
    ],
)
def test_country_of_an_undisputed_place(text: str, expected: str | None) -> None:
    from llmbrief.extract import country_of_place

    assert country_of_place(text) == expected
