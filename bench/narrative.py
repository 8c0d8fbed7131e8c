"""The narrative of a synthetic document, from the sentence templates of bench/corpus/narrative.toml.

The Chinese and English Markdown and the source text are built together, block by block, so that every
figure the text states (`{fig:ID}`) is recorded with the line it is on, its printed form, its value and the
cell it must equal; a comparison with the previous year (`{cmp:ID}`) states the change and the growth rate
computed exactly as the validator recomputes it, and records the prior-year row that checks it.
"""

from __future__ import annotations

import random
import string
from decimal import Decimal
from typing import Any

from bench.amounts import as_text
from bench.data import CATALOGUE, LAYOUT, STORY, WORDS, buckets, cn
from bench.document import Doc, Row
from budgetsite.catalogue import CLASSIFICATIONS
from budgetsite.model import UNITS
from budgetsite.rules import round_pct

MARKS = {"h1": "# ", "h2": "## ", "h3": "### ", "li": "- ", "p": ""}
FUNCTION = CLASSIFICATIONS["function"][2]


def context(doc: Doc) -> dict[str, Any]:
    """Every value a sentence, a figure or a rule template may name, for one document: its money by bucket
    and group, `{kind}` references, words, and the lists blocks and rules repeat over."""
    pub, ledger = doc.publisher, doc.ledger
    names = {b for g in LAYOUT["groups"] for b in buckets(g)} | set(LAYOUT["groups"]) | set(ledger.row)
    document, step = CATALOGUE.documents[doc.template.document].name, doc.step()
    ctx: dict[str, Any] = {name: ledger.total(buckets(name)) for name in names} | doc.refs() | pub.texts
    goods = ctx["pub"] * (pub.index % 5 + 1) // 20 // step * step
    ctx |= {"dept": doc.name[0], "dept_en": doc.name[1], "year": doc.year, "py": doc.year - 1,
            "theme": pub.theme[0], "theme_en": pub.theme[1], "org": doc.spec["org"][0], "org_en": doc.spec["org"][1],
            "doc": document.zh, "doc_en": document.en, "unit": doc.unit, "unit_en": CATALOGUE.unit_name(doc.unit).en,
            "synthetic": WORDS["synthetic_note"][0], "synthetic_en": WORDS["synthetic_note"][1],
            "reception_code": WORDS["reception_code"], "project_count": len(pub.projects),
            "units": pub.units[:1] if doc.spec.get("by_unit") else pub.units,
            "goods": goods, "services": goods // 2 // step * step, "procurement": goods + goods // 2 // step * step,
            "glossary": [{"text": zh, "text_en": en} for zh, en in WORDS["glossary"]],
            "gpb_items": items(doc, "gpb"), "fund_items": items(doc, "fund"),
            "tasks": [{"task": k} for k in range(1, len(pub.tasks) + 1)],
            "categories": [{"category": c} for c, _ in WORDS["categories"]]}
    own = {t.project: t.parts[0][0] for t in doc.tables if t.project >= 0}
    ctx["projects"] = [{**p, "project": own.get(k, ""), "fiscal": m.fiscal, "budget": m.fiscal + m.nonfiscal,
                        "sub_list": [{**s, "amount": a} for s, a in zip(p["sub_list"], m.subs, strict=True)]}
                       for k, (p, m) in enumerate(zip(pub.projects, ledger.projects, strict=True))]
    ctx["project_categories"] = [{"key": i, "category": c, "members": members} for i, (c, _) in
                                 enumerate(WORDS["categories"], start=1)
                                 if (members := [p for p in ctx["projects"] if p["category"] == c])]
    return ctx


def items(doc: Doc, group: str) -> list[dict[str, Any]]:
    """The function items with money of `group`, with their names, their class's and section's, and what
    the money is for."""
    out = []
    for code, money in sorted(doc.ledger.function.items()):
        held = [b for b in buckets(group) if money.get(b)]
        if held:
            (zh, en), (cz, ce), (sz, se) = (doc.codes.name(FUNCTION, c) for c in (code, code[:3], code[:5]))
            purposes = [WORDS["purposes"].get(b, ["", ""]) for b in held]
            out.append({"code": code, "name": zh, "name_en": en, "class": cz, "class_en": ce, "section": sz,
                        "section_en": se, group: sum(money[b] for b in held),
                        "purpose": "；".join(p[0] for p in purposes), "purpose_en": ", ".join(p[1] for p in purposes)})
    return out


