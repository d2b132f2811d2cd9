"""The folded state: plain dataclasses, read-only by convention. No I/O, only small lookups.

``fieldkit.core.fold.fold`` builds a ``State`` from feed entries; ``fieldkit.core.coverage`` reads it.
Dicts are keyed by the plain id (village code, household id, person id, the hex of a visit/activity/
dossier/callback, a device's feed id, a form id), not by the ``<kind>:`` entity id. Entity ids appear
only where kinds mix (``State.heads``, ``Conflict.entity``).

Treat everything here as read-only. Most dataclasses are frozen; the three a large master holds by the
ten thousand (``Household``, ``Person``, ``Visit``) are plain slotted dataclasses instead, because a
frozen dataclass takes about five times as long to construct and the fold must stay fast (20,000
events well under 0.3 s). The dicts inside (and ``answers``, taken from event bodies) are shared too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from operator import attrgetter
from typing import Any

# household.status
HOUSEHOLD_RESIDENT = "resident"
HOUSEHOLD_EMPTY = "empty"  # 空挂
HOUSEHOLD_MOVED_OUT = "moved_out"  # 已迁出

# person.residence
RESIDENT = "resident"  # 常住
MIGRANT = "migrant"  # 外出务工
STUDENT = "student"  # 在校就读
REGISTERED_ONLY = "registered_only"  # 空挂
AWAY = frozenset({MIGRANT, STUDENT})

# person.status
PERSON_ACTIVE = "active"
PERSON_MOVED_OUT = "moved_out"
PERSON_DECEASED = "deceased"

# visit member channel
IN_PERSON = "in_person"  # 面对面
REMOTE_CHANNELS = frozenset({"phone", "wechat", "video"})  # 电话 / 微信 / 视频
CHANNELS = REMOTE_CHANNELS | {IN_PERSON}


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    signing_public: str
    office_recipient: str
    dossier_recipient: str


@dataclass(frozen=True)
class Village:
    code: str
    name: str


@dataclass(slots=True)
class Household:
    id: str
    village: str
    group: str
    number: str
    address: str
    status: str


@dataclass(slots=True)
class Person:
    id: str
    household: str
    name: str
    sex: str
    birth_year: int | None
    phone: str
    residence: str
    relation: str
    status: str

    @property
    def active(self) -> bool:
        return self.status == PERSON_ACTIVE


@dataclass(frozen=True)
class MemberRecord:
    """What one visit recorded for one household member, normalised (see ``Visit.member``)."""

    briefed: bool
    channel: str
    app_installed: bool
    call_warning: bool
    joined_group: bool

    @staticmethod
    def of(record: object) -> MemberRecord:
        data = record if isinstance(record, dict) else {}
        channel = data.get("channel")
        return MemberRecord(
            briefed=data.get("briefed") is True,
            channel=channel if isinstance(channel, str) else "",
            app_installed=data.get("app_installed") is True,
            call_warning=data.get("call_warning") is True,
            joined_group=data.get("joined_group") is True,
        )


@dataclass(slots=True)
class Visit:
    id: str
    household: str
    village: str
    cadre: str
    time: str  # as recorded, with the device's UTC offset
    instant: datetime  # the same time, aware; compare these
    feed: str
    seq: int
    hash: str
    form_id: str
    form_version: int | None
    answers: dict[str, Any]
    # person id -> the record as in the event body: {briefed, channel, app_installed, call_warning,
    # joined_group}. Kept raw because converting tens of thousands of them was a sixth of the fold's
    # time; read them through ``member`` (or test values with ``is True``, as coverage does).
    members: dict[str, Any]

    def member(self, person_id: str) -> MemberRecord | None:
        record = self.members.get(person_id)
        return None if record is None else MemberRecord.of(record)


@dataclass(frozen=True)
class Activity:
    id: str
    village: str
    kind: str
    place: str
    audience: int
    materials: int
    note: str
    time: str
    instant: datetime
    feed: str
    seq: int
    hash: str
    form_id: str
    form_version: int | None
    answers: dict[str, Any]


@dataclass(frozen=True)
class Callback:
    id: str
    household: str
    village: str
    result: str  # confirmed / denied / unreachable
    note: str
    time: str
    instant: datetime
    feed: str
    seq: int
    hash: str


@dataclass(frozen=True)
class DossierIndex:
    """What can be known about a dossier without its key. The ciphertext is never opened here."""

    id: str
    village: str
    version: int  # the version number in the winning head
    head: str  # entry hash of the winning head
    heads: tuple[str, ...]  # every head (more than one = a conflict, see State.conflicts)
    created: str  # time of the earliest version
    updated: str  # time of the winning head
    feeds: tuple[str, ...]  # every feed that recorded a version
    history: tuple[str, ...]  # entry hashes of all versions, by (UTC time, feed, seq)
    ciphertext: str = field(repr=False)  # the winning head's age file, base64, opaque


@dataclass(frozen=True)
class Device:
    id: str  # the device's feed id
    name: str
    village: str
    signing_public: str
    recipient: str
    enrolled: bool
    enrolled_time: str
    revoked: bool = False
    revoke_reason: str = ""
    revoked_time: str = ""


@dataclass(frozen=True)
class FormVersion:
    id: str
    version: int
    yaml: str
    hash: str


@dataclass(frozen=True)
class Form:
    id: str
    version: int  # the highest published version
    yaml: str  # its text
    versions: dict[int, FormVersion]  # every published version, old records need them


@dataclass(frozen=True)
class ConflictValue:
    feed: str
    seq: int
    time: str
    hash: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Conflict:
    """An entity edited from the same base on several devices. ``values`` are all heads, ordered by
    (UTC time, feed, seq); the winner (the value the state shows) is the last one."""

    entity: str
    winner: str
    values: tuple[ConflictValue, ...]


@dataclass(frozen=True)
class State:
    townships: dict[str, Township] = field(default_factory=dict)
    villages: dict[str, Village] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    visits: tuple[Visit, ...] = ()  # by (UTC time, feed, seq)
    activities: tuple[Activity, ...] = ()  # by (UTC time, feed, seq)
    dossiers: dict[str, DossierIndex] = field(default_factory=dict)
    callbacks: dict[str, Callback] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()  # by entity id
    # entity id -> head hashes, sorted: the base of the next edit. Unordered, left out of repr.
    heads: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # Hashes of entries the fold did not use, for the audit to flag: unknown type, entity id not
    # matching the type, a fact whose id an earlier entry already took, a form without a version.
    ignored: tuple[str, ...] = ()
    entry_count: int = 0  # distinct entries folded

    @property
    def township(self) -> Township | None:
        """The township, when the state holds exactly one (a county master holds several)."""
        if len(self.townships) == 1:
            return next(iter(self.townships.values()))
        return None

    @cached_property
    def _persons_by_household(self) -> dict[str, tuple[Person, ...]]:
        index: dict[str, list[Person]] = {}
        for person in self.persons.values():
            index.setdefault(person.household, []).append(person)
        by_id = attrgetter("id")
        return {hh: tuple(sorted(people, key=by_id)) for hh, people in index.items()}

    @cached_property
    def _members_by_household(self) -> dict[str, tuple[Person, ...]]:
        return {
            hh: tuple(p for p in people if p.status == PERSON_ACTIVE)
            for hh, people in self._persons_by_household.items()
        }

    @cached_property
    def _visits_by_household(self) -> dict[str, tuple[Visit, ...]]:
        index: dict[str, list[Visit]] = {}
        for visit in self.visits:
            index.setdefault(visit.household, []).append(visit)
        return {hh: tuple(visits) for hh, visits in index.items()}

    @cached_property
    def _conflicts_by_entity(self) -> dict[str, Conflict]:
        return {conflict.entity: conflict for conflict in self.conflicts}

    def persons_of(self, household_id: str) -> tuple[Person, ...]:
        """Everyone recorded in the household, including moved-out and deceased, by person id."""
        return self._persons_by_household.get(household_id, ())

    def members_of(self, household_id: str) -> tuple[Person, ...]:
        """The household's active members, by person id."""
        return self._members_by_household.get(household_id, ())

    def visits_of(self, household_id: str) -> tuple[Visit, ...]:
        """The household's visits, by (UTC time, feed, seq)."""
        return self._visits_by_household.get(household_id, ())

    def unrostered_visits(self) -> tuple[Visit, ...]:
        """Visits to a household id that is not on the roster (typo, or the roster has not arrived)."""
        return tuple(
            visit
            for household, visits in self._visits_by_household.items()
            if household not in self.households
            for visit in visits
        )

    def conflict_of(self, entity: str) -> Conflict | None:
        return self._conflicts_by_entity.get(entity)

    def heads_of(self, entity: str) -> tuple[str, ...]:
        """The ``base`` for the next edit of ``entity`` (empty if it has no version yet)."""
        return self.heads.get(entity, ())
