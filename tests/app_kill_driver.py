"""Drive the field app headless in its own process for the kill -9 test (not a test module itself).

``python -m tests.app_kill_driver WORKSPACE HOUSEHOLD`` unlocks, opens the household, records a visit
with everyone briefed, and prints ``SAVED <entity>`` the moment 已保存 is on the screen. Then it keeps
running, so the parent can SIGKILL it mid-flight.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from fieldkit.app import messages as msg
from fieldkit.app.components.member_grid import MemberGrid
from fieldkit.app.components.household import HouseholdScreen
from fieldkit.app.components.visit_form import VisitFormScreen
from fieldkit.core.model import AWAY
from tests.app_fixtures import PASSPHRASE, make_app, screen_text, wait_loaded, wait_until


async def drive(workspace: Path, household: str) -> None:
    saved: list[msg.Saved] = []

    def hook(message: object) -> None:
        if isinstance(message, msg.Saved):
            saved.append(message)

    app = make_app(workspace, "zh", passphrase=PASSPHRASE)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await wait_loaded(pilot)
        app.open_household(household)
        await wait_until(pilot, lambda: isinstance(app.screen, HouseholdScreen))
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, VisitFormScreen))
        form = app.screen
        await pilot.press("ctrl+b")  # everyone briefed
        grid = form.query_one("#grid", MemberGrid)
        for person in form.members:
            if person.residence in AWAY:
                grid.set_value(person.id, "channel", "phone")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "已保存" in screen_text(app), timeout=30, step=0.005)
        print(f"SAVED {saved[0].entity}", flush=True)
        await asyncio.sleep(60)  # the parent kills us long before this


if __name__ == "__main__":
    asyncio.run(drive(Path(sys.argv[1]), sys.argv[2]))
