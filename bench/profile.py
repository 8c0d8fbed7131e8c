"""A synthetic publisher: what stays the same across its years and its documents (its department's and its
own unit's): name, theme, the codes it spends under and in which proportions, its projects and tasks.

Drawn from a string-seeded `random.Random`, so the same seed and number give the same publisher; the words
are data (bench/corpus/words.toml). Codes are drawn from those all the corpus's years have.
"""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass
from typing import Any

from bench.data import LAYOUT, WORDS, Codes, Pair

FUNCTION, ECONOMIC = "codes-function", "codes-economic"
MIN_TOTAL, MAX_TOTAL, MAX_GROWTH = 500, 50_000, 1.10  # a document's total in 万元, its yearly growth at most
SHARES = {"pers": (45, 65), "pub": (10, 20), "proj": (10, 30), "fund": (3, 12), "cap": (2, 8), "nfb": (2, 10),
          "nfp": (2, 10)}  # a bucket's share of the total, in per cent before scaling


@dataclass
class Publisher:
    index: int
    id: str
    name: Pair
    theme: Pair
    leaves: dict[str, dict[str, int]]  # function item -> bucket -> weight
    shares: dict[str, int]  # bucket -> weight in the total
    sections: dict[str, tuple[str, int]]  # economic section -> (personnel | public, weight)
    three: dict[str, int]  # 三公 figures in fen, before yearly variation
    projects: list[dict[str, Any]]  # first-level projects: texts, second-level projects, weights
    tasks: list[dict[str, Any]]  # department-wide annual tasks and their indicators
    units: list[dict[str, str]]  # its own unit (本级) first
    texts: dict[str, Any]  # duties, the works of the year, counts
    base: float  # total of its first year, in 万元
    growth: list[float]


def pair(template: list[str], theme: Pair) -> Pair:
    return template[0].format(theme=theme[0]), template[1].format(theme_en=theme[1])


def pick(rng: random.Random, items: list[str], low: int, high: int) -> list[str]:
    """Between `low` and `high` of the items, as many as there are."""
    high = max(0, min(high, len(items)))
    return sorted(rng.sample(items, rng.randint(max(0, min(low, high)), high)))


def pick_items(rng: random.Random, codes: Codes, theme_class: str) -> list[str]:
    """Items of 3-8 classes (the theme's, the common ones, others), under real and synthetic sections; the
    pension section, where the lists have it, with several staff-cost items."""
    known, synthetic = codes.children(FUNCTION, ""), tuple(WORDS["synthetic_sections"])
    classes = {theme_class} | {c for c, odds in WORDS["common_classes"] if rng.random() < odds and c in known}
    classes |= set(pick(rng, [c for c in known if c not in classes], 3 - len(classes), 8 - len(classes)))
    items = []
    for c in sorted(classes):
        real = [s for s in codes.children(FUNCTION, c) if not s.endswith(synthetic)]
        sections = [s for s in real if s == WORDS["pension_section"]] or \
            (pick(rng, real, 1, len(real)) if rng.random() < 0.7 else [])
        if c == theme_class or not sections or rng.random() < 0.3:
            sections += pick(rng, [s for s in codes.children(FUNCTION, c) if s.endswith(synthetic)], 1, 3)
        for s in sorted(set(sections)):
            items += pick(rng, codes.children(FUNCTION, s), 2 if s == WORDS["pension_section"] else 1, 3)
    return items


def pick_buckets(rng: random.Random, items: list[str], allowed: list[str], index: int) -> dict[str, dict[str, int]]:
    """Which money each item holds: staff-cost items personnel only, others a mix; optional money (funds,
    state capital, non-fiscal) on a few items, by the publisher's turn (templates.toml `extras`)."""
    held = {c: ["pers"] if c in WORDS["personnel_items"] else
            [b for b, p in (("pers", 0.5), ("pub", 0.6), ("proj", 0.5)) if rng.random() < p] or ["proj"]
            for c in items}
    general = [c for c in items if c not in WORDS["personnel_items"]] or items
    for bucket in ("pub", "proj"):
        if not any(bucket in held[c] for c in general):
            held[rng.choice(general)].append(bucket)
    extras = LAYOUT["extras"][(index - 1) % len(LAYOUT["extras"])]
    nonfiscal = rng.choice([["nfb"], ["nfp"], ["nfb", "nfp"]])
    for name, extra in (("fund", ["fund"]), ("cap", ["cap"]), ("nonfiscal", nonfiscal)):
        if name in extras and set(extra) <= set(allowed):
            for c in pick(rng, general, 1, 3):
                held[c] += extra
    return {c: {b: rng.randint(300, 1000) for b in bs} for c, bs in held.items()}


def pick_sections(rng: random.Random, codes: Codes) -> dict[str, tuple[str, int]]:
    """Economic sections: the ones every department has and 5-25 others, staff costs or operating costs."""
    if WORDS["reception_code"] not in codes.rows[ECONOMIC]:
        raise ValueError(f"the economic code lists lack {WORDS['reception_code']}, where 三公 reception is booked")
    forced = [c for c in WORDS["economic_forced"] if c in codes.rows[ECONOMIC]]
    chosen = forced + pick(rng, [c for c in codes.rows[ECONOMIC] if len(c) == 5 and c not in forced], 5, 25)
    return {c: ("personnel" if c[:3] in WORDS["personnel_classes"] else "public",
                round(rng.randint(200, 1000) * WORDS["economic_size"].get(c, 0.5))) for c in sorted(chosen)}


