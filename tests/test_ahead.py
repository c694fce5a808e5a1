"""Articles read and analysed ahead: the cache first, a window ahead, errors per article."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import pytest

from llmbrief.ahead import Ahead
from llmbrief.analysis import analyse, parse_many, to_json
from llmbrief.errors import InputError
from llmbrief.store import Store

TEXTS = [f"Chad sent {100 + i} soldiers to Niger in May." for i in range(5)]


class Parser:
    """A stand-in for the parsing child: parses here, and counts what it was sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def submit(self, text: str) -> Future[str]:
        self.sent.append(text)
        fut: Future[str] = Future()
        fut.set_result(to_json(parse_many([text])[0]))
        return fut


@pytest.fixture
def articles(tmp_path: Path) -> list[str]:
    paths = []
    for i, text in enumerate(TEXTS):
        p = tmp_path / f"{i}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    return paths


def test_uncached_articles_are_parsed_and_kept(articles: list[str], tmp_path: Path) -> None:
    store = Store(tmp_path / "cache.db")
    parser = Parser()
    ahead = Ahead(articles, store, lookahead=8, submit=parser.submit)
    assert ahead.start()
    assert parser.sent == TEXTS
    for i, text in enumerate(TEXTS):
        got_text, parsed = ahead.take(i)
        assert got_text == text
        assert parsed == parse_many([text])[0]
        assert analyse(text, store) == parsed  # kept: from the cache now


def test_cached_articles_are_not_parsed(articles: list[str], tmp_path: Path) -> None:
    store = Store(tmp_path / "cache.db")
    for text in TEXTS:
        analyse(text, store)
    parser = Parser()
    ahead = Ahead(articles, store, lookahead=8, submit=parser.submit)
    assert not ahead.start()
    assert [ahead.take(i)[1] for i in range(5)] == [analyse(t, store) for t in TEXTS]
    assert parser.sent == []


def test_without_a_store_every_article_is_parsed(articles: list[str]) -> None:
    parser = Parser()
    ahead = Ahead(articles, None, lookahead=8, submit=parser.submit)
    assert ahead.start()
    assert [ahead.take(i)[0] for i in range(5)] == TEXTS
    assert parser.sent == TEXTS


def test_articles_are_read_a_window_ahead(articles: list[str]) -> None:
    parser = Parser()
    ahead = Ahead(articles, None, lookahead=2, submit=parser.submit)
    ahead.start()
    assert len(parser.sent) == 2
    ahead.take(0)
    assert len(parser.sent) == 3  # the one taken and two past it
    ahead.take(1)
    ahead.take(2)
    assert len(parser.sent) == 5


def test_an_unreadable_article_fails_alone(articles: list[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "gone.txt")
    parser = Parser()
    ahead = Ahead([articles[0], missing, articles[1]], None, lookahead=8, submit=parser.submit)
    ahead.start()
    with pytest.raises(InputError, match=r"gone\.txt: no such file"):
        ahead.take(1)
    assert ahead.take(2)[0] == TEXTS[1]
    assert ahead.take(0)[0] == TEXTS[0]
    assert parser.sent == [TEXTS[0], TEXTS[1]]


def test_a_parsing_process_started_ahead_stops_when_no_article_needs_it(
    articles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from llmbrief import parse_process
    from llmbrief.parse_process import ParseProcess

    store = Store(tmp_path / "cache.db")
    for text in TEXTS:
        analyse(text, store)
    child = ParseProcess([sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(parse_process, "_parser", child)
    try:
        child.start()  # as llmbrief.entry.main starts it
        assert not Ahead(articles, store, lookahead=2).start()
        assert child.pid is not None  # articles past the window may still need it
        assert not Ahead(articles, store, lookahead=8).start()
        assert child.pid is None  # every article read, all cached: stopped unused
    finally:
        child.close()
