"""``fieldkit status``: coverage of any workspace (laptop, township, county) as readable tables.

The numbers come from ``fieldkit.core.coverage.report``, the same function the app and the township
report use, so the laptop and the township cannot disagree about them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldkit.cli import common
from fieldkit.i18n import t

if TYPE_CHECKING:  # imported when the command runs, to keep `fieldkit` quick to start
    from fieldkit.core.coverage import Breakdown, Report, Tally
    from fieldkit.core.model import State


def register(subparsers) -> None:
    p = subparsers.add_parser("status", help=t("status.help"), description=t("status.description"))
    common.add_dir_option(p)
    p.set_defaults(handler=cmd_status)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def households_due(tally: Tally) -> int:
    """Households that need covering: all but empty (空挂) and moved out (已迁出)."""
    return tally.households - tally.empty - tally.moved_out


def coverage_row(label: str, tally: Tally) -> list[str]:
    return [
        label,
        str(tally.households),
        str(tally.covered),
        str(tally.partial),
        str(tally.not_visited),
        str(tally.empty),
        str(tally.moved_out),
        percent(tally.covered, households_due(tally)),
        str(tally.persons.total),
        str(tally.persons.briefed),
        str(tally.persons.app_installed),
        percent(tally.persons.app_installed, tally.persons.total),
        str(tally.visits),
    ]


def coverage_table(state: State, report: Report) -> str:
    header = [
        t("status.col.unit"),
        t("status.col.households"),
        t("coverage.status.covered"),
        t("coverage.status.partial"),
        t("coverage.status.not_visited"),
        t("coverage.status.empty"),
        t("coverage.status.moved_out"),
        t("status.col.coverage_rate"),
        t("status.col.persons"),
        t("status.col.briefed"),
        t("status.col.app"),
        t("status.col.app_rate"),
        t("status.col.visits"),
    ]
    rows: list[list[str]] = []
    for code, tally in report.villages.items():
        village = state.villages.get(code)
        rows.append(coverage_row(village.name if village else code, tally))
        for (village_code, group), group_tally in report.groups.items():
            if village_code == code:
                rows.append(coverage_row("  " + (group or t("status.no_group")), group_tally))
    if len(report.villages) != 1:
        rows.append(coverage_row(t("status.total"), report.total))
    return common.table(header, rows)


def groups_table(total: Tally) -> str:
    header = [t("status.col.key_group"), t("status.col.persons"), t("status.col.briefed"), t("status.col.briefed_rate"),
              t("status.col.app"), t("status.col.app_rate")]

    def row(label: str, b: Breakdown) -> list[str]:
        return [label, str(b.total), str(b.briefed), percent(b.briefed, b.total), str(b.app_installed),
                percent(b.app_installed, b.total)]

    rows = [
        row(t("status.group.elderly"), total.elderly),
        row(t("status.group.students"), total.students),
        row(t("status.group.migrants"), total.migrants),
        row(t("status.group.all"), total.persons),
    ]
    return common.table(header, rows)


def cmd_status(args) -> int:
    from fieldkit.core.coverage import APP_TARGET_PERCENT

    ws = common.open_workspace(args)
    try:
        state = ws.state()
        report = ws.report()
        info = ws.info
        print(_title(ws.kind, info, state))
        if ws.kind == "device":
            own = sum(1 for v in state.visits if v.feed == ws.feed_id)
            print(t("status.own_visits", visits=own, total=len(state.visits)))
        if not state.households:
            print(t("status.no_roster_device" if ws.kind == "device" else "status.no_roster"))
            return 0
        print()
        print(coverage_table(state, report))
        print()
        total = report.total
        verdict = t("coverage.meets_target" if total.meets_target else "coverage.below_target",
                    target=APP_TARGET_PERCENT)
        print(t("status.app_line", rate=percent(total.app_installed, total.residents),
                installed=total.app_installed, persons=total.residents, verdict=verdict))
        print(t("status.households_line", covered=total.covered, due=households_due(total), to_do=total.to_do,
                rate=percent(total.covered, households_due(total))))
        print()
        print(groups_table(total))
    finally:
        ws.close()
    return 0


def _title(kind: str, info: dict, state: State) -> str:
    if kind == "device":
        village = info.get("village_name") or info.get("village") or "-"
        return t("status.title.device", name=info.get("name", ""), device=info.get("device", ""),
                 township=info.get("township_name") or "-", village=village)
    if kind == "township":
        return t("status.title.township", name=info.get("name", ""), code=info.get("township", ""),
                 villages=len(state.villages))
    return t("status.title.other", kind=kind, townships=len(state.townships), villages=len(state.villages))
