"""Internal link and anchor checker for a built site: every href/src must reach a file, every #fragment an id.

Runs on the staged tree before it is published. Absolute http(s) links (canonical, hreflang, licences)
are not fetched: the build has no network, and they are checked for shape in the tests instead.
"""

from __future__ import annotations

import functools
import html
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from .writer import SiteWriter

# The build writes every attribute double-quoted (Jinja templates), so a regular expression reads links and
# ids of our own pages exactly, about ten times faster than an HTML parser; the browser tests and the Nu
# checker cover well-formedness. Entity-escaped values are unescaped before use.
LINK = re.compile(r'<(?:a|link|script|img|form|iframe)\b[^>]*?\s(?:href|src|action)="([^"]*)"')
ID = re.compile(r'id="([^"]*)"')  # after whitespace, checked in `ids`: a literal start is found 3 times faster


@dataclass(frozen=True)
class Scanned:
    links: list[str]
    ids: set[str]


def scan(path: Path) -> Scanned:
    text = path.read_text(encoding="utf-8")
    return Scanned([html.unescape(v) for v in LINK.findall(text)], ids(text))


def ids(text: str) -> set[str]:
    return {html.unescape(m[1]) for m in ID.finditer(text) if m.start() and text[m.start() - 1].isspace()}


def existing_files(root: Path) -> set[str]:
    """Every file below `root`, as posix paths relative to it: one walk, instead of a stat per link."""
    out: set[str] = set()
    for folder, _, files in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        out.update(prefix + f for f in files)
    return out


@functools.lru_cache(maxsize=1 << 16)
def split(link: str) -> SplitResult:
    return urlsplit(link)  # the same few thousand links recur on every page


def broken_links(root: Path, base_path: str = "/", only: list[str] | None = None,
                 tree: SiteWriter | None = None) -> list[str]:
    """Human-readable problems: `page -> link: reason`. Empty when every internal link resolves.

    `only` limits the pages whose links are followed (e.g. those rendered in this build); their targets are
    still looked up in the whole tree. `tree`, the writer of a staged tree: its files are the ones it
    wrote, linked or kept (a kept folder is still on the live site), not a walk of `root`.
    """
    files = tree.written if tree is not None else existing_files(root)

    def scan_file(name: str) -> Scanned:
        return scan(tree.source(name) if tree is not None else root / name)

    names = sorted(only) if only is not None else sorted(f for f in files if f.endswith(".html"))
    pages = {name: scan_file(name) for name in names}
    problems = []
    for page, info in list(pages.items()):
        here = posixpath.dirname(page)
        for link in info.links:
            parts = split(link)
            if parts.scheme or parts.netloc:
                if parts.scheme not in ("http", "https", "mailto"):
                    problems.append(f"{page} -> {link}: scheme not allowed")
                continue
            if parts.path.startswith("/"):
                if not parts.path.startswith(base_path):
                    problems.append(f"{page} -> {link}: outside the base path {base_path}")
                    continue
                target = parts.path[len(base_path):]
            else:
                target = posixpath.normpath(posixpath.join(here, unquote(parts.path))) if parts.path else page
                if target == ".":
                    target = ""
                if target.startswith(".."):
                    problems.append(f"{page} -> {link}: leaves the site")
                    continue
                if parts.path.endswith("/") and target:
                    target += "/"
            file = target + "index.html" if target == "" or target.endswith("/") else target
            if file not in files:
                problems.append(f"{page} -> {link}: no such file {file}")
            elif parts.fragment and file.endswith(".html"):
                if file not in pages:
                    pages[file] = scan_file(file)
                ids = pages[file].ids
                if parts.fragment not in ids:
                    problems.append(f"{page} -> {link}: no element with id '{parts.fragment}' in {file}")
    return problems
