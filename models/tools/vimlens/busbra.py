"""BUS-BRA (Gómez-Flores et al., Med. Phys. 2024) metadata, the patient-wise split and the compact copy.

Split (documented in the model card): the authors' patient-wise 5-fold partition `5-fold-cv.csv`
(column `kFold`): fold TEST_FOLD is the test split, fold VAL_FOLD the validation split, the other
three folds the training split. Every patient (`Case`) lies in exactly one fold, checked below. The
CSV's own `valid_k` columns are NOT used: they split some patients' two views between train and
validation (not patient-wise).

Only numpy and PIL are needed (the CPU machine's /usr/bin/python3 and the GPU machine both have them).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

CLASSES = ["benign", "malignant"]
TEST_FOLD, VAL_FOLD = 1, 2
SPLITS = ("train", "val", "test")
DEFAULT_SRC = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "busbra"


def read_records(src: Path = DEFAULT_SRC, test_fold: int = TEST_FOLD, val_fold: int = VAL_FOLD) -> list[dict]:
    """One dict per image (sorted by ID): id, case, label (0 benign / 1 malignant), fold, split, and metadata."""
    src = Path(src)
    meta = {r["ID"]: r for r in csv.DictReader(open(src / "bus_data.csv", newline=""))}
    folds = {r["ID"]: r for r in csv.DictReader(open(src / "5-fold-cv.csv", newline=""))}
    if set(meta) != set(folds):
        raise ValueError("bus_data.csv and 5-fold-cv.csv list different images")
    recs = []
    for i in sorted(meta):
        m, f = meta[i], folds[i]
        if m["Pathology"] != f["Pathology"] or m["Pathology"] not in CLASSES:
            raise ValueError(f"{i}: inconsistent pathology")
        fold = int(f["kFold"])
        split = "test" if fold == test_fold else "val" if fold == val_fold else "train"
        recs.append({"id": i, "case": int(m["Case"]), "label": CLASSES.index(m["Pathology"]), "fold": fold, "split": split,
                     "birads": int(m["BIRADS"]), "device": m["Device"], "histology": m["Histology"]})
    check_patient_wise(recs)
    return recs


def check_patient_wise(recs: list[dict]) -> None:
    where: dict[int, set] = {}
    for r in recs:
        where.setdefault(r["case"], set()).add(r["split"])
    bad = [c for c, s in where.items() if len(s) > 1]
    if bad:
        raise ValueError(f"{len(bad)} patients appear in more than one split (e.g. case {bad[0]})")


def image_path(src: Path, image_id: str) -> Path:
    return Path(src) / "Images" / f"{image_id}.png"


def mask_path(src: Path, image_id: str) -> Path:
    return Path(src) / "Masks" / f"{image_id.replace('bus_', 'mask_')}.png"


def load_stretched(path: Path, size: int, mask: bool = False) -> np.ndarray:
    """PNG → (size, size) uint8 with PIL bilinear 'stretch' resize (aspect ratio not kept). Grayscale
    images stay one channel (the model input replicates it to RGB). Masks: bilinear, then ≥ 0.5."""
    from PIL import Image
    im = Image.open(path)
    if mask:
        a = np.asarray(im.convert("L").resize((size, size), Image.BILINEAR))
        return (a >= 128).astype(np.uint8)
    return np.asarray(im.convert("L").resize((size, size), Image.BILINEAR))


# -- compact copy ------------------------------------------------------------------------------------

def encode_jpeg(a: np.ndarray, quality: int) -> bytes:
    from PIL import Image
    b = io.BytesIO()
    Image.fromarray(a).save(b, "JPEG", quality=quality, subsampling=0, optimize=True)
    return b.getvalue()


def load_compact(folder: Path) -> dict:
    """Reads `data.npz` + `split.json` of prepare_busbra: returns ids, labels, splits, cases, images
    (N, S, S) uint8 and masks (N, S, S) uint8 (0/1)."""
    from PIL import Image
    folder = Path(folder)
    z = np.load(folder / "data.npz")
    info = json.loads((folder / "split.json").read_text())
    size = int(z["size"])
    blob, offs = z["jpeg"], z["offsets"]
    imgs = np.stack([np.asarray(Image.open(io.BytesIO(blob[offs[k]:offs[k + 1]].tobytes())).convert("L"))
                     for k in range(len(offs) - 1)])
    masks = np.unpackbits(z["masks"], axis=1)[:, : size * size].reshape(-1, size, size)
    ids = [str(s) for s in z["ids"]]
    rec = {r["id"]: r for r in info["records"]}
    return {"ids": ids, "images": imgs, "masks": masks, "size": size,
            "labels": np.array([rec[i]["label"] for i in ids], dtype=np.int64),
            "splits": [rec[i]["split"] for i in ids], "cases": np.array([rec[i]["case"] for i in ids]), "info": info}
