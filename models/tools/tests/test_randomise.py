"""Cascading randomisation (vimlens.randomise): which tensors each step re-draws, and that the written
graphs change exactly what they should (head step: same hidden attention, different logits)."""
import json

import numpy as np
import pytest

from conftest import CONF, needs_fixtures
from vimlens import ort_runner
from vimlens.randomise import cascade_groups, randomise, write_cascade

pytestmark = needs_fixtures


def test_cascade_order_and_redraw(small):
    _, cfg, sd_t = small
    sd = {k: v.numpy() for k, v in sd_t.items()}
    names = [n for n, _ in cascade_groups(cfg)]
    assert names[0] == "head" and names[1] == f"block {cfg.depth - 1}" and names[-2] == "block 0" and names[-1] == "embedding"
    assert all(np.array_equal(sd[k], v) for k, v in randomise(sd, cfg, 0).items())
    one = randomise(sd, cfg, 1)
    changed = {k for k in sd if not np.array_equal(sd[k], one[k])}
    expected = {"head.weight", "head.bias", "norm_f.weight"}
    if sd["norm_f.weight"].std() == 0:  # a constant tensor (untrained norm weights) has nothing to re-draw
        expected.discard("norm_f.weight")
    assert changed == expected
    two = randomise(sd, cfg, 2)
    top = f"layers.{cfg.depth - 1}."
    assert all(not np.array_equal(sd[k], two[k]) for k in sd if k.startswith(top) and sd[k].std() > 0)
    assert all(np.array_equal(sd[k], two[k]) for k in sd if k.startswith("layers.0."))
    full = randomise(sd, cfg, len(names))
    w = "layers.0.mixer.in_proj.weight"
    assert not np.array_equal(full[w], sd[w])
    assert abs(full[w].std() - sd[w].std()) < 0.05 * sd[w].std() and abs(full[w].mean() - sd[w].mean()) < 0.05 * sd[w].std() + 1e-6


@pytest.mark.skipif(ort_runner.have_runtime() is None, reason="no onnxruntime (Python) and no onnxruntime-node")
def test_head_step_keeps_attention_changes_logits(small, small_golden, tmp_path):
    _, cfg, _ = small
    manifest = write_cascade(CONF / "vim_small_tokens_ckpt.pth", tmp_path, 0, 0, ["head", "embedding"])
    steps = json.loads(manifest.read_text())["steps"]
    assert [s["name"] for s in steps] == ["head", "embedding"] and steps[1]["randomised"][-1] == "embedding"
    trained = tmp_path / "trained.onnx"
    from vimlens.graph.explainer import build_explainer
    import onnx
    onnx.save(build_explainer({k: v.numpy() for k, v in small[2].items()}, cfg, 0), trained)
    feeds = {"image": small_golden["images"][:1], "target": np.eye(cfg.num_classes, dtype=np.float32)[0]}
    a = ort_runner.run(trained, feeds)
    b = ort_runner.run(tmp_path / steps[0]["file"], feeds)
    np.testing.assert_array_equal(a["hma_mean"], b["hma_mean"])
    assert not np.allclose(a["logits"], b["logits"])
    assert not np.allclose(a["grad_max_pos"], b["grad_max_pos"])
