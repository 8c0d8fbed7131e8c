"""The built site, proven in a real browser: Debian's Chromium driven by Playwright, plus the Nu Html Checker
and Lighthouse from node_modules.

Every test here fails (never skips) without Chromium: the README's test command refuses to run without it.
One browser per module; each test opens its own context. A one-line summary is printed at the end of the run.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from browser_support import (
    CHROMIUM_ARGS,
    HTML_LANG,
    LANGS,
    MISSING_CHROMIUM,
    NOT_FOUND,
    READ_TABLE,
    SLUG,
    TABLE,
    Monitor,
    case_id,
    chromium_path,
    compare_with_page,
    download_kind,
    origin_of,
    page_cases,
    read_csv,
    read_json,
    read_xlsx,
    swap_language,
)

REPO = Path(__file__).resolve().parent.parent
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE_SCRIPT = REPO / "scripts" / "lighthouse.py"
CASES = page_cases()
REGION = "xiamen"  # the region of SLUG
SEARCHES = [("zh", "医疗"), ("zh", "公积金"), ("zh", "2101101"), ("en", "pension")]
TIMEOUT_MS = 20_000


# --- fixtures ----------------------------------------------------------------------------------------------

class Tally:
    """Counters for the summary line printed at the end of the run."""

    def __init__(self) -> None:
        self.pages: set[str] = set()
        self.axe_violations = 0
        self.axe_runs = 0
        self.nu_errors: int | str = "not run"
        self.links: int | str = "not run"
        self.queries = 0
        self.lighthouse: list[str] = []

    def line(self) -> str:
        text = (f"browser tests summary: pages checked {len(self.pages)}, axe violations {self.axe_violations} "
                f"({self.axe_runs} axe runs), Nu checker errors {self.nu_errors}, links checked {self.links}, "
                f"search queries tried {self.queries}")
        scores = "\n".join(f"  lighthouse {line}" for line in self.lighthouse) or "  lighthouse: not run"
        return f"{text}\n{scores}"


class _SummaryPlugin:
    def __init__(self, tally: Tally) -> None:
        self.tally = tally

    def pytest_terminal_summary(self, terminalreporter) -> None:
        for line in self.tally.line().splitlines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    counts = Tally()
    yield counts
    # printed with pytest's own terminal summary, so it is not swallowed by output capture
    plugin = _SummaryPlugin(counts)
    manager = request.config.pluginmanager
    if manager.get_plugin("terminalreporter") is not None:
        manager.register(plugin, "browser-test-summary")
    else:
        sys.__stdout__.write(counts.line() + "\n")


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Debian Chromium for the module. Fails (does not skip) when it is missing."""
    executable = chromium_path()
    if executable is None:
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is not installed: pip install -e '.[test]'", pytrace=False)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"Chromium at {executable} did not start: {exc}", pytrace=False)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def open_page(chromium, site_url: str, tally: Tally) -> Iterator[Callable[..., tuple[object, Monitor]]]:
    """`open_page(width=1280)` -> (page, monitor): a fresh context, every request and error recorded."""
    contexts = []

    def opener(width: int = 1280, height: int = 900, **options):
        context = chromium.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("framenavigated", lambda frame: tally.pages.add(frame.url.split("#")[0])
                if frame == page.main_frame else None)
        monitor = Monitor(origin_of(site_url)).attach(page)
        monitor.expected_404.add(site_url + NOT_FOUND)
        return page, monitor

    yield opener
    for context in contexts:
        context.close()


def goto(page, url: str, status: int = 200):
    response = page.goto(url, wait_until="load")
    assert response is not None, f"no response for {url}"
    assert response.status == status, f"{url}: HTTP {response.status}, expected {status}"
    if "/search/" in url and "q=" in url:
        wait_for_search(page)
    return response


def wait_for_search(page) -> str:
    """Wait for the search page to finish (status is no longer "searching"); returns the status text."""
    from playwright.sync_api import expect

    form = page.locator("form[data-search]")
    searching = form.get_attribute("data-searching")
    status = page.locator("#search-status")
    expect(status).not_to_have_text(re.compile(r"^\s*$"))
    expect(status).not_to_have_text(searching)
    text = status.text_content() or ""
    assert text != form.get_attribute("data-failed"), f"{page.url}: search failed: {text!r}"
    return text


