"""Settings: the one place that reads the environment and the config file.

Each setting resolves as flag > environment variable > config file > default.
The config file is TOML: ``$LLMBRIEF_CONFIG``, else ``./llmbrief.toml``, else
``$XDG_CONFIG_HOME/llmbrief/config.toml``. The API key is read from the
environment only and is never written anywhere (it is kept out of ``repr``).
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, cast

from llmbrief.errors import ConfigError

Mode = Literal["auto", "tools", "json_schema", "llamacpp", "json", "md_json"]
MODES: tuple[str, ...] = ("auto", "tools", "json_schema", "llamacpp", "json", "md_json")

#: The model name the embedded backend announces (and records in cassettes).
LOCAL_MODEL_NAME = "gemma-3-270m-q4_k_m"
#: The base URL the embedded backend answers on: in-process, never a network host.
LOCAL_BASE_URL = "http://llmbrief.local/v1"

#: Environment variable for each setting that has one.
ENV_VARS: dict[str, str] = {
    "base_url": "OPENAI_BASE_URL",
    "model": "LLMBRIEF_MODEL",
    "mode": "LLMBRIEF_MODE",
    "model_path": "LLMBRIEF_MODEL_PATH",
    "timeout": "LLMBRIEF_TIMEOUT",
    "max_retries": "LLMBRIEF_MAX_RETRIES",
    "max_reasks": "LLMBRIEF_MAX_REASKS",
    "concurrency": "LLMBRIEF_CONCURRENCY",
    "db_path": "LLMBRIEF_DB",
    "n_threads": "LLMBRIEF_THREADS",
    "prompt": "LLMBRIEF_PROMPT",
    "sampler": "LLMBRIEF_SAMPLER",
    "prefix_dir": "LLMBRIEF_PREFIX_DIR",
}
#: The embedded model's samplers: ``fast`` (shared prefix, guessed answers checked in
#: one batch) and ``plain`` (llama-cpp-python's own loop, the previous release's path).
SAMPLERS = ("fast", "plain")


def _default_db(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "llmbrief" / "llmbrief.db")


def cache_folder(env: Mapping[str, str] | None = None) -> Path:
    """Where llmbrief keeps what it can always make again (the gazetteer's index, the
    embedded model's vocabulary): beside ``$LLMBRIEF_DB`` when it is set, else in
    ``$XDG_CACHE_HOME/llmbrief`` (``~/.cache/llmbrief``), where the database is too."""
    env = os.environ if env is None else env
    db = env.get("LLMBRIEF_DB")
    return Path(db).parent if db else Path(_default_db(env)).parent


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run."""

    base_url: str | None = None
    model: str | None = None
    mode: str = "auto"
    model_path: str | None = None
    timeout: float = 120.0
    max_retries: int = 4
    max_reasks: int = 2
    concurrency: int = 1
    db_path: str = field(default_factory=_default_db)
    n_threads: int | None = None
    #: the embedded model's sampler (see SAMPLERS)
    sampler: str = "fast"
    #: where the embedded model keeps evaluated prompt prefixes ("off": nowhere;
    #: unset: under the cache directory)
    prefix_dir: str | None = None
    no_cache: bool = False
    prompt: str = "extract"
    api_key: str | None = field(default=None, repr=False)
    config_file: str | None = None

    @property
    def backend(self) -> str:
        """``local`` (embedded model) unless a base URL names an endpoint."""
        return "local" if self.base_url is None else "openai"


_INT = {"max_retries", "max_reasks", "concurrency", "n_threads"}
_FLOAT = {"timeout"}
_BOOL = {"no_cache"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _coerce(name: str, value: Any, origin: str) -> Any:
    if value is None:
        return None
    if name in _BOOL:
        # a flag's False is a value too: str(False) would be "False", which is truthy
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise ConfigError(f"{origin}: '{value}' is not a valid value for {name} (true or false)")
    try:
        if isinstance(value, bool) and name in _INT | _FLOAT:
            raise ValueError  # TOML true/false is not a number
        if name in _INT:
            number = int(value)
            if number < 0 or (name == "concurrency" and number < 1):
                raise ValueError
            return number
        if name in _FLOAT:
            number_f = float(value)
            if not math.isfinite(number_f) or number_f <= 0:
                raise ValueError
            return number_f
    except (TypeError, ValueError):
        raise ConfigError(f"{origin}: '{value}' is not a valid value for {name}") from None
    if name == "mode" and value not in MODES:
        raise ConfigError(f"{origin}: unknown mode '{value}' (one of: {', '.join(MODES)})")
    if name == "sampler" and str(value).strip().lower() not in SAMPLERS:
        raise ConfigError(f"{origin}: unknown sampler '{value}' (one of: {', '.join(SAMPLERS)})")
    return str(value).strip().lower() if name == "sampler" else str(value)


def find_config_file(env: Mapping[str, str]) -> Path | None:
    """The config file in effect, if any."""
    if env.get("LLMBRIEF_CONFIG"):
        p = Path(env["LLMBRIEF_CONFIG"])
        if not p.is_file():
            raise ConfigError(f"LLMBRIEF_CONFIG: no such file {p}")
        return p
    local = Path("llmbrief.toml")
    if local.is_file():
        return local
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    user = Path(base) / "llmbrief" / "config.toml"
    return user if user.is_file() else None


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read config file ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from None
    known = {f.name for f in fields(Settings)} - {"api_key", "config_file", "no_cache"}
    for key in data:
        if key == "api_key":
            raise ConfigError(f"{path}: put the API key in OPENAI_API_KEY, not in a file")
        if key not in known:
            raise ConfigError(f"{path}: unknown setting '{key}'")
    return data


def resolve_settings(
    flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Resolve every setting: flag > environment > config file > default.

    ``flags`` holds the command-line values; ``None`` means "not given".
    """
    flags = flags or {}
    env = os.environ if env is None else env
    config_path = find_config_file(env)
    config = _read_config(config_path) if config_path else {}
    values: dict[str, Any] = {}
    for f in fields(Settings):
        name = f.name
        if name in ("api_key", "config_file"):
            continue
        if flags.get(name) is not None:
            values[name] = _coerce(name, flags[name], f"--{name.replace('_', '-')}")
        elif name in ENV_VARS and env.get(ENV_VARS[name]):
            values[name] = _coerce(name, env[ENV_VARS[name]], ENV_VARS[name])
        elif name in config:
            values[name] = _coerce(name, config[name], str(config_path))
    values.setdefault("db_path", _default_db(env))
    values["api_key"] = env.get("OPENAI_API_KEY") or None
    values["config_file"] = str(config_path) if config_path else None
    if values.get("base_url") is not None and values.get("model_path") is not None:
        raise ConfigError("--model-path runs the embedded model; it cannot go with --base-url")
    return Settings(**values)


def mode_for(settings: Settings) -> str:
    """The instructor mode that fits the backend, unless one was chosen."""
    if settings.mode != "auto":
        return settings.mode
    if settings.base_url is None:
        return "llamacpp"
    url = settings.base_url.lower()
    if "api.openai.com" in url:
        return "tools"
    if ":11434" in url or "ollama" in url:
        return "json_schema"
    # llama.cpp servers (both the C++ one and llama-cpp-python's) take
    # {"type": "json_object", "schema": ...}; other servers treat it as JSON mode.
    return "llamacpp"


def model_for(settings: Settings) -> str:
    """The model name to send."""
    if settings.model:
        return settings.model
    if settings.base_url is None:
        if settings.model_path:
            return Path(settings.model_path).stem
        return LOCAL_MODEL_NAME
    raise ConfigError(f"no model named for {settings.base_url}: pass --model or set LLMBRIEF_MODEL")


def cast_mode(value: str) -> Mode:
    """Narrow a validated mode string to the ``Mode`` literal."""
    if value not in MODES:
        raise ConfigError(f"unknown mode '{value}' (one of: {', '.join(MODES)})")
    return cast(Mode, value)
