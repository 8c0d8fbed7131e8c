"""Which names and relative paths from untrusted descriptors may reach the file system, and which folders
under the datasets folder are budgets.

Rejects, never sanitises: a name that is not already safe is an error for the publisher to fix.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def is_safe_relative_path(path: str) -> bool:
    """True for `data/t01.csv`-style paths: relative, ASCII segments, no `..`, no scheme, no backslash."""
    if not isinstance(path, str) or not path or len(path) > 200 or "\\" in path or ":" in path:
        return False
    parts = PurePosixPath(path).parts
    if path.startswith("/") or not parts:
        return False
    return all(_SEGMENT.fullmatch(p) and p not in (".", "..") and ".." not in p for p in parts)


def discover(datasets_dir: Path) -> list[Path]:
    """Budget folders under `datasets_dir`, sorted, each holding a datapackage.json."""
    if not datasets_dir.is_dir():
        return []
    return sorted(p for p in datasets_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
