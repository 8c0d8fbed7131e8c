"""Which pages the site has, and the context each template receives."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar

from markupsafe import Markup, escape

from . import charts, urls
from .across import PARTS, GroupFigures, common_unit, convert, group_figures
from .catalogue import Catalogue
from .classified import SCHEMES, Code, CodeSection, code_facet, code_sections, coded_scheme, codes, fill, split_section
from .directory import Group, Publisher, Region, regions
from .english import translated
from .figures import BY_ECONOMIC, BY_FUNCTION, compare, key_figures
from .i18n import UI
from .metadata import METADATA_FACET, dataset_jsonld
from .model import Amount, Budget, BudgetSummary, Table, Text, ValidationResult, code_label
from .outturn import StatedCompletion, plan_actual, stated_completion
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
    note on the data-quality page (the first time they occur outside another note's words; the words
    themselves are unchanged). A quote printed only within another note's words adds its id to that mark."""
    out = str(html)
    for note in notes:
        quote, ident = str(escape(note.quote)), str(escape(note.id))
        link = f'<a href="{quality}#note-{ident}">'
        parts = re.split(r"(<[^>]*>)", out)
        depths = mark_depths(parts)
        inside = [i for i, part in enumerate(parts) if not part.startswith("<") and quote in part]
        outside = [i for i in inside if not depths[i]]
        if outside:
            marked = f'<mark class="source-note">{link}{quote}</a><sup>{ident}</sup></mark>'
            parts[outside[0]] = parts[outside[0]].replace(quote, marked, 1)
        elif inside:
            close = next(j for j in range(inside[0], len(parts)) if parts[j].startswith("</mark"))
            parts.insert(close, f"<sup>{link}{ident}</a></sup>")
        out = "".join(parts)
    return Markup(out)  # noqa: S704 - the narrative was sanitised; quotes and ids are escaped here


def mark_depths(parts: list[str]) -> list[int]:
    """For each part of split HTML, how many <mark> elements it is inside."""
    depths, depth = [], 0
    for part in parts:
        if part.startswith("</mark"):
            depth -= 1
        depths.append(depth)
        if part.startswith("<mark"):
            depth += 1
    return depths


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
    whole = total.value if total and total.unit == figures.by_function.unit else None
    splits = {"basic_project": charts.split_chart("chart-basic-project", figures.basic_project),
              "personnel_public": charts.split_chart("chart-personnel-public", figures.personnel_public)}
    chart_sets = {lang: {  # the bars' labels wrap to the chart's width, which depends on the language
        "function": charts.bar_chart("chart-function", figures.by_function, whole, lang),
        "economic": charts.bar_chart("chart-economic", figures.by_economic, lang=lang), **splits}
        for lang in urls.LANGS}
    outturn = plan_actual(budget)
    stated = [(s, subject_label(labels, budget, s)) for s in stated_completion(budget, result.checks)]
    summary = result.summary
    errata_rows = budget.resources["errata"].rows if "errata" in budget.resources else ()
    common = {"budget": budget, "labels": labels, "summary": summary, "errata": errata_rows, "indexed": True}
    pages = []
    for lang in urls.LANGS:
        shown = story.get(lang) or story.get("zh", [])  # an untranslated narrative: the Chinese, marked as such
        pages.append(Page(urls.budget(lang, budget.slug), "budget.html", lang, budget.title, {
            **common, "figures": figures, "charts": chart_sets[lang], "sections": shown, "outturn": outturn,
            "stated": stated,
            "untranslated": lang != "zh" and lang not in story,
            "jsonld": dataset_jsonld(budget, site_url, lang, epoch)}))
        for table in budget.tables:
            views = [resource_view(budget, budget.resources[name], labels, errata,
                                   coded_scheme(catalogue, table, budget.resources[name])) for name in table.resources]
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


def subject_label(labels: Labels, budget: Budget, statement: StatedCompletion) -> Text:
    """What a completion statement is about: its code's name where it names a code, else its words as printed."""
    if statement.code:
        name = labels.name(statement.code, budget.code_names().get(statement.code, Text(statement.subject)).zh)
        return code_label(statement.code, name)
    label = labels.text(statement.subject)
    if not label.en and statement.subject in labels.terms.terms:
        return Text(statement.subject, labels.terms.en(statement.subject, "completion statement"))
    return label


def table_metadata(ui: UI, catalogue: Catalogue, budget: Budget, table: Table) -> Text:
    """A table's description in the catalog metadata, naming the unit its amounts are printed in."""
    described = ui.text("table.description", table=table.title, budget=budget.title)
    if not table.unit:
        return described
    unit = ui.text("table.amounts_in", unit=catalogue.unit_name(table.unit))
    return Text(described.zh + unit.zh, f"{described.en} {unit.en}")


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
    unit, places = common_unit(amounts.values())
    return Totals(unit, places, {s: convert(a, unit) for s, a in amounts.items()})


