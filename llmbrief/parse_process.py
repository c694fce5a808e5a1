"""spaCy in a process of its own: articles' texts in, their analyses out.

Importing spaCy and loading its English pipeline take about a second, and
parsing an article 0.02-0.3 s, all of it bound to the interpreter lock. In the
process that asks the model they would hold up everything else (importing the
client libraries, building questions, reading answers), threads or not
(bench/README.md). A child process parses instead, on another core, while this
one gets ready to ask and asks; each analysis comes back as soon as it is made,
in the cache's JSON form (:func:`llmbrief.analysis.to_json`), so it is the same
analysis, byte for byte, that parsing in this process would have made.

One child per process (:func:`parser`), started on the first text to parse and
kept for the process's life, so spaCy loads once; it loads spaCy as soon as it
starts, before the first text arrives. It runs in a session of its own (a
Ctrl-C at the terminal reaches this process only, which stops the run) and
stops when its input closes or this process exits. Requests and replies are
JSON lines on its stdin and stdout, matched by number.
"""

from __future__ import annotations

import atexit
import json
import queue
import subprocess
import sys
import threading
import traceback
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any

from llmbrief.errors import NotAvailableError

#: Where the running llmbrief package lives: the child imports this copy of it.
_ROOT = str(Path(__file__).resolve().parent.parent)

_CHILD = (
    "import sys\n"
    f"if {_ROOT!r} not in sys.path:\n"
    f"    sys.path.insert(0, {_ROOT!r})\n"
    "from llmbrief.parse_process import main\n"
    "main()\n"
)


def child_command() -> list[str]:
    """The child's command line: this interpreter, without the current folder on its path."""
    return [sys.executable, "-P", "-c", _CHILD]


class AnalysisFailed(RuntimeError):
    """spaCy raised on an article in the child (a bug, as it would be in this process)."""


class ParseProcess:
    """A child process that parses texts; :meth:`submit` returns the analysis's JSON later.

    ``command`` is the child's command line (tests give others).
    """

    def __init__(self, command: list[str] | None = None) -> None:
        self._command = command or child_command()
        self._proc: subprocess.Popen[str] | None = None
        self._pending: dict[int, Future[str]] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._outbox: queue.Queue[str | None] = queue.Queue()

    def submit(self, text: str) -> Future[str]:
        """Queue ``text`` for parsing; never blocks. The future fails with
        :class:`NotAvailableError` when spaCy or the child is not available."""
        fut: Future[str] = Future()
        with self._lock:
            if self._proc is None:
                self._start()
            n = self._next
            self._next += 1
            self._pending[n] = fut
            outbox = self._outbox
        outbox.put(json.dumps({"id": n, "text": text}) + "\n")
        return fut

    def start(self) -> None:
        """Start the child now (spaCy loads meanwhile), if it is not running."""
        with self._lock:
            if self._proc is None:
                self._start()

    def stop_if_unused(self) -> None:
        """Stop the child if it has never been given a text (started ahead for nothing)."""
        with self._lock:
            unused = self._next == 0
        if unused:
            self.close()

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        proc = self._proc
        return None if proc is None else proc.pid

    def close(self) -> None:
        """Stop the child (pending texts fail); the next :meth:`submit` starts another."""
        with self._lock:
            proc, self._proc = self._proc, None
            outbox = self._outbox
        if proc is None:
            return
        outbox.put(None)
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGTERM is not ignored
            proc.kill()

    def _start(self) -> None:
        try:
            proc = subprocess.Popen(
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                start_new_session=True,
            )
        except OSError as err:
            raise NotAvailableError(f"cannot start the analysis process ({err})") from None
        self._proc = proc
        self._outbox = queue.Queue()
        threading.Thread(target=self._write, args=(proc, self._outbox), daemon=True).start()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _write(self, proc: subprocess.Popen[str], outbox: queue.Queue[str | None]) -> None:
        """Feed the child (a thread: a full pipe blocks only this)."""
        assert proc.stdin is not None
        while (line := outbox.get()) is not None:
            try:
                proc.stdin.write(line)
                proc.stdin.flush()
            except OSError:
                return  # the child is gone: the reader fails what is pending
        proc.stdin.close()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        """Settle each text's future as its reply arrives; when the child ends, fail the rest."""
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                reply = json.loads(line)
                with self._lock:
                    fut = self._pending.pop(reply["id"])
                _settle(fut, reply)
        except (OSError, ValueError, KeyError):
            proc.kill()  # a reply cut short or garbled: the child cannot be trusted
        code = proc.wait()
        with self._lock:
            pending, self._pending = self._pending, {}
            if self._proc is proc:
                self._proc = None
        for fut in pending.values():
            fut.set_exception(NotAvailableError(f"the analysis process stopped (exit code {code})"))


def _settle(fut: Future[str], reply: dict[str, Any]) -> None:
    if "analysis" in reply:
        fut.set_result(reply["analysis"])
    elif "unavailable" in reply:
        fut.set_exception(NotAvailableError(reply["unavailable"]))
    else:
        fut.set_exception(AnalysisFailed(f"the analysis failed in its process:\n{reply['error']}"))


_parser: ParseProcess | None = None
_parser_lock = threading.Lock()


def started_parser() -> ParseProcess | None:
    """This process's parsing child, if one was made (None: nothing was parsed)."""
    return _parser


def parser() -> ParseProcess:
    """This process's one parsing child (started on its first text, stopped at exit)."""
    global _parser
    with _parser_lock:
        if _parser is None:
            _parser = ParseProcess()
            atexit.register(_parser.close)
        return _parser


# --- the child -----------------------------------------------------------------


def main() -> None:
    """The child: replies on the real stdout; anything a library prints goes to stderr."""
    replies = sys.stdout
    sys.stdout = sys.stderr
    serve(sys.stdin, replies)


def serve(requests: IO[str], replies: IO[str]) -> None:
    """The child's loop: load spaCy, then answer each request line with one reply line."""
    from llmbrief.analysis import parse_many, pipeline_name, to_json

    unavailable = None
    try:
        pipeline_name()  # loads spaCy before the first text arrives
    except NotAvailableError as err:
        unavailable = str(err)
    for line in requests:
        request = json.loads(line)
        reply: dict[str, Any] = {"id": request["id"]}
        if unavailable is not None:
            reply["unavailable"] = unavailable
        else:
            try:
                reply["analysis"] = to_json(parse_many([request["text"]])[0])
            except Exception:
                reply["error"] = traceback.format_exc()
        try:
            replies.write(json.dumps(reply) + "\n")
            replies.flush()
        except BrokenPipeError:  # the parent is gone: nobody to tell
            return
