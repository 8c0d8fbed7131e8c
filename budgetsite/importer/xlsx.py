"""Read a workbook with one sheet per annex table, laid out as the published tables are: a title row, a unit
row (单位：万元), one or more header rows (merged cells read as blank, as in the printed tables), then the
rows. Each sheet becomes a `Block` whose line numbers are the sheet's row numbers. A sheet titled 目录 lists
the tables with their printed numbers, as a document's contents do. A sheet whose title names no kind of
table is reported with every row it holds."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..catalogue import Catalogue
from .cells import NOTE, SUBTITLE, display, unit_of
from .model import Block, Document, Listed, Message, Row
from .titles import printed_number, recognise


class WorkbookError(ValueError):
    pass


def read_workbook(path: Path, catalogue: Catalogue) -> Document:
    import openpyxl  # imported here: only `import` needs it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or non-xlsx file
        raise WorkbookError(f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    blocks, messages = [], []
    listed: list[Listed] = []
    try:
        for sheet in book.worksheets:
            origin = f"{path.name}[{sheet.title}]"
            rows = [(n, tuple(shown(c).strip() for c in cells))
                    for n, cells in enumerate(sheet.iter_rows(), start=1)]
            if contents_sheet(rows):
                listed += contents(rows, catalogue)
                continue
            block = sheet_block(rows, origin, sheet.title, catalogue)
            if block is None:
                continue
            if block.kind:
                blocks.append(block)
            else:
                messages += unrecognised_sheet(block)
        title = (book.properties.title or "").strip() if book.properties else ""
    finally:
        book.close()
    return Document(path.name, "xlsx", title or path.stem, tuple(blocks), tuple(listed), (), tuple(messages))


CONTENTS = "目录"


def contents_sheet(rows: list[tuple[int, tuple[str, ...]]]) -> bool:
    first = next((c for _, cells in rows for c in cells if c), "")
    return first.replace(" ", "") == CONTENTS


def contents(rows: list[tuple[int, tuple[str, ...]]], catalogue: Catalogue) -> list[Listed]:
    """The tables a 目录 sheet lists, each with its printed number (一、…, 1. …)."""
    out = []
    for n, cells in rows:
        text = next((c for c in cells if c), "")
        kind = recognise(text, catalogue) if text.replace(" ", "") != CONTENTS else ""
        if kind:
            out.append(Listed(n, text, kind, printed_number(text)))
    return out


FORMAT_PLACES = re.compile(r"0\.(0+)")


def shown(cell: object) -> str:
    """A cell as the sheet shows it: a number with the decimal places its number format prints (#,##0.00 ->
    two), so that an amount keeps its printed precision; other cells as their value."""
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        m = FORMAT_PLACES.search(fmt)
        if m:
            return f"{Decimal(repr(value)):.{len(m[1])}f}"
        if fmt.startswith("#,##0") or fmt == "0":
            return f"{Decimal(repr(value)):.0f}"
    return display(value)


def trimmed(cells: tuple[str, ...]) -> tuple[str, ...]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def sheet_block(rows: list[tuple[int, tuple[str, ...]]], origin: str, name: str, catalogue: Catalogue) -> Block | None:
    filled = [(n, trimmed(c)) for n, c in rows if any(c)]
    if not filled:
        return None
    (start, title_cells), rest = filled[0], filled[1:]
    title = next(c for c in title_cells if c)
    unit = next((unit_of(c) for c in title_cells if unit_of(c)), "")
    table_rows, notes = [], []
    for n, cells in rest:
        text = "\t".join(cells)
        only = [c for c in cells if c]
        if len(only) == 1 and not unit and unit_of(only[0]):
            unit = unit_of(only[0])
        elif len(only) == 1 and SUBTITLE.fullmatch(only[0]):
            continue
        elif len(only) == 1 and cells[0] and NOTE.match(cells[0]):
            notes.append(Row(n, (cells[0],), text))
        else:
            table_rows.append(Row(n, cells, text))
    end = filled[-1][0]
    width = max((len(r.cells) for r in table_rows), default=0)  # as printed: every row spans the table
    table_rows = [Row(r.line, r.cells + ("",) * (width - len(r.cells)), r.text) for r in table_rows]
    return Block(recognise(title, catalogue), title, origin, start, end, unit, tuple(table_rows), tuple(notes),
                 sheet=name, number=printed_number(title))


def unrecognised_sheet(block: Block) -> list[Message]:
    head = Message(block.origin, block.start, "sheet title names no kind of table: the sheet was not imported "
                   f"({len(block.rows)} rows)", block.title, placed=False)
    return [head] + [Message(block.origin, r.line, "row of an unrecognised sheet, not imported", r.text,
                             placed=False) for r in block.rows]
