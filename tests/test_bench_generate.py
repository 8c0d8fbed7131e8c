"""bench/generate.py: a synthetic corpus of every template of the catalogue that validates with no error and no
warning, deterministically.

The corpus is fictitious benchmark data; these tests check that its tables are the catalogue's (ids, kinds,
units, resources, schemas), that every identity of the applicable rules holds exactly (validation is the
oracle), that it mixes the templates and document kinds with a department's and its unit's budget of one
year, that it is byte-for-byte reproducible and marked synthetic everywhere, that `--change` keeps it
consistent, and that it builds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import string
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from bench.generate import MANIFEST, generate, plan, touch_one
from budgetsite.catalogue import load_catalogue, schema
from budgetsite.importer.titles import table_id

SEED = 2  # any seed: the corpus has errata, funds, state capital, non-fiscal money and carry-overs by design
YEARS = (2023, 2024)
SUMMARY = re.compile(r"(?P<datasets>\d+) dataset\(s\), (?P<checks>\d+) identities checked: (?P<errors>\d+) error\(s\), "
                     r"(?P<warnings>\d+) warning\(s\)")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def descriptors(root: Path) -> dict[str, dict]:
    return {p.name: json.loads((p / "datapackage.json").read_text(encoding="utf-8"))
            for p in sorted((root / "datasets").iterdir())}


def assert_clean_validation(run_cli, root: Path, *folders: Path, datasets: int) -> None:
    """Exit 0 and a summary of zero errors and zero warnings, nothing else printed."""
    status, out, err = run_cli(root, "validate", *map(str, folders))
    lines = out.splitlines()
    m = SUMMARY.fullmatch(lines[-1]) if lines else None
    assert m, f"no summary line:\n{out}\n{err}"
    assert (status, int(m["errors"]), int(m["warnings"]), int(m["datasets"])) == (0, 0, 0, datasets), f"{out}\n{err}"
    assert int(m["checks"]) > 200 * datasets
    assert len(lines) == 1 and not err.strip(), f"unexpected output:\n{out}\n{err}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "corpus"
    folders = generate(out, 8, seed=SEED, years=YEARS)
    assert [f.name for f in folders] == [
        "synthetic-dept-001-2023", "synthetic-dept-001-2024", "synthetic-dept-002-2023",
        "synthetic-dept-002-2023-unit-budget", "synthetic-dept-002-2024", "synthetic-dept-002-2024-unit-budget",
        "synthetic-dept-003-2023-final-accounts", "synthetic-dept-004-2024-final-accounts"]
    return out


@pytest.fixture(scope="module")
def catalogue(corpus: Path):
    return load_catalogue((corpus / "reference").resolve())


def test_corpus_validates_with_no_error_and_no_warning(corpus, run_cli):
    assert_clean_validation(run_cli, corpus, datasets=8)


def test_a_broken_figure_is_caught(tmp_path, corpus, run_cli):
    """The clean validation above is an oracle only if the rules read the figures: move 0.01 in one cell."""
    copy = tmp_path / "broken"
    shutil.copytree(corpus, copy)
    folder = copy / "datasets" / "synthetic-dept-002-2024-unit-budget"
    entry = next(t for t in descriptors(copy)[folder.name]["x_tables"] if t["kind"] == "general-budget-expenditure")
    path = folder / "data" / f"{entry['resources'][0]}.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    cells = lines[1].split(",")  # the total row: its first amount is the total
    assert cells[1] == "" and re.fullmatch(r"\d+\.\d{2}", cells[3])
    cells[3] = f"{Decimal(cells[3]) + Decimal('0.01')}"
    path.write_bytes("\r\n".join([lines[0], ",".join(cells), *lines[2:]]).encode("utf-8"))
    status, out, _ = run_cli(copy, "validate", str(folder))
    assert status == 1 and "0 error(s)" not in out and "[parent-sum]" in out


def test_corpus_mixes_the_templates_and_document_kinds(corpus, catalogue):
    """Every template and document kind; a department budget and its own unit's budget of one year (the
    department's covers the unit's: it lists it and spends more); a publisher with several years."""
    found = descriptors(corpus)
    templates = {d["x_budget"]["template"] for d in found.values()}
    assert templates == set(catalogue.templates)
    assert {d["x_budget"]["document"] for d in found.values()} == set(catalogue.documents)
    by_publisher_year: dict[tuple[str, int], dict[str, dict]] = {}
    for d in found.values():
        by_publisher_year.setdefault((d["x_budget"]["department_id"], d["x_budget"]["year"]), {})[
            d["x_budget"]["document"]] = d
    pairs = [docs for docs in by_publisher_year.values() if {"department-budget", "unit-budget"} <= set(docs)]
    assert len(pairs) == 2, "a department budget and its unit's budget, in each of two years"
    for docs in pairs:
        department, unit = docs["department-budget"]["x_budget"], docs["unit-budget"]["x_budget"]
        assert unit["department"] in [u["name"] for u in department["units"]], "the department's covers the unit's"
        assert "units" not in unit
        totals = [Decimal(next(r["total"] for r in kind_rows(corpus, d["name"], d, "expenditure-budget")
                               if not r["code"])) for d in (docs["department-budget"], docs["unit-budget"])]
        assert totals[0] > totals[1] > 0
    years = Counter(d["x_budget"]["department_id"] for d in found.values() if d["x_budget"]["document"] !=
                    "unit-budget")
    assert max(years.values()) >= 2, "a publisher with several years"


def test_proportions_of_a_large_corpus(catalogue):
    """About 40% Xiamen-like department budgets, 40% Shanghai-like budgets (department and unit), 20% final
    accounts: the plan of 1,000 documents, without generating them."""
    documents = Counter(template for _, docs in plan(1000, YEARS) for _, template in docs)
    assert sum(documents.values()) == 1000 and set(documents) == set(catalogue.templates)
    by_kind = Counter()
    for template, n in documents.items():
        by_kind[catalogue.templates[template].document] += n
    assert by_kind == {"department-budget": 600, "unit-budget": 200, "final-accounts": 200}
    assert max(documents.values()) == 400 and catalogue.templates[max(documents, key=documents.get)].document == \
        "department-budget"


def test_tables_are_the_catalogues(corpus, catalogue):
    """Ids from the printed numbers, kinds, units and precision from the template, resources from the kind's
    parts, schemas exactly as the catalogue makes them for the columns printed."""
    for name, d in descriptors(corpus).items():
        template = catalogue.templates[d["x_budget"]["template"]]
        printed = {(t.number, t.kind): t.unit for t in template.tables}
        letters = Counter(t["number"] for t in d["x_tables"])
        for t in d["x_tables"]:
            kind = catalogue.kind(t["kind"])
            suffix = t["id"][len(table_id(t["number"], 0)):]
            assert (t["number"], t["kind"]) in printed and t["unit"] == printed[(t["number"], t["kind"])], name
            assert t["precision"] == template.precision and t["title"].endswith(kind.name.zh)
            assert suffix == "" if letters[t["number"]] == 1 else suffix in string.ascii_lowercase, t["id"]
            assert t["resources"] == [p.resource(t["id"]) for p in kind.parts]
            for part, resource in zip(kind.parts, t["resources"], strict=True):
                written = json.loads((corpus / "datasets" / name / "schemas" / f"{resource}.json").read_text("utf-8"))
                columns = tuple(f["name"] for f in written["fields"])
                assert written == schema(catalogue, kind, part, t["unit"], columns, t["id"]), resource
        assert len({t["number"] for t in d["x_tables"]}) == len(template.tables)


def kind_rows(corpus: Path, name: str, d: dict, kind: str) -> list[dict[str, str]]:
    """The rows of the main resource of every table of `kind` in document `name`."""
    return [r for t in d["x_tables"] if t["kind"] == kind
            for r in rows(corpus / "datasets" / name / "data" / f"{t['resources'][0]}.csv")]


def test_rarer_tables_and_figures_are_present_and_filled(corpus):
    """So that the clean validation means something: errata, funds, state capital, non-fiscal money,
    carry-overs, a reconstructed table, growth rates, projects, the 三公 table in 万元 in a document in 元."""
    found = descriptors(corpus)
    status = Counter((t["kind"], t["status"]) for d in found.values() for t in d["x_tables"])
    for kind in ("fund-budget-expenditure", "state-capital-budget-expenditure", "project-performance"):
        assert status[(kind, "published")], kind
    assert status[("revenue-budget", "reconstructed")] and status[("transfer-payments", "empty")]
    assert any(rows(corpus / "datasets" / name / "data/errata.csv") for name in found)
    totals = [r for name, d in found.items() for r in kind_rows(corpus, name, d, "revenue-budget") if not r["code"]]
    assert any(r["service_revenue"] for r in totals), "non-fiscal money"
    balances = [r["opening_balance"] for name, d in found.items() for kind in ("final-fund-budget",
                "final-state-capital-budget") for r in kind_rows(corpus, name, d, kind)]
    assert any(balances), "balances carried over"
    for name, d in found.items():
        folder = corpus / "datasets" / name
        assert any(r["change_pct"] for r in rows(folder / "data/prior-year.csv")), name
        assert len(rows(folder / "data/narrative-figures.csv")) >= 15
        assert len((folder / "narrative/zh.md").read_text(encoding="utf-8")) > 1500
        if {t["unit"] for t in d["x_tables"]} == {"元", "万元"}:
            assert any(r["kind"] == "equal" and "reception" in r["id"] for r in d["x_rules"]), name
        data = (folder / "data" / f"{d['x_tables'][0]['resources'][0]}.csv").read_bytes()
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    projects = [t["id"] for d in found.values() for t in d["x_tables"] if t["kind"] == "project-performance"]
    assert all(re.fullmatch(r"t\d{2}[a-e]", p) for p in projects)


def test_every_document_is_marked_synthetic(corpus):
    found = descriptors(corpus)
    assert found
    for name, d in found.items():
        folder = corpus / "datasets" / name
        assert name.startswith("synthetic-dept-") and d["x_budget"]["synthetic"] is True
        assert d["title"].endswith("（虚构示例数据）")
        assert d["x_i18n"]["en"]["title"].endswith("(synthetic example data)")
        assert "基准测试" in d["description"] and "benchmark" in d["x_i18n"]["en"]["description"]
        assert re.fullmatch(r"示例第\d{3}局(（本级）)?", d["x_budget"]["department"])
        assert re.fullmatch(r"Synthetic Bureau \d{3}( \(main office\))?", d["x_budget"]["department_en"])
        assert "虚构示例数据" in (folder / "narrative/zh.md").read_text(encoding="utf-8")
        assert "synthetic example data" in (folder / "narrative/en.md").read_text(encoding="utf-8")
        assert "unofficial translation" in (folder / "narrative/en.md").read_text(encoding="utf-8")
        assert "虚构示例" in (folder / d["x_source"]["file"]).read_text(encoding="utf-8")
    # the synthetic codes added to the copied code lists are marked as such
    added = [r for r in rows(corpus / "reference/function-codes-2024/function-codes.csv")
             if r["name_zh"].startswith(("示例款", "示例项"))]
    assert added and all(r["name_en_status"] == "proposed" for r in added)


def test_generation_is_deterministic(tmp_path, corpus):
    again = generate(tmp_path / "again", 8, seed=SEED, years=YEARS)
    assert len(again) == 8
    first, second = tree(corpus), tree(tmp_path / "again")
    if json.loads(first[MANIFEST])["touched"]:
        pytest.fail("the shared corpus must not be touched; touch a copy")
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    other = tree(generate(tmp_path / "other", 8, seed=SEED + 1, years=YEARS)[0].parent.parent)
    datasets = [k for k in other if k.startswith("datasets/")]
    assert datasets and any(other[k] != first.get(k) for k in datasets)


def test_generation_never_writes_into_the_repository(repo_root):
    before = sorted(p.name for p in (repo_root / "datasets").iterdir())
    for target in (repo_root, repo_root / "datasets", repo_root / "datasets" / "synthetic", repo_root / "reference"):
        with pytest.raises(ValueError, match="refusing"):
            generate(target, 1)
    assert sorted(p.name for p in (repo_root / "datasets").iterdir()) == before


@pytest.mark.parametrize("folder", ["synthetic-dept-001-2024", "synthetic-dept-002-2023-unit-budget",
                                    "synthetic-dept-003-2023-final-accounts"])
def test_touch_one_changes_the_document_and_keeps_it_valid(tmp_path, corpus, run_cli, folder):
    copy = tmp_path / "touched"
    shutil.copytree(corpus, copy)
    before = tree(copy)
    changed = touch_one(copy, folder)
    after = tree(copy)
    differing = sorted(k for k in after if after[k] != before.get(k))
    assert any(k.startswith(f"datasets/{folder}/data/") and k.endswith(".csv") for k in differing)
    assert {k for k in differing if k.startswith("datasets/")} == {p.relative_to(copy).as_posix() for p in changed}
    assert all(k.startswith(f"datasets/{folder}/") or k == MANIFEST for k in differing)
    assert_clean_validation(run_cli, copy, copy / "datasets" / folder, datasets=1)
    touch_one(copy, folder)  # the second call moves the money back
    assert tree(copy / "datasets") == tree(corpus / "datasets")


def test_generated_documents_build(tmp_path, run_cli):
    root = tmp_path / "one-year"
    folders = generate(root, 4, seed=SEED, years=(2024,))  # one document of each template
    status, out, err = run_cli(root, "build", "--out", str(tmp_path / "site"))
    assert status == 0, f"{out}\n{err}"
    for folder in folders:
        assert (tmp_path / "site" / "zh" / folder.name / "index.html").is_file()
