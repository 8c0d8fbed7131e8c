"""UI strings: the two catalogs have the same keys, every key a template uses exists, and English pages show
no untranslated text.

The English-page check parses each en/**/index.html with html.parser and tracks the `lang` attribute of
the open elements. Chinese characters are allowed on an English page only where the page says they are
Chinese: inside an element with lang="zh-Hans" (the published original beside a translation). Inside
<code> (identifiers and file paths, not prose) and inside elements of class "orig" (the published original,
which must itself carry lang="zh-Hans") they are accepted too. Anywhere else, including the cells of the
data tables, Chinese text on an English page is either untranslated UI text or Chinese data that is not
marked as such, and the test names the page, the element and the text.
"""

from __future__ import annotations

import json
import re
import string
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from budgetsite import urls
from budgetsite.descriptor import BUDGET_DESCRIPTOR
from budgetsite.i18n import key_differences, load_catalogs, translator

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
DATASETS = REPO / "datasets"
SLUG = "xiamen-hpf-2024"

# Han ideographs, CJK punctuation, kana and full-width forms (（）：，); not the curly quotes English uses too.
CJK_CHARS = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK = re.compile(f"[{CJK_CHARS}]")
CJK_RUN = re.compile(f"[{CJK_CHARS}]+(?:[^{CJK_CHARS}]{{0,6}}[{CJK_CHARS}]+)*")


@pytest.fixture(scope="module")
def catalogs() -> dict[str, dict[str, str]]:
    return load_catalogs(REPO / "i18n", urls.LANGS)


# --- the catalogs ------------------------------------------------------------------------------------------


def test_catalogs_have_identical_keys(catalogs):
    assert set(catalogs) == set(urls.LANGS)
    differences = key_differences(catalogs)
    assert differences == {}, "keys missing from a catalog: " + "; ".join(
        f"i18n/{lang}.toml lacks {sorted(keys)}" for lang, keys in sorted(differences.items()))
    assert set(catalogs["zh"]) == set(catalogs["en"])


def test_key_differences_reports_a_missing_key():
    """The parity check can fail: a key present in one catalog only is reported against the other."""
    assert key_differences({"zh": {"a": "甲", "b": "乙"}, "en": {"a": "A"}}) == {"en": {"b"}}
    assert key_differences({"zh": {"a": "甲"}, "en": {"a": "A", "c": "C"}}) == {"zh": {"c"}}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalog_strings_take_the_same_placeholders(catalogs):
    wrong = {key: (sorted(placeholders(catalogs["zh"][key])), sorted(placeholders(catalogs["en"][key])))
             for key in catalogs["zh"].keys() & catalogs["en"].keys()
             if placeholders(catalogs["zh"][key]) != placeholders(catalogs["en"][key])}
    assert not wrong, f"zh and en strings with different {{placeholders}} (zh, en): {wrong}"


def test_no_catalog_string_is_empty(catalogs):
    empty = [f"{lang}:{key}" for lang, cat in catalogs.items() for key, text in cat.items() if not text.strip()]
    assert not empty, f"empty UI strings: {empty}"


# --- keys the templates use --------------------------------------------------------------------------------

COMMENT = re.compile(r"{#.*?#}", re.S)
# t("key"), t('key', x=...), tr.zh("key"), t("prefix." ~ expression), t(variable)
CALL = re.compile(r"""(?<![\w.])(?:t|tr\.(?:zh|en))\(\s*(?:(?P<q>["'])(?P<literal>[^"']*)(?P=q)(?P<dynamic>\s*~)?"""
                  r"""|(?P<name>[A-Za-z_]\w*)\s*[,)])""")
KEY_LITERAL = re.compile(r"""["']([a-z_]+(?:\.[a-z_]+)+)["']""")
MACRO = re.compile(r"{%-?\s*macro\s+(\w+)\((.*?)\)\s*-?%}(.*?){%-?\s*endmacro", re.S)

# Keys built from data at render time: prefix -> where the rest comes from.
DYNAMIC = {"figures.", "quality.status.", "prior.items.", "table.note_by_", "compare.status_", "quality.kinds.",
           "document.", "codes.scheme_", "codes.caption_", "against.basis_"}


def template_sources() -> dict[str, str]:
    return {p.name: COMMENT.sub("", p.read_text(encoding="utf-8")) for p in sorted(TEMPLATES.glob("*.html"))}


