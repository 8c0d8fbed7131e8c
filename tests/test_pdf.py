"""`build.py import budget.pdf`: the published PDFs give the committed datasets, every printed amount is in
the data (checked with pdfplumber's own words, not with the importer), and a broken or hostile PDF is one
clear line.

Round trip: each dataset made from a PDF is imported again from its own source/ copy, over a copy of
itself; nothing may change. Independent check: on every table page, the numbers pdfplumber reads as words are
the amounts of that table's CSV files, line by line and in column order.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import zlib
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, copy_project, invoke_cli

DATASETS = REPO / "datasets"
PDF_DATASETS = sorted(d.name for d in DATASETS.iterdir()
                      if (d / "datapackage.json").is_file()
                      and json.loads((d / "datapackage.json").read_text("utf-8")).get("x_source", {})
                      .get("file", "").endswith(".pdf"))


def descriptor(slug: str) -> dict:
    return json.loads((DATASETS / slug / "datapackage.json").read_text(encoding="utf-8"))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_published_pdfs_are_datasets():
    assert len(PDF_DATASETS) >= 9, PDF_DATASETS
    kinds = {descriptor(s)["x_budget"]["document"] for s in PDF_DATASETS}
    assert kinds == {"department-budget", "unit-budget", "final-accounts"}


@pytest.mark.parametrize("slug", PDF_DATASETS)
def test_importing_the_pdf_again_gives_the_committed_dataset(slug, tmp_path):
    root = copy_project(tmp_path / "p", (slug,))
    folder = root / "datasets" / slug
    before = files_of(folder)
    pdf = tmp_path / "source.pdf"
    shutil.copyfile(DATASETS / slug / descriptor(slug)["x_source"]["file"], pdf)
    code, out, err = invoke_cli(root, "import", str(pdf), "--into", f"datasets/{slug}", "--replace")
    assert "Traceback" not in out + err
    assert err == "" and "0 error(s)" in out, out + err
    unplaced = out.split("not imported or incomplete", 1)[1].split("\nvalidation of", 1)[0].splitlines()[1:] \
        if "not imported or incomplete" in out else []
    stated = {str(row["page"]) for row in csv.DictReader((folder / "data" / "source-notes.csv").open(encoding="utf-8"))}
    for line in unplaced:  # what the import cannot place is a problem of the source, stated in the dataset
        page = re.search(r": page (\d+): ", line)
        assert page and page[1] in stated, f"{slug}: not placed and not stated in data/source-notes.csv: {line}"
    assert code == (1 if unplaced else 0)
    after = files_of(folder)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed == [], f"{slug}: a new import changes {changed}"


# --- the independent check: pdfplumber's words against the data ---------------------------------------------

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"\d{2,3}|\d{5}|\d{7}")
LINE_GAP = 3.0  # points: words whose tops differ by less are on one printed line


def tokens(words: list[dict]) -> list[tuple[float, float, float, str]]:
    """(top, x0, x1, text) of every token: a word split into its numbers and the text between them."""
    out = []
    for w in words:
        share = (w["x1"] - w["x0"]) / max(len(w["text"]), 1)
        for m in re.finditer(r"-?\d[\d,]*(?:\.\d+)?|[^\d\s]+", w["text"]):
            out.append((w["top"], w["x0"] + share * m.start(), w["x0"] + share * m.end(), m[0]))
    return out


def table_words(page) -> list[dict]:
    """The words inside the page's ruled tables (pdfplumber's own table finder): no title, unit or note."""
    boxes = [t.bbox for t in page.find_tables()]
    return [w for w in page.extract_words(x_tolerance=1.5)
            if any(b[0] - 1 <= w["x0"] and w["x1"] <= b[2] + 1 and b[1] - 1 <= w["top"] and w["bottom"] <= b[3] + 1
                   for b in boxes)]


def printed_lines(page, coded: bool) -> list[list[tuple[float, str]]]:
    """The amounts each printed line of a table page holds, left to right, with their x positions. In a table
    that prints codes, a number of digits only as long as a code or one of its parts (201, 03, 2010301) is
    a code; a number followed by 、 or a full stop is numbering. Every other number is an amount (whole-yuan
    amounts are printed with separators: 2,878,025)."""
    lines: list[list[tuple[float, float, str]]] = []
    last_top = None
    for top, x0, x1, text in sorted(tokens(table_words(page)), key=lambda t: (round(t[0]), t[1])):
        if last_top is None or abs(top - last_top) > LINE_GAP:
            lines.append([])
        lines[-1].append((x0, x1, text))
        last_top = top
    out = []
    for line in lines:
        line.sort()
        texts = [t for _, _, t in line]
        amounts = []
        for i, (x0, x1, t) in enumerate(line):
            after = texts[i + 1] if i + 1 < len(texts) else ""
            code = coded and CODE.fullmatch(t)  # 201, 03, 2010301: digits only, as long as a code or its part
            numbering = after[:1] in (".", "．", "、")  # 1. 一般公共预算资金
            year = re.fullmatch(r"(19|20)\d\d", t) and after.startswith("年")  # in a title framed by the table
            if NUMBER.fullmatch(t) and not code and not numbering and not year:
                amounts.append(((x0 + x1) / 2, t.replace(",", "")))
        if amounts:
            out.append(amounts)
    return out


def as_printed(slug: str) -> dict[tuple[str, str, str], str]:
    """(resource, row, column) -> the value the source prints where an erratum corrected it."""
    with (DATASETS / slug / "data" / "errata.csv").open(encoding="utf-8") as f:
        return {(e["resource"], e["row"], e["field"]): e["as_published"] for e in csv.DictReader(f)}


def data_records(slug: str, table: dict, catalogue) -> list[tuple[str, dict[str, str]]]:
    """(side, {column: amount as printed}) of a table's records with amounts, in printed order."""
    d = descriptor(slug)
    paths = {r["name"]: r["path"] for r in d["resources"]}
    printed = as_printed(slug)
    kind = catalogue.kind(table["kind"])
    out = []
    for part, resource in zip(kind.parts, table["resources"], strict=True):
        amounts = [c.name for c in part.columns if c.amount]
        with (DATASETS / slug / paths[resource]).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                values = {c: printed.get((resource, row.get("row", ""), c), row[c]) for c in amounts if row.get(c)}
                if values:
                    out.append((row.get("side", ""), values))
    return out


