"""``lendready screen``: a folder (or files) of cases screened into one XLSX or CSV portfolio.

    lendready screen FOLDER [FILE...] -o portfolio.xlsx|portfolio.csv [--as-of 31/12/2026] [--quiet]
    lendready screen --register [--url URL] -o portfolio.xlsx

Every case becomes a row; a file that cannot be read is a row that says why, and the run goes
on. Nothing is printed on standard output; standard error gets any error and, unless
``--quiet``, one summary line. Exit status: 0 the portfolio was written (even when some files
could not be read); 1 a usage error (the parser's, an output that is not .xlsx or .csv, or an
output that would replace an input); 2 the inputs were refused (a path that does not exist, or
no case files to screen); 3 the installed rules are broken.

Wired into ``lendready.cli`` with :func:`add_parser` and :func:`run`.
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from typing import Any, TextIO

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_REFUSED = 2
EXIT_RESOURCES = 3
EXIT_INTERRUPTED = 130
OUTPUT_SUFFIXES = (".xlsx", ".csv")


def as_of_date(text: str) -> date:
    """argparse type for --as-of: a real date, day first (31/12/2026) or ISO (2026-12-31)."""
    from lendready.domain.advice import AsOfError, parse_as_of
    from lendready.domain.engine.formatting import NotReadable, parse_date_uk

    try:
        return parse_as_of(parse_date_uk(text))
    except (NotReadable, AsOfError) as exc:
        raise argparse.ArgumentTypeError(f"--as-of: {exc}") from None


def add_parser(subparsers: Any, parser_class: Any = None) -> argparse.ArgumentParser:
    """Add ``screen`` to the command's subparsers and return its parser.

    ``parser_class`` is the CLI's parser class, the one ``subparsers`` was made with (it exits 1 on
    misuse); argparse builds the sub-parser with that class itself, so it is not used here.
    """
    del parser_class
    p: argparse.ArgumentParser = subparsers.add_parser(
        "screen", help="screen a folder of cases into one XLSX or CSV portfolio (one row per case)",
        description="Assess every case in the folders and files given and write one row per case, "
                    "with a summary sheet in an XLSX. A file that cannot be read is a row that says why.",
    )
    p.add_argument("sources", nargs="*", metavar="FOLDER_OR_FILE",
                   help="folders (their *.lendready files, sorted by name) and case files")
    p.add_argument("--register", action="store_true",
                   help="also screen every case in the register you can see (its current version)")
    p.add_argument("--url", default=None, metavar="URL",
                   help="with --register: the register's database URL (default: the one in the settings)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx|OUT.csv",
                   help="the portfolio to write: .xlsx (with a summary sheet and chart) or .csv")
    p.add_argument("--as-of", metavar="DD/MM/YYYY", default=None, type=as_of_date,
                   help="assess as at this date, day first or YYYY-MM-DD "
                        "(default: the date of SOURCE_DATE_EPOCH if set, else today)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: one per core for a large run)")
    return p


def _say(err: TextIO, message: str) -> None:
    from lendready.domain.files.outside_text import for_terminal

    err.write(for_terminal(f"lendready: {message}\n"))


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary_line(portfolio: Any, output: str) -> str:
    """One line: how many cases, how many by band, how many could not be read, and where."""
    bands = ", ".join(f"{c.cases:,} {c.label.lower()}" for c in portfolio.by_band if c.id is not None and c.cases)
    unread = f"; {portfolio.unreadable:,} could not be read" if portfolio.unreadable else ""
    return f"screened {_plural(portfolio.total, 'case')} into {output}: {bands or 'none assessed'}{unread}"


def _registered(args: argparse.Namespace, err: TextIO) -> list[Any] | None:
    """The register's cases as (label, file bytes); None after saying why the register cannot be read."""
    from sqlalchemy.exc import SQLAlchemyError

    from lendready.register.cli import open_register
    from lendready.register.repository import RegisterError, first_line

    try:
        register = open_register(args.url, lambda message: _say(err, message))
        if isinstance(register, int):
            return None
        with register:
            return list(register.current_documents())
    except (RegisterError, SQLAlchemyError) as exc:  # refused, or a server that cannot be reached
        _say(err, f"nothing was screened: the register cannot be read: {first_line(exc)}")
        return None


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``lendready screen``: returns the exit status; writes only to ``err`` (``out`` stays empty)."""
    from lendready.domain.advice import AsOfError, default_as_of
    from lendready.domain.files.case_file import same_file
    from lendready.domain.screening import expand, missing, screen_portfolio

    output: str = args.output
    if os.path.splitext(output)[1].lower() not in OUTPUT_SUFFIXES:
        _say(err, f"the output must end .xlsx or .csv, not {output}")
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        _say(err, "--jobs must be 1 or more")
        return EXIT_USAGE
    if not args.sources and not args.register:
        _say(err, "name folders or case files to screen, or --register")
        return EXIT_USAGE
    if args.url and not args.register:
        _say(err, "--url names the register: use it with --register")
        return EXIT_USAGE
    absent = missing(args.sources)
    if absent:
        _say(err, "nothing was screened: " + "; ".join(f"there is no file or folder at {a}" for a in absent))
        return EXIT_REFUSED
    try:
        items = expand(args.sources)
    except OSError as exc:
        _say(err, f"nothing was screened: cannot list {exc.filename or 'a folder'}: {exc.strerror or exc}")
        return EXIT_REFUSED
    for given in [*args.sources, *items]:
        if not isinstance(given, tuple) and os.path.exists(output) and same_file(output, given):
            _say(err, f"the output {output} is the input {given}; writing it would replace it. Choose another name")
            return EXIT_USAGE
    if args.register:
        registered = _registered(args, err)
        if registered is None:
            return EXIT_REFUSED
        items += registered
    if not items:
        if args.register and not args.sources:
            _say(err, "nothing was screened: the register holds no case you can see")
            return EXIT_REFUSED
        folders = ", ".join(str(s) for s in args.sources)
        _say(err, f"nothing was screened: no .lendready case files in {folders}")
        return EXIT_REFUSED
    try:
        as_of = args.as_of or default_as_of()
    except AsOfError as exc:
        _say(err, str(exc))
        return EXIT_USAGE
    from lendready.domain.engine.knowledge import ResourceError, load

    try:
        knowledge = load()
    except (ResourceError, FileNotFoundError) as exc:
        _say(err, f"the installed rules and questionnaire are not usable:\n{exc}")
        return EXIT_RESOURCES
    try:
        portfolio = screen_portfolio(items, knowledge, as_of, workers=args.jobs)
    except KeyboardInterrupt:
        _say(err, "interrupted; nothing was written")
        return EXIT_INTERRUPTED
    from lendready.report.portfolio_xlsx import write_portfolio

    try:
        write_portfolio(portfolio, output)
    except OSError as exc:
        _say(err, f"cannot write {output}: {exc.strerror or exc}")
        return EXIT_USAGE
    if not args.quiet:
        _say(err, summary_line(portfolio, output))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """``python -m lendready.screening_cli`` (and the tests): the ``screen`` command on its own."""
    import sys

    from lendready.cli import _Parser

    parser = _Parser(prog="lendready")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    add_parser(sub, _Parser)
    args = parser.parse_args(["screen", *(sys.argv[1:] if argv is None else argv)])
    return run(args, sys.stdout, sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = ["add_parser", "as_of_date", "main", "run", "summary_line"]
