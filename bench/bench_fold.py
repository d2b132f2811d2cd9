"""Fold + coverage report over the store benchmark's 20,000 events (DESIGN 4; docs/architecture.md).

Opening a store has a budget of 1.0 s including the key unlock (bench_store (b)), so ``fold`` plus
``report`` must stay well under 0.3 s. Figures are CPU time of this thread (wall-clock grows with other
load on a shared machine), min and median of RUNS; the floor is a bare loop that dedupes the entries
and reads each one's fields, measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from typing import Any

from bench.bench_store import EVENTS, build_feeds
from fieldkit.core.coverage import report
from fieldkit.core.fold import fold
from fieldkit.core.gcpause import paused_gc

RUNS = 15
TARGET_S = 0.3


def _floor(entries: list[Any]) -> int:
    seen: set[str] = set()
    touched = 0
    for entry in entries:
        if entry.hash in seen:
            continue
        seen.add(entry.hash)
        touched += len(entry.body) + len(entry.entity.partition(":")[2]) + entry.seq + len(entry.time)
    return touched


def _cpu(action: Any) -> tuple[float, Any]:
    started = time.thread_time()
    result = action()
    return time.thread_time() - started, result


def main() -> bool:
    entries = [e for feed in build_feeds().values() for e in feed]
    today = date(2026, 11, 29)
    folds, reports, totals, floors = [], [], [], []
    for _ in range(RUNS):
        with paused_gc():
            floors.append(_cpu(lambda: _floor(entries))[0])
        fold_s, state = _cpu(lambda: fold(entries))
        report_s, result = _cpu(lambda: report(state, today))
        folds.append(fold_s)
        reports.append(report_s)
        totals.append(fold_s + report_s)
    load = "load average %.1f %.1f %.1f" % os.getloadavg() if hasattr(os, "getloadavg") else "load unknown"
    print(f"machine: {os.cpu_count()} CPUs, {load}")
    print(f"{len(entries)} events (bench_store data, {EVENTS} asked), {len(state.households)} households, "
          f"{len(state.persons)} persons, {len(state.visits)} visits; report total: {result.total.covered} covered")
    print(f"fold   min {min(folds) * 1000:.0f} ms, median {statistics.median(folds) * 1000:.0f} ms")
    print(f"report min {min(reports) * 1000:.0f} ms, median {statistics.median(reports) * 1000:.0f} ms")
    median = statistics.median(totals)
    floor = statistics.median(floors)
    print(f"fold + report: min {min(totals) * 1000:.0f} ms, median {median * 1000:.0f} ms "
          f"(CPU of this thread, {RUNS} runs); floor (dedupe + read each entry) {floor * 1000:.0f} ms, "
          f"ratio {median / floor:.1f}x")
    ok = median <= TARGET_S
    print(f"{'PASS' if ok else 'FAIL'} fold + report <= {TARGET_S:g} s")
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
