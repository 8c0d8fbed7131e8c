"""One English voice, and a Chinese narrative that is the source's own words.

The English checker (budgetsite/english.py, run by validate) passes on every dataset and fails on a
translation that says “three public consumptions” or gives a project a second English name. The UI strings
and the code lists use no English form the term base avoids. narrative/zh.md is the source text: every
block of it is printed in the source, and every page of the source that is neither cover, contents nor
table is in it, apart from layout (headings' Markdown, line breaks, spaces).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, XIAMEN, copy_project, invoke_cli

DATASETS = REPO / "datasets"
ALL = sorted(d.name for d in DATASETS.iterdir() if (d / "datapackage.json").is_file())


def terms() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((REPO / "reference/terms/terms.csv").read_text("utf-8"), newline="")))


def avoided_forms() -> list[tuple[str, str]]:
    return [(t["zh"], form) for t in terms() for form in t["avoid"].split("|") if form]


def english_errors(root: Path) -> list[str]:
    _, out, err = invoke_cli(root, "validate")
    return [line for line in err.splitlines() if line.endswith("[english]")]


def test_every_dataset_follows_the_term_base(run_cli, repo_root):
    code, out, err = run_cli(repo_root, "validate")
    assert code == 0 and "[english]" not in out + err


def test_three_public_consumptions_is_refused(tmp_path):
    root = copy_project(tmp_path / "p")
    en = root / "datasets" / XIAMEN / "narrative" / "en.md"
    text = en.read_text(encoding="utf-8")
    assert "three official expenses" in text
    en.write_text(text.replace("three official expenses", "three public consumptions", 1), encoding="utf-8")
    errors = english_errors(root)
    assert any("“three public consumptions” is a form the term base avoids for ““三公”经费”" in e for e in errors)
    assert len({e.split(": ")[2] for e in errors}) == 1, f"all on the one changed line: {errors}"


def test_a_second_english_name_for_a_project_is_refused(tmp_path):
    root = copy_project(tmp_path / "p")
    en = root / "datasets" / XIAMEN / "narrative" / "en.md"
    text = en.read_text(encoding="utf-8")
    assert "Special IT Fund" in text
    en.write_text(text.replace("Special IT Fund", "Special Informatization Funds"), encoding="utf-8")
    errors = english_errors(root)
    assert errors and all("the Chinese names “信息化专项资金”" in e and "expected Special IT Fund" in e
                          for e in errors), errors


def test_an_amount_written_another_way_is_refused(tmp_path):
    root = copy_project(tmp_path / "p")
    en = root / "datasets" / XIAMEN / "narrative" / "en.md"
    text = en.read_text(encoding="utf-8")
    en.write_text(text.replace("2,759.64 (CNY 10,000)", "2,759.64 in units of CNY 10,000", 1), encoding="utf-8")
    errors = english_errors(root)
    assert any("amount style" in e for e in errors) and any("avoids for “万元”" in e for e in errors), errors


def test_ui_strings_and_code_lists_use_no_avoided_form():
    catalog = tomllib.loads((REPO / "i18n" / "en.toml").read_text(encoding="utf-8"))

    def strings(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, str):
            yield node

    texts = list(strings(catalog))
    for path in sorted((REPO / "reference").glob("*-codes-*/*.csv")):
        texts += [r["name_en"] for r in csv.DictReader(path.open(encoding="utf-8"))]
    found = [(zh, form, text) for zh, form in avoided_forms() for text in texts if form.lower() in text.lower()]
    assert found == []


# --- the Chinese narrative is the source's text ------------------------------------------------------------

def normal(text: str) -> str:
    """Text without layout: Markdown heading marks, list marks, escapes, table pipes, whitespace."""
    text = re.sub(r"^#+\s*|^- ", "", text, flags=re.M).replace("\\", "")
    text = re.sub(r"\|\s*-{3,}\s*", "", text).replace("|", "")
    return re.sub(r"\s+", "", text)


def zh_blocks(slug: str) -> list[str]:
    from budgetsite.english import blocks

    return [b for _, b in blocks((DATASETS / slug / "narrative" / "zh.md").read_text(encoding="utf-8"))]


PDFS = [s for s in ALL if json.loads((DATASETS / s / "datapackage.json").read_text("utf-8"))["x_source"]["file"]
        .endswith(".pdf")]


@pytest.mark.parametrize("slug", PDFS)
def test_the_chinese_narrative_is_the_pdfs_text(slug):
    import pdfplumber

    d = json.loads((DATASETS / slug / "datapackage.json").read_text(encoding="utf-8"))
    tables = {n for t in d["x_tables"] for n in range(t["source"]["lines"][0], t["source"]["lines"][1] + 1)}
    narrative = normal("\n".join(zh_blocks(slug)))
    with pdfplumber.open(DATASETS / slug / d["x_source"]["file"]) as pdf:
        pages = [(n, p.within_bbox(p.bbox)) for n, p in enumerate(pdf.pages, start=1)]
        source = normal("".join(p.extract_text() or "" for _, p in pages))
        printed_cells = {normal(c or "") for n, p in pages if n not in tables for t in p.extract_tables()
                         for row in t for c in row}
        for block in zh_blocks(slug):
            if block.startswith("|"):  # a table of the narrative: each cell as pdfplumber reads it
                cells = [normal(c) for line in block.splitlines()[2:] for c in line.strip().strip("|").split("|")]
                assert set(filter(None, cells)) <= printed_cells, f"{slug}: {block[:80]}"
            else:
                assert normal(block) in source, f"{slug}: not printed in the source: {block[:80]}"
        body = [(n, normal(p.extract_text() or "")) for n, p in pages if n not in tables and not p.find_tables()]
        opening = normal(zh_blocks(slug)[0])  # the narrative starts after the cover and the contents
        first = next(n for n, p in pages if normal(p.extract_text() or "").startswith(opening))
        left_out = [(n, text[:60]) for n, text in body if n > first and text and text not in narrative]
    assert left_out == [], f"{slug}: pages of the source not in narrative/zh.md"


def test_the_chinese_narrative_is_the_source_text_of_the_xiamen_budget():
    """Lines 40-276 of the text source (第一部分 to 第三部分) are zh.md, character for character."""
    source = (DATASETS / XIAMEN / "source" / "budget-2024.txt").read_text(encoding="utf-8").split("\n")
    assert normal("\n".join(source[39:276])) == normal("\n".join(zh_blocks(XIAMEN)))
