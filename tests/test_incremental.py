"""Rebuilds keep what did not change (budgetsite/incremental.py): an unchanged budget's files come over from
the live site as the same files, whole folders at a time (moved in when the site is published), and nothing
else comes with them."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from conftest import XIAMEN, build_into, copy_project

from budgetsite import cache
from budgetsite.incremental import keep_unchanged, unit_folders
from budgetsite.writer import SiteWriter, folders_of

OTHER = "putuo-justice-bureau-2026"


def test_unit_folders_are_the_folders_named_after_the_unit():
    files = ["zh/a-2024/index.html", "zh/a-2024/t01/index.html", "data/a-2024/data/t01.csv"]
    assert unit_folders("a-2024", files) == {"zh/a-2024", "data/a-2024"}
    assert unit_folders("d1", ["en/departments/d1/index.html"]) == {"en/departments/d1"}
    assert unit_folders("a-2024", [*files, "zh/index.html"]) is None, "a file outside the unit's folders"


def live_site(root: Path, files: list[str]) -> Path:
    for f in files:
        (root / f).parent.mkdir(parents=True, exist_ok=True)
        (root / f).write_text(f, encoding="utf-8")
    return root


def test_unchanged_files_are_kept_by_whole_folders_where_nothing_else_is_in_them(tmp_path):
    live = live_site(tmp_path / "live", ["zh/codes/301/index.html", "zh/codes/301/2/index.html",
                                         "zh/codes/302/index.html", "zh/codes/302/2/index.html",
                                         "zh/codes/303/index.html", "zh/codes/303/stray.txt"])
    writer = SiteWriter(tmp_path / "new")
    unchanged = {"zh/codes/301/index.html", "zh/codes/301/2/index.html", "zh/codes/302/index.html",
                 "zh/codes/303/index.html", "zh/codes/304/index.html"}
    others = {"zh/codes/index.html", "zh/codes/302/2/index.html"}  # rendered again
    kept = keep_unchanged(unchanged, others, live, writer)
    assert writer.kept == {"zh/codes/301": live / "zh/codes/301"}, "one folder whole, the others not"
    assert kept == unchanged - {"zh/codes/304/index.html"}, "a file the live site lacks is rendered"
    assert (writer.root / "zh/codes/302/index.html").stat().st_ino == \
        (live / "zh/codes/302/index.html").stat().st_ino, "beside a page rendered again: linked"
    assert not (writer.root / "zh/codes/303/stray.txt").exists(), "a stray file of the live site stays there"
    assert writer.written == kept


def test_the_folders_of_a_path_outermost_first():
    assert folders_of("zh/codes/301/index.html") == ["zh", "zh/codes", "zh/codes/301"]
    assert folders_of("zh/codes/301/index.html", within={"zh", "zh/codes"}) == ["zh", "zh/codes"]
    assert folders_of("index.html") == []


def inodes(site: Path, slug: str) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for top in ("zh", "en", "data")
            for p in sorted((site / top / slug).rglob("*")) if p.is_file()}


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    root = copy_project(tmp_path / "project", datasets=(XIAMEN, OTHER))
    code, _, stderr = build_into(root, root / "site")
    assert code == 0, stderr
    return root, root / "site"


def add_a_sentence(root: Path, dataset: str = XIAMEN) -> None:
    """One sentence more in the English narrative: the dataset changes, none of its figures."""
    narrative = root / "datasets" / dataset / "narrative" / "en.md"
    text = narrative.read_text(encoding="utf-8")
    narrative.write_text(text.rstrip("\n") + " An added sentence.\n", encoding="utf-8")


def test_an_unchanged_budget_keeps_its_very_files(built):
    root, site = built
    before, changed_before = inodes(site, OTHER), inodes(site, XIAMEN)
    add_a_sentence(root)
    code, stdout, stderr = build_into(root, site)
    assert code == 0, stderr
    assert "1 rendered, 1 unchanged and reused" in stdout, stdout
    assert inodes(site, OTHER) == before, "the same files, moved in, not written again"
    after = inodes(site, XIAMEN)
    assert after.keys() == changed_before.keys()
    assert after[f"en/{XIAMEN}/index.html"] != changed_before[f"en/{XIAMEN}/index.html"], "rendered again"


def test_a_stray_file_in_a_live_folder_does_not_come_over(built):
    root, site = built
    stray = site / "data" / OTHER / "stray.txt"
    stray.write_text("not written by the build", encoding="utf-8")
    before = inodes(site, OTHER)
    add_a_sentence(root)
    code, stdout, stderr = build_into(root, site)
    assert code == 0, stderr
    assert not (site / "data" / OTHER / "stray.txt").exists()
    del before[f"data/{OTHER}/stray.txt"]
    assert inodes(site, OTHER) == before, "the budget's own files still come over, one by one"


def test_an_up_to_date_build_reports_its_findings_from_the_manifest_alone(built):
    root, site = built
    _, first, _ = build_into(root, site)
    warnings = [line for line in first.splitlines() if line.startswith("warning:")]
    assert warnings and "site is up to date" in first, "the real dataset has rounding warnings"
    for stored in (root / ".cache" / "results").iterdir():
        stored.unlink()  # not one budget's result or brief is read
    code, stdout, _ = build_into(root, site, "--timings")
    assert code == 0 and "site is up to date" in stdout
    assert "timing: frictionless" not in stdout, "nothing was validated again"
    assert [line for line in stdout.splitlines() if line.startswith("warning:")] == warnings
    summary = [line for line in first.splitlines() if "identities checked" in line]
    assert summary and summary == [line for line in stdout.splitlines() if "identities checked" in line]


def tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_a_cold_build_makes_the_same_tree(root: Path, site: Path, cold: Path) -> None:
    code, _, stderr = build_into(root, cold, "--no-cache")
    assert code == 0, stderr
    rebuilt, fresh = tree(site), tree(cold)
    assert rebuilt.keys() == fresh.keys()
    assert [f for f in rebuilt if rebuilt[f] != fresh[f]] == []


def test_site_pages_of_other_documents_are_kept_and_the_rebuild_equals_a_cold_build(tmp_path):
    """A code's, a comparison's or a region's data page that shows none of the changed document's rows comes
    over from the live site; every other page is rendered again, and the tree is the one a cold build makes."""
    root = copy_project(tmp_path / "project", datasets=None)
    site = root / "site"
    code, _, stderr = build_into(root, site)
    assert code == 0, stderr
    site_pages = [p for top in ("zh", "en") for part in ("codes", "regions", "data")
                  for p in sorted((site / top / part).rglob("index.html"))]
    before = {p: p.stat().st_ino for p in site_pages}
    add_a_sentence(root)
    code, _, stderr = build_into(root, site)
    assert code == 0, stderr
    kept = [p for p in site_pages if p.stat().st_ino == before[p]]
    shows_xiamen = {p for p in site_pages if f"/{XIAMEN}/" in p.read_text(encoding="utf-8")}
    assert kept and shows_xiamen, "the corpus has pages of each sort"
    assert not (set(kept) & shows_xiamen), "a page showing the changed document was kept"
    by_others = [p for p in site_pages if p not in shows_xiamen and "codes/function/" in str(p)]
    assert by_others and set(by_others) <= set(kept), "code pages of other documents were rendered again"
    assert_a_cold_build_makes_the_same_tree(root, site, tmp_path / "cold")


def stored_keys(root: Path) -> set[str]:
    return {p.name.split(".", 1)[0] for p in (root / ".cache" / "results").iterdir()}


def test_the_result_store_keeps_only_what_the_last_build_used(built):
    root, site = built
    before = stored_keys(root)
    assert len(before) == 2, "one key per dataset"
    leftover = root / ".cache" / "results" / ".0abc.result.pickle-x1y2.tmp"
    leftover.write_bytes(b"half-written by a build that was killed")
    add_a_sentence(root)
    code, _, stderr = build_into(root, site)
    assert code == 0, stderr
    after = stored_keys(root)
    assert len(after) == 2 and len(after & before) == 1, "the changed dataset's old result is gone, the other's kept"
    assert not leftover.exists()


def test_the_cycle_collector_is_paused_while_loading_and_comes_back_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), cache.collector_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with cache.collector_paused(freeze=True):
        loaded = [{"row": i} for i in range(1000)]
    try:
        assert gc.get_freeze_count() >= before + len(loaded), "what was loaded is left out of later scans"
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_a_comparison_over_several_pages_keeps_the_pages_of_other_documents(tmp_path, monkeypatch):
    """With a publisher a page, changing one document of a region's comparison renders its page again and
    keeps the other pages of that comparison, and of the region's data pages; the tree is still the one a
    cold build makes."""
    from budgetsite import pages

    monkeypatch.setattr(pages, "DOCUMENTS_PER_COMPARISON", 1)
    monkeypatch.setattr(pages, "DATASETS_PER_PAGE", 2)
    changed = "putuo-finance-bureau-2025"
    root = copy_project(tmp_path / "project", datasets=None)
    site = root / "site"
    code, _, stderr = build_into(root, site)
    assert code == 0, stderr
    group = [p for lang in ("zh", "en")
             for p in sorted((site / lang / "regions").glob("*/2025/department-budget/**/index.html"))]
    data = [p for lang in ("zh", "en") for p in sorted((site / lang / "data").glob("*/**/index.html"))]
    before = {p: p.stat().st_ino for p in group + data}
    add_a_sentence(root, changed)
    code, _, stderr = build_into(root, site)
    assert code == 0, stderr
    for pages_of in (group, data):
        shows = {p for p in pages_of if f"/{changed}/" in p.read_text(encoding="utf-8")}
        kept = {p for p in pages_of if p.stat().st_ino == before[p]}
        assert shows and len(shows) < len(pages_of), "the document is on some of the pages"
        assert kept == set(pages_of) - shows, "exactly the pages not showing the changed document were kept"
    assert_a_cold_build_makes_the_same_tree(root, site, tmp_path / "cold")
