"""What a budget PDF's pages hold (pdf.py's `Page` values) as a `Document`: the cover, the contents, one `Block`
per printed table, and the narrative as paragraphs.

- The cover is the first page when it holds no table: its title gives the year and the document kind (the
  catalogue's `documents.json`), a labelled line (预算主管部门：…) or the title's words before the year the
  publisher.
- The contents start at a 目录 line and run on over pages that hold only headings.
- A table starts at a line whose text names a table kind (the catalogue's title variants), or at an
  unrecognised title followed by its unit line; its 编制部门 / 单位 line gives its publisher and unit. It runs
  on over the following pages while each page begins with a table as wide as its first one; a page's leading
  rows that repeat the table's header are dropped. Notes printed under it (注：…, 说明：…) are its notes.
- Everything else is narrative: lines joined into paragraphs where the print wraps them (a line that starts
  at the left margin, after a full line, continues the paragraph), centred lines as titles, tables as rows.
  Page numbers and text that a page repeats from the one before (a spreadsheet cell cut over two pages) go,
  and are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..catalogue import Catalogue
from .cells import NOTE, NUMBERING, SUBTITLE, unit_of
from .model import Block, Document, Listed, Message, Paragraph, Row
from .narrative import CLOSED, EXTRACTION_SPACE, heading_level
from .pdf import Grid, Line, Page
from .titles import printed_number, recognise

CONTENTS = re.compile(r"^目\s*录$")
PART = re.compile(r"^第[一二三四五六七八九十]+部分")
HEADING_LINE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
LEADERS = re.compile(r"\s*[…\.·．]{3,}.*$|\s+\d{1,3}$")
PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,4}[-—–\s]*$|^第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")
MARGIN_BAND = 0.08  # page numbers are looked for in the top and bottom 8% of a page
YEAR = re.compile(r"(\d{4})\s*年")
SENTENCE = re.compile(r"[。；]")
EMPTY_TABLE = "本表为空表"
LOOKAHEAD = 3  # items after a title within which its table must start
CENTRED_CLEARANCE = 4  # characters: a centred title keeps this far from both margins (an indent is 2)
BODY_SIZE = 12.0  # points: the body text of budget documents (10.5 to 15)
TITLE_SIZE = 1.4  # a line printed this many times larger than body text is a title
COLUMN_TOLERANCE = 2.0  # points: columns of a table continued on the next page start where they did
MARGIN_LINES = 8  # a page with this many lines of body text shows its own margins


@dataclass
class OpenBlock:
    title: str
    kind: str
    first_page: int
    last_page: int
    unit: str = ""
    publisher: str = ""
    width: int = 0
    lefts: tuple[float, ...] = ()
    header: tuple[tuple[str, ...], ...] = ()
    rows: list[Row] = field(default_factory=list)
    notes: list[Row] = field(default_factory=list)  # lines between its title and its rows
    under: list[str] = field(default_factory=list)  # what is printed under its rows, each note as printed


def read_layout(pages: tuple[Page, ...], origin: str, catalogue: Catalogue) -> Document:
    messages: list[Message] = []
    cover, title, after_cover = read_cover(pages, catalogue)
    listed, after_contents = read_contents(pages, after_cover, catalogue)
    labelled = publisher_line(catalogue)
    body = [lift_text_rows(strip_page(p, pages[i - 1] if i else None, origin, messages), catalogue, labelled)
            for i, p in enumerate(pages) if i >= after_contents]
    blocks, narrative_items, headings = walk(body, origin, catalogue, messages)
    messages += [heading_message(origin, page, text, cover.get("publisher", "")) for page, text in headings]
    for page in pages:
        if page.hidden:
            messages.append(Message(origin, None, f"{page.hidden} character(s) placed outside the page's printed "
                                    "area (not shown by a PDF viewer) were left out", page=page.number))
    narrative = paragraphs(narrative_items, {p.number: p for p in pages})
    return Document(origin, "pdf", title, tuple(b for b in blocks if b.kind), listed, narrative,
                    tuple(messages + [m for b in blocks if not b.kind for m in unrecognised(b)]), cover)


# --- cover and contents ---------------------------------------------------------------------------------------


def lines_of(page: Page) -> list[Line]:
    return [item for item in page.items if isinstance(item, Line)]


def read_cover(pages: tuple[Page, ...], catalogue: Catalogue) -> tuple[dict[str, str], str, int]:
    """(what the cover says, the document's title, index of the first page after the cover)."""
    first = pages[0]
    lines = lines_of(first)
    if any(isinstance(i, Grid) for i in first.items) or any(recognise(ln.text, catalogue) for ln in lines):
        return {}, "", 0
    labelled = publisher_line(catalogue)
    title_parts, publisher = [], ""
    for ln in lines:
        if CONTENTS.match(ln.text):
            break
        m = labelled.match(ln.text)
        if m:
            publisher = publisher or m["name"].strip()
        else:
            title_parts.append(ln.text)
    title = EXTRACTION_SPACE.sub("", "".join(title_parts))
    cover: dict[str, str] = {"title": title}
    if (year := YEAR.search(title)) is not None:
        cover["year"] = year[1]
        publisher = publisher or title[:year.start()].strip()
    if publisher:
        cover["publisher"] = publisher
    for kind in catalogue.documents.values():
        if any(word in title for word in kind.printed):
            cover["document"] = kind.id
            break
    contents_here = any(CONTENTS.match(ln.text) for ln in lines)
    return cover, title, 0 if contents_here else 1


def publisher_line(catalogue: Catalogue) -> re.Pattern[str]:
    labels = "|".join(sorted(map(re.escape, catalogue.publisher_labels), key=len, reverse=True))
    return re.compile(rf"^\s*(?:{labels})\s*[:：]\s*(?P<name>.+?)\s*(?=单位\s*[:：]|$)")


def page_texts(page: Page) -> list[str]:
    """Every text of a page in order: its lines, and each table row's cells joined (a contents set in a table)."""
    out: list[str] = []
    for item in page.items:
        out += [item.text] if isinstance(item, Line) else [" ".join(c for c in row if c) for row in item.rows]
    return [t.strip() for t in out if t.strip()]


def entries_of(texts: list[str]) -> list[str]:
    return [e for e in (LEADERS.sub("", t).strip() for t in texts) if e]


def read_contents(pages: tuple[Page, ...], start: int, catalogue: Catalogue) -> tuple[tuple[Listed, ...], int]:
    """The contents' table entries, and the index of the first page after the contents. The contents run on
    over pages of headings only (no sentence, no unit line), until a page repeats one of its entries: that is
    where the body begins."""
    begin = next((i for i in range(start, min(len(pages), start + 3))
                  if any(CONTENTS.match(t) for t in page_texts(pages[i]))), None)
    if begin is None:
        return (), start
    texts = page_texts(pages[begin])
    head = next(k for k, t in enumerate(texts) if CONTENTS.match(t))
    entries = [(pages[begin].number, e) for e in entries_of(texts[head + 1:])]
    end = begin + 1
    while end < len(pages):
        more = entries_of(page_texts(pages[end]))
        seen = {e for _, e in entries}
        if not more or any(SENTENCE.search(e) or e in seen or unit_of(e) for e in more):
            break
        entries += [(pages[end].number, e) for e in more]
        end += 1
    listed = [Listed(number, entry, kind, printed_number(entry)) for number, entry in entries
              if (kind := recognise(entry, catalogue))]
    return tuple(listed), end


# --- the body ---------------------------------------------------------------------------------------------------


def strip_page(page: Page, previous: Page | None, origin: str, messages: list[Message]) -> Page:
    """The page without its page number, and without leading lines that repeat the previous page's last ones."""
    band = page.height * MARGIN_BAND
    items = [i for i in page.items if not (isinstance(i, Line) and PAGE_NUMBER.match(i.text)
                                           and (i.top < band or i.top > page.height - band))]
    if previous is not None:
        repeated = repeated_lines(items, [i.text for i in previous.items if isinstance(i, Line)])
        if repeated:
            messages.append(Message(origin, None, f"the first {repeated} line(s) of the page repeat the end of the "
                                    "page before (text cut over two pages by the publisher's export): left out "
                                    "here, kept where first printed", items[0].text if isinstance(items[0], Line)
                                    else "", page=page.number))
            items = items[repeated:]
    return Page(page.number, page.width, page.height, tuple(items), page.chars, page.hidden)


def repeated_lines(items: list[Line | Grid], before: list[str]) -> int:
    """How many of the page's first lines are the previous page's last lines, in order (the most, at least
    two; 0 for none)."""
    head: list[str] = []
    for item in items:
        if not isinstance(item, Line):
            break
        head.append(item.text)
    for n in range(min(len(head), len(before)), 1, -1):
        if head[:n] == before[-n:]:
            return n
    return 0


def lift_text_rows(page: Page, catalogue: Catalogue, labelled: re.Pattern[str]) -> Page:
    """A table whose ruled grid also frames its title, unit line or notes (a spreadsheet printed with all
    borders): those rows are lines of text above or under the table, not rows of it."""
    items: list[Line | Grid] = []
    for item in page.items:
        if not isinstance(item, Grid):
            items.append(item)
            continue
        rows = list(item.rows)
        head: list[str] = []
        while rows and is_text_row(rows[0], catalogue, labelled, head=True):
            head.append(" ".join(c for c in rows.pop(0) if c))
        tail: list[str] = []
        while rows and is_text_row(rows[-1], catalogue, labelled, head=False):
            tail.insert(0, " ".join(c for c in rows.pop() if c))
        items += [Line(item.top, item.lefts[0] if item.lefts else 0.0, 0.0, 0.0, t) for t in head if t]
        if rows:
            first = len(head)
            covered = item.covered[first:first + len(rows)] if item.covered else ()
            items.append(Grid(item.top, item.bottom, tuple(rows), item.lefts, covered))
        items += [Line(item.bottom, item.lefts[0] if item.lefts else 0.0, 0.0, 0.0, t) for t in tail if t]
    return Page(page.number, page.width, page.height, tuple(items), page.chars, page.hidden)


def is_text_row(row: tuple[str, ...], catalogue: Catalogue, labelled: re.Pattern[str], head: bool) -> bool:
    filled = [c for c in row if c]
    if not filled:
        return head  # blank rows above the title go with it; blank rows at the end are the table's own
    text = " ".join(filled)
    if head:
        return len(filled) <= 2 and bool(recognise(filled[0], catalogue) or unit_of(text) or labelled.match(text))
    return len(filled) == 1 and bool(NOTE.match(text) or EMPTY_TABLE in text)


def walk(pages: list[Page], origin: str, catalogue: Catalogue, messages: list[Message]
         ) -> tuple[list[Block], list[tuple[int, Line | Grid]], list[tuple[int, str]]]:
    """The tables (as blocks), the narrative items (page, line or table) of the body pages, in order, and the
    headings printed above the tables (…年度部门决算表)."""
    blocks: list[Block] = []
    narrative: list[tuple[int, Line | Grid]] = []
    headings: list[tuple[int, str]] = []
    current: OpenBlock | None = None
    labelled = publisher_line(catalogue)

    def close() -> None:
        nonlocal current
        if current is not None:
            blocks.append(finish(current, origin))
            current = None

    for page in pages:
        items = list(page.items)
        for k, item in enumerate(items):
            if isinstance(item, Grid):
                if current is not None and (not current.rows or continues(current, item, k)):
                    add_grid(current, item, page.number)
                    continue
                if current is not None:
                    close()
                narrative.append((page.number, item))
                continue
            text = item.text
            kind = recognise(text, catalogue) if not NOTE.match(text) and heads_table(items, k, labelled) else ""
            if kind or is_unrecognised_title(items, k, labelled):
                close()
                if narrative and is_tables_heading(narrative[-1], page.number):
                    _, heading = narrative.pop()
                    headings.append((page.number, heading.text if isinstance(heading, Line) else ""))
                current = OpenBlock(text, kind, page.number, page.number)
                continue
            if current is not None and in_block(current, item, labelled, page.number):
                continue
            close()
            narrative.append((page.number, item))
    close()
    return blocks, narrative, headings


def heads_table(items: list[Line | Grid], k: int, labelled: re.Pattern[str]) -> bool:
    """True if a table follows the line on its page, with at most its unit line, its publisher line or a
    subtitle between them: a table title. (A sentence that names a table, 详见…绩效目标表, heads none.)"""
    for item in items[k + 1:k + 1 + LOOKAHEAD]:
        if isinstance(item, Grid):
            return True
        if not (unit_of(item.text) or labelled.match(item.text) or SUBTITLE.fullmatch(item.text)):
            return False
    return False


def is_unrecognised_title(items: list[Line | Grid], k: int, labelled: re.Pattern[str]) -> bool:
    """A line directly followed by a unit line and then a table, and neither a unit line nor a note: the title
    of a table whose kind the catalogue does not know."""
    item = items[k]
    text = item.text if isinstance(item, Line) else ""
    if not text or unit_of(text) or labelled.match(text) or NOTE.match(text) or SENTENCE.search(text):
        return False
    following = items[k + 1:k + 3]
    return (len(following) == 2 and isinstance(following[0], Line) and bool(unit_of(following[0].text))
            and isinstance(following[1], Grid))


def heading_message(origin: str, page: int, text: str, publisher: str) -> Message:
    """The tables' heading is not imported (the tables have their own pages); where it names another
    publisher than the cover, the report says so."""
    named = EXTRACTION_SPACE.sub("", text[:m.start()]).strip() if (m := YEAR.search(text)) else ""
    if publisher and named and named != publisher:
        return Message(origin, None, f"the heading above the tables names the publisher {named!r}, the cover "
                       f"{publisher!r}: the source's own inconsistency", text, placed=False, page=page)
    return Message(origin, None, "the heading printed above the tables (the tables part's title) is not repeated "
                   "in the narrative", text, page=page)


def is_tables_heading(entry: tuple[int, Line | Grid], page: int) -> bool:
    """A title line printed just above a table's own title on the same page (…年度部门决算表)."""
    number, item = entry
    return number == page and isinstance(item, Line) and not SENTENCE.search(item.text) and len(item.text) <= 40


def in_block(block: OpenBlock, line: Line, labelled: re.Pattern[str], page: int) -> bool:
    """Take a line that belongs to the open table (its unit and publisher line, a subtitle, a note); False for
    a line that ends the table."""
    text = line.text
    if not block.rows:
        if unit_of(text) or labelled.match(text):
            block.unit = block.unit or unit_of(text)
            if m := labelled.match(text):
                block.publisher = block.publisher or m["name"].strip()
            return True
        if SUBTITLE.fullmatch(text):
            return True
        block.notes.append(Row(0, (text,), text, page))
        return True
    if page != block.last_page or heading_level(text) == 1 or is_part_title(line):
        return False
    if NOTE.match(text) or not block.under:  # a note, or the first line printed under the table
        block.under.append(text)
    else:  # the note runs on, or the source prints more under the table (a template's leftover instruction)
        block.under[-1] = join_wrapped(block.under[-1], text) if not block.under[-1].endswith(CLOSED) \
            else block.under[-1] + text
    return True


def is_part_title(line: Line) -> bool:
    """A title printed larger than body text (a part's title starting on the page under a table)."""
    return line.size >= TITLE_SIZE * BODY_SIZE and not SENTENCE.search(line.text)


def continues(block: OpenBlock, grid: Grid, k: int) -> bool:
    """A table that starts a page (nothing but its rows above it), under an open table with no note yet, whose
    columns start where the open table's do, runs that table on."""
    return k == 0 and bool(grid.rows) and not block.under and column_map(block, grid) is not None


def column_map(block: OpenBlock, grid: Grid) -> list[int] | None:
    """The open table's column for each column of `grid`, by their left edges (a page where a total row merges
    the code columns has fewer); None where a column starts at no column of the open table."""
    if len(grid.rows[0]) == block.width and (not grid.lefts or not block.lefts):
        return list(range(block.width))
    out = []
    for left in grid.lefts:
        match = next((i for i, x in enumerate(block.lefts) if abs(x - left) <= COLUMN_TOLERANCE), None)
        if match is None:
            return None
        out.append(match)
    return out


def add_grid(block: OpenBlock, grid: Grid, page: int) -> None:
    """The grid's rows, each numbered by its place on its page, in the open table's columns; a continued
    table's repeated header goes."""
    covered = list(grid.covered) or [()] * len(grid.rows)
    if not block.rows:
        block.width = len(grid.rows[0]) if grid.rows else 0
        block.lefts = grid.lefts
        block.header = grid.rows
        rows = list(grid.rows)
    else:
        where = column_map(block, grid) or list(range(block.width))
        rows = [placed(cells, where, block.width) for cells in grid.rows]
        covered = [placed(c, where, block.width) if c else () for c in covered]
    repeated = 0
    if block.rows:
        while repeated < len(rows) and repeated < len(block.header) and rows[repeated] == block.header[repeated] \
                and not any(is_figure(c) for c in rows[repeated]):
            repeated += 1
    for n in range(repeated, len(rows)):
        block.rows.append(Row(n + 1, rows[n], "\t".join(rows[n]), page, covered[n]))
    block.last_page = page


def placed(cells: tuple[str, ...], where: list[int], width: int) -> tuple[str, ...]:
    out = [""] * width
    for j, cell in enumerate(cells):
        out[where[j]] = cell
    return tuple(out)


def is_figure(cell: str) -> bool:
    return bool(re.fullmatch(r"-?[\d,]+(\.\d+)?", cell.strip()))


def finish(block: OpenBlock, origin: str) -> Block:
    return Block(block.kind, block.title, origin, block.first_page, block.last_page, block.unit, tuple(block.rows),
                 tuple(block.notes), tuple(block.under), number=printed_number(block.title),
                 pages=(block.first_page, block.last_page), publisher=block.publisher)


def unrecognised(block: Block) -> list[Message]:
    return [Message(block.origin, None, "table title not recognised: the table was not imported "
                    f"({len(block.rows)} rows, pages {block.pages[0]}-{block.pages[1]})", block.title,
                    placed=False, page=block.pages[0])]


# --- the narrative ------------------------------------------------------------------------------------------------


def paragraphs(items: list[tuple[int, Line | Grid]], pages: dict[int, Page]) -> tuple[Paragraph, ...]:
    """Narrative lines joined into paragraphs as the print wraps them; tables kept as rows. A line continues
    the paragraph above when it starts at the left margin under a full line; an indented, centred or larger
    line, or one under a short line or a title, starts a new one."""
    margins = text_margins(items, pages)
    out: list[Paragraph] = []
    last: Line | None = None
    for number, item in items:
        if isinstance(item, Grid):
            out.append(Paragraph(number, rows=item.rows))
            last = None
            continue
        page = pages[number]
        left, right = margins[number]
        centred = is_centred(item, left, right, page.width) or (is_part_title(item) and item.x0 > left + item.size)
        starts = (last is None or not out or bool(out[-1].rows) or out[-1].centred or centred
                  or is_part_title(item) or is_part_title(last) or bool(PART.match(item.text))
                  or new_paragraph(last, item, left, right))
        if starts:
            out.append(Paragraph(number, item.text, centred=centred))
        else:
            prev = out[-1]
            out[-1] = Paragraph(prev.start, join_wrapped(prev.text, item.text), centred=prev.centred)
        last = item
    return tuple(join_titles(out))


def new_paragraph(last: Line, line: Line, left: float, right: float) -> bool:
    """Whether a line starts a paragraph of its own after `last`. After a sentence's end it does where it is
    indented, numbered (（二）, 3.), or `last` stopped short of the right margin. After text that runs on (no
    closing punctuation) it continues (under a line a spreadsheet cell wrapped early, or on a hanging indent),
    unless `last` ends short and is a heading line (一、…, （一）…) or comes before one or before a numbered
    item, or both are indented lines of their own."""
    short = last.x1 < right - line.size * 2.5
    indented = line.x0 > left + line.size * 0.5
    if last.text.endswith(CLOSED):
        return indented or short or bool(NUMBERING.match(line.text))
    if PART.match(last.text) or (heading_like(last.text) and (short or indented)):
        return True  # a heading: a wrapped heading runs on at the left margin
    if heading_like(line.text) and line.x1 < right - line.size * 2.5:
        return True  # a heading line of its own
    if short and NUMBERING.match(line.text):
        return True
    if line.x0 > last.x0 + line.size * 0.5:  # a hanging indent: the paragraph runs on
        return False
    return short and indented


def heading_like(text: str) -> bool:
    """A numbered title (一、…, （一）…) with no sentence in it: what a heading line looks like."""
    return bool(HEADING_LINE.match(text)) and not re.search(r"[。，；,;]", text) and len(text) <= 40


def text_margins(items: list[tuple[int, Line | Grid]], pages: dict[int, Page]) -> dict[int, tuple[float, float]]:
    """The left and right edges of the narrative's text on each page: the page's own where it has enough
    lines of body text to tell, else those of all pages of its width (portrait and landscape pages differ)."""
    by_page: dict[int, list[Line]] = {}
    for number, item in items:
        if isinstance(item, Line) and not is_part_title(item):
            by_page.setdefault(number, []).append(item)
    by_width: dict[float, tuple[float, float]] = {}
    for number, lines in by_page.items():
        left, right = by_width.get(pages[number].width, (lines[0].x0, lines[0].x1))
        by_width[pages[number].width] = (min([left, *(ln.x0 for ln in lines)]),
                                         max([right, *(ln.x1 for ln in lines)]))
    out = {}
    for number, page in pages.items():
        lines = by_page.get(number, [])
        if len(lines) >= MARGIN_LINES:
            out[number] = (min(ln.x0 for ln in lines), max(ln.x1 for ln in lines))
        else:
            out[number] = by_width.get(page.width, (0.0, page.width))
    return out


def is_centred(line: Line, left: float, right: float, width: float) -> bool:
    """Set in the middle of the page, well clear of both margins (more than a paragraph's indent), and no
    sentence: a title."""
    clear = line.size * CENTRED_CLEARANCE
    return (line.x0 > left + clear and line.x1 < right - clear and not SENTENCE.search(line.text)
            and "，" not in line.text and abs((line.x0 + line.x1) / 2 - width / 2) < line.size * 2)


def join_wrapped(text: str, more: str) -> str:
    latin = text[-1:].isascii() and text[-1:].isalpha() and more[:1].isascii() and more[:1].isalpha()
    return text + (" " if latin else "") + more


def join_titles(paras: list[Paragraph]) -> list[Paragraph]:
    """A title printed on two lines (第三部分 …年度部门决算情况 / 说明) is one title."""
    out: list[Paragraph] = []
    for p in paras:
        prev = out[-1] if out else None
        if (prev is not None and p.centred and prev.start == p.start and (prev.centred or PART.match(prev.text))
                and not prev.text.endswith(CLOSED) and not SENTENCE.search(prev.text + p.text) and len(p.text) <= 12):
            out[-1] = Paragraph(prev.start, prev.text + p.text, centred=True)
        else:
            out.append(p)
    return out
