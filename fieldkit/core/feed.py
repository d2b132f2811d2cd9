"""The per-device feed: append-only, hash-chained entries (DESIGN 4, docs/architecture.md "The feed").

An entry's bytes are its canonical JSON, produced once by ``make_entry`` and never re-serialised: the
bytes that are hashed are the bytes that are stored and shipped. ``prev`` is the SHA-256 of the
previous entry's bytes ("0"*64 for seq 1); seq is contiguous from 1.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from fieldkit.core.canonical import canonical, now_iso
from fieldkit.core.errors import FieldkitError

ZERO = "0" * 64
VERSION = 1
FIELDS = frozenset({"v", "feed", "seq", "prev", "time", "type", "entity", "base", "body"})

_HASH_RE = re.compile(r"[0-9a-f]{64}")
# Contract ids are d-<16 hex>, t-<code>, t-<code>-<village code>; this is the looser shape every
# feed id must have (lowercase ASCII, no path separators), so ids are always safe to use in files.
_FEED_ID_RE = re.compile(r"[a-z][a-z0-9-]{0,79}")


class FeedError(FieldkitError):
    """A feed that is not a valid chain. ``seq`` is the first bad seq (None when it can't be known)."""

    def __init__(self, key: str, *, feed: str = "?", seq: int | None = None, **params: object) -> None:
        super().__init__(key, feed=feed, seq="?" if seq is None else seq, **params)
        self.feed = feed
        self.seq = seq
        self.reason = key.rsplit(".", 1)[-1]


class ForkError(FieldkitError):
    """Two different entries at the same seq of one feed: evidence of a fork, never resolved silently.

    ``held`` is the entry already held, ``other`` the one offered; keep both as evidence.
    """

    def __init__(self, held: Entry, other: Entry) -> None:
        super().__init__("feed.fork", feed=held.feed, seq=held.seq)
        self.feed = held.feed
        self.seq = held.seq
        self.held = held
        self.other = other


class RawSource(Protocol):
    """Where an entry's bytes are when they are not held in memory (see ``Entry.raw``)."""

    def fetch(self, entry: Entry) -> bytes: ...


class Entry:
    """One feed entry: ``raw`` (its bytes) is the truth; the other fields are parsed from it.

    Immutable by convention: never assign to a field or change ``body`` (shared, not copied). Slotted
    and without a frozen ``__setattr__``: a county master holds 300,000 entries, and building them is
    the hot loop of opening a store (the model's hot dataclasses make the same trade).

    ``raw`` is normally held in memory. The store may leave the bytes of its closed segments on disk
    (``_raw`` is then a ``RawSource``); reading ``raw`` fetches them, checked against ``hash``. Two
    entries are equal when their bytes are (compared by hash, and byte for byte where both are held).
    """

    __slots__ = ("_raw", "v", "feed", "seq", "prev", "time", "type", "entity", "base", "body", "hash")

    def __init__(
        self,
        raw: bytes | RawSource,
        v: int,
        feed: str,
        seq: int,
        prev: str,
        time: str,
        type: str,
        entity: str,
        base: tuple[str, ...],
        body: dict[str, Any],
        hash: str,
    ) -> None:
        self._raw = raw
        self.v = v
        self.feed = feed
        self.seq = seq
        self.prev = prev
        self.time = time
        self.type = type
        self.entity = entity
        self.base = base
        self.body = body
        self.hash = hash

    @property
    def raw(self) -> bytes:
        raw = self._raw
        return raw if raw.__class__ is bytes else raw.fetch(self)

    @property
    def raw_in_memory(self) -> bool:
        return self._raw.__class__ is bytes

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entry) or other.hash != self.hash:
            return False
        mine, theirs = self._raw, other._raw
        # a forged object (fields not matching its bytes) must not pass as the real one
        return mine.__class__ is not bytes or theirs.__class__ is not bytes or mine == theirs

    def __hash__(self) -> int:
        return hash(self.hash)

    def __copy__(self) -> Entry:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Entry:
        return self

    def __repr__(self) -> str:  # never the body: it may hold names and phones
        return f"Entry(feed={self.feed!r}, seq={self.seq}, type={self.type!r}, hash={self.hash[:12]}…)"


