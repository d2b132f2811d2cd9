"""The C2SP age test vectors in ../shared/vectors/age/: one test per file, so a failure names it.

Each vector says which outcome decryption must give and the SHA-256 of all plaintext released before
that outcome (for payload failures: the authenticated chunks before the bad one).
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import pytest

from fieldkit.core import age

VECTORS = Path(__file__).resolve().parents[1].parent / "shared" / "vectors" / "age"
OUTCOMES = {
    age.AgeHMACError: "HMAC failure",
    age.AgeHeaderError: "header failure",
    age.AgeNoMatchError: "no match",
    age.AgePayloadError: "payload failure",
}


def vector_files() -> list[Path]:
    if not VECTORS.is_dir():
        return []
    return sorted(p for p in VECTORS.iterdir() if p.is_file() and p.name != "README.md")


FILES = vector_files()
MISSING = pytest.param(None, marks=pytest.mark.skip(reason=f"age test vectors not found at {VECTORS}"))


def load(path: Path) -> tuple[dict[str, str], list, bytes]:
    header, body = path.read_bytes().split(b"\n\n", 1)
    fields: dict[str, str] = {}
    identities: list = []
    for line in header.decode("utf-8").splitlines():
        key, value = line.split(": ", 1)
        if key == "identity":
            identities.append(age.X25519Identity.from_string(value))
        elif key == "passphrase":
            identities.append(age.ScryptIdentity(value))
        else:
            fields[key] = value
    if fields.get("compressed") == "zlib":
        body = zlib.decompress(body)
    return fields, identities, body


def outcome_of(error: age.AgeError) -> str:
    for kind, name in OUTCOMES.items():
        if isinstance(error, kind):
            return name
    raise AssertionError(f"unexpected error class {type(error).__name__}")


@pytest.mark.parametrize("path", FILES or [MISSING], ids=lambda p: p.name if p else "missing")
def test_vector(path: Path) -> None:
    fields, identities, data = load(path)
    released = hashlib.sha256()
    outcome = "success"
    try:
        for chunk in age.decrypt_chunks(data, identities):
            released.update(chunk)
    except age.AgeError as error:
        outcome = outcome_of(error)
    assert outcome == fields["expect"], fields.get("comment", "")
    if "payload" in fields:
        assert released.hexdigest() == fields["payload"]

    # The all-or-nothing API agrees: same plaintext on success, same failure otherwise.
    if outcome == "success":
        assert hashlib.sha256(age.decrypt(data, identities)).hexdigest() == fields["payload"]
    else:
        with pytest.raises(age.AgeError) as info:
            age.decrypt(data, identities)
        assert outcome_of(info.value) == outcome


@pytest.mark.skipif(not FILES, reason=f"age test vectors not found at {VECTORS}")
def test_vectors_cover_every_outcome() -> None:
    expected = set()
    for path in FILES:
        header = path.read_bytes().split(b"\n\n", 1)[0].decode("utf-8")
        expected |= {line.split(": ", 1)[1] for line in header.splitlines() if line.startswith("expect: ")}
    assert expected == {"success", "no match", "HMAC failure", "header failure", "payload failure"}
