"""`build.py import`: read a source document, turn each recognised table into rows, write the folder.

read (text.py | xlsx.py) -> parse (grid.py, forms.py) -> code tables -> write (write.py). What cannot be
placed is collected as `Message`s with file and line, never guessed at. Codes are kept as printed: a
misprinted code is for a human to correct with an erratum, so validation flags it.
"""

from __future__ import annotations

import shutil
import string
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..load import load_codelist, load_schema_fields
from ..model import Field
from .cells import CODE, NOTE, normal
from .forms import parse_overall, parse_project
from .grid import Cells, coded_problem, parse_records, parse_two_sided, rows_problem
from .layout import BY_ID, CODE_SOURCES, TableLayout
from .model import Block, Document, ImportResult, Message, ParsedTable
from .narrative import to_markdown
from .package import SOURCE_PLACEHOLDER, read_descriptor, standard_tables
from .text import parse_text
from .titles import without_numbering
from .write import Written, write_import
from .xlsx import WorkbookError, read_workbook

UNITS = ("万元", "元")


class ImportRefused(ValueError):
    """The import did not start: the folder or the file is not usable. The message says what to do."""


# --- reading -----------------------------------------------------------------------------------------------


def read_document(path: Path) -> Document:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportRefused(f"{path}: no such file")
    if suffix in (".xlsx", ".xlsm"):
        try:
            return read_workbook(path)
        except WorkbookError as exc:
            raise ImportRefused(str(exc)) from None
    if suffix in (".xls", ".et"):
        raise ImportRefused(f"{path.name}: old binary spreadsheet format; save it as .xlsx and import that")
    if suffix == ".pdf":
        raise ImportRefused(f"{path.name}: extract the PDF's text first (tables as tab-separated lines), e.g. "
                            "with pdftotext -layout or by copying from the PDF viewer, and import the .txt")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{path.name}: not UTF-8 text (byte {exc.start}; is it GBK?): save it as UTF-8") from None
    return parse_text(text, path.name)


def check_folder(folder: Path, replace_data: bool) -> dict:
    if not (folder / "datapackage.json").is_file():
        raise ImportRefused(f"{folder}: no budget folder here; create it first with `python build.py new ...`")
    try:
        descriptor = read_descriptor(folder)
        problem = descriptor_problem(descriptor)
    except ValueError as exc:
        problem = str(exc)
    if problem:
        raise ImportRefused(f"{folder}/datapackage.json is not a budget descriptor ({problem}); fix it or "
                            "scaffold the folder again with `python build.py new`")
    slug = folder.name
    imported = descriptor.get("x_source", {}).get("sha256") not in (None, "", SOURCE_PLACEHOLDER.format(slug=slug))
    if imported and not replace_data:
        raise ImportRefused(f"{folder} already holds an imported budget; add --replace to import again (this "
                            "rewrites its tables, code tables, source and Chinese narrative; errata, narrative "
                            "figures and translations stay)")
    return descriptor


def descriptor_problem(d: object) -> str:
    """What keeps `import` from using a descriptor ("" if nothing): the parts it reads and rewrites."""
    if not isinstance(d, dict) or not isinstance(d.get("x_budget"), dict):
        return "no x_budget object"
    if not isinstance(d["x_budget"].get("year"), int):
        return "x_budget.year is not a whole number"
    if not isinstance(d["x_budget"].get("codelists", {}), dict):
        return "x_budget.codelists is not an object"
    if not isinstance(d.get("x_source", {}), dict):
        return "x_source is not an object"
    for key in ("resources", "x_tables"):
        if not isinstance(d.get(key, []), list) or not all(isinstance(e, dict) for e in d.get(key, [])):
            return f"{key} is not a list of objects"
    return ""


# --- parsing -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What every table's parse needs: where schemas are, the --unit option, the function classes."""

    folder: Path
    reference: Path
    unit: str | None
    classes: dict[str, str]
    codelist: str

    def fields(self, schema: str) -> tuple[Field, ...]:
        """The folder's copy of a standard schema, or the standard one where the folder has none yet."""
        base = self.folder if (self.folder / "schemas" / schema).is_file() else self.reference
        return tuple(load_schema_fields(base, self.folder.name, f"schemas/{schema}"))


def block_unit(block: Block, option: str | None, layout: TableLayout) -> tuple[str, list[Message]]:
    messages = []
    if block.unit and option and block.unit != option:
        messages.append(Message(block.origin, block.start, f"the table prints its unit as {block.unit}: used "
                                f"instead of --unit {option}"))
    unit = block.unit or option or "万元"
    if not block.unit and not option and layout.parser != "project-performance":
        messages.append(Message(block.origin, block.start, "no unit row (单位：万元) printed: amounts read as 万元 "
                                "(use --unit 元 if they are in yuan)"))
    if unit == "元":
        messages.append(Message(block.origin, block.start, "amounts converted from 元 to 万元: divided by 10,000 "
                                "with exact decimals and rounded half up to 0.01"))
    return unit, messages


