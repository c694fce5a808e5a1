"""Constrained greedy decoding for the embedded model, a few model calls per answer.

Takes a loaded ``llama_cpp.Llama``, a chat request's prompt tokens, its answer
grammar and schema; gives the tokens greedy decoding under that grammar picks.
Two things make it cheaper than llama-cpp-python's own loop (one model call and
one sampling pass per token, and the whole prompt again whenever the prompt
kind changes):

- **The shared prefix is evaluated once.** :class:`PrefixCache` keeps each kind
  of prompt (instructions and few-shot examples) in a memory (KV cache) of its
  own, a *lane*: a llama.cpp context each, on the same weights. A question goes
  to the lane whose memory shares the longest beginning with it, which drops the
  rest and evaluates only the question's own tokens. The beginning of a kind (at
  most the model's sliding window, which llama.cpp gives back exactly) is also
  kept as a snapshot, restored when there are more kinds than lanes, and written
  to disk (:mod:`llmbrief.prefixstore`), so the next run starts with it.
- **Forced and guessable tokens are checked, not sampled one by one.** The rest
  of the answer is guessed from its schema (:mod:`llmbrief.drafts`: the first
  choice of each field, spaced as the model writes), and the guess is evaluated
  in the same model call as the question, with the logits of every position.
  Position by position, the model's own constrained greedy choice
  (:class:`llmbrief.fastgrammar.GrammarChooser`) is compared with the guess;
  the first disagreement keeps the model's choice, drops the rest of the guess
  and guesses again from there. Most answers take two or three model calls.
- **Only the logits that can matter are computed.** At each position the answer's
  grammar allows a handful of tokens (:mod:`llmbrief.nexttokens` finds them from
  the answer's shape); llama.cpp computes the logits of those alone
  (``llama_set_output_vocab``) instead of a row over the 262,144-token vocabulary,
  which was half the cost of a model call that checks a guess.

Every token is the one the model's logits and the grammar choose. With llama.cpp
as ``make install-local`` builds it (``tools/build_llama_cpp.py``), a token gets
bit-identical logits alone and inside a batch of any size, so the answer is exactly
the one greedy decoding token by token gives (llama-cpp-python's own loop,
``LLMBRIEF_SAMPLER=plain``): ``tests/test_live.py`` checks the logits, the
benchmark every answer. With a stock build the logits differ slightly by batch,
and a near tie can go the other way.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from llmbrief.drafts import AnswerShape, TokenHabits
from llmbrief.nexttokens import Cursor, NextTokens, Pieces
from llmbrief.prefixstore import PrefixStore

__all__ = ["Chooser", "Decoded", "FastDecoder", "LlamaSide", "Model", "PrefixCache"]

#: A prefix shorter than this is not worth a snapshot (restoring costs about as much).
MIN_PREFIX = 128


class Model(Protocol):
    """What the decoder needs of a model: lanes of memory, batches, logits, tokens."""

    n_batch: int
    n_ctx: int
    #: how many separate memories (lanes) the model keeps; the calls below act on one
    n_lanes: int
    #: the most tokens a snapshot can hold and give back exactly (0: any number)
    max_snapshot: int

    def use(self, lane: int) -> None:
        """Make lane ``lane`` (``0 <= lane < n_lanes``) the memory the calls below act on."""

    def decode(
        self, tokens: Sequence[int], pos0: int, outputs: int, among: Sequence[int] | None = None
    ) -> None:
        """Evaluate ``tokens`` at positions ``pos0...``; logits for the last ``outputs``,
        of the tokens ``among`` (sorted ids) only, or of the whole vocabulary."""

    def logits(self, i: int) -> Any:
        """The ``i``-th row of logits of the last decode: a float array over its ``among``
        tokens, in their order, or over the whole vocabulary."""

    def forget_from(self, n: int) -> None:
        """Drop the memory of positions ``n`` and later."""

    def state(self) -> Any:
        """The memory as bytes (a ctypes buffer)."""

    def set_state(self, data: Any) -> bool:
        """Replace the memory with saved bytes; False if refused."""

    def tokenize(self, text: str) -> list[int]:
        """Tokens of a piece of answer text (no BOS, no special tokens)."""

    def text(self, tokens: Sequence[int], prev: Sequence[int]) -> str:
        """The text of answer tokens that follow ``prev``."""

    def is_eog(self, token: int) -> bool:
        """Whether ``token`` ends generation."""


class Chooser(Protocol):
    """The constrained greedy choice (:class:`llmbrief.fastgrammar.GrammarChooser`)."""

    stats: dict[str, int]

    def choose(self, logits: Any, hint: int | None = None) -> int: ...

    def choose_among(self, ids: Any, logits: Any) -> int: ...

    def accept(self, token: int) -> None: ...


class LlamaSide:
    """:class:`Model` over a ``llama_cpp.Llama``: lane 0 is its own context (sequence 0),
    the other lanes contexts of their own on the same weights, made when first used.

    A lane per kind of prompt, rather than one memory and snapshots restored into
    it: a snapshot gives back exactly only the first ``max_snapshot`` tokens of a
    prompt (the model's sliding window; past it, llama.cpp drops the cells the
    window hides and a restored memory gets other logits than the prompt itself:
    bench/README.md), so a restore is followed by evaluating the rest anew.
    """

    def __init__(self, llama: Any, lanes: int = 3) -> None:
        import llama_cpp
        import numpy as np
        from llama_cpp import _internals

        self._np = np
        self._lib: Any = llama_cpp
        self.llama = llama
        self._ctx = llama._ctx
        self.n_batch = int(llama.n_batch)
        self.n_ctx = int(llama.n_ctx())
        self.n_vocab = int(llama.n_vocab())
        self._batch = _internals.LlamaBatch(n_tokens=self.n_batch, embd=0, n_seq_max=1)
        self._first_output = 0
        self._restrict, self._width = _output_vocab_functions(llama_cpp)
        #: the last decode's ``among``: as ids (rows over them) and whether llama.cpp
        #: computed only those (else they are picked out of whole rows)
        self._among: Any = None
        self._cut = False
        self.n_lanes = lanes
        self._contexts = [llama._ctx]
        # llama.cpp leaves out of a sequence's state the cells a sliding-window layer
        # no longer sees, and what it puts back is laid out otherwise: only a memory
        # no longer than the window is given back exactly (bench/README.md)
        self.max_snapshot = max(0, int(llama_cpp.llama_model_n_swa(llama.model)))

    def use(self, lane: int) -> None:
        """Act on lane ``lane`` from now on (a new context the first time)."""
        from llama_cpp import _internals

        while len(self._contexts) <= lane:
            llama = self.llama
            self._contexts.append(
                _internals.LlamaContext(
                    model=llama._model, params=llama.context_params, verbose=False
                )
            )
        self._ctx = self._contexts[lane]

    def close(self) -> None:
        """Free the lanes' own contexts (lane 0 is the ``Llama``'s)."""
        for ctx in self._contexts[1:]:
            ctx.close()
        del self._contexts[1:]
        self._ctx = self.llama._ctx

    def decode(
        self, tokens: Sequence[int], pos0: int, outputs: int, among: Sequence[int] | None = None
    ) -> None:
        """Evaluate ``tokens`` at positions ``pos0...``; logits for the last ``outputs``,
        of ``among`` only when given (the output layer cut to those rows, if this build of
        llama.cpp can: ``tools/build_llama_cpp.py``)."""
        self.llama.n_tokens = 0  # the library's own prefix bookkeeping no longer holds
        b = self._batch.batch
        n = len(tokens)
        b.n_tokens = n
        for i, t in enumerate(tokens):
            b.token[i] = t
            b.pos[i] = pos0 + i
            b.seq_id[i][0] = 0
            b.n_seq_id[i] = 1
            b.logits[i] = i >= n - outputs
        ctx = self._ctx.ctx
        wanted = 0
        if self._restrict is not None and among is not None and outputs:
            ids = (ctypes.c_int32 * len(among))(*among)
            wanted = self._restrict(ctx, ids, len(among))
        try:
            self._ctx.decode(self._batch)
        finally:
            if wanted:  # for this call only: the library's own loop shares lane 0
                self._restrict(ctx, None, 0)
        self._first_output = n - outputs
        self._cut = bool(wanted) and self._width(ctx) == wanted
        self._among = None if among is None else self._np.asarray(among, dtype=self._np.intc)

    def logits(self, i: int) -> Any:
        """The ``i``-th row of logits the last decode gave (over its ``among``, if given)."""
        ptr = self._ctx.get_logits_ith(self._first_output + i)
        if self._cut:
            return self._np.ctypeslib.as_array(ptr, shape=(len(self._among),))
        row = self._np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))
        return row if self._among is None else row[self._among]

    def forget_from(self, n: int) -> None:
        """Drop the memory of positions ``n`` and later."""
        self.llama.n_tokens = 0
        self._ctx.kv_cache_seq_rm(0, n, -1)

    def state(self) -> Any:
        """The memory of sequence 0 as a ctypes buffer."""
        lib, ctx = self._lib, self._ctx.ctx
        size = lib.llama_state_seq_get_size(ctx, 0)
        buf = (ctypes.c_uint8 * size)()
        lib.llama_state_seq_get_data(ctx, buf, size, 0)
        return buf

    def set_state(self, data: Any) -> bool:
        """Replace the memory of sequence 0 with saved bytes."""
        self.forget_from(0)
        return bool(self._lib.llama_state_seq_set_data(self._ctx.ctx, data, len(data), 0))

    def pieces(self, identity: str) -> Pieces | None:
        """The vocabulary as the grammar sees it, when llama.cpp can compute the logits of
        some tokens only (else None: rows over the whole vocabulary cost the same)."""
        if self._restrict is None:
            return None
        from llmbrief.nexttokens import llama_pieces

        return llama_pieces(self.llama, identity)

    def tokenize(self, text: str) -> list[int]:
        """Tokens of a piece of answer text."""
        out: list[int] = self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        return out

    def text(self, tokens: Sequence[int], prev: Sequence[int]) -> str:
        """The text of answer tokens that follow ``prev``."""
        raw: bytes = self.llama.detokenize(list(tokens), prev_tokens=list(prev))
        return raw.decode("utf-8", "replace")

    def is_eog(self, token: int) -> bool:
        """Whether ``token`` ends generation (end of turn, end of text)."""
        return bool(self._lib.llama_vocab_is_eog(self.llama._model.vocab, token))


def _output_vocab_functions(llama_cpp: Any) -> tuple[Any, Any]:
    """llama.cpp's ``llama_set_output_vocab`` and ``llama_get_output_vocab_width`` (added
    by ``tools/build_llama_cpp.py``); (None, None) in a build without them."""
    lib = getattr(getattr(llama_cpp, "llama_cpp", None), "_lib", None)
    restrict = getattr(lib, "llama_set_output_vocab", None)
    width = getattr(lib, "llama_get_output_vocab_width", None)
    if restrict is None or width is None:
        return None, None
    restrict.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int32), ctypes.c_int32]
    restrict.restype = ctypes.c_int32
    width.argtypes = [ctypes.c_void_p]
    width.restype = ctypes.c_int32
    return restrict, width


@dataclass
class Decoded:
    """What one request gave: the answer's tokens, why it ended, and how it was reached."""

    tokens: list[int]
    finish_reason: str
    prompt_evaluated: int = 0
    model_calls: int = 0
    guessed: int = 0
    stats: dict[str, int] = field(default_factory=dict)


