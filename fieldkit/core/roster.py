"""Household roster import: parse a spreadsheet, then plan the events that bring the state up to date.

Two steps, so the CLI can show problems before anything is written:

``parse_roster(path) -> RosterParse``
    Reads CSV/XLSX (see ``fieldkit.core.tables``), maps headers (Chinese as in
    ``shared/samples/roster_hongxing.csv``, English aliases, common variants such as 手机号 or 出生日期,
    stray spaces, hints in brackets), normalises every cell and collects every problem with its
    Excel row number. Nothing is guessed that could be wrong silently; what is fixed is counted.

    Normalised (counted in ``RosterParse.fixes``): full-width digits/letters/spaces, stray and repeated
    spaces (all spaces inside a Chinese name: "张　三" → 张三), phones with dashes/spaces/+86
    (several numbers → joined with "/"; 无/-/暂无 → empty), a full birth date where a year is expected
    (1965-03-02, 1965年3月, 1965.3, 19650302 → 1965), blank rows (skipped), a blank 居住状态 (→ 常住),
    village/group left blank below a merged cell (filled down), and 户编号+门牌地址 both blank on a
    member row below a merged cell (filled down from the row above; never on a 户主 row).

    Refused (``RosterParse.problems``; the row is left out of ``rows``): missing name or a name with
    digits, missing village, missing/invalid household number, missing/unknown sex, missing or
    unreadable or impossible birth year (before ``this_year - 120`` or after ``this_year``), an
    unreadable phone, an unknown residence status, an address or group that conflicts with the first
    row of the same household number (reported on the conflicting rows), the same person (name and
    birth year) twice in one household.

``plan_roster_import(parse, state, township_code, ...) -> RosterPlan``
    Pure. Compares the clean rows with the folded ``State`` and returns only the differences as
    events ``PlannedEvent(type, entity, base, body, village)``; ``village`` is the village code whose
    township feed (``t-<code>-<village code>``) the event belongs to (``RosterPlan.by_village()``).

    - villages: matched by name; new ones get ``village_codes[name]`` or the next free 3-digit suffix
      under the township code → ``village.set``.
    - households: ``<village code>-<户编号>``; an existing household is matched ignoring leading zeros
      (Excel turns 010001 into 10001). New or changed (group, address, status) → ``household.set``.
      Status: ``empty`` (空挂) when every active member is registered_only, ``moved_out`` when no
      active member is left, else ``resident``.
    - persons: matched within the household by name (and birth year when the name repeats);
      new persons get ``<household id>-<NN>`` with the next free NN. Changed sex, birth year, phone,
      residence or relation → ``person.set``. A blank phone or relation keeps the recorded value
      (a cadre may have added it in the field). A moved-out person who reappears is active again; a
      deceased person listed again is left alone (counted as ``persons_deceased_listed``).
    - absence: only villages present in the file are compared. A roster person (id ``…-NN``) missing
      from the file → ``person.set`` status ``moved_out``; persons added in the field (``…-x<hex>``)
      are never moved out by a roster. With ``skip_bad_rows`` a skipped row shields its household
      (or its village, or everything, if the row has no usable household number or village) from
      being marked moved out, since the person may be on that row.
    - base of every edit = the entity's current heads (``State.heads_of``), so an edit of a conflicted
      entity resolves the conflict.

    With problems and ``skip_bad_rows=False`` it raises ``RosterRefused`` (``.problems`` lists them);
    the caller writes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from fieldkit.core.errors import FieldkitError
from fieldkit.core.model import (
    HOUSEHOLD_EMPTY,
    HOUSEHOLD_MOVED_OUT,
    HOUSEHOLD_RESIDENT,
    MIGRANT,
    PERSON_ACTIVE,
    PERSON_DECEASED,
    PERSON_MOVED_OUT,
    REGISTERED_ONLY,
    RESIDENT,
    STUDENT,
    Household,
    Person,
    State,
)
from fieldkit.core.tables import FIX_SPACES, RowProblem, Table, clean_text, read_table
from fieldkit.i18n import get_language, t

# ------------------------------------------------------------------------------------------ columns

COLUMNS = (
    "village",
    "group",
    "household_no",
    "address",
    "name",
    "relation",
    "sex",
    "birth_year",
    "phone",
    "residence",
    "note",
)
REQUIRED_COLUMNS = ("village", "household_no", "name", "sex", "birth_year")

# The headers the roster is written with (the sample's), for templates and exports.
HEADER_ZH = {
    "village": "村",
    "group": "村民小组",
    "household_no": "户编号",
    "address": "门牌地址",
    "name": "姓名",
    "relation": "与户主关系",
    "sex": "性别",
    "birth_year": "出生年份",
    "phone": "联系电话",
    "residence": "居住状态",
    "note": "备注",
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "village": ("村", "村名", "村庄", "行政村", "村委会", "村社区", "村/社区", "社区", "所属村", "village", "village_name"),
    "group": ("村民小组", "组", "小组", "组别", "村组", "组名", "网格", "所属组", "group", "villager_group", "group_name"),
    "household_no": (
        "户编号", "户号", "户编码", "户代码", "家庭编号", "户籍编号", "household_no", "household_number",
        "household", "house_number", "house_no", "hh_no",
    ),
    "address": ("门牌地址", "地址", "住址", "家庭住址", "家庭地址", "居住地址", "现住址", "门牌", "门牌号", "address"),
    "name": ("姓名", "名字", "成员姓名", "人员姓名", "户成员姓名", "name", "full_name"),
    "relation": ("与户主关系", "与户主的关系", "关系", "家庭关系", "relation", "relationship", "relation_to_head"),
    "sex": ("性别", "sex", "gender"),
    "birth_year": (
        "出生年份", "出生年", "出生年月", "出生日期", "出生年月日", "生日", "birth_year", "birth", "birth_date",
        "date_of_birth", "year_of_birth", "born", "birthday",
    ),
    "phone": (
        "联系电话", "电话", "手机", "手机号", "手机号码", "电话号码", "联系方式", "联系电话号码", "phone", "mobile",
        "tel", "telephone", "phone_number",
    ),
    "residence": ("居住状态", "居住情况", "居住类型", "在家情况", "常住情况", "人员状态", "residence", "residence_status"),
    "note": ("备注", "说明", "note", "notes", "remark", "remarks", "comment"),
}

_HINT = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def header_key(cell: str) -> str:
    """A header cell reduced to what identifies it: NFKC, lower case, without spaces, ``*`` marks,
    colons, ``_`` and ``-`` ("Household No", "household_no" and "户 编 号*" all reduce cleanly)."""
    text, _ = clean_text(cell)
    return re.sub(r"[\s*:_\-]", "", text).lower()


HEADER_ALIASES: dict[str, str] = {header_key(alias): column for column, names in _ALIASES.items() for alias in names}


def match_header(cell: str, aliases: dict[str, str] | None = None) -> str | None:
    """The column a header cell names, or None. Tries the cell as written, then without hints in
    brackets ("出生年份（YYYY）")."""
    aliases = aliases if aliases is not None else HEADER_ALIASES
    key = header_key(cell)
    if key in aliases:
        return aliases[key]
    bare = _HINT.sub("", key)
    return aliases.get(bare) if bare else None


# ---------------------------------------------------------------------------------------- values

SEX = {"男": "M", "男性": "M", "m": "M", "male": "M", "女": "F", "女性": "F", "f": "F", "female": "F"}

RESIDENCE = {
    "常住": RESIDENT, "常住人口": RESIDENT, "在家": RESIDENT, "居家": RESIDENT, "在村": RESIDENT, "resident": RESIDENT,
    "外出务工": MIGRANT, "外出": MIGRANT, "务工": MIGRANT, "外出打工": MIGRANT, "打工": MIGRANT, "外出经商": MIGRANT,
    "migrant": MIGRANT,
    "在校就读": STUDENT, "在校": STUDENT, "就读": STUDENT, "上学": STUDENT, "读书": STUDENT, "学生": STUDENT,
    "在外就读": STUDENT, "外出就读": STUDENT, "student": STUDENT,
    "空挂": REGISTERED_ONLY, "空挂户": REGISTERED_ONLY, "户在人不在": REGISTERED_ONLY, "人户分离": REGISTERED_ONLY,
    "registered_only": REGISTERED_ONLY,
}
RESIDENCE_ZH = {RESIDENT: "常住", MIGRANT: "外出务工", STUDENT: "在校就读", REGISTERED_ONLY: "空挂"}
SEX_ZH = {"M": "男", "F": "女"}
HEAD_RELATIONS = frozenset({"户主", "本人", "户主本人", "head"})

EMPTY_MARKERS = frozenset({"无", "没有", "暂无", "空", "-", "--", "/", "—", "——", "none", "null", "n/a", "na"})
MAX_AGE = 120

# Fix kinds (besides tables.FIX_FULLWIDTH / FIX_SPACES)
FIX_PHONE = "phone"
FIX_BIRTH_DATE = "birth_date"
FIX_BLANK_ROW = "blank_row"
FIX_FILLED_DOWN = "filled_down"
FIX_RESIDENCE_DEFAULT = "residence_default"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_NAME_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "∙": "·", "●": "·"})
_DIGIT = re.compile(r"\d")
_HOUSEHOLD_NO = re.compile(r"[0-9A-Za-z_-]{1,20}")
_PHONE_SPLIT = re.compile(r"[/;,，；、|]|或")
_PHONE_JUNK = re.compile(r"[\s\-()（）.—]")
_DATE = re.compile(
    r"(\d{4})(?:(?:[-/.年])(\d{1,2})(?:(?:[-/.月])(\d{1,2})日?|月)?)?(?:年)?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})?")


def normalise_phone(text: str) -> str | None:
    """Digits only; several numbers joined with "/". None when a part is no phone number (too short,
    letters, or Excel's 1.76091E+10 with digits lost)."""
    if text.lower() in EMPTY_MARKERS:
        return ""
    parts = []
    for part in _PHONE_SPLIT.split(text):
        digits = _PHONE_JUNK.sub("", part)
        if not digits:
            continue
        if digits.startswith("+86"):
            digits = digits[3:]
        elif digits.startswith("0086"):
            digits = digits[4:]
        elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
            digits = digits[2:]
        if not digits.isdigit() or not digits.isascii():
            return None
        mobile = len(digits) == 11 and digits[0] == "1"
        landline = digits[0] == "0" and 10 <= len(digits) <= 12
        local = len(digits) in (7, 8) and digits[0] not in "01"
        if not (mobile or landline or local):
            return None
        parts.append(digits)
    return "/".join(parts)


def parse_birth_year(text: str) -> tuple[int | None, bool]:
    """(year, reduced): the year of "1965", "1965-03-02", "1965年3月", "1965.3", "19650302",
    "1965-03-02 00:00:00"; ``reduced`` when more than a year was given. (None, False) if unreadable."""
    compact = text.replace(" ", "") if " " in text and ":" not in text else text
    match = _DATE.fullmatch(compact)
    if match:
        year, month, day = match.group(1), match.group(2), match.group(3)
    else:
        match = _COMPACT_DATE.fullmatch(compact)
        if not match:
            return None, False
        year, month, day = match.group(1), match.group(2), match.group(3)
    if month is not None and not 1 <= int(month) <= 12:
        return None, False
    if day is not None and not 1 <= int(day) <= 31:
        return None, False
    return int(year), compact != year


def clean_name(text: str) -> str:
    """A name after ``clean_text``: no spaces between Chinese characters ("张　三" → 张三), one kind
    of middle dot in minority names (阿依古丽·买买提)."""
    return _CJK_GAP.sub("", text).translate(_NAME_DOTS)


def number_key(number: str) -> str:
    """Household numbers compare without leading zeros when they are all digits (010001 == 10001)."""
    if number.isdigit():
        return number.lstrip("0") or "0"
    return number


# ------------------------------------------------------------------------------------------ parse


@dataclass(frozen=True)
class RosterRow:
    village: str  # village NAME as in the file
    group: str
    number: str  # 户编号 as written (leading zeros kept)
    address: str
    name: str
    relation: str
    sex: str  # M / F
    birth_year: int
    phone: str  # digits, "/"-joined when several, "" when unknown
    residence: str  # resident / migrant / student / registered_only
    note: str
    row: int  # Excel row number


@dataclass(frozen=True)
class BadRow:
    """What is known of a refused row: enough to keep the plan from moving its person out."""

    row: int
    village: str  # "" when unknown
    number: str  # "" when unknown


@dataclass(frozen=True)
class RosterParse:
    rows: tuple[RosterRow, ...]
    problems: tuple[RowProblem, ...]  # by row
    fixes: dict[str, int]  # fix kind -> cells fixed (rows for blank_row and filled_down)
    bad_rows: tuple[BadRow, ...] = ()
    source: str = ""  # tables.Table.source
    ignored_columns: tuple[str, ...] = ()  # headers we did not recognise (ignored)

    @property
    def clean(self) -> bool:
        return not self.problems

    @property
    def bad_row_numbers(self) -> tuple[int, ...]:
        return tuple(sorted({p.row for p in self.problems}))


def _looks_like_roster_header(cells: Sequence[str]) -> bool:
    found = {match_header(cell) for cell in cells} - {None}
    return "name" in found and len(found) >= 3


def parse_roster(path: Path, *, this_year: int | None = None) -> RosterParse:
    """Read and check a roster file; never raises for row problems (see ``RosterParse.problems``),
    only for an unreadable file or missing/duplicated columns (``FieldkitError``)."""
    table = read_table(Path(path), find_header=_looks_like_roster_header)
    return parse_roster_table(table, this_year=this_year)


def match_columns(
    table: Table,
    aliases: dict[str, str] | None,
    duplicate_key: str,
    shown: Callable[[str, str], str] | None = None,
) -> tuple[dict[str, int], dict[str, str], tuple[str, ...]]:
    """column -> index, column -> its header as written, and the headers nobody asked for.

    A column named twice raises ``duplicate_key`` naming it by ``shown(column, cell)`` (default: the
    header as written).
    """
    columns: dict[str, int] = {}
    titles: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(table.header):
        column = match_header(cell, aliases)
        if column is None:
            if cell.strip():
                ignored.append(clean_text(cell)[0])
            continue
        if column in columns:
            name = shown(column, cell) if shown else clean_text(cell)[0]
            raise FieldkitError(duplicate_key, column=name, row=table.header_row)
        columns[column] = index
        titles[column] = clean_text(cell)[0]
    return columns, titles, tuple(ignored)


def _columns(table: Table) -> tuple[dict[str, int], tuple[str, ...]]:
    columns, _, ignored = match_columns(table, None, "roster.duplicate_column", lambda column, _: HEADER_ZH[column])
    missing = [HEADER_ZH[c] for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FieldkitError("roster.missing_columns", columns="、".join(missing), row=table.header_row)
    return columns, ignored


def parse_roster_table(table: Table, *, this_year: int | None = None) -> RosterParse:
    this_year = this_year or date.today().year
    columns, ignored = _columns(table)
    fixes: Counter[str] = Counter()
    problems: list[RowProblem] = []
    candidates: list[RosterRow] = []
    bad: dict[int, BadRow] = {}
    previous: dict[str, str] = {}  # last non-blank village/group/number/address, for filling down
    column_items = tuple(columns.items())

    def problem(row: int, code: str, **params: Any) -> None:
        problems.append(RowProblem(row, f"roster.problem.{code}", params))

    for record in table.rows:
        if record.blank:
            fixes[FIX_BLANK_ROW] += 1
            continue
        values: dict[str, str] = {}
        cells = record.cells
        name_fixes: tuple[str, ...] = ()
        for column, index in column_items:
            text, kinds = clean_text(cells[index] if index < len(cells) else "")
            if kinds:
                fixes.update(kinds)
                if column == "name":
                    name_fixes = kinds
            values[column] = text
        row = record.number
        before = len(problems)

        filled = False
        for column in ("village", "group"):
            if column in values and values[column] == "" and previous.get(column):
                values[column] = previous[column]
                filled = True
        name = clean_name(values["name"])
        if name != values["name"] and FIX_SPACES not in name_fixes:
            fixes[FIX_SPACES] += 1
        relation = values.get("relation", "").replace(" ", "")
        if (
            values["household_no"] == ""
            and values.get("address", "") == ""
            and previous.get("household_no")
            and relation not in HEAD_RELATIONS
        ):
            values["household_no"] = previous["household_no"]
            if "address" in values:
                values["address"] = previous.get("address", "")
            filled = True
        if filled:
            fixes[FIX_FILLED_DOWN] += 1
        village = values["village"]
        number = values["household_no"].replace(" ", "")

        if not village:
            problem(row, "missing_village")
        if not number:
            problem(row, "missing_household_no")
        elif not _HOUSEHOLD_NO.fullmatch(number):
            problem(row, "bad_household_no")
        if not name:
            problem(row, "missing_name")
        elif _DIGIT.search(name) or len(name) > 40:
            problem(row, "bad_name")

        sex_text = values["sex"].replace(" ", "").lower()
        sex = SEX.get(sex_text, "")
        if not sex_text:
            problem(row, "missing_sex")
        elif not sex:
            problem(row, "bad_sex")

        birth_year, reduced = (None, False)
        if not values["birth_year"]:
            problem(row, "missing_birth_year")
        else:
            birth_year, reduced = parse_birth_year(values["birth_year"])
            if birth_year is None:
                problem(row, "bad_birth_year")
            elif not this_year - MAX_AGE <= birth_year <= this_year:
                problem(row, "impossible_birth_year", earliest=this_year - MAX_AGE, latest=this_year)
            elif reduced:
                fixes[FIX_BIRTH_DATE] += 1

        phone_text = values.get("phone", "")
        phone = normalise_phone(phone_text) if phone_text else ""
        if phone is None:
            problem(row, "bad_phone")
        elif phone != phone_text:
            fixes[FIX_PHONE] += 1

        residence_text = values.get("residence", "").replace(" ", "").lower()
        residence = RESIDENCE.get(residence_text, "")
        if not residence_text:
            residence = RESIDENT
            fixes[FIX_RESIDENCE_DEFAULT] += 1
        elif not residence:
            problem(row, "unknown_residence")

        for column in ("village", "group", "household_no", "address"):
            if values.get(column):
                previous[column] = values[column]
        if len(problems) > before:
            bad[row] = BadRow(row, village, number if number and _HOUSEHOLD_NO.fullmatch(number) else "")
            continue
        candidates.append(
            RosterRow(
                village=village,
                group=values.get("group", ""),
                number=number,
                address=values.get("address", ""),
                name=name,
                relation=relation,
                sex=sex,
                birth_year=birth_year or 0,
                phone=phone or "",
                residence=residence,
                note=values.get("note", ""),
                row=row,
            )
        )

    rows = _cross_row_checks(candidates, problems, bad)
    problems.sort(key=lambda p: p.row)
    return RosterParse(
        rows=tuple(rows),
        problems=tuple(problems),
        fixes=dict(sorted(fixes.items())),
        bad_rows=tuple(bad[r] for r in sorted(bad)),
        source=table.source,
        ignored_columns=ignored,
    )


def _cross_row_checks(candidates: list[RosterRow], problems: list[RowProblem], bad: dict[int, BadRow]) -> list[RosterRow]:
    """One address and one group per household number; no person twice in a household. The first
    row that gives a household's address (group) sets it; rows that disagree are the ones reported."""
    group_of: dict[tuple[str, str], tuple[str, int]] = {}
    address_of: dict[tuple[str, str], tuple[str, int]] = {}
    seen_person: dict[tuple[str, str, str, int], int] = {}
    rows: list[RosterRow] = []
    for row in candidates:
        key = (row.village, number_key(row.number))
        codes: list[tuple[str, dict[str, Any]]] = []
        if row.address:
            address, first_row = address_of.setdefault(key, (row.address, row.row))
            if row.address.replace(" ", "") != address.replace(" ", ""):
                codes.append(("address_conflict", {"first_row": first_row}))
        if row.group:
            group, first_row = group_of.setdefault(key, (row.group, row.row))
            if row.group != group:
                codes.append(("group_conflict", {"first_row": first_row}))
        person = (*key, row.name, row.birth_year)
        if person in seen_person:
            codes.append(("duplicate_person", {"first_row": seen_person[person]}))
        if codes:
            for code, params in codes:
                problems.append(RowProblem(row.row, f"roster.problem.{code}", params))
            bad[row.row] = BadRow(row.row, row.village, row.number)
            continue
        seen_person[person] = row.row
        rows.append(row)
    # members whose own cells were blank take the household's address and group
    out = []
    for row in rows:
        key = (row.village, number_key(row.number))
        address = address_of.get(key, ("", 0))[0]
        group = group_of.get(key, ("", 0))[0]
        out.append(row if (row.address, row.group) == (address, group) else replace(row, address=address, group=group))
    return out


# ------------------------------------------------------------------------------------------- plan


class RosterRefused(FieldkitError):
    """The roster has problems and ``skip_bad_rows`` was not given. Nothing may be written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("roster.refused", count=len(problems), rows=len({p.row for p in problems}))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class PlannedEvent:
    type: str  # village.set / household.set / person.set
    entity: str  # vil:<code> / hh:<id> / p:<id>
    base: list[str]  # head hashes of the version this edit replaces ([] for a new entity)
    body: dict[str, Any]
    village: str  # village code: the event goes into the township feed t-<township>-<village>


@dataclass(frozen=True)
class RosterPlan:
    events: tuple[PlannedEvent, ...]
    counts: dict[str, int]  # see COUNT_KEYS
    village_codes: dict[str, str]  # village name -> code, for every village in the file
    skipped: tuple[RowProblem, ...] = ()  # problems of the rows left out (skip_bad_rows)

    def by_village(self) -> dict[str, list[PlannedEvent]]:
        grouped: dict[str, list[PlannedEvent]] = {}
        for event in self.events:
            grouped.setdefault(event.village, []).append(event)
        return grouped


COUNT_KEYS = (
    "villages_new",
    "households_new",
    "households_changed",
    "households_moved_out",
    "persons_new",
    "persons_changed",
    "persons_moved_out",
    "persons_unchanged",
    "persons_deceased_listed",
    "rows_skipped",
)


def household_id(village_code: str, number: str) -> str:
    return f"{village_code}-{number}"


def person_body(person: Person) -> dict[str, Any]:
    return {
        "household": person.household,
        "name": person.name,
        "sex": person.sex,
        "birth_year": person.birth_year,
        "phone": person.phone,
        "residence": person.residence,
        "relation": person.relation,
        "status": person.status,
    }


def household_body(household: Household) -> dict[str, Any]:
    return {
        "village": household.village,
        "group": household.group,
        "number": household.number,
        "address": household.address,
        "status": household.status,
    }


def _check_code(code: str, length: int, key: str) -> None:
    if not (isinstance(code, str) and len(code) == length and code.isdigit() and code.isascii()):
        raise FieldkitError(key, code=str(code))


def assign_village_codes(
    names: Sequence[str], state: State, township_code: str, given: dict[str, str] | None = None
) -> tuple[dict[str, str], set[str]]:
    """(name -> code for ``names``, the codes that are new). Existing villages keep their codes."""
    _check_code(township_code, 9, "roster.bad_township_code")
    existing = {v.name: v.code for v in state.villages.values() if v.code.startswith(township_code)}
    taken = {v.code for v in state.villages.values()}
    given = dict(given or {})
    for name, code in given.items():
        _check_code(code, 12, "roster.bad_village_code")
        if not code.startswith(township_code):
            raise FieldkitError("roster.village_code_outside", code=code, township=township_code)
        if name in existing and existing[name] != code:
            raise FieldkitError("roster.village_code_mismatch", village=name, code=code, existing=existing[name])
        owner = state.villages.get(code)
        if owner is not None and owner.name != name:
            raise FieldkitError("roster.village_code_taken", village=name, code=code)
    taken |= set(given.values())
    codes: dict[str, str] = {}
    new: set[str] = set()
    suffix = 1
    for name in names:
        if name in existing:
            codes[name] = existing[name]
            continue
        if name in given:
            codes[name] = given[name]
        else:
            while f"{township_code}{suffix:03d}" in taken:
                suffix += 1
            if suffix > 999:
                raise FieldkitError("roster.no_village_code", township=township_code)
            codes[name] = f"{township_code}{suffix:03d}"
            taken.add(codes[name])
        new.add(codes[name])
    return codes, new


_ROSTER_SUFFIX = re.compile(r"\d+")


def plan_roster_import(
    parse: RosterParse,
    state: State,
    township_code: str,
    village_codes: dict[str, str] | None = None,
    skip_bad_rows: bool = False,
) -> RosterPlan:
    """The events that bring ``state`` in line with the roster; nothing for what is already so."""
    if parse.problems and not skip_bad_rows:
        raise RosterRefused(parse.problems)
    counts: Counter[str] = Counter({key: 0 for key in COUNT_KEYS})
    counts["rows_skipped"] = len({b.row for b in parse.bad_rows})

    village_names = list(dict.fromkeys(row.village for row in parse.rows))
    codes, new_codes = assign_village_codes(village_names, state, township_code, village_codes)
    by_village: dict[str, dict[str, list[RosterRow]]] = {}
    for row in parse.rows:
        by_village.setdefault(row.village, {}).setdefault(number_key(row.number), []).append(row)

    # Which absences may be trusted: a skipped row could be the "missing" person.
    shield_all = any(not b.village for b in parse.bad_rows)
    shielded_villages = {b.village for b in parse.bad_rows if b.village and not b.number}
    shielded_households = {(b.village, number_key(b.number)) for b in parse.bad_rows if b.village and b.number}

    households_by_village: dict[str, dict[str, Household]] = {}
    for household in state.households.values():
        households_by_village.setdefault(household.village, {})[number_key(household.number)] = household

    events: list[PlannedEvent] = []
    for name in village_names:
        code = codes[name]
        if code in new_codes:
            events.append(PlannedEvent("village.set", f"vil:{code}", [], {"code": code, "name": name}, code))
            counts["villages_new"] += 1
        known = households_by_village.get(code, {})
        listed = by_village[name]
        for key, rows in listed.items():
            shielded = shield_all or name in shielded_villages or (name, key) in shielded_households
            _plan_household(code, known.get(key), rows, state, shielded, events, counts)
        if shield_all or name in shielded_villages:
            continue
        for key, household in sorted(known.items(), key=lambda item: item[1].id):
            if key not in listed and (name, key) not in shielded_households:
                _plan_household(code, household, [], state, False, events, counts)
    return RosterPlan(
        events=tuple(events),
        counts=dict(counts),
        village_codes=codes,
        skipped=parse.problems if skip_bad_rows else (),
    )


def _match_persons(rows: list[RosterRow], existing: Sequence[Person]) -> dict[int, Person]:
    """Row number -> existing person: by name; by birth year too where a name repeats."""
    rows_by_name: dict[str, list[RosterRow]] = {}
    for row in rows:
        rows_by_name.setdefault(row.name, []).append(row)
    old_by_name: dict[str, list[Person]] = {}
    rank = {PERSON_ACTIVE: 0, PERSON_MOVED_OUT: 1}
    for person in sorted(existing, key=lambda p: (rank.get(p.status, 2), p.id)):
        old_by_name.setdefault(person.name, []).append(person)
    matched: dict[int, Person] = {}
    for name, named_rows in rows_by_name.items():
        olds = list(old_by_name.get(name, ()))
        if not olds:
            continue
        if len(named_rows) == 1 and len(olds) == 1:
            matched[named_rows[0].row] = olds[0]
            continue
        left: list[RosterRow] = []
        for row in named_rows:
            same = next((p for p in olds if p.birth_year == row.birth_year), None)
            if same is None:
                left.append(row)
            else:
                matched[row.row] = same
                olds.remove(same)
        if len(left) == 1 and len(olds) == 1:
            matched[left[0].row] = olds[0]
    return matched


def _next_numbers(hh_id: str, existing: Sequence[Person]) -> int:
    highest = 0
    prefix = hh_id + "-"
    for person in existing:
        suffix = person.id[len(prefix) :] if person.id.startswith(prefix) else ""
        if _ROSTER_SUFFIX.fullmatch(suffix):
            highest = max(highest, int(suffix))
    return highest + 1


def _plan_household(
    village_code: str,
    household: Household | None,
    rows: list[RosterRow],
    state: State,
    shielded: bool,
    events: list[PlannedEvent],
    counts: Counter[str],
) -> None:
    hh_id = household.id if household is not None else household_id(village_code, rows[0].number)
    existing = state.persons_of(hh_id)
    matched = _match_persons(rows, existing)
    person_events: list[PlannedEvent] = []
    next_nn = _next_numbers(hh_id, existing)
    final_residences: list[str] = []  # residence of every member active after this import

    for row in rows:
        old = matched.get(row.row)
        if old is not None and old.status == PERSON_DECEASED:
            counts["persons_deceased_listed"] += 1
            continue
        final_residences.append(row.residence)
        body = {
            "household": hh_id,
            "name": row.name,
            "sex": row.sex,
            "birth_year": row.birth_year,
            "phone": row.phone or (old.phone if old else ""),
            "residence": row.residence,
            "relation": row.relation or (old.relation if old else ""),
            "status": PERSON_ACTIVE,
        }
        if old is None:
            pid = f"{hh_id}-{next_nn:02d}"
            next_nn += 1
            person_events.append(PlannedEvent("person.set", f"p:{pid}", [], body, village_code))
            counts["persons_new"] += 1
        elif body != person_body(old):
            entity = f"p:{old.id}"
            person_events.append(PlannedEvent("person.set", entity, list(state.heads_of(entity)), body, village_code))
            counts["persons_changed"] += 1
        else:
            counts["persons_unchanged"] += 1

    taken = {p.id for p in matched.values()}
    for person in existing:
        if person.id in taken or person.status != PERSON_ACTIVE:
            continue
        field_added = not _ROSTER_SUFFIX.fullmatch(person.id[len(hh_id) + 1 :])
        if shielded or field_added:
            final_residences.append(person.residence)
            continue
        entity = f"p:{person.id}"
        body = {**person_body(person), "status": PERSON_MOVED_OUT}
        person_events.append(PlannedEvent("person.set", entity, list(state.heads_of(entity)), body, village_code))
        counts["persons_moved_out"] += 1

    if not final_residences:
        status = HOUSEHOLD_MOVED_OUT
    elif all(r == REGISTERED_ONLY for r in final_residences):
        status = HOUSEHOLD_EMPTY
    else:
        status = HOUSEHOLD_RESIDENT
    if rows:
        first = rows[0]
        body = {
            "village": village_code,
            "group": first.group or (household.group if household else ""),
            "number": household.number if household is not None else first.number,
            "address": first.address or (household.address if household else ""),
            "status": status,
        }
    elif household is not None:
        body = {**household_body(household), "status": status}
    else:  # pragma: no cover - a household with neither rows nor a record is never planned
        return
    entity = f"hh:{hh_id}"
    if household is None:
        events.append(PlannedEvent("household.set", entity, [], body, village_code))
        counts["households_new"] += 1
    elif body != household_body(household):
        events.append(PlannedEvent("household.set", entity, list(state.heads_of(entity)), body, village_code))
        counts["households_moved_out" if status == HOUSEHOLD_MOVED_OUT else "households_changed"] += 1
    events.extend(person_events)


# ------------------------------------------------------------------------------------------ export


def roster_rows(state: State, village_code: str | None = None) -> list[list[str]]:
    """The active roster in the import's own layout (``HEADER_ZH`` order), for exports/templates:
    importing it back changes nothing."""
    out: list[list[str]] = []
    names = {v.code: v.name for v in state.villages.values()}
    for household in state.households.values():
        if village_code is not None and household.village != village_code:
            continue
        if household.status == HOUSEHOLD_MOVED_OUT:
            continue
        for person in state.members_of(household.id):
            out.append(
                [
                    names.get(household.village, ""),
                    household.group,
                    household.number,
                    household.address,
                    person.name,
                    person.relation,
                    SEX_ZH.get(person.sex, ""),
                    "" if person.birth_year is None else str(person.birth_year),
                    person.phone,
                    RESIDENCE_ZH.get(person.residence, ""),
                    "",
                ]
            )
    return out


def describe_fixes(fixes: dict[str, int], lang: str | None = None) -> str:
    """One line for the import summary, "" when nothing was normalised."""
    parts = [t(f"roster.fix.{kind}", lang=lang, count=count) for kind, count in fixes.items() if count]
    if not parts:
        return ""
    return t("roster.fixes", lang=lang, fixes=("、" if (lang or get_language()) == "zh" else ", ").join(parts))


def describe_counts(counts: dict[str, int], lang: str | None = None) -> str:
    """The plan's non-zero counts as one line."""
    sep = "，" if (lang or get_language()) == "zh" else ", "
    return sep.join(t(f"roster.count.{key}", lang=lang, count=counts[key]) for key in COUNT_KEYS if counts.get(key))


__all__ = [
    "COLUMNS",
    "COUNT_KEYS",
    "HEADER_ZH",
    "BadRow",
    "PlannedEvent",
    "RosterParse",
    "RosterPlan",
    "RosterRefused",
    "RosterRow",
    "assign_village_codes",
    "clean_name",
    "describe_counts",
    "describe_fixes",
    "household_id",
    "match_header",
    "normalise_phone",
    "number_key",
    "parse_birth_year",
    "parse_roster",
    "parse_roster_table",
    "plan_roster_import",
    "roster_rows",
]
