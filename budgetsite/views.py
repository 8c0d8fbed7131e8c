"""View models: a validated budget turned into rows and cells ready for templates (no HTML here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from . import urls
from .catalogue import Catalogue
from .model import Budget, Check, Field, Resource, Table, Term, Text, Value, code_level, row_number
from .numerals import number_value
from .refs import RefError, as_text, parse_ref, resolve

HIDDEN_FIELDS = {"row", "side", "level", "kind"}
CHINESE_NUMBERING = re.compile(r"^\s*([一二三四五六七八九十]+)、")
# The printed heading of each side of a table printed in two halves (English from the term base).
SIDES = {"income": "收入", "expenditure": "支出", "personnel": "人员经费", "public": "公用经费"}


@dataclass(frozen=True)
class Column:
    name: str
    title: Text
    numeric: bool
    unit: str  # 元 or 万元 for an amount, as its table prints it; "" for other columns
    places: int  # decimal places an amount is printed with
    group: Text | None = None  # a heading spanning several columns, as in the printed table
    short: Text | None = None  # the column's own title under that heading


@dataclass(frozen=True)
class HeaderCell:
    title: Text
    colspan: int = 1
    rowspan: int = 1
    numeric: bool = False


def split_title(title: Text) -> tuple[Text | None, Text]:
    """`财政拨款 小计` / `Fiscal appropriations: subtotal` into the spanning heading and the column's own."""
    zh_group, _, zh_short = title.zh.rpartition(" ")
    en_group, _, en_short = title.en.rpartition(": ")
    if zh_group and en_group:
        return Text(zh_group, en_group), Text(zh_short, en_short)
    return None, title


def header_rows(columns: tuple[Column, ...]) -> tuple[tuple[HeaderCell, ...], ...]:
    """One header row, or two where columns share a spanning heading (财政拨款 over 小计/基本支出/项目支出)."""
    if not any(c.group for c in columns):
        return (tuple(HeaderCell(c.title, numeric=c.numeric) for c in columns),)
    top: list[HeaderCell] = []
    bottom: list[HeaderCell] = []
    for c in columns:
        if c.group is None:
            top.append(HeaderCell(c.title, rowspan=2, numeric=c.numeric))
        elif top and top[-1].title == c.group and top[-1].rowspan == 1:
            top[-1] = HeaderCell(c.group, top[-1].colspan + 1)
        else:
            top.append(HeaderCell(c.group))
        if c.group is not None and c.short is not None:
            bottom.append(HeaderCell(c.short, numeric=c.numeric))
    return tuple(top), tuple(bottom)


@dataclass(frozen=True)
class CellView:
    value: Value
    numeric: bool
    text: Text  # for text cells: the published Chinese and its English translation, if any
    as_published: str = ""  # set where an erratum corrected this cell


@dataclass(frozen=True)
class RowView:
    anchor: str
    cells: tuple[CellView, ...]
    level: int
    total: bool


@dataclass(frozen=True)
class RowGroup:
    caption: Text | None
    rows: tuple[RowView, ...]


@dataclass(frozen=True)
class ResourceView:
    name: str
    title: Text
    columns: tuple[Column, ...]
    header: tuple[tuple[HeaderCell, ...], ...]
    groups: tuple[RowGroup, ...]
    row_count: int
    unit: str  # the table's printed unit where it has amounts, else ""
    csv: str
    json: str
    code_scheme: str = ""  # the scheme of the code pages its `code` cells link to; "" for none


@dataclass(frozen=True)
class TermView:
    label: Text
    table_id: str  # the table page showing the cell, "" for a computed term
    anchor: str
    value: Decimal | None
    places: int  # as printed


@dataclass(frozen=True)
class CheckView:
    check: Check
    left: tuple[TermView, ...]
    right: tuple[TermView, ...]
    note: Text | None = None  # the dataset's statement of the source problem a `noted` check shows


