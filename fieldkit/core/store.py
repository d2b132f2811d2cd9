"""The encrypted, crash-safe local store: the feeds plus a few small documents (DESIGN 7).

On disk (every ``.age`` file is an age v1 file encrypted to the workspace's store identity; its
recipient is never written in clear, so nobody without the key file can forge one)::

    store/manifest.age                 {format, segment_size, docs, feeds: {feed id: {length, head}}}
    store/docs.age                     {format, generation, tables}: the tinydb documents
    store/feeds/<name>/<000000>.age    one segment: up to ``segment_size`` raw entries, one a line
    store/lock                         empty; locked (flock) while a Store writes

``<name>`` is a keyed hash of the feed id, so file names reveal nothing. Segment k of a feed holds
seqs k*N+1 .. (k+1)*N; all but the last are full and never rewritten. Appending an entry rewrites
only the open (last) segment, atomically (temp, fsync, rename, fsync folder), then the manifest.

Why the manifest: a deleted last segment or an older copy of the open segment still forms a valid
chain. The manifest records each feed's length and head hash. It is written after the segments and
the documents, so after a crash it may lag behind them but never run ahead: opening accepts a feed
at least as long as the manifest says (and with the recorded head at that seq), never shorter.
Readers therefore read the manifest first and the rest after it.

Threads: one lock per Store guards all access. Processes: the first write takes an exclusive lock on
``store/lock`` (held until ``close``) and reloads if another process changed the store meanwhile.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import hmac
import json
import os
import re
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB, where
from tinydb.storages import Storage

from fieldkit.core import age
from fieldkit.core.atomic import atomic_write, fsync_dir
from fieldkit.core.canonical import canonical, now_iso
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import t
from fieldkit.core.feed import ZERO, Entry, FeedError, ForkError, make_entry, parse_entries, verify_chain

FORMAT = 1
SEGMENT_SIZE = 256
MANIFEST = "manifest.age"
DOCS = "docs.age"
FEEDS = "feeds"
LOCK = "lock"

_SEGMENT_RE = re.compile(r"([0-9]{6})\.age")
_FEED_DIR_RE = re.compile(r"[0-9a-f]{24}")

__all__ = ["Store", "StoreDamagedError", "ForkError", "SEGMENT_SIZE", "gc_paused"]


class StoreDamagedError(FieldkitError):
    """A store file that is missing, undecryptable, malformed, rolled back or tampered with."""

    def __init__(self, key: str, file: str, **params: object) -> None:
        super().__init__(key, file=file, **params)
        self.file = file

    def english(self) -> str:  # a nested FeedError detail in English too
        params = {k: v.english() if isinstance(v, FieldkitError) else v for k, v in self.params.items()}
        return t(self.key, lang="en", **params).replace("\n", " ")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects at once (loading, folding).

    Parsing 20,000 entries makes ~10^6 small dicts and strings; the collector would walk them all
    again and again (about a quarter of the load time) although they form no cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        self._lock = threading.RLock()
        self._writer: _WriterLock | None = None
        self._closed = False
        self._revision = 0
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
        """Decrypt, parse and verify everything; any damage raises a ``FieldkitError`` naming the file."""
        path = Path(path)
        if not path.is_dir():
            raise FieldkitError("store.not_found", path=str(path))
        store = cls(path, identity)
        store._apply(store._load())
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
            self._write_entries(feed_id, [entry])
            self._write_manifest()
            return entry

    def add_entries(self, feed_id: str, entries: Sequence[Entry]) -> list[Entry]:
        """Add entries verified elsewhere (kit, merge). Returns the ones that were new.

        Entries at seqs already held must be byte-identical to them (else ``ForkError``: nothing is
        written); the rest must continue the held chain exactly (else ``FeedError``).
        """
        with self._lock:
            self._ensure_writer()
            held = self._feeds.get(feed_id, [])
            # Re-parse from the bytes: the store later trusts its segments to hold only checked entries.
            checked = parse_entries([e.raw for e in entries], feed=feed_id, first_seq=entries[0].seq) if entries else []
            fresh: list[Entry] = []
            for entry in checked:
                if entry.feed != feed_id:
                    raise FeedError("feed.wrong_feed", feed=feed_id, seq=entry.seq, found=entry.feed)
                if entry.seq <= len(held) and not fresh:
                    if held[entry.seq - 1].raw != entry.raw:
                        raise ForkError(held[entry.seq - 1], entry)
                else:
                    fresh.append(entry)
            fresh = verify_chain(fresh, feed_id, len(held), held[-1].hash if held else ZERO)
            if fresh:
                self._write_entries(feed_id, fresh)
                self._write_manifest()
            return fresh

    def _write_entries(self, feed_id: str, new: list[Entry]) -> None:
        """Write the segments ``new`` touches, in order; memory follows each segment as it lands."""
        held = self._feeds.get(feed_id)
        if held is None:
            self._make_feed_dir(feed_id)
            held = self._feeds.setdefault(feed_id, [])
        size = self.segment_size
        start = len(held)
        total = start + len(new)
        for segment in range(start // size, (total - 1) // size + 1):
            low, high = segment * size, min((segment + 1) * size, total)
            lines = held[low:start] + new[max(low - start, 0) : high - start]
            plaintext = b"".join(entry.raw + b"\n" for entry in lines)
            atomic_write(self._segment_path(feed_id, segment), age.encrypt(plaintext, [self._recipient]))
            held.extend(new[len(held) - start : high - start])
            self._revision += 1

    def _make_feed_dir(self, feed_id: str) -> None:
        folder = self.path / FEEDS / self._feed_dir_name(feed_id)
        folder.mkdir(exist_ok=True)
        fsync_dir(folder.parent)

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
        """Hold the process lock before the first write; reload if another process wrote meanwhile.

        Returns True if it had to reload.
        """
        if self._closed:
            raise FieldkitError("store.closed", path=str(self.path))
        if self._writer is not None:
            return False
        writer = _WriterLock(self.path / LOCK, str(self.path))
        reloaded = False
        try:
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

    def _data_files(self) -> Iterator[Path]:
        for name in (MANIFEST, DOCS):
            yield self.path / name
        feeds = self.path / FEEDS
        if feeds.is_dir():
            for folder in sorted(feeds.iterdir()):
                if _FEED_DIR_RE.fullmatch(folder.name) and folder.is_dir():
                    for segment in sorted(folder.iterdir()):
                        if _SEGMENT_RE.fullmatch(segment.name):
                            yield segment

    def _scan_files(self) -> tuple[tuple[str, int, int, int], ...]:
        """Identity of every data file (inode, size, mtime): changes whenever anyone rewrites one."""
        result = []
        for path in self._data_files():
            try:
                st = path.stat()
            except OSError:
                continue
            result.append((str(path.relative_to(self.path)), st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(result)

    # -------------------------------------------------------------- the verified load

    def _load(self) -> _Loaded:
        with gc_paused():
            return self._load_all()

    def _load_all(self) -> _Loaded:
        loaded = _Loaded()
        loaded.fingerprint = self._scan_files()
        # The manifest first: everything read after it is at least as new as it says.
        manifest = self._load_manifest()
        loaded.segment_size = manifest["segment_size"]
        loaded.docs_generation, loaded.docs_raw = self._load_docs(manifest["docs"])
        feeds_dir = self.path / FEEDS
        if not feeds_dir.is_dir():
            raise StoreDamagedError("store.missing_file", self._label(FEEDS))
        for folder in sorted(feeds_dir.iterdir()):
            if _FEED_DIR_RE.fullmatch(folder.name) and folder.is_dir():
                feed_id, entries = self._load_feed(folder, loaded.segment_size)
                if feed_id is not None:
                    loaded.feeds[feed_id] = entries
        for feed_id, recorded in manifest["feeds"].items():
            self._check_against_manifest(feed_id, loaded.feeds.get(feed_id, []), recorded, loaded.segment_size)
        return loaded

    def _load_manifest(self) -> dict[str, Any]:
        label = self._label(MANIFEST)
        obj = _json_object(
            _decrypt(_read(self.path / MANIFEST, label), self._identity, label),
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

    def _load_docs(self, manifest_generation: int) -> tuple[int, bytes]:
        label = self._label(DOCS)
        obj = _json_object(
            _decrypt(_read(self.path / DOCS, label), self._identity, label),
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

    def _load_feed(self, folder: Path, size: int) -> tuple[str | None, list[Entry]]:
        """Read and verify one feed folder. (None, []) for an empty folder a crash left behind."""
        numbers = sorted(int(m.group(1)) for p in folder.iterdir() if (m := _SEGMENT_RE.fullmatch(p.name)))
        if not numbers:
            return None, []
        rel = f"{FEEDS}/{folder.name}"
        for expected, number in enumerate(numbers):
            if number != expected:
                raise StoreDamagedError("store.missing_file", self._label(rel, f"{expected:06d}.age"))
        lines: list[bytes] = []
        for number in numbers:
            label = self._label(rel, f"{number:06d}.age")
            plaintext = _decrypt(_read(folder / f"{number:06d}.age", label), self._identity, label)
            if not plaintext.endswith(b"\n"):
                raise StoreDamagedError("store.bad_content", label)
            segment_lines = plaintext[:-1].split(b"\n")
            if len(segment_lines) > size:
                raise StoreDamagedError("store.bad_content", label)
            if number != numbers[-1] and len(segment_lines) != size:
                # a closed segment is always full: this is an older copy of it
                raise StoreDamagedError("store.rolled_back", label, found=len(segment_lines), expected=size)
            lines.extend(segment_lines)

        def seg_label(seq: int | None) -> str:
            number = 0 if seq is None else min(max(seq - 1, 0) // size, numbers[-1])
            return self._label(rel, f"{number:06d}.age")

        # Every line passed the full canonical check before it was written (make_entry, add_entries),
        # and age authenticated the segment, which only this workspace's key could have produced.
        try:
            first = verify_chain(lines[:1], _peek_feed(lines[0]), known_canonical=True)
            feed_id = first[0].feed
            if folder.name != self._feed_dir_name(feed_id):
                raise StoreDamagedError("store.misplaced", seg_label(1))
            entries = first + verify_chain(lines[1:], feed_id, 1, first[0].hash, known_canonical=True)
        except FeedError as exc:
            raise StoreDamagedError("store.chain", seg_label(exc.seq), detail=exc) from None
        return feed_id, entries

    def _check_against_manifest(
        self, feed_id: str, entries: list[Entry], recorded: dict[str, Any], size: int
    ) -> None:
        length = recorded["length"]
        name = self._feed_dir_name(feed_id)
        if len(entries) < length:
            last = max(len(entries) - 1, 0) // size
            raise StoreDamagedError(
                "store.rolled_back", self._label(FEEDS, name, f"{last:06d}.age"), found=len(entries), expected=length
            )
        if entries[length - 1].hash != recorded["head"]:
            raise StoreDamagedError(
                "store.head_mismatch", self._label(FEEDS, name, f"{(length - 1) // size:06d}.age"), seq=length
            )


def _peek_feed(raw: bytes) -> str:
    """The feed id a raw first entry claims (verify_chain then checks everything about it)."""
    try:
        feed = json.loads(raw.decode("utf-8")).get("feed")
    except (ValueError, AttributeError):
        return "?"
    return feed if isinstance(feed, str) else "?"
