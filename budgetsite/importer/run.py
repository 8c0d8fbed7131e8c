"""`build.py import`: read a source document, turn each recognised table into rows, write the folder.

read (text.py | xlsx.py | pdf.py) -> recognise each table's kind (catalogue) -> parse it by its kind's layout
(grid.py, forms.py) -> number it as printed -> code tables -> write (write.py). What cannot be placed is
collected as `Message`s with file, page, line and table, never guessed at. Figures are kept as printed, in
the unit their table prints; codes are kept as printed: a misprinted code is for a human to correct with an
erratum, so validation flags it.
"""

from __future__ import annotations

import shutil
import string
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..atomic import swap_folder
from ..catalogue import CLASSIFICATIONS, Catalogue, CatalogueError, TableKind, load_catalogue
from ..load import load_codelist
from ..model import UNITS
from .cells import CODE, NOTE, SUFFIXED, normal
from .errata import apply_errata
from .forms import FormResult, parse_overall, parse_project
from .grid import Cells, coded_problem, parse_economic_pairs, parse_records, parse_two_sided, rows_problem
from .model import Block, Document, ImportResult, Listed, Message, ParsedPart, ParsedTable
from .narrative import to_markdown
from .package import SOURCE_PLACEHOLDER, read_descriptor
from .pdf import PdfError, read_pages
from .pdflayout import read_layout
from .text import parse_text
from .titles import number_value, table_id, without_numbering
from .write import Written, write_import
from .xlsx import WorkbookError, read_workbook


class ImportRefused(ValueError):
    """The import did not start: the folder or the file is not usable. The message says what to do."""


# --- reading -----------------------------------------------------------------------------------------------


def read_document(path: Path, catalogue: Catalogue) -> Document:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportRefused(f"{path}: no such file")
    if suffix in (".xlsx", ".xlsm"):
        try:
            return read_workbook(path, catalogue)
        except WorkbookError as exc:
            raise ImportRefused(str(exc)) from None
    if suffix in (".xls", ".et"):
        raise ImportRefused(f"{path.name}: old binary spreadsheet format; save it as .xlsx and import that")
    if suffix == ".pdf":
        try:
            return read_layout(read_pages(path), path.name, catalogue)
        except PdfError as exc:
            raise ImportRefused(str(exc)) from None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{path.name}: not UTF-8 text (byte {exc.start}; is it GBK?): save it as UTF-8") from None
    return parse_text(text, path.name, catalogue)


def check_folder(folder: Path, replace_data: bool) -> dict[str, Any]:
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
    """What every table's parse needs: the catalogue, the --unit option, the function classes by name."""

    catalogue: Catalogue
    unit: str | None
    classes: dict[str, str]
    codelist: str


def block_unit(block: Block, option: str | None) -> tuple[str, list[Message]]:
    """The unit a table's amounts are printed in: its own 单位 line, a unit printed in its cells (a form), else
    the --unit option. With none of them nothing is guessed: the table's amounts cannot be placed."""
    messages = []
    cell_units = {m[2] for r in block.rows for c in r.cells if (m := SUFFIXED.fullmatch(c.strip()))}
    unit = block.unit or (cell_units.pop() if len(cell_units) == 1 else "")
    if unit and option and unit != option:
        messages.append(Message(block.origin, block.title_line, f"the table prints its unit as {unit}: used instead of "
                                f"--unit {option}", page=block.first_page))
    if not unit and option:
        unit = option
        messages.append(Message(block.origin, block.title_line, f"no unit printed: amounts read as {option} (--unit)",
                                page=block.first_page))
    return unit, messages


def source_note(block: Block) -> tuple[str, list[Message]]:
    """The publisher's own note under a table (说明：…, or all a PDF prints under it); other stray text inside
    the table is reported."""
    notes, messages = list(block.under), []
    for row in block.notes:
        if NOTE.match(row.cells[0]):
            notes.append(row.cells[0])
        else:
            messages.append(Message(block.origin, row.line, "text inside the table, not imported", row.text,
                                    placed=False, page=row.page))
    return " ".join(notes), messages


