"""The shipped model's explainer graph with the input-gradient outputs added (graph/input_gradient.py), beside
a copy of its card, for evaluating the gradient baselines before the shipped graph carries those outputs.

    python -m vimlens.gradient_variant models/vim-busbra-d12.json CHECKPOINT --out DIR

CHECKPOINT holds the shipped weights (for the default model: `python -m vimlens.recover`). The card copy keeps
every field of the original (input, classes, data split, …) and changes only id, name, file, sha256 and outputs;
the matrices graph is linked into DIR; the GPU graph and the batch classifiers (Scan and GPU-shaped) are rebuilt
there, their weights read from the new graph.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

from .checkpoint import CheckpointError, load_vim
from .export import MEANINGS
from .graph.explainer import build_explainer, output_shapes
from .variants import save_variant


def write_variant(card_path: Path, ckpt: Path, out: Path) -> Path:
    card = json.loads(card_path.read_text())
    _, cfg, sd = load_vim(ckpt)
    gf = card["gradFirstLayer"]
    name = f"{card.get('id', card['name'])}-grad"
    out.mkdir(parents=True, exist_ok=True)
    proto = build_explainer({k: v.numpy() for k, v in sd.items()}, cfg, gf, input_gradient=True, metadata={"mamba_lens_model": name})
    explainer_bytes = proto.SerializeToString()
    (out / f"{name}.onnx").write_bytes(explainer_bytes)
    shapes = output_shapes(cfg, gf, input_gradient=True)
    card.update({"id": name, "name": name, "file": f"{name}.onnx", "default": False,
                 "sha256": hashlib.sha256(explainer_bytes).hexdigest(),
                 "outputs": {k: {"shape": v, "meaning": MEANINGS[k]} for k, v in shapes.items()}})
    # The original's forward and GPU graphs lack the new outputs, and its variants read their weights from
    # the original explainer file (variants.py): the copy gets its own GPU graph (with the input-gradient
    # outputs) and classifiers, each reading its weights from this graph. The forward graph is dropped: it
    # serves class-agnostic requests, which the evaluation of gradient baselines does not make.
    kinds = [kind for kind, has in (("gpu", "gpuGraph" in card), ("classifier", "classifierGraph" in card),
                                    ("gpu-classifier", "classifierGraph" in card or "gpuClassifierGraph" in card)) if has]
    for key in ("forwardGraph", "gpuGraph", "classifierGraph", "gpuClassifierGraph"):
        card.pop(key, None)
    weights = {k: v.numpy() for k, v in sd.items()}
    for kind in kinds:
        tmp, key, entry = save_variant(kind, weights, cfg, gf, True, out, name, explainer_bytes, {"mamba_lens_model": name})
        os.chmod(tmp, 0o644)
        os.replace(tmp, out / entry["file"])
        card[key] = entry
    f = card.get("matricesGraph", {}).get("file") if isinstance(card.get("matricesGraph"), dict) else card.get("matricesGraph")
    if isinstance(f, str) and not (out / f).exists():
        os.symlink((card_path.parent / f).resolve(), out / f)
    (out / f"{name}.json").write_text(json.dumps(card, indent=1) + "\n")
    return out / f"{name}.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="vimlens.gradient_variant", description=__doc__.split("\n\n")[0])
    ap.add_argument("card", type=Path)
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    try:
        print(f"wrote {write_variant(a.card, a.checkpoint, a.out)}")
    except (CheckpointError, ValueError, OSError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
