"""Which pages the site has, and the context each template receives."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from markupsafe import Markup, escape

from . import charts, urls
from .catalogue import Catalogue
from .english import translated
from .figures import compare, key_figures
from .i18n import UI
from .metadata import dataset_jsonld
from .model import UNITS, Amount, Budget, BudgetSummary, Table, Text, ValidationResult
from .render import Page, markdown_html
from .views import Labels, SourceNoteView, check_views, resource_view, source_notes, table_checks

H1 = re.compile(r"^# (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    html: str
    glossary: bool


def sections(markdown_text: str, glossary_flags: list[bool], lang: str) -> list[Section]:
    """Split the narrative at its top-level headings (第一部分, 第二部分, ...)."""
    heads = list(H1.finditer(markdown_text))
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(markdown_text)
        body = markdown_text[m.end():end]
        flag = glossary_flags[i] if i < len(glossary_flags) else False
        out.append(Section(f"part-{i + 1}", m[1].strip(), markdown_html(body, heading_offset=2, lang=lang), flag))
    return out


def narrative(budget: Budget) -> dict[str, list[Section]]:
    zh_heads = [m[1] for m in H1.finditer(budget.narrative.get("zh", ""))]
    flags = ["名词解释" in h for h in zh_heads]
    out = {lang: sections(text, flags, lang) for lang, text in budget.narrative.items()
           if lang == "zh" or translated(budget)}
    notes = [n for n in source_notes(budget) if n.quote]
    if notes and "zh" in out:
        link = urls.relative(urls.budget("zh", budget.slug), urls.quality("zh", budget.slug))
        out["zh"] = [replace(s, html=mark_quotes(s.html, notes, link)) for s in out["zh"]]
    return out


def mark_quotes(html: str, notes: list[SourceNoteView], quality: str) -> Markup:
    """The words of the narrative a source note is about, marked where they are printed and linked to the
    note on the data-quality page (the first time they occur; the words themselves are unchanged)."""
    parts = re.split(r"(<[^>]*>)", str(html))
    for note in notes:
        quote = str(escape(note.quote))
        for i, part in enumerate(parts):
            if not part.startswith("<") and quote in part:
                marked = (f'<mark class="source-note"><a href="{quality}#note-{escape(note.id)}">{quote}</a>'
                          f'<sup>{escape(note.id)}</sup></mark>')
                parts[i] = part.replace(quote, marked, 1)
                break
    return Markup("".join(parts))  # noqa: S704 - the narrative was sanitised; quotes and ids are escaped here


def table_title(budget: Budget, table_id: str) -> Text:
    t = budget.table(table_id)
    label = t.label
    return Text(f"{label.zh} {t.title.zh}", f"{label.en}: {t.title.en}")


def budget_pages(result: ValidationResult, epoch: int, site_url: str, catalogue: Catalogue, ui: UI) -> list[Page]:
    budget = result.budget
    assert budget is not None
    labels = Labels(budget, catalogue, ui.text(f"document.{budget.document}.narrative"))
    from .export import errata_index

    errata = errata_index(budget)
    checks = check_views(budget, result.checks, labels)
    figures = key_figures(budget)
    story = narrative(budget)
    total = figures.total
    chart_set = {
        "function": charts.bar_chart("chart-function", figures.by_function,
                                     total.value if total and total.unit == figures.by_function.unit else None),
        "economic": charts.bar_chart("chart-economic", figures.by_economic),
        "basic_project": charts.split_chart("chart-basic-project", figures.basic_project),
        "personnel_public": charts.split_chart("chart-personnel-public", figures.personnel_public),
    }
    summary = result.summary
    errata_rows = budget.resources["errata"].rows if "errata" in budget.resources else ()
    common = {"budget": budget, "labels": labels, "summary": summary, "errata": errata_rows, "indexed": True}
    pages = []
    for lang in urls.LANGS:
        shown = story.get(lang) or story.get("zh", [])  # an untranslated narrative: the Chinese, marked as such
        pages.append(Page(urls.budget(lang, budget.slug), "budget.html", lang, budget.title, {
            **common, "figures": figures, "charts": chart_set, "sections": shown,
            "untranslated": lang != "zh" and lang not in story,
            "jsonld": dataset_jsonld(budget, site_url, lang, epoch)}))
        for table in budget.tables:
            views = [resource_view(budget, budget.resources[name], labels, errata) for name in table.resources]
            pages.append(Page(urls.table(lang, budget.slug, table.id), "table.html", lang,
                              table_title(budget, table.id), {
                                  **common, "table": table, "views": views, "table_label": table.label,
                                  "checks": table_checks(checks, table),
                                  "jsonld": dataset_jsonld(budget, site_url, lang, epoch, table,
                                                           table_metadata(ui, catalogue, budget, table))}))
        pages.append(Page(urls.quality(lang, budget.slug), "quality.html", lang,
                          ui.text("pages.quality", budget=budget.title),
                          {**common, "checks": checks, "findings": result.findings,
                           "notes": source_notes(budget)}))
        pages.append(Page(urls.glossary(lang, budget.slug), "glossary.html", lang,
                          ui.text("pages.glossary", budget=budget.title),
                          {**common, "sections": [s for s in story.get(lang) or story.get("zh", []) if s.glossary],
                           "untranslated": lang != "zh" and lang not in story}))
    return pages


def table_metadata(ui: UI, catalogue: Catalogue, budget: Budget, table: Table) -> Text:
    """A table's description in the catalog metadata, naming the unit its amounts are printed in."""
    described = ui.text("table.description", table=table.title, budget=budget.title)
    if not table.unit:
        return described
    unit = ui.text("table.amounts_in", unit=catalogue.unit_name(table.unit))
    return Text(described.zh + unit.zh, f"{described.en} {unit.en}")


