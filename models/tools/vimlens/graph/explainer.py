"""Assemble the explainer graph: logits + every tap of docs/GRAPH_CONTRACT.md in one run."""
from __future__ import annotations

import numpy as np
import onnx

from ..config import VimConfig
from .backward import head_backward, layer_backward
from .builder import GraphBuilder, tensor_info
from .forward import cls_vectors, combine_directions, layer_forward, rms_norm, stack_layers
from .input_gradient import input_gradient as input_gradient_of
from .lrp import lrp_relevance
from .weights import layer_weights

FAMILIES = ("hma", "true", "uia")


FORWARD_ONLY_DROPS = ("grad", "grad_max_pos", "lrp")  # what needs the target: absent from the forward-only variant


def output_shapes(cfg: VimConfig, grad_first_layer: int, debug: bool = False, lrp: bool = True,
                  input_gradient: bool = False) -> dict[str, list[int]]:
    lam, L, D, E, N = cfg.depth, cfg.seq_len, cfg.embed_dim, cfg.d_inner, cfg.d_state
    G = lam - grad_first_layer
    shapes = {"logits": [cfg.num_classes]}
    for f in FAMILIES:
        shapes.update({f"{f}_mean": [lam, L], f"{f}_pos_mean": [lam, L], f"{f}_range": [lam, 4]})
    shapes.update({"grad_max_pos": [G, L], "grad": [G, L, D], "delta": [lam, 2, L, E], "B": [lam, 2, L, N],
                   "C": [lam, 2, L, N], "A": [lam, 2, E, N], "conv_sigmoid": [lam, 2, L, E], "gate": [lam, L, E]})
    if lrp:
        shapes["lrp"] = [L]
    if input_gradient:
        shapes.update({"grad_image": [cfg.in_chans, cfg.img_size, cfg.img_size], "grad_input": [L]})
    if debug:
        shapes.update({f"{f}_full": [lam, L, E] for f in FAMILIES})
    return shapes


def embed(g: GraphBuilder, cfg: VimConfig, sd: dict[str, np.ndarray], image: str) -> str:
    """Token embeddings x_0 [L, D] (patch projection, middle CLS, positional embedding)."""
    return embed_parts(g, cfg, sd, image)[0]


def embed_parts(g: GraphBuilder, cfg: VimConfig, sd: dict[str, np.ndarray], image: str) -> tuple[str, str, str]:
    """x_0 [L, D], and the image patches [M, C·P·P] and projection weight [D, C·P·P] it is made from."""
    gr, P, C, D, c = cfg.grid, cfg.patch_size, cfg.in_chans, cfg.embed_dim, cfg.cls_index
    # Patch embedding as reshape + matmul (a Conv's gradient would not export, spec EXPORT_NOTES).
    patches = g.reshape(g.transpose(g.reshape(image, [C, gr, P, gr, P]), [1, 3, 0, 2, 4]), [gr * gr, C * P * P])
    w = g.init("patch_w", sd["patch_embed.proj.weight"].reshape(D, C * P * P))
    p = g.op("Gemm", [patches, w, g.init("patch_b", sd["patch_embed.proj.bias"])], transB=1)
    cls = g.init("cls_token", sd["cls_token"].reshape(1, D))
    tokens = g.concat([g.slice(p, 0, c, 0), cls, g.slice(p, c, cfg.num_patches, 0)], 0)   # middle CLS (§1.3)
    return g.add(tokens, g.init("pos_embed", sd["pos_embed"].reshape(cfg.seq_len, D))), patches, w


def _stats(g: GraphBuilder, v: str, lead: int = 0):
    """mean over E, and [min v, max v, min v⁺, max v⁺] over the whole (L, E) array (per layer of a
    [Λ, L, E] stack when `lead` = 1)."""
    pos = g.relu(v)
    if lead == 0:
        rng = g.concat([g.reshape(g.rmin(v), [1]), g.reshape(g.rmax(v), [1]),
                        g.reshape(g.rmin(pos), [1]), g.reshape(g.rmax(pos), [1])], 0)
    else:
        one = lambda r: g.reshape(r, [-1, 1])  # noqa: E731
        rng = g.concat([one(g.rmin(v, [1, 2])), one(g.rmax(v, [1, 2])), one(g.rmin(pos, [1, 2])), one(g.rmax(pos, [1, 2]))], 1)
    return g.rmean(v, [1 + lead]), g.rmean(pos, [1 + lead]), rng


