"""Whether llama.cpp gives a token the same logits alone and inside a batch (target: yes).

The embedded benchmark compares the fast sampler's answers with llama-cpp-python's
own loop. Both take the constrained greedy token, but the loop evaluates each answer
token alone while the fast sampler evaluates the question and its guessed answer in
batches: the answers are the same when the logits are. With llama.cpp's stock CPU
kernels they were not (up to ~4 logits apart, and a near tie went the other way in
1 answer of 49); ``make install-local`` builds it so that they are
(``tools/build_llama_cpp.py``). Measured on the seeds' text at the context length
of a question (~1,040 tokens): the same 40 tokens evaluated as one batch, one by
one, and in batches of 7, 13, 2 and 18; and after the context was evaluated in
chunks of another size; and with the output layer cut to a few hundred tokens
(``llama_set_output_vocab``, how the fast sampler asks for the tokens its grammar
allows). Reported: the largest difference of a logit, and of the margin between
the two best tokens (what decides a near tie).
"""

from __future__ import annotations

from typing import Any

from common import SEEDS, Options, Result, local_model_missing, median

CONTEXT = 1040
TOKENS = 40
SPLIT = (7, 13, 2, 18)


def bench(opt: Options) -> Result:
    if missing := local_model_missing():
        return Result("numerics", "logit drift by batching", None, "", "(none)", None,
                      note=missing)  # fmt: skip
    import numpy as np

    from llmbrief.config import resolve_settings
    from llmbrief.embedded import EmbeddedModel, batch_invariant_build
    from llmbrief.fastdecode import LlamaSide
    from llmbrief.llm import local_model_path

    settings = resolve_settings({}, env=opt.sandbox.env(opt.sandbox.new_db()))
    model = EmbeddedModel(local_model_path(settings), n_threads=settings.n_threads, sampler="plain")
    try:
        side = LlamaSide(model.llama)
        text = " ".join(p.read_text() for p in sorted(SEEDS.glob("*.txt")))
        toks = side.tokenize(text)[: CONTEXT + TOKENS]

        def context(chunk: int) -> None:
            side.forget_from(0)
            for i in range(0, CONTEXT, chunk):
                part = toks[i : min(i + chunk, CONTEXT)]
                side.decode(part, i, 0)

        def rows(sizes: tuple[int, ...], among: list[int] | None = None) -> Any:
            out, pos = [], CONTEXT
            for n in sizes:
                side.decode(toks[pos : pos + n], pos, n, among)
                out += [side.logits(i).copy() for i in range(n)]
                pos += n
            side.forget_from(CONTEXT)
            return np.array(out)

        context(side.n_batch)
        batch = rows((TOKENS,))
        alone = rows((1,) * TOKENS)
        mixed = rows(SPLIT)
        among = sorted({int(t) for t in batch.argmax(1)} | set(range(0, side.n_vocab, 997)))
        cut = rows((TOKENS,), among)
        cut_by_llama = side._cut
        context(300)
        control = rows((TOKENS,))
    finally:
        model.close()
    top2 = np.argsort(-batch, axis=1)[:, :2]
    idx = np.arange(TOKENS)

    def margin(x: Any) -> Any:
        return x[idx, top2[:, 0]] - x[idx, top2[:, 1]]

    drift = np.abs(margin(batch) - margin(alone))
    metrics = {
        "context_tokens": CONTEXT,
        "tokens": TOKENS,
        "batch_invariant_build": batch_invariant_build(),
        "max_logit_diff_alone": float(np.abs(batch - alone).max()),
        "max_logit_diff_mixed_batches": float(np.abs(batch - mixed).max()),
        "max_logit_diff_other_context_chunks": float(np.abs(batch - control).max()),
        "max_logit_diff_cut_rows": float(np.abs(batch[:, among] - cut).max()),
        "cut_rows_computed_by_llama_cpp": cut_by_llama,
        "margin_drift_median": float(median([float(d) for d in drift])),
        "margin_drift_max": float(drift.max()),
        "same_best_token_alone": int((batch.argmax(1) == alone.argmax(1)).sum()),
    }
    worst = max(metrics[k] for k in metrics if k.startswith("max_logit_diff"))
    build = "llmbrief's build" if metrics["batch_invariant_build"] else "not llmbrief's build"
    return Result(
        "numerics", "logits, one batch vs token by token", worst, "logits", "0 (identical)",
        worst == 0.0, metrics,
        note=(f"{build}; alone {metrics['max_logit_diff_alone']:.2f}, batches of "
              f"{'/'.join(map(str, SPLIT))} {metrics['max_logit_diff_mixed_batches']:.2f}, "
              f"other context chunks {metrics['max_logit_diff_other_context_chunks']:.2f}, "
              f"{len(among)} tokens' rows cut {metrics['max_logit_diff_cut_rows']:.2f}; "
              f"top-2 margin drift max {metrics['margin_drift_max']:.2f}"),
    )  # fmt: skip
