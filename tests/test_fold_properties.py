"""Properties of fold and report over random feeds: the state depends only on the set of entries, and
every roll-up level is the sum of its parts."""

from __future__ import annotations

from datetime import date, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldkit.core.canonical import parse_time
from fieldkit.core.coverage import STATUSES, Tally, household_status, report
from fieldkit.core.fold import fold
from tests.fold_builders import T0, VILLAGE, VILLAGE2, FeedWriter, hex_id, iso

TODAY = date(2026, 11, 29)
RESIDENCES = ["resident", "resident", "migrant", "student", "registered_only"]
PERSON_STATUSES = ["active", "active", "active", "moved_out", "deceased"]
HOUSEHOLD_STATUSES = ["resident", "resident", "resident", "empty", "moved_out"]
CHANNELS = ["in_person", "in_person", "phone", "wechat", "video"]
GROUPS = ["第1村民小组", "第2村民小组"]


@st.composite
def feed_sets(draw: st.DrawFn) -> list:
    """A township roster feed plus 1-3 laptop feeds with visits, activities and concurrent edits."""
    roster = FeedWriter(f"t-110101001-{VILLAGE}")
    villages = [VILLAGE, VILLAGE2][: draw(st.integers(1, 2))]
    members: dict[str, list[str]] = {}
    versions: dict[str, list[str]] = {}  # entity -> hashes of every version written so far

    def remember(entity: str, entry) -> None:
        versions.setdefault(entity, []).append(entry.hash)

    for i in range(draw(st.integers(1, 5))):
        hid = f"{draw(st.sampled_from(villages))}-0100{i:02d}"
        entry = roster.household(hid, group=draw(st.sampled_from(GROUPS)), status=draw(st.sampled_from(HOUSEHOLD_STATUSES)))
        remember(f"hh:{hid}", entry)
        members[hid] = []
        for j in range(draw(st.integers(1, 3))):
            pid = f"{hid}-{j:02d}"
            entry = roster.person(
                pid,
                residence=draw(st.sampled_from(RESIDENCES)),
                status=draw(st.sampled_from(PERSON_STATUSES)),
                birth_year=draw(st.integers(1940, 2015)),
            )
            remember(f"p:{pid}", entry)
            members[hid].append(pid)

    laptops = [FeedWriter(f"d-{k:016x}") for k in range(1, draw(st.integers(1, 3)) + 1)]
    households = sorted(members)
    times = st.builds(
        lambda hours, offset: iso((T0 + timedelta(hours=hours)).astimezone(timezone(timedelta(hours=offset)))),
        st.integers(-30, 6),
        st.sampled_from([8, 0, -5]),
    )
    for n in range(draw(st.integers(0, 14))):
        kind = draw(st.sampled_from(["visit", "visit", "person", "household", "activity", "dossier"]))
        writer = draw(st.sampled_from(laptops + [roster]))
        time = draw(times)
        hid = draw(st.sampled_from(households))
        if kind == "visit":
            records = {
                pid: {
                    "briefed": draw(st.booleans()),
                    "channel": draw(st.sampled_from(CHANNELS)),
                    "app_installed": draw(st.booleans()),
                    "call_warning": draw(st.booleans()),
                    "joined_group": draw(st.booleans()),
                }
                for pid in draw(st.lists(st.sampled_from(members[hid]), unique=True))
            }
            draw(st.sampled_from(laptops)).visit(hex_id(100 + n), hid, records, time=time)
        elif kind == "activity":
            writer.activity(hex_id(200 + n), draw(st.sampled_from(villages)), time=time)
        elif kind == "person":
            pid = draw(st.sampled_from(members[hid]))
            base = draw(st.lists(st.sampled_from(versions[f"p:{pid}"]), unique=True, max_size=3))
            entry = writer.person(
                pid,
                phone=draw(st.sampled_from(["", "13800000001", "13900000002"])),
                residence=draw(st.sampled_from(RESIDENCES)),
                status=draw(st.sampled_from(PERSON_STATUSES)),
                base=tuple(base),
                time=time,
            )
            remember(f"p:{pid}", entry)
        elif kind == "household":
            base = draw(st.lists(st.sampled_from(versions[f"hh:{hid}"]), unique=True, max_size=2))
            entry = writer.household(hid, status=draw(st.sampled_from(HOUSEHOLD_STATUSES)), base=tuple(base), time=time,
                                     group=draw(st.sampled_from(GROUPS)))
            remember(f"hh:{hid}", entry)
        else:
            entity = f"dos:{hex_id(draw(st.integers(1, 2)))}"
            known = versions.get(entity, [])
            base = draw(st.lists(st.sampled_from(known), unique=True, max_size=2)) if known else []
            body = {"village": villages[0], "version": len(known) + 1, "ciphertext": f"c{n}"}
            remember(entity, writer.add("dossier", entity, body, tuple(base), time))
    return roster.entries + [e for laptop in laptops for e in laptop.entries]


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(feed_sets(), st.randoms(use_true_random=False))
def test_fold_depends_only_on_the_set_of_entries(entries: list, rnd) -> None:
    reference = fold(entries)
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    with_duplicates = shuffled + rnd.sample(entries, rnd.randint(0, len(entries)))
    by_feed_reversed = sorted(entries, key=lambda e: e.feed, reverse=True)
    for variant in (shuffled, with_duplicates, by_feed_reversed):
        state = fold(variant)
        assert state == reference
        assert repr(state) == repr(reference)  # same key order and sequence order too
        assert report(state, TODAY) == report(reference, TODAY)


