"""The only code that writes the site. It builds a fresh tree beside the live one and swaps it in.

* Every write goes through `SiteWriter`, which refuses a path outside the output root and a path written
  twice (a slug collision or a zh/en mix-up would otherwise overwrite a page silently).
* `publish()` renames the live `site/` aside, moves the new tree in, then deletes the old one. If anything
  fails before that, the new tree is deleted and the live site is untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath


class WriteRefused(Exception):
    pass


class SiteWriter:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.written: dict[str, int] = {}

    def target(self, path: str) -> Path:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or "\\" in path or not path or path.endswith("/"):
            raise WriteRefused(f"refusing to write {path!r}: not a relative file path")
        target = (self.root / pure).resolve()
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
    """Swap the staged tree in. `os.replace` cannot replace a non-empty folder, hence two renames.

    Returns the previous tree, now beside the live one, for `discard` to delete: deleting a large tree
    takes longer than the swap, and nothing needs to wait for it."""
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
    old.rmdir()
    if output.exists():
        os.replace(output, old)
    try:
        os.replace(staged, output)
    except OSError:
        if old.exists():
            os.replace(old, output)
        raise
    return old if old.exists() else None


def discard(tree: Path | None, wait: bool = False) -> None:
    """Delete a replaced tree: in a detached process unless `wait`, so the build can report and exit."""
    if tree is None or not tree.exists():
        return
    if wait or not shutil.which("rm"):
        shutil.rmtree(tree, ignore_errors=True)
        return
    subprocess.Popen(["rm", "-rf", "--", str(tree)], start_new_session=True,  # noqa: S603, S607
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
