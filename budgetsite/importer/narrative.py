"""The narrative of a document (its paragraphs: text.py and pdflayout.py find them) as Markdown, for
narrative/zh.md.

Headings by their numbering (第一部分 -> #, 一、 -> ##, （一） -> ###, 1. -> ####, (1) -> #####) where the text
is short and no sentence, and centred titles without numbering as parts (#); tables printed in the narrative
become Markdown tables. The words are never changed: only the spaces text extraction puts between Chinese
characters and figures go.
"""

from __future__ import annotations

import re

from ..english import NOT_TRANSLATED
from .layout import PARTS
from .model import Paragraph

HEADINGS = (
    (re.compile(r"第[一二三四五六七八九十]+\s*部分"), 1, 40),
    (re.compile(r"[一二三四五六七八九十]+、"), 2, 40),
    (re.compile(r"[（(][一二三四五六七八九十]+[）)]"), 3, 30),
    (re.compile(r"\d+[.．、]\s*\S"), 4, 12),
    (re.compile(r"[（(]\d+[）)]"), 5, 10),
)
CLOSED = tuple("。！？；;!?：:）)”」》")
PART_NAME = re.compile(r"^(第[一二三四五六七八九十]+部分)\s*")
CENTRED_TITLE = 60  # a centred line this long at most, with no numbering, is the title of a part
WRAPPED = 30  # a paragraph cut by a page end is a long one; a short unpunctuated line is a lead-in of its own
LIST_ITEM = re.compile(r"[-•·]\s+")
ESCAPE = re.compile(r"^(\d+)([.)])")
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# Text extraction puts spaces between Chinese characters and figures (`2024 年`, `0.00 万元`); they are no
# part of the text and go. Spaces next to Latin letters or other signs stay (`含 AI`, `1. 项目概述`).
EXTRACTION_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}\d])|(?<=[{_CJK}\d])[ \t]+(?=[{_CJK}])")


def heading_level(text: str) -> int:
    for pattern, level, longest in HEADINGS:
        if (pattern.match(text) and len(text) <= longest and "。" not in text
                and not text.endswith(("：", ":", "；", ";", "，", ","))):
            return level
    return 0


def list_item(paragraphs: tuple[Paragraph, ...], i: int) -> bool:
    """A short numbered line (1. …, (1) …) that is an item of a list, not a heading: no body text follows it
    before the next numbered line or heading."""
    level = heading_level(paragraphs[i].text)
    if level < 4:
        return False
    nxt = next((p for p in paragraphs[i + 1:] if p.text or p.rows), None)
    return nxt is None or bool(nxt.rows) or bool(heading_level(nxt.text)) or nxt.centred


def text_paragraphs(lines: tuple[tuple[int, str], ...]) -> tuple[Paragraph, ...]:
    """The paragraphs of plain text lines, where the line breaks of the print are not known: a heading is a
    paragraph of its own, tab-separated lines are a table, and a long line without closing punctuation is
    continued by the next (a paragraph cut by a page end)."""
    out: list[Paragraph] = []
    table: list[tuple[str, ...]] = []
    open_paragraph = False
    for number, raw in lines:
        text = EXTRACTION_SPACE.sub("", raw.strip())
        if "\t" in raw:
            if not table:
                out.append(Paragraph(number))
            table.append(tuple(c.strip() for c in raw.split("\t")))
            out[-1] = Paragraph(out[-1].start, rows=tuple(table))
            open_paragraph = False
            continue
        table = []
        if not text:
            continue
        if heading_level(text):
            out.append(Paragraph(number, text))
            open_paragraph = False
        elif open_paragraph and not LIST_ITEM.match(text):
            out[-1] = Paragraph(out[-1].start, out[-1].text + text)
            open_paragraph = not text.endswith(CLOSED)
        else:
            out.append(Paragraph(number, text))
            open_paragraph = len(text) >= WRAPPED and not text.endswith(CLOSED)
    return tuple(out)


def to_markdown(paragraphs: tuple[Paragraph, ...]) -> str:
    """Markdown of the narrative: headings by their numbering (a centred title with none is a part: #)."""
    blocks: list[str] = []
    for i, p in enumerate(paragraphs):
        if p.rows:
            blocks.append(markdown_table([list(r) for r in p.rows]))
            continue
        text = EXTRACTION_SPACE.sub("", p.text.strip())
        if not text:
            continue
        level = 0 if list_item(paragraphs, i) else heading_level(text)
        level = level or (1 if p.centred and len(text) <= CENTRED_TITLE else 0)
        if level:
            blocks.append("#" * level + " " + (PART_NAME.sub(r"\1 ", text, count=1) if level == 1 else text))
        else:
            blocks.append(paragraph(text))
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
    head = (f"{NOT_TRANSLATED} The Chinese text is the published original; this English version is still to be "
            "written (an unofficial translation, marked as such). Until it is, the English pages show the Chinese.")
    parts = [f"# {en.format(year=year)}\n\n(Translation to be written.)" for _, en in PARTS]
    return head + "\n\n" + "\n\n".join(parts) + "\n"
