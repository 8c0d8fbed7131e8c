"""How the findings of a build are counted, reported on the command line and turned into an exit status.
Apart from validation, so that a build with nothing to do reports its stored findings without importing the
validator."""

from __future__ import annotations

import sys

from .model import Finding


def counts(findings: list[Finding]) -> tuple[int, int, int]:
    """(errors, warnings, noted): noted findings are failing identities the dataset states as problems of its
    source; everything else that is not an error is a warning."""
    errors = sum(1 for f in findings if f.severity == "error")
    noted = sum(1 for f in findings if f.severity == "noted")
    return errors, len(findings) - errors - noted, noted


def exit_status(findings: list[Finding], strict: bool) -> int:
    """1 on any error, or on any warning with `strict`; else 0."""
    errors, warnings, _ = counts(findings)
    return 1 if errors or (strict and warnings) else 0


def report_findings(findings: list[Finding], datasets: int, checks: int, strict: bool) -> int:
    """One line per problem (errors on stderr), then a summary; returns the exit status (`exit_status`)."""
    for f in findings:
        print(f.format(), file=sys.stderr if f.severity == "error" else sys.stdout)
    errors, warnings, noted = counts(findings)
    stated = f", {noted} stated as problems of the source" if noted else ""
    print(f"{datasets} dataset(s), {checks} identities checked: {errors} error(s), {warnings} warning(s){stated}")
    return exit_status(findings, strict)
