"""The documentation covers the command line (as sqlite-utils and Datasette test theirs): every command,
every option and every environment variable the code reads is named in README.md or docs/*.md, and every
option has help text."""

from __future__ import annotations

import argparse
import re

import pytest
from conftest import REPO

from budgetsite.cli import parser

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def documentation() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DOCS)


def subcommands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def options() -> list[tuple[str, str, str]]:
    """(command, option, help) of every option, the global ones with command ""."""
    out = []
    for command, p in [("", parser()), *subcommands().items()]:
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
                continue
            for name in action.option_strings:
                out.append((command, name, action.help or ""))
    return out


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_command_is_documented(command):
    assert re.search(rf"build\.py[^\n]* {re.escape(command)}\b", documentation()), \
        f"`python build.py {command}` appears in no example in README.md or docs/"


@pytest.mark.parametrize(("command", "option", "help_text"), options(), ids=lambda v: v if v else "global")
def test_every_option_is_documented_and_has_help(command, option, help_text):
    assert help_text, f"{command} {option} has no help text"
    assert re.search(rf"{re.escape(option)}\b", documentation()), f"{command} {option} is not in README.md or docs/"


def environment_variables() -> set[str]:
    """Every variable the package or the ./dev script reads."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "budgetsite").rglob("*.py")))
    names = set(re.findall(r"""environ(?:\.get)?[\[(]["']([A-Z_]+)["']""", code))
    names |= set(re.findall(r"\$\{([A-Z_]+):-", (REPO / "dev").read_text(encoding="utf-8")))
    return names


def test_the_environment_variables_are_found():
    assert {"SITE_URL", "BASE_PATH", "SOURCE_DATE_EPOCH", "VENV", "PYTHON"} <= environment_variables()


@pytest.mark.parametrize("name", sorted(environment_variables()))
def test_every_environment_variable_is_documented(name):
    assert re.search(rf"`{name}`", documentation()), f"environment variable {name} is not in README.md or docs/"
