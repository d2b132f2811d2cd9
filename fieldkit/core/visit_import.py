"""Visits typed from paper forms into a spreadsheet (补录): parse, check against the roster and the
household visit form, and turn them into ``visit`` events.

The sheet has one row per household member visited (``write_visit_template`` writes a blank or a
roster-prefilled one, CSV for Excel or XLSX by suffix)::

    村 (optional) | 户编号 | 姓名 | 出生年份 (optional, tells apart two members of the same name)
    走访日期 | 走访人 | 是否宣传 | 宣传方式 | 已装反诈APP | 已开来电预警 | 已进反诈群
    + the form's household questions by their Chinese label (发放宣传资料份数, 发现可疑情况, ...)

Headers are matched like the roster's (spaces, full-width, English ids and labels accepted); any
question of the form is found by its Chinese or English label or its id. Values: 是/否 (also √ ×,
Y/N, 1/0, TRUE/FALSE; blank = not answered), channels 面对面/电话/微信/视频 (or the codes), dates
2026-11-20, 2026/11/20, 2026年11月20日, 20261120, Excel dates.

Rows are grouped into one visit per (household, date, cadre). Each visit's answers are checked with
``surveys.validate_answers`` for the members listed (members not on the sheet are simply not in
that visit). Every problem carries its Excel row: unknown household number, a number found in
several villages without a 村 column, a moved-out household, a name that is not an active member
(or is ambiguous), a member twice in one visit, a bad or future date, a missing cadre, a value that
is not 是/否, an unknown channel, household answers that differ between the rows of one visit, and
whatever the form refuses (channel required when briefed, not allowed when not, min/max...).

Visit ids are derived from (household, date, cadre), so importing the same sheet again records
nothing new (``VisitParse.already_imported`` counts those). A visit with any bad row is left out
whole. Body (docs/architecture.md ``visit``): ``{household, village, cadre, form:{id,version},
answers, members, visited_on}``; ``visited_on`` is the date on the paper form (the entry's own time
is when it was typed in). Member records carry all five contract fields; a blank yes/no cell on the
sheet is recorded as ``False``, a channel for a member not briefed as ``""``.

API::

    parse = parse_visits(path, state, form=None, cadre=None, today=None)   # never raises for rows
    events = visit_events(parse, skip_bad_rows=False)                       # VisitsRefused if problems
    write_visit_template(path, form=None, state=None, village=None)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fieldkit.core.canonical import canonical
from fieldkit.core.errors import FieldkitError
from fieldkit.core.model import HOUSEHOLD_MOVED_OUT, REGISTERED_ONLY, Household, Person, State
from fieldkit.core.roster import PlannedEvent, clean_name, header_key, match_columns, number_key
from fieldkit.core.tables import RowProblem, Table, clean_text, read_table, write_table
from surveys import AnswerProblem, Form, Question, default_forms, validate_answers

FORM_ID = "household_visit"
EARLIEST_VISIT = date(2015, 1, 1)

# Fixed columns: key -> the header written in templates, then accepted variants.
FIXED_HEADERS: dict[str, tuple[str, ...]] = {
    "village": ("村", "村名", "行政村", "村/社区", "社区", "village"),
    "household_no": ("户编号", "户号", "户编码", "household_no", "household_number", "house_number", "household"),
    "name": ("姓名", "成员姓名", "人员姓名", "name"),
    "birth_year": ("出生年份", "出生年", "birth_year"),
    "date": ("走访日期", "日期", "入户日期", "宣传日期", "走访时间", "visit_date", "visited_on", "date"),
    "cadre": ("走访人", "走访干部", "宣传人", "网格员", "登记人", "cadre", "visitor"),
}
# Extra names for the household visit form's questions (besides each question's labels and id).
QUESTION_HEADERS: dict[str, tuple[str, ...]] = {
    "briefed": ("是否宣传", "已宣传", "是否已宣传", "已完成宣传"),
    "channel": ("宣传方式", "方式"),
    "app_installed": ("已装反诈APP", "已安装反诈APP", "安装反诈APP", "反诈APP", "已装国家反诈中心APP"),
    "call_warning": ("已开来电预警", "来电预警", "开启来电预警", "已开启来电预警"),
    "joined_group": ("已进反诈群", "进反诈群", "已加入反诈群", "加入村反诈群", "已入群"),
    "materials_given": ("发放资料份数", "资料份数", "发放资料"),
}
TEMPLATE_MEMBER_COLUMNS = ("briefed", "channel", "app_installed", "call_warning", "joined_group")
MEMBER_DEFAULTS: dict[str, Any] = {
    "briefed": False,
    "channel": "",
    "app_installed": False,
    "call_warning": False,
    "joined_group": False,
}

YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "有", "已", "已装", "已开", "已进", "已安装", "已开启", "已加入"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "✗", "✘", "不", "错", "无", "没有", "未", "未装", "未开", "未进", "未安装", "未开启", "未加入"})
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "channel": {
        "面对面": "in_person", "当面": "in_person", "入户": "in_person", "上门": "in_person", "现场": "in_person",
        "电话": "phone", "打电话": "phone", "电话宣传": "phone",
        "微信": "wechat", "微信宣传": "wechat",
        "视频": "video", "视频通话": "video", "微信视频": "video",
    }
}
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_LIST_SPLIT = re.compile(r"[、,，;；/]")


def parse_visit_date(text: str) -> date | None:
    compact = text.replace(" ", "") if ":" not in text else text
    match = _DATE.fullmatch(compact) or _COMPACT_DATE.fullmatch(compact)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def parse_yes_no(text: str) -> bool | None:
    key = text.replace(" ", "").lower()
    if key in YES:
        return True
    if key in NO:
        return False
    return None


# ------------------------------------------------------------------------------------------ types


@dataclass(frozen=True)
class ImportedVisit:
    entity: str  # visit:<32 hex>, derived from (household, date, cadre)
    body: dict[str, Any]
    village: str  # village code
    visited_on: str  # YYYY-MM-DD
    rows: tuple[int, ...]  # the sheet rows it came from


@dataclass(frozen=True)
class VisitParse:
    visits: tuple[ImportedVisit, ...]  # clean visits not yet recorded
    problems: tuple[RowProblem, ...]  # by row
    already_imported: int = 0  # visits of this sheet already in the state
    skipped_visits: int = 0  # visits left out because a row of theirs has a problem
    fixes: dict[str, int] = field(default_factory=dict)  # tables.clean_text fix kinds -> cells
    source: str = ""
    ignored_columns: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.problems


class VisitsRefused(FieldkitError):
    """The sheet has problems and ``skip_bad_rows`` was not given. Nothing may be written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("visit_import.refused", count=len(problems), rows=len({p.row for p in problems}))
        self.problems = tuple(problems)


