"""Content hashes of the build's inputs, and the on-disk store of validation results.

A dataset is validated again only when its files, the reference data (code lists, rule sets), the build's
own code or the versions of the libraries it relies on change: the cache key covers all of them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .model import ValidationResult

LIBRARIES = ("frictionless", "jinja2", "markdown", "nh3", "xlsxwriter", "jsonschema")
PACKAGE = Path(__file__).resolve().parent


def digest_files(root: Path, files: list[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def digest_tree(root: Path) -> str:
    """All files below `root`, names and contents; an absent folder hashes as empty."""
    if not root.exists():
        return hashlib.sha256(b"absent").hexdigest()
    return digest_files(root, sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts))


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
    """Validation results pickled under `folder`, one file per content key."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, key: str, kind: str = "result") -> Path:
        return self.folder / f"{key}.{kind}.pickle"

    def has(self, key: str) -> bool:
        return self.path(key).is_file() and self.path(key, "brief").is_file()

    def load(self, key: str) -> ValidationResult:
        return self._read(self.path(key))

    def load_brief(self, key: str) -> Any:
        """The small record saved beside a result (findings, counts, summary): what site-wide work needs,
        without unpickling every budget's rows and checks."""
        return self._read(self.path(key, "brief"))

    def save(self, key: str, result: ValidationResult, brief: Any) -> None:
        for kind, value in (("result", result), ("brief", brief)):
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path(key, kind))

    @staticmethod
    def _read(path: Path) -> Any:
        with path.open("rb") as f:
            return pickle.load(f)  # noqa: S301 - our own cache, written by `save` above
