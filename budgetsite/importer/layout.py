"""The standard annex tables of a departmental budget, as data: titles and their variants, header texts and
the fields they map to, resources, schemas, and the narrative's part headings.

Everything the importer recognises is listed here, so a new wording seen in another department's document is
one more string in this file, never a change of code. Header and title texts are compared after `normal()`
(cells.py): no whitespace, ASCII brackets and colons, no quotation marks.

A column is named by its header path: the header cells above it from top to bottom joined with `/`, e.g.
`财政拨款/小计`. `*/小计` accepts any group above `小计` (or none). Alternatives are compared normalised too,
so the first one, which the workbook export writes, is spelt as printed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceLayout:
    name: str  # resource name, e.g. t10-funding; `{id}` is replaced by a project table's id (t11a)
    schema: str  # file name under reference/schemas/
    title: str
    title_en: str


@dataclass(frozen=True)
class Column:
    field: str
    headers: tuple[str, ...]


@dataclass(frozen=True)
class TableLayout:
    id: str
    number: str  # as the contents number it: 一, 二, ...
    title: str
    title_en: str
    titles: tuple[str, ...]  # regular expressions, full match on the normalised title without numbering/year
    parser: str  # coded | rows | two-sided | overall-performance | project-performance
    resources: tuple[ResourceLayout, ...]
    columns: tuple[Column, ...] = ()
    code_field: str = ""  # coded tables: the code column; a total row has it blank
    label_field: str = ""  # where a total row's printed label goes


def col(field: str, *headers: str) -> Column:
    return Column(field, headers)


UNIT_COLUMNS_T02 = (
    col("general_budget", "一般公共预算拨款", "*/一般公共预算拨款", "*/一般公共预算", "*/一般公共预算拨款收入"),
    col("fund_budget", "政府性基金预算拨款", "*/政府性基金预算拨款", "*/政府性基金预算", "*/政府性基金预算拨款收入"),
    col("state_capital_budget", "国有资本经营预算拨款", "*/国有资本经营预算拨款", "*/国有资本经营预算",
        "*/国有资本经营预算拨款收入"),
    col("special_account", "财政专户管理资金", "*/财政专户管理资金", "*/财政专户管理资金收入"),
    col("service_revenue", "事业收入", "*/事业收入"),
    col("business_revenue", "事业单位经营收入", "*/事业单位经营收入"),
    col("higher_grants", "上级补助收入", "*/上级补助收入"),
    col("affiliated_remittances", "附属单位上缴收入", "*/附属单位上缴收入"),
    col("other_revenue", "其他收入", "*/其他收入"),
    col("carryover", "上年结转结余", "*/上年结转结余", "*/上年结转", "*/上年结余"),
)

FUNCTION_CODE = col("code", "支出功能分类科目/科目编码", "*/科目编码", "*/功能分类科目编码", "*/编码")
FUNCTION_NAME = col("name", "支出功能分类科目/科目名称", "*/科目名称", "*/功能分类科目名称", "*/名称")

TABLES: tuple[TableLayout, ...] = (
    TableLayout(
        "t01", "一", "部门收支预算总体情况表", "Overview of departmental revenue and expenditure",
        (r"(部门)?收支(预算)?总(体情况)?表", r"(部门)?(财务)?收支(预算)?总表"),
        "two-sided",
        (ResourceLayout("t01", "t01.json", "部门收支预算总体情况表",
                        "Overview of departmental revenue and expenditure"),),
    ),
    TableLayout(
        "t02", "二", "部门收入预算总体情况表", "Departmental revenue budget",
        (r"(部门)?收入(预算)?总(体情况)?表", r"(部门)?收入(预算)?(情况)?表"),
        "coded",
        (ResourceLayout("t02", "t02.json", "部门收入预算总体情况表", "Departmental revenue budget"),),
        (FUNCTION_CODE, FUNCTION_NAME, col("total", "合计", "*/合计", "*/总计"), *UNIT_COLUMNS_T02),
        code_field="code", label_field="name",
    ),
    TableLayout(
        "t03", "三", "部门支出预算总体情况表", "Departmental expenditure budget",
        (r"(部门)?支出(预算)?总(体情况)?表", r"(部门)?支出(预算)?(情况)?表"),
        "coded",
        (ResourceLayout("t03", "t03.json", "部门支出预算总体情况表", "Departmental expenditure budget"),),
        (FUNCTION_CODE, FUNCTION_NAME,
         col("total", "合计", "总计"),
         col("fiscal_total", "财政拨款/小计", "财政拨款/合计", "财政拨款支出/小计"),
         col("fiscal_basic", "财政拨款/基本支出", "财政拨款支出/基本支出"),
         col("fiscal_project", "财政拨款/项目支出", "财政拨款支出/项目支出"),
         col("nonfiscal_total", "非财政拨款/小计", "非财政拨款/合计", "非财政拨款支出/小计"),
         col("nonfiscal_basic", "非财政拨款/基本支出", "非财政拨款支出/基本支出"),
         col("nonfiscal_project", "非财政拨款/项目支出", "非财政拨款支出/项目支出")),
        code_field="code", label_field="name",
    ),
    TableLayout(
        "t04", "四", "财政拨款收支预算总体情况表", "Fiscal appropriations: revenue and expenditure",
        (r"财政拨款收支(预算)?总(体情况)?表", r"财政拨款收支(预算)?(情况)?表"),
        "two-sided",
        (ResourceLayout("t04", "t04.json", "财政拨款收支预算总体情况表",
                        "Fiscal appropriations: revenue and expenditure"),),
    ),
    TableLayout(
        "t05", "五", "一般公共预算支出情况表", "General public budget expenditure",
        (r"一般公共预算(财政拨款)?支出(预算)?(情况)?表",),
        "coded",
        (ResourceLayout("t05", "t05.json", "一般公共预算支出情况表", "General public budget expenditure"),),
        (FUNCTION_CODE, FUNCTION_NAME,
         col("total", "合计", "总计"),
         col("basic_total", "基本支出/小计", "基本支出/合计"),
         col("basic_personnel", "基本支出/人员支出", "基本支出/人员经费"),
         col("basic_public", "基本支出/公用支出", "基本支出/公用经费"),
         col("project", "项目支出", "*/项目支出")),
        code_field="code", label_field="name",
    ),
    TableLayout(
        "t06", "六", "一般公共预算基本支出情况表（经济分类款级科目）",
        "General public budget basic expenditure by economic section",
        (r"一般公共预算(财政拨款)?基本支出(预算)?(情况)?表(\((细化至|按)?(部门预算支出)?(政府)?经济分类(的)?(款级)?(科目)?\))?",),
        "coded",
        (ResourceLayout("t06", "t06.json", "一般公共预算基本支出情况表（经济分类款级科目）",
                        "General public budget basic expenditure by economic section"),),
        (col("code", "部门预算支出经济分类科目/科目编码", "*/科目编码", "*/经济分类科目编码", "*/编码"),
         col("name", "部门预算支出经济分类科目/科目名称", "*/科目名称", "*/经济分类科目名称", "*/名称"),
         col("total", "本年一般公共预算基本支出/合计", "*/合计", "*/小计"),
         col("personnel", "本年一般公共预算基本支出/人员支出", "*/人员支出", "*/人员经费"),
         col("public", "本年一般公共预算基本支出/公用支出", "*/公用支出", "*/公用经费")),
        code_field="code", label_field="name",
    ),
    TableLayout(
        "t07", "七", "一般公共预算“三公”经费支出情况表", 'General public budget: "three public consumptions"',
        (r"(一般公共预算(财政拨款)?|财政拨款)?三公经费(财政拨款)?(支出)?(预算)?(情况)?表",),
        "rows",
        (ResourceLayout("t07", "t07.json", "一般公共预算“三公”经费支出情况表",
                        'General public budget: "three public consumptions"'),),
        (col("total", "“三公”经费合计", "合计", "*/合计", "三公经费/合计"),
         col("overseas", "因公出国（境）费", "*/因公出国(境)费", "*/因公出国(境)经费"),
         col("vehicle_total", "公务用车购置及运行费/小计", "公务用车购置及运行费/合计"),
         col("vehicle_purchase", "公务用车购置及运行费/公务用车购置费", "*/公务用车购置费", "*/购置费"),
         col("vehicle_operation", "公务用车购置及运行费/公务用车运行费", "*/公务用车运行费",
             "*/公务用车运行维护费", "*/运行费", "*/运行维护费"),
         col("reception", "公务接待费", "*/公务接待费")),
    ),
    TableLayout(
        "t08", "八", "政府性基金预算支出情况表", "Government-managed funds expenditure",
        (r"政府性基金预算(财政拨款)?支出(预算)?(情况)?表",),
        "coded",
        (ResourceLayout("t08", "t08.json", "政府性基金预算支出情况表", "Government-managed funds expenditure"),),
        (FUNCTION_CODE, FUNCTION_NAME,
         col("total", "本年政府性基金预算支出/合计", "*/合计"),
         col("basic", "本年政府性基金预算支出/基本支出", "*/基本支出"),
         col("project", "本年政府性基金预算支出/项目支出", "*/项目支出")),
        code_field="code", label_field="name",
    ),
    TableLayout(
        "t09", "九", "市对区转移支付支出预算表", "Municipal-to-district transfer payments",
        (r"(市对区|市对县\(区\)|省对市县|对下|上级对下级)?转移支付(项目)?支出(预算)?(情况)?表",),
        "rows",
        (ResourceLayout("t09", "t09.json", "市对区转移支付支出预算表", "Municipal-to-district transfer payments"),),
        (col("unit_code", "单位编码", "*/单位编码"),
         col("unit_name", "单位名称", "*/单位名称"),
         col("function_code", "支出功能分类科目编码", "*/支出功能分类科目编码", "*/科目编码", "*/功能分类科目编码"),
         col("function_name", "支出功能分类科目名称", "*/支出功能分类科目名称", "*/科目名称", "*/功能分类科目名称"),
         col("fund_nature", "资金性质", "*/资金性质"),
         col("transfer_type", "转移支付类型", "*/转移支付类型"),
         col("project_name", "转移支付项目名称", "*/转移支付项目名称", "*/项目名称"),
         col("amount", "预算数", "*/预算数", "*/金额", "*/预算金额")),
        code_field="unit_code", label_field="unit_name",
    ),
    TableLayout(
        "t10", "十", "部门整体支出绩效目标表", "Department-wide performance targets",
        (r"部门整体(支出)?绩效目标(申报)?表",),
        "overall-performance",
        (ResourceLayout("t10-funding", "t10-funding.json", "部门整体支出绩效目标表：预算金额",
                        "Department-wide targets: funding"),
         ResourceLayout("t10-tasks", "t10-tasks.json", "部门整体支出绩效目标表：年度工作任务",
                        "Department-wide targets: annual tasks"),
         ResourceLayout("t10-task-projects", "t10-task-projects.json", "部门整体支出绩效目标表：涉及项目",
                        "Department-wide targets: projects per task"),
         ResourceLayout("t10-indicators", "t10-indicators.json", "部门整体支出绩效目标表：绩效指标",
                        "Department-wide targets: indicators")),
    ),
    TableLayout(
        "t11", "十一", "一级项目绩效目标表", "Project performance targets",
        (r".*项目(支出)?绩效目标(申报)?表",),
        "project-performance",
        (ResourceLayout("{id}-project", "t11-project.json", "{title}：项目", "{title_en}: project"),
         ResourceLayout("{id}-indicators", "t11-indicators.json", "{title}：绩效指标", "{title_en}: indicators")),
    ),
)

BY_ID = {t.id: t for t in TABLES}

# Resources every budget folder has besides the annex tables: code lists, errata, narrative figures,
# comparison with the previous year, translations. `import` fills only the two code tables.
SUPPORT: tuple[ResourceLayout, ...] = (
    ResourceLayout("codes-function", "codes.json", "支出功能分类科目（本预算所用）",
                   "Function classification codes used"),
    ResourceLayout("codes-economic", "codes.json", "部门预算支出经济分类科目（本预算所用）",
                   "Economic classification codes used"),
)
SUPPORT_AFTER: tuple[ResourceLayout, ...] = (
    ResourceLayout("errata", "errata.json", "勘误", "Errata"),
    ResourceLayout("narrative-figures", "narrative-figures.json", "说明文字中的数字",
                   "Figures stated in the narrative"),
    ResourceLayout("prior-year", "prior-year.json", "上年比较", "Comparison with the previous year"),
    ResourceLayout("translations", "translations.json", "表格文字英译（非官方）",
                   "English translations of table text (unofficial)"),
)
# Which code table holds the codes of which columns (resource -> fields).
CODE_SOURCES = {
    "codes-function": (("t01", "function_code"), ("t02", "code"), ("t03", "code"), ("t04", "function_code"),
                       ("t05", "code"), ("t08", "code"), ("t09", "function_code")),
    "codes-economic": (("t06", "code"),),
}
CODELIST_PREFIX = {"codes-function": "function-codes", "codes-economic": "economic-codes"}

# --- two-sided tables (t01, t04) ---------------------------------------------------------------------------

SIDES = {"收入": "income", "支出": "expenditure"}
SIDE_ROLES = {"项目": "label", "预算数": "amount", "本年预算数": "amount", "金额": "amount", "预算金额": "amount"}
# Labels of the expenditure side that are no function class (so no function_code is looked up or missed).
NOT_CLASSES = (r"(本年|年终)?支出(合计|总计)", r"本年支出", r"年终结转结余", r"结转下年", r"年终结余")

# --- performance tables (t10, t11) -------------------------------------------------------------------------

FUNDING_COLUMNS = (
    col("category", "支出结构"),
    col("total", "资金总额", "金额", "预算金额"),
    col("fiscal", "其中：财政资金", "财政资金", "其中:财政拨款"),
    col("plan", "投入计划", "资金投入计划"),
)
TASK_COLUMNS = (
    col("description", "年度工作任务", "年度主要任务", "工作任务"),
    col("indicator", "绩效指标", "指标名称", "三级指标"),
    col("direction", "指标方向", "指标性质"),
    col("target", "目标值", "指标值", "年度指标值"),
    col("unit", "计量单位", "度量单位", "单位"),
    col("projects", "涉及项目"),
    col("fiscal_amount", "涉及财政资金", "涉及财政资金(万元)"),
)
# Section labels in the first column of table 10: the funding block and the task/indicator block.
FUNDING_SECTION = ("预算金额", "预算资金", "资金情况")
TASK_SECTION = ("绩效目标", "年度绩效目标", "绩效指标")
FORM_IGNORED = ("单位名称", "部门名称", "预算单位", "主管部门")

PROJECT_FORM = {
    "项目名称": "project", "实施期限": "period", "项目期限": "period", "实施单位": "implementer",
    "主管部门": "supervisor", "总目标": "goal", "年度目标": "goal", "项目总目标": "goal",
    "预算资金": "budget", "年度资金总额": "budget", "资金总额": "budget", "其中:财政拨款数": "fiscal",
    "其中:财政拨款": "fiscal", "财政拨款数": "fiscal", "资金使用范围": "scope", "资金投入计划": "plan",
}
PROJECT_SECTIONS = ("投入目标", "绩效指标", "绩效目标", "资金情况")
INDICATOR_COLUMNS = (
    col("level1", "一级指标"),
    col("level2", "二级指标"),
    col("level3", "三级指标", "指标名称"),
    col("target", "目标值", "指标值", "年度指标值"),
)
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
