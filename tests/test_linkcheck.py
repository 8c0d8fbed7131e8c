"""The build's link check (budgetsite/linkcheck.py) on a small tree: what it accepts and what it names."""

from __future__ import annotations

from pathlib import Path

from budgetsite.linkcheck import broken_links


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_every_kind_of_broken_link_is_named_and_good_ones_pass(tmp_path):
    root = tree(tmp_path, {
        "index.html": '<a href="zh/">zh</a> <a href="zh/a/#top">anchor</a> <link href="assets/style.css">',
        "assets/style.css": "",
        "zh/index.html": '<a href="../">up</a> <a href="a/">a</a> <a href="b/">missing</a>'
                         ' <a href="a/#nowhere">bad anchor</a> <a href="../../x/">out</a>'
                         ' <a href="javascript:alert(1)">js</a> <a href="/elsewhere/">base</a>',
        "zh/a/index.html": '<h1 id="top">a</h1> <a href="../../assets/style.css">css</a>',
    })
    assert broken_links(root, "/budget/") == [
        "zh/index.html -> b/: no such file zh/b/index.html",
        "zh/index.html -> a/#nowhere: no element with id 'nowhere' in zh/a/index.html",
        "zh/index.html -> ../../x/: leaves the site",
        "zh/index.html -> javascript:alert(1): scheme not allowed",
        "zh/index.html -> /elsewhere/: outside the base path /budget/",
    ]
    assert broken_links(root, "/budget/", only=["index.html", "zh/a/index.html"]) == []


def test_a_folder_is_not_a_file(tmp_path):
    root = tree(tmp_path, {"index.html": '<a href="data">data</a>', "data/x.csv": ""})
    assert broken_links(root) == ["index.html -> data: no such file data"]


def test_an_anchor_is_an_id_attribute_and_nothing_that_ends_in_id(tmp_path):
    root = tree(tmp_path, {
        "index.html": '<a href="a/#row">row</a> <a href="a/#data">data</a> <a href="a/#p&amp;l">p&amp;l</a>'
                      ' <a href="a/#line">line</a>',
        "a/index.html": '<tr\nid="row"><td data-id="data" grid="line"><p\tid="p&amp;l">',
    })
    assert broken_links(root) == [
        "index.html -> a/#data: no element with id 'data' in a/index.html",
        "index.html -> a/#line: no element with id 'line' in a/index.html",
    ]
