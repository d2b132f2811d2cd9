"""The one message catalogue: every user-facing string, in Chinese (default) and English.

Strings live in ``fieldkit/i18n/catalogue/<area>.py`` as ``MESSAGES = {key: {"zh": ..., "en": ...}}``;
this module merges them and looks them up. Keys are dotted English identifiers (``store.tampered``).
Templates use ``str.format`` fields: ``t("roster.row_problem", row=3, problem="...")``.
"""

from __future__ import annotations

import os
from importlib import import_module
from pkgutil import iter_modules

LANGUAGES = ("zh", "en")
_language = os.environ.get("FIELDKIT_LANG", "zh") if os.environ.get("FIELDKIT_LANG", "zh") in LANGUAGES else "zh"
_messages: dict[str, dict[str, str]] | None = None


def _load() -> dict[str, dict[str, str]]:
    global _messages
    if _messages is None:
        from fieldkit.i18n import catalogue

        merged: dict[str, dict[str, str]] = {}
        for info in iter_modules(catalogue.__path__):
            module = import_module(f"{catalogue.__name__}.{info.name}")
            for key, texts in module.MESSAGES.items():
                if key in merged:
                    raise RuntimeError(f"message key {key!r} defined twice (catalogue/{info.name}.py)")
                merged[key] = texts
        _messages = merged
    return _messages


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _language = lang


def get_language() -> str:
    return _language


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The message for ``key`` in the current (or given) language, formatted with ``params``.

    An unknown key returns the key itself so a missing translation is visible, never a crash.
    """
    texts = _load().get(key)
    if texts is None:
        return key if not params else f"{key} {params}"
    template = texts.get(lang or _language) or texts["en"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def has(key: str) -> bool:
    return key in _load()


def all_keys() -> dict[str, dict[str, str]]:
    return dict(_load())
