"""Frozen values handed between the import steps: read (text.py, xlsx.py, pdf.py) -> parse (grid.py,
forms.py) -> write (write.py). Nothing here does I/O."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """One thing the report tells the publisher. `placed=False`: content that was not imported.

    Located as precisely as the source allows: the file (or `book.xlsx[sheet]`), the page of a PDF, the line
    of a text or the row of a sheet (for a PDF, the row's position on its page), and the table."""

    origin: str
    line: int | None
    message: str
    text: str = ""
    placed: bool = True
    page: int | None = None
    table: str = ""

    def format(self) -> str:
        where = [self.origin]
        if self.page:
            where.append(f"page {self.page}")
        if self.table:
            where.append(f"table {self.table}")
        if self.line:
            where.append(f"row {self.line}" if self.page else f"line {self.line}")
        shown = f": {self.text[:160]!r}" if self.text else ""
        return f"{': '.join(where)}: {self.message}{shown}"


@dataclass(frozen=True)
class Row:
    """A row of cells as printed: a tab-separated line, a worksheet row, or a row of a PDF table."""

    line: int
    cells: tuple[str, ...]
    text: str
    page: int | None = None
    covered: tuple[str, ...] = ()  # per column, the text of the merged cell covering it (PDF tables), if known

    def cell(self, i: int) -> str:
        return self.cells[i] if 0 <= i < len(self.cells) else ""

    @property
    def blank(self) -> bool:
        """No figure and no name: empty, or only the source's 无 (none) where an empty table prints one."""
        return all(c.strip() in ("", "无") for c in self.cells)


@dataclass(frozen=True)
class Block:
    """One annex table as found in the document: its title and everything printed under it."""

    kind: str  # its table kind in the catalogue; "" when the title is not recognised
    title: str  # as printed
    origin: str
    start: int  # line (text), row (sheet) or page (PDF) of the title
    end: int  # of the table's last row
    unit: str  # its own unit line: 万元 | 元 | "" (none printed)
    rows: tuple[Row, ...]  # the table's rows (header rows first)
    notes: tuple[Row, ...] = ()  # text lines inside the block that are no rows: 说明, subtitles, ...
    under: tuple[str, ...] = ()  # the text printed under the table (a PDF's notes), each note as printed
    sheet: str = ""  # the worksheet (workbook imports); `start`/`end` are then its row numbers
    number: str = ""  # the numbering printed with its title (表五, 5.), "" if none
    pages: tuple[int, int] = (0, 0)  # first and last page (PDF imports)
    publisher: str = ""  # the 编制部门 / 编制单位 line printed above the table, as printed

    @property
    def title_line(self) -> int | None:
        """The line or sheet row of its title, for messages (None in a PDF, where the page says where)."""
        return None if self.pages[0] else self.start

    @property
    def first_page(self) -> int | None:
        return self.pages[0] or None


@dataclass(frozen=True)
class Listed:
    """An entry of the document's own list of tables (the contents)."""

    line: int
    text: str  # as printed, without list bullets
    kind: str
    number: str  # as printed: 五, 5


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the narrative as printed (its wrapped lines joined), or a table printed in it (`rows`)."""

    start: int  # its line (text) or page (PDF)
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    centred: bool = False  # printed as a centred title: the head of a part


@dataclass(frozen=True)
class Document:
    """What the reader found in one source file."""

    origin: str
    kind: str  # text | xlsx | pdf
    title: str  # the document's own title, e.g. 2024年度厦门市住房公积金中心部门预算
    blocks: tuple[Block, ...]
    listed: tuple[Listed, ...]  # the contents' table entries, in order
    narrative: tuple[Paragraph, ...]
    messages: tuple[Message, ...] = ()
    cover: dict[str, str] = field(default_factory=dict)  # publisher, year, document kind read from the cover


@dataclass(frozen=True)
class ParsedPart:
    """One part of a table (one resource): the columns the table prints, and its rows as CSV text cells."""

    suffix: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class ParsedTable:
    """One annex table turned into its parts' rows."""

    id: str  # t + its printed number, zero-padded: t05; t11a, t11b where one number covers several tables
    number: str  # as printed
    kind: str
    title: str  # as printed, without its numbering
    lines: tuple[int, int]  # lines (text), rows (sheet) or pages (PDF) it spans in the source
    parts: tuple[ParsedPart, ...]
    status: str  # published | empty
    unit: str = ""
    precision: int = 2
    note: str = ""  # the publisher's own note under the table (说明：...)
    messages: tuple[Message, ...] = ()
    missing: bool = False  # listed in the contents, not printed
    sheet: str = ""  # the worksheet it was read from (workbook imports)
    printed_title: str = ""  # the body's own title where it differs from the contents' entry

    def resource(self, part: ParsedPart) -> str:
        return f"{self.id}-{part.suffix}" if part.suffix else self.id

    @property
    def resources(self) -> dict[str, tuple[dict[str, str], ...]]:
        return {self.resource(p): p.rows for p in self.parts}


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
