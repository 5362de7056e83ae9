"""The risk explainer: what a lender will think of the case, and why, beside the questions.

It is one QTextBrowser fed generated HTML rather than a tree of widgets because
it is rebuilt on every answer change: one ``setHtml`` of a few kilobytes costs a
few milliseconds, where building and laying out dozens of labels does not fit
in a frame. The browser also gives wrapping text, Tab-and-Enter link following
and tooltips without extra code.

It formats an :class:`~lendready.domain.advice.Analysis`: the verdict, the areas,
the findings and the key figures (with the limits each is rated by) are the
analysis's own, the same object the what-if panel shows, so the two tabs cannot
disagree. Given a bare Assessment with no analysis behind it, the key figures
are left out rather than worked out here.

Everything from the case or the resources goes through
:func:`~lendready.ui.widgets.style.html_text` on the way in: an organisation
called "A & B <Ltd>" must read as written, never as markup, and a name holding a
right-to-left override or a zero-width space shows it as a ``[U+202E]`` token
rather than reading "Vale" where the file says something else.
Text colours come from the palette (so a dark theme reads); only the status
colours are fixed, each with a text colour picked for contrast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple
from urllib.parse import quote, unquote

from PySide6.QtCore import QEvent, QPoint, QUrl, Signal
from PySide6.QtGui import QColor, QPalette, QTextOption
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from lendready.domain.advice import Analysis, Threshold
from lendready.domain.engine import formatting
from lendready.domain.engine.assessment import Assessment, Finding
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.engine.status import (
    RATING_COLOURS,
    SEVERITY_COLOURS,
    legend,
    rating_word,
    severity_word,
)
from lendready.domain.files.outside_text import for_display
from lendready.model.assessment_changes import AssessmentChanges, compare_assessments
from lendready.ui.widgets.style import html_text

# The contract fixes this order; the titles come from the rulebook.
AREA_ORDER = ("organisation", "governance", "asset_lock", "cashflow", "income", "security", "people")
# Its definition is added to the lowest cash's tooltip: the analysis gives the month beside that figure.
MONTH_METRIC = "lowest_cash_month"
THRESHOLD_OPS = {"<": "below", "<=": "at or below", ">": "above", ">=": "at or above", "==": "at", "!=": "not at"}
BADGE_SHADE = "#e6e9ec"  # a finding's weight: dark ink on pale grey, whatever its area's colour


def threshold_text(t: Threshold) -> str:
    """A limit as the analysis states it: "Serious concern below 1.00 (DSCR below which …)"."""
    limit = formatting.by_unit(t.value, t.unit)
    about = f" ({t.about})" if t.about else ""
    word = severity_word("blocker") if t.rating == "blocker" else rating_word(t.rating)
    return f"{word} {THRESHOLD_OPS.get(t.op, t.op)} {limit}{about}"


QUESTION_SCHEME = "lr-question"
LIST_INDENT = 16  # px; Qt's default of 40 wastes a tenth of a narrow pane
MIN_CONTRAST = 4.5  # WCAG AA for body text

PLACEHOLDER_HTML = (
    "<p>Answer the questions, or open a case, to see how a lender would read it.</p>"
)


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = channel(colour.redF()), channel(colour.greenF()), channel(colour.blueF())
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever reads better on a status colour."""
    bg = QColor(background)
    return "#ffffff" if contrast(bg, QColor("#ffffff")) >= contrast(bg, QColor("#000000")) else "#000000"


def _mix(a: QColor, b: QColor, share_of_a: float) -> QColor:
    s = share_of_a
    return QColor.fromRgbF(
        a.redF() * s + b.redF() * (1 - s),
        a.greenF() * s + b.greenF() * (1 - s),
        a.blueF() * s + b.blueF() * (1 - s),
    )


class _Style(NamedTuple):
    """The palette-derived colours the HTML needs, worked out once per palette."""

    muted: str
    link: str

    @classmethod
    def from_palette(cls, palette: QPalette) -> _Style:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        muted = _mix(text, base, 0.7)
        link = palette.color(QPalette.ColorRole.Link)
        # Many dark themes keep Qt's dark-blue link colour; move it towards the
        # text colour until it can be read on the background.
        step = 0.0
        while contrast(link, base) < MIN_CONTRAST and step < 1.0:
            step += 0.1
            link = _mix(text, palette.color(QPalette.ColorRole.Link), step)
        return cls(muted.name(), link.name())


