"""Help → About: lendready's version, the rules in use, and the licences of what it ships with.

The bundle and installers redistribute Qt, PySide6 and the Python libraries, so
their licences must be shown to the user; the DejaVu font licence is read from
the file shipped beside the fonts. Qt and PySide6 are LGPLv3: they are linked
dynamically (separate files in the installed folder) and may be replaced.
"""

from __future__ import annotations

import html
import platform
import sys
from typing import Any, NamedTuple

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lendready import __version__
from lendready.resources import resources_dir
from lendready.ui.widgets.style import html_text

ABOUT_PADDING = 12  # around the About text, inside its tab


class Component(NamedTuple):
    name: str
    version: str
    licence: str
    note: str


# (name shown, distribution name for the version, licence, note)
_COMPONENTS = (
    ("Python", None, "PSF-2.0", "Python Software Foundation licence"),
    ("Qt", None, "LGPL-3.0-only", "The Qt Company; dynamically linked, replaceable; source: https://code.qt.io"),
    ("PySide6 (Qt for Python)", "PySide6_Essentials", "LGPL-3.0-only", "source: https://code.qt.io/pyside/pyside-setup"),
    ("Shiboken6", "shiboken6", "LGPL-3.0-only", "part of Qt for Python"),
    ("reportlab", "reportlab", "BSD-3-Clause", "PDF briefing"),
    ("Pillow", "pillow", "MIT-CMU", "images for reportlab"),
    ("charset-normalizer", "charset-normalizer", "MIT", "used by reportlab"),
    ("pydantic", "pydantic", "MIT", "resource and case validation"),
    ("pydantic-core", "pydantic_core", "MIT", "used by pydantic"),
    ("annotated-types", "annotated-types", "MIT", "used by pydantic"),
    ("typing-extensions", "typing_extensions", "PSF-2.0", "used by pydantic"),
    ("typing-inspection", "typing-inspection", "MIT", "used by pydantic"),
    ("platformdirs", "platformdirs", "MIT", "per-user folders"),
    ("python-calamine", "python-calamine", "MIT", "reading spreadsheet forecasts (calamine, MIT)"),
    ("DejaVu fonts", None, "Bitstream Vera / DejaVu (free)", "resources/fonts/LICENSE-DejaVu.txt"),
)
PYINSTALLER = Component(
    "PyInstaller bootloader", "", "GPL-2.0-or-later with the bootloader exception", "starts the installed app"
)


def _version(dist: str | None, name: str) -> str:
    if name == "Python":
        return platform.python_version()
    if name == "Qt":
        return qVersion()
    if dist is None:
        return ""
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version(dist)
    except PackageNotFoundError:
        return ""


def components() -> list[Component]:
    out = [Component(name, _version(dist, name), lic, note) for name, dist, lic, note in _COMPONENTS]
    if getattr(sys, "frozen", False):
        out.append(PYINSTALLER)
    return out


def dejavu_licence() -> str:
    path = resources_dir() / "fonts" / "LICENSE-DejaVu.txt"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"(The DejaVu licence should be at {path} but cannot be read.)"


def about_html(knowledge: Any) -> str:
    from lendready.crash import log_path

    return (
        f"<h2>lendready {html.escape(__version__)}</h2>"
        f"<p>Rules {html.escape(knowledge.rules_version)}, questionnaire "
        f"{html.escape(str(knowledge.questionnaire.version))}.</p>"
        "<p>A lending-readiness advisor for mutuals, co-operatives, community benefit societies and community "
        "interest companies. Case data stays on this computer: lendready makes no network connections.</p>"
        f"<p>Log file: <code>{html_text(log_path())}</code><br>"
        f"Resources: <code>{html_text(resources_dir())}</code><br>"
        f"Python {html.escape(platform.python_version())}, Qt {html.escape(qVersion())}, "
        f"{html.escape(platform.system())} {html.escape(platform.machine())}</p>"
        "<p>To check this installation, run <code>lendready --self-test</code>.</p>"
    )


def licences_text() -> str:
    lines = ["lendready is built with these components, each under its own licence:", ""]
    for c in components():
        version = f" {c.version}" if c.version else ""
        lines.append(f"- {c.name}{version}: {c.licence} ({c.note})")
    lines += [
        "",
        (
            "Qt and PySide6 are used under the GNU Lesser General Public License v3. They are separate shared "
            "libraries in the installed folder; you may replace them with your own build of the same version. "
            "The licence texts of the Python libraries are installed with them (their *.dist-info folders)."
        ),
        "",
        "DejaVu fonts licence (resources/fonts/LICENSE-DejaVu.txt):",
        "",
        dejavu_licence(),
    ]
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, knowledge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About lendready")
        # Wide enough for the components table's short columns and a readable note, from the font.
        self.resize(max(720, self.fontMetrics().horizontalAdvance("x") * 120), 560)
        tabs = QTabWidget()

        self.summary = QLabel()
        # Deliberately rich text (headings, code): the two paths in it, which a user or IT can set to
        # anything (LENDREADY_LOG_DIR), are escaped by about_html, so the format is fixed, not guessed.
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setText(about_html(knowledge))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary.setContentsMargins(ABOUT_PADDING, ABOUT_PADDING, ABOUT_PADDING, ABOUT_PADDING)  # not flush
        tabs.addTab(self.summary, "lendready")

        rows = components()
        self.table = QTableWidget(len(rows), 4)
        self.table.setHorizontalHeaderLabels(["Component", "Version", "Licence", "Note"])
        for r, component in enumerate(rows):
            for col, value in enumerate(component):
                item = QTableWidgetItem(value)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, col, item)
        # Every cell whole: the short columns fit their contents, the notes take the rest and wrap
        # (never a sideways scroll bar hiding the end of a note or a licence).
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        tabs.addTab(self.table, "Components")

        self.licences = QTextBrowser()
        self.licences.setPlainText(licences_text())
        self.licences.document().setDocumentMargin(ABOUT_PADDING)
        tabs.addTab(self.licences, "Licences")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
