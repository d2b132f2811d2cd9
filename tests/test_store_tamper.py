"""Flipping any byte of any store file is caught: a clear FieldkitError naming the file, nothing else."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from fieldkit.core import age
from fieldkit.core.errors import FieldkitError
from fieldkit.core.store import Store
from fieldkit.core.workspace import Workspace
from tests.store_support import DEVICE, OTHER, data_files, visit_args


@pytest.fixture(scope="module")
def populated(tmp_path_factory) -> tuple[Path, age.X25519Identity]:
    identity = age.X25519Identity.generate()
    path = tmp_path_factory.mktemp("tamper") / "store"
    store = Store.create(path, identity, segment_size=4)
    for n in range(1, 11):
        store.append(DEVICE, *visit_args(n))
    for n in range(1, 4):
        store.append(OTHER, *visit_args(n))
    store.put_doc("settings", "lang", "zh")
    store.put_doc("receipts", "t-110101001", {"through": 10})
    store.close()
    return path, identity


def sample_positions(data: bytes, rng: random.Random) -> list[int]:
    """Header (version line, stanza, MAC), payload nonce, ciphertext, final tag; plus random ones."""
    header_end = data.index(b"\n---") + 1
    mac_line_end = data.index(b"\n", header_end) + 1
    picks = set(range(0, 24))  # version line and stanza start
    picks |= set(range(24, header_end, 5))  # stanza arguments and body
    picks |= set(range(header_end, mac_line_end))  # the "--- <mac>" line
    picks |= set(range(mac_line_end, mac_line_end + 16, 3))  # payload nonce
    picks |= set(range(len(data) - 16, len(data)))  # final tag
    picks |= {rng.randrange(len(data)) for _ in range(20)}
    return sorted(p for p in picks if p < len(data))


def expect_caught(path: Path, identity, label: str) -> None:
    try:
        Store.open(path, identity)
    except FieldkitError as err:
        message = str(err)
        assert "\n" not in message and label in message, message
        return
    pytest.fail(f"tampering with {label} went unnoticed")


def test_every_store_file_is_covered(populated):
    path, _ = populated
    names = [str(p.relative_to(path.parent)) for p in data_files(path)]
    assert "store/manifest.age" in names and "store/docs.age" in names
    assert sum(n.startswith("store/feeds/") for n in names) == 4  # 3 segments + 1


def test_single_byte_flips_in_every_store_file_are_caught(populated):
    path, identity = populated
    rng = random.Random(2026)
    tried = 0
    for file in data_files(path):
        label = str(file.relative_to(path.parent)).replace("\\", "/")
        original = file.read_bytes()
        try:
            for position in sample_positions(original, rng):
                flipped = bytearray(original)
                flipped[position] ^= 1 << rng.randrange(8)
                file.write_bytes(bytes(flipped))
                expect_caught(path, identity, label)
                tried += 1
        finally:
            file.write_bytes(original)
    assert tried > 300
    Store.open(path, identity)  # and the restored store is fine again


@pytest.mark.parametrize("damage", ["truncate", "extend", "empty", "garbage"])
def test_truncated_extended_or_replaced_files_are_caught(populated, damage):
    path, identity = populated
    for file in data_files(path):
        label = str(file.relative_to(path.parent)).replace("\\", "/")
        original = file.read_bytes()
        try:
            file.write_bytes({
                "truncate": original[:-1],
                "extend": original + b"\x00",
                "empty": b"",
                "garbage": bytes(random.Random(1).randrange(256) for _ in range(len(original))),
            }[damage])
            expect_caught(path, identity, label)
        finally:
            file.write_bytes(original)


def test_damaged_key_file_is_a_clear_error(tmp_path):
    ws = Workspace.create(tmp_path / "ws", "device", {"feed": DEVICE}, {}, "correct horse")
    ws.close()
    keyfile = tmp_path / "ws" / "keys.age"
    original = keyfile.read_bytes()
    for position in (0, 30, len(original) // 2, len(original) - 1):
        flipped = bytearray(original)
        flipped[position] ^= 0x01
        keyfile.write_bytes(bytes(flipped))
        with pytest.raises(FieldkitError) as caught:
            Workspace.open(tmp_path / "ws", "correct horse")
        assert "\n" not in str(caught.value)
    keyfile.write_bytes(original)
    Workspace.open(tmp_path / "ws", "correct horse").close()
