"""The build's own process pool: one task per dataset (or department), results in task order.

Frictionless' `parallel=True` would drop custom checks, and threads do not help CPU-bound Python; a pool of
processes over datasets keeps every check and scales with the cores (measured in docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

POOL_MIN_TASKS = 4  # below this, starting processes costs more than it saves


def run_tasks(function: Callable[..., Any], tasks: list[tuple[Any, ...]], workers: int,
              min_tasks: int = POOL_MIN_TASKS) -> list[Any]:
    """`function(*task)` for every task; in a pool of `workers` processes when there are at least `min_tasks`.
    `function` must be defined at module level, so that the workers can import it."""
    if len(tasks) < min_tasks or workers < 2:
        return [function(*task) for task in tasks]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, *zip(*tasks, strict=True), chunksize=max(1, len(tasks) // (workers * 8))))