def grid_cells(block: Block, layout: TableLayout, ctx: Context, unit: str) -> Cells:
    fields = ctx.fields(layout.resources[0].schema)
    if layout.parser == "two-sided":
        return parse_two_sided(block, fields, unit, ctx.classes, ctx.codelist)
    check = coded_problem(layout) if layout.parser == "coded" else rows_problem
    return parse_records(block, layout, fields, unit, check)


def source_note(block: Block) -> tuple[str, list[Message]]:
    """The publisher's own note under a table (说明：…); other stray text is reported."""
    notes, messages = [], []
    for row in block.notes:
        if NOTE.match(row.cells[0]):
            notes.append(row.cells[0])
        else:
            messages.append(Message(block.origin, row.line, "text inside the table, not imported", row.text,
                                    placed=False))
    return " ".join(notes), messages


def has_amounts(resources: dict[str, tuple[dict[str, str], ...]], amount_fields: dict[str, set[str]]) -> bool:
    return any(rec.get(f) for name, rows in resources.items() for rec in rows for f in amount_fields.get(name, ()))


def table_rows(block: Block, layout: TableLayout, table_id: str, ctx: Context,
               unit: str) -> tuple[dict[str, tuple[dict[str, str], ...]], list[Message]]:
    """The resources of one table, by its kind of layout."""
    if layout.parser == "overall-performance":
        form = parse_overall(block, unit)
        return dict(form.resources), list(form.messages)
    if layout.parser == "project-performance":
        form = parse_project(block, unit)
        return {f"{table_id}-{k}": v for k, v in form.resources.items()}, list(form.messages)
    cells = grid_cells(block, layout, ctx, unit)
    messages = list(cells.messages)
    if cells.rounded and unit == "万元":
        messages.append(Message(block.origin, block.start, f"{cells.rounded} figure(s) had more than two decimal "
                                "places and were rounded half up to 0.01"))
    return {layout.resources[0].name: cells.rows}, messages


def parse_block(block: Block, table_id: str, ctx: Context) -> ParsedTable:
    layout = BY_ID[block.layout]
    unit, messages = block_unit(block, ctx.unit, layout)
    note, stray = source_note(block)
    resources, more = table_rows(block, layout, table_id, ctx, unit)
    schemas = {r.name.format(id=table_id): r.schema for r in layout.resources}
    amounts = {name: {f.name for f in ctx.fields(schema) if f.is_amount} for name, schema in schemas.items()}
    status = "published" if has_amounts(resources, amounts) else "empty"
    if layout.parser == "project-performance":  # its own title is the table's title (信息化专项资金项目绩效目标表)
        title, printed = without_numbering(block.title), ""
    else:
        title, printed = layout.title, block.title
    return ParsedTable(table_id, layout.id, title, printed, (block.start, block.end), resources, status, note,
                       tuple(messages + stray + more), sheet=block.sheet)


def parse_blocks(doc: Document, ctx: Context) -> tuple[list[ParsedTable], list[Message]]:
    parsed: list[ParsedTable] = []
    messages: list[Message] = []
    seen: set[str] = set()
    letters = iter(string.ascii_lowercase)
    for block in doc.blocks:
        if block.layout == "t11":
            letter = next(letters, None)
            if letter is None:
                messages.append(Message(block.origin, block.start, "more than 26 project tables: not imported",
                                        block.title, placed=False))
                continue
            parsed.append(parse_block(block, f"t11{letter}", ctx))
        elif block.layout in seen:
            messages.append(Message(block.origin, block.start, f"second table recognised as {block.layout}: "
                                    "not imported", block.title, placed=False))
        else:
            seen.add(block.layout)
            parsed.append(parse_block(block, block.layout, ctx))
    return parsed, messages


def missing_table(layout: TableLayout, doc: Document) -> ParsedTable:
    """A standard table the body does not print: empty, and marked as listed-only if the contents list it."""
    names = [r.name.format(id=layout.id) for r in layout.resources]
    listed = doc.listed.get(layout.id)
    if listed:
        line, entry = listed
        message = Message(doc.origin, line, f"table {layout.id} is listed in the contents but not printed: left "
                          "empty and marked as listed-not-published (nothing reconstructed)", entry, placed=False)
        return ParsedTable(layout.id, layout.id, layout.title, entry, (line, line), dict.fromkeys(names, ()),
                           "empty", messages=(message,), missing=True)
    where = "workbook" if doc.kind == "xlsx" else "document"
    message = Message(doc.origin, None, f"table {layout.id} {layout.title} is not in the {where}: left empty",
                      placed=False)
    return ParsedTable(layout.id, layout.id, layout.title, "", (0, 0), dict.fromkeys(names, ()), "empty",
                       messages=(message,))


