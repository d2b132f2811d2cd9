"""The travelling container (sync/container.py) and checkpoints (sync/checkpoint.py)."""

from __future__ import annotations

import hashlib
import json

import pytest

from fieldkit.core import age
from fieldkit.core.canonical import canonical
from fieldkit.core.errors import FieldkitError
from fieldkit.core.keys import SigningKey
from sync import checkpoint
from sync.container import (
    MAX_HEADER_BYTES,
    SUITE,
    Container,
    ContainerError,
    parse_container,
    read_container,
    seal,
)

BODY = canonical({"feeds": {"d-0123456789abcdef": ["x" * 50]}, "note": "红星村"})


@pytest.fixture(scope="module")
def keys():
    return SigningKey.generate(), age.X25519Identity.generate()


def make(keys, kind="kit", body=BODY, **kwargs):
    signer, identity = keys
    return seal(
        kind,
        township="110101001",
        sender="t-110101001",
        signing_key=signer,
        recipients=[identity.recipient()],
        body=body,
        fields=kwargs.pop("fields", {"device": "d-0123456789abcdef"}),
        **kwargs,
    )


def open_it(data: bytes, keys, kind="kit") -> bytes:
    signer, identity = keys
    return parse_container(data, kind, label="x.kit").open(signer.public_hex(), [identity])


def test_round_trip_and_layout(keys):
    data = make(keys)
    magic, header_line, body = data.split(b"\n", 2)
    assert magic == b"fieldkit-kit/1"
    header = json.loads(header_line)
    assert canonical(header) == header_line
    assert header["format"] == "fieldkit-kit/1" and header["suite"] == SUITE
    assert header["township"] == "110101001" and header["sender"] == "t-110101001"
    assert header["device"] == "d-0123456789abcdef"
    assert header["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert body.startswith(b"age-encryption.org/v1\n")
    assert open_it(data, keys) == BODY


def test_body_is_a_standard_age_file(keys):
    signer, identity = keys
    body = make(keys).split(b"\n", 2)[2]
    assert age.decrypt(body, [identity]) == BODY


def test_signature_covers_header_without_signature(keys):
    signer, _ = keys
    container = parse_container(make(keys), "kit")
    unsigned = {k: v for k, v in container.header.items() if k != "signature"}
    assert container.signed_bytes == canonical(unsigned)
    assert signer.sign(canonical(unsigned)) == container.header["signature"]


def test_other_signer_refused(keys):
    other = SigningKey.generate()
    container = parse_container(make(keys), "kit", label="x.kit")
    with pytest.raises(ContainerError) as err:
        container.open(other.public_hex(), [keys[1]])
    assert err.value.reason == "bad_signature"


def test_not_encrypted_to_us(keys):
    container = parse_container(make(keys), "kit")
    with pytest.raises(ContainerError) as err:
        container.open(keys[0].public_hex(), [age.X25519Identity.generate()])
    assert err.value.reason == "not_for_us"


def test_every_single_byte_flip_is_refused(keys):
    """One flipped byte anywhere (magic, header, body) never opens and always fails cleanly."""
    data = make(keys, body=b"{}")
    reasons = set()
    for position in range(len(data)):
        damaged = bytearray(data)
        damaged[position] ^= 0x01
        with pytest.raises(FieldkitError) as err:
            open_it(bytes(damaged), keys)
        reasons.add(err.value.key)
        assert "\n" not in str(err.value)
    header_end = data.index(b"\n", data.index(b"\n") + 1)
    assert {"container.bad_magic", "container.wrong_kind"} & reasons
    assert "container.bad_header" in reasons or "container.bad_signature" in reasons
    assert "container.body_mismatch" in reasons
    # a flip in the body is caught by the header's hash, before decrypting
    damaged = bytearray(data)
    damaged[header_end + 40] ^= 0x80
    with pytest.raises(ContainerError) as err:
        open_it(bytes(damaged), keys)
    assert err.value.reason == "body_mismatch"


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda d: b"", "empty"),
        (lambda d: b"PK\x03\x04" + d, "bad_magic"),
        (lambda d: d.replace(b"fieldkit-kit/1", b"fieldkit-bundle/1", 1), "wrong_kind"),
        (lambda d: d.replace(b"fieldkit-kit/1\n", b"fieldkit-kit/2\n", 1), "unsupported_version"),
        (lambda d: d[: d.index(b"\n") + 20], "bad_header"),  # cut inside the header
        (lambda d: d[: d.index(b"\n", d.index(b"\n") + 1) + 1], "truncated"),  # header, no body
    ],
)
def test_structural_refusals(keys, mutate, reason):
    with pytest.raises(ContainerError) as err:
        parse_container(mutate(make(keys)), "kit", label="x.kit")
    assert err.value.reason == reason
    assert "x.kit" in str(err.value)


