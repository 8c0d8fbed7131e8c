"""build(config): validate every dataset, render every page and download, check the result, publish.

Read top to bottom:

1. plan: hash every input (datasets, reference data, templates, catalogs, code, settings);
2. validate: datasets whose hash is new are validated (in a process pool when there are several), the
   others come from the result store; any error stops the build before `site/` is touched;
3. render into a staging folder beside `site/`: a budget whose inputs did not change since the last build
   has its files hard-linked from the live site, the others are rendered (in a pool when there are
   several); site-wide pages (home, indexes, departments, catalog, sitemap) are rendered every time;
4. check the staged tree (links of everything rendered now), index it for search, then swap it in.

A failure at any point leaves the previous `site/` exactly as it was. Nothing holds the whole corpus in
memory: site-wide pages use small summaries, and each budget's full result is loaded when it is rendered.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cache, corpus, export, urls
from .catalogue import Catalogue, load_catalogue
from .classified import coded_lines
from .config import SiteConfig
from .directory import Publisher, publishers
from .figures import key_figures
from .i18n import UI, Catalog, key_differences, load_catalogs
from .linkcheck import broken_links
from .load import discover
from .metadata import dcat_catalog, iso_date
from .model import UNITS, Budget, BudgetSummary, Finding, ResourceSummary, ValidationResult
from .pages import budget_pages, department_pages, kind_order, site_pages
from .render import make_environment, render_page
from .search import OUTPUT, SITE_SHARD, SearchIndexError, build_index, search_shard, shard_count
from .timing import Stats, timed
from .timing import merge as merge_stats
from .validate import load_reference, report_findings, report_json, validate_budget
from .writer import SiteWriter, discard, publish, staging

ASSETS = ("style.css", "search.js", "favicon.svg")
MANIFEST = "manifest.json"
POOL_MIN_TASKS = 4  # below this, a process pool costs more than it saves


class BuildFailed(Exception):
    pass


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


def run_tasks(function: Callable[..., Any], tasks: list[tuple[Any, ...]], workers: int) -> list[Any]:
    if len(tasks) < POOL_MIN_TASKS or workers < 2:
        return [function(*task) for task in tasks]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, *zip(*tasks, strict=True), chunksize=max(1, len(tasks) // (workers * 8))))


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


def report(validated: Validated, datasets: int, strict: bool) -> int:
    return report_findings(validated.findings, datasets, validated.checks, strict)


# --- 3. render -------------------------------------------------------------------------------------------

_ENV: dict[tuple[str, str], tuple[Any, dict[str, Catalog]]] = {}


def environment(config: SiteConfig) -> tuple[Any, dict[str, Catalog]]:
    """One Jinja environment and catalog set per process (workers build their own once)."""
    key = (str(config.templates), str(config.i18n))
    if key not in _ENV:
        catalogs = load_catalogs(config.i18n, urls.LANGS)
        missing = key_differences(catalogs)
        if missing:
            raise BuildFailed("UI string catalogs differ: " + "; ".join(
                f"i18n/{lang}.toml lacks {', '.join(sorted(keys))}" for lang, keys in sorted(missing.items())))
        _ENV[key] = (make_environment(config.templates), catalogs)
    return _ENV[key]


def ui(config: SiteConfig) -> UI:
    return UI(environment(config)[1])


def write_pages(writer: SiteWriter, pages: Iterable[Any], config: SiteConfig) -> None:
    env, catalogs = environment(config)
    for page in pages:
        writer.write_text(urls.file_of(page.path), render_page(env, page, catalogs, config))


def render_budget(config: SiteConfig, store_dir: Path, key: str, staged: Path) -> tuple[dict[str, int], Stats]:
    """Worker: every page and download of one budget, written into the staged tree."""
    stats: Stats = {}
    with timed(stats, "load result"):
        result = cache.ResultStore(store_dir).load(key)
    if result.budget is None:
        raise BuildFailed(f"{result.dataset}: the stored result has no budget to render")
    writer = SiteWriter(staged)
    with timed(stats, "pages"):
        write_pages(writer, budget_pages(result, config.build_epoch, config.site_url,
                                         load_catalogue(config.reference.resolve()), ui(config)), config)
    with timed(stats, "downloads"):
        write_downloads(writer, result.budget, result, config.build_epoch, load_catalogue(config.reference.resolve()))
    return writer.written, stats


def write_downloads(writer: SiteWriter, budget: Budget, result: ValidationResult, epoch: int,
                    catalogue: Catalogue) -> None:
    files = export.package_files(budget)
    units = {u: catalogue.unit_name(u).en for u in UNITS}
    for rel, data in files:
        writer.write_bytes(urls.package_file(budget.slug, rel), data)
    errata = export.errata_index(budget)
    for name, resource in sorted(budget.resources.items()):
        writer.write_bytes(urls.json_file(budget.slug, name), export.resource_json(budget, resource, errata, units))
        writer.write_bytes(urls.excel_csv(budget.slug, name), export.excel_csv(resource))
    for table in budget.tables:
        writer.write_bytes(urls.xlsx(budget.slug, table.id), export.xlsx(budget, table, epoch))
    report_bytes = report_json(result).encode("utf-8")
    writer.write_bytes(urls.quality_report(budget.slug), report_bytes)
    writer.write_bytes(urls.bundle(budget.slug), export.bundle(files + [("quality.json", report_bytes)], epoch))


def reuse(entries: dict[str, Any], name: str, key: str, live: Path, staged: Path) -> list[str] | None:
    """Hard-link a unit's files (a budget's, a department's) from the live site when nothing it depends on
    changed; None otherwise."""
    entry = entries.get(name)
    if not entry or entry.get("key") != key or not all((live / f).is_file() for f in entry["files"]):
        return None
    for f in entry["files"]:
        link_or_copy(live / f, staged / f)
    return list(entry["files"])


def link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: copy instead
        target.write_bytes(source.read_bytes())


def render_department(config: SiteConfig, store_dir: Path, department: Publisher, keys: dict[str, str],
                      staged: Path) -> dict[str, int]:
    """Worker: a publisher's page and its year-over-year comparisons."""
    store = cache.ResultStore(store_dir)

    def load(slug: str) -> Budget:
        budget = store.load(keys[slug]).budget
        assert budget is not None
        return budget

    writer = SiteWriter(staged)
    write_pages(writer, department_pages(department, load, ui(config), load_catalogue(config.reference.resolve())),
                config)
    return writer.written


