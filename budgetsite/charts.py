"""Chart geometry, computed at build time; templates turn it into inline SVG (no JavaScript).

The view box is 360 units wide, the width of a small phone, so text drawn at 13 units stays readable when
the chart is shown at 100% width there; wider screens cap the figure's width in CSS.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .figures import Share

WIDTH = 360
ROW = 46
BAR = 16
LABEL_GAP = 18
BAR_SPACE = 250  # the longest bar; the rest of the row holds its value


@dataclass(frozen=True)
class BarRow:
    share: Share
    y: int  # top of the row
    width: Decimal  # bar length
    pct: Decimal


@dataclass(frozen=True)
class BarChart:
    id: str
    rows: tuple[BarRow, ...]
    height: int
    whole: Decimal
    width: int = WIDTH
    bar: int = BAR
    label_gap: int = LABEL_GAP


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
    width: int = WIDTH
    height: int = 44


def bar_chart(chart_id: str, shares: tuple[Share, ...], whole: Decimal | None = None) -> BarChart | None:
    if not shares:
        return None
    largest = max(s.value for s in shares) or Decimal(1)
    total = whole if whole else sum((s.value for s in shares), Decimal(0))
    rows = tuple(BarRow(s, i * ROW, (s.value / largest * BAR_SPACE).quantize(Decimal("0.1")), s.pct(total))
                 for i, s in enumerate(shares))
    return BarChart(chart_id, rows, len(rows) * ROW, total)


def split_chart(chart_id: str, shares: tuple[Share, ...]) -> SplitChart | None:
    whole = sum((s.value for s in shares), Decimal(0))
    if not shares or not whole:
        return None
    segments, x = [], Decimal(0)
    for s in shares:
        width = (s.value / whole * WIDTH).quantize(Decimal("0.1"))
        segments.append(Segment(s, x, width, s.pct(whole)))
        x += width
    return SplitChart(chart_id, tuple(segments), whole)
