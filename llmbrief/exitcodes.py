"""Exit codes of the ``llmbrief`` command."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What the process exit status means. Documented in the README."""

    OK = 0
    ERROR = 1
    USAGE = 2
    VERIFICATION_FAILED = 3
    PARTIAL = 4
    INTERRUPTED = 130
