"""Build feed entries for fold and coverage tests: real hash chains through ``feed.make_entry``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from fieldkit.core.feed import Entry, make_entry

ZERO = "0" * 64
CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 29, 9, 0, 0, tzinfo=CST)

VILLAGE = "110101001001"
VILLAGE2 = "110101001002"
TOWNSHIP = "110101001"


def iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


@dataclass
class FeedWriter:
    """One device's feed: each ``add`` chains the next entry onto the previous one."""

    feed: str
    clock: datetime = T0
    entries: list[Entry] = field(default_factory=list)

    def add(
        self,
        type_: str,
        entity: str,
        body: dict[str, Any],
        base: tuple[str, ...] | list[str] = (),
        time: datetime | str | None = None,
    ) -> Entry:
        if time is None:
            self.clock += timedelta(minutes=1)
            time = self.clock
        stamp = time if isinstance(time, str) else iso(time)
        prev = self.entries[-1].hash if self.entries else ZERO
        entry = make_entry(self.feed, len(self.entries) + 1, prev, stamp, type_, entity, list(base), body)
        self.entries.append(entry)
        return entry

    # event shorthands -------------------------------------------------------------------------

    def village(self, code: str = VILLAGE, name: str = "红星村", base: tuple[str, ...] = ()) -> Entry:
        return self.add("village.set", f"vil:{code}", {"code": code, "name": name}, base)

    def household(
        self,
        hid: str,
        group: str = "第1村民小组",
        status: str = "resident",
        base: tuple[str, ...] = (),
        time: datetime | str | None = None,
        village: str | None = None,
    ) -> Entry:
        body = {
            "village": village or hid.split("-")[0],
            "group": group,
            "number": hid.split("-")[1],
            "address": f"{group}{hid.split('-')[1]}号",
            "status": status,
        }
        return self.add("household.set", f"hh:{hid}", body, base, time)

    def person(
        self,
        pid: str,
        residence: str = "resident",
        status: str = "active",
        birth_year: int = 1980,
        phone: str = "",
        name: str = "张三",
        base: tuple[str, ...] = (),
        time: datetime | str | None = None,
        household: str | None = None,
    ) -> Entry:
        body = {
            "household": household or pid.rsplit("-", 1)[0],
            "name": name,
            "sex": "M",
            "birth_year": birth_year,
            "phone": phone,
            "residence": residence,
            "relation": "户主",
            "status": status,
        }
        return self.add("person.set", f"p:{pid}", body, base, time)

    def visit(
        self,
        vid: str,
        hid: str,
        members: dict[str, dict[str, Any]],
        time: datetime | str | None = None,
        cadre: str = "李干部",
    ) -> Entry:
        body = {
            "household": hid,
            "village": hid.split("-")[0],
            "cadre": cadre,
            "form": {"id": "household_visit", "version": 1},
            "answers": {"materials_given": True},
            "members": members,
        }
        return self.add("visit", f"visit:{vid}", body, (), time)

    def activity(self, aid: str, village: str = VILLAGE, time: datetime | str | None = None) -> Entry:
        body = {
            "village": village,
            "kind": "loudspeaker",
            "place": "村委会",
            "audience": 40,
            "materials": 10,
            "note": "",
            "form": {"id": "village_activity", "version": 1},
            "answers": {},
        }
        return self.add("activity", f"act:{aid}", body, (), time)


def briefed(
    channel: str = "in_person", app: bool = False, warning: bool = False, group: bool = False, done: bool = True
) -> dict[str, Any]:
    return {"briefed": done, "channel": channel, "app_installed": app, "call_warning": warning, "joined_group": group}


def hex_id(n: int) -> str:
    return f"{n:032x}"
