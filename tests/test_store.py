"""The encrypted store: segments, manifest, documents, rollback/gap detection, the writer lock."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldkit.core import age
from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import ZERO, FeedError, ForkError, make_entry, verify_chain
from fieldkit.core.store import Store, StoreDamagedError
from tests.store_support import DEVICE, OTHER, VILLAGE_FEED, data_files, feed_entries, visit_args


@pytest.fixture()
def identity() -> age.X25519Identity:
    return age.X25519Identity.generate()


@pytest.fixture()
def store(tmp_path: Path, identity) -> Store:
    s = Store.create(tmp_path / "store", identity, segment_size=4)
    yield s
    s.close()


def reopen(store: Store, identity) -> Store:
    return Store.open(store.path, identity)


def segment_files(store: Store, feed_id: str) -> list[Path]:
    return sorted((store.path / "feeds" / store._feed_dir_name(feed_id)).glob("*.age"))


def damaged(store: Store, identity) -> StoreDamagedError:
    with pytest.raises(StoreDamagedError) as caught:
        reopen(store, identity)
    message = str(caught.value)
    assert "\n" not in message and caught.value.file in message
    return caught.value


# -------------------------------------------------------------------------------------- basics


def test_append_is_on_disk_encrypted_when_it_returns(store, identity):
    entries = [store.append(DEVICE, *visit_args(n)) for n in range(1, 11)]
    assert [e.seq for e in entries] == list(range(1, 11))
    # a second, independent reader sees every entry without the writer closing
    other = reopen(store, identity)
    assert other.feed(DEVICE) == entries
    verify_chain(other.feed(DEVICE), DEVICE)
    assert other.head(DEVICE) == (10, entries[-1].hash)
    assert other.head("d-0000000000000000") == (0, ZERO)
    # 10 entries at 4 per segment: three segments, each an age file
    files = segment_files(store, DEVICE)
    assert [f.name for f in files] == ["000000.age", "000001.age", "000002.age"]
    for f in files:
        assert f.read_bytes().startswith(b"age-encryption.org/v1\n")
        plaintext = age.decrypt(f.read_bytes(), [identity])
        assert len(plaintext.splitlines()) == (2 if f.name == "000002.age" else 4)


def test_closed_segments_are_never_rewritten(store):
    for n in range(1, 5):
        store.append(DEVICE, *visit_args(n))
    closed = segment_files(store, DEVICE)[0]
    before = (closed.read_bytes(), closed.stat().st_ino, closed.stat().st_mtime_ns)
    for n in range(5, 12):
        store.append(DEVICE, *visit_args(n))
    assert (closed.read_bytes(), closed.stat().st_ino, closed.stat().st_mtime_ns) == before


def test_several_feeds_and_entries_order(store, identity):
    store.append(OTHER, *visit_args(1))
    store.append(DEVICE, *visit_args(2))
    store.append(VILLAGE_FEED, "village.set", "vil:110101001001", [], {"code": "110101001001", "name": "红星村"})
    store.append(DEVICE, *visit_args(3))
    again = reopen(store, identity)
    assert set(again.feeds()) == {DEVICE, OTHER, VILLAGE_FEED}
    assert [(e.feed, e.seq) for e in again.entries()] == [
        (DEVICE, 1), (DEVICE, 2), (OTHER, 1), (VILLAGE_FEED, 1)
    ]
    assert again.entries() == store.entries()


def test_file_names_reveal_nothing(store):
    store.append(VILLAGE_FEED, *visit_args(1))
    store.append(DEVICE, *visit_args(2))
    store.put_doc("receipts", "kit-110101001", {"through": 5})
    names = " ".join(str(p.relative_to(store.path)) for p in store.path.rglob("*"))
    for secret in (DEVICE, "0123456789abcdef", "110101001", "receipts", "kit"):
        assert secret not in names


def test_create_refuses_an_existing_store(store, identity):
    with pytest.raises(FieldkitError) as caught:
        Store.create(store.path, identity)
    assert caught.value.key == "store.exists"


def test_open_a_missing_store(tmp_path, identity):
    with pytest.raises(FieldkitError) as caught:
        Store.open(tmp_path / "nothing", identity)
    assert caught.value.key == "store.not_found"


def test_another_workspace_key_cannot_open_it(store):
    store.append(DEVICE, *visit_args(1))
    err = damaged(store, age.X25519Identity.generate())
    assert err.key == "store.undecryptable"


def test_repr_holds_no_key(store, identity):
    assert identity.to_string() not in repr(store) and "AGE-SECRET" not in repr(store)


# ---------------------------------------------------------------------------------- add_entries


def test_add_entries_extends_exactly_and_is_idempotent(store, identity):
    entries = feed_entries(OTHER, 9)
    assert store.add_entries(OTHER, entries[:3]) == entries[:3]
    assert store.add_entries(OTHER, entries) == entries[3:]  # overlap is fine when identical
    assert store.add_entries(OTHER, entries) == []
    assert reopen(store, identity).feed(OTHER) == entries
    assert len(segment_files(store, OTHER)) == 3


def test_add_entries_refuses_a_gap_and_writes_nothing(store, identity):
    entries = feed_entries(OTHER, 6)
    store.add_entries(OTHER, entries[:2])
    with pytest.raises(FeedError) as caught:
        store.add_entries(OTHER, entries[3:])
    assert (caught.value.seq, caught.value.reason) == (3, "gap")
    assert reopen(store, identity).feed(OTHER) == entries[:2]


def test_a_different_entry_at_a_held_seq_is_a_fork(store, identity):
    held = feed_entries(DEVICE, 4)
    store.add_entries(DEVICE, held)
    # the same feed id with a different third entry (say, a laptop restored from a backup)
    forked = make_entry(DEVICE, 3, held[1].hash, "2026-12-01T09:00:00+08:00", *visit_args(99))
    with pytest.raises(ForkError) as caught:
        store.add_entries(DEVICE, held[:2] + [forked])
    assert (caught.value.seq, caught.value.held, caught.value.other) == (3, held[2], forked)
    assert isinstance(caught.value, FieldkitError) and "3" in str(caught.value)
    assert reopen(store, identity).feed(DEVICE) == held


def test_add_entries_refuses_entries_of_another_feed(store):
    with pytest.raises(FeedError) as caught:
        store.add_entries(DEVICE, feed_entries(OTHER, 2))
    assert caught.value.reason == "wrong_feed"


# ------------------------------------------------------------------------------------ documents


def test_documents_are_durable_and_private_copies(store, identity):
    store.put_doc("settings", "lang", "zh")
    store.put_doc("receipts", "t-110101001", {"through": 12, "head": "ab" * 32, "kits": ["k1"]})
    store.put_doc("settings", "lang", "en")
    got = store.get_doc("receipts", "t-110101001")
    got["kits"].append("mutated")
    assert store.get_doc("receipts", "t-110101001")["kits"] == ["k1"]
    again = reopen(store, identity)
    assert again.get_doc("settings", "lang") == "en"
    assert again.all_docs("settings") == {"lang": "en"}
    assert again.get_doc("settings", "missing", "default") == "default"


def test_deleting_and_re_adding_documents(store, identity):
    for n in range(3):
        store.put_doc("kits", f"kit-{n}", n)
    store.delete_doc("kits", "kit-2")
    store.put_doc("kits", "kit-3", 3)  # tinydb would reuse doc id 3 here; keys are what count
    store.delete_doc("kits", "kit-0")
    assert reopen(store, identity).all_docs("kits") == {"kit-1": 1, "kit-3": 3}


def test_tinydb_instance_is_usable_and_durable(store, identity):
    store.docs.table("quarantine").insert({"device": OTHER, "seq": 3})
    assert reopen(store, identity).docs.table("quarantine").all() == [{"device": OTHER, "seq": 3}]


def test_put_doc_refuses_what_cannot_be_stored(store):
    with pytest.raises(TypeError):
        store.put_doc("settings", "bad", {1, 2})
    assert store.get_doc("settings", "bad") is None


# ----------------------------------------------------------------- gaps, rollbacks and crashes


def test_deleted_last_segment_is_detected(store, identity):
    for n in range(1, 10):
        store.append(DEVICE, *visit_args(n))
    segment_files(store, DEVICE)[-1].unlink()
    err = damaged(store, identity)
    assert err.key == "store.rolled_back" and err.params["found"] == 8 and err.params["expected"] == 9


def test_deleted_middle_segment_is_a_missing_file(store, identity):
    for n in range(1, 10):
        store.append(DEVICE, *visit_args(n))
    segment_files(store, DEVICE)[1].unlink()
    err = damaged(store, identity)
    assert err.key == "store.missing_file" and err.file.endswith("000001.age")


def test_deleted_feed_folder_is_detected(store, identity):
    store.append(DEVICE, *visit_args(1))
    store.append(OTHER, *visit_args(1))
    shutil.rmtree(segment_files(store, OTHER)[0].parent)
    assert damaged(store, identity).key == "store.rolled_back"


def test_older_copy_of_the_open_segment_is_detected(store, identity):
    for n in range(1, 6):
        store.append(DEVICE, *visit_args(n))
    open_segment = segment_files(store, DEVICE)[-1]
    old = open_segment.read_bytes()
    store.append(DEVICE, *visit_args(6))
    store.append(DEVICE, *visit_args(7))
    open_segment.write_bytes(old)
    err = damaged(store, identity)
    assert err.key == "store.rolled_back" and err.file.endswith("000001.age")


def test_older_copy_of_a_closed_segment_is_detected(store, identity):
    for n in range(1, 3):
        store.append(DEVICE, *visit_args(n))
    first = segment_files(store, DEVICE)[0]
    old = first.read_bytes()
    for n in range(3, 7):
        store.append(DEVICE, *visit_args(n))
    first.write_bytes(old)
    assert damaged(store, identity).key == "store.rolled_back"


def test_swapped_segments_are_detected(store, identity):
    for n in range(1, 13):
        store.append(DEVICE, *visit_args(n))
    for n in range(1, 6):
        store.append(OTHER, *visit_args(n))
    a, b = segment_files(store, DEVICE)[:2]
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    assert damaged(store, identity).key == "store.chain"
    a.write_bytes(data_a)
    b.write_bytes(data_b)
    # a segment moved into another feed's folder
    mine, theirs = segment_files(store, DEVICE)[0], segment_files(store, OTHER)[0]
    saved = mine.read_bytes()
    mine.write_bytes(theirs.read_bytes())
    assert damaged(store, identity).key == "store.misplaced"
    mine.write_bytes(saved)
    assert reopen(store, identity).feed(DEVICE) == store.feed(DEVICE)


def test_crash_between_segment_and_manifest_opens_cleanly(store, identity):
    """The manifest may lag the segments (written after them); that must never be an alarm."""
    for n in range(1, 4):
        store.append(DEVICE, *visit_args(n))
    manifest = store.path / "manifest.age"
    lagging = manifest.read_bytes()
    fourth = store.append(DEVICE, *visit_args(4))  # closes segment 0
    fifth = store.append(DEVICE, *visit_args(5))  # opens segment 1
    manifest.write_bytes(lagging)  # as if both manifest writes were lost
    again = reopen(store, identity)
    assert again.feed(DEVICE)[-2:] == [fourth, fifth]
    store.close()
    sixth = again.append(DEVICE, *visit_args(6))
    assert sixth.seq == 6 and sixth.prev == fifth.hash
    assert reopen(again, identity).head(DEVICE) == (6, sixth.hash)
    again.close()


def test_crash_between_docs_and_manifest_opens_cleanly(store, identity):
    store.put_doc("settings", "a", 1)
    lagging = (store.path / "manifest.age").read_bytes()
    store.put_doc("settings", "b", 2)
    (store.path / "manifest.age").write_bytes(lagging)
    assert reopen(store, identity).all_docs("settings") == {"a": 1, "b": 2}


def test_older_docs_file_is_detected(store, identity):
    store.put_doc("settings", "a", 1)
    old = (store.path / "docs.age").read_bytes()
    store.put_doc("settings", "a", 2)
    (store.path / "docs.age").write_bytes(old)
    err = damaged(store, identity)
    assert err.key == "store.docs_rolled_back" and err.file.endswith("docs.age")


def test_missing_manifest_or_docs(store, identity):
    store.append(DEVICE, *visit_args(1))
    for name in ("manifest.age", "docs.age"):
        saved = (store.path / name).read_bytes()
        (store.path / name).unlink()
        err = damaged(store, identity)
        assert err.key == "store.missing_file" and err.file.endswith(name)
        (store.path / name).write_bytes(saved)


def test_leftover_temp_files_are_ignored_then_cleaned(store, identity):
    store.append(DEVICE, *visit_args(1))
    folder = segment_files(store, DEVICE)[0].parent
    junk = folder / ".000000.age.deadbeef.tmp"
    junk.write_bytes(b"half a write")
    again = reopen(store, identity)
    assert again.feed(DEVICE) == store.feed(DEVICE)
    store.close()
    again.append(DEVICE, *visit_args(2))
    assert not junk.exists()
    again.close()


def test_empty_feed_folder_left_by_a_crash_is_ignored(store, identity):
    store.append(DEVICE, *visit_args(1))
    (store.path / "feeds" / ("0" * 24)).mkdir()
    assert reopen(store, identity).feeds().keys() == {DEVICE}


# ---------------------------------------------------------------------------------- locking


def test_one_writer_at_a_time_and_the_next_sees_its_entries(store, identity):
    store.append(DEVICE, *visit_args(1))
    second = reopen(store, identity)  # opened while the first still writes: reading is fine
    store.append(DEVICE, *visit_args(2))
    with pytest.raises(FieldkitError) as caught:
        second.append(DEVICE, *visit_args(3))
    assert caught.value.key == "store.locked"
    store.close()
    # the second store reloads what the first wrote before writing, instead of overwriting seq 2
    third = second.append(DEVICE, *visit_args(3))
    assert third.seq == 3 and third.prev == store.feed(DEVICE)[1].hash
    assert [e.seq for e in reopen(store, identity).feed(DEVICE)] == [1, 2, 3]
    second.close()


def test_closed_store_refuses_writes_but_reads(store):
    store.append(DEVICE, *visit_args(1))
    store.close()
    with pytest.raises(FieldkitError) as caught:
        store.append(DEVICE, *visit_args(2))
    assert caught.value.key == "store.closed"
    with pytest.raises(FieldkitError):
        store.put_doc("settings", "a", 1)
    assert len(store.entries()) == 1


def test_every_data_file_is_an_age_file(store):
    store.append(DEVICE, *visit_args(1))
    store.put_doc("settings", "lang", "zh")
    files = data_files(store.path)
    assert len(files) == 3
    assert all(f.read_bytes().startswith(b"age-encryption.org/v1\n") for f in files)


def test_a_dropped_store_releases_its_lock_at_once(tmp_path, identity):
    import gc

    first = Store.create(tmp_path / "s", identity)
    first.append(DEVICE, *visit_args(1))
    second = Store.open(tmp_path / "s", identity)
    gc.disable()  # no cycle collection needed: dropping the last reference is enough
    try:
        del first
        assert second.append(DEVICE, *visit_args(2)).seq == 2
    finally:
        gc.enable()
        second.close()


@pytest.mark.parametrize("damage", [
    lambda lines: lines[:1] + [lines[1][:-1]] + lines[2:],  # a cut line
    lambda lines: lines[:1] + [b'{"v":1}'] + lines[2:],  # not an entry
    lambda lines: lines[:1] + [lines[1].replace(b'"v":1', b'"v":2')] + lines[2:],  # a future version
    lambda lines: lines[:1] + lines[2:],  # a line dropped
    lambda lines: lines + [b""],  # an empty line
])
def test_well_encrypted_but_wrong_segment_content_is_caught(store, identity, damage):
    """Even a segment encrypted with the right key (a bug, an old version) is checked line by line."""
    for n in range(1, 4):
        store.append(DEVICE, *visit_args(n))
    segment = segment_files(store, DEVICE)[0]
    lines = age.decrypt(segment.read_bytes(), [identity])[:-1].split(b"\n")
    plaintext = b"\n".join(damage(lines)) + b"\n"
    segment.write_bytes(age.encrypt(plaintext, [identity.recipient()]))
    err = damaged(store, identity)
    assert err.file.endswith("000000.age") and err.key in {"store.chain", "store.rolled_back"}
