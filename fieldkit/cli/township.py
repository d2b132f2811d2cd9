"""``fieldkit township …``: the township office's commands.

Each subcommand is two small functions: ``_add_<name>(sub)`` declares its arguments and sets its
handler, ``cmd_<name>(args) -> int`` runs it. To add a subcommand, write both and append the adder
to ``SUBCOMMANDS``.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from fieldkit.cli import common
from fieldkit.core.atomic import atomic_write
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import t

# Handlers import the core and sync modules they need when they run, so that building the parser
# (done for every `fieldkit` invocation, the app included) stays fast.

DOSSIER_PASSPHRASE_ENV = "FIELDKIT_DOSSIER_PASSPHRASE"
PROGRESS_FROM = 2000  # show progress for imports recording at least this many events
READING_NOTE_FROM = 1_000_000  # bytes: say that a big roster is being read (parsing takes seconds)


def register(subparsers) -> None:
    parser = subparsers.add_parser("township", help=t("township.cli.help"), description=t("township.cli.help"))
    parser.set_defaults(handler=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="township_command", metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)


def _usage(parser) -> int:
    parser.print_help(sys.stderr)
    return 2


def refuse_existing(path: Path) -> None:
    """Refuse a non-empty target folder before asking for passphrases."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise FieldkitError("workspace.exists", path=str(path))


def open_township(args):
    ws = common.open_workspace(args, ("township",))
    return ws


# ------------------------------------------------------------------------------ init


def _add_init(sub) -> None:
    p = sub.add_parser("init", help=t("township.cli.init.help"), description=t("township.cli.init.description"))
    common.add_dir_option(p)
    p.add_argument("--name", required=True, help=t("township.cli.opt.name"))
    p.add_argument("--code", required=True, help=t("township.cli.opt.code"))
    p.set_defaults(handler=cmd_init)


def dossier_passphrase(office: str) -> str:
    """``FIELDKIT_DOSSIER_PASSPHRASE``, else ``FIELDKIT_PASSPHRASE``'s value, else asked twice."""
    value = os.environ.get(DOSSIER_PASSPHRASE_ENV)
    if value is not None:
        if not value:
            raise FieldkitError("cli.passphrase.empty")
        return value
    if os.environ.get("FIELDKIT_PASSPHRASE") is not None:
        return office
    if not sys.stdin or not sys.stdin.isatty():
        raise FieldkitError("cli.passphrase.no_tty")
    first = getpass.getpass(t("township.cli.dossier_passphrase") + " ")
    if len(first) < 8:
        raise FieldkitError("cli.passphrase.too_short")
    if getpass.getpass(t("cli.passphrase.again") + " ") != first:
        raise FieldkitError("cli.passphrase.mismatch")
    return first


def cmd_init(args) -> int:
    from sync import township as ops

    path = common.workspace_dir(args)
    code, name = ops.check_code(args.code), ops.check_name(args.name)
    refuse_existing(path)
    office = common.new_passphrase()
    dossier = dossier_passphrase(office)
    ws = ops.init_township(path, code=code, name=name, passphrase=office, dossier_passphrase=dossier)
    try:
        state = ws.state()
        print(t("township.cli.init.done", name=name, code=code, path=str(path)))
        print(t("township.cli.fingerprint", fingerprint=ops.township_fingerprint(ws)))
        print(t("township.cli.fingerprint_hint"))
        print(t("township.cli.init.dossier_key", path=str(path / ops.DOSSIER_KEY_FILE)))
        forms = "、".join(f"{f.id} v{f.version}" for f in state.forms.values())
        print(t("township.cli.init.forms", forms=forms))
        print(t("township.cli.init.next"))
    finally:
        ws.close()
    return 0


# ------------------------------------------------------------------------------ roster


def _add_roster(sub) -> None:
    p = sub.add_parser("roster", help=t("township.cli.roster.help"), description=t("township.cli.roster.description"))
    common.add_dir_option(p)
    p.add_argument("file", metavar="FILE", help=t("township.cli.opt.roster_file"))
    p.add_argument("--skip-bad-rows", action="store_true", help=t("township.cli.opt.skip_bad_rows"))
    p.add_argument(
        "--village-code", action="append", default=[], metavar="NAME=CODE", help=t("township.cli.opt.village_code")
    )
    p.set_defaults(handler=cmd_roster)


def _village_codes(pairs: list[str]) -> dict[str, str]:
    codes: dict[str, str] = {}
    for pair in pairs:
        name, sep, code = pair.partition("=")
        if not sep or not name.strip() or not code.strip():
            raise FieldkitError("township.bad_village_code_option", value=pair[:60])
        codes[name.strip()] = code.strip()
    return codes


