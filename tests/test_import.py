"""The publishing workflow: `new` scaffolds a budget folder, `import` fills it from a workbook or from the
text of the budget PDF, `export-xlsx` writes a budget's tables in the published layout.

Round trips against the hand-checked 2024 Xiamen budget: its tables exported to a workbook and imported
again are identical; its source text imported is identical except exactly the human decisions (the two
errata codes and the reconstructed table 2); a workbook in 元 gives the figures in 元, as printed. Variant
titles are recognised as the catalogue's kinds and numbered as printed, unplaceable content is reported with
file and line, a fresh scaffold validates with clear errors, and new + import + build publishes a budget.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import build_into, copy_project

from budgetsite.catalogue import load_catalogue
from budgetsite.importer.cells import amount
from budgetsite.importer.titles import recognise

SLUG = "xiamen-hpf-2024"
HAND = Path(__file__).resolve().parent.parent / "datasets" / SLUG
SOURCE = HAND / "source" / "budget-2024.txt"
ANNEX = ("t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11a", "t11b")
CODE_TABLES = ("codes-function", "codes-economic")
# The errata of the hand-checked budget: (resource, row, field) -> (as printed, corrected).
ERRATA = {("t05", 6, "code"): ("2080509", "2080506"), ("t03", 8, "code"): ("21014", "21011")}
NEW = ("new", "--template", "xiamen-department-budget", "--department-id", "demo", "--department", "示例部门",
       "--department-en", "Demo Department", "--year", "2024", "--region", "厦门市", "--region-en", "Xiamen",
       "--region-id", "xiamen")
CATALOGUE = load_catalogue((HAND.parent.parent / "reference").resolve())


def descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def rows(folder: Path, resource: str) -> list[dict[str, str]]:
    entry = next(r for r in descriptor(folder)["resources"] if r["name"] == resource)
    with open(folder / entry["path"], encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def table(folder: Path, table_id: str) -> dict:
    return next(t for t in descriptor(folder)["x_tables"] if t["id"] == table_id)


def resources_of(table_id: str) -> list[str]:
    return table(HAND, table_id)["resources"]


def no_traceback(out: str, err: str) -> None:
    assert "Traceback" not in out + err, out + err


def summary(out: str) -> tuple[int, int]:
    m = re.search(r"(\d+) error\(s\), (\d+) warning\(s\)\s*$", out)
    assert m, f"no validation summary at the end:\n{out}"
    return int(m[1]), int(m[2])


def scaffold(run_cli, root: Path, dept: str = "demo") -> Path:
    """`new` for a demo department (the Xiamen workbook or text is then imported into it)."""
    code, out, err = run_cli(root, "new", "--template", "xiamen-department-budget", "--department-id", dept,
                             "--department", "示例部门", "--department-en", "Demo Department", "--year", "2024",
                             "--region", "厦门市", "--region-en", "Xiamen", "--region-id", "xiamen")
    assert code == 0, out + err
    return root / "datasets" / f"{dept}-2024"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project, shared by the round trips below (each imports into its own folder)."""
    return copy_project(tmp_path_factory.mktemp("import") / "project")


def in_yuan(book_path: Path, out: Path) -> Path:
    """The same workbook printed in 元: every amount x 10,000, every 单位 line 元 (as a yuan template prints)."""
    import openpyxl

    book = openpyxl.load_workbook(book_path)
    wan = re.compile(r"(\d+(?:\.\d+)?)万元")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, float | int) and "0.00" in cell.number_format:
                    cell.value = round(cell.value * 10000)
                    cell.number_format = "#,##0"
                elif cell.value == "单位：万元":
                    cell.value = "单位：元"
                elif isinstance(cell.value, str) and wan.search(cell.value):
                    cell.value = wan.sub(lambda m: f"{round(Decimal(m[1]) * 10000)}元", cell.value)
    book.save(out)
    return out