def parse_grid(block: Block, kind: TableKind, ctx: Context) -> Cells:
    part = kind.parts[0]
    if kind.layout == "two-sided":
        return parse_two_sided(block, part, ctx.classes, ctx.codelist)
    if kind.layout == "economic-pairs":
        return parse_economic_pairs(block, part)
    if kind.layout == "coded":
        return parse_records(block, part, coded_problem("code", "name"), "code", "name")
    label = "unit_name" if "unit_code" in part.names else ""
    return parse_records(block, part, rows_problem, "unit_code" if label else "", label)


def form_parts(kind: TableKind, form: FormResult) -> tuple[ParsedPart, ...]:
    return tuple(ParsedPart(p.suffix, p.names, form.parts.get(p.suffix, ())) for p in kind.parts)


PARSERS: dict[str, Callable[[Block, str, TableKind], FormResult]] = {
    "overall-performance": parse_overall,
    "project-performance": parse_project,
}


def table_parts(block: Block, kind: TableKind, ctx: Context, unit: str
                ) -> tuple[tuple[ParsedPart, ...], tuple[int, ...], list[Message]]:
    """The parts of one table, read by its kind's layout, the decimal places of its amounts, and messages."""
    if kind.layout in PARSERS:
        form = PARSERS[kind.layout](block, unit, kind)
        return form_parts(kind, form), form.places, list(form.messages)
    cells = parse_grid(block, kind, ctx)
    return (ParsedPart("", cells.columns, cells.rows),), cells.places, list(cells.messages)


def precision_of(places: tuple[int, ...], block: Block) -> tuple[int, list[Message]]:
    """The decimal places a table prints its amounts with (the most any of them has); figures printed with
    fewer are kept as printed, and reported: validation allows each its own rounding."""
    if not places:
        return 2, []
    most = max(places)
    fewer = sum(1 for p in places if p < most)
    if not fewer:
        return most, []
    return most, [Message(block.origin, block.title_line, f"{fewer} figure(s) printed with fewer decimal places than "
                          f"the table's {most}: kept as printed", page=block.first_page)]


def has_amounts(parts: tuple[ParsedPart, ...], kind: TableKind) -> bool:
    amounts = {c.name for p in kind.parts for c in p.columns if c.amount}
    return any(rec.get(f) for part in parts for rec in part.rows for f in amounts)


def empty_parts(kind: TableKind) -> tuple[ParsedPart, ...]:
    return tuple(ParsedPart(p.suffix, p.names, ()) for p in kind.parts)


def parse_block(block: Block, ctx: Context) -> ParsedTable:
    kind = ctx.catalogue.kind(block.kind)
    unit, messages = block_unit(block, ctx.unit)
    note, stray = source_note(block)
    amounts = any(c.amount for p in kind.parts for c in p.columns)
    if amounts and not unit:
        messages.append(Message(block.origin, block.title_line, "no unit printed for this table (单位：元 or "
                                "单位：万元) and no --unit given: its amounts were not imported", block.title,
                                placed=False, page=block.first_page))
        parts: tuple[ParsedPart, ...] = empty_parts(kind)
        places: tuple[int, ...] = ()
    else:
        parts, places, more = table_parts(block, kind, ctx, unit)
        messages += more
    precision, notes = precision_of(places, block)
    status = "published" if has_amounts(parts, kind) else "empty"
    lines = block.pages if block.pages != (0, 0) else (block.start, block.end)
    return ParsedTable("", block.number, kind.id, block.title, lines, parts, status,
                       unit if amounts else "", precision, note, tuple(messages + notes + stray), sheet=block.sheet)


# --- numbering -----------------------------------------------------------------------------------------------


