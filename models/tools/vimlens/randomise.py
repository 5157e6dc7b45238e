"""Cascading model-parameter randomisation (Adebayo et al., "Sanity checks for saliency maps", 2018) as
explainer graphs, for the randomisation test of `mamba-lens eval --sanity-cascade DIR`.

    python -m vimlens.randomise CHECKPOINT --out DIR [--seed 0] [--steps head,11,10,...,0,embedding]

Step k of the cascade re-draws the parameters of the first k groups, top of the network first: the head
(head weight/bias and the final norm), then blocks depth−1 … 0, then the embedding (patch projection,
CLS token, positional embedding). A re-drawn tensor gets i.i.d. Gaussian values with the trained tensor's
own mean and standard deviation, so scales (and the scan's stability: A = −exp(A_log)) stay plausible
while everything learned is gone. Writes one explainer graph per step (`step-NN.onnx`, same outputs and
gradient layers as the shipped graph) and `cascade.json` listing them in order.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnx

from .checkpoint import CheckpointError, load_vim
from .config import VimConfig
from .graph.explainer import build_explainer

HEAD = ("head.weight", "head.bias", "norm_f.weight")
EMBEDDING = ("patch_embed.proj.weight", "patch_embed.proj.bias", "cls_token", "pos_embed")


def cascade_groups(cfg: VimConfig) -> list[tuple[str, list[str]]]:
    """(name, key prefixes) per cascade step, top of the network first."""
    groups = [("head", list(HEAD))]
    groups += [(f"block {i}", [f"layers.{i}."]) for i in range(cfg.depth - 1, -1, -1)]
    groups.append(("embedding", list(EMBEDDING)))
    return groups


def redraw(value: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """I.i.d. Gaussian with the tensor's own mean and std (a constant tensor stays constant)."""
    return (rng.standard_normal(value.shape) * value.std() + value.mean()).astype(np.float32)


def randomise(sd: dict[str, np.ndarray], cfg: VimConfig, steps: int, seed: int = 0) -> dict[str, np.ndarray]:
    """A copy of `sd` with the first `steps` cascade groups re-drawn (0 = unchanged)."""
    rng = np.random.default_rng(seed)
    out = dict(sd)
    for _, prefixes in cascade_groups(cfg)[:steps]:
        for k in sorted(out):
            if any(k == p or (p.endswith(".") and k.startswith(p)) for p in prefixes):
                out[k] = redraw(out[k], rng)
    return out


def write_cascade(ckpt: Path, out: Path, grad_first: int, seed: int, only: list[str] | None, input_gradient: bool = False) -> Path:
    _, cfg, sd_t = load_vim(ckpt)
    sd = {k: v.numpy() for k, v in sd_t.items()}
    groups = cascade_groups(cfg)
    names = [g[0] for g in groups]
    out.mkdir(parents=True, exist_ok=True)
    steps = []
    for k in range(1, len(groups) + 1):
        # `only` keeps the written graphs few (CPU time); the cascade itself stays cumulative.
        if only is not None and names[k - 1] not in only:
            continue
        proto = build_explainer(randomise(sd, cfg, k, seed), cfg, grad_first, input_gradient=input_gradient,
                                metadata={"mamba_lens_model": f"randomised-{k}", "randomised": ",".join(names[:k])})
        file = f"step-{k:02d}.onnx"
        onnx.save(proto, str(out / file))
        steps.append({"name": names[k - 1], "file": file, "randomised": names[:k]})
        print(f"wrote {file}: {names[k - 1]}", flush=True)
    manifest = out / "cascade.json"
    manifest.write_text(json.dumps({"checkpoint": ckpt.name, "seed": seed, "rule": "iid Gaussian with each tensor's mean and std",
                                    "steps": steps}, indent=1) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="vimlens.randomise", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--grad-first-layer", type=int, required=True, help="as in the shipped card (gradFirstLayer)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--steps", help="comma-separated step names to write (default: all), e.g. head,block 11,block 5,embedding")
    ap.add_argument("--input-gradient", action="store_true", help="graphs with the input-gradient outputs (gradient baselines)")
    a = ap.parse_args(argv)
    try:
        only = [s.strip() for s in a.steps.split(",")] if a.steps else None
        print(f"wrote {write_cascade(a.checkpoint, a.out, a.grad_first_layer, a.seed, only, a.input_gradient)}")
    except (CheckpointError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