def path_of(url: str, site_url: str) -> str:
    """The page path below the site URL, query and fragment dropped."""
    path = urlsplit(url).path
    base = urlsplit(site_url).path
    assert path.startswith(base), f"{url} is outside the site {site_url}"
    return path[len(base):]


# --- navigation ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_walk_home_budget_every_table_and_back(open_page, site_url: str, lang: str) -> None:
    page, _ = open_page()
    goto(page, f"{site_url}{lang}/")
    cards = page.locator("ul.cards li.card > a")
    assert cards.count() >= 2, f"{lang}/: fewer than two region cards (ul.cards li.card > a)"
    region_card = page.locator(f'ul.cards li.card > a[href$="regions/{REGION}/"]')
    assert region_card.count() == 1, f"{lang}/: no card links to the region {REGION}"
    with page.expect_navigation() as nav:
        region_card.click()
    region_url = f"{site_url}{lang}/regions/{REGION}/"
    assert nav.value.status == 200 and page.url == region_url, f"the card led to {page.url} ({nav.value.status})"
    document = page.locator(f'main a[href$="{SLUG}/"]')
    assert document.count() == 1, f"{region_url}: no link to the {SLUG} document"
    with page.expect_navigation() as nav:
        document.click()
    budget_url = f"{site_url}{lang}/{SLUG}/"
    assert nav.value.status == 200 and page.url == budget_url, f"the region led to {page.url} ({nav.value.status})"

    links = page.locator("ol.table-list a")
    hrefs = links.evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
    assert len(hrefs) >= 10, f"{budget_url}: only {len(hrefs)} table links"
    visited = []
    for index, href in enumerate(hrefs):
        link = page.locator("ol.table-list a").nth(index)
        title = link.inner_text().strip()
        with page.expect_navigation() as nav:
            link.click()
        target = urljoin(budget_url, href)
        assert page.url == target, f"table link {href!r} ({title}) led to {page.url}"
        assert nav.value.status == 200, f"table link {href!r} ({title}): HTTP {nav.value.status}"
        assert page.locator("html").get_attribute("lang") == HTML_LANG[lang], f"{page.url}: wrong html lang"
        heading = page.locator("main h1").inner_text().strip()
        assert heading, f"{page.url}: empty h1"
        assert page.locator("main table.data, main .notice").count() >= 1, f"{page.url}: neither table nor notice"
        visited.append(target)
        page.go_back()
        assert page.url == budget_url, f"back from {target} landed on {page.url}, not the budget page"
        assert page.locator("ol.table-list a").count() == len(hrefs), f"{budget_url}: table list changed on back"
    assert len(set(visited)) == len(hrefs), f"table links are not distinct: {visited}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_language_switch_lands_on_same_page(open_page, site_url: str, case) -> None:
    kind, lang, path = case
    page, _ = open_page()
    goto(page, site_url + path, 404 if kind == "404" else 200)
    if lang is None:
        # The root picker and the 404 page are bilingual: no a.lang-switch, a link to each language's home.
        for code in LANGS:
            link = page.locator(f'main a[hreflang="{HTML_LANG[code]}"]')
            assert link.count() == 1, f"{kind} page: no single link to the {code} home page (main a[hreflang])"
            with page.expect_navigation() as nav:
                link.click()
            assert nav.value.status == 200, f"{kind} page: the {code} link answered HTTP {nav.value.status}"
            assert path_of(page.url, site_url) == f"{code}/", f"{kind} page: the {code} link led to {page.url}"
            assert page.locator("html").get_attribute("lang") == HTML_LANG[code]
            goto(page, site_url + path, 404 if kind == "404" else 200)
        return
    switch = page.locator("a.lang-switch")
    assert switch.count() == 1, f"{path}: expected one a.lang-switch, found {switch.count()}"
    other = "en" if lang == "zh" else "zh"
    assert switch.get_attribute("hreflang") == HTML_LANG[other], f"{path}: a.lang-switch hreflang"
    with page.expect_navigation() as nav:
        switch.click()
    expected = swap_language(path)
    assert path_of(page.url, site_url) == expected, \
        f"{path}: the language switch led to {path_of(page.url, site_url)!r}, expected {expected!r}"
    assert nav.value.status == 200, f"{path}: the language switch target answered HTTP {nav.value.status}"
    assert page.locator("html").get_attribute("lang") == HTML_LANG[other], f"{page.url}: html lang"
    back = page.locator("a.lang-switch")
    assert back.count() == 1, f"{expected}: no a.lang-switch back"
    back.click()
    page.wait_for_load_state("load")
    assert path_of(page.url, site_url) == path.split("?")[0], f"{expected}: switching back led to {page.url}"


