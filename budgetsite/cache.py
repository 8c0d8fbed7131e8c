"""Content hashes of the build's inputs, and the on-disk store of validation results.

A dataset is validated again only when its files, the reference data (code lists, rule sets), the build's
own code or the versions of the libraries it relies on change: the cache key covers all of them.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .atomic import write_file
from .model import ValidationResult

LIBRARIES = ("frictionless", "jinja2", "markdown", "nh3", "xlsxwriter", "jsonschema")
PACKAGE = Path(__file__).resolve().parent


class FileHashes:
    """Content hashes of files, remembered by (path, size, modification time) between builds, so that a
    rebuild reads only files that were touched. `--no-cache` builds start from an empty one and hash
    everything."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.known: dict[str, tuple[int, int, bytes]] = {}
        if path is not None and path.is_file():
            try:
                self.known = pickle.loads(path.read_bytes())  # noqa: S301 - our own cache file
            except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
                self.known = {}
        self.seen: dict[str, tuple[int, int, bytes]] = {}

    def of(self, file: str | Path, st: os.stat_result | None = None) -> bytes:
        """The file's hash; a path string is enough (a Path per file was half the time of an up-to-date build
        at 1,000 budgets)."""
        key = os.fspath(file)
        st = st or os.stat(key)
        hit = self.known.get(key)
        digest = hit[2] if hit and (hit[0], hit[1]) == (st.st_size, st.st_mtime_ns) else file_digest(key)
        self.seen[key] = (st.st_size, st.st_mtime_ns, digest)
        return digest

    def save(self) -> None:
        """Remember the hashes, except of files modified in the last two seconds: a later edit within the
        same clock tick would keep size and time, so those are hashed again next time (git's "racy" rule)."""
        cutoff = time.time_ns() - 2_000_000_000
        self.seen = {k: v for k, v in self.seen.items() if v[1] < cutoff}
        if self.path is not None and self.seen != self.known:  # unchanged: rewriting it would cost 0.1 s at 1,000
            write_file(self.path, pickle.dumps(self.seen, protocol=pickle.HIGHEST_PROTOCOL))


def walk(root: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """(relative path, entry) of every file below `root`, in sorted order; one stat per file at most."""
    def visit(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry]]:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        yield from visit(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file(follow_symlinks=False):
                    yield f"{prefix}{entry.name}", entry

    yield from visit(str(root), "")


def digest_tree(root: Path, hashes: FileHashes | None = None) -> str:
    """All files below `root`, names and contents; an absent folder hashes as empty."""
    if not root.exists():
        return hashlib.sha256(b"absent").hexdigest()
    h = hashlib.sha256()
    for rel, entry in walk(root):
        h.update(rel.encode("utf-8") + b"\0")
        h.update(hashes.of(entry.path, entry.stat()) if hashes else file_digest(entry.path))
    return h.hexdigest()


def file_digest(path: str) -> bytes:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).digest()


@cache
def code_digest() -> str:
    """This package's source and the versions of the libraries whose behaviour the output depends on."""
    h = hashlib.sha256(digest_tree(PACKAGE).encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=?;".encode())
    return h.hexdigest()


def combine(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


class ResultStore:
    """Validation results pickled under `folder`, one file per content key and kind: the full result, the brief
    (what site-wide work needs) and the budget's share of the corpus-wide tables."""

    KINDS = ("result", "brief", "part")

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, key: str, kind: str = "result") -> Path:
        return self.folder / f"{key}.{kind}.pickle"

    def has(self, key: str) -> bool:
        return all(self.path(key, kind).is_file() for kind in self.KINDS)

    def load(self, key: str) -> ValidationResult:
        return self._read(self.path(key))

    def load_brief(self, key: str) -> Any:
        """The small record saved beside a result (findings, counts, summary): what site-wide work needs,
        without unpickling every budget's rows and checks."""
        return self._read(self.path(key, "brief"))

    def load_part(self, key: str) -> Any:
        return self._read(self.path(key, "part"))

    def save(self, key: str, result: ValidationResult, brief: Any, part: Any) -> None:
        for kind, value in zip(self.KINDS, (result, brief, part), strict=True):
            write_file(self.path(key, kind), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def prune(self, keys: set[str]) -> int:
        """Removes every stored result but those of `keys` (the build's own), and what a killed build left
        half-written: without it, each change of the code or the reference data would leave a copy of every
        result behind (300 MB at 1,000 budgets). Returns how many files went."""
        removed = 0
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.split(".", 1)[0] not in keys:
                    os.unlink(entry.path)
                    removed += 1
        return removed

    @staticmethod
    def _read(path: Path) -> Any:
        with path.open("rb") as f, collector_paused():
            return pickle.load(f)  # noqa: S301 - our own cache, written by `save` above


@contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """Python's cycle collector runs whenever enough new objects pile up, and now and then rescans every
    object alive: with the build's 1,000 summaries in memory, unpickling them took 1.4 s and the one
    changed budget's result 0.45 s, against 0.3 s and 0.01 s with it paused. Nothing unpickled or made here
    is a garbage cycle. `freeze`: what is alive afterwards lives as long as the build, so the collector
    leaves it out of its scans from then on (objects are still freed when no longer used)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
