"""Grammar-constrained greedy decoding without checking the whole vocabulary per token.

llama-cpp-python samples with the chain ``grammar -> greedy``: for every token
it generates, the grammar sampler tests each of the vocabulary's entries (262,144
for Gemma 3) against the grammar. For the embedded model's short JSON answers
that was ~45% of the model's time (bench/README.md).

llama.cpp's own sampler (``common_sampler_sample``) does it the cheap way, and
so does this: take the greedy token first and test only that one against the
grammar; only when the grammar rejects it, filter the whole vocabulary. With
greedy decoding the result is the same token either way: the best token that
the grammar allows is the best token overall whenever the grammar allows it.

:func:`install` hooks one :class:`llama_cpp.Llama` instance. It uses
llama-cpp-python's sampler internals, so anything unexpected (another version,
sampling other than greedy, penalties, logits processors) falls back to the
library's own sampler.

:class:`GrammarChooser` makes the same choice from a row of logits the caller
already has (the embedded model's batched decoder, ``llmbrief.embedded``): the
best token the grammar allows, the lowest token id among equal logits, as
llama.cpp's greedy sampler picks. It tests the best token alone; then, given the
caller's guess of the next token and when the grammar allows it, only the tokens
scoring at least as well as the guess; then the best ``TOP_K``, the best
``TOP_WIDE``, and only then the whole vocabulary.
"""

from __future__ import annotations

import ctypes
from typing import Any

__all__ = ["TOP_K", "TOP_WIDE", "CandidatesMissed", "GrammarChooser", "install"]

#: How many of the best tokens are tested together before the whole vocabulary: first
#: ``TOP_K``, then ``TOP_WIDE`` (a grammar test costs about 0.1 ms per 1,000 tokens).
TOP_K = 64
TOP_WIDE = 4096


class CandidatesMissed(ValueError):
    """The grammar allows none of the candidate tokens: they left out the one it allows
    (a grammar the answer's shape does not describe); the caller answers another way."""


def install(llama: Any) -> bool:
    """Make ``llama`` check the greedy token first under a grammar. False if not possible."""
    try:
        import llama_cpp as llama_cpp_module
        import numpy as np
        from llama_cpp import _internals as internals_module
    except ImportError:
        return False
    llama_cpp: Any = llama_cpp_module  # private API: checked at run time, below
    _internals: Any = internals_module
    needed = (
        getattr(_internals, "LlamaSampler", None),
        getattr(_internals.LlamaSampler, "add_custom", None),
        getattr(_internals.LlamaSampler, "add_greedy", None),
        getattr(llama_cpp, "llama_sampler_init_grammar", None),
        getattr(llama_cpp, "llama_sampler_apply", None),
        getattr(llama_cpp, "llama_sampler_chain_add", None),
        getattr(getattr(llama, "_model", None), "vocab", None),
        getattr(llama, "_init_sampler", None),
    )
    if any(x is None for x in needed):
        return False
    library_sampler = llama._init_sampler
    token_data_p = llama_cpp.llama_token_data_p
    stride = ctypes.sizeof(llama_cpp.llama_token_data) // ctypes.sizeof(ctypes.c_float)
    logit_at = llama_cpp.llama_token_data.logit.offset // ctypes.sizeof(ctypes.c_float)

    def init_sampler(**kw: Any) -> Any:
        grammar = kw.get("grammar")
        if (
            grammar is None
            or kw.get("temp") != 0.0
            or kw.get("logits_processor") is not None
            or kw.get("repeat_penalty", 1.0) != 1.0
            or kw.get("frequency_penalty", 0.0) != 0.0
            or kw.get("presence_penalty", 0.0) != 0.0
        ):
            return library_sampler(**kw)
        # The library's chain is penalties (all neutral here), grammar, greedy; this one is
        # greedy-first check, grammar, greedy. The grammar stays in the chain, so the chain
        # still tells it every accepted token.
        chain = _internals.LlamaSampler()
        grammar_smpl = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        one = (llama_cpp.llama_token_data * 1)()
        one_p = llama_cpp.llama_token_data_array(
            data=ctypes.cast(one, token_data_p), size=1, selected=-1, sorted=False
        )

        def greedy_first(cur_p: Any) -> None:
            cur = cur_p.contents
            n = int(cur.size)
            floats = ctypes.cast(cur.data, ctypes.POINTER(ctypes.c_float))
            logits = np.ctypeslib.as_array(floats, shape=(n * stride,))[logit_at::stride]
            best = int(np.argmax(logits))  # the first maximum, as the greedy sampler picks
            one[0] = cur.data[best]
            one_p.size, one_p.selected, one_p.sorted = 1, -1, False
            llama_cpp.llama_sampler_apply(grammar_smpl, ctypes.byref(one_p))  # no state change
            if one[0].logit != float("-inf"):
                cur.data[0] = one[0]  # allowed: the grammar and greedy see only this token
                cur.size, cur.selected, cur.sorted = 1, -1, False
            # rejected: leave every token; the grammar sampler filters them all

        chain.add_custom(greedy_first)
        llama_cpp.llama_sampler_chain_add(chain.sampler, grammar_smpl)  # the chain owns it
        chain.add_greedy()
        return chain

    llama._init_sampler = init_sampler
    return True


