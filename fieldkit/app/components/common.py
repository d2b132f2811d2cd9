"""Small pieces every screen uses: the top bar, status marks, labels, and the data-view base screen."""

from __future__ import annotations

import re

from dataclasses import replace
from datetime import date
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from fieldkit.core.coverage import ELDERLY_AGE
from fieldkit.core.model import Person
from fieldkit.i18n import has, t

if TYPE_CHECKING:
    from fieldkit.app.app import FieldkitApp
    from fieldkit.app.data import Snapshot

WEEKDAYS_ZH = "一二三四五六日"


def localize_bindings(node: Any) -> None:
    """BINDINGS carry catalogue keys as descriptions; show them in the language chosen at start.

    Class-level BINDINGS are built at import, before ``--lang`` is known, so each screen (and the
    app) translates its own copy when it is created.
    """
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [replace(b, description=t(b.description)) if has(b.description) else b for b in items]


def mark(status: str) -> str:
    """A status in words (已覆盖, 部分覆盖, 未走访…), readable without colour. No symbols: ✔ ◐ ○ are
    "ambiguous width" and take two cells in many Chinese terminals, which would break the columns."""
    return t(f"app.mark.{status}") if status else ""


def percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def residence_label(residence: str) -> str:
    return t(f"app.residence.{residence}")


def age_group(person: Person, today: date) -> str:
    if person.birth_year is None:
        return t("app.age.unknown")
    age = today.year - person.birth_year
    if age >= ELDERLY_AGE:
        return t("app.age.elderly")
    return t("app.age.adult") if age >= 18 else t("app.age.minor")


_GROUP_NUMBER = re.compile(r"第?\s*([0-9]+)\s*(?:村民小组|小组|组)?")


def short_group(group: str) -> str:
    """"第1村民小组", "1组" and "1" (rosters write all of them) as "1"; any other name as written."""
    match = _GROUP_NUMBER.fullmatch(group.strip())
    return match.group(1) if match else group


def group_label(group: str) -> str:
    short = short_group(group)
    return t("app.group", group=short) if short.isdigit() else group


def bar(done: int, part: int, total: int, width: int = 12) -> str:
    """A text progress bar: █ covered, ▒ partly, ░ not yet."""
    if total <= 0:
        return "░" * width
    full = round(done * width / total)
    half = min(width - full, round(part * width / total))
    return "█" * full + "▒" * half + "░" * (width - full - half)


def today_text(app: "FieldkitApp") -> str:
    now = app.clock()
    if app.lang == "zh":
        return f"{now:%Y-%m-%d} 星期{WEEKDAYS_ZH[now.weekday()]}"
    return f"{now:%Y-%m-%d %a}"


def after_typed_keys(screen: Screen[Any], callback: Callable[[], object]) -> None:
    """Run ``callback`` once the focused widget has handled every key already sent to it.

    Keys reach the focused widget through its own message queue, but a priority binding (Ctrl+S,
    Ctrl+E) runs as soon as the app reads it. When keys arrive in one burst (fast typing on a busy
    laptop), the last digits of a phone number could still be queued when Ctrl+S read the form.
    ``call_later`` puts the callback in the same queue, behind them.
    """
    (screen.focused or screen).call_later(callback)


class TopBar(Static):
    """One line: app title, village, date. The date comes from the app's (injectable) clock."""

    DEFAULT_CSS = "TopBar { dock: top; height: 1; background: $primary; color: $text; padding: 0 1; }"

    def update_from(self, snapshot: "Snapshot | None", extra: str = "") -> None:
        app: Any = self.app
        parts = [t("app.title")]
        if snapshot is not None:
            parts.append(snapshot.village_name)
        parts.append(today_text(app))
        if extra:
            parts.append(extra)
        self.update("  ".join(parts))

    def on_mount(self) -> None:
        self.update_from(getattr(self.app, "snapshot", None))


class FieldInput(Input):
    """An Input whose cursor blinks or not as the app says (tests and snapshots freeze it)."""

    def on_mount(self) -> None:
        if not getattr(self.app, "cursor_blink", True):
            self.cursor_blink = False


class DataScreen(Screen[Any]):
    """A screen drawn from the app's snapshot; redrawn when a newer one arrives.

    Textual calls ``on_mount`` of every class in the MRO, subclass first: a subclass's ``on_mount``
    builds its widgets, then this one draws. Subclasses must not call ``super().on_mount()``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)
        self._shown_version = -1

    @property
    def fk(self) -> "FieldkitApp":
        return self.app  # type: ignore[return-value]

    def compose_frame(self) -> ComposeResult:
        yield TopBar()

    def compose_footer(self) -> ComposeResult:
        yield Footer()

    def on_mount(self) -> None:
        self.fk.register_view(self)
        if self.fk.snapshot is not None:
            self.show(self.fk.snapshot)

    def on_screen_resume(self) -> None:
        snapshot = self.fk.snapshot
        if snapshot is not None and snapshot.version != self._shown_version:
            self.show(snapshot)

    def show(self, snapshot: "Snapshot") -> None:
        self._shown_version = snapshot.version
        for bar_widget in self.query(TopBar):
            bar_widget.update_from(snapshot)
        self.draw(snapshot)

    def draw(self, snapshot: "Snapshot") -> None:  # override
        raise NotImplementedError
