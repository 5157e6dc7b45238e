"""The selective-scan recurrence as ONNX `Scan` nodes (spec §5.2 option c).

A `Scan` keeps the graph at a few nodes per layer instead of ~10^5 unrolled ones, and it evaluates the
recurrence h_t = Ā_t ⊙ h_{t−1} + B̄u_t with the CUDA kernel's sequential semantics (no exp of long
cumulative sums, spec §5.5). Forward and backward scan directions of a layer run in the same Scan
(leading axis 2), which halves the number of iterations. The bodies emit only what is consumed:
the per-token output y_t (a small matmul with C_t inside the body) instead of every state, so the
[2, L, E, N] state history is materialised only for layers whose backward pass needs it.
"""
from __future__ import annotations

from onnx import TensorProto, helper

from .builder import GraphBuilder


def _vi(n: str):
    return helper.make_tensor_value_info(n, TensorProto.FLOAT, None)


def selective_scan(g: GraphBuilder, dA: str, dBu: str, C: str, state_shape: tuple[int, ...], keep_decayed: bool):
    """Inputs [2, L, E, N] (Ā, B̄u) and C [2, L, N]. Returns (y [2, L, E] without the D-skip term,
    Ā_t ⊙ h_{t−1} [2, L, E, N] or None). The second output is what the adjoint needs (dΔ through Ā)."""
    name = g.fresh("scan_fwd")
    h_prev, a_t, x_t, c_t = (f"{name}_{s}" for s in ("h_prev", "a", "x", "c"))
    nodes = [helper.make_node("Mul", [a_t, h_prev], [f"{name}_ah"]),
             helper.make_node("Add", [f"{name}_ah", x_t], [f"{name}_h"]),
             helper.make_node("MatMul", [f"{name}_h", c_t], [f"{name}_y"])]   # [2, E, N] @ [2, N, 1]
    outs = [_vi(f"{name}_h"), _vi(f"{name}_y")] + ([_vi(f"{name}_ah")] if keep_decayed else [])
    body = helper.make_graph(nodes, name, [_vi(h_prev), _vi(a_t), _vi(x_t), _vi(c_t)], outs)
    h0 = g.zeros(state_shape)
    n_scan_out = 2 if keep_decayed else 1
    res = g.op("Scan", [h0, dA, dBu, g.unsqueeze(C, [3])], hint="scan", n_out=1 + n_scan_out, body=body,
               num_scan_inputs=3, scan_input_axes=[1, 1, 1], scan_output_axes=[1] * n_scan_out)
    y = g.squeeze(res[1], [3])
    return y, (res[2] if keep_decayed else None)


def adjoint_scan(g: GraphBuilder, dA: str, dyC: str, state_shape: tuple[int, ...]) -> str:
    """All g_t = dyC_t + Ā_{t+1} ⊙ g_{t+1} (g_L = 0), run from t = L−1 down to 0.

    The carried state is s_t = Ā_t ⊙ g_t, so the body reads Ā at the same step as dyC and no shifted
    copy of the [2, L, E, N] decay tensor is needed."""
    name = g.fresh("scan_adj")
    s_prev, a_t, x_t = (f"{name}_{s}" for s in ("s_prev", "a", "x"))
    nodes = [helper.make_node("Add", [x_t, s_prev], [f"{name}_g"]),
             helper.make_node("Mul", [a_t, f"{name}_g"], [f"{name}_s"])]
    body = helper.make_graph(nodes, name, [_vi(s_prev), _vi(a_t), _vi(x_t)], [_vi(f"{name}_s"), _vi(f"{name}_g")])
    s0 = g.zeros(state_shape)
    _, states = g.op("Scan", [s0, dA, dyC], hint="scan", n_out=2, body=body, num_scan_inputs=2,
                     scan_input_axes=[1, 1], scan_output_axes=[1], scan_input_directions=[1, 1], scan_output_directions=[1])
    return states
