"""Numpy views of a Vim state dict, stacked per direction the way the graph uses them."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class LayerWeights:
    norm: np.ndarray        # [D]
    in_proj: np.ndarray     # [2E, D]
    out_proj: np.ndarray    # [D, E]
    conv_w: np.ndarray      # [2, E, K]   direction 0 = forward, 1 = backward
    conv_b: np.ndarray      # [2, E]
    x_proj: np.ndarray      # [2, R+2N, E]
    dt_w: np.ndarray        # [2, E, R]
    dt_b: np.ndarray        # [2, E]
    A: np.ndarray           # [2, E, N]   = −exp(A_log)
    Dskip: np.ndarray       # [2, E]


def layer_weights(sd: dict[str, np.ndarray], i: int) -> LayerWeights:
    p = lambda k: np.asarray(sd[f"layers.{i}.{k}"], dtype=np.float32)  # noqa: E731
    both = lambda k: np.stack([p(f"mixer.{k}"), p("mixer." + k.replace(".", "_b.", 1))])  # noqa: E731  conv1d.bias → conv1d_b.bias
    return LayerWeights(
        norm=p("norm.weight"), in_proj=p("mixer.in_proj.weight"), out_proj=p("mixer.out_proj.weight"),
        conv_w=np.stack([p("mixer.conv1d.weight")[:, 0], p("mixer.conv1d_b.weight")[:, 0]]),
        conv_b=both("conv1d.bias"), x_proj=both("x_proj.weight"), dt_w=both("dt_proj.weight"),
        dt_b=both("dt_proj.bias"),
        A=-np.exp(np.stack([p("mixer.A_log"), p("mixer.A_b_log")]).astype(np.float64)).astype(np.float32),
        Dskip=np.stack([p("mixer.D"), p("mixer.D_b")]),
    )
