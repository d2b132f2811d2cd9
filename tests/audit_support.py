"""A small township master as feeds, for the audit, sampling and report tests.

``Master`` holds one writer per feed (real hash chains via ``tests.fold_builders.FeedWriter``): the
township-wide feed (township.init, enrolments), one roster feed per village, and device feeds.
``audit_input`` folds it and hands the pure checks their plain input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fieldkit.core.coverage import report
from fieldkit.core.feed import Entry
from fieldkit.core.fold import fold
from fieldkit.core.model import State
from sync.audit import AuditInput, ImportRecord, QuarantineRecord
from tests.fold_builders import CST, TOWNSHIP, VILLAGE, FeedWriter, briefed

DEVICE = "d-00000000000000a1"
DEVICE2 = "d-00000000000000b2"
T_FEED = f"t-{TOWNSHIP}"
DAY = datetime(2026, 11, 29, 0, 0, tzinfo=CST)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=CST)


def at(hour: int, minute: int = 0, day: int = 0) -> datetime:
    """A time on the fixture's day (29 Nov 2026, UTC+8), ``day`` days later."""
    return DAY + timedelta(days=day, hours=hour, minutes=minute)


def hid(n: int, village: str = VILLAGE) -> str:
    return f"{village}-{n:06d}"


def vid(n: int) -> str:
    return f"{n:032x}"


@dataclass
class Master:
    feeds: dict[str, FeedWriter] = field(default_factory=dict)
    _visits: int = 0

    def feed(self, feed_id: str) -> FeedWriter:
        if feed_id not in self.feeds:
            self.feeds[feed_id] = FeedWriter(feed_id, clock=at(8))
        return self.feeds[feed_id]

    def village_feed(self, village: str) -> FeedWriter:
        return self.feed(f"t-{TOWNSHIP}-{village}")

    # township side -----------------------------------------------------------------------

    def township(self, name: str = "城关镇") -> None:
        self.feed(T_FEED).add(
            "township.init", f"twp:{TOWNSHIP}",
            {"code": TOWNSHIP, "name": name, "signing_public": "", "office_recipient": "", "dossier_recipient": ""},
        )

    def enrol(self, device: str = DEVICE, village: str = VILLAGE, time: datetime | None = None) -> Entry:
        body = {"device": device, "name": "laptop", "village": village, "signing_public": "", "recipient": ""}
        return self.feed(T_FEED).add("device.enroll", f"dev:{device}", body, time=time)

    def revoke(self, device: str, time: datetime) -> Entry:
        return self.feed(T_FEED).add("device.revoke", f"dev:{device}", {"device": device, "reason": "lost"}, time=time)

    def village(self, code: str = VILLAGE, name: str = "红星村") -> None:
        self.village_feed(code).village(code, name)

    def household(
        self,
        n: int,
        village: str = VILLAGE,
        group: str = "第1组",
        status: str = "resident",
        members: dict[str, dict[str, Any]] | None = None,
    ) -> str:
        """A household with members {suffix: person.set field overrides}; default: one resident head."""
        household_id = hid(n, village)
        writer = self.village_feed(village)
        writer.household(household_id, group=group, status=status, village=village)
        for suffix, extra in (members or {"01": {}}).items():
            body = {
                "household": household_id,
                "name": "张三",
                "sex": "M",
                "birth_year": 1980,
                "phone": "",
                "residence": "resident",
                "relation": "户主",
                "status": "active",
                **extra,
            }
            writer.add("person.set", f"p:{household_id}-{suffix}", body)
        return household_id

    def callback(self, household_id: str, result: str, time: datetime, village: str = VILLAGE) -> Entry:
        body = {"household": household_id, "village": village, "result": result, "note": ""}
        self._visits += 1
        return self.village_feed(village).add("callback", f"cb:{vid(50_000 + self._visits)}", body, time=time)

    # device side -------------------------------------------------------------------------

    def visit(
        self,
        household_id: str,
        time: datetime | str,
        device: str = DEVICE,
        members: dict[str, dict[str, Any]] | None = None,
        visit_id: str | None = None,
        **extra: Any,
    ) -> Entry:
        self._visits += 1
        members = members if members is not None else {f"{household_id}-01": briefed()}
        entry_id = visit_id or vid(self._visits)
        body = {
            "household": household_id,
            "village": household_id.split("-")[0],
            "cadre": "李干部",
            "form": {"id": "household_visit", "version": 1},
            "answers": {},
            "members": members,
            **extra,
        }
        return self.feed(device).add("visit", f"visit:{entry_id}", body, time=time)

    def activity(self, village: str, time: datetime, device: str = DEVICE) -> Entry:
        self._visits += 1
        return self.feed(device).activity(vid(10_000 + self._visits), village=village, time=time)

    # outputs -----------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        return [e for writer in self.feeds.values() for e in writer.entries]

    def state(self) -> State:
        return fold(self.entries())

    def audit_input(
        self,
        imports: tuple[ImportRecord, ...] = (),
        quarantine: tuple[QuarantineRecord, ...] = (),
        now: datetime = NOW,
        feeds: dict[str, list[Entry]] | None = None,
    ) -> AuditInput:
        feeds = feeds if feeds is not None else {f: list(w.entries) for f, w in self.feeds.items()}
        state = fold(e for entries in feeds.values() for e in entries)
        return AuditInput(
            feeds=feeds, state=state, report=report(state, today=NOW.date()), imports=imports,
            quarantine=quarantine, now=now,
        )


def clean_master() -> Master:
    """Township, one enrolled laptop, three households in 红星村 group 1, each visited and covered
    in daytime, half an hour apart. The audit finds nothing here."""
    master = Master()
    master.township()
    master.enrol(time=at(8, 30))
    master.village()
    for n in (1, 2, 3):
        master.household(n)
    for n, minute in zip((1, 2, 3), (0, 30, 60)):
        master.visit(hid(n), at(10, minute))
    return master
