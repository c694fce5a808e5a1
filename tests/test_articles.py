"""Articles: where a headline stands, and when a figure is a headline figure (table tests)."""

from __future__ import annotations

import pytest

from llmbrief.articles import articles_of, shows_number
from llmbrief.models import Document, Evidence, Source

HEADLINES = [
    (
        "a title line, then the body",
        "Kenya sends police officers to Haiti\nKenya has sent 400 officers, the ministry said.\n",
        "Kenya sends police officers to Haiti",
    ),
    (
        "a Markdown heading",
        "# Strikes kill dozens in Gaza\n\nMore than 100 people were killed.\n",
        "Strikes kill dozens in Gaza",
    ),
    (
        "blank lines first",
        "\n\n10,000 troops now in Kursk, Pentagon says\nThe Pentagon estimates 10,000.\n",
        "10,000 troops now in Kursk, Pentagon says",
    ),
    (
        "the first line is a sentence",
        "Turkish president will also visit Qatar.\n\nErdogan arrived in Riyadh on Monday.\n",
        None,
    ),
    ("a page's metadata line", "date 2024-06-19 Photo : News agency\nPutin arrived.\n", None),
    (
        "a dateline before the headline",
        " date 2022-06-23 U.S. to send more rocket launchers to Ukraine\nThe move doubles it.\n",
        "U.S. to send more rocket launchers to Ukraine",
    ),
    (
        "page furniture glued by a scraper",
        "Become a patronSupport the paperSave local media\nIran denied it.\n",
        None,
    ),
    ("a site's name, too short", "Beautiful Island News\nLula arrived in China.\n", None),
    ("nothing after it", "A single line that never ends\n", None),
]


@pytest.mark.parametrize(("name", "text", "title"), HEADLINES, ids=[h[0] for h in HEADLINES])
def test_headline_of_the_text(name: str, text: str, title: str | None) -> None:
    doc = Document(source=Source(path="a.txt"))
    article = articles_of([doc], {"a.txt": text})["a.txt"]
    assert article.title == title
    if title is not None:
        assert article.start is not None and article.end is not None
        assert text[article.start : article.end] == title


def test_headline_range_from_evidence_without_the_text() -> None:
    from llmbrief.models import Deployment

    title = "Kenya sends police officers to Haiti"
    record = Deployment(
        status="actual",
        personnel="other",
        evidence=[Evidence(quote=f"{title} Kenya has sent 400 officers.", start=0, end=70)],
    )
    doc = Document(source=Source(path="a.txt", title=title), records=[record])
    article = articles_of([doc])["a.txt"]
    assert (article.title, article.start, article.end) == (title, 0, len(title))
    assert article.in_headline(12, 18) and not article.in_headline(50, 53)


NUMBERS = [
    ("North Korea to Send Thousands of Workers to Russia", True),
    ("10,000 troops now in Kursk", True),
    ("date 2024-12-20 News Today", True),
    ("Erdogan begins Gulf tour in Saudi Arabia", False),
    ("kenya-haiti.txt", False),
    ("000_7e81adea1b9a7044.txt", True),
]


@pytest.mark.parametrize(("text", "number"), NUMBERS)
def test_shows_number(text: str, number: bool) -> None:
    assert shows_number(text) is number
