"""The township office's provisioning operations: init, household roster import, device enrolment.
Operations only; the CLI prints.

Township workspace (``fieldkit.core.workspace``, kind ``township``): ``workspace.json`` holds
``township`` (9-digit code), ``name``, ``feed`` (``t-<code>``, the township-wide feed), the public
keys ``signing_public``, ``office_recipient`` and ``dossier_recipient``, and ``dossier_key_file``.

Keys:

- ``keys.age`` (the office passphrase): ``signing`` (Ed25519 seed, hex: signs enrolments, kits,
  receipts, checkpoints of the township's feeds) and ``office`` (age identity: bundles from laptops
  are encrypted to it).
- ``dossier-key.age`` (its own passphrase): ``dossier`` (age identity: key-person dossiers are
  encrypted to it). A separate file so the 派出所 liaison can hold it — copy it to their USB stick
  and delete it from the office PC — without being able to sign kits, and the office staff can run
  everything else without being able to read dossiers. Like every key file it is a plain age file:
  ``age -d dossier-key.age`` with its passphrase opens it. The CLI reads its passphrase from
  ``FIELDKIT_DOSSIER_PASSPHRASE``, falling back to ``FIELDKIT_PASSPHRASE``, else prompts.

Feeds the township writes: ``t-<code>`` (``township.init``, ``form.publish`` of the default forms,
``device.enroll``/``device.revoke``) and one ``t-<code>-<village code>`` per village (the roster:
``village.set``, ``household.set``, ``person.set``; later resolutions).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldkit.core import age
from fieldkit.core.canonical import now_iso
from fieldkit.core.errors import FieldkitError
from fieldkit.core.gcpause import paused_gc
from fieldkit.core.feed import Entry, chain_entry
from fieldkit.core.keys import SigningKey, fingerprint, write_keyfile
from fieldkit.core.model import State
from fieldkit.core.roster import RosterParse, RosterPlan, parse_roster, plan_roster_import
from fieldkit.core.workspace import Workspace
from surveys import Form, default_forms
from sync.device import EnrolRequest
from sync.kit import build_kit, make_certificate, township_feed, township_kit_feed, village_feed

SIGNING_SECRET = "signing"
OFFICE_SECRET = "office"
DOSSIER_SECRET = "dossier"
DOSSIER_KEY_FILE = "dossier-key.age"
MAX_NAME = 40

_CODE = re.compile(r"[0-9]{9}")
_VILLAGE_CODE = re.compile(r"[0-9]{12}")

Progress = Callable[[int, int], None]
PlannedLike = tuple[str, str, Sequence[str], dict[str, Any]]  # (type, entity, base, body)


def _no_progress(done: int, total: int) -> None:
    pass


# ------------------------------------------------------------------------------ batch recording


def record_many(
    ws: Workspace,
    feed: str,
    events: Sequence[PlannedLike],
    *,
    time: str | None = None,
    progress: Progress = _no_progress,
    batch: int = 2048,
) -> list[Entry]:
    """Append many events to ``feed`` with few durable writes (one per segment, plus the manifest
    once per batch), instead of one fsync'd rewrite per event. Durable when it returns; on a crash
    midway, whole batches are on disk and the rest is not (the chain is always valid; a roster
    import run again records only what is still missing). ``progress(done, total)`` after each batch.

    Built on ``Store.add_many``; the entries come from ``chain_entry`` (every field checked, bytes
    serialised once), so the store need not parse them back.
    """
    time = time or now_iso()
    length, head = ws.store.head(feed)
    written: list[Entry] = []
    total = len(events)
    # Batches end on segment boundaries, so no segment is written twice.
    segment = max(1, getattr(ws.store, "segment_size", 1))
    batch = max(segment, batch - batch % segment)
    start = 0
    while start < total:
        end = min(total, start + batch - (length % batch))
        chunk: list[Entry] = []
        for type_, entity, base, body in events[start:end]:
            entry = chain_entry(feed, length + 1, head, time, type_, entity, base, body)
            chunk.append(entry)
            length, head = entry.seq, entry.hash
        written.extend(ws.store.add_many({feed: chunk}, trusted=True)[feed])
        start = end
        progress(start, total)
    return written


# ------------------------------------------------------------------------------ init


def check_code(code: str) -> str:
    code = (code or "").strip()
    if not _CODE.fullmatch(code):
        raise FieldkitError("township.bad_code", code=code[:20])
    return code


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME or any(not ch.isprintable() for ch in name):
        raise FieldkitError("township.bad_name", max=MAX_NAME)
    return name


def init_township(
    path: Path,
    *,
    code: str,
    name: str,
    passphrase: str,
    dossier_passphrase: str,
    forms: dict[str, Form] | None = None,
) -> Workspace:
    """A new township workspace: keys, ``dossier-key.age``, and ``township.init`` + ``form.publish``
    of ``forms`` (default: the shipped forms) in ``t-<code>``."""
    code, name = check_code(code), check_name(name)
    forms = forms if forms is not None else default_forms()
    if not dossier_passphrase:
        raise FieldkitError("township.dossier_passphrase_empty")
    signing = SigningKey.generate()
    office = age.X25519Identity.generate()
    dossier = age.X25519Identity.generate()
    info = {
        "township": code,
        "name": name,
        "feed": township_feed(code),
        "signing_public": signing.public_hex(),
        "office_recipient": office.recipient().to_string(),
        "dossier_recipient": dossier.recipient().to_string(),
        "dossier_key_file": DOSSIER_KEY_FILE,
    }
    secrets = {SIGNING_SECRET: signing.to_hex(), OFFICE_SECRET: office.to_string()}
    path = Path(path)
    ws = Workspace.create(path, "township", info, secrets, passphrase)
    try:
        write_keyfile(path / DOSSIER_KEY_FILE, {DOSSIER_SECRET: dossier.to_string()}, dossier_passphrase)
        events: list[PlannedLike] = [
            ("township.init", f"twp:{code}", [], {
                "code": code,
                "name": name,
                "signing_public": info["signing_public"],
                "office_recipient": info["office_recipient"],
                "dossier_recipient": info["dossier_recipient"],
            })
        ]
        for form_id, form in sorted(forms.items()):
            events.append(("form.publish", f"form:{form_id}", [], {"id": form_id, "version": form.version,
                                                                   "yaml": form.text}))
        record_many(ws, township_feed(code), events)
    except BaseException:
        # Half a township is worse than none: the folder was empty, leave it empty to start again.
        ws.close()
        for child in path.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
        raise
    return ws


def require_township(ws: Workspace) -> str:
    if ws.kind != "township":
        raise FieldkitError("township.not_township", path=str(ws.path), kind=ws.kind)
    return ws.info["township"]


def township_fingerprint(ws: Workspace) -> str:
    return fingerprint(ws.info["signing_public"])


# ------------------------------------------------------------------------------ roster


@dataclass(frozen=True)
class RosterImport:
    parse: RosterParse
    plan: RosterPlan
    written: int  # entries recorded
    feeds: dict[str, int]  # village feed -> entries recorded


def parse_roster_file(path: Path) -> RosterParse:
    return parse_roster(Path(path))


def plan_roster(
    ws: Workspace, parse: RosterParse, *, skip_bad_rows: bool = False, village_codes: dict[str, str] | None = None
) -> RosterPlan:
    """The events the roster implies (``RosterRefused`` if it has problems and not ``skip_bad_rows``)."""
    code = require_township(ws)
    return plan_roster_import(parse, ws.state(), code, village_codes=village_codes, skip_bad_rows=skip_bad_rows)


def record_roster(ws: Workspace, parse: RosterParse, plan: RosterPlan, *, progress: Progress = _no_progress) -> RosterImport:
    """Record a plan's events, each in its village's feed ``t-<code>-<village code>``."""
    code = require_township(ws)
    total = len(plan.events)
    done = 0
    progress(0, total)
    feeds: dict[str, int] = {}
    time = now_iso()
    for village, events in plan.by_village().items():
        feed = village_feed(code, village)
        offset = done
        entries = record_many(
            ws,
            feed,
            [(e.type, e.entity, e.base, e.body) for e in events],
            time=time,
            progress=lambda n, _t, offset=offset: progress(offset + n, total),
        )
        feeds[feed] = len(entries)
        done += len(events)
    progress(total, total)
    return RosterImport(parse=parse, plan=plan, written=done, feeds=feeds)


def import_roster(
    ws: Workspace,
    path: Path,
    *,
    skip_bad_rows: bool = False,
    village_codes: dict[str, str] | None = None,
    progress: Progress = _no_progress,
) -> RosterImport:
    """Parse, plan and record in one go (``RosterRefused`` before anything is written)."""
    with paused_gc():
        parse = parse_roster_file(path)
        plan = plan_roster(ws, parse, skip_bad_rows=skip_bad_rows, village_codes=village_codes)
        return record_roster(ws, parse, plan, progress=progress)


# ------------------------------------------------------------------------------ enrolment


def resolve_village(state: State, township: str, village: str) -> str:
    """A village code from a code or a name; ``township.unknown_village`` / ``ambiguous_village``."""
    text = (village or "").strip()
    if _VILLAGE_CODE.fullmatch(text):
        if text in state.villages and text.startswith(township):
            return text
        raise FieldkitError("township.unknown_village", village=text)
    matches = [v.code for v in state.villages.values() if v.name == text and v.code.startswith(township)]
    if not matches:
        raise FieldkitError("township.unknown_village", village=text[:40])
    if len(matches) > 1:
        raise FieldkitError("township.ambiguous_village", village=text[:40], codes="、".join(matches))
    return matches[0]


@dataclass(frozen=True)
class Enrolment:
    device: str
    name: str
    village: str
    village_name: str
    recorded: bool  # False when the device was already enrolled (the kit is issued again)
    kit: bytes


def enroll(ws: Workspace, request: EnrolRequest, village: str) -> Enrolment:
    """Record ``device.enroll`` (unless already enrolled with the same keys and village) and build
    the enrolment kit. The caller writes ``Enrolment.kit`` to the stick."""
    code = require_township(ws)
    state = ws.state()
    village_code = resolve_village(state, code, village)
    known = state.devices.get(request.device)
    recorded = False
    if known is not None:
        if known.revoked:
            raise FieldkitError("township.device_revoked", device=request.device)
        same = (known.signing_public, known.recipient, known.village) == (
            request.signing_public,
            request.recipient,
            village_code,
        )
        if not same:
            raise FieldkitError("township.device_conflict", device=request.device, village=known.village)
    else:
        ws.record(
            "device.enroll",
            f"dev:{request.device}",
            [],
            {
                "device": request.device,
                "name": request.name,
                "village": village_code,
                "signing_public": request.signing_public,
                "recipient": request.recipient,
            },
            feed=township_feed(code),
        )
        recorded = True
        state = ws.state()
    kit = build_kit_for(ws, request.device, village_code, name=request.name,
                        signing_public=request.signing_public, recipient=request.recipient)
    return Enrolment(
        device=request.device,
        name=request.name,
        village=village_code,
        village_name=state.villages[village_code].name,
        recorded=recorded,
        kit=kit,
    )


def build_kit_for(
    ws: Workspace,
    device: str,
    village: str,
    *,
    name: str,
    signing_public: str,
    recipient: str,
    extra_feeds: dict[str, Any] | None = None,
    receipt: dict[str, Any] | None = None,
    revocations: Sequence[str] = (),
) -> bytes:
    """A kit for ``device`` of ``village``: certificate, township keys, ``t-<code>`` and the village's
    roster feed with fresh township checkpoints, plus ``extra_feeds`` (``sync.kit.KitFeed`` by feed id,
    e.g. other devices' feeds of the village with their own checkpoints, for refresh kits)."""
    code = require_township(ws)
    info = ws.info
    key = SigningKey.from_hex(ws.secrets[SIGNING_SECRET])
    feeds = {}
    for feed in (township_feed(code), village_feed(code, village)):
        entries = ws.store.feed(feed)
        if entries:
            feeds[feed] = township_kit_feed(key, code, feed, entries)
    feeds.update(extra_feeds or {})
    township = {
        "code": code,
        "name": info["name"],
        "signing_public": info["signing_public"],
        "office_recipient": info["office_recipient"],
        "dossier_recipient": info["dossier_recipient"],
    }
    certificate = make_certificate(
        key, township=code, device=device, name=name, village=village,
        signing_public=signing_public, recipient=recipient,
    )
    return build_kit(
        township=township,
        township_key=key,
        device=device,
        device_recipient=recipient,
        village=village,
        certificate=certificate,
        feeds=feeds,
        receipt=receipt,
        revocations=revocations,
    )
