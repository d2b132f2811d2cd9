"""Store transactions: several files land together or not at all, across exceptions, full disks and kill -9.

The SIGKILL test runs a child process that stops inside a transaction (after writing segments of two
feeds and a document) and is killed there: a reader opening meanwhile, and everyone opening after the
kill, sees the store from before the transaction, and the next writer carries on from it.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from fieldkit.core import age, store as store_module
from fieldkit.core.errors import FieldkitError
from fieldkit.core.store import (
    PREVIOUS,
    Store,
    recover_interrupted,
    transaction_interrupted,
)
from tests.store_support import DEVICE, OTHER, feed_entries, snapshot, visit_args

ROOT = Path(__file__).resolve().parent.parent
SIZE = 4


@pytest.fixture()
def identity() -> age.X25519Identity:
    return age.X25519Identity.generate()


@pytest.fixture()
def store(tmp_path: Path, identity) -> Store:
    s = Store.create(tmp_path / "store", identity, segment_size=SIZE)
    s.add_many({DEVICE: feed_entries(DEVICE, 6), OTHER: feed_entries(OTHER, 2)})
    s.put_doc("sync", "log", ["first"])
    yield s
    s.close()


def content(store: Store) -> tuple[dict, dict]:
    return store.feeds(), store.all_docs("sync")


def data_snapshot(path: Path) -> dict[str, tuple[str, int]]:
    """The store's files, without the lock and the previous version kept in prev/."""
    return {k: v for k, v in snapshot(path).items() if k != "lock" and not k.startswith(PREVIOUS)}


def test_a_committed_transaction_lands_whole_and_keeps_the_previous_store(store, identity):
    before = content(store)
    more = feed_entries(DEVICE, 11)
    with store.transaction():
        assert transaction_interrupted(store.path)  # the marker is there while it runs
        store.add_many({DEVICE: more}, trusted=True)
        store.put_doc("sync", "log", ["first", "second"])
    assert not transaction_interrupted(store.path)
    again = Store.open(store.path, identity)
    assert content(again) == content(store) == ({DEVICE: more, OTHER: feed_entries(OTHER, 2)}, {"log": ["first", "second"]})
    # prev/ is the store as it was before: a store of its own
    previous = Store.open(store.path / PREVIOUS, identity)
    assert content(previous) == before


@pytest.mark.parametrize("failure", [ValueError, KeyboardInterrupt])
def test_an_exception_inside_puts_files_and_memory_back(store, identity, failure):
    files, before, revision = data_snapshot(store.path), content(store), store.revision
    with pytest.raises(failure):
        with store.transaction():
            store.add_many({DEVICE: feed_entries(DEVICE, 11), "d-1111111111111111": feed_entries("d-1111111111111111", 5)})
            store.put_doc("sync", "log", ["changed"])
            raise failure()
    assert not transaction_interrupted(store.path)
    assert {k: v[0] for k, v in data_snapshot(store.path).items()} == {k: v[0] for k, v in files.items()}
    assert content(store) == before and store.revision > revision
    assert content(Store.open(store.path, identity)) == before
    # and the store goes on from there
    seventh = store.append(DEVICE, *visit_args(7))
    assert seventh.seq == 7 and seventh.prev == before[0][DEVICE][-1].hash
    assert Store.open(store.path, identity).head(DEVICE) == (7, seventh.hash)


def test_nested_transactions_are_part_of_the_outer_one(store, identity):
    before = content(store)
    with pytest.raises(RuntimeError):
        with store.transaction():
            with store.transaction():
                store.append(DEVICE, *visit_args(7))
            assert transaction_interrupted(store.path)  # the inner end commits nothing
            store.append(DEVICE, *visit_args(8))
            raise RuntimeError("late failure")
    assert content(Store.open(store.path, identity)) == before == content(store)


@pytest.mark.parametrize("fail_after", [0, 1, 2, 3, 4])
def test_a_full_disk_inside_leaves_the_old_store(store, identity, monkeypatch, fail_after):
    before = content(store)
    real_write = os.write
    calls = {"n": 0}

    def full_disk(fd, data):
        calls["n"] += 1
        if calls["n"] > fail_after:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(FieldkitError) as caught:
        with store.transaction():  # write 1: the marker
            store.add_many({DEVICE: feed_entries(DEVICE, 14)}, trusted=True)  # 2-4: segments, 5: manifest
            store.put_doc("sync", "log", ["changed"])
    monkeypatch.undo()
    assert caught.value.key == "io.disk_full" and "\n" not in str(caught.value)
    assert not transaction_interrupted(store.path)
    assert content(store) == before == content(Store.open(store.path, identity))


