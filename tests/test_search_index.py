"""The search index (budgetsite/search.py): how pages are spread over Pagefind indexes, what a rebuild
re-indexes, and what is left out of the index."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from conftest import XIAMEN, build_into, copy_project

from budgetsite import search


@pytest.mark.parametrize(("pages", "count"), [
    (0, 1), (1, 1), (search.SHARD_PAGES, 1), (search.SHARD_PAGES + 1, 2), (10 * search.SHARD_PAGES, 10),
    (10**9, search.MAX_SHARDS),
])
def test_one_index_per_shard_pages_up_to_the_most_a_browser_merges(pages, count):
    assert search.shard_count(pages) == count


def test_a_department_keeps_its_index_while_the_count_stays():
    ids = [f"dept-{i}" for i in range(200)]
    for count in (1, 3, search.MAX_SHARDS):
        shards = [search.search_shard(i, count) for i in ids]
        assert shards == [search.search_shard(i, count) for i in ids]
        assert set(shards) <= {f"d{n:02d}" for n in range(count)}
    assert len({search.search_shard(i, search.MAX_SHARDS) for i in ids}) > search.MAX_SHARDS // 2, "spread"


def fragments(index: Path) -> dict[str, str]:
    """URL -> the text Pagefind keeps of the page (its fragments are gzip-compressed JSON after a signature;
    Chinese comes segmented by zero-width spaces, removed here)."""
    out = {}
    for path in sorted(index.glob("fragment/*.pf_fragment")):
        fragment = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd"))
        out[fragment["url"]] = fragment["content"].replace("\u200b", "")
    return out


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def summary(stdout: str) -> str:
    match = re.search(r"search: (\d+ shard\(s\) indexed, \d+ carried over)", stdout)
    assert match, stdout
    return match[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, Path, str]:
    root = copy_project(tmp_path_factory.mktemp("search") / "project")
    out = root / "site"
    code, stdout, stderr = build_into(root, out)
    assert code == 0, stderr
    return root, out, stdout


def test_amounts_are_left_out_of_the_index_and_row_names_kept_in(project):
    _, out, first = project
    assert summary(first) == "2 shard(s) indexed, 0 carried over", "one department index and the site-wide one"
    (index,) = [p for p in (out / "pagefind").iterdir() if p.name != search.SITE_SHARD]
    page = fragments(index)[f"/zh/{XIAMEN}/t06/"]  # URLs relative to the index; the browser adds the base
    assert "工资福利支出" in page and "基本工资" in page, "row names of table t06"
    assert "1,978.30" not in page and "264.20" not in page, "amounts of those rows"


def test_a_rebuild_reindexes_only_what_changed(project):
    root, out, _ = project
    site_index = files(out / "pagefind" / search.SITE_SHARD)
    narrative = root / "datasets" / XIAMEN / "narrative" / "en.md"
    text = narrative.read_text(encoding="utf-8")  # a sentence more in the last paragraph: blocks stay aligned
    narrative.write_text(text.rstrip("\n") + " An added sentence.\n", encoding="utf-8")
    code, stdout, stderr = build_into(root, out)
    assert code == 0, stderr
    assert summary(stdout) == "1 shard(s) indexed, 1 carried over", "the budget's index only"
    assert files(out / "pagefind" / search.SITE_SHARD) == site_index
    (index,) = [p for p in (out / "pagefind").iterdir() if p.name != search.SITE_SHARD]
    assert any("An added sentence." in text for text in fragments(index).values())
