"""What a rebuild may keep: the manifest of the last build, and the units whose inputs did not change.

A unit is what is rendered as a whole and reused as a whole: a budget (its pages and downloads) or a
department (its pages and comparisons). Its key hashes everything its files depend on; when the key equals
the one the manifest recorded and every file is still on the live site, the files are linked into the new
tree instead of being rendered again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import write_file
from .pool import run_tasks
from .timing import Stats, timed
from .timing import merge as merge_stats
from .writer import SiteWriter

MANIFEST = "manifest.json"


def read_manifest(cache_dir: Path, output: Path) -> dict[str, Any]:
    """The last build's manifest, or {} when there is none, it is unreadable, or it describes another
    output folder (or one that is gone)."""
    try:
        data = json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("output") == str(output) and output.is_dir() else {}


def write_manifest(cache_dir: Path, data: dict[str, Any]) -> None:
    write_file(cache_dir / MANIFEST, json.dumps(data, ensure_ascii=False).encode("utf-8"))


@dataclass(frozen=True)
class Unit:
    """Something rendered as a whole and reused as a whole: a budget, or a department's own pages."""

    name: str
    key: str
    task: tuple[Any, ...]  # the arguments of the function that renders it


def reuse(entry: dict[str, Any] | None, key: str, live: Path, writer: SiteWriter) -> list[str] | None:
    """A unit's files linked from the live site when nothing it depends on changed; None otherwise."""
    if not entry or entry.get("key") != key or not all((live / f).is_file() for f in entry["files"]):
        return None
    for f in entry["files"]:
        writer.link(f, live / f)
    return list(entry["files"])


def render_units(kind: str, units: list[Unit], previous: dict[str, Any], live: Path, writer: SiteWriter,
                 function: Callable[..., Any], workers: int, stats: Stats | None
                 ) -> tuple[dict[str, list[str]], set[str]]:
    """Every unit's files, reused or rendered (in a pool when there are several); and the names rendered.
    `function(*unit.task)` renders one unit into the staged tree and returns {path: size} (with its
    timings, as a pair, where it keeps them)."""
    files: dict[str, list[str]] = {}
    todo = []
    with timed(stats, f"reuse unchanged {kind} (wall)"):
        for unit in units:
            reused = reuse(previous.get(kind, {}).get(unit.name), unit.key, live, writer)
            if reused is None:
                todo.append(unit)
            else:
                files[unit.name] = reused
    with timed(stats, f"render {kind} (wall)"):
        done = run_tasks(function, [u.task for u in todo], workers)
    for unit, result in zip(todo, done, strict=True):
        written, worker_stats = result if isinstance(result, tuple) else (result, {})
        merge_stats(stats, worker_stats)
        writer.adopt(written)
        files[unit.name] = sorted(written)
    return files, {u.name for u in todo}
