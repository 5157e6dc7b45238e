"""Recover an official-format Vim checkpoint from a Mamba Lens explainer graph.

    python -m vimlens.recover models/vim-busbra-d12.onnx --out .work/vim-busbra-d12.pt

The default model's training checkpoint is not in the repository (only its graph is), yet new variants of
it (the batch classifier graph, randomised-layer graphs for the sanity test) must be built from exactly the
shipped weights. The graph builder names every weight initializer after its role (`patch_w_6`, `l3_x_proj_40`,
…), so each one maps back to its checkpoint key; the inverse of each transform in graph/weights.py and
graph/explainer.py is applied. A = −exp(A_log) is inverted as A_log = log(−A): exact up to float32 rounding
(the re-exported graph's A equals the original to ≤ 1 ulp). `verify` re-exports and compares logits.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .checkpoint import CheckpointError

_LAYER = re.compile(r"^l(\d+)_(norm|in_proj|out_proj|conv_w\d+|conv_b|x_proj|dt_w|dt_b|A_ne|D)_\d+$")
_GLOBAL = re.compile(r"^(patch_w|patch_b|cls_token|pos_embed|norm_f|head_w|head_b)_\d+$")


def _by_role(proto: onnx.ModelProto) -> tuple[dict[str, np.ndarray], dict[int, dict[str, np.ndarray]]]:
    glob: dict[str, np.ndarray] = {}
    layers: dict[int, dict[str, np.ndarray]] = {}
    for t in proto.graph.initializer:
        if m := _GLOBAL.match(t.name):
            glob[m.group(1)] = numpy_helper.to_array(t)
        elif m := _LAYER.match(t.name):
            layers.setdefault(int(m.group(1)), {})[m.group(2)] = numpy_helper.to_array(t)
    return glob, layers


def recover_state_dict(proto: onnx.ModelProto, patch_size: int, in_chans: int) -> dict[str, torch.Tensor]:
    """The checkpoint keys of spec §1.8, from the initializers of an explainer (or forward-variant) graph."""
    glob, layers = _by_role(proto)
    missing = [k for k in ("patch_w", "patch_b", "cls_token", "pos_embed", "norm_f", "head_w", "head_b") if k not in glob]
    if missing or not layers:
        raise CheckpointError(f"not a Mamba Lens explainer graph: no initializer for {', '.join(missing) or 'any layer'}")
    D = glob["patch_w"].shape[0]
    sd: dict[str, np.ndarray] = {
        "patch_embed.proj.weight": glob["patch_w"].reshape(D, in_chans, patch_size, patch_size),
        "patch_embed.proj.bias": glob["patch_b"], "cls_token": glob["cls_token"].reshape(1, 1, D),
        "pos_embed": glob["pos_embed"].reshape(1, -1, D), "norm_f.weight": glob["norm_f"],
        "head.weight": glob["head_w"], "head.bias": glob["head_b"],
    }
    for i in sorted(layers):
        w = layers[i]
        K = sum(1 for k in w if k.startswith("conv_w"))
        conv = np.stack([w[f"conv_w{k}"][:, 0, :] for k in range(K)], axis=-1)      # [2, E, K]
        A_log = np.log(-w["A_ne"].transpose(0, 2, 1).astype(np.float64)).astype(np.float32)   # [2, E, N]
        p = f"layers.{i}."
        sd.update({
            p + "norm.weight": w["norm"], p + "mixer.in_proj.weight": w["in_proj"], p + "mixer.out_proj.weight": w["out_proj"],
            p + "mixer.A_log": A_log[0], p + "mixer.A_b_log": A_log[1],
            p + "mixer.D": w["D"][0, 0], p + "mixer.D_b": w["D"][1, 0],
        })
        for d, suffix in ((0, ""), (1, "_b")):
            sd.update({
                p + f"mixer.conv1d{suffix}.weight": conv[d][:, None, :], p + f"mixer.conv1d{suffix}.bias": w["conv_b"][d, 0],
                p + f"mixer.x_proj{suffix}.weight": w["x_proj"][d], p + f"mixer.dt_proj{suffix}.weight": w["dt_w"][d],
                p + f"mixer.dt_proj{suffix}.bias": w["dt_b"][d, 0],
            })
    return {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in sd.items()}


def recover(graph: Path, patch_size: int = 16, in_chans: int = 3) -> dict[str, torch.Tensor]:
    try:
        proto = onnx.load(str(graph))
    except Exception as exc:  # onnx raises DecodeError and friends for non-ONNX files
        raise CheckpointError(f"cannot read {Path(graph).name} as ONNX: {exc}") from exc
    return recover_state_dict(proto, patch_size, in_chans)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vimlens.recover", description=__doc__.split("\n\n")[0])
    ap.add_argument("graph", type=Path, help="explainer graph (NAME.onnx) exported by vimlens.export")
    ap.add_argument("--out", type=Path, required=True, help="checkpoint to write ({'model': state_dict}, official format)")
    ap.add_argument("--patch-size", type=int, default=16)
    a = ap.parse_args(argv)
    try:
        sd = recover(a.graph, a.patch_size)
    except CheckpointError as exc:
        print(f"recover: {exc}", file=sys.stderr)
        return 2
    a.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": sd}, str(a.out))
    print(f"recover: {len(sd)} tensors -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
