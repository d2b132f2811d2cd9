"""Form definitions (YAML) and their loader, validator and conditions. Imports nothing of ours.

    form = load_form(path)                 # or load_form_text(yaml_text, source="kit:forms/x.yaml")
    forms = default_forms()                # {"household_visit": Form, ...} shipped in surveys/forms
    problems = validate_answers(form, answers, members=["110101001001-010001-01", ...])

Form mistakes raise ``FormError``; its ``.problems`` are ``Problem(file, line, code, params)``.
Answer mistakes are returned as ``AnswerProblem(question, member, code, params)``. Render either
with the catalogue key ``forms.<code>`` (AnswerProblem: ``all_params()`` adds question and member).
The schema is documented at the top of ``surveys/forms/household_visit.yaml``.
"""

from surveys.checks import check_id_number, check_phone
from surveys.conditions import is_answered, is_relevant
from surveys.loader import default_forms, load_form, load_form_text
from surveys.model import APPLIES_TO, QUESTION_TYPES, Choice, Form, Question, Text
from surveys.problems import ANSWER_CODES, CODES, FORM_CODES, AnswerProblem, FormError, Problem
from surveys.validate import drop_irrelevant, relevance, validate_answers

__all__ = [
    "ANSWER_CODES",
    "APPLIES_TO",
    "CODES",
    "FORM_CODES",
    "QUESTION_TYPES",
    "AnswerProblem",
    "Choice",
    "Form",
    "FormError",
    "Problem",
    "Question",
    "Text",
    "check_id_number",
    "check_phone",
    "default_forms",
    "drop_irrelevant",
    "is_answered",
    "is_relevant",
    "load_form",
    "load_form_text",
    "relevance",
    "validate_answers",
]
