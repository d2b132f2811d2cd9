"""The workspace facade: layout, create/open, passphrase, records, cached state, and no data in clear."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from fieldkit.core import age
from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import verify_chain
from fieldkit.core.keys import WrongPassphraseError
from fieldkit.core.workspace import STORE_SECRET, Workspace, default_workspace_dir, read_info
from tests.store_support import DEVICE, snapshot, visit_args

PASSPHRASE = "红星村 correct horse"
VILLAGE = "110101001001"
HOUSEHOLD = f"{VILLAGE}-000017"
PERSON = f"{HOUSEHOLD}-01"
NAME = "欧阳翠花"
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"


def make(path: Path, **info) -> Workspace:
    info = {"feed": DEVICE, "township": "110101001", "village": VILLAGE, "device_name": "红星村笔记本1", **info}
    return Workspace.create(path, "device", info, {"signing": "ab" * 32}, PASSPHRASE)


@pytest.fixture()
def ws(tmp_path) -> Workspace:
    w = make(tmp_path / "ws")
    yield w
    w.close()


def test_layout_and_public_info(ws):
    assert sorted(p.name for p in ws.path.iterdir()) == ["keys.age", "store", "workspace.json"]
    info = json.loads((ws.path / "workspace.json").read_text(encoding="utf-8"))
    assert info == {"format": 1, "kind": "device", "feed": DEVICE, "township": "110101001",
                    "village": VILLAGE, "device_name": "红星村笔记本1"}
    assert ws.info == info and ws.kind == "device" and ws.feed_id == DEVICE
    assert read_info(ws.path) == info
    assert Workspace.exists(ws.path)
    # the key file holds the given secrets and the store identity
    assert ws.secrets["signing"] == "ab" * 32
    assert age.X25519Identity.from_string(ws.secrets[STORE_SECRET])
    assert ws.secrets[STORE_SECRET] not in json.dumps(info)
    assert "ab" * 32 not in repr(ws) and "AGE-SECRET" not in repr(ws)


def test_key_file_opens_with_the_passphrase(ws):
    from fieldkit.core.keys import read_keyfile

    assert read_keyfile(ws.path / "keys.age", PASSPHRASE) == ws.secrets


def test_record_open_and_state(ws, tmp_path):
    ws.record("village.set", f"vil:{VILLAGE}", [], {"code": VILLAGE, "name": "红星村"})
    ws.record("household.set", f"hh:{HOUSEHOLD}", [], {"village": VILLAGE, "group": "第1村民小组",
                                                       "number": "000017", "address": "1组17号", "status": "resident"})
    first = ws.state()
    assert ws.state() is first  # cached
    assert first.entry_count == 2 and HOUSEHOLD in first.households
    entry = ws.record(*visit_args(17))
    assert entry.feed == DEVICE and entry.seq == 3
    second = ws.state()
    assert second is not first and second.entry_count == 3
    ws.close()
    again = Workspace.open(tmp_path / "ws", PASSPHRASE)
    assert again.store.feed(DEVICE)[-1] == entry
    verify_chain(again.store.feed(DEVICE), DEVICE)
    report = again.report(today=date(2026, 11, 29))
    assert report.total.visits == 1
    again.close()


def test_record_to_another_feed(ws):
    entry = ws.record("village.set", f"vil:{VILLAGE}", [], {"code": VILLAGE, "name": "红星村"},
                      feed=f"t-110101001-{VILLAGE}")
    assert entry.feed == f"t-110101001-{VILLAGE}" and ws.store.head(DEVICE) == (0, "0" * 64)


def test_state_follows_entries_added_to_the_store(ws):
    assert ws.state().entry_count == 0
    ws.store.append(DEVICE, *visit_args(1))
    assert ws.state().entry_count == 1


def test_update_info_is_persisted(ws, tmp_path):
    ws.update_info(device_name="红星村笔记本2", enrolled=True)
    assert ws.info["device_name"] == "红星村笔记本2"
    assert read_info(tmp_path / "ws")["enrolled"] is True
    with pytest.raises(ValueError):
        ws.update_info(kind="township")


def test_create_refuses_an_existing_or_non_empty_folder(ws, tmp_path):
    with pytest.raises(FieldkitError) as caught:
        make(ws.path)
    assert caught.value.key == "workspace.exists"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(FieldkitError):
        make(tmp_path / "other")
    assert sorted(p.name for p in (tmp_path / "other").iterdir()) == ["notes.txt"]
    make(tmp_path / "empty-ok").close()


def test_failed_create_leaves_the_folder_reusable(tmp_path):
    with pytest.raises(FieldkitError):  # empty passphrase
        Workspace.create(tmp_path / "ws", "device", {"feed": DEVICE}, {}, "")
    assert not Workspace.exists(tmp_path / "ws")
    make(tmp_path / "ws").close()


def test_not_a_workspace(tmp_path):
    with pytest.raises(FieldkitError) as caught:
        Workspace.open(tmp_path, PASSPHRASE)
    assert caught.value.key == "workspace.not_a_workspace" and str(tmp_path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_damaged_or_incomplete_workspace(ws, tmp_path):
    ws.close()
    info = tmp_path / "ws" / "workspace.json"
    original = info.read_bytes()
    info.write_bytes(b"{not json")
    with pytest.raises(FieldkitError) as caught:
        Workspace.open(tmp_path / "ws", PASSPHRASE)
    assert caught.value.key == "workspace.bad_info"
    info.write_bytes(original.replace(b'"format": 1', b'"format": 9'))
    with pytest.raises(FieldkitError) as caught:
        Workspace.open(tmp_path / "ws", PASSPHRASE)
    assert caught.value.key == "workspace.unsupported_format"
    info.write_bytes(original)
    (tmp_path / "ws" / "keys.age").rename(tmp_path / "keys.age")
    with pytest.raises(FieldkitError) as caught:
        Workspace.open(tmp_path / "ws", PASSPHRASE)
    assert caught.value.key == "workspace.missing_file"


def test_wrong_passphrase_is_one_line_and_touches_nothing(ws, tmp_path):
    ws.record(*visit_args(1))
    ws.store.put_doc("settings", "lang", "zh")
    ws.close()
    before = snapshot(tmp_path / "ws")
    with pytest.raises(WrongPassphraseError) as caught:
        Workspace.open(tmp_path / "ws", PASSPHRASE + "x")
    message = str(caught.value)
    assert isinstance(caught.value, FieldkitError) and "\n" not in message and PASSPHRASE not in message
    assert snapshot(tmp_path / "ws") == before
    Workspace.open(tmp_path / "ws", PASSPHRASE).close()


def test_wrong_passphrase_in_a_fresh_process_prints_one_line_without_traceback(ws, tmp_path):
    ws.close()
    before = snapshot(tmp_path / "ws")
    script = (
        "import sys\n"
        "from fieldkit.core.errors import FieldkitError\n"
        "from fieldkit.core.workspace import Workspace\n"
        "try:\n"
        "    Workspace.open(sys.argv[1], sys.argv[2])\n"
        "except FieldkitError as err:\n"
        "    print(err, file=sys.stderr); sys.exit(1)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "ws"), "wrong"],
        capture_output=True, text=True, encoding="utf-8", timeout=60,
        env={**os.environ, "FIELDKIT_LANG": "zh"}, cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr and "口令" in result.stderr
    assert snapshot(tmp_path / "ws") == before


def test_no_personal_data_anywhere_on_disk(ws, tmp_path):
    ws.record("person.set", f"p:{PERSON}", [], {
        "household": HOUSEHOLD, "name": NAME, "sex": "F", "birth_year": 1949, "phone": PHONE,
        "residence": "resident", "relation": "户主", "status": "active",
    })
    body = visit_args(17)[3]
    body["answers"] = {"note": f"{NAME} 身份证 {ID_NUMBER} 电话 {PHONE}"}
    ws.record("visit", "visit:" + "e" * 32, [], body)
    ws.store.put_doc("quarantine", "note", {"who": NAME, "id": ID_NUMBER, "phone": PHONE})
    ws.close()
    Workspace.open(tmp_path / "ws", PASSPHRASE).close()  # and opening writes nothing in clear either
    needles = {
        "name utf-8": NAME.encode("utf-8"),
        "name gb18030": NAME.encode("gb18030"),
        "name utf-16-le": NAME.encode("utf-16-le"),
        "name utf-16-be": NAME.encode("utf-16-be"),
        "name \\u escapes": NAME.encode("unicode_escape"),
        "phone": PHONE.encode(),
        "phone utf-16": PHONE.encode("utf-16-le"),
        "id number": ID_NUMBER.encode(),
        "id number utf-16": ID_NUMBER.encode("utf-16-le"),
    }
    files = [p for p in (tmp_path / "ws").rglob("*") if p.is_file()]
    assert len(files) >= 5
    for file in files:
        data = file.read_bytes()
        for label, needle in needles.items():
            assert needle not in data, f"{label} found in {file.relative_to(tmp_path)}"


def test_default_workspace_dir_is_the_user_data_dir():
    path = default_workspace_dir()
    assert path.is_absolute() and path.name == "fieldkit"
