"""The answer guesses of llmbrief.drafts: what the grammar allows, spaced as the model writes."""

from __future__ import annotations

import json

import pytest

from llmbrief.drafts import AnswerShape, TokenHabits, shape_of

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "figure": {"const": "up to 40", "type": "string"},
        "what": {"enum": ["sent", "other"], "type": "string"},
        "sender": {"enum": ["Chile", "Chile's navy", "none"], "type": "string"},
    },
    "required": ["figure", "what", "sender"],
}


def _shape() -> AnswerShape:
    shape = shape_of(SCHEMA)
    assert shape is not None
    return shape


def test_an_empty_answer_is_guessed_whole_with_first_choices() -> None:
    guess = _shape().rest("")
    assert guess == '{ "figure": "up to 40", "what": "sent", "sender": "Chile"}'
    assert json.loads(guess) == {"figure": "up to 40", "what": "sent", "sender": "Chile"}


def test_a_value_begun_is_finished_as_the_first_choice_it_can_still_be() -> None:
    assert _shape().rest('{ "figure": "up to 40", "what": "o') == 'ther", "sender": "Chile"}'
    written = '{ "figure": "up to 40", "what": "other", "sender": "Chile\''
    assert _shape().rest(written) == 's navy"}'


def test_other_spacing_is_followed_wherever_the_grammar_allows_it() -> None:
    # the grammar allows no space, or one, around every separator
    assert _shape().rest('{"figure" :"up to 40",') == ' "what": "sent", "sender": "Chile"}'
    assert _shape().rest('{ "figure": "up to 40", "what": "sent", "sender": "none"}') == ""
    assert _shape().rest('{ "figure": "up to 40", "what": "sent", "sender": "none"} ') == ""


def test_text_no_answer_begins_with_has_no_guess() -> None:
    assert _shape().rest('{ "figure": "30"') is None
    assert _shape().rest('{ "figure": "up to 40", "what": "killed"') is None
    assert _shape().rest('{ "figure": "up to 40", "what": "sent", "sender": "none"}}') is None


def test_values_are_written_as_the_grammar_reads_them() -> None:
    """llama-cpp-python puts ``json.dumps``' text in GBNF literals, whose ``\\u00fc``
    llama.cpp reads as the character itself: the answer holds ``ü``, not the escape."""
    schema = {
        "type": "object",
        "properties": {"who": {"enum": ["Zürich’s mayor", "none"]}},
        "required": ["who"],
    }
    shape = shape_of(schema)
    assert shape is not None
    assert shape.rest("") == '{ "who": "Zürich’s mayor"}'
    assert shape.rest('{ "who": "Z') == 'ürich’s mayor"}'
    assert shape.rest('{ "who": "Z\\u00fc') is None


@pytest.mark.parametrize("value", ['the "Iron" unit', "a\\b", "tab\there", "emoji 🙂"])
def test_a_value_the_grammar_would_not_write_faithfully_gives_no_shape(value: str) -> None:
    schema = {"type": "object", "properties": {"a": {"enum": [value]}}, "required": ["a"]}
    assert shape_of(schema) is None


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array"},
        {"type": "object", "properties": {}, "required": []},
        {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
        {"type": "object", "properties": {"a": {"enum": [1, 2]}}, "required": ["a"]},
        {"type": "object", "properties": {"a": {"enum": ["x"]}}, "required": []},
        {
            "type": "object",
            "properties": {"a": {"enum": ["x"]}},
            "required": ["a"],
            "additionalProperties": True,
        },
    ],
)
def test_any_other_schema_is_not_guessed(schema: dict[str, object]) -> None:
    assert shape_of(schema) is None


PIECES = ["{", ' "', " ", '"', "North", " Korea", " Korean", "n", '",', '"}', "K", "ursk", "Kursk"]


def _habits() -> TokenHabits:
    def tokenize(text: str) -> list[int]:  # longest piece first, as a tokenizer would
        out, at = [], 0
        while at < len(text):
            t = max((i for i, p in enumerate(PIECES) if text.startswith(p, at)),
                    key=lambda i: len(PIECES[i]))  # fmt: skip
            out.append(t)
            at += len(PIECES[t])
        return out

    return TokenHabits(PIECES.__getitem__, tokenize)


def _texts(tokens: list[int]) -> list[str]:
    return [PIECES[t] for t in tokens]


def test_a_guess_is_split_as_the_tokenizer_splits_it_until_the_model_showed_its_way() -> None:
    habits = _habits()
    text = '"North Korean", "Kursk"}'
    assert _texts(habits.split(0, text)) == ['"', "North", " Korean", '",', ' "', "Kursk", '"}']
    model_wrote = [3, 4, 5, 7, 8, 1, 10, 11, 9]  # '"North Korea' 'n' ... 'K' 'ursk'
    habits.learn(0, model_wrote)
    assert habits.split(0, text) == model_wrote
    # the same text after another token is not the same habit
    assert _texts(habits.split(4, ' Korean"')) == [" Korea", "n", '"']
    assert _texts(habits.split(1, ' Korean"')) == [" Korean", '"']
    # a text the model never wrote: the tokenizer's way, the habits again where they apply
    assert _texts(habits.split(4, ' Korea", "Kursk"}')) == [" Korea", '",', ' "', "K", "ursk", '"}']


def test_a_guess_stops_where_the_model_went_two_ways_if_much_of_it_is_left() -> None:
    habits = _habits()
    habits.learn(0, [1, 4])  # '{' then ' "' ...
    habits.learn(0, [2, 3, 4])  # ... or ' ' then '"', as often
    # a short rest: guessed on, the way seen first (the other way wastes little)
    assert _texts(habits.split(0, ' "North')) == [' "', "North"]
    # a long rest after an even split: the guess ends at the doubt (worth a model call)
    long = ' "North Korea", "Kursk", "Kursk", "Kursk", "Kursk", "North Korea"}'
    assert _texts(habits.split(0, long)) == [' "']
    assert _texts(habits.split(2, '"North')) == ['"', "North"]


def test_a_way_the_model_nearly_always_takes_is_guessed_on() -> None:
    habits = _habits()
    for _ in range(9):
        habits.learn(0, [1, 4])  # ' "' then 'North', nine times
    habits.learn(0, [2, 3, 4])  # ' ' then '"' once
    text = ' "North Korea", "Kursk", "Kursk", "Kursk", "Kursk", "North Korea"}'
    whole = habits.split(0, text)
    assert "".join(_texts(whole)) == text
    # once the other way is as likely, the same long rest is not worth guessing
    for _ in range(8):
        habits.learn(0, [2, 3, 4])
    assert _texts(habits.split(0, text)) == [' "']


def test_a_word_the_model_split_its_own_way_is_split_so_before_other_text() -> None:
    habits = _habits()
    habits.learn(0, [3, 10, 11, 2, 4, 9])  # '"' 'K' 'ursk' ' ' 'North' '"}'
    # new text ahead, the same first word: the model's split of the word, then the tokenizer's
    assert _texts(habits.split(3, 'Kursk Korea"}')) == ["K", "ursk", " Korea", '"}']
    # a word the model wrote both ways is left to the tokenizer
    habits.learn(0, [3, 12, 2, 4, 9])  # '"' 'Kursk' ' ' 'North' '"}'
    assert _texts(habits.split(3, 'Kursk Korea"}')) == ["Kursk", " Korea", '"}']
