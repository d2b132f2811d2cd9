"""Issue 3 through the CLI only: township init, roster import, enrolment, kits, visit import, status."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from fieldkit.cli import main
from tests.provisioning_support import (
    PASSPHRASE,
    TOWNSHIP,
    sample_roster,
    sample_rows,
    snapshot,
    tiny_roster,
    write_csv,
)

ROOT = Path(__file__).resolve().parents[1]
FINGERPRINT = re.compile(r"[0-9A-F]{4}(?:-[0-9A-F]{4}){4}")
VISIT_HEADER = ["村", "户编号", "姓名", "走访日期", "走访人", "是否宣传", "宣传方式", "已装反诈APP", "已开来电预警", "已进反诈群"]


def run(argv: list[str], passphrase: str | None = PASSPHRASE, **env: str) -> tuple[int, str, str]:
    """``fieldkit <argv>`` in this process; returns (exit code, stdout, stderr)."""
    saved = {k: os.environ.get(k) for k in ("FIELDKIT_PASSPHRASE", *env)}
    if passphrase is None:
        os.environ.pop("FIELDKIT_PASSPHRASE", None)
    else:
        os.environ["FIELDKIT_PASSPHRASE"] = passphrase
    os.environ.update(env)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return code, out.getvalue(), err.getvalue()


def ok(argv: list[str], **kwargs) -> str:
    code, out, err = run(argv, **kwargs)
    assert code == 0, f"{argv}: exit {code}\n{out}\n{err}"
    return out


def assert_one_line_error(code: int, err: str) -> None:
    assert code != 0
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("错误: ")


def fingerprint_in(text: str) -> set[str]:
    found = set(FINGERPRINT.findall(text))
    return found


# ------------------------------------------------------------------------------ data for the flow


def visit_sheet(path: Path, cadre: str, rows: list[tuple[str, str, str, str, bool]]) -> Path:
    """rows: (household number, name, briefed, channel, app installed)."""
    body = [["红星村", number, name, "2026-01-10", cadre, "是" if briefed else "否", channel, "是" if app else "否", "否", "否"]
            for number, name, briefed, channel, app in rows]
    return write_csv(path, VISIT_HEADER, body, encoding="utf-8-sig")


# Laptop A: household 010001 fully covered (migrants by phone/WeChat count), 010002 one of four briefed.
VISITS_A = [
    ("010001", "董琳", True, "面对面", True),
    ("010001", "薛东", True, "电话", False),
    ("010001", "姚海龙", True, "面对面", True),
    ("010001", "蔡林宇", True, "微信", False),
    ("010001", "苏俊国", True, "面对面", False),
    ("010002", "龚超鑫", True, "面对面", True),
]
# Laptop B: household 010003 fully covered, everyone in person.
VISITS_B = [
    ("010003", "魏强勇", True, "面对面", True),
    ("010003", "袁洁玲", True, "面对面", True),
    ("010003", "钱文", True, "面对面", False),
    ("010003", "马琳菊", True, "面对面", False),
    ("010003", "孙月秀", True, "面对面", True),
    ("010003", "董琳倩", True, "面对面", False),
]


def village_row(status_output: str) -> list[str]:
    """The cells of the 红星村 row of the status table."""
    line = next(line for line in status_output.splitlines() if line.startswith("红星村 "))
    return line.split()


# ------------------------------------------------------------------------------ the main flow, as a user runs it


def test_main_flow_through_subprocess(tmp_path):
    env = {**os.environ, "FIELDKIT_PASSPHRASE": PASSPHRASE, "FIELDKIT_SCRYPT_WORK_FACTOR": "10", "FIELDKIT_LANG": "zh"}

    def fk(*argv: str) -> str:
        proc = subprocess.run([sys.executable, "-m", "fieldkit", *argv], cwd=ROOT, env=env, capture_output=True,
                              text=True, encoding="utf-8", timeout=120)
        assert proc.returncode == 0, f"{argv}: {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr
        return proc.stdout

    t, a, b = tmp_path / "T", tmp_path / "A", tmp_path / "B"
    out = fk("--dir", str(t), "township", "init", "--name", "红星镇", "--code", TOWNSHIP)
    (paper,) = fingerprint_in(out)  # the fingerprint the cadres get on paper
    out = fk("township", "roster", "--dir", str(t), str(sample_roster()))
    assert re.search(r"红星村\s+110101001001\s+120\s+452", out)

    kits = {}
    for name, folder in (("甲", a), ("乙", b)):
        out = fk("device", "init", "--dir", str(folder), "--name", f"红星村{name}", "--out", str(tmp_path / f"{name}.json"))
        device = re.search(r"d-[0-9a-f]{16}", out).group(0)
        kits[name] = tmp_path / f"{name}.kit"
        out = fk("township", "enroll", "--dir", str(t), str(tmp_path / f"{name}.json"), "--village", "红星村",
                 "--out", str(kits[name]))
        assert device in out and paper in out
        out = fk("device", "import-kit", "--dir", str(folder), str(kits[name]), "--fingerprint", paper)
        assert paper in out  # shown to compare with the paper
        assert "120 户" in out

    fk("visit", "import", "--dir", str(a), str(visit_sheet(tmp_path / "a.csv", "甲", VISITS_A)))
    fk("visit", "import", "--dir", str(b), str(visit_sheet(tmp_path / "b.csv", "乙", VISITS_B)))

    status_a, status_b = fk("status", "--dir", str(a)), fk("status", "--dir", str(b))
    # columns: name households covered partial not_visited empty moved_out rate persons briefed app app% visits
    row_a, row_b = village_row(status_a), village_row(status_b)
    assert row_a[1:5] == ["120", "1", "1", str(120 - 6 - 2)]  # 6 households of the sample are 空挂
    assert row_a[9] == str(sum(1 for v in VISITS_A if v[2])) and row_a[10] == str(sum(1 for v in VISITS_A if v[4]))
    assert row_a[12] == "2"
    assert row_b[1:5] == ["120", "1", "0", str(120 - 6 - 1)]
    assert row_b[9] == str(len(VISITS_B)) and row_b[10] == str(sum(1 for v in VISITS_B if v[4]))
    assert row_b[12] == "1"
    assert "本机记录走访 2 次" in status_a and "本机记录走访 1 次" in status_b
    assert "60%" in status_a
    status_t = fk("status", "--dir", str(t))
    assert village_row(status_t)[1:3] == ["120", "0"]  # nothing merged yet: the township sees no visits


# ------------------------------------------------------------------------------ a shared township with laptops


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A township with the sample roster and 青山村, laptop A enrolled and its kit imported,
    and a kit for laptop B (not imported)."""
    root = tmp_path_factory.mktemp("world")
    ok(["--dir", str(root / "T"), "township", "init", "--name", "红星镇", "--code", TOWNSHIP])
    ok(["township", "roster", "--dir", str(root / "T"), str(sample_roster())])
    ok(["township", "roster", "--dir", str(root / "T"), str(tiny_roster(root / "qs.csv"))])
    for name in ("A", "B"):
        ok(["device", "init", "--dir", str(root / name), "--name", f"红星村{name}", "--out", str(root / f"{name}.json")])
        ok(["township", "enroll", "--dir", str(root / "T"), str(root / f"{name}.json"), "--village", "红星村",
            "--out", str(root / f"{name}.kit")])
    ok(["device", "import-kit", "--dir", str(root / "A"), str(root / "A.kit"), "--yes"])
    return root


