"""Seconds the spaCy analysis adds per seed article once the pipeline is loaded."""

from __future__ import annotations

from common import SEEDS, Options, Result, median, timed


def bench(opt: Options) -> Result:
    from llmbrief import analysis

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    load, _, _ = timed(lambda: analysis.parse_many(texts[:1]))  # loads spaCy and its pipeline
    per_article = []
    for _ in range(opt.reps):
        t, _, _ = timed(lambda: analysis.parse_many(texts))
        per_article.append(t / len(texts))
    m = median(per_article)
    return Result(
        "analysis", "spaCy parse per seed article, loaded", m, "s", "≤ 0.3 s", m <= 0.3,
        {"reps": opt.reps, "median_s": m, "load_s": load, "pipeline": analysis.pipeline_name(),
         "articles": len(texts), "chars": sum(len(t) for t in texts)},
        note=f"loading spaCy {load:.2f} s",
    )  # fmt: skip
