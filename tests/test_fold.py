"""fold(): edits as a DAG with deterministic conflict winners, facts, devices, forms, dossiers."""

from __future__ import annotations

import gc
from datetime import timedelta

from fieldkit.core.fold import fold
from tests.fold_builders import T0, TOWNSHIP, VILLAGE, FeedWriter, briefed, hex_id, iso

HH = f"{VILLAGE}-010001"
P1 = f"{HH}-01"
P2 = f"{HH}-02"


def roster() -> FeedWriter:
    township = FeedWriter(f"t-{TOWNSHIP}-{VILLAGE}")
    township.village()
    township.household(HH)
    township.person(P1, phone="13800000001")
    township.person(P2, residence="migrant")
    return township


def test_roster_values_and_lookups() -> None:
    feed = roster()
    feed.person(f"{HH}-03", status="deceased")
    state = fold(feed.entries)
    assert state.villages[VILLAGE].name == "红星村"
    household = state.households[HH]
    assert (household.village, household.group, household.number, household.status) == (
        VILLAGE,
        "第1村民小组",
        "010001",
        "resident",
    )
    assert state.persons[P1].phone == "13800000001"
    assert state.persons[P1].birth_year == 1980
    assert [p.id for p in state.members_of(HH)] == [P1, P2]
    assert [p.id for p in state.persons_of(HH)] == [P1, P2, f"{HH}-03"]
    assert state.members_of("nope") == ()
    assert state.conflicts == ()
    assert state.entry_count == 5


def test_township_init_gives_the_township() -> None:
    office = FeedWriter(f"t-{TOWNSHIP}")
    body = {
        "code": TOWNSHIP,
        "name": "城关镇",
        "signing_public": "ab" * 32,
        "office_recipient": "age1office",
        "dossier_recipient": "age1dossier",
    }
    office.add("township.init", f"twp:{TOWNSHIP}", body)
    state = fold(office.entries)
    assert state.township is not None
    assert (state.township.code, state.township.name, state.township.dossier_recipient) == (
        TOWNSHIP,
        "城关镇",
        "age1dossier",
    )
    other = FeedWriter("t-110101002")
    other.add("township.init", "twp:110101002", {**body, "code": "110101002", "name": "另一镇"})
    county = fold(office.entries + other.entries)
    assert set(county.townships) == {TOWNSHIP, "110101002"}
    assert county.township is None  # ambiguous in a county master


def test_later_edit_on_the_only_head_replaces_the_value() -> None:
    feed = roster()
    first = feed.entries[-2]
    feed.person(P1, phone="13900000009", base=(first.hash,))
    state = fold(feed.entries)
    assert state.persons[P1].phone == "13900000009"
    assert state.conflicts == ()
    assert state.heads_of(f"p:{P1}") == (feed.entries[-1].hash,)


def concurrent_phone_edits(time_a: str, time_b: str, feed_a: str = "d-aaaaaaaaaaaaaaaa", feed_b: str = "d-bbbbbbbbbbbbbbbb"):
    base = roster()
    original = base.entries[2]
    a, b = FeedWriter(feed_a), FeedWriter(feed_b)
    edit_a = a.person(P1, phone="13500000001", base=(original.hash,), time=time_a)
    edit_b = b.person(P1, phone="13600000002", base=(original.hash,), time=time_b)
    return base, a, b, edit_a, edit_b


def test_two_devices_edit_the_same_phone_later_time_wins_and_both_are_kept() -> None:
    base, a, b, edit_a, edit_b = concurrent_phone_edits(iso(T0 + timedelta(hours=2)), iso(T0 + timedelta(hours=1)))
    state = fold(base.entries + a.entries + b.entries)
    assert state.persons[P1].phone == "13500000001"  # device a edited later
    [conflict] = state.conflicts
    assert conflict.entity == f"p:{P1}"
    assert conflict.winner == edit_a.hash
    assert [v.hash for v in conflict.values] == [edit_b.hash, edit_a.hash]
    assert [v.body["phone"] for v in conflict.values] == ["13600000002", "13500000001"]
    assert [(v.feed, v.seq) for v in conflict.values] == [(b.feed, 1), (a.feed, 1)]
    assert state.heads_of(f"p:{P1}") == tuple(sorted([edit_a.hash, edit_b.hash]))
    assert state.conflict_of(f"p:{P1}") == conflict
    assert state.conflict_of(f"p:{P2}") is None


