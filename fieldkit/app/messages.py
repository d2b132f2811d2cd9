"""Every app-level message, in one module.

Blocking work (unlocking, loading, saving, exporting) runs in thread workers; they report back by
posting one of these to the app, which routes them to the screens. Messages carry data, never
widgets; errors carry the one-line user-facing text, never a secret.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from fieldkit.app.data import FieldData, Snapshot


class Unlocked(Message):
    """The passphrase opened the workspace."""

    def __init__(self, data: "FieldData") -> None:
        super().__init__()
        self.data = data


class UnlockFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class LanguageChanged(Message):
    """The interface language was switched; ``error`` says why it could not be saved, if so."""

    def __init__(self, lang: str, error: str = "") -> None:
        super().__init__()
        self.lang = lang
        self.error = error


class Relocked(Message):
    """The lock screen's passphrase was right; work resumes where it was."""


class DataLoaded(Message):
    """A fresh snapshot of the folded state is ready (after unlock or after any change)."""

    def __init__(self, snapshot: "Snapshot") -> None:
        super().__init__()
        self.snapshot = snapshot


class LoadFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class Saved(Message):
    """An event is durably recorded (the store returned); the UI may now say 已保存."""

    def __init__(self, kind: str, entity: str, household: str | None = None) -> None:
        super().__init__()
        self.kind = kind  # visit / activity / household / person
        self.entity = entity
        self.household = household


class SaveFailed(Message):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__()
        self.kind = kind
        self.reason = reason


class OpenHousehold(Message):
    """Show a household (from the roster, the home screen or the command palette)."""

    def __init__(self, household: str) -> None:
        super().__init__()
        self.household = household


class ShowRoster(Message):
    """Show the roster, optionally narrowed to a group and/or a status filter."""

    def __init__(self, group: str | None = None, status: str | None = None) -> None:
        super().__init__()
        self.group = group
        self.status = status


class ExportProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class ExportFinished(Message):
    def __init__(self, path: Path, info: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.path = path
        self.info = info or {}


class ExportFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class DrivesFound(Message):
    def __init__(self, drives: list[Path]) -> None:
        super().__init__()
        self.drives = drives
