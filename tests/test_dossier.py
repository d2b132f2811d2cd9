"""Key-person dossiers: sealing and opening, context binding, the sheet import, the laptop and
township listings, and that nothing about a key person is ever stored or shipped in clear."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from fieldkit.cli import main
from fieldkit.core import age
from fieldkit.core import dossier as core
from fieldkit.core.errors import FieldkitError
from fieldkit.core.feed import make_entry
from fieldkit.core.fold import fold
from fieldkit.core.keys import write_keyfile
from fieldkit.core.tables import read_table
from fieldkit.core.workspace import Workspace
from fieldkit.i18n import t
from surveys import default_forms
from sync.device import apply_kit, init_device, read_request, verify_kit_file, write_request
from sync.township import enroll, import_roster, init_township
from tests.roster_support import sample_path, write_csv

PASS = "office-pass-1"
DOSSIER_PASS = "liaison-pass-2"
TOWNSHIP = "110101001"
VILLAGE = "110101001001"
OTHER_VILLAGE = "110101001002"
FORM = default_forms()["key_person_dossier"]

# Two fictional key persons. Every one of these strings must stay out of the workspace in clear.
PEOPLE = [
    {"category": "前科人员", "name": "欧阳明月", "id_number": "11010519491231002X", "phone": "13812345678"},
    {"category": "涉两卡人员", "name": "司马青山", "id_number": "440106198506153218", "phone": "15987654321"},
]
HEADER = ["人员类别", "姓名", "公民身份号码", "联系电话", "现住址", "责任民警", "备注"]


def sheet_rows(people=PEOPLE, officer="李警官"):
    return [[p["category"], p["name"], p["id_number"], p["phone"], "红星村3组", officer, ""] for p in people]


def secrets_of(people=PEOPLE) -> list[str]:
    values = []
    for p in people:
        values += [p["name"], p["id_number"], p["phone"], p["category"]]
    return values


# ------------------------------------------------------------------------------------ seal / open


@pytest.fixture(scope="module")
def keys():
    return {name: age.X25519Identity.generate() for name in ("device", "township", "stranger")}


ANSWERS = {"category": "prior_offender", "name": "欧阳明月", "id_number": "11010519491231002X", "officer": "李警官"}


def sealed(keys, dossier_id="ab" * 16, version=1, village=VILLAGE, answers=ANSWERS):
    recipients = [keys["township"].recipient(), keys["device"].recipient()]
    return core.seal_dossier(dossier_id, version, village, answers, FORM, recipients)


def test_device_and_township_open_a_stranger_cannot(keys):
    dossier_id = core.new_dossier_id()
    assert len(dossier_id) == 32 and int(dossier_id, 16) >= 0 and dossier_id != core.new_dossier_id()
    data = sealed(keys, dossier_id)
    for who in ("device", "township"):
        opened = core.open_dossier(data, [keys[who]], dossier_id, 1, VILLAGE)
        assert opened["answers"] == ANSWERS
        assert opened["context"] == {"format": core.FORMAT, "dossier": f"dos:{dossier_id}", "version": 1, "village": VILLAGE}
        assert opened["form"] == {"id": "key_person_dossier", "version": FORM.version}
    with pytest.raises(core.DossierLockedError) as info:
        core.open_dossier(data, [keys["stranger"]], dossier_id, 1, VILLAGE)
    assert info.value.key == "dossier.no_key" and dossier_id in str(info.value)
    assert "\n" not in str(info.value) and "欧阳" not in str(info.value)


def test_age_file_names_no_recipient_and_hides_lengths(keys):
    short = sealed(keys, answers={**ANSWERS, "category": "high_risk", "name": "王一"})
    long = sealed(keys, answers={**ANSWERS, "category": "myanmar_returnee", "name": "欧阳明月明月"})
    assert len(short) == len(long)  # padded: the size does not tell the category or the name length
    for identity in (keys["device"], keys["township"]):
        recipient = identity.recipient()
        assert recipient.to_string().encode() not in short
        assert recipient.public_bytes not in short
    assert short.count(b"-> X25519 ") == 2
    plaintext = age.decrypt(short, [keys["device"]])
    assert len(plaintext) % core.PAD_BLOCK == 0
    assert json.loads(plaintext)["answers"]["name"] == "王一"  # plain JSON plus trailing spaces


def test_context_bound_to_dossier_version_and_village(keys):
    a, b = "aa" * 16, "bb" * 16
    data = sealed(keys, a, version=2)
    assert core.open_dossier(data, [keys["device"]], f"dos:{a}", 2, VILLAGE)["context"]["version"] == 2
    for expected, field in (((b, 2, VILLAGE), "dossier"), ((a, 3, VILLAGE), "version"), ((a, 2, OTHER_VILLAGE), "village")):
        with pytest.raises(core.DossierContextError) as info:
            core.open_dossier(data, [keys["township"]], *expected)
        assert info.value.field == field and info.value.key == f"dossier.moved.{field}"


def test_ciphertext_moved_between_events_is_refused(keys):
    """A feed whose dossier event carries another dossier's ciphertext: the fold indexes it, opening refuses."""
    a, b = "aa" * 16, "bb" * 16
    body_a = core.event_body(VILLAGE, 1, sealed(keys, a))
    moved = {**body_a}  # same ciphertext, claimed for dossier b
    moved_village = {**body_a, "village": OTHER_VILLAGE}
    feed = "d-0123456789abcdef"
    e1 = make_entry(feed, 1, "0" * 64, "2026-11-29T10:00:00+08:00", "dossier", f"dos:{a}", [], body_a)
    e2 = make_entry(feed, 2, e1.hash, "2026-11-29T10:01:00+08:00", "dossier", f"dos:{b}", [], moved)
    e3 = make_entry(feed, 3, e2.hash, "2026-11-29T10:02:00+08:00", "dossier", f"dos:{'cc' * 16}", [], moved_village)
    state = fold([e1, e2, e3])
    read = core.read_dossiers(state, [keys["township"]])
    assert [d.id for d in read.opened] == [a]
    assert sorted((e.dossier, e.key) for e in read.failed) == [(b, "dossier.moved.dossier"), ("cc" * 16, "dossier.moved.dossier")]
    # the same id, but the village claimed in clear differs from the sealed one
    e4 = make_entry(feed, 4, e3.hash, "2026-11-29T10:03:00+08:00", "dossier", f"dos:{a}", [e1.hash],
                    {**body_a, "village": OTHER_VILLAGE, "version": 1})
    with pytest.raises(core.DossierContextError) as info:
        core.open_index(fold([e1, e2, e3, e4]).dossiers[a], [keys["township"]])
    assert info.value.field == "village"


