"""Store benchmarks (DESIGN 7): save latency with 20,000 events held, and opening such a store.

(a) Saving one visit with 20,000 events already in the store: median of 200 saves, against the floor
    (encrypting that one entry alone and durably writing it to a fresh file, measured in the same
    run) and against stock tinydb JSONStorage inserting into 20,000 documents (also measured here).
    Targets: median <= 15 ms and <= 10x the floor.
(b) Opening that store as the app does: unlock the key file at the real calibrated scrypt work factor,
    decrypt + parse + verify every feed, fold. Target: <= 1.0 s.

The data is a township-sized laptop store: a village roster (households, 3 persons each) in the
township's village feed, repeated visit rounds and some activities in the device's own feed.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fieldkit.core import age, keys
from fieldkit.core.atomic import atomic_write
from fieldkit.core.feed import Entry, Feed
from fieldkit.core.fold import fold
from fieldkit.core.gcpause import paused_gc
from fieldkit.core.store import Store
from fieldkit.core.workspace import KEY_FILE, STORE_DIR, STORE_SECRET, Workspace

EVENTS = 20_000
SAVES = 200
OPENS = 5
SAVE_TARGET_MS = 15.0
SAVE_TARGET_RATIO = 10.0
OPEN_TARGET_S = 1.0
STOCK_TINYDB_INSERTS = 5

TOWNSHIP = "110101001"
VILLAGE = "110101001001"
DEVICE_FEED = "d-00be4c40ffee0001"
TOWNSHIP_FEED = f"t-{TOWNSHIP}"
VILLAGE_FEED = f"t-{TOWNSHIP}-{VILLAGE}"
CST = timezone(timedelta(hours=8))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "秀英桂兰玉兰建国志强海燕春梅德华国庆丽娟小红明亮文华淑珍"
CHANNELS = ("in_person", "in_person", "in_person", "phone", "wechat", "video")
PASSPHRASE = "bench passphrase 测试"


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _members(rng: random.Random, household: str, count: int) -> dict[str, dict[str, Any]]:
    return {
        f"{household}-{n:02d}": {
            "briefed": rng.random() < 0.95,
            "channel": rng.choice(CHANNELS),
            "app_installed": rng.random() < 0.6,
            "call_warning": rng.random() < 0.5,
            "joined_group": rng.random() < 0.4,
        }
        for n in range(1, count + 1)
    }


def visit_body(rng: random.Random, household: str, members: int = 3) -> dict[str, Any]:
    return {
        "household": household,
        "village": VILLAGE,
        "cadre": DEVICE_FEED,
        "form": {"id": "household_visit", "version": 1},
        "answers": {"materials_given": True, "note": rng.choice(["", "已发放宣传折页", "老人独居，已教会识别冒充客服"])},
        "members": _members(rng, household, members),
    }


def build_feeds(total: int = EVENTS, seed: int = 7) -> dict[str, list[Entry]]:
    """``total`` events: roster for total/8 households (3 persons each), visit rounds, activities."""
    rng = random.Random(seed)
    clock = datetime(2026, 9, 1, 8, 0, tzinfo=CST)
    township, village, device = Feed(TOWNSHIP_FEED), Feed(VILLAGE_FEED), Feed(DEVICE_FEED)
    households = total // 8
    township.append("township.init", f"twp:{TOWNSHIP}", [], {
        "code": TOWNSHIP, "name": "红星镇", "signing_public": "ab" * 32,
        "office_recipient": "age1" + "q" * 58, "dossier_recipient": "age1" + "p" * 58,
    }, _iso(clock))
    township.append("village.set", f"vil:{VILLAGE}", [], {"code": VILLAGE, "name": "红星村"}, _iso(clock))
    township.append("device.enroll", f"dev:{DEVICE_FEED}", [], {
        "device": DEVICE_FEED, "name": "红星村笔记本1", "village": VILLAGE,
        "signing_public": "cd" * 32, "recipient": "age1" + "r" * 58,
    }, _iso(clock))
    ids = []
    for h in range(households):
        hid = f"{VILLAGE}-{h + 1:06d}"
        ids.append(hid)
        group = f"第{h % 9 + 1}村民小组"
        village.append("household.set", f"hh:{hid}", [], {
            "village": VILLAGE, "group": group, "number": f"{h + 1:06d}",
            "address": f"{group}{h + 1}号", "status": "resident",
        }, _iso(clock))
        for n in range(1, 4):
            village.append("person.set", f"p:{hid}-{n:02d}", [], {
                "household": hid, "name": rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2]),
                "sex": rng.choice("MF"), "birth_year": rng.randint(1935, 2015),
                "phone": f"139{rng.randint(0, 99_999_999):08d}", "residence": rng.choice(
                    ["resident", "resident", "migrant", "student"]),
                "relation": "户主" if n == 1 else "家庭成员", "status": "active",
            }, _iso(clock))
    remaining = total - len(township) - len(village)
    activities = remaining // 100
    for i in range(remaining - activities):
        clock += timedelta(minutes=rng.randint(2, 20))
        device.append("visit", f"visit:{rng.getrandbits(128):032x}", [],
                      visit_body(rng, ids[i % households]), _iso(clock))
    for _ in range(activities):
        clock += timedelta(hours=3)
        device.append("activity", f"act:{rng.getrandbits(128):032x}", [], {
            "village": VILLAGE, "kind": rng.choice(["loudspeaker", "lecture", "market_stall", "banner"]),
            "place": "村委会广场", "audience": rng.randint(10, 200), "materials": rng.randint(0, 300),
            "note": "", "form": {"id": "village_activity", "version": 1}, "answers": {},
        }, _iso(clock))
    return {feed.feed_id: feed.entries for feed in (township, village, device)}


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _timed_cpu(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result): CPU time shows what other load hides."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _load() -> str:
    try:
        return "load average %.1f %.1f %.1f" % os.getloadavg()
    except (AttributeError, OSError):
        return "load average unknown"


def _stock_tinydb_insert(folder: Path, docs: list[dict[str, Any]]) -> float | None:
    """Median seconds of one insert into stock tinydb JSONStorage already holding ``docs``."""
    from tinydb import TinyDB

    db = TinyDB(folder / "stock.json", encoding="utf-8")
    try:
        fill, _ = _timed(lambda: db.insert_multiple(docs))
        if fill > 30:
            return None
        return statistics.median(_timed(lambda: db.insert(docs[0]))[0] for _ in range(STOCK_TINYDB_INSERTS))
    finally:
        db.close()


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> bool:
    override = os.environ.pop(keys.WORK_FACTOR_ENV, None)
    if override is not None:
        print(f"(ignoring {keys.WORK_FACTOR_ENV}: this benchmark uses the calibrated work factor)")
    try:
        return _run()
    finally:
        if override is not None:
            os.environ[keys.WORK_FACTOR_ENV] = override


def _run() -> bool:
    work_factor = keys.default_work_factor()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="fieldkit-bench-") as tmp:
        root = Path(tmp)
        feeds = build_feeds()
        plaintext_mb = sum(len(e.raw) + 1 for entries in feeds.values() for e in entries) / 1e6
        counts = {feed: len(entries) for feed, entries in feeds.items()}
        print(f"machine: {os.cpu_count()} CPUs, {_load()}")
        print(f"store: {sum(counts.values())} events in {len(feeds)} feeds {counts}, {plaintext_mb:.1f} MB of entries")

        ws = Workspace.create(root / "ws", "device", {"feed": DEVICE_FEED}, {}, PASSPHRASE)
        for feed_id, entries in feeds.items():
            ws.store.add_entries(feed_id, entries)

        # (a) save latency, and the floor: that one entry alone, encrypted, to a fresh file, durably
        saves, floors = [], []
        recipient = age.X25519Identity.from_string(ws.secrets[STORE_SECRET]).recipient()
        floor_dir = root / "floor"
        floor_dir.mkdir()
        for i in range(SAVES):
            body = visit_body(rng, f"{VILLAGE}-{rng.randint(1, EVENTS // 8):06d}")
            elapsed, entry = _timed(lambda: ws.record("visit", f"visit:{rng.getrandbits(128):032x}", [], body))
            saves.append(elapsed)
            floors.append(_timed(lambda: atomic_write(floor_dir / f"{i}.age", age.encrypt(entry.raw, [recipient])))[0])
        ws.close()
        save_ms, floor_ms = statistics.median(saves) * 1000, statistics.median(floors) * 1000
        ratio = save_ms / floor_ms
        print(f"(a) save one visit with {EVENTS} events held: median {save_ms:.2f} ms over {SAVES} saves "
              f"(p90 {sorted(saves)[int(SAVES * 0.9)] * 1000:.2f} ms)")
        print(f"    floor (encrypt that entry alone + atomic durable write to a fresh file): median "
              f"{floor_ms:.2f} ms; ratio {ratio:.1f}x")
        docs = [json.loads(e.raw) for entries in feeds.values() for e in entries]
        stock = _stock_tinydb_insert(root, docs)
        if stock is None:
            print("    stock tinydb JSONStorage: not measured (filling it took over 30 s); "
                  "DESIGN 7 measured ~460 ms per insert at this size")
        else:
            print(f"    stock tinydb JSONStorage, one insert at {len(docs)} documents (no fsync, not atomic): "
                  f"median {stock * 1000:.0f} ms over {STOCK_TINYDB_INSERTS} ({stock * 1000 / save_ms:.0f}x ours)")
        ok_a = save_ms <= SAVE_TARGET_MS and ratio <= SAVE_TARGET_RATIO
        print(f"    {_verdict(save_ms <= SAVE_TARGET_MS)} median <= {SAVE_TARGET_MS:g} ms; "
              f"{_verdict(ratio <= SAVE_TARGET_RATIO)} ratio <= {SAVE_TARGET_RATIO:g}x floor")

        # (b) open: the steps of Workspace.open + state(), timed one by one
        def fold_all(store: Store) -> Any:
            with paused_gc():
                return fold(store.entries())

        runs = []
        for _ in range(OPENS):
            unlock, unlock_cpu, secrets = _timed_cpu(lambda: keys.read_keyfile(root / "ws" / KEY_FILE, PASSPHRASE))
            identity = age.X25519Identity.from_string(secrets[STORE_SECRET])
            load, load_cpu, store = _timed_cpu(lambda: Store.open(root / "ws" / STORE_DIR, identity))
            folding, fold_cpu, state = _timed_cpu(lambda: fold_all(store))
            runs.append((unlock + load + folding, unlock, load, folding, unlock_cpu + load_cpu + fold_cpu))
            store.close()
        total, unlock, load, folding, cpu = sorted(runs)[len(runs) // 2]
        end_to_end, _ = _timed(lambda: Workspace.open(root / "ws", PASSPHRASE).state())
        print(f"(b) open a store of {EVENTS + SAVES} events: {total:.3f} s (median of {OPENS}; CPU {cpu:.3f} s) = "
              f"unlock {unlock:.3f} s (scrypt work factor {work_factor}) + decrypt/parse/verify {load:.3f} s "
              f"+ fold {folding:.3f} s")
        print(f"    best of {OPENS}: {min(r[0] for r in runs):.3f} s; Workspace.open(...).state() end to end, once: "
              f"{end_to_end:.3f} s; {state.entry_count} entries folded, {len(state.households)} households")
        # calibration under other load picks a smaller work factor: show the design's unlock time too
        normalised = keys.TARGET_UNLOCK_SECONDS + load + folding
        print(f"    with the unlock at its design target of {keys.TARGET_UNLOCK_SECONDS:g} s instead: {normalised:.3f} s")
        ok_b = total <= OPEN_TARGET_S
        print(f"    {_verdict(ok_b)} open <= {OPEN_TARGET_S:g} s")
        print(f"    ({_load()} on {os.cpu_count()} CPUs: wall-clock figures grow with other load)")
    return ok_a and ok_b


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