class GrammarChooser:
    """Constrained greedy choice over logits the caller holds, for one answer's grammar.

    ``grammar_text``/``root`` are a GBNF grammar (``LlamaGrammar._grammar``/``_root``).
    :meth:`choose` never changes the grammar's state; :meth:`accept` advances it.
    """

    def __init__(self, llama: Any, grammar_text: str, root: str) -> None:
        import llama_cpp as llama_cpp_module
        import numpy as np

        self._np = np
        self._lib: Any = llama_cpp_module
        self._vocab = llama._model.vocab
        self.n_vocab = int(llama.n_vocab())
        self._smpl = self._lib.llama_sampler_init_grammar(
            self._vocab, grammar_text.encode("utf-8"), root.encode("utf-8")
        )
        if not self._smpl:
            raise ValueError("llama.cpp could not parse the answer grammar")
        fields = [("id", np.intc), ("logit", np.single), ("p", np.single)]
        self._buf = np.zeros(self.n_vocab, dtype=np.dtype(fields, align=True))
        self._arr = self._lib.llama_token_data_array(
            data=self._buf.ctypes.data_as(self._lib.llama_token_data_p),
            size=0,
            selected=-1,
            sorted=False,
        )
        #: how often each test was enough (for the benchmark's profile)
        self.stats = {"top1": 0, "hint": 0, "topk": 0, "wide": 0, "vocab": 0, "among": 0}

    def close(self) -> None:
        """Free the grammar sampler."""
        if self._smpl:
            self._lib.llama_sampler_free(self._smpl)
            self._smpl = None

    def __enter__(self) -> GrammarChooser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def accept(self, token: int) -> None:
        """Tell the grammar that ``token`` was chosen."""
        self._lib.llama_sampler_accept(self._smpl, token)

    def allowed(self, ids: Any, logits: Any) -> Any:
        """A mask: which of ``ids`` the grammar allows next (order kept)."""
        n = len(ids)
        buf = self._buf[:n]
        buf["id"] = ids
        buf["logit"] = logits
        buf["p"] = 0.0
        arr = self._arr
        arr.size, arr.selected, arr.sorted = n, -1, False
        self._lib.llama_sampler_apply(self._smpl, ctypes.byref(arr))
        # the grammar sampler only ever sets rejected tokens to -inf, in place
        return buf["logit"][:n] != float("-inf")

    def choose(self, logits: Any, hint: int | None = None) -> int:
        """The token greedy decoding under this grammar picks from ``logits`` (whole vocabulary).

        ``hint`` is a token the caller expects (the decoder's guess): when the best token
        is forbidden but the hint is allowed, only the tokens scoring at least as well as
        the hint can be the answer, and those are few when the guess is right.
        """
        np = self._np
        best = int(np.argmax(logits))  # the first maximum
        if self._allows(best, logits):
            self.stats["top1"] += 1
            return best
        if hint is not None and 0 <= hint < self.n_vocab and self._allows(hint, logits):
            self.stats["hint"] += 1
            return self._best_above(logits, hint)
        for k, test in ((TOP_K, "topk"), (TOP_WIDE, "wide")):
            found = self._best_of_top(logits, min(k, self.n_vocab))
            if found is not None:
                self.stats[test] += 1
                return found
        self.stats["vocab"] += 1
        ids = np.arange(self.n_vocab, dtype=np.intc)
        mask = self.allowed(ids, logits)
        if not mask.any():
            raise ValueError("the answer grammar allows no token here")
        masked = np.where(mask, logits, -np.inf)
        return int(np.argmax(masked))

    def choose_among(self, ids: Any, logits: Any) -> int:
        """The token greedy decoding under this grammar picks, given the logits of ``ids``
        (sorted token ids) only: right whenever ``ids`` hold every token the grammar
        allows here (:mod:`llmbrief.nexttokens`). Raises CandidatesMissed if it allows none."""
        np = self._np
        ids = np.asarray(ids, dtype=np.intc)
        best = int(np.argmax(logits))  # the first maximum: the lowest id among equals
        if self.allowed(ids[best : best + 1], logits[best : best + 1])[0]:
            self.stats["top1"] += 1
            return int(ids[best])
        self.stats["among"] += 1
        mask = self.allowed(ids, logits)
        if not mask.any():
            raise CandidatesMissed("the answer grammar allows none of the candidate tokens")
        return int(ids[int(np.argmax(np.where(mask, logits, -np.inf)))])

    def _allows(self, token: int, logits: Any) -> bool:
        return bool(self.allowed(self._np.array([token]), logits[token : token + 1])[0])

    def _best_above(self, logits: Any, hint: int) -> int:
        """The best allowed token among those scoring at least as well as the allowed ``hint``.

        The answer is among them, since the hint itself is allowed; they are a handful
        when the guess is right, and at worst the whole vocabulary.
        """
        np = self._np
        above = np.flatnonzero(logits >= logits[hint])
        above = above[np.lexsort((above, -logits[above]))]  # best first, lowest id among equals
        mask = self.allowed(above, logits[above])
        return int(above[int(np.argmax(mask))])

    def _best_of_top(self, logits: Any, k: int) -> int | None:
        """The best allowed token among the best ``k``; None unless that settles the choice."""
        np = self._np
        top = np.argpartition(-logits, k - 1)[:k]
        top = top[np.lexsort((top, -logits[top]))]  # best first, lowest id among equals
        mask = self.allowed(top, logits[top])
        if not mask.any():
            return None
        i = int(np.argmax(mask))
        # a token outside the best k with the same logit could have a lower id
        return int(top[i]) if logits[top[i]] > logits[top[-1]] else None
