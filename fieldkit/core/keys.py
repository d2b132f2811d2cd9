"""Signing keys (Ed25519), fingerprints, and the passphrase-protected key file of a workspace.

The key file is an age file with a single scrypt stanza whose plaintext is the canonical JSON of the
workspace's private keys (``{name: value}``, all strings). ``age -d`` with the passphrase opens it, so
a township never depends on fieldkit to reach its own keys. The scrypt work factor is calibrated so
unlocking takes about half a second on the machine that writes the file, and is recorded in the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from fieldkit.core import age
from fieldkit.core.age import EmptyPassphraseError
from fieldkit.core.atomic import atomic_write
from fieldkit.core.canonical import canonical
from fieldkit.core.errors import FieldkitError
from fieldkit.core.files import read_file

__all__ = [
    "EmptyPassphraseError",
    "KeyfileDamagedError",
    "SigningKey",
    "WrongPassphraseError",
    "change_passphrase",
    "default_work_factor",
    "fingerprint",
    "read_keyfile",
    "verify",
    "work_factor_for",
    "write_keyfile",
]

WORK_FACTOR_ENV = "FIELDKIT_SCRYPT_WORK_FACTOR"
MIN_CALIBRATED_WORK_FACTOR = 15
MAX_CALIBRATED_WORK_FACTOR = 20
TARGET_UNLOCK_SECONDS = 0.5
_PROBE_WORK_FACTOR = 13  # 8 MiB, ~30 ms on a 2020s laptop: big enough to leave the CPU caches

_HEX32 = re.compile(r"[0-9a-fA-F]{64}")
_HEX64 = re.compile(r"[0-9a-fA-F]{128}")


class WrongPassphraseError(FieldkitError):
    def __init__(self, path: Path) -> None:
        super().__init__("crypto.wrong_passphrase", path=str(path))


class KeyfileDamagedError(FieldkitError):
    def __init__(self, path: Path) -> None:
        super().__init__("crypto.keyfile_damaged", path=str(path))


# ---------------------------------------------------------------------------------------- signing


class SigningKey:
    """An Ed25519 private key. Hex is of the 32-byte seed (private) or raw 32-byte key (public)."""

    __slots__ = ("_key",)

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_hex(cls, text: str) -> SigningKey:
        if not isinstance(text, str) or not _HEX32.fullmatch(text):
            raise FieldkitError("crypto.bad_signing_key")
        return cls(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text)))

    def to_hex(self) -> str:
        return self._key.private_bytes_raw().hex()

    def public_hex(self) -> str:
        return self._key.public_key().public_bytes_raw().hex()

    def sign(self, message: bytes) -> str:
        return self._key.sign(message).hex()

    def __repr__(self) -> str:
        return f"SigningKey(public={self.public_hex()})"


def verify(public_hex: str, message: bytes, signature_hex: str) -> bool:
    """True only for a valid signature; False for a bad one or any malformed input. Never raises."""
    try:
        if not isinstance(message, (bytes, bytearray, memoryview)):
            return False
        if not (_HEX32.fullmatch(public_hex) and _HEX64.fullmatch(signature_hex)):
            return False
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(bytes.fromhex(signature_hex), bytes(message))
        return True
    except Exception:  # noqa: BLE001 - the contract is "False on anything malformed", whatever it is
        return False


def fingerprint(public_hex: str) -> str:
    """What people compare on paper: SHA-256 of the raw public key, 20 hex digits, ``3F2A-9C01-…``."""
    if not isinstance(public_hex, str) or not _HEX32.fullmatch(public_hex):
        raise FieldkitError("crypto.bad_public_key")
    digest = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:20].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


# ------------------------------------------------------------------------------------ work factor


def work_factor_for(probe_seconds: float, probe_work_factor: int = _PROBE_WORK_FACTOR,
                    target_seconds: float = TARGET_UNLOCK_SECONDS) -> int:
    """The log2 N whose scrypt time, extrapolated linearly from one probe, is nearest the target.

    Clamped to 15..20: below 15 a stolen key file falls to guessing too easily; above 20 scrypt
    needs more than 1 GiB of memory, which old field laptops don't have.
    """
    if probe_seconds <= 0:
        return MAX_CALIBRATED_WORK_FACTOR
    best = min(
        range(MIN_CALIBRATED_WORK_FACTOR, MAX_CALIBRATED_WORK_FACTOR + 1),
        key=lambda wf: abs(probe_seconds * 2 ** (wf - probe_work_factor) - target_seconds),
    )
    return best


def _probe_scrypt_seconds(work_factor: int = _PROBE_WORK_FACTOR) -> float:
    best = float("inf")
    for _ in range(2):  # the first run also pays for page faults; keep the faster
        started = time.perf_counter()
        Scrypt(salt=bytes(16), length=32, n=1 << work_factor, r=8, p=1).derive(b"calibration")
        best = min(best, time.perf_counter() - started)
    return best


_calibrated: int | None = None


def default_work_factor() -> int:
    """``FIELDKIT_SCRYPT_WORK_FACTOR`` if set (1..22), else this machine's calibrated value (cached)."""
    global _calibrated
    override = os.environ.get(WORK_FACTOR_ENV, "").strip()
    if override:
        if not re.fullmatch(r"[0-9]{1,2}", override) or not 1 <= int(override) <= age.DEFAULT_MAX_WORK_FACTOR:
            raise FieldkitError("crypto.bad_work_factor_env")
        return int(override)
    if _calibrated is None:
        _calibrated = work_factor_for(_probe_scrypt_seconds())
    return _calibrated


# --------------------------------------------------------------------------------------- key file


def _check_passphrase(passphrase: str) -> None:
    if not passphrase:
        raise EmptyPassphraseError()


def write_keyfile(path: Path, secrets: dict[str, str], passphrase: str, work_factor: int | None = None) -> None:
    """Write ``secrets`` to ``path`` as an age scrypt file under ``passphrase``, atomically."""
    _check_passphrase(passphrase)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in secrets.items()):
        raise TypeError("key file secrets must map str to str")
    recipient = age.ScryptRecipient(passphrase, work_factor if work_factor is not None else default_work_factor())
    atomic_write(Path(path), age.encrypt(canonical(secrets), [recipient]))


def read_keyfile(path: Path, passphrase: str) -> dict[str, str]:
    """The secrets in the key file at ``path``.

    Raises ``WrongPassphraseError`` for a wrong passphrase, ``KeyfileDamagedError`` for a file that
    is not an intact key file, ``io.not_found`` for a missing one and ``AgeWorkFactorError`` for a
    file asking for an absurd amount of work.
    """
    path = Path(path)
    _check_passphrase(passphrase)
    data = read_file(path)
    try:
        plaintext = age.decrypt(data, [age.ScryptIdentity(passphrase)])
    except age.AgeWorkFactorError:
        raise
    except age.AgeNoMatchError as exc:
        if exc.stanza_types == ("scrypt",):
            raise WrongPassphraseError(path) from None
        raise KeyfileDamagedError(path) from None
    except age.AgeError:
        raise KeyfileDamagedError(path) from None
    try:
        secrets = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise KeyfileDamagedError(path) from None
    if not isinstance(secrets, dict) or not all(isinstance(v, str) for v in secrets.values()):
        raise KeyfileDamagedError(path)
    return secrets


def change_passphrase(path: Path, old: str, new: str, work_factor: int | None = None) -> None:
    """Re-encrypt the key file under ``new``; the file is replaced atomically, so a crash keeps ``old``."""
    _check_passphrase(new)
    write_keyfile(Path(path), read_keyfile(Path(path), old), new, work_factor)
