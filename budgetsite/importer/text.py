"""Read the plain text of a budget document (as extracted from its PDF, table cells separated by tabs) into a
`Document`: the contents' list of annex tables, the narrative parts, and one `Block` per printed table.

A line whose text names a standard table is a table's title when a unit line or a tab-separated row follows
it (blank lines and a `(2024年度)` subtitle may come between); otherwise it is an entry of a list of tables,
such as the contents. Nothing is dropped silently: a tab row outside any recognised table is reported.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..catalogue import Catalogue
from .cells import NOTE, SUBTITLE, unit_of
from .model import Block, Document, Listed, Message, Row
from .narrative import text_paragraphs
from .titles import printed_number, recognise, without_numbering

PART = re.compile(r"^\s*第([一二三四五六七八九十]+)\s*部分")
LOOKAHEAD = 6  # lines after a title within which its unit line or first row must appear


def read_text(path: Path, catalogue: Catalogue) -> Document:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    return parse_text(text, path.name, catalogue)


def split_lines(text: str) -> list[str]:
    return [line.rstrip("\r") for line in text.split("\n")]


def parse_text(text: str, origin: str, catalogue: Catalogue) -> Document:
    lines = split_lines(text)
    annex = part_start(lines, "四")
    body = body_start(lines, annex)
    starts = table_starts(lines, annex, catalogue)
    blocks = [read_block(lines, i, end, kind, origin) for i, end, kind in spans(lines, starts, annex)]
    messages = [m for b in blocks if not b.kind for m in unrecognised(b)]
    messages += stray_rows(lines, annex, starts, origin)
    narrative_end = annex if annex is not None else (starts[0][0] if starts else len(lines))
    narrative = () if body is None else text_paragraphs(tuple((n + 1, lines[n]) for n in range(body, narrative_end)))
    return Document(origin, "text", document_title(lines), tuple(b for b in blocks if b.kind),
                    listings(lines, starts, catalogue), narrative, tuple(messages))


def document_title(lines: list[str]) -> str:
    for line in lines:
        if line.strip():
            return re.sub(r"\s+", "", line)
    return ""


def part_start(lines: list[str], numeral: str) -> int | None:
    """Index of the body's heading of a part (the last one printed: the contents lists it first)."""
    hits = [i for i, line in enumerate(lines) if (m := PART.match(line)) and m[1] == numeral]
    return hits[-1] if hits else None


def body_start(lines: list[str], annex: int | None) -> int | None:
    """Index of the first line of the narrative: the body's 第一部分, after the contents (None: no narrative)."""
    limit = annex if annex is not None else len(lines)
    hits = [i for i in range(limit) if (m := PART.match(lines[i])) and m[1] == "一"]
    return hits[-1] if hits else None


def is_table_start(lines: list[str], i: int) -> bool:
    """A title line followed, within a few lines, by a unit line or a tab row."""
    for j in range(i + 1, min(i + 1 + LOOKAHEAD, len(lines))):
        line = lines[j]
        if "\t" in line or unit_of(line):
            return True
        if line.strip() and not SUBTITLE.fullmatch(line.strip()):
            return False
    return False


def is_title_like(line: str) -> bool:
    text = line.strip()
    return not (SUBTITLE.fullmatch(text) or unit_of(text) or NOTE.match(text) or PART.match(text))


def table_starts(lines: list[str], annex: int | None, catalogue: Catalogue) -> list[tuple[int, str]]:
    """(index, kind or "") of every table title; "" marks a table whose title is not recognised."""
    out = []
    for i, line in enumerate(lines):
        if "\t" in line or not line.strip() or not is_title_like(line) or not is_table_start(lines, i):
            continue
        kind = recognise(line.strip(), catalogue)
        if kind or (annex is not None and i > annex):
            out.append((i, kind))
    return out


def spans(lines: list[str], starts: list[tuple[int, str]], annex: int | None) -> list[tuple[int, int, str]]:
    out = []
    for k, (i, table_id) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        heading = next((j for j in range(i + 1, end) if PART.match(lines[j])), end)
        out.append((i, heading, table_id))
    return out


def read_block(lines: list[str], i: int, end: int, kind: str, origin: str) -> Block:
    rows, notes, unit = [], [], ""
    last = i
    for j in range(i + 1, end):
        line = lines[j]
        if not line.strip():
            continue
        last = j
        if "\t" in line:
            cells = tuple(c.strip() for c in line.split("\t"))
            if not unit and sum(1 for c in cells if c) == 1 and unit_of(next(c for c in cells if c)):
                unit = unit_of(line)
                continue
            rows.append(Row(j + 1, cells, line))
        elif not unit and unit_of(line):
            unit = unit_of(line)
        elif not SUBTITLE.fullmatch(line.strip()):
            notes.append(Row(j + 1, (line.strip(),), line))
    title = lines[i].strip()
    return Block(kind, title, origin, i + 1, last + 1, unit, tuple(rows), tuple(notes), number=printed_number(title))


def unrecognised(block: Block) -> list[Message]:
    head = Message(block.origin, block.start, "table title not recognised: the table was not imported "
                   f"({len(block.rows)} rows, lines {block.start}-{block.end})", block.title, placed=False)
    return [head] + [Message(block.origin, r.line, "row of an unrecognised table, not imported", r.text,
                             placed=False) for r in block.rows]


def stray_rows(lines: list[str], annex: int | None, starts: list[tuple[int, str]], origin: str) -> list[Message]:
    """Tab rows of the annex part that come before the first table: nothing they hold is imported."""
    if annex is None:
        return []
    first = starts[0][0] if starts else len(lines)
    return [Message(origin, j + 1, "row outside any table, not imported", lines[j], placed=False)
            for j in range(annex + 1, first) if "\t" in lines[j] and lines[j].strip()]


def listings(lines: list[str], starts: list[tuple[int, str]], catalogue: Catalogue) -> tuple[Listed, ...]:
    """The entries of the first list of tables (the contents): line, entry, kind and printed number. A
    document that lists its tables twice (contents and the head of the annex part) is read once."""
    titles = {i for i, _ in starts}
    out: list[Listed] = []
    for i, line in enumerate(lines):
        if i in titles or "\t" in line or not line.strip():
            continue
        kind = recognise(line.strip(), catalogue)
        entry = line.strip().lstrip("-•·* ")
        number = printed_number(entry)
        if kind and not any(e.kind == kind and e.number == number and without_numbering(e.text) ==
                            without_numbering(entry) for e in out):
            out.append(Listed(i + 1, entry, kind, number))
    return tuple(out)
