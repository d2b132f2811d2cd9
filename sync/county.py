"""County: a township master travels as one county bundle; a county workspace merges them.

County bundle: a container of kind ``county`` (file ``*.fkc``), sender ``t-<code>``, header fields
``feeds: [{feed, from_seq, to_seq, head, checkpoint}]`` like a laptop bundle, body
``{"feeds": {feed: [entry JSON text, ...]}}`` encrypted to the county office key. It carries every
feed of the township master:

- the township's own feeds (``t-<code>``, ``t-<code>-<village>``) with checkpoints the township
  signs now;
- every device feed up to the checkpoint the device itself signed (kept by the merge), so the
  county checks each laptop's entries against the laptop's own key, learned from the
  ``device.enroll`` in the township feed (signed by the township).

County workspace (kind ``county``): ``workspace.json`` holds ``county`` (6-digit code), ``name``,
``signing_public`` and ``office_recipient`` (townships encrypt to it); the key file ``signing`` and
``office``. Townships are registered from their public ``workspace.json`` (store document
``county/townships``); their fingerprint is shown to be confirmed by phone. Merging uses the same
code and the same checks as a township merging laptop bundles (``sync.merge.merge_files``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fieldkit.core import age
from fieldkit.core.atomic import atomic_write
from fieldkit.core.canonical import canonical, now_iso, parse_time
from fieldkit.core.errors import FieldkitError
from fieldkit.core.keys import SigningKey, fingerprint
from fieldkit.core.workspace import Workspace
from sync.checkpoint import make_signed_head
from sync.container import seal
from sync.merge import stored_checkpoints
from sync.township import SIGNING_SECRET, check_name, require_township
from sync.verify import Trust, Verified, is_device_feed, township_of_feed, verify_feed_file

KIND = "county"
SUFFIX = ".fkc"
TABLE = "county"
TOWNSHIPS_DOC = "townships"
OFFICE_SECRET = "office"

_COUNTY = re.compile(r"[0-9]{6}")
_HEX32 = re.compile(r"[0-9a-f]{64}")


def init_county(path: Path, *, code: str, name: str, passphrase: str) -> Workspace:
    """A new county workspace: signing key, office key (township masters are encrypted to it)."""
    code = (code or "").strip()
    if not _COUNTY.fullmatch(code):
        raise FieldkitError("sync.bad_county_code", code=code[:20])
    name = check_name(name)
    signing = SigningKey.generate()
    office = age.X25519Identity.generate()
    info = {
        "county": code,
        "name": name,
        "signing_public": signing.public_hex(),
        "office_recipient": office.recipient().to_string(),
    }
    return Workspace.create(Path(path), "county", info, {SIGNING_SECRET: signing.to_hex(), OFFICE_SECRET: office.to_string()}, passphrase)


def require_county(ws: Workspace) -> str:
    if ws.kind != "county":
        raise FieldkitError("cli.wrong_kind", path=str(ws.path), kind=ws.kind, expected="county")
    return ws.info["county"]


def registered_townships(store: Any) -> dict[str, dict[str, str]]:
    return store.get_doc(TABLE, TOWNSHIPS_DOC, {}) or {}


def read_township_info(path: Path) -> dict[str, str]:
    """The public part of a township's ``workspace.json``: code, name, signing key."""
    path = Path(path)
    try:
        info = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise FieldkitError("io.not_found", path=str(path)) from None
    except (OSError, ValueError):
        raise FieldkitError("sync.bad_township_file", file=path.name) from None
    if (
        not isinstance(info, dict)
        or info.get("kind") != "township"
        or not isinstance(info.get("township"), str)
        or not re.fullmatch(r"[0-9]{9}", info["township"])
        or not isinstance(info.get("signing_public"), str)
        or not _HEX32.fullmatch(info["signing_public"])
    ):
        raise FieldkitError("sync.bad_township_file", file=path.name)
    return {"code": info["township"], "name": str(info.get("name", ""))[:40], "signing_public": info["signing_public"]}


