"""Starting the desktop app: the platform check, QApplication, the first window.

Kept apart from the command line so ``lendready assess`` never pays for Qt.
"""

from __future__ import annotations

import sys


def run(case_path: str | None = None, argv: list[str] | None = None) -> int:
    from lendready.platform_check import display_problem

    problem = display_problem()
    if problem:
        sys.stderr.write(problem + "\n")
        return 3
    from PySide6.QtWidgets import QApplication

    from lendready.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("lendready")
    app.setOrganizationName("lendready")
    window = MainWindow()
    if case_path:
        window.open_path(case_path)
    window.show()
    return app.exec()


def main() -> int:
    """Entry point of the ``lendready-gui`` script (desktop shortcuts, file association)."""
    args = sys.argv[1:]
    return run(args[0] if args else None)
