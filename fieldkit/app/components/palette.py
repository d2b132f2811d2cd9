"""Command palette (Ctrl+P): jump to a household by name, pinyin, initials, house number or phone."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from fieldkit.app.components.common import mark
from fieldkit.i18n import t

MAX_HITS = 20


class HouseholdCommands(Provider):
    def _label(self, household: str, person_name: str = "") -> str | None:
        snapshot = getattr(self.app, "snapshot", None)
        row = snapshot.rows.get(household) if snapshot else None
        if row is None:
            return None
        head = person_name or row.head
        return f"{mark(row.status)}  " + t("app.palette.household", number=row.number, head=head, address=row.address)

    async def search(self, query: str) -> Hits:
        app: Any = self.app
        snapshot = app.snapshot
        if snapshot is None or not query.strip():
            return
        seen: set[str] = set()
        for hit in snapshot.index.search(query):
            if hit.household in seen:
                continue
            seen.add(hit.household)
            person = snapshot.state.persons.get(hit.person) if hit.person else None
            text = self._label(hit.household, person.name if person else "")
            if text is None:
                continue
            yield Hit(1.0 - hit.rank / 10 - len(seen) / 1000, text, partial(app.open_household, hit.household), text=text)
            if len(seen) >= MAX_HITS:
                break

    async def discover(self) -> Hits:
        app: Any = self.app
        snapshot = app.snapshot
        if snapshot is None:
            return
        for household in snapshot.order[:MAX_HITS]:
            text = self._label(household)
            if text is not None:
                yield DiscoveryHit(text, partial(app.open_household, household), text=text, help=t("app.palette.help"))
