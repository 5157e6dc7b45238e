"""The ONNX explainer graph, run with onnxruntime, vs the official fixtures and the PyTorch reference."""
import numpy as np
import onnx
import pytest
import torch

from conftest import needs_fixtures, rel
from vimlens import ort_runner
from vimlens import reference_xai as rx
from vimlens.graph.explainer import build_explainer

pytestmark = [needs_fixtures, pytest.mark.skipif(ort_runner.have_runtime() is None, reason="no onnxruntime (Python) and no onnxruntime-node")]


def _build(bundle, tmp_path_factory, grad_first, name):
    _, cfg, sd = bundle
    path = tmp_path_factory.mktemp("graphs") / f"{name}.onnx"
    onnx.save(build_explainer({k: v.numpy() for k, v in sd.items()}, cfg, grad_first, debug=True), path)
    return path


def _run(path, image, n_classes, cls):
    target = np.zeros(n_classes, np.float32)
    target[cls] = 1
    return ort_runner.run(path, {"image": image, "target": target})


@pytest.fixture(scope="module")
def tiny_runs(tiny, tiny_golden, tmp_path_factory):
    # Gradients from layer 0 on, so that every layer can be checked against the official gradients.
    path = _build(tiny, tmp_path_factory, 0, "tiny")
    return [_run(path, tiny_golden["images"][i:i + 1], 1000, int(tiny_golden["logits"][i].argmax())) for i in range(3)]


@pytest.fixture(scope="module")
def small_runs(small, small_golden, tmp_path_factory):
    path = _build(small, tmp_path_factory, 0, "small")
    return [_run(path, small_golden["images"][i:i + 1], 10, int(small_golden[f"logits_{i}"].argmax())) for i in range(2)]


def _minmax(x):
    return (x - x.min()) / (x.max() - x.min())


def _rollout(vectors, c):
    p = np.zeros(vectors[0].shape[0])
    p[c] = 1
    for r in vectors[::-1]:
        p = (p + p.sum() * r) / (1 + r.sum())
    return p


def test_logits_and_official_vectors(tiny_runs, tiny_golden):
    for i, out in enumerate(tiny_runs):
        assert rel(out["logits"], tiny_golden["logits"][i]) < 1e-4
        assert rel(out["hma_mean"], tiny_golden[f"xai_vec_chanmean_{i}"]) < 1e-4
    full = tiny_golden["xai_vec_full_0_layers0_5_23"]
    for k, layer in enumerate([0, 5, 23]):
        assert rel(tiny_runs[0]["hma_full"][layer].T, full[k]) < 1e-4


def test_official_maps_from_graph_outputs(tiny_runs, tiny_golden):
    """Raw-Attention, Mamba-Rollout (spec §3.2, §3.3) and Mamba-Attribution (§3.4), recomputed from the graph's
    own taps: attention vectors and gradients (s_l = max_k (∂T/∂h_l)⁺ from our backward pass)."""
    layers = range(15, 24)
    for i, out in enumerate(tiny_runs):
        m, rng = out["hma_mean"], out["hma_range"]
        raw = np.mean([(m[l] - rng[l, 0]) / (rng[l, 1] - rng[l, 0]) for l in layers], 0)
        assert rel(np.maximum(np.delete(raw, 98), 0), tiny_golden[f"generate_raw_attn_{i}"][0]) < 1e-3
        roll = _rollout([m[l] for l in layers], 98)
        assert rel(np.maximum(np.delete(roll, 98), 0), tiny_golden[f"generate_rollout_{i}"][0]) < 1e-3
        s = out["grad_max_pos"]
        f = [((out["hma_pos_mean"][l] - rng[l, 2]) / (rng[l, 3] - rng[l, 2])) * _minmax(s[l]) for l in layers]
        assert rel(np.maximum(np.delete(_rollout(f, 98), 98), 0), tiny_golden[f"generate_mamba_attr_{i}"][0]) < 1e-3


def test_gradients_match_official_every_layer(tiny_runs, tiny_golden):
    """∂T/∂h_l from the hand-written backward == the official hook's gradient, all 24 layers, 3 images
    (fixture corrected 2026-12-06; relative per layer, tolerance 1e-3 from the fixtures README)."""
    for i, out in enumerate(tiny_runs):
        assert out["grad"].shape == (24, 197, 192)
        for layer in range(24):
            assert rel(out["grad"][layer], tiny_golden[f"resid_grad_{i}"][layer]) < 1e-3, (i, layer)
        assert rel(out["grad_max_pos"], np.maximum(out["grad"], 0).max(2)) < 1e-6


