"""Plain gradient of T = Σ_c target_c·logit_c with respect to the input image, for the gradient baselines
(gradient × input, integrated gradients, SmoothGrad; docs/methods/).

The backward of graph/backward.py continues below `gradFirstLayer` down to the token embeddings
x_0 = tokens + pos_embed. The patch embedding is a linear stride-16 projection, p_t = W·patch_t + b, so
∂T/∂patch_t = Wᵀ·∂T/∂x_0[t] exactly; rearranged, that is ∂T/∂image. Outputs:
  grad_image [3, H, W]  ∂T/∂image (normalised image space);
  grad_input [L]        Σ over the pixels of patch t of image·∂T/∂image (gradient × input per token; CLS 0),
                        = (p_t − b)·∂T/∂x_0[t].
"""
from __future__ import annotations

import numpy as np

from ..config import VimConfig
from .backward import layer_backward
from .builder import GraphBuilder
from .forward import LayerTensors


def input_gradient(g: GraphBuilder, cfg: VimConfig, layers: list[LayerTensors], g_low: str, grad_first_layer: int,
                   patches: str, patch_w: str) -> tuple[str, str]:
    """`g_low` = ∂T/∂x_{gf+1} (the lowest collected gradient); returns (grad_image, grad_input)."""
    d = g_low
    for i in range(grad_first_layer, -1, -1):
        d = g.add(d, layer_backward(g, cfg, layers[i], d))               # ∂T/∂x_i
    c, M, gr, P, C = cfg.cls_index, cfg.num_patches, cfg.grid, cfg.patch_size, cfg.in_chans
    d_patch = g.concat([g.slice(d, 0, c, 0), g.slice(d, c + 1, cfg.seq_len, 0)], 0)   # [M, D], CLS dropped
    d_pix = g.matmul(d_patch, patch_w)                                    # [M, C·P·P] = (Wᵀ·d)ᵀ per patch
    per_patch = g.rsum(g.mul(patches, d_pix), [1])                        # [M]
    zero = g.init("grad_input_cls", np.zeros(1, np.float32))
    grad_input = g.concat([g.slice(per_patch, 0, c, 0), zero, g.slice(per_patch, c, M, 0)], 0)
    # Inverse of the embedding's reshape [C, gr, P, gr, P] → transpose [1, 3, 0, 2, 4] → [M, C·P·P].
    grad_image = g.reshape(g.transpose(g.reshape(d_pix, [gr, gr, C, P, P]), [2, 0, 3, 1, 4]), [C, gr * P, gr * P])
    return grad_image, grad_input
