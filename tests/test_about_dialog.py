"""Help → About: version, rules version and the licences of everything lendready ships with."""

from __future__ import annotations

from conftest import RESOURCES

from lendready import __version__


def test_about_dialog_shows_versions_and_every_licence(qtbot, knowledge):
    from lendready.ui.about_dialog import AboutDialog, components

    dialog = AboutDialog(knowledge)
    qtbot.addWidget(dialog)
    summary = dialog.summary.text()
    assert f"lendready {__version__}" in summary
    assert f"Rules {knowledge.rules_version}" in summary
    assert "--self-test" in summary

    table = {dialog.table.item(r, 0).text(): dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())}
    assert table["Qt"].startswith("LGPL-3.0") and table["PySide6 (Qt for Python)"].startswith("LGPL-3.0")
    assert table["reportlab"] == "BSD-3-Clause"
    assert table["pydantic"] == table["platformdirs"] == table["python-calamine"] == "MIT"
    assert "DejaVu fonts" in table
    versions = {c.name: c.version for c in components()}
    assert versions["reportlab"] and versions["pydantic"] and versions["Qt"]

    licences = dialog.licences.toPlainText()
    dejavu = (RESOURCES / "fonts" / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")
    assert dejavu.strip().splitlines()[0] in licences
    assert "replace them" in licences


def test_help_about_opens_the_dialog(qtbot, knowledge, monkeypatch):
    from lendready.model.settings import Settings
    from lendready.ui import about_dialog
    from lendready.ui.main_window import MainWindow

    opened = []
    monkeypatch.setattr(about_dialog.AboutDialog, "exec", lambda self: opened.append(self) or 0)
    window = MainWindow(knowledge=knowledge, settings=Settings())
    qtbot.addWidget(window)
    window.about()
    assert len(opened) == 1 and opened[0].windowTitle() == "About lendready"
