"""Guesses of a whole answer, for the embedded model to check in one batch.

Takes the JSON schema of an answer (an object whose every field is a required
string ``enum`` or ``const``, the only kind llmbrief asks for) and the text the
model has written so far; gives the rest of one answer the grammar allows: the
current value finished as its first matching choice, the fields after it with
their first choice, spaced as the model writes them (``{ "a": "x", "b": "y"}``).

The grammar llama-cpp-python builds from such a schema is
``"{" space kv ("," space kv)* "}" space`` with ``space ::= " "?`` and
``kv ::= KEY space ":" space VALUE``, where keys and values are GBNF literals
of what ``json.dumps`` writes: llama.cpp reads the backslash escapes in them,
so ``"India\\u2019s"`` matches ``"India’s"``, the character itself. A value with
a quote, a backslash, a control character or a character beyond the Basic
Multilingual Plane is not written faithfully so, and such a schema gets no
shape. A guess is only a guess: the decoder checks each of its tokens against
the model's own constrained greedy choice and keeps the choice, so a wrong
guess costs time, never a different answer; the shape is also what the decoder
takes the tokens the grammar can allow from (:mod:`llmbrief.nexttokens`), and
there it must be exact (``tests/test_live.py`` checks it against llama.cpp).

:class:`TokenHabits` splits a guess into tokens the way the model itself wrote
the same text before (``North Korea`` + ``n``, where the tokenizer would write
``North Korean``): a guess's text can be right and its tokens still wrong, and
each such token cost a model call and the evaluation of the rest of the guess.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["TOKEN_COST", "AnswerShape", "TokenHabits", "shape_of"]

#: What evaluating one more guessed token (its row of logits included) costs, in model
#: calls: ~4.2 ms against ~30 ms, fitted over the dev set's model calls on 2 cores with
#: whole rows of logits. With the candidates' rows only (llmbrief.nexttokens) both are
#: cheaper, and 1/3, 1/7 and 1/14 decode the dev set within 1% of each other.
TOKEN_COST = 1 / 7

_NEVER: Counter[int] = Counter()  # (never written to)


@dataclass(frozen=True)
class _Piece:
    """One step of the answer: a literal, one of several choices, or an optional space."""

    choices: tuple[str, ...]
    optional_space: bool = False
    #: for an optional space: whether the model's usual answer writes it
    spaced: bool = False


@dataclass(frozen=True)
class AnswerShape:
    """The strings a schema's grammar allows, as a sequence of pieces."""

    pieces: tuple[_Piece, ...]

    def rest(self, written: str) -> str | None:
        """The rest of an answer that begins with ``written``; None if none does."""
        return _complete(self.pieces, 0, written, 0)


