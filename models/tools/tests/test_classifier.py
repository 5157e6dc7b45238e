"""The batch classifier graph and the weight recovery it is built from (for models without a checkpoint)."""
import numpy as np
import onnx
import pytest

from conftest import needs_fixtures, rel
from vimlens import ort_runner
from vimlens.graph.classifier import build_classifier
from vimlens.graph.explainer import build_explainer
from vimlens.recover import recover, recover_state_dict

pytestmark = [needs_fixtures, pytest.mark.skipif(ort_runner.have_runtime() is None, reason="no onnxruntime (Python) and no onnxruntime-node")]


def test_recover_returns_the_checkpoint(small):
    """Every checkpoint tensor comes back from the explainer graph's initializers: bitwise, except A_log
    (the graph holds A = −exp(A_log) in float32; log(−A) is exact to float32 rounding)."""
    _, cfg, sd = small
    proto = build_explainer({k: v.numpy() for k, v in sd.items()}, cfg, 0)
    back = recover_state_dict(proto, cfg.patch_size, cfg.in_chans)
    assert set(back) == set(sd)
    for k, v in sd.items():
        assert back[k].shape == v.shape, k
        tol = 1e-6 if "A_" in k and k.endswith("log") else 0.0
        assert rel(back[k].numpy(), v.numpy()) <= tol, k


def test_recover_refuses_a_graph_without_weights(tmp_path):
    from onnx import helper, TensorProto
    g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    p = tmp_path / "other.onnx"
    onnx.save(helper.make_model(g), p)
    with pytest.raises(ValueError, match="not a Mamba Lens explainer graph"):
        recover(p)


def test_classifier_matches_explainer_and_is_batch_independent(small, small_golden, tmp_path):
    """logits == the explainer's (and the official fixture's); features are the head's input; a batch gives
    each image the same answer it gets alone."""
    _, cfg, sd = small
    weights = {k: v.numpy() for k, v in sd.items()}
    cls_path, exp_path = tmp_path / "c.onnx", tmp_path / "e.onnx"
    onnx.save(build_classifier(weights, cfg), cls_path)
    onnx.save(build_explainer(weights, cfg, 0, forward_only=True), exp_path)
    images = small_golden["images"]                                      # [2, 3, 64, 64]
    batch = np.concatenate([images, images[::-1], images[:1] * 0.5])     # 5 images, duplicates in other slots
    out = ort_runner.run(cls_path, {"image": batch})
    assert out["logits"].shape == (5, cfg.num_classes) and out["features"].shape == (5, cfg.embed_dim)
    for i in range(2):
        assert rel(out["logits"][i], small_golden[f"logits_{i}"][0]) < 1e-5
        assert rel(out["logits"][i], ort_runner.run(exp_path, {"image": images[i:i + 1]})["logits"]) < 1e-5
        assert rel(out["logits"][3 - i], out["logits"][i]) < 1e-6
    head_w, head_b = weights["head.weight"], weights["head.bias"]
    assert rel(out["features"] @ head_w.T + head_b, out["logits"]) < 1e-5
    single = ort_runner.run(cls_path, {"image": batch[4:5]})
    assert rel(single["logits"][0], out["logits"][4]) < 1e-6


def test_parallel_scan_classifier_equals_the_scan_classifier(small, small_golden, tmp_path):
    """The GPU-shaped classifier (no Scan; log-depth scan, time-major) gives the Scan classifier's logits and
    features for every image of a batch, within float32 summation order."""
    _, cfg, sd = small
    weights = {k: v.numpy() for k, v in sd.items()}
    par = build_classifier(weights, cfg, parallel_scan=True)
    assert not any(n.op_type in ("Scan", "Loop") for n in par.graph.node)
    onnx.save(build_classifier(weights, cfg), tmp_path / "scan.onnx")
    onnx.save(par, tmp_path / "par.onnx")
    images = small_golden["images"]
    batch = np.concatenate([images, images[::-1] * 0.5])                 # 4 images
    ref, got = (ort_runner.run(tmp_path / f, {"image": batch}) for f in ("scan.onnx", "par.onnx"))
    for name in ("logits", "features"):
        assert rel(got[name], ref[name]) < 1e-5, name
