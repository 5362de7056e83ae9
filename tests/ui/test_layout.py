"""Layout at the sizes people use: a 1366×768 bank laptop, 1920×1080 at 150 % (1280×720 logical), a dark theme.

Nothing is cut or elided: the stress table's headings and scenario names, the section titles, the About
table. Each test measures text with the font it is drawn in, so a larger font or scale is covered too.
"""

from __future__ import annotations

import pytest
from conftest import SAMPLES

pytest.importorskip("PySide6")

from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from lendready.model.session import CaseSession  # noqa: E402
from lendready.ui.section_list import WRAP, SectionList  # noqa: E402
from lendready.ui.stress_panel import WhatIfPanel  # noqa: E402

# 1366×768, and 1920×1080 at 150 % scaling: the same logical size Qt lays out at QT_SCALE_FACTOR=1.5.
SCREENS = {"1366x768": (1366, 768), "1920x1080 at 150%": (1280, 720)}


def _contrast(a: QColor, b: QColor) -> float:
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def dark_palette() -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, colour in ((role.Window, "#2b2b2b"), (role.WindowText, "#e6e6e6"), (role.Base, "#1e1e1e"),
                      (role.AlternateBase, "#2f2f2f"), (role.Text, "#e6e6e6"), (role.Button, "#3a3a3a"),
                      (role.ButtonText, "#e6e6e6"), (role.Highlight, "#2f65ca"), (role.HighlightedText, "#ffffff"),
                      (role.PlaceholderText, "#9a9a9a"), (role.Link, "#8ab4f8"), (role.Mid, "#555555")):
        p.setColor(r, QColor(colour))
    return p


def assert_stress_table_whole(panel: WhatIfPanel) -> None:
    """Every heading fits its column, and no scenario word is wider than the scenario column."""
    t = panel.table
    header = t.horizontalHeader()
    hfm = header.fontMetrics()
    for col in range(t.columnCount()):
        heading = t.horizontalHeaderItem(col).text()
        for line in heading.split("\n"):
            assert hfm.horizontalAdvance(line) <= header.sectionSize(col), (heading, header.sectionSize(col))
        assert header.sectionSizeFromContents(col).width() <= header.sectionSize(col), heading
    for row in range(t.rowCount()):
        item = t.item(row, WhatIfPanel.SCENARIO)
        fm = QFontMetrics(item.font())
        for word in item.text().split():
            assert fm.horizontalAdvance(word) + 8 <= t.columnWidth(WhatIfPanel.SCENARIO), word


# -- the stress table on its own ------------------------------------------------------------------


@pytest.mark.parametrize("point_size", [None, 12.0])  # the platform's font, and a larger one (Windows at 125 %)
@pytest.mark.parametrize("width", [300, 420, 460, 690, 1000])
def test_stress_headings_and_scenario_words_are_never_cut(qtbot, knowledge, width, point_size):
    panel = WhatIfPanel(knowledge)
    qtbot.addWidget(panel)
    if point_size:
        font = QFont(panel.font())
        font.setPointSizeF(point_size)
        panel.setFont(font)
    panel.resize(width, 900)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_case(CaseSession.open(knowledge, SAMPLES / "vale.lendready"))
    qtbot.wait(20)
    assert_stress_table_whole(panel)
    # Resized afterwards (the splitter dragged), still whole: "Scenaric" once appeared after a resize.
    for again in (width + 150, max(width - 120, 200)):
        panel.resize(again, 900)
        qtbot.wait(20)
        assert_stress_table_whole(panel)


