# ruff: noqa: E501  (C source text, matched exactly)
"""The edits tools/build_llama_cpp.py makes to llama-cpp-python's sdist before building.

Each is (file, old text, new text); the old text must be found exactly once, so
another version of the source fails loudly instead of building something else.

1. ``sgemm``: llamafile's matrix kernels take single rows too (they refused them,
   which sent a lone token to ggml's own dot products: other rounding than the
   same token inside a batch).
2. ``llama_set_output_vocab``: a context computes the logits of chosen vocabulary
   entries only. The output layer's weight rows of those entries are copied into a
   small matrix of the same type, which takes the place of the whole matrix in the
   graph's last product; each logit is the same dot product of the same two rows,
   computed by the same kernel (for Q8_0 weights llamafile's tinyBLAS, whose every
   element is one accumulation whatever the tile), so it is bit-identical to the
   whole row's. The embedded decoder needs the logits of the few tokens its answer's
   grammar allows (llmbrief/nexttokens.py); the 262,144-row product was half the
   time of a model call checking a guess (bench/README.md).
"""

LLAMA = "vendor/llama.cpp/"

SGEMM_OLD = """    // only enable sgemm for prompt processing
#if !defined(__MMA__)
    if (n < 2)
        return false;
#endif
"""
SGEMM_NEW = """    // llmbrief: single rows too, so that a row's result never depends on its batch
"""

H_API_OLD = """    LLAMA_API float * llama_get_logits_ith(struct llama_context * ctx, int32_t i);
"""
H_API_NEW = (
    H_API_OLD
    + """
    // llmbrief: compute the logits of these vocabulary entries only, in this order, until
    // called again (n_ids = 0: the whole vocabulary). Row i of llama_get_logits_ith then
    // holds n_ids values: each bit-identical to the whole vocabulary's, when the output
    // layer's kernel computes every element alone (llamafile's tinyBLAS for Q8_0).
    // Returns n_ids, or 0 when this model's output layer cannot be cut so.
    LLAMA_API int32_t llama_set_output_vocab(struct llama_context * ctx, const llama_token * ids, int32_t n_ids);
    // llmbrief: how many values each row of logits of the last decode holds.
    LLAMA_API int32_t llama_get_output_vocab_width(struct llama_context * ctx);
"""
)

CTX_H_OLD = """    float * get_logits();
    float * get_logits_ith(int32_t i);
"""
CTX_H_NEW = (
    CTX_H_OLD
    + """
    // llmbrief: logits of chosen vocabulary entries only (llama_set_output_vocab)
    int32_t set_output_vocab(const llama_token * ids, int32_t n_ids);
    int32_t output_vocab_width() const { return out_vocab_width; }
"""
)

CTX_H_MEMBERS_OLD = """    // env: LLAMA_GRAPH_REUSE_DISABLE
    bool graph_reuse_disable = false;
"""
CTX_H_MEMBERS_NEW = (
    CTX_H_MEMBERS_OLD
    + """
    // llmbrief: the output layer's rows of the chosen entries, copied (llama_set_output_vocab)
    ggml_context_ptr        out_vocab_ctx;
    ggml_backend_buffer_ptr out_vocab_buf;
    ggml_tensor *           out_vocab_w     = nullptr;
    int64_t                 out_vocab_cap   = 0;
    int32_t                 out_vocab_n     = 0;     // entries chosen (0: the whole vocabulary)
    bool                    out_vocab_graph = false; // the current graph computes only those
    int32_t                 out_vocab_width = 0;     // values per row of the last decode
"""
)

REUSE_OLD = (
    """    if (!graph_reuse_disable && gf_res_prev_active == res && res->can_reuse(gparams)) {"""
)
REUSE_NEW = """    if (!graph_reuse_disable && out_vocab_n == 0 && !out_vocab_graph && gf_res_prev_active == res && res->can_reuse(gparams)) {"""

BUILD_OLD = """        if (!ggml_backend_sched_alloc_graph(sched.get(), gf)) {
            LLAMA_LOG_ERROR("%s: failed to allocate graph\\n", __func__);
            ret = GGML_STATUS_ALLOC_FAILED;
            return nullptr;
        }

        gf_res_prev_active = res;
"""
BUILD_NEW = (
    """        // llmbrief: the output layer over the chosen rows only (llama_set_output_vocab)
        out_vocab_graph = false;
        if (out_vocab_n > 0 && gtype != LLM_GRAPH_TYPE_ENCODER) {
            ggml_tensor * t = res->get_logits();
            if (t && t->op == GGML_OP_MUL_MAT && t->src[0] == model.output && t->ne[2] == 1 && t->ne[3] == 1 &&
                    ggml_is_contiguous(t)) {
                t->src[0] = out_vocab_w;
                t->ne[0]  = out_vocab_n;
                t->nb[1]  = t->nb[0]*t->ne[0];
                t->nb[2]  = t->nb[1]*t->ne[1];
                t->nb[3]  = t->nb[2]*t->ne[2];
                out_vocab_graph = true;
            }
        }

"""
    + BUILD_OLD
)

