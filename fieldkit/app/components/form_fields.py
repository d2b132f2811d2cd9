"""Widgets generated from survey questions, and reading answers back from them.

One widget per question and type: bool → Toggle, choice → Select (ChoiceCycle in the member
grid: far lighter than a Select per cell), multi → SelectionList,
int/text/date/phone/idcard → Input. Values read back are what ``surveys.validate`` expects
(``None`` for no answer; a non-number typed into an int field is returned as text so the validator
says "must be a whole number" instead of the app silently dropping it).
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, SelectionList, Static

from fieldkit.app.components.common import FieldInput
from fieldkit.i18n import get_language, t
from surveys.model import Question
from surveys.problems import AnswerProblem

INPUT_TYPES = {"int": "integer", "text": "text", "date": "text", "phone": "text", "idcard": "text"}
PLACEHOLDERS = {"date": "YYYY-MM-DD", "phone": "1xxxxxxxxxx"}


class Toggle(Widget, can_focus=True):
    """A yes/no answer drawn as ``[X] 是`` / ``[ ] 否``: plain ASCII brackets (no ambiguous-width
    symbols) and a word, so it reads the same on any terminal and without colour. Space, Enter or a
    click flips it."""

    DEFAULT_CSS = """
    Toggle { height: 1; width: auto; min-width: 8; padding: 0 1 0 0; }
    Toggle.-on { color: $success; text-style: bold; }
    Toggle:focus { background: $accent; color: $text; }
    """
    BINDINGS = [Binding("space,enter", "flip", show=False)]

    class Changed(Message):
        def __init__(self, toggle: "Toggle") -> None:
            super().__init__()
            self.toggle = toggle

        @property
        def control(self) -> "Toggle":
            return self.toggle

    value: reactive[bool] = reactive(False)

    def __init__(self, label: str = "", value: bool = False, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.set_reactive(Toggle.value, bool(value))

    def render(self) -> str:
        word = t("app.yes") if self.value else t("app.no")
        box = "[X]" if self.value else "[ ]"
        return f"{box} {self.label}" if self.label else f"{box} {word}"

    def watch_value(self, value: bool) -> None:
        self.set_class(value, "-on")
        self.post_message(self.Changed(self))

    def action_flip(self) -> None:
        self.value = not self.value

    def on_click(self) -> None:
        self.action_flip()


class ChoiceCycle(Widget, can_focus=True):
    """A one-line choice that steps through its options: Space/Enter/→ next, ← back, click next.

    Much lighter than a Select (no overlay per cell), which matters in a grid with one per member.
    ``value`` is ``None`` (no answer, shown as —) or one of the option values.
    """

    DEFAULT_CSS = """
    ChoiceCycle { height: 1; width: 12; background: $boost; }
    ChoiceCycle:focus { background: $accent; color: $text; text-style: bold; }
    """
    BINDINGS = [
        Binding("space,enter,right", "step(1)", show=False),
        Binding("left", "step(-1)", show=False),
        Binding("backspace,delete", "clear", show=False),
    ]

    class Changed(Message):
        def __init__(self, cycle: "ChoiceCycle") -> None:
            super().__init__()
            self.cycle = cycle

        @property
        def control(self) -> "ChoiceCycle":
            return self.cycle

    value: reactive[str | None] = reactive(None)

    def __init__(self, options: list[tuple[str, str]], value: str | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = options
        self.set_reactive(ChoiceCycle.value, value)

    def render(self) -> str:
        for text, option in self.options:
            if option == self.value:
                return f"‹{text}›"
        return "‹—›"

    def watch_value(self) -> None:
        self.post_message(self.Changed(self))

    def action_step(self, delta: int) -> None:
        values: list[str | None] = [None] + [option for _, option in self.options]
        index = values.index(self.value) if self.value in values else 0
        self.value = values[(index + delta) % len(values)]

    def action_clear(self) -> None:
        self.value = None

    def on_click(self) -> None:
        self.action_step(1)


def label(question: Question) -> str:
    return question.label.get(get_language())


def make_field(question: Question, widget_id: str, *, with_label: bool = True, default: Any = None) -> Widget:
    """The widget for ``question``. ``with_label=False`` is the grid cell form (label in the header)."""
    lang = get_language()
    if question.type == "bool":
        return Toggle(label(question) if with_label else "", value=bool(default), id=widget_id)
    if question.type == "choice" and not with_label:
        options = [(choice.label.get(lang), choice.value) for choice in question.choices]
        return ChoiceCycle(options, default, id=widget_id)
    if question.type == "choice":
        options = [(choice.label.get(lang), choice.value) for choice in question.choices]
        return Select(options, value=default if default is not None else Select.NULL, compact=True, id=widget_id, prompt="—")
    if question.type == "multi":
        return SelectionList(*[(choice.label.get(lang), choice.value) for choice in question.choices], id=widget_id, compact=True)
    field = FieldInput(
        value="" if default is None else str(default),
        type=INPUT_TYPES.get(question.type, "text"),
        placeholder=PLACEHOLDERS.get(question.type, ""),
        compact=True,
        id=widget_id,
    )
    return field


def read_value(widget: Widget, question: Question) -> Any:
    if isinstance(widget, (Toggle, Checkbox)):
        return bool(widget.value)
    if isinstance(widget, Select):
        return None if widget.value is Select.NULL else widget.value
    if isinstance(widget, ChoiceCycle):
        return widget.value
    if isinstance(widget, SelectionList):
        return list(widget.selected) or None
    if isinstance(widget, Input):
        text = widget.value.strip()
        if not text:
            return None
        if question.type == "int":
            try:
                return int(text)
            except ValueError:
                return text
        return text
    return None


def set_error(widget: Static, text: str) -> None:
    """Show ``text`` in red under a field, or hide the line when there is nothing to say."""
    widget.update(text)
    widget.set_class(bool(text), "shown")


def problem_text(problem: AnswerProblem, question: Question | None) -> str:
    """The problem in plain language, naming the question by its label, not its id."""
    params = dict(problem.all_params())
    params["question"] = label(question) if question is not None else problem.question
    return t(f"forms.{problem.code}", **params)
