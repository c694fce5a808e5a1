"""The tokens an answer's grammar can allow next, found without the whole vocabulary.

Takes the vocabulary as llama.cpp's grammar sees it (each token's bytes,
:class:`Pieces`) and an answer's shape (:mod:`llmbrief.drafts`); gives, for a
point in the answer, every token whose bytes continue the text written so far
into some answer the shape allows, plus the tokens that end generation. The
grammar itself then decides among these few: a greedy choice over them is the
greedy choice over the whole vocabulary, as long as they include every token the
grammar allows (``tests/test_live.py`` checks that against llama.cpp's grammar
over all 262,144 tokens).

Why: the embedded decoder asks llama.cpp for the logits of these tokens only
(``llama_set_output_vocab``, added by ``tools/build_llama_cpp.py``). The output
layer is a 262,144-row product: ~15 ms per model call and ~2.5 ms per row of
logits on 2 cores, half the time of checking a guessed answer (bench/README.md).

A point in the answer is a :class:`Cursor`, the set of places in the shape the
bytes written so far can have reached (a small automaton over bytes: a shape's
choices and optional spaces make several at once). :meth:`NextTokens.candidates`
walks the continuations from there byte by byte, as long as some token's bytes
still begin so (a binary search in the sorted pieces), and collects the tokens
met on the way.
"""

from __future__ import annotations

import hashlib
import os
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmbrief.drafts import AnswerShape

__all__ = ["Cursor", "NextTokens", "Pieces", "llama_pieces"]

#: where the automaton is: piece k, choice c, o bytes of it matched; (len(pieces), 0, 0)
#: is the end of the answer
_State = tuple[int, int, int]


class Pieces:
    """A vocabulary's token bytes: by token id, and sorted for prefix search.

    ``by_id[t]`` is what llama.cpp's grammar matches token ``t`` against (its text
    with special tokens spelled out); ``eog`` the tokens that end generation. Tokens
    with no bytes, or with a NUL byte, can never continue a JSON answer and are left
    out of the search.
    """

    def __init__(
        self, by_id: Sequence[bytes], eog: Sequence[int], order: Sequence[int] | None = None
    ) -> None:
        self.by_id = list(by_id)
        self.eog = tuple(sorted(eog))
        if order is None:
            order = sorted(
                (t for t, p in enumerate(self.by_id) if p and b"\0" not in p),
                key=self.by_id.__getitem__,
            )
        self.order = list(order)
        self._sorted = [self.by_id[t] for t in self.order]

    def lookup(self, prefix: bytes) -> tuple[list[int], bool]:
        """The tokens whose bytes are ``prefix``, and whether longer ones begin with it."""
        keys = self._sorted
        i = bisect_left(keys, prefix)
        ids = []
        while i < len(keys) and keys[i] == prefix:
            ids.append(self.order[i])
            i += 1
        return ids, i < len(keys) and keys[i].startswith(prefix)


@dataclass(frozen=True)
class Cursor:
    """The places in the shape that the bytes written so far reach (empty: none does)."""

    states: frozenset[_State]

    @property
    def alive(self) -> bool:
        return bool(self.states)


