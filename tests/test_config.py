"""Settings resolve in one place: flag > environment > config file > default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmbrief.config import (
    ENV_VARS,
    LOCAL_MODEL_NAME,
    MODES,
    Settings,
    cast_mode,
    find_config_file,
    mode_for,
    model_for,
    resolve_settings,
)
from llmbrief.errors import ConfigError


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder; no config file anywhere unless a test writes one."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def base_env(home: Path, **more: str) -> dict[str, str]:
    return {
        "XDG_CONFIG_HOME": str(home / "xdg-config"),
        "XDG_CACHE_HOME": str(home / "xdg-cache"),
        **more,
    }


def write_config(text: str, path: Path | None = None) -> Path:
    path = path or Path("llmbrief.toml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- precedence, table-driven ---------------------------------------------------------

CASES: list[tuple[str, dict[str, Any], dict[str, str], str, dict[str, Any]]] = [
    # (id, flags, env, llmbrief.toml, expected attributes)
    (
        "defaults",
        {},
        {},
        "",
        {
            "base_url": None,
            "model": None,
            "mode": "auto",
            "model_path": None,
            "timeout": 120.0,
            "max_retries": 4,
            "max_reasks": 2,
            "concurrency": 1,
            "n_threads": None,
            "no_cache": False,
            "prompt": "extract",
            "api_key": None,
            "config_file": None,
            "backend": "local",
        },
    ),
    (
        "config",
        {},
        {},
        'timeout = 30\nmodel = "qwen2.5:7b"\n',
        {"timeout": 30.0, "model": "qwen2.5:7b"},
    ),
    (
        "env over config",
        {},
        {"LLMBRIEF_TIMEOUT": "45", "LLMBRIEF_MODEL": "llama3"},
        'timeout = 30\nmodel = "qwen2.5:7b"\n',
        {"timeout": 45.0, "model": "llama3"},
    ),
    (
        "flag over env over config",
        {"timeout": 10, "model": "gpt-4o-mini"},
        {"LLMBRIEF_TIMEOUT": "45", "LLMBRIEF_MODEL": "llama3"},
        "timeout = 30\n",
        {"timeout": 10.0, "model": "gpt-4o-mini"},
    ),
    (
        "a None flag is not given",
        {"timeout": None, "concurrency": None},
        {"LLMBRIEF_TIMEOUT": "45"},
        "concurrency = 3\n",
        {"timeout": 45.0, "concurrency": 3},
    ),
    (
        "an empty env var is not set",
        {},
        {"LLMBRIEF_MODE": ""},
        'mode = "tools"\n',
        {"mode": "tools"},
    ),
    (
        "every env var",
        {},
        {
            "OPENAI_BASE_URL": "http://127.0.0.1:8080/v1",
            "LLMBRIEF_MODEL": "m",
            "LLMBRIEF_MODE": "json",
            "LLMBRIEF_TIMEOUT": "7.5",
            "LLMBRIEF_MAX_RETRIES": "0",
            "LLMBRIEF_MAX_REASKS": "5",
            "LLMBRIEF_CONCURRENCY": "4",
            "LLMBRIEF_DB": "/tmp/x.db",
            "LLMBRIEF_THREADS": "2",
            "LLMBRIEF_PROMPT": "extract@v1",
            "LLMBRIEF_SAMPLER": "Plain",
            "LLMBRIEF_PREFIX_DIR": "off",
            "OPENAI_API_KEY": "sk-test",
        },
        "",
        {
            "base_url": "http://127.0.0.1:8080/v1",
            "model": "m",
            "mode": "json",
            "timeout": 7.5,
            "max_retries": 0,
            "max_reasks": 5,
            "concurrency": 4,
            "db_path": "/tmp/x.db",
            "n_threads": 2,
            "prompt": "extract@v1",
            "sampler": "plain",
            "prefix_dir": "off",
            "api_key": "sk-test",
            "backend": "openai",
        },
    ),
    (
        "every config key",
        {},
        {},
        'base_url = "http://localhost:11434/v1"\nmodel = "m"\nmode = "md_json"\n'
        "timeout = 5\nmax_retries = 1\nmax_reasks = 0\nconcurrency = 2\n"
        'db_path = "cache.db"\nn_threads = 3\nprompt = "visit"\nsampler = "fast"\n'
        'prefix_dir = "/tmp/prefixes"\n',
        {
            "base_url": "http://localhost:11434/v1",
            "model": "m",
            "mode": "md_json",
            "timeout": 5.0,
            "max_retries": 1,
            "max_reasks": 0,
            "concurrency": 2,
            "db_path": "cache.db",
            "n_threads": 3,
            "prompt": "visit",
            "sampler": "fast",
            "prefix_dir": "/tmp/prefixes",
            "config_file": "llmbrief.toml",
        },
    ),
    ("no_cache flag", {"no_cache": True}, {}, "", {"no_cache": True}),
    # the CLI always passes the flag's value; False must stay False (not the string "False")
    ("no_cache flag off", {"no_cache": False}, {}, "", {"no_cache": False}),
    (
        "model path flag",
        {"model_path": "/models/other.gguf"},
        {},
        "",
        {"model_path": "/models/other.gguf", "backend": "local"},
    ),
]


@pytest.mark.parametrize(
    ("flags", "env", "config", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_resolution(
    home: Path, flags: dict[str, Any], env: dict[str, str], config: str, expected: dict[str, Any]
) -> None:
    if config:
        write_config(config)
    settings = resolve_settings(flags, env=base_env(home, **env))
    for name, value in expected.items():
        got = getattr(settings, name)
        assert got == value and type(got) is type(value), (name, got)


def test_default_db_follows_the_given_environment(home: Path) -> None:
    settings = resolve_settings(env=base_env(home))
    assert settings.db_path == str(home / "xdg-cache" / "llmbrief" / "llmbrief.db")


def test_types_are_coerced(home: Path) -> None:
    s = resolve_settings({"timeout": "3", "concurrency": "2"}, env=base_env(home))
    assert s.timeout == 3.0 and isinstance(s.timeout, float)
    assert s.concurrency == 2 and isinstance(s.concurrency, int)


# --- where the config file is found ------------------------------------------------------


def test_config_file_search_order(home: Path) -> None:
    env = base_env(home)
    assert find_config_file(env) is None
    user = write_config('model = "user"\n', home / "xdg-config" / "llmbrief" / "config.toml")
    assert find_config_file(env) == user
    assert resolve_settings(env=env).model == "user"
    write_config('model = "local"\n')
    assert find_config_file(env) == Path("llmbrief.toml")
    assert resolve_settings(env=env).model == "local"
    named = write_config('model = "named"\n', home / "elsewhere.toml")
    env["LLMBRIEF_CONFIG"] = str(named)
    settings = resolve_settings(env=env)
    assert settings.model == "named"
    assert settings.config_file == str(named)


# --- bad values -------------------------------------------------------------------------

BAD: list[tuple[str, dict[str, Any], dict[str, str], str, str]] = [
    # (id, flags, env, config, message start)
    ("timeout word", {}, {"LLMBRIEF_TIMEOUT": "abc"}, "", "LLMBRIEF_TIMEOUT: 'abc' is not a valid"),
    ("timeout zero", {}, {"LLMBRIEF_TIMEOUT": "0"}, "", "LLMBRIEF_TIMEOUT: '0' is not a valid"),
    (
        "timeout negative",
        {"timeout": -1},
        {},
        "",
        "--timeout: '-1' is not a valid value for timeout",
    ),
    ("timeout nan", {}, {"LLMBRIEF_TIMEOUT": "nan"}, "", "LLMBRIEF_TIMEOUT: 'nan' is not a valid"),
    ("concurrency zero", {}, {"LLMBRIEF_CONCURRENCY": "0"}, "", "LLMBRIEF_CONCURRENCY: '0'"),
    ("retries negative", {}, {"LLMBRIEF_MAX_RETRIES": "-1"}, "", "LLMBRIEF_MAX_RETRIES: '-1'"),
    ("reasks fraction", {}, {"LLMBRIEF_MAX_REASKS": "1.5"}, "", "LLMBRIEF_MAX_REASKS: '1.5'"),
    ("threads word", {}, {"LLMBRIEF_THREADS": "many"}, "", "LLMBRIEF_THREADS: 'many'"),
    ("mode env", {}, {"LLMBRIEF_MODE": "fast"}, "", "LLMBRIEF_MODE: unknown mode 'fast' (one of:"),
    ("mode flag", {"mode": "xml"}, {}, "", "--mode: unknown mode 'xml'"),
    (
        "sampler env",
        {},
        {"LLMBRIEF_SAMPLER": "greedy"},
        "",
        "LLMBRIEF_SAMPLER: unknown sampler 'greedy' (one of: fast, plain)",
    ),
    ("mode config", {}, {}, 'mode = "tool"\n', "llmbrief.toml: unknown mode 'tool'"),
    ("timeout config", {}, {}, 'timeout = "soon"\n', "llmbrief.toml: 'soon' is not a valid value"),
    ("bool for a number", {}, {}, "concurrency = true\n", "llmbrief.toml: 'True' is not a valid"),
    ("unknown key", {}, {}, 'modle = "x"\n', "llmbrief.toml: unknown setting 'modle'"),
    ("flag-only key", {}, {}, "no_cache = true\n", "llmbrief.toml: unknown setting 'no_cache'"),
    ("not TOML", {}, {}, "timeout = \n", "llmbrief.toml: not valid TOML"),
    (
        "api key in file",
        {},
        {},
        'api_key = "sk-x"\n',
        "llmbrief.toml: put the API key in OPENAI_API_KEY",
    ),
    (
        "missing config",
        {},
        {"LLMBRIEF_CONFIG": "/nonexistent/x.toml"},
        "",
        "LLMBRIEF_CONFIG: no such file",
    ),
    (
        "model path with base url",
        {"model_path": "m.gguf", "base_url": "http://127.0.0.1:8080/v1"},
        {},
        "",
        "--model-path runs the embedded model",
    ),
    ("no_cache word", {"no_cache": "perhaps"}, {}, "", "--no-cache: 'perhaps' is not a valid"),
]


@pytest.mark.parametrize(
    ("flags", "env", "config", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_values_are_config_errors(
    home: Path, flags: dict[str, Any], env: dict[str, str], config: str, message: str
) -> None:
    if config:
        write_config(config)
    with pytest.raises(ConfigError) as info:
        resolve_settings(flags, env=base_env(home, **env))
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_api_key_in_config_is_refused_even_with_the_env_key(home: Path) -> None:
    write_config('api_key = "sk-file"\n')
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        resolve_settings(env=base_env(home, OPENAI_API_KEY="sk-env"))


def test_api_key_never_shows_in_repr(home: Path) -> None:
    secret = "sk-proj-SECRET-0123456789"
    settings = resolve_settings(
        {"base_url": "https://api.openai.com/v1"}, env=base_env(home, OPENAI_API_KEY=secret)
    )
    assert settings.api_key == secret
    assert secret not in repr(settings)
    assert secret not in str(settings)
    assert "api_key=" not in repr(settings)


def test_every_setting_with_an_env_var_is_a_setting() -> None:
    names = set(Settings.__dataclass_fields__)
    assert set(ENV_VARS) <= names
    assert "api_key" not in ENV_VARS  # read only as OPENAI_API_KEY, never from a file


# --- the mode and the model ---------------------------------------------------------------

MODE_CASES = [
    ("https://api.openai.com/v1", None, "tools"),
    ("HTTPS://API.OPENAI.COM/v1", None, "tools"),
    ("http://localhost:11434/v1", None, "json_schema"),
    ("http://127.0.0.1:11434/v1", None, "json_schema"),
    ("http://ollama.internal:8080/v1", None, "json_schema"),
    ("http://127.0.0.1:8080/v1", None, "llamacpp"),
    (None, None, "llamacpp"),  # the embedded model
    ("https://api.openai.com/v1", "json", "json"),  # an explicit mode wins
    ("http://localhost:11434/v1", "tools", "tools"),
    (None, "md_json", "md_json"),
]


@pytest.mark.parametrize(("base_url", "mode", "expected"), MODE_CASES)
def test_mode_for(home: Path, base_url: str | None, mode: str | None, expected: str) -> None:
    settings = resolve_settings({"base_url": base_url, "mode": mode}, env=base_env(home))
    assert mode_for(settings) == expected


def test_mode_from_env_wins_over_auto(home: Path) -> None:
    env = base_env(home, OPENAI_BASE_URL="https://api.openai.com/v1", LLMBRIEF_MODE="json_schema")
    assert mode_for(resolve_settings(env=env)) == "json_schema"


def test_model_for() -> None:
    assert model_for(Settings(model="qwen")) == "qwen"
    assert model_for(Settings()) == LOCAL_MODEL_NAME
    assert model_for(Settings(model_path="/m/tiny-model.Q4.gguf")) == "tiny-model.Q4"
    with pytest.raises(ConfigError, match=r"no model named for http://x/v1: pass --model"):
        model_for(Settings(base_url="http://x/v1"))


def test_cast_mode() -> None:
    for m in MODES:
        assert cast_mode(m) == m
    with pytest.raises(ConfigError, match="unknown mode 'fast'"):
        cast_mode("fast")


def test_the_cache_folder_is_beside_the_database_or_in_the_xdg_cache(tmp_path: Path) -> None:
    from llmbrief.config import cache_folder

    db = tmp_path / "runs" / "my.db"
    assert cache_folder({"LLMBRIEF_DB": str(db)}) == db.parent
    assert cache_folder({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "llmbrief"
    default = resolve_settings({}, env={"XDG_CACHE_HOME": str(tmp_path)}).db_path
    assert Path(default).parent == cache_folder({"XDG_CACHE_HOME": str(tmp_path)})