def register_township(ws: Workspace, township: dict[str, str]) -> str:
    """Trust ``township`` (from ``read_township_info``) in county ``ws``. Returns its key fingerprint."""
    county = require_county(ws)
    if not township["code"].startswith(county):
        raise FieldkitError("sync.wrong_county", township=township["code"], county=county)
    current = registered_townships(ws.store)
    known = current.get(township["code"])
    if known is not None and known["signing_public"] != township["signing_public"]:
        raise FieldkitError("sync.township_key_changed", township=township["code"])
    current[township["code"]] = {"name": township["name"], "signing_public": township["signing_public"], "added": now_iso()}
    ws.store.put_doc(TABLE, TOWNSHIPS_DOC, current)
    return fingerprint(township["signing_public"])


def county_recipient(value: str) -> str:
    """An ``age1…`` recipient given directly, or read from a county's ``workspace.json``."""
    if value.startswith("age1"):
        age.X25519Recipient.from_string(value)
        return value
    path = Path(value)
    try:
        info = json.loads(path.read_bytes().decode("utf-8"))
        recipient = info["office_recipient"] if info.get("kind") == "county" else None
    except FileNotFoundError:
        raise FieldkitError("io.not_found", path=str(path)) from None
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        recipient = None
    if not isinstance(recipient, str):
        raise FieldkitError("sync.bad_county_file", file=path.name)
    age.X25519Recipient.from_string(recipient)
    return recipient


def build_county_bundle(ws: Workspace, recipient: str, *, created: str | None = None) -> tuple[bytes, dict[str, Any]]:
    """The township master ``ws`` as one county bundle for ``recipient``; and a summary."""
    code = require_township(ws)
    key = SigningKey.from_hex(ws.secrets[SIGNING_SECRET])
    checkpoints = stored_checkpoints(ws.store)
    claims: list[dict[str, Any]] = []
    feeds: dict[str, list[str]] = {}
    for feed, entries in sorted(ws.store.feeds().items()):
        if township_of_feed(feed) == code:
            cp = make_signed_head(key, f"t-{code}", code, feed, entries[-1].seq, entries[-1].hash)
        elif is_device_feed(feed) and feed in checkpoints:
            cp = checkpoints[feed]
            entries = entries[: cp.seq]
            if len(entries) != cp.seq or entries[-1].hash != cp.head:
                continue
        else:
            continue
        claims.append({"feed": feed, "from_seq": 1, "to_seq": cp.seq, "head": cp.head, "checkpoint": cp.as_dict()})
        feeds[feed] = [e.raw.decode("utf-8") for e in entries]
    created = created or now_iso()
    data = seal(
        KIND,
        township=code,
        sender=f"t-{code}",
        signing_key=key,
        recipients=[age.X25519Recipient.from_string(recipient)],
        body=canonical({"feeds": feeds}),
        fields={"feeds": claims},
        created=created,
    )
    name = f"fk-county-{code}-{parse_time(created).strftime('%Y%m%d-%H%M')}{SUFFIX}"
    return data, {"name": name, "feeds": len(claims), "entries": sum(len(v) for v in feeds.values())}


def write_county_bundle(ws: Workspace, out: Path, recipient: str) -> tuple[Path, dict[str, Any]]:
    data, summary = build_county_bundle(ws, recipient)
    out = Path(out)
    path = out / summary["name"] if out.is_dir() else out
    atomic_write(path, data)
    return path, summary


def _county_feeds(container: Any, feed: str) -> bool:
    """A township may pass on its own feeds and the device feeds it holds (checked against the
    devices' own keys after decryption)."""
    return township_of_feed(feed) == container.header["township"] or is_device_feed(feed)


def verify_county_bundle(data: bytes, label: str, trust: Trust) -> Verified:
    """Import checks 1-8 (``sync.verify``) for a county bundle."""
    return verify_feed_file(data, label, trust, KIND, _county_feeds)
