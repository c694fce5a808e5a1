"""Speed benchmarks for llmbrief (``make bench``): a table on stdout and bench/results.json.

Run from anywhere::

    python bench/run.py                 # every benchmark, full repetitions
    python bench/run.py --quick         # fewer repetitions
    python bench/run.py --only startup --only verifier

One module per benchmark (``bench_<name>.py``, each a ``bench(Options) ->
Result``) over the shared helpers of ``common.py``. Everything is offline: the
embedded model runs in-process or in the CLI, replays answer from
``cassettes/seeds.yaml``, the concurrency run talks to a scripted fake server on
127.0.0.1, and every run gets a fresh SQLite file in a temporary folder. Ratios
are taken within one run, both sides back to back; medians over repetitions.
See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_analysis
import bench_cache
import bench_cold
import bench_concurrency
import bench_embedded
import bench_numerics
import bench_replay
import bench_startup
import bench_verifier
from common import ROOT, Options, Result, Sandbox, log, rounded

RESULTS = ROOT / "bench" / "results.json"
CASSETTE = ROOT / "cassettes" / "seeds.yaml"

#: name -> (function, repetitions, repetitions with --quick), in running order.
BENCHES: dict[str, tuple[Callable[[Options], Result], int, int]] = {
    "startup": (bench_startup.bench, 10, 5),
    "replay": (bench_replay.bench, 5, 2),
    "cache": (bench_cache.bench, 5, 2),
    "verifier": (bench_verifier.bench, 5, 3),
    "analysis": (bench_analysis.bench, 5, 2),
    "concurrency": (bench_concurrency.bench, 3, 1),
    "embedded": (bench_embedded.bench, 1, 1),
    "numerics": (bench_numerics.bench, 1, 1),
    "cold": (bench_cold.bench, 2, 1),
}


def fmt_value(r: Result) -> str:
    if r.value is None:
        return "-"
    if r.unit == "×":
        return f"{r.value:.1f}×"
    if r.unit.startswith("/"):  # a count out of a total
        return f"{r.value:g}{r.unit}"
    return f"{r.value:.3f} {r.unit}" if r.value < 10 else f"{r.value:.1f} {r.unit}"


def table(results: list[Result]) -> str:
    rows = [("benchmark", "what", "measured", "target", "ok", "notes")]
    for r in results:
        ok = "-" if r.ok is None else ("yes" if r.ok else "NO")
        rows.append((r.name, r.what, fmt_value(r), r.target, ok, r.note))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    try:
        import llama_cpp

        llama_version = llama_cpp.__version__
    except ImportError:
        llama_version = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "llama_cpp_python": llama_version,
        "threads": os.environ.get("LLMBRIEF_THREADS") or "cpu_count",
    }


def load() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def _write(path: Path, doc: dict[str, Any], results: list[Result], keep_others: bool) -> None:
    """results.json: this run's results so far (written after each benchmark)."""
    previous: dict[str, Any] = {}
    if keep_others and path.is_file():
        # --only updates its benchmarks and keeps the others' latest results.
        try:
            previous = json.loads(path.read_text(encoding="utf-8")).get("results", {})
        except ValueError:
            previous = {}
    mine = {
        r.name: {"what": r.what, "value": rounded(r.value), "unit": r.unit, "target": r.target,
                 "ok": r.ok, "note": r.note, "metrics": rounded(r.metrics)}
        for r in results
    }  # fmt: skip
    doc = {**doc, "results": {**previous, **mine}}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="llmbrief speed benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", action="append", choices=list(BENCHES),
                        help="run only this benchmark (repeatable)")  # fmt: skip
    parser.add_argument("--cassette", type=Path, default=CASSETTE, help="the seeds cassette")
    parser.add_argument("--dev-articles", type=int, default=6,
                        help="dev-set articles in the embedded check (-1: all 37)")  # fmt: skip
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file")
    args = parser.parse_args(argv)
    names = args.only or list(BENCHES)
    info = machine()
    info["load_average_at_start"] = load()
    doc: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": args.quick,
        "machine": info,
    }
    results: list[Result] = []
    failures = 0
    sandbox = Sandbox()
    try:
        for name, (func, reps, quick) in BENCHES.items():
            if name not in names:
                continue
            n = quick if args.quick else reps
            log(f"[{name}] {n} repetitions (load {load()})...")
            opt = Options(n, args.quick, sandbox, args.cassette.resolve(), args.dev_articles)
            t0 = time.perf_counter()
            try:
                r = func(opt)
            except Exception as e:  # one broken benchmark should not hide the others
                failures += 1
                r = Result(name, "", None, "", "", False, note=f"ERROR: {e}".splitlines()[0])
                log(f"  {name} failed: {e}")
            r.metrics["bench_seconds"] = time.perf_counter() - t0
            r.metrics["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            r.metrics["load_average_after"] = load()
            results.append(r)
            info["load_average_at_end"] = load()
            if args.output is not None:
                _write(args.output, doc, results, bool(args.only))
    finally:
        sandbox.close()
    print(table(results))
    if args.output is not None:
        log(f"\nWrote {args.output}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
