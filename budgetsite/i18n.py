"""UI strings: one TOML catalog per language (i18n/zh.toml, i18n/en.toml), flattened to dotted keys.

A key missing from the page's language is a build error, not a silent fallback: the key-parity test keeps
the catalogs identical in shape, and a typo in a template fails loudly.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .model import Text

Catalog = dict[str, str]


def flatten(data: dict[str, Any], prefix: str = "") -> Catalog:
    out: Catalog = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


def load_catalogs(folder: Path, langs: tuple[str, ...]) -> dict[str, Catalog]:
    return {lang: flatten(tomllib.loads((folder / f"{lang}.toml").read_text(encoding="utf-8"))) for lang in langs}


def key_differences(catalogs: dict[str, Catalog]) -> dict[str, set[str]]:
    """Keys present in some catalog but missing from this one, per language."""
    every = set().union(*catalogs.values())
    return {lang: every - set(cat) for lang, cat in catalogs.items() if every - set(cat)}


class MissingString(KeyError):
    pass


def translator(catalog: Catalog, lang: str) -> Callable[..., str]:
    """Strings by key, filled with `values`. Where `count` is 1 and the catalog has `<key>_one`, that string
    is taken ("1 document"; Chinese has no plural, so its `_one` strings repeat the others)."""
    def gettext(key: str, **values: Any) -> str:
        if values.get("count") == 1 and f"{key}_one" in catalog:
            key = f"{key}_one"
        try:
            text = catalog[key]
        except KeyError:
            raise MissingString(f"UI string '{key}' is missing from i18n/{lang}.toml") from None
        return text.format(**values) if values else text

    return gettext


class UI:
    """The UI strings of both languages at once, for texts built outside templates (page titles, labels)."""

    def __init__(self, catalogs: dict[str, Catalog]):
        self.catalogs = catalogs

    def text(self, key: str, **values: Any) -> Text:
        """The string `key` in Chinese and English; a Text value fills each language with its own side."""
        def one(lang: str) -> str:
            filled = {k: v.get(lang) if isinstance(v, Text) else v for k, v in values.items()}
            return translator(self.catalogs[lang], lang)(key, **filled)

        return Text(one("zh"), one("en"))
