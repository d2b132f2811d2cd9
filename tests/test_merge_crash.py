"""A merge killed at any moment, or hitting a full disk, leaves the old master or the new one.

- SIGKILL: ``fieldkit township merge`` runs in a subprocess and is killed at random moments (most
  while it writes the master). Afterwards a plain ``Workspace.open`` (no recovery called first: the
  store puts back an interrupted transaction by itself) gives the old master or the new one, never
  anything in between, and the old one whenever the kill landed inside the transaction; merging
  again then gives the new one.
- ENOSPC: ``os.write`` fails with ENOSPC after a varying number of writes inside ``merge_files``: the
  error says the disk is full and the previous data is intact, and it is.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldkit.core.errors import FieldkitError
from fieldkit.core.workspace import Workspace
from fieldkit.core.store import TRANSACTION
from sync.merge import merge_files, merge_interrupted, recover_master
from tests.sync_support import PASS, copy_workspace, digest_of, make_township, synthetic_bundles

ROOT = Path(__file__).resolve().parents[1]
KILLS = 12
EVENTS = 150


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    T = make_township(root / "T")
    bundles = synthetic_bundles(T, root / "usb", devices=8, events=EVENTS)
    T.close()
    old = _digest(root / "T")
    done = copy_workspace(root / "T", root / "done")
    with Workspace.open(done, PASS) as ws:
        report = merge_files(ws, bundles)
        assert report.rejected == 0 and report.new == 8 * EVENTS
    new = _digest(done)
    assert new != old
    return {"root": root, "usb": root / "usb", "old": old, "new": new}


def _marker(path: Path) -> Path:
    return path / "store" / TRANSACTION


def _digest(path: Path) -> str:
    with Workspace.open(path, PASS) as ws:
        return digest_of(ws)


def _merge_process(path: Path, usb: Path) -> subprocess.Popen:
    env = {**os.environ, "FIELDKIT_PASSPHRASE": PASS, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "fieldkit", "township", "merge", "--dir", str(path), str(usb)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )


def _wait_for(predicate, process: subprocess.Popen, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.0005)
    return False


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_old_or_new(setup, tmp_path):
    rng = random.Random(20261129)
    # Calibrate: how long the write phase (marker present) lasts in an unkilled run.
    calib = copy_workspace(setup["root"] / "T", tmp_path / "calib")
    process = _merge_process(calib, setup["usb"])
    assert _wait_for(lambda: _marker(calib).exists(), process)
    started = time.monotonic()
    process.wait(60)
    write_phase = max(time.monotonic() - started, 0.05)
    assert process.returncode == 0 and _digest(calib) == setup["new"]

    outcomes = {"old": 0, "new": 0}
    kills = killed_while_writing = restored = 0
    # At least KILLS kills, and at least KILLS // 2 of them while the master is being written (a
    # busy machine stretches the timings, so keep going until that many landed, within a cap).
    while kills < KILLS or (killed_while_writing < KILLS // 2 and kills < 3 * KILLS):
        n = kills
        path = copy_workspace(setup["root"] / "T", tmp_path / f"T{n}")
        process = _merge_process(path, setup["usb"])
        if n % 4 == 3:  # now and then anywhere, verification included
            time.sleep(rng.uniform(0.0, 1.0))
        else:
            _wait_for(lambda: _marker(path).exists(), process)
            time.sleep(rng.uniform(0.0, 0.8 * write_phase))
        writing = _marker(path).exists()
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        kills += 1
        killed_while_writing += writing and process.returncode == -signal.SIGKILL

        was_interrupted = merge_interrupted(path)
        restored += was_interrupted
        if was_interrupted and n % 3 == 1:  # now and then the way the CLI does it, saying so
            assert recover_master(path) and not merge_interrupted(path)
        # A plain open, nothing called before it: the store puts an interrupted merge back itself.
        digest = _digest(path)
        assert digest in (setup["old"], setup["new"]), f"kill {n}: the master is neither old nor new"
        assert not merge_interrupted(path)
        if was_interrupted:  # killed inside the transaction: never a part of it
            assert digest == setup["old"], f"kill {n}: an interrupted merge was not put back"
        outcomes["old" if digest == setup["old"] else "new"] += 1
        if n % 4 == 0:  # the next merge completes it
            with Workspace.open(path, PASS) as ws:
                merge_files(ws, sorted(setup["usb"].iterdir()))
            assert _digest(path) == setup["new"]
        shutil.rmtree(path)
    print(f"{kills} kills: {outcomes}, {killed_while_writing} while writing, {restored} restored")
    assert killed_while_writing >= KILLS // 2, outcomes  # the kills really hit the write phase
    assert restored >= KILLS // 3  # and really left something to put back


# An undisturbed merge of these bundles makes 14 writes: the marker, 8 segments, one manifest, the
# documents (each with a manifest). Fail at the first of them, in the segments and in the documents.
@pytest.mark.parametrize("fail_after", [0, 1, 3, 6, 9, 11, 13])
def test_disk_full_mid_merge_keeps_the_old_master_and_says_so(setup, tmp_path, monkeypatch, fail_after):
    path = copy_workspace(setup["root"] / "T", tmp_path / "T")
    bundles = sorted(setup["usb"].iterdir())
    ws = Workspace.open(path, PASS)
    real_write = os.write
    calls = {"n": 0}

    def full_disk(fd, data):
        calls["n"] += 1
        if calls["n"] > fail_after:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(FieldkitError) as caught:
        merge_files(ws, bundles)
    monkeypatch.undo()
    assert digest_of(ws) == setup["old"]  # the open workspace was put back too
    ws.close()
    assert caught.value.key == "io.disk_full"
    assert "\n" not in str(caught.value)
    assert not merge_interrupted(path)
    assert _digest(path) == setup["old"]
    with Workspace.open(path, PASS) as ws:  # with space again, the same merge goes through
        assert merge_files(ws, bundles).new == 8 * EVENTS
    assert _digest(path) == setup["new"]
