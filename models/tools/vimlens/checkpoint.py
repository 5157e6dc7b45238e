"""Load official Vim checkpoints (`{"model": state_dict}` .pth, or .safetensors) with a strict key and
shape check (spec §1.8). Errors name the first problem; nothing is written here."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import torch

from .config import VimConfig
from .vim import Vim


class CheckpointError(ValueError):
    """A checkpoint that is not a loadable Vim (bimamba v2, middle CLS) model."""


PER_LAYER = (
    "norm.weight", "mixer.A_log", "mixer.D", "mixer.A_b_log", "mixer.D_b", "mixer.in_proj.weight",
    "mixer.conv1d.weight", "mixer.conv1d.bias", "mixer.x_proj.weight", "mixer.dt_proj.weight", "mixer.dt_proj.bias",
    "mixer.conv1d_b.weight", "mixer.conv1d_b.bias", "mixer.x_proj_b.weight", "mixer.dt_proj_b.weight",
    "mixer.dt_proj_b.bias", "mixer.out_proj.weight",
)
GLOBAL = ("cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias", "head.weight", "head.bias", "norm_f.weight")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path.name}")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file  # optional dependency, present on the GPU machine
            return dict(load_file(str(path)))
        obj = torch.load(str(path), map_location="cpu")
    except CheckpointError:
        raise
    except Exception as exc:  # torch raises many types for truncated/corrupt zips and pickles
        raise CheckpointError(f"cannot read {path.name}: {type(exc).__name__}: {exc} (truncated or not a PyTorch checkpoint?)") from exc
    if isinstance(obj, dict) and "model" in obj and isinstance(obj["model"], dict):
        obj = obj["model"]  # official trainer format; optimizer/EMA entries are ignored (spec §1.8)
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise CheckpointError(f"{path.name} holds no state dict (expected {{'model': state_dict}} or a flat state dict)")
    return obj


def infer_config(sd: dict[str, torch.Tensor]) -> VimConfig:
    """Derive the architecture from tensor shapes; refuse anything that is not the Vim family."""
    for k in GLOBAL:
        if k not in sd:
            raise CheckpointError(f"not a Vim checkpoint: missing key '{k}'")
    if "layers.0.mixer.A_b_log" not in sd:
        raise CheckpointError("not a bimamba-v2 Vim checkpoint: missing key 'layers.0.mixer.A_b_log'")
    pw = sd["patch_embed.proj.weight"]
    if pw.ndim != 4 or pw.shape[2] != pw.shape[3]:
        raise CheckpointError(f"patch_embed.proj.weight has shape {tuple(pw.shape)}, expected (D, C, P, P)")
    embed_dim, in_chans, patch = int(pw.shape[0]), int(pw.shape[1]), int(pw.shape[2])
    seq_len = int(sd["pos_embed"].shape[1])
    grid = int(round((seq_len - 1) ** 0.5))
    if grid * grid != seq_len - 1:
        raise CheckpointError(f"pos_embed has {seq_len} tokens; expected a square patch grid plus one CLS token")
    depth = 1 + max(int(m.group(1)) for k in sd if (m := re.match(r"layers\.(\d+)\.", k)))
    a_log = sd["layers.0.mixer.A_log"]
    cfg = VimConfig(img_size=grid * patch, patch_size=patch, in_chans=in_chans, embed_dim=embed_dim, depth=depth,
                    num_classes=int(sd["head.weight"].shape[0]), d_state=int(a_log.shape[1]),
                    d_conv=int(sd["layers.0.mixer.conv1d.weight"].shape[-1]), expand=int(a_log.shape[0]) // embed_dim)
    if cfg.num_patches % 2:
        raise CheckpointError(f"{cfg.num_patches} patches: odd patch counts (e.g. stride-8 models) are not supported")
    return cfg


def expected_shapes(cfg: VimConfig) -> dict[str, tuple[int, ...]]:
    d, e, n, r, k = cfg.embed_dim, cfg.d_inner, cfg.d_state, cfg.dt_rank, cfg.d_conv
    shapes = {"cls_token": (1, 1, d), "pos_embed": (1, cfg.seq_len, d),
              "patch_embed.proj.weight": (d, cfg.in_chans, cfg.patch_size, cfg.patch_size),
              "patch_embed.proj.bias": (d,), "head.weight": (cfg.num_classes, d), "head.bias": (cfg.num_classes,),
              "norm_f.weight": (d,)}
    per = {"norm.weight": (d,), "mixer.A_log": (e, n), "mixer.D": (e,), "mixer.in_proj.weight": (2 * e, d),
           "mixer.conv1d.weight": (e, 1, k), "mixer.conv1d.bias": (e,), "mixer.x_proj.weight": (r + 2 * n, e),
           "mixer.dt_proj.weight": (e, r), "mixer.dt_proj.bias": (e,), "mixer.out_proj.weight": (d, e)}
    for i in range(cfg.depth):
        for name in PER_LAYER:
            base = name.replace("_b.", ".").replace("A_b_log", "A_log").replace("D_b", "D")
            shapes[f"layers.{i}.{name}"] = per[base]
    return shapes


def check_state_dict(sd: dict[str, torch.Tensor], cfg: VimConfig) -> None:
    want = expected_shapes(cfg)
    for k, shape in want.items():
        if k not in sd:
            raise CheckpointError(f"missing key '{k}' (expected shape {shape})")
        if tuple(sd[k].shape) != shape:
            raise CheckpointError(f"shape mismatch at '{k}': checkpoint {tuple(sd[k].shape)}, expected {shape}")
    extra = sorted(set(sd) - set(want))
    if extra:
        raise CheckpointError(f"unexpected key '{extra[0]}' ({len(extra)} unexpected in all): not this Vim variant")


def load_vim(path: Path) -> tuple[Vim, VimConfig, dict[str, torch.Tensor]]:
    """Read, validate and load a checkpoint into the reference model (float32, eval mode)."""
    sd = {k: v.float() for k, v in read_state_dict(path).items()}
    cfg = infer_config(sd)
    check_state_dict(sd, cfg)
    model = Vim(cfg)
    model.load_state_dict(sd, strict=True)
    return model.eval(), cfg, sd
