"""The renderer: verified records → the Markdown brief.

The seeds brief is compared byte for byte with the reviewed snapshot
``tests/snapshots/brief_seeds.md``. After an intended change, regenerate it
with ``LLMBRIEF_UPDATE_SNAPSHOTS=1 pytest tests/test_render.py``, then read
the diff as an editor would before keeping it.
"""

from __future__ import annotations

import os
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from llmbrief.documents import load_documents, read_article
from llmbrief.models import Document, Source, Verification
from llmbrief.render import render_brief
from llmbrief.verify import verify_document

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "records_seeds.json"
SNAPSHOT = REPO / "tests" / "snapshots" / "brief_seeds.md"
GENERATED_AT = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
TITLE = "North Korea's support for Russia's war"


def read_source(path: str) -> str:
    """Source paths in records are relative to the repository root."""
    return read_article(REPO / path)


def verified_seeds() -> tuple[list[Document], dict[str, str]]:
    docs = load_documents(FIXTURE)
    sources = {d.source.path: read_source(d.source.path) for d in docs}
    return [verify_document(d, sources[d.source.path]) for d in docs], sources


@pytest.fixture(scope="module")
def seeds() -> tuple[list[Document], dict[str, str]]:
    return verified_seeds()


@pytest.fixture(scope="module")
def brief(seeds: tuple[list[Document], dict[str, str]]) -> str:
    docs, sources = seeds
    return render_brief(docs, title=TITLE, generated_at=GENERATED_AT, sources=sources)