def test_same_time_the_greater_feed_id_wins() -> None:
    same = iso(T0 + timedelta(hours=1))
    base, a, b, edit_a, edit_b = concurrent_phone_edits(same, same)
    state = fold(base.entries + a.entries + b.entries)
    assert state.persons[P1].phone == "13600000002"
    assert state.conflicts[0].winner == edit_b.hash  # "d-bbbb…" > "d-aaaa…"
    # same feeds the other way round: the winner follows the feed id, not the value or the input order
    base, a, b, edit_a, edit_b = concurrent_phone_edits(same, same, feed_a="d-cccccccccccccccc")
    state = fold(b.entries + a.entries + base.entries)
    assert state.persons[P1].phone == "13500000001"
    assert state.conflicts[0].winner == edit_a.hash


def test_times_compare_as_utc_instants_not_as_text() -> None:
    # 10:00+08:00 is 02:00Z; 09:00+00:00 is 09:00Z, later though its text sorts first
    base, a, b, edit_a, edit_b = concurrent_phone_edits("2026-11-29T10:00:00+08:00", "2026-11-29T09:00:00+00:00")
    state = fold(base.entries + a.entries + b.entries)
    assert state.conflicts[0].winner == edit_b.hash
    # the same instant written with different offsets is a tie, decided by feed id
    base, a, b, edit_a, edit_b = concurrent_phone_edits("2026-11-29T10:00:00+08:00", "2026-11-29T02:00:00+00:00")
    assert fold(base.entries + a.entries + b.entries).conflicts[0].winner == edit_b.hash


def test_resolution_listing_all_heads_clears_the_conflict() -> None:
    base, a, b, edit_a, edit_b = concurrent_phone_edits(iso(T0 + timedelta(hours=2)), iso(T0 + timedelta(hours=1)))
    resolution = base.person(P1, phone="13600000002", base=(edit_a.hash, edit_b.hash), time=iso(T0 + timedelta(hours=3)))
    state = fold(base.entries + a.entries + b.entries)
    assert state.conflicts == ()
    assert state.persons[P1].phone == "13600000002"
    assert state.heads_of(f"p:{P1}") == (resolution.hash,)


def test_resolution_naming_only_one_head_leaves_a_conflict() -> None:
    base, a, b, edit_a, edit_b = concurrent_phone_edits(iso(T0 + timedelta(hours=2)), iso(T0 + timedelta(hours=1)))
    partial = base.person(P1, phone="13700000003", base=(edit_b.hash,), time=iso(T0 + timedelta(hours=3)))
    state = fold(base.entries + a.entries + b.entries)
    [conflict] = state.conflicts
    assert {v.hash for v in conflict.values} == {edit_a.hash, partial.hash}
    assert conflict.winner == partial.hash
    assert state.persons[P1].phone == "13700000003"


def test_an_edit_whose_base_has_not_arrived_is_a_head_until_it_does() -> None:
    base = roster()
    original = base.entries[2]
    laptop = FeedWriter("d-aaaaaaaaaaaaaaaa")
    first = laptop.person(P1, phone="13500000001", base=(original.hash,), time=iso(T0 + timedelta(hours=1)))
    second = laptop.person(P1, phone="13500000002", base=(first.hash,), time=iso(T0 + timedelta(hours=2)))

    # only the second edit reached the township: its base is unknown; it competes with the original
    state = fold(base.entries + [second])
    assert state.persons[P1].phone == "13500000002"
    [conflict] = state.conflicts
    assert {v.hash for v in conflict.values} == {original.hash, second.hash}

    # when the first edit arrives the chain is complete: one head, no conflict
    state = fold(base.entries + [second, first])
    assert state.conflicts == ()
    assert state.heads_of(f"p:{P1}") == (second.hash,)


