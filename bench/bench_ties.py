"""Where the fast sampler's answers differ from the plain loop's, and the loop with itself.

Opt-in (``bench/run.py --only ties``: ~10 minutes). The requests are the embedded
benchmark's (the seeds and the dev sample, the brief's own requests). Three
answers to each, from fresh models:

- ``plain``: llama-cpp-python's loop, requests in order, reusing the context of
  the previous request as the library does (the embedded benchmark's baseline);
- ``plain_reset``: the same loop with the context cleared before each request, so
  every prompt is evaluated from its first token in other chunks;
- ``fast``: the fast sampler.

For each answer where ``fast`` and ``plain`` differ, the margins of the fast
sampler's choices there: at each position, its chosen token's logit minus the best
other token the grammar allows (among the 64 best). A small margin at a choice
between two different texts is a near tie, which llama.cpp's batched and
token-by-token kernels may settle differently (see ``numerics``).
"""

from __future__ import annotations

import os
from typing import Any

from bench_embedded import _content, _settings, brief_requests
from common import Options, Result, local_model_missing, log


def _answers(path: Any, settings: Any, requests: list[dict[str, Any]], kind: str) -> list[str]:
    from llmbrief.embedded import EmbeddedModel

    sampler = "fast" if kind == "fast" else "plain"
    model = EmbeddedModel(path, n_threads=settings.n_threads, sampler=sampler)
    try:
        out = []
        for body in requests:
            if kind == "plain_reset":
                model.llama.reset()
                model.llama._ctx.kv_cache_clear()
            out.append(_content(model.complete(body)))
        return out
    finally:
        model.close()


def _margins(path: Any, settings: Any, body: dict[str, Any]) -> list[tuple[float, str, str]]:
    """The fast sampler's choices on one request, smallest margin first: (margin, chosen, other)."""
    import numpy as np

    from llmbrief import fastgrammar
    from llmbrief.embedded import EmbeddedModel

    model = EmbeddedModel(path, n_threads=settings.n_threads, sampler="fast")
    steps: list[tuple[float, str, str]] = []
    original = fastgrammar.GrammarChooser.choose

    def text(t: int) -> str:
        return bytes(model.llama.detokenize([t])).decode("utf-8", "replace")

    def choose(self: Any, logits: Any, hint: int | None = None) -> int:
        token = original(self, logits, hint)
        top = np.argpartition(-logits, 63)[:64]
        top = top[np.argsort(-logits[top])]
        allowed = self.allowed(top, logits[top].copy())
        others = [int(t) for t, ok in zip(top, allowed, strict=True) if ok and int(t) != token]
        if others:
            steps.append((float(logits[token] - logits[others[0]]), text(token), text(others[0])))
        return token

    fastgrammar.GrammarChooser.choose = choose  # type: ignore[method-assign]
    try:
        model.complete(body)
    finally:
        fastgrammar.GrammarChooser.choose = original  # type: ignore[method-assign]
        model.close()
    return sorted(steps)


def bench(opt: Options) -> Result:
    os.environ["LLMBRIEF_PREFIX_DIR"] = "off"
    if missing := local_model_missing():
        return Result("ties", "fast vs plain answers", None, "", "(none)", None, note=missing)
    from llmbrief.llm import local_model_path

    requests, _, _, _ = brief_requests(opt)
    settings = _settings(opt, opt.sandbox.new_db())
    path = local_model_path(settings)
    answers = {}
    for kind in ("plain", "plain_reset", "fast"):
        answers[kind] = _answers(path, settings, requests, kind)
        log(f"  ties: {kind} done ({len(requests)} requests)")
    n = len(requests)

    def same(a: str, b: str) -> int:
        return sum(x == y for x, y in zip(answers[a], answers[b], strict=True))

    differ: list[dict[str, Any]] = []
    for i, (p, f) in enumerate(zip(answers["plain"], answers["fast"], strict=True)):
        if p != f:
            steps = _margins(path, settings, requests[i])
            differ.append({"request": i, "plain": p, "fast": f, "smallest_margins": steps[:4]})
    metrics = {
        "questions": n,
        "plain_vs_plain_reset": f"{same('plain', 'plain_reset')}/{n}",
        "fast_vs_plain": f"{same('fast', 'plain')}/{n}",
        "fast_vs_plain_reset": f"{same('fast', 'plain_reset')}/{n}",
        "differing": differ,
    }
    worst = max((d["smallest_margins"][0][0] for d in differ if d["smallest_margins"]), default=0)
    return Result(
        "ties", "answers: fast vs plain, plain vs itself", same("fast", "plain"), f"/{n}",
        "(none: explains the embedded check)", None, metrics,
        note=(f"plain = plain with its context cleared {metrics['plain_vs_plain_reset']}; "
              f"fast = plain {metrics['fast_vs_plain']}; each difference a near tie in the "
              f"fast sampler's logits (smallest margin at most {worst:.2f})"),
    )  # fmt: skip
