"""Before Qt starts on Linux: are the system libraries its xcb plugin needs present?

Without them Qt prints a cryptic "could not load the Qt platform plugin xcb"
and aborts. Checking first lets lendready name the exact Debian/Ubuntu
packages to install and exit cleanly. Qt-free, so it runs before any Qt import.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

# What Qt 6's xcb plugin (libQt6XcbQpa) links against, as ctypes.util.find_library
# names the library -> the Debian/Ubuntu package that provides it.
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


def missing_xcb_packages() -> list[str]:
    return [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


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
