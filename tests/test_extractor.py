"""llmbrief.extractor: a run's backend gets ready before its first question, and no further."""

from __future__ import annotations

import pytest

from llmbrief.config import Settings
from llmbrief.extractor import LazyBackend


def test_an_endpoints_backend_is_opened_at_once() -> None:
    lazy = LazyBackend(Settings(base_url="http://127.0.0.1:9/v1", model="m"), None, False)
    lazy.prepare()
    assert lazy.opened is not None
    assert lazy.opened.embedded is None
    assert lazy.get() is lazy.opened  # opened once


def test_a_replays_backend_is_opened_at_once() -> None:
    lazy = LazyBackend(Settings(), None, True)
    lazy.prepare()
    assert lazy.opened is not None


@pytest.mark.live
def test_the_embedded_model_loads_while_the_articles_are_parsed() -> None:
    lazy = LazyBackend(Settings(), None, False)
    assert lazy.opened is None  # nothing before the run asks
    lazy.prepare()
    assert lazy.opened is not None
    assert lazy.opened.embedded is not None
    assert lazy.get() is lazy.opened
    lazy.opened.embedded.close()
