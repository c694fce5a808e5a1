"""A scripted fake OpenAI-compatible server, for tests and benchmarks.

This is NOT a recording of a real model: every answer is made up here, by a
script the test writes. It lets tests provoke what a real endpoint does only
rarely (429 with Retry-After, 5xx, hangs, malformed or truncated JSON, 401)
and inspect every request the client sent.

It listens on a loopback port (stdlib ``http.server``, one thread per
request) and serves ``POST /v1/chat/completions`` and ``GET /v1/models``.

Each chat-completion request takes the next step of the script; when the
script is empty, the server's ``default`` step answers. A step is a callable
``(FakeRequest) -> Reply``; the helpers below make the usual ones::

    with FakeOpenAI(script=[status(429, retry_after=1), answer()]) as fake:
        run(base_url=fake.url)          # "http://127.0.0.1:PORT/v1"
        assert len(fake.chat_requests) == 2

The default step, :func:`answer`, answers correctly: a valid JSON object for
the schema the request carries (llama.cpp's ``response_format.schema``,
OpenAI's ``json_schema``, or a ``tools`` function), choosing the first enum
value of each property. ``FakeOpenAI(delay_ms=200)`` waits that long before
every answer, so a whole extraction can run against it as a slow endpoint
(the concurrency benchmark uses this).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "FakeOpenAI",
    "FakeRequest",
    "Reply",
    "answer",
    "answer_for_schema",
    "content",
    "hang",
    "schema_of",
    "status",
]


@dataclass
class FakeRequest:
    """One request the fake server received, as it arrived."""

    method: str
    path: str
    headers: dict[str, str]
    raw: bytes
    at: float

    @property
    def body(self) -> Any:
        """The JSON body (None when there is none or it is not JSON)."""
        try:
            return json.loads(self.raw) if self.raw else None
        except ValueError:
            return None

    @property
    def text(self) -> str:
        """The body as text, for substring assertions."""
        return self.raw.decode("utf-8", "replace")

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages of the request."""
        body = self.body
        return list(body.get("messages", [])) if isinstance(body, dict) else []

    @property
    def user_text(self) -> str:
        """Every user message's content, joined: what the model was asked."""
        parts = []
        for m in self.messages:
            if m.get("role") == "user":
                c = m.get("content")
                parts.append(c if isinstance(c, str) else json.dumps(c, ensure_ascii=False))
        return "\n".join(parts)


@dataclass
class Reply:
    """What the fake server sends back for one request."""

    status: int = 200
    body: bytes | str | dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: seconds to wait before answering
    delay: float = 0.0
    #: close the connection without any answer (after ``delay``)
    drop: bool = False


Step = Callable[[FakeRequest], Reply]


# --- what an answer looks like ----------------------------------------------


def schema_of(body: Any) -> tuple[dict[str, Any] | None, str]:
    """The JSON schema a chat-completion request asks for, and how it asks.

    Returns ``(schema, how)`` where ``how`` is ``"tools"`` (answer with a tool
    call) or ``"content"`` (answer in the message content).
    """
    if not isinstance(body, dict):
        return None, "content"
    rf = body.get("response_format")
    if isinstance(rf, dict):
        if isinstance(rf.get("schema"), dict):  # llama.cpp: {"type": "json_object", "schema": …}
            return rf["schema"], "content"
        js = rf.get("json_schema")
        if isinstance(js, dict) and isinstance(js.get("schema"), dict):  # OpenAI json_schema
            return js["schema"], "content"
    tools = body.get("tools")
    if isinstance(tools, list) and tools:
        fn = tools[0].get("function", {}) if isinstance(tools[0], dict) else {}
        if isinstance(fn.get("parameters"), dict):
            return fn["parameters"], "tools"
    return None, "content"


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = root
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return _resolve(node, root) if isinstance(node, dict) else {}
    return schema


def _value_for(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return _value_for(schema[key][0], root)
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), t[0] if t else None)
    if t == "object" or "properties" in schema:
        return {k: _value_for(v, root) for k, v in schema.get("properties", {}).items()}
    defaults: dict[str, Any] = {"string": "", "integer": 0, "number": 0, "boolean": False}
    return [] if t == "array" else defaults.get(str(t))


def answer_for_schema(schema: dict[str, Any] | None) -> dict[str, Any]:
    """A valid answer for ``schema``: the first enum value (or const) of each property."""
    if not schema:
        return {}
    value = _value_for(schema, schema)
    return value if isinstance(value, dict) else {}


