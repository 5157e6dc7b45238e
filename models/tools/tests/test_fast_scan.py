"""The training scan (vimlens.fast_scan) equals the reference sequential scan: values and gradients."""
from __future__ import annotations

import pytest
import torch

from vimlens.fast_scan import linear_scan_, selective_scan_fast
from vimlens.vim import selective_scan_ref


def _inputs(bsz, length, e, n, seed, dtype=torch.float64, big_delta=False):
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g, dtype=dtype)  # noqa: E731
    u = r(bsz, length, e)
    delta = torch.nn.functional.softplus(r(bsz, length, e) + (3.0 if big_delta else -1.0))
    A = -torch.exp(r(e, n) * 0.5 + (1.0 if big_delta else 0.0))
    return [t.requires_grad_() for t in (u, delta, A, r(bsz, length, n), r(bsz, length, n), r(e))]


@pytest.mark.parametrize("length", [1, 2, 3, 7, 8, 16, 37, 101, 197])
def test_linear_scan_matches_loop(length):
    g = torch.Generator().manual_seed(length)
    a = torch.rand(2, 3, length, 4, generator=g, dtype=torch.float64)
    x = torch.randn(2, 3, length, 4, generator=g, dtype=torch.float64)
    want, h = torch.empty_like(x), torch.zeros_like(x[..., 0, :])
    for t in range(length):
        h = a[..., t, :] * h + x[..., t, :]
        want[..., t, :] = h
    got = linear_scan_(a.clone(), x.clone())
    torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("length,big", [(5, False), (16, False), (33, True), (197, False)])
def test_values_and_gradients_match_reference(length, big):
    ins = _inputs(2, length, 6, 4, seed=length, big_delta=big)
    y_ref = selective_scan_ref(*ins)
    w = torch.randn_like(y_ref)
    grads_ref = torch.autograd.grad((y_ref * w).sum(), ins)
    ins2 = [t.detach().clone().requires_grad_() for t in ins]
    y = selective_scan_fast(*ins2)
    grads = torch.autograd.grad((y * w).sum(), ins2)
    # The fast scan computes in float32 (as in training), so compare at float32 precision.
    torch.testing.assert_close(y.double(), y_ref, rtol=1e-5, atol=1e-5)
    for name, g1, g0 in zip(("u", "delta", "A", "B", "C", "D"), grads, grads_ref):
        torch.testing.assert_close(g1.double(), g0, rtol=1e-4, atol=1e-4, msg=lambda m, n=name: f"grad {n}: {m}")


def test_no_overflow_with_large_decay():
    """Δ·A of −1e4 per step: the reference underflows to exact zeros; so must the fast scan (no inf/nan)."""
    ins = _inputs(1, 64, 4, 3, seed=3)
    with torch.no_grad():
        ins[1].mul_(0).add_(1e4)
    y = selective_scan_fast(*ins)
    (y.sum()).backward()
    assert torch.isfinite(y).all() and all(torch.isfinite(t.grad).all() for t in ins)
    torch.testing.assert_close(y.double(), selective_scan_ref(*ins), rtol=1e-5, atol=1e-5)


def test_single_output_gradients_match():
    """Gradients of single outputs (float32 Function vs float64 reference) on a tiny problem."""
    ins = _inputs(1, 9, 3, 2, seed=11)
    ins = [t.detach().float().requires_grad_() for t in ins]
    ref = [t.detach().clone().double().requires_grad_() for t in ins]
    y, yr = selective_scan_fast(*ins), selective_scan_ref(*ref)
    for i in range(3):
        gi = torch.autograd.grad(y[0, 4, i], ins, retain_graph=True)
        gr = torch.autograd.grad(yr[0, 4, i], ref, retain_graph=True)
        for a, b in zip(gi, gr):
            torch.testing.assert_close(a.double(), b, rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_matches_cpu():
    ins = _inputs(2, 197, 32, 16, seed=5, dtype=torch.float32)
    y_cpu = selective_scan_fast(*ins)
    gc = torch.autograd.grad(y_cpu.sum(), ins)
    ins_gpu = [t.detach().cuda().requires_grad_() for t in ins]
    y_gpu = selective_scan_fast(*ins_gpu)
    gg = torch.autograd.grad(y_gpu.sum(), ins_gpu)
    torch.testing.assert_close(y_gpu.cpu(), y_cpu, rtol=1e-4, atol=1e-4)
    for a, b in zip(gg, gc):
        torch.testing.assert_close(a.cpu(), b, rtol=1e-3, atol=1e-3)
