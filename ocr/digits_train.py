"""Train the handwritten-digit classifier of `ocr/digits.py` into `ocr/data/digits.npz`.

    make train-digits          # = .venv/bin/python -m ocr.digits_train  (needs the `train` extra: scikit-learn)

Training digits are drawn in Debian's handwriting fonts (fonts-bwht, fonts-breip, fonts-dkg-handwriting,
fonts-comic-neue, fonts-dancingscript, fonts-kristi, fonts-rufscript, fonts-kaushanscript, fonts-klee, fonts-kiloji,
fonts-tlwg-purisa-ttf, fonts-lobster, fonts-leckerli-one) under strong random distortion — rotation, shear, aspect,
stroke width, elastic warping, blur, breaks in the stroke — with scikit-learn's bundled scans of handwritten digits
(8×8, 1,797 of them, enlarged), and two styles few fonts draw (a 1 with a long lead-in stroke, a 5 with a long
flat flag); a junk class holds what a blank's crop also shows and is no digit: the printed colon beside it, dots,
commas, dashes and specks (pieces of printed letters are left to the region's edges). Humor Sans and DKG italic are
held out: they measure the model on hands it never saw (and the scan generator writes its test numbers in them).
"""

from __future__ import annotations

import argparse
import glob
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .digits import JUNK, SIZE, features, normalise

FONT_PATTERNS = ("bwht/", "breip/", "fifthhorseman/dkg.ttf", "fifthhorseman/dkgBd.ttf", "fifthhorseman/dkgBI.ttf",
                 "comic-neue/", "dancingscript/", "kristi/", "rufscript/", "kaushanscript/", "klee/", "kiloji/",
                 "tlwg/Purisa", "lobster/", "leckerli-one/")
HELD_OUT = ("humor-sans/Humor-Sans.ttf", "fifthhorseman/dkgIt.ttf")
PRINT_FONTS = ("liberation2/LiberationSerif-Regular.ttf", "liberation2/LiberationSerif-Bold.ttf",
               "liberation2/LiberationSans-Regular.ttf", "dejavu/DejaVuSerif.ttf")
OUT = Path(__file__).resolve().parent / "data" / "digits.npz"


def fonts(patterns: tuple[str, ...]) -> list[str]:
    found = sorted(f for f in glob.glob("/usr/share/fonts/**/*.*tf", recursive=True)
                   if any(p in f for p in patterns) and "setofont-ex" not in f)
    return found


