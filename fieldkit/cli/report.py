"""``fieldkit report progress``: the twice-monthly progress report (每月10日、25日上报).

The numbers come from ``sync.report`` (which takes them from ``fieldkit.core.coverage``). The
terminal gets the main columns as a CJK-aligned table; ``--out`` writes every column to a CSV for
Excel (UTF-8 with BOM) or an XLSX file. The report holds counts only, no personal data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fieldkit.cli import common
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import t
from sync import report as progress


def register(subparsers) -> None:
    common.add_group(subparsers, "report", "report.cli.help", [_add_progress])


def _add_progress(sub) -> None:
    p = common.add_subcommand(sub, "progress", cmd_progress, "report.progress.help", "report.progress.description",
                              target=progress.APP_TARGET_PERCENT)
    p.add_argument("--out", metavar="FILE", help=t("report.opt.out"))
    p.add_argument("--date", metavar="YYYY-MM-DD", help=t("report.opt.date"))
    p.add_argument("--wide", action="store_true", help=t("report.opt.wide"))


def parse_day(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FieldkitError("report.bad_date", value=value[:20]) from None


def cmd_progress(args) -> int:
    day = parse_day(args.date)
    out = progress.check_suffix(Path(args.out)) if args.out else None
    ws = common.open_master(args)
    try:
        state = ws.state()
        name = ws.info.get("name") or ""
    finally:
        ws.close()
    if not state.households:
        raise FieldkitError("report.empty")
    rows = progress.progress_rows(state, progress.progress_report(state, day))
    if state.township is not None:
        name = state.township.name or name
    columns = progress.COLUMNS if args.wide else progress.TERMINAL_COLUMNS
    print(t("report.title", name=name, date=day.isoformat()))
    print(common.table(progress.header(columns), [progress.cells(r, columns) for r in rows], right_from=2))
    if out is not None:
        progress.write_report(out, rows)
        print(t("report.written", path=str(out)))
    return 0
