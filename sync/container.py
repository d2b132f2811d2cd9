"""The one file shape that travels on a USB stick: magic line, signed plaintext header, age body.

::

    fieldkit-<kind>/1\\n        magic line; kind is bundle | kit | county, the version is in the magic
    <canonical JSON header>\\n  one line, at most 64 KiB
    <age file>                 the body, encrypted to the receiver

The header always has ``format`` (the magic without the newline), ``suite``, ``township``, ``sender``,
``created``, ``body_sha256`` (hex SHA-256 of the age bytes) and ``signature``: Ed25519 (hex) by the
sender's signing key over ``canonical(header without "signature")``. Kind-specific fields sit next to
them. The header must be the canonical serialisation of itself, so the signed bytes are exactly the
bytes on the stick.

Reading is split so callers can check in the order the design asks for, each failure one line and
nothing decrypted before the signature and the body hash hold:

1. ``read_container(path, kind)`` / ``parse_container(data, kind)``: size cap, magic, header shape.
2. ``Container.check_signature(public_hex)``: the header signature, by a key the caller chose.
3. ``Container.check_body()``: the body's SHA-256 against the (now trusted) header.
4. ``Container.decrypt(identities)``: the age body.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldkit.core import age
from fieldkit.core.canonical import canonical, now_iso
from fieldkit.core.errors import FieldkitError
from fieldkit.core.files import read_file
from fieldkit.core.keys import SigningKey, verify

KINDS = ("bundle", "kit", "county")
VERSION = 1
SUITE = "age1-x25519+ed25519+sha256"
MAX_HEADER_BYTES = 64 * 1024
DEFAULT_SIZE_CAP = 512 * 1024 * 1024
BASE_FIELDS = ("format", "suite", "township", "sender", "created", "body_sha256", "signature")

_MAGIC = re.compile(rb"fieldkit-([a-z]{1,16})/([0-9]{1,4})")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SIG = re.compile(r"[0-9a-f]{128}")
_MAX_MAGIC = 32


def format_name(kind: str) -> str:
    return f"fieldkit-{kind}/{VERSION}"


class ContainerError(FieldkitError):
    """A travelling file refused by the container checks. ``reason`` is the last part of the key."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, **params)
        self.reason = key.rsplit(".", 1)[-1]


def _reject_float(text: str) -> Any:
    raise ValueError("floats are not allowed")


@dataclass(frozen=True)
class Container:
    kind: str
    header: dict[str, Any]  # including "signature"
    body: bytes  # the age file
    label: str  # the file name, for messages

    @property
    def signed_bytes(self) -> bytes:
        return canonical({k: v for k, v in self.header.items() if k != "signature"})

    def check_signature(self, public_hex: str) -> None:
        if not verify(public_hex, self.signed_bytes, self.header["signature"]):
            raise ContainerError("container.bad_signature", file=self.label, sender=self.header["sender"])

    def check_body(self) -> None:
        if hashlib.sha256(self.body).hexdigest() != self.header["body_sha256"]:
            raise ContainerError("container.body_mismatch", file=self.label)

    def decrypt(self, identities: Sequence[age.Identity]) -> bytes:
        try:
            return age.decrypt(self.body, list(identities))
        except age.AgeNoMatchError:
            raise ContainerError("container.not_for_us", file=self.label) from None
        except age.AgeError:
            raise ContainerError("container.undecryptable", file=self.label) from None

    def open(self, public_hex: str, identities: Sequence[age.Identity]) -> bytes:
        """Signature, body hash, then decryption: the plaintext body."""
        self.check_signature(public_hex)
        self.check_body()
        return self.decrypt(identities)


