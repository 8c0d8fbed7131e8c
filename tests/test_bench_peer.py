"""bench/peer.py: the Hugo project that the benchmark builds next to ours has as many pages as our site, in both
languages, each page the rows of one of the corpus's tables.

Hugo is not needed: these tests check the files written for it. (bench/peer.py itself refuses a Hugo output
whose page count differs from ours, so a run of the benchmark checks what Hugo made of them.)
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bench import peer
from bench.generate import generate


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("peer") / "corpus"
    generate(root, 3)
    return root


def content(root: Path, lang: str) -> list[Path]:
    return sorted(p for p in (root / "content" / lang / peer.SECTION).glob("*.md") if p.name != "_index.md")


def body_rows(text: str) -> list[list[str]]:
    """The rows of the Markdown tables of a content file (header and separator lines left out)."""
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in line[2:-2].split(" | ")] for line in lines]


def test_our_pages_counts_index_files(tmp_path: Path) -> None:
    for rel in ("index.html", "zh/index.html", "zh/a/t01/index.html", "en/a/t01/index.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<html></html>", encoding="utf-8")
    (tmp_path / "404.html").write_text("", encoding="utf-8")
    (tmp_path / "zh" / "a" / "t01" / "t01.csv").write_text("", encoding="utf-8")
    assert peer.our_pages(tmp_path) == 4


@pytest.mark.parametrize("target", [7, 8, 101, 3520])
def test_the_planned_pages_add_up_to_ours(target: int) -> None:
    counts = peer.content_pages(target)
    assert sum(counts.values()) + peer.OVERHEAD == target
    assert set(counts) == {"zh", "en"} and 0 <= counts["zh"] - counts["en"] <= 1


def test_too_few_pages_are_refused() -> None:
    with pytest.raises(ValueError, match="too few"):
        peer.content_pages(peer.OVERHEAD + 1)


def test_tables_are_the_corpus_tables(corpus: Path) -> None:
    tables = peer.tables(corpus)
    expected = [(folder.name, entry["id"]) for folder in sorted((corpus / "datasets").iterdir())
                for entry in json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["x_tables"]]
    assert [(t.slug, t.id) for t in tables] == expected and len(expected) > 20
    first = tables[0]
    folder = corpus / "datasets" / first.slug
    csv_rows = list(csv.reader(io.StringIO((folder / "data" / f"{first.id}.csv").read_text(encoding="utf-8"),
                                           newline="")))
    titles, rows = first.parts[0]
    assert rows == csv_rows[1:] and rows
    assert len(titles["zh"]) == len(titles["en"]) == len(csv_rows[0])
    assert titles["zh"] != titles["en"]


@pytest.mark.parametrize("target", [41, 200])  # fewer pages than the corpus has tables, and more (repeats)
def test_the_project_has_one_content_file_per_planned_page(corpus: Path, tmp_path: Path, target: int) -> None:
    counts = peer.write_project(tmp_path / "hugo", corpus, target)
    root = tmp_path / "hugo"
    zh, en = content(root, "zh"), content(root, "en")
    assert (len(zh), len(en)) == (counts["zh"], counts["en"])
    assert len(zh) + len(en) + peer.OVERHEAD == target
    assert {p.name for p in en} <= {p.name for p in zh}  # translations pair up by file name
    for lang in peer.LANGS:
        assert (root / "content" / lang / peer.SECTION / "_index.md").is_file()
    assert (root / "hugo.toml").is_file()
    assert {p.relative_to(root / "layouts").as_posix() for p in (root / "layouts").rglob("*.html")} == set(peer.LAYOUTS)
    assert "data-pagefind-body" in (root / "layouts" / "_default" / "baseof.html").read_text(encoding="utf-8")
    assert not (root / "themes").exists()


def test_a_page_holds_its_table_rows_in_both_languages(corpus: Path, tmp_path: Path) -> None:
    peer.write_project(tmp_path / "hugo", corpus, 61)
    table = peer.tables(corpus)[2]
    name = f"{table.slug}-{table.id}.md"
    zh = (tmp_path / "hugo" / "content" / "zh" / peer.SECTION / name).read_text(encoding="utf-8")
    en = (tmp_path / "hugo" / "content" / "en" / peer.SECTION / name).read_text(encoding="utf-8")
    meta = json.loads(zh[: zh.index("\n}\n") + 2])
    assert meta["title"] == table.title["zh"] and meta["unit"] == table.unit
    assert json.loads(en[: en.index("\n}\n") + 2])["title"] == table.title["en"]
    csv_rows = [row for _, rows in table.parts for row in rows]
    header = [titles["zh"] for titles, _ in table.parts]
    assert body_rows(zh) == [row for titles, rows in table.parts for row in [titles["zh"], *rows]]
    assert len(body_rows(en)) == len(csv_rows) + len(header)
    assert body_rows(en)[0] == table.parts[0][0]["en"]
    names = [(i, j, v) for i, row in enumerate(body_rows(zh)) for j, v in enumerate(row) if v in table.translations
             and table.translations[v] != v and i > 0]
    assert names  # code names and texts in English, through the code lists and the document's translations
    assert all(body_rows(en)[i][j] == table.translations[v] for i, j, v in names)


def test_an_existing_project_is_replaced(corpus: Path, tmp_path: Path) -> None:
    peer.write_project(tmp_path / "hugo", corpus, 200)
    peer.write_project(tmp_path / "hugo", corpus, 41)
    assert len(content(tmp_path / "hugo", "zh")) + len(content(tmp_path / "hugo", "en")) == 41 - peer.OVERHEAD