@pytest.fixture(scope="module")
def workbooks(project, tmp_path_factory) -> dict[str, Path]:
    """The hand-checked budget exported in the published layout (万元, as printed), and the same in 元."""
    from conftest import invoke_cli

    out = tmp_path_factory.mktemp("books")
    path = out / "xiamen-wanyuan.xlsx"
    code, stdout, stderr = invoke_cli(project, "export-xlsx", f"datasets/{SLUG}", "--out", str(path))
    assert code == 0, stdout + stderr
    assert "each table in the unit it is printed in" in stdout
    return {"万元": path, "元": in_yuan(path, out / "xiamen-yuan.xlsx")}


def imported(run_cli, project: Path, dept: str, source: Path, *extra: str) -> tuple[Path, int, str, str]:
    folder = scaffold(run_cli, project, dept)
    code, out, err = run_cli(project, "import", str(source), "--into", f"datasets/{folder.name}", *extra)
    no_traceback(out, err)
    return folder, code, out, err


# --- (a) workbook round trip -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def from_workbook(project, workbooks, run_cli):
    return imported(run_cli, project, "from-book", workbooks["万元"])


def test_workbook_round_trip_is_identical(from_workbook):
    folder, code, out, err = from_workbook
    assert code == 0, out + err
    assert "everything printed in the tables was placed" in out
    assert summary(out)[0] == 0, "the imported budget validates without errors"
    for table_id in ANNEX:
        for name in resources_of(table_id):
            hand, got = rows(HAND, name), rows(folder, name)
            if name == "t02":  # reconstructed: derived_from is ours, not part of the published layout
                assert all(r.pop("derived_from") for r in hand) and "derived_from" not in got[0]
            assert got == hand, f"{name} differs after the workbook round trip"
    for name in CODE_TABLES:
        assert rows(folder, name) == rows(HAND, name), f"{name}: the reference rows of the codes used"


def test_workbook_round_trip_keeps_titles_and_marks_the_reconstruction_published(from_workbook):
    folder = from_workbook[0]
    assert table(folder, "t06")["source"]["printed_title"] == table(HAND, "t06")["source"]["printed_title"]
    for table_id in ANNEX:
        assert table(folder, table_id)["title"] == table(HAND, table_id)["title"]
        assert table(folder, table_id)["source"]["sheet"] == table_id
    statuses = {t: (table(HAND, t)["status"], table(folder, t)["status"]) for t in ANNEX}
    assert {t: s for t, s in statuses.items() if s[0] != s[1]} == {"t02": ("reconstructed", "published")}


def test_workbook_source_is_copied_with_its_checksum(from_workbook, workbooks):
    folder = from_workbook[0]
    source = descriptor(folder)["x_source"]
    assert source["file"] == "source/budget-2024.xlsx"
    copied = (folder / source["file"]).read_bytes()
    assert copied == workbooks["万元"].read_bytes()
    assert source["sha256"] == hashlib.sha256(copied).hexdigest()


# --- (b) the source text -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def from_text(project, run_cli):
    return imported(run_cli, project, "from-text", SOURCE)


def test_text_import_equals_the_hand_checked_tables_except_human_decisions(from_text):
    folder = from_text[0]
    for table_id in ANNEX:
        if table_id == "t02":
            continue
        for name in resources_of(table_id):
            got, hand = rows(folder, name), rows(HAND, name)
            for (resource, row, field), (printed, corrected) in ERRATA.items():
                if resource == name:
                    assert got[row - 1][field] == printed, "the importer keeps the code as printed"
                    assert hand[row - 1][field] == corrected, "the hand-checked data holds the erratum"
                    got[row - 1][field] = corrected
            assert got == hand, f"{name} differs from the hand-checked transcription"


def test_text_import_leaves_table_2_empty_and_marks_it_listed_only(from_text):
    folder, _, out, _ = from_text
    assert rows(folder, "t02") == [] and len(rows(HAND, "t02")) == 19
    t02, hand = table(folder, "t02"), table(HAND, "t02")
    assert (t02["status"], hand["status"]) == ("empty", "reconstructed")
    assert t02["missing"] == "listed-not-published"
    assert t02["source"]["lines"] == hand["source"]["lines"] == [29, 29]
    assert "目录列有本表" in t02["note"]["zh"] and "Listed in the contents" in t02["note"]["en"]
    assert "t02   部门收入预算总体情况表: listed in the contents (line 29) but not printed: left empty" in out


