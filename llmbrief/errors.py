"""One exception hierarchy, with messages written for users.

The CLI catches :class:`LLMBriefError` at its boundary and prints its message
as one line; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


def cause_chain(err: BaseException) -> list[BaseException]:
    """``err`` and what caused it, outermost first (``__cause__``, else ``__context__``).

    openai and instructor wrap the root cause of a failure, often twice, so the
    interesting exception is rarely the one caught.
    """
    chain: list[BaseException] = []
    seen: set[int] = set()
    e: BaseException | None = err
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        chain.append(e)
        e = e.__cause__ or e.__context__
    return chain


class LLMBriefError(Exception):
    """Base of every error a user can act on. ``str(err)`` is the one-line message."""


class InputError(LLMBriefError):
    """An input is unusable: missing, unreadable, not UTF-8, not valid JSON, breaks the schema."""


class ConfigError(LLMBriefError):
    """Settings are missing or contradict each other (no model, unknown mode, bad config file)."""


class PromptError(LLMBriefError):
    """A prompt or prompt version does not exist or is malformed."""


class LLMError(LLMBriefError):
    """The model could not be reached or gave no usable answer."""


class AuthError(LLMError):
    """The endpoint refused the credentials; retrying would not help."""


class CassetteError(LLMBriefError):
    """A cassette is missing, corrupt, or lacks a request the run made."""


class NotAvailableError(LLMBriefError):
    """A capability that is not available in this installation or version."""


class VerificationFailed(LLMBriefError):
    """Some records or brief lines failed verification (exit code 3)."""


class PartialFailure(LLMBriefError):
    """Some inputs failed; results for the rest were written (exit code 4)."""
