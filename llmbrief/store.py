"""The SQLite database: a content-keyed answer cache and a log of every LLM call.

WAL mode and one transaction per write keep both intact through a crash
mid-run; each thread gets its own connection.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmbrief.errors import ConfigError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cache (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    article TEXT,
    prompt TEXT,
    model TEXT,
    backend TEXT,
    attempt INTEGER,
    status TEXT NOT NULL,
    latency REAL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    request TEXT,
    response TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS calls_at ON calls(at);
"""


def cache_key(**parts: Any) -> str:
    """A stable key over everything that determines an answer."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass
class CallRecord:
    """One row of the call log."""

    id: int
    at: float
    article: str | None
    prompt: str | None
    model: str | None
    backend: str | None
    attempt: int | None
    status: str
    latency: float | None
    prompt_tokens: int | None
    completion_tokens: int | None
    request: str | None
    response: str | None
    error: str | None


class Store:
    """Cache and call log in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn()
        except (OSError, sqlite3.Error) as err:
            raise ConfigError(f"{self.path}: cannot open the cache database ({err})") from None

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            self._local.conn = conn
        return conn

    def get(self, key: str) -> Any | None:
        """The cached value for ``key``, or None."""
        row = self._conn().execute("SELECT value FROM cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, value: Any) -> None:
        """Store a JSON-serializable value under ``key`` (one transaction)."""
        with self._conn() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO cache(key, value, created_at) VALUES (?, ?, ?)",
                (key, json.dumps(value, ensure_ascii=False), time.time()),
            )

    def log_call(self, **row: Any) -> None:
        """Append one LLM call to the log."""
        cols = [
            "at", "article", "prompt", "model", "backend", "attempt", "status", "latency",
            "prompt_tokens", "completion_tokens", "request", "response", "error",
        ]  # fmt: skip
        row.setdefault("at", time.time())
        values = [row.get(c) for c in cols]
        with self._conn() as conn:
            conn.execute(
                f"INSERT INTO calls({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                values,
            )

    def latest_calls(self, limit: int = 20) -> list[CallRecord]:
        """The most recent calls, newest first."""
        rows = (
            self._conn()
            .execute(
                "SELECT id, at, article, prompt, model, backend, attempt, status, latency, "
                "prompt_tokens, completion_tokens, request, response, error "
                "FROM calls ORDER BY id DESC LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [CallRecord(*r) for r in rows]

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
