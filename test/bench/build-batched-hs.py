"""Bench-only, from the repository root: the batch classifier (models/tools/vimlens/graph/classifier.py, branch
`lead`) with its per-token Scan replaced by the log-depth parallel scan of scan.py (linear_recurrence at rank 4,
over [L, N, 2N_s, E]). Writes OUT_DIR/classifier-scan.onnx and OUT_DIR/classifier-hs.onnx; compare them with
`npx tsx test/bench/batch-forward.ts --graph OUT_DIR/classifier-hs.onnx --provider cpu --batches 2
--reference OUT_DIR/classifier-scan.onnx` (2026-12-07: logits within 8.0e-7)."""
import sys, numpy as np, onnx
sys.path.insert(0, 'models/tools')
from vimlens.graph import classifier as C  # the lead branch's batch classifier (models/tools/vimlens/graph/classifier.py)
from vimlens.graph.scan import linear_recurrence
from vimlens.graph.forward import rms_norm, softplus20
from vimlens.checkpoint import load_vim

def _layer_hs(g, cfg, lw, x, idx):
    L, E, N, R, K = cfg.seq_len, cfg.d_inner, cfg.d_state, cfg.dt_rank, cfg.d_conv
    yn, _ = rms_norm(g, x, g.init(f"l{idx}_norm", lw.norm), cfg.rms_eps)
    xz = g.matmul(yn, g.init(f"l{idx}_in_proj_t", np.ascontiguousarray(lw.in_proj.T)))
    X, Z = g.slice(xz, 0, E, 2), g.slice(xz, E, 2 * E, 2)
    both = lambda v: g.concat([g.unsqueeze(v, [1]), g.unsqueeze(g.flip(v, 1), [1])], 1)
    u = g.silu(C._conv(g, both(X), lw, idx, L, K))
    dbc = g.matmul(u, g.init(f"l{idx}_x_proj_t", np.ascontiguousarray(lw.x_proj.transpose(0, 2, 1))))
    dt, B, Cm = g.slice(dbc, 0, R, 3), g.slice(dbc, R, R + N, 3), g.slice(dbc, R + N, R + 2 * N, 3)
    pre = g.add(g.matmul(dt, g.init(f"l{idx}_dt_w_t", np.ascontiguousarray(lw.dt_w.transpose(0, 2, 1)))), g.init(f"l{idx}_dt_b", lw.dt_b[:, None, :]))
    delta = softplus20(g, pre)
    tm = lambda v: g.transpose(v, [2, 0, 1, 3])
    A_ne = g.init(f"l{idx}_A_ne", lw.A.transpose(0, 2, 1))
    dA = g.reshape(g.exp(g.mul(g.unsqueeze(tm(delta), [3]), A_ne)), [0, 0, 2 * N, E])          # [L, N, 2N_s, E]
    eye = g.init(f"l{idx}_eye", np.eye(2, dtype=np.float32))
    B_cols = g.reshape(g.mul(g.unsqueeze(tm(B), [4]), g.unsqueeze(eye, [1])), [0, 0, 2 * N, 2])
    C_rows = g.reshape(g.mul(g.unsqueeze(tm(Cm), [3]), g.unsqueeze(eye, [2])), [0, 0, 2, 2 * N])
    h = linear_recurrence(g, dA, g.matmul(B_cols, tm(g.mul(delta, u))), L, rank=4)
    y_tm = g.matmul(C_rows, h)                                                                    # [L, N, 2, E]
    y = g.add(g.transpose(y_tm, [1, 2, 0, 3]), g.mul(u, g.init(f"l{idx}_D", lw.Dskip[:, None, :])))
    od = g.mul(y, g.silu(both(Z)))
    o = g.mul(g.add(g.squeeze(g.slice(od, 0, 1, 1), [1]), g.flip(g.squeeze(g.slice(od, 1, 2, 1), [1]), 1)), g.f32(0.5))
    return g.matmul(o, g.init(f"l{idx}_out_proj_t", np.ascontiguousarray(lw.out_proj.T)))

# python3 test/bench/build-batched-hs.py CHECKPOINT OUT_DIR   (then test/bench/batch-forward.ts --graph OUT_DIR/classifier-hs.onnx)
ckpt, out = sys.argv[1], sys.argv[2]
_, cfg, sd = load_vim(ckpt)
sd = {k: v.numpy() for k, v in sd.items()}
onnx.save(C.build_classifier(sd, cfg), f"{out}/classifier-scan.onnx")
orig = C._layer
C._layer = _layer_hs
hs = C.build_classifier(sd, cfg)
C._layer = orig
assert not any(n.op_type in ("Scan", "Loop") for n in hs.graph.node)
onnx.save(hs, f"{out}/classifier-hs.onnx")
print("nodes", len(hs.graph.node))
