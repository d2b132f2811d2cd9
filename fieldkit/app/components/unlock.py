"""First run (no workspace: how to get one), unlock at start, and the lock screen after idle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from fieldkit.app.components.common import FieldInput, localize_bindings
from fieldkit.i18n import t


class WelcomeScreen(Screen[Any]):
    """Shown when the workspace folder holds no workspace: explain what to do, never crash."""

    BINDINGS = [Binding("escape", "app.quit", "app.nav.quit")]

    def __init__(self, workspace_dir: Path) -> None:
        super().__init__()
        localize_bindings(self)
        self.workspace_dir = workspace_dir

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="welcome"):
            yield Static(t("app.welcome.title"), classes="title")
            yield Static(t("app.welcome.body", path=str(self.workspace_dir)), id="welcome-body")
        yield Footer()


class LoadingScreen(Screen[Any]):
    """While a passphrase given at start (FIELDKIT_PASSPHRASE) unlocks the workspace."""

    def compose(self) -> ComposeResult:
        yield Static(t("app.loading"), classes="title")

    def show_error(self, reason: str) -> None:
        prompt = UnlockScreen(self.app.workspace_dir, lock=False)  # type: ignore[attr-defined]
        prompt.pending_error = reason
        self.app.switch_screen(prompt)


class UnlockScreen(Screen[Any]):
    """Passphrase prompt. ``lock=True`` is the idle lock: it covers whatever was open."""

    BINDINGS = [Binding("escape", "clear", show=False)]

    def __init__(self, workspace_dir: Path, lock: bool) -> None:
        super().__init__()
        localize_bindings(self)
        self.workspace_dir = workspace_dir
        self.lock = lock
        self.pending_error = ""

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="unlock-box"):
                yield Static(t("app.unlock.locked_title" if self.lock else "app.unlock.title"), classes="title")
                yield Static(t("app.unlock.where", path=str(self.workspace_dir)), id="unlock-where")
                hint = getattr(self.app, "unlock_hint", "")
                if hint:
                    yield Static(hint, id="unlock-hint")
                yield FieldInput(password=True, placeholder=t("app.unlock.placeholder"), id="passphrase")
                yield Button(t("app.unlock.button"), id="unlock", variant="primary")
                yield Static("", id="unlock-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()
        if self.pending_error:
            self.show_error(self.pending_error)

    def show_error(self, reason: str) -> None:
        self.query_one("#unlock-message", Static).update(t("app.unlock.failed", reason=reason))
        self.query_one("#unlock-message").add_class("error")
        passphrase = self.query_one("#passphrase", Input)
        passphrase.value = ""
        passphrase.disabled = False
        passphrase.focus()

    def action_clear(self) -> None:
        self.query_one("#passphrase", Input).value = ""

    @on(Input.Submitted, "#passphrase")
    @on(Button.Pressed, "#unlock")
    def submit(self) -> None:
        field = self.query_one("#passphrase", Input)
        passphrase = field.value
        message = self.query_one("#unlock-message", Static)
        if not passphrase:
            message.update(t("app.unlock.empty"))
            return
        message.remove_class("error")
        message.update(t("app.unlock.working"))
        app: Any = self.app
        if self.lock:
            app.relock_check(passphrase)
        else:
            app.unlock(passphrase)