def test_404_page_is_served_and_styled(open_page, site_url: str, chromium) -> None:
    page, monitor = open_page()
    goto(page, site_url + NOT_FOUND, 404)
    styles = page.evaluate("""() => ({
        font: getComputedStyle(document.body).fontFamily,
        header: getComputedStyle(document.querySelector("header") || document.body).backgroundColor,
        sheets: [...document.styleSheets].map((s) => { try { return [s.href, s.cssRules.length]; }
                                                         catch (e) { return [s.href, -1]; } }),
    })""")
    blank = chromium.new_page()
    try:
        blank.set_content("<!DOCTYPE html><html><body><header>x</header></body></html>")
        default = blank.evaluate("""() => ({font: getComputedStyle(document.body).fontFamily,
            header: getComputedStyle(document.querySelector("header")).backgroundColor})""")
    finally:
        blank.close()
    assert styles["sheets"] and all(n > 0 for _, n in styles["sheets"]), \
        f"{NOT_FOUND}: stylesheet not loaded: {styles['sheets']}"
    assert styles["font"] != default["font"] or styles["header"] != default["header"], \
        f"{NOT_FOUND}: the 404 page looks unstyled (body font {styles['font']!r}, header {styles['header']!r})"
    assert not monitor.problems(), "\n".join(monitor.problems())


# --- downloads ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_table_downloads_match_the_page(open_page, site_url: str, lang: str, tmp_path: Path) -> None:
    page, _ = open_page(accept_downloads=True)
    url = f"{site_url}{lang}/{SLUG}/{TABLE}/"
    goto(page, url)
    sections = page.locator("main section.resource")
    assert sections.count() >= 1, f"{url}: no section.resource"
    problems: list[str] = []
    saved: dict[str, Path] = {}

    def fetch(link) -> Path:
        href = link.get_attribute("href")
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.failure() is None, f"{url}: download {href} failed: {download.failure()}"
        assert download.url == urljoin(url, href), f"{url}: {href} downloaded {download.url}"
        target = tmp_path / f"{len(saved)}-{download.suggested_filename}"
        download.save_as(target)
        assert target.stat().st_size > 0, f"{url}: {href} is empty"
        saved[href] = target
        return target

    xlsx_links = page.locator("main a[download][href$='.xlsx']")
    assert xlsx_links.count() == 1, f"{url}: expected one XLSX download link, found {xlsx_links.count()}"
    workbook = fetch(xlsx_links.first)
    for index in range(sections.count()):
        section = sections.nth(index)
        table = section.locator("table.data")
        resource = table.get_attribute("id")
        shown = table.evaluate(READ_TABLE)
        assert shown, f"{url}: table #{resource} has no rows"
        links = section.locator("a[download]")
        kinds = {download_kind(links.nth(i).get_attribute("href")): links.nth(i) for i in range(links.count())}
        assert set(kinds) == {"csv", "json"}, \
            f"{url}: #{resource} download links are {sorted(kinds)}, expected csv and json"
        standard = read_csv(fetch(kinds["csv"]))
        downloads = [standard, read_json(fetch(kinds["json"])), read_xlsx(workbook, resource, standard.fields)]
        for got in downloads:
            assert got.fields == standard.fields, f"{resource} {got.kind}: fields {got.fields} != {standard.fields}"
            problems += compare_with_page(shown, got, lang, f"{url} #{resource} vs {got.kind}")
    assert len(saved) == page.locator("main a[download]").count(), "not every download link was fetched"
    assert not problems, "downloads differ from the page:\n" + "\n".join(problems[:60])


