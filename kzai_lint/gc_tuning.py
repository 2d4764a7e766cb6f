"""Fewer runs of Python's cyclic garbage collector while files are scanned.

A scan allocates a whole libcst tree per file (tens of thousands of nodes) that lives until the
file is done and is then freed by reference counting: the analysis keeps no reference cycles
(`tests/test_gc_tuning.py` checks that a scanned tree leaves no cyclic garbage). With the
default young-generation threshold of 700 allocations, the collector runs every few dozen nodes
of every tree, moves the tree's nodes into the older generations, and each full collection
then also walks the catalogue, the rules and their compiled regexes. Measured on 300 keyword-
dense files (the benchmark's worst case): the collector took ~10 % of the scan; with a young
threshold of 10,000 it takes under 1 %. Larger thresholds were slower again (each young
collection then walks more objects than fit in the CPU's caches).

The thresholds are raised only for the duration of a scan and restored afterwards, so a program
that uses kzai-lint as a library keeps its own settings; pool workers, which only scan, keep the
raised ones (`parallel`).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

__all__ = ["YOUNG_THRESHOLD", "fewer_collections", "raise_thresholds"]

YOUNG_THRESHOLD = 10_000
"""Allocations between two young-generation collections while scanning (CPython's default: 700)."""


def raise_thresholds() -> tuple[int, ...]:
    """Raise the young threshold to `YOUNG_THRESHOLD` (never lowers it); returns the old ones."""
    old = gc.get_threshold()
    if old[0] and old[0] < YOUNG_THRESHOLD:  # 0 means automatic collection is off: leave it
        gc.set_threshold(YOUNG_THRESHOLD, *old[1:])
    return old


@contextmanager
def fewer_collections() -> Iterator[None]:
    """`raise_thresholds` for the duration of the block, then the caller's thresholds again."""
    old = raise_thresholds()
    try:
        yield
    finally:
        gc.set_threshold(*old)
