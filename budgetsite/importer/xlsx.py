"""Read a workbook with one sheet per annex table, laid out as the published tables are: a title row, a unit
row (单位：万元), one or more header rows (merged cells read as blank, as in the printed tables), then the
rows. Each sheet becomes a `Block` whose line numbers are the sheet's row numbers. A sheet whose title names
no standard table is reported with every row it holds."""

from __future__ import annotations

from pathlib import Path

from .cells import NOTE, SUBTITLE, display, unit_of
from .model import Block, Document, Message, Row
from .titles import recognise


class WorkbookError(ValueError):
    pass


def read_workbook(path: Path) -> Document:
    import openpyxl  # imported here: only `import` needs it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or non-xlsx file
        raise WorkbookError(f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    blocks, messages = [], []
    try:
        for sheet in book.worksheets:
            origin = f"{path.name}[{sheet.title}]"
            rows = [(n, tuple(display(v).strip() for v in values))
                    for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
            block = sheet_block(rows, origin, sheet.title)
            if block is None:
                continue
            if block.layout:
                blocks.append(block)
            else:
                messages += unrecognised_sheet(block)
        title = (book.properties.title or "").strip() if book.properties else ""
    finally:
        book.close()
    return Document(path.name, "xlsx", title or path.stem, tuple(blocks), {}, (), tuple(messages))


def trimmed(cells: tuple[str, ...]) -> tuple[str, ...]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def sheet_block(rows: list[tuple[int, tuple[str, ...]]], origin: str, name: str) -> Block | None:
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
    return Block(recognise(title), title, origin, start, end, unit, tuple(table_rows), tuple(notes), name)


def unrecognised_sheet(block: Block) -> list[Message]:
    head = Message(block.origin, block.start, "sheet title names no standard table: the sheet was not imported "
                   f"({len(block.rows)} rows)", block.title, placed=False)
    return [head] + [Message(block.origin, r.line, "row of an unrecognised sheet, not imported", r.text,
                             placed=False) for r in block.rows]