def test_damaged_ciphertext_is_refused(keys):
    data = bytearray(sealed(keys))
    data[-5] ^= 1
    with pytest.raises(core.DossierError) as info:
        core.open_dossier(bytes(data), [keys["device"]], "ab" * 16, 1, VILLAGE)
    assert info.value.key == "dossier.damaged"
    with pytest.raises(core.DossierError):
        core.ciphertext_of("ab" * 16, {"ciphertext": "not base64!"})


def test_next_version_builds_on_every_head(keys):
    ident = "dd" * 16
    v1 = make_entry("d-aaaaaaaaaaaaaaaa", 1, "0" * 64, "2026-11-29T10:00:00+08:00", "dossier", f"dos:{ident}", [],
                    core.event_body(VILLAGE, 1, sealed(keys, ident, 1)))
    assert core.next_version(fold([v1]), ident) == (2, (v1.hash,))
    # two devices edit version 1 at once: a conflict; the next edit is version 3 on both heads
    heads = [
        make_entry(feed, 1, "0" * 64, f"2026-11-29T11:0{i}:00+08:00", "dossier", f"dos:{ident}", [v1.hash],
                   core.event_body(VILLAGE, 2, sealed(keys, ident, 2, answers={**ANSWERS, "officer": officer})))
        for i, (feed, officer) in enumerate((("d-bbbbbbbbbbbbbbbb", "甲"), ("d-cccccccccccccccc", "乙")))
    ]
    state = fold([v1, *heads])
    version, base = core.next_version(state, ident)
    assert version == 3 and sorted(base) == sorted(h.hash for h in heads)
    opened = core.open_heads(state, state.dossiers[ident], [keys["township"]])
    assert [o.answers["officer"] for o in opened] == ["甲", "乙"] and all(o.conflict for o in opened)


@pytest.mark.skipif(shutil.which("age") is None, reason="the age command-line tool is not installed")
def test_standard_age_tool_opens_a_dossier(keys, tmp_path):
    key_file = tmp_path / "dossier.key"
    key_file.write_text(keys["township"].to_string() + "\n")
    body = core.event_body(VILLAGE, 1, sealed(keys))
    (tmp_path / "d.age").write_bytes(base64.b64decode(body["ciphertext"]))
    out = subprocess.run(["age", "-d", "-i", str(key_file), str(tmp_path / "d.age")], capture_output=True, check=True)
    assert json.loads(out.stdout)["answers"] == ANSWERS


