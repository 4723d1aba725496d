"""Seeded synthetic 12x12 grayscale glyphs in ten classes, for small image classifiers.

Each image is one stroke glyph (a bar, a diagonal, a cross, a ring, ...) drawn
with soft edges at a random offset, thickness and brightness, then covered in
sensor noise and a speckle of random pixels. A small MLP learns it to over 90%
accuracy in a few seconds on a CPU; chance is 10%.

``glyphs(n, seed)`` returns ``(images, labels)``: float32 images of shape
``(n, 12, 12)`` (ink in [0, 1] plus Gaussian noise) and int64 labels in ``0..9``
(see ``CLASSES``). ``glyphs(n, seed, marks=random_marks(world))`` draws the same
kind of scans of ten other marks, drawn at random from ``world``: strokes between
points of a 3x3 grid on the canvas, no two marks alike.
"""

from __future__ import annotations

import numpy as np

SIZE = 12
CLASSES = ("dash", "bar", "backslash", "slash", "plus", "cross", "ring", "box", "ell", "tee")
N_CLASSES = len(CLASSES)

_CANVAS = 8  # glyphs are drawn on an 8x8 canvas, then placed at a random offset
_NOISE = 0.28  # standard deviation of the per-pixel sensor noise
_SPECKLE = 0.04  # share of pixels set to a random value


def _strokes(name: str) -> list[tuple[float, float, float, float]]:
    """Line segments (r0, c0, r1, c1) on the 8x8 canvas that make up glyph ``name``."""
    lo, hi, mid = 0.5, 6.5, 3.5
    box = [(lo, lo, lo, hi), (hi, lo, hi, hi), (lo, lo, hi, lo), (lo, hi, hi, hi)]
    return {
        "dash": [(mid, lo, mid, hi)],
        "bar": [(lo, mid, hi, mid)],
        "backslash": [(lo, lo, hi, hi)],
        "slash": [(lo, hi, hi, lo)],
        "plus": [(mid, lo, mid, hi), (lo, mid, hi, mid)],
        "cross": [(lo, lo, hi, hi), (lo, hi, hi, lo)],
        "ring": [],  # drawn as a circle below
        "box": box,
        "ell": [(lo, lo, hi, lo), (hi, lo, hi, hi)],
        "tee": [(lo, lo, lo, hi), (lo, mid, hi, mid)],
    }[name]


_ROWS, _COLS = np.mgrid[0:_CANVAS, 0:_CANVAS].astype(np.float64)


def _distance_map(strokes) -> np.ndarray:
    """(8, 8) distance from each canvas pixel to the nearest of ``strokes`` (r0, c0, r1, c1)."""
    best = np.full((_CANVAS, _CANVAS), np.inf)
    for r0, c0, r1, c1 in strokes:
        d = np.array([r1 - r0, c1 - c0])
        t = np.clip(((_ROWS - r0) * d[0] + (_COLS - c0) * d[1]) / (d @ d), 0.0, 1.0)
        best = np.minimum(best, np.hypot(_ROWS - r0 - t * d[0], _COLS - c0 - t * d[1]))
    return best


def _distance_maps() -> np.ndarray:
    """(N_CLASSES, 8, 8) distance from each canvas pixel to the nearest stroke of each glyph."""
    return np.stack([np.abs(np.hypot(_ROWS - 3.5, _COLS - 3.5) - 2.8) if name == "ring"
                     else _distance_map(_strokes(name)) for name in CLASSES])


_DISTANCES = _distance_maps()
_GRID = [(r, c) for r in (0.5, 3.5, 6.5) for c in (0.5, 3.5, 6.5)]
_GRID_STROKES = [(*a, *b) for i, a in enumerate(_GRID) for b in _GRID[i + 1:]]
_MIN_APART = 4.5  # L2 distance between two marks' ink (the built-in marks: 3.45 at least)


def _ink(distances: np.ndarray, thickness=0.7) -> np.ndarray:
    return np.clip(1.0 - (distances - thickness) / 0.6, 0.0, 1.0)


def random_marks(world: int) -> np.ndarray:
    """(N_CLASSES, 8, 8) distance maps of ten marks drawn from ``world``: 1 to 3 strokes
    between points of a 3x3 grid on the canvas, each mark's ink far from every other's."""
    rng = np.random.default_rng(world)
    marks: list[np.ndarray] = []
    while len(marks) < N_CLASSES:
        chosen = rng.choice(len(_GRID_STROKES), rng.integers(1, 4), replace=False)
        mark = _distance_map([_GRID_STROKES[i] for i in chosen])
        if all(np.linalg.norm(_ink(mark) - _ink(other)) > _MIN_APART for other in marks):
            marks.append(mark)
    return np.stack(marks)


def glyphs(n: int, seed: int, marks: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return ``n`` noisy glyph images (float32, (n, 12, 12)) and their labels (int64).

    ``marks`` (from ``random_marks``) replaces the ten built-in glyphs of ``CLASSES``.
    """
    distances = _DISTANCES if marks is None else marks
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, N_CLASSES, n)
    thickness = rng.uniform(0.45, 0.95, (n, 1, 1))
    brightness = rng.uniform(0.55, 1.0, (n, 1, 1))
    ink = brightness * _ink(distances[labels], thickness)
    images = np.zeros((n, SIZE, SIZE))
    offsets = rng.integers(0, SIZE - _CANVAS + 1, (n, 2))
    for i, (r, c) in enumerate(offsets):
        images[i, r:r + _CANVAS, c:c + _CANVAS] = ink[i]
    images += rng.normal(0.0, _NOISE, images.shape)
    speckle = rng.random(images.shape) < _SPECKLE
    images[speckle] = rng.random(int(speckle.sum()))
    return images.astype(np.float32), labels.astype(np.int64)
