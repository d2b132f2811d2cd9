"""age v1 files (C2SP age specification), binary format only: X25519 and scrypt stanzas, STREAM payload.

Every encrypted file fieldkit writes is an age file, so a township can always open its data with the
standard ``age`` tool. Built only on ``cryptography`` primitives (X25519, HKDF-SHA256, HMAC-SHA256,
ChaCha20-Poly1305, scrypt). No armor, no plugins.

File layout::

    age-encryption.org/v1
    -> X25519 <share, base64>            one stanza per recipient; the body wraps the 16-byte file key
    <body, base64, 64 columns, last line shorter than 64 (possibly empty)>
    --- <HMAC-SHA256 of the header up to "---", key HKDF(file key, "header"), base64>
    <16-byte nonce><payload: 64 KiB chunks, ChaCha20-Poly1305, key HKDF(file key, nonce, "payload")>

Parsing is strict, as the spec demands: canonical base64 without padding, exact stanza wrapping, no
trailing data, an empty final chunk only for an empty payload. Any defect in any input raises an
``AgeError`` subclass; no other exception leaves ``decrypt`` or ``decrypt_chunks``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fieldkit.core import bech32
from fieldkit.core.errors import FieldkitError

VERSION_LINE = b"age-encryption.org/v1"
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
FILE_KEY_SIZE = 16
STREAM_NONCE_SIZE = 16
DEFAULT_MAX_WORK_FACTOR = 22
LIMIT_WORK_FACTOR = 30  # no caller may ask for more: 2**30 * 1 KiB of memory is already 1 TiB

RECIPIENT_HRP = "age"
IDENTITY_HRP = "AGE-SECRET-KEY-"
_X25519_LABEL = b"age-encryption.org/v1/X25519"
_SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"
_ZERO_NONCE = bytes(12)
_LINE_COLUMNS = 64

_ARGUMENT = re.compile(rb"[\x21-\x7e]+")
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*")
_WORK_FACTOR = re.compile(r"[1-9][0-9]*")


# ----------------------------------------------------------------------------------------- errors


class AgeError(FieldkitError):
    """Any problem with an age file or age key. ``reason`` is an English detail for logs and tests."""

    def __init__(self, key: str, reason: str = "", **params: object) -> None:
        super().__init__(key, **params)
        self.reason = reason


class AgeHeaderError(AgeError):
    """The header is malformed (or a stanza meant for one of our identities is)."""

    def __init__(self, reason: str) -> None:
        super().__init__("crypto.age_header", reason)


class AgeWorkFactorError(AgeHeaderError):
    """An scrypt stanza asks for more work than we allow (protects against a file that hangs us)."""

    def __init__(self, work_factor: int, max_work_factor: int) -> None:
        AgeError.__init__(
            self,
            "crypto.age_work_factor",
            f"scrypt work factor {work_factor} above {max_work_factor}",
            work_factor=work_factor,
            max_work_factor=max_work_factor,
        )


class AgeHMACError(AgeError):
    def __init__(self) -> None:
        super().__init__("crypto.age_hmac", "header MAC mismatch")


class AgeNoMatchError(AgeError):
    """No identity unwrapped any stanza. ``stanza_types`` says what the file was encrypted to."""

    def __init__(self, stanza_types: tuple[str, ...] = ()) -> None:
        super().__init__("crypto.age_no_match", "no identity matched")
        self.stanza_types = stanza_types


class AgePayloadError(AgeError):
    def __init__(self, reason: str) -> None:
        super().__init__("crypto.age_payload", reason)


class AgeKeyError(AgeError):
    """A recipient (``age1…``) or identity (``AGE-SECRET-KEY-1…``) string is malformed."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(f"crypto.age_bad_{kind}", reason)


class EmptyPassphraseError(FieldkitError):
    def __init__(self) -> None:
        super().__init__("crypto.empty_passphrase")


# ------------------------------------------------------------------------------------- encodings


