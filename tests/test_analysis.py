"""llmbrief.analysis: spaCy's parse as a plain token table, and its cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmbrief import analysis
from llmbrief.analysis import Parsed, analyse, from_json, parse_many, to_json
from llmbrief.store import Store

TEXTS = [
    "Germany delivered 18 Leopard tanks to Kyiv.",
    "North Korea may send up to 5,000 workers to Russia. Officials in Seoul said so.",
    "The health ministry in Gaza reported on Monday.\nIt said 41 people were killed.",
    "Sudan's army said 35 fighters died near El Fasher, according to the UN.",
    "Thai Prime Minister Somchai Rattana will visit Myanmar next week.",
]


@pytest.fixture(scope="module")
def parsed() -> list[Parsed]:
    return parse_many(TEXTS)


def test_parse_many_keeps_order_and_text(parsed: list[Parsed]) -> None:
    assert [p.text for p in parsed] == TEXTS


@pytest.mark.parametrize("n", range(len(TEXTS)))
def test_token_offsets_are_raw_offsets(parsed: list[Parsed], n: int) -> None:
    p = parsed[n]
    assert p.tokens, "no tokens"
    for k, t in enumerate(p.tokens):
        assert t.i == k
        assert p.text[t.start : t.end] == t.text
        assert 0 <= t.head < len(p.tokens)
        assert 0 <= t.sent < len(p.sents)


@pytest.mark.parametrize("n", range(len(TEXTS)))
def test_sentences_cover_their_tokens(parsed: list[Parsed], n: int) -> None:
    p = parsed[n]
    for si, s in enumerate(p.sents):
        assert p.tokens[s.first].start == s.start
        for i in range(s.first, s.last + 1):
            assert p.tokens[i].sent == si
            assert p.sentence_of(i) == s


@pytest.mark.parametrize(
    ("n", "sentences"),
    [(0, 1), (1, 2), (2, 2), (3, 1), (4, 1)],
)
def test_sentence_count(parsed: list[Parsed], n: int, sentences: int) -> None:
    assert len(parsed[n].sents) == sentences


@pytest.mark.parametrize(
    ("text", "first_sentence"),
    [
        # a headline ends at its line: it is never the subject of the sentence below it
        ("Aid Convoy Reaches Northern Towns After Weeks of Talks\nTrucks carrying 40 tonnes "
         "of food crossed the border on Monday.", "Aid Convoy Reaches Northern Towns After "
         "Weeks of Talks"),
        # a line hard-wrapped inside a sentence does not end it
        ("Ministers met in Lima on Monday and agreed that Peru will\nsend 300 soldiers to "
         "Haiti next year.", "Ministers met in Lima on Monday and agreed that Peru will\n"
         "send 300 soldiers to Haiti next year."),
        # the first line is a title when the next starts anew, capitals or not
        ("Ghana may send 200 engineers to Togo, radio station reports\nGhana is weighing "
         "sending 200 engineers to Togo.", "Ghana may send 200 engineers to Togo, radio "
         "station reports"),
        ("Ghana may send 200 military engineers and medics\nto Togo, radio station reports.",
         "Ghana may send 200 military engineers and medics\nto Togo, radio station reports."),
        # a blank line ends a sentence, whatever its last line looks like
        ("to send 14 tanks to Chad in the weeks ahead, the ministry says\n\nabout 30 trucks "
         "are to follow.", "to send 14 tanks to Chad in the weeks ahead, the ministry says"),
        # a line's sentence goes on after its first word
        ("All news\n\nUK to send 14 tanks to Chad in the weeks ahead\n\nMore later.",
         "All news"),
        # a line's opening ISO date is a dateline of its own
        (" date 2024-05-17 Chad to send 300 soldiers to Niger in new mission\nMore.",
         "date 2024-05-17"),
        # a byline or a dateline line ends its sentence
        ("Published: 4 Mar. 2025, 09:15\nGhana is weighing sending 200 engineers to Togo.",
         "Published: 4 Mar. 2025, 09:15"),
        ("- ANA SOUZA\nGhana is weighing sending 200 engineers to Togo.", "- ANA SOUZA"),
    ],
)  # fmt: skip
def test_line_breaks(text: str, first_sentence: str) -> None:
    (p,) = parse_many([text])
    s = p.sents[0]
    assert text[s.start : s.end].strip() == first_sentence


def test_a_line_is_not_cut_after_its_first_word() -> None:
    text = "All news\n\nUK to send 14 tanks to Chad in the weeks ahead\n\nMore later."
    (p,) = parse_many([text])
    assert "UK to send 14 tanks to Chad in the weeks ahead" in [
        text[s.start : s.end] for s in p.sents
    ]


def test_a_word_after_a_line_start_starts_no_sentence() -> None:
    """Only the first word of a line can start a sentence for the line rule: "A" on its
    own never becomes one ("A further 139 people" stays one sentence)."""
    text = "The ministry gave the toll.\n\nA further 139 people were wounded, it said."
    (p,) = parse_many([text])
    assert [text[s.start : s.end] for s in p.sents] == [
        "The ministry gave the toll.",
        "A further 139 people were wounded, it said.",
    ]


def _tok(p: Parsed, text: str) -> int:
    return next(t.i for t in p.tokens if t.text == text)


@pytest.mark.parametrize(
    ("n", "word", "entity", "label"),
    [
        (1, "Korea", "North Korea", "GPE"),
        (0, "Germany", "Germany", "GPE"),
        (4, "Rattana", "Somchai Rattana", "PERSON"),
    ],
)
def test_entity_at(parsed: list[Parsed], n: int, word: str, entity: str, label: str) -> None:
    p = parsed[n]
    i = _tok(p, word)
    span = p.entity_at(i)
    assert span is not None
    assert p.span_text(*span)[2] == entity
    assert p.tokens[i].ent == label
    assert p.tokens[span[0]].ent_start


def test_entity_at_outside_an_entity(parsed: list[Parsed]) -> None:
    p = parsed[0]
    assert p.entity_at(_tok(p, "delivered")) is None


def test_tree_helpers(parsed: list[Parsed]) -> None:
    p = parsed[0]
    verb = _tok(p, "delivered")
    tanks = _tok(p, "tanks")
    assert p.tokens[verb].dep == "ROOT"
    assert any(c.i == tanks for c in p.children(verb))
    assert verb in [a.i for a in p.ancestors(tanks)]
    assert p.subtree(verb) == list(range(len(p.tokens)))
    sub = p.subtree(tanks)
    assert p.span_text(sub[0], sub[-1])[2] == "18 Leopard tanks"
    assert [t.text for t in p.tokens_in(18, 20)] == ["18"]


def test_paragraph_start_of_first_sentence(parsed: list[Parsed]) -> None:
    assert parsed[2].paragraph_start(0)


def test_no_paragraph_start_without_a_line_break(parsed: list[Parsed]) -> None:
    assert not parsed[1].paragraph_start(1)


@pytest.mark.parametrize("n", range(len(TEXTS)))
def test_cache_round_trip(parsed: list[Parsed], n: int) -> None:
    p = parsed[n]
    back = from_json(p.text, to_json(p))
    assert back == p
    assert back is not None and back.children(0) == p.children(0)


def test_cache_of_another_format_is_ignored(parsed: list[Parsed]) -> None:
    data = to_json(parsed[0]).replace(f'"f":{analysis.FORMAT}', '"f":-1')
    assert from_json(parsed[0].text, data) is None


class FakeStore:
    """A dict with the Store's get/put."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.puts = 0

    def get(self, key: str) -> Any | None:
        return self.data.get(key)

    def put(self, key: str, value: Any) -> None:
        self.puts += 1
        self.data[key] = value


