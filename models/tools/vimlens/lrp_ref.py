"""MambaLRP reference: Gradient×Input of the official repo's detach-modified forward (spec §3.7), on the
PyTorch reference model. Used to check the graph's hand-written rule backward."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .vim import Vim, causal_depthwise_conv, selective_scan_ref, softplus20


def _norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps).detach() * w       # LN rule


def _branch(mixer, x, z, d):
    cfg = mixer.cfg
    conv, xproj, dtp, A, Dskip = mixer.params(d)
    U = causal_depthwise_conv(x, conv.weight, conv.bias)
    u = U * torch.sigmoid(U).detach()                                                  # identity rule
    dt, B, C = torch.split(u @ xproj.weight.t(), [cfg.dt_rank, cfg.d_state, cfg.d_state], dim=-1)
    delta = softplus20(dt @ dtp.weight.t() + dtp.bias)
    y = selective_scan_ref(u, delta.detach(), A.detach(), B.detach(), C.detach(), Dskip)  # Ā, B̄, C constant
    gated = y * (z * torch.sigmoid(z).detach())
    return 0.5 * gated + 0.5 * gated.detach()                                          # half rule


def lrp_relevance(model: Vim, img: torch.Tensor, cls: int) -> torch.Tensor:
    cfg = model.cfg
    x0 = model.embed(img).detach().requires_grad_(True)
    x = x0
    for blk in model.layers:
        y = _norm(x, blk.norm.weight, cfg.rms_eps)
        X, Z = blk.mixer.split_xz(y)
        o = (_branch(blk.mixer, X, Z, 0) + _branch(blk.mixer, X.flip(1), Z.flip(1), 1).flip(1)) / 2
        x = x + o @ blk.mixer.out_proj.weight.t()
    logits = model.head(_norm(x, model.norm_f.weight, cfg.rms_eps)[:, cfg.cls_index])
    logits[0, cls].backward()
    return (x0 * x0.grad).sum(-1)[0].detach()
