"""Helpers for the roster, table and visit-import tests: the sample roster and a tiny event recorder
that chains planned events into real feed entries (``feed.make_entry``) and folds them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fieldkit.core.feed import Entry, make_entry
from fieldkit.core.fold import fold
from fieldkit.core.model import State
from fieldkit.core.roster import PlannedEvent

TOWNSHIP = "110101001"
SHARED_SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
LOCAL_DATA = Path(__file__).resolve().parent / "data"
SAMPLE_NAME = "roster_hongxing.csv"
CST = timezone(timedelta(hours=8))


def sample_path() -> Path:
    """The shared sample when the workspace has it, else the copy kept in tests/data."""
    shared = SHARED_SAMPLES / SAMPLE_NAME
    return shared if shared.exists() else LOCAL_DATA / SAMPLE_NAME


def sample_table() -> tuple[list[str], list[list[str]]]:
    """Header and data rows of the sample, read with the csv module alone (the independent oracle)."""
    return read_csv(sample_path())


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a UTF-8 CSV file (with or without a BOM)."""
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    return rows[0], rows[1:]


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


class Ledger:
    """The township's village feeds: ``record`` appends planned events as chained entries."""

    def __init__(self) -> None:
        self.feeds: dict[str, list[Entry]] = {}
        self.clock = datetime(2026, 11, 1, 9, 0, 0, tzinfo=CST)

    def record(self, events: Iterable[PlannedEvent], township: str = TOWNSHIP) -> State:
        for event in events:
            feed = f"t-{township}-{event.village}"
            chain = self.feeds.setdefault(feed, [])
            self.clock += timedelta(seconds=1)
            prev = chain[-1].hash if chain else "0" * 64
            chain.append(
                make_entry(feed, len(chain) + 1, prev, self.clock.isoformat(), event.type, event.entity, event.base, event.body)
            )
        return self.state()

    def add(self, feed: str, type_: str, entity: str, body: dict, base: Iterable[str] = ()) -> Entry:
        chain = self.feeds.setdefault(feed, [])
        self.clock += timedelta(seconds=1)
        prev = chain[-1].hash if chain else "0" * 64
        entry = make_entry(feed, len(chain) + 1, prev, self.clock.isoformat(), type_, entity, list(base), body)
        chain.append(entry)
        return entry

    def entries(self) -> list[Entry]:
        return [entry for chain in self.feeds.values() for entry in chain]

    def state(self) -> State:
        return fold(self.entries())
