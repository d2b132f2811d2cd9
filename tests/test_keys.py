"""Signing keys, fingerprints, the passphrase-protected key file and the scrypt calibration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fieldkit.core import age, keys
from fieldkit.core.canonical import canonical
from fieldkit.core.errors import FieldkitError

# RFC 8032 section 7.1, test 1 (empty message).
RFC_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
RFC_SIGNATURE = (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

SECRETS = {"device_signing": "ab" * 32, "device_identity": age.X25519Identity.generate().to_string()}


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.WORK_FACTOR_ENV, "10")


# ---------------------------------------------------------------------------------------- signing


def test_rfc8032_known_answer() -> None:
    key = keys.SigningKey.from_hex(RFC_SECRET)
    assert key.public_hex() == RFC_PUBLIC
    assert key.sign(b"") == RFC_SIGNATURE
    assert keys.verify(RFC_PUBLIC, b"", RFC_SIGNATURE)
    assert keys.verify(RFC_PUBLIC.upper(), b"", RFC_SIGNATURE.upper())


def test_generate_sign_verify_round_trip() -> None:
    key = keys.SigningKey.generate()
    again = keys.SigningKey.from_hex(key.to_hex())
    assert again.public_hex() == key.public_hex()
    message = "户 110101001001-010001 已走访".encode()
    signature = key.sign(message)
    assert re.fullmatch(r"[0-9a-f]{128}", signature)
    assert keys.verify(key.public_hex(), message, signature)
    assert keys.verify(again.public_hex(), message, again.sign(message))
    assert not keys.verify(key.public_hex(), message + b".", signature)
    assert not keys.verify(keys.SigningKey.generate().public_hex(), message, signature)
    flipped = signature[:10] + ("0" if signature[10] != "0" else "1") + signature[11:]
    assert not keys.verify(key.public_hex(), message, flipped)


@pytest.mark.parametrize(
    ("public", "message", "signature"),
    [
        (RFC_PUBLIC[:-2], b"", RFC_SIGNATURE),
        (RFC_PUBLIC + "00", b"", RFC_SIGNATURE),
        ("zz" + RFC_PUBLIC[2:], b"", RFC_SIGNATURE),
        (RFC_PUBLIC, b"", RFC_SIGNATURE[:-1]),
        (RFC_PUBLIC, b"", RFC_SIGNATURE[:-2]),
        (RFC_PUBLIC, b"", " " + RFC_SIGNATURE[1:]),
        (RFC_PUBLIC, b"", "ab " * 42 + "ab"),
        (None, b"", RFC_SIGNATURE),
        (RFC_PUBLIC, b"", None),
        (RFC_PUBLIC, None, RFC_SIGNATURE),
        (RFC_PUBLIC, 0, RFC_SIGNATURE),
        (RFC_PUBLIC, "", RFC_SIGNATURE),
        (12, b"", 34),
        ("ff" * 32, b"", RFC_SIGNATURE),  # not a valid curve point
    ],
)
def test_verify_is_false_on_malformed_input(public: object, message: object, signature: object) -> None:
    assert keys.verify(public, message, signature) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "ab" * 31, "ab" * 33, "xy" * 32, " " + "ab" * 32, None])
def test_signing_key_from_bad_hex_is_a_clear_error(text: object) -> None:
    with pytest.raises(FieldkitError) as info:
        keys.SigningKey.from_hex(text)  # type: ignore[arg-type]
    assert info.value.key == "crypto.bad_signing_key"


def test_signing_key_repr_hides_the_secret() -> None:
    key = keys.SigningKey.from_hex(RFC_SECRET)
    assert RFC_SECRET not in repr(key)


def test_fingerprint_is_short_grouped_and_distinct() -> None:
    assert keys.fingerprint(RFC_PUBLIC) == "21FE-31DF-A154-A261-626B"
    assert keys.fingerprint(RFC_PUBLIC.upper()) == "21FE-31DF-A154-A261-626B"
    other = keys.fingerprint(keys.SigningKey.generate().public_hex())
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){4}", other)
    assert other != keys.fingerprint(RFC_PUBLIC)
    with pytest.raises(FieldkitError) as info:
        keys.fingerprint("not hex")
    assert info.value.key == "crypto.bad_public_key"


# --------------------------------------------------------------------------------------- key file


def test_keyfile_round_trip_is_an_age_scrypt_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.age"
    keys.write_keyfile(path, SECRETS, "村里的口令 2026")
    data = path.read_bytes()
    assert re.match(rb"age-encryption.org/v1\n-> scrypt [A-Za-z0-9+/]{22} 10\n", data)
    assert b"device_signing" not in data and SECRETS["device_identity"].encode() not in data
    assert keys.read_keyfile(path, "村里的口令 2026") == SECRETS
    assert age.decrypt(data, [age.ScryptIdentity("村里的口令 2026")]) == canonical(SECRETS)
    assert [p.name for p in tmp_path.iterdir()] == ["keys.age"]  # no temp file left behind


def test_explicit_work_factor_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "keys.age"
    keys.write_keyfile(path, SECRETS, "pw", work_factor=7)
    assert path.read_bytes().split(b"\n")[1].endswith(b" 7")
    assert keys.read_keyfile(path, "pw") == SECRETS


def test_wrong_passphrase_is_a_clear_error_without_the_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "keys.age"
    keys.write_keyfile(path, SECRETS, "the-right-one")
    with pytest.raises(keys.WrongPassphraseError) as info:
        keys.read_keyfile(path, "the-wrong-one")
    error = info.value
    assert isinstance(error, FieldkitError)
    for text in (str(error), error.english(), repr(error)):
        assert "the-wrong-one" not in text and "the-right-one" not in text
        assert "\n" not in text
    assert "口令错误" in str(error)
    assert "wrong passphrase" in error.english()
    assert str(path) in error.english()


@pytest.mark.parametrize("damage", ["flip_payload", "flip_header", "truncate", "garbage", "empty"])
def test_damaged_keyfile_is_distinct_from_wrong_passphrase(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "keys.age"
    keys.write_keyfile(path, SECRETS, "pw")
    data = bytearray(path.read_bytes())
    if damage == "flip_payload":
        data[-5] ^= 1
    elif damage == "flip_header":
        data[data.index(b"\n--- ") + 10] ^= 1  # inside the header MAC
    elif damage == "truncate":
        data = data[: len(data) - 10]
    elif damage == "garbage":
        data = bytearray(b"not an age file at all\n")
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    with pytest.raises(keys.KeyfileDamagedError) as info:
        keys.read_keyfile(path, "pw")
    assert info.value.key == "crypto.keyfile_damaged"


def test_keyfile_encrypted_to_a_key_instead_of_a_passphrase_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "keys.age"
    path.write_bytes(age.encrypt(canonical(SECRETS), [age.X25519Identity.generate().recipient()]))
    with pytest.raises(keys.KeyfileDamagedError):
        keys.read_keyfile(path, "pw")


@pytest.mark.parametrize("plaintext", [b"not json", b"[1,2]", b'{"a":1}', b"\xff\xfe"])
def test_keyfile_with_wrong_content_is_damaged(tmp_path: Path, plaintext: bytes) -> None:
    path = tmp_path / "keys.age"
    path.write_bytes(age.encrypt(plaintext, [age.ScryptRecipient("pw", 4)]))
    with pytest.raises(keys.KeyfileDamagedError):
        keys.read_keyfile(path, "pw")


def test_missing_keyfile(tmp_path: Path) -> None:
    with pytest.raises(FieldkitError) as info:
        keys.read_keyfile(tmp_path / "nope.age", "pw")
    assert info.value.key == "io.not_found"


def test_keyfile_with_absurd_work_factor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.age"
    keys.write_keyfile(path, SECRETS, "pw")
    data = path.read_bytes()
    header_line = data.split(b"\n")[1]
    path.write_bytes(data.replace(header_line, header_line[:-3] + b" 23", 1))
    with pytest.raises(age.AgeWorkFactorError):
        keys.read_keyfile(path, "pw")


def test_change_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "keys.age"
    keys.write_keyfile(path, SECRETS, "old one")
    with pytest.raises(keys.WrongPassphraseError):
        keys.change_passphrase(path, "not the old one", "new one")
    assert keys.read_keyfile(path, "old one") == SECRETS
    keys.change_passphrase(path, "old one", "new one")
    assert keys.read_keyfile(path, "new one") == SECRETS
    with pytest.raises(keys.WrongPassphraseError):
        keys.read_keyfile(path, "old one")


def test_empty_passphrase_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.age"
    with pytest.raises(keys.EmptyPassphraseError):
        keys.write_keyfile(path, SECRETS, "")
    assert not path.exists()
    keys.write_keyfile(path, SECRETS, "pw")
    with pytest.raises(keys.EmptyPassphraseError):
        keys.change_passphrase(path, "pw", "")
    with pytest.raises(keys.EmptyPassphraseError):
        keys.read_keyfile(path, "")
    assert keys.read_keyfile(path, "pw") == SECRETS


# ------------------------------------------------------------------------------------ work factor


def test_work_factor_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.WORK_FACTOR_ENV, "12")
    assert keys.default_work_factor() == 12
    for bad in ("0", "23", "abc", "1e3", "-5"):
        monkeypatch.setenv(keys.WORK_FACTOR_ENV, bad)
        with pytest.raises(FieldkitError) as info:
            keys.default_work_factor()
        assert info.value.key == "crypto.bad_work_factor_env"


@pytest.mark.parametrize(
    ("probe_seconds", "expected"),
    [
        (0.5 / 16, 17),  # 2**13 takes 31 ms -> 2**17 takes 0.5 s
        (0.5 / 32, 18),
        (0.5 / 8, 16),
        (1e-6, 20),  # a very fast machine is capped at 1 GiB of scrypt memory
        (1.0, 15),  # a very slow one still gets the floor
        (0.0, 20),
    ],
)
def test_work_factor_extrapolation(probe_seconds: float, expected: int) -> None:
    assert keys.work_factor_for(probe_seconds, probe_work_factor=13, target_seconds=0.5) == expected


def test_calibration_measures_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.WORK_FACTOR_ENV)
    monkeypatch.setattr(keys, "_calibrated", None)
    calls: list[int] = []

    def fake_probe(work_factor: int = 13) -> float:
        calls.append(work_factor)
        return 0.5 / 32

    monkeypatch.setattr(keys, "_probe_scrypt_seconds", fake_probe)
    assert keys.default_work_factor() == 18
    assert keys.default_work_factor() == 18
    assert len(calls) == 1


def test_real_probe_gives_a_work_factor_in_range() -> None:
    seconds = keys._probe_scrypt_seconds()
    assert 0 < seconds < 5
    assert 15 <= keys.work_factor_for(seconds) <= 20