@dataclass(frozen=True)
class SourceNoteView:
    """A problem of the source, stated by the dataset (source-notes): where it is and what it is."""

    id: str
    page: int | None
    text: Text
    table: str  # the table of the cell it names, or the table it is about ("" for a note on the document)
    anchor: str  # that cell's row on the table page
    quote: str = ""  # the narrative's words where it is, as printed


class Labels:
    """English for codes (from the code lists), for text cells (from the dataset's translations) and for the
    sides of two-sided tables (from the term base)."""

    def __init__(self, budget: Budget, catalogue: Catalogue, narrative: Text):
        self.codes = budget.code_names_en()
        self.texts = budget.translations_en()
        self.terms = catalogue.terms
        self.narrative = narrative  # how a check names a figure of the narrative (the UI's own name for it)

    def text(self, zh: str) -> Text:
        return Text(zh, self.texts.get(zh, ""))

    def side(self, side: str) -> Text:
        zh = SIDES.get(side, side)
        return Text(zh, self.terms.en(zh, "table side") if zh in self.terms.terms else "")

    def name(self, code: str, zh: str) -> Text:
        return Text(zh, self.codes.get(code, "") or self.texts.get(zh, ""))

    def class_line(self, code: str, zh: str) -> Text:
        """A line of a two-sided table that names a function class (九、卫生健康支出): the code list's English
        name, numbered as printed (9. Health)."""
        name = self.codes.get(code, "")
        m = CHINESE_NUMBERING.match(zh)
        number = number_value(m[1]) if m else 0
        return Text(zh, f"{number}. {name}" if name and number else name)


def row_level(row: dict[str, Value]) -> int:
    code = as_text(row.get("code"))
    if code:
        return code_level(code)
    level = row.get("level")
    return max(int(level) - 1, 0) if isinstance(level, int) else 0


def is_total(row: dict[str, Value]) -> bool:
    if row.get("kind") in ("subtotal", "total"):
        return True
    return "code" in row and not row.get("code") and str(row.get("name") or "").startswith("合计")


def visible(resource: Resource) -> tuple[Field, ...]:
    return tuple(f for f in resource.fields if f.name not in HIDDEN_FIELDS)


def anchor(resource: str, index: int) -> str:
    return f"{resource}-r{index + 1}"


def cell_view(f: Field, row: dict[str, Value], labels: Labels, published: str) -> CellView:
    value = row[f.name]
    if f.type in ("number", "integer"):
        return CellView(value, True, Text(""), published)
    text = as_text(value)
    if f.name == "name" and row.get("code"):
        label = labels.name(as_text(row["code"]), text)
    elif f.name == "label" and row.get("function_code") and not labels.texts.get(text):
        label = labels.class_line(as_text(row["function_code"]), text)
    elif f.name in ("code", "function_code", "unit_code", "derived_from", "operator") or not text:
        label = Text(text)
    else:
        label = labels.text(text)
    return CellView(value, False, label, published)


def resource_view(budget: Budget, resource: Resource, labels: Labels,
                  errata: dict[tuple[str, int, str], str], code_scheme: str = "") -> ResourceView:
    fields = visible(resource)
    columns = tuple(Column(f.name, f.title, f.type in ("number", "integer"), f.unit, f.places, *split_title(f.title))
                    for f in fields)

    def rows_of(indices: list[int]) -> tuple[RowView, ...]:
        out = []
        for i in indices:
            row = resource.rows[i]
            number = row_number(row, i)
            cells = tuple(cell_view(f, row, labels, errata.get((resource.name, number, f.name), "")) for f in fields)
            out.append(RowView(anchor(resource.name, i), cells, row_level(row), is_total(row)))
        return tuple(out)

    indices = list(range(len(resource.rows)))
    if "side" in resource.field_names:
        groups = tuple(RowGroup(labels.side(side), rows_of([i for i in indices if resource.rows[i]["side"] == side]))
                       for side in dict.fromkeys(as_text(r["side"]) for r in resource.rows))
    else:
        groups = (RowGroup(None, rows_of(indices)),)
    unit = next((c.unit for c in columns if c.unit), "")
    return ResourceView(resource.name, resource.title, columns, header_rows(columns), groups, len(resource.rows), unit,
                        urls.package_file(budget.slug, resource.path), urls.json_file(budget.slug, resource.name),
                        code_scheme)


