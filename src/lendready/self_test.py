"""``lendready --self-test``: one command for IT staff to check an installation.

It lints the installed resources (questionnaire, rules, parameters, samples and
rule tests), assesses every sample case, writes a PDF briefing to a temporary
file, opens the main window with a sample case, shows the About dialog and
closes both, then prints one line: what passed and how long it took, or the step
that failed and why. Exit status 0 passed, 5 failed.

It runs with or without a display: on Linux with no ``DISPLAY``/``WAYLAND_DISPLAY``
(and ``QT_QPA_PLATFORM`` unset) the window is drawn offscreen; with a display it
uses the real platform (xcb), after the same library check the app makes. The
user's settings, recent files and recovery folder are left alone: the self-test
points them at a temporary folder. The result is also written to the log.

For the suite, ``LENDREADY_SELF_TEST_FAIL=<step>`` makes that step fail.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lendready import __version__

EXIT_PASSED = 0
EXIT_FAILED = 5
STEPS = ("resources", "samples", "briefing", "window")


class StepFailed(Exception):
    pass


class SelfTest:
    def __init__(self, verbose: bool = False) -> None:
        self.verbose = verbose
        self.facts: dict[str, str] = {}
        self.timings: dict[str, float] = {}
        self.knowledge: Any = None
        self.root: Path | None = None
        self.samples: list[Path] = []
        self.scratch = Path(tempfile.mkdtemp(prefix="lendready-self-test-"))

    def say(self, text: str) -> None:
        if self.verbose:
            print(f"  {text}", flush=True)

    def step(self, name: str, action: Callable[[], str]) -> None:
        start = time.perf_counter()
        if os.environ.get("LENDREADY_SELF_TEST_FAIL") == name:
            raise StepFailed(f"{name}: forced failure (LENDREADY_SELF_TEST_FAIL={name})")
        try:
            fact = action()
        except StepFailed:
            raise
        except Exception as exc:  # noqa: BLE001 (any failure is the answer)
            raise StepFailed(f"{name}: {type(exc).__name__}: {exc}") from exc
        self.timings[name] = time.perf_counter() - start
        self.facts[name] = fact
        self.say(f"{name}: {fact} ({self.timings[name]:.2f} s)")

    # -- the steps ------------------------------------------------------------
    def resources(self) -> str:
        from lendready.domain.engine.knowledge import load
        from lendready.domain.engine.lint import lint
        from lendready.resources import resources_dir

        self.root = resources_dir()
        self.say(f"resources folder: {self.root}")
        report = lint(self.root)
        if not report.ok:
            first = report.problems[0].splitlines()[0]
            raise StepFailed(f"resources: lint found {len(report.problems)} problem(s) in {self.root}; first: {first}")
        fonts = self.root / "fonts"
        missing = [f for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf") if not (fonts / f).is_file()]
        if missing:
            raise StepFailed(f"resources: fonts missing from {fonts}: {', '.join(missing)}")
        self.knowledge = load(self.root)
        return (
            f"clean ({report.questions} questions, {report.rules} rules, {report.parameters} parameters, "
            f"{report.rule_cases} rule tests)"
        )

    def assess_samples(self) -> str:
        from lendready.domain.engine.assessment import assess
        from lendready.domain.files.case_file import load_case
        from lendready.domain.teaching.samples import sample_paths

        assert self.root is not None
        self.samples = sample_paths(self.root)
        if not self.samples:
            raise StepFailed(f"samples: no sample cases in {self.root / 'samples'}")
        for path in self.samples:
            result = assess(load_case(path, self.knowledge.questionnaire), self.knowledge)
            if not result.band:
                raise StepFailed(f"samples: {path.name} was assessed without a band")
        return f"{len(self.samples)} assessed"

    def briefing(self) -> str:
        from lendready.domain.files.case_file import load_case
        from lendready.report.briefing import write_briefing

        path = self.samples[0]
        case = load_case(path, self.knowledge.questionnaire)
        out = self.scratch / "briefing.pdf"
        write_briefing(out, case, self.knowledge, audience="lender", case_bytes=path.read_bytes())
        data = out.read_bytes()
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
            raise StepFailed(f"briefing: {out} is not a complete PDF")
        pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
        out.unlink()
        return f"{pages} pages, {len(data) // 1024} KB"

    def register(self) -> str:
        """The case register on SQLite (migrations shipped as data), the PostgreSQL driver's libpq,
        and a portfolio workbook: the parts a bundle could leave out without any import failing early."""
        import psycopg

        from lendready.domain.advice import default_as_of
        from lendready.domain.screening import screen_portfolio
        from lendready.register.repository import Register, sqlite_url
        from lendready.report.portfolio_xlsx import write_portfolio

        path = self.samples[0]
        with Register.open(sqlite_url(self.scratch / "register.sqlite3"), user="self-test",
                           knowledge=self.knowledge, upgrade=True) as register:
            summary = register.import_file(path)
            if register.document(summary.id) != path.read_bytes():
                raise StepFailed(f"register: {path.name} did not come back byte for byte")
        out = self.scratch / "portfolio.xlsx"
        write_portfolio(screen_portfolio(self.samples[:2], self.knowledge, default_as_of()), out)
        if not out.read_bytes().startswith(b"PK"):
            raise StepFailed(f"register: {out} is not a workbook")
        return f"SQLite register and portfolio workbook written; libpq {psycopg.pq.version()}"

    def window(self) -> str:
        from lendready.platform_check import display_problem

        platform = os.environ.get("QT_QPA_PLATFORM", "")
        if (
            sys.platform.startswith("linux") and not platform
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
        ):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
            self.say("no display: drawing the window offscreen")
        problem = display_problem()
        if problem:
            raise StepFailed("window: " + " ".join(problem.split()))
        from PySide6.QtCore import QtMsgType, qInstallMessageHandler
        from PySide6.QtWidgets import QApplication

        from lendready.app import make_application

        def quiet(kind: QtMsgType, _context: object, message: str) -> None:
            # Qt's chatter (offscreen size hints, locale notes) would break the one-line output.
            if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
                sys.stderr.write(f"Qt: {message}\n")

        qInstallMessageHandler(quiet)
        from lendready.ui.about_dialog import AboutDialog
        from lendready.ui.main_window import MainWindow

        app = make_application()
        window = MainWindow(knowledge=self.knowledge)
        window.show()
        app.processEvents()
        if not window.open_path(str(self.samples[0])) or window.session is None:
            raise StepFailed(f"window: the main window could not open {self.samples[0].name}")
        app.processEvents()
        about = AboutDialog(self.knowledge, window)
        about.show()
        app.processEvents()
        about.close()
        if not window.close():
            raise StepFailed("window: the main window refused to close")
        app.processEvents()
        window.deleteLater()
        about.deleteLater()
        app.processEvents()
        if window.isVisible():
            raise StepFailed("window: the main window is still visible after closing")
        return f"opened with a sample and closed ({QApplication.platformName()})"

    def run(self) -> None:
        self.step("resources", self.resources)
        self.step("samples", self.assess_samples)
        self.step("briefing", self.briefing)
        self.step("register", self.register)
        self.step("window", self.window)


def _private_profile(scratch: Path) -> None:
    """Keep the user's settings, recent files, recovery copies and cache out of it."""
    for kind in ("CONFIG", "DATA", "CACHE"):
        os.environ[f"LENDREADY_{kind}_DIR"] = str(scratch / kind.lower())


def main(argv: list[str] | None = None) -> int:
    import argparse
    import shutil

    from lendready import crash

    parser = argparse.ArgumentParser(prog="lendready --self-test", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print each step and its time")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    crash.ensure_streams()
    log_file = crash.setup_logging()
    test = SelfTest(verbose=args.verbose)
    _private_profile(test.scratch)
    if args.verbose:
        print(f"lendready {__version__} self-test (log: {log_file or 'not writable'})", flush=True)
    start = time.perf_counter()
    try:
        test.run()
    except StepFailed as exc:
        line = f"lendready {__version__} self-test FAILED at {exc}"
        crash.log.error("%s", line)
        print(line, flush=True)
        return EXIT_FAILED
    finally:
        shutil.rmtree(test.scratch, ignore_errors=True)
    total = time.perf_counter() - start
    f = test.facts
    line = (
        f"lendready {__version__} self-test passed in {total:.1f} s: resources {f['resources']}; "
        f"samples {f['samples']}; briefing {f['briefing']}; register {f['register']}; window {f['window']}"
    )
    crash.log.info("%s", line)
    print(line, flush=True)
    return EXIT_PASSED
