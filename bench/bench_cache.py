"""The second run of ``make brief``: every answer from the cache, no model loaded (≤ 1 s)."""

from __future__ import annotations

from common import Options, Result, check_ok, count_calls, median, need, run_cli, usage_calls


def bench(opt: Options) -> Result:
    need(opt.cassette)
    sb = opt.sandbox
    db = sb.new_db()
    env = sb.env(db)
    out, js = sb.dir / "cached.md", sb.dir / "cached.json"
    # The first run fills the cache (from the cassette: the same keys as the embedded model).
    _, proc = run_cli(["brief", "seeds", "--replay", str(opt.cassette), "-o", str(out)], env)
    check_ok(proc, "filling the cache")
    filled = count_calls(db)
    times = []
    for _ in range(opt.reps):
        # What `make brief` runs, with the embedded backend: it must not even load the model.
        t, proc = run_cli(["brief", "seeds", "-o", str(out), "--json", str(js)], env, timeout=300)
        check_ok(proc, "the cached brief")
        if count_calls(db) != filled or usage_calls(proc.stderr) not in (0, None):
            raise RuntimeError("the cached run called the model: the cache missed")
        times.append(t)
    m = median(times)
    return Result(
        "cache", "second `make brief` run (cached)", m, "s", "≤ 1 s, 0 calls", m <= 1.0,
        {"reps": opt.reps, "median_s": m, "min_s": min(times), "times": times,
         "calls_first_run": filled, "calls_second_runs": count_calls(db) - filled},
    )  # fmt: skip
