"""Lighthouse scores of a served build: the home page, the budget page and the largest table page, in both languages.

    python scripts/lighthouse.py [--reports DIR]

Builds the project into a temporary folder under the base path /budget/, serves it on a free local port and
runs the pinned Lighthouse (node_modules/.bin/lighthouse, see package.json) with Debian's Chromium and
Lighthouse's default mobile settings. Prints the four category scores and the total transfer size of each
page, and exits 1 if performance is below 0.95 or accessibility, best practices or SEO below 1.0 (listing the
audits that cost points), 2 if the tools are missing or a run fails.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from budgetsite.cli import main as build_main  # noqa: E402
from budgetsite.serve import make_server  # noqa: E402

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
BASE_PATH = "/budget/"
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
NOT_TABLES = {"quality", "glossary"}


def largest_table_page(site: Path) -> tuple[str, str]:
    """(dataset slug, table id) of the table page with the largest HTML file in either language."""
    candidates = []
    for lang in ("zh", "en"):
        for page in (site / lang).glob("*/*/index.html"):
            slug, table = page.parent.parent.name, page.parent.name
            if table not in NOT_TABLES and (site / "data" / slug).is_dir():
                candidates.append((page.stat().st_size, slug, table))
    if not candidates:
        raise SystemExit(f"no table pages in {site}")
    _, slug, table = max(candidates)
    return slug, table


def build(out: Path, site_url: str) -> None:
    log = io.StringIO()
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        status = build_main(["--root", str(REPO), "build", "--out", str(out), "--base-path", BASE_PATH,
                             "--site-url", site_url])
    if status != 0:
        print(log.getvalue())
        raise SystemExit(f"the build failed (exit {status})")


def run_lighthouse(url: str, report: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=shutil.which("chromium") or "/usr/bin/chromium")
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}"]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if run.returncode != 0 or not report.is_file():
        print(f"lighthouse failed on {url} (exit {run.returncode}):\n{run.stdout}\n{run.stderr}", file=sys.stderr)
        raise SystemExit(2)
    return json.loads(report.read_text(encoding="utf-8"))


def losing_audits(result: dict, category: str) -> list[str]:
    """The audits of a category that cost points, with Lighthouse's own explanation."""
    lines = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = result["audits"][ref["id"]]
        if ref.get("weight", 0) <= 0 or audit.get("score") is None or audit["score"] >= 1:
            continue
        why = audit.get("displayValue") or audit.get("explanation") or audit.get("errorMessage") or ""
        items = (audit.get("details") or {}).get("items") or []
        nodes = [str((i.get("node") or {}).get("selector") or i.get("url") or "") for i in items[:5]]
        nodes = [n for n in nodes if n]
        lines.append(f"    {category}: {audit['id']} score {audit['score']} (weight {ref['weight']}): {audit['title']}"
                     f"{': ' + why if why else ''}{' — ' + ', '.join(nodes) if nodes else ''}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=Path, help="keep the JSON reports in this folder")
    args = ap.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `npm ci` (lighthouse is pinned in package.json)", file=sys.stderr)
        return 2
    if not shutil.which("chromium"):
        print("chromium not found: sudo apt-get install -y chromium fonts-noto-cjk", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        tmp_path = Path(tmp)
        site = tmp_path / "site"
        site.mkdir()
        server = make_server(site, BASE_PATH, 0, quiet=True)
        site_url = f"http://127.0.0.1:{server.server_port}{BASE_PATH}"
        build(site, site_url)  # canonical and hreflang links point at the server Lighthouse loads
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        reports = args.reports or tmp_path / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        slug, table = largest_table_page(site)
        pages = [f"{lang}/{path}" for lang in ("zh", "en") for path in ("", f"{slug}/", f"{slug}/{table}/")]
        failed = []
        try:
            for path in pages:
                name = path.strip("/").replace("/", "_")
                result = run_lighthouse(site_url + path, reports / f"{name}.json")
                scores = {c: result["categories"][c]["score"] for c in TARGETS}
                weight = result["audits"]["total-byte-weight"]["numericValue"]
                shown = " ".join(f"{c}={'n/a' if s is None else f'{s:.2f}'}" for c, s in scores.items())
                print(f"{path:<28} {shown}  transfer={weight / 1024:.1f} KiB ({int(weight)} bytes)")
                for warning in result.get("runWarnings") or []:
                    print(f"    warning: {warning}")
                below = [c for c, s in scores.items() if s is None or s < TARGETS[c]]
                for category in below:
                    failed.append(f"{path}: {category} {scores[category]} < {TARGETS[category]}")
                    for line in losing_audits(result, category):
                        print(line)
        finally:
            server.shutdown()
            server.server_close()
    if failed:
        print("below target:\n  " + "\n  ".join(failed))
        return 1
    print(f"all {len(pages)} pages meet the targets "
          + ", ".join(f"{c} >= {t}" for c, t in TARGETS.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
