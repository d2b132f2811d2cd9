"""The app's data layer: an unlocked workspace plus the read-only snapshot the screens draw from.

No Textual here. Workers call ``FieldData`` methods in threads (one at a time, under a lock); the
UI thread only reads ``Snapshot`` objects, which are immutable, so nothing is shared mid-change.
Recording an event returns only once the workspace has made it durable.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fieldkit.core.coverage import Report, report as coverage_report
from fieldkit.core.errors import FieldkitError
from fieldkit.core.gcpause import paused_gc
from fieldkit.core.model import PERSON_ACTIVE, REGISTERED_ONLY, Person, State
from fieldkit.core.search import SearchIndex, SearchItem
from fieldkit.i18n import t
from surveys.loader import default_forms, load_form_text
from surveys.model import Form
from surveys.problems import FormError

VISIT_FORM = "household_visit"
ACTIVITY_FORM = "village_activity"
PERSON_FIELDS = ("household", "name", "sex", "birth_year", "phone", "residence", "relation", "status")
HOUSEHOLD_FIELDS = ("village", "group", "number", "address", "status")


def error_text(exc: BaseException) -> str:
    """One line for the user; never a traceback, never a secret."""
    if isinstance(exc, FieldkitError):
        return str(exc)
    return t("error.unexpected", kind=type(exc).__name__)


def group_sort_key(group: str) -> tuple[int, str]:
    return (int(group), group) if group.isdigit() else (10**9, group)


@dataclass(frozen=True)
class HouseholdRow:
    id: str
    village: str
    group: str
    number: str
    address: str
    head: str
    members: int
    status: str
    phone: str


class LazyIndex:
    """The search index for a state, built on first use or by a background worker, once.

    Building it for thousands of persons takes a noticeable fraction of a second on an old laptop,
    so the roster is shown first and the index is warmed right after.
    """

    def __init__(self, state: State, previous: "LazyIndex | None" = None) -> None:
        self._state = state
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        if previous is not None and previous.ready:
            self._index = previous._index

    @property
    def ready(self) -> bool:
        return self._index is not None

    def get(self) -> SearchIndex:
        with self._lock:
            if self._index is None:
                self._index = SearchIndex.build(build_search_items(self._state))
            return self._index


@dataclass(frozen=True)
class Snapshot:
    """Everything the screens show, computed once per change."""

    state: State
    report: Report
    today: date
    search: LazyIndex
    rows: dict[str, HouseholdRow]
    order: tuple[str, ...]  # household ids by (group, number)
    groups: tuple[str, ...]
    village_code: str
    village_name: str
    forms: dict[str, Form] = field(default_factory=dict)
    version: int = 0

    @property
    def index(self) -> SearchIndex:
        return self.search.get()

    @property
    def visit_form(self) -> Form | None:
        return self.forms.get(VISIT_FORM)

    @property
    def activity_form(self) -> Form | None:
        return self.forms.get(ACTIVITY_FORM)

    def households_in(self, group: str | None) -> list[str]:
        return [hid for hid in self.order if group is None or self.rows[hid].group == group]


def head_of(members: tuple[Person, ...]) -> Person | None:
    for person in members:
        if person.relation in ("户主", "head"):
            return person
    return members[0] if members else None


def counted_members(state: State, household: str) -> list[Person]:
    """Members a visit asks about: active and not registered-only."""
    return [p for p in state.members_of(household) if p.residence != REGISTERED_ONLY]


def forms_from(state: State) -> dict[str, Form]:
    """The newest published version of each form in the state, else the shipped default."""
    forms = dict(default_forms())
    for form_id, published in state.forms.items():
        try:
            forms[form_id] = load_form_text(published.yaml, f"form:{form_id}")
        except FormError:
            continue  # a broken published form: keep the shipped one rather than block the cadre
    return forms


def build_search_items(state: State) -> list[SearchItem]:
    items: list[SearchItem] = []
    for hid, household in state.households.items():
        people = [p for p in state.persons_of(hid) if p.status == PERSON_ACTIVE]
        if not people:
            items.append(SearchItem(hid, None, "", household.number, "", household.address))
        for person in people:
            items.append(SearchItem(hid, person.id, person.name, household.number, person.phone, household.address))
    return items


class FieldData:
    """An unlocked workspace and the latest snapshot of its state."""

    def __init__(self, workspace: Any, clock: Callable[[], datetime] = datetime.now) -> None:
        self.workspace = workspace
        self.clock = clock
        self._lock = threading.Lock()
        self._version = 0
        self._search: LazyIndex | None = None
        self._forms_key: tuple[tuple[str, int], ...] | None = None
        self._forms_cache: dict[str, Form] = {}
        self.snapshot: Snapshot | None = None

    # -- identity -----------------------------------------------------------------------------
    def _info(self, key: str, default: str = "") -> str:
        info = getattr(self.workspace, "info", None)
        value = info.get(key) if isinstance(info, dict) else getattr(info, key, None)
        return str(value) if value else default

    @property
    def cadre(self) -> str:
        return self._info("device_name") or self._info("name") or self._info("device", "")

    @property
    def path(self) -> Path | None:
        path = getattr(self.workspace, "path", None)
        return Path(path) if path is not None else None

    def _forms(self, state: State) -> dict[str, Form]:
        """``forms_from(state)``, parsed again only when a new form version was published."""
        key = tuple(sorted((form_id, published.version) for form_id, published in state.forms.items()))
        if self._forms_key != key:
            self._forms_cache, self._forms_key = forms_from(state), key
        return self._forms_cache

    # -- reading ------------------------------------------------------------------------------
    def load(self, roster_changed: bool = True) -> Snapshot:
        """Fold the workspace and build a new snapshot. Thread-safe; call from a worker."""
        with self._lock, paused_gc():  # tens of thousands of rows and no cycles: see gcpause
            state: State = self.workspace.state()
            today = self.clock().date()
            rep = coverage_report(state, today)
            # a visit does not change who is on the roster: keep the built index
            self._search = LazyIndex(state, None if roster_changed else self._search)
            rows: dict[str, HouseholdRow] = {}
            for hid, household in state.households.items():
                members = state.members_of(hid)
                head = head_of(members)
                rows[hid] = HouseholdRow(
                    id=hid,
                    village=household.village,
                    group=household.group,
                    number=household.number,
                    address=household.address,
                    head=head.name if head else "",
                    members=len(members),
                    status=rep.statuses.get(hid, ""),
                    phone=head.phone if head else "",
                )
            order = tuple(sorted(rows, key=lambda h: (group_sort_key(rows[h].group), rows[h].number, h)))
            groups = tuple(sorted({r.group for r in rows.values()}, key=group_sort_key))
            village_code = self._info("village") or (next(iter(state.villages)) if state.villages else "")
            village = state.villages.get(village_code)
            self._version += 1
            self.snapshot = Snapshot(
                state=state,
                report=rep,
                today=today,
                search=self._search,
                rows=rows,
                order=order,
                groups=groups,
                village_code=village_code,
                village_name=village.name if village else village_code,
                forms=self._forms(state),
                version=self._version,
            )
            return self.snapshot

    # -- writing (each returns once the event is durable) -------------------------------------
    def _record(self, type_: str, entity: str, base: list[str], body: dict[str, Any]) -> Any:
        with self._lock:
            return self.workspace.record(type_, entity, base, body)

    def record_visit(self, household: str, answers: dict[str, Any], members: dict[str, dict[str, Any]], form: Form) -> str:
        snap = self.snapshot
        assert snap is not None
        village = snap.state.households[household].village if household in snap.state.households else snap.village_code
        entity = f"visit:{secrets.token_hex(16)}"
        body = {
            "household": household,
            "village": village,
            "cadre": self.cadre,
            "form": {"id": form.id, "version": form.version},
            "answers": answers,
            "members": members,
        }
        self._record("visit", entity, [], body)
        return entity

    def record_activity(self, answers: dict[str, Any], form: Form) -> str:
        snap = self.snapshot
        assert snap is not None
        entity = f"act:{secrets.token_hex(16)}"
        known = ("kind", "place", "audience", "materials", "note")
        body = {
            "village": snap.village_code,
            "kind": answers.get("kind") or "",
            "place": answers.get("place") or "",
            "audience": int(answers.get("audience") or 0),
            "materials": int(answers.get("materials") or 0),
            "note": answers.get("note") or "",
            "form": {"id": form.id, "version": form.version},
            "answers": {k: v for k, v in answers.items() if k not in known},
        }
        self._record("activity", entity, [], body)
        return entity

    def set_person(self, person_id: str, changes: dict[str, Any], reason: str = "") -> str:
        """Record a full ``person.set`` snapshot: the current values with ``changes`` applied."""
        snap = self.snapshot
        assert snap is not None
        current = snap.state.persons.get(person_id)
        body: dict[str, Any] = {name: getattr(current, name) for name in PERSON_FIELDS} if current else {
            "household": "", "name": "", "sex": "", "birth_year": None, "phone": "",
            "residence": "resident", "relation": "", "status": PERSON_ACTIVE,
        }
        body.update(changes)
        if reason:
            body["reason"] = reason
        entity = f"p:{person_id}"
        self._record("person.set", entity, list(snap.state.heads_of(entity)), body)
        return entity

    def add_person(self, household: str, fields: dict[str, Any], reason: str) -> str:
        person_id = f"{household}-x{secrets.token_hex(4)}"
        return self.set_person(person_id, {"household": household, "status": PERSON_ACTIVE, **fields}, reason)

    def add_household(self, group: str, number: str, address: str, head: dict[str, Any]) -> str:
        snap = self.snapshot
        assert snap is not None
        household = f"{snap.village_code}-{number}"
        body = {"village": snap.village_code, "group": group, "number": number, "address": address, "status": "resident"}
        entity = f"hh:{household}"
        self._record("household.set", entity, list(snap.state.heads_of(entity)), body)
        self.add_person(household, {"relation": "户主", **head}, "found")
        return household
