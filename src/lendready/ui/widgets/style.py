"""Small visual pieces shared by the answer widgets, derived from the palette.

Everything here reads the current palette rather than naming black or white,
so the form looks right in a light or a dark theme and follows a theme change
while the app is open.

It also holds the three ways outside text (a case's answers and notes, a file's
name or path, a sheet's name) reaches the screen, so no view has to remember
the rules itself. QLabel and tooltips guess whether text is HTML, so a name
such as ``<b style="color:green">APPROVED</b>`` would be drawn as a green word,
and an ``<img src="file:///...">`` would load a local image. So outside text is
shown by :func:`plain_label` (a label that never reads markup), by
:func:`lendready.ui.tips.plain_tip` (a tooltip that cannot be taken for HTML) or, inside a view
that is deliberately HTML, through :func:`html_text`. All three pass it through
:func:`~lendready.domain.files.outside_text.for_display` first, so bidi
overrides, zero-width characters and terminal escapes show as ``[U+202E]``
tokens instead of reordering or hiding what is read.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QStyle, QToolButton, QWidget

from lendready.domain.files.outside_text import for_display

# A red that stays readable on either kind of background (contrast ≥ 4.5:1
# against typical light and dark window colours).
_PROBLEM_ON_LIGHT = QColor("#b3261e")
_PROBLEM_ON_DARK = QColor("#ff9e96")


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def problem_colour(palette: QPalette) -> QColor:
    return _PROBLEM_ON_DARK if is_dark(palette) else _PROBLEM_ON_LIGHT


def html_text(text: object, *, multiline: bool = False) -> str:
    """Outside text for an HTML view: acting characters as tokens, then every ``<``, ``&`` and quote escaped.

    The order matters: ``for_display`` first, so a token's brackets are plain
    text, then the escape, so nothing the file wrote can open a tag or an attribute.
    """
    return html.escape(for_display(str(text), multiline=multiline), quote=True)


def plain_label(text: str = "", parent: QWidget | None = None, *, multiline: bool = True,
                wrap: bool = False) -> QLabel:
    """A QLabel for outside text: plain text whatever it looks like, acting characters shown as tokens."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # before any text: the guess is never made
    label.setWordWrap(wrap)
    label.setText(for_display(text, multiline=multiline))
    return label


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:  # pragma: no cover - pixel-sized fonts only on unusual platforms
        font.setPixelSize(round(font.pixelSize() * factor))
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


# Underlined like a link so it reads as clickable in any theme; a highlight-coloured
# border shows keyboard focus, because a borderless button otherwise hides it.
_LINK_STYLE = (
    "QToolButton { border: 1px solid transparent; border-radius: 3px; padding: 1px 2px;"
    " text-decoration: underline; background: transparent; }"
    " QToolButton:focus { border-color: palette(highlight); }"
    " QToolButton:hover { border-color: palette(mid); }"
)


class _LinkButton(QToolButton):
    """Sized to its text, so its words line up with the input above instead of sitting indented."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self.fontMetrics().horizontalAdvance(self.text()) + 8, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()


def link_button(text: str, parent: QWidget | None = None) -> QToolButton:
    """A quiet text button ("Add a note", "Clear answer") that still takes keyboard focus."""
    button = _LinkButton(parent)
    button.setText(text)
    button.setAutoRaise(True)
    button.setStyleSheet(_LINK_STYLE)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


# A round "?" whose focus and "help is open" states are visible in every style; some
# styles draw no focus frame on a tool button at all.
_HELP_STYLE = (
    "QToolButton { border: 1px solid palette(mid); border-radius: %(r)dpx; min-width: %(d)dpx;"
    " max-width: %(d)dpx; min-height: %(d)dpx; max-height: %(d)dpx; padding: 0; font-weight: bold;"
    " background: palette(button); color: palette(button-text); }"
    " QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);"
    " border-color: palette(highlight); }"
    " QToolButton:focus { border: 2px solid palette(highlight); }"
)


def help_panel(text: str, parent: QWidget | None = None) -> QLabel:
    """The on-demand help text under a question: a quiet panel in the palette's alternate base."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAutoFillBackground(True)
    label.setBackgroundRole(QPalette.ColorRole.AlternateBase)
    label.setForegroundRole(QPalette.ColorRole.Text)
    label.setContentsMargins(10, 8, 10, 8)
    label.hide()
    return label


def help_button(parent: QWidget | None = None) -> QToolButton:
    """The "?" that shows and hides a question's help; checkable, so its state is announced."""
    button = QToolButton(parent)
    button.setText("?")
    button.setCheckable(True)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    side = button.fontMetrics().height() + 6
    button.setStyleSheet(_HELP_STYLE % {"r": side // 2, "d": side})
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


class ProblemLine(QWidget):
    """A warning icon and a message in the palette's problem colour; hidden when there is none.

    The icon means the message does not rely on colour alone.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.icon = QLabel(self)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        font = QFont(self.text.font())
        font.setWeight(QFont.Weight.DemiBold)
        self.text.setFont(font)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        self._restyle()
        self.hide()

    def set_message(self, message: str | None) -> None:
        # A questionnaire message can quote the answer it refuses: its acting characters are shown.
        self.text.setText(for_display(message or "", multiline=True))
        self.setVisible(bool(message))

    def message(self) -> str | None:
        return self.text.text() or None

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._restyle()
        super().changeEvent(event)

    def _restyle(self) -> None:
        palette = QPalette(self.text.palette())
        palette.setColor(QPalette.ColorRole.WindowText, problem_colour(self.palette()))
        self.text.setPalette(palette)
        size = self.text.fontMetrics().height()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning, None, self)
        self.icon.setPixmap(icon.pixmap(size, size))
        self.icon.setFixedSize(size, size)
