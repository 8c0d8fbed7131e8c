"""Read a PDF as published, with pdfplumber: each page's printed text lines and ruled tables, top to bottom.

The reading runs in a child process with a memory bound and a time bound, so that a hostile or broken file
(a decompression bomb, thousands of pages, a syntax trap) costs one clear line of error and nothing else; the
bounds are stated in docs/security.md. Only what a reader of the page sees is read: text placed outside the
page's box (cut off when it is displayed or printed) is counted and left out.

What the pages mean (the cover, the contents, which table runs over which pages, the narrative) is
pdflayout.py's; this module only turns bytes into `Page` values.
"""

from __future__ import annotations

import pickle
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 100 * 1024 * 1024  # the largest PDF read: budget documents are a few MB
MAX_PAGES = 500  # budget documents have tens of pages, the longest a few hundred
MAX_SECONDS = 120  # wall-clock time for the whole reading (about 1.5 s for 30 pages)
MAX_MEMORY = 1536 * 1024 * 1024  # address space of the reading process (about 60 MB is used for 30 pages)
HEADER_WINDOW = 1024  # `%PDF-` must appear within the first KiB, as readers require
TRAILER_WINDOW = 2048  # and `%%EOF` within the last 2 KiB: a file without it is cut short
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the child process imports budgetsite from here


class PdfError(ValueError):
    """The PDF cannot be read; the message is one line that says why and what to do."""


@dataclass(frozen=True)
class Line:
    """A printed line of text outside any table, with its position on the page (PDF points, top-left origin)."""

    top: float
    x0: float
    x1: float
    size: float  # font size of its first character
    text: str


@dataclass(frozen=True)
class Grid:
    """A ruled table as printed on one page: rows of cell texts ("" for an empty or a merged-over cell)."""

    top: float
    bottom: float
    rows: tuple[tuple[str, ...], ...]
    lefts: tuple[float, ...] = ()  # the left edge of each column: a table continued on a page that merges
    # some of its columns (a total row alone) is matched to its first page by these
    covered: tuple[tuple[str, ...], ...] = ()  # per row and column, the text of the (merged) cell covering it


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as a PDF viewer counts
    width: float
    height: float
    items: tuple[Line | Grid, ...]  # top to bottom
    chars: int  # printed characters on the page
    hidden: int  # characters placed outside the page's box: not printed, left out


