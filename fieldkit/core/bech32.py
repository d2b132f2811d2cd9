"""Bech32 (BIP 173 checksum) as age uses it for ``age1…`` recipients and ``AGE-SECRET-KEY-1…`` identities.

Differences from the Bitcoin address rules, matching the age reference implementation: no 90-character
length limit, and the human-readable part keeps the case of the input (age identities are upper case,
recipients lower case; mixed case is refused). Data is 8-bit bytes, converted to 5-bit groups with
zero padding; decoding refuses non-zero or over-long padding.

This is an encoding with an error-detecting checksum, not a cryptographic primitive.
"""

from __future__ import annotations

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CHARSET_INDEX = {c: i for i, c in enumerate(CHARSET)}
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


class Bech32Error(ValueError):
    """A string is not valid Bech32 (bad character, case, separator, padding or checksum)."""


def _polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            if (top >> i) & 1:
                checksum ^= _GENERATOR[i]
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _create_checksum(hrp: str, data: list[int]) -> list[int]:
    polymod = _polymod(_hrp_expand(hrp) + data + [0] * 6) ^ 1
    return [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    out: list[int] = []
    max_value = (1 << to_bits) - 1
    for value in data:
        if value >> from_bits:
            raise Bech32Error("value out of range")
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & max_value)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & max_value)
    elif bits >= from_bits or (acc << (to_bits - bits)) & max_value:
        raise Bech32Error("invalid padding")
    return out


def _check_hrp(hrp: str) -> None:
    if not hrp:
        raise Bech32Error("empty human-readable part")
    if any(not 33 <= ord(c) <= 126 for c in hrp):
        raise Bech32Error("invalid character in human-readable part")
    if hrp.lower() != hrp and hrp.upper() != hrp:
        raise Bech32Error("mixed case in human-readable part")


def encode(hrp: str, data: bytes) -> str:
    """``hrp`` + ``1`` + data and checksum; upper case throughout when ``hrp`` is upper case."""
    _check_hrp(hrp)
    upper = hrp.lower() != hrp
    lower_hrp = hrp.lower()
    values = _convert_bits(bytes(data), 8, 5, pad=True)
    text = lower_hrp + "1" + "".join(CHARSET[v] for v in values + _create_checksum(lower_hrp, values))
    return text.upper() if upper else text


def decode(text: str) -> tuple[str, bytes]:
    """(human-readable part as written, data bytes). Raises ``Bech32Error`` on any defect."""
    if not isinstance(text, str):
        raise Bech32Error("not a string")
    if text.lower() != text and text.upper() != text:
        raise Bech32Error("mixed case")
    separator = text.rfind("1")
    if separator < 1 or separator + 7 > len(text):
        raise Bech32Error("separator '1' missing or misplaced")
    hrp = text[:separator]
    _check_hrp(hrp)
    values: list[int] = []
    for c in text[separator + 1 :].lower():
        index = _CHARSET_INDEX.get(c)
        if index is None:
            raise Bech32Error("invalid character in data part")
        values.append(index)
    if _polymod(_hrp_expand(hrp.lower()) + values) != 1:
        raise Bech32Error("invalid checksum")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))
