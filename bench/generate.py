"""Synthetic corpus generator: a complete project folder with many budgets, for benchmarking the build.

    python bench/generate.py --out /tmp/corpus --budgets 100 [--seed 1] [--years 2023,2024]
    python bench/generate.py --out /tmp/corpus --change synthetic-dept-001-2024

Every generated budget is fictitious and says so everywhere (title, description, department name,
`x_budget.synthetic`, the narrative and the source text). Budgets are spread over departments
`synthetic-dept-001` ... with one budget per year, in folders `<department-id>-<year>`.

Each budget has the same resources and schemas as the real Xiamen 2024 budget (schemas are copied from it),
with varying sizes: 3-8 function classes, 10-30 economic sections, 2-5 project tables (t11a, t11b, ...),
a narrative of several thousand characters, a source text with its checksum, translations of every text
cell, and zero or one erratum. Amounts are integer cents (0.01 万元) generated bottom-up, so every identity
of reference/rules/department-budget.json and of the budget's own x_rules holds exactly: validation must
report no error and no warning.

The function and economic code lists contain only the codes the site uses; the generator adds synthetic
sections and items to the COPIED lists in <out>/reference/ (names 示例款…, 示例项…, English status
"proposed"). The repository's own datasets/ and reference/ are never written.

Deterministic: the same arguments give byte-identical output (string-seeded `random.Random` per department
and year, sorted iteration, CRLF for CSV, LF elsewhere, no timestamps). `touch_one` (`--change`) rewrites one
budget with 1.00 万元 moved between two 项 of one 款 (t03, t05, t02, the narrative, the source text and its
checksum follow); repeated calls move it back and forth, so every call changes the budget.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import random
import re
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `python bench/generate.py` from a checkout
    sys.path.insert(0, str(REPO))

from budgetsite.catalogue import load_catalogue  # noqa: E402

TEMPLATE = REPO / "datasets" / "xiamen-hpf-2024"  # schemas are copied from the real budget
MANIFEST = "bench-corpus.json"
GENERATOR = "bench/generate.py"
FUNCTION_LIST = "function-codes-2024"
ECONOMIC_LIST = "economic-codes-2024"
CODE_COLUMNS = ["code", "name_zh", "name_en", "name_en_status", "name_en_source"]
MIN_TOTAL, MAX_TOTAL = 500, 50_000  # 万元, for every budget of every department
MAX_GROWTH = 1.10
FOLDER = re.compile(r"synthetic-dept-(\d+)-(\d{4})")
# Personnel lines of the real code list: a department's pensions, medical insurance and housing fund.
PERSONNEL_ITEMS = {
    "2080501": ("单位离退休人员支出", "retirees' costs"),
    "2080505": ("单位基本养老保险缴费支出", "basic pension insurance contributions"),
    "2080506": ("单位职业年金缴费支出", "occupational annuity contributions"),
    "2101101": ("单位医疗保险（含生育保险）缴费支出", "medical insurance contributions (incl. maternity)"),
    "2101103": ("单位公务员医疗补助支出", "civil servants' medical subsidies"),
    "2210201": ("单位住房公积金支出", "housing provident fund contributions"),
    "2210202": ("单位住房补贴支出", "housing subsidies"),
}
BUCKETS = ("pers", "pub", "proj", "fund", "nfb", "nfp")  # gpb personnel/public/project, fund project, non-fiscal

# --- text pools (Chinese, English) ---------------------------------------------------------------------------

THEMES = [
    ("教育", "education", "205"), ("科技", "science and technology", "206"),
    ("文化旅游", "culture and tourism", "207"), ("卫生健康", "health", "210"),
    ("生态环境", "environmental protection", "211"), ("城乡建设", "urban and rural development", "212"),
    ("农业农村", "agriculture and rural affairs", "213"), ("交通运输", "transport", "214"),
    ("工业和信息化", "industry and information technology", "215"), ("商务", "commerce", "216"),
    ("金融服务", "financial services", "217"), ("自然资源", "natural resources", "220"),
    ("住房保障", "housing", "221"), ("粮食和物资储备", "grain and material reserves", "222"),
    ("应急管理", "emergency management", "224"), ("公共安全", "public security", "204"),
    ("综合政务", "general administration", "201"), ("民政服务", "civil affairs", "208"),
]
DUTIES = [
    ("拟订{t}领域的发展规划和政策措施并组织实施", "drafting and implementing development plans and policies for {t}"),
    ("负责{t}领域公共服务的组织协调和监督管理", "organising, coordinating and supervising public services in {t}"),
    ("承担{t}领域统计分析和信息发布工作", "compiling statistics and publishing information on {t}"),
    ("指导所属单位开展{t}相关业务", "guiding affiliated units in their {t} work"),
    ("组织{t}领域重大课题研究和标准制定", "organising research on major topics and drafting standards for {t}"),
    ("负责本部门预算编制、执行和国有资产管理",
     "preparing and executing the departmental budget and managing its state assets"),
]
TASK_TITLES = [
    ("深化改革创新", "Deepening reform and innovation"), ("提升服务质效", "Improving service quality and efficiency"),
    ("加强数字化建设", "Strengthening digital development"), ("筑牢安全底线", "Holding the safety baseline"),
    ("强化队伍建设", "Strengthening the workforce"), ("规范资金管理", "Regulating fund management"),
    ("推进重点项目", "Advancing key projects"), ("完善制度体系", "Improving the system of rules"),
    ("加强宣传引导", "Strengthening publicity and guidance"),
]
TASK_SENTENCES = [
    ("围绕{t}领域的重点任务，细化年度工作计划，明确责任分工和时间节点。",
     "Around the key tasks in {t}, refine the annual work plan and set out responsibilities and deadlines."),
    ("持续推进{t}领域数据共享，减少重复填报，提高办事效率。",
     "Continue to promote data sharing in {t}, reduce duplicate reporting and raise efficiency."),
    ("加强预算绩效管理，做到花钱必问效、无效必问责。",
     "Strengthen budget performance management, so that all spending is assessed for results and ineffective "
     "spending is held to account."),
    ("健全内部控制制度，规范采购、合同和资产管理流程。",
     "Improve internal controls and standardise procurement, contract and asset management procedures."),
    ("开展{t}政策宣传，提高社会公众的知晓度和参与度。",
     "Publicise {t} policies and raise public awareness and participation."),
    ("完善应急预案，定期组织演练，提升突发事件处置能力。",
     "Improve contingency plans, hold regular drills and strengthen the capacity to handle emergencies."),
    ("推进业务系统整合，实现主要事项网上办理、一次办结。",
     "Integrate business systems so that the main services can be completed online in a single visit."),
    ("加强干部教育培训，提升依法行政和专业服务能力。",
     "Strengthen staff training and improve law-based administration and professional service capacity."),
    ("落实过紧日子要求，从严控制一般性支出，优先保障重点项目。",
     "Keep spending tight, strictly control general expenditure and give priority to key projects."),
    ("配合开展{t}领域监督检查，及时整改发现的问题。",
     "Cooperate in supervision and inspection in {t} and promptly correct the problems found."),
    ("建立健全基层联系点制度，定期听取服务对象意见建议。",
     "Establish grassroots contact points and regularly hear the views and suggestions of service users."),
    ("推动{t}领域标准化建设，统一服务流程和办理时限。",
     "Promote standardisation in {t}, unifying service procedures and time limits."),
    ("做好年度统计和分析工作，为科学决策提供数据支撑。",
     "Carry out annual statistics and analysis to support decision-making with data."),
    ("加强与相关部门的协同配合，形成工作合力。",
     "Strengthen coordination with related departments so that they work together."),
    ("稳步推进资产清查，做到账实相符、管理规范。",
     "Carry out an asset inventory so that the accounts match the assets and management is orderly."),
    ("持续优化办事指南，减少申请材料，压缩办理时间。",
     "Keep improving service guides, reduce the documents required and shorten processing times."),
    ("探索引入第三方评估，客观评价{t}工作成效。",
     "Explore third-party evaluation to assess the results of {t} work objectively."),
    ("加强档案管理，推进重要档案数字化。",
     "Strengthen records management and digitise important records."),
]
REASONS_UP = [
    ("人员经费和重点项目支出增加", "staff costs and spending on key projects increased"),
    ("社保缴费基数调整，相应人员支出增加", "the social insurance contribution base was adjusted and staff costs rose "
                                         "accordingly"),
    ("信息化建设和设施维护支出增加", "spending on IT development and facility maintenance increased"),
]
REASONS_DOWN = [
    ("压减一般性支出", "general expenditure was cut"),
    ("部分一次性项目完成后不再安排", "some one-off projects were completed and are no longer funded"),
]
PROJECT_TYPES = [
    ("专项业务费", "special operations fund", "部门专项", "保障各项业务工作顺利开展",
     "ensure that all business work proceeds smoothly"),
    ("信息化建设经费", "IT development fund", "发展经费", "建设和完善业务信息系统",
     "build and improve the business information systems"),
    ("设施运行维护经费", "facility operation and maintenance fund", "部门专项", "保障办公和业务设施安全稳定运行",
     "keep office and operational facilities running safely and reliably"),
    ("公共服务提升项目", "public service improvement project", "发展经费", "优化服务流程、扩大服务覆盖面",
     "streamline services and widen their coverage"),
    ("宣传培训经费", "publicity and training fund", "部门专项", "开展政策宣传和业务培训",
     "carry out policy publicity and professional training"),
    ("监测评估经费", "monitoring and evaluation fund", "部门专项", "开展常态化监测和绩效评估",
     "carry out regular monitoring and performance evaluation"),
    ("基础设施建设项目", "infrastructure construction project", "基建项目", "改善业务用房和配套设施条件",
     "improve operational premises and supporting facilities"),
    ("课题研究经费", "research fund", "发展经费", "开展重点课题研究、形成决策参考",
     "carry out research on key topics to inform decisions"),
    ("安全保障经费", "safety and security fund", "部门专项", "落实安全生产和保密要求",
     "meet work-safety and confidentiality requirements"),
]
SUBPROJECTS = [
    ("日常业务经费", "day-to-day operations"), ("系统运行维护费", "system operation and maintenance"),
    ("设备购置费", "equipment purchases"), ("调研咨询费", "surveys and consultancy"),
    ("宣传推广费", "publicity"), ("培训会务费", "training and meetings"), ("档案整理费", "records management"),
    ("第三方服务费", "third-party services"), ("数据采集费", "data collection"), ("安全保障费", "safety and security"),
    ("平台升级改造费", "platform upgrade"), ("监督检查费", "supervision and inspection"),
    ("课题研究费", "research studies"), ("场所租赁费", "premises rental"), ("专家评审费", "expert review"),
]
CATEGORIES = [("人员支出", "Personnel expenditure"), ("公用支出", "Operating expenditure"),
              ("部门专项", "Departmental special projects"), ("发展经费", "Development funds"),
              ("基建项目", "Capital construction projects")]
PERIODS = [("一次性项目", "One-off project"), ("固定性项目", "Recurring project"), ("延续性项目", "Continuing project")]
QUARTERS = [(25, 25, 25, 25), (10, 40, 25, 25), (20, 30, 30, 20), (30, 30, 20, 20), (15, 35, 30, 20)]
CONTRACT = ("按照合同约定支付。", "Paid as stipulated in the contract.")
TASKS = [
    ("提升{t}公共服务水平，扩大服务覆盖面。", "Raise the level of public services in {t} and widen their coverage."),
    ("保障信息系统稳定运行，提升线上服务能力。",
     "Keep information systems running reliably and improve online services."),
    ("加强{t}领域监督管理，防范化解风险。", "Strengthen supervision in {t} and prevent and defuse risks."),
    ("做好政策宣传和业务培训，提高工作质效。", "Publicise policies and train staff to improve the quality of work."),
    ("推进重点项目建设，按期完成年度目标。", "Advance key projects and meet the annual targets on schedule."),
    ("完善基础设施和设备，改善服务条件。", "Improve facilities and equipment and better the conditions for service."),
]
LEVEL1 = {"产出指标": "Output indicators", "效益指标": "Benefit indicators", "满意度指标": "Satisfaction indicators"}
LEVEL2 = {"数量指标": "Quantity indicators", "质量指标": "Quality indicators", "时效指标": "Timeliness indicators",
          "成本指标": "Cost indicators", "社会效益指标": "Social benefit indicators",
          "可持续影响指标": "Sustainability indicators", "服务对象满意度指标": "Service-user satisfaction indicators"}
# level1, level2, level3 (zh, en), operator, possible values, unit (zh, en); no operator: a qualitative target
INDICATORS = [
    ("产出指标", "数量指标", "培训人次", "Training attendances", ">=", (200, 500, 800, 1200), "人次", "attendances"),
    ("产出指标", "数量指标", "覆盖单位数量", "Units covered", ">=", (10, 20, 30, 50), "家", "organisations"),
    ("产出指标", "数量指标", "开展检查次数", "Inspections carried out", ">=", (12, 24, 36), "次", "times"),
    ("产出指标", "数量指标", "发布信息条数", "Information items published", ">=", (40, 60, 100), "条", "items"),
    ("产出指标", "质量指标", "验收合格率", "Acceptance pass rate", ">=", (95, 98, 100), "%", "%"),
    ("产出指标", "质量指标", "系统正常运行率", "System normal operation rate", ">=", (98, 99), "%", "%"),
    ("产出指标", "质量指标", "数据准确率", "Data accuracy rate", ">=", (97, 98, 99), "%", "%"),
    ("产出指标", "时效指标", "任务按时完成率", "On-time completion rate", "=", (100,), "%", "%"),
    ("产出指标", "时效指标", "故障响应时间", "Fault response time", "<=", (2, 4, 24), "小时", "hours"),
    ("产出指标", "成本指标", "项目成本控制率", "Project cost control rate", "<=", (100,), "%", "%"),
    ("效益指标", "社会效益指标", "公众知晓率", "Public awareness rate", ">=", (80, 85, 90), "%", "%"),
    ("效益指标", "社会效益指标", "服务对象覆盖面", "Coverage of service users", "", ("逐步扩大", "Gradually expanding"),
     "", ""),
    ("效益指标", "可持续影响指标", "长效管理机制", "Long-term management mechanism", "", ("持续完善",
                                                                                 "Continuously improved"), "", ""),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "Service-user satisfaction", ">=", (85, 90, 95), "%", "%"),
]
BASIS = [
    ("{t}工作管理办法", "Measures for the administration of {t} work"),
    ("关于加强{t}领域预算绩效管理的通知", "Notice on strengthening budget performance management in {t}"),
    ("{t}事业发展规划", "Development plan for {t}"),
    ("关于推进{t}领域数字化转型的实施意见", "Implementing opinions on the digital transformation of {t}"),
]
# Relative size of the economic sections a department typically has (weights are multiplied by these).
ECONOMIC_SIZE = {"30101": 4, "30102": 5, "30103": 3, "30107": 2, "30108": 2, "30109": 1, "30110": 1, "30111": 0.3,
                 "30112": 0.2, "30113": 1.5, "30199": 0.5, "30201": 1.5, "30205": 0.2, "30206": 0.6, "30207": 0.5,
                 "30211": 1, "30213": 0.8, "30214": 0.8, "30216": 0.4, "30226": 2, "30228": 0.6, "30229": 0.5,
                 "30239": 1, "30299": 0.8, "30399": 0.8, "31002": 0.5}
SYMBOLS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
DIRECTIONS = {">=": ("大于等于", "Greater than or equal to"), "<=": ("小于等于", "Less than or equal to"),
              "=": ("等于", "Equal to")}
UNIT_SUFFIXES = [("信息", "Information"), ("服务", "Service"), ("监测", "Monitoring"), ("培训", "Training"),
                 ("保障", "Support")]
INCOME_LABELS = [
    ("一、一般公共预算拨款收入", "1. Revenue from general public budget appropriations"),
    ("二、政府性基金预算拨款收入", "2. Revenue from government-managed funds budget appropriations"),
    ("三、国有资本经营预算拨款收入", "3. Revenue from state capital operations budget appropriations"),
    ("四、财政专户管理资金收入", "4. Revenue from funds managed in special fiscal accounts"),
    ("五、事业收入", "5. Public-service revenue"),
    ("六、事业单位经营收入", "6. Business revenue of public institutions"),
    ("七、上级补助收入", "7. Grants from higher-level units"),
    ("八、附属单位上缴收入", "8. Remittances from affiliated units"),
    ("九、其他收入", "9. Other revenue"),
]
T04_INCOME = [("(一) 一般公共预算拨款", "(1) General public budget appropriations"),
              ("(二) 政府性基金预算拨款", "(2) Government-managed funds budget appropriations"),
              ("(三) 国有资本经营预算拨款", "(3) State capital operations budget appropriations")]
# The tables of the Xiamen-like template, from the catalogue of table kinds (reference/catalogue/): id ->
# (number as printed, title zh, title en, kind). Table 11 (one per project) is added per budget.
CATALOGUE = load_catalogue(REPO / "reference")
TEMPLATE_ID = "xiamen-department-budget"
TABLES = {f"t{i + 1:02d}": (t.number, CATALOGUE.kind(t.kind).name.zh, CATALOGUE.kind(t.kind).name.en, t.kind)
          for i, t in enumerate(CATALOGUE.templates[TEMPLATE_ID].tables) if t.kind != "project-performance"}
PROJECT_KIND = "project-performance"
RESOURCES = {  # name: (schema, title zh, title en)
    "codes-function": ("codes", "支出功能分类科目（本预算所用）", "Function classification codes used"),
    "codes-economic": ("codes", "部门预算支出经济分类科目（本预算所用）", "Economic classification codes used"),
    "t01": ("t01", TABLES["t01"][1], TABLES["t01"][2]),
    "t02": ("t02", "部门收入预算总体情况表（重构）", "Departmental revenue budget (reconstructed)"),
    "t03": ("t03", TABLES["t03"][1], TABLES["t03"][2]),
    "t04": ("t04", TABLES["t04"][1], TABLES["t04"][2]),
    "t05": ("t05", TABLES["t05"][1], TABLES["t05"][2]),
    "t06": ("t06", TABLES["t06"][1], TABLES["t06"][2]),
    "t07": ("t07", TABLES["t07"][1], TABLES["t07"][2]),
    "t08": ("t08", TABLES["t08"][1], TABLES["t08"][2]),
    "t09": ("t09", TABLES["t09"][1], TABLES["t09"][2]),
    "t10-funding": ("t10-funding", "部门整体支出绩效目标表：预算金额", "Department-wide targets: funding"),
    "t10-tasks": ("t10-tasks", "部门整体支出绩效目标表：年度工作任务", "Department-wide targets: annual tasks"),
    "t10-task-projects": ("t10-task-projects", "部门整体支出绩效目标表：涉及项目",
                          "Department-wide targets: projects per task"),
    "t10-indicators": ("t10-indicators", "部门整体支出绩效目标表：绩效指标", "Department-wide targets: indicators"),
    "errata": ("errata", "勘误（虚构示例）", "Errata (synthetic example)"),
    "narrative-figures": ("narrative-figures", "说明文字中的数字", "Figures stated in the narrative"),
    "prior-year": ("prior-year", "上年比较", "Comparison with the previous year"),
    "translations": ("translations", "表格文字英译（非官方）", "English translations of table text (unofficial)"),
}
GLOSSARY = [
    ("一、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出、对个人和家庭的补助支出和公用支出。",
     "1. Basic expenditure: personnel expenditure, transfers to individuals and households and operating "
     "expenditure incurred to keep the institution running and to carry out its routine work."),
    ("二、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出，包括部门专项、发展经费和基建项目。",
     "2. Project expenditure: spending beyond basic expenditure to accomplish specific administrative tasks and "
     "development goals, comprising departmental special projects, development funds and capital construction."),
    ("三、“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。",
     "3. \"Three public consumptions\": official overseas travel, the purchase and operation of official vehicles "
     "and official reception, paid from fiscal appropriations."),
    ("四、机关运行经费：为保障行政单位运行用于购买货物和服务的各项资金，包括办公及印刷费、邮电费、差旅费、会议费、"
     "福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房物业管理费以及其他费用。",
     "4. Operating expenses of government agencies: funds used to buy goods and services to keep administrative "
     "units running, including office and printing costs, postage and telecommunications, travel, meetings, staff "
     "welfare, routine repairs, materials and ordinary equipment, utilities and property management of office "
     "premises, and other costs."),
]
SYNTHETIC_NOTE = ("本预算为基准测试自动生成的虚构示例数据，并非任何部门的真实预算。",
                  "This budget is synthetic example data generated for benchmarks; it is not any department's real "
                  "budget.")


# --- numbers ----------------------------------------------------------------------------------------------------


def plain(cents: int) -> str:
    """0.01 万元 as the data files write it: `2759.64`."""
    assert cents >= 0
    return f"{cents // 100}.{cents % 100:02d}"


def printed(cents: int) -> str:
    """As the published text prints it: `2,759.64`."""
    return f"{cents // 100:,}.{cents % 100:02d}"


def cell(cents: int) -> str:
    """A table cell: blank where the amount is zero, as the printed tables leave it."""
    return plain(cents) if cents else ""


def growth_pct(value: int, change: int) -> Decimal:
    """change / (value - change) x 100, rounded half up to 0.01, with the same Decimal steps as the validator."""
    v, c = Decimal(plain(value)), Decimal(plain(change))
    return (c / (v - c) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def allocate(total: int, weights: list[int], minimum: int = 0) -> list[int]:
    """Split `total` cents by integer weights (largest remainder), each part at least `minimum`."""
    n = len(weights)
    minimum = max(0, min(minimum, total // max(n, 1)))
    rest = total - minimum * n
    whole = sum(weights)
    parts = [rest * w // whole for w in weights]
    order = sorted(range(n), key=lambda i: (-(rest * weights[i] % whole), i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def cn(n: int) -> str:
    """Chinese numeral for 1..99 (一, 十一, 二十八)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def letter(i: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[i]


# --- the static inputs: reference lists (with synthetic codes) and schemas ------------------------------------


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def csv_bytes(header: list[str], rows: Iterable[dict[str, object]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else str(row.get(h)) for h in header])
    return buf.getvalue().encode("utf-8")


def code_row(code: str, zh: str, en: str) -> dict[str, str]:
    return {"code": code, "name_zh": zh, "name_en": en, "name_en_status": "proposed", "name_en_source": ""}


@dataclass
class Context:
    """Everything read once from the repository: code lists (extended), schemas."""

    function: dict[str, dict[str, str]]
    economic: dict[str, dict[str, str]]
    schemas: dict[str, bytes]
    fields: dict[str, list[str]]
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Context:
        ref = REPO / "reference"
        function = {r["code"]: r for r in read_csv_rows(ref / FUNCTION_LIST / "function-codes.csv")}
        economic = {r["code"]: r for r in read_csv_rows(ref / ECONOMIC_LIST / "economic-codes.csv")}
        for c in sorted(c for c in function if len(c) == 3):
            for k in ("81", "82", "83"):
                section = c + k
                function.setdefault(section, code_row(section, f"示例款{section}", f"Synthetic section {section}"))
                for i in ("01", "02", "03"):
                    item = section + i
                    function.setdefault(item, code_row(item, f"示例项{item}", f"Synthetic item {item}"))
        for section in ("30181", "30182", "30281", "30282", "30283", "30284", "30285", "30381", "31081", "31082"):
            economic.setdefault(section, code_row(section, f"示例经济款{section}",
                                                  f"Synthetic economic section {section}"))
        schemas, fields = {}, {}
        for path in sorted((TEMPLATE / "schemas").glob("*.json")):
            schemas[path.stem] = path.read_bytes()
            fields[path.stem] = [f["name"] for f in json.loads(schemas[path.stem])["fields"]]
        ctx = cls(dict(sorted(function.items())), dict(sorted(economic.items())), schemas, fields)
        for code in ctx.function:
            if len(code) > 3:
                ctx.children.setdefault(code[:-2], []).append(code)
        return ctx

    @property
    def classes(self) -> list[str]:
        return [c for c in self.function if len(c) == 3]

    def fname(self, code: str) -> tuple[str, str]:
        r = self.function[code]
        return r["name_zh"], r["name_en"]

    def ename(self, code: str) -> tuple[str, str]:
        r = self.economic[code]
        return r["name_zh"], r["name_en"]


# --- a department: what stays the same from year to year -----------------------------------------------------


@dataclass
class Leaf:
    code: str
    buckets: tuple[str, ...]
    weights: dict[str, int]


@dataclass
class Project:
    name: tuple[str, str]
    goal: tuple[str, str]
    category: str
    period: tuple[str, str]
    subs: list[tuple[str, str, int]]  # name zh, name en, task number
    indicators: list[tuple]
    nonfiscal: bool
    weight: int
    quarters: tuple[int, ...] | None
    basis: list[tuple[str, str]]


@dataclass
class Department:
    index: int
    slug: str
    name: tuple[str, str]
    theme: tuple[str, str]
    leaves: list[Leaf]
    bucket_weights: dict[str, int]
    economic: list[tuple[str, str, int, int]]  # code, kind (pers/pub/mixed), personnel weight, public weight
    three: dict[str, int]  # t07: overseas, vehicle_purchase, vehicle_operation, reception (cents)
    projects: list[Project]
    tasks: list[tuple[str, str, list[tuple]]]  # description zh, en, indicators
    units: list[tuple[str, str, str, str]]
    duties: list[tuple[str, str]]
    base_total: float
    growth: list[float]
    vehicles: int
    equipment: int


def theme_text(template: tuple[str, str], theme: tuple[str, str]) -> tuple[str, str]:
    return template[0].format(t=theme[0]), template[1].format(t=theme[1])


def make_department(ctx: Context, seed: int, index: int, width: int, years: int) -> Department:
    rng = random.Random(f"bench:{seed}:department:{index}")
    number = f"{index:0{width}d}"
    theme_zh, theme_en, theme_class = rng.choice(THEMES)
    theme = (theme_zh, theme_en)
    wanted = rng.randint(3, 8)
    classes = {"208", theme_class}
    if rng.random() < 0.9:
        classes.add("210")
    if rng.random() < 0.85:
        classes.add("221")
    others = [c for c in ctx.classes if c not in classes]
    while len(classes) < wanted:
        classes.add(others.pop(rng.randrange(len(others))))

    leaves: list[Leaf] = []

    def pick(codes: list[str], low: int, high: int) -> list[str]:
        return sorted(rng.sample(codes, min(len(codes), rng.randint(low, high))))

    for c in sorted(classes):
        real = [s for s in ctx.children.get(c, []) if not s.endswith(("81", "82", "83"))]
        synthetic = [s for s in ctx.children.get(c, []) if s.endswith(("81", "82", "83"))]
        sections: list[str] = []
        if c == "208":
            sections.append("20805")
        elif real and rng.random() < 0.7:
            sections += pick(real, 1, len(real))
        if c == theme_class or not sections or rng.random() < 0.3:
            sections += pick(synthetic, 1, 3 if c == theme_class else 2)
        for s in sorted(set(sections)):
            items = ctx.children.get(s, [])
            chosen = pick(items, 2, len(items)) if s == "20805" else pick(items, 1, 3)
            for item in chosen:
                if item in PERSONNEL_ITEMS:
                    leaves.append(Leaf(item, ("pers",), {}))
                    continue
                buckets = [b for b, p in (("pers", 0.5), ("pub", 0.6), ("proj", 0.5)) if rng.random() < p]
                leaves.append(Leaf(item, tuple(buckets or ["proj"]), {}))
    general = [leaf for leaf in leaves if leaf.code not in PERSONNEL_ITEMS]
    for bucket in ("pub", "proj"):
        if not any(bucket in leaf.buckets for leaf in general):
            leaf = rng.choice(general)
            leaf.buckets = tuple(sorted({*leaf.buckets, bucket}, key=BUCKETS.index))
    if rng.random() < 0.3:
        for leaf in rng.sample(general, min(len(general), rng.randint(1, 2))):
            leaf.buckets = (*leaf.buckets, "fund")
    if rng.random() < 0.35:
        for leaf in rng.sample(general, min(len(general), rng.randint(1, 3))):
            extra = rng.choice([("nfb",), ("nfp",), ("nfb", "nfp")])
            leaf.buckets = (*leaf.buckets, *extra)
    for leaf in leaves:
        leaf.weights = {b: rng.randint(300, 1000) for b in leaf.buckets}
    present = {b for leaf in leaves for b in leaf.buckets}
    ranges = {"pers": (45, 65), "pub": (10, 20), "proj": (10, 30), "fund": (3, 12), "nfb": (2, 10), "nfp": (2, 10)}
    bucket_weights = {b: rng.randint(*ranges[b]) * 100 for b in BUCKETS if b in present}

    # economic sections of t06 (10-30 of them)
    pool = sorted(c for c in ctx.economic if len(c) == 5)
    forced = ["30101", "30102", "30103", "30201", "30217"]
    chosen = set(forced)
    target = rng.randint(10, min(30, len(pool)))
    rest = [c for c in pool if c not in chosen]
    chosen.update(rng.sample(rest, target - len(chosen)))
    mixed = rng.choice(sorted(c for c in chosen if c.startswith("301") and c not in forced[:3])) \
        if rng.random() < 0.4 and any(c.startswith("301") and c not in forced[:3] for c in chosen) else ""
    economic = []
    for c in sorted(chosen):
        kind = "mixed" if c == mixed else "pers" if c.startswith(("301", "303")) else "pub"
        size = ECONOMIC_SIZE.get(c, 0.5)
        economic.append((c, kind, round(rng.randint(200, 1000) * size),
                         rng.randint(20, 100) if kind == "mixed" else round(rng.randint(200, 1000) * size)))

    three = {
        "overseas": rng.randint(2, 20) * 100 if rng.random() < 0.3 else 0,
        "vehicle_purchase": rng.randint(10, 30) * 100 if rng.random() < 0.1 else 0,
        "vehicle_operation": rng.randint(100, 1500) if rng.random() < 0.5 else 0,
        "reception": rng.randint(50, 500),
    }

    # projects and the department-wide tasks they serve
    n_projects = rng.randint(2, 5)
    types = rng.sample(PROJECT_TYPES, n_projects)
    subs_pool = rng.sample(SUBPROJECTS, len(SUBPROJECTS))
    sub_counts = [rng.randint(1, 3) for _ in types]
    n_tasks = min(rng.randint(2, 4), sum(sub_counts))
    task_texts = rng.sample(TASKS, n_tasks)
    numeric = [i for i in INDICATORS if i[4]]
    tasks = [(*theme_text(t, theme), rng.sample(numeric, rng.randint(1, 3))) for t in task_texts]
    projects: list[Project] = []
    sub_count = 0
    for i, (suffix, suffix_en, category, goal_zh, goal_en) in enumerate(types):
        subs = []
        for _ in range(sub_counts[i]):
            zh, en = subs_pool[sub_count]
            subs.append((f"{theme_zh}{zh}", f"{theme_en.capitalize()} {en}", sub_count % n_tasks + 1))
            sub_count += 1
        indicators = sorted(rng.sample(INDICATORS, rng.randint(4, 7)), key=INDICATORS.index)
        basis = []
        for j, (doc_zh, doc_en) in enumerate(rng.sample(BASIS, rng.randint(1, 3))):
            no = rng.randint(1, 200)
            basis.append((f"《{doc_zh.format(t=theme_zh)}（示例）》（示例〔{2020 + j}〕{no}号）",
                          f"{doc_en.format(t=theme_en)} (synthetic example), Synthetic [{2020 + j}] No. {no}"))
        projects.append(Project(
            name=(f"{theme_zh}{suffix}", f"{theme_en.capitalize()} {suffix_en}"),
            goal=(goal_zh, goal_en),
            category="部门专项" if i == 0 else category,
            period=rng.choice(PERIODS),
            subs=subs, indicators=indicators, nonfiscal=False, weight=rng.randint(200, 1000),
            quarters=rng.choice(QUARTERS) if rng.random() < 0.6 else None,
            basis=basis,
        ))
    if "nfp" in present:
        for p in rng.sample(projects, rng.randint(1, len(projects))):
            p.nonfiscal = True
    units = [(f"示例第{number}局", f"Synthetic Bureau {number}", "全额", "Fully appropriation-funded")]
    for zh, en in rng.sample(UNIT_SUFFIXES, rng.randint(0, 3)):
        funded = rng.random() < 0.6
        units.append((f"示例第{number}局{zh}中心", f"Synthetic Bureau {number} {en} Centre",
                      "全额" if funded else "差额",
                      "Fully appropriation-funded" if funded else "Partially appropriation-funded"))
    duties = [theme_text(d, theme) for d in sorted(rng.sample(DUTIES, rng.randint(3, 5)), key=DUTIES.index)]
    high = MAX_TOTAL / MAX_GROWTH ** (years - 1)
    base_total = math.exp(rng.uniform(math.log(MIN_TOTAL), math.log(high)))
    growth = [rng.uniform(1.03, MAX_GROWTH) for _ in range(years)]
    return Department(
        index=index, slug=f"synthetic-dept-{number}", name=(f"示例第{number}局", f"Synthetic Bureau {number}"),
        theme=theme, leaves=leaves, bucket_weights=bucket_weights, economic=economic, three=three,
        projects=projects, tasks=tasks, units=units, duties=duties, base_total=base_total, growth=growth,
        vehicles=rng.randint(1, 5) if three["vehicle_operation"] else 0, equipment=rng.choice([0, 0, 0, 1, 2]),
    )


# --- one budget ---------------------------------------------------------------------------------------------


@dataclass
class Figure:
    id: str
    quote: str
    quote_en: str
    printed: str
    value: str
    unit: str
    ref: str
    line: int = 0


class Text:
    """The narrative in Markdown (zh, en) and the source text, built together so quotes keep their line."""

    def __init__(self, translations: dict[str, str]):
        self.src: list[str] = []
        self.zh: list[str] = []
        self.en: list[str] = []
        self.figures: list[Figure] = []
        self.pending: list[Figure] = []
        self.tr = translations
        self.last = ""

    def t(self, zh: str, en: str) -> str:
        """Register the English of a text cell; returns the Chinese."""
        if zh:
            known = self.tr.setdefault(zh, en)
            assert known == en, f"two translations of {zh!r}: {known!r} and {en!r}"
        return zh

    def fig(self, id: str, quote: str, quote_en: str, value: int | Decimal | str, unit: str = "万元",
            ref: str = "", shown: str | None = None) -> str:
        if isinstance(value, int) and unit == "万元":
            text, number = printed(value), plain(value)
        else:
            text = number = str(value)
        text = shown or text
        assert text in quote, (text, quote)
        self.pending.append(Figure(id, self.t(quote, quote_en), quote_en, text, number, self.t(unit, UNITS[unit]),
                                   ref))
        return quote

    def _block(self, kind: str, src: str, zh: str, en: str) -> None:
        if self.zh and not (kind == "item" and self.last == "item"):
            self.src.append("")
            self.zh.append("")
            self.en.append("")
        for f in self.pending:
            assert f.quote in src, (f.quote, src)
            f.line = len(self.src) + 1
            self.figures.append(f)
        self.pending = []
        self.src.append(src)
        self.zh.append(zh)
        self.en.append(en)
        self.last = kind

    def heading(self, level: int, zh: str, en: str) -> None:
        self._block("heading", zh, "#" * level + " " + zh, "#" * level + " " + en)

    def para(self, zh: str, en: str) -> None:
        self._block("para", zh, zh, en)

    def item(self, zh: str, en: str) -> None:
        self._block("item", "- " + zh, "- " + zh, "- " + en)

    def table(self, rows: list[tuple[tuple[str, str], ...]]) -> None:
        """A small Markdown table: rows of (zh, en) cells, the first row the header."""
        self._block("table", "\t".join(c[0] for c in rows[0]), "| " + " | ".join(c[0] for c in rows[0]) + " |",
                    "| " + " | ".join(c[1] for c in rows[0]) + " |")
        self.zh.append("| " + " | ".join("---" for _ in rows[0]) + " |")
        self.en.append(self.zh[-1])
        for row in rows[1:]:
            self.src.append("\t".join(c[0] for c in row))
            self.zh.append("| " + " | ".join(c[0] for c in row) + " |")
            self.en.append("| " + " | ".join(c[1] for c in row) + " |")


UNITS = {"万元": "CNY 10,000", "%": "%", "辆": "vehicles", "台（套）": "units (sets)", "个": "items"}


@dataclass
class Amounts:
    """Per code (类, 款, 项 and "" for the total): the six buckets in cents."""

    by_code: dict[str, dict[str, int]]

    def get(self, code: str, bucket: str) -> int:
        return self.by_code.get(code, {}).get(bucket, 0)

    def gpb(self, code: str) -> int:
        return sum(self.get(code, b) for b in ("pers", "pub", "proj"))


def comparison(value: int, previous: int | None, rng: random.Random) -> tuple[str, int, Decimal]:
    """('up'|'down'|'same', |change|, pct). Without a previous year in the corpus, an increase of 1-10%."""
    if previous is None:
        g = rng.uniform(0.01, 0.10)
        change = max(1, min(value - 1, round(value * g / (1 + g))))
        return "up", change, growth_pct(value, change)
    change = value - previous
    if change > 0:
        return "up", change, growth_pct(value, change)
    if change < 0:
        pct = (Decimal(plain(-change)) / Decimal(plain(previous)) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return "down", -change, pct
    return "same", 0, Decimal(0)


def move_target(dept: Department, alloc: dict[str, dict[str, int]]) -> tuple[str, str, str] | None:
    """The first two 项 of one 款 holding the same bucket, the first with at least 2.00 万元 of it."""
    sections = sorted({leaf.code[:5] for leaf in dept.leaves})
    for s in sections:
        for bucket in ("pers", "pub", "proj"):
            holders = [leaf.code for leaf in dept.leaves if leaf.code[:5] == s and alloc[leaf.code].get(bucket, 0)]
            if len(holders) >= 2 and alloc[holders[0]][bucket] >= 200:
                return holders[0], holders[1], bucket
    return None


class BudgetWriter:
    """Generates the files of one budget (relative path -> bytes)."""

    def __init__(self, ctx: Context, seed: int, dept: Department, year: int, position: int,
                 previous: dict[str, int] | None, touch: int):
        self.ctx, self.dept, self.year, self.previous, self.touch = ctx, dept, year, previous, touch
        self.rng = random.Random(f"bench:{seed}:budget:{dept.index}:{year}")
        self.slug = f"{dept.slug}-{year}"
        self.total = round(dept.base_total * math.prod(dept.growth[: position + 1]) / dept.growth[0] * 100)
        self.tr: dict[str, str] = {}
        self.files: dict[str, bytes] = {}
        self.metrics: dict[str, int] = {}

    # amounts ------------------------------------------------------------------------------------------------
    def allocate_amounts(self) -> None:
        rng, dept = self.rng, self.dept
        buckets = list(dept.bucket_weights)
        weights = [dept.bucket_weights[b] * rng.randint(970, 1030) // 1000 for b in buckets]
        totals = dict(zip(buckets, allocate(self.total, weights, 1000), strict=True))
        alloc: dict[str, dict[str, int]] = {leaf.code: {} for leaf in dept.leaves}
        for b in buckets:
            holders = [leaf for leaf in dept.leaves if b in leaf.buckets]
            w = [leaf.weights[b] * rng.randint(970, 1030) // 1000 for leaf in holders]
            for leaf, amount in zip(holders, allocate(totals[b], w, 1000), strict=True):
                alloc[leaf.code][b] = amount
        if self.touch % 2:
            target = move_target(dept, alloc)
            if target is None:
                raise ValueError(f"{self.slug}: no two 项 of one 款 to move 1.00 万元 between")
            src, dst, bucket = target
            alloc[src][bucket] -= 100
            alloc[dst][bucket] += 100
        by_code: dict[str, dict[str, int]] = {}
        for code, parts in alloc.items():
            for key in ("", code[:3], code[:5], code):
                slot = by_code.setdefault(key, {})
                for b, v in parts.items():
                    slot[b] = slot.get(b, 0) + v
        self.a = Amounts(by_code)
        self.codes = sorted(c for c in by_code if c)  # tree order: 208, 20805, 2080501, ...
        self.leaf_codes = [c for c in self.codes if len(c) == 7]
        a = self.a
        self.P, self.U, self.GPP = a.get("", "pers"), a.get("", "pub"), a.get("", "proj")
        self.F, self.NFB, self.NFP = a.get("", "fund"), a.get("", "nfb"), a.get("", "nfp")
        self.GP = self.P + self.U + self.GPP
        self.NF = self.NFB + self.NFP
        self.FT = self.GP + self.F
        assert self.total == self.FT + self.NF

        # economic breakdown of the general public budget's basic expenditure (t06)
        three = dept.three
        pers = [(c, w) for c, kind, w, _ in dept.economic if kind in ("pers", "mixed")]
        pub = [(c, w) for c, kind, _, w in dept.economic if kind in ("pub", "mixed") and c != "30217"]
        self.econ: dict[str, dict[str, int]] = {c: {"personnel": 0, "public": 0} for c, *_ in dept.economic}
        for (c, _), v in zip(pers, allocate(self.P, [w * rng.randint(970, 1030) // 1000 for _, w in pers], 100),
                             strict=True):
            self.econ[c]["personnel"] = v
        for (c, _), v in zip(pub, allocate(self.U - three["reception"],
                                           [w * rng.randint(970, 1030) // 1000 for _, w in pub], 100), strict=True):
            self.econ[c]["public"] = v
        self.econ["30217"]["public"] = three["reception"]
        assert all(v["personnel"] + v["public"] > 0 for v in self.econ.values())

        # projects: fiscal (general public budget + funds) and non-fiscal money per first-level project
        projects = dept.projects
        fiscal = allocate(self.GPP + self.F, [p.weight * rng.randint(970, 1030) // 1000 for p in projects], 1000)
        nonfiscal = [0] * len(projects)
        holders = [i for i, p in enumerate(projects) if p.nonfiscal]
        if self.NFP:
            for i, v in zip(holders, allocate(self.NFP, [projects[i].weight for i in holders], 100), strict=True):
                nonfiscal[i] = v
        self.project_amounts = list(zip(fiscal, nonfiscal, strict=True))
        self.sub_amounts = [allocate(f, [rng.randint(300, 1000) for _ in p.subs], 100)
                            for p, f in zip(projects, fiscal, strict=True)]
        nf_personnel = allocate(self.NFB, [rng.randint(50, 80), 20], 0)[0] if self.NFB else 0
        self.NF_pers, self.NF_pub = nf_personnel, self.NFB - nf_personnel
        self.metrics = {"total": self.total, "gpb": self.GP, "opex": self.U}

    # files --------------------------------------------------------------------------------------------------
    def csv(self, name: str, rows: list[dict[str, object]], schema: str | None = None) -> None:
        self.files[f"data/{name}.csv"] = csv_bytes(self.ctx.fields[schema or name], rows)

    def build(self) -> dict[str, bytes]:
        self.allocate_amounts()
        dept, year, t = self.dept, self.year, self.tr
        self.dz, self.de = dept.name
        self.errata = self.make_errata()
        tables = self.tables()
        text = Text(t)
        self.narrative(text)
        source, lines = self.source(text, tables)
        for f in text.figures:
            f.line += self.narrative_offset
        for name, rows in tables.items():
            self.csv(name, rows, "t11-project" if name.endswith("-project") and name.startswith("t11")
                     else "t11-indicators" if name.startswith("t11") else None)
        self.csv("errata", self.errata)
        self.csv("narrative-figures", [
            {"id": f.id, "source_line": f.line, "quote": f.quote, "printed": f.printed, "value": f.value,
             "unit": f.unit, "ref": f.ref} for f in text.figures])
        self.csv("prior-year", self.prior_rows)
        self.csv("codes-function", [self.ctx.function[c] for c in sorted({*self.ctx.classes, *self.codes})],
                 "codes")
        self.csv("codes-economic", [self.ctx.economic[c] for c in sorted({*self.econ, *(c[:3] for c in self.econ)})],
                 "codes")
        self.csv("translations", [{"zh": zh, "en": en} for zh, en in sorted(t.items())])
        rel = f"source/budget-{year}.txt"
        self.files[rel] = source.encode("utf-8")
        self.files["narrative/zh.md"] = ("\n".join(text.zh) + "\n").encode("utf-8")
        self.files["narrative/en.md"] = ("> " + SYNTHETIC_NOTE[1] + "\n\n" + "\n".join(text.en) + "\n").encode("utf-8")
        for name in sorted({RESOURCES[r][0] for r in RESOURCES} | {"t11-project", "t11-indicators"}):
            self.files[f"schemas/{name}.json"] = self.ctx.schemas[name]
        self.files["datapackage.json"] = self.descriptor(lines, hashlib.sha256(self.files[rel]).hexdigest())
        return self.files

    def make_errata(self) -> list[dict[str, object]]:
        if self.rng.random() >= 0.3:
            return []
        rows = [c for c in self.codes if self.a.gpb(c)]
        code = self.rng.choice([c for c in rows if len(c) == 7])
        row = rows.index(code) + 2  # t05 row numbers: 1 is the 合计 row
        bad = code[:-1] + str((int(code[-1]) + 5) % 10)
        name = self.ctx.fname(code)
        amount = printed(self.a.gpb(code))
        return [{
            "id": "E1", "resource": "t05", "row": row, "field": "code", "as_published": bad, "corrected": code,
            "evidence_zh": f"（虚构示例勘误）表五将“{name[0]}”印为{bad}，表三同一行（同名、同金额{amount}万元）印为"
                           f"{code}；其上级科目{code[:5]}与{code}的前五位一致，{bad}不在本预算所用的科目中。",
            "evidence_en": f"(Synthetic example erratum) Table 5 prints {bad} for {name[1]}; Table 3 prints {code} for "
                           f"the same line (same name, same amount {amount}). Its parent section {code[:5]} matches "
                           f"the first five digits of {code}; {bad} is not among the codes this budget uses.",
        }]

    # tables -------------------------------------------------------------------------------------------------
    def tables(self) -> dict[str, list[dict[str, object]]]:
        a, t, ctx = self.a, self.t, self.ctx
        out: dict[str, list[dict[str, object]]] = {}
        classes = ctx.classes
        used = {c for c in self.codes if len(c) == 3}

        # t01, t04: 收/支 overviews
        rows = []
        income = [self.GP, self.F, 0, 0, self.NF, 0, 0, 0, 0]
        for i, ((zh, en), v) in enumerate(zip(INCOME_LABELS, income, strict=True), start=1):
            rows.append({"side": "income", "row": i, "label": t(zh, en), "level": 1, "kind": "item", "amount": cell(v)})
        rows += [
            {"side": "income", "row": 10, "label": t("本年收入合计", "Total revenue for the year"), "level": 1,
             "kind": "subtotal", "amount": plain(self.total)},
            {"side": "income", "row": 11, "label": t("上年结转结余", "Carry-over and balance from the previous year"),
             "level": 1, "kind": "item"},
            {"side": "income", "row": 12, "label": t("收入总计", "Grand total revenue"), "level": 1, "kind": "total",
             "amount": plain(self.total)},
        ]
        for i, c in enumerate(classes, start=1):
            zh, en = ctx.fname(c)
            rows.append({"side": "expenditure", "row": i, "label": t(f"{cn(i)}、{zh}", f"{i}. {en}"), "level": 1,
                         "kind": "item", "function_code": c, "amount": cell(self.t03(c)["total"])})
        n = len(classes)
        rows += [
            {"side": "expenditure", "row": n + 1, "label": t("本年支出合计", "Total expenditure for the year"),
             "level": 1, "kind": "subtotal", "amount": plain(self.total)},
            {"side": "expenditure", "row": n + 2, "label": t("年终结转结余", "Year-end carry-over and balance"),
             "level": 1, "kind": "item"},
            {"side": "expenditure", "row": n + 3, "label": t("支出总计", "Grand total expenditure"), "level": 1,
             "kind": "total", "amount": plain(self.total)},
        ]
        out["t01"] = rows
        rows = [{"side": "income", "row": 1, "label": t("一、本年收入", "1. Revenue for the year"), "level": 1,
                 "kind": "heading"}]
        for i, ((zh, en), v) in enumerate(zip(T04_INCOME, (self.GP, self.F, 0), strict=True), start=2):
            rows.append({"side": "income", "row": i, "label": t(zh, en), "level": 2, "kind": "item", "amount": cell(v)})
        rows.append({"side": "income", "row": 5, "label": t("二、上年结转", "2. Carry-over from the previous year"),
                     "level": 1, "kind": "heading"})
        for i, (zh, en) in enumerate(T04_INCOME, start=6):
            rows.append({"side": "income", "row": i, "label": t(zh, en), "level": 2, "kind": "item"})
        rows.append({"side": "income", "row": 9, "label": t("收入总计", "Grand total revenue"), "level": 1,
                     "kind": "total", "amount": plain(self.FT)})
        rows.append({"side": "expenditure", "row": 1, "label": t("一、本年支出", "1. Expenditure for the year"),
                     "level": 1, "kind": "heading"})
        for i, c in enumerate(classes, start=1):
            zh, en = ctx.fname(c)
            rows.append({"side": "expenditure", "row": i + 1, "label": t(f"({cn(i)}) {zh}", f"({i}) {en}"),
                         "level": 2, "kind": "item", "function_code": c, "amount": cell(self.t03(c)["fiscal_total"])})
        rows += [
            {"side": "expenditure", "row": n + 2, "label": t("二、年终结转结余", "2. Year-end carry-over and balance"),
             "level": 1, "kind": "item"},
            {"side": "expenditure", "row": n + 3, "label": t("支出总计", "Grand total expenditure"), "level": 1,
             "kind": "total", "amount": plain(self.FT)},
        ]
        out["t04"] = rows
        assert used <= set(classes)

        # t03, t05, t08 by function code; t02 reconstructed from them
        out["t03"] = [{"row": 1, "code": "", "name": t("合计：", "Total:"), **self.t03_cells("")}]
        for c in self.codes:
            out["t03"].append({"row": len(out["t03"]) + 1, "code": c, "name": ctx.fname(c)[0], **self.t03_cells(c)})
        out["t05"] = [{"row": 1, "code": "", "name": t("合计:", "Total:"), **self.t05_cells("")}]
        for c in self.codes:
            if a.gpb(c):
                out["t05"].append({"row": len(out["t05"]) + 1, "code": c, "name": ctx.fname(c)[0],
                                   **self.t05_cells(c)})
        nf = {"general_budget": "rev-general", "fund_budget": "rev-fund", "state_capital_budget": "rev-state-capital",
              "special_account": "rev-special-account", "service_revenue": "rev-service",
              "business_revenue": "rev-business", "higher_grants": "rev-higher-grants",
              "affiliated_remittances": "rev-affiliated", "other_revenue": "rev-other", "carryover": "rev-carryover"}
        top = {"general_budget": self.GP, "fund_budget": self.F, "service_revenue": self.NF}
        rows = [{"row": 1, "code": "", "name": t("合计", "Total"), "total": plain(self.total),
                 **{k: plain(top.get(k, 0)) for k in nf},
                 "derived_from": "; ".join(["total=t03[code=].total"] +
                                           [f"{k}=narrative-figures[id={v}].value" for k, v in nf.items()])}]
        for c in self.codes:
            row = {"row": len(rows) + 1, "code": c, "name": ctx.fname(c)[0], "total": plain(self.t03(c)["total"])}
            derived = [f"total=t03[code={c}].total"]
            if a.gpb(c):
                row["general_budget"] = plain(a.gpb(c))
                derived.append(f"general_budget=t05[code={c}].total")
            if a.get(c, "fund"):
                row["fund_budget"] = plain(a.get(c, "fund"))
                derived.append(f"fund_budget=t08[code={c}].total")
            nonfiscal = a.get(c, "nfb") + a.get(c, "nfp")
            if nonfiscal:
                row["service_revenue"] = plain(nonfiscal)
                derived.append(f"service_revenue=t03[code={c}].nonfiscal_total")
            row["derived_from"] = "; ".join(derived)
            rows.append(row)
        out["t02"] = rows

        # t06 economic sections, t07 three public consumptions, t09 empty
        rows = [{"row": 1, "code": "", "name": t("合计：", "Total:"), "total": plain(self.P + self.U),
                 "personnel": cell(self.P), "public": cell(self.U)}]
        for cls in sorted({c[:3] for c in self.econ}):
            kids = [c for c in self.econ if c.startswith(cls)]
            p = sum(self.econ[c]["personnel"] for c in kids)
            u = sum(self.econ[c]["public"] for c in kids)
            rows.append({"row": len(rows) + 1, "code": cls, "name": ctx.ename(cls)[0], "total": plain(p + u),
                         "personnel": cell(p), "public": cell(u)})
            for c in kids:
                p, u = self.econ[c]["personnel"], self.econ[c]["public"]
                rows.append({"row": len(rows) + 1, "code": c, "name": ctx.ename(c)[0], "total": plain(p + u),
                             "personnel": cell(p), "public": cell(u)})
        out["t06"] = rows
        th = self.dept.three
        vehicles = th["vehicle_purchase"] + th["vehicle_operation"]
        out["t07"] = [{"row": 1, "total": cell(vehicles + th["overseas"] + th["reception"]),
                       "overseas": cell(th["overseas"]), "vehicle_total": cell(vehicles),
                       "vehicle_purchase": cell(th["vehicle_purchase"]),
                       "vehicle_operation": cell(th["vehicle_operation"]), "reception": cell(th["reception"])}]
        out["t08"] = [{"row": 1, "code": "", "name": t("合计：", "Total:"), "total": cell(self.F),
                       "project": cell(self.F)}] + [
            {"row": i, "code": c, "name": ctx.fname(c)[0], "total": cell(a.get(c, "fund")),
             "project": cell(a.get(c, "fund"))}
            for i, c in enumerate([c for c in self.codes if a.get(c, "fund")], start=2)]
        out["t09"] = [{"row": 1, "unit_name": t("合计", "Total")}]

        # t10 department-wide targets
        projects = self.dept.projects
        cat_total: dict[str, int] = {}
        cat_fiscal: dict[str, int] = {}
        for p, (f, nf_) in zip(projects, self.project_amounts, strict=True):
            cat_total[p.category] = cat_total.get(p.category, 0) + f + nf_
            cat_fiscal[p.category] = cat_fiscal.get(p.category, 0) + f
        cat_total |= {"人员支出": self.P + self.NF_pers, "公用支出": self.U + self.NF_pub}
        cat_fiscal |= {"人员支出": self.P, "公用支出": self.U}
        rows = []
        even = (25, 25, 25, 25)
        for i, (zh, en) in enumerate(CATEGORIES, start=1):
            row = {"row": i, "category": t(zh, en), "kind": "item", "total": cell(cat_total.get(zh, 0)),
                   "fiscal": cell(cat_fiscal.get(zh, 0))}
            if cat_total.get(zh):
                plan = even if i <= 2 else next((p.quarters for p in projects if p.category == zh), None)
                row |= self.plan(plan)
            rows.append(row)
        rows.append({"row": 6, "category": t("合计", "Total"), "kind": "total", "total": plain(self.total),
                     "fiscal": plain(self.FT)})
        out["t10-funding"] = rows
        tasks, task_projects, indicators = [], [], []
        for n_task, (zh, en, inds) in enumerate(self.dept.tasks, start=1):
            subs = [(s, amt) for p, amounts in zip(projects, self.sub_amounts, strict=True)
                    for s, amt in zip(p.subs, amounts, strict=True) if s[2] == n_task]
            listing_zh = "，".join(f"{s[0]}{printed(amt)}万元" for s, amt in subs) + "。"
            listing_en = "; ".join(f"{s[1]} {printed(amt)} (CNY 10,000)" for s, amt in subs) + "."
            tasks.append({"task": n_task, "description": t(zh, en), "projects": t(listing_zh, listing_en),
                          "fiscal_amount": plain(sum(amt for _, amt in subs))})
            for s, amt in subs:
                task_projects.append({"task": n_task, "project_name": t(s[0], s[1]), "amount": plain(amt)})
            for ind in inds:
                value = self.rng.choice(ind[5])
                direction = DIRECTIONS.get(ind[4], ("", ""))
                indicators.append({"row": len(indicators) + 1, "task": n_task, "indicator": t(ind[2], ind[3]),
                                   "direction": t(*direction), "operator": ind[4], "target": t(str(value), str(value)),
                                   "value": value, "unit": t(ind[6], ind[7])})
        out["t10-tasks"], out["t10-task-projects"], out["t10-indicators"] = tasks, task_projects, indicators

        # t11 one table per first-level project
        for i, (p, (f, nf_)) in enumerate(zip(projects, self.project_amounts, strict=True)):
            x = letter(i)
            subs = "、".join(s[0] for s in p.subs)
            subs_en = ", ".join(s[1] for s in p.subs)
            out[f"t11{x}-project"] = [{
                "project_name": t(*p.name), "period": t(*p.period), "implementer": t(self.dz, self.de),
                "supervisor": t(self.dz, self.de),
                "goal": t(f"围绕{self.dept.theme[0]}领域重点任务，{p.goal[0]}，提升服务质量和管理水平。",
                          f"Focusing on the key tasks in {self.dept.theme[1]}, {p.goal[1]} and raise the quality "
                          "of service and management."),
                "budget": plain(f + nf_), "fiscal": plain(f),
                "scope": t(f"主要用于{subs}等支出。", f"Mainly used for {subs_en} and related spending."),
                **self.plan(p.quarters),
            }]
            rows = []
            for ind in p.indicators:
                l1, l2, l3, l3_en, op, values, unit, unit_en = ind
                if op:
                    value = self.rng.choice(values)
                    sep = " " if unit_en not in ("%", "") else ""
                    target = t(f"{SYMBOLS[op]}{value}{unit}", f"{SYMBOLS[op]}{value}{sep}{unit_en}")
                else:
                    value, target = None, t(*values)
                rows.append({"row": len(rows) + 1, "level1": t(l1, LEVEL1[l1]), "level2": t(l2, LEVEL2[l2]),
                             "level3": t(l3, l3_en), "target": target, "operator": op, "value": value,
                             "unit": t(unit, unit_en)})
            out[f"t11{x}-indicators"] = rows
        return out

    def t(self, zh: str, en: str) -> str:
        if zh:
            known = self.tr.setdefault(zh, en)
            assert known == en, f"two translations of {zh!r}: {known!r} and {en!r}"
        return zh

    def plan(self, quarters: tuple[int, ...] | None) -> dict[str, object]:
        if quarters is None:
            return {"plan": self.t(*CONTRACT)}
        q = quarters
        return {"plan": self.t(f"第一季度{q[0]}%，第二季度{q[1]}%，第三季度{q[2]}%，第四季度{q[3]}%。",
                               f"Q1 {q[0]}%, Q2 {q[1]}%, Q3 {q[2]}%, Q4 {q[3]}%."),
                "q1": q[0], "q2": q[1], "q3": q[2], "q4": q[3]}

    def t03(self, c: str) -> dict[str, int]:
        a = self.a
        fb, fp = a.get(c, "pers") + a.get(c, "pub"), a.get(c, "proj") + a.get(c, "fund")
        nb, np_ = a.get(c, "nfb"), a.get(c, "nfp")
        return {"total": fb + fp + nb + np_, "fiscal_total": fb + fp, "fiscal_basic": fb, "fiscal_project": fp,
                "nonfiscal_total": nb + np_, "nonfiscal_basic": nb, "nonfiscal_project": np_}

    def t03_cells(self, c: str) -> dict[str, str]:
        return {k: cell(v) for k, v in self.t03(c).items()}

    def t05_cells(self, c: str) -> dict[str, str]:
        a = self.a
        p, u, j = a.get(c, "pers"), a.get(c, "pub"), a.get(c, "proj")
        return {"total": cell(p + u + j), "basic_total": cell(p + u), "basic_personnel": cell(p),
                "basic_public": cell(u), "project": cell(j)}

    # narrative ----------------------------------------------------------------------------------------------
    def narrative(self, x: Text) -> None:
        dept, year, py, rng = self.dept, self.year, self.year - 1, self.rng
        dz, de = self.dz, self.de
        theme_zh, theme_en = dept.theme
        prev = self.previous or {}
        self.prior_rows: list[dict[str, object]] = []

        x.heading(1, "第一部分 部门概况", "Part One: Overview of the Department")
        x.para(SYNTHETIC_NOTE[0], SYNTHETIC_NOTE[1])
        x.heading(2, "一、部门主要职责", "I. Main Responsibilities of the Department")
        duties_zh = "；".join(d[0] for d in dept.duties)
        duties_en = "; ".join(d[1] for d in dept.duties)
        x.para(f"{dz}是本示例中负责{theme_zh}工作的虚构部门，主要职责是：{duties_zh}；承办上级交办的其他事项。",
               f"{de} is a fictitious department responsible for {theme_en}. Its main responsibilities are: "
               f"{duties_en}; and other matters assigned by higher authorities.")
        x.heading(2, "二、部门预算单位基本情况", "II. Basic Information on the Budget Units of the Department")
        x.para(f"纳入{dz}{year}年部门预算编制范围的单位包括：",
               f"The units included in the scope of the {year} departmental budget of {de} are:")
        x.table([(("单位名称", "Unit name"), ("经费性质", "Funding type"))] +
                [((u[0], u[1]), (u[2], u[3])) for u in dept.units])
        x.heading(2, "三、部门主要工作任务", "III. Main Tasks of the Department")
        x.para(f"{year}年，{dz}围绕{theme_zh}领域的年度目标，重点抓好以下工作：",
               f"In {year}, around its annual goals in {theme_en}, {de} will focus on the following work:")
        sentences = rng.sample(TASK_SENTENCES, len(TASK_SENTENCES))
        for i, title in enumerate(rng.sample(TASK_TITLES, rng.randint(3, 5)), start=1):
            chosen = [theme_text(s, dept.theme) for s in sentences[(i - 1) * 3:(i - 1) * 3 + rng.randint(2, 3)]]
            x.para(f"（{cn(i)}）{title[0]}。" + "".join(s[0] for s in chosen),
                   f"({i}) {title[1]}. " + " ".join(s[1] for s in chosen))

        x.heading(1, f"第二部分 {year}年部门预算说明", f"Part Two: Explanation of the {year} Departmental Budget")
        x.heading(2, f"一、{year}年部门预算收支总体情况",
                  f"I. Overall Revenue and Expenditure of the {year} Departmental Budget")
        x.para("根据预算管理的有关规定，单位的全部收入和支出均纳入部门预算管理。",
               "Under the rules of budget management, all revenue and expenditure of the units is included in the "
               "departmental budget.")
        total = self.total
        change = comparison(total, prev.get("total"), rng)
        q = x.fig("rev-total", f"收入预算为{printed(total)}万元", f"revenue budget of {printed(total)} (CNY 10,000)",
                  total, ref="t01[side=income,label=本年收入合计].amount")
        cz, ce = self.compare(x, "rev", change, py, "revenue", "rev-total")
        x.para(f"（一）{dz}{year}年{q}，{cz}，具体情况如下：",
               f"(1) The {year} revenue budget of {de} is {printed(total)} (CNY 10,000), {ce}. Details:")
        inc = "t01[side=income,label={}].amount"
        q1 = x.fig("rev-fiscal", f"财政拨款收入{printed(self.FT)}万元",
                   f"revenue from fiscal appropriations of {printed(self.FT)} (CNY 10,000)", self.FT,
                   ref=" + ".join(inc.format(lab[0]) for lab in INCOME_LABELS[:3]))
        q2 = x.fig("rev-general", f"一般公共预算拨款收入{printed(self.GP)}万元",
                   f"revenue from general public budget appropriations of {printed(self.GP)} (CNY 10,000)", self.GP,
                   ref=inc.format(INCOME_LABELS[0][0]))
        q3 = x.fig("rev-fund", f"政府性基金拨款收入{printed(self.F)}万元",
                   f"revenue from government-managed funds appropriations of {printed(self.F)} (CNY 10,000)",
                   self.F, ref=inc.format(INCOME_LABELS[1][0]))
        q4 = x.fig("rev-state-capital", "国有资本经营预算拨款收入0.00万元",
                   "revenue from state capital operations budget appropriations of 0.00 (CNY 10,000)", 0,
                   ref=inc.format(INCOME_LABELS[2][0]))
        x.item(f"1.{q1}，其中{q2}，{q3}，{q4}；",
               f"1. Fiscal appropriations {printed(self.FT)}, of which general public budget appropriations "
               f"{printed(self.GP)}, government-managed funds {printed(self.F)} and state capital operations 0.00;")
        simple = [("rev-special-account", "财政专户管理资金收入",
                   "revenue from funds managed in special fiscal accounts", 3, 0),
                  ("rev-service", "事业收入", "public-service revenue", 4, self.NF),
                  ("rev-business", "事业单位经营收入", "business revenue of public institutions", 5, 0),
                  ("rev-higher-grants", "上级补助收入", "grants from higher-level units", 6, 0),
                  ("rev-affiliated", "附属单位上缴收入", "remittances from affiliated units", 7, 0),
                  ("rev-other", "其他收入", "other revenue", 8, 0)]
        for i, (fid, zh, en, label, v) in enumerate(simple, start=2):
            q = x.fig(fid, f"{zh}{printed(v)}万元", f"{en} of {printed(v)} (CNY 10,000)", v,
                      ref=inc.format(INCOME_LABELS[label][0]))
            x.item(f"{i}.{q}；", f"{i}. {en[0].upper() + en[1:]} {printed(v)};")
        q = x.fig("rev-carryover", "上年结转结余0.00万元",
                  "carry-over and balance from the previous year of 0.00 (CNY 10,000)", 0,
                  ref="t01[side=income,label=上年结转结余].amount")
        x.item(f"8.{q}。", "8. Carry-over and balance from the previous year 0.00.")

        q = x.fig("exp-total", f"支出预算为{printed(total)}万元",
                  f"expenditure budget of {printed(total)} (CNY 10,000)", total,
                  ref="t01[side=expenditure,label=本年支出合计].amount")
        cz, ce = self.compare(x, "exp", change, py, "expenditure", "exp-total")
        x.para(f"（二）{dz}{year}年{q}（不含市对区转移支付项目），{cz}，具体情况如下：",
               f"(2) The {year} expenditure budget of {de} is {printed(total)} (CNY 10,000), excluding "
               f"municipal-to-district transfers, {ce}. Details:")
        fb = self.P + self.U
        q1 = x.fig("exp-basic", f"财政拨款基本支出{printed(fb)}万元",
                   f"basic expenditure from fiscal appropriations of {printed(fb)} (CNY 10,000)", fb,
                   ref="t03[code=].fiscal_basic")
        q2 = x.fig("exp-personnel", f"人员支出{printed(self.P)}万元",
                   f"personnel expenditure of {printed(self.P)} (CNY 10,000)", self.P, ref="t05[code=].basic_personnel")
        q3 = x.fig("exp-public", f"公用支出{printed(self.U)}万元",
                   f"operating expenditure of {printed(self.U)} (CNY 10,000)", self.U, ref="t05[code=].basic_public")
        x.item(f"1.{q1}，其中，{q2}，{q3}；",
               f"1. Basic expenditure from fiscal appropriations {printed(fb)}: personnel {printed(self.P)}, "
               f"operating {printed(self.U)};")
        fp = self.GPP + self.F
        q = x.fig("exp-project", f"财政拨款项目支出{printed(fp)}万元",
                  f"project expenditure from fiscal appropriations of {printed(fp)} (CNY 10,000)", fp,
                  ref="t03[code=].fiscal_project")
        x.item(f"2.{q}；", f"2. Project expenditure from fiscal appropriations {printed(fp)};")
        q = x.fig("exp-nonfiscal", f"非财政拨款支出{printed(self.NF)}万元",
                  f"expenditure from non-appropriation funds of {printed(self.NF)} (CNY 10,000)", self.NF,
                  ref="t03[code=].nonfiscal_total")
        x.item(f"3.{q}。", f"3. Expenditure from non-appropriation funds {printed(self.NF)}.")
        q = x.fig("transfer-total", "市对区转移支付项目预算为0.00万元",
                  "budget for municipal-to-district transfer payment projects of 0.00 (CNY 10,000)", 0,
                  ref="t09[row=1].amount")
        x.para(f"（三）{dz}{year}年{q}。",
               f"(3) {de} budgets 0.00 (CNY 10,000) for municipal-to-district transfer payment projects in {year}.")

        x.heading(2, "二、一般公共预算财政拨款支出预算情况",
                  "II. Expenditure Budget of General Public Budget Fiscal Appropriations")
        gchange = comparison(self.GP, prev.get("gpb"), rng)
        q = x.fig("gpb-total", f"一般公共预算支出{printed(self.GP)}万元",
                  f"general public budget expenditure of {printed(self.GP)} (CNY 10,000)", self.GP,
                  ref="t05[code=].total")
        cz, ce = self.compare(x, "gpb", gchange, py, "general-public-budget", "gpb-total")
        reason = rng.choice(REASONS_UP if gchange[0] == "up" else REASONS_DOWN)
        why_zh = f"，主要是{reason[0]}" if gchange[0] != "same" else ""
        why_en = f", mainly because {reason[1]}" if gchange[0] != "same" else ""
        x.para(f"{year}年度{q}（不含市对区转移支付项目），{cz}{why_zh}。支出项目（按项级科目分类统计）包括：",
               f"In {year}, general public budget expenditure is {printed(self.GP)} (CNY 10,000), excluding "
               f"municipal-to-district transfers, {ce}{why_en}. By item, the expenditure comprises:")
        n = 0
        for c in self.leaf_codes:
            v = self.a.gpb(c)
            if not v:
                continue
            n += 1
            cls, sec, item = self.ctx.fname(c[:3]), self.ctx.fname(c[:5]), self.ctx.fname(c)
            purpose = PERSONNEL_ITEMS.get(c) or self.purpose(c)
            q = x.fig(f"gpb-{c}", f"{item[0]}（项）{printed(v)}万元",
                      f"{item[1]} (item) of {printed(v)} (CNY 10,000)", v, ref=f"t05[code={c}].total")
            x.para(f"（{cn(n)}）{cls[0]}（类）{sec[0]}（款）{q}。主要用于{purpose[0]}。",
                   f"({n}) {cls[1]} (class), {sec[1]} (section), {item[1]} (item): {printed(v)} (CNY 10,000), "
                   f"mainly for {purpose[1]}.")

        x.heading(2, "三、政府性基金预算财政拨款支出情况",
                  "III. Expenditure of Government-Managed Funds Budget Fiscal Appropriations")
        q = x.fig("fund-total", f"政府性基金支出{printed(self.F)}万元",
                  f"government-managed funds expenditure of {printed(self.F)} (CNY 10,000)", self.F,
                  ref="t08[code=].total")
        if self.F:
            fund_codes = [c for c in self.leaf_codes if self.a.get(c, "fund")]
            names = "、".join(self.ctx.fname(c)[0] for c in fund_codes)
            names_en = ", ".join(self.ctx.fname(c)[1] for c in fund_codes)
            x.para(f"{year}年度{q}（不含市对区转移支付项目），全部为项目支出，主要用于{names}。",
                   f"In {year}, government-managed funds expenditure is {printed(self.F)} (CNY 10,000), excluding "
                   f"municipal-to-district transfers, all of it project expenditure, mainly for {names_en}.")
        else:
            statement = self.t(f"与{py}年预算数相比无变化", f"no change compared with the {py} budget figure")
            x.para(f"{year}年度{q}（不含市对区转移支付项目），{statement}。主要是{py}年、{year}年均未使用政府性基金预算"
                   "拨款安排支出。",
                   f"In {year}, government-managed funds expenditure is 0.00 (CNY 10,000), excluding "
                   f"municipal-to-district transfers, no change compared with the {py} budget figure: neither "
                   "year uses government-managed fund appropriations.")
            self.prior_rows.append({"id": "government-funds", "figure": "fund-total",
                                    "source_line": x.figures[-1].line, "statement": statement})

        x.heading(2, "四、“三公”经费财政拨款预算情况",
                  "IV. Fiscal Appropriation Budget for the \"Three Public Consumptions\"")
        th = dept.three
        vehicles = th["vehicle_purchase"] + th["vehicle_operation"]
        three_total = vehicles + th["overseas"] + th["reception"]
        t07 = "t07[row=1].{}"
        q1 = x.fig("three-total", f"“三公”经费财政拨款预算数为{printed(three_total)}万元",
                   f"fiscal appropriations budget for the \"three public consumptions\" of {printed(three_total)} "
                   "(CNY 10,000)", three_total, ref=t07.format("total"))
        q2 = x.fig("three-overseas", f"因公出国（境）经费{printed(th['overseas'])}万元",
                   f"official overseas travel expenses of {printed(th['overseas'])} (CNY 10,000)", th["overseas"],
                   ref=t07.format("overseas"))
        q3 = x.fig("three-reception", f"公务接待费{printed(th['reception'])}万元",
                   f"official reception expenses of {printed(th['reception'])} (CNY 10,000)", th["reception"],
                   ref=t07.format("reception"))
        q4 = x.fig("three-vehicles", f"公务用车购置及运行费{printed(vehicles)}万元",
                   f"official vehicle purchase and operation expenses of {printed(vehicles)} (CNY 10,000)", vehicles,
                   ref=t07.format("vehicle_total"))
        x.para(f"{dz}{year}年{q1}，其中：{q2}，{q3}，{q4}。具体情况如下：",
               f"The {year} fiscal appropriations budget of {de} for the \"three public consumptions\" is "
               f"{printed(three_total)} (CNY 10,000): official overseas travel {printed(th['overseas'])}, official "
               f"reception {printed(th['reception'])}, official vehicles {printed(vehicles)}. In detail:")
        same = self.t("与上年预算相比无变化", "no change compared with the previous year's budget")
        for fid, key, head, head_en, use, use_en in (
                ("three-overseas", "overseas", "（一）因公出国（境）经费",
                 "(1) Official overseas (incl. Hong Kong, Macao and Taiwan) travel",
                 "主要用于按计划组织的业务考察交流", "mainly for planned study and exchange visits"),
                ("three-reception", "reception", "（二）公务接待费", "(2) Official reception",
                 "主要用于上级检查、业务交流等方面的接待活动", "mainly for receiving inspections and exchange visits"),
                ("three-vehicles", "vehicle_total", "（三）公务用车购置及运行费",
                 "(3) Purchase and operation of official vehicles",
                 "主要用于保障公务用车正常运行", "mainly for keeping official vehicles running")):
            x.heading(3, head, head_en)
            v = vehicles if key == "vehicle_total" else th[key]
            q = x.fig(f"{fid}-detail", f"{year}年预算安排{printed(v)}万元",
                      f"{year} budget allocation of {printed(v)} (CNY 10,000)", v, ref=t07.format(key))
            line = f"{q}。"
            line_en = f"The {year} budget allocation is {printed(v)} (CNY 10,000)."
            if key == "vehicle_total":
                qa = x.fig("three-vehicle-operation", f"公务用车运行费{printed(th['vehicle_operation'])}万元",
                           f"official vehicle operation expenses of {printed(th['vehicle_operation'])} (CNY 10,000)",
                           th["vehicle_operation"], ref=t07.format("vehicle_operation"))
                qb = x.fig("three-vehicle-purchase", f"公务用车购置费{printed(th['vehicle_purchase'])}万元",
                           f"official vehicle purchase expenses of {printed(th['vehicle_purchase'])} (CNY 10,000)",
                           th["vehicle_purchase"], ref=t07.format("vehicle_purchase"))
                line = f"{q}，其中：{qa}；{qb}。"
                line_en = (f"The {year} budget allocation is {printed(v)} (CNY 10,000): vehicle operation "
                           f"{printed(th['vehicle_operation'])}, vehicle purchase {printed(th['vehicle_purchase'])}.")
            if v:
                line += f"{use}。"
                line_en += f" It is {use_en}."
            x.para(f"{line}{same}。", f"{line_en} There is {same}.")
            self.prior_rows.append({"id": fid, "figure": f"{fid}-detail", "source_line": x.figures[-1].line,
                                    "statement": same})

        x.heading(2, "五、部分项目情况说明", "V. Notes on Selected Projects")
        for i, (p, (f, nf_), subs) in enumerate(zip(dept.projects, self.project_amounts, self.sub_amounts,
                                                    strict=True), start=1):
            xl = letter(i - 1)
            name, name_en = p.name
            x.heading(3, f"（{cn(i)}）{name}项目情况", f"({i}) {name_en} project")
            x.heading(4, "1. 项目概述", "1. Project overview")
            x.para(f"本项目是{dz}为{p.goal[0]}设立的部门专用一级项目，包括{len(p.subs)}个二级项目，即"
                   f"{'、'.join(s[0] for s in p.subs)}。",
                   f"This is a first-level departmental project set up by {de} to {p.goal[1]}. It comprises "
                   f"{len(p.subs)} second-level project(s): {', '.join(s[1] for s in p.subs)}.")
            x.heading(4, "2. 立项依据", "2. Basis for the project")
            for j, (zh, en) in enumerate(p.basis, start=1):
                x.para(f"({j}) {zh}", f"({j}) {en}")
            x.heading(4, "3. 实施主体", "3. Implementing body")
            x.para(f"本项目由{dz}组织实施。", f"The project is implemented by {de}.")
            x.heading(4, "4. 实施方案", "4. Implementation plan")
            s1, s2 = rng.sample(TASK_SENTENCES, 2)
            s1, s2 = theme_text(s1, dept.theme), theme_text(s2, dept.theme)
            x.para(f"{s1[0]}{s2[0]}根据政府采购相关要求，由项目负责处室牵头组织实施，完成后组织验收。",
                   f"{s1[1]} {s2[1]} Following the government procurement rules, the responsible division leads "
                   "the implementation and organises acceptance on completion.")
            x.heading(4, "5. 实施周期", "5. Implementation period")
            x.para(f"本项目为{p.period[0]}，实施周期为1年。", f"{p.period[1]}; the implementation period is one year.")
            x.heading(4, "6. 年度预算安排", "6. Annual budget")
            ref = f"t11{xl}-project[project_name={name}]"
            qf = x.fig(f"project-{xl}-fiscal", f"财政拨款{printed(f)}万元",
                       f"fiscal appropriations of {printed(f)} (CNY 10,000)", f, ref=f"{ref}.fiscal")
            if nf_:
                qb = x.fig(f"project-{xl}-budget", f"预算{printed(f + nf_)}万元",
                           f"budget of {printed(f + nf_)} (CNY 10,000)", f + nf_, ref=f"{ref}.budget")
                x.para(f"{year}年拟安排该项目{qb}，其中{qf}。财政拨款安排如下：",
                       f"The {year} budget for the project is {printed(f + nf_)} (CNY 10,000), of which fiscal "
                       f"appropriations {printed(f)}, allocated as follows:")
            else:
                x.para(f"{year}年拟安排该项目{qf}。其中：",
                       f"The {year} budget for the project is {printed(f)} (CNY 10,000) from fiscal appropriations, "
                       "of which:")
            for j, (s, amt) in enumerate(zip(p.subs, subs, strict=True), start=1):
                q = x.fig(f"project-{xl}-{j}", f"{s[0]}安排{printed(amt)}万元",
                          f"allocation for {s[1]} of {printed(amt)} (CNY 10,000)", amt,
                          ref=f"t10-task-projects[project_name={s[0]}].amount")
                last = j == len(p.subs)
                x.item(f"({j}) {q}{'。' if last else '；'}", f"({j}) {s[1]}: {printed(amt)}{'.' if last else ';'}")
            x.heading(4, "7. 绩效目标和指标", "7. Performance targets and indicators")
            x.para("详见附表十一。", "See Annex Table 11.")

        x.heading(2, "六、其他重要事项的情况说明", "VI. Notes on Other Important Matters")
        x.heading(3, "（一）机关运行经费", "(1) Operating Expenses of Government Agencies")
        ochange = comparison(self.U, prev.get("opex"), rng)
        q = x.fig("opex-total", f"机关运行经费财政拨款预算{printed(self.U)}万元",
                  f"fiscal appropriations budget for operating expenses of government agencies of {printed(self.U)} "
                  "(CNY 10,000)", self.U, ref="t05[code=].basic_public")
        cz, ce = self.compare(x, "opex", ochange, py, "agency-operating-costs", "opex-total", budget_word="预算")
        x.para(f"{year}年{dz}的{q}，{cz}。主要是{rng.choice(['日常办公支出调整', '办公设备更新维护支出变化'])}。",
               f"In {year}, the fiscal appropriations budget of {de} for agency operating expenses is "
               f"{printed(self.U)} (CNY 10,000), {ce}, mainly reflecting changes in routine office spending.")
        x.heading(3, "（二）政府采购情况", "(2) Government Procurement")
        goods = min(self.U, rng.randint(0, 400) * 100)
        works = rng.choice([0, 0, rng.randint(1, 50) * 1000])
        services = rng.randint(0, 300) * 100
        procurement = goods + works + services
        qs = [x.fig("procurement-total", f"政府采购预算总额{printed(procurement)}万元",
                    f"total government procurement budget of {printed(procurement)} (CNY 10,000)", procurement),
              x.fig("procurement-goods", f"政府采购货物预算{printed(goods)}万元",
                    f"government procurement budget for goods of {printed(goods)} (CNY 10,000)", goods),
              x.fig("procurement-works", f"政府采购工程预算{printed(works)}万元",
                    f"government procurement budget for works of {printed(works)} (CNY 10,000)", works),
              x.fig("procurement-services", f"政府采购服务预算{printed(services)}万元",
                    f"government procurement budget for services of {printed(services)} (CNY 10,000)", services)]
        x.para(f"{year}年{dz}{qs[0]}，其中：{qs[1]}，{qs[2]}，{qs[3]}。",
               f"In {year}, the total government procurement budget of {de} is {printed(procurement)} "
               f"(CNY 10,000): goods {printed(goods)}, works {printed(works)}, services {printed(services)}.")
        x.heading(3, "（三）国有资产占有使用情况", "(3) Possession and Use of State-Owned Assets")
        qa = x.fig("assets-vehicles", f"共有车辆{dept.vehicles}辆", f"a total of {dept.vehicles} vehicles",
                   dept.vehicles, unit="辆")
        qb = x.fig("assets-equipment", f"单位价值100万元以上设备{dept.equipment}台（套）",
                   f"{dept.equipment} units (sets) of equipment with a unit value of 100 (CNY 10,000) or more",
                   dept.equipment, unit="台（套）", shown=str(dept.equipment))
        x.para(f"截至{py}年12月31日，{dz}所属各预算单位{qa}，{qb}。",
               f"As of 31 December {py}, the budget units of {de} held {dept.vehicles} vehicle(s) and "
               f"{dept.equipment} item(s) of equipment worth 100 (CNY 10,000) or more each.")
        x.heading(3, "（四）绩效目标设置情况", "(4) Setting of Performance Targets")
        k = len(dept.projects)
        q1 = x.fig("performance-projects", f"实行绩效目标管理的一级项目{k}个",
                   f"{k} first-level projects under performance target management", k, unit="个")
        q2 = x.fig("performance-general", f"涉及一般公共预算拨款{printed(self.GPP)}万元",
                   f"involving general public budget appropriations of {printed(self.GPP)} (CNY 10,000)", self.GPP,
                   ref="t05[code=].project")
        q3 = x.fig("performance-fund", f"政府性基金预算拨款{printed(self.F)}万元",
                   f"government-managed funds budget appropriations of {printed(self.F)} (CNY 10,000)", self.F,
                   ref="t08[code=].project")
        x.para(f"{dz}{year}年{q1}，{q2}、{q3}。",
               f"In {year}, {de} has {k} first-level projects under performance target management, involving general "
               f"public budget appropriations of {printed(self.GPP)} and government-managed funds of "
               f"{printed(self.F)} (CNY 10,000).")

        x.heading(1, "第三部分 名词解释", "Part Three: Explanation of Terms")
        for zh, en in GLOSSARY:
            x.para(zh, en)

    def purpose(self, c: str) -> tuple[str, str]:
        parts = []
        if self.a.get(c, "pers"):
            parts.append(("在职人员经费支出", "staff costs"))
        if self.a.get(c, "pub"):
            parts.append(("保障机构正常运转、完成日常工作任务的公用支出", "operating costs of running the institution"))
        if self.a.get(c, "proj"):
            parts.append(("相关业务项目支出", "related project spending"))
        return "；".join(p[0] for p in parts), ", ".join(p[1] for p in parts)

    def compare(self, x: Text, prefix: str, change: tuple[str, int, Decimal], py: int, row_id: str, figure: str,
                budget_word: str = "预算数") -> tuple[str, str]:
        """The narrative's comparison with the previous year, as figures; a prior-year row for an increase."""
        how, amount, pct = change
        if how == "same":
            statement = self.t(f"与{py}年{budget_word}持平", f"unchanged from the {py} budget")
            self.prior_rows.append({"id": row_id, "figure": figure, "source_line": 0, "statement": statement,
                                    "_line_of": figure})
            return statement, f"unchanged from the {py} budget"
        word, word_en, rate, rate_en = (("增加", "an increase of", "增长", "up") if how == "up" else
                                        ("减少", "a decrease of", "下降", "down"))
        qc = x.fig(f"{prefix}-change", f"比{py}年{budget_word}{word}{printed(amount)}万元",
                   f"{word_en} {printed(amount)} (CNY 10,000) compared with the {py} budget", amount)
        qp = x.fig(f"{prefix}-pct", f"{rate}{pct}%", f"{rate_en} {pct}%", pct, unit="%")
        if how == "up":
            self.prior_rows.append({"id": row_id, "figure": figure, "change": f"{prefix}-change",
                                    "change_pct": f"{prefix}-pct", "source_line": 0, "_line_of": figure})
        return f"{qc}，{qp}", f"{word_en} {printed(amount)} (CNY 10,000) or {pct}% compared with {py}"

    # source text ----------------------------------------------------------------------------------------------
    def source(self, x: Text, tables: dict[str, list[dict[str, object]]]) -> tuple[str, dict[str, tuple[int, int]]]:
        year, dz = self.year, self.dz
        head = ["", f"{year} 年度 {dz} 部门预算（虚构示例数据）", "",
                "本文件是为性能基准测试自动生成的虚构示例文本，不是任何部门的真实预算公开文本。", "", "目 录", "",
                "第一部分 部门概况", "", "第二部分 部门预算说明", "", "第三部分 名词解释", "",
                f"第四部分 {year} 年部门预算附表", ""]
        toc = {}
        for tid in TABLES:
            toc[tid] = len(head) + 1
            head.append(f"- {TABLES[tid][0]}、{TABLES[tid][1]}")
        head += ["- 十一、项目绩效目标表", ""]
        self.narrative_offset = len(head)
        lines = head + x.src + ["", f"第四部分 {year} 年部门预算附表", ""]
        spans: dict[str, tuple[int, int]] = {"t02": (toc["t02"], toc["t02"])}

        def emit(tid: str, title: str, body: list[str], after: list[str] | None = None) -> None:
            start = len(lines) + 1
            lines.extend([title, "", "单位：万元", ""] + body)
            spans[tid] = (start, len(lines))
            lines.extend((after or []) + [""])

        def money(v: object) -> str:
            return printed(int(Decimal(str(v)) * 100)) if v not in (None, "") else ""

        def side(rows: list[dict[str, object]], name: str) -> list[tuple[str, str]]:
            return [(str(r["label"]), money(r.get("amount"))) for r in rows if r["side"] == name]

        for tid in ("t01", "t04"):
            inc, exp = side(tables[tid], "income"), side(tables[tid], "expenditure")
            inc = inc[:-3] + [("", "")] * (len(exp) - len(inc)) + inc[-3:] if tid == "t01" else \
                inc[:-1] + [("", "")] * (len(exp) - len(inc)) + inc[-1:]
            body = ["收 入\t\t支 出\t", "项 目\t预算数\t项 目\t预算数"]
            body += [f"{a}\t{b}\t{c}\t{d}" for (a, b), (c, d) in zip(inc, exp, strict=True)]
            emit(tid, TABLES[tid][1], body)
        coded = {"t03": ["total", "fiscal_total", "fiscal_basic", "fiscal_project", "nonfiscal_total",
                         "nonfiscal_basic", "nonfiscal_project"],
                 "t05": ["total", "basic_total", "basic_personnel", "basic_public", "project"],
                 "t06": ["total", "personnel", "public"], "t08": ["total", "basic", "project"]}
        heads = {"t03": ["支出功能分类科目\t\t合计\t财政拨款\t\t\t非财政拨款\t\t",
                         "科目编码\t科目名称\t\t小计\t基本支出\t项目支出\t小计\t基本支出\t项目支出"],
                 "t05": ["科目编码\t科目名称\t合计\t基本支出\t\t\t项目支出", "\t\t\t小计\t人员支出\t公用支出\t"],
                 "t06": ["部门预算支出经济分类科目\t\t本年一般公共预算基本支出\t\t",
                         "科目编码\t科目名称\t合计\t人员支出\t公用支出"],
                 "t08": ["支出功能分类科目\t\t本年政府性基金预算支出\t\t",
                         "科目编码\t科目名称\t合计\t基本支出\t项目支出"]}
        misprint = {(e["resource"], e["row"]): e["as_published"] for e in self.errata}
        for tid in ("t03", "t05", "t06", "t07", "t08", "t09"):
            if tid == "t07":
                r = tables["t07"][0]
                emit("t07", TABLES["t07"][1], [
                    "“三公”经费合计\t因公出国（境）费\t公务用车购置及运行费\t\t\t公务接待费",
                    "\t\t小计\t公务用车购置费\t公务用车运行费\t",
                    "\t".join(money(r.get(k)) for k in ("total", "overseas", "vehicle_total", "vehicle_purchase",
                                                        "vehicle_operation", "reception"))])
                continue
            if tid == "t09":
                emit("t09", TABLES["t09"][1], [
                    "单位编码\t单位名称\t支出功能分类科目编码\t支出功能分类科目名称\t资金性质\t"
                    "转移支付类型\t转移支付项目名称\t预算数", "\t合计\t\t\t\t\t\t"])
                continue
            body = list(heads[tid])
            for r in tables[tid]:
                code = misprint.get((tid, r["row"]), r["code"])
                body.append("\t".join([str(code), str(r["name"])] + [money(r.get(k)) for k in coded[tid]]))
            after = [f"说明：{year}年度没有使用政府性基金预算拨款安排支出。"] if tid == "t08" and not self.F else []
            emit(tid, TABLES[tid][1] if tid != "t06" else "一般公共预算基本支出情况表（细化至经济分类款级科目）", body,
                 after)
        body = [f"({year}年度)", f"单位名称\t{dz}", "预算金额\t支出结构\t资金总额\t其中：财政资金\t投入计划"]
        body += [f"\t{r['category']}\t{money(r.get('total'))}\t{money(r.get('fiscal'))}\t{r.get('plan') or ''}"
                 for r in tables["t10-funding"]]
        body.append("绩效目标\t年度工作任务\t绩效指标\t指标方向\t目标值\t计量单位\t涉及项目\t涉及财政资金")
        for task in tables["t10-tasks"]:
            inds = [r for r in tables["t10-indicators"] if r["task"] == task["task"]]
            for j, r in enumerate(inds):
                first = j == 0
                body.append("\t".join([
                    "", str(task["description"]) if first else "", str(r["indicator"]), str(r["direction"]),
                    str(r["target"]), str(r["unit"]), str(task["projects"]) if first else "",
                    money(task["fiscal_amount"]) if first else ""]))
        emit("t10", TABLES["t10"][1], body)
        for i, p in enumerate(self.dept.projects):
            xl = letter(i)
            r = tables[f"t11{xl}-project"][0]
            body = [f"({year}年)", f"项目名称\t{r['project_name']}\t\t实施期限\t{r['period']}",
                    f"实施单位\t{r['implementer']}\t\t主管部门\t{r['supervisor']}", f"总目标\t{r['goal']}",
                    f"投入目标\t预算资金\t{money(r['budget'])}万元\t其中：财政拨款数\t{money(r['fiscal'])}万元",
                    f"\t资金使用范围\t{r['scope']}", f"\t资金投入计划\t{r['plan']}",
                    "绩效指标\t一级指标\t二级指标\t三级指标\t目标值"]
            body += [f"\t{q['level1']}\t{q['level2']}\t{q['level3']}\t{q['target']}"
                     for q in tables[f"t11{xl}-indicators"]]
            emit(f"t11{xl}", f"{p.name[0]}项目绩效目标表", body)
        # prior-year rows cite the line of their figure
        lines_of = {f.id: f.line for f in x.figures}
        for row in self.prior_rows:
            key = row.pop("_line_of", None)
            if key:
                row["source_line"] = lines_of[key] + self.narrative_offset
            elif row["source_line"]:
                row["source_line"] += self.narrative_offset
        order = ["revenue", "expenditure", "general-public-budget", "government-funds", "three-overseas",
                 "three-reception", "three-vehicles", "agency-operating-costs"]
        self.prior_rows.sort(key=lambda r: order.index(str(r["id"])))
        return "\n".join(lines) + "\n", spans

    # descriptor -----------------------------------------------------------------------------------------------
    def descriptor(self, spans: dict[str, tuple[int, int]], sha256: str) -> bytes:
        dept, year = self.dept, self.year
        dz, de = self.dz, self.de
        projects = dept.projects

        def resource(name: str, schema: str, zh: str, en: str) -> dict[str, object]:
            return {"name": name, "path": f"data/{name}.csv", "profile": "tabular-data-resource", "format": "csv",
                    "mediatype": "text/csv", "encoding": "utf-8", "schema": f"schemas/{schema}.json", "title": zh,
                    "x_i18n": {"en": {"title": en}}}

        names = ["codes-function", "codes-economic", "t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09",
                 "t10-funding", "t10-tasks", "t10-task-projects", "t10-indicators"]
        resources = [resource(n, *RESOURCES[n]) for n in names]
        for i, p in enumerate(projects):
            xl = letter(i)
            resources.append(resource(f"t11{xl}-project", "t11-project", f"{p.name[0]}项目绩效目标表：项目",
                                      f"{p.name[1]}: project"))
            resources.append(resource(f"t11{xl}-indicators", "t11-indicators", f"{p.name[0]}项目绩效目标表：绩效指标",
                                      f"{p.name[1]}: indicators"))
        resources += [resource(n, *RESOURCES[n]) for n in ("errata", "narrative-figures", "prior-year",
                                                           "translations")]

        def table(tid: str, number: str, zh: str, en: str, kind: str, res: list[str], status: str = "published",
                  note: dict[str, str] | None = None) -> dict[str, object]:
            out: dict[str, object] = {"id": tid, "number": number, "kind": kind, "title": zh, "unit": "万元",
                                      "precision": 2, "resources": res, "status": status,
                                      "source": {"lines": list(spans[tid])}, "x_i18n": {"en": {"title": en}}}
            if tid == "t06":
                out["source"] = {"lines": list(spans[tid]),
                                 "printed_title": "一般公共预算基本支出情况表（细化至经济分类款级科目）"}
            if note:
                out["note"] = note
            return out

        tables = []
        for tid, (number, zh, en, kind) in TABLES.items():
            res = [tid] if tid != "t10" else ["t10-funding", "t10-tasks", "t10-task-projects", "t10-indicators"]
            status, note = "published", None
            if tid == "t02":
                status = "reconstructed"
                note = {"zh": "目录列有本表，但（虚构的）公开文本中缺失。本站仅用源文件其他部分载明的数字重构："
                              "各行合计取自表三，一般公共预算拨款取自表五，政府性基金预算拨款取自表八，"
                              "事业收入取自表三的非财政拨款，合计行的各收入来源取自第二部分一（一）的文字说明。"
                              "每行的“推算依据”列给出了来源。",
                        "en": "Listed in the contents but missing from the (synthetic) published text. Reconstructed "
                              "only from figures the source states elsewhere: each row's total from Table 3, the "
                              "general public budget appropriation from Table 5, government-managed funds from "
                              "Table 8, public-service revenue from Table 3's non-appropriation funds, and the "
                              "revenue sources of the total row from the narrative (Part 2, section 1 (1)). The "
                              "derived_from column gives the source of each figure.", "by": "editor"}
            elif tid == "t08" and not self.F:
                status = "empty"
                note = {"zh": f"说明：{year}年度没有使用政府性基金预算拨款安排支出。",
                        "en": f"Note: no government-managed fund appropriations were used for spending in {year}.",
                        "by": "source"}
            elif tid == "t09":
                status = "empty"
                note = {"zh": "源文件只印出表头和空白的合计行，未作说明。"
                              "第二部分一（三）载明市对区转移支付项目预算为0.00万元。",
                        "en": "The source prints only the header and an empty total row, without a note. Part 2, "
                              "section 1 (3) states that municipal-to-district transfer projects are budgeted at "
                              "0.00.", "by": "editor"}
            tables.append(table(tid, number, zh, en, kind, res, status, note))
        for i, p in enumerate(projects):
            xl = letter(i)
            tables.append(table(f"t11{xl}", "十一", f"{p.name[0]}项目绩效目标表", f"Performance targets: {p.name[1]}",
                                PROJECT_KIND, [f"t11{xl}-project", f"t11{xl}-indicators"]))

        cats = [c for c, _ in CATEGORIES]

        def cat_sum(column: str) -> str:
            return " + ".join(f"t10-funding[category={c}].{column}" for c in cats)

        rules: list[dict[str, object]] = [
            {"id": "t10-items-total", "kind": "equal", "cells": ["t10-funding[kind=total].total", cat_sum("total")]},
            {"id": "t10-items-fiscal", "kind": "equal", "cells": ["t10-funding[kind=total].fiscal", cat_sum("fiscal")]},
            {"id": "t10-t01-total", "kind": "equal",
             "cells": ["t10-funding[kind=total].total", "t01[side=expenditure,kind=subtotal].amount"]},
            {"id": "t10-t05-personnel", "kind": "equal",
             "cells": ["t10-funding[category=人员支出].fiscal", "t05[code=].basic_personnel"]},
            {"id": "t10-t05-public", "kind": "equal",
             "cells": ["t10-funding[category=公用支出].fiscal", "t05[code=].basic_public"]},
            {"id": "t10-t03-basic", "kind": "equal",
             "cells": ["t10-funding[category=人员支出].total + t10-funding[category=公用支出].total",
                       "t03[code=].fiscal_basic + t03[code=].nonfiscal_basic"]},
            {"id": "t10-t03-project", "kind": "equal",
             "cells": [" + ".join(f"t10-funding[category={c}].fiscal" for c in cats[2:]),
                       "t03[code=].fiscal_project"]},
        ]
        for category in cats[2:]:
            members = [(letter(i), p) for i, p in enumerate(projects) if p.category == category]
            if members:
                rules.append({"id": f"t11-t10-{cats.index(category) + 1}", "kind": "equal", "cells": [
                    " + ".join(f"t11{xl}-project[project_name={p.name[0]}].budget" for xl, p in members),
                    f"t10-funding[category={category}].total"]})
        rules += [
            {"id": "t11-fiscal", "kind": "equal", "cells": [
                " + ".join(f"t11{letter(i)}-project[project_name={p.name[0]}].fiscal" for i, p in enumerate(projects)),
                "t03[code=].fiscal_project"]},
            {"id": "t10-tasks-fiscal", "kind": "equal", "cells": [
                " + ".join(f"t10-tasks[task={i}].fiscal_amount" for i in range(1, len(dept.tasks) + 1)),
                "t03[code=].fiscal_project"]},
            {"id": "t07-t06-reception", "kind": "equal", "cells": ["t07[row=1].reception", "t06[code=30217].total"]},
        ]
        doc = {
            "name": self.slug,
            "title": f"{dz}{year}年部门预算（虚构示例数据）",
            "description": f"为构建性能基准测试自动生成的虚构部门预算（{GENERATOR}），并非任何部门的真实数据。"
                           "结构与真实预算相同：全部附表、说明中的数字、勘误及来源文本。金额单位：万元。",
            "version": "1.0.0",
            "keywords": ["部门预算", "虚构示例数据", "基准测试"],
            "licenses": [{"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/",
                          "title": "CC0 1.0 Universal"}],
            "sources": [{"title": f"{year}年度{dz}部门预算（虚构示例文本）", "path": f"source/budget-{year}.txt"}],
            "x_i18n": {"en": {
                "title": f"{de}: {year} departmental budget (synthetic example data)",
                "description": f"A fictitious departmental budget generated for build benchmarks ({GENERATOR}); "
                               "not real data. Same structure as a real budget: every annex table, the figures "
                               "stated in the narrative, errata and the source text. Amounts in CNY 10,000.",
                "keywords": ["departmental budget", "synthetic example data", "benchmark"]}},
            "x_budget": {
                "department_id": dept.slug, "department": dz, "department_en": de,
                "department_en_status": "proposed", "region_id": "synthetic-city", "region": "示例市",
                "region_en": "Synthetic City", "document": "department-budget", "template": TEMPLATE_ID,
                "year": year, "currency": "CNY", "phase": "budget",
                "codelists": {"codes-function": FUNCTION_LIST, "codes-economic": ECONOMIC_LIST},
                "synthetic": True,
            },
            "x_source": {"file": f"source/budget-{year}.txt", "sha256": sha256,
                         "description": "为基准测试生成的虚构源文本，制表符分隔表格列。",
                         "description_en": "Synthetic source text generated for benchmarks; table columns separated "
                                           "by tabs."},
            "x_narrative": {"zh": "narrative/zh.md", "en": "narrative/en.md"},
            "x_rulesets": ["budget", "common"],
            "x_rules": rules,
            "x_tables": tables,
            "resources": resources,
        }
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- the corpus -------------------------------------------------------------------------------------------------


def plan(budgets: int, years: tuple[int, ...]) -> list[tuple[int, tuple[int, ...]]]:
    """(department number, its years) for `budgets` budgets, one per department and year."""
    departments = math.ceil(budgets / len(years))
    out = []
    left = budgets
    for d in range(1, departments + 1):
        take = years[: min(len(years), left)]
        out.append((d, take))
        left -= len(take)
    return out


def department_files(ctx: Context, seed: int, index: int, width: int, years: tuple[int, ...],
                     touches: dict[int, int]) -> dict[str, dict[str, bytes]]:
    """Every budget of one department: folder name -> files. Years in order, so each sees the previous one."""
    dept = make_department(ctx, seed, index, width, len(years))
    out: dict[str, dict[str, bytes]] = {}
    previous = None
    for position, year in enumerate(years):
        writer = BudgetWriter(ctx, seed, dept, year, position, previous, touches.get(year, 0))
        out[writer.slug] = writer.build()
        previous = writer.metrics if year + 1 in years else None
    return out


def write_tree(folder: Path, files: dict[str, bytes], fresh: bool = False) -> list[Path]:
    """Write files that differ from what is on disk; remove files the budget no longer has. Returns changes.

    `fresh`: the folder does not exist yet, so write everything without looking.
    """
    if fresh:
        for sub in sorted({str(Path(rel).parent) for rel in files}):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            with open(folder / rel, "wb") as f:
                f.write(data)
        return [folder / rel for rel in sorted(files)]
    changed = []
    for rel, data in sorted(files.items()):
        path = folder / rel
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        changed.append(path)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.relative_to(folder).as_posix() not in files:
                path.unlink()
                changed.append(path)
    return changed


def refuse_target(out: Path) -> None:
    repo = REPO.resolve()
    if out == repo or any(out == repo / d or repo / d in out.parents
                          for d in ("datasets", "reference", "templates", "i18n", "budgetsite", "tests", "bench")):
        raise ValueError(f"refusing to generate into {out}: it is (inside) the repository's own folders")
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise ValueError(f"{out} exists, is not empty and holds no {MANIFEST}: not overwriting it")


def write_reference(ctx: Context, out: Path) -> None:
    shutil.copytree(REPO / "reference", out / "reference")
    (out / "reference" / FUNCTION_LIST / "function-codes.csv").write_bytes(
        csv_bytes(CODE_COLUMNS, ctx.function.values()))
    (out / "reference" / ECONOMIC_LIST / "economic-codes.csv").write_bytes(
        csv_bytes(CODE_COLUMNS, ctx.economic.values()))


SITE_TOML = """# Synthetic benchmark corpus generated by bench/generate.py: fictitious budgets, not real data.
site_url = "https://example.org/bench/"
base_path = "/"
datasets = "datasets"
reference = "reference"
output = "site"
"""


def generate(out: Path, budgets: int, seed: int = 1, years: Iterable[int] = (2023, 2024)) -> list[Path]:
    """Create a complete project folder at `out` with `budgets` synthetic budgets; returns their folders."""
    out = Path(out).resolve()
    years = tuple(sorted({int(y) for y in years}))
    if budgets < 1 or not years:
        raise ValueError("need at least one budget and one year")
    refuse_target(out)
    for name in ("datasets", "reference", "templates", "i18n", "site.toml", MANIFEST):
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    out.mkdir(parents=True, exist_ok=True)
    ctx = Context.load()
    (out / "site.toml").write_text(SITE_TOML, encoding="utf-8", newline="\n")
    write_reference(ctx, out)
    for name in ("templates", "i18n"):
        shutil.copytree(REPO / name, out / name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    departments = plan(budgets, years)
    width = max(3, len(str(len(departments))))
    folders = []
    for index, dept_years in departments:
        for slug, files in department_files(ctx, seed, index, width, dept_years, {}).items():
            write_tree(out / "datasets" / slug, files, fresh=True)
            folders.append(out / "datasets" / slug)
    manifest = {"generator": GENERATOR, "seed": seed, "budgets": budgets, "years": list(years), "touched": {}}
    write_manifest(out, manifest)
    return folders


def write_manifest(out: Path, manifest: dict[str, object]) -> None:
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8",
                                newline="\n")


def touch_one(project: Path, folder: str) -> list[Path]:
    """Move 1.00 万元 between two 项 of one 款 in budget `folder` (and back on the next call), consistently.

    Returns the files that changed. The corpus still validates with no error and no warning.
    """
    project = Path(project).resolve()
    manifest = json.loads((project / MANIFEST).read_text(encoding="utf-8"))
    m = FOLDER.fullmatch(folder)
    if not m or not (project / "datasets" / folder).is_dir():
        raise ValueError(f"no generated budget folder {folder!r} in {project}")
    index, year = int(m[1]), int(m[2])
    years = tuple(manifest["years"])
    departments = dict(plan(manifest["budgets"], years))
    width = max(3, len(str(len(departments))))
    touched = dict(manifest.get("touched", {}))
    touched[folder] = touched.get(folder, 0) + 1
    files = department_files(Context.load(), manifest["seed"], index, width, departments[index],
                             {year: touched[folder]})
    changed = write_tree(project / "datasets" / folder, files[folder])
    manifest["touched"] = dict(sorted(touched.items()))
    write_manifest(project, manifest)
    return changed


def tree_stats(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Generate a synthetic budget corpus for benchmarks (fictitious data).")
    p.add_argument("--out", type=Path, required=True, help="project folder to create (site.toml, datasets/, ...)")
    p.add_argument("--budgets", type=int, default=100, help="number of budgets (default 100)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1); same seed, same bytes")
    p.add_argument("--years", default="2023,2024", help="comma-separated years, one budget per department and year")
    p.add_argument("--change", metavar="FOLDER", help="instead of generating: change one figure of one budget "
                   "consistently (e.g. synthetic-dept-001-2024)")
    args = p.parse_args(argv)
    start = time.perf_counter()
    try:
        if args.change:
            changed = touch_one(args.out, args.change)
            elapsed = time.perf_counter() - start
            print(f"changed {len(changed)} file(s) of {args.change} in {elapsed:.2f} s")
            return 0
        years = [int(y) for y in args.years.split(",") if y.strip()]
        folders = generate(args.out, args.budgets, args.seed, years)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    files, size = tree_stats(args.out.resolve())
    print(f"{len(folders)} budgets, {files} files, {size:,} bytes written to {args.out} in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