def kind_order(catalogue: Catalogue) -> dict[str, int]:
    """Document kinds in the catalogue's order (部门预算, 单位预算, 部门决算, ...)."""
    return {kind: i for i, kind in enumerate(catalogue.documents)}


def department_pages(publisher: Publisher, load: Callable[[str], Budget], ui: UI, catalogue: Catalogue
                     ) -> list[Page]:
    """A publisher's own pages: its documents by year and kind, and a line-by-line comparison of each two
    documents of one kind in consecutive years."""
    totals = totals_of(list(publisher.documents))
    kinds = [catalogue.documents[k] for k in publisher.kinds if k in catalogue.documents]
    pages = [Page(urls.department(lang, publisher.id), "department.html", lang, publisher.name,
                  {"publisher": publisher, "kinds": kinds, "totals": totals, "indexed": True}) for lang in urls.LANGS]
    for before, after in publisher.pairs:
        a, b = load(before.slug), load(after.slug)  # two full budgets at a time, never the corpus
        lines = {"function_lines": compare(a, b, BY_FUNCTION), "economic_lines": compare(a, b, BY_ECONOMIC)}
        title = ui.text("pages.compare", department=Text(publisher.name.zh, publisher.name.en or publisher.name.zh),
                        document=ui.text(f"document.{after.document}.name"), before=before.year, after=after.year)
        for lang in urls.LANGS:
            pages.append(Page(urls.comparison(lang, publisher.id, after.document, before.year, after.year),
                              "compare.html", lang, title, {"publisher": publisher, "before": before, "after": after,
                                                            "indexed": True, **lines}))
    return pages


# Publishers side by side on one page of a region's comparison, at most; fewer where the parts have many lines.
DOCUMENTS_PER_COMPARISON = 8
# What a comparison page may hold, in bytes of English HTML (the stylesheet adds 13 KB to the 50 KB bound);
# a publisher adds about 700 bytes to each part (its bar and column head) and 35 to each line, and each line
# about 150 of its own (its bilingual label), besides some 7,500 of page and explanations (measured on the
# benchmark corpus).
COMPARISON_BYTES = 36_000


def documents_per_comparison(figures: GroupFigures) -> int:
    parts = [getattr(figures, part) for part in PARTS if getattr(figures, part)]
    lines = sum(len(matrix.lines) for matrix in parts)
    room = (COMPARISON_BYTES - 7_500 - 150 * lines) // (700 * len(parts) + 35 * lines) if parts else 1
    return max(1, min(DOCUMENTS_PER_COMPARISON, room))


def group_pages(group: Group, ui: UI) -> list[Page]:
    """The publishers of a region side by side, for documents of one kind and year, as many to a page as
    keep it under 50 KB; every page in the group's unit and its bars on the group's scale."""
    figures = group_figures(group.documents)
    scales = {part: getattr(figures, part).largest() for part in PARTS}
    title = ui.text("pages.region_compare", region=group.region,
                    document=ui.text(f"document.{group.kind}.year", year=group.year))
    size = documents_per_comparison(figures)
    starts = range(0, len(group.documents), size)
    # What a page shows besides its own documents' figures: the group's lines, unit and scales. A page whose
    # documents and shape did not change is kept when another page's document changes.
    shape = repr((group.region, len(group.documents), size, figures.unit, figures.places, scales,
                  [(part, [(line.key, line.label) for line in getattr(figures, part).lines]) for part in PARTS]))
    shown_on = [figures.columns(start, start + size) for start in starts]  # the same in both languages
    charts_on = [{part: charts.stacked_chart(f"chart-{part.replace('_', '-')}", getattr(shown, part), scales[part])
                  for part in PARTS} for shown in shown_on]
    out = []
    for lang in urls.LANGS:
        paths = tuple(urls.region_comparison(lang, group.region_id, group.year, group.kind, n)
                      for n in range(1, len(starts) + 1))
        for n, start in enumerate(starts, 1):
            shown, chart_set = shown_on[n - 1], charts_on[n - 1]
            out.append(Page(paths[n - 1], "region_compare.html", lang,
                            titled(title, n, ui),
                            {"group": group, "documents": group.documents[start:start + size],
                             "first": start + 1, "figures": shown,
                             "charts": chart_set, "number": n, "paths": paths, "indexed": n == 1},
                            sources=tuple(d.slug for d in group.documents[start:start + size]), shape=shape))
    return out


