"""``llmbrief --help``: the start-up every command pays (target ≤ 0.3 s)."""

from __future__ import annotations

from common import Options, Result, check_ok, median, run_cli


def bench(opt: Options) -> Result:
    env = opt.sandbox.env(opt.sandbox.new_db())
    run_cli(["--help"], env)  # warm the file cache and the bytecode
    times = []
    for _ in range(opt.reps):
        t, proc = run_cli(["--help"], env)
        check_ok(proc, "llmbrief --help")
        times.append(t)
    m = median(times)
    return Result(
        "startup", "llmbrief --help", m, "s", "≤ 0.3 s", m <= 0.3,
        {"reps": opt.reps, "median_s": m, "min_s": min(times), "times": times},
    )  # fmt: skip
