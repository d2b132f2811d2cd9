"""Shared test setup. Key files use a small scrypt work factor so the suite stays fast;
real key files use the calibrated one (see fieldkit.core.keys.default_work_factor)."""

import os

os.environ.setdefault("FIELDKIT_SCRYPT_WORK_FACTOR", "10")
os.environ.setdefault("FIELDKIT_LANG", "zh")