def test_order_grouping_and_duplicates_do_not_matter() -> None:
    base, a, b, *_ = concurrent_phone_edits(iso(T0 + timedelta(hours=2)), iso(T0 + timedelta(hours=1)))
    a.visit(hex_id(1), HH, {P1: briefed()})
    b.visit(hex_id(2), HH, {P2: briefed("phone")})
    everything = base.entries + a.entries + b.entries
    reference = fold(everything)
    assert fold(reversed(everything)) == reference
    assert fold(everything + everything[:3] + b.entries) == reference
    assert fold(iter(b.entries + base.entries + a.entries)) == reference
    assert reference.entry_count == len(everything)


def test_visits_are_sorted_by_utc_time_then_feed() -> None:
    roster_feed = roster()
    a, b = FeedWriter("d-aaaaaaaaaaaaaaaa"), FeedWriter("d-bbbbbbbbbbbbbbbb")
    b.visit(hex_id(1), HH, {P1: briefed()}, time="2026-11-29T09:00:00+00:00")  # 17:00 in Beijing
    a.visit(hex_id(2), HH, {P2: briefed("wechat")}, time="2026-11-29T12:00:00+08:00")  # 04:00Z
    b.visit(hex_id(3), HH, {}, time="2026-11-29T04:00:00+00:00")  # same instant as the one above
    state = fold(roster_feed.entries + a.entries + b.entries)
    assert [v.id for v in state.visits] == [hex_id(2), hex_id(3), hex_id(1)]
    assert [v.id for v in state.visits_of(HH)] == [hex_id(2), hex_id(3), hex_id(1)]
    visit = state.visits[0]
    assert (visit.household, visit.village, visit.cadre, visit.feed, visit.seq) == (HH, VILLAGE, "李干部", a.feed, 1)
    assert (visit.form_id, visit.form_version) == ("household_visit", 1)
    assert visit.answers == {"materials_given": True}
    record = visit.member(P2)
    assert record is not None and record.channel == "wechat" and record.briefed and not record.app_installed
    assert visit.member(P1) is None
    assert visit.time == "2026-11-29T12:00:00+08:00"


def test_a_second_entry_reusing_a_fact_id_is_ignored_and_reported() -> None:
    a, b = FeedWriter("d-aaaaaaaaaaaaaaaa"), FeedWriter("d-bbbbbbbbbbbbbbbb")
    first = a.visit(hex_id(7), HH, {P1: briefed()}, time=iso(T0))
    copy = b.visit(hex_id(7), HH, {P1: briefed("phone")}, time=iso(T0 + timedelta(minutes=5)))
    state = fold(b.entries + a.entries)
    assert [v.hash for v in state.visits] == [first.hash]
    assert state.ignored == (copy.hash,)


def test_unknown_types_and_mismatched_entities_are_ignored_not_fatal() -> None:
    feed = roster()
    future = feed.add("household.merge", f"hh:{HH}", {"into": "x"})
    wrong = feed.add("person.set", f"hh:{HH}", {"household": HH, "name": "x"})
    state = fold(feed.entries)
    assert set(state.ignored) == {future.hash, wrong.hash}
    assert state.households[HH].status == "resident"


def test_activities_and_callbacks() -> None:
    laptop = FeedWriter("d-aaaaaaaaaaaaaaaa")
    laptop.activity(hex_id(2), time=iso(T0 + timedelta(hours=1)))
    laptop.activity(hex_id(1), time=iso(T0))
    auditor = FeedWriter("d-cccccccccccccccc")
    auditor.add("callback", f"cb:{hex_id(9)}", {"household": HH, "village": VILLAGE, "result": "confirmed", "note": ""})
    state = fold(laptop.entries + auditor.entries)
    assert [a.id for a in state.activities] == [hex_id(1), hex_id(2)]
    assert (state.activities[0].kind, state.activities[0].audience, state.activities[0].materials) == ("loudspeaker", 40, 10)
    assert state.callbacks[hex_id(9)].result == "confirmed"
    assert state.callbacks[hex_id(9)].household == HH


