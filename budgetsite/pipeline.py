"""build(config): validate every dataset, render every page and download, check the result, publish.

Read top to bottom: nothing is written to the live site until every stage has succeeded; a failure at
any point leaves the previous `site/` exactly as it was.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import export, urls
from .config import SiteConfig
from .i18n import key_differences, load_catalogs
from .linkcheck import broken_links
from .metadata import dcat_catalog
from .model import Budget, ValidationResult
from .pages import site_pages
from .render import make_environment, render_page
from .search import SearchIndexError, build_index
from .validate import report_json, validate_all
from .writer import SiteWriter, publish, staging

ASSETS = ("style.css", "search.js", "favicon.svg")


class BuildFailed(Exception):
    pass


def build(config: SiteConfig, strict: bool = False) -> int:
    from .cli import print_findings

    results, reference_findings = validate_all(config.datasets, config.reference)
    status = print_findings(results, reference_findings, strict)
    if status:
        print("build stopped: nothing was published; the previous site is unchanged", file=sys.stderr)
        return status
    try:
        with staging(config.output) as tmp:
            writer = SiteWriter(tmp)
            write_site(writer, results, config)
            index_summary = build_index(tmp, config.root)
            problems = broken_links(tmp, config.base_path)
            if problems:
                raise BuildFailed("broken links:\n  " + "\n  ".join(problems[:50]))
            publish(tmp, config.output)
    except (BuildFailed, SearchIndexError) as exc:
        print(f"error: {exc}\nbuild stopped: the previous site is unchanged", file=sys.stderr)
        return 1
    except Exception as exc:  # any other failure: report it, keep the previous site, never a traceback
        print(f"error: the build failed while rendering: {type(exc).__name__}: {exc}\n"
              "build stopped: the previous site is unchanged", file=sys.stderr)
        return 1
    pages = sum(1 for p in writer.written if p.endswith(".html"))
    print(f"built {pages} pages and {len(writer.written) - pages} other files into {config.output}; "
          f"search: {index_summary}")
    return 0


def write_site(writer: SiteWriter, results: list[ValidationResult], config: SiteConfig) -> None:
    catalogs = load_catalogs(config.i18n, urls.LANGS)
    missing = key_differences(catalogs)
    if missing:
        raise BuildFailed("UI string catalogs differ: " + "; ".join(
            f"i18n/{lang}.toml lacks {', '.join(sorted(keys))}" for lang, keys in sorted(missing.items())))
    env = make_environment(config.templates)
    pages = site_pages(results, config.build_epoch, config.site_url)
    for page in pages:
        writer.write_text(urls.file_of(page.path), render_page(env, page, catalogs, config))
    for name in ASSETS:
        writer.write_bytes(f"assets/{name}", (config.templates / "assets" / name).read_bytes())
    budgets = [r.budget for r in results if r.budget]
    for result in results:
        if result.budget:
            write_downloads(writer, result.budget, result, config.build_epoch)
    write_json(writer, urls.CATALOG, dcat_catalog(budgets, config.site_url, config.build_epoch))
    writer.write_text(urls.SITEMAP, sitemap(pages, config))
    writer.write_text(urls.ROBOTS, f"User-agent: *\nAllow: /\nSitemap: {config.site_url}{urls.SITEMAP}\n")


def write_downloads(writer: SiteWriter, budget: Budget, result: ValidationResult, epoch: int) -> None:
    files = export.package_files(budget)
    for rel, data in files:
        writer.write_bytes(urls.package_file(budget.slug, rel), data)
    english = {str(r["zh"]): str(r["en"]) for r in budget.resources["translations"].rows} \
        if "translations" in budget.resources else {}
    errata = export.errata_index(budget)
    for name, resource in sorted(budget.resources.items()):
        writer.write_bytes(urls.json_file(budget.slug, name), export.resource_json(budget, resource, english, errata))
        writer.write_bytes(urls.excel_csv(budget.slug, name), export.excel_csv(resource))
    for table in budget.tables:
        writer.write_bytes(urls.xlsx(budget.slug, table.id), export.xlsx(budget, table, epoch))
    report = report_json(result).encode("utf-8")
    writer.write_bytes(urls.quality_report(budget.slug), report)
    writer.write_bytes(urls.bundle(budget.slug), export.bundle(files + [("quality.json", report)], epoch))


def write_json(writer: SiteWriter, path: str, data: object) -> None:
    writer.write_text(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def sitemap(pages, config: SiteConfig) -> str:
    from .metadata import iso_date

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in sorted(pages, key=lambda p: p.path):
        if page.path == urls.NOT_FOUND:
            continue
        loc = urls.absolute(config.site_url, page.path).replace("&", "&amp;")
        lines.append(f"  <url><loc>{loc}</loc><lastmod>{iso_date(config.build_epoch)}</lastmod></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def site_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())
