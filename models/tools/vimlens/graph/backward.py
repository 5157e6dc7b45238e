"""Hand-written backward pass of the head and of one Vim layer, as ONNX nodes.

ONNX Runtime has no autograd and PyTorch cannot export the gradient of a `scan`
(spec/EXPORT_NOTES.md), so the adjoint is written out: the selective scan's adjoint is a second,
reversed `Scan` (g_t = C_t·dy_t + Ā_{t+1}·g_{t+1}), everything else is a few matrix products. Verified
against PyTorch autograd on the reference model (models/tools/tests).
"""
from __future__ import annotations

from ..config import VimConfig
from .builder import GraphBuilder
from .forward import LayerTensors
from .scan import adjoint_scan


def dsilu(g: GraphBuilder, x: str) -> str:
    """d/dx x·σ(x) = σ(x)·(1 + x·(1 − σ(x)))."""
    s = g.sigmoid(x)
    return g.mul(s, g.add(g.f32(1.0), g.mul(x, g.sub(g.f32(1.0), s))))


def rms_norm_backward(g: GraphBuilder, x: str, inv: str, weight: str, dy: str, width: int) -> str:
    """y = x·r·w with r = (mean x² + eps)^−½  ⇒  dx = r·v − x·r³·mean(x⊙v), v = w⊙dy."""
    v = g.mul(dy, weight)
    m = g.rmean(g.mul(x, v), [-1], keep=1)
    return g.sub(g.mul(v, inv), g.mul(g.mul(x, m), g.mul(inv, g.mul(inv, inv))))


def head_backward(g: GraphBuilder, cfg: VimConfig, x_last: str, norm_f: str, head_w: str, target: str) -> str:
    """∂T/∂x_Λ for T = Σ_c target_c·logit_c; only the CLS row is non-zero (the head reads token c*)."""
    c = cfg.cls_index
    df = g.matmul(g.unsqueeze(target, [0]), head_w)                   # [1, D]
    xc = g.slice(x_last, c, c + 1, 0)
    inv = g.op("Reciprocal", [g.op("Sqrt", [g.add(g.rmean(g.mul(xc, xc), [-1], keep=1), g.f32(cfg.rms_eps))])])
    dxc = rms_norm_backward(g, xc, inv, norm_f, df, cfg.embed_dim)
    return g.pad_axis(dxc, 2, 0, c, cfg.seq_len - 1 - c)


def layer_backward(g: GraphBuilder, cfg: VimConfig, t: LayerTensors, dh: str) -> str:
    """Given dh = ∂T/∂h_l ([L, D]), return the contribution of norm+mixer to ∂T/∂x_l (without the
    identity path of the residual)."""
    L, E, N, R, K = cfg.seq_len, cfg.d_inner, cfg.d_state, cfg.dt_rank, cfg.d_conv
    d_o = g.mul(g.matmul(dh, t.out_proj), g.f32(0.5))                   # the /2 of if_devide_out
    d_od = g.concat([g.unsqueeze(d_o, [0]), g.unsqueeze(g.flip(d_o, 0), [0])], 0)   # [2, L, E] scan order
    dy = g.mul(d_od, t.gate)
    dZd = g.mul(g.mul(d_od, t.y), dsilu(g, t.Zd))
    du = g.mul(dy, t.Dskip)
    # Adjoint of the state, g_t = dy_t ⊗ C_t + Ā_{t+1}·g_{t+1}, a reversed Scan that emits the three
    # reductions of g the backward needs instead of g (scan.py): Ā = exp(ΔA): dΔ += Σ_n g·(Ā·h_{t−1})·A;
    # B̄u = Δ·B·u: dΔ += u·Σ_n g·B, du += Δ·Σ_n g·B, dB = Σ_e g·Δ·u.
    dy_tm = g.transpose(dy, [1, 0, 2])                                 # [L, 2, E]
    A_blk = g.reshape(t.A_ne, [2 * N, E])
    gB, dd, dB = adjoint_scan(g, t.dA, dy_tm, t.C_cols, t.B_rows, (2 * N, E), exact=(t.decayed, t.du_tm, A_blk))
    bm = lambda v: g.transpose(v, [1, 0, 2])  # noqa: E731  (time-major → [2, L, ·])
    gB = bm(gB)
    # dB_t = Σ_e g_t·Δu_t: the block diagonal of the [2N, 2] per-step product g·Δuᵀ.
    dB = bm(g.rsum(g.mul(g.reshape(dB, [L, 2, N, 2]), g.unsqueeze(t.eye, [1])), [3]))
    # dC_t = Σ_e dy_t·h_t with h_t = Ā_t·h_{t−1} + B_t⊗Δu_t (the scan kept Ā_t·h_{t−1}; the B̄u part is
    # (Σ_e dy·Δu)·B_t, no [L, 2, N, E] tensor).
    dC = g.add(g.reshape(g.matmul(g.reshape(t.decayed, [L, 2, N, E]), g.unsqueeze(dy_tm, [3])), [L, 2, N]),
               g.mul(g.rsum(g.mul(dy_tm, t.du_tm), [2], keep=1), t.B_tm))
    dC = g.transpose(dC, [1, 0, 2])                                    # [2, L, N]
    d_delta = g.add(bm(dd), g.mul(gB, t.u))
    du = g.add(du, g.mul(gB, t.delta))
    d_pre = g.mul(d_delta, g.sigmoid(t.pre))                            # softplus' = σ
    d_dt = g.matmul(d_pre, t.dt_w)                                      # [2, L, R]
    du = g.add(du, g.matmul(g.concat([d_dt, dB, dC], 2), t.x_proj))
    dU = g.mul(du, dsilu(g, t.U))
    dX, dZ = split_directions(g, conv_adjoint(g, cfg, t, dU), dZd)
    dyn = g.matmul(g.concat([dX, dZ], 1), t.in_proj)                    # [L, D]
    return rms_norm_backward(g, t.x_in, t.inv_rms, t.norm_w, dyn, cfg.embed_dim)


def conv_adjoint(g: GraphBuilder, cfg: VimConfig, t: LayerTensors, dU: str) -> str:
    """Adjoint of the causal depthwise conv: dX_s = Σ_k w[k]·dU_{s+K−1−k} ([2, L, E], scan order)."""
    L, K = cfg.seq_len, cfg.d_conv
    dUp = g.pad_axis(dU, 3, 1, 0, K - 1)
    acc = None
    for k in range(K):
        term = g.mul(g.slice(dUp, K - 1 - k, K - 1 - k + L, 1), t.conv_w[k])
        acc = term if acc is None else g.add(acc, term)
    return acc


def split_directions(g: GraphBuilder, dXd: str, dZd: str) -> tuple[str, str]:
    """Per-direction [2, L, E] gradients → original token order, both directions summed."""
    first = lambda v: g.squeeze(g.slice(v, 0, 1, 0), [0])  # noqa: E731
    second = lambda v: g.flip(g.squeeze(g.slice(v, 1, 2, 0), [0]), 0)  # noqa: E731
    return g.add(first(dXd), second(dXd)), g.add(first(dZd), second(dZd))