def section(markdown: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert m is not None, f"no section {title!r}"
    return m.group(1)


# ---------------------------------------------------------------- the fixture itself
def test_fixture_verifies_except_the_two_planted_errors(
    seeds: tuple[list[Document], dict[str, str]],
) -> None:
    docs, _ = seeds
    records = [r for d in docs for r in d.records]
    assert {r.kind for r in records} == {
        "deployment",
        "equipment_transfer",
        "casualties",
        "diplomatic_visit",
    }
    failed = [
        (p.field, p.text, p.status)
        for r in records
        if r.verification is not None and not r.verification.verified
        for p in r.verification.problems
    ]
    assert failed == [
        ("quantity", "10 million", "qualifier_mismatch"),
        ("count", "up to 30,000", "not_in_source"),
    ]


# ---------------------------------------------------------------- snapshot
def test_seeds_brief_matches_reviewed_snapshot(brief: str) -> None:
    if os.environ.get("LLMBRIEF_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(brief, encoding="utf-8", newline="\n")
    assert brief == SNAPSHOT.read_text(encoding="utf-8")


def test_same_input_same_bytes(seeds: tuple[list[Document], dict[str, str]], brief: str) -> None:
    docs, sources = seeds
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    again = render_brief(shuffled, title=TITLE, generated_at=GENERATED_AT, sources=sources)
    assert again == brief


# ---------------------------------------------------------------- content
def test_only_verified_records_are_shown(brief: str) -> None:
    assert "30,000" not in brief
    body = brief.split("## About this brief")[0]
    assert "| over 10 million |" in body
    assert not re.search(r"(?<!over )10 million", body)


def test_hedges_and_number_words_kept_as_written(brief: str) -> None:
    key_points = section(brief, "Key points")
    # a number word that opened its source sentence is not capitalised inside ours
    for text in ("up to 25,000", "twenty-five thousand", "Over 6,000", "thrice", "around 12,000"):
        assert text in key_points
    assert "| Twenty-five thousand |" in section(brief, "Deployments")  # tables: as written


def test_status_is_worded_honestly(brief: str) -> None:
    key_points = section(brief, "Key points")
    assert "- North Korea plans to send up to 25,000 workers" in key_points
    assert "[^2] says it may send up to 25,000 laborers to support drone production" in key_points
    assert "- North Korea has sent around 12,000 troops" in key_points
    assert "North Korea may send more troops to Russia as early as July or August" in key_points


def test_attribution_in_the_same_sentence(brief: str) -> None:
    lines = section(brief, "Key points").strip().split("\n\n")[0].splitlines()
    assert all(re.search(r"[Aa]ccording to ", line) for line in lines)
    assert "source not named" not in brief
    assert (
        "North Korea may send more troops to Russia as early as July or August, according to "
        "South Korea’s National Intelligence Service (NIS)[^14]" in brief
    )
    # a claimant whose head noun is plural takes a plural verb
    assert "unnamed diplomatic sources cited by NHK[^15] say it may send" in brief
    # nobody named: the article is named by its headline
    assert (
        "- Around 4,000 North Korean soldiers have been killed, according to Ukrainian "
        "estimates[^17]." in brief
    )
    assert (
        "- North Korea has sent around 12,000 troops, according to the article “Zelensky's "
        "Strategic Move: Leveraging North Korean Soldiers Amidst Rising Tensions”[^16]."
    ) in brief


def test_one_group_described_differently_is_one_key_point(brief: str) -> None:
    key_points = section(brief, "Key points")
    assert (
        "- North Korea plans to send 5,000 military engineers to Russia’s Kursk Oblast, "
        "according to Sergei Shoigu[^5]; the article “Revved-Up Drone Wars: Russia's Unmanned "
        "Assault on Ukraine Gets a Boost from North Korea”[^6] calls them military builders; "
        "the article “North Korea to Send Thousands of Workers to Russia for Drone Production "
        "and Kursk Reconstruction”[^7][^8] calls them workers."
    ) in key_points
    assert len(re.findall(r"(?<![\d,])5,000", key_points)) == 1


def test_one_visit_with_all_its_sources_and_dates(brief: str) -> None:
    key_points = section(brief, "Key points")
    assert key_points.count("Shoigu visited") == 1
    assert (
        "- Russian Security Council Secretary Sergei Shoigu visited North Korea and met Kim Jong "
        "Un on June 17, according to the article “North Korea to Send More Troops to Russia, "
        "Expanding Military Ties”[^5], and thrice in the past three months, according to the "
        "article “North Korea to Send Thousands of Workers to Russia for Drone Production and "
        "Kursk Reconstruction”[^7][^11]."
    ) in key_points


def test_discrepancies_name_each_side_with_refs(brief: str) -> None:
    text = section(brief, "Discrepancies")
    assert "1,000 sappers (according to Sergei Shoigu[^5])" in text
    assert "1,000 North Korean workers (according to Sergei Shoigu[^6])" in text
    assert "**Different measures, not conflicting figures:**" in text
    assert "around 4,000 killed among North Korean soldiers" in text
    assert "over 6,000 North Korean casualties" in text


def test_footnote_quotes_are_raw_slices(
    seeds: tuple[list[Document], dict[str, str]], brief: str
) -> None:
    _, sources = seeds
    for m in re.finditer(r'^\[\^\d+\]: (\S+), chars (\d+)–(\d+): "(.*)"$', brief, re.M):
        raw = sources[m[1]][int(m[2]) : int(m[3])]
        assert m[4] == re.sub(r"\s+", " ", raw)


def test_about_counts_what_was_left_out(brief: str) -> None:
    about = section(brief, "About this brief")
    assert "- Articles: 5 read." in about
    assert (
        "- Records: 28 extracted, 26 verified and shown, 2 left out (2 failed verification)."
        in about
    )
    assert "- Figures: 17 verified, 2 rejected." in about
    assert "model hand-built test fixture (backend none), prompt extract v1" in about


def test_front_matter_is_valid_yaml(brief: str) -> None:
    _, front, _ = brief.split("---\n", 2)
    data = yaml.safe_load(front)
    assert data["title"] == TITLE
    assert data["date"] == "2026-11-21T10:00:00Z"
    assert (data["articles"], data["records"], data["records_shown"]) == (5, 28, 26)
    assert (data["figures_verified"], data["figures_rejected"]) == (17, 2)
    assert data["prompt_version"] == "extract v1"


def test_missing_sources_are_counted_and_their_records_left_out(
    seeds: tuple[list[Document], dict[str, str]],
) -> None:
    docs, sources = seeds
    missing = ["seeds/002_e8782edaaa53b61e.txt", "seeds/999_gone.txt"]
    md = render_brief(docs, missing_sources=missing, sources=sources, front_matter=False)
    assert "around 12,000" not in md
    assert "- Articles: 4 read, 2 could not be read (seeds/002_e8782edaaa53b61e.txt, " in md
    assert "3 from articles that could not be read" in md


def test_unverified_documents_show_nothing_but_are_counted() -> None:
    docs = load_documents(FIXTURE)  # no verification at all
    md = render_brief(docs, front_matter=False)
    assert "No verified records to report." in md
    assert "## Sources" not in md
    assert "- Records: 28 extracted, 0 verified and shown, 28 left out (28 not verified)." in md
    assert "- Figures: 0 verified, 0 rejected, 19 not checked." in md


def test_empty_input() -> None:
    md = render_brief([], front_matter=False)
    assert md.startswith("# News brief\n\n## Key points\n\nNo verified records to report.\n")


def test_without_source_texts_footnotes_use_recorded_quotes(
    seeds: tuple[list[Document], dict[str, str]],
) -> None:
    docs, _ = seeds
    md = render_brief(docs)
    assert "special assignment from Russian President Vladimir Putin" in md


def test_markdown_escaping_keeps_tables_and_text_intact() -> None:
    record = verified_seeds()[0][1].records[0]
    odd = record.model_copy(update={"claimant": "A | B *C* [x] <y> snake_case _z_"})
    doc = Document(source=Source(path="seeds/001_30892ed7a3a68922.txt"), records=[odd])
    md = render_brief([doc], front_matter=False)
    assert r"A \| B \*C\* \[x\] \<y\> snake_case \_z\_" in md
    assert_markdown_well_formed(md)


def test_record_without_verification_offsets_is_left_out() -> None:
    docs, _ = verified_seeds()
    record = docs[1].records[0]
    stripped = record.model_copy(
        update={"evidence": [e.model_copy(update={"start": None}) for e in record.evidence]}
    )
    assert isinstance(stripped.verification, Verification)
    doc = Document(source=docs[1].source, records=[stripped])
    md = render_brief([doc], front_matter=False)
    assert "No verified records to report." in md


# ---------------------------------------------------------------- Markdown
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(footnote_plugin).use(front_matter_plugin)


def _inline_tokens(tokens: list[Token]) -> list[Token]:
    return [c for t in tokens if t.children for c in t.children]


def assert_markdown_well_formed(markdown: str) -> None:
    env: dict[str, object] = {}
    tokens = _parser().parse(markdown, env)
    # Every footnote reference resolves to a definition, and none is left as text.
    footnotes = env.get("footnotes", {})
    assert isinstance(footnotes, dict)
    defined = {k.lstrip(":") for k in footnotes.get("refs", {})}
    refs = [t.meta["label"] for t in _inline_tokens(tokens) if t.type == "footnote_ref"]
    assert set(refs) <= defined
    assert set(re.findall(r"\[\^(\d+)\]", markdown)) == defined
    texts = [t.content for t in _inline_tokens(tokens) if t.type == "text"]
    assert not [t for t in texts if "[^" in t]
    # Every table row has as many cells as its header, in the tokens and in the text.
    row_cells: list[int] = []
    for t in tokens:
        if t.type == "tr_open":
            row_cells.append(0)
        elif t.type in ("th_open", "td_open"):
            row_cells[-1] += 1
        elif t.type == "table_close":
            assert len(set(row_cells)) == 1, row_cells
            row_cells = []
    for block in re.findall(r"(?:^\|.*\|\n)+", markdown, re.M):
        widths = {len(re.split(r"(?<!\\)\|", line)) for line in block.splitlines()}
        assert len(widths) == 1, block


def test_brief_is_well_formed_markdown(brief: str) -> None:
    assert_markdown_well_formed(brief)
    tokens = _parser().parse(brief)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        TITLE,
        "Key points",
        "Deployments",
        "Equipment transfers",
        "Casualties",
        "Diplomatic visits",
        "Discrepancies",
        "Sources",  # brief.md's order: Sources, then About this brief
        "About this brief",
    ]
    assert sum(1 for t in tokens if t.type == "table_open") == 4
    # one per evidence span, and one per headline that shows a number and names an article
    assert sum(1 for t in tokens if t.type == "footnote_open") == 21