def _counting_parse(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = analysis.parse_many

    def counting(texts: Any) -> list[Parsed]:
        calls.append(len(texts))
        return real(texts)

    monkeypatch.setattr(analysis, "parse_many", counting)
    return calls


def test_analyse_with_a_store_parses_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_parse(monkeypatch)
    store = FakeStore()
    text = "Poland received 24 drones from Turkey in June."
    first = analyse(text, store)
    second = analyse(text, store)
    assert calls == [1]
    assert store.puts == 1
    assert first == second
    assert second.tokens[2].text == "24"


def test_analyse_without_a_store_parses_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_parse(monkeypatch)
    text = "Chad sent 500 soldiers to Niger."
    assert analyse(text) == analyse(text)
    assert calls == [1, 1]


def test_analyse_different_texts_are_different_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_parse(monkeypatch)
    store = FakeStore()
    a = analyse("Kenya sent 400 police officers to Haiti.", store)
    b = analyse("Kenya sent 400 police officers to Haiti!", store)
    assert len(calls) == 2 and len(store.data) == 2
    assert a.text != b.text


def test_analyse_with_a_real_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_parse(monkeypatch)
    text = "Brazil donated 20 ambulances to Bolivia."
    first = analyse(text, Store(tmp_path / "cache.db"))
    second = analyse(text, Store(tmp_path / "cache.db"))  # a new connection, same file
    assert calls == [1]
    assert first == second


def test_analyse_ignores_a_stale_cache_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    store = FakeStore()
    text = "Spain sent 30 engineers to Chad."
    analyse(text, store)
    (key,) = store.data
    store.data[key] = store.data[key].replace(f'"f":{analysis.FORMAT}', '"f":-1')
    calls = _counting_parse(monkeypatch)
    again = analyse(text, store)
    assert calls == [1]
    assert again.tokens[2].text == "30"


@pytest.fixture(scope="module")
def plain() -> Any:
    """The installed English pipeline as ``spacy.load`` gives it, with llmbrief's line breaks."""
    import spacy

    meta = analysis._load().meta
    nlp = spacy.load(f"{meta['lang']}_{meta['name']}")
    analysis._add_line_breaks(nlp)
    return nlp


def test_the_left_out_components_are_the_disabled_ones(plain: Any) -> None:
    assert set(analysis.UNUSED) <= set(plain.disabled)
    assert analysis._load().pipe_names == plain.pipe_names


def test_the_tokenizer_from_files_is_the_pipelines_own(plain: Any) -> None:
    ours = analysis._load().tokenizer.to_bytes(exclude=["vocab"])
    assert ours == plain.tokenizer.to_bytes(exclude=["vocab"])


def test_the_lean_pipeline_parses_as_the_plain_one(plain: Any) -> None:
    name = analysis.pipeline_name()
    texts = [*TEXTS, "U.S. officials said 1,200 troops (about 3%) left on 2024-05-17... :-)"]
    expected = [
        analysis._from_doc(t, d, name) for t, d in zip(texts, plain.pipe(texts), strict=True)
    ]
    assert parse_many(texts) == expected
