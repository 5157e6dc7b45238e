"""Loader and exporter: bad checkpoints give a clear error and leave no partial output files."""
import json
import shutil

import pytest
import torch

from conftest import CONF, needs_fixtures
from vimlens.checkpoint import CheckpointError, load_vim
from vimlens.export import main as export_main

pytestmark = needs_fixtures


def _save(tmp_path, obj, name="ckpt.pth"):
    path = tmp_path / name
    torch.save(obj, path)
    return path


def _expect_error(path, match, out_dir):
    with pytest.raises(CheckpointError, match=match):
        load_vim(path)
    assert export_main([str(path), "--name", "m", "--out-dir", str(out_dir)]) == 2
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


def test_loads_official_format_and_counts_parameters(tiny):
    model, cfg, sd = tiny
    assert len(sd) == 415 and sum(p.numel() for p in model.parameters()) == 7_148_008
    assert (cfg.depth, cfg.embed_dim, cfg.seq_len, cfg.cls_index) == (24, 192, 197, 98)


def test_truncated_file(tmp_path):
    data = (CONF / "vim_small_tokens_ckpt.pth").read_bytes()
    path = tmp_path / "trunc.pth"
    path.write_bytes(data[: len(data) // 2])
    _expect_error(path, "truncated or not a PyTorch checkpoint", tmp_path / "out")


def test_missing_key(tmp_path, small):
    sd = dict(small[2])
    del sd["layers.2.mixer.dt_proj_b.bias"]
    _expect_error(_save(tmp_path, {"model": sd}), "missing key 'layers.2.mixer.dt_proj_b.bias'", tmp_path / "out")


def test_wrong_shape(tmp_path, small):
    sd = dict(small[2])
    sd["layers.1.mixer.x_proj.weight"] = torch.zeros(3, 3)
    _expect_error(_save(tmp_path, {"model": sd}), "shape mismatch at 'layers.1.mixer.x_proj.weight'", tmp_path / "out")


def test_wrong_architecture_bimamba_v1(tmp_path, small):
    backward_keys = ("conv1d_b", "x_proj_b", "dt_proj_b", "A_b_log", "D_b")
    sd = {k: v for k, v in small[2].items() if not any(f".{b}" in k for b in backward_keys)}
    _expect_error(_save(tmp_path, {"model": sd}), "bimamba-v2", tmp_path / "out")


def test_not_a_vim(tmp_path):
    net = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    _expect_error(_save(tmp_path, {"model": net.state_dict()}), "not a Vim checkpoint", tmp_path / "out")


def test_not_a_state_dict(tmp_path):
    _expect_error(_save(tmp_path, {"model": [1, 2, 3]}), "holds no state dict", tmp_path / "out")


def test_export_writes_graph_and_card(tmp_path):
    src = tmp_path / "small.pth"
    shutil.copy(CONF / "vim_small_tokens_ckpt.pth", src)
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps([f"c{i}" for i in range(10)]))
    assert export_main([str(src), "--name", "s", "--out-dir", str(tmp_path / "out"), "--labels", str(labels)]) == 0
    card = json.loads((tmp_path / "out" / "s.json").read_text())
    assert card["classes"][3] == "c3" and card["clsIndex"] == 8 and card["gradFirstLayer"] == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["s.json", "s.matrices.onnx", "s.onnx"]
    # Wrong label count: error, and the existing pair is left untouched.
    labels.write_text(json.dumps(["a", "b"]))
    before = (tmp_path / "out" / "s.onnx").stat().st_mtime_ns
    assert export_main([str(src), "--name", "s", "--out-dir", str(tmp_path / "out"), "--labels", str(labels)]) == 2
    assert (tmp_path / "out" / "s.onnx").stat().st_mtime_ns == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["s.json", "s.matrices.onnx", "s.onnx"]
