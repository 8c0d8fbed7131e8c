"""The bilingual term base (reference/terms/terms.csv): the one English form of each recurring Chinese term.

Table kinds, column titles, document kinds and units take their English from here, so a term is translated
once and the same way everywhere. Each entry says whether its English is official (with the publication
that uses it) or proposed by this site, and may list English forms to avoid (`avoid`, "|"-separated), which
budgetsite/english.py refuses in every English text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

TERMS_FILE = Path("terms") / "terms.csv"
COLUMNS = ("zh", "en", "category", "status", "source", "avoid")
STATUSES = ("official", "proposed")


class TermError(ValueError):
    """A term base that cannot be used, or a term it lacks."""


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    category: str
    status: str  # official | proposed
    source: str
    avoid: str = ""  # English forms not to use for it ("|" between them): the English checker refuses them


@dataclass(frozen=True)
class TermBase:
    terms: dict[str, Term]  # by the Chinese form

    def en(self, zh: str, where: str) -> str:
        """The English of a Chinese term; a missing term is an error naming where it is used."""
        term = self.terms.get(zh)
        if term is None:
            raise TermError(f"{where}: no English for “{zh}” in reference/{TERMS_FILE.as_posix()}")
        return term.en


def parse_terms(text: str, origin: str) -> TermBase:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise TermError(f"{origin}: header must be {','.join(COLUMNS)}")
    terms: dict[str, Term] = {}
    for line, row in enumerate(reader, start=2):
        if None in row or None in row.values():
            raise TermError(f"{origin}:{line}: {len(COLUMNS)} fields expected (a comma inside a field needs quotes)")
        term = Term(**{k: (row.get(k) or "").strip() for k in COLUMNS})
        if not term.zh or not term.en:
            raise TermError(f"{origin}:{line}: a term needs both its Chinese and its English")
        if term.status not in STATUSES:
            raise TermError(f"{origin}:{line}: status must be official or proposed, found {term.status!r}")
        if term.status == "official" and not term.source:
            raise TermError(f"{origin}:{line}: an official English name needs its source")
        if term.zh in terms:
            raise TermError(f"{origin}:{line}: “{term.zh}” is listed twice (one English form per term)")
        terms[term.zh] = term
    return TermBase(terms)


def load_terms(reference: Path) -> TermBase:
    path = reference / TERMS_FILE
    try:
        return parse_terms(path.read_text(encoding="utf-8"), f"reference/{TERMS_FILE.as_posix()}")
    except (OSError, UnicodeDecodeError) as exc:
        raise TermError(f"reference/{TERMS_FILE.as_posix()}: cannot be read: {exc}") from None
