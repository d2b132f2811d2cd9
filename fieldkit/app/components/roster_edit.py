"""Correct the roster in the field: add a household found on the ground, add or remove a member,
change a phone. Each is one edit event (``household.set`` / ``person.set``) made from the current
head, saved in a thread worker; the dialog closes with ``Saved`` once it is durable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from fieldkit.app import messages as msg
from fieldkit.app.components.common import FieldInput, after_typed_keys, group_label, localize_bindings
from fieldkit.app.components.form_fields import set_error
from fieldkit.app.data import error_text
from fieldkit.i18n import t
from surveys.checks import check_phone

RESIDENCES = ("resident", "migrant", "student", "registered_only")
ADD_REASONS = ("born", "married_in", "moved_in")
REMOVE_REASONS = {"moved_out": "moved_out", "deceased": "deceased"}  # reason -> person status
RELATIONS_ZH = ("户主", "配偶", "子女", "父母", "孙子女", "兄弟姐妹", "儿媳", "女婿", "其他")


def valid_year(text: str, this_year: int) -> int | None:
    text = text.strip()
    if len(text) == 4 and text.isdigit() and 1900 <= int(text) <= this_year:
        return int(text)
    return None


class EditDialog(ModalScreen[Any]):
    """Base: a titled box of fields, a problem line, OK/Cancel; subclasses build and save."""

    BINDINGS = [
        Binding("escape", "cancel", "app.visit.cancel"),
        Binding("ctrl+s", "ok", "app.edit.ok", priority=True),
    ]
    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)

    @property
    def fk(self) -> Any:
        return self.app

    def compose(self) -> ComposeResult:
        box = VerticalScroll(classes="dialog")
        box.can_focus = False  # else the box takes the first focus and typing goes nowhere
        with box:
            yield Static(self.heading(), classes="title")
            yield from self.fields()
            yield Static("", id="dialog-problem", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("app.edit.ok"), id="ok", variant="primary", compact=True)
                yield Button(t("app.visit.cancel"), id="cancel", compact=True)

    def heading(self) -> str:  # override
        return ""

    def fields(self) -> ComposeResult:
        yield from ()

    def labelled(self, key: str, widget: Any) -> ComposeResult:
        with Vertical(classes="question"):
            yield Static(t(key), classes="question-label")
            yield widget

    def problem(self, key: str) -> None:
        set_error(self.query_one("#dialog-problem", Static), t(key))

    def value(self, selector: str) -> str:
        widget = self.query_one(selector)
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value.strip()

    @on(Button.Pressed, "#ok")
    def action_ok(self) -> None:
        after_typed_keys(self, self.submit)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:  # override
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="save")
    def run_save(self, kind: str, household: str, action: Callable[[], str]) -> None:
        try:
            entity = action()
        except Exception as exc:  # noqa: BLE001
            self.post_message(msg.SaveFailed(kind, error_text(exc)))
            return
        self.post_message(msg.Saved(kind, entity, household))

    @on(msg.Saved)
    def _saved(self, message: msg.Saved) -> None:
        self.notify(t("app.edit.saved"))
        self.dismiss(message)

    @on(msg.SaveFailed)
    def _failed(self, message: msg.SaveFailed) -> None:
        set_error(self.query_one("#dialog-problem", Static), message.reason)
        message.stop()


def person_fields(dialog: EditDialog, name_key: str = "app.edit.name") -> ComposeResult:
    yield from dialog.labelled(name_key, FieldInput(id="name", compact=True))
    yield from dialog.labelled(
        "app.edit.sex", Select([(t("app.sex.M"), "M"), (t("app.sex.F"), "F")], id="sex", compact=True, prompt="—")
    )
    yield from dialog.labelled("app.edit.birth_year", FieldInput(id="birth_year", type="integer", compact=True, max_length=4))
    yield from dialog.labelled("app.edit.phone", FieldInput(id="phone", compact=True, max_length=11))
    yield from dialog.labelled(
        "app.edit.residence",
        Select([(t(f"app.residence.{r}"), r) for r in RESIDENCES], value="resident", allow_blank=False, id="residence", compact=True),
    )


def read_person(dialog: EditDialog) -> dict[str, Any] | None:
    """The person fields, or None after saying what is wrong."""
    name = dialog.value("#name")
    if not name:
        dialog.problem("app.edit.need.name")
        return None
    year = valid_year(dialog.value("#birth_year"), dialog.fk.clock().year)
    if year is None:
        dialog.problem("app.edit.need.year")
        return None
    phone = dialog.value("#phone")
    if phone and not check_phone(phone):
        dialog.problem("app.edit.need.phone")
        return None
    return {"name": name, "sex": dialog.value("#sex"), "birth_year": year, "phone": phone, "residence": dialog.value("#residence")}


class NewHouseholdScreen(EditDialog):
    def heading(self) -> str:
        return t("app.edit.new_household")

    def fields(self) -> ComposeResult:
        snapshot = self.fk.snapshot
        groups = snapshot.groups if snapshot else ()
        yield from self.labelled("app.edit.group", Select([(group_label(g), g) for g in groups], id="group", compact=True, prompt="—"))
        yield from self.labelled("app.edit.number", FieldInput(id="number", type="integer", compact=True, max_length=8))
        yield from self.labelled("app.edit.address", FieldInput(id="address", compact=True))
        yield from person_fields(self, "app.edit.head_name")

    def submit(self) -> None:
        snapshot = self.fk.snapshot
        group = self.value("#group")
        if not group:
            self.problem("app.edit.need.group")
            return
        number = self.value("#number")
        if not number.isdigit() or f"{snapshot.village_code}-{number}" in snapshot.state.households:
            self.problem("app.edit.need.number")
            return
        head = read_person(self)
        if head is None:
            return
        address = self.value("#address")
        household = f"{snapshot.village_code}-{number}"
        self.run_save("household", household, lambda: self.fk.data.add_household(group, number, address, head))


class AddMemberScreen(EditDialog):
    def __init__(self, household: str) -> None:
        super().__init__()
        self.household = household

    def heading(self) -> str:
        row = self.fk.snapshot.rows.get(self.household)
        return t("app.edit.add_member", number=row.number if row else self.household)

    def fields(self) -> ComposeResult:
        yield from person_fields(self)
        yield from self.labelled(
            "app.edit.relation", Select([(r, r) for r in RELATIONS_ZH], id="relation", compact=True, prompt="—")
        )
        yield from self.labelled(
            "app.edit.reason",
            Select([(t(f"app.edit.reason.{r}"), r) for r in ADD_REASONS], id="reason", compact=True, prompt="—"),
        )

    def submit(self) -> None:
        person = read_person(self)
        if person is None:
            return
        reason = self.value("#reason")
        if not reason:
            self.problem("app.edit.need.reason")
            return
        person["relation"] = self.value("#relation")
        self.run_save("person", self.household, lambda: self.fk.data.add_person(self.household, person, reason))


class RemoveMemberScreen(EditDialog):
    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id

    def heading(self) -> str:
        return t("app.edit.remove_member", name=self.fk.snapshot.state.persons[self.person_id].name)

    def fields(self) -> ComposeResult:
        yield from self.labelled(
            "app.edit.reason",
            Select([(t(f"app.edit.reason.{r}"), r) for r in REMOVE_REASONS], id="reason", compact=True, prompt="—"),
        )

    def submit(self) -> None:
        reason = self.value("#reason")
        if not reason:
            self.problem("app.edit.need.reason")
            return
        person = self.fk.snapshot.state.persons[self.person_id]
        self.run_save(
            "person",
            person.household,
            lambda: self.fk.data.set_person(self.person_id, {"status": REMOVE_REASONS[reason]}, reason),
        )


class PhoneScreen(EditDialog):
    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id

    def heading(self) -> str:
        return t("app.edit.change_phone", name=self.fk.snapshot.state.persons[self.person_id].name)

    def fields(self) -> ComposeResult:
        person = self.fk.snapshot.state.persons[self.person_id]
        yield from self.labelled("app.edit.phone", FieldInput(value=person.phone, id="phone", compact=True, max_length=11))

    def on_mount(self) -> None:
        self.query_one("#phone").focus()

    def submit(self) -> None:
        phone = self.value("#phone")
        if phone and not check_phone(phone):
            self.problem("app.edit.need.phone")
            return
        person = self.fk.snapshot.state.persons[self.person_id]
        self.run_save("person", person.household, lambda: self.fk.data.set_person(self.person_id, {"phone": phone}, "phone"))
