"""``lendready register ...``: upgrade, import, export and list the case register from a terminal.

Wired into ``lendready.cli`` by two calls: :func:`add_parser` while the parser
is built, :func:`run` when the command is ``register``. Nothing here imports
SQLAlchemy or a driver until a register command runs, so ``lendready assess``
starts as fast as before and loads no network module.

Output goes through the ``out`` and ``err`` callables the main command line
passes in (``_out`` and ``_err``), which make names from a case safe for a
terminal. Exit status as for the rest of lendready: 0 done, 1 usage error,
2 refused (a file, a stale save, a grant, an unreachable or outdated register).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_REFUSED = 2

Write = Callable[[str], None]


def add_parser(subparsers: Any, parser_class: type[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add ``register`` and its subcommands to the main parser's subparsers."""
    p = subparsers.add_parser(
        "register", help="the case register: upgrade its schema, import, export and list cases",
        description="The case register: SQLite in your data folder by default, or the team's PostgreSQL server "
        "named in the settings. Passwords are never given here: libpq reads ~/.pgpass (or PGPASSFILE) or uses "
        "Kerberos.",
    )
    sub = p.add_subparsers(dest="register_command", parser_class=parser_class, required=True)

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--url", default=None,
            help="the register's database URL, without a password (default: from the settings), e.g. "
            "postgresql+psycopg://alice@db.example.org/lendready?sslmode=verify-full or sqlite:///path/register.sqlite3",
        )

    q = sub.add_parser("upgrade", help="apply the register's migrations (on a team's server: as its DBA)")
    common(q)

    q = sub.add_parser("import", help="register .lendready case files, each as version 1, byte for byte")
    q.add_argument("files", nargs="+", metavar="FILE")
    q.add_argument("--team", default=None, help="the team the cases belong to (default: yours)")
    q.add_argument("--officer", default=None, help="assign the cases to this officer")
    common(q)

    q = sub.add_parser("export", help="write a registered case as a .lendready file, exactly as registered")
    q.add_argument("case_id", metavar="CASE_ID")
    q.add_argument("-o", "--output", required=True, metavar="FILE.lendready")
    q.add_argument("--version", type=int, default=None, help="the version to export (default: the current one)")
    common(q)

    q = sub.add_parser("list", help="list registered cases, most recently changed first")
    q.add_argument("--status", action="append", default=None, help="only cases with this status (repeatable)")
    q.add_argument("--officer", default=None, help="only cases assigned to this officer")
    q.add_argument("--band", default=None, help="only cases whose latest assessment gave this band")
    q.add_argument("--legal-form", default=None, help="only organisations of this legal form (its id)")
    q.add_argument("--search", default=None, help="text in the organisation's name (any case)")
    q.add_argument("--limit", type=int, default=50, help="cases per page (default 50)")
    q.add_argument("--cursor", default=None, help="the page after the one that printed this cursor")
    common(q)
    return p


def run(args: argparse.Namespace, out: Write, err: Write) -> int:
    """Run ``lendready register <command>``; the exit status."""
    from lendready.register import repository as repo

    try:
        register = _open(args, err)
        if isinstance(register, int):
            return register
        with register:
            command = args.register_command
            if command == "upgrade":
                return _upgrade(register, out)
            if command == "import":
                return _import(register, args, out, err)
            if command == "export":
                path = register.export_file(args.case_id, args.output, args.version)
                out(f"Wrote case {args.case_id} to {path}\n")
                return EXIT_OK
            if command == "list":
                return _list(register, args, out)
    except repo.RegisterError as exc:
        err(str(exc))
        return EXIT_REFUSED
    except OSError as exc:
        err(f"cannot write: {exc.strerror or exc}")
        return EXIT_USAGE
    except Exception as exc:  # the driver's own errors: an unreachable server, a refused login
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            err(f"the register refused or could not be reached: {repo.first_line(exc)}")
            return EXIT_REFUSED
        raise
    err(f"unknown register command {args.register_command!r}")
    return EXIT_USAGE


def _open(args: argparse.Namespace, err: Write) -> Any:
    team = getattr(args, "team", None)
    return open_register(args.url, err, team=team, upgrade_local=args.register_command != "upgrade")


def open_register(given_url: str | None, err: Write, *, team: str | None = None, upgrade_local: bool = True) -> Any:
    """The register named by ``given_url`` (else the settings'), or an exit status after saying why."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from lendready.register.repository import Register, settings_url

    if given_url:
        try:
            url = make_url(given_url)
        except ArgumentError:
            err("--url is not a database URL (postgresql+psycopg://USER@HOST/DATABASE or sqlite:///PATH)")
            return EXIT_USAGE
        if url.password:
            err("--url must not carry a password: put it in ~/.pgpass (or PGPASSFILE), or use Kerberos")
            return EXIT_USAGE
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            err("the register is SQLite or PostgreSQL")
            return EXIT_USAGE
        if url.get_backend_name() == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        local = url.get_backend_name() == "sqlite"
    else:
        from lendready.model.settings import load_settings

        settings = load_settings()
        url = settings_url(settings)
        local = settings.register_backend != "postgresql"
    # A register on this PC is upgraded as it is opened; a team's server only by `register upgrade`.
    return Register.open(url, team=team, upgrade=local and upgrade_local)


def _upgrade(register: Any, out: Write) -> int:
    before = register.revision()
    register.upgrade()
    after = register.revision()
    where = register.engine.url.render_as_string(hide_password=True)
    if before == after:
        out(f"The register at {where} is up to date (schema {after})\n")
    else:
        out(f"Upgraded the register at {where} from schema {before or 'none'} to {after}\n")
    return EXIT_OK


def _import(register: Any, args: argparse.Namespace, out: Write, err: Write) -> int:
    from lendready.domain.files.case_file import CaseFileError
    from lendready.register.repository import CaseExists

    status = EXIT_OK
    for name in args.files:
        try:
            summary = register.import_file(name, team=args.team, assigned_officer=args.officer)
        except CaseFileError as exc:
            err(f"not imported: {name}: {exc}")
            status = EXIT_REFUSED
            continue
        except CaseExists as exc:
            err(f"not imported: {name}: {exc}")
            status = EXIT_REFUSED
            continue
        out(f"Registered {summary.organisation or '(no name)'} as case {summary.id} (team {summary.team})\n")
    return status


def _list(register: Any, args: argparse.Namespace, out: Write) -> int:
    page = register.list_cases(
        status=args.status, officer=args.officer, band=args.band, legal_form=args.legal_form,
        search=args.search, limit=args.limit, cursor=args.cursor,
    )
    out(format_table(page.cases))
    if page.next_cursor:
        out(f"More: lendready register list --cursor {page.next_cursor} (with the same filters)\n")
    return EXIT_OK


COLUMNS = ("Updated (UTC)", "Status", "Band", "Legal form", "Officer", "Ver", "Organisation", "Case id")


def format_table(cases: Any) -> str:
    """A plain-text table, one case a line, columns padded to their widest cell."""
    rows = [
        (
            c.updated_at.strftime("%Y-%m-%d %H:%M"), c.status, c.band or "-", c.legal_form or "-",
            c.assigned_officer or "-", str(c.current_version), c.organisation or "-", c.id,
        )
        for c in cases
    ]
    if not rows:
        return "No cases.\n"
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in rows)) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in (COLUMNS, *rows)]
    return "\n".join(lines) + "\n"
