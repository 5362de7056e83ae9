"""No network, no telemetry: the real entry points run with the network blocked and never reach for it.

Every run goes through a ``sitecustomize`` put first on ``PYTHONPATH``, which Python imports at start-up
before lendready: it installs an audit hook that records and refuses every network event Python raises
(socket creation, connect, bind, send, name look-ups, urllib requests, http.client connections, and the
like) and replaces ``socket.socket`` with a class that refuses to be made. Then, through the real entry
points in fresh processes with a bare environment:

* ``lendready assess CASE --format json`` and ``--format text --pdf OUT.pdf``,
* ``lendready --self-test`` (offscreen: lint, every sample, a PDF, the main window),
* a GUI session: the main window opens a case, edits it, writes its recovery copy, exports the PDF
  briefing through ``export_briefing`` and saves the case,

each must succeed with an empty network log. Where ``strace`` works, the same runs are traced at the
system-call level (which also sees Qt's C++ code): no ``socket``, ``connect``, ``bind`` or ``send*``
call at all. A static scan of ``src/lendready`` and an import trace complete the picture: lendready's own
code imports no network module, the command line and the desktop app load none at all, and the ones
the standard library pulls in on the PDF path (``urllib.request``/``http.client``/``ssl`` by
``xml.sax.saxutils``, which reportlab uses) are imported by that library, never by lendready, and never used.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import REPO, SAMPLES

SRC = REPO / "src" / "lendready"

GUARD = textwrap.dedent(
    r'''
    """Test harness: record and refuse every network attempt in this process."""
    import json, os, sys

    _LOG = os.environ["LENDREADY_TEST_NET_LOG"]
    _EVENTS = {
        "socket.__new__", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
        "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo",
        "socket.gethostname", "urllib.Request", "http.client.connect", "http.client.send", "ftplib.connect",
        "smtplib.connect", "imaplib.open", "poplib.connect", "nntplib.connect", "telnetlib.Telnet.open",
        "webbrowser.open",
    }

    def _record(event, args):
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps([event, repr(args)[:300]]) + "\n")

    def _hook(event, args):
        if event in _EVENTS:
            _record(event, args)
            raise PermissionError(f"network blocked by the test: {event}")

    sys.addaudithook(_hook)

    import socket as _socket

    class _NoSocket(_socket.socket):
        def __init__(self, *args, **kwargs):
            _record("socket.socket()", args)
            raise PermissionError("network blocked by the test: socket.socket()")

    _socket.socket = _NoSocket
    _socket.SocketType = _NoSocket
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(["guard installed", sys.argv[0]]) + "\n")
    '''
)

GUI_SESSION = textwrap.dedent(
    """
    import faulthandler, sys
    faulthandler.dump_traceback_later(60, exit=True)  # a dialog waiting for a click must not hang the suite
    from pathlib import Path
    from lendready import crash
    from lendready.app import make_application
    from lendready.ui.main_window import MainWindow

    from PySide6.QtWidgets import QMessageBox

    def no_dialog(*args, **kwargs):  # offscreen nobody can click: any dialog is a failure, not a hang
        print("unexpected dialog:", [a for a in args if isinstance(a, str)], flush=True)
        sys.stdout.flush()
        import os
        os._exit(3)

    for name in ("warning", "question", "critical", "information", "exec"):
        setattr(QMessageBox, name, no_dialog)
    case, pdf, saved = sys.argv[1:4]
    crash.install()
    app = make_application()
    window = MainWindow()
    window.show()
    app.processEvents()
    assert window.open_path(case)
    window.session.set_answer("org.years_trading", 7)
    window.refresh()
    window.autosave()
    assert window.recovery.pending_files()
    window.choose_audience = lambda: "lender"
    window.ask_pdf_path = lambda title, suggested: Path(pdf)
    assert window.export_briefing()
    assert window._save_to(Path(saved))
    assert window.close()
    app.processEvents()
    print("GUI session done")
    """
)

NETWORK_MODULES = ("socket", "ssl", "urllib.request", "http.client", "http.server", "requests", "httpx",
                   "urllib3", "aiohttp", "ftplib", "smtplib", "imaplib", "poplib", "xmlrpc.client",
                   "webbrowser", "PySide6.QtNetwork", "PySide6.QtWebEngineCore", "asyncio")


def _strace() -> str | None:
    """The strace binary if it can trace here (a container may forbid ptrace)."""
    tool = shutil.which("strace")
    if tool is None:
        return None
    probe = subprocess.run([tool, "-f", "-qq", "-e", "trace=socket", "-o", os.devnull, "true"],
                           capture_output=True, timeout=30)
    return tool if probe.returncode == 0 else None


def _env(tmp_path: Path, net_log: Path) -> dict[str, str]:
    home = tmp_path / "home"
    guard = tmp_path / "guard"
    for folder in (home, guard, tmp_path / "tmp"):
        folder.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
        "TMPDIR": str(tmp_path / "tmp"), "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(guard),
        "LENDREADY_TEST_NET_LOG": str(net_log), "XDG_RUNTIME_DIR": str(home),
    }
    for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
        env[f"LENDREADY_{kind}_DIR"] = str(tmp_path / "profile" / kind.lower())
    return env


def test_entry_points_run_with_the_network_blocked_and_never_reach_for_it(tmp_path):
    net_log = tmp_path / "network.log"
    env = _env(tmp_path, net_log)
    work = tmp_path / "work"
    work.mkdir()
    case = work / "riverside.lendready"
    shutil.copyfile(SAMPLES / "riverside.lendready", case)
    (work / "gui.py").write_text(GUI_SESSION, encoding="utf-8")
    strace = _strace()

    runs = {
        "assess json": ["-m", "lendready", "assess", str(case), "--format", "json"],
        "assess text + pdf": ["-m", "lendready", "assess", str(case), "--format", "text",
                              "--pdf", str(work / "cli.pdf")],
        "self-test": ["-m", "lendready", "--self-test"],
        "gui session + pdf export": [str(work / "gui.py"), str(case), str(work / "gui.pdf"),
                                     str(work / "saved.lendready")],
    }
    syscalls: dict[str, list[str]] = {}
    for name, args in runs.items():
        trace = tmp_path / f"strace-{len(syscalls)}.txt"
        prefix = [strace, "-f", "-qq", "-e", "trace=%network", "-o", str(trace)] if strace else []
        out = subprocess.run([*prefix, sys.executable, *args], capture_output=True, text=True, timeout=180,
                             env=env, cwd=work)
        assert out.returncode == 0, f"{name}: {out.stdout}\n{out.stderr}"
        if strace:
            # system-call lines only ("pid name(args) = result"), not signal or exit notes
            lines = trace.read_text().splitlines()
            syscalls[name] = [line for line in lines if re.match(r"\d+\s+\w+\(", line)]

    records = [json.loads(line) for line in net_log.read_text(encoding="utf-8").splitlines()]
    installed = [r for r in records if r[0] == "guard installed"]
    attempts = [r for r in records if r[0] != "guard installed"]
    assert len(installed) >= len(runs), "the network guard was not installed in every process"
    assert attempts == [], f"network attempted: {attempts}"
    for pdf in ("cli.pdf", "gui.pdf"):
        assert (work / pdf).read_bytes().startswith(b"%PDF-")
    assert (work / "saved.lendready").is_file()
    if strace:
        assert all(calls == [] for calls in syscalls.values()), {k: v[:5] for k, v in syscalls.items() if v}
        print(f"\n{len(runs)} entry points: 0 network audit events, 0 network system calls (strace)")
    else:
        print(f"\n{len(runs)} entry points: 0 network audit events (no strace here: system calls not traced)")


def test_the_guard_does_catch_a_connection(tmp_path):
    """The harness is not vacuous: a process that does reach for the network is caught and refused."""
    net_log = tmp_path / "network.log"
    env = _env(tmp_path, net_log)
    code = (
        "import urllib.request\n"
        "try:\n    urllib.request.urlopen('http://127.0.0.1:9/telemetry', timeout=1)\n"
        "except Exception as exc:\n    print(type(exc).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    events = [json.loads(line)[0] for line in net_log.read_text(encoding="utf-8").splitlines()]
    assert "urllib.Request" in events, events
    assert out.returncode == 0 and out.stdout.strip()


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def test_no_lendready_module_imports_a_network_library():
    """Static scan: no telemetry, no update check, no web fetch anywhere in lendready's code."""
    forbidden = re.compile(
        r"^(socket|ssl|select|selectors|asyncio|urllib\.request|urllib\.error|http(\.|$)|requests|httpx|urllib3|"
        r"aiohttp|ftplib|smtplib|imaplib|poplib|xmlrpc|webbrowser|PySide6\.QtNetwork|PySide6\.QtWebEngine.*|"
        r"PySide6\.QtGui\.QDesktopServices|sentry_sdk|telemetry)"
    )
    hits = []
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 20
    for path in files:
        where = path.relative_to(REPO)
        hits += [f"{where}:{line}: {name}" for line, name in _imports(path) if forbidden.match(name)]
    # Only text processing of the standard library is fine (urllib.parse quotes a question id in a link).
    assert hits == [], hits
    text = "\n".join(p.read_text(encoding="utf-8") for p in files)
    for call in ("QDesktopServices", "openUrl(", "urlopen(", "QNetworkAccessManager", "QTcpSocket"):
        assert call not in text, call