def completion(
    text: str,
    *,
    model: str = "fake",
    finish_reason: str = "stop",
    tool_name: str | None = None,
) -> dict[str, Any]:
    """An OpenAI ``chat.completion`` object whose answer is ``text``."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_name is not None:
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_fake",
                    "type": "function",
                    "function": {"name": tool_name, "arguments": text},
                }
            ],
        }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


# --- script steps -------------------------------------------------------------


def answer(
    choose: Callable[[dict[str, Any], FakeRequest], dict[str, Any]] | None = None,
    *,
    delay: float = 0.0,
    finish_reason: str = "stop",
) -> Step:
    """Answer correctly for the request's schema (or with ``choose(answer, request)``)."""

    def step(req: FakeRequest) -> Reply:
        body = req.body if isinstance(req.body, dict) else {}
        schema, how = schema_of(body)
        data = answer_for_schema(schema)
        if choose is not None:
            data = choose(data, req)
        tool = None
        if how == "tools":
            tool = body["tools"][0]["function"].get("name", "answer")
        out = completion(
            json.dumps(data),
            model=str(body.get("model", "fake")),
            finish_reason=finish_reason,
            tool_name=tool,
        )
        return Reply(200, out, delay=delay)

    return step


def content(text: str, *, finish_reason: str = "stop", delay: float = 0.0) -> Step:
    """Answer 200 with this exact message content (malformed JSON, a cut-off answer, …)."""

    def step(req: FakeRequest) -> Reply:
        body = req.body if isinstance(req.body, dict) else {}
        out = completion(text, model=str(body.get("model", "fake")), finish_reason=finish_reason)
        return Reply(200, out, delay=delay)

    return step


def status(
    code: int,
    message: str = "scripted error",
    *,
    retry_after: float | None = None,
    delay: float = 0.0,
) -> Step:
    """Answer an HTTP error status with an OpenAI-style error body."""
    err_type = {401: "invalid_request_error", 429: "rate_limit_exceeded"}.get(code, "server_error")

    def step(req: FakeRequest) -> Reply:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        body = {"error": {"message": message, "type": err_type, "code": str(code)}}
        return Reply(code, body, headers, delay=delay)

    return step


def hang(seconds: float = 30.0) -> Step:
    """Accept the request and say nothing for ``seconds``, then drop the connection."""

    def step(req: FakeRequest) -> Reply:
        return Reply(delay=seconds, drop=True)

    return step


# --- the server ---------------------------------------------------------------


class FakeOpenAI:
    """A scripted fake OpenAI-compatible server on ``127.0.0.1`` (see the module doc).

    ``script``: steps taken in order, one per chat-completion request.
    ``default``: the step once the script is used up (default: :func:`answer`).
    ``delay_ms``: extra wait before every reply, to play a slow endpoint.
    """

    def __init__(
        self,
        script: Iterable[Step] = (),
        *,
        default: Step | None = None,
        delay_ms: float = 0,
        port: int = 0,
    ) -> None:
        self._script: deque[Step] = deque(script)
        self.default = default or answer()
        self.delay = delay_ms / 1000.0
        self.requests: list[FakeRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # life cycle

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The base URL to give the client: ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAI:
        """Serve in a background thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port (hanging replies are cut short)."""
        self._stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # scripting and inspection

    def push(self, *steps: Step) -> None:
        """Append steps to the script."""
        with self._lock:
            self._script.extend(steps)

    @property
    def chat_requests(self) -> list[FakeRequest]:
        """The chat-completion requests received so far, in arrival order."""
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _next_step(self) -> Step:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def _reply(self, req: FakeRequest) -> Reply:
        with self._lock:
            self.requests.append(req)
        if req.method == "GET" and req.path.endswith("/models"):
            return Reply(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        if req.method != "POST" or not req.path.endswith("/chat/completions"):
            return Reply(404, {"error": {"message": f"no route {req.path}"}})
        try:
            reply = self._next_step()(req)
        except Exception as err:  # a broken script step: say so, as the server would
            return Reply(500, {"error": {"message": f"fake server script failed: {err!r}"}})
        reply.delay += self.delay
        return reply

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # headers and body go out in two writes; with Nagle's algorithm on, the
            # body would wait for the client's delayed ACK (~40 ms on Linux)
            disable_nagle_algorithm = True
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                req = FakeRequest(
                    method=self.command,
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    raw=raw,
                    at=time.monotonic(),
                )
                reply = fake._reply(req)
                if reply.delay and fake._stopping.wait(reply.delay):
                    reply.drop = True
                if reply.drop:
                    self.close_connection = True
                    return
                body = reply.body
                if isinstance(body, dict):
                    data = json.dumps(body).encode()
                elif isinstance(body, str):
                    data = body.encode()
                else:
                    data = body or b""
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (timeout): fine

            do_GET = _serve
            do_POST = _serve

        return Handler


def free_port() -> int:
    """A loopback port with nothing listening on it (for "connection refused")."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> None:
    """Run the fake server in the foreground: ``python tests/fakeserver.py --delay-ms 200``."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay-ms", type=float, default=0)
    args = parser.parse_args(argv)
    fake = FakeOpenAI(delay_ms=args.delay_ms, port=args.port).start()
    print(fake.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
