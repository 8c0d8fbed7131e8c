"""Rebuilds keep what did not change (budgetsite/incremental.py): an unchanged budget's files come over from
the live site as the same files, whole folders at a time (moved in when the site is published), and nothing
else comes with them."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import XIAMEN, build_into, copy_project

from bench.generate import generate, touch_one
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


def test_a_build_without_the_cache_makes_the_next_one_keep_nothing(built):
    """The manifest describes what the cached build published; once a build with --no-cache has replaced the
    site, keeping anything by it could bring back what that build changed."""
    root, site = built
    add_a_sentence(root)
    code, _, stderr = build_into(root, site, "--no-cache")
    assert code == 0, stderr
    assert not (root / ".cache" / "manifest.json").exists()
    code, stdout, stderr = build_into(root, site)
    assert code == 0, stderr
    assert "0 unchanged and reused" in stdout, stdout


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


def code_pages_of(site: Path) -> list[Path]:
    return [p for lang in ("zh", "en") for scheme in ("function", "economic")
            for p in sorted((site / lang / "codes" / scheme).rglob("index.html"))]


def test_site_pages_of_other_documents_are_kept_and_the_rebuild_equals_a_cold_build(tmp_path):
    """A sentence more in one document's narrative: a comparison's page that does not show the document comes
    over from the live site (one that does is rendered again: see below). A code's page shows the document's
    rows with the code, and the lists of documents (a region's, its data pages, the publishers) their
    metadata and totals, none of which changed: every one comes over, those listing the document too. The
    tree is the one a cold build makes."""
    root = copy_project(tmp_path / "project", datasets=None)
    site = root / "site"
    code, _, stderr = build_into(root, site)
    assert code == 0, stderr

    def pages(folder: str, pattern: str) -> list[Path]:
        return [p for lang in ("zh", "en") for p in sorted((site / lang / folder).glob(pattern))]

    code_pages = code_pages_of(site)
    lists = pages("data", "*/**/index.html") + pages("regions", "*/index.html") + pages("regions", "*/[0-9]/index.html")
    lists += pages("departments", "index.html") + pages("departments", "page-*/index.html")
    regions = pages("regions", "*/[0-9][0-9][0-9][0-9]/**/index.html")  # the comparisons, under their year
    site_pages = code_pages + lists + regions
    before = {p: p.stat().st_ino for p in site_pages}
    add_a_sentence(root)
    code, _, stderr = build_into(root, site)
    assert code == 0, stderr
    kept = {p for p in site_pages if p.stat().st_ino == before[p]}
    shows_xiamen = {p for p in site_pages if f"/{XIAMEN}/" in p.read_text(encoding="utf-8")}
    for unchanged_part in (code_pages, lists):
        assert set(unchanged_part) <= kept and shows_xiamen & set(unchanged_part), "kept, those listing it too"
    assert regions and set(regions) - shows_xiamen <= kept, "comparisons of other documents come over"
    assert not (kept & shows_xiamen & set(regions)), "a comparison showing the changed document was kept"
    assert_a_cold_build_makes_the_same_tree(root, site, tmp_path / "cold")


def test_a_changed_figure_renders_again_the_code_pages_it_is_on_and_no_other(tmp_path):
    """Money moved between two rows of one document (bench/generate.py's touch_one): the pages of those rows'
    codes are rendered again; every other code page comes over from the live site, the document's other codes'
    pages too. Which pages changed is read from the pages themselves, and the tree is the one a cold build
    makes."""
    root = tmp_path / "corpus"
    folders = generate(root, 4, seed=2, years=(2024,))
    site = root / "site"
    code, _, stderr = build_into(root, site)
    assert code == 0, stderr
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in code_pages_of(site)}
    touched = folders[0].name
    touch_one(root, touched)
    code, _, stderr = build_into(root, site)
    assert code == 0, stderr
    after = code_pages_of(site)
    assert after == list(before), "the same code pages"
    kept = {p for p in after if p.stat().st_ino == before[p][0]}
    unchanged = {p for p in after if p.read_bytes() == before[p][1]}
    shows = {p for p in after if f"/{touched}/" in p.read_text(encoding="utf-8")}
    assert kept == unchanged, "a page is rendered again exactly when what it shows changed"
    assert shows - kept and shows & kept, "of the pages listing the document, some changed and some did not"
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
        loaded = [[i] for i in range(1000)]  # lists: the collector tracks every one
    try:
        assert gc.get_freeze_count() >= before + len(loaded), "what was loaded is left out of later scans"
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_a_comparison_over_several_pages_keeps_the_pages_of_other_documents(tmp_path, monkeypatch):
    """With a publisher a page, changing one document of a region's comparison renders its page again and
    keeps the other pages of that comparison; a region's data pages show no narrative and are all kept, until
    the document's title changes, when the one listing it is rendered again. The tree is still the one a cold
    build makes."""
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

    def rebuilt(change: Callable[[], None]) -> tuple[set[Path], set[Path]]:
        """Which pages of the group and of the data pages came over from the live site after `change`."""
        before = {p: p.stat().st_ino for p in group + data}
        change()
        code, _, stderr = build_into(root, site)
        assert code == 0, stderr
        return ({p for p in group if p.stat().st_ino == before[p]},
                {p for p in data if p.stat().st_ino == before[p]})

    shows = {p for p in group + data if f"/{changed}/" in p.read_text(encoding="utf-8")}
    assert shows & set(group) and shows & set(data) and len(shows) < len(group + data), "on some of the pages"
    kept_group, kept_data = rebuilt(lambda: add_a_sentence(root, changed))
    assert kept_group == set(group) - shows, "exactly the comparison pages not showing the changed document"
    assert kept_data == set(data), "the data pages show no narrative"
    _, kept_data = rebuilt(lambda: retitle(root, changed))
    assert kept_data == set(data) - shows, "exactly the data pages not listing the retitled document"
    assert_a_cold_build_makes_the_same_tree(root, site, tmp_path / "cold")


def retitle(root: Path, dataset: str) -> None:
    """A word more in the document's English title: its metadata changes, none of its figures."""
    path = root / "datasets" / dataset / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["x_i18n"]["en"]["title"] += " (retitled)"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
