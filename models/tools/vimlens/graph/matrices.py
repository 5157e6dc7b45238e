"""Weight-free graph: all channel-mean hidden-attention matrices of a run, from its Δ, B, C, A taps.

M[g, i, j] = (1/E)·Σ_e Σ_n C_i[n]·B_j[n]·Δ_j[e]·exp(A[e,n]·(S_i[e] − S_j[e])),  j ≤ i,  S = cumsum Δ
(spec §2.1 averaged over channels), for G layer-directions at once, in each direction's scan order.

Cost: every (i, j, e, n) term is needed, so the work is E·N·L²/2 multiply-adds, done as batched matrix
products over the (n, e) axis, one per pair of c-token chunks (rows of chunk p against the columns of
an earlier chunk q, and the diagonal block p = p). Nothing positive is ever exponentiated in float32:
  * chunk p, starting at token r: up_i = exp(A(S_i − S_r)) ∈ (0, 1] (float64, the only per-element Exp);
    row factors C_i·up_i (cast to float32); column factors Δ_j·B_j/up_j (float64);
  * off-diagonal (j in chunk q < p): exp(A(S_i − S_j)) = up_i · exp(A(S_r − S_j)); the column factor
    Δ_j·B_j·exp(A(S_r − S_j)) ∈ (0, 1]·Δ_j·B_j is formed when chunk q+1 starts, from chunk q's float64
    column factors times exp(A(S_{r_{q+1}} − S_{r_q})), then carried from chunk to chunk by one float32
    multiplication with exp(A(S_r − S_r')) ≤ 1;
  * diagonal block (r ≤ j ≤ i): (C_i·up_i)·(Δ_j B_j/up_j) in float64, where 1/up_j over at most c tokens
    stays finite while |A|·(S_{r+c} − S_r) < 709 (Vim-T conformance checkpoint: at most 485 for c = 32);
    entries above the diagonal are discarded with Where (never multiplied by a mask, so an inf there
    cannot turn into NaN). A model beyond that range gives non-finite entries, which the worker detects
    and recomputes in TypeScript (main/worker/matrices-jobs.ts).
Sessions should flush subnormals to zero (main/adapters/onnx/session.ts): the carried factors decay
below 1e-38 and subnormal arithmetic is two orders of magnitude slower.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto

from .builder import GraphBuilder, tensor_info

CHUNK = 32  # measured on 2 cores: 16 needs ~2× the carried rescaling, 64 doubles the float64 work

F32, F64 = TensorProto.FLOAT, TensorProto.DOUBLE


def build_matrices(L: int, E: int, N: int, chunk: int = CHUNK) -> onnx.ModelProto:
    g = GraphBuilder("mamba_lens_attention_matrices")
    EN = E * N
    cast = lambda x, to: g.op("Cast", [x], to=to)  # noqa: E731
    flat = lambda x, n: g.reshape(x, [0, n, EN])  # noqa: E731
    S = g.op("CumSum", [cast("delta", F64), g.i64(1)])                       # [G, L, E] float64
    # State-major layout [.., N, E]: every broadcast then repeats a contiguous run of E = 384 values or
    # scales one (measured ~15 % faster on 2 cores than [.., E, N], whose broadcasts repeat runs of N = 16).
    A64 = cast(g.unsqueeze(g.transpose("A", [0, 2, 1]), [1]), F64)            # [G, 1, N, E]
    delta64 = g.unsqueeze(cast("delta", F64), [2])                           # [G, L, 1, E]
    B64 = g.unsqueeze(cast("B", F64), [3])                                   # [G, L, N, 1]
    C = g.unsqueeze(g.mul("C", g.f32(1.0 / E)), [3])                         # the channel mean's 1/E, folded in
    C64 = cast(C, F64)
    starts = list(range(0, L, chunk))
    carried: list[str] = []          # column factors of earlier chunks, relative to the current chunk start
    prev_cols64 = None
    blocks = []
    for p, r in enumerate(starts):
        r2 = min(r + chunk, L)
        c = r2 - r
        Sr = g.slice(S, r, r + 1, 1)
        up = g.exp(g.mul(g.unsqueeze(g.sub(g.slice(S, r, r2, 1), Sr), [2]), A64))   # [G, c, N, E] float64 ≤ 1
        rows64 = flat(g.mul(up, g.slice(C64, r, r2, 1)), c)                  # C_i·up_i: diagonal block (float64) …
        rows = cast(rows64, F32)                                             # … and earlier chunks (float32)
        # Δ_j·B_j·exp(−A(S_j − S_r)) ≥ Δ_j·B_j: the diagonal block's columns, and (times the decay to the
        # next chunk start) the next chunk's carried columns.
        cols64 = g.mul(g.div(g.slice(delta64, r, r2, 1), up), g.slice(B64, r, r2, 1))
        parts = []
        if p > 0:
            q0 = starts[p - 1]
            step64 = g.exp(g.mul(g.unsqueeze(g.sub(Sr, g.slice(S, q0, q0 + 1, 1)), [2]), A64))  # exp(A(S_r − S_r')) ≤ 1
            step = cast(step64, F32)
            carried = [g.mul(k, step) for k in carried] + [cast(g.mul(prev_cols64, step64), F32)]
            for k, q in zip(carried, starts):
                width = min(q + chunk, L) - q
                parts.append(g.matmul(rows, g.transpose(flat(k, width), [0, 2, 1])))   # [G, c, width]
        # Diagonal block in float64: (C_i·up_i)·(Δ_j B_j/up_j), kept where j ≤ i.
        diag = g.matmul(rows64, g.transpose(flat(cols64, c), [0, 2, 1]))
        keep = g.init("tril", np.tril(np.ones((c, c), bool)))
        parts.append(cast(g.op("Where", [keep, diag, cast(g.f32(0.0), F64)]), F32))
        row_block = g.concat(parts, 2) if len(parts) > 1 else parts[0]
        blocks.append(g.pad_axis(row_block, 3, 2, 0, L - r2))                 # zeros above the diagonal
        prev_cols64 = cols64
    g.output("matrices", g.concat(blocks, 1))
    inputs = [tensor_info("delta", ["G", L, E]), tensor_info("B", ["G", L, N]), tensor_info("C", ["G", L, N]), tensor_info("A", ["G", E, N])]
    return g.model(inputs, [tensor_info("matrices", ["G", L, L])], doc="Channel-mean hidden-attention matrices (docs/GRAPH_CONTRACT.md)")
