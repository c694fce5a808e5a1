"""openai and spaCy imported lean: what is left out, and that it is still there when asked for."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from llmbrief.imports import _package_without_init, _unimportable

ROOT = Path(__file__).resolve().parent.parent


def _fresh(code: str) -> dict[str, object]:
    """Run ``code`` in a new interpreter (nothing imported yet); the JSON it prints last."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def test_openai_leaves_out_aiohttp_and_the_resources_it_does_not_use() -> None:
    got = _fresh(
        """
        import json, sys
        import httpx2
        from llmbrief.imports import import_openai
        import_openai()
        left_out = ("aiohttp", "openai.resources.admin", "openai.types.beta",
                    "openai.types.responses.response", "openai.lib.streaming._assistants")
        lean = {m: m in sys.modules for m in left_out}
        import openai
        def reply(request):
            body = {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": "hi"}}]}
            return httpx2.Response(200, json=body)
        client = openai.OpenAI(base_url="http://x/v1", api_key="k", max_retries=0,
                               http_client=httpx2.Client(transport=httpx2.MockTransport(reply)))
        answer = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "?"}])
        import aiohttp
        import openai.resources
        from openai.resources import Admin
        from openai.types import ChatModel
        print(json.dumps({**lean, "answer": answer.choices[0].message.content,
                          "admin": Admin.__name__, "chat": openai.resources.chat.Chat.__name__,
                          "handler": openai.AssistantEventHandler.__module__,
                          "response": openai.types.responses.Response.__name__,
                          "models": "gpt-4o" in str(ChatModel)}))
        """
    )
    assert got == {
        "aiohttp": False,
        "openai.resources.admin": False,
        "openai.types.beta": False,
        "openai.types.responses.response": False,
        "openai.lib.streaming._assistants": False,
        "answer": "hi",
        "admin": "Admin",
        "chat": "Chat",
        "handler": "openai.lib.streaming._assistants",
        "response": "Response",
        "models": True,
    }


def test_openai_after_aiohttp_is_imported() -> None:
    got = _fresh(
        """
        import json, sys
        import aiohttp
        from llmbrief.imports import import_openai
        import_openai()
        import openai
        print(json.dumps({"aio": openai.DefaultAioHttpClient.__name__}))
        """
    )
    assert got == {"aio": "_InstalledAioHttpClient"}


def test_spacy_leaves_out_its_command_line_until_asked() -> None:
    got = _fresh(
        """
        import contextlib, io, json, sys
        from llmbrief.imports import import_spacy
        spacy = import_spacy()
        lean = {m: m in sys.modules for m in ("spacy.cli", "spacy.cli.info", "typer")}
        with contextlib.redirect_stdout(io.StringIO()):
            info = spacy.info()
        print(json.dumps({**lean, "version": info["spacy_version"] == spacy.__version__}))
        """
    )
    assert got == {"spacy.cli": False, "spacy.cli.info": False, "typer": False, "version": True}


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    pkg = tmp_path / "leanpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("import sys\nsys.inits += 1\nfrom .part import VALUE\n")
    (pkg / "part.py").write_text("VALUE = 42\n")
    (pkg / "other.py").write_text("from . import part\nTWICE = part.VALUE * 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "inits", 0, raising=False)
    for name in ("leanpkg", "leanpkg.part", "leanpkg.other"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return "leanpkg"


def test_a_package_without_its_init_until_a_name_is_missing(
    package: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _package_without_init(package)
    monkeypatch.setitem(sys.modules, package, module)
    import leanpkg.part  # type: ignore[import-not-found]  # noqa: F401

    assert sys.modules["leanpkg.part"].VALUE == 42
    assert module.other.TWICE == 84  # a submodule asked by name, which asks for another
    assert sys.inits == 0  # type: ignore[attr-defined]
    assert module.VALUE == 42  # not a submodule: the __init__ runs, once
    assert module.VALUE == 42
    assert sys.inits == 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        _ = module.nothing


def test_a_package_that_only_re_exports_gives_a_name_from_its_one_submodule(
    package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / package
    (folder / "__init__.py").write_text(
        '"""Names of the parts."""\n'
        "from __future__ import annotations\n"
        "from .part import VALUE as VALUE\n"
        "from .heavy import HEAVY\n"
        "from . import other as renamed\n"
        "__all__ = ['VALUE', 'HEAVY', 'renamed']\n"
    )
    (folder / "heavy.py").write_text("import sys\nsys.inits += 1\nHEAVY = 'loaded'\n")
    monkeypatch.delitem(sys.modules, f"{package}.heavy", raising=False)
    module = _package_without_init(package)
    monkeypatch.setitem(sys.modules, package, module)

    assert module.VALUE == 42
    assert module.renamed.TWICE == 84
    assert f"{package}.heavy" not in sys.modules
    assert sys.inits == 0  # type: ignore[attr-defined]
    assert module.__all__ == ["VALUE", "HEAVY", "renamed"]  # not a re-export: the __init__ runs
    assert module.HEAVY == "loaded"
    assert sys.inits == 1  # type: ignore[attr-defined]


def test_a_package_without_its_init_asked_by_many_threads_at_once(
    package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init = tmp_path / package / "__init__.py"
    init.write_text("import sys, time\nsys.inits += 1\ntime.sleep(0.2)\nVALUE = 42\n")
    module = _package_without_init(package)
    monkeypatch.setitem(sys.modules, package, module)
    with ThreadPoolExecutor(max_workers=8) as pool:
        values = list(pool.map(lambda _: module.VALUE, range(8)))

    assert values == [42] * 8  # none of them saw the __init__ half done
    assert sys.inits == 1  # type: ignore[attr-defined]


def test_unimportable_only_meanwhile() -> None:
    name = "json.tool"
    saved = sys.modules.pop(name, None)
    try:
        with _unimportable(name), pytest.raises(ImportError):
            __import__(name)
        assert __import__(name)
    finally:
        if saved is not None:
            sys.modules[name] = saved