# What a code page holds at most, as classified.weight counts it (about 33 KB of English HTML): with the
# chrome and the stylesheet a page stays under 50 KB. Past it, the code's rows go on as many pages as they
# need, each region, year and kind of document in order. At 1,000 budgets the weights undercounted the
# largest pages by about 15% (290 gave pages of up to 53 KB), hence 250.
PAGE_WEIGHT = 250


@dataclass(frozen=True)
class CodeEntry:
    """A region, year and kind of document in the list of a code's pages: where its rows start."""

    section: CodeSection  # its first part
    documents: int
    page: int  # from 1


def code_pages(code: Code, children: tuple[Code, ...], catalogue: Catalogue, ui: UI,
               page_weight: int = PAGE_WEIGHT) -> list[Page]:
    """The code's pages: every use, by region, year and kind, on as few pages as the size bound allows."""
    packed = code_page_sections(code, len(children), catalogue, page_weight)
    title = ui.text(f"codes.page_title_{code.scheme}", code=code.code, name=code.name)
    entries = code_entries(packed) if len(packed) > 1 else []
    paths = {lang: tuple(urls.code(lang, code.scheme, code.code, n) for n in range(1, len(packed) + 1))
             for lang in urls.LANGS}
    pages = []
    for number, shown in enumerate(packed, 1):
        first = number == 1
        # A section's id names its part, which depends on how its earlier rows split, maybe on other pages.
        shape = repr((code.name, len(code.uses), code.parent, len(packed), number, [s.id for s in shown],
                      [(e.section.id, e.section.region, e.documents, e.page) for e in entries] if first else (),
                      [(c.code, c.name, len(c.uses)) for c in children] if first else ()))
        pages += [Page(paths[lang][number - 1], "code.html", lang, titled(title, number, ui),
                       {"code": code, "children": children if first else (), "entries": entries,
                        "sections": shown, "number": number,
                        "paths": paths[lang], "indexed": first},  # the code's first page is the one to find
                       sources=tuple(u.budget.slug for s in shown for u in s.uses), shape=shape,
                       facet=code_facet(code.scheme, code.code))
                  for lang in urls.LANGS]
    return pages


def code_entries(packed: list[tuple[CodeSection, ...]]) -> list[CodeEntry]:
    documents: dict[tuple[str, int, str], int] = {}
    for page in packed:
        for s in page:
            key = (s.region_id, s.year, s.kind)
            documents[key] = documents.get(key, 0) + len(s.uses)
    return [CodeEntry(s, documents[s.region_id, s.year, s.kind], number)
            for number, page in enumerate(packed, 1) for s in page if s.part == 0]


def code_page_sections(code: Code, children: int, catalogue: Catalogue,
                       page_weight: int) -> list[tuple[CodeSection, ...]]:
    """The sections of each of the code's pages: a section too large for a page is split into parts first,
    then the parts fill the pages in order. The first page also lists the codes below and, where there are
    several pages, what each holds (about 200 bytes a line)."""
    sections = code_sections(code, catalogue)
    parts = [part for s in sections for part in split_section(s, page_weight)]
    pages = fill(parts, lambda part: part.weight, page_weight, first=2 * (children + len(sections)))
    return [tuple(p) for p in pages]


# Entries on a page of a region's data packages: each is about 900 bytes of English HTML.
DATASETS_PER_PAGE = 25
# Publishers on a page of the publishers list or of a region's page: each is about 500 bytes.
PUBLISHERS_PER_PAGE = 50

T = TypeVar("T")


