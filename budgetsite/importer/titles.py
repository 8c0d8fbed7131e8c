"""Which kind of table a printed title names (the catalogue's title variants), allowing the numbering and
wording of other departments and years: `表五 一般公共预算支出情况表`, `附表1：部门收支预算总体情况表`,
`2025年部门财务收支预算总表`, `厦门市某局2024年度部门收支预算总表`,
`一般公共预算基本支出情况表（细化至经济分类款级科目）`, and project-specific titles such as
`信息化专项资金项目绩效目标表`; and the number a title or contents entry prints (五, 1, 十一)."""

from __future__ import annotations

import re

from ..catalogue import Catalogue
from ..numerals import number_value
from .cells import normal

_NUMERALS = "0123456789一二三四五六七八九十"
_NUM = rf"[{_NUMERALS}]+"
# Numbering before a title: `表五`, `附表1：`, `一、`, `1.`, `（三）`, `(2024年度)`, list bullets. Chinese numerals
# run into the title (`表五一般公共预算…`), so every split is tried, shortest prefix first.
_UNIT = rf"(?:(?:附表|表|附件)-?{_NUM}(?:-{_NUM})?[:.、]?|{_NUM}[.、:]|\({_NUM}\)|\(\d{{4}}年度?\))"
_PREFIX = re.compile(rf"[-•·*]*{_UNIT}*")
SEPARATORS = " :：.、)）"
_YEAR = re.compile(r"^.*?\d{4}年度?")
_SUFFIX = re.compile(r"\(\d{4}年度?\)$")
MAX_TITLE = 60
# A number after 表/附表/附件, or a bare number followed by a separator (一、, 5., 1．): never the 一 of 一般.
PREFIXED_NUMBER = re.compile(r"^[-•·*\s]*(?:附表|表|附件)\s*-?\s*([0-9]+|[一二三四五六七八九十]+)")
BARE_NUMBER = re.compile(r"^[-•·*\s]*([0-9]+|[一二三四五六七八九十]+)\s*[.．、:：)）]")


def cores(title: str) -> list[str]:
    """The title without bullets, numbering, department/year prefix and year suffix, for each possible split."""
    text = normal(title)
    out = []
    for k in range(min(len(text), 12) + 1):
        if _PREFIX.fullmatch(text[:k]):
            rest = _SUFFIX.sub("", text[k:])
            out.append(_YEAR.sub("", rest, count=1) or rest)
    return out


def recognise(title: str, catalogue: Catalogue) -> str:
    """The kind of table a title names ("" if none)."""
    if len(title) > MAX_TITLE:
        return ""
    for text in cores(title):
        for kind in catalogue.kinds.values():
            if kind.matches(text):
                return kind.id
    return ""


def printed_number(title: str) -> str:
    """The number a title or contents entry prints before its name (`表五` -> 五, `1. 2025年…` -> 1); ""."""
    text = title.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = PREFIXED_NUMBER.match(text) or BARE_NUMBER.match(text)
    return m[1] if m and number_value(m[1]) else ""


def table_id(number: str, position: int) -> str:
    """A table's id from its printed number (t05 for 五 or 5), else from its position in the document."""
    return f"t{number_value(number) or position:02d}"


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
