"""Store.add_many (batches of pre-verified entries) and entry bytes left on disk after opening."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldkit.core import age, store as store_module
from fieldkit.core.canonical import canonical
from fieldkit.core.feed import Entry, FeedError, ForkError, make_entry, verify_chain
from fieldkit.core.store import Store, StoreDamagedError
from tests.store_support import DEVICE, OTHER, VILLAGE_FEED, feed_entries, snapshot, visit_args

SIZE = 4


@pytest.fixture()
def identity() -> age.X25519Identity:
    return age.X25519Identity.generate()


@pytest.fixture()
def store(tmp_path: Path, identity) -> Store:
    s = Store.create(tmp_path / "store", identity, segment_size=SIZE)
    yield s
    s.close()


@pytest.fixture()
def writes(monkeypatch) -> list[str]:
    """Names of the files the store writes (atomic_write), in order."""
    names: list[str] = []
    real = store_module.atomic_write

    def counting(path, data, **kwargs):
        names.append(Path(path).name)
        return real(path, data, **kwargs)

    monkeypatch.setattr(store_module, "atomic_write", counting)
    return names


# ------------------------------------------------------------------------------------ add_many


def test_a_batch_of_feeds_is_one_manifest_write(store, identity, writes):
    batch = {DEVICE: feed_entries(DEVICE, 9), OTHER: feed_entries(OTHER, 5), VILLAGE_FEED: feed_entries(VILLAGE_FEED, 1)}
    added = store.add_many(batch, trusted=True)
    assert added == batch
    # 9 entries in 3 segments, 5 in 2, 1 in 1: six segment writes, then the manifest once
    assert writes.count("manifest.age") == 1 and writes[-1] == "manifest.age"
    assert sorted(writes[:-1]) == ["000000.age"] * 3 + ["000001.age"] * 2 + ["000002.age"]
    again = Store.open(store.path, identity)
    assert again.feeds() == batch


def test_a_batch_continues_held_feeds_and_skips_what_is_held(store, identity, writes):
    device, other = feed_entries(DEVICE, 10), feed_entries(OTHER, 6)
    store.add_many({DEVICE: device[:3], OTHER: other[:4]})
    writes.clear()
    added = store.add_many({DEVICE: device[1:], OTHER: other}, trusted=True)
    assert added == {DEVICE: device[3:], OTHER: other[4:]}
    # DEVICE: rewrite the open segment 0, then segments 1 and 2; OTHER: segment 1 only
    assert writes == ["000000.age", "000001.age", "000002.age", "000001.age", "manifest.age"]
    before = snapshot(store.path)
    assert store.add_many({DEVICE: device, OTHER: other}) == {DEVICE: [], OTHER: []}
    assert snapshot(store.path) == before  # nothing new: nothing written
    assert Store.open(store.path, identity).feeds() == {DEVICE: device, OTHER: other}


@pytest.mark.parametrize("trusted", [False, True])
def test_every_feed_is_checked_before_anything_is_written(store, identity, trusted):
    device, other = feed_entries(DEVICE, 6), feed_entries(OTHER, 6)
    store.add_many({DEVICE: device[:2], OTHER: other[:2]})
    before = snapshot(store.path)
    # DEVICE would be fine; OTHER skips seq 3
    with pytest.raises(FeedError) as caught:
        store.add_many({DEVICE: device, OTHER: other[3:]}, trusted=trusted)
    assert (caught.value.feed, caught.value.seq, caught.value.reason) == (OTHER, 3, "gap")
    # a fork at a held seq of OTHER
    forked = make_entry(OTHER, 2, other[0].hash, "2026-12-01T09:00:00+08:00", *visit_args(99))
    with pytest.raises(ForkError) as fork:
        store.add_many({DEVICE: device, OTHER: [other[0], forked] + other[2:]}, trusted=trusted)
    assert (fork.value.seq, fork.value.held, fork.value.other) == (2, other[1], forked)
    assert snapshot(store.path) == before
    assert store.feeds() == {DEVICE: device[:2], OTHER: other[:2]}


@pytest.mark.parametrize("trusted", [False, True])
def test_the_chain_is_checked_even_when_trusted(store, trusted):
    entries = feed_entries(DEVICE, 4)
    unlinked = make_entry(DEVICE, 2, entries[0].prev, entries[1].time, *visit_args(50))  # prev: not seq 1's hash
    with pytest.raises(FeedError) as caught:
        store.add_many({DEVICE: [entries[0], unlinked]}, trusted=trusted)
    assert (caught.value.seq, caught.value.reason) == (2, "broken_link")
    with pytest.raises(FeedError) as caught:
        store.add_many({DEVICE: feed_entries(OTHER, 2)}, trusted=trusted)
    assert caught.value.reason == "wrong_feed"
    with pytest.raises(FeedError) as caught:
        store.add_many({DEVICE: [entries[0], entries[2]]}, trusted=trusted)
    assert (caught.value.seq, caught.value.reason) == (2, "gap")
    assert store.feeds() == {}


def test_untrusted_entries_are_parsed_again_from_their_bytes(store, monkeypatch):
    real = feed_entries(DEVICE, 2)
    # an object whose bytes are not canonical (a space added): fields and hash agree with nothing
    spaced = real[0].raw.replace(b'"seq":1', b'"seq": 1')
    forged = Entry(spaced, 1, DEVICE, 1, real[0].prev, real[0].time, "visit", real[0].entity, (), real[0].body,
                   real[0].hash)
    with pytest.raises(FeedError) as caught:
        store.add_many({DEVICE: [forged]})
    assert caught.value.reason == "not_canonical"
    # trusted: no parsing at all (the caller vouches for the entries)
    def no_parsing(*args, **kwargs):
        raise AssertionError("trusted entries were parsed again")

    monkeypatch.setattr(store_module, "parse_entries", no_parsing)
    assert store.add_many({DEVICE: real}, trusted=True) == {DEVICE: real}


def test_progress_after_each_segment(store):
    calls: list[tuple[int, int]] = []
    store.add_many({DEVICE: feed_entries(DEVICE, 6), OTHER: feed_entries(OTHER, 3)}, trusted=True,
                   progress=lambda done, total: calls.append((done, total)))
    assert calls == [(4, 9), (6, 9), (9, 9)]


def test_add_entries_is_a_batch_of_one_feed(store, writes):
    entries = feed_entries(DEVICE, 9)
    assert store.add_entries(DEVICE, entries) == entries
    assert writes == ["000000.age", "000001.age", "000002.age", "manifest.age"]


# ------------------------------------------------------------------- bytes of closed segments


def test_closed_segments_keep_their_bytes_on_disk_until_asked(store, identity):
    entries = feed_entries(DEVICE, 10)  # segments of 4, 4 and 2
    store.add_entries(DEVICE, entries)
    assert all(e.raw_in_memory for e in store.feed(DEVICE))  # written here: held
    again = Store.open(store.path, identity)
    loaded = again.feed(DEVICE)
    assert [e.raw_in_memory for e in loaded] == [False] * 8 + [True] * 2
    assert loaded == entries and [e.raw for e in loaded] == [e.raw for e in entries]
    verify_chain(loaded, DEVICE)
    # appending rewrites only the open segment, whose bytes are held
    store.close()
    for n in range(11, 15):
        again.append(DEVICE, *visit_args(n))
    third = Store.open(store.path, identity)
    assert third.feed(DEVICE)[:10] == entries and len(third.feed(DEVICE)) == 14
    assert [e.raw_in_memory for e in third.feed(DEVICE)] == [False] * 12 + [True] * 2
    again.close()


def test_a_closed_segment_changed_after_opening_is_caught_when_its_bytes_are_read(store, identity):
    store.add_entries(DEVICE, feed_entries(DEVICE, 8))
    store.add_entries(OTHER, feed_entries(OTHER, 8))
    again = Store.open(store.path, identity)
    segment = store.path / "feeds" / store._feed_dir_name(DEVICE) / "000001.age"
    other = store.path / "feeds" / store._feed_dir_name(OTHER) / "000001.age"
    segment.write_bytes(other.read_bytes())  # authentic, but another feed's
    entry = again.feed(DEVICE)[5]
    with pytest.raises(StoreDamagedError) as caught:
        entry.raw
    assert caught.value.key == "store.chain" and caught.value.file.endswith("000001.age")
    assert "\n" not in str(caught.value)
    assert again.feed(DEVICE)[1].raw == store.feed(DEVICE)[1].raw  # segment 0 is untouched


def test_entries_compare_by_their_bytes(store, identity):
    entries = feed_entries(DEVICE, 4)
    store.add_entries(DEVICE, entries)
    loaded = Store.open(store.path, identity).feed(DEVICE)
    assert loaded == entries and len({*loaded, *entries}) == 4
    assert loaded[0] != loaded[1] and loaded[0] != entries[0].raw
    assert canonical({"entry": loaded[0].raw.decode()}) == canonical({"entry": entries[0].raw.decode()})
