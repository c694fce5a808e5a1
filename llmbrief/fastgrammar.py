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
"""

from __future__ import annotations

import ctypes
from typing import Any

__all__ = ["install"]


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
