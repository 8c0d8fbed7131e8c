"""Build benchmark on synthetic corpora (never the published datasets).

    python bench/run.py                      # 100 and 1,000 budgets
    python bench/run.py --budgets 100 --keep /tmp/corpus

For each corpus size: generate it (bench/generate.py), then time a cold build, a rebuild with no change
and a rebuild after one budget changed, each in its own process, and print per stage: wall time (CPU
seconds summed over worker processes for per-budget stages), the peak memory of the largest process, and
output bytes per budget. When `hugo` is installed (`apt-get install hugo`), the peer follows each cold
build (bench/peer.py): Hugo renders as many bilingual table pages as our build wrote and Pagefind indexes
them, and the ratio of our cold build to theirs is printed next to our figures. The figures are printed,
never asserted: targets are checked by reading them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import peer  # noqa: E402
from bench.generate import generate, touch_one  # noqa: E402

PEER_SKIPPED = ("peer comparison skipped: hugo is not installed (apt-get install hugo; Pagefind comes with the "
                "project's Python dependencies)")

MEASURE = peer.MEASURE  # one wrapper measures our build and the peer's commands alike


def measured(args: list[str]) -> dict[str, Any]:
    """Run a command in a fresh process tree; wall time, the largest process's peak RSS, its timings."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, cwd=REPO)
    lines = out.stdout.splitlines()
    summary = next(line for line in lines if line.startswith("bench: "))
    parts = summary.split()
    stages = {}
    for line in lines:
        if line.startswith("timing: "):
            name, _, seconds = line[len("timing: "):].rpartition(": ")
            stages[name] = float(seconds.removesuffix(" s"))
    status = int(parts[6])
    if status != 0:
        print(out.stdout[-3000:], out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"benchmark step failed: {' '.join(args)}")
    return {"wall": float(parts[2]), "peak_mb": int(parts[4]) / 1024, "stages": stages,
            "last": next((line for line in lines if line.startswith(("built", "site is up to date"))), "")}


def tree_bytes(root: Path, exclude: str = "") -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not (exclude and exclude in p.parts))


PAGE_LIMIT = 50 * 1024  # the bound on a page: its HTML and the site's stylesheets


def page_weights(site: Path) -> dict[str, Any]:
    """The heaviest page (HTML plus every stylesheet of the site, which each page loads) and how many pages
    pass PAGE_LIMIT."""
    css = sum(p.stat().st_size for p in site.rglob("*.css"))
    sizes = sorted(((p.stat().st_size + css, str(p.relative_to(site))) for p in site.rglob("*.html")), reverse=True)
    return {"largest": sizes[0], "over": sum(1 for size, _ in sizes if size > PAGE_LIMIT),
            "examples": [path for size, path in sizes[:3] if size > PAGE_LIMIT]}


def build_command(project: Path, workers: int | None) -> list[str]:
    cmd = [sys.executable, str(REPO / "build.py"), "--root", str(project), "build", "--timings",
           "--base-path", "/budget/"]
    return cmd + (["--workers", str(workers)] if workers else [])


