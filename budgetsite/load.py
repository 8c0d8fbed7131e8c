"""Load stage: read a budget folder into a `Budget`, checking the raw files on the way.

Frictionless checks types, constraints and keys (see validate.py). This module checks what frictionless
accepts but a published budget must not contain: files that are not strict UTF-8, a BOM, headers that differ
from the schema, ragged rows, and numbers written as `1e3`, `NaN`, ` 12 `, `1,234.00` or with more or fewer
than two decimal places for amounts. Every problem becomes a `Finding` naming file, line, row and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from .catalogue import Catalogue, CatalogueError
from .descriptor import BUDGET_DESCRIPTOR, CODELIST_DESCRIPTOR, TABLE_SCHEMA, shape_errors
from .model import UNITS, Budget, CodeList, Field, Finding, Resource, Table, TableNote, Text, Value
from .paths import SLUG, is_safe_relative_path

DESCRIPTOR = "datapackage.json"
MAX_DESCRIPTOR_BYTES = 1_000_000
# A department's largest table has a few hundred rows; 20 MB is far beyond any real budget and keeps a
# hostile or runaway file from being read into memory.
MAX_CSV_BYTES = 20_000_000
MAX_ROWS = 100_000

NUMBER_TEXT = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?")
INTEGER_TEXT = re.compile(r"-?(0|[1-9]\d*)")


class LoadError(Exception):
    """Raised inside this module; turned into a Finding at its edge."""

    def __init__(self, finding: Finding):
        super().__init__(finding.format())
        self.finding = finding


def read_json(path: Path, dataset: str, rel: str) -> dict[str, Any]:
    def fail(message: str, line: int | None = None) -> LoadError:
        return LoadError(Finding("error", "descriptor", dataset, message, file=rel, line=line))

    if not path.is_file():
        raise fail("file is missing")
    if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
        raise fail(f"file is larger than {MAX_DESCRIPTOR_BYTES:,} bytes")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"not valid UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"malformed JSON: {exc.msg} at column {exc.colno}", exc.lineno) from None
    if not isinstance(data, dict):
        raise fail("must be a JSON object")
    return data


def text_of(obj: dict[str, Any], key: str) -> Text:
    """A descriptor's Chinese property and its English twin in x_i18n.en (shapes checked beforehand)."""
    zh = obj.get(key, "")
    en = obj.get("x_i18n", {}).get("en", {}).get(key, "")
    return Text(zh if isinstance(zh, str) else "", en if isinstance(en, str) else "")


def load_budget(folder: Path, catalogue: Catalogue) -> tuple[Budget | None, list[Finding]]:
    """Read one budget folder. Returns the budget (None if unusable) and every problem found."""
    slug = folder.name
    links = symlinks(folder, slug)
    if links:
        return None, links
    try:
        descriptor = read_json(folder / DESCRIPTOR, slug, DESCRIPTOR)
        check_descriptor(descriptor, slug)
    except LoadError as exc:
        return None, [exc.finding]
    findings: list[Finding] = []
    tables = [table_from(t) for t in descriptor["x_tables"]]
    findings += check_tables(tables, descriptor, catalogue, slug)
    printed = {name: t for t in tables for name in t.resources}
    resources: dict[str, Resource] = {}
    for entry in descriptor["resources"]:
        try:
            resources[entry["name"]] = load_resource(folder, slug, entry, findings, printed.get(entry["name"]))
        except LoadError as exc:
            findings.append(exc.finding)
    findings += check_kind_columns(tables, resources, catalogue, slug)
    findings += undeclared_files(folder, slug, descriptor)
    narrative = {}
    for lang, rel in sorted(descriptor.get("x_narrative", {}).items()):
        try:
            narrative[lang] = read_text(folder, slug, rel)
        except LoadError as exc:
            findings.append(exc.finding)
    if any(f.severity == "error" for f in findings):
        return None, findings
    info = descriptor["x_budget"]
    source = descriptor.get("x_source", {})
    findings += check_source(folder, slug, source)
    if any(f.severity == "error" for f in findings):
        return None, findings
    budget = Budget(
        slug=slug,
        root=folder,
        title=text_of(descriptor, "title"),
        description=text_of(descriptor, "description"),
        department_id=info["department_id"],
        department=Text(info["department"], info.get("department_en", "")),
        region=Text(info.get("region", ""), info.get("region_en", "")),
        year=int(info["year"]),
        document=info["document"],
        licence=descriptor["licenses"][0],
        source_file=source.get("file", ""),
        source_sha256=source.get("sha256", ""),
        source_title=(descriptor.get("sources") or [{}])[0].get("title", ""),
        narrative=narrative,
        tables=tuple(tables),
        resources=resources,
        codelists=dict(info.get("codelists", {})),
        rulesets=tuple(descriptor.get("x_rulesets", [])),
        rules=tuple(descriptor.get("x_rules", [])),
        region_id=info.get("region_id", ""),
        template=info.get("template", ""),
        units=tuple(Text(u["name"], u.get("name_en", "")) for u in info.get("units", [])),
        source_origin=Text(source.get("obtained_from", ""), source.get("obtained_from_en", "")),
        source_url=source.get("url", ""),
        descriptor=descriptor,
    )
    return budget, findings


