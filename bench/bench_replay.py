"""Replay of the seeds' cassette, whole process: with the analysis cached (≤ 1.5 s), and cold.

Cold: a fresh database, so spaCy loads and parses every seed. Cached: a database
that holds the seeds' analysis from an earlier run but none of their answers,
so every question is still replayed from the cassette.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from common import Options, Result, check_ok, count_calls, median, need, run_cli


def keep_only_analysis(db: Path) -> int:
    """Drop the cached answers, keep the cached parses; how many parses are kept."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT key, value FROM cache").fetchall()
        values = [(k, json.loads(v)) for k, v in rows]
        answers = [k for k, v in values if isinstance(v, dict) and "answer" in v]
        conn.executemany("DELETE FROM cache WHERE key = ?", [(k,) for k in answers])
        conn.execute("DELETE FROM calls")
        return len(rows) - len(answers)


def bench(opt: Options) -> Result:
    need(opt.cassette)
    sb = opt.sandbox
    out = sb.dir / "replay.md"
    args = ["brief", "seeds", "--replay", str(opt.cassette), "-o", str(out)]
    seed_db = sb.new_db()
    _, proc = run_cli(args, sb.env(seed_db))
    check_ok(proc, "the first replay")
    parses = keep_only_analysis(seed_db)
    if parses == 0:
        raise RuntimeError("replay: no cached analysis found in the database")
    cold: list[float] = []
    cached: list[float] = []
    calls = 0
    for rep in range(opt.reps):
        for which in ("cold", "cached") if rep % 2 == 0 else ("cached", "cold"):
            db = sb.new_db()
            if which == "cached":
                shutil.copy(seed_db, db)
            t, proc = run_cli(args, sb.env(db))
            check_ok(proc, f"llmbrief brief --replay ({which} analysis)")
            calls = count_calls(db)
            if calls == 0:
                raise RuntimeError("the replay run asked nothing: was the answer cache used?")
            (cold if which == "cold" else cached).append(t)
    m = median(cached)
    return Result(
        "replay", "brief seeds --replay, analysis cached", m, "s", "≤ 1.5 s", m <= 1.5,
        {"reps": opt.reps, "median_s": m, "cold_median_s": median(cold), "times": cached,
         "cold_times": cold, "replayed_calls": calls, "cached_parses": parses},
        note=f"cold analysis {median(cold):.2f} s",
    )  # fmt: skip
