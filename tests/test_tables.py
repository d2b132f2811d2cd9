"""Reading and writing spreadsheets: encodings, XLSX values, Excel row numbers, atomic Excel-friendly output."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from fieldkit.core.errors import FieldkitError
from fieldkit.core.tables import (
    FIX_FULLWIDTH,
    FIX_SPACES,
    RowProblem,
    clean_text,
    format_problem,
    read_table,
    write_csv_for_excel,
    write_table,
    write_xlsx,
)
from tests.roster_support import sample_path, sample_table, write_csv

HEADER, ROWS = sample_table()


@pytest.mark.parametrize(
    ("encoding", "bom", "source"),
    [("utf-8", b"", "csv:utf-8"), ("utf-8", b"\xef\xbb\xbf", "csv:utf-8-sig"), ("gb18030", b"", "csv:gb18030")],
)
def test_csv_encodings_read_the_same_cells(tmp_path: Path, encoding: str, bom: bytes, source: str) -> None:
    text = sample_path().read_bytes().decode("utf-8-sig")
    path = tmp_path / "roster.csv"
    path.write_bytes(bom + text.encode(encoding))
    table = read_table(path)
    assert table.source == source
    assert list(table.header) == HEADER
    assert table.header_row == 1
    assert [list(r.cells) for r in table.rows] == ROWS
    assert [r.number for r in table.rows] == list(range(2, len(ROWS) + 2))


def test_gb18030_bytes_really_differ_from_utf8(tmp_path: Path) -> None:
    # guard for the test above: the GB18030 file must not also be valid UTF-8
    data = sample_path().read_bytes().decode("utf-8").encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_undecodable_bytes_are_refused_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("村,姓名\n".encode() + b"\x80\x80\xff\n")
    with pytest.raises(FieldkitError) as caught:
        read_table(path)
    assert caught.value.key == "tables.bad_encoding"


def test_utf16_tab_separated_text_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(("村\t姓名\r\n红星村\t张三\r\n").encode("utf-16"))
    table = read_table(path)
    assert table.source == "csv:utf-16"
    assert table.header == ("村", "姓名")
    assert table.rows[0].cells == ("红星村", "张三")


def test_row_numbers_count_records_not_lines_and_keep_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text('村,备注\n红星村,"第一行\n第二行"\n\n,\n红星村,x\n', encoding="utf-8")
    table = read_table(path)
    assert [(r.number, r.blank) for r in table.rows] == [(2, False), (3, True), (4, True), (5, False)]
    assert table.rows[0].cells[1] == "第一行\n第二行"


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ["红星村户籍花名册", ""], [["", ""], ["村", "姓名"], ["红星村", "张三"]])
    table = read_table(path, find_header=lambda cells: "姓名" in cells)
    assert table.header_row == 3
    assert table.rows[0].number == 4


def test_no_header_is_a_clear_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ["a", "b"], [["1", "2"]])
    with pytest.raises(FieldkitError) as caught:
        read_table(path, find_header=lambda cells: "姓名" in cells)
    assert caught.value.key == "tables.no_header"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FieldkitError) as caught:
        read_table(tmp_path / "nope.csv")
    assert caught.value.key == "io.not_found"


def test_xlsx_values_read_as_excel_shows_them(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["户编号", "联系电话", "出生年份", "出生日期", "是否", "姓名"])
    sheet.append(["010001", 17609139099, 1965.0, datetime(1965, 3, 2), True, "张三"])
    sheet.append([])
    sheet.append([10002, 1.5, None, datetime(1965, 3, 2, 8, 30), False, "李四"])
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.source == "xlsx"
    assert table.header == ("户编号", "联系电话", "出生年份", "出生日期", "是否", "姓名")
    assert table.rows[0].cells == ("010001", "17609139099", "1965", "1965-03-02", "TRUE", "张三")
    assert table.rows[1].blank and table.rows[1].number == 3
    assert table.rows[2].number == 4
    assert table.rows[2].cells == ("10002", "1.5", "", "1965-03-02 08:30:00", "FALSE", "李四")


def test_xlsx_first_sheet_with_a_header_wins(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "填表说明"
    notes.append(["请按模板填写"])
    data = workbook.create_sheet("花名册")
    data.append(["村", "姓名"])
    data.append(["红星村", "张三"])
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    table = read_table(path, find_header=lambda cells: "姓名" in cells)
    assert table.sheet == "花名册"
    assert table.rows[0].cells == ("红星村", "张三")


def test_xlsx_roundtrip_of_the_sample(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    write_xlsx(path, HEADER, ROWS)
    table = read_table(path)
    assert list(table.header) == HEADER
    # trailing empty cells (the blank 备注 column) are not materialised by openpyxl
    assert [list(r.cells) + [""] * (len(HEADER) - len(r.cells)) for r in table.rows] == ROWS


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "tables.xls_unsupported"),
        ("fake.xlsx", "村,姓名\n".encode(), "tables.bad_xlsx"),
    ],
)
def test_unreadable_spreadsheets_are_refused(tmp_path: Path, name: str, data: bytes, key: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FieldkitError) as caught:
        read_table(path)
    assert caught.value.key == key


def test_damaged_xlsx_zip(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(FieldkitError) as caught:
        read_table(path)
    assert caught.value.key == "tables.bad_xlsx"


def test_truncated_sheet_inside_a_valid_zip(tmp_path: Path) -> None:
    good, bad = tmp_path / "ok.xlsx", tmp_path / "cut.xlsx"
    write_xlsx(good, ["村"], [["红星村"]] * 50)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            out.writestr(item, data[: len(data) // 2] if item.filename.startswith("xl/worksheets/") else data)
    with pytest.raises(FieldkitError) as caught:
        read_table(bad)
    assert caught.value.key == "tables.bad_xlsx"


def test_csv_for_excel_has_bom_crlf_and_roundtrips(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows = [["010001", "张三", "=SUM(A1)", "+86 176", "多行\n备注"]]
    write_csv_for_excel(path, ["户编号", "姓名", "公式", "电话", "备注"], rows)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    table = read_table(path)
    assert table.source == "csv:utf-8-sig"
    cells = table.rows[0].cells
    assert cells[0] == "010001"
    assert cells[2] == "'=SUM(A1)"  # Excel will not run it
    assert clean_text(cells[2])[0] == "=SUM(A1)"  # and the importer gets the text back
    assert clean_text(cells[3])[0] == "+86 176"
    assert cells[4] == "多行\n备注"


def test_writes_are_atomic_replacements(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    write_csv_for_excel(path, ["a"], [["1"]])
    assert read_table(path).rows[0].cells == ("1",)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temp file left behind


def test_xlsx_cells_are_text_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["户编号", "公式"], [["010001", "=1+1"], ["7", None]])
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A2"].value == "010001" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == "=1+1" and sheet["B2"].data_type == "s"
    assert sheet["A3"].value == "7" and sheet["A3"].data_type == "s"


def test_write_table_picks_the_format_by_suffix(tmp_path: Path) -> None:
    write_table(tmp_path / "a.xlsx", ["x"], [["1"]])
    write_table(tmp_path / "a.csv", ["x"], [["1"]])
    assert (tmp_path / "a.xlsx").read_bytes().startswith(b"PK")
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    ("raw", "clean", "fixes"),
    [
        ("１２３", "123", {FIX_FULLWIDTH}),
        ("  红星村 ", "红星村", {FIX_SPACES}),
        ("红星村\u3000第１组", "红星村 第1组", {FIX_FULLWIDTH}),
        ("张\u200b三", "张三", {FIX_FULLWIDTH}),
        ("a  b", "a b", {FIX_SPACES}),
        ("ＡＢＣ\u3000", "ABC", {FIX_FULLWIDTH, FIX_SPACES}),
        ("张三", "张三", set()),
        ("", "", set()),
    ],
)
def test_clean_text(raw: str, clean: str, fixes: set[str]) -> None:
    value, kinds = clean_text(raw)
    assert value == clean
    assert set(kinds) == fixes


def test_row_problem_renders_one_line_in_both_languages() -> None:
    problem = RowProblem(12, "roster.problem.missing_name", {})
    assert format_problem(problem, "zh") == "第 12 行：缺少“姓名”。"
    assert format_problem(problem, "en") == "row 12: the name (姓名) is missing."


def test_the_sample_copy_in_tests_data_is_the_shared_sample() -> None:
    from tests.roster_support import LOCAL_DATA, SAMPLE_NAME, SHARED_SAMPLES

    local = LOCAL_DATA / SAMPLE_NAME
    assert local.exists()
    shared = SHARED_SAMPLES / SAMPLE_NAME
    if shared.exists():
        assert local.read_bytes() == shared.read_bytes()


def test_huge_files_are_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fieldkit.core.tables as tables

    path = write_csv(tmp_path / "big.csv", ["村"], [["红星村"]] * 100)
    monkeypatch.setattr(tables, "MAX_BYTES", 500)
    with pytest.raises(FieldkitError) as caught:
        read_table(path)
    assert caught.value.key == "tables.file_too_big"