def new_device_feed_id() -> str:
    """A fresh device feed id ``d-<16 hex>``; a reinstalled laptop always gets a new one."""
    return "d-" + secrets.token_hex(8)


def is_feed_id(value: object) -> bool:
    return isinstance(value, str) and _FEED_ID_RE.fullmatch(value) is not None


def entry_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _reject_float(text: str) -> Any:
    raise ValueError("floats are not allowed in entries")


# One decoder for all entries: floats and NaN/Infinity are refused while parsing.
_DECODER = json.JSONDecoder(parse_float=_reject_float, parse_constant=_reject_float)


def _shape_problem(obj: Any) -> str | None:
    """Why ``obj`` is not a well-formed entry object, or None."""
    if obj.__class__ is not dict or obj.keys() != FIELDS:
        return "fields"
    if obj["v"].__class__ is not int:
        return "v"
    if not is_feed_id(obj["feed"]):
        return "feed"
    seq = obj["seq"]
    if seq.__class__ is not int or seq < 1:
        return "seq"
    prev = obj["prev"]
    if prev.__class__ is not str or not _HASH_RE.fullmatch(prev):
        return "prev"
    if obj["time"].__class__ is not str or not _is_time_with_offset(obj["time"]):
        return "time"
    if obj["type"].__class__ is not str or not obj["type"]:
        return "type"
    if obj["entity"].__class__ is not str or not obj["entity"]:
        return "entity"
    base = obj["base"]
    if base.__class__ is not list:
        return "base"
    for item in base:
        if item.__class__ is not str or not _HASH_RE.fullmatch(item):
            return "base"
    if obj["body"].__class__ is not dict:
        return "body"
    return None


# One spelling only (what datetime.isoformat() writes): Python 3.11's fromisoformat also takes "Z",
# basic and week formats that 3.10 refuses, and a feed must verify the same on every laptop.
_TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?[+-][0-9]{2}:[0-9]{2}")


def _is_time_with_offset(value: str) -> bool:
    if not _TIME_RE.fullmatch(value):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _entry_from(raw: bytes, obj: Any, feed: str, seq: int | None, known_canonical: bool) -> Entry:
    if known_canonical and obj.__class__ is dict and obj.keys() == FIELDS:
        problem = None  # bytes this code wrote after checking them fully; see parse_entry
    else:
        problem = _shape_problem(obj)
    if problem is not None:
        if seq is None and isinstance(obj, dict) and obj.get("seq").__class__ is int:
            seq = obj["seq"]
        raise FeedError("feed.malformed", feed=feed, seq=seq, field=problem)
    label = obj["feed"] if feed == "?" else feed
    if obj["v"] != VERSION:
        raise FeedError("feed.bad_version", feed=label, seq=obj["seq"], version=obj["v"])
    if not known_canonical and canonical(obj) != raw:
        raise FeedError("feed.not_canonical", feed=label, seq=obj["seq"])
    return Entry(
        raw=raw,
        v=obj["v"],
        feed=obj["feed"],
        seq=obj["seq"],
        prev=obj["prev"],
        time=obj["time"],
        type=obj["type"],
        entity=obj["entity"],
        base=tuple(obj["base"]),
        body=obj["body"],
        hash=hashlib.sha256(raw).hexdigest(),
    )


