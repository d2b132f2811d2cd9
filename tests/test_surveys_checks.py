"""Phone numbers and GB 11643 resident ID numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys import check_id_number, check_phone


def reference_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 written the other way round from the code under test: the check value
    makes sum(a_i * 2^(17-i)) + check ≡ 1 (mod 11)."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (1 - total) % 11
    return "X" if value == 10 else str(value)


@pytest.mark.parametrize("phone, ok", [
    ("13800138000", True),
    ("19912345678", True),
    ("15000000000", True),
    ("12345678901", False),   # second digit 2
    ("10012345678", False),
    ("1380013800", False),    # 10 digits
    ("138001380001", False),  # 12 digits
    ("+8613800138000", False),
    ("138 0013 8000", False),
    ("138-0013-8000", False),
    ("２３８００１３８０００", False),  # full-width digits
    ("１３８００１３８０００", False),
    ("13800138000\n", False),
    (13800138000, False),
    (None, False),
    ("", False),
])
def test_check_phone(phone, ok):
    assert check_phone(phone) is ok


def with_check(first17: str) -> str:
    return first17 + reference_check_char(first17)


TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize("number, ok", [
    ("11010519491231002X", True),                 # the example from GB 11643-1999
    (with_check("44030420000229123"), True),      # born on a leap day
    (with_check("65010220261129001"), True),      # born today
    (with_check("91101019800101001"), True),      # foreigner's permanent residence card (9 + province)
    ("11010519491231002x", False),                # lower-case x: callers upper-case first
    ("110105194912310021", False),                # wrong check digit
    ("11010519491231002", False),                 # 17 characters
    ("11010519491231002X0", False),
    ("1101051949123100 X", False),
    (with_check("44030420010229123"), False),     # 2001-02-29 does not exist
    (with_check("44030419491331123"), False),     # month 13
    (with_check("65010220261130001"), False),     # born tomorrow
    (with_check("44052418800101001"), False),     # born 1880: not a living person
    (with_check("00010519491231002"), False),     # no such province
    (with_check("99101019800101001"), False),     # 9 + no such province
    (11010519491231002, False),
    (None, False),
])
def test_check_id_number(number, ok):
    assert check_id_number(number, today=TODAY) is ok


def test_check_id_number_defaults_to_the_real_today():
    assert check_id_number("11010519491231002X")
    future = dt.date.today() + dt.timedelta(days=400)
    assert not check_id_number(with_check("110105" + future.strftime("%Y%m%d") + "123"))


provinces = st.sampled_from(["11", "31", "44", "51", "53", "65", "81", "82"])
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)


@settings(max_examples=300, deadline=None)
@given(province=provinces, area=st.from_regex(r"[0-9]{4}", fullmatch=True), born=births,
       serial=st.from_regex(r"[0-9]{3}", fullmatch=True), wrong=st.sampled_from("0123456789X"))
def test_every_plausible_number_passes_only_with_its_check_character(province, area, born, serial, wrong):
    first17 = province + area + born.strftime("%Y%m%d") + serial
    right = reference_check_char(first17)
    assert check_id_number(first17 + right, today=TODAY)
    if wrong != right:
        assert not check_id_number(first17 + wrong, today=TODAY)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20) | st.integers() | st.none() | st.binary(max_size=20))
def test_checks_never_raise(value):
    assert check_phone(value) in (True, False)
    assert check_id_number(value) in (True, False)
