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
(main/core/attention/range-repair.ts). Vim-T's conformance checkpoint reaches 258 from the middle (485
from the chunk start); the default BUS-BRA model 521 over 21 real images.
Every token's offsets from its chunk's middle, its chunk start and the next chunk start are formed once
for the whole sequence (Gather + Sub) and sliced per chunk: 321 nodes instead of 408, ≈3 % faster.
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
    gather = lambda x, idx: g.op("Gather", [x, g.i64(idx)], axis=1)  # noqa: E731
    starts = list(range(0, L, chunk))
    mids = [r + (min(r + chunk, L) - r) // 2 for r in starts]
    chunk_of = [t // chunk for t in range(L)]
    S = g.op("CumSum", [cast("delta", F64), g.i64(1)])                       # [G, L, E] float64
    At = g.transpose("A", [0, 2, 1])                                         # [G, N, E]
    # float32 (off-diagonal), state-major [G, c, N, E]: every broadcast repeats a contiguous run of E
    # values or scales one; float64 (diagonal blocks), per state [G, N, c, E].
    A32 = g.unsqueeze(At, [1])                                               # [G, 1, N, E]
    A64 = cast(g.unsqueeze(At, [2]), F64)                                    # [G, N, 1, E]
    C64 = g.mul(cast("C", F64), g.init("inv_e", np.asarray(1.0 / E, np.float64)))   # the channel mean's 1/E
    C32 = g.unsqueeze(cast(C64, F32), [3])                                   # [G, L, N, 1]
    delta32 = g.unsqueeze("delta", [2])                                      # [G, L, 1, E]
    B32 = g.unsqueeze("B", [3])                                              # [G, L, N, 1]
    delta64 = g.unsqueeze(cast("delta", F64), [1])                           # [G, 1, L, E]
    Cn64 = g.unsqueeze(g.transpose(C64, [0, 2, 1]), [3])                     # [G, N, L, 1]
    Bn64 = g.unsqueeze(g.transpose(cast("B", F64), [0, 2, 1]), [2])          # [G, N, 1, L]
    amax = cast(g.rmax(g.op("Abs", [At]), [1], keep=1), F64)                 # [G, 1, E]
    # Every token against its chunk's middle (float64 blocks), its chunk start (rows) and the next chunk start (columns).
    Dm = g.sub(S, gather(S, [mids[c] for c in chunk_of]))                    # [G, L, E]
    range_out = cast(g.rmax(g.mul(g.op("Abs", [Dm]), amax), [2]), F32)      # [G, L]
    Dm4 = g.unsqueeze(Dm, [1])                                               # [G, 1, L, E]
    Drow = g.unsqueeze(cast(g.sub(S, gather(S, [starts[c] for c in chunk_of])), F32), [2])      # [G, L, 1, E] ≥ 0
    nxt = [starts[c + 1] if c + 1 < len(starts) else L - 1 for c in chunk_of]   # the last chunk's are unused
    Dcol = g.unsqueeze(cast(g.sub(gather(S, nxt), S), F32), [2])             # [G, L, 1, E] ≥ 0
    if len(starts) > 1:
        P = len(starts)
        Sst = gather(S, starts)                                              # [G, P, E] S at the chunk starts
        hop = cast(g.sub(g.slice(Sst, 1, P, 1), g.slice(Sst, 0, P - 1, 1)), F32)   # S_r − S_r_prev ≥ 0
        steps = g.exp(g.mul(g.unsqueeze(hop, [2]), A32))                     # [G, P−1, N, E]
    carried: list[str] = []          # column factors of earlier chunks, relative to the current chunk start
    blocks = []
    zero64 = g.init("zero64", np.zeros(1, np.float64))
    for p, r in enumerate(starts):
        r2 = min(r + chunk, L)
        c = r2 - r
        # Diagonal block, float64: u_i = exp(A(S_i − S_m)) against Δ_j/u_j, then Σ_n C_i[n]·B_j[n]/E·K_n.
        u = g.exp(g.mul(g.slice(Dm4, r, r2, 2), A64))                         # [G, N, c, E]
        K = g.matmul(u, g.transpose(g.div(g.slice(delta64, r, r2, 2), u), [0, 1, 3, 2]))   # [G, N, c, c]
        W = g.mul(g.slice(Cn64, r, r2, 2), g.slice(Bn64, r, r2, 3))
        diag = g.rsum(g.mul(K, W), [1])                                      # [G, c, c]
        keep = g.init("tril", np.tril(np.ones((c, c), bool)))
        diag = cast(g.op("Where", [keep, diag, zero64]), F32)
        parts = []
        if p > 0:
            # Off-diagonal blocks, float32: rows C_i·exp(A(S_i − S_r)); columns of the previous chunk q
            # Δ_j·B_j·exp(A(S_r − S_j)); earlier ones carried on by exp(A(S_r − S_r_prev)).
            rows = flat(g.mul(g.exp(g.mul(g.slice(Drow, r, r2, 1), A32)), g.slice(C32, r, r2, 1)), c)
            q = starts[p - 1]
            step = g.slice(steps, p - 1, p, 1)
            fresh = g.mul(g.exp(g.mul(g.slice(Dcol, q, r, 1), A32)), g.mul(g.slice(delta32, q, r, 1), g.slice(B32, q, r, 1)))
            carried = [g.mul(k, step) for k in carried] + [fresh]
            for k, q in zip(carried, starts):
                width = min(q + chunk, L) - q
                parts.append(g.matmul(rows, g.transpose(flat(k, width), [0, 2, 1])))   # [G, c, width]
        parts.append(diag)
        row_block = g.concat(parts, 2) if len(parts) > 1 else parts[0]
        blocks.append(g.pad_axis(row_block, 3, 2, 0, L - r2))                 # zeros above the diagonal
    g.output("matrices", g.concat(blocks, 1))
    g.output("range", range_out)
    inputs = [tensor_info("delta", ["G", L, E]), tensor_info("B", ["G", L, N]), tensor_info("C", ["G", L, N]), tensor_info("A", ["G", E, N])]
    outputs = [tensor_info("matrices", ["G", L, L]), tensor_info("range", ["G", L])]
    return g.model(inputs, outputs, doc="Channel-mean hidden-attention matrices (docs/GRAPH_CONTRACT.md)")