def parse_entry(
    raw: bytes, *, feed: str = "?", seq: int | None = None, known_canonical: bool = False
) -> Entry:
    """Parse and check one entry's bytes. ``feed``/``seq`` only label the error when it can't be parsed.

    Raises ``FeedError``: ``feed.malformed`` (not JSON, wrong fields or types), ``feed.bad_version``,
    ``feed.not_canonical`` (valid, but not the one canonical serialisation of itself).

    ``known_canonical`` skips re-serialising to compare (the costliest check) and the field type
    checks. Only for bytes that passed every check before and were authenticated since, like the
    store's own segments (age-authenticated, and only this workspace's key can write them).
    """
    if not isinstance(raw, (bytes, bytearray)):
        raise TypeError("parse_entry takes bytes")
    raw = bytes(raw)
    try:
        obj = _DECODER.decode(raw.decode("utf-8"))
    except ValueError:  # includes UnicodeDecodeError and JSONDecodeError
        raise FeedError("feed.malformed", feed=feed, seq=seq, field="json") from None
    return _entry_from(raw, obj, feed, seq, known_canonical)


def parse_entries(
    raws: Sequence[bytes], *, feed: str = "?", first_seq: int = 1, known_canonical: bool = False
) -> list[Entry]:
    """``parse_entry`` for consecutive entries, faster: one JSON parse for the whole run.

    Errors are the ones ``parse_entry`` gives, labelled with the seq each raw is expected at.
    """
    raws = [raw if raw.__class__ is bytes else bytes(raw) for raw in raws]
    try:
        objs = _DECODER.decode((b"[" + b",".join(raws) + b"]").decode("utf-8"))
        batch_ok = len(objs) == len(raws)
    except ValueError:
        batch_ok = False
    if not batch_ok:  # find and name the bad one
        return [parse_entry(raw, feed=feed, seq=first_seq + i, known_canonical=known_canonical)
                for i, raw in enumerate(raws)]
    if not known_canonical:
        # Each raw must equal its object's canonical bytes, so line boundaries can't have shifted
        # between the raws and the objects parsed from their concatenation.
        entries = [_entry_from(raw, obj, feed, first_seq + i, False) for i, (raw, obj) in enumerate(zip(raws, objs))]
        _share_strings(entries, feed)
        return entries
    entries = []
    append = entries.append
    sha256 = hashlib.sha256
    intern = sys.intern
    digest = time = None
    for raw, obj in zip(raws, objs):  # the hot loop of opening a store: positional, few calls
        if obj.__class__ is not dict or obj.keys() != FIELDS or obj["v"] != VERSION:
            return [_entry_from(raw, obj, feed, first_seq + i, True) for i, (raw, obj) in enumerate(zip(raws, objs))]
        # The same strings in every entry are kept once: the feed id, the type, prev (the previous
        # entry's hash) and a time shared with the entry before (a batch recorded at once). JSON
        # parses each into a copy of its own: 200-300 bytes an entry.
        entry_feed, prev, type_, entry_time = obj["feed"], obj["prev"], obj["type"], obj["time"]
        if entry_feed == feed:
            entry_feed = feed
        if prev == digest:
            prev = digest
        if type_.__class__ is str:
            type_ = intern(type_)
        if entry_time == time:
            entry_time = time
        digest = sha256(raw).hexdigest()
        time = entry_time
        append(Entry(raw, VERSION, entry_feed, obj["seq"], prev, entry_time, type_, obj["entity"],
                     tuple(obj["base"]), obj["body"], digest))
    return entries


def _share_strings(entries: list[Entry], feed: str) -> None:
    """Keep one copy of the strings repeated in every entry (see the loop in ``parse_entries``)."""
    digest = time = None
    for entry in entries:
        if entry.feed == feed:
            entry.feed = feed
        if entry.prev == digest:
            entry.prev = digest
        if entry.time == time:
            entry.time = time
        entry.type = sys.intern(entry.type)
        digest, time = entry.hash, entry.time


