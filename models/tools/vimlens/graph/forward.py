"""Forward pass of one Vim layer and the CLS attention vectors, as ONNX nodes (spec §1.5, §2.1–2.4, §3.6).

Token tensors carry no batch axis: [L, D]. Per-direction tensors are stacked on a leading axis of 2
(0 = forward scan, 1 = backward scan), each in its own scan order.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import VimConfig
from .builder import GraphBuilder
from .scan import block_cols, block_rows, selective_scan
from .weights import LayerWeights


@dataclass
class LayerTensors:
    """Names of the intermediate tensors the backward pass and the outputs need."""
    x_in: str; inv_rms: str; norm_w: str; in_proj: str; out_proj: str  # noqa: E702
    conv_w: list; x_proj: str; dt_w: str; A: str; Dskip: str  # noqa: E702
    Zd: str; U: str; u: str; pre: str; delta: str; B: str; C: str  # noqa: E702
    # for the scans, time-major (scan.py): Aᵀ [2, N, E], Ā [L, 2N, E], Δ⊙u [L, 2, E], B [L, 2, N], B and C as
    # block rows/columns, Ā_t ⊙ h_{t−1} [L, 2N, E]; eye = 2×2 identity
    A_ne: str; dA: str; du_tm: str; B_tm: str; B_rows: str; C_cols: str; decayed: str | None; eye: str  # noqa: E702
    y: str; gate: str; out: str  # noqa: E702


def rms_norm(g: GraphBuilder, x: str, weight: str, eps: float):
    """x · 1/sqrt(mean(x²)+eps) · w, returning (normed, inverse rms) (spec §1.4)."""
    inv = g.op("Reciprocal", [g.op("Sqrt", [g.add(g.rmean(g.mul(x, x), [-1], keep=1), g.f32(eps))])])
    return g.mul(g.mul(x, inv), weight), inv


def softplus20(g: GraphBuilder, x: str) -> str:
    """softplus = relu(x) + log1p(exp(−|x|)), with an accurate log1p: ONNX Softplus is unthresholded
    and log(1+exp(x)) loses all precision for x ≪ 0 (spec §5.4). Equals PyTorch's threshold-20 form
    to fp32 rounding (for x > 20 the log1p term is below half an ulp of x)."""
    t = g.exp(g.op("Neg", [g.op("Abs", [x])]))
    w = g.add(t, g.f32(1.0))
    # log1p(t) = log(w)·t/(w−1) is exact-to-rounding where w ≠ 1; where w rounds to 1, log1p(t) = t.
    wm1 = g.sub(w, g.f32(1.0))
    is_one = g.op("Equal", [wm1, g.f32(0.0)])
    safe = g.op("Where", [is_one, g.f32(1.0), wm1])
    log1p = g.op("Where", [is_one, t, g.div(g.mul(g.op("Log", [w]), t), safe)])
    return g.add(g.relu(x), log1p)


def causal_conv(g: GraphBuilder, x: str, w_shifts: list, bias: str, length: int, k: int) -> str:
    """U_t = b + Σ_k w[:,k]·X_{t−K+1+k} on [2, L, E] via pad + shifted multiply-adds (spec §1.5): the
    gradient of Conv has no ONNX decomposition, and this form is trivially differentiable by hand."""
    xp = g.pad_axis(x, 3, 1, k - 1, 0)
    acc = bias
    for i in range(k):
        acc = g.add(acc, g.mul(g.slice(xp, i, i + length, 1), w_shifts[i]))
    return acc


def layer_forward(g: GraphBuilder, cfg: VimConfig, lw: LayerWeights, x: str, idx: int, needs_backward: bool) -> LayerTensors:
    L, E, N, R, K = cfg.seq_len, cfg.d_inner, cfg.d_state, cfg.dt_rank, cfg.d_conv
    norm_w, in_proj, out_proj = g.init(f"l{idx}_norm", lw.norm), g.init(f"l{idx}_in_proj", lw.in_proj), g.init(f"l{idx}_out_proj", lw.out_proj)
    conv_w = [g.init(f"l{idx}_conv_w{i}", lw.conv_w[:, None, :, i]) for i in range(K)]  # each [2, 1, E]
    conv_b = g.init(f"l{idx}_conv_b", lw.conv_b[:, None, :])
    x_proj, dt_w = g.init(f"l{idx}_x_proj", lw.x_proj), g.init(f"l{idx}_dt_w", lw.dt_w)
    dt_b = g.init(f"l{idx}_dt_b", lw.dt_b[:, None, :])
    # A is stored as [2, N, E] (the scans' layout); the [2, E, N] tap is its Transpose (folded at load).
    A_ne, Dskip = g.init(f"l{idx}_A_ne", lw.A.transpose(0, 2, 1)), g.init(f"l{idx}_D", lw.Dskip[:, None, :])
    A, eye = g.transpose(A_ne, [0, 2, 1]), g.init(f"l{idx}_eye", np.eye(2, dtype=np.float32))

    yn, inv = rms_norm(g, x, norm_w, cfg.rms_eps)
    xz = g.op("Gemm", [yn, in_proj], transB=1)                     # [L, 2E]
    X, Z = g.slice(xz, 0, E, 1), g.slice(xz, E, 2 * E, 1)
    Xd = g.concat([g.unsqueeze(X, [0]), g.unsqueeze(g.flip(X, 0), [0])], 0)   # [2, L, E]
    Zd = g.concat([g.unsqueeze(Z, [0]), g.unsqueeze(g.flip(Z, 0), [0])], 0)
    U = causal_conv(g, Xd, conv_w, conv_b, L, K)
    u = g.silu(U)
    dbc = g.matmul(u, g.transpose(x_proj, [0, 2, 1]))                # [2, L, R+2N]
    dt, B, C = g.slice(dbc, 0, R, 2), g.slice(dbc, R, R + N, 2), g.slice(dbc, R + N, R + 2 * N, 2)
    pre = g.add(g.matmul(dt, g.transpose(dt_w, [0, 2, 1])), dt_b)     # [2, L, E]
    delta = softplus20(g, pre)
    # Scans run over axis 0 of time-major tensors with both directions' states as one [2N, E] matrix
    # (scan.py): only the small [2, L, ·] factors are transposed, and Ā is formed directly as [L, 2N, E].
    tm = lambda v: g.transpose(v, [1, 0, 2])  # noqa: E731
    du_tm, B_tm, C_tm = tm(g.mul(delta, u)), tm(B), tm(C)
    # Δ is made time-major by Concat, not Transpose: ORT's transpose optimizer would push a Transpose
    # through the Mul and the Exp and transpose the [2, L, N, E] result instead.
    delta_row = g.concat([g.reshape(g.slice(delta, d, d + 1, 0), [L, 1, 1, E]) for d in (0, 1)], 1)   # [L, 2, 1, E]
    dA = g.reshape(g.exp(g.mul(delta_row, A_ne)), [L, 2 * N, E])
    y_ssm, decayed = selective_scan(g, dA, du_tm, block_cols(g, B_tm, eye, L, N), block_rows(g, C_tm, eye, L, N),
                                    (2 * N, E), keep_decayed=needs_backward)
    y = g.add(tm(y_ssm), g.mul(u, Dskip))
    gate = g.silu(Zd)
    od = g.mul(y, gate)
    o = g.mul(g.add(g.squeeze(g.slice(od, 0, 1, 0), [0]), g.flip(g.squeeze(g.slice(od, 1, 2, 0), [0]), 0)), g.f32(0.5))
    h = g.op("Gemm", [o, out_proj], transB=1)                         # [L, D]
    return LayerTensors(x_in=x, inv_rms=inv, norm_w=norm_w, in_proj=in_proj, out_proj=out_proj, conv_w=conv_w,
                        x_proj=x_proj, dt_w=dt_w, A=A, A_ne=A_ne, Dskip=Dskip, Zd=Zd, U=U, u=u, pre=pre, delta=delta, B=B, C=C,
                        dA=dA, du_tm=du_tm, B_tm=B_tm, B_rows=block_rows(g, B_tm, eye, L, N), C_cols=block_cols(g, C_tm, eye, L, N),
                        decayed=decayed, eye=eye, y=y, gate=gate, out=h)


def combine_directions(g: GraphBuilder, v: str, lead: int = 0) -> str:
    """[2, L, E] per-direction vectors → [L, E] in original order: v_fwd + flip(v_bwd) (spec §2.4, §3.6).
    `lead` leading axes (a stack of layers, [Λ, 2, L, E]) are carried through."""
    d = lead
    return g.add(g.squeeze(g.slice(v, 0, 1, d), [d]), g.flip(g.squeeze(g.slice(v, 1, 2, d), [d]), d))


def cls_vectors(g: GraphBuilder, cfg: VimConfig, t: LayerTensors, lead: int = 0):
    """Per-direction CLS rows (scan order, [2, L, E]): (official H-MA vector, true α row, UIA vector).

    Products of Ā are formed from suffix sums of Δ that start at the CLS token, never as differences of
    long cumulative sums (spec §2.3 "stable computation", §5.5).

    With `lead` = 1, `t` holds a stack of layers instead of one ([Λ, 2, L, ·] tensors, A_ne [Λ, 2, N, E],
    each conv_w [Λ, 2, 1, E]; StackedLayers), and the vectors of every layer come out of the same few nodes
    ([Λ, 2, L, E]): the GPU-shaped graph builds its maps so, once for all layers (a per-layer build costs
    ~100 small nodes a layer, and a GPU pays for each node, not for its size).
    """
    L, c, K, E, N = cfg.seq_len, cfg.cls_index, cfg.d_conv, cfg.d_inner, cfg.d_state
    a, P = 1 + lead, [0] * lead          # a: the token axis; P: Reshape's "copy this axis" for the leading ones
    d_before = g.slice(t.delta, 0, c, a)                                   # Δ_0..Δ_{c*-1}
    # Σ_{k=j+1}^{c*-1} Δ_k for j < c*: exclusive reverse cumulative sum.
    suffix = g.op("CumSum", [d_before, g.i64(a)], exclusive=1, reverse=1)
    # [N, E] layout as in the scans: Δ[e] broadcasts over contiguous rows, Σ_n is a [1, N] @ [N, E] MatMul.
    p_off = g.exp(g.mul(g.unsqueeze(suffix, [a + 1]), g.unsqueeze(t.A_ne, [a])))   # [2, c*, N, E]
    w = g.mul(g.slice(t.B, 0, c + 1, a), g.slice(t.C, c, c + 1, a))          # C_{c*}[n]·B_j[n], [2, c*+1, N]
    w_row = g.unsqueeze(g.slice(w, 0, c, a), [a + 1])                        # [2, c*, 1, N]
    # Quirk: the official vector omits Ā_{c*} and the diagonal term (spec §2.3).
    off = g.mul(g.reshape(g.matmul(w_row, p_off), P + [2, c, E]), d_before)
    official = g.pad_axis(off, 3 + lead, a, 0, L - c)
    # True row α[c*, j] (spec §2.1): one more factor Ā_{c*} for j < c*, plus the diagonal term
    # α[c*, c*] = Δ_{c*}·Σ_n C_{c*}·B_{c*} (empty product), appended as a small [2, 1, E] slice.
    if lead == 0:
        dA_c = g.reshape(g.slice(t.dA, c, c + 1, 0), [2, 1, N, E])            # Ā_{c*} (Ā is [L, 2N, E])
    else:  # the same products exp(Δ_{c*}·A), formed from the stacked Δ (no stacked Ā exists)
        dA_c = g.exp(g.mul(g.unsqueeze(g.slice(t.delta, c, c + 1, a), [a + 1]), g.unsqueeze(t.A_ne, [a])))
    below = g.mul(g.reshape(g.matmul(w_row, g.mul(p_off, dA_c)), P + [2, c, E]), d_before)
    diag = g.mul(g.rsum(g.slice(w, c, c + 1, a), [a + 1], keep=1), g.slice(t.delta, c, c + 1, a))
    row = g.concat([below, diag], a)                                                   # [2, c*+1, E]
    true_row = g.pad_axis(row, 3 + lead, a, 0, L - c - 1)
    # UIA (spec §3.6): t_j = α_row[j]·σ(U_j); q_j = Σ_m w[K−1−m]·t_{j+m}; u = SiLU(Z_{c*})·q.
    tvec = g.pad_axis(g.mul(row, g.sigmoid(g.slice(t.U, 0, c + 1, a))), 3 + lead, a, 0, L - c - 1 + K - 1)
    q = None
    for m in range(K):
        term = g.mul(g.slice(tvec, m, m + L, a), t.conv_w[K - 1 - m])
        q = term if q is None else g.add(q, term)
    uia = g.mul(q, g.slice(t.gate, c, c + 1, a))
    return official, true_row, uia


@dataclass
class StackedLayers:
    """The tensors cls_vectors reads, for a stack of layers (leading axis Λ): Δ, U, gate [Λ, 2, L, E],
    B, C [Λ, 2, L, N], A_ne [Λ, 2, N, E], conv_w K × [Λ, 2, 1, E]."""
    delta: str; B: str; C: str; A_ne: str; U: str; gate: str; conv_w: list  # noqa: E702


def stack_layers(g: GraphBuilder, layers: list, delta: str, B: str, C: str) -> StackedLayers:
    """Stacks what cls_vectors needs of every layer (Δ, B, C: the taps' stacks, passed in). The weight stacks
    (A, conv) are Concats of initializers, folded into constants when the session is created."""
    stack = lambda vs: g.concat([g.unsqueeze(v, [0]) for v in vs], 0)  # noqa: E731
    return StackedLayers(delta=delta, B=B, C=C, A_ne=stack([t.A_ne for t in layers]), U=stack([t.U for t in layers]),
                         gate=stack([t.gate for t in layers]),
                         conv_w=[stack([t.conv_w[k] for t in layers]) for k in range(len(layers[0].conv_w))])
