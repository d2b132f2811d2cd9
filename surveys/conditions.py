"""Relevance conditions: when a question is asked. Declarative data, evaluated here; never ``eval``.

Grammar (a condition is a YAML mapping):

    {question: <id>, equals: <value>}      the answer is exactly this value (bool, int or text)
    {question: <id>, in: [<value>, ...]}   the answer is one of these values
    {question: <id>, includes: <value>}    a ``multi`` answer contains this choice
    {question: <id>, answered: true}       the question has an answer (``false``: it has none)
    {all: [<condition>, ...]}              every condition holds
    {any: [<condition>, ...]}              at least one holds
    {not: <condition>}                     the condition does not hold

"Answered" means present and not ``None``, not blank text and not an empty list; ``false`` and ``0``
are answers. Values compare strictly by type: ``true`` never equals ``1``.

A per-member question's condition may name per-member questions (the same member's answers) or
household questions; a household question's condition may only name household questions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from surveys.yamltree import LineDict, LineList

LEAF_OPERATORS = ("equals", "in", "includes", "answered")
GROUP_OPERATORS = ("all", "any", "not")


def is_answered(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, tuple, dict)):
        return len(value) > 0
    return True


def same_value(a: object, b: object) -> bool:
    """Equality that keeps bool, int and text apart (``True == 1`` is false here)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, str)) and isinstance(b, (int, str)):
        return type(a) is type(b) and a == b
    return False


def is_relevant(
    condition: Mapping[str, Any] | None,
    answers: Mapping[str, Any],
    member_answers: Mapping[str, Any] | None = None,
) -> bool:
    """Whether ``condition`` holds for these answers (``None`` always holds).

    A question id is looked up in ``member_answers`` first (when given), then in ``answers``.
    Raises ValueError for a malformed condition; forms from the loader only carry valid ones.
    """
    if condition is None:
        return True

    def lookup(question_id: object) -> object:
        if isinstance(member_answers, Mapping) and question_id in member_answers:
            return member_answers[question_id]
        if isinstance(answers, Mapping):
            return answers.get(question_id)
        return None

    return _holds(condition, lookup)


def _holds(condition: object, lookup: Callable[[object], object]) -> bool:
    if not isinstance(condition, Mapping):
        raise ValueError("a condition must be a mapping")
    if "question" in condition:
        operators = [k for k in condition if k != "question"]
        if len(operators) != 1 or operators[0] not in LEAF_OPERATORS:
            raise ValueError(f"a question condition needs one of {', '.join(LEAF_OPERATORS)}")
        operator = operators[0]
        expected = condition[operator]
        value = lookup(condition["question"])
        if operator == "equals":
            return same_value(value, expected)
        if operator == "in":
            return any(same_value(value, v) for v in expected)
        if operator == "includes":
            return isinstance(value, list) and any(same_value(v, expected) for v in value)
        return is_answered(value) == bool(expected)
    if len(condition) != 1:
        raise ValueError(f"a condition needs 'question' or exactly one of {', '.join(GROUP_OPERATORS)}")
    ((operator, operand),) = condition.items()
    if operator == "all":
        return all(_holds(c, lookup) for c in operand)
    if operator == "any":
        return any(_holds(c, lookup) for c in operand)
    if operator == "not":
        return not _holds(operand, lookup)
    raise ValueError(f"unknown condition operator {operator!r}")


def referenced_questions(condition: Mapping[str, Any] | None) -> set[str]:
    """The question ids a (well-formed) condition reads."""
    if condition is None:
        return set()
    if "question" in condition:
        return {condition["question"]}
    refs: set[str] = set()
    for operand in condition.values():
        for sub in operand if isinstance(operand, list) else [operand]:
            if isinstance(sub, Mapping):
                refs |= referenced_questions(sub)
    return refs


# --- load-time checks -------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionInfo:
    """What the condition checker needs to know about a question of the form."""

    type: str | None  # None when the question's own type is broken (already reported)
    per_member: bool
    choices: tuple[str, ...]


Report = Callable[..., None]  # report(line, code, **params)


def check_condition(
    condition: object,
    line: int,
    owner: str,
    owner_per_member: bool,
    questions: Mapping[str, QuestionInfo],
    report: Report,
) -> bool:
    """Report every mistake in ``condition`` (the ``relevant`` of question ``owner``).

    Returns True when the condition is well-formed (so it can be kept and evaluated).
    """
    ok = True

    def bad(at: int, code: str, **params: object) -> None:
        nonlocal ok
        ok = False
        report(at, code, question=owner, **params)

    def walk(cond: object, at: int) -> None:
        if not isinstance(cond, LineDict) or not cond:
            bad(at, "condition_shape")
            return
        at = cond.line
        if "question" in cond:
            operators = [k for k in cond if k != "question"]
            if len(operators) != 1 or operators[0] not in LEAF_OPERATORS:
                bad(at, "condition_shape")
                return
            leaf(cond, operators[0], at)
            return
        if len(cond) != 1 or next(iter(cond)) not in GROUP_OPERATORS:
            bad(at, "condition_shape")
            return
        ((operator, operand),) = cond.items()
        operand_line = cond.key_lines[operator]
        if operator == "not":
            walk(operand, operand_line)
        elif not isinstance(operand, LineList) or not operand:
            bad(operand_line, "condition_shape")
        else:
            for sub, sub_line in zip(operand, operand.item_lines):
                walk(sub, sub_line)

    def leaf(cond: LineDict, operator: str, at: int) -> None:
        ref = cond["question"]
        at = cond.key_lines["question"]
        if not isinstance(ref, str) or ref not in questions:
            bad(at, "condition_unknown_question", ref=str(ref))
            return
        info = questions[ref]
        if info.per_member and not owner_per_member:
            bad(at, "condition_member_scope", ref=ref)
        value_line = cond.key_lines[operator]
        expected = cond[operator]
        if operator == "answered":
            if not isinstance(expected, bool):
                bad(value_line, "condition_value", ref=ref)
            return
        if info.type is None:
            return
        if (operator == "includes") != (info.type == "multi"):
            bad(value_line, "condition_operator", ref=ref, operator=operator, type=info.type)
            return
        if operator == "in":
            if not isinstance(expected, LineList) or not expected:
                bad(value_line, "condition_value", ref=ref)
                return
            values = list(expected)
        else:
            values = [expected]
        if not all(_fits(v, info) for v in values):
            bad(value_line, "condition_value", ref=ref)

    walk(condition, line)
    return ok


def _fits(value: object, info: QuestionInfo) -> bool:
    """Whether a value in a condition could ever equal an answer to this question."""
    if info.type == "bool":
        return isinstance(value, bool)
    if info.type == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if info.type in ("choice", "multi"):
        return isinstance(value, str) and value in info.choices
    return isinstance(value, str)
