"""Rendering in worker processes changes no byte: the site-wide pages split over workers give the same tree
as the same pages rendered in one process."""

from __future__ import annotations

from pathlib import Path

from conftest import build_into, copy_project

from budgetsite import sitewide


def tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_site_wide_pages_in_workers_are_the_pages_of_one_process(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project", datasets=None)
    sites = {}
    for name, threshold in (("one process", 10**9), ("workers", 0)):
        monkeypatch.setattr(sitewide, "POOL_MIN_PAGES", threshold)
        code, _, stderr = build_into(root, tmp_path / name, "--no-cache", "--workers", "2")
        assert code == 0, stderr
        sites[name] = tree(tmp_path / name)
    assert sites["one process"].keys() == sites["workers"].keys()
    differ = [f for f in sites["workers"] if sites["workers"][f] != sites["one process"][f]]
    assert not differ, differ[:10]
    assert sum(1 for f in sites["workers"] if "/codes/" in f) > 100, "enough site-wide pages to share out"


def frozen_and_pid(_: int) -> tuple[int, int]:
    import gc
    import os

    return os.getpid(), gc.get_freeze_count()


def test_a_worker_freezes_what_outlives_its_first_task():
    from budgetsite.pool import run_tasks

    seen: dict[int, list[int]] = {}
    for pid, frozen in run_tasks(frozen_and_pid, [(i,) for i in range(16)], workers=2):
        seen.setdefault(pid, []).append(frozen)
    assert any(max(counts) > counts[0] for counts in seen.values()), "after a worker's first task, more is frozen"


def pid_and_value(value: int) -> tuple[int, int]:
    import os

    return os.getpid(), value


def test_started_tasks_run_in_workers_and_come_back_in_order():
    """One task is enough to start the pool; the results come back in task order."""
    import os

    from budgetsite.pool import started

    with started(pid_and_value, [(7,)], workers=2, min_tasks=1) as results:
        assert os.getpid() not in {pid for pid, _ in results()}, "the task ran in a worker"
    with started(pid_and_value, [(i,) for i in range(20)], workers=2) as results:
        assert [value for _, value in results()] == list(range(20))
    with started(pid_and_value, [(1,)], workers=1) as results:
        assert results() == [(os.getpid(), 1)], "no pool with one worker: the task runs in the caller"