def test_text_import_records_provenance_like_the_hand_checked_budget(from_text):
    folder = from_text[0]
    for table_id in ANNEX:
        assert table(folder, table_id)["source"]["lines"] == table(HAND, table_id)["source"]["lines"], table_id
        assert table(folder, table_id)["status"] == table(HAND, table_id)["status"] or table_id == "t02"
    assert table(folder, "t06")["source"]["printed_title"] == "一般公共预算基本支出情况表（细化至经济分类款级科目）"
    note = "说明：2024年度没有使用政府性基金预算拨款安排支出。"
    assert table(folder, "t08")["note"] == {"zh": note, "en": "", "by": "source"}, "English is for people to write"
    mine, hand = descriptor(folder)["x_source"], descriptor(HAND)["x_source"]
    assert (mine["file"], mine["sha256"]) == (hand["file"], hand["sha256"])
    assert (folder / mine["file"]).read_bytes() == SOURCE.read_bytes()
    for name in CODE_TABLES:
        assert rows(folder, name) == rows(HAND, name)


def test_text_import_keeps_the_narrative_and_leaves_english_untranslated(from_text):
    folder = from_text[0]
    zh = (folder / "narrative/zh.md").read_text(encoding="utf-8")
    heads = [line for line in zh.splitlines() if line.startswith("# ")]
    assert heads == ["# 第一部分 部门概况", "# 第二部分 2024年部门预算说明", "# 第三部分 名词解释"]
    assert "（人工智能)量" in zh, "a paragraph split by a page end is joined again"
    assert "| 厦门市住房公积金中心 | 全额 |" in zh
    en = (folder / "narrative/en.md").read_text(encoding="utf-8")
    assert en.startswith("> Not yet translated.") and "# Part Three: Explanation of Terms" in en


def test_text_import_reports_the_misprints_and_validation_flags_them(from_text):
    _, code, out, err = from_text
    assert code == 1
    assert ("budget-2024.txt: table t03: line 345: code 21014 is not in the reference list function-codes-2024: "
            "kept as printed" in out)
    assert "budget-2024.txt: table t05: line 407: code 2080509 is not in the reference list function-codes-2024" in out
    errors = err.splitlines()
    assert len(errors) == 2 and summary(out)[0] == 2
    assert errors[0].startswith("error: from-text-2024: data/t03.csv:9: table t03: row 8: column code: ")
    assert errors[1].startswith("error: from-text-2024: data/t05.csv:7: table t05: row 6: column code: ")
    assert all(line.endswith("[frictionless:foreign-key]") for line in errors)
    for line in ("budget-2024.txt: table t10: line 502: row realigned",
                 "budget-2024.txt: table t11a: line 519: row realigned",
                 "budget-2024.txt: table t11b: line 536: row realigned"):
        assert line in out, "rows whose merged leading cells the text lost are put back, and said so"


# --- (c) units ---------------------------------------------------------------------------------------------


def test_workbook_in_yuan_keeps_the_figures_in_yuan(project, workbooks, from_workbook, run_cli):
    """Nothing is converted: a table printed in 元 is stored in 元, whole yuan as whole numbers. The 19 gaps of
    0.01 万元 that rounding to 0.01 万元 explains are 100 元 in whole yuan, which rounding to 1 元 cannot explain:
    the same places are now errors."""
    folder, code, out, err = imported(run_cli, project, "in-yuan", workbooks["元"])
    assert code == 1 and summary(out) == (19, 0), out + err
    assert all("off by 100 元 (tolerance" in line or "off by -100 元 (tolerance" in line
               for line in err.splitlines()), err
    for table_id in ANNEX:
        entry = table(folder, table_id)
        if entry["status"] != "empty":
            assert (entry["unit"], entry["precision"]) == ("元", 0), table_id
    yuan, wanyuan = rows(folder, "t05")[0], rows(from_workbook[0], "t05")[0]
    assert (yuan["total"], wanyuan["total"]) == ("27596400", "2759.64")
    assert Decimal(yuan["total"]) == Decimal(wanyuan["total"]) * 10000


