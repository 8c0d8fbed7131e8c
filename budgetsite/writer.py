"""The only code that writes the site. It builds a fresh tree beside the live one and swaps it in.

* Every write goes through `SiteWriter`, which refuses a path outside the output root and a path written
  twice (a slug collision or a zh/en mix-up would otherwise overwrite a page silently).
* `publish()` renames the live `site/` aside and moves the new tree in (atomic.swap_folder); the old tree is
  deleted afterwards. If anything fails before that, the new tree is deleted and the live site is untouched.
* Files that did not change since the last build, and the search index Pagefind writes, come in through
  `SiteWriter.link` (hard links), so the writer knows every file of the tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from .atomic import swap_folder


class WriteRefused(Exception):
    pass


class SiteWriter:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.written: dict[str, int] = {}
        self.folders: dict[PurePosixPath, Path] = {}  # folder -> where it resolves: one resolve per folder

    def target(self, path: str) -> Path:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or "\\" in path or not path or path.endswith("/"):
            raise WriteRefused(f"refusing to write {path!r}: not a relative file path")
        folder = self.folders.get(pure.parent)
        if folder is None:
            folder = self.folders[pure.parent] = (self.root / pure.parent).resolve()
        target = (folder / pure.name).resolve() if (folder / pure.name).is_symlink() else folder / pure.name
        if not target.is_relative_to(self.root):
            raise WriteRefused(f"refusing to write {path!r}: outside the output folder")
        if path in self.written:
            raise WriteRefused(f"refusing to write {path!r} twice")
        return target

    def write_bytes(self, path: str, data: bytes) -> None:
        target = self.target(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written[path] = len(data)

    def write_text(self, path: str, text: str) -> None:
        self.write_bytes(path, text.encode("utf-8"))

    def adopt(self, written: dict[str, int]) -> None:
        """Record files another SiteWriter on the same tree wrote (a worker process); refused if any path was
        written already."""
        twice = sorted(written.keys() & self.written.keys())
        if twice:
            raise WriteRefused(f"refusing to write {twice[0]!r} twice")
        self.written.update(written)

    def link(self, path: str, source: Path) -> None:
        """Put an existing file at `path`: a file of the live site that did not change, or one an outside
        tool wrote (the search index). Hard-linked, so nothing is copied; copied where links fail."""
        target = self.target(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(source, target)
        self.written[path] = target.stat().st_size


@contextmanager
def staging(output: Path) -> Iterator[Path]:
    """A temporary folder beside `output` (same file system, so the swap is a rename)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}-build-", dir=output.parent))
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def publish(staged: Path, output: Path) -> Path | None:
    """Swap the staged tree in; returns the previous tree, for `discard` to delete."""
    return swap_folder(staged, output)


def discard(tree: Path | None, wait: bool = False) -> None:
    """Delete a replaced tree: in a detached process unless `wait`, so the build can report and exit."""
    if tree is None or not tree.exists():
        return
    if wait or not shutil.which("rm"):
        shutil.rmtree(tree, ignore_errors=True)
        return
    subprocess.Popen(["rm", "-rf", "--", str(tree)], start_new_session=True,  # noqa: S603, S607
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
