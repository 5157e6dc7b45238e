"""The forward-only explainer variant (export --forward-variant): same outputs as the full graph, minus
what needs the target; no target input."""
import hashlib
import json

import numpy as np
import onnx
import pytest

from conftest import CONF, needs_fixtures, rel
from vimlens import ort_runner
from vimlens.export import export
from vimlens.graph.explainer import FORWARD_ONLY_DROPS, build_explainer

pytestmark = [needs_fixtures, pytest.mark.skipif(ort_runner.have_runtime() is None, reason="no onnxruntime (Python) and no onnxruntime-node")]


def test_forward_variant_equals_full_graph(small, small_golden, tmp_path):
    _, cfg, sd = small
    weights = {k: v.numpy() for k, v in sd.items()}
    full, fwd = tmp_path / "full.onnx", tmp_path / "fwd.onnx"
    onnx.save(build_explainer(weights, cfg, 0), full)
    proto = build_explainer(weights, cfg, 0, forward_only=True)
    onnx.save(proto, fwd)
    assert [i.name for i in proto.graph.input] == ["image"]
    img = small_golden["images"][:1]
    a = ort_runner.run(full, {"image": img, "target": np.zeros(cfg.num_classes, np.float32)})
    b = ort_runner.run(fwd, {"image": img})
    assert set(b) == set(a) - set(FORWARD_ONLY_DROPS)
    for k, v in b.items():
        assert rel(v, a[k]) < 1e-6, k


def test_export_writes_the_variant_into_the_card(tmp_path):
    _, card_path = export(CONF / "vim_small_tokens_ckpt.pth", "s", tmp_path, 0, None, {}, forward_variant=True)
    card = json.loads(card_path.read_text())
    fg = card["forwardGraph"]
    assert (tmp_path / fg["file"]).is_file() and len(fg["sha256"]) == 64
    assert "logits" in fg["outputs"] and not set(fg["outputs"]) & set(FORWARD_ONLY_DROPS)
    assert set(fg["outputs"]) <= set(card["outputs"])
    # Every file the card names carries the sha256 of the file written (the app checks each before use).
    for entry in (card, fg, card["matricesGraph"]):
        assert entry["sha256"] == hashlib.sha256((tmp_path / entry["file"]).read_bytes()).hexdigest(), entry["file"]
