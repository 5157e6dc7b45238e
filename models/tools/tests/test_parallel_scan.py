"""The GPU-shaped explainer graph (log-depth parallel scans, `export --gpu-variant`) computes what the
Scan graph computes: every output, on the official fixtures' first image, within float32 rounding."""
import numpy as np
import onnx
import pytest

from conftest import needs_fixtures, rel
from vimlens import ort_runner
from vimlens.graph.explainer import build_explainer

pytestmark = [needs_fixtures, pytest.mark.skipif(ort_runner.have_runtime() is None, reason="no onnxruntime (Python) and no onnxruntime-node")]


def _outputs(bundle, tmp_path, image, grad_first, parallel):
    _, cfg, sd = bundle
    path = tmp_path / f"{'parallel' if parallel else 'loop'}.onnx"
    proto = build_explainer({k: v.numpy() for k, v in sd.items()}, cfg, grad_first, parallel_scan=parallel)
    if parallel:
        assert not any(n.op_type in ("Scan", "Loop") for n in proto.graph.node)  # no per-token loop left
    onnx.save(proto, path)
    target = np.zeros(cfg.num_classes, np.float32)
    target[3] = 1
    return ort_runner.run(path, {"image": image, "target": target})


@pytest.mark.parametrize("which,grad_first", [("small", 0), ("tiny", 15)])
def test_parallel_scan_graph_equals_the_scan_graph(which, grad_first, request, tmp_path):
    bundle = request.getfixturevalue(which)
    golden = request.getfixturevalue(f"{which}_golden")
    image = golden["images"][0:1]
    loop = _outputs(bundle, tmp_path, image, grad_first, False)
    par = _outputs(bundle, tmp_path, image, grad_first, True)
    # The GPU-shaped graph also gives the head's input features (docs/GRAPH_CONTRACT.md): the classifier's
    # `features`, which the logits are an affine map of.
    assert set(par) == set(loop) | {"features"}
    for name, ref in loop.items():
        # 1e-5 of each output's largest value: the two differ only by the order of float32 additions.
        assert rel(par[name], ref) < 1e-5, name
    _, _, sd = bundle
    head_w, head_b = sd["head.weight"].numpy(), sd["head.bias"].numpy()
    assert par["features"].shape == (head_w.shape[1],)
    assert rel(par["features"] @ head_w.T + head_b, loop["logits"]) < 1e-5
