"""Burned-in marks (caliper crosses, annotation text, scale ticks) in BUS-BRA images: a simple,
documented heuristic detector, an in-painting for the counterfactual check, and relevance shares.

Detector (at the PNG's own resolution, 8-bit grey I):
  1. background B = 15×15 median of I; T = I − B (local brightness excess).
  2. candidates: T ≥ 80 and I ≥ 150 (bright AND much brighter than the surrounding tissue: burned-in
     graphics are drawn in near-white, 1–3 px strokes).
  3. 8-connected components of the candidates; a component is kept as a mark when its bounding box is at
     most 40 px on each side (letters, digits, '+' / 'x' calipers, ruler ticks) and its peak T is ≥ 110
     (speckle grains rarely exceed their neighbourhood by that much). Long thin bright tissue interfaces
     (ligaments, skin line) fail the size test.
  4. kept pixels are dilated by 1 px (the anti-aliased halo of the strokes).
The mask is then carried to the model grid by the same 'stretch' resize (bilinear on the 0/1 mask,
kept where ≥ 0.25 so 1-px strokes survive down-scaling). Known errors (checked by eye on training
images only): bright speckle streaks in the grainiest images are sometimes flagged, and marks drawn
over bright tissue are sometimes missed, so shares below are approximate.

In-painting (counterfactual): mark pixels are replaced by B (the local median, i.e. the tissue
without the strokes).
The detector is numpy only (so the evaluation's mark shares run where torch is absent); the resize and
upsampling helpers use PIL / torch. Nothing here is used at training time.
"""
from __future__ import annotations

from collections import deque

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

MEDIAN_SIZE, EXCESS_MIN, BRIGHT_MIN, PEAK_MIN, MAX_SIDE = 15, 80, 150, 110, 40


def _median(img: np.ndarray, k: int) -> np.ndarray:
    """k×k median with edge replication (k odd: the exact middle value), in bands of rows to bound memory."""
    p = k // 2
    padded = np.pad(img.astype(np.float32), p, mode="edge")
    out = np.empty(img.shape, np.float32)
    band = max(1, 4_000_000 // (img.shape[1] * k * k))
    for y in range(0, img.shape[0], band):
        win = sliding_window_view(padded[y:y + band + 2 * p], (k, k))
        out[y:y + band] = np.median(win.reshape(*win.shape[:2], k * k), axis=-1)
    return out


def _dilate3(mask: np.ndarray) -> np.ndarray:
    """3×3 binary dilation (a 1-px halo), zero outside the image."""
    padded = np.pad(mask, 1)
    h, w = mask.shape
    return np.logical_or.reduce([padded[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3)])


def _components(cand: np.ndarray):
    h, w = cand.shape
    seen = np.zeros_like(cand, dtype=bool)
    for y0, x0 in zip(*np.nonzero(cand)):
        if seen[y0, x0]:
            continue
        q, pix = deque([(y0, x0)]), []
        seen[y0, x0] = True
        while q:
            y, x = q.popleft()
            pix.append((y, x))
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    yy, xx = y + dy, x + dx
                    if 0 <= yy < h and 0 <= xx < w and cand[yy, xx] and not seen[yy, xx]:
                        seen[yy, xx] = True
                        q.append((yy, xx))
        yield np.array(pix)


def detect_marks(img: np.ndarray) -> np.ndarray:
    """Bool mask (same size as the uint8 grey image) of burned-in marks (heuristic, see module doc)."""
    img = np.asarray(img)
    excess = img.astype(np.float32) - _median(img, MEDIAN_SIZE)
    cand = (excess >= EXCESS_MIN) & (img >= BRIGHT_MIN)
    keep = np.zeros_like(cand)
    for pix in _components(cand):
        ys, xs = pix[:, 0], pix[:, 1]
        if np.ptp(ys) + 1 <= MAX_SIDE and np.ptp(xs) + 1 <= MAX_SIDE and excess[ys, xs].max() >= PEAK_MIN:
            keep[ys, xs] = True
    return _dilate3(keep)


def inpaint_marks(img: np.ndarray, marks: np.ndarray) -> np.ndarray:
    out = np.asarray(img).copy()
    out[marks] = np.round(_median(img, MEDIAN_SIZE)[marks]).astype(np.uint8)
    return out


def to_grid(mask: np.ndarray, size: int) -> np.ndarray:
    """Bool mask → (size, size) bool through the 'stretch' resize (bilinear, ≥ 0.25)."""
    from PIL import Image
    m = Image.fromarray((mask.astype(np.float32) * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR)
    return np.asarray(m) >= 64


# -- relevance maps from the graph outputs (spec ALGORITHMS.md §3.1–3.4) ------------------------------

def rollout(vectors: np.ndarray, cls_index: int) -> np.ndarray:
    """Closed form of §3.1: p ← e_c; for l from last to first: p ← (p + Σp·r_l) / (1 + Σ r_l)."""
    p = np.zeros(vectors.shape[1], dtype=np.float64)
    p[cls_index] = 1
    for r in vectors[::-1]:
        p = (p + p.sum() * r) / (1 + r.sum())
    return p


def upsample_map(rho: np.ndarray, cls_index: int, grid: int, patch: int) -> np.ndarray:
    """CLS removed, clamped, grid×grid, bilinear ×patch (align_corners=False)."""
    import torch
    import torch.nn.functional as F
    v = np.clip(np.concatenate([rho[:cls_index], rho[cls_index + 1:]]), 0, None).reshape(1, 1, grid, grid)
    return F.interpolate(torch.from_numpy(v.astype(np.float32)), scale_factor=patch, mode="bilinear", align_corners=False)[0, 0].numpy()


def mamba_attribution(hma_pos_mean, hma_range, grad_max_pos, grad_first: int, cls_index: int) -> np.ndarray:
    """§3.4 with start layer = gradFirstLayer: f_l = (mean_e a⁺ / max a⁺) ⊙ minmax(max_k (∂T/∂h_l)⁺)."""
    fs = []
    for j, layer in enumerate(range(grad_first, hma_pos_mean.shape[0])):
        att = hma_pos_mean[layer] / max(float(hma_range[layer, 3]), 1e-12)
        s = grad_max_pos[j]
        s = (s - s.min()) / max(float(s.max() - s.min()), 1e-12)
        fs.append(att * s)
    return rollout(np.array(fs, dtype=np.float64), cls_index)


def raw_attention(hma_mean, hma_range, start: int) -> np.ndarray:
    """§3.2: mean over layers start.. of minmax-normalised mean_e a_l."""
    rows = [(hma_mean[l] - hma_range[l, 0]) / max(float(hma_range[l, 1] - hma_range[l, 0]), 1e-12) for l in range(start, hma_mean.shape[0])]
    return np.mean(rows, 0)
