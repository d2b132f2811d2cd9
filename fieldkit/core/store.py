"""The encrypted, crash-safe local store: the feeds plus a few small documents (DESIGN 7).

On disk (every ``.age`` file is an age v1 file encrypted to the workspace's store identity; its
recipient is never written in clear, so nobody without the key file can forge one)::

    store/manifest.age                 {format, segment_size, docs, feeds: {feed id: {length, head}}}
    store/docs.age                     {format, generation, tables}: the tinydb documents
    store/feeds/<name>/<000000>.age    one segment: up to ``segment_size`` raw entries, one a line
    store/lock                         empty; locked (flock) while a Store writes
    store/prev/                        the store as it was before the last transaction (hard links)
    store/transaction                  present while a transaction runs (or was interrupted)

``<name>`` is a keyed hash of the feed id, so file names reveal nothing. Segment k of a feed holds
seqs k*N+1 .. (k+1)*N; all but the last are full and never rewritten. Appending rewrites only the
open (last) segment of a feed, atomically (temp, fsync, rename, fsync folder), then the manifest.
``add_many`` does the same for a batch of feeds with one manifest write for the whole batch.

Why the manifest: a deleted last segment or an older copy of the open segment still forms a valid
chain. The manifest records each feed's length and head hash. It is written after the segments and
the documents, so after a crash it may lag behind them but never run ahead: opening accepts a feed
at least as long as the manifest says (and with the recorded head at that seq), never shorter.
Readers therefore read the manifest first and the rest after it.

Transactions (``with store.transaction():``, used by the merge): each file is replaced atomically,
but a batch of feeds plus documents is many files. Before the first write every data file is
hard-linked into ``prev/`` (cheap, and sound because no file is ever modified in place: a write
renames a new file over the old one, leaving the old inode to the link), then the marker
``transaction`` is written. Leaving the block removes the marker; an exception puts the files back
from ``prev/`` (and this object's memory with them). After a crash the marker remains, and the next
``Store.open`` or writer puts the files back before reading them; a reader that finds a transaction
running in another process reads ``prev/``, the last committed state. So every open sees the store
from before a transaction or after it, never a part of it.

Memory: a county master holds hundreds of thousands of entries. The bytes of entries in closed
segments are not kept after opening; ``Entry.raw`` fetches them back (decrypted, checked against the
entry's hash) when an export needs them. Entries of open segments keep theirs: appends rewrite them.

Threads: one lock per Store guards all access. Processes: the first write takes an exclusive lock on
``store/lock`` (held until ``close``) and reloads if another process changed the store meanwhile.
"""

from __future__ import annotations

import copy
import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB, where
from tinydb.storages import Storage

from fieldkit.core import age
from fieldkit.core.atomic import atomic_write, fsync_dir
from fieldkit.core.canonical import canonical, now_iso
from fieldkit.core.errors import DiskFullError, FieldkitError
from fieldkit.i18n import t
from fieldkit.core.gcpause import paused_gc
from fieldkit.core.feed import (
    ZERO,
    Entry,
    FeedError,
    ForkError,
    entry_hash,
    make_entry,
    parse_entries,
    verify_chain,
)

FORMAT = 1
SEGMENT_SIZE = 256
MANIFEST = "manifest.age"
DOCS = "docs.age"
FEEDS = "feeds"
LOCK = "lock"
PREVIOUS = "prev"  # the store before the last transaction
TRANSACTION = "transaction"  # the marker: a transaction runs, or was interrupted

_SEGMENT_RE = re.compile(r"([0-9]{6})\.age")
_FEED_DIR_RE = re.compile(r"[0-9a-f]{24}")
_OPEN_ATTEMPTS = 4  # loads tried when other processes keep writing meanwhile

Progress = Callable[[int, int], None]

__all__ = [
    "Store",
    "StoreDamagedError",
    "ForkError",
    "SEGMENT_SIZE",
    "transaction_interrupted",
    "recover_interrupted",
]


class StoreDamagedError(FieldkitError):
    """A store file that is missing, undecryptable, malformed, rolled back or tampered with."""

    def __init__(self, key: str, file: str, **params: object) -> None:
        super().__init__(key, file=file, **params)
        self.file = file

    def english(self) -> str:  # a nested FeedError detail in English too
        params = {k: v.english() if isinstance(v, FieldkitError) else v for k, v in self.params.items()}
        return t(self.key, lang="en", **params).replace("\n", " ")


# ------------------------------------------------------------------------------ file helpers