def numbered(tables: list[ParsedTable], listed: tuple[Listed, ...]) -> list[ParsedTable]:
    """Each table with its printed number (its title's, else its contents entry's, else its position) and its
    id; where one number covers several tables (one per project), they are t11a, t11b, ..."""
    entries: dict[str, list[Listed]] = {}
    for e in listed:
        entries.setdefault(e.kind, []).append(e)
    seen: dict[str, int] = {}
    out = []
    for position, t in enumerate(tables, start=1):
        k = seen.get(t.kind, 0)
        seen[t.kind] = k + 1
        of_kind = entries.get(t.kind, [])
        entry = of_kind[min(k, len(of_kind) - 1)] if of_kind else None
        number = t.number or (entry.number if entry else "")
        title = without_numbering(entry.text if entry and t.kind != "project-performance" else t.title)
        printed = t.title if title != t.title else ""  # the body's title as printed, numbering and all
        out.append(replace(t, id=table_id(number, position), number=number or str(position), title=title,
                           printed_title=printed))
    counts: dict[str, int] = {}
    for t in out:
        counts[t.id] = counts.get(t.id, 0) + 1
    letters: dict[str, int] = {}
    final = []
    for t in out:
        if counts[t.id] > 1:
            k = letters.get(t.id, 0)
            letters[t.id] = k + 1
            t = replace(t, id=f"{t.id}{string.ascii_lowercase[k]}")
        final.append(replace(t, messages=tuple(m if m.table else replace(m, table=t.id) for m in t.messages)))
    return final


def missing_tables(tables: list[ParsedTable], listed: tuple[Listed, ...], catalogue: Catalogue,
                   origin: str) -> list[ParsedTable]:
    """Tables the contents list but the body does not print: empty, marked listed-not-published."""
    printed = {t.kind for t in tables}
    out: list[ParsedTable] = []
    for e in listed:
        if e.kind in printed or any(t.kind == e.kind for t in out):
            continue
        kind = catalogue.kind(e.kind)
        message = Message(origin, e.line, f"table {e.number} ({kind.id}) is listed in the contents but not printed: "
                          "left empty and marked as listed-not-published (nothing reconstructed)", e.text,
                          placed=False)
        parts = empty_parts(kind)
        out.append(ParsedTable(table_id(e.number, 0), e.number, kind.id, without_numbering(e.text), (e.line, e.line),
                               parts, "empty", messages=(message,), missing=True))
    return out


def in_printed_order(tables: list[ParsedTable]) -> list[ParsedTable]:
    return sorted(tables, key=lambda t: (number_value(t.number) or 999, t.id))


# --- code tables -------------------------------------------------------------------------------------------


def code_tables(tables: list[ParsedTable], reference: Path, codelists: dict[str, str], catalogue: Catalogue,
                origin: str) -> tuple[dict[str, tuple[dict[str, str], ...]], list[Message]]:
    """The dataset's code tables: the rows of the reference lists for every code its tables print. A code the
    reference list lacks is reported: a misprint needs an erratum, a new code a line in the reference list."""
    out: dict[str, tuple[dict[str, str], ...]] = {}
    messages: list[Message] = []
    used: dict[str, dict[str, tuple[str, str, str]]] = {}
    for t in tables:
        kind = catalogue.kind(t.kind)
        for part, spec in zip(t.parts, kind.parts, strict=True):
            for column in spec.columns:
                if not column.codes:
                    continue
                resource = CLASSIFICATIONS[column.codes][2]
                for rec in part.rows:
                    code = rec.get(column.name, "")
                    if code and CODE.fullmatch(code):
                        used.setdefault(resource, {}).setdefault(code, (rec.get("_line", ""), rec.get("_page", ""),
                                                                        t.id))
    for resource in sorted({CLASSIFICATIONS[c][2] for c in CLASSIFICATIONS}):
        listname = codelists.get(resource, "")
        reference_list, _ = load_codelist(reference / listname) if listname else (None, [])
        known = reference_list.by_code() if reference_list else {}
        codes = used.get(resource, {})
        for code, (line, page, table) in sorted(codes.items()):
            if code not in known:
                messages.append(Message(origin, int(line) if line else None, page=int(page) if page else None,
                                        table=table, message=f"code {code} is not in the reference "
                                        f"list {listname or '(none)'}: kept as printed; validation will flag it (a "
                                        "misprint needs an erratum, a new code a row in the reference list)",
                                        placed=False))
        out[resource] = tuple({k: "" if known[c][k] is None else str(known[c][k]) for k in known[c]}
                              for c in sorted(codes) if c in known)
    return out, messages


