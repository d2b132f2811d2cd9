"""Concurrent edits at the township: list them with every value and who made it; resolve one.

The fold (``fieldkit.core.fold``) already keeps every head of an entity edited from the same base on
several devices and picks a deterministic winner (latest UTC time, then feed id, then seq). Here the
township reviews them: ``list_conflicts`` describes each value (device name, time, the fields that
differ), ``resolve`` records the chosen value as an ordinary ``*.set`` (or ``dossier``) event whose
base is every head, in the township's feed for that village, so it travels to the laptops with the
next refresh kits and clears the conflict everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import Entry
from fieldkit.core.model import Conflict, State
from fieldkit.core.workspace import Workspace
from sync.township import require_township

TYPE_OF_PREFIX = {"twp": "township.init", "vil": "village.set", "hh": "household.set", "p": "person.set", "dos": "dossier"}


@dataclass(frozen=True)
class ValueView:
    ref: str  # FEED:SEQ, what --pick takes
    device: str  # the device's name (or the feed id when unknown)
    time: str
    changes: dict[str, Any]  # the fields in which this value differs from the others
    winner: bool


@dataclass(frozen=True)
class ConflictView:
    entity: str
    values: tuple[ValueView, ...]


def _who(state: State, feed: str) -> str:
    device = state.devices.get(feed)
    if device is not None and device.name:
        return device.name
    return feed


def describe(state: State, conflict: Conflict) -> ConflictView:
    bodies = [v.body for v in conflict.values]
    keys = sorted({k for body in bodies for k in body})
    differing = [k for k in keys if len({repr(body.get(k)) for body in bodies}) > 1]
    values = tuple(
        ValueView(
            ref=f"{v.feed}:{v.seq}",
            device=_who(state, v.feed),
            time=v.time,
            changes={k: v.body.get(k) for k in differing if k != "ciphertext"},
            winner=v.hash == conflict.winner,
        )
        for v in conflict.values
    )
    return ConflictView(conflict.entity, values)


def list_conflicts(state: State) -> list[ConflictView]:
    return [describe(state, c) for c in state.conflicts]


def resolution_feed(code: str, entity: str, body: dict[str, Any]) -> str:
    """Where the township records a resolution: the village feed the entity belongs to."""
    kind, _, ident = entity.partition(":")
    village = ""
    if kind in ("hh", "p"):
        village = ident[:12]
    elif kind == "vil":
        village = ident
    elif kind == "dos" and isinstance(body.get("village"), str):
        village = body["village"]
    if len(village) == 12 and village.isdigit() and village.startswith(code):
        return f"t-{code}-{village}"
    return f"t-{code}"


def resolve(ws: Workspace, entity: str, pick: str) -> Entry:
    """Record the value ``pick`` (``FEED:SEQ`` of one of the heads) as the resolution of ``entity``."""
    code = require_township(ws)
    state = ws.state()
    conflict = state.conflict_of(entity)
    if conflict is None:
        raise FieldkitError("sync.no_conflict", entity=entity[:60])
    chosen = next((v for v in conflict.values if f"{v.feed}:{v.seq}" == pick.strip()), None)
    if chosen is None:
        raise FieldkitError("sync.bad_pick", pick=pick[:60], entity=entity[:60])
    type_ = TYPE_OF_PREFIX[entity.partition(":")[0]]
    base = list(state.heads_of(entity))
    return ws.record(type_, entity, base, dict(chosen.body), feed=resolution_feed(code, entity, chosen.body))
