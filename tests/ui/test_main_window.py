"""The first window opens a case through the same loader and engine as the CLI."""

from __future__ import annotations

import pytest

from conftest import SAMPLES

pytest.importorskip("PySide6")


def test_window_opens_a_sample_and_shows_the_band(qtbot):
    from lendready.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert window.windowTitle().startswith("lendready")
    assert window.open_path(str(SAMPLES / "crown_inn.lendready"))
    text = window.view.toPlainText()
    assert "Band: NEARLY READY" in text and "Crown Inn Community Pub Ltd" in text
    assert window.windowTitle() == "lendready — crown_inn.lendready"


def test_window_refuses_a_damaged_file_and_keeps_what_it_showed(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from lendready.ui.main_window import MainWindow

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_path(str(SAMPLES / "vale.lendready"))
    before = window.view.toPlainText()
    bad = tmp_path / "bad.lendready"
    bad.write_bytes(b"\xff\xfe")
    assert not window.open_path(str(bad))
    assert shown and "not UTF-8" in shown[0]
    assert window.view.toPlainText() == before
