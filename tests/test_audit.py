"""The auditor's checks (sync/audit.py): one case per finding kind on top of a clean master, plus the
converters from what the merge stores, and the rule that findings carry no personal data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from fieldkit.core.feed import make_entry
from fieldkit.i18n import all_keys, t
from sync import audit as A
from sync.audit import AuditConfig, ImportRecord, QuarantineRecord, audit
from tests.audit_support import (
    DEVICE,
    DEVICE2,
    T_FEED,
    Master,
    at,
    clean_master,
    hid,
)
from tests.fold_builders import VILLAGE, VILLAGE2

V_FEED = f"{T_FEED}-{VILLAGE}"


def found(result: A.AuditResult) -> list[tuple[str, str, tuple[int, ...], str]]:
    return [(f.kind, f.feed, f.seqs, f.household) for f in result.findings]


def test_clean_master_has_no_findings():
    result = audit(clean_master().audit_input())
    assert result.findings == ()
    assert (result.feeds, result.entries) == (3, 12)
    assert not result.has_errors


# ---------------------------------------------------------------------------------------- cases
# Each case changes the clean master and names exactly the findings that must appear.


def alter_second_visit(m: Master):
    entries = m.feeds[DEVICE].entries
    old = entries[1]
    body = dict(old.body, cadre="王干部")
    entries[1] = make_entry(old.feed, old.seq, old.prev, old.time, old.type, old.entity, old.base, body)
    return {}


def unknown_device(m: Master):
    m.visit(hid(1), at(14), device=DEVICE2)
    return {}


def unknown_feed(m: Master):
    m.feed("x-something").activity("0" * 31 + "9", village=VILLAGE, time=at(12))
    return {}


def foreign_township_feed(m: Master):
    m.feed("t-999999999").village("999999999001", "外乡村")
    return {}


def revoked_before_last_visit(m: Master):
    m.revoke(DEVICE, at(10, 45))
    return {}


def received_after_revocation(m: Master):
    m.revoke(DEVICE, at(12))
    return {"imports": (ImportRecord(DEVICE, 1, 2, at(11).isoformat()), ImportRecord(DEVICE, 3, 3, at(13).isoformat()))}


def fork_recorded(m: Master):
    record = QuarantineRecord("sync.fork", feed=DEVICE, seq=2, held_hash="a" * 64, incoming_hash="b" * 64)
    return {"quarantine": (record, record)}  # the same fork twice is one finding


def still_quarantined(m: Master):
    return {"quarantine": (QuarantineRecord("sync.fork", feed=DEVICE, seq=2, held_hash="a" * 64,
                                            incoming_hash="b" * 64, still_held=True),)}


def refused_file(m: Master):
    record = QuarantineRecord("sync.bad_signature", feed=DEVICE, file="x.fkb", params={"file": "x.fkb", "device": DEVICE})
    return {"quarantine": (record,)}


def duplicate_fact_id(m: Master):
    first = m.feeds[DEVICE].entries[0]
    m.visit(hid(1), at(13), visit_id=first.entity.split(":")[1])
    return {}


def concurrent_edit(m: Master):
    writer = m.village_feed(VILLAGE)
    base = [e.hash for e in writer.entries if e.entity == f"hh:{hid(1)}"]
    writer.household(hid(1), group="第2组", base=tuple(base))
    writer.household(hid(1), group="第3组", base=tuple(base))  # a second edit from the same base
    return {}


def clock_backwards(m: Master):
    m.visit(hid(1), at(9, 30))  # after the 11:00 visit, dated 09:30
    return {}


def small_step_back_is_tolerated(m: Master):
    m.visit(hid(1), at(10, 55))  # 5 minutes before the previous entry: within the 10-minute tolerance
    return {}


def ahead_of_import(m: Master):
    return {"imports": (ImportRecord(DEVICE, 1, 3, at(10, 40).isoformat()),)}


def ahead_of_now(m: Master):
    return {"now": at(10, 45)}


def before_enrolment(m: Master):
    m.feeds[DEVICE].entries.clear()
    m.visit(hid(1), at(8, 0))
    m.visit(hid(2), at(10, 30))
    m.visit(hid(3), at(11, 0))
    return {}


def many_in_an_hour(m: Master):
    for n in range(10, 45):  # 35 households, a minute apart
        m.household(n)
        m.visit(hid(n), at(14, n - 10))
    return {}


def thirty_in_an_hour_is_fine(m: Master):
    for n in range(10, 40):
        m.household(n)
        m.visit(hid(n), at(14, 2 * (n - 10)))
    return {}


def night_visit(m: Master):
    m.visit(hid(1), "2026-11-30T02:30:00+08:00")
    return {}


def night_elsewhere_is_daytime_here(m: Master):
    m.visit(hid(1), "2026-11-29T18:30:00+00:00")  # 02:30 in Beijing, but the device's clock said 18:30 UTC
    return {}


def other_village(m: Master):
    m.village(VILLAGE2, "东风村")
    m.household(1, village=VILLAGE2)
    m.visit(hid(1, VILLAGE2), at(13))
    return {}


def unknown_household(m: Master):
    m.visit(hid(99), at(13))
    return {}


def duplicate_visit(m: Master):
    m.visit(hid(3), at(11, 5))
    return {}


def paper_visits_typed_at_night(m: Master):
    m.household(4)
    for minute in range(0, 40):  # 40 typed in within an hour, after midnight: none of it is a finding
        m.visit(hid(4), at(0, minute, day=1), visited_on="2026-11-28")
    return {}


def uncovered(m: Master):
    m.household(4)  # never visited
    m.household(5, members={"01": {}, "02": {}})
    m.visit(hid(5), at(13))  # only 01 briefed
    return {}


def callbacks(m: Master):
    m.callback(hid(1), "denied", at(15))
    m.callback(hid(2), "unreachable", at(15, 10))
    m.callback(hid(3), "confirmed", at(15, 20))
    return {}


D = DEVICE
CASES: list[tuple[str, Callable[[Master], dict], list[tuple[str, str, tuple[int, ...], str]]]] = [
    ("altered entry (the link after it breaks)", alter_second_visit, [(A.CHAIN, D, (3,), "")]),
    ("feed of a device never enrolled", unknown_device, [(A.UNKNOWN_DEVICE, DEVICE2, (1, 1), "")]),
    ("feed id of nobody", unknown_feed, [(A.UNKNOWN_FEED, "x-something", (1, 1), "")]),
    ("another township's feed", foreign_township_feed, [(A.UNKNOWN_TOWNSHIP_FEED, "t-999999999", (1, 1), "")]),
    ("entries after revocation", revoked_before_last_visit, [(A.AFTER_REVOCATION, D, (3, 3), "")]),
    ("received after revocation", received_after_revocation, [(A.AFTER_REVOCATION, D, (3, 3), "")]),
    ("fork", fork_recorded, [(A.FORK, D, (2,), "")]),
    ("feed still quarantined", still_quarantined, [(A.FORK, D, (2,), ""), (A.QUARANTINED, D, (), "")]),
    ("refused file", refused_file, [(A.REFUSED_FILE, D, (), "")]),
    ("fact id taken twice", duplicate_fact_id, [(A.IGNORED_ENTRY, D, (4,), "")]),
    ("unresolved conflict", concurrent_edit, [(A.CONFLICT, "", (), "")]),
    ("time runs backwards", clock_backwards, [(A.TIME_BACKWARDS, D, (3, 4), "")]),
    ("small step back tolerated", small_step_back_is_tolerated, []),
    ("dated after the import", ahead_of_import, [(A.FUTURE_TIME, D, (3, 3), "")]),
    ("dated after now", ahead_of_now, [(A.FUTURE_TIME, D, (3, 3), "")]),
    ("dated before enrolment", before_enrolment, [(A.BEFORE_ENROLMENT, D, (1, 1), "")]),
    ("35 households in an hour", many_in_an_hour, [(A.TOO_MANY_PER_HOUR, D, (4, 38), "")]),
    ("30 households in an hour", thirty_in_an_hour_is_fine, []),
    ("visit at night", night_visit, [(A.NIGHT_VISIT, D, (4,), hid(1))]),
    ("night is the device's local hour", night_elsewhere_is_daytime_here, []),
    ("household of another village", other_village, [(A.OTHER_VILLAGE, D, (4,), hid(1, VILLAGE2))]),
    ("household not on the roster", unknown_household, [(A.UNKNOWN_HOUSEHOLD, D, (4,), hid(99))]),
    ("same household twice within minutes", duplicate_visit, [(A.DUPLICATE_VISIT, D, (4,), hid(3))]),
    ("paper visits skip the time checks", paper_visits_typed_at_night, [(A.PAPER_VISITS, D, (), "")]),
    ("households not covered", uncovered, [(A.UNCOVERED, "", (), "")]),
    # the village feed holds village.set and three households with one person each: seqs 1-7
    ("call-backs", callbacks, [(A.CALLBACK_DENIED, V_FEED, (8,), hid(1)), (A.CALLBACK_UNREACHABLE, V_FEED, (9,), hid(2))]),
]


@pytest.mark.parametrize("name,change,expected", CASES, ids=[c[0] for c in CASES])
def test_finding(name, change, expected):
    master = clean_master()
    options = change(master)
    result = audit(master.audit_input(**options))
    assert found(result) == expected
    for finding in result.findings:
        assert finding.severity == A.SEVERITY_OF[finding.kind]
        assert finding.message() and "{" not in finding.message() and "{" not in finding.message("en")


def test_every_kind_has_a_message_in_both_languages():
    keys = all_keys()
    for kind in A.KINDS:
        assert set(keys[f"audit.finding.{kind}"]) >= {"zh", "en"}, kind


def test_severities_decide_has_errors():
    master = clean_master()
    callbacks(master)
    result = audit(master.audit_input())
    assert result.has_errors and result.count(A.ERROR) == 1 and result.count(A.INFO) == 1
    # errors come first
    assert [f.severity for f in result.findings] == [A.ERROR, A.INFO]


def test_details_of_findings():
    master = clean_master()
    many_in_an_hour(master)
    [burst] = audit(master.audit_input()).findings
    assert burst.params["count"] == 35  # 14:00..14:34, all within one hour
    assert burst.params["total"] == 35 and burst.params["limit"] == 30

    master = clean_master()
    [ahead] = audit(master.audit_input(**ahead_of_import(master))).findings
    assert ahead.params["minutes"] == 20
    assert "20 分钟" in ahead.message("zh") and "20 min" in ahead.message("en")

    master = clean_master()
    clock_backwards(master)
    [back] = audit(master.audit_input()).findings
    assert back.params["minutes"] == 90 and "1 小时 30 分钟" in back.message("zh")


def test_two_separate_bursts_are_two_findings():
    master = clean_master()
    for n in range(10, 45):
        master.household(n)
        master.visit(hid(n), at(14, n - 10))
    for n in range(50, 85):
        master.household(n)
        master.visit(hid(n), at(18, n - 50))
    bursts = [f for f in audit(master.audit_input()).findings if f.kind == A.TOO_MANY_PER_HOUR]
    assert [b.seqs for b in bursts] == [(4, 38), (39, 73)]


def test_thresholds_are_configurable():
    master = clean_master()
    duplicate_visit(master)
    assert found(audit(master.audit_input(), AuditConfig(duplicate_window=timedelta(minutes=2)))) == []
    master = clean_master()
    master.visit(hid(1), at(11, 20))  # 10:30, 11:00, 11:20 within an hour
    strict = AuditConfig(max_visits_per_hour=2)
    assert [f.kind for f in audit(master.audit_input(), strict).findings] == [A.TOO_MANY_PER_HOUR]


def test_chain_detail_names_the_reason():
    master = clean_master()
    feeds = {f: list(w.entries) for f, w in master.feeds.items()}
    del feeds[DEVICE][1]  # seq 2 missing
    [gap] = [f for f in audit(master.audit_input(feeds=feeds)).findings if f.kind == A.CHAIN]
    assert gap.feed == DEVICE and gap.seqs == (2,)
    assert gap.message("en") == t("audit.finding.chain", lang="en", detail=t("feed.gap", lang="en", feed=DEVICE, seq=2, found=3))


def test_findings_carry_no_personal_data():
    master = Master()
    master.township()
    master.enrol(time=at(8, 30))
    master.village()
    master.household(1, members={"01": {"name": "欧阳秀英", "phone": "13912345678"}})
    master.visit(hid(1), "2026-11-30T02:30:00+08:00")
    master.visit(hid(1), "2026-11-30T02:31:00+08:00")
    master.visit(hid(1), at(1))  # backwards
    master.callback(hid(1), "denied", at(15, day=1))
    master.household(2, members={"01": {"name": "诸葛明", "phone": "13800001111"}})
    result = audit(master.audit_input())
    assert len(result.findings) >= 5
    for finding in result.findings:
        for lang in ("zh", "en"):
            text = finding.message(lang)
            for secret in ("欧阳秀英", "13912345678", "诸葛明", "13800001111", "李干部"):
                assert secret not in text


# ---------------------------------------------------------------------------------------- converters


def test_quarantine_records_from_what_the_merge_stores():
    table = [
        {"file": "20261129-1-abc-b.fkb", "original": "b.fkb", "sha256": "c" * 64, "reason": "sync.fork",
         "params": {"feed": DEVICE, "seq": 3}, "sender": DEVICE, "time": "2026-11-29T10:00:00+08:00",
         "fork": {"feed": DEVICE, "seq": 3, "held": "a" * 64, "incoming": "b" * 64}},
        {"file": "20261129-2-def-c.fkb", "original": "c.fkb", "sha256": "d" * 64, "reason": "sync.bad_signature",
         "params": {"file": "c.fkb", "device": DEVICE2}, "sender": DEVICE2, "time": "2026-11-29T10:00:00+08:00",
         "fork": None},
    ]
    feeds_doc = {DEVICE: {"seq": 3, "held": "a" * 64, "incoming": "b" * 64, "time": "2026-11-29T10:00:00+08:00"}}
    records = A.quarantine_records(table, feeds_doc)
    assert [(r.feed, r.seq, r.is_fork, r.still_held) for r in records] == [
        (DEVICE, 3, True, False), (DEVICE2, None, False, False), (DEVICE, 3, True, True)]
    result = audit(clean_master().audit_input(quarantine=tuple(records)))
    assert found(result) == [
        (A.FORK, DEVICE, (3,), ""),
        (A.QUARANTINED, DEVICE, (), ""),
        (A.REFUSED_FILE, DEVICE2, (), ""),
    ]
    refused = result.findings[-1]
    assert "20261129-2-def-c.fkb" in refused.message("en")


def test_import_records_shapes():
    assert A.import_records(None) == []
    assert A.import_records({DEVICE: [[1, 3, "2026-11-29T10:00:00+08:00"], ["x", 2, 3]]}) == [
        ImportRecord(DEVICE, 1, 3, "2026-11-29T10:00:00+08:00")]
    assert A.import_records([{"feed": DEVICE, "from_seq": 1, "to_seq": 2, "time": "t"}, {"feed": DEVICE}]) == [
        ImportRecord(DEVICE, 1, 2, "t")]


def test_earliest_import_counts():
    master = clean_master()
    imports = (ImportRecord(DEVICE, 1, 3, at(12).isoformat()), ImportRecord(DEVICE, 1, 3, at(10, 40).isoformat()))
    assert [f.kind for f in audit(master.audit_input(imports=imports)).findings] == [A.FUTURE_TIME]


def test_uncovered_households_listed_by_group_in_natural_order():
    master = clean_master()
    master.household(10, group="第10组")
    master.household(11, group="第2组", members={"01": {}, "02": {}})
    master.visit(hid(11), at(13))
    master.household(12, group="第2组")
    data = master.audit_input()
    rows = A.uncovered_households(data.state, data.report)
    assert [(r.group, r.household, r.status) for r in rows] == [
        ("第2组", hid(11), "partial"),
        ("第2组", hid(12), "not_visited"),
        ("第10组", hid(10), "not_visited"),
    ]
    [summary] = A.check_coverage(data)
    assert summary.params["not_visited"] == 2 and summary.params["partial"] == 1
    assert "红星村" in summary.message()


def test_duration_text():
    assert A.duration_text(0, "en") == "0 min"
    assert A.duration_text(59, "zh") == "59 分钟"
    assert A.duration_text(3 * 24 * 60 + 4 * 60 + 5, "zh") == "3 天 4 小时"
    assert A.duration_text(61, "en") == "1 h 1 min"