@dataclass
class _Snapshot:
    tokens: tuple[int, ...]
    data: Any  # ctypes buffer of the model's memory
    stored: bool = False  # on disk already


class PrefixCache:
    """The KV cache of the prompts' shared beginnings, kept or restored instead of recomputed."""

    def __init__(self, model: Model, *, store: PrefixStore | None = None, limit: int = 6) -> None:
        self.model = model
        self.store = store
        self.limit = limit
        self.loaded = 0
        self.snapshots: list[_Snapshot] = []
        #: per lane, the tokens whose keys and values are in its memory now
        self._lives: list[list[int]] = [[]]
        #: lanes, least recently used first
        self._recent: list[int] = [0]
        self.lane = 0
        self.restores = 0
        self.saves = 0

    @property
    def live(self) -> list[int]:
        """The tokens in the current lane's memory."""
        return self._lives[self.lane]

    @live.setter
    def live(self, tokens: list[int]) -> None:
        self._lives[self.lane] = tokens

    def forget(self) -> None:
        """Someone else used lane 0 (the library's own loop): nothing in it can be trusted."""
        self._use(0)
        self.live = []
        self.model.forget_from(0)

    def _use(self, lane: int) -> None:
        while len(self._lives) <= lane:
            self._lives.append([])
        self.model.use(lane)
        self.lane = lane
        if lane in self._recent:
            self._recent.remove(lane)
        self._recent.append(lane)

    def _pick_lane(self, tokens: Sequence[int]) -> None:
        """Use the lane sharing the longest beginning with ``tokens`` if that is worth
        keeping; else an empty lane, a new one, or the least recently used."""
        shared = [_common(live, tokens) for live in self._lives]
        best = max(range(len(shared)), key=shared.__getitem__)
        empty = [i for i, live in enumerate(self._lives) if not live]
        if shared[best] >= MIN_PREFIX:
            self._use(best)
        elif empty:
            self._use(empty[0])
        elif len(self._lives) < self.model.n_lanes:
            self._use(len(self._lives))
        else:
            self._use(self._recent[0])

    def prepare(self, tokens: Sequence[int]) -> tuple[int, bool]:
        """Put the longest known prefix of ``tokens`` in memory.

        Gives how many tokens it covers (never all: the last token's logits are
        needed) and whether a saved prefix of this kind of prompt exists.
        """
        self._pick_lane(tokens)
        live_len = _common(self.live, tokens)
        best, best_len = self._best(tokens)
        if best_len < MIN_PREFIX and self.store is not None:
            best, best_len = self._from_disk(tokens)
        if best is not None and best_len > live_len and best_len >= MIN_PREFIX:
            self._restore(best)
            keep = best_len
        else:
            keep = live_len
        self.truncate(min(keep, len(tokens) - 1))
        if best is not None and best_len >= MIN_PREFIX:
            if best_len == len(self.live) < len(best.tokens):
                # the saved prompt held a question of its own: keep only the shared part
                shared = self._save()
                self._replace(best, shared)
                best = shared
            if best_len == len(best.tokens) and not best.stored and self.store is not None:
                self.store.save(best.tokens, bytes(best.data))  # shared: worth the next run
                best.stored = True
        return len(self.live), best_len >= MIN_PREFIX

    def _exact(self, n: int) -> bool:
        """Whether a snapshot of ``n`` tokens comes back exactly."""
        return not self.model.max_snapshot or n <= self.model.max_snapshot

    def _best(self, tokens: Sequence[int]) -> tuple[_Snapshot | None, int]:
        best: _Snapshot | None = None
        best_len = 0
        for snap in self.snapshots:
            n = _common(snap.tokens, tokens)
            if n > best_len:
                best, best_len = snap, n
        return best, best_len

    def _from_disk(self, tokens: Sequence[int]) -> tuple[_Snapshot | None, int]:
        """The longest matching prefix a previous run saved, now in memory; None if none."""
        assert self.store is not None
        exact = [(t, path) for t, path in self.store.prefixes() if self._exact(len(t))]
        found = max(
            ((_common(t, tokens), t, path) for t, path in exact),
            default=(0, (), None),
            key=lambda x: x[0],
        )
        n, saved, path = found
        if n < MIN_PREFIX or path is None:
            return None, 0
        kv = self.store.load(path)
        if kv is None:
            return None, 0
        snap = _Snapshot(tuple(saved), (ctypes.c_uint8 * len(kv)).from_buffer_copy(kv), True)
        self.snapshots.append(snap)
        self.loaded += 1
        return snap, n

    def save(self) -> None:
        """Keep what is in memory now (a prompt or its beginning) as a prefix to restore."""
        if len(self.live) < MIN_PREFIX or not self._exact(len(self.live)):
            return
        self.snapshots.append(self._save())
        if len(self.snapshots) > self.limit:
            self.snapshots.pop(0)

    def extended(self, tokens: Sequence[int]) -> None:
        """``tokens`` were appended in memory."""
        self.live.extend(tokens)

    def truncate(self, n: int) -> None:
        """Forget memory from position ``n`` on."""
        if n < len(self.live):
            self.model.forget_from(n)
            del self.live[n:]

    def _save(self) -> _Snapshot:
        self.saves += 1
        return _Snapshot(tuple(self.live), self.model.state())

    def _restore(self, snap: _Snapshot) -> None:
        if not self.model.set_state(snap.data):
            self.live = []
            raise RuntimeError("llama.cpp could not restore a saved prompt prefix")
        self.live = list(snap.tokens)
        self.restores += 1
        self.snapshots.remove(snap)
        self.snapshots.append(snap)  # most recently used last

    def _replace(self, old: _Snapshot, new: _Snapshot) -> None:
        self.snapshots = [new if s is old else s for s in self.snapshots]


