import sys
from pathlib import Path

import numpy as np
import pytest

TOOLS = Path(__file__).resolve().parents[1]
REPO = TOOLS.parents[1]
sys.path.insert(0, str(TOOLS))
CONF = REPO.parent / "shared" / "conformance" / "vim-official-seed1234"

needs_fixtures = pytest.mark.skipif(not CONF.is_dir(), reason=f"conformance fixtures not found at {CONF}")


def rel(a, b) -> float:
    """max |ours − golden| / max |golden| (the fixtures README metric)."""
    return float(np.abs(np.asarray(a, np.float64) - b).max() / np.abs(b).max())


@pytest.fixture(scope="session")
def tiny():
    from vimlens.checkpoint import load_vim
    return load_vim(CONF / "vim_tiny_ckpt.pth")


@pytest.fixture(scope="session")
def small():
    from vimlens.checkpoint import load_vim
    return load_vim(CONF / "vim_small_tokens_ckpt.pth")


@pytest.fixture(scope="session")
def tiny_golden():
    return np.load(CONF / "vim_tiny_golden.npz")


@pytest.fixture(scope="session")
def small_golden():
    return np.load(CONF / "vim_small_tokens_golden.npz")