def visit_events(parse: VisitParse, skip_bad_rows: bool = False) -> list[PlannedEvent]:
    """The ``visit`` events to record (facts: empty base), or ``VisitsRefused``."""
    if parse.problems and not skip_bad_rows:
        raise VisitsRefused(parse.problems)
    return [PlannedEvent("visit", v.entity, [], v.body, v.village) for v in parse.visits]


def visit_entity(household_id: str, visited_on: str, cadre: str) -> str:
    digest = hashlib.sha256(canonical(["visit_import", household_id, visited_on, cadre])).hexdigest()
    return f"visit:{digest[:32]}"


# ---------------------------------------------------------------------------------------- headers


def household_form(form: Form | None) -> Form:
    form = form if form is not None else default_forms()[FORM_ID]
    if not form.member_questions or form.applies_to != "household":
        raise FieldkitError("visit_import.bad_form", form=form.id)
    return form


def _aliases(form: Form) -> dict[str, str]:
    """header key -> column: fixed columns and "q:<question id>"."""
    aliases: dict[str, str] = {}
    for column, names in FIXED_HEADERS.items():
        for name in names:
            aliases.setdefault(header_key(name), column)
    for question in form.questions:
        names = (*QUESTION_HEADERS.get(question.id, ()), question.label.zh, question.label.en, question.id)
        for name in names:
            aliases.setdefault(header_key(name), f"q:{question.id}")
    return aliases


def template_header(form: Form) -> list[str]:
    """Fixed columns, the five member columns, then the form's other questions by Chinese label."""
    header = [FIXED_HEADERS[c][0] for c in ("village", "household_no", "name", "date", "cadre")]
    rank = {qid: index for index, qid in enumerate(TEMPLATE_MEMBER_COLUMNS)}
    members = sorted(form.member_questions, key=lambda q: rank.get(q.id, len(rank)))  # stable: form order after
    header += [_column_title(f"q:{q.id}", form) for q in members]
    header += [q.label.zh for q in form.household_questions]
    return header