EXTRACT_OLD = """                ggml_backend_tensor_get_async(backend_res, t_logits, logits_out, 0, n_outputs*n_vocab*sizeof(float));
"""
EXTRACT_NEW = """                if (out_vocab_graph) {
                    // llmbrief: each row's chosen entries at the start of its row
                    const int64_t w = t_logits->ne[0];
                    for (int64_t r = 0; r < n_outputs; ++r) {
                        ggml_backend_tensor_get_async(backend_res, t_logits, logits_out + r*n_vocab, r*w*sizeof(float), w*sizeof(float));
                    }
                } else {
                    ggml_backend_tensor_get_async(backend_res, t_logits, logits_out, 0, n_outputs*n_vocab*sizeof(float));
                }
"""

WIDTH_OLD = """        auto * t_logits  = res->get_logits();
        auto * t_embd    = cparams.embeddings       ? res->get_embd()     : nullptr;
"""
WIDTH_NEW = (
    """        out_vocab_width = out_vocab_graph ? out_vocab_n : (int32_t) n_vocab; // llmbrief

"""
    + WIDTH_OLD
)

API_OLD = """float * llama_get_embeddings(llama_context * ctx) {
"""
API_NEW = (
    """int32_t llama_context::set_output_vocab(const llama_token * ids, int32_t n_ids) {
    synchronize();
    out_vocab_n = 0;
    const ggml_tensor * w = model.output;
    if (n_ids <= 0 || ids == nullptr || w == nullptr || model.output_s != nullptr || w->data == nullptr ||
            w->buffer == nullptr || !ggml_backend_buffer_is_host(w->buffer) || !ggml_is_contiguous(w) ||
            ggml_n_dims(w) != 2 || w->ne[1] != (int64_t) model.vocab.n_tokens()) {
        return 0;
    }
    for (int32_t i = 0; i < n_ids; ++i) {
        if (ids[i] < 0 || ids[i] >= w->ne[1]) {
            return 0;
        }
    }
    if (n_ids > out_vocab_cap) {
        const int64_t cap = std::max<int64_t>(n_ids, 1024);
        ggml_init_params params = { ggml_tensor_overhead(), nullptr, true };
        ggml_context * ctx = ggml_init(params);
        ggml_tensor * t = ggml_new_tensor_2d(ctx, w->type, w->ne[0], cap);
        ggml_backend_buffer_t buf = ggml_backend_alloc_ctx_tensors_from_buft(ctx, ggml_backend_cpu_buffer_type());
        if (buf == nullptr) {
            ggml_free(ctx);
            return 0;
        }
        out_vocab_ctx.reset(ctx);
        out_vocab_buf.reset(buf);
        out_vocab_w   = t;
        out_vocab_cap = cap;
    }
    const size_t row = w->nb[1];
    for (int32_t i = 0; i < n_ids; ++i) {
        memcpy((char *) out_vocab_w->data + (size_t) i*row, (const char *) w->data + (size_t) ids[i]*row, row);
    }
    out_vocab_w->ne[1] = n_ids;
    out_vocab_w->nb[2] = out_vocab_w->nb[1]*n_ids;
    out_vocab_w->nb[3] = out_vocab_w->nb[2];
    out_vocab_n = n_ids;
    return n_ids;
}

int32_t llama_set_output_vocab(llama_context * ctx, const llama_token * ids, int32_t n_ids) {
    return ctx->set_output_vocab(ids, n_ids);
}

int32_t llama_get_output_vocab_width(llama_context * ctx) {
    ctx->synchronize();
    return ctx->output_vocab_width();
}

"""
    + API_OLD
)

EDITS = (
    (LLAMA + "ggml/src/ggml-cpu/llamafile/sgemm.cpp", SGEMM_OLD, SGEMM_NEW),
    (LLAMA + "include/llama.h", H_API_OLD, H_API_NEW),
    (LLAMA + "src/llama-context.h", CTX_H_OLD, CTX_H_NEW),
    (LLAMA + "src/llama-context.h", CTX_H_MEMBERS_OLD, CTX_H_MEMBERS_NEW),
    (LLAMA + "src/llama-context.cpp", REUSE_OLD, REUSE_NEW),
    (LLAMA + "src/llama-context.cpp", BUILD_OLD, BUILD_NEW),
    (LLAMA + "src/llama-context.cpp", EXTRACT_OLD, EXTRACT_NEW),
    (LLAMA + "src/llama-context.cpp", WIDTH_OLD, WIDTH_NEW),
    (LLAMA + "src/llama-context.cpp", API_OLD, API_NEW),
)
