"""Page images cleaned for OCR with OpenCV: colour ink (seals, stamps, signature boxes) lifted off the text,
orientation, deskew, resolution, noise and borders. Each step is cheap next to Tesseract itself and is kept only
because `bench/ocr.py` shows it lowers the character error rate.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import cv2
import numpy as np

MAX_PIXELS = 60_000_000  # a page larger than this is scaled down first (memory stays bounded)
UPSCALE_BELOW, UPSCALE_TO = 14, 20  # median letter height (px) under which a page is enlarged, and to what
DENOISE_ABOVE, DENOISE_LETTERS = 11.0, 24  # paper noise σ over which, with letters this tall (px), a page is smoothed


@dataclass(frozen=True)
class Prepared:
    gray: np.ndarray  # what Tesseract reads
    colour_ink: np.ndarray | None  # coloured ink (red/blue stamps, signature boxes) as dark-on-white, if any
    scale: float  # factor applied to the input's pixel size
    skew: float  # degrees corrected
    rotation: int  # 0/90/180/270 applied
    notes: tuple[str, ...]
    matrix: np.ndarray = field(default_factory=lambda: np.eye(3))  # input pixel (x, y, 1) → pixel of `gray`


def to_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def bound_size(image: np.ndarray) -> tuple[np.ndarray, float]:
    pixels = image.shape[0] * image.shape[1]
    if pixels <= MAX_PIXELS:
        return image, 1.0
    scale = (MAX_PIXELS / pixels) ** 0.5
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


Region = tuple[int, int, int, int]  # x, y, width, height


def split_colour(bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, float]:
    """(gray page without coloured ink, the coloured ink alone or None, fraction of coloured pixels).

    Stamped ink darkens what is under it, so black text under a red seal stays dark (low value) while the seal's
    own strokes are saturated and bright enough: those pixels are whitened in the page the OCR reads. The ink layer
    is only built when some coloured ink is not a round seal (a stamp, a signature box, whose text is read apart):
    most pages carry a seal alone.
    """
    # OpenCV's own operations throughout: numpy's reductions over the channel axis cost ~0.2 s on a 300 dpi page
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    mask_u8 = cv2.inRange(hsv, (0, 81, 71), (180, 255, 255))  # saturation > 80, value > 70
    fraction = cv2.countNonZero(mask_u8) / mask_u8.size
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if fraction < 0.0005:
        return gray, None, fraction
    # masks are 0/255 images, so "where" is a max or a min: cheaper than numpy's boolean indexing on a full page
    rim = cv2.dilate(mask_u8, np.ones((3, 3), np.uint8))  # the anti-aliased rim of the ink too
    bright = cv2.inRange(cv2.extractChannel(hsv, 2), 71, 255)
    clean = cv2.max(gray, cv2.bitwise_and(rim, bright))
    if not ink_regions(mask_u8):
        return clean, None, fraction
    # the ink layer: the darkest channel under the mask (black text under a stamp stays dark there), white elsewhere
    blue, green, red = cv2.split(bgr)
    not_mask = cv2.bitwise_not(mask_u8)
    ink = cv2.max(cv2.min(cv2.min(blue, green), red), not_mask)
    # where coloured strokes cross black text the pixels are black: close those breaks in the ink layer
    near_ink = cv2.dilate(mask_u8, np.ones((5, 5), np.uint8))
    crossing = cv2.bitwise_and(cv2.bitwise_and(near_ink, not_mask), cv2.inRange(gray, 0, 109))
    ink = cv2.min(ink, cv2.max(gray, cv2.bitwise_not(crossing)))
    return clean, ink, fraction


def ink_regions(binary: np.ndarray) -> list[Region]:
    """Blocks of coloured ink (`binary`: 255 = ink) that may hold text: stamps, signature boxes. Round seals and what
    lies inside them (the star, the emblem) are left out: their ring lettering is not the letter's text. Blocks are
    gathered on a 4× smaller copy (strokes closer than ~25 px join)."""
    step = 4
    h, w = binary.shape
    small = cv2.resize(binary, (-(-w // step), -(-h // step)), interpolation=cv2.INTER_AREA)
    small = cv2.dilate((small > 0).astype(np.uint8), np.ones((7, 7), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(small)
    boxes: list[Region] = []
    for k in range(1, count):
        x, y, bw, bh, area = (int(v) * step for v in stats[k])
        if bw >= 80 and bh >= 30 and area * step >= 3000:
            boxes.append((x, y, min(bw, w - x), min(bh, h - y)))
    seals = [b for b in boxes if is_round_seal(binary[b[1] : b[1] + b[3], b[0] : b[0] + b[2]])]

    def in_seal(box: Region) -> bool:
        cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
        return any(x <= cx <= x + bw and y <= cy <= y + bh for x, y, bw, bh in seals)

    return [b for b in boxes if b not in seals and not in_seal(b)]


def is_round_seal(binary: np.ndarray) -> bool:
    """A round seal: its ink lies inside the circle of its bounding square, with much of it on the outer ring; the
    frame or the text lines of a stamp or a signature box reach into the corners instead."""
    ys, xs = np.nonzero(binary)
    if len(xs) < 200:
        return False
    width, height = int(xs.max() - xs.min()) + 1, int(ys.max() - ys.min()) + 1
    if not 0.8 < width / height < 1.25:
        return False
    radius = (width + height) / 4
    r = np.hypot(xs - (xs.min() + xs.max()) / 2, ys - (ys.min() + ys.max()) / 2) / radius
    return float((r > 1.08).mean()) < 0.03 and float((r > 0.8).mean()) > 0.3


_REDUCED_WIDTH = 1600
_local = threading.local()  # per thread (Dask workers run pages in threads): the page and its 1600 px wide copy


def _binary_small(gray: np.ndarray, width: int = 1000) -> tuple[np.ndarray, float]:
    """The page reduced to `width` and binarised (Otsu), for the judgements of orientation, skew and letter size.
    Each page is reduced from full size once (~8 ms at 300 dpi), smaller copies from that reduction."""
    source = gray
    if gray.shape[1] > _REDUCED_WIDTH >= width:
        last = getattr(_local, "reduced", None)
        if last is None or last[0] is not gray:  # the page is kept referenced: `is` cannot match a new one
            scale = _REDUCED_WIDTH / gray.shape[1]
            last = _local.reduced = (gray, cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
        source = last[1]
    scale = width / source.shape[1] if source.shape[1] > width else 1.0
    small = cv2.resize(source, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale != 1.0 else source
    _, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary, small.shape[1] / gray.shape[1]


def estimate_skew(gray: np.ndarray, limit: float = 15.0) -> float:
    """The angle (degrees) that makes text lines horizontal: projection-profile sharpness, coarse to fine."""
    binary, _ = _binary_small(gray)
    ys, xs = np.nonzero(binary)
    if len(xs) < 500:
        return 0.0
    sample = np.random.default_rng(0).choice(len(xs), size=min(len(xs), 60_000), replace=False)
    xs, ys = xs[sample].astype(np.float32), ys[sample].astype(np.float32)
    h = binary.shape[0]

    bins = int(h * 1.5)
    offset = h * 0.5

    def score(angle: float) -> float:
        t = np.deg2rad(angle)
        rows = ((ys * np.cos(t) - xs * np.sin(t) + offset) * (bins / (h * 2.0))).astype(np.int64)
        hist = np.bincount(rows[(rows >= 0) & (rows < bins)], minlength=bins).astype(np.float64)
        return float(np.dot(hist, hist))

    best = max(np.arange(-limit, limit + 0.01, 1.0), key=score)
    for step in (0.25, 0.05):
        candidates = np.arange(best - 4 * step, best + 4 * step + 1e-9, step)
        best = max(candidates, key=score)
    return float(round(best, 2))


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """Turn the page by `angle` degrees (counter-clockwise), keeping all of it, filling with white."""
    h, w = gray.shape[:2]
    matrix = rotate_matrix(gray.shape, angle)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    return cv2.warpAffine(gray, matrix[:2], (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)


def turn_matrix(shape: tuple[int, ...], quarter_turns: int) -> np.ndarray:
    """Where `turn` sends a pixel of an image of this shape, as a 3×3 matrix on (x, y, 1)."""
    h, w = shape[:2]
    k = quarter_turns % 4
    if k == 1:  # counter-clockwise: (x, y) → (y, w - 1 - x)
        return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w - 1.0], [0.0, 0.0, 1.0]])
    if k == 2:
        return np.array([[-1.0, 0.0, w - 1.0], [0.0, -1.0, h - 1.0], [0.0, 0.0, 1.0]])
    if k == 3:
        return np.array([[0.0, -1.0, h - 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    return np.eye(3)


def rotate_matrix(shape: tuple[int, ...], angle: float) -> np.ndarray:
    """Where `rotate` sends a pixel, as a 3×3 matrix."""
    h, w = shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    return np.vstack([matrix, [0.0, 0.0, 1.0]])


def scale_matrix(factor: float) -> np.ndarray:
    return np.diag([factor, factor, 1.0])


def map_box(matrix: np.ndarray | tuple[float, ...], box: tuple[float, float, float, float], inverse: bool = False,
            ) -> tuple[int, int, int, int]:
    """A box (x0, y0, x1, y1) through a transform (3×3 or its first two rows as six numbers), or back through it."""
    m = np.asarray(matrix, dtype=np.float64)
    if m.shape != (3, 3):
        m = np.vstack([m.reshape(2, 3), [0.0, 0.0, 1.0]])
    if inverse:
        m = np.linalg.inv(m)
    x0, y0, x1, y1 = box
    corners = m @ np.array([[x0, x1, x0, x1], [y0, y0, y1, y1], [1.0, 1.0, 1.0, 1.0]])
    return (int(np.floor(corners[0].min())), int(np.floor(corners[1].min())), int(np.ceil(corners[0].max())),
            int(np.ceil(corners[1].max())))


def turn(gray: np.ndarray, quarter_turns: int) -> np.ndarray:
    k = quarter_turns % 4
    if k == 0:
        return gray
    codes = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}
    return cv2.rotate(gray, codes[k])


def lines_vertical(gray: np.ndarray) -> bool:
    """Is the page lying on its side? Text lines make the row profile much sharper than the column profile."""
    binary, _ = _binary_small(gray, 600)
    rows = binary.sum(axis=1).astype(np.float64)
    cols = binary.sum(axis=0).astype(np.float64)
    if rows.sum() == 0:
        return False
    sharp = lambda v: float(np.var(v) / (np.mean(v) ** 2 + 1e-9))  # noqa: E731
    return sharp(cols) > 1.3 * sharp(rows)


def upside_down(gray: np.ndarray) -> bool:
    """Is the (level) page upside down? In each text line, ink above the letters' core band (ascenders, capitals and
    Vietnamese tone marks, which most syllables carry) outweighs ink below it (descenders, the dot of dấu nặng);
    turned over, the balance flips. On the benchmark's pages the balance is +0.34…+0.54 upright, −0.37…−0.53 turned."""
    binary, _ = _binary_small(gray, 1600)
    profile = binary.sum(axis=1, dtype=np.float64) / 255.0
    inked = np.concatenate(([False], profile > 0.5, [False]))
    edges = np.flatnonzero(np.diff(inked.astype(np.int8)))
    above = below = 0.0
    for start, end in zip(edges[::2], edges[1::2]):
        if not 6 <= end - start <= 120:  # a line of text, not a speck or a picture
            continue
        line = profile[start:end]
        core = np.flatnonzero(line >= 0.5 * line.max())
        above += float(line[: core[0]].sum())
        below += float(line[core[-1] + 1 :].sum())
    if above + below < 500:  # too little text to judge
        return False
    return (above - below) / (above + below) < -0.1


