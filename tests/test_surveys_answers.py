"""Validating answers against a form: required, types, ranges, choices, phone, ID number, dates,
relevance (including chains and per-member conditions), members, and never raising."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import (
    AnswerProblem,
    default_forms,
    drop_irrelevant,
    is_relevant,
    load_form_text,
    relevance,
    validate_answers,
)
from tests.surveys_support import assert_well_formed

SAMPLE = load_form_text(
    """\
id: sample
version: 1
title: {zh: 样例, en: Sample}
applies_to: household
questions:
  - {id: flag, type: bool, required: true, label: {zh: 标记, en: Flag}}
  - {id: count, type: int, min: 0, max: 10, label: {zh: 数量, en: Count}}
  - {id: words, type: text, label: {zh: 文字, en: Words}}
  - id: pick
    type: choice
    label: {zh: 单选, en: Pick}
    choices: [{value: a, label: {zh: 甲, en: A}}, {value: b, label: {zh: 乙, en: B}}]
  - id: picks
    type: multi
    label: {zh: 多选, en: Picks}
    choices:
      - {value: a, label: {zh: 甲, en: A}}
      - {value: b, label: {zh: 乙, en: B}}
      - {value: c, label: {zh: 丙, en: C}}
  - {id: day, type: date, label: {zh: 日期, en: Day}}
  - {id: mobile, type: phone, label: {zh: 手机, en: Mobile}}
  - {id: idno, type: idcard, label: {zh: 身份证, en: ID}}
  - id: detail
    type: text
    required: true
    label: {zh: 详情, en: Detail}
    relevant:
      all:
        - {question: flag, equals: true}
        - any: [{question: pick, in: [a]}, {question: picks, includes: c}]
  - {id: why_not, type: text, label: {zh: 原因, en: Why not}, relevant: {not: {question: flag, equals: true}}}
  - {id: after, type: text, label: {zh: 后续, en: After}, relevant: {question: detail, answered: true}}
