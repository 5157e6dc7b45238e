"""Run an ONNX graph with onnxruntime (Python) when installed, else through onnxruntime-node.

The GPU machine has Python onnxruntime; the 2-core dev/CI machines only have the project's
onnxruntime-node, so the tests use whichever exists (the same ORT version, 1.30, on both).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

NODE_SCRIPT = Path(__file__).resolve().parent.parent / "run_ort.mjs"


def have_runtime() -> str | None:
    try:
        import onnxruntime  # noqa: F401
        return "python"
    except ImportError:
        pass
    repo = NODE_SCRIPT.parents[2]
    if shutil.which("node") and (repo / "node_modules" / "onnxruntime-node").is_dir():
        return "node"
    return None


def run(model_path: str | Path, feeds: dict[str, np.ndarray], threads: int = 0) -> dict[str, np.ndarray]:
    kind = have_runtime()
    if kind == "python":
        import onnxruntime as ort
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        sess = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        names = [o.name for o in sess.get_outputs()]
        return dict(zip(names, sess.run(names, {k: v.astype(np.float32) for k, v in feeds.items()})))
    if kind is None:
        raise RuntimeError("no ONNX runtime: install onnxruntime (Python) or run `npm ci` for onnxruntime-node")
    with tempfile.TemporaryDirectory() as tmp:
        meta = {}
        for k, v in feeds.items():
            v = np.ascontiguousarray(v, dtype=np.float32)
            v.tofile(Path(tmp) / f"in_{k}.bin")
            meta[k] = list(v.shape)
        (Path(tmp) / "inputs.json").write_text(json.dumps(meta))
        subprocess.run(["node", str(NODE_SCRIPT), str(Path(model_path).resolve()), tmp, str(threads)], check=True, cwd=NODE_SCRIPT.parents[2])
        shapes = json.loads((Path(tmp) / "outputs.json").read_text())
        return {k: np.fromfile(Path(tmp) / f"out_{k}.bin", dtype=np.float32).reshape(s) for k, s in shapes.items()}
