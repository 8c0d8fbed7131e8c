"""The dataset's own errata, applied again after each import: an import reads the figures and codes as
printed, the errata (data/errata.csv, written by people with their evidence) say which printed cells are
wrong and what they should hold. An erratum whose cell no longer holds what it says was printed is reported,
never applied."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from .model import Message, ParsedPart, ParsedTable

ERRATA = Path("data") / "errata.csv"


def read_errata(folder: Path) -> list[dict[str, str]]:
    path = folder / ERRATA
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def apply_errata(tables: list[ParsedTable], folder: Path, origin: str) -> tuple[list[ParsedTable], list[Message]]:
    errata = read_errata(folder)
    if not errata:
        return tables, []
    messages: list[Message] = []
    out = []
    for table in tables:
        parts = []
        for part in table.parts:
            resource = table.resource(part)
            rows = [dict(r) for r in part.rows]
            for e in (e for e in errata if e.get("resource") == resource):
                messages.append(apply_one(e, rows, resource, origin))
            parts.append(ParsedPart(part.suffix, part.columns, tuple(rows)) if rows != list(part.rows) else part)
        out.append(replace(table, parts=tuple(parts)))
    known = {t.resource(p) for t in tables for p in t.parts}
    messages += [Message(origin, None, f"erratum {e.get('id')} names resource {e.get('resource')!r}, which this "
                         "import has no table for: not applied", placed=False)
                 for e in errata if e.get("resource") not in known]
    return out, messages


def apply_one(e: dict[str, str], rows: list[dict[str, str]], resource: str, origin: str) -> Message:
    where = f"erratum {e.get('id')} ({resource} row {e.get('row')}, {e.get('field')})"
    hits = [r for r in rows if r.get("row") == e.get("row")]
    field = e.get("field", "")
    if len(hits) != 1 or field not in hits[0]:
        return Message(origin, None, f"{where}: no such cell in this import: not applied", placed=False,
                       table=resource)
    row = hits[0]
    if row[field] == e.get("corrected") and row[field] != e.get("as_published"):
        return Message(origin, None, f"{where}: the source already holds the corrected value", table=resource)
    if row[field] != e.get("as_published"):
        return Message(origin, None, f"{where}: the source now prints {row[field]!r}, the erratum says "
                       f"{e.get('as_published')!r} was printed: not applied (check the erratum)", placed=False,
                       table=resource)
    row[field] = e.get("corrected", "")
    return Message(origin, None, f"{where}: printed {e.get('as_published')!r}, corrected to {e.get('corrected')!r} "
                   "as the erratum says", table=resource)
