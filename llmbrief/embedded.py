"""The embedded model: llama-cpp-python in this process, answering OpenAI chat requests.

Takes a GGUF file; gives :meth:`EmbeddedModel.handle`, an HTTP handler for an
``httpx2.MockTransport`` (so the openai client, instructor and vcrpy see an
ordinary server). Two samplers, chosen by ``LLMBRIEF_SAMPLER``:

- ``fast`` (the default): :class:`llmbrief.fastdecode.FastDecoder` - the shared
  prompt prefix evaluated once per process, the answer guessed from its schema
  and checked against the model's constrained greedy choices in a few batched
  model calls;
- ``plain``: llama-cpp-python's own ``create_chat_completion`` (one model call
  per token, the greedy token tested first against the grammar: the previous
  release's path, kept as the benchmark's baseline).

Requests the fast sampler does not cover (no answer schema, sampling with a
temperature, stop strings) always take the plain path.

Both samplers take the constrained greedy token, so they give the same answers
when a token gets the same logits alone (the plain loop) and inside a batch (the
fast sampler). ``make install-local`` builds llama.cpp so that it does
(``tools/build_llama_cpp.py``); the last of its conditions is set here, before
the model first runs: llama.cpp's tiled K-quant product for every batch size
(:data:`TILED_SETTINGS`, unless the environment says otherwise).
:func:`batch_invariant_build` tells whether the installed llama-cpp-python is
that build.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmbrief.errors import ConfigError, NotAvailableError

if TYPE_CHECKING:
    import httpx2

    from llmbrief.fastdecode import FastDecoder, LlamaSide
    from llmbrief.prefixstore import PrefixStore

NO_MODEL = (
    "no model configured. Either install the embedded model (pip install 'llmbrief[local]'), "
    "or point at an OpenAI-compatible server (--base-url / OPENAI_BASE_URL with --model), "
    "or replay a recording (--replay CASSETTE)"
)

#: The environment variable that picks the sampler, and its values.
SAMPLER_ENV = "LLMBRIEF_SAMPLER"
SAMPLERS = ("fast", "plain")

#: The request fields passed to llama-cpp-python on the plain path.
_PLAIN_FIELDS = ("temperature", "top_p", "max_tokens", "stop", "seed", "response_format")


#: llama.cpp's tiled K-quant product (read once, at its first use) serves batches of
#: 8+ tokens only, and ggml's dot products the rest. Forced for every batch size, one
#: token alone gets the same numbers as in a batch, and batches run 10-25% faster than
#: with the tiled product off (bench/README.md); a single token ~10% slower.
TILED_SETTINGS = {"GGML_CPU_TILED_MM": "1", "GGML_CPU_TILED_MM_FORCE": "1"}

#: The file tools/build_llama_cpp.py writes into the llama_cpp package it builds.
BUILD_MARKER = "_llmbrief_build.json"


def batch_invariant_build() -> bool:
    """Whether the installed llama-cpp-python is llmbrief's batch-invariant build."""
    return build_key() != "stock"


