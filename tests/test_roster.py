"""Roster import: normalisation, every refusal with its Excel row, and re-imports that record only differences."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from fieldkit.core.errors import FieldkitError
from fieldkit.core.roster import (
    COUNT_KEYS,
    HEADER_ZH,
    COLUMNS,
    RosterRefused,
    describe_counts,
    describe_fixes,
    match_header,
    normalise_phone,
    parse_birth_year,
    parse_roster,
    plan_roster_import,
    roster_rows,
)
from fieldkit.core.model import State
from fieldkit.core.tables import format_problem, write_csv_for_excel, write_xlsx
from fieldkit.i18n import has
from tests.roster_support import TOWNSHIP, Ledger, sample_path, sample_table, write_csv

YEAR = 2026
VILLAGE = "110101001001"
HEADER, ROWS = sample_table()
RESIDENCE = {"常住": "resident", "外出务工": "migrant", "在校就读": "student", "空挂": "registered_only"}


def parse(path: Path):
    return parse_roster(path, this_year=YEAR)


def sample_file(tmp_path: Path, rows: list[list[str]] | None = None, name: str = "roster.csv") -> Path:
    return write_csv(tmp_path / name, HEADER, ROWS if rows is None else rows)


def imported(tmp_path: Path) -> tuple[Ledger, State]:
    ledger = Ledger()
    plan = plan_roster_import(parse(sample_path()), State(), TOWNSHIP)
    return ledger, ledger.record(plan.events)


def copy_rows() -> list[list[str]]:
    return [list(row) for row in ROWS]


# ------------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("17609139099", "17609139099"),
        ("176-0913-9099", "17609139099"),
        ("176 0913 9099", "17609139099"),
        ("+86 176 0913 9099", "17609139099"),
        ("+86-17609139099", "17609139099"),
        ("008617609139099", "17609139099"),
        ("8617609139099", "17609139099"),
        ("(0371)6512 3456", "037165123456"),
        ("0371-65123456", "037165123456"),
        ("6512345", "6512345"),
        ("17609139099/13800138000", "17609139099/13800138000"),
        ("17609139099、138-0013-8000", "17609139099/13800138000"),
        ("无", ""),
        ("-", ""),
        ("1.76091E+10", None),
        ("1760913909", None),
        ("176091390991", None),
        ("电话坏了", None),
        ("12345", None),
    ],
)
def test_phone_normalisation(raw: str, phone: str | None) -> None:
    assert normalise_phone(raw) == phone


@pytest.mark.parametrize(
    ("raw", "year", "reduced"),
    [
        ("1965", 1965, False),
        ("1965-03-02", 1965, True),
        ("1965/3/2", 1965, True),
        ("1965.3", 1965, True),
        ("1965.03.02", 1965, True),
        ("1965年3月", 1965, True),
        ("1965年3月2日", 1965, True),
        ("1965年", 1965, True),
        ("19650302", 1965, True),
        ("196503", 1965, True),
        ("1965-03-02 00:00:00", 1965, True),
        ("1965-13-02", None, False),
        ("1965-03-40", None, False),
        ("65", None, False),
        ("六五年", None, False),
        ("1965-3-2x", None, False),
    ],
)
def test_birth_year_from_what_people_type(raw: str, year: int | None, reduced: bool) -> None:
    assert parse_birth_year(raw) == (year, reduced)


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("村", "village"),
        (" 村 民 小 组 ", "group"),
        ("组", "group"),
        ("户编号", "household_no"),
        ("house_number", "household_no"),
        ("Household No", "household_no"),
        ("门牌地址", "address"),
        ("姓\u3000名", "name"),
        ("Name", "name"),
        ("与户主关系", "relation"),
        ("性别", "sex"),
        ("出生年份（YYYY）", "birth_year"),
        ("出生日期", "birth_year"),
        ("*出生年份", "birth_year"),
        ("手机号", "phone"),
        ("电话", "phone"),
        ("联系电话", "phone"),
        ("居住状态", "residence"),
        ("备注", "note"),
        ("身份证号", None),
    ],
)
def test_header_variants(header: str, column: str | None) -> None:
    assert match_header(header) == column


def test_english_headers_map_every_column() -> None:
    english = ["village", "group", "household_no", "address", "name", "relation", "sex", "birth_year", "phone", "residence", "note"]
    assert [match_header(h) for h in english] == list(COLUMNS)
    assert [match_header(HEADER_ZH[c]) for c in COLUMNS] == list(COLUMNS)


# ---------------------------------------------------------------------------------------- parse


def test_sample_parses_clean_and_matches_the_file() -> None:
    result = parse(sample_path())
    assert result.clean and result.problems == ()
    assert len(result.rows) == len(ROWS) == 452
    for row, raw in zip(result.rows, ROWS):
        assert (row.village, row.group, row.number, row.address, row.name, row.relation) == tuple(raw[:6])
        assert row.sex == {"男": "M", "女": "F"}[raw[6]]
        assert row.birth_year == int(raw[7])
        assert row.phone == raw[8]
        assert row.residence == RESIDENCE[raw[9]]
    assert [r.row for r in result.rows] == list(range(2, 454))
    assert result.fixes == {}


@pytest.mark.parametrize("kind", ["utf-8", "utf-8-sig", "gb18030", "xlsx", "english-xlsx"])
def test_every_file_kind_gives_the_same_rows(tmp_path: Path, kind: str) -> None:
    expected = parse(sample_path()).rows
    if kind == "xlsx":
        path = tmp_path / "r.xlsx"
        write_xlsx(path, HEADER, ROWS)
    elif kind == "english-xlsx":
        path = tmp_path / "r.xlsx"
        english = ["village", "group", "house_number", "address", "name", "relation", "sex", "birth_year", "phone", "residence", "note"]
        write_xlsx(path, english, ROWS)
    else:
        path = write_csv(tmp_path / "r.csv", HEADER, ROWS, encoding=kind)
    result = parse(path)
    assert result.problems == ()
    assert result.rows == expected


def test_messy_file_normalises_to_the_clean_rows(tmp_path: Path) -> None:
    header = [" 村 ", "组", "户号", "地址", "姓\u3000名", "关系", "性别", "出生日期", "手机号", "居住情况", "说明"]
    rows = copy_rows()[:9]  # households 010001 (5 persons) and 010002 (4)
    rows[0][2] = "０１０００１"
    rows[0][4] = " 董\u3000琳 "
    rows[0][7] = "1965-03-02"
    rows[0][8] = "176-0913-9099"
    rows[1][7] = "1963年3月"
    rows[1][8] = "148 1948 2199"
    rows[2][9] = " 常住 "
    rows[3][7] = "1993.3"
    rows[3][8] = "+86 165 4323 1948"
    rows[4][7] = "１９３９"
    rows[5][0] = "红星村  "
    rows[6][1] = ""  # group left blank under a merged cell
    rows[6][8] = "无"
    messy = rows[:3] + [[""] * 11, ["", "", "", "", "", "", "", "", "", "", ""]] + rows[3:]
    path = write_csv(tmp_path / "messy.csv", header, messy, encoding="gb18030")

    result = parse(path)
    assert result.problems == ()
    clean = parse(sample_path()).rows[:9]
    strip = lambda r: {**r.__dict__, "row": 0}  # noqa: E731
    assert [strip(r) for r in result.rows] == [strip(r) for r in clean]
    # rows keep the numbers Excel shows: two blank rows were inserted after the third person
    assert [r.row for r in result.rows] == [2, 3, 4, 7, 8, 9, 10, 11, 12]
    assert result.fixes == {
        "birth_date": 3,
        "blank_row": 2,
        "filled_down": 1,
        "fullwidth": 2,  # ０１０００１, １９３９
        "phone": 4,  # dashes, spaces, +86, 无
        "spaces": 3,  # " 董　琳 " (one cell), " 常住 ", "红星村  "
    }
    line = describe_fixes(result.fixes, "zh")
    assert "空行 2 行" in line and "电话格式 4 处" in line


def test_blank_residence_is_resident_and_counted(tmp_path: Path) -> None:
    rows = copy_rows()[:2]
    rows[1][9] = ""
    result = parse(sample_file(tmp_path, rows))
    assert result.rows[1].residence == "resident"
    assert result.fixes == {"residence_default": 1}


def test_merged_household_cells_are_filled_down_but_never_for_a_head(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in ROWS[:9]:
        sheet.append(row)
    for first, last in ((2, 6), (7, 10)):  # 010001 and 010002, as the township often formats them
        for column in "ABCD":
            sheet.merge_cells(f"{column}{first}:{column}{last}")
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    result = parse(path)
    assert result.problems == ()
    strip = lambda r: {**r.__dict__, "row": 0}  # noqa: E731
    assert [strip(r) for r in result.rows] == [strip(r) for r in parse(sample_path()).rows[:9]]
    assert result.fixes["filled_down"] == 7  # the member rows below each household's first row

    rows = copy_rows()[:6]
    rows[5][2] = rows[5][3] = ""  # a head (户主) without a number is an error, not a member of 010001
    result = parse(sample_file(tmp_path, rows))
    assert [(p.row, p.code) for p in result.problems] == [(7, "roster.problem.missing_household_no")]


def test_title_row_above_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ["红星村户籍花名册"] + [""] * 10, [HEADER] + copy_rows()[:3])
    result = parse(path)
    assert result.problems == ()
    assert [r.row for r in result.rows] == [3, 4, 5]


def test_refusals_are_listed_with_their_excel_rows(tmp_path: Path) -> None:
    rows = copy_rows()[:14]
    rows[1][4] = ""  # row 3: missing name
    rows[3][7] = "1850"  # row 5
    rows[4][7] = "2090"  # row 6
    rows[7][3] = "红星村第2村民小组150号"  # row 9: household 010002 starts on row 7
    rows[9][9] = "长期外出"  # row 11
    rows[10][8] = "1.76091E+10"  # row 12
    rows[11][6] = ""  # row 13
    rows[12][7] = "生日不详"  # row 14
    rows[13][4] = "王5"  # row 15
    result = parse(sample_file(tmp_path, rows))
    assert [(p.row, p.code.rsplit(".", 1)[1]) for p in result.problems] == [
        (3, "missing_name"),
        (5, "impossible_birth_year"),
        (6, "impossible_birth_year"),
        (9, "address_conflict"),
        (11, "unknown_residence"),
        (12, "bad_phone"),
        (13, "missing_sex"),
        (14, "bad_birth_year"),
        (15, "bad_name"),
    ]
    assert result.problems[1].params == {"earliest": YEAR - 120, "latest": YEAR}
    assert result.problems[3].params == {"first_row": 7}
    assert len(result.rows) == 14 - 9
    assert result.bad_row_numbers == (3, 5, 6, 9, 11, 12, 13, 14, 15)
    lines = [format_problem(p, "zh") for p in result.problems]
    assert lines[0] == "第 3 行：缺少“姓名”。"
    assert lines[3].startswith("第 9 行：") and "第 7 行" in lines[3]

    with pytest.raises(RosterRefused) as caught:
        plan_roster_import(result, State(), TOWNSHIP)
    assert caught.value.key == "roster.refused"
    assert caught.value.params == {"count": 9, "rows": 9}
    assert caught.value.problems == result.problems


def test_conflicting_addresses_are_reported_on_every_conflicting_row(tmp_path: Path) -> None:
    rows = copy_rows()[:5]
    rows[2][3] = "别处1号"
    rows[4][3] = "别处2号"
    rows[3][1] = "第9村民小组"
    result = parse(sample_file(tmp_path, rows))
    assert [(p.row, p.code.rsplit(".", 1)[1], p.params) for p in result.problems] == [
        (4, "address_conflict", {"first_row": 2}),
        (5, "group_conflict", {"first_row": 2}),
        (6, "address_conflict", {"first_row": 2}),
    ]


def test_the_same_person_twice_in_a_household(tmp_path: Path) -> None:
    rows = copy_rows()[:3] + [list(ROWS[0])]
    result = parse(sample_file(tmp_path, rows))
    assert [(p.row, p.code, p.params) for p in result.problems] == [(5, "roster.problem.duplicate_person", {"first_row": 2})]


def test_missing_and_duplicated_columns(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("户编号", "出生年份")]
    rows = [[c for h, c in zip(HEADER, r) if h not in ("户编号", "出生年份")] for r in ROWS[:2]]
    with pytest.raises(FieldkitError) as caught:
        parse(write_csv(tmp_path / "a.csv", header, rows))
    assert caught.value.key == "roster.missing_columns"
    assert caught.value.params["columns"] == "户编号、出生年份"

    with pytest.raises(FieldkitError) as caught:
        parse(write_csv(tmp_path / "b.csv", HEADER + ["手机号"], [r + ["1"] for r in ROWS[:2]]))
    assert caught.value.key == "roster.duplicate_column"


def test_problem_messages_never_quote_cells(tmp_path: Path) -> None:
    rows = copy_rows()[:12]
    for row in rows:
        row[9] = "长期外出"  # every row has a problem
        row[8] = row[8] + "9" if row[8] else "555-01x"
    result = parse(sample_file(tmp_path, rows))
    assert len(result.problems) >= 12
    text = "\n".join(format_problem(p, lang) for p in result.problems for lang in ("zh", "en"))
    assert "roster." not in text and "{" not in text
    for row in rows:
        for cell in (row[4], row[8], row[3]):
            assert cell not in text
    assert "长期外出" not in text


def test_every_problem_code_has_both_languages(tmp_path: Path) -> None:
    import fieldkit.core.roster as roster

    codes = set(re.findall(r'problem\(row, "([a-z_]+)"', Path(roster.__file__).read_text(encoding="utf-8")))
    codes |= {"address_conflict", "group_conflict", "duplicate_person"}
    assert len(codes) >= 14
    for code in codes:
        assert has(f"roster.problem.{code}"), code
    for key in COUNT_KEYS:
        assert has(f"roster.count.{key}")


# ----------------------------------------------------------------------------------------- plan


def test_first_import_creates_village_households_and_persons(tmp_path: Path) -> None:
    plan = plan_roster_import(parse(sample_path()), State(), TOWNSHIP)
    types = Counter(e.type for e in plan.events)
    assert types == {"village.set": 1, "household.set": 120, "person.set": 452}
    assert plan.village_codes == {"红星村": VILLAGE}
    assert plan.counts["villages_new"] == 1 and plan.counts["households_new"] == 120 and plan.counts["persons_new"] == 452
    assert all(e.base == [] and e.village == VILLAGE for e in plan.events)
    assert plan.events[0].body == {"code": VILLAGE, "name": "红星村"}
    persons = {e.entity: e.body for e in plan.events if e.type == "person.set"}
    assert persons[f"p:{VILLAGE}-010001-01"] == {
        "household": f"{VILLAGE}-010001",
        "name": ROWS[0][4],
        "sex": "F",
        "birth_year": 1965,
        "phone": "17609139099",
        "residence": "resident",
        "relation": "户主",
        "status": "active",
    }
    assert f"p:{VILLAGE}-010003-06" in persons and f"p:{VILLAGE}-010003-07" not in persons
    households = {e.entity: e.body for e in plan.events if e.type == "household.set"}
    assert households[f"hh:{VILLAGE}-010001"] == {
        "village": VILLAGE,
        "group": "第1村民小组",
        "number": "010001",
        "address": "红星村第1村民小组83号",
        "status": "resident",
    }
    all_registered_only = {"010028", "010029", "010039", "010053", "010103", "010118"}
    empty = {b["number"] for b in households.values() if b["status"] == "empty"}
    assert empty == all_registered_only
    assert "新增户 120 户" in describe_counts(plan.counts, "zh")


def test_plan_is_pure_and_deterministic(tmp_path: Path) -> None:
    result = parse(sample_path())
    assert plan_roster_import(result, State(), TOWNSHIP) == plan_roster_import(result, State(), TOWNSHIP)


def test_folded_state_matches_the_roster(tmp_path: Path) -> None:
    _, state = imported(tmp_path)
    assert len(state.households) == 120 and len(state.persons) == 452
    assert Counter(p.residence for p in state.persons.values()) == Counter(RESIDENCE[r[9]] for r in ROWS)
    assert [p.name for p in state.members_of(f"{VILLAGE}-010001")] == [r[4] for r in ROWS[:5]]


def test_reimporting_the_same_file_records_nothing(tmp_path: Path) -> None:
    _, state = imported(tmp_path)
    for path in (sample_path(), write_csv(tmp_path / "gbk.csv", HEADER, ROWS, encoding="gb18030")):
        plan = plan_roster_import(parse(path), state, TOWNSHIP)
        assert plan.events == ()
        assert plan.counts["persons_unchanged"] == 452
        assert sum(plan.counts[k] for k in COUNT_KEYS if k != "persons_unchanged") == 0


def test_excel_dropping_leading_zeros_changes_nothing(tmp_path: Path) -> None:
    _, state = imported(tmp_path)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([int(c) if i in (2, 7) or (i == 8 and c) else c for i, c in enumerate(row)])
    path = tmp_path / "numbers.xlsx"
    workbook.save(path)
    result = parse(path)
    assert result.rows[0].number == "10001"
    assert plan_roster_import(result, state, TOWNSHIP).events == ()


def test_updated_roster_records_exactly_the_differences(tmp_path: Path) -> None:
    ledger, state = imported(tmp_path)
    rows = copy_rows()
    removed = rows.pop(2)  # 姚海龙, third person of 010001 → p:...-010001-03
    assert removed[4] == "姚海龙"
    rows[0][8] = "13912345678"  # 董琳's new phone
    rows.append(["红星村", "第2村民小组", "010999", "红星村第2村民小组999号", "新户主", "户主", "男", "1980", "", "常住", ""])
    rows.append(["红星村", "第2村民小组", "010999", "红星村第2村民小组999号", "新配偶", "配偶", "女", "1982", "", "外出务工", ""])
    plan = plan_roster_import(parse(sample_file(tmp_path, rows, "v2.csv")), state, TOWNSHIP)

    got = {(e.type, e.entity): e for e in plan.events}
    assert sorted(got) == sorted(
        [
            ("person.set", f"p:{VILLAGE}-010001-01"),
            ("person.set", f"p:{VILLAGE}-010001-03"),
            ("household.set", f"hh:{VILLAGE}-010999"),
            ("person.set", f"p:{VILLAGE}-010999-01"),
            ("person.set", f"p:{VILLAGE}-010999-02"),
        ]
    )
    phone = got[("person.set", f"p:{VILLAGE}-010001-01")]
    assert phone.body["phone"] == "13912345678" and phone.body["status"] == "active"
    assert phone.base == list(state.heads_of(f"p:{VILLAGE}-010001-01")) and len(phone.base) == 1
    moved = got[("person.set", f"p:{VILLAGE}-010001-03")]
    assert moved.body == {**_body(state, f"{VILLAGE}-010001-03"), "status": "moved_out"}
    assert moved.base == list(state.heads_of(f"p:{VILLAGE}-010001-03"))
    assert got[("household.set", f"hh:{VILLAGE}-010999")].base == []
    assert got[("person.set", f"p:{VILLAGE}-010999-02")].body["residence"] == "migrant"
    assert {k: v for k, v in plan.counts.items() if v} == {
        "households_new": 1,
        "persons_new": 2,
        "persons_changed": 1,
        "persons_moved_out": 1,
        "persons_unchanged": 450,
    }

    state = ledger.record(plan.events)
    assert state.persons[f"{VILLAGE}-010001-03"].status == "moved_out"
    assert state.conflicts == ()
    assert plan_roster_import(parse(tmp_path / "v2.csv"), state, TOWNSHIP).events == ()

    # the person comes back: same id, active again
    rows.insert(2, removed)
    plan = plan_roster_import(parse(sample_file(tmp_path, rows, "v3.csv")), state, TOWNSHIP)
    assert [(e.entity, e.body["status"]) for e in plan.events] == [(f"p:{VILLAGE}-010001-03", "active")]


def _body(state: State, pid: str) -> dict:
    p = state.persons[pid]
    return {
        "household": p.household,
        "name": p.name,
        "sex": p.sex,
        "birth_year": p.birth_year,
        "phone": p.phone,
        "residence": p.residence,
        "relation": p.relation,
        "status": p.status,
    }


def test_a_household_whose_persons_all_left_moves_out(tmp_path: Path) -> None:
    ledger, state = imported(tmp_path)
    rows = [r for r in copy_rows() if r[2] != "010004"]
    plan = plan_roster_import(parse(sample_file(tmp_path, rows)), state, TOWNSHIP)
    assert plan.counts["households_moved_out"] == 1 and plan.counts["persons_moved_out"] == 3
    household = [e for e in plan.events if e.type == "household.set"]
    assert [(e.entity, e.body["status"]) for e in household] == [(f"hh:{VILLAGE}-010004", "moved_out")]
    assert household[0].base == list(state.heads_of(f"hh:{VILLAGE}-010004"))
    state = ledger.record(plan.events)
    assert state.households[f"{VILLAGE}-010004"].status == "moved_out"
    assert plan_roster_import(parse(sample_file(tmp_path, rows)), state, TOWNSHIP).events == ()


def test_residence_change_can_empty_a_household(tmp_path: Path) -> None:
    _, state = imported(tmp_path)
    rows = copy_rows()
    for row in rows:
        if row[2] == "010004":
            row[9] = "空挂"
    plan = plan_roster_import(parse(sample_file(tmp_path, rows)), state, TOWNSHIP)
    assert [(e.entity, e.body.get("status"), e.body.get("residence")) for e in plan.events] == [
        (f"hh:{VILLAGE}-010004", "empty", None),
        (f"p:{VILLAGE}-010004-01", "active", "registered_only"),
        (f"p:{VILLAGE}-010004-02", "active", "registered_only"),
        (f"p:{VILLAGE}-010004-03", "active", "registered_only"),
    ]


def test_skipped_rows_never_move_their_person_out(tmp_path: Path) -> None:
    _, state = imported(tmp_path)
    rows = copy_rows()
    rows[1][7] = "1850"  # 薛东 (010001) now has a bad row
    rows[20][2] = ""  # an unnumbered member row is not filled down when it has its own address
    rows[0][8] = "13912345678"
    result = parse(sample_file(tmp_path, rows))
    with pytest.raises(RosterRefused):
        plan_roster_import(result, state, TOWNSHIP)
    plan = plan_roster_import(result, state, TOWNSHIP, skip_bad_rows=True)
    assert [e.entity for e in plan.events] == [f"p:{VILLAGE}-010001-01"]
    assert plan.counts["rows_skipped"] == 2
    assert [p.row for p in plan.skipped] == [3, 22]


def test_a_bad_row_without_village_stops_all_moving_out(tmp_path: Path) -> None:
    _, state = imported(tmp_path)
    rows = [r for r in copy_rows() if r[2] != "010004"]
    rows[0][0] = rows[0][4] = ""  # row 2: no village (nothing above to fill it from), no name
    plan = plan_roster_import(parse(sample_file(tmp_path, rows)), state, TOWNSHIP, skip_bad_rows=True)
    assert plan.counts["persons_moved_out"] == 0 and plan.events == ()


def test_field_added_persons_and_other_villages_are_left_alone(tmp_path: Path) -> None:
    ledger, state = imported(tmp_path)
    feed = "d-0123456789abcdef"
    field_person = f"{VILLAGE}-010001-x0badcafe"
    ledger.add(feed, "person.set", f"p:{field_person}", {**_body(state, f"{VILLAGE}-010001-01"), "name": "新生儿", "birth_year": 2026})
    other = "110101001002"
    ledger.add(f"t-{TOWNSHIP}-{other}", "village.set", f"vil:{other}", {"code": other, "name": "东风村"})
    ledger.add(f"t-{TOWNSHIP}-{other}", "household.set", f"hh:{other}-1", {"village": other, "group": "", "number": "1", "address": "", "status": "resident"})
    ledger.add(f"t-{TOWNSHIP}-{other}", "person.set", f"p:{other}-1-01", {**_body(state, f"{VILLAGE}-010001-01"), "household": f"{other}-1"})
    state = ledger.state()
    plan = plan_roster_import(parse(sample_path()), state, TOWNSHIP)
    assert plan.events == ()
    # a later import of the other village gets its existing code; a new one the next free code
    rows = [["东风村", "", "1", "", ROWS[0][4], "户主", "女", "1965", "17609139099", "常住", ""]]
    rows.append(["向阳村", "", "7", "", "某某", "户主", "男", "1970", "", "常住", ""])
    plan = plan_roster_import(parse(sample_file(tmp_path, rows)), state, TOWNSHIP)
    assert plan.village_codes == {"东风村": other, "向阳村": "110101001003"}
    assert [e.entity for e in plan.events if e.village == other] == []


def test_a_blank_phone_keeps_the_recorded_one(tmp_path: Path) -> None:
    _, state = imported(tmp_path)
    rows = copy_rows()
    rows[0][8] = ""
    rows[0][5] = ""
    assert plan_roster_import(parse(sample_file(tmp_path, rows)), state, TOWNSHIP).events == ()


def test_deceased_persons_listed_again_are_left_alone(tmp_path: Path) -> None:
    ledger, state = imported(tmp_path)
    pid = f"{VILLAGE}-010001-05"
    ledger.add(f"t-{TOWNSHIP}-{VILLAGE}", "person.set", f"p:{pid}", {**_body(state, pid), "status": "deceased"}, state.heads_of(f"p:{pid}"))
    state = ledger.state()
    plan = plan_roster_import(parse(sample_path()), state, TOWNSHIP)
    assert plan.events == ()
    assert plan.counts["persons_deceased_listed"] == 1


def test_repeated_names_are_told_apart_by_birth_year(tmp_path: Path) -> None:
    ledger = Ledger()
    rows = [
        ["红星村", "", "5", "", "张伟", "户主", "男", "1960", "13800000001", "常住", ""],
        ["红星村", "", "5", "", "张伟", "子女", "男", "1990", "13800000002", "常住", ""],
    ]
    state = ledger.record(plan_roster_import(parse(sample_file(tmp_path, rows)), State(), TOWNSHIP).events)
    swapped = [list(rows[1]), list(rows[0])]
    swapped[0][8] = "13800000009"  # the son's phone changes; rows in another order
    plan = plan_roster_import(parse(sample_file(tmp_path, swapped)), state, TOWNSHIP)
    assert [(e.entity, e.body["phone"]) for e in plan.events] == [(f"p:{VILLAGE}-5-02", "13800000009")]


def test_an_edit_of_a_conflicted_person_lists_every_head(tmp_path: Path) -> None:
    ledger, state = imported(tmp_path)
    pid = f"{VILLAGE}-010001-01"
    base = state.heads_of(f"p:{pid}")
    for feed, phone in (("d-00000000000000a1", "13500000001"), ("d-00000000000000b2", "13500000002")):
        ledger.add(feed, "person.set", f"p:{pid}", {**_body(state, pid), "phone": phone}, base)
    state = ledger.state()
    assert state.conflict_of(f"p:{pid}") is not None
    rows = copy_rows()
    rows[0][8] = "13500000003"
    plan = plan_roster_import(parse(sample_file(tmp_path, rows)), state, TOWNSHIP)
    (event,) = plan.events
    assert len(event.base) == 2 and event.base == list(state.heads_of(f"p:{pid}"))
    assert ledger.record(plan.events).conflict_of(f"p:{pid}") is None


def test_village_codes_given_and_checked(tmp_path: Path) -> None:
    result = parse(sample_path())
    plan = plan_roster_import(result, State(), TOWNSHIP, village_codes={"红星村": "110101001005"})
    assert plan.village_codes == {"红星村": "110101001005"}
    assert plan.events[1].entity == "hh:110101001005-010001"
    for codes, key in (
        ({"红星村": "110101002005"}, "roster.village_code_outside"),
        ({"红星村": "1101010010"}, "roster.bad_village_code"),
    ):
        with pytest.raises(FieldkitError) as caught:
            plan_roster_import(result, State(), TOWNSHIP, village_codes=codes)
        assert caught.value.key == key
    with pytest.raises(FieldkitError) as caught:
        plan_roster_import(result, State(), "11010100")
    assert caught.value.key == "roster.bad_township_code"
    _, state = imported(tmp_path)
    with pytest.raises(FieldkitError) as caught:
        plan_roster_import(result, state, TOWNSHIP, village_codes={"红星村": "110101001007"})
    assert caught.value.key == "roster.village_code_mismatch"


def test_exported_roster_imports_back_unchanged(tmp_path: Path) -> None:
    _, state = imported(tmp_path)
    header = [HEADER_ZH[c] for c in COLUMNS]
    path = tmp_path / "export.csv"
    write_csv_for_excel(path, header, roster_rows(state))
    result = parse(path)
    assert result.problems == () and len(result.rows) == 452
    assert plan_roster_import(result, state, TOWNSHIP).events == ()


def test_catalogue_entries_of_this_area_are_complete() -> None:
    from fieldkit.i18n import all_keys

    mine = {k: v for k, v in all_keys().items() if k.split(".")[0] in ("tables", "roster", "visit_import")}
    assert len(mine) > 60
    for key, texts in mine.items():
        assert texts.get("zh") and texts.get("en"), key
        assert set(re.findall(r"{(\w+)}", texts["zh"])) == set(re.findall(r"{(\w+)}", texts["en"])), key
        assert "\n" not in texts["zh"] + texts["en"], key