def cmd_roster(args) -> int:
    from sync import township as ops

    file = Path(args.file)
    if not file.is_file():
        raise FieldkitError("io.not_found", path=str(file))
    codes = _village_codes(args.village_code)
    ws = open_township(args)
    try:
        size = file.stat().st_size
        if size >= READING_NOTE_FROM:
            print(t("township.cli.roster.reading", file=file.name, size_mb=f"{size / 1e6:.1f}"), file=sys.stderr)
        with ops.bulk_work():  # parse, plan, record and the summary's fold: millions of objects
            _roster(ws, file, codes, args.skip_bad_rows)
    finally:
        ws.close()
    return 0


def _roster(ws, file: Path, codes: dict[str, str], skip_bad_rows: bool) -> None:
    from fieldkit.core.roster import RosterRefused, describe_fixes
    from fieldkit.core.tables import format_problem
    from sync import township as ops

    parse = ops.parse_roster_file(file)
    fixes = describe_fixes(parse.fixes)
    if parse.ignored_columns:
        print(t("township.cli.roster.ignored_columns", columns="、".join(parse.ignored_columns)))
    for problem in parse.problems:
        print(format_problem(problem))
    try:
        plan = ops.plan_roster(ws, parse, skip_bad_rows=skip_bad_rows, village_codes=codes)
    except RosterRefused:
        if fixes:
            print(fixes)
        raise
    progress: Callable[[int, int], None] = lambda done, total: None  # noqa: E731
    if len(plan.events) >= PROGRESS_FROM:
        progress = common.Progress(t("township.cli.roster.progress"), len(plan.events))
    result = ops.record_roster(ws, parse, plan, progress=progress)
    _print_roster_summary(ws, result)
    if fixes:
        print(fixes)


def _print_roster_summary(ws, result) -> None:
    from fieldkit.core.roster import describe_counts

    plan = result.plan
    counts = describe_counts(plan.counts)
    if result.written == 0:
        print(t("township.cli.roster.unchanged"))
    else:
        print(t("township.cli.roster.recorded", events=result.written))
    if counts:
        print(counts)
    if plan.skipped:
        rows = len({p.row for p in plan.skipped})
        print(t("township.cli.roster.skipped", rows=rows))
    state = ws.state()
    rows = []
    for name, code in plan.village_codes.items():
        households = [h for h in state.households.values() if h.village == code and h.status != "moved_out"]
        persons = sum(len(state.members_of(h.id)) for h in households)
        rows.append([name, code, str(len(households)), str(persons)])
    if rows:
        header = [t("township.cli.col.village"), t("township.cli.col.code"), t("township.cli.col.households"),
                  t("township.cli.col.persons")]
        print(common.table(header, rows, right_from=2))


# ------------------------------------------------------------------------------ enroll


def _add_enroll(sub) -> None:
    p = sub.add_parser("enroll", help=t("township.cli.enroll.help"), description=t("township.cli.enroll.description"))
    common.add_dir_option(p)
    p.add_argument("request", metavar="REQUEST", help=t("township.cli.opt.request"))
    p.add_argument("--village", required=True, help=t("township.cli.opt.village"))
    p.add_argument("--out", required=True, metavar="KIT", help=t("township.cli.opt.kit_out"))
    p.set_defaults(handler=cmd_enroll)


def cmd_enroll(args) -> int:
    from sync import township as ops
    from sync.device import read_request

    request = read_request(Path(args.request))
    out = Path(args.out)
    if out.is_dir():
        out = out / f"kit-{request.device}.fieldkit"
    ws = open_township(args)
    try:
        enrolment = ops.enroll(ws, request, args.village)
        atomic_write(out, enrolment.kit)
        key = "township.cli.enroll.done" if enrolment.recorded else "township.cli.enroll.again"
        print(t(key, device=enrolment.device, name=enrolment.name, village=enrolment.village_name,
                code=enrolment.village))
        print(t("township.cli.enroll.device_fingerprint", fingerprint=request.fingerprint))
        print(t("township.cli.enroll.kit", path=str(out)))
        print(t("township.cli.fingerprint", fingerprint=ops.township_fingerprint(ws)))
    finally:
        ws.close()
    return 0


SUBCOMMANDS: list[Callable[[object], None]] = [_add_init, _add_roster, _add_enroll]


# ------------------------------------------------------------------------------ sync: merge, kits, conflicts, county
# (sync/ owns the operations; these handlers only parse, call and print)


