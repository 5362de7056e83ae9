"""The ``lendready`` command: assess and lint from a terminal, or open the app.

The JSON path imports nothing from Qt or reportlab (a test checks
``sys.modules``) and reads validated resources from the cache, so assessing a
case from a script costs little more than starting Python.

Exit status: 0 done, 1 usage error, 2 the case file was refused (the message is
on stderr and nothing is printed on stdout), 3 the installed resources are
broken (reinstall), 4 lint found problems.

Everything written to the terminal goes through :func:`_out` or :func:`_err`,
which show any control, bidi or zero-width character from a case or a sheet as
a visible ``[U+202E]`` token (a name cannot recolour the terminal or hide the
band behind a fake "READY"), and the streams never fail on a character the
console cannot encode: a Welsh name on a cp1252 console is written escaped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lendready import __version__

if TYPE_CHECKING:
    from lendready.domain.engine.knowledge import Knowledge
    from lendready.domain.files.case_file import Case

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_REFUSED = 2
EXIT_RESOURCES = 3
EXIT_LINT = 4

COMMANDS = ("assess", "lint", "gui", "import-forecast", "handout", "session-pack", "screen", "register")


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error; 2 means "refused" here, so use 1."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from lendready.domain.files.outside_text import for_terminal

        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, for_terminal(f"{self.prog}: error: {message}\n"))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lendready",
        description="Lending-readiness advisor for mutuals. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"lendready {__version__}")
    parser.add_argument(
        "--self-test", action="store_true",
        help="check this installation (resources, samples, PDF, window) and print one line; exit 0 if it passed",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p_assess = sub.add_parser("assess", help="assess a case file and print the result")
    p_assess.add_argument("case", help="path to a .lendready case file")
    p_assess.add_argument("--format", choices=("json", "text"), default="text", help="output format (default text)")
    p_assess.add_argument(
        "--audience", choices=("lender", "founder", "trainer"), default=None,
        help="wording of the explanations (default: the case's prepared_by)",
    )
    p_assess.add_argument("--trace", action="store_true", help="JSON only: add how each finding was reached")
    p_assess.add_argument(
        "--pdf", metavar="OUT", default=None,
        help="also write the PDF briefing for the audience to OUT (nothing is written if the case is refused)",
    )
    _as_of_option(p_assess)

    p_lint = sub.add_parser("lint", help="check questionnaire, rules, parameters, samples and rule tests")
    p_lint.add_argument("dir", nargs="?", help="resources folder (default: the installed one)")

    p_import = sub.add_parser(
        "import-forecast", help="read the monthly cashflow forecast from a CSV, XLSX, XLS or ODS file into a case"
    )
    p_import.add_argument("case", help="path to a .lendready case file (changed only if the whole forecast reads)")
    p_import.add_argument("file", help="the spreadsheet: .csv, .xlsx, .xls or .ods")
    p_import.add_argument("--sheet", default=None, help="the sheet to read (default: the first)")

    p_handout = sub.add_parser(
        "handout", help="write a trainer's handout: the exercise sheet for the room, the answers, then reference"
    )
    p_handout.add_argument(
        "case", metavar="CASE_OR_SAMPLE", help="a .lendready case file, or a sample case's id (such as riverside)"
    )
    p_handout.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="the PDF to write")
    _as_of_option(p_handout, sample_default=True)

    p_pack = sub.add_parser(
        "session-pack", help="write a training session pack: a cover, every exercise sheet, the answers, reference"
    )
    p_pack.add_argument("ids", nargs="*", metavar="SAMPLE_ID", help="sample cases, in order (default: all of them)")
    p_pack.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="the PDF to write")
    _as_of_option(p_pack, sample_default=True)

    from lendready import screening_cli

    screening_cli.add_parser(sub, _Parser)
    from lendready.register.cli import add_parser as add_register_parser  # argparse only, not SQLAlchemy

    add_register_parser(sub, _Parser)

    p_gui = sub.add_parser("gui", help="open the app (optionally with a case file)")
    p_gui.add_argument("case", nargs="?")
    return parser


def _as_of_option(parser: argparse.ArgumentParser, *, sample_default: bool = False) -> None:
    default = "a sample's own date, else " if sample_default else ""
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", default=None, type=_as_of_date,
        help=f"assess as at this date (default: {default}the date of SOURCE_DATE_EPOCH if set, else today)",
    )


def _as_of_date(text: str) -> Any:
    """argparse type for --as-of: a real YYYY-MM-DD date, or a usage error naming what is allowed."""
    from lendready.domain.advice import AsOfError, parse_as_of

    try:
        return parse_as_of(text)
    except AsOfError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _as_of(args: argparse.Namespace) -> Any:
    """--as-of, else the default date; a bad SOURCE_DATE_EPOCH is a usage error (None after saying so)."""
    from lendready.domain.advice import AsOfError, default_as_of

    if args.as_of is not None:
        return args.as_of
    try:
        return default_as_of()
    except AsOfError as exc:
        _err(str(exc))
        return None


def _err(message: str) -> None:
    """A message on standard error, made safe for a terminal (it may quote a file name or a cell)."""
    from lendready.domain.files.outside_text import for_terminal

    sys.stderr.write(for_terminal(f"lendready: {message}\n"))


def _err_line(text: str) -> None:
    """A continuation line on standard error (no "lendready:" prefix), made safe for a terminal."""
    from lendready.domain.files.outside_text import for_terminal

    sys.stderr.write(for_terminal(f"{text}\n"))


def _out(text: str) -> None:
    """Output on standard output, made safe for a terminal (names, answers and notes come from a file)."""
    from lendready.domain.files.outside_text import for_terminal

    sys.stdout.write(for_terminal(text))


def _out_json(text: str) -> None:
    """JSON on standard output: acting characters escaped inside strings (lossless), ASCII if the console needs it."""
    from lendready.domain.files.outside_text import encodes_everything, json_safe

    sys.stdout.write(json_safe(text, ascii_only=not encodes_everything(sys.stdout)))


def _warn_unknown(warnings: list[str], shown: int = 5) -> None:
    """The answers kept for a newer version, a few by name: a file may hold up to a thousand."""
    for warning in warnings[:shown]:
        _err(f"warning: {warning}")
    if len(warnings) > shown:
        _err(f"warning: and {len(warnings) - shown:,} more answers this version does not ask about; kept unchanged")


def _output_problem(output: str | Path, inputs: list[str | Path]) -> str | None:
    """Why ``output`` must not be written: it is one of the inputs (a PDF must never replace the case)."""
    from lendready.domain.files.case_file import same_file

    for given in inputs:
        if same_file(output, given):
            return f"the output {output} is the input file {given}; writing it would replace it. Choose another name"
    return None


def _load_knowledge() -> Any:
    """The installed rules and questionnaire, or say why not and return the exit status."""
    from lendready.domain.engine.knowledge import ResourceError, load

    try:
        return load()
    except (ResourceError, FileNotFoundError) as exc:
        _err(f"the installed rules and questionnaire are not usable:\n{exc}")
        return EXIT_RESOURCES


def _open_case(path: str, doing: str) -> tuple[Any, Any] | int:
    """Load the rules and the case, or say why not and return the exit status."""
    from lendready.domain.files.case_file import CaseFileError, load_case

    knowledge = _load_knowledge()
    if isinstance(knowledge, int):
        return knowledge
    try:
        return knowledge, load_case(path, knowledge.questionnaire)
    except CaseFileError as exc:
        _err(f"cannot {doing} {path}: {exc}")
        return EXIT_REFUSED


def cmd_assess(args: argparse.Namespace) -> int:
    from lendready.domain.advice import analyse

    as_of = _as_of(args)
    if as_of is None:
        return EXIT_USAGE
    opened = _open_case(args.case, "assess")
    if isinstance(opened, int):
        return opened
    knowledge, case = opened
    if args.pdf:
        problem = _output_problem(args.pdf, [args.case])
        if problem:
            _err(problem)
            return EXIT_USAGE
    _warn_unknown(case.warnings)
    analysis = analyse(case, knowledge, as_of, audience=args.audience)
    if args.pdf:
        status = _write_pdf(args, case, knowledge, analysis)
        if status != EXIT_OK:
            return status
    if args.format == "json":
        _out_json(analysis.to_json(trace=args.trace))
    else:
        from lendready.text_report import render

        _out(render(analysis, knowledge))
    return EXIT_OK


def _file_bytes(path: str | Path) -> bytes | int:
    """The case file's bytes for the PDF's provenance hash, or the exit status after saying why not."""
    from lendready.domain.files.case_file import MAX_BYTES
    from lendready.domain.files.safe_read import UnreadableFile, read_regular

    try:
        return read_regular(path, MAX_BYTES, "case file")
    except UnreadableFile as exc:
        _err(f"cannot read {path} again to fingerprint it: {exc}")
        return EXIT_REFUSED


def _write_pdf(args: argparse.Namespace, case: Case, knowledge: Knowledge, analysis: Any) -> int:
    """The briefing, written atomically beside nothing else: on any failure no file appears."""
    from lendready.report.briefing import write_briefing

    case_bytes = _file_bytes(args.case)
    if isinstance(case_bytes, int):
        return case_bytes
    return _write_pdf_file(
        args.pdf, lambda: write_briefing(args.pdf, case, knowledge, audience=analysis.assessment.audience,
                                         case_bytes=case_bytes, as_of=analysis.as_of)
    )


def cmd_lint(args: argparse.Namespace) -> int:
    from lendready.domain.engine.lint import lint

    if args.dir:
        root = Path(args.dir)
    else:
        from lendready.resources import resources_dir

        root = resources_dir()
    if not root.is_dir():
        _err(f"{root} is not a folder")
        return EXIT_USAGE
    report = lint(root)
    for problem in report.problems:
        _out(f"{problem}\n")
    if report.ok:
        _out(
            f"lint: clean: {report.questions} questions, {report.rules} rules, {report.parameters} parameters, "
            f"{report.samples} samples, {report.rule_cases} rule test cases\n"
        )
        return EXIT_OK
    _err(f"lint: {len(report.problems)} problem(s) in {root}")
    return EXIT_LINT


def cmd_import_forecast(args: argparse.Namespace) -> int:
    """Replace the case's forecast with one read from a spreadsheet; on any problem the case is untouched.

    A read-only case stays read-only and unchanged, and a case changed by someone
    else between reading and saving is not overwritten.
    """
    from lendready.domain.files.case_file import CaseSaveError, real_path, save_case, writable_problem
    from lendready.domain.files.forecast_import import read_forecast_file

    opened = _open_case(args.case, "import into")
    if isinstance(opened, int):
        return opened
    knowledge, case = opened
    read_only = writable_problem(real_path(args.case))
    if read_only:
        _err(f"nothing was imported: {read_only}")
        return EXIT_REFUSED
    questionnaire = knowledge.questionnaire
    question = questionnaire.questions["fin.forecast"]
    limit = question.table.max_rows if question.table is not None else None
    result = read_forecast_file(args.file, args.sheet, **({"max_rows": limit} if limit else {}))
    if result.problems:
        _err(f"nothing was imported from {args.file}; {args.case} is unchanged:")
        for problem in result.problems:
            _err_line(f"  {problem}")
        return EXIT_REFUSED
    case.answers["fin.forecast"] = result.rows
    try:
        save_case(case, args.case, questionnaire)
    except CaseSaveError as exc:
        _err(f"nothing was imported; {args.case} is unchanged: {exc}")
        return EXIT_REFUSED
    except OSError as exc:
        _err(f"cannot save {args.case}: {exc.strerror or exc}")
        return EXIT_USAGE
    months = [r["month"] for r in result.rows]
    sheet = f", sheet {result.sheet_used}" if result.sheet_used else ""
    count = f"{len(months)} month{'s' if len(months) != 1 else ''}"
    from lendready.domain.engine.formatting import month_label

    span = f"{month_label(months[0])} to {month_label(months[-1])}"
    _out(f"Imported {count} ({span}) from {args.file}{sheet} into {args.case}\n")
    for invalid in questionnaire.validate(case.answers).invalid:
        if invalid.question == "fin.forecast":
            _err(f"warning: the forecast is saved but needs correcting: {invalid.message}")
    return EXIT_OK


def _load_samples(knowledge: Knowledge) -> tuple[dict[str, Any], set[str], list[str]]:
    """The sample cases by id, every id with a case file, and the problems of those that did not load."""
    from lendready.domain.teaching.samples import load_samples, sample_paths

    problems: list[str] = []
    found = {s.id: s for s in load_samples(knowledge.root, problems)}
    return found, {p.stem for p in sample_paths(knowledge.root)}, problems


def _unknown_samples(unknown: list[str], found: dict[str, Any]) -> int:
    names = ", ".join(repr(u) for u in unknown)
    _err(f"no sample case {names}; the samples are: {', '.join(sorted(found)) or 'none'}")
    return EXIT_REFUSED


def _broken_samples(problems: list[str]) -> int:
    _err("the installed sample cases are not usable:\n" + "\n".join(problems))
    return EXIT_RESOURCES


def _write_pdf_file(path: str, write: Any) -> int:
    """Run ``write`` (an atomic write): on any failure no file appears, and the status says why."""
    from lendready.domain.engine.knowledge import ResourceError
    from lendready.domain.files.case_file import CaseFileError
    from lendready.report.briefing import BriefingError
    from lendready.report.styles import FontsMissing

    try:
        write()
    except CaseFileError as exc:
        _err(f"a sample case was refused: {exc}")
        return EXIT_RESOURCES
    except BriefingError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except (ResourceError, FontsMissing) as exc:
        _err(f"the installed teaching content or fonts are not usable:\n{exc}")
        return EXIT_RESOURCES
    except OSError as exc:
        _err(f"cannot write {path}: {exc.strerror or exc}")
        return EXIT_USAGE
    return EXIT_OK


def cmd_handout(args: argparse.Namespace) -> int:
    """The trainer's handout for a case file or a sample; a sample brings its story, questions and verdict."""
    from lendready.domain.teaching.samples import CASE_SUFFIX
    from lendready.report.handout import write_handout

    target = args.case
    as_path = Path(target)
    # A path names a case file; a bare word names a sample (unless a file of that name is here).
    is_file = as_path.suffix == CASE_SUFFIX or "/" in target or "\\" in target or as_path.is_file()
    if is_file:
        opened = _open_case(target, "make a handout from")
        if isinstance(opened, int):
            return opened
        knowledge, case = opened
        from lendready.domain.teaching.samples import sample_for

        # A file whose answers are exactly a sample's is that sample, wherever it lies.
        sample = sample_for(case, knowledge)
        source = as_path
    else:
        knowledge = _load_knowledge()
        if isinstance(knowledge, int):
            return knowledge
        found, ids, problems = _load_samples(knowledge)
        sample = found.get(target)
        if sample is None:
            if target in ids:
                return _broken_samples(problems)
            return _unknown_samples([target], found)
        from lendready.domain.files.case_file import CaseFileError
        from lendready.domain.teaching.samples import load_sample_case

        try:
            case = load_sample_case(sample, knowledge)
        except CaseFileError as exc:
            _err(f"the sample case {target} was refused: {exc}")
            return EXIT_RESOURCES
        source = sample.path
    problem = _output_problem(args.output, [source])
    if problem:
        _err(problem)
        return EXIT_USAGE
    _warn_unknown(case.warnings)
    case_bytes = _file_bytes(source)  # the provenance hash is of the file, as `assess --pdf` gives it
    if isinstance(case_bytes, int):
        return case_bytes
    if args.as_of is not None or sample is None:
        as_of = _as_of(args)
        if as_of is None:
            return EXIT_USAGE
    else:
        from lendready.domain.teaching.samples import sample_as_of

        as_of = sample_as_of(sample)
    status = _write_pdf_file(
        args.output,
        lambda: write_handout(args.output, case, knowledge, sample=sample, case_bytes=case_bytes, as_of=as_of),
    )
    if status == EXIT_OK:
        title = sample.meta.title if sample is not None else (case.answers.get("org.name") or target)
        _out(f"Wrote the trainer's handout for {title} to {args.output}\n")
    return status


