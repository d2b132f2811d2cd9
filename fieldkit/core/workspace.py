"""A workspace: one folder holding a device's (or a township's, or a county's) keys and store.

This is the facade the CLI and the app use::

    <ws>/workspace.json   plaintext, no secrets: {format, kind, ids, names, PUBLIC keys, feed, ...}
    <ws>/keys.age         age scrypt file under the passphrase: the private keys, store identity included
    <ws>/store/           the encrypted store (fieldkit.core.store)

``workspace.json`` is written last when creating, so a folder without it is never half a workspace.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import platformdirs

from fieldkit.core import age, coverage, keys
from fieldkit.core.atomic import atomic_write
from fieldkit.core.canonical import canonical
from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import Entry
from fieldkit.core.fold import fold
from fieldkit.core.model import State
from fieldkit.core.gcpause import paused_gc
from fieldkit.core.store import SEGMENT_SIZE, Store

FORMAT = 1
KINDS = ("device", "township", "county")
INFO_FILE = "workspace.json"
KEY_FILE = "keys.age"
STORE_DIR = "store"
STORE_SECRET = "store_identity"  # the key file entry holding the store's age identity
_RESERVED_INFO = ("format", "kind")


def default_workspace_dir() -> Path:
    """Where a workspace lives when no ``--dir`` is given: the user data folder ``fieldkit``."""
    return Path(platformdirs.user_data_dir("fieldkit", appauthor=False))


class Workspace:
    """An open workspace: its public info, its secrets (never print them) and its store."""

    def __init__(self, path: Path, info: dict[str, Any], secrets: dict[str, str], store: Store) -> None:
        self.path = Path(path)
        self._info = info
        self._secrets = secrets
        self.store = store
        self._state: State | None = None
        self._state_revision = -1

    def __repr__(self) -> str:  # never the secrets
        return f"Workspace({str(self.path)!r}, kind={self.kind!r})"

    # -------------------------------------------------------------- create / open

    @staticmethod
    def exists(path: Path) -> bool:
        return (Path(path) / INFO_FILE).is_file()

    @classmethod
    def create(
        cls,
        path: Path,
        kind: str,
        info: dict[str, Any],
        secrets: dict[str, str],
        passphrase: str,
        *,
        segment_size: int = SEGMENT_SIZE,
    ) -> Workspace:
        """Make a new workspace in ``path`` (missing or an empty folder). Generates the store identity.

        ``info`` is public (ids, names, public keys; ``feed`` names the workspace's own feed);
        ``secrets`` are the private keys, written only into the passphrase-protected key file.
        ``segment_size`` (entries per store segment) is for tests that want many segments.
        """
        path = Path(path)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if any(key in info for key in _RESERVED_INFO) or STORE_SECRET in secrets:
            raise ValueError(f"info may not set {_RESERVED_INFO}; secrets may not set {STORE_SECRET!r}")
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise FieldkitError("workspace.exists", path=str(path))
        document = {"format": FORMAT, "kind": kind, **info}
        canonical(document)  # plain JSON data only, before anything is written
        identity = age.X25519Identity.generate()
        all_secrets = {**secrets, STORE_SECRET: identity.to_string()}
        path.mkdir(parents=True, exist_ok=True)
        try:
            keys.write_keyfile(path / KEY_FILE, all_secrets, passphrase)
            store = Store.create(path / STORE_DIR, identity, segment_size=segment_size)
            _write_info(path, document)
        except BaseException:
            # the folder was empty: leave it empty, so creating again works
            (path / KEY_FILE).unlink(missing_ok=True)
            shutil.rmtree(path / STORE_DIR, ignore_errors=True)
            raise
        return cls(path, document, all_secrets, store)

    @classmethod
    def open(cls, path: Path, passphrase: str) -> Workspace:
        """Unlock and open; a wrong passphrase, a non-workspace or damage is a one-line FieldkitError."""
        path = Path(path)
        info = read_info(path)
        if not (path / KEY_FILE).is_file():
            raise FieldkitError("workspace.missing_file", file=str(path / KEY_FILE))
        secrets = keys.read_keyfile(path / KEY_FILE, passphrase)
        try:
            identity = age.X25519Identity.from_string(secrets[STORE_SECRET])
        except (KeyError, age.AgeError):
            raise FieldkitError("workspace.keys_incomplete", file=str(path / KEY_FILE)) from None
        if not (path / STORE_DIR).is_dir():
            raise FieldkitError("workspace.missing_file", file=str(path / STORE_DIR))
        return cls(path, info, secrets, Store.open(path / STORE_DIR, identity))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------- info and secrets

    @property
    def kind(self) -> str:
        return self._info["kind"]

    @property
    def info(self) -> dict[str, Any]:
        """A copy of workspace.json (public: ids, names, public keys)."""
        return json.loads(canonical(self._info))

    @property
    def secrets(self) -> dict[str, str]:
        """A copy of the private keys. Never print, log or put them in a message."""
        return dict(self._secrets)

    @property
    def feed_id(self) -> str | None:
        """This workspace's own feed (``info["feed"]``), if it has one."""
        return self._info.get("feed")

    def update_info(self, **changes: Any) -> None:
        """Change public fields of workspace.json (atomic rewrite). ``format`` and ``kind`` are fixed."""
        if any(key in changes for key in _RESERVED_INFO):
            raise ValueError(f"{_RESERVED_INFO} cannot be changed")
        document = {**self._info, **changes}
        canonical(document)
        _write_info(self.path, document)
        self._info = document

    # -------------------------------------------------------------- records and state

    def record(
        self,
        type: str,
        entity: str,
        base: list[str] | tuple[str, ...],
        body: dict[str, Any],
        feed: str | None = None,
        time: str | None = None,
    ) -> Entry:
        """Append an event to ``feed`` (default: this workspace's own). Durable when it returns."""
        feed_id = feed or self.feed_id
        if not feed_id:
            raise ValueError("this workspace has no feed of its own (info['feed']); pass feed=")
        return self.store.append(feed_id, type, entity, base, body, time)

    def state(self) -> State:
        """The fold of every entry in the store, cached until the store changes."""
        revision = self.store.revision
        if self._state is None or self._state_revision != revision:
            with paused_gc():
                self._state = fold(self.store.entries())
            self._state_revision = revision
        return self._state

    def report(self, today: date | None = None) -> coverage.Report:
        return coverage.report(self.state(), today=today)


def read_info(path: Path) -> dict[str, Any]:
    """workspace.json of the workspace at ``path`` (no passphrase needed: it holds nothing secret)."""
    file = Path(path) / INFO_FILE
    if not file.is_file():
        raise FieldkitError("workspace.not_a_workspace", path=str(path))
    try:
        info = json.loads(file.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise FieldkitError("io.read_failed", path=str(file), reason=exc.strerror or type(exc).__name__) from None
    except ValueError:
        raise FieldkitError("workspace.bad_info", file=str(file)) from None
    if not isinstance(info, dict) or not isinstance(info.get("format"), int):
        raise FieldkitError("workspace.bad_info", file=str(file))
    if info["format"] != FORMAT:
        raise FieldkitError("workspace.unsupported_format", path=str(path), format=info["format"])
    if info.get("kind") not in KINDS:
        raise FieldkitError("workspace.bad_info", file=str(file))
    return info


def _write_info(path: Path, document: dict[str, Any]) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write(path / INFO_FILE, text.encode("utf-8"))
