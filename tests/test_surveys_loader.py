"""Loading forms: every kind of mistake is reported with its file, line and code; all of them at once;
nothing in the YAML is ever executed; the shipped forms load and match the event contracts."""

from __future__ import annotations

import pytest

from surveys import FormError, Problem, default_forms, load_form, load_form_text
from surveys.loader import CONTRACTS, plain
from tests.surveys_support import HEADER, assert_well_formed, marked_line

GOOD_QUESTION = "  - id: ok\n    type: bool\n    label: {zh: 好, en: OK}\n"

# (name, form text with "# HERE" on the line the problem must point at, expected code)
BROKEN = [
    ("unknown type", HEADER + "  - id: a\n    type: strng  # HERE\n    label: {zh: 甲, en: A}\n", "unknown_type"),
    ("type not text", HEADER + "  - id: a\n    type: 3  # HERE\n    label: {zh: 甲, en: A}\n", "unknown_type"),
    ("duplicate id", HEADER + GOOD_QUESTION + "  - id: ok  # HERE\n    type: int\n    label: {zh: 甲, en: A}\n",
     "duplicate_id"),
    ("choices missing", HEADER + "  - id: a  # HERE\n    type: choice\n    label: {zh: 甲, en: A}\n", "choices_missing"),
    ("choices empty", HEADER + "  - id: a\n    type: multi\n    choices: []  # HERE\n    label: {zh: 甲, en: A}\n",
     "choices_missing"),
    ("choices on a bool", HEADER + "  - id: a\n    type: bool\n    label: {zh: 甲, en: A}\n"
     "    choices: [{value: x, label: {zh: x, en: x}}]  # HERE\n", "choices_not_allowed"),
    ("duplicate choice", HEADER + "  - id: a\n    type: choice\n    label: {zh: 甲, en: A}\n    choices:\n"
     "      - {value: x, label: {zh: x, en: x}}\n      - {value: x, label: {zh: y, en: y}}  # HERE\n",
     "duplicate_choice"),
    ("unquoted no as a choice value", HEADER + "  - id: a\n    type: choice\n    label: {zh: 甲, en: A}\n    choices:\n"
     "      - {value: no, label: {zh: 否, en: 'No'}}  # HERE\n", "expected_text"),
    ("condition names an unknown question", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {question: nope, equals: x}  # HERE\n",
     "condition_unknown_question"),
    ("condition without operator", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {question: ok}  # HERE\n", "condition_shape"),
    ("condition with two operators", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {question: ok, equals: true, answered: true}  # HERE\n",
     "condition_shape"),
    ("condition unknown group operator", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {either: [{question: ok, equals: true}]}  # HERE\n",
     "condition_shape"),
    ("condition empty all", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {all: []}  # HERE\n", "condition_shape"),
    ("condition as text", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: ok == true  # HERE\n", "condition_shape"),
    ("nested condition names an unknown question", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant:\n      all:\n        - {question: ok, equals: true}\n"
     "        - not: {question: ghost, answered: true}  # HERE\n", "condition_unknown_question"),
    ("includes on a bool", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {question: ok, includes: true}  # HERE\n",
     "condition_operator"),
    ("equals a value of the wrong type", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {question: ok, equals: 1}  # HERE\n",
     "condition_value"),
    ("in with a value that is not a choice", HEADER
     + "  - id: c\n    type: choice\n    label: {zh: c, en: c}\n    choices: [{value: x, label: {zh: x, en: x}}]\n"
     "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {question: c, in: [x, y]}  # HERE\n",
     "condition_value"),
    ("answered not a bool", HEADER + GOOD_QUESTION
     + "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {question: ok, answered: maybe}  # HERE\n",
     "condition_value"),
    ("household question depends on a member question", HEADER
     + "  - id: m\n    type: bool\n    per_member: true\n    label: {zh: m, en: m}\n"
     "  - id: a\n    type: text\n    label: {zh: 甲, en: A}\n    relevant: {question: m, equals: true}  # HERE\n",
     "condition_member_scope"),
    ("condition on itself", HEADER
     + "  - id: a\n    type: bool\n    label: {zh: 甲, en: A}\n    relevant: {question: a, equals: true}  # HERE\n",
     "condition_cycle"),
    ("bad YAML", HEADER + "  - id: a\n    type: bool\n    label: {zh: 甲, en: A}}  # HERE\n", "yaml_syntax"),
    ("tab indentation", HEADER + "  - id: a\n\ttype: bool  # HERE\n", "yaml_syntax"),
    ("two documents", HEADER + GOOD_QUESTION + "---  # HERE\nid: u\n", "yaml_syntax"),
    ("python tag", HEADER + "  - id: a\n    type: text\n"
     "    label: !!python/object/apply:os.system [echo]  # HERE\n", "forbidden_tag"),
    ("python name tag", HEADER + "  - id: a\n    type: !!python/name:os.system ''  # HERE\n    label: {zh: 甲, en: A}\n",
     "forbidden_tag"),
    ("custom tag", HEADER + "  - id: a\n    type: text\n    label: !translated {zh: 甲, en: A}  # HERE\n",
     "forbidden_tag"),
    ("binary tag", HEADER + "  - id: a\n    type: text\n    label: {zh: !!binary aGk=, en: A}  # HERE\n",
     "forbidden_tag"),
    ("merge key", HEADER + "  - &q {id: a, type: text, label: {zh: a, en: a}}\n  - id: b\n    type: text\n"
     "    label: {zh: b, en: b}\n    <<: *q  # HERE\n",
     "merge_key"),
    ("control character", HEADER + "  - id: a\n    type: text\x07  # HERE\n", "yaml_syntax"),
    ("complex key", HEADER + "  - id: a\n    type: text\n    ? [x]  # HERE\n    : y\n    label: {zh: a, en: a}\n",
     "complex_key"),
    ("date in a condition on a date question", HEADER + "  - {id: a, type: date, label: {zh: a, en: a}}\n"
     "  - {id: b, type: text, label: {zh: b, en: b}, relevant: {question: a, equals: 2024-01-01}}  # HERE\n",
     "condition_value"),
    ("duplicate key", HEADER + "  - id: a\n    type: text\n    type: int  # HERE\n    label: {zh: 甲, en: A}\n",
     "duplicate_key"),
    ("misspelt field", HEADER + "  - id: a\n    type: text\n    requried: true  # HERE\n    label: {zh: 甲, en: A}\n",
     "unknown_field"),
    ("misspelt top-level field", HEADER.replace("applies_to: household", "applies_to: household\nlanguage: zh  # HERE")
     + GOOD_QUESTION, "unknown_field"),
    ("label missing", HEADER + "  - id: a  # HERE\n    type: text\n", "missing_field"),
    ("type missing", HEADER + "  - id: a  # HERE\n    label: {zh: 甲, en: A}\n", "missing_field"),
    ("English label missing", HEADER + "  - id: a\n    type: text\n    label: {zh: 甲}  # HERE\n", "missing_language"),
    ("blank Chinese label", HEADER + "  - id: a\n    type: text\n    label: {zh: '  ', en: A}  # HERE\n",
     "missing_language"),
    ("label as plain text", HEADER + "  - id: a\n    type: text\n    label: 甲  # HERE\n", "expected_mapping"),
    ("required not a bool", HEADER + "  - id: a\n    type: text\n    required: 'yes'  # HERE\n    label: {zh: 甲, en: A}\n",
     "expected_bool"),
    ("min above max", HEADER + "  - id: a\n    type: int\n    min: 5  # HERE\n    max: 1\n    label: {zh: 甲, en: A}\n",
     "min_above_max"),
    ("min not an int", HEADER + "  - id: a\n    type: int\n    min: 0.5  # HERE\n    label: {zh: 甲, en: A}\n",
     "expected_int"),
    ("max on text", HEADER + "  - id: a\n    type: text\n    max: 10  # HERE\n    label: {zh: 甲, en: A}\n",
     "min_max_not_allowed"),
    ("per_member outside a household form", HEADER.replace("applies_to: household", "applies_to: village")
     + "  - id: a\n    type: bool\n    per_member: true  # HERE\n    label: {zh: 甲, en: A}\n", "per_member_not_allowed"),
    ("reserved question id", HEADER + "  - id: members  # HERE\n    type: text\n    label: {zh: 甲, en: A}\n",
     "reserved_id"),
    ("question id with capitals", HEADER + "  - id: Name-1  # HERE\n    type: text\n    label: {zh: 甲, en: A}\n",
     "bad_id"),
    ("question not a mapping", HEADER + "  - just text  # HERE\n", "expected_mapping"),
    ("version zero", HEADER.replace("version: 1", "version: 0  # HERE") + GOOD_QUESTION, "bad_version"),
    ("version as text", HEADER.replace("version: 1", "version: '1'  # HERE") + GOOD_QUESTION, "expected_int"),
    ("version missing", HEADER.replace("version: 1\n", "").replace("id: t", "id: t  # HERE") + GOOD_QUESTION,
     "missing_field"),
    ("unknown applies_to", HEADER.replace("applies_to: household", "applies_to: family  # HERE") + GOOD_QUESTION,
     "unknown_applies_to"),
    ("no questions", HEADER.replace("questions:", "questions: []  # HERE"), "no_questions"),
    ("questions not a list", HEADER.replace("questions:", "questions: {a: 1}  # HERE"), "expected_list"),
    ("form is a list", "- id: t  # HERE\n", "expected_mapping"),
    ("recursive alias", HEADER + "  - &q {id: a, type: text, label: {zh: a, en: a}, relevant: *q}  # HERE\n",
     "recursive_alias"),
    ("visit form without channel", HEADER.replace("id: t", "id: household_visit").replace("questions:", "questions:  # HERE")
     + "".join(f"  - {{id: {q}, type: bool, per_member: true, label: {{zh: x, en: x}}}}\n"
               for q in ("briefed", "app_installed", "call_warning", "joined_group")), "contract_question"),
    ("visit form whose briefed is not per member", HEADER.replace("id: t", "id: household_visit")
     + "  - {id: briefed, type: bool, label: {zh: x, en: x}}  # HERE\n"
     + "  - id: channel\n    type: choice\n    per_member: true\n    label: {zh: x, en: x}\n    choices:\n"
     + "".join(f"      - {{value: {v}, label: {{zh: x, en: x}}}}\n" for v in ("in_person", "phone", "wechat", "video"))
     + "".join(f"  - {{id: {q}, type: bool, per_member: true, label: {{zh: x, en: x}}}}\n"
               for q in ("app_installed", "call_warning", "joined_group")), "contract_question"),
]


@pytest.mark.parametrize("name, text, code", BROKEN, ids=[case[0] for case in BROKEN])
def test_each_mistake_is_reported_with_its_line(name, text, code):
    with pytest.raises(FormError) as caught:
        load_form_text(text, "forms/broken.yaml")
    problems = caught.value.problems
    assert [(p.file, p.line, p.code) for p in problems] == [("forms/broken.yaml", marked_line(text), code)]
    for p in problems:
        assert_well_formed(p)


def test_the_broken_table_differs_from_a_valid_form_only_by_the_mistake():
    form = load_form_text(HEADER + GOOD_QUESTION, "ok.yaml")
    assert [q.id for q in form.questions] == ["ok"]


def test_too_large(tmp_path):
    big = HEADER + GOOD_QUESTION + "# " + "x" * 1_000_000 + "\n"
    with pytest.raises(FormError) as caught:
        load_form_text(big, "big.yaml")
    assert [(p.line, p.code) for p in caught.value.problems] == [(0, "too_large")]
    path = tmp_path / "big.yaml"
    path.write_text(big, encoding="utf-8")
    with pytest.raises(FormError) as caught:
        load_form(path)
    assert [(p.line, p.code) for p in caught.value.problems] == [(0, "too_large")]


def test_empty_file():
    for text in ("", "# only a comment\n"):
        with pytest.raises(FormError) as caught:
            load_form_text(text, "e.yaml")
        assert [(p.line, p.code) for p in caught.value.problems] == [(0, "empty_file")]


def test_all_mistakes_are_reported_together_in_file_order():
    text = HEADER + (
        "  - id: a\n"
        "    type: strng  # A\n"
        "    label: {zh: 甲, en: A}\n"
        "  - id: a  # B\n"
        "    type: bool\n"
        "    label: {zh: 乙}  # C\n"
        "  - id: c  # D\n"
        "    type: choice\n"
        "    label: {zh: 丙, en: C}\n"
        "  - id: d\n"
        "    type: text\n"
        "    label: !!python/object/apply:os.system [echo]  # E\n"
        "  - id: e\n"
        "    type: text\n"
        "    label: {zh: 戊, en: E}\n"
        "    relevant: {question: ghost, equals: x}  # F\n"
        "    requried: true  # G\n"
    )
    with pytest.raises(FormError) as caught:
        load_form_text(text, "many.yaml")
    got = [(p.line, p.code) for p in caught.value.problems]
    assert got == [
        (marked_line(text, "# A"), "unknown_type"),
        (marked_line(text, "# B"), "duplicate_id"),
        (marked_line(text, "# C"), "missing_language"),
        (marked_line(text, "# D"), "choices_missing"),
        (marked_line(text, "# E"), "forbidden_tag"),
        (marked_line(text, "# F"), "condition_unknown_question"),
        (marked_line(text, "# G"), "unknown_field"),
    ]
    for p in caught.value.problems:
        assert_well_formed(p)


def test_form_error_text_is_file_line_code():
    with pytest.raises(FormError) as caught:
        load_form_text(HEADER + "  - id: a\n    type: strng\n    label: {zh: 甲, en: A}\n", "x.yaml")
    text = str(caught.value)
    assert text.startswith("x.yaml:7: unknown_type ")
    assert "type='strng'" in text
    assert isinstance(caught.value, Exception)


def test_python_tags_are_never_executed(tmp_path):
    marker = tmp_path / "executed"
    text = HEADER + (
        "  - id: a\n    type: text\n"
        f"    label: !!python/object/apply:os.system ['touch {marker}']\n"
        f"  - !!python/object/apply:subprocess.call [['touch', '{marker}']]\n"
    )
    with pytest.raises(FormError) as caught:
        load_form_text(text, "evil.yaml")
    assert [p.code for p in caught.value.problems] == ["forbidden_tag", "forbidden_tag"]
    assert caught.value.problems[0].params["tag"] == "!!python/object/apply:os.system"
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(FormError) as caught:
        load_form_text("\n".join(lines) + "\n", "bomb.yaml")
    assert "too_many_nodes" in [p.code for p in caught.value.problems]


def test_anchors_and_aliases_within_budget_are_fine():
    text = HEADER + (
        "  - {id: a, type: choice, label: {zh: 甲, en: A}, choices: &yn [{value: y, label: {zh: 是, en: 'Yes'}},"
        " {value: n, label: {zh: 否, en: 'No'}}]}\n"
        "  - {id: b, type: choice, label: {zh: 乙, en: B}, choices: *yn}\n"
    )
    form = load_form_text(text, "alias.yaml")
    assert form.question("b").choice_values() == ("y", "n")


def test_load_form_from_a_file_with_bom(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + GOOD_QUESTION).encode("utf-8"))
    form = load_form(path)
    assert form.id == "t" and form.source == str(path)


def test_load_form_reports_file_problems(tmp_path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(FormError) as caught:
        load_form(missing)
    assert [(p.file, p.line, p.code) for p in caught.value.problems] == [(str(missing), 0, "file_unreadable")]

    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes((HEADER + "  - id: a\n    type: text\n").encode("utf-8") + "    label: {zh: 甲乙, en: A}\n".encode("gbk"))
    with pytest.raises(FormError) as caught:
        load_form(gbk)
    assert [(p.line, p.code) for p in caught.value.problems] == [(8, "not_utf8")]

    broken = tmp_path / "broken.yaml"
    broken.write_text(HEADER + "  - id: a\n    type: strng\n    label: {zh: 甲, en: A}\n", encoding="utf-8")
    with pytest.raises(FormError) as caught:
        load_form(broken)
    assert [(p.file, p.line, p.code) for p in caught.value.problems] == [(str(broken), 7, "unknown_type")]


def test_loaded_question_fields():
    text = HEADER + (
        "  - id: n\n    type: int\n    required: true\n    min: 0\n    max: 9\n    label: {zh: 数, en: Number}\n"
        "  - id: c\n    type: multi\n    label: {zh: 选, en: Pick}\n"
        "    choices: [{value: a, label: {zh: 甲, en: A}}, {value: b, label: {zh: 乙, en: B}}]\n"
        "    relevant: {question: n, in: [1, 2]}\n"
        "  - id: m\n    type: phone\n    per_member: true\n    label: {zh: 电话, en: Phone}\n"
        "    relevant: {any: [{question: c, includes: a}, {not: {question: n, answered: true}}]}\n"
    )
    form = load_form_text(text, "f.yaml")
    n, c, m = form.questions
    assert (n.type, n.required, n.min, n.max, n.per_member, n.relevant, n.line) == ("int", True, 0, 9, False, None, 6)
    assert c.choice_values() == ("a", "b") and c.choice_label("b", "en") == "B" and c.choice_label("b") == "乙"
    assert c.relevant == {"question": "n", "in": [1, 2]} and type(c.relevant) is dict
    assert m.per_member and m.required is False
    assert form.member_questions == (m,) and form.household_questions == (n, c)
    assert form.text == text


# --- the shipped forms ----------------------------------------------------------------------------


def test_default_forms_all_load():
    forms = default_forms()
    assert set(forms) == {"household_visit", "village_activity", "key_person_dossier", "callback"}
    for form_id, form in forms.items():
        assert form.id == form_id and form.version >= 1
        assert form.title.zh and form.title.en
        for q in form.questions:
            assert q.label.zh and q.label.en
            assert all(c.label.zh and c.label.en for c in q.choices)
        # what a kit carries (the YAML text) loads back to the same form
        assert load_form_text(form.text, form.source) == form


def test_default_forms_are_a_fresh_dict_each_time():
    first = default_forms()
    first.pop("callback")
    assert "callback" in default_forms()


def _question(form_id, qid):
    q = default_forms()[form_id].question(qid)
    assert q is not None, qid
    return q


def test_household_visit_matches_the_visit_event():
    form = default_forms()["household_visit"]
    assert form.applies_to == "household" and form.title.zh == "入户反诈宣传登记"
    assert [q.id for q in form.member_questions] == ["briefed", "channel", "app_installed", "call_warning", "joined_group"]
    briefed, channel = _question("household_visit", "briefed"), _question("household_visit", "channel")
    assert briefed.type == "bool" and briefed.required
    assert channel.type == "choice" and channel.required
    assert channel.relevant == {"question": "briefed", "equals": True}
    assert [(c.value, c.label.zh) for c in channel.choices] == [
        ("in_person", "面对面"), ("phone", "电话"), ("wechat", "微信"), ("video", "视频")]
    assert _question("household_visit", "app_installed").label.zh == "国家反诈中心APP已安装"
    assert _question("household_visit", "call_warning").label.zh == "来电预警已开启"
    assert _question("household_visit", "joined_group").label.zh == "已加入村反诈群"
    materials = _question("household_visit", "materials_given")
    assert materials.type == "int" and materials.min == 0 and materials.label.zh == "发放宣传资料份数"
    assert _question("household_visit", "risk_note").relevant == {"question": "risk_noticed", "equals": True}


def test_village_activity_matches_the_activity_event():
    form = default_forms()["village_activity"]
    assert form.applies_to == "village" and form.title.zh == "集中宣传活动"
    kind = _question("village_activity", "kind")
    assert [(c.value, c.label.zh) for c in kind.choices] == [
        ("loudspeaker", "广播/大喇叭"), ("lecture", "讲座"), ("market_stall", "赶集日摆摊"), ("banner", "横幅"),
        ("led", "LED屏"), ("wechat_push", "微信群推送"), ("school", "进校园")]
    assert _question("village_activity", "place").required
    audience = _question("village_activity", "audience")
    assert audience.type == "int" and audience.required and audience.min == 0
    assert _question("village_activity", "materials").min == 0
    assert _question("village_activity", "note").type == "text"


def test_dossier_and_callback_forms():
    dossier = default_forms()["key_person_dossier"]
    assert dossier.applies_to == "dossier" and dossier.title.zh == "重点人员档案"
    assert [(c.value, c.label.zh) for c in _question("key_person_dossier", "category").choices] == [
        ("prior_offender", "前科人员"), ("high_risk", "高危人员"), ("myanmar_returnee", "涉缅北回流人员"),
        ("two_cards", "涉两卡人员")]
    types = {q.id: (q.type, q.required) for q in dossier.questions}
    assert types["name"] == ("text", True) and types["id_number"] == ("idcard", True)
    assert types["phone"][0] == "phone" and types["officer"] == ("text", True)
    assert {"address", "situation", "control_measures", "contacts"} <= set(types)

    callback = default_forms()["callback"]
    assert callback.applies_to == "household" and callback.title.zh == "回访核查"
    result = _question("callback", "result")
    assert result.required and [(c.value, c.label.zh) for c in result.choices] == [
        ("confirmed", "属实"), ("denied", "不属实"), ("unreachable", "无法联系")]


def test_every_contract_is_met_by_the_shipped_form():
    forms = default_forms()
    assert set(CONTRACTS) <= set(forms)


def test_plain_strips_line_information():
    form = load_form_text(HEADER + GOOD_QUESTION + "  - {id: a, type: text, label: {zh: a, en: a},"
                          " relevant: {all: [{question: ok, equals: true}]}}\n", "p.yaml")
    relevant = form.question("a").relevant
    assert type(relevant) is dict and type(relevant["all"]) is list and type(relevant["all"][0]) is dict
    assert plain(relevant) == relevant


def test_problem_is_a_plain_value():
    assert Problem("f", 1, "no_questions", {}) == Problem("f", 1, "no_questions", {})
    assert str(Problem("f", 3, "duplicate_key", {"key": "id"})) == "f:3: duplicate_key key='id'"
