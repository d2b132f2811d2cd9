"""One household: address, members (status, age group), visit history; record a visit; roster edits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from fieldkit.app import messages as msg
from fieldkit.app.components.common import DataScreen, age_group, group_label, mark, residence_label
from fieldkit.core.canonical import parse_time
from fieldkit.core.model import REGISTERED_ONLY
from fieldkit.i18n import t

if TYPE_CHECKING:
    from fieldkit.app.data import Snapshot


class HouseholdScreen(DataScreen):
    BINDINGS = [
        Binding("escape", "back", "app.nav.back"),
        Binding("v", "visit", "app.household.visit"),
        Binding("a", "add_member", "app.household.add_member"),
        Binding("d", "remove_member", "app.household.remove_member"),
        Binding("p", "phone", "app.household.phone"),
    ]

    def __init__(self, household: str) -> None:
        super().__init__()
        self.household = household
        self.saved_note = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with VerticalScroll(id="household"):
            yield Static("", id="hh-title", classes="title")
            yield Static("", id="hh-address")
            yield Static("", id="hh-saved")
            yield DataTable(id="members", cursor_type="row", zebra_stripes=True)
            yield Static("", id="hh-visits-title", classes="subtitle")
            yield Static("", id="hh-visits")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        table = self.query_one("#members", DataTable)
        for key in ("name", "relation", "age", "residence", "phone", "briefed", "app"):
            table.add_column(t(f"app.household.col.{key}"), key=key)
        table.focus()

    def draw(self, snapshot: "Snapshot") -> None:
        state = snapshot.state
        household = state.households.get(self.household)
        title = self.query_one("#hh-title", Static)
        if household is None:
            title.update(t("app.household.not_found", household=self.household))
            return
        status = snapshot.report.statuses.get(self.household, "")
        title.update(
            f"{group_label(household.group)} {household.number}  "
            + t("app.household.status", status=mark(status))
        )
        title.set_classes(f"title status-{status}")
        self.query_one("#hh-address", Static).update(t("app.household.address", address=household.address))
        self.query_one("#hh-saved", Static).update(self.saved_note)
        self.query_one("#hh-saved").set_class(not self.saved_note, "empty")

        table = self.query_one("#members", DataTable)
        cursor = table.cursor_row
        table.clear()
        flags = snapshot.report.persons
        for person in state.members_of(self.household):
            flag = flags.get(person.id)
            if person.residence == REGISTERED_ONLY:
                briefed = "-"
            elif flag is not None and flag.briefed:
                briefed = t("app.briefed.yes")
            elif flag is not None and flag.briefed_any:
                briefed = t("app.briefed.other_channel")  # a resident reached only remotely
            else:
                briefed = t("app.briefed.no")
            app_mark = t("app.briefed.yes") if flag is not None and flag.app_installed else ""
            table.add_row(
                person.name,
                person.relation,
                age_group(person, snapshot.today),
                residence_label(person.residence),
                person.phone,
                briefed,
                app_mark,
                key=person.id,
            )
        if table.row_count:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))

        visits = state.visits_of(self.household)
        self.query_one("#hh-visits-title", Static).update(t("app.household.visits", count=len(visits)))
        lines = []
        for visit in reversed(visits):
            when = parse_time(visit.time).strftime("%Y-%m-%d %H:%M")
            briefed = sum(1 for pid in visit.members if (record := visit.member(pid)) is not None and record.briefed)
            lines.append(t("app.household.visit_line", time=when, cadre=visit.cadre, briefed=briefed, total=len(visit.members)))
        self.query_one("#hh-visits", Static).update("\n".join(lines) if lines else t("app.household.no_visits"))

    def selected_person(self) -> str | None:
        table = self.query_one("#members", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(msg.Saved)
    def _saved(self, message: msg.Saved) -> None:
        """A visit or edit of this household is durable: say so (and let the app reload)."""
        if message.household == self.household:
            self.saved_note = t("app.household.saved", time=self.fk.clock().strftime("%H:%M:%S"))
            self.query_one("#hh-saved", Static).update(self.saved_note)
            self.query_one("#hh-saved").set_class(False, "empty")
        self.query_one("#hh-saved").set_class(not self.saved_note, "empty")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_visit(self) -> None:
        from fieldkit.app.components.visit_form import VisitFormScreen

        self.app.push_screen(VisitFormScreen(self.household), self._form_closed)

    def _form_closed(self, result: object) -> None:
        if isinstance(result, msg.Saved):
            self._saved(result)

    def action_add_member(self) -> None:
        from fieldkit.app.components.roster_edit import AddMemberScreen

        self.app.push_screen(AddMemberScreen(self.household), self._form_closed)

    def action_remove_member(self) -> None:
        from fieldkit.app.components.roster_edit import RemoveMemberScreen

        person = self.selected_person()
        if person is None:
            self.notify(t("app.edit.pick_member"))
            return
        self.app.push_screen(RemoveMemberScreen(person), self._form_closed)

    def action_phone(self) -> None:
        from fieldkit.app.components.roster_edit import PhoneScreen

        person = self.selected_person()
        if person is None:
            self.notify(t("app.edit.pick_member"))
            return
        self.app.push_screen(PhoneScreen(person), self._form_closed)
