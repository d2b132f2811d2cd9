"""Key-person dossiers (一人一档): seal and open one version, read them back, import a typed sheet.

The event (docs/architecture.md): type ``dossier``, entity ``dos:<32 hex>``, body
``{village, version, ciphertext}``. ``ciphertext`` is the standard base64 of an age v1 file with two
X25519 recipients, the township dossier key and the recording device; age headers name no recipient.
Nothing else about the person is in clear — not even the category, since "is a key person" is itself
sensitive.

Plaintext of the age file::

    canonical({"answers": {...form answers...},
               "context": {"format": "fieldkit-dossier/1", "dossier": "dos:<hex>", "version": n, "village": code},
               "form": {"id": ..., "version": ...}})
    + spaces up to a multiple of PAD_BLOCK bytes

The context binds the ciphertext to the event that carries it: after decryption it must equal the
event's entity, version and village, so a ciphertext copied into another dossier, version or village
is refused. (Canonical JSON sorts keys, so "answers" precedes "context" in the bytes; what matters is
that the context is inside the authenticated plaintext.) The padding keeps the file size from telling
a short category from a long one or hinting at the length of a name. ``age -d`` with either key gives
the JSON (plus trailing spaces, which any JSON reader ignores).

Updating a dossier is a new version: ``version`` = highest known + 1, ``base`` = the current heads
(the edit DAG of docs/architecture.md), encrypted afresh.

Sheet import (补录, on a laptop): one row per person, columns named by the dossier form's question
labels (人员类别, 姓名, 公民身份号码, 联系电话, ...). Every row is checked against the form; every problem
carries its Excel row and never the cell's value. A row whose ID number matches a dossier this laptop
recorded (and can open) is an update of that dossier — a full replacement of its answers — or nothing
at all if the answers are the same, so importing a sheet twice records nothing new.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldkit.core import age
from fieldkit.core.canonical import canonical
from fieldkit.core.errors import FieldkitError
from fieldkit.core.model import DossierIndex, State
from fieldkit.core.roster import header_key, match_columns, match_header
from fieldkit.core.tables import RowProblem, Table, clean_text, read_table, write_table
from fieldkit.core.visit_import import parse_visit_date, parse_yes_no
from surveys import AnswerProblem, Form, FormError, Question, default_forms, load_form_text, validate_answers

FORMAT = "fieldkit-dossier/1"
FORM_ID = "key_person_dossier"
EVENT_TYPE = "dossier"
PREFIX = "dos:"
PAD_BLOCK = 1024
PLAINTEXT_KEYS = frozenset({"answers", "context", "form"})
CONTEXT_KEYS = frozenset({"format", "dossier", "version", "village"})

_HEX32 = re.compile(r"[0-9a-f]{32}")
_VILLAGE = re.compile(r"[0-9]{12}")
_SCIENTIFIC = re.compile(r"[0-9.]+[eE][+]?[0-9]+")
_LIST_SPLIT = re.compile(r"[、,，;；/]")


# ------------------------------------------------------------------------------------------ errors


class DossierError(FieldkitError):
    """A dossier version that cannot be opened or does not belong where it was found."""

    def __init__(self, key: str, dossier: str, **params: object) -> None:
        super().__init__(key, dossier=dossier, **params)
        self.dossier = dossier


class DossierLockedError(DossierError):
    """Not encrypted to any of the keys given (another laptop's dossier, or the wrong key file)."""

    def __init__(self, dossier: str) -> None:
        super().__init__("dossier.no_key", dossier)


class DossierContextError(DossierError):
    """The plaintext names another dossier, version or village than the event carrying it."""

    def __init__(self, dossier: str, field_name: str) -> None:
        super().__init__(f"dossier.moved.{field_name}", dossier)
        self.field = field_name


# ---------------------------------------------------------------------------------------- ids


def new_dossier_id() -> str:
    """A fresh random dossier id: 32 lower-case hex digits (the entity is ``dos:<id>``)."""
    return secrets.token_hex(16)


def plain_id(dossier_id: str) -> str:
    """``<32 hex>`` from either ``<32 hex>`` or ``dos:<32 hex>``; ValueError for anything else."""
    ident = dossier_id[len(PREFIX):] if isinstance(dossier_id, str) and dossier_id.startswith(PREFIX) else dossier_id
    if not isinstance(ident, str) or not _HEX32.fullmatch(ident):
        raise ValueError("a dossier id is 32 lower-case hex digits")
    return ident


def entity_of(dossier_id: str) -> str:
    return PREFIX + plain_id(dossier_id)


def short_id(dossier_id: str) -> str:
    """The first 8 hex digits, for tables (``township dossiers --show`` accepts any unique prefix)."""
    return str(dossier_id).removeprefix(PREFIX)[:8]


# ------------------------------------------------------------------------------------ seal / open


def _form_ref(form: Form | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(form, Form):
        ref = {"id": form.id, "version": form.version}
    else:
        ref = {"id": form.get("id"), "version": form.get("version")}
    if not isinstance(ref["id"], str) or type(ref["version"]) is not int:
        raise ValueError("form must be a surveys.Form or {id: str, version: int}")
    return ref


def _recipients(recipients: Sequence[age.X25519Recipient | str]) -> list[age.X25519Recipient]:
    out: list[age.X25519Recipient] = []
    for recipient in recipients:
        if isinstance(recipient, str):
            recipient = age.X25519Recipient.from_string(recipient)
        if not isinstance(recipient, age.X25519Recipient):
            raise ValueError("dossier recipients are X25519 age recipients")
        if recipient not in out:
            out.append(recipient)
    if not out:
        raise ValueError("a dossier needs at least one recipient")
    return out


def context(dossier_id: str, version: int, village: str) -> dict[str, Any]:
    return {"format": FORMAT, "dossier": entity_of(dossier_id), "version": version, "village": village}


def seal_dossier(
    dossier_id: str,
    version: int,
    village: str,
    answers: Mapping[str, Any],
    form: Form | Mapping[str, Any],
    recipients: Sequence[age.X25519Recipient | str],
) -> bytes:
    """One dossier version as an age file to ``recipients`` (the township dossier key and the
    recording device). ``dossier_id``: 32 hex or ``dos:<hex>``; ``village``: 12-digit code."""
    if type(version) is not int or version < 1:
        raise ValueError("version is an int >= 1")
    if not isinstance(village, str) or not _VILLAGE.fullmatch(village):
        raise ValueError("village is a 12-digit village code")
    if not isinstance(answers, Mapping):
        raise ValueError("answers must be a mapping")
    plaintext = canonical(
        {"answers": dict(answers), "context": context(dossier_id, version, village), "form": _form_ref(form)}
    )
    padded = plaintext + b" " * (-len(plaintext) % PAD_BLOCK)
    return age.encrypt(padded, _recipients(recipients))


def open_dossier(
    ciphertext: bytes,
    identities: Sequence[age.Identity],
    expected_id: str,
    expected_version: int,
    expected_village: str,
) -> dict[str, Any]:
    """Decrypt one version and check its context against the event that carried it.

    Returns ``{"answers": {...}, "context": {...}, "form": {"id", "version"}}``. Raises
    ``DossierLockedError`` (no key fits), ``DossierContextError`` (moved to another dossier, version
    or village) or ``DossierError("dossier.damaged" / "dossier.unsupported_format")``.
    """
    ident = _checked_id(expected_id)
    try:
        padded = age.decrypt(bytes(ciphertext), identities)
    except age.AgeNoMatchError:
        raise DossierLockedError(ident) from None
    except age.AgeError:
        raise DossierError("dossier.damaged", ident) from None
    plaintext = padded.rstrip(b" ")
    try:
        document = json.loads(plaintext.decode("utf-8"), parse_float=_no_float, parse_constant=_no_float)
        if not isinstance(document, dict) or canonical(document) != plaintext:
            raise ValueError("not canonical")
    except (ValueError, UnicodeDecodeError):
        raise DossierError("dossier.damaged", ident) from None
    if document.keys() != PLAINTEXT_KEYS:
        raise DossierError("dossier.damaged", ident)
    found = document["context"]
    if not isinstance(found, dict) or found.keys() != CONTEXT_KEYS:
        raise DossierError("dossier.damaged", ident)
    if found["format"] != FORMAT:
        raise DossierError("dossier.unsupported_format", ident, format=str(found["format"])[:40])
    if found["dossier"] != PREFIX + ident:
        raise DossierContextError(ident, "dossier")
    if type(found["version"]) is not int or found["version"] != expected_version:
        raise DossierContextError(ident, "version")
    if found["village"] != expected_village:
        raise DossierContextError(ident, "village")
    form_ref = document["form"]
    if (
        not isinstance(document["answers"], dict)
        or not isinstance(form_ref, dict)
        or form_ref.keys() != {"id", "version"}
        or not isinstance(form_ref["id"], str)
        or type(form_ref["version"]) is not int
    ):
        raise DossierError("dossier.damaged", ident)
    return document


def _checked_id(dossier_id: object) -> str:
    """The plain id, or ``dossier.damaged`` when an event names no valid dossier id."""
    try:
        return plain_id(dossier_id)  # type: ignore[arg-type]
    except ValueError:
        raise DossierError("dossier.damaged", str(dossier_id)[:40]) from None


def _no_float(text: str) -> Any:
    raise ValueError("no floats in a dossier")


def event_body(village: str, version: int, ciphertext: bytes) -> dict[str, Any]:
    """The ``dossier`` event body: the only things in clear are these three."""
    return {"village": village, "version": version, "ciphertext": base64.b64encode(ciphertext).decode("ascii")}


def ciphertext_of(dossier_id: str, body: Mapping[str, Any]) -> bytes:
    text = body.get("ciphertext")
    try:
        if not isinstance(text, str):
            raise ValueError("no ciphertext")
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, binascii.Error):
        raise DossierError("dossier.damaged", _checked_id(dossier_id)) from None


def open_event_body(dossier_id: str, body: Mapping[str, Any], identities: Sequence[age.Identity]) -> dict[str, Any]:
    """Open the ciphertext of one ``dossier`` event body, checked against that body's claims."""
    version, village = body.get("version"), body.get("village")
    if type(version) is not int or not isinstance(village, str):
        raise DossierError("dossier.damaged", _checked_id(dossier_id))
    return open_dossier(ciphertext_of(dossier_id, body), identities, dossier_id, version, village)


# ----------------------------------------------------------------------------------- reading back


@dataclass(frozen=True)
class OpenedDossier:
    """One opened version. ``answers`` hold names and ID numbers: never log or print the object."""

    id: str  # 32 hex
    village: str
    version: int
    form_id: str
    form_version: int
    created: str
    updated: str
    head: str  # entry hash of this version
    conflict: bool  # the dossier has several heads (edited on two devices from the same base)
    answers: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class DossierRead:
    opened: tuple[OpenedDossier, ...]
    locked: tuple[DossierLockedError, ...]  # none of the keys opens these (other laptops' dossiers)
    failed: tuple[DossierError, ...]  # damaged or moved ciphertexts, one error each


def open_index(index: DossierIndex, identities: Sequence[age.Identity]) -> OpenedDossier:
    """Open the winning head of a folded dossier, checked against the event's entity/version/village."""
    ciphertext = ciphertext_of(index.id, {"ciphertext": index.ciphertext})
    document = open_dossier(ciphertext, identities, index.id, index.version, index.village)
    return _opened(index, document, index.head, index.updated)


def _opened(index: DossierIndex, document: dict[str, Any], head: str, updated: str) -> OpenedDossier:
    return OpenedDossier(
        id=index.id,
        village=document["context"]["village"],  # checked equal to the event's
        version=document["context"]["version"],
        form_id=document["form"]["id"],
        form_version=document["form"]["version"],
        created=index.created,
        updated=updated,
        head=head,
        conflict=len(index.heads) > 1,
        answers=document["answers"],
    )


def open_heads(state: State, index: DossierIndex, identities: Sequence[age.Identity]) -> list[OpenedDossier | DossierError]:
    """Every head of a dossier (one unless it is in conflict), oldest first, the winner last."""
    conflict = state.conflict_of(PREFIX + index.id)
    if conflict is None:
        try:
            return [open_index(index, identities)]
        except DossierError as exc:
            return [exc]
    out: list[OpenedDossier | DossierError] = []
    for value in conflict.values:
        try:
            document = open_event_body(index.id, value.body, identities)
            out.append(_opened(index, document, value.hash, value.time))
        except DossierError as exc:
            out.append(exc)
    return out


def read_dossiers(
    state: State, identities: Sequence[age.Identity], village: str | None = None
) -> DossierRead:
    """Open every dossier (of ``village``, if given) that one of ``identities`` can open."""
    opened: list[OpenedDossier] = []
    failed: list[DossierError] = []
    locked: list[DossierLockedError] = []
    for index in state.dossiers.values():
        if village is not None and index.village != village:
            continue
        try:
            opened.append(open_index(index, identities))
        except DossierLockedError as exc:
            locked.append(exc)
        except DossierError as exc:
            failed.append(exc)
    return DossierRead(tuple(opened), tuple(locked), tuple(failed))


def next_version(state: State, dossier_id: str) -> tuple[int, tuple[str, ...]]:
    """(version, base) for the next edit of a dossier: one above every head's, based on all heads."""
    ident = plain_id(dossier_id)
    entity = PREFIX + ident
    index = state.dossiers.get(ident)
    versions = [index.version] if index is not None else [0]
    conflict = state.conflict_of(entity)
    if conflict is not None:
        versions += [v.body["version"] for v in conflict.values if type(v.body.get("version")) is int]
    return max(versions) + 1, tuple(state.heads_of(entity))


# ------------------------------------------------------------------------------------------ forms


def dossier_form(state: State, version: int | None = None) -> Form:
    """The dossier form the township published (the given version, else the newest), else the
    shipped one. A published form that does not load is skipped rather than blocking the cadre."""
    published = state.forms.get(FORM_ID)
    if published is not None:
        chosen = published.versions.get(version) if version is not None else published.versions.get(published.version)
        if chosen is not None:
            try:
                return load_form_text(chosen.yaml, f"form:{FORM_ID}")
            except FormError:
                pass
    return default_forms()[FORM_ID]


def category_label(form: Form, value: object, lang: str | None = None) -> str:
    question = form.question("category")
    if question is None or not isinstance(value, str):
        return str(value or "")
    return question.choice_label(value, lang or "zh")


def mask_id_number(value: object) -> str:
    """``440106199001011234`` → ``4401**********1234``: enough to tell two people apart on a list."""
    text = value if isinstance(value, str) else ""
    if len(text) < 12:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_phone(value: object) -> str:
    text = value if isinstance(value, str) else ""
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


# ------------------------------------------------------------------------------------ sheet import

# Header names accepted besides each question's Chinese label (the template's), English label and id.
QUESTION_HEADERS: dict[str, tuple[str, ...]] = {
    "category": ("类别", "人员类别", "重点人员类别", "人员类型", "类型"),
    "name": ("姓名", "人员姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码"),
    "address": ("现住址", "住址", "家庭住址", "居住地址"),
    "situation": ("基本情况", "情况"),
    "control_measures": ("分流管控措施", "管控措施", "稳控措施"),
    "officer": ("责任民警/责任人", "责任民警", "责任人"),
    "contacts": ("帮教/联系人", "帮教人", "联系人", "帮教责任人"),
}


@dataclass(frozen=True)
class SheetDossier:
    row: int
    answers: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class DossierSheet:
    dossiers: tuple[SheetDossier, ...]  # rows without problems
    problems: tuple[RowProblem, ...]  # by row
    form: Form
    ignored_columns: tuple[str, ...] = ()
    source: str = ""


class DossiersRefused(FieldkitError):
    """The sheet has problems and ``skip_bad_rows`` was not given. Nothing may be written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("dossier.refused", count=len(problems), rows=len({p.row for p in problems}))
        self.problems = tuple(problems)


def column_title(question: Question) -> str:
    """The column name in templates and messages: the form's own Chinese label."""
    return question.label.zh


def template_header(form: Form) -> list[str]:
    return [column_title(q) for q in form.questions]


def write_dossier_template(path: Path, form: Form | None = None) -> None:
    """A blank sheet for typing dossiers: XLSX when ``path`` ends in .xlsx, else CSV for Excel."""
    write_table(Path(path), template_header(form or default_forms()[FORM_ID]), [])


def _aliases(form: Form) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for question in form.questions:
        for name in (*QUESTION_HEADERS.get(question.id, ()), question.label.zh, question.label.en, question.id):
            aliases.setdefault(header_key(name), question.id)
    return aliases


def _looks_like_header(aliases: dict[str, str]):
    def test(cells: Sequence[str]) -> bool:
        found = {match_header(c, aliases) for c in cells}
        return "name" in found and "id_number" in found

    return test


def _columns(
    table: Table, form: Form, aliases: dict[str, str]
) -> tuple[dict[str, int], dict[str, str], tuple[str, ...]]:
    """question id -> column index, question id -> the header as written, ignored headers."""
    columns, titles, ignored = match_columns(table, aliases, "dossier.duplicate_column")
    missing = [column_title(q) for q in form.questions if q.required and q.id not in columns]
    if missing:
        raise FieldkitError("dossier.missing_columns", columns="、".join(missing), row=table.header_row)
    return columns, titles, ignored


def parse_dossier_sheet(path: Path, form: Form | None = None) -> DossierSheet:
    """Read and check a dossier sheet (CSV or XLSX). Raises only for an unreadable file or missing
    or duplicated columns; row problems are returned, each with its row."""
    form = form or default_forms()[FORM_ID]
    _check_form(form)
    table = read_table(Path(path), find_header=_looks_like_header(_aliases(form)))
    return parse_dossier_table(table, form)


def _check_form(form: Form) -> None:
    if form.applies_to != "dossier" or form.member_questions or any(
        form.question(q) is None for q in ("category", "name", "id_number")
    ):
        raise FieldkitError("dossier.bad_form", form=form.id)


def parse_dossier_table(table: Table, form: Form) -> DossierSheet:
    _check_form(form)
    columns, titles, ignored = _columns(table, form, _aliases(form))
    problems: list[RowProblem] = []
    good: list[SheetDossier] = []
    first_row_of: dict[str, int] = {}
    for record in table.rows:
        if record.blank:
            continue
        row = record.number
        before = len(problems)
        answers: dict[str, Any] = {}
        unreadable: set[str] = set()  # already reported; not "required" on top of it
        for qid, index in columns.items():
            question = form.question(qid)
            assert question is not None
            text = clean_text(record.cell(index))[0]
            if not text:
                continue
            value, code = convert_cell(question, text)
            if code:
                params: dict[str, Any] = {"column": titles[qid]}
                if code in ("unknown_category", "unknown_choice"):
                    params["allowed"] = "、".join(c.label.zh for c in question.choices)
                problems.append(RowProblem(row, f"dossier.problem.{code}", params))
                unreadable.add(qid)
                continue
            answers[qid] = value
        for found in validate_answers(form, answers):
            if found.question not in unreadable:
                problems.append(_form_problem(form, row, found, titles))
        number = answers.get("id_number")
        if isinstance(number, str) and number:
            if number in first_row_of:
                problems.append(RowProblem(row, "dossier.problem.duplicate_id_number", {"first_row": first_row_of[number]}))
            else:
                first_row_of[number] = row
        if len(problems) == before:
            good.append(SheetDossier(row, answers))
    problems.sort(key=lambda p: p.row)
    return DossierSheet(tuple(good), tuple(problems), form, ignored, table.source)


def convert_cell(question: Question, text: str) -> tuple[Any, str]:
    """A cleaned cell as the answer the form expects, or (None, problem code)."""
    kind = question.type
    if kind == "choice":
        value = _choice(question, text)
        if value:
            return value, ""
        return None, "unknown_category" if question.id == "category" else "unknown_choice"
    if kind == "multi":
        picked = [_choice(question, part.strip()) for part in _LIST_SPLIT.split(text) if part.strip()]
        return (picked, "") if all(picked) else (None, "unknown_choice")
    if kind == "idcard":
        compact = text.replace(" ", "")
        if _SCIENTIFIC.fullmatch(compact):
            return None, "id_number_as_number"
        return compact.upper(), ""
    if kind == "phone":
        compact = re.sub(r"[\s\-]", "", text)
        if compact.startswith("+86"):
            compact = compact[3:]
        elif compact.startswith("86") and len(compact) == 13:
            compact = compact[2:]
        return compact, ""
    if kind == "bool":
        value = parse_yes_no(text)
        return (value, "") if value is not None else (None, "not_yes_no")
    if kind == "int":
        digits = text.replace(" ", "")
        return (int(digits), "") if digits.isascii() and digits.isdigit() else (None, "not_number")
    if kind == "date":
        day = parse_visit_date(text)
        return (day.isoformat(), "") if day else (None, "bad_date")
    return text, ""


def _choice(question: Question, text: str) -> str:
    key = text.replace(" ", "").lower()
    for choice in question.choices:
        zh = choice.label.zh.replace(" ", "")
        names = {choice.value.lower(), zh.lower(), choice.label.en.replace(" ", "").lower()}
        if zh.endswith("人员") and len(zh) > 3:
            names.add(zh[: -len("人员")])  # 前科 for 前科人员
        if key in names:
            return choice.value
    return ""


def _form_problem(form: Form, row: int, problem: AnswerProblem, titles: Mapping[str, str]) -> RowProblem:
    params = problem.all_params()
    question = form.question(problem.question)
    if question is not None:
        params["question"] = titles.get(question.id) or column_title(question)
    params["member"] = ""
    return RowProblem(row, f"forms.{problem.code}", params)


# ---------------------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class DossierChange:
    """One dossier version to record: a new dossier (version 1) or an update of one of ours."""

    row: int
    dossier_id: str
    version: int
    base: tuple[str, ...]
    new: bool
    answers: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class DossierPlan:
    changes: tuple[DossierChange, ...]
    unchanged: int  # rows identical to the dossier already recorded
    problems: tuple[RowProblem, ...]  # the sheet's and the planning's, by row
    form: Form

    @property
    def new(self) -> int:
        return sum(1 for c in self.changes if c.new)

    @property
    def updated(self) -> int:
        return sum(1 for c in self.changes if not c.new)


def plan_dossier_import(
    sheet: DossierSheet, own: Iterable[OpenedDossier], state: State, *, skip_bad_rows: bool = False
) -> DossierPlan:
    """Match the sheet's rows against ``own`` (the dossiers this laptop can open) by ID number.
    ``DossiersRefused`` when there are problems and not ``skip_bad_rows``; nothing is written here."""
    by_number: dict[str, list[OpenedDossier]] = {}
    for dossier in own:
        number = dossier.answers.get("id_number")
        if isinstance(number, str):
            by_number.setdefault(number, []).append(dossier)
    problems = list(sheet.problems)
    changes: list[DossierChange] = []
    unchanged = 0
    form_ref = {"id": sheet.form.id, "version": sheet.form.version}
    for item in sheet.dossiers:
        matches = by_number.get(item.answers["id_number"], [])
        if len(matches) > 1:
            problems.append(RowProblem(item.row, "dossier.problem.several_existing", {"count": len(matches)}))
            continue
        if not matches:
            changes.append(DossierChange(item.row, new_dossier_id(), 1, (), True, item.answers))
            continue
        existing = matches[0]
        same_form = {"id": existing.form_id, "version": existing.form_version} == form_ref
        if same_form and not existing.conflict and canonical(existing.answers) == canonical(item.answers):
            unchanged += 1
            continue
        version, base = next_version(state, existing.id)
        changes.append(DossierChange(item.row, existing.id, version, base, False, item.answers))
    problems.sort(key=lambda p: p.row)
    if problems and not skip_bad_rows:
        raise DossiersRefused(problems)
    return DossierPlan(tuple(changes), unchanged, tuple(problems), sheet.form)


def seal_changes(
    plan: DossierPlan, village: str, recipients: Sequence[age.X25519Recipient | str]
) -> list[tuple[str, str, list[str], dict[str, Any]]]:
    """The ``(type, entity, base, body)`` events for a plan, each version sealed to ``recipients``."""
    return [
        dossier_event(c.dossier_id, c.version, c.base, village, c.answers, plan.form, recipients) for c in plan.changes
    ]


def dossier_event(
    dossier_id: str,
    version: int,
    base: Sequence[str],
    village: str,
    answers: Mapping[str, Any],
    form: Form | Mapping[str, Any],
    recipients: Sequence[age.X25519Recipient | str],
) -> tuple[str, str, list[str], dict[str, Any]]:
    """One sealed version as ``(type, entity, base, body)`` for ``Workspace.record``. A new dossier:
    ``new_dossier_id()``, version 1, base ``()``; an edit: ``next_version(state, id)``."""
    sealed = seal_dossier(dossier_id, version, village, answers, form, recipients)
    return EVENT_TYPE, entity_of(dossier_id), list(base), event_body(village, version, sealed)


def recipients_for(state: State, device_recipient: str) -> list[age.X25519Recipient]:
    """The two recipients of every dossier a laptop writes: the township dossier key (from the
    township's signed ``township.init`` in the store) and the laptop's own key."""
    township = state.township
    if township is None or not township.dossier_recipient:
        raise FieldkitError("dossier.no_township")
    try:
        return [age.X25519Recipient.from_string(township.dossier_recipient), age.X25519Recipient.from_string(device_recipient)]
    except age.AgeError:
        raise FieldkitError("dossier.no_township") from None


__all__ = [
    "DossierChange",
    "DossierContextError",
    "DossierError",
    "DossierLockedError",
    "DossierPlan",
    "DossierRead",
    "DossierSheet",
    "DossiersRefused",
    "OpenedDossier",
    "category_label",
    "ciphertext_of",
    "dossier_event",
    "dossier_form",
    "entity_of",
    "event_body",
    "mask_id_number",
    "mask_phone",
    "new_dossier_id",
    "next_version",
    "open_dossier",
    "open_event_body",
    "open_heads",
    "open_index",
    "parse_dossier_sheet",
    "parse_dossier_table",
    "plan_dossier_import",
    "read_dossiers",
    "recipients_for",
    "seal_changes",
    "seal_dossier",
    "short_id",
    "template_header",
    "write_dossier_template",
]
