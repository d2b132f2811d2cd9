"""What the loader and the validator report: problem codes, their parameters, and FormError.

surveys/ cannot import fieldkit, so a problem is a ``code`` plus ``params``; the message catalogue
(``fieldkit/i18n/catalogue/forms.py``) renders it as ``forms.<code>`` in Chinese or English.

Two kinds of problem:

* ``Problem(file, line, code, params)``: a mistake in a form definition (YAML). ``line`` is 1-based,
  0 when the whole file is concerned (unreadable, empty).
* ``AnswerProblem(question, member, code, params)``: a mistake in answers checked against a form.
  ``member`` is the member (person) id for per-member questions, ``None`` for household answers.

Params only ever hold ids, field names, type names, limits and line numbers, never an answer value:
answers are names, phone numbers and ID numbers of real people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# code -> the names of its params (tests check every emitted problem against this table, and that
# the catalogue has a message for each code using only these names).
FORM_CODES: dict[str, tuple[str, ...]] = {
    # reading and YAML
    "file_unreadable": ("reason",),
    "not_utf8": (),
    "too_large": ("limit",),
    "empty_file": (),
    "yaml_syntax": ("detail",),
    "forbidden_tag": ("tag",),
    "merge_key": (),
    "recursive_alias": (),
    "too_many_nodes": ("limit",),
    "complex_key": (),
    "duplicate_key": ("key",),
    # shape of fields
    "expected_mapping": ("field",),
    "expected_list": ("field",),
    "expected_text": ("field",),
    "expected_int": ("field",),
    "expected_bool": ("field",),
    "missing_field": ("field",),
    "unknown_field": ("field",),
    "missing_language": ("field", "lang"),
    "bad_id": ("field", "value"),
    "bad_version": (),
    "unknown_applies_to": ("value", "allowed"),
    # questions
    "no_questions": (),
    "unknown_type": ("question", "type", "allowed"),
    "duplicate_id": ("question", "first_line"),
    "reserved_id": ("question",),
    "choices_missing": ("question",),
    "choices_not_allowed": ("question", "type"),
    "duplicate_choice": ("question", "value"),
    "min_max_not_allowed": ("question", "type"),
    "min_above_max": ("question",),
    "per_member_not_allowed": ("question", "applies_to"),
    # relevance conditions
    "condition_shape": ("question",),
    "condition_unknown_question": ("question", "ref"),
    "condition_operator": ("question", "ref", "operator", "type"),
    "condition_value": ("question", "ref"),
    "condition_member_scope": ("question", "ref"),
    "condition_cycle": ("question",),
    # forms whose answers become event bodies (docs/architecture.md) must keep those fields
    "contract_question": ("question", "expected"),
}

ANSWER_CODES: dict[str, tuple[str, ...]] = {
    "answers_not_mapping": (),
    "members_not_mapping": (),
    "members_not_allowed": (),
    "member_answers_not_mapping": (),
    "answer_unknown_member": (),
    "answer_unknown_question": (),
    "answer_wrong_scope": (),
    "answer_required": (),
    "answer_not_relevant": (),
    "answer_not_bool": (),
    "answer_not_int": (),
    "answer_not_text": (),
    "answer_not_choice": ("allowed",),
    "answer_not_multi": ("allowed",),
    "answer_duplicate_choice": (),
    "answer_below_min": ("min",),
    "answer_above_max": ("max",),
    "answer_bad_date": (),
    "answer_bad_phone": (),
    "answer_bad_id_number": (),
}
# Every AnswerProblem's params also carry "question" and "member" (see AnswerProblem.all_params).

CODES: frozenset[str] = frozenset(FORM_CODES) | frozenset(ANSWER_CODES)


@dataclass(frozen=True)
class Problem:
    """A mistake in a form definition, at ``file:line``."""

    file: str
    line: int
    code: str
    params: dict[str, object] = field(default_factory=dict, compare=True, hash=False)

    def __str__(self) -> str:
        details = " ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.file}:{self.line}: {self.code}" + (f" {details}" if details else "")


@dataclass(frozen=True)
class AnswerProblem:
    """A mistake in answers: which question (and member, for per-member questions) and what."""

    question: str
    member: str | None
    code: str
    params: dict[str, object] = field(default_factory=dict, compare=True, hash=False)

    def all_params(self) -> dict[str, object]:
        """Params for the catalogue message, including the question and member ids."""
        return {"question": self.question, "member": self.member or "", **self.params}

    def __str__(self) -> str:
        where = self.question + (f" (member {self.member})" if self.member else "")
        details = " ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{where}: {self.code}" + (f" {details}" if details else "")


class FormError(Exception):
    """A form could not be loaded. ``problems`` lists every mistake found, in file order.

    ``str()`` is an English fallback, one ``file:line: code params`` per line; user-facing text comes
    from the catalogue (``forms.<code>``).
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
