"""Articles read and analysed ahead of the questions asked about them.

A run takes its articles in order, and each needs its text and its analysis
before anything can be asked about it. :class:`Ahead` reads the next articles
and sends those whose analysis is not cached to the parsing process
(:mod:`llmbrief.parse_process`) before they are taken: a window of
``lookahead`` articles past the last one taken. So spaCy parses while this
process gets ready and while it waits for the model's answers, instead of
before; and however many articles a run has, only the window's are held.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from llmbrief.analysis import Parsed, cached, from_json, keep
from llmbrief.documents import read_article
from llmbrief.errors import InputError

#: Sends a text to be parsed; the future gives its analysis in the cache's JSON form.
Submit = Callable[[str], "Future[str]"]


@dataclass
class _Article:
    """One article read ahead: its text and analysis (or the analysis to come), or why not."""

    text: str = ""
    parsed: Parsed | None = None
    coming: Future[str] | None = None
    error: InputError | None = None


class Ahead:
    """The articles of a run (``paths``, in order), read and analysed ahead of :meth:`take`.

    ``store`` is the cache (None: every article is parsed, nothing is kept);
    ``submit`` sends a text to be parsed (default: this process's parsing child).
    """

    def __init__(
        self,
        paths: Sequence[str],
        store: Any,
        lookahead: int,
        submit: Submit | None = None,
    ) -> None:
        self._paths = list(paths)
        self._store = store
        self._lookahead = max(1, lookahead)
        self._submit = submit
        self._read = 0  # articles read so far
        self._articles: dict[int, _Article] = {}
        self._lock = threading.Lock()

    def start(self) -> bool:
        """Read the first window's articles. True when some of them are being parsed.

        When none of the run's articles is to be parsed, a parsing process started
        ahead of the run (:func:`llmbrief.entry.main`) is stopped, unused."""
        with self._lock:
            self._read_up_to(self._lookahead)
            parsing = any(a.coming is not None for a in self._articles.values())
            everything_read = self._read == len(self._paths)
        if not parsing and everything_read and self._submit is None:
            from llmbrief.parse_process import started_parser

            if (child := started_parser()) is not None:
                child.stop_if_unused()
        return parsing

    def take(self, i: int) -> tuple[str, Parsed]:
        """Article ``i``'s text and analysis, once it is made; :class:`InputError` when the
        file cannot be used. Each article is taken once."""
        with self._lock:
            self._read_up_to(i + 1 + self._lookahead)
            article = self._articles.pop(i)
        if article.error is not None:
            raise article.error
        if article.parsed is not None:
            return article.text, article.parsed
        assert article.coming is not None
        data = article.coming.result()
        parsed = from_json(article.text, data)
        assert parsed is not None, "the parsing process runs this analysis format"
        if self._store is not None:
            keep(article.text, data, self._store)
        return article.text, parsed

    def _read_up_to(self, end: int) -> None:
        while self._read < min(end, len(self._paths)):
            self._articles[self._read] = self._article(self._paths[self._read])
            self._read += 1

    def _article(self, path: str) -> _Article:
        try:
            text = read_article(path)  # errors name the file as the run's summary does
        except InputError as err:
            return _Article(error=err)
        parsed = cached(text, self._store) if self._store is not None else None
        if parsed is not None:
            return _Article(text, parsed)
        return _Article(text, coming=self._parse(text))

    def _parse(self, text: str) -> Future[str]:
        if self._submit is None:
            from llmbrief.parse_process import parser

            self._submit = parser().submit
        return self._submit(text)
