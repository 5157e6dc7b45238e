"""Bench-only: the default model's batch classifier with chunked_scan (models/tools/vimlens/graph/chunked_scan.py)
for several chunk lengths, weights embedded (no card entry), each checked against the Scan classifier's logits and
features on 3 images before it is written. Run where the GPU benchmark runs (docs/GPU.md), e.g.

    python test/bench/build-chunked-classifier.py models/vim-busbra-d12.json OUT_DIR 11,18,33
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models" / "tools"))
from vimlens import ort_runner  # noqa: E402
from vimlens.checkpoint import infer_config  # noqa: E402
from vimlens.graph.classifier import build_classifier  # noqa: E402
from vimlens.recover import recover  # noqa: E402

card_path, out, chunks = Path(sys.argv[1]), Path(sys.argv[2]), [int(q) for q in sys.argv[3].split(",")]
card = json.loads(card_path.read_text())
sd = recover(card_path.parent / card["file"], card["patchSize"], card["input"]["shape"][1])
weights = {k: v.numpy() for k, v in sd.items()}
cfg = infer_config(sd)
out.mkdir(parents=True, exist_ok=True)
onnx.save(build_classifier(weights, cfg), out / "scan.onnx")
rng = np.random.default_rng(0)
images = rng.normal(size=(3, 3, cfg.img_size, cfg.img_size)).astype(np.float32)
ref = ort_runner.run(out / "scan.onnx", {"image": images})
for q in chunks:
    proto = build_classifier(weights, cfg, parallel_scan=True, chunk=q)
    path = out / f"chunk-q{q}.onnx"
    onnx.save(proto, path)
    got = ort_runner.run(path, {"image": images})
    err = max(float(np.abs(got[k] - ref[k]).max() / np.abs(ref[k]).max()) for k in ("logits", "features"))
    if not err < 1e-5:
        raise SystemExit(f"chunk {q}: differs from the Scan classifier by {err:.2e}")
    print(f"chunk-q{q}.onnx: {len(proto.graph.node)} nodes, within {err:.1e} of the Scan classifier", flush=True)