def test_a_new_font_refits_the_stress_table(qtbot, knowledge):
    panel = WhatIfPanel(knowledge)
    qtbot.addWidget(panel)
    panel.resize(460, 900)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_case(CaseSession.open(knowledge, SAMPLES / "vale.lendready"))
    qtbot.wait(20)
    font = QFont(panel.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    panel.setFont(font)
    qtbot.wait(20)
    assert_stress_table_whole(panel)


def test_negative_cash_reads_on_a_dark_theme(qtbot, knowledge):
    panel = WhatIfPanel(knowledge)
    qtbot.addWidget(panel)
    panel.setPalette(dark_palette())
    panel.resize(460, 900)
    panel.show()
    panel.show_case(CaseSession.open(knowledge, SAMPLES / "vale.lendready"))
    t = panel.table
    negative = [t.item(r, WhatIfPanel.CASH) for r in range(t.rowCount())
                if t.item(r, WhatIfPanel.CASH) is not None and t.item(r, WhatIfPanel.CASH).text().startswith("−")]
    assert negative  # vale's 20 % fall in receipts runs out of cash
    base = t.palette().color(QPalette.ColorRole.Base)
    for item in negative:
        assert _contrast(item.foreground().color(), base) >= 4.5, item.foreground().color().name()


# -- the section list ----------------------------------------------------------------------------


def test_a_narrow_section_list_wraps_titles_instead_of_eliding_them(qtbot, knowledge):
    sections = SectionList()
    qtbot.addWidget(sections)
    for section in knowledge.questionnaire.sections:
        sections.add_section(section.id, section.title)
    sections.resize(150, 900)
    sections.show()
    qtbot.waitExposed(sections)
    bold = QFont(sections.font())
    bold.setBold(True)
    fm = QFontMetrics(bold)
    wrapped = 0
    for row in range(sections.count()):
        item = sections.item(row)
        rect = sections.visualItemRect(item)
        title = fm.boundingRect(QRect(0, 0, rect.width() - 14, 10_000), WRAP, item.text())
        assert title.width() <= rect.width() - 14, item.text()
        assert rect.height() >= title.height() + fm.height(), item.text()  # the whole title and the progress line
        wrapped += title.height() > fm.lineSpacing()
    assert wrapped  # "Governance and financial control" takes two lines at this width


def test_progress_and_status_break_between_phrases_not_mid_phrase():
    from lendready.ui.section_list import progress_lines

    fm = QFontMetrics(QApplication.font())
    text = "6 of 6 answered   ✓ complete"
    assert progress_lines(text, fm, 1000) == [text]
    assert progress_lines(text, fm, fm.horizontalAdvance("6 of 6 answered") + 4) == ["6 of 6 answered", "✓ complete"]
    assert progress_lines("", fm, 10) == []


# -- the main window at the sizes people use -------------------------------------------------------


@pytest.fixture
def open_window(qtbot, knowledge):
    from lendready.model.settings import Settings
    from lendready.ui.main_window import MainWindow

    def make(size: tuple[int, int], palette: QPalette | None = None):
        window = MainWindow(knowledge=knowledge, settings=Settings())
        qtbot.addWidget(window)
        if palette is not None:
            window.setPalette(palette)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        assert window.open_path(str(SAMPLES / "vale.lendready"))
        window.workspace.right_tabs.setCurrentIndex(1)
        qtbot.wait(50)
        return window

    return make


@pytest.mark.parametrize("screen", SCREENS)
def test_section_names_are_whole_on_one_line(open_window, screen):
    ws = open_window(SCREENS[screen]).workspace
    sections = ws.sections
    bold = QFont(sections.font())
    bold.setBold(True)
    fm = QFontMetrics(bold)
    for row in range(sections.count()):
        item = sections.item(row)
        width = sections.visualItemRect(item).width() - 14  # the delegate's padding
        assert fm.horizontalAdvance(item.text()) <= width, (item.text(), width)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_stress_table_is_whole_without_sideways_scrolling(open_window, screen):
    ws = open_window(SCREENS[screen]).workspace
    panel = ws.what_if
    assert_stress_table_whole(panel)
    from PySide6.QtWidgets import QScrollArea

    scroll = panel.findChild(QScrollArea)
    assert not scroll.horizontalScrollBar().isVisible()
    assert panel.table.width() <= scroll.viewport().width()


def test_a_restored_layout_is_kept(qtbot, knowledge):
    """The pane widths are only fitted when the user has no layout of their own."""
    from lendready.ui.workspace import Workspace

    session = CaseSession.open(knowledge, SAMPLES / "vale.lendready")
    fitted = Workspace(session, "lender")
    qtbot.addWidget(fitted)
    fitted.resize(1300, 700)
    fitted.show()
    qtbot.waitExposed(fitted)
    assert fitted.splitter.sizes()[2] >= fitted.what_if.readable_width()

    own = Workspace(session, "lender")
    qtbot.addWidget(own)
    own.splitter.restoreState(fitted.splitter.saveState())
    own.splitter.setSizes([400, 600, 300])  # as a user left it
    own.resize(1300, 700)
    own.show()
    qtbot.waitExposed(own)
    assert own.splitter.sizes()[0] >= 390 and own.splitter.sizes()[2] <= 310


# -- About ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("screen", SCREENS)
def test_about_text_has_padding_and_its_table_is_whole(qtbot, knowledge, screen):
    from lendready.ui.about_dialog import AboutDialog

    dialog = AboutDialog(knowledge)
    qtbot.addWidget(dialog)
    assert dialog.width() <= SCREENS[screen][0] and dialog.height() <= SCREENS[screen][1]
    dialog.show()
    qtbot.waitExposed(dialog)
    margins = dialog.summary.contentsMargins()
    assert min(margins.left(), margins.top(), margins.right()) >= 8
    tabs = dialog.table.parentWidget().parentWidget()
    tabs.setCurrentWidget(dialog.table)
    qtbot.wait(20)
    t = dialog.table
    header = t.horizontalHeader()
    assert sum(header.sectionSize(c) for c in range(t.columnCount())) <= t.viewport().width()
    assert not t.horizontalScrollBar().isVisible()
    fm = QFontMetrics(t.font())
    for row in range(t.rowCount()):
        for col in range(t.columnCount() - 1):  # the short columns: each on one line, whole
            assert t.sizeHintForIndex(t.model().index(row, col)).width() <= t.columnWidth(col), (row, col)
        note = t.visualRect(t.model().index(row, 3))
        needed = fm.boundingRect(QRect(0, 0, note.width() - 8, 10_000), int(Qt.TextFlag.TextWordWrap),
                                 t.item(row, 3).text())
        assert needed.height() <= note.height(), (row, t.item(row, 3).text())  # the note wraps, all of it shown
