"""`lendready --self-test`: what IT staff run to check an installation, offscreen and on a real X display."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RESOURCES, SAMPLES, edit

from lendready import __version__

PASSED = f"lendready {__version__} self-test passed in "


def bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Like `env -i`: nothing from the developer's environment but PATH, and a throwaway HOME."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def self_test(env: dict[str, str], *args: str, python: str = sys.executable,
              wrapper: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(wrapper or []), python, "-m", "lendready", "--self-test", *args],
        capture_output=True, text=True, timeout=240, env=env, cwd=env["HOME"],
    )


def test_offscreen_passes_in_one_line_and_leaves_the_user_profile_alone(tmp_path):
    config = tmp_path / "config"
    env = bare_env(
        tmp_path, QT_QPA_PLATFORM="offscreen", LENDREADY_CONFIG_DIR=str(config),
        LENDREADY_DATA_DIR=str(tmp_path / "data"), LENDREADY_LOG_DIR=str(tmp_path / "log"),
    )
    out = self_test(env)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(PASSED), out.stdout
    samples = len(list(SAMPLES.glob("*.lendready")))
    assert f"samples {samples} assessed" in lines[0]
    assert "briefing " in lines[0] and "window opened with a sample and closed (offscreen)" in lines[0]
    assert "register SQLite register and portfolio workbook written; libpq " in lines[0]
    assert out.stderr == ""
    assert not config.exists() and not (tmp_path / "data").exists()  # no settings, recents or recovery files
    assert lines[0] in (tmp_path / "log" / "lendready.log").read_text(encoding="utf-8")


def test_without_any_display_it_draws_offscreen_by_itself(tmp_path):
    env = bare_env(tmp_path, LENDREADY_LOG_DIR=str(tmp_path / "log"))  # no DISPLAY, no QT_QPA_PLATFORM
    out = self_test(env, "--verbose")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no display: drawing the window offscreen" in out.stdout
    assert out.stdout.splitlines()[-1].startswith(PASSED)


def _xcb_ready() -> str | None:
    if not shutil.which("xvfb-run"):
        return "xvfb-run is not installed (.ci/run installs xvfb)"
    from lendready.platform_check import missing_xcb_packages

    missing = missing_xcb_packages()
    return f"Qt's xcb libraries are missing: {' '.join(missing)}" if missing else None


@pytest.mark.skipif(_xcb_ready() is not None, reason=str(_xcb_ready()))
def test_on_a_real_x_display_it_uses_xcb(tmp_path):
    env = bare_env(tmp_path, LENDREADY_LOG_DIR=str(tmp_path / "log"))
    out = self_test(env, wrapper=["xvfb-run", "-a"])
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip().startswith(PASSED)
    assert "closed (xcb)" in out.stdout


def test_broken_resources_fail_with_a_clear_line(tmp_path):
    broken = tmp_path / "resources"
    shutil.copytree(RESOURCES, broken)
    edit(broken / "rules" / "rulebook.toml", "[[areas]]", "[[oops")
    env = bare_env(tmp_path, QT_QPA_PLATFORM="offscreen", LENDREADY_RESOURCES=str(broken),
                   LENDREADY_LOG_DIR=str(tmp_path / "log"))
    out = self_test(env)
    assert out.returncode == 5
    line = out.stdout.strip()
    assert line.startswith(f"lendready {__version__} self-test FAILED at resources: lint found ")
    assert str(broken) in line
    assert "FAILED at resources" in (tmp_path / "log" / "lendready.log").read_text(encoding="utf-8")


def test_missing_fonts_fail(tmp_path):
    copy = tmp_path / "resources"
    shutil.copytree(RESOURCES, copy)
    (copy / "fonts" / "DejaVuSans.ttf").unlink()
    out = self_test(bare_env(tmp_path, QT_QPA_PLATFORM="offscreen", LENDREADY_RESOURCES=str(copy)))
    assert out.returncode == 5
    assert "FAILED at resources: fonts missing" in out.stdout and "DejaVuSans.ttf" in out.stdout


@pytest.mark.parametrize("step", ["samples", "briefing", "window"])
def test_a_failing_step_is_named(tmp_path, step):
    out = self_test(bare_env(tmp_path, QT_QPA_PLATFORM="offscreen", LENDREADY_SELF_TEST_FAIL=step))
    assert out.returncode == 5
    assert out.stdout.strip() == f"lendready {__version__} self-test FAILED at {step}: forced failure " \
        f"(LENDREADY_SELF_TEST_FAIL={step})"


def test_runs_from_the_installed_wheel_under_a_bare_environment(tmp_path, wheel):
    """The wheel carries everything the self-test needs: resources, fonts and icons, found inside it."""
    names, site = wheel
    assert "lendready/resources/icons/lendready.svg" in names
    assert "lendready/resources/icons/lendready-48.png" in names
    env = bare_env(tmp_path, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(site))
    out = self_test(env, "--verbose")
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"resources folder: {site / 'lendready' / 'resources'}" in out.stdout
    assert out.stdout.splitlines()[-1].startswith(PASSED)


def test_gui_entry_point_opens_the_case_it_is_given(qtbot, monkeypatch, tmp_path):
    """`lendready-gui path/to/case.lendready` (a file manager's "Open with") opens that case."""
    import threading

    from PySide6.QtWidgets import QApplication

    from lendready import app as app_module
    from lendready.ui.main_window import MainWindow

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setenv("LENDREADY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LENDREADY_CONFIG_DIR", str(tmp_path / "config"))
    case = tmp_path / "mine.lendready"
    shutil.copy(SAMPLES / "crown_inn.lendready", case)
    opened: list[Path | None] = []

    def fake_exec() -> int:
        QApplication.processEvents()
        qtbot.wait(50)
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        for w in windows:
            opened.append(w.session.path if w.session is not None else None)
            monkeypatch.setattr(w, "confirm_discard", lambda: True)
            w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    monkeypatch.setattr(sys, "argv", ["lendready-gui", str(case)])
    assert app_module.main() == 0
    assert opened == [case]
