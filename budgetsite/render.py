"""Render stage: one Jinja environment, one template set, a string catalog per language. No file I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import markdown
import nh3
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from . import urls
from .catalogue import load_catalogue
from .config import SiteConfig
from .i18n import Catalog, translator
from .model import Amount, Text, code_level

# What narrative Markdown may produce; everything else (script, iframe, on* attributes, javascript: links,
# raw HTML the Markdown passes through) is removed.
MARKDOWN_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "em", "strong", "code", "blockquote",
                 "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "a"}


@dataclass(frozen=True)
class Page:
    path: str  # site path; a folder path ends with "/" and is written as index.html
    template: str
    lang: str  # "" for language-neutral pages (the language picker, 404)
    title: Text
    context: dict[str, Any]
    alternates: bool = True  # has a counterpart in the other language
    # A site-wide page built from a few documents only: their slugs, and what else it shows of the corpus (a
    # short text). A rebuild keeps the page when neither changed. None: it depends on every document.
    sources: tuple[str, ...] | None = None
    shape: str = ""
    facet: str = ""  # the part of each source the page shows (a code's rows), where it is not all of it


def markdown_html(source: str, heading_offset: int = 0, lang: str = "zh") -> Markup:
    """Narrative Markdown as sanitised HTML: the only place user Markdown becomes Markup."""
    html = markdown.markdown(source, extensions=["tables"], output_format="html")
    if heading_offset:
        html = re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{min(int(m[2]) + heading_offset, 6)}>", html)
    clean = nh3.clean(html, tags=MARKDOWN_TAGS, attributes={"a": {"href", "title"}},
                      url_schemes={"http", "https", "mailto"})
    if lang == "en":
        clean = mark_chinese(clean)
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+"
                     r"(?:[\s\d.,%()（）\-]*[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+)*")
HAS_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_chinese(text: str) -> bool:
    return bool(HAS_CJK.search(text))


def mark_chinese(html: str) -> str:
    """Wrap runs of Chinese inside the text of (already safe) HTML in <span lang="zh-Hans">, for English pages
    that quote the original: screen readers and search then treat them as Chinese."""
    parts = re.split(r"(<[^>]*>)", html)
    for i, part in enumerate(parts):
        if part and not part.startswith("<") and has_chinese(part):
            parts[i] = CJK_RUN.sub(lambda m: f'<span lang="zh-Hans">{m[0]}</span>', part)
    return "".join(parts)


def marked_text(value: Any) -> Markup:
    """Plain text for an English page, escaped, with its Chinese runs marked as Chinese."""
    return Markup(mark_chinese(str(escape(str(value)))))  # noqa: S704 - escaped just here


def format_amount(value: Any, places: int = 2) -> str:
    """Thousands separators and the printed number of places for display (an Amount knows its own); files
    keep the plain figure."""
    if value is None or value == "":
        return ""
    if isinstance(value, Amount):
        value, places = value.value, value.places
    return f"{Decimal(value):,.{places}f}"


def format_printed(value: Any, places: int = 2) -> str:
    """A figure of a table as its table prints it: with the table's places, or the fewer it was printed with
    (`15` beside `21.56`)."""
    if value is None or value == "":
        return ""
    exponent = Decimal(value).as_tuple().exponent
    own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_amount(value, min(places, own))


def format_number(value: Any) -> str:
    if value is None or value == "":
        return ""
    d = Decimal(value)
    return f"{d:,f}" if d == d.to_integral() else f"{d.normalize():,f}"


def external_url(value: Any) -> str:
    """An http(s) URL from the data, or "" (so `javascript:` and other schemes never become a link)."""
    text = str(value or "").strip()
    return text if re.fullmatch(r"https?://[^\s\"'<>]+", text) else ""


def format_pct(value: Any) -> str:
    return "" if value is None else f"{Decimal(value):.2f}%"


def make_environment(templates: Path, compiled: Path | None = None) -> Environment:
    """`compiled`: a folder that keeps the templates compiled between builds and processes. Jinja loads a
    compiled template only while its source is unchanged (it compares a checksum), so it never alters the
    output; compiling the templates takes a process 0.7 s."""
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        bytecode_cache=FileSystemBytecodeCache(str(compiled)) if compiled else None,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(amount=format_amount, printed=format_printed, number=format_number, pct=format_pct,
                       external_url=external_url, code_level=code_level, marked=marked_text)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    env.globals["urls"] = urls
    return env


def render_page(env: Environment, page: Page, catalogs: dict[str, Catalog], config: SiteConfig) -> str:
    lang = page.lang or "zh"
    terms = load_catalogue(config.reference.resolve()).terms
    tr = {code: translator(catalogs[code], code) for code in urls.LANGS}
    t = tr[lang]

    def rel(target: str) -> str:
        if page.path == urls.NOT_FOUND:  # served at any depth: links must be rooted at the base path
            return urls.rooted(config.base_path, target)
        return urls.relative(page.path, target)

    def tx(text: Text) -> str:
        return text.get(lang)

    def unit(name: str) -> str:
        """How a page names a unit (元, 万元): as printed on Chinese pages, from the term base on English ones."""
        return terms.en(name, "unit") if lang == "en" else name

    def needs_zh(text: Text) -> bool:
        """True where an English page shows Chinese because no translation exists."""
        return lang == "en" and not text.en and has_chinese(text.zh)

    def text(value: Text, cls: str = "") -> Markup:
        """A bilingual value: on English pages the translation, with the published Chinese beside it. A
        function, not a macro: pages call it for every row name. Every part is escaped where it is joined. A
        value needs no element of its own unless it carries a class or a language (a bare span on each of about
        1,200 names a document was 16 KB of its pages)."""
        def element(inner: str, chinese: bool = False) -> str:
            attrs = (' lang="zh-Hans"' if chinese else "") + (f' class="{escape(cls)}"' if cls else "")
            return f"<span{attrs}>{inner}</span>" if attrs else inner

        if lang == "en" and value.en:
            out = element(str(marked_text(value.en)))
            if value.zh and value.zh != value.en:
                out += f' <span class="orig" lang="zh-Hans">{escape(value.zh)}</span>'
            return Markup(out)  # noqa: S704
        return Markup(element(str(escape(value.zh)), chinese=needs_zh(value)))  # noqa: S704

    alternates = []  # hreflang needs absolute URLs: left out without a configured site URL
    if config.site_url and ((page.lang and page.alternates) or page.path == urls.ROOT):  # picker: x-default
        for code in urls.LANGS:
            target = urls.home(code) if page.path == urls.ROOT else urls.swap_lang(page.path, code)
            alternates.append((urls.HTML_LANG[code], urls.absolute(config.site_url, target)))
        alternates.append(("x-default", urls.absolute(config.site_url, urls.ROOT)))
    template = env.get_template(page.template)
    return template.render(
        page=page, lang=lang, html_lang=urls.HTML_LANG[lang], t=t, tr=tr, tx=tx,
        needs_zh=needs_zh, text=text, rel=rel, alternates=alternates, unit=unit,
        canonical=urls.absolute(config.site_url, page.path) if config.site_url else "",
        link=lambda target: urls.link(config.site_url, page.path, target),
        other_lang=urls.other(lang), other_path=urls.swap_lang(page.path, urls.other(lang)),
        site_root=config.site_url or config.base_path, **page.context,
    )