@pytest.mark.parametrize("printed, stored, places", [
    ("27,596,400.00", "27596400.00", 2),
    ("371,514,655.00", "371514655.00", 2),  # never 37,151.47 万元: nothing is rounded or converted
    ("12250", "12250", 0),
    ("2,759.64", "2759.64", 2),
    ("237", "237", 0),
    ("400.4", "400.4", 1),
    ("-5", "-5", 0),
    ("", "", None),
    ("—", "", None),
])
def test_amounts_are_kept_as_printed(printed, stored, places):
    assert amount(printed) == (stored, places)


def test_unit_option_applies_where_no_unit_is_printed(project, run_cli, tmp_path):
    text = SOURCE.read_text(encoding="utf-8").replace("单位：万元\n\n科目编码\t科目名称\t合计\t基本支出",
                                                     "\n\n科目编码\t科目名称\t合计\t基本支出")
    text = text.replace("2,759.64\t2,441.53\t2,041.13\t400.40\t318.11", "27,596,400\t24,415,300\t20,411,300\t"
                        "4,004,000\t3,181,100")
    source = tmp_path / "yuan-t05.txt"
    source.write_text(text, encoding="utf-8")
    folder, _, out, _ = imported(run_cli, project, "unit-option", source, "--unit", "元")
    # the 合计 row now prints whole yuan, the other rows keep two decimals: the table's precision is two, and
    # the whole-yuan figures stay as printed
    assert rows(folder, "t05")[0]["total"] == "27596400"
    assert (table(folder, "t05")["unit"], table(folder, "t05")["precision"]) == ("元", 2)
    assert "no unit printed: amounts read as 元 (--unit)" in out
    assert "5 figure(s) printed with fewer decimal places than the table's 2: kept as printed" in out
    assert "the table prints its unit as 万元: used instead of --unit 元" in out
    assert table(folder, "t03")["unit"] == "万元"
    assert rows(folder, "t03") == rows(HAND, "t03")[:7] + [{**rows(HAND, "t03")[7], "code": "21014"}] + \
        rows(HAND, "t03")[8:]


# --- (d) variant titles and numbering ----------------------------------------------------------------------


@pytest.mark.parametrize("title, kind", [
    ("部门收支预算总体情况表", "budget-overview"),
    ("2024年部门收支预算总体情况表", "budget-overview"),
    ("附表1：部门收支预算总体情况表", "budget-overview"),
    ("厦门市某局2024年度部门收支预算总表", "budget-overview"),
    ("表二 部门收入预算总体情况表", "revenue-budget"),
    ("三、部门支出预算总体情况表", "expenditure-budget"),
    ("- 四、财政拨款收支预算总体情况表", "fiscal-appropriation-overview"),
    ("表五 一般公共预算支出情况表", "general-budget-expenditure"),
    ("表五一般公共预算支出情况表", "general-budget-expenditure"),
    ("一般公共预算基本支出情况表（经济分类款级科目）", "basic-expenditure-by-economic"),
    ("一般公共预算基本支出情况表（细化至经济分类款级科目）", "basic-expenditure-by-economic"),
    ("表6 一般公共预算基本支出表", "basic-expenditure-by-economic"),
    ("一般公共预算“三公”经费支出情况表", "three-public-expenses"),
    ("一般公共预算\"三公\"经费支出预算表", "three-public-expenses"),
    ("政府性基金预算支出情况表", "fund-budget-expenditure"),
    ("市对区转移支付支出预算表", "transfer-payments"),
    ("表十 部门整体支出绩效目标表", "overall-performance"),
    ("十一、一级项目绩效目标表", "project-performance"),
    ("信息化专项资金项目绩效目标表", "project-performance"),
    ("表十一 专项业务费项目支出绩效目标表", "project-performance"),
    ("部门收支总表（2024年度）", "budget-overview"),
    ("三、政府性基金预算财政拨款支出情况", ""),
    ("详见附表十一。", ""),
    ("第四部分 2024 年部门预算附表", ""),
    ("一、一般公共预算拨款收入", ""),
    ("2025年部门财务收支预算总表", "budget-overview"),
    ("2025年预算单位收入预算总表", "revenue-budget"),
    ("4．2025年部门财政拨款收支预算总表", "fiscal-appropriation-overview"),
    ("2025年部门一般公共预算支出功能分类预算表", "general-budget-expenditure"),
    ("2025年部门国有资本经营预算支出功能分类预算表", "state-capital-budget-expenditure"),
    ("2025年部门一般公共预算基本支出部门预算经济分类预算表", "basic-expenditure-by-economic"),
    ("2025年部门“三公”经费和机关运行经费预算表", "three-public-expenses"),
    ("收入支出决算总表", "final-overview"),
    ("财政拨款收入支出决算总表", "final-fiscal-appropriation-overview"),
    ("一般公共预算财政拨款基本支出决算表", "final-basic-expenditure-by-economic"),
    ("财政拨款“三公”经费支出决算表", "final-three-public-expenses"),
    ("国有资本经营预算财政拨款收入支出决算表", "final-state-capital-budget"),
])
def test_title_variants_are_recognised(title, kind):
    assert recognise(title, CATALOGUE) == kind


