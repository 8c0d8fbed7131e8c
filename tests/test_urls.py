"""budgetsite.urls: relative links between page paths, the language swap, and the file a path is written to.

Every case is checked twice: against the expected href written out by hand, and by resolving the href the
way a browser does (relative to the directory of the page's file) and comparing with the target path.
The last tests take the page paths of the real dataset and check that each one is language-prefixed or
language-neutral, and that every pair of them links to each other correctly.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest

from budgetsite import urls

SLUG = "xiamen-hpf-2024"
EPOCH = 1700000000
SITE = "https://example.org/budget/"


def resolve(from_page: str, href: str) -> str:
    """Where a browser lands: the href joined to the directory of the page's file, as a site path.

    Page directories keep their trailing slash, the site root is "", a fragment is kept, and an href that is
    only a fragment stays on the page itself.
    """
    target, _, fragment = href.partition("#")
    if not target:
        joined = from_page
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(urls.file_of(from_page)), target))
        assert not joined.startswith(".."), f"{href!r} from {from_page!r} leaves the site"
        if joined == ".":
            joined = ""
        elif target.endswith("/"):
            joined += "/"
    return joined + (f"#{fragment}" if fragment else "")


# (from-page, target path, expected relative href)
RELATIVE_CASES = [
    # the language picker at the root
    ("", "zh/", "zh/"),
    ("", "en/", "en/"),
    ("", "", "./"),
    ("", "assets/style.css", "assets/style.css"),
    ("", "catalog.jsonld", "catalog.jsonld"),
    # down the tree
    ("zh/", "zh/x/t01/", "x/t01/"),
    ("zh/", "zh/x/", "x/"),
    ("zh/x/", "zh/x/t01/", "t01/"),
    # sideways and up
    ("zh/x/t01/", "zh/x/t02/", "../t02/"),
    ("zh/x/t01/", "zh/x/", "../"),
    ("zh/x/quality/", "zh/data/", "../../data/"),
    ("zh/x/t01/", "en/x/t01/", "../../../en/x/t01/"),
    ("en/", "zh/", "../zh/"),
    # a deep page back to the root (the language picker)
    ("zh/x/t01/", "", "../../../"),
    ("en/data/", "", "../../"),
    ("zh/", "", "../"),
    # pages to language-neutral files
    ("zh/x/t01/", "data/x/data/t01.csv", "../../../data/x/data/t01.csv"),
    ("en/x/", "data/x/x.zip", "../../data/x/x.zip"),
    ("zh/", "assets/style.css", "../assets/style.css"),
    ("en/x/glossary/", "data/x/json/codes-function.json", "../../../data/x/json/codes-function.json"),
    # a page to itself
    ("zh/x/t01/", "zh/x/t01/", "./"),
    ("en/", "en/", "./"),
    # fragments: on the same page, on another page, and on the root ("" is the root path, not "this page")
    ("zh/x/t01/", "zh/x/t01/#t01-r3", "./#t01-r3"),
    ("zh/x/quality/", "zh/x/t05/#t05-r6", "../t05/#t05-r6"),
    ("en/x/", "en/x/#part-2", "./#part-2"),
    ("", "zh/#main", "zh/#main"),
    ("en/", "#main", "../#main"),
    # from the 404 page, which is a file at the root
    ("404.html", "zh/", "zh/"),
    ("404.html", "assets/style.css", "assets/style.css"),
]


@pytest.mark.parametrize(("from_page", "target", "expected"), RELATIVE_CASES,
                         ids=[f"{f or 'root'}->{t or 'root'}" for f, t, _ in RELATIVE_CASES])
def test_relative(from_page, target, expected):
    href = urls.relative(from_page, target)
    assert href == expected, f"relative({from_page!r}, {target!r})"
    assert not href.startswith("/"), f"relative({from_page!r}, {target!r}) = {href!r} is root-relative"
    assert resolve(from_page, href) == target, f"{href!r} from {from_page!r} does not lead to {target!r}"


SWAP_CASES = [
    ("zh/x/t01/", "en", "en/x/t01/"),
    ("en/x/t01/", "zh", "zh/x/t01/"),
    ("zh/", "en", "en/"),
    ("en/data/", "zh", "zh/data/"),
    ("zh/x/quality/", "zh", "zh/x/quality/"),  # already in that language
    ("", "en", ""),  # the language picker has no language
    ("404.html", "zh", "404.html"),
    ("data/x/data/t01.csv", "en", "data/x/data/t01.csv"),  # downloads are language-neutral
    ("zhx/t01/", "en", "zhx/t01/"),  # a prefix that only looks like a language
]


@pytest.mark.parametrize(("path", "lang", "expected"), SWAP_CASES,
                         ids=[f"{p or 'root'}:{lang}" for p, lang, _ in SWAP_CASES])
def test_swap_lang(path, lang, expected):
    assert urls.swap_lang(path, lang) == expected


@pytest.mark.parametrize("lang", urls.LANGS)
def test_swap_lang_round_trips(lang):
    other = urls.other(lang)
    for path in (urls.home(lang), urls.table(lang, SLUG, "t03"), urls.quality(lang, SLUG), urls.search(lang)):
        swapped = urls.swap_lang(path, other)
        assert swapped.startswith(f"{other}/") and swapped != path
        assert urls.swap_lang(swapped, lang) == path


FILE_CASES = [
    ("", "index.html"),
    ("zh/", "zh/index.html"),
    ("en/x/t01/", "en/x/t01/index.html"),
    ("404.html", "404.html"),
    ("sitemap.xml", "sitemap.xml"),
    ("data/x/data/t01.csv", "data/x/data/t01.csv"),
]


@pytest.mark.parametrize(("path", "expected"), FILE_CASES, ids=[p or "root" for p, _ in FILE_CASES])
def test_file_of(path, expected):
    assert urls.file_of(path) == expected


# --- the real dataset's pages ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_pages(repo_root: Path):
    """Every page the build makes of the real dataset, from budgetsite.pages."""
    from budgetsite import pages
    from budgetsite.catalogue import load_catalogue
    from budgetsite.config import load_config
    from budgetsite.directory import publishers
    from budgetsite.i18n import UI, load_catalogs
    from budgetsite.validate import validate_all

    config = load_config(repo_root)
    ui = UI(load_catalogs(config.i18n, urls.LANGS))
    catalogue = load_catalogue(config.reference.resolve())
    results, _ = validate_all(config.datasets, config.reference)
    assert results and all(r.budget for r in results), "the real dataset did not validate"
    from budgetsite.stages import summarize

    budgets = {r.budget.slug: r.budget for r in results if r.budget}
    summaries = [summarize(r, catalogue) for r in results]
    site_wide = pages.site_pages(summaries, ui, catalogue)
    departments = [p for d in publishers(summaries, pages.kind_order(catalogue))
                   for p in pages.department_pages(d, budgets.__getitem__, ui, catalogue)]
    return site_wide + departments + [p for r in results for p in pages.budget_pages(r, EPOCH, SITE, catalogue, ui)]


NEUTRAL = {urls.ROOT, urls.NOT_FOUND}


def test_every_page_path_is_language_prefixed_or_neutral(real_pages):
    paths = [p.path for p in real_pages]
    assert len(paths) == len(set(paths)), "two pages share a path"
    bad = [p for p in paths if p not in NEUTRAL and not p.startswith(("zh/", "en/"))]
    assert not bad, f"page paths neither under zh/ or en/ nor language-neutral: {bad}"
    assert set(paths) >= NEUTRAL


def test_page_language_matches_its_path(real_pages):
    for page in real_pages:
        if page.path in NEUTRAL:
            assert page.lang == "" and not page.alternates, page.path
        else:
            assert page.path.split("/", 1)[0] == page.lang, f"{page.path} has lang {page.lang!r}"


def test_every_page_has_its_counterpart_in_the_other_language(real_pages):
    paths = {p.path for p in real_pages}
    for page in real_pages:
        if page.lang and page.alternates:
            twin = urls.swap_lang(page.path, urls.other(page.lang))
            assert twin in paths, f"{page.path} has no counterpart {twin}"


def test_real_pages_link_to_each_other(real_pages):
    """relative() from every page to every other page (and to a download) resolves to that page."""
    paths = sorted({p.path for p in real_pages})
    targets = [*paths, urls.package_file(SLUG, "data/t01.csv"), urls.bundle(SLUG), urls.STYLESHEET]
    wrong = []
    for a in paths:
        for b in targets:
            href = urls.relative(a, b)
            if href.startswith("/") or resolve(a, href) != b:
                wrong.append(f"{a or '(root)'} -> {b or '(root)'}: {href}")
    assert not wrong, f"{len(wrong)} links lead elsewhere, e.g. {wrong[:5]}"
