"""Add variant graphs (the batch classifier by default) to an already exported model, from its explainer graph.

    python -m vimlens.add_classifier models/vim-busbra-d12.json [--variant classifier] [--variant forward] [--variant gpu] [--variant gpu-classifier]

For models whose checkpoint is not at hand (the default model's is not in the repository): the weights are
recovered from NAME.onnx (vimlens.recover; every weight round-trips to the same bytes), each variant is built
with the card's gradFirstLayer, its shared weights point into NAME.onnx itself (variants.py), and its outputs
are checked against the explainer graph's on random inputs before NAME.<variant>.onnx and the card's entry are
written. The explainer graph and every other card field stay as they are.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

from . import ort_runner
from .checkpoint import CheckpointError, infer_config
from .recover import recover
from .variants import VARIANTS, save_variant

TOLERANCE = 1e-5   # max |Δ| / max |explainer output|: same maths, only summation orders (and the GPU graph's scan) differ


def check_against_explainer(explainer: Path, variant: Path, kind: str, classes: int, size: int, seed: int = 0) -> float:
    """Largest difference of the variant's outputs from the explainer's (relative to the largest explainer value)."""
    x = np.random.default_rng(seed).normal(size=(2, 3, size, size)).astype(np.float32)
    target = np.zeros(classes, np.float32)
    worst = 0.0
    if kind in ("classifier", "gpu-classifier"):
        batch = ort_runner.run(variant, {"image": x})["logits"]
        for i in range(len(x)):
            ref = ort_runner.run(explainer, {"image": x[i:i + 1], "target": target})["logits"]
            worst = max(worst, float(np.abs(batch[i] - ref).max() / np.abs(ref).max()))
        return worst
    ref = ort_runner.run(explainer, {"image": x[:1], "target": target})
    got = ort_runner.run(variant, {"image": x[:1]} if kind == "forward" else {"image": x[:1], "target": target})
    for name, value in got.items():
        if name not in ref:  # the GPU graph's `features` (the head's input) has no explainer counterpart
            continue
        scale = max(float(np.abs(ref[name]).max()), 1e-30)
        worst = max(worst, float(np.abs(value - ref[name]).max()) / scale)
    return worst


def add_variants(card_path: Path, kinds: list[str]) -> dict[str, dict]:
    card = json.loads(card_path.read_text())
    explainer = card_path.parent / card["file"]
    explainer_bytes = explainer.read_bytes()
    sd = recover(explainer, card["patchSize"], card["input"]["shape"][1])
    weights = {k: v.numpy() for k, v in sd.items()}
    cfg = infer_config(sd)
    metadata = {"mamba_lens_model": card["name"], "recovered_from_sha256": card["sha256"]}
    written: dict[str, dict] = {}
    for kind in kinds:
        tmp, key, entry = save_variant(kind, weights, cfg, card["gradFirstLayer"], "grad_image" in card["outputs"],
                                       card_path.parent, card["name"], explainer_bytes, metadata)
        try:
            err = check_against_explainer(explainer, Path(tmp), kind, len(card["classes"]), cfg.img_size)
            if not err <= TOLERANCE:
                raise CheckpointError(f"{kind} graph outputs differ from the explainer's by {err:.2e} (> {TOLERANCE})")
            card[key] = written[key] = {**entry, "checkedAgainstExplainer": err}
            os.chmod(tmp, 0o644)
            os.replace(tmp, card_path.parent / entry["file"])
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    card_path.write_text(json.dumps(card, indent=1) + "\n")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vimlens.add_classifier", description=__doc__.split("\n\n")[0])
    ap.add_argument("card", type=Path, help="model card (models/NAME.json) next to its explainer graph")
    ap.add_argument("--variant", action="append", choices=list(VARIANTS), help="graph to (re)build; repeatable (default: classifier)")
    a = ap.parse_args(argv)
    try:
        written = add_variants(a.card, a.variant or ["classifier"])
    except (CheckpointError, OSError, KeyError) as exc:
        print(f"add_classifier: {exc}", file=sys.stderr)
        return 2
    for key, entry in written.items():
        print(f"add_classifier: {entry['file']} ({entry['nodes']} nodes, {entry.get('weightsFrom', {}).get('bytes', 0)} bytes of "
              f"weights read from {entry.get('weightsFrom', {}).get('file', '-')}), outputs within {entry['checkedAgainstExplainer']:.1e} of the explainer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
