"""Train a Vim (bimamba v2, middle CLS) benign/malignant classifier from scratch on BUS-BRA.

    python models/tools/train.py --data .work/busbra-compact --work .work/gpu-state --out $OUT \
        --budget-s 520 [--plan-s 1040] [--resume]

Data: the compact copy written by `vimlens.prepare_busbra` (train + validation images, 224² grayscale,
patient-wise split from the authors' 5-fold partition). Augmentation runs on the GPU in batches.

Model: `vimlens.vim.Vim` (state-dict keys identical to the official checkpoints) with the fast exact scan
`vimlens.fast_scan.selective_scan_fast`; drop-path is applied here, around each block's mixer output.
An auxiliary per-patch lesion head (a Linear on the final normalised patch tokens, trained on the
fraction of each 16×16 patch covered by the lesion mask) is used during training only; it is not part
of the exported model (the export reads the Vim state dict alone).

Schedule: AdamW + linear warm-up + cosine decay over `total_epochs`, which is fixed on the first run
from the measured epoch time so that training fills `--plan-s` seconds (across several ≤10-minute GPU
jobs). Each run stops by itself before `--budget-s` and leaves a full resumable state in `--work`
(model, EMA, aux head, optimiser, RNG, epoch, best-so-far); `--resume` continues from it. A compact
state (model in bf16 + schedule position) is also written to `--out` for a resume on a machine that
lost `--work` (`--init-from`; the optimiser moments then restart, noted in the log).

Distillation (optional, `--teachers`): the student also matches the mean class probabilities of frozen
trained Vims (checkpoints as this script writes them) on the very same augmented view (KL, temperature `--kd-temp`),
with mixup on a share of the batches (`--mixup`) so the teachers are queried between images as well;
`--init-weights` starts the student (and its EMA) from a trained checkpoint. The cross-entropy on the true
labels stays in the loss (weight `1 - --kd-weight`).

Mixup without teachers (`--mixup-plain`): the same pairwise mixup on a share `--mixup` of the batches in plain
training too (a regulariser; attempt 4 of the BUS-BRA model). Without the flag plain training draws no mixup
random numbers at all, so the shipped run (drop-path 0.1, no mixup) replays exactly.

Selection: every epoch the EMA weights are evaluated on the validation split (AUC); the best EMA
weights are kept as `best_ema.pt` ({"model": state_dict}, the official checkpoint layout).
The test split is never read here.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vimlens.augment import augment, to_model_input  # noqa: E402
from vimlens.busbra import load_compact  # noqa: E402
from vimlens.config import VimConfig  # noqa: E402
from vimlens.fast_scan import selective_scan_fast  # noqa: E402
from vimlens.training import (evaluate, forward, init_vim_, load_teacher, load_torch, mixed_cross_entropy,  # noqa: E402
                              official_state_dict, patch_tokens)
from vimlens.vim import Vim  # noqa: E402


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(".work/busbra-compact"))
    ap.add_argument("--work", type=Path, default=Path(".work/gpu-state"), help="full resumable state lives here")
    ap.add_argument("--out", type=Path, default=None, help="copies for the caller: best_ema.pt, compact state, log")
    ap.add_argument("--resume", action="store_true", help="continue from --work/state.pt if present")
    ap.add_argument("--init-from", type=Path, default=None, help="compact state (compact_state.pt) to resume from")
    ap.add_argument("--budget-s", type=float, default=520.0, help="wall-clock budget of this run (whole process)")
    ap.add_argument("--plan-s", type=float, default=1040.0, help="training seconds the whole schedule should take")
    ap.add_argument("--epochs", type=int, default=0, help="fix the number of epochs (0: derive from --plan-s)")
    ap.add_argument("--depth", type=int, default=12)
    ap.add_argument("--dim", type=int, default=192)
    ap.add_argument("--img-size", type=int, default=224)
    ap.add_argument("--patch", type=int, default=16)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--min-lr", type=float, default=1e-6)
    ap.add_argument("--wd", type=float, default=0.05)
    ap.add_argument("--warmup-epochs", type=float, default=5.0)
    ap.add_argument("--drop-path", type=float, default=0.1)
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--aux-weight", type=float, default=0.5, help="weight of the auxiliary lesion-patch loss (0 = off)")
    ap.add_argument("--ema", type=float, default=0.998)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--teachers", type=Path, nargs="*", default=[], help="checkpoints (best_ema.pt) to distil from")
    ap.add_argument("--kd-weight", type=float, default=0.7, help="share of the distillation loss when --teachers is given")
    ap.add_argument("--kd-temp", type=float, default=2.0)
    ap.add_argument("--mixup", type=float, default=0.5, help="share of batches mixed pairwise, with --teachers or --mixup-plain (0 = none)")
    ap.add_argument("--mixup-plain", action="store_true",
                    help="apply --mixup also without --teachers (default off: plain training unmixed, as the shipped run)")
    ap.add_argument("--init-weights", type=Path, default=None, help="checkpoint ({'model': state_dict}) to start from")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--max-images", type=int, default=0, help="debug: use only the first N train/val images")
    ap.add_argument("--save-every", type=int, default=10, help="epochs between full-state saves (also saved at the end)")
    return ap.parse_args(argv)


# -- training -------------------------------------------------------------------------------------------

class Log:
    def __init__(self, *paths: Path):
        self.paths = [p for p in paths if p is not None]
        for p in self.paths:
            p.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, **rec):
        rec = {"t": round(time.time(), 1), **rec}
        line = json.dumps(rec)
        print(line, flush=True)
        for p in self.paths:
            with open(p, "a") as f:
                f.write(line + "\n")


def main(argv=None) -> int:
    a = parse_args(argv)
    t_start = time.time()
    dev = torch.device(a.device)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    a.work.mkdir(parents=True, exist_ok=True)
    if a.out:
        a.out.mkdir(parents=True, exist_ok=True)
    log = Log(a.work / "train_log.jsonl", a.out / "train_log.jsonl" if a.out else None)

    data = load_compact(a.data)
    split = np.array(data["splits"])
    tr, va = np.where(split == "train")[0], np.where(split == "val")[0]
    if a.max_images:
        tr, va = tr[: a.max_images], va[: a.max_images]
    imgs = torch.from_numpy(data["images"])
    masks = torch.from_numpy(data["masks"])
    labels = torch.from_numpy(data["labels"])
    tr_img, tr_mask, tr_lab = imgs[tr].to(dev), masks[tr].to(dev), labels[tr].to(dev)
    va_img, va_lab = imgs[va], labels[va]
    n_cls = torch.bincount(labels[tr], minlength=2).float()
    class_w = (n_cls.sum() / (2 * n_cls)).to(dev)

    cfg = VimConfig(img_size=a.img_size, patch_size=a.patch, in_chans=3, embed_dim=a.dim, depth=a.depth, num_classes=2)
    torch.manual_seed(a.seed)
    model = Vim(cfg, scan=selective_scan_fast)
    init_vim_(model)
    if a.init_weights is not None:
        model.load_state_dict({k: v.float() for k, v in load_torch(a.init_weights, "cpu")["model"].items()})
    teachers = [load_teacher(p, dev) for p in a.teachers]
    seg_head = nn.Linear(cfg.embed_dim, 1)
    nn.init.trunc_normal_(seg_head.weight, std=0.02); nn.init.zeros_(seg_head.bias)  # noqa: E702
    model.to(dev); seg_head.to(dev)  # noqa: E702
    ema = Vim(cfg, scan=selective_scan_fast).to(dev)
    ema.load_state_dict(model.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    decay, no_decay = [], []
    for n, p in list(model.named_parameters()) + [("seg_head." + n, p) for n, p in seg_head.named_parameters()]:
        (no_decay if p.ndim < 2 or n.endswith(("pos_embed", "cls_token", "A_log", "A_b_log", ".D", ".D_b")) or ".bias" in n else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.wd}, {"params": no_decay, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.999))
    dp = [a.drop_path * i / max(cfg.depth - 1, 1) for i in range(cfg.depth)]
    steps_per_epoch = math.ceil(len(tr) / a.batch)
    n_params = sum(p.numel() for p in model.parameters())

    st = {"epoch": 0, "step": 0, "total_epochs": a.epochs or 0, "best_auc": -1.0, "best_epoch": -1, "train_s": 0.0, "runs": 0}
    state_path = a.work / "state.pt"
    g = torch.Generator(device=dev)
    g.manual_seed(a.seed)
    resumed = "fresh"
    if a.resume and state_path.is_file():
        s = load_torch(state_path, dev)
        model.load_state_dict(s["model"]); ema.load_state_dict(s["ema"]); seg_head.load_state_dict(s["seg_head"])  # noqa: E702
        opt.load_state_dict(s["opt"])
        st = s["st"]
        g.set_state(s["gen"].cpu() if dev.type == "cpu" else s["gen"].cpu())
        torch.set_rng_state(s["cpu_rng"].cpu())
        resumed = f"full state, epoch {st['epoch']}"
    elif a.init_from is not None:
        s = load_torch(a.init_from, "cpu")
        model.load_state_dict({k: v.float() for k, v in s["model"].items()})
        ema.load_state_dict({k: v.float() for k, v in (s.get("ema") or s["model"]).items()})
        seg_head.load_state_dict({k: v.float() for k, v in s["seg_head"].items()})
        st = s["st"]
        g.manual_seed(a.seed + 1000 * (st["runs"] + 1))
        resumed = f"compact state (weights {s.get('dtype', '?')}; optimiser moments restarted), epoch {st['epoch']}"
    st["runs"] += 1
    log(event="start", resumed=resumed, config=cfg.to_dict(), params=n_params, args={k: str(v) for k, v in vars(a).items()},
        train=len(tr), val=len(va), teachers=[str(t) for t in a.teachers], n_teachers=len(teachers), class_counts=n_cls.tolist(), device=str(torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu"),
        torch=torch.__version__, load_s=round(time.time() - t_start, 1))

    def lr_at(step: int) -> float:
        total = st["total_epochs"] * steps_per_epoch
        warm = a.warmup_epochs * steps_per_epoch
        if step < warm:
            return a.lr * (step + 1) / warm
        prog = min(1.0, (step - warm) / max(1, total - warm))
        return a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + math.cos(math.pi * prog))

    def save_full():
        tmp = a.work / "state.pt.tmp"
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "seg_head": seg_head.state_dict(), "opt": opt.state_dict(),
                    "st": st, "gen": g.get_state(), "cpu_rng": torch.get_rng_state(), "config": cfg.to_dict()}, tmp)
        os.replace(tmp, state_path)

    def save_compact():
        if not a.out:
            return
        half = lambda sd: {k: (v.detach().to(torch.bfloat16) if v.ndim >= 2 and v.numel() > 4096 else v.detach().float()).cpu() for k, v in sd.items()}  # noqa: E731
        torch.save({"model": half(model.state_dict()), "seg_head": {k: v.float().cpu() for k, v in seg_head.state_dict().items()},
                    "st": st, "dtype": "bf16 for matrices > 4096 values, fp32 otherwise", "config": cfg.to_dict()}, a.out / "compact_state.pt")

    epoch_times = []
    stop_reason = "schedule complete"
    while True:
        if st["total_epochs"] and st["epoch"] >= st["total_epochs"]:
            break
        t_ep = time.time()
        model.train(); seg_head.train()  # noqa: E702
        perm = torch.randperm(len(tr), generator=g, device=dev)
        sums = {"loss": 0.0, "ce": 0.0, "aux": 0.0, "kd": 0.0, "n": 0}
        for i in range(steps_per_epoch):
            idx = perm[i * a.batch:(i + 1) * a.batch]
            if len(idx) < a.batch // 2:  # skip a tiny last batch
                continue
            im = tr_img[idx].float().unsqueeze(1) / 255
            mk = tr_mask[idx].float().unsqueeze(1)
            im, mk = augment(im, mk, g)
            # Total epochs unknown until the first epoch is timed: hold the warm-up slope meanwhile.
            lr = lr_at(st["step"]) if st["total_epochs"] else a.lr * (st["step"] + 1) / (a.warmup_epochs * steps_per_epoch)
            for grp in opt.param_groups:
                grp["lr"] = lr
            y = F.one_hot(tr_lab[idx], 2).float()
            mixed = (bool(teachers) or a.mixup_plain) and a.mixup > 0 and float(torch.rand(1, generator=g, device=dev)) < a.mixup
            if mixed:  # pairwise mixup: images, masks and labels blend with one weight per sample
                lam = torch.rand(len(idx), generator=g, device=dev).view(-1, 1, 1, 1)
                partner = torch.randperm(len(idx), generator=g, device=dev)
                im, mk = lam * im + (1 - lam) * im[partner], lam * mk + (1 - lam) * mk[partner]
                y = lam.view(-1, 1) * y + (1 - lam.view(-1, 1)) * y[partner]
            x_in = to_model_input(im)
            logits, f = forward(model, x_in, dp, training=True)
            ce = (mixed_cross_entropy(logits.float(), y, class_w, a.label_smoothing) if mixed else
                  F.cross_entropy(logits.float(), tr_lab[idx], weight=class_w, label_smoothing=a.label_smoothing))
            loss = ce
            if teachers:
                with torch.no_grad():
                    t_prob = torch.stack([torch.softmax(forward(t, x_in, dp, training=False)[0].float() / a.kd_temp, -1)
                                          for t in teachers]).mean(0)
                kd = F.kl_div(F.log_softmax(logits.float() / a.kd_temp, -1), t_prob, reduction="batchmean") * a.kd_temp ** 2
                loss = (1 - a.kd_weight) * ce + a.kd_weight * kd
                sums["kd"] += float(kd) * len(idx)
            aux = torch.zeros((), device=dev)
            if a.aux_weight > 0:
                target = F.avg_pool2d(mk, cfg.patch_size).flatten(1)                    # (B, M) lesion fraction per patch
                pred = seg_head(patch_tokens(f, cfg.cls_index)).squeeze(-1).float()
                aux = F.binary_cross_entropy_with_logits(pred, target)
                loss = loss + a.aux_weight * aux
            opt.zero_grad(set_to_none=True)
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(list(model.parameters()) + list(seg_head.parameters()), a.clip)
            if not torch.isfinite(gn):
                log(event="skip_step", reason="non-finite gradient", step=st["step"])
                opt.zero_grad(set_to_none=True)
                continue
            opt.step()
            st["step"] += 1
            with torch.no_grad():
                d = min(a.ema, (1 + st["step"]) / (10 + st["step"]))
                for pe, pm in zip(ema.parameters(), model.parameters()):
                    pe.mul_(d).add_(pm.detach(), alpha=1 - d)
            n = len(idx)
            sums["loss"] += float(loss) * n; sums["ce"] += float(ce) * n; sums["aux"] += float(aux) * n; sums["n"] += n  # noqa: E702
        st["epoch"] += 1
        ep_train_s = time.time() - t_ep
        auc_e, nll_e, _ = evaluate(ema, va_img, va_lab, 128, dev, dp)
        auc_m, nll_m, _ = evaluate(model, va_img, va_lab, 128, dev, dp)
        ep_s = time.time() - t_ep
        st["train_s"] += ep_s
        epoch_times.append(ep_s)
        if not st["total_epochs"] and (st["epoch"] >= 2 or st["train_s"] * 4 > a.plan_s):  # epoch 1 carries warm-up costs
            st["total_epochs"] = max(int(st["epoch"]) + 1, int((a.plan_s - st["train_s"]) / ep_s) + int(st["epoch"]))
            log(event="plan", epoch_s=round(ep_s, 2), total_epochs=st["total_epochs"], plan_s=a.plan_s)
        best = auc_e > st["best_auc"]
        if best:
            st["best_auc"], st["best_epoch"] = auc_e, st["epoch"]
            torch.save({"model": official_state_dict(ema), "epoch": st["epoch"], "val_auc": auc_e, "config": cfg.to_dict()}, a.work / "best_ema.pt")
        m = max(sums["n"], 1)
        log(event="epoch", epoch=st["epoch"], of=st["total_epochs"], lr=round(lr, 7), loss=round(sums["loss"] / m, 4), ce=round(sums["ce"] / m, 4),
            aux=round(sums["aux"] / m, 4), kd=round(sums["kd"] / m, 4), val_auc_ema=round(auc_e, 4), val_nll_ema=round(nll_e, 4), val_auc=round(auc_m, 4),
            val_nll=round(nll_m, 4), best=best, epoch_s=round(ep_s, 2), train_s=round(ep_train_s, 2))
        if st["epoch"] % a.save_every == 0:
            save_full()
        elapsed = time.time() - t_start
        if elapsed + 1.5 * max(epoch_times[-3:]) + 20 > a.budget_s:
            stop_reason = f"time budget ({a.budget_s:.0f}s) reached"
            break
    save_full()
    save_compact()
    if a.out and (a.work / "best_ema.pt").is_file():
        import shutil
        shutil.copy(a.work / "best_ema.pt", a.out / "best_ema.pt")
    log(event="stop", reason=stop_reason, epoch=st["epoch"], of=st["total_epochs"], best_auc=round(st["best_auc"], 4), best_epoch=st["best_epoch"],
        run_s=round(time.time() - t_start, 1), train_s_total=round(st["train_s"], 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