def cmd_session_pack(args: argparse.Namespace) -> int:
    """A session pack of the named samples, in the order given (default: every sample)."""
    from lendready.report.handout import write_session_pack

    knowledge = _load_knowledge()
    if isinstance(knowledge, int):
        return knowledge
    found, ids, problems = _load_samples(knowledge)
    wanted = list(args.ids) or sorted(found)
    twice = sorted({i for i in wanted if wanted.count(i) > 1})
    if twice:
        _err(f"named more than once: {', '.join(twice)}")
        return EXIT_USAGE
    unknown = [i for i in wanted if i not in found]
    if any(i in ids for i in unknown) or (not args.ids and problems):
        return _broken_samples(problems)
    if unknown:
        return _unknown_samples(unknown, found)
    chosen = [found[i] for i in wanted]
    problem = _output_problem(args.output, [s.path for s in chosen])
    if problem:
        _err(problem)
        return EXIT_USAGE
    # Each sample is assessed at its own date unless --as-of names one for all.
    status = _write_pdf_file(args.output, lambda: write_session_pack(args.output, chosen, knowledge, as_of=args.as_of))
    if status == EXIT_OK:
        count = f"{len(chosen)} case{'s' if len(chosen) != 1 else ''}"
        _out(f"Wrote the session pack ({count}: {', '.join(wanted)}) to {args.output}\n")
    return status