def test_masking():
    assert core.mask_id_number("440106198506153218") == "4401**********3218"
    assert core.mask_phone("13812345678") == "138****5678"
    assert core.mask_id_number("123") == "***"


# ------------------------------------------------------------------------------------ the sheet


def test_sheet_problems_carry_their_rows(tmp_path):
    rows = sheet_rows() + [
        ["高危人员", "甲某", "110105194912310021", "", "", "李警官", ""],  # row 4: bad checksum (should end X)
        ["高危人员", "", "320102197001010011", "", "", "李警官", ""],  # row 5: name missing
        ["诈骗人员", "乙某", "510102198002020027", "", "", "李警官", ""],  # row 6: unknown category
        ["前科", "丙某", "11010519491231002X", "1381234567", "", "李警官", ""],  # row 7: repeats row 2, bad phone
        ["", "", "", "", "", "", ""],  # blank rows are skipped
        ["two_cards", "丁某", "610102197503030038 ", "", "", "", ""],  # row 9: officer missing
    ]
    path = write_csv(tmp_path / "dossiers.csv", HEADER, rows)
    sheet = core.parse_dossier_sheet(path, FORM)
    found = sorted((p.row, p.code) for p in sheet.problems)
    assert found == [
        (4, "forms.answer_bad_id_number"),
        (5, "forms.answer_required"),
        (6, "dossier.problem.unknown_category"),
        (7, "dossier.problem.duplicate_id_number"),
        (7, "forms.answer_bad_phone"),
        (9, "forms.answer_required"),
    ]
    assert [d.row for d in sheet.dossiers] == [2, 3]
    assert sheet.dossiers[1].answers["category"] == "two_cards"  # 涉两卡人员
    assert sheet.ignored_columns == ("备注",)
    for problem in sheet.problems:
        text = problem.message("zh") + problem.message("en")
        assert not any(s in text for s in ("甲某", "110105194912310021", "诈骗人员", "1381234567"))
    bad_id = next(p for p in sheet.problems if p.row == 4)
    assert "公民身份号码" in bad_id.message("zh")  # the column as written in the sheet
    with pytest.raises(core.DossiersRefused) as info:
        core.plan_dossier_import(sheet, [], fold([]))
    assert info.value.key == "dossier.refused" and info.value.params == {"count": 6, "rows": 5}
    plan = core.plan_dossier_import(sheet, [], fold([]), skip_bad_rows=True)
    assert (plan.new, plan.updated, plan.unchanged) == (2, 0, 0)


def test_sheet_missing_required_column(tmp_path):
    path = write_csv(tmp_path / "d.csv", ["姓名", "身份证号", "责任人"], [["甲", "11010519491231002X", "李"]])
    with pytest.raises(FieldkitError) as info:
        core.parse_dossier_sheet(path, FORM)
    assert info.value.key == "dossier.missing_columns" and "人员类别" in str(info.value)


def test_xlsx_id_number_stored_as_a_number(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER[:3] + ["责任民警"])
    sheet.append(["高危人员", "甲某", 440106198506153218, "李警官"])  # Excel keeps 15 digits of it
    book.save(tmp_path / "d.xlsx")
    parsed = core.parse_dossier_table(read_table(tmp_path / "d.xlsx"), FORM)
    assert [(p.row, p.code) for p in parsed.problems] == [(2, "dossier.problem.id_number_as_number")]


def test_template_round_trips(tmp_path):
    core.write_dossier_template(tmp_path / "t.xlsx", FORM)
    table = read_table(tmp_path / "t.xlsx")
    assert list(table.header) == [q.label.zh for q in FORM.questions]
    parsed = core.parse_dossier_table(table, FORM)
    assert parsed.dossiers == () and parsed.problems == ()


