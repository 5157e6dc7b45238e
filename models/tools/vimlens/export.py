"""Export a Vim checkpoint as the Mamba Lens explainer graph + model card.

    python -m vimlens.export CHECKPOINT --name NAME [--out-dir models] [--grad-first-layer 15]
        [--labels labels.json] [--card-extra extra.json] [--default] [--forward-variant] [--classifier-variant]
        [--gpu-variant] [--input-gradient]

Writes `<out-dir>/<name>.onnx`, `<name>.matrices.onnx`, `<name>.json` (with --forward-variant also
`<name>.forward.onnx`, with --classifier-variant `<name>.classifier.onnx`, with --gpu-variant `<name>.gpu.onnx`)
atomically: on any error nothing is left behind (temporary files are removed),
and existing files are only replaced once all are complete. The variant graphs read the weights they share
with the explainer from `<name>.onnx` itself (external data into its bytes, variants.py): one copy of the weights.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import onnx

from .checkpoint import CheckpointError, load_vim, sha256_file
from .config import IMAGENET_MEAN, IMAGENET_STD, VimConfig
from .graph.explainer import build_explainer, output_shapes
from .graph.matrices import build_matrices
from .variants import save_variant

MEANINGS = {
    "logits": "class scores", "hma_mean": "official H-MA CLS vector a_l (with its off-by-one), mean over E",
    "hma_pos_mean": "mean over E of a_l clamped at 0", "hma_range": "[min a, max a, min a+, max a+] over (E, L)",
    "true_mean": "true CLS row alpha[c*,:] fwd+flip(bwd), mean over E", "true_pos_mean": "mean over E of the true row clamped",
    "true_range": "[min, max, min+, max+] of the true row", "uia_mean": "UIA CLS vector u_f+flip(u_r), mean over E",
    "uia_pos_mean": "mean over E of the UIA vector clamped", "uia_range": "[min, max, min+, max+] of the UIA vector",
    "grad_max_pos": "max_k (dT/dh_l)+ for layers gradFirstLayer..depth-1", "grad": "dT/dh_l (mixer output) for those layers",
    "delta": "Delta per layer, direction (scan order)", "B": "B per layer, direction (scan order)",
    "C": "C per layer, direction (scan order)", "A": "A = -exp(A_log)", "conv_sigmoid": "sigmoid of the conv output (UIA)",
    "gate": "SiLU(Z) in original token order",
    "lrp": "MambaLRP relevance per token embedding (Gradient x Input with LRP rules), incl. CLS",
    "grad_image": "dT/d image (plain gradient, normalised image space)",
    "grad_input": "gradient x input summed over each patch's pixels, per token (CLS 0)",
}
IMAGENET = {"mean": list(IMAGENET_MEAN), "std": list(IMAGENET_STD)}


def make_card(name: str, cfg: VimConfig, ckpt: Path, onnx_sha: str, grad_first: int, labels: list[str], extra: dict,
              proto: onnx.ModelProto | None = None, input_gradient: bool = False) -> dict:
    shapes = output_shapes(cfg, grad_first, input_gradient=input_gradient)
    card = {
        "name": name, "file": f"{name}.onnx", "sha256": onnx_sha, "format": "mamba-lens-explainer/1",
        "architecture": {"family": "Vim (bimamba v2, middle CLS, div2)", **cfg.to_dict()},
        "input": {"name": "image", "shape": [1, cfg.in_chans, cfg.img_size, cfg.img_size], "resize": "resize-shorter-center-crop",
                  "colorSpace": "RGB", "scale": "1/255", **IMAGENET},
        "target": {"name": "target", "shape": [cfg.num_classes], "zeroMeansArgmax": True,
                   "meaning": "one-hot weights of the explained logit; all zeros = the predicted class"},
        "classes": labels, "layers": cfg.depth, "tokens": cfg.seq_len, "clsIndex": cfg.cls_index,
        "grid": [cfg.grid, cfg.grid], "patchSize": cfg.patch_size, "gradFirstLayer": grad_first,
        "outputs": {k: {"shape": v, "meaning": MEANINGS[k]} for k, v in shapes.items()},
        "source": {"checkpoint": ckpt.name, "checkpointSha256": sha256_file(ckpt)},
        "matricesGraph": {"file": f"{name}.matrices.onnx", "sha256": None},  # set once the graph is written
        "graph": {"nodes": len(proto.graph.node) if proto else None, "opset": 17, "builder": "models/tools/vimlens/graph"},
        "default": False,
    }
    card.update(extra)
    return card


def export(ckpt: Path, name: str, out_dir: Path, grad_first: int, labels: list[str] | None, extra: dict,
           forward_variant: bool = False, classifier_variant: bool = False, input_gradient: bool = False,
           gpu_variant: bool = False) -> tuple[Path, Path]:
    model, cfg, sd = load_vim(ckpt)
    del model
    labels = labels or [f"class {i}" for i in range(cfg.num_classes)]
    if len(labels) != cfg.num_classes:
        raise CheckpointError(f"{len(labels)} labels given for {cfg.num_classes} classes")
    weights = {k: v.numpy() for k, v in sd.items()}
    metadata = {"mamba_lens_model": name, "source_sha256": sha256_file(ckpt)}
    proto = build_explainer(weights, cfg, grad_first, input_gradient=input_gradient, metadata=metadata)
    onnx.checker.check_model(proto)
    out_dir.mkdir(parents=True, exist_ok=True)
    temporaries: list[str] = []
    try:
        fd, tmp_onnx = tempfile.mkstemp(dir=out_dir, suffix=".onnx.part"); os.close(fd)  # noqa: E702
        temporaries.append(tmp_onnx)
        explainer_bytes = proto.SerializeToString()
        Path(tmp_onnx).write_bytes(explainer_bytes)
        card = make_card(name, cfg, ckpt, hashlib.sha256(explainer_bytes).hexdigest(), grad_first, labels, extra, proto, input_gradient)
        published = []
        # Every variant reads the weights it shares with the explainer from the explainer's file (variants.py).
        kinds = [k for k, on in (("forward", forward_variant), ("classifier", classifier_variant), ("gpu", gpu_variant)) if on]
        for kind in kinds:
            tmp, key, card[key] = save_variant(kind, weights, cfg, grad_first, input_gradient, out_dir, name, explainer_bytes, metadata)
            temporaries.append(tmp)
            published.append((tmp, out_dir / card[key]["file"]))
        fd, tmp_mat = tempfile.mkstemp(dir=out_dir, suffix=".onnx.part"); os.close(fd)  # noqa: E702
        temporaries.append(tmp_mat)
        onnx.save(build_matrices(cfg.seq_len, cfg.d_inner, cfg.d_state), tmp_mat)
        # Every file the card names carries its sha256; the app refuses a graph that does not match.
        card["matricesGraph"]["sha256"] = hashlib.sha256(Path(tmp_mat).read_bytes()).hexdigest()
        fd, tmp_card = tempfile.mkstemp(dir=out_dir, suffix=".json.part"); os.close(fd)  # noqa: E702
        temporaries.append(tmp_card)
        Path(tmp_card).write_text(json.dumps(card, indent=1) + "\n")
        onnx_path, card_path = out_dir / f"{name}.onnx", out_dir / f"{name}.json"
        # Publish only once all files are complete (mkstemp files are 0600: make them readable).
        for tmp, dest in published + [(tmp_mat, out_dir / f"{name}.matrices.onnx"), (tmp_onnx, onnx_path), (tmp_card, card_path)]:
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
        temporaries.clear()
        return onnx_path, card_path
    finally:
        for p in temporaries:
            if os.path.exists(p):
                os.unlink(p)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="vimlens.export", description=__doc__.split("\n\n")[0])
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--name", required=True)
    ap.add_argument("--out-dir", type=Path, default=Path("models"))
    ap.add_argument("--grad-first-layer", type=int, default=None, help="lowest layer with gradients (default: depth*5/8, 15 for 24 layers)")
    ap.add_argument("--labels", type=Path, help="JSON array of class labels")
    ap.add_argument("--card-extra", type=Path, help="JSON object merged into the model card (data, licence, metrics)")
    ap.add_argument("--default", action="store_true", help="mark as the app's default model")
    ap.add_argument("--forward-variant", action="store_true",
                    help="also write NAME.forward.onnx (no target input, no gradient/LRP outputs) for class-agnostic requests")
    ap.add_argument("--classifier-variant", action="store_true",
                    help="also write NAME.classifier.onnx (batch of N images -> logits, head features) for perturbation and the domain guard")
    ap.add_argument("--input-gradient", action="store_true",
                    help="also output grad_image (dT/d image) and grad_input (gradient x input per token) for the gradient baselines")
    ap.add_argument("--gpu-variant", action="store_true",
                    help="also write NAME.gpu.onnx (same outputs, scans without a per-token loop) for GPU providers")
    a = ap.parse_args(argv)
    try:
        labels = json.loads(a.labels.read_text()) if a.labels else None
        extra = json.loads(a.card_extra.read_text()) if a.card_extra else {}
        if a.default:
            extra["default"] = True
        from .checkpoint import infer_config, read_state_dict
        depth = infer_config(read_state_dict(a.checkpoint)).depth
        gf = a.grad_first_layer if a.grad_first_layer is not None else (depth * 5) // 8
        onnx_path, card_path = export(a.checkpoint, a.name, a.out_dir, gf, labels, extra, a.forward_variant, a.classifier_variant, a.input_gradient, a.gpu_variant)
    except (CheckpointError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size / 1e6:.1f} MB) and {card_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