def check_tables(tables: list[Table], descriptor: dict[str, Any], catalogue: Catalogue, slug: str) -> list[Finding]:
    """Each table names a kind of the catalogue, one resource per part of it, and the document kind and
    template are known."""
    def fail(message: str) -> Finding:
        return Finding("error", "descriptor", slug, message, file=DESCRIPTOR)

    out = []
    declared = {r["name"] for r in descriptor["resources"]}
    info = descriptor["x_budget"]
    if info["document"] not in catalogue.documents:
        out.append(fail(f"x_budget.document {info['document']!r} is not a document kind of the catalogue "
                        f"({', '.join(catalogue.documents)})"))
    if info.get("template") and info["template"] not in catalogue.templates:
        out.append(fail(f"x_budget.template {info['template']!r} is not a template of the catalogue"))
    for t in tables:
        try:
            kind = catalogue.kind(t.kind)
        except CatalogueError as exc:
            out.append(fail(f"table {t.id}: {exc}"))
            continue
        if len(t.resources) != len(kind.parts):
            out.append(fail(f"table {t.id}: a {kind.id} table has {len(kind.parts)} part(s) "
                            f"({', '.join(p.suffix or '(main)' for p in kind.parts)}); it lists {len(t.resources)}"))
        for name in t.resources:
            if name not in declared:
                out.append(fail(f"table {t.id} lists unknown resource '{name}'"))
        amounts = any(c.amount for p in kind.parts for c in p.columns)
        if amounts and t.unit not in UNITS:
            out.append(fail(f"table {t.id}: its unit must be one of {', '.join(UNITS)} as printed, "
                            f"found {t.unit or '(none)'}"))
    return out


def check_kind_columns(tables: list[Table], resources: dict[str, Resource], catalogue: Catalogue,
                       slug: str) -> list[Finding]:
    """A table's resources have the columns of their kind's part (a subset, as printed), of the same types."""
    out = []
    for t in tables:
        if t.kind not in catalogue.kinds:
            continue
        for part, name in zip(catalogue.kinds[t.kind].parts, t.resources, strict=False):
            res = resources.get(name)
            if res is None:
                continue
            for f in res.fields:
                if f.name not in part.names:
                    out.append(Finding("error", "schema", slug, f"column {f.name} is not a column of kind {t.kind} "
                                       f"(its columns: {', '.join(part.names)})", file=res.schema_path,
                                       table=name, column=f.name))
                elif part.column(f.name).type != f.type:
                    out.append(Finding("error", "schema", slug, f"column {f.name} must be of type "
                                       f"{part.column(f.name).type} in a {t.kind} table", file=res.schema_path,
                                       table=name, column=f.name, expected=part.column(f.name).type, found=f.type))
                elif part.column(f.name).amount != f.is_amount:
                    out.append(Finding("error", "schema", slug, f"column {f.name} is an amount in a {t.kind} table: "
                                       f"its x_unit must be the table's unit {t.unit}" if part.column(f.name).amount
                                       else f"column {f.name} holds no amount: it takes no x_unit",
                                       file=res.schema_path, table=name, column=f.name))
    return out


