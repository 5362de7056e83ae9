"""Starting the desktop app: the platform check, QApplication, the first window.

Kept apart from the command line so ``lendready assess`` never pays for Qt.
"""

from __future__ import annotations

import sys

EXIT_NO_DISPLAY = 3


def run(case_path: str | None = None, argv: list[str] | None = None) -> int:
    from lendready.platform_check import display_problem

    problem = display_problem()
    if problem:
        sys.stderr.write(problem + "\n")
        return EXIT_NO_DISPLAY
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from lendready.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("lendready")
    app.setApplicationDisplayName("lendready")
    app.setOrganizationName("lendready")
    window = MainWindow()
    window.show()

    def start() -> None:
        # Offer crash recovery before anything else can overwrite it; then open the file asked for.
        restored = window.offer_recovery()
        if case_path and not restored:
            window.open_path(case_path)

    QTimer.singleShot(0, start)
    return app.exec()


def main() -> int:
    """Entry point of the ``lendready-gui`` script (desktop shortcuts, file association)."""
    args = sys.argv[1:]
    return run(args[0] if args else None)