# --- search ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "query"), SEARCHES, ids=[q for _, q in SEARCHES])
def test_search_finds_pages_containing_the_query(open_page, site_url: str, tally: Tally, lang: str,
                                                 query: str) -> None:
    page, monitor = open_page()
    tally.queries += 1
    goto(page, f"{site_url}{lang}/search/?q={query}")
    results = page.locator("#search-results li a")
    status = page.locator("#search-status").text_content()
    assert results.count() >= 1, f"{lang}/search/?q={query}: no results (status {status!r})"
    assert page.locator("#search-q").input_value() == query, "the query is not shown in the search box"
    first = results.first
    href = first.get_attribute("href")
    with page.expect_navigation() as nav:
        first.click()
    assert nav.value.status == 200, f"?q={query}: the first result {href} answered HTTP {nav.value.status}"
    assert page.url.startswith(site_url + lang + "/"), f"?q={query}: first result {page.url} leaves the {lang} site"
    text = page.locator("main").text_content() or ""  # what Pagefind indexed, closed <details> included
    assert query.casefold() in text.casefold(), f"?q={query}: the first result {page.url} does not contain {query!r}"
    assert page.locator("main h1").count() == 1, f"{page.url}: the result page has no h1"
    assert not monitor.problems(), "\n".join(monitor.problems())


def search_results(open_page, site_url: str, tally: Tally, lang: str, query: str) -> tuple[list[str], Monitor]:
    """The site paths the search page lists for `query`, in order, and the page's monitor."""
    page, monitor = open_page()
    tally.queries += 1
    goto(page, f"{site_url}{lang}/search/?q={query}")
    links = page.locator("#search-results li a")
    paths = [path_of(urljoin(page.url, links.nth(i).get_attribute("href") or ""), site_url)
             for i in range(links.count())]
    return paths, monitor


# a classification code, a Chinese two-character word and an English word, each printed by several publishers
ACROSS = [("zh", "2080505"), ("zh", "司法"), ("zh", "公积金"), ("en", "housing")]


@pytest.mark.parametrize(("lang", "query"), ACROSS, ids=[q for _, q in ACROSS])
def test_search_finds_the_query_across_publishers(open_page, site_url: str, built_site: Path, tally: Tally,
                                                  lang: str, query: str) -> None:
    paths, monitor = search_results(open_page, site_url, tally, lang, query)
    budgets = {d.name for d in built_site.glob(f"{lang}/*") if (d / "quality").is_dir()}

    def holds_query(path: str) -> bool:  # Pagefind also finds parts of a Chinese word; count whole matches only
        text = (built_site / path / "index.html").read_text(encoding="utf-8")
        return query.casefold() in text.casefold()

    datasets = {p.split("/")[1] for p in paths if p.split("/")[1] in budgets and holds_query(p)}
    assert len(datasets) >= 2, f"?q={query}: results holding it from {sorted(datasets)} only: {paths}"
    assert holds_query(paths[0]), f"?q={query}: the first result {paths[0]} does not contain it"
    assert not monitor.problems(), "\n".join(monitor.problems())


@pytest.mark.parametrize(("lang", "query"), ACROSS, ids=[q for _, q in ACROSS])
def test_search_shows_at_most_three_results_of_one_document(open_page, site_url: str, tally: Tally, lang: str,
                                                            query: str) -> None:
    paths, monitor = search_results(open_page, site_url, tally, lang, query)
    groups = Counter(p.split("/")[1] for p in paths)
    assert paths and max(groups.values()) <= 3, f"?q={query}: {groups.most_common(3)}"
    assert len(paths) == len(set(paths)), f"?q={query}: a page listed twice: {paths}"
    assert not monitor.problems(), "\n".join(monitor.problems())


# --- accessibility and layout ------------------------------------------------------------------------------

def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{url}: {len(violations)} axe violation(s)"]
    for v in violations:
        lines.append(f"  {v['id']} ({v.get('impact')}): {v['help']} — {v.get('helpUrl', '')}")
        for node in v["nodes"][:8]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    target {node['target']}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_axe_reports_no_violations(open_page, site_url: str, tally: Tally, case) -> None:
    kind, _, path = case
    page, _ = open_page()
    goto(page, site_url + path, 404 if kind == "404" else 200)
    violations = axe_violations(page)
    tally.axe_runs += 1
    tally.axe_violations += len(violations)
    if violations:
        print(describe_violations(page.url, violations))
    assert not violations, describe_violations(page.url, violations)