def seal(
    kind: str,
    *,
    township: str,
    sender: str,
    signing_key: SigningKey,
    recipients: Sequence[age.Recipient],
    body: bytes,
    fields: dict[str, Any] | None = None,
    created: str | None = None,
) -> bytes:
    """The bytes of a container: ``body`` (plaintext) encrypted to ``recipients``, header signed."""
    if kind not in KINDS:
        raise ValueError(f"unknown container kind {kind!r}")
    fields = dict(fields or {})
    clash = set(fields) & set(BASE_FIELDS)
    if clash:
        raise ValueError(f"kind-specific fields may not redefine {sorted(clash)}")
    encrypted = age.encrypt(body, list(recipients))
    header: dict[str, Any] = {
        **fields,
        "format": format_name(kind),
        "suite": SUITE,
        "township": township,
        "sender": sender,
        "created": created or now_iso(),
        "body_sha256": hashlib.sha256(encrypted).hexdigest(),
    }
    header["signature"] = signing_key.sign(canonical(header))
    line = canonical(header)
    if len(line) > MAX_HEADER_BYTES:
        raise ValueError("container header too long")
    return format_name(kind).encode("ascii") + b"\n" + line + b"\n" + encrypted


def read_container(path: Path, kind: str, *, size_cap: int = DEFAULT_SIZE_CAP) -> Container:
    """Read ``path`` (refusing files over ``size_cap`` bytes before reading) and parse it."""
    path = Path(path)
    label = path.name
    data = read_file(path, limit=size_cap, too_big=lambda size: ContainerError(
        "container.too_large", file=label, size_mb=size // 2**20, cap_mb=size_cap // 2**20))
    return parse_container(data, kind, label=label, size_cap=size_cap)


def parse_container(data: bytes, kind: str, *, label: str = "?", size_cap: int = DEFAULT_SIZE_CAP) -> Container:
    """Structural checks only (no key needed): size, magic, header shape. Raises ``ContainerError``."""
    if not data:
        raise ContainerError("container.empty", file=label)
    if len(data) > size_cap:
        raise ContainerError("container.too_large", file=label, size_mb=len(data) // 2**20, cap_mb=size_cap // 2**20)
    end = data.find(b"\n", 0, _MAX_MAGIC + 1)
    match = _MAGIC.fullmatch(data[:end]) if end > 0 else None
    if match is None:
        raise ContainerError("container.bad_magic", file=label, expected=format_name(kind))
    found_kind, found_version = match.group(1).decode("ascii"), int(match.group(2))
    if found_kind != kind:
        raise ContainerError("container.wrong_kind", file=label, found=found_kind, expected=kind)
    if found_version != VERSION:
        raise ContainerError("container.unsupported_version", file=label, found=found_version, supported=VERSION)
    start = end + 1
    header_end = data.find(b"\n", start, start + MAX_HEADER_BYTES + 1)
    if header_end < 0:
        raise ContainerError("container.bad_header", file=label, detail="length")
    raw = data[start:header_end]
    header = _parse_header(raw, label)
    if header["format"] != format_name(kind):
        raise ContainerError("container.bad_header", file=label, detail="format")
    if header["suite"] != SUITE:
        raise ContainerError("container.unsupported_suite", file=label, suite=str(header["suite"])[:40])
    body = data[header_end + 1 :]
    if not body:
        raise ContainerError("container.truncated", file=label)
    return Container(kind=kind, header=header, body=body, label=label)


def _parse_header(raw: bytes, label: str) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"), parse_float=_reject_float, parse_constant=_reject_float)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError included
        raise ContainerError("container.bad_header", file=label, detail="json") from None
    if not isinstance(header, dict):
        raise ContainerError("container.bad_header", file=label, detail="json")
    missing = [name for name in BASE_FIELDS if name not in header]
    if missing:
        raise ContainerError("container.bad_header", file=label, detail=missing[0])
    for name in ("format", "suite", "township", "sender", "created"):
        if not isinstance(header[name], str):
            raise ContainerError("container.bad_header", file=label, detail=name)
    if not isinstance(header["body_sha256"], str) or not _HEX64.fullmatch(header["body_sha256"]):
        raise ContainerError("container.bad_header", file=label, detail="body_sha256")
    if not isinstance(header["signature"], str) or not _SIG.fullmatch(header["signature"]):
        raise ContainerError("container.bad_header", file=label, detail="signature")
    try:
        if canonical(header) != raw:
            raise ContainerError("container.bad_header", file=label, detail="canonical")
    except (TypeError, ValueError):
        raise ContainerError("container.bad_header", file=label, detail="json") from None
    return header
