"""The field app: one village, one laptop, all day.

Flow: no workspace → the welcome screen says how to import a kit. Otherwise the start screen (home,
or the roster) is built at once and covered by the unlock screen, which asks for the passphrase (a
thread worker opens the workspace and folds the state); when the data is in, the unlock screen is
popped and the start screen draws it. Four modes (home, roster, activities, export) each keep their own screen
stack, so going to the roster and back keeps the household you were on. After ``idle_lock_seconds``
without a key or mouse event the lock screen covers everything until the passphrase is typed again.

The data layer is injected: ``opener(path, passphrase)`` opens a workspace (default
``Workspace.open``), ``clock()`` gives the time shown and used for "today" (tests freeze it).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from fieldkit.app import messages as msg
from fieldkit.app.components.palette import HouseholdCommands
from fieldkit.app.data import FieldData, Snapshot, error_text
from fieldkit.core.errors import FieldkitError
from fieldkit.core.gcpause import collect_in_background, keep_out_of_collections
from fieldkit.i18n import set_language, t

Opener = Callable[[Path, str], Any]
IDLE_CHECK_SECONDS = 0.25  # how often the idle lock looks at the clock; cheap
INDEX_WARM_DELAY = 0.5


def default_opener(path: Path, passphrase: str) -> Any:
    from fieldkit.core.workspace import Workspace

    return Workspace.open(path, passphrase)


def default_verifier(path: Path, passphrase: str) -> None:
    """Check the passphrase against the key file only (the open store keeps its writer lock)."""
    from fieldkit.core import keys
    from fieldkit.core.workspace import KEY_FILE

    keys.read_keyfile(Path(path) / KEY_FILE, passphrase)


def workspace_exists(path: Path) -> bool:
    try:
        from fieldkit.core.workspace import Workspace
    except ImportError:
        return (path / "workspace.json").is_file()
    return bool(Workspace.exists(path))


def _screen(module: str, name: str) -> Screen[Any]:
    """Build a mode's base screen, importing its module only when first shown."""
    from importlib import import_module

    return getattr(import_module(f"fieldkit.app.components.{module}"), name)()


class FieldkitApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "fieldkit"
    COMMANDS = {HouseholdCommands}
    MODES = {
        "home": lambda: _screen("home", "HomeScreen"),
        "roster": lambda: _screen("roster", "RosterScreen"),
        "activities": lambda: _screen("activities", "ActivitiesScreen"),
        "export": lambda: _screen("export", "ExportScreen"),
    }
    BINDINGS = [
        Binding("f1", "go('home')", "app.nav.home", priority=True),
        Binding("f2", "go('roster')", "app.nav.roster", priority=True),
        Binding("f3", "go('activities')", "app.nav.activities", priority=True),
        Binding("f4", "go('export')", "app.nav.export", priority=True),
        Binding("ctrl+l", "lock", "app.nav.lock", priority=True),
        Binding("ctrl+q", "quit", "app.nav.quit", priority=True, show=False),
        Binding("ctrl+p", "command_palette", "app.nav.find", priority=True, show=False),
        # Textual's own Tab binding is the screen's: it runs only after the key has gone through the
        # focused field, so keys typed right behind Tab still reached the field being left.
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]

    def __init__(
        self,
        workspace_dir: Path,
        lang: str = "zh",
        *,
        clock: Callable[[], datetime] = datetime.now,
        idle_lock_seconds: float = 300.0,
        passphrase: str | None = None,
        opener: Opener = default_opener,
        verifier: Callable[[Path, str], None] = default_verifier,
        cursor_blink: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
        start_mode: str = "home",
        unlock_hint: str = "",
    ) -> None:
        set_language(lang)
        self.lang = lang
        super().__init__()
        from fieldkit.app.components.common import localize_bindings

        localize_bindings(self)
        self.workspace_dir = Path(workspace_dir)
        self.clock = clock
        self.idle_lock_seconds = idle_lock_seconds
        self.initial_passphrase = passphrase
        self.unlock_hint = unlock_hint  # e.g. the demo's passphrase, shown on the unlock screen
        self.opener = opener
        self.verifier = verifier
        self.cursor_blink = cursor_blink  # tests and snapshots turn it off
        self._monotonic = monotonic
        self.start_mode = start_mode if start_mode in self.MODES else "home"
        self._last_activity = monotonic()
        self.data: FieldData | None = None
        self.snapshot: Snapshot | None = None
        self.locked = False
        self._views: "weakref.WeakSet[Screen[Any]]" = weakref.WeakSet()
        self.title = t("app.title")
        self._early_unlock: Future[Any] | None = None
        self._index_warmed = False
        collect_in_background()  # while the heap is small: see gcpause
        self._start_early_unlock()

    # -- start ---------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        from fieldkit.app.components.unlock import WelcomeScreen

        if not workspace_exists(self.workspace_dir):
            return WelcomeScreen(self.workspace_dir)
        return Screen()  # never seen: on_mount moves to the start mode at once

    def on_mount(self) -> None:
        self.set_interval(IDLE_CHECK_SECONDS, self._check_idle)
        if not workspace_exists(self.workspace_dir):
            return
        from fieldkit.app.components.unlock import LoadingScreen, UnlockScreen

        # The start screen is built under the passphrase prompt, while the key derivation runs
        # (it releases the GIL) or the cadre types: once the data is in, only drawing is left.
        # Both calls are synchronous, so nothing is painted between them.
        self.switch_mode(self.start_mode)
        if self.initial_passphrase is not None:
            self.push_screen(LoadingScreen())  # unlocking already: nothing to type
            self.unlock(self.initial_passphrase)
        else:
            self.push_screen(UnlockScreen(self.workspace_dir, lock=False))

    def _start_early_unlock(self) -> None:
        """With the passphrase given at start, derive the key while Textual starts up (the key
        derivation releases the GIL), instead of after the first screen is mounted."""
        if self.initial_passphrase is None or not workspace_exists(self.workspace_dir):
            return
        future: Future[Any] = Future()

        def open_now() -> None:
            try:
                future.set_result(self.opener(self.workspace_dir, self.initial_passphrase))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the unlock worker
                future.set_exception(exc)

        threading.Thread(target=open_now, name="fieldkit-early-unlock", daemon=True).start()
        self._early_unlock = future

    @work(thread=True, exclusive=True, group="unlock")
    def unlock(self, passphrase: str) -> None:
        """Open the workspace (slow on purpose: the key file's scrypt) and fold it."""
        early, self._early_unlock = self._early_unlock, None
        try:
            if early is not None and passphrase == self.initial_passphrase:
                workspace = early.result()
            else:
                workspace = self.opener(self.workspace_dir, passphrase)
        except Exception as exc:  # noqa: BLE001 - shown as one line
            self.post_message(msg.UnlockFailed(error_text(exc)))
            return
        data = FieldData(workspace, clock=self.clock)
        self.post_message(msg.Unlocked(data))
        self.load_data(data)
        keep_out_of_collections()  # the store's entries stay all day: see gcpause

    def load_data(self, data: FieldData, roster_changed: bool = True) -> None:
        try:
            snapshot = data.load(roster_changed=roster_changed)
        except Exception as exc:  # noqa: BLE001
            self.post_message(msg.LoadFailed(error_text(exc)))
            return
        self.post_message(msg.DataLoaded(snapshot))

    @work(thread=True, exclusive=True, group="reload")
    def reload(self, roster_changed: bool = False) -> None:
        if self.data is not None:
            self.load_data(self.data, roster_changed)

    @work(thread=True, exclusive=True, group="index")
    def warm_index(self, snapshot: Snapshot) -> None:
        snapshot.search.get()
        if not self._index_warmed:  # the first index brings the pinyin dictionaries, kept all day too
            self._index_warmed = True
            keep_out_of_collections()

    @on(msg.Unlocked)
    def _unlocked(self, message: msg.Unlocked) -> None:
        self.data = message.data
        self._last_activity = self._monotonic()

    @on(msg.UnlockFailed)
    def _unlock_failed(self, message: msg.UnlockFailed) -> None:
        show_error = getattr(self.screen, "show_error", None)
        if show_error is not None:
            show_error(message.reason)

    @on(msg.LoadFailed)
    def _load_failed(self, message: msg.LoadFailed) -> None:
        self.notify(t("app.load_failed", reason=message.reason), severity="error", timeout=10)
        show_error = getattr(self.screen, "show_error", None)
        if show_error is not None:
            show_error(t("app.load_failed", reason=message.reason))

    @on(msg.DataLoaded)
    async def _data_loaded(self, message: msg.DataLoaded) -> None:
        first = self.snapshot is None
        self.snapshot = message.snapshot
        if first:
            self.refresh_bindings()
            self._close_unlock_screens()
        if not message.snapshot.search.ready:
            # a moment later, so building it does not compete with drawing the first screen (a
            # search typed before then builds it on the spot)
            self.set_timer(INDEX_WARM_DELAY, lambda: self.warm_index(message.snapshot))
        for view in list(self._views):
            if view.is_attached and view is self.screen:
                view.show(message.snapshot)  # type: ignore[attr-defined]

    def _close_unlock_screens(self) -> None:
        """Uncover the start screen: pop the start-up prompt (never the idle lock)."""
        from fieldkit.app.components.unlock import LoadingScreen, UnlockScreen

        while len(self.screen_stack) > 1 and (
            isinstance(self.screen, LoadingScreen) or (isinstance(self.screen, UnlockScreen) and not self.screen.lock)
        ):
            self.pop_screen()

    def register_view(self, screen: Screen[Any]) -> None:
        """Screens that draw the snapshot register here to be redrawn after each change."""
        self._views.add(screen)

    # -- saving: workers post Saved/SaveFailed, then reload -----------------------------------
    @on(msg.Saved)
    def _saved(self, message: msg.Saved) -> None:
        self.reload(roster_changed=message.kind in ("household", "person"))

    def close_data(self) -> None:
        """Close the workspace (releases the store's writer lock). Safe to call twice."""
        if self.data is not None:
            close = getattr(self.data.workspace, "close", None)
            if close is not None:
                close()
            self.data = None

    def on_unmount(self) -> None:
        self.close_data()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Navigation, lock and the palette are hidden until unlocked, and while locked."""
        if action in ("go", "lock", "command_palette", "switch_language") and (self.locked or self.snapshot is None):
            return False
        return True

    # -- navigation ----------------------------------------------------------------------------
    async def action_go(self, mode: str) -> None:
        if self.locked or self.snapshot is None:
            return
        await self.switch_mode(mode)

    def open_household(self, household: str) -> None:
        self.post_message(msg.OpenHousehold(household))

    @on(msg.OpenHousehold)
    async def _open_household(self, message: msg.OpenHousehold) -> None:
        if self.locked or self.snapshot is None:
            return
        from fieldkit.app.components.household import HouseholdScreen

        if self.current_mode != "roster":
            await self.switch_mode("roster")
        if isinstance(self.screen, HouseholdScreen):
            self.pop_screen()
        await self.push_screen(HouseholdScreen(message.household))

    @on(msg.ShowRoster)
    async def _show_roster(self, message: msg.ShowRoster) -> None:
        if self.locked or self.snapshot is None:
            return
        await self.switch_mode("roster")
        from fieldkit.app.components.roster import RosterScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, RosterScreen):
            self.pop_screen()
        if isinstance(self.screen, RosterScreen):
            self.screen.narrow(message.group, message.status)

    def action_command_palette(self) -> None:
        if not self.locked and self.snapshot is not None:
            super().action_command_palette()

    def get_system_commands(self, screen: Screen[Any]):  # keep the palette to our own commands
        return iter(())

    # -- language ----------------------------------------------------------------------------
    def action_switch_language(self) -> None:
        """Chinese ⇄ English, saved as this computer's setting and applied at once."""
        if self.locked or self.snapshot is None:
            return
        if len(self.screen_stack) > 1:  # a form may hold typed answers: never rebuild under it
            self.notify(t("app.language.finish_first"), severity="warning")
            return
        self.save_language("en" if self.lang == "zh" else "zh")

    @work(thread=True, exclusive=True, group="settings")
    def save_language(self, lang: str) -> None:
        from fieldkit.core.settings import save_setting

        try:
            save_setting("lang", lang)
        except Exception as exc:  # noqa: BLE001 - the switch still applies for this session
            self.post_message(msg.LanguageChanged(lang, error_text(exc)))
            return
        self.post_message(msg.LanguageChanged(lang))

    @on(msg.LanguageChanged)
    async def _language_changed(self, message: msg.LanguageChanged) -> None:
        await self.apply_language(message.lang)
        if message.error:
            self.notify(t("app.language.not_saved", reason=message.error), severity="warning", timeout=10)
        else:
            self.notify(t("app.language.saved"))

    async def apply_language(self, lang: str) -> None:
        """Redraw every screen in ``lang``: each mode's screens are built again from scratch."""
        from fieldkit.app.components.common import localize_bindings

        set_language(lang)
        self.lang = lang
        self._bindings = self._merged_bindings.copy() if self._merged_bindings else self._bindings
        localize_bindings(self)
        self.title = t("app.title")
        current = self.current_mode
        others = [mode for mode in self.MODES if mode != current]
        for mode in others:
            await self.remove_mode(mode)
            self.add_mode(mode, self.MODES[mode])
        await self.switch_mode(others[0])
        await self.remove_mode(current)
        self.add_mode(current, self.MODES[current])
        await self.switch_mode(current)
        self.refresh_bindings()

    # -- idle lock -------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.MouseMove)):
            self._last_activity = self._monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if self.data is None or self.locked:
            return
        if self._monotonic() - self._last_activity >= self.idle_lock_seconds:
            self.action_lock()

    def action_lock(self) -> None:
        if self.data is None or self.locked:
            return
        from fieldkit.app.components.unlock import UnlockScreen

        self.locked = True
        self.refresh_bindings()
        self.push_screen(UnlockScreen(self.workspace_dir, lock=True))

    @work(thread=True, exclusive=True, group="unlock")
    def relock_check(self, passphrase: str) -> None:
        """The lock screen's passphrase must open the workspace's key file again."""
        try:
            self.verifier(self.workspace_dir, passphrase)
        except Exception as exc:  # noqa: BLE001
            self.post_message(msg.UnlockFailed(error_text(exc)))
            return
        self.post_message(msg.Relocked())

    @on(msg.Relocked)
    def _relocked(self, _: msg.Relocked) -> None:
        from fieldkit.app.components.unlock import UnlockScreen

        if isinstance(self.screen, UnlockScreen) and self.screen.lock:
            self.pop_screen()
        self.locked = False
        self.refresh_bindings()
        self._last_activity = self._monotonic()


def idle_lock_setting(workspace_dir: Path) -> float:
    """Seconds without a key or mouse event before the app locks (see ``settings.effective_idle_lock``)."""
    from fieldkit.core.settings import effective_idle_lock

    return effective_idle_lock(workspace_dir)[0]


def run_app(workspace_dir: Path | None, lang: str = "zh", unlock_hint: str = "") -> int:
    """Open the field app on ``workspace_dir`` (default: the platform data dir). Returns an exit code."""
    import os

    if workspace_dir is None:
        from fieldkit.core.workspace import default_workspace_dir

        workspace_dir = default_workspace_dir()
    workspace_dir = Path(workspace_dir)
    app = FieldkitApp(
        workspace_dir,
        lang,
        passphrase=os.environ.get("FIELDKIT_PASSPHRASE") or None,
        idle_lock_seconds=idle_lock_setting(workspace_dir),
        unlock_hint=unlock_hint,
    )
    try:
        result = app.run()
    finally:
        app.close_data()
    return int(result or 0)
