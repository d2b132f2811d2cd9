"""Helpers for the store and workspace tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fieldkit.core.feed import Entry, Feed

DEVICE = "d-0123456789abcdef"
OTHER = "d-fedcba9876543210"
VILLAGE_FEED = "t-110101001-110101001001"
TIME = "2026-11-29T18:04:15+08:00"


def visit_body(n: int) -> dict:
    household = f"110101001001-{n:06d}"
    return {
        "household": household,
        "village": "110101001001",
        "cadre": DEVICE,
        "form": {"id": "household_visit", "version": 1},
        "answers": {},
        "members": {f"{household}-01": {"briefed": True, "channel": "in_person", "app_installed": True,
                                         "call_warning": False, "joined_group": False}},
    }


def visit_args(n: int) -> tuple[str, str, list[str], dict]:
    return "visit", f"visit:{n:032x}", [], visit_body(n)


def feed_entries(feed_id: str, count: int) -> list[Entry]:
    feed = Feed(feed_id)
    for n in range(1, count + 1):
        feed.append(*visit_args(n), time=TIME)
    return feed.entries


def data_files(root: Path) -> list[Path]:
    """Every file under ``root`` except the (empty) lock file."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "lock")


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Content hash and mtime of every file under ``root``."""
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
