"""Load a form from YAML, checking everything and reporting every mistake with its file and line.

The schema is documented at the top of ``forms/household_visit.yaml``. ``load_form`` and
``load_form_text`` either return a ``Form`` or raise ``FormError`` listing all problems found.
Nothing in the YAML is ever executed or constructed beyond plain data (see surveys.yamltree).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from surveys.conditions import QuestionInfo, check_condition, referenced_questions
from surveys.model import APPLIES_TO, LANGUAGES, QUESTION_TYPES, Choice, Form, Question, Text
from surveys.problems import FormError, Problem
from surveys.yamltree import INVALID, LineDict, LineList, parse

MAX_BYTES = 1_000_000
FORM_FIELDS = ("id", "version", "title", "applies_to", "questions")
QUESTION_FIELDS = ("id", "type", "label", "required", "choices", "min", "max", "per_member", "relevant")
CHOICE_FIELDS = ("value", "label")
RESERVED_IDS = frozenset({"members"})  # answers["members"] holds the per-member answers
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")
CHOICE_VALUE = re.compile(r"[a-z0-9][a-z0-9_]{0,63}")

# Forms whose answers become event bodies (docs/architecture.md). A township may ship a newer
# version with more questions, but these must stay as they are or the fold and coverage break.
# form id -> question id -> (type, per_member, exact choice values or None)
CONTRACTS: dict[str, dict[str, tuple[str, bool, tuple[str, ...] | None]]] = {
    "household_visit": {
        "briefed": ("bool", True, None),
        "channel": ("choice", True, ("in_person", "phone", "wechat", "video")),
        "app_installed": ("bool", True, None),
        "call_warning": ("bool", True, None),
        "joined_group": ("bool", True, None),
    },
    "village_activity": {
        "kind": ("choice", False, ("loudspeaker", "lecture", "market_stall", "banner", "led", "wechat_push", "school")),
        "place": ("text", False, None),
        "audience": ("int", False, None),
        "materials": ("int", False, None),
        "note": ("text", False, None),
    },
    "key_person_dossier": {
        "category": ("choice", False, ("prior_offender", "high_risk", "myanmar_returnee", "two_cards")),
        "name": ("text", False, None),
        "id_number": ("idcard", False, None),
    },
    "callback": {
        "result": ("choice", False, ("confirmed", "denied", "unreachable")),
        "note": ("text", False, None),
    },
}

_MISSING: Any = object()


def load_form(path: Path) -> Form:
    """Load and check the form in ``path`` (UTF-8, with or without BOM). Raises FormError."""
    path = Path(path)
    source = str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise FormError([Problem(source, 0, "too_large", {"limit": MAX_BYTES})])
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise FormError([Problem(source, 0, "file_unreadable", {"reason": reason})]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormError([Problem(source, line, "not_utf8", {})]) from None
    return load_form_text(text, source)


def load_form_text(text: str, source: str) -> Form:
    """Load and check a form from YAML text; ``source`` names it in problems. Raises FormError."""
    if len(text) > MAX_BYTES // 4 and len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise FormError([Problem(source, 0, "too_large", {"limit": MAX_BYTES})])
    text = text.removeprefix("\ufeff")
    tree, problems = parse(text, source)
    if tree is None:
        raise FormError(problems)
    builder = _Builder(source, problems)
    form = builder.form(tree, text)
    if builder.problems or form is None:
        raise FormError(sorted(builder.problems, key=lambda p: p.line))
    return form


def default_forms() -> dict[str, Form]:
    """The forms shipped in surveys/forms, by form id."""
    return {form.id: form for form in _default_forms()}


@lru_cache(maxsize=1)
def _default_forms() -> tuple[Form, ...]:
    folder = resources.files("surveys") / "forms"
    forms = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            forms.append(load_form_text(entry.read_text(encoding="utf-8"), f"surveys/forms/{entry.name}"))
    return tuple(forms)


def plain(value: Any) -> Any:
    """A LineDict/LineList tree as ordinary dicts and lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class _Builder:
    """Checks a parsed form field by field, collecting problems, and builds the Form if all is well."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems

    def report(self, line: int, code: str, **params: object) -> None:
        self.problems.append(Problem(self.source, line, code, params))

    # --- generic field readers: each reports its own problems and returns _MISSING on failure ----

    def mapping(self, value: Any, line: int, field: str, allowed: tuple[str, ...]) -> LineDict | None:
        if value is INVALID:
            return None
        if not isinstance(value, LineDict):
            self.report(line, "expected_mapping", field=field)
            return None
        for key in value:
            if key not in allowed:
                self.report(value.key_lines[key], "unknown_field", field=f"{field}.{key}" if field else str(key))
        return value

    def get(self, m: LineDict, key: str, field: str, required: bool) -> tuple[Any, int]:
        if key not in m:
            if required:
                self.report(m.line, "missing_field", field=field)
            return _MISSING, m.line
        value = m[key]
        return (_MISSING if value is INVALID else value), m.key_lines[key]

    def identifier(self, m: LineDict, key: str, field: str, pattern: re.Pattern[str] = IDENTIFIER) -> Any:
        value, line = self.get(m, key, field, required=True)
        if value is _MISSING:
            return _MISSING
        if not isinstance(value, str):
            self.report(line, "expected_text", field=field)
            return _MISSING
        if pattern.fullmatch(value) is None:
            self.report(line, "bad_id", field=field, value=value)
            return _MISSING
        return value

    def boolean(self, m: LineDict, key: str, field: str) -> Any:
        value, line = self.get(m, key, field, required=False)
        if value is _MISSING:
            return False if key not in m else _MISSING
        if not isinstance(value, bool):
            self.report(line, "expected_bool", field=field)
            return _MISSING
        return value

    def integer(self, m: LineDict, key: str, field: str, required: bool) -> Any:
        value, line = self.get(m, key, field, required=required)
        if value is _MISSING:
            return _MISSING
        if not isinstance(value, int) or isinstance(value, bool):
            self.report(line, "expected_int", field=field)
            return _MISSING
        return value

    def text(self, m: LineDict, key: str, field: str) -> Text | None:
        """A {zh, en} text; both languages are required."""
        value, line = self.get(m, key, field, required=True)
        if value is _MISSING:
            return None
        texts = self.mapping(value, line, field, LANGUAGES)
        if texts is None:
            return None
        found: dict[str, str] = {}
        for lang in LANGUAGES:
            item = texts.get(lang, _MISSING)
            if item is INVALID:
                continue
            if item is _MISSING or item is None or (isinstance(item, str) and not item.strip()):
                self.report(texts.line, "missing_language", field=field, lang=lang)
            elif not isinstance(item, str):
                self.report(texts.key_lines[lang], "expected_text", field=f"{field}.{lang}")
            else:
                found[lang] = item.strip()
        if len(found) != len(LANGUAGES):
            return None
        return Text(zh=found["zh"], en=found["en"])

    # --- the form ---------------------------------------------------------------------------------

    def form(self, tree: Any, text: str) -> Form | None:
        if not isinstance(tree, LineDict):
            if tree is not INVALID:
                self.report(getattr(tree, "line", 1), "expected_mapping", field="form")
            return None
        root = self.mapping(tree, tree.line, "", FORM_FIELDS)
        if root is None:
            return None
        form_id = self.identifier(root, "id", "id")
        version = self.integer(root, "version", "version", required=True)
        if version is not _MISSING and version < 1:
            self.report(root.key_lines["version"], "bad_version")
            version = _MISSING
        title = self.text(root, "title", "title")
        applies_to, line = self.get(root, "applies_to", "applies_to", required=True)
        if applies_to is not _MISSING and applies_to not in APPLIES_TO:
            self.report(line, "unknown_applies_to", value=str(applies_to), allowed=", ".join(APPLIES_TO))
            applies_to = _MISSING
        questions = self.questions(root, applies_to)
        if questions is not None and form_id in CONTRACTS:
            self.contract(form_id, questions, root)
        if self.problems or _MISSING in (form_id, version, applies_to) or title is None or questions is None:
            return None
        return Form(
            id=form_id, version=version, title=title, applies_to=applies_to,
            questions=tuple(questions), source=self.source, text=text,
        )

    def questions(self, root: LineDict, applies_to: Any) -> list[Question] | None:
        items, line = self.get(root, "questions", "questions", required=True)
        if items is _MISSING:
            return None
        if not isinstance(items, LineList):
            self.report(line, "expected_list", field="questions")
            return None
        if not items:
            self.report(line, "no_questions")
            return None

        # First pass: each question on its own. Conditions need the whole table, so they wait.
        parsed: list[tuple[dict[str, Any], LineDict]] = []
        first_line: dict[str, int] = {}
        for index, (item, item_line) in enumerate(zip(items, items.item_lines), start=1):
            fields = self.question(item, item_line, index, applies_to)
            if fields is None:
                continue
            qid = fields["id"]
            if qid is not _MISSING:
                if qid in first_line:
                    self.report(fields["id_line"], "duplicate_id", question=qid, first_line=first_line[qid])
                    continue
                first_line[qid] = fields["id_line"]
            parsed.append((fields, item))

        # A question whose type is broken still exists (type None): conditions naming it are not
        # reported as naming an unknown question on top of the broken type.
        table = {
            f["id"]: QuestionInfo(
                None if f["type"] is _MISSING else f["type"],
                f["per_member"] is True,
                tuple(c.value for c in f["choices"]) if isinstance(f["choices"], list) else (),
            )
            for f, _ in parsed
            if f["id"] is not _MISSING
        }
        conditions: dict[str, tuple[Any, int]] = {}
        for fields, item in parsed:
            written = item.get("relevant")
            if written is None or written is INVALID:  # `relevant: null` means always asked
                continue
            name = fields["name"]
            cond_line = item.key_lines["relevant"]
            if check_condition(item["relevant"], cond_line, name, fields["per_member"] is True, table, self.report):
                conditions[name] = (item["relevant"], cond_line)
            else:
                fields["ok"] = False
        self.cycles(conditions)

        if not all(f["ok"] for f, _ in parsed) or len(parsed) != len(items):
            return None
        return [
            Question(
                id=f["id"], type=f["type"], label=f["label"], required=f["required"],
                choices=tuple(f["choices"] or ()), min=f["min"], max=f["max"],
                per_member=f["per_member"], relevant=plain(item.get("relevant")), line=item.line,
            )
            for f, item in parsed
        ]

    def question(self, item: Any, line: int, index: int, applies_to: Any) -> dict[str, Any] | None:
        q = self.mapping(item, line, f"questions[{index}]", QUESTION_FIELDS)
        if q is None:
            return None
        qid = self.identifier(q, "id", f"questions[{index}].id")
        name = qid if qid is not _MISSING else f"questions[{index}]"
        if qid in RESERVED_IDS:
            self.report(q.key_lines["id"], "reserved_id", question=qid)
            qid = _MISSING
        qtype, type_line = self.get(q, "type", f"{name}.type", required=True)
        if qtype is not _MISSING and qtype not in QUESTION_TYPES:
            self.report(type_line, "unknown_type", question=name, type=str(qtype), allowed=", ".join(QUESTION_TYPES))
            qtype = _MISSING
        label = self.text(q, "label", f"{name}.label")
        required = self.boolean(q, "required", f"{name}.required")
        per_member = self.boolean(q, "per_member", f"{name}.per_member")
        if per_member is True and applies_to is not _MISSING and applies_to != "household":
            self.report(q.key_lines["per_member"], "per_member_not_allowed", question=name, applies_to=applies_to)
            per_member = _MISSING
        choices = self.choices(q, name, qtype)
        low, high = self.bounds(q, name, qtype)
        fields = {
            "id": qid, "id_line": q.key_lines.get("id", q.line), "name": name, "type": qtype, "label": label,
            "required": required, "per_member": per_member, "choices": choices, "min": low, "max": high,
        }
        fields["ok"] = not any(v is _MISSING for v in fields.values()) and label is not None
        if choices is None and qtype in ("choice", "multi"):
            fields["ok"] = False
        return fields

    def choices(self, q: LineDict, name: str, qtype: Any) -> Any:
        """The choices of a choice/multi question (a list); None when broken or not applicable."""
        if qtype not in ("choice", "multi"):
            if "choices" in q and qtype is not _MISSING:
                self.report(q.key_lines["choices"], "choices_not_allowed", question=name, type=qtype)
                return _MISSING
            return None
        items, line = self.get(q, "choices", f"{name}.choices", required=False)
        if items is _MISSING:
            if "choices" not in q:
                self.report(q.line, "choices_missing", question=name)
            return None
        if not isinstance(items, LineList):
            self.report(line, "expected_list", field=f"{name}.choices")
            return None
        if not items:
            self.report(line, "choices_missing", question=name)
            return None
        out: list[Choice] = []
        seen: set[str] = set()
        ok = True
        for index, (item, item_line) in enumerate(zip(items, items.item_lines), start=1):
            field = f"{name}.choices[{index}]"
            c = self.mapping(item, item_line, field, CHOICE_FIELDS)
            if c is None:
                ok = False
                continue
            value = self.identifier(c, "value", f"{field}.value", CHOICE_VALUE)
            label = self.text(c, "label", f"{field}.label")
            if value is not _MISSING and value in seen:
                self.report(c.key_lines["value"], "duplicate_choice", question=name, value=value)
                ok = False
            if value is _MISSING or label is None:
                ok = False
                continue
            seen.add(value)
            out.append(Choice(value=value, label=label))
        return out if ok else None

    def bounds(self, q: LineDict, name: str, qtype: Any) -> tuple[Any, Any]:
        if qtype != "int":
            for key in ("min", "max"):
                if key in q and qtype is not _MISSING:
                    self.report(q.key_lines[key], "min_max_not_allowed", question=name, type=qtype)
                    return _MISSING, _MISSING
            return None, None
        low = self.integer(q, "min", f"{name}.min", required=False)
        high = self.integer(q, "max", f"{name}.max", required=False)
        low = None if low is _MISSING and "min" not in q else low
        high = None if high is _MISSING and "max" not in q else high
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.report(q.key_lines["min"], "min_above_max", question=name)
            return _MISSING, _MISSING
        return low, high

    def cycles(self, conditions: Mapping[str, tuple[Any, int]]) -> None:
        """Report each question whose relevance depends, through other conditions, on itself."""
        edges = {qid: referenced_questions(plain(cond)) for qid, (cond, _) in conditions.items()}
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        in_cycle: set[str] = set()

        def visit(qid: str, path: list[str]) -> None:
            state[qid] = 1
            path.append(qid)
            for ref in edges.get(qid, ()):
                if state.get(ref) == 1:
                    in_cycle.update(path[path.index(ref):])
                elif ref not in state:
                    visit(ref, path)
            path.pop()
            state[qid] = 2

        for qid in edges:
            if qid not in state:
                visit(qid, [])
        for qid in sorted(in_cycle, key=lambda q: conditions[q][1]):
            self.report(conditions[qid][1], "condition_cycle", question=qid)

    def contract(self, form_id: str, questions: list[Question], root: LineDict) -> None:
        by_id = {q.id: q for q in questions}
        for qid, (qtype, per_member, choices) in CONTRACTS[form_id].items():
            q = by_id.get(qid)
            ok = (
                q is not None
                and q.type == qtype
                and q.per_member == per_member
                and (choices is None or set(q.choice_values()) == set(choices))
            )
            if not ok:
                expected = ("per-member " if per_member else "") + qtype
                if choices:
                    expected += " (" + ", ".join(choices) + ")"
                self.report(q.line if q else root.key_lines["questions"], "contract_question",
                            question=qid, expected=expected)
