"""Plain-PyTorch Vim (bimamba v2, middle CLS, `/2`), exactly as spec ALGORITHMS.md §1.3–1.7.

No custom kernels: the selective scan is a sequential loop (the reference the ONNX graph and the
training scan are checked against). Eval semantics only (no dropout / drop-path).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import VimConfig


def softplus20(x: torch.Tensor) -> torch.Tensor:
    """softplus with PyTorch's / the CUDA kernel's threshold 20 (spec §0)."""
    return torch.where(x > 20, x, torch.log1p(torch.exp(torch.clamp(x, max=20))))


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def causal_depthwise_conv(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """x: (B, L, E); weight: (E, 1, K). Pad + shifted multiply-add (== Conv1d(groups=E, padding=K-1)[..., :L])."""
    k = weight.shape[-1]
    xp = F.pad(x, (0, 0, k - 1, 0))
    length = x.shape[1]
    out = bias.expand_as(x).clone()
    for i in range(k):
        out = out + weight[:, 0, i] * xp[:, i:i + length]
    return out


def selective_scan_ref(u, delta, A, B, C, D):
    """Sequential recurrence of spec §1.6. u, delta: (B, L, E); A: (E, N); B, C: (B, L, N). Returns y (B, L, E)."""
    bsz, length, e = u.shape
    h = u.new_zeros(bsz, e, A.shape[1])
    ys = []
    for t in range(length):
        dA = torch.exp(delta[:, t, :, None] * A)
        h = dA * h + (delta[:, t, :, None] * B[:, t, None, :]) * u[:, t, :, None]
        ys.append((h * C[:, t, None, :]).sum(-1))
    return torch.stack(ys, 1) + u * D


class Mixer(nn.Module):
    """bimamba-v2 mixer (spec §1.5); parameter names exactly as the official checkpoint."""

    def __init__(self, cfg: VimConfig, scan=None):
        super().__init__()
        self.cfg = cfg
        self.scan = scan or selective_scan_ref  # optional drop-in (e.g. fast_scan.selective_scan_fast for training)
        e, n, r, k = cfg.d_inner, cfg.d_state, cfg.dt_rank, cfg.d_conv
        self.in_proj = nn.Linear(cfg.embed_dim, 2 * e, bias=False)
        self.out_proj = nn.Linear(e, cfg.embed_dim, bias=False)
        for s in ("", "_b"):
            setattr(self, "conv1d" + s, nn.Conv1d(e, e, k, groups=e, padding=k - 1, bias=True))
            setattr(self, "x_proj" + s, nn.Linear(e, r + 2 * n, bias=False))
            setattr(self, "dt_proj" + s, nn.Linear(r, e, bias=True))
        self.A_log = nn.Parameter(torch.zeros(e, n))
        self.A_b_log = nn.Parameter(torch.zeros(e, n))
        self.D = nn.Parameter(torch.ones(e))
        self.D_b = nn.Parameter(torch.ones(e))

    def params(self, direction: int):
        """(conv, x_proj, dt_proj, A, Dskip) of direction 0 (forward) or 1 (backward)."""
        s = "" if direction == 0 else "_b"
        A = -torch.exp(self.A_log if direction == 0 else self.A_b_log)
        return getattr(self, "conv1d" + s), getattr(self, "x_proj" + s), getattr(self, "dt_proj" + s), A, (self.D if direction == 0 else self.D_b)

    def factors(self, x: torch.Tensor, direction: int):
        """Δ, B, C, u (= X̂ = SiLU(U)), U for X (B, L, E) given in this direction's token order."""
        cfg = self.cfg
        conv, xproj, dtp, _, _ = self.params(direction)
        U = causal_depthwise_conv(x, conv.weight, conv.bias)
        u = F.silu(U)
        dt, Bm, Cm = torch.split(u @ xproj.weight.t(), [cfg.dt_rank, cfg.d_state, cfg.d_state], dim=-1)
        delta = softplus20(dt @ dtp.weight.t() + dtp.bias)
        return delta, Bm, Cm, u, U

    def branch(self, x: torch.Tensor, z: torch.Tensor, direction: int) -> torch.Tensor:
        delta, Bm, Cm, u, _ = self.factors(x, direction)
        _, _, _, A, Dskip = self.params(direction)
        return self.scan(u, delta, A, Bm, Cm, Dskip) * F.silu(z)

    def split_xz(self, y: torch.Tensor):
        return torch.chunk(y @ self.in_proj.weight.t(), 2, dim=-1)

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        x, z = self.split_xz(y)
        of = self.branch(x, z, 0)
        ob = self.branch(x.flip(1), z.flip(1), 1).flip(1)
        return ((of + ob) / 2) @ self.out_proj.weight.t()


class Block(nn.Module):
    def __init__(self, cfg: VimConfig, scan=None):
        super().__init__()
        self.mixer = Mixer(cfg, scan)
        self.norm = nn.Module()
        self.norm.weight = nn.Parameter(torch.ones(cfg.embed_dim))


class PatchEmbed(nn.Module):
    def __init__(self, cfg: VimConfig):
        super().__init__()
        self.proj = nn.Conv2d(cfg.in_chans, cfg.embed_dim, cfg.patch_size, cfg.patch_size)


class Vim(nn.Module):
    """Pre-norm residual stack of bimamba-v2 mixers with a middle CLS token (spec §1.4)."""

    def __init__(self, cfg: VimConfig, scan=None):
        super().__init__()
        self.cfg = cfg
        self.patch_embed = PatchEmbed(cfg)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, cfg.seq_len, cfg.embed_dim))
        self.layers = nn.ModuleList(Block(cfg, scan) for _ in range(cfg.depth))
        self.norm_f = nn.Module()
        self.norm_f.weight = nn.Parameter(torch.ones(cfg.embed_dim))
        self.head = nn.Linear(cfg.embed_dim, cfg.num_classes)

    def embed(self, img: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        p = F.conv2d(img, self.patch_embed.proj.weight, self.patch_embed.proj.bias, stride=cfg.patch_size)
        p = p.flatten(2).transpose(1, 2)  # row-major patches (B, M, D)
        c = cfg.cls_index
        cls = self.cls_token.expand(p.shape[0], -1, -1)
        return torch.cat([p[:, :c], cls, p[:, c:]], 1) + self.pos_embed

    def forward(self, img: torch.Tensor, mixer_outputs: list | None = None) -> torch.Tensor:
        """Logits. If `mixer_outputs` is a list, each block's mixer output h_l is appended to it
        (with requires_grad where the input needs it), so callers can take ∂T/∂h_l (spec §3.4)."""
        x = self.embed(img)
        for blk in self.layers:
            h = blk.mixer(rms_norm(x, blk.norm.weight, self.cfg.rms_eps))
            if mixer_outputs is not None:
                if h.requires_grad:
                    h.retain_grad()
                mixer_outputs.append(h)
            x = x + h
        f = rms_norm(x, self.norm_f.weight, self.cfg.rms_eps)
        return self.head(f[:, self.cfg.cls_index])
