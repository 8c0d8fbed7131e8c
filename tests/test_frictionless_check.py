"""budgetsite/frictionless_check.py against frictionless' own `validate()`: the same errors at the same places,
for broken copies of the real dataset, in whichever order packages sharing one cached Schema are checked."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pytest
from conftest import XIAMEN, copy_project

from budgetsite.frictionless_check import frictionless_descriptor, frictionless_findings


def edit(folder: Path, rel: str, old: str, new: str) -> None:
    path = folder / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BREAKS = {
    "not-a-number": ("data/t06.csv", "2,301,工资福利支出,1978.30", "2,301,工资福利支出,19七8.30"),
    "duplicate-key": ("data/t06.csv", "3,30101,基本工资", "2,30101,基本工资"),
    "unknown-code": ("data/t05.csv", "2,208,社会保障和就业支出", "2,299,社会保障和就业支出"),
    "missing-column": ("data/t06.csv", "row,code,name,total,personnel,public", "row,code,name,total,personnel,pub"),
}


def places(findings) -> set[tuple[str, str, int | None, str]]:
    return {(f.rule.removeprefix("frictionless:"), f.file, f.line, f.column) for f in findings}


def library_places(folder: Path) -> set[tuple[str, str, int | None, str]]:
    """What `frictionless.validate()` reports for the same descriptor, as (type, file, line, column)."""
    report = frictionless.validate(frictionless_descriptor(folder), basepath=str(folder))
    out = set()
    for task in report.tasks:
        for e in task.errors:
            column = getattr(e, "field_name", "") or ",".join(getattr(e, "field_names", None) or [])
            out.add((e.type, task.place, getattr(e, "row_number", None), column))
    return out


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    out = {"valid": copy_project(tmp_path_factory.mktemp("valid")) / "datasets" / XIAMEN}
    for name, (rel, old, new) in BREAKS.items():
        folder = copy_project(tmp_path_factory.mktemp(name)) / "datasets" / XIAMEN
        edit(folder, rel, old, new)
        out[name] = folder
    return out


def test_the_real_dataset_has_no_frictionless_error(folders):
    assert frictionless_findings(folders["valid"], XIAMEN) == []


@pytest.mark.parametrize("name", list(BREAKS))
def test_same_errors_as_frictionless_validate(folders, name):
    ours = frictionless_findings(folders[name], XIAMEN)
    assert ours, f"{name}: nothing found"
    assert places(ours) == library_places(folders[name])
    rel = BREAKS[name][0]
    assert all(f.file == rel and f.table == Path(rel).stem for f in ours), [f.format() for f in ours]


def test_cached_schemas_carry_nothing_from_one_package_to_the_next(folders):
    order = ["valid", *BREAKS, "valid", *reversed(BREAKS)]
    first: dict[str, list] = {}
    for name in order:
        found = frictionless_findings(folders[name], XIAMEN)
        assert first.setdefault(name, found) == found, name


def test_a_descriptor_frictionless_rejects_is_one_finding_on_the_descriptor(tmp_path):
    folder = copy_project(tmp_path) / "datasets" / XIAMEN
    path = folder / "schemas" / "t06.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][3]["type"] = "money"
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    (found,) = frictionless_findings(folder, XIAMEN)
    assert found.file == "datapackage.json" and found.severity == "error"
    assert 'field type "money" is not supported' in found.message, found.message


def test_a_package_property_frictionless_rejects_is_reported(tmp_path):
    folder = copy_project(tmp_path) / "datasets" / XIAMEN
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["licenses"] = [{"title": 5}]
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    found = frictionless_findings(folder, XIAMEN)
    assert found and all(f.file == "datapackage.json" for f in found), [f.format() for f in found]
    assert any("licenses" in f.message for f in found), [f.message for f in found]
