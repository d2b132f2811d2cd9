"""The twice-monthly progress report (每月10日、25日上报): rows per group, village and township.

Every number comes from ``fieldkit.core.coverage.report``, the function the laptops use too, so a
cadre's screen and the township's report cannot disagree. This module only arranges the tallies
into rows and cells; ``write_report`` saves them as CSV for Excel (UTF-8 with BOM) or XLSX.

"As of" a date: visits and activities recorded after that day (by their local date, in the offset
the device recorded) are left out; the roster is taken as it stands now. Ages count in the report's
year. Rates are printed as percentages with one decimal; a rate with nothing to divide by is "—".

Household coverage rate = 已覆盖 / (total − 空挂 − 已迁出): empty and moved-out households are
resolved and reported separately, never counted as covered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fieldkit.core.coverage import APP_TARGET_PERCENT, Breakdown, Report, Tally, report
from fieldkit.core.errors import FieldkitError
from fieldkit.core.model import State
from fieldkit.core.tables import write_csv_for_excel, write_xlsx
from fieldkit.i18n import t
from sync.audit import natural_key

GROUP = "group"
VILLAGE = "village"
TOWNSHIP = "township"
TOTAL = "total"

# Column ids, in file order; the header text is ``report.col.<id>``.
COLUMNS = (
    "village",
    "group",
    "households",
    "covered",
    "partial",
    "not_visited",
    "empty",
    "moved_out",
    "coverage_rate",
    "persons",
    "briefed",
    "briefed_rate",
    "app_installed",
    "app_rate",
    "app_target",
    "elderly",
    "elderly_briefed",
    "students",
    "students_briefed",
    "migrants",
    "migrants_briefed",
    "visits",
    "activities",
)
# What fits an 80-column terminal; the file has every column.
TERMINAL_COLUMNS = (
    "village",
    "group",
    "households",
    "covered",
    "partial",
    "not_visited",
    "empty",
    "moved_out",
    "coverage_rate",
    "app_rate",
)
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class ProgressRow:
    level: str  # GROUP, VILLAGE (小计), TOWNSHIP (合计) or TOTAL (several townships)
    code: str  # village code (GROUP, VILLAGE), township code, or ""
    name: str  # village or township name
    group: str  # GROUP rows only
    tally: Tally


def as_of(state: State, day: date) -> State:
    """``state`` without visits and activities recorded after ``day`` (their local date)."""
    return dataclasses.replace(
        state,
        visits=tuple(v for v in state.visits if v.instant.date() <= day),
        activities=tuple(a for a in state.activities if a.instant.date() <= day),
    )


def progress_report(state: State, day: date) -> Report:
    """The coverage report as of the end of ``day``."""
    return report(as_of(state, day), today=day)


def progress_rows(state: State, rep: Report) -> list[ProgressRow]:
    """Per township: each village's groups (natural order), the village subtotal; then the township
    total. With several townships (a county master) a grand total closes the list."""
    rows: list[ProgressRow] = []
    groups_of: dict[str, list[tuple[str, Tally]]] = {}
    for (village, group), tally in rep.groups.items():
        groups_of.setdefault(village, []).append((group, tally))
    for township, township_tally in rep.townships.items():
        for village, village_tally in rep.villages.items():
            if not village.startswith(township):
                continue
            name = state.villages[village].name if village in state.villages else village
            for group, tally in sorted(groups_of.get(village, []), key=lambda g: natural_key(g[0])):
                rows.append(ProgressRow(GROUP, village, name, group, tally))
            rows.append(ProgressRow(VILLAGE, village, name, "", village_tally))
        name = state.townships[township].name if township in state.townships else township
        rows.append(ProgressRow(TOWNSHIP, township, name, "", township_tally))
    if len(rep.townships) > 1:
        rows.append(ProgressRow(TOTAL, "", "", "", rep.total))
    return rows


def percent(part: int, whole: int) -> str:
    if whole <= 0:
        return "—"
    return f"{100 * part / whole:.1f}%"


def coverage_base(tally: Tally) -> int:
    """Households that should be covered: all but 空挂 and 已迁出."""
    return tally.households - tally.empty - tally.moved_out


def _breakdown_cells(b: Breakdown) -> tuple[str, str]:
    return str(b.total), str(b.briefed)


def cells(row: ProgressRow, columns: Sequence[str] = COLUMNS, lang: str | None = None) -> list[str]:
    tally = row.tally
    if row.level == GROUP:
        place, group = row.name, row.group
    elif row.level == VILLAGE:
        place, group = row.name, t("report.subtotal", lang=lang)
    elif row.level == TOWNSHIP:
        place, group = row.name, t("report.township_total", lang=lang)
    else:
        place, group = t("report.grand_total", lang=lang), ""
    persons = tally.persons
    if persons.total:
        target = t("report.target_met" if tally.meets_target else "report.target_missed", lang=lang)
    else:
        target = "—"
    elderly, elderly_briefed = _breakdown_cells(tally.elderly)
    students, students_briefed = _breakdown_cells(tally.students)
    migrants, migrants_briefed = _breakdown_cells(tally.migrants)
    values = {
        "village": place,
        "group": group,
        "households": str(tally.households),
        "covered": str(tally.covered),
        "partial": str(tally.partial),
        "not_visited": str(tally.not_visited),
        "empty": str(tally.empty),
        "moved_out": str(tally.moved_out),
        "coverage_rate": percent(tally.covered, coverage_base(tally)),
        "persons": str(persons.total),
        "briefed": str(persons.briefed),
        "briefed_rate": percent(persons.briefed, persons.total),
        "app_installed": str(persons.app_installed),
        "app_rate": percent(persons.app_installed, persons.total),
        "app_target": target,
        "elderly": elderly,
        "elderly_briefed": elderly_briefed,
        "students": students,
        "students_briefed": students_briefed,
        "migrants": migrants,
        "migrants_briefed": migrants_briefed,
        "visits": str(tally.visits),
        "activities": str(tally.activities),
    }
    return [values[c] for c in columns]


def header(columns: Sequence[str] = COLUMNS, lang: str | None = None) -> list[str]:
    return [t(f"report.col.{c}", lang=lang, target=APP_TARGET_PERCENT) for c in columns]


def check_suffix(path: Path) -> Path:
    """``.csv`` or ``.xlsx``; anything else is refused before any work is done."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise FieldkitError("report.bad_suffix", path=str(path))
    return path


def write_table_file(path: Path, head: Sequence[str], rows: Sequence[Sequence[str]], sheet: str) -> None:
    """CSV for Excel (UTF-8 with BOM) or XLSX, by the file's suffix."""
    path = check_suffix(path)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, head, rows, sheet_title=sheet[:31])
    else:
        write_csv_for_excel(path, head, rows)


def write_report(path: Path, rows: Sequence[ProgressRow], lang: str | None = None) -> None:
    write_table_file(path, header(COLUMNS, lang), [cells(r, COLUMNS, lang) for r in rows], t("report.sheet", lang=lang))