def make_entry(
    feed: str,
    seq: int,
    prev: str,
    time: str,
    type: str,
    entity: str,
    base: Iterable[str],
    body: dict[str, Any],
) -> Entry:
    """Build an entry: its bytes are produced here, once, by ``canonical``.

    The result goes through ``parse_entry``, so a written entry passes exactly the checks a read one
    does (and ``body`` is a private copy the caller can't change afterwards).
    """
    obj = {
        "v": VERSION,
        "feed": feed,
        "seq": seq,
        "prev": prev,
        "time": time,
        "type": type,
        "entity": entity,
        "base": list(base),
        "body": body,
    }
    problem = _shape_problem(obj)
    if problem is not None:
        raise ValueError(f"bad entry field: {problem}")
    try:
        raw = canonical(obj)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"entry body is not plain JSON data ({exc.__class__.__name__})") from None
    try:
        return parse_entry(raw)
    except FeedError as exc:  # e.g. a float in the body: a bug in the caller, not the user's doing
        raise ValueError(f"entry refused: {exc.english()}") from None


_JSON_SCALARS = frozenset({str, int, bool, type(None)})


def _plain_json(value: Any) -> bool:
    """Whether ``value`` holds only JSON's own types (dicts with str keys, lists, str, int, bool,
    None), so that parsing its canonical bytes gives back exactly ``value``."""
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        cls = item.__class__
        if cls is dict:
            for key, inner in item.items():
                if key.__class__ is not str:
                    return False
                inner_cls = inner.__class__
                if inner_cls is dict or inner_cls is list:
                    push(inner)
                elif inner_cls not in _JSON_SCALARS:
                    return False
        elif cls is list:
            stack.extend(item)
        elif cls not in _JSON_SCALARS:
            return False
    return True


def chain_entry(
    feed: str,
    seq: int,
    prev: str,
    time: str,
    type: str,
    entity: str,
    base: Iterable[str],
    body: dict[str, Any],
) -> Entry:
    """``make_entry`` for recording many events at once (``sync.township.record_many``), at a
    fraction of the cost: the same field checks, but instead of parsing its own bytes back it checks
    that the body holds only JSON's own types, so the bytes and the fields agree without the round
    trip. The body is not copied: the caller must not change it afterwards. Anything unusual (a
    tuple, a float, a non-str key) takes ``make_entry``'s path, with its result or its ``ValueError``.
    """
    base = list(base)
    obj = {"v": VERSION, "feed": feed, "seq": seq, "prev": prev, "time": time, "type": type,
           "entity": entity, "base": base, "body": body}
    if _shape_problem(obj) is not None or not _plain_json(body):
        return make_entry(feed, seq, prev, time, type, entity, base, body)
    raw = canonical(obj)
    return Entry(raw, VERSION, feed, seq, prev, time, type, entity, tuple(base), body, entry_hash(raw))


def verify_chain(
    entries: Sequence[Entry | bytes],
    feed_id: str,
    after_seq: int = 0,
    after_hash: str = ZERO,
    *,
    head_seq: int | None = None,
    head_hash: str | None = None,
    known_canonical: bool = False,
) -> list[Entry]:
    """Check that ``entries`` continue feed ``feed_id`` right after (``after_seq``, ``after_hash``).

    Items may be parsed ``Entry`` objects or raw bytes (parsed here, so a damaged line is reported with
    the seq it sits at). With ``head_seq``/``head_hash`` the chain must end exactly there (as a signed
    checkpoint says). ``known_canonical`` is passed on to ``parse_entry``. Returns the parsed entries.

    Raises ``FeedError`` naming the first bad seq and the reason: ``feed.gap``, ``feed.reordered``,
    ``feed.broken_link``, ``feed.altered``, ``feed.wrong_feed``, ``feed.not_canonical``,
    ``feed.malformed``, ``feed.bad_version``, ``feed.truncated``, ``feed.too_long``.
    """
    entries = list(entries)
    if all(isinstance(item, (bytes, bytearray)) for item in entries):
        parsed = parse_entries(entries, feed=feed_id, first_seq=after_seq + 1, known_canonical=known_canonical)
    else:
        parsed = []
        for index, item in enumerate(entries):
            expected = after_seq + index + 1
            if isinstance(item, Entry):
                if entry_hash(item.raw) != item.hash:
                    raise FeedError("feed.altered", feed=feed_id, seq=expected)
                parsed.append(item)
            else:
                parsed.append(parse_entry(item, feed=feed_id, seq=expected, known_canonical=known_canonical))

    prev_hash = after_hash
    expected = after_seq
    for entry in parsed:
        expected += 1
        if entry.feed != feed_id or entry.seq != expected or entry.prev != prev_hash:
            index = expected - after_seq - 1
            if entry.feed != feed_id:
                raise FeedError("feed.wrong_feed", feed=feed_id, seq=expected, found=entry.feed)
            if entry.seq != expected:
                raise _seq_error(parsed, index, expected, feed_id)
            raise _link_error(parsed, index, expected, feed_id, head_seq, head_hash)
        prev_hash = entry.hash

    last_seq = after_seq + len(parsed)
    if head_seq is not None:
        if last_seq < head_seq:
            raise FeedError("feed.truncated", feed=feed_id, seq=last_seq + 1, head=head_seq)
        if last_seq > head_seq:
            raise FeedError("feed.too_long", feed=feed_id, seq=head_seq + 1, head=head_seq)
    if head_hash is not None and prev_hash != head_hash:
        raise FeedError("feed.altered", feed=feed_id, seq=last_seq)
    return parsed