@SETTINGS
@given(feed_sets(), st.data())
def test_adding_an_entry_already_present_changes_nothing(entries: list, data: st.DataObject) -> None:
    reference = fold(entries)
    again = data.draw(st.sampled_from(entries))
    assert fold([*entries, again]) == reference
    assert fold([again, *entries]).entry_count == len(entries)


@SETTINGS
@given(feed_sets())
def test_conflicts_are_exactly_the_entities_with_several_heads(entries: list) -> None:
    state = fold(entries)
    assert [c.entity for c in state.conflicts] == sorted(e for e, heads in state.heads.items() if len(heads) > 1)
    for conflict in state.conflicts:
        assert {v.hash for v in conflict.values} == set(state.heads[conflict.entity])
        winner = max(conflict.values, key=lambda v: (parse_time(v.time), v.feed, v.seq))
        assert conflict.winner == winner.hash == conflict.values[-1].hash
        kind, _, ident = conflict.entity.partition(":")
        if kind == "p":
            assert state.persons[ident].phone == winner.body["phone"]
            assert state.persons[ident].status == winner.body["status"]
        elif kind == "hh":
            assert state.households[ident].status == winner.body["status"]
        elif kind == "dos":
            assert state.dossiers[ident].head == winner.hash


@SETTINGS
@given(feed_sets())
def test_rollups_are_sums_of_their_parts(entries: list) -> None:
    state = fold(entries)
    rep = report(state, TODAY)
    for village, tally in rep.villages.items():
        groups = Tally.sum(t for (v, _), t in rep.groups.items() if v == village)
        assert tally == groups + rep.village_wide.get(village, Tally())
    for township, tally in rep.townships.items():
        assert tally == Tally.sum(t for v, t in rep.villages.items() if v.startswith(township))
    total = rep.total
    assert total == Tally.sum(rep.townships.values()) == Tally.sum(rep.villages.values())
    assert total == Tally.sum(rep.groups.values()) + Tally.sum(rep.village_wide.values())
    assert total.households == len(state.households) == sum(total.count(s) for s in STATUSES)
    assert total.visits == len(state.visits)
    assert total.activities == len(state.activities)
    assert total.persons.briefed <= total.persons.total and total.persons.app_installed <= total.persons.total
    for hid, household in state.households.items():
        assert rep.statuses[hid] == household_status(household, state.persons_of(hid), state.visits_of(hid))
