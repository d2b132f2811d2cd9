"""Bundles: written atomically with an office-readable name; every damaged or untrusted one refused
with a one-line reason, the master unchanged, the good bundles of the same run merged all the same."""

from __future__ import annotations

import errno
import os
import re
import shutil

import pytest

from fieldkit.core.errors import FieldkitError
from fieldkit.core.workspace import Workspace
from sync import quarantine
from sync.bundle import read_bundle, verify_bundle, write_bundle
from sync.merge import merge_files, trust_for
from sync.verify import Rejected
from tests.sync_support import (
    PASS,
    copy_workspace,
    digest_of,
    export,
    make_device,
    make_township,
    record_visits,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A township T with laptops A, B, R (to be revoked), a laptop U of another office that uses the
    same township code, a laptop X of another township, and A2: A restored from a backup."""
    root = tmp_path_factory.mktemp("world")
    T = make_township(root / "T")
    A = make_device(root / "A", T, "甲")
    B = make_device(root / "B", T, "乙")
    R = make_device(root / "R", T, "丙")
    record_visits(A, 3)
    A.close()
    copy_workspace(root / "A", root / "A2")  # the backup
    A = Workspace.open(root / "A", PASS)
    record_visits(A, 2, offset=3)
    record_visits(B, 3, offset=10)
    record_visits(R, 2, offset=20)
    bundles = {"A": export(A, root / "usb" / "A"), "B": export(B, root / "usb" / "B"), "R": export(R, root / "usb" / "R")}
    A2 = Workspace.open(root / "A2", PASS)
    record_visits(A2, 2, offset=40)  # records differently after the restore: seqs 4, 5 fork
    bundles["fork"] = export(A2, root / "usb" / "fork")

    other_office = make_township(root / "T_same_code")  # same code, other keys: its devices are unknown to T
    U = make_device(root / "U", other_office, "丁")
    record_visits(U, 2)
    bundles["U"] = export(U, root / "usb" / "U")
    T2 = make_township(root / "T2", code="110101002", name="东城镇")
    X = make_device(root / "X", T2, "戊")
    record_visits(X, 2)
    bundles["X"] = export(X, root / "usb" / "X")
    ids = {"A": A.info["device"], "B": B.info["device"], "R": R.info["device"]}
    for ws in (T, A, B, R, A2, other_office, U, T2, X):
        ws.close()
    return {"root": root, "bundles": bundles, "ids": ids}


@pytest.fixture
def master(world, tmp_path):
    """A fresh copy of T, open."""
    path = copy_workspace(world["root"] / "T", tmp_path / "T")
    ws = Workspace.open(path, PASS)
    yield ws
    ws.close()


def fresh(ws: Workspace) -> Workspace:
    """Reopen from disk: what is really written."""
    path = ws.path
    ws.close()
    return Workspace.open(path, PASS)


def digest_with(world, tmp_path, names) -> str:
    """The digest of T after merging just the named bundles (the expected outcome)."""
    path = copy_workspace(world["root"] / "T", tmp_path / f"expected-{'-'.join(names)}")
    ws = Workspace.open(path, PASS)
    try:
        report = merge_files(ws, [world["bundles"][n] for n in names])
        assert report.rejected == 0
        return digest_of(fresh(ws))
    finally:
        ws.close()


# ------------------------------------------------------------------------------------ writing


def test_name_tells_the_office_whose_it_is_without_names(world):
    path = world["bundles"]["A"]
    assert re.fullmatch(r"fk-110101001-110101001001-d-[0-9a-f]{16}-\d{8}-\d{4}\.fkb", path.name)
    assert world["ids"]["A"] in path.name
    assert path.name.isascii()


def test_export_is_atomic_a_failed_write_leaves_no_bundle(world, tmp_path, monkeypatch):
    ws = Workspace.open(world["root"] / "B", PASS)
    try:
        calls = {"n": 0}
        real_write = os.write

        def dying_write(fd, data):
            calls["n"] += 1
            if calls["n"] == 1:  # the stick is pulled out after part of the file
                real_write(fd, bytes(data)[: len(data) // 2])
                raise OSError(errno.EIO, "I/O error")
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", dying_write)
        with pytest.raises(FieldkitError):
            write_bundle(ws, tmp_path)
        monkeypatch.undo()
        assert list(tmp_path.iterdir()) == []  # neither a .fkb nor a temp file
        good = write_bundle(ws, tmp_path)
        assert [p.name for p in tmp_path.iterdir()] == [good.name]
        second = write_bundle(ws, tmp_path)  # same minute: never overwrites
        assert second != good and second.exists() and good.exists()
    finally:
        ws.close()


def test_round_trip_verifies_and_carries_the_whole_feed(world, master):
    verified = read_bundle(world["bundles"]["A"], trust_for(master))
    feed = verified.incoming.feeds[0]
    assert verified.header["device"] == world["ids"]["A"] == feed.feed
    assert [e.seq for e in feed.entries] == [1, 2, 3, 4, 5]
    assert feed.checkpoint.seq == 5 and feed.checkpoint.head == feed.entries[-1].hash


# ------------------------------------------------------------------------------------ refusals


def _flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def _positions(data: bytes) -> list[int]:
    magic_end = data.index(b"\n")
    header_end = data.index(b"\n", magic_end + 1)
    body = header_end + 1
    age_header_end = data.index(b"\n---", body)
    return sorted({
        0, 3, magic_end - 1, magic_end,  # magic
        magic_end + 1, magic_end + 30, (magic_end + header_end) // 2, header_end - 40, header_end - 1, header_end,
        body, body + 25, (body + age_header_end) // 2, age_header_end + 5,  # age header, its MAC
        age_header_end + 60, (age_header_end + len(data)) // 2, len(data) - 20, len(data) - 1,  # payload
    })


def test_one_flipped_byte_anywhere_is_refused_before_anything_is_written(world, master):
    data = world["bundles"]["A"].read_bytes()
    trust = trust_for(master)
    positions = _positions(data)
    assert len(positions) >= 15
    for position in positions:
        with pytest.raises(Rejected) as caught:
            verify_bundle(_flip(data, position), "x.fkb", trust)
        message = str(caught.value)
        assert "\n" not in message and message


@pytest.mark.parametrize("region", ["magic", "header", "age_header", "payload"])
def test_flipped_bundle_quarantined_others_merged_digest_as_without_it(world, master, tmp_path, region):
    data = world["bundles"]["A"].read_bytes()
    magic_end = data.index(b"\n")
    header_end = data.index(b"\n", magic_end + 1)
    position = {"magic": 2, "header": (magic_end + header_end) // 2, "age_header": header_end + 30,
                "payload": len(data) - 100}[region]
    bad = tmp_path / "in" / world["bundles"]["A"].name
    bad.parent.mkdir()
    bad.write_bytes(_flip(data, position))
    expected = digest_with(world, tmp_path, ["B"])
    report = merge_files(master, [bad, world["bundles"]["B"]])
    assert [f.accepted for f in report.files] == [False, True]
    assert report.files[1].new == 3
    assert report.digest_after == expected == digest_of(fresh(master))
    kept = list((master.path / "quarantine").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == bad.read_bytes()


def test_truncated_and_empty_bundles(world, master, tmp_path):
    data = world["bundles"]["A"].read_bytes()
    folder = tmp_path / "in"
    folder.mkdir()
    cuts = [0, 10, data.index(b"\n") + 1, data.index(b"\n", 30) + 1, len(data) // 2, len(data) - 1]
    files = []
    for n, cut in enumerate(cuts):
        path = folder / f"cut{n}.fkb"
        path.write_bytes(data[:cut])
        files.append(path)
    before = digest_of(master)
    report = merge_files(master, files)
    assert report.rejected == len(cuts)
    assert report.files[0].error.key == "sync.empty_file"
    assert all(isinstance(f.error, Rejected) for f in report.files)
    master = fresh(master)
    assert report.digest_after == before == digest_of(master)
    records = quarantine.records(master.store)
    assert sorted(r["original"] for r in records) == sorted(p.name for p in files)
    assert len(list((master.path / "quarantine").iterdir())) == len(cuts)
    master.close()


@pytest.mark.parametrize(
    "name,reason",
    [("U", "sync.unknown_device"), ("X", "sync.wrong_township")],
)
def test_untrusted_sender_refused_with_its_reason(world, master, tmp_path, name, reason):
    expected = digest_with(world, tmp_path, ["B"])
    report = merge_files(master, [world["bundles"][name], world["bundles"]["B"]])
    bad, good = report.files
    assert bad.error.key == reason and not good.error
    assert report.digest_after == expected
    master = fresh(master)
    assert digest_of(master) == expected
    (record,) = quarantine.records(master.store)
    assert record["reason"] == reason and record["original"] == bad.label
    master.close()


def test_revoked_device_refused(world, master, tmp_path, monkeypatch):
    quarantine.revoke_device(master, world["ids"]["R"], "笔记本丢失")
    before = digest_of(master)
    report = merge_files(master, [world["bundles"]["R"], world["bundles"]["B"]])
    assert report.files[0].error.key == "sync.revoked_device"
    assert report.files[1].accepted and report.files[1].new == 3
    assert report.new == 3 and report.digest_before == before


def test_fork_keeps_both_quarantines_the_device_and_refuses_its_later_bundles(world, master, tmp_path):
    first = merge_files(master, [world["bundles"]["A"]])
    assert first.new == 5
    held_digest = digest_of(master)
    report = merge_files(master, [world["bundles"]["fork"], world["bundles"]["B"]])
    fork, good = report.files
    assert fork.error.key == "sync.fork" and fork.error.params["seq"] == 4
    assert good.accepted and good.new == 3
    (the_fork,) = report.forks
    master = fresh(master)
    # the master keeps its branch; the other is evidence in quarantine (file + record with both hashes)
    assert master.store.feed(world["ids"]["A"])[3].hash == the_fork.held_hash
    (record,) = [r for r in quarantine.records(master.store) if r["reason"] == "sync.fork"]
    assert record["fork"]["held"] == the_fork.held_hash and record["fork"]["incoming"] == the_fork.incoming_hash
    assert (master.path / "quarantine" / record["file"]).read_bytes() == world["bundles"]["fork"].read_bytes()
    assert world["ids"]["A"] in quarantine.quarantined_feeds(master.store)
    # later bundles of the device are refused until the township decides (even the honest one)
    before = digest_of(master)
    again = merge_files(master, [world["bundles"]["A"]])
    assert again.files[0].error.key == "sync.quarantined"
    assert digest_of(master) == before != held_digest
    master.close()


def test_same_bundle_twice_changes_nothing_and_skips_decryption(world, master, monkeypatch):
    merge_files(master, [world["bundles"]["A"], world["bundles"]["B"]])
    digest = digest_of(master)
    snapshot = sorted(p.stat().st_mtime_ns for p in (master.path / "store").rglob("*.age"))
    import sync.verify as verify_module

    def no_decrypt(*args, **kwargs):
        raise AssertionError("already held bundles must not be decrypted")

    monkeypatch.setattr(verify_module, "decrypt_json", no_decrypt)
    report = merge_files(master, [world["bundles"]["B"], world["bundles"]["A"]])
    assert [(f.new, f.already) for f in report.files] == [(0, 3), (0, 5)]
    assert report.digest_after == digest == digest_of(fresh(master))
    assert sorted(p.stat().st_mtime_ns for p in (master.path / "store").rglob("*.age")) == snapshot


def test_folder_argument_and_missing_files(world, master, tmp_path):
    folder = tmp_path / "stick"
    folder.mkdir()
    shutil.copy(world["bundles"]["A"], folder)
    shutil.copy(world["bundles"]["B"], folder)
    (folder / "notes.txt").write_text("x")
    report = merge_files(master, [folder])
    assert sorted(f.new for f in report.files) == [3, 5]
    with pytest.raises(FieldkitError) as caught:
        merge_files(master, [tmp_path / "nothing-here"])
    assert caught.value.key == "io.not_found"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FieldkitError) as caught:
        merge_files(master, [empty])
    assert caught.value.key == "sync.no_files"