def same(printed: list[str], stored: list[str]) -> bool:
    """The same figures, each written the same (15 is not 15.00)."""
    return sorted(printed) == sorted(stored)


def match_lines(printed: list[list[str]], records: list[tuple[str, dict[str, str]]]) -> list[str]:
    """Walk the printed lines and the records of each side in order: every line must hold the figures of one
    record, or of one record of each side printed side by side. Returns what matches nothing."""
    sides = list(dict.fromkeys(side for side, _ in records))
    queues = {s: [list(v.values()) for side, v in records if side == s] for s in sides}
    problems = []
    for line in printed:
        heads = [queues[s][0] if queues[s] else None for s in sides]
        if len(sides) == 2 and heads[0] and heads[1] and same(line, heads[0] + heads[1]):
            queues[sides[0]].pop(0)
            queues[sides[1]].pop(0)
        elif heads[0] and same(line, heads[0]):
            queues[sides[0]].pop(0)
        elif len(sides) == 2 and heads[1] and same(line, heads[1]):
            queues[sides[1]].pop(0)
        else:
            problems.append(f"printed {line}, next records {heads}")
    problems += [f"record never printed: {v}" for s in sides for v in queues[s]]
    return problems


def column_positions(lines: list[list[tuple[float, str]]], records: list[tuple[str, dict[str, str]]]
                     ) -> dict[str, list[float]]:
    """Where each data column's figures are printed: the x of every figure a one-side record shares with its
    printed line, where the record's figures are all different (so each figure names its column)."""
    out: dict[str, list[float]] = {}
    sides = {s for s, _ in records}
    if len(sides) != 1:
        return out
    for line, (_, values) in zip(lines, records, strict=False):
        if len(set(values.values())) != len(values) or sorted(a for _, a in line) != sorted(values.values()):
            continue
        by_value = {v: c for c, v in values.items()}
        for x, a in line:
            out.setdefault(by_value[a], []).append(x)
    return out


@pytest.fixture(scope="module")
def catalogue():
    from budgetsite.catalogue import load_catalogue

    return load_catalogue(REPO / "reference")


