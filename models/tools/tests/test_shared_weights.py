"""One copy of the weights: variant graphs read their initializers from the explainer's own .onnx bytes."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, numpy_helper

from conftest import REPO, needs_fixtures
from vimlens import ort_runner
from vimlens.graph.explainer import build_explainer
from vimlens.shared_weights import MIN_SHARED_BYTES, external_refs, initializer_spans, share_weights
from vimlens.variants import build_variant, save_variant


def _resolves(explainer_bytes: bytes, variant: onnx.ModelProto, unshared: onnx.ModelProto) -> int:
    """Asserts that every external reference of `variant` reads, from the explainer's bytes, exactly the bytes
    its tensor had before sharing; returns how many tensors are external."""
    before = {t.name: t.raw_data for t in unshared.graph.initializer}
    refs = external_refs(variant)
    for name, _, offset, length in refs:
        assert explainer_bytes[offset:offset + length] == before[name], name
    return len(refs)


def test_spans_point_at_each_initializers_raw_bytes():
    """The offset map found by walking the protobuf wire format is exactly where each tensor's bytes are."""
    rng = np.random.default_rng(0)
    tensors = [numpy_helper.from_array(rng.normal(size=s).astype(np.float32), f"w{i}") for i, s in enumerate([(3,), (40, 30), (2, 300)])]
    graph = onnx.helper.make_graph([onnx.helper.make_node("Identity", ["w1"], ["y"])], "g", [],
                                   [onnx.helper.make_tensor_value_info("y", TensorProto.FLOAT, [40, 30])], tensors)
    data = onnx.helper.make_model(graph).SerializeToString()
    spans = initializer_spans(data)
    assert set(spans) == {"w0", "w1", "w2"}
    for t in tensors:
        offset, length = spans[t.name]
        assert data[offset:offset + length] == t.raw_data


@needs_fixtures
def test_every_variant_shares_every_weight_with_the_explainer(small, tmp_path):
    """forward, classifier and gpu graphs: each weight tensor becomes a reference into the explainer's bytes
    that resolves to identical bytes; nothing big stays inline (the classifier transposes with nodes)."""
    _, cfg, sd = small
    weights = {k: v.numpy() for k, v in sd.items()}
    explainer_bytes = build_explainer(weights, cfg, 0).SerializeToString()
    for kind in ("forward", "classifier", "gpu"):
        unshared, _ = build_variant(kind, weights, cfg, 0, False, {})
        variant = onnx.ModelProto.FromString(unshared.SerializeToString())
        shared = share_weights(variant, explainer_bytes, "m.onnx")
        assert _resolves(explainer_bytes, variant, unshared) > 0
        inline = [t.name for t in variant.graph.initializer if t.data_location != TensorProto.EXTERNAL and len(t.raw_data) >= MIN_SHARED_BYTES]
        assert inline == [], kind
        assert shared == sum(len(t.raw_data) for t in unshared.graph.initializer if len(t.raw_data) >= MIN_SHARED_BYTES)


@needs_fixtures
@pytest.mark.skipif(ort_runner.have_runtime() is None, reason="no onnxruntime (Python) and no onnxruntime-node")
def test_saved_variant_reads_its_weights_from_the_explainer_file(small, tmp_path):
    """Written next to `m.onnx`, the classifier loads (onnx, ORT) with the weights it had inline."""
    _, cfg, sd = small
    weights = {k: v.numpy() for k, v in sd.items()}
    explainer_bytes = build_explainer(weights, cfg, 0).SerializeToString()
    (tmp_path / "m.onnx").write_bytes(explainer_bytes)
    tmp, key, entry = save_variant("classifier", weights, cfg, 0, False, tmp_path, "m", explainer_bytes, {})
    (tmp_path / "m.classifier.onnx").write_bytes(open(tmp, "rb").read())
    assert key == "classifierGraph" and entry["weightsFrom"]["file"] == "m.onnx"
    unshared, _ = build_variant("classifier", weights, cfg, 0, False, {})
    loaded = onnx.load(str(tmp_path / "m.classifier.onnx"))   # resolves the external data from m.onnx
    for a, b in zip(loaded.graph.initializer, unshared.graph.initializer):
        assert np.array_equal(numpy_helper.to_array(a), numpy_helper.to_array(b)), a.name
    x = np.random.default_rng(1).normal(size=(2, 3, cfg.img_size, cfg.img_size)).astype(np.float32)
    onnx.save(unshared, str(tmp_path / "inline.onnx"))
    got = ort_runner.run(tmp_path / "m.classifier.onnx", {"image": x})
    ref = ort_runner.run(tmp_path / "inline.onnx", {"image": x})
    assert np.array_equal(got["logits"], ref["logits"]) and np.array_equal(got["features"], ref["features"])


def test_shipped_variants_resolve_into_the_shipped_explainer():
    """The default model's committed variant graphs: every external reference lies inside an explainer
    initializer's raw bytes, and the card says which file (and which version of it) they read."""
    card = json.loads((REPO / "models" / "vim-busbra-d12.json").read_text())
    explainer_bytes = (REPO / "models" / card["file"]).read_bytes()
    spans = sorted(initializer_spans(explainer_bytes).values())
    starts = {o: n for o, n in spans}
    for key in ("forwardGraph", "classifierGraph", "gpuGraph", "gpuClassifierGraph"):
        entry = card[key]
        assert entry["weightsFrom"]["file"] == card["file"] and entry["weightsFrom"]["sha256"] == card["sha256"], key
        variant = onnx.load(str(REPO / "models" / entry["file"]), load_external_data=False)
        refs = external_refs(variant)
        assert {loc for _, loc, _, _ in refs} == {card["file"]}, key
        assert all(starts.get(offset) == length for _, _, offset, length in refs), key
        assert sum(length for *_, length in refs) == entry["weightsFrom"]["bytes"], key
