"""The pages and files about the whole corpus: home, regions, publishers, comparisons, codes, years, the data
page, search page, catalog, sitemap, robots.txt, assets, and the corpus-wide amounts. Made from the budgets'
small summaries and corpus parts, never from the budgets themselves; a page built from a few documents, the
catalog and the sitemap are kept from the live site while what they show did not change."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import rcssmin

from . import cache, corpus, urls
from .config import SiteConfig
from .incremental import keep_unchanged
from .metadata import METADATA_FACET, dcat_catalog, iso_date
from .model import BudgetSummary
from .pages import site_pages
from .pool import run_tasks
from .render import Page
from .units import BuildFailed, catalogue_of, environment, ui, write_pages
from .writer import SiteWriter

ASSETS = ("style.css", "search.js", "favicon.svg")


# Below this many pages, rendering them in this process costs less than starting the workers.
POOL_MIN_PAGES = 400


@dataclass(frozen=True)
class Kept:
    """What the last build rendered of the site-wide pages, for this one to keep what did not change."""

    keys: dict[str, str]  # file -> the key it was rendered for
    live: Path  # the site now published, where those files are


@dataclass(frozen=True)
class SiteWide:
    indexed: list[str]  # the files search indexes
    keys: dict[str, str]  # file -> key, of the pages that have one (for the next build's Kept)
    kept: set[str]  # the files kept from the live site instead of rendered


def page_key(page: Page, site_key: str, source_key: Callable[[str, str], str]) -> str | None:
    """What a page built from a few documents depends on; None for a page built from them all."""
    if page.sources is None:
        return None
    return cache.combine(site_key, page.path, page.shape, *(source_key(slug, page.facet) for slug in page.sources))


def source_keys(summaries: list[BudgetSummary], keys: list[str]) -> Callable[[str, str], str]:
    """A document's key for a page: its whole summary's, or only what the page shows of it (its facet)."""
    whole = {s.slug: key for s, key in zip(summaries, keys, strict=True)}
    facets = {s.slug: s.facet_keys for s in summaries}
    return lambda slug, facet: facets[slug][facet] if facet else whole[slug]


def write_site_wide(writer: SiteWriter, summaries: list[BudgetSummary], sources: tuple[Path, list[str]],
                    shards: tuple[str, ...], config: SiteConfig, owned: set[str], workers: int,
                    site_key: str = "", kept: Kept | None = None) -> SiteWide:
    """Writes the pages about the whole corpus and its metadata. `owned`: the files of budgets and
    departments, which no site page may take. `sources` (the result store and each summary's key, in order)
    lets worker processes read the summaries themselves: with many pages (the code pages grow with the corpus)
    each worker renders a share of them. A page made from a few documents (a code's, a comparison's) whose key
    is the one `kept` recorded is kept from the live site instead."""
    site_name = ui(config).text("site.name")
    with cache.collector_paused(freeze=True):  # the pages live until they are written
        pages = site_pages(summaries, ui(config), catalogue_of(config), shards)
    collisions = sorted({urls.file_of(p.path) for p in pages} & owned)
    if collisions:
        raise BuildFailed(f"a dataset's pages collide with site pages: {', '.join(collisions[:5])}")
    source_key = source_keys(summaries, sources[1])
    keys = {urls.file_of(p.path): key for p in pages if (key := page_key(p, site_key, source_key)) is not None}
    # The catalog (10 MB at 1,000 documents) and the sitemap are kept too while what they list is the same.
    keys[urls.CATALOG] = cache.combine(site_key, urls.CATALOG,
                                       *(source_key(s.slug, METADATA_FACET) for s in summaries))
    all_pages: list[str] = []
    if config.site_url:  # a sitemap lists absolute URLs only
        all_pages = sorted({urls.file_of(p.path) for p in pages} | {f for f in owned if f.endswith("index.html")})
        keys[urls.SITEMAP] = cache.combine(site_key, urls.SITEMAP, *all_pages)
    reused: set[str] = set()
    if kept is not None:
        unchanged = {f for f, key in keys.items() if kept.keys.get(f) == key}
        others = ({urls.file_of(p.path) for p in pages} - unchanged) | writer.written
        reused = keep_unchanged(unchanged, others, kept.live, writer)
    todo = [p for p in pages if urls.file_of(p.path) not in reused]
    if len(todo) < POOL_MIN_PAGES or workers < 2:
        write_pages(writer, todo, config)
    else:
        store_dir, summary_list = sources
        paths = frozenset(p.path for p in todo)
        tasks = [(config, store_dir, summary_list, shards, paths, share, workers, writer.root)
                 for share in range(workers)]
        for written in run_tasks(render_share, tasks, workers, min_tasks=2):
            writer.adopt(written)
    for name in ASSETS:
        writer.write_bytes(f"assets/{name}", asset(config.templates / "assets" / name))
    if urls.CATALOG not in reused:
        write_json(writer, urls.CATALOG, dcat_catalog(summaries, config.site_url, config.build_epoch, site_name))
    robots = "User-agent: *\nAllow: /\n"
    if config.site_url:
        if urls.SITEMAP not in reused:
            writer.write_text(urls.SITEMAP, sitemap(all_pages, config))
        robots += f"Sitemap: {urls.absolute(config.site_url, urls.SITEMAP)}\n"
    writer.write_text(urls.ROBOTS, robots)
    return SiteWide([urls.file_of(p.path) for p in pages if p.context.get("indexed")], keys, reused)


def asset(path: Path) -> bytes:
    """An asset as served: the stylesheet minified (every page loads it, and it is an eighth of the heaviest
    page), the others as they are."""
    if path.suffix == ".css":
        return rcssmin.cssmin(path.read_text(encoding="utf-8")).encode("utf-8")
    return path.read_bytes()


def render_share(config: SiteConfig, store_dir: Path, keys: list[str], shards: tuple[str, ...],
                 paths: frozenset[str], share: int, shares: int, staged: Path) -> set[str]:
    """Worker: every `shares`-th of the site-wide pages at `paths`, from the `share`-th, made from the
    summaries in the result store (the same list, so the same pages, as the main process made)."""
    store = cache.ResultStore(store_dir)
    with cache.collector_paused(freeze=True):
        summaries = [store.load_brief(key).summary for key in keys]
        pages = [p for p in site_pages(summaries, ui(config), catalogue_of(config), shards) if p.path in paths]
    writer = SiteWriter(staged)
    write_pages(writer, pages[share::shares], config)
    return writer.written


def write_corpus(writer: SiteWriter, summaries: list[BudgetSummary], parts: Iterable[corpus.Part],
                 config: SiteConfig, owned: set[str]) -> None:
    """Every published amount in one table (corpus.py), for the whole corpus and per region, joined from the
    parts saved when each budget was validated."""
    reserved = sorted(s.slug for s in summaries if s.slug in urls.RESERVED_DATA_NAMES)
    if reserved:
        raise BuildFailed(f"dataset name(s) {', '.join(reserved)} are reserved for the corpus-wide downloads "
                          f"(data/{urls.CORPUS_ALL}/, data/{urls.CORPUS_REGIONS}/): rename the folder")
    files = corpus.corpus_files(parts, catalogue_of(config), config.build_epoch)
    collisions = sorted({path for path, _ in files} & owned)
    if collisions:
        raise BuildFailed(f"a dataset's files collide with the corpus-wide downloads: {', '.join(collisions[:5])}")
    for path, data in files:
        writer.write_bytes(path, data)


def write_json(writer: SiteWriter, path: str, data: object) -> None:
    """Compact, keys sorted: with `indent`, json uses its pure-Python encoder (2.3 s for the catalog of
    1,000 documents, against 0.1 s)."""
    writer.write_text(path, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")


def sitemap(files: list[str], config: SiteConfig) -> str:
    env, _ = environment(config)
    paths = [f.removesuffix("index.html") for f in files if f != urls.NOT_FOUND]
    return env.get_template("sitemap.xml").render(
        urls=[urls.absolute(config.site_url, p) for p in sorted(paths)], lastmod=iso_date(config.build_epoch))