OVERFLOW = """() => {
  const width = window.innerWidth;
  const name = (e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}`
    + `${typeof e.className === "string" && e.className ? "." + e.className.split(" ").join(".") : ""}`;
  const offenders = [...document.querySelectorAll("body *")]
    .filter((e) => !e.closest(".table-scroll") && e.getBoundingClientRect().right > width + 0.5)
    .map((e) => `${name(e)} right edge ${Math.round(e.getBoundingClientRect().right)}px: `
      + `${(e.textContent || "").trim().slice(0, 60)}`);
  // text that does not wrap overflows without its element doing so
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest(".table-scroll")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    if (right > width + 0.5) {
      offenders.push(`text in ${name(parent)} right edge ${Math.round(right)}px: `
        + `${node.textContent.trim().slice(0, 60)}`);
    }
  }
  const boxes = [...document.querySelectorAll(".table-scroll")].map((box) => ({
    wide: box.scrollWidth > box.clientWidth + 1,
    overflowX: getComputedStyle(box).overflowX,
    right: box.getBoundingClientRect().right,
    label: box.getAttribute("aria-labelledby") || box.getAttribute("aria-label") || "",
  }));
  return {scrollWidth: document.documentElement.scrollWidth, width, offenders: offenders.slice(0, 8), boxes};
}"""


def check_phone_layout(page) -> list[str]:
    layout = page.evaluate(OVERFLOW)
    problems = []
    if layout["scrollWidth"] > layout["width"]:
        problems.append(f"{page.url}: page is {layout['scrollWidth']}px wide at {layout['width']}px; "
                        f"overflowing: {layout['offenders']}")
    elif layout["offenders"]:  # drawn past the edge without widening the page, e.g. a chart's label: cut off
        problems.append(f"{page.url}: cut off at {layout['width']}px: {layout['offenders']}")
    for box in layout["boxes"]:
        if box["wide"] and box["overflowX"] not in ("auto", "scroll"):
            problems.append(f"{page.url}: wide table {box['label']!r} is clipped (overflow-x {box['overflowX']})")
        if box["right"] > layout["width"] + 0.5:
            problems.append(f"{page.url}: .table-scroll {box['label']!r} extends to {box['right']}px")
    return problems


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_no_horizontal_overflow_at_375px(open_page, site_url: str, case) -> None:
    kind, _, path = case
    page, _ = open_page(width=375, height=812)
    goto(page, site_url + path, 404 if kind == "404" else 200)
    problems = check_phone_layout(page)
    assert not problems, "\n".join(problems)


def site_pages(built_site: Path, site_url: str, lang: str) -> list[str]:
    """URLs of every page of one language in the build, in path order."""
    return [site_url + page.parent.relative_to(built_site).as_posix() + "/"
            for page in sorted((built_site / lang).rglob("index.html"))]


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_at_375px_and_axe(open_page, built_site: Path, site_url: str, tally: Tally, lang: str) -> None:
    """Every page of the build, not only one of each type (all tables, departments, years ...): no overflow at
    375px, wide tables scroll inside their box, axe reports nothing."""
    page, _ = open_page(width=375, height=812)
    representative = {site_url + path for kind, code, path in CASES if code == lang}
    pages = [url for url in site_pages(built_site, site_url, lang) if url not in representative]
    assert len(pages) >= 10, f"{lang}: only {len(pages)} other pages in the build"
    problems, scrolled = [], []
    for url in pages:
        goto(page, url)
        problems += check_phone_layout(page)
        box = page.locator(".table-scroll").first
        if box.count() and box.evaluate("(b) => b.scrollWidth > b.clientWidth + 1"):
            moved = box.evaluate("(b) => { b.scrollLeft = 200; return b.scrollLeft; }")
            if moved <= 0:
                problems.append(f"{url}: the wide table's .table-scroll box does not scroll horizontally")
            else:
                scrolled.append(url)
            if page.evaluate("window.scrollX") != 0:
                problems.append(f"{url}: scrolling the table moved the whole page")
        violations = axe_violations(page)
        tally.axe_runs += 1
        tally.axe_violations += len(violations)
        if violations:
            problems.append(describe_violations(url, violations))
    assert scrolled, f"{lang}: no page has a table wider than 375px scrolling inside .table-scroll"
    assert not problems, f"{len(problems)} problem(s) on {len(pages)} pages:\n" + "\n".join(problems)


# --- network, console and CSP ------------------------------------------------------------------------------