def check_descriptor(d: dict[str, Any], slug: str) -> None:
    """Refuse a descriptor whose shape the rest of the build relies on."""

    def fail(message: str) -> LoadError:
        return LoadError(Finding("error", "descriptor", slug, message, file=DESCRIPTOR))

    problems = shape_errors(d, BUDGET_DESCRIPTOR)
    if problems:
        raise fail("; ".join(problems))
    if not SLUG.fullmatch(slug):
        raise fail(f"folder name '{slug[:80]}' is not a valid dataset slug (lowercase letters, digits, '-')")
    if d.get("name") != slug:
        raise fail(f"'name' must equal the folder name '{slug}', found {str(d.get('name'))[:80]!r}")
    info = d["x_budget"]
    if not SLUG.fullmatch(info["department_id"]):
        raise fail("'x_budget.department_id' must be a slug (lowercase letters, digits, '-')")
    seen = set()
    for r in d["resources"]:
        if not SLUG.fullmatch(r["name"]):
            raise fail(f"resource name {r['name'][:80]!r} is not a slug (lowercase letters, digits, '-')")
        if r["name"] in seen:
            raise fail(f"resource name '{r['name']}' is used twice")
        seen.add(r["name"])
        for key in ("path", "schema"):
            if not isinstance(r.get(key), str) or not is_safe_relative_path(r[key]):
                raise fail(f"resource '{r['name']}': '{key}' must be a relative path inside the folder, "
                           f"found {str(r.get(key))[:80]!r}")
        if str(r.get("encoding", "utf-8")).lower() != "utf-8":
            raise fail(f"resource '{r['name']}': encoding must be utf-8")
    for key in ("profile", "$schema"):
        if key in d and d[key] not in ("data-package", "tabular-data-package"):
            raise fail(f"'{key}' must not point elsewhere, found {str(d[key])[:80]!r}")
    for t in d["x_tables"]:
        if not SLUG.fullmatch(t["id"]):
            raise fail(f"table id {t['id'][:80]!r} is not a slug (lowercase letters, digits, '-')")
    ids = [t["id"] for t in d["x_tables"]]
    if len(ids) != len(set(ids)):
        raise fail(f"table ids must be unique, found {', '.join(sorted({i for i in ids if ids.count(i) > 1}))} twice")
    for lang, rel in d.get("x_narrative", {}).items():
        if lang not in ("zh", "en") or not is_safe_relative_path(rel):
            raise fail(f"x_narrative: '{lang[:10]}' must be zh or en with a relative path inside the folder")


def declared_files(descriptor: dict[str, Any]) -> set[str]:
    files = {DESCRIPTOR, *descriptor.get("x_narrative", {}).values()}
    files.update(r[k] for r in descriptor["resources"] for k in ("path", "schema"))
    files.update(s["path"] for s in descriptor.get("sources", []) if isinstance(s.get("path"), str))
    if descriptor.get("x_source", {}).get("file"):
        files.add(descriptor["x_source"]["file"])
    return files


def symlinks(folder: Path, dataset: str) -> list[Finding]:
    """A link inside a dataset could make the build read, and publish, any file on the machine."""
    out = []
    for base, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(base) / name
            if path.is_symlink():
                out.append(Finding("error", "file", dataset, "symbolic links are not allowed in a dataset folder; "
                                   "put the file itself there", file=path.relative_to(folder).as_posix()[:200]))
    return out


def undeclared_files(folder: Path, dataset: str, descriptor: dict[str, Any]) -> list[Finding]:
    """A file the descriptor does not name would be silently left out of the publication: say so."""
    declared = declared_files(descriptor)
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            continue  # reported by symlinks()
        if path.is_file() and rel not in declared and not path.name.upper().startswith("README"):
            out.append(Finding("error", "file", dataset, "file is not declared in datapackage.json (add it as a "
                               "resource, narrative or source, or remove it)", file=rel[:200]))
    return out


def check_source(folder: Path, dataset: str, source: dict[str, Any]) -> list[Finding]:
    """The source text is present and is the document the descriptor's checksum names."""
    rel = source.get("file", "")
    if not rel:
        return []
    if not is_safe_relative_path(rel) or not (folder / rel).is_file():
        return [Finding("error", "file", dataset, "source file named by x_source.file is missing", file=rel)]
    digest = hashlib.sha256((folder / rel).read_bytes()).hexdigest()
    if source.get("sha256") and digest != source["sha256"]:
        return [Finding("error", "provenance", dataset, "source file differs from the checksum in x_source.sha256",
                        file=rel, expected=source["sha256"], found=digest)]
    return []


