"""What the importer knows of how tables are printed, beyond the catalogue of table kinds: how a row of a
two-sided table names its side and role, the labels of the performance forms, the narrative's part
headings. The tables themselves (kinds, titles, columns and their header texts) are the catalogue's
(reference/catalogue/, budgetsite/catalogue.py), so a new wording seen in another document is one more string
there, never a change of code.

Header and title texts are compared after `normal()` (cells.py): no whitespace, ASCII brackets and colons,
no quotation marks. A column is named by its header path: the header cells above it from top to bottom
joined with `/`, e.g. `财政拨款/小计`; `*/小计` accepts any group above `小计` (or none).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalogue import Part


@dataclass(frozen=True)
class Column:
    field: str
    headers: tuple[str, ...]


def columns_of(*parts: Part) -> tuple[Column, ...]:
    """The columns of a kind's part(s) that are printed under a header, with the header texts they take."""
    return tuple(Column(c.name, c.headers) for p in parts for c in p.columns if c.headers)


# --- two-sided tables ---------------------------------------------------------------------------

SIDES = {"收入": "income", "支出": "expenditure"}
SIDE_ROLES = {"项目": "label", "预算数": "amount", "本年预算数": "amount", "金额": "amount", "预算金额": "amount"}
# Labels of the expenditure side that are no function class (so no function_code is looked up or missed).
NOT_CLASSES = (r"(本年|年终)?支出(合计|总计)", r"本年支出", r"(年终|年末)(财政拨款)?结转(和)?结余", r"结转下年",
               r"年终结余", r"结余分配", r"年末结转和结余")

# --- performance-target forms -------------------------------------------------------------------------

# Section labels in the first column of a department-wide target form: the funding block and the task/indicator block.
FUNDING_SECTION = ("预算金额", "预算资金", "资金情况")
TASK_SECTION = ("绩效目标", "年度绩效目标", "绩效指标")
FORM_IGNORED = ("单位名称", "部门名称", "预算单位", "主管部门")

PROJECT_FORM = {
    "项目名称": "project_name", "实施期限": "period", "项目期限": "period", "实施单位": "implementer",
    "主管部门": "supervisor", "总目标": "goal", "年度目标": "goal", "项目总目标": "goal",
    "预算资金": "budget", "年度资金总额": "budget", "资金总额": "budget", "其中:财政拨款数": "fiscal",
    "其中:财政拨款": "fiscal", "财政拨款数": "fiscal", "资金使用范围": "scope", "资金投入计划": "plan",
}
PROJECT_SECTIONS = ("投入目标", "绩效指标", "绩效目标", "资金情况")
# The standard indicator framework: where a row's merged leading cells are lost in the extracted text, its
# first cell tells which column it starts in.
LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2 = ("数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
          "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标")
DIRECTIONS = {"大于等于": ">=", "大于": ">", "等于": "=", "小于等于": "<=", "小于": "<", "≥": ">=", "≤": "<=",
              "不低于": ">=", "不高于": "<=", "不少于": ">=", "不多于": "<="}
OPERATORS = {"≥": ">=", ">=": ">=", "＞=": ">=", "≤": "<=", "<=": "<=", "＜=": "<=", ">": ">", "＞": ">",
             "<": "<", "＜": "<", "=": "=", "＝": "="}

# --- narrative --------------------------------------------------------------------------------------------

PARTS = (
    ("第一部分 部门概况", "Part One: Overview of the Department"),
    ("第二部分 {year}年部门预算说明", "Part Two: Explanation of the {year} Departmental Budget"),
    ("第三部分 名词解释", "Part Three: Explanation of Terms"),
)
ANNEX_PART = r"第四部分"
