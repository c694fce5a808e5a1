"""The fast decoder's bookkeeping, against a scripted stand-in for the model.

The stand-in (``ScriptedModel``) is no language model: its logits are a
function of the whole token history in its memory, made up to prefer one
answer (tokenized now like the guesses, now otherwise, with a token the grammar
forbids sometimes ranked first). Because the logits depend on every remembered
token, any slip in what the decoder keeps, drops or restores changes the answer.
The reference is the plain loop: one model call per token, the best allowed token.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from llmbrief.drafts import AnswerShape, shape_of
from llmbrief.fastdecode import MIN_PREFIX, FastDecoder
from llmbrief.nexttokens import Pieces
from llmbrief.prefixstore import PrefixStore

SCHEMA = {
    "type": "object",
    "properties": {
        "figure": {"const": "some 30"},
        "what": {"enum": ["sent", "supplied", "other"]},
        "sender": {"enum": ["Chile", "Chile's navy", "none"]},
        "claimant": {"enum": ["the ministry", "none"]},
    },
    "required": ["figure", "what", "sender", "claimant"],
}

PIECES = ['{ "', '": "', '", "', '"}', "figure", "fig", "ure", "what", "sent", "sup", "plied",
          "other", "sender", "Chile", "'s", " navy", "none", "claim", "ant", "the", " min",
          "istry", "some", " 30", "Text", ": ", "\n"]  # fmt: skip
VOCAB = [chr(c) for c in range(32, 127)] + PIECES
EOG = len(VOCAB)  # one more id: the end of generation
#: the scripted vocabulary as the grammar sees it (the end of generation has no bytes)
PIECES_OF_VOCAB = Pieces([v.encode() for v in VOCAB] + [b""], [EOG])


def _shape() -> AnswerShape:
    shape = shape_of(SCHEMA)
    assert shape is not None
    return shape


class ScriptedModel:
    """A made-up model: lanes of memory, logits from the tokens remembered in the lane."""

    n_batch = 64
    n_ctx = 4096

    def __init__(self, target: str, seed: int, lanes: int = 3, max_snapshot: int = 0) -> None:
        self.target = target
        self.seed = seed
        self.n_lanes = lanes
        #: like a sliding window: a longer memory would not come back exactly
        self.max_snapshot = max_snapshot
        self.memories: list[list[int]] = [[] for _ in range(lanes)]
        self.memory = self.memories[0]
        self.rows: list[np.ndarray] = []
        self.calls = 0
        #: per model call with logits: how many tokens they were asked for (None: all)
        self.asked: list[int | None] = []
        self.prompt_len = 0

    # --- what the decoder calls
    def use(self, lane: int) -> None:
        self.memory = self.memories[lane]  # (the memories change in place only)

    def decode(
        self, tokens: Sequence[int], pos0: int, outputs: int, among: Sequence[int] | None = None
    ) -> None:
        assert pos0 == len(self.memory), "a batch must continue the memory"
        assert 0 < len(tokens) <= self.n_batch
        assert among is None or list(among) == sorted(set(among)), "sorted ids"
        self.calls += 1
        self.memory.extend(tokens)
        n = len(self.memory)
        self.rows = [self._logits(self.memory[: n - outputs + i + 1]) for i in range(outputs)]
        if outputs:
            self.asked.append(None if among is None else len(among))
        if among is not None:
            self.rows = [row[list(among)] for row in self.rows]

    def logits(self, i: int) -> np.ndarray:
        return self.rows[i]

    def forget_from(self, n: int) -> None:
        del self.memory[n:]

    def state(self) -> bytes:
        assert not self.max_snapshot or len(self.memory) <= self.max_snapshot, "inexact snapshot"
        return np.array(self.memory, dtype=np.int32).tobytes()

    def set_state(self, data: Any) -> bool:
        self.memory[:] = np.frombuffer(bytes(data), dtype=np.int32).tolist()
        return True

    def tokenize(self, text: str) -> list[int]:
        out, i = [], 0
        while i < len(text):
            best = max(
                (t for t in range(len(VOCAB)) if text.startswith(VOCAB[t], i)),
                key=lambda t: len(VOCAB[t]),
            )
            out.append(best)
            i += len(VOCAB[best])
        return out

    def text(self, tokens: Sequence[int], prev: Sequence[int]) -> str:
        return "".join(VOCAB[t] for t in tokens if t != EOG)

    def is_eog(self, token: int) -> bool:
        return token == EOG

    # --- the made-up preferences
    def _logits(self, history: list[int]) -> np.ndarray:
        rng = random.Random(hash((self.seed, tuple(history))))
        logits = np.array([rng.uniform(-1, 1) for _ in range(EOG + 1)], dtype=np.float32)
        written = self.text(history[self.prompt_len :], ())
        rest = self.target[len(written) :] if self.target.startswith(written) else ""
        if not rest:
            want = EOG
        else:  # the longest token of the rest, or (now and then) a shorter one
            fits = [t for t in range(EOG) if rest.startswith(VOCAB[t])]
            fits.sort(key=lambda t: -len(VOCAB[t]))
            want = fits[-1] if rng.random() < 0.2 else fits[0]
        logits[want] += 5
        if rng.random() < 0.3:  # something the grammar forbids, ranked first
            logits[VOCAB.index("Z")] += 10
        return logits


class PythonGrammar:
    """The best allowed token: a token is allowed while some answer still begins so."""

    def __init__(self) -> None:
        self.shape = _shape()
        self.written = ""
        self.stats = {"top1": 0, "topk": 0, "vocab": 0}

    def allowed(self, t: int) -> bool:
        if t == EOG:
            return self.shape.rest(self.written) == ""
        return self.shape.rest(self.written + VOCAB[t]) is not None

    def choose(self, logits: np.ndarray, hint: int | None = None) -> int:
        order = sorted(range(len(logits)), key=lambda t: (-logits[t], t))
        return next(t for t in order if self.allowed(t))

    def choose_among(self, ids: Sequence[int], logits: np.ndarray) -> int:
        order = sorted(range(len(ids)), key=lambda i: (-logits[i], ids[i]))
        return next(ids[i] for i in order if self.allowed(ids[i]))

    def accept(self, token: int) -> None:
        self.written += VOCAB[token]


def _prompt(model: ScriptedModel, question: str) -> list[int]:
    shared = "Text: " + "the ministry said some 30 were sent\n" * 8
    return model.tokenize(shared + question)


def _plain(model: ScriptedModel, prompt: list[int], max_tokens: int) -> tuple[list[int], str]:
    """The reference: one token at a time from a fresh memory."""
    model.memory.clear()
    for i in range(0, len(prompt), model.n_batch):
        chunk = prompt[i : i + model.n_batch]
        model.decode(chunk, i, 1 if i + model.n_batch >= len(prompt) else 0)
    grammar = PythonGrammar()
    out: list[int] = []
    while len(out) < max_tokens:
        t = grammar.choose(model.logits(0))
        if t == EOG:
            return out, "stop"
        grammar.accept(t)
        out.append(t)
        model.decode([t], len(model.memory), 1)
    return out, "length"


TARGETS = [
    '{ "figure": "some 30", "what": "sent", "sender": "Chile", "claimant": "the ministry"}',
    '{ "figure": "some 30", "what": "other", "sender": "Chile\'s navy", "claimant": "none"}',
    '{"figure":"some 30","what":"supplied","sender":"none","claimant":"none"} ',
    '{ "figure" : "some 30", "what": "sent", "sender": "Chile\'s navy", "claimant": "none"}',
]


@pytest.mark.parametrize("cut", [False, True], ids=["whole rows", "candidate rows"])
@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("target", TARGETS)
def test_the_fast_decoder_gives_the_plain_loops_answer(target: str, seed: int, cut: bool) -> None:
    model = ScriptedModel(target, seed)
    decoder = FastDecoder(model, pieces=PIECES_OF_VOCAB if cut else None)
    for question in ("Number: 30\n", "Number: some 30\n"):
        prompt = _prompt(model, question)
        model.prompt_len = len(prompt)
        expected = _plain(_fresh(target, seed, len(prompt)), prompt, 200)
        got = decoder.decode(prompt, PythonGrammar(), _shape(), 200)
        assert (got.tokens, got.finish_reason) == expected
        assert model.text(got.tokens, ()) == target.rstrip() or got.finish_reason == "stop"
        # the memory holds the prompt and the answer, nothing of a rejected guess
        assert model.memory == [*prompt, *got.tokens][: len(model.memory)]
    if cut:  # every row over the tokens the shape allows there, a few of the vocabulary
        assert model.asked and all(n is not None and n < len(VOCAB) / 2 for n in model.asked)
    else:
        assert set(model.asked) == {None}


def _fresh(target: str, seed: int, prompt_len: int) -> ScriptedModel:
    model = ScriptedModel(target, seed)
    model.prompt_len = prompt_len
    return model


def test_an_answer_the_guess_gets_right_takes_one_model_call() -> None:
    target = TARGETS[0]  # first choices, the usual spacing
    model = ScriptedModel(target, seed=0)
    model._logits = _no_surprises(model)  # type: ignore[method-assign]
    decoder = FastDecoder(model)
    prompt = _prompt(model, "Number: 30\n")
    model.prompt_len = len(prompt)
    decoder.decode(prompt, PythonGrammar(), _shape(), 200)  # a new kind of prompt: kept
    second = _prompt(model, "Number: some 30\n")
    model.prompt_len = len(second)
    calls = model.calls
    got = decoder.decode(second, PythonGrammar(), _shape(), 200)
    assert model.text(got.tokens, ()) == target
    assert model.calls - calls == 1 == got.model_calls
    assert got.guessed == len(got.tokens)
    # only the question was evaluated: the shared beginning came from memory
    assert got.prompt_evaluated < len(second) - MIN_PREFIX


def test_the_model_s_own_split_of_a_text_is_guessed_the_next_time() -> None:
    target = TARGETS[0]
    model = ScriptedModel(target, seed=0)

    def one_character_at_a_time(history: list[int]) -> np.ndarray:
        written = model.text(history[model.prompt_len :], ())
        rest = model.target[len(written) :]
        out = np.zeros(EOG + 1, dtype=np.float32)
        out[VOCAB.index(rest[0]) if rest else EOG] = 1.0
        return out

    model._logits = one_character_at_a_time  # type: ignore[method-assign]
    decoder = FastDecoder(model)
    calls = []
    for question in ("Number: 30\n", "Number: some 30\n", "Number: 30 again\n"):
        prompt = _prompt(model, question)
        model.prompt_len = len(prompt)
        got = decoder.decode(prompt, PythonGrammar(), _shape(), 200)
        assert model.text(got.tokens, ()) == target
        calls.append(got.model_calls)
    assert calls[0] > 10  # the tokenizer's long pieces guessed, one character written
    # the model's way, learnt from the answer before: the fewest calls a batch of 64 allows
    assert calls[1] == calls[2] == -(-len(target) // ScriptedModel.n_batch)


def _no_surprises(model: ScriptedModel) -> Any:
    def logits(history: list[int]) -> np.ndarray:
        written = model.text(history[model.prompt_len :], ())
        rest = model.target[len(written) :]
        out = np.zeros(EOG + 1, dtype=np.float32)
        out[model.tokenize(rest)[0] if rest else EOG] = 1.0
        return out

    return logits


def test_max_tokens_cuts_the_answer_as_the_plain_loop_does() -> None:
    model = ScriptedModel(TARGETS[1], seed=3)
    prompt = _prompt(model, "Number: 30\n")
    model.prompt_len = len(prompt)
    expected = _plain(_fresh(TARGETS[1], 3, len(prompt)), prompt, 7)
    got = FastDecoder(model).decode(prompt, PythonGrammar(), _shape(), 7)
    assert (got.tokens, got.finish_reason) == expected
    assert got.finish_reason == "length" and len(got.tokens) == 7


def test_without_a_shape_every_token_is_a_model_call_and_the_answer_is_the_same() -> None:
    model = ScriptedModel(TARGETS[2], seed=5)
    prompt = _prompt(model, "Number: 30\n")
    model.prompt_len = len(prompt)
    expected = _plain(_fresh(TARGETS[2], 5, len(prompt)), prompt, 200)
    got = FastDecoder(model).decode(prompt, PythonGrammar(), None, 200)
    assert (got.tokens, got.finish_reason) == expected
    assert got.model_calls == len(got.tokens) + 1


def test_a_saved_prefix_is_read_by_the_next_run(tmp_path: Path) -> None:
    def run() -> list[int]:
        model = ScriptedModel(TARGETS[0], seed=1)
        decoder = FastDecoder(model, PrefixStore(tmp_path, "scripted"))
        evaluated = []
        for question in ("Number: 30\n", "Number: some 30\n", "Number: 30 more\n"):
            prompt = _prompt(model, question)
            model.prompt_len = len(prompt)
            got = decoder.decode(prompt, PythonGrammar(), _shape(), 200)
            evaluated.append(got.prompt_evaluated)
        return evaluated

    first = run()
    assert first[0] > MIN_PREFIX > first[1]  # the first prompt whole, then the questions
    assert list(tmp_path.glob("*/*.prefix")), "the shared part was saved"
    again = run()
    assert again[0] < MIN_PREFIX  # the next run starts with the saved prefix
    assert again[1:] == first[1:]


#: two kinds of prompt: their shared beginnings are 154 and 254 tokens
KINDS = {
    "number": "Text: " + "the ministry said some 30 were sent\n" * 8,
    "visit": "Visit: " + "a delegation flew to the capital\n" * 8,
}


def _alternate(model: ScriptedModel, decoder: FastDecoder) -> list[tuple[int, int]]:
    """Six questions, the two kinds in turn, each answered as the plain loop answers it;
    per question, the prompt tokens evaluated and the prompt's length."""
    evaluated = []
    for i, kind in enumerate(["number", "visit"] * 3):
        prompt = model.tokenize(KINDS[kind] + f"Number: {i}\n")
        model.prompt_len = len(prompt)
        expected = _plain(_fresh(TARGETS[3], 4, len(prompt)), prompt, 200)
        got = decoder.decode(prompt, PythonGrammar(), _shape(), 200)
        assert (got.tokens, got.finish_reason) == expected
        evaluated.append((got.prompt_evaluated, len(prompt)))
    return evaluated


