"""Coverage rules and the progress report: pure functions over the folded ``State``.

Household status (DESIGN §3):

- ``moved_out`` (已迁出): the household's status says so.
- ``empty`` (空挂): the household's status says so, or none of its active members lives there (every
  one is ``registered_only``; a household with no active member at all counts as empty too).
- ``not_visited`` (未走访): no visit recorded for it.
- ``covered`` (已覆盖): across ALL its visits, every active ``resident`` member was briefed in person and
  every member away (``migrant`` 外出务工, ``student`` 在校就读) was briefed in person or remotely
  (phone / wechat / video). A member briefed on an earlier visit stays briefed. ``registered_only``
  members do not count. A residence value we do not know is held to the strictest (resident) rule.
- ``partial`` (部分覆盖): visited, but someone is still missing.

Persons counted in the report ("persons to brief", also the denominator of the app install rate):
active members, not ``registered_only``, of households that are neither empty nor moved out. Moved-out
and deceased members are ignored everywhere. A member record only counts for a visit of the person's
own household.

Roll-ups: group → village → township → total (the county when several townships are folded together).
Every level is the sum of the level below: ``villages[v] == sum(groups of v) + village_wide[v]`` and
``townships[t] == sum(villages of t)``. ``village_wide`` holds what belongs to a village but to no group:
its activities, and visits to households that are not on the roster.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from fieldkit.core.gcpause import paused_gc
from fieldkit.core.model import (
    AWAY,
    CHANNELS,
    HOUSEHOLD_EMPTY,
    HOUSEHOLD_MOVED_OUT,
    IN_PERSON,
    MIGRANT,
    PERSON_ACTIVE,
    REGISTERED_ONLY,
    STUDENT,
    Household,
    Person,
    State,
    Visit,
)

COVERED = "covered"  # 已覆盖
PARTIAL = "partial"  # 部分覆盖
NOT_VISITED = "not_visited"  # 未走访
EMPTY = "empty"  # 空挂
MOVED_OUT = "moved_out"  # 已迁出
STATUSES = (COVERED, PARTIAL, NOT_VISITED, EMPTY, MOVED_OUT)

APP_TARGET_PERCENT = 60
APP_TARGET = APP_TARGET_PERCENT / 100  # 国家反诈中心 app installs / resident persons
ELDERLY_AGE = 60
TOWNSHIP_CODE_LENGTH = 9  # a village code is the township code + 3 digits


@dataclass(frozen=True)
class PersonFlags:
    briefed: bool  # briefed through a channel that counts for the person's residence
    briefed_any: bool  # briefed at all (a resident briefed only by phone is briefed_any, not briefed)
    app_installed: bool  # any visit says so
    call_warning: bool  # any visit says so
    joined_group: bool  # any visit says so


_IN_PERSON_ONLY = frozenset({IN_PERSON})


def accepted_channels(residence: str) -> frozenset[str]:
    """The channels through which a briefing counts for a member with ``residence``: in person for
    residents (and for a residence value we don't know), any channel for members away."""
    if residence in AWAY or residence == REGISTERED_ONLY:
        return CHANNELS
    return _IN_PERSON_ONLY


def briefing_counts(residence: str, channel: object) -> bool:
    return channel.__class__ is str and channel in accepted_channels(residence)


def _person_flags(active: Iterable[Person], visits: Iterable[Visit]) -> dict[str, PersonFlags]:
    """Flags for members of one household from that household's visits (the caller makes sure
    both belong to the same household). The report's hottest loop: keep it lean."""
    if not visits:
        return {p.id: _NOT_BRIEFED for p in active}
    running: dict[str, tuple[list[bool], frozenset[str]]] = {
        p.id: ([False, False, False, False, False], accepted_channels(p.residence)) for p in active
    }
    for visit in visits:
        for pid, record in visit.members.items():  # raw records from the event: compare with `is True`
            entry = running.get(pid)
            if entry is None or record.__class__ is not dict:
                continue
            flags, accepted = entry
            get = record.get
            if get("briefed") is True:
                flags[1] = True
                channel = get("channel")
                if channel.__class__ is str and channel in accepted:
                    flags[0] = True
            if not flags[2] and get("app_installed") is True:
                flags[2] = True
            if not flags[3] and get("call_warning") is True:
                flags[3] = True
            if not flags[4] and get("joined_group") is True:
                flags[4] = True
    return {pid: _shared_flags[tuple(flags)] for pid, (flags, _) in running.items()}


def person_flags(household: Household, members: Iterable[Person], visits: Iterable[Visit]) -> dict[str, PersonFlags]:
    """Flags for the household's active members, from all its visits (others are ignored)."""
    active = [p for p in members if p.status == PERSON_ACTIVE and p.household == household.id]
    return _person_flags(active, [v for v in visits if v.household == household.id])


class _SharedFlags(dict):  # type: ignore[type-arg]
    """32 possible values for thousands of persons: share the immutable instances."""

    def __missing__(self, values: tuple[bool, bool, bool, bool, bool]) -> PersonFlags:
        flags = self[values] = PersonFlags(*values)
        return flags


_shared_flags = _SharedFlags()
_NOT_BRIEFED = _shared_flags[(False, False, False, False, False)]


def _status(household: Household, active: list[Person], flags: dict[str, PersonFlags], visited: bool) -> str:
    if household.status == HOUSEHOLD_MOVED_OUT:
        return MOVED_OUT
    if household.status == HOUSEHOLD_EMPTY or all(p.residence == REGISTERED_ONLY for p in active):
        return EMPTY
    if not visited:
        return NOT_VISITED
    if all(flags[p.id].briefed for p in active if p.residence != REGISTERED_ONLY):
        return COVERED
    return PARTIAL


def household_status(household: Household, members: Iterable[Person], visits: Iterable[Visit]) -> str:
    """One of ``STATUSES`` for ``household``. ``members`` may include moved-out or deceased persons
    (they are ignored); only ``visits`` of this household are considered."""
    active = [p for p in members if p.status == PERSON_ACTIVE and p.household == household.id]
    own = [v for v in visits if v.household == household.id]
    return _status(household, active, _person_flags(active, own), bool(own))


@dataclass(frozen=True)
class Breakdown:
    total: int = 0
    briefed: int = 0
    app_installed: int = 0

    def __add__(self, other: Breakdown) -> Breakdown:
        return Breakdown(
            self.total + other.total,
            self.briefed + other.briefed,
            self.app_installed + other.app_installed,
        )

    @property
    def app_rate(self) -> float:
        return self.app_installed / self.total if self.total else 0.0


@dataclass(frozen=True)
class Tally:
    """Counts for one unit (group, village, township, county). ``a + b`` is the tally of both."""

    households: int = 0  # all, including empty and moved out
    covered: int = 0
    partial: int = 0
    not_visited: int = 0
    empty: int = 0
    moved_out: int = 0
    persons: Breakdown = field(default_factory=Breakdown)  # persons to brief (see module doc)
    elderly: Breakdown = field(default_factory=Breakdown)  # of those, aged 60+ this year
    students: Breakdown = field(default_factory=Breakdown)  # of those, 在校就读
    migrants: Breakdown = field(default_factory=Breakdown)  # of those, 外出务工
    call_warning: int = 0
    joined_group: int = 0
    visits: int = 0
    visits_today: int = 0
    activities: int = 0

    def add(self, other: Tally) -> Tally:
        return Tally(
            households=self.households + other.households,
            covered=self.covered + other.covered,
            partial=self.partial + other.partial,
            not_visited=self.not_visited + other.not_visited,
            empty=self.empty + other.empty,
            moved_out=self.moved_out + other.moved_out,
            persons=self.persons + other.persons,
            elderly=self.elderly + other.elderly,
            students=self.students + other.students,
            migrants=self.migrants + other.migrants,
            call_warning=self.call_warning + other.call_warning,
            joined_group=self.joined_group + other.joined_group,
            visits=self.visits + other.visits,
            visits_today=self.visits_today + other.visits_today,
            activities=self.activities + other.activities,
        )

    __add__ = add

    @staticmethod
    def sum(tallies: Iterable[Tally]) -> Tally:
        total = Tally()
        for tally in tallies:
            total = total.add(tally)
        return total

    def count(self, status: str) -> int:
        return {
            COVERED: self.covered,
            PARTIAL: self.partial,
            NOT_VISITED: self.not_visited,
            EMPTY: self.empty,
            MOVED_OUT: self.moved_out,
        }[status]

    @property
    def to_do(self) -> int:
        """Households still to cover (未覆盖): partial + not visited; empty and moved out are resolved."""
        return self.partial + self.not_visited

    @property
    def residents(self) -> int:
        return self.persons.total

    @property
    def app_installed(self) -> int:
        return self.persons.app_installed

    @property
    def app_rate(self) -> float:
        return self.persons.app_rate

    @property
    def meets_target(self) -> bool:
        # integers, so 3 of 5 is exactly 60%
        return self.persons.total > 0 and self.persons.app_installed * 100 >= APP_TARGET_PERCENT * self.persons.total


@dataclass(frozen=True)
class Report:
    today: date
    statuses: dict[str, str]  # household id -> status
    persons: dict[str, PersonFlags]  # every active member of every household on the roster
    groups: dict[tuple[str, str], Tally]  # (village code, group)
    village_wide: dict[str, Tally]  # per village: activities, visits to households not on the roster
    villages: dict[str, Tally]
    townships: dict[str, Tally]
    total: Tally  # everything in the state (the county when several townships are folded)

    def households_with(self, *statuses: str) -> list[str]:
        """Household ids with one of ``statuses``, sorted (e.g. the to-do list: PARTIAL, NOT_VISITED)."""
        return sorted(hid for hid, status in self.statuses.items() if status in statuses)


class _Running:
    """Running totals for one group while the report walks the households; a Tally at the end."""

    def __init__(self) -> None:
        self.statuses = dict.fromkeys(STATUSES, 0)
        self.persons = [0, 0, 0]  # total, briefed, app installed
        self.elderly = [0, 0, 0]
        self.students = [0, 0, 0]
        self.migrants = [0, 0, 0]
        self.call_warning = self.joined_group = self.visits = self.visits_today = 0

    def add_household(
        self, status: str, counted: list[Person], flags: dict[str, PersonFlags], visits: tuple[Visit, ...], today: date
    ) -> None:
        self.statuses[status] += 1
        elderly_born_by = today.year - ELDERLY_AGE
        for person in counted:
            flag = flags[person.id]
            rows: tuple[list[int], ...] = (self.persons,)
            if person.birth_year is not None and person.birth_year <= elderly_born_by:
                rows += (self.elderly,)
            if person.residence == STUDENT:
                rows += (self.students,)
            elif person.residence == MIGRANT:
                rows += (self.migrants,)
            for row in rows:
                row[0] += 1
                row[1] += flag.briefed
                row[2] += flag.app_installed
            self.call_warning += flag.call_warning
            self.joined_group += flag.joined_group
        self.visits += len(visits)
        for visit in visits:
            if visit.instant.date() == today:
                self.visits_today += 1

    def tally(self) -> Tally:
        return Tally(
            households=sum(self.statuses.values()),
            covered=self.statuses[COVERED],
            partial=self.statuses[PARTIAL],
            not_visited=self.statuses[NOT_VISITED],
            empty=self.statuses[EMPTY],
            moved_out=self.statuses[MOVED_OUT],
            persons=Breakdown(*self.persons),
            elderly=Breakdown(*self.elderly),
            students=Breakdown(*self.students),
            migrants=Breakdown(*self.migrants),
            call_warning=self.call_warning,
            joined_group=self.joined_group,
            visits=self.visits,
            visits_today=self.visits_today,
        )


def report(state: State, today: date | None = None) -> Report:
    """Coverage of everything in ``state``; ``today`` (default: the local date) dates ages and
    "visits today" (a visit's date is its local date in the offset it was recorded with)."""
    with paused_gc():
        return _report(state, today or date.today())


def _report(state: State, today: date) -> Report:
    statuses: dict[str, str] = {}
    all_flags: dict[str, PersonFlags] = {}
    running: dict[tuple[str, str], _Running] = {}

    for hid, household in state.households.items():
        active = state.members_of(hid)
        visits = state.visits_of(hid)
        flags = _person_flags(active, visits)  # both indexed by this household
        status = _status(household, active, flags, bool(visits))
        statuses[hid] = status
        all_flags.update(flags)
        counted = [p for p in active if p.residence != REGISTERED_ONLY] if status not in (EMPTY, MOVED_OUT) else []
        key = (household.village, household.group)
        group = running.get(key)
        if group is None:
            group = running[key] = _Running()
        group.add_household(status, counted, flags, visits, today)
    groups = {key: group.tally() for key, group in sorted(running.items())}

    village_wide: dict[str, Tally] = {}

    def add_wide(village: str, tally: Tally) -> None:
        village_wide[village] = village_wide.get(village, Tally()).add(tally)

    for visit in state.unrostered_visits():
        add_wide(visit.village, Tally(visits=1, visits_today=int(visit.instant.date() == today)))
    for activity in state.activities:
        add_wide(activity.village, Tally(activities=1))

    village_codes = set(state.villages) | {v for v, _ in groups} | set(village_wide)
    villages = {code: village_wide.get(code, Tally()) for code in village_codes}
    for (code, _), tally in groups.items():
        villages[code] = villages[code].add(tally)

    townships = {code: Tally() for code in state.townships}
    for code, tally in villages.items():
        township = code[:TOWNSHIP_CODE_LENGTH]
        townships[township] = townships.get(township, Tally()).add(tally)

    return Report(
        today=today,
        statuses=statuses,
        persons=dict(sorted(all_flags.items())),
        groups=groups,
        village_wide=dict(sorted(village_wide.items())),
        villages=dict(sorted(villages.items())),
        townships=dict(sorted(townships.items())),
        total=Tally.sum(townships.values()),
    )
