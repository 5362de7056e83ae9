"""Shared fixtures: the shipped resources, the loaded knowledge, the sample cases.

The user folders (resource cache, settings, recovery files, logs) are pointed at a
per-run temporary folder so the suite never touches the developer's own profile.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest

_HOME = tempfile.mkdtemp(prefix="lendready-test-home-")
for _kind in ("CACHE", "CONFIG", "DATA", "LOG"):
    os.environ[f"LENDREADY_{_kind}_DIR"] = os.path.join(_HOME, _kind.lower())
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO / "resources"
SAMPLES = RESOURCES / "samples"
SAMPLE_IDS = sorted(p.stem for p in SAMPLES.glob("*.lendready"))


@pytest.fixture(scope="session")
def resources() -> Path:
    return RESOURCES


@pytest.fixture(scope="session")
def knowledge():
    from lendready.domain.engine.knowledge import load

    return load(RESOURCES)


@pytest.fixture(scope="session")
def samples(knowledge):
    from lendready.domain.files.case_file import load_case

    return {sid: load_case(SAMPLES / f"{sid}.lendready", knowledge.questionnaire) for sid in SAMPLE_IDS}


@pytest.fixture
def answers_of(samples):
    """A fresh, mutable copy of a sample's answers."""

    def get(sample_id: str) -> dict:
        return dict(samples[sample_id].answers)

    return get


@pytest.fixture
def broken(tmp_path) -> Path:
    """A private copy of the resources for a test to damage."""
    root = tmp_path / "resources"
    shutil.copytree(RESOURCES, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a resource file, failing loudly if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def editor(qtbot, knowledge):
    """A shown, active forecast editor for the fin.forecast question, worded for a founder."""
    from lendready.ui.forecast_table import ForecastEditor

    widget = ForecastEditor(knowledge.questionnaire.questions["fin.forecast"], "founder")
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


class Wheel(NamedTuple):
    names: list[str]
    """Every path inside the wheel."""
    site: Path
    """The wheel unpacked, as pip installs it: put it on PYTHONPATH to run lendready from it."""


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Wheel:
    """lendready built as a wheel once per run and unpacked, for the tests that run it as installed."""
    import subprocess
    import sys
    import zipfile

    where = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(where / "dist"), str(REPO)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert built.returncode == 0, built.stderr
    path = next((where / "dist").glob("lendready-*.whl"))
    with zipfile.ZipFile(path) as archive:
        archive.extractall(where / "site")
        return Wheel(archive.namelist(), where / "site")


@pytest.fixture
def window(qtbot, tmp_path, knowledge):
    """The main window, shown, with fresh settings and a private recovery folder."""
    from lendready.model.recovery import RecoveryStore
    from lendready.model.settings import Settings
    from lendready.ui.main_window import MainWindow

    w = MainWindow(knowledge, settings=Settings(), recovery=RecoveryStore(tmp_path / "recovery"))
    w.resize(1320, 860)
    w.show()
    yield w
    w.session = None  # the test has checked what it wanted; closing must not prompt
    w.close()
    w.deleteLater()


# -- the case register (issue 19): one populated register, copied for each test that uses it ---------

REGISTER_STATUSES = ("received", "assessing", "awaiting_approval", "committee", "approved", "declined", "assessing")
REGISTER_OFFICERS = ("alice", "bob", "carol", None)
REGISTER_AS_OF = dt.date(2026, 12, 1)
"""The date the populated register's cases are assessed as at."""
REGISTER_DECIDED_BY = {"committee": "refer", "approved": "approve", "declined": "decline"}


def populate(register, knowledge, count: int = 20) -> list[str]:
    """``count`` cases from the samples (a branch number after the name from the 14th), assessed."""
    from lendready.domain.advice import analyse
    from lendready.domain.files.case_file import load_case, new_case
    from lendready.register.repository import Register

    samples = sorted(SAMPLES.glob("*.lendready"))
    ids = []
    # A decided status comes only from a decision, by someone other than the version's author (four eyes).
    approver = Register(register.engine, user="dave", knowledge=knowledge)
    for i in range(count):
        source = load_case(samples[i % len(samples)], knowledge.questionnaire)
        case = new_case(source.prepared_by)
        case.answers, case.notes = dict(source.answers), dict(source.notes)
        if i >= len(samples):
            case.answers["org.name"] = f"{source.answers.get('org.name', '')} (branch {i})"
        summary = register.add_case(case, reason="received from the founder")
        assessment = register.record_assessment(summary.id, 1, analyse(case, knowledge, REGISTER_AS_OF, what_ifs=False))
        status = REGISTER_STATUSES[i % len(REGISTER_STATUSES)]
        if status in REGISTER_DECIDED_BY:
            approver.record_decision(assessment, REGISTER_DECIDED_BY[status], "")
        else:
            register.set_status(summary.id, status)
        register.assign(summary.id, REGISTER_OFFICERS[i % len(REGISTER_OFFICERS)])
        ids.append(summary.id)
    return ids


@pytest.fixture(scope="session")
def register_template(tmp_path_factory, knowledge) -> Path:
    """A register of 20 assessed cases at every status, made once; each test works on a copy."""
    from lendready.register.repository import Register, sqlite_url

    path = tmp_path_factory.mktemp("register-template") / "register.sqlite3"
    with Register.open(sqlite_url(path), user="alice", knowledge=knowledge, upgrade=True) as register:
        populate(register, knowledge)
    return path


@pytest.fixture
def register_file(tmp_path, register_template) -> Path:
    target = tmp_path / "register.sqlite3"
    shutil.copyfile(register_template, target)
    return target


@pytest.fixture
def open_as(register_file, knowledge):
    """Open the test's copy of the register as a named user (closed after the test)."""
    from lendready.register.repository import Register, make_engine, sqlite_url

    opened: list[Register] = []

    def make(user: str):
        register = Register(make_engine(sqlite_url(register_file)), user=user, knowledge=knowledge)
        opened.append(register)
        return register

    yield make
    for register in opened:
        register.close()


@pytest.fixture
def no_dialogs(monkeypatch):
    """Any message box fails the test instead of waiting for a click that never comes (a test that
    expects one patches ``messages`` again itself)."""
    from lendready.ui.widgets import messages

    def fail(*args, **kwargs):
        raise AssertionError(f"a dialog was shown: {args[2:4]}")

    monkeypatch.setattr(messages, "choose", fail)
    monkeypatch.setattr(messages, "warn", fail)
    monkeypatch.setattr(messages, "inform", fail)
