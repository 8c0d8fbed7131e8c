"""The narrative parts of the source text (第一部分 to 第三部分) as Markdown, for narrative/zh.md.

Headings by their numbering (第一部分 -> #, 一、 -> ##, （一） -> ###, 1. -> ####, (1) -> #####) where the line
is short and no sentence; a paragraph broken by a page end (no closing punctuation, next line no heading) is
joined again; tab-separated rows become a Markdown table. The words are never changed.
"""

from __future__ import annotations

import re

from .layout import PARTS

HEADINGS = (
    (re.compile(r"第[一二三四五六七八九十]+\s*部分"), 1, 40),
    (re.compile(r"[一二三四五六七八九十]+、"), 2, 30),
    (re.compile(r"[（(][一二三四五六七八九十]+[）)]"), 3, 20),
    (re.compile(r"\d+[.．、]\s*\S"), 4, 12),
    (re.compile(r"[（(]\d+[）)]"), 5, 10),
)
CLOSED = tuple("。！？；;!?：:）)”」》")
PART_NAME = re.compile(r"^(第[一二三四五六七八九十]+部分)\s*")
WRAPPED = 30  # a paragraph cut by a page end is a long one; a short unpunctuated line is a lead-in of its own
LIST_ITEM = re.compile(r"[-•·]\s+")
ESCAPE = re.compile(r"^(\d+)([.)])")
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# Text extraction puts spaces between Chinese characters and figures (`2024 年`, `0.00 万元`); they are no
# part of the text and go. Spaces next to Latin letters or other signs stay (`含 AI`, `1. 项目概述`).
EXTRACTION_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}\d])|(?<=[{_CJK}\d])[ \t]+(?=[{_CJK}])")


def heading_level(text: str) -> int:
    for pattern, level, longest in HEADINGS:
        if pattern.match(text) and len(text) <= longest and "。" not in text and not text.endswith(("：", ":")):
            return level
    return 0


def to_markdown(lines: tuple[tuple[int, str], ...]) -> str:
    blocks: list[str] = []
    table: list[list[str]] = []
    open_paragraph = False
    for _, raw in lines:
        text = EXTRACTION_SPACE.sub("", raw.strip())
        if "\t" in raw:
            table.append([c.strip() for c in raw.split("\t")])
            open_paragraph = False
            continue
        if table:
            blocks.append(markdown_table(table))
            table = []
        if not text:
            continue
        level = heading_level(text)
        if level:
            blocks.append("#" * level + " " + (PART_NAME.sub(r"\1 ", text, count=1) if level == 1 else text))
            open_paragraph = False
        elif open_paragraph and not LIST_ITEM.match(text):
            blocks[-1] += text
            open_paragraph = not text.endswith(CLOSED)
        else:
            blocks.append(paragraph(text))
            open_paragraph = len(text) >= WRAPPED and not text.endswith(CLOSED)
    if table:
        blocks.append(markdown_table(table))
    return "\n\n".join(blocks) + "\n"


def paragraph(text: str) -> str:
    if LIST_ITEM.match(text):
        return "- " + ESCAPE.sub(r"\1\\\2", LIST_ITEM.sub("", text, count=1))
    return ESCAPE.sub(r"\1\\\2", text.lstrip("#>+ "))


def markdown_table(rows: list[list[str]]) -> str:
    width = max(len(r) for r in rows)
    cells = [[c.replace("|", "\\|") for c in r] + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
    return "\n".join(lines)


def template(lang: str, year: int) -> str:
    """A narrative with the standard part headings, each marked as still to be written."""
    if lang == "zh":
        parts = [f"# {zh.format(year=year)}\n\n（待填写：运行 `python build.py import` 导入原文，或在此填写本部分。）"
                 for zh, _ in PARTS]
        return "\n\n".join(parts) + "\n"
    head = ("> Not yet translated. The Chinese text is the published original; this English version is still to "
            "be written (an unofficial translation, marked as such).")
    parts = [f"# {en.format(year=year)}\n\n(Translation to be written.)" for _, en in PARTS]
    return head + "\n\n" + "\n\n".join(parts) + "\n"