@dataclass(frozen=True)
class Unit:
    """Something rendered as a whole and reused as a whole: a budget, or a department's own pages."""

    name: str
    key: str
    task: tuple[Any, ...]


def render_units(kind: str, units: list[Unit], previous: dict[str, Any], config: SiteConfig, staged: Path,
                 function: Callable[..., Any], workers: int, stats: Stats | None
                 ) -> tuple[dict[str, list[str]], set[str]]:
    """Every unit's files, reused or rendered (in a pool when there are several); and the names rendered."""
    files: dict[str, list[str]] = {}
    todo = []
    with timed(stats, f"reuse unchanged {kind} (wall)"):
        for unit in units:
            reused = reuse(previous.get(kind, {}), unit.name, unit.key, config.output, staged)
            if reused is None:
                todo.append(unit)
            else:
                files[unit.name] = reused
    with timed(stats, f"render {kind} (wall)"):
        done = run_tasks(function, [u.task for u in todo], workers)
    for unit, result in zip(todo, done, strict=True):
        written, worker_stats = result if isinstance(result, tuple) else (result, {})
        merge_stats(stats, worker_stats)
        files[unit.name] = sorted(written)
    return files, {u.name for u in todo}


@dataclass(frozen=True)
class Rendered:
    budgets: dict[str, list[str]]  # slug -> the files of that budget
    departments: dict[str, list[str]]  # department id -> its own pages
    shards: dict[str, str]  # search shard -> the key of what it indexes
    shard_count: int  # department shards (search.shard_count)
    keys: dict[str, dict[str, str]]  # "budgets"/"departments" -> name -> the key its files were rendered for
    fresh: list[str]  # HTML files rendered in this run (the link check reads these)
    reused: int  # budgets hard-linked from the previous site
    site_wide: list[str]  # the site-wide pages search indexes (home, regions, comparisons, codes, ...)


