"""The model beyond the Xiamen budget: hand-made datasets of other templates, units and document kinds.

tests/fixtures/model/ holds a Shanghai-like department budget printed in whole yuan (元, no decimals) whose
“三公” table is printed in 万元, and a final account printed in 万元. They are staged with the repository's
catalogue of table kinds, term base, rule sets, templates and UI strings, then validated and built.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, build_into, invoke_cli

FIXTURE = REPO / "tests" / "fixtures" / "model"
BUDGET = "demo-sh-2025"
FINAL = "demo-sw-2024-final-accounts"
SUMMARY = re.compile(r"(?P<datasets>\d+) dataset\(s\), (?P<checks>\d+) identities checked: "
                     r"(?P<errors>\d+) error\(s\), (?P<warnings>\d+) warning\(s\)"
                     r"(?:, (?P<noted>\d+) stated as problems of the source)?")
SHARED = ("templates", "i18n", "reference/catalogue", "reference/terms", "reference/rules")


def stage(target: Path) -> Path:
    shutil.copytree(FIXTURE, target)
    for name in SHARED:
        shutil.copytree(REPO / name, target / name)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return stage(tmp_path / "project")


def validate(root: Path) -> tuple[re.Match, list[str], list[str]]:
    """(summary, error lines, warning lines) of `validate` on `root`."""
    _, out, err = invoke_cli(root, "validate")
    assert "Traceback" not in out + err
    summary = SUMMARY.fullmatch(out.splitlines()[-1])
    assert summary, out
    lines = (out + err).splitlines()
    return (summary, [line for line in lines if line.startswith("error:")],
            [line for line in lines if line.startswith("warning:")])


def replace_row(csv_path: Path, old: str, new: str) -> None:
    lines = csv_path.read_bytes().decode("utf-8").splitlines(keepends=True)
    assert sum(line.rstrip("\r\n") == old for line in lines) == 1, f"{old!r} is not one row of {csv_path}"
    csv_path.write_bytes("".join(line.replace(old, new) if line.rstrip("\r\n") == old else line
                                 for line in lines).encode("utf-8"))


def test_fixtures_are_other_templates_units_and_documents():
    """What the fixtures stand for is in their descriptors, not in the test's imagination."""
    budget = json.loads((FIXTURE / "datasets" / BUDGET / "datapackage.json").read_text(encoding="utf-8"))
    final = json.loads((FIXTURE / "datasets" / FINAL / "datapackage.json").read_text(encoding="utf-8"))
    assert budget["x_budget"]["template"] == "shanghai-department-budget"
    assert final["x_budget"]["template"] == "shanghai-final-accounts"
    assert final["x_budget"]["document"] != budget["x_budget"]["document"]
    units = {t["unit"] for t in budget["x_tables"] if t.get("unit")}
    assert units == {"元", "万元"}
    assert {t["unit"] for t in final["x_tables"] if t.get("unit")} == {"万元"}


def test_fixtures_validate_clean(project):
    summary, errors, warnings = validate(project)
    assert (summary["datasets"], summary["errors"], summary["warnings"]) == ("2", "0", "0"), errors + warnings
    assert int(summary["checks"]) > 100


def test_whole_yuan_gap_of_one_yuan_is_rounding(project):
    """Whole-yuan figures are rounded to 1 元: a 1 元 gap in a sum of four figures is rounding, not an error."""
    t08 = project / "datasets" / BUDGET / "data" / "t08.csv"
    replace_row(t08, "3,30101,基本工资,950000,950000,", "3,30101,基本工资,950001,950001,")
    summary, errors, warnings = validate(project)
    assert errors == []
    assert len(warnings) == 2, warnings
    for column, line in zip(("total", "personnel"), warnings, strict=True):
        assert f"{BUDGET}: data/t08.csv:3: table t08 " in line
        assert f"row 2 (301 工资福利支出): column {column}:" in line
        assert "rounding gap of 1 元" in line and "expected 1450001, found 1450000" in line


def test_whole_yuan_gap_of_a_hundred_yuan_is_an_error(project):
    t08 = project / "datasets" / BUDGET / "data" / "t08.csv"
    replace_row(t08, "3,30101,基本工资,950000,950000,", "3,30101,基本工资,950100,950100,")
    summary, errors, warnings = validate(project)
    assert warnings == []
    assert len(errors) == 2 and all("off by -100 元" in e and "expected 1450100, found 1450000" in e
                                    for e in errors), errors


