"""What went wrong in a call to the model, in one line a user can act on.

Takes what openai, instructor, httpx2 or vcrpy raised (wrapped, as they wrap each
other) and the run's settings; gives :class:`~llmbrief.errors.LLMError`,
:class:`~llmbrief.errors.AuthError` or :class:`~llmbrief.errors.CassetteError`
with a message naming the endpoint and the setting to change. The API key never
appears in it.
"""

from __future__ import annotations

import json
from typing import Any

from llmbrief.config import Settings
from llmbrief.errors import AuthError, CassetteError, LLMError, cause_chain

__all__ = ["explain_llm_error"]


def explain_llm_error(err: BaseException, settings: Settings) -> LLMError | CassetteError:
    """Turn what openai/instructor/httpx2 raised into one line a user can act on.

    The API key never appears in it, even when the server quoted it back.
    """
    explained = _explain(err, settings)
    key = settings.api_key
    if key and key in str(explained):
        return type(explained)(str(explained).replace(key, "***"))
    return explained


def _explain(err: BaseException, settings: Settings) -> LLMError | CassetteError:
    """Turn what openai/instructor/httpx2 raised into one line a user can act on.

    Walks ``__cause__``/``__context__`` because instructor and openai wrap the
    root cause (a cassette miss surfaces as "Connection error.").
    """
    import openai

    chain = cause_chain(err)
    for e in chain:
        if isinstance(e, CassetteError):
            return e
        if type(e).__name__ == "CannotOverwriteExistingCassetteException":
            from llmbrief.cassettes import explain_miss

            return CassetteError(explain_miss(e))
    where = settings.base_url or "the embedded model"
    for e in chain:
        if isinstance(e, openai.AuthenticationError):
            return AuthError(
                f"{where} refused the API key (HTTP 401): set OPENAI_API_KEY to a valid key"
            )
        if isinstance(e, openai.PermissionDeniedError):
            return AuthError(f"{where} denied access (HTTP 403): check the key's permissions")
        if isinstance(e, openai.NotFoundError):
            msg = _short(_api_message(e))
            return LLMError(f"{where} answered 404: check --base-url and --model ({msg})")
        if isinstance(e, openai.RateLimitError):
            return LLMError(f"{where} kept answering 429 (rate limited) after retries")
        if isinstance(e, openai.APITimeoutError):
            return LLMError(f"{where} did not answer within {settings.timeout:g} s (--timeout)")
        if isinstance(e, openai.APIConnectionError):
            continue  # look deeper for the real cause
        if isinstance(e, openai.APIStatusError):
            return LLMError(f"{where} answered HTTP {e.status_code}: {_short(_api_message(e))}")
    for e in chain:
        name = type(e).__name__
        if name in ("ConnectError", "ConnectionRefusedError"):
            return LLMError(f"cannot connect to {where}: is the server running?")
        if name in ("ReadTimeout", "ConnectTimeout", "TimeoutException", "WriteTimeout"):
            return LLMError(f"{where} did not answer within {settings.timeout:g} s (--timeout)")
        if name in ("UnsupportedProtocol", "InvalidURL"):
            return LLMError(f"{where} is not a usable URL ({e}): check --base-url")
        if name == "IncompleteOutputException":
            return LLMError("the answer was cut off by the token limit (max_tokens)")
    for e in chain:
        if isinstance(e, openai.APIConnectionError):
            return LLMError(f"cannot connect to {where}: {_short(str(e))}")
    for e in chain:
        if type(e).__name__ == "InstructorRetryException":
            return LLMError(_no_valid_answer(e))
    return LLMError(f"{type(err).__name__}: {_short(str(err))}")


def _api_message(err: Any) -> str:
    """The server's own error message, without openai's "Error code: …" wrapping."""
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
    return str(getattr(err, "message", err))


def _no_valid_answer(err: BaseException) -> str:
    """Why instructor gave up: the last attempt's problem, in a line."""
    from pydantic import ValidationError

    n = getattr(err, "n_attempts", None)
    failed = getattr(err, "failed_attempts", None) or []
    last: BaseException = failed[-1].exception if failed else (err.__cause__ or err)
    tries = f" after {n} {'try' if n == 1 else 'tries'}" if isinstance(n, int) else ""
    if isinstance(last, ValidationError):
        problems = last.errors()
        if any(p["type"] == "json_invalid" for p in problems):
            why = "the model's answer was not valid JSON"
        else:
            parts = [
                f"{'.'.join(str(x) for x in p['loc'])}: {p['msg']}" if p["loc"] else p["msg"]
                for p in problems[:3]
            ]
            why = f"the model's answer broke the answer schema ({'; '.join(parts)})"
    elif isinstance(last, json.JSONDecodeError):
        why = f"the reply was not JSON ({last.msg})"
    else:
        why = f"{type(last).__name__}: {last}"
    return _short(f"no usable answer{tries} (--max-reasks): {why}")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
