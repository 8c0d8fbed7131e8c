"""What a rebuild may keep: the manifest of the last build, and the units whose inputs did not change.

A unit is what is rendered as a whole and reused as a whole: a budget (its pages and downloads) or a
department (its pages and comparisons). Its key hashes everything its files depend on; when the key equals
the one the manifest recorded and every file is still on the live site, its folders are kept (moved into the
new tree when it is published, writer.py), or, where its files are not just its own folders', linked one by
one, instead of being rendered again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import write_file
from .pool import run_tasks
from .timing import Stats, timed
from .timing import merge as merge_stats
from .writer import SiteWriter, folders_of

MANIFEST = "manifest.json"


def read_manifest(cache_dir: Path, output: Path) -> dict[str, Any]:
    """The last build's manifest, or {} when there is none, it is unreadable, or it describes another
    output folder (or one that is gone)."""
    try:
        data = json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("output") == str(output) and output.is_dir() else {}


def forget_manifest(cache_dir: Path, output: Path) -> None:
    """Remove the manifest describing `output`, once a build that keeps none has published there."""
    if read_manifest(cache_dir, output):
        (cache_dir / MANIFEST).unlink()


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


def unit_folders(name: str, files: list[str]) -> set[str] | None:
    """The folders named after the unit that hold all its files (`zh/<slug>`, `data/<slug>`,
    `en/departments/<id>`), or None when a file lies outside such a folder."""
    folders = set()
    for f in files:
        parts = f.split("/")
        if name not in parts[:-1]:
            return None
        folders.add("/".join(parts[:parts.index(name) + 1]))
    return folders


def files_below(root: Path, folder: str) -> set[str] | None:
    """Every file below `root/folder`, as paths relative to `root`; None where anything there is not a plain
    file or folder. Names only: the directory entries say which is which, so no file is opened or stat'ed;
    and plain strings, not Paths (a rebuild at 1,000 budgets lists 40,000 folders)."""
    out: set[str] = set()
    base = f"{root}/"
    stack = [folder]
    while stack:
        current = stack.pop()
        with os.scandir(base + current) as entries:
            for entry in entries:
                path = f"{current}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file(follow_symlinks=False):
                    out.add(path)
                else:
                    return None
    return out


def matching_folders(candidates: dict[str, list[str]], live: Path) -> dict[str, list[str]]:
    """For each unit (name -> its files) whose files are exactly the files of its own folders on the live
    site, those folders. It only reads the live site (34,000 folders at 1,000 budgets), so a worker can do it
    while the build validates."""
    out = {}
    for name, files in candidates.items():
        folders = unit_folders(name, files)
        if not folders or not all(os.path.isdir(f"{live}/{f}") for f in folders):
            continue
        found = [files_below(live, folder) for folder in sorted(folders)]
        below = [f for f in found if f is not None]
        if len(below) == len(found) and set().union(*below) == set(files):
            out[name] = sorted(folders)
    return out


def keep_folders(candidates: dict[str, list[str]], live: Path, writer: SiteWriter,
                 matching: dict[str, list[str]] | None = None) -> set[str]:
    """Keep the folders of unchanged units: `publish` moves each into the new tree by one rename (at 1,000
    budgets, hard-linking their 100,000 files took 5.6 s). A unit qualifies when its files are exactly the
    files of its own folders on the live site (`matching`: `matching_folders` of the same candidates, where
    it was run already) and the new tree has nothing there; the others are left to `reuse`. Returns the
    names kept."""
    if matching is None:
        matching = matching_folders(candidates, live)
    chosen = set()
    for name, folders in matching.items():
        if any(os.path.lexists(f"{writer.root}/{f}") for f in folders):
            continue
        for folder in folders:
            writer.keep(folder, live / folder, [f for f in candidates[name] if f.startswith(f"{folder}/")])
        chosen.add(name)
    return chosen


def keep_unchanged(unchanged: set[str], others: set[str], live: Path, writer: SiteWriter) -> set[str]:
    """Keep the files of `unchanged` (files of the live site that this build would render the same) without
    rendering them: whole folders where a folder holds only such files, none of `others` (the other files
    of the new tree), and on the live site exactly those (a code's pages, one folder per code, 5,700 files
    at 1,000 budgets: linking them took 1.9 s, most of it making a folder for each); the rest linked one by
    one where the live site still has them. Returns the files kept."""
    candidates = {folder for f in unchanged for folder in folders_of(f)}
    blocked = {folder for f in others for folder in folders_of(f, within=candidates)}
    grouped: dict[str, set[str]] = {}
    loose = []
    for f in sorted(unchanged):
        top = next((folder for folder in folders_of(f) if folder not in blocked), None)
        if top is None:
            loose.append(f)
        else:
            grouped.setdefault(top, set()).add(f)
    kept: set[str] = set()
    for folder, files in sorted(grouped.items()):
        if (live / folder).is_dir() and files_below(live, folder) == files:
            writer.keep(folder, live / folder, files)
            kept |= files
        else:
            loose += sorted(files)
    for f in sorted(loose):
        if (live / f).is_file():
            writer.link(f, live / f)
            kept.add(f)
    return kept


def unchanged_units(kind: str, keys: dict[str, str], previous: dict[str, Any]) -> dict[str, list[str]]:
    """The units (name -> key) whose key is the one the manifest recorded, with the files it lists."""
    entries = previous.get(kind, {})
    return {name: list(entries[name]["files"]) for name, key in keys.items()
            if name in entries and entries[name].get("key") == key}


def reuse_units(kind: str, keys: dict[str, str], previous: dict[str, Any], live: Path, writer: SiteWriter,
                stats: Stats | None, matching: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """The files of each unchanged unit (`unchanged_units`) that are all still on the live site: whole
    folders kept where they can be (`matching`: see keep_folders), else linked one by one."""
    entries = previous.get(kind, {})
    with timed(stats, f"reuse unchanged {kind} (wall)"):
        unchanged = unchanged_units(kind, keys, previous)
        kept = keep_folders(unchanged, live, writer, matching)
        files = {}
        for name in unchanged:
            reused = unchanged[name] if name in kept else reuse(entries[name], keys[name], live, writer)
            if reused is not None:
                files[name] = reused
    return files


def render_units(kind: str, units: list[Unit], reused: dict[str, list[str]], writer: SiteWriter,
                 function: Callable[..., Any], workers: int, stats: Stats | None
                 ) -> tuple[dict[str, list[str]], set[str]]:
    """Every unit's files: those `reuse_units` found, and the others rendered (in a pool when there are
    several); and the names rendered. `function(*unit.task)` renders one unit into the staged tree and
    returns the paths it wrote (with its timings, as a pair, where it keeps them)."""
    files = {u.name: reused[u.name] for u in units if u.name in reused}
    todo = [u for u in units if u.name not in reused]
    with timed(stats, f"render {kind} (wall)"):
        done = run_tasks(function, [u.task for u in todo], workers)
    for unit, result in zip(todo, done, strict=True):
        written, worker_stats = result if isinstance(result, tuple) else (result, {})
        merge_stats(stats, worker_stats)
        writer.adopt(written)
        files[unit.name] = sorted(written)
    return files, {u.name for u in todo}
