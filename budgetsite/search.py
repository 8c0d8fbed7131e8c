"""Full-text search: Pagefind indexes of the staged site, one per shard of departments plus one for the code
pages and one for the other site-wide pages; each shard holds both languages (Pagefind keeps one index per
page language inside it), and the browser merges the shards when it searches.

Pagefind's extended binary segments Chinese at index time, so two-character words such as 医疗 or 公积金
find the pages containing them (tests/test_browser.py searches for both). Only pages marked
`data-pagefind-body` are indexed. The index is static files under `pagefind/`, which Pagefind writes into
the staged tree before it is published. Pagefind comes from the Python package index, pinned like every other
dependency (`pagefind[extended]` in pyproject.toml, the exact version in constraints.txt), and runs as
`python -m pagefind` in the build's own interpreter.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .writer import SiteWriter

OUTPUT = "pagefind"
SITE_SHARD = "site"
# The code pages have an index of their own: what Pagefind reads of them (titles, the codes below, where
# each region's rows start) rarely changes when a figure does, while the home page changes with every
# document. The amounts are in sections Pagefind ignores.
CODES_SHARD = "codes"
SITE_SHARDS = (CODES_SHARD, SITE_SHARD)
IGNORED_SECTION = re.compile(rb"<section\b[^>]*\sdata-pagefind-ignore\b[^>]*>.*?</section>", re.S)
# Pagefind holds every page it indexes in memory (about 160 KB a table page, measured: 610 MB for 3,834),
# pays about 0.2 s to start and then some 2.5 ms a page on two cores: departments are spread over one index
# per SHARD_PAGES pages, so that memory stays bounded and a change re-indexes about that many pages (1.3 s),
# and over at most MAX_SHARDS, the number of indexes the browser merges (at once: assets/search.js) when it
# searches.
SHARD_PAGES = 500
MAX_SHARDS = 64
# Amounts are not indexed: search finds words (publishers, items, programmes), the figures are in the tables
# and downloads; leaving them out saves a quarter of Pagefind's time and of the index. A data table's amounts
# are its cells without a class (table.amounts: a text cell's class names its column).
EXCLUDED = ("td.num", "table.matrix td", "table.amounts td:not([class])")
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")


class SearchIndexError(Exception):
    pass


def pagefind_command() -> list[str]:
    """Pagefind's wrapper in this interpreter, which runs the extended binary of the `pagefind_bin_extended`
    package."""
    if importlib.util.find_spec("pagefind") is None or importlib.util.find_spec("pagefind_bin_extended") is None:
        raise SearchIndexError("the search index needs Pagefind: pip install 'pagefind[extended]' "
                               "(./dev installs it with the pinned version)")
    return [sys.executable, "-m", "pagefind"]


def site_shard(path: str) -> str:
    """The index a site-wide page goes into."""
    return CODES_SHARD if path.split("/")[1:2] == ["codes"] else SITE_SHARD


def indexed_digest(pages: list[str], locate: Callable[[str], Path]) -> str:
    """One digest of what Pagefind reads of `pages` (found on disk by `locate`, SiteWriter.source): their
    paths and their bytes outside the sections marked `data-pagefind-ignore`. What is cut is always inside
    such a section (from its start to the first `</section>` after it), so a change to what is indexed
    always changes the digest."""
    h = hashlib.sha256()
    for page in pages:
        data = IGNORED_SECTION.sub(b"", locate(page).read_bytes())
        h.update(f"{page}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def shard_count(pages: int) -> int:
    """How many department indexes `pages` HTML pages of budgets and departments go into."""
    return max(1, min(MAX_SHARDS, math.ceil(pages / SHARD_PAGES)))


def search_shard(department_id: str, count: int) -> str:
    """The index a department's pages go into: the same for a department as long as the count stays."""
    return f"d{int(hashlib.sha256(department_id.encode()).hexdigest()[:8], 16) % count:02d}"


def sort_entry(path: Path) -> None:
    """Pagefind 1.5 writes its entry file's languages in hash-map order, which varies between runs; the same
    JSON with sorted keys keeps the build reproducible (pagefind.js looks the languages up by name)."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")


class Indexer:
    """Pagefind runs over the shards one at a time (each holds its pages in memory), in a thread beside the
    build: a department shard's index is made while the site-wide pages render and the links are checked,
    on the core those leave free. `start` hands a shard over; `finish` waits for every run and links the
    indexes into the tree. Used as a context manager: leaving it stops a run still going and removes the
    scratch folders."""

    def __init__(self, writer: SiteWriter):
        self.writer = writer
        self.scratch = Path(tempfile.mkdtemp(dir=writer.root.parent, prefix=".pagefind-"))
        self.runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pagefind")
        self.runs: list[tuple[str, Future[str]]] = []
        self.process: subprocess.Popen[str] | None = None
        self.stopped = False
        self.lock = threading.Lock()  # between stopping and starting a Pagefind run

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.stopped = True
            if self.process is not None and self.process.poll() is None:
                self.process.kill()
        for _, run in self.runs:
            run.cancel()
        self.runner.shutdown(wait=True)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def start(self, shard: str, pages: list[str]) -> None:
        """Index `pages` (paths of the writer's tree, where every one of them already is) into
        `pagefind/<shard>/`. The pages are hard-linked into a scratch folder at their own relative paths, so
        result URLs are the pages' real ones, here rather than in the thread: a thread making a thousand
        system calls while the build holds the interpreter waits for it after each one (5 ms a time: 1,100
        links took 5 s)."""
        site = self.scratch / shard / "site"
        made: set[Path] = set()
        for page in pages:
            target = site / page
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            os.link(self.writer.source(page), target)
        self.runs.append((shard, self.runner.submit(self._run, shard)))

    def finish(self) -> list[str]:
        """Pagefind's summary of each shard, once all are indexed and linked in."""
        summaries = []
        for shard, run in self.runs:
            summaries.append(run.result())
            output = self.scratch / shard / "index"
            for path in sorted(p for p in output.rglob("*") if p.is_file()):
                self.writer.link(f"{OUTPUT}/{shard}/{path.relative_to(output).as_posix()}", path)
        return summaries

    def _run(self, shard: str) -> str:
        """Pagefind over the shard's scratch folder (the links are removed with the scratch folder)."""
        site, output = self.scratch / shard / "site", self.scratch / shard / "index"
        excluded = [arg for selector in EXCLUDED for arg in ("--exclude-selectors", selector)]
        with self.lock:
            if self.stopped:
                raise SearchIndexError("the build stopped")
            process = self.process = subprocess.Popen(
                [*pagefind_command(), "--site", str(site), "--output-path", str(output), *excluded],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            stdout, stderr = process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise SearchIndexError(f"Pagefind took more than 10 minutes on shard {shard}") from None
        if process.returncode != 0 or not (output / "pagefind.js").is_file():
            raise SearchIndexError(f"Pagefind failed on shard {shard} (exit {process.returncode}): "
                                   f"{stderr.strip()[-2000:]}")
        for unused in UNUSED:  # Pagefind's own UI: the site has its own search page (assets/search.js)
            for path in output.glob(unused):
                path.unlink()
        sort_entry(output / "pagefind-entry.json")
        return " ".join(line.strip() for line in stdout.splitlines() if line.strip().startswith("Indexed"))
