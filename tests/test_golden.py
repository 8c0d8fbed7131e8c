"""Golden output: the synthetic fixture budget builds to exactly the committed tree tests/golden/mini/.

Any change to the HTML, CSV, JSON, XML or text the build writes shows up here as a unified diff. If the
change is intended, regenerate the tree with `python tests/update_golden.py` and review `git diff
tests/golden/`. XLSX, zip and the copied assets are compared by name only; pagefind/ is not compared.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest
from conftest import BASE_PATH, EPOCH, SITE_URL
from update_golden import FIXTURE, GOLDEN, build_mini, is_text, output_files, run_cli, stage_project

SLUG = "demo-dept-2023"
REGENERATE = "if the change is intended, run `python tests/update_golden.py` and review `git diff tests/golden/`"
MAX_DIFF_LINES = 80


def test_golden_build_settings_match_the_test_suite():
    import update_golden

    assert (update_golden.BASE_PATH, update_golden.SITE_URL, update_golden.EPOCH) == (BASE_PATH, SITE_URL, EPOCH)


def test_fixture_budget_is_marked_synthetic():
    d = json.loads((FIXTURE / "datasets" / SLUG / "datapackage.json").read_text(encoding="utf-8"))
    en = d["x_i18n"]["en"]
    assert "示例数据（虚构）" in d["title"] and "示例数据（虚构）" in d["description"]
    assert "synthetic example" in en["title"].lower() and "synthetic example" in en["description"].lower()
    assert not (FIXTURE / "templates").exists() and not (FIXTURE / "i18n").exists(), \
        "the fixture must use the repository's templates and i18n, not copies"


def test_fixture_budget_validates_cleanly(tmp_path):
    status, output = run_cli(stage_project(tmp_path / "project"), "validate")
    assert status == 0, output
    summary = re.fullmatch(r"1 dataset\(s\), (\d+) identities checked: 0 error\(s\), 0 warning\(s\)",
                           output.strip().splitlines()[-1])
    assert summary and int(summary[1]) >= 20, output


def file_diff(expected: Path, actual: Path, rel: str) -> list[str]:
    a = expected.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    b = actual.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, f"golden/mini/{rel}", f"build/{rel}", n=2))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + [f"... {len(lines) - MAX_DIFF_LINES} more diff lines\n"]
    return lines


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory) -> Path:
    return build_mini(tmp_path_factory.mktemp("golden"))


def test_build_has_the_golden_files(mini_site):
    assert GOLDEN.is_dir(), f"no golden tree at {GOLDEN}: run `python tests/update_golden.py`"
    expected, actual = set(output_files(GOLDEN)), set(output_files(mini_site))
    assert expected == actual, (f"files only in the golden tree: {sorted(expected - actual)}; "
                                f"files only in the build: {sorted(actual - expected)}; {REGENERATE}")


def test_build_matches_the_golden_text(mini_site):
    assert GOLDEN.is_dir(), f"no golden tree at {GOLDEN}: run `python tests/update_golden.py`"
    shared = sorted(set(output_files(GOLDEN)) & set(output_files(mini_site)))
    texts = [rel for rel in shared if is_text(rel)]
    assert len(texts) > 30, f"only {len(texts)} text files compared"
    changed, diff = [], []
    for rel in texts:
        if (GOLDEN / rel).read_bytes() != (mini_site / rel).read_bytes():
            changed.append(rel)
            diff += file_diff(GOLDEN / rel, mini_site / rel, rel)
    if changed:
        print("".join(diff))
    assert not changed, f"{len(changed)} files differ from the golden tree: {changed}; {REGENERATE}\n" + "".join(diff)


def test_golden_tree_shows_the_fixture():
    """The golden tree is not an empty or stale placeholder: it holds the fixture's pages and data."""
    for rel in (f"zh/{SLUG}/t03/index.html", f"en/{SLUG}/t03/index.html", f"data/{SLUG}/data/t03.csv",
                f"data/{SLUG}/{SLUG}.xlsx", f"data/{SLUG}/{SLUG}.zip", "sitemap.xml", "catalog.jsonld"):
        assert (GOLDEN / rel).is_file(), rel
    assert (GOLDEN / f"data/{SLUG}/data/t03.csv").read_bytes() == \
        (FIXTURE / "datasets" / SLUG / "data" / "t03.csv").read_bytes()
    zh = (GOLDEN / f"zh/{SLUG}/t03/index.html").read_text(encoding="utf-8")
    assert "1,250.50" in zh and "原文印作 22113" in zh and "示例数据（虚构）" in zh
    assert not any(rel.startswith("pagefind/") for rel in output_files(GOLDEN))
