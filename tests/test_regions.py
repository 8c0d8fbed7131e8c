"""The pages about the real corpus: regions, publishers and their documents, comparisons of the publishers of
one region and year, a page per classification code, and budget against actual in final accounts.

Every expected figure is recomputed here from datasets/ (datapackage.json and the CSVs) with the standard
library and Decimal; the pages are read with the small DOM of tests/dom.py. So a wrong sum, a wrong unit
conversion or a document of another kind slipped into a comparison fails here, whatever the build computes.
"""

from __future__ import annotations

import csv
import json
import posixpath
from collections import deque
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pytest
from dom import Node, parse_file

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"
LANGS = ("zh", "en")
UNITS = {"元": Decimal(1), "万元": Decimal(10000)}
UNIT_WORDS = {"zh": {"元": "元", "万元": "万元"}, "en": {"元": "CNY", "万元": "CNY 10,000"}}


# --- the datasets, read on their own -----------------------------------------------------------------------

@cache
def descriptors() -> dict[str, dict]:
    return {d.name: json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
            for d in sorted(DATASETS.iterdir()) if (d / "datapackage.json").is_file()}


def info(slug: str) -> dict:
    return descriptors()[slug]["x_budget"]


def table_of_kind(slug: str, kind: str) -> dict | None:
    return next((t for t in descriptors()[slug]["x_tables"] if t["kind"] == kind), None)


@cache
def rows(slug: str, resource: str) -> list[dict[str, str]]:
    res = next(r for r in descriptors()[slug]["resources"] if r["name"] == resource)
    with (DATASETS / slug / res["path"]).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def in_yuan(value: str, unit: str) -> Decimal:
    return Decimal(value) * UNITS[unit]


def classes_in_yuan(slug: str, kind: str, field: str) -> dict[str, Decimal]:
    """The 3-digit (类) rows of the document's table of `kind`: code -> amount in 元."""
    table = table_of_kind(slug, kind)
    if table is None:
        return {}
    return {r["code"]: in_yuan(r[field], table["unit"]) for r in rows(slug, table["resources"][0])
            if len(r["code"]) == 3 and r[field]}


# --- the pages ---------------------------------------------------------------------------------------------

def page(site: Path, path: str) -> Node:
    return parse_file(site / path / "index.html")


def resolve(from_path: str, href: str) -> str:
    """The site path a relative link on the page at `from_path` (a folder, ending in /) leads to."""
    target = posixpath.normpath(posixpath.join(from_path, href.split("#")[0]))
    return "" if target == "." else target + ("/" if href.split("#")[0].endswith("/") else "")


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").strip())


def stated_unit(node: Node, lang: str) -> str:
    """The unit a caption states, as a key of UNITS."""
    caption = node.clean_text()
    words = UNIT_WORDS[lang]
    for key in ("万元", "元"):  # 万元 first: "元" is inside it
        if words[key] in caption.split(":")[-1].split("：")[-1]:
            return key
    raise AssertionError(f"no unit in {caption!r}")


