"""Roster: groups on the left, households on the right with a status mark; filter; search as you type.

Typing anywhere goes to the search box (name, pinyin, initials ``zsf``, house number, phone). The
household list is virtual (only visible lines are drawn), so each keystroke costs the search plus a
screenful of text, whatever the size of the village.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from rich.style import Style
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from fieldkit.app import messages as msg
from fieldkit.app.components.common import DataScreen, FieldInput, group_label, mark, short_group
from fieldkit.app.components.form_fields import ChoiceCycle
from fieldkit.app.components.household_list import HouseholdList, ListHeader
from fieldkit.core.coverage import COVERED, NOT_VISITED, PARTIAL
from fieldkit.i18n import t

if TYPE_CHECKING:
    from fieldkit.app.data import Snapshot

ALL = "all"
COLUMNS = ("status", "group", "number", "head", "members", "address")
WIDTHS = (9, 3, 7, 10, 4)  # terminal cells; the address takes the rest
STATUS_STYLES = {COVERED: Style(color="green"), PARTIAL: Style(color="yellow"), NOT_VISITED: Style(color="red")}
TO_DO = "to_do"
FILTERS: dict[str, frozenset[str] | None] = {
    ALL: None,
    TO_DO: frozenset({NOT_VISITED, PARTIAL}),
    NOT_VISITED: frozenset({NOT_VISITED}),
    PARTIAL: frozenset({PARTIAL}),
    COVERED: frozenset({COVERED}),
}


def filter_households(
    snapshot: "Snapshot", query: str, group: str | None, status_filter: str
) -> tuple[list[str], dict[str, str | None]]:
    """Household ids to list (best match first when searching) and, per household, the matched
    person's id (None when the household matched by number or address)."""
    allowed = FILTERS[status_filter]
    rows = snapshot.rows
    if query.strip():
        matched: dict[str, str | None] = {}
        for household, person, _ in snapshot.index.search(query):
            if household not in matched:
                matched[household] = person
        order: list[str] = list(matched)
        if allowed is None:
            return [h for h in order if h in rows], matched
    else:
        matched = {}
        order = snapshot.households_in(group)
        if allowed is None:
            return order, matched
    return [h for h in order if h in rows and rows[h].status in allowed], matched


class FilterChoice(ChoiceCycle):
    """The status filter: always one of the filters (no blank), cycled by F5, a click or Space."""

    def action_step(self, delta: int) -> None:
        values = [value for _, value in self.options]
        index = values.index(self.value) if self.value in values else 0
        self.value = values[(index + delta) % len(values)]

    def action_clear(self) -> None:
        self.value = ALL


