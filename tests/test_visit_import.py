"""Visits typed from paper forms (补录): templates, grouping rows into visits, every problem with its row."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from fieldkit.core.coverage import household_status
from fieldkit.core.errors import FieldkitError
from fieldkit.core.model import State
from fieldkit.core.roster import parse_roster, plan_roster_import
from fieldkit.core.tables import format_problem, read_table, write_csv_for_excel
from fieldkit.core.visit_import import (
    VisitsRefused,
    parse_visit_date,
    parse_visits,
    template_header,
    visit_entity,
    visit_events,
    write_visit_template,
)
from surveys import default_forms
from tests.roster_support import TOWNSHIP, Ledger, sample_path, sample_table, write_csv

TODAY = date(2026, 11, 29)
VILLAGE = "110101001001"
FORM = default_forms()["household_visit"]
HEADER = template_header(FORM)
_, ROSTER = sample_table()


@pytest.fixture(scope="module")
def roster() -> tuple[Ledger, State]:
    ledger = Ledger()
    plan = plan_roster_import(parse_roster(sample_path(), this_year=2026), State(), TOWNSHIP)
    return ledger, ledger.record(plan.events)


def row(number: str, name: str, briefed: str = "是", channel: str = "面对面", *, village: str = "", day: str = "2026-11-20",
        cadre: str = "王干部", app: str = "", warn: str = "", group: str = "", materials: str = "", **extra: str) -> list[str]:
    values = dict(zip(HEADER, [""] * len(HEADER)))
    values.update({"村": village, "户编号": number, "姓名": name, "走访日期": day, "走访人": cadre, "是否宣传": briefed,
                   "宣传方式": channel, "已装反诈APP": app, "已开来电预警": warn, "已进反诈群": group,
                   "发放宣传资料份数": materials})
    values.update(extra)
    return [values[h] for h in HEADER]


def parse(path: Path, state: State, **kwargs):
    return parse_visits(path, state, FORM, today=TODAY, **kwargs)


def sheet(tmp_path: Path, rows: list[list[str]], name: str = "visits.csv") -> Path:
    path = tmp_path / name
    write_csv_for_excel(path, HEADER, rows)
    return path


def codes(result) -> list[tuple[int, str]]:
    return [(p.row, p.code.rsplit(".", 1)[1]) for p in result.problems]


# ------------------------------------------------------------------------------------ templates


def test_blank_templates_in_both_formats(tmp_path: Path) -> None:
    for name in ("t.csv", "t.xlsx"):
        write_visit_template(tmp_path / name, FORM)
        table = read_table(tmp_path / name)
        assert list(table.header) == HEADER
        assert table.rows == ()
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert HEADER[:10] == ["村", "户编号", "姓名", "走访日期", "走访人", "是否宣传", "宣传方式", "已装反诈APP", "已开来电预警", "已进反诈群"]
    assert "发放宣传资料份数" in HEADER


def test_prefilled_template_lists_everyone_to_visit(tmp_path: Path, roster) -> None:
    _, state = roster
    path = tmp_path / "prefilled.xlsx"
    write_visit_template(path, FORM, state, VILLAGE)
    table = read_table(path)
    expected = [("红星村", r[2], r[4]) for r in ROSTER if r[9] != "空挂"]
    assert [r.cells[:3] for r in table.rows] == expected
    assert len(expected) == 452 - 21
    write_visit_template(tmp_path / "none.csv", FORM, state, "110101001009")
    assert read_table(tmp_path / "none.csv").rows == ()


# ---------------------------------------------------------------------------------------- import


def first_two_households() -> list[list[str]]:
    # 010001: 董琳 常住, 薛东 外出务工, 姚海龙 常住, 蔡林宇 外出务工, 苏俊国 常住
    # 010002: 龚超鑫, 宋桂琳, 龙伟, 王兰 (all 常住)
    return [
        row("010001", "董琳", app="是", warn="是", group="√", materials="2"),
        row("010001", "薛东", channel="电话", app="否"),
        row("010001", "姚海龙", app="1"),
        row("010001", "蔡林宇", channel="微信", app="Y", materials="2"),
        row("010001", "苏俊国"),
        row("010002", "龚超鑫", day="2026/11/21", cadre="李干部"),
        row("010002", "宋桂琳", day="2026年11月21日", cadre="李干部", channel="视频"),
        row("010002", "龙伟", briefed="否", channel="", day="20261121", cadre="李干部"),
        row("010002", "王兰", day="2026.11.21", cadre="李干部"),
    ]


def test_filled_sheet_becomes_visits_that_fold_and_count(tmp_path: Path, roster) -> None:
    ledger, state = roster
    result = parse(sheet(tmp_path, first_two_households()), state)
    assert result.problems == ()
    assert len(result.visits) == 2
    first, second = result.visits
    hh1 = f"{VILLAGE}-010001"
    assert first.entity == visit_entity(hh1, "2026-11-20", "王干部")
    assert first.rows == (2, 3, 4, 5, 6)
    assert first.body == {
        "household": hh1,
        "village": VILLAGE,
        "cadre": "王干部",
        "form": {"id": "household_visit", "version": FORM.version},
        "answers": {"materials_given": 2},
        "members": {
            f"{hh1}-01": {"briefed": True, "channel": "in_person", "app_installed": True, "call_warning": True, "joined_group": True},
            f"{hh1}-02": {"briefed": True, "channel": "phone", "app_installed": False, "call_warning": False, "joined_group": False},
            f"{hh1}-03": {"briefed": True, "channel": "in_person", "app_installed": True, "call_warning": False, "joined_group": False},
            f"{hh1}-04": {"briefed": True, "channel": "wechat", "app_installed": True, "call_warning": False, "joined_group": False},
            f"{hh1}-05": {"briefed": True, "channel": "in_person", "app_installed": False, "call_warning": False, "joined_group": False},
        },
        "visited_on": "2026-11-20",
    }
    assert second.visited_on == "2026-11-21" and second.body["cadre"] == "李干部"
    assert second.body["members"][f"{VILLAGE}-010002-03"]["briefed"] is False
    assert second.body["members"][f"{VILLAGE}-010002-02"]["channel"] == "video"

    events = visit_events(result)
    assert [(e.type, e.base, e.village) for e in events] == [("visit", [], VILLAGE)] * 2
    folded = Ledger()
    folded.feeds = {k: list(v) for k, v in ledger.feeds.items()}
    after = folded.record(events)
    assert {v.id for v in after.visits} == {e.entity.partition(":")[2] for e in events}
    h1, h2 = after.households[hh1], after.households[f"{VILLAGE}-010002"]
    assert household_status(h1, after.members_of(h1.id), after.visits_of(h1.id)) == "covered"
    assert household_status(h2, after.members_of(h2.id), after.visits_of(h2.id)) == "partial"

    again = parse(sheet(tmp_path, first_two_households(), "again.csv"), after)
    assert again.visits == () and again.already_imported == 2 and again.problems == ()
    assert visit_events(again) == []


def test_xlsx_sheet_with_excel_dates_and_numbers(tmp_path: Path, roster) -> None:
    _, state = roster
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(HEADER)
    ws.append([None, 10001, "董琳", datetime(2026, 11, 20), "王干部", "是", "面对面", None, None, None, 3])
    path = tmp_path / "v.xlsx"
    workbook.save(path)
    result = parse(path, state)
    assert result.problems == ()
    (visit,) = result.visits
    assert visit.body["household"] == f"{VILLAGE}-010001" and visit.visited_on == "2026-11-20"
    assert visit.body["answers"] == {"materials_given": 3}


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-11-20", date(2026, 11, 20)), ("2026/11/2", date(2026, 11, 2)), ("2026年11月20日", date(2026, 11, 20)),
     ("20261120", date(2026, 11, 20)), ("2026-11-20 00:00:00", date(2026, 11, 20)), ("2026-02-30", None),
     ("11/20", None), ("昨天", None)],
)
def test_visit_dates(text: str, day: date | None) -> None:
    assert parse_visit_date(text) == day


def test_every_problem_is_reported_with_its_row(tmp_path: Path, roster) -> None:
    _, state = roster
    rows = [
        row("019999", "董琳"),  # 2 unknown household
        row("010001", "不存在的人"),  # 3 not a member
        row("010001", "董琳", day="2026-13-01"),  # 4 bad date
        row("010001", "董琳", day="2027-01-01"),  # 5 future
        row("010003", "魏强勇", channel="短信"),  # 6 unknown channel
        row("010004", "易帆杰", channel=""),  # 7 channel required when briefed
        row("010004", "林颖慧", briefed="否", channel="面对面"),  # 8 channel given though not briefed
        row("010005", "卢海宁", app="也许"),  # 9 not yes/no
        row("010006", "石雪", materials="2"),  # 10
        row("010006", "郝林强", materials="3"),  # 11 household answer differs within the visit
        row("010007", "袁伟"),  # 12
        row("010007", "袁伟"),  # 13 same member twice
        row("010008", "蒋杰建", cadre=""),  # 14 no cadre
        row("", "蒋杰建"),  # 15 no household number
        row("010009", "顾海", briefed=""),  # 16 briefed is required
        row("010009", "吴鑫华", materials="很多"),  # 17 not a number
    ]
    result = parse(sheet(tmp_path, rows), state)
    assert codes(result) == [
        (2, "unknown_household"),
        (3, "not_a_member"),
        (4, "bad_date"),
        (5, "future_date"),
        (6, "unknown_channel"),
        (7, "answer_required"),
        (8, "answer_not_relevant"),
        (9, "not_yes_no"),
        (11, "answer_conflict"),
        (13, "duplicate_member"),
        (14, "missing_cadre"),
        (15, "missing_household_no"),
        (16, "answer_required"),
        (17, "not_number"),
    ]
    lines = {p.row: format_problem(p, "zh") for p in result.problems}
    assert lines[7] == "第 7 行：“宣传方式”必须填写。"
    assert lines[16] == "第 16 行：“是否宣传”必须填写。"
    assert lines[11] == "第 11 行：同一次走访的“发放宣传资料份数”与第 10 行不一致。"
    assert lines[6] == "第 6 行：“宣传方式”无法识别（可填：面对面、电话、微信、视频）。"
    text = "\n".join(format_problem(p, lang) for p in result.problems for lang in ("zh", "en"))
    assert "visit_import." not in text and "forms." not in text and "{" not in text  # every key has a message
    for r in rows:
        assert not r[2] or r[2] not in text  # names never appear in messages

    assert result.visits == ()
    with pytest.raises(VisitsRefused) as caught:
        visit_events(result)
    assert caught.value.key == "visit_import.refused"
    assert caught.value.params == {"count": 14, "rows": 14}


def test_skip_bad_rows_leaves_out_whole_visits(tmp_path: Path, roster) -> None:
    _, state = roster
    rows = first_two_households()
    rows[2] = row("010001", "姚海龙", app="不知道")  # row 4 spoils the whole 010001 visit
    rows.append(row("010001", "不存在的人"))  # row 11: same visit, unknown member
    result = parse(sheet(tmp_path, rows), state)
    assert codes(result) == [(4, "not_yes_no"), (11, "not_a_member")]
    assert result.skipped_visits == 1
    events = visit_events(result, skip_bad_rows=True)
    assert [e.body["household"] for e in events] == [f"{VILLAGE}-010002"]


def test_ambiguous_household_numbers_need_the_village(tmp_path: Path, roster) -> None:
    ledger, _ = roster
    other = Ledger()
    other.feeds = {k: list(v) for k, v in ledger.feeds.items()}
    code = "110101001002"
    feed = f"t-{TOWNSHIP}-{code}"
    other.add(feed, "village.set", f"vil:{code}", {"code": code, "name": "东风村"})
    other.add(feed, "household.set", f"hh:{code}-010001", {"village": code, "group": "", "number": "010001", "address": "", "status": "resident"})
    other.add(feed, "person.set", f"p:{code}-010001-01", {"household": f"{code}-010001", "name": "董琳", "sex": "F", "birth_year": 1970,
                                                           "phone": "", "residence": "resident", "relation": "户主", "status": "active"})
    state = other.state()
    result = parse(sheet(tmp_path, [row("010001", "董琳"), row("010001", "董琳", village="东风村"), row("010001", "董琳", village="西山村")]), state)
    assert codes(result) == [(2, "ambiguous_household"), (4, "unknown_village")]
    assert [v.body["household"] for v in result.visits] == [f"{code}-010001"]


def test_members_with_the_same_name_need_the_birth_year(tmp_path: Path) -> None:
    ledger = Ledger()
    roster_rows = [
        ["红星村", "", "5", "", "张伟", "户主", "男", "1960", "", "常住", ""],
        ["红星村", "", "5", "", "张伟", "子女", "男", "1990", "", "常住", ""],
    ]
    path = write_csv(tmp_path / "r.csv", ["村", "组", "户编号", "地址", "姓名", "关系", "性别", "出生年份", "电话", "居住状态", "备注"], roster_rows)
    state = ledger.record(plan_roster_import(parse_roster(path, this_year=2026), State(), TOWNSHIP).events)
    result = parse(sheet(tmp_path, [row("5", "张伟")]), state)
    assert codes(result) == [(2, "ambiguous_member")]
    header = HEADER + ["出生年份"]
    write_csv_for_excel(tmp_path / "b.csv", header, [row("5", "张伟") + ["1990"]])
    result = parse(tmp_path / "b.csv", state)
    assert result.problems == ()
    assert list(result.visits[0].body["members"]) == [f"{VILLAGE}-5-02"]


def test_cadre_given_by_the_laptop_when_the_sheet_has_none(tmp_path: Path, roster) -> None:
    _, state = roster
    header = [h for h in HEADER if h != "走访人"]
    rows = [[c for h, c in zip(HEADER, r) if h != "走访人"] for r in first_two_households()[:2]]
    write_csv_for_excel(tmp_path / "v.csv", header, rows)
    with pytest.raises(FieldkitError) as caught:
        parse(tmp_path / "v.csv", state)
    assert caught.value.key == "visit_import.missing_columns" and caught.value.params["columns"] == "走访人"
    result = parse(tmp_path / "v.csv", state, cadre="张网格员")
    assert result.problems == () and result.visits[0].body["cadre"] == "张网格员"


def test_headers_may_be_english_or_form_labels(tmp_path: Path, roster) -> None:
    _, state = roster
    header = ["household_no", "name", "date", "cadre", "briefed", "How briefed", "国家反诈中心APP已安装", "materials_given"]
    write_csv(tmp_path / "en.csv", header, [["010001", "董琳", "2026-11-20", "王", "yes", "in_person", "no", "1"]])
    result = parse(tmp_path / "en.csv", state)
    assert result.problems == ()
    (visit,) = result.visits
    assert visit.body["members"][f"{VILLAGE}-010001-01"]["channel"] == "in_person"
    assert visit.body["answers"] == {"materials_given": 1}


def test_moved_out_households_cannot_be_visited(tmp_path: Path, roster) -> None:
    ledger, state = roster
    moved = Ledger()
    moved.feeds = {k: list(v) for k, v in ledger.feeds.items()}
    hid = f"{VILLAGE}-010004"
    body = {"village": VILLAGE, "group": "第1村民小组", "number": "010004", "address": "x", "status": "moved_out"}
    moved.add(f"t-{TOWNSHIP}-{VILLAGE}", "household.set", f"hh:{hid}", body, state.heads_of(f"hh:{hid}"))
    result = parse(sheet(tmp_path, [row("010004", "易帆杰")]), moved.state())
    assert codes(result) == [(2, "household_moved_out")]