def test_gradients_match_autograd(tiny, tiny_runs, tiny_golden):
    """The same gradients == PyTorch autograd on our own reference model (an independent second check)."""
    model, _, _ = tiny
    hs = []
    logits = model(torch.from_numpy(tiny_golden["images"][0:1]), hs)
    logits[0, int(tiny_golden["logits"][0].argmax())].backward()
    for layer in range(24):
        assert rel(tiny_runs[0]["grad"][layer], hs[layer].grad[0].numpy()) < 1e-4, layer


def test_true_row_and_uia_vs_loop_reference(small, small_runs, small_golden):
    model, cfg, _ = small
    c = cfg.cls_index
    for i, out in enumerate(small_runs):
        factors = rx.layer_factors(model, torch.from_numpy(small_golden["images"][i:i + 1]))
        for layer, (fd, bd) in enumerate(factors):
            off = rx.combine(rx.cls_rows(fd, c)[0], rx.cls_rows(bd, c)[0])
            true = rx.combine(rx.cls_rows(fd, c)[1], rx.cls_rows(bd, c)[1])
            uia = rx.combine(rx.uia_vector(fd, c), rx.uia_vector(bd, c))
            for name, ref in (("hma", off), ("true", true), ("uia", uia)):
                assert rel(out[f"{name}_full"][layer].T, ref) < 1e-4, (name, layer)
                pos = np.maximum(ref, 0)
                assert rel(out[f"{name}_pos_mean"][layer], pos.mean(0)) < 1e-4
                assert rel(out[f"{name}_range"][layer], [ref.min(), ref.max(), pos.min(), pos.max()]) < 1e-4
            assert rel(out["gate"][layer], fd["gate"]) < 1e-5
            assert rel(out["conv_sigmoid"][layer, 1], 1 / (1 + np.exp(-bd["U"]))) < 1e-5


def test_full_matrices_rebuilt_from_factors(small_runs, small_golden):
    """α rebuilt from the graph's Δ, B, C, A with the contract formula == official full matrices (float16)."""
    for i, out in enumerate(small_runs):
        for layer in range(out["delta"].shape[0]):
            for d, key in ((0, "attn_fwd"), (1, "attn_bwd_flipped")):
                delta, B, C, A = (out[k][layer, d].astype(np.float64) for k in ("delta", "B", "C", "A"))
                S = np.cumsum(delta, 0)                                   # [L, E]
                diff = S[:, None, :] - S[None, :, :]                      # S_i − S_j
                mask = np.tril(np.ones((len(S), len(S)), bool))
                decay = np.exp(np.where(mask[..., None, None], diff[..., None] * A[None, None], -np.inf))
                alpha = np.einsum("in,jn,je,ijen->eij", C, B, delta, decay)
                if d == 1:
                    alpha = alpha[:, ::-1, ::-1]
                assert rel(alpha, small_golden[f"{key}_{i}"][layer]) < 2e-3


def test_gradients_all_layers_small(small, small_runs, small_golden):
    model, _, _ = small
    hs = []
    logits = model(torch.from_numpy(small_golden["images"][:1]), hs)
    logits[0, int(small_golden["logits_0"].argmax())].backward()
    for layer, h in enumerate(hs):
        assert rel(small_runs[0]["grad"][layer], h.grad[0].numpy()) < 1e-4
    # ∂T/∂h_l, not the stream entering block l (= ∂T/∂h_{l−1}, the spec §3.4 pitfall): they differ.
    assert rel(small_runs[0]["grad"][1], hs[0].grad[0].numpy()) > 1e-3


def test_matrices_graph(small, small_runs, small_golden, tmp_path):
    """The weight-free matrices graph == channel mean of the official full matrices (all layers, both directions)."""
    from vimlens.graph.matrices import build_matrices
    _, cfg, _ = small
    path = tmp_path / "m.onnx"
    onnx.save(build_matrices(cfg.seq_len, cfg.d_inner, cfg.d_state, chunk=4), path)   # small chunk: several blocks at L=17
    for i, out in enumerate(small_runs):
        feeds = {k: out[k].reshape(-1, *out[k].shape[2:]) for k in ("delta", "B", "C", "A")}
        m = ort_runner.run(path, feeds)["matrices"].reshape(cfg.depth, 2, cfg.seq_len, cfg.seq_len)
        for layer in range(cfg.depth):
            assert rel(m[layer, 0], small_golden[f"attn_fwd_{i}"][layer].mean(0)) < 2e-3
            assert rel(m[layer, 1][::-1, ::-1], small_golden[f"attn_bwd_flipped_{i}"][layer].mean(0)) < 2e-3


