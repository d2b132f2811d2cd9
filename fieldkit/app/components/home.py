"""Home: the village at a glance — group progress, app install rate vs 60%, key groups, what is left."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from fieldkit.app import messages as msg
from fieldkit.app.components.common import DataScreen, bar, group_label, percent
from fieldkit.core.coverage import APP_TARGET_PERCENT, Tally
from fieldkit.i18n import t

if TYPE_CHECKING:
    from fieldkit.app.data import Snapshot


def village_tally(snapshot: "Snapshot") -> Tally:
    return snapshot.report.villages.get(snapshot.village_code) or snapshot.report.total


class HomeScreen(DataScreen):
    BINDINGS = [
        Binding("enter", "open_group", "app.roster.open", show=False),
        Binding("f9", "app.switch_language", "app.nav.language"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with VerticalScroll(id="home"):
            yield Static(t("app.loading"), id="home-summary")
            yield Static("", id="home-app")
            yield DataTable(id="home-groups", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="home-people", cursor_type="none")
            yield Static("", id="home-left")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        groups = self.query_one("#home-groups", DataTable)
        groups.add_column(t("app.home.col.group"), key="group")
        groups.add_column(t("app.home.col.progress"), key="progress")
        for key in ("covered", "partial", "not_visited"):
            groups.add_column(t(f"app.home.col.{key}"), key=key)
        groups.add_column(t("app.home.col.app"), key="app")
        people = self.query_one("#home-people", DataTable)
        people.add_column(t("app.home.col.people"), key="who")
        people.add_column(t("app.home.col.total"), key="total")
        people.add_column(t("app.home.col.briefed"), key="briefed")
        people.add_column(t("app.home.col.app"), key="app")
        groups.focus()  # DataScreen.on_mount (called after this one) draws the snapshot

    def draw(self, snapshot: "Snapshot") -> None:
        tally = village_tally(snapshot)
        summary = t(
            "app.home.households",
            total=tally.households,
            covered=tally.covered,
            partial=tally.partial,
            not_visited=tally.not_visited,
            empty=tally.empty,
            moved_out=tally.moved_out,
        )
        self.query_one("#home-summary", Static).update(summary + "\n" + t("app.home.today", count=tally.visits_today))
        target = t("coverage.meets_target" if tally.meets_target else "coverage.below_target", target=APP_TARGET_PERCENT)
        app_line = self.query_one("#home-app", Static)
        app_line.update(
            t("app.home.app_rate", rate=percent(tally.app_installed, tally.residents), installed=tally.app_installed, total=tally.residents)
            + "  " + target
        )
        app_line.set_class(tally.meets_target, "good")
        app_line.set_class(not tally.meets_target, "warn")

        groups = self.query_one("#home-groups", DataTable)
        cursor = groups.cursor_row
        groups.clear()
        for (village, group), g in snapshot.report.groups.items():
            if village != snapshot.village_code and snapshot.village_code:
                continue
            workload = g.covered + g.partial + g.not_visited
            groups.add_row(
                group_label(group),
                f"{bar(g.covered, g.partial, workload)} {g.covered}/{workload}",
                str(g.covered),
                str(g.partial),
                str(g.not_visited),
                percent(g.app_installed, g.residents),
                key=group,
            )
        if groups.row_count:
            groups.move_cursor(row=min(cursor, groups.row_count - 1))

        people = self.query_one("#home-people", DataTable)
        people.clear()
        for label, part in (
            ("app.home.elderly", tally.elderly),
            ("app.home.students", tally.students),
            ("app.home.migrants", tally.migrants),
            ("app.home.all_people", tally.persons),
        ):
            people.add_row(t(label), str(part.total), f"{part.briefed} ({percent(part.briefed, part.total)})", percent(part.app_installed, part.total))

        left = self.query_one("#home-left", Static)
        if tally.to_do == 0 and tally.households:
            left.update(t("app.home.all_done"))
        else:
            left.update(
                t(
                    "app.home.left",
                    to_do=tally.to_do,
                    partial=tally.partial,
                    not_visited=tally.not_visited,
                    persons=tally.persons.total - tally.persons.briefed,
                )
            )

    @on(DataTable.RowSelected, "#home-groups")
    def _group_chosen(self, event: DataTable.RowSelected) -> None:
        self.post_message(msg.ShowRoster(group=str(event.row_key.value)))

    def action_open_group(self) -> None:
        groups = self.query_one("#home-groups", DataTable)
        if groups.row_count:
            row = groups.coordinate_to_cell_key(groups.cursor_coordinate).row_key
            self.post_message(msg.ShowRoster(group=str(row.value)))
