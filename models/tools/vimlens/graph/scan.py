"""The selective-scan recurrence as ONNX `Scan` nodes (spec §5.2 option c).

A `Scan` keeps the graph at a few nodes per layer instead of ~10^5 unrolled ones, and it evaluates the
recurrence h_t = Ā_t ⊙ h_{t−1} + B̄u_t with the CUDA kernel's sequential semantics (no exp of long
cumulative sums, spec §5.5). Forward and backward scan directions of a layer run in the same Scan,
which halves the number of iterations.

Layout, chosen by measurement (onnxruntime, 2 cores): a Scan's time is mostly per-step and per-node
overhead, so the bodies are kept to a few 2-D nodes.
  * Every scanned tensor is time-major and scanned along axis 0: for any other axis ORT transposes each
    input and output around the loop (about half of a Scan's time).
  * The state of both directions is one matrix [2N, E] (rows d·N + n, E innermost): the per-channel Δ[e]
    of Ā = exp(Δ·A) then broadcasts over contiguous rows (ORT's broadcasting Mul is several times slower
    with a trailing axis of 1).
  * The bodies take the small per-token factors and form the outer products themselves:
    B̄u_t = B_t ⊗ Δu_t is one Gemm with K = 2 against a block-diagonal [2N, 2] matrix of B_t (zeros
    across directions), which also adds Ā_t ⊙ h_{t−1} (its C input); y_t = C_t·h_t is a [2, 2N] block
    row times the state. No [L, 2, N, E] B̄u or dy ⊗ C tensor exists; the adjoint emits per-token
    reductions instead of its state. (Batched [2, N, ·] MatMuls and broadcasting Muls in their place:
    forward Scan 7.1 ms instead of 4.9 ms with 2 threads, 5.2 instead of 4.7 with one.)

GPU-shaped variant (`GraphBuilder.parallel_scan_length` set, `export --gpu-variant`): a Scan runs one tiny
kernel sequence per token, which leaves a GPU idle (Vim-T: 774 ms on an H100, slower than its CPU). There
both scans are instead log-depth associative scans (Hillis–Steele) over the whole [L, 2N, E] tensor:
⌈log2 L⌉ = 8 steps of shifted multiply-adds for L = 197, each a few large element-wise kernels. They
carry running products of Ā (never exp of differences of cumulative sums, spec §5.5), so they are as safe
numerically as the loop; they do ≈ log2 L times the loop's arithmetic, which is why the CPU keeps the Scan.
"""
from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper

from .builder import GraphBuilder


def _vi(n: str):
    return helper.make_tensor_value_info(n, TensorProto.FLOAT, None)


def block_cols(g: GraphBuilder, x: str, eye: str, length: int, n: int) -> str:
    """[L, 2, n] → block-diagonal [L, 2n, 2]: row d·n + k holds x[d, k] in column d, 0 in the other."""
    return g.reshape(g.mul(g.unsqueeze(x, [3]), g.unsqueeze(eye, [1])), [length, 2 * n, 2])


def block_rows(g: GraphBuilder, x: str, eye: str, length: int, n: int) -> str:
    """[L, 2, n] → block-diagonal [L, 2, 2n]: row d holds x[d, :] in columns d·n .. d·n + n − 1."""
    return g.reshape(g.mul(g.unsqueeze(x, [2]), g.unsqueeze(eye, [2])), [length, 2, 2 * n])


def _scan(g: GraphBuilder, name: str, state0: str, xs: list[str], nodes, body_in: list[str], body_out: list[str], reverse: bool):
    """One Scan over axis 0 of every x in xs; returns the stacked per-step outputs (body_out[1:])."""
    body = helper.make_graph(nodes, name, [_vi(f"{name}_{s}") for s in body_in], [_vi(f"{name}_{s}") for s in body_out])
    n_out = len(body_out) - 1
    res = g.op("Scan", [state0] + xs, hint="scan", n_out=1 + n_out, body=body, num_scan_inputs=len(xs),
               scan_input_axes=[0] * len(xs), scan_output_axes=[0] * n_out,
               scan_input_directions=[int(reverse)] * len(xs), scan_output_directions=[int(reverse)] * n_out)
    return res[1:]


def _shift(g: GraphBuilder, x: str, length: int, k: int, reverse: bool, rank: int = 3) -> str:
    """x_{t−k} (x_{t+k} when `reverse`) along axis 0 of a rank-`rank` tensor, zero where it falls outside."""
    return g.pad_axis(g.slice(x, k, length, 0), rank, 0, 0, k) if reverse else g.pad_axis(g.slice(x, 0, length - k, 0), rank, 0, k, 0)


def linear_recurrence(g: GraphBuilder, a: str, x: str, length: int, reverse: bool = False, rank: int = 3,
                      padded: bool = False) -> str:
    """h_t = x_t + a_t ⊙ h_{t−1} (h_{−1} = 0; with `reverse`, h_t = x_t + a_t ⊙ h_{t+1}, h_L = 0) along axis 0,
    in ⌈log2 length⌉ Hillis–Steele steps: after the step with offset k, x_t sums the 2k latest terms and
    a_t is the product of the 2k latest coefficients (zero past the sequence's start).

    Both run with one zero row in front of the sequence (behind it when `reverse`), so that each shift is a
    single Gather whose out-of-range rows read the zero row (a Slice + Pad pair otherwise: on a GPU every
    node costs a launch, whatever its size). The zero row of a keeps the zero row of x at zero.

    `padded` (forward only): a and x already have length + 1 rows whose row 0 is that extra row, zero in x
    (a there may be any decay in [0, 1], as Ā is: its products stay finite and only multiply x's zero row), and h is returned with it. A caller
    that pads a small tensor upstream (classifier.py: u before x_proj) saves two Pads and a Slice of the
    large [L, …, 2N, E] tensors."""
    before, after = (0, 1) if reverse else (1, 0)
    if not padded:
        x, a = g.pad_axis(x, rank, 0, before, after), g.pad_axis(a, rank, 0, before, after)
    zero_row = length if reverse else 0
    k = 1
    while k < length:
        idx = g.i64([min(t + k, zero_row) for t in range(length + 1)] if reverse else [max(t - k, zero_row) for t in range(length + 1)])
        x = g.add(x, g.mul(a, g.op("Gather", [x, idx], axis=0)))
        if 2 * k < length:
            a = g.mul(a, g.op("Gather", [a, idx], axis=0))
        k *= 2
    return x if padded else g.slice(x, before, before + length, 0)