""",
    "sample.yaml",
)
VISIT = default_forms()["household_visit"]
GOOD_ID = "11010519491231002X"

# (name, answers, expected [(question, code)])
ANSWERS = [
    ("minimal", {"flag": False}, []),
    ("required missing", {}, [("flag", "answer_required")]),
    ("required as None", {"flag": None}, [("flag", "answer_required")]),
    ("bool as int", {"flag": 1}, [("flag", "answer_not_bool")]),
    ("bool as text", {"flag": "true"}, [("flag", "answer_not_bool")]),
    ("int ok", {"flag": False, "count": 10}, []),
    ("int as text", {"flag": False, "count": "3"}, [("count", "answer_not_int")]),
    ("int as float", {"flag": False, "count": 3.0}, [("count", "answer_not_int")]),
    ("int as bool", {"flag": False, "count": True}, [("count", "answer_not_int")]),
    ("int below min", {"flag": False, "count": -1}, [("count", "answer_below_min")]),
    ("int above max", {"flag": False, "count": 11}, [("count", "answer_above_max")]),
    ("text as list", {"flag": False, "words": ["x"]}, [("words", "answer_not_text")]),
    ("blank text is no answer", {"flag": False, "words": "   "}, []),
    ("choice ok", {"flag": False, "pick": "b"}, []),
    ("choice unknown", {"flag": False, "pick": "z"}, [("pick", "answer_not_choice")]),
    ("choice as list", {"flag": False, "pick": ["a"]}, [("pick", "answer_not_choice")]),
    ("multi ok", {"flag": False, "picks": ["a", "b"]}, []),
    ("multi empty is no answer", {"flag": False, "picks": []}, []),
    ("multi as text", {"flag": False, "picks": "a"}, [("picks", "answer_not_multi")]),
    ("multi unknown value", {"flag": False, "picks": ["a", "z"]}, [("picks", "answer_not_multi")]),
    ("multi duplicate", {"flag": False, "picks": ["a", "a"]}, [("picks", "answer_duplicate_choice")]),
    ("date ok", {"flag": False, "day": "2024-02-29"}, []),
    ("date not a day", {"flag": False, "day": "2023-02-29"}, [("day", "answer_bad_date")]),
    ("date compact", {"flag": False, "day": "20240229"}, [("day", "answer_bad_date")]),
    ("date with time", {"flag": False, "day": "2024-02-29T10:00"}, [("day", "answer_bad_date")]),
    ("date slashes", {"flag": False, "day": "2024/02/29"}, [("day", "answer_bad_date")]),
    ("phone ok", {"flag": False, "mobile": "13800138000"}, []),
    ("phone short", {"flag": False, "mobile": "1380013800"}, [("mobile", "answer_bad_phone")]),
    ("phone landline", {"flag": False, "mobile": "01062345678"}, [("mobile", "answer_bad_phone")]),
    ("phone as int", {"flag": False, "mobile": 13800138000}, [("mobile", "answer_bad_phone")]),
    ("ID ok", {"flag": False, "idno": GOOD_ID}, []),
    ("ID bad checksum", {"flag": False, "idno": "110105194912310021"}, [("idno", "answer_bad_id_number")]),
    ("ID lower-case x", {"flag": False, "idno": GOOD_ID.lower()}, [("idno", "answer_bad_id_number")]),
    ("ID 15 digits", {"flag": False, "idno": "110105491231002"}, [("idno", "answer_bad_id_number")]),
    # relevance
    ("relevant and required", {"flag": True, "pick": "a"}, [("detail", "answer_required")]),
    ("relevant through includes", {"flag": True, "picks": ["c"]}, [("detail", "answer_required")]),
    ("relevant and answered", {"flag": True, "pick": "a", "detail": "x", "after": "y"}, []),
    ("not relevant so not required", {"flag": True, "pick": "b"}, []),
    ("answer to an irrelevant question", {"flag": False, "detail": "x"}, [("detail", "answer_not_relevant")]),
    ("not: relevant", {"flag": False, "why_not": "away"}, []),
    ("not: irrelevant", {"flag": True, "why_not": "away"}, [("why_not", "answer_not_relevant")]),
    ("chain: irrelevant detail hides after",
     {"flag": False, "detail": "x", "after": "y"}, [("detail", "answer_not_relevant"), ("after", "answer_not_relevant")]),
    ("type mismatch never makes a question relevant", {"flag": 1, "pick": "a"}, [("flag", "answer_not_bool")]),
    # shape
    ("unknown question", {"flag": False, "colour": "red"}, [("colour", "answer_unknown_question")]),
    ("members on a form without members", {"flag": False, "members": {"p1": {}}}, [("members", "members_not_allowed")]),
    ("several problems at once", {"count": 99, "pick": "z", "mobile": "1"},
     [("flag", "answer_required"), ("count", "answer_above_max"), ("pick", "answer_not_choice"),
      ("mobile", "answer_bad_phone")]),
]


@pytest.mark.parametrize("name, answers, expected", ANSWERS, ids=[a[0] for a in ANSWERS])
def test_answers(name, answers, expected):
    problems = validate_answers(SAMPLE, answers)
    assert [(p.question, p.code) for p in problems] == expected
    for p in problems:
        assert_well_formed(p)
        assert p.member is None


def test_not_a_mapping():
    assert [p.code for p in validate_answers(SAMPLE, ["flag"])] == ["answers_not_mapping"]


def test_problems_never_carry_the_answer_value():
    secret_phone, secret_id = "13912345670", "110105194912310021"
    problems = validate_answers(SAMPLE, {"flag": False, "mobile": secret_phone + "9", "idno": secret_id})
    assert len(problems) == 2
    for p in problems:
        assert secret_phone not in repr(p) and secret_id not in repr(p) and secret_id not in str(p)


def test_limits_are_in_params():
    (below,) = validate_answers(SAMPLE, {"flag": False, "count": -5})
    (above,) = validate_answers(SAMPLE, {"flag": False, "count": 50})
    assert below.params == {"min": 0} and above.params == {"max": 10}
    (choice,) = validate_answers(SAMPLE, {"flag": False, "pick": "z"})
    assert choice.params == {"allowed": "a, b"}
    assert choice.all_params() == {"question": "pick", "member": "", "allowed": "a, b"}


# --- per-member answers: the household visit form -------------------------------------------------


def member(briefed=True, channel="in_person", **rest):
    answers = {"briefed": briefed, "channel": channel, "app_installed": False, "call_warning": False,
               "joined_group": False}
    answers.update(rest)
    return answers


def codes(problems):
    return [(p.question, p.member, p.code) for p in problems]


def test_a_complete_visit_is_valid():
    answers = {"materials_given": 2, "risk_noticed": False,
               "members": {"p1": member(), "p2": member(channel="wechat", app_installed=True),
                           "p3": member(briefed=False, channel=None)}}
    assert validate_answers(VISIT, answers, members=["p1", "p2", "p3"]) == []
    assert validate_answers(VISIT, answers) == []


def test_channel_is_required_only_when_briefed():
    answers = {"members": {"p1": member(channel=None), "p2": member(briefed=False, channel=None)}}
    assert codes(validate_answers(VISIT, answers)) == [("channel", "p1", "answer_required")]


def test_channel_of_someone_not_briefed_is_refused():
    answers = {"members": {"p1": member(briefed=False, channel="phone")}}
    assert codes(validate_answers(VISIT, answers)) == [("channel", "p1", "answer_not_relevant")]


def test_member_problems_name_the_member():
    answers = {"members": {"p1": member(channel="fax"), "p2": member(briefed="yes", app_installed=1)}}
    assert codes(validate_answers(VISIT, answers)) == [
        ("channel", "p1", "answer_not_choice"),
        ("briefed", "p2", "answer_not_bool"),
        ("channel", "p2", "answer_not_relevant"),  # a malformed briefed never makes channel relevant
        ("app_installed", "p2", "answer_not_bool"),
    ]


def test_listed_members_without_answers_miss_required_questions():
    answers = {"members": {"p1": member()}}
    assert codes(validate_answers(VISIT, answers, members=["p1", "p2"])) == [("briefed", "p2", "answer_required")]
    assert codes(validate_answers(VISIT, {}, members=["p1"])) == [("briefed", "p1", "answer_required")]
    assert validate_answers(VISIT, {}, members=[]) == []


def test_answers_for_someone_outside_the_household_are_refused():
    answers = {"members": {"p1": member(), "stranger": member()}}
    assert codes(validate_answers(VISIT, answers, members=["p1"])) == [("members", "stranger", "answer_unknown_member")]


def test_household_and_member_answers_stay_in_their_place():
    answers = {"briefed": True, "members": {"p1": member(note="hi", colour="red")}}
    assert codes(validate_answers(VISIT, answers)) == [
        ("briefed", None, "answer_wrong_scope"),
        ("note", "p1", "answer_wrong_scope"),
        ("colour", "p1", "answer_unknown_question"),
    ]


def test_malformed_members():
    assert codes(validate_answers(VISIT, {"members": ["p1"]})) == [("members", None, "members_not_mapping")]
    assert codes(validate_answers(VISIT, {"members": {"p1": "briefed"}})) == [
        ("members", "p1", "member_answers_not_mapping")]


def test_household_relevance_in_the_visit_form():
    assert codes(validate_answers(VISIT, {"risk_noticed": True})) == [("risk_note", None, "answer_required")]
    assert validate_answers(VISIT, {"risk_noticed": True, "risk_note": "可疑来电"}) == []
    assert codes(validate_answers(VISIT, {"risk_noticed": False, "risk_note": "x"})) == [
        ("risk_note", None, "answer_not_relevant")]
    assert codes(validate_answers(VISIT, {"materials_given": -1})) == [("materials_given", None, "answer_below_min")]


MIXED = load_form_text(
    """\
