"""The first window: open a case (or a sample) and read its assessment.

A deliberately small window until the guided questionnaire arrives; it goes
through exactly the same loader and ``assess`` as the command line.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QTextBrowser

from lendready.domain.assessment import assess
from lendready.domain.case_file import CaseFileError, load_case
from lendready.domain.knowledge import load
from lendready.resources import resources_dir
from lendready.text_report import render


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.knowledge = load()
        self.setWindowTitle("lendready")
        self.resize(900, 700)
        self.view = QTextBrowser(self)
        self.view.setAccessibleName("Assessment")
        self.view.setHtml(
            "<h2>lendready</h2><p>Open a case file (Ctrl+O) or a sample case to see how a lender "
            "would read it.</p>"
        )
        self.setCentralWidget(self.view)
        menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open case…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.choose_file)
        menu.addAction(open_action)
        sample_action = QAction("Open &sample case…", self)
        sample_action.triggered.connect(lambda: self.choose_file(str(resources_dir() / "samples")))
        menu.addAction(sample_action)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)

    def choose_file(self, folder: str = "") -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open case", folder, "lendready cases (*.lendready)")
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        try:
            case = load_case(path, self.knowledge.questionnaire)
        except CaseFileError as exc:
            QMessageBox.warning(self, "lendready", f"lendready cannot open this file:\n\n{exc}")
            return False
        result = assess(case, self.knowledge)
        self.setWindowTitle(f"lendready — {Path(path).name}")
        self.view.setHtml(f"<pre>{html.escape(render(result, self.knowledge))}</pre>")
        return True
