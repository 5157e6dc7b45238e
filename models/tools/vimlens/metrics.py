"""Binary-classification metrics for the model card (numpy only): ROC AUC (Mann–Whitney, ties = ½),
sensitivity / specificity / balanced accuracy at a threshold, Youden threshold, calibration (ECE,
Brier, reliability bins) and patient-clustered bootstrap confidence intervals."""
from __future__ import annotations

import numpy as np


def roc_auc(scores, labels) -> float:
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=np.float64)
    ss = s[order]
    i = 0
    while i < len(ss):  # average ranks over ties
        j = i
        while j + 1 < len(ss) and ss[j + 1] == ss[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def at_threshold(scores, labels, thr: float) -> dict:
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels).astype(bool)
    pred = s >= thr
    tp, fn = int((pred & y).sum()), int((~pred & y).sum())
    tn, fp = int((~pred & ~y).sum()), int((pred & ~y).sum())
    sens = tp / max(tp + fn, 1)
    spec = tn / max(tn + fp, 1)
    return {"sensitivity": sens, "specificity": spec, "balancedAccuracy": (sens + spec) / 2, "tp": tp, "fn": fn, "tn": tn, "fp": fp}


def youden_threshold(scores, labels) -> float:
    """Threshold maximising sensitivity + specificity − 1 (ties: the one closest to 0.5); midpoint between
    adjacent distinct scores so that it does not sit on a sample."""
    s = np.unique(np.asarray(scores, dtype=np.float64))
    cands = np.concatenate([[s[0] - 1e-6], (s[1:] + s[:-1]) / 2, [s[-1] + 1e-6]])
    best, best_t = -1.0, 0.5
    for t in cands:
        m = at_threshold(scores, labels, t)
        j = m["sensitivity"] + m["specificity"] - 1
        if j > best + 1e-12 or (abs(j - best) <= 1e-12 and abs(t - 0.5) < abs(best_t - 0.5)):
            best, best_t = j, float(t)
    return best_t


def calibration(probs, labels, bins: int = 10) -> dict:
    p, y = np.asarray(probs, dtype=np.float64), np.asarray(labels).astype(np.float64)
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        sel = idx == b
        if sel.any():
            conf, acc = float(p[sel].mean()), float(y[sel].mean())
            ece += sel.mean() * abs(conf - acc)
            table.append({"bin": [round(edges[b], 2), round(edges[b + 1], 2)], "n": int(sel.sum()), "meanPredicted": round(conf, 4), "observedMalignant": round(acc, 4)})
    # Calibration slope/intercept: logistic regression of y on logit(p) (Newton, 2 parameters).
    z = np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))
    w = np.zeros(2)
    X = np.stack([np.ones_like(z), z], 1)
    for _ in range(50):
        q = 1 / (1 + np.exp(-X @ w))
        H = X.T @ (X * (q * (1 - q))[:, None]) + 1e-9 * np.eye(2)
        w -= np.linalg.solve(H, X.T @ (q - y))
    return {"ece10": float(ece), "brier": float(np.mean((p - y) ** 2)), "calibrationIntercept": float(w[0]),
            "calibrationSlope": float(w[1]), "reliability": table}


def summary(scores, labels, thr: float) -> dict:
    m = at_threshold(scores, labels, thr)
    return {"auc": roc_auc(scores, labels), **{k: m[k] for k in ("sensitivity", "specificity", "balancedAccuracy")}}


def bootstrap_ci(scores, labels, clusters, thr: float, n: int = 2000, seed: int = 0, alpha: float = 0.05) -> dict:
    """Percentile 95% intervals; resampling unit = patient (cluster), so both views of one lesion move together."""
    s, y, c = np.asarray(scores, dtype=np.float64), np.asarray(labels), np.asarray(clusters)
    uniq, inv = np.unique(c, return_inverse=True)
    members = [np.where(inv == k)[0] for k in range(len(uniq))]
    rng = np.random.default_rng(seed)
    acc: dict[str, list] = {}
    for _ in range(n):
        pick = rng.integers(0, len(uniq), len(uniq))
        idx = np.concatenate([members[k] for k in pick])
        if y[idx].min() == y[idx].max():
            continue
        for k, v in summary(s[idx], y[idx], thr).items():
            acc.setdefault(k, []).append(v)
    return {k: [float(np.quantile(v, alpha / 2)), float(np.quantile(v, 1 - alpha / 2))] for k, v in acc.items()}
