"""The command line as a user meets it: `python build.py ...` run as a subprocess.

Every command and the bare one work; every bad argument, setting or folder ends in exactly one line that
starts with `error:` and exit status 1, never a traceback. A default build (no site URL, no
SOURCE_DATE_EPOCH) writes no placeholder domain and no 1970 date.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO, copy_project

from budgetsite.cli import COMMANDS, parser

BUILD_PY = REPO / "build.py"
# Settings a test must not inherit from the machine that runs it.
OWN_ENV = ("SITE_URL", "BASE_PATH", "SOURCE_DATE_EPOCH")


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: int = 300) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in OWN_ENV}
    return subprocess.run([sys.executable, str(BUILD_PY), *args], cwd=cwd or REPO, env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=timeout, check=False)


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, f"exit {done.returncode}, expected 1\nstdout: {done.stdout}\nstderr: {done.stderr}"
    assert len(lines) == 1 and lines[0].startswith("error: "), f"expected one error line, got:\n{done.stderr}"
    assert "Traceback" not in done.stdout + done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("cli") / "project")


# --- the default command ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def default_build(project: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`python build.py` with no command, no option and no settings from the environment, run in the project."""
    done = run(cwd=project)
    return done, project / "site"


def test_bare_command_builds_the_site(default_build):
    done, site = default_build
    assert done.returncode == 0, f"python build.py failed:\n{done.stdout}\n{done.stderr}"
    assert (site / "index.html").is_file() and (site / "zh" / "index.html").is_file()
    assert "built 1 budget(s)" in done.stdout


def test_default_build_says_once_that_no_site_url_is_set(default_build):
    done, _ = default_build
    notes = [line for line in done.stdout.splitlines() if "no site URL" in line]
    assert len(notes) == 1, done.stdout


def text_files(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*")) if p.is_file() and p.suffix in (".html", ".json", ".jsonld",
                                                                                ".xml", ".txt", ".csv", ".md")]


def test_default_build_writes_no_placeholder_domain_and_no_1970(default_build):
    _, site = default_build
    problems = []
    for path in text_files(site):
        text = path.read_text(encoding="utf-8")
        for bad in ("example.github.io", "example.org", "1970-01-01", "1970"):
            if bad in text:
                problems.append(f"{path.relative_to(site)}: {bad}")
    assert not problems, problems[:20]
    assert not (site / "sitemap.xml").exists(), "a sitemap needs absolute URLs: none without a site URL"
    assert "Sitemap:" not in (site / "robots.txt").read_text(encoding="utf-8")


def test_default_build_dates_the_data_by_its_own_files(default_build, project):
    """Outside git (a copy of the project), the date is the newest modification of a dataset file."""
    _, site = default_build
    newest = max(int(p.stat().st_mtime) for p in (project / "datasets").rglob("*") if p.is_file())
    expected = datetime.fromtimestamp(newest, tz=UTC).strftime("%Y-%m-%d")
    catalog = json.loads((site / "catalog.jsonld").read_text(encoding="utf-8"))
    assert {d["dct:modified"] for d in catalog["dcat:dataset"]} == {expected}
    page = (site / "zh" / "xiamen-hpf-2024" / "index.html").read_text(encoding="utf-8")
    block = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert block["dateModified"] == expected
    assert not block["url"].startswith("http"), "without a site URL, metadata links are relative"


