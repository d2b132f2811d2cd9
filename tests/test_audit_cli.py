"""End to end through the CLI: a township with the sample roster merges a laptop's bundle, then
`fieldkit audit`, `audit sample`, `audit callback` and `report progress` run on the master."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fieldkit.cli import main
from fieldkit.core.workspace import Workspace
from fieldkit.i18n import get_language, set_language
from tests.sync_support import PASS, export, make_device, make_township, record_visits

SAMPLE_NAMES = ("董琳", "薛东")  # the first household of the sample roster
SAMPLE_PHONE = "17609139099"


@pytest.fixture
def cli(monkeypatch, capsys):
    monkeypatch.setenv("FIELDKIT_PASSPHRASE", PASS)
    monkeypatch.delenv("FIELDKIT_DEBUG", raising=False)

    def run(*argv: object) -> tuple[int, str, str]:
        language = get_language()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # usage errors: argparse exits with 2
            code = exc.code
        finally:
            set_language(language)  # --lang sets it for the process
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    """A township master holding the roster and one laptop's 35 visits, recorded within seconds."""
    root = tmp_path_factory.mktemp("audit")
    township = make_township(root / "T")
    laptop = make_device(root / "A", township, "甲")
    record_visits(laptop, 35)
    bundle = export(laptop, root / "usb")
    laptop.close()
    township.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FIELDKIT_PASSPHRASE", PASS)
        assert main(["township", "merge", "--dir", str(root / "T"), str(bundle)]) == 0
    return root / "T"


def copy_of(master: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(master, tmp_path / "T", ignore=shutil.ignore_patterns("lock")))


def test_audit_runs_and_flags_35_visits_in_an_hour(master, cli):
    code, out, err = cli("audit", "--dir", master)
    assert code == 0, err
    assert "一小时内走访 35 户" in out
    assert out.strip().splitlines()[-1].startswith("审计完成")
    assert "错误 0" in out.splitlines()[-1]
    for name in SAMPLE_NAMES:
        assert name not in out


def test_audit_uncovered_and_findings_file(master, cli, tmp_path):
    out_file = tmp_path / "findings.csv"
    code, out, err = cli("--lang", "en", "audit", "--dir", master, "--uncovered", "--out", out_file)
    assert code == 0, err
    assert "households not covered" in out and "not visited" in out
    data = out_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["severity", "kind"]
    assert {"too_many_per_hour", "uncovered"} <= {r[1] for r in rows[1:]}


def test_sample_is_reproducible_and_personal_data_goes_only_to_the_file(master, cli, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.xlsx"
    code, out, err = cli("audit", "sample", "--dir", master, "--size", "5", "--seed", "2026-12-10", "--out", first)
    assert code == 0, err
    assert "个人信息" in err  # the warning
    assert SAMPLE_PHONE not in out and not any(n in out for n in SAMPLE_NAMES)
    assert "种子 2026-12-10" in out
    code, _, err = cli("audit", "--dir", master, "sample", "--size", "5", "--seed", "2026-12-10", "--out", second)
    assert code == 0, err

    data = first.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    csv_rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    workbook = load_workbook(second, read_only=True)
    xlsx_rows = [[c or "" for c in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    assert csv_rows == xlsx_rows  # same seed, same list
    header = csv_rows[0]
    assert len(csv_rows) == 6 and "户主姓名" in header and "联系电话" in header
    names = [r[header.index("户主姓名")] for r in csv_rows[1:]]
    assert all(names)  # the sample roster has a head for every household

    with Workspace.open(master, PASS) as ws:
        state = ws.state()
        for row in csv_rows[1:]:
            household = row[header.index("户编号")]
            head = [p for p in state.members_of(household) if p.relation == "户主"][0]
            assert row[header.index("户主姓名")] == head.name


def test_sample_without_out_and_without_seed(master, cli):
    code, out, err = cli("audit", "sample", "--dir", master, "--size", "3")
    assert code == 0, err
    assert "--out" in out and "种子" in out


def test_callback_denied_is_an_error_and_strict_exits_4(master, cli, tmp_path):
    town = copy_of(master, tmp_path)
    with Workspace.open(town, PASS) as ws:
        household = sorted(ws.state().households)[0]
    code, out, err = cli("audit", "callback", "--dir", town, household, "--result", "denied", "--note", "户主说没人来过")
    assert code == 0, err
    assert household in out
    code, out, err = cli("audit", "--dir", town)
    assert code == 0 and "否认曾被入户宣传" in out
    code, out, err = cli("audit", "--dir", town, "--strict")
    assert code == 4
    assert "错误 1" in out.splitlines()[-1] and "--strict" in err
    with Workspace.open(town, PASS) as ws:
        [callback] = ws.state().callbacks.values()
    assert (callback.household, callback.result, callback.note) == (household, "denied", "户主说没人来过")
    assert callback.feed == f"t-110101001-{household[:12]}"


def test_callback_refusals(master, cli, tmp_path):
    code, _, err = cli("audit", "callback", "--dir", master, "110101001001-999999", "--result", "confirmed")
    assert code == 1 and "110101001001-999999" in err
    code, _, err = cli("audit", "callback", "--dir", master, "110101001001-010001", "--result", "maybe")
    assert code == 2
    code, _, err = cli("audit", "callback", "--dir", master, "110101001001-010001", "--result", "denied",
                       "--note", "x" * 300)
    assert code == 1 and "200" in err
    laptop = master.parent / "A"
    code, _, err = cli("audit", "callback", "--dir", laptop, "110101001001-010001", "--result", "denied")
    assert code == 1 and "device" in err


def test_report_progress_prints_and_writes(master, cli, tmp_path):
    out_file = tmp_path / "进度.xlsx"
    code, out, err = cli("report", "progress", "--dir", master, "--out", out_file, "--date", "2099-12-10")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "城关镇 反诈宣传入户进度（截至 2099-12-10）"
    assert lines[1].split()[:3] == ["村", "组", "总户数"]
    assert any(line.startswith("红星村") and "小计" in line for line in lines)
    workbook = load_workbook(out_file, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert rows[0][0] == "村" and rows[-1][1] == "合计"
    with Workspace.open(master, PASS) as ws:
        total = ws.report()
    assert rows[-1][2] == str(total.total.households) and rows[-1][3] == str(total.total.covered)


def test_report_progress_refusals(master, cli, tmp_path):
    code, _, err = cli("report", "progress", "--dir", master, "--date", "2026-13-40")
    assert code == 1 and "YYYY-MM-DD" in err
    code, _, err = cli("report", "progress", "--dir", master, "--out", tmp_path / "x.txt")
    assert code == 1 and ".xlsx" in err
    assert not (tmp_path / "x.txt").exists()