def complete(parsed: list[ParsedTable], doc: Document) -> list[ParsedTable]:
    """Tables 1-10 in order (missing ones empty), then the project tables (or table 11 as missing)."""
    by_id = {t.id: t for t in parsed}
    out = [by_id.get(t.id) or missing_table(t, doc) for t in standard_tables()]
    projects = [t for t in parsed if t.layout == "t11"]
    if projects:
        return out + projects
    t11 = BY_ID["t11"]
    return out + ([missing_table(t11, doc)] if "t11" in doc.listed else [])


# --- code tables -------------------------------------------------------------------------------------------


def code_tables(tables: list[ParsedTable], reference: Path, codelists: dict[str, str],
                origin: str) -> tuple[dict[str, tuple[dict[str, str], ...]], list[Message]]:
    """The budget's code tables: the rows of the reference lists for every code its tables print. A code the
    reference list lacks is reported: a misprint needs an erratum, a new code a line in the reference list."""
    out: dict[str, tuple[dict[str, str], ...]] = {}
    messages: list[Message] = []
    rows = {name: recs for t in tables for name, recs in t.resources.items()}
    for resource, sources in CODE_SOURCES.items():
        listname = codelists.get(resource, "")
        reference_list, _ = load_codelist(reference / listname) if listname else (None, [])
        known = reference_list.by_code() if reference_list else {}
        used: dict[str, str] = {}
        for name, field in sources:
            for rec in rows.get(name, ()):
                code = rec.get(field, "")
                if code and CODE.fullmatch(code):
                    used.setdefault(code, rec.get("_line", ""))
        for code, line in sorted(used.items()):
            if code not in known:
                messages.append(Message(origin, int(line) if line else None, f"code {code} is not in the reference "
                                        f"list {listname or '(none)'}: kept as printed; validation will flag it (a "
                                        "misprint needs an erratum, a new code a row in the reference list)",
                                        placed=False))
        out[resource] = tuple({k: "" if known[c][k] is None else str(known[c][k]) for k in known[c]}
                              for c in sorted(used) if c in known)
    return out, messages


def function_classes(reference: Path, codelists: dict[str, str]) -> dict[str, str]:
    """Class (3-digit) codes by name, to give the lines of tables 1 and 4 their function_code."""
    listname = codelists.get("codes-function", "")
    reference_list, _ = load_codelist(reference / listname) if listname else (None, [])
    if reference_list is None:
        return {}
    return {normal(str(r["name_zh"])): str(r["code"]) for r in reference_list.rows if len(str(r["code"])) == 3}


# --- the whole import --------------------------------------------------------------------------------------


def import_document(source: Path, folder: Path, reference: Path, unit: str | None = None,
                    replace_data: bool = False) -> ImportResult:
    if unit is not None and unit not in UNITS:
        raise ImportRefused(f"--unit must be 万元 or 元, not {unit!r}")
    if not source.is_file():
        raise ImportRefused(f"{source}: no such file")
    descriptor = check_folder(folder, replace_data)
    doc = read_document(source)
    codelists = dict(descriptor["x_budget"].get("codelists", {}))
    ctx = Context(folder, reference, unit, function_classes(reference, codelists),
                  codelists.get("codes-function", "(no function code list)"))
    parsed, messages = parse_blocks(doc, ctx)
    tables = complete(parsed, doc)
    codes, more = code_tables(tables, reference, codelists, doc.origin)
    narrative = to_markdown(doc.narrative) if doc.narrative else None
    written = write_atomically(folder, lambda work: write_import(work, source, doc, tables, codes, narrative,
                                                                 reference))
    notes = list(doc.messages) + messages + more
    if narrative is not None:
        first, last = doc.narrative[0][0], doc.narrative[-1][0]
        notes.append(Message(doc.origin, first, f"narrative (lines {first}-{last}) written to narrative/zh.md; "
                             "narrative/en.md left as it was (translate it by hand)"))
    clean_tables = tuple(replace(t, resources=strip_lines(t.resources)) for t in tables)
    return ImportResult(folder.name, written.source, written.sha256, clean_tables, tuple(notes))


def write_atomically(folder: Path, write: Callable[[Path], Written]) -> Written:
    """Write into a copy of the folder and swap it in: a failure half-way leaves the folder as it was."""
    work, old = folder.parent / f".{folder.name}.import", folder.parent / f".{folder.name}.old"
    for leftover in (work, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(folder, work)
    try:
        written = write(work)
        folder.rename(old)
        try:
            work.rename(folder)
        except OSError:
            old.rename(folder)
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return written


def strip_lines(resources: dict[str, tuple[dict[str, str], ...]]) -> dict[str, tuple[dict[str, str], ...]]:
    return {name: tuple({k: v for k, v in r.items() if not k.startswith("_")} for r in rows)
            for name, rows in resources.items()}