def test_non_canonical_header_refused(keys):
    data = make(keys)
    magic, header_line, body = data.split(b"\n", 2)
    pretty = json.dumps(json.loads(header_line), indent=1).replace("\n", "").encode()
    with pytest.raises(ContainerError) as err:
        parse_container(magic + b"\n" + pretty + b"\n" + body, "kit")
    assert err.value.reason == "bad_header"


def test_header_missing_field_or_float_refused(keys):
    data = make(keys)
    magic, header_line, body = data.split(b"\n", 2)
    header = json.loads(header_line)
    del header["created"]
    with pytest.raises(ContainerError):
        parse_container(magic + b"\n" + canonical(header) + b"\n" + body, "kit")
    floaty = header_line.replace(b'"township":"110101001"', b'"township":1.5')
    with pytest.raises(ContainerError):
        parse_container(magic + b"\n" + floaty + b"\n" + body, "kit")


def test_unknown_suite_refused(keys):
    signer, identity = keys
    data = make(keys)
    magic, header_line, body = data.split(b"\n", 2)
    header = json.loads(header_line)
    header["suite"] = "sm2+sm3+sm4"
    header.pop("signature")
    header["signature"] = signer.sign(canonical(header))
    with pytest.raises(ContainerError) as err:
        parse_container(magic + b"\n" + canonical(header) + b"\n" + body, "kit")
    assert err.value.reason == "unsupported_suite"


def test_header_line_limit(keys):
    with pytest.raises(ValueError):
        make(keys, fields={"padding": "x" * (MAX_HEADER_BYTES + 1)})
    data = b"fieldkit-kit/1\n" + b"{" + b" " * (MAX_HEADER_BYTES + 10)
    with pytest.raises(ContainerError) as err:
        parse_container(data, "kit")
    assert err.value.reason == "bad_header"


def test_kind_fields_cannot_shadow_base_fields(keys):
    with pytest.raises(ValueError):
        make(keys, fields={"sender": "d-evil"})


def test_size_cap_checked_before_reading(tmp_path, keys):
    path = tmp_path / "big.kit"
    path.write_bytes(make(keys))
    assert isinstance(read_container(path, "kit"), Container)
    with pytest.raises(ContainerError) as err:
        read_container(path, "kit", size_cap=100)
    assert err.value.reason == "too_large"
    with pytest.raises(FieldkitError) as err:
        read_container(tmp_path / "missing.kit", "kit")
    assert err.value.key == "io.not_found"


# ------------------------------------------------------------------------------ checkpoints


def test_checkpoint_sign_verify():
    key = SigningKey.generate()
    head = "ab" * 32
    sig = checkpoint.sign_checkpoint(key, "110101001", "d-0123456789abcdef", 7, head)
    assert checkpoint.verify_checkpoint(key.public_hex(), "110101001", "d-0123456789abcdef", 7, head, sig)
    # every signed value matters
    assert not checkpoint.verify_checkpoint(key.public_hex(), "110101002", "d-0123456789abcdef", 7, head, sig)
    assert not checkpoint.verify_checkpoint(key.public_hex(), "110101001", "d-0123456789abcdee", 7, head, sig)
    assert not checkpoint.verify_checkpoint(key.public_hex(), "110101001", "d-0123456789abcdef", 8, head, sig)
    assert not checkpoint.verify_checkpoint(key.public_hex(), "110101001", "d-0123456789abcdef", 7, "cd" * 32, sig)
    assert not checkpoint.verify_checkpoint(SigningKey.generate().public_hex(), "110101001", "d-0123456789abcdef", 7, head, sig)


def test_checkpoint_message_is_the_documented_one():
    message = checkpoint.checkpoint_message("110101001", "t-110101001", 3, "00" * 32)
    assert json.loads(message) == {
        "format": "fieldkit-checkpoint/1", "township": "110101001", "feed": "t-110101001", "seq": 3, "head": "00" * 32,
    }


def test_receipt_is_not_a_checkpoint():
    key = SigningKey.generate()
    head = "ab" * 32
    receipt = checkpoint.sign_receipt(key, "110101001", "d-0123456789abcdef", 7, head)
    assert checkpoint.verify_receipt(key.public_hex(), "110101001", "d-0123456789abcdef", 7, head, receipt)
    assert not checkpoint.verify_checkpoint(key.public_hex(), "110101001", "d-0123456789abcdef", 7, head, receipt)


def test_signed_head_parsing():
    key = SigningKey.generate()
    signed = checkpoint.make_signed_head(key, "t-110101001", "110101001", "t-110101001", 2, "ab" * 32)
    assert checkpoint.parse_signed_head(signed.as_dict(), label="k", feed="t-110101001") == signed
    for broken in ({**signed.as_dict(), "seq": "2"}, {**signed.as_dict(), "head": "xy"}, {"seq": 2}, None):
        with pytest.raises(FieldkitError) as err:
            checkpoint.parse_signed_head(broken, label="k", feed="t-110101001")
        assert err.value.key == "checkpoint.malformed"