def _matrices_reference(delta, B, C, A):
    """Spec §2.1 averaged over channels, float64, pair by pair: [G, L, L] lower triangular."""
    G, L, E = delta.shape
    S = np.cumsum(delta.astype(np.float64), 1)
    out = np.zeros((G, L, L))
    for i in range(L):
        for j in range(i + 1):
            decay = np.exp(A[:, :, :] * (S[:, i] - S[:, j])[:, :, None])              # [G, E, N]
            out[:, i, j] = np.einsum("gen,ge,gn,gn->g", decay, delta[:, j], B[:, j], C[:, i]) / E
    return out


def _random_factors(rng, G, L, E, N, delta_scale):
    return {"delta": (rng.random((G, L, E)) * delta_scale).astype(np.float32),
            "B": rng.standard_normal((G, L, N)).astype(np.float32),
            "C": rng.standard_normal((G, L, N)).astype(np.float32),
            "A": (-np.exp(rng.uniform(0, np.log(17), (G, E, N)))).astype(np.float32)}


def test_matrices_graph_strong_decays(tmp_path):
    """Strong decays inside one chunk (float64 diagonal blocks) still match the pairwise reference, and the
    graph's `range` output is max_e max_n |A|·|S_t − S_m| with m the chunk's middle token."""
    from vimlens.graph.matrices import build_matrices
    rng = np.random.default_rng(3)
    f = _random_factors(rng, 2, 40, 12, 4, delta_scale=5.0)          # |A|·Δ up to 85 per token, chunk of 8
    path = tmp_path / "m.onnx"
    onnx.save(build_matrices(40, 12, 4, chunk=8), path)
    out = ort_runner.run(path, f)
    m, ref = out["matrices"], _matrices_reference(**f)
    assert np.isfinite(m).all()
    assert np.abs(m - ref).max() <= 1e-6 * np.abs(ref).max()
    S = np.cumsum(f["delta"].astype(np.float64), 1)
    mid = [t // 8 * 8 + (min(t // 8 * 8 + 8, 40) - t // 8 * 8) // 2 for t in range(40)]   # r + c // 2
    expect = (np.abs(f["A"]).max(2)[:, None, :] * np.abs(S - S[:, mid])).max(2)
    assert np.allclose(out["range"], expect, rtol=1e-6)
    assert 150 < out["range"].max() < 600


def test_matrices_graph_out_of_range(tmp_path):
    """Beyond the float64 range a token's factors overflow: its row and column may be non-finite, never
    finite and wrong unnoticed. The `range` output flags exactly those tokens (the worker recomputes them,
    main/core/attention/range-repair.ts), and every other entry is still exact."""
    from vimlens.graph.matrices import build_matrices
    rng = np.random.default_rng(4)
    f = _random_factors(rng, 2, 40, 12, 4, delta_scale=5.0)
    f["delta"][:, 9] = 100.0                                         # tokens 8 of chunk [8, 16) sit ≥ |A|·100 from token 12
    path = tmp_path / "m.onnx"
    onnx.save(build_matrices(40, 12, 4, chunk=8), path)
    out = ort_runner.run(path, f)
    m, ref = out["matrices"], _matrices_reference(**f)
    flagged = out["range"] > 600
    assert not np.isfinite(m).all()
    assert flagged[:, 8].all() and not np.isfinite(m[:, 8]).all()
    bad = flagged[:, :, None] | flagged[:, None, :]                 # rows and columns of flagged tokens
    assert np.abs(np.where(bad, 0, m - ref)).max() <= 1e-6 * np.abs(ref).max()


def test_zero_target_explains_the_predicted_class(small, small_golden, tmp_path):
    _, cfg, sd = small
    path = tmp_path / "s.onnx"
    onnx.save(build_explainer({k: v.numpy() for k, v in sd.items()}, cfg, 0), path)
    img = small_golden["images"][:1]
    zero = ort_runner.run(path, {"image": img, "target": np.zeros(cfg.num_classes, np.float32)})
    top1 = _run(path, img, cfg.num_classes, int(zero["logits"].argmax()))
    other = _run(path, img, cfg.num_classes, (int(zero["logits"].argmax()) + 1) % cfg.num_classes)
    for key in ("grad", "lrp"):
        assert rel(zero[key], top1[key]) < 1e-6
        assert rel(zero[key], other[key]) > 1e-3
