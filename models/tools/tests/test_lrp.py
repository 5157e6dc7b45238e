"""The graph's MambaLRP output == Gradient×Input of the rule-modified PyTorch forward."""
import numpy as np
import onnx
import pytest
import torch

from conftest import needs_fixtures, rel
from vimlens import ort_runner
from vimlens.graph.explainer import build_explainer
from vimlens.lrp_ref import lrp_relevance

pytestmark = [needs_fixtures, pytest.mark.skipif(ort_runner.have_runtime() is None, reason="no ONNX runtime")]


def test_lrp_matches_modified_autograd(small, small_golden, tmp_path):
    model, cfg, sd = small
    path = tmp_path / "s.onnx"
    onnx.save(build_explainer({k: v.numpy() for k, v in sd.items()}, cfg, cfg.depth - 1), path)
    for i in range(2):
        img = small_golden["images"][i:i + 1]
        for cls in (int(small_golden[f"logits_{i}"].argmax()), 3):
            target = np.zeros(cfg.num_classes, np.float32)
            target[cls] = 1
            out = ort_runner.run(path, {"image": img, "target": target})
            ref = lrp_relevance(model, torch.from_numpy(img), cls).numpy()
            assert rel(out["lrp"], ref) < 1e-4
