"""Size of the installed app against a bare PySide6-Essentials app (goal: <= 1.2x), and its self-test time.

Builds, with the same PyInstaller and Python, in build/bench-bundle/:
  * the baseline: a one-window "hello" QtWidgets script, onedir, windowed, PyInstaller's defaults;
  * lendready from packaging/pyinstaller/lendready.spec.
Reports both folder sizes (bytes of every file, as `du -sb`), the ratio, and how long the frozen
`lendready --self-test` takes offscreen and, when xvfb-run is installed, on an X display.
Skips with a clear row if PyInstaller is not installed (`make bundle` installs it).

Run: .venv/bin/python bench/bundle.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "build" / "bench-bundle"
GOAL = 1.2
HELLO = """\
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
label = QLabel("hello")
label.show()
sys.exit(0 if "--quit" in sys.argv else app.exec())
"""


def folder_bytes(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def pyinstaller() -> list[str] | None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR"]


def build(cmd: list[str], what: str) -> None:
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=1800)
    if out.returncode != 0:
        sys.exit(f"building {what} failed:\n{out.stderr[-4000:]}")


def self_test_seconds(exe: Path, display: bool) -> tuple[float, str]:
    home = Path(tempfile.mkdtemp(prefix="lendready-bench-home-"))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    cmd = [str(exe), "--self-test"]
    if display:
        cmd = ["xvfb-run", "-a", *cmd]
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    seconds = time.perf_counter() - start
    shutil.rmtree(home, ignore_errors=True)
    return seconds, (out.stdout.strip().splitlines() or [out.stderr.strip()])[-1] if out.returncode else "passed"


def rows() -> list[tuple[str, str, str, str]]:
    base_cmd = pyinstaller()
    if base_cmd is None:
        return [("bundle size vs bare PySide6 app", "skipped: PyInstaller not installed (make bundle)", "", "")]
    import PyInstaller

    WORK.mkdir(parents=True, exist_ok=True)
    hello = WORK / "hello.py"
    hello.write_text(HELLO, encoding="utf-8")
    build(base_cmd + ["--onedir", "--windowed", "--distpath", str(WORK / "dist"), "--workpath",
                      str(WORK / "build-hello"), "--specpath", str(WORK), str(hello)], "the bare app")
    build(base_cmd + ["--distpath", str(WORK / "dist"), "--workpath", str(WORK / "build-lendready"),
                      str(REPO / "packaging" / "pyinstaller" / "lendready.spec")], "lendready")
    bare = folder_bytes(WORK / "dist" / "hello")
    ours = folder_bytes(WORK / "dist" / "lendready")
    table = [
        (f"lendready onedir bundle (PyInstaller {PyInstaller.__version__})", f"{ours / 1e6:.1f} MB",
         f"<= {GOAL:g}x baseline", f"{ours / bare:.2f}x"),
        ("baseline: bare PySide6-Essentials onedir window", f"{bare / 1e6:.1f} MB", "", "1.00x"),
    ]
    exe = WORK / "dist" / "lendready" / "lendready"
    if exe.is_file():
        seconds, result = self_test_seconds(exe, display=False)
        table.append(("frozen --self-test, offscreen", f"{seconds:.2f} s", "exits 0", result))
        if shutil.which("xvfb-run"):
            seconds, result = self_test_seconds(exe, display=True)
            table.append(("frozen --self-test, xcb on Xvfb", f"{seconds:.2f} s", "exits 0", result))
    return table


def main() -> None:
    for row in rows():
        print(" | ".join(row))


if __name__ == "__main__":
    main()
