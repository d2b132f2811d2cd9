"""Helpers for the provisioning tests (kits, township and device set-up, the CLI around them)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.roster_support import read_csv, write_csv

DATA = Path(__file__).resolve().parent / "data"
SHARED_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "roster_hongxing.csv"
TOWNSHIP = "110101001"
HONGXING = "110101001001"  # the first village code the roster import assigns
PASSPHRASE = "correct horse battery"
ROSTER_HEADER = ["村", "村民小组", "户编号", "门牌地址", "姓名", "与户主关系", "性别", "出生年份", "联系电话", "居住状态", "备注"]


def sample_roster() -> Path:
    """tests/data/roster_hongxing.csv, copied from the shared samples if it is not there yet."""
    path = DATA / "roster_hongxing.csv"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        shutil.copyfile(SHARED_SAMPLE, path)
    return path


def sample_rows() -> tuple[list[str], list[list[str]]]:
    return read_csv(sample_roster())


def tiny_roster(path: Path, village: str = "青山村", households: int = 2) -> Path:
    rows = []
    for n in range(1, households + 1):
        number = f"02{n:04d}"
        rows.append([village, "第1村民小组", number, f"{village}{n}号", f"李{'一二三四五六七八九'[n % 9]}", "户主", "男", "1950", "", "常住", ""])
        rows.append([village, "第1村民小组", number, f"{village}{n}号", f"王{'一二三四五六七八九'[n % 9]}", "配偶", "女", "1990", "", "外出务工", ""])
    return write_csv(path, ROSTER_HEADER, rows)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, for byte-identical comparisons."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}