def shape_of(schema: Any) -> AnswerShape | None:
    """The shape of a flat all-required object of string choices; None for any other schema."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return None
    props = schema.get("properties")
    if not isinstance(props, dict) or not props:
        return None
    if list(schema.get("required") or []) != list(props):
        return None  # optional fields are ordered differently by the grammar: not guessed
    if schema.get("additionalProperties", False) is not False:
        return None
    pieces: list[_Piece] = [_lit("{"), _space(True)]
    for i, (name, prop) in enumerate(props.items()):
        values = _values(prop)
        if values is None:
            return None
        if i:
            pieces += [_lit(","), _space(True)]
        key, texts = _matched(name), [_matched(v) for v in values]
        if key is None or None in texts:
            return None
        pieces += [_lit(key), _space(False), _lit(":"), _space(True)]
        pieces.append(_Piece(tuple(text for text in texts if text is not None)))
    pieces += [_lit("}"), _space(False)]
    return AnswerShape(tuple(pieces))


def _values(prop: Any) -> Sequence[str] | None:
    if not isinstance(prop, dict):
        return None
    if "const" in prop:
        values = [prop["const"]]
    elif "enum" in prop:
        values = list(prop["enum"])
    else:
        return None
    if not values or not all(isinstance(v, str) for v in values):
        return None
    return values


def _matched(value: str) -> str | None:
    """What the grammar's literal for the JSON string ``value`` matches; None when that
    is not the value between quotes (see the module's docstring)."""
    if any(c in '"\\' or ord(c) < 0x20 or ord(c) > 0xFFFF for c in value):
        return None
    return f'"{value}"'


def _lit(text: str) -> _Piece:
    return _Piece((text,))


def _space(spaced: bool) -> _Piece:
    return _Piece((" ",), optional_space=True, spaced=spaced)


def _complete(pieces: Sequence[_Piece], k: int, written: str, at: int) -> str | None:
    """Match ``written[at:]`` against ``pieces[k:]``; the rest of the first answer that fits."""
    if at == len(written):
        return "".join(_usual(p) for p in pieces[k:])
    if k == len(pieces):
        return None  # written goes on past the end of every answer
    piece = pieces[k]
    left = written[at:]
    for choice in piece.choices:
        if left.startswith(choice):
            rest = _complete(pieces, k + 1, written, at + len(choice))
            if rest is not None:
                return rest
        elif choice.startswith(left):  # written stops inside this choice
            return choice[len(left) :] + "".join(_usual(p) for p in pieces[k + 1 :])
    if piece.optional_space:
        return _complete(pieces, k + 1, written, at)
    return None


def _usual(piece: _Piece) -> str:
    if piece.optional_space:
        return " " if piece.spaced else ""
    return piece.choices[0]


class TokenHabits:
    """How the model splits answer text into tokens, learnt from the answers it wrote.

    For each token of an answer it remembers the token before it and the text ahead
    of it up to the next quote (``North Korean"``); a guess is split the same way
    wherever the same token and text come up again, and as the tokenizer splits it
    elsewhere. Where the text ahead is new but its first word is not (``Kursk`` before
    another region's name), the word is split as the model split it then. Where the
    model has written the same text in more than one way (``{ "`` as one token or
    two), the guess takes the way it wrote most often, and stops after it when the rest
    is long enough that the other way, as often as the model took it, would cost more
    evaluated tokens than the model call stopping costs (:data:`TOKEN_COST`).
    ``piece`` gives a token's text, ``tokenize`` the tokenizer's split.
    """

    def __init__(
        self,
        piece: Callable[[int], str],
        tokenize: Callable[[str], list[int]],
        *,
        limit: int = 50_000,
    ) -> None:
        self._piece_of = piece
        self._tokenize = tokenize
        self._pieces: dict[int, str] = {}
        #: how often the model wrote each token where the key's text lay ahead
        self._seen: dict[tuple[int, str], Counter[int]] = {}
        #: the same, keyed by the word ahead only: how a name is split before other text
        self._words: dict[tuple[int, str], int] = {}
        self._words_both: set[tuple[int, str]] = set()
        self.limit = limit

    def learn(self, prev: int, tokens: Sequence[int]) -> None:
        """The model wrote ``tokens`` after the token ``prev``."""
        if len(self._seen) > self.limit:
            for memory in (self._seen, self._words, self._words_both):
                memory.clear()
        text = "".join(self._piece(t) for t in tokens)
        at = 0
        for t in tokens:
            self._seen.setdefault((prev, _ahead(text, at)), Counter())[t] += 1
            _remember(self._words, self._words_both, (prev, _word(text, at)), t)
            at += len(self._piece(t))
            prev = t

    def split(self, prev: int, text: str) -> list[int]:
        """Tokens for ``text`` written after ``prev``: the model's habits, else the tokenizer's."""
        out: list[int] = []
        #: (where, how often the model went another way) for each habit not always kept
        doubts: list[tuple[int, float]] = []
        at = 0
        canonical: list[int] = []  # the tokenizer's split of text[at:], next token last
        while at < len(text):
            seen = self._seen.get((prev, _ahead(text, at)), _NEVER)
            habit = seen.most_common(1)
            token: int | None
            if habit and self._fits(habit[0][0], text, at):
                token, count = habit[0]
                if count < seen.total():
                    doubts.append((len(out), 1 - count / seen.total()))
                canonical = []
            elif (token := self._word_habit(prev, text, at)) is not None:
                canonical = []
            else:
                if not canonical:
                    canonical = self._tokenize(text[at:])[::-1]
                token = canonical.pop() if canonical else None
                if token is None or not self._fits(token, text, at):
                    break  # the tokenizer's pieces do not spell the text: guess no further
            out.append(token)
            at += len(self._piece(token))
            prev = token
        for i, other_way in doubts:
            tail = len(out) - i - 1
            if other_way * (tail * TOKEN_COST + 1) >= 1:
                return out[: i + 1]  # the rest is likely enough wasted to be worth a call
        return out

    def _word_habit(self, prev: int, text: str, at: int) -> int | None:
        """How the model split the word ahead after ``prev`` before other text, if one way."""
        key = (prev, _word(text, at))
        token = self._words.get(key)
        if token is None or key in self._words_both or not self._fits(token, text, at):
            return None
        return token

    def _fits(self, token: int, text: str, at: int) -> bool:
        piece = self._piece(token)
        return bool(piece) and text.startswith(piece, at)

    def _piece(self, token: int) -> str:
        piece = self._pieces.get(token)
        if piece is None:
            piece = self._pieces[token] = self._piece_of(token)
        return piece


def _remember(seen: dict[Any, int], both: set[Any], key: Any, token: int) -> None:
    if seen.setdefault(key, token) != token:
        seen[key] = token
        both.add(key)


def _word(text: str, at: int) -> str:
    """The text from ``at`` to the next space or quote after its first character, included."""
    ends = [i for i in (text.find(" ", at + 1), text.find('"', at + 1)) if i >= 0]
    return text[at : min(ends) + 1] if ends else text[at:]


def _ahead(text: str, at: int) -> str:
    """The text from ``at`` up to and including the next quote after its first character."""
    end = text.find('"', at + 1)
    return text[at:] if end < 0 else text[at : end + 1]
