"""Writes test/fixtures/conformance/vim-tiny-autograd-grad-image0.npz: ∂T/∂h_l (layers 15–23) of the
PyTorch reference model on conformance image 0, target = argmax, by autograd. The TypeScript conformance
test checks the graph's hand-written backward against it (the official fixture's gradients are only
valid for the last layer, docs/CONFORMANCE.md).  Run: PYTHONPATH=models/tools python3 models/tools/make_grad_fixture.py"""
import numpy as np
import torch

from vimlens.checkpoint import load_vim

CONF = "../shared/conformance/vim-official-seed1234"
model, _, _ = load_vim(f"{CONF}/vim_tiny_ckpt.pth")
golden = np.load(f"{CONF}/vim_tiny_golden.npz")
hs: list = []
logits = model(torch.from_numpy(golden["images"][:1]), hs)
logits[0, int(golden["logits"][0].argmax())].backward()
grad = np.stack([hs[layer].grad[0].numpy() for layer in range(15, 24)]).astype(np.float32)
np.savez_compressed("test/fixtures/conformance/vim-tiny-autograd-grad-image0.npz", grad_layers15_23=grad)
