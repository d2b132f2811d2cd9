"""Run every benchmark: each ``bench/bench_*.py`` module's ``main()``, in name order.

    python -m bench            # all of them
    python -m bench store      # only bench_store.py (any number of names)

A benchmark's ``main()`` prints its figures, the floor they are compared with, and PASS/FAIL lines,
and returns False (or a non-zero exit status) when a target was missed; the exit status is then 1.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def discover() -> list[str]:
    return sorted(
        info.name[len("bench_") :] for info in pkgutil.iter_modules(bench.__path__) if info.name.startswith("bench_")
    )


def _passed(result: object) -> bool:
    """``main()`` may return a bool (True = pass), an exit status (0 = pass) or None (pass)."""
    if isinstance(result, bool) or result is None:
        return result is not False
    return result == 0


def run(names: list[str]) -> int:
    available = discover()
    unknown = [name for name in names if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    failed = []
    for name in names or available:
        print(f"=== bench_{name}")
        module = importlib.import_module(f"bench.bench_{name}")
        if not _passed(module.main()):
            failed.append(name)
        print()
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
