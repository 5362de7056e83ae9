"""Privacy: nothing from a case is left where the user did not put it, and the recovery copy is private.

A case with distinctive content (the organisation "Zebrafinch Quokka Co-operative", turnover 7,654,321,
a note naming "Quokka") goes through everything a user does, in fresh processes whose HOME, TMPDIR,
XDG folders and LENDREADY_{CONFIG,DATA,CACHE,LOG}_DIR all point into a fresh folder:

1. ``lendready assess`` (JSON, and text with ``--pdf``) and ``lendready --self-test``;
2. the app (``lendready.app.run``, offscreen) opens the case, the name and a note are typed in, a section
   is left (the recovery copy is written), and a slot raises an exception quoting the name and turnover;
   the crash handler logs it, copies the case to the recovery folder and shows its dialog, in which the
   user chooses "Quit lendready";
3. the recovery file is then checked: present, mode 0600, in a folder of mode 0700;
4. the app starts again, restores the work, opens a file dialog in the user's folder and cancels it,
   saves the work as the user's own file, exports the briefing and closes cleanly: the recovery file
   is gone and the settings are written.
5. Qt's own settings: QFileDialog keeps its last folder and history in ``QtProject.conf``, shared by
   every Qt program and by default in ``$XDG_CONFIG_HOME`` (or ``~/.config``). It must be written in
   lendready's own config folder, owner-only, and nowhere under HOME.

Then every file left anywhere but the user's own folder (the log folder, TMPDIR, HOME with its XDG
folders, the cache, config and data folders) is searched for the name, the note and the turnover
(7654321, 7,654,321, 7 654 321; as UTF-8 and UTF-16). None may hold any. The settings file may hold
the *paths* of recent cases, which the user chose (and which here do include the name, since the app
suggests the organisation's name as the file name); it must hold nothing else from the case. The
crash dialog's text and every process's stderr are checked too.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SAMPLES

NAME = "Zebrafinch Quokka Co-operative"
TYPED_NAME = "Zebrafinch Quokka Workers Mutual"
NOTE = "Quokka payroll arrears agreed with HMRC"
TURNOVER = 7654321
SECRETS = ("Zebrafinch", "Quokka", "zebrafinch", "quokka", "7654321", "7,654,321", "7 654 321",
           "7\u202f654\u202f321")

SESSION = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox
    from lendready import app as app_module, crash
    from lendready.ui.main_window import MainWindow

    mode, case_path, docs = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    report = {}

    def no_dialog(*args, **kwargs):  # offscreen nobody can click: an unexpected dialog fails fast
        print("unexpected dialog:", [a for a in args if isinstance(a, str)], flush=True)
        os._exit(3)

    for name in ("warning", "question", "critical", "information"):
        setattr(QMessageBox, name, no_dialog)

    def crash_dialog(text):
        report["dialog"] = text
        return True  # the user clicks "Quit lendready"

    crash.show_dialog = crash_dialog

    def window():
        return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

    def type_answer(w, qid, text):
        edit = w.workspace.views[w.session.section_of(qid)].editor(qid).input.edit
        edit.setFocus()
        edit.selectAll()
        QTest.keyClicks(edit, text)
        QTest.keyClick(edit, Qt.Key.Key_Return)

    def edit_then_crash():
        w = window()
        assert w.session is not None and w.session.answers["org.name"]
        type_answer(w, "org.name", sys.argv[4])
        w.session.set_note("org.name", sys.argv[5])
        w.next_section()  # leaving a section writes the recovery copy
        report["recovery"] = [str(p) for p in w.recovery.pending_files()]
        name, turnover = w.session.answers["org.name"], w.session.answers["fin.turnover"]

        def fail():  # an unexpected error whose message quotes the case
            raise ValueError(f"{name} cannot have turnover {turnover:,}")

        QTimer.singleShot(0, fail)

    def restore_save_export_close():
        w = window()
        assert w.session is not None and w.session.dirty, "nothing was restored"
        report["restored"] = w.session.answers["org.name"]
        target = docs / (w.session.answers["org.name"] + ".lendready")  # the name Save as suggests
        from PySide6.QtWidgets import QFileDialog
        import shiboken6
        dialog = QFileDialog(w, "Open case", str(docs))  # the one Qt builds for File → Open
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        QTimer.singleShot(300, dialog.reject)
        dialog.exec()
        shiboken6.delete(dialog)  # a file dialog writes its history to Qt's settings as it goes
        assert w._save_to(target)
        w.choose_audience = lambda: "lender"
        w.ask_pdf_path = lambda title, suggested: docs / suggested
        assert w.export_briefing()
        assert w.close()

    MainWindow.ask_restore = lambda self, entry: "restore"
    real_make = app_module.make_application

    def make_application(argv=None):
        app = real_make(argv)
        QTimer.singleShot(400, edit_then_crash if mode == "crash" else restore_save_export_close)
        QTimer.singleShot(30_000, lambda: app.exit(99))  # never hang the suite
        return app

    app_module.make_application = make_application
    status = app_module.run(case_path if mode == "crash" else None)
    report["status"] = status
    print(json.dumps(report), flush=True)
    """
)