def _read(path: Path, label: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StoreDamagedError("store.missing_file", label) from None
    except OSError as exc:
        raise FieldkitError("io.read_failed", path=label, reason=exc.strerror or type(exc).__name__) from None


def _decrypt(data: bytes, identity: age.X25519Identity, label: str) -> bytes:
    try:
        return age.decrypt(data, [identity])
    except age.AgeError:
        raise StoreDamagedError("store.undecryptable", label) from None


def _json_object(plaintext: bytes, label: str, keys: set[str]) -> dict[str, Any]:
    try:
        obj = json.loads(plaintext.decode("utf-8"))
    except ValueError:
        raise StoreDamagedError("store.bad_content", label) from None
    if not isinstance(obj, dict) or not isinstance(obj.get("format"), int):
        raise StoreDamagedError("store.bad_content", label)
    if obj["format"] != FORMAT:
        raise FieldkitError("store.unsupported_format", file=label, format=obj["format"])
    if obj.keys() != keys:
        raise StoreDamagedError("store.bad_content", label)
    return obj


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


def _io_error(exc: OSError, path: Path) -> FieldkitError:
    if exc.errno == errno.ENOSPC:
        return DiskFullError(path)
    return FieldkitError("io.write_failed", path=str(path), reason=exc.strerror or type(exc).__name__)


def _link(source: Path, target: Path) -> None:
    """A second name for ``source`` (a durable copy where the file system has no hard links)."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise
        shutil.copyfile(source, target)
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())


def _fsync_tree(root: Path) -> None:
    """Make every name under ``root`` durable, deepest folders first."""
    folders = {p for p in root.rglob("*") if p.is_dir()} | {root}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        fsync_dir(folder)


# ------------------------------------------------------------------------------ the process lock


class _WriterLock:
    """An exclusive, non-blocking lock on ``store/lock`` for as long as a Store writes.

    The OS drops it when the process dies (kill -9 included), so a crash never leaves it stuck.
    """

    def __init__(self, path: Path, label: str) -> None:
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(self._fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            self._fd = None
            raise FieldkitError("store.locked", path=label) from None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock on both flock and msvcrt
            self._fd = None


# ------------------------------------------------------------------------------ transactions on disk
#
# These work on the folder alone (no key needed): a crashed transaction can be put back before
# anything is decrypted. The caller holds the writer lock.


def transaction_interrupted(path: Path) -> bool:
    """Whether the store in ``path`` has the marker of a transaction that has not ended."""
    return (Path(path) / TRANSACTION).exists()


def recover_interrupted(path: Path) -> bool:
    """Put back the store in ``path`` if a transaction was interrupted. True when it did.

    ``Store.open`` does this by itself; this is for callers that want to say so (the CLI). Raises
    ``store.locked`` when another process is writing (its transaction is running, not interrupted).
    """
    path = Path(path)
    if not transaction_interrupted(path):
        return False
    writer = _WriterLock(path / LOCK, str(path))
    try:
        if not transaction_interrupted(path):
            return False
        _restore_previous(path)
        return True
    finally:
        writer.release()


def _data_files(root: Path) -> Iterator[Path]:
    """The manifest, the documents and every segment under ``root`` (a store or its ``prev/``)."""
    for name in (MANIFEST, DOCS):
        yield root / name
    feeds = root / FEEDS
    if feeds.is_dir():
        for folder in sorted(feeds.iterdir()):
            if _FEED_DIR_RE.fullmatch(folder.name) and folder.is_dir():
                for segment in sorted(folder.iterdir()):
                    if _SEGMENT_RE.fullmatch(segment.name):
                        yield segment


def _snapshot(path: Path) -> None:
    """Link every data file into ``prev/`` (replacing the one before), then write the marker."""
    previous, building = path / PREVIOUS, path / f".{PREVIOUS}.building"
    try:
        if building.exists():
            shutil.rmtree(building)
        building.mkdir()
        (building / FEEDS).mkdir()
        for source in _data_files(path):
            if source.exists():
                target = building / source.relative_to(path)
                target.parent.mkdir(exist_ok=True)
                _link(source, target)
        _fsync_tree(building)
        if previous.exists():
            shutil.rmtree(previous)
        os.replace(building, previous)
        fsync_dir(path)
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise _io_error(exc, previous) from None
    atomic_write(path / TRANSACTION, canonical({"format": FORMAT, "started": now_iso()}))


def _restore_previous(path: Path) -> None:
    """Put every data file back as ``prev/`` holds it, then remove the marker. Idempotent.

    The order keeps the manifest behind the segments at every moment (it may lag, never lead): the
    old manifest first, then the documents, then the segments the transaction added go (the
    highest first, so a feed only ever gets shorter), then the ones it replaced come back.
    """
    previous = path / PREVIOUS
    saved = {p.relative_to(previous).as_posix(): p for p in _data_files(previous) if p.exists()}
    if MANIFEST not in saved or DOCS not in saved:
        raise StoreDamagedError("store.missing_file", f"{path.name}/{PREVIOUS}/{MANIFEST if MANIFEST not in saved else DOCS}")
    current = {p.relative_to(path).as_posix(): p for p in _data_files(path) if p.exists()}
    try:
        for name in (MANIFEST, DOCS):
            _put_back(saved[name], path / name)
        fsync_dir(path)
        touched: set[Path] = set()
        for rel in sorted((rel for rel in current if rel not in saved), reverse=True):
            current[rel].unlink()
            touched.add(current[rel].parent)
        for rel, source in saved.items():
            if rel not in (MANIFEST, DOCS):
                target = path / rel
                if _put_back(source, target):
                    touched.add(target.parent)
        feeds = path / FEEDS
        for folder in (feeds.iterdir() if feeds.is_dir() else ()):
            if folder.is_dir() and not (previous / FEEDS / folder.name).is_dir():
                shutil.rmtree(folder)  # a feed the transaction started
                touched.add(feeds)
        for folder in sorted(touched, key=lambda p: len(p.parts), reverse=True):
            if folder.is_dir():
                fsync_dir(folder)
        (path / TRANSACTION).unlink(missing_ok=True)
        fsync_dir(path)
    except OSError as exc:
        raise _io_error(exc, path) from None


def _put_back(source: Path, target: Path) -> bool:
    """Make ``target`` the file ``source`` is (a link, then one rename). False if it already is."""
    if target.exists() and os.path.samefile(source, target):
        return False
    target.parent.mkdir(exist_ok=True)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    _link(source, tmp)
    os.replace(tmp, target)
    return True


# ------------------------------------------------------------------------------ entries left on disk


class _SegmentReader:
    """Fetches the bytes of entries whose bytes were not kept in memory (closed segments).

    Exports read feeds in order, so the last few decrypted segments are kept.
    """

    KEEP = 4

    def __init__(self, identity: age.X25519Identity) -> None:
        self._identity = identity
        self._lock = threading.Lock()
        self._cache: OrderedDict[_ClosedSegment, list[bytes]] = OrderedDict()

    def lines(self, segment: _ClosedSegment) -> list[bytes]:
        with self._lock:
            lines = self._cache.get(segment)
            if lines is not None:
                self._cache.move_to_end(segment)
                return lines
        plaintext = _decrypt(_read(segment.path, segment.label), self._identity, segment.label)
        lines = plaintext[:-1].split(b"\n") if plaintext.endswith(b"\n") else []
        with self._lock:
            self._cache[segment] = lines
            while len(self._cache) > self.KEEP:
                self._cache.popitem(last=False)
        return lines


class _ClosedSegment:
    """Where the bytes of one closed segment's entries are (``Entry.raw`` fetches them from here)."""

    __slots__ = ("reader", "path", "label", "first_seq")

    def __init__(self, reader: _SegmentReader, path: Path, label: str, first_seq: int) -> None:
        self.reader = reader
        self.path = path
        self.label = label
        self.first_seq = first_seq

    def fetch(self, entry: Entry) -> bytes:
        lines = self.reader.lines(self)
        index = entry.seq - self.first_seq
        if 0 <= index < len(lines) and entry_hash(lines[index]) == entry.hash:
            return lines[index]
        # the file changed since it was read (closed segments never do): damaged or replaced
        detail = FeedError("feed.altered", feed=entry.feed, seq=entry.seq)
        raise StoreDamagedError("store.chain", self.label, detail=detail)


# ------------------------------------------------------------------------------ tinydb storage


class _DocsStorage(Storage):
    """tinydb storage backed by the store: data held in memory as canonical bytes, written encrypted.

    ``read`` parses a fresh copy every time, so nothing a caller holds aliases the stored data. It
    holds the store weakly: no reference cycle, so a dropped Store releases its write lock at once.
    """

    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)

    def read(self) -> dict[str, dict[str, Any]] | None:
        tables = json.loads(self._store()._docs_raw)
        return tables or None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._store()._write_docs(data)