@pytest.mark.parametrize("slug", PDF_DATASETS)
def test_every_printed_amount_is_in_the_data_in_its_row_and_column(slug, catalogue):
    """Every number pdfplumber reads in a table is an amount of that table's data, on the same printed line
    as the record's other figures, and each column's figures are printed in one column of the page."""
    import pdfplumber

    d = descriptor(slug)
    checked = 0
    with pdfplumber.open(DATASETS / slug / d["x_source"]["file"]) as pdf:
        for table in d["x_tables"]:
            first, last = table["source"]["lines"]
            coded = catalogue.kind(table["kind"]).layout != "rows"
            lines = [line for n in range(first, last + 1) for line in printed_lines(pdf.pages[n - 1], coded)]
            printed = [[a for _, a in line] for line in lines]
            records = data_records(slug, table, catalogue)
            where = f"{slug} {table['id']} (pages {first}-{last})"
            flat_printed = Counter(a for line in printed for a in line)
            flat_stored = Counter(a for _, values in records for a in values.values())
            assert flat_printed == flat_stored, (f"{where}: printed but not in the data {flat_printed - flat_stored}; "
                                                 f"in the data but not printed {flat_stored - flat_printed}")
            assert match_lines(printed, records) == [], where
            for column, xs in column_positions(lines, records).items():
                assert max(xs) - min(xs) < 40, f"{where}: the figures of {column} are printed in different columns"
            checked += sum(flat_printed.values())
    assert checked > 50, f"{slug}: only {checked} amounts found on its table pages"


# --- broken and hostile PDFs -------------------------------------------------------------------------------------

def pdf_bytes(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of the given objects (object 1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def one_page(content: bytes, count: int = 1, extra: bytes = b"") -> list[bytes]:
    stream = b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"
    return [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream]


def bomb(size: int) -> bytes:
    """A page whose content stream inflates to `size` bytes of spaces."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 24)
    data = b"".join(packer.compress(chunk) for _ in range(size // len(chunk))) + packer.flush()
    return pdf_bytes(one_page(data, extra=b"/Filter /FlateDecode "))


BAD = {
    "not-a-pdf": (lambda: b"Just some text that was renamed to .pdf\n" * 20,
                  "not a PDF (no %PDF- header in its first 1024 bytes)"),
    "truncated": (lambda: (DATASETS / PDF_DATASETS[0] / descriptor(PDF_DATASETS[0])["x_source"]["file"])
                  .read_bytes()[:40_000], "the file is cut short (no %%EOF at its end)"),
    "no-text-layer": (lambda: pdf_bytes(one_page(b"0 0 m 100 100 l S")),
                      "no page has a text layer (a scanned image?)"),
    "thousands-of-pages": (lambda: pdf_bytes(one_page(b"BT ET", count=20_000)),
                           "it declares 20000 pages, more than the 500 a budget document has"),
    "garbage-body": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 200 + b"\n%%EOF\n", "not a readable PDF"),
}


def encrypted_pdf() -> bytes:
    """A file protected with a user password (the standard security handler, revision 3): no reader can
    open it without the password."""
    objects = one_page(b"BT ET") + [b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 "
                                    b"/O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>"]
    return pdf_bytes(objects, trailer=b"/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> "
                                      b"<0123456789abcdef0123456789abcdef>] ")


BAD["encrypted"] = (encrypted_pdf, "it is encrypted with a password")


@pytest.fixture
def scaffolded(tmp_path, run_cli):
    root = copy_project(tmp_path / "p", ())
    code, _, err = run_cli(root, "new", "--template", "shanghai-department-budget", "--department-id", "demo",
                           "--department", "示例局", "--department-en", "Demo Bureau", "--year", "2025",
                           "--region", "上海市普陀区", "--region-en", "Putuo District, Shanghai",
                           "--region-id", "shanghai-putuo")
    assert code == 0, err
    return root


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_pdf_is_one_clear_line_and_nothing_is_written(case, scaffolded, tmp_path, run_cli):
    make, expected = BAD[case]
    pdf = tmp_path / f"{case}.pdf"
    pdf.write_bytes(make())
    folder = scaffolded / "datasets" / "demo-2025"
    before = files_of(folder)
    code, out, err = run_cli(scaffolded, "import", str(pdf), "--into", "datasets/demo-2025")
    assert code == 1
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {case}.pdf: "), err
    assert expected in lines[0], lines[0]
    assert files_of(folder) == before, "nothing is written"


def test_a_decompression_bomb_is_stopped_by_the_memory_bound(scaffolded, tmp_path, run_cli):
    from budgetsite.importer.pdf import MAX_MEMORY

    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(bomb(MAX_MEMORY + (1 << 28)))
    assert pdf.stat().st_size < 5 * 2**20, "a small file"
    code, _, err = run_cli(scaffolded, "import", str(pdf), "--into", "datasets/demo-2025")
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert "bomb.pdf: " in err and ("MB to read" in err or "longer than" in err), err
