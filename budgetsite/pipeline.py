"""build(config): validate every dataset, render every page and download, check the result, publish.

Read top to bottom:

1. plan: hash every input (datasets, reference data, templates, catalogs, code, settings);
2. validate: datasets whose hash is new are validated (in a process pool when there are several), the
   others come from the result store; any error stops the build before `site/` is touched;
3. render into a staging folder beside `site/` (units.py): a budget or department whose inputs did not
   change since the last build keeps its folders of the live site (incremental.py), the others are
   rendered in a pool; the site-wide pages and the corpus-wide amounts (sitewide.py) every time;
4. check the staged tree (links of everything rendered now), index it for search, move the kept folders
   in and swap it in.

A failure at any point leaves the previous `site/` exactly as it was. Nothing holds the whole corpus in
memory: site-wide pages use small summaries, and each budget's full result is loaded when it is rendered.
Every file of the new tree is written, linked or kept by one SiteWriter (writer.py).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cache, corpus
from .catalogue import Catalogue, load_catalogue
from .classified import coded_lines
from .config import SiteConfig
from .directory import publishers
from .figures import key_figures
from .incremental import Unit, files_below, read_manifest, render_units, write_manifest
from .linkcheck import broken_links
from .load import discover
from .model import BudgetSummary, Finding, ResourceSummary, ValidationResult
from .pages import kind_order
from .pool import run_tasks
from .search import (
    OUTPUT,
    SITE_SHARDS,
    SearchIndexError,
    build_index,
    indexed_digest,
    search_shard,
    shard_count,
    site_shard,
)
from .sitewide import Kept, write_corpus, write_site_wide
from .timing import Stats, timed
from .timing import merge as merge_stats
from .units import BuildFailed, catalogue_of, render_budget, render_department
from .validate import exit_status, load_reference, validate_budget
from .writer import SiteWriter, discard, publish, staging

# --- 1. plan ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    folders: tuple[Path, ...]
    keys: dict[str, str]  # dataset folder name -> validation key (dataset + reference + code)
    site_key: str  # everything a page depends on besides its own budget
    build_key: str  # the whole build: equal keys give an identical site


def plan_build(config: SiteConfig, hashes: cache.FileHashes | None = None) -> Plan:
    code = cache.code_digest()
    reference = cache.digest_tree(config.reference, hashes)
    folders = tuple(discover(config.datasets))
    keys = {f.name: cache.combine(code, reference, cache.digest_tree(f, hashes)) for f in folders}
    site_key = cache.combine(code, cache.digest_tree(config.templates, hashes), cache.digest_tree(config.i18n, hashes),
                             config.site_url, config.base_path, str(config.build_epoch))
    build_key = cache.combine(site_key, *(f"{k}={v}" for k, v in sorted(keys.items())))
    return Plan(folders, keys, site_key, build_key)


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
    return BudgetSummary(
        slug=b.slug, department_id=b.department_id, department=b.department, region=b.region, year=b.year,
        document=b.document, title=b.title, description=b.description, licence=dict(b.licence), keywords=keywords,
        total=figures.total,
        resources=tuple(ResourceSummary(r.name, r.path, r.title) for r in b.resources.values()),
        region_id=b.region_id, figures=figures, lines=coded_lines(b, catalogue),
    )


@dataclass(frozen=True)
class Validated:
    findings: list[Finding]
    checks: int
    summaries: list[BudgetSummary]
    keys: dict[str, str]  # slug -> result key, for budgets that loaded


def validate_stage(config: SiteConfig, plan: Plan, store: cache.ResultStore, workers: int,
                   stats: Stats | None = None) -> Validated:
    reference_findings = list(load_reference(config.reference).findings)
    stale = [(f, config.reference, store.folder, plan.keys[f.name]) for f in plan.folders
             if not store.has(plan.keys[f.name])]
    for worker_stats in run_tasks(_validate_into_store, stale, workers):
        merge_stats(stats, worker_stats)
    findings, summaries, keys, checks = list(reference_findings), [], {}, 0
    for folder in plan.folders:
        brief = store.load_brief(plan.keys[folder.name])
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
    shard_count: int  # department shards (search.shard_count)
    keys: dict[str, dict[str, str]]  # "budgets"/"departments" -> name -> the key its files were rendered for
    fresh: list[str]  # HTML files rendered in this run, not linked from the last (the link check reads these)
    reused: int  # budgets linked from the previous site
    site_wide: list[str]  # the site-wide pages search indexes (home, regions, comparisons, codes, ...)
    site_keys: dict[str, str]  # site-wide page -> the key it was rendered for, where it has one


def render_stage(config: SiteConfig, plan: Plan, validated: Validated, store: cache.ResultStore,
                 writer: SiteWriter, previous: dict[str, Any], workers: int, stats: Stats | None = None) -> Rendered:
    staged = writer.root
    budget_keys = {s.slug: cache.combine(plan.site_key, validated.keys[s.slug]) for s in validated.summaries}
    budgets, fresh_budgets = render_units("budgets", [
        Unit(s.slug, budget_keys[s.slug], (config, store.folder, validated.keys[s.slug], staged))
        for s in validated.summaries], previous, config.output, writer, render_budget, workers, stats)
    depts = publishers(validated.summaries, kind_order(catalogue_of(config)))
    dept_keys = {d.id: cache.combine(plan.site_key, *(budget_keys[b.slug] for b in d.documents)) for d in depts}
    dept_files, fresh_depts = render_units("departments", [
        Unit(d.id, dept_keys[d.id], (config, store.folder, d, validated.keys, staged)) for d in depts],
        previous, config.output, writer, render_department, workers, stats)
    owned = {p for unit in (budgets, dept_files) for paths in unit.values() for p in paths}
    count = shard_count(sum(1 for p in owned if p.endswith(".html")))
    shards: dict[str, str] = {}
    for d in depts:
        shard = search_shard(d.id, count)
        shards[shard] = cache.combine(shards.get(shard, ""), dept_keys[d.id])
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
        shards[shard] = indexed_digest(staged, [p for p in site_wide.indexed if site_shard(p) == shard])
    keys = {"budgets": budget_keys, "departments": dept_keys}
    return Rendered(budgets, dept_files, shards, count, keys, fresh, len(budgets) - len(fresh_budgets),
                    site_wide.indexed, site_wide.keys)


# --- 4. check, index, publish ----------------------------------------------------------------------------

def index_shards(writer: SiteWriter, validated: Validated, rendered: Rendered, live: Path,
                 previous: dict[str, Any]) -> str:
    """One Pagefind index per shard of departments, plus one for the code pages and one for the other
    site-wide pages. A shard whose pages did not change is kept from the live site (the site-wide ones by
    what Pagefind reads of their pages, rendered every build); the browser merges the shards when it
    searches."""
    pages: dict[str, list[str]] = {shard: [] for shard in SITE_SHARDS}
    for page in rendered.site_wide:
        pages[site_shard(page)].append(page)
    dept_of = {s.slug: s.department_id for s in validated.summaries}
    for slug, files in rendered.budgets.items():
        pages.setdefault(search_shard(dept_of[slug], rendered.shard_count), []).extend(
            f for f in files if f.endswith(".html"))
    for dept, files in rendered.departments.items():
        pages.setdefault(search_shard(dept, rendered.shard_count), []).extend(f for f in files if f.endswith(".html"))
    done, carried = [], 0
    for shard, files in sorted(pages.items()):
        folder = f"{OUTPUT}/{shard}"
        old = live / folder
        if previous.get("shards", {}).get(shard) == rendered.shards.get(shard) and (old / "pagefind.js").is_file():
            index = files_below(live, folder)
            if index is not None:
                writer.keep(folder, old, index)
                carried += 1
                continue
        done.append(build_index(writer, files, shard))
    return f"{len(done)} shard(s) indexed, {carried} carried over" + (f"; {done[-1]}" if done else "")


def manifest(config: SiteConfig, plan: Plan, validated: Validated, rendered: Rendered) -> dict[str, Any]:
    """What the next build needs of this one; the findings and the count of checks too, so that an
    up-to-date build reports them without reading every budget's brief."""
    return {"output": str(config.output), "build": plan.build_key, "shards": rendered.shards,
            "site": rendered.site_keys,
            "findings": [dataclasses.asdict(f) for f in validated.findings], "checks": validated.checks,
            **{kind: {name: {"key": rendered.keys[kind][name], "files": paths} for name, paths in files.items()}
               for kind, files in (("budgets", rendered.budgets), ("departments", rendered.departments))}}


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the command line to print: the findings, then one line of outcome."""

    status: int  # the exit status: 0 published or up to date, 1 stopped
    findings: tuple[Finding, ...]
    datasets: int
    checks: int
    outcome: str  # what was published, or why nothing was (to stderr when status is not 0)


def build(config: SiteConfig, strict: bool = False, use_cache: bool = True, workers: int | None = None,
          stats: Stats | None = None) -> BuildReport:
    """`stats`, when given, receives seconds per stage (see bench/run.py)."""
    workers = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="budgetsite-") as scratch:
        cache_dir = config.root / ".cache" if use_cache else Path(scratch)
        store = cache.ResultStore(cache_dir / "results")
        with timed(stats, "plan: hash inputs (wall)"):
            hashes = cache.FileHashes(cache_dir / "file-hashes.pickle" if use_cache else None)
            plan = plan_build(config, hashes)
            hashes.save()
        previous = read_manifest(cache_dir, config.output) if use_cache else {}
        with timed(stats, "validate (wall)"):
            if previous.get("build") == plan.build_key and "findings" in previous:  # same inputs, same findings
                validated = Validated([Finding(**f) for f in previous["findings"]], previous["checks"], [], {})
            else:
                validated = validate_stage(config, plan, store, workers, stats)  # unchanged: only cached briefs

        def report(status: int, outcome: str) -> BuildReport:
            return BuildReport(status, tuple(validated.findings), len(plan.folders), validated.checks, outcome)

        if exit_status(validated.findings, strict):
            return report(1, "build stopped: nothing was published; the previous site is unchanged")
        if previous.get("build") == plan.build_key:
            return report(0, f"site is up to date ({len(plan.folders)} dataset(s) unchanged): {config.output}")
        try:
            with staging(config.output) as staged:
                writer = SiteWriter(staged)
                rendered = render_stage(config, plan, validated, store, writer, previous, workers, stats)
                with timed(stats, "link check (wall)"):
                    problems = broken_links(staged, config.base_path, only=rendered.fresh, tree=writer)
                if problems:
                    raise BuildFailed("broken links:\n  " + "\n  ".join(problems[:50]))
                with timed(stats, "search index (wall)"):
                    index_summary = index_shards(writer, validated, rendered, config.output, previous)
                with timed(stats, "publish (wall)"):
                    replaced = publish(writer, config.output)
        except (BuildFailed, SearchIndexError) as exc:
            return report(1, f"error: {exc}\nbuild stopped: the previous site is unchanged")
        except Exception as exc:  # any other failure: report it, keep the previous site, never a traceback
            return report(1, f"error: the build failed while rendering: {type(exc).__name__}: {exc}\n"
                             "build stopped: the previous site is unchanged")
        if use_cache:
            write_manifest(cache_dir, manifest(config, plan, validated, rendered))
        discard(replaced, wait=not use_cache)
    count = len(validated.summaries)
    return report(0, f"built {count} budget(s) into {config.output}: {count - rendered.reused} rendered, "
                     f"{rendered.reused} unchanged and reused, {len(rendered.fresh)} pages written; "
                     f"search: {index_summary}")