def _open_master(args, kinds=("township", "county")):
    """Open a township/county workspace, first putting back the master if a merge was interrupted."""
    from sync.merge import recover_master

    path = common.workspace_dir(args)
    if (path / "workspace.json").is_file() and recover_master(path):
        print(t("sync.cli.interrupted_merge"), file=sys.stderr)
    return common.open_workspace(args, kinds)


def _add_merge(sub) -> None:
    p = sub.add_parser("merge", help=t("sync.cli.merge.help"), description=t("sync.cli.merge.description"))
    common.add_dir_option(p)
    p.add_argument("files", nargs="+", metavar="FILE", help=t("sync.cli.opt.files"))
    p.set_defaults(handler=cmd_merge)


def cmd_merge(args) -> int:
    from sync.merge import merge_files

    ws = _open_master(args)
    try:
        progress = common.Progress(t("sync.progress.verify"), len(args.files))
        writing = common.Progress(t("sync.progress.write"), 1)
        report = merge_files(ws, [Path(f) for f in args.files], progress, writing)
        rows = []
        for f in report.files:
            result = t("sync.result.merged") if f.accepted else t("sync.result.rejected", reason=str(f.error))
            rows.append([f.label, f.sender or "?", str(f.new), str(f.already), str(f.conflicts), result])
        header = [t("sync.col.file"), t("sync.col.sender"), t("sync.col.new"), t("sync.col.already"),
                  t("sync.col.conflicts"), t("sync.col.result")]
        print(common.table(header, rows, right_from=2).rstrip())
        merged = sum(1 for f in report.files if f.accepted)
        print(t("sync.merge.summary", merged=merged, rejected=report.rejected, new=report.new,
                digest=report.digest_after[:16]))
        if report.rejected:
            if any(f.copy for f in report.files):
                print(t("sync.merge.quarantine_note", path=str(ws.path / "quarantine")))
            for f in report.files:
                if not f.accepted:
                    reason = str(f.error)
                    reason = reason if f.label in reason else f"{f.label}: {reason}"
                    print(f"{t('error.prefix')}: {reason}", file=sys.stderr)
    finally:
        ws.close()
    return 1 if report.rejected else 0


def _add_kit(sub) -> None:
    p = sub.add_parser("kit", help=t("sync.cli.kit.help"), description=t("sync.cli.kit.description"))
    common.add_dir_option(p)
    p.add_argument("--device", required=True, metavar="ID", help=t("sync.cli.opt.device"))
    p.add_argument("--out", required=True, metavar="KIT", help=t("sync.cli.opt.kit_out"))
    p.set_defaults(handler=cmd_kit)


def cmd_kit(args) -> int:
    from sync.refresh import build_refresh_kit

    ws = _open_master(args, ("township",))
    try:
        kit = build_refresh_kit(ws, args.device)
        out = Path(args.out)
        if out.is_dir():
            out = out / f"kit-{kit.device}.fieldkit"
        atomic_write(out, kit.data)
        print(t("sync.kit_written", device=kit.device, path=str(out), feeds=kit.feeds, entries=kit.entries,
                seq=kit.receipt_seq))
    finally:
        ws.close()
    return 0


def _add_revoke(sub) -> None:
    p = sub.add_parser("revoke", help=t("sync.cli.revoke.help"), description=t("sync.cli.revoke.help"))
    common.add_dir_option(p)
    p.add_argument("device", metavar="DEVICE", help=t("sync.cli.opt.device"))
    p.add_argument("--reason", required=True, help=t("sync.cli.opt.reason"))
    p.set_defaults(handler=cmd_revoke)


def cmd_revoke(args) -> int:
    from sync.quarantine import revoke_device

    ws = _open_master(args, ("township",))
    try:
        revoke_device(ws, args.device, args.reason)
        print(t("sync.revoked", device=args.device))
    finally:
        ws.close()
    return 0


def _add_release(sub) -> None:
    p = sub.add_parser("release", help=t("sync.cli.release.help"), description=t("sync.cli.release.help"))
    common.add_dir_option(p)
    p.add_argument("feed", metavar="FEED", help=t("sync.cli.opt.feed"))
    p.set_defaults(handler=cmd_release)


def cmd_release(args) -> int:
    from sync.quarantine import release_feed

    ws = _open_master(args)
    try:
        if not release_feed(ws.store, args.feed):
            raise FieldkitError("sync.not_quarantined", feed=args.feed[:40])
        print(t("sync.released", feed=args.feed))
    finally:
        ws.close()
    return 0


