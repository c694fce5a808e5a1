"""What a failed model call tells the user (llmbrief.llm_errors), from the errors the
client libraries raise, wrapped as they wrap each other."""

from __future__ import annotations

import openai
import pytest

from llmbrief.config import Settings
from llmbrief.errors import AuthError, LLMError
from llmbrief.llm_errors import explain_llm_error

URL = "http://127.0.0.1:9/v1"


def _status(code: int, message: str) -> openai.APIStatusError:
    import httpx2

    request = httpx2.Request("POST", f"{URL}/chat/completions")
    response = httpx2.Response(code, request=request)
    cls = {401: openai.AuthenticationError, 404: openai.NotFoundError}.get(
        code, openai.APIStatusError
    )
    return cls(message, response=response, body={"error": {"message": message}})


def _wrapped(inner: BaseException) -> BaseException:
    """``inner`` as the cause of another error, as instructor raises it."""
    try:
        try:
            raise inner
        except BaseException as e:
            raise RuntimeError("retry failed") from e
    except RuntimeError as outer:
        return outer


def test_a_key_the_server_quotes_back_is_never_repeated() -> None:
    settings = Settings(api_key="sk-live-123456", base_url=URL)
    err = _status(500, "upstream refused key sk-live-123456 for this model")
    said = str(explain_llm_error(_wrapped(err), settings))
    assert "sk-live-123456" not in said
    assert said == f"{URL} answered HTTP 500: upstream refused key *** for this model"


@pytest.mark.parametrize(
    ("code", "kind", "advice"),
    [
        (401, AuthError, "set OPENAI_API_KEY"),
        (404, LLMError, "check --base-url and --model"),
        (503, LLMError, "answered HTTP 503"),
    ],
)
def test_an_http_error_names_the_endpoint_and_what_to_change(
    code: int, kind: type[Exception], advice: str
) -> None:
    said = explain_llm_error(_wrapped(_status(code, "no")), Settings(base_url=URL))
    assert type(said) is kind
    assert URL in str(said) and advice in str(said)


def test_the_embedded_model_is_named_when_there_is_no_endpoint() -> None:
    said = explain_llm_error(_status(503, "busy"), Settings())
    assert str(said).startswith("the embedded model answered HTTP 503")
