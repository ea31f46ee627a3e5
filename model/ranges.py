"""Index ranges held as (start, count) pairs — the compressed-sparse-row layout of polygons in
rings, rings in vertices, triangles of a polygon, tiles of objects — expanded with numpy."""
from __future__ import annotations

import numpy as np


def concatenated_ranges(starts, counts) -> np.ndarray:
    """The positions ``starts[i], starts[i] + 1, …, starts[i] + counts[i] − 1`` for every i, one
    after the other (int64), without a Python loop: ``np.repeat`` of each range's offset against
    its place in the output, plus a running index."""
    counts = np.asarray(counts, dtype=np.int64)
    if not len(counts):
        return np.zeros(0, np.int64)
    offsets = np.asarray(starts, np.int64) - np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.repeat(offsets, counts) + np.arange(int(counts.sum()), dtype=np.int64)
