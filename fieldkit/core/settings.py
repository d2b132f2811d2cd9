"""The user's own settings: interface language and idle-lock time, kept across runs.

One small JSON file, ``settings.json``, in the user's config folder (``FIELDKIT_CONFIG_DIR`` overrides
it; tests point it at a temporary folder). It holds nothing secret. Keys this version does not know
are kept as they are when the file is rewritten, so an older fieldkit never drops a newer one's
settings. A damaged file is a one-line ``settings.damaged`` error naming it; it is never silently
replaced.

Precedence, highest first: a command-line option (``--lang``), an environment variable
(``FIELDKIT_LANG``, ``FIELDKIT_IDLE_LOCK_SECONDS``), this file, the built-in default.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs

from fieldkit.core.atomic import atomic_write
from fieldkit.core.errors import FieldkitError

CONFIG_DIR_ENV = "FIELDKIT_CONFIG_DIR"
FILE_NAME = "settings.json"
FORMAT = 1
LANGUAGES = ("zh", "en")
IDLE_LOCK_MINUTES = (1, 240)
_MAX_BYTES = 64 * 1024


def _language(value: str) -> str:
    value = value.strip().lower()
    if value not in LANGUAGES:
        raise FieldkitError("settings.bad_lang", value=value, allowed=" / ".join(LANGUAGES))
    return value


def _idle_minutes(value: str) -> int:
    low, high = IDLE_LOCK_MINUTES
    text = value.strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise FieldkitError("settings.bad_idle_lock", value=value, low=low, high=high)
    return int(text)


# name on the command line -> (key in the file, parser of a typed value)
SETTINGS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "lang": ("lang", _language),
    "idle-lock": ("idle_lock_minutes", _idle_minutes),
}


def settings_path() -> Path:
    folder = os.environ.get(CONFIG_DIR_ENV, "").strip()
    root = Path(folder).expanduser() if folder else Path(platformdirs.user_config_dir("fieldkit", appauthor=False))
    return root / FILE_NAME


def read_settings(path: Path | None = None) -> dict[str, Any]:
    """The saved settings ({} when there is no file). Values that fail their check are dropped."""
    path = path or settings_path()
    try:
        raw = path.read_bytes()[: _MAX_BYTES + 1]
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise FieldkitError("io.read_failed", path=str(path), reason=exc.strerror or type(exc).__name__) from None
    try:
        if len(raw) > _MAX_BYTES:
            raise ValueError("too large")
        document = json.loads(raw.decode("utf-8"))
        if not isinstance(document, dict) or not isinstance(document.get("settings", {}), dict):
            raise ValueError("not an object")
    except ValueError:
        raise FieldkitError("settings.damaged", path=str(path)) from None
    stored = dict(document.get("settings", {}))
    for _, (key, parse) in SETTINGS.items():
        if key in stored:
            try:
                stored[key] = parse(str(stored[key]))
            except FieldkitError:
                del stored[key]  # hand-edited to something invalid: the default applies
    return stored


def save_setting(name: str, value: str | None, path: Path | None = None) -> dict[str, Any]:
    """Set (or with ``value=None`` clear) one setting, atomically. Returns the settings now saved."""
    if name not in SETTINGS:
        raise FieldkitError("settings.unknown", name=name, known=", ".join(SETTINGS))
    key, parse = SETTINGS[name]
    path = path or settings_path()
    current = read_settings(path)
    if value is None:
        current.pop(key, None)
    else:
        current[key] = parse(value)
    _write(path, current)
    return current


def reset_settings(path: Path | None = None) -> None:
    """Back to the defaults: the file is replaced by an empty one (also the way out of a damaged one)."""
    _write(path or settings_path(), {})


def _write(path: Path, settings: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FieldkitError("io.write_failed", path=str(path.parent), reason=exc.strerror or type(exc).__name__) from None
    body = {"format": FORMAT, "settings": settings}
    atomic_write(path, (json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def saved_language(path: Path | None = None) -> str | None:
    """The saved interface language, or None (no file, no setting, or a damaged file)."""
    try:
        return read_settings(path).get("lang")
    except FieldkitError:
        return None


# --------------------------------------------------------------------------- what applies, and why

LANG_ENV = "FIELDKIT_LANG"
IDLE_LOCK_ENV = "FIELDKIT_IDLE_LOCK_SECONDS"
DEFAULT_LANGUAGE = "zh"
DEFAULT_IDLE_LOCK_SECONDS = 300.0


def effective_language(option: str | None = None, path: Path | None = None) -> tuple[str, str]:
    """(language, source): ``option`` (``--lang``), else ``FIELDKIT_LANG``, else the file, else zh.
    Source is one of option, env, file, default."""
    if option in LANGUAGES:
        return option, "option"
    env = os.environ.get(LANG_ENV, "").strip().lower()
    if env in LANGUAGES:
        return env, "env"
    saved = saved_language(path)
    return (saved, "file") if saved else (DEFAULT_LANGUAGE, "default")


def effective_idle_lock(workspace_dir: Path | None = None, path: Path | None = None) -> tuple[float, str]:
    """(seconds, source): ``FIELDKIT_IDLE_LOCK_SECONDS``, else the file's ``idle_lock_minutes``, else
    ``idle_lock_seconds`` in the workspace's workspace.json, else five minutes. Source is one of env,
    file, workspace, default."""
    env = _positive(os.environ.get(IDLE_LOCK_ENV))
    if env is not None:
        return env, "env"
    try:
        minutes = read_settings(path).get("idle_lock_minutes")
    except FieldkitError:
        minutes = None
    if minutes:
        return float(minutes) * 60, "file"
    if workspace_dir is not None:
        from fieldkit.core.workspace import read_info

        try:
            seconds = _positive(read_info(workspace_dir).get("idle_lock_seconds"))
        except FieldkitError:
            seconds = None
        if seconds is not None:
            return seconds, "workspace"
    return DEFAULT_IDLE_LOCK_SECONDS, "default"


def _positive(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 and number == number and number != float("inf") else None
