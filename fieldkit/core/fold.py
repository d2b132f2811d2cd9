"""The state is a deterministic fold over the union of feeds. Pure: entries in, ``State`` out.

``fold`` sorts its input by (feed, seq, hash) and drops duplicate hashes first, so the result depends only
on the SET of entries: any order, any grouping, repeated entries are harmless. The laptop, the township
and the county all call this same function, so they cannot disagree about a number.

Edits (``township.init``, ``village.set``, ``household.set``, ``person.set``, ``dossier``): the versions
of one entity form a DAG through ``base``. Heads are the versions no other version of the same entity
lists as base. One head is the value. Several heads are a conflict: the winner is the head with the
greatest (UTC instant, feed id, seq) and every head is kept in ``State.conflicts``. An edit whose base
lists all current heads (a township resolution) makes itself the only head, clearing the conflict.

A base that names a hash we have not received (the older version is still on another stick) is
simply not in the DAG: the edit is a head like any other and competes with the heads we know. When
the missing version arrives it is already listed as a base, so it never becomes a head itself.

Facts (``visit``, ``activity``, ``callback``) never conflict. Should two different entries carry the
same fact id, the earliest by (UTC instant, feed, seq) counts and the other's hash goes into
``State.ignored`` for the audit to flag, with entries of unknown type (written by a newer version) and
entries whose entity id does not match their type.

``form.publish`` keeps every version per form; the highest version number is current.
``device.enroll`` / ``device.revoke``: a device is revoked once any revocation exists; revocation is
never undone by a later enrolment of the same feed id (a feed id is never reused).

Times are ISO 8601 with offsets and compared as UTC instants. An unparseable time (which
``verify_chain`` and the audit should already have flagged) sorts as the earliest possible instant
rather than crashing the fold.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from fieldkit.core.canonical import parse_time
from fieldkit.core.model import (
    Activity,
    Callback,
    Conflict,
    ConflictValue,
    Device,
    DossierIndex,
    Form,
    FormVersion,
    Household,
    MemberRecord,
    Person,
    State,
    Township,
    Village,
    Visit,
)

if TYPE_CHECKING:  # fold needs only the Entry fields, not the feed module
    from fieldkit.core.feed import Entry

EDIT_PREFIX = {
    "township.init": "twp",
    "village.set": "vil",
    "household.set": "hh",
    "person.set": "p",
    "dossier": "dos",
}
FACT_PREFIX = {"visit": "visit", "activity": "act", "callback": "cb"}
OTHER_PREFIX = {"device.enroll": "dev", "device.revoke": "dev", "form.publish": "form"}
ENTITY_PREFIX = {**EDIT_PREFIX, **FACT_PREFIX, **OTHER_PREFIX}

_EARLIEST = datetime(1, 1, 1, tzinfo=timezone.utc)
OrderKey = tuple[datetime, str, int, str]


def instant(time: str) -> datetime:
    """The UTC-comparable instant of an entry time; unparseable times sort first."""
    try:
        return parse_time(time)
    except (TypeError, ValueError):
        return _EARLIEST


def fold(entries: Iterable[Entry]) -> State:
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.hash, entry)
    ordered = sorted(unique.values(), key=lambda e: (e.feed, e.seq, e.hash))

    order: dict[str, OrderKey] = {}  # entry hash -> (instant, feed, seq, hash)
    edits: dict[str, list[Entry]] = {}  # entity -> versions
    facts: dict[str, list[Entry]] = {}
    enrolls: dict[str, list[Entry]] = {}
    revokes: dict[str, list[Entry]] = {}
    publishes: list[Entry] = []
    ignored: list[str] = []

    for entry in ordered:
        kind, _, ident = entry.entity.partition(":")
        if ENTITY_PREFIX.get(entry.type) != kind or not ident or not isinstance(entry.body, dict):
            ignored.append(entry.hash)
            continue
        order[entry.hash] = (instant(entry.time), entry.feed, entry.seq, entry.hash)
        if entry.type in EDIT_PREFIX:
            edits.setdefault(entry.entity, []).append(entry)
        elif entry.type in FACT_PREFIX:
            facts.setdefault(entry.entity, []).append(entry)
        elif entry.type == "device.enroll":
            enrolls.setdefault(ident, []).append(entry)
        elif entry.type == "device.revoke":
            revokes.setdefault(ident, []).append(entry)
        else:
            publishes.append(entry)

    townships: dict[str, Township] = {}
    villages: dict[str, Village] = {}
    households: dict[str, Household] = {}
    persons: dict[str, Person] = {}
    dossiers: dict[str, DossierIndex] = {}
    conflicts: list[Conflict] = []
    heads_by_entity: dict[str, tuple[str, ...]] = {}

    for entity, versions in edits.items():
        heads = _heads(versions)
        winner = max(heads, key=lambda e: order[e.hash]) if len(heads) > 1 else heads[0]
        heads_by_entity[entity] = tuple(sorted(e.hash for e in heads))
        if len(heads) > 1:
            values = sorted(heads, key=lambda e: order[e.hash])
            conflicts.append(
                Conflict(
                    entity=entity,
                    winner=winner.hash,
                    values=tuple(ConflictValue(e.feed, e.seq, e.time, e.hash, e.body) for e in values),
                )
            )
        ident = entity.partition(":")[2]
        body = winner.body
        if winner.type == "person.set":
            persons[ident] = _person(ident, body)
        elif winner.type == "household.set":
            households[ident] = _household(ident, body)
        elif winner.type == "village.set":
            villages[ident] = Village(code=ident, name=_str(body.get("name")))
        elif winner.type == "dossier":
            dossiers[ident] = _dossier(ident, versions, heads, winner, order)
        else:
            townships[ident] = _township(ident, body)

    visits: list[Visit] = []
    activities: list[Activity] = []
    callbacks: dict[str, Callback] = {}
    for entity, recorded in facts.items():
        if len(recorded) > 1:
            recorded = sorted(recorded, key=lambda e: order[e.hash])
            ignored.extend(e.hash for e in recorded[1:])
        entry = recorded[0]
        ident = entity.partition(":")[2]
        when = order[entry.hash][0]
        if entry.type == "visit":
            visits.append(_visit(ident, entry, when))
        elif entry.type == "activity":
            activities.append(_activity(ident, entry, when))
        else:
            callbacks[ident] = _callback(ident, entry, when)

    devices = _devices(enrolls, revokes, order)
    forms = _forms(publishes, order, ignored)
    by_time = lambda fact: (fact.instant, fact.feed, fact.seq, fact.hash)  # noqa: E731

    return State(
        townships=_sorted_dict(townships),
        villages=_sorted_dict(villages),
        households=_sorted_dict(households),
        persons=_sorted_dict(persons),
        visits=tuple(sorted(visits, key=by_time)),
        activities=tuple(sorted(activities, key=by_time)),
        dossiers=_sorted_dict(dossiers),
        callbacks=dict(sorted(callbacks.items(), key=lambda item: by_time(item[1]))),
        devices=_sorted_dict(devices),
        forms=_sorted_dict(forms),
        conflicts=tuple(sorted(conflicts, key=lambda c: c.entity)),
        heads=_sorted_dict(heads_by_entity),
        ignored=tuple(sorted(ignored)),
        entry_count=len(unique),
    )


def _heads(versions: list[Entry]) -> list[Entry]:
    if len(versions) == 1:
        return versions
    referenced: set[str] = set()
    for version in versions:
        referenced.update(version.base)
    heads = [v for v in versions if v.hash not in referenced]
    # Hashes make a cycle impossible, so there is always a head; keep everything if not.
    return heads or versions


def _sorted_dict(items: dict[Any, Any]) -> dict[Any, Any]:
    return dict(sorted(items.items()))


def _str(value: object) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _township(code: str, body: dict[str, Any]) -> Township:
    return Township(
        code=code,
        name=_str(body.get("name")),
        signing_public=_str(body.get("signing_public")),
        office_recipient=_str(body.get("office_recipient")),
        dossier_recipient=_str(body.get("dossier_recipient")),
    )


def _household(ident: str, body: dict[str, Any]) -> Household:
    return Household(
        id=ident,
        village=_str(body.get("village")),
        group=_str(body.get("group")),
        number=_str(body.get("number")),
        address=_str(body.get("address")),
        status=_str(body.get("status")),
    )


def _person(ident: str, body: dict[str, Any]) -> Person:
    return Person(
        id=ident,
        household=_str(body.get("household")),
        name=_str(body.get("name")),
        sex=_str(body.get("sex")),
        birth_year=_int(body.get("birth_year")),
        phone=_str(body.get("phone")),
        residence=_str(body.get("residence")),
        relation=_str(body.get("relation")),
        status=_str(body.get("status")),
    )


def _member(record: object) -> MemberRecord:
    data = _dict(record)
    return MemberRecord(
        briefed=data.get("briefed") is True,
        channel=_str(data.get("channel")),
        app_installed=data.get("app_installed") is True,
        call_warning=data.get("call_warning") is True,
        joined_group=data.get("joined_group") is True,
    )


def _form_ref(body: dict[str, Any]) -> tuple[str, int | None]:
    form = _dict(body.get("form"))
    return _str(form.get("id")), _int(form.get("version"))


def _visit(ident: str, entry: Entry, when: datetime) -> Visit:
    body = entry.body
    form_id, form_version = _form_ref(body)
    return Visit(
        id=ident,
        household=_str(body.get("household")),
        village=_str(body.get("village")),
        cadre=_str(body.get("cadre")),
        time=entry.time,
        instant=when,
        feed=entry.feed,
        seq=entry.seq,
        hash=entry.hash,
        form_id=form_id,
        form_version=form_version,
        answers=_dict(body.get("answers")),
        members={_str(pid): _member(rec) for pid, rec in _dict(body.get("members")).items()},
    )


def _activity(ident: str, entry: Entry, when: datetime) -> Activity:
    body = entry.body
    form_id, form_version = _form_ref(body)
    return Activity(
        id=ident,
        village=_str(body.get("village")),
        kind=_str(body.get("kind")),
        place=_str(body.get("place")),
        audience=_int(body.get("audience")) or 0,
        materials=_int(body.get("materials")) or 0,
        note=_str(body.get("note")),
        time=entry.time,
        instant=when,
        feed=entry.feed,
        seq=entry.seq,
        hash=entry.hash,
        form_id=form_id,
        form_version=form_version,
        answers=_dict(body.get("answers")),
    )


def _callback(ident: str, entry: Entry, when: datetime) -> Callback:
    body = entry.body
    return Callback(
        id=ident,
        household=_str(body.get("household")),
        village=_str(body.get("village")),
        result=_str(body.get("result")),
        note=_str(body.get("note")),
        time=entry.time,
        instant=when,
        feed=entry.feed,
        seq=entry.seq,
        hash=entry.hash,
    )


def _dossier(
    ident: str, versions: list[Entry], heads: list[Entry], winner: Entry, order: dict[str, OrderKey]
) -> DossierIndex:
    history = sorted(versions, key=lambda e: order[e.hash])
    return DossierIndex(
        id=ident,
        village=_str(winner.body.get("village")),
        version=_int(winner.body.get("version")) or 0,
        head=winner.hash,
        heads=tuple(sorted(e.hash for e in heads)),
        created=history[0].time,
        updated=winner.time,
        feeds=tuple(sorted({e.feed for e in versions})),
        history=tuple(e.hash for e in history),
        ciphertext=_str(winner.body.get("ciphertext")),
    )


def _devices(
    enrolls: dict[str, list[Entry]], revokes: dict[str, list[Entry]], order: dict[str, OrderKey]
) -> dict[str, Device]:
    devices: dict[str, Device] = {}
    for device_id in enrolls.keys() | revokes.keys():
        enrol = max(enrolls.get(device_id, []), key=lambda e: order[e.hash], default=None)
        revoke = min(revokes.get(device_id, []), key=lambda e: order[e.hash], default=None)
        body = enrol.body if enrol is not None else {}
        devices[device_id] = Device(
            id=device_id,
            name=_str(body.get("name")),
            village=_str(body.get("village")),
            signing_public=_str(body.get("signing_public")),
            recipient=_str(body.get("recipient")),
            enrolled=enrol is not None,
            enrolled_time=enrol.time if enrol is not None else "",
            revoked=revoke is not None,
            revoke_reason=_str(revoke.body.get("reason")) if revoke is not None else "",
            revoked_time=revoke.time if revoke is not None else "",
        )
    return devices


def _forms(publishes: list[Entry], order: dict[str, OrderKey], ignored: list[str]) -> dict[str, Form]:
    # The same (form, version) published twice with different text: the latest publication counts.
    chosen: dict[tuple[str, int], Entry] = {}
    for entry in publishes:
        version = _int(entry.body.get("version"))
        if version is None:
            ignored.append(entry.hash)
            continue
        key = (entry.entity.partition(":")[2], version)
        if key not in chosen or order[entry.hash] > order[chosen[key].hash]:
            chosen[key] = entry
    versions: dict[str, dict[int, FormVersion]] = {}
    for (form_id, version), entry in sorted(chosen.items()):
        versions.setdefault(form_id, {})[version] = FormVersion(
            id=form_id, version=version, yaml=_str(entry.body.get("yaml")), hash=entry.hash
        )
    forms: dict[str, Form] = {}
    for form_id, by_version in versions.items():
        latest = by_version[max(by_version)]
        forms[form_id] = Form(id=form_id, version=latest.version, yaml=latest.yaml, versions=by_version)
    return forms
