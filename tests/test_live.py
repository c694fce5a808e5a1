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


def _seed_requests() -> list[dict[str, object]]:
    """Requests the brief of the seeds sends, as the seeds' cassette recorded them."""
    import yaml

    data = yaml.load(
        (ROOT / "cassettes" / "seeds.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader
    )
    return [json.loads(i["request"]["body"]) for i in data["interactions"]]


def test_the_fast_sampler_answers_as_the_plain_one_on_real_prompts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from llmbrief.embedded import EmbeddedModel
    from llmbrief.llm import local_model_path

    monkeypatch.setenv("LLMBRIEF_PREFIX_DIR", "off")
    requests = _seed_requests()
    kinds = [str(r["messages"][0]["content"])[:40] for r in requests]  # type: ignore[index]
    # a prompt of each kind, then the first kind again (its shared prefix from memory)
    first = kinds[0]
    other = next(i for i, k in enumerate(kinds) if k != first)
    picked = [requests[0], requests[other], requests[other + 1], requests[1]]
    path = local_model_path(resolve_settings({}))
    fast = EmbeddedModel(path, n_threads=1, sampler="fast")
    plain = EmbeddedModel(path, n_threads=1, sampler="plain")
    try:
        for body in picked:
            a, b = fast.complete(body), plain.complete(body)
            assert a["choices"][0]["message"] == b["choices"][0]["message"]
            assert a["choices"][0]["finish_reason"] == b["choices"][0]["finish_reason"]
            assert a["usage"] == b["usage"]
    finally:
        fast.close()
        plain.close()
    assert [t["path"] for t in fast.trace] == ["fast"] * 4
    # the prompt of a kind seen before is not evaluated again: only the question is
    assert fast.trace[3]["prompt_evaluated"] < fast.trace[0]["prompt_evaluated"] / 3
    assert all(t["model_calls"] < t["tokens"] for t in fast.trace)


def test_a_token_gets_the_same_logits_alone_and_in_any_batch() -> None:
    """The installed llama.cpp computes a token the same way in batches of any size
    (tools/build_llama_cpp.py), so the fast sampler's answers are the plain loop's."""
    import numpy as np

    from llmbrief.embedded import EmbeddedModel, batch_invariant_build
    from llmbrief.fastdecode import LlamaSide
    from llmbrief.llm import local_model_path

    assert batch_invariant_build(), "llama-cpp-python is not the build make install-local makes"
    model = EmbeddedModel(local_model_path(resolve_settings({})), n_threads=2, sampler="plain")
    side = LlamaSide(model.llama)
    text = (
        "The port authority said 14 cargo ships were turned away in March, and the "
        "union warned that up to 2,500 dockers could lose their jobs. Officials in the "
        "capital declined to comment, but a spokesman for the shipping company said "
        "talks with the government would resume next week in the coastal city."
    )
    tokens = side.tokenize(text)
    context, rest = tokens[:24], tokens[24:44]

    def logits(sizes: tuple[int, ...]) -> object:
        side.forget_from(0)
        side.decode(context, 0, 0)
        rows, pos = [], len(context)
        for n in sizes:
            side.decode(rest[pos - len(context) : pos - len(context) + n], pos, n)
            rows += [side.logits(i).copy() for i in range(n)]
            pos += n
        return np.array(rows)

    try:
        alone = logits((1,) * len(rest))
        for sizes in ((len(rest),), (3, 9, 8), (2, 1, 17)):
            assert np.array_equal(logits(sizes), alone), sizes
    finally:
        model.close()


def test_saved_prefixes_are_kept_apart_by_the_kernels_that_computed_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A memory computed with other matrix kernels has other numbers: never restored."""
    from llmbrief.embedded import TILED_SETTINGS, _prefix_store
    from llmbrief.llm import local_model_path

    path = local_model_path(resolve_settings({}))
    for var, value in TILED_SETTINGS.items():
        monkeypatch.setenv(var, value)
    ours, again = (_prefix_store(path, 2048, str(tmp_path)) for _ in range(2))
    monkeypatch.setenv("GGML_CPU_TILED_MM", "0")
    other = _prefix_store(path, 2048, str(tmp_path))
    assert ours is not None and again is not None and other is not None
    assert ours.folder == again.folder != other.folder
    assert ours.folder.parent == other.folder.parent == tmp_path


def test_the_grammar_chooser_picks_the_best_allowed_token_of_the_whole_vocabulary() -> None:
    import numpy as np
    from llama_cpp.llama_grammar import LlamaGrammar

    from llmbrief.embedded import EmbeddedModel
    from llmbrief.fastgrammar import GrammarChooser
    from llmbrief.llm import local_model_path

    model = EmbeddedModel(local_model_path(resolve_settings({})), n_threads=1, sampler="plain")
    schema = {
        "type": "object",
        "properties": {"what": {"enum": ["sent", "supplied", "other"]}},
        "required": ["what"],
    }
    grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    rng = np.random.default_rng(7)
    try:
        with GrammarChooser(model.llama, grammar._grammar, grammar._root) as chooser:
            for text in ('{ "', 'what": "', "su", 'pplied"', "}"):
                for _ in range(3):
                    logits = rng.normal(size=chooser.n_vocab).astype(np.float32)
                    # ties at the top: the lowest id must win, as llama.cpp's greedy picks
                    logits[rng.integers(0, chooser.n_vocab, 5)] = logits.max() + 1
                    mask = chooser.allowed(np.arange(chooser.n_vocab, dtype=np.intc), logits)
                    expected = int(np.argmax(np.where(mask, logits, -np.inf)))
                    assert chooser.choose(logits) == expected
                    # a guess never changes the choice: right, allowed but worse, or forbidden
                    forbidden = np.flatnonzero(~mask)
                    for hint in (expected, int(rng.choice(np.flatnonzero(mask))), forbidden[0]):
                        assert chooser.choose(logits, int(hint)) == expected
                    # forbidden tokens ranked first, a guess near the top: settled among the
                    # few tokens scoring at least as well as the guess, ties to the lowest id
                    near = logits.copy()
                    guess = int(rng.choice(np.flatnonzero(mask)))
                    top = near.max()
                    near[forbidden[:3]] = top + 2
                    near[guess] = top + 1
                    tie = int(np.flatnonzero(mask)[0])
                    near[tie] = near[guess]
                    hints_before = chooser.stats["hint"]
                    assert chooser.choose(near, guess) == min(guess, tie)
                    assert chooser.stats["hint"] == hints_before + 1
                # the best allowed token ranked about 1,000th: settled among the best 4,096
                logits = rng.normal(size=chooser.n_vocab).astype(np.float32)
                mask = chooser.allowed(np.arange(chooser.n_vocab, dtype=np.intc), logits)
                logits[np.flatnonzero(mask)] -= 10.0
                best = int(rng.choice(np.flatnonzero(mask)))
                logits[best] = np.sort(logits)[-1000]
                assert chooser.choose(logits) == best
                for t in model.llama.tokenize(text.encode(), add_bos=False, special=False):
                    chooser.accept(t)
            assert sum(chooser.stats.values()) == 20 + 15 * 4
            assert chooser.stats["wide"] >= 5
            assert chooser.stats["hint"] >= 15
    finally:
        model.close()


def test_the_logits_of_chosen_tokens_are_the_whole_rows_values() -> None:
    """llama_set_output_vocab (tools/llama_cpp_edits.py): the output layer cut to some
    tokens gives each of them the very logit the whole vocabulary's row has."""
    import numpy as np

    from llmbrief.embedded import EmbeddedModel
    from llmbrief.fastdecode import LlamaSide
    from llmbrief.llm import local_model_path

    model = EmbeddedModel(local_model_path(resolve_settings({})), n_threads=2, sampler="plain")
    side = LlamaSide(model.llama)
    tokens = side.tokenize(
        "A convoy of 40 trucks crossed the border at dawn, the regional governor said, "
        "carrying what officials described as 1,300 tonnes of grain and medicine for towns "
        "cut off by the flooding since the end of last month."
    )
    rng = np.random.default_rng(3)
    try:
        for n, size in ((1, 2), (5, 40), (17, 300), (len(tokens) - 8, 1500)):
            among = sorted({int(t) for t in rng.integers(0, side.n_vocab, size)} | {1, 106})
            rows = []
            for chosen in (None, among, None):  # the cut lasts one call: whole rows again
                side.forget_from(0)
                side.decode(tokens[:8], 0, 0)
                side.decode(tokens[8 : 8 + n], 8, n, chosen)
                rows.append(np.array([side.logits(i).copy() for i in range(n)]))
                if chosen is not None:
                    assert side._cut, "this build of llama.cpp computed whole rows"
            assert rows[1].shape == (n, len(among))
            assert np.array_equal(rows[1], rows[0][:, among]), (n, size)
            assert np.array_equal(rows[2], rows[0])
    finally:
        model.close()


def test_the_candidate_tokens_hold_every_token_the_grammar_allows() -> None:
    """At every point of real answers, the tokens llama.cpp's grammar allows out of all
    262,144 are the candidates llmbrief.nexttokens finds (plus the end of generation)."""
    import numpy as np
    from llama_cpp.llama_grammar import LlamaGrammar

    from llmbrief.drafts import shape_of
    from llmbrief.embedded import EmbeddedModel, _model_identity
    from llmbrief.fastdecode import LlamaSide
    from llmbrief.fastgrammar import GrammarChooser
    from llmbrief.llm import local_model_path
    from llmbrief.nexttokens import NextTokens

    path = local_model_path(resolve_settings({}))
    model = EmbeddedModel(path, n_threads=2, sampler="plain")
    side = LlamaSide(model.llama)
    pieces = side.pieces(_model_identity(path))
    assert pieces is not None
    everything = np.arange(side.n_vocab, dtype=np.intc)
    zeros = np.zeros(side.n_vocab, dtype=np.float32)
    requests = _seed_requests()
    kinds = {str(r["messages"][0]["content"])[:40]: r for r in requests}  # type: ignore[index]
    # and characters beyond ASCII, which the grammar matches as themselves
    other = {
        "type": "object",
        "properties": {
            "visitor": {"const": "Zürich’s mayor"},
            "status": {"enum": ["actual", "planned", "denied"]},
        },
        "required": ["visitor", "status"],
    }
    cases = [(other, '{"visitor": "Zürich’s mayor", "status": "planned"}')]
    try:
        for body in list(kinds.values())[:3]:
            answer = model.complete(body)["choices"][0]["message"]["content"]
            cases.append((body["response_format"]["schema"], answer))  # type: ignore[index]
        for schema, answer in cases:
            shape = shape_of(schema)
            assert shape is not None
            nexts = NextTokens(shape, pieces)
            grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
            with GrammarChooser(model.llama, grammar._grammar, grammar._root) as chooser:
                cursor = nexts.start()
                for token in [*side.tokenize(answer), None]:
                    allowed = set(everything[chooser.allowed(everything, zeros)].tolist())
                    found = set(nexts.candidates(cursor))
                    assert allowed <= found and found - allowed <= set(pieces.eog), answer
                    if token is not None:
                        chooser.accept(token)
                        cursor = nexts.advance(cursor, [token])
    finally:
        model.close()


def test_candidates_that_miss_the_grammar_s_token_fall_back_to_the_plain_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Were the candidates ever wrong, the request is answered by the plain loop, not lost."""
    from llmbrief.embedded import EmbeddedModel
    from llmbrief.llm import local_model_path
    from llmbrief.nexttokens import NextTokens

    monkeypatch.setenv("LLMBRIEF_PREFIX_DIR", "off")
    body = _seed_requests()[0]
    path = local_model_path(resolve_settings({}))
    model = EmbeddedModel(path, n_threads=2, sampler="fast")
    try:
        right = model.complete(body)
        monkeypatch.setattr(NextTokens, "candidates", lambda self, cursor: [1])  # eos only
        again = model.complete(body)
    finally:
        model.close()
    assert again["choices"][0]["message"] == right["choices"][0]["message"]
    assert [t["path"] for t in model.trace] == ["fast", "plain"]
    assert model.trace[1].get("candidates_missed") == 1