VARIANT_TITLES = {
    "部门收支预算总体情况表\n\n单位": "表一 2024年部门收支预算总体情况表\n\n单位",
    "部门支出预算总体情况表\n\n单位": "附表3：厦门市住房公积金中心2024年度部门支出预算总体情况表\n\n单位",
    "一般公共预算支出情况表\n\n单位": "表五 一般公共预算支出情况表\n\n单位",
    "一般公共预算基本支出情况表（细化至经济分类款级科目）": "表六 一般公共预算基本支出情况表（经济分类款级科目）",
    "部门整体支出绩效目标表\n(2024年度)": "表十 部门整体支出绩效目标表\n(2024年度)",
    "信息化专项资金项目绩效目标表\n\n(2024年)": "表十一（一） 信息化专项资金项目绩效目标表\n\n(2024年)",
}


def test_variant_titles_import_to_the_same_tables(project, run_cli, from_text, tmp_path):
    text = SOURCE.read_text(encoding="utf-8")
    for old, new in VARIANT_TITLES.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    source = tmp_path / "variants.txt"
    source.write_text(text, encoding="utf-8")
    folder, _, out, _ = imported(run_cli, project, "variants", source)
    for table_id in ANNEX:
        for name in resources_of(table_id):
            assert rows(folder, name) == rows(from_text[0], name), name
    assert table(folder, "t05")["source"]["printed_title"] == "表五 一般公共预算支出情况表"
    assert table(folder, "t06")["title"] == "一般公共预算基本支出情况表（经济分类款级科目）"
    assert table(folder, "t11a")["title"] == "信息化专项资金项目绩效目标表"
    assert "title not recognised" not in out


# --- (e) what cannot be placed is reported -----------------------------------------------------------------


def line_of(text: str, start: str) -> int:
    hits = [n for n, line in enumerate(text.split("\n"), start=1) if line.startswith(start)]
    assert len(hits) == 1, (start, hits)
    return hits[0]