def _esc(text: object) -> str:
    """Text from the case or the resources, shown as written inside the HTML (see :func:`html_text`)."""
    return html_text(text)


def chip(word: str, colour: str) -> str:
    nbsp_word = "&nbsp;".join(_esc(part) for part in word.split(" "))
    return (
        f'<span style="background-color:{colour}; color:{text_on(colour)}; font-weight:600;">'
        f"&nbsp;{nbsp_word}&nbsp;</span>"
    )


def badge(word: str, ink: str) -> str:
    """A finding's weight: a neutral outlined word, never a rating's colour (it must not clash with one)."""
    nbsp_word = "&nbsp;".join(_esc(part) for part in word.split(" "))
    return (
        f'<span style="background-color:{BADGE_SHADE}; color:{ink}; font-weight:600;">'
        f"&nbsp;{nbsp_word}&nbsp;</span>"
    )


def _bullets(items: Iterable[str], left: int) -> str:
    """A bulleted list: wrapped lines hang under the text, not under the bullet."""
    body = "".join(f"<li>{item}</li>" for item in items)
    return (
        f'<ul style="margin-top:0px; margin-bottom:2px; margin-left:{left}px; -qt-list-indent:1;">{body}</ul>'
    )


class ExplainerPane(QWidget):
    """The right-hand pane: band, area ratings, figures, findings and set-aside answers."""

    questionRequested = Signal(str)

    def __init__(self, knowledge: Knowledge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._knowledge = knowledge
        self._areas = {a.id: a for a in knowledge.areas}
        self._chips = {r: chip(rating_word(r, knowledge), c) for r, c in RATING_COLOURS.items()}
        self._severity_chips = {s: badge(severity_word(s, knowledge), c) for s, c in SEVERITY_COLOURS.items()}
        self._last: tuple[Analysis | Assessment, str] | None = None
        self._html = ""
        self._source: Callable[[], Analysis | None] | None = None
        self._shown: Assessment | None = None  # the assessment on show, to tell what the next one changes
        self._last_role: str | None = None
        self.changes: AssessmentChanges | None = None  # what the last refresh changed; kept until the next one

        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName("Risk explainer")
        self.browser.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.browser.document().setIndentWidth(LIST_INDENT)
        self.browser.anchorClicked.connect(self._on_anchor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.setAccessibleName("Risk explainer")
        self.setFocusProxy(self.browser)

        self._style = _Style.from_palette(self.palette())
        self.browser.setHtml(PLACEHOLDER_HTML)

    # -- public ---------------------------------------------------------------
    def set_analysis_source(self, source: Callable[[], Analysis | None] | None) -> None:
        """Where the analysis of the case on show comes from (the session's, shared with the what-if panel).

        The window hands the pane the session's assessment; the pane reads the key figures from the
        analysis that assessment belongs to, never from figures of its own.
        """
        self._source = source

    def show_analysis(self, analysis: Analysis, role: str, *, keep_scroll: bool = True) -> None:
        """Show ``analysis`` worded for ``role``; pass ``keep_scroll=False`` for a different case."""
        self.show_assessment(analysis, role, keep_scroll=keep_scroll)

    def show_assessment(self, assessment: Analysis | Assessment, role: str, *, keep_scroll: bool = True) -> None:
        """Show an analysis (or the assessment of the source's analysis) worded for ``role``.

        The scroll position is kept by default because this runs on every
        answer change, and a pane that jumps to the top while someone reads a
        finding is unusable. Unchanged output is not re-laid out at all.
        """
        self._last = (assessment, role)
        a = assessment.assessment if isinstance(assessment, Analysis) else assessment
        if not keep_scroll or (self._last_role is not None and role != self._last_role):
            self.changes = None  # another case, or only other wording: nothing "changed"
        elif self._shown is not None and self._shown is not a:
            self.changes = compare_assessments(self._shown, a, self._knowledge, role)
        self._shown, self._last_role = a, role
        text = self._render(assessment, role)
        if text == self._html:
            if not keep_scroll:
                self.browser.verticalScrollBar().setValue(0)
            return
        bar = self.browser.verticalScrollBar()
        place = self._reading_place() if keep_scroll else None
        self._html = text
        self.browser.setHtml(text)
        bar.setValue(self._place_position(place) if place is not None else 0)
        band = self._knowledge.bands.get(a.band)
        self.browser.setAccessibleDescription(
            for_display(f"Readiness: {band.label if band else a.band}. {len(a.findings)} findings.")
        )

    # -- events ---------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._style = _Style.from_palette(self.palette())
            if self._last is not None:
                self._html = ""
                self.show_assessment(*self._last)
        super().changeEvent(event)

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == QUESTION_SCHEME:
            qid = unquote(url.path())
            if qid in self._knowledge.questionnaire.questions:
                self.questionRequested.emit(qid)

    # -- rendering ------------------------------------------------------------
    def _question_link(self, qid: str, text: str) -> str:
        href = f"{QUESTION_SCHEME}:{quote(qid, safe='._-')}"
        return f'<a href="{href}" style="color:{self._style.link};">{text}</a>'

    def _label(self, qid: str, role: str) -> str:
        question = self._knowledge.questionnaire.questions.get(qid)
        return question.label.for_role(role) if question else qid

    def _heading(self, text: str) -> str:
        return f'<p style="margin-top:16px; margin-bottom:4px; font-size:large; font-weight:700;">{text}</p>'

    def _muted(self, text: str) -> str:
        return f'<span style="color:{self._style.muted}; font-size:small;">{text}</span>'

    def _analysis_of(self, subject: Analysis | Assessment) -> Analysis | None:
        if isinstance(subject, Analysis):
            return subject
        analysis = self._source() if self._source is not None else None
        return analysis if analysis is not None and analysis.assessment is subject else None

    def _render(self, subject: Analysis | Assessment, role: str) -> str:
        analysis = self._analysis_of(subject)
        a: Assessment = analysis.assessment if analysis is not None else subject  # type: ignore[assignment]
        parts: list[str] = []
        self._render_changes(parts)
        self._render_band(a, role, parts)
        self._render_areas(a, role, parts)
        self._render_metrics(analysis, parts)
        self._render_findings(a, role, parts)
        self._render_invalid(a, role, parts)
        self._render_legend(parts)
        return "".join(parts)

    def _render_legend(self, parts: list[str]) -> None:
        """What each area rating and each finding weight means: the one scale every view uses."""
        ratings, weights = legend(self._knowledge)
        parts.append(self._heading("What the words mean"))
        items = [f"{self._chips[w.code]} {_esc(w.meaning)}" for w in ratings]
        items += [f"{self._severity_chips[w.code]} {_esc(w.meaning)}" for w in weights]
        parts.append(f'<p style="margin-bottom:4px;">'
                     f"{self._muted('An area is rated by colour and word; a finding is weighed by a word.')}</p>")
        parts += [f'<p style="margin-top:2px; margin-bottom:2px;">{item}</p>' for item in items]

    # -- what the last refresh changed --------------------------------------------------
    def compare_from(self, assessment: Assessment, role: str) -> None:
        """Make the next assessment shown report what changed from ``assessment`` (a what-if: from its case)."""
        self._shown, self._last_role = assessment, role

    def change_text(self) -> str:
        """The "What changed" line as shown ("" before the first change)."""
        return self.changes.text() if self.changes is not None else ""

    def _render_changes(self, parts: list[str]) -> None:
        if self.changes is None:
            return
        text = _esc(self.changes.text())
        parts.append(
            f'<table width="100%" cellspacing="0" cellpadding="5" border="1" '
            f'style="border-color:{self._style.link}; border-style:solid; margin-bottom:8px;">'
            f"<tr><td><b>What changed:</b> {text}</td></tr></table>"
        )

    def _area_mark(self, area_id: str) -> str:
        changes = self.changes
        change = next((c for c in changes.areas if c.area == area_id), None) if changes is not None else None
        if change is None:
            return ""
        return f"<br/>{self._muted('▲ changed, was ' + _esc(change.before_word))}"

    def _new_mark(self) -> str:
        return f'<span style="color:{self._style.link}; font-weight:700;">NEW</span>&nbsp; '

    # -- keeping the reader's place ------------------------------------------------------
    def _reading_place(self) -> list[tuple[str, float, float]] | None:
        """The texts at and just above the top of the view, each with its offset from there (None: at the top)."""
        bar = self.browser.verticalScrollBar()
        if bar.value() <= 0:
            return None  # at the top, where the change line is: stay there
        layout = self.browser.document().documentLayout()
        block = self.browser.cursorForPosition(QPoint(4, 4)).block()
        place: list[tuple[str, float, float]] = []
        while block.isValid() and len(place) < 12:
            text = block.text().strip()
            if text:
                top = layout.blockBoundingRect(block).top()
                place.append((text, top, bar.value() - top))
            block = block.previous()
        return place or [("", 0.0, float(bar.value()))]

    def _place_position(self, place: list[tuple[str, float, float]]) -> int:
        """Where to scroll so the text that was at the top is there again (content added above moves it)."""
        doc = self.browser.document()
        layout = doc.documentLayout()
        tops: dict[str, list[float]] = {}
        block = doc.begin()
        while block.isValid():
            text = block.text().strip()
            if text:
                tops.setdefault(text, []).append(layout.blockBoundingRect(block).top())
            block = block.next()
        for text, old_top, offset in place:
            candidates = tops.get(text)
            if candidates:
                top = min(candidates, key=lambda t: abs(t - old_top))
                return max(0, round(top + offset))
        return round(place[0][1] + place[0][2])

    def _render_band(self, a: Assessment, role: str, parts: list[str]) -> None:
        k = self._knowledge
        name = a.organisation or "Organisation not named yet"
        parts.append(f'<p style="margin-bottom:6px; font-size:large; font-weight:700;">{_esc(name)}</p>')
        band = k.bands.get(a.band)
        label = band.label if band else a.band
        colour = band.colour if band else RATING_COLOURS["unknown"]
        fg = text_on(colour)
        meaning = (band.founder if role == "founder" else band.lender) if band else ""
        parts.append(
            f'<table width="100%" cellspacing="0" cellpadding="8"><tr><td bgcolor="{_esc(colour)}">'
            f'<span style="color:{fg}; font-size:small;">Readiness</span><br/>'
            f'<span style="color:{fg}; font-size:x-large; font-weight:700;">{_esc(label)}</span>'
            "</td></tr></table>"
        )
        if meaning:
            parts.append(f'<p style="margin-top:6px;">{_esc(meaning)}</p>')

    def _render_areas(self, a: Assessment, role: str, parts: list[str]) -> None:
        parts.append(self._heading("Risk areas"))
        results = {r.id: r for r in a.areas}
        rows: list[str] = []
        for area_id in AREA_ORDER:
            result = results.get(area_id)
            if result is None:
                continue
            area = self._areas.get(area_id)
            title = area.title_for(role) if area else area_id
            rating = result.rating if result.rating in RATING_COLOURS else "unknown"
            rows.append(
                f"<tr><td>{_esc(title)}{self._area_mark(area_id)}</td>"
                f'<td align="right" style="white-space:nowrap;">{self._chips[rating]}</td></tr>'
            )
            if rating == "unknown" and result.missing:
                links = _bullets(
                    (self._question_link(q, _esc(self._label(q, role))) for q in result.missing), 0
                )
                rows.append(
                    f'<tr><td colspan="2" style="padding-left:12px;">'
                    f"{self._muted('To rate this area, answer:')}{links}</td></tr>"
                )
        parts.append(f'<table width="100%" cellspacing="0" cellpadding="3">{"".join(rows)}</table>')

    def _render_metrics(self, analysis: Analysis | None, parts: list[str]) -> None:
        """The analysis's key figures, as it states them (a ratio over negative earnings reads as such)."""
        if analysis is None:
            return  # a bare Assessment (no analysis to read figures from): no figures rather than our own
        k = self._knowledge
        parts.append(self._heading("Key figures"))
        rows: list[str] = []
        month_info = k.metric_info.get(MONTH_METRIC)
        for f in analysis.key_figures:
            tip = f.definition
            limits = "; ".join(threshold_text(t) for t in f.thresholds)
            if limits:
                tip += f" Rated: {limits}."
            note = ""
            wrap = "white-space:nowrap; "
            if f.value is None:
                shown = "n/a"
                note = f.reason or "not available"
            elif f.negative_earnings:
                shown = formatting.NEGATIVE_EARNINGS
                wrap = ""
            else:
                shown = formatting.by_unit(f.value, f.unit)
                if f.month is not None:
                    note = f"in {formatting.by_unit(f.month, month_info.unit if month_info else '')}"
                    if month_info is not None:
                        tip += f" {month_info.label}: {month_info.definition}"
            rows.append(
                f'<tr><td title="{_esc(tip)}">{_esc(f.label)}</td>'
                f'<td align="right" valign="top" style="{wrap}font-weight:600;">'
                f"{_esc(shown)}</td></tr>"
            )
            if note:
                # Its own row, after the value, so it reads "n/a, because …" in that order.
                rows.append(
                    f'<tr><td colspan="2" style="padding-top:0px;">{self._muted(_esc(note))}</td></tr>'
                )
        parts.append(f'<table width="100%" cellspacing="0" cellpadding="3">{"".join(rows)}</table>')

    def _render_findings(self, a: Assessment, role: str, parts: list[str]) -> None:
        count = len(a.findings)
        parts.append(self._heading(f"Findings ({count})" if count else "Findings"))
        if not count:
            parts.append(f"<p>{self._muted('Nothing for a lender to remark on yet.')}</p>")
        new = self.changes.new_findings() if self.changes is not None else frozenset()
        for i, finding in enumerate(a.findings):
            start = len(parts)
            self._render_finding(finding, role, parts, first=i == 0)
            if finding.id in new and start < len(parts):
                # The mark goes just inside the finding's first paragraph, before its weight and title.
                head = parts[start]
                cut = head.find(">") + 1
                parts[start] = head[:cut] + self._new_mark() + head[cut:]

    def _render_finding(self, f: Finding, role: str, parts: list[str], *, first: bool) -> None:
        q = self._knowledge.questionnaire.questions
        weight = self._severity_chips.get(f.severity) or badge(severity_word(f.severity), SEVERITY_COLOURS["info"])
        top = "4px" if first else "14px"
        parts.append(
            f'<p style="margin-top:{top}; margin-bottom:2px;">{weight} <b>{_esc(f.title)}</b></p>'
        )
        body = 'style="margin-top:2px; margin-bottom:2px; margin-left:10px;"'
        if f.myth:
            parts.append(f"<p {body}><b>Myth:</b> <i>{_esc(f.myth)}</i></p>")
        if f.evidence:
            items: list[str] = []
            for e in f.evidence:
                question = q.get(e.question)
                if question is None:
                    text = f"{_esc(e.question)}: <b>{_esc(e.value)}</b>"
                else:
                    label = question.label.for_role(role)
                    answer = formatting.answer(question.type, e.value, question.choice_label, question.unit)
                    # A founder's label is often a question; "…expertise?: yes" reads badly.
                    sep = " " if label.endswith(("?", ":")) else ": "
                    text = f"{_esc(label)}{sep}<b>{_esc(answer)}</b>"
                items.append(self._question_link(e.question, text))
            parts.append(f"<p {body}><b>Seen:</b></p>{_bullets(items, 10)}")
        why = "In fact:" if f.myth else "Why it matters:"
        parts.append(f"<p {body}><b>{why}</b> {_esc(f.why_it_matters)}</p>")
        parts.append(f"<p {body}><b>What to do:</b> {_esc(f.what_to_do)}</p>")

    def _render_invalid(self, a: Assessment, role: str, parts: list[str]) -> None:
        if not a.invalid:
            return
        parts.append(self._heading(f"Answers set aside ({len(a.invalid)})"))
        note = self._muted("These answers are kept but not used until corrected.")
        parts.append(f'<p style="margin-bottom:4px;">{note}</p>')
        items = [
            self._question_link(inv.question, _esc(self._label(inv.question, role)))
            + f"<br/>{_esc(inv.message)}"
            for inv in a.invalid
        ]
        parts.append(_bullets(items, 0))


__all__ = ["ExplainerPane"]