def _columns(table: Table, form: Form, cadre_default: str | None) -> tuple[dict[str, int], tuple[str, ...]]:
    aliases = _aliases(form)
    columns, _, ignored = match_columns(table, aliases, "visit_import.duplicate_column")
    required = ["household_no", "name", "date", "q:briefed"]
    if not cadre_default:
        required.append("cadre")
    missing = [_column_title(c, form) for c in required if c not in columns]
    if missing:
        raise FieldkitError("visit_import.missing_columns", columns="、".join(missing), row=table.header_row)
    return columns, ignored


def _column_title(column: str, form: Form) -> str:
    if column.startswith("q:"):
        qid = column[2:]
        names = QUESTION_HEADERS.get(qid)
        question = form.question(qid)
        return names[0] if names else (question.label.zh if question else qid)
    return FIXED_HEADERS[column][0]


def _looks_like_visit_header(cells: Sequence[str]) -> bool:
    keys = {header_key(c) for c in cells}
    return bool(keys & {header_key(n) for n in FIXED_HEADERS["household_no"]}) and bool(
        keys & {header_key(n) for n in FIXED_HEADERS["name"]}
    )


# ------------------------------------------------------------------------------------------ parse


@dataclass
class _Row:
    row: int
    household: Household
    person: Person
    visited_on: str
    cadre: str
    member: dict[str, Any]  # answered member questions
    household_answers: dict[str, Any]
    unreadable: frozenset[str]  # question ids whose cell was already reported as unreadable


def parse_visits(
    path: Path,
    state: State,
    form: Form | None = None,
    *,
    cadre: str | None = None,
    today: date | None = None,
) -> VisitParse:
    """Read a 补录 sheet and check every row. ``cadre`` fills a missing 走访人 column or blank cells
    (the laptop's cadre). Only raises for an unreadable file or missing/duplicated columns."""
    form = household_form(form)
    table = read_table(Path(path), find_header=_looks_like_visit_header)
    return parse_visit_table(table, state, form, cadre=cadre, today=today)


def parse_visit_table(
    table: Table, state: State, form: Form, *, cadre: str | None = None, today: date | None = None
) -> VisitParse:
    today = today or date.today()
    columns, ignored = _columns(table, form, cadre)
    lookup = _HouseholdLookup(state)
    problems: list[RowProblem] = []
    fixes: dict[str, int] = {}
    parsed: list[_Row] = []
    bad_keys: set[tuple[str, str, str]] = set()

    def problem(row: int, code: str, **params: Any) -> None:
        problems.append(RowProblem(row, f"visit_import.problem.{code}", params))

    for record in table.rows:
        if record.blank:
            continue
        values: dict[str, str] = {}
        for column, index in columns.items():
            text, kinds = clean_text(record.cell(index))
            for kind in kinds:
                fixes[kind] = fixes.get(kind, 0) + 1
            values[column] = text
        row = record.number
        before = len(problems)

        household: Household | None = None
        person: Person | None = None
        number = values["household_no"].replace(" ", "")
        if not number:
            problem(row, "missing_household_no")
        else:
            household, code = lookup.household(values.get("village", ""), number)
            if code:
                problem(row, code)
        name = clean_name(values["name"])
        if not name:
            problem(row, "missing_name")
        elif household is not None:
            person, code = lookup.member(household, name, values.get("birth_year", ""))
            if code:
                problem(row, code)

        visited = parse_visit_date(values["date"]) if values["date"] else None
        if not values["date"]:
            problem(row, "missing_date")
        elif visited is None or visited < EARLIEST_VISIT:
            problem(row, "bad_date")
        elif visited > today:
            problem(row, "future_date")
        who = values.get("cadre", "") or (cadre or "")
        if not who:
            problem(row, "missing_cadre")
        key_ok = len(problems) == before

        member: dict[str, Any] = {}
        household_answers: dict[str, Any] = {}
        unreadable: set[str] = set()
        for column, text in values.items():
            if not column.startswith("q:") or not text:
                continue
            question = form.question(column[2:])
            assert question is not None
            value, code = _convert(question, text)
            if code:
                problem(row, code, column=_column_title(column, form))
                unreadable.add(question.id)
                continue
            (member if question.per_member else household_answers)[question.id] = value

        if household is not None and visited is not None and who and len(problems) > before:
            # the visit this row belongs to is known: leave all of it out, not just this row
            bad_keys.add((household.id, visited.isoformat(), who))
        if not key_ok:
            continue
        assert household is not None and person is not None and visited is not None
        parsed.append(
            _Row(row, household, person, visited.isoformat(), who, member, household_answers, frozenset(unreadable))
        )

    groups: dict[tuple[str, str, str], list[_Row]] = {}
    for entry in parsed:
        groups.setdefault((entry.household.id, entry.visited_on, entry.cadre), []).append(entry)

    known = {visit.id for visit in state.visits}
    visits: list[ImportedVisit] = []
    already = 0
    skipped = set(bad_keys)
    for key, rows in groups.items():
        group_problems = _check_group(form, rows)
        problems.extend(group_problems)
        if group_problems or key in bad_keys:
            skipped.add(key)
            continue
        visit = _build_visit(form, rows)
        if visit.entity.partition(":")[2] in known:
            already += 1
            continue
        visits.append(visit)

    problems.sort(key=lambda p: p.row)
    return VisitParse(
        visits=tuple(visits),
        problems=tuple(problems),
        already_imported=already,
        skipped_visits=len(skipped),
        fixes=dict(sorted(fixes.items())),
        source=table.source,
        ignored_columns=ignored,
    )


