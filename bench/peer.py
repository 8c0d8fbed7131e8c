"""The peer in the same run: Hugo + Pagefind over as many bilingual table pages as our build wrote.

    figures = run(project, pages, folder)     # project: a corpus from bench/generate.py, already built

`write_project` turns the corpus's tables into a Hugo project with no theme: two languages (content/zh,
content/en, each in its own subfolder of the site), one page per table of a budget (its title, unit and the
rows of its CSVs as Markdown tables; the English page with the schema's English column titles and the
document's translations), a home and a section list per language, and Hugo's redirect at the root, so that
Hugo writes exactly `pages` HTML files (tables repeat, with their own addresses, when the corpus has fewer
tables than our build has pages). `run` times a cold `hugo --quiet --destination <out>` (fresh output and
cache folders), then one Pagefind run over its output with the options our build passes (`--site`,
`--output-path`) and the same executable (budgetsite.search.pagefind_command), each in its own process.
Writing the project is not timed: Hugo's input is ready-made Markdown, ours is the data packages.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from budgetsite.search import pagefind_command  # noqa: E402

LANGS = ("zh", "en")
SECTION = "budgets"
# HTML pages Hugo writes besides the table pages: the root redirect, then per language its home and the
# section's list.
OVERHEAD = 1 + 2 * len(LANGS)

CONFIG = """baseURL = "https://example.org/peer/"
defaultContentLanguage = "zh"
defaultContentLanguageInSubdir = true
hasCJKLanguage = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]

[languages.zh]
contentDir = "content/zh"
languageName = "中文"
title = "预算公开（基准测试，虚构数据）"
weight = 1

[languages.en]
contentDir = "content/en"
languageName = "English"
title = "Open budgets (benchmark, fictitious data)"
weight = 2
"""
LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ if eq .Site.Language.Lang "zh" }}zh-Hans{{ else }}en{{ end }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
</head>
<body>
<header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
{{ range .Translations }} <a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">
{{- .Language.LanguageName }}</a>{{ end }}
</header>
<main data-pagefind-body>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}
<p><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></p>
<h1>{{ .Title }}</h1>
<p>{{ .Params.document }} · {{ .Params.unit }}</p>
{{ .Content }}
{{ end }}
""",
    "_default/list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
""",
}
SECTION_TITLE = {"zh": "预算表", "en": "Budget tables"}
UNITS = {"万元": "CNY 10,000", "元": "CNY"}


@dataclass
class Table:
    """One table of one document, in both languages: title, document title, unit, and per part (resource) its
    column titles and rows as written in the CSV."""
    slug: str
    id: str
    title: dict[str, str]
    document: dict[str, str]
    unit: str
    parts: list[tuple[dict[str, list[str]], list[list[str]]]] = field(default_factory=list)
    translations: dict[str, str] = field(default_factory=dict)


def our_pages(site: Path) -> int:
    """The pages of our built site: its index.html files."""
    return sum(1 for _ in site.rglob("index.html"))


def html_pages(root: Path) -> int:
    return sum(1 for _ in root.rglob("*.html"))


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def tables(project: Path) -> list[Table]:
    """Every table of every document of the corpus, in folder order, then the document's table order."""
    out = []
    for folder in sorted(p for p in (project / "datasets").iterdir() if (p / "datapackage.json").is_file()):
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        resources = {r["name"]: r for r in package["resources"]}
        document = {"zh": package["title"], "en": package["x_i18n"]["en"]["title"]}
        translations: dict[str, str] = {}
        for name in ("codes-function", "codes-economic"):  # code names, then the document's own texts
            if (folder / "data" / f"{name}.csv").is_file():
                translations |= {r["name_zh"]: r["name_en"] for r in rows(folder / "data" / f"{name}.csv")}
        translations |= {r["zh"]: r["en"] for r in rows(folder / "data" / "translations.csv")}
        for entry in package["x_tables"]:
            table = Table(folder.name, entry["id"], {"zh": entry["title"], "en": entry["x_i18n"]["en"]["title"]},
                          document, entry["unit"], translations=translations)
            for name in entry["resources"]:
                resource = resources[name]
                schema = resource["schema"]
                if isinstance(schema, str):
                    schema = json.loads((folder / schema).read_text(encoding="utf-8"))
                fields = schema["fields"]
                titles = {"zh": [f.get("title", f["name"]) for f in fields],
                          "en": [f.get("x_i18n", {}).get("en", {}).get("title", f.get("title", f["name"]))
                                 for f in fields]}
                table.parts.append((titles, read_csv(folder / resource["path"])[1:]))
            out.append(table)
    return out