@dataclass(frozen=True)
class Department:
    id: str
    name: Text  # as in its latest budget
    budgets: tuple[BudgetSummary, ...]  # newest first

    @property
    def pairs(self) -> list[tuple[BudgetSummary, BudgetSummary]]:
        """Consecutive published years, earlier first: each gets a comparison page."""
        ordered = sorted(self.budgets, key=lambda b: b.year)
        return [(a, b) for a, b in zip(ordered, ordered[1:], strict=False)]


def departments(budgets: list[BudgetSummary]) -> list[Department]:
    groups: dict[str, list[BudgetSummary]] = {}
    for b in budgets:
        groups.setdefault(b.department_id, []).append(b)
    out = []
    for dept_id, items in sorted(groups.items()):
        items.sort(key=lambda b: -b.year)
        out.append(Department(dept_id, items[0].department, tuple(items)))
    return out


@dataclass(frozen=True)
class Totals:
    """Documents' total expenditure in one stated unit: theirs where all share one, else 元 (exact)."""

    unit: str
    places: int
    values: dict[str, Decimal]  # slug -> total

    def get(self, slug: str) -> Decimal | None:
        return self.values.get(slug)


def totals_of(summaries: list[BudgetSummary]) -> Totals:
    amounts: dict[str, Amount] = {b.slug: b.total for b in summaries if b.total is not None}
    units = {a.unit for a in amounts.values()}
    unit = units.pop() if len(units) == 1 else "元"
    places = max((a.places for a in amounts.values() if a.unit == unit), default=2)
    return Totals(unit, places, {s: a.value * UNITS[a.unit] / UNITS[unit] for s, a in amounts.items()})


def department_pages(d: Department, load: Callable[[str], Budget], ui: UI) -> list[Page]:
    """A department's own pages: the list of its years and a comparison of each consecutive pair."""
    totals = totals_of(list(d.budgets))
    pages = [Page(urls.department(lang, d.id), "department.html", lang, d.name,
                  {"department": d, "totals": totals, "indexed": True}) for lang in urls.LANGS]
    for before, after in d.pairs:
        a, b = load(before.slug), load(after.slug)  # two full budgets at a time, never the corpus
        lines = {"function_lines": compare(a, b, "expenditure-budget"),
                 "economic_lines": compare(a, b, "basic-expenditure-by-economic")}
        title = ui.text("pages.compare", department=Text(d.name.zh, d.name.en or d.name.zh), before=before.year,
                        after=after.year)
        for lang in urls.LANGS:
            pages.append(Page(urls.comparison(lang, d.id, before.year, after.year), "compare.html", lang, title,
                              {"department": d, "before": before, "after": after, "indexed": True, **lines}))
    return pages


def site_pages(summaries: list[BudgetSummary], ui: UI, search_shards: tuple[str, ...] = ()) -> list[Page]:
    """The pages about the whole corpus: root, home, indexes by department and year, data access, search."""
    site_name = ui.text("site.name")
    budgets = sorted(summaries, key=lambda b: (b.department_id, -b.year))
    totals = totals_of(budgets)
    depts = departments(budgets)
    by_year: dict[int, list[BudgetSummary]] = {}
    for b in budgets:
        by_year.setdefault(b.year, []).append(b)
    year_groups = sorted(by_year.items(), key=lambda kv: -kv[0])
    pages = [Page(urls.ROOT, "index.html", "", site_name, {}, alternates=False),
             Page(urls.NOT_FOUND, "404.html", "", ui.text("notfound.title"), {}, alternates=False)]
    for lang in urls.LANGS:
        pages.append(Page(urls.home(lang), "home.html", lang, site_name,
                          {"departments": depts, "totals": totals, "years": year_groups, "indexed": True}))
        pages.append(Page(urls.departments(lang), "departments.html", lang, ui.text("departments.title"),
                          {"departments": depts, "totals": totals, "indexed": True}))
        pages.append(Page(urls.years(lang), "years.html", lang, ui.text("years.title"),
                          {"years": year_groups, "totals": totals, "indexed": True}))
        pages.append(Page(urls.data_access(lang), "data.html", lang, ui.text("data.title"),
                          {"budgets": budgets, "indexed": True}))
        pages.append(Page(urls.search(lang), "search.html", lang, ui.text("search.title"),
                          {"shards": search_shards}))
    return pages