def _seq_error(parsed: list[Entry], index: int, expected: int, feed_id: str) -> FeedError:
    found = parsed[index].seq
    if found < expected or any(e.seq == expected for e in parsed[index + 1 :]):
        return FeedError("feed.reordered", feed=feed_id, seq=expected, found=found)
    return FeedError("feed.gap", feed=feed_id, seq=expected, found=found)


def _link_error(
    parsed: list[Entry],
    index: int,
    expected: int,
    feed_id: str,
    head_seq: int | None,
    head_hash: str | None,
) -> FeedError:
    """Entry ``expected`` doesn't point at its predecessor. Name the entry that most likely changed.

    If this entry is itself intact (its successor, or the expected head, still records its hash), the
    predecessor's bytes were altered; otherwise this entry's link was changed or broken.
    """
    entry = parsed[index]
    if index > 0:
        successor_ok = (
            index + 1 < len(parsed) and parsed[index + 1].prev == entry.hash
        ) or (
            index + 1 == len(parsed) and head_hash is not None and head_hash == entry.hash
            and head_seq in (None, expected)
        )
        if successor_ok:
            return FeedError("feed.altered", feed=feed_id, seq=expected - 1)
    return FeedError("feed.broken_link", feed=feed_id, seq=expected, prev_seq=expected - 1)


class Feed:
    """One device's feed in memory: the verified entries, the head, and ``append`` for the next one."""

    def __init__(self, feed_id: str, entries: Sequence[Entry | bytes] = ()) -> None:
        if not is_feed_id(feed_id):
            raise ValueError("bad feed id")
        self.feed_id = feed_id
        self.entries: list[Entry] = verify_chain(entries, feed_id)

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Feed({self.feed_id!r}, {len(self.entries)} entries)"

    @property
    def head_hash(self) -> str:
        return self.entries[-1].hash if self.entries else ZERO

    @property
    def next_seq(self) -> int:
        return len(self.entries) + 1

    def next_entry(
        self, type: str, entity: str, base: Iterable[str], body: dict[str, Any], time: str | None = None
    ) -> Entry:
        """The entry ``append`` would add, without adding it (the store writes it first)."""
        return make_entry(
            self.feed_id, self.next_seq, self.head_hash, time or now_iso(), type, entity, base, body
        )

    def append(
        self, type: str, entity: str, base: Iterable[str], body: dict[str, Any], time: str | None = None
    ) -> Entry:
        entry = self.next_entry(type, entity, base, body, time)
        self.entries.append(entry)
        return entry

    def extend(self, entries: Sequence[Entry | bytes]) -> list[Entry]:
        """Add entries verified to continue this feed exactly; returns them parsed."""
        added = verify_chain(entries, self.feed_id, len(self.entries), self.head_hash)
        self.entries.extend(added)
        return added
