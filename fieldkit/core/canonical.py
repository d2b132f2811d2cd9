"""Canonical JSON: the one serialisation whose bytes are hashed, signed, stored and shipped."""

from __future__ import annotations

import json
from datetime import datetime, timezone


def canonical(obj: object) -> bytes:
    """Sorted keys, compact separators, UTF-8, no NaN. Produce once; never re-serialise to verify."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def now_iso() -> str:
    """The device clock with its UTC offset, to the second: ``2026-11-29T18:04:15+08:00``."""
    return datetime.now(timezone.utc).astimezone().replace(microsecond=0).isoformat()


def parse_time(value: str) -> datetime:
    """An ISO 8601 time with offset as an aware datetime (naive values are taken as UTC)."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed
