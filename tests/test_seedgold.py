"""llmbrief.seedgold: a gold file is read whole or refused with one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmbrief.errors import InputError
from llmbrief.seedgold import load_gold


def _write(tmp_path: Path, data: Any) -> Path:
    p = tmp_path / "gold.json"
    p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return p


GOOD_FIGURE = {
    "file": "a.txt",
    "kind": "deployment",
    "field": "count",
    "text": "5,000",
    "value": 5000,
    "qualifier": "exact",
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("{not json", "not valid JSON"),
        ([], "expected a JSON object"),
        ({"version": 2, "files": ["a.txt"]}, "version"),
        ({"version": 1, "files": ["a.txt"], "colour": 1}, "colour"),
        (
            {"version": 1, "files": ["a.txt"], "figures": [{**GOOD_FIGURE, "field": "killed"}]},
            "'killed' is not a figure of deployment",
        ),
        (
            {"version": 1, "files": ["a.txt"], "figures": [{**GOOD_FIGURE, "value": "5000"}]},
            "figures[0].value",
        ),
        (
            {
                "version": 1,
                "files": ["a.txt"],
                "figures": [
                    {**GOOD_FIGURE, "text": "thousands", "value": None, "qualifier": "vague"}
                ],
            },
            "'vague' must be true",
        ),
        (
            {"version": 1, "files": ["a.txt"], "figures": [{**GOOD_FIGURE, "file": "b.txt"}]},
            "'b.txt' is not in 'files'",
        ),
        ({"version": 1, "files": ["a.txt"], "figures": [GOOD_FIGURE, GOOD_FIGURE]}, "given twice"),
        (
            {
                "version": 1,
                "files": ["a.txt"],
                "visits": [{"file": "a.txt", "visitor": "X", "count": "twice"}],
            },
            "has no diplomatic_visit figure",
        ),
    ],
)
def test_bad_gold_files_are_one_line_input_errors(tmp_path: Path, data: Any, expected: str) -> None:
    p = _write(tmp_path, data)
    with pytest.raises(InputError) as info:
        load_gold(p)
    message = str(info.value)
    assert message.startswith(f"{p}: ")
    assert expected in message
    assert "\n" not in message


def test_missing_gold_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such gold file"):
        load_gold(tmp_path / "nope.json")
    with pytest.raises(InputError, match="is a folder"):
        load_gold(tmp_path)
