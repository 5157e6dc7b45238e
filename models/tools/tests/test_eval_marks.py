"""Relevance on burned-in marks (vimlens.eval_marks) with known answers: the PNG reader against a hand-built
PNG using every filter type, the resize against hand-computed weights, the detector on a drawn caliper
cross, and the mark shares of a map that sits on the cross (share 1), a flat map (share = area) and a map
away from it (share 0)."""
import json
import struct
import zlib

import numpy as np
import pytest

from vimlens.eval_marks import mark_shares, marks_on_grid, read_grey_png, resize, upsample
from vimlens.shortcuts import _median, detect_marks


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def write_png(path, img: np.ndarray) -> None:
    """8-bit grey PNG whose row y uses filter type y % 5 (encoder written from the PNG spec)."""
    h, w = img.shape
    raw, prev = b"", [0] * w
    for y in range(h):
        kind, row = y % 5, [int(v) for v in img[y]]
        out = []
        for x in range(w):
            a, b, c = (row[x - 1] if x else 0), prev[x], (prev[x - 1] if x else 0)
            pred = [0, a, b, (a + b) >> 1, _paeth(a, b, c)][kind]
            out.append((row[x] - pred) & 255)
        raw += bytes([kind] + out)
        prev = row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def speckle_with_cross(size: int = 224, seed: int = 0) -> tuple[np.ndarray, tuple[slice, slice]]:
    """Dark speckle (values 20–60) with a near-white 1-px '+' of 15 px at rows/cols 40..54 (top-left patch block)."""
    img = np.random.default_rng(seed).integers(20, 61, (size, size)).astype(np.uint8)
    img[47, 40:55] = 250
    img[40:55, 47] = 250
    return img, (slice(39, 56), slice(39, 56))


def test_png_reader_every_filter(tmp_path):
    img = np.random.default_rng(1).integers(0, 256, (11, 13)).astype(np.uint8)
    write_png(tmp_path / "x.png", img)
    assert np.array_equal(read_grey_png(tmp_path / "x.png"), img)


def test_png_reader_rejects_colour(tmp_path):
    (tmp_path / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0) + b"\0" * 4)
    with pytest.raises(ValueError):
        read_grey_png(tmp_path / "c.png")


def test_resize_known_weights():
    # Halving (scale 2, support 2): output 0 weighs inputs 0, 1, 2 by 0.75, 0.75, 0.25 (input −1 lies outside
    # and is dropped, the rest renormalised) → 1.25 / 1.75; inner outputs are the mean of the 2 covered inputs.
    ramp = np.arange(8, dtype=float)[None, :].repeat(2, 0)
    assert np.allclose(resize(ramp, 2, 4), [[5 / 7, 2.5, 4.5, 44 / 7]] * 2)
    # Upsampling ×2 of [0, 1] (align_corners=False): 0, 0.25, 0.75, 1.
    assert np.allclose(resize(np.array([[0.0, 1.0]]), 1, 4)[0], [0, 0.25, 0.75, 1])
    assert np.allclose(upsample([1.0] * 196).sum(), 224 * 224)


def test_median_and_detector_find_the_cross():
    img, box = speckle_with_cross()
    med = _median(img, 15)
    assert 20 <= med.min() and med.max() <= 60  # a 1-px stroke never reaches a 15×15 median
    marks = detect_marks(img)
    inside = np.zeros_like(marks)
    inside[box] = True
    assert marks[47, 40:55].all() and marks[40:55, 47].all()
    assert not marks[~inside].any()  # speckle is never a mark


def test_mark_shares_known_answers(tmp_path):
    img, _ = speckle_with_cross()
    (tmp_path / "Images").mkdir()
    write_png(tmp_path / "Images" / "bus_0001-l.png", img)
    write_png(tmp_path / "Images" / "bus_0002-l.png", np.full((224, 224), 40, np.uint8))  # no marks
    (tmp_path / "out" / "maps").mkdir(parents=True)
    on = np.zeros((14, 14))
    on[2:4, 2:4] = 1  # patches over the cross (pixels 32..63)
    on_exact = marks_on_grid(img)
    assert on_exact.any()
    off = np.zeros((14, 14))
    off[10:14, 10:14] = 1
    maps = {"flat": [1.0] * 196, "on": on.ravel().tolist(), "off": off.ravel().tolist(), "zero": [0.0] * 196}
    for stem in ("bus_0001-l", "bus_0002-l"):
        (tmp_path / "out" / "maps" / f"{stem}.json").write_text(json.dumps({"explained": maps, "other": maps}))
    res = mark_shares(tmp_path / "out", tmp_path)
    assert (res["images"], res["imagesWithMarks"]) == (2, 1)
    m = res["methods"]
    area = on_exact.mean()
    assert m["flat"]["meanShareOnMarks"] == pytest.approx(area) and m["flat"]["enrichment"] == pytest.approx(1)
    assert m["on"]["meanShareOnMarks"] > 10 * area and m["on"]["imagesShareAboveArea"] == 1
    assert m["off"]["meanShareOnMarks"] == 0 and m["off"]["imagesShareAboveArea"] == 0
    assert "zero" not in m  # an all-zero map has no share
