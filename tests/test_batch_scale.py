"""Batch files at scale: a generated corpus through prepare -> runner -> collect.

The runner here is the scripted fast answerer of tests/test_batch.py (not a
model: the embedded model would need hours for 2,000 articles on 2 cores).
The default test runs a small corpus with the output lines shuffled, as the
OpenAI Batch API may return them. The memory test (200 vs 2,000 articles,
each phase in its own process, peak RSS from getrusage) is slow and runs only
with LLMBRIEF_SCALE=1; it prints what it measured.

By hand: ``python tests/test_batch_scale.py N`` prints the memory measurements for
an N-article corpus; ``python tests/test_batch_scale.py overhead N`` what the batch
route adds to a live run of N articles, the model's time aside.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

COUNTRIES = (
    "Norway", "Chile", "Kenya", "Canada", "Peru", "Japan", "Ghana", "Poland", "Brazil",
    "Egypt", "India", "Spain", "Mexico", "Turkey", "Sweden", "Vietnam", "Morocco", "Greece",
)  # fmt: skip
PEOPLE = ("Mara Lind", "Tomas Vey", "Ilse Dorn", "Rafael Cota", "Nadia Pell", "Oren Black")
THINGS = ("engineers", "doctors", "soldiers", "tanks", "drones", "trucks", "teachers")
SENTENCES = (
    "{a} sent {n} {thing} to {b} on Monday, officials said.",
    "{b} received {n} {thing} from {a} last week, according to its defence ministry.",
    "{a} will send up to {n} more {thing} to {b} next month, the government said.",
    "Foreign Minister {p} arrived in {b} on Tuesday for talks on trade.",
    "President {p} of {a} will travel to {b} next week, her office said.",
    "At least {n} people were killed in {b} when the storm hit, the {a} embassy said.",
    "The talks in {b} lasted two days and ended without a statement.",
    "{p} said {a} and {b} had signed {n} agreements since January.",
)


def make_corpus(folder: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` short news articles of our own sentences, each different."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        a, b = rng.sample(COUNTRIES, 2)
        title = f"{a} and {b}: report number {i}"
        body = []
        for _ in range(rng.randint(3, 5)):
            s = rng.choice(SENTENCES).format(
                a=a, b=b, p=rng.choice(PEOPLE), thing=rng.choice(THINGS), n=rng.randint(2, 9000)
            )
            body.append(s)
        (folder / f"{i:05d}.txt").write_text(title + "\n\n" + "\n\n".join(body) + "\n")


_PHASE = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
phase, a, b = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
if phase == "prepare":
    from llmbrief.batch import prepare
    from llmbrief.config import resolve_settings
    r = prepare([a], resolve_settings(), b)
    out = {{"questions": r.questions, "written": r.written}}
elif phase == "answer":
    from llmbrief.batch_runner import run
    from tests.test_batch import scripted_answer
    r = run(a, b, scripted_answer)
    out = {{"answered": r.answered}}
elif phase == "live":
    from llmbrief.config import resolve_settings
    from llmbrief.pipeline import extract_paths
    r = extract_paths([a], resolve_settings())
    out = {{"calls": r.usage["calls"], "cached": r.usage["cached"]}}
else:
    from llmbrief.batch_collect import collect
    from llmbrief.config import resolve_settings
    r = collect(a, resolve_settings().db_path, b)
    out = {{"stored": r.stored, "reasked": r.reasked, "failures": r.by_reason}}
out["seconds"] = round(time.perf_counter() - t, 2)
use = resource.getrusage(resource.RUSAGE_SELF)
out["cpu_seconds"] = round(use.ru_utime + use.ru_stime, 2)
out["peak_rss_mb"] = round(use.ru_maxrss / 1024, 1)
print(json.dumps(out))
"""


