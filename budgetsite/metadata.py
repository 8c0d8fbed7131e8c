"""Catalog metadata other tools understand: schema.org Dataset, a DCAT catalog, the sitemap. Dicts only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from . import cache, urls
from .corpus import name_and_title
from .model import Budget, BudgetSummary, Table, Text

FORMATS = {"csv": "text/csv", "json": "application/json", "zip": "application/zip", "gz": "application/gzip",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def iso_date(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d")


def publisher(budget: Budget) -> dict[str, Any]:
    return {"@type": "GovernmentOrganization", "name": budget.department.zh,
            "alternateName": budget.department.en}


def dataset_jsonld(budget: Budget, site_url: str, lang: str, epoch: int, table: Table | None = None,
                   table_description: Text | None = None) -> dict[str, Any]:
    """schema.org Dataset for a budget page, or for one table page when `table` (and its description) is given.
    A table is `isPartOf` its document's Dataset and says only what is its own (name, description, licence,
    creator, downloads): repeating the document's coverage, keywords and catalog on each of its table pages
    cost about 1 KB a page. Links are absolute where the site URL is configured, else relative to the page."""
    page = urls.budget(lang, budget.slug) if table is None else urls.table(lang, budget.slug, table.id)

    def abs_(path: str) -> str:
        return urls.link(site_url, page, path)

    def distribution(downloads: list[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"@type": "DataDownload", "encodingFormat": FORMATS[kind], "contentUrl": abs_(path)}
                for kind, path in downloads]

    document = abs_(urls.data_dir(budget.slug))
    common = {"@context": "https://schema.org", "@type": "Dataset"}
    own = {"url": abs_(page), "inLanguage": urls.HTML_LANG[lang], "license": budget.licence.get("path", ""),
           "creator": publisher(budget)}
    if table is not None:
        downloads = [("xlsx", urls.workbook(budget.slug))]
        for name in table.resources:
            downloads += [("csv", urls.package_file(budget.slug, budget.resources[name].path)),
                          ("json", urls.json_file(budget.slug, name))]
        return {**common, "@id": abs_(page), "name": f"{table.title.get(lang)} ({budget.title.get(lang)})",
                "description": table_description.get(lang) if table_description else "", **own,
                "isPartOf": {"@id": document}, "distribution": distribution(downloads)}
    keywords = budget.descriptor.get("x_i18n", {}).get("en", {}).get("keywords", []) if lang == "en" else \
        budget.descriptor.get("keywords", [])
    return {
        **common,
        "@id": document,
        "name": budget.title.get(lang),
        "description": budget.description.get(lang),
        **own,
        "identifier": document,
        "keywords": keywords,
        "isAccessibleForFree": True,
        "publisher": publisher(budget),
        "temporalCoverage": f"{budget.year}-01-01/{budget.year}-12-31",
        "spatialCoverage": {"@type": "Place", "name": budget.region.get(lang)},
        "dateModified": iso_date(epoch),
        "includedInDataCatalog": {"@type": "DataCatalog", "url": abs_(urls.CATALOG)},
        "distribution": distribution([("zip", urls.bundle(budget.slug)), ("json", urls.datapackage(budget.slug)),
                                      ("xlsx", urls.workbook(budget.slug))]),
    }


# What the catalog and the lists of documents (publishers, a region's, its data pages) show of a document: its
# summary but its key figures and coded rows.
METADATA_FACET = "metadata"


def metadata_key(summary: BudgetSummary) -> str:
    """A digest of the document's metadata and total: every field of its summary but its key figures and coded
    rows (a new field counts until it is left out here)."""
    return cache.combine(repr(replace(summary, figures=None, lines=(), facet_keys={})))


def dcat_catalog(budgets: list[BudgetSummary], site_url: str, epoch: int, site_name: Text) -> dict[str, Any]:
    """The DCAT catalog of every dataset; links absolute where the site URL is configured, else relative to
    the catalog file."""

    def abs_(path: str) -> str:
        return urls.link(site_url, urls.CATALOG, path)

    datasets = []
    for b in budgets:
        distributions: list[dict[str, Any]] = [{
            "@type": "dcat:Distribution", "dct:title": "Data package (datapackage.json)",
            "dcat:downloadURL": {"@id": abs_(urls.datapackage(b.slug))}, "dcat:mediaType": "application/json",
            "dct:license": {"@id": b.licence.get("path", "")},
        }, {
            "@type": "dcat:Distribution", "dct:title": "All files (zip)",
            "dcat:downloadURL": {"@id": abs_(urls.bundle(b.slug))}, "dcat:mediaType": "application/zip",
            "dct:license": {"@id": b.licence.get("path", "")},
        }]
        for res in b.resources:
            distributions.append({
                "@type": "dcat:Distribution",
                "dct:title": [{"@value": res.title.zh, "@language": "zh-Hans"},
                              {"@value": res.title.en, "@language": "en"}],
                "dcat:downloadURL": {"@id": abs_(urls.package_file(b.slug, res.path))},
                "dcat:mediaType": "text/csv", "dct:license": {"@id": b.licence.get("path", "")},
            })
        datasets.append({
            "@id": abs_(urls.data_dir(b.slug)),
            "@type": "dcat:Dataset",
            "dct:identifier": b.slug,
            "dct:title": [{"@value": b.title.zh, "@language": "zh-Hans"}, {"@value": b.title.en, "@language": "en"}],
            "dct:description": [{"@value": b.description.zh, "@language": "zh-Hans"},
                                {"@value": b.description.en, "@language": "en"}],
            "dct:publisher": {"@type": "foaf:Organization", "foaf:name": b.department.zh},
            "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": f"{b.year}-01-01",
                             "dcat:endDate": f"{b.year}-12-31"},
            "dct:modified": iso_date(epoch),
            "dct:language": ["zh-Hans", "en"],
            "dcat:keyword": list(b.keywords),
            "dcat:landingPage": [{"@id": abs_(urls.budget(lang, b.slug))} for lang in urls.LANGS],
            "dcat:distribution": distributions,
        })
    datasets += corpus_datasets(budgets, abs_, epoch)
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/"},
        "@id": abs_(urls.CATALOG),
        "@type": "dcat:Catalog",
        "dct:title": [{"@value": site_name.zh, "@language": "zh-Hans"},
                      {"@value": site_name.en, "@language": "en"}],
        "dct:modified": iso_date(epoch),
        "dcat:dataset": datasets,
    }


def corpus_datasets(budgets: list[BudgetSummary], abs_: Callable[[str], str], epoch: int) -> list[dict[str, Any]]:
    """The corpus-wide amounts table (corpus.py) as DCAT datasets: everything, then each region."""
    regions: dict[str, Text] = {}
    for b in budgets:
        if b.region_id:
            regions.setdefault(b.region_id, b.region)
    out = []
    for region_id in [None, *sorted(regions)]:
        chosen = [b for b in budgets if region_id is None or b.region_id == region_id]
        identifier, title = name_and_title(region_id, regions.get(region_id or ""))
        licences = sorted({b.licence.get("path", "") for b in chosen} - {""})
        licence: Any = [{"@id": lic} for lic in licences]
        licence = licence[0] if len(licence) == 1 else licence
        description = Text(
            f"{len(chosen)}份文件全部附表的每个非空金额单元格一行（长表），附数据集、编制部门、地区、年度、"
            "文件类型、表格、科目和栏目；金额按原文，另附精确换算为元的金额。",
            f"One row per non-blank amount cell of every annex table of {len(chosen)} document(s) "
            "(long format), with its dataset, publisher, region, year, document kind, table, row and column; the "
            "amount as printed and converted exactly to yuan.")
        years = sorted(b.year for b in chosen)
        distributions = [{
            "@type": "dcat:Distribution", "dct:title": title_, "dcat:downloadURL": {"@id": abs_(path)},
            "dcat:mediaType": FORMATS[kind], "dct:license": licence,
            **({"dcat:compressFormat": FORMATS["gz"]} if path.endswith(".gz") else {}),
        } for title_, path, kind in (
            ("Data package (datapackage.json)", urls.corpus_package(region_id), "json"),
            ("Amounts (CSV, gzip-compressed)", urls.corpus_csv(region_id), "csv"))]
        out.append({
            "@id": abs_(urls.corpus_dir(region_id)),
            "@type": "dcat:Dataset",
            "dct:identifier": identifier,
            "dct:title": [{"@value": title.zh, "@language": "zh-Hans"}, {"@value": title.en, "@language": "en"}],
            "dct:description": [{"@value": description.zh, "@language": "zh-Hans"},
                                {"@value": description.en, "@language": "en"}],
            "dct:publisher": [{"@type": "foaf:Organization", "foaf:name": name_}
                              for name_ in sorted({b.department.zh for b in chosen})],
            "dct:source": [{"@id": abs_(urls.data_dir(b.slug))} for b in sorted(chosen, key=lambda b: b.slug)],
            **({"dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": f"{years[0]}-01-01",
                                 "dcat:endDate": f"{years[-1]}-12-31"}} if years else {}),
            "dct:modified": iso_date(epoch),
            "dct:language": ["zh-Hans", "en"],
            "dcat:keyword": ["部门预算", "部门决算", "预算公开", "budget", "final accounts"],
            "dcat:landingPage": [{"@id": abs_(urls.data_access(lang))} for lang in urls.LANGS],
            "dcat:distribution": distributions,
        })
    return out
