"""`build.py validate`: the real dataset, one failing fixture per rule, no tracebacks, and plain frictionless.

Every fixture mutates a copy of the project in tmp_path and asserts the exit status and the exact line the
validator prints (dataset, file:line, table, row, column, expected, found).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

SLUG = "xiamen-hpf-2024"
DS = f"datasets/{SLUG}"

# The genuine 0.01 rounding gaps of the published tables: (file, row, column) of each warning.
ROUNDING_GAPS = {
    ("data/t01.csv", 29, "amount"),
    ("data/t02.csv", 1, "total"), ("data/t02.csv", 1, "general_budget"),
    ("data/t02.csv", 8, "total"), ("data/t02.csv", 8, "general_budget"),
    ("data/t03.csv", 1, "total"), ("data/t03.csv", 1, "fiscal_total"), ("data/t03.csv", 1, "fiscal_basic"),
    ("data/t03.csv", 8, "total"), ("data/t03.csv", 8, "fiscal_total"), ("data/t03.csv", 8, "fiscal_basic"),
    ("data/t04.csv", 31, "amount"),
    ("data/t05.csv", 1, "total"), ("data/t05.csv", 1, "basic_total"),
    ("data/t05.csv", 8, "total"), ("data/t05.csv", 8, "basic_total"), ("data/t05.csv", 8, "basic_personnel"),
    ("data/t05.csv", 14, "basic_personnel"), ("data/t05.csv", 14, "basic_total"),
}
WARNING = re.compile(rf"warning: {SLUG}: (?P<file>[^:]+):(?P<line>\d+): table [^:]+: row (?P<row>\d+) \(.*?\): "
                     r"column (?P<column>\w+): .*; expected (?P<expected>-?[\d.]+), found (?P<found>-?[\d.]+) "
                     r"\[[a-z-]+\]")
SUMMARY = re.compile(r"\d+ dataset\(s\), \d+ identities checked: (?P<errors>\d+) error\(s\), "
                     r"(?P<warnings>\d+) warning\(s\)")


def summary(stdout: str) -> re.Match:
    last = stdout.splitlines()[-1] if stdout.strip() else ""
    m = SUMMARY.fullmatch(last)
    assert m, f"the last line of stdout is not the summary: {last!r}"
    return m


def assert_no_traceback(out: str, err: str) -> None:
    assert "Traceback" not in out and "Traceback" not in err, f"traceback printed:\n{out}\n{err}"


# --- the real dataset --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_validation(repo_root, run_cli) -> tuple[int, str, str]:
    """`validate` of the Xiamen dataset in the repository itself (it writes nothing)."""
    return run_cli(repo_root, "validate", DS)


def test_real_dataset_is_valid(real_validation):
    code, out, err = real_validation
    assert_no_traceback(out, err)
    assert code == 0, err
    assert err == "", "no error lines"
    m = summary(out)
    assert (m["errors"], m["warnings"]) == ("0", str(len(ROUNDING_GAPS)))


def test_real_dataset_warns_once_per_rounding_gap(real_validation):
    _, out, _ = real_validation
    lines = out.splitlines()[:-1]
    assert all(line.startswith("warning: ") for line in lines), "only warning lines before the summary"
    parsed = [WARNING.fullmatch(line) for line in lines]
    assert all(parsed), "unparseable warning: " + next(line for line, m in zip(lines, parsed, strict=True) if not m)
    places = [(m["file"], int(m["row"]), m["column"]) for m in parsed]
    assert len(places) == len(set(places)), "one warning per gap"
    assert set(places) == ROUNDING_GAPS
    for m in parsed:
        assert abs(Decimal(m["expected"]) - Decimal(m["found"])) == Decimal("0.01"), m.group(0)
        assert int(m["line"]) > 1
    assert (f"warning: {SLUG}: data/t03.csv:9: table t03 部门支出预算总体情况表: row 8 (21011 行政事业单位医疗): "
            "column total: differs from the sum of 2101101 + 2101103: rounding gap of 0.01 万元, within the "
            "tolerance of 0.015 for 3 printed figures; expected 103.42, found 103.41 [parent-sum]") in lines


def test_strict_turns_rounding_warnings_into_failure(project_copy, run_cli, real_validation):
    code, out, err = run_cli(project_copy, "validate", "--strict")
    assert_no_traceback(out, err)
    assert code == 1
    assert out == real_validation[1], "--strict changes the exit status, not the report"


# --- failing fixtures --------------------------------------------------------------------------------------


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace `old` (which must occur exactly once) in a dataset file, keeping its bytes otherwise."""
    path = root / DS / rel
    text = path.read_bytes().decode("utf-8")
    assert text.count(old) == 1, f"{rel}: {old!r} occurs {text.count(old)} times"
    path.write_bytes(text.replace(old, new).encode("utf-8"))


