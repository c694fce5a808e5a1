"""Install llama-cpp-python built so that a token's logits never depend on its batch.

Run by ``make install-local`` with the virtual environment's Python, before
llmbrief itself is installed (which then finds llama-cpp-python satisfied).

Why: llama.cpp's CPU backend picks a matrix kernel by the number of tokens in a
call. A token evaluated alone (how llama-cpp-python's own loop generates) and
the same token inside a batch (how llmbrief's fast sampler checks its guesses)
got logits up to ~4 apart on Gemma 3 270M, so on a near tie the two could pick
different tokens (``bench/bench_numerics.py``). Three kernels did it:

- llamafile's ``sgemm`` (F16 attention, Q8_0 output) refused single rows
  (``if (n < 2) return false;``), which then took ggml's own dot products:
  an edit (``llama_cpp_edits.py``) lets it take them too;
- the runtime repacking of Q4_K weights (``GGML_CPU_REPACK``) runs a batch
  kernel for 4+ rows and a single-row kernel otherwise: off at build time;
- the tiled K-quant product serves batches of 8+ only: llmbrief makes it
  serve every batch size at run time (``GGML_CPU_TILED_MM_FORCE=1``,
  :mod:`llmbrief.embedded`), which is also faster than turning it off.

With these every output element is computed the same way whatever the batch,
so greedy decoding is one thing: ``tests/test_live.py`` checks that a token's
logits are bit-identical alone and in a batch.

A second edit adds ``llama_set_output_vocab``: the logits of chosen tokens only,
each bit-identical to the whole vocabulary's (``llama_cpp_edits.py`` says how),
which the embedded decoder uses for the few tokens its grammar allows.

The build uses the instruction sets of the machine it runs on (read from
``/proc/cpuinfo``: AVX-512 and its VNNI dot products where the CPU has them),
never AMX: its tiles are another kernel chosen by batch size, and the first
decode crashed in a ``-march=native`` build on a CPU that has them. On 2 cores
with AVX-512 the fast sampler's batches run ~1.5x faster than with AVX2 alone
(prompt ~590 tokens/s instead of ~375), while a single generated token, bound
by memory, stays at ~28 ms (bench/README.md). Set ``CMAKE_ARGS`` to choose the
flags yourself (they are then used as given, plus the edit's own).

The sdist is pinned by version and SHA-256 (the edits are exact text
replacements that fail loudly on another source). The built wheel is cached in
``$XDG_CACHE_HOME/llmbrief/wheels`` (default ``~/.cache``) under a key of the
sdist, the edits, the CMake arguments (so the instruction sets) and the
interpreter, so another clone on the same machine installs it in seconds instead
of building for ~7 minutes, and a machine with other instruction sets builds its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llama_cpp_edits import EDITS  # a sibling file: this runs as a script

VERSION = "0.3.36"
SDIST_SHA256 = "832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e"
EXTRA_CMAKE = "-DGGML_CPU_REPACK=OFF"
#: written into the package, so the running program can tell this build (embedded.py)
MARKER = "_llmbrief_build.json"
#: x86-64 instruction sets llama.cpp can use: /proc/cpuinfo's flag -> ggml's CMake option
X86_SETS = {"avx": "GGML_AVX", "avx2": "GGML_AVX2", "fma": "GGML_FMA", "f16c": "GGML_F16C",
            "bmi2": "GGML_BMI2", "avx_vnni": "GGML_AVX_VNNI", "avx512vbmi": "GGML_AVX512_VBMI",
            "avx512_vnni": "GGML_AVX512_VNNI", "avx512_bf16": "GGML_AVX512_BF16"}  # fmt: skip
#: what ggml's GGML_AVX512 option compiles for, all needed
AVX512 = ("avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw")
#: where the CPU cannot be read: any x86-64 machine of the last ten years
PORTABLE_X86 = "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"


def isa_args(machine: str, cpuinfo: str | None) -> str:
    """CMake options for this CPU's instruction sets, explicitly (AMX never: see above)."""
    if machine.lower() not in ("x86_64", "amd64"):
        return ""  # llama.cpp's default, GGML_NATIVE, which has no AMX elsewhere
    if cpuinfo is None:
        return PORTABLE_X86
    flags = next((set(line.split(":", 1)[1].split()) for line in cpuinfo.splitlines()
                  if line.startswith("flags")), set())  # fmt: skip
    if not {"avx2", "fma", "f16c"} <= flags:
        return PORTABLE_X86  # as before: a machine without them fails at run time either way
    on = [option for flag, option in X86_SETS.items() if flag in flags]
    if all(f in flags for f in AVX512):
        on.append("GGML_AVX512")
    if "GGML_AVX512" not in on:  # ggml's AVX-512 extensions compile only with AVX-512 itself
        on = [o for o in on if not o.startswith("GGML_AVX512")]
    return " ".join(["-DGGML_NATIVE=OFF", *(f"-D{o}=ON" for o in sorted(on))])