def table_from(t: dict[str, Any]) -> Table:
    note = t.get("note")
    lines = t.get("source", {}).get("lines", [0, 0])
    return Table(
        id=t["id"],
        number=str(t.get("number", "")),
        kind=t["kind"],
        title=text_of(t, "title"),
        resources=tuple(t.get("resources", [])),
        status=t["status"],
        source_lines=(int(lines[0]), int(lines[1])),
        unit=t.get("unit", ""),
        precision=int(t.get("precision", 2)),
        printed_title=t.get("source", {}).get("printed_title", ""),
        note=TableNote(Text(note.get("zh", ""), note.get("en", "")), note.get("by", "editor")) if note else None,
    )


def read_text(folder: Path, dataset: str, rel: str) -> str:
    if not is_safe_relative_path(rel):
        raise LoadError(Finding("error", "file", dataset, "path must stay inside the dataset folder", file=rel))
    path = folder / rel
    if not path.is_file():
        raise LoadError(Finding("error", "file", dataset, "file is missing", file=rel))
    return decode_strict(path.read_bytes(), dataset, rel)


def decode_strict(raw: bytes, dataset: str, rel: str, table: str = "") -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise LoadError(Finding("error", "encoding", dataset, "file starts with a byte-order mark (BOM); save it "
                                "as UTF-8 without BOM", file=rel, line=1, table=table))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(Finding("error", "encoding", dataset, f"not valid UTF-8 at byte {exc.start} (is it GBK? "
                                "save it as UTF-8)", file=rel, line=line, table=table)) from None


def load_schema_fields(folder: Path, dataset: str, rel: str, table: Table | None = None) -> list[Field]:
    """The fields of a schema; an amount's unit (x_unit) must be its table's, and it is printed with the
    table's precision."""
    schema = read_json(folder / rel, dataset, rel)
    problems = shape_errors(schema, TABLE_SCHEMA)
    if problems:
        raise LoadError(Finding("error", "schema", dataset, "; ".join(problems), file=rel))
    out = []
    for f in schema["fields"]:
        unit = f.get("x_unit", "")
        if unit and unit not in UNITS:
            raise LoadError(Finding("error", "schema", dataset, f"field {f['name']}: x_unit must be one of "
                                    f"{', '.join(UNITS)}", file=rel, column=f["name"], found=str(unit)[:40]))
        if unit and table is not None and unit != table.unit:
            raise LoadError(Finding("error", "schema", dataset, f"field {f['name']} is in {unit}, but table "
                                    f"{table.id} declares its unit as {table.unit or '(none)'}", file=rel,
                                    column=f["name"], expected=table.unit, found=unit))
        out.append(Field(
            name=f["name"],
            type=f.get("type", "string"),
            title=text_of(f, "title"),
            description=text_of(f, "description"),
            unit=unit,
            places=table.precision if table is not None else 2,
        ))
    return out


def load_resource(folder: Path, dataset: str, entry: dict[str, Any], findings: list[Finding],
                  table: Table | None = None) -> Resource:
    rel = entry["path"]
    fields = load_schema_fields(folder, dataset, entry["schema"], table)
    path = folder / rel
    if not path.is_file():
        raise LoadError(Finding("error", "file", dataset, "file is missing", file=rel, table=entry["name"]))
    if path.stat().st_size > MAX_CSV_BYTES:
        raise LoadError(Finding("error", "file-size", dataset, f"file is larger than the {MAX_CSV_BYTES:,}-byte limit",
                                file=rel, table=entry["name"]))
    text = decode_strict(path.read_bytes(), dataset, rel, entry["name"])
    rows = parse_csv(text, fields, dataset, rel, entry["name"], findings)
    return Resource(name=entry["name"], path=rel, title=text_of(entry, "title"), fields=tuple(fields),
                    rows=tuple(rows), schema_path=entry["schema"])