id: mixed
version: 1
title: {zh: 混合, en: Mixed}
applies_to: household
questions:
  - {id: door, type: bool, label: {zh: 开门, en: Door opened}}
  - {id: home, type: bool, per_member: true, label: {zh: 在家, en: At home}}
  - id: talk
    type: text
    per_member: true
    required: true
    label: {zh: 谈话, en: Talk}
    relevant: {all: [{question: door, equals: true}, {question: home, equals: true}]}
""",
    "mixed.yaml",
)


def test_member_condition_reads_household_and_own_answers():
    ok = {"door": True, "members": {"a": {"home": True, "talk": "x"}, "b": {"home": False}}}
    assert validate_answers(MIXED, ok) == []
    assert codes(validate_answers(MIXED, {"door": True, "members": {"a": {"home": True}}})) == [
        ("talk", "a", "answer_required")]
    assert codes(validate_answers(MIXED, {"door": False, "members": {"a": {"home": True, "talk": "x"}}})) == [
        ("talk", "a", "answer_not_relevant")]
    assert relevance(MIXED, {"door": True}, {"home": True}) == {"home": True, "talk": True}
    assert relevance(MIXED, {"door": True}, {"home": False}) == {"home": True, "talk": False}
    assert relevance(MIXED, {"door": True}) == {"door": True}


def test_drop_irrelevant_removes_stale_answers_only():
    answers = {"flag": False, "detail": "x", "after": "y", "words": "keep",
               "members": {"p1": {}}}
    assert drop_irrelevant(SAMPLE, answers) == {"flag": False, "words": "keep", "members": {"p1": {}}}
    visit = {"risk_noticed": False, "risk_note": "old", "note": "n",
             "members": {"p1": member(briefed=False, channel="phone"), "p2": member()}}
    dropped = drop_irrelevant(VISIT, visit)
    assert dropped == {"risk_noticed": False, "note": "n",
                       "members": {"p1": {k: v for k, v in member(briefed=False).items() if k != "channel"},
                                   "p2": member()}}
    assert validate_answers(VISIT, dropped) == []
    assert visit["members"]["p1"]["channel"] == "phone"  # the input is not modified


# --- is_relevant directly -------------------------------------------------------------------------

CONDITIONS = [
    (None, {}, None, True),
    ({"question": "a", "equals": True}, {"a": True}, None, True),
    ({"question": "a", "equals": True}, {"a": 1}, None, False),
    ({"question": "a", "equals": 1}, {"a": True}, None, False),
    ({"question": "a", "equals": 1}, {"a": 1}, None, True),
    ({"question": "a", "equals": "x"}, {}, None, False),
    ({"question": "a", "in": ["x", "y"]}, {"a": "y"}, None, True),
    ({"question": "a", "in": ["x", "y"]}, {"a": ["y"]}, None, False),
    ({"question": "a", "includes": "y"}, {"a": ["x", "y"]}, None, True),
    ({"question": "a", "includes": "y"}, {"a": "y"}, None, False),
    ({"question": "a", "answered": True}, {"a": False}, None, True),
    ({"question": "a", "answered": True}, {"a": 0}, None, True),
    ({"question": "a", "answered": True}, {"a": " "}, None, False),
    ({"question": "a", "answered": False}, {"a": []}, None, True),
    ({"not": {"question": "a", "answered": True}}, {}, None, True),
    ({"all": [{"question": "a", "equals": "x"}, {"question": "m", "equals": True}]}, {"a": "x"}, {"m": True}, True),
    ({"all": [{"question": "a", "equals": "x"}, {"question": "m", "equals": True}]}, {"a": "x"}, {"m": False}, False),
    ({"any": [{"question": "a", "equals": "x"}, {"question": "m", "equals": True}]}, {"a": "z"}, {"m": True}, True),
    ({"any": [{"question": "a", "equals": "x"}, {"question": "m", "equals": True}]}, {"a": "z"}, {}, False),
]


@pytest.mark.parametrize("condition, answers, member_answers, expected", CONDITIONS)
def test_is_relevant(condition, answers, member_answers, expected):
    assert is_relevant(condition, answers, member_answers) is expected


@pytest.mark.parametrize("condition", [{}, {"question": "a"}, {"question": "a", "like": "x"}, {"all": [], "any": []},
                                       {"xor": []}, "a == 1"])
def test_is_relevant_refuses_malformed_conditions(condition):
    with pytest.raises(ValueError):
        is_relevant(condition, {})


# --- never raises ---------------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=True) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
QUESTION_IDS = sorted({q.id for form in (SAMPLE, VISIT, MIXED) for q in form.questions})
keys = st.sampled_from(QUESTION_IDS) | st.text(max_size=8)
plausible = st.sampled_from(["a", "b", "c", "z", "in_person", "phone", GOOD_ID, "13800138000", "2024-02-29", True,
                             False, 0, 5, -3, ["a", "c"], ["c", "c"]])
member_answers = st.dictionaries(keys, plausible | json_values, max_size=6) | json_values
answers_strategy = st.dictionaries(
    keys | st.just("members"),
    plausible | json_values | st.dictionaries(st.sampled_from(["p1", "p2"]) | st.text(max_size=4), member_answers,
                                              max_size=3),
    max_size=8,
) | json_values


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answers_strategy, members=st.none() | st.lists(st.sampled_from(["p1", "p2", "p3"]), max_size=3))
def test_validate_answers_never_raises(answers, members):
    for form in (SAMPLE, VISIT, MIXED):
        problems = validate_answers(form, answers, members)
        assert isinstance(problems, list)
        for p in problems:
            assert isinstance(p, AnswerProblem)
            assert_well_formed(p)
        if isinstance(answers, dict):
            cleaned = drop_irrelevant(form, answers)
            after = validate_answers(form, cleaned, members)
            assert "answer_not_relevant" not in [p.code for p in after]
            # dropping stale answers never hides any other problem, nor creates one
            assert [p for p in after] == [p for p in problems if p.code != "answer_not_relevant"]