@pytest.mark.parametrize(("reception", "office", "outcome"), [
    ("25000", "25000", None),  # 2.50 万元 printed in t09 is exactly 25000 元
    ("25040", "24960", "warning"),  # within half of 0.01 万元 (50 元) plus half a yuan
    ("25100", "24900", "error"),  # 2.51 万元 would have been printed
])
def test_rule_across_units_compares_in_yuan(project, reception, office, outcome):
    """The dataset's own rule t09 reception (万元, 2 places) = t08 30217 total (元): compared exactly in 元."""
    t08 = project / "datasets" / BUDGET / "data" / "t08.csv"
    replace_row(t08, "7,30201,办公费,25000,,25000", f"7,30201,办公费,{office},,{office}")
    replace_row(t08, "8,30217,公务接待费,25000,,25000", f"8,30217,公务接待费,{reception},,{reception}")
    _, errors, warnings = validate(project)
    found = {"warning": warnings, "error": errors}
    if outcome is None:
        assert errors == warnings == []
        return
    other = "error" if outcome == "warning" else "warning"
    assert found[other] == []
    assert len(found[outcome]) == 1, found
    line = found[outcome][0]
    assert "data/t09.csv:2: table t09 " in line and "column reception: differs from t08[code=30217].total" in line
    assert f"expected {reception}, found 25000" in line and "[equal]" in line


def test_site_states_each_table_in_its_printed_unit(project, tmp_path):
    status, out, err = build_into(project, tmp_path / "site")
    assert status == 0, out + err
    site = tmp_path / "site"
    t08 = (site / "zh" / BUDGET / "t08" / "index.html").read_text(encoding="utf-8")
    t09 = (site / "en" / BUDGET / "t09" / "index.html").read_text(encoding="utf-8")
    final = (site / "zh" / FINAL / "t01" / "index.html").read_text(encoding="utf-8")
    assert "单位：元<" in t08 and "单位：万元<" not in t08 and "金额单位：元。" in t08
    assert "Unit: CNY 10,000<" in t09 and "Amounts in CNY 10,000." in t09
    assert "单位：万元<" in final
    assert ">950,000<" in t08 or ">950000<" in t08, "whole-yuan amounts are shown without decimals"
    exported = json.loads((site / "data" / BUDGET / "json" / "t09.json").read_text(encoding="utf-8"))
    assert exported["unit"]["zh"] == "万元"


# --- nothing about one document may be hard-coded ----------------------------------------------------------

TABLE_ID = re.compile(r"t\d{2}[a-z]?")
CODE_DIRS = ("budgetsite", "scripts", "bench")


def string_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal a Python file computes with: docstrings and the examples of
    command-line help (help="... e.g. xiamen-hpf") are prose, not behaviour."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = {id(node.body[0].value) for node in ast.walk(tree)
             if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
             and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    prose |= {id(inner) for node in ast.walk(tree) if isinstance(node, ast.keyword) and node.arg == "help"
              for inner in ast.walk(node.value)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose]