def text_height(gray: np.ndarray) -> float | None:
    """Median height (pixels) of letter-sized connected components: how large the text is in this image."""
    binary, scale = _binary_small(gray, 1600)
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    keep = (heights > 3) & (heights < 80) & (widths < 3 * heights + 5) & (widths > 1)
    if keep.sum() < 50:
        return None
    return float(np.median(heights[keep])) / scale


def noise_level(gray: np.ndarray) -> float:
    """Standard deviation of pixel noise on the paper (robust: median absolute deviation from a median filter)."""
    small = gray[::2, ::2]
    residual = small.astype(np.int16) - cv2.medianBlur(small, 3).astype(np.int16)
    background = small > 150
    if background.sum() < 1000:
        return 0.0
    # paper is often clipped at white, which zeroes about half of the noise: the upper quartile of the deviations
    # is then the median of the other half (and on a clean page it is 0)
    return float(1.4826 * np.percentile(np.abs(residual[background]), 75))


def remove_borders(gray: np.ndarray) -> np.ndarray:
    """Dark scanner borders along the edges are whitened (they make Tesseract read bars as letters)."""
    h, w = gray.shape
    out = gray
    for axis in (0, 1):
        profile = (gray < 100).mean(axis=axis)
        size = len(profile)
        edge = max(2, size // 40)
        for indexes in (range(0, edge), range(size - 1, size - 1 - edge, -1)):
            for i in indexes:
                if profile[i] < 0.6:
                    break
                if out is gray:
                    out = gray.copy()
                if axis == 0:
                    out[:, i] = 255
                else:
                    out[i, :] = 255
    return out


STEPS = ("colour", "orientation", "deskew", "upscale", "denoise", "borders")


def prepare(image: np.ndarray, dpi: int | None = None, skip: frozenset[str] = frozenset()) -> Prepared:
    """Every step of STEPS, but those in `skip` (for the benchmark's ablation)."""
    notes: list[str] = []
    image, scale = bound_size(image)
    matrix = scale_matrix(scale)
    if scale != 1.0:
        notes.append(f"scaled {scale:.2f} to bound memory")
    if image.ndim == 2:  # a gray scan: no coloured ink to lift
        gray, ink, fraction = image, None, 0.0
    elif "colour" in skip:
        gray, ink, fraction = cv2.cvtColor(to_bgr(image), cv2.COLOR_BGR2GRAY), None, 0.0
    else:
        gray, ink, fraction = split_colour(to_bgr(image))
    if ink is not None:
        notes.append(f"colour ink {fraction:.2%} lifted")
    if "borders" not in skip:  # first: dark bands along the edges would dominate the orientation and skew profiles
        gray = remove_borders(gray)
    # grain is measured and filtered on the pixels as scanned (a rotation's interpolation would already have
    # averaged it). A 3×3 median helps only on heavy grain with large letters (300 dpi): on lighter noise, or on
    # 200 dpi letters whose strokes are 2–3 px wide, it ate more of the letters than of the noise (0.25% → 0.52%).
    sigma = noise_level(gray) if "denoise" not in skip else 0.0
    if sigma > DENOISE_ABOVE and (text_height(gray) or 0) >= DENOISE_LETTERS:
        gray = cv2.medianBlur(gray, 3)
        notes.append(f"denoised (σ≈{sigma:.0f})")
    rotation = 0
    if "orientation" not in skip and lines_vertical(gray):
        matrix = turn_matrix(gray.shape, 1) @ matrix
        gray = turn(gray, 1)
        ink = turn(ink, 1) if ink is not None else None
        rotation = 90
        notes.append("turned 90°")
    skew = estimate_skew(gray) if "deskew" not in skip else 0.0
    if abs(skew) >= 0.1:
        matrix = rotate_matrix(gray.shape, skew) @ matrix
        gray = rotate(gray, skew)
        ink = rotate(ink, skew) if ink is not None else None
        notes.append(f"deskewed {skew:+.2f}°")
    if "orientation" not in skip and upside_down(gray):
        matrix = turn_matrix(gray.shape, 2) @ matrix
        gray = turn(gray, 2)
        ink = turn(ink, 2) if ink is not None else None
        rotation = (rotation + 180) % 360
        notes.append("turned 180°")
    height = text_height(gray) if "upscale" not in skip else None
    if height is not None and height < UPSCALE_BELOW:
        factor = min(2.0, UPSCALE_TO / height)
        matrix = scale_matrix(factor) @ matrix
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        ink = cv2.resize(ink, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC) if ink is not None else None
        scale *= factor
        notes.append(f"upscaled ×{factor:.2f} (text {height:.0f} px)")
    _local.reduced = None
    return Prepared(gray=gray, colour_ink=ink, scale=scale, skew=skew, rotation=rotation, notes=tuple(notes),
                    matrix=matrix)