def read_pages(path: Path) -> tuple[Page, ...]:
    """The pages of the PDF at `path`, read in a bounded child process; PdfError with one line if it fails."""
    check_file(path)
    child = (f"import sys; sys.path.insert(0, {str(PACKAGE_ROOT)!r}); "
             "from budgetsite.importer.pdf import main; main(sys.argv[1])")
    try:
        done = subprocess.run([sys.executable, "-c", child, str(path)], capture_output=True,
                              timeout=MAX_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise PdfError(f"{path.name}: reading took longer than {MAX_SECONDS} s; the file is too complex or built "
                       "to stall a reader, and was not read") from None
    try:
        status, value = pickle.loads(done.stdout)
    except Exception:  # noqa: BLE001 -- the child died before it could answer: the memory bound, or a crash
        raise PdfError(f"{path.name}: the reader stopped (exit code {done.returncode}): the file needs more than "
                       f"{MAX_MEMORY // 2**20} MB to read (a decompression bomb?) or is broken; not read") from None
    if status != "ok":
        raise PdfError(f"{path.name}: {value}")
    return tuple(value)


def check_file(path: Path) -> None:
    """Refuse what is not a PDF of a readable size before any parser sees it."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PdfError(f"{path.name}: {size / 2**20:.0f} MB is larger than the {MAX_BYTES // 2**20} MB a budget "
                       "document needs; not read")
    with path.open("rb") as f:
        head = f.read(HEADER_WINDOW)
        f.seek(max(0, size - TRAILER_WINDOW))
        tail = f.read()
    if b"%PDF-" not in head:
        raise PdfError(f"{path.name}: not a PDF (no %PDF- header in its first {HEADER_WINDOW} bytes)")
    if b"%%EOF" not in tail:
        raise PdfError(f"{path.name}: the file is cut short (no %%EOF at its end): download it again")


def main(path: str) -> None:
    """The child process: bound itself, read, and answer with one pickled (status, value) on stdout."""
    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY, MAX_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_SECONDS, MAX_SECONDS))
    try:
        result: tuple[str, Any] = ("ok", extract(Path(path)))
    except PdfError as exc:
        result = ("error", str(exc))
    except MemoryError:
        result = ("error", f"the file needs more than {MAX_MEMORY // 2**20} MB to read (a decompression bomb?); "
                           "not read")
    except Exception as exc:  # noqa: BLE001 -- any parser failure on a hostile file is one line, never a traceback
        if isinstance(innermost(exc), MemoryError):
            result = ("error", f"the file needs more than {MAX_MEMORY // 2**20} MB to read (a decompression "
                               "bomb?); not read")
        else:
            result = ("error", f"not a readable PDF ({reason(exc)})")
    sys.stdout.buffer.write(pickle.dumps(result))


def innermost(exc: BaseException) -> BaseException:
    """The error pdfplumber wrapped (PdfminerException(original))."""
    while exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    return exc


def reason(exc: Exception) -> str:
    exc = innermost(exc)  # type: ignore[assignment]
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return "it is encrypted with a password: ask the publisher for the unprotected file"
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{name}: {text}" if text else name


def extract(path: Path) -> tuple[Page, ...]:
    import pdfplumber
    from pdfminer.pdftypes import resolve1

    with pdfplumber.open(path) as pdf:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")) or {}).get("Count", 0) if pdf.doc.catalog else 0
        if not isinstance(count, int) or count > MAX_PAGES:
            raise PdfError(f"it declares {count} pages, more than the {MAX_PAGES} a budget document has; not read")
        pages: list[Page] = []
        for page in pdf.pages:
            if len(pages) >= MAX_PAGES:
                raise PdfError(f"it has more than {MAX_PAGES} pages; not read")
            pages.append(read_page(page))
            page.close()
    if not pages:
        raise PdfError("it has no pages")
    if not any(p.chars for p in pages):
        raise PdfError("no page has a text layer (a scanned image?): text recognition (OCR) is not done here; ask "
                       "the publisher for the PDF exported from the original document")
    return tuple(pages)


def read_page(page: Any) -> Page:
    visible = page.within_bbox(page.bbox)
    tables = visible.find_tables()
    grids = [grid_of(t) for t in tables]
    outside = visible
    for t in tables:
        outside = outside.outside_bbox(t.bbox)
    lines = [Line(round(ln["top"], 1), round(ln["x0"], 1), round(ln["x1"], 1), round(ln["chars"][0]["size"], 1),
                  ln["text"].strip())
             for ln in outside.extract_text_lines() if ln["text"].strip()]
    items: list[Line | Grid] = sorted([*lines, *grids], key=lambda item: item.top)
    return Page(page.page_number, float(page.width), float(page.height), tuple(items), len(visible.chars),
                len(page.chars) - len(visible.chars))


def grid_of(table: Any) -> Grid:
    """A table's rows of text, the left edge of its columns and, for a header whose cells are merged over
    several columns or rows, which text covers each position (from the cells' boxes)."""
    rows = tuple(tuple(cell_text(c) for c in row) for row in table.extract())
    boxes = [box for row in table.rows for box in row.cells if box]
    width = len(rows[0]) if rows else 0
    lefts = sorted({round(b[0], 1) for b in boxes})
    tops = sorted({round(b[1], 1) for b in boxes})
    if len(lefts) != width or len(tops) != len(rows):
        return Grid(table.bbox[1], table.bbox[3], rows)
    covered = [[""] * width for _ in rows]
    for i, row in enumerate(table.rows):
        for j, box in enumerate(row.cells):
            if box is None:
                continue
            for ii, top in enumerate(tops):
                for jj, left in enumerate(lefts):
                    if box[1] - 0.5 <= top < box[3] - 0.5 and box[0] - 0.5 <= left < box[2] - 0.5:
                        covered[ii][jj] = rows[i][j]
    return Grid(table.bbox[1], table.bbox[3], rows, tuple(lefts), tuple(map(tuple, covered)))


def cell_text(cell: str | None) -> str:
    """A cell's text with the line breaks of its wrapping removed: `机关事业单位基本\\n养老保险缴费` is one name.
    Words in Latin letters broken across lines keep a space between them."""
    if not cell:
        return ""
    parts = [p.strip() for p in cell.split("\n") if p.strip()]
    out = parts[0] if parts else ""
    for part in parts[1:]:
        latin = out[-1:].isascii() and out[-1:].isalpha() and part[:1].isascii() and part[:1].isalpha()
        out += (" " if latin else "") + part
    return out