def _phase(phase: str, a: Path, b: Path, env: dict[str, str]) -> dict[str, Any]:
    code = _PHASE.format(root=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code, phase, str(a), str(b)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(n: int, work: Path) -> dict[str, Any]:
    """prepare -> scripted answerer -> collect (every round) for an n-article corpus."""
    corpus = work / "corpus"
    make_corpus(corpus, n)
    env = {**os.environ, "LLMBRIEF_DB": str(work / "db.sqlite"), "LLMBRIEF_THREADS": "1"}
    return {"articles": n, **measure_route(corpus, work, env)}


def overhead(n: int, work: Path) -> dict[str, Any]:
    """What the batch route adds to a live run of the same n articles, model time aside.

    The live run asks the scripted fake server (it answers at once, so nearly all
    of the run is llmbrief's own work); the batch route prepares, has the same
    script answer, collects every round and extracts from the cache. Each phase
    is a fresh process, as from the command line.
    """
    from tests.fakeserver import FakeOpenAI
    from tests.test_batch import scripted_step

    corpus = work / "corpus"
    make_corpus(corpus, n)
    with FakeOpenAI(default=scripted_step) as fake:
        env = {**os.environ, "OPENAI_BASE_URL": fake.url, "LLMBRIEF_MODEL": "m"}
        env["LLMBRIEF_MODE"] = "llamacpp"
        live = _phase("live", corpus, work / "unused", {**env, "LLMBRIEF_DB": str(work / "l.db")})
        env["LLMBRIEF_DB"] = str(work / "b.db")
        measured = measure_route(corpus, work, env)
        measured["extract_from_cache"] = _phase("live", corpus, work / "unused", env)
    batch = [measured["prepare"], measured["extract_from_cache"]]
    batch += [r["collect"] for r in measured["rounds"]]
    return {
        "articles": n,
        "questions": measured["prepare"]["questions"],
        "live": live,
        "batch": measured,
        "live_cpu": live["cpu_seconds"],
        "batch_cpu": round(sum(p["cpu_seconds"] for p in batch), 2),
        "live_wall": live["seconds"],
        "batch_wall": round(sum(p["seconds"] for p in batch), 2),
    }


def measure_route(corpus: Path, work: Path, env: dict[str, str]) -> dict[str, Any]:
    """prepare -> scripted answerer -> collect, every round, each a fresh process."""
    out: dict[str, Any] = {}
    requests = work / "requests.jsonl"
    out["prepare"] = _phase("prepare", corpus, requests, env)
    rounds = []
    while requests.exists():
        k = len(rounds) + 1
        results, nxt = work / f"results{k}.jsonl", work / f"requests{k + 1}.jsonl"
        answered = _phase("answer", requests, results, env)
        collected = _phase("collect", results, nxt, env)
        rounds.append({"answer": answered, "collect": collected})
        requests = nxt
    out["rounds"] = rounds
    return out


def test_a_corpus_with_shuffled_output_is_collected_whole(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmbrief.batch import prepare
    from llmbrief.batch_collect import collect
    from llmbrief.batch_runner import run
    from llmbrief.config import resolve_settings
    from llmbrief.pipeline import extract_paths
    from tests.test_batch import scripted_answer

    corpus = tmp_path / "corpus"
    make_corpus(corpus, 30)
    settings = resolve_settings()
    requests, results = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
    prepared = prepare([corpus], settings, requests)
    assert prepared.articles == 30 and prepared.written > 60
    rounds = 0
    while requests.exists():
        rounds += 1
        run(requests, results, scripted_answer)
        lines = results.read_text().splitlines()
        random.Random(rounds).shuffle(lines)  # the OpenAI Batch API keeps no order
        results.write_text("\n".join(lines) + "\n")
        nxt = tmp_path / f"requests{rounds + 1}.jsonl"
        failed: list[Any] = []
        r = collect(results, settings.db_path, nxt, on_failure=failed.append)
        assert r.failures == 0, failed[:3]
        requests = nxt
    assert rounds >= 2
    # every question is answered now: an extraction makes no call (no model is set up)
    monkeypatch.setenv("LLMBRIEF_TEST", "1")
    again = extract_paths([corpus], settings)
    assert not again.failed and again.usage["calls"] == 0
    assert again.usage["cached"] == prepared.questions


@pytest.mark.skipif(
    not os.environ.get("LLMBRIEF_SCALE"),
    reason="slow (several minutes on 2 cores): set LLMBRIEF_SCALE=1 to measure memory at scale",
)
def test_memory_is_flat_from_200_to_2000_articles(tmp_path: Path) -> None:
    small = measure(200, tmp_path / "small")
    large = measure(2000, tmp_path / "large")
    print(json.dumps({"200": small, "2000": large}, indent=1))
    for phase in ("prepare",):
        assert large[phase]["peak_rss_mb"] <= 1.5 * small[phase]["peak_rss_mb"]
    assert max(r["collect"]["peak_rss_mb"] for r in large["rounds"]) <= 1.5 * max(
        r["collect"]["peak_rss_mb"] for r in small["rounds"]
    )
    assert all(not r["collect"]["failures"] for r in large["rounds"])


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as d:
        if sys.argv[1] == "overhead":
            print(json.dumps(overhead(int(sys.argv[2]), Path(d)), indent=1))
        else:
            print(json.dumps(measure(int(sys.argv[1]), Path(d)), indent=1))
