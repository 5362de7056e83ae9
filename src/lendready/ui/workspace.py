"""The three panes of an open case: sections, the section's questions, the explainer and what-ifs.

Its own module because the start page is what a user sees first: the question
widgets, the explainer and the stress charts load when a case is opened, not
before the first window can paint.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lendready.model.session import CaseSession
from lendready.ui.explainer_pane import ExplainerPane
from lendready.ui.section_list import SectionList
from lendready.ui.section_view import SectionView
from lendready.ui.stress_panel import WhatIfPanel

ROLE_NAMES = {"lender": "bank officer", "founder": "founder", "trainer": "trainer"}


class Workspace(QWidget):
    """The three panes for one open case; rebuilt when another case (or role) is opened."""

    def __init__(self, session: CaseSession, wording: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.wording = wording
        k = session.knowledge
        role = wording
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(self.splitter)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 4, 8)
        sections_label = QLabel()
        sections_label.setTextFormat(Qt.TextFormat.RichText)  # our own markup, set as such: never guessed
        sections_label.setText("<b>Sections</b>")
        self.sections = SectionList()
        sections_label.setBuddy(self.sections)
        for section in k.questionnaire.sections:
            self.sections.add_section(section.id, section.title_for(role))
        left_layout.addWidget(sections_label)
        left_layout.addWidget(self.sections, 1)
        role_label = QLabel("&Wording for")
        self.role_choice = QComboBox()
        self.role_choice.setAccessibleName("Wording of questions and explanations for")
        for key, name in ROLE_NAMES.items():
            self.role_choice.addItem(f"a {name}", key)
        self.role_choice.setCurrentIndex(max(self.role_choice.findData(role), 0))
        role_label.setBuddy(self.role_choice)
        left_layout.addWidget(role_label)
        left_layout.addWidget(self.role_choice)

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(4, 0, 4, 8)
        self.stack = QStackedWidget()
        self.views: dict[str, SectionView] = {}
        for section in k.questionnaire.sections:
            view = SectionView(section, k.questionnaire, role)
            view.set_answers(session.answers, session.notes)
            self.views[section.id] = view
            self.stack.addWidget(view)
        nav = QHBoxLayout()
        self.previous_button = QPushButton("◀ Previous section")
        self.previous_button.setAccessibleName("Previous section")
        self.previous_button.setToolTip("Previous section (Ctrl+Page Up)")
        self.next_button = QPushButton("Next section ▶")
        self.next_button.setAccessibleName("Next section")
        self.next_button.setToolTip("Next section (Ctrl+Page Down)")
        nav.addWidget(self.previous_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        middle_layout.addWidget(self.stack, 1)
        middle_layout.addLayout(nav)
        self._middle_layout = middle_layout
        self.banner: QWidget | None = None

        self.explainer = ExplainerPane(k)
        # One analysis per revision of the case, built by the session and shown by both tabs.
        self.explainer.set_analysis_source(lambda: session.analysis)
        self.what_if = WhatIfPanel(k)
        self.right_tabs = QTabWidget()
        self.right_tabs.setAccessibleName("Explainer and stress tests")
        self.right_tabs.addTab(self.explainer, "Explainer")
        self.right_tabs.addTab(self.what_if, "Stress tests && what-ifs")
        self.right_tabs.setTabToolTip(1, "Stress tests, loan sizing and what would change the answer")

        self.splitter.addWidget(left)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.right_tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([230, 640, 450])
        self.splitter.setChildrenCollapsible(False)
        # Until shown, the window's width is not known; then fit_panes shares it out, unless the
        # user's own layout has been restored over these defaults meanwhile.
        self._default_state = bytes(self.splitter.saveState())
        self._panes_fitted = False

    def fit_panes(self, width: int | None = None) -> list[int]:
        """Pane widths for ``width``: section titles on one line, the stress table without sideways scrolling.

        The section list takes its titles' natural width (at most about a quarter of the window,
        then titles wrap), the right-hand tabs about 45 % of the rest and never less than the stress
        table needs when there is room for the questions too; the questions take what is left.
        """
        total = (width if width is not None else self.splitter.width()) - self.splitter.handleWidth() * 2
        margins = 12  # the left pane's own layout margins
        left = max(200, min(self.sections.natural_width() + margins, round(total * 0.24)))
        rest = total - left
        right = max(round(rest * 0.45), min(self.what_if.readable_width() + 8, rest - 420))
        sizes = [left, rest - right, right]
        self.splitter.setSizes(sizes)
        return sizes

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._panes_fitted:
            self._panes_fitted = True
            if bytes(self.splitter.saveState()) == self._default_state and self.width() > 0:
                self.fit_panes(self.width())

    def set_banner(self, banner: QWidget) -> None:
        """A bar above the questions (a what-if's): shown first in the middle column, read first."""
        self.banner = banner
        self._middle_layout.insertWidget(0, banner)
        self._middle_layout.setContentsMargins(4, 8, 4, 8)
        QWidget.setTabOrder(banner, self.stack)

    def current_section(self) -> str:
        item = self.sections.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else self.session.knowledge.questionnaire.sections[0].id
