"""Writes that are all or nothing: a file replaced in one rename, a folder swapped in two."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_file(path: Path, data: bytes) -> None:
    """`path` holds the old bytes or the new ones, never a part: written beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def swap_folder(new: Path, target: Path) -> Path | None:
    """Put folder `new` at `target`. `os.replace` cannot replace a non-empty folder, hence two renames: the old
    folder is moved aside first, and back if the second rename fails. Returns the old folder, now beside
    `target` for the caller to delete (deleting a large tree takes longer than the swap), or None."""
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    old.rmdir()
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old.exists():
            os.replace(old, target)
        raise
    return old if old.exists() else None
