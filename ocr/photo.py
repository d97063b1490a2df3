"""Phone photos of a page → the page alone, square-on and evenly lit, for the same preprocessing as a scan.

A photo shows the page on something else (a desk, a hand: a thumb over its margin), in perspective, lit unevenly;
a scan is the page filling the frame with paper all round it. The judgement is made on a ~480 px copy (~5–15 ms on
a 300 dpi page): the letters are closed away (the paper level under them), the paper is grown from its brightest
point through small steps only (light falling off across the page is followed, the step down to the desk at the
page's edge is a wall), skin- and wood-coloured pixels are left out, and the largest stretch of paper, as a convex
quadrilateral, is the page. It is a photo when that quadrilateral leaves more than 8% of the frame to something
clearly darker than the paper; otherwise (a scan) the very same array goes on. A page whose bottom edge runs out of
the frame gives a quadrilateral closed by the frame's edge: it is straightened all the same.

The photo's page is then warped square (cv2.getPerspectiveTransform / warpPerspective), enlarged to ~200 dpi in the
same interpolation, the light evened out by dividing by the paper level (a closing with a large kernel, on a
reduced copy), a thumb over the margin whitened, and the letters' edges sharpened against the phone's blur.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SMALL = 480  # long side (px) of the copy the page is found on
MIN_CONTRAST = 40  # grey levels between the paper and what lies around it, under which nothing is apart from paper
EDGE = 30  # grey levels across 3 px that make an edge: the page's own edge, a thumb's, a picture's
STEP = 6  # largest step (grey levels) between neighbouring pixels of the paper level inside one page
MAX_COVER = 0.92  # a page quadrilateral covering more of the frame than this is a scan's
MIN_COVER = 0.2  # … less than this is no page at all (a paper on the desk, a label)
A4_WIDTH_INCHES = 210 / 25.4
MIN_DPI = 200  # a photographed page smaller than this is enlarged to it
SHARPEN = 1.0  # unsharp-mask amount on a photographed page

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Finding:
    photo: bool
    reason: str  # one line: why a photo, or why not
    quad: Quad | None = None  # the page's corners in the input's pixels: top-left, top-right, bottom-right, bottom-left


@dataclass(frozen=True)
class Flattened:
    image: np.ndarray  # the page square-on and evenly lit; the input itself (the same array) when not a photo
    finding: Finding
    dpi: int | None = None  # a photo's page: its resolution once straightened (its width taken as A4's)


def find_page(image: np.ndarray) -> Finding:
    """Is this a photo of a page, and where is the page? (see the module's docstring)"""
    h, w = image.shape[:2]
    step = -(-max(h, w) // SMALL)
    if step < 2 or min(h, w) < 200:
        return Finding(False, "not a photo: too small to be one")
    # every k-th pixel, then 2×2 blocks averaged: ~3 ms on a 300 dpi page, where an area reduction of the whole page
    # costs ~40 ms (the judgement needs the paper's level, not every pixel)
    step += step % 2 if step >= 4 else 0
    sub = step // 2 if step >= 4 else 1
    reduced = np.ascontiguousarray(image[::sub, ::sub]) if sub > 1 else image
    rh, rw = reduced.shape[:2]
    k = step // sub
    small = cv2.resize(reduced[: rh - rh % k, : rw - rw % k], (rw // k, rh // k), interpolation=cv2.INTER_AREA)
    factor = 1.0 / step
    gray = small if small.ndim == 2 else cv2.cvtColor(small[:, :, :3], cv2.COLOR_BGR2GRAY)
    # the paper level under the letters: a closing wider than a stroke and a line of text at this size
    size = 2 * round(6 * max(gray.shape) / SMALL) + 1  # ~13 px at 480
    level = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    # the paper: grown from its brightest point through small steps only, so light falling off across the page is
    # followed and the step down to the table at the page's edge is not crossed
    sh, sw = level.shape
    centre = cv2.GaussianBlur(level[sh // 4 : 3 * sh // 4, sw // 4 : 3 * sw // 4], (0, 0), 3)
    y, x = np.unravel_index(int(np.argmax(centre)), centre.shape)
    # edges are walls: along a slanted edge the blended pixels would make a ladder of small steps out of the page
    edges = cv2.morphologyEx(level, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    grown = cv2.copyMakeBorder(cv2.inRange(edges, EDGE, 255) // 255, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    seed = (int(x) + sw // 4, int(y) + sh // 4)
    if grown[seed[1] + 1, seed[0] + 1]:
        return Finding(False, "not a photo: no paper found")
    cv2.floodFill(level, grown, seed, 255, STEP, STEP, 4 | cv2.FLOODFILL_MASK_ONLY | (255 << 8))
    paper = cv2.inRange(grown[1:-1, 1:-1], 255, 255)
    if small.ndim == 3:  # skin and wood are bright but coloured; paper is grey (its coloured ink is thin)
        saturation = cv2.extractChannel(cv2.cvtColor(small[:, :, :3], cv2.COLOR_BGR2HSV), 1)
        coloured = cv2.morphologyEx(cv2.inRange(saturation, 70, 255), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        paper = cv2.bitwise_and(paper, cv2.bitwise_not(coloured))
    if cv2.countNonZero(paper) > 0.98 * paper.size:
        return Finding(False, "not a photo: paper all round the frame")
    paper = cv2.morphologyEx(paper, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))  # thin bridges to the table cut
    count, labels, stats, _ = cv2.connectedComponentsWithStats(paper, connectivity=4)
    if count < 2:
        return Finding(False, "not a photo: no paper found")
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    contours, _ = cv2.findContours((labels == largest).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    cover = cv2.contourArea(hull) / float(gray.size)
    if cover > MAX_COVER:
        return Finding(False, f"not a photo: the page fills the frame ({cover:.0%})")
    if cover < MIN_COVER:
        return Finding(False, f"not a photo: the largest paper is {cover:.0%} of the frame")
    quad = _quadrilateral(hull)
    # what lies outside the page must be clearly darker than the paper (a table in a scan has paper all round it)
    outside = np.full(gray.shape, 255, np.uint8)
    cv2.fillConvexPoly(outside, quad.astype(np.int32), 0)
    contrast = cv2.mean(level, paper)[0] - cv2.mean(level, outside)[0]
    if contrast < MIN_CONTRAST:
        return Finding(False, f"not a photo: what lies around the page is no darker than paper (step {contrast:.0f})")
    corners = tuple((float(x) / factor, float(y) / factor) for x, y in quad)
    return Finding(True, f"photo: the page covers {cover:.0%} of the frame, darker by {contrast:.0f} around it",
                   corners)  # type: ignore[arg-type]


def _quadrilateral(hull: np.ndarray) -> np.ndarray:
    """Four corners (top-left, top-right, bottom-right, bottom-left) of a convex outline: its polygon simplified
    to four vertices where it has them, else the outline's points furthest towards each corner of the frame."""
    perimeter = cv2.arcLength(hull, True)
    points = hull.reshape(-1, 2).astype(np.float32)
    for tolerance in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, tolerance * perimeter, True).reshape(-1, 2).astype(np.float32)
        if len(approx) == 4:
            points = approx
            break
    total, diff = points.sum(axis=1), points[:, 0] - points[:, 1]
    return np.float32([points[np.argmin(total)], points[np.argmax(diff)], points[np.argmax(total)],
                       points[np.argmin(diff)]])


def flatten(image: np.ndarray) -> Flattened:
    """The page of a phone photo square-on, the rest of the frame cropped away, the light evened out; anything
    else (a scan) returned as the same array, untouched."""
    finding = find_page(image)
    if not finding.photo or finding.quad is None:
        return Flattened(image=image, finding=finding)
    quad = np.float32(finding.quad)
    top, bottom = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])
    left, right = np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])
    # a photo's page is small (~130 dpi from a 2000 px frame): enlarged in the same interpolation as the warp, to
    # ~200 dpi, the letters' edges then sharpened against the phone's blur
    side = max(top, bottom)
    aspect = (left + right) / (top + bottom)  # to first order: a tilt shortens one side as it lengthens the other
    enlarge = max(1.0, MIN_DPI * A4_WIDTH_INCHES / side)
    width, height = int(round(side * enlarge)), int(round(side * aspect * enlarge))
    target = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    matrix = cv2.getPerspectiveTransform(quad, target)
    page = cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    page = _even_light(page)
    page = cv2.addWeighted(page, 1 + SHARPEN, cv2.GaussianBlur(page, (0, 0), 2.0), -SHARPEN, 0)
    return Flattened(image=page, finding=finding, dpi=max(72, round(width / A4_WIDTH_INCHES)))


def _even_light(page: np.ndarray) -> np.ndarray:
    """Each pixel divided by the paper level around it (so paper is white everywhere, ink keeps its contrast), and
    a thumb over the margin made white."""
    h, w = page.shape[:2]
    gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    factor = 240 / max(h, w)
    small = cv2.resize(gray, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)
    level = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    level = cv2.GaussianBlur(level, (0, 0), 3)
    # a thumb over the margin: skin, solid, coming in over the page's edge (the table's remnants need nothing:
    # divided by their own level they come out as pale as paper)
    foreign = np.zeros_like(small)
    if page.ndim == 3:
        hsv = cv2.cvtColor(cv2.resize(page, small.shape[::-1], interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2HSV)
        foreign = cv2.morphologyEx(cv2.inRange(hsv, (0, 60, 60), (30, 255, 255)), cv2.MORPH_OPEN,
                                   np.ones((5, 5), np.uint8))
    foreign = _touching_edge(foreign)
    level = cv2.max(level, cv2.bitwise_and(foreign, np.full_like(level, int(np.percentile(level, 90)))))
    level = cv2.resize(level, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    level = np.maximum(level, 1.0)
    if page.ndim == 3:
        level = cv2.merge([level, level, level])
    out = cv2.divide(page.astype(np.float32), level, scale=255.0)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if cv2.countNonZero(foreign):
        mask = cv2.resize(cv2.dilate(foreign, np.ones((3, 3), np.uint8)), (w, h), interpolation=cv2.INTER_NEAREST)
        out[mask > 0] = 255
    return out


def _touching_edge(mask: np.ndarray) -> np.ndarray:
    """The blobs of `mask` that touch the page's edge (a thumb comes in from outside; a seal lies within)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h, w = mask.shape
    keep = np.zeros(count, bool)
    for k in range(1, count):
        x, y, bw, bh, _ = stats[k]
        keep[k] = x <= 1 or y <= 1 or x + bw >= w - 1 or y + bh >= h - 1
    return np.where(keep[labels], 255, 0).astype(np.uint8)
