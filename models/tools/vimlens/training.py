"""Model pieces of the training loop (train.py): official initialisation, drop-path forward, losses,
validation, checkpoints. Same maths as `Vim.forward`; the exported model reads the Vim state dict alone."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .augment import to_model_input
from .config import VimConfig
from .fast_scan import selective_scan_fast
from .metrics import roc_auc
from .vim import Vim, rms_norm


def init_vim_(model: Vim, generator: torch.Generator | None = None) -> None:
    """Initialisation as the official Vim/mamba_ssm code: Linear weights keep PyTorch's default,
    biases zero; dt_proj weight U(±dt_rank^-0.5), bias = softplus⁻¹(dt), dt log-uniform in [1e-3, 1e-1];
    A_log = log(1..N); D = 1; out_proj kaiming-uniform / sqrt(2·depth) (prenorm-residual rescale);
    pos_embed, cls_token trunc-normal(0.02); head trunc-normal(0.02), bias 0."""
    cfg = model.cfg
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)
        for blk in model.layers:
            mx = blk.mixer
            for dtp in (mx.dt_proj, mx.dt_proj_b):
                std = cfg.dt_rank ** -0.5
                nn.init.uniform_(dtp.weight, -std, std)
                dt = torch.exp(torch.rand(cfg.d_inner) * (math.log(0.1) - math.log(1e-3)) + math.log(1e-3)).clamp(min=1e-4)
                dtp.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
            a = torch.log(torch.arange(1, cfg.d_state + 1, dtype=torch.float32)).repeat(cfg.d_inner, 1)
            mx.A_log.copy_(a); mx.A_b_log.copy_(a)  # noqa: E702
            mx.D.fill_(1.0); mx.D_b.fill_(1.0)  # noqa: E702
            nn.init.kaiming_uniform_(mx.out_proj.weight, a=math.sqrt(5))
            mx.out_proj.weight.div_(math.sqrt(2 * cfg.depth))
        nn.init.trunc_normal_(model.pos_embed, std=0.02)
        nn.init.trunc_normal_(model.cls_token, std=0.02)
        nn.init.trunc_normal_(model.head.weight, std=0.02)
        nn.init.zeros_(model.head.bias)


def drop_path(h: torch.Tensor, p: float, training: bool) -> torch.Tensor:
    if not training or p <= 0:
        return h
    keep = (torch.rand(h.shape[0], 1, 1, device=h.device) >= p).to(h.dtype)
    return h * keep / (1 - p)


def forward(model: Vim, img: torch.Tensor, dp: list[float], training: bool):
    """Logits (B, classes) and the final normalised tokens (B, L, D); same maths as Vim.forward plus drop-path."""
    cfg = model.cfg
    x = model.embed(img)
    for blk, p in zip(model.layers, dp):
        x = x + drop_path(blk.mixer(rms_norm(x, blk.norm.weight, cfg.rms_eps)), p, training)
    f = rms_norm(x, model.norm_f.weight, cfg.rms_eps)
    return model.head(f[:, cfg.cls_index]), f


def mixed_cross_entropy(logits: torch.Tensor, y: torch.Tensor, class_w: torch.Tensor, smoothing: float) -> torch.Tensor:
    """Label-smoothed cross-entropy for mixup targets y (rows sum to 1); each sample is weighted by the
    blend of its classes' weights (class balance as in the unmixed loss)."""
    w = (y * class_w).sum(1)
    y = y * (1 - smoothing) + smoothing / y.shape[1]
    return (-(y * F.log_softmax(logits, -1)).sum(1) * w).sum() / w.sum()


def patch_tokens(f: torch.Tensor, cls_index: int) -> torch.Tensor:
    return torch.cat([f[:, :cls_index], f[:, cls_index + 1:]], 1)


@torch.no_grad()
def evaluate(model, imgs_u8, labels, batch, device, dp):
    model.eval()
    probs = []
    for i in range(0, len(imgs_u8), batch):
        x = to_model_input(imgs_u8[i:i + batch].to(device).float().unsqueeze(1) / 255)
        logits, _ = forward(model, x, dp, training=False)
        probs.append(torch.softmax(logits.float(), -1)[:, 1].cpu())
    p = torch.cat(probs).numpy()
    y = labels.numpy()
    nll = float(-np.mean(np.log(np.clip(np.where(y == 1, p, 1 - p), 1e-7, 1))))
    return roc_auc(p, y), nll, p


def load_torch(path: Path, dev):
    try:
        return torch.load(path, map_location=dev, weights_only=False)
    except TypeError:  # torch < 1.13
        return torch.load(path, map_location=dev)


def load_teacher(path: Path, dev) -> Vim:
    """A frozen Vim from a checkpoint train.py wrote ({"model": state_dict, "config": ...})."""
    ck = load_torch(path, "cpu")
    t = Vim(VimConfig.from_dict(ck["config"]), scan=selective_scan_fast)
    t.load_state_dict({k: v.float() for k, v in ck["model"].items()})
    t.to(dev).eval()
    for p in t.parameters():
        p.requires_grad_(False)
    return t


def official_state_dict(model: Vim) -> dict:
    return {k: v.detach().float().cpu().clone() for k, v in model.state_dict().items()}