def test_a_reader_sees_the_last_committed_state_while_a_transaction_runs(store, identity):
    before = content(store)
    with store.transaction():
        store.add_many({DEVICE: feed_entries(DEVICE, 13)}, trusted=True)
        store.put_doc("sync", "log", ["during"])
        reader = Store.open(store.path, identity)  # the writer lock is held: it reads prev/
        assert content(reader) == before
        with pytest.raises(FieldkitError) as caught:
            reader.append(DEVICE, *visit_args(7))
        assert caught.value.key == "store.locked"
        with pytest.raises(FieldkitError) as caught:
            recover_interrupted(store.path)  # running, not interrupted
        assert caught.value.key == "store.locked"
    store.close()
    # once it committed, the reader's first write reloads (it read prev/), then continues the feed
    entry = reader.append(DEVICE, *visit_args(14))
    assert entry.seq == 14 and content(Store.open(store.path, identity))[0][DEVICE][-1] == entry
    reader.close()


def test_a_transaction_refuses_to_start_on_a_store_changed_by_another_process(store, identity):
    other = Store.open(store.path, identity)
    store.append(DEVICE, *visit_args(7))
    store.close()
    with pytest.raises(FieldkitError) as caught:
        with other.transaction():
            pytest.fail("planned from a stale store")
    assert caught.value.key == "store.reloaded"
    assert other.head(DEVICE)[0] == 7  # reloaded, so a retry plans from the real store
    with other.transaction():
        other.append(DEVICE, *visit_args(8))
    assert Store.open(store.path, identity).head(DEVICE)[0] == 8
    other.close()


# ---------------------------------------------------------------------------------- kill -9

CHILD = r"""
import os, sys, time
from fieldkit.core import age, store as store_module
from fieldkit.core.store import Store
from tests.store_support import DEVICE, OTHER, feed_entries

store = Store.open(sys.argv[1], age.X25519Identity.from_string(os.environ["STORE_IDENTITY"]))
with store.transaction():
    store.add_many({DEVICE: feed_entries(DEVICE, 15), OTHER: feed_entries(OTHER, 9)}, trusted=True)
    store.put_doc("sync", "log", ["killed"])
    print("inside", flush=True)
    time.sleep(600)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL semantics are POSIX")
def test_kill_9_inside_a_transaction_is_put_back_by_whoever_opens_next(store, identity):
    before = content(store)
    files = {k: v[0] for k, v in data_snapshot(store.path).items()}
    store.close()
    early = Store.open(store.path, identity)  # opened before the crash, writes after it
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STORE_IDENTITY": identity.to_string()}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store.path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=ROOT, env=env)
    try:
        line = child.stdout.readline()
        assert line == b"inside\n", child.stderr.read().decode(errors="replace")
        assert data_snapshot(store.path) != files  # the child really wrote
        assert content(Store.open(store.path, identity)) == before  # running: prev/ is read
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert transaction_interrupted(store.path)

    reopened = Store.open(store.path, identity)  # puts it back
    assert not transaction_interrupted(store.path)
    assert content(reopened) == before
    assert {k: v[0] for k, v in data_snapshot(store.path).items()} == files
    # the store object opened before the crash writes on top of the old state, not the killed one
    entry = early.append(OTHER, *visit_args(3))
    assert entry.seq == 3 and content(Store.open(store.path, identity))[0][OTHER][-1] == entry
    early.close()


def _crash_inside(store: Store, monkeypatch) -> None:
    """Leave ``store`` as a process dying inside a transaction would (then close it)."""
    monkeypatch.setattr(Store, "_roll_back", lambda self, mark: None)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_many({DEVICE: feed_entries(DEVICE, 9)}, trusted=True)
            store.put_doc("sync", "log", ["crashed"])
            raise RuntimeError("the process dies here")
    monkeypatch.undo()
    store.close()



def test_recover_interrupted_puts_back_without_the_key(store, identity, monkeypatch):
    before = content(store)
    store_files = dict(data_snapshot(store.path))
    _crash_inside(store, monkeypatch)  # marker set, files changed, nobody holding the lock
    assert transaction_interrupted(store.path)
    assert recover_interrupted(store.path) is True
    assert recover_interrupted(store.path) is False  # idempotent, nothing left to do
    assert {k: v[0] for k, v in data_snapshot(store.path).items()} == {k: v[0] for k, v in store_files.items()}
    assert content(Store.open(store.path, identity)) == before


def test_a_store_that_cannot_be_put_back_here_is_read_as_it_was(store, identity, monkeypatch):
    """A read-only copy (a disc, a write-protected stick): opening reads prev/, changing nothing."""
    before = content(store)
    _crash_inside(store, monkeypatch)
    files = data_snapshot(store.path)

    def read_only(path):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(store_module, "_restore_previous", read_only)
    assert content(Store.open(store.path, identity)) == before
    assert transaction_interrupted(store.path) and data_snapshot(store.path) == files


def test_an_interrupted_transaction_without_its_previous_version_is_damage(store, identity, monkeypatch):
    _crash_inside(store, monkeypatch)
    shutil.rmtree(store.path / PREVIOUS)
    with pytest.raises(FieldkitError) as caught:
        Store.open(store.path, identity)
    assert caught.value.key == "store.missing_file" and f"{PREVIOUS}/manifest.age" in caught.value.params["file"]
    assert transaction_interrupted(store.path)  # nothing was guessed
