"""Chart geometry, computed at build time; templates turn it into inline SVG (no JavaScript).

The view box is 360 units wide, the width of a small phone, so text drawn at 13 units stays readable when
the chart is shown at 100% width there; wider screens cap the figure's width in CSS.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .figures import Share, Shares

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
    unit: str  # of every value, as its table prints it
    places: int
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
    unit: str
    places: int
    width: int = WIDTH
    height: int = 44


def bar_chart(chart_id: str, shares: Shares, whole: Decimal | None = None) -> BarChart | None:
    """Bars of the shares, largest first; `whole` (in the shares' unit) is what the percentages are of."""
    if not shares:
        return None
    largest = max(s.value for s in shares) or Decimal(1)
    total = whole if whole else shares.whole
    rows = tuple(BarRow(s, i * ROW, (s.value / largest * BAR_SPACE).quantize(Decimal("0.1")), s.pct(total))
                 for i, s in enumerate(shares))
    return BarChart(chart_id, rows, len(rows) * ROW, total, shares.unit, shares.places)


def split_chart(chart_id: str, shares: Shares) -> SplitChart | None:
    if not shares or not shares.whole:
        return None
    segments, x = [], Decimal(0)
    for s in shares:
        width = (s.value / shares.whole * WIDTH).quantize(Decimal("0.1"))
        segments.append(Segment(s, x, width, s.pct(shares.whole)))
        x += width
    return SplitChart(chart_id, tuple(segments), shares.whole, shares.unit, shares.places)
