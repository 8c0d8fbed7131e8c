"""The catalogue of table kinds (reference/catalogue/): the one place that defines what tables a published
budget or final account can have.

* `columns.json`: every column by meaning (name, type, printed title, whether it holds an amount, which code
  list its codes come from, the header texts it is printed under);
* `kinds/<kind>.json`: a table kind: its names, the title variants seen in real documents, its layout, its
  parts (one resource each) with their columns and keys, and the rule templates that check it;
* `templates/<template>.json`: a publisher's template: which kinds it prints, numbered how, in which unit;
* `documents.json`: the document kinds (部门预算, 单位预算, 部门决算).

English names come from the term base (terms.py). Everything here is read-only data; `schema()` turns a kind's
part into the Table Schema a dataset publishes for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .descriptor import shape_errors
from .model import UNITS, Text
from .terms import TermBase, TermError, load_terms

FOLDER = Path("catalogue")
LAYOUTS = ("two-sided", "coded", "rows", "economic-pairs", "overall-performance", "project-performance")
PHASES = ("budget", "final")
# A coded table's classification: the pattern of its codes, their Fiscal Data Package column type, and the
# dataset resource that lists the codes it uses.
CLASSIFICATIONS = {"function": ("\\d{3}(\\d{2}){0,2}", "functional-classification:generic:code", "codes-function"),
                   "economic": ("\\d{3}(\\d{2})?", "economic-classification:generic:code", "codes-economic")}

TEXT = {"type": "object", "required": ["zh", "en"], "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
STRINGS = {"type": "array", "items": {"type": "string"}}
COLUMN_SHAPE = {"type": "object", "required": ["type", "title"], "additionalProperties": False, "properties": {
    "type": {"enum": ["string", "number", "integer"]}, "title": {"type": "string"}, "description": TEXT,
    "amount": {"type": "boolean"}, "classified": {"type": "boolean"}, "codes": {"enum": list(CLASSIFICATIONS)},
    "constraints": {"type": "object"}, "headers": STRINGS}}
OVERRIDE_SHAPE = {"type": "object", "additionalProperties": False, "properties": {
    "title": {"type": "string"}, "description": TEXT, "constraints": {"type": "object"}, "headers": STRINGS}}
KIND_SHAPE = {"type": "object", "required": ["id", "name", "document", "layout", "titles", "parts", "rules"],
              "additionalProperties": False, "properties": {
    "id": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"}, "name": {"type": "string"},
    "document": {"enum": list(PHASES)}, "layout": {"enum": list(LAYOUTS)}, "titles": STRINGS,
    "classification": {"enum": list(CLASSIFICATIONS)}, "note": {"type": "string"},
    "columns": {"type": "object", "additionalProperties": OVERRIDE_SHAPE},
    "rules": {"type": "array", "items": {"type": "object", "required": ["kind"]}},
    "parts": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["columns", "primaryKey"], "additionalProperties": False, "properties": {
            "suffix": {"type": "string", "pattern": "^[a-z][a-z-]*$"}, "title": {"type": "string"},
            "columns": STRINGS, "primaryKey": STRINGS,
            "foreignKeys": {"type": "array", "items": {
                "type": "object", "required": ["fields", "part", "reference"]}}}}}}}
TEMPLATE_SHAPE = {"type": "object", "required": ["id", "name", "document", "numbering", "unit", "tables"],
                  "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "document": {"type": "string"},
    "numbering": {"enum": ["chinese", "arabic"]}, "unit": {"enum": list(UNITS)},
    "precision": {"type": "integer", "minimum": 0, "maximum": 4}, "rulesets": STRINGS, "note": {"type": "string"},
    "tables": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["number", "kind"], "properties": {
            "number": {"type": "string"}, "kind": {"type": "string"}, "unit": {"enum": list(UNITS)}}}}}}
DOCUMENTS_SHAPE = {"type": "object", "required": ["documents", "publisher_labels"], "properties": {
    "publisher_labels": STRINGS, "documents": {"type": "array", "items": {
        "type": "object", "required": ["id", "name", "phase", "covers", "covers_en", "printed"], "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "phase": {"enum": list(PHASES)},
            "printed": STRINGS}}}}}


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Column:
    """A column as a kind uses it: the vocabulary's definition with the kind's overrides applied."""

    name: str
    type: str
    title: Text
    description: Text
    amount: bool
    constraints: dict[str, Any]
    codes: str  # "function" | "economic": the code list its values come from; "" for none
    headers: tuple[str, ...]  # header paths it is printed under (first: as the workbook export writes it)


@dataclass(frozen=True)
class Part:
    """One resource of a table: a single-part kind has one, unnamed; a form (performance targets) several."""

    suffix: str
    title: Text
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict[str, Any], ...] = ()

    def resource(self, table_id: str) -> str:
        """The name of this part's resource in a dataset: the table id, with the part's suffix."""
        return f"{table_id}-{self.suffix}" if self.suffix else table_id

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class TableKind:
    id: str
    name: Text
    phase: str  # budget | final
    layout: str
    titles: tuple[re.Pattern[str], ...]
    classification: str  # the code list of a coded table's `code` column
    parts: tuple[Part, ...]
    rules: tuple[dict[str, Any], ...]  # templates: `{table}` in an id is the table's id in the document

    def part(self, suffix: str = "") -> Part:
        for p in self.parts:
            if p.suffix == suffix:
                return p
        raise KeyError(f"{self.id} has no part {suffix!r}")

    def matches(self, title: str) -> bool:
        return any(p.fullmatch(title) for p in self.titles)


@dataclass(frozen=True)
class TemplateTable:
    number: str
    kind: str
    unit: str


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    document: str
    numbering: str
    precision: int
    rulesets: tuple[str, ...]
    tables: tuple[TemplateTable, ...]


@dataclass(frozen=True)
class DocumentKind:
    id: str
    name: Text
    phase: str
    covers: Text
    printed: tuple[str, ...]  # the words a cover prints for it: 部门预算, 单位预算, 部门决算


@dataclass(frozen=True)
class Catalogue:
    kinds: dict[str, TableKind]
    templates: dict[str, Template]
    documents: dict[str, DocumentKind]
    terms: TermBase = field(repr=False)
    publisher_labels: tuple[str, ...] = ()  # 预算主管部门, 编制单位, ...: what precedes a publisher's name

    def kind(self, kind_id: str) -> TableKind:
        try:
            return self.kinds[kind_id]
        except KeyError:
            raise CatalogueError(f"no table kind {kind_id!r} in reference/{FOLDER.as_posix()}/kinds/") from None

    def unit_name(self, unit: str) -> Text:
        return Text(unit, self.terms.en(unit, "unit"))


# --- loading ------------------------------------------------------------------------------------------------

def read(path: Path, shape: dict[str, Any], rel: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{rel}: cannot be read: {exc}") from None
    problems = shape_errors(data, shape)
    if problems:
        raise CatalogueError(f"{rel}: {'; '.join(problems)}")
    return data


def text_of(zh: str, terms: TermBase, where: str) -> Text:
    return Text(zh, terms.en(zh, where))


def description(value: dict[str, str] | None) -> Text:
    return Text(value["zh"], value["en"]) if value else Text("")


def make_column(name: str, base: dict[str, Any], override: dict[str, Any], kind: dict[str, Any],
                terms: TermBase, where: str) -> Column:
    spec = {**base, **override}
    constraints = dict(spec.get("constraints", {}))
    codes = spec.get("codes", "")
    if spec.get("classified"):
        codes = kind.get("classification", "")
        if not codes:
            raise CatalogueError(f"{where}: column {name} holds codes but the kind names no classification")
        constraints.setdefault("pattern", CLASSIFICATIONS[codes][0])
    return Column(name, spec["type"], text_of(spec["title"], terms, f"{where}: column {name}"),
                  description(spec.get("description")), bool(spec.get("amount")), constraints, codes,
                  tuple(spec.get("headers", ())))


def make_kind(data: dict[str, Any], vocabulary: dict[str, Any], terms: TermBase, rel: str) -> TableKind:
    overrides = data.get("columns", {})
    unknown = sorted(set(overrides) - set(vocabulary))
    if unknown:
        raise CatalogueError(f"{rel}: overrides of unknown columns {', '.join(unknown)}")
    parts = []
    for p in data["parts"]:
        missing = [c for c in p["columns"] if c not in vocabulary]
        if missing:
            raise CatalogueError(f"{rel}: columns not in columns.json: {', '.join(missing)}")
        if not set(p["primaryKey"]) <= set(p["columns"]):
            raise CatalogueError(f"{rel}: primary key {p['primaryKey']} names columns the part does not have")
        columns = tuple(make_column(c, vocabulary[c], overrides.get(c, {}), data, terms, rel) for c in p["columns"])
        title = text_of(p["title"], terms, rel) if p.get("title") else Text("")
        parts.append(Part(p.get("suffix", ""), title, columns, tuple(p["primaryKey"]), tuple(p.get("foreignKeys", ()))))
    try:
        titles = tuple(re.compile(t) for t in data["titles"])
    except re.error as exc:
        raise CatalogueError(f"{rel}: title pattern is not a regular expression: {exc}") from None
    return TableKind(data["id"], text_of(data["name"], terms, rel), data["document"], data["layout"], titles,
                     data.get("classification", ""), tuple(parts), tuple(data["rules"]))


def make_template(data: dict[str, Any], kinds: dict[str, TableKind], rel: str) -> Template:
    tables = []
    for t in data["tables"]:
        if t["kind"] not in kinds:
            raise CatalogueError(f"{rel}: table {t['number']} is of unknown kind {t['kind']!r}")
        tables.append(TemplateTable(t["number"], t["kind"], t.get("unit", data["unit"])))
    return Template(data["id"], data["name"], data["document"], data["numbering"], data.get("precision", 2),
                    tuple(data.get("rulesets", ())), tuple(tables))


@cache
def load_catalogue(reference: Path) -> Catalogue:
    """The catalogue under `reference/catalogue/`; raises CatalogueError naming the file at fault."""
    root = reference / FOLDER
    base = f"reference/{FOLDER.as_posix()}"
    try:
        terms = load_terms(reference)
    except TermError as exc:
        raise CatalogueError(str(exc)) from None
    vocabulary = read(root / "columns.json", {"type": "object", "required": ["columns"], "properties": {
        "columns": {"type": "object", "additionalProperties": COLUMN_SHAPE}}}, f"{base}/columns.json")["columns"]
    try:
        kinds: dict[str, TableKind] = {}
        for path in sorted((root / "kinds").glob("*.json")):
            rel = f"{base}/kinds/{path.name}"
            data = read(path, KIND_SHAPE, rel)
            if data["id"] != path.stem:
                raise CatalogueError(f"{rel}: id {data['id']!r} differs from the file name")
            kinds[data["id"]] = make_kind(data, vocabulary, terms, rel)
        documents = {}
        listing = read(root / "documents.json", DOCUMENTS_SHAPE, f"{base}/documents.json")
        for d in listing["documents"]:
            documents[d["id"]] = DocumentKind(d["id"], text_of(d["name"], terms, f"{base}/documents.json"), d["phase"],
                                              Text(d["covers"], d["covers_en"]), tuple(d["printed"]))
        templates = {}
        for path in sorted((root / "templates").glob("*.json")):
            rel = f"{base}/templates/{path.name}"
            template = make_template(read(path, TEMPLATE_SHAPE, rel), kinds, rel)
            if template.document not in documents:
                raise CatalogueError(f"{rel}: unknown document kind {template.document!r}")
            templates[template.id] = template
    except TermError as exc:
        raise CatalogueError(str(exc)) from None
    if not kinds:
        raise CatalogueError(f"{base}/kinds/: no table kinds")
    return Catalogue(kinds, templates, documents, terms, tuple(listing["publisher_labels"]))


# --- a kind's Table Schema ------------------------------------------------------------------------------------

def field_schema(column: Column, unit: Text) -> dict[str, Any]:
    out: dict[str, Any] = {"name": column.name, "type": column.type, "title": column.title.zh}
    desc_zh, desc_en = column.description.zh, column.description.en
    if column.amount:
        desc_zh, desc_en = f"单位：{unit.zh}", f"Unit: {unit.en}"
    if desc_zh:
        out["description"] = desc_zh
    if column.constraints:
        out["constraints"] = dict(column.constraints)
    if column.codes and column.constraints.get("pattern"):
        out["columnType"] = CLASSIFICATIONS[column.codes][1] if column.name == "code" else "value"
    if column.amount:
        out["x_unit"] = unit.zh
        out["columnType"] = "value"
    en = {"title": column.title.en, **({"description": desc_en} if desc_en else {})}
    out["x_i18n"] = {"en": en}
    return out


def schema(catalogue: Catalogue, kind: TableKind, part: Part, unit: str, columns: tuple[str, ...] | None = None,
           table_id: str = "") -> dict[str, Any]:
    """The Table Schema of one part of a table as a dataset publishes it: the columns it prints (all of the
    part's by default, in the kind's order), amounts in `unit`, code columns linked to the dataset's code
    tables."""
    names = columns or part.names
    unknown = [n for n in names if n not in part.names]
    if unknown:
        raise CatalogueError(f"kind {kind.id}: no column {', '.join(unknown)}")
    chosen = [part.column(n) for n in names]
    out: dict[str, Any] = {"primaryKey": [k for k in part.primary_key if k in names]}
    foreign = [{"fields": [c.name], "reference": {"resource": CLASSIFICATIONS[c.codes][2], "fields": ["code"]}}
               for c in chosen if c.codes]
    for fk in part.foreign_keys:
        if all(f in names for f in fk["fields"]):
            foreign.append({"fields": list(fk["fields"]), "reference": {
                "resource": kind.part(fk["part"]).resource(table_id), "fields": list(fk["reference"])}})
    if foreign:
        out["foreignKeys"] = foreign
    out["fields"] = [field_schema(c, catalogue.unit_name(unit)) for c in chosen]
    return out