def drop_line(root: Path, rel: str, start: str) -> None:
    """Delete the one line of a dataset file that starts with `start`, whatever its line ending."""
    path = root / DS / rel
    lines = path.read_bytes().splitlines(keepends=True)
    hits = [line for line in lines if line.startswith(start.encode("utf-8"))]
    assert len(hits) == 1, f"{rel}: {len(hits)} lines start with {start!r}"
    path.write_bytes(b"".join(line for line in lines if line not in hits))


def edit_descriptor(root: Path, change: Callable[[dict], object]) -> None:
    path = root / DS / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def resource(d: dict, name: str) -> dict:
    return next(r for r in d["resources"] if r["name"] == name)


def validate_failing(root: Path, run_cli) -> list[str]:
    """Run validate on a broken copy: returns the error lines after the checks every fixture shares."""
    code, out, err = run_cli(root, "validate")
    assert_no_traceback(out, err)
    assert code == 1, f"exit status {code}\n{out}{err}"
    errors = err.splitlines()
    assert errors, "an error line on stderr"
    assert all(line.startswith(f"error: {SLUG}: ") for line in errors), err
    assert summary(out)["errors"] == str(len(errors)), "the summary counts the error lines printed"
    return errors


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Path], None]
    expected: str  # the exact line, without "error: <dataset>: "
    alone: bool = True  # the only error line; False where the change necessarily breaks other identities too


T06 = "table t06 一般公共预算基本支出情况表（经济分类款级科目）"
T05 = "table t05 一般公共预算支出情况表"
OFFICE = "14,30201,办公费,20.45,,20.45"  # t06 line 15 (row 14)
BAD_NUMBER = ("badly written number; expected a plain decimal with at most two places, as printed, e.g. 1234.50, "
              "found {!r} [number-format]")
# (test id, the cell as written in the CSV, the value it holds)
MALFORMED_NUMBERS = [("exponent", "1e3", "1e3"), ("nan", "NaN", "NaN"), ("infinity", "INF", "INF"),
                     ("parentheses", "(500)", "(500)"), ("thousands-separator", '"1,234.00"', "1,234.00"),
                     ("padded", " 12.00 ", " 12.00 "), ("three-decimals", "12.505", "12.505")]

