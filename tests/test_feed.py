"""The feed: canonical entries, hash chains, and verify_chain naming the first bad seq and why."""

from __future__ import annotations

import hashlib
import json

import pytest

from fieldkit.core.canonical import canonical
from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import (
    ZERO,
    Entry,
    Feed,
    FeedError,
    chain_entry,
    make_entry,
    new_device_feed_id,
    parse_entries,
    parse_entry,
    verify_chain,
)

FEED = "d-0123456789abcdef"
TIME = "2026-11-29T18:04:15+08:00"


def visit_body(n: int) -> dict:
    return {
        "household": f"110101001001-{n:06d}",
        "village": "110101001001",
        "cadre": FEED,
        "form": {"id": "household_visit", "version": 1},
        "answers": {"note": "已发放宣传折页"},
        "members": {f"110101001001-{n:06d}-01": {"briefed": True, "channel": "in_person",
                                                   "app_installed": n % 2 == 0, "call_warning": True,
                                                   "joined_group": False}},
    }


def chain(length: int = 6, feed_id: str = FEED) -> list[Entry]:
    feed = Feed(feed_id)
    for n in range(1, length + 1):
        feed.append("visit", f"visit:{n:032x}", [], visit_body(n), TIME)
    return feed.entries


def obj_of(entry: Entry) -> dict:
    return json.loads(entry.raw)


# ---------------------------------------------------------------------------------------- entries


def test_make_entry_produces_canonical_bytes_once_and_hashes_them():
    entry = make_entry(FEED, 1, ZERO, TIME, "visit", "visit:" + "a" * 32, [], visit_body(1))
    assert entry.raw == canonical(obj_of(entry))
    assert entry.hash == hashlib.sha256(entry.raw).hexdigest()
    assert (entry.v, entry.feed, entry.seq, entry.prev, entry.time) == (1, FEED, 1, ZERO, TIME)
    assert entry.base == () and entry.body == visit_body(1)
    assert list(obj_of(entry)) == sorted(obj_of(entry))  # sorted keys
    assert b": " not in entry.raw and b", " not in entry.raw  # compact
    assert "已发放".encode() in entry.raw  # UTF-8, not \\u escapes


def test_make_entry_body_is_a_private_copy():
    body = visit_body(1)
    entry = make_entry(FEED, 1, ZERO, TIME, "visit", "visit:" + "a" * 32, [], body)
    body["household"] = "changed"
    assert entry.body["household"] == "110101001001-000001"
    assert parse_entry(entry.raw) == entry


@pytest.mark.parametrize(
    "field, value",
    [
        ("time", "2026-11-29T18:04:15"),  # no UTC offset
        ("time", "yesterday"),
        ("prev", "0" * 63),
        ("feed", "D-BAD/../x"),
        ("seq", 0),
        ("body", {"ratio": 0.5}),  # floats are not allowed in entries
        ("base", ["not-a-hash"]),
    ],
)
def test_make_entry_refuses_bad_fields(field, value):
    args = dict(feed=FEED, seq=1, prev=ZERO, time=TIME, type="visit", entity="visit:1", base=[], body={})
    args[field] = value
    with pytest.raises(ValueError):
        make_entry(**args)



@pytest.mark.parametrize(
    "field, value",
    [("time", "2026-11-29T18:04:15"), ("prev", "0" * 63), ("feed", "D-BAD/../x"), ("body", {"ratio": 0.5}),
     ("body", {"members": [{"n": float("nan")}]}), ("base", ["not-a-hash"])],
)
def test_chain_entry_refuses_what_make_entry_refuses(field, value):
    args = dict(feed=FEED, seq=1, prev=ZERO, time=TIME, type="visit", entity="visit:1", base=[], body={})
    args[field] = value
    with pytest.raises(ValueError):
        chain_entry(**args)


def test_chain_entry_is_make_entry_without_the_round_trip():
    body = visit_body(3)
    fast = chain_entry(FEED, 1, ZERO, TIME, "visit", "visit:" + "a" * 32, [], body)
    slow = make_entry(FEED, 1, ZERO, TIME, "visit", "visit:" + "a" * 32, [], body)
    assert fast.raw == slow.raw and fast.hash == slow.hash and fast == slow
    assert fast.body is body  # not copied: the caller hands it over
    assert parse_entry(fast.raw).body == fast.body
    # something JSON would change on the way (a tuple, an int key) takes make_entry's path
    for odd_body, parsed in (({"list": (1, 2)}, {"list": [1, 2]}), ({3: "x"}, {"3": "x"})):
        odd = chain_entry(FEED, 1, ZERO, TIME, "visit", "visit:" + "a" * 32, [], odd_body)
        assert odd.body == parsed == parse_entry(odd.raw).body


