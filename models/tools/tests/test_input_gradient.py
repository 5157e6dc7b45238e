"""∂T/∂image and gradient × input from the explainer graph (--input-gradient) against PyTorch autograd on
the reference model; the other outputs are unchanged by the option."""
import numpy as np
import onnx
import pytest
import torch

from conftest import needs_fixtures, rel
from vimlens import ort_runner
from vimlens.graph.explainer import build_explainer

pytestmark = [needs_fixtures, pytest.mark.skipif(ort_runner.have_runtime() is None, reason="no onnxruntime (Python) and no onnxruntime-node")]


@pytest.mark.parametrize("grad_first", [0, 2])
def test_input_gradient_matches_autograd(small, small_golden, tmp_path, grad_first):
    model, cfg, sd = small
    weights = {k: v.numpy() for k, v in sd.items()}
    path, plain = tmp_path / "g.onnx", tmp_path / "p.onnx"
    onnx.save(build_explainer(weights, cfg, grad_first, input_gradient=True), path)
    onnx.save(build_explainer(weights, cfg, grad_first), plain)
    img = small_golden["images"][:1]
    target = np.zeros(cfg.num_classes, np.float32)
    target[3] = 1
    out = ort_runner.run(path, {"image": img, "target": target})
    x = torch.from_numpy(img).clone().requires_grad_(True)
    (model(x)[0] * torch.from_numpy(target)).sum().backward()
    ref = x.grad[0].numpy()
    assert out["grad_image"].shape == ref.shape
    assert rel(out["grad_image"], ref) < 1e-4
    # Gradient × input summed over each 16×16 patch, CLS inserted at c* with 0.
    gi = (img[0] * ref).reshape(3, cfg.grid, cfg.patch_size, cfg.grid, cfg.patch_size).sum((0, 2, 4)).ravel()
    want = np.concatenate([gi[:cfg.cls_index], [0.0], gi[cfg.cls_index:]])
    assert rel(out["grad_input"], want) < 1e-4
    base = ort_runner.run(plain, {"image": img, "target": target})
    for k, v in base.items():
        np.testing.assert_allclose(out[k], v, rtol=0, atol=1e-6 * max(1.0, float(np.abs(v).max())), err_msg=k)
