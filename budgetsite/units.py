"""Rendering one unit into the staged tree: a budget (its pages and downloads) or a department (its pages
and comparisons). These run in worker processes: each builds its Jinja environment once and loads the
budgets it needs from the result store."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import cache, export, urls
from .catalogue import Catalogue, load_catalogue
from .config import SiteConfig
from .directory import Publisher
from .i18n import UI, Catalog, key_differences, load_catalogs
from .model import UNITS, Budget, ValidationResult
from .pages import budget_pages, department_pages
from .render import make_environment, render_page
from .timing import Stats, timed
from .validate import report_json
from .writer import SiteWriter


class BuildFailed(Exception):
    pass


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
        _ENV[key] = (make_environment(config.templates, compiled_templates(config.root / ".cache" / "templates")),
                     catalogs)
    return _ENV[key]


def compiled_templates(folder: Path) -> Path:
    """Where this version of the code keeps its compiled templates: Jinja checks a compiled template against
    its source, not against the settings it was compiled with, which live in our code. Other versions' are
    removed when this one's is made."""
    own = folder / cache.code_digest()[:16]
    if not own.is_dir():
        if folder.is_dir():
            for old in folder.iterdir():
                if old.name != own.name:  # another process may be making this one now
                    shutil.rmtree(old, ignore_errors=True)
        own.mkdir(parents=True, exist_ok=True)
    return own


def ui(config: SiteConfig) -> UI:
    return UI(environment(config)[1])


def catalogue_of(config: SiteConfig) -> Catalogue:
    return load_catalogue(config.reference.resolve())


def write_pages(writer: SiteWriter, pages: Iterable[Any], config: SiteConfig) -> None:
    env, catalogs = environment(config)
    for page in pages:
        writer.write_text(urls.file_of(page.path), render_page(env, page, catalogs, config))


def render_budget(config: SiteConfig, store_dir: Path, key: str, staged: Path) -> tuple[set[str], Stats]:
    """Worker: every page and download of one budget, written into the staged tree."""
    stats: Stats = {}
    with timed(stats, "load result"):
        result = cache.ResultStore(store_dir).load(key)
    if result.budget is None:
        raise BuildFailed(f"{result.dataset}: the stored result has no budget to render")
    writer = SiteWriter(staged)
    with timed(stats, "pages"):
        write_pages(writer, budget_pages(result, config.build_epoch, config.site_url, catalogue_of(config),
                                         ui(config)), config)
    with timed(stats, "downloads"):
        write_downloads(writer, result.budget, result, config.build_epoch, catalogue_of(config))
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
    writer.write_bytes(urls.workbook(budget.slug), export.workbook(budget, epoch))
    report_bytes = report_json(result).encode("utf-8")
    writer.write_bytes(urls.quality_report(budget.slug), report_bytes)
    writer.write_bytes(urls.bundle(budget.slug), export.bundle(files + [("quality.json", report_bytes)], epoch))


def render_department(config: SiteConfig, store_dir: Path, department: Publisher, keys: dict[str, str],
                      staged: Path) -> set[str]:
    """Worker: a publisher's page and its year-over-year comparisons."""
    store = cache.ResultStore(store_dir)

    def load(slug: str) -> Budget:
        budget = store.load(keys[slug]).budget
        assert budget is not None
        return budget

    writer = SiteWriter(staged)
    write_pages(writer, department_pages(department, load, ui(config), catalogue_of(config)), config)
    return writer.written