def parse_csv(text: str, fields: list[Field], dataset: str, rel: str, table: str,
              findings: list[Finding]) -> list[dict[str, Value]]:
    if not text.strip():
        findings.append(Finding("error", "file", dataset, "file is empty (a header row is required)", file=rel,
                                table=table))
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    names = [f.name for f in fields]
    try:
        header = next(reader)
    except csv.Error as exc:
        findings.append(Finding("error", "csv", dataset, f"malformed CSV: {exc}", file=rel, line=1, table=table))
        return []
    if header != names:
        findings.append(Finding("error", "header", dataset, "header differs from the schema", file=rel, line=1,
                                table=table, expected=",".join(names), found=",".join(header)[:300]))
        return []
    rows: list[dict[str, Value]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                findings.append(Finding("error", "file-size", dataset, f"more than {MAX_ROWS:,} rows", file=rel,
                                        line=line, table=table))
                break
            if cells == []:
                findings.append(Finding("error", "csv", dataset, "blank line", file=rel, line=line, table=table))
                continue
            if len(cells) != len(fields):
                findings.append(Finding("error", "csv", dataset, "wrong number of cells", file=rel, line=line,
                                        table=table, row=str(len(rows) + 1), expected=str(len(fields)),
                                        found=str(len(cells))))
                continue
            rows.append({f.name: typed(f, c, dataset, rel, line, table, len(rows) + 1, findings)
                         for f, c in zip(fields, cells, strict=True)})
    except csv.Error as exc:
        findings.append(Finding("error", "csv", dataset, f"malformed CSV: {exc}", file=rel, line=reader.line_num,
                                table=table))
    return rows


def typed(f: Field, cell: str, dataset: str, rel: str, line: int, table: str, row: int,
          findings: list[Finding]) -> Value:
    """Convert one cell by its schema type; a badly written number is reported and read as blank."""
    if cell == "":
        return None
    if f.type in ("number", "integer"):
        pattern, shape = (amount_text(f.places) if f.is_amount else
                          (INTEGER_TEXT, "a whole number") if f.type == "integer" else
                          (NUMBER_TEXT, "a plain decimal number"))
        if not pattern.fullmatch(cell) or (cell.startswith("-") and not cell.strip("-0.")):
            findings.append(Finding("error", "number-format", dataset, "badly written number", file=rel, line=line,
                                    table=table, row=str(row), column=f.name, expected=shape, found=repr(cell)))
            return None
        return int(cell) if f.type == "integer" else Decimal(cell)
    return cell


PLACES = {1: "one place", 2: "two places", 3: "three places", 4: "four places"}


@cache
def amount_text(places: int) -> tuple[re.Pattern[str], str]:
    """How an amount of a table printed with `places` decimals is written: as printed, no separators, with
    that many decimals or, where the table prints a figure with fewer (15 beside 21.56), those."""
    if places == 0:
        return INTEGER_TEXT, "a whole number, as its table prints it (e.g. 1234)"
    example = "1234." + "5" + "0" * (places - 1)
    return (re.compile(rf"-?(0|[1-9]\d*)(\.\d{{1,{places}}})?"),
            f"a plain decimal with at most {PLACES.get(places, f'{places} places')}, as printed, e.g. {example}")


def load_codelist(folder: Path) -> tuple[CodeList | None, list[Finding]]:
    """A reference code list: a data package with one resource of code, name_zh, name_en, ..."""
    name = folder.name
    findings: list[Finding] = []
    try:
        d = read_json(folder / DESCRIPTOR, name, DESCRIPTOR)
        problems = shape_errors(d, CODELIST_DESCRIPTOR)
        if problems:
            raise LoadError(Finding("error", "descriptor", name, "; ".join(problems), file=DESCRIPTOR))
        entry = d["resources"][0]
        if not is_safe_relative_path(entry.get("path", "")) or not is_safe_relative_path(entry.get("schema", "")):
            raise LoadError(Finding("error", "descriptor", name, "resource paths must stay inside the folder",
                                    file=DESCRIPTOR))
        resource = load_resource(folder, name, entry, findings)
    except (KeyError, IndexError, TypeError):
        return None, [Finding("error", "descriptor", name, "a code list needs one resource with path and schema",
                              file=DESCRIPTOR)]
    except LoadError as exc:
        return None, [exc.finding]
    if findings:
        return None, findings
    return CodeList(name=name, title=text_of(d, "title"), rows=resource.rows), []
