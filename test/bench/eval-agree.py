"""How far apart two evaluation runs' records are for the images both computed, e.g. the CPU (Scan graphs) and CUDA
(GPU graphs) runs of docs/GPU.md: python3 test/bench/eval-agree.py <out dir A> <out dir B>. Only images whose
records are complete in both and were computed on different providers (`computedOn`) are compared. The random
baseline is left out: it is seeded from the bits of the image's hma_mean, so the two draw different chance maps."""
import json
import os
import sys

A, B = sys.argv[1], sys.argv[2]


def record(d, f):
    p = os.path.join(d, "images", f)
    if not os.path.exists(p):
        return None
    r = json.load(open(p))
    return r if all(m.get("perturbation") is not None for m in r["methods"].values()) else None


pairs = []
for f in sorted(os.listdir(os.path.join(A, "images"))):
    a, b = record(A, f), record(B, f)
    if a is not None and b is not None and a.get("computedOn") != b.get("computedOn"):
        pairs.append((a, b))
worst = {}
flips = {"explained": 0, "hit": 0, "topPatch": 0, "positiveCorrect": 0, "negativeCorrect": 0}
cells = 0
for a, b in pairs:
    flips["explained"] += a["explained"] != b["explained"]
    for mid, ma in a["methods"].items():
        if mid == "random-baseline":
            continue
        mb = b["methods"][mid]
        flips["topPatch"] += ma["topPatch"] != mb["topPatch"]
        flips["hit"] += ma["localisation"]["hit"] != mb["localisation"]["hit"]
        for k in ("mass", "patchAuroc"):
            worst[k] = max(worst.get(k, 0.0), abs(ma["localisation"][k] - mb["localisation"][k]))
        pa, pb = ma["perturbation"], mb["perturbation"]
        for k in ("deletion", "insertion"):
            worst[k] = max(worst.get(k, 0.0), max(abs(x - y) for x, y in zip(pa[k], pb[k])))
        for k in ("positiveCorrect", "negativeCorrect"):
            flips[k] += sum(x != y for x, y in zip(pa[k], pb[k]))
        cells += len(pa["positiveCorrect"]) + len(pa["negativeCorrect"])
print(json.dumps({"images": len(pairs), "providers": sorted({a.get("computedOn", "") for a, _ in pairs} | {b.get("computedOn", "") for _, b in pairs}),
                  "maxAbsDiff": worst, "flips": flips, "perturbationCells": cells}, indent=1))