@pytest.fixture
def laptop_a(world, tmp_path):
    """A private copy of laptop A (enrolled, kit imported) for a test to change."""
    copy = tmp_path / "A"
    shutil.copytree(world / "A", copy)
    return copy


def test_dir_option_before_and_after_the_subcommand(tmp_path):
    ok(["--dir", str(tmp_path / "one"), "township", "init", "--name", "一镇", "--code", "110101005"])
    ok(["township", "init", "--dir", str(tmp_path / "two"), "--name", "二镇", "--code", "110101006"])
    ok(["device", "init", "--name", "甲", "--dir", str(tmp_path / "three")])
    for name in ("one", "two", "three"):
        assert (tmp_path / name / "workspace.json").is_file()
    code, _, err = run(["township", "init", "--dir", str(tmp_path / "one"), "--name", "一镇", "--code", "110101005"])
    assert_one_line_error(code, err)  # never overwrites a workspace


def test_township_init_keeps_dossier_key_apart(tmp_path):
    out = ok(["township", "init", "--dir", str(tmp_path / "T"), "--name", "红星镇", "--code", TOWNSHIP],
             FIELDKIT_DOSSIER_PASSPHRASE="only-the-liaison")
    assert len(fingerprint_in(out)) == 1
    dossier = tmp_path / "T" / "dossier-key.age"
    assert dossier.is_file() and str(dossier) in out
    # it is a standard age file under its own passphrase
    from fieldkit.core.keys import WrongPassphraseError, read_keyfile

    assert set(read_keyfile(dossier, "only-the-liaison")) == {"dossier"}
    with pytest.raises(WrongPassphraseError):
        read_keyfile(dossier, PASSPHRASE)
    code, _, err = run(["township", "init", "--dir", str(tmp_path / "X"), "--name", "镇", "--code", "12345"])
    assert_one_line_error(code, err)
    assert not (tmp_path / "X").exists()


