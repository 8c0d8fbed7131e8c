"""Full-text search: Pagefind indexes of the staged site, one per shard of departments plus one for the
site-wide pages; each shard holds both languages (Pagefind keeps one index per page language inside it),
and the browser merges the shards when it searches.

Pagefind 1.6's extended binary segments Chinese at index time with the same word rules (ICU) that the
browser's Intl.Segmenter applies to a query, so two-character words such as 医疗 or 公积金 find the pages
containing them. Only pages marked `data-pagefind-body` are indexed. The index is static files under
`pagefind/`, which Pagefind writes into the staged tree before it is published. Pagefind comes from the
npm registry (package.json pins it); `./dev` installs it with `npm ci`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

OUTPUT = "pagefind"
SITE_SHARD = "site"
# Pagefind holds every page it indexes in memory (about 16 times the HTML, measured): departments are
# spread over this many indexes so that memory stays bounded and a change re-indexes one shard only.
SHARDS = 32
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")


class SearchIndexError(Exception):
    pass


TOOLS = Path(__file__).resolve().parent.parent  # where package.json and node_modules/ live


def pagefind_command(project_root: Path) -> Path:
    """Pagefind from the project's node_modules, else from the checkout this package runs from."""
    for root in (project_root, TOOLS):
        command = root / "node_modules" / ".bin" / "pagefind"
        if command.exists():
            return command
    raise SearchIndexError(f"the search index needs Pagefind; install it with `npm ci` in {TOOLS} "
                           "(./dev does this)")


def search_shard(department_id: str) -> str:
    """The index a department's pages go into: stable, whatever other departments exist."""
    return f"d{int(hashlib.sha256(department_id.encode()).hexdigest()[:8], 16) % SHARDS:02d}"


def build_index(site_root: Path, pages: list[str], shard: str, project_root: Path) -> str:
    """Index `pages` (paths under `site_root`) into `site_root/pagefind/<shard>/`; returns Pagefind's summary.

    The pages are hard-linked into a scratch folder at their own relative paths, so result URLs are the
    pages' real ones."""
    command = pagefind_command(project_root)
    output = site_root / OUTPUT / shard
    with tempfile.TemporaryDirectory(dir=site_root.parent, prefix=".pagefind-") as scratch:
        for page in pages:
            target = Path(scratch) / page
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(site_root / page, target)
        result = subprocess.run([str(command), "--site", scratch, "--output-path", str(output)],
                                capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0 or not (output / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind failed on shard {shard} (exit {result.returncode}): "
                               f"{result.stderr.strip()[-2000:]}")
    for unused in UNUSED:  # Pagefind's own UI: the site has its own search page (assets/search.js)
        for path in output.glob(unused):
            path.unlink()
    return " ".join(line.strip() for line in result.stdout.splitlines() if line.strip().startswith("Indexed"))
