"""A loaded form: plain immutable data. The YAML schema is documented in forms/household_visit.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

QUESTION_TYPES = ("bool", "int", "text", "choice", "multi", "date", "phone", "idcard")
APPLIES_TO = ("household", "person", "village", "dossier")
LANGUAGES = ("zh", "en")

# A relevance condition, exactly as written in YAML (see surveys.conditions for the grammar).
Condition = dict[str, Any]


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: Text
    required: bool = False
    choices: tuple[Choice, ...] = ()
    min: int | None = None
    max: int | None = None
    per_member: bool = False
    relevant: Condition | None = field(default=None, hash=False)
    line: int = 0

    def choice_values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def choice_label(self, value: str, lang: str = "zh") -> str:
        """The label of a choice value; the value itself if the form does not know it."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label.get(lang)
        return value


@dataclass(frozen=True)
class Form:
    id: str
    version: int
    title: Text
    applies_to: str
    questions: tuple[Question, ...]
    source: str = ""
    text: str = field(default="", repr=False, compare=False)  # the YAML it was loaded from (kits ship it)

    def question(self, question_id: str) -> Question | None:
        for q in self.questions:
            if q.id == question_id:
                return q
        return None

    @property
    def household_questions(self) -> tuple[Question, ...]:
        """Questions asked once per record (all of them for forms without per-member questions)."""
        return tuple(q for q in self.questions if not q.per_member)

    @property
    def member_questions(self) -> tuple[Question, ...]:
        """Questions asked once per household member."""
        return tuple(q for q in self.questions if q.per_member)
