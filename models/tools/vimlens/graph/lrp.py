"""MambaLRP relevance (spec §3.7) as a second, rule-modified backward pass through every layer.

MambaLRP is Gradient×Input on a forward pass whose backward implements LRP rules. Written out:
  * RMSNorm (blocks and norm_f): the normaliser 1/rms is a constant (LN rule) → dx = r·w⊙dy;
  * SiLU of the conv branch: identity rule, σ(U) constant → dU = σ(U)⊙du;
  * gate y⊙SiLU(z): half rule (½g + ½g.detach()) and the identity rule for SiLU → dy = ½·dO⊙SiLU(z),
    dz = ½·dO⊙y⊙σ(z);
  * selective SSM with Ā, B̄ = ΔB and C constant: relevance flows only through the value u (and the
    D-skip path): du_t = Δ_t⊙Σ_n g_t·B_t + D⊙dy_t with the same adjoint scan as the exact backward;
  * Linear layers and the causal conv: plain gradient (LRP-0).
R_t = Σ_k x0_t[k]·∂logit/∂x0_t[k] on the token embeddings after CLS insertion and pos_embed (197 scores).
Checked against Gradient×Input of the detach-modified PyTorch forward (tests/test_lrp.py).
"""
from __future__ import annotations

from ..config import VimConfig
from .backward import conv_adjoint, split_directions
from .builder import GraphBuilder
from .forward import LayerTensors
from .scan import adjoint_scan


def lrp_head(g: GraphBuilder, cfg: VimConfig, x_last: str, norm_f: str, head_w: str, target: str) -> str:
    c = cfg.cls_index
    xc = g.slice(x_last, c, c + 1, 0)
    inv = g.op("Reciprocal", [g.op("Sqrt", [g.add(g.rmean(g.mul(xc, xc), [-1], keep=1), g.f32(cfg.rms_eps))])])
    dxc = g.mul(g.mul(g.matmul(g.unsqueeze(target, [0]), head_w), norm_f), inv)
    return g.pad_axis(dxc, 2, 0, c, cfg.seq_len - 1 - c)


def lrp_layer(g: GraphBuilder, cfg: VimConfig, t: LayerTensors, dh: str) -> str:
    """Relevance-gradient through norm + mixer of one layer (without the residual identity path)."""
    E, N = cfg.d_inner, cfg.d_state
    d_o = g.mul(g.matmul(dh, t.out_proj), g.f32(0.25))                 # the /2 of the mixer × the half rule
    d_od = g.concat([g.unsqueeze(d_o, [0]), g.unsqueeze(g.flip(d_o, 0), [0])], 0)
    dy = g.mul(d_od, t.gate)
    dZd = g.mul(g.mul(d_od, t.y), g.sigmoid(t.Zd))
    # Σ_n g_t·B_t straight from the adjoint Scan (time-major, scan.py); g itself is never materialised.
    gB = adjoint_scan(g, t.dA, g.transpose(dy, [1, 0, 2]), t.C_cols, t.B_rows, (2 * N, E))[0]
    gB = g.transpose(gB, [1, 0, 2])                                    # [2, L, E]
    du = g.add(g.mul(gB, t.delta), g.mul(dy, t.Dskip))
    dX, dZ = split_directions(g, conv_adjoint(g, cfg, t, g.mul(du, g.sigmoid(t.U))), dZd)
    dyn = g.matmul(g.concat([dX, dZ], 1), t.in_proj)
    return g.mul(g.mul(dyn, t.norm_w), t.inv_rms)


def lrp_relevance(g: GraphBuilder, cfg: VimConfig, layers: list[LayerTensors], x0: str, x_last: str,
                  norm_f: str, head_w: str, target: str) -> str:
    d = lrp_head(g, cfg, x_last, norm_f, head_w, target)
    for t in reversed(layers):
        d = g.add(d, lrp_layer(g, cfg, t, d))
    return g.rsum(g.mul(x0, d), [1])                                   # [L]