CASES = [
    Case("wrong-sum",
         lambda r: edit(r, "data/t03.csv", "4,2080501,行政单位离退休,66.83,", "4,2080501,行政单位离退休,67.83,"),
         "data/t03.csv:4: table t03 部门支出预算总体情况表: row 3 (20805 行政事业单位养老支出): column total: "
         "differs from the sum of 2080501 + 2080505 + 2080506: off by -1.00 万元 (tolerance 0.02); "
         "expected 321.55, found 320.55 [parent-sum]", alone=False),
    Case("wrong-cross-table",
         lambda r: edit(r, "data/t06.csv", "1,,合计：,2441.53,", "1,,合计：,2442.53,"),
         f"data/t06.csv:2: {T06}: row 1 (合计：): column total: differs from t05[code=].basic_total: "
         "off by 1.00 万元 (tolerance 0); expected 2441.53, found 2442.53 [equal]", alone=False),
    Case("wrong-narrative-figure",
         lambda r: edit(r, "data/narrative-figures.csv", "66.83 万元,66.83,66.83,", "66.83 万元,66.83,66.38,"),
         "data/narrative-figures.csv:28: table narrative-figures: row 27 (gpb-2080501): column value: the "
         "narrative's “行政单位离退休(项)66.83 万元” differs from t05[code=2080501].total: off by -0.45 万元 "
         "(tolerance 0); expected 66.83, found 66.38 [narrative]", alone=False),
    Case("missing-parent",
         lambda r: drop_line(r, "data/t05.csv", "3,20805,"),
         f"data/t05.csv:4: {T05}: row 4 (2080501 行政单位离退休): column code: code 2080501 has no parent "
         "row 20805 in this table, so sums cannot be checked; expected a row 20805 above it, found none "
         "[hierarchy]", alone=False),
    *[Case(f"number-{name}", lambda r, cell=cell: edit(r, "data/t06.csv", OFFICE, OFFICE[:-5] + cell),
           "data/t06.csv:15: table t06: row 14: column public: " + BAD_NUMBER.format(value))
      for name, cell, value in MALFORMED_NUMBERS],
    Case("missing-csv", lambda r: (r / DS / "data/t07.csv").unlink(),
         "data/t07.csv: table t07: file is missing [file]"),
    Case("missing-column",
         lambda r: (r / DS / "data/t06.csv").write_bytes(b"".join(
             line.rsplit(b",", 1)[0] + b"\r\n" for line in (r / DS / "data/t06.csv").read_bytes().splitlines())),
         "data/t06.csv:1: table t06: header differs from the schema; expected row,code,name,total,personnel,"
         "public, found row,code,name,total,personnel [header]"),
    Case("missing-cell", lambda r: edit(r, "data/t06.csv", OFFICE, "14,30201,办公费,20.45,20.45"),
         "data/t06.csv:15: table t06: row 14: wrong number of cells; expected 6, found 5 [csv]"),
    Case("extra-cell", lambda r: edit(r, "data/t06.csv", OFFICE, OFFICE + ","),
         "data/t06.csv:15: table t06: row 14: wrong number of cells; expected 6, found 7 [csv]"),
    Case("empty-file", lambda r: (r / DS / "data/t06.csv").write_bytes(b""),
         "data/t06.csv: table t06: file is empty (a header row is required) [file]"),
    Case("path-outside", lambda r: edit_descriptor(r, lambda d: resource(d, "t07").update(path="../x.csv")),
         "datapackage.json: resource 't07': 'path' must be a relative path inside the folder, found '../x.csv' "
         "[descriptor]"),
    Case("path-absolute", lambda r: edit_descriptor(r, lambda d: resource(d, "t07").update(path="/etc/passwd")),
         "datapackage.json: resource 't07': 'path' must be a relative path inside the folder, found "
         "'/etc/passwd' [descriptor]"),
    Case("erratum-drifted",
         lambda r: edit(r, "data/errata.csv", "E1,t05,6,code,2080509,2080506,", "E1,t05,6,code,2080509,2080505,"),
         f"data/t05.csv:7: {T05}: row 6 (2080506 机关事业单位职业年金缴费支出): column code: erratum E1: the data "
         "does not hold the corrected value; expected 2080505, found 2080506 [errata]"),
    Case("name-differs-from-code-list",
         lambda r: edit(r, "data/t05.csv", "4,2080501,行政单位离退休,", "4,2080501,行政单位离休,"),
         f"data/t05.csv:5: {T05}: row 4 (2080501 行政单位离休): column name: name printed for code 2080501 "
         "differs from the code list; expected 行政单位离退休, found 行政单位离休 [code-names]"),
    Case("code-list-differs-from-reference",
         lambda r: edit(r, "data/codes-function.csv", ",Retired staff (incl. veteran cadres) of administrative units,",
                        ",Retired staff of administrative units,"),
         "data/codes-function.csv:11: table codes-function: row 10 (2080501): column name_en: differs from the "
         "reference list function-codes-2024; expected Retired staff (incl. veteran cadres) of administrative "
         "units, found Retired staff of administrative units [codelist]"),
    # Names no table today, unlike every other finding about a CSV file (see also the GBK test below).
    Case("bom",
         lambda r: (r / DS / "data/t06.csv").write_bytes(b"\xef\xbb\xbf" + (r / DS / "data/t06.csv").read_bytes()),
         "data/t06.csv:1: table t06: file starts with a byte-order mark (BOM); save it as UTF-8 without BOM "
         "[encoding]"),
    # Names no file today: a rule lives in a file, and the message must say which (here the dataset's x_rules).
    Case("unknown-rule-kind",
         lambda r: edit_descriptor(r, lambda d: d["x_rules"].append(
             {"id": "t05-bogus", "kind": "sum-of-squares", "resource": "t05"})),
         "datapackage.json: rule t05-bogus: unknown kind 'sum-of-squares' [rules]"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_copy_fails_with_exact_message(project_copy, run_cli, case):
    case.mutate(project_copy)
    errors = validate_failing(project_copy, run_cli)
    expected = f"error: {SLUG}: {case.expected}"
    if case.alone:
        assert errors == [expected], "\n".join(["expected only:", expected, "printed:", *errors])
    else:
        assert expected in errors, "\n".join(["expected line:", expected, "printed:", *errors])


def test_gbk_encoded_csv(project_copy, run_cli):
    path = project_copy / DS / "data/t06.csv"
    raw = path.read_bytes().decode("utf-8").encode("gbk")
    path.write_bytes(raw)
    at = next(i for i, byte in enumerate(raw) if byte >= 0x80)  # 合 of 合计, line 2: GBK lead bytes are not UTF-8
    assert raw[:at].count(b"\n") + 1 == 2
    errors = validate_failing(project_copy, run_cli)
    # Names no table today, unlike every other finding about a CSV file.
    assert errors == [f"error: {SLUG}: data/t06.csv:2: table t06: not valid UTF-8 at byte {at} (is it GBK? save it "
                      "as UTF-8) [encoding]"]


def test_malformed_descriptor_json(project_copy, run_cli):
    path = project_copy / DS / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines) if line.strip() == '"version": "1.0.0",')
    lines[n] = lines[n].rstrip(",")  # a missing comma: the parser stops at the next line's first key
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = validate_failing(project_copy, run_cli)
    column = len(lines[n + 1]) - len(lines[n + 1].lstrip()) + 1
    assert errors == [f"error: {SLUG}: datapackage.json:{n + 2}: malformed JSON: Expecting ',' delimiter at "
                      f"column {column} [descriptor]"]


