"""A second reader of one line of a page: AsterOCR's Vietnamese line recogniser (a CTC network run by ONNX Runtime,
its weights inside its wheel: nothing is downloaded), trained on Vietnamese print and handwriting.

Tesseract reads print; `ocr.handwriting` reads the pen's digits one by one with a classifier trained on fonts. This
reader sees the whole line as a person does — `Số: 47 /QĐ-UBND`, `Kiên Giang, ngày 28 tháng 8 năm 2017` — so the
printed words around a blank tell it where the pen's digits stop, and its reading is independent evidence: the
caller takes a handwritten number when the two readers agree (`pipeline.handwritten`).

    reading = read_line(crop)          # crop: BGR or grey pixels of one line
    reading.text                       # 'Số: 47 /QĐ-UBND'
    reading.probabilities              # each character's probability, in order
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

HEIGHT = 32  # the network's input height (pixels)


@dataclass(frozen=True)
class LineReading:
    text: str
    probabilities: tuple[float, ...]  # of each character of `text`

    def span_probability(self, start: int, end: int) -> float:
        """The product of the probabilities of the characters text[start:end]."""
        return float(np.prod(self.probabilities[start:end])) if end > start else 0.0


_LOADING = threading.Lock()


def _engine() -> Any | None:
    """The ONNX session and the vocabulary, loaded once per process (a thread that asks while another loads it
    waits for that one); None where the package is not installed."""
    with _LOADING:
        return _load_engine()


@lru_cache(maxsize=1)
def _load_engine() -> Any | None:
    try:
        import asterocr
        import onnxruntime as ort
        from asterocr import vocab
    except ImportError:
        return None
    from pathlib import Path

    model = Path(asterocr.__file__).parent / "assets" / "asternet.onnx"
    if not model.exists():
        return None
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # one thread: a batch runs one worker per core
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    return session, vocab.default_vocab


# A process forked from one that ran the reader (a batch's worker) must not use the parent's session: ONNX Runtime's
# state does not survive a fork (the child waits forever on a lock). The child loads its own.
def _after_fork() -> None:
    global _LOADING
    _LOADING = threading.Lock()  # (one held by a thread of the parent at the fork would be held for ever)
    _load_engine.cache_clear()


os.register_at_fork(after_in_child=_after_fork)


def available() -> bool:
    return _engine() is not None


def _tensor(image: np.ndarray) -> np.ndarray:
    """The network's input as it was trained: RGB, 32 pixels high, Pillow's bilinear resize (which smooths when it
    shrinks), a width that is a multiple of 4, values in [-1, 1]."""
    from PIL import Image

    rgb = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB if image.ndim == 2 else cv2.COLOR_BGR2RGB)
    h, w = rgb.shape[:2]
    width = max(32, int(w * HEIGHT / max(h, 1)))
    width = (width + 3) // 4 * 4
    resized = Image.fromarray(rgb).resize((width, HEIGHT), Image.Resampling.BILINEAR)
    arr = (np.asarray(resized, dtype=np.float32) / 255.0 - 0.5) / 0.5
    return np.transpose(arr, (2, 0, 1))[np.newaxis, ...]


def read_line(image: np.ndarray) -> LineReading | None:
    """The text of one line of pixels (BGR or grey), each character with its probability (greedy CTC: the most
    probable class of each frame, repeats and blanks collapsed); None when the reader is not installed or the
    crop is empty."""
    engine = _engine()
    if engine is None or image is None or image.size == 0 or min(image.shape[:2]) < 4:
        return None
    session, vocab = engine
    out = session.run(None, {session.get_inputs()[0].name: _tensor(image)})[0]
    frames = out[:, 0, :] if out.ndim == 3 and out.shape[1] == 1 else out.reshape(-1, out.shape[-1])
    frames = frames - frames.max(axis=1, keepdims=True)
    probs = np.exp(frames)
    probs /= probs.sum(axis=1, keepdims=True)  # the network's scores as probabilities, whatever their scale
    best = probs.argmax(axis=1)
    text: list[str] = []
    confidences: list[float] = []
    previous = -1
    for k, index in enumerate(best):
        index = int(index)
        if index != previous and index != vocab.blank_idx:
            text.append(vocab.idx2char.get(index, ""))
            confidences.append(float(probs[k, index]))
        elif index == previous and index != vocab.blank_idx and confidences:
            confidences[-1] = max(confidences[-1], float(probs[k, index]))
        previous = index
    return LineReading("".join(text), tuple(confidences))


def views(image: np.ndarray) -> tuple[np.ndarray, ...]:
    """Three views of one line for the reader to read each: enlarged 1.5× (thin strokes keep their shape after
    the network's shrink to 32 pixels), its dark strokes thinned by a 2×2 grey dilation (a felt pen's digits that
    run together part), and a tenth trimmed at the top and the bottom (the printed line above or below cut off).
    Chosen on the development sources' handwritten blanks, checked on the unseen ones (bench/real.py): what most
    views read is right more often than the line read once, and wrong less often."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h = image.shape[0]
    return (cv2.resize(image, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC),
            cv2.dilate(grey, np.ones((2, 2), np.uint8)),
            image[h // 10 : h - h // 10])


def read_views(image: np.ndarray) -> tuple[LineReading, ...]:
    """The reader's readings of the line's `views` (those it could read); () when it is not installed."""
    if _engine() is None or image is None or image.size == 0 or min(image.shape[:2]) < 4:
        return ()
    return tuple(r for r in (read_line(v) for v in views(image)) if r is not None)