def test_default_build_has_no_canonical_or_hreflang(default_build):
    _, site = default_build
    page = (site / "en" / "xiamen-hpf-2024" / "t05" / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in page and "hreflang=\"x-default\"" not in page


def test_build_with_every_option_of_the_build_command(project, tmp_path):
    out = tmp_path / "out"
    done = run("--root", str(project), "--out", str(out), "--base-path", "/b/", "--site-url",
               "https://data.example.net/b/", "--strict", "--no-cache", "--workers", "1", "--timings",
               env={"SOURCE_DATE_EPOCH": "1700000000"})
    # --strict turns the source's 19 rounding gaps into errors, so this build must stop before publishing.
    assert done.returncode == 1 and "build stopped" in done.stderr and not out.exists(), done.stdout + done.stderr
    done = run("--root", str(project), "--out", str(out), "--base-path", "/b/", "--site-url",
               "https://data.example.net/b/", "--no-cache", "--workers", "1", "--timings",
               env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "timing: " in done.stdout
    page = (out / "zh" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://data.example.net/b/zh/">' in page
    assert (out / "sitemap.xml").read_text(encoding="utf-8").count("https://data.example.net/b/") > 40


def test_source_date_epoch_sets_the_date(project, tmp_path):
    out = tmp_path / "out"
    done = run("--root", str(project), "build", "--out", str(out), "--no-cache",
               env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert done.returncode == 0, done.stderr
    catalog = json.loads((out / "catalog.jsonld").read_text(encoding="utf-8"))
    assert catalog["dct:modified"] == "2023-11-14"


def test_date_of_the_last_commit_that_touched_the_datasets(project, tmp_path):
    """In a git checkout the date is that of the last commit touching datasets/, not of later commits."""
    from budgetsite.config import source_date_epoch

    repo = tmp_path / "repo"
    (repo / "datasets").mkdir(parents=True)
    (repo / "datasets" / "a.txt").write_text("a", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}

    def git(*args: str, date: str = "") -> None:
        dated = {**env, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else env
        subprocess.run(["git", "-C", str(repo), *args], env=dated, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "data", date="2025-03-04T05:06:07+00:00")
    (repo / "README").write_text("later", encoding="utf-8")
    git("add", ".")
    git("commit", "-qm", "docs", date="2026-01-01T00:00:00+00:00")
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        assert source_date_epoch(repo / "datasets") == int(datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC).timestamp())
    finally:
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved


# --- every command ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], *([c, "--help"] for c in COMMANDS)], ids=lambda a: " ".join(a))
def test_help_of_every_command(args):
    done = run(*args)
    assert done.returncode == 0 and "usage: build.py" in done.stdout, done.stderr


def test_validate_command(project):
    done = run("--root", str(project), "validate")
    assert done.returncode == 0, done.stderr
    assert "1 dataset(s)" in done.stdout and "0 error(s)" in done.stdout


def test_validate_strict_fails_on_the_rounding_warnings(project):
    done = run("--root", str(project), "validate", "--strict")
    assert done.returncode == 1 and "19 warning(s)" in done.stdout


def test_serve_answers_with_the_built_site(default_build, project):
    port = "8765"
    process = subprocess.Popen([sys.executable, str(BUILD_PY), "--root", str(project), "serve", "--port", port],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        import time
        import urllib.request

        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/zh/") as response:  # noqa: S310
                    body = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer")
        assert "<html lang=\"zh-Hans\">" in body
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_new_import_and_export_commands(project, tmp_path):
    root = copy_project(tmp_path / "p")
    done = run("--root", str(root), "new", "--template", "xiamen-department-budget", "--department-id", "demo",
               "--department", "示例局", "--department-en", "Demo Bureau", "--year", "2024",
               "--region", "厦门市", "--region-en", "Xiamen", "--region-id", "xiamen")
    assert done.returncode == 0, done.stderr
    source = REPO / "datasets" / "xiamen-hpf-2024" / "source" / "budget-2024.txt"
    done = run("--root", str(root), "import", str(source), "--into", "datasets/demo-2024")
    # The two codes the source misprints are imported as printed, so validation fails on exactly those.
    assert done.returncode == 1, done.stdout + done.stderr
    assert [line.split(": ")[2] for line in done.stderr.splitlines()] == ["data/t03.csv:9", "data/t05.csv:7"]
    assert len((root / "datasets" / "demo-2024" / "data" / "t03.csv").read_text("utf-8").splitlines()) == 20
    book = tmp_path / "book.xlsx"
    done = run("--root", str(root), "export-xlsx", "datasets/xiamen-hpf-2024", "--out", str(book))
    assert done.returncode == 0 and book.is_file(), done.stderr


# --- bad arguments: one line, exit 1 ----------------------------------------------------------------------

BAD = [
    ("site URL option", ["build", "--site-url", "foo"], {}, "--site-url"),
    ("site URL variable", ["validate"], {"SITE_URL": "bad"}, "SITE_URL"),
    ("base path variable", ["validate"], {"BASE_PATH": "a b"}, "BASE_PATH"),
    ("date variable", ["validate"], {"SOURCE_DATE_EPOCH": "yesterday"}, "SOURCE_DATE_EPOCH"),
    ("port", ["build", "--port", "http"], {}, "--port"),
    ("port range", ["serve", "--port", "70000"], {}, "--port"),
    ("workers", ["--workers", "0"], {}, "--workers"),
    ("unknown option", ["--frobnicate"], {}, "--frobnicate"),
    ("unknown command", ["frobnicate"], {}, "frobnicate"),
    ("missing dataset folder", ["validate", "no/such/dataset"], {}, "no such dataset folder"),
    ("new without its options", ["new", "--year", "2025"], {}, "required"),
    ("import of a missing file", ["import", "no-such.xlsx", "--into", "datasets/xiamen-hpf-2024"], {}, "no such file"),
    ("export of a missing folder", ["export-xlsx", "datasets/none", "--out", "x.xlsx"], {}, "no such budget folder"),
]


@pytest.mark.parametrize(("args", "env", "named"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_argument_gives_one_line_and_exit_1(project, args, env, named):
    done = run("--root", str(project), *args, env=env)
    if named == "no such dataset folder":  # validate reports it as a finding, then its summary line
        assert done.returncode == 1 and named in done.stderr
        return
    line = one_error_line(done)
    assert named in line, line


def test_missing_project_folder(tmp_path):
    line = one_error_line(run("--root", str(tmp_path / "none"), "validate"))
    assert "no such project folder" in line


@pytest.mark.parametrize("command", ["validate", "build"])
def test_no_datasets_is_an_error_not_an_empty_success(tmp_path, command):
    line = one_error_line(run("--root", str(tmp_path), command))
    assert "no datasets under" in line


def test_serve_without_a_built_site(tmp_path):
    line = one_error_line(run("--root", str(tmp_path), "serve", "--port", "8766"))
    assert "no built site" in line


def test_every_command_is_in_the_parser():
    sub = next(a for a in parser()._actions if a.dest == "command")
    assert tuple(sub.choices) == COMMANDS


def test_outside_git_the_date_is_the_newest_file_below_the_datasets(tmp_path):
    from budgetsite.config import newest_mtime

    nested = tmp_path / "datasets" / "a" / "data"
    nested.mkdir(parents=True)
    for name, stamp in (("old.csv", 1_600_000_000), ("new.csv", 1_700_000_000)):
        (nested / name).write_text("x", encoding="utf-8")
        os.utime(nested / name, (stamp, stamp))
    (tmp_path / "datasets" / "b").mkdir()  # a folder's own time does not count, only its files'
    os.utime(tmp_path / "datasets" / "b", (1_800_000_000, 1_800_000_000))
    assert newest_mtime(tmp_path / "datasets") == 1_700_000_000
    assert newest_mtime(tmp_path / "absent") == 1, "never 0: the epoch is always a real date"