def test_no_code_names_a_table_by_its_number():
    """Table numbers are a document's own: code finds tables by kind (reference/catalogue/), never by id."""
    offenders = []
    for folder in CODE_DIRS:
        for path in sorted((REPO / folder).rglob("*.py")):
            for line, text in string_literals(path):
                if TABLE_ID.search(text) and not re.search(r"\blike t\d", text):  # an example of syntax
                    offenders.append(f"{path.relative_to(REPO)}:{line}: {text!r}")
    for path in sorted((REPO / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[\"']t\d{2}[a-z]?[\"'\[.]", line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == [], "\n".join(offenders)


REGIONS = ("xiamen", "厦门", "shanghai", "上海", "putuo", "普陀")


def test_no_code_names_a_region_or_publisher():
    """Regions and templates are data (reference/catalogue/templates/, each descriptor's x_budget)."""
    offenders = [f"{path.relative_to(REPO)}:{line}: {text!r}"
                 for folder in ("budgetsite", "scripts") for path in sorted((REPO / folder).rglob("*.py"))
                 for line, text in string_literals(path) if any(w in text.lower() for w in REGIONS)]
    for path in sorted((REPO / "templates").rglob("*")):
        if path.is_file():
            offenders += [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
                          for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                          if any(w in line.lower() for w in REGIONS)]
    assert offenders == [], "\n".join(offenders)


def test_the_code_lists_hold_every_code_the_datasets_print():
    """reference/<classification>-codes-<year>/ name every code a dataset of that year prints, as printed and
    where; each dataset's code tables are copies of their rows (scripts/codelists.py --check)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(REPO / "scripts" / "codelists.py"), "--check"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    for year in (2024, 2025, 2026):
        for stem in ("function-codes", "economic-codes"):
            rows = list(csv.DictReader((REPO / "reference" / f"{stem}-{year}" / f"{stem}.csv").open(encoding="utf-8")))
            assert rows and all(r["name_zh_source"] and r["name_en"] for r in rows), f"{stem}-{year}"


PLANNING = "putuo-planning-resources-2024-final-accounts"


def test_a_stated_source_problem_is_noted_and_a_stale_note_is_an_error(tmp_path):
    """source-notes.csv turns the failing identities it names into stated problems of the source; without
    the notes they are errors, and a note on a cell where nothing fails is an error itself."""
    from conftest import copy_project

    root = copy_project(tmp_path / "p", (PLANNING,))
    notes = root / "datasets" / PLANNING / "data" / "source-notes.csv"
    summary, errors, _ = validate(root)
    # N1-N3 (lines) and N11 (the 95.45% completion rate the narrative states)
    assert summary["errors"] == "0" and summary["noted"] == "4" and out_noted(root) == 4
    text = notes.read_bytes().decode("utf-8")
    header, *rows = text.splitlines(keepends=True)
    notes.write_bytes((header + "".join(r for r in rows if not r.startswith(("N1,", "N2,", "N3,")))).encode())
    _, errors, _ = validate(root)
    assert len(errors) == 3 and all("[lines]" in e for e in errors), errors
    stale = 'N99,7,t03[code=208].total,parent-sum,,,"一条过时的说明。","A stale note."\r\n'
    notes.write_bytes((text + stale).encode())
    _, errors, _ = validate(root)
    rows = text.count("\r\n")  # the header and the notes: the stale one is the next line
    assert errors == [f"error: {PLANNING}: data/source-notes.csv:{rows + 1}: table source-notes: "
                      f"row {rows} (N99): column cell: note N99 names t03[code=208].total, "
                      "where no identity fails: remove or correct the note "
                      "[source-notes]"]


def out_noted(root: Path) -> int:
    _, out, _ = invoke_cli(root, "validate")
    return sum(1 for line in out.splitlines() if line.startswith("noted: "))


def test_a_quote_inside_another_notes_words_is_named_in_that_mark():
    """Two notes whose quotes overlap: one mark, both notes linked, no nested links (valid HTML)."""
    from budgetsite.pages import mark_quotes
    from budgetsite.views import SourceNoteView

    def note(ident: str, quote: str) -> SourceNoteView:
        fields = {f: "" for f in SourceNoteView.__dataclass_fields__}
        return SourceNoteView(**{**fields, "id": ident, "quote": quote})

    html = "<p>年初预算为0万元，完成年初预算的95.89%。其他。</p>"
    out = str(mark_quotes(html, [note("N1", "完成年初预算的95.89%"), note("N2", "95.89%"), note("N3", "其他")], "q/"))
    assert out == ('<p>年初预算为0万元，<mark class="source-note"><a href="q/#note-N1">完成年初预算的95.89%</a>'
                   '<sup>N1</sup><sup><a href="q/#note-N2">N2</a></sup></mark>。'
                   '<mark class="source-note"><a href="q/#note-N3">其他</a><sup>N3</sup></mark>。</p>')


def test_json_columns_never_shadow_a_field_of_the_resource():
    """A derived column (`<field>_en`, `<field>_as_published`) is added only where the resource has no field
    of that name: the published English of a codes resource stays what its CSV says."""
    from budgetsite.export import json_columns
    from budgetsite.model import Field, Resource, Text

    resource = Resource("codes", "data/codes.csv", Text("科目"), (
        Field("name", "string", Text("名称")), Field("name_en", "string", Text("英文名称")),
        Field("note", "string", Text("说明"))),
        ({"name": "教育支出", "name_en": "Education (published)", "note": "教育支出"},))
    columns = json_columns(resource, {("codes", 1, "name"): "教育"}, {}, {"教育支出": "Education"})
    names = [field["name"] for field, _ in columns]
    assert names == ["name", "name_as_published", "name_en", "note", "note_en"]
    cells = {field["name"]: values[0] for field, values in columns}
    assert cells["name_en"] == "Education (published)" and cells["note_en"] == "Education"
    assert cells["name_as_published"] == "教育"