def test_no_foreign_requests_console_errors_or_csp_violations(open_page, built_site: Path, site_url: str) -> None:
    page, monitor = open_page()
    for kind, _, path in CASES:
        goto(page, site_url + path, 404 if kind == "404" else 200)
        page.wait_for_load_state("networkidle")
    for lang in LANGS:  # every other page too, and a search submitted from the form and followed into a result
        for url in site_pages(built_site, site_url, lang):
            goto(page, url)
        goto(page, f"{site_url}{lang}/search/")
        page.fill("#search-q", "2101101")
        with page.expect_navigation():
            page.press("#search-q", "Enter")
        wait_for_search(page)
        page.locator("#search-results li a").first.click()
        page.wait_for_load_state("networkidle")
    assert monitor.requests, "no requests were recorded"
    problems = monitor.problems()
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])


def test_csp_violations_are_detected(open_page, site_url: str) -> None:
    """The monitor itself: an inline script injected into a page must be reported as a CSP violation."""
    page, monitor = open_page()
    goto(page, f"{site_url}zh/")
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.x = 1";
                             document.head.append(s); }""")
    page.wait_for_timeout(300)
    assert monitor.csp_violations, "an inline script ran or was blocked silently: the CSP monitor is blind"
    assert page.evaluate("window.x") is None, "an inline script ran despite the CSP"


# --- HTML validity and links (no browser needed) -----------------------------------------------------------

def test_nu_html_checker_reports_no_errors(built_site: Path, tally: Tally) -> None:
    java = shutil.which("java")
    assert java, "java not found: apt-get install default-jre-headless (the Nu Html Checker needs it)"
    assert VNU_JAR.is_file(), f"{VNU_JAR} missing: run `npm ci` (vnu-jar is a devDependency in package.json)"
    run = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--skip-non-html",
                          str(built_site)], capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stderr or run.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar exit {run.returncode}, no JSON report:\n{run.stdout}\n{run.stderr}", pytrace=False)
    errors = [m for m in report.get("messages", []) if m.get("type") in ("error", "non-document-error")
              or m.get("subType") == "fatal"]
    tally.nu_errors = len(errors)
    lines = [f"{m.get('url', '').replace('file:' + str(built_site), '')}:{m.get('lastLine', '?')}: "
             f"{m.get('message')}  [{(m.get('extract') or '').strip()[:100]}]" for m in errors]
    assert not errors, f"Nu Html Checker {report.get('version')}: {len(errors)} error(s)\n" + "\n".join(lines[:80])
    assert run.returncode == 0, f"vnu.jar exit {run.returncode}: {run.stderr[:2000]}"


def test_links_resolve_downloads_included(built_site: Path, site_url: str, tally: Tally) -> None:
    from budgetsite.linkcheck import broken_links, scan

    broken = broken_links(built_site, "/budget/")
    pages = sorted(built_site.rglob("*.html"))
    links = {(page, link) for page in pages for link in scan(page).links}
    tally.links = len(links)
    assert not broken, f"{len(broken)} broken link(s):\n" + "\n".join(broken[:80])

    # every download link, fetched from the server as the browser would
    downloads = set()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        rel = page.relative_to(built_site).as_posix()
        page_url = site_url + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for href in re.findall(r'<a href="([^"]+)" download>', text):
            downloads.add(urljoin(page_url, href))
    assert downloads, "no download links (a[download]) found in the site"
    failures = []
    for url in sorted(downloads):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as answer:
                if answer.status != 200 or int(answer.headers.get("Content-Length") or 0) == 0:
                    failures.append(f"{url}: HTTP {answer.status}, {answer.headers.get('Content-Length')} bytes")
        except urllib.error.HTTPError as exc:
            failures.append(f"{url}: HTTP {exc.code}")
    tally.links += len(downloads)
    assert not failures, "download links that do not serve a file:\n" + "\n".join(failures)


# --- Lighthouse (slow: six full Lighthouse runs) ------------------------------------------------------------

def test_lighthouse_scores_meet_targets_slow(tally: Tally) -> None:
    """scripts/lighthouse.py: performance >= 0.95, accessibility, best practices and SEO 1.0 on six pages."""
    run = subprocess.run([sys.executable, str(LIGHTHOUSE_SCRIPT)], capture_output=True, text=True,
                         timeout=1200, cwd=REPO)
    print(run.stdout)
    tally.lighthouse += [" ".join(line.split()) for line in run.stdout.splitlines() if "performance=" in line]
    assert run.returncode == 0, f"scripts/lighthouse.py exit {run.returncode}:\n{run.stdout}\n{run.stderr[-4000:]}"