def content_pages(target: int) -> dict[str, int]:
    """Table pages per language so that Hugo writes `target` HTML pages in all (Chinese takes an odd one)."""
    pages = target - OVERHEAD
    if pages < len(LANGS):
        raise ValueError(f"{target} pages are too few for the peer site: it has {OVERHEAD} list pages")
    return {"zh": pages - pages // 2, "en": pages // 2}


def cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown(table: Table, lang: str) -> str:
    """The page's body: per part, a Markdown table of its rows (English cells through the translations)."""
    blocks = []
    for titles, rows in table.parts:
        lines = ["| " + " | ".join(cell(t) for t in titles[lang]) + " |", "|" + "---|" * len(titles[lang])]
        for row in rows:
            values = row if lang == "zh" else [table.translations.get(v, v) for v in row]
            lines.append("| " + " | ".join(cell(v) for v in values) + " |")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def page(table: Table, lang: str) -> str:
    """A content file: JSON front matter (title, document, unit), then the Markdown tables."""
    unit = table.unit if lang == "zh" else UNITS.get(table.unit, table.unit)
    meta: dict[str, Any] = {"title": table.title[lang], "document": table.document[lang], "unit": unit}
    return json.dumps(meta, ensure_ascii=False, indent=1) + "\n\n" + markdown(table, lang)


def write_project(root: Path, project: Path, target: int) -> dict[str, int]:
    """A Hugo project at `root` (replaced) from the corpus at `project`, writing `target` HTML pages when built;
    returns the table pages per language."""
    counts = content_pages(target)
    corpus = tables(project)
    if not corpus:
        raise ValueError(f"no tables in {project / 'datasets'}")
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for rel, text in LAYOUTS.items():
        (root / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / rel).write_text(text, encoding="utf-8")
    for lang, count in counts.items():
        section = root / "content" / lang / SECTION
        section.mkdir(parents=True)
        (section / "_index.md").write_text(json.dumps({"title": SECTION_TITLE[lang]}, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
        for i in range(count):  # the same sequence in both languages, so pages pair up as translations
            table = corpus[i % len(corpus)]
            repeat = f"-r{i // len(corpus) + 1}" if i >= len(corpus) else ""
            (section / f"{table.slug}-{table.id}{repeat}.md").write_text(page(table, lang), encoding="utf-8")
    return counts


MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
print(f"bench: wall {wall:.3f} peak_kb {peak} status {done.returncode}")
"""


def timed(command: list[str], cwd: Path) -> dict[str, Any]:
    """Run a command in a fresh process tree: its wall time, the largest process's peak RSS, its output."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=cwd)
    lines = out.stdout.splitlines()
    parts = next(line for line in reversed(lines) if line.startswith("bench: ")).split()
    if int(parts[6]) != 0:
        raise RuntimeError(f"peer step failed: {' '.join(command)}\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return {"wall": float(parts[2]), "peak_mb": int(parts[4]) / 1024,
            "output": "\n".join(line for line in lines if not line.startswith("bench: "))}


def version(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout.strip() or done.stderr.strip()).splitlines()[0] if done.returncode == 0 else "unknown"


def run(project: Path, target: int, root: Path, hugo: str = "hugo") -> dict[str, Any]:
    """Write the peer project under `root`, build it cold with Hugo, index it with Pagefind; the figures."""
    counts = write_project(root / "hugo", project, target)
    out, cache = root / "public", root / "hugo-cache"
    for folder in (out, cache):
        shutil.rmtree(folder, ignore_errors=True)
    built = timed([hugo, "--quiet", "--source", str(root / "hugo"), "--destination", str(out),
                   "--cacheDir", str(cache)], root)
    pages = html_pages(out)
    if pages != target:
        raise RuntimeError(f"Hugo wrote {pages} HTML pages, {target} planned ({counts})")
    command = pagefind_command()
    indexed = timed([*command, "--site", str(out), "--output-path", str(out / "pagefind")], root)
    summary = [line.strip() for line in indexed["output"].splitlines() if line.strip().startswith("Indexed")]
    together = built["wall"] + indexed["wall"]
    return {"pages": pages, "table_pages": counts, "hugo_s": built["wall"], "hugo_peak_mb": built["peak_mb"],
            "pagefind_s": indexed["wall"], "pagefind_peak_mb": indexed["peak_mb"], "pagefind_summary": summary,
            "together_s": together, "ms_per_page": together / pages * 1000,
            "hugo_version": version([hugo, "version"]), "pagefind_version": version([*command, "--version"])}
