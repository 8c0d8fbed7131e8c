"""Full-text search: a Pagefind index of the staged site, one index per page language.

Pagefind 1.6's extended binary segments Chinese at index time with the same word rules (ICU) that the
browser's Intl.Segmenter applies to a query, so two-character words such as 医疗 or 公积金 find the pages
containing them. Only pages marked `data-pagefind-body` are indexed. The index is static files under
`pagefind/`, which Pagefind writes into the staged tree before it is published. Pagefind comes from the
npm registry (package.json pins it); `./dev` installs it with `npm ci`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

OUTPUT = "pagefind"


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


def build_index(site_root: Path, project_root: Path) -> str:
    """Index every page of `site_root` into `site_root/pagefind/`; returns Pagefind's summary."""
    command = pagefind_command(project_root)
    result = subprocess.run([str(command), "--site", str(site_root), "--output-subdir", OUTPUT],
                            capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0 or not (site_root / OUTPUT / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")
    return " ".join(line.strip() for line in result.stdout.splitlines() if line.strip().startswith("Indexed"))