# ------------------------------------------------------------------------------ roster formats and messy rosters


def fresh_township(path: Path) -> Path:
    ok(["township", "init", "--dir", str(path), "--name", "红星镇", "--code", TOWNSHIP])
    return path


def xlsx_roster(path: Path) -> Path:
    header, rows = sample_rows()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["红星村户籍花名册"])  # a title row above the header, as offices write them
    sheet.append(header)
    for row in rows:
        cells: list[object] = list(row)
        cells[7] = int(row[7])  # Excel keeps years and phones as numbers
        if row[8]:
            cells[8] = int(row[8])
        sheet.append(cells)
    book.save(path)
    return path


def test_roster_in_every_format_reads_the_same(tmp_path):
    town = fresh_township(tmp_path / "T")
    header, rows = sample_rows()
    gb = write_csv(tmp_path / "gb.csv", header, rows, encoding="gb18030")
    bom = write_csv(tmp_path / "bom.csv", header, rows, encoding="utf-8-sig")
    xlsx = xlsx_roster(tmp_path / "roster.xlsx")
    assert not gb.read_bytes().decode("gb18030").startswith("\ufeff") and bom.read_bytes()[:3] == b"\xef\xbb\xbf"

    out = ok(["township", "roster", "--dir", str(town), str(gb)])
    assert re.search(r"红星村\s+110101001001\s+120\s+452", out)
    assert "新增户 120 户" in out and "新增人员 452 人" in out
    store = snapshot(town / "store")
    for other in (bom, xlsx):  # the same roster in another format changes nothing
        out = ok(["township", "roster", "--dir", str(town), str(other)])
        assert "没有需要记录的变化" in out
        assert snapshot(town / "store") == store


def test_reimport_records_only_differences(tmp_path):
    town = fresh_township(tmp_path / "T")
    header, rows = sample_rows()
    ok(["township", "roster", "--dir", str(town), str(sample_roster())])
    last = rows[-1][2]
    gone = [r for r in rows if r[2] == last]  # the last household leaves the roster
    kept = [list(r) for r in rows if r[2] != last]
    kept[0][8] = "13900000000"  # one phone changes
    newborn = list(kept[0])
    newborn[4:9] = ["董小宝", "孙子女", "男", "2024", ""]
    kept.insert(1, newborn)  # one person joins household 010001
    out = ok(["township", "roster", "--dir", str(town), str(write_csv(tmp_path / "v2.csv", header, kept))])
    expected = 1 + 1 + 1 + len(gone)  # changed person, new person, household moved out, its members
    assert f"记录 {expected} 条变化" in out
    assert "信息变更 1 人" in out and "新增人员 1 人" in out
    assert "整户迁出 1 户" in out and f"迁出 {len(gone)} 人" in out
    assert re.search(rf"红星村\s+110101001001\s+119\s+{452 - len(gone) + 1}", out)


def test_long_roster_shows_progress(tmp_path, monkeypatch):
    import fieldkit.cli.township as township_cli

    town = fresh_township(tmp_path / "T")
    monkeypatch.setattr(township_cli, "PROGRESS_FROM", 100)  # the sample's 573 events count as long here
    monkeypatch.setattr(township_cli, "READING_NOTE_FROM", 1000)
    code, out, err = run(["township", "roster", "--dir", str(town), str(sample_roster())])
    assert code == 0
    assert "正在读取" in err and "写入花名册 0%" in err and "写入花名册 100%" in err
    assert "记录 573 条变化" in out  # the progress goes to stderr, the summary to stdout


