"""The only code that writes the site. It builds a fresh tree beside the live one and swaps it in.

* Every write goes through `SiteWriter`, which refuses a path outside the output root and a path written
  twice (a slug collision or a zh/en mix-up would otherwise overwrite a page silently).
* A folder of the live site that did not change (a budget's, a department's, a search shard's) is *kept*:
  `SiteWriter.keep` records it, and `publish()` moves it into the new tree by one rename once every check
  has passed, so none of its files is copied or linked. Until then `SiteWriter.source` says where a file is.
  Single files that did not change, and the search index Pagefind writes, come in through `SiteWriter.link`
  (hard links). Either way the writer knows every file of the tree.
* `publish()` then renames the live `site/` aside and moves the new tree in (atomic.swap_folder); the old tree
  is deleted afterwards. If anything fails before that, the kept folders go back, the new tree is deleted and
  the live site is as it was. The moves are written to a journal first: a build killed while moving puts
  the folders back when the next build starts (`recover`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .atomic import swap_folder, write_file


class WriteRefused(Exception):
    pass


class SiteWriter:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.written: set[str] = set()
        self.kept: dict[str, Path] = {}  # folder of the tree -> the live folder `publish` moves there
        self.around_kept: set[str] = set()  # the folders that hold a kept folder
        self.folders: dict[str, Path] = {}  # folder -> where it resolves: one resolve per folder
        self.made: set[Path] = set()  # folders made: one mkdir per folder, not per file (0.1 ms each)

    def kept_folder(self, path: str) -> str | None:
        """The kept folder `path` lies in, if any (string slices: it is asked for every file of the tree)."""
        if self.kept:
            end = path.rfind("/")
            while end > 0:
                if path[:end] in self.kept:
                    return path[:end]
                end = path.rfind("/", 0, end)
        return None

    def target(self, path: str) -> Path:
        """Where `path` is written, refused unless it is a fresh file path inside the root. String checks and
        one resolve per folder: it is asked for every file of the tree (pathlib took 70 µs a file)."""
        if not path or path.endswith("/") or path.startswith("/") or "\\" in path or \
                any(part in ("", ".", "..") for part in path.split("/")):
            raise WriteRefused(f"refusing to write {path!r}: not a relative file path")
        parent, _, name = path.rpartition("/")
        folder = self.folders.get(parent)
        if folder is None:
            folder = (self.root / parent).resolve()
            if not folder.is_relative_to(self.root):
                raise WriteRefused(f"refusing to write {path!r}: outside the output folder")
            self.folders[parent] = folder
        target = folder / name
        if os.path.islink(target) and not (target := target.resolve()).is_relative_to(self.root):
            raise WriteRefused(f"refusing to write {path!r}: outside the output folder")
        if path in self.written:
            raise WriteRefused(f"refusing to write {path!r} twice")
        if (folder_kept := self.kept_folder(path)) is not None:
            raise WriteRefused(f"refusing to write {path!r}: {folder_kept}/ is kept from the live site")
        return target

    def make_parent(self, target: Path) -> None:
        if target.parent not in self.made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(target.parent)

    def write_bytes(self, path: str, data: bytes) -> None:
        target = self.target(path)
        self.make_parent(target)
        target.write_bytes(data)
        self.written.add(path)

    def write_text(self, path: str, text: str) -> None:
        self.write_bytes(path, text.encode("utf-8"))

    def adopt(self, written: Iterable[str]) -> None:
        """Record files another SiteWriter on the same tree wrote (a worker process); refused if any path was
        written already."""
        paths = set(written)
        inside = sorted(p for p in paths if self.kept_folder(p) is not None) if self.kept else []
        if inside:
            raise WriteRefused(f"refusing to write {inside[0]!r}: {self.kept_folder(inside[0])}/ is kept from the "
                               "live site")
        self.record(paths)

    def record(self, paths: set[str]) -> None:
        twice = sorted(paths & self.written)
        if twice:
            raise WriteRefused(f"refusing to write {twice[0]!r} twice")
        self.written.update(paths)

    def keep(self, folder: str, source: Path, files: Iterable[str]) -> None:
        """Take the live folder `source` as `folder` of this tree, holding `files` (paths from the tree's
        root): `publish` moves it in. Refused where the tree already has anything there, or the folder is
        inside, or holds, another kept folder."""
        self.target(folder)  # a relative path inside the root, in no kept folder
        if (self.root / folder).exists() or folder in self.around_kept:  # every file written is on disk
            raise WriteRefused(f"refusing to keep {folder}/: the new tree has files there")
        paths = set(files)
        outside = sorted(p for p in paths if not p.startswith(f"{folder}/"))
        if outside:
            raise WriteRefused(f"refusing to keep {outside[0]!r} with {folder}/: it is not in that folder")
        self.record(paths)
        self.kept[folder] = source
        self.around_kept.update(folders_of(folder))

    def source(self, path: str) -> Path:
        """Where the file at `path` of the tree is now: in the tree, or in a kept folder of the live site."""
        folder = self.kept_folder(path)
        return self.root / path if folder is None else self.kept[folder] / path[len(folder) + 1:]

    def link(self, path: str, source: Path) -> None:
        """Put an existing file at `path`: a file of the live site that did not change, or one an outside
        tool wrote (the search index). Hard-linked, so nothing is copied; copied where links fail."""
        target = self.target(path)
        self.make_parent(target)
        try:
            os.link(source, target)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(source, target)
        self.written.add(path)


def folders_of(path: str, within: set[str] | None = None) -> list[str]:
    """The folders `path` lies in, outermost first: "a/b/c.html" -> ["a", "a/b"]; with `within`, only as far
    in as they are in it (enough where `within` holds the outer folders of whatever it holds)."""
    out = []
    end = path.find("/")
    while end > 0:
        folder = path[:end]
        if within is not None and folder not in within:
            break
        out.append(folder)
        end = path.find("/", end + 1)
    return out


@contextmanager
def staging(output: Path) -> Iterator[Path]:
    """A temporary folder beside `output` (same file system, so the swap is a rename)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    recover(output)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}-build-", dir=output.parent))
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def journal_of(output: Path) -> Path:
    return output.parent / f".{output.name}-publishing.json"


