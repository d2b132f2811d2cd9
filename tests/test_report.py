"""The progress report (sync/report.py): exact numbers on a small township, the "as of" date, and the
files: CSV for Excel with a BOM and XLSX, both read back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from fieldkit.core.errors import FieldkitError
from fieldkit.core.tables import read_table
from sync import report as R
from tests.audit_support import CST, Master, at
from tests.fold_builders import VILLAGE, VILLAGE2, briefed

DAY = date(2026, 12, 10)


def when(month_day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, month_day, hour, 0, tzinfo=CST)


def township() -> Master:
    m = Master()
    m.township("城关镇")
    m.enrol(time=at(7))
    m.village(VILLAGE, "红星村")
    m.village(VILLAGE2, "东风村")
    p = lambda year, residence="resident", **kw: {"birth_year": year, "residence": residence, **kw}  # noqa: E731
    # 红星村 第1组
    h1 = m.household(1, members={"01": p(1950), "02": p(1952)})
    h2 = m.household(2, members={"01": p(1980), "02": p(2008, "student")})
    h3 = m.household(3, members={"01": p(1970), "02": p(1995, "migrant")})
    m.household(4, members={"01": p(1985)})
    # 红星村 第2组
    m.household(5, group="第2组", status="empty")
    h6 = m.household(6, group="第2组", status="moved_out")
    h7 = m.household(7, group="第2组", members={"01": p(1960)})
    # 东风村 第1组
    h8 = m.household(8, village=VILLAGE2, members={"01": p(1990, "migrant")})
    h9 = m.household(9, village=VILLAGE2, members={"01": p(1975)})

    m.visit(h1, when(1), members={f"{h1}-01": briefed(app=True), f"{h1}-02": briefed()})
    m.visit(h2, when(2), members={f"{h2}-01": briefed(app=True), f"{h2}-02": briefed("wechat")})
    m.visit(h3, when(3), members={f"{h3}-01": briefed()})
    m.visit(h6, when(3, 11))
    m.visit(h7, when(4), members={f"{h7}-01": briefed(app=True)})
    m.activity(VILLAGE, when(5))
    m.visit(h8, when(6), device="d-00000000000000c3", members={f"{h8}-01": briefed("phone", app=True)})
    m.activity(VILLAGE2, when(7), device="d-00000000000000c3")
    m.visit(h9, when(11), device="d-00000000000000c3")  # after the report date
    m.activity(VILLAGE, when(11))  # after the report date
    return m


def rows_for(master: Master, day: date = DAY) -> list[R.ProgressRow]:
    state = master.state()
    return R.progress_rows(state, R.progress_report(state, day))


EXPECTED = [
    # village, group, households, covered, partial, not visited, empty, moved out, coverage, persons, briefed,
    # briefed rate, app, app rate, target, elderly, elderly briefed, students, s. briefed, migrants, m. briefed,
    # visits, activities
    ["红星村", "第1组", "4", "2", "1", "1", "0", "0", "50.0%", "7", "5", "71.4%", "2", "28.6%", "未达标",
     "2", "2", "1", "1", "1", "0", "3", "0"],
    ["红星村", "第2组", "3", "1", "0", "0", "1", "1", "100.0%", "1", "1", "100.0%", "1", "100.0%", "达标",
     "1", "1", "0", "0", "0", "0", "2", "0"],
    ["红星村", "小计", "7", "3", "1", "1", "1", "1", "60.0%", "8", "6", "75.0%", "3", "37.5%", "未达标",
     "3", "3", "1", "1", "1", "0", "5", "1"],
    ["东风村", "第1组", "2", "1", "0", "1", "0", "0", "50.0%", "2", "1", "50.0%", "1", "50.0%", "未达标",
     "0", "0", "0", "0", "1", "1", "1", "0"],
    ["东风村", "小计", "2", "1", "0", "1", "0", "0", "50.0%", "2", "1", "50.0%", "1", "50.0%", "未达标",
     "0", "0", "0", "0", "1", "1", "1", "1"],
    ["城关镇", "合计", "9", "4", "1", "2", "1", "1", "57.1%", "10", "7", "70.0%", "4", "40.0%", "未达标",
     "3", "3", "1", "1", "2", "1", "6", "2"],
]


def test_numbers_are_exact():
    rows = rows_for(township())
    assert [r.level for r in rows] == [R.GROUP, R.GROUP, R.VILLAGE, R.GROUP, R.VILLAGE, R.TOWNSHIP]
    assert [R.cells(r, lang="zh") for r in rows] == EXPECTED


def test_as_of_a_later_day_counts_the_later_visit_and_activity():
    rows = rows_for(township(), date(2026, 12, 11))
    village2 = R.cells(rows[4], lang="zh")
    assert village2[2:6] == ["2", "2", "0", "0"] and village2[8] == "100.0%"
    total = R.cells(rows[-1], lang="zh")
    assert total[R.COLUMNS.index("activities")] == "3"
    assert total[R.COLUMNS.index("visits")] == "7"


def test_ages_count_in_the_report_year():
    # born 1967: 59 in 2026, 60 in 2027
    m = Master()
    m.township()
    m.village()
    m.household(1, members={"01": {"birth_year": 1967}})
    elderly = R.COLUMNS.index("elderly")
    assert R.cells(rows_for(m, date(2026, 12, 10))[0])[elderly] == "0"
    assert R.cells(rows_for(m, date(2027, 1, 10))[0])[elderly] == "1"


def test_groups_in_natural_order_and_rates_without_a_base():
    m = Master()
    m.township()
    m.village()
    m.household(1, group="第10组")
    m.household(2, group="第2组", status="empty")
    rows = rows_for(m)
    assert [r.group for r in rows if r.level == R.GROUP] == ["第2组", "第10组"]
    empty_group = R.cells(rows[0], lang="zh")
    assert empty_group[R.COLUMNS.index("coverage_rate")] == "—"
    assert empty_group[R.COLUMNS.index("app_target")] == "—"


def test_several_townships_get_a_grand_total():
    m = township()
    m.feed("t-220202002").add("township.init", "twp:220202002", {"code": "220202002", "name": "河口镇"})
    m.feed("t-220202002-220202002001").village("220202002001", "河口村")
    m.feed("t-220202002-220202002001").household("220202002001-000001", village="220202002001")
    rows = rows_for(m)
    assert [r.level for r in rows][-3:] == [R.VILLAGE, R.TOWNSHIP, R.TOTAL]
    assert R.cells(rows[-1], lang="zh")[:3] == ["总计", "", "10"]


def test_terminal_columns_are_a_subset_in_order():
    assert [c for c in R.COLUMNS if c in R.TERMINAL_COLUMNS] == list(R.TERMINAL_COLUMNS)
    assert R.header(R.TERMINAL_COLUMNS, lang="zh")[:3] == ["村", "组", "总户数"]
    assert "≥60%" in R.header(lang="zh")[R.COLUMNS.index("app_target")]


def test_csv_for_excel_has_a_bom_and_reads_back(tmp_path):
    path = tmp_path / "进度.csv"
    R.write_report(path, rows_for(township()), lang="zh")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == R.header(lang="zh") and rows[1:] == EXPECTED
    table = read_table(path)  # the project's own Excel-compatible reader
    assert table.source == "csv:utf-8-sig"
    assert [list(r.cells) for r in table.rows] == EXPECTED


def test_xlsx_reads_back_with_openpyxl(tmp_path):
    path = tmp_path / "进度.xlsx"
    R.write_report(path, rows_for(township()), lang="zh")
    workbook = load_workbook(path, read_only=True)
    sheet = workbook.worksheets[0]
    values = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    assert sheet.title == "宣传进度"
    assert values[0] == R.header(lang="zh") and values[1:] == EXPECTED


@pytest.mark.parametrize("name", ["report.txt", "report", "report.xls"])
def test_other_suffixes_are_refused(tmp_path, name):
    with pytest.raises(FieldkitError) as err:
        R.write_report(tmp_path / name, rows_for(township()))
    assert err.value.key == "report.bad_suffix"
    assert not (tmp_path / name).exists()


def test_percent():
    assert R.percent(1, 3) == "33.3%" and R.percent(2, 3) == "66.7%" and R.percent(0, 0) == "—"