def _b64encode(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _b64decode(text: bytes) -> bytes:
    """Canonical unpadded standard base64, or ``AgeHeaderError``."""
    if not _BASE64.fullmatch(text) or len(text) % 4 == 1:
        raise AgeHeaderError("invalid base64")
    try:
        decoded = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise AgeHeaderError("invalid base64") from None
    if _b64encode(decoded) != text:
        raise AgeHeaderError("non-canonical base64")
    return decoded


def _hkdf(secret: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


@dataclass(frozen=True)
class Stanza:
    type: str
    args: tuple[str, ...]
    body: bytes

    def encode(self) -> bytes:
        lines = [b"-> " + " ".join((self.type, *self.args)).encode("ascii")]
        body = _b64encode(self.body)
        lines += [body[i : i + _LINE_COLUMNS] for i in range(0, len(body), _LINE_COLUMNS)]
        if len(body) % _LINE_COLUMNS == 0:
            lines.append(b"")  # the body always ends with a line shorter than 64 columns
        return b"\n".join(lines) + b"\n"


@dataclass(frozen=True)
class _Header:
    stanzas: list[Stanza]
    mac_input_end: int  # the MAC covers data[:mac_input_end], i.e. through "---"
    mac: bytes
    payload_start: int


def _parse_header(data: bytes) -> _Header:
    pos = 0

    def next_line() -> tuple[int, bytes]:
        nonlocal pos
        end = data.find(b"\n", pos)
        if end < 0:
            raise AgeHeaderError("header ends before its closing line")
        start, pos = pos, end + 1
        return start, data[start:end]

    if next_line()[1] != VERSION_LINE:
        raise AgeHeaderError("not an age v1 file")
    stanzas: list[Stanza] = []
    start, line = next_line()
    while not line.startswith(b"---"):
        parts = line.split(b" ")
        if parts[0] != b"->" or len(parts) < 2:
            raise AgeHeaderError("malformed stanza line")
        if not all(_ARGUMENT.fullmatch(arg) for arg in parts[1:]):
            raise AgeHeaderError("invalid stanza argument")
        body_lines = []
        while True:
            body_line = next_line()[1]
            if len(body_line) > _LINE_COLUMNS:
                raise AgeHeaderError("stanza body line too long")
            body_lines.append(body_line)
            if len(body_line) < _LINE_COLUMNS:
                break
        body = _b64decode(b"".join(body_lines))
        names = tuple(arg.decode("ascii") for arg in parts[1:])
        stanzas.append(Stanza(names[0], names[1:], body))
        start, line = next_line()
    parts = line.split(b" ")
    if len(parts) != 2 or parts[0] != b"---":
        raise AgeHeaderError("malformed closing line")
    mac = _b64decode(parts[1])
    if len(mac) != 32:
        raise AgeHeaderError("header MAC has the wrong length")
    if any(s.type == "scrypt" for s in stanzas) and len(stanzas) != 1:
        raise AgeHeaderError("an scrypt stanza must be the only stanza")
    return _Header(stanzas, start + 3, mac, pos)


def _header_mac(file_key: bytes, header_bytes: bytes) -> HMAC:
    mac = HMAC(_hkdf(file_key, b"", b"header"), hashes.SHA256())
    mac.update(header_bytes)
    return mac


def _wrap_file_key(key: bytes, file_key: bytes) -> bytes:
    return ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)


def _unwrap_file_key(key: bytes, body: bytes) -> bytes | None:
    try:
        return ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, body, None)
    except InvalidTag:
        return None


# --------------------------------------------------------------------------- recipients/identities


class Recipient(Protocol):
    def wrap(self, file_key: bytes) -> Stanza: ...


class Identity(Protocol):
    def unwrap(self, stanza: Stanza) -> bytes | None:
        """The file key, ``None`` if the stanza is not for this identity; raises ``AgeHeaderError``
        if the stanza is of this identity's type but malformed."""
        ...


class X25519Recipient:
    """A public key, ``age1…``. Anyone holding it can encrypt to the matching identity."""

    __slots__ = ("_key", "public_bytes")

    def __init__(self, public_bytes: bytes) -> None:
        if len(public_bytes) != 32:
            raise AgeKeyError("recipient", "X25519 public key must be 32 bytes")
        self.public_bytes = bytes(public_bytes)
        self._key = X25519PublicKey.from_public_bytes(self.public_bytes)

    @classmethod
    def from_string(cls, text: str) -> X25519Recipient:
        try:
            hrp, data = bech32.decode(text.strip())
        except (bech32.Bech32Error, AttributeError):
            raise AgeKeyError("recipient", "not valid bech32") from None
        if hrp != RECIPIENT_HRP or len(data) != 32:
            raise AgeKeyError("recipient", "not an age X25519 recipient")
        recipient = cls(data)
        try:  # a low-order point would make every file encrypted to it readable by anyone
            X25519PrivateKey.generate().exchange(recipient._key)
        except ValueError:
            raise AgeKeyError("recipient", "low-order X25519 point") from None
        return recipient

    def to_string(self) -> str:
        return bech32.encode(RECIPIENT_HRP, self.public_bytes)

    def wrap(self, file_key: bytes) -> Stanza:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(self._key)
        key = _hkdf(shared, share + self.public_bytes, _X25519_LABEL)
        return Stanza("X25519", (_b64encode(share).decode("ascii"),), _wrap_file_key(key, file_key))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, X25519Recipient) and other.public_bytes == self.public_bytes

    def __hash__(self) -> int:
        return hash(self.public_bytes)

    def __repr__(self) -> str:
        return f"X25519Recipient({self.to_string()})"