def _convert(question: Question, text: str) -> tuple[Any, str]:
    """A cell as the answer value the form expects, or (None, problem code)."""
    kind = question.type
    if kind == "bool":
        value = parse_yes_no(text)
        return (value, "") if value is not None else (None, "not_yes_no")
    if kind == "int":
        digits = text.replace(" ", "")
        if digits.endswith(("份", "个", "人", "次")):
            digits = digits[:-1]
        return (int(digits), "") if digits.isdigit() and digits.isascii() else (None, "not_number")
    if kind == "choice":
        value = _choice(question, text)
        return (value, "") if value else (None, "unknown_channel" if question.id == "channel" else "unknown_choice")
    if kind == "multi":
        picked = [_choice(question, part.strip()) for part in _LIST_SPLIT.split(text) if part.strip()]
        return (picked, "") if all(picked) else (None, "unknown_choice")
    if kind == "date":
        day = parse_visit_date(text)
        return (day.isoformat(), "") if day else (None, "bad_answer_date")
    if kind in ("phone", "idcard"):
        return text.replace(" ", "").replace("-", "").upper(), ""
    return text, ""


def _choice(question: Question, text: str) -> str:
    key = text.replace(" ", "").lower()
    aliases = CHOICE_ALIASES.get(question.id, {})
    if key in aliases and aliases[key] in question.choice_values():
        return aliases[key]
    for choice in question.choices:
        if key in (choice.value.lower(), choice.label.zh.replace(" ", "").lower(), choice.label.en.replace(" ", "").lower()):
            return choice.value
    return ""


class _HouseholdLookup:
    def __init__(self, state: State) -> None:
        self.state = state
        self.village_codes: dict[str, list[str]] = {}
        for village in state.villages.values():
            self.village_codes.setdefault(village.name, []).append(village.code)
        self.by_number: dict[str, list[Household]] = {}
        for household in state.households.values():
            self.by_number.setdefault(number_key(household.number), []).append(household)

    def household(self, village_name: str, number: str) -> tuple[Household | None, str]:
        found = self.by_number.get(number_key(number), [])
        if village_name:
            codes = self.village_codes.get(village_name.replace(" ", ""), [])
            if not codes:
                return None, "unknown_village"
            found = [h for h in found if h.village in codes]
        if not found:
            return None, "unknown_household"
        if len(found) > 1:
            return None, "ambiguous_household"
        if found[0].status == HOUSEHOLD_MOVED_OUT:
            return None, "household_moved_out"
        return found[0], ""

    def member(self, household: Household, name: str, birth_year: str) -> tuple[Person | None, str]:
        named = [p for p in self.state.members_of(household.id) if p.name == name]
        if len(named) > 1 and birth_year.isdigit():
            named = [p for p in named if p.birth_year == int(birth_year)]
        if not named:
            return None, "not_a_member"
        if len(named) > 1:
            return None, "ambiguous_member"
        return named[0], ""