@pytest.mark.parametrize("lanes", [1, 2])
def test_two_kinds_of_prompt_alternating_each_keep_their_lane(lanes: int) -> None:
    model = ScriptedModel(TARGETS[3], seed=4, lanes=lanes)
    decoder = FastDecoder(model)
    evaluated = _alternate(model, decoder)
    # after the first of each kind, only the question is evaluated, either way
    assert all(done < MIN_PREFIX for done, _ in evaluated[2:])
    if lanes == 2:  # each kind stays in the memory it was evaluated in
        assert decoder.cache.restores == 0
        assert model.memories[0][:5] != model.memories[1][:5]
    else:  # one memory: each switch restores the other kind's snapshot
        assert decoder.cache.restores == 4


@pytest.mark.parametrize("lanes", [1, 2])
def test_a_snapshot_holds_no_more_than_the_model_gives_back_exactly(
    lanes: int, tmp_path: Path
) -> None:
    """Snapshots stop at ``max_snapshot`` tokens (the model asserts it); a restore is
    followed by the rest of the shared prefix, and the answers stay the plain loop's."""

    def run() -> tuple[FastDecoder, list[tuple[int, int]]]:
        model = ScriptedModel(TARGETS[3], seed=4, lanes=lanes, max_snapshot=140)
        decoder = FastDecoder(model, PrefixStore(tmp_path, "scripted"))
        return decoder, _alternate(model, decoder)

    decoder, evaluated = run()
    assert decoder.cache.snapshots
    assert all(len(s.tokens) == 140 for s in decoder.cache.snapshots)
    assert all(done == n for done, n in evaluated[:2])  # new kinds: evaluated whole
    if lanes == 2:  # each kind stays in its lane: only the questions are evaluated
        assert decoder.cache.restores == 0
        assert all(done < 20 for done, _ in evaluated[2:])
    else:  # each switch restores 140 tokens and evaluates the rest of the prompt
        assert decoder.cache.restores == 4
        assert all(done == n - 140 for done, n in evaluated[2:])
    assert len(list(tmp_path.glob("*/*.prefix"))) == 2  # both beginnings, for the next run
    again, evaluated = run()
    assert again.cache.loaded == 2
    assert all(done == n - 140 for done, n in evaluated[:2])  # from the saved beginnings
