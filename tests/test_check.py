"""The brief checker: the citation rule on rendered and hand-edited briefs."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmbrief.check import CITATION_FORM, Violation, check_brief
from llmbrief.documents import load_documents, read_article
from llmbrief.errors import InputError
from llmbrief.models import Document
from llmbrief.render import render_brief
from llmbrief.verify import verify_document

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "records_seeds.json"

# ---------------------------------------------------------------- a small hand-made brief
SOURCE = (
    "North Korea may send up to 25,000 workers to Russia. Around 4,000 soldiers died in "
    "Geran-2 strikes.\nIt sent 1,000 sappers *and* mines.\n"
)
SOURCES = {"a.txt": SOURCE}

BRIEF = """\
---
title: "Brief 2026"
records: 3
---

# Brief for 2026

## Key points

- North Korea may send up to 25,000 workers to Russia, according to NIS[^1].
- Around 4,000 soldiers died in Geran-2 strikes[^2].

| Figure | Who | Sources |
|---|---|---|
| 1,000 | sappers | [^3] |

## About this brief

- Records: 3 extracted, 12 figures, made 2026-11-21.

## Sources

[^1]: a.txt, chars 0–51: "North Korea may send up to 25,000 workers to Russia"
[^2]: a.txt, chars 53–98: "Around 4,000 soldiers died in Geran-2 strikes"
[^3]: a.txt, chars 100–133: "It sent 1,000 sappers \\*and\\* mines"
"""
KEY_LINE = 10  # "- North Korea may send up to 25,000 workers ..."


def read_small(path: str) -> str:
    try:
        return SOURCES[path]
    except KeyError:
        raise InputError(f"{path}: no such file") from None


def messages(markdown: str) -> list[str]:
    return [str(v) for v in check_brief(markdown, read_small)]


def edit(old: str, new: str, text: str = BRIEF) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_hand_made_brief_passes() -> None:
    assert BRIEF.splitlines()[KEY_LINE - 1].startswith("- North Korea may send")
    assert check_brief(BRIEF, read_small) == []


LINE = "- North Korea may send up to 25,000 workers to Russia, according to NIS[^1]."
DEF1 = '[^1]: a.txt, chars 0–51: "North Korea may send up to 25,000 workers to Russia"'

EDITS = [
    (
        "a number changed",
        LINE,
        LINE.replace("25,000", "26,000"),
        ['10: "up to 26,000" is not in the quote of [^1]'],
    ),
    (
        "the hedge dropped",
        LINE,
        LINE.replace("up to 25,000", "25,000"),
        ['10: "25,000" is not in the quote of [^1] ([^1] has "up to 25,000")'],
    ),
    (
        "the hedge changed",
        LINE,
        LINE.replace("up to", "over"),
        ['10: "over 25,000" is not in the quote of [^1] ([^1] has "up to 25,000")'],
    ),
    (
        "a part of a number is not the number",
        LINE,
        LINE.replace("up to 25,000", "5,000"),
        ['10: "5,000" is not in the quote of [^1]'],
    ),
    (
        "digits written as words",
        LINE,
        LINE.replace("up to 25,000", "up to twenty-five thousand"),
        ['10: "up to twenty-five thousand" is not in the quote of [^1]'],
    ),
    (
        "a citation removed",
        LINE,
        LINE.replace("[^1]", ""),
        ['10: "up to 25,000" is not cited (no footnote in this paragraph)'],
    ),
    (
        "the wrong footnote cited",
        LINE,
        LINE.replace("[^1]", "[^2]"),
        ['10: "up to 25,000" is not in the quote of [^2]'],
    ),
    (
        "an undefined footnote",
        LINE,
        LINE.replace("[^1]", "[^1][^9]"),
        ["10: [^9] is not defined"],
    ),
    (
        "only an undefined footnote",
        LINE,
        LINE.replace("[^1]", "[^9]"),
        [
            "10: [^9] is not defined",
            '10: "up to 25,000" is not cited (no footnote with a quote in this paragraph)',
        ],
    ),
    (
        "a quote altered",
        DEF1,
        DEF1.replace("25,000", "26,000"),
        [
            '10: "up to 25,000" is not in the quote of [^1]',
            "23: [^1] quote is not what a.txt has at chars 0–51",
        ],
    ),
    (
        "a footnote range shifted",
        DEF1,
        DEF1.replace("0–51", "1–52"),
        ["23: [^1] quote is not what a.txt has at chars 1–52 (it is at chars 0–51)"],
    ),
    (
        "a range outside the file",
        DEF1,
        DEF1.replace("0–51", "500–551"),
        ["23: [^1] chars 500–551 are outside a.txt (135 characters)"],
    ),
    (
        "an unreadable source",
        DEF1,
        DEF1.replace("a.txt", "gone.txt"),
        ["23: [^1] cannot be checked: gone.txt: no such file"],
    ),
    (
        "a footnote that is not a citation",
        DEF1,
        "[^1]: See the NIS briefing.",
        [
            '10: "up to 25,000" is not cited (no footnote with a quote in this paragraph)',
            '23: [^1] is not a citation (expected PATH, chars START–END: "QUOTE")',
        ],
    ),
    (
        "a footnote defined twice",
        DEF1,
        DEF1 + "\n" + DEF1,
        ["24: [^1] is defined twice (also on line 23)"],
    ),
    (
        "digits outside number expressions are numbers too",
        "died in Geran-2 strikes[^2].",
        "died in Geran-3 strikes[^2].",
        ['11: "Geran-3" is not in the quote of [^2]'],
    ),
    (
        "digits inside a name are checked as the whole name",
        "died in Geran-2 strikes[^2].",
        "died in Geran-2s strikes[^2].",
        ['11: "Geran-2s" is not in the quote of [^2]'],
    ),
    (
        "a heading is not exempt",
        "## Key points",
        "## Key points for 2026",
        ['8: "2026" is not cited (no footnote in this heading)'],
    ),
    (
        "a table cell changed",
        "| 1,000 | sappers | [^3] |",
        "| 1,500 | sappers | [^3] |",
        ['15: "1,500" is not in the quote of [^3]'],
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), EDITS, ids=[e[0] for e in EDITS])
def test_edits_that_break_the_rule(name: str, old: str, new: str, expected: list[str]) -> None:
    assert messages(edit(old, new)) == expected


REWORDINGS = [
    ("reworded sentence", LINE, "- Up to 25,000 North Korean workers could go to Russia[^1]."),
    ("numbers of footnote labels", LINE, LINE.replace("[^1]", "[^1][^2]")),
    ("curly quotes and dashes", "in Geran-2 strikes[^2]", "in “Geran–2” strikes[^2]"),
    ("numbers in About", "made 2026-11-21.", "made 2026-11-21, 99 claims."),
    ("numbers in the title", "# Brief for 2026", "# Brief for 2026 (issue 7)"),
    ("no numbers, no refs", LINE, "- North Korea may send workers to Russia."),
    ("case does not matter", "- Around 4,000", "- AROUND 4,000"),
]


@pytest.mark.parametrize(("name", "old", "new"), REWORDINGS, ids=[e[0] for e in REWORDINGS])
def test_edits_that_keep_the_rule(name: str, old: str, new: str) -> None:
    assert messages(edit(old, new)) == []


def test_source_errors_are_violations_not_crashes() -> None:
    def broken(path: str) -> str:
        raise OSError("disk on fire")

    def undecodable(path: str) -> str:
        return b"\xff".decode("utf-8")

    for reader in (broken, undecodable):
        found = check_brief(BRIEF, reader)
        assert [v.line for v in found] == [23, 24, 25]
        assert all("cannot be checked: a.txt: " in v.message for v in found)


def test_violation_formats() -> None:
    v = Violation(12, '"5,000" is not in the quote of [^4]')
    assert v.format("out/brief.md") == 'out/brief.md:12: "5,000" is not in the quote of [^4]'
    assert v.format() == 'brief.md:12: "5,000" is not in the quote of [^4]'
    assert str(v) == '12: "5,000" is not in the quote of [^4]'


def test_front_matter_is_exempt_only_when_closed() -> None:
    assert check_brief("---\ntitle: 2026\n---\n", read_small) == []
    assert check_brief("---\ntitle: 2026\n...\n", read_small) == []
    # unclosed, it is a rule and a paragraph, as any Markdown renderer shows it
    assert messages("---\ntitle: 2026\n") == [
        '2: "2026" is not cited (no footnote in this paragraph)'
    ]


# ---------------------------------------------------------------- rendered briefs
def _read(path: str) -> str:
    return read_article(REPO / path)


def _verified() -> list[Document]:
    return [verify_document(d, _read(d.source.path)) for d in load_documents(FIXTURE)]


VERIFIED = _verified()
SOURCE_TEXTS = {d.source.path: _read(d.source.path) for d in VERIFIED}
WHEN = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def seeds_brief() -> str:
    return render_brief(VERIFIED, title="Brief", generated_at=WHEN, sources=SOURCE_TEXTS)


def test_rendered_seeds_brief_passes(seeds_brief: str) -> None:
    assert check_brief(seeds_brief, _read) == []


def _line_of(text: str, needle: str) -> int:
    (n,) = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return n


def test_edits_of_the_seeds_brief(seeds_brief: str) -> None:
    troops = (
        "North Korea has sent around 12,000 troops, according to the article “Zelensky's "
        "Strategic Move: Leveraging North Korean Soldiers Amidst Rising Tensions”[^16]."
    )
    thrice = (
        "and thrice in the past three months, according to the article “North Korea to Send "
        "Thousands of Workers to Russia for Drone Production and Kursk Reconstruction”[^7][^11]."
    )
    edited = seeds_brief.replace(troops, troops.replace("12,000", "13,000")).replace(
        thrice, thrice.replace("[^7][^11]", "")
    )
    line = _line_of(edited, "and thrice in")
    assert [v.format() for v in check_brief(edited, _read)] == [
        f'brief.md:{line}: "thrice" is not in the quote of [^5]',
        f'brief.md:{line}: "three" is not in the quote of [^5]',
        f'brief.md:{line}: "Thousands" is not in the quote of [^5]',
        f'brief.md:{_line_of(edited, "around 13,000 troops")}: "around 13,000" is not in the '
        "quote of [^16]",
    ]


def test_seeds_brief_without_source_texts_passes() -> None:
    # Footnotes then quote the recorded evidence (a space where the source has a line break).
    assert check_brief(render_brief(VERIFIED), _read) == []


RECORD_KEYS = [(d, r) for d, doc in enumerate(VERIFIED) for r in range(len(doc.records))]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(RECORD_KEYS)), st.booleans())
def test_every_rendered_subset_passes(keys: set[tuple[int, int]], with_sources: bool) -> None:
    docs = [
        doc.model_copy(update={"records": [r for j, r in enumerate(doc.records) if (i, j) in keys]})
        for i, doc in enumerate(VERIFIED)
    ]
    md = render_brief(docs, generated_at=WHEN, sources=SOURCE_TEXTS if with_sources else None)
    assert check_brief(md, _read) == []


@pytest.mark.parametrize(
    "kind", ["deployment", "equipment_transfer", "casualties", "diplomatic_visit"]
)
def test_each_kind_alone_passes(kind: str) -> None:
    docs = [
        doc.model_copy(update={"records": [r for r in doc.records if r.kind == kind]})
        for doc in VERIFIED
    ]
    md = render_brief(docs, sources=SOURCE_TEXTS)
    assert f"## {kind.replace('_', ' ').capitalize()}" in md.replace(
        "Equipment transfers", "Equipment transfer"
    )
    assert check_brief(md, _read) == []


# ---------------------------------------------------------------- Markdown, not lines
def reflow(markdown: str, width: int = 40) -> str:
    """The brief as an editor's Markdown editor might save it: paragraphs, list items and
    footnote definitions wrapped at ``width`` (tables, headings and front matter kept)."""
    import textwrap

    out: list[str] = []
    in_front = False
    for i, line in enumerate(markdown.splitlines()):
        if line.strip() == "---" and (i == 0 or in_front):
            in_front = i == 0
            out.append(line)
            continue
        if in_front or not line.strip() or line.startswith(("#", "|")):
            out.append(line)
            continue
        indent = "  " if line.startswith("- ") else "    " if line.startswith("[^") else ""
        wrapped = textwrap.wrap(
            line, width, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False
        )
        out.extend(wrapped)
    return "\n".join(out) + "\n"


def _footnotes_reordered(markdown: str) -> str:
    lines = markdown.splitlines()
    defs = [i for i, line in enumerate(lines) if line.startswith("[^")]
    assert len(defs) > 2
    reordered = [lines[i] for i in reversed(defs)]
    for i, line in zip(defs, reordered, strict=True):
        lines[i] = line
    return "\n".join(lines) + "\n"


def test_reflowed_brief_passes_and_a_number_split_from_its_footnote_is_cited() -> None:
    flowed = reflow(BRIEF, 30)
    assert flowed != BRIEF
    # the key point's number and its footnote reference now stand on different lines
    lines = flowed.splitlines()
    number_line = lines.index("  25,000 workers to Russia,")
    assert lines[number_line + 1] == "  according to NIS[^1]."
    assert check_brief(flowed, read_small) == []


def test_reflowed_seeds_brief_passes_and_fails_when_a_figure_is_edited(seeds_brief: str) -> None:
    flowed = reflow(seeds_brief)
    assert len(flowed.splitlines()) > len(seeds_brief.splitlines()) + 20
    assert check_brief(flowed, _read) == []
    # edit one figure of a key point, then reflow: the violation names the line it is on
    key_points = seeds_brief.split("## Key points", 1)[1].split("\n## ", 1)[0]
    old = next(m.group() for m in re.finditer(r"\b\d{1,3},\d{3}\b", key_points))
    new = str(int(old.replace(",", "")) + 1000)
    new = f"{new[:-3]},{new[-3:]}"
    edited = reflow(seeds_brief.replace(key_points, key_points.replace(old, new, 1)))
    found = check_brief(edited, _read)
    assert len(found) == 1, found
    assert f'{new}" is not in the quote' in found[0].message
    assert new in edited.splitlines()[found[0].line - 1]


def test_reordered_footnotes_pass_and_still_check_their_quotes(seeds_brief: str) -> None:
    shuffled = _footnotes_reordered(seeds_brief)
    assert shuffled != seeds_brief
    assert check_brief(shuffled, _read) == []
    assert check_brief(_footnotes_reordered(BRIEF), read_small) == []
    broken = _footnotes_reordered(edit(DEF1, DEF1.replace("25,000", "26,000")))
    assert any("[^1] quote is not what a.txt has" in m for m in messages(broken))


TABLE = """
| Figure | Source |
|---|---|
| up to 25,000 workers | [^1] |
| around 4,000 soldiers | [^2] |
"""


def test_a_table_added_is_checked_row_by_row() -> None:
    with_table = BRIEF.replace("## About this brief", TABLE + "\n## About this brief")
    assert check_brief(with_table, read_small) == []
    wrong = with_table.replace(
        "| around 4,000 soldiers | [^2] |", "| around 4,000 soldiers | [^1] |"
    )
    row = wrong.splitlines().index("| around 4,000 soldiers | [^1] |") + 1
    assert messages(wrong) == [f'{row}: "around 4,000" is not in the quote of [^1]']
    uncited = with_table.replace("| up to 25,000 workers | [^1] |", "| up to 25,000 workers | |")
    row = uncited.splitlines().index("| up to 25,000 workers | |") + 1
    assert messages(uncited) == [
        f'{row}: "up to 25,000" is not cited (no footnote in this table row)'
    ]


MARKDOWN_FORMS = [
    ("emphasis around a figure", LINE, LINE.replace("up to 25,000", "**up to 25,000**")),
    ("an escaped character", "according to NIS", "according to NIS \\*"),
    ("a setext heading for About", "## About this brief\n", "About this brief\n----------------\n"),
    (
        "a reference-style definition on two lines",
        DEF1,
        DEF1.replace(" to Russia", "\n    to Russia"),
    ),
    ("a definition indented", DEF1, "  " + DEF1),
    ("a numbered list", "- Around 4,000", "1. Around 4,000"),
]


@pytest.mark.parametrize(("name", "old", "new"), MARKDOWN_FORMS, ids=[e[0] for e in MARKDOWN_FORMS])
def test_markdown_forms_that_render_the_same_pass(name: str, old: str, new: str) -> None:
    assert messages(edit(old, new)) == []


def test_numbers_shown_in_code_are_checked_and_html_comments_too() -> None:
    assert messages(BRIEF + "\n`99 troops`\n") == [
        f'{len(BRIEF.splitlines()) + 2}: "99" is not cited (no footnote in this paragraph)'
    ]
    fenced = BRIEF.replace("## About", "```\n77 units\n```\n\n## About")
    line = fenced.splitlines().index("77 units") + 1
    assert messages(fenced) == [f'{line}: "77" is not cited (no footnote in this code block)']


def test_an_empty_definition_does_not_swallow_the_next_paragraph() -> None:
    brief = BRIEF + "\n[^7]:\n\nAnd 12 more[^2].\n"
    lines = brief.splitlines()
    assert messages(brief) == [
        f"{lines.index('[^7]:') + 1}: [^7] is not a citation (expected {CITATION_FORM})",
        f'{lines.index("And 12 more[^2].") + 1}: "12" is not in the quote of [^2]',
    ]