class NextTokens:
    """The candidate next tokens of one answer shape over one vocabulary."""

    def __init__(self, shape: AnswerShape, pieces: Pieces) -> None:
        self.pieces = pieces
        self._choices = [tuple(c.encode("utf-8") for c in p.choices) for p in shape.pieces]
        self._optional = [p.optional_space for p in shape.pieces]
        self._end: _State = (len(self._choices), 0, 0)
        self._moves: dict[frozenset[_State], dict[int, frozenset[_State]]] = {}
        self._found: dict[frozenset[_State], list[int]] = {}

    def start(self) -> Cursor:
        """Before the answer's first byte."""
        out: set[_State] = set()
        self._enter(0, out)
        return Cursor(frozenset(out))

    def advance(self, cursor: Cursor, tokens: Sequence[int]) -> Cursor:
        """After ``tokens`` more (dead, once a token's bytes leave every answer)."""
        states = cursor.states
        for t in tokens:
            for byte in self.pieces.by_id[t]:
                states = self._step(states).get(byte, frozenset())
                if not states:
                    return Cursor(states)
        return Cursor(states)

    def candidates(self, cursor: Cursor) -> list[int]:
        """Every token the shape allows next at ``cursor``, and the end-of-generation
        tokens; sorted by id."""
        found = self._found.get(cursor.states)
        if found is None:
            ids = set(self.pieces.eog)
            stack: list[tuple[bytes, frozenset[_State]]] = [(b"", cursor.states)]
            while stack:
                prefix, states = stack.pop()
                for byte, after in self._step(states).items():
                    longer = prefix + bytes((byte,))
                    exact, more = self.pieces.lookup(longer)
                    ids.update(exact)
                    if more:
                        stack.append((longer, after))
            found = self._found[cursor.states] = sorted(ids)
        return found

    def _step(self, states: frozenset[_State]) -> dict[int, frozenset[_State]]:
        """Where each next byte takes ``states`` (bytes that lead nowhere are absent)."""
        moves = self._moves.get(states)
        if moves is None:
            grouped: dict[int, set[_State]] = {}
            for k, c, o in states:
                if (k, c, o) == self._end:
                    continue
                choice = self._choices[k][c]
                after = grouped.setdefault(choice[o], set())
                if o + 1 < len(choice):
                    after.add((k, c, o + 1))
                else:
                    self._enter(k + 1, after)
            moves = self._moves[states] = {b: frozenset(s) for b, s in grouped.items()}
        return moves

    def _enter(self, k: int, out: set[_State]) -> None:
        """Add the places at the beginning of piece ``k`` (past it, if it can be empty)."""
        if k == len(self._choices):
            out.add(self._end)
            return
        for c, choice in enumerate(self._choices[k]):
            if choice:
                out.add((k, c, 0))
            else:
                self._enter(k + 1, out)
        if self._optional[k]:
            self._enter(k + 1, out)


def llama_pieces(llama: Any, identity: str) -> Pieces:
    """The pieces of a ``llama_cpp.Llama``'s vocabulary, as its grammar sees them.

    Reading 262,144 tokens through llama.cpp takes ~0.5 s, so the result is kept in
    the cache folder (``$XDG_CACHE_HOME/llmbrief``, beside ``$LLMBRIEF_DB`` when set)
    under ``identity`` (the model file and the library's version).
    """
    import numpy as np

    path = _cache_file(identity)
    try:
        with np.load(path) as saved:
            return Pieces(saved["by_id"].tolist(), saved["eog"].tolist(), saved["order"].tolist())
    except (OSError, KeyError, ValueError):
        pass  # not saved yet, or unreadable: read the vocabulary
    pieces = _read_pieces(llama)
    width = max(1, max(len(p) for p in pieces.by_id))
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            tmp,
            by_id=np.array(pieces.by_id, dtype=f"S{width}"),
            eog=np.array(pieces.eog, dtype=np.int32),
            order=np.array(pieces.order, dtype=np.int32),
        )
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only cache folder: read it every time
    return pieces


def _read_pieces(llama: Any) -> Pieces:
    import ctypes

    import llama_cpp

    vocab = llama._model.vocab
    size = 256
    buf = ctypes.create_string_buffer(size)
    to_piece = llama_cpp.llama_token_to_piece
    by_id: list[bytes] = []
    eog: list[int] = []
    for t in range(int(llama.n_vocab())):
        n = to_piece(vocab, t, buf, size, 0, True)
        # a NUL ends a numpy bytes value early: such pieces are left out of the search anyway
        by_id.append(buf.raw[:n].rstrip(b"\0") if n > 0 else b"")
        if llama_cpp.llama_vocab_is_eog(vocab, t):
            eog.append(t)
    return Pieces(by_id, eog)


def _cache_file(identity: str) -> Path:
    from llmbrief.config import cache_folder

    key = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:20]
    return cache_folder() / f"vocab-{key}.npz"