def test_parsed_entries_keep_one_copy_of_repeated_strings():
    raws = [e.raw for e in chain(4)]
    for known in (False, True):
        entries = parse_entries(raws, feed=FEED, known_canonical=known)
        assert all(a.hash is b.prev for a, b in zip(entries, entries[1:]))
        assert all(e.feed is FEED for e in entries)
        assert all(e.time is entries[0].time and e.type is entries[0].type for e in entries)
        assert entries == chain(4)

def test_parse_entry_round_trips():
    for entry in chain(3):
        again = parse_entry(entry.raw)
        assert again == entry and again.hash == entry.hash and again.body == entry.body


def _mutated(entry: Entry, **changes) -> bytes:
    obj = obj_of(entry)
    obj.update(changes)
    return canonical(obj)


@pytest.mark.parametrize(
    "make_raw, reason",
    [
        (lambda e: e.raw.replace(b'"seq":', b'"seq": '), "not_canonical"),
        (lambda e: json.dumps(obj_of(e), ensure_ascii=True, sort_keys=True, separators=(",", ":")).encode(), "not_canonical"),
        (lambda e: json.dumps(dict(reversed(obj_of(e).items())), ensure_ascii=False, separators=(",", ":")).encode(),
         "not_canonical"),
        (lambda e: e.raw + b"\n", "not_canonical"),
        (lambda e: _mutated(e, v=2), "bad_version"),
        (lambda e: _mutated(e, extra=1), "malformed"),
        (lambda e: _mutated(e, seq=True), "malformed"),
        (lambda e: _mutated(e, prev="A" * 64), "malformed"),
        (lambda e: _mutated(e, time="2026-11-29 18:04"), "malformed"),
        (lambda e: _mutated(e, body=[1]), "malformed"),
        (lambda e: e.raw.replace(b'"version":1', b'"version":1.0'), "malformed"),
        (lambda e: e.raw.replace(b'"version":1', b'"version":NaN'), "malformed"),
        (lambda e: e.raw[:-1], "malformed"),
        (lambda e: e.raw.replace("已".encode(), b"\xff\xfe\xfd"), "malformed"),
        (lambda e: b"[]", "malformed"),
    ],
)
def test_parse_entry_refuses_damage(make_raw, reason):
    entry = chain(1)[0]
    with pytest.raises(FeedError) as caught:
        parse_entry(make_raw(entry))
    assert caught.value.reason == reason
    assert isinstance(caught.value, FieldkitError)
    assert "\n" not in str(caught.value)


def test_parse_entries_matches_parse_entry_and_names_the_bad_one():
    entries = chain(5)
    raws = [e.raw for e in entries]
    assert parse_entries(raws) == entries
    raws[3] = raws[3].replace(b'"seq":', b'"seq": ')
    with pytest.raises(FeedError) as caught:
        parse_entries(raws, feed=FEED, first_seq=1)
    assert (caught.value.seq, caught.value.reason) == (4, "not_canonical")
    # two lines that only form entries when glued together are not two entries
    whole = raws[0]
    cut = whole.index(b',"body"')
    with pytest.raises(FeedError):
        parse_entries([whole[:cut], whole[cut + 1 :]])


def test_entry_repr_shows_no_body():
    entry = make_entry(FEED, 1, ZERO, TIME, "person.set", "p:1", [], {"name": "欧阳翠花", "phone": "13912345678"})
    assert "欧阳" not in repr(entry) and "139" not in repr(entry)


def test_new_device_feed_ids_are_fresh():
    ids = {new_device_feed_id() for _ in range(100)}
    assert len(ids) == 100 and all(i.startswith("d-") and len(i) == 18 for i in ids)


# ------------------------------------------------------------------------------------------- chain


def test_a_good_chain_verifies_as_entries_and_as_bytes():
    entries = chain(6)
    assert verify_chain(entries, FEED) == entries
    assert verify_chain([e.raw for e in entries], FEED) == entries
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0].prev == ZERO
    assert all(b.prev == a.hash for a, b in zip(entries, entries[1:]))
    assert verify_chain(entries, FEED, head_seq=6, head_hash=entries[-1].hash) == entries
    # a continuation verifies against the held head
    assert verify_chain(entries[3:], FEED, after_seq=3, after_hash=entries[2].hash) == entries[3:]
    assert verify_chain([], FEED) == []


def reason_at(entries, feed_id=FEED, **kw) -> tuple[int | None, str]:
    with pytest.raises(FeedError) as caught:
        verify_chain(entries, feed_id, **kw)
    err = caught.value
    message = str(err)
    assert "\n" not in message and str(err.seq) in message
    return err.seq, err.reason


