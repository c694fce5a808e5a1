"""The live path: the real embedded Gemma model, no cassette (marked ``live``).

These keep the embedded backend honest while the cassettes stay green: CI
installs the ``local`` extra and runs them. Each takes a few seconds on 2 cores.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmbrief.config import resolve_settings
from llmbrief.pipeline import extract_paths
from llmbrief.store import Store

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parent.parent


def test_embedded_model_answers_a_grammar_constrained_request() -> None:
    import httpx2

    from llmbrief.llm import EmbeddedModel, local_model_path

    model = EmbeddedModel(local_model_path(resolve_settings({})))
    schema = {
        "type": "object",
        "properties": {"what": {"enum": ["sent", "other"]}},
        "required": ["what"],
    }
    body = {
        "model": "gemma",
        "messages": [{"role": "user", "content": "Text: Cuba sent 30 doctors.\nAnswer in JSON."}],
        "temperature": 0,
        "max_tokens": 16,
        "response_format": {"type": "json_object", "schema": schema},
    }
    req = httpx2.Request("POST", "http://llmbrief.local/v1/chat/completions", json=body)
    resp = model.handle(req)
    assert resp.status_code == 200
    data = resp.json()
    answer = json.loads(data["choices"][0]["message"]["content"])
    assert answer["what"] in ("sent", "other")
    assert data["usage"]["completion_tokens"] > 0


def test_live_extraction_of_a_seed_finds_its_figures(in_repo: Path) -> None:
    settings = resolve_settings({"no_cache": True})
    result = extract_paths(["seeds/004_49bd2bcecccfd8d8.txt"], settings)
    assert not result.failed, result.failed
    (doc,) = result.documents
    texts = {
        getattr(r, f).text
        for r in doc.records
        for f in ("count", "quantity", "total", "killed", "captured")
        if getattr(r, f, None) is not None and r.verification and r.verification.verified
    }
    # The figures a reader of seed 004 must get, each verified against the source.
    assert {"up to 25,000", "over 6,000", "thrice"} <= texts
    assert result.usage["calls"] > 0
    calls = Store(settings.db_path).latest_calls(100)
    assert calls and all(c.status == "200" for c in calls)
    assert all(c.backend == "local" for c in calls)
