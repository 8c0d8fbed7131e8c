"""Regenerate the golden output tree tests/golden/mini/ from the fixture project tests/fixtures/mini/.

Usage (from the repository root):

    python tests/update_golden.py

The fixture holds site.toml, reference/ and one synthetic budget (datasets/demo-dept-2023/); the
repository's templates/ and i18n/ are copied in beside them at build time, so the golden tree shows what the
current templates make of a known input. The build uses the same base path, site URL and SOURCE_DATE_EPOCH
as tests/conftest.py. The golden tree is the built site without pagefind/ (the search index, whose file
names are content hashes of Pagefind's own format). tests/test_golden.py compares a fresh build with it:
text files by content, the other files (XLSX, zip, CSS, JS, SVG) by name only.

Run this after an intended change to the output, then read `git diff tests/golden/` before committing it.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE = TESTS / "fixtures" / "mini"
GOLDEN = TESTS / "golden" / "mini"

BASE_PATH = "/budget/"
SITE_URL = "https://example.org/budget/"
EPOCH = "1700000000"

SKIPPED_DIRS = ("pagefind/",)
TEXT_SUFFIXES = {".html", ".csv", ".json", ".jsonld", ".xml", ".txt", ".md"}

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def stage_project(target: Path) -> Path:
    """The fixture project (its own code lists and budget) plus the repository's templates/, i18n/ and the
    reference data every project shares: the catalogue of table kinds, the term base and the rule sets."""
    shutil.copytree(FIXTURE, target)
    for name in ("templates", "i18n", "reference/catalogue", "reference/terms", "reference/rules"):
        shutil.copytree(REPO / name, target / name)
    return target


def run_cli(root: Path, *args: str) -> tuple[int, str]:
    """budgetsite's command line in-process with a fixed SOURCE_DATE_EPOCH; (status, stdout + stderr)."""
    from budgetsite import cli

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            status = cli.main(["--root", str(root), *args])
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return status, out.getvalue()


def build_mini(workdir: Path) -> Path:
    """Build the fixture project under `workdir`; returns the site folder."""
    project = stage_project(workdir / "project")
    site = workdir / "site"
    status, output = run_cli(project, "build", "--out", str(site), "--base-path", BASE_PATH, "--site-url", SITE_URL)
    if status != 0:
        raise RuntimeError(f"the build of {FIXTURE} failed (exit {status}):\n{output}")
    return site


def output_files(root: Path) -> list[str]:
    """Every file of a built tree as a relative POSIX path, without the skipped folders."""
    return sorted(rel for p in root.rglob("*") if p.is_file()
                  for rel in [p.relative_to(root).as_posix()] if not rel.startswith(SKIPPED_DIRS))


def is_text(rel: str) -> bool:
    return Path(rel).suffix in TEXT_SUFFIXES


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        site = build_mini(Path(tmp))
        files = output_files(site)
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for rel in files:
            target = GOLDEN / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / rel, target)
    texts = sum(1 for rel in files if is_text(rel))
    print(f"wrote {len(files)} files ({texts} compared by content) to {GOLDEN.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
