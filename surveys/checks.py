"""Format checks for phone numbers and resident ID numbers (GB 11643-1999). Pure functions."""

from __future__ import annotations

import datetime as _dt
import re

_PHONE = re.compile(r"1[3-9][0-9]{9}")
_ID = re.compile(r"[0-9]{17}[0-9X]")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11), ISO 7064 MOD 11-2
# Province-level division codes (GB/T 2260) that open an ID number; 83 is Taiwan residents' permits.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)


def check_phone(s: object) -> bool:
    """An 11-digit mainland mobile number: ``1``, then 3-9, then nine digits. No spaces or +86."""
    return isinstance(s, str) and _PHONE.fullmatch(s) is not None


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def check_id_number(s: object, today: _dt.date | None = None) -> bool:
    """An 18-character resident ID number that could be real.

    17 digits and a check character (a digit or an upper-case ``X``; callers upper-case what people
    type), a province-level code at the start (or 9 + province for the 2023 foreigners' permanent
    residence card), a birth date between 1900-01-01 and today, and the MOD 11-2 checksum.
    """
    if not isinstance(s, str) or _ID.fullmatch(s) is None:
        return False
    province = s[1:3] if s[0] == "9" else s[0:2]
    if province not in _PROVINCES:
        return False
    try:
        born = _dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    if not _dt.date(1900, 1, 1) <= born <= (today or _dt.date.today()):
        return False
    return id_check_char(s[:17]) == s[17]