def messy_roster(path: Path) -> tuple[Path, list[int]]:
    header, rows = sample_rows()
    rows = [list(r) for r in rows]
    rows[2][4] = ""  # Excel row 4: no name
    rows[5][6] = "未知"  # row 7: sex
    rows[10][7] = "19x5"  # row 12: birth year
    rows[20][8] = "138-1234-5678"  # row 22: a phone with dashes is fixed, not a problem
    rows[30][3] = "  " + rows[30][3] + " "  # stray spaces are tidied, not a problem
    return write_csv(path, header, rows, encoding="utf-8-sig"), [4, 7, 12]


def test_messy_roster_lists_problems_by_row_and_writes_nothing(tmp_path):
    town = fresh_township(tmp_path / "T")
    ok(["township", "roster", "--dir", str(town), str(sample_roster())])
    path, bad_rows = messy_roster(tmp_path / "messy.csv")
    before = snapshot(town)
    code, out, err = run(["township", "roster", "--dir", str(town), str(path)])
    assert_one_line_error(code, err)
    assert code == 1
    listed = sorted({int(n) for n in re.findall(r"第 (\d+) 行", out)})
    assert listed == bad_rows
    assert snapshot(town) == before  # byte-identical: nothing written

    out = ok(["township", "roster", "--dir", str(town), str(path), "--skip-bad-rows"])
    assert "已跳过 3 行" in out
    assert "变化" in out  # the fixed phone is a real change of that person
    assert snapshot(town) != before


def test_roster_problems_on_a_fresh_township(tmp_path):
    town = fresh_township(tmp_path / "T")
    bad = write_csv(tmp_path / "bad.csv", ["村", "姓名"], [["红星村", "张三"]])
    before = snapshot(town)
    code, out, err = run(["township", "roster", "--dir", str(town), str(bad)])
    assert_one_line_error(code, err)  # missing columns
    code, out, err = run(["township", "roster", "--dir", str(town), str(tmp_path / "nope.csv")])
    assert_one_line_error(code, err)
    assert snapshot(town) == before


# ------------------------------------------------------------------------------ kit refusals


def kit_positions(data: bytes) -> dict[str, int]:
    magic_end = data.index(b"\n")
    header_end = data.index(b"\n", magic_end + 1)
    return {
        "magic": 3,
        "header-township": data.index(b'"township":') + 14,
        "header-signature": data.index(b'"signature":') + 20,
        "header-device": data.index(b'"device":"d-') + 15,
        "body-start": header_end + 5,
        "body-middle": (header_end + len(data)) // 2,
        "body-end": len(data) - 2,
    }


@pytest.mark.parametrize("where", ["magic", "header-township", "header-signature", "header-device",
                                  "body-start", "body-middle", "body-end"])
def test_kit_altered_by_one_byte_is_refused(world, laptop_a, tmp_path, where):
    data = (world / "A.kit").read_bytes()
    damaged = bytearray(data)
    damaged[kit_positions(data)[where]] ^= 0x04
    path = tmp_path / "damaged.kit"
    path.write_bytes(bytes(damaged))
    before = snapshot(laptop_a)
    code, out, err = run(["device", "import-kit", "--dir", str(laptop_a), str(path)])
    assert_one_line_error(code, err)
    assert snapshot(laptop_a) == before


def test_kit_for_another_device_is_refused(world, laptop_a):
    before = snapshot(laptop_a)
    code, out, err = run(["device", "import-kit", "--dir", str(laptop_a), str(world / "B.kit")])
    assert_one_line_error(code, err)
    assert "B.kit" in err and "设备" in err
    assert snapshot(laptop_a) == before


def test_kit_signed_by_another_township_is_refused(world, laptop_a, tmp_path):
    impostor = fresh_township(tmp_path / "T2")  # same code, different keys
    ok(["township", "roster", "--dir", str(impostor), str(sample_roster())])
    request = tmp_path / "req.json"
    # laptop A's enrolment request, taken to the impostor
    from fieldkit.core.workspace import Workspace
    from sync.device import write_request

    with Workspace.open(laptop_a, PASSPHRASE) as ws:
        write_request(ws, request)
    ok(["township", "enroll", "--dir", str(impostor), str(request), "--village", "红星村", "--out", str(tmp_path / "i.kit")])
    before = snapshot(laptop_a)
    code, out, err = run(["device", "import-kit", "--dir", str(laptop_a), str(tmp_path / "i.kit")])
    assert_one_line_error(code, err)
    assert "乡镇密钥" in err
    assert snapshot(laptop_a) == before


