"""Weight-free graph: all channel-mean hidden-attention matrices of a run, from its Δ, B, C, A taps.

M[g, i, j] = (1/E)·Σ_e Σ_n C_i[n]·B_j[n]·Δ_j[e]·exp(A[e,n]·(S_i[e] − S_j[e])),  j ≤ i,  S = cumsum Δ
(spec §2.1 averaged over channels), for G layer-directions at once, in each direction's scan order.

Every (i, j, e, n) term is needed: E·N·L²/2 multiply-adds, done as matrix products over e (and n), per
chunk of c tokens. Two factorisations, chosen for range and accuracy:
  * off-diagonal blocks (j in an earlier chunk q than i's chunk p, p starting at token r), float32:
    exp(A(S_i − S_j)) = exp(A(S_i − S_r)) · exp(A(S_r − S_j)), both factors in (0, 1]. The column factor
    Δ_j·B_j·exp(A(S_r' − S_j)) is formed when the next chunk r' starts and carried on by one
    multiplication with exp(A(S_r − S_r')) ≤ 1 per chunk. No positive exponent exists here, and the
    rounding of an exponent x costs |x|·2⁻²⁴ of a term of size e^x: never more than 2⁻²⁴/e absolutely.
  * diagonal blocks (both in chunk p), float64, in the per-state layout [G, N, c, E]: the factors
    u_i = exp(A(S_i − S_m)) and Δ_j/u_j, relative to the chunk's middle token m, so their exponents
    reach ±(half the chunk's decay). One product per state n over e, then Σ_n C_i[n]·B_j[n]·(1/E)·K_n
    in float64: that sum cancels (rows of Vim-T lose two digits there), so 1/E is applied in float64 too.
    Entries above the diagonal (ratios ≥ 1, up to inf) are discarded with Where, never multiplied.
Second output `range` [G, L]: for each token, the largest |exponent| of its float64 factors,
max_e max_n |A[e,n]|·|S_t − S_m|. A token beyond ~700 has factors that overflow or flush to zero, so its
row and column inside its chunk are not exact; the worker recomputes those past 600
(main/core/attention/range-repair.ts). Vim-T's conformance checkpoint reaches 485 within a 32-token chunk
from its start, i.e. ≈ 243 from the middle.
Sessions should flush subnormals to zero (main/adapters/onnx/session.ts): the carried factors decay
below 1e-38 and subnormal arithmetic is two orders of magnitude slower.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto

from .builder import GraphBuilder, tensor_info

CHUNK = 32  # measured on 2 cores: 24 slower; 40–48 a little faster but nearer the float64 range

F32, F64 = TensorProto.FLOAT, TensorProto.DOUBLE


def build_matrices(L: int, E: int, N: int, chunk: int = CHUNK) -> onnx.ModelProto:
    g = GraphBuilder("mamba_lens_attention_matrices")
    EN = E * N
    cast = lambda x, to: g.op("Cast", [x], to=to)  # noqa: E731
    flat = lambda x, n: g.reshape(x, [0, n, EN])  # noqa: E731
    S = g.op("CumSum", [cast("delta", F64), g.i64(1)])                       # [G, L, E] float64
    At = g.transpose("A", [0, 2, 1])                                         # [G, N, E]
    # float32, state-major [G, c, N, E]: every broadcast repeats a contiguous run of E values or scales one.
    A32 = g.unsqueeze(At, [1])                                               # [G, 1, N, E]
    delta32 = g.unsqueeze("delta", [2])                                      # [G, L, 1, E]
    B32 = g.unsqueeze("B", [3])                                              # [G, L, N, 1]
    C64 = g.mul(cast("C", F64), g.init("inv_e", np.asarray(1.0 / E, np.float64)))   # the channel mean's 1/E
    C32 = g.unsqueeze(cast(C64, F32), [3])                                   # [G, L, N, 1]
    # float64, per state [G, N, c, E]
    A64 = cast(g.unsqueeze(At, [2]), F64)                                    # [G, N, 1, E]
    delta64 = g.unsqueeze(cast("delta", F64), [1])                           # [G, 1, L, E]
    Cn64 = g.unsqueeze(g.transpose(C64, [0, 2, 1]), [3])                     # [G, N, L, 1]
    Bn64 = g.unsqueeze(g.transpose(cast("B", F64), [0, 2, 1]), [2])          # [G, N, 1, L]
    amax = cast(g.rmax(g.op("Abs", [At]), [1], keep=1), F64)                 # [G, 1, E] max_n |A|
    starts = list(range(0, L, chunk))
    carried: list[str] = []          # column factors of earlier chunks, relative to the current chunk start
    blocks, ranges = [], []
    for p, r in enumerate(starts):
        r2 = min(r + chunk, L)
        c = r2 - r
        S_c = g.slice(S, r, r2, 1)
        # Diagonal block, float64, relative to the middle token m.
        m = r + c // 2
        Dm = g.sub(S_c, g.slice(S, m, m + 1, 1))                             # [G, c, E] S_t − S_m
        ranges.append(g.rmax(g.mul(g.op("Abs", [Dm]), amax), [2]))          # [G, c]
        u = g.exp(g.mul(g.unsqueeze(Dm, [1]), A64))                          # [G, N, c, E]
        K = g.matmul(u, g.transpose(g.div(g.slice(delta64, r, r2, 2), u), [0, 1, 3, 2]))   # [G, N, c, c]
        W = g.mul(g.slice(Cn64, r, r2, 2), g.slice(Bn64, r, r2, 3))           # C_i[n]·B_j[n]/E
        diag = g.rsum(g.mul(K, W), [1])                                      # [G, c, c]
        keep = g.init("tril", np.tril(np.ones((c, c), bool)))
        diag = cast(g.op("Where", [keep, diag, g.init("zero64", np.zeros(1, np.float64))]), F32)
        parts = []
        if p > 0:
            # Off-diagonal blocks, float32: rows C_i·exp(A(S_i − S_r)); columns of the previous chunk q
            # Δ_j·B_j·exp(A(S_r − S_j)); earlier ones carried on by exp(A(S_r − S_r_prev)).
            Sr = g.slice(S, r, r + 1, 1)
            decay32 = lambda d: g.exp(g.mul(cast(g.unsqueeze(d, [2]), F32), A32))   # noqa: E731  exp(A·d), d ≥ 0
            rows = flat(g.mul(decay32(g.sub(S_c, Sr)), g.slice(C32, r, r2, 1)), c)
            q = starts[p - 1]
            step = decay32(g.sub(Sr, g.slice(S, q, q + 1, 1)))
            fresh = g.mul(decay32(g.sub(Sr, g.slice(S, q, r, 1))), g.mul(g.slice(delta32, q, r, 1), g.slice(B32, q, r, 1)))
            carried = [g.mul(k, step) for k in carried] + [fresh]
            for k, q in zip(carried, starts):
                width = min(q + chunk, L) - q
                parts.append(g.matmul(rows, g.transpose(flat(k, width), [0, 2, 1])))   # [G, c, width]
        parts.append(diag)
        row_block = g.concat(parts, 2) if len(parts) > 1 else parts[0]
        blocks.append(g.pad_axis(row_block, 3, 2, 0, L - r2))                 # zeros above the diagonal
    g.output("matrices", g.concat(blocks, 1))
    g.output("range", cast(g.concat(ranges, 1), F32))
    inputs = [tensor_info("delta", ["G", L, E]), tensor_info("B", ["G", L, N]), tensor_info("C", ["G", L, N]), tensor_info("A", ["G", E, N])]
    outputs = [tensor_info("matrices", ["G", L, L]), tensor_info("range", ["G", L])]
    return g.model(inputs, outputs, doc="Channel-mean hidden-attention matrices (docs/GRAPH_CONTRACT.md)")
