"""`build.py new`: a budget folder with everything but the data, in the layout of the hand-checked budgets.

The folder holds datapackage.json (x_budget, the standard tables, the department-budget rules, licence,
titles in both languages), schemas/ copied from reference/schemas/, every standard table's CSV with its
header row only, and narrative templates with the standard part headings. What only the source document can
give (the tables, the narrative, the source file and its checksum) is marked FILL-IN until `import`.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..load import load_schema_fields
from ..paths import SLUG
from .layout import CODELIST_PREFIX
from .narrative import template
from .package import (
    SOURCE_PLACEHOLDER,
    resource_entry,
    resource_layouts,
    standard_tables,
    table_entry,
    write_descriptor,
)

LICENCE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0"}
NOT_IMPORTED = {"zh": "待填写：尚未导入本表。", "en": "To fill in: this table has not been imported yet.",
                "by": "editor"}
YEARS = range(1950, 2200)


class ScaffoldError(ValueError):
    """A refusal with a message for the publisher."""


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    name_en: str
    year: int
    region: str = ""
    region_en: str = ""

    @property
    def slug(self) -> str:
        return f"{self.id}-{self.year}"


def check(dept: Department, datasets: Path) -> Path:
    """The folder to create; refuses invalid slugs, years and an existing folder with a clear message."""
    if not SLUG.fullmatch(dept.id) or dept.id.endswith("-"):
        raise ScaffoldError(f"department id '{dept.id}' is not a valid slug: use lowercase ASCII letters, digits "
                            "and '-', starting with a letter or digit (e.g. xiamen-hpf)")
    if dept.year not in YEARS:
        raise ScaffoldError(f"year {dept.year} is out of range ({YEARS.start}-{YEARS.stop - 1})")
    if not SLUG.fullmatch(dept.slug):
        raise ScaffoldError(f"folder name '{dept.slug}' is too long: keep the department id under 60 characters")
    for label, value in (("--department", dept.name), ("--department-en", dept.name_en)):
        if not value.strip():
            raise ScaffoldError(f"{label} must not be empty")
    folder = datasets / dept.slug
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists: refusing to overwrite it (choose another id or year, or "
                            "remove the folder first)")
    return folder


def codelists(reference: Path, year: int) -> dict[str, str]:
    """The reference code lists of the budget year, else the latest earlier ones, else the latest there are."""
    out = {}
    for resource, prefix in CODELIST_PREFIX.items():
        years = sorted(int(p.name.rsplit("-", 1)[1]) for p in reference.glob(f"{prefix}-*")
                       if p.name.rsplit("-", 1)[1].isdigit() and (p / "datapackage.json").is_file())
        if years:
            best = max((y for y in years if y <= year), default=years[-1])
            out[resource] = f"{prefix}-{best}"
    return out


def descriptor(dept: Department, reference: Path) -> dict[str, Any]:
    name, en, year = dept.name, dept.name_en, dept.year
    keywords = ["部门预算", "预算公开", name] + ([dept.region] if dept.region else [])
    keywords_en = ["departmental budget", "budget disclosure", en] + ([dept.region_en] if dept.region_en else [])
    budget: dict[str, Any] = {"department_id": dept.id, "department": name, "department_en": en,
                              "department_en_status": "proposed"}
    if dept.region:
        budget.update(region=dept.region, region_en=dept.region_en)
    budget.update(year=year, unit="万元", currency="CNY", phase="budget", codelists=codelists(reference, year))
    return {
        "name": dept.slug,
        "title": f"{name}{year}年部门预算",
        "description": f"{name}{year}年部门预算公开文本中的全部附表、说明中的数字、勘误及来源。金额单位：万元。",
        "version": "1.0.0",
        "keywords": keywords,
        "licenses": [dict(LICENCE)],
        "x_i18n": {"en": {
            "title": f"{en}: {year} departmental budget",
            "description": f"Every annex table of the published {year} departmental budget of the {en}, the figures "
                          "stated in its narrative, errata and provenance. Amounts in CNY 10,000.",
            "keywords": keywords_en}},
        "x_budget": budget,
        "x_source": {"sha256": SOURCE_PLACEHOLDER.format(slug=dept.slug),
                     "description": "待填写：由 build.py import 复制原文件并记录其校验和。",
                     "description_en": "To fill in: build.py import copies the source document and records its "
                                       "checksum."},
        "x_narrative": {"zh": "narrative/zh.md", "en": "narrative/en.md"},
        "x_rulesets": ["department-budget"],
        "x_rules": [],
        "x_tables": [table_entry(t.id, t.number, t.title, t.title_en, [r.name for r in t.resources], "empty", (0, 0),
                                 note=dict(NOT_IMPORTED)) for t in standard_tables()],
        "resources": [resource_entry(r) for r in resource_layouts()],
    }


def header_csv(folder: Path, slug: str, schema: str) -> str:
    fields = load_schema_fields(folder, slug, f"schemas/{schema}")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([f.name for f in fields])
    return out.getvalue()


def copy_schemas(source: Path, target: Path, names: set[str]) -> None:
    """The standard schemas the budget's resources use (an unused file would be undeclared)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in sorted(names):
        if not (source / name).is_file():
            raise ScaffoldError(f"{source / name} is missing from the standard schema set")
        if not (target / name).exists():
            shutil.copyfile(source / name, target / name)


def scaffold(dept: Department, datasets: Path, reference: Path) -> Path:
    folder = check(dept, datasets)
    schemas = reference / "schemas"
    if not schemas.is_dir():
        raise ScaffoldError(f"{schemas} is missing: the standard schema set is needed to scaffold a budget")
    tmp = datasets / f".{dept.slug}.new"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        copy_schemas(schemas, tmp / "schemas", {r.schema for r in resource_layouts()})
        (tmp / "data").mkdir()
        for r in resource_layouts():
            (tmp / "data" / f"{r.name}.csv").write_text(header_csv(tmp, dept.slug, r.schema), encoding="utf-8")
        (tmp / "narrative").mkdir()
        for lang in ("zh", "en"):
            (tmp / "narrative" / f"{lang}.md").write_text(template(lang, dept.year), encoding="utf-8")
        write_descriptor(tmp, descriptor(dept, reference))
        tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder
