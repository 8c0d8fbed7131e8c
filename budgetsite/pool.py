"""The build's own process pool: one task per dataset (or department), results in task order.

Frictionless' `parallel=True` would drop custom checks, and threads do not help CPU-bound Python; a pool of
processes over datasets keeps every check and scales with the cores (measured in docs/performance.md).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any

POOL_MIN_TASKS = 4  # below this, starting processes costs more than it saves


def run_tasks(function: Callable[..., Any], tasks: list[tuple[Any, ...]], workers: int,
              min_tasks: int = POOL_MIN_TASKS) -> list[Any]:
    """`function(*task)` for every task; in a pool of `workers` processes when there are at least `min_tasks`.
    `function` must be defined at module level, so that the workers can import it."""
    with started(function, tasks, workers, min_tasks) as results:
        return results()


@contextmanager
def started(function: Callable[..., Any], tasks: list[tuple[Any, ...]], workers: int,
            min_tasks: int = POOL_MIN_TASKS) -> Iterator[Callable[[], list[Any]]]:
    """`function(*task)` for every task, as `run_tasks` runs them, but started in the pool on entering, so
    that the caller works meanwhile; the function given back waits for the results, in task order. Without
    a pool the tasks run when it is called."""
    if not tasks or len(tasks) < min_tasks or workers < 2:
        yield lambda: [function(*task) for task in tasks]
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
        results = pool.map(partial(settled, function), *zip(*tasks, strict=True),
                           chunksize=max(1, len(tasks) // (workers * 8)))
        yield lambda: list(results)


_TASKS_RUN = 0


def settled(function: Callable[..., Any], *task: Any) -> Any:
    """Worker: `function(*task)`; before a worker's second task, what is still alive (the libraries the first
    imported, compiled schemas and templates) is frozen out of the cycle collector's scans, which otherwise
    go over it again and again: pages and frictionless took a fifth less time with the collector off.
    Garbage is collected first, so nothing of the first task stays but what it returned. Not after the first
    task: a worker with one task to do (a rebuild's changed budget) would make the build wait for the
    collection."""
    global _TASKS_RUN
    if _TASKS_RUN == 1:
        gc.collect()
        gc.freeze()
    _TASKS_RUN += 1
    return function(*task)
