"""The stages of a build that do work, in the order build() runs them (pipeline.py): validate the datasets
whose inputs are new, render into the staging tree, index it for search, and what the next build needs to
know of this one (its manifest). Imported only when a build has something to do, because it brings in
frictionless, Jinja2 and the rest: an up-to-date build never needs them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache, corpus
from .catalogue import Catalogue, load_catalogue
from .classified import code_facet_keys, coded_lines
from .config import SiteConfig
from .directory import publishers
from .figures import key_figures
from .incremental import Unit, files_below, matching_folders, render_units, reuse_units, unchanged_units
from .metadata import METADATA_FACET, metadata_key
from .model import BudgetSummary, Finding, ResourceSummary, ValidationResult
from .pages import kind_order
from .pipeline import Validated
from .pool import started
from .search import OUTPUT, SITE_SHARDS, Indexer, indexed_digest, search_shard, shard_count, site_shard
from .sitewide import Kept, write_corpus, write_site_wide
from .timing import Stats, timed
from .timing import merge as merge_stats
from .units import catalogue_of, render_budget, render_department
from .validate import load_reference, validate_budget
from .writer import SiteWriter

if TYPE_CHECKING:
    from .pipeline import Plan

# --- 2. validate -----------------------------------------------------------------------------------------

_REFERENCE: dict[str, Any] = {}


def _validate_into_store(folder: Path, reference_dir: Path, store_dir: Path, key: str) -> Stats:
    """Worker: validate one dataset and store the result (module level, so a process pool can run it)."""
    if _REFERENCE.get("dir") != reference_dir:
        _REFERENCE.update(dir=reference_dir, reference=load_reference(reference_dir))
    stats: Stats = {}
    result = validate_budget(folder, _REFERENCE["reference"], stats)
    with timed(stats, "store"):
        ok = result.budget is not None and not result.errors
        catalogue = load_catalogue(reference_dir.resolve())
        summary = summarize(result, catalogue) if ok else None
        brief = Brief(result.dataset, result.findings, len(result.checks), summary)
        part = corpus.budget_part(result.budget, catalogue) if ok and result.budget else None
        cache.ResultStore(store_dir).save(key, result, brief, part)
    return stats


@dataclass(frozen=True)
class Brief:
    """What the build needs of a validated dataset before rendering it (kept beside the full result)."""

    dataset: str
    findings: tuple[Finding, ...]
    checks: int
    summary: BudgetSummary | None  # None when the dataset did not validate


def summarize(result: ValidationResult, catalogue: Catalogue) -> BudgetSummary:
    b = result.budget
    assert b is not None
    keywords = tuple(b.descriptor.get("keywords", []))
    figures = key_figures(b)
    summary = BudgetSummary(
        slug=b.slug, department_id=b.department_id, department=b.department, region=b.region, year=b.year,
        document=b.document, title=b.title, description=b.description, licence=dict(b.licence), keywords=keywords,
        total=figures.total,
        resources=tuple(ResourceSummary(r.name, r.path, r.title) for r in b.resources.values()),
        region_id=b.region_id, figures=figures, lines=coded_lines(b, catalogue),
    )
    return dataclasses.replace(summary, facet_keys={**code_facet_keys(summary), METADATA_FACET: metadata_key(summary)})


@contextmanager
def validation(config: SiteConfig, plan: Plan, store: cache.ResultStore, workers: int,
               stats: Stats | None = None) -> Iterator[Callable[[Callable[[], object]], Validated]]:
    """The datasets whose results are not stored validated in worker processes, started on entering (even
    one: the build keeps the unchanged budgets meanwhile); the function given back reads the stored briefs,
    runs its argument (the caller's own work while the workers run), waits for the workers and reads their
    briefs."""
    stale = [(f, config.reference, store.folder, plan.keys[f.name]) for f in plan.folders
             if not store.has(plan.keys[f.name])]
    with started(_validate_into_store, stale, workers, min_tasks=1) as results:
        yield lambda meanwhile: validated(config, plan, store, {f.name for f, *_ in stale}, results, meanwhile,
                                          stats)


def validated(config: SiteConfig, plan: Plan, store: cache.ResultStore, stale: set[str],
              results: Callable[[], list[Stats]], meanwhile: Callable[[], object], stats: Stats | None) -> Validated:
    findings, summaries, keys, checks = list(load_reference(config.reference).findings), [], {}, 0
    with cache.collector_paused(freeze=True):  # the summaries live as long as the build
        briefs = {f.name: store.load_brief(plan.keys[f.name]) for f in plan.folders if f.name not in stale}
        meanwhile()
        for one in results():
            merge_stats(stats, one)
        for folder in plan.folders:
            brief = briefs[folder.name] if folder.name in briefs else store.load_brief(plan.keys[folder.name])
            findings += brief.findings
            checks += brief.checks
            if brief.summary is not None:
                summaries.append(brief.summary)
                keys[brief.dataset] = plan.keys[folder.name]
    return Validated(findings, checks, summaries, keys)


# --- 3. render -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rendered:
    budgets: dict[str, list[str]]  # slug -> the files of that budget
    departments: dict[str, list[str]]  # department id -> its own pages
    shards: dict[str, str]  # search shard -> the key of what it indexes
    keys: dict[str, dict[str, str]]  # "budgets"/"departments" -> name -> the key its files were rendered for
    fresh: list[str]  # HTML files rendered in this run, not linked from the last (the link check reads these)
    reused: int  # budgets linked from the previous site
    site_wide: list[str]  # the site-wide pages search indexes (home, regions, comparisons, codes, ...)
    site_keys: dict[str, str]  # site-wide page -> the key it was rendered for, where it has one
    kept_shards: int  # department search shards kept from the live site


def budget_key(plan: Plan, result_key: str) -> str:
    """What a budget's pages and downloads depend on: its result and everything else every page does."""
    return cache.combine(plan.site_key, result_key)


def plan_budget_keys(plan: Plan) -> dict[str, str]:
    """Every budget's key, known from the plan alone: a budget the last build rendered validated then, and
    its unchanged inputs validate the same, so the unchanged ones are known before any validation."""
    return {f.name: budget_key(plan, plan.keys[f.name]) for f in plan.folders}


@contextmanager
def unchanged_budgets_listed(plan: Plan, previous: dict[str, Any], live: Path,
                             workers: int) -> Iterator[Callable[[], dict[str, list[str]]]]:
    """The live folders of the unchanged budgets listed in a worker process (incremental.matching_folders),
    started on entering; the function given back waits for the list."""
    candidates = unchanged_units("budgets", plan_budget_keys(plan), previous)
    with started(matching_folders, [(candidates, live)] if candidates else [], workers, min_tasks=1) as results:
        yield lambda: results()[0] if candidates else {}


def reuse_budgets(plan: Plan, previous: dict[str, Any], live: Path, writer: SiteWriter, stats: Stats | None,
                  matching: dict[str, list[str]]) -> dict[str, list[str]]:
    """The files of the budgets whose inputs did not change, kept from the live site; `matching`, made by
    `unchanged_budgets_listed`, spares the walk over their folders."""
    return reuse_units("budgets", plan_budget_keys(plan), previous, live, writer, stats, matching)


def render_stage(config: SiteConfig, plan: Plan, validated: Validated, store: cache.ResultStore,
                 indexer: Indexer, previous: dict[str, Any], workers: int, reused_budgets: dict[str, list[str]],
                 stats: Stats | None = None) -> Rendered:
    """Render into the indexer's writer what `reuse_budgets` did not keep; the department shards' search
    indexes start as soon as their pages are there."""
    writer = indexer.writer
    staged = writer.root
    budget_keys = {s.slug: budget_key(plan, validated.keys[s.slug]) for s in validated.summaries}
    budgets, fresh_budgets = render_units("budgets", [
        Unit(s.slug, budget_keys[s.slug], (config, store.folder, validated.keys[s.slug], staged))
        for s in validated.summaries], reused_budgets, writer, render_budget, workers, stats)
    depts = publishers(validated.summaries, kind_order(catalogue_of(config)))
    dept_keys = {d.id: cache.combine(plan.site_key, *(budget_keys[b.slug] for b in d.documents)) for d in depts}
    reused_depts = reuse_units("departments", dept_keys, previous, config.output, writer, stats)
    dept_files, fresh_depts = render_units("departments", [
        Unit(d.id, dept_keys[d.id], (config, store.folder, d, validated.keys, staged)) for d in depts],
        reused_depts, writer, render_department, workers, stats)
    owned = {p for unit in (budgets, dept_files) for paths in unit.values() for p in paths}
    count = shard_count(sum(1 for p in owned if p.endswith(".html")))
    shards: dict[str, str] = {}
    for d in depts:
        shard = search_shard(d.id, count)
        shards[shard] = cache.combine(shards.get(shard, ""), dept_keys[d.id])
    with timed(stats, "search index: departments handed over (wall)"):  # indexed while the rest renders
        kept_shards = index_shards(indexer, department_shard_pages(validated.summaries, budgets, dept_files, count),
                                   shards, config.output, previous)
    fresh = [f for unit, names in ((budgets, fresh_budgets), (dept_files, fresh_depts)) for name in sorted(names)
             for f in unit[name] if f.endswith(".html")]
    before = set(writer.written)
    with timed(stats, "site-wide pages (wall)"):
        sources = (store.folder, [validated.keys[s.slug] for s in validated.summaries])
        kept = Kept(previous.get("site", {}), config.output) if previous else None
        site_wide = write_site_wide(writer, validated.summaries, sources, tuple(sorted(shards)) + SITE_SHARDS,
                                    config, owned, workers, plan.site_key, kept)
    with timed(stats, "corpus-wide amounts (wall)"):
        parts = (store.load_part(validated.keys[s.slug]) for s in validated.summaries)
        write_corpus(writer, validated.summaries, parts, config, owned)
    fresh += sorted(p for p in writer.written - before - site_wide.kept if p.endswith(".html"))
    for shard in SITE_SHARDS:
        shards[shard] = indexed_digest([p for p in site_wide.indexed if site_shard(p) == shard], writer.source)
    keys = {"budgets": budget_keys, "departments": dept_keys}
    return Rendered(budgets, dept_files, shards, keys, fresh, len(budgets) - len(fresh_budgets),
                    site_wide.indexed, site_wide.keys, kept_shards)


# --- 4. check, index, publish ----------------------------------------------------------------------------

def index_shards(indexer: Indexer, pages: dict[str, list[str]], keys: dict[str, str], live: Path,
                 previous: dict[str, Any]) -> int:
    """Start the index of each shard in `pages` whose key changed; keep the others' from the live site (the
    site-wide ones by what Pagefind reads of their pages, rendered every build). Returns how many were kept.
    One Pagefind index per shard of departments, plus one for the code pages and one for the other site-wide
    pages; the browser merges the shards when it searches."""
    carried = 0
    for shard, files in sorted(pages.items()):
        folder = f"{OUTPUT}/{shard}"
        old = live / folder
        if previous.get("shards", {}).get(shard) == keys.get(shard) and (old / "pagefind.js").is_file():
            index = files_below(live, folder)
            if index is not None:
                indexer.writer.keep(folder, old, index)
                carried += 1
                continue
        indexer.start(shard, files)
    return carried


def department_shard_pages(summaries: list[BudgetSummary], budgets: dict[str, list[str]],
                           departments: dict[str, list[str]], count: int) -> dict[str, list[str]]:
    """The HTML pages of budgets and departments in each department shard."""
    pages: dict[str, list[str]] = {}
    dept_of = {s.slug: s.department_id for s in summaries}
    for slug, files in budgets.items():
        pages.setdefault(search_shard(dept_of[slug], count), []).extend(f for f in files if f.endswith(".html"))
    for dept, files in departments.items():
        pages.setdefault(search_shard(dept, count), []).extend(f for f in files if f.endswith(".html"))
    return pages


def site_shard_pages(rendered: Rendered) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {shard: [] for shard in SITE_SHARDS}
    for page in rendered.site_wide:
        pages[site_shard(page)].append(page)
    return pages


def manifest(config: SiteConfig, plan: Plan, validated: Validated, rendered: Rendered) -> dict[str, Any]:
    """What the next build needs of this one; the findings and the count of checks too, so that an
    up-to-date build reports them without reading every budget's brief."""
    return {"output": str(config.output), "build": plan.build_key, "shards": rendered.shards,
            "site": rendered.site_keys,
            "findings": [dataclasses.asdict(f) for f in validated.findings], "checks": validated.checks,
            **{kind: {name: {"key": rendered.keys[kind][name], "files": paths} for name, paths in files.items()}
               for kind, files in (("budgets", rendered.budgets), ("departments", rendered.departments))}}
