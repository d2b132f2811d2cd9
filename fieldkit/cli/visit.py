"""``fieldkit visit …``: visits typed from paper forms (补录) and the sheet template for them.

Each subcommand is ``_add_<name>(sub)`` plus ``cmd_<name>(args) -> int``; add new ones to ``SUBCOMMANDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fieldkit.cli import common
from fieldkit.core.errors import FieldkitError
from fieldkit.i18n import t

FORM_ID = "household_visit"  # fieldkit.core.visit_import.FORM_ID, without importing it at start-up

PROGRESS_FROM = 2000


def register(subparsers) -> None:
    common.add_group(subparsers, "visit", "visit.cli.help", SUBCOMMANDS)


def household_form(state):
    """The household visit form the township published (newest version), else the shipped one."""
    from surveys import FormError, default_forms, load_form_text

    published = state.forms.get(FORM_ID)
    if published is not None:
        try:
            return load_form_text(published.yaml, f"form:{FORM_ID}")
        except FormError:
            pass  # a broken published form: keep the shipped one rather than block the cadre
    return default_forms()[FORM_ID]


# ------------------------------------------------------------------------------ import


def _add_import(sub) -> None:
    p = common.add_subcommand(sub, "import", cmd_import, "visit.cli.import.help", "visit.cli.import.description")
    p.add_argument("file", metavar="FILE", help=t("visit.cli.opt.file"))
    p.add_argument("--skip-bad-rows", action="store_true", help=t("visit.cli.opt.skip_bad_rows"))
    p.add_argument("--cadre", help=t("visit.cli.opt.cadre"))


def cmd_import(args) -> int:
    from fieldkit.core.tables import format_problem
    from fieldkit.core.visit_import import parse_visits, visit_events
    from sync.township import record_many

    file = common.existing_file(args.file)
    ws = common.open_workspace(args, ("device",))
    try:
        state = ws.state()
        if not state.households:
            raise FieldkitError("visit.cli.no_roster")
        cadre = args.cadre or ws.info.get("name") or ws.feed_id
        parse = parse_visits(file, state, household_form(state), cadre=cadre)
        if parse.ignored_columns:
            print(t("visit.cli.ignored_columns", columns="、".join(parse.ignored_columns)))
        for problem in parse.problems:
            print(format_problem(problem))
        events = visit_events(parse, skip_bad_rows=args.skip_bad_rows)  # VisitsRefused: nothing written
        progress = common.progress_for(len(events), PROGRESS_FROM, "visit.cli.progress")
        written = record_many(ws, ws.feed_id, [(e.type, e.entity, e.base, e.body) for e in events], progress=progress)
        rows = sum(len(v.rows) for v in parse.visits)
        print(t("visit.cli.import.done", visits=len(written), rows=rows))
        if parse.already_imported:
            print(t("visit.cli.import.already", visits=parse.already_imported))
        if parse.skipped_visits:
            print(t("visit.cli.import.skipped", visits=parse.skipped_visits))
    finally:
        ws.close()
    return 0


# ------------------------------------------------------------------------------ template


def _add_template(sub) -> None:
    p = common.add_subcommand(sub, "template", cmd_template, "visit.cli.template.help", "visit.cli.template.description")
    p.add_argument("--out", required=True, metavar="FILE", help=t("visit.cli.opt.template_out"))
    p.add_argument("--roster", action="store_true", help=t("visit.cli.opt.roster"))


def cmd_template(args) -> int:
    from fieldkit.core.visit_import import template_rows, write_visit_template

    out = Path(args.out)
    if args.roster:
        ws = common.open_workspace(args, ("device", "township"))
        try:
            state = ws.state()
            village = ws.info.get("village") if ws.kind == "device" else None
            form = household_form(state)
            rows = len(template_rows(state, form, village))
            write_visit_template(out, form, state, village)
        finally:
            ws.close()
        print(t("visit.cli.template.done_rows", path=str(out), rows=rows))
    else:
        write_visit_template(out)
        print(t("visit.cli.template.done", path=str(out)))
    return 0


SUBCOMMANDS: list[Callable[[object], None]] = [_add_import, _add_template]