def matrix(site: Path, path: str, table_id: str, lang: str) -> tuple[str, list[str], dict[str, list[str]]]:
    """A comparison table, over every page of the comparison: its unit, the documents of its columns (slugs),
    and per line label its cells."""
    units, slugs, body = set(), [], {}
    for shown in pager_paths(site, path):
        table = page(site, shown).one("table", id=table_id)
        units.add(stated_unit(table.one("caption"), lang))
        slugs += [resolve(shown, a.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
                  for a in table.one("thead").find_all("a")]
        for tr in table.one("tbody").find_all("tr"):
            cells = tr.elements()
            body.setdefault(cells[0].clean_text(), []).extend(c.clean_text() for c in cells[1:])
    assert len(units) == 1, f"{path}: every page of a comparison is in one unit, not {units}"
    assert all(len(cells) == len(slugs) for cells in body.values()), f"{path}: every line on every page"
    return units.pop(), slugs, body


def pager_paths(site: Path, first: str) -> list[str]:
    """A list's pages, from its first: the pager's links, or the first page alone."""
    pager = page(site, first).find("nav", cls="pager")
    if pager is None:
        return [first]
    return [resolve(first, a.get("href") or "") for a in pager.find_all("a") if not a.get("rel")]


# --- navigation --------------------------------------------------------------------------------------------

def links(site: Path, path: str) -> list[str]:
    main = page(site, path).one("main")
    out = []
    for a in main.find_all("a"):
        href = a.get("href") or ""
        if href and not href.startswith(("#", "http")) and not href.split("#")[0].endswith((".csv", ".json", ".xlsx",
                                                                                             ".zip", ".pdf")):
            out.append(resolve(path, href))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_document_is_three_clicks_from_home(built_site, lang):
    """home -> region -> publisher -> document, following the links of the pages' main content."""
    home = f"{lang}/"
    depth = {home: 0}
    queue = deque([home])
    while queue:
        path = queue.popleft()
        if depth[path] == 3:
            continue
        for target in links(built_site, path):
            if target not in depth and (built_site / target / "index.html").is_file():
                depth[target] = depth[path] + 1
                queue.append(target)
    far = {slug: depth.get(f"{lang}/{slug}/") for slug in descriptors() if depth.get(f"{lang}/{slug}/", 9) > 3}
    assert not far, f"documents more than three clicks from the home page: {far}"
    for slug in descriptors():
        b = info(slug)
        assert depth.get(f"{lang}/regions/{b['region_id']}/") == 1, b["region_id"]
        assert depth.get(f"{lang}/departments/{b['department_id']}/", 9) <= 2, b["department_id"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_region_lists_each_of_its_publishers_documents(built_site, lang):
    by_region: dict[str, set[str]] = {}
    for slug in descriptors():
        by_region.setdefault(info(slug)["region_id"], set()).add(slug)
    assert len(by_region) >= 2
    for region, slugs in by_region.items():
        path = f"{lang}/regions/{region}/"
        linked = {t.rstrip("/").rsplit("/", 1)[-1] for t in links(built_site, path)}
        assert slugs <= linked, f"{path} misses {slugs - linked}"
        others = set(descriptors()) - slugs
        assert not (others & linked), f"{path} lists documents of another region: {others & linked}"


def publishers_with_kinds() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for slug in descriptors():
        out.setdefault(info(slug)["department_id"], set()).add(info(slug)["document"])
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_a_department_and_its_unit_budget_side_by_side_never_added(built_site, lang):
    both = [p for p, kinds in publishers_with_kinds().items() if {"department-budget", "unit-budget"} <= kinds]
    assert both, "the corpus has a publisher with a department budget and its own unit budget"
    for publisher in both:
        path = f"{lang}/departments/{publisher}/"
        grid = page(built_site, path).one("table", cls="doc-grid")
        heads = [th.clean_text() for th in grid.one("thead").find_all("th")]
        assert len(heads) >= 3, heads  # year, then a column per kind of document
        years = {info(s)["year"] for s in descriptors() if info(s)["department_id"] == publisher}
        body = grid.one("tbody").find_all("tr")
        assert [tr.elements()[0].clean_text() for tr in body] == [str(y) for y in sorted(years, reverse=True)]
        totals = [number(t.clean_text()) for t in grid.find_all("span", cls="num")]
        for slug in (s for s in descriptors() if info(s)["department_id"] == publisher):
            table = table_of_kind(slug, "expenditure-budget") or table_of_kind(slug, "final-expenditure")
            total = next(r["total"] for r in rows(slug, table["resources"][0]) if not r["code"])
            assert Decimal(total) in totals or in_yuan(total, table["unit"]) in totals, (slug, total, totals)
        covers = page(built_site, path).one("dl", cls="covers")
        assert len(covers.find_all("dt")) == 2
        notes = " ".join(p.clean_text() for p in page(built_site, path).find_all("p", cls="note"))
        assert ("不能相加" if lang == "zh" else "never added") in notes


@pytest.fixture(scope="module")
def small_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real corpus built with code pages and data pages that hold a few documents each, so that they
    span pages."""
    from conftest import build_into, copy_project

    from budgetsite import pages

    root = copy_project(tmp_path_factory.mktemp("small") / "project", datasets=None)
    names = ("PAGE_WEIGHT", "DATASETS_PER_PAGE", "DOCUMENTS_PER_COMPARISON", "PUBLISHERS_PER_PAGE")
    sizes = {name: getattr(pages, name) for name in names}
    for name, small in zip(names, (30, 2, 1, 2), strict=True):
        setattr(pages, name, small)
    try:
        status, _, err = build_into(root, root / "site", "--no-cache")
    finally:
        for name, size in sizes.items():
            setattr(pages, name, size)
    assert status == 0, err
    return root / "site"


@pytest.fixture(params=["one page", "a publisher a page"])
def comparisons(request: pytest.FixtureRequest, built_site: Path) -> Path:
    """The site as built, and built with one publisher per page of a comparison."""
    return built_site if request.param == "one page" else request.getfixturevalue("small_pages")


# --- comparisons within a region and year ------------------------------------------------------------------

def groups() -> dict[tuple[str, int, str], list[str]]:
    out: dict[tuple[str, int, str], list[str]] = {}
    for slug in descriptors():
        b = info(slug)
        out.setdefault((b["region_id"], b["year"], b["document"]), []).append(slug)
    return {k: sorted(v) for k, v in out.items() if len(v) > 1}


def group_path(lang: str, key: tuple[str, int, str]) -> str:
    return f"{lang}/regions/{key[0]}/{key[1]}/{key[2]}/"


def test_the_corpus_has_comparisons_of_every_document_kind():
    assert {kind for _, _, kind in groups()} >= {"department-budget", "unit-budget", "final-accounts"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_comparison_holds_exactly_the_documents_of_its_year_and_kind(comparisons, lang):
    for key, slugs in groups().items():
        _, columns, _ = matrix(comparisons, group_path(lang, key), "table-totals", lang)
        assert sorted(columns) == slugs, (key, columns)


@pytest.mark.parametrize("lang", LANGS)
def test_a_comparison_over_several_pages_draws_its_bars_on_one_scale(small_pages, lang):
    for key, slugs in groups().items():
        paths = pager_paths(small_pages, group_path(lang, key))
        assert len(paths) == len(slugs), (key, paths)  # a publisher a page
        widths = []
        for path in paths:
            chart = page(small_pages, path).one("figure", aria_labelledby="chart-totals-title")
            widths += [sum(Decimal(r.get("width") or "0") for r in li.find_all("rect"))
                       for li in chart.one("ul", cls="stack-rows").find_all("li")]
        assert len(widths) == len(slugs) and max(widths) == 360, (key, widths)
        assert min(widths) < 360, f"{key}: each page drew its own scale: {widths}"


def test_a_comparison_page_holds_fewer_publishers_the_more_lines_it_shows():
    from budgetsite import pages
    from budgetsite.across import PARTS, GroupFigures, Line, Matrix
    from budgetsite.model import Text

    def figures(lines: int) -> GroupFigures:
        matrix = Matrix((), tuple(Line(str(i), Text(""), ()) for i in range(lines)), "元", 2)
        return GroupFigures(**{part: matrix for part in PARTS}, unit="元", places=2)

    sizes = [pages.documents_per_comparison(figures(n)) for n in (1, 2, 5, 60)]  # lines in each of six parts
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == len(sizes), sizes
    assert sizes[0] <= pages.DOCUMENTS_PER_COMPARISON and sizes[-1] == 1, "a publisher a page at the least"


EXPENDITURE = {"department-budget": ("expenditure-budget", "total"), "unit-budget": ("expenditure-budget", "total"),
               "final-accounts": ("final-expenditure", "total")}
ECONOMIC = {"department-budget": ("basic-expenditure-by-economic", "total"),
            "unit-budget": ("basic-expenditure-by-economic", "total"),
            "final-accounts": ("final-basic-expenditure-by-economic", "amount")}


def expected_in(unit: str, yuan: Decimal) -> Decimal:
    return yuan / UNITS[unit]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("part", ["by_function", "by_economic"])
def test_comparison_by_class_equals_the_tables_converted_exactly(comparisons, lang, part):
    sources = EXPENDITURE if part == "by_function" else ECONOMIC
    for key, _ in groups().items():
        kind, field = sources[key[2]]
        unit, columns, body = matrix(comparisons, group_path(lang, key), f"table-{part}", lang)
        seen = set()
        for label, cells in body.items():
            code = label.split()[0]
            if not code.isdigit():
                continue  # the sum row
            seen.add(code)
            for slug, cell in zip(columns, cells, strict=True):
                expected = classes_in_yuan(slug, kind, field).get(code)
                if expected is None:
                    assert cell == "—", (key, slug, code, cell)
                else:
                    assert number(cell) == expected_in(unit, expected), (key, slug, code, cell, expected, unit)
        every = set().union(*(classes_in_yuan(s, kind, field) for s in columns))
        assert seen == every, (key, part, seen ^ every)


THREE_PUBLIC = {"three-public-expenses": ("overseas", "vehicle_total", "reception"),
                "final-three-public-expenses": ("overseas_final", "vehicle_total_final", "reception_final")}


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_of_three_official_expenses_equals_the_tables(comparisons, lang):
    checked = 0
    for key in groups():
        unit, columns, body = matrix(comparisons, group_path(lang, key), "table-three_public", lang)
        lines = [cells for label, cells in body.items() if label not in ("所列合计", "Sum of the lines shown")]
        for i, slug in enumerate(columns):
            kind = next(k for k in THREE_PUBLIC if table_of_kind(slug, k))
            table = table_of_kind(slug, kind)
            printed = rows(slug, table["resources"][0])
            for line, field in zip(lines, THREE_PUBLIC[kind], strict=True):
                if not printed:  # an empty table (本表无数据) prints no figure, not a zero
                    assert table.get("status") == "empty" and line[i] == "—", (slug, field, line[i])
                    continue
                assert number(line[i]) == expected_in(unit, in_yuan(printed[0][field] or "0", table["unit"])), \
                    (slug, field)
                checked += 1
    assert checked


# --- a page per classification code ------------------------------------------------------------------------

def coded_rows(code: str) -> dict[str, int]:
    """slug -> rows with this code in the document's published annex tables (not the code lists)."""
    out: dict[str, int] = {}
    for slug, d in descriptors().items():
        for table in d["x_tables"]:
            if table.get("status") == "empty":
                continue
            for name in table["resources"]:
                hits = sum(1 for r in rows(slug, name) if r.get("code") == code)
                if hits:
                    out[slug] = out.get(slug, 0) + hits
    return out


def rows_shown(site: Path, first: str, code: str) -> dict[str, int]:
    """slug -> how many table rows with `code` the code's pages link to, each link checked to land on a row
    that prints the code."""
    found: dict[str, int] = {}
    for path in pager_paths(site, first):
        for section in page(site, path).one("main").find_all("section"):
            for td in section.one("table").one("tbody").find_all("td"):
                for a in td.find_all("a"):
                    target, _, anchor = (a.get("href") or "").partition("#")
                    table_page = resolve(path, target)
                    slug = table_page.strip("/").split("/")[1]
                    found[slug] = found.get(slug, 0) + 1
                    row = parse_file(site / table_page / "index.html").one("tr", id=anchor)
                    assert code in [c.clean_text() for c in row.find_all("td")], (path, a.get("href"))
    return found


def scheme_of(code: str) -> str:
    return "economic" if code.startswith("3") else "function"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", ["201", "208", "301"])
def test_a_code_page_lists_every_row_of_every_document_with_the_code(built_site, lang, code):
    expected = coded_rows(code)
    assert len(expected) >= 2, f"{code} is used by several documents"
    assert rows_shown(built_site, f"{lang}/codes/{scheme_of(code)}/{code}/", code) == expected


def test_pages_are_filled_in_order_up_to_their_bound():
    from budgetsite.classified import fill

    assert fill([1, 2, 3, 4], lambda x: x, 6) == [[1, 2, 3], [4]]
    assert fill([1, 2, 3, 4], lambda x: x, 6, first=3) == [[1, 2], [3], [4]], "the first page holds more"
    assert fill([1, 2, 3], lambda x: x, 6, overhead=2) == [[1, 2], [3]], "every page starts with its overhead"
    assert fill([10, 1], lambda x: x, 6) == [[10], [1]], "an item heavier than a page has one of its own"
    assert fill([], lambda x: x, 6) == [[]]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", ["201", "208", "301"])
def test_a_code_over_several_pages_still_lists_every_row_once(small_pages, lang, code):
    first = f"{lang}/codes/{scheme_of(code)}/{code}/"
    paths = pager_paths(small_pages, first)
    assert len(paths) > 1, f"{code} spans pages at a small page size"
    assert paths[0] == first and paths[1:] == [f"{first}{n}/" for n in range(2, len(paths) + 1)]
    assert rows_shown(small_pages, first, code) == coded_rows(code)


@pytest.mark.parametrize("lang", LANGS)
def test_the_pages_of_a_code_link_to_each_other_and_only_the_first_is_indexed(small_pages, lang):
    first = f"{lang}/codes/function/208/"
    paths = pager_paths(small_pages, first)
    anchors_by_page = {}
    for number, path in enumerate(paths, 1):
        doc = page(small_pages, path)
        current = doc.one("nav", cls="pager").one("a", aria_current="page")
        assert resolve(path, current.get("href") or "") == path and current.clean_text() == str(number)
        assert (doc.one("main").get("data-pagefind-body") is not None) == (number == 1), path
        anchors_by_page[path] = {s.get("id") for s in doc.one("main").find_all("h2")}
    # the first page says where each region, year and kind of document starts
    where = page(small_pages, first).one("caption", id="parts-caption").parent
    links = [a.get("href") or "" for a in where.one("tbody").find_all("a")]
    assert links
    for href in links:
        target, _, anchor = href.partition("#")
        assert anchor in anchors_by_page[resolve(first, target)], href


@pytest.mark.parametrize("lang", LANGS)
def test_each_dataset_is_listed_once_on_its_regions_data_pages(small_pages, lang):
    by_region: dict[str, list[str]] = {}
    for slug in descriptors():
        by_region.setdefault(info(slug)["region_id"], []).append(slug)
    assert any(len(slugs) > 2 for slugs in by_region.values()), "a region spans data pages"
    for region_id, slugs in by_region.items():
        first = f"{lang}/data/{region_id}/"
        listed = []
        for path in pager_paths(small_pages, first):
            for a in page(small_pages, path).one("main").find_all("a"):
                target = resolve(path, a.get("href") or "")
                if target.endswith("/datapackage.json"):
                    assert (small_pages / target).is_file(), target
                    listed.append(target.split("/")[1])
        assert sorted(listed) == sorted(slugs), region_id
        index = page(small_pages, f"{lang}/data/")
        assert first in {resolve(f"{lang}/data/", a.get("href") or "") for a in index.find_all("a")}


@pytest.mark.parametrize("lang", LANGS)
def test_every_publisher_is_listed_once_over_the_pages_of_its_region_and_of_all_publishers(small_pages, lang):
    by_region: dict[str, set[str]] = {}
    for slug in descriptors():
        by_region.setdefault(info(slug)["region_id"], set()).add(info(slug)["department_id"])

    def listed(first: str) -> list[str]:
        out = []
        for path in pager_paths(small_pages, first):
            table = page(small_pages, path).one("main").find_all("table")[0]
            out += [resolve(path, a.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
                    for a in table.find_all("a") if "/departments/" in resolve(path, a.get("href") or "")]
        return out

    for region, publishers in by_region.items():
        assert sorted(listed(f"{lang}/regions/{region}/")) == sorted(publishers), region
    everyone = [p for path in pager_paths(small_pages, f"{lang}/departments/")
                for table in page(small_pages, path).one("main").find_all("table")
                for p in (resolve(path, a.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
                          for a in table.find_all("a") if "/departments/" in resolve(path, a.get("href") or ""))]
    assert sorted(everyone) == sorted(set().union(*by_region.values()))
    assert len(pager_paths(small_pages, f"{lang}/departments/")) > 1


def test_table_pages_link_their_codes_to_the_code_pages(built_site):
    slug = next(s for s in descriptors() if table_of_kind(s, "expenditure-budget"))
    table = table_of_kind(slug, "expenditure-budget")
    path = f"zh/{slug}/{table['id']}/"
    hrefs = {resolve(path, a.get("href") or "") for a in page(built_site, path).one("main").find_all("a")}
    codes = {r["code"] for r in rows(slug, table["resources"][0]) if r["code"]}
    assert codes and all(f"zh/codes/function/{c}/" in hrefs for c in codes)


# --- budget against actual ---------------------------------------------------------------------------------

def rate(final: Decimal, budget: Decimal) -> str:
    return f"{(final / budget * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


@pytest.mark.parametrize("lang", LANGS)
def test_final_accounts_show_budget_against_actual_from_their_tables(built_site, lang):
    finals = [s for s in descriptors() if info(s)["document"] == "final-accounts"]
    assert finals
    for slug in finals:
        table = table_of_kind(slug, "final-three-public-expenses")
        if table.get("status") == "empty":  # nothing printed to set against each other
            assert page(built_site, f"{lang}/{slug}/").find("caption", id="against-caption") is None
            continue
        row = rows(slug, table["resources"][0])[0]
        pairs = [f[: -len("_budget")] for f in row if f.endswith("_budget") and f"{f[:-7]}_final" in row]
        expected = []
        for stem in pairs:
            b, f = row[f"{stem}_budget"], row[f"{stem}_final"]
            if b or f:
                shown_rate = rate(Decimal(f), Decimal(b)) if b and f and Decimal(b) else "—"
                expected.append([b, f, shown_rate])
        body = page(built_site, f"{lang}/{slug}/").one("section", aria_labelledby="against").find_all("table")[0]
        shown = []
        for tr in body.one("tbody").find_all("tr"):
            cells = [c.clean_text() for c in tr.find_all("td")]
            shown.append([cells[0].replace(",", ""), cells[1].replace(",", ""), cells[3]])
        assert shown == expected, slug
        assert stated_unit(body.one("caption"), lang) == table["unit"]


@pytest.mark.parametrize("lang", LANGS)
def test_stated_completion_rates_are_recomputed_from_the_stated_figures(built_site, lang):
    """Each completion statement of the narrative (completion.csv, figures in narrative-figures.csv) is a row:
    budget, final and the stated rate as printed, and the rate recomputed from those two figures."""
    checked = 0
    for slug in (s for s in descriptors() if info(s)["document"] == "final-accounts"):
        figures = {r["id"]: r for r in rows(slug, "narrative-figures")}
        statements = rows(slug, "completion")
        assert statements, slug
        caption = page(built_site, f"{lang}/{slug}/").one("caption", id="stated-caption")
        body = caption.parent.one("tbody").find_all("tr")
        assert len(body) == len(statements), slug
        for tr, statement in zip(body, statements, strict=True):
            cells = [td.clean_text() for td in tr.find_all("td")]
            budget = figures[statement["budget"]]["value"] if statement["budget"] else ""
            final = figures[statement["final"]]["value"] if statement["final"] else ""
            printed = [figures[statement[k]]["printed"] if statement[k] else "" for k in ("budget", "final", "rate")]
            assert cells[1:4] == [printed[0], printed[1], f"{printed[2]}%" if printed[2] else "—"], slug
            computed = rate(Decimal(final), Decimal(budget)) if budget and final and Decimal(budget) else "—"
            assert cells[4] == computed, (slug, statement["id"])
            checked += 1
    assert checked


def test_budgets_have_no_budget_against_actual_section(built_site):
    slug = next(s for s in descriptors() if info(s)["document"] == "department-budget")
    assert page(built_site, f"zh/{slug}/").find("section", aria_labelledby="against") is None

