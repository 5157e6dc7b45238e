"""GPU augmentation of the BUS-BRA training batches and the model-input normalisation (train.py)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .config import IMAGENET_MEAN, IMAGENET_STD


def augment(img: torch.Tensor, mask: torch.Tensor, g: torch.Generator):
    """img, mask: (B, 1, S, S) float in [0, 1]. Geometric (shared by image and mask) + intensity transforms.
    No vertical flip (depth direction is physical); horizontal flip is (left/right breast views)."""
    b, dev = img.shape[0], img.device
    U = lambda lo, hi: lo + (hi - lo) * torch.rand(b, generator=g, device=dev)  # noqa: E731
    ang = U(-15, 15) * math.pi / 180
    zoom = torch.exp(U(math.log(0.8), math.log(1.3)))          # >1 zooms in
    aspect = torch.exp(U(-0.12, 0.12))
    shear = U(-0.08, 0.08)
    flip = torch.where(torch.rand(b, generator=g, device=dev) < 0.5, -1.0, 1.0)
    tx, ty = U(-0.12, 0.12), U(-0.12, 0.12)
    sx, sy = aspect.sqrt() / zoom, 1 / (aspect.sqrt() * zoom)
    cos, sin = torch.cos(ang), torch.sin(ang)
    theta = torch.stack([torch.stack([flip * sx * cos, -sy * sin + shear, tx], 1),
                         torch.stack([flip * sx * sin, sy * cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(img.shape), align_corners=False)
    img = F.grid_sample(img, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    mask = F.grid_sample(mask, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    v = lambda t: t.view(b, 1, 1, 1)  # noqa: E731
    # Intensity: gamma, contrast, brightness (per image).
    img = img.clamp(0, 1) ** v(torch.exp(U(math.log(0.7), math.log(1.4))))
    m = img.mean((1, 2, 3), keepdim=True)
    img = (img - m) * v(U(0.75, 1.3)) + m + v(U(-0.08, 0.08))
    # Blur (half of the batch-selected images, one sigma per batch) or sharpen-free speckle noise.
    sel = v((torch.rand(b, generator=g, device=dev) < 0.25).float())
    sigma = float(0.4 + 0.8 * torch.rand(1, generator=g, device=dev))
    k = torch.arange(-2, 3, device=dev, dtype=img.dtype)
    k = torch.exp(-k ** 2 / (2 * sigma ** 2)); k = k / k.sum()  # noqa: E702
    blurred = F.conv2d(F.conv2d(F.pad(img, (2, 2, 2, 2), mode="replicate"), k.view(1, 1, 1, 5)), k.view(1, 1, 5, 1))
    img = sel * blurred + (1 - sel) * img
    noise_sel = v((torch.rand(b, generator=g, device=dev) < 0.3).float())
    img = img * (1 + noise_sel * v(U(0.0, 0.15)) * torch.randn(img.shape, generator=g, device=dev))
    img = img + v(U(0.0, 0.02)) * torch.randn(img.shape, generator=g, device=dev)
    # Random erasing (25%): one rectangle of 2–12% of the area, filled with the image mean.
    s = img.shape[-1]
    er = torch.rand(b, generator=g, device=dev) < 0.25
    area = U(0.02, 0.12) * s * s
    ratio = torch.exp(U(-1.0, 1.0))
    hh, ww = (area * ratio).sqrt().clamp(4, s - 1), (area / ratio).sqrt().clamp(4, s - 1)
    y0, x0 = U(0, 1) * (s - hh), U(0, 1) * (s - ww)
    yy = torch.arange(s, device=dev).view(1, s, 1)
    xx = torch.arange(s, device=dev).view(1, 1, s)
    box = ((yy >= y0.view(b, 1, 1)) & (yy < (y0 + hh).view(b, 1, 1)) & (xx >= x0.view(b, 1, 1)) & (xx < (x0 + ww).view(b, 1, 1)))
    box = (box & er.view(b, 1, 1)).unsqueeze(1)
    img = torch.where(box, img.mean((1, 2, 3), keepdim=True).expand_as(img), img)
    return img.clamp(0, 1), mask


def to_model_input(img01: torch.Tensor) -> torch.Tensor:
    """(B, 1, S, S) in [0, 1] → (B, 3, S, S) grey replicated to RGB, ImageNet-normalised (the card's input)."""
    mean = torch.tensor(IMAGENET_MEAN, device=img01.device).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=img01.device).view(1, 3, 1, 1)
    return (img01.expand(-1, 3, -1, -1) - mean) / std
