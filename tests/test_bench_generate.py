"""bench/generate.py: a synthetic corpus that validates with no error and no warning, deterministically.

The corpus is fictitious benchmark data; these tests check that it is internally consistent (every identity of
the rule sets holds exactly), byte-for-byte reproducible, clearly marked synthetic, that `touch_one` keeps it
consistent, and that it builds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from bench.generate import MANIFEST, generate, touch_one

SEED = 2  # its six budgets include an erratum, government-fund lines and non-fiscal money
SUMMARY = re.compile(r"(?P<datasets>\d+) dataset\(s\), (?P<checks>\d+) identities checked: (?P<errors>\d+) error\(s\), "
                     r"(?P<warnings>\d+) warning\(s\)")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def assert_clean_validation(run_cli, root: Path, *folders: Path, datasets: int) -> None:
    """Exit 0 and a summary of zero errors and zero warnings, nothing else printed."""
    status, out, err = run_cli(root, "validate", *map(str, folders))
    lines = out.splitlines()
    m = SUMMARY.fullmatch(lines[-1]) if lines else None
    assert m, f"no summary line:\n{out}\n{err}"
    assert (status, int(m["errors"]), int(m["warnings"]), int(m["datasets"])) == (0, 0, 0, datasets), f"{out}\n{err}"
    assert int(m["checks"]) > 1000 * datasets // 2
    assert len(lines) == 1 and not err.strip(), f"unexpected output:\n{out}\n{err}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "corpus"
    folders = generate(out, 6, seed=SEED)
    assert [f.name for f in folders] == [f"synthetic-dept-00{d}-{y}" for d in (1, 2, 3) for y in (2023, 2024)]
    return out


def test_corpus_validates_with_no_error_and_no_warning(corpus, run_cli):
    assert_clean_validation(run_cli, corpus, datasets=6)


def test_corpus_exercises_errata_funds_nonfiscal_money_and_prior_years(corpus):
    """So that the clean validation above means something: the rarer tables are present and filled."""
    budgets = sorted((corpus / "datasets").iterdir())
    assert any(rows(b / "data/errata.csv") for b in budgets)
    assert any(len(rows(b / "data/t08.csv")) > 1 for b in budgets)
    assert any(rows(b / "data/t03.csv")[0]["nonfiscal_total"] for b in budgets)
    for b in budgets:
        prior = rows(b / "data/prior-year.csv")
        assert any(r["change_pct"] for r in prior), b.name
        descriptor = json.loads((b / "datapackage.json").read_text(encoding="utf-8"))
        t11 = [t["id"] for t in descriptor["x_tables"] if t["id"].startswith("t11")]
        assert 2 <= len(t11) <= 5 and t11 == [f"t11{x}" for x in "abcde"[: len(t11)]]
        assert 3 <= sum(1 for r in rows(b / "data/t03.csv") if len(r["code"]) == 3) <= 8
        assert 10 <= sum(1 for r in rows(b / "data/t06.csv") if len(r["code"]) == 5) <= 30
        assert 500 <= float(rows(b / "data/t03.csv")[0]["total"]) <= 50_000
        assert len((b / "narrative/zh.md").read_text(encoding="utf-8")) > 3000
        assert (b / "data/t03.csv").read_bytes().endswith(b"\r\n") and b"\n" not in \
            (b / "data/t03.csv").read_bytes().replace(b"\r\n", b"")


def test_every_budget_is_marked_synthetic(corpus):
    budgets = sorted((corpus / "datasets").iterdir())
    assert budgets
    for b in budgets:
        d = json.loads((b / "datapackage.json").read_text(encoding="utf-8"))
        assert b.name.startswith("synthetic-dept-")
        assert d["x_budget"]["synthetic"] is True
        assert d["title"].endswith("（虚构示例数据）")
        assert d["x_i18n"]["en"]["title"].endswith("(synthetic example data)")
        assert "基准测试" in d["description"] and "benchmark" in d["x_i18n"]["en"]["description"]
        assert re.fullmatch(r"示例第\d{3}局", d["x_budget"]["department"])
        assert re.fullmatch(r"Synthetic Bureau \d{3}", d["x_budget"]["department_en"])
        assert "虚构示例数据" in (b / "narrative/zh.md").read_text(encoding="utf-8")
        assert "synthetic example data" in (b / "narrative/en.md").read_text(encoding="utf-8")
        assert "虚构示例" in (b / d["x_source"]["file"]).read_text(encoding="utf-8")
    # the synthetic codes added to the copied code lists are marked as such
    added = [r for r in rows(corpus / "reference/function-codes-2024/function-codes.csv")
             if r["name_zh"].startswith(("示例款", "示例项"))]
    assert added and all(r["name_en_status"] == "proposed" for r in added)


def test_generation_is_deterministic(tmp_path, corpus):
    again = generate(tmp_path / "again", 6, seed=SEED)
    assert len(again) == 6
    first, second = tree(corpus), tree(tmp_path / "again")
    if json.loads(first[MANIFEST])["touched"]:  # touch_one ran on the shared corpus first: compare the rest
        pytest.fail("the shared corpus must not be touched; touch a copy")
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    other = tree(Path(generate(tmp_path / "other", 6, seed=SEED + 1)[0]).parent.parent)
    datasets = [k for k in other if k.startswith("datasets/")]
    assert datasets and any(other[k] != first.get(k) for k in datasets)


def test_generation_never_writes_into_the_repository(repo_root):
    before = sorted(p.name for p in (repo_root / "datasets").iterdir())
    for target in (repo_root, repo_root / "datasets", repo_root / "datasets" / "synthetic", repo_root / "reference"):
        with pytest.raises(ValueError, match="refusing"):
            generate(target, 1)
    assert sorted(p.name for p in (repo_root / "datasets").iterdir()) == before


def test_touch_one_keeps_the_corpus_valid(tmp_path, corpus, run_cli):
    copy = tmp_path / "touched"
    shutil.copytree(corpus, copy)
    folder = "synthetic-dept-002-2024"
    before = tree(copy)
    changed = touch_one(copy, folder)
    after = tree(copy)
    differing = sorted(k for k in after if after[k] != before.get(k))
    assert any(k.startswith(f"datasets/{folder}/data/") and k.endswith(".csv") for k in differing)
    assert {k for k in differing if k.startswith("datasets/")} == \
        {p.relative_to(copy).as_posix() for p in changed}
    assert all(k.startswith(f"datasets/{folder}/") or k == MANIFEST for k in differing)
    assert_clean_validation(run_cli, copy, copy / "datasets" / folder, datasets=1)
    touch_one(copy, folder)  # the second call moves the 1.00 back
    assert tree(copy / "datasets") == tree(corpus / "datasets")


def test_generated_budgets_build(tmp_path, run_cli):
    root = tmp_path / "one-department"
    generate(root, 2, seed=SEED)  # one department, two years
    status, out, err = run_cli(root, "build", "--out", str(tmp_path / "site"))
    assert status == 0, f"{out}\n{err}"
    assert (tmp_path / "site" / "zh" / "synthetic-dept-001-2024").is_dir()
