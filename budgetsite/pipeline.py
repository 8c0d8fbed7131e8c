"""build(config): validate every dataset, render every page and download, check the result, publish.

Read top to bottom:

1. plan: hash every input (datasets, reference data, templates, catalogs, code, settings);
2. validate, with a staging folder beside `site/` open: datasets whose hash is new are validated in worker
   processes, the others' briefs come from the result store; meanwhile a budget whose inputs did not change
   since the last build keeps its folders of the live site (listed by another worker, incremental.py); any
   error stops the build before `site/` is touched;
3. render into the staging folder (units.py): a department whose inputs did not change keeps its folders
   too, the other budgets and departments are rendered in a pool; the department shards of the search
   index start in a thread as soon as their pages are there (search.Indexer); then the site-wide pages and
   the corpus-wide amounts (sitewide.py);
4. check the staged tree (links of everything rendered now), index the site-wide pages for search, wait
   for the indexes, move the kept folders in and swap it in.

A failure at any point leaves the previous `site/` exactly as it was. Nothing holds the whole corpus in
memory: site-wide pages use small summaries, and each budget's full result is loaded when it is rendered.
Every file of the new tree is written, linked or kept by one SiteWriter (writer.py).

This module plans the build and decides whether there is anything to do; the stages that do the work are
in stages.py, imported only then (with them come frictionless, Jinja2 and the rest), so that a build with
nothing to do takes a fraction of a second.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .config import SiteConfig
from .findings import exit_status
from .incremental import forget_manifest, read_manifest, write_manifest
from .linkcheck import broken_links
from .model import BudgetSummary, Finding
from .paths import discover
from .timing import Stats, timed
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
    # The reference too: a page keyed on part of a document (a code's rows) still names table kinds and terms.
    site_key = cache.combine(code, reference, cache.digest_tree(config.templates, hashes),
                             cache.digest_tree(config.i18n, hashes), config.site_url, config.base_path,
                             str(config.build_epoch))
    build_key = cache.combine(site_key, *(f"{k}={v}" for k, v in sorted(keys.items())))
    return Plan(folders, keys, site_key, build_key)


# --- 2 to 4: validate, render, check, index and publish (stages.py) ---------------------------------------

@dataclass(frozen=True)
class Validated:
    """What validation hands to rendering."""

    findings: list[Finding]
    checks: int
    summaries: list[BudgetSummary]
    keys: dict[str, str]  # slug -> result key, for budgets that loaded


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the command line to print: the findings, then one line of outcome."""

    status: int  # the exit status: 0 published or up to date, 1 stopped
    findings: tuple[Finding, ...]
    datasets: int
    checks: int
    outcome: str  # what was published, or why nothing was (to stderr when status is not 0)


STOPPED = "build stopped: nothing was published; the previous site is unchanged"


def up_to_date(plan: Plan, config: SiteConfig) -> str:
    return f"site is up to date ({len(plan.folders)} dataset(s) unchanged): {config.output}"


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
        if previous.get("build") == plan.build_key and "findings" in previous:  # same inputs, same findings
            findings = [Finding(**f) for f in previous["findings"]]
            status = exit_status(findings, strict)
            return BuildReport(status, tuple(findings), len(plan.folders), previous["checks"],
                               STOPPED if status else up_to_date(plan, config))
        # Only a build with work to do imports the stages, and with them frictionless, Jinja2 and the rest.
        from . import stages
        from .search import Indexer, SearchIndexError
        from .units import BuildFailed

        validated: Validated | None = None

        def report(status: int, outcome: str) -> BuildReport:
            if validated is None:  # it stopped before every dataset was validated
                return BuildReport(status, (), len(plan.folders), 0, outcome)
            return BuildReport(status, tuple(validated.findings), len(plan.folders), validated.checks, outcome)

        try:
            with staging(config.output) as staged, Indexer(SiteWriter(staged)) as indexer:
                writer = indexer.writer
                # The changed datasets validate in a worker process and another lists the unchanged budgets'
                # live folders, while this one reads the stored briefs and then keeps those budgets.
                reused: dict[str, list[str]] = {}

                def keep_unchanged_budgets() -> None:
                    reused.update(stages.reuse_budgets(plan, previous, config.output, writer, stats, listed()))

                with (timed(stats, "validate (wall)"), stages.validation(config, plan, store, workers, stats) as done,
                      stages.unchanged_budgets_listed(plan, previous, config.output, workers) as listed):
                    validated = done(keep_unchanged_budgets)
                if exit_status(validated.findings, strict):
                    return report(1, STOPPED)
                if previous.get("build") == plan.build_key:
                    return report(0, up_to_date(plan, config))
                rendered = stages.render_stage(config, plan, validated, store, indexer, previous, workers, reused,
                                               stats)
                with timed(stats, "link check (wall)"):
                    problems = broken_links(staged, config.base_path, only=rendered.fresh, tree=writer)
                if problems:
                    raise BuildFailed("broken links:\n  " + "\n  ".join(problems[:50]))
                with timed(stats, "search index (wall)"):
                    carried = rendered.kept_shards + stages.index_shards(
                        indexer, stages.site_shard_pages(rendered), rendered.shards, config.output, previous)
                    indexed = indexer.finish()
                with timed(stats, "publish (wall)"):
                    replaced = publish(writer, config.output)
        except (BuildFailed, SearchIndexError) as exc:
            return report(1, f"error: {exc}\nbuild stopped: the previous site is unchanged")
        except Exception as exc:  # any other failure: report it, keep the previous site, never a traceback
            stage = "while rendering" if validated is not None else "before rendering"
            return report(1, f"error: the build failed {stage}: {type(exc).__name__}: {exc}\n"
                             "build stopped: the previous site is unchanged")
        if use_cache:
            write_manifest(cache_dir, stages.manifest(config, plan, validated, rendered))
            store.prune(set(plan.keys.values()))
        else:  # the cached build's manifest no longer describes the site: it must not keep anything of it
            forget_manifest(config.root / ".cache", config.output)
        discard(replaced, wait=not use_cache)
    count = len(validated.summaries)
    return report(0, f"built {count} budget(s) into {config.output}: {count - rendered.reused} rendered, "
                     f"{rendered.reused} unchanged and reused, {len(rendered.fresh)} pages written; "
                     f"search: {len(indexed)} shard(s) indexed, {carried} carried over"
                     + (f"; {indexed[-1]}" if indexed else ""))
