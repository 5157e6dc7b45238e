"""Add the batch classifier graph to an already exported model, from the weights in its explainer graph.

    python -m vimlens.add_classifier models/vim-busbra-d12.json

For models whose checkpoint is not at hand (the default model's is not in the repository): the weights are
recovered from NAME.onnx (vimlens.recover), the classifier is built, and its logits are checked against the
explainer graph's on random inputs before NAME.classifier.onnx and the card's `classifierGraph` are written.
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
from .export import save_classifier
from .recover import recover

TOLERANCE = 1e-5   # max |Δlogit| / max |logit|: same maths, only the summation order of batched MatMuls differs


def check_against_explainer(explainer: Path, classifier: Path, classes: int, size: int, seed: int = 0) -> float:
    x = np.random.default_rng(seed).normal(size=(2, 3, size, size)).astype(np.float32)
    batch = ort_runner.run(classifier, {"image": x})["logits"]
    worst = 0.0
    for i in range(len(x)):
        ref = ort_runner.run(explainer, {"image": x[i:i + 1], "target": np.zeros(classes, np.float32)})["logits"]
        worst = max(worst, float(np.abs(batch[i] - ref).max() / np.abs(ref).max()))
    return worst


def add_classifier(card_path: Path) -> dict:
    card = json.loads(card_path.read_text())
    explainer = card_path.parent / card["file"]
    sd = recover(explainer, card["patchSize"], card["input"]["shape"][1])
    cfg = infer_config(sd)
    tmp, entry = save_classifier({k: v.numpy() for k, v in sd.items()}, cfg, card_path.parent, card["name"],
                                 {"mamba_lens_model": card["name"], "recovered_from_sha256": card["sha256"]})
    try:
        err = check_against_explainer(explainer, Path(tmp), len(card["classes"]), cfg.img_size)
        if not err <= TOLERANCE:
            raise CheckpointError(f"classifier logits differ from the explainer's by {err:.2e} (> {TOLERANCE})")
        card["classifierGraph"] = {**entry, "checkedAgainstExplainer": err}
        os.chmod(tmp, 0o644)
        os.replace(tmp, card_path.parent / entry["file"])
        card_path.write_text(json.dumps(card, indent=1) + "\n")
        return card["classifierGraph"]
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vimlens.add_classifier", description=__doc__.split("\n\n")[0])
    ap.add_argument("card", type=Path, help="model card (models/NAME.json) next to its explainer graph")
    a = ap.parse_args(argv)
    try:
        entry = add_classifier(a.card)
    except (CheckpointError, OSError, KeyError) as exc:
        print(f"add_classifier: {exc}", file=sys.stderr)
        return 2
    print(f"add_classifier: {entry['file']} ({entry['nodes']} nodes), logits within {entry['checkedAgainstExplainer']:.1e} of the explainer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
