"""Every surveys problem code has a forms.<code> message in both languages, using only its params."""

from __future__ import annotations

import string

import pytest

from fieldkit.i18n import all_keys, t
from fieldkit.i18n.catalogue.forms import MESSAGES
from surveys import ANSWER_CODES, CODES, FORM_CODES, AnswerProblem, Problem

EXTRA_KEYS = {"forms.location", "forms.invalid"}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogue_keys_are_exactly_the_codes():
    assert set(MESSAGES) == {f"forms.{code}" for code in CODES} | EXTRA_KEYS
    assert not set(FORM_CODES) & set(ANSWER_CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_message_uses_only_the_params_of_its_code(code):
    params = set(FORM_CODES.get(code, ())) | (set(ANSWER_CODES[code]) | {"question", "member"}
                                              if code in ANSWER_CODES else set())
    for lang in ("zh", "en"):
        template = MESSAGES[f"forms.{code}"][lang]
        assert template.strip() and "\n" not in template
        assert fields(template) <= params, (code, lang)


def test_messages_render_in_both_languages():
    keys = all_keys()
    assert "forms.unknown_type" in keys
    problem = Problem("forms/x.yaml", 7, "unknown_type", {"question": "q1", "type": "strng", "allowed": "bool, int"})
    zh = t("forms.location", lang="zh", file=problem.file, line=problem.line) + ": " + t(
        "forms." + problem.code, lang="zh", **problem.params)
    en = t("forms." + problem.code, lang="en", **problem.params)
    assert zh == "forms/x.yaml 第 7 行: 问题 q1 的类型 strng 无效，可选：bool, int。"
    assert en == "question q1 has unknown type strng; use one of: bool, int."
    answer = AnswerProblem("idno", "p1", "answer_bad_id_number", {})
    assert "idno" in t("forms." + answer.code, lang="en", **answer.all_params())
    below = AnswerProblem("count", None, "answer_below_min", {"min": 0})
    assert t("forms." + below.code, lang="zh", **{**below.all_params(), "question": "数量"}) == "“数量”不能小于 0。"
