"""Helpers for the real-browser tests (tests/test_browser.py): the pages to visit, a page monitor that records
every request, console error, uncaught exception and CSP violation, and readers for the table downloads.

Kept free of pytest fixtures so the test module reads top to bottom; nothing here launches a browser.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

SLUG = "xiamen-hpf-2024"
TABLE = "t05"
LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
NOT_FOUND = "no/such/page"

# One page of every type. `{lang}` is filled in for the per-language ones; root and 404 are bilingual.
LANGUAGE_PAGES = {
    "home": "{lang}/",
    "budget": "{lang}/" + SLUG + "/",
    "table": "{lang}/" + SLUG + "/" + TABLE + "/",
    "quality": "{lang}/" + SLUG + "/quality/",
    "glossary": "{lang}/" + SLUG + "/glossary/",
    "data": "{lang}/data/",
    "region-data": "{lang}/data/shanghai-putuo/",
    "search": "{lang}/search/?q={query}",
    # the corpus: regions, publishers, comparisons, codes; and the other document kinds
    "region": "{lang}/regions/shanghai-putuo/",
    "publisher": "{lang}/departments/putuo-justice-bureau/",
    "departments": "{lang}/departments/",
    "years": "{lang}/years/",
    "region-comparison": "{lang}/regions/shanghai-putuo/2025/department-budget/",
    "codes": "{lang}/codes/",
    "code": "{lang}/codes/function/201/",
    "unit-budget": "{lang}/putuo-justice-bureau-2026-unit-budget/",
    "final-accounts": "{lang}/putuo-planning-resources-2024-final-accounts/",
    "final-accounts-table": "{lang}/putuo-planning-resources-2024-final-accounts/t07/",
}
SEARCH_EXAMPLE = {"zh": "医疗", "en": "pension"}
NEUTRAL_PAGES = {"root": "", "404": NOT_FOUND}


def page_cases() -> list[tuple[str, str | None, str]]:
    """(page type, language or None, path below the site URL) for every page type in both languages."""
    cases: list[tuple[str, str | None, str]] = [(kind, None, path) for kind, path in NEUTRAL_PAGES.items()]
    for lang in LANGS:
        for kind, path in LANGUAGE_PAGES.items():
            cases.append((kind, lang, path.format(lang=lang, query=SEARCH_EXAMPLE[lang])))
    return cases


def case_id(case: tuple[str, str | None, str]) -> str:
    kind, lang, _ = case
    return f"{lang}-{kind}" if lang else kind


CHROMIUM_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

MISSING_CHROMIUM = """The browser tests drive a real Chromium, and none was found on PATH.
On Debian or Ubuntu: sudo apt-get install -y chromium fonts-noto-cjk default-jre-headless
(Playwright's own browser download is never used.)"""


def chromium_path() -> str | None:
    return shutil.which("chromium")


# Reports CSP violations to Python through an exposed binding; injected by the browser before any page script,
# so the site's own CSP does not apply to it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  if (window.__reportCspViolation) {
    window.__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} `
      + `on ${e.documentURI} (${e.sourceFile || "?"}:${e.lineNumber})`);
  }
});
"""


@dataclass
class Monitor:
    """Everything a page did that the tests forbid, plus every URL it requested."""

    origin: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    expected_404: set[str] = field(default_factory=set)  # documents loaded on purpose that answer 404

    def attach(self, page) -> Monitor:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.expose_function("__reportCspViolation", self._csp)
        page.add_init_script(CSP_LISTENER)
        return self

    def _csp(self, report: str) -> None:
        self.csp_violations.append(report)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and "404" in message.text \
                and where in self.expected_404:
            return  # the 404 page itself, fetched on purpose, is reported by Chromium as a failed load
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{where}: {message.text}")
        else:
            self.console_errors.append(f"{where}: {message.text}")

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.origin)]

    def problems(self) -> list[str]:
        return ([f"request leaves the local server: {u}" for u in self.foreign_requests()]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"uncaught exception: {m}" for m in self.page_errors]
                + [f"CSP violation: {m}" for m in dict.fromkeys(self.csp_violations)])


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def swap_language(path: str) -> str:
    """`zh/x/y/` -> `en/x/y/` and back (query dropped)."""
    path = path.split("?", 1)[0]
    first, _, rest = path.partition("/")
    return {"zh": "en", "en": "zh"}[first] + "/" + rest


# --- the rendered tables -------------------------------------------------------------------------------

# Each data row of a rendered table: its anchor and, per cell, the displayed value without the erratum mark
# and the Chinese original shown beside an English label.
READ_TABLE = """(table) => [...table.querySelectorAll("tbody tr[id]")].map((tr) => ({
  id: tr.id,
  cells: [...tr.cells].map((td) => {
    const copy = td.cloneNode(true);
    copy.querySelectorAll(".erratum, .orig").forEach((e) => e.remove());
    const orig = td.querySelector(".orig");
    const erratum = td.querySelector(".erratum");
    return {text: copy.textContent.trim(), numeric: !td.hasAttribute("class"),
            orig: orig ? orig.textContent.trim() : null, erratum: erratum ? erratum.textContent.trim() : null};
  }),
}))"""

# The site's tables show every field of the resource except these bookkeeping ones, in file order.
HIDDEN_FIELDS = {"row", "side", "level", "kind"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def amount(text: str) -> Decimal | None:
    """A displayed or downloaded number: thousands separators removed; blank is None."""
    text = str(text).replace(",", "").replace("\u2212", "-").replace("\u00a0", "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise AssertionError(f"not a number: {text!r}") from None


def plain(value) -> str:
    return "" if value is None else str(value)


def unguard(text: str) -> str:
    """Undo the Excel formula-injection guard (a leading apostrophe before =, +, -, @ ...)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


@dataclass
class Download:
    """One downloaded resource, as rows of {field: value} in file order."""

    kind: str
    fields: list[str]
    rows: list[dict]
    extra: dict = field(default_factory=dict)


def read_csv(path: Path) -> Download:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: the standard CSV must not start with a BOM"
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
    return Download("csv", list(reader.fieldnames or []), list(reader))


def read_json(path: Path) -> Download:
    data = json.loads(path.read_text(encoding="utf-8"))
    names = [f["name"] for f in data["fields"]]
    fields = [f["name"] for f in data["fields"] if not {"english_of", "as_published_of"} & set(f)]
    rows = [dict(zip(names, r, strict=True)) for r in data["rows"]]
    return Download("json", fields, rows, {"unit": data.get("unit"), "resource": data.get("resource")})


def read_xlsx(path: Path, sheet: str, fields: list[str]) -> Download:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    assert sheet in book.sheetnames, f"{path.name}: no sheet {sheet!r} (sheets: {book.sheetnames})"
    rows = [r for r in book[sheet].iter_rows(values_only=True) if any(v is not None for v in r)]
    # header rows (Chinese and English titles) first, then the data rows, which start with the row number
    body = [r for r in rows if isinstance(r[0], int)]
    book.close()
    out = []
    for r in body:
        assert len(r) >= len(fields), f"{path.name}: row {r[0]} has {len(r)} cells for {len(fields)} fields"
        out.append({name: (unguard(v) if isinstance(v, str) else v) for name, v in zip(fields, r, strict=False)})
    return Download("xlsx", fields, out)


def compare_with_page(page_rows: list[dict], download: Download, lang: str, label: str) -> list[str]:
    """Differences between a rendered table and one download of it, one line each."""
    columns = [f for f in download.fields if f not in HIDDEN_FIELDS]
    problems = []
    if len(page_rows) != len(download.rows):
        problems.append(f"{label}: page shows {len(page_rows)} rows, the download has {len(download.rows)}")
    for index, (shown, data) in enumerate(zip(page_rows, download.rows, strict=False)):
        cells = shown["cells"]
        if len(cells) != len(columns):
            problems.append(f"{label}: row {shown['id']}: {len(cells)} cells on the page, "
                            f"{len(columns)} visible fields {columns} in the download")
            continue
        if "row" in data and plain(data["row"]) and int(data["row"]) != index + 1:
            problems.append(f"{label}: row {shown['id']}: the download numbers it {data['row']}")
        for name, cell in zip(columns, cells, strict=True):
            value = data.get(name)
            where = f"{label}: row {shown['id']} column {name}"
            if cell["numeric"]:
                if amount(cell["text"]) != amount(plain(value)):
                    problems.append(f"{where}: page shows {cell['text']!r}, the download has {value!r}")
                continue
            # text: on English pages the Chinese original is shown beside a translation that differs from it
            zh_shown = cell["orig"] if (lang == "en" and cell["orig"] is not None) else cell["text"]
            if zh_shown != plain(value):
                problems.append(f"{where}: page shows {zh_shown!r}, the download has {value!r}")
            if download.kind == "json":
                english = data.get(f"{name}_en")
                if lang == "en" and english and cell["text"] != english:
                    problems.append(f"{where}: page shows {cell['text']!r}, the JSON label is {english!r}")
                published = data.get(f"{name}_as_published")
                if published and (cell["erratum"] is None or str(published) not in cell["erratum"]):
                    problems.append(f"{where}: the JSON records the printed value {published!r}, "
                                    f"the page's erratum mark is {cell['erratum']!r}")
                if cell["erratum"] and not published:
                    problems.append(f"{where}: the page marks an erratum {cell['erratum']!r}, "
                                    f"the JSON has no {name}_as_published")
    return problems


def download_kind(href: str) -> str:
    path = urlsplit(href).path
    if path.endswith(".xlsx"):
        return "xlsx"
    if path.endswith(".json"):
        return "json"
    if path.endswith(".csv"):
        return "csv"
    return "other"
