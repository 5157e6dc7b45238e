"""Card numbers for the BUS-BRA model from graph scores (test/main/models/score-busbra.ts output).

    /usr/bin/python3 -m vimlens.evaluate calibrate --scores DIR --out T.json
        fits the temperature on the VALIDATION logits only (NLL), and picks the decision threshold on the
        validation probabilities (Youden's J). Nothing from the test split is read.
    /usr/bin/python3 -m vimlens.evaluate report --scores DIR --calib T.json --out metrics.json
        [--counterfactual DIR2] [--shortcuts]
        test-set metrics at that threshold (AUC, sensitivity, specificity, balanced accuracy) with 95%
        patient-clustered bootstrap intervals, calibration, and the shortcut analysis (relevance on
        burned-in marks and on the lesion; prediction change when the marks are in-painted).

Probabilities are softmax(logits / T); when the exported graph already has 1/T folded into its head,
calibrate is not re-run and T = 1 is passed (`--temperature 1`).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from . import metrics as M
from .busbra import DEFAULT_SRC, image_path, load_stretched, mask_path


def load_scores(folder: Path) -> dict:
    s = json.loads((Path(folder) / "scores.json").read_text())
    rows = s["rows"]
    out = {}
    for split in ("val", "test"):
        r = [x for x in rows if x["split"] == split]
        out[split] = {"ids": [x["id"] for x in r], "logits": np.array([x["logits"] for x in r], dtype=np.float64),
                      "labels": np.array([x["label"] for x in r]), "patients": np.array([x["patient"] for x in r])}
    return out


def prob(logits: np.ndarray, T: float) -> np.ndarray:
    return 1 / (1 + np.exp((logits[:, 0] - logits[:, 1]) / T))


def nll(p, y) -> float:
    return float(-np.mean(np.log(np.clip(np.where(y == 1, p, 1 - p), 1e-12, 1))))


def fit_temperature(logits, y) -> float:
    grid = np.exp(np.linspace(np.log(0.25), np.log(4), 2001))
    losses = [nll(prob(logits, t), y) for t in grid]
    return float(grid[int(np.argmin(losses))])


def cmd_calibrate(a) -> int:
    s = load_scores(a.scores)["val"]
    T = fit_temperature(s["logits"], s["labels"]) if a.temperature is None else a.temperature
    p = prob(s["logits"], T)
    thr = M.youden_threshold(p, s["labels"])
    res = {"temperature": T, "threshold": thr, "thresholdRule": "Youden's J (max sensitivity + specificity - 1) on the validation split",
           "validation": {"n": int(len(p)), **M.summary(p, s["labels"], thr), "nllBefore": nll(prob(s["logits"], 1.0), s["labels"]),
                          "nllAfter": nll(p, s["labels"]), "calibrationBefore": M.calibration(prob(s["logits"], 1.0), s["labels"]),
                          "calibrationAfter": M.calibration(p, s["labels"])}}
    Path(a.out).write_text(json.dumps(res, indent=1) + "\n")
    print(json.dumps({k: v for k, v in res.items() if k != "validation"}), json.dumps({k: res["validation"][k] for k in ("auc", "sensitivity", "specificity", "nllBefore", "nllAfter")}))
    return 0


def shortcut_analysis(scores_dir: Path, src: Path, ids: list[str], card: dict) -> dict:
    from .shortcuts import detect_marks, mamba_attribution, raw_attention, to_grid, upsample_map
    from PIL import Image
    info = json.loads((scores_dir / "taps.json").read_text())
    if info["ids"] != ids:
        raise ValueError("taps.json ids differ from the test rows")
    taps = {k: np.fromfile(scores_dir / f"taps_{k}.f32", dtype=np.float32).reshape(len(ids), *info["shapes"][k]) for k in info["shapes"]}
    size, grid, patch, cls, gf = card["input"]["shape"][2], card["grid"][0], card["patchSize"], card["clsIndex"], card["gradFirstLayer"]
    per = []
    for k, i in enumerate(ids):
        im = np.asarray(Image.open(image_path(src, i)).convert("L"))
        marks = to_grid(detect_marks(im), size)
        lesion = load_stretched(mask_path(src, i), size, mask=True).astype(bool)
        yy, xx = np.nonzero(lesion)
        near = np.zeros_like(lesion)
        if len(yy):  # lesion bounding box grown by one patch (16 px): where the calipers sit
            near[max(yy.min() - patch, 0):yy.max() + patch + 1, max(xx.min() - patch, 0):xx.max() + patch + 1] = True
        maps = {"mambaAttribution": upsample_map(mamba_attribution(taps["hma_pos_mean"][k], taps["hma_range"][k], taps["grad_max_pos"][k], gf, cls), cls, grid, patch),
                "rawAttention": upsample_map(raw_attention(taps["hma_mean"][k], taps["hma_range"][k], gf), cls, grid, patch)}
        row = {"id": i, "markArea": float(marks.mean()), "markAreaNearLesion": float((marks & near).mean()), "lesionArea": float(lesion.mean())}
        for name, m in maps.items():
            tot = float(m.sum()) or 1.0
            row[name] = {"onMarks": float(m[marks].sum() / tot), "onMarksNearLesion": float(m[marks & near].sum() / tot),
                         "onMarksAway": float(m[marks & ~near].sum() / tot), "onLesion": float(m[lesion].sum() / tot),
                         "onLesionBox": float(m[near].sum() / tot)}
        per.append(row)
    with_marks = [r for r in per if r["markArea"] > 0]
    out = {"detector": "vimlens/shortcuts.py: 15x15-median excess >= 80 and grey >= 150, components <= 40x40 px with peak excess >= 110, dilated 1 px; mapped to 224x224 by the stretch resize",
           "imagesWithMarks": len(with_marks), "images": len(per),
           "meanMarkAreaShare": float(np.mean([r["markArea"] for r in with_marks])) if with_marks else 0.0,
           "meanLesionAreaShare": float(np.mean([r["lesionArea"] for r in per]))}
    for name in ("mambaAttribution", "rawAttention"):
        rel = np.array([r[name]["onMarks"] for r in with_marks])
        area = np.array([r["markArea"] for r in with_marks])
        out[name] = {"meanRelevanceShareOnMarks": float(rel.mean()), "meanAreaShareOfMarks": float(area.mean()),
                     "enrichment": float(rel.mean() / max(area.mean(), 1e-12)),
                     "imagesWhereShareExceedsArea": float(np.mean(rel > area)),
                     "meanShareOnMarksNearLesion": float(np.mean([r[name]["onMarksNearLesion"] for r in with_marks])),
                     "meanShareOnMarksAway": float(np.mean([r[name]["onMarksAway"] for r in with_marks])),
                     "meanShareOnLesion": float(np.mean([r[name]["onLesion"] for r in per])),
                     "lesionEnrichment": float(np.mean([r[name]["onLesion"] for r in per]) / max(np.mean([r["lesionArea"] for r in per]), 1e-12)),
                     "meanShareOnLesionBox": float(np.mean([r[name]["onLesionBox"] for r in per]))}
    return {"summary": out, "perImage": per}


def cmd_report(a) -> int:
    calib = json.loads(Path(a.calib).read_text())
    T = calib["temperature"] if a.temperature is None else a.temperature
    thr = calib["threshold"]
    s = load_scores(a.scores)["test"]
    p = prob(s["logits"], T)
    y = s["labels"]
    point = M.summary(p, y, thr)
    counts = M.at_threshold(p, y, thr)
    ci = M.bootstrap_ci(p, y, s["patients"], thr, n=a.bootstrap, seed=0)
    res = {"split": "test", "n": int(len(y)), "malignant": int(y.sum()), "benign": int((1 - y).sum()), "patients": int(len(set(s["patients"].tolist()))),
           "threshold": thr, "temperatureApplied": T, **{k: point[k] for k in point},
           "counts": {k: counts[k] for k in ("tp", "fn", "tn", "fp")},
           "ci95": ci, "bootstrap": f"{a.bootstrap} patient-clustered resamples (percentile intervals), seed 0",
           "calibration": M.calibration(p, y)}
    if a.counterfactual:
        c = load_scores(a.counterfactual)["test"]
        if c["ids"] != s["ids"]:
            raise ValueError("counterfactual ids differ")
        pc = prob(c["logits"], T)
        res["marksInpainted"] = {"auc": M.roc_auc(pc, y), **{k: v for k, v in M.summary(pc, y, thr).items() if k != "auc"},
                                 "meanAbsDeltaP": float(np.mean(np.abs(pc - p))), "maxAbsDeltaP": float(np.max(np.abs(pc - p))),
                                 "decisionsChanged": int(np.sum((pc >= thr) != (p >= thr)))}
    if a.shortcuts:
        card = json.loads(Path(a.card).read_text())
        sa = shortcut_analysis(Path(a.scores), Path(a.src), s["ids"], card)
        res["shortcuts"] = sa["summary"]
        Path(a.out).with_name(Path(a.out).stem + "_shortcuts_per_image.json").write_text(json.dumps(sa["perImage"]) + "\n")
    Path(a.out).write_text(json.dumps(res, indent=1) + "\n")
    print(json.dumps({k: res[k] for k in ("n", "auc", "sensitivity", "specificity", "balancedAccuracy", "ci95")}))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="vimlens.evaluate")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("calibrate")
    c.add_argument("--scores", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--temperature", type=float, default=None)
    r = sub.add_parser("report")
    r.add_argument("--scores", type=Path, required=True)
    r.add_argument("--calib", type=Path, required=True)
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--temperature", type=float, default=None)
    r.add_argument("--counterfactual", type=Path, default=None)
    r.add_argument("--shortcuts", action="store_true")
    r.add_argument("--card", type=Path, default=None)
    r.add_argument("--src", type=Path, default=DEFAULT_SRC)
    r.add_argument("--bootstrap", type=int, default=2000)
    a = ap.parse_args(argv)
    return cmd_calibrate(a) if a.cmd == "calibrate" else cmd_report(a)


if __name__ == "__main__":
    sys.exit(main())
