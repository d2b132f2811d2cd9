"""age v1 format: keys and their strings, round trips, strict parsing, tampering, errors."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.core import age, bech32
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import t

# Identity from the C2SP test vectors; its recipient as printed by `age-keygen -y` (age 1.1.1).
VECTOR_IDENTITY = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"
VECTOR_RECIPIENT = "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef"

FAST = 4  # scrypt work factor for tests: 2**4 iterations, microseconds


def payload(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


# ------------------------------------------------------------------------------------------ bech32


def test_bech32_round_trip_keeps_hrp_case() -> None:
    data = bytes(range(32))
    lower = bech32.encode("age", data)
    upper = bech32.encode("AGE-SECRET-KEY-", data)
    assert lower == lower.lower() and lower.startswith("age1")
    assert upper == upper.upper() and upper.startswith("AGE-SECRET-KEY-1")
    assert bech32.decode(lower) == ("age", data)
    assert bech32.decode(upper) == ("AGE-SECRET-KEY-", data)


def test_bech32_bip173_valid_strings() -> None:
    assert bech32.decode("A12UEL5L") == ("A", b"")
    assert bech32.decode("a12uel5l") == ("a", b"")
    hrp, _ = bech32.decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw")
    assert hrp == "abcdef"


@pytest.mark.parametrize(
    "text",
    [
        "A1G7SGD8",  # checksum computed over the upper-case HRP
        "x1b4n0q5v",  # 'b' is not in the data alphabet
        "li1dgmt3",  # checksum too short
        "10a06t8",  # empty HRP
        "1qzzfhee",  # empty HRP
        "A12uEL5L",  # mixed case
        "a12uel5",  # truncated
        "\x201nwldj5",  # HRP character out of range
    ],
)
def test_bech32_invalid_strings_refused(text: str) -> None:
    with pytest.raises(bech32.Bech32Error):
        bech32.decode(text)


def test_bech32_every_single_character_change_is_detected() -> None:
    text = VECTOR_RECIPIENT
    for i in range(len("age1"), len(text)):
        for replacement in bech32.CHARSET:
            if replacement == text[i]:
                continue
            with pytest.raises(bech32.Bech32Error):
                bech32.decode(text[:i] + replacement + text[i + 1 :])


def test_bech32_nonzero_padding_refused() -> None:
    # 1 byte = 8 bits -> two 5-bit groups with 2 padding bits; set a padding bit and re-checksum.
    good = bech32.encode("age", b"\xff")
    values = [bech32.CHARSET.index(c) for c in good[4:-6]]
    values[-1] |= 1
    bad_data = values
    checksum = bech32._create_checksum("age", bad_data)
    bad = "age1" + "".join(bech32.CHARSET[v] for v in bad_data + checksum)
    with pytest.raises(bech32.Bech32Error, match="padding"):
        bech32.decode(bad)


# ---------------------------------------------------------------------------------- keys/strings


def test_identity_and_recipient_strings_match_age_keygen() -> None:
    identity = age.X25519Identity.from_string(VECTOR_IDENTITY)
    assert identity.to_string() == VECTOR_IDENTITY
    assert identity.recipient().to_string() == VECTOR_RECIPIENT
    assert age.X25519Recipient.from_string(VECTOR_RECIPIENT) == identity.recipient()


def test_generated_keys_round_trip_through_strings() -> None:
    identity = age.X25519Identity.generate()
    text = identity.to_string()
    assert re.fullmatch(r"AGE-SECRET-KEY-1[0-9A-Z]{58}", text)
    again = age.X25519Identity.from_string(text)
    assert again.recipient() == identity.recipient()
    recipient_text = identity.recipient().to_string()
    assert re.fullmatch(r"age1[0-9a-z]{58}", recipient_text)
    assert age.X25519Recipient.from_string(recipient_text) == identity.recipient()
    assert age.X25519Identity.generate().recipient() != identity.recipient()


@pytest.mark.parametrize(
    "text",
    [
        VECTOR_IDENTITY,  # an identity is not a recipient
        VECTOR_RECIPIENT[:-1] + ("q" if VECTOR_RECIPIENT[-1] != "q" else "p"),  # bad checksum
        VECTOR_RECIPIENT.upper(),  # age requires the lower-case "age" HRP
        bech32.encode("age", bytes(31)),  # wrong length
        bech32.encode("age", bytes(32)),  # low-order point
        "",
        "age1",
    ],
)
def test_bad_recipient_strings_refused(text: str) -> None:
    with pytest.raises(age.AgeKeyError) as info:
        age.X25519Recipient.from_string(text)
    assert info.value.key == "crypto.age_bad_recipient"


@pytest.mark.parametrize(
    "text",
    [
        VECTOR_RECIPIENT,
        VECTOR_IDENTITY[:-1] + ("Q" if VECTOR_IDENTITY[-1] != "Q" else "P"),
        VECTOR_IDENTITY.lower(),  # age requires the upper-case HRP
        bech32.encode("AGE-SECRET-KEY-", bytes(33)),
        "",
    ],
)
def test_bad_identity_strings_refused(text: str) -> None:
    with pytest.raises(age.AgeKeyError) as info:
        age.X25519Identity.from_string(text)
    assert info.value.key == "crypto.age_bad_identity"
    assert VECTOR_IDENTITY not in str(info.value)


def test_reprs_never_show_secrets() -> None:
    identity = age.X25519Identity.generate()
    assert identity.to_string() not in repr(identity)
    assert "hunter2" not in repr(age.ScryptRecipient("hunter2", FAST))
    assert "hunter2" not in repr(age.ScryptIdentity("hunter2"))


# ------------------------------------------------------------------------------------ round trips


def test_x25519_multi_recipient_round_trip() -> None:
    identities = [age.X25519Identity.generate() for _ in range(3)]
    message = payload(1000)
    data = age.encrypt(message, [i.recipient() for i in identities])
    assert data.count(b"\n-> X25519 ") == 3
    for identity in identities:
        assert age.decrypt(data, [identity]) == message
    stranger = age.X25519Identity.generate()
    assert age.decrypt(data, [stranger, identities[2]]) == message


def test_scrypt_round_trip_records_work_factor() -> None:
    message = "口令保护的内容".encode()
    data = age.encrypt(message, [age.ScryptRecipient("correct horse 电池", 5)])
    header_lines = data.split(b"\n")
    assert header_lines[0] == b"age-encryption.org/v1"
    assert re.fullmatch(rb"-> scrypt [A-Za-z0-9+/]{22} 5", header_lines[1])
    assert age.decrypt(data, [age.ScryptIdentity("correct horse 电池")]) == message


def test_each_encryption_is_fresh() -> None:
    recipient = age.X25519Identity.generate().recipient()
    assert age.encrypt(b"same", [recipient]) != age.encrypt(b"same", [recipient])


@pytest.mark.parametrize(
    ("size", "chunks"),
    [(0, 1), (1, 1), (65535, 1), (65536, 1), (65537, 2), (131072, 2), (131073, 3)],
)
def test_chunking_and_file_size(size: int, chunks: int) -> None:
    identity = age.X25519Identity.generate()
    message = payload(size, seed=size)
    data = age.encrypt(message, [identity.recipient()])
    header_end = data.index(b"\n---") + len(b"\n--- ") + 43 + 1
    assert len(data) == header_end + age.STREAM_NONCE_SIZE + size + chunks * age.TAG_SIZE
    pieces = list(age.decrypt_chunks(data, [identity]))
    assert len(pieces) == chunks
    assert all(len(p) == age.CHUNK_SIZE for p in pieces[:-1])
    assert b"".join(pieces) == message


@given(
    size=st.one_of(
        st.sampled_from([0, 1, 65535, 65536, 65537, 131071, 131072, 131073]),
        st.integers(min_value=0, max_value=200_000),
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_round_trip_property(size: int, seed: int) -> None:
    identity = age.X25519Identity.generate()
    message = payload(size, seed)
    assert age.decrypt(age.encrypt(message, [identity.recipient()]), [identity]) == message


def test_stanza_bodies_are_wrapped_at_64_columns() -> None:
    class LongStanzaRecipient:
        def __init__(self, size: int) -> None:
            self.size = size

        def wrap(self, file_key: bytes) -> age.Stanza:
            return age.Stanza("grease", ("x",), bytes(self.size))

    identity = age.X25519Identity.generate()
    for size in (0, 47, 48, 96, 100):
        data = age.encrypt(b"hi", [LongStanzaRecipient(size), identity.recipient()])
        assert age.decrypt(data, [identity]) == b"hi"
        lines = data[: data.index(b"\n---")].split(b"\n")
        grease = lines.index(b"-> grease x")
        body = []
        for line in lines[grease + 1 :]:
            body.append(line)
            if len(line) < 64:
                break
        assert all(len(line) == 64 for line in body[:-1])
        assert len(body[-1]) < 64
        assert len(b"".join(body)) == len(age._b64encode(bytes(size)))


# ------------------------------------------------------------------------------------ refusals


def test_wrong_identity_is_no_match() -> None:
    data = age.encrypt(b"secret", [age.X25519Identity.generate().recipient()])
    with pytest.raises(age.AgeNoMatchError) as info:
        age.decrypt(data, [age.X25519Identity.generate()])
    assert info.value.stanza_types == ("X25519",)
    with pytest.raises(age.AgeNoMatchError):
        age.decrypt(data, [])


def test_wrong_passphrase_is_no_match() -> None:
    data = age.encrypt(b"secret", [age.ScryptRecipient("right", FAST)])
    with pytest.raises(age.AgeNoMatchError) as info:
        age.decrypt(data, [age.ScryptIdentity("wrong")])
    assert info.value.stanza_types == ("scrypt",)
    assert "right" not in str(info.value) and "wrong" not in str(info.value)
    with pytest.raises(age.AgeNoMatchError):
        age.decrypt(data, [age.X25519Identity.generate()])


def test_work_factor_above_maximum_is_refused_before_any_work() -> None:
    data = age.encrypt(b"secret", [age.ScryptRecipient("pw", 12)])
    with pytest.raises(age.AgeWorkFactorError) as info:
        age.decrypt(data, [age.ScryptIdentity("pw", max_work_factor=11)])
    assert isinstance(info.value, age.AgeHeaderError)
    assert "12" in str(info.value) and "11" in str(info.value)
    assert age.decrypt(data, [age.ScryptIdentity("pw", max_work_factor=12)]) == b"secret"


def test_scrypt_must_be_alone() -> None:
    with pytest.raises(ValueError):
        age.encrypt(b"x", [age.ScryptRecipient("pw", FAST), age.X25519Identity.generate().recipient()])


def test_encrypt_needs_a_recipient_and_a_passphrase() -> None:
    with pytest.raises(ValueError):
        age.encrypt(b"x", [])
    with pytest.raises(age.EmptyPassphraseError):
        age.ScryptRecipient("", FAST)
    with pytest.raises(ValueError):
        age.ScryptRecipient("pw", 31)


def _tamper_targets() -> list[tuple[bytes, list]]:
    x = age.X25519Identity.generate()
    x_file = age.encrypt(b"household 010001 visited", [x.recipient(), age.X25519Identity.generate().recipient()])
    s_file = age.encrypt(b"dossier", [age.ScryptRecipient("pw", 2)])
    return [(x_file, [x]), (s_file, [age.ScryptIdentity("pw")])]


@pytest.mark.parametrize("kind", [0, 1], ids=["x25519", "scrypt"])
def test_every_single_byte_change_is_refused(kind: int) -> None:
    data, identities = _tamper_targets()[kind]
    original = age.decrypt(data, identities)
    for position in range(len(data)):
        for mask in (0x01, 0x80, 0xFF):
            tampered = bytearray(data)
            tampered[position] ^= mask
            with pytest.raises(age.AgeError):
                age.decrypt(bytes(tampered), identities)
    assert age.decrypt(data, identities) == original


@pytest.mark.parametrize("kind", [0, 1], ids=["x25519", "scrypt"])
def test_truncation_and_extension_are_refused(kind: int) -> None:
    data, identities = _tamper_targets()[kind]
    for length in range(len(data)):
        with pytest.raises(age.AgeError):
            age.decrypt(data[:length], identities)
    for extra in (b"\x00", b"\n", bytes(16), bytes(100)):
        with pytest.raises(age.AgePayloadError):
            age.decrypt(data + extra, identities)


def test_chunks_cannot_be_dropped_reordered_or_swapped() -> None:
    identity = age.X25519Identity.generate()
    message = payload(3 * age.CHUNK_SIZE + 10)
    data = age.encrypt(message, [identity.recipient()])
    start = data.index(b"\n---") + len(b"\n--- ") + 43 + 1 + age.STREAM_NONCE_SIZE
    sealed = age.CHUNK_SIZE + age.TAG_SIZE
    head, body = data[:start], data[start:]
    chunks = [body[i : i + sealed] for i in range(0, len(body), sealed)]
    assert len(chunks) == 4
    variants = [
        chunks[:3],  # final chunk dropped
        chunks[:2] + chunks[3:],  # middle chunk dropped
        [chunks[1], chunks[0]] + chunks[2:],  # reordered
    ]
    other = age.encrypt(message, [identity.recipient()])
    variants.append([other[start : start + sealed]] + chunks[1:])  # chunk from another file
    for variant in variants:
        with pytest.raises(age.AgePayloadError):
            age.decrypt(head + b"".join(variant), [identity])


@given(st.binary(max_size=400))
@settings(max_examples=300, deadline=None)
def test_arbitrary_bytes_only_raise_age_errors(blob: bytes) -> None:
    identity = age.X25519Identity.generate()
    for data in (blob, b"age-encryption.org/v1\n" + blob):
        with pytest.raises(age.AgeError):
            age.decrypt(data, [identity, age.ScryptIdentity("pw", max_work_factor=8)])


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_random_edits_of_a_valid_file_only_raise_age_errors(data: st.DataObject) -> None:
    identity = age.X25519Identity.generate()
    original = age.encrypt(b"x" * 50, [identity.recipient()])
    edited = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(edited)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        byte = data.draw(st.sampled_from([0x0A, 0x20, 0x2D, 0x3D, 0x41, 0x00, 0xFF]))
        if action == "insert":
            edited.insert(position, byte)
        elif position < len(edited):
            if action == "delete":
                del edited[position]
            else:
                edited[position] = byte
    if bytes(edited) == original:
        return
    with pytest.raises(age.AgeError):
        age.decrypt(bytes(edited), [identity])


# ---------------------------------------------------------------------------------------- errors


def test_error_classes_have_distinct_one_line_messages_in_both_languages() -> None:
    errors = [
        age.AgeHeaderError("x"),
        age.AgeWorkFactorError(23, 22),
        age.AgeHMACError(),
        age.AgeNoMatchError(),
        age.AgePayloadError("x"),
        age.AgeKeyError("recipient", "x"),
        age.AgeKeyError("identity", "x"),
        age.EmptyPassphraseError(),
    ]
    assert len({e.key for e in errors}) == len(errors)
    for error in errors:
        assert isinstance(error, FieldkitError)
        for lang in ("zh", "en"):
            text = t(error.key, lang=lang, **error.params)
            assert text != error.key and "\n" not in text and "{" not in text
    assert all(isinstance(e, age.AgeError) for e in errors[:-1])
