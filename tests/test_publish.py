"""Publishing a staged tree (budgetsite/writer.py): folders kept from the live site are moved in by one rename
each once every check has passed, and go back where they were when publishing fails or is killed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budgetsite import writer as writer_module
from budgetsite.linkcheck import broken_links
from budgetsite.writer import SiteWriter, WriteRefused, journal_of, publish, recover, staging


def tree_of(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def live(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for path, text in {"index.html": "old home", "zh/a-2024/index.html": '<a href="t01/">t01</a>',
                       "zh/a-2024/t01/index.html": '<p id="r1">row</p>', "data/a-2024/a.csv": "x,y\n",
                       "zh/b-2024/index.html": "b"}.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text, encoding="utf-8")
    return site


def staged_writer(live: Path) -> SiteWriter:
    staged = live.parent / ".site-build-test"
    staged.mkdir()
    return SiteWriter(staged)


def keep_a(writer: SiteWriter, live: Path) -> None:
    writer.keep("zh/a-2024", live / "zh/a-2024", ["zh/a-2024/index.html", "zh/a-2024/t01/index.html"])
    writer.keep("data/a-2024", live / "data/a-2024", ["data/a-2024/a.csv"])


def test_kept_folders_are_moved_in_whole_and_the_rest_is_new(live: Path):
    inode = (live / "zh/a-2024/t01/index.html").stat().st_ino
    writer = staged_writer(live)
    keep_a(writer, live)
    writer.write_text("index.html", "new home")
    assert writer.source("zh/a-2024/t01/index.html") == live / "zh/a-2024/t01/index.html"
    assert writer.source("index.html") == writer.root / "index.html"
    old = publish(writer, live)
    assert tree_of(live) == {"index.html": "new home", "zh/a-2024/index.html": '<a href="t01/">t01</a>',
                             "zh/a-2024/t01/index.html": '<p id="r1">row</p>', "data/a-2024/a.csv": "x,y\n"}
    assert (live / "zh/a-2024/t01/index.html").stat().st_ino == inode, "moved, not copied"
    assert old is not None and tree_of(old) == {"index.html": "old home", "zh/b-2024/index.html": "b"}
    assert not journal_of(live).exists()


def test_a_failed_swap_puts_the_kept_folders_back(live: Path, monkeypatch):
    before = tree_of(live)
    writer = staged_writer(live)
    keep_a(writer, live)
    writer.write_text("index.html", "new home")

    def failing(new: Path, target: Path) -> None:
        raise OSError("rename failed (simulated)")

    monkeypatch.setattr(writer_module, "swap_folder", failing)
    with pytest.raises(OSError, match="simulated"):
        publish(writer, live)
    assert tree_of(live) == before
    assert tree_of(writer.root) == {"index.html": "new home"}
    assert not journal_of(live).exists()


def test_a_publish_killed_while_moving_is_undone_by_the_next_build(live: Path):
    before = tree_of(live)
    writer = staged_writer(live)
    keep_a(writer, live)
    moves = sorted(writer.kept.items())
    journal_of(live).write_text(json.dumps({"tree": str(writer.root), "output": str(live),
                                            "moves": [[f, str(s)] for f, s in moves]}), encoding="utf-8")
    (writer.root / "data").mkdir()
    (live / "data/a-2024").rename(writer.root / "data/a-2024")  # the first move done, then the process died
    assert "data/a-2024/a.csv" not in tree_of(live)
    with staging(live) as fresh:
        assert tree_of(live) == before, "the live site is whole again before anything is built"
        assert not writer.root.exists() and not journal_of(live).exists()
        assert fresh.is_dir()


def test_recover_after_the_swap_leaves_the_new_site(live: Path):
    journal_of(live).write_text(json.dumps({"tree": str(live.parent / ".site-build-gone"), "output": str(live),
                                            "moves": [["zh/a-2024", str(live.parent / "old/zh/a-2024")]]}),
                                encoding="utf-8")
    before = tree_of(live)
    recover(live)
    assert tree_of(live) == before and not journal_of(live).exists()


def test_nothing_is_written_into_a_kept_folder(live: Path):
    writer = staged_writer(live)
    keep_a(writer, live)
    with pytest.raises(WriteRefused, match="kept from the live site"):
        writer.write_text("zh/a-2024/t02/index.html", "x")
    with pytest.raises(WriteRefused, match="twice"):
        writer.write_text("zh/a-2024/index.html", "x")
    with pytest.raises(WriteRefused, match="kept from the live site"):
        writer.adopt(["data/a-2024/b.csv"])
    with pytest.raises(WriteRefused, match="kept from the live site"):
        writer.keep("zh/a-2024/t01", live / "zh/a-2024/t01", [])
    with pytest.raises(WriteRefused, match="has files there"):
        writer.keep("zh", live / "zh", [])
    writer.write_text("zh/b-2024/index.html", "new b")
    with pytest.raises(WriteRefused, match="has files there"):
        writer.keep("zh/b-2024", live / "zh/b-2024", ["zh/b-2024/index.html"])
    with pytest.raises(WriteRefused, match="not in that folder"):
        writer.keep("zh/c-2024", live / "zh/c-2024", ["zh/c-2024/index.html", "zh/index.html"])
    with pytest.raises(WriteRefused, match="not a relative file path|outside"):
        writer.keep("../elsewhere", live, [])
    assert not (writer.root / "zh/a-2024").exists()


def test_the_link_check_follows_links_into_kept_folders(live: Path):
    writer = staged_writer(live)
    keep_a(writer, live)
    writer.write_text("index.html", '<a href="zh/a-2024/t01/#r1">row</a> <a href="data/a-2024/a.csv">csv</a>')
    assert broken_links(writer.root, only=["index.html"], tree=writer) == []
    writer.write_text("other.html", '<a href="zh/a-2024/t01/#r2">x</a> <a href="zh/b-2024/">b</a>')
    assert broken_links(writer.root, only=["other.html"], tree=writer) == [
        "other.html -> zh/a-2024/t01/#r2: no element with id 'r2' in zh/a-2024/t01/index.html",
        "other.html -> zh/b-2024/: no such file zh/b-2024/index.html"], "b-2024 is on the live site, not kept"
