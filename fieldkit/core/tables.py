"""Spreadsheets in and out: CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX as rows of strings.

Reading (``read_table``) knows nothing about rosters or visits. It returns every row after the header
as a tuple of strings together with the row number a person sees in Excel (header on row 1 → first
data row is row 2; a quoted cell spanning several lines is still one row). Blank rows are kept, marked
by ``TableRow.blank``, so callers can count them and row numbers stay true.

- Encoding: a UTF-16 BOM (Excel's "Unicode text") is honoured; otherwise the bytes are decoded strictly
  as UTF-8 (a BOM is dropped), and if that fails strictly as GB18030, which is what Excel and WPS on
  Chinese Windows write. Bytes that are neither are refused, never guessed with replacement characters.
- The type is sniffed from the content, not trusted from the suffix: a zip is XLSX, an OLE2 file is
  the old binary ``.xls`` (refused with "save as xlsx or csv").
- XLSX is read with openpyxl in read-only mode, values not formulas. Numbers come back the way Excel
  shows them in General format (17609139099, not 17609139099.0); dates as ``YYYY-MM-DD``.
- ``find_header`` lets a caller skip title rows above the header ("红星村户籍花名册" on row 1).
  In an XLSX workbook the first sheet with a header is used, so an instructions sheet is skipped.

Writing: ``write_csv_for_excel`` (UTF-8 with BOM, CRLF, so Excel on Chinese Windows opens it without
mojibake) and ``write_xlsx`` (every cell text, so 010001 keeps its zero); both atomic. Cells that Excel
would run as a formula (``=``, ``+``, ``-``, ``@`` at the start) are written as text: in XLSX by
cell type, in CSV with a leading apostrophe that ``clean_text`` removes again on the way back in.

Shared cell normalisation for importers lives here too: ``clean_text`` (NFKC: full-width digits,
letters and spaces; zero-width characters; stray and repeated spaces) reports which fixes it made.
``RowProblem`` is the one shape of a per-row problem; ``format_problem`` renders one line of it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from fieldkit.core.atomic import atomic_write
from fieldkit.core.errors import FieldkitError
from fieldkit.core.files import read_file
from fieldkit.i18n import t

MAX_ROWS = 1_000_000
MAX_BYTES = 200 * 1024 * 1024  # a township roster is a few MB; refuse before reading a stray video
HEADER_SEARCH_ROWS = 20  # title rows tolerated above the header

_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls / .et
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Fix kinds reported by clean_text (importers add their own: phone, birth_date, blank_row, ...).
FIX_FULLWIDTH = "fullwidth"
FIX_SPACES = "spaces"


@dataclass(frozen=True)
class TableRow:
    number: int  # the row number Excel shows
    cells: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not "".join(self.cells).strip()

    def cell(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    header_row: int
    rows: tuple[TableRow, ...]  # every row after the header, blank ones included
    source: str  # "csv:utf-8", "csv:utf-8-sig", "csv:gb18030", "csv:utf-16", "xlsx"
    sheet: str = ""  # XLSX sheet title


@dataclass(frozen=True)
class RowProblem:
    """One problem on one spreadsheet row. ``code`` is a catalogue key; ``params`` never hold cell
    values (names, phones...), only column names, row numbers and counts."""

    row: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        return t(self.code, lang=lang, row=self.row, **self.params)


def format_problem(problem: RowProblem, lang: str | None = None) -> str:
    """``第 12 行：缺少姓名。`` — one line per problem, for the CLI and the app."""
    return t("tables.row", lang=lang, row=problem.row, problem=problem.message(lang))


# ---------------------------------------------------------------------------------------------- read


HeaderTest = Callable[[Sequence[str]], bool]


def _nonblank(cells: Sequence[str]) -> bool:
    return any(cell.strip() for cell in cells)


def read_table(path: Path, find_header: HeaderTest | None = None) -> Table:
    """Read a CSV or XLSX file. ``find_header(cells)`` says which row is the header (default: the
    first non-blank row); it is tried on the first ``HEADER_SEARCH_ROWS`` non-blank rows."""
    path = Path(path)
    test = find_header or _nonblank
    data = read_file(path, limit=MAX_BYTES, too_big=lambda size: FieldkitError(
        "tables.file_too_big", path=str(path), limit_mb=MAX_BYTES // (1024 * 1024)))
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(path, data, test)
    if data.startswith(_OLE2_MAGIC):
        raise FieldkitError("tables.xls_unsupported", path=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise FieldkitError("tables.bad_xlsx", path=str(path))
    text, encoding = decode_text(data, path)
    return _read_csv(path, text, encoding, test)


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Strict decoding: UTF-16 by BOM, else UTF-8 (BOM optional), else GB18030, else refuse."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FieldkitError("tables.bad_encoding", path=str(path)) from None
    try:
        return data.decode("utf-8-sig"), ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise FieldkitError("tables.bad_encoding", path=str(path)) from None


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    if "\t" in first and "," not in first:
        return "\t"
    return ","


def _read_csv(path: Path, text: str, encoding: str, test: HeaderTest) -> Table:
    if "\x00" in text:
        raise FieldkitError("tables.bad_csv", path=str(path), row=1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records: list[TableRow] = []
    number = 0
    try:
        for cells in reader:
            number += 1
            if number > MAX_ROWS:
                raise FieldkitError("tables.too_large", path=str(path), limit=MAX_ROWS)
            records.append(TableRow(number, tuple(cells)))
    except csv.Error:
        raise FieldkitError("tables.bad_csv", path=str(path), row=number + 1) from None
    index = _header_index(records, test)
    if index is None:
        raise FieldkitError("tables.no_header", path=str(path))
    return _table(records, index, f"csv:{encoding}", "")


def _header_index(records: list[TableRow], test: HeaderTest) -> int | None:
    """Index of the header among ``records``: the first non-blank row passing ``test`` among the
    first ``HEADER_SEARCH_ROWS`` non-blank rows."""
    seen = 0
    for index, record in enumerate(records):
        if record.blank:
            continue
        if test(record.cells):
            return index
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return None


def _table(records: list[TableRow], index: int, source: str, sheet: str) -> Table:
    header = records[index]
    return Table(header=header.cells, header_row=header.number, rows=tuple(records[index + 1 :]), source=source, sheet=sheet)


def cell_text(value: object) -> str:
    """An XLSX cell value as the text Excel shows for it in General format."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, data: bytes, test: HeaderTest) -> Table:
    from openpyxl import load_workbook  # imported here: CSV-only users never pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    # what a damaged or foreign zip makes openpyxl raise (XML parse errors are SyntaxErrors)
    damaged = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, SyntaxError, EOFError)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                records = _sheet_rows(path, sheet)
                index = _header_index(records, test)
                if index is not None:
                    return _table(records, index, "xlsx", sheet.title)
        finally:
            workbook.close()
    except FieldkitError:
        raise
    except damaged:
        raise FieldkitError("tables.bad_xlsx", path=str(path)) from None
    raise FieldkitError("tables.no_header", path=str(path))


