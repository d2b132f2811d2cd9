"""A deterministic, realistic demo village: roster events and some visits, the same every time.

Used by ``fieldkit demo`` and by the tests and benchmarks. Pure: ``demo_events`` returns the events;
``record_demo`` writes them through a workspace's ``record``. The same seed gives the same village,
names, phones and visits (ids included), so snapshots and benchmarks are stable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Protocol

from fieldkit.core.feed import ZERO, Entry, make_entry

DEFAULT_VILLAGE_CODE = "110101001001"
DEFAULT_VILLAGE_NAME = "红星村"
DEFAULT_FORM = ("household_visit", 1)
DEFAULT_SEED = 20261129
DEMO_TODAY = date(2026, 11, 29)
CHINA = timezone(timedelta(hours=8))

# Common surnames, weighted roughly by frequency (the first ones repeat to be more likely).
_SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解"
)
_MALE_CHARS = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林建国志文海东成德福贵生荣"
_FEMALE_CHARS = "芳娜秀英敏静丽艳娟霞桂兰玉萍红梅琳燕颖慧月菊凤珍翠云莲洁倩婷雪琴"


class Recorder(Protocol):
    feed_id: str | None

    def record(
        self, type: str, entity: str, base: list[str], body: dict[str, Any], feed: str | None = None, time: str | None = None
    ) -> object: ...


@dataclass(frozen=True)
class DemoEvent:
    type: str
    entity: str
    body: dict[str, Any]
    time: str  # fixed, so the demo is the same every time (ISO 8601 with +08:00)


def _at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), CHINA).isoformat()


def _name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    chars = _MALE_CHARS if sex == "M" else _FEMALE_CHARS
    given = "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.3 else 2))
    return (surname or rng.choice(_SURNAMES)) + given


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _residence(rng: random.Random, age: int) -> str:
    if 7 <= age <= 22:
        return "student" if rng.random() < 0.7 else "resident"
    if 18 <= age <= 55 and rng.random() < 0.35:
        return "migrant"
    return "resident"


def _household_people(rng: random.Random, year: int) -> list[dict[str, Any]]:
    """Members of one family: head, often a spouse, children, sometimes an elderly parent."""
    head_age = rng.randint(28, 82)
    head_sex = "M" if rng.random() < 0.8 else "F"
    surname = rng.choice(_SURNAMES)
    people = [dict(relation="户主", sex=head_sex, age=head_age, name=_name(rng, head_sex, surname))]
    if rng.random() < 0.8:
        sex = "F" if head_sex == "M" else "M"
        people.append(dict(relation="配偶", sex=sex, age=max(20, head_age + rng.randint(-5, 3)), name=_name(rng, sex)))
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        child_age = head_age - rng.randint(20, 32)
        if child_age < 0:
            continue
        sex = rng.choice("MF")
        people.append(dict(relation="子女", sex=sex, age=child_age, name=_name(rng, sex, surname if sex == "M" else None)))
    if head_age < 55 and rng.random() < 0.35:
        sex = rng.choice("MF")
        people.append(dict(relation="父母", sex=sex, age=head_age + rng.randint(22, 30), name=_name(rng, sex, surname if sex == "M" else None)))
    for person in people:
        person["birth_year"] = year - person["age"]
    return people


def demo_events(
    households: int = 120,
    *,
    seed: int = DEFAULT_SEED,
    village_code: str = DEFAULT_VILLAGE_CODE,
    village_name: str = DEFAULT_VILLAGE_NAME,
    groups: int = 6,
    today: date = DEMO_TODAY,
    visited_share: float = 0.4,
    form: tuple[str, int] = DEFAULT_FORM,
    cadre: str = "演示网格员",
    visits_per_household: int = 1,
) -> list[DemoEvent]:
    """The events of a demo village of ``households`` households: village, roster, some visits.

    About 5% of households are 空挂 (everyone registered only), 1% moved out; about a fifth of the
    working-age adults are 外出务工 and most school-age children 在校就读. ``visited_share`` of the
    resident households have a visit (``visits_per_household`` of them, for benchmarks): most cover
    everyone, some miss an absent member (部分覆盖).
    """
    rng = random.Random(seed)
    year = today.year
    roster_time = _at(today - timedelta(days=28), 8)
    events = [DemoEvent("village.set", f"vil:{village_code}", {"code": village_code, "name": village_name}, roster_time)]
    visits: list[DemoEvent] = []
    for index in range(households):
        group = index % groups + 1
        number = f"{group:02d}{index + 1:04d}"
        household_id = f"{village_code}-{number}"
        roll = rng.random()
        status = "empty" if roll < 0.05 else "moved_out" if roll < 0.06 else "resident"
        address = f"{village_name}第{group}村民小组{rng.randint(1, 199)}号"
        events.append(
            DemoEvent(
                "household.set",
                f"hh:{household_id}",
                {"village": village_code, "group": str(group), "number": number, "address": address, "status": status},
                roster_time,
            )
        )
        members = []
        for position, person in enumerate(_household_people(rng, year), start=1):
            person_id = f"{household_id}-{position:02d}"
            residence = "registered_only" if status == "empty" else _residence(rng, person["age"])
            body = {
                "household": household_id,
                "name": person["name"],
                "sex": person["sex"],
                "birth_year": person["birth_year"],
                "phone": _phone(rng) if person["age"] >= 16 and rng.random() < 0.75 else "",
                "residence": residence,
                "relation": person["relation"],
                "status": "moved_out" if status == "moved_out" else "active",
            }
            events.append(DemoEvent("person.set", f"p:{person_id}", body, roster_time))
            members.append((person_id, residence))
        if status == "resident" and rng.random() < visited_share:
            for _ in range(visits_per_household):
                visits.append(_demo_visit(rng, household_id, village_code, members, form, cadre, today))
    visits.sort(key=lambda event: event.time)
    return events + visits


def _demo_visit(
    rng: random.Random,
    household_id: str,
    village_code: str,
    members: list[tuple[str, str]],
    form: tuple[str, int],
    cadre: str,
    today: date,
) -> DemoEvent:
    # Visits spread over the last four weeks, one in eight of them today.
    day = today if rng.random() < 0.125 else today - timedelta(days=rng.randint(1, 27))
    when = _at(day, rng.randint(8, 17), rng.randint(0, 59))
    partial = rng.random() < 0.25
    records: dict[str, dict[str, Any]] = {}
    for person_id, residence in members:
        if residence == "registered_only":
            continue
        away = residence in ("migrant", "student")
        briefed = not (partial and away) and rng.random() > 0.03
        channel = rng.choice(("phone", "wechat", "video")) if away else "in_person"
        app = briefed and rng.random() < 0.62
        record = {
            "briefed": briefed,
            "app_installed": app,
            "call_warning": app and rng.random() < 0.8,
            "joined_group": briefed and rng.random() < 0.5,
        }
        if briefed:  # the form asks for a channel only when the member was briefed
            record["channel"] = channel
        records[person_id] = record
    visit_id = f"{rng.getrandbits(128):032x}"
    body = {
        "household": household_id,
        "village": village_code,
        "cadre": cadre,
        "form": {"id": form[0], "version": form[1]},
        "answers": {},
        "members": records,
    }
    return DemoEvent("visit", f"visit:{visit_id}", body, when)


def demo_entries(feed_id: str, events: list[DemoEvent], after_seq: int = 0, after_hash: str = ZERO) -> list[Entry]:
    """The events as a chain of feed entries continuing ``(after_seq, after_hash)``."""
    entries: list[Entry] = []
    prev = after_hash
    for offset, event in enumerate(events, start=1):
        entry = make_entry(feed_id, after_seq + offset, prev, event.time, event.type, event.entity, [], event.body)
        entries.append(entry)
        prev = entry.hash
    return entries


def record_demo(workspace: Recorder, events: list[DemoEvent]) -> int:
    """Record each event through ``workspace.record`` (first versions: empty base). Returns the count.

    One durable write per event; for thousands of events write ``demo_entries`` to the store at once.
    """
    for event in events:
        workspace.record(event.type, event.entity, [], event.body, time=event.time)
    return len(events)