def test_removed_entry_is_a_gap_at_its_seq():
    entries = chain(6)
    assert reason_at(entries[:2] + entries[3:]) == (3, "gap")
    assert reason_at(entries[1:]) == (1, "gap")


def test_removed_last_entry_is_caught_against_the_signed_head():
    entries = chain(6)
    assert reason_at(entries[:-1], head_seq=6, head_hash=entries[-1].hash) == (6, "truncated")
    assert reason_at(entries, head_seq=5, head_hash=entries[4].hash) == (6, "too_long")


def test_reordered_and_duplicated_entries():
    entries = chain(6)
    swapped = entries[:2] + [entries[3], entries[2]] + entries[4:]
    assert reason_at(swapped) == (3, "reordered")
    assert reason_at(entries[:3] + [entries[2]] + entries[3:]) == (4, "reordered")


def test_entry_from_another_feed():
    entries = chain(4)
    other = chain(4, "d-fedcba9876543210")
    assert reason_at(entries[:2] + [other[2]] + entries[3:]) == (3, "wrong_feed")
    assert reason_at(entries, "d-fedcba9876543210") == (1, "wrong_feed")


def test_altered_content_names_the_altered_entry():
    entries = chain(6)
    raws = [e.raw for e in entries]
    raws[2] = raws[2].replace(b"000003", b"000009")  # still canonical, different content
    assert reason_at(raws) == (3, "altered")
    # the last entry is only caught against the expected head
    raws = [e.raw for e in entries]
    raws[5] = raws[5].replace(b"000006", b"000009")
    assert reason_at(raws, head_hash=entries[5].hash) == (6, "altered")


def test_changed_prev_link_is_a_broken_link():
    entries = chain(6)
    obj = obj_of(entries[3])
    obj["prev"] = entries[1].hash
    raws = [e.raw for e in entries]
    raws[3] = canonical(obj)
    assert reason_at(raws) == (4, "broken_link")


def test_forged_entry_object_is_caught():
    entries = chain(4)
    real = entries[1]
    forged = Entry(real.raw.replace(b"000002", b"000007"), real.v, real.feed, real.seq, real.prev, real.time,
                   real.type, real.entity, real.base, real.body, real.hash)
    assert forged != real  # the same hash, other bytes: not the same entry
    assert reason_at([entries[0], forged] + entries[2:]) == (2, "altered")


@pytest.mark.parametrize("mask", [0x01, 0x20, 0x80])
def test_every_single_byte_flip_is_caught_at_its_seq(mask):
    entries = chain(6)
    target = 3
    raw = entries[target - 1].raw
    for position in range(len(raw)):
        flipped = bytearray(raw)
        flipped[position] ^= mask
        raws = [e.raw for e in entries]
        raws[target - 1] = bytes(flipped)
        with pytest.raises(FeedError) as caught:
            verify_chain(raws, FEED)
        assert caught.value.seq == target, (position, caught.value.reason)


# -------------------------------------------------------------------------------------- Feed class


def test_feed_appends_a_chain():
    feed = Feed(FEED)
    assert (feed.next_seq, feed.head_hash, len(feed)) == (1, ZERO, 0)
    first = feed.append("visit", "visit:" + "1" * 32, [], visit_body(1))
    second = feed.append("visit", "visit:" + "2" * 32, [], visit_body(2), TIME)
    assert (first.seq, second.seq, second.prev, feed.head_hash, feed.next_seq) == (1, 2, first.hash, second.hash, 3)
    assert first.time.endswith(("+08:00", "+00:00")) or first.time[-6] in "+-"
    reopened = Feed(FEED, [e.raw for e in feed.entries])
    assert reopened.entries == feed.entries


def test_feed_extend_requires_an_exact_continuation():
    entries = chain(5)
    feed = Feed(FEED, entries[:2])
    with pytest.raises(FeedError) as caught:
        feed.extend(entries[3:])
    assert (caught.value.seq, caught.value.reason) == (3, "gap")
    assert feed.extend(entries[2:]) == entries[2:]
    assert feed.entries == entries


@pytest.mark.parametrize(
    "time,ok",
    [
        ("2026-11-29T18:04:15+08:00", True),
        ("2026-11-29T10:04:15+00:00", True),
        ("2026-11-29T18:04:15.123456+08:00", True),
        ("2026-11-29T10:04:15Z", False),  # 3.11 parses it, 3.10 does not: refuse on every version
        ("20261129T180415+0800", False),
        ("2026-11-29T18:04:15", False),  # no offset
        ("2026-13-29T18:04:15+08:00", False),
    ],
)
def test_entry_time_has_one_spelling(time, ok):
    from fieldkit.core.feed import _is_time_with_offset

    assert _is_time_with_offset(time) is ok
