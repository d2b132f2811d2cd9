"""Village-wide activities (集中宣传): the list, and logging one with the form from the survey YAML."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from fieldkit.app import messages as msg
from fieldkit.app.components.common import DataScreen, TopBar
from fieldkit.app.components.form_fields import problem_text
from fieldkit.app.components.form_screen import FormScreen, compose_form_end, compose_question
from fieldkit.app.data import error_text
from fieldkit.core.canonical import parse_time
from fieldkit.i18n import get_language, t
from surveys.model import Form
from surveys.validate import drop_irrelevant, relevance, validate_answers

if TYPE_CHECKING:
    from fieldkit.app.data import Snapshot


class ActivitiesScreen(DataScreen):
    BINDINGS = [Binding("n", "new", "app.activity.new")]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with VerticalScroll(id="activities"):
            yield Static(t("app.activity.title"), classes="title")
            yield DataTable(id="activity-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="activity-empty")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        table = self.query_one("#activity-table", DataTable)
        for key in ("time", "kind", "place", "audience", "materials"):
            table.add_column(t(f"app.activity.col.{key}"), key=key)
        table.focus()

    def draw(self, snapshot: "Snapshot") -> None:
        table = self.query_one("#activity-table", DataTable)
        table.clear()
        form = snapshot.activity_form
        kind_question = form.question("kind") if form else None
        lang = get_language()
        activities = [a for a in snapshot.state.activities if not snapshot.village_code or a.village == snapshot.village_code]
        for activity in reversed(activities):
            kind = kind_question.choice_label(activity.kind, lang) if kind_question else activity.kind
            table.add_row(
                parse_time(activity.time).strftime("%m-%d %H:%M"),
                kind,
                activity.place,
                str(activity.audience),
                str(activity.materials),
                key=activity.id,
            )
        self.query_one("#activity-empty", Static).update("" if activities else t("app.activity.none"))

    def action_new(self) -> None:
        self.app.push_screen(ActivityFormScreen())


class ActivityFormScreen(FormScreen):
    """A form without per-member questions, generated from the activity YAML."""

    def compose(self) -> ComposeResult:
        snapshot = self.fk.snapshot
        self.form = snapshot.activity_form if snapshot else None
        yield TopBar()
        with VerticalScroll(id="activity-form"):
            yield Static(t("app.activity.form_title"), classes="title")
            if self.form is None:
                yield Static(t("app.activity.no_form"), classes="error")
            else:
                for question in self.form.questions:
                    yield from compose_question(question)
                yield from compose_form_end()
        yield Footer()

    def on_mount(self) -> None:
        self.apply_relevance()
        if self.form is not None and self.form.questions:
            self.query_one(f"#q-{self.form.questions[0].id}").focus()

    def collect(self) -> dict[str, Any]:
        assert self.form is not None
        return self.read_answers(self.form.questions)

    def apply_relevance(self) -> None:
        if self.form is None:
            return
        self.show_asked(self.form.questions, relevance(self.form, self.collect()))

    def action_save(self) -> None:
        if self.form is None or self.saving:
            return
        answers = drop_irrelevant(self.form, self.collect())
        problems = validate_answers(self.form, answers)
        self.clear_errors()
        if problems:
            for problem in problems:
                self.show_error(problem.question, problem_text(problem, self.form.question(problem.question)))
            self.set_status(t("app.visit.fix", count=len(problems)), "error")
            first = self.query(f"#q-{problems[0].question}")
            if first:
                first.first().focus()
            return
        self.start_saving()
        self.save(answers, self.form)

    @work(thread=True, exclusive=True, group="save")
    def save(self, answers: dict[str, Any], form: Form) -> None:
        try:
            entity = self.fk.data.record_activity(answers, form)
        except Exception as exc:  # noqa: BLE001
            self.post_message(msg.SaveFailed("activity", error_text(exc)))
            return
        self.post_message(msg.Saved("activity", entity))

    @on(msg.Saved)
    def _saved(self, message: msg.Saved) -> None:
        self.notify(t("app.visit.saved"))
        self.dismiss(message)
