"""Check answers against a form. Pure functions; never raises on any JSON-like input.

Answers are a dict ``{question id: value}`` for the form's household (or only) questions; for forms
with per-member questions, ``answers["members"] = {member id: {question id: value}}``.

Values: bool → ``True``/``False``; int → an int (not a bool, no floats); text → str; choice → one
choice value; multi → a list of distinct choice values; date → ``"YYYY-MM-DD"``; phone → an
11-digit mainland mobile number; idcard → an 18-character ID number passing GB 11643 (upper-case X).
``None``, blank text and an empty list mean "no answer".

Relevance: a question whose ``relevant`` condition is false is not asked. It is never required,
and an answer to it is REJECTED (``answer_not_relevant``) rather than silently stored, so records
never carry stale answers. Callers that let people change earlier answers (the app) call
``drop_irrelevant`` before validating and saving. Conditions see irrelevant questions as unanswered,
so relevance chains (c depends on b which depends on a) behave as people expect.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any

from surveys.checks import check_id_number, check_phone
from surveys.conditions import is_answered, is_relevant, referenced_questions
from surveys.model import Form, Question
from surveys.problems import AnswerProblem

MEMBERS = "members"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def relevance(form: Form, answers: Mapping[str, Any], member_answers: Mapping[str, Any] | None = None) -> dict[str, bool]:
    """Which questions are asked: household questions given ``answers``, or, when
    ``member_answers`` is given, that member's questions (household answers as context)."""
    household = answers if isinstance(answers, Mapping) else {}
    asked = _scope_relevance(form.household_questions, household, {})
    if member_answers is None:
        return asked
    context = {qid: household.get(qid) for qid, yes in asked.items() if yes}
    member = member_answers if isinstance(member_answers, Mapping) else {}
    return _scope_relevance(form.member_questions, member, context)


def _scope_relevance(questions: tuple[Question, ...], values: Mapping[str, Any], outer: Mapping[str, Any]) -> dict[str, bool]:
    by_id = {q.id: q for q in questions}
    memo: dict[str, bool] = {}

    def asked(qid: str, visiting: set[str]) -> bool:
        if qid in memo:
            return memo[qid]
        q = by_id[qid]
        if q.relevant is None:
            memo[qid] = True
            return True
        if qid in visiting:  # only a hand-built Form can have a cycle; the loader refuses them
            return False
        visiting.add(qid)
        view = {
            ref: (values.get(ref) if asked(ref, visiting) else None)
            for ref in referenced_questions(q.relevant)
            if ref in by_id
        }
        visiting.discard(qid)
        memo[qid] = is_relevant(q.relevant, outer, view)
        return memo[qid]

    return {qid: asked(qid, set()) for qid in by_id}


def drop_irrelevant(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``answers`` without the answers to questions that are not asked."""
    if not isinstance(answers, Mapping):
        return {}
    asked = relevance(form, answers)
    out = {k: v for k, v in answers.items() if asked.get(k, True)}
    members = answers.get(MEMBERS)
    if form.member_questions and isinstance(members, Mapping):
        pruned = {}
        for member_id, member_answers in members.items():
            if isinstance(member_answers, Mapping):
                member_asked = relevance(form, answers, member_answers)
                member_answers = {k: v for k, v in member_answers.items() if member_asked.get(k, True)}
            pruned[member_id] = member_answers
        out[MEMBERS] = pruned
    return out


def validate_answers(form: Form, answers: Any, members: list[str] | None = None) -> list[AnswerProblem]:
    """Every problem with ``answers`` for ``form``, in question order (household first, then each
    member). ``members``: the household's member ids; each is checked (a member without answers
    misses the required ones) and answers for anyone else are refused. ``None``: check the members
    present in the answers."""
    if not isinstance(answers, Mapping):
        return [AnswerProblem("", None, "answers_not_mapping", {})]
    problems: list[AnswerProblem] = []
    household = {k: v for k, v in answers.items() if k != MEMBERS}
    asked = _scope_relevance(form.household_questions, household, {})
    _unknown_keys(form, household, None, per_member=False, problems=problems)
    for q in form.household_questions:
        problems.extend(_check(q, household.get(q.id), asked[q.id], None))

    raw = answers.get(MEMBERS)
    if not form.member_questions:
        if raw is not None and raw != {}:
            problems.append(AnswerProblem(MEMBERS, None, "members_not_allowed", {}))
        return problems
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(AnswerProblem(MEMBERS, None, "members_not_mapping", {}))
        raw = {}
    if members is None:
        member_ids = list(raw)
    else:
        member_ids = list(members)
        known = set(member_ids)
        problems.extend(
            AnswerProblem(MEMBERS, str(m), "answer_unknown_member", {}) for m in raw if m not in known
        )

    context = {qid: household.get(qid) for qid, yes in asked.items() if yes}
    for member_id in member_ids:
        member = str(member_id)
        member_answers = raw.get(member_id, {})
        if member_answers is None:
            member_answers = {}
        if not isinstance(member_answers, Mapping):
            problems.append(AnswerProblem(MEMBERS, member, "member_answers_not_mapping", {}))
            continue
        member_asked = _scope_relevance(form.member_questions, member_answers, context)
        _unknown_keys(form, member_answers, member, per_member=True, problems=problems)
        for q in form.member_questions:
            problems.extend(_check(q, member_answers.get(q.id), member_asked[q.id], member))
    return problems


def _unknown_keys(form: Form, values: Mapping[Any, Any], member: str | None, per_member: bool,
                  problems: list[AnswerProblem]) -> None:
    for key in values:
        q = form.question(key) if isinstance(key, str) else None
        if q is None:
            problems.append(AnswerProblem(str(key)[:64], member, "answer_unknown_question", {}))
        elif q.per_member != per_member:
            problems.append(AnswerProblem(key, member, "answer_wrong_scope", {}))


def _check(q: Question, value: Any, asked: bool, member: str | None) -> list[AnswerProblem]:
    def problem(code: str, **params: object) -> list[AnswerProblem]:
        return [AnswerProblem(q.id, member, code, params)]

    if not is_answered(value):
        return problem("answer_required") if asked and q.required else []
    if not asked:
        return problem("answer_not_relevant")
    kind = q.type
    if kind == "bool":
        return [] if isinstance(value, bool) else problem("answer_not_bool")
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return problem("answer_not_int")
        if q.min is not None and value < q.min:
            return problem("answer_below_min", min=q.min)
        if q.max is not None and value > q.max:
            return problem("answer_above_max", max=q.max)
        return []
    if kind == "text":
        return [] if isinstance(value, str) else problem("answer_not_text")
    if kind == "choice":
        ok = isinstance(value, str) and value in q.choice_values()
        return [] if ok else problem("answer_not_choice", allowed=", ".join(q.choice_values()))
    if kind == "multi":
        allowed = q.choice_values()
        if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
            return problem("answer_not_multi", allowed=", ".join(allowed))
        return problem("answer_duplicate_choice") if len(set(value)) != len(value) else []
    if kind == "date":
        return [] if _is_date(value) else problem("answer_bad_date")
    if kind == "phone":
        return [] if check_phone(value) else problem("answer_bad_phone")
    if kind == "idcard":
        return [] if check_id_number(value) else problem("answer_bad_id_number")
    return []


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