def publish(writer: SiteWriter, output: Path) -> Path | None:
    """Move the kept folders into the writer's tree, then swap the tree in; returns the previous tree, for
    `discard` to delete. On any failure the kept folders go back where they were."""
    journal = journal_of(output)
    moves = sorted(writer.kept.items())
    if moves:
        write_file(journal, json.dumps({"tree": str(writer.root), "output": str(output),
                                        "moves": [[folder, str(source)] for folder, source in moves]}).encode())
    done: list[tuple[Path, Path]] = []
    try:
        for folder, source in moves:
            target = writer.root / folder
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            done.append((target, source))
        old = swap_folder(writer.root, output)
    except BaseException:
        for target, source in reversed(done):
            os.replace(target, source)
        raise
    finally:
        journal.unlink(missing_ok=True)
    return old


def recover(output: Path) -> None:
    """Undo a publish that was killed while it moved kept folders: they go back into the live site. Once the
    new tree was swapped in, there is nothing to undo."""
    journal = journal_of(output)
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    tree = Path(record["tree"])
    if tree.is_dir():
        for folder, source in reversed(record["moves"]):
            moved, back = tree / folder, Path(source)
            if moved.is_dir() and not back.exists():
                back.parent.mkdir(parents=True, exist_ok=True)
                os.replace(moved, back)
        shutil.rmtree(tree, ignore_errors=True)
    journal.unlink(missing_ok=True)


def discard(tree: Path | None, wait: bool = False) -> None:
    """Delete a replaced tree: in a detached process unless `wait`, so the build can report and exit."""
    if tree is None or not tree.exists():
        return
    if wait or not shutil.which("rm"):
        shutil.rmtree(tree, ignore_errors=True)
        return
    subprocess.Popen(["rm", "-rf", "--", str(tree)], start_new_session=True,  # noqa: S603, S607
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
