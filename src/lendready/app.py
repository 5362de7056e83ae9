"""Starting the desktop app: the platform check, QApplication, the first window.

Kept apart from the command line so ``lendready assess`` never pays for Qt.
The crash handler and the log (:mod:`lendready.crash`) are installed first, so
even a failure while the window is being built is logged and explained.
"""

from __future__ import annotations

import sys
from typing import Any

from lendready.resources import resources_dir

EXIT_NO_DISPLAY = 3
DESKTOP_ID = "org.example.lendready"  # the .desktop file, AppStream id and Wayland app id
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> Any:
    """The window icon from the PNGs shipped in resources/icons (no SVG plugin needed)."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    folder = resources_dir() / "icons"
    for size in ICON_SIZES:
        path = folder / f"lendready-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    return icon


def make_application(argv: list[str] | None = None) -> Any:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("lendready")
    app.setApplicationDisplayName("lendready")
    app.setOrganizationName("lendready")
    from lendready import __version__

    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(app_icon())
    return app


def _file_open_filter(window: Any) -> Any:
    """macOS hands a double-clicked document to the running app as a QFileOpenEvent, not in argv."""
    from PySide6.QtCore import QEvent, QObject

    class FileOpenFilter(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.FileOpen:
                path = event.file()  # type: ignore[attr-defined]
                if path:
                    window.open_path(path)
                    return True
            return False

    return FileOpenFilter(window)  # the window keeps it alive


def run(case_path: str | None = None, argv: list[str] | None = None) -> int:
    from lendready import crash

    crash.install()
    from lendready.platform_check import display_problem

    problem = display_problem()
    if problem:
        sys.stderr.write(problem + "\n")
        return EXIT_NO_DISPLAY
    from PySide6.QtCore import QTimer

    from lendready.ui.main_window import MainWindow

    app = make_application(argv)
    window = MainWindow()
    if sys.platform == "darwin":  # an application-wide filter sees every event: only where it is needed
        app.installEventFilter(_file_open_filter(window))
    window.show()

    def start() -> None:
        # Offer crash recovery before anything else can overwrite it; then open the file asked for.
        restored = window.offer_recovery()
        if case_path and not restored:
            window.open_path(case_path)

    QTimer.singleShot(0, start)
    status = app.exec()
    crash.log.info("lendready closed (status %s)", status)
    return status


def main() -> int:
    """Entry point of the ``lendready-gui`` script (desktop shortcuts, file association)."""
    from lendready import crash

    crash.ensure_streams()  # a windowed program (pythonw, the frozen bundle) may have no stdout
    # macOS adds -psn_... when Finder starts an app; a desktop's "Open with" passes the file.
    args = [a for a in sys.argv[1:] if not a.startswith("-psn_")]
    if args and args[0] == "--self-test":
        from lendready.self_test import main as self_test

        return self_test(args[1:])
    return run(args[0] if args else None)
