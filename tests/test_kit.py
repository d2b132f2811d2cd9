"""Kits end to end through the sync API: enrolment, verification, import, refusals."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import make_entry
from fieldkit.core.keys import SigningKey, fingerprint
from fieldkit.core.workspace import Workspace
from sync import device as dev
from sync import township as twp
from sync.checkpoint import make_signed_head, sign_receipt
from sync.kit import KitFeed, build_kit, make_certificate, township_kit_feed, village_feed
from tests.provisioning_support import HONGXING, PASSPHRASE, TOWNSHIP, sample_roster, snapshot, tiny_roster


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """A township with two villages: 红星村 (the sample roster) and 青山村 (two households)."""
    root = tmp_path_factory.mktemp("town")
    ws = twp.init_township(root / "T", code=TOWNSHIP, name="红星镇", passphrase=PASSPHRASE, dossier_passphrase="dossier-pass")
    twp.import_roster(ws, sample_roster())
    twp.import_roster(ws, tiny_roster(root / "qingshan.csv"))
    yield ws
    ws.close()


@pytest.fixture
def laptop(tmp_path):
    made = []

    def make(name: str = "红星村张三") -> Workspace:
        ws = dev.init_device(tmp_path / f"dev{len(made)}", name=name, passphrase=PASSPHRASE)
        made.append(ws)
        return ws

    yield make
    for ws in made:
        ws.close()


def request_of(ws: Workspace) -> dev.EnrolRequest:
    return dev.read_request(dev.write_request(ws))


def kit_file(tmp_path, data: bytes, name: str = "x.kit"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def enrol_and_import(town, device_ws, tmp_path, village: str = "红星村"):
    enrolment = twp.enroll(town, request_of(device_ws), village)
    kit = dev.verify_kit_file(device_ws, kit_file(tmp_path, enrolment.kit, f"{device_ws.feed_id}.kit"))
    return enrolment, kit, dev.apply_kit(device_ws, kit)


def qingshan(town) -> str:
    return next(v.code for v in town.state().villages.values() if v.name == "青山村")


# ------------------------------------------------------------------------------ the happy path


def test_township_init_records_init_and_forms(town):
    feed = town.store.feed(f"t-{TOWNSHIP}")
    assert feed[0].type == "township.init"
    assert feed[0].body["signing_public"] == town.info["signing_public"]
    assert feed[0].body["dossier_recipient"] == town.info["dossier_recipient"]
    assert {e.body["id"] for e in feed if e.type == "form.publish"} == {
        "household_visit", "village_activity", "key_person_dossier", "callback"
    }
    # the dossier key lives in its own file under its own passphrase, not in keys.age
    assert "dossier" not in town.secrets
    from fieldkit.core.keys import WrongPassphraseError, read_keyfile

    assert set(read_keyfile(town.path / twp.DOSSIER_KEY_FILE, "dossier-pass")) == {"dossier"}
    with pytest.raises(WrongPassphraseError):
        read_keyfile(town.path / twp.DOSSIER_KEY_FILE, PASSPHRASE)


def test_enrolment_kit_brings_the_village_and_nothing_else(town, laptop, tmp_path):
    a = laptop()
    enrolment, kit, result = enrol_and_import(town, a, tmp_path)
    assert enrolment.recorded and enrolment.village == HONGXING
    assert kit.first_trust and kit.fingerprint == fingerprint(town.info["signing_public"])
    assert set(kit.feeds) == {f"t-{TOWNSHIP}", village_feed(TOWNSHIP, HONGXING)}
    state = a.state()
    assert state.township.signing_public == town.info["signing_public"]
    assert set(state.villages) == {HONGXING}  # never another village's roster
    assert len(state.households) == 120
    assert set(state.forms) == {"household_visit", "village_activity", "key_person_dossier", "callback"}
    assert state.devices[a.feed_id].village == HONGXING
    assert result.total == sum(len(town.store.feed(f)) for f in kit.feeds)
    info = a.info
    assert (info["township"], info["village"], info["village_name"]) == (TOWNSHIP, HONGXING, "红星村")
    # the same kit again adds nothing, and is no longer a first trust
    again = dev.verify_kit_file(a, kit_file(tmp_path, enrolment.kit, "again.kit"))
    assert not again.first_trust
    assert dev.apply_kit(a, again).total == 0


def test_two_laptops_one_village_and_a_refresh_carries_the_other_laptops_feed(town, laptop, tmp_path):
    a, b = laptop("甲"), laptop("乙")
    enrol_and_import(town, a, tmp_path)
    _, kit_b, _ = enrol_and_import(town, b, tmp_path)
    enrolled = {e.body["device"] for e in kit_b.feeds[f"t-{TOWNSHIP}"] if e.type == "device.enroll"}
    assert {a.feed_id, b.feed_id} <= enrolled

    household = f"{HONGXING}-010001"
    visit = b.record("visit", "visit:" + "b" * 32, [], {
        "household": household, "village": HONGXING, "cadre": "乙", "form": {"id": "household_visit", "version": 1},
        "answers": {}, "members": {},
    })
    b_key = SigningKey.from_hex(b.secrets[dev.SIGNING_SECRET])
    checkpoint = make_signed_head(b_key, b.feed_id, TOWNSHIP, b.feed_id, visit.seq, visit.hash)
    request_a = request_of(a)
    refresh = twp.build_kit_for(
        town, a.feed_id, HONGXING, name=request_a.name, signing_public=request_a.signing_public,
        recipient=request_a.recipient, extra_feeds={b.feed_id: KitFeed(tuple(b.store.feed(b.feed_id)), checkpoint)},
    )
    kit = dev.verify_kit_file(a, kit_file(tmp_path, refresh, "refresh.kit"))
    dev.apply_kit(a, kit)
    assert [v.feed for v in a.state().visits] == [b.feed_id]

    # the same feed with a checkpoint signed by anyone but laptop B is refused
    forged = make_signed_head(SigningKey.from_hex(town.secrets[twp.SIGNING_SECRET]), b.feed_id, TOWNSHIP,
                              b.feed_id, visit.seq, visit.hash)
    bad = twp.build_kit_for(
        town, a.feed_id, HONGXING, name=request_a.name, signing_public=request_a.signing_public,
        recipient=request_a.recipient, extra_feeds={b.feed_id: KitFeed(tuple(b.store.feed(b.feed_id)), forged)},
    )
    with pytest.raises(FieldkitError) as err:
        dev.verify_kit_file(a, kit_file(tmp_path, bad, "forged.kit"))
    assert err.value.key == "kit.bad_checkpoint"


# ------------------------------------------------------------------------------ refusals


def refused(device_ws, tmp_path, data: bytes) -> str:
    before = snapshot(device_ws.path)
    with pytest.raises(FieldkitError) as err:
        kit = dev.verify_kit_file(device_ws, kit_file(tmp_path, data, "refused.kit"))
        dev.apply_kit(device_ws, kit)
    assert snapshot(device_ws.path) == before
    assert "\n" not in str(err.value)
    return err.value.key


def test_kit_for_another_device(town, laptop, tmp_path):
    a, b = laptop(), laptop()
    kit_for_b = twp.enroll(town, request_of(b), "红星村").kit
    assert refused(a, tmp_path, kit_for_b) == "kit.wrong_device"


def test_kit_from_another_township_key_after_pinning(town, laptop, tmp_path):
    a = laptop()
    enrol_and_import(town, a, tmp_path)
    for code in (TOWNSHIP, "110101002"):  # an impostor with the same code, and another township
        other = twp.init_township(tmp_path / f"other-{code}", code=code, name="别镇", passphrase=PASSPHRASE,
                                  dossier_passphrase=PASSPHRASE)
        try:
            twp.import_roster(other, tiny_roster(tmp_path / f"other-{code}.csv", village="红星村"))
            kit = twp.enroll(other, request_of(a), "红星村").kit
        finally:
            other.close()
        assert refused(a, tmp_path, kit) == ("kit.untrusted_key" if code == TOWNSHIP else "kit.wrong_township")


def test_other_villages_feed_is_refused(town, laptop, tmp_path):
    a = laptop()
    enrol_and_import(town, a, tmp_path)
    key = SigningKey.from_hex(town.secrets[twp.SIGNING_SECRET])
    other_feed = village_feed(TOWNSHIP, qingshan(town))
    extra = {other_feed: township_kit_feed(key, TOWNSHIP, other_feed, town.store.feed(other_feed))}
    request = request_of(a)
    kit = twp.build_kit_for(town, a.feed_id, HONGXING, name=request.name, signing_public=request.signing_public,
                            recipient=request.recipient, extra_feeds=extra)
    assert refused(a, tmp_path, kit) == "kit.foreign_feed"


def _kit_with_village_feed(town, device_ws, entries, checkpoint_entries=None):
    key = SigningKey.from_hex(town.secrets[twp.SIGNING_SECRET])
    feed = village_feed(TOWNSHIP, HONGXING)
    last = (checkpoint_entries or entries)[-1]
    checkpoint = make_signed_head(key, f"t-{TOWNSHIP}", TOWNSHIP, feed, last.seq, last.hash)
    request = request_of(device_ws)
    return twp.build_kit_for(town, device_ws.feed_id, HONGXING, name=request.name,
                             signing_public=request.signing_public, recipient=request.recipient,
                             extra_feeds={feed: KitFeed(tuple(entries), checkpoint)})


def test_altered_or_truncated_entries_under_a_valid_signature(town, laptop, tmp_path):
    a = laptop()
    entries = town.store.feed(village_feed(TOWNSHIP, HONGXING))
    e = entries[4]
    altered = make_entry(e.feed, e.seq, e.prev, e.time, e.type, e.entity, e.base, {**e.body, "address": "别处"})
    changed = entries[:4] + [altered] + entries[5:]
    assert refused(a, tmp_path, _kit_with_village_feed(town, a, changed, entries)) == "kit.bad_chain"
    # a chain cut short of the checkpoint's head
    assert refused(a, tmp_path, _kit_with_village_feed(town, a, entries[:-3], entries)) == "kit.bad_chain"


def test_fork_against_what_the_laptop_holds(town, laptop, tmp_path):
    a = laptop()
    enrol_and_import(town, a, tmp_path)
    entries = town.store.feed(village_feed(TOWNSHIP, HONGXING))
    e = entries[-1]
    fork = make_entry(e.feed, e.seq, e.prev, e.time, e.type, e.entity, e.base, {**e.body, "relation": "伪造"})
    assert fork.raw != e.raw
    assert refused(a, tmp_path, _kit_with_village_feed(town, a, entries[:-1] + [fork])) == "kit.fork"


def test_certificate_must_match_the_laptop(town, laptop, tmp_path):
    a, b = laptop(), laptop()
    key = SigningKey.from_hex(town.secrets[twp.SIGNING_SECRET])
    req_a, req_b = request_of(a), request_of(b)
    info = town.info
    township = {k: info[k] for k in ("signing_public", "office_recipient", "dossier_recipient")}
    township.update(code=TOWNSHIP, name=info["name"])
    feeds = {f"t-{TOWNSHIP}": township_kit_feed(key, TOWNSHIP, f"t-{TOWNSHIP}", town.store.feed(f"t-{TOWNSHIP}"))}

    def kit(cert, receipt=None):
        return build_kit(township=township, township_key=key, device=a.feed_id, device_recipient=req_a.recipient,
                         village=HONGXING, certificate=cert, feeds=feeds, receipt=receipt)

    def cert_for(req, device_id, signer=key):
        return make_certificate(signer, township=TOWNSHIP, device=device_id, name=req.name, village=HONGXING,
                                signing_public=req.signing_public, recipient=req.recipient)

    assert refused(a, tmp_path, kit(cert_for(req_b, a.feed_id))) == "kit.certificate_mismatch"
    assert refused(a, tmp_path, kit(cert_for(req_a, a.feed_id, SigningKey.generate()))) == "kit.bad_certificate"
    good_receipt = {"device": a.feed_id, "seq": 0, "head": "0" * 64,
                    "signature": sign_receipt(key, TOWNSHIP, a.feed_id, 0, "0" * 64)}
    bad_receipt = {**good_receipt, "seq": 5}
    assert refused(a, tmp_path, kit(cert_for(req_a, a.feed_id), bad_receipt)) == "kit.bad_receipt"
    ok = dev.verify_kit_file(a, kit_file(tmp_path, kit(cert_for(req_a, a.feed_id), good_receipt), "ok.kit"))
    assert ok.receipt == good_receipt


# ------------------------------------------------------------------------------ requests and enrolment rules


def test_enrolment_request_is_checked(town, laptop, tmp_path):
    a = laptop()
    path = dev.write_request(a, tmp_path / "req.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["device"] == a.feed_id and "secret" not in path.read_text(encoding="utf-8").lower()
    doc["name"] = "冒名顶替"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FieldkitError) as err:
        dev.read_request(path)
    assert err.value.key == "device.request_bad_signature"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(FieldkitError) as err:
        dev.read_request(path)
    assert err.value.key == "device.bad_request"


def test_enrol_again_same_village_is_idempotent_another_village_is_refused(town, laptop, tmp_path):
    a = laptop()
    request = request_of(a)
    first = twp.enroll(town, request, "红星村")
    before = len(town.store.feed(f"t-{TOWNSHIP}"))
    again = twp.enroll(town, request, HONGXING)  # by code this time
    assert first.recorded and not again.recorded
    assert len(town.store.feed(f"t-{TOWNSHIP}")) == before
    with pytest.raises(FieldkitError) as err:
        twp.enroll(town, request, "青山村")
    assert err.value.key == "township.device_conflict"
    with pytest.raises(FieldkitError) as err:
        twp.enroll(town, replace(request, device="d-" + "f" * 16), "不存在村")
    assert err.value.key == "township.unknown_village"


# ------------------------------------------------------------------------------ batch recording


def test_record_many_continues_the_feed_in_segment_aligned_batches(tmp_path):
    ws = dev.init_device(tmp_path / "D", name="批量", passphrase=PASSPHRASE)
    try:
        first = ws.record("activity", "act:" + "0" * 32, [], {"village": HONGXING, "kind": "banner"})
        events = [("activity", f"act:{n:032x}", [first.hash] if n % 2 else [], {"village": HONGXING, "n": n})
                  for n in range(1, 601)]
        calls = []
        written = twp.record_many(ws, ws.feed_id, events, time="2026-11-29T10:00:00+08:00", batch=256,
                                  progress=lambda done, total: calls.append((done, total)))
        assert [e.seq for e in written] == list(range(2, 602))
        assert [done for done, _ in calls] == [255, 511, 600]  # the first batch fills segment 0 exactly
        # the same bytes make_entry would have produced
        e = written[10]
        assert e.raw == make_entry(e.feed, e.seq, e.prev, e.time, e.type, e.entity, e.base, e.body).raw
    finally:
        ws.close()
    with Workspace.open(tmp_path / "D", PASSPHRASE) as again:  # verified from disk
        assert len(again.store.feed(again.feed_id)) == 601


def test_failed_township_init_leaves_the_folder_empty(tmp_path, monkeypatch):
    from fieldkit.core.errors import DiskFullError

    def full(path, *args, **kwargs):
        raise DiskFullError(path)

    monkeypatch.setattr(twp, "write_keyfile", full)
    with pytest.raises(DiskFullError):
        twp.init_township(tmp_path / "T", code=TOWNSHIP, name="红星镇", passphrase=PASSPHRASE, dossier_passphrase="x")
    assert list((tmp_path / "T").iterdir()) == []
    monkeypatch.undo()
    twp.init_township(tmp_path / "T", code=TOWNSHIP, name="红星镇", passphrase=PASSPHRASE, dossier_passphrase="x").close()
