"""The rows of every table of a document, from its money, by the layout its kind has in the catalogue.

A coded table prints each code's sums (templates.toml [measures]: the buckets each column adds up), a 收/支
table the rows its template prints (templates.toml [sides]), a rows table its one row, a table of two column
groups one list per side, and the performance forms follow the publisher's projects and tasks. Every printed
figure is a sum of the same integer parts, so every sum and identity holds exactly. Amounts stay in fen
here; the writer prints them in each table's unit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from bench.amounts import Money, rollup
from bench.data import LAYOUT, WORDS, buckets, cn
from bench.document import Doc, Placed, Row
from budgetsite.catalogue import CLASSIFICATIONS

FUNCTION = CLASSIFICATIONS["function"][2]


def measured(money: Money, measures: dict[str, Any], columns: tuple[str, ...]) -> dict[str, int]:
    """The printed columns' sums of the buckets each adds up."""
    return {c: sum(money.get(b, 0) for b in buckets(m)) for c, m in measures.items() if c in columns}


def coded(doc: Doc, table: Placed) -> None:
    """One row per code with money in a printed column, in tree order, under the total row."""
    resource, _, columns = table.parts[0]
    codes = CLASSIFICATIONS[table.kind.classification][2]
    leaves = doc.ledger.function if codes == FUNCTION else doc.ledger.economic
    rows: list[Row] = []
    for code, money in rollup(leaves).items():
        cells = measured(money, LAYOUT["measures"].get(table.kind.id, {}), columns)
        if not code or any(cells.values()):
            name = doc.codes.name(codes, code)[0] if code else doc.text(doc.spec["total_label"])
            rows.append({"row": len(rows) + 1, "code": code, "name": name, **cells})
    table.rows[resource] = rows


def pairs(doc: Doc, table: Placed) -> None:
    """Two column groups side by side (the kind's sides: personnel | public), each with its codes and its
    total; stored long. A side's amount is the bucket of its name."""
    resource, part, _ = table.parts[0]
    codes, rows = CLASSIFICATIONS[table.kind.classification][2], []
    for side in part.column("side").constraints["enum"]:
        rolled = rollup({c: m for c, m in doc.ledger.economic.items() if m.get(side)})
        for n, code in enumerate([*(c for c in rolled if c), ""], start=1):
            name = doc.codes.name(codes, code)[0] if code else doc.text(LAYOUT["pairs"][table.kind.id][side])
            rows.append({"side": side, "row": n, "code": code, "name": name, "amount": rolled[code].get(side, 0)})
    table.rows[resource] = rows


def two_sided(doc: Doc, table: Placed) -> None:
    """收 and 支 side by side, as the template prints them; a row with `classes` is one row per function class
    (all the code lists have, or those with money in the row's columns)."""
    resource, part, columns = table.parts[0]
    rolled, rows = rollup(doc.ledger.function), []
    for side in part.column("side").constraints["enum"]:
        n = 0
        for spec in doc.spec["sides"][table.kind.id][side]:
            values = spec.get("values") or ({"amount": spec["amount"]} if "amount" in spec else {})
            for code in doc.codes.children(FUNCTION, "") if "classes" in spec else [""]:
                cells = measured(rolled.get(code, {}), values, columns)
                if code and spec["classes"] == "used" and not any(cells.values()):
                    continue
                n += 1
                name = doc.codes.name(FUNCTION, code) if code else ("", "")
                label = [t.format(cn=cn(n), n=n, name=name[0], name_en=name[1]) for t in spec["label"]]
                rows.append({"side": side, "row": n, "label": doc.text(label), "level": spec.get("level", 1),
                             "kind": spec.get("kind", "item"), "function_code": code, **cells})
    table.rows[resource] = rows


def one_row(doc: Doc, table: Placed) -> None:
    """The one row of a rows table (三公): its figures, or the text it prints without figures."""
    resource, _, columns = table.parts[0]
    fixed = {c: doc.text(v) for c, v in LAYOUT["fixed"].get(table.kind.id, {}).items() if c in columns}
    table.rows[resource] = [{"row": 1, **fixed, **measured(doc.ledger.row, LAYOUT["measures"].get(table.kind.id, {}),
                                                            columns)}]


def plan(doc: Doc, quarters: list[int] | None) -> Row:
    """A form's spending plan: by quarter where the project has one, else as the contract says."""
    if not quarters:
        return {"plan": doc.text(WORDS["contract_plan"])}
    q = dict(zip(("q1", "q2", "q3", "q4"), quarters, strict=True))
    return {"plan": doc.text([t.format(**q) for t in WORDS["quarter_plan"]]), **q}


