"""One English voice: every English text of a dataset follows the term base (reference/terms/terms.csv).

Checked, with file and line: the English narrative, the English of table text (translations.csv), of the
tables' titles and notes, of the source notes and of the descriptor.

* No text uses an English form the term base lists as one to avoid (“three public consumptions”).
* Amounts are written one way: `151.71 (CNY 10,000)` for 万元, `CNY 1,234.56` for 元.
* The English narrative is aligned with the Chinese one, block for block (paragraphs, headings, tables), and
  where a Chinese block names a term of the term base's prose categories (the three official expenses, the
  classifications, the performance framework), the publisher or a project, its English block uses that
  term's one English form, the publisher's English name, the project's one English name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .model import Budget, Finding
from .refs import as_text
from .terms import TermBase

RULE = "english"
NOT_TRANSLATED = "> Not yet translated."  # how `new` starts narrative/en.md until someone translates it
PROSE_CATEGORIES = ("three-public", "classification", "performance")
BAD_AMOUNTS = (
    (re.compile(r"\d[\d,]*(?:\.\d+)?\s+CNY 10,000"), "write an amount in 万元 as 151.71 (CNY 10,000)"),
    (re.compile(r"\bin units of CNY\b", re.IGNORECASE), "write an amount in 万元 as 151.71 (CNY 10,000)"),
    (re.compile(r"\d\s*(?:yuan|RMB)\b|\bRMB\s*\d", re.IGNORECASE), "write an amount in 元 as CNY 1,234.56"),
)
PROJECT_FIELDS = ("project_name", "project")


@dataclass(frozen=True)
class English:
    """One English text of the dataset and where it is."""

    file: str
    line: int | None
    text: str
    zh: str = ""  # the Chinese it translates, where the two are paired (a narrative block, a table text)


def check_english(budget: Budget, terms: TermBase) -> list[Finding]:
    texts = list(english_texts(budget))
    findings = [f for text in texts for f in avoided(budget, text, terms)]
    findings += [f for text in texts for f in amounts(budget, text)]
    findings += aligned(budget)
    names = dataset_names(budget) + prose_terms(terms)
    every = sorted({t.zh for t in terms.terms.values()} | {zh for zh, _ in names}, key=len, reverse=True)
    findings += [f for text in texts if text.zh for f in paired(budget, text, names, every)]
    return findings


def blocks(markdown: str) -> list[tuple[int, str]]:
    """(line, text) of each block of a Markdown narrative (blank-line separated), the translation notice aside."""
    out, start, lines = [], 0, markdown.split("\n")
    current: list[str] = []
    for n, line in enumerate(lines + [""], start=1):
        if line.strip():
            if not current:
                start = n
            current.append(line)
        elif current:
            block = "\n".join(current)
            if not block.startswith("> "):
                out.append((start, block))
            current = []
    return out


def english_texts(budget: Budget) -> Iterator[English]:
    zh = blocks(budget.narrative.get("zh", ""))
    en = blocks(budget.narrative.get("en", "")) if translated(budget) else []
    rel = narrative_file(budget)
    for k, (line, text) in enumerate(en):
        yield English(rel, line, text, zh[k][1] if k < len(zh) and len(zh) == len(en) else "")
    if "translations" in budget.resources:
        res = budget.resources["translations"]
        for i, row in enumerate(res.rows):
            yield English(res.path, i + 2, as_text(row["en"]), as_text(row["zh"]))
    if "source-notes" in budget.resources:
        res = budget.resources["source-notes"]
        for i, row in enumerate(res.rows):
            yield English(res.path, i + 2, as_text(row["note_en"]))
    for table in budget.tables:
        yield English("datapackage.json", None, table.title.en)
        if table.note:
            yield English("datapackage.json", None, table.note.text.en)
    for text in (budget.title.en, budget.description.en, budget.department.en):
        yield English("datapackage.json", None, text)


def narrative_file(budget: Budget) -> str:
    return str(budget.descriptor.get("x_narrative", {}).get("en", "narrative/en.md"))


def finding(budget: Budget, text: English, message: str, found: str = "", expected: str = "") -> Finding:
    return Finding("error", RULE, budget.slug, message, file=text.file, line=text.line, expected=expected,
                   found=found)


def avoided(budget: Budget, text: English, terms: TermBase) -> Iterator[Finding]:
    lower = text.text.lower()
    for term in terms.terms.values():
        for form in filter(None, term.avoid.split("|")):
            if form.lower() in lower:
                yield finding(budget, text, f"“{form}” is a form the term base avoids for “{term.zh}”",
                              found=form, expected=term.en)


def amounts(budget: Budget, text: English) -> Iterator[Finding]:
    for pattern, advice in BAD_AMOUNTS:
        for m in pattern.finditer(text.text):
            if text.text[max(0, m.start() - 1):m.start()] != "(":
                yield finding(budget, text, f"amount style: {advice}", found=m[0])


def translated(budget: Budget) -> bool:
    """Whether the dataset has an English narrative (not `new`'s template waiting for a translator)."""
    return bool(budget.narrative.get("en")) and not budget.narrative["en"].startswith(NOT_TRANSLATED)


def aligned(budget: Budget) -> list[Finding]:
    if not translated(budget):
        return []
    zh, en = blocks(budget.narrative.get("zh", "")), blocks(budget.narrative.get("en", ""))
    if not zh or not en or len(zh) == len(en):
        return []
    return [Finding("error", RULE, budget.slug, "the English narrative is not aligned with the Chinese block for "
                    "block (paragraphs, headings, tables)", file=narrative_file(budget),
                    expected=f"{len(zh)} blocks", found=f"{len(en)} blocks")]


def prose_terms(terms: TermBase) -> list[tuple[str, str]]:
    return [(t.zh, t.en) for t in terms.terms.values() if t.category in PROSE_CATEGORIES]


def dataset_names(budget: Budget) -> list[tuple[str, str]]:
    """The publisher's and the projects' Chinese names with their one English name."""
    names = [(budget.department.zh, budget.department.en)] if budget.department.en else []
    translations = budget.translations_en()
    for res in budget.resources.values():
        for field in PROJECT_FIELDS:
            if field in res.field_names:
                names += [(as_text(r[field]), translations[as_text(r[field])]) for r in res.rows
                          if as_text(r[field]) in translations]
    return sorted(set(names))


def paired(budget: Budget, text: English, names: list[tuple[str, str]], every: list[str]) -> Iterator[Finding]:
    """A Chinese text that names a term or name has its English form in the English text. Terms are found
    longest first among all the term base's terms (国有资本经营预算拨款 is not 国有资本经营预算); the English is
    compared word by word, plurals aside (appropriation, appropriations)."""
    required = dict(names)
    english = words(text.text)
    rest = text.zh
    for zh in every:
        if zh and zh in rest:
            rest = rest.replace(zh, "\0")
            en = required.get(zh)
            if en and words(en) not in english:
                yield finding(budget, text, f"the Chinese names “{zh}”, the English does not use its one English "
                              "form", expected=en, found=excerpt(text.text))


def words(text: str) -> str:
    """Lower-case words without plural endings, space-separated: what two English forms are compared by."""
    return " " + " ".join(re.sub(r"(?<=[a-z]{3})s$", "", w) for w in re.findall(r"[a-z0-9]+", text.lower())) + " "


def excerpt(text: str, width: int = 80) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[:width - 1] + "…"


def descriptor_texts(descriptor: dict[str, Any]) -> list[str]:
    """The English of a descriptor's own texts (title, description, keywords)."""
    en = descriptor.get("x_i18n", {}).get("en", {})
    return [as_text(en.get("title")), as_text(en.get("description"))]
