"""The corpus-wide amounts table (budgetsite/corpus.py): every published amount in one long table, as a
Frictionless data package (CSV), for the whole corpus and per region.

Expected values are read from datasets/ (datapackage.json, schemas, CSV) with the standard library, not from
budgetsite, so a bug in the build cannot also hide itself in the expectation. The first tests need no site
build (they call corpus.py on the real datasets); the rest read the session's `built_site`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import posixpath
import re
import shutil
import subprocess
import sys
import zlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, XIAMEN, build_into, copy_project

from budgetsite import corpus, urls
from budgetsite.catalogue import load_catalogue
from budgetsite.load import load_budget
from budgetsite.paths import discover

DATASETS = REPO / "datasets"
FACTOR = {"元": Decimal(1), "万元": Decimal(10000)}
COMMERCE = "putuo-commerce-commission-2025-unit-budget"


# --- independent expectations, from the dataset files ----------------------------------------------------

def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def expected_cells() -> dict[tuple[str, str, int, str], tuple[str, str]]:
    """(dataset, resource, row position, column) -> (the CSV's text, unit) for every non-blank amount cell of
    every table resource (those `x_tables` names), an amount being a column whose schema gives an `x_unit`."""
    cells = {}
    for folder in sorted(p for p in DATASETS.iterdir() if (p / "datapackage.json").is_file()):
        package = read_json(folder / "datapackage.json")
        entries = {r["name"]: r for r in package["resources"]}
        for table in package["x_tables"]:
            for name in table["resources"]:
                units = {f["name"]: f["x_unit"] for f in read_json(folder / entries[name]["schema"])["fields"]
                         if f.get("x_unit")}
                text = (folder / entries[name]["path"]).read_text(encoding="utf-8")
                for position, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=1):
                    for column, unit in units.items():
                        if row[column] != "":
                            cells[(folder.name, name, position, column)] = (row[column], unit)
    return cells


def regions() -> dict[str, str]:
    """dataset -> its region id."""
    return {p.name: read_json(p / "datapackage.json")["x_budget"]["region_id"]
            for p in sorted(DATASETS.iterdir()) if (p / "datapackage.json").is_file()}


def read_rows(compressed: bytes) -> list[dict[str, str]]:
    data = gzip.decompress(compressed)
    assert not data.startswith(b"\xef\xbb\xbf"), "the package's CSV has no BOM"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def key(row: dict[str, str]) -> tuple[str, str, int, str]:
    return row["dataset"], row["resource"], int(row["row"]), row["column"]


def frictionless(descriptor: Path) -> subprocess.CompletedProcess[str]:
    """The plain `frictionless validate` command line of the venv."""
    script = Path(sys.executable).parent / "frictionless"
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "frictionless"]
    return subprocess.run([*command, "validate", descriptor.name], cwd=descriptor.parent, capture_output=True,
                          text=True, timeout=300, check=False)


# --- corpus.py on the real datasets, without a site build -------------------------------------------------

@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue((REPO / "reference").resolve())


@pytest.fixture(scope="module")
def files(catalogue) -> dict[str, bytes]:
    def budgets():
        for folder in discover(DATASETS):
            budget, findings = load_budget(folder, catalogue)
            assert budget is not None, [f.format() for f in findings if f.severity == "error"]
            yield budget

    out = corpus.corpus_files((corpus.budget_part(b, catalogue) for b in budgets()), catalogue, 1700000000)
    assert len({path for path, _ in out}) == len(out)
    return dict(out)


@pytest.mark.parametrize(("printed", "unit", "yuan"), [
    ("37151.4655", "万元", "371514655"), ("371514655.00", "元", "371514655"), ("2759.64", "万元", "27596400"),
    ("0.00", "元", "0"), ("0.01", "元", "0.01"), ("12.5", "万元", "125000"), ("-3.07", "万元", "-30700"),
    ("123456789012345678901234567890.1234", "万元", "1234567890123456789012345678901234"),
])
def test_conversion_to_yuan_is_exact_and_never_an_exponent(printed, unit, yuan):
    assert corpus.in_yuan(printed, unit) == yuan


def test_every_non_blank_amount_cell_is_one_row(files):
    expected = expected_cells()
    rows = read_rows(files[urls.corpus_csv()])
    keys = [key(r) for r in rows]
    assert len(keys) == len(set(keys)), "the primary key (dataset, resource, row, column) is unique"
    assert set(keys) == set(expected)
    assert len(rows) == len(expected)
    for r in rows:
        printed, unit = expected[key(r)]
        assert (r["amount_as_printed"], r["unit"]) == (printed, unit), key(r)
        assert "E" not in r["amount_yuan"].upper()
        assert Decimal(r["amount_yuan"]) == Decimal(printed) * FACTOR[unit], key(r)


def test_rows_per_dataset_and_region(files):
    expected = Counter(k[0] for k in expected_cells())
    rows = read_rows(files[urls.corpus_csv()])
    assert Counter(r["dataset"] for r in rows) == expected
    assert len(expected) == len(regions()), "every dataset has amounts"
    region_of = regions()
    for region_id in sorted(set(region_of.values())):
        part = read_rows(files[urls.corpus_csv(region_id)])
        assert {r["region_id"] for r in part} == {region_id}
        assert Counter(r["dataset"] for r in part) == {d: n for d, n in expected.items() if region_of[d] == region_id}
        assert part == [r for r in rows if r["region_id"] == region_id], "same rows, same order as the whole"


def test_rows_come_in_printed_order(files):
    rows = read_rows(files[urls.corpus_csv()])
    datasets = [r["dataset"] for r in rows]
    assert datasets == sorted(datasets)
    order = {}
    for slug in set(datasets):
        package = read_json(DATASETS / slug / "datapackage.json")
        names = [n for t in package["x_tables"] for n in t["resources"]]
        order[slug] = {n: i for i, n in enumerate(names)}
    positions = [(r["dataset"], order[r["dataset"]][r["resource"]], int(r["row"])) for r in rows]
    assert positions == sorted(positions)


def test_a_wan_yuan_and_a_yuan_cell_by_hand(files):
    rows = {key(r): r for r in read_rows(files[urls.corpus_csv()])}
    # Xiamen, table 一 (万元): 一、一般公共预算拨款收入 2759.64 万元 is 27,596,400 元
    xiamen = rows[(XIAMEN, "t01", 1, "amount")]
    assert (xiamen["amount_as_printed"], xiamen["unit"], xiamen["amount_yuan"]) == ("2759.64", "万元", "27596400")
    assert (xiamen["publisher"], xiamen["region"], xiamen["year"], xiamen["document"]) == (
        "厦门市住房公积金中心", "厦门市", "2024", "department-budget")
    assert (xiamen["table_kind"], xiamen["table_number"], xiamen["row_name"]) == (
        "budget-overview", "一", "一、一般公共预算拨款收入")
    # Putuo commerce commission, table 1 (元): 一、财政拨款收入 371514655.00 元, as printed
    putuo = rows[(COMMERCE, "t01", 1, "amount")]
    assert (putuo["amount_as_printed"], putuo["unit"], putuo["amount_yuan"]) == ("371514655.00", "元", "371514655")
    assert (putuo["publisher"], putuo["region_id"], putuo["table_number"]) == ("上海市普陀区商务委员会",
                                                                              "shanghai-putuo", "1")
    # its 三公 table is printed in 万元 inside a document in 元
    three = [r for r in rows.values() if r["dataset"] == COMMERCE and r["table_kind"] == "three-public-expenses"]
    assert three and {r["unit"] for r in three} == {"万元"}
    assert all(Decimal(r["amount_yuan"]) == Decimal(r["amount_as_printed"]) * 10000 for r in three)


def test_sum_per_dataset_equals_the_datasets_own_cells(files):
    """The corpus's sum in yuan per dataset equals that dataset's amounts summed from its CSVs."""
    totals: Counter[str] = Counter()
    for (slug, *_), (printed, unit) in expected_cells().items():
        totals[slug] += Decimal(printed) * FACTOR[unit]
    got: Counter[str] = Counter()
    for r in read_rows(files[urls.corpus_csv()]):
        got[r["dataset"]] += Decimal(r["amount_yuan"])
    assert got == totals


def test_row_codes_and_names_are_as_in_the_dataset(files):
    rows = read_rows(files[urls.corpus_csv()])
    sources: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows:
        if (r["dataset"], r["resource"]) not in sources:
            package = read_json(DATASETS / r["dataset"] / "datapackage.json")
            entry = next(e for e in package["resources"] if e["name"] == r["resource"])
            text = (DATASETS / r["dataset"] / entry["path"]).read_text(encoding="utf-8")
            sources[(r["dataset"], r["resource"])] = list(csv.DictReader(io.StringIO(text, newline="")))
        line = sources[(r["dataset"], r["resource"])][int(r["row"]) - 1]
        assert r["row_code"] == line.get("code", "") or (not line.get("code") and r["row_code"] ==
                                                          line.get("function_code", "")), key(r)
        assert r["side"] == line.get("side", "")
        if line.get("name"):
            assert r["row_name"] == line["name"]
        elif line.get("label"):
            assert r["row_name"] == line["label"]
    coded = [r for r in rows if r["table_kind"] == "expenditure-budget"]
    assert coded and any(r["row_code"] for r in coded) and any(not r["row_code"] for r in coded), \
        "coded tables: codes where printed, empty on the total row"


def test_files_are_deterministic_and_at_their_stable_paths(files, catalogue):
    region_ids = sorted(set(regions().values()))
    assert set(files) == {f(r) for r in [None, *region_ids] for f in (urls.corpus_package, urls.corpus_csv)}
    assert urls.corpus_csv() == "data/all/amounts.csv.gz"
    assert urls.corpus_package("xiamen") == "data/regions/xiamen/datapackage.json"
    parts = [corpus.budget_part(load_budget(f, catalogue)[0], catalogue) for f in discover(DATASETS)]
    again = corpus.corpus_files(reversed(parts), catalogue, 1700000000)
    assert dict(again) == files, "input order does not change a byte"


def gzip_members(data: bytes) -> list[bytes]:
    """The decompressed bytes of each member of a gzip file, in order."""
    members = []
    while data:
        inflater = zlib.decompressobj(wbits=31)
        members.append(inflater.decompress(data) + inflater.flush())
        data = inflater.unused_data
    return members


def test_the_amounts_file_is_a_gzip_member_per_document_and_reads_as_one(files):
    data = files[urls.corpus_csv()]
    members = gzip_members(data)
    documents = json.loads(files[urls.corpus_package()])["x_datasets"]
    assert len(members) == 1 + len(documents) > 2, "the header's member, then one per document"
    assert members[0] == corpus.HEADER
    rows = read_rows(data)
    for member, document in zip(members[1:], documents, strict=True):
        lines = member.decode("utf-8").splitlines()
        assert len(lines) == document["rows"] and all(line.startswith(f"{document['name']},") for line in lines)
    assert len(rows) == sum(d["rows"] for d in documents)
    done = subprocess.run(["gzip", "-dc"], input=data, capture_output=True, check=True)  # the command line tool
    assert done.stdout == b"".join(members)


def test_corpus_folders_cannot_be_dataset_folders():
    assert {urls.CORPUS_ALL, urls.CORPUS_REGIONS} == set(urls.RESERVED_DATA_NAMES)
    assert not {p.name for p in DATASETS.iterdir()} & set(urls.RESERVED_DATA_NAMES)
    for region_id in (None, "xiamen"):
        first = urls.corpus_dir(region_id).split("/")[1]
        assert first in urls.RESERVED_DATA_NAMES


def test_descriptor_has_a_typed_bilingual_schema(files):
    descriptor = json.loads(files[urls.corpus_package()])
    (resource,) = descriptor["resources"]
    assert resource["path"] == "amounts.csv.gz" and resource["compression"] == "gz"
    assert resource["bytes"] == len(files[urls.corpus_csv()]), "bytes: the size of the file as served"
    schema = resource["schema"]
    types = {f["name"]: f["type"] for f in schema["fields"]}
    assert list(types) == next(csv.reader(io.StringIO(gzip.decompress(files[urls.corpus_csv()]).decode("utf-8"))))
    assert (types["year"], types["row"], types["amount_as_printed"], types["amount_yuan"]) == (
        "integer", "integer", "string", "number")
    assert schema["primaryKey"] == ["dataset", "resource", "row", "column"]
    for f in schema["fields"]:
        assert re.search(r"[\u4e00-\u9fff]", f["title"]), f["name"]
        assert f["x_i18n"]["en"]["title"] and f["x_i18n"]["en"]["description"], f["name"]
    names = [s["name"] for s in descriptor["x_datasets"]]
    assert names == sorted(regions())
    for s in descriptor["sources"]:  # each source resolves to that dataset's published data package
        target = posixpath.normpath(posixpath.join(urls.corpus_dir(), s["path"]))
        assert target in {urls.datapackage(n) for n in names}


def test_frictionless_validates_the_package_and_catches_a_bad_copy(files, tmp_path):
    for region_id in (None, "xiamen"):
        folder = tmp_path / (region_id or "all")
        folder.mkdir()
        for path, data in files.items():
            if path.startswith(urls.corpus_dir(region_id)):
                (folder / posixpath.basename(path)).write_bytes(data)
        done = frictionless(folder / "datapackage.json")
        assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "xiamen" / "amounts.csv.gz"
    text = gzip.decompress(bad.read_bytes()).decode("utf-8").splitlines()
    text[1] = text[1].rsplit(",", 1)[0] + ",27,596,400"  # a thousands separator: not a number, and a column more
    bad.write_bytes(gzip.compress(("\n".join(text) + "\n").encode("utf-8"), mtime=0))
    assert frictionless(tmp_path / "xiamen" / "datapackage.json").returncode != 0


# --- the built site -------------------------------------------------------------------------------------------

def test_built_packages_validate_with_the_frictionless_cli(built_site):
    for region_id in (None, "shanghai-putuo", "xiamen"):
        done = frictionless(built_site / urls.corpus_package(region_id))
        assert done.returncode == 0, f"{urls.corpus_package(region_id)}:\n{done.stdout}\n{done.stderr}"


def test_built_csv_has_one_row_per_amount_cell(built_site):
    expected = expected_cells()
    rows = read_rows((built_site / urls.corpus_csv()).read_bytes())
    assert len(rows) == len(expected)
    assert {key(r): (r["amount_as_printed"], r["unit"]) for r in rows} == expected
    region_of = regions()
    for region_id in sorted(set(region_of.values())):
        part = read_rows((built_site / urls.corpus_csv(region_id)).read_bytes())
        assert len(part) == sum(1 for k in expected if region_of[k[0]] == region_id)


def test_catalog_lists_the_corpus(built_site):
    catalog = json.loads((built_site / urls.CATALOG).read_text(encoding="utf-8"))
    by_id = {d["dct:identifier"]: d for d in catalog["dcat:dataset"]}
    for region_id in (None, *sorted(set(regions().values()))):
        entry = by_id["budget-amounts" + (f"-{region_id}" if region_id else "")]
        downloads = {d["dcat:downloadURL"]["@id"]: d["dcat:mediaType"] for d in entry["dcat:distribution"]}
        site = "https://example.org/budget/"
        assert downloads == {site + urls.corpus_package(region_id): "application/json",
                             site + urls.corpus_csv(region_id): "text/csv"}
        compressed = [d for d in entry["dcat:distribution"] if "dcat:compressFormat" in d]
        assert [d["dcat:compressFormat"] for d in compressed] == ["application/gzip"]
        for url in downloads:
            assert (built_site / url.removeprefix(site)).is_file(), url


@pytest.mark.parametrize("lang", urls.LANGS)
def test_data_page_links_to_every_corpus_file(built_site, lang):
    page = urls.data_access(lang)
    html = (built_site / urls.file_of(page)).read_text(encoding="utf-8")
    section = html[html.index('id="corpus"'):html.index('id="datasets"')]
    hrefs = set(re.findall(r'href="([^"]+)"', section))
    for region_id in (None, *sorted(set(regions().values()))):
        for path in (urls.corpus_package(region_id), urls.corpus_csv(region_id)):
            assert urls.relative(page, path) in hrefs, f"{page} does not link to {path}"
            assert (built_site / path).is_file()
        assert f"https://example.org/budget/{urls.corpus_dir(region_id)}" in section, "the stable address"


def test_a_dataset_named_like_a_corpus_folder_stops_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    shutil.move(project / "datasets" / XIAMEN, project / "datasets" / urls.CORPUS_ALL)
    descriptor = project / "datasets" / urls.CORPUS_ALL / "datapackage.json"
    data = read_json(descriptor)
    data["name"] = urls.CORPUS_ALL
    descriptor.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    status, stdout, stderr = build_into(project, tmp_path / "site")
    assert status != 0
    assert "reserved" in stderr and not (tmp_path / "site").exists(), stdout + stderr