def paged(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """`items` in pages of `size`; one empty page for no items."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]


def titled(title: Text, number: int, ui: UI) -> Text:
    return title if number == 1 else ui.text("pager.title", title=title, page=number)


def departments_pages(region_list: tuple[Region, ...], totals: Any, ui: UI) -> list[Page]:
    """Every publisher by region, PUBLISHERS_PER_PAGE to a page (a region may go on over two)."""
    everyone = [(r, p) for r in region_list for p in r.publishers]
    shown = paged(everyone, PUBLISHERS_PER_PAGE)
    title = ui.text("departments.title")
    out = []
    for lang in urls.LANGS:
        paths = tuple(urls.departments(lang, n) for n in range(1, len(shown) + 1))
        for n, chunk in enumerate(shown, 1):
            sections: dict[str, tuple[Region, list[Publisher]]] = {}
            for r, p in chunk:
                sections.setdefault(r.id, (r, []))[1].append(p)
            out.append(Page(paths[n - 1], "departments.html", lang, titled(title, n, ui),
                            {"totals": totals, "sections": list(sections.values()), "count": len(everyone),
                             "number": n, "paths": paths, "indexed": n == 1},
                            sources=tuple(d.slug for _, p in chunk for d in p.documents), facet=METADATA_FACET,
                            shape=repr((totals.unit, totals.places, len(everyone), len(shown),
                                        [(r.id, r.name) for r, _ in sections.values()]))))
    return out


def region_pages(region: Region, totals: Any, ui: UI) -> list[Page]:
    """A region's publishers (PUBLISHERS_PER_PAGE to a page) and, on its first page, its comparisons."""
    shown = paged(region.publishers, PUBLISHERS_PER_PAGE)
    # Besides its publishers' documents as listed, a page shows the region's counts and comparisons.
    shape = repr((totals.unit, totals.places, region.name, len(region.publishers), region.documents, len(shown),
                  [(g.year, g.kind, g.region, len(g.documents)) for g in region.groups]))
    out = []
    for lang in urls.LANGS:
        paths = tuple(urls.region(lang, region.id, n) for n in range(1, len(shown) + 1))
        out += [Page(paths[n - 1], "region.html", lang, titled(region.name, n, ui),
                     {"totals": totals, "region": region, "publishers": chunk, "number": n, "paths": paths,
                      "indexed": n == 1}, sources=tuple(d.slug for p in chunk for d in p.documents),
                     facet=METADATA_FACET, shape=shape) for n, chunk in enumerate(shown, 1)]
    return out


def data_region_pages(region: Region, ui: UI) -> list[Page]:
    """The data packages of a region's documents, by publisher, DATASETS_PER_PAGE to a page."""
    documents = [d for p in region.publishers for d in p.documents]
    shown = paged(documents, DATASETS_PER_PAGE)
    title = ui.text("data.region_title", region=region.name)
    out = []
    for lang in urls.LANGS:
        paths = tuple(urls.data_region(lang, region.id, n) for n in range(1, len(shown) + 1))
        out += [Page(paths[n - 1], "data_region.html", lang, titled(title, n, ui),
                     {"region": region, "budgets": chunk, "number": n, "paths": paths, "indexed": n == 1},
                     sources=tuple(d.slug for d in chunk), shape=repr((region.name, len(documents), len(shown))),
                     facet=METADATA_FACET)
                for n, chunk in enumerate(shown, 1)]
    return out


def site_pages(summaries: list[BudgetSummary], ui: UI, catalogue: Catalogue,
               search_shards: tuple[str, ...] = ()) -> list[Page]:
    """The pages about the whole corpus: root, home, regions and their comparisons, publishers, years, codes,
    data access, search."""
    site_name = ui.text("site.name")
    order = kind_order(catalogue)
    budgets = sorted(summaries, key=lambda b: (b.region_id, b.department_id, -b.year, order.get(b.document, 0)))
    totals = totals_of(budgets)
    region_list = regions(budgets, order)
    code_index = codes(budgets, order)
    by_year: dict[int, list[Group]] = {}
    for r in region_list:
        for g in r.groups:
            by_year.setdefault(g.year, []).append(g)
    year_groups = sorted(by_year.items(), key=lambda kv: -kv[0])
    comparable = [g for r in region_list for g in r.groups if g.comparable]
    # the index lists the codes at the top; each code's page lists the codes below it
    schemes = [(scheme, [c for (s, _), c in code_index.items() if s == scheme and not c.parent],
                sum(1 for s, _ in code_index if s == scheme)) for scheme in SCHEMES]
    pages = [Page(urls.ROOT, "index.html", "", site_name, {}, alternates=False),
             Page(urls.NOT_FOUND, "404.html", "", ui.text("notfound.title"), {}, alternates=False)]
    common = {"totals": totals, "indexed": True}
    for lang in urls.LANGS:
        pages += [
            Page(urls.home(lang), "home.html", lang, site_name, {**common, "regions": region_list,
                                                                 "comparable": comparable, "count": len(budgets)}),
            Page(urls.years(lang), "years.html", lang, ui.text("years.title"), {**common, "years": year_groups}),
            Page(urls.codes(lang), "codes.html", lang, ui.text("codes.title"), {**common, "schemes": schemes}),
            Page(urls.data_access(lang), "data.html", lang, ui.text("data.title"),
                 {"budgets": budgets, "regions": region_list, "indexed": True}),
            Page(urls.search(lang), "search.html", lang, ui.text("search.title"), {"shards": search_shards})]
    pages += departments_pages(region_list, totals, ui)
    for r in region_list:
        pages += region_pages(r, totals, ui)
    for r in region_list:
        pages += data_region_pages(r, ui)
        for g in r.groups:
            if g.comparable:
                pages += group_pages(g, ui)
    for c in code_index.values():
        pages += code_pages(c, tuple(code_index[c.scheme, child] for child in c.children), catalogue, ui,
                            PAGE_WEIGHT)
    return pages
