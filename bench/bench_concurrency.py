"""``--concurrency 8`` against sequential, whole process, on a server answering after 200 ms.

40 generated articles (two numbers each) go to the scripted fake server of
``tests/fakeserver.py`` (made-up answers). Besides wall times, the server's
arrival times split each run into its start (process start to the first
request), its model phase (first request to the last answer) and its end.
Each pair is run twice: cold (a fresh database: spaCy loads and parses the 40
articles in both runs), and with the articles' analysis already cached (none of
their answers), which is what the model-bound part of a run costs.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path
from typing import Any

from bench_replay import keep_only_analysis
from common import ROOT, Options, Result, check_ok, count_calls, load_module, log, median, run_cli

_CUES = [
    ("troops", "sent to the border region last week"),
    ("workers", "will arrive in the port next month"),
    ("soldiers", "were killed near the border"),
    ("artillery shells", "were delivered by rail"),
    ("engineers", "are to be sent to the eastern region"),
]

JOBS = 8
ARTICLES = 40
DELAY = 0.2


def write_articles(folder: Path, n: int, seed: int = 7) -> None:
    """``n`` small articles, each with two numbers next to a cue word (so both are asked)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (u1, tail1), (u2, tail2) = rng.sample(_CUES, 2)
        a, b = rng.randint(100, 30000), rng.randint(10, 900)
        text = (
            f"Bulletin from the ministry\n\n"
            f"Chile said {a:,} {u1} {tail1}, officials said. "
            f"The ministry added that about {b} {u2} {tail2}. "
            f"Analysts expect the cooperation to deepen.\n"
        )
        (folder / f"article_{i:03d}.txt").write_text(text, encoding="utf-8")


def peak_in_flight(arrivals: list[float], delay: float) -> int:
    """Most requests the server held at once (each is held at least ``delay`` s)."""
    arrivals = sorted(arrivals)
    peak = j = 0
    for i, t in enumerate(arrivals):
        while arrivals[j] < t - delay:
            j += 1
        peak = max(peak, i - j + 1)
    return peak


def _one_run(
    opt: Options,
    fake: Any,
    folder: Path,
    jobs: int,
    seed_db: Path | None = None,
    db: Path | None = None,
) -> dict[str, float]:
    sb = opt.sandbox
    db = db or sb.new_db()
    if seed_db is not None:
        shutil.copy(seed_db, db)  # the articles' analysis cached, none of their answers
    before = len(fake.chat_requests)
    args = ["brief", str(folder), "--base-url", fake.url, "--model", "fake",
            "--concurrency", str(jobs), "-o", str(sb.dir / f"conc{jobs}.md")]  # fmt: skip
    started = time.monotonic()  # the fake server stamps arrivals with monotonic()
    t, proc = run_cli(args, sb.env(db))
    ended = time.monotonic()
    check_ok(proc, f"brief --concurrency {jobs}")
    reqs = fake.chat_requests[before:]
    if len(reqs) == 0 or count_calls(db) != len(reqs):
        raise RuntimeError("concurrency: the call log does not match the server")
    first, last = min(r.at for r in reqs), max(r.at for r in reqs)
    return {
        "wall_s": t,
        "start_s": first - started,
        "model_phase_s": last + DELAY - first,
        "end_s": ended - (last + DELAY),
        "calls": len(reqs),
        "peak_in_flight": peak_in_flight([r.at for r in reqs], DELAY),
    }


def bench(opt: Options) -> Result:
    fakeserver = load_module("fakeserver", ROOT / "tests" / "fakeserver.py")
    folder = opt.sandbox.dir / "articles"
    write_articles(folder, ARTICLES)
    runs: dict[int, list[dict[str, float]]] = {1: [], JOBS: []}
    cached: dict[int, list[dict[str, float]]] = {1: [], JOBS: []}
    fake = fakeserver.FakeOpenAI(delay_ms=DELAY * 1000)
    # Headers and body go out in two writes; with Nagle's algorithm on, the body then
    # waits for the client's delayed ACK (~40 ms on Linux), which no real server adds.
    fake._server.RequestHandlerClass.disable_nagle_algorithm = True
    with fake:
        seed_db = opt.sandbox.new_db()
        _one_run(opt, fake, folder, JOBS, db=seed_db)  # fills a database; its analysis is kept
        if keep_only_analysis(seed_db) == 0:
            raise RuntimeError("concurrency: no cached analysis in the database")
        for rep in range(opt.reps):
            for j in (1, JOBS) if rep % 2 == 0 else (JOBS, 1):
                runs[j].append(_one_run(opt, fake, folder, j))
            for j in (JOBS, 1) if rep % 2 == 0 else (1, JOBS):
                cached[j].append(_one_run(opt, fake, folder, j, seed_db))
            seq, conc = runs[1][-1]["wall_s"], runs[JOBS][-1]["wall_s"]
            log(f"  concurrency {rep + 1}/{opt.reps}: -j 1 {seq:.2f} s, -j {JOBS} {conc:.2f} s")
    warm = [a["wall_s"] / b["wall_s"] for a, b in zip(cached[1], cached[JOBS], strict=True)]
    pairs = list(zip(runs[1], runs[JOBS], strict=True))
    ratios = [a["wall_s"] / b["wall_s"] for a, b in pairs]
    phase = [a["model_phase_s"] / b["model_phase_s"] for a, b in pairs]

    def med(j: int, key: str) -> float:
        return median([r[key] for r in runs[j]])

    speedup = median(ratios)
    calls = int(runs[JOBS][-1]["calls"])
    metrics = {
        "reps": opt.reps, "speedup": speedup, "model_phase_speedup": median(phase),
        "sequential_s": med(1, "wall_s"), "concurrent_s": med(JOBS, "wall_s"),
        "articles": ARTICLES, "server_delay_s": DELAY, "jobs": JOBS, "calls": calls,
        "ideal_model_phase_j1_s": calls * DELAY, "ideal_model_phase_s": calls * DELAY / JOBS,
        **{f"{k}_j{j}": med(j, k) for j in (1, JOBS)
           for k in ("start_s", "model_phase_s", "end_s", "peak_in_flight")},
        "ratios": ratios,
        "speedup_analysis_cached": median(warm),
        "ratios_analysis_cached": warm,
        **{f"analysis_cached_{k}_j{j}": median([r[k] for r in cached[j]]) for j in (1, JOBS)
           for k in ("wall_s", "start_s", "model_phase_s", "end_s")},
    }  # fmt: skip
    return Result(
        "concurrency", f"{ARTICLES} articles, 200 ms server, -j {JOBS} vs -j 1", speedup, "×",
        "≥ 6×", speedup >= 6.0, metrics,
        note=(f"sequential {med(1, 'wall_s'):.1f} s, -j {JOBS} {med(JOBS, 'wall_s'):.1f} s; "
              f"model phase {median(phase):.1f}×, start-up {med(JOBS, 'start_s'):.2f} s a run; "
              f"with the analysis cached {median(warm):.1f}×"),
    )  # fmt: skip
