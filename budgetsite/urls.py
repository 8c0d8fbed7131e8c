"""Every output path and link of the site, in one place.

Paths are site-relative (`zh/xiamen-hpf-2024/t01/`); a page directory ends with `/` and is written as
`index.html`. Links between pages are relative (`../t02/`), so one build works at a domain root and under
`/<repo>/`; absolute URLs (canonical, hreflang, sitemap, metadata) are the configured site URL plus the path.
Downloads are language-neutral, under `data/<dataset>/`, mirroring the data package so that the published
`datapackage.json` resolves its own resources.
"""

from __future__ import annotations

import functools
import posixpath

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


# --- pages (one per language) ---------------------------------------------------------------------------

def home(lang: str) -> str:
    return f"{lang}/"


def budget(lang: str, slug: str) -> str:
    return f"{lang}/{slug}/"


def table(lang: str, slug: str, table_id: str) -> str:
    return f"{lang}/{slug}/{table_id}/"


def quality(lang: str, slug: str) -> str:
    return f"{lang}/{slug}/quality/"


def glossary(lang: str, slug: str) -> str:
    return f"{lang}/{slug}/glossary/"


def departments(lang: str, page: int = 1) -> str:
    """Every publisher, by region; page-2/ on (not 2/: a department's own pages are departments/<id>/)."""
    return f"{lang}/departments/" if page == 1 else f"{lang}/departments/page-{page}/"


def department(lang: str, department_id: str) -> str:
    """A publisher: its documents by year and kind."""
    return f"{lang}/departments/{department_id}/"


def comparison(lang: str, department_id: str, document: str, before: int, after: int) -> str:
    """Two documents of one kind of one publisher, consecutive years, line by line."""
    return f"{lang}/departments/{department_id}/{document}/{before}-{after}/"


def region(lang: str, region_id: str, page: int = 1) -> str:
    """A region's publishers and documents; page 2 on where they are too many for one."""
    first = f"{lang}/regions/{region_id}/"
    return first if page == 1 else f"{first}{page}/"


def region_comparison(lang: str, region_id: str, year: int, document: str, page: int = 1) -> str:
    """The publishers of one region side by side: documents of one kind and year; page 2 on where they are
    too many for one."""
    first = f"{lang}/regions/{region_id}/{year}/{document}/"
    return first if page == 1 else f"{first}{page}/"


def codes(lang: str) -> str:
    """Every classification code any published document uses."""
    return f"{lang}/codes/"


def code(lang: str, scheme: str, code_value: str, page: int = 1) -> str:
    """One code (function or economic) across every publisher; page 2 on where its rows need more than one."""
    first = f"{lang}/codes/{scheme}/{code_value}/"
    return first if page == 1 else f"{first}{page}/"


def years(lang: str) -> str:
    return f"{lang}/years/"


def data_access(lang: str) -> str:
    return f"{lang}/data/"


def data_region(lang: str, region_id: str, page: int = 1) -> str:
    """The data packages of one region's documents, a page of them at a time."""
    first = f"{data_access(lang)}{region_id}/"
    return first if page == 1 else f"{first}{page}/"


def search(lang: str) -> str:
    return f"{lang}/search/"


def swap_lang(path: str, lang: str) -> str:
    """The same page in another language: every page path starts with its language."""
    first, _, rest = path.partition("/")
    return f"{lang}/{rest}" if first in LANGS else path


# --- language-neutral files ------------------------------------------------------------------------------

ROOT = ""
NOT_FOUND = "404.html"
STYLESHEET = "assets/style.css"
FAVICON = "assets/favicon.svg"
SEARCH_SCRIPT = "assets/search.js"
CATALOG = "catalog.jsonld"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def data_dir(slug: str) -> str:
    return f"data/{slug}/"


def package_file(slug: str, rel: str) -> str:
    """A file of the data package as published, at the same relative path as in the dataset folder."""
    return f"data/{slug}/{rel}"


def datapackage(slug: str) -> str:
    return package_file(slug, "datapackage.json")


def json_file(slug: str, resource: str) -> str:
    return f"data/{slug}/json/{resource}.json"


def workbook(slug: str) -> str:
    """The document's one Excel workbook: a sheet per resource."""
    return f"data/{slug}/{slug}.xlsx"


def quality_report(slug: str) -> str:
    return f"data/{slug}/quality.json"


def bundle(slug: str) -> str:
    return f"data/{slug}/{slug}.zip"


# Every published amount in one long table (corpus.py): the whole corpus under `data/all/`, each region under
# `data/regions/<region_id>/`. These two names are reserved: no dataset may be called `all` or `regions`.
CORPUS_ALL = "all"
CORPUS_REGIONS = "regions"
RESERVED_DATA_NAMES = (CORPUS_ALL, CORPUS_REGIONS)
CORPUS_CSV = "amounts.csv.gz"  # gzip: the long table repeats each document's names on every row


def corpus_dir(region_id: str | None = None) -> str:
    """The folder of the corpus-wide amounts table: everything, or one region's documents."""
    return f"data/{CORPUS_ALL}/" if region_id is None else f"data/{CORPUS_REGIONS}/{region_id}/"


def corpus_package(region_id: str | None = None) -> str:
    return corpus_dir(region_id) + "datapackage.json"


def corpus_csv(region_id: str | None = None) -> str:
    return corpus_dir(region_id) + CORPUS_CSV



# --- turning paths into links ----------------------------------------------------------------------------

def file_of(path: str) -> str:
    """The file a path is written to: page directories get index.html."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def relative(from_page: str, to: str) -> str:
    """A relative link from one page path to another path (page or file)."""
    target, _, fragment = to.partition("#")
    rel = _relative(posixpath.dirname(file_of(from_page)), target)
    return rel + (f"#{fragment}" if fragment else "")


@functools.lru_cache(maxsize=1 << 16)
def _relative(base: str, target: str) -> str:
    """`target` (a site path: no `.` or `..` parts, a trailing `/` for a folder) from folder `base`; a page
    links to thousands of others, so this is string work on the parts, remembered, and never posixpath.relpath
    (which resolves both against the working directory)."""
    here = base.split("/") if base else []
    there = target.rstrip("/").split("/") if target.rstrip("/") else []
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    if target.endswith("/") or target == "":
        rel = "./" if rel == "." else rel + "/"
    return rel


def absolute(site_url: str, path: str) -> str:
    """An absolute URL; only where the site URL is configured (canonical, hreflang, sitemap)."""
    if not site_url:
        raise ValueError(f"an absolute URL for {path!r} needs a configured site URL")
    return site_url + path


def link(site_url: str, from_path: str, to: str) -> str:
    """A metadata link: absolute where the site URL is configured, else relative to the file it is written in
    (JSON-LD and DCAT resolve relative IRIs against that file's own URL)."""
    return site_url + to if site_url else relative(from_path, to)


def rooted(base_path: str, path: str) -> str:
    """A root-relative link including the base path, for pages served at any depth (404.html)."""
    return base_path + path