def function_classes(reference: Path, codelists: dict[str, str]) -> dict[str, str]:
    """Class (3-digit) codes by name, to give the lines of two-sided tables their function_code."""
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
    try:
        catalogue = load_catalogue(reference.resolve())
    except CatalogueError as exc:
        raise ImportRefused(str(exc)) from None
    descriptor = check_folder(folder, replace_data)
    doc = read_document(source, catalogue)
    cover_notes = check_cover(doc, descriptor, catalogue, folder)
    codelists = dict(descriptor["x_budget"].get("codelists", {}))
    ctx = Context(catalogue, unit, function_classes(reference, codelists),
                  codelists.get("codes-function", "(no function code list)"))
    parsed = numbered([parse_block(b, ctx) for b in doc.blocks], doc.listed)
    tables = in_printed_order(parsed + missing_tables(parsed, doc.listed, catalogue, doc.origin))
    tables, corrected = apply_errata(tables, folder, doc.origin)
    codes, more = code_tables(tables, reference, codelists, catalogue, doc.origin)
    narrative = to_markdown(doc.narrative) if doc.narrative else None
    written = write_atomically(folder, lambda work: write_import(work, source, doc, tables, codes, narrative,
                                                                 reference, catalogue))
    notes = cover_notes + list(doc.messages) + publisher_notes(doc, tables) + corrected + more + list(written.notes)
    if narrative is not None:
        first, last = doc.narrative[0].start, doc.narrative[-1].start
        where = "pages" if doc.kind == "pdf" else "lines"
        notes.append(Message(doc.origin, None, f"narrative ({where} {first}-{last}) written to narrative/zh.md; "
                             "narrative/en.md left as it was (translate it by hand)"))
    clean = tuple(replace(t, parts=tuple(replace(p, rows=strip_lines(p.rows)) for p in t.parts)) for t in tables)
    return ImportResult(folder.name, written.source, written.sha256, clean, tuple(notes))


def check_cover(doc: Document, descriptor: dict[str, Any], catalogue: Catalogue, folder: Path) -> list[Message]:
    """Refuse a document whose cover names another year or kind of document than the folder holds; report a
    publisher on the cover other than the folder's department."""
    info = descriptor["x_budget"]
    cover = doc.cover
    if cover.get("year") and cover["year"] != str(info["year"]):
        raise ImportRefused(f"{doc.origin}: its cover says {cover['year']}, {folder.name} is a {info['year']} "
                            "budget: import it into the folder of its own year")
    if cover.get("document") and cover["document"] != info.get("document"):
        printed = catalogue.documents[cover["document"]].name.zh
        raise ImportRefused(f"{doc.origin}: its cover says {printed} ({cover['document']}), {folder.name} is a "
                            f"{info.get('document')}: import it into a folder of that kind (python build.py new "
                            "--template ...)")
    if cover.get("publisher") and cover["publisher"] != info.get("department"):
        return [Message(doc.origin, None, f"the cover names the publisher {cover['publisher']!r}, the folder's "
                        f"department is {info.get('department')!r}: check x_budget.department")]
    return []


def publisher_notes(doc: Document, tables: list[ParsedTable]) -> list[Message]:
    """A table headed with another publisher than the cover's (编制部门：…) is reported: the source says so."""
    cover = doc.cover.get("publisher", "")
    by_title = {(b.title, b.pages): b.publisher for b in doc.blocks}
    out = []
    for t in tables:
        printed = next((p for (title, pages), p in by_title.items() if pages == t.lines and p), "")
        if cover and printed and printed != cover:
            out.append(Message(doc.origin, None, f"the table is headed with the publisher {printed!r}, the cover "
                               f"names {cover!r}", placed=False, page=t.lines[0], table=t.id))
    return out


def write_atomically(folder: Path, write: Callable[[Path], Written]) -> Written:
    """Write into a copy of the folder and swap it in: a failure half-way leaves the folder as it was."""
    work = folder.parent / f".{folder.name}.import"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder, work)
    try:
        written = write(work)
        old = swap_folder(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return written


def strip_lines(rows: tuple[dict[str, str], ...]) -> tuple[dict[str, str], ...]:
    return tuple({k: v for k, v in r.items() if not k.startswith("_")} for r in rows)
