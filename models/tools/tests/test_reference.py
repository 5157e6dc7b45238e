"""The plain-PyTorch reference model and the loop reference of the hidden attention vs the official code."""
import numpy as np
import torch

from conftest import needs_fixtures, rel
from vimlens import reference_xai as rx

pytestmark = needs_fixtures


def test_logits_match_official(tiny, tiny_golden):
    model, _, _ = tiny
    with torch.no_grad():
        logits = model(torch.from_numpy(tiny_golden["images"])).numpy()
    assert rel(logits, tiny_golden["logits"]) < 1e-4


def test_official_cls_vector_per_channel(tiny, tiny_golden):
    model, cfg, _ = tiny
    factors = rx.layer_factors(model, torch.from_numpy(tiny_golden["images"][:1]))
    full = tiny_golden["xai_vec_full_0_layers0_5_23"]
    for k, layer in enumerate([0, 5, 23]):
        fwd, _ = rx.cls_rows(factors[layer][0], cfg.cls_index)
        bwd, _ = rx.cls_rows(factors[layer][1], cfg.cls_index)
        assert rel(rx.combine(fwd, bwd), full[k]) < 1e-4


def test_full_matrices_small_model(small, small_golden):
    model, cfg, _ = small
    for i in range(2):
        factors = rx.layer_factors(model, torch.from_numpy(small_golden["images"][i:i + 1]))
        for layer in range(cfg.depth):
            fwd = rx.alpha_matrix(factors[layer][0])
            bwd = rx.alpha_matrix(factors[layer][1])[:, ::-1, ::-1]   # back to original order
            assert rel(fwd, small_golden[f"attn_fwd_{i}"][layer]) < 2e-3
            assert rel(bwd, small_golden[f"attn_bwd_flipped_{i}"][layer]) < 2e-3


def test_true_row_is_alpha_row_and_official_has_off_by_one(small, small_golden):
    model, cfg, _ = small
    c = cfg.cls_index
    f = rx.layer_factors(model, torch.from_numpy(small_golden["images"][:1]))[1][0]
    alpha = rx.alpha_matrix(f)
    official, true = rx.cls_rows(f, c)
    assert rel(true, alpha[:, c, :]) < 1e-10
    assert np.all(official[:, c:] == 0)                       # diagonal and beyond are left 0 (spec §2.3)
    assert rel(official[:, :c], alpha[:, c, :c]) > 1e-3       # and it is not the α row


def test_uia_identity_at_cls(small, small_golden):
    """Spec T2: Σ_j u_e[j]·X_j + gate·(conv_bias·Σ_c α·σ + D·X̂_c) reproduces the branch output at CLS."""
    model, cfg, _ = small
    c = cfg.cls_index
    img = torch.from_numpy(small_golden["images"][:1])
    with torch.no_grad():
        blk = model.layers[0]
        y = rx.rms_norm(model.embed(img), blk.norm.weight, cfg.rms_eps)
        X, Z = blk.mixer.split_xz(y)
        out = blk.mixer.branch(X, Z, 0)[0, c].double().numpy()
    f = rx.layer_factors(model, img)[0][0]
    u = rx.uia_vector(f, c)
    _, true = rx.cls_rows(f, c)
    sig = 1 / (1 + np.exp(-f["U"].T))
    conv, _, _, _, Dskip = blk.mixer.params(0)
    xhat = f["U"][c] * (1 / (1 + np.exp(-f["U"][c])))
    rest = f["gate"][c] * (conv.bias.detach().double().numpy() * (true * sig).sum(1) + Dskip.detach().double().numpy() * xhat)
    recon = (u * X[0].double().numpy().T).sum(1) + rest
    assert rel(recon, out) < 1e-5
