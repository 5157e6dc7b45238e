"""train.py on the CPU with a tiny Vim and synthetic images: one epoch per run. Checks that `--mixup-plain`
mixes plain (teacher-less) batches and that without it (or with --mixup 0) the run is the unmixed one."""
from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from conftest import TOOLS


@pytest.fixture()
def train(monkeypatch):
    sys.path.insert(0, str(TOOLS))
    import train as tr
    rng = np.random.default_rng(0)
    n, s = 12, 32
    labels = np.array([0, 1] * (n // 2), dtype=np.int64)
    data = {"images": rng.integers(0, 256, (n, s, s), dtype=np.uint8), "masks": (rng.random((n, s, s)) < 0.3).astype(np.uint8),
            "labels": labels, "splits": ["train"] * 8 + ["val"] * 4}
    monkeypatch.setattr(tr, "load_compact", lambda folder: data)
    return tr


def run(tr, tmp_path, name, *extra):
    work = tmp_path / name
    args = ["--work", str(work), "--device", "cpu", "--depth", "2", "--dim", "16", "--img-size", "32", "--batch", "4",
            "--epochs", "1", "--warmup-epochs", "1", "--ema", "0.5", *extra]
    assert tr.main(args) == 0
    recs = [json.loads(line) for line in (work / "train_log.jsonl").read_text().splitlines()]
    return next(r for r in recs if r["event"] == "epoch")


def test_mixup_plain(train, tmp_path):
    plain = run(train, tmp_path, "plain")
    flag_off = run(train, tmp_path, "zero", "--mixup-plain", "--mixup", "0")
    mixed = run(train, tmp_path, "mixed", "--mixup-plain", "--mixup", "1")
    keys = ("loss", "ce", "aux", "val_auc", "val_nll")
    assert all(np.isfinite(mixed[k]) for k in keys)
    assert [plain[k] for k in keys] == [flag_off[k] for k in keys]      # no mixup: same random stream, same numbers
    assert [plain[k] for k in keys] != [mixed[k] for k in keys]         # every batch mixed: a different run