def _encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le")]


def _leaks(root: Path, skip: set[Path]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink() or any(path == s or s in path.parents for s in skip):
            continue
        data = path.read_bytes()
        hits = [s for s in SECRETS if any(e in data for e in _encodings(s))]
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_no_case_content_left_behind_and_recovery_is_private(tmp_path):
    home, tmp, docs = tmp_path / "home", tmp_path / "tmp", tmp_path / "docs"
    profile = {kind: tmp_path / kind.lower() for kind in ("CONFIG", "DATA", "CACHE", "LOG")}
    for folder in (home, tmp, docs):
        folder.mkdir()
    runtime = home / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
        "TMPDIR": str(tmp), "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        **{f"LENDREADY_{kind}_DIR": str(path) for kind, path in profile.items()},
    }

    doc = json.loads((SAMPLES / "riverside.lendready").read_text(encoding="utf-8"))
    doc["answers"]["org.name"] = NAME
    doc["answers"]["fin.turnover"] = TURNOVER
    doc["notes"] = {"fin.turnover": f"{NAME}: turnover {TURNOVER:,} per the draft accounts"}
    case = docs / "case.lendready"
    case.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    (docs / "session.py").write_text(SESSION, encoding="utf-8")

    def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=180, env=env,
                             cwd=docs)
        assert out.returncode == expect, f"{args}: {out.returncode}\n{out.stdout}\n{out.stderr}"
        return out

    outputs = [
        run("-m", "lendready", "assess", str(case), "--format", "json"),
        run("-m", "lendready", "assess", str(case), "--format", "text", "--pdf", str(docs / "cli.pdf")),
    ]
    assert NAME in outputs[0].stdout  # the case is really being read (stdout is for the user)
    outputs.append(run("-m", "lendready", "--self-test"))

    crashed = run(str(docs / "session.py"), "crash", str(case), str(docs), TYPED_NAME, NOTE)
    report = json.loads(crashed.stdout.strip().splitlines()[-1])
    assert report["status"] == 70, report  # "Quit lendready" in the crash dialog
    assert "just been copied to the recovery folder" in report["dialog"]
    assert not [s for s in SECRETS if s in report["dialog"]], report["dialog"]
    assert "details in" in crashed.stderr
    outputs.append(crashed)

    # The recovery copy: present after the crash, owner-only, in an owner-only folder.
    recovery_dir = profile["DATA"] / "recovery"
    copies = sorted(p for p in recovery_dir.iterdir())
    assert len(copies) == 1 and copies[0].name.endswith(".recovery.json"), copies
    assert str(copies[0]) in report["recovery"]
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(recovery_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(profile["LOG"].stat().st_mode) == 0o700
    recovered = copies[0].read_text(encoding="utf-8")
    assert TYPED_NAME in recovered and NOTE in recovered  # it does hold the work: that is its job
    log_text = (profile["LOG"] / "lendready.log").read_text(encoding="utf-8")
    assert "uncaught ValueError" in log_text and "message withheld" in log_text

    restored = run(str(docs / "session.py"), "restore", str(case), str(docs))
    assert json.loads(restored.stdout.strip().splitlines()[-1]) == {"restored": TYPED_NAME, "status": 0}
    outputs.append(restored)
    assert list(recovery_dir.iterdir()) == [], "a clean save must remove the recovery copy"

    # Qt's own settings (the file dialog's folder history): in lendready's private config folder only.
    qt_files = sorted(p for p in tmp_path.rglob("QtProject*") if p.is_file())
    assert qt_files == [profile["CONFIG"] / "QtProject.conf"], qt_files
    assert str(docs) in qt_files[0].read_text(encoding="utf-8")  # it is the dialog's, naming the folder
    assert not (home / ".config" / "QtProject.conf").exists()
    assert stat.S_IMODE(profile["CONFIG"].stat().st_mode) == 0o700

    # The user's own folder holds what the user asked for, and nothing else (no stray temporary files).
    names = sorted(p.name for p in docs.iterdir())
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == 2 and "cli.pdf" in pdfs, names  # the CLI's and the app's briefing
    assert sorted(set(names) - set(pdfs)) == sorted(["case.lendready", "session.py", f"{TYPED_NAME}.lendready"])

    # Settings: the known fields only; case content at most in the recent-file paths the user chose.
    settings_file = profile["CONFIG"] / "settings.json"
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    assert set(settings) <= {"recent_files", "last_role", "window_geometry", "window_state", "splitter_state"}
    assert settings["recent_files"] == [str((docs / f"{TYPED_NAME}.lendready").resolve())]
    without_paths = json.dumps({k: v for k, v in settings.items() if k != "recent_files"})
    assert not [s for s in SECRETS if s in without_paths], without_paths

    # Everything else the runs left behind: nothing from the case, anywhere.
    assert _leaks(docs, set()), "the scan must find the case in the user's own files (or it proves nothing)"
    leaks = _leaks(tmp_path, skip={docs, settings_file})
    assert leaks == {}, leaks
    for out in outputs:
        assert not [s for s in SECRETS if s in out.stderr], out.stderr
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")
                  if p.is_file() and docs not in p.parents)
    assert not list(tmp.iterdir()), f"temporary files left behind: {list(tmp.iterdir())}"
    print(f"\nscanned {len(left)} files outside the user's folder ({', '.join(left)}): no case content; "
          "recovery copy 0600 in a 0700 folder, removed by the clean save")