def render(text: str, font_path: str, size: int) -> np.ndarray:
    font = ImageFont.truetype(font_path, size)
    image = Image.new("L", (size * 3, size * 3), 0)
    ImageDraw.Draw(image).text((size // 2, size // 2), text, font=font, fill=255)
    return np.asarray(image)


def distort(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random hand: rotation, shear, aspect, stroke width, elastic warp, blur, and now and then a broken stroke."""
    h, w = mask.shape
    angle = rng.normal(0, 7)
    shear = rng.normal(0, 0.18)
    sx, sy = np.exp(rng.normal(0, 0.12)), np.exp(rng.normal(0, 0.08))
    centre = np.array([w / 2, h / 2])
    a = np.deg2rad(angle)
    linear = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) @ np.array([[1, shear], [0, 1]]) @ np.diag(
        [sx, sy])
    matrix = np.hstack([linear, (centre - linear @ centre)[:, None]])
    out = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_LINEAR)
    # elastic: a smooth random displacement field
    alpha, sigma = rng.uniform(0, 3.5) * h / 84, h / 12
    dx = cv2.GaussianBlur(rng.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), sigma) * alpha * 12
    dy = cv2.GaussianBlur(rng.uniform(-1, 1, (h, w)).astype(np.float32), (0, 0), sigma) * alpha * 12
    grid_x, grid_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    out = cv2.remap(out, grid_x + dx, grid_y + dy, cv2.INTER_LINEAR)
    stroke = rng.integers(-2, 4)
    kernel = np.ones((3, 3), np.uint8)
    if stroke > 0:
        out = cv2.dilate(out, kernel, iterations=int(stroke))
    elif stroke < 0:
        eroded = cv2.erode(out, kernel, iterations=int(-stroke))
        out = eroded if eroded.max() > 0 else out
    if rng.random() < 0.5:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, 2.0))
    binary = (out > rng.uniform(60, 170)).astype(np.uint8)
    if rng.random() < 0.15:  # a pen that skipped: a thin gap across the stroke
        y = int(rng.uniform(0.2, 0.8) * h)
        binary[y : y + max(1, h // 60)] = 0
    return binary


def junk(rng: np.random.Generator, print_fonts: list[str]) -> np.ndarray:
    """Something a blank's crop holds that is not a digit (never a single stroke: a handwritten 1 is one)."""
    kind = rng.integers(0, 3)  # pieces of printed letters are left out: half a g or a Q looks like a looped 2
    size = int(rng.uniform(36, 64))
    if kind == 0:  # printed punctuation beside the blank
        mark = rng.choice(list(":.,;-_…"))  # not / ( ) ': a handwritten 1 is one stroke like them
        return (render(str(mark), str(rng.choice(print_fonts)), size) > 128).astype(np.uint8)
    canvas = np.zeros((size * 2, size * 2), np.uint8)
    if kind == 1:  # specks
        for _ in range(rng.integers(1, 4)):
            cv2.circle(canvas, tuple(int(v) for v in rng.integers(10, size * 2 - 10, 2)), int(rng.integers(2, 6)), 1, -1)
    else:  # a dash or an underline
        y = int(rng.integers(size // 2, size * 3 // 2))
        cv2.line(canvas, (int(rng.integers(0, size // 2)), y), (int(rng.integers(size, size * 2)), y + int(
            rng.integers(-4, 5))), 1, int(rng.integers(2, 6)))
    return canvas


def drawn_one(rng: np.random.Generator) -> np.ndarray:
    """A 1 as many hands write it: a long lead-in stroke from low on the left up to the top, then down (ʌ-like),
    which few fonts draw."""
    canvas = np.zeros((252, 252), np.uint8)
    top = (int(rng.uniform(110, 150)), int(rng.uniform(60, 80)))
    bottom = (top[0] + int(rng.normal(0, 10)), int(rng.uniform(175, 195)))
    lead = (top[0] - int(rng.uniform(15, 55)), top[1] + int(rng.uniform(15, 90)))
    points = np.array([lead, top, bottom], np.int32)
    cv2.polylines(canvas, [points], False, 255, int(rng.integers(6, 13)), cv2.LINE_AA)
    if rng.random() < 0.2:  # a foot
        cv2.line(canvas, (bottom[0] - 20, bottom[1]), (bottom[0] + 20, bottom[1]), 255, 8)
    return canvas


def drawn_five(rng: np.random.Generator) -> np.ndarray:
    """A 5 whose flag is drawn apart and long, flat to the right (as many hands write it)."""
    canvas = np.zeros((252, 252), np.uint8)
    thick = int(rng.integers(6, 13))
    x, top = int(rng.uniform(95, 120)), int(rng.uniform(60, 80))
    mid = top + int(rng.uniform(40, 55))
    cv2.line(canvas, (x, top), (x - int(rng.uniform(0, 12)), mid), 255, thick, cv2.LINE_AA)
    radius = int(rng.uniform(30, 42))
    cv2.ellipse(canvas, (x + radius - 12, mid + radius - 8), (radius, radius), 0, 200, 500 - rng.uniform(0, 40), 255,
                thick, cv2.LINE_AA)
    length = int(rng.uniform(0.6, 1.6) * radius * 2)
    cv2.line(canvas, (x - int(rng.uniform(0, 8)), top), (x + length, top - int(rng.uniform(-8, 14))), 255, thick,
             cv2.LINE_AA)
    return canvas


def _crop(mask: np.ndarray) -> np.ndarray:
    """The mask cut to its ink (kept small until it is normalised, once per network)."""
    ys, xs = np.nonzero(mask)
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.uint8) if len(xs) else mask[:1, :1]


def font_digits(font_list: list[str], per_font_digit: int, rng: np.random.Generator) -> tuple[list, np.ndarray]:
    images, labels = [], []
    for path in font_list:
        for digit in range(10):
            base = render(str(digit), path, 84)
            if base.max() == 0:
                continue
            for _ in range(per_font_digit):
                images.append(_crop(distort(base, rng)))
                labels.append(digit)
    return images, np.asarray(labels)


def sklearn_digits(rng: np.random.Generator, copies: int) -> tuple[list, np.ndarray]:
    from sklearn.datasets import load_digits

    data = load_digits()
    images, labels = [], []
    for image, label in zip(data.images, data.target):
        big = cv2.resize((image / 16.0 * 255).astype(np.uint8), (64, 64), interpolation=cv2.INTER_CUBIC)
        for _ in range(copies):
            images.append(_crop(distort(big, rng)))
            labels.append(int(label))
    return images, np.asarray(labels)


def main() -> None:
    from sklearn.neural_network import MLPClassifier

    parser = argparse.ArgumentParser()
    parser.add_argument("--per-font", type=int, default=160, help="distorted samples per font and digit")
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    train_fonts, held_fonts, printed = fonts(FONT_PATTERNS), fonts(HELD_OUT), fonts(PRINT_FONTS)
    if not train_fonts or not printed:
        raise SystemExit("handwriting fonts missing: make train-digits installs them (Debian fonts-bwht, ...)")
    started = time.perf_counter()
    x_font, y_font = font_digits(train_fonts, args.per_font, rng)
    x_sk, y_sk = sklearn_digits(rng, 4)
    x_one = [_crop(distort(drawn_one(rng), rng)) for _ in range(args.per_font * 4)]
    x_five = [_crop(distort(drawn_five(rng), rng)) for _ in range(args.per_font * 4)]
    x_font = x_font + x_one + x_five
    y_font = np.concatenate([y_font, np.ones(len(x_one), np.int64), np.full(len(x_five), 5)])
    n_junk = len(y_font) // 10
    x_junk = [_crop(junk(rng, printed)) for _ in range(n_junk)]
    y_junk = np.full(n_junk, JUNK)
    masks = x_font + x_sk + x_junk
    y = np.concatenate([y_font, y_sk, y_junk])
    print(f"{len(y)} samples ({len(train_fonts)} fonts, {len(y_sk)} from scikit-learn's digits, {n_junk} junk) "
          f"in {time.perf_counter() - started:.0f} s", flush=True)
    x_held, y_held = font_digits(held_fonts, 60, np.random.default_rng(args.seed + 1))
    saved: dict[str, np.ndarray] = {}
    held_p = []
    for prefix, thin in (("plain_", False), ("thin_", True)):
        feats = features(np.asarray([normalise(m, thin) for m in masks]))
        mean, scale = feats.mean(0), feats.std(0) + 1e-3
        net = MLPClassifier(hidden_layer_sizes=(args.hidden,), alpha=3e-4, batch_size=256, learning_rate_init=1e-3,
                            max_iter=40, early_stopping=True, validation_fraction=0.08, random_state=args.seed)
        net.fit((feats - mean) / scale, y)
        held_p.append(net.predict_proba((features(np.asarray([normalise(m, thin) for m in x_held])) - mean) / scale))
        print(f"{prefix[:-1]} network: trained in {time.perf_counter() - started:.0f} s; validation accuracy "
              f"{net.best_validation_score_:.4f}; held-out fonts {(held_p[-1].argmax(1) == y_held).mean():.4f}",
              flush=True)
        saved.update({prefix + "mean": mean, prefix + "scale": scale, prefix + "w1": net.coefs_[0],
                      prefix + "b1": net.intercepts_[0], prefix + "w2": net.coefs_[1], prefix + "b2": net.intercepts_[1]})
    both = np.mean(held_p, axis=0).argmax(1)
    print(f"held-out fonts ({', '.join(Path(f).name for f in held_fonts)}), both networks: "
          f"{(both == y_held).mean():.4f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **{k: v.astype(np.float32) for k, v in saved.items()})
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