def render_stage(config: SiteConfig, plan: Plan, validated: Validated, store: cache.ResultStore, staged: Path,
                 previous: dict[str, Any], workers: int, stats: Stats | None = None) -> Rendered:
    budget_keys = {s.slug: cache.combine(plan.site_key, validated.keys[s.slug]) for s in validated.summaries}
    budgets, fresh_budgets = render_units("budgets", [
        Unit(s.slug, budget_keys[s.slug], (config, store.folder, validated.keys[s.slug], staged))
        for s in validated.summaries], previous, config, staged, render_budget, workers, stats)
    depts = publishers(validated.summaries, kind_order(load_catalogue(config.reference.resolve())))
    dept_keys = {d.id: cache.combine(plan.site_key, *(budget_keys[b.slug] for b in d.documents)) for d in depts}
    dept_files, fresh_depts = render_units("departments", [
        Unit(d.id, dept_keys[d.id], (config, store.folder, d, validated.keys, staged)) for d in depts],
        previous, config, staged, render_department, workers, stats)
    count = shard_count(sum(1 for unit in (budgets, dept_files) for paths in unit.values() for p in paths
                            if p.endswith(".html")))
    shards: dict[str, str] = {}
    for d in depts:
        shard = search_shard(d.id, count)
        shards[shard] = cache.combine(shards.get(shard, ""), dept_keys[d.id])
    fresh = [f for unit, names in ((budgets, fresh_budgets), (dept_files, fresh_depts)) for name in sorted(names)
             for f in unit[name] if f.endswith(".html")]
    writer = SiteWriter(staged)
    owned = {p for unit in (budgets, dept_files) for paths in unit.values() for p in paths}
    with timed(stats, "site-wide pages (wall)"):
        indexed = write_site_wide(writer, validated.summaries, tuple(sorted(shards)) + (SITE_SHARD,), config, owned)
    with timed(stats, "corpus-wide amounts (wall)"):
        write_corpus(writer, validated, store, config, owned)
    fresh += [p for p in writer.written if p.endswith(".html")]
    shards[SITE_SHARD] = cache.digest_files(staged, indexed)
    keys = {"budgets": budget_keys, "departments": dept_keys}
    return Rendered(budgets, dept_files, shards, count, keys, fresh, len(budgets) - len(fresh_budgets), indexed)


def write_site_wide(writer: SiteWriter, summaries: list[BudgetSummary], shards: tuple[str, ...],
                    config: SiteConfig, owned: set[str]) -> list[str]:
    """Writes the pages about the whole corpus and its metadata; returns the files search indexes."""
    site_name = ui(config).text("site.name")
    pages = site_pages(summaries, ui(config), load_catalogue(config.reference.resolve()), shards)
    collisions = sorted({urls.file_of(p.path) for p in pages} & owned)
    if collisions:
        raise BuildFailed(f"a dataset's pages collide with site pages: {', '.join(collisions[:5])}")
    write_pages(writer, pages, config)
    for name in ASSETS:
        writer.write_bytes(f"assets/{name}", (config.templates / "assets" / name).read_bytes())
    write_json(writer, urls.CATALOG, dcat_catalog(summaries, config.site_url, config.build_epoch, site_name))
    robots = "User-agent: *\nAllow: /\n"
    if config.site_url:  # a sitemap lists absolute URLs only
        all_pages = sorted({urls.file_of(p.path) for p in pages} | {f for f in owned if f.endswith("index.html")})
        writer.write_text(urls.SITEMAP, sitemap(all_pages, config))
        robots += f"Sitemap: {urls.absolute(config.site_url, urls.SITEMAP)}\n"
    writer.write_text(urls.ROBOTS, robots)
    return [urls.file_of(p.path) for p in pages if p.context.get("indexed")]


def write_corpus(writer: SiteWriter, validated: Validated, store: cache.ResultStore, config: SiteConfig,
                 owned: set[str]) -> None:
    """Every published amount in one table (corpus.py), for the whole corpus and per region, joined from the
    parts saved when each budget was validated."""
    reserved = sorted(s.slug for s in validated.summaries if s.slug in urls.RESERVED_DATA_NAMES)
    if reserved:
        raise BuildFailed(f"dataset name(s) {', '.join(reserved)} are reserved for the corpus-wide downloads "
                          f"(data/{urls.CORPUS_ALL}/, data/{urls.CORPUS_REGIONS}/): rename the folder")
    parts = (store.load_part(validated.keys[s.slug]) for s in validated.summaries)
    files = corpus.corpus_files(parts, load_catalogue(config.reference.resolve()), config.build_epoch)
    collisions = sorted({path for path, _ in files} & owned)
    if collisions:
        raise BuildFailed(f"a dataset's files collide with the corpus-wide downloads: {', '.join(collisions[:5])}")
    for path, data in files:
        writer.write_bytes(path, data)


