"""The primer, legal forms, myths and glossary, readable inside the app with no network.

The same reviewed teaching data the PDF prints (``resources/teaching``), laid
out as HTML in one non-modal window with a tab per topic, so a trainer can keep
it open beside a case or put it on the projector. The glossary has a filter box
because a room asks "what is an admitted body?" mid-session.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLineEdit, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.teaching.content import Teaching, load_teaching, myths
from lendready.ui.teaching_actions import HELP_TOPICS
from lendready.ui.widgets.style import html_text

TOPICS = tuple(topic for topic, _title in HELP_TOPICS)
TOPIC_TITLES = dict(HELP_TOPICS)


def esc(text: object) -> str:
    """The reviewed teaching text, and the filter the user typed, shown as written (never as markup)."""
    return html_text(text)


def primer_html(t: Teaching) -> str:
    parts = [f"<h2>{esc(t.primer_title)}</h2>"]
    for section in t.primer:
        parts.append(f"<h3>{esc(section.heading)}</h3>")
        parts.extend(f"<p>{esc(p)}</p>" for p in section.paragraphs)
    return "".join(parts)


def legal_forms_html(t: Teaching) -> str:
    parts = ["<h2>Legal forms</h2>"]
    for form in t.legal_forms.values():
        parts.append(f"<h3>{esc(form.name)}</h3><table cellpadding='3'>")
        for label, text in (("Register", form.register), ("Asset lock", form.asset_lock),
                            ("Dividends", form.dividends), ("Charges", form.charges),
                            ("A lender checks", form.lender_checks)):
            parts.append(f"<tr><td valign='top'><b>{label}</b></td><td>{esc(text)}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


def myths_html(items: list[tuple[str, str]]) -> str:
    parts = ["<h2>Myths and facts</h2>"]
    for belief, correction in items:
        parts.append(f"<p><b>Myth:</b> <i>{esc(belief)}</i><br/>{esc(correction)}</p>")
    return "".join(parts)


def glossary_html(t: Teaching, needle: str = "") -> str:
    needle = needle.strip().casefold()
    rows = [term for term in t.glossary
            if not needle or needle in term.term.casefold() or needle in term.definition.casefold()]
    if not rows:
        return f"<p>No term mentions “{esc(needle)}”.</p>"
    return "<h2>Glossary</h2>" + "".join(f"<p><b>{esc(r.term)}</b>: {esc(r.definition)}</p>" for r in rows)


class HelpBrowser(QDialog):
    def __init__(self, knowledge: Knowledge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Help: lending to mutuals")  # Qt adds " — lendready" where the platform does
        self.setModal(False)
        self.resize(820, 760)
        self.teaching = load_teaching(knowledge=knowledge)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Help topics")
        layout.addWidget(self.tabs)
        self.pages: dict[str, QTextBrowser] = {}
        texts = {
            "primer": primer_html(self.teaching),
            "legal_forms": legal_forms_html(self.teaching),
            "myths": myths_html(myths(knowledge, "trainer")),
        }
        for topic in TOPICS:
            page = QWidget()
            page_layout = QVBoxLayout(page)
            browser = QTextBrowser()
            browser.setOpenLinks(False)
            browser.setAccessibleName(TOPIC_TITLES[topic])
            if topic == "glossary":
                self.filter = QLineEdit()
                self.filter.setPlaceholderText("Find a term…")
                self.filter.setAccessibleName("Find a glossary term")
                self.filter.setClearButtonEnabled(True)
                self.filter.textChanged.connect(self._filter_glossary)
                page_layout.addWidget(self.filter)
                browser.setHtml(glossary_html(self.teaching))
            else:
                browser.setHtml(texts[topic])
            page_layout.addWidget(browser)
            self.pages[topic] = browser
            self.tabs.addTab(page, TOPIC_TITLES[topic])

    def show_page(self, topic: str, title: str, html: str) -> QTextBrowser:
        """A page made when asked for (Using lendready, read from the window's menus): added first time, refreshed
        after."""
        browser = self.pages.get(topic)
        if browser is None:
            browser = QTextBrowser()
            browser.setOpenLinks(False)
            browser.setAccessibleName(title)
            self.pages[topic] = browser
            self.tabs.insertTab(0, browser, title)
        browser.setHtml(html)
        self.tabs.setCurrentWidget(browser)
        self.show()
        self.raise_()
        self.activateWindow()
        return browser

    def show_topic(self, topic: str) -> None:
        self.tabs.setCurrentIndex(self.tabs.indexOf(self.pages[topic].parentWidget()))
        self.show()
        self.raise_()
        self.activateWindow()
        if topic == "glossary":
            self.filter.setFocus()

    def _filter_glossary(self, text: str) -> None:
        self.pages["glossary"].setHtml(glossary_html(self.teaching, text))
