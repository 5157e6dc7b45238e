"""A small helper over onnx.helper: unique names, initializers from numpy, one method per op used."""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
INT64_MIN = -(2 ** 63)


class GraphBuilder:
    def __init__(self, name: str):
        self.name = name
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0
        self._consts: dict[tuple, str] = {}
        # Sequence length when the selective scans are built as log-depth parallel scans (scan.py), else None.
        self.parallel_scan_length: int | None = None

    def fresh(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def init(self, hint: str, array: np.ndarray) -> str:
        name = self.fresh(hint)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def i64(self, values) -> str:
        """Shared int64 constant (shapes, axes, indices)."""
        key = ("i64", tuple(np.atleast_1d(values).tolist()))
        if key not in self._consts:
            self._consts[key] = self.init("c", np.asarray(values, dtype=np.int64))
        return self._consts[key]

    def zeros(self, shape: tuple[int, ...]) -> str:
        """Shared all-zero float32 tensor, materialised at load time (ConstantOfShape keeps the file small)."""
        key = ("zeros", tuple(shape))
        if key not in self._consts:
            self._consts[key] = self.op("ConstantOfShape", [self.i64(list(shape))], hint="zeros")
        return self._consts[key]

    def f32(self, value: float) -> str:
        key = ("f32", float(value))
        if key not in self._consts:
            self._consts[key] = self.init("c", np.asarray(value, dtype=np.float32))
        return self._consts[key]

    def op(self, op_type: str, inputs: list[str], hint: str | None = None, n_out: int = 1, **attrs):
        outs = [self.fresh(hint or op_type.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, **attrs))
        return outs[0] if n_out == 1 else outs

    # -- thin wrappers -----------------------------------------------------------------------------
    def add(self, a, b): return self.op("Add", [a, b])
    def sub(self, a, b): return self.op("Sub", [a, b])
    def mul(self, a, b): return self.op("Mul", [a, b])
    def div(self, a, b): return self.op("Div", [a, b])
    def matmul(self, a, b): return self.op("MatMul", [a, b])
    def exp(self, a): return self.op("Exp", [a])
    def sigmoid(self, a): return self.op("Sigmoid", [a])
    def relu(self, a): return self.op("Relu", [a])
    def silu(self, a): return self.mul(a, self.sigmoid(a))
    def reshape(self, a, shape): return self.op("Reshape", [a, self.i64(shape)])
    def transpose(self, a, perm): return self.op("Transpose", [a], perm=list(perm))
    def unsqueeze(self, a, axes): return self.op("Unsqueeze", [a, self.i64(axes)])
    def squeeze(self, a, axes): return self.op("Squeeze", [a, self.i64(axes)])
    def concat(self, xs, axis): return self.op("Concat", list(xs), axis=axis)
    def rsum(self, a, axes, keep=0): return self.op("ReduceSum", [a, self.i64(axes)], keepdims=keep)
    def rmean(self, a, axes, keep=0): return self.op("ReduceMean", [a], axes=list(axes), keepdims=keep)
    def rmax(self, a, axes=None, keep=0):
        return self.op("ReduceMax", [a], keepdims=keep, **({"axes": list(axes)} if axes is not None else {}))
    def rmin(self, a, axes=None, keep=0):
        return self.op("ReduceMin", [a], keepdims=keep, **({"axes": list(axes)} if axes is not None else {}))

    def slice(self, a, start: int, end: int, axis: int, step: int = 1):
        return self.op("Slice", [a, self.i64([start]), self.i64([end]), self.i64([axis]), self.i64([step])])

    def flip(self, a, axis: int):
        """Reverse along `axis` (Slice with step −1, spec §5.3)."""
        return self.op("Slice", [a, self.i64([-1]), self.i64([INT64_MIN]), self.i64([axis]), self.i64([-1])], hint="flip")

    def pad_axis(self, a, rank: int, axis: int, before: int, after: int):
        pads = [0] * (2 * rank)
        pads[axis], pads[rank + axis] = before, after
        return self.op("Pad", [a, self.i64(pads)], mode="constant")

    def output(self, name: str, src: str) -> None:
        self.nodes.append(helper.make_node("Identity", [src], [name]))

    def model(self, inputs, outputs, doc: str = "", metadata: dict | None = None) -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, self.name, inputs, outputs, self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="mamba-lens-tools")
        m.ir_version = 8
        m.doc_string = doc
        for k, v in (metadata or {}).items():
            entry = m.metadata_props.add()
            entry.key, entry.value = k, str(v)
        return m


def tensor_info(name: str, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, list(shape))
