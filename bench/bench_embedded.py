"""The embedded model per question: the fast sampler against the plain one, answers identical.

The questions are the very requests a brief sends: the pipeline runs once
in-process with the fast sampler (``--no-cache``) over the seeds and a sample
of the dev set, and its call log gives every request, re-asks included. Then
two fresh models, one per sampler (``LLMBRIEF_SAMPLER=plain`` is the previous
release's path: llama-cpp-python's own loop, one model call per token), answer
each request in turn, question by question alternating which goes first, so both
see the same load. Model loading is outside the per-question times. Every
answer of the fast sampler must equal the plain one's. Prefixes saved on disk by
earlier runs are not used (``LLMBRIEF_PREFIX_DIR=off``): the shared prefix is
computed once in this process, on the first question of each kind.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from common import DEVSET, SEEDS, Options, Result, local_model_missing, log, median, timed

#: How the fast sampler's choices were settled: the best token; over the whole vocabulary's
#: row the guess, the best 64, 4096, all; over the candidates' row the grammar's test of them all.
TESTS = ("top1", "hint", "topk", "wide", "vocab", "among")


def dev_sample(n: int) -> list[Path]:
    """``n`` dev-set articles spread evenly over the sorted set (all of them for n < 0)."""
    arts = sorted(DEVSET.glob("*.txt"))
    if n < 0 or n >= len(arts):
        return arts
    return [arts[round(i * len(arts) / n)] for i in range(n)] if n else []


def _settings(opt: Options, db: Path) -> Any:
    from llmbrief.config import resolve_settings

    return resolve_settings({"no_cache": True}, env=opt.sandbox.env(db))


def pipeline_requests(opt: Options, paths: list[Path]) -> tuple[list[dict[str, Any]], float]:
    """Run the brief's extraction over ``paths`` (fast sampler); its requests and seconds."""
    from llmbrief.pipeline import extract_paths

    db = opt.sandbox.new_db()
    settings = _settings(opt, db)
    os.environ["LLMBRIEF_SAMPLER"] = "fast"
    try:
        wall, _, result = timed(lambda: extract_paths(paths, settings))
    finally:
        os.environ.pop("LLMBRIEF_SAMPLER", None)
    if result.failed:
        raise RuntimeError(f"embedded run failed: {[r.error for r in result.failed]}")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT request FROM calls ORDER BY id").fetchall()
    return [json.loads(r[0]) for r in rows], wall


def _content(answer: dict[str, Any]) -> str:
    return str(answer["choices"][0]["message"]["content"])


def answer_side_by_side(opt: Options, requests: list[dict[str, Any]]) -> dict[str, Any]:
    """Both samplers over the same requests, alternating per question; times and answers."""
    from llmbrief.embedded import EmbeddedModel
    from llmbrief.llm import local_model_path

    settings = _settings(opt, opt.sandbox.new_db())
    path = local_model_path(settings)
    models = {}
    loads = {}
    for sampler in ("plain", "fast"):
        loads[sampler], _, models[sampler] = timed(
            lambda s=sampler: EmbeddedModel(path, n_threads=settings.n_threads, sampler=s)
        )
    times: dict[str, list[float]] = {"plain": [], "fast": []}
    answers: dict[str, list[str]] = {"plain": [], "fast": []}
    for i, body in enumerate(requests):
        for sampler in ("plain", "fast") if i % 2 == 0 else ("fast", "plain"):
            model = models[sampler]
            t, _, ans = timed(lambda m=model, b=body: m.complete(b))
            times[sampler].append(t)
            answers[sampler].append(_content(ans))
        if (i + 1) % 10 == 0:
            plain, fast = sum(times["plain"]), sum(times["fast"])
            log(f"  embedded {i + 1}/{len(requests)}: plain {plain:.1f} s, fast {fast:.1f} s")
    fast = models["fast"]
    trace = [t for t in fast.trace if t["path"] == "fast"]
    info = {
        "model_load_s": loads,
        "n_threads": fast.llama.n_threads,
        "fast_model_calls": sum(t["model_calls"] for t in trace),
        "fast_guessed_tokens": sum(t["guessed"] for t in trace),
        "fast_tokens": sum(t["tokens"] for t in trace),
        "fast_prompt_tokens_evaluated": sum(t["prompt_evaluated"] for t in trace),
        "fast_choice_tests": {k: sum(t.get(k, 0) for t in trace) for k in TESTS},
        "fast_prefix_snapshots": [len(s.tokens) for s in fast._fast.cache.snapshots],
        "fast_on_plain_path": sum(1 for t in fast.trace if t["path"] == "plain"),
    }
    for m in models.values():
        m.close()
    return {"times": times, "answers": answers, "info": info}


def bench(opt: Options) -> Result:
    # The prompt prefixes are computed in this process, never read from an earlier run's files.
    os.environ["LLMBRIEF_PREFIX_DIR"] = "off"
    if missing := local_model_missing():
        return Result("embedded", "s per question", None, "s", "≥ 3×", None, note=missing)
    seeds = sorted(SEEDS.glob("*.txt"))
    dev = dev_sample(opt.dev_articles)
    requests, pipeline_s = pipeline_requests(opt, [*seeds, *dev])
    log(f"  embedded: {len(requests)} requests from {len(seeds)} seeds and {len(dev)} dev "
        f"articles ({pipeline_s:.1f} s in the pipeline, fast sampler)")  # fmt: skip
    side = answer_side_by_side(opt, requests)
    times, answers = side["times"], side["answers"]
    same = sum(a == b for a, b in zip(answers["plain"], answers["fast"], strict=True))
    differ = [
        {"request": i, "plain": a, "fast": b}
        for i, (a, b) in enumerate(zip(answers["plain"], answers["fast"], strict=True))
        if a != b
    ]
    per_q = [p / f for p, f in zip(times["plain"], times["fast"], strict=True)]
    speedup = sum(times["plain"]) / sum(times["fast"])
    n = len(requests)
    metrics = {
        "questions": n,
        "seed_articles": len(seeds),
        "dev_articles": [p.stem for p in dev],
        "speedup_total": speedup,
        "speedup_median_per_question": median(per_q),
        "plain_s_per_question": sum(times["plain"]) / n,
        "fast_s_per_question": sum(times["fast"]) / n,
        "plain_median_s": median(times["plain"]),
        "fast_median_s": median(times["fast"]),
        "same_answers": f"{same}/{n}",
        "different_answers": differ,
        "pipeline_fast_s": pipeline_s,
        **side["info"],
        "plain_times": times["plain"],
        "fast_times": times["fast"],
    }
    ok = speedup >= 3.0 and same == n
    return Result(
        "embedded", "s per question, fast vs plain sampler", speedup, "×",
        "≥ 3×, answers identical", ok, metrics,
        note=(f"plain {metrics['plain_s_per_question']:.2f} s, fast "
              f"{metrics['fast_s_per_question']:.2f} s a question; {same}/{n} answers identical "
              f"({len(seeds)} seeds + {len(dev)} dev articles)"),
    )  # fmt: skip
