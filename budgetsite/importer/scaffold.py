"""`build.py new`: a dataset folder with everything but the data, laid out as a template of the catalogue.

The folder holds datapackage.json (x_budget with the document kind and template, the template's tables with
their kinds, units and numbers, the rule sets, licence, titles in both languages), schemas/ from the
catalogue, every table's CSV with its header row only, and narrative templates with the standard part
headings. What only the source document can give (the tables, the narrative, the source file and its
checksum) is marked FILL-IN until `import`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue import Catalogue, CatalogueError, Template, load_catalogue
from ..paths import SLUG
from .narrative import template as narrative_template
from .package import (
    SOURCE_PLACEHOLDER,
    ResourceSpec,
    resource_entry,
    support,
    table_entry,
    table_resources,
    write_descriptor,
)
from .titles import table_id
from .write import write_resource

LICENCE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0"}
NOT_IMPORTED = {"zh": "待填写：尚未导入本表。", "en": "To fill in: this table has not been imported yet.",
                "by": "editor"}
YEARS = range(1950, 2200)
CODELIST_PREFIX = {"codes-function": "function-codes", "codes-economic": "economic-codes"}


class ScaffoldError(ValueError):
    """A refusal with a message for the publisher."""


@dataclass(frozen=True)
class Department:
    """Who publishes the document, for which year, in which template."""

    id: str
    name: str
    name_en: str
    year: int
    region: str
    region_en: str
    template: str  # a template of reference/catalogue/templates/
    region_id: str

    def slug(self, document: str) -> str:
        """`<id>-<year>` for a department budget; the other documents say what they are."""
        return f"{self.id}-{self.year}" if document == "department-budget" else f"{self.id}-{self.year}-{document}"


def check(dept: Department, datasets: Path, document: str) -> Path:
    """The folder to create; refuses invalid slugs, years and an existing folder with a clear message."""
    if not SLUG.fullmatch(dept.id) or dept.id.endswith("-"):
        raise ScaffoldError(f"department id '{dept.id}' is not a valid slug: use lowercase ASCII letters, digits "
                            "and '-', starting with a letter or digit (e.g. city-finance-bureau)")
    if dept.year not in YEARS:
        raise ScaffoldError(f"year {dept.year} is out of range ({YEARS.start}-{YEARS.stop - 1})")
    if not SLUG.fullmatch(dept.slug(document)):
        raise ScaffoldError(f"folder name '{dept.slug(document)}' is too long: keep the department id short")
    for label, value in (("--department", dept.name), ("--department-en", dept.name_en)):
        if not value.strip():
            raise ScaffoldError(f"{label} must not be empty")
    folder = datasets / dept.slug(document)
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists: refusing to overwrite it (choose another id or year, or "
                            "remove the folder first)")
    return folder


def codelists(reference: Path, year: int) -> dict[str, str]:
    """The reference code lists of the budget year, else the nearest earlier ones; none where the reference has
    no list of that year or before (validation then says so: a person adds the year's list)."""
    out = {}
    for resource, prefix in CODELIST_PREFIX.items():
        years = sorted(int(p.name.rsplit("-", 1)[1]) for p in reference.glob(f"{prefix}-*")
                       if p.name.rsplit("-", 1)[1].isdigit() and (p / "datapackage.json").is_file())
        best = max((y for y in years if y <= year), default=None)
        if best is not None:
            out[resource] = f"{prefix}-{best}"
    return out


def template_tables(catalogue: Catalogue, template: Template) -> list[tuple[dict[str, Any], list[ResourceSpec]]]:
    out = []
    for t in template.tables:
        kind = catalogue.kind(t.kind)
        tid = table_id(t.number, 0)
        resources = table_resources(catalogue, kind, tid, t.unit, kind.name.zh, kind.name.en)
        amounts = any(c.amount for p in kind.parts for c in p.columns)
        entry = table_entry(tid, t.number, kind.id, kind.name.zh, kind.name.en, t.unit if amounts else "",
                            template.precision, [r.name for r in resources], "empty", (0, 0), note=dict(NOT_IMPORTED))
        out.append((entry, resources))
    return out


def descriptor(dept: Department, catalogue: Catalogue, template: Template, reference: Path,
               tables: list[tuple[dict[str, Any], list[ResourceSpec]]]) -> dict[str, Any]:
    name, en, year = dept.name, dept.name_en, dept.year
    document = catalogue.documents[template.document]
    kind_zh, kind_en = document.name.zh, document.name.en
    keywords = [kind_zh, "预算公开", name] + ([dept.region] if dept.region else [])
    keywords_en = [kind_en, "budget disclosure", en] + ([dept.region_en] if dept.region_en else [])
    budget: dict[str, Any] = {"department_id": dept.id, "department": name, "department_en": en,
                              "department_en_status": "proposed"}
    if dept.region_id:
        budget["region_id"] = dept.region_id
    if dept.region:
        budget.update(region=dept.region, region_en=dept.region_en)
    budget.update(document=template.document, template=template.id, year=year, currency="CNY",
                  phase=document.phase, codelists=codelists(reference, year))
    return {
        "name": dept.slug(template.document),
        "title": f"{name}{year}年{kind_zh}",
        "description": f"{name}{year}年{kind_zh}公开文本中的全部附表、说明中的数字、勘误及来源。金额按原文单位发布。",
        "version": "1.0.0",
        "keywords": keywords,
        "licenses": [dict(LICENCE)],
        "x_i18n": {"en": {
            "title": f"{en}: {year} {kind_en}",
            "description": f"Every annex table of the published {year} {kind_en} of the {en}, the figures stated "
                          "in its narrative, errata and provenance. Amounts as printed, in the unit of each table.",
            "keywords": keywords_en}},
        "x_budget": budget,
        "x_source": {"sha256": SOURCE_PLACEHOLDER.format(slug=dept.slug(template.document)),
                     "description": "待填写：由 build.py import 复制原文件并记录其校验和。",
                     "description_en": "To fill in: build.py import copies the source document and records its "
                                       "checksum."},
        "x_narrative": {"zh": "narrative/zh.md", "en": "narrative/en.md"},
        "x_rulesets": list(template.rulesets),
        "x_rules": [],
        "x_tables": [entry for entry, _ in tables],
        "resources": [resource_entry(r) for r in support(reference, False)]
        + [resource_entry(r) for _, resources in tables for r in resources]
        + [resource_entry(r) for r in support(reference, True)],
    }


def scaffold(dept: Department, datasets: Path, reference: Path) -> Path:
    try:
        catalogue = load_catalogue(reference.resolve())
    except CatalogueError as exc:
        raise ScaffoldError(str(exc)) from None
    template = catalogue.templates.get(dept.template)
    if template is None:
        known = ", ".join(sorted(catalogue.templates))
        raise ScaffoldError(f"no template {dept.template!r}; the catalogue has {known}")
    folder = check(dept, datasets, template.document)
    tmp = datasets / f".{folder.name}.new"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for sub in ("data", "schemas", "narrative"):
            (tmp / sub).mkdir(parents=True)
        tables = template_tables(catalogue, template)
        for spec in [*support(reference, False), *(r for _, rs in tables for r in rs), *support(reference, True)]:
            write_resource(tmp, spec, ())
        for lang in ("zh", "en"):
            (tmp / "narrative" / f"{lang}.md").write_text(narrative_template(lang, dept.year), encoding="utf-8")
        write_descriptor(tmp, descriptor(dept, catalogue, template, reference, tables))
        tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder
