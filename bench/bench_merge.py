"""Merge benchmarks (issue 5, DESIGN 6).

(a) 40 laptop bundles, 60,000 visit events in total, merged into an empty township master with
    ``sync.merge.merge_files`` (every import check, the write, the quarantine bookkeeping).
    Targets: <= 10 s, and <= 2x the floor: reading, decrypting and hash-verifying the same bundles
    (container parse, body hash, age decryption, JSON, ``parse_entries`` + ``verify_chain`` per feed),
    measured in the same run.
(b) Merging the same 40 again (nothing new). Target: <= 30% of (a).
(c) A county master of 300,000 events (20 villages of 5 townships: roster, 100 devices' visits) opens
    and reports (``Workspace.open`` + ``report``) in a fresh subprocess. Target: peak RSS <= 1 GiB
    (``resource.getrusage``). The master is written straight into a county store (building it through
    300,000 events of merges would only make the benchmark slower).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("FIELDKIT_SCRYPT_WORK_FACTOR", "10")  # key files: not what is measured here

from fieldkit.core import age  # noqa: E402
from fieldkit.core.canonical import canonical  # noqa: E402
from fieldkit.core.feed import ZERO, Entry, parse_entries, verify_chain  # noqa: E402
from fieldkit.core.keys import SigningKey  # noqa: E402
from fieldkit.core.gcpause import paused_gc  # noqa: E402
from fieldkit.core.workspace import Workspace  # noqa: E402

BUNDLES = 40
EVENTS = 60_000
MERGE_TARGET_S = 10.0
MERGE_TARGET_RATIO = 2.0
REMERGE_TARGET_RATIO = 0.30
ROUNDS = 2
COUNTY_EVENTS = 300_000
COUNTY_RSS_TARGET = 1024**3
PASSPHRASE = "bench passphrase 测试"
COUNTY = "110101"


def _entries(feed: str, events: list[tuple[str, str, list[str], dict]], times: list[str]) -> list[Entry]:
    """Chain ``events`` into ``feed``: canonical bytes once, then parsed as the store would."""
    raws, prev = [], ZERO
    for seq, ((type_, entity, base, body), when) in enumerate(zip(events, times), start=1):
        raw = canonical({"v": 1, "feed": feed, "seq": seq, "prev": prev, "time": when, "type": type_,
                         "entity": entity, "base": base, "body": body})
        raws.append(raw)
        prev = hashlib.sha256(raw).hexdigest()
    return parse_entries(raws, feed=feed, known_canonical=True)


def _visit(device: str, n: int, village: str, household: str, members: list[str]) -> tuple[str, str, list[str], dict]:
    ident = hashlib.sha256(f"{device}/{n}".encode()).hexdigest()[:32]
    return ("visit", f"visit:{ident}", [], {
        "household": household, "village": village, "cadre": device[-4:],
        "form": {"id": "household_visit", "version": 1}, "answers": {"q1": n % 3 == 0},
        "members": {m: {"briefed": True, "channel": "in_person" if i else "phone", "app_installed": (n + i) % 2 == 0,
                        "call_warning": True, "joined_group": i == 0} for i, m in enumerate(members)},
    })


def _times(count: int, day0: int = 1) -> list[str]:
    return [f"2026-11-{day0 + (i // 2000) % 27:02d}T{8 + (i // 120) % 10:02d}:{(i // 2) % 60:02d}:{i % 60:02d}+08:00"
            for i in range(count)]


# ------------------------------------------------------------------------------------ (a) and (b)


def _make_township(root: Path, devices: int):
    from sync import township as ops
    from sync.device import EnrolRequest

    ws = ops.init_township(root / "T", code="110101001", name="城关镇", passphrase=PASSPHRASE,
                           dossier_passphrase=PASSPHRASE)
    keys = []
    for n in range(devices):
        key = SigningKey.generate()
        device = f"d-{hashlib.sha256(f'bench{n}'.encode()).hexdigest()[:16]}"
        recipient = age.X25519Identity.generate().recipient().to_string()
        ws.record("village.set", "vil:110101001001", [], {"code": "110101001001", "name": "红星村"},
                  feed="t-110101001-110101001001") if n == 0 else None
        ops.enroll(ws, EnrolRequest(device, f"笔记本{n}", key.public_hex(), recipient, "2026-11-01T08:00:00+08:00"),
                   "110101001001")
        keys.append((device, key))
    return ws, keys


def _write_bundles(ws, keys, folder: Path) -> list[Path]:
    from sync.bundle import seal_bundle

    folder.mkdir()
    per = EVENTS // len(keys)
    office = ws.info["office_recipient"]
    paths = []
    for n, (device, key) in enumerate(keys):
        events = []
        for i in range(per):
            household = f"110101001001-{(n * 37 + i) % 400 + 10001:06d}"
            events.append(_visit(device, i, "110101001001", household, [f"{household}-{k:02d}" for k in range(1, 5)]))
        entries = _entries(device, events, _times(per))
        data = seal_bundle(township="110101001", village="110101001001", device=device, signing_key=key,
                           office_recipient=office, entries=entries, created="2026-11-29T18:00:00+08:00")
        path = folder / f"fk-110101001-110101001001-{device}-20261129-1800.fkb"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _floor(paths: list[Path], identity: age.X25519Identity) -> float:
    """Read, decrypt and hash-verify the bundles: the least any verified import must do."""
    from sync.container import parse_container

    started = time.perf_counter()
    with paused_gc():
        for path in paths:
            container = parse_container(path.read_bytes(), "bundle", label=path.name)
            container.check_body()
            body = json.loads(container.decrypt([identity]))
            for feed, lines in body["feeds"].items():
                entries = parse_entries([line.encode("utf-8") for line in lines], feed=feed)
                verify_chain(entries, feed)
    return time.perf_counter() - started


def bench_merge(root: Path) -> bool:
    import shutil

    from sync.merge import merge_files

    ws, keys = _make_township(root, BUNDLES)
    paths = _write_bundles(ws, keys, root / "usb")
    identity = age.X25519Identity.from_string(ws.secrets["office"])
    ws.close()
    # Floor and merge alternate, best of ROUNDS each, so a busy machine does not favour either.
    floors, merges = [], []
    for round_ in range(ROUNDS):
        floors.append(_floor(paths, identity))
        target = root / f"master{round_}"
        shutil.copytree(root / "T", target, ignore=shutil.ignore_patterns("lock"))
        ws = Workspace.open(target, PASSPHRASE)
        started = time.perf_counter()
        report = merge_files(ws, paths)
        merges.append(time.perf_counter() - started)
        assert report.rejected == 0 and report.new == EVENTS, (report.rejected, report.new)
        if round_ < ROUNDS - 1:
            ws.close()
    floor, first = min(floors), min(merges)

    started = time.perf_counter()
    again = merge_files(ws, paths)
    second = time.perf_counter() - started
    assert again.new == 0 and again.rejected == 0
    ws.close()

    size = sum(p.stat().st_size for p in paths) / 2**20
    ok_abs = first <= MERGE_TARGET_S
    ok_ratio = first <= MERGE_TARGET_RATIO * floor
    ok_again = second <= REMERGE_TARGET_RATIO * first
    print(f"(a) {BUNDLES} bundles, {EVENTS} events, {size:.1f} MiB: merge {first:.2f} s; "
          f"floor (read + decrypt + hash-verify) {floor:.2f} s; ratio {first / floor:.2f}x "
          f"(best of {ROUNDS}; merges {', '.join(f'{m:.2f}' for m in merges)}, floors {', '.join(f'{f:.2f}' for f in floors)})")
    print(f"    {'PASS' if ok_abs else 'FAIL'}: <= {MERGE_TARGET_S:.0f} s")
    print(f"    {'PASS' if ok_ratio else 'FAIL'}: <= {MERGE_TARGET_RATIO:.0f}x floor")
    print(f"(b) re-merge of the same {BUNDLES}: {second:.2f} s = {100 * second / first:.0f}% of (a)")
    print(f"    {'PASS' if ok_again else 'FAIL'}: <= {100 * REMERGE_TARGET_RATIO:.0f}% of (a)")
    return ok_abs and ok_ratio and ok_again


# ------------------------------------------------------------------------------------ (c)


def _county_feeds() -> dict[str, list[Entry]]:
    """5 townships x 4 villages; each village 250 households x 4 persons; 100 devices' visits."""
    feeds: dict[str, list[Entry]] = {}
    townships = [f"{COUNTY}{t:03d}" for t in range(1, 6)]
    devices = []
    roster_events = 0
    for code in townships:
        key = SigningKey.generate()
        office = age.X25519Identity.generate().recipient().to_string()
        township_events = [("township.init", f"twp:{code}", [], {
            "code": code, "name": f"镇{code[-3:]}", "signing_public": key.public_hex(),
            "office_recipient": office, "dossier_recipient": office})]
        for v in range(1, 5):
            village = f"{code}{v:03d}"
            events = [("village.set", f"vil:{village}", [], {"code": village, "name": f"村{village[-5:]}"})]
            for h in range(1, 251):
                hh = f"{village}-{h:06d}"
                events.append(("household.set", f"hh:{hh}", [], {
                    "village": village, "group": f"第{1 + h % 5}村民小组", "number": f"{h:06d}",
                    "address": f"{h}号", "status": "resident"}))
                for k in range(1, 5):
                    events.append(("person.set", f"p:{hh}-{k:02d}", [], {
                        "household": hh, "name": f"村民{h}{k}", "sex": "MF"[k % 2], "birth_year": 1940 + (h * k) % 70,
                        "phone": "", "residence": ("resident", "migrant", "student", "resident")[k - 1],
                        "relation": "", "status": "active"}))
            feeds[f"t-{code}-{village}"] = _entries(f"t-{code}-{village}", events, _times(len(events)))
            roster_events += len(events)
            for d in range(5):
                device = f"d-{hashlib.sha256(f'{village}/{d}'.encode()).hexdigest()[:16]}"
                devices.append((device, village))
                township_events.append(("device.enroll", f"dev:{device}", [], {
                    "device": device, "name": f"笔记本{d}", "village": village,
                    "signing_public": SigningKey.generate().public_hex(), "recipient": office}))
        feeds[f"t-{code}"] = _entries(f"t-{code}", township_events, _times(len(township_events)))
        roster_events += len(township_events)
    per = (COUNTY_EVENTS - roster_events) // len(devices)
    extra = COUNTY_EVENTS - roster_events - per * len(devices)
    for n, (device, village) in enumerate(devices):
        count = per + (1 if n < extra else 0)
        events = []
        for i in range(count):
            hh = f"{village}-{(i * 7 + n) % 250 + 1:06d}"
            events.append(_visit(device, i, village, hh, [f"{hh}-{k:02d}" for k in range(1, 5)]))
        feeds[device] = _entries(device, events, _times(count))
    return feeds


# Peak RSS of this process alone: on Linux ru_maxrss of a child also counts its parent's RSS when it
# was forked (the high-water mark survives fork and exec), and this parent has just built 300,000
# entries. VmHWM is the child's own address space's peak.
_OPEN_AND_REPORT = """
import resource, sys, time
from fieldkit.core.workspace import Workspace
started = time.perf_counter()
ws = Workspace.open(sys.argv[1], sys.argv[2])
report = ws.report()
state = ws.state()
try:
    peak_kib = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(state.entry_count, len(state.households), len(state.visits), round(time.perf_counter() - started, 2), peak_kib)
"""


def bench_county(root: Path) -> bool:
    from sync.county import init_county

    started = time.perf_counter()
    feeds = _county_feeds()
    ws = init_county(root / "C", code=COUNTY, name="某县", passphrase=PASSPHRASE)
    with paused_gc():
        for feed, entries in sorted(feeds.items()):
            ws.store.add_entries(feed, entries)
    total = sum(len(e) for e in feeds.values())
    ws.close()
    del feeds
    built = time.perf_counter() - started
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", _OPEN_AND_REPORT, str(root / "C"), PASSPHRASE],
                         capture_output=True, text=True, env=env, check=True).stdout.split()
    entries, households, visits, seconds, rss_kib = int(out[0]), int(out[1]), int(out[2]), float(out[3]), int(out[4])
    rss = rss_kib * 1024 if sys.platform != "darwin" else rss_kib
    ok = rss <= COUNTY_RSS_TARGET and entries == total
    print(f"(c) county master: {entries} events ({households} households, {visits} visits; built in {built:.0f} s); "
          f"open + report {seconds:.1f} s, peak RSS {rss / 2**20:.0f} MiB")
    print(f"    {'PASS' if ok else 'FAIL'}: peak RSS <= {COUNTY_RSS_TARGET / 2**20:.0f} MiB")
    return ok


def main() -> bool:
    results = []
    with tempfile.TemporaryDirectory(prefix="fk-bench-merge-") as tmp:
        root = Path(tmp)
        (root / "a").mkdir()
        results.append(bench_merge(root / "a"))
        (root / "c").mkdir()
        results.append(bench_county(root / "c"))
    return all(results)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
