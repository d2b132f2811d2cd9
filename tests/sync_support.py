"""Builders for sync tests: a township with the sample roster, enrolled laptops recording visits.

Everything goes through the real code paths (township init, roster import, enrolment request,
enrolment kit, kit import, ``Workspace.record``); only the field app is replaced by direct records.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from fieldkit.core.workspace import Workspace
from sync import device as device_ops
from sync import township as township_ops
from sync.bundle import write_bundle
from sync.digest import content_digest
from sync.merge import held_view

PASS = "testpass123"
ROSTER = Path(__file__).resolve().parent / "data" / "roster_hongxing.csv"
TOWNSHIP = "110101001"
VILLAGE = "110101001001"


def make_township(path: Path, code: str = TOWNSHIP, name: str = "城关镇") -> Workspace:
    ws = township_ops.init_township(path, code=code, name=name, passphrase=PASS, dossier_passphrase=PASS)
    village_codes = {"红星村": f"{code}001"}
    township_ops.import_roster(ws, ROSTER, village_codes=village_codes)
    return ws


def make_device(path: Path, township: Workspace, name: str, village: str | None = None) -> Workspace:
    """A laptop enrolled in ``township`` (its enrolment kit imported)."""
    dev = device_ops.init_device(path, name=name, passphrase=PASS)
    request = device_ops.read_request(device_ops.write_request(dev, path / "request.json"))
    village = village or f"{township.info['township']}001"
    enrolment = township_ops.enroll(township, request, village)
    kit_path = path / "enrol.kit"
    kit_path.write_bytes(enrolment.kit)
    device_ops.apply_kit(dev, device_ops.verify_kit_file(dev, kit_path))
    return dev


def household_ids(ws: Workspace) -> list[str]:
    return sorted(ws.state().households)


def record_visit(ws: Workspace, household: str) -> None:
    state = ws.state()
    members = {
        m.id: {"briefed": True, "channel": "in_person", "app_installed": True, "call_warning": True,
               "joined_group": False}
        for m in state.members_of(household)
    }
    ws.record("visit", f"visit:{secrets.token_hex(16)}", [], {
        "household": household, "village": household[:12], "cadre": ws.info["name"],
        "form": {"id": "household_visit", "version": 1}, "answers": {}, "members": members,
    })


def record_visits(ws: Workspace, count: int, offset: int = 0) -> None:
    ids = household_ids(ws)
    for i in range(count):
        record_visit(ws, ids[(offset + i) % len(ids)])


def set_phone(ws: Workspace, person_id: str, phone: str) -> None:
    """A person.set from the current heads: the field app's phone edit (no CLI command edits one)."""
    state = ws.state()
    p = state.persons[person_id]
    body = {"household": p.household, "name": p.name, "sex": p.sex, "birth_year": p.birth_year, "phone": phone,
            "residence": p.residence, "relation": p.relation, "status": p.status}
    ws.record("person.set", f"p:{person_id}", list(state.heads_of(f"p:{person_id}")), body)


def export(ws: Workspace, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_bundle(ws, folder)


def digest_of(ws: Workspace) -> str:
    return content_digest(held_view(ws.store))


def copy_workspace(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("lock"))
    return target


def synthetic_bundles(township: Workspace, folder: Path, devices: int, events: int, start: int = 0) -> list[Path]:
    """Enrol ``devices`` laptops through the real enrolment and write one bundle each with ``events``
    visits, built directly (no device workspace: fast enough for crash loops and benchmarks)."""
    import hashlib

    from fieldkit.core import age
    from fieldkit.core.feed import ZERO, make_entry, new_device_feed_id
    from fieldkit.core.keys import SigningKey
    from sync.bundle import bundle_name, seal_bundle
    from sync.device import EnrolRequest
    from fieldkit.core.canonical import parse_time

    folder.mkdir(parents=True, exist_ok=True)
    code = township.info["township"]
    village = f"{code}001"
    state = township.state()
    households = sorted(h for h in state.households if h.startswith(village))
    office = township.info["office_recipient"]
    paths = []
    for n in range(start, start + devices):
        key = SigningKey.generate()
        device = new_device_feed_id()
        request = EnrolRequest(device, f"laptop{n}", key.public_hex(), age.X25519Identity.generate().recipient().to_string(),
                               "2026-11-29T09:00:00+08:00")
        township_ops.enroll(township, request, village)
        entries, prev = [], ZERO
        for seq in range(1, events + 1):
            hh = households[(seq + n) % len(households)]
            members = {m.id: {"briefed": True, "channel": "in_person", "app_installed": seq % 2 == 0,
                              "call_warning": True, "joined_group": False} for m in state.members_of(hh)}
            ident = hashlib.sha256(f"{device}/{seq}".encode()).hexdigest()[:32]
            entry = make_entry(device, seq, prev, f"2026-11-{1 + seq % 28:02d}T{9 + seq % 9:02d}:{seq % 60:02d}:00+08:00",
                               "visit", f"visit:{ident}", [], {
                                   "household": hh, "village": village, "cadre": f"cadre{n}",
                                   "form": {"id": "household_visit", "version": 1}, "answers": {}, "members": members})
            entries.append(entry)
            prev = entry.hash
        created = "2026-11-29T18:00:00+08:00"
        data = seal_bundle(township=code, village=village, device=device, signing_key=key, office_recipient=office,
                           entries=entries, created=created)
        path = folder / bundle_name(code, village, device, parse_time(created))
        path.write_bytes(data)
        paths.append(path)
    return paths
