"""Prompt prefixes kept on disk between runs: the model's memory of the few-shot part.

Takes a folder and the identity of a model (file name, size and modification
time, llama-cpp-python's version, context size); gives the saved prefixes of
that model (their tokens, and their KV cache bytes on demand) and saves new
ones. A file is ``int32 count, count int32 tokens, KV bytes`` as
``llama_state_seq_get_data`` wrote them; it is written to a temporary name and
renamed, so a reader never sees half a file. At most :data:`KEEP` files are kept
per model, the oldest removed first.

The location is ``$LLMBRIEF_PREFIX_DIR``, else ``$XDG_CACHE_HOME/llmbrief/prefixes``
(``~/.cache/...``); ``LLMBRIEF_PREFIX_DIR=off`` keeps nothing on disk.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["KEEP", "PrefixStore", "default_folder"]

KEEP = 8
_SUFFIX = ".prefix"


def default_folder(env: Mapping[str, str] | None = None, chosen: str | None = None) -> Path | None:
    """Where prefixes are kept; None when switched off. ``chosen`` is the resolved
    setting (``prefix_dir``); without it, ``LLMBRIEF_PREFIX_DIR`` is read."""
    env = os.environ if env is None else env
    chosen = (env.get("LLMBRIEF_PREFIX_DIR", "") if chosen is None else chosen).strip()
    if chosen.lower() in ("off", "0", "no", "none"):
        return None
    if chosen:
        return Path(chosen)
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "llmbrief" / "prefixes"


class PrefixStore:
    """The saved prefixes of one model in one folder."""

    def __init__(self, folder: Path, model_identity: str) -> None:
        key = hashlib.sha256(model_identity.encode("utf-8")).hexdigest()[:20]
        self.folder = folder / key
        self._index: list[tuple[tuple[int, ...], Path]] | None = None

    def prefixes(self) -> list[tuple[tuple[int, ...], Path]]:
        """The saved prefixes' tokens and files (read once; the KV bytes are not read)."""
        if self._index is None:
            self._index = []
            for f in sorted(self.folder.glob(f"*{_SUFFIX}")):
                try:
                    with f.open("rb") as fh:
                        (n,) = struct.unpack("<i", fh.read(4))
                        tokens = struct.unpack(f"<{n}i", fh.read(4 * n))
                except (OSError, struct.error):
                    continue  # unreadable or cut short: ignored
                self._index.append((tuple(tokens), f))
        return self._index

    def load(self, path: Path) -> bytes | None:
        """The KV bytes of a saved prefix; None if the file went away or is cut short."""
        try:
            data = path.read_bytes()
            (n,) = struct.unpack("<i", data[:4])
        except (OSError, struct.error):
            return None
        kv = data[4 + 4 * n :]
        return kv or None

    def save(self, tokens: Sequence[int], kv: bytes) -> None:
        """Keep a prefix; failures to write are ignored (the cache is an optimisation)."""
        name = hashlib.sha256(struct.pack(f"<{len(tokens)}i", *tokens)).hexdigest()[:24]
        path = self.folder / f"{name}{_SUFFIX}"
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as fh:
                fh.write(struct.pack(f"<i{len(tokens)}i", len(tokens), *tokens))
                fh.write(kv)
            os.replace(tmp, path)
            files = sorted(self.folder.glob(f"*{_SUFFIX}"), key=lambda f: f.stat().st_mtime)
            for old in files[:-KEEP]:
                old.unlink(missing_ok=True)
        except OSError:
            tmp.unlink(missing_ok=True)
            return
        if self._index is not None:
            self._index = [(t, p) for t, p in self._index if p != path]
            self._index.append((tuple(tokens), path))