def build_key() -> str:
    """The key of llmbrief's build of llama-cpp-python (instruction sets and edit
    included) as its marker file gives it; ``stock`` for any other build."""
    import importlib.util

    spec = importlib.util.find_spec("llama_cpp")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            return str(json.loads((Path(folder) / BUILD_MARKER).read_text("utf-8"))["key"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return "stock"


def sampler_from_env(environ: dict[str, str] | None = None) -> str:
    """``LLMBRIEF_SAMPLER``: ``fast`` unless set to ``plain``."""
    env = os.environ if environ is None else environ
    value = env.get(SAMPLER_ENV, "").strip().lower() or "fast"
    if value not in SAMPLERS:
        raise ConfigError(f"{SAMPLER_ENV}={value!r}: expected one of {', '.join(SAMPLERS)}")
    return value


class EmbeddedModel:
    """llama-cpp-python in this process, answering OpenAI chat-completion requests."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        sampler: str | None = None,
        prefix_dir: str | None = None,
    ):
        for var, value in TILED_SETTINGS.items():
            os.environ.setdefault(var, value)
        try:
            import llama_cpp
            from llama_cpp import Llama
        except ImportError:
            raise NotAvailableError(NO_MODEL) from None
        silence_llama_cpp(llama_cpp)
        self.model_path = model_path
        self.sampler = sampler or sampler_from_env()
        if self.sampler not in SAMPLERS:
            raise ConfigError(f"sampler {self.sampler!r}: expected one of {', '.join(SAMPLERS)}")
        self._lock = threading.Lock()
        # The packaged GGUF has no chat template; without chat_format llama-cpp-python
        # would fall back to llama-2's format. Gemma's turns are what it was trained on.
        self.llama = Llama(
            model_path=str(model_path),
            chat_format="gemma",
            n_ctx=n_ctx,
            # llama-cpp-python defaults to half the cores; generation here is CPU-bound.
            n_threads=n_threads or os.cpu_count() or 1,
            seed=0,
            verbose=False,
        )
        # Test the greedy token against the grammar before the whole vocabulary:
        # the same answers, a third less model time (bench/README.md).
        from llmbrief.fastgrammar import install as check_greedy_token_first

        check_greedy_token_first(self.llama)
        self._fast: FastDecoder | None = None
        self._side: LlamaSide | None = None
        if self.sampler == "fast":
            from llmbrief.fastdecode import FastDecoder, LlamaSide

            store = _prefix_store(model_path, n_ctx, prefix_dir)
            self._side = LlamaSide(self.llama)
            self._fast = FastDecoder(
                self._side, store, self._side.pieces(_model_identity(model_path))
            )
        #: per request: which path answered, model calls, guessed tokens (for the benchmark)
        self.trace: list[dict[str, Any]] = []
        self._last_fast: dict[str, Any] = {}

    def close(self) -> None:
        """Free the model now rather than at garbage collection."""
        if self._side is not None:
            self._side.close()
        self.llama.close()

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        """Serve one HTTP request of the OpenAI API."""
        import httpx2

        path = request.url.path
        if request.method == "GET" and path.endswith("/models"):
            data = {"object": "list", "data": [{"id": self.model_path.stem, "object": "model"}]}
            return httpx2.Response(200, json=data)
        if request.method != "POST" or not path.endswith("/chat/completions"):
            return httpx2.Response(404, json={"error": {"message": f"no route {path}"}})
        body = json.loads(request.content)
        with self._lock:
            answer = self.complete(body)
        return httpx2.Response(200, json=answer)

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        """Answer one chat-completion request body (the caller holds the lock)."""
        from llmbrief.fastgrammar import CandidatesMissed

        started = time.perf_counter()
        self._last_fast = {}
        try:
            answer = self._complete_fast(body) if self._fast is not None else None
        except CandidatesMissed:  # a shape unlike its grammar (test_live.py checks they agree)
            answer, self._last_fast = None, {"candidates_missed": 1}
        path = "fast"
        if answer is None:
            path = "plain"
            if self._fast is not None:
                self._fast.cache.forget()  # the library's loop reuses the context its own way
            answer = self._complete_plain(body)
        seconds = time.perf_counter() - started
        self.trace.append({"path": path, "seconds": seconds, **self._last_fast})
        return answer

    def _complete_plain(self, body: dict[str, Any]) -> dict[str, Any]:
        kwargs = {k: body[k] for k in _PLAIN_FIELDS if k in body}
        kwargs.setdefault("temperature", 0.0)
        completion: Any = self.llama.create_chat_completion(messages=body["messages"], **kwargs)
        answer = dict(completion)
        answer["model"] = body.get("model", answer.get("model"))
        return answer

    def _complete_fast(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The fast sampler's answer; None when the request is not one it covers."""
        from llama_cpp.llama_chat_format import format_gemma
        from llama_cpp.llama_grammar import LlamaGrammar

        from llmbrief.drafts import shape_of
        from llmbrief.fastgrammar import GrammarChooser

        assert self._fast is not None
        fmt = body.get("response_format")
        if (
            body.get("temperature", 0.0) != 0.0
            or body.get("stop")
            or body.get("stream")
            or not isinstance(fmt, dict)
            or fmt.get("type") != "json_object"
            or not isinstance(fmt.get("schema"), dict)
        ):
            return None
        max_tokens = body.get("max_tokens")
        llama = self.llama
        chat = format_gemma(messages=body["messages"])
        prompt = llama.tokenize(
            chat.prompt.encode("utf-8"), add_bos=not chat.added_special, special=True
        )
        if len(prompt) >= llama.n_ctx():
            return None  # the library's error message for an over-long prompt
        if not isinstance(max_tokens, int) or max_tokens <= 0:
            max_tokens = llama.n_ctx() - len(prompt)
        grammar = LlamaGrammar.from_json_schema(json.dumps(fmt["schema"]), verbose=False)
        with GrammarChooser(llama, grammar._grammar, grammar._root) as chooser:
            out = self._fast.decode(prompt, chooser, shape_of(fmt["schema"]), max_tokens)
        text = llama.detokenize(out.tokens, prev_tokens=prompt).decode("utf-8", errors="ignore")
        self._last_fast = {
            "prompt_evaluated": out.prompt_evaluated,
            "model_calls": out.model_calls,
            "guessed": out.guessed,
            "tokens": len(out.tokens),
            **out.stats,
        }
        return {
            "id": f"chatcmpl-{uuid.uuid4()}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", str(self.model_path)),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "logprobs": None,
                    "finish_reason": out.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": len(prompt),
                "completion_tokens": len(out.tokens),
                "total_tokens": len(prompt) + len(out.tokens),
            },
        }


def _model_identity(model_path: Path) -> str:
    """The model file and the library reading it (what its vocabulary's pieces depend on)."""
    import llama_cpp

    st = model_path.stat()
    return f"{model_path.name}:{st.st_size}:{st.st_mtime_ns}:{llama_cpp.__version__}"


def _prefix_store(model_path: Path, n_ctx: int, chosen: str | None) -> PrefixStore | None:
    """Where this model's prompt prefixes are kept between runs (None: nowhere);
    ``chosen`` is the setting (see :func:`llmbrief.prefixstore.default_folder`)."""

    from llmbrief.prefixstore import PrefixStore, default_folder

    folder = default_folder(chosen=chosen)
    if folder is None:
        return None
    # another build or kernel choice computes other numbers: its saved memories are not
    # this one's
    kernels = ",".join(f"{var}={os.environ.get(var, '')}" for var in TILED_SETTINGS)
    identity = f"{_model_identity(model_path)}:{build_key()}:{kernels}:{n_ctx}"
    return PrefixStore(folder, identity)


_LOG_CALLBACK: Any = None


def silence_llama_cpp(llama_cpp: Any) -> None:
    """Keep llama.cpp's C-level log lines off the user's terminal."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is None:
        _LOG_CALLBACK = llama_cpp.llama_log_callback(lambda level, text, user_data: None)
        llama_cpp.llama_log_set(_LOG_CALLBACK, None)
