"""Chart geometry, computed at build time; templates turn it into inline SVG (no JavaScript).

The view box is 360 units wide, the width of a small phone, so text drawn at 13 units stays readable when
the chart is shown at 100% width there; wider screens cap the figure's width in CSS.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .across import Matrix
from .figures import Share, Shares
from .model import BudgetSummary, Text

WIDTH = 360
ROW = 46
BAR = 16
BAR_TOP = 20  # below a label of one line
LINE = 16  # a bar's label wraps onto lines this far apart
BAR_SPACE = 250  # the longest bar at most; the rest of the row holds its value
VALUE_GAP = 4  # between a bar and its value
# How wide text drawn at 13 units is, per character, erring wide: a full-width (Chinese) character is 13;
# Latin letters, digits and spaces are 7.2 on average in the sans-serif fonts the stylesheet names.
WIDE, NARROW = 13.0, 7.8


@dataclass(frozen=True)
class BarRow:
    share: Share
    y: int  # top of the row
    width: Decimal  # bar length
    pct: Decimal
    lines: tuple[str, ...]  # the label ("code name"), wrapped to the chart's width
    bar_y: int  # top of the bar, below the label's last line


@dataclass(frozen=True)
class BarChart:
    id: str
    rows: tuple[BarRow, ...]
    height: int
    whole: Decimal
    unit: str  # of every value, as its table prints it
    places: int
    width: int = WIDTH
    bar: int = BAR
    line: int = LINE
    value_gap: int = VALUE_GAP


@dataclass(frozen=True)
class Segment:
    share: Share
    x: Decimal
    width: Decimal
    pct: Decimal


@dataclass(frozen=True)
class SplitChart:
    """One bar split into parts of a whole (基本 vs 项目)."""

    id: str
    segments: tuple[Segment, ...]
    whole: Decimal
    unit: str
    places: int
    width: int = WIDTH
    height: int = 44


def bar_chart(chart_id: str, shares: Shares, whole: Decimal | None = None, lang: str = "zh") -> BarChart | None:
    """Bars of the shares, largest first; `whole` (in the shares' unit) is what the percentages are of. Each
    bar's label, in `lang`, takes as many lines as it needs to stay inside the chart (a phone's width)."""
    drawn = [s for s in shares if s.value]  # a printed zero has no bar; its table shows it
    if not drawn:
        return None
    largest = max(s.value for s in drawn)
    total = whole if whole else shares.whole
    values = max(text_width(f"{s.value:,.{shares.places}f} · {s.pct(total):.2f}%") for s in drawn)
    space = min(BAR_SPACE, int(WIDTH - VALUE_GAP - values))  # in yuan, "79,189,400.34 · 91.06%" needs 172
    rows, y = [], 0
    for s in drawn:
        lines = wrap(f"{s.key} {s.label.get(lang)}", WIDTH)
        extra = (len(lines) - 1) * LINE
        rows.append(BarRow(s, y, (s.value / largest * space).quantize(Decimal("0.1")), s.pct(total), lines,
                           BAR_TOP + extra))
        y += ROW + extra
    return BarChart(chart_id, tuple(rows), y, total, shares.unit, shares.places)


def text_width(text: str) -> float:
    return sum(WIDE if unicodedata.east_asian_width(c) in "WF" else NARROW for c in text)


def wrap(text: str, width: float) -> tuple[str, ...]:
    """`text` in lines no wider than `width` (estimated): broken at spaces, or between any two full-width
    characters; a word wider than a line has a line of its own."""
    pieces: list[str] = []  # words with the space before them, and full-width characters one by one
    for word in text.split(" "):
        for i, part in enumerate(split_wide(word)):
            pieces.append(part if i or not pieces else " " + part)
    lines, line = [], ""
    for piece in pieces:
        if line and text_width(line + piece) > width:
            lines.append(line)
            line = piece.lstrip(" ")
        else:
            line += piece
    return (*lines, line) if line or not lines else tuple(lines)


def split_wide(word: str) -> list[str]:
    """A word cut before and after each full-width character (Chinese may break between any two)."""
    parts, run = [], ""
    for c in word:
        if unicodedata.east_asian_width(c) in "WF":
            if run:
                parts.append(run)
            parts.append(c)
            run = ""
        else:
            run += c
    return [*parts, run] if run or not parts else parts


def split_chart(chart_id: str, shares: Shares) -> SplitChart | None:
    if not shares or not shares.whole:
        return None
    segments, x = [], Decimal(0)
    for s in shares:
        width = (s.value / shares.whole * WIDTH).quantize(Decimal("0.1"))
        segments.append(Segment(s, x, width, s.pct(shares.whole)))
        x += width
    return SplitChart(chart_id, tuple(segments), shares.whole, shares.unit, shares.places)


# --- several documents side by side ------------------------------------------------------------------------

STACK_COLOURS = 5  # the largest lines get a colour each; the rest are drawn together as "other"
OTHER = "other"


@dataclass(frozen=True)
class StackSegment:
    key: str  # a line of the matrix, or OTHER
    x: Decimal
    width: Decimal
    value: Decimal
    colour: str  # a CSS class suffix: bar-0 ... bar-5, bar-other


@dataclass(frozen=True)
class StackRow:
    """One document's bar: its lines end to end, as long as its total against the largest total."""

    document: BudgetSummary
    segments: tuple[StackSegment, ...]
    total: Decimal | None  # None: the document prints none of the lines


@dataclass(frozen=True)
class LegendItem:
    key: str
    label: Text
    colour: str


@dataclass(frozen=True)
class StackedChart:
    id: str
    rows: tuple[StackRow, ...]
    legend: tuple[LegendItem, ...]  # empty for a matrix of one line
    unit: str
    places: int
    width: int = WIDTH
    bar: int = BAR

    def row_of(self, slug: str) -> StackRow | None:
        """The bar of one document, where it has one (a table's rows each show their own)."""
        return next((r for r in self.rows if r.document.slug == slug), None)


def stacked_chart(chart_id: str, matrix: Matrix, scale: Decimal | None = None) -> StackedChart | None:
    """A bar per document, split into the matrix's lines (the largest STACK_COLOURS, then the rest together),
    all on one scale so that both size and make-up can be compared: the largest document's, or `scale` (the
    largest of a comparison shown over several pages)."""
    if not matrix:
        return None
    totals = matrix.totals()
    largest = scale if scale is not None else matrix.largest()
    if not largest:
        return None
    coloured = matrix.lines if len(matrix.lines) <= STACK_COLOURS + 1 else matrix.lines[:STACK_COLOURS]
    rest = matrix.lines[len(coloured):]
    rows = []
    for i, doc in enumerate(matrix.documents):
        parts = [(line.key, line.values[i] or Decimal(0), str(n)) for n, line in enumerate(coloured)]
        if rest:
            parts.append((OTHER, sum((line.values[i] or Decimal(0) for line in rest), Decimal(0)), OTHER))
        segments, x = [], Decimal(0)
        for key, value, colour in parts:
            width = (value / largest * WIDTH).quantize(Decimal("0.1"))
            if width > 0:
                segments.append(StackSegment(key, x, width, value, colour))
            x += width
        rows.append(StackRow(doc, tuple(segments), totals[i]))
    legend = tuple(LegendItem(line.key, line.label, str(n)) for n, line in enumerate(coloured))
    if rest:
        legend += (LegendItem(OTHER, Text(""), OTHER),)
    return StackedChart(chart_id, tuple(rows), legend if len(matrix.lines) > 1 else (), matrix.unit, matrix.places)
