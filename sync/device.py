"""The laptop's side of provisioning: create a device workspace, write its enrolment request, and
import kits from the township. Operations only; the CLI prints.

Device workspace (``fieldkit.core.workspace``): ``workspace.json`` holds ``device`` (= ``feed``, the
device's feed id ``d-<16 hex>``), ``name`` (the cadre or laptop name), ``signing_public`` and
``recipient``; after the first kit also ``township``, ``township_name``, ``township_fingerprint``,
``village`` and ``village_name`` (for display; the trusted township key is the one in the store's
``township.init``, which nobody can change without the store key). The key file holds ``signing``
(Ed25519 seed, hex) and ``device`` (the age identity kits and the cadre's own dossiers are encrypted to).

The enrolment request is plain JSON (it holds nothing secret), self-signed so a typo or a swapped
key is caught at the township::

    {"format": "fieldkit-enrol-request/1", "device", "name", "signing_public", "recipient",
     "created", "signature"}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldkit.core import age
from fieldkit.core.atomic import atomic_write
from fieldkit.core.canonical import canonical, now_iso
from fieldkit.core.errors import FieldkitError
from fieldkit.core.files import read_file
from fieldkit.core.feed import new_device_feed_id
from fieldkit.core.keys import SigningKey, fingerprint, verify
from fieldkit.core.workspace import Workspace
from sync.container import DEFAULT_SIZE_CAP
from sync.kit import Receiver, VerifiedKit, import_kit, read_kit

REQUEST_FORMAT = "fieldkit-enrol-request/1"
REQUEST_FIELDS = {"format", "device", "name", "signing_public", "recipient", "created", "signature"}
REQUEST_MAX_BYTES = 64 * 1024
SIGNING_SECRET = "signing"
DEVICE_SECRET = "device"
MAX_NAME = 40

_DEVICE_ID = re.compile(r"d-[0-9a-f]{16}")
_HEX32 = re.compile(r"[0-9a-f]{64}")


def check_name(name: str, key: str = "device.bad_name") -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME or any(not ch.isprintable() for ch in name):
        raise FieldkitError(key, max=MAX_NAME)
    return name


# ------------------------------------------------------------------------------ init and request


def init_device(path: Path, *, name: str, passphrase: str) -> Workspace:
    """A new device workspace in ``path`` with fresh keys and a fresh feed id."""
    name = check_name(name)
    device_id = new_device_feed_id()
    signing = SigningKey.generate()
    identity = age.X25519Identity.generate()
    info = {
        "device": device_id,
        "feed": device_id,
        "name": name,
        "signing_public": signing.public_hex(),
        "recipient": identity.recipient().to_string(),
    }
    secrets = {SIGNING_SECRET: signing.to_hex(), DEVICE_SECRET: identity.to_string()}
    return Workspace.create(Path(path), "device", info, secrets, passphrase)


def request_document(ws: Workspace) -> dict[str, Any]:
    """The signed enrolment request for the device workspace ``ws``."""
    info = ws.info
    doc = {
        "format": REQUEST_FORMAT,
        "device": info["device"],
        "name": info["name"],
        "signing_public": info["signing_public"],
        "recipient": info["recipient"],
        "created": now_iso(),
    }
    doc["signature"] = SigningKey.from_hex(ws.secrets[SIGNING_SECRET]).sign(canonical(doc))
    return doc


def default_request_path(ws_path: Path, device_id: str) -> Path:
    """Next to the workspace: ``<workspace folder>/enrol-<device id>.json``, easy to find and copy."""
    return Path(ws_path) / f"enrol-{device_id}.json"


def write_request(ws: Workspace, out: Path | None = None) -> Path:
    path = Path(out) if out is not None else default_request_path(ws.path, ws.info["device"])
    if path.is_dir():
        path = path / f"enrol-{ws.info['device']}.json"
    text = json.dumps(request_document(ws), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write(path, text.encode("utf-8"))
    return path


@dataclass(frozen=True)
class EnrolRequest:
    device: str
    name: str
    signing_public: str
    recipient: str
    created: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public)


def read_request(path: Path) -> EnrolRequest:
    """Read and check an enrolment request: shape, key formats, self-signature."""
    path = Path(path)
    label = path.name
    if path.is_dir():
        raise FieldkitError("device.bad_request", file=label)
    data = read_file(path, limit=REQUEST_MAX_BYTES, too_big=lambda size: FieldkitError("device.bad_request", file=label))
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except ValueError:
        raise FieldkitError("device.bad_request", file=label) from None
    if not isinstance(doc, dict) or doc.keys() != REQUEST_FIELDS or not all(isinstance(v, str) for v in doc.values()):
        raise FieldkitError("device.bad_request", file=label)
    if doc["format"] != REQUEST_FORMAT or not _DEVICE_ID.fullmatch(doc["device"]) or not _HEX32.fullmatch(doc["signing_public"]):
        raise FieldkitError("device.bad_request", file=label)
    try:
        age.X25519Recipient.from_string(doc["recipient"])
    except age.AgeError:
        raise FieldkitError("device.bad_request", file=label) from None
    unsigned = {k: v for k, v in doc.items() if k != "signature"}
    if not verify(doc["signing_public"], canonical(unsigned), doc["signature"]):
        raise FieldkitError("device.request_bad_signature", file=label)
    name = check_name(doc["name"], "device.bad_request_name")
    return EnrolRequest(doc["device"], name, doc["signing_public"], doc["recipient"], doc["created"])


# ------------------------------------------------------------------------------ kits


def require_device(ws: Workspace) -> None:
    if ws.kind != "device":
        raise FieldkitError("device.not_device", path=str(ws.path), kind=ws.kind)


def receiver_for(ws: Workspace) -> Receiver:
    """What this laptop trusts and knows, from its keys and its (authenticated, encrypted) store."""
    require_device(ws)
    info = ws.info
    state = ws.state()
    township = state.township
    me = state.devices.get(info["device"])
    devices = {d.id: (d.signing_public, d.village) for d in state.devices.values() if d.enrolled}
    return Receiver(
        device=info["device"],
        signing_public=info["signing_public"],
        recipient=info["recipient"],
        identity=age.X25519Identity.from_string(ws.secrets[DEVICE_SECRET]),
        township=township.code if township else None,
        pinned_key=township.signing_public if township else None,
        village=me.village if me is not None and me.enrolled else None,
        devices=devices,
    )


def verify_kit_file(ws: Workspace, path: Path, *, size_cap: int = DEFAULT_SIZE_CAP) -> VerifiedKit:
    """Every check on the kit; nothing is written. The caller shows ``kit.fingerprint`` (and on
    ``kit.first_trust`` asks the cadre to compare it with the paper) before ``apply_kit``."""
    return read_kit(Path(path), receiver_for(ws), size_cap=size_cap)


@dataclass(frozen=True)
class KitImport:
    added: dict[str, int]  # feed id -> new entries
    township: str
    township_name: str
    village: str
    village_name: str
    fingerprint: str

    @property
    def total(self) -> int:
        return sum(self.added.values())


def apply_kit(ws: Workspace, kit: VerifiedKit) -> KitImport:
    """Import a verified kit into the store, then note township and village in workspace.json."""
    added = import_kit(ws.store, kit)
    state = ws.state()
    village = state.villages.get(kit.village)
    result = KitImport(
        added=added,
        township=kit.township["code"],
        township_name=kit.township["name"],
        village=kit.village,
        village_name=village.name if village else "",
        fingerprint=kit.fingerprint,
    )
    ws.update_info(
        township=result.township,
        township_name=result.township_name,
        township_fingerprint=result.fingerprint,
        village=result.village,
        village_name=result.village_name,
    )
    from sync.refresh import record_receipt  # local: sync.refresh imports this module

    record_receipt(ws, kit)
    return result
