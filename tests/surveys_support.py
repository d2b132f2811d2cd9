"""Helpers shared by the tests/test_surveys_*.py files."""

from __future__ import annotations

from surveys import ANSWER_CODES, FORM_CODES, AnswerProblem, Problem

HEADER = """\
id: t
version: 1
title: {zh: 测试, en: Test}
applies_to: household
questions:
"""


def marked_line(text: str, marker: str = "# HERE") -> int:
    """The 1-based number of the only line carrying ``marker``."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(lines) == 1, f"expected one {marker!r} marker, found {len(lines)}"
    return lines[0]


def assert_well_formed(problem: Problem | AnswerProblem) -> None:
    """A problem's code is known and its params are exactly the ones its code declares."""
    if isinstance(problem, Problem):
        assert problem.code in FORM_CODES, problem
        assert set(problem.params) == set(FORM_CODES[problem.code]), problem
        assert isinstance(problem.line, int) and problem.line >= 0
    else:
        assert isinstance(problem, AnswerProblem)
        assert problem.code in ANSWER_CODES, problem
        assert set(problem.params) == set(ANSWER_CODES[problem.code]), problem
        assert isinstance(problem.question, str)
        assert problem.member is None or isinstance(problem.member, str)
