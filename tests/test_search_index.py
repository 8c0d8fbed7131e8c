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
from budgetsite.writer import SiteWriter


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
    assert summary(first) == "3 shard(s) indexed, 0 carried over", "one department index, codes and the rest"
    (index,) = [p for p in (out / "pagefind").iterdir() if p.name not in search.SITE_SHARDS]
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
    assert summary(stdout) == "1 shard(s) indexed, 2 carried over", "the budget's index only"
    assert files(out / "pagefind" / search.SITE_SHARD) == site_index
    (index,) = [p for p in (out / "pagefind").iterdir() if p.name not in search.SITE_SHARDS]
    assert any("An added sentence." in text for text in fragments(index).values())


def test_code_pages_have_an_index_of_their_own(project):
    _, out, _ = project
    codes, site = fragments(out / "pagefind" / search.CODES_SHARD), fragments(out / "pagefind" / search.SITE_SHARD)
    assert "/zh/codes/" in codes and "/en/codes/function/221/" in codes, "the codes index and a code's first page"
    assert site and not [url for url in site if "/codes/" in url], "the other site-wide pages"
    page = (out / "zh/search/index.html").read_text(encoding="utf-8")
    shards = re.search(r'data-shards="([^"]*)"', page)
    assert shards and set(search.SITE_SHARDS) <= set(shards[1].split()), "the search page merges both"


CODE_PAGE = """<html><head><title>{title}</title></head><body><main data-pagefind-body><h1>{title}</h1>
<section aria-labelledby="s-1" data-pagefind-ignore><h2 id="s-1">Xiamen 2024</h2>
<table><tr><td class="num">{amount}</td></tr></table></section>{tail}</main></body></html>"""


@pytest.mark.parametrize(("change", "same"), [
    ({"amount": "99.00"}, True),  # an amount in an ignored section: Pagefind reads nothing new
    ({"title": "221 Housing (renamed)"}, False),
    ({"tail": "<p>Below the section</p>"}, False),
    ({"tail": "<section><p>a section after it</p></section>"}, False),
])
def test_the_code_index_is_kept_while_what_pagefind_reads_is_the_same(tmp_path, change, same):
    base = {"title": "221 Housing", "amount": "12.00", "tail": ""}
    (tmp_path / "a.html").write_text(CODE_PAGE.format(**base), encoding="utf-8")
    before = search.indexed_digest(["a.html"], tmp_path.joinpath)
    (tmp_path / "a.html").write_text(CODE_PAGE.format(**{**base, **change}), encoding="utf-8")
    assert (search.indexed_digest(["a.html"], tmp_path.joinpath) == before) is same


def test_leaving_the_indexer_early_stops_its_runs_and_leaves_no_scratch(tmp_path):
    """A build that fails while Pagefind runs beside it (a broken link, say) leaves nothing behind."""
    writer = SiteWriter(tmp_path / "staged")
    writer.write_text("zh/a/index.html", '<html lang="zh"><body><main data-pagefind-body>公积金</main></body></html>')
    with search.Indexer(writer) as indexer:
        for shard in ("d00", "d01", "d02"):
            indexer.start(shard, ["zh/a/index.html"])
    assert not list(tmp_path.glob(".pagefind-*")), "the scratch folders are gone"
    assert not (tmp_path / "staged" / "pagefind").exists(), "nothing was linked into the tree"


def test_the_indexer_links_each_shard_into_the_tree(tmp_path):
    writer = SiteWriter(tmp_path / "staged")
    writer.write_text("zh/a/index.html", '<html lang="zh"><body><main data-pagefind-body>公积金</main></body></html>')
    with search.Indexer(writer) as indexer:
        indexer.start("d00", ["zh/a/index.html"])
        (summary,) = indexer.finish()
    assert "Indexed 1 page" in summary
    assert (tmp_path / "staged/pagefind/d00/pagefind.js").is_file()
    assert "pagefind/d00/pagefind-entry.json" in writer.written
    assert not list(tmp_path.glob(".pagefind-*"))