def run_size(budgets: int, workers: int | None, keep: Path | None, hugo: str | None) -> dict[str, Any]:
    base = keep or Path(tempfile.mkdtemp(prefix=f"bench-{budgets}-"))
    project = base / f"corpus-{budgets}"
    if project.exists():
        shutil.rmtree(project)
    start = time.perf_counter()
    folders = generate(project, budgets)
    generated = time.perf_counter() - start
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    cold = measured(build_command(project, workers))
    site = project / "site"
    total = tree_bytes(site)
    search = tree_bytes(site / "pagefind")
    pages = peer.our_pages(site)
    weights = page_weights(site)
    against = peer.run(project, pages, base / f"peer-{budgets}", hugo) if hugo else None
    nochange = measured(build_command(project, workers))
    touch_one(project, folders[len(folders) // 2].name)
    one = measured(build_command(project, workers))
    result = {"budgets": budgets, "generate_s": generated, "cold": cold, "no_change": nochange, "one_changed": one,
              "pages": pages, "page_weights": weights, "peer": against,
              "ours_over_peer": cold["wall"] / against["together_s"] if against else None,
              "bytes_per_budget": total / budgets, "search_bytes_per_budget": search / budgets,
              "data_and_pages_bytes_per_budget": (total - search) / budgets}
    if keep is None:
        shutil.rmtree(base, ignore_errors=True)  # a replaced site may still be being deleted
    return result


def report(r: dict[str, Any]) -> None:
    n = r["budgets"]
    print(f"\n== {n} budgets (generated in {r['generate_s']:.1f} s) ==")
    for label in ("cold", "no_change", "one_changed"):
        step = r[label]
        print(f"{label:12} wall {step['wall']:7.2f} s   peak memory (largest process) {step['peak_mb']:7.1f} MB   "
              f"{step['last'][:110]}")
    print("cold build by stage (wall = elapsed; others = CPU seconds summed over workers):")
    for stage, seconds in r["cold"]["stages"].items():
        print(f"  {stage:34} {seconds:8.2f} s   {seconds / n * 1000:8.1f} ms per budget")
    print("rebuild after one budget changed, by stage:")
    for stage, seconds in r["one_changed"]["stages"].items():
        print(f"  {stage:34} {seconds:8.2f} s")
    print(f"output per budget: {r['bytes_per_budget'] / 1024:.0f} KB in all, "
          f"{r['data_and_pages_bytes_per_budget'] / 1024:.0f} KB pages and downloads, "
          f"{r['search_bytes_per_budget'] / 1024:.0f} KB search index")
    w = r["page_weights"]
    print(f"heaviest page (HTML + stylesheets): {w['largest'][0] / 1024:.1f} KB, {w['largest'][1]}; "
          f"pages above {PAGE_LIMIT // 1024} KB: {w['over']}" + (f" (e.g. {', '.join(w['examples'])})"
                                                                if w["examples"] else ""))
    if r["peer"]:
        report_peer(r)


def report_peer(r: dict[str, Any]) -> None:
    """Our cold build next to Hugo + Pagefind on the same number of pages."""
    p, ours, pages = r["peer"], r["cold"]["wall"], r["pages"]
    print(f"against Hugo + Pagefind, same run, {pages} pages each ({' '.join(p['hugo_version'].split()[:2])}, "
          f"{p['pagefind_version']}):")
    print(f"  {'ours, cold build':34} {ours:8.2f} s   {ours / pages * 1000:8.2f} ms per page")
    print(f"  {'Hugo, cold':34} {p['hugo_s']:8.2f} s   {p['hugo_s'] / pages * 1000:8.2f} ms per page   "
          f"peak {p['hugo_peak_mb']:.0f} MB")
    print(f"  {'Pagefind, one run':34} {p['pagefind_s']:8.2f} s   {p['pagefind_s'] / pages * 1000:8.2f} ms per page   "
          f"peak {p['pagefind_peak_mb']:.0f} MB")
    print(f"  {'Hugo + Pagefind':34} {p['together_s']:8.2f} s   {p['ms_per_page']:8.2f} ms per page")
    print(f"  ratio ours / peer (cold): x{r['ours_over_peer']:.2f} (target: x2.00 or less)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budgets", default="100,1000", help="comma-separated corpus sizes (default 100,1000)")
    ap.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    ap.add_argument("--keep", type=Path, help="keep the generated corpora and sites in this folder")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--no-peer", action="store_true", help="do not compare with Hugo + Pagefind even if installed")
    args = ap.parse_args()
    hugo = None if args.no_peer else shutil.which("hugo")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"memory {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB")
    if not hugo:
        print("peer comparison skipped (--no-peer)" if args.no_peer else PEER_SKIPPED)
    results = []
    for size in (int(s) for s in args.budgets.split(",")):
        results.append(run_size(size, args.workers, args.keep, hugo))
        report(results[-1])
    if len(results) > 1:
        a, b = results[0], results[-1]
        ratio = (b["cold"]["wall"] / b["budgets"]) / (a["cold"]["wall"] / a["budgets"])
        print(f"\ncold build time per budget, {b['budgets']} vs {a['budgets']} budgets: x{ratio:.2f} "
              "(1.00 = linear)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
