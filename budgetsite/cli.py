"""Command line: `python build.py [build|validate|serve|new|import|export-xlsx] ...`.

`main(argv)` returns the exit status."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import load_config
from .model import Finding, ValidationResult


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Validate budget data packages and build the site.")
    p.add_argument("--root", type=Path, default=Path("."), help="project folder holding site.toml (default: .)")
    sub = p.add_subparsers(dest="command")
    b = sub.add_parser("build", help="validate, then render the site into site/ (the default command)")
    b.add_argument("--serve", action="store_true", help="serve the built site on http://127.0.0.1:8000/")
    b.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    b.add_argument("--out", type=Path, help="output folder (default: site/ under the root)")
    b.add_argument("--base-path", help="URL path the site is served under, e.g. /budget/ (default from site.toml)")
    b.add_argument("--site-url", help="absolute site URL for canonical links, sitemap and metadata")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--no-cache", action="store_true",
                   help="validate and render everything from scratch (default: reuse .cache/ and unchanged pages)")
    b.add_argument("--workers", type=int, help="processes for validation and rendering (default: all cores)")
    b.add_argument("--timings", action="store_true", help="print seconds per build stage")
    v = sub.add_parser("validate", help="check every dataset and print one line per problem")
    v.add_argument("--strict", action="store_true", help="treat warnings (rounding gaps) as errors")
    v.add_argument("datasets", nargs="*", type=Path, help="dataset folders (default: all under datasets/)")
    s = sub.add_parser("serve", help="serve the existing site/ folder without rebuilding")
    s.add_argument("--port", type=int, default=8000)
    add_publishing_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = args.command or "build"
    config = load_config(args.root.resolve())
    if command == "validate":
        return run_validate(config, args.datasets, args.strict)
    if command == "serve":
        from .serve import serve

        return serve(config.output, config.base_path, args.port)
    if command in PUBLISHING:
        return run_publishing(config, args)
    return run_build(config, args)


def print_findings(results: list[ValidationResult], extra: list[Finding], strict: bool) -> int:
    """One line per problem; returns the exit status (1 on any error, or any warning with --strict)."""
    from .validate import report_findings

    findings = extra + [f for r in results for f in r.findings]
    return report_findings(findings, len(results), sum(len(r.checks) for r in results), strict)


def run_validate(config, folders: list[Path], strict: bool) -> int:
    from .validate import load_reference, validate_all, validate_budget

    if not folders:
        results, extra = validate_all(config.datasets, config.reference)
        return print_findings(results, extra, strict)
    codelists, rulesets, extra = load_reference(config.reference)
    missing = [Finding("error", "file", str(f), "no such dataset folder") for f in folders if not f.is_dir()]
    results = [validate_budget(f.resolve(), codelists, rulesets) for f in folders if f.is_dir()]
    return print_findings(results, extra + missing, strict)


def run_build(config, args) -> int:
    from .pipeline import build

    config = config.with_overrides(out=args.out, base_path=args.base_path, site_url=args.site_url)
    stats: dict[str, float] | None = {} if args.timings else None
    status = build(config, strict=args.strict, use_cache=not args.no_cache, workers=args.workers, stats=stats)
    for stage, seconds in (stats or {}).items():
        print(f"timing: {stage}: {seconds:.3f} s")
    if status == 0 and args.serve:
        from .serve import serve

        return serve(config.output, config.base_path, args.port)
    return status


# --- publishing: new, import, export-xlsx (budgetsite/importer/; see docs/publishing.en.md) ----------------

PUBLISHING = ("new", "import", "export-xlsx")
UNITS = ("万元", "元")


def add_publishing_commands(sub) -> None:
    n = sub.add_parser("new", help="scaffold datasets/<department-id>-<year>/ for a new budget")
    n.add_argument("--department-id", required=True, help="slug of the department, e.g. xiamen-hpf")
    n.add_argument("--department", required=True, help="the department's Chinese name, as published")
    n.add_argument("--department-en", required=True, help="the department's English name")
    n.add_argument("--year", required=True, type=int, help="budget year, e.g. 2025")
    n.add_argument("--region", default="", help="region in Chinese, e.g. 厦门市")
    n.add_argument("--region-en", default="", help="region in English, e.g. Xiamen")
    i = sub.add_parser("import", help="fill a budget folder from a workbook (.xlsx) or the text of the budget PDF")
    i.add_argument("file", type=Path, help="the source: .xlsx workbook or UTF-8 text with tab-separated tables")
    i.add_argument("--into", required=True, type=Path, help="the budget folder made by `new`, e.g. datasets/x-2025")
    i.add_argument("--unit", choices=UNITS, help="unit of amounts where a table prints no unit row (default 万元)")
    i.add_argument("--replace", action="store_true", help="import again into a folder that holds an import")
    x = sub.add_parser("export-xlsx", help="write a budget's annex tables to a workbook in the published layout")
    x.add_argument("dataset", type=Path, help="budget folder, e.g. datasets/xiamen-hpf-2024")
    x.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")
    x.add_argument("--unit", choices=UNITS, default="万元", help="unit of the amounts written (default 万元)")


def locate(path: Path, root: Path) -> Path:
    """A path as typed: absolute, else under the project root if it exists there, else under the cwd."""
    if path.is_absolute():
        return path
    return root / path if (root / path).exists() else Path.cwd() / path


def run_publishing(config, args) -> int:
    if args.command == "new":
        return run_new(config, args)
    if args.command == "import":
        return run_import(config, args)
    return run_export_xlsx(config, args)


def run_new(config, args) -> int:
    from .importer.scaffold import Department, ScaffoldError, scaffold

    dept = Department(args.department_id, args.department.strip(), args.department_en.strip(), args.year,
                      args.region.strip(), args.region_en.strip())
    try:
        folder = scaffold(dept, config.datasets, config.reference)
    except (ScaffoldError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rel = folder.relative_to(config.root) if folder.is_relative_to(config.root) else folder
    print(f"created {rel}/: datapackage.json, schemas/, data/*.csv (header rows only), narrative/zh.md and en.md")
    print("to fill in: the tables, the narrative and the source document; next:")
    print(f"  python build.py import <budget.xlsx or budget.txt> --into {rel}")
    print(f"  python build.py validate {rel}")
    print("  python build.py build")
    return 0


def run_import(config, args) -> int:
    from .importer.report import format_report
    from .importer.run import ImportRefused, import_document

    source, folder = locate(args.file, config.root), locate(args.into, config.root)
    try:
        result = import_document(source.resolve(), folder.resolve(), config.reference, args.unit, args.replace)
    except (ImportRefused, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug or an input nobody foresaw: say so, never a traceback; nothing was written
        print(f"error: the import failed: {type(exc).__name__}: {exc}; {folder.name} is unchanged",
              file=sys.stderr)
        return 2
    for line in format_report(result, source.name, result.sha256):
        print(line)
    print(f"validation of {folder.name}:")
    status = run_validate(config, [folder.resolve()], strict=False)
    return 1 if status or result.not_placed else 0


def run_export_xlsx(config, args) -> int:
    from .importer.workbook import export_workbook
    from .load import load_budget

    folder = locate(args.dataset, config.root).resolve()
    budget, findings = load_budget(folder) if folder.is_dir() else (None, [])
    if budget is None:
        for f in findings or [Finding("error", "file", folder.name, "no such budget folder")]:
            print(f.format(), file=sys.stderr)
        return 1
    try:
        sheets = export_workbook(budget, args.out, args.unit)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {sheets} sheets (amounts in {args.unit}) to {args.out}")
    return 0