def _add_conflicts(sub) -> None:
    p = sub.add_parser("conflicts", help=t("sync.cli.conflicts.help"), description=t("sync.cli.conflicts.help"))
    common.add_dir_option(p)
    p.set_defaults(handler=cmd_conflicts)


def cmd_conflicts(args) -> int:
    from sync.conflicts import list_conflicts

    ws = _open_master(args)
    try:
        views = list_conflicts(ws.state())
        if not views:
            print(t("sync.conflicts.none"))
            return 0
        for view in views:
            winner = next((v.ref for v in view.values if v.winner), "?")
            print(t("sync.conflicts.header", entity=view.entity, count=len(view.values), winner=winner))
            for v in view.values:
                value = ", ".join(f"{k}={v.changes[k]}" for k in sorted(v.changes))
                mark = "*" if v.winner else " "
                print(t("sync.conflicts.value", mark=mark, ref=v.ref, device=v.device, time=v.time, value=value))
        print(t("sync.conflicts.hint"))
    finally:
        ws.close()
    return 0


def _add_resolve(sub) -> None:
    p = sub.add_parser("resolve", help=t("sync.cli.resolve.help"), description=t("sync.cli.resolve.help"))
    common.add_dir_option(p)
    p.add_argument("entity", metavar="ENTITY", help=t("sync.cli.opt.entity"))
    p.add_argument("--pick", required=True, metavar="FEED:SEQ", help=t("sync.cli.opt.pick"))
    p.set_defaults(handler=cmd_resolve)


def cmd_resolve(args) -> int:
    from sync.conflicts import resolve

    ws = _open_master(args, ("township",))
    try:
        entry = resolve(ws, args.entity, args.pick)
        print(t("sync.resolved", entity=args.entity, pick=args.pick, seq=f"{entry.feed}:{entry.seq}"))
    finally:
        ws.close()
    return 0


def _add_export_county(sub) -> None:
    p = sub.add_parser("export-county", help=t("sync.cli.export_county.help"),
                       description=t("sync.cli.export_county.help"))
    common.add_dir_option(p)
    p.add_argument("--county", required=True, metavar="COUNTY", help=t("sync.cli.opt.county"))
    p.add_argument("--out", required=True, metavar="PATH", help=t("sync.cli.opt.out"))
    p.set_defaults(handler=cmd_export_county)


def cmd_export_county(args) -> int:
    from sync.county import county_recipient, write_county_bundle

    recipient = county_recipient(args.county)
    ws = _open_master(args, ("township",))
    try:
        path, summary = write_county_bundle(ws, Path(args.out), recipient)
        print(t("sync.county_exported", path=str(path), feeds=summary["feeds"], entries=summary["entries"]))
    finally:
        ws.close()
    return 0


def _add_county_init(sub) -> None:
    p = sub.add_parser("county-init", help=t("sync.cli.county_init.help"), description=t("sync.cli.county_init.help"))
    common.add_dir_option(p)
    p.add_argument("--code", required=True, help=t("sync.cli.opt.county_code"))
    p.add_argument("--name", required=True, help=t("sync.cli.opt.name"))
    p.set_defaults(handler=cmd_county_init)


def cmd_county_init(args) -> int:
    from sync.county import init_county

    path = common.workspace_dir(args)
    refuse_existing(path)
    ws = init_county(path, code=args.code, name=args.name, passphrase=common.new_passphrase())
    try:
        print(t("sync.cli.county_init.done", name=ws.info["name"], code=ws.info["county"], path=str(path),
                info=str(path / "workspace.json")))
    finally:
        ws.close()
    return 0


def _add_add_township(sub) -> None:
    p = sub.add_parser("add-township", help=t("sync.cli.add_township.help"), description=t("sync.cli.add_township.help"))
    common.add_dir_option(p)
    p.add_argument("info", metavar="WORKSPACE_JSON", help=t("sync.cli.opt.township_info"))
    p.set_defaults(handler=cmd_add_township)


def cmd_add_township(args) -> int:
    from sync.county import read_township_info, register_township

    township = read_township_info(Path(args.info))
    ws = _open_master(args, ("county",))
    try:
        print(t("sync.township_added", township=township["code"], fingerprint=register_township(ws, township)))
    finally:
        ws.close()
    return 0


SUBCOMMANDS += [_add_merge, _add_kit, _add_revoke, _add_release, _add_conflicts, _add_resolve,
                _add_export_county, _add_county_init, _add_add_township]

from fieldkit.cli.dossier import add_township_dossiers  # noqa: E402  (owned by the dossier area)

SUBCOMMANDS.append(add_township_dossiers)
