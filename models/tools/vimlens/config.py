"""Architecture of the Vim family (spec ALGORITHMS.md §1), inferred from a state dict so that any
depth/width/image size/patch/class count loads through one code path."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass


# ImageNet normalisation: the input convention of the official Vim checkpoints and of every model we export.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class VimConfig:
    img_size: int = 224
    patch_size: int = 16
    in_chans: int = 3
    embed_dim: int = 192
    depth: int = 24
    num_classes: int = 1000
    d_state: int = 16
    d_conv: int = 4
    expand: int = 2
    rms_eps: float = 1e-5

    @property
    def d_inner(self) -> int:
        return self.expand * self.embed_dim

    @property
    def dt_rank(self) -> int:
        return math.ceil(self.embed_dim / 16)

    @property
    def grid(self) -> int:
        return self.img_size // self.patch_size

    @property
    def num_patches(self) -> int:
        return self.grid * self.grid

    @property
    def seq_len(self) -> int:
        return self.num_patches + 1

    @property
    def cls_index(self) -> int:
        # Middle CLS token: c* = M // 2, computed from the actual patch count (spec §1.3).
        return self.num_patches // 2

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(d_inner=self.d_inner, dt_rank=self.dt_rank, grid=self.grid, seq_len=self.seq_len, cls_index=self.cls_index)
        return d

    @staticmethod
    def from_dict(d: dict) -> "VimConfig":
        keys = VimConfig.__dataclass_fields__.keys()
        return VimConfig(**{k: d[k] for k in keys if k in d})