def overall(doc: Doc, table: Placed) -> None:
    """The department-wide form: funding by category (staff, operating, each project category), the annual
    tasks with the second-level projects and money of each, and the tasks' indicators."""
    ledger, projects, cats = doc.ledger, doc.publisher.projects, WORDS["categories"]
    staff, operating = ledger.total(["pers"]), ledger.total(["pub"])
    money = {cats[0][0]: [staff + ledger.basic_nonfiscal[0], staff, [25] * 4],
             cats[1][0]: [operating + ledger.basic_nonfiscal[1], operating, [25] * 4]}
    for p, m in zip(projects, ledger.projects, strict=True):
        slot = money.setdefault(p["category"], [0, 0, p["quarters"]])
        slot[0], slot[1] = slot[0] + m.fiscal + m.nonfiscal, slot[1] + m.fiscal
    funding = [{"row": i, "category": doc.text(c), "kind": "item", **({"total": money[c[0]][0], "fiscal": money[
        c[0]][1], **plan(doc, money[c[0]][2])} if c[0] in money else {})} for i, c in enumerate(cats, start=1)]
    funding.append({"row": len(cats) + 1, "category": doc.text(WORDS["total_row"]), "kind": "total",
                    "total": ledger.total(buckets("all")), "fiscal": ledger.total(buckets("fiscal"))})
    subs = [(s, a) for p, m in zip(projects, ledger.projects, strict=True) for s, a in zip(p["sub_list"], m.subs,
                                                                                          strict=True)]
    tasks, links, indicators = [], [], []
    for k, task in enumerate(doc.publisher.tasks, start=1):
        own = [(s, a) for s, a in subs if s["task"] == k - 1]
        listing = [sep.join(WORDS["task_listing"][i].format(**s, money=doc.money(a)[i]) for s, a in own)
                   for i, sep in enumerate(("，", "; "))]
        tasks.append({"task": k, "description": doc.text(task["text"]), "projects": doc.text(listing),
                      "fiscal_amount": sum(a for _, a in own)})
        links += [{"task": k, "project_name": doc.text([s["name"], s["name_en"]]), "amount": a} for s, a in own]
        indicators += [{"row": len(indicators) + j, "task": k, "indicator": doc.text(name), "direction": doc.text(
            WORDS["directions"][op]), "operator": op, "target": doc.text([str(v)] * 2), "value": v, "unit": doc.text(
            unit)} for j, ((_, _, name, op, _, unit), v) in enumerate(task["indicators"], start=1)]
    table.rows = dict(zip((r for r, _, _ in table.parts), (funding, tasks, links, indicators), strict=True))


def project(doc: Doc, table: Placed) -> None:
    """One project's form: its money, goal, scope and plan, and its indicators."""
    p, m = doc.publisher.projects[table.project], doc.ledger.projects[table.project]
    words = {**p, "theme": doc.publisher.theme[0], "theme_en": doc.publisher.theme[1]}
    row = {"project_name": doc.text([p["name"], p["name_en"]]), "period": doc.text([p["period"], p["period_en"]]),
           "implementer": doc.text(doc.name), "supervisor": doc.text(doc.name), "budget": m.fiscal + m.nonfiscal,
           "fiscal": m.fiscal, "goal": doc.text([t.format_map(words) for t in WORDS["goal"]]),
           "scope": doc.text([t.format_map(words) for t in WORDS["scope"]]), **plan(doc, p["quarters"])}
    indicators = []
    for (l1, l2, l3, op, _, unit), v in p["indicators"]:
        space = "" if unit[1] == "%" else " "
        target = [f"{WORDS['symbols'][op]}{v}{unit[0]}", f"{WORDS['symbols'][op]}{v}{space}{unit[1]}"] if op else unit
        indicators.append({"row": len(indicators) + 1, "level1": doc.text(l1), "level2": doc.text(l2),
                           "level3": doc.text(l3), "target": doc.text(target), "operator": op, "value": v,
                           "unit": doc.text(unit) if op else ""})
    table.rows = dict(zip((r for r, _, _ in table.parts), ([row], indicators), strict=True))


BUILDERS: dict[str, Callable[[Doc, Placed], None]] = {
    "coded": coded, "economic-pairs": pairs, "two-sided": two_sided, "rows": one_row,
    "overall-performance": overall, "project-performance": project}


def finish(doc: Doc, table: Placed) -> None:
    """A table the template leaves to be reconstructed gets each figure's source (`derived_from`); one with no
    figure at all is printed empty, with the note the template prints."""
    words = {"year": doc.year, "org": doc.spec["org"][0]}
    derived = doc.spec.get("reconstructed", {}).get(table.kind.id)
    if derived:
        for row in table.rows[table.parts[0][0]]:
            row["derived_from"] = "; ".join(f"{c}={ref.format_map({**doc.refs(), 'code': row['code']})}"
                                            for c, ref in derived.items() if c != "note" and row.get(c))
        table.status, note = "reconstructed", [*derived["note"], "editor"]
    elif not any(row.get(c) for rows in table.rows.values() for row in rows for c in table.amounts):
        table.status, note = "empty", doc.spec.get("notes", {}).get(table.kind.id)
    else:
        return
    if note:
        table.note = {"zh": note[0].format(**words), "en": note[1].format(**words), "by": note[2]}


def erratum(doc: Doc, rng: random.Random) -> list[Row]:
    """One misprinted code, as real documents have: the source text prints it, the data holds the corrected
    code, and the erratum says why (the errata rule checks that the data holds it)."""
    rows = [(t, r) for t in doc.tables if t.kind.layout == "coded" and t.kind.classification == "function"
            and t.status == "published" for r in t.rows[t.parts[0][0]] if len(r["code"]) == 7]
    if not rows:
        return []
    table, row = rng.choice(rows)
    resource, code = table.parts[0][0], row["code"]
    bad = code[:-1] + str((int(code[-1]) + 5) % 10)
    if any(r["code"] == bad for r in table.rows[resource]):
        return []
    name, money = doc.codes.name(FUNCTION, code), doc.money(next(row[c] for c in row if c in table.amounts), table.unit)
    words = {"table": f"表{table.number}", "table_en": f"Table {table.id[1:].lstrip('0')}", "name": name[0],
             "name_en": name[1], "bad": bad, "code": code, "parent": code[:5], "money": money[0], "money_en": money[1]}
    return [{"id": "E1", "resource": resource, "row": row["row"], "field": "code", "as_published": bad,
             "corrected": code, "evidence_zh": WORDS["erratum"][0].format(**words),
             "evidence_en": WORDS["erratum"][1].format(**words)}]


def build(doc: Doc) -> None:
    for table in doc.tables:
        BUILDERS[table.kind.layout](doc, table)
        finish(doc, table)
