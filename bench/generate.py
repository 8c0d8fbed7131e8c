"""Synthetic corpus generator: a complete project folder with many documents, for benchmarking the build.

    python bench/generate.py --out /tmp/corpus --budgets 100 [--seed 1] [--years 2023,2024]
    python bench/generate.py --out /tmp/corpus --change synthetic-dept-001-2024

Publishers take turns as bench/corpus/templates.toml [[plan]] lists them, each publishing one document per
template of its turn and year: Xiamen-like department budgets (万元, eleven tables, one project table per
project), a Shanghai-like department budget and its own unit's (元 with fen, the 三公 table in 万元), Shanghai-
like final accounts (万元): about 40%, 40% and 20% of the documents, in folders named as `build.py new` names
them. Tables, their ids, kinds, columns and schemas come from the catalogue (bench/document.py); amounts are
whole fen split bottom-up (bench/amounts.py), so validation reports no error and no warning. Every document
says it is fictitious. The same arguments give the same bytes. `--change` moves 100 units of the last printed
place between two items of one document, and back on the next call.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `python bench/generate.py` from a checkout
    sys.path.insert(0, str(REPO))

from bench import writer  # noqa: E402
from bench.amounts import Ledger, make_ledger, move, step_of  # noqa: E402
from bench.data import CATALOGUE, LAYOUT, shared_codes, spec_of  # noqa: E402
from bench.document import Doc, place  # noqa: E402
from bench.narrative import Story, context, rules  # noqa: E402
from bench.profile import Publisher, make_publisher  # noqa: E402
from bench.tables import build, erratum  # noqa: E402
from bench.writer import MANIFEST  # noqa: E402

FOLDER = re.compile(r"synthetic-dept-(\d+)-(\d{4})(?:-([a-z-]+))?")
Plan = list[tuple[int, list[tuple[int, str]]]]


def plan(budgets: int, years: tuple[int, ...]) -> Plan:
    """(publisher number, its (year, template) documents) until there are `budgets` documents."""
    out: Plan = []
    turns = [(turn["templates"], [[y] for y in years] if turn.get("one_year_each") else [list(years)])
             for turn in LAYOUT["plan"]]
    while budgets > 0:
        for templates, groups in turns:
            for group in groups:
                docs = [(year, template) for year in group for template in templates][:budgets]
                if docs:
                    out.append((len(out) + 1, docs))
                budgets -= len(docs)
    return out


def slug(publisher: str, year: int, document: str) -> str:
    """As `build.py new` names a dataset: a department budget `<id>-<year>`, another document with its kind."""
    return f"{publisher}-{year}" if document == "department-budget" else f"{publisher}-{year}-{document}"


def ledgers(seed: int, pub: Publisher, year: int, position: int, template: str) -> dict[str, Ledger]:
    """This year's money of a publisher: its own unit's, and its department's, which covers the unit's and
    the other units' (the sum of both). Amounts are multiples of the last place of the unit most tables are
    printed in; the 三公 figures of the largest unit any table is printed in (万元 in a template in 元)."""
    tpl = CATALOGUE.templates[template]
    main = Counter(t.unit for t in tpl.tables).most_common(1)[0][0]
    step, three = step_of(main, tpl.precision), max(step_of(t.unit, tpl.precision) for t in tpl.tables)
    total = round(pub.base * math.prod(pub.growth[: position + 1]) / pub.growth[0] * 10**6 / step) * step
    rng = random.Random(f"bench:{seed}:money:{pub.index}:{year}:{template}")
    carry = LAYOUT["carry"] if "fund_carry" in spec_of(template)["buckets"] else 0
    own = total * rng.randint(40, 70) // 100 // step * step
    unit, other = (make_ledger(rng, pub, part, step, three, carry) for part in (own, total - own))
    return {"unit": unit, "department": unit + other}


def document(seed: int, pub: Publisher, year: int, template: str, money: dict[str, Ledger],
             previous: dict[str, int], touched: int) -> tuple[str, dict[str, bytes], dict[str, int]]:
    """One document's folder name, files, and the figures its next year compares with."""
    tpl, spec = CATALOGUE.templates[template], spec_of(template)
    ledger = money["unit" if spec.get("by_unit") else "department"]
    doc = Doc(pub, tpl, spec, year, slug(pub.id, year, tpl.document), ledger,
              place(tpl, spec, [(p["name"], p["name_en"]) for p in pub.projects]))
    if touched % 2:
        move(ledger.function, 100 * doc.step())
    build(doc)
    rng = random.Random(f"bench:{seed}:document:{doc.slug}")
    errata = erratum(doc, rng) if (pub.index + year) % LAYOUT["errata"] == 0 else []
    ctx = context(doc)
    story = Story(doc, ctx, writer.source_head(doc, ctx), previous, rng)
    story.tell()
    return doc.slug, writer.document_files(doc, story, errata, rules(doc, ctx), ctx), story.metrics