class RosterScreen(DataScreen):
    BINDINGS = [
        Binding("enter", "open", "app.roster.open"),
        Binding("f5", "cycle_filter", "app.roster.cycle_filter"),
        Binding("ctrl+n", "new_household", "app.roster.new"),
        Binding("escape", "clear_search", show=False),
        Binding("down", "to_table", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group: str | None = None
        self.status_filter = ALL
        self.last_search_seconds = 0.0

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with Horizontal(id="roster-top"):
            yield FieldInput(placeholder=t("app.roster.search"), id="search", compact=True)
            yield FilterChoice([(t(f"app.roster.filter.{key}"), key) for key in FILTERS], ALL, id="filter")
        with Horizontal(id="roster-body"):
            yield OptionList(id="groups", compact=True)
            with Vertical(id="roster-list"):
                yield ListHeader([t(f"app.roster.col.{key}") for key in COLUMNS], WIDTHS)
                households = HouseholdList(WIDTHS, self.cells, id="households")
                households.styles_for = self.status_style
                yield households
        yield Static("", id="roster-status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self._matched: dict[str, str | None] = {}
        self.query_one("#search", Input).focus()

    def cells(self, household: str) -> tuple[str, ...]:
        snapshot = self.fk.snapshot
        row = snapshot.rows.get(household) if snapshot else None
        if row is None:
            return ("",)
        person = snapshot.state.persons.get(self._matched.get(household) or "")
        head = person.name if person is not None else row.head
        return (mark(row.status), short_group(row.group), row.number, head, str(row.members), row.address)

    def status_style(self, household: str) -> Style | None:
        snapshot = self.fk.snapshot
        row = snapshot.rows.get(household) if snapshot else None
        return STATUS_STYLES.get(row.status) if row else None

    # -- drawing -------------------------------------------------------------------------------
    def draw(self, snapshot: "Snapshot") -> None:
        self._draw_groups(snapshot)
        self.refresh_table()

    def _draw_groups(self, snapshot: "Snapshot") -> None:
        groups = self.query_one("#groups", OptionList)
        highlighted = groups.highlighted
        groups.clear_options()
        total = snapshot.report.villages.get(snapshot.village_code) or snapshot.report.total
        options = [Option(f"{t('app.group.all')} {total.covered}/{total.covered + total.to_do}", id="*")]
        for (village, group), tally in snapshot.report.groups.items():
            if snapshot.village_code and village != snapshot.village_code:
                continue
            options.append(Option(f"{group_label(group)} {tally.covered}/{tally.covered + tally.to_do}", id=group))
        groups.add_options(options)
        groups.highlighted = highlighted if highlighted is not None and highlighted < len(options) else 0

    def refresh_table(self) -> None:
        snapshot = self.fk.snapshot
        if snapshot is None:
            return
        query = self.query_one("#search", Input).value
        households, matched = filter_households(snapshot, query, self.group, self.status_filter)
        self._matched = matched
        self._shown = households
        self.query_one("#households", HouseholdList).set_rows(households)
        status = self.query_one("#roster-status", Static)
        # one fixed line: no layout pass needed, which keeps each keystroke cheap
        status.update(t("app.roster.count", shown=len(households)) if households else t("app.roster.none"), layout=False)

    def selected_household(self) -> str | None:
        return self.query_one("#households", HouseholdList).current

    # -- events ----------------------------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        start = time.perf_counter()
        self.refresh_table()
        self.last_search_seconds = time.perf_counter() - start  # read by bench/bench_app.py

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.action_open()

    @on(ChoiceCycle.Changed, "#filter")
    def _filter_changed(self, event: ChoiceCycle.Changed) -> None:
        value = event.cycle.value or ALL
        if value != self.status_filter:
            self.status_filter = value
            self.refresh_table()

    @on(OptionList.OptionHighlighted, "#groups")
    def _group_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        group = event.option.id if event.option.id != "*" else None
        if group != self.group:
            self.group = group
            self.refresh_table()

    @on(HouseholdList.Selected, "#households")
    def _row_selected(self, event: HouseholdList.Selected) -> None:
        self.post_message(msg.OpenHousehold(event.household))

    def on_key(self, event: events.Key) -> None:
        """Typing a letter or digit anywhere on the roster searches."""
        search = self.query_one("#search", Input)
        if self.focused is search or not event.is_printable or not event.character:
            return
        search.focus()
        search.insert_text_at_cursor(event.character)
        event.stop()
        event.prevent_default()

    # -- actions ---------------------------------------------------------------------------------
    def action_open(self) -> None:
        household = self.selected_household()
        if household is not None:
            self.post_message(msg.OpenHousehold(household))

    def action_cycle_filter(self) -> None:
        keys = list(FILTERS)
        self.query_one("#filter", ChoiceCycle).value = keys[(keys.index(self.status_filter) + 1) % len(keys)]

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.focus()

    def action_to_table(self) -> None:
        table = self.query_one("#households", HouseholdList)
        if self.focused is self.query_one("#search", Input) and table.row_count:
            table.focus()

    def action_new_household(self) -> None:
        from fieldkit.app.components.roster_edit import NewHouseholdScreen

        self.app.push_screen(NewHouseholdScreen())

    def narrow(self, group: str | None, status: str | None) -> None:
        """Show one group (from the home screen) and optionally one status."""
        self.query_one("#search", Input).value = ""
        groups = self.query_one("#groups", OptionList)
        for index in range(groups.option_count):
            if groups.get_option_at_index(index).id == (group or "*"):
                groups.highlighted = index
        self.group = group
        if status is not None and status in FILTERS:
            self.status_filter = status
            self.query_one("#filter", ChoiceCycle).value = status
        self.refresh_table()
        self.query_one("#households", HouseholdList).focus()
