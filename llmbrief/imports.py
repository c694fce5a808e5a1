"""openai and spaCy imported without the parts of them llmbrief never uses.

Both imports are on the way to a run's first request, bound to the interpreter
(bench/README.md, "start-up"). Three parts of them serve nothing llmbrief does;
each is left out at import time only, and imported for real by whoever asks for
it later:

- openai 3 imports aiohttp, when installed (instructor requires it), for an
  async transport; while openai imports, aiohttp is made unimportable, and
  openai keeps its "install the aiohttp extra" stand-in for that client;
- the openai client imports its chat resource from ``openai.resources``, whose
  ``__init__`` imports every resource of the API (admin, audio, beta, evals,
  fine-tuning, realtime, ...); the package is created without running its
  ``__init__``, which runs in full on the first name asked of it that no
  imported submodule provides;
- likewise ``openai.types`` and ``openai.types.responses`` (hundreds of pydantic
  models of other endpoints) and ``openai.lib.streaming`` (the Assistants API's
  event handlers, which openai's ``__init__`` re-exports: ``openai.AssistantEventHandler``
  imports them when first asked for);
- spaCy's ``__init__`` imports its command line (typer, weasel, requests,
  jinja2) for ``spacy.info``; a stand-in module gives ``spacy.info`` instead,
  which imports the real one when called.

Each saves interpreter time measured in bench/README.md; the first three are for
openai 3 (checked from its version file, before it is imported), the last changes
nothing where spaCy imports no ``spacy.cli.info``.
"""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
import re
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: openai 3 packages created without running their ``__init__`` before openai imports.
_OPENAI_LEAN = ("openai.types", "openai.types.responses", "openai.lib.streaming")
#: What openai's ``__init__`` takes from ``openai.lib.streaming`` to re-export.
_STREAMING_NAMES = ("AssistantEventHandler", "AsyncAssistantEventHandler")


def import_openai() -> None:
    """Import openai and its chat resource, leaving out aiohttp and the other resources."""
    if "openai" not in sys.modules:
        try:
            with _unimportable("aiohttp"):
                _import_openai_lean()
        except ImportError:  # an openai that needs aiohttp to import
            import openai
    if "openai.resources" not in sys.modules and _openai3_folder() is not None:
        sys.modules["openai.resources"] = _package_without_init("openai.resources")
    import openai.resources.chat  # noqa: F401


def _import_openai_lean() -> None:
    """``import openai``; for openai 3, without the types and streaming helpers it does not
    need (imported plainly instead if openai no longer imports that way)."""
    root = _openai3_folder()
    if root is None:
        import openai

        return
    lean = {name: _package_without_init(name, root.joinpath(*name.split(".")[1:-1]))
            for name in _OPENAI_LEAN}  # fmt: skip
    streaming = lean["openai.lib.streaming"]
    for name in _STREAMING_NAMES:
        setattr(streaming, name, type(name, (), {}))  # stand-ins while openai imports
    sys.modules.update(lean)
    try:
        import openai
    except ImportError:
        for name in [m for m in sys.modules if m == "openai" or m.startswith("openai.")]:
            del sys.modules[name]
        import openai
    else:
        for name, module in lean.items():  # what an import would have done
            parent, _, child = name.rpartition(".")
            setattr(sys.modules[parent], child, module)
        for name in _STREAMING_NAMES:
            delattr(streaming, name)
            delattr(openai, name)

        def real_streaming_name(name: str) -> Any:
            if name in _STREAMING_NAMES:
                return getattr(streaming, name)  # runs its __init__
            raise AttributeError(f"module 'openai' has no attribute {name!r}")

        openai.__getattr__ = real_streaming_name  # type: ignore[method-assign]


def _openai3_folder() -> Path | None:
    """The folder of the openai package when it is openai 3 (its version read, not imported)."""
    spec = importlib.util.find_spec("openai")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    try:
        version = (root / "_version.py").read_text(encoding="utf-8")
    except OSError:
        return None
    return root if re.search(r"""__version__\s*=\s*["']3\.""", version) else None


def import_spacy() -> types.ModuleType:
    """Import spaCy without its command line; the module."""
    if "spacy" not in sys.modules:
        stand_in = types.ModuleType("spacy.cli.info")
        stand_in.info = _spacy_info  # type: ignore[attr-defined]
        sys.modules["spacy.cli.info"] = stand_in
        try:
            import spacy  # noqa: F401
        finally:
            if sys.modules.get("spacy.cli.info") is stand_in:
                del sys.modules["spacy.cli.info"]
    return sys.modules["spacy"]


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    from spacy.cli.info import info

    return info(*args, **kwargs)


@contextmanager
def _unimportable(name: str) -> Iterator[None]:
    """``import name`` raises ImportError meanwhile (unless it is imported already)."""
    if name in sys.modules:
        yield
        return
    sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get(name, False) is None:
            del sys.modules[name]


def _package_without_init(name: str, parent: Path | None = None) -> types.ModuleType:
    """The package ``name``, its submodules importable, its ``__init__`` not yet run.

    A name asked of it is found without running the ``__init__`` when it is a
    submodule, or when the ``__init__`` only re-exports names of its submodules
    (``from .part import Name``, nothing else) and this is one of them: that one
    submodule is imported. Any other name runs the ``__init__``, in this same
    module. ``parent`` is the folder of the parent package, when that is not
    imported yet.
    """
    if parent is None:
        spec = importlib.util.find_spec(name)
    else:
        spec = importlib.machinery.PathFinder.find_spec(name, [str(parent)])
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    lock = threading.RLock()  # re-entered by the __init__ itself, which sees what it has so far
    started: list[bool] = []
    exports: list[dict[str, tuple[str, str | None]] | None] = []

    def complete(attr: str) -> Any:
        if not attr.startswith("__"):
            if importlib.machinery.PathFinder.find_spec(f"{name}.{attr}", package.__path__):
                return importlib.import_module(f"{name}.{attr}")  # ``from . import part``
            if not exports:
                exports.append(_reexports(spec))
            found = (exports[0] or {}).get(attr)
            if found is not None and not started:
                part, there = found
                value = importlib.import_module(f"{name}.{part}")
                value = value if there is None else getattr(value, there)
                setattr(package, attr, value)  # what the __init__ would have bound
                return value
        with lock:  # other threads wait for the whole __init__
            if not started:
                started.append(True)
                spec.loader.exec_module(package)  # type: ignore[union-attr]
                del package.__getattr__
        try:
            return package.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    package.__getattr__ = complete  # type: ignore[method-assign]
    return package


def _reexports(spec: importlib.machinery.ModuleSpec) -> dict[str, tuple[str, str | None]] | None:
    """What a package's ``__init__`` takes from its submodules, name by name:
    ``{name: (submodule, its name there, or None for the submodule itself)}``;
    None when the ``__init__`` does anything besides such imports and ``__all__``."""
    source = spec.loader.get_source(spec.name) if spec.loader is not None else None  # type: ignore[attr-defined]
    if not source:
        return None
    found: dict[str, tuple[str, str | None]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                if alias.name == "*":
                    return None
                here = alias.asname or alias.name
                found[here] = (node.module, alias.name) if node.module else (alias.name, None)
        elif not _is_docstring_or_all(node):
            return None
    return found


def _is_docstring_or_all(node: ast.stmt) -> bool:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True
    targets = node.targets if isinstance(node, ast.Assign) else []
    return bool(targets) and all(isinstance(t, ast.Name) and t.id == "__all__" for t in targets)
