"""The selective scan by chunks: a per-token loop over one chunk's positions that advances every chunk at once.

For the batch classifier on a GPU (card `gpuClassifierGraph` candidates, docs/GPU.md). The log-depth scan of
scan.py needs no loop, but it writes the whole [L, 2, N, N_s, E] state and its decays about 8 times over
(⌈log2 L⌉ steps, each a Gather, a Mul and an Add of both tensors): at large batches the GPU then runs at memory
speed (≈ 5.5 ms per image on an H100). The `Scan` loop touches each state once, but runs L steps of small
kernels. Here the L+1 rows are cut into K chunks of Q rows (Q·K ≥ L+1, zero-padded), and:

  1. a Scan over the Q positions advances all K chunks from a zero state, forming Ā = exp(Δ·A) inside the
     step as the Scan classifier does, and keeps the chunk's running product of Ā: after Q steps, each chunk's
     end state from zero, s_k, and its decay over the chunk, P_k;
  2. the carries between chunks, H_k = s_k + P_k ⊙ H_{k−1}, are a log-depth scan over K (scan.py) of tensors
     Q times smaller than the state sequence;
  3. a second Scan over the Q positions starts chunk k from H_{k−1} and emits y_t = C_t·h_t.

Q + Q steps instead of L; no [L, …, N_s, E] tensor is ever stored (the steps keep K chunks' states). The
arithmetic is the loop's (products of Ā ≤ 1, never exp of differences of cumulative sums, spec §5.5); only the
order of the carries' products differs. This is not SSD's chunked matrix form: Vim's decay differs per channel
and per state (Ā is [N_s, E] per token, not one scalar per head), so its intra-chunk "attention" would be a
[Q, Q, N_s, E] tensor per chunk — Q times the state it replaces.
"""
from __future__ import annotations

from onnx import TensorProto, helper

from .builder import GraphBuilder
from .scan import linear_recurrence


def _vi(n: str):
    return helper.make_tensor_value_info(n, TensorProto.FLOAT, None)


def _by_chunks(g: GraphBuilder, v: str, rows: int, q: int, k: int, width: int, unit_axis: int) -> str:
    """[rows, 2, N, width] → [Q, K, 2, N, ·] position-major (row k·Q + p → [p, k]), zero rows after the end, with a
    unit axis at `unit_axis` so that the step's products broadcast to [K, 2, N, N_s, E]."""
    padded = g.pad_axis(v, 4, 0, 0, k * q - rows) if k * q > rows else v
    w = g.transpose(g.reshape(padded, [k, q, 2, -1, width]), [1, 0, 2, 3, 4])
    return g.unsqueeze(w, [unit_axis])


def _state(g: GraphBuilder, k: int, batch: str, n: int, e: int, value: float) -> str:
    shape = g.concat([g.i64([k, 2]), batch, g.i64([n, e])], 0)
    return g.op("ConstantOfShape", [shape], value=helper.make_tensor("v", TensorProto.FLOAT, [1], [value]))


def chunked_scan(g: GraphBuilder, A: str, delta: str, du: str, B: str, C: str, rows: int, q: int, batch: str,
                 n_s: int, e: int) -> str:
    """y_t = C_t·h_t [rows, 2, N, E] for h_t = exp(Δ_t·A) ⊙ h_{t−1} + B_t ⊗ Δu_t, h_{−1} = 0 (A [2, 1, N_s, E];
    Δ, Δu [rows, 2, N, E]; B, C [rows, 2, N, N_s]; `batch` the [1] tensor holding N)."""
    k = -(-rows // q)
    dt, dtu = (_by_chunks(g, v, rows, q, k, e, 4) for v in (delta, du))          # [Q, K, 2, N, 1, E]
    b, c = (_by_chunks(g, v, rows, q, k, n_s, 5) for v in (B, C))                  # [Q, K, 2, N, N_s, 1]

    def step(name: str, emit_y: bool):
        n = lambda s: f"{name}_{s}"  # noqa: E731
        nodes = [helper.make_node("Mul", [n("dt"), A], [n("dta")]),
                 helper.make_node("Exp", [n("dta")], [n("a")]),
                 helper.make_node("Mul", [n("a"), n("h_prev")], [n("ah")]),
                 helper.make_node("Mul", [n("b"), n("du")], [n("bu")]),
                 helper.make_node("Add", [n("bu"), n("ah")], [n("h")])]         # h = B_t ⊗ Δu_t + Ā_t ⊙ h_{t−1}
        if emit_y:
            nodes += [helper.make_node("Mul", [n("c"), n("h")], [n("ch")]),
                      helper.make_node("ReduceSum", [n("ch"), g.i64([3])], [n("y")], keepdims=0)]
            return nodes, ["h_prev", "dt", "du", "b", "c"], ["h", "y"]
        nodes.append(helper.make_node("Mul", [n("a"), n("p_prev")], [n("p")]))  # Ā's product over the chunk so far
        return nodes, ["h_prev", "p_prev", "dt", "du", "b"], ["h", "p"]

    def scan(states: list[str], xs: list[str], emit_y: bool) -> list[str]:
        name = g.fresh("chunk_scan")
        nodes, body_in, body_out = step(name, emit_y)
        body = helper.make_graph(nodes, name, [_vi(f"{name}_{s}") for s in body_in], [_vi(f"{name}_{s}") for s in body_out])
        n_scan = 1 if emit_y else 0
        return g.op("Scan", states + xs, hint="scan", n_out=len(body_out), body=body, num_scan_inputs=len(xs),
                    scan_input_axes=[0] * len(xs), scan_output_axes=[0] * n_scan)

    # 1. every chunk from zero: its end state and its decay over the chunk
    ends, decays = scan([_state(g, k, batch, n_s, e, 0.0), _state(g, k, batch, n_s, e, 1.0)], [dt, dtu, b], False)
    # 2. carries: H_k = s_k + P_k ⊙ H_{k−1}; chunk k starts from H_{k−1} (chunk 0 from zero)
    carried = linear_recurrence(g, decays, ends, k, rank=5)
    starts = g.pad_axis(g.slice(carried, 0, k - 1, 0), 5, 0, 1, 0) if k > 1 else g.op("Mul", [carried, g.f32(0.0)])
    # 3. every chunk again from its true start, emitting y
    _, y = scan([starts], [dt, dtu, b, c], True)                               # [Q, K, 2, N, E]
    y = g.reshape(g.transpose(y, [1, 0, 2, 3, 4]), [k * q, 2, -1, e])
    return g.slice(y, 0, rows, 0) if k * q > rows else y
