"""One copy of the weights: variant graphs read their initializers from the explainer's own .onnx file.

A variant graph (forward, classifier, gpu, ...) holds the same weights as the explainer it is exported with.
Each of its initializers whose bytes equal an explainer initializer's raw bytes becomes ONNX external data
whose `location` is the explainer's file name and whose offset/length point at those bytes INSIDE the
serialized explainer (the `raw_data` field of that TensorProto). ORT reads them from the file next to the
variant (Python, `InferenceSession.create(path)`) or from the explainer's bytes that the app has already read
and sha256-checked (`sessionOptions.externalData`). The tensor's shape stays in the variant, so a reshaped copy
of the same bytes (cls_token [1, D] vs [1, 1, D]) shares too; a transposed layout does not (the classifier
transposes with a node instead, graph/classifier.py).
"""
from __future__ import annotations

import hashlib
import onnx
from onnx import TensorProto

# Tensors smaller than this stay inline: an external reference costs ≈ 60 bytes of its own, and the many
# tiny shape constants are not worth a lookup.
MIN_SHARED_BYTES = 1024

# Protobuf field numbers (onnx.proto3): ModelProto.graph, GraphProto.initializer, TensorProto.name/raw_data.
_MODEL_GRAPH, _GRAPH_INITIALIZER, _TENSOR_NAME, _TENSOR_RAW = 7, 5, 8, 9


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7


def _fields(buf: bytes, start: int, end: int):
    """(field number, payload start, payload end) of each length-delimited field of one message; others skipped."""
    pos = start
    while pos < end:
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _varint(buf, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            n, pos = _varint(buf, pos)
            yield field, pos, pos + n
            pos += n
        else:
            raise ValueError(f"unsupported protobuf wire type {wire} at byte {pos}")


def initializer_spans(model_bytes: bytes) -> dict[str, tuple[int, int]]:
    """Top-level initializer name -> (offset, length) of its raw_data in the serialized model bytes."""
    spans: dict[str, tuple[int, int]] = {}
    for field, g0, g1 in _fields(model_bytes, 0, len(model_bytes)):
        if field != _MODEL_GRAPH:
            continue
        for f, t0, t1 in _fields(model_bytes, g0, g1):
            if f != _GRAPH_INITIALIZER:
                continue
            name, raw = None, None
            for tf, p0, p1 in _fields(model_bytes, t0, t1):
                if tf == _TENSOR_NAME:
                    name = model_bytes[p0:p1].decode()
                elif tf == _TENSOR_RAW:
                    raw = (p0, p1 - p0)
            if name is not None and raw is not None:
                spans[name] = raw
    return spans


def share_weights(variant: onnx.ModelProto, explainer_bytes: bytes, location: str) -> int:
    """Turns every initializer of `variant` (in place) whose bytes equal an explainer initializer's into an
    external reference into `explainer_bytes` (the file named `location`); returns the bytes now shared.
    Each reference is read back from `explainer_bytes` and compared before it replaces the inline data."""
    by_digest: dict[bytes, tuple[int, int]] = {}
    for offset, length in initializer_spans(explainer_bytes).values():
        if length >= MIN_SHARED_BYTES:
            by_digest.setdefault(hashlib.sha256(explainer_bytes[offset:offset + length]).digest(), (offset, length))
    shared = 0
    for t in variant.graph.initializer:
        raw = t.raw_data
        if len(raw) < MIN_SHARED_BYTES or t.data_location == TensorProto.EXTERNAL:
            continue
        hit = by_digest.get(hashlib.sha256(raw).digest())
        if hit is None:
            continue
        offset, length = hit
        if explainer_bytes[offset:offset + length] != raw:
            raise ValueError(f"{t.name}: the explainer's bytes at {offset} differ from the tensor (digest collision?)")
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        for key, value in (("location", location), ("offset", str(offset)), ("length", str(length))):
            entry = t.external_data.add()
            entry.key, entry.value = key, value
        shared += length
    return shared


def external_refs(variant: onnx.ModelProto) -> list[tuple[str, str, int, int]]:
    """(initializer name, location, offset, length) of every external initializer of a variant graph."""
    refs = []
    for t in variant.graph.initializer:
        if t.data_location == TensorProto.EXTERNAL:
            info = {e.key: e.value for e in t.external_data}
            refs.append((t.name, info["location"], int(info.get("offset", 0)), int(info["length"])))
    return refs

