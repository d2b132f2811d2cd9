"""What the survey form screens (a visit, an activity) share: one box per question, the status line
with Save/Cancel, reading answers back, showing problems and the saving state.

A subclass composes its questions with ``compose_question`` and ends with ``compose_form_end``,
implements ``apply_relevance`` (called on every change) and ``action_save``, and handles
``msg.Saved`` itself (what happens after saving differs).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Select, SelectionList, Static

from fieldkit.app import messages as msg
from fieldkit.app.components.common import after_typed_keys, localize_bindings
from fieldkit.app.components.form_fields import ChoiceCycle, Toggle, label, make_field, read_value, set_error
from fieldkit.i18n import t
from surveys.model import Form, Question


def compose_question(question: Question) -> ComposeResult:
    """A question on a line of its own: label (a bool's toggle carries none), field, error line."""
    with Vertical(classes="question", id=f"qbox-{question.id}"):
        if question.type != "bool":
            yield Static(label(question) + (" *" if question.required else ""), classes="question-label")
        yield make_field(question, f"q-{question.id}")
        yield Static("", id=f"err-{question.id}", classes="field-error")


def compose_form_end() -> ComposeResult:
    yield Static("", id="form-status")
    with Horizontal(id="form-buttons"):
        yield Button(t("app.visit.save"), id="save", variant="primary", compact=True)
        yield Button(t("app.visit.cancel"), id="cancel", compact=True)


class FormScreen(Screen[Any]):
    BINDINGS = [
        Binding("ctrl+s", "save_typed", "app.visit.save", priority=True),
        Binding("escape", "cancel", "app.visit.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)
        self.form: Form | None = None
        self.saving = False
        self._fields: dict[str, Widget] = {}

    @property
    def fk(self) -> Any:
        return self.app

    def field(self, widget_id: str) -> Widget:
        """A widget of the form by id, looked up once (relevance is re-checked on every change)."""
        widget = self._fields.get(widget_id)
        if widget is None:
            widget = self._fields[widget_id] = self.query_one(f"#{widget_id}")
        return widget

    def read_answers(self, questions: Iterable[Question]) -> dict[str, Any]:
        """The answers given to questions composed with ``compose_question``."""
        answers: dict[str, Any] = {}
        for question in questions:
            value = read_value(self.field(f"q-{question.id}"), question)
            if value is not None:
                answers[question.id] = value
        return answers

    def show_asked(self, questions: Iterable[Question], asked: dict[str, bool]) -> None:
        """Hide the boxes of questions that are not relevant now."""
        for question in questions:
            box = self.field(f"qbox-{question.id}")
            shown = asked.get(question.id, True)
            if box.display != shown:
                box.display = shown

    def apply_relevance(self) -> None:
        raise NotImplementedError

    @on(Toggle.Changed)
    @on(ChoiceCycle.Changed)
    @on(Select.Changed)
    @on(Input.Changed)
    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        self.apply_relevance()

    def clear_errors(self) -> None:
        for widget in self.query(".field-error"):
            assert isinstance(widget, Static)
            set_error(widget, "")

    def show_error(self, question_id: str, text: str) -> None:
        for error in self.query(f"#err-{question_id}"):
            assert isinstance(error, Static)
            set_error(error, text)

    def set_status(self, text: str, classes: str) -> None:
        status = self.query_one("#form-status", Static)
        status.update(text)
        status.set_classes(classes)

    def start_saving(self) -> None:
        self.saving = True
        self.set_status(t("app.visit.saving"), "")

    @on(msg.SaveFailed)
    def _save_failed(self, message: msg.SaveFailed) -> None:
        self.saving = False
        self.set_status(message.reason, "error")
        message.stop()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)

    def action_save_typed(self) -> None:
        after_typed_keys(self, self.action_save)

    def action_save(self) -> None:
        raise NotImplementedError
