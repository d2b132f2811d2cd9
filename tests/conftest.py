"""Shared test setup. Key files use a small scrypt work factor so the suite stays fast;
real key files use the calibrated one (see fieldkit.core.keys.default_work_factor)."""

import os
import tempfile

os.environ.setdefault("FIELDKIT_SCRYPT_WORK_FACTOR", "10")
os.environ.setdefault("FIELDKIT_LANG", "zh")
# never read or write the real user's settings (language, idle lock)
os.environ.setdefault("FIELDKIT_CONFIG_DIR", tempfile.mkdtemp(prefix="fieldkit-test-config-"))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Tests that switch to English (CLI --lang en, the app's setting) must not leak into others."""
    from fieldkit.i18n import set_language

    set_language("zh")
    yield
    set_language("zh")
