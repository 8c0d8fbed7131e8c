"""The import report: what went where, what was converted or realigned, and what was not imported."""

from __future__ import annotations

from .model import ImportResult, Message, ParsedTable


def order(m: Message) -> tuple[str, int]:
    return m.origin, m.line or 0


def table_line(t: ParsedTable) -> str:
    rows = sum(len(r) for r in t.resources.values())
    where = f"lines {t.lines[0]}-{t.lines[1]}" if t.lines != (0, 0) else "not in the source"
    if t.sheet:
        where = f"sheet {t.sheet} rows {t.lines[0]}-{t.lines[1]}"
    if t.missing:
        return f"  {t.id:<5} {t.title}: listed in the contents (line {t.lines[0]}) but not printed: left empty"
    files = ", ".join(f"data/{name}.csv" for name in t.resources)
    state = "" if t.status == "published" else f" [{t.status}]"
    printed = f" (printed as {t.printed_title})" if t.printed_title and t.printed_title != t.title else ""
    return f"  {t.id:<5} {t.title}{printed}: {where}, {rows} rows -> {files}{state}"


def format_report(result: ImportResult, source_name: str, sha256: str) -> list[str]:
    lines = [f"imported {source_name} into datasets/{result.folder}:"]
    lines += [table_line(t) for t in result.tables]
    lines.append(f"  source copied to {result.source} (sha256 {sha256})")
    notes = sorted((m for m in result.all_messages if m.placed), key=order)
    if notes:
        lines.append(f"notes ({len(notes)}):")
        lines += [f"  {m.format()}" for m in notes]
    missing = sorted(result.not_placed, key=order)
    if missing:
        lines.append(f"not imported or incomplete ({len(missing)}): check each against the source")
        lines += [f"  {m.format()}" for m in missing]
    else:
        lines.append("everything printed in the tables was placed")
    return lines