def test_devices_enrol_and_revoke() -> None:
    office = FeedWriter(f"t-{TOWNSHIP}")
    enrol = {"device": "d-aaaaaaaaaaaaaaaa", "name": "红星村笔记本1", "village": VILLAGE, "signing_public": "cd" * 32, "recipient": "age1dev"}
    office.add("device.enroll", "dev:d-aaaaaaaaaaaaaaaa", enrol)
    office.add("device.enroll", "dev:d-bbbbbbbbbbbbbbbb", {**enrol, "device": "d-bbbbbbbbbbbbbbbb", "name": "笔记本2"})
    revoke = office.add("device.revoke", "dev:d-bbbbbbbbbbbbbbbb", {"device": "d-bbbbbbbbbbbbbbbb", "reason": "lost"})
    state = fold(office.entries)
    a, b = state.devices["d-aaaaaaaaaaaaaaaa"], state.devices["d-bbbbbbbbbbbbbbbb"]
    assert a.enrolled and not a.revoked and a.name == "红星村笔记本1" and a.village == VILLAGE
    assert b.enrolled and b.revoked and b.revoke_reason == "lost" and b.revoked_time == revoke.time
    # a later enrolment of the same feed id does not undo the revocation
    office.add("device.enroll", "dev:d-bbbbbbbbbbbbbbbb", {**enrol, "device": "d-bbbbbbbbbbbbbbbb"})
    assert fold(office.entries).devices["d-bbbbbbbbbbbbbbbb"].revoked


def test_forms_keep_every_version_and_expose_the_latest() -> None:
    office = FeedWriter(f"t-{TOWNSHIP}")
    office.add("form.publish", "form:household_visit", {"id": "household_visit", "version": 2, "yaml": "v2"})
    office.add("form.publish", "form:household_visit", {"id": "household_visit", "version": 1, "yaml": "v1"})
    office.add("form.publish", "form:callback", {"id": "callback", "version": 1, "yaml": "cb1"})
    state = fold(office.entries)
    form = state.forms["household_visit"]
    assert (form.version, form.yaml) == (2, "v2")
    assert {v: fv.yaml for v, fv in form.versions.items()} == {1: "v1", 2: "v2"}
    assert state.forms["callback"].yaml == "cb1"


def test_dossier_index_stays_opaque_and_follows_the_dag() -> None:
    laptop = FeedWriter("d-aaaaaaaaaaaaaaaa")
    office = FeedWriter(f"t-{TOWNSHIP}")
    dos = f"dos:{hex_id(5)}"
    v1 = laptop.add("dossier", dos, {"village": VILLAGE, "version": 1, "ciphertext": "YWdlLTE="}, time=iso(T0))
    v2 = laptop.add("dossier", dos, {"village": VILLAGE, "version": 2, "ciphertext": "YWdlLTI="}, (v1.hash,), iso(T0 + timedelta(days=1)))
    state = fold(laptop.entries)
    index = state.dossiers[hex_id(5)]
    assert (index.village, index.version, index.head, index.heads) == (VILLAGE, 2, v2.hash, (v2.hash,))
    assert (index.created, index.updated, index.feeds) == (v1.time, v2.time, (laptop.feed,))
    assert index.history == (v1.hash, v2.hash)
    assert index.ciphertext == "YWdlLTI="
    assert "YWdl" not in repr(index)

    # the township also amends version 1: two heads, a conflict, both feeds recorded
    v2b = office.add("dossier", dos, {"village": VILLAGE, "version": 2, "ciphertext": "YWdlLTM="}, (v1.hash,), iso(T0 + timedelta(days=2)))
    state = fold(laptop.entries + office.entries)
    index = state.dossiers[hex_id(5)]
    assert index.head == v2b.hash and set(index.heads) == {v2.hash, v2b.hash}
    assert index.feeds == tuple(sorted([laptop.feed, office.feed]))
    assert [c.entity for c in state.conflicts] == [dos]