def test_unknown_code_is_a_foreign_key_error_naming_file_line_and_column(project_copy, run_cli):
    edit(project_copy, "data/t05.csv", "4,2080501,", "4,2080599,")
    errors = validate_failing(project_copy, run_cli)
    assert len(errors) == 1, errors
    line = errors[0]
    assert line.startswith(f"error: {SLUG}: data/t05.csv:5: table t05: row 4: "), line
    assert line.endswith("[frictionless:foreign-key]"), line
    assert "2080599" in line and "codes-function" in line, line
    assert line.startswith(f"error: {SLUG}: data/t05.csv:5: table t05: row 4: column code: "), (
        f"the foreign-key error must name the column: {line}")


# --- no input ends in a traceback --------------------------------------------------------------------------


HOSTILE_DESCRIPTORS: dict[str, Callable[[dict], object]] = {
    "resources-is-a-string": lambda d: d.update(resources="data/t01.csv"),
    "x_narrative-is-a-list": lambda d: d.update(x_narrative=["narrative/zh.md"]),
    "x_tables-source-is-a-string": lambda d: d["x_tables"][0].update(source="lines 294-330"),
    "x_tables-note-is-a-list": lambda d: d["x_tables"][0].update(note=["a note"]),
    "x_budget-codelists-is-a-list": lambda d: d["x_budget"].update(codelists=["function-codes-2024"]),
    "x_i18n-en-is-a-string": lambda d: d.update(x_i18n={"en": "English"}),
    "x_source-is-a-list": lambda d: d.update(x_source=[]),
    "sources-is-a-string": lambda d: d.update(sources="budget-2024.txt"),
    "encoding-is-a-number": lambda d: resource(d, "t07").update(encoding=8),
    "rule-kind-is-a-list": lambda d: d["x_rules"].append({"id": "x", "kind": ["equal"]}),
    "rule-without-resource": lambda d: d["x_rules"].append({"id": "x", "kind": "parent-sum"}),
}