def pick_projects(rng: random.Random, theme: Pair) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """First-level projects with their second-level ones, and the annual tasks the second-level ones serve."""
    kinds = rng.sample(WORDS["projects"], rng.randint(2, 5))
    subs = iter(rng.sample(WORDS["subprojects"], len(WORDS["subprojects"])))
    counts = [rng.randint(1, 3) for _ in kinds]
    numeric = [i for i in WORDS["indicators"] if i[3]]
    tasks = [{"text": pair(t, theme), "indicators": [(i, rng.choice(i[4])) for i in rng.sample(numeric, rng.randint(
        1, 3))]} for t in rng.sample(WORDS["tasks"], min(rng.randint(2, 4), sum(counts)))]
    projects, n = [], 0
    for k, (suffix, suffix_en, category, goal, goal_en) in enumerate(kinds):
        own = []
        for zh, en in (next(subs) for _ in range(counts[k])):
            own.append({"name": theme[0] + zh, "name_en": f"{theme[1].capitalize()} {en}", "task": n % len(tasks)})
            n += 1
        period, basis = rng.choice(WORDS["periods"]), pair(rng.choice(WORDS["basis"]), theme)
        indicators = sorted(rng.sample(WORDS["indicators"], rng.randint(4, 7)), key=WORDS["indicators"].index)
        projects.append({
            "name": theme[0] + suffix, "name_en": f"{theme[1].capitalize()} {suffix_en}", "goal": goal,
            "goal_en": goal_en, "category": WORDS["categories"][2][0] if k == 0 else category, "letter":
            string.ascii_lowercase[k], "period": period[0], "period_en": period[1], "basis": basis[0],
            "basis_en": basis[1], "sub_list": own, "count": len(own), "subs": "、".join(s["name"] for s in own),
            "subs_en": ", ".join(s["name_en"] for s in own), "weight": rng.randint(200, 1000),
            "indicators": [(i, rng.choice(i[4]) if i[3] else None) for i in indicators],
            "quarters": rng.choice(WORDS["quarters"]) if rng.random() < 0.6 else None, "nonfiscal": rng.random() < 0.5})
    return projects, tasks


def make_publisher(seed: int, index: int, width: int, allowed: list[str], codes: Codes, years: int) -> Publisher:
    """Publisher number `index` of a corpus, the same for every document it publishes."""
    rng = random.Random(f"bench:{seed}:publisher:{index}")
    number, known = f"{index:0{width}d}", codes.children(FUNCTION, "")
    zh, en, theme_class = rng.choice([t for t in WORDS["themes"] if t[2] in known] or [[*WORDS["themes"][0][:2],
                                                                                          known[0]]])
    name, theme = (f"示例第{number}局", f"Synthetic Bureau {number}"), (zh, en)
    leaves = pick_buckets(rng, pick_items(rng, codes, theme_class), allowed, index)
    shares = {b: rng.randint(*SHARES[b]) * 100 for b in SHARES if any(b in w for w in leaves.values())}
    kinds = WORDS["funding_kinds"]
    units = [{"name": name[0] + zh, "name_en": f"{name[1]}{'' if en[0] == ' ' else ' '}{en}", "kind": kind[0],
              "kind_en": kind[1]} for (zh, en), kind in [(WORDS["main_unit"], kinds[0])] +
             [(u, rng.choice(kinds)) for u in rng.sample(WORDS["unit_suffixes"], rng.randint(1, 3))]]
    duties = [pair(d, theme) for d in pick(rng, WORDS["duties"], 3, 5)]
    sentences = [pair(s, theme) for s in rng.sample(WORDS["sentences"], 9)]
    works = [{"title": t[0], "title_en": t[1], "text": "".join(s[0] for s in sentences[3 * i:3 * i + 3]),
              "text_en": " ".join(s[1] for s in sentences[3 * i:3 * i + 3])}
             for i, t in enumerate(rng.sample(WORDS["task_titles"], 3))]
    three = {"overseas": rng.randint(2, 20) * 10**6 if rng.random() < 0.3 else 0,
             "vehicle_purchase": rng.randint(10, 30) * 10**6 if rng.random() < 0.1 else 0,
             "vehicle_operation": rng.randint(1, 15) * 10**6 if rng.random() < 0.5 else 0,
             "reception": rng.randint(50, 500) * 10**4}
    texts = {"duties": "；".join(d[0] for d in duties), "duties_en": "; ".join(d[1] for d in duties), "works": works,
             "vehicle_count": rng.randint(1, 5) if three["vehicle_operation"] else 0,
             "equipment": rng.choice([0, 0, 1, 2])}
    high = MAX_TOTAL / MAX_GROWTH ** max(0, years - 1)
    return Publisher(index, f"synthetic-dept-{number}", name, theme, leaves, shares, pick_sections(rng, codes),
                     three, *pick_projects(rng, theme), units, texts,
                     math.exp(rng.uniform(math.log(MIN_TOTAL), math.log(high))),
                     [rng.uniform(1.0, MAX_GROWTH) for _ in range(years)])
