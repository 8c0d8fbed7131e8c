"""A public record that cannot be corrupted: hostile and broken input, the writer, the atomic swap.

Each test says which threat of docs/security.md it proves.
"""

from __future__ import annotations

import hashlib
import json
import re
import tracemalloc
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import build_into, copy_project

from budgetsite import search, units
from budgetsite.catalogue import load_catalogue
from budgetsite.load import load_budget, parse_csv
from budgetsite.model import Field, Text
from budgetsite.search import SearchIndexError
from budgetsite.writer import SiteWriter, WriteRefused

DATASET = "datasets/xiamen-hpf-2024"
CATALOGUE = load_catalogue((Path(__file__).resolve().parent.parent / "reference").resolve())
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(1)">'
BREAKOUT = "</script><script>alert(2)</script>"


def manifest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- XSS through data, metadata and Markdown (threats: XSS via cells/metadata/Markdown, JSON-LD breakout) ---

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    ds = root / DATASET

    def poison(d):
        d["title"] = d["title"] + BREAKOUT
        d["x_i18n"]["en"]["title"] += SCRIPT
        d["x_tables"][9]["title"] += IMG
        d["x_tables"][9]["x_i18n"]["en"]["title"] += " <a href='javascript:alert(3)'>x</a>"
        d["x_budget"]["department_en"] = IMG

    edit_json(ds / "datapackage.json", poison)
    replace_in(ds / "data/t10-tasks.csv", "升级完善系统服务平台, 提升线上服务水平。", "=1+2 " + SCRIPT)
    replace_in(ds / "data/translations.csv", "Housing security", "Housing security " + IMG)
    with (ds / "narrative/zh.md").open("a", encoding="utf-8") as f:
        f.write(f"\n{SCRIPT}\n\n<iframe src=\"https://evil.example\"></iframe>\n\n[点我](javascript:alert(4))\n\n"
                f"{IMG}\n")
    with (ds / "narrative/en.md").open("a", encoding="utf-8") as f:  # block for block with the Chinese
        f.write(f"\n<p onclick=\"alert(5)\">click</p>\n\n[click](javascript:alert(6))\n\n{SCRIPT}\n\n{IMG}\n")
    for rel in ("data/translations.csv", "narrative/en.md"):  # the publisher's one English name, everywhere
        path = ds / rel
        path.write_bytes(path.read_bytes().replace(b"Xiamen Housing Provident Fund Center",
                                                   IMG.replace('"', "'").encode()))
    out = root / "site"
    status, stdout, stderr = build_into(root, out)
    assert status == 0, f"legitimate (if odd) text must build:\n{stdout}\n{stderr}"
    return out


