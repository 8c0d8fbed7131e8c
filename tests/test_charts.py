"""Chart geometry (budgetsite/charts.py): a bar's label wraps to the chart's width, and the bars below it
move down by the lines it took."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetsite.charts import BAR_TOP, LINE, ROW, WIDTH, bar_chart, text_width, wrap
from budgetsite.figures import Share, Shares
from budgetsite.model import Text

LONG_EN = "215 Resource exploration, industry, information and related expenditure"
LONG_ZH = "215 资源勘探工业信息等支出资源勘探工业信息等支出资源勘探工业信息等支出"


@pytest.mark.parametrize(("text", "lines"), [
    ("221 Housing security", 1),
    (LONG_EN, 2),
    ("221 住房保障支出", 1),
    (LONG_ZH, 2),
])
def test_a_label_wraps_only_when_it_is_wider_than_the_chart(text, lines):
    wrapped = wrap(text, WIDTH)
    assert len(wrapped) == lines, wrapped
    assert all(text_width(line) <= WIDTH for line in wrapped)
    assert "".join(wrapped).replace(" ", "") == text.replace(" ", ""), "nothing lost"


def test_a_word_longer_than_a_line_keeps_a_line_of_its_own():
    word = "x" * 60
    assert wrap(f"1 {word} y", WIDTH) == ("1", word, "y")


def shares(*labels: Text) -> Shares:
    items = tuple(Share(f"2{i:02d}", label, Decimal(100 - i)) for i, label in enumerate(labels))
    return Shares(items, "万元", 2, sum((s.value for s in items), Decimal(0)))


def test_the_bars_below_a_wrapped_label_move_down_by_its_extra_line():
    chart = bar_chart("c", shares(Text("短", "Short"), Text("长", LONG_EN), Text("短", "Short")), lang="en")
    assert chart is not None
    first, long, last = chart.rows
    assert [len(r.lines) for r in chart.rows] == [1, 2, 1]
    assert (first.y, long.y, last.y) == (0, ROW, 2 * ROW + LINE)
    assert (first.bar_y, long.bar_y, last.bar_y) == (BAR_TOP, BAR_TOP + LINE, BAR_TOP)
    assert chart.height == 3 * ROW + LINE
    chinese = bar_chart("c", shares(Text("短", "Short"), Text("长", LONG_EN), Text("短", "Short")), lang="zh")
    assert chinese is not None and chinese.height == 3 * ROW, "the Chinese labels fit on one line each"


@pytest.mark.parametrize("largest", [Decimal("2254.56"), Decimal("79189400.34"), Decimal("9999999999999.99")])
def test_a_bar_leaves_room_for_its_value_in_the_chart(largest):
    items = (Share("204", Text("公共安全支出", "Public security"), largest),
             Share("208", Text("社会保障和就业支出", "Social security"), Decimal(7)))
    chart = bar_chart("c", Shares(items, "元", 2, largest + 7), lang="en")
    assert chart is not None
    for row in chart.rows:
        value = f"{row.share.value:,.2f} · {row.pct:.2f}%"
        assert row.width + chart.value_gap + Decimal(str(text_width(value))) <= WIDTH, value
    assert chart.rows[0].width > 100, "the largest bar still reads as a bar"