IMPORT_TRACE = textwrap.dedent(
    """
    import builtins, json, sys
    watched = set(json.loads(sys.argv[1]))
    importers = {}
    real = builtins.__import__

    def traced(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name in watched and name not in sys.modules:
            importers.setdefault(name, (globals or {}).get("__name__", "?"))
        return real(name, globals, locals, fromlist, level)

    builtins.__import__ = traced
    import lendready.cli, lendready.domain.advice, lendready.text_report
    cli_path = sorted(m for m in watched if m in sys.modules)
    import lendready.app, lendready.crash, lendready.ui.main_window
    lendready.crash.setup_logging()
    gui_path = sorted(m for m in watched if m in sys.modules)
    import lendready.self_test, lendready.report.briefing, lendready.report.handout
    print(json.dumps({"cli": cli_path, "gui": gui_path, "importers": importers,
                      "loaded": sorted(m for m in watched if m in sys.modules)}))
    """
)


def test_network_modules_are_never_imported_by_lendready_itself(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_TRACE, json.dumps(NETWORK_MODULES)], capture_output=True, text=True,
        timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    # `lendready assess` (JSON and text) loads no network module at all.
    assert report["cli"] == [], report["cli"]
    # Nor does the desktop app with its log (crash.RotatingLog avoids logging.handlers and its sockets).
    assert report["gui"] == [], report["gui"]
    # On the PDF path the standard library brings some in (xml.sax.saxutils, used by reportlab:
    # urllib.request, http.client, ssl); lendready never does.
    direct = {m: who for m, who in report["importers"].items() if who.split(".")[0] == "lendready"}
    assert direct == {}, direct
    assert "PySide6.QtNetwork" not in report["loaded"] and "requests" not in report["loaded"]
