"""Prepare the compact, git-ignored training copy of BUS-BRA that travels to the GPU machine.

    /usr/bin/python3 -m vimlens.prepare_busbra [--src ../shared/data/busbra] [--out .work/busbra-compact]
        [--size 224] [--quality 90] [--splits train,val]

Writes `<out>/data.npz` (images: PIL-bilinear 'stretch' to size×size, grayscale, JPEG q`quality`
4:4:4 in one byte blob + offsets; masks: same resize, thresholded at 0.5, bit-packed) and
`<out>/split.json` (every image's patient, label, fold and split, plus the split rule). By default only
train + validation images are copied: the test images never leave ../shared/data (they are only read
on the CPU machine, by evaluate.py and the CI test). Never commit this folder (/.work/ is ignored).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from .busbra import CLASSES, DEFAULT_SRC, TEST_FOLD, VAL_FOLD, encode_jpeg, image_path, load_stretched, mask_path, read_records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="vimlens.prepare_busbra")
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC)
    ap.add_argument("--out", type=Path, default=Path(".work/busbra-compact"))
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--quality", type=int, default=90)
    ap.add_argument("--splits", default="train,val")
    a = ap.parse_args(argv)
    t0 = time.time()
    recs = read_records(a.src)
    keep = set(a.splits.split(","))
    sel = [r for r in recs if r["split"] in keep]
    blobs, masks, digest = [], [], hashlib.sha256()
    for r in sel:
        p = image_path(a.src, r["id"])
        digest.update(p.read_bytes())
        blobs.append(encode_jpeg(load_stretched(p, a.size), a.quality))
        masks.append(np.packbits(load_stretched(mask_path(a.src, r["id"]), a.size, mask=True).reshape(-1)))
    offsets = np.cumsum([0] + [len(b) for b in blobs]).astype(np.int64)
    a.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(a.out / "data.npz", ids=np.array([r["id"] for r in sel]), size=np.int64(a.size),
                        jpeg=np.frombuffer(b"".join(blobs), dtype=np.uint8), offsets=offsets, masks=np.stack(masks))
    counts = {s: {c: sum(1 for r in recs if r["split"] == s and r["label"] == k) for k, c in enumerate(CLASSES)} for s in ("train", "val", "test")}
    patients = {s: len({r["case"] for r in recs if r["split"] == s}) for s in ("train", "val", "test")}
    info = {"source": "BUS-BRA (../shared/data/busbra)", "rule": f"5-fold-cv.csv kFold: test = fold {TEST_FOLD}, validation = fold {VAL_FOLD}, train = other folds",
            "testFold": TEST_FOLD, "valFold": VAL_FOLD, "counts": counts, "patients": patients, "size": a.size, "quality": a.quality,
            "resize": "PIL bilinear stretch to size x size, grayscale", "copied": sorted(keep), "sourceImagesSha256": digest.hexdigest(),
            "classes": CLASSES, "records": recs}
    (a.out / "split.json").write_text(json.dumps(info, indent=0) + "\n")
    mb = (a.out / "data.npz").stat().st_size / 1e6
    print(f"wrote {a.out}/data.npz ({len(sel)} images, {mb:.1f} MB) and split.json in {time.time() - t0:.0f}s; counts {counts}; patients {patients}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