@pytest.mark.parametrize("name", list(HOSTILE_DESCRIPTORS))
def test_hostile_descriptor_is_reported_not_raised(project_copy, run_cli, name):
    edit_descriptor(project_copy, HOSTILE_DESCRIPTORS[name])
    validate_failing(project_copy, run_cli)


HOSTILE_FILES = {
    "unclosed-quote": ("data/t06.csv", lambda b: b + b'32,"30299'),
    "nul-byte": ("data/t06.csv", lambda b: b.replace(b"20.45,,20.45", b"20.45,\x00,20.45")),
    "blank-line": ("data/t06.csv", lambda b: b.replace(b"\n14,", b"\n\n14,")),
    "header-only": ("data/t06.csv", lambda b: b.splitlines(keepends=True)[0]),
    "schema-is-a-list": ("schemas/t06.json", lambda b: b"[]"),
    "schema-not-json": ("schemas/t06.json", lambda b: b[:-10]),
    "bad-cell-reference": ("data/narrative-figures.csv",
                           lambda b: b.replace(b"t05[code=2080501].total", b"t05[code=2080501]total")),
    "erratum-points-nowhere": ("data/errata.csv", lambda b: b.replace(b"E1,t05,6,", b"E1,t99,6,")),
    "derived-from-garbage": ("data/t02.csv", lambda b: b.replace(b"total=t03[code=208].total", b"total=t03[")),
}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_file_is_reported_not_raised(project_copy, run_cli, name):
    rel, change = HOSTILE_FILES[name]
    path = project_copy / DS / rel
    before = path.read_bytes()
    path.write_bytes(change(before))
    assert path.read_bytes() != before, "the fixture changed nothing"
    validate_failing(project_copy, run_cli)


def test_broken_reference_is_reported_not_raised(project_copy, run_cli):
    (project_copy / "reference/rules/department-budget.json").write_text("{", encoding="utf-8")
    shutil.rmtree(project_copy / "reference/economic-codes-2024")
    code, out, err = run_cli(project_copy, "validate")
    assert_no_traceback(out, err)
    assert code == 1
    assert "error: reference: reference/rules/department-budget.json:1: malformed JSON" in err


# --- plain frictionless ------------------------------------------------------------------------------------


def frictionless_command() -> list[str]:
    script = shutil.which("frictionless")
    return [script] if script else [sys.executable, "-m", "frictionless"]


@pytest.mark.parametrize("package", [f"{DS}/datapackage.json", "reference/function-codes-2024/datapackage.json",
                                     "reference/economic-codes-2024/datapackage.json"])
def test_plain_frictionless_accepts_the_package(repo_root, package):
    done = subprocess.run([*frictionless_command(), "validate", package], cwd=repo_root, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "INVALID" not in done.stdout
