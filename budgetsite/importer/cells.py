"""Reading single cells as printed: normalised header/title text, amounts, codes, units, numbering.

Pure functions on strings. An amount is kept exactly as printed, in its printed unit: only the thousands
separators go (`91,016,775.35` -> `91016775.35`); nothing is converted or rounded.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_WIDE = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "　": " ", "＞": ">", "＜": "<",
                       "＝": "=", "％": "%", "．": "."})
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_SPACE = re.compile(r"\s+")

AMOUNT = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
CODE = re.compile(r"\d{3}(\d{2}){0,2}")
BLANKS = ("-", "—", "–", "－", "/", "——")
TOTAL = re.compile(r"(本年)?(收入|支出)?(合计|总计)[:]?")
NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.、．](?!\d))")
UNIT_TEXT = re.compile(r"(?:金额)?单位[:：]\s*(万元|元)")
SUBTITLE = re.compile(r"[(（]\s*\d{4}\s*年度?\s*[)）]")
NOTE = re.compile(r"(说明|注|备注)\s*[:：\d]")
SUFFIXED = re.compile(r"(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(万元|元)")


class CellError(ValueError):
    """A cell that cannot be read as what its column holds."""


def normal(text: str) -> str:
    """Header and title text for comparison: no whitespace or quotes, ASCII brackets, colons and commas."""
    return _QUOTES.sub("", _SPACE.sub("", text.translate(_WIDE)))


def clean(text: str) -> str:
    """A text cell as stored: surrounding whitespace removed, nothing else changed."""
    return text.strip()


def is_amount(text: str) -> bool:
    return bool(AMOUNT.fullmatch(text.strip()))


def is_total(text: str) -> bool:
    return bool(TOTAL.fullmatch(normal(text)))


def is_data_signal(text: str) -> bool:
    """True for a cell that only a data row holds: a number, a code or a numbered label."""
    t = text.strip()
    return bool(t) and (is_amount(t) or bool(NUMBERING.match(t)))


def number(text: str) -> Decimal:
    t = text.strip().replace(",", "")
    try:
        return Decimal(t)
    except InvalidOperation:
        raise CellError(f"'{text.strip()}' is not a number") from None


def places_of(text: str) -> int:
    """Decimal places of a printed figure: `2,759.64` -> 2, `4,614` -> 0."""
    _, dot, decimals = text.strip().partition(".")
    return len(decimals) if dot else 0


def amount(text: str) -> tuple[str, int | None]:
    """An amount cell as stored (`2759.64`; "" for blank) and the decimal places it is printed with (None for
    a blank). Only the thousands separators are removed."""
    t = text.strip()
    if not t or t in BLANKS:
        return "", None
    if not AMOUNT.fullmatch(t):
        raise CellError(f"'{t}' is not an amount")
    return t.replace(",", ""), places_of(t)


def suffixed_amount(text: str, unit: str) -> tuple[str, int | None]:
    """An amount written with its unit in the cell ("81.11万元"), which must be the table's unit; a bare number
    is in the table's unit."""
    t = text.strip()
    m = SUFFIXED.fullmatch(t)
    if m:
        if m[2] != unit:
            raise CellError(f"'{t}' is printed in {m[2]}, the table's other figures in {unit}")
        return amount(m[1])
    return amount(t)


def plain_number(text: str) -> str:
    """A non-amount number as printed, without thousands separators ("85", "99.5")."""
    value = number(text)
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def unit_of(text: str) -> str:
    m = UNIT_TEXT.search(text.translate(_WIDE).replace(" ", ""))
    return m[1] if m else ""


def strip_numbering(label: str) -> str:
    return NUMBERING.sub("", label, count=1).strip()


def display(value: object) -> str:
    """A spreadsheet cell as text: integral floats without `.0`, other floats by their shortest repr."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        d = Decimal(repr(value))
        return format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
