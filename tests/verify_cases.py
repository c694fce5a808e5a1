"""Shared helpers for the verifier's tests: seeds, record builders, generated articles.

Run as a script to time the verifier on generated articles::

    .venv/bin/python tests/verify_cases.py [ARTICLES] [RECORDS_PER_ARTICLE]

(default 1,000 articles and 10 records each, i.e. 10,000 records), or on the
hand-written records of ``fixtures/records_seeds.json`` over the seeds::

    .venv/bin/python tests/verify_cases.py seeds [RECORDS]

(default 10,000 records: the fixture's records, over and over).
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from llmbrief.models import (
    AttributeSpan,
    Casualties,
    Deployment,
    DiplomaticVisit,
    Document,
    EquipmentTransfer,
    Evidence,
    Figure,
    Qualifier,
    Source,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_RECORDS = Path(__file__).resolve().parent / "fixtures" / "records_seeds.json"


def seed(prefix: str) -> str:
    """The text of the seed article whose file name starts with ``prefix`` ("004")."""
    (path,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def deployment(
    quotes: list[str] | str,
    text: str | None = None,
    value: float | None = None,
    *,
    low: float | None = None,
    high: float | None = None,
    qualifier: Qualifier = "exact",
    **fields: object,
) -> Deployment:
    """A deployment record with ``count`` made from ``text``/``value`` (None: no count)."""
    if isinstance(quotes, str):
        quotes = [quotes]
    count = None
    if text is not None:
        count = Figure(text=text, value=value, low=low, high=high, qualifier=qualifier)
    return Deployment.model_validate(
        {
            "status": "planned",
            "personnel": "laborers",
            "count": count,
            "evidence": [Evidence(quote=q) for q in quotes],
            **fields,
        }
    )


# ---------------------------------------------------------------- generated text
UNITS = ["workers", "troops", "sappers", "military engineers", "artillery shells", "drones"]
PLACES = ["Kursk Oblast", "the Donetsk region", "Tatarstan", "Pyongyang", "Moscow", "Rason"]
#: The receiving country a generated record gives for each place (None: left null).
RECEIVERS: dict[str, str | None] = {
    "Kursk Oblast": "Russia",
    "the Donetsk region": None,
    "Tatarstan": "Russia",
    "Pyongyang": None,
    "Moscow": "Russia",
    "Rason": None,
}
HEDGES: dict[str, Qualifier] = {
    "": "exact",
    "up to ": "at_most",
    "over ": "over",
    "more than ": "over",
    "around ": "approx",
    "about ": "approx",
    "an estimated ": "approx",
    "at least ": "at_least",
    "as many as ": "at_most",
    "fewer than ": "under",
}
WORD_NUMBERS: dict[str, int] = {
    "two": 2,
    "Twenty-five thousand": 25000,
    "six-thousand": 6000,
    "four-thousand-100": 4100,
    "three hundred": 300,
    "a dozen": 12,
    "twelve": 12,
    "forty-two": 42,
}
FILLER = [
    "The developments come amid intensifying diplomatic exchanges between the two regimes.",
    "This move would further strengthen the military ties between the two countries.",
    "Officials in Seoul declined to comment on the report.",
    "The Kremlin did not respond to a request for comment.",
    "Analysts say the partnership has deepened since the summit in Pyongyang.",
    "Satellite images showed new construction near the border.",
]


def with_commas(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True)
class Generated:
    """A sentence that states one figure, and what a correct record says about it."""

    sentence: str
    text: str  # the figure as the sentence writes it, hedge included
    hedge: str
    number: str
    value: int
    qualifier: Qualifier
    unit: str = "workers"
    place: str = "Kursk Oblast"

    @property
    def low(self) -> int | None:
        return self.value if self.qualifier in ("exact", "over", "at_least") else None

    @property
    def high(self) -> int | None:
        return self.value if self.qualifier in ("exact", "at_most", "under") else None


def make_sentence(
    value: int, hedge: str, unit: str, place: str, words: str | None = None
) -> Generated:
    """A sentence stating ``hedge`` + ``value`` (digits, or ``words`` if given)."""
    number = words if words is not None else with_commas(value)
    text = f"{hedge}{number}"
    sentence = f"Pyongyang will send {text} {unit} to {place}, officials said."
    return Generated(sentence, text, hedge.strip(), number, value, HEDGES[hedge], unit, place)


def random_sentence(rng: random.Random) -> Generated:
    hedge = rng.choice(list(HEDGES))
    unit = rng.choice(UNITS)
    place = rng.choice(PLACES)
    if rng.random() < 0.2:
        words, value = rng.choice(list(WORD_NUMBERS.items()))
        return make_sentence(value, hedge, unit, place, words)
    return make_sentence(rng.randint(2, 999_999), hedge, unit, place)


def record_for(g: Generated, rng: random.Random, broken: bool = False) -> Deployment | Casualties:
    """A record citing ``g.sentence``: correct, or (``broken``) with the hedge dropped.

    Its attributes are grounded in the sentence: the sender "North Korea" by
    "Pyongyang" (given as a span, or left for the verifier to find), the
    receiver by the span of the place, the rest by their words.
    """
    fig = Figure(text=g.text, value=g.value, low=g.low, high=g.high, qualifier=g.qualifier)
    if broken:
        fig = Figure(text=g.number, value=g.value, low=g.value, high=g.value, qualifier="exact")
    if rng.random() < 0.5:
        return Casualties(
            status="actual",
            force=g.unit,
            killed=fig,
            location=g.place,
            evidence=[Evidence(quote=g.sentence)],
        )
    receiver = RECEIVERS[g.place]
    spans = [AttributeSpan(field="sender", text="Pyongyang")] if rng.random() < 0.5 else []
    if receiver is not None:  # a region alone ("Tatarstan") needs its span to name a country
        spans.append(AttributeSpan(field="receiver", text=g.place))
    return Deployment(
        status="planned",
        personnel="laborers",
        claimant="officials",
        sender="North Korea",
        receiver=receiver,
        destination=g.place,
        personnel_text=g.unit,
        count=fig,
        purpose=None,
        date_text=None,
        evidence=[Evidence(quote=g.sentence)],
        spans=spans,
    )


def make_document(
    rng: random.Random, n_records: int, broken: float = 0.0
) -> tuple[Document, str, int]:
    """A generated article (about 3 kB), a document of records over it, how many are correct.

    A share ``broken`` of the records drop the hedge of a hedged figure.
    """
    parts: list[str] = []
    records: list[Deployment | EquipmentTransfer | Casualties | DiplomaticVisit] = []
    correct = 0
    for _ in range(n_records):
        parts.extend(rng.sample(FILLER, 3))
        g = random_sentence(rng)
        parts.append(g.sentence)
        bad = bool(g.hedge) and rng.random() < broken
        correct += not bad
        records.append(record_for(g, rng, bad))
    text = "Headline\n\n" + "\n".join(" ".join(parts[i : i + 3]) for i in range(0, len(parts), 3))
    return Document(source=Source(path="generated.txt"), records=records), text, correct


def load_gazetteer() -> float:
    """Load the gazetteer's data (once per process, as a run does); the seconds it took."""
    from llmbrief import gazetteer

    t0 = time.perf_counter()
    gazetteer.country_of("Pyongyang")
    return time.perf_counter() - t0


