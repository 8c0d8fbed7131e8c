"""Frozen values handed between the import steps: read (text.py, xlsx.py) -> parse (grid.py, forms.py) ->
write (write.py). Nothing here does I/O."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """One thing the report tells the publisher. `placed=False`: content that was not imported."""

    origin: str  # file name, or `book.xlsx[sheet]`
    line: int | None
    message: str
    text: str = ""
    placed: bool = True

    def format(self) -> str:
        where = self.origin + (f":{self.line}" if self.line else "")
        shown = f": {self.text[:160]!r}" if self.text else ""
        return f"{where}: {self.message}{shown}"


@dataclass(frozen=True)
class Row:
    """A row of cells as printed: a tab-separated line, or a worksheet row."""

    line: int
    cells: tuple[str, ...]
    text: str

    def cell(self, i: int) -> str:
        return self.cells[i] if 0 <= i < len(self.cells) else ""

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass(frozen=True)
class Block:
    """One annex table as found in the document: its title and everything printed under it."""

    layout: str  # standard table id (t01 ... t11); "" when the title is not recognised
    title: str  # as printed
    origin: str
    start: int  # line of the title
    end: int  # last non-blank line of the table
    unit: str  # unit row: 万元 | 元 | "" (none printed)
    rows: tuple[Row, ...]  # the table's rows (header rows first)
    notes: tuple[Row, ...] = ()  # text lines inside the block that are no rows: 说明, subtitles, ...
    sheet: str = ""  # the worksheet (workbook imports); `start`/`end` are then its row numbers


@dataclass(frozen=True)
class Document:
    """What the reader found in one source file."""

    origin: str
    kind: str  # text | xlsx
    title: str  # the document's own title, e.g. 2024年度厦门市住房公积金中心部门预算
    blocks: tuple[Block, ...]
    listed: dict[str, tuple[int, str]]  # table id -> (first line listing it in the contents, printed entry)
    narrative: tuple[tuple[int, str], ...]  # (line, text) of parts 1-3
    messages: tuple[Message, ...] = ()


@dataclass(frozen=True)
class ParsedTable:
    """One annex table turned into resource rows (each a dict of CSV text cells)."""

    id: str  # x_tables id: t01 ... t10, t11a, t11b, ...
    layout: str
    title: str  # standard title (or the printed one for a project table)
    printed_title: str
    lines: tuple[int, int]
    resources: dict[str, tuple[dict[str, str], ...]]
    status: str  # published | empty
    note: str = ""  # the publisher's own note under the table (说明：...)
    messages: tuple[Message, ...] = ()
    missing: bool = False  # listed in the contents, not printed
    sheet: str = ""  # the worksheet it was read from (workbook imports; `lines` are its row numbers)


@dataclass(frozen=True)
class ImportResult:
    folder: str
    source: str  # relative path of the copied source
    sha256: str
    tables: tuple[ParsedTable, ...]
    messages: tuple[Message, ...] = ()

    @property
    def not_placed(self) -> tuple[Message, ...]:
        return tuple(m for m in self.all_messages if not m.placed)

    @property
    def all_messages(self) -> tuple[Message, ...]:
        return self.messages + tuple(m for t in self.tables for m in t.messages)
