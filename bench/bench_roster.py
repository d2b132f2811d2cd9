"""Roster import benchmark: 12,000 households / 45,000 persons, target parse + plan ≤ 10 s.

Generates a realistic township roster (20 villages, GB18030 as Excel on Chinese Windows writes it,
with the usual mess: phones with dashes, full dates for birth years, stray spaces, blank rows) in a
temp dir and times:

- read:    ``tables.read_table`` alone, the floor (decoding + CSV parsing, nothing roster-specific);
- parse:   ``roster.parse_roster`` (read + header mapping + normalisation + every check);
- plan/empty: ``plan_roster_import`` against an empty state (first import: 45,000+ events);
- plan/same:  parse + plan against a state that already holds the roster (a no-change re-import).

The state for the last step is built by chaining the first plan's events into feed entries and
folding them; that set-up is timed too but is not part of the target (recording into the encrypted
store is ``bench_roster_import``). Run: ``python -m bench roster`` or ``python -m bench.bench_roster``.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from fieldkit.core.feed import make_entry
from fieldkit.core.fold import fold
from fieldkit.core.model import State
from fieldkit.core.roster import HEADER_ZH, COLUMNS, plan_roster_import, parse_roster
from fieldkit.core.tables import read_table

HOUSEHOLDS = 12_000
PERSONS = 45_000
VILLAGES = 20
TOWNSHIP = "110101001"
TARGET_SECONDS = 10.0

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯健俊帆鑫海龙林波燕琳雪梅飞峰亮成东"
RELATIONS = ("配偶", "子女", "子女", "父母", "孙子女", "兄弟姐妹")
RESIDENCES = ("常住",) * 14 + ("外出务工",) * 3 + ("在校就读",) * 2 + ("空挂",)
T = TypeVar("T")


def household_sizes(rng: random.Random) -> list[int]:
    """HOUSEHOLDS sizes between 1 and 8 summing exactly to PERSONS."""
    sizes = [rng.choice((2, 3, 3, 4, 4, 4, 5, 5, 6)) for _ in range(HOUSEHOLDS)]
    diff = PERSONS - sum(sizes)
    while diff:
        i = rng.randrange(HOUSEHOLDS)
        step = 1 if diff > 0 else -1
        if 1 <= sizes[i] + step <= 8:
            sizes[i] += step
            diff -= step
    return sizes


def roster_rows(seed: int = 2026) -> list[list[str]]:
    rng = random.Random(seed)
    rows: list[list[str]] = []
    per_village = HOUSEHOLDS // VILLAGES
    for index, size in enumerate(household_sizes(rng)):
        village = f"第{index // per_village + 1}村"
        group = f"第{rng.randint(1, 9)}村民小组"
        number = f"{index % per_village + 1:06d}"
        address = f"{village}{group}{rng.randint(1, 300)}号"
        used: set[str] = set()
        for member in range(size):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            while name in used:
                name += rng.choice(GIVEN)
            used.add(name)
            year = rng.randint(1935, 2020)
            birth = str(year) if rng.random() > 0.05 else f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            phone = "" if rng.random() < 0.3 else f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}"
            if phone and rng.random() < 0.05:
                phone = f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
            if rng.random() < 0.02:
                name = f" {name} "
            rows.append(
                [
                    village,
                    group,
                    number,
                    address,
                    name,
                    "户主" if member == 0 else rng.choice(RELATIONS),
                    rng.choice("男女"),
                    birth,
                    phone,
                    rng.choice(RESIDENCES),
                    "",
                ]
            )
        if rng.random() < 0.01:
            rows.append([""] * 11)
    return rows


def write_roster(path: Path, rows: list[list[str]]) -> None:
    lines = [",".join(HEADER_ZH[c] for c in COLUMNS)] + [",".join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))


def timed(fn: Callable[[], T], repeat: int = 1) -> tuple[T, float]:
    """The result and the best wall time of ``repeat`` runs (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best


def build_state(events: Any) -> State:
    clock = datetime(2026, 11, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    chains: dict[str, list[Any]] = {}
    for event in events:
        feed = f"t-{TOWNSHIP}-{event.village}"
        chain = chains.setdefault(feed, [])
        clock += timedelta(seconds=1)
        prev = chain[-1].hash if chain else "0" * 64
        chain.append(make_entry(feed, len(chain) + 1, prev, clock.isoformat(), event.type, event.entity, event.base, event.body))
    return fold(entry for chain in chains.values() for entry in chain)


def measure(repeat: int = 3) -> dict[str, float]:
    """Time every step (best of ``repeat`` runs), print the table and return the figures."""
    print(
        f"roster import: {HOUSEHOLDS:,} households / {PERSONS:,} persons, {VILLAGES} villages, GB18030 CSV "
        f"(best of {repeat} runs)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.csv"
        write_roster(path, roster_rows())
        size_mb = path.stat().st_size / 1e6

        _, read_s = timed(lambda: read_table(path), repeat)
        parsed, parse_s = timed(lambda: parse_roster(path), repeat)
        assert not parsed.problems and len(parsed.rows) == PERSONS, (len(parsed.problems), len(parsed.rows))
        plan, plan_empty_s = timed(lambda: plan_roster_import(parsed, State(), TOWNSHIP), repeat)
        state, fold_s = timed(lambda: build_state(plan.events))
        assert len(state.persons) == PERSONS and len(state.households) == HOUSEHOLDS

        def reimport() -> Any:
            return plan_roster_import(parse_roster(path), state, TOWNSHIP)

        again, reimport_s = timed(reimport, repeat)
        assert again.events == (), len(again.events)

    first_import = parse_s + plan_empty_s
    figures = {
        "file_mb": round(size_mb, 2),
        "read_s": read_s,
        "parse_s": parse_s,
        "plan_empty_s": plan_empty_s,
        "first_import_s": first_import,
        "events": float(len(plan.events)),
        "fold_setup_s": fold_s,
        "reimport_unchanged_s": reimport_s,
        "ratio_first_import_to_read": first_import / read_s,
        "ratio_reimport_to_read": reimport_s / read_s,
    }
    rows = [
        ("file", f"{size_mb:.1f} MB"),
        ("read file alone (floor)", f"{read_s:6.2f} s"),
        ("parse + check", f"{parse_s:6.2f} s"),
        ("plan vs empty state", f"{plan_empty_s:6.2f} s  ({len(plan.events):,} events)"),
        ("first import: parse + plan", f"{first_import:6.2f} s  = {first_import / read_s:.1f}x the floor"),
        ("re-import, no change: parse + plan", f"{reimport_s:6.2f} s  = {reimport_s / read_s:.1f}x the floor (0 events)"),
        ("(set-up: entries + fold of the first import)", f"{fold_s:6.2f} s"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    return figures


def main(repeat: int = 3) -> bool:
    """Run the benchmark; False when the target is missed (``python -m bench`` then exits 1)."""
    figures = measure(repeat)
    worst = max(figures["first_import_s"], figures["reimport_unchanged_s"])
    passed = worst <= TARGET_SECONDS
    print(f"  {'PASS' if passed else 'FAIL'}: parse + plan {worst:.2f} s (worst case) <= {TARGET_SECONDS:.0f} s")
    return passed


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