def test_unplaceable_content_is_reported_with_file_and_line(project, run_cli, tmp_path):
    text = SOURCE.read_text(encoding="utf-8")
    text = text.replace("市对区转移支付支出预算表\n\n单位", "某某奇怪的表\n\n单位：万元\n\n名目\t金额\n"
                        "某某项目\t12.00\n\n市对区转移支付支出预算表\n\n单位")
    text = text.replace("科目编码\t科目名称\t\t小计\t基本支出\t项目支出\t小计\t基本支出\t项目支出",
                        "科目编码\t科目名称\t\t小计\t基本支出\t项目支出\t小计\t基本支出\t项目支出\t备注")
    text = text.replace("208\t社会保障和就业支出\t320.55\t320.55\t320.55\t\t\t\t",
                        "208\t社会保障和就业支出\t320.55\t320.55\t320.55\t\t\t\t\t见说明")
    text = text.replace("30205\t水费\t0.30\t\t0.30", "30205\t水费\t0.30\t\t0.30\n（续表）\t\t12.00\t\t")
    text = text.replace("30206\t电费\t6.00\t\t6.00", "30206\t电费\t6.OO\t\t6.00")
    source = tmp_path / "odd.txt"
    source.write_text(text, encoding="utf-8")
    folder, code, out, err = imported(run_cli, project, "odd", source)
    assert code == 1
    header = line_of(text, "科目编码\t科目名称\t\t小计")
    social = line_of(text, "208\t社会保障和就业支出\t320.55\t320.55\t320.55\t\t\t\t\t见说明")
    expected = [
        f"odd.txt: line {line_of(text, '某某奇怪的表')}: table title not recognised: the table was not imported "
        "(2 rows",
        f"odd.txt: line {line_of(text, '某某项目')}: row of an unrecognised table, not imported: '某某项目\\t12.00'",
        f"odd.txt: table t03: line {header}: column 10 header '备注' matches no column of this kind of table: its "
        "cells were not imported",
        f"odd.txt: table t03: line {social}: cell in column 10 ('备注') not imported: '见说明'",
        f"odd.txt: table t06: line {line_of(text, '（续表）')}: row not placed: '（续表）' is not a classification "
        "code (3, 5 or 7 digits): '（续表）\\t\\t12.00\\t\\t'",
        f"odd.txt: table t06: line {line_of(text, '30206')}: column total: '6.OO' is not an amount: left blank",
    ]
    for line in expected:
        assert any(printed.strip().startswith(line) for printed in out.splitlines()), f"not reported: {line}\n{out}"
    assert rows(folder, "t06")[15]["total"] == "", "an unreadable amount is left blank, not guessed"
    assert len(rows(folder, "t06")) == 31, "the unplaceable row is not imported"