def selective_scan(g: GraphBuilder, dA: str, du: str, B_cols: str, C_rows: str, state_shape: tuple[int, int], keep_decayed: bool):
    """Ā [L, 2N, E], Δ⊙u [L, 2, E], B as block_cols [L, 2N, 2], C as block_rows [L, 2, 2N]. Returns
    (y [L, 2, E] without the D-skip term, Ā_t ⊙ h_{t−1} [L, 2N, E] or None). The second output is what
    the exact adjoint needs (dΔ through Ā, dC)."""
    length = g.parallel_scan_length
    if length is not None:
        h = linear_recurrence(g, dA, g.matmul(B_cols, du), length)            # B_t ⊗ Δu_t as a batched product
        decayed = g.mul(dA, _shift(g, h, length, 1, False)) if keep_decayed else None
        return g.matmul(C_rows, h), decayed
    name = g.fresh("scan_fwd")
    n = lambda s: f"{name}_{s}"  # noqa: E731
    nodes = [helper.make_node("Mul", [n("a"), n("h_prev")], [n("ah")]),
             helper.make_node("Gemm", [n("b"), n("du"), n("ah")], [n("h")]),           # h = B_t ⊗ Δu_t + Ā_t ⊙ h_{t−1}
             helper.make_node("MatMul", [n("c"), n("h")], [n("y")])]                   # [2, 2N] @ [2N, E]
    outs = ["h", "y"] + (["ah"] if keep_decayed else [])
    res = _scan(g, name, g.zeros(state_shape), [dA, du, B_cols, C_rows], nodes, ["h_prev", "a", "du", "b", "c"], outs, False)
    return res[0], (res[1] if keep_decayed else None)


def adjoint_scan(g: GraphBuilder, dA: str, dy: str, C_cols: str, B_rows: str, state_shape: tuple[int, int],
                 exact: tuple[str, str, str] | None = None):
    """Adjoint of the state, g_t = C_t ⊗ dy_t + Ā_{t+1} ⊙ g_{t+1} (g_L = 0), run from t = L−1 down to 0,
    emitting gB_t = Σ_n B_t·g_t ([L, 2, E]) instead of g itself (dy [L, 2, E], C and B as block_cols and
    block_rows).

    The carried state is s_t = Ā_t ⊙ g_t, so the body reads Ā at the same step as dy_t and no shifted
    copy of Ā is needed. With exact = (Ā_t ⊙ h_{t−1} [L, 2N, E], Δ⊙u [L, 2, E], A [2N, E]) it also emits
    the other two reductions of the exact backward: Σ_n g·(Ā h_{t−1})·A ([L, 2, E]) and g·Δuᵀ
    ([L, 2N, 2]; its block diagonal is Σ_e g·Δu). Returns [gB] or [gB, dΔ_Ā, dB blocks]."""
    length = g.parallel_scan_length
    if length is not None:
        # g_t = C_t ⊗ dy_t + Ā_{t+1} ⊙ g_{t+1}: a reversed recurrence whose coefficient is Ā one step later.
        gs = linear_recurrence(g, _shift(g, dA, length, 1, True), g.matmul(C_cols, dy), length, reverse=True)
        out = [g.matmul(B_rows, gs)]
        if exact is not None:
            decayed, du, A = exact
            rows, _ = state_shape
            ones = g.init("blk_ones", np.kron(np.eye(2, dtype=np.float32), np.ones((1, rows // 2), np.float32)))
            out += [g.matmul(ones, g.mul(g.mul(gs, decayed), A)), g.matmul(gs, g.transpose(du, [0, 2, 1]))]
        return out
    name = g.fresh("scan_adj")
    n = lambda s: f"{name}_{s}"  # noqa: E731
    nodes = [helper.make_node("Gemm", [n("c"), n("dy"), n("s_prev")], [n("g")]),        # g = C_t ⊗ dy_t + s_{t+1}
             helper.make_node("Mul", [n("a"), n("g")], [n("s")]),
             helper.make_node("MatMul", [n("b"), n("g")], [n("gb")])]
    xs, body_in, outs = [dA, dy, C_cols, B_rows], ["s_prev", "a", "dy", "c", "b"], ["s", "gb"]
    if exact is not None:
        decayed, du, A = exact
        rows, width = state_shape
        ones = g.init("blk_ones", np.kron(np.eye(2, dtype=np.float32), np.ones((1, rows // 2), np.float32)))   # Σ_n per direction
        nodes += [helper.make_node("Mul", [n("g"), n("ah")], [n("gah")]),
                  helper.make_node("Mul", [n("gah"), A], [n("gaha")]),
                  helper.make_node("MatMul", [ones, n("gaha")], [n("dd")]),
                  helper.make_node("Gemm", [n("g"), n("du")], [n("db")], transB=1)]    # [2N, E] @ [E, 2]
        xs, body_in, outs = xs + [decayed, du], body_in + ["ah", "du"], outs + ["dd", "db"]
    return _scan(g, name, g.zeros(state_shape), xs, nodes, body_in, outs, True)
