"""A throwaway demo township: township office, one village roster, one enrolled laptop with visits
and a few village-wide activities.

Built through the same operations a real township uses (init, roster events in the village feed,
enrolment kit, kit import), so the demo exercises the real formats end to end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fieldkit.core.demo import DEFAULT_VILLAGE_CODE, DEMO_TODAY, demo_events
from fieldkit.core.keys import fingerprint
from sync.device import apply_kit, init_device, read_request, verify_kit_file, write_request
from sync.kit import village_feed
from sync.township import enroll, init_township, record_many

DEMO_TOWNSHIP_CODE = DEFAULT_VILLAGE_CODE[:9]
DEMO_TOWNSHIP_NAME = "示范镇"
DEMO_LAPTOP_NAME = "红星村 李秀英"  # laptops are named for their cadre: visits record it as 走访人
ROSTER_TYPES = ("village.set", "household.set", "person.set")
# (days before the demo's today, kind, place, people reached, leaflets, note)
DEMO_ACTIVITIES = (
    (24, "loudspeaker", "村委会广播站", 400, 0, "每天早晚各播一次：不轻信、不透露、不转账"),
    (17, "lecture", "村委会会议室", 45, 45, "老年人防骗讲座：冒充公检法、保健品骗局"),
    (11, "market_stall", "红星村集市", 150, 120, "赶集日摆摊，现场帮村民安装国家反诈中心APP"),
    (6, "wechat_push", "红星村村民微信群", 260, 0, "转发“冒充客服退款”诈骗案例"),
)


@dataclass(frozen=True)
class Demo:
    township: Path
    laptop: Path
    households: int
    visits: int
    activities: int
    fingerprint: str


def build_demo(
    root: Path, passphrase: str, *, households: int = 120, progress: Callable[[int, int], None] | None = None
) -> Demo:
    """Create ``root/township`` and ``root/laptop`` (both under ``passphrase``)."""
    step = progress or (lambda done, total: None)
    total = 5
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    township = init_township(
        root / "township", code=DEMO_TOWNSHIP_CODE, name=DEMO_TOWNSHIP_NAME,
        passphrase=passphrase, dossier_passphrase=passphrase,
    )
    step(1, total)
    events = demo_events(households, cadre=DEMO_LAPTOP_NAME)
    roster = [(e.type, e.entity, [], e.body) for e in events if e.type in ROSTER_TYPES]
    record_many(township, village_feed(DEMO_TOWNSHIP_CODE, DEFAULT_VILLAGE_CODE), roster,
                time=next(e.time for e in events if e.type in ROSTER_TYPES))
    step(2, total)

    laptop = init_device(root / "laptop", name=DEMO_LAPTOP_NAME, passphrase=passphrase)
    request = read_request(write_request(laptop, root / "enrol-request.json"))
    enrolment = enroll(township, request, DEFAULT_VILLAGE_CODE)
    kit_path = root / "enrol-kit.fkk"
    kit_path.write_bytes(enrolment.kit)
    step(3, total)
    apply_kit(laptop, verify_kit_file(laptop, kit_path))
    step(4, total)

    visits = [e for e in events if e.type not in ROSTER_TYPES]
    for event in visits:
        laptop.record(event.type, event.entity, [], event.body, time=event.time)
    for days, kind, place, audience, materials, note in DEMO_ACTIVITIES:
        body = {
            "village": DEFAULT_VILLAGE_CODE, "kind": kind, "place": place, "audience": audience,
            "materials": materials, "note": note, "form": {"id": "village_activity", "version": 1}, "answers": {},
        }
        entity = "act:" + hashlib.sha256(f"demo-activity-{days}".encode()).hexdigest()[:32]
        laptop.record("activity", entity, [], body, time=f"{DEMO_TODAY - timedelta(days=days)}T19:30:00+08:00")
    step(5, total)
    return Demo(
        township=township.path,
        laptop=laptop.path,
        households=households,
        visits=len(visits),
        activities=len(DEMO_ACTIVITIES),
        fingerprint=fingerprint(township.info["signing_public"]),
    )
