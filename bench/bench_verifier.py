"""The verifier over 10,000 generated records on 1,000 articles, in-process (≤ 1 s).

The cases come from ``tests/verify_cases.py`` (20% of hedged figures broken);
the benchmark fails unless exactly the correct records verify. CPU seconds are
reported beside wall seconds: on a shared machine they move less.
"""

from __future__ import annotations

import random
import sys

from common import ROOT, Options, Result, load_module, median, timed


def _clear_llmbrief_caches() -> None:
    """Forget every lru_cache in llmbrief, so each repetition starts cold."""
    for name, mod in list(sys.modules.items()):
        if name == "llmbrief" or name.startswith("llmbrief."):
            for obj in list(vars(mod).values()):
                clear = getattr(obj, "cache_clear", None)
                if callable(clear):
                    clear()


def bench(opt: Options) -> Result:
    from llmbrief.verify import verify_document

    cases = load_module("verify_cases", ROOT / "tests" / "verify_cases.py")
    rng = random.Random(1234)
    docs = [cases.make_document(rng, 10, broken=0.2) for _ in range(1000)]
    expected = sum(c for _, _, c in docs)
    n_records = sum(len(d.records) for d, _, _ in docs)

    def run() -> int:
        verified = 0
        for doc, text, _ in docs:
            out = verify_document(doc, text)
            verified += sum(1 for r in out.records if r.verification and r.verification.verified)
        return verified

    times, cpu = [], []
    for _ in range(opt.reps):
        _clear_llmbrief_caches()
        wall, c, verified = timed(run)
        times.append(wall)
        cpu.append(c)
        if verified != expected:
            raise RuntimeError(f"verifier: {verified} verified, expected {expected}")
    m = median(times)
    return Result(
        "verifier", f"{n_records:,} records / {len(docs):,} articles", m, "s", "≤ 1 s", m <= 1.0,
        {"reps": opt.reps, "median_s": m, "cpu_median_s": median(cpu), "min_s": min(times),
         "times": times, "cpu_times": cpu, "records": n_records, "articles": len(docs),
         "verified": expected, "records_per_s": n_records / m},
        note=f"CPU {median(cpu):.2f} s",
    )  # fmt: skip
