"""llmbrief.nexttokens: the candidate next tokens are exactly those the shape allows.

The reference is the definition, by brute force: a token is allowed after the text
written so far when the text and the token's bytes begin some answer of the shape
(:meth:`AnswerShape.rest` is not None), whatever the vocabulary's tokens are.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from llmbrief import nexttokens
from llmbrief.drafts import AnswerShape, shape_of
from llmbrief.nexttokens import NextTokens, Pieces

SCHEMA = {
    "type": "object",
    "properties": {
        "figure": {"const": "about 1,200"},
        "what": {"enum": ["deployed", "delivered", "other"]},
        "sender": {"enum": ["Peru", "Peru's army", "Perú", "none"]},
        "status": {"enum": ["confirmed", "claimed", "possible"]},
    },
    "required": ["figure", "what", "sender", "status"],
}

ANSWERS = [
    '{ "figure": "about 1,200", "what": "deployed", "sender": "Peru", "status": "claimed"}',
    '{"figure":"about 1,200","what":"other","sender":"Peru\'s army","status":"possible"} ',
    '{ "figure" : "about 1,200", "what" : "delivered", "sender": "Per\\u00fa", '
    '"status": "confirmed" }',
]


def _shape() -> AnswerShape:
    shape = shape_of(SCHEMA)
    assert shape is not None
    return shape


def _vocabulary(seed: int) -> list[bytes]:
    """Every ASCII character, tokens across the JSON punctuation, pieces of the answers,
    tokens that never fit, and a few duplicates (two ids, the same bytes)."""
    rng = random.Random(seed)
    words = [chr(c) for c in range(32, 127)]
    words += ['{ "', '{"', '": "', '":"', '", "', '","', '"}', '" }', ' "', '" :', "\\u00",
              "Peru", " Peru", "'s", " army", "about", " 1", ",200", "deploy", "ed", "del",
              "ivered", "claim", "confirmed", "possible", "none", "Hello", " world", "}\n"]  # fmt: skip
    for answer in ANSWERS:
        for _ in range(40):
            i = rng.randrange(len(answer))
            words.append(answer[i : i + rng.randint(2, 9)])
    words += rng.sample(words, 10)  # duplicates
    return [w.encode() for w in words] + [b"", "é".encode()]


def _allowed(shape: AnswerShape, vocab: list[bytes], written: bytes) -> set[int]:
    text = written.decode()
    return {
        t
        for t, piece in enumerate(vocab)
        if piece and shape.rest(text + piece.decode("utf-8", "replace")) is not None
    }


@pytest.mark.parametrize("seed", range(4))
def test_the_candidates_are_exactly_the_tokens_the_shape_allows(seed: int) -> None:
    vocab = _vocabulary(seed)
    eog = len(vocab)
    pieces = Pieces([*vocab, b"<eos>"], [eog])
    shape = _shape()
    nexts = NextTokens(shape, pieces)
    for answer in ANSWERS:
        data = answer.encode()
        cursor = nexts.start()
        for i in range(len(data) + 1):
            expected = _allowed(shape, vocab, data[:i]) | {eog}
            assert set(nexts.candidates(cursor)) == expected, data[:i]
            if i < len(data):  # one byte on, as a one-character token
                cursor = nexts.advance(cursor, [vocab.index(data[i : i + 1])])


def test_candidates_are_sorted_and_include_the_end_of_generation() -> None:
    vocab = _vocabulary(0)
    pieces = Pieces([*vocab, b"<eos>", b"<end_of_turn>"], [len(vocab) + 1, len(vocab)])
    nexts = NextTokens(_shape(), pieces)
    found = nexts.candidates(nexts.start())
    assert found == sorted(found)
    assert {len(vocab), len(vocab) + 1} <= set(found)
    assert vocab.index(b"{") in found and vocab.index(b'{ "') in found
    assert vocab.index(b"Hello") not in found


def test_a_cursor_follows_tokens_of_any_split_and_dies_on_a_forbidden_one() -> None:
    vocab = _vocabulary(1)
    nexts = NextTokens(_shape(), Pieces(vocab, []))
    by_bytes = nexts.advance(nexts.start(), [vocab.index(b"{"), vocab.index(b" "),
                                             vocab.index(b'"')])  # fmt: skip
    at_once = nexts.advance(nexts.start(), [vocab.index(b'{ "')])
    assert by_bytes == at_once and at_once.alive
    assert not nexts.advance(at_once, [vocab.index(b"Hello")]).alive
    # the answer's end: only the optional space is left (and the end of generation)
    end = nexts.advance(nexts.start(), [vocab.index(bytes([b])) for b in ANSWERS[0].encode()])
    assert {vocab[t] for t in nexts.candidates(end)} == {b" "}


def test_lookup_finds_every_token_of_a_text_and_whether_longer_ones_begin_so() -> None:
    pieces = Pieces([b"ab", b"a", b"abc", b"ab", b"b", b"", b"x\0"], [])
    assert pieces.lookup(b"ab") == ([0, 3], True)
    assert pieces.lookup(b"abc") == ([2], False)
    assert pieces.lookup(b"b") == ([4], False)
    assert pieces.lookup(b"c") == ([], False)
    assert pieces.lookup(b"x") == ([], False)  # a token with a NUL byte is never a candidate


class _FakeLlama:
    """What llama_pieces reads, counted."""

    def __init__(self) -> None:
        self.reads = 0


def test_the_vocabulary_is_read_once_and_kept_by_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("LLMBRIEF_DB", raising=False)
    vocab = _vocabulary(2)

    def read(llama: Any) -> Pieces:
        llama.reads += 1
        return Pieces(vocab, [3])

    monkeypatch.setattr(nexttokens, "_read_pieces", read)
    llama = _FakeLlama()
    first = nexttokens.llama_pieces(llama, "model-a")
    again = nexttokens.llama_pieces(llama, "model-a")
    assert llama.reads == 1
    assert again.by_id == first.by_id == vocab and again.eog == (3,)
    assert again.order == first.order
    assert again.lookup(b"Peru") == first.lookup(b"Peru")
    nexttokens.llama_pieces(llama, "model-b")  # another model: read anew
    assert llama.reads == 2
    assert len(list(tmp_path.glob("llmbrief/vocab-*.npz"))) == 2
    assert np.load(next(tmp_path.glob("llmbrief/vocab-*.npz")))["by_id"].dtype.kind == "S"


def test_characters_beyond_ascii_are_matched_byte_by_byte() -> None:
    """The grammar matches ``ü`` and ``’`` as themselves; tokens may hold a part of one
    (a lone byte, or the last bytes of one and the text after it)."""
    import itertools

    schema = {
        "type": "object",
        "properties": {
            "who": {"enum": ["Zürich’s mayor", "Zug", "none"]},
            "status": {"enum": ["actual", "planned"]},
        },
        "required": ["who", "status"],
    }
    shape = shape_of(schema)
    assert shape is not None
    options = [(*p.choices, "") if p.optional_space else p.choices for p in shape.pieces]
    language = {"".join(parts).encode() for parts in itertools.product(*options)}
    begun = {a[:k] for a in language for k in range(len(a) + 1)}  # what answers begin with
    ue, quote = "ü".encode(), "’".encode()
    vocab = [bytes([b]) for b in range(1, 256)] + [
        ue, ue[:1], ue[1:] + b"rich", quote, quote[:2], quote[2:] + b"s", quote[1:],
        b'"Z', b'"Zu', b"\xc3\xa9", b"\xe2", b'": "', b'", "', b'"}',
    ]  # fmt: skip
    nexts = NextTokens(shape, Pieces(vocab, []))
    for answer in sorted(language)[::23]:
        cursor = nexts.start()
        for i in range(len(answer) + 1):
            written = answer[:i]
            expected = {t for t, p in enumerate(vocab) if written + p in begun}
            assert set(nexts.candidates(cursor)) == expected, written
            if i < len(answer):  # one byte on (the token of byte b is b - 1)
                cursor = nexts.advance(cursor, [answer[i] - 1])
