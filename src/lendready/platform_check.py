"""Before Qt starts on Linux: are the system libraries its xcb plugin needs present?

Without them Qt prints a cryptic "could not load the Qt platform plugin xcb"
and aborts. Checking first lets lendready name the exact Debian/Ubuntu
packages to install and exit cleanly. Qt-free, so it runs before any Qt import.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# What Qt 6's xcb plugin (libQt6XcbQpa) links against, named as ctypes.util.find_library
# names a library (lib<name>.so) -> the Debian/Ubuntu package that provides it.
XCB_LIBRARIES = {
    "xcb": "libxcb1",
    "X11-xcb": "libx11-xcb1",
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-randr": "libxcb-randr0",
    "xcb-render": "libxcb-render0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-shm": "libxcb-shm0",
    "xcb-sync": "libxcb-sync1",
    "xcb-util": "libxcb-util1",
    "xcb-xfixes": "libxcb-xfixes0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon": "libxkbcommon0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
    "dbus-1": "libdbus-1-3",
}


def uses_xcb() -> bool:
    """True when Qt would pick its X11 (xcb) plugin on this Linux machine."""
    if not sys.platform.startswith("linux"):
        return False
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    return not os.environ.get("WAYLAND_DISPLAY")


def linker_cache() -> set[str] | None:
    """Every library name in the dynamic linker's cache, from one ``ldconfig -p`` (None if it cannot run).

    ``ctypes.util.find_library`` runs ``ldconfig -p`` again for each of the twenty
    libraries, and importing ctypes costs 3 MB; one run answers for all of them.
    """
    import subprocess

    for exe in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            out = subprocess.run([exe, "-p"], capture_output=True, text=True, timeout=10,
                                 env={"LC_ALL": "C", "LANG": "C"}, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0:
            return {line.split()[0] for line in out.stdout.splitlines()[1:] if line.strip()}
    return None


def library_finder() -> Callable[[str], bool]:
    """A test for "is lib<name> installed?": the linker cache first, ctypes for anything it lacks."""
    cache = linker_cache() or set()

    def present(name: str) -> bool:
        stem = f"lib{name}.so"
        if any(entry == stem or entry.startswith(stem + ".") for entry in cache):
            return True
        import ctypes.util  # LD_LIBRARY_PATH and other places the cache does not list

        return ctypes.util.find_library(name) is not None

    return present


def missing_xcb_packages(present: Callable[[str], bool] | None = None) -> list[str]:
    present = present or library_finder()
    return [pkg for lib, pkg in XCB_LIBRARIES.items() if not present(lib)]


def display_problem() -> str | None:
    """A message for the user when the window cannot open here, else None."""
    if not uses_xcb():
        return None
    missing = missing_xcb_packages()
    if missing:
        return (
            "lendready cannot open its window: Qt's X11 (xcb) platform needs system libraries "
            "that are not installed.\nInstall them with:\n\n"
            f"    sudo apt-get install {' '.join(missing)}\n\n"
            "(or run without a window, e.g. 'lendready assess CASE', or set QT_QPA_PLATFORM=offscreen)."
        )
    if not os.environ.get("DISPLAY"):
        return (
            "lendready cannot open its window: there is no display (DISPLAY is not set).\n"
            "Run it from a desktop session, or use 'lendready assess CASE' in a terminal."
        )
    return None
