"""Shared test fixtures: a throw-away copy of the project, and a way to run the command line in-process.

Kept small and generic on purpose; no autouse fixtures.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # `pytest` (not only `python -m pytest`) must find the uninstalled package
    sys.path.insert(0, str(REPO))

CliResult = tuple[int, str, str]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The real project folder (read only: never write into it from a test)."""
    return REPO


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """site.toml, reference/ and datasets/ of the repository copied into tmp_path; returns tmp_path."""
    shutil.copy2(REPO / "site.toml", tmp_path / "site.toml")
    shutil.copytree(REPO / "reference", tmp_path / "reference")
    shutil.copytree(REPO / "datasets", tmp_path / "datasets")
    return tmp_path


def invoke_cli(root: Path, *args: str) -> CliResult:
    """Call `budgetsite.cli.main(["--root", root, *args])`; returns (exit status, stdout, stderr).

    Output is collected by swapping sys.stdout/sys.stderr, so it works with or without pytest's capsys/capfd.
    `main()` must return its status: any exception it raises fails the test with the traceback, except
    argparse's SystemExit, which propagates for tests that expect it.
    """
    from budgetsite import cli  # imported late: a broken budgetsite fails the tests that use it, not collection

    out, err = io.StringIO(), io.StringIO()
    argv = ["--root", str(root), *map(str, args)]
    raised = ""
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main(argv)
    except Exception as exc:  # SystemExit (argparse) is not an Exception and propagates unchanged
        raised = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
    if raised:
        pytest.fail(f"main({argv}) raised instead of returning an exit status: {raised}\n"
                    f"--- stdout ---\n{out.getvalue()}\n--- stderr ---\n{err.getvalue()}", pytrace=False)
    assert isinstance(status, int), f"main({argv}) returned {status!r}, not an exit status"
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., CliResult]:
    """`run_cli(root, *args) -> (exit_code, stdout, stderr)`; see `invoke_cli`."""
    return invoke_cli
