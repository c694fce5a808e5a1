"""The local batch runner: a batch request file answered by the embedded model, offline.

Takes a batch input file (OpenAI Batch API format, as ``llmbrief batch
prepare`` writes it); gives a batch output file in the format the OpenAI Batch
API and ``vllm run-batch`` write (``id``, ``custom_id``, ``response`` with
``status_code``, ``request_id`` and ``body``, ``error``). Each request goes to
the embedded model exactly as the live path's requests do. One line is read,
answered and written at a time. It is a runner for small batches and for
trying the batch route without a GPU or an account; it is not a recording.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmbrief.batch import URL
from llmbrief.config import LOCAL_BASE_URL, Settings
from llmbrief.errors import ConfigError, InputError

#: Answers one request body: (HTTP status, response body).
Answerer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


@dataclass
class RunResult:
    """What the runner did."""

    answered: int = 0
    errors: int = 0


def embedded_answerer(settings: Settings) -> Answerer:
    """Answer request bodies with the embedded model (loaded here, once)."""
    import httpx2

    from llmbrief.llm import open_backend

    if settings.base_url is not None:
        raise ConfigError(
            "the local runner runs the embedded model: unset OPENAI_BASE_URL (or base_url in "
            "the config file); send the file to a server's batch route instead"
        )
    model = open_backend(settings, store=None).embedded  # loads the model, as a live run does
    if model is None:  # pragma: no cover - open_backend loads it when no base URL is set
        raise ConfigError("the embedded model could not be opened")
    url = LOCAL_BASE_URL + "/chat/completions"

    def answer(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = model.handle(httpx2.Request("POST", url, json=body))
        data: dict[str, Any] = response.json()
        return response.status_code, data

    return answer


def output_line(n: int, custom_id: Any, status: int, body: dict[str, Any] | None) -> str:
    """One line of a batch output file: a response, or an error when ``body`` is None."""
    line: dict[str, Any] = {"id": f"batch_req_{n}", "custom_id": custom_id}
    if body is None:
        line["response"] = None
        line["error"] = {"code": "invalid_request", "message": f"HTTP {status}"}
    else:
        line["response"] = {"status_code": status, "request_id": f"req_{n}", "body": body}
        line["error"] = None
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


def _requests(path: Path) -> Iterator[tuple[int, Any, dict[str, Any] | None]]:
    """(line number, custom_id, body or None when the line is no request) per line."""
    try:
        fh = path.open(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    with fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except ValueError:
                yield n, None, None
                continue
            ok = isinstance(line, dict) and line.get("url") == URL
            body = line.get("body") if ok else None
            yield (
                n,
                line.get("custom_id") if isinstance(line, dict) else None,
                (body if isinstance(body, dict) else None),
            )


def run(
    requests: Path,
    out: Path,
    answer: Answerer,
    *,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Answer every line of ``requests`` with ``answer``; write the output file as it goes.

    A line that is not a chat-completion request gets an error line, as the
    OpenAI Batch API does. The file appears under ``out`` when complete.
    """
    result = RunResult()
    part = out.with_name(out.name + ".part")
    try:
        with part.open("w", encoding="utf-8") as fh:
            for n, cid, body in _requests(requests):
                if body is None:
                    fh.write(output_line(n, cid, 400, None))
                    result.errors += 1
                else:
                    status, data = answer(body)
                    fh.write(output_line(n, cid, status, data))
                    result.answered += 1
                fh.flush()
                if progress is not None:
                    progress(result.answered + result.errors)
    except OSError as err:
        part.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write ({err.strerror or err})") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, out)
    return result