def _cpuinfo() -> str | None:
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def cmake_args() -> str:
    chosen = os.environ.get("CMAKE_ARGS", "").strip() or isa_args(platform.machine(), _cpuinfo())
    return f"{chosen} {EXTRA_CMAKE}".strip()


def build_key() -> str:
    edits = [text for edit in EDITS for text in edit]
    parts = [SDIST_SHA256, *edits, cmake_args(), sys.implementation.cache_tag or "",
             platform.machine()]  # fmt: skip
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def installed_key() -> str | None:
    """The key of the llmbrief build installed in this environment, if it is one."""
    try:
        if metadata.version("llama-cpp-python") != VERSION:
            return None
        dist = metadata.distribution("llama-cpp-python")
    except metadata.PackageNotFoundError:
        return None
    for f in dist.files or []:
        if f.name == MARKER:
            try:
                return str(json.loads(Path(str(f.locate())).read_text())["key"])
            except (OSError, ValueError, KeyError):
                return None
    return None


def pip(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True, env=env)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def apply_edits(src: Path) -> None:
    """Make the edits of llama_cpp_edits.py in the unpacked sdist ``src``."""
    for name, old, new in EDITS:
        path = src / name
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            sys.exit(f"llama-cpp-python {VERSION}: {name} is not the text the edits expect")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(key: str, out: Path) -> Path:
    """Download, edit and build the wheel into ``out``; its path."""
    with tempfile.TemporaryDirectory(prefix="llmbrief-llama-") as tmp:
        work = Path(tmp)
        pip("download", "--quiet", "--no-deps", "--no-binary", ":all:",
            f"llama-cpp-python=={VERSION}", "-d", str(work))  # fmt: skip
        (sdist,) = work.glob("llama_cpp_python-*.tar.gz")
        if (got := sha256(sdist)) != SDIST_SHA256:
            sys.exit(f"llama-cpp-python {VERSION}: unexpected sdist (sha256 {got})")
        with tarfile.open(sdist) as tar:
            tar.extractall(work, filter="data")
        src = work / f"llama_cpp_python-{VERSION}"
        apply_edits(src)
        marker = {"key": key, "cmake_args": cmake_args(), "batch_invariant": True}
        (src / "llama_cpp" / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        env = {**os.environ, "CMAKE_ARGS": cmake_args()}
        print(f"Building llama-cpp-python {VERSION} ({cmake_args()}): several minutes...")
        out.mkdir(parents=True, exist_ok=True)
        pip("wheel", "--quiet", "--no-deps", "--no-cache-dir", "-w", str(out), str(src), env=env)
    (wheel,) = out.glob("llama_cpp_python-*.whl")
    return wheel


def main() -> None:
    key = build_key()
    if installed_key() == key:
        print(f"llama-cpp-python {VERSION} (batch-invariant build {key}) is installed")
        return
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "llmbrief" / "wheels" / key
    wheels = sorted(folder.glob("llama_cpp_python-*.whl"))
    wheel = wheels[0] if wheels else build(key, folder)
    pip("install", "--quiet", "--no-deps", "--force-reinstall", str(wheel))
    if installed_key() != key:
        sys.exit(f"llama-cpp-python: {wheel} installed, but not as the build {key}")
    print(f"llama-cpp-python {VERSION} (batch-invariant build {key}) installed from {wheel}")


if __name__ == "__main__":
    main()
