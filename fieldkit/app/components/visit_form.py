"""Record a visit: a form generated from the survey YAML, validated inline, saved durably.

Per-member questions make a grid (one row per member who counts, one column per question);
household questions follow, one per line. Questions that are not relevant (channel when the member
was not briefed, the note on something suspicious when nothing was) are hidden and their answers
dropped. Ctrl+S validates with ``surveys.validate``; problems appear in red under the question, in
plain language. Saving runs in a thread worker; the screen says 已保存 only after the workspace has
made the event durable.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Static

from fieldkit.app import messages as msg
from fieldkit.app.components.common import TopBar, group_label
from fieldkit.app.components.form_fields import Toggle, label, make_field, problem_text, read_value, set_error
from fieldkit.app.components.form_screen import FormScreen, compose_form_end, compose_question
from fieldkit.app.components.member_grid import GRID_TYPES, MemberGrid
from fieldkit.app.data import counted_members, error_text
from fieldkit.core.model import AWAY, IN_PERSON, Person
from fieldkit.i18n import t
from surveys.model import Form
from surveys.validate import MEMBERS, drop_irrelevant, relevance, validate_answers


class VisitFormScreen(FormScreen):
    BINDINGS = [Binding("ctrl+b", "all_briefed", "app.visit.all_briefed")]

    def __init__(self, household: str) -> None:
        super().__init__()
        self.household = household
        self.members: list[Person] = []

    def compose(self) -> ComposeResult:
        snapshot = self.fk.snapshot
        self.form = snapshot.visit_form if snapshot else None
        household = snapshot.state.households.get(self.household) if snapshot else None
        self.members = counted_members(snapshot.state, self.household) if snapshot else []
        yield TopBar()
        with VerticalScroll(id="visit-form"):
            if household is not None:
                yield Static(t("app.visit.title", group=group_label(household.group), number=household.number), classes="title")
            if self.form is None:
                yield Static(t("app.visit.no_form"), classes="error")
                return
            yield Static(t("app.visit.members"), classes="subtitle")
            if not self.members:
                yield Static(t("app.visit.no_members"))
            else:
                labels = [
                    (p.id, p.name + (t(f"app.visit.away.{p.residence}") if p.residence in AWAY else ""))
                    for p in self.members
                ]
                defaults = {(p.id, "channel"): IN_PERSON for p in self.members if p.residence not in AWAY}
                yield MemberGrid(labels, list(self.form.member_questions), defaults, id="grid")
                # per-member questions the grid cannot hold (numbers, text): one input per member
                for question in self.form.member_questions:
                    if question.type in GRID_TYPES:
                        continue
                    for index, person in enumerate(self.members):
                        with Horizontal(classes="member-row"):
                            yield Static(f"{person.name} {label(question)}", classes="member-name")
                            yield make_field(question, f"m-{index}-{question.id}", with_label=False)
                yield Static("", id="member-errors", classes="field-error")
            if self.form.household_questions:
                yield Static(t("app.visit.household"), classes="subtitle")
            for question in self.form.household_questions:
                yield from compose_question(question)
            yield from compose_form_end()
        yield Footer()

    @property
    def grid(self) -> MemberGrid | None:
        grids = self.query(MemberGrid)
        return grids.first() if grids else None

    def on_mount(self) -> None:
        if self.grid is not None:
            self.grid.on_values_changed = self.apply_relevance
        self.apply_relevance()
        focus = self.grid or (self.query(Toggle).first() if self.query(Toggle) else None)
        if focus is not None:
            focus.focus()

    # -- answers ---------------------------------------------------------------------------------
    def collect(self) -> dict[str, Any]:
        """The answers as ``surveys.validate`` wants them: household answers + ``members``."""
        assert self.form is not None
        answers = self.read_answers(self.form.household_questions)
        members: dict[str, dict[str, Any]] = {}
        grid = self.grid
        for index, person in enumerate(self.members):
            record: dict[str, Any] = grid.answers_of(person.id) if grid is not None else {}
            for question in self.form.member_questions:
                if question.type in GRID_TYPES:
                    continue
                value = read_value(self.field(f"m-{index}-{question.id}"), question)
                if value is not None:
                    record[question.id] = value
            members[person.id] = record
        if self.form.member_questions:
            answers[MEMBERS] = members
        return answers

    def apply_relevance(self) -> None:
        if self.form is None:
            return
        answers = self.collect()
        self.show_asked(self.form.household_questions, relevance(self.form, answers))
        asked_by_member: dict[str, dict[str, bool]] = {}
        for index, person in enumerate(self.members):
            member_asked = relevance(self.form, answers, answers.get(MEMBERS, {}).get(person.id, {}))
            asked_by_member[person.id] = member_asked
            for question in self.form.member_questions:
                if question.type in GRID_TYPES:
                    continue
                cell = self.field(f"m-{index}-{question.id}")
                visibility = "visible" if member_asked.get(question.id, True) else "hidden"
                if cell.styles.visibility != visibility:
                    cell.styles.visibility = visibility
        if self.grid is not None:
            self.grid.asked = lambda person, question: asked_by_member.get(person, {}).get(question, True)
            self.grid.refresh()

    def show_problems(self, answers: dict[str, Any]) -> list[Any]:
        assert self.form is not None
        problems = validate_answers(self.form, answers, [p.id for p in self.members])
        self.clear_errors()
        row_errors: dict[int, list[str]] = {}
        index_of = {p.id: i for i, p in enumerate(self.members)}
        first: Widget | None = None
        # in screen order: the member grid comes before the household questions
        for problem in sorted(problems, key=lambda p: p.member is None):
            question = self.form.question(problem.question)
            text = problem_text(problem, question)
            if problem.member is not None and problem.member in index_of:
                index = index_of[problem.member]
                row_errors.setdefault(index, []).append(text)
                target = f"#m-{index}-{problem.question}"
                grid = self.grid
                if first is None and grid is not None and question is not None and question.type in GRID_TYPES:
                    first = grid
                    grid.cursor = (index, [q.id for q in grid.questions].index(problem.question))
            else:
                self.show_error(problem.question, text)
                target = f"#q-{problem.question}"
            if first is None and self.query(target):
                first = self.query_one(target)
        if self.members:
            set_error(
                self.query_one("#member-errors", Static),
                "\n".join(
                    t("app.problem.member", name=self.members[index].name, message=" ".join(texts))
                    for index, texts in sorted(row_errors.items())
                ),
            )
        if problems:
            self.set_status(t("app.visit.fix", count=len(problems)), "error")
            if first is not None:
                first.focus()
                first.scroll_visible()
        return problems

    # -- actions ---------------------------------------------------------------------------------
    def action_all_briefed(self) -> None:
        grid = self.grid
        if grid is not None and any(q.id == "briefed" for q in grid.questions):
            for person in self.members:
                grid.values[(person.id, "briefed")] = True
            grid.set_value(self.members[0].id, "briefed", True)  # one Changed for all

    def action_save(self) -> None:
        if self.form is None or self.saving:
            return
        answers = drop_irrelevant(self.form, self.collect())
        if self.show_problems(answers):
            return
        self.start_saving()
        members = answers.pop(MEMBERS, {})
        self.save(answers, members, self.form)

    @work(thread=True, exclusive=True, group="save")
    def save(self, answers: dict[str, Any], members: dict[str, dict[str, Any]], form: Form) -> None:
        try:
            entity = self.fk.data.record_visit(self.household, answers, members, form)
        except Exception as exc:  # noqa: BLE001 - one line for the user
            self.post_message(msg.SaveFailed("visit", error_text(exc)))
            return
        self.post_message(msg.Saved("visit", entity, self.household))

    @on(msg.Saved)
    def _saved(self, message: msg.Saved) -> None:
        self.set_status(t("app.visit.saved"), "saved")
        self.dismiss(message)
