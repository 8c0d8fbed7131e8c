"""Add the classification codes the published datasets print to the reference code lists of their year.

    python scripts/codelists.py [--english names.csv] [--check]

For every dataset in datasets/, every code its coded tables print (科目编码 with 科目名称, and the class names of
two-sided tables) goes into reference/<function|economic>-codes-<year>/ with its name as printed and where it
was printed (`name_zh_source`: dataset, table and pages). Rows already in a list are kept as they are; a code
printed under a name that differs from its list row (beyond full- and half-width brackets) is reported. A new
row needs an English name: from --english (a CSV of code,name_en, proposed by whoever runs this), else from the
same code with the same Chinese name in another year's list; without one the script stops and lists them.

--check changes nothing and exits 1 if a list would change (the test suite runs it).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from budgetsite.catalogue import Catalogue, load_catalogue  # noqa: E402
from budgetsite.importer.cells import strip_numbering  # noqa: E402
from budgetsite.rules import same_name  # noqa: E402

COLUMNS = ("code", "name_zh", "name_zh_source", "name_en", "name_en_status", "name_en_source")
LISTS = {"function": "function-codes", "economic": "economic-codes"}
TITLES = {
    "function": ("{year}年政府收支分类科目：支出功能分类（本站所用科目）",
                 "{year} Government Revenue and Expenditure Classification: functional classification of "
                 "expenditure (codes used on this site)",
                 "支出功能分类科目：类（3位）、款（5位）、项（7位）。中文名称按公开文本所印"
                 "（name_zh_source 注明出处）；英文名称标明为官方译名（附来源）或本站建议译名。",
                 "Functional classification of expenditure: class (3 digits), section (5 digits), item (7 digits). "
                 "Chinese names as printed in the published documents (name_zh_source says where); each English "
                 "name is marked official (with its source) or proposed by this site."),
    "economic": ("{year}年部门预算支出经济分类科目（本站所用科目）",
                 "{year} departmental economic classification of expenditure (codes used on this site)",
                 "部门预算支出经济分类科目：类（3位）、款（5位）。中文名称按公开文本所印"
                 "（name_zh_source 注明出处）；英文名称均为本站建议译名。",
                 "Departmental economic classification of expenditure: class (3 digits), section (5 digits). "
                 "Chinese names as printed in the published documents (name_zh_source says where); all English "
                 "names are proposed by this site."),
}


@dataclass(frozen=True)
class Printed:
    code: str
    name: str
    source: str


def printed_codes(datasets: Path, catalogue: Catalogue) -> dict[tuple[str, int], list[Printed]]:
    """(classification, year) -> the codes printed, in dataset and table order."""
    out: dict[tuple[str, int], list[Printed]] = {}
    for folder in sorted(p for p in datasets.iterdir() if (p / "datapackage.json").is_file()):
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        year = descriptor["x_budget"]["year"]
        paths = {r["name"]: r["path"] for r in descriptor["resources"]}
        for table in descriptor["x_tables"]:
            kind = catalogue.kind(table["kind"])
            pages = table.get("source", {}).get("lines", [])
            where = f"{folder.name} {table['id']}"
            if descriptor.get("x_source", {}).get("file", "").endswith(".pdf") and pages:
                where += f" (p. {pages[0]})" if pages[0] == pages[1] else f" (p. {pages[0]}-{pages[1]})"
            for part, resource in zip(kind.parts, table["resources"], strict=True):
                for column in (c for c in part.columns if c.codes):
                    with (folder / paths[resource]).open(encoding="utf-8", newline="") as f:
                        for row in csv.DictReader(f):
                            code = row.get(column.name, "")
                            name = row.get("name") or strip_numbering(row.get("label", ""))
                            if code and name:
                                out.setdefault((column.codes, year), []).append(Printed(code, name, where))
    return out


def read_list(folder: Path, stem: str) -> dict[str, dict[str, str]]:
    path = folder / f"{stem}.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {r["code"]: {c: r.get(c, "") for c in COLUMNS} for r in csv.DictReader(f)}


def csv_text(rows: dict[str, dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # as every CSV of the project
    writer.writerow(COLUMNS)
    for code in sorted(rows):
        writer.writerow([rows[code][c] for c in COLUMNS])
    return out.getvalue()


def descriptor(classification: str, year: int, stem: str) -> str:
    title, title_en, description, description_en = (t.format(year=year) for t in TITLES[classification])
    d = {"name": f"{stem}-{year}", "title": title, "description": description, "version": f"{year}.1",
         "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                       "title": "Creative Commons Attribution 4.0"}],
         "x_i18n": {"en": {"title": title_en, "description": description_en}},
         "resources": [{"name": stem, "path": f"{stem}.csv", "profile": "tabular-data-resource", "format": "csv",
                        "mediatype": "text/csv", "encoding": "utf-8", "schema": "schema.json", "title": title,
                        "x_i18n": {"en": {"title": title_en}}}]}
    return json.dumps(d, ensure_ascii=False, indent=2) + "\n"


def refresh_code_tables(datasets: Path, reference: Path, schema: str, check: bool) -> list[str]:
    """Each dataset's code tables are copies of its reference lists' rows for the codes it lists: rewritten
    from the lists (and its codes schema from the catalogue's) where they differ."""
    changed = []
    for folder in sorted(p for p in datasets.iterdir() if (p / "datapackage.json").is_file()):
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        paths = {r["name"]: (r["path"], r["schema"]) for r in descriptor["resources"]}
        for resource, listname in sorted(descriptor["x_budget"].get("codelists", {}).items()):
            if resource not in paths:
                continue
            stem = listname.rsplit("-", 1)[0]
            rows = read_list(reference / listname, stem)
            data, schema_path = (folder / paths[resource][0], folder / paths[resource][1])
            with data.open(encoding="utf-8", newline="") as f:
                codes = [r["code"] for r in csv.DictReader(f)]
            text = csv_text({c: rows[c] for c in codes if c in rows})
            for path, new in ((data, text), (schema_path, schema)):
                if path.read_bytes().decode("utf-8") != new:
                    changed.append(str(path.relative_to(REPO)))
                    if not check:
                        path.write_bytes(new.encode("utf-8"))
    return changed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--english", type=Path, help="CSV of code,name_en for codes no list has yet")
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if a list would change")
    args = ap.parse_args()
    reference = REPO / "reference"
    catalogue = load_catalogue(reference)
    english: dict[str, str] = {}
    if args.english:
        with args.english.open(encoding="utf-8", newline="") as f:
            english = {r["code"]: r["name_en"] for r in csv.DictReader(f)}
    schema = (reference / "catalogue" / "support" / "codes.json").read_text(encoding="utf-8")
    changed, missing, status = [], [], 0
    for (classification, year), printed in sorted(printed_codes(REPO / "datasets", catalogue).items()):
        stem = LISTS[classification]
        folder = reference / f"{stem}-{year}"
        rows = read_list(folder, stem)
        others = {code: row for p in sorted(reference.glob(f"{stem}-*")) if p != folder
                  for code, row in read_list(p, stem).items()}
        for p in printed:
            row = rows.get(p.code)
            if row is not None:
                if same_name(row["name_zh"], p.name) and not row["name_zh_source"]:
                    row["name_zh_source"] = p.source
                elif not same_name(row["name_zh"], p.name):
                    print(f"{folder.name}: code {p.code} is printed as {p.name!r} in {p.source}, the list has "
                          f"{row['name_zh']!r} ({row['name_zh_source'] or 'no source'})")
                continue
            other = others.get(p.code)
            name_en = english.get(p.code) or (other["name_en"] if other and same_name(other["name_zh"], p.name)
                                              else "")
            if not name_en:
                missing.append(f"{classification} {p.code} {p.name} ({p.source})")
                continue
            rows[p.code] = {"code": p.code, "name_zh": p.name, "name_zh_source": p.source, "name_en": name_en,
                            "name_en_status": "proposed", "name_en_source": ""}
        files = {folder / f"{stem}.csv": csv_text(rows), folder / "schema.json": schema,
                 folder / "datapackage.json": descriptor(classification, year, stem)}
        for path, text in files.items():
            if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
                changed.append(str(path.relative_to(REPO)))
                if not args.check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(text.encode("utf-8"))
    changed += refresh_code_tables(REPO / "datasets", reference, schema, args.check)
    if missing:
        print("no English name for (give them with --english):\n  " + "\n  ".join(dict.fromkeys(missing)))
        status = 1
    if changed:
        print(("would change: " if args.check else "wrote: ") + ", ".join(changed))
        status = 1 if args.check else status
    return status


if __name__ == "__main__":
    raise SystemExit(main())
