"""Numbers printed in Chinese numerals, as tables and headings number themselves (表五, 十一、)."""

from __future__ import annotations

CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def number_value(number: str) -> int:
    """一 -> 1, 十一 -> 11, 二十三 -> 23, 5 -> 5; 0 for no number."""
    if number.isdigit():
        return int(number)
    if not number or any(c not in CHINESE_DIGITS and c != "十" for c in number):
        return 0
    if "十" not in number:
        return CHINESE_DIGITS.get(number, 0)
    tens, _, units = number.partition("十")
    return (CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + CHINESE_DIGITS.get(units, 0)