def cmd_gui(case: str | None) -> int:
    from lendready.app import run

    return run(case)


def main(argv: list[str] | None = None) -> int:
    from lendready.domain.files.outside_text import make_streams_safe

    make_streams_safe()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--self-test":
        from lendready.self_test import main as self_test

        return self_test(argv[1:])
    # "lendready path/to/case.lendready" opens the case, as a file manager's "Open with" does.
    if argv and argv[0] not in COMMANDS and not argv[0].startswith("-"):
        if len(argv) == 1:
            return cmd_gui(argv[0])
    if not argv:
        return cmd_gui(None)
    args = build_parser().parse_args(argv)
    if args.command == "assess":
        return cmd_assess(args)
    if args.command == "lint":
        return cmd_lint(args)
    if args.command == "gui":
        return cmd_gui(args.case)
    if args.command == "import-forecast":
        return cmd_import_forecast(args)
    if args.command == "handout":
        return cmd_handout(args)
    if args.command == "session-pack":
        return cmd_session_pack(args)
    if args.command == "screen":
        from lendready.screening_cli import run as run_screen

        return run_screen(args, sys.stdout, sys.stderr)
    if args.command == "register":
        from lendready.register.cli import run as run_register

        return run_register(args, _out, _err)
    build_parser().print_help()
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