def term_view(budget: Budget, term: Term, labels: Labels) -> TermView:
    if term.cell is None:
        return TermView(Text(term.label), "", "", term.value, term.places)
    res = budget.resources[term.cell.resource]
    row = res.rows[term.cell.row]
    field = res.field(term.cell.field)
    table = budget.table_of(res.name)
    code = as_text(row.get("code"))
    if code:
        what = labels.name(code, as_text(row.get("name")))
        what = Text(f"{code} {what.zh}", f"{code} {what.en or what.zh}")
    else:
        desc = next((as_text(row[k]) for k in ("label", "name", "category", "quote", "project", "indicator")
                     if k in row and row[k]), f"#{term.cell.row + 1}")
        what = labels.text(desc)
        if not what.en and row.get("function_code") and desc == as_text(row.get("label")):
            what = labels.class_line(as_text(row["function_code"]), desc)
        if not what.en and res.name == "narrative-figures" and row.get("source_line"):
            # a figure the statements reader found (untranslated quote): named by where it is stated
            what = Text(desc, f"figure {as_text(row['id'])}, line {as_text(row['source_line'])}")
    if table:
        where = table.label
    elif res.name == "narrative-figures":
        where = labels.narrative
    else:
        where = Text(res.name, res.name)
    label = Text(f"{where.zh} · {what.zh} · {field.title.zh}",
                 f"{where.en} · {what.en or what.zh} · {field.title.en or field.title.zh}")
    return TermView(label, table.id if table else "", anchor(res.name, term.cell.row), term.value, term.places)


NOTES = "source-notes"


def source_note_cells(budget: Budget) -> dict[tuple[str, int, str], Text]:
    """The note text of each cell the dataset's source-notes name."""
    out: dict[tuple[str, int, str], Text] = {}
    for row in budget.resources[NOTES].rows if NOTES in budget.resources else ():
        try:
            cell, _ = resolve(budget, parse_ref(as_text(row.get("cell")))) if row.get("cell") else (None, None)
        except RefError:
            continue  # validation reports it
        if cell is not None:
            out[(cell.resource, cell.row, cell.field)] = Text(as_text(row["note_zh"]), as_text(row["note_en"]))
    return out


def source_notes(budget: Budget) -> tuple[SourceNoteView, ...]:
    if NOTES not in budget.resources:
        return ()
    out = []
    for row in budget.resources[NOTES].rows:
        table, link = as_text(row.get("table")), ""
        try:
            if row.get("cell"):
                cell, _ = resolve(budget, parse_ref(as_text(row["cell"])))
                owner = budget.table_of(cell.resource)
                table, link = (owner.id, anchor(cell.resource, cell.row)) if owner else ("", "")
        except RefError:
            pass
        page = row.get("page")
        out.append(SourceNoteView(as_text(row["id"]), int(page) if isinstance(page, int) else None,
                                  Text(as_text(row["note_zh"]), as_text(row["note_en"])), table, link,
                                  as_text(row.get("quote"))))
    return tuple(out)


def check_views(budget: Budget, checks: tuple[Check, ...], labels: Labels) -> tuple[CheckView, ...]:
    notes = source_note_cells(budget)

    def note(c: Check) -> Text | None:
        cell = next((t.cell for t in c.left if t.cell), None)
        return notes.get((cell.resource, cell.row, cell.field)) if c.status == "noted" and cell else None

    return tuple(CheckView(c, tuple(term_view(budget, t, labels) for t in c.left),
                           tuple(term_view(budget, t, labels) for t in c.right), note(c)) for c in checks)


def table_checks(checks: tuple[CheckView, ...], table: Table) -> tuple[CheckView, ...]:
    return tuple(c for c in checks if table.id in c.check.tables)