def _sheet_rows(path: Path, sheet: Any) -> list[TableRow]:
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # some writers (WPS, old exporters) record wrong dimensions
    records: list[TableRow] = []
    number = 0
    for cells in sheet.iter_rows():
        number += 1
        for cell in cells:
            real = getattr(cell, "row", None)
            if real:
                number = real
                break
        if number > MAX_ROWS:
            raise FieldkitError("tables.too_large", path=str(path), limit=MAX_ROWS)
        texts = [cell_text(cell.value) for cell in cells]
        while texts and texts[-1] == "":
            texts.pop()
        records.append(TableRow(number, tuple(texts)))
    return records


# ---------------------------------------------------------------------------------------- normalise

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")
_FORMULA_START = ("=", "+", "-", "@")


def clean_text(raw: str) -> tuple[str, tuple[str, ...]]:
    """NFKC (full-width ０-９ Ａ-Ｚ and the ideographic space become ASCII), zero-width characters
    dropped, surrounding spaces stripped and inner runs of spaces collapsed to one; a leading
    apostrophe that protected a formula-like cell is removed. Returns the text and the fix kinds."""
    value = raw
    fixes: tuple[str, ...] = ()
    # zero-width characters are not printable; NFKC leaves them alone, so check both
    if not raw.isascii() and (not raw.isprintable() or not unicodedata.is_normalized("NFKC", raw)):
        value = unicodedata.normalize("NFKC", raw.translate(_ZERO_WIDTH))
        if "".join(value.split()) != "".join(raw.split()):
            fixes = (FIX_FULLWIDTH,)
    # str.isprintable() is False for tabs, newlines and every space but " " (U+3000, U+00A0...)
    if not (value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " "):
        collapsed = _SPACES.sub(" ", value).strip()
        if collapsed != value:
            fixes += (FIX_SPACES,)
        value = collapsed
    if value[:1] == "'" and value[1:2] in _FORMULA_START:
        value = value[1:]
    return value, fixes


# --------------------------------------------------------------------------------------------- write


def _csv_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_for_excel_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_safe(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([_csv_safe("" if cell is None else str(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_csv_for_excel(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """UTF-8 with BOM and CRLF (what Excel expects), written atomically."""
    atomic_write(Path(path), csv_for_excel_bytes(header, rows))


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str = "Sheet1") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for index, title in enumerate(header, start=1):
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(title))
        sheet.column_dimensions[get_column_letter(index)].width = max(10, width + 4)

    def text_cells(values: Sequence[object]) -> list[Any]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
            cell.data_type = "s"  # never a formula, never a number that loses its leading zero
            cells.append(cell)
        return cells

    sheet.append(text_cells(header))
    for row in rows:
        sheet.append(text_cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str = "Sheet1") -> None:
    """One sheet, every cell text, written atomically."""
    atomic_write(Path(path), xlsx_bytes(header, rows, sheet_title))


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """XLSX when ``path`` ends in .xlsx, else CSV for Excel."""
    if Path(path).suffix.lower() == ".xlsx":
        write_xlsx(path, header, rows)
    else:
        write_csv_for_excel(path, header, rows)
