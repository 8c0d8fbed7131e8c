"""Which standard table a printed title names, allowing the numbering and wording of other departments and
years: `表五 一般公共预算支出情况表`, `附表1：部门收支预算总体情况表`, `2024年部门收支预算总体情况表`,
`厦门市某局2024年度部门收支预算总表`, `一般公共预算基本支出情况表（细化至经济分类款级科目）`, and
project-specific titles of table 11 such as `信息化专项资金项目绩效目标表`."""

from __future__ import annotations

import re

from .cells import normal
from .layout import TABLES

_NUMERALS = "0123456789一二三四五六七八九十"
_NUM = rf"[{_NUMERALS}]+"
# Numbering before a title: `表五`, `附表1：`, `一、`, `1.`, `（三）`, `(2024年度)`, list bullets. Chinese numerals
# run into the title (`表五一般公共预算…`), so every split is tried, shortest prefix first.
_UNIT = rf"(?:(?:附表|表|附件)-?{_NUM}(?:-{_NUM})?[:.、]?|{_NUM}[.、:]|\({_NUM}\)|\(\d{{4}}年度?\))"
_PREFIX = re.compile(rf"[-•·*]*{_UNIT}*")
SEPARATORS = " :：.、)）"
_YEAR = re.compile(r"^.*?\d{4}年度?")
_SUFFIX = re.compile(r"\(\d{4}年度?\)$")
_PATTERNS = [(t.id, [re.compile(p) for p in t.titles]) for t in TABLES]
MAX_TITLE = 60


def cores(title: str) -> list[str]:
    """The title without bullets, numbering, department/year prefix and year suffix, for each possible split."""
    text = normal(title)
    out = []
    for k in range(min(len(text), 12) + 1):
        if _PREFIX.fullmatch(text[:k]):
            rest = _SUFFIX.sub("", text[k:])
            out.append(_YEAR.sub("", rest, count=1) or rest)
    return out


def recognise(title: str) -> str:
    """The standard table id a title names ("" if none). Table 11 titles are per project."""
    if len(title) > MAX_TITLE:
        return ""
    for text in cores(title):
        for table_id, patterns in _PATTERNS:
            if any(p.fullmatch(text) for p in patterns):
                return table_id
    return ""


def without_numbering(title: str) -> str:
    """A printed title without its numbering, spelt as printed: `表十一（一） 信息化专项资金项目绩效目标表` ->
    `信息化专项资金项目绩效目标表`. A prefix ending at a separator wins; else the longest one after which no
    numeral follows (`表十一专项…`)."""
    text = title.strip()
    cuts = [k for k in range(1, min(len(text), 16) + 1) if _PREFIX.fullmatch(normal(text[:k])) and text[k:].strip()]
    if not cuts:
        return text
    separated = [k for k in cuts if text[k - 1] in SEPARATORS or text[k:k + 1].isspace()]
    if separated:
        return text[max(separated):].strip()
    wordy = [k for k in cuts if text[k] not in _NUMERALS]
    return text[max(wordy) if wordy else min(cuts):].strip()
