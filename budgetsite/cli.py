"""Command line: `python build.py [--root DIR] [build|validate|serve|new|import|statements|export-xlsx] ...`.

`main(argv)` returns the exit status: 0 on success, 1 on any failure (a bad argument or setting, invalid data,
a failed build). `build` is the default command: `python build.py --strict` is `python build.py build --strict`.
Every failure ends in one line that says what is wrong; nothing ends in a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from .config import ConfigError, SiteConfig, load_config
from .model import Finding, ValidationResult

COMMANDS = ("build", "validate", "serve", "new", "import", "statements", "export-xlsx")
DEFAULT_COMMAND = "build"
UNITS = ("万元", "元")


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 1, like every other failure of the command line."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"error: {self.prog}: {message} (see `{self.prog} --help`)\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, found {value}")
    return value


def port(text: str) -> int:
    value = positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, found {value}")
    return value


def parser() -> Parser:
    p = Parser(prog="build.py", description="Validate budget data packages and build the site. "
               f"Without a command, runs `{DEFAULT_COMMAND}`.")
    p.add_argument("--root", type=Path, default=Path("."), help="project folder holding site.toml (default: .)")
    sub = p.add_subparsers(dest="command", parser_class=Parser, metavar="command")
    b = sub.add_parser("build", help="validate, then render the site into site/ (the default command)")
    b.add_argument("--serve", action="store_true", help="serve the built site on http://127.0.0.1:8000/")
    b.add_argument("--port", type=port, default=8000, help="port for --serve (default 8000)")
    b.add_argument("--out", type=Path, help="output folder (default: site/ under the root)")
    b.add_argument("--base-path", help="URL path the site is served under, e.g. /budget/ (default from site.toml)")
    b.add_argument("--site-url", help="absolute site URL for canonical links, sitemap and metadata")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--no-cache", action="store_true",
                   help="validate and render everything from scratch (default: reuse .cache/ and unchanged pages)")
    b.add_argument("--workers", type=positive_int, help="processes for validation and rendering (default: all cores)")
    b.add_argument("--timings", action="store_true", help="print seconds per build stage")
    v = sub.add_parser("validate", help="check every dataset and print one line per problem")
    v.add_argument("--strict", action="store_true", help="treat warnings (rounding gaps) as errors")
    v.add_argument("datasets", nargs="*", type=Path, help="dataset folders (default: all under datasets/)")
    s = sub.add_parser("serve", help="serve the existing site/ folder without rebuilding")
    s.add_argument("--port", type=port, default=8000, help="port to serve on (default 8000)")
    add_publishing_commands(sub)
    return p


def with_default_command(argv: list[str]) -> list[str]:
    """`argv` with `build` inserted after the global options when it names no command."""
    i = 0
    while i < len(argv):
        if argv[i] == "--root":
            i += 2
        elif argv[i].startswith("--root="):
            i += 1
        else:
            break
    if i < len(argv) and (argv[i] in COMMANDS or argv[i] in ("-h", "--help")):
        return argv
    return [*argv[:i], DEFAULT_COMMAND, *argv[i:]]


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(with_default_command(list(sys.argv[1:] if argv is None else argv)))
    except SystemExit as exc:  # --help (0) or a bad argument (1), already printed by the parser
        return exc.code if isinstance(exc.code, int) else 1
    try:
        config = load_config(args.root.resolve())
        if args.command == "validate":
            return run_validate(config, args.datasets, args.strict)
        if args.command == "serve":
            from .serve import serve

            return serve(config.output, config.base_path, args.port)
        if args.command in PUBLISHING:
            return run_publishing(config, args)
        return run_build(config, args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def print_findings(results: list[ValidationResult], extra: list[Finding], strict: bool) -> int:
    """One line per problem; returns the exit status (1 on any error, or any warning with --strict)."""
    from .findings import report_findings

    findings = extra + [f for r in results for f in r.findings]
    return report_findings(findings, len(results), sum(len(r.checks) for r in results), strict)


def no_datasets(config: SiteConfig) -> int:
    print(f"error: no datasets under {config.datasets} (each dataset is a folder holding datapackage.json)",
          file=sys.stderr)
    return 1


def run_validate(config: SiteConfig, folders: list[Path], strict: bool) -> int:
    from .paths import discover
    from .validate import load_reference, validate_all, validate_budget

    if not folders:
        if not discover(config.datasets):
            return no_datasets(config)
        results, extra = validate_all(config.datasets, config.reference)
        return print_findings(results, extra, strict)
    reference = load_reference(config.reference)
    missing = [Finding("error", "file", str(f), "no such dataset folder") for f in folders if not f.is_dir()]
    results = [validate_budget(f.resolve(), reference) for f in folders if f.is_dir()]
    return print_findings(results, list(reference.findings) + missing, strict)


def run_build(config: SiteConfig, args: argparse.Namespace) -> int:
    from .findings import report_findings
    from .paths import discover
    from .pipeline import build

    config = config.with_overrides(out=args.out, base_path=args.base_path, site_url=args.site_url)
    if not discover(config.datasets):
        return no_datasets(config)
    if not config.site_url:
        print("note: no site URL configured (--site-url, SITE_URL or site_url in site.toml): canonical links, "
              "hreflang and the sitemap are left out, and metadata links are relative")
    stats: dict[str, float] | None = {} if args.timings else None
    done = build(config, strict=args.strict, use_cache=not args.no_cache, workers=args.workers, stats=stats)
    report_findings(list(done.findings), done.datasets, done.checks, args.strict)
    print(done.outcome, file=sys.stderr if done.status else sys.stdout)
    status = done.status
    for stage, seconds in (stats or {}).items():
        print(f"timing: {stage}: {seconds:.3f} s")
    if status == 0 and args.serve:
        from .serve import serve

        return serve(config.output, config.base_path, args.port)
    return status


# --- publishing: new, import, export-xlsx (budgetsite/importer/; see docs/publishing.en.md) ----------------

PUBLISHING = ("new", "import", "statements", "export-xlsx")


def add_publishing_commands(sub: argparse._SubParsersAction) -> None:
    n = sub.add_parser("new", help="scaffold datasets/<department-id>-<year>/ for a new budget")
    n.add_argument("--template", required=True, help="the publisher's template in reference/catalogue/templates/, "
                   "e.g. shanghai-department-budget (it sets the tables, their units and the document kind)")
    n.add_argument("--department-id", required=True, help="slug of the department, e.g. xiamen-hpf")
    n.add_argument("--department", required=True, help="the department's Chinese name, as published")
    n.add_argument("--department-en", required=True, help="the department's English name")
    n.add_argument("--year", required=True, type=positive_int, help="budget year, e.g. 2025")
    n.add_argument("--region", required=True, help="region in Chinese, e.g. 厦门市 (the site is browsed by region)")
    n.add_argument("--region-en", required=True, help="region in English, e.g. Xiamen")
    n.add_argument("--region-id", required=True, help="slug of the region, e.g. xiamen")
    i = sub.add_parser("import", help="fill a budget folder from a workbook (.xlsx) or the text of the budget PDF")
    i.add_argument("file", type=Path, help="the source: .xlsx workbook or UTF-8 text with tab-separated tables")
    i.add_argument("--into", required=True, type=Path, help="the budget folder made by `new`, e.g. datasets/x-2025")
    i.add_argument("--unit", choices=UNITS, help="unit of amounts where a table prints no unit row (otherwise "
                   "such a table's amounts are not imported)")
    i.add_argument("--replace", action="store_true", help="import again into a folder that holds an import")
    st = sub.add_parser("statements", help="read again what a PDF budget's narrative/zh.md states (figures, changes "
                        "against the previous year, completion rates) into narrative-figures.csv, prior-year.csv "
                        "and completion.csv, linked to the table cells they describe; `import` of a PDF does this")
    st.add_argument("datasets", nargs="+", type=Path, help="budget folders imported from a PDF, e.g. "
                    "datasets/putuo-justice-bureau-2026")
    x = sub.add_parser("export-xlsx", help="write a budget's annex tables to a workbook in the published layout, "
                       "each in the unit it is printed in")
    x.add_argument("dataset", type=Path, help="budget folder, e.g. datasets/xiamen-hpf-2024")
    x.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")


def locate(path: Path, root: Path) -> Path:
    """A path as typed: absolute, else under the project root if it exists there, else under the cwd."""
    if path.is_absolute():
        return path
    return root / path if (root / path).exists() else Path.cwd() / path


def run_publishing(config: SiteConfig, args: argparse.Namespace) -> int:
    if args.command == "new":
        return run_new(config, args)
    if args.command == "import":
        return run_import(config, args)
    if args.command == "statements":
        return run_statements(config, args)
    return run_export_xlsx(config, args)


def run_new(config: SiteConfig, args: argparse.Namespace) -> int:
    from .importer.scaffold import Department, ScaffoldError, scaffold

    dept = Department(args.department_id, args.department.strip(), args.department_en.strip(), args.year,
                      args.region.strip(), args.region_en.strip(), args.template, args.region_id.strip())
    try:
        folder = scaffold(dept, config.datasets, config.reference)
    except (ScaffoldError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rel = folder.relative_to(config.root) if folder.is_relative_to(config.root) else folder
    print(f"created {rel}/: datapackage.json, schemas/, data/*.csv (header rows only), narrative/zh.md and en.md")
    print("to fill in: the tables, the narrative and the source document; next:")
    print(f"  python build.py import <budget.xlsx or budget.txt> --into {rel}")
    print(f"  python build.py validate {rel}")
    print("  python build.py build")
    return 0


def run_import(config: SiteConfig, args: argparse.Namespace) -> int:
    from .importer.report import format_report
    from .importer.run import ImportRefused, import_document

    source, folder = locate(args.file, config.root), locate(args.into, config.root)
    try:
        result = import_document(source.resolve(), folder.resolve(), config.reference, args.unit, args.replace)
    except (ImportRefused, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug or an input nobody foresaw: say so, never a traceback; nothing was written
        print(f"error: the import failed: {type(exc).__name__}: {exc}; {folder.name} is unchanged",
              file=sys.stderr)
        return 1
    for line in format_report(result, source.name, result.sha256):
        print(line)
    print(f"validation of {folder.name}:")
    status = run_validate(config, [folder.resolve()], strict=False)
    return 1 if status or result.not_placed else 0


def run_statements(config: SiteConfig, args: argparse.Namespace) -> int:
    """Refresh the statement resources of each folder from its narrative/zh.md, report what was not linked,
    then validate the folders."""
    import json

    from .importer.statements import refresh

    folders = [locate(f, config.root).resolve() for f in args.datasets]
    for folder in folders:
        try:
            source = json.loads((folder / "datapackage.json").read_text(encoding="utf-8")).get("x_source", {})
            if not str(source.get("file", "")).lower().endswith(".pdf"):
                print(f"error: {folder.name}: its source is not a PDF, so narrative/zh.md is not its text; its "
                      "narrative figures are written by hand", file=sys.stderr)
                return 1
            statements = refresh(folder, config.reference)
        except (OSError, ValueError, KeyError) as exc:
            print(f"error: {folder.name}: {exc}", file=sys.stderr)
            return 1
        refs = sum(1 for f in statements.figures if f.ref)
        print(f"{folder.name}: {len(statements.figures)} figures ({refs} linked to a table cell), "
              f"{len(statements.growth)} prior-year rows, {len(statements.completion)} completion rows")
        for m in statements.messages:
            print(f"  {m.format()}")
    print("validation:")
    return run_validate(config, folders, strict=False)


def run_export_xlsx(config: SiteConfig, args: argparse.Namespace) -> int:
    from .catalogue import CatalogueError, load_catalogue
    from .importer.workbook import export_workbook
    from .load import load_budget

    folder = locate(args.dataset, config.root).resolve()
    try:
        catalogue = load_catalogue(config.reference.resolve())
    except CatalogueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    budget, findings = load_budget(folder, catalogue) if folder.is_dir() else (None, [])
    if budget is None:
        for f in findings or [Finding("error", "file", folder.name, "no such budget folder")]:
            print(f.format(), file=sys.stderr)
        return 1
    try:
        sheets = export_workbook(budget, args.out, catalogue)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {sheets} sheets (each table in the unit it is printed in) to {args.out}")
    return 0
