"""Bundles (laptop → USB stick → township): write one from a device workspace; read and verify one.

A bundle is a container (``sync.container``) of kind ``bundle``. Header fields besides the common ones:
``village``, ``device`` (= the sender, the laptop's feed id) and
``feeds: [{feed, from_seq, to_seq, head, checkpoint: {seq, head, sig, signer}}]`` (one feed: the
laptop's own; the checkpoint is the device's signature over (township, feed, to_seq, head)). The
body, encrypted to the township office key, is ``{"feeds": {feed: [entry JSON text, ...]}}``.

By default a bundle carries the whole feed: merging is idempotent, so exporting everything again is
harmless and a lost stick costs nothing. ``since_receipt`` starts after the township's last signed
receipt instead (smaller, but only useful once the township has merged everything before it).

The file is written atomically (temp name in the same folder, fsync, rename, fsync the folder): a
stick pulled out mid-write leaves at most a ``.<name>.<hex>.tmp`` file, which never looks like a
bundle. The name tells the office whose it is without naming anyone:
``fk-<township>-<village>-<device id>-<YYYYMMDD-HHMM>.fkb``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from fieldkit.core import age
from fieldkit.core.atomic import atomic_write
from fieldkit.core.canonical import canonical, now_iso, parse_time
from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import Entry
from fieldkit.core.keys import SigningKey
from fieldkit.core.workspace import Workspace
from sync.checkpoint import make_signed_head
from sync.container import DEFAULT_SIZE_CAP, seal
from sync.verify import Trust, Verified, verify_feed_file

KIND = "bundle"
SUFFIX = ".fkb"
SIGNING_SECRET = "signing"  # the device key file entry (see sync.device)

Progress = Callable[[int, int], None]

_SAFE = re.compile(r"[^0-9A-Za-z-]")


def bundle_name(township: str, village: str, device: str, when: datetime) -> str:
    """``fk-<township>-<village>-<device id>-<YYYYMMDD-HHMM>.fkb``: ASCII, ids only."""
    parts = [_SAFE.sub("", p) or "x" for p in (township, village, device)]
    return f"fk-{parts[0]}-{parts[1]}-{parts[2]}-{when.strftime('%Y%m%d-%H%M')}{SUFFIX}"


def build_bundle(ws: Workspace, *, since_receipt: bool = False, created: str | None = None) -> tuple[bytes, dict[str, Any]]:
    """The bytes of a bundle of ``ws``'s own feed, and a summary ({feed, first, last, count, name})."""
    if ws.kind != "device":
        raise FieldkitError("cli.wrong_kind", path=str(ws.path), kind=ws.kind, expected="device")
    info = ws.info
    state = ws.state()
    township = state.township
    device = info.get("device") or ws.feed_id
    if township is None or not info.get("village") or not device:
        raise FieldkitError("sync.not_enrolled")
    feed = device
    entries = ws.store.feed(feed)
    if not entries:
        raise FieldkitError("sync.empty_feed")
    start = 1
    if since_receipt:
        from sync.refresh import latest_receipt  # the receipt the last kit brought

        receipt = latest_receipt(ws)
        if receipt is not None and receipt["seq"] <= len(entries) and entries[receipt["seq"] - 1].hash == receipt["head"]:
            start = receipt["seq"] + 1
        if start > len(entries):
            raise FieldkitError("sync.nothing_new")
    run = entries[start - 1 :]
    key = SigningKey.from_hex(ws.secrets[SIGNING_SECRET])
    created = created or now_iso()
    data = seal_bundle(
        township=township.code, village=info["village"], device=device, signing_key=key,
        office_recipient=township.office_recipient, entries=run, created=created,
    )
    name = bundle_name(township.code, info["village"], device, parse_time(created))
    return data, {"feed": feed, "first": start, "last": run[-1].seq, "count": len(run), "name": name}


def seal_bundle(
    *, township: str, village: str, device: str, signing_key: SigningKey, office_recipient: str,
    entries: Sequence[Entry], created: str | None = None,
) -> bytes:
    """The bytes of a bundle carrying ``entries`` (a contiguous run of ``device``'s feed)."""
    head = entries[-1]
    checkpoint = make_signed_head(signing_key, device, township, device, head.seq, head.hash)
    body = canonical({"feeds": {device: [entry.raw.decode("utf-8") for entry in entries]}})
    return seal(
        KIND,
        township=township,
        sender=device,
        signing_key=signing_key,
        recipients=[age.X25519Recipient.from_string(office_recipient)],
        body=body,
        fields={
            "village": village,
            "device": device,
            "feeds": [{"feed": device, "from_seq": entries[0].seq, "to_seq": head.seq, "head": head.hash,
                       "checkpoint": checkpoint.as_dict()}],
        },
        created=created,
    )


def write_bundle(
    workspace: Workspace, dest_dir: Path, progress: Progress | None = None, *, since_receipt: bool = False
) -> Path:
    """Export ``workspace``'s feed as a bundle into ``dest_dir`` (e.g. the USB stick). Returns its path.

    Atomic: after a crash or a pulled stick there is either the complete file or no ``.fkb`` at all.
    """
    dest = Path(dest_dir)
    if not dest.is_dir():
        raise FieldkitError("io.not_found", path=str(dest))
    if progress:
        progress(0, 3)
    data, summary = build_bundle(workspace, since_receipt=since_receipt)
    if progress:
        progress(2, 3)
    path = dest / summary["name"]
    if path.exists():  # two exports in the same minute: never overwrite, add a counter
        n = 2
        while (dest / f"{path.stem}-{n}{SUFFIX}").exists():
            n += 1
        path = dest / f"{path.stem}-{n}{SUFFIX}"
    atomic_write(path, data)
    if progress:
        progress(3, 3)
    return path


def bundle_summary(path: Path) -> dict[str, Any]:
    """What ``write_bundle`` wrote (for the export screen): first/last seq and entry count, from the header."""
    from sync.container import read_container

    header = read_container(Path(path), KIND).header
    feed = header["feeds"][0]
    return {"feed": feed["feed"], "first": feed["from_seq"], "last": feed["to_seq"],
            "count": feed["to_seq"] - feed["from_seq"] + 1}


def _laptop_feed_only(container, feed: str) -> bool:
    header = container.header
    return feed == header["sender"] and header.get("device") == header["sender"]


def verify_bundle(data: bytes, label: str, trust: Trust) -> Verified:
    """Import checks 1-8 (``sync.verify``) for a laptop bundle: it may carry only its own feed."""
    return verify_feed_file(data, label, trust, KIND, _laptop_feed_only)


def read_bundle(path: Path, trust: Trust, size_cap: int = DEFAULT_SIZE_CAP) -> Verified:
    from sync.verify import read_import_file

    path = Path(path)
    return verify_bundle(read_import_file(path, size_cap), path.name, trust)