def template_keys() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(literal key -> templates using it, dynamic prefix -> templates using it)."""
    literal: dict[str, set[str]] = {}
    dynamic: dict[str, set[str]] = {}
    key_params: dict[str, set[str]] = {}  # macro -> parameters passed to t()
    sources = template_sources()
    for text in sources.values():
        for m in MACRO.finditer(text):
            params = {p.split("=")[0].strip() for p in m[2].split(",")}
            used = {c["name"] for c in CALL.finditer(m[3]) if c["name"]}
            unknown = used - params
            assert not unknown, f"macro {m[1]} passes {unknown} to t(), which are not its parameters"
            if used:
                key_params[m[1]] = used
    for name, text in sources.items():
        for c in CALL.finditer(text):
            if c["literal"] is not None and c["dynamic"]:
                dynamic.setdefault(c["literal"], set()).add(name)
            elif c["literal"] is not None:
                literal.setdefault(c["literal"], set()).add(name)
        # keys handed to macros that translate them: m.bar_chart(chart, "charts.function.title", ...)
        for macro in key_params:
            for call in re.finditer(rf"(?<![\w])(?:m\.)?{macro}\((.*?)\)\s*-?}}}}", text):
                for k in KEY_LITERAL.findall(call[1]):
                    literal.setdefault(k, set()).add(name)
    return literal, dynamic


def descriptors() -> list[dict]:
    return [json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
            for d in sorted(DATASETS.iterdir()) if (d / "datapackage.json").is_file()]


def dynamic_keys() -> dict[str, set[str]]:
    """Every key a dynamic prefix can produce, resolved against the datasets and the descriptor schema."""
    from budgetsite.catalogue import load_catalogue
    from budgetsite.classified import SCHEMES
    from budgetsite.figures import LineChange, key_figures
    from budgetsite.load import load_budget
    from budgetsite.model import CHECK_STATUSES, Text
    from budgetsite.outturn import BASES

    table_schema = BUDGET_DESCRIPTOR["properties"]["x_tables"]["items"]["properties"]
    statuses = set(CHECK_STATUSES) | set(table_schema["status"]["enum"])
    note_by = set(table_schema["note"]["properties"]["by"]["enum"])
    prior, figures = set(), set()
    for d in descriptors():
        statuses |= {t["status"] for t in d["x_tables"]}
        note_by |= {t["note"]["by"] for t in d["x_tables"] if "note" in t}
        folder = DATASETS / d["name"]
        budget, _ = load_budget(folder, load_catalogue(REPO / "reference"))
        assert budget is not None, f"{d['name']} does not load"
        kf = key_figures(budget)
        prior |= {p.id for p in kf.prior_year if not p.label.zh}  # a function item is named by its code
        figures |= {s.key for s in (*kf.basic_project, *kf.personnel_public)}
        figures |= {s.key for s in (*kf.by_function, *kf.by_economic) if not s.label.zh}
    assert prior and figures, "no data found for the dynamic keys"
    # a year-over-year line is "new", "dropped" or "both"; compare.html translates the first two
    one, none = Decimal(1), None
    line_statuses = {LineChange("101", Text(""), a, b).status for a, b in ((none, one), (one, none))}
    # every kind of check the rules can produce (the second argument of judge() in budgetsite/rules.py)
    rules_source = (Path(__file__).resolve().parent.parent / "budgetsite" / "rules.py").read_text(encoding="utf-8")
    kinds = set(re.findall(r'judge\(rule\["id"\], "([a-z-]+)"', rules_source))
    assert {"parent-sum", "narrative", "growth"} <= kinds, kinds
    documents = {f"document.{d}.{key}" for d in load_catalogue(REPO / "reference").documents
                 for key in ("name", "year", "lead", "total", "narrative")}
    return {"compare.status_": {f"compare.status_{s}" for s in line_statuses},
            "document.": documents,
            "quality.kinds.": {f"quality.kinds.{k}" for k in kinds},
            "figures.": {f"figures.{k}" for k in figures},
            "quality.status.": {f"quality.status.{s}" for s in statuses},
            "prior.items.": {f"prior.items.{i}" for i in prior},
            "table.note_by_": {f"table.note_by_{b}" for b in note_by},
            "codes.scheme_": {f"codes.scheme_{s}" for s in SCHEMES},
            "codes.caption_": {f"codes.caption_{s}" for s in SCHEMES},
            "against.basis_": {f"against.basis_{key}" for key in BASES.values()}}


def test_template_key_extraction_finds_the_calls():
    literal, dynamic = template_keys()
    for key in ("nav.home", "site.name", "notfound.title", "search.noscript", "table.as_published",
                "charts.function.title", "charts.economic.desc"):
        assert key in literal, f"{key} was not found in the templates: the extraction is broken"
    assert len(literal) > 100
    assert set(dynamic) == DYNAMIC, (f"templates build keys from these prefixes: {sorted(dynamic)}; "
                                     f"expected exactly {sorted(DYNAMIC)} (add a new prefix to dynamic_keys())")


def test_every_literal_template_key_exists(catalogs):
    literal, _ = template_keys()
    missing = {f"{key} (in {', '.join(sorted(where))})": [lang for lang in urls.LANGS if key not in catalogs[lang]]
               for key, where in literal.items() if any(key not in catalogs[lang] for lang in urls.LANGS)}
    assert not missing, f"template keys missing from the catalogs: {missing}"


def test_every_dynamic_template_key_exists(catalogs):
    resolved = dynamic_keys()
    for prefix, keys in resolved.items():
        assert keys, f"no keys resolved for {prefix}"
        missing = {key: [lang for lang in urls.LANGS if key not in catalogs[lang]]
                   for key in keys if any(key not in catalogs[lang] for lang in urls.LANGS)}
        assert not missing, f"keys built from {prefix!r} missing from the catalogs: {missing}"


# --- no untranslated text on English pages -----------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIPPED = {"script", "style"}  # JSON-LD and CSS are not page text
ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


class LangScanner(HTMLParser):
    """Collects Chinese text on an English page that is not marked as Chinese."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.unmarked: list[str] = []  # Chinese in UI text (outside data tables)
        self.unmarked_data: list[str] = []  # Chinese in data-table cells without lang="zh-Hans"
        self.bad_orig: list[str] = []  # class="orig" without lang="zh-Hans"
        self.bad_attributes: list[str] = []
        self.not_chinese: list[str] = []  # lang="zh-Hans" on text without a Chinese character
        self.texts: list[list[str]] = []  # the text of each open element, parallel to self.stack

    def where(self) -> str:
        parts = []
        for tag, attrs in self.stack[-5:]:
            label = tag + (f"#{attrs['id']}" if attrs.get("id") else "")
            label += "".join(f".{c}" for c in attrs.get("class", "").split())
            parts.append(label)
        return " > ".join(parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        lang = self.lang()
        for name in ATTRIBUTES:
            if CJK.search(a.get(name, "")) and lang == "en" and a.get("lang", lang) == "en":
                self.bad_attributes.append(f"<{tag} {name}={a[name]!r}> at {self.where()}")
        if tag == "meta" and a.get("name") == "description" and CJK.search(a.get("content", "")):
            self.bad_attributes.append(f"<meta name=description content={a['content'][:80]!r}>")
        if "orig" in a.get("class", "").split() and a.get("lang") != "zh-Hans":
            self.bad_orig.append(f"<{tag} class={a['class']!r} lang={a.get('lang')!r}> at {self.where()}")
        if tag not in VOID:
            self.stack.append((tag, a))
            self.texts.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.pop()

    def pop(self) -> None:
        tag, attrs = self.stack[-1]
        text = "".join(self.texts.pop())
        if attrs.get("lang") == "zh-Hans" and text.strip() and not CJK.search(text) and self.lang_above() == "en":
            self.not_chinese.append(f"<{tag} lang=zh-Hans> {' '.join(text.split())[:60]!r} at {self.where()}")
        self.stack.pop()
        if self.texts:
            self.texts[-1].append(text)

    def lang_above(self) -> str:
        """The language of the element enclosing the innermost open one."""
        return next((a["lang"] for _, a in reversed(self.stack[:-1]) if "lang" in a), "")

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                while len(self.stack) > i:
                    self.pop()
                return

    def lang(self) -> str:
        return next((a["lang"] for _, a in reversed(self.stack) if "lang" in a), "")

    def inside(self, tag: str = "", cls: str = "") -> bool:
        return any((not tag or t == tag) and (not cls or cls in a.get("class", "").split()) for t, a in self.stack)

    def in_data_cell(self) -> bool:
        """Inside a td/th of a <table class="data">."""
        for i, (tag, _) in enumerate(self.stack):
            if tag in ("td", "th") and any(t == "table" and "data" in a.get("class", "").split()
                                            for t, a in self.stack[:i]):
                return True
        return False

    def handle_data(self, data: str) -> None:
        if self.texts:
            self.texts[-1].append(data)
        if not CJK.search(data) or any(t in SKIPPED for t, _ in self.stack):
            return
        if self.lang() != "en":  # marked as Chinese by the nearest lang attribute
            return
        if self.inside(tag="code") or self.inside(cls="orig"):
            return
        text = " ".join(data.split())
        runs = "".join(CJK_RUN.findall(text))
        found = f"{self.where()}: {runs} in {text[:100]!r}"
        (self.unmarked_data if self.in_data_cell() else self.unmarked).append(found)


def english_pages() -> list[str]:
    d = json.loads((DATASETS / SLUG / "datapackage.json").read_text(encoding="utf-8"))
    pages = [urls.home("en"), urls.data_access("en"), urls.search("en"), urls.budget("en", SLUG),
             urls.quality("en", SLUG), urls.glossary("en", SLUG)]
    return pages + [urls.table("en", SLUG, t["id"]) for t in d["x_tables"]]


def scan(built_site: Path, page: str) -> LangScanner:
    scanner = LangScanner()
    scanner.feed((built_site / urls.file_of(page)).read_text(encoding="utf-8"))
    scanner.close()
    return scanner


def problems_on(built_site: Path, page: str) -> list[str]:
    s = scan(built_site, page)
    problems = []
    if s.lang() or s.stack:
        problems.append(f"unbalanced markup, still open: {s.where()}")
    if s.unmarked:
        problems.append("Chinese text outside any lang=\"zh-Hans\" element (untranslated UI text or unmarked "
                        "Chinese):\n    " + "\n    ".join(s.unmarked))
    if s.unmarked_data:
        problems.append("Chinese in data-table cells not marked lang=\"zh-Hans\" or class=\"orig\":\n    "
                        + "\n    ".join(s.unmarked_data))
    if s.bad_orig:
        problems.append("class=\"orig\" elements without lang=\"zh-Hans\":\n    " + "\n    ".join(s.bad_orig))
    return problems


@pytest.mark.parametrize("page", english_pages())
def test_english_page_has_no_untranslated_text(built_site, page):
    assert (built_site / urls.file_of(page)).is_file(), f"no page {page}"
    problems = problems_on(built_site, page)
    assert not problems, f"en page {page}:\n  " + "\n  ".join(problems)


def test_other_english_pages_have_no_untranslated_text(built_site):
    """Every other en/**/index.html the build writes (department, year and comparison pages, ...)."""
    listed = {urls.file_of(p) for p in english_pages()}
    others = sorted(p.relative_to(built_site).as_posix().removesuffix("index.html")
                    for p in built_site.glob("en/**/index.html") if p.relative_to(built_site).as_posix() not in listed)
    problems = {page: problems_on(built_site, page) for page in others}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, "\n".join(f"en page {k}:\n  " + "\n  ".join(v) for k, v in problems.items())


def test_english_attributes_are_english(built_site):
    """title, aria-label, alt, placeholder and the meta description of every English page."""
    problems = {}
    for path in sorted(built_site.glob("en/**/index.html")):
        page = path.relative_to(built_site).as_posix().removesuffix("index.html")
        if scan(built_site, page).bad_attributes:
            problems[page] = scan(built_site, page).bad_attributes
    assert not problems, f"Chinese in attributes of English pages: {problems}"


def test_english_pages_mark_only_chinese_as_chinese(built_site):
    """lang="zh-Hans" on a code, a number or a formula makes a screen reader read it out in Chinese."""
    problems = {}
    for path in sorted(built_site.glob("en/**/index.html")):
        page = path.relative_to(built_site).as_posix().removesuffix("index.html")
        found = scan(built_site, page).not_chinese
        if found:
            problems[page] = f"{len(found)} elements, e.g. {found[:3]}"
    assert not problems, "English pages mark text without any Chinese as lang=\"zh-Hans\":\n" + "\n".join(
        f"  {k}: {v}" for k, v in problems.items())


def test_scanner_catches_unmarked_chinese():
    """The scanner is not vacuous: it flags what it must and accepts what is marked."""
    s = LangScanner()
    s.feed('<html lang="en"><body><p>Unit: 万元</p><span lang="zh-Hans">万元</span><code>代码</code>'
           '<span class="orig" lang="zh-Hans">原文</span><span class="orig">无语言</span>'
           '<table class="data"><tr><td>合计</td><td><span lang="zh-Hans">合计</span></td></tr></table>'
           '<script type="application/ld+json">{"name": "中心"}</script></body></html>')
    assert [u.split(": ", 1)[1] for u in s.unmarked] == ["万元 in 'Unit: 万元'"]
    assert [u.split(": ", 1)[1] for u in s.unmarked_data] == ["合计 in '合计'"]
    assert len(s.bad_orig) == 1
    s = LangScanner()
    s.feed('<html lang="en"><body><td><span lang="zh-Hans">208</span></td><span lang="zh-Hans">合计 1</span>'
           '</body></html>')
    assert len(s.not_chinese) == 1 and "'208'" in s.not_chinese[0]


def test_a_count_of_one_takes_the_singular_where_english_has_one(catalogs):
    en = translator(catalogs["en"], "en")
    assert en("codes.page_lead", count=1) == "Rows with this code appear in 1 document."
    assert en("codes.page_lead", count=2) == "Rows with this code appear in 2 documents."
    assert en("quality.count", count=1) == "1 check" and en("quality.count", count=0) == "0 checks"
    singular = [key for key in catalogs["en"] if key.endswith("_one")]
    assert singular, "the English catalog has singular forms"
    for key in singular:  # Chinese has no plural: its `_one` strings are the others
        assert catalogs["zh"][key] == catalogs["zh"][key.removesuffix("_one")], key