def test_unrecognised_sheet_is_reported_with_sheet_and_row(project, run_cli, workbooks, tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(workbooks["万元"])
    extra = book.create_sheet("附表12")
    for row in (["某某奇怪的表"], ["单位：万元"], ["名目", "金额"], ["某某项目", 12]):
        extra.append(row)
    book["t07"]["G3"] = "其他"
    book["t07"]["G5"] = 1.5
    path = tmp_path / "extra.xlsx"
    book.save(path)
    folder, code, out, _ = imported(run_cli, project, "extra-sheet", path)
    assert code == 1
    assert "extra.xlsx[附表12]: line 1: sheet title names no kind of table: the sheet was not imported (2 rows): " \
           "'某某奇怪的表'" in out
    assert "extra.xlsx[附表12]: line 4: row of an unrecognised sheet, not imported: '某某项目\\t12'" in out
    assert "extra.xlsx[t07]: table t07: line 4: column 7 header '其他' matches no column of this kind of table" in out
    assert "extra.xlsx[t07]: table t07: line 5: cell in column 7 ('其他') not imported: '1.5'" in out
    assert rows(folder, "t07") == rows(HAND, "t07")


# --- (f) a fresh scaffold ----------------------------------------------------------------------------------


def test_new_scaffolds_the_standard_folder(project_copy, run_cli):
    code, out, err = run_cli(project_copy, *NEW)
    assert code == 0, err
    folder = project_copy / "datasets/demo-2024"
    assert "python build.py import <budget.xlsx or budget.txt> --into datasets/demo-2024" in out
    d = descriptor(folder)
    hand = descriptor(HAND)
    assert d["name"] == "demo-2024" and d["title"] == "示例部门2024年部门预算"
    assert d["x_i18n"]["en"]["title"] == "Demo Department: 2024 departmental budget"
    assert set(d) >= set(hand) - {"sources", "x_rules"}
    assert d["x_budget"] == {"department_id": "demo", "department": "示例部门", "department_en": "Demo Department",
                             "department_en_status": "proposed", "region": "厦门市", "region_en": "Xiamen",
                             "region_id": "xiamen",
                             "document": "department-budget", "template": "xiamen-department-budget",
                             "year": 2024, "currency": "CNY", "phase": "budget",
                             "codelists": hand["x_budget"]["codelists"]}
    assert d["x_rulesets"] == hand["x_rulesets"] and d["licenses"] == hand["licenses"]
    template = CATALOGUE.templates["xiamen-department-budget"]
    assert [t["id"] for t in d["x_tables"]] == [f"t{n:02d}" for n in range(1, 12)]
    assert [(t["kind"], t["number"], t.get("unit")) for t in d["x_tables"]] == [
        (t.kind, t.number, "万元") for t in template.tables]
    own = {"source-notes", "completion"}  # resources the hand-checked Xiamen budget has no need of (completion)
    assert {r["name"] for r in d["resources"]} - own == {r["name"] for r in hand["resources"]} - {
        "t11a-project", "t11a-indicators", "t11b-project", "t11b-indicators", "source-notes"} | {
        "t11-project", "t11-indicators"}
    assert "source-notes" in {r["name"] for r in d["resources"]}, "a new budget has a place to state source problems"
    assert "completion" in {r["name"] for r in d["resources"]}, "and to state completion rates (final accounts)"
    for r in d["resources"]:
        schema = json.loads((folder / r["schema"]).read_text(encoding="utf-8"))
        header = (folder / r["path"]).read_bytes().decode("utf-8")
        assert header == ",".join(f["name"] for f in schema["fields"]) + "\r\n", r["name"]
        amounts = [f for f in schema["fields"] if f.get("x_unit")]
        assert all(f["x_unit"] == "万元" and f["description"] == "单位：万元" for f in amounts), r["name"]
    zh = (folder / "narrative/zh.md").read_text(encoding="utf-8")
    assert [h for h in zh.splitlines() if h.startswith("# ")] == [
        "# 第一部分 部门概况", "# 第二部分 2024年部门预算说明", "# 第三部分 名词解释"]
    en = (folder / "narrative/en.md").read_text(encoding="utf-8")
    assert [h for h in en.splitlines() if h.startswith("# ")] == [
        "# Part One: Overview of the Department", "# Part Two: Explanation of the 2024 Departmental Budget",
        "# Part Three: Explanation of Terms"]


def test_new_then_validate_says_what_to_fill_in(project_copy, run_cli):
    run_cli(project_copy, *NEW)
    code, out, err = run_cli(project_copy, "validate", str(project_copy / "datasets/demo-2024"))
    no_traceback(out, err)
    assert code == 1
    assert err.splitlines() == [
        "error: demo-2024: datapackage.json: x_source/sha256: 'FILL-IN: python build.py import <document> --into "
        "datasets/demo-2024' does not match '^[0-9a-f]{64}$' [descriptor]"]
    code, out, err = run_cli(project_copy, "validate")
    no_traceback(out, err)
    assert code == 1 and err.count("error: ") == 1, "the other budgets still validate"


@pytest.mark.parametrize("change, message", [
    (("--department-id", "Xiamen_HPF"), "department id 'Xiamen_HPF' is not a valid slug"),
    (("--department-id", "démo"), "department id 'démo' is not a valid slug"),
    (("--department-id", "demo-"), "department id 'demo-' is not a valid slug"),
    (("--department-id", "demo/../x"), "department id 'demo/../x' is not a valid slug"),
    (("--year", "24"), "year 24 is out of range"),
    (("--department", " "), "--department must not be empty"),
])
def test_new_refuses_invalid_input(project_copy, run_cli, change, message):
    args = list(NEW)
    args[args.index(change[0]) + 1] = change[1]
    code, out, err = run_cli(project_copy, *args)
    no_traceback(out, err)
    assert code == 1 and err.startswith(f"error: {message}"), err
    assert not (project_copy / "datasets/demo-2024").exists()


def test_new_refuses_an_existing_folder(project_copy, run_cli):
    before = (project_copy / f"datasets/{SLUG}/datapackage.json").read_bytes()
    code, _, err = run_cli(project_copy, "new", "--template", "xiamen-department-budget", "--department-id",
                           "xiamen-hpf", "--department", "厦门", "--department-en", "Xiamen", "--year", "2024",
                           "--region", "厦门市", "--region-en", "Xiamen", "--region-id", "xiamen")
    assert code == 1 and "already exists: refusing to overwrite it" in err
    assert (project_copy / f"datasets/{SLUG}/datapackage.json").read_bytes() == before


def test_import_refuses_what_it_cannot_use(project_copy, run_cli, tmp_path):
    code, _, err = run_cli(project_copy, "import", str(SOURCE), "--into", "datasets/nothing-here")
    assert code == 1 and "create it first with `python build.py new" in err
    folder = scaffold(run_cli, project_copy)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(SOURCE.read_text(encoding="utf-8").encode("gbk", errors="replace"))
    code, _, err = run_cli(project_copy, "import", str(gbk), "--into", f"datasets/{folder.name}")
    assert code == 1 and "not UTF-8 text" in err
    pdf = tmp_path / "budget.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    code, _, err = run_cli(project_copy, "import", str(pdf), "--into", f"datasets/{folder.name}")
    assert code == 1 and "budget.pdf: the file is cut short (no %%EOF at its end)" in err
    code, _, _ = run_cli(project_copy, "import", str(SOURCE), "--into", f"datasets/{folder.name}")
    assert code == 1
    code, _, err = run_cli(project_copy, "import", str(SOURCE), "--into", f"datasets/{folder.name}")
    assert code == 1 and "add --replace to import again" in err
    code, out, err = run_cli(project_copy, "import", str(SOURCE), "--into", f"datasets/{folder.name}", "--replace")
    no_traceback(out, err)
    assert code == 1 and "t03" in out


# --- (g) new + import + build ------------------------------------------------------------------------------


def test_new_import_build_publishes_a_budget(workbooks, run_cli, tmp_path):
    root = copy_project(tmp_path / "p")
    assert run_cli(root, *NEW)[0] == 0
    code, out, err = run_cli(root, "import", str(workbooks["万元"]), "--into", "datasets/demo-2024")
    assert code == 0, out + err
    status, out, err = build_into(root, tmp_path / "site")
    no_traceback(out, err)
    assert status == 0, out + err
    assert "2 dataset(s)" in out
    for lang in ("zh", "en"):
        page = tmp_path / "site" / lang / "demo-2024" / "index.html"
        assert page.is_file(), f"no budget page {page}"
        assert "示例部门" in page.read_text(encoding="utf-8")


def test_import_again_keeps_what_people_wrote(project_copy, run_cli, workbooks):
    """--replace rewrites the tables, code tables and source; errata, translations and custom resources stay."""
    folder = scaffold(run_cli, project_copy, "again")
    assert run_cli(project_copy, "import", str(SOURCE), "--into", "datasets/again-2024")[0] == 1
    errata = (folder / "data/errata.csv")
    errata.write_bytes((HAND / "data/errata.csv").read_bytes())
    d = descriptor(folder)
    d["resources"].append({"name": "notes", "path": "data/notes.csv", "schema": "schemas/translations.json"})
    (folder / "datapackage.json").write_text(json.dumps(d, ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "data/notes.csv").write_text("zh,en\r\n合计,Total\r\n", encoding="utf-8")
    code, out, err = run_cli(project_copy, "import", str(workbooks["万元"]), "--into", "datasets/again-2024",
                             "--replace")
    no_traceback(out, err)
    assert errata.read_bytes() == (HAND / "data/errata.csv").read_bytes()
    assert rows(folder, "notes") == [{"zh": "合计", "en": "Total"}]
    assert not (folder / "source/budget-2024.txt").exists(), "the previous source copy is replaced"
    assert descriptor(folder)["x_source"]["file"] == "source/budget-2024.xlsx"
    assert rows(folder, "t05")[5]["code"] == "2080506", "the workbook holds the corrected code"
    assert code == 0, "the errata now match the data: the budget validates\n" + out + err
