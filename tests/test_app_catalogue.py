"""Every string the app shows is in the catalogue, in Chinese and English."""

from __future__ import annotations

import re
import string
from pathlib import Path

from fieldkit.i18n import has
from fieldkit.i18n.catalogue.app import MESSAGES

APP = Path(__file__).resolve().parent.parent / "fieldkit" / "app"
LITERAL_KEY = re.compile(r"""["'](app\.[a-z_]+\.[a-z_.]*[a-z_])["']""")  # app.<area>.<name>


def test_every_app_message_has_both_languages_with_the_same_fields() -> None:
    formatter = string.Formatter()
    for key, texts in MESSAGES.items():
        assert key.startswith("app."), key
        assert texts.get("zh") and texts.get("en"), key
        fields = [{name for _, name, _, _ in formatter.parse(texts[lang]) if name} for lang in ("zh", "en")]
        assert fields[0] == fields[1], key


def test_every_key_the_app_names_exists() -> None:
    used = set()
    for path in APP.rglob("*.py"):
        used |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found nothing: the pattern is broken"
    missing = sorted(key for key in used if not has(key))
    assert missing == []