class X25519Identity:
    """A private key, ``AGE-SECRET-KEY-1…``. Never logged: ``repr`` shows only the recipient."""

    __slots__ = ("_key", "_public")

    def __init__(self, private_key: X25519PrivateKey) -> None:
        self._key = private_key
        self._public = private_key.public_key().public_bytes_raw()

    @classmethod
    def generate(cls) -> X25519Identity:
        return cls(X25519PrivateKey.generate())

    @classmethod
    def from_string(cls, text: str) -> X25519Identity:
        try:
            hrp, data = bech32.decode(text.strip())
        except (bech32.Bech32Error, AttributeError):
            raise AgeKeyError("identity", "not valid bech32") from None
        if hrp != IDENTITY_HRP or len(data) != 32:
            raise AgeKeyError("identity", "not an age X25519 identity")
        return cls(X25519PrivateKey.from_private_bytes(data))

    def to_string(self) -> str:
        return bech32.encode(IDENTITY_HRP, self._key.private_bytes_raw())

    def recipient(self) -> X25519Recipient:
        return X25519Recipient(self._public)

    def unwrap(self, stanza: Stanza) -> bytes | None:
        if stanza.type != "X25519":
            return None
        if len(stanza.args) != 1:
            raise AgeHeaderError("X25519 stanza must have exactly one argument")
        share = _b64decode(stanza.args[0].encode("ascii"))
        if len(share) != 32:
            raise AgeHeaderError("X25519 share must be 32 bytes")
        if len(stanza.body) != FILE_KEY_SIZE + TAG_SIZE:
            raise AgeHeaderError("wrapped file key has the wrong length")
        try:
            shared = self._key.exchange(X25519PublicKey.from_public_bytes(share))
        except ValueError:
            raise AgeHeaderError("X25519 share is a low-order point") from None
        if shared == bytes(32):
            raise AgeHeaderError("X25519 share is a low-order point")
        return _unwrap_file_key(_hkdf(shared, share + self._public, _X25519_LABEL), stanza.body)

    def __repr__(self) -> str:
        return f"X25519Identity(recipient={self.recipient().to_string()})"


def _passphrase_bytes(passphrase: str) -> bytes:
    return passphrase.encode("utf-8", "surrogateescape")


class ScryptRecipient:
    """Encrypt under a passphrase. ``work_factor`` is log2 of scrypt's N and is recorded in the file."""

    __slots__ = ("_passphrase", "work_factor")

    def __init__(self, passphrase: str, work_factor: int) -> None:
        if not passphrase:
            raise EmptyPassphraseError()
        if isinstance(work_factor, bool) or not isinstance(work_factor, int):
            raise TypeError("work_factor must be an int")
        if not 1 <= work_factor <= LIMIT_WORK_FACTOR:
            raise ValueError(f"work_factor must be between 1 and {LIMIT_WORK_FACTOR}")
        self._passphrase = _passphrase_bytes(passphrase)
        self.work_factor = work_factor

    def wrap(self, file_key: bytes) -> Stanza:
        salt = os.urandom(16)
        key = Scrypt(salt=_SCRYPT_LABEL + salt, length=32, n=1 << self.work_factor, r=8, p=1).derive(
            self._passphrase
        )
        args = (_b64encode(salt).decode("ascii"), str(self.work_factor))
        return Stanza("scrypt", args, _wrap_file_key(key, file_key))

    def __repr__(self) -> str:
        return f"ScryptRecipient(work_factor={self.work_factor})"


class ScryptIdentity:
    """Decrypt with a passphrase; files asking for a work factor above ``max_work_factor`` are refused."""

    __slots__ = ("_passphrase", "max_work_factor")

    def __init__(self, passphrase: str, max_work_factor: int = DEFAULT_MAX_WORK_FACTOR) -> None:
        if not 1 <= max_work_factor <= LIMIT_WORK_FACTOR:
            raise ValueError(f"max_work_factor must be between 1 and {LIMIT_WORK_FACTOR}")
        self._passphrase = _passphrase_bytes(passphrase)
        self.max_work_factor = max_work_factor

    def unwrap(self, stanza: Stanza) -> bytes | None:
        if stanza.type != "scrypt":
            return None
        if len(stanza.args) != 2:
            raise AgeHeaderError("scrypt stanza must have exactly two arguments")
        salt = _b64decode(stanza.args[0].encode("ascii"))
        if len(salt) != 16:
            raise AgeHeaderError("scrypt salt must be 16 bytes")
        if not _WORK_FACTOR.fullmatch(stanza.args[1]):
            raise AgeHeaderError("invalid scrypt work factor")
        if len(stanza.args[1]) > 2:
            raise AgeHeaderError("scrypt work factor out of range")
        work_factor = int(stanza.args[1])
        if work_factor > self.max_work_factor:
            raise AgeWorkFactorError(work_factor, self.max_work_factor)
        if len(stanza.body) != FILE_KEY_SIZE + TAG_SIZE:
            raise AgeHeaderError("wrapped file key has the wrong length")
        try:
            key = Scrypt(salt=_SCRYPT_LABEL + salt, length=32, n=1 << work_factor, r=8, p=1).derive(
                self._passphrase
            )
        except (ValueError, MemoryError):
            raise AgeWorkFactorError(work_factor, self.max_work_factor) from None
        return _unwrap_file_key(key, stanza.body)

    def __repr__(self) -> str:
        return f"ScryptIdentity(max_work_factor={self.max_work_factor})"


