"""Benchmarks are not run by the suite (they time things), but they must at least import, so a
refactor cannot silently break them."""

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("bench_*.py")))
def test_benchmark_module_imports_and_has_main(name):
    module = importlib.import_module(f"bench.{name}")
    assert callable(module.main)
