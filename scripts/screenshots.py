"""Screenshots of every page type at phone and desktop widths, in both languages, for looking at by eye.

    python scripts/screenshots.py [--out shots] [page-path ...]

Serves site/ under /budget/ on a free port and drives Debian's Chromium through Playwright.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from budgetsite.serve import make_server  # noqa: E402

PAGES_PER_BUDGET = ("", "quality/", "glossary/")
TABLES_PER_BUDGET = 3


def default_pages(site: Path) -> list[str]:
    """Every page type, found in the built site, in both languages: the home, data, department, year and search
    pages, each budget's overview, first tables, quality report and glossary, and a missing page."""
    pages = ["", "missing/page"]
    pages += [f"{lang}/{page}" for lang in ("zh", "en")
              for page in ("", "data/", "departments/", "years/", "codes/", "search/")
              if (site / lang / page / "index.html").is_file()]
    for kind in ("regions/*/", "regions/*/*/*/", "departments/*/", "departments/*/*/*/", "codes/*/*/"):
        found = sorted(p.parent.relative_to(site / "zh") for p in (site / "zh").glob(kind + "index.html"))
        pages += [f"{lang}/{found[0]}/" for lang in ("zh", "en")] if found else []
    for budget in sorted(p.parent.parent for p in (site / "zh").glob("*/quality/index.html")):
        slug = budget.name
        tables = sorted(t.parent.name for t in budget.glob("*/index.html")
                        if t.parent.name not in ("quality", "glossary"))
        for lang in ("zh", "en"):
            pages += [f"{lang}/{slug}/{page}" for page in PAGES_PER_BUDGET]
            pages += [f"{lang}/{slug}/{table}/" for table in tables[:TABLES_PER_BUDGET]]
    return pages


WIDTHS = {"phone": 375, "desktop": 1280}


def main() -> int:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("shots"))
    ap.add_argument("--site", type=Path, default=Path("site"))
    ap.add_argument("--full", action="store_true", help="full-page screenshots")
    ap.add_argument("--slices", type=int, default=1, help="screenshots down the page, one viewport each")
    ap.add_argument("--widths", default="phone,desktop", help="comma-separated: phone, desktop")
    ap.add_argument("pages", nargs="*", help="page paths under the base path (default: every page type)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    server = make_server(args.site, "/budget/", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/budget/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--disable-gpu", "--disable-background-networking",
                                          "--disable-component-update", "--disable-sync", "--no-first-run"])
        pages = args.pages or default_pages(args.site)
        for name in args.widths.split(","):
            page = browser.new_page(viewport={"width": WIDTHS[name], "height": 800})
            for path in pages:
                page.goto(base + path)
                stem = f"{(path.strip('/') or 'root').replace('/', '_')}-{name}"
                for i in range(args.slices):
                    page.evaluate(f"window.scrollTo(0, {i * 780})")
                    file = args.out / (f"{stem}.png" if args.slices == 1 else f"{stem}-{i}.png")
                    page.screenshot(path=str(file), full_page=args.full)
                overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
                print(stem, "OVERFLOW" if overflow else "ok")
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