def bench_seeds(n: int) -> int:
    """Time the verifier over ``n`` records of the seed fixture (each against its seed)."""
    import json

    from llmbrief.verify import verify_record

    data = json.loads(SEED_RECORDS.read_text(encoding="utf-8"))
    docs = [Document.model_validate(d) for d in data]
    root = SEEDS.parent
    pairs = [
        (r, (root / d.source.path).read_text(encoding="utf-8")) for d in docs for r in d.records
    ]
    work = [pairs[i % len(pairs)] for i in range(n)]
    loading = load_gazetteer()
    t0 = time.perf_counter()
    for r, text in pairs:  # the first pass: normalizing the seeds
        verify_record(r, text)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    verified = 0
    for r, text in work:
        out = verify_record(r, text)
        verified += bool(out.verification and out.verification.verified)
    elapsed = time.perf_counter() - t0
    print(
        f"{n} records of the seed fixture ({len(pairs)} distinct): {elapsed:.3f} s, "
        f"{verified} verified, {n - verified} rejected; first pass {first:.3f} s, "
        f"gazetteer loaded in {loading:.3f} s"
    )
    return 0


def main(argv: list[str]) -> int:
    from llmbrief.verify import verify_document

    if argv and argv[0] == "seeds":
        return bench_seeds(int(argv[1]) if len(argv) > 1 else 10_000)
    n_articles = int(argv[0]) if argv else 1000
    per = int(argv[1]) if len(argv) > 1 else 10
    rng = random.Random(1234)
    docs = [make_document(rng, per, broken=0.2) for _ in range(n_articles)]
    chars = sum(len(t) for _, t, _ in docs)
    expected = sum(c for _, _, c in docs)
    loading = load_gazetteer()
    t0 = time.perf_counter()
    verified = 0
    for doc, text, _ in docs:
        out = verify_document(doc, text)
        verified += sum(1 for r in out.records if r.verification and r.verification.verified)
    elapsed = time.perf_counter() - t0
    total = n_articles * per
    print(
        f"{total} records over {n_articles} articles ({chars / n_articles:.0f} chars each): "
        f"{elapsed:.3f} s, {verified} verified, {total - verified} rejected "
        f"(gazetteer loaded before, in {loading:.3f} s)"
    )
    return 0 if verified == expected else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