# ------------------------------------------------------------------------- workspaces and the CLI


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory):
    """A township with a small roster and two laptops of 红星村 enrolled, built once per module."""
    root = tmp_path_factory.mktemp("provisioned")
    lines = sample_path().read_bytes().decode("utf-8-sig").splitlines()[:12]
    (root / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    township = init_township(root / "T", code=TOWNSHIP, name="红星镇", passphrase=PASS, dossier_passphrase=DOSSIER_PASS)
    import_roster(township, root / "roster.csv")
    for folder, name in (("D", "红星村张三"), ("E", "红星村李四")):
        device = init_device(root / folder, name=name, passphrase=PASS)
        enrolment = enroll(township, read_request(write_request(device, root / f"{folder}.json")), "红星村")
        (root / f"{folder}.kit").write_bytes(enrolment.kit)
        apply_kit(device, verify_kit_file(device, root / f"{folder}.kit"))
        device.close()
    township.close()
    (root / "roster.csv").unlink()
    return root


@pytest.fixture
def world(provisioned, tmp_path, monkeypatch):
    root = tmp_path / "w"
    shutil.copytree(provisioned, root)
    monkeypatch.setenv("FIELDKIT_PASSPHRASE", PASS)
    monkeypatch.setenv("FIELDKIT_DOSSIER_PASSPHRASE", DOSSIER_PASS)
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "zh", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def dossier_entries(path: Path):
    with Workspace.open(path, PASS) as ws:
        return [e for e in ws.store.feed(ws.feed_id) if e.type == "dossier"], ws.state()


def test_import_list_update_and_reimport(world, capsys):
    path = write_csv(world / "dossiers.csv", HEADER, sheet_rows())
    code, out, err = run(capsys, "dossier", "import", "--dir", str(world / "D"), str(path))
    assert code == 0, err
    assert t("dossier.cli.import.done", lang="zh", new=2, updated=0, unchanged=0) in out
    entries, state = dossier_entries(world / "D")
    assert len(entries) == 2 and len(state.dossiers) == 2
    for entry in entries:
        assert set(entry.body) == {"village", "version", "ciphertext"}
        assert entry.body["village"] == VILLAGE and entry.body["version"] == 1 and entry.base == ()

    code, out, _ = run(capsys, "dossier", "list", "--dir", str(world / "D"))
    assert code == 0
    for person in PEOPLE:
        assert person["name"] in out and person["category"] in out
        assert person["id_number"] not in out
        assert core.mask_id_number(person["id_number"]) in out
        assert person["phone"] not in out

    # the same sheet again: nothing new
    code, out, _ = run(capsys, "dossier", "import", "--dir", str(world / "D"), str(path))
    assert code == 0 and t("dossier.cli.import.done", lang="zh", new=0, updated=0, unchanged=2) in out
    assert len(dossier_entries(world / "D")[0]) == 2

    # one person's officer changes: a new version based on the previous head
    write_csv(path, HEADER, sheet_rows(officer="张警官")[:1] + sheet_rows()[1:])
    code, out, _ = run(capsys, "dossier", "import", "--dir", str(world / "D"), str(path))
    assert code == 0 and t("dossier.cli.import.done", lang="zh", new=0, updated=1, unchanged=1) in out
    entries, state = dossier_entries(world / "D")
    first, update = entries[0], entries[2]
    assert update.entity == first.entity and update.base == (first.hash,) and update.body["version"] == 2
    with Workspace.open(world / "D", PASS) as ws:
        identity = age.X25519Identity.from_string(ws.secrets["device"])
        opened = core.open_index(ws.state().dossiers[first.entity[4:]], [identity])
    assert opened.version == 2 and opened.answers["officer"] == "张警官"


def test_import_with_problems_writes_nothing(world, capsys):
    rows = sheet_rows() + [["前科人员", "甲某", "110105194912310021", "", "", "李警官", ""]]
    path = write_csv(world / "bad.csv", HEADER, rows)
    code, out, err = run(capsys, "dossier", "import", "--dir", str(world / "D"), str(path))
    assert code == 1 and "第 4 行" in out and t("dossier.refused", lang="zh", count=1, rows=1) in err
    assert dossier_entries(world / "D")[0] == []
    code, out, _ = run(capsys, "dossier", "import", "--dir", str(world / "D"), "--skip-bad-rows", str(path))
    assert code == 0 and len(dossier_entries(world / "D")[0]) == 2


def test_other_laptop_cannot_read_but_township_can(world, capsys):
    path = write_csv(world / "dossiers.csv", HEADER, sheet_rows())
    assert run(capsys, "dossier", "import", "--dir", str(world / "D"), str(path))[0] == 0
    with Workspace.open(world / "D", PASS) as d:
        feed, entries = d.feed_id, d.store.feed(d.feed_id)
    with Workspace.open(world / "E", PASS) as e:  # as a refresh kit would bring them
        e.store.add_entries(feed, entries)
    code, out, _ = run(capsys, "dossier", "list", "--dir", str(world / "E"))
    assert code == 0 and t("dossier.cli.list.locked", lang="zh", count=2) in out
    assert not any(p["name"] in out for p in PEOPLE)

    with Workspace.open(world / "T", PASS) as township:  # as a merged bundle would bring them
        township.store.add_entries(feed, entries)
    code, out, err = run(capsys, "township", "dossiers", "--dir", str(world / "T"))
    assert code == 0, err
    for person in PEOPLE:
        assert person["name"] in out and person["id_number"] not in out
        assert core.mask_id_number(person["id_number"]) in out
    first = entries[0].entity.removeprefix("dos:")  # the sheet's first row: PEOPLE[0]
    code, out, _ = run(capsys, "township", "dossiers", "--dir", str(world / "T"), "--show", first[:8])
    assert code == 0 and PEOPLE[0]["id_number"] in out and PEOPLE[0]["phone"] in out and "前科人员" in out


def test_township_needs_its_own_dossier_key(world, capsys, monkeypatch):
    code, _, err = run(capsys, "township", "dossiers", "--dir", str(world / "T"), "--key", str(world / "nothing.age"))
    assert code == 1 and "nothing.age" in err
    other = world / "other-key.age"
    write_keyfile(other, {"dossier": age.X25519Identity.generate().to_string()}, DOSSIER_PASS)
    code, _, err = run(capsys, "township", "dossiers", "--dir", str(world / "T"), "--key", str(other))
    assert code == 1 and t("dossier.key_wrong", lang="zh", path=str(other)) in err
    monkeypatch.setenv("FIELDKIT_DOSSIER_PASSPHRASE", "wrong")
    code, _, err = run(capsys, "township", "dossiers", "--dir", str(world / "T"))
    assert code == 1 and "dossier-key.age" in err


def test_laptop_without_kit_cannot_record(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FIELDKIT_PASSPHRASE", PASS)
    init_device(tmp_path / "N", name="新笔记本", passphrase=PASS).close()
    path = write_csv(tmp_path / "d.csv", HEADER, sheet_rows())
    code, _, err = run(capsys, "dossier", "import", "--dir", str(tmp_path / "N"), str(path))
    assert code == 1 and t("dossier.not_enrolled", lang="zh") in err


def test_nothing_in_clear_anywhere(world, capsys):
    """After import, export and merge: no name, ID number, phone or category in any file."""
    path = write_csv(world / "dossiers.csv", HEADER, sheet_rows())
    code, out, err = run(capsys, "dossier", "import", "--dir", str(world / "D"), str(path))
    assert code == 0
    printed = out + err
    usb = world / "usb"
    usb.mkdir()
    code, out, err = run(capsys, "export", "--dir", str(world / "D"), "--to", str(usb))
    assert code == 0, err
    printed += out + err
    code, out, err = run(capsys, "township", "merge", "--dir", str(world / "T"), str(usb))
    assert code == 0, err
    printed += out + err
    code, out, _ = run(capsys, "township", "dossiers", "--dir", str(world / "T"))
    assert code == 0 and PEOPLE[0]["name"] in out  # the dossiers did arrive and open
    path.unlink()  # the cadre's own sheet is the one file that holds them

    needles = []
    for value in secrets_of():
        needles += [value.encode("utf-8"), value.encode("gb18030"), json.dumps(value).encode("ascii")]
    files = [f for f in world.rglob("*") if f.is_file()]
    assert any(f.suffix == ".fkb" for f in files) and any(f.name == "workspace.json" for f in files)
    leaks = [(str(f.relative_to(world)), n) for f in files for n in needles if n in f.read_bytes()]
    assert leaks == []
    assert not any(value in printed for value in secrets_of())


def test_township_flags_a_dossier_its_key_cannot_open(world, capsys, keys):
    """A dossier sealed without the township dossier key is reported, not silently skipped."""
    ident = core.new_dossier_id()
    body = core.event_body(VILLAGE, 1, core.seal_dossier(ident, 1, VILLAGE, ANSWERS, FORM, [keys["stranger"].recipient()]))
    with Workspace.open(world / "T", PASS) as township:
        township.record("dossier", f"dos:{ident}", [], body, feed="d-00000000000000aa")
    code, out, err = run(capsys, "township", "dossiers", "--dir", str(world / "T"))
    assert code == 1 and ident in err and t("dossier.cli.township.failed", lang="zh", count=1) in err
    assert ANSWERS["name"] not in out + err
