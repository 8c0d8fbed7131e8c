"""The corpus's data, read once: the catalogue of table kinds (the only definition of tables) and the files of
bench/corpus/ (word lists, how each template prints its tables, the narrative's sentences)."""

from __future__ import annotations

import csv
import json
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from budgetsite.catalogue import CLASSIFICATIONS, load_catalogue
from budgetsite.importer.scaffold import CODELIST_PREFIX

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
CATALOGUE = load_catalogue(REPO / "reference")
Pair = tuple[str, str]
CLASSIFICATION_OF = {resource: name for name, (_, _, resource) in CLASSIFICATIONS.items()}


def read_toml(name: str) -> dict[str, Any]:
    return tomllib.loads((CORPUS / f"{name}.toml").read_text(encoding="utf-8"))


WORDS, LAYOUT, STORY = read_toml("words"), read_toml("templates"), read_toml("narrative")


def buckets(names: str | list[str]) -> list[str]:
    """The buckets a column or row adds up: bucket and group names, groups expanded (templates.toml)."""
    out: list[str] = []
    for name in [names] if isinstance(names, str) else names:
        out += buckets(LAYOUT["groups"][name]) if name in LAYOUT["groups"] else [name]
    return out


def spec_of(template: str) -> dict[str, Any]:
    """How a template prints its tables; a template `like` another takes what it does not say from it."""
    spec = LAYOUT["templates"][template]
    return {**spec_of(spec["like"]), **spec} if "like" in spec else spec


@dataclass(frozen=True)
class Codes:
    """A year's code lists, with the synthetic sections and items the corpus adds to its copy of them."""

    names: dict[str, str]  # resource (codes-function) -> list (function-codes-2024)
    rows: dict[str, dict[str, dict[str, str]]]  # resource -> code -> row
    headers: dict[str, list[str]]

    def name(self, resource: str, code: str) -> Pair:
        row = self.rows[resource][code]
        return row["name_zh"], row["name_en"]

    def children(self, resource: str, code: str) -> list[str]:
        """The codes one level under `code` (the classes under "")."""
        width = len(code) + 2 if code else 3
        return [c for c in self.rows[resource] if c.startswith(code) and len(c) == width]


def list_path(name: str) -> Path:
    folder = REPO / "reference" / name
    return folder / json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"][0]["path"]


def synthetic_rows(classification: str, codes: list[str]) -> dict[str, dict[str, str]]:
    """Sections and items under every class (function), or sections (economic), named 示例款… and marked
    as proposed English: the real lists hold only the codes the site's datasets use."""
    names = WORDS["synthetic_names"]
    if classification == "economic":
        made = [(c, "economic") for c in WORDS["synthetic_economic"]]
    else:
        made = [(c + s + i, kind) for c in codes if len(c) == 3 for s in WORDS["synthetic_sections"]
                for i, kind in [("", "section"), *((i, "item") for i in WORDS["synthetic_items"])]]
    return {code: {"code": code, "name_zh": names[kind][0].format(code=code),
                   "name_en": names[kind][1].format(code=code), "name_en_status": "proposed", "name_en_source": ""}
            for code, kind in made}


def list_names(year: int) -> dict[str, str]:
    """The code lists a document of `year` names (resource -> list): its year's, else the nearest earlier,
    else the nearest later one."""
    out = {}
    for resource, prefix in CODELIST_PREFIX.items():
        years = sorted(int(p.name.rsplit("-", 1)[1]) for p in (REPO / "reference").glob(f"{prefix}-[0-9]*")
                       if (p / "datapackage.json").is_file())
        out[resource] = f"{prefix}-{max((y for y in years if y <= year), default=min(years))}"
    return out


@cache
def codes_for(year: int) -> Codes:
    names = list_names(year)
    rows, headers = {}, {}
    for resource, name in names.items():
        with list_path(name).open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            real = {r["code"]: r for r in reader}
            headers[resource] = list(reader.fieldnames or [])
        extra = synthetic_rows(CLASSIFICATION_OF[resource], list(real))
        rows[resource] = dict(sorted({**extra, **real}.items()))
    return Codes(names, rows, headers)


def cn(n: int) -> str:
    """The Chinese numeral of 1..99 (一, 十一, 二十八), as printed numbering writes it."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if not tens:
        return digits[n]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def shared_codes(years: tuple[int, ...]) -> Codes:
    """The codes the lists of all `years` have: a publisher spends under codes that exist in each of its years."""
    lists = [codes_for(y) for y in years]
    rows = {r: {c: row for c, row in lists[0].rows[r].items() if all(c in other.rows[r] for other in lists)}
            for r in lists[0].rows}
    return Codes(lists[0].names, rows, lists[0].headers)