def fill(value: Any, ctx: dict[str, Any]) -> Any:
    """A rule template filled in: `{kind}` and values of the context; `@list:template` is the template
    summed (` + `) over the items of a list (projects, tasks, a category's members)."""
    if isinstance(value, list):
        return [fill(v, ctx) for v in value]
    if isinstance(value, str) and value.startswith("@"):
        name, _, template = value[1:].partition(":")
        return " + ".join(template.format_map({**ctx, **item}) for item in ctx[name])
    return value.format_map(ctx) if isinstance(value, str) else value


def rules(doc: Doc, ctx: dict[str, Any]) -> list[dict[str, Any]]:
    """The template's own identities (x_rules), once or for each item of the list a rule names in `each`."""
    out = []
    for rule in doc.spec.get("rules", []):
        for item in [{**ctx, **i} for i in ctx[rule["each"]]] if "each" in rule else [ctx]:
            out.append({k: fill(v, item) for k, v in rule.items() if k != "each"})
    return out


class Story:
    """The narrative in both languages and its source lines, built together from the story's blocks."""

    def __init__(self, doc: Doc, ctx: dict[str, Any], head: list[str], previous: dict[str, int], rng: random.Random):
        self.doc, self.ctx, self.previous, self.rng = doc, ctx, previous, rng
        self.src, self.zh, self.en = list(head), [], []
        self.figures: dict[str, Row] = {}
        self.prior: list[Row] = []
        self.pending: list[Row] = []
        self.metrics: dict[str, int] = {}
        self.deltas: dict[str, int] = {}
        self.last = ""

    def tell(self) -> None:
        """The parts the template's story lists (templates.toml `story`), in order."""
        for part in self.doc.spec["story"]:
            self.render(STORY[part], self.ctx)

    def render(self, blocks: list[dict[str, Any]], ctx: dict[str, Any]) -> None:
        """Blocks in order: once, or once per item of their `each` list (numbered `n`, `cn`), nested blocks
        inside; a block that `needs` a kind the document does not print is left out."""
        for block in blocks:
            if not all(self.doc.of_kind(k) for k in block.get("needs", [])):
                continue
            items = [{**ctx, **item, "n": n, "cn": cn(n)} for n, item in enumerate(ctx[block["each"]], start=1)] \
                if "each" in block else [ctx]
            for item in items:
                if "blocks" in block:
                    self.render(block["blocks"], item)
                else:
                    self.emit(block["type"], self.say(block["zh"], item, 0), self.say(block["en"], item, 1))

    def emit(self, kind: str, zh: str, en: str) -> None:
        """One block in the three texts; the figures it states learn the source line it is on."""
        if self.zh and not (kind == "li" and self.last == "li"):
            for text in (self.src, self.zh, self.en):
                text.append("")
        for row in self.pending:
            row["source_line"] = len(self.src) + 1
        self.pending, self.last = [], kind
        self.src.append(("- " if kind == "li" else "") + zh)
        self.zh.append(MARKS[kind] + zh)
        self.en.append(MARKS[kind] + en)

    def say(self, template: str, ctx: dict[str, Any], lang: int) -> str:
        """A sentence in one language (0: Chinese, 1: English) with its values, figures and comparisons."""
        out = []
        for literal, name, spec, _ in string.Formatter().parse(template):
            out.append(literal)
            if name in ("fig", "cmp"):
                out.append((self.figure if name == "fig" else self.compare)(spec or "", ctx, lang))
            elif name is not None:
                out.append(str(ctx[name]))
        return "".join(out)

    def unit_ref(self, figure: dict[str, Any], ctx: dict[str, Any]) -> tuple[str, str]:
        """The cells a figure must equal (the first alternative the document prints) and the unit of their
        table, in which the figure is stated; without one, the document's unit."""
        for ref in figure.get("ref", []):
            try:
                text = ref.format_map(ctx)
            except KeyError:  # a kind the document does not print
                continue
            if self.doc.prints(text):
                first = next(name for _, name, _, _ in string.Formatter().parse(ref) if name)
                table = self.doc.of_kind(first.partition("/")[0])
                return text, table.unit if table else self.doc.unit
        return "", self.doc.unit

    def record(self, fid: str, quote: str, printed: str, value: str, unit: str, ref: str = "") -> None:
        """A figure the text states: a row of the narrative-figures resource (its line follows at `emit`)."""
        row = {"id": fid, "source_line": 0, "quote": quote, "printed": printed, "value": value, "unit": unit,
               "ref": ref}
        if self.figures.setdefault(fid, row) is not row:
            raise ValueError(f"narrative.toml states figure {fid} twice")
        self.pending.append(row)

    def figure(self, name: str, ctx: dict[str, Any], lang: int) -> str:
        """The quote of a figure (narrative.toml [figures]): an amount in its table's unit, or a count."""
        figure, places = STORY["figures"][name], self.doc.template.precision
        ref, unit = self.unit_ref(figure, ctx)
        amount = ctx[figure["value"]]
        if "unit" in figure:
            unit, printed, value = figure["unit"], str(amount), str(amount)
        else:
            printed, value = as_text(amount, unit, places, separators=True), as_text(amount, unit, places)
        words = {**ctx, "v": printed, "u": unit, "u_en": CATALOGUE.unit_name(unit).en if unit in UNITS else unit}
        quote = figure[("zh", "en")[lang]].format_map(words)
        if lang == 0:
            self.record(figure.get("id", name).format_map(ctx), quote, printed, value, unit, ref)
        return quote

    def change(self, series: str, value: int, step: int) -> int:
        """This year minus last year's figure of the same publisher and template; without one, an increase."""
        if series in self.previous:
            return value - self.previous[series]
        return max(step, value * self.rng.randint(10, 100) // (1000 + self.rng.randint(10, 100)) // step * step)

    def compare(self, series: str, ctx: dict[str, Any], lang: int) -> str:
        """The change on the previous year (narrative.toml [series]): the change and the rate, computed from the
        printed figures exactly as the validator recomputes them, and the prior-year row that checks them (for
        an increase; a statement of no change for none)."""
        spec = STORY["series"][series]
        figure = STORY["figures"][spec["figure"]]
        unit, places = self.unit_ref(figure, ctx)[1], self.doc.template.precision
        value = self.metrics[series] = ctx[figure["value"]]
        if lang == 0:  # the English of the same sentence states the same change
            self.deltas[series] = self.change(series, value, self.doc.step(unit))
        delta, comparison = self.deltas[series], STORY["comparison"]
        words = {**ctx, "basis": spec["basis"][0], "basis_en": spec["basis"][1], "u": unit,
                 "u_en": CATALOGUE.unit_name(unit).en}
        row = {"id": spec["row"], "figure": spec["figure"], "change": "", "change_pct": "", "statement": ""}
        if delta:
            printed = as_text(abs(delta), unit, places, separators=True)
            this, diff = Decimal(as_text(value, unit, places)), Decimal(as_text(abs(delta), unit, places))
            pct = round_pct(diff / (this - diff if delta > 0 else this + diff) * 100)
            change, rate = comparison["up" if delta > 0 else "down"]
            quotes = [change[lang].format_map({**words, "v": printed}), rate[lang].format_map({**words, "pct": pct})]
            if lang == 0:
                self.record(f"{series}-change", quotes[0], printed, str(diff), unit)
                self.record(f"{series}-pct", quotes[1], str(pct), str(pct), "%")
            row |= {"change": f"{series}-change", "change_pct": f"{series}-pct"}
            text = comparison["joiner"][lang].join(quotes)
        else:
            text = row["statement"] = comparison["same"][lang].format_map(words)
        if lang == 0 and delta >= 0:  # a decrease is stated as one; the growth rule checks increases
            self.prior.append(row)
            self.pending.append(row)
        return text