def _check_group(form: Form, rows: list[_Row]) -> list[RowProblem]:
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    answers: dict[str, Any] = {}
    answer_row: dict[str, int] = {}
    for entry in rows:
        if entry.person.id in seen:
            problems.append(RowProblem(entry.row, "visit_import.problem.duplicate_member", {"first_row": seen[entry.person.id]}))
        else:
            seen[entry.person.id] = entry.row
        for qid, value in entry.household_answers.items():
            if qid in answers and answers[qid] != value:
                question = form.question(qid)
                problems.append(
                    RowProblem(
                        entry.row,
                        "visit_import.problem.answer_conflict",
                        {"column": question.label.zh if question else qid, "first_row": answer_row[qid]},
                    )
                )
            else:
                answers.setdefault(qid, value)
                answer_row.setdefault(qid, entry.row)
    if problems:
        return problems
    member_answers = {entry.person.id: entry.member for entry in rows}
    row_of_member = {entry.person.id: entry.row for entry in rows}
    found = validate_answers(form, {**answers, "members": member_answers}, members=list(member_answers))
    unreadable = {(entry.person.id, qid) for entry in rows for qid in entry.unreadable}
    unreadable |= {(None, qid) for entry in rows for qid in entry.unreadable}
    missing = {p.member for p in found if p.code == "answer_required"}
    for answer_problem in found:
        if (answer_problem.member, answer_problem.question) in unreadable:
            continue  # already reported: the cell could not be read
        if answer_problem.code == "answer_not_relevant" and answer_problem.member in missing:
            continue  # a consequence of the missing answer reported for the same row
        row = row_of_member.get(answer_problem.member or "", 0) or answer_row.get(answer_problem.question, rows[0].row)
        problems.append(_form_problem(form, row, answer_problem))
    return problems


def _form_problem(form: Form, row: int, problem: AnswerProblem) -> RowProblem:
    params = problem.all_params()
    question = form.question(problem.question)
    if question is not None:
        names = QUESTION_HEADERS.get(question.id)
        params["question"] = names[0] if names else question.label.zh
    params["member"] = ""  # the row number says who; ids mean nothing on a paper-form sheet
    return RowProblem(row, f"forms.{problem.code}", params)


def _build_visit(form: Form, rows: list[_Row]) -> ImportedVisit:
    first = rows[0]
    household_answers: dict[str, Any] = {}
    for entry in rows:
        for qid, value in entry.household_answers.items():
            household_answers.setdefault(qid, value)
    members = {entry.person.id: {**MEMBER_DEFAULTS, **entry.member} for entry in rows}
    body = {
        "household": first.household.id,
        "village": first.household.village,
        "cadre": first.cadre,
        "form": {"id": form.id, "version": form.version},
        "answers": household_answers,
        "members": members,
        "visited_on": first.visited_on,
    }
    return ImportedVisit(
        entity=visit_entity(first.household.id, first.visited_on, first.cadre),
        body=body,
        village=first.household.village,
        visited_on=first.visited_on,
        rows=tuple(entry.row for entry in rows),
    )


# --------------------------------------------------------------------------------------- template


def template_rows(state: State, form: Form, village: str | None = None) -> list[list[str]]:
    """One row per active member living in (or away from) a household of ``village`` (a code; all
    villages when None), with 村, 户编号, 姓名 filled; the rest for the cadre to fill."""
    width = len(template_header(form))
    names = {v.code: v.name for v in state.villages.values()}
    out: list[list[str]] = []
    for household in state.households.values():
        if village is not None and household.village != village:
            continue
        if household.status == HOUSEHOLD_MOVED_OUT:
            continue
        for person in state.members_of(household.id):
            if person.residence == REGISTERED_ONLY:
                continue
            out.append([names.get(household.village, ""), household.number, person.name] + [""] * (width - 3))
    return out


def write_visit_template(
    path: Path, form: Form | None = None, state: State | None = None, village: str | None = None
) -> None:
    """A sheet a cadre can fill: XLSX when ``path`` ends in .xlsx, else CSV with BOM. With ``state``
    it lists every member to visit (village code ``village``, or all)."""
    form = household_form(form)
    rows = template_rows(state, form, village) if state is not None else []
    write_table(Path(path), template_header(form), rows)


__all__ = [
    "ImportedVisit",
    "VisitParse",
    "VisitsRefused",
    "parse_visit_date",
    "parse_visit_table",
    "parse_visits",
    "parse_yes_no",
    "template_header",
    "template_rows",
    "visit_entity",
    "visit_events",
    "write_visit_template",
]
