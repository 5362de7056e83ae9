"""On Linux, a missing xcb library is named with its package instead of a Qt abort."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lendready import platform_check

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb check is for Linux")


def test_missing_libraries_are_named_with_their_packages(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setattr(platform_check, "library_finder",
                        lambda: lambda name: name not in ("xcb-cursor", "xkbcommon-x11"))
    message = platform_check.display_problem()
    assert message is not None
    assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0" in message


def test_offscreen_needs_no_check(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(platform_check, "library_finder", lambda: lambda name: False)
    assert platform_check.display_problem() is None


def test_app_without_display_exits_cleanly_with_a_message():
    env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "xcb", "HOME": "/tmp"}
    out = subprocess.run([sys.executable, "-m", "lendready"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 3
    assert "cannot open its window" in out.stderr
    assert "Aborted" not in out.stderr and "core dumped" not in out.stderr


def test_the_linker_cache_answers_as_ctypes_does_for_every_library_qt_needs():
    import ctypes.util

    cache = platform_check.linker_cache()
    if cache is None:
        pytest.skip("ldconfig cannot run here")
    present = platform_check.library_finder()
    for name in (*platform_check.XCB_LIBRARIES, "c", "no-such-library-lendready"):
        assert present(name) == (ctypes.util.find_library(name) is not None), name
