"""End to end through the CLI: two laptops of one village edit the same person's phone offline, export,
the township merges (both values kept, one wins deterministically, the conflict listed), sends kits
back (laptop B then shows laptop A's visits), resolves the conflict, revokes a laptop.

The phone edits and visits are made with the Workspace API on the laptops (``Workspace.record``, what
the field app calls): no CLI command edits a phone or records a visit. Everything else is the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldkit.cli import main
from fieldkit.core.canonical import parse_time
from fieldkit.core.workspace import Workspace
from sync import device as device_ops
from sync.bundle import bundle_summary
from sync.refresh import latest_receipt, record_receipt
from tests.sync_support import PASS, ROSTER, record_visit, set_phone


@pytest.fixture
def cli(monkeypatch, capsys):
    monkeypatch.setenv("FIELDKIT_PASSPHRASE", PASS)
    monkeypatch.delenv("FIELDKIT_DEBUG", raising=False)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def ok(result):
    code, out, err = result
    assert code == 0, err
    return out


def device_id(path: Path) -> str:
    return json.loads((path / "workspace.json").read_text("utf-8"))["device"]


def test_two_laptops_conflict_merge_kits_resolve_revoke(tmp_path, cli):
    T, A, B, usb = tmp_path / "T", tmp_path / "A", tmp_path / "B", tmp_path / "usb"
    usb.mkdir()
    ok(cli("township", "init", "--dir", T, "--code", "110101001", "--name", "城关镇"))
    ok(cli("township", "roster", "--dir", T, ROSTER, "--village-code", "红星村=110101001001"))
    for path, name in ((A, "甲"), (B, "乙")):
        ok(cli("device", "init", "--dir", path, "--name", name, "--out", tmp_path / f"{name}.json"))
        ok(cli("township", "enroll", "--dir", T, tmp_path / f"{name}.json", "--village", "红星村",
               "--out", tmp_path / f"{name}.kit"))
        ok(cli("device", "import-kit", "--dir", path, tmp_path / f"{name}.kit", "--yes"))
    a_id, b_id = device_id(A), device_id(B)

    # Offline, on the laptops: both change the same person's phone from the same base; each visits.
    with Workspace.open(A, PASS) as ws:
        person = sorted(ws.state().persons)[0]
        base = ws.state().heads_of(f"p:{person}")
        set_phone(ws, person, "13900000001")
        record_visit(ws, sorted(ws.state().households)[0])
        a_visits = {v.id for v in ws.state().visits}
    with Workspace.open(B, PASS) as ws:
        assert ws.state().heads_of(f"p:{person}") == base
        set_phone(ws, person, "13900000002")
        record_visit(ws, sorted(ws.state().households)[1])
    ok(cli("export", "--dir", A, "--to", usb))
    ok(cli("export", "--dir", B, "--to", usb))

    out = ok(cli("township", "merge", "--dir", T, usb))
    rows = [line for line in out.splitlines() if line.startswith("fk-")]
    assert len(rows) == 2 and all(row.split()[2:5] == ["2", "0", "1"] for row in rows)  # new, held, conflicts

    with Workspace.open(T, PASS) as ws:
        state = ws.state()
        conflict = state.conflict_of(f"p:{person}")
        assert conflict is not None
        values = {v.body["phone"]: v for v in conflict.values}
        assert set(values) == {"13900000001", "13900000002"}  # nothing lost
        winner = max(conflict.values, key=lambda v: (parse_time(v.time), v.feed, v.seq))
        assert state.persons[person].phone == winner.body["phone"]  # deterministic: time, then device
        refs = {v.body["phone"]: f"{v.feed}:{v.seq}" for v in conflict.values}
    listing = ok(cli("township", "conflicts", "--dir", T))
    assert f"p:{person}" in listing
    for phone, name in (("13900000001", "甲"), ("13900000002", "乙")):
        line = next(x for x in listing.splitlines() if x.startswith("  ") and refs[phone] in x)
        assert name in line and f"phone={phone}" in line and "T" in line  # who, what, when

    # Kits back: laptop B gets A's feed (and a receipt for its own).
    ok(cli("township", "kit", "--dir", T, "--device", b_id, "--out", tmp_path / "B2.kit"))
    with Workspace.open(B, PASS) as ws:
        assert not a_visits & {v.id for v in ws.state().visits}
    ok(cli("device", "import-kit", "--dir", B, tmp_path / "B2.kit"))
    with Workspace.open(B, PASS) as ws:
        state = ws.state()
        assert a_visits <= {v.id for v in state.visits}
        assert state.conflict_of(f"p:{person}") is not None  # the laptop sees the same conflict
    status = ok(cli("status", "--dir", B))
    assert status.strip()

    # The receipt in the kit: received B's feed through seq 2.
    with Workspace.open(B, PASS) as ws:
        kit = device_ops.verify_kit_file(ws, tmp_path / "B2.kit")
        record_receipt(ws, kit)
        receipt = latest_receipt(ws)
        assert receipt["seq"] == 2 and receipt["matches"] is True
        assert receipt["head"] == ws.store.head(b_id)[1]
    (usb / "inc").mkdir()
    code, _, err = cli("export", "--dir", B, "--to", usb / "inc", "--since-receipt")
    assert code == 1 and "回执" in err  # nothing new since the receipt
    with Workspace.open(B, PASS) as ws:
        record_visit(ws, sorted(ws.state().households)[3])
    out = ok(cli("export", "--dir", B, "--to", usb / "inc", "--since-receipt"))
    (incremental,) = (usb / "inc").iterdir()
    assert bundle_summary(incremental) == {"feed": b_id, "first": 3, "last": 3, "count": 1}
    out = ok(cli("township", "merge", "--dir", T, incremental))
    assert [line.split()[2:4] for line in out.splitlines() if line.startswith("fk-")] == [["1", "0"]]

    # Resolve with a township event whose base is every head; it travels to the laptops.
    out = ok(cli("township", "resolve", "--dir", T, f"p:{person}", "--pick", refs["13900000001"]))
    assert f"p:{person}" in out
    with Workspace.open(T, PASS) as ws:
        assert ws.state().conflict_of(f"p:{person}") is None
        assert ws.state().persons[person].phone == "13900000001"
    assert "p:" not in ok(cli("township", "conflicts", "--dir", T))
    for laptop, ident in ((A, a_id), (B, b_id)):
        ok(cli("township", "kit", "--dir", T, "--device", ident, "--out", tmp_path / f"{ident}.kit"))
        ok(cli("device", "import-kit", "--dir", laptop, tmp_path / f"{ident}.kit"))
        with Workspace.open(laptop, PASS) as ws:
            assert ws.state().conflict_of(f"p:{person}") is None
            assert ws.state().persons[person].phone == "13900000001"

    # Revoke B (lost laptop): its next bundle is refused, A's still merged; exit non-zero.
    with Workspace.open(B, PASS) as ws:
        record_visit(ws, sorted(ws.state().households)[5])
    with Workspace.open(A, PASS) as ws:
        record_visit(ws, sorted(ws.state().households)[6])
    ok(cli("township", "revoke", "--dir", T, b_id, "--reason", "笔记本丢失"))
    later = tmp_path / "later"
    later.mkdir()
    ok(cli("export", "--dir", A, "--to", later))
    ok(cli("export", "--dir", B, "--to", later))
    code, out, err = cli("township", "merge", "--dir", T, later)
    assert code == 1
    (reason,) = [line for line in err.splitlines() if line.startswith("错误")]  # one line per refused file
    assert b_id in reason
    with Workspace.open(T, PASS) as ws:
        assert ws.store.head(a_id)[0] == 3 and ws.store.head(b_id)[0] == 3
    assert len(list((T / "quarantine").iterdir())) == 1


def test_merge_rejects_garbage_with_a_table_and_nonzero_exit(tmp_path, cli):
    T = tmp_path / "T"
    ok(cli("township", "init", "--dir", T, "--code", "110101001", "--name", "城关镇"))
    junk = tmp_path / "junk.fkb"
    junk.write_bytes(b"not a bundle at all\n")
    code, out, err = cli("township", "merge", "--dir", T, junk)
    assert code == 1
    assert "junk.fkb" in out and "junk.fkb" in err
    assert (T / "quarantine").is_dir() and len(list((T / "quarantine").iterdir())) == 1
