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
- spaCy's ``__init__`` imports its command line (typer, weasel, requests,
  jinja2) for ``spacy.info``; a stand-in module gives ``spacy.info`` instead,
  which imports the real one when called.

Each saves interpreter time measured in bench/README.md; the first two are for
openai 3 (checked), the third changes nothing where spaCy imports no
``spacy.cli.info``.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def import_openai() -> None:
    """Import openai and its chat resource, leaving out aiohttp and the other resources."""
    if "openai" not in sys.modules:
        try:
            with _unimportable("aiohttp"):
                import openai
        except ImportError:  # an openai that needs aiohttp to import
            import openai
    if "openai.resources" not in sys.modules and _openai_major() == "3":
        sys.modules["openai.resources"] = _package_without_init("openai.resources")
    import openai.resources.chat  # noqa: F401


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


def _openai_major() -> str:
    import openai

    return str(openai.__version__).split(".", 1)[0]


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


def _package_without_init(name: str) -> types.ModuleType:
    """The package ``name``, its submodules importable, its ``__init__`` not yet run: it
    runs, in this same module, on the first name asked of it that is not there."""
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    lock = threading.Lock()

    def complete(attr: str) -> Any:
        with lock:
            if package.__dict__.pop("__getattr__", None) is not None:
                spec.loader.exec_module(package)  # type: ignore[union-attr]
        return object.__getattribute__(package, attr)

    package.__getattr__ = complete  # type: ignore[method-assign]
    return package
