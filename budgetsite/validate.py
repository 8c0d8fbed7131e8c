"""Validate stage: frictionless (schema, types, keys) plus the budget's accounting rules. Writes nothing.

Frictionless (frictionless_check.py) runs sequentially per package: its `parallel=True` mode drops custom
checks, and the identities here are plain Python anyway (frictionless has no package-level hook).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalogue import Catalogue, CatalogueError, load_catalogue
from .descriptor import RULESET, shape_errors
from .english import check_english
from .frictionless_check import frictionless_findings
from .load import DESCRIPTOR, LoadError, load_budget, load_codelist, read_json
from .model import CodeList, Finding, ValidationResult
from .paths import discover
from .rulebook import rulebook
from .rules import evaluate
from .timing import Stats, timed


@dataclass(frozen=True)
class Reference:
    """What every dataset is checked against: the catalogue of table kinds, code lists and rule sets."""

    catalogue: Catalogue | None  # None when the catalogue cannot be read (a finding says why)
    codelists: dict[str, CodeList]
    rulesets: dict[str, list[dict[str, Any]]]
    findings: tuple[Finding, ...]


def load_reference(reference_dir: Path) -> Reference:
    """The catalogue (reference/catalogue/), code lists (reference/<name>/datapackage.json) and rule sets
    (reference/rules/<name>.json)."""
    codelists: dict[str, CodeList] = {}
    findings: list[Finding] = []
    try:
        catalogue: Catalogue | None = load_catalogue(reference_dir.resolve())
    except CatalogueError as exc:
        catalogue = None
        findings.append(Finding("error", "catalogue", "reference", str(exc)))
    for folder in discover(reference_dir):
        if (folder / DESCRIPTOR).is_file():
            codelist, problems = load_codelist(folder)
            findings += problems
            if codelist:
                codelists[codelist.name] = codelist
    rulesets: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((reference_dir / "rules").glob("*.json")):
        rel = f"reference/rules/{path.name}"
        try:
            data = read_json(path, "reference", rel)
        except LoadError as exc:
            findings.append(exc.finding)
            continue
        shape = shape_errors(data, RULESET)
        if shape:
            findings.append(Finding("error", "rules", "reference", "; ".join(shape), file=rel))
            continue
        rulesets[path.stem] = [{**rule, "_file": rel} for rule in data["rules"]]
    return Reference(catalogue, codelists, rulesets, tuple(findings))


def merge(own: list[Finding], theirs: list[Finding]) -> list[Finding]:
    """Our findings first; a frictionless finding is dropped where ours already covers the same place."""
    failed_files = {f.file for f in own if not f.column and f.rule in ("file", "encoding", "header", "csv")}
    cells = {(f.file, f.line, f.column) for f in own}
    kept = [f for f in theirs if f.file not in failed_files and (f.file, f.line, f.column) not in cells]
    return own + kept


def validate_budget(folder: Path, reference: Reference, stats: Stats | None = None) -> ValidationResult:
    if reference.catalogue is None:
        return ValidationResult(folder.name, (Finding("error", "catalogue", folder.name, "not checked: the catalogue "
                                                      "of table kinds cannot be read (see the reference errors)"),))
    with timed(stats, "load"):
        budget, findings = load_budget(folder, reference.catalogue)
    if budget is None and any(f.file == DESCRIPTOR for f in findings):
        return ValidationResult(folder.name, tuple(findings))
    if not any(f.rule == "file-size" for f in findings):  # never let frictionless stream an oversized file
        with timed(stats, "frictionless"):
            findings = merge(findings, frictionless_findings(folder, folder.name))
    if budget is None or any(f.severity == "error" for f in findings):
        return ValidationResult(folder.name, tuple(findings))
    with timed(stats, "rules"):
        book = rulebook(budget, reference.catalogue, reference.rulesets, DESCRIPTOR)
        checks, problems = evaluate(budget, list(book.rules), reference.codelists)
        problems += check_english(budget, reference.catalogue.terms)
    return ValidationResult(budget.slug, tuple(findings + list(book.findings) + problems), tuple(checks), budget)


def validate_all(datasets_dir: Path, reference_dir: Path) -> tuple[list[ValidationResult], list[Finding]]:
    reference = load_reference(reference_dir)
    results = [validate_budget(folder, reference) for folder in discover(datasets_dir)]
    return results, list(reference.findings)


CHECK_COLUMNS = ("rule", "kind", "status", "tables", "unit", "difference", "tolerance", "left", "right")


def report_json(result: ValidationResult) -> str:
    """The machine-readable quality report published beside each dataset.

    Checks come as `{"columns": [...], "rows": [[...], ...]}` (Datasette's shape for a table in JSON): a
    document has hundreds of checks, and naming every field on every one made the report the largest file of
    its package. Each check lists its terms as `resource#row.field=value` (row: position in the CSV, 1 = first
    data row; blank cells as `=`), computed terms as `label=value`.
    """
    rows = [[c.rule_id, c.kind, c.status, list(c.tables), c.unit, f"{c.difference:.2f}", f"{c.tolerance:.3f}",
             [term_text(t) for t in c.left], [term_text(t) for t in c.right]] for c in result.checks]
    findings = [{k: v for k, v in vars(f).items() if v not in ("", None)} for f in result.findings]
    doc = {"dataset": result.dataset, "valid": not result.errors, "summary": result.summary,
           "findings": findings, "checks": {"columns": list(CHECK_COLUMNS), "rows": rows}}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def term_text(t: Any) -> str:
    value = "" if t.value is None else f"{t.value:.{t.places}f}"
    where = f"{t.cell.resource}#{t.cell.row + 1}.{t.cell.field}" if t.cell else t.label
    return f"{where}={value}"