def build_explainer(sd: dict[str, np.ndarray], cfg: VimConfig, grad_first_layer: int, debug: bool = False,
                    metadata: dict | None = None, lrp: bool = True, forward_only: bool = False,
                    input_gradient: bool = False, parallel_scan: bool = False) -> onnx.ModelProto:
    """The explainer graph; `forward_only`: the variant without `target` input, gradients and LRP (class-agnostic);
    `input_gradient`: also ∂T/∂image and gradient × input per token (graph/input_gradient.py); `parallel_scan`: the
    GPU-shaped variant, same inputs and outputs, scans without a per-token loop (scan.py)."""
    if not 0 <= grad_first_layer < cfg.depth:
        raise ValueError(f"grad_first_layer must be in [0, {cfg.depth - 1}]")
    sd = {k: np.asarray(v, dtype=np.float32) for k, v in sd.items()}
    g = GraphBuilder("mamba_lens_explainer")
    g.parallel_scan_length = cfg.seq_len if parallel_scan else None
    x0, patches, patch_w = embed_parts(g, cfg, sd, "image")
    x = x0
    taps: dict[str, list[str]] = {}
    collect = lambda k, v, axis=0: taps.setdefault(k, []).append(g.unsqueeze(v, [axis]))  # noqa: E731
    stacked: dict[str, str] = {}

    def stack(k: str) -> str:
        """Output `k` of every layer, [Λ, …]: the taps concatenated (once)."""
        if k not in stacked:
            stacked[k] = g.concat(taps[k], 0)
        return stacked[k]
    # The GPU-shaped graph computes the maps of all layers at once after the forward pass (forward.cls_vectors);
    # the CPU graph layer by layer (smaller intermediates, and its speed was tuned so).
    maps_at_once = parallel_scan
    layers = []
    for i in range(cfg.depth):
        t = layer_forward(g, cfg, layer_weights(sd, i), x, i, needs_backward=not forward_only and (i > grad_first_layer or input_gradient))
        layers.append(t)
        for fam, vec in ([] if maps_at_once else zip(FAMILIES, cls_vectors(g, cfg, t))):
            combined = combine_directions(g, vec)
            mean, pos_mean, rng = _stats(g, combined)
            collect(f"{fam}_mean", mean); collect(f"{fam}_pos_mean", pos_mean); collect(f"{fam}_range", rng)  # noqa: E702
            if debug:
                collect(f"{fam}_full", combined)
        collect("delta", t.delta); collect("B", t.B); collect("C", t.C); collect("A", t.A)  # noqa: E702
        collect("conv_sigmoid", g.sigmoid(t.U))
        collect("gate", g.squeeze(g.slice(t.gate, 0, 1, 0), [0]))
        x = g.add(x, t.out)
    if maps_at_once:
        every = stack_layers(g, layers, stack("delta"), stack("B"), stack("C"))
        for fam, vec in zip(FAMILIES, cls_vectors(g, cfg, every, lead=1)):
            combined = combine_directions(g, vec, lead=1)
            stacked[f"{fam}_mean"], stacked[f"{fam}_pos_mean"], stacked[f"{fam}_range"] = _stats(g, combined, lead=1)
            if debug:
                stacked[f"{fam}_full"] = combined
    norm_f, head_w = g.init("norm_f", sd["norm_f.weight"]), g.init("head_w", sd["head.weight"])
    f, _ = rms_norm(g, g.slice(x, cfg.cls_index, cfg.cls_index + 1, 0), norm_f, cfg.rms_eps)
    logits = g.reshape(g.op("Gemm", [f, head_w, g.init("head_b", sd["head.bias"])], transB=1), [cfg.num_classes])
    g.output("logits", logits)
    if parallel_scan and not forward_only:
        # The head's input (the classifier graph's `features`): the domain guard's Mahalanobis distance reads it
        # from the explain run itself, where a GPU would otherwise run the batch classifier's Scan loops once more.
        g.output("features", g.reshape(f, [cfg.embed_dim]))
    if forward_only:
        shapes = {k: v for k, v in output_shapes(cfg, grad_first_layer, debug, lrp=False).items() if k not in FORWARD_ONLY_DROPS}
        for name in shapes:
            if name != "logits":
                g.output(name, stack(name))
        inputs = [tensor_info("image", [1, cfg.in_chans, cfg.img_size, cfg.img_size])]
        return g.model(inputs, [tensor_info(n, s) for n, s in shapes.items()],
                       doc="Mamba Lens explainer graph, forward-only variant (docs/GRAPH_CONTRACT.md)", metadata=metadata)
    # An all-zero `target` means "explain the predicted class": one run serves the default top-1 case.
    top1 = g.squeeze(g.op("OneHot", [g.op("ArgMax", [logits], axis=0, keepdims=1), g.i64(cfg.num_classes),
                                     g.init("onehot_values", np.array([0, 1], np.float32))], axis=-1), [0])
    target = g.op("Where", [g.op("Equal", [g.rsum(g.op("Abs", ["target"]), [0]), g.f32(0.0)]), top1, "target"], hint="target_eff")

    # Backward: G_{Λ−1} = ∂T/∂x_Λ; G_{l−1} = G_l + (norm+mixer of layer l)ᵀ·G_l, down to grad_first_layer.
    grads = [head_backward(g, cfg, x, norm_f, head_w, target)]
    for i in range(cfg.depth - 1, grad_first_layer, -1):
        grads.append(g.add(grads[-1], layer_backward(g, cfg, layers[i], grads[-1])))
    grads.reverse()
    for gl in grads:
        collect("grad", gl)
        collect("grad_max_pos", g.relu(g.rmax(gl, [1])))

    if lrp:
        g.output("lrp", lrp_relevance(g, cfg, layers, x0, x, norm_f, head_w, target))
    if input_gradient:
        grad_image, grad_input = input_gradient_of(g, cfg, layers, grads[0], grad_first_layer, patches, patch_w)
        g.output("grad_image", grad_image)
        g.output("grad_input", grad_input)
    shapes = output_shapes(cfg, grad_first_layer, debug, lrp, input_gradient)
    for name in shapes:
        if name not in ("logits", "lrp", "grad_image", "grad_input"):
            g.output(name, stack(name))
    inputs = [tensor_info("image", [1, cfg.in_chans, cfg.img_size, cfg.img_size]), tensor_info("target", [cfg.num_classes])]
    outputs = [tensor_info(n, s) for n, s in shapes.items()]
    if parallel_scan:
        outputs.insert(1, tensor_info("features", [cfg.embed_dim]))
    return g.model(inputs, outputs, doc="Mamba Lens explainer graph (docs/GRAPH_CONTRACT.md)", metadata=metadata)
