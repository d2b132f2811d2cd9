"""``fieldkit audit`` (checks), ``fieldkit audit sample`` (call-back list), ``fieldkit audit
callback`` (record a call-back result). The checks live in ``sync.audit``, the sampling in
``sync.sampling``; this module gathers their input from the workspace and prints.

Exit codes: 0 when the audit ran, whatever it found (the last line sums the findings up); with
``--strict``, 4 when there is a finding of severity error. 1/2/3 keep their usual meaning (a user
error, bad usage, something unexpected), so a script can tell "found problems" from "could not run".
"""

from __future__ import annotations

import argparse
import secrets
import sys
from datetime import timedelta
from pathlib import Path

from fieldkit.cli import common
from fieldkit.core.coverage import report as coverage_report
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import t
from sync import audit as checks
from sync import sampling
from sync.report import check_suffix, write_table_file

STRICT_EXIT = 4
SHOW_PER_KIND = 20
DEFAULT_SAMPLE = 20
MAX_SEED = 64
MAX_NOTE = 200
RESULTS = ("confirmed", "denied", "unreachable")
RECEIVED_DOC = "received"  # table "sync": when the master received which entries (see docs/audit.md)


def register(subparsers) -> None:
    defaults = checks.AuditConfig()
    p = subparsers.add_parser("audit", help=t("audit.cli.help"), description=t("audit.cli.description"))
    common.add_dir_option(p)
    p.add_argument("--uncovered", action="store_true", help=t("audit.cli.opt.uncovered"))
    p.add_argument("--strict", action="store_true", help=t("audit.cli.opt.strict"))
    p.add_argument("--all", action="store_true", help=t("audit.cli.opt.all", n=SHOW_PER_KIND))
    p.add_argument("--out", metavar="FILE", help=t("audit.cli.opt.out"))
    p.add_argument("--max-per-hour", type=int, default=defaults.max_visits_per_hour, metavar="N",
                   help=t("audit.cli.opt.max_per_hour", n=defaults.max_visits_per_hour))
    p.add_argument("--tolerance", type=int, default=_minutes(defaults.clock_tolerance), metavar="MIN",
                   help=t("audit.cli.opt.tolerance", n=_minutes(defaults.clock_tolerance)))
    p.set_defaults(handler=cmd_audit)
    sub = p.add_subparsers(dest="audit_command", metavar="COMMAND")

    s = sub.add_parser("sample", help=t("audit.sample.help"), description=t("audit.sample.description"))
    _nested_dir_option(s)
    s.add_argument("--size", type=int, default=DEFAULT_SAMPLE, help=t("audit.sample.opt.size", n=DEFAULT_SAMPLE))
    s.add_argument("--seed", help=t("audit.sample.opt.seed"))
    s.add_argument("--out", metavar="FILE", help=t("audit.sample.opt.out"))
    s.add_argument("--village", action="append", default=[], help=t("audit.sample.opt.village"))
    s.set_defaults(handler=cmd_sample)

    c = sub.add_parser("callback", help=t("audit.callback.help"), description=t("audit.callback.description"))
    _nested_dir_option(c)
    c.add_argument("household", metavar="HOUSEHOLD", help=t("audit.callback.opt.household"))
    c.add_argument("--result", required=True, choices=RESULTS, help=t("audit.callback.opt.result"))
    c.add_argument("--note", default="", help=t("audit.callback.opt.note", max=MAX_NOTE))
    c.set_defaults(handler=cmd_callback)


def _nested_dir_option(parser) -> None:
    # SUPPRESS: a nested parser's default must not wipe out `fieldkit audit --dir T sample`.
    parser.add_argument("--dir", dest="sub_dir", metavar="DIR", default=argparse.SUPPRESS, help=t("cli.opt.dir"))


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def gather(ws) -> checks.AuditInput:
    """Everything the checks read: feeds, state, coverage, what the merge recorded."""
    from sync import quarantine

    state = ws.state()
    store = ws.store
    return checks.AuditInput(
        feeds=store.feeds(),
        state=state,
        report=coverage_report(state),
        imports=checks.import_records(store.get_doc(quarantine.SYNC_TABLE, RECEIVED_DOC)),
        quarantine=checks.quarantine_records(quarantine.records(store), quarantine.quarantined_feeds(store)),
    )


# ------------------------------------------------------------------------------ fieldkit audit


def cmd_audit(args) -> int:
    if args.max_per_hour < 1 or args.tolerance < 0:
        raise FieldkitError("audit.cli.bad_threshold")
    out = check_suffix(Path(args.out)) if args.out else None
    config = checks.AuditConfig(clock_tolerance=timedelta(minutes=args.tolerance), max_visits_per_hour=args.max_per_hour)
    ws = common.open_master(args)
    try:
        data = gather(ws)
        result = checks.audit(data, config)
        uncovered = checks.uncovered_households(data.state, data.report) if args.uncovered else None
    finally:
        ws.close()

    print_findings(result.findings, show_all=args.all)
    if uncovered is not None:
        print()
        print_uncovered(uncovered, data.state)
    if out is not None:
        write_table_file(out, *findings_table(result.findings), t("audit.sheet"))
        print(t("audit.cli.written", path=str(out)))
    print(t("audit.cli.summary", feeds=result.feeds, entries=result.entries, errors=result.count(checks.ERROR),
            warnings=result.count(checks.WARNING), infos=result.count(checks.INFO)))
    if args.strict and result.has_errors:
        print(t("audit.cli.strict_failed", errors=result.count(checks.ERROR)), file=sys.stderr)
        return STRICT_EXIT
    return 0


