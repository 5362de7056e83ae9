"""Message boxes that show outside text as text, never as HTML.

QMessageBox guesses whether its text is rich text, so a refused file's key, an
organisation name or a sheet name that looks like HTML would be drawn as HTML:
a green "File checked: SAFE", a local image, a ``file:`` link. Every message box
in the app is made here, with plain text set before any text is, and outside
text passed through :func:`~lendready.domain.files.outside_text.for_display`
by the caller's message or here (both are harmless twice: a token has no
acting character left in it).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from lendready.domain.files.outside_text import for_display

Icon = QMessageBox.Icon
Role = QMessageBox.ButtonRole


def message_box(
    parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, informative: str = ""
) -> QMessageBox:
    """A QMessageBox whose text and informative text are plain text, with acting characters shown."""
    box = QMessageBox(parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setIcon(icon)
    box.setWindowTitle(for_display(title))
    box.setText(for_display(text, multiline=True))
    if informative:
        box.setInformativeText(for_display(informative, multiline=True))
    # The informative and detailed texts are QLabels too: keep every label in the box plain.
    from PySide6.QtWidgets import QLabel

    for label in box.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)
    return box


def warn(parent: QWidget | None, title: str, text: str, informative: str = "") -> None:
    """A warning with one OK button."""
    box = message_box(parent, Icon.Warning, title, text, informative)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def inform(parent: QWidget | None, title: str, text: str, informative: str = "") -> None:
    """Something the user should know before going on, with one OK button."""
    box = message_box(parent, Icon.Information, title, text, informative)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def choose(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: Sequence[tuple[str, str, QMessageBox.ButtonRole]],
    informative: str = "",
    default: str | None = None,
) -> str | None:
    """Ask with named buttons ``(key, label, role)``; the key of the one clicked, None if closed."""
    box = message_box(parent, icon, title, text, informative)
    made = {}
    for key, label, role in buttons:
        made[key] = box.addButton(label, role)
    if default is not None and default in made:
        box.setDefaultButton(made[default])
    box.exec()
    clicked = box.clickedButton()
    return next((key for key, button in made.items() if button is clicked), None)