def publisher_files(seed: int, index: int, width: int, docs: list[tuple[int, str]], years: tuple[int, ...],
                    touches: dict[str, int]) -> dict[str, dict[str, bytes]]:
    """Every document of one publisher, folder name -> files, in year order so each sees its previous year."""
    allowed = spec_of(docs[0][1])["buckets"]
    pub = make_publisher(seed, index, width, allowed, shared_codes(years), len(years))
    out: dict[str, dict[str, bytes]] = {}
    previous: dict[str, dict[str, int]] = {}
    for year in sorted({y for y, _ in docs}):
        templates = [t for y, t in docs if y == year]
        money = ledgers(seed, pub, year, years.index(year), templates[0])
        for template in templates:
            name = slug(pub.id, year, CATALOGUE.templates[template].document)
            folder, files, metrics = document(seed, pub, year, template, money, previous.get(template, {}),
                                              touches.get(name, 0))
            out[folder] = files
            previous[template] = metrics
    return out


def generate(out: Path, budgets: int, seed: int = 1, years: Iterable[int] = (2023, 2024)) -> list[Path]:
    """Create a complete project folder at `out` with `budgets` synthetic documents; returns their folders."""
    out = Path(out).resolve()
    years = tuple(sorted({int(y) for y in years}))
    if budgets < 1 or not years:
        raise ValueError("need at least one document and one year")
    writer.refuse_target(out)
    writer.write_project(out, years)
    publishers = plan(budgets, years)
    width = max(3, len(str(len(publishers))))
    folders = []
    for index, docs in publishers:
        for name, files in publisher_files(seed, index, width, docs, years, {}).items():
            writer.write_tree(out / "datasets" / name, files)
            folders.append(out / "datasets" / name)
    writer.write_manifest(out, {"generator": "bench/generate.py", "seed": seed, "budgets": budgets,
                                "years": list(years), "touched": {}})
    return folders


def touch_one(project: Path, folder: str) -> list[Path]:
    """Move 100 units of the last printed place between two items of one section of document `folder` (and back
    on the next call), consistently in every table and text. Returns the files that changed; the corpus still
    validates with no error and no warning."""
    project = Path(project).resolve()
    manifest = json.loads((project / MANIFEST).read_text(encoding="utf-8"))
    m = FOLDER.fullmatch(folder)
    if not m or not (project / "datasets" / folder).is_dir():
        raise ValueError(f"no generated document folder {folder!r} in {project}")
    years = tuple(manifest["years"])
    publishers = dict(plan(manifest["budgets"], years))
    touched = dict(manifest.get("touched", {}))
    touched[folder] = touched.get(folder, 0) + 1
    width = max(3, len(str(len(publishers))))
    files = publisher_files(manifest["seed"], int(m[1]), width, publishers[int(m[1])], years, touched)
    changed = writer.write_tree(project / "datasets" / folder, files[folder])
    manifest["touched"] = dict(sorted(touched.items()))
    writer.write_manifest(project, manifest)
    return changed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Generate a synthetic corpus of budgets and final accounts for "
                                "benchmarks (fictitious data).")
    p.add_argument("--out", type=Path, required=True, help="project folder to create (site.toml, datasets/, ...)")
    p.add_argument("--budgets", type=int, default=100, help="number of documents (default 100)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1); same seed, same bytes")
    p.add_argument("--years", default="2023,2024", help="comma-separated years; each publisher publishes every year")
    p.add_argument("--change", metavar="FOLDER", help="instead of generating: change one figure of one document "
                   "consistently (e.g. synthetic-dept-001-2024)")
    args = p.parse_args(argv)
    start = time.perf_counter()
    try:
        if args.change:
            changed = touch_one(args.out, args.change)
            print(f"changed {len(changed)} file(s) of {args.change} in {time.perf_counter() - start:.2f} s")
            return 0
        folders = generate(args.out, args.budgets, args.seed, [int(y) for y in args.years.split(",") if y.strip()])
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    files = [p for p in args.out.resolve().rglob("*") if p.is_file()]
    print(f"{len(folders)} documents, {len(files)} files, {sum(p.stat().st_size for p in files):,} bytes written to "
          f"{args.out} in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
