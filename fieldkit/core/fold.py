"""The state is a deterministic fold over the union of feeds. Pure: entries in, ``State`` out.

``fold`` drops duplicate hashes, makes every choice (winner, first fact, latest form) by an order key
and sorts every output, so the result depends only on the SET of entries: any order, any grouping,
repeated entries are harmless (no global sort by (feed, seq) is needed for that, and it would cost a
sixth of the time). The laptop, the township and the county all call this same function, so they
cannot disagree about a number.

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

Times are ISO 8601 with offsets (``parse_entry`` guarantees it) and compared as UTC instants. Equal
(instant, feed, seq) can only happen in a fork (two entries at one seq); the hash breaks that tie.

Bodies are read defensively (a missing or mistyped field becomes "" / None / {}), never trusted to
crash the fold. Speed matters here: opening a store of 20,000 events has a budget of one second
including the key unlock, so the hot constructors (``_person``, ``_visit``) are written for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from fieldkit.core.canonical import parse_time
from fieldkit.core.gcpause import paused_gc
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

OrderKey = tuple[datetime, str, int, str]  # (UTC instant, feed, seq, hash)


def order_key(entry: Entry) -> OrderKey:
    """Instants are converted to UTC: aware datetimes with distinct tzinfo objects compare about 25
    times slower, which is what sorting 10,000 visits would spend its time on."""
    return (parse_time(entry.time).astimezone(timezone.utc), entry.feed, entry.seq, entry.hash)


class _OrderKeys(dict):  # type: ignore[type-arg]
    """entry hash -> order key, computed on first use: most entities have one version and never need it."""

    def of(self, entry: Entry) -> OrderKey:
        key = self.get(entry.hash)
        if key is None:
            key = self[entry.hash] = order_key(entry)
        return key


def fold(entries: Iterable[Entry]) -> State:
    """The state of the union of ``entries`` (any order, duplicates harmless)."""
    with paused_gc():
        return _fold(entries)


def _fold(entries: Iterable[Entry]) -> State:
    # No global sort is needed: every choice below (winner, first fact, latest form) is made by an
    # order key and every output is sorted, so the input order never shows through.
    # Entities almost always have one entry: keep the first in a dict, extra ones in lists.
    seen: set[str] = set()
    edits: dict[str, Entry] = {}  # entity -> first version seen
    more_edits: dict[str, list[Entry]] = {}  # entity -> all versions, when there are several
    facts: dict[str, Entry] = {}
    more_facts: dict[str, list[Entry]] = {}
    enrolls: dict[str, list[Entry]] = {}
    revokes: dict[str, list[Entry]] = {}
    publishes: list[Entry] = []
    ignored: list[str] = []

    for entry in entries:
        digest = entry.hash
        if digest in seen:
            continue
        seen.add(digest)
        entity = entry.entity
        kind, _, ident = entity.partition(":")
        type_ = entry.type
        if ENTITY_PREFIX.get(type_) != kind or not ident or entry.body.__class__ is not dict:
            ignored.append(digest)
        elif type_ in EDIT_PREFIX:
            if entity not in edits:
                edits[entity] = entry
            else:
                _collect_more(edits, more_edits, entity, entry)
        elif type_ in FACT_PREFIX:
            if entity not in facts:
                facts[entity] = entry
            else:
                _collect_more(facts, more_facts, entity, entry)
        elif type_ == "device.enroll":
            enrolls.setdefault(ident, []).append(entry)
        elif type_ == "device.revoke":
            revokes.setdefault(ident, []).append(entry)
        else:
            publishes.append(entry)

    order = _OrderKeys()
    townships: dict[str, Township] = {}
    villages: dict[str, Village] = {}
    households: dict[str, Household] = {}
    persons: dict[str, Person] = {}
    dossiers: dict[str, DossierIndex] = {}
    conflicts: list[Conflict] = []
    heads_by_entity: dict[str, tuple[str, ...]] = {}

    for entity, winner in edits.items():
        versions = more_edits.get(entity)
        heads = [winner]
        if versions is not None:
            heads = _heads(versions)
            winner = max(heads, key=order.of)
        if len(heads) == 1:
            heads_by_entity[entity] = (winner.hash,)
        else:
            heads_by_entity[entity] = tuple(sorted(e.hash for e in heads))
            values = sorted(heads, key=order.of)
            conflicts.append(
                Conflict(
                    entity=entity,
                    winner=winner.hash,
                    values=tuple(ConflictValue(e.feed, e.seq, e.time, e.hash, e.body) for e in values),
                )
            )
        ident = entity.partition(":")[2]
        type_ = winner.type
        if type_ == "person.set":
            persons[ident] = _person(ident, winner.body)
        elif type_ == "household.set":
            households[ident] = _household(ident, winner.body)
        elif type_ == "village.set":
            villages[ident] = Village(code=ident, name=_text(winner.body, "name"))
        elif type_ == "dossier":
            dossiers[ident] = _dossier(ident, versions or [winner], heads, winner, order)
        else:
            townships[ident] = _township(ident, winner.body)

    visits: list[tuple[OrderKey, Visit]] = []
    activities: list[tuple[OrderKey, Activity]] = []
    callbacks: list[tuple[OrderKey, Callback]] = []
    utc = timezone.utc
    for entity, entry in facts.items():
        recorded = more_facts.get(entity)
        if recorded is not None:
            recorded.sort(key=order.of)
            entry = recorded[0]
            ignored.extend(e.hash for e in recorded[1:])
        moment = parse_time(entry.time)
        key = (moment.astimezone(utc), entry.feed, entry.seq, entry.hash)
        ident = entity.partition(":")[2]
        type_ = entry.type
        if type_ == "visit":
            visits.append((key, _visit(ident, entry, moment)))
        elif type_ == "activity":
            activities.append((key, _activity(ident, entry, moment)))
        else:
            callbacks.append((key, _callback(ident, entry, moment)))
    for facts_by_time in (visits, activities, callbacks):
        facts_by_time.sort(key=_first)

    return State(
        townships=_sorted_dict(townships),
        villages=_sorted_dict(villages),
        households=_sorted_dict(households),
        persons=_sorted_dict(persons),
        visits=tuple(visit for _, visit in visits),
        activities=tuple(activity for _, activity in activities),
        dossiers=_sorted_dict(dossiers),
        callbacks={callback.id: callback for _, callback in callbacks},
        devices=_sorted_dict(_devices(enrolls, revokes, order)),
        forms=_sorted_dict(_forms(publishes, order, ignored)),
        conflicts=tuple(sorted(conflicts, key=lambda c: c.entity)),
        heads=heads_by_entity,  # a lookup table: its order carries nothing
        ignored=tuple(sorted(ignored)),
        entry_count=len(seen),
    )


_first = itemgetter(0)


def _collect_more(first: dict[str, Entry], more: dict[str, list[Entry]], entity: str, entry: Entry) -> None:
    if entity in more:
        more[entity].append(entry)
    else:
        more[entity] = [first[entity], entry]


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
    return {key: items[key] for key in sorted(items)}


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


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return value if value.__class__ is str else _str(value)


def _household(ident: str, body: dict[str, Any]) -> Household:
    get = body.get
    village, group, number, address, status = get("village"), get("group"), get("number"), get("address"), get("status")
    if (
        village.__class__ is str and group.__class__ is str and number.__class__ is str
        and address.__class__ is str and status.__class__ is str
    ):
        return Household(ident, village, group, number, address, status)
    return Household(ident, _str(village), _str(group), _str(number), _str(address), _str(status))


def _person(ident: str, body: dict[str, Any]) -> Person:
    get = body.get
    household, name, sex, phone = get("household"), get("name"), get("sex"), get("phone")
    residence, relation, status, birth_year = get("residence"), get("relation"), get("status"), get("birth_year")
    if not (
        household.__class__ is str and name.__class__ is str and sex.__class__ is str and phone.__class__ is str
        and residence.__class__ is str and relation.__class__ is str and status.__class__ is str
    ):
        household, name, sex, phone = _str(household), _str(name), _str(sex), _str(phone)
        residence, relation, status = _str(residence), _str(relation), _str(status)
    if birth_year.__class__ is not int:
        birth_year = _int(birth_year)
    return Person(ident, household, name, sex, birth_year, phone, residence, relation, status)


def _form_ref(body: dict[str, Any]) -> tuple[str, int | None]:
    form = _dict(body.get("form"))
    version = form.get("version")
    return _text(form, "id"), version if version.__class__ is int else _int(version)


def _visit(ident: str, entry: Entry, when: datetime) -> Visit:
    # The hottest constructor (a master holds tens of thousands of visits): well-formed bodies take
    # the straight path, anything else goes through the careful helpers.
    body = entry.body
    get = body.get
    household, village, cadre, form, answers = get("household"), get("village"), get("cadre"), get("form"), get("answers")
    if household.__class__ is not str or village.__class__ is not str or cadre.__class__ is not str:
        household, village, cadre = _str(household), _str(village), _str(cadre)
    form_id = form_version = None
    if form.__class__ is dict:
        form_id, form_version = form.get("id"), form.get("version")
    if form_id.__class__ is not str or form_version.__class__ is not int:
        form_id, form_version = _form_ref(body)
    return Visit(
        ident,
        household,
        village,
        cadre,
        entry.time,
        when,
        entry.feed,
        entry.seq,
        entry.hash,
        form_id,
        form_version,
        answers if answers.__class__ is dict else {},
        members if (members := get("members")).__class__ is dict else {},
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
    ident: str, versions: list[Entry], heads: list[Entry], winner: Entry, order: _OrderKeys
) -> DossierIndex:
    history = sorted(versions, key=order.of)
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
    enrolls: dict[str, list[Entry]], revokes: dict[str, list[Entry]], order: _OrderKeys
) -> dict[str, Device]:
    devices: dict[str, Device] = {}
    for device_id in enrolls.keys() | revokes.keys():
        enrol = max(enrolls.get(device_id, []), key=order.of, default=None)
        revoke = min(revokes.get(device_id, []), key=order.of, default=None)
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


def _forms(publishes: list[Entry], order: _OrderKeys, ignored: list[str]) -> dict[str, Form]:
    # The same (form, version) published twice with different text: the latest publication counts.
    chosen: dict[tuple[str, int], Entry] = {}
    for entry in publishes:
        version = _int(entry.body.get("version"))
        if version is None:
            ignored.append(entry.hash)
            continue
        key = (entry.entity.partition(":")[2], version)
        if key not in chosen or order.of(entry) > order.of(chosen[key]):
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
