"""The gazetteer's index (llmbrief.gazetteer_index): built from the data libraries once,
kept beside the cache database, read back by the next process."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmbrief import gazetteer_index
from llmbrief.gazetteer import country_of
from llmbrief.gazetteer_index import name_key


def test_a_name_is_keyed_by_its_casefolded_words_less_a_leading_the() -> None:
    assert name_key("the Russian Federation") == ("russian", "federation")
    assert name_key("Russia's") == ("russia",)
    assert name_key("U.S.") == ("u.s.",)
    assert name_key("Côte d’Ivoire") == ("côte", "d'ivoire")


def test_the_index_is_built_once_and_read_back_by_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMBRIEF_DB", str(tmp_path / "llmbrief.db"))
    gazetteer_index._loaded_index.cache_clear()
    try:
        built = gazetteer_index.shared_index()
        (saved,) = tmp_path.glob("gazetteer-*.pickle")
        assert saved == gazetteer_index._index_file()
        gazetteer_index._loaded_index.cache_clear()

        def no_building() -> None:
            raise AssertionError("built again although saved")

        monkeypatch.setattr(gazetteer_index, "_build_index", no_building)
        assert gazetteer_index.shared_index() == built
        assert country_of("Kyiv") == "Ukraine"
        # a damaged copy is not trusted: the index is built again and saved over it
        saved.write_bytes(b"not a pickle")
        gazetteer_index._loaded_index.cache_clear()
        monkeypatch.undo()
        monkeypatch.setenv("LLMBRIEF_DB", str(tmp_path / "llmbrief.db"))
        assert gazetteer_index.shared_index() == built
        assert saved.read_bytes() != b"not a pickle"
    finally:
        gazetteer_index._loaded_index.cache_clear()
