"""A classifier of single handwritten digits: features of a normalised digit image and a small trained network.

The model (`ocr/data/digits.npz`, ~1.2 MB) is a pair of one-hidden-layer perceptrons over features of the digit — its
pixels at 14×14 and histograms of gradient orientations on a 7×7 grid —, one reading the digit as written, one its
strokes redrawn at a single width; their probabilities are averaged (each misreads other hands: a felt pen's 1 as
a 4, a hooked 1 as a 4 thinned). Both are trained by `ocr/digits_train.py` on digits
drawn in Debian's handwriting fonts under strong distortion, with scikit-learn's scanned handwritten digits, and a
class of its own for what is no digit (printed colons, dots, dashes, specks). It runs with numpy alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import cv2
import numpy as np

SIZE = 28  # the normalised image: the digit scaled into a 20 px box, centred by its mass, as MNIST does
BOX = 20
JUNK = 10  # the class of marks that are no digit
LABELS = "0123456789"


def _skeleton(binary: np.ndarray) -> np.ndarray:
    """The strokes' centre lines (morphological skeleton) of a 0/1 image."""
    element = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    current = np.pad(binary, 1)  # a white border: erosion reaches the strokes that touch the image's edge
    skeleton = np.zeros_like(current)
    for _ in range(max(current.shape)):
        if not current.any():
            break
        eroded = cv2.erode(current, element, borderType=cv2.BORDER_CONSTANT, borderValue=0)
        skeleton |= current & ~cv2.dilate(eroded, element, borderType=cv2.BORDER_CONSTANT, borderValue=0)
        current = eroded
    return skeleton[1:-1, 1:-1]


def normalise(mask: np.ndarray, thin: bool = False) -> np.ndarray:
    """A binary digit image (ink > 0, any size) → SIZE×SIZE floats in [0, 1]. `thin`: the pen's width normalised
    too (the strokes thinned to their centre lines and drawn again at one width)."""
    ys, xs = np.nonzero(mask)
    out = np.zeros((SIZE, SIZE), np.float32)
    if not len(xs):
        return out
    crop = (mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] > 0).astype(np.uint8)
    h, w = crop.shape
    if thin:
        big = 3 * BOX / max(h, w)  # thin at three times the final size, then reduce
        bh, bw = max(1, round(h * big)), max(1, round(w * big))
        large = (cv2.resize(crop * 255, (bw, bh), interpolation=cv2.INTER_LINEAR) > 127).astype(np.uint8)
        crop = cv2.dilate(_skeleton(large), np.ones((5, 5), np.uint8))
        h, w = crop.shape
    scale = BOX / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = cv2.resize(crop.astype(np.float32), (nw, nh), interpolation=cv2.INTER_AREA)
    total = small.sum()
    cy, cx = ((np.arange(nh) @ small.sum(1)) / total, (np.arange(nw) @ small.sum(0)) / total) if total else (nh / 2,
                                                                                                          nw / 2)
    top = int(round(SIZE / 2 - cy))
    left = int(round(SIZE / 2 - cx))
    top, left = min(max(top, 0), SIZE - nh), min(max(left, 0), SIZE - nw)
    out[top : top + nh, left : left + nw] = small
    return np.clip(out, 0.0, 1.0)


def features(images: np.ndarray) -> np.ndarray:
    """(n, SIZE, SIZE) normalised digits → (n, 196 + 441) features: 14×14 pixels and 9-bin gradient-orientation
    histograms over 7×7 cells of 4×4 pixels."""
    images = np.asarray(images, np.float32).reshape(-1, SIZE, SIZE)
    n = len(images)
    pixels = images.reshape(n, SIZE // 2, 2, SIZE // 2, 2).mean(axis=(2, 4)).reshape(n, -1)
    smooth = np.stack([cv2.GaussianBlur(im, (3, 3), 0.8) for im in images]) if n else images
    gy, gx = np.gradient(smooth, axis=(1, 2))
    magnitude = np.hypot(gx, gy)
    angle = np.mod(np.arctan2(gy, gx), np.pi)
    bins = np.minimum((angle / np.pi * 9).astype(np.int64), 8)
    cells = np.zeros((n, 7, 7, 9), np.float32)
    for b in range(9):
        weight = np.where(bins == b, magnitude, 0.0)
        cells[..., b] = weight.reshape(n, 7, 4, 7, 4).sum(axis=(2, 4))
    norm = np.sqrt((cells ** 2).sum(axis=-1, keepdims=True)) + 1e-3
    return np.concatenate([pixels, (cells / norm).reshape(n, -1)], axis=1).astype(np.float32)


@dataclass(frozen=True)
class Network:
    thin: bool  # reads digits normalised with thinned strokes
    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        x = (features(images) - self.mean) / self.scale
        hidden = np.maximum(x @ self.w1 + self.b1, 0.0)
        logits = hidden @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class DigitModel:
    networks: tuple[Network, ...]

    def read(self, masks: list[np.ndarray]) -> np.ndarray:
        """Binary digit images (any size) → (n, 11) class probabilities (0–9, then JUNK), averaged over the
        networks, each given the digits normalised its own way."""
        if not masks:
            return np.zeros((0, JUNK + 1))
        return np.mean([net.probabilities(np.asarray([normalise(m, net.thin) for m in masks]))
                        for net in self.networks], axis=0)


MODEL_FILE = "digits.npz"
_FIELDS = ("mean", "scale", "w1", "b1", "w2", "b2")


@lru_cache(maxsize=1)
def model() -> DigitModel:
    with resources.files("ocr").joinpath("data", MODEL_FILE).open("rb") as handle:
        data = np.load(handle)
        networks = []
        for prefix, thin in (("plain_", False), ("thin_", True)):
            if f"{prefix}w1" in data:
                networks.append(Network(thin, *(np.asarray(data[prefix + k], np.float32) for k in _FIELDS)))
        return DigitModel(tuple(networks))
