"""Command line: `python build.py [build|validate|serve] ...`. `main(argv)` returns the exit status."""

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
    return run_build(config, args)


def print_findings(results: list[ValidationResult], extra: list[Finding], strict: bool) -> int:
    """One line per problem; returns the exit status (1 on any error, or any warning with --strict)."""
    findings = extra + [f for r in results for f in r.findings]
    for f in findings:
        print(f.format(), file=sys.stderr if f.severity == "error" else sys.stdout)
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    checks = sum(len(r.checks) for r in results)
    print(f"{len(results)} dataset(s), {checks} identities checked: {errors} error(s), {warnings} warning(s)")
    return 1 if errors or (strict and warnings) else 0


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
