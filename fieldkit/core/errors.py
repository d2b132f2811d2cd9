"""One exception type for everything a user can cause; its text comes from the message catalogue.

Every error a user can trigger (bad file, wrong passphrase, tampered data, full disk) is raised as a
``FieldkitError`` subclass. The CLI and the app print ``str(error)``: one line, saying what is wrong and
what to do. Messages never contain secrets or dossier fields: pass only ids, paths, counts, row numbers.
"""

from __future__ import annotations

from fieldkit.i18n import t


class FieldkitError(Exception):
    """A user-facing error. ``key`` names a catalogue message; ``params`` fill it in."""

    exit_code = 1

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return t(self.key, **self.params).replace("\n", " ")

    def english(self) -> str:
        return t(self.key, lang="en", **self.params).replace("\n", " ")


class DiskFullError(FieldkitError):
    def __init__(self, path: object) -> None:
        super().__init__("io.disk_full", path=str(path))