# ------------------------------------------------------------------------------ encrypt / decrypt


def _chunk_nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def encrypt(plaintext: bytes, recipients: Sequence[Recipient]) -> bytes:
    """An age v1 file of ``plaintext`` that any one of ``recipients`` can open."""
    if not recipients:
        raise ValueError("encrypt needs at least one recipient")
    if len(recipients) > 1 and any(isinstance(r, ScryptRecipient) for r in recipients):
        raise ValueError("an scrypt recipient must be the only recipient")
    file_key = os.urandom(FILE_KEY_SIZE)
    header = VERSION_LINE + b"\n" + b"".join(r.wrap(file_key).encode() for r in recipients) + b"---"
    mac = _header_mac(file_key, header).finalize()
    nonce = os.urandom(STREAM_NONCE_SIZE)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    view = memoryview(plaintext)
    chunk_count = max(1, -(-len(view) // CHUNK_SIZE))
    parts = [header, b" ", _b64encode(mac), b"\n", nonce]
    for counter in range(chunk_count):
        chunk = view[counter * CHUNK_SIZE : (counter + 1) * CHUNK_SIZE]
        parts.append(aead.encrypt(_chunk_nonce(counter, counter == chunk_count - 1), chunk, None))
    return b"".join(parts)


def decrypt(data: bytes, identities: Sequence[Identity]) -> bytes:
    """The plaintext of an age file, all or nothing. Raises an ``AgeError`` subclass on any defect."""
    return b"".join(decrypt_chunks(data, identities))


def decrypt_chunks(data: bytes, identities: Sequence[Identity]) -> Iterator[bytes]:
    """Authenticated plaintext chunks, in order, then an ``AgeError`` if the file is bad after all.

    Each chunk yielded is authentic, but a truncated or altered file only fails at the end: callers
    that act on the plaintext must consume the whole iterator (or use ``decrypt``) before trusting it.
    """
    if not isinstance(data, bytes):
        data = bytes(data)
    header = _parse_header(data)
    file_key = _find_file_key(header.stanzas, identities)
    try:
        _header_mac(file_key, data[: header.mac_input_end]).verify(header.mac)
    except InvalidSignature:
        raise AgeHMACError() from None
    nonce = data[header.payload_start : header.payload_start + STREAM_NONCE_SIZE]
    if len(nonce) != STREAM_NONCE_SIZE:
        raise AgeHeaderError("payload nonce missing or short")
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    yield from _decrypt_stream(aead, memoryview(data)[header.payload_start + STREAM_NONCE_SIZE :])


def _find_file_key(stanzas: list[Stanza], identities: Sequence[Identity]) -> bytes:
    for identity in identities:
        for stanza in stanzas:
            file_key = identity.unwrap(stanza)
            if file_key is not None:
                return file_key
    raise AgeNoMatchError(tuple(s.type for s in stanzas))


def _decrypt_stream(aead: ChaCha20Poly1305, payload: memoryview) -> Iterator[bytes]:
    sealed_size = CHUNK_SIZE + TAG_SIZE
    end = len(payload)
    pos = 0
    counter = 0
    while True:
        chunk = payload[pos : pos + sealed_size]
        pos += len(chunk)
        if len(chunk) < TAG_SIZE:
            raise AgePayloadError("payload truncated: final chunk missing")
        if len(chunk) == sealed_size:
            # A full chunk is the last one only if its tag says so; try the likelier flag first.
            flags = (True, False) if pos == end else (False, True)
        else:
            flags = (True,)
        plaintext = None
        for last in flags:
            try:
                plaintext = aead.decrypt(_chunk_nonce(counter, last), chunk, None)
                break
            except InvalidTag:
                continue
        if plaintext is None:
            raise AgePayloadError(f"chunk {counter} failed authentication")
        if last and not plaintext and counter > 0:
            raise AgePayloadError("empty final chunk after a full one")
        yield plaintext
        if last:
            if pos != end:
                raise AgePayloadError("data after the final chunk")
            return
        counter += 1