def write_json(writer: SiteWriter, path: str, data: object) -> None:
    writer.write_text(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def sitemap(files: list[str], config: SiteConfig) -> str:
    env, _ = environment(config)
    paths = [f.removesuffix("index.html") for f in files if f != urls.NOT_FOUND]
    return env.get_template("sitemap.xml").render(
        urls=[urls.absolute(config.site_url, p) for p in sorted(paths)], lastmod=iso_date(config.build_epoch))


# --- 4. check, index, publish ----------------------------------------------------------------------------

def index_shards(config: SiteConfig, validated: Validated, rendered: Rendered, staged: Path,
                 previous: dict[str, Any]) -> str:
    """One Pagefind index per shard of departments, plus one for the site-wide pages. A shard whose pages
    did not change is carried over (the site-wide one by the bytes of its pages, rendered every build); the
    browser merges the shards when it searches."""
    pages: dict[str, list[str]] = {SITE_SHARD: list(rendered.site_wide)}
    dept_of = {s.slug: s.department_id for s in validated.summaries}
    for slug, files in rendered.budgets.items():
        pages.setdefault(search_shard(dept_of[slug], rendered.shard_count), []).extend(
            f for f in files if f.endswith(".html"))
    for dept, files in rendered.departments.items():
        pages.setdefault(search_shard(dept, rendered.shard_count), []).extend(f for f in files if f.endswith(".html"))
    done, carried = [], 0
    for shard, files in sorted(pages.items()):
        old = config.output / OUTPUT / shard
        if previous.get("shards", {}).get(shard) == rendered.shards.get(shard) and (old / "pagefind.js").is_file():
            for f in sorted(p for p in old.rglob("*") if p.is_file()):
                link_or_copy(f, staged / OUTPUT / shard / f.relative_to(old))
            carried += 1
            continue
        done.append(build_index(staged, files, shard))
    return f"{len(done)} shard(s) indexed, {carried} carried over" + (f"; {done[-1]}" if done else "")


def read_manifest(config: SiteConfig, cache_dir: Path) -> dict[str, Any]:
    path = cache_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if data.get("output") == str(config.output) and config.output.is_dir() else {}


def write_manifest(cache_dir: Path, config: SiteConfig, plan: Plan, rendered: Rendered) -> None:
    data = {"output": str(config.output), "build": plan.build_key, "shards": rendered.shards,
            **{kind: {name: {"key": rendered.keys[kind][name], "files": paths} for name, paths in files.items()}
               for kind, files in (("budgets", rendered.budgets), ("departments", rendered.departments))}}
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    os.replace(tmp, cache_dir / MANIFEST)


def build(config: SiteConfig, strict: bool = False, use_cache: bool = True, workers: int | None = None,
          stats: Stats | None = None) -> int:
    """Returns the exit status. `stats`, when given, receives seconds per stage (see bench/run.py)."""
    workers = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="budgetsite-") as scratch:
        cache_dir = config.root / ".cache" if use_cache else Path(scratch)
        store = cache.ResultStore(cache_dir / "results")
        with timed(stats, "plan: hash inputs (wall)"):
            hashes = cache.FileHashes(cache_dir / "file-hashes.pickle" if use_cache else None)
            plan = plan_build(config, hashes)
            hashes.save()
        previous = read_manifest(config, cache_dir) if use_cache else {}
        with timed(stats, "validate (wall)"):
            validated = validate_stage(config, plan, store, workers, stats)  # unchanged: only cached briefs
        status = report(validated, len(plan.folders), strict)
        if not status and previous.get("build") == plan.build_key:
            print(f"site is up to date ({len(plan.folders)} dataset(s) unchanged): {config.output}")
            return 0
        if status:
            print("build stopped: nothing was published; the previous site is unchanged", file=sys.stderr)
            return status
        try:
            with staging(config.output) as staged:
                rendered = render_stage(config, plan, validated, store, staged, previous, workers, stats)
                with timed(stats, "link check (wall)"):
                    problems = broken_links(staged, config.base_path, only=rendered.fresh)
                if problems:
                    raise BuildFailed("broken links:\n  " + "\n  ".join(problems[:50]))
                with timed(stats, "search index (wall)"):
                    index_summary = index_shards(config, validated, rendered, staged, previous)
                with timed(stats, "publish (wall)"):
                    replaced = publish(staged, config.output)
        except (BuildFailed, SearchIndexError) as exc:
            print(f"error: {exc}\nbuild stopped: the previous site is unchanged", file=sys.stderr)
            return 1
        except Exception as exc:  # any other failure: report it, keep the previous site, never a traceback
            print(f"error: the build failed while rendering: {type(exc).__name__}: {exc}\n"
                  "build stopped: the previous site is unchanged", file=sys.stderr)
            return 1
        if use_cache:
            write_manifest(cache_dir, config, plan, rendered)
        discard(replaced, wait=not use_cache)
    count = len(validated.summaries)
    print(f"built {count} budget(s) into {config.output}: {count - rendered.reused} rendered, {rendered.reused} "
          f"unchanged and reused, {len(rendered.fresh)} pages written; search: {index_summary}")
    return 0