class ActiveContent(HTMLParser):
    """Collects everything in a page that a browser would run or load: the places XSS needs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") not in ("application/ld+json", "module"):
            self.problems.append(f"<script {attrs}>")
        if tag in ("iframe", "object", "embed", "img"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(("javascript:",
                                                                                              "data:text")):
                self.problems.append(f"{tag} {name}={value}")


def test_hostile_text_is_escaped_or_removed_everywhere(hostile_site: Path):
    pages = sorted(hostile_site.rglob("*.html"))
    escaped = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parser = ActiveContent()
        parser.feed(html)
        assert parser.problems == [], f"{page}: {parser.problems}"
        escaped += html.count("&lt;script&gt;alert(1)") + html.count("&lt;img src=x onerror")
    assert escaped > 0, "the hostile text is shown, escaped, where it was legitimately placed"


def test_json_ld_cannot_be_broken_out_of(hostile_site: Path):
    page = (hostile_site / "zh/xiamen-hpf-2024/index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["name"].endswith(BREAKOUT), "the title round-trips exactly through the escaped JSON"


def test_formula_triggers_are_guarded_in_excel_files_only(hostile_site: Path):
    data = hostile_site / "data/xiamen-hpf-2024"
    canonical = (data / "data/t10-tasks.csv").read_text(encoding="utf-8")
    assert "=1+2 <script>" in canonical, "the canonical CSV stays exactly as validated"
    workbook = data / "xiamen-hpf-2024.xlsx"
    with zipfile.ZipFile(workbook) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in book.read(n) for n in sheets), "no formula cell in the workbook"
    import openpyxl

    cells = [c for row in openpyxl.load_workbook(workbook, read_only=True)["t10-tasks"].iter_rows(values_only=True)
             for c in row if isinstance(c, str)]
    assert any(c.startswith("'=1+2 <script>") for c in cells), "the workbook guards the formula-like cell"
    doc = json.loads((data / "json/t10-tasks.json").read_text(encoding="utf-8"))
    description = [f["name"] for f in doc["fields"]].index("description")
    assert doc["rows"][0][description].startswith("=1+2"), "JSON keeps the text as published"


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_every_trigger_is_guarded_and_numbers_stay_numbers(trigger: str, tmp_path: Path):
    import openpyxl
    import xlsxwriter

    from budgetsite.export import guard, resource_sheet
    from budgetsite.model import Resource

    resource = Resource("x", "data/x.csv", Text("x"), (
        Field("text", "string", Text("文字")), Field("amount", "number", Text("金额"), unit="万元")),
        ({"text": f"{trigger}1+1", "amount": __import__("decimal").Decimal("-12.50")},))
    assert guard(f"{trigger}1+1") == f"'{trigger}1+1"
    path = tmp_path / "x.xlsx"
    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False})
    resource_sheet(book.add_worksheet("x"), resource, None, None)
    book.close()
    text, amount = list(openpyxl.load_workbook(path)["x"].iter_rows(values_only=True))[2]
    assert text.startswith("'") and text.endswith("1+1"), f"{text!r}: guarded (xlsx escapes CR as _x000D_)"
    assert amount == -12.5, "a negative amount is a number and is never prefixed"


# --- Names and paths (threat: path traversal from names) ---------------------------------------------------

@pytest.mark.parametrize("name", ["Bad_Name-2024", "中文部门-2024", "a" * 70, "-leading-2024"])
def test_unsafe_dataset_folder_names_are_refused(tmp_path: Path, name: str, run_cli):
    root = copy_project(tmp_path / "p")
    (root / DATASET).rename(root / "datasets" / name)
    code, out, err = run_cli(root, "validate")
    assert code == 1
    assert "is not a valid dataset slug" in err


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd", "data\\t01.csv", "https://evil.example/x.csv",
                                  "data/../../x.csv", "％2e％2e/x.csv", "data/．．/x.csv", ""])
def test_unsafe_resource_paths_are_refused_before_reading(tmp_path: Path, path: str, run_cli):
    root = copy_project(tmp_path / "p")
    edit_json(root / DATASET / "datapackage.json", lambda d: d["resources"][2].update(path=path))
    code, out, err = run_cli(root, "validate")
    assert code == 1
    assert "'path' must be a relative path inside the folder" in err


@pytest.mark.parametrize("name", ["../x", "a/b", "T01", "x" * 80, "名字"])
def test_unsafe_resource_names_are_refused(tmp_path: Path, name: str, run_cli):
    root = copy_project(tmp_path / "p")
    edit_json(root / DATASET / "datapackage.json", lambda d: d["resources"][2].update(name=name))
    code, out, err = run_cli(root, "validate")
    assert code == 1 and "is not a slug" in err


@pytest.mark.parametrize("extra", [{"scheme": "s3"}, {"scheme": "https"}, {"data": [["a"], ["1"]]},
                                   {"dialect": {"delimiter": ";"}}, {"innerpath": "x.csv"}, {"compression": "zip"}])
def test_resource_properties_that_would_read_elsewhere_are_refused(tmp_path: Path, extra, run_cli):
    root = copy_project(tmp_path / "p")
    edit_json(root / DATASET / "datapackage.json", lambda d: d["resources"][2].update(extra))
    code, out, err = run_cli(root, "validate")
    assert code == 1 and "resources/2: Additional properties are not allowed" in err


def test_a_non_http_licence_url_is_refused(tmp_path: Path, run_cli):
    root = copy_project(tmp_path / "p")
    edit_json(root / DATASET / "datapackage.json", lambda d: d["licenses"][0].update(path="javascript:alert(1)"))
    code, out, err = run_cli(root, "validate")
    assert code == 1 and "licenses/0/path" in err


def test_huge_values_in_the_descriptor_are_refused(tmp_path: Path, run_cli):
    root = copy_project(tmp_path / "p")
    edit_json(root / DATASET / "datapackage.json", lambda d: d["x_budget"].update(year=10 ** 30))
    code, out, err = run_cli(root, "validate")
    assert code == 1 and "x_budget/year" in err
    (root / DATASET / "datapackage.json").write_text('{"name": "' + "x" * 1_200_000 + '"}', encoding="utf-8")
    code, out, err = run_cli(root, "validate")
    assert code == 1 and "file is larger than 1,000,000 bytes" in err


def test_extra_and_missing_files_are_reported(tmp_path: Path, run_cli):
    root = copy_project(tmp_path / "p")
    (root / DATASET / "data/t99.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (root / DATASET / "data/t07.csv").unlink()
    code, out, err = run_cli(root, "validate")
    assert code == 1
    assert "error: xiamen-hpf-2024: data/t99.csv: file is not declared in datapackage.json" in err
    assert "error: xiamen-hpf-2024: data/t07.csv: table t07: file is missing [file]" in err


def test_a_100_mb_csv_is_refused_without_reading_it(tmp_path: Path, run_cli):
    root = copy_project(tmp_path / "p")
    big = root / DATASET / "data/t06.csv"
    with big.open("r+b") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: costs no disk, but reading it would cost 100 MB
    tracemalloc.start()
    code, out, err = run_cli(root, "validate")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert code == 1
    assert "data/t06.csv: table t06: file is larger than the 20,000,000-byte limit" in err
    assert peak < 30 * 1024 * 1024, f"memory stayed bounded (peak {peak:,} bytes)"


# --- The writer (threat: a page overwritten, a file written outside site/) ---------------------------------

def test_a_symlink_in_a_dataset_is_refused_and_nothing_is_read_through_it(tmp_path: Path, run_cli):
    root = copy_project(tmp_path / "p")
    secret = tmp_path / "secret.txt"
    secret.write_text("do not publish", encoding="utf-8")
    source = root / DATASET / "source/budget-2024.txt"
    source.unlink()
    source.symlink_to(secret)
    code, out, err = run_cli(root, "validate")
    assert code == 1
    assert ("error: xiamen-hpf-2024: source/budget-2024.txt: symbolic links are not allowed in a dataset folder; "
            "put the file itself there [file]") in err
    status, stdout, stderr = build_into(root, root / "site")
    assert status == 1 and not (root / "site").exists()


def test_strict_fails_even_when_the_site_is_up_to_date(good_build):
    root, out, before = good_build
    status, stdout, stderr = build_into(root, out, "--strict")
    assert status == 1, "rounding warnings count as errors with --strict, cached or not"
    assert "warning:" in stdout and "site is up to date" not in stdout
    assert manifest(out) == before


@pytest.mark.parametrize("path", ["../x.html", "/etc/x", "a/../../x", "a\\b", "", "dir/"])
def test_writer_refuses_paths_outside_the_output(tmp_path: Path, path: str):
    writer = SiteWriter(tmp_path / "out")
    with pytest.raises(WriteRefused):
        writer.write_text(path, "x")
    assert not (tmp_path / "x.html").exists()


def test_writer_refuses_the_same_path_twice(tmp_path: Path):
    writer = SiteWriter(tmp_path)
    writer.write_text("zh/index.html", "one")
    with pytest.raises(WriteRefused, match="twice"):
        writer.write_text("zh/index.html", "two")
    assert (tmp_path / "zh/index.html").read_text() == "one"


def test_writer_refuses_a_symlink_escape(tmp_path: Path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out/link").symlink_to(tmp_path)
    with pytest.raises(WriteRefused, match="outside"):
        SiteWriter(tmp_path / "out").write_text("link/escaped.html", "x")


def test_writer_refuses_a_file_that_is_a_symlink_out(tmp_path: Path):
    (tmp_path / "out/ok").mkdir(parents=True)
    writer = SiteWriter(tmp_path / "out")
    writer.write_text("ok/first.html", "x")  # the folder is resolved once, then reused
    (tmp_path / "out/ok/second.html").symlink_to(tmp_path / "outside.html")
    with pytest.raises(WriteRefused, match="outside"):
        writer.write_text("ok/second.html", "x")
    assert not (tmp_path / "outside.html").exists()


# --- Atomic build (threat: a half-written or invalid site replaces the good one) ---------------------------

@pytest.fixture
def good_build(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    root = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    status, stdout, stderr = build_into(root, out)
    assert status == 0, stderr
    return root, out, manifest(out)


def test_a_broken_dataset_leaves_the_previous_site_unchanged(good_build):
    root, out, before = good_build
    replace_in(root / DATASET / "data/t05.csv", "2210302,住房公积金管理,1918.54", "2210302,住房公积金管理,1918.99")
    status, stdout, stderr = build_into(root, out)
    assert status == 1
    assert "build stopped: nothing was published; the previous site is unchanged" in stderr
    assert manifest(out) == before
    assert not list(out.parent.glob(".site-build-*")), "no temporary tree is left behind"


def test_a_failure_halfway_through_rendering_leaves_the_previous_site_unchanged(good_build, monkeypatch):
    root, out, before = good_build
    calls = {"n": 0}
    original = units.render_page

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 10:
            raise RuntimeError("disk full (simulated)")
        return original(*args, **kwargs)

    monkeypatch.setattr(units, "render_page", failing)
    status, stdout, stderr = build_into(root, out, "--no-cache")  # unchanged input would not render at all
    assert status == 1 and calls["n"] == 10
    assert "disk full (simulated)" in stderr and "Traceback" not in stderr
    assert manifest(out) == before
    assert not list(out.parent.glob(".site-build-*"))


def test_an_unchanged_input_is_not_rebuilt(good_build):
    root, out, before = good_build
    status, stdout, stderr = build_into(root, out)
    assert status == 0 and "site is up to date" in stdout
    assert manifest(out) == before


def test_an_edit_that_keeps_the_file_size_is_still_seen(good_build):
    root, out, before = good_build
    path = root / DATASET / "data/translations.csv"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes().replace(b"Housing security", b"Housing securitY", 1))  # same length
    assert path.stat().st_size == size
    status, stdout, stderr = build_into(root, out)
    assert status == 0 and "site is up to date" not in stdout, stdout
    assert "Housing securitY" in (out / "en/xiamen-hpf-2024/t04/index.html").read_text("utf-8")


def test_one_changed_budget_is_rendered_again_and_the_site_stays_consistent(good_build):
    root, out, before = good_build
    replace_in(root / DATASET / "data/translations.csv", "Housing security", "Housing security (changed)")
    status, stdout, stderr = build_into(root, out)
    assert status == 0, stderr
    after = manifest(out)
    assert "Housing security (changed)" in (out / "en/xiamen-hpf-2024/t04/index.html").read_text("utf-8")
    assert after["data/xiamen-hpf-2024/data/translations.csv"] != before["data/xiamen-hpf-2024/data/translations.csv"]
    assert after["assets/style.css"] == before["assets/style.css"]


def test_a_failing_search_index_leaves_the_previous_site_unchanged(good_build, monkeypatch):
    root, out, before = good_build

    def broken(*args):
        raise SearchIndexError("Pagefind failed (simulated)")

    monkeypatch.setattr(search.Indexer, "_run", broken)
    status, stdout, stderr = build_into(root, out, "--no-cache")
    assert status == 1 and "Pagefind failed (simulated)" in stderr
    assert manifest(out) == before


# --- Broken input never crashes the loader (property-based) ------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FIELDS = [Field("code", "string", Text("编码")), Field("amount", "number", Text("金额"), unit="万元"),
          Field("n", "integer", Text("数")), Field("x", "number", Text("数值"))]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_parse_csv_never_crashes(text: str):
    findings = []
    rows = parse_csv("code,amount,n,x\n" + text, FIELDS, "d", "data/x.csv", "x", findings)
    assert all(set(r) == {"code", "amount", "n", "x"} for r in rows)
    assert all(f.severity == "error" and f.file == "data/x.csv" for f in findings)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=4, max_size=4))
def test_every_amount_cell_is_either_a_strict_decimal_or_reported(cells: list[str]):
    findings = []
    line = ",".join('"' + c.replace('"', '""') + '"' for c in cells)
    rows = parse_csv("code,amount,n,x\r\n" + line + "\r\n", FIELDS, "d", "f.csv", "x", findings)
    if rows and rows[0]["amount"] is not None:  # as printed: at most the table's two places, no separators
        assert re.fullmatch(r"-?(0|[1-9]\d*)(\.\d{1,2})?", cells[1])
    elif cells[1] != "":
        assert any(f.column == "amount" for f in findings) or not rows


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children,
                                                                                      max_size=5), max_leaves=25)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(JSON)
def test_load_budget_never_crashes_on_any_descriptor(tmp_path: Path, descriptor):
    folder = tmp_path / "any-2024"
    folder.mkdir(exist_ok=True)
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    budget, findings = load_budget(folder, CATALOGUE)
    assert budget is None and findings and findings[0].severity == "error"


REAL = json.loads((Path(__file__).resolve().parent.parent / DATASET / "datapackage.json").read_text("utf-8"))
KEYS = ["x_tables", "x_budget", "x_narrative", "x_source", "sources", "x_rules", "x_rulesets", "resources",
        "licenses", "x_i18n", "keywords", "title"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(KEYS), JSON)
def test_validation_never_crashes_when_one_part_of_a_real_descriptor_is_replaced(tmp_path_factory, key, value):
    from budgetsite.validate import load_reference, validate_budget

    root = copy_project(tmp_path_factory.mktemp("prop") / "p")
    path = root / DATASET / "datapackage.json"
    data = json.loads(json.dumps(REAL))
    data[key] = value
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = validate_budget(root / DATASET, load_reference(root / "reference"))
    if result.errors:  # refused, each problem located in a file of the dataset
        for f in result.errors:
            assert f.dataset == "xiamen-hpf-2024" and f.message and "Traceback" not in f.format(), f.format()
            assert f.file, f"an error without a file: {f.format()}"
    else:  # the value happened to be acceptable: then the budget was loaded and its rules evaluated
        assert result.budget is not None and result.checks, [f.format() for f in result.findings]