# ------------------------------------------------------------------------------ loading


_UNSEEN = (("", -1, -1, -1),)  # a fingerprint no scan gives: the next writer reloads


class _Loaded:
    """Everything read from disk by one verified open."""

    def __init__(self, segment_size: int = SEGMENT_SIZE) -> None:
        self.segment_size = segment_size
        self.feeds: dict[str, list[Entry]] = {}
        self.docs_generation = 0
        self.docs_raw = b"{}"
        self.fingerprint: tuple[tuple[str, int, int, int], ...] = ()


class Store:
    """The encrypted feeds and documents of one workspace. Use ``Store.create`` or ``Store.open``."""

    def __init__(self, path: Path, identity: age.X25519Identity, segment_size: int = SEGMENT_SIZE) -> None:
        """An empty store object with no I/O; ``create`` and ``open`` are the ways to get a real one."""
        self.path = Path(path)
        self._identity = identity
        self._recipient = identity.recipient()
        self._name_key = hashlib.sha256(b"fieldkit store names\x00" + identity.to_string().encode()).digest()
        self._reader = _SegmentReader(identity)
        self._lock = threading.RLock()
        self._writer: _WriterLock | None = None
        self._closed = False
        self._revision = 0
        self._transaction_depth = 0
        self._apply(_Loaded(segment_size))

    def _apply(self, loaded: _Loaded) -> None:
        self.segment_size = loaded.segment_size
        self._feeds = loaded.feeds
        self._docs_generation = loaded.docs_generation
        self._docs_raw = loaded.docs_raw
        self._fingerprint = loaded.fingerprint
        self._docs_db = TinyDB(self, storage=_DocsStorage)
        self._revision += 1

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}, {len(self._feeds)} feeds)"

    # -------------------------------------------------------------- create / open / close

    @classmethod
    def create(cls, path: Path, identity: age.X25519Identity, *, segment_size: int = SEGMENT_SIZE) -> Store:
        """A new, empty store in ``path`` (which must not exist or be an empty folder)."""
        path = Path(path)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise FieldkitError("store.exists", path=str(path))
        if segment_size < 1:
            raise ValueError("segment_size must be at least 1")
        path.mkdir(parents=True, exist_ok=True)
        fsync_dir(path.parent)
        (path / FEEDS).mkdir(exist_ok=True)
        fsync_dir(path)
        store = cls(path, identity, segment_size)
        with store._lock:
            store._ensure_writer()
            store._write_docs({})
        return store

    @classmethod
    def open(cls, path: Path, identity: age.X25519Identity) -> Store:
        """Decrypt, parse and verify everything; any damage raises a ``FieldkitError`` naming the file.

        An interrupted transaction is put back first (``recover_interrupted``); while another
        process runs one, what it started from (``prev/``) is read instead.
        """
        path = Path(path)
        if not path.is_dir():
            raise FieldkitError("store.not_found", path=str(path))
        store = cls(path, identity)
        store._apply(store._load_committed())
        return store

    def close(self) -> None:
        """Release the write lock. Reading still works; writing raises ``store.closed``."""
        with self._lock:
            self._closed = True
            if self._writer is not None:
                self._writer.release()
                self._writer = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        writer = getattr(self, "_writer", None)
        if writer is not None:
            writer.release()

    # -------------------------------------------------------------- reading

    @property
    def revision(self) -> int:
        """Grows on every change (here or by a reload): a cache keyed on it is never stale."""
        return self._revision

    def feeds(self) -> dict[str, list[Entry]]:
        with self._lock:
            return {feed_id: list(entries) for feed_id, entries in self._feeds.items()}

    def feed(self, feed_id: str) -> list[Entry]:
        with self._lock:
            return list(self._feeds.get(feed_id, ()))

    def head(self, feed_id: str) -> tuple[int, str]:
        """(length, head hash) of a feed; (0, ZERO) for one not held."""
        with self._lock:
            entries = self._feeds.get(feed_id)
            return (len(entries), entries[-1].hash) if entries else (0, ZERO)

    def entries(self) -> list[Entry]:
        """Every entry of every feed, ordered by feed id, then seq."""
        with self._lock:
            return [entry for feed_id in sorted(self._feeds) for entry in self._feeds[feed_id]]

    # -------------------------------------------------------------- writing entries

    def append(
        self,
        feed_id: str,
        type: str,
        entity: str,
        base: Sequence[str],
        body: dict[str, Any],
        time: str | None = None,
    ) -> Entry:
        """Append one entry to ``feed_id`` (a new feed starts at seq 1). On return it is on disk, encrypted.

        If this raises after the segment was written (e.g. the manifest write failed), the entry is
        kept: it is on disk and in memory, so no later entry can take its seq.
        """
        with self._lock:
            self._ensure_writer()
            held = self._feeds.get(feed_id, [])
            entry = make_entry(
                feed_id, len(held) + 1, held[-1].hash if held else ZERO, time or now_iso(), type, entity, base, body
            )
            self._write_batch({feed_id: [entry]})
            return entry

    def add_entries(self, feed_id: str, entries: Sequence[Entry]) -> list[Entry]:
        """``add_many`` for one feed (re-checking every entry from its bytes). Returns the new ones."""
        return self.add_many({feed_id: entries})[feed_id]

    def add_many(
        self,
        batch: Mapping[str, Sequence[Entry]],
        *,
        trusted: bool = False,
        progress: Progress | None = None,
    ) -> dict[str, list[Entry]]:
        """Add entries verified elsewhere (merge, kits, bulk recording) to their feeds, in one batch.
        Returns feed id -> the entries that were new. Durable on return.

        Every feed is checked before anything is written: entries at seqs already held must be the
        ones held (else ``ForkError``), the rest must continue the held chain exactly, seq after seq,
        each ``prev`` the hash before it (else ``FeedError``). Then one durable write per segment
        touched and a single manifest write for the whole batch.

        The store trusts its own segments not to need a full check when it opens, so by default
        each entry is parsed again from its bytes with every check (shape, canonical form, hash).
        ``trusted=True`` skips that for entries that just came out of ``parse_entry``/
        ``parse_entries``/``verify_chain``, ``make_entry`` or ``chain_entry``, whose fields and hash
        are those of their bytes; the chain checks above are made either way.
        ``progress(done, total)`` is called after each segment written.
        """
        with self._lock:
            self._ensure_writer()
            fresh: dict[str, list[Entry]] = {}
            for feed_id in batch:  # written in this order
                new = self._fresh_entries(feed_id, list(batch[feed_id]), trusted)
                if new:
                    fresh[feed_id] = new
            if fresh:
                self._write_batch(fresh, progress)
            return {feed_id: fresh.get(feed_id, []) for feed_id in batch}

    def _fresh_entries(self, feed_id: str, entries: list[Entry], trusted: bool) -> list[Entry]:
        """The entries not held yet, checked to continue the feed (see ``add_many``)."""
        if not entries:
            return []
        if not trusted:
            # Re-parse from the bytes: the store later trusts its segments to hold only checked entries.
            entries = parse_entries([e.raw for e in entries], feed=feed_id, first_seq=entries[0].seq)
        held = self._feeds.get(feed_id, [])
        fresh: list[Entry] = []
        for entry in entries:
            if entry.feed != feed_id:
                raise FeedError("feed.wrong_feed", feed=feed_id, seq=entry.seq, found=entry.feed)
            if not fresh and 1 <= entry.seq <= len(held):
                if held[entry.seq - 1].hash != entry.hash:
                    raise ForkError(held[entry.seq - 1], entry)
            else:
                fresh.append(entry)
        after_seq, after_hash = len(held), held[-1].hash if held else ZERO
        expected, prev = after_seq, after_hash
        for entry in fresh:
            expected += 1
            if entry.seq != expected or entry.prev != prev:
                verify_chain(fresh, feed_id, after_seq, after_hash)  # names the first bad seq and why
                raise FeedError("feed.broken_link", feed=feed_id, seq=expected, prev_seq=expected - 1)
            prev = entry.hash
        return fresh

    def _write_batch(self, fresh: dict[str, list[Entry]], progress: Progress | None = None) -> None:
        """Write the segments the new entries touch, feed by feed, each in order; then the manifest
        once. Memory follows each segment as it lands, so it never holds what the disk does not.

        A segment must be durable before the next one of its feed exists (else a crash could keep
        the new one and lose the rewrite of the one before: a gap), so each segment is a full
        atomic write, folder fsync included. New feed folders are made durable together, first.
        """
        new_folders = [feed_id for feed_id in fresh if feed_id not in self._feeds]
        if new_folders:
            try:
                for feed_id in new_folders:
                    (self.path / FEEDS / self._feed_dir_name(feed_id)).mkdir(exist_ok=True)
                fsync_dir(self.path / FEEDS)
            except OSError as exc:
                raise _io_error(exc, self.path / FEEDS) from None
        size = self.segment_size
        total = sum(len(new) for new in fresh.values())
        done = 0
        for feed_id, new in fresh.items():
            held = self._feeds.setdefault(feed_id, [])
            start = len(held)
            end = start + len(new)
            for segment in range(start // size, (end - 1) // size + 1):
                low, high = segment * size, min((segment + 1) * size, end)
                lines = held[low:start] + new[max(low - start, 0) : high - start]  # held: the open segment's
                plaintext = b"".join([entry.raw + b"\n" for entry in lines])
                atomic_write(self._segment_path(feed_id, segment), age.encrypt(plaintext, [self._recipient]))
                landed = new[len(held) - start : high - start]
                held.extend(landed)
                self._revision += 1
                done += len(landed)
                if progress is not None:
                    progress(done, total)
        self._write_manifest()

    # -------------------------------------------------------------- transactions

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All writes inside the block land together or not at all (see the module docstring).

        Raises ``store.reloaded`` before anything is written if another process changed the store
        since this object read it (whatever the caller planned from it may be stale). An exception
        inside puts the files and this object back as they were, then propagates; if even that
        fails, the object is closed and the next open puts the files back. Nested blocks are part
        of the outermost one. Other threads using this object wait until the block ends.
        """
        with self._lock:
            if self._transaction_depth:
                self._transaction_depth += 1
                try:
                    yield self
                finally:
                    self._transaction_depth -= 1
                return
            if self._ensure_writer():
                raise FieldkitError("store.reloaded", path=str(self.path))
            before = self._memory_mark()
            _snapshot(self.path)
            self._transaction_depth = 1
            try:
                yield self
            except BaseException:
                self._transaction_depth = 0
                self._roll_back(before)
                raise
            self._transaction_depth = 0
            try:  # commit
                (self.path / TRANSACTION).unlink()
                fsync_dir(self.path)
            except OSError as exc:
                self._roll_back(before)
                raise _io_error(exc, self.path / TRANSACTION) from None

    def _memory_mark(self) -> tuple[dict[str, int], bytes, int]:
        return {feed_id: len(entries) for feed_id, entries in self._feeds.items()}, self._docs_raw, self._docs_generation

    def _roll_back(self, mark: tuple[dict[str, int], bytes, int]) -> None:
        """Put the files back from ``prev/`` and memory back to ``mark``. If the files can't be put
        back, close: the marker stays, and the next open or writer tries again."""
        try:
            _restore_previous(self.path)
        except BaseException:
            self.close()
            return
        lengths, docs_raw, docs_generation = mark
        for feed_id in list(self._feeds):
            if feed_id not in lengths:
                del self._feeds[feed_id]
            else:
                del self._feeds[feed_id][lengths[feed_id] :]
        self._docs_raw, self._docs_generation = docs_raw, docs_generation
        self._docs_db = TinyDB(self, storage=_DocsStorage)
        self._fingerprint = self._scan_files()
        self._revision += 1

    # -------------------------------------------------------------- documents

    @property
    def docs(self) -> TinyDB:
        """The tinydb database of small documents. Writes are durable on return.

        Prefer ``get_doc``/``put_doc``: they take the store lock (tinydb is not thread-safe) and key
        documents by name, not by tinydb doc ids (which tinydb reuses after a delete). Fetch this
        property each time: a reload after another process wrote replaces the instance.
        """
        return self._docs_db

    def get_doc(self, table: str, key: str, default: Any = None) -> Any:
        with self._lock:
            found = self._docs_db.table(table).search(where("key") == key)
            return copy.deepcopy(found[0]["value"]) if found else default

    def put_doc(self, table: str, key: str, value: Any) -> None:
        """Set document ``key`` of ``table`` to ``value`` (plain JSON data). Durable on return."""
        with self._lock:
            self._ensure_writer()
            canonical(value)  # refuse what can't be stored before touching anything
            documents = self._docs_db.table(table)
            if documents.contains(where("key") == key):  # (tinydb's upsert would write twice)
                documents.update({"value": value}, where("key") == key)
            else:
                documents.insert({"key": key, "value": value})

    def delete_doc(self, table: str, key: str) -> None:
        with self._lock:
            self._ensure_writer()
            documents = self._docs_db.table(table)
            if documents.contains(where("key") == key):
                documents.remove(where("key") == key)

    def all_docs(self, table: str) -> dict[str, Any]:
        with self._lock:
            return {doc["key"]: copy.deepcopy(doc["value"]) for doc in self._docs_db.table(table).all()}

    def _write_docs(self, tables: dict[str, dict[str, Any]]) -> None:
        with self._lock:
            if self._ensure_writer():
                # ``tables`` was computed from what this process held before another one wrote
                raise FieldkitError("store.reloaded", path=str(self.path))
            generation = self._docs_generation + 1
            document = {"format": FORMAT, "generation": generation, "tables": tables}
            atomic_write(self.path / DOCS, age.encrypt(canonical(document), [self._recipient]))
            self._docs_raw = canonical(tables)
            self._docs_generation = generation
            self._revision += 1
            self._write_manifest()

    # -------------------------------------------------------------- manifest, names, locking

    def _write_manifest(self) -> None:
        manifest = {
            "format": FORMAT,
            "segment_size": self.segment_size,
            "docs": self._docs_generation,
            "feeds": {
                feed_id: {"length": len(entries), "head": entries[-1].hash}
                for feed_id, entries in self._feeds.items()
                if entries
            },
        }
        atomic_write(self.path / MANIFEST, age.encrypt(canonical(manifest), [self._recipient]))

    def _feed_dir_name(self, feed_id: str) -> str:
        return hmac.new(self._name_key, feed_id.encode("utf-8"), hashlib.sha256).hexdigest()[:24]

    def _segment_path(self, feed_id: str, segment: int) -> Path:
        return self.path / FEEDS / self._feed_dir_name(feed_id) / f"{segment:06d}.age"

    def _label(self, *parts: str) -> str:
        return "/".join((self.path.name, *parts))

    def _ensure_writer(self) -> bool:
        """Hold the process lock before the first write; put back an interrupted transaction and
        reload if another process wrote meanwhile. Returns True if it had to reload."""
        if self._closed:
            raise FieldkitError("store.closed", path=str(self.path))
        if self._writer is not None:
            return False
        writer = _WriterLock(self.path / LOCK, str(self.path))
        reloaded = False
        try:
            if transaction_interrupted(self.path):
                _restore_previous(self.path)
            if self._scan_files() != self._fingerprint:
                self._apply(self._load())
                reloaded = True
            self._remove_temp_files()
        except BaseException:
            writer.release()
            raise
        self._writer = writer
        return reloaded

    def _remove_temp_files(self) -> None:
        """Temp files a crash left behind (atomic_write names them ``.<name>.<hex>.tmp``)."""
        folders = [self.path, self.path / FEEDS]
        folders += [p for p in (self.path / FEEDS).iterdir() if p.is_dir()] if (self.path / FEEDS).is_dir() else []
        for folder in folders:
            for tmp in folder.glob(".*.tmp"):
                try:
                    tmp.unlink()
                except OSError:
                    pass

    def _scan_files(self) -> tuple[tuple[str, int, int, int], ...]:
        """Identity of every data file (inode, size, mtime): changes whenever anyone rewrites one."""
        result = []
        for path in _data_files(self.path):
            try:
                st = path.stat()
            except OSError:
                continue
            result.append((str(path.relative_to(self.path)), st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(result)

    # -------------------------------------------------------------- the verified load

    def _load_committed(self) -> _Loaded:
        """What ``open`` reads: the store after its last transaction ended, never a part of one."""
        for attempt in range(_OPEN_ATTEMPTS):
            last = attempt == _OPEN_ATTEMPTS - 1
            if transaction_interrupted(self.path):
                try:
                    recover_interrupted(self.path)
                except (FieldkitError, OSError):
                    # Another process is in a transaction (store.locked), or the files can't be put
                    # back here (a read-only copy): read what the transaction started from, the
                    # last committed state.
                    try:
                        return self._load(self.path / PREVIOUS)
                    except FieldkitError:
                        if last:
                            raise
                        continue  # it ended, and the next one may be replacing prev/: look again
            before = self._commit_state()
            loaded = self._load()
            if last or self._commit_state() == before:
                return loaded
        raise AssertionError("unreachable")

    def _commit_state(self) -> tuple[object, ...]:
        """Changes whenever anyone writes or starts a transaction (the manifest is written last)."""
        try:
            st = (self.path / MANIFEST).stat()
            manifest = (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            manifest = None
        return transaction_interrupted(self.path), manifest

    def _load(self, root: Path | None = None) -> _Loaded:
        with paused_gc():
            return self._load_all(root or self.path)

    def _load_all(self, root: Path) -> _Loaded:
        loaded = _Loaded()
        snapshot = root != self.path
        # A store read from prev/: the next writer must reload (and may not leave bytes on disk
        # there, the next transaction replaces prev/).
        loaded.fingerprint = _UNSEEN if snapshot else self._scan_files()
        prefix = root.relative_to(self.path).parts if snapshot else ()
        # The manifest first: everything read after it is at least as new as it says.
        manifest = self._load_manifest(root, prefix)
        loaded.segment_size = manifest["segment_size"]
        loaded.docs_generation, loaded.docs_raw = self._load_docs(root, prefix, manifest["docs"])
        feeds_dir = root / FEEDS
        if not feeds_dir.is_dir():
            raise StoreDamagedError("store.missing_file", self._label(*prefix, FEEDS))
        for folder in sorted(feeds_dir.iterdir()):
            if _FEED_DIR_RE.fullmatch(folder.name) and folder.is_dir():
                feed_id, entries = self._load_feed(folder, prefix, loaded.segment_size, keep_raw=snapshot)
                if feed_id is not None:
                    loaded.feeds[feed_id] = entries
        for feed_id, recorded in manifest["feeds"].items():
            self._check_against_manifest(
                feed_id, loaded.feeds.get(feed_id, []), recorded, loaded.segment_size, prefix
            )
        return loaded

    def _load_manifest(self, root: Path, prefix: tuple[str, ...]) -> dict[str, Any]:
        label = self._label(*prefix, MANIFEST)
        obj = _json_object(
            _decrypt(_read(root / MANIFEST, label), self._identity, label),
            label,
            {"format", "segment_size", "docs", "feeds"},
        )
        feeds = obj["feeds"]
        ok = type(obj["segment_size"]) is int and obj["segment_size"] >= 1 and _is_count(obj["docs"])
        ok = ok and isinstance(feeds, dict) and all(
            isinstance(v, dict)
            and v.keys() == {"length", "head"}
            and _is_count(v["length"])
            and v["length"] >= 1
            and isinstance(v["head"], str)
            for v in feeds.values()
        )
        if not ok:
            raise StoreDamagedError("store.bad_content", label)
        return obj

    def _load_docs(self, root: Path, prefix: tuple[str, ...], manifest_generation: int) -> tuple[int, bytes]:
        label = self._label(*prefix, DOCS)
        obj = _json_object(
            _decrypt(_read(root / DOCS, label), self._identity, label),
            label,
            {"format", "generation", "tables"},
        )
        if not _is_count(obj["generation"]) or not isinstance(obj["tables"], dict):
            raise StoreDamagedError("store.bad_content", label)
        if obj["generation"] < manifest_generation:
            raise StoreDamagedError(
                "store.docs_rolled_back", label, found=obj["generation"], expected=manifest_generation
            )
        return obj["generation"], canonical(obj["tables"])

    def _load_feed(
        self, folder: Path, prefix: tuple[str, ...], size: int, *, keep_raw: bool
    ) -> tuple[str | None, list[Entry]]:
        """Read and verify one feed folder. (None, []) for an empty folder a crash left behind."""
        numbers = sorted(int(m.group(1)) for p in folder.iterdir() if (m := _SEGMENT_RE.fullmatch(p.name)))
        if not numbers:
            return None, []
        rel = (*prefix, FEEDS, folder.name)
        for expected, number in enumerate(numbers):
            if number != expected:
                raise StoreDamagedError("store.missing_file", self._label(*rel, f"{expected:06d}.age"))
        lines: list[bytes] = []
        for number in numbers:
            label = self._label(*rel, f"{number:06d}.age")
            plaintext = _decrypt(_read(folder / f"{number:06d}.age", label), self._identity, label)
            if not plaintext.endswith(b"\n"):
                raise StoreDamagedError("store.bad_content", label)
            segment_lines = plaintext[:-1].split(b"\n")
            del plaintext
            if len(segment_lines) > size:
                raise StoreDamagedError("store.bad_content", label)
            if number != numbers[-1] and len(segment_lines) != size:
                # a closed segment is always full: this is an older copy of it
                raise StoreDamagedError("store.rolled_back", label, found=len(segment_lines), expected=size)
            lines.extend(segment_lines)

        def seg_label(seq: int | None) -> str:
            number = 0 if seq is None else min(max(seq - 1, 0) // size, numbers[-1])
            return self._label(*rel, f"{number:06d}.age")

        # Every line passed the full canonical check before it was written (make_entry, add_many),
        # and age authenticated the segment, which only this workspace's key could have produced.
        try:
            first = verify_chain(lines[:1], _peek_feed(lines[0]), known_canonical=True)
            feed_id = first[0].feed
            if folder.name != self._feed_dir_name(feed_id):
                raise StoreDamagedError("store.misplaced", seg_label(1))
            entries = first + verify_chain(lines[1:], feed_id, 1, first[0].hash, known_canonical=True)
        except FeedError as exc:
            raise StoreDamagedError("store.chain", seg_label(exc.seq), detail=exc) from None
        del lines
        if not keep_raw:
            # Full segments are never rewritten: their bytes can stay on disk until an export asks.
            for number in range(len(entries) // size):
                closed = _ClosedSegment(
                    self._reader, folder / f"{number:06d}.age", self._label(*rel, f"{number:06d}.age"), number * size + 1
                )
                for entry in entries[number * size : (number + 1) * size]:
                    entry._raw = closed
        return feed_id, entries

    def _check_against_manifest(
        self, feed_id: str, entries: list[Entry], recorded: dict[str, Any], size: int, prefix: tuple[str, ...]
    ) -> None:
        length = recorded["length"]
        name = self._feed_dir_name(feed_id)
        if len(entries) < length:
            last = max(len(entries) - 1, 0) // size
            raise StoreDamagedError(
                "store.rolled_back",
                self._label(*prefix, FEEDS, name, f"{last:06d}.age"),
                found=len(entries),
                expected=length,
            )
        if entries[length - 1].hash != recorded["head"]:
            raise StoreDamagedError(
                "store.head_mismatch", self._label(*prefix, FEEDS, name, f"{(length - 1) // size:06d}.age"), seq=length
            )


def _peek_feed(raw: bytes) -> str:
    """The feed id a raw first entry claims (verify_chain then checks everything about it)."""
    try:
        feed = json.loads(raw.decode("utf-8")).get("feed")
    except (ValueError, AttributeError):
        return "?"
    return feed if isinstance(feed, str) else "?"