def _common(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class FastDecoder:
    """Greedy decoding under a grammar with a shared-prefix cache and checked guesses.

    With ``pieces`` (the model's vocabulary as the grammar sees it) and an answer
    shape, each model call computes the logits of the tokens the shape allows at its
    positions only (:mod:`llmbrief.nexttokens`), instead of the whole vocabulary's.
    """

    def __init__(
        self, model: Model, store: PrefixStore | None = None, pieces: Pieces | None = None
    ) -> None:
        self.model = model
        self.n_batch = model.n_batch
        self.n_ctx = model.n_ctx
        self.cache = PrefixCache(model, store=store)
        self.habits = TokenHabits(lambda t: model.text([t], ()), model.tokenize)
        self.pieces = pieces
        self._next_tokens: dict[AnswerShape, NextTokens] = {}
        self._max_tokens = 0

    def decode(
        self,
        prompt: Sequence[int],
        chooser: Chooser,
        shape: AnswerShape | None,
        max_tokens: int,
    ) -> Decoded:
        """The answer's tokens (end-of-generation excluded), as greedy decoding picks them."""
        max_tokens = min(max_tokens, self.n_ctx - len(prompt))
        self._max_tokens = max_tokens
        start, known = self.cache.prepare(prompt)
        pending = list(prompt[start:])
        out = Decoded([], "length", prompt_evaluated=len(pending))
        answer = _Answer(out, chooser, self._nexts(shape))
        limit = self.model.max_snapshot
        if not known and limit and start < limit < len(prompt):
            # a new kind longer than a snapshot can be: keep its beginning on the way
            pending = self._evaluate(pending, upto=limit - start)
            self.cache.save()
        # a long new prompt: whole batches first, while more than one batch is left
        pending = self._evaluate(pending, upto=(len(pending) - 1) // self.n_batch * self.n_batch)
        if not known:  # a new kind of prompt: evaluate it alone, and keep it
            among = answer.among([])
            self._decode(pending, outputs=1, among=among)
            out.model_calls += 1
            self.cache.save()
            pending = []
            if self._choose(answer, 0, among):
                return self._done(out, chooser, prompt)
            pending = [out.tokens[-1]]
        while len(out.tokens) < max_tokens:
            guess = self._guess(prompt, out.tokens, shape)
            room = min(self.n_batch - len(pending), max_tokens - len(out.tokens))
            guess = guess[: max(room, 0)]
            among = answer.among(guess)
            self._decode([*pending, *guess], outputs=len(guess) + 1, among=among)
            out.model_calls += 1
            end = len(self.cache.live)  # memory: everything up to the last guessed token
            for j in range(len(guess) + 1):
                hint = guess[j] if j < len(guess) else None
                if self._choose(answer, j, among, hint):
                    self.cache.truncate(end - len(guess) + j)
                    return self._done(out, chooser, prompt)
                if j < len(guess) and out.tokens[-1] == guess[j]:
                    out.guessed += 1
                    continue
                # the model chose otherwise (or the guess ran out): the rest of it goes
                self.cache.truncate(end - len(guess) + j)
                pending = [out.tokens[-1]]
                break
        return self._done(out, chooser, prompt)

    def _nexts(self, shape: AnswerShape | None) -> NextTokens | None:
        """The candidate next tokens of ``shape`` (None: every row over the whole vocabulary)."""
        if shape is None or self.pieces is None:
            return None
        nexts = self._next_tokens.get(shape)
        if nexts is None:
            if len(self._next_tokens) >= 64:
                self._next_tokens.clear()
            nexts = self._next_tokens[shape] = NextTokens(shape, self.pieces)
        return nexts

    def _choose(
        self, answer: _Answer, j: int, among: Sequence[int] | None, hint: int | None = None
    ) -> bool:
        """Append the model's choice at row ``j`` to the answer; True when it is finished."""
        out, chooser = answer.out, answer.chooser
        logits = self.model.logits(j)
        token = (
            chooser.choose(logits, hint) if among is None else chooser.choose_among(among, logits)
        )
        if self.model.is_eog(token):
            out.finish_reason = "stop"
            return True
        chooser.accept(token)
        out.tokens.append(token)
        answer.wrote(token)
        return len(out.tokens) >= self._max_tokens

    def _done(self, out: Decoded, chooser: Chooser, prompt: Sequence[int]) -> Decoded:
        out.stats = dict(chooser.stats)
        self.habits.learn(prompt[-1], out.tokens)
        return out

    def _guess(
        self, prompt: Sequence[int], written: list[int], shape: AnswerShape | None
    ) -> list[int]:
        if shape is None:
            return []
        rest = shape.rest(self.model.text(written, prompt))
        if not rest:
            return []
        return self.habits.split(written[-1] if written else prompt[-1], rest)

    def _evaluate(self, pending: list[int], upto: int) -> list[int]:
        """Evaluate the first ``upto`` of ``pending`` (no logits) in batches; the rest."""
        while upto > 0:
            n = min(upto, self.n_batch)
            self._decode(pending[:n], outputs=0)
            pending, upto = pending[n:], upto - n
        return pending

    def _decode(
        self, tokens: Sequence[int], *, outputs: int, among: Sequence[int] | None = None
    ) -> None:
        """Evaluate ``tokens`` after what is in memory; logits for the last ``outputs`` of
        them, over ``among`` only when given."""
        self.model.decode(tokens, len(self.cache.live), outputs, among)
        self.cache.extended(tokens)


@dataclass
class _Answer:
    """One answer being decoded: what it has so far, and where in its shape it is."""

    out: Decoded
    chooser: Chooser
    nexts: NextTokens | None
    cursor: Cursor | None = None

    def __post_init__(self) -> None:
        if self.nexts is not None:
            self.cursor = self.nexts.start()

    def among(self, guess: Sequence[int]) -> list[int] | None:
        """The tokens the shape allows at any row of a model call that checks ``guess``:
        after the answer so far, and after each part of the guess (sorted ids)."""
        if self.nexts is None or self.cursor is None:
            return None
        nexts, cursor = self.nexts, self.cursor
        found = set(nexts.candidates(cursor))
        for token in guess:
            cursor = nexts.advance(cursor, [token])
            if not cursor.alive:
                break  # the rows after a token the shape forbids are never chosen from
            found.update(nexts.candidates(cursor))
        return sorted(found)

    def wrote(self, token: int) -> None:
        """The model chose ``token``."""
        if self.nexts is not None and self.cursor is not None:
            self.cursor = self.nexts.advance(self.cursor, [token])