def test_household_edit_conflict_and_person_moving_household() -> None:
    base = roster()
    other_hh = f"{VILLAGE}-010002"
    base.household(other_hh)
    hh_version = base.entries[1]
    a, b = FeedWriter("d-aaaaaaaaaaaaaaaa"), FeedWriter("d-bbbbbbbbbbbbbbbb")
    a.household(HH, status="empty", base=(hh_version.hash,), time=iso(T0 + timedelta(hours=5)))
    b.household(HH, status="moved_out", base=(hh_version.hash,), time=iso(T0 + timedelta(hours=4)))
    b.person(P2, household=other_hh, base=(base.entries[3].hash,))
    state = fold(base.entries + a.entries + b.entries)
    assert state.households[HH].status == "empty"
    assert [c.entity for c in state.conflicts] == [f"hh:{HH}"]
    assert [p.id for p in state.members_of(HH)] == [P1]
    assert [p.id for p in state.members_of(other_hh)] == [P2]



def test_visits_to_households_not_on_the_roster_are_listed() -> None:
    feed = roster()
    stray = f"{VILLAGE}-019999"
    feed.visit(hex_id(1), HH, {P1: briefed()})
    feed.visit(hex_id(2), stray, {})
    state = fold(feed.entries)
    assert [v.id for v in state.unrostered_visits()] == [hex_id(2)]
    assert [v.id for v in state.visits_of(stray)] == [hex_id(2)]


def test_a_form_published_without_a_version_is_ignored() -> None:
    office = FeedWriter(f"t-{TOWNSHIP}")
    bad = office.add("form.publish", "form:x", {"id": "x", "yaml": "a"})
    state = fold(office.entries)
    assert state.forms == {} and state.ignored == (bad.hash,)


def test_fold_leaves_the_garbage_collector_as_it_found_it() -> None:
    entries = roster().entries
    assert gc.isenabled()
    fold(entries)
    assert gc.isenabled()
    gc.disable()
    try:
        fold(entries)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_mistyped_or_missing_body_fields_are_read_defensively() -> None:
    feed = FeedWriter(f"t-{TOWNSHIP}-{VILLAGE}")
    feed.add("household.set", f"hh:{HH}", {"village": VILLAGE, "group": 3, "number": "010001", "status": "resident"})
    feed.add("person.set", f"p:{P1}", {"household": HH, "name": None, "birth_year": "1956", "phone": 13800000001, "residence": "resident", "status": "active"})
    feed.add("person.set", f"p:{P2}", {"household": HH, "birth_year": True, "status": "active"})
    feed.add("visit", f"visit:{hex_id(1)}", {"household": HH, "village": VILLAGE, "cadre": 7, "form": "household_visit", "members": []})
    feed.add("activity", f"act:{hex_id(2)}", {"village": VILLAGE, "audience": "many", "form": {"id": "a", "version": "2"}})
    state = fold(feed.entries)
    household = state.households[HH]
    assert (household.group, household.address, household.status) == ("3", "", "resident")
    one, two = state.persons[P1], state.persons[P2]
    assert (one.name, one.birth_year, one.phone, one.sex) == ("", 1956, "13800000001", "")
    assert (two.birth_year, two.residence, two.name) == (None, "", "")
    visit = state.visits[0]
    assert (visit.cadre, visit.form_id, visit.form_version, visit.members, visit.answers) == ("7", "", None, {}, {})
    activity = state.activities[0]
    assert (activity.audience, activity.form_id, activity.form_version, activity.kind) == (0, "a", 2, "")
