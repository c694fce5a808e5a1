"""Re-record every cassette from the embedded model (``make record``).

Cassettes are recordings of real traffic, never written by hand: this module
runs the real pipeline against the embedded Gemma model with ``--record``,
with a fresh cache so every question is really asked. Run it from the
repository root on a machine with the ``local`` extra installed.

Cassettes:
- ``cassettes/extract_<seed>.yaml``: one extraction per seed (latest prompt);
- ``cassettes/seeds.yaml``: the end-to-end ``brief`` over all seeds.

(Re-asks are exercised against the scripted fake server in
``tests/test_robustness.py``: with ``extract@v4`` every choice the model has is
grounded by construction, so the real model rarely gives an answer that fails
verification, and a recording of one cannot be made to order.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

SEEDS = Path("seeds")
CASSETTES = Path("cassettes")


def _run(args: list[str], db: Path) -> None:
    env = dict(os.environ, LLMBRIEF_DB=str(db))
    for var in ("OPENAI_BASE_URL", "LLMBRIEF_MODEL", "LLMBRIEF_MODE", "LLMBRIEF_PROMPT"):
        env.pop(var, None)
    cmd = [sys.executable, "-m", "llmbrief", *args]
    print("+ llmbrief", " ".join(args), flush=True)
    subprocess.run(cmd, env=env, check=True)


def record_all() -> None:
    """Record every cassette the test suite replays."""
    if not SEEDS.is_dir():
        sys.exit("run from the repository root (no seeds/ here)")
    CASSETTES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for seed in sorted(SEEDS.glob("*.txt")):
            name = seed.name.split("_")[0]
            _run(
                ["extract", str(seed), "-o", str(out / f"{name}.json"), "--no-cache",
                 "--record", str(CASSETTES / f"extract_{name}.yaml")],
                out / f"{name}.db",
            )  # fmt: skip
        _run(
            ["brief", "seeds", "-o", str(out / "brief.md"), "--no-cache",
             "--record", str(CASSETTES / "seeds.yaml")],
            out / "seeds.db",
        )  # fmt: skip
    print("Recorded:", ", ".join(sorted(p.name for p in CASSETTES.glob("*.yaml"))))


if __name__ == "__main__":
    record_all()
