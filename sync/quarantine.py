"""Quarantine: refused files kept with their reason, and feeds held back after a fork.

- A refused file is copied, byte for byte, to ``<workspace>/quarantine/<YYYYMMDD-HHMMSS>-<sha256 12>-<name>``
  (atomic write; the same file refused twice is copied once) and recorded in the store document
  table ``quarantine`` (key = the copy's name): original name, SHA-256, reason key and params, sender
  if the header could be read, time, and for a fork the two hashes at the forked seq.
- A forked feed is recorded in table ``sync``, document ``quarantined_feeds`` ({feed: record}); while
  it is there every bundle carrying that feed is refused. ``township revoke`` (the usual outcome: the
  laptop was restored from a backup, so it is treated as lost) or ``township release`` clears it.

Both the master and the evidence stay: the held branch is in the master, the other one in the copied
file (still encrypted to the office key) and in the record.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from fieldkit.core.atomic import atomic_write
from fieldkit.core.canonical import now_iso
from fieldkit.core.store import Store

FOLDER = "quarantine"
TABLE = "quarantine"
SYNC_TABLE = "sync"
FEEDS_DOC = "quarantined_feeds"

_UNSAFE = re.compile(r"[^0-9A-Za-z._-]")


def copy_name(original: str, data: bytes, when: datetime | None = None) -> str:
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    safe = _UNSAFE.sub("_", original)[-80:] or "file"
    return f"{stamp}-{hashlib.sha256(data).hexdigest()[:12]}-{safe}"


def keep_copy(workspace_dir: Path, original: str, data: bytes) -> Path:
    """Copy a refused file into ``<workspace>/quarantine/`` (once per distinct content)."""
    folder = Path(workspace_dir) / FOLDER
    folder.mkdir(exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    safe = _UNSAFE.sub("_", original)[-80:] or "file"
    for existing in folder.glob(f"*-{digest}-{safe}"):
        return existing
    path = folder / copy_name(original, data)
    atomic_write(path, data)
    return path


def make_record(
    *, copy: Path | None, original: str, data: bytes, key: str, params: dict[str, Any],
    sender: str | None = None, fork: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "file": copy.name if copy is not None else "",
        "original": original,
        "sha256": hashlib.sha256(data).hexdigest(),
        "reason": key,
        "params": {k: (v if isinstance(v, (int, str)) else str(v)) for k, v in params.items()},
        "sender": sender or "",
        "time": now_iso(),
        "fork": fork,
    }


def add_records(store: Store, records: list[dict[str, Any]]) -> None:
    for record in records:
        store.put_doc(TABLE, record["file"] or record["sha256"], record)


def records(store: Store) -> list[dict[str, Any]]:
    return sorted(store.all_docs(TABLE).values(), key=lambda r: (r["time"], r["file"]))


def quarantined_feeds(store: Store) -> dict[str, dict[str, Any]]:
    return store.get_doc(SYNC_TABLE, FEEDS_DOC, {}) or {}


def quarantine_feeds(store: Store, additions: dict[str, dict[str, Any]]) -> None:
    if additions:
        current = quarantined_feeds(store)
        current.update(additions)
        store.put_doc(SYNC_TABLE, FEEDS_DOC, current)


def release_feed(store: Store, feed: str) -> bool:
    """Lift a feed's quarantine. False if it was not quarantined."""
    current = quarantined_feeds(store)
    if feed not in current:
        return False
    del current[feed]
    store.put_doc(SYNC_TABLE, FEEDS_DOC, current)
    return True


def revoke_device(ws: Any, device: str, reason: str) -> Any:
    """Record ``device.revoke`` in the township feed: the device's future bundles are refused, and
    the revocation reaches the village's other laptops with their next kits. A quarantine after a
    fork is lifted at the same time (the revocation supersedes it)."""
    from fieldkit.core.errors import FieldkitError
    from sync.township import require_township

    code = require_township(ws)
    reason = " ".join((reason or "").split())[:200]
    if not reason:
        raise FieldkitError("sync.empty_reason")
    known = ws.state().devices.get(device)
    if known is None or not known.enrolled:
        raise FieldkitError("sync.unknown_device_id", device=device[:40])
    if known.revoked:
        raise FieldkitError("sync.already_revoked", device=device)
    entry = ws.record("device.revoke", f"dev:{device}", [], {"device": device, "reason": reason}, feed=f"t-{code}")
    release_feed(ws.store, device)
    return entry