def print_findings(findings, *, show_all: bool) -> None:
    if not findings:
        print(t("audit.cli.clean"))
        return
    rows: list[list[str]] = []
    hidden: dict[str, int] = {}
    shown: dict[str, int] = {}
    for finding in findings:
        shown[finding.kind] = shown.get(finding.kind, 0) + 1
        if not show_all and shown[finding.kind] > SHOW_PER_KIND:
            hidden[finding.kind] = hidden.get(finding.kind, 0) + 1
            continue
        rows.append([t(f"audit.severity.{finding.severity}"), finding.where() or "-", finding.message()])
    header = [t("audit.col.severity"), t("audit.col.where"), t("audit.col.message")]
    print(common.table(header, rows, right_from=99))
    for kind, count in hidden.items():
        print(t("audit.cli.more", count=count, kind=kind))


def findings_table(findings) -> tuple[list[str], list[list[str]]]:
    header = [t("audit.col.severity"), t("audit.col.kind"), t("audit.col.feed"), t("audit.col.seqs"),
              t("audit.col.household"), t("audit.col.message")]
    rows = [
        [t(f"audit.severity.{f.severity}"), f.kind, f.feed, "–".join(str(s) for s in dict.fromkeys(f.seqs)),
         f.household, f.message()]
        for f in findings
    ]
    return header, rows


def print_uncovered(rows, state) -> None:
    if not rows:
        print(t("audit.cli.uncovered_none"))
        return
    print(t("audit.cli.uncovered_title", count=len(rows)))
    header = [t("audit.col.village"), t("audit.col.group"), t("audit.col.number"), t("audit.col.household"),
              t("audit.col.status")]
    table = []
    for row in rows:
        village = state.villages[row.village].name if row.village in state.villages else row.village
        table.append([village, row.group, row.number, row.household, t(f"coverage.status.{row.status}")])
    print(common.table(header, table, right_from=99))


# ------------------------------------------------------------------------------ fieldkit audit sample


def cmd_sample(args) -> int:
    if args.size < 1:
        raise FieldkitError("audit.sample.bad_size")
    seed = args.seed if args.seed is not None else secrets.token_hex(4)
    seed = " ".join(seed.split())
    if not seed or len(seed) > MAX_SEED:
        raise FieldkitError("audit.sample.bad_seed", max=MAX_SEED)
    out = check_suffix(Path(args.out)) if args.out else None
    ws = common.open_master(args)
    try:
        state = ws.state()
        villages = [_village_code(state, v) for v in args.village] or None
        statuses = coverage_report(state).statuses
        sample = sampling.draw(state, statuses, args.size, seed, villages)
        population = sum(
            1 for hid, status in statuses.items()
            if status in sampling.ELIGIBLE and (villages is None or state.households[hid].village in villages)
        )
    finally:
        ws.close()
    if not sample:
        raise FieldkitError("audit.sample.empty")

    def village_name(code: str) -> str:
        return state.villages[code].name if code in state.villages else code

    header = [t("audit.sample.col.index"), t("audit.sample.col.village"), t("audit.sample.col.group"),
              t("audit.sample.col.number"), t("audit.sample.col.household"), t("audit.sample.col.status")]
    rows = [[str(i), village_name(s.village), s.group, s.number, s.household, t(f"coverage.status.{s.status}")]
            for i, s in enumerate(sample, start=1)]
    print(common.table(header, rows, right_from=99))
    print(t("audit.sample.summary", count=len(sample), seed=seed, population=population))
    if out is None:
        print(t("audit.sample.no_out_hint"))
        return 0
    write_table_file(out, *callback_list(state, sample, seed, village_name), t("audit.sample.sheet"))
    print(t("audit.sample.written", path=str(out)))
    print(t("audit.sample.personal_warning"), file=sys.stderr)
    return 0


def callback_list(state, sample, seed: str, village_name) -> tuple[list[str], list[list[str]]]:
    """The call-back sheet: personal data (names, phones). Only ever written to the user's file."""
    header = [t(f"audit.sample.col.{c}") for c in (
        "index", "village", "group", "number", "household", "address", "head", "phone", "phone_owner", "status",
        "result", "note", "seed")]
    rows = []
    for i, s in enumerate(sample, start=1):
        who = sampling.contact(state, s.household)
        rows.append([str(i), village_name(s.village), s.group, s.number, s.household, s.address, who.name,
                     who.phone, who.phone_relation, t(f"coverage.status.{s.status}"), "", "", seed])
    return header, rows


def _village_code(state, text: str) -> str:
    text = text.strip()
    if text in state.villages:
        return text
    matches = [v.code for v in state.villages.values() if v.name == text]
    if len(matches) != 1:
        raise FieldkitError("audit.sample.unknown_village", village=text[:40])
    return matches[0]


# ------------------------------------------------------------------------------ fieldkit audit callback


def cmd_callback(args) -> int:
    from sync.kit import village_feed

    note = " ".join(args.note.split())
    if len(note) > MAX_NOTE:
        raise FieldkitError("audit.callback.note_too_long", max=MAX_NOTE)
    household_id = args.household.strip()
    ws = common.open_master(args)
    try:
        if ws.kind != "township":
            raise FieldkitError("audit.callback.not_township", kind=ws.kind)
        household = ws.state().households.get(household_id)
        if household is None:
            raise FieldkitError("audit.callback.unknown_household", household=household_id[:40])
        feed = village_feed(ws.info["township"], household.village)
        entry = ws.record(
            "callback",
            f"cb:{secrets.token_hex(16)}",
            [],
            {"household": household_id, "village": household.village, "result": args.result, "note": note},
            feed=feed,
        )
    finally:
        ws.close()
    print(t("audit.callback.recorded", household=household_id, result=t(f"audit.callback.result.{args.result}"),
            feed=feed, seq=entry.seq))
    return 0
