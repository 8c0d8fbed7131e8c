"""Stage timings for the benchmark: seconds added up per stage name (CPU-seconds when summed over workers)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

Stats = dict[str, float]


@contextmanager
def timed(stats: Stats | None, name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        if stats is not None:
            stats[name] = stats.get(name, 0.0) + time.perf_counter() - start


def merge(into: Stats | None, other: Stats) -> None:
    if into is not None:
        for name, seconds in other.items():
            into[name] = into.get(name, 0.0) + seconds