def test_recovery_files_are_owner_only_even_with_a_permissive_umask(tmp_path, knowledge, samples):
    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    from lendready.model.recovery import RecoveryStore

    old = os.umask(0)
    try:
        store = RecoveryStore(tmp_path / "data" / "recovery")
        path = store.write(samples["riverside"], knowledge, None)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    shutil.rmtree(tmp_path / "data")


@pytest.mark.skipif(os.name != "posix", reason="process ids are checked the POSIX way")
def test_a_recovery_write_killed_midway_leaves_nothing_after_the_next_start(tmp_path, knowledge, samples):
    """A recovery copy's temporary file (it holds answers) left by a killed writer goes at the next start."""
    from lendready.model.recovery import SUFFIX, RecoveryStore

    store = RecoveryStore(tmp_path / "recovery")
    kept = store.write(samples["riverside"], knowledge, None)
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)
    orphan = store.directory / f".{kept.name}.{dead}.k1ll3d00.tmp"
    orphan.write_text(kept.read_text(encoding="utf-8"), encoding="utf-8")
    other = store.directory / f".someone-else{SUFFIX}.{dead}.k1ll3d01.tmp"  # a case never written again
    other.write_text("{}", encoding="utf-8")
    store.pending(knowledge)  # what the next start does first
    assert sorted(p.name for p in store.directory.iterdir()) == [kept.name]
