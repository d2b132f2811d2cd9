"""A visit the screen called 已保存 survives SIGKILL of the app right after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.app_fixtures import demo_workspace, open_workspace

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_visit_survives_sigkill_right_after_saved(tmp_path: Path) -> None:
    workspace = demo_workspace(tmp_path / "ws", households=30)
    ws = open_workspace(workspace)
    try:
        state = ws.state()
        household = next(h for h in sorted(state.households) if not state.visits_of(h) and len(state.members_of(h)) >= 2
                         and state.households[h].status == "resident"
                         and any(p.residence != "registered_only" for p in state.members_of(h)))
        visits_before = len(state.visits)
    finally:
        ws.close()

    env = {**os.environ, "FIELDKIT_SCRYPT_WORK_FACTOR": "10", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.app_kill_driver", str(workspace), household],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        assert child.stdout is not None
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if line.startswith("SAVED ") or not line:
                break
        assert line.startswith("SAVED "), f"driver ended without saving: {child.stderr.read() if child.stderr else ''}"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    entity = line.split()[1]

    ws = open_workspace(workspace)
    try:
        state = ws.state()
    finally:
        ws.close()
    assert len(state.visits) == visits_before + 1
    visit = next(v for v in state.visits if f"visit:{v.id}" == entity or v.id == entity)
    assert visit.household == household
    assert all(visit.member(pid).briefed for pid in visit.members)
