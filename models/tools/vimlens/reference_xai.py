"""Loop-based reference of the hidden-attention quantities (spec §2.1–2.4, §3.6), independent of the
graph's suffix-sum formulation: products of Ā are formed one factor at a time, as the official code does.
Slow; for tests on small inputs only."""
from __future__ import annotations

import numpy as np
import torch

from .vim import Vim, rms_norm


@torch.no_grad()
def layer_factors(model: Vim, img: torch.Tensor) -> list[dict]:
    """Per layer and direction (scan order): delta, B, C, U, A, conv weight, gate SiLU(Z) — numpy float64."""
    out, x = [], model.embed(img)
    for blk in model.layers:
        y = rms_norm(x, blk.norm.weight, model.cfg.rms_eps)
        X, Z = blk.mixer.split_xz(y)
        dirs = []
        for d, (xd, zd) in enumerate([(X, Z), (X.flip(1), Z.flip(1))]):
            delta, B, C, _, U = blk.mixer.factors(xd, d)
            conv, _, _, A, _ = blk.mixer.params(d)
            f = lambda t: t[0].double().numpy()  # noqa: E731
            dirs.append(dict(delta=f(delta), B=f(B), C=f(C), U=f(U), A=A.double().numpy(),
                             w=conv.weight[:, 0].double().numpy(), gate=f(torch.nn.functional.silu(zd))))
        out.append(dirs)
        x = x + blk.mixer(y)
    return out


def alpha_matrix(f: dict) -> np.ndarray:
    """α_e[i, j] for all channels, [E, L, L], by explicit running products (spec §2.1)."""
    delta, B, C, A = f["delta"], f["B"], f["C"], f["A"]
    L, E = delta.shape
    out = np.zeros((E, L, L))
    for j in range(L):
        P = np.ones_like(A)
        for i in range(j, L):
            if i > j:
                P = P * np.exp(delta[i][:, None] * A)
            out[:, i, j] = (C[i][None, :] * P * (delta[j][:, None] * B[j][None, :])).sum(1)
    return out


def cls_rows(f: dict, c: int) -> tuple[np.ndarray, np.ndarray]:
    """(official H-MA vector with its off-by-one, true α row) for one direction, [E, L] each."""
    delta, B, C, A = f["delta"], f["B"], f["C"], f["A"]
    L, E = delta.shape
    official, true = np.zeros((E, L)), np.zeros((E, L))
    P = np.ones_like(A)                                    # Quirk: starts without Ā_{c*}
    for j in range(c - 1, -1, -1):
        official[:, j] = (C[c][None, :] * P * delta[j][:, None] * B[j][None, :]).sum(1)
        P = P * np.exp(delta[j][:, None] * A)
    P = np.ones_like(A)
    for j in range(c, -1, -1):
        true[:, j] = (C[c][None, :] * P * delta[j][:, None] * B[j][None, :]).sum(1)
        P = P * np.exp(delta[j][:, None] * A)
    return official, true


def uia_vector(f: dict, c: int) -> np.ndarray:
    """UIA per-direction vector u_e[j] = SiLU(Z_c)·Σ_m w[K−1−m]·α[c, j+m]·σ(U_{j+m}) (spec §3.6), [E, L]."""
    _, true = cls_rows(f, c)
    t = true * (1 / (1 + np.exp(-f["U"].T)))
    E, L = t.shape
    K = f["w"].shape[1]
    q = np.zeros((E, L))
    for j in range(L):
        for m in range(K):
            if j + m < L:
                q[:, j] += f["w"][:, K - 1 - m] * t[:, j + m]
    return f["gate"][c][:, None] * q


def combine(fwd: np.ndarray, bwd: np.ndarray) -> np.ndarray:
    """[E, L] per-direction vectors → original order: fwd + flip(bwd)."""
    return fwd + bwd[:, ::-1]
