"""How much of each method's relevance falls on burned-in marks (caliper crosses, text), from the per-image
patch maps a `mamba-lens eval` run keeps in `<out>/maps/` (derived data: never committed).

    python -m vimlens.eval_marks EVAL_OUT BUSBRA_DIR [--out EVAL_OUT/marks.json]

The mark mask of each image is kept in EVAL_OUT/marks/ (as the run's maps: never commit it), so a rerun after
more images were evaluated only reads the new ones.

Marks: shortcuts.detect_marks at the PNG's own resolution, carried to 224×224 by the card's 'stretch' resize
(a triangle filter: bilinear with antialiasing, as PIL's and torch's; kept where ≥ 0.25, as shortcuts.to_grid).
Maps: each method's 14×14 patch relevance for the explained class, clamped at 0, bilinear ×16 (§3.1). Per method: mean share of relevance on marks over
the images that have marks, the marks' mean area share, their ratio (enrichment: 1 = no preference), and the
share of images where the relevance share exceeds the area share. Reads PNGs with zlib (8-bit grey,
non-interlaced, as every BUS-BRA image is); numpy only (no Pillow, no torch), so it runs wherever the
evaluation runs.
"""
from __future__ import annotations

import argparse
import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np

from .shortcuts import detect_marks


def _unfilter_row(kind: int, line: bytes, prev: list[int]) -> list[int]:
    """PNG filter types 0–4 for one row of 8-bit grey (one byte per pixel), as in the PNG spec §9."""
    if kind == 0:
        return list(line)
    if kind == 2:
        return [(x + b) & 255 for x, b in zip(line, prev)]
    cur: list[int] = []
    a = c = 0
    for x, b, v in zip(range(len(line)), prev, line):
        if kind == 1:
            pred = a
        elif kind == 3:
            pred = (a + b) >> 1
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
        a = (v + pred) & 255
        cur.append(a)
        c = b
    return cur


def read_grey_png(path: Path) -> np.ndarray:
    """8-bit greyscale, non-interlaced PNG → uint8 (H, W); anything else raises ValueError."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path.name}: not a PNG")
    pos, idat, w, h = 8, [], 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if (depth, colour, interlace) != (8, 0, 0):
                raise ValueError(f"{path.name}: only 8-bit grey non-interlaced PNGs are read here")
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    raw = zlib.decompress(b"".join(idat))
    rows, prev = [], [0] * w
    for y in range(h):
        row = raw[y * (w + 1):(y + 1) * (w + 1)]
        prev = _unfilter_row(row[0], row[1:], prev)
        rows.append(prev)
    return np.array(rows, np.uint8)


def _weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) triangle-filter weights: bilinear, widened by the scale when shrinking (antialiasing)."""
    scale = n_in / n_out
    support = max(scale, 1.0)
    centre = (np.arange(n_out) + 0.5) * scale
    w = np.clip(1 - np.abs((np.arange(n_in)[None, :] + 0.5 - centre[:, None]) / support), 0, None)
    return w / w.sum(1, keepdims=True)


def resize(a: np.ndarray, h: int, w: int) -> np.ndarray:
    """Separable triangle-filter resize of a 2-D array to (h, w)."""
    return _weights(a.shape[0], h) @ a.astype(np.float64) @ _weights(a.shape[1], w).T


def marks_on_grid(img: np.ndarray, size: int = 224) -> np.ndarray:
    return resize(detect_marks(img).astype(np.float64), size, size) >= 0.25


def upsample(patch: list[float], grid: int = 14, factor: int = 16) -> np.ndarray:
    return np.clip(resize(np.asarray(patch, np.float64).reshape(grid, grid), grid * factor, grid * factor), 0, None)


def share_on(heat: np.ndarray, marks: np.ndarray) -> float | None:
    """Fraction of the (non-negative) relevance on the mark pixels; None for an all-zero map."""
    total = float(heat.sum())
    return float(heat[marks].sum()) / total if total > 0 else None


def summarise(per: dict[str, list[tuple[float, float]]]) -> dict:
    out = {}
    for method, vals in per.items():
        share, area = np.array(vals).T
        out[method] = {"n": len(vals), "meanShareOnMarks": float(share.mean()), "meanMarkArea": float(area.mean()),
                       "enrichment": float(share.mean() / area.mean()), "imagesShareAboveArea": float((share > area).mean())}
    return out


def mark_shares(eval_out: Path, busbra: Path) -> dict:
    per: dict[str, list[tuple[float, float]]] = {}
    images = with_marks = 0
    cache = eval_out / "marks"  # per-image mark masks (derived from the images: stays in the run's folder)
    cache.mkdir(exist_ok=True)
    for f in sorted((eval_out / "maps").glob("*.json")):
        maps = json.loads(f.read_text())["explained"]
        cached = cache / f"{f.stem}.npy"
        if cached.exists():
            marks = np.load(cached)
        else:
            marks = marks_on_grid(read_grey_png(busbra / "Images" / f"{f.stem}.png"))
            np.save(cached, marks)
        images += 1
        if not marks.any():
            continue
        with_marks += 1
        area = float(marks.mean())
        for method, patch in maps.items():
            share = share_on(upsample(patch), marks)
            if share is not None:
                per.setdefault(method, []).append((share, area))
    return {"images": images, "imagesWithMarks": with_marks,
            "detector": "vimlens/shortcuts.py detect_marks, stretch to 224 (triangle filter, >= 0.25)", "methods": summarise(per)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="vimlens.eval_marks", description=__doc__.split("\n\n")[0])
    ap.add_argument("eval_out", type=Path)
    ap.add_argument("busbra", type=Path)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    try:
        res = mark_shares(a.eval_out, a.busbra)
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    (a.out or a.eval_out / "marks.json").write_text(json.dumps(res, indent=1) + "\n")
    print(f"{res['imagesWithMarks']}/{res['images']} images with marks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
