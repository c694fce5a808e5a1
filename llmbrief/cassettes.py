"""Cassettes: recording and replaying the LLM traffic of a run with vcrpy.

Requests match on method, host, path and JSON body (key order ignored), so a
changed prompt, article or schema is a miss, never a silent replay of an old
answer; the miss says what changed. Keys and cookies are scrubbed from what is
recorded, and bodies are stored decoded, readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from llmbrief.errors import CassetteError, InputError


def _body(r: Any) -> Any:
    """A recorded or sent request body, parsed as JSON when it is JSON."""
    body = r.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body


def _json_body_matcher(r1: Any, r2: Any) -> None:
    """Match request bodies as JSON (key order ignored); explain the first difference."""
    a, b = _body(r1), _body(r2)
    if a != b:
        raise AssertionError(describe_body_change(b, a))


def describe_body_change(recorded: Any, sent: Any) -> str:
    """Where a sent request body differs from the recorded one, in a line."""

    def walk(x: Any, y: Any, path: str) -> str | None:
        if type(x) is not type(y):
            return f"{path or 'body'}: recorded {_clip(x)}, sent {_clip(y)}"
        if isinstance(x, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    return f"{path}.{k}: {'added' if k in y else 'removed'}"
                d = walk(x[k], y[k], f"{path}.{k}" if path else k)
                if d:
                    return d
            return None
        if isinstance(x, list):
            if len(x) != len(y):
                return f"{path}: recorded {len(x)} items, sent {len(y)}"
            for i, (p, q) in enumerate(zip(x, y, strict=True)):
                d = walk(p, q, f"{path}[{i}]")
                if d:
                    return d
            return None
        if x != y:
            if isinstance(x, str) and isinstance(y, str):
                i = _common_prefix(x, y)
                return (
                    f"{path}: text differs at character {i}: recorded "
                    f"{_clip(x[max(0, i - 30) : i + 40])}, sent {_clip(y[max(0, i - 30) : i + 40])}"
                )
            return f"{path}: recorded {_clip(x)}, sent {_clip(y)}"
        return None

    return walk(recorded, sent, "") or "bodies differ"


def _common_prefix(x: str, y: str) -> int:
    """How many leading characters ``x`` and ``y`` share (binary search on C compares).

    vcrpy asks the body matcher about every recorded request that does not
    match, so this runs hundreds of times per replay over ~4 kB prompts.
    """
    lo, hi = 0, min(len(x), len(y))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if x[lo:mid] == y[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _clip(v: Any, n: int = 80) -> str:
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[: n - 1] + "…"


VCR_FILTER_HEADERS = [
    "authorization",
    "api-key",
    "x-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
]


def make_vcr(record_mode: str) -> Any:
    """A vcrpy config that matches on method, path and JSON body, and scrubs keys."""
    import vcr

    v = vcr.VCR(
        record_mode=record_mode,
        match_on=["method", "scheme", "host", "path", "query", "json_body"],
        filter_headers=VCR_FILTER_HEADERS,
        decode_compressed_response=True,
        serializer="yaml",
    )
    v.register_matcher("json_body", _json_body_matcher)
    return v


@contextmanager
def cassette(replay: Path | None, record: Path | None) -> Iterator[Any]:
    """Record or replay the run's LLM traffic; nothing when neither is asked."""
    if replay is None and record is None:
        yield None
        return
    if replay is not None:
        if not replay.is_file():
            raise CassetteError(f"{replay}: no such cassette")
        _check_cassette(replay)
        with make_vcr("none").use_cassette(str(replay), allow_playback_repeats=False) as cas:
            yield cas
        return
    assert record is not None
    if not record.parent.exists():
        raise InputError(f"{record}: folder {record.parent} does not exist")
    record.unlink(missing_ok=True)
    with make_vcr("all").use_cassette(str(record)) as cas:
        yield cas


def _check_cassette(path: Path) -> None:
    import yaml

    try:
        # libyaml's loader when present (as vcrpy uses): ~15x faster on a cassette
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise CassetteError(
            f"{path}: corrupt cassette, not valid YAML ({_first_line(err)})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError(f"{path}: corrupt cassette, no 'interactions' list")
    # what vcrpy reads from each interaction; it would fail with a bare TypeError
    for i, item in enumerate(data["interactions"], 1):
        for part, keys in (
            ("request", {"method", "uri", "body", "headers"}),
            ("response", {"status", "body"}),
        ):
            value = item.get(part) if isinstance(item, dict) else None
            if not isinstance(value, dict) or not keys <= value.keys():
                raise CassetteError(
                    f"{path}: corrupt cassette, interaction {i} has no whole {part}"
                )


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def explain_miss(err: BaseException) -> str:
    """What changed in a request that a cassette had no answer for, and how to fix it.

    vcrpy's own "most similar request" is arbitrary when every recording differs
    only in its body, so the closest body (longest shared text) is found here.
    """
    cas = getattr(err, "cassette", None)
    path = getattr(cas, "_path", None) or "the cassette"
    fix = "re-record with --record (or `make record`)"
    if getattr(err, "reason", None) == "already_played":
        return f"{path}: the run asked the same question more times than was recorded; {fix}"
    detail = ""
    failed = getattr(err, "failed_request", None)
    recorded = list(getattr(cas, "requests", None) or [])
    if failed is not None and recorded:
        sent = _body(failed)
        sent_text = json.dumps(sent, sort_keys=True, ensure_ascii=False)
        same_path = [r for r in recorded if r.path == failed.path] or recorded
        closest = max(
            same_path,
            key=lambda r: _common_prefix(
                json.dumps(_body(r), sort_keys=True, ensure_ascii=False), sent_text
            ),
        )
        detail = f" ({describe_body_change(_body(closest), sent)})"
    return (
        f"{path}: request changed since the cassette was recorded, so it has no answer for it"
        f"{detail}: the prompt, the input or the settings changed; {fix}"
    )
