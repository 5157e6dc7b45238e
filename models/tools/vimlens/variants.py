"""The variant graphs written next to an explainer graph, each reading its weights from the explainer's file.

forward    (card `forwardGraph`): the explainer without target input, gradients and LRP (class-agnostic requests)
classifier (card `classifierGraph`): N images -> logits, head features (perturbation, domain guard)
gpu        (card `gpuGraph`): the explainer's inputs and outputs, scans without a per-token loop (GPU providers)
gpu-classifier (card `gpuClassifierGraph`): the classifier's, scans without a per-token loop (GPU providers)

Every variant stores the weights it shares with the explainer as external data into the explainer's .onnx
(shared_weights.py); its card entry names that file and its sha256 under `weightsFrom`.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
import onnx

from .config import VimConfig
from .graph.classifier import build_classifier
from .graph.explainer import build_explainer
from .shared_weights import share_weights

VARIANTS = {"forward": "forwardGraph", "classifier": "classifierGraph", "gpu": "gpuGraph", "gpu-classifier": "gpuClassifierGraph"}
PARALLEL = {"scan": "parallel (Hillis-Steele, log2 L steps)", "providers": ["cuda", "dml"]}


def build_variant(kind: str, sd: dict[str, np.ndarray], cfg: VimConfig, grad_first: int, input_gradient: bool,
           metadata: dict) -> tuple[onnx.ModelProto, dict]:
    """The variant's graph and the card fields that describe it besides file, sha256 and nodes."""
    meta = {**metadata, "variant": kind}
    if kind == "forward":
        proto = build_explainer(sd, cfg, grad_first, forward_only=True, metadata=meta)
        return proto, {"outputs": [o.name for o in proto.graph.output]}
    if kind == "classifier":
        return build_classifier(sd, cfg, metadata=meta), {"outputs": ["logits", "features"]}
    if kind == "gpu":
        proto = build_explainer(sd, cfg, grad_first, parallel_scan=True, input_gradient=input_gradient, metadata=meta)
        return proto, dict(PARALLEL)
    if kind == "gpu-classifier":
        return build_classifier(sd, cfg, metadata=meta, parallel_scan=True), {"outputs": ["logits", "features"], **PARALLEL}
    raise ValueError(f"unknown graph variant {kind!r} (known: {', '.join(VARIANTS)})")


def save_variant(kind: str, sd: dict[str, np.ndarray], cfg: VimConfig, grad_first: int, input_gradient: bool,
                 out_dir: Path, name: str, explainer_bytes: bytes, metadata: dict) -> tuple[str, str, dict]:
    """Writes the variant graph to a temporary file in out_dir, its shared weights pointing into the explainer
    file `<name>.onnx` whose bytes are `explainer_bytes`; returns (temporary path, card key, card entry)."""
    proto, fields = build_variant(kind, sd, cfg, grad_first, input_gradient, metadata)
    onnx.checker.check_model(proto)
    explainer_file = f"{name}.onnx"
    shared = share_weights(proto, explainer_bytes, explainer_file)
    fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".onnx.part"); os.close(fd)  # noqa: E702
    Path(tmp).write_bytes(proto.SerializeToString())
    entry = {"file": f"{name}.{kind}.onnx", "sha256": hashlib.sha256(Path(tmp).read_bytes()).hexdigest(), **fields,
             "nodes": len(proto.graph.node)}
    if shared:
        entry["weightsFrom"] = {"file": explainer_file, "sha256": hashlib.sha256(explainer_bytes).hexdigest(), "bytes": shared}
    return tmp, VARIANTS[kind], entry