def test_first_kit_checks_a_given_fingerprint(world, tmp_path):
    laptop_b = tmp_path / "B"
    shutil.copytree(world / "B", laptop_b)
    before = snapshot(laptop_b)
    code, out, err = run(["device", "import-kit", "--dir", str(laptop_b), str(world / "B.kit"),
                          "--fingerprint", "0000-0000-0000-0000-0000"])
    assert_one_line_error(code, err)
    assert snapshot(laptop_b) == before
    town_out = ok(["status", "--dir", str(world / "T")])
    assert "红星镇" in town_out
    from fieldkit.core.keys import fingerprint
    from fieldkit.core.workspace import read_info

    paper = fingerprint(read_info(world / "T")["signing_public"])
    out = ok(["device", "import-kit", "--dir", str(laptop_b), str(world / "B.kit"), "--fingerprint", paper.lower()])
    assert paper in out


# ------------------------------------------------------------------------------ one-line errors


def test_wrong_passphrase_missing_file_not_a_workspace(world, laptop_a, tmp_path):
    code, _, err = run(["status", "--dir", str(laptop_a)], passphrase="wrong passphrase")
    assert_one_line_error(code, err)
    assert "口令" in err
    code, _, err = run(["device", "import-kit", "--dir", str(laptop_a), str(tmp_path / "missing.kit")])
    assert_one_line_error(code, err)
    empty = tmp_path / "empty"
    empty.mkdir()
    for argv in (["status", "--dir", str(empty)], ["status", "--dir", str(tmp_path / "nowhere")],
                 ["visit", "import", "--dir", str(empty), str(sample_roster())]):
        code, _, err = run(argv)
        assert_one_line_error(code, err)
    code, _, err = run(["status", "--dir", str(laptop_a)], passphrase=None)  # no terminal to ask
    assert_one_line_error(code, err)
    code, _, err = run(["township", "roster", "--dir", str(laptop_a), str(sample_roster())])
    assert_one_line_error(code, err)  # a laptop is not a township


# ------------------------------------------------------------------------------ visits


def test_visit_import_reports_rows_and_writes_nothing(laptop_a, tmp_path):
    sheet = visit_sheet(tmp_path / "v.csv", "甲", VISITS_A)
    text = sheet.read_bytes().decode("utf-8-sig").splitlines()
    text[2] = text[2].replace("010001", "999999")  # row 3: unknown household
    text[5] = text[5].replace("面对面", "飞鸽传书")  # row 6: unknown channel
    sheet.write_bytes(("\r\n".join(text) + "\r\n").encode("utf-8-sig"))
    before = snapshot(laptop_a)
    code, out, err = run(["visit", "import", "--dir", str(laptop_a), str(sheet)])
    assert_one_line_error(code, err)
    assert sorted({int(n) for n in re.findall(r"第 (\d+) 行", out)}) == [3, 6]
    assert snapshot(laptop_a) == before
    out = ok(["visit", "import", "--dir", str(laptop_a), str(sheet), "--skip-bad-rows"])
    assert "已导入 1 次走访" in out  # household 010002; 010001's visit had bad rows
    out = ok(["visit", "import", "--dir", str(laptop_a), str(sheet), "--skip-bad-rows"])
    assert "已导入 0 次走访" in out and "此前已导入" in out


def test_visit_template(laptop_a, tmp_path):
    out = ok(["visit", "template", "--out", str(tmp_path / "t.csv")], passphrase=None)
    header = (tmp_path / "t.csv").read_bytes().decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:5] == ["村", "户编号", "姓名", "走访日期", "走访人"] and "是否宣传" in header
    assert "t.csv" in out
    ok(["visit", "template", "--dir", str(laptop_a), "--roster", "--out", str(tmp_path / "r.xlsx")])
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    names = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "董琳" in names and len(names) > 100


def test_status_reads_township_workspace(world):
    out = ok(["status", "--dir", str(world / "T")])
    assert "红星镇" in out and "青山村" in out and "合计" in out
    assert "老年人" in out and "在校学生" in out and "外出务工" in out


def test_first_kit_without_a_terminal_needs_the_fingerprint(world, tmp_path):
    """The first kit pins the township key: with no terminal to ask, an unchecked import is refused."""
    laptop_b = tmp_path / "B"
    shutil.copytree(world / "B", laptop_b)
    before = snapshot(laptop_b)
    code, out, err = run(["device", "import-kit", "--dir", str(laptop_b), str(world / "B.kit")])
    assert_one_line_error(code, err)
    assert "--fingerprint" in err
    assert snapshot(laptop_b) == before
