"""Shared test fixtures: a throw-away copy of the project, and a way to run the command line in-process.

Kept small and generic on purpose; no autouse fixtures. `built_site` and `site_url` build the real
datasets once per session and serve them under /budget/ for the site and browser tests.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
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


XIAMEN = "xiamen-hpf-2024"  # the dataset the fixtures that break a copy are written against


def copy_project(target: Path, datasets: tuple[str, ...] | None = (XIAMEN,)) -> Path:
    """What a build reads: site.toml, reference/, templates/, i18n/ and the named datasets (all with None),
    copied into `target`. Most tests mutate one known budget, so the default is the Xiamen one alone."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "site.toml", target / "site.toml")
    for name in ("reference", "templates", "i18n"):
        shutil.copytree(REPO / name, target / name)
    (target / "datasets").mkdir()
    for folder in sorted((REPO / "datasets").iterdir()):
        if folder.is_dir() and (datasets is None or folder.name in datasets):
            shutil.copytree(folder, target / "datasets" / folder.name)
    return target


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's inputs in tmp_path (see `copy_project`); returns tmp_path."""
    return copy_project(tmp_path)


BASE_PATH = "/budget/"
SITE_URL = "https://example.org/budget/"
EPOCH = "1700000000"


def build_into(root: Path, out: Path, *extra: str) -> CliResult:
    """Build the project at `root` into `out` under the test base path, with a fixed SOURCE_DATE_EPOCH."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        return invoke_cli(root, "build", "--out", str(out), "--base-path", BASE_PATH, "--site-url", SITE_URL,
                          *extra)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real datasets built once per session into a temporary site/ (base path /budget/)."""
    out = tmp_path_factory.mktemp("built") / "site"
    status, stdout, stderr = build_into(REPO, out)
    assert status == 0, f"build failed:\n{stdout}\n{stderr}"
    return out


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served over http://127.0.0.1 under /budget/, as on GitHub Pages."""
    from budgetsite.serve import make_server

    server = make_server(built_site, BASE_PATH, 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{BASE_PATH}"
    server.shutdown()
    server.server_close()


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
