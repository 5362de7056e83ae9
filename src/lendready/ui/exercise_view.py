"""Exercise and presentation mode: the room predicts, then the app reveals area by area.

One view serves both modes. In the main window it replaces the three panes, so
the explainer is out of sight until the room has committed to its predictions.
In presentation mode the same view fills the screen in large, high-contrast
type for a projector, and everything is driven from the keyboard (a presenter's
clicker sends Page Down / Page Up, which count as next and back):

    Space, →, Page Down, Enter   next (on a myth card: show the answer first)
    ←, Page Up, Backspace        back
    ↑ / ↓                        choose the row to predict (or scroll a long slide)
    G A R  or  1 2 3             predict green / amber / red (ready / nearly / not ready on the band row)
    T / F                        answer a myth card true / false
    F5                           present full screen;  Esc leaves

The state lives in :class:`lendready.domain.teaching.exercise.Exercise`; two views on the
same exercise (the window and the full-screen presentation) always agree, because
each redraws from it.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from lendready.domain.engine.status import (
    RATING_COLOURS,
    SEVERITY_COLOURS,
    legend,
    rating_word,
    severity_word,
)
from lendready.domain.files.outside_text import for_display
from lendready.domain.teaching.exercise import (
    AREA,
    BAND,
    BAND_ORDER,
    FACTS,
    FIGURES_STEP,
    MYTH,
    PREDICT,
    PREDICTABLE_RATINGS,
    QUESTIONS,
    SCORE,
    STORY,
    VERDICT,
    Exercise,
    Fact,
    Mark,
)
from lendready.ui.explainer_pane import badge, chip, text_on
from lendready.ui.widgets.style import html_text

# Presentation: white on black with a yellow accent reads from the back of a room
# and survives a washed-out projector; body text is a 34th of the screen height
# (32 px at 1080), well over the 24 pt usually asked of slides.
PRESENT_BACKGROUND = "#000000"
PRESENT_TEXT = "#ffffff"
PRESENT_ACCENT = "#ffd600"
PRESENT_LINES = 34
WINDOW_SCALE = 1.25
NEXT_KEYS = {Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Return, Qt.Key.Key_Enter}
BACK_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace}
# 1 / 2 / 3 as the buttons show; G / A / R kept for trainers used to traffic-light colours (the buttons' own).
RATING_KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_G: 0, Qt.Key.Key_A: 1, Qt.Key.Key_R: 2}
BAND_ROW = "band"


def esc(text: object) -> str:
    """Case text (the organisation, answers, a story) inside the HTML: escaped, acting characters as tokens."""
    return html_text(text)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{esc(' '.join(block.split()))}</p>" for block in text.split("\n\n") if block.strip())


def _bullets(items: Iterable[str]) -> str:
    body = "".join(f"<li>{item}</li>" for item in items)
    return f'<ul style="margin-top:0px; -qt-list-indent:1;">{body}</ul>' if body else ""


def _fact_rows(facts: Iterable[Fact]) -> str:
    return "".join(
        f'<tr><td style="padding-right:18px;">{esc(f.label)}</td><td><b>{esc(f.value)}</b></td></tr>' for f in facts
    )


class ExerciseView(QWidget):
    """One exercise, one step at a time. ``presentation`` switches to projector styling."""

    leaveRequested = Signal()
    presentRequested = Signal()
    stepChanged = Signal(int)

    def __init__(self, exercise: Exercise, *, presentation: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.exercise = exercise
        self.presentation = presentation
        self.px = 16
        self.row = 0
        """The prediction row the keyboard acts on: an area index, or len(areas) for the band."""
        self._warned_missing = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Teaching exercise")
        self.setObjectName("exercise")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 12)
        self.header = QLabel()
        self.header.setAccessibleName("Exercise step")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.header)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.verticalScrollBar().rangeChanged.connect(lambda _lo, _hi: self.hint.setText(self._hint()))
        outer.addWidget(self.scroll, 1)

        nav = QHBoxLayout()
        self.leave_button = self._button("End exercise", "Back to the case (Esc)", self.leaveRequested.emit)
        self.present_button = self._button("Present full screen", "Large type for a projector (F5)",
                                           self.presentRequested.emit)
        self.hint = QLabel()
        self.back_button = self._button("◀ Back", "Back (← or Page Up)", self.back)
        self.next_button = self._button("Next ▶", "Next (Space, → or Page Down)", self.advance)
        nav.addWidget(self.leave_button)
        nav.addWidget(self.present_button)
        nav.addStretch(1)
        nav.addWidget(self.hint)
        nav.addStretch(1)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        outer.addLayout(nav)
        self.present_button.setVisible(not presentation)

        self.body: QLabel | None = None
        self.rating_groups: dict[str, QButtonGroup] = {}
        self.myth_buttons: dict[bool, QPushButton] = {}
        self.apply_style()
        self.refresh()

    # -- look ----------------------------------------------------------------------
    def _button(self, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.strip("◀▶ "))
        # The view takes every key itself, so Space always means "next", never "press the focused button".
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)  # type: ignore[arg-type]
        return button

    def base_pixels(self) -> int:
        if self.presentation:
            screen = self.screen()
            height = screen.geometry().height() if screen is not None else 1080
            return max(20, round(max(height, self.height()) / PRESENT_LINES))
        font = QFont(self.font())
        size = font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * 96 / 72)
        return round(size * WINDOW_SCALE)

    def _choice_colours(self) -> str:
        """A pressed prediction takes its rating's or band's colour (and a tick, so colour is not the only cue)."""
        colours = dict(RATING_COLOURS)
        colours.update({b: band.colour for b, band in self.exercise.knowledge.bands.items()})
        border = PRESENT_TEXT if self.presentation else "palette(dark)"
        return "".join(
            f' #exercise QPushButton[choice="{choice}"]:checked {{ background: {colour}; color: {text_on(colour)};'
            f" border: 2px solid {border}; font-weight: 700; }}"
            for choice, colour in colours.items()
        )

    def apply_style(self) -> None:
        self.px = px = self.base_pixels()
        if self.presentation:
            self.setStyleSheet(
                f"#exercise, #exercise QWidget {{ background: {PRESENT_BACKGROUND}; color: {PRESENT_TEXT};"
                f" font-size: {px}px; }}"
                f" #exercise QPushButton {{ border: 2px solid {PRESENT_TEXT}; border-radius: 6px;"
                f" padding: 6px 18px; }}"
                f" #exercise QPushButton:checked {{ background: {PRESENT_ACCENT}; color: #000000; }}"
                f" #exercise QLabel#hint {{ color: #bdbdbd; font-size: {round(px * 0.6)}px; }}"
                f" #exercise QScrollBar:vertical {{ background: {PRESENT_BACKGROUND}; width: 14px; }}"
                f" #exercise QScrollBar::handle:vertical {{ background: #757575; border-radius: 6px; }}"
                f" #exercise QScrollBar::add-line, #exercise QScrollBar::sub-line {{ height: 0px; }}"
                + self._choice_colours()
            )
        else:
            self.setStyleSheet(
                f"#exercise QLabel, #exercise QPushButton {{ font-size: {px}px; }}"
                f" #exercise QPushButton {{ padding: 4px 14px; }}"
                f" #exercise QLabel#hint {{ font-size: {round(px * 0.75)}px; }}"
                + self._choice_colours()
            )
        self.hint.setObjectName("hint")

    def _accent(self) -> str:
        return PRESENT_ACCENT if self.presentation else self.palette().color(self.foregroundRole()).name()

    def _px(self, scale: float) -> int:
        """A size relative to the body text (Qt's rich text ignores percentages)."""
        return round(self.px * scale)

    def _title(self, text: str) -> str:
        size = self._px(1.6 if self.presentation else 1.4)
        return (f'<p style="font-size:{size}px; font-weight:700; color:{self._accent()}; margin-bottom:8px;">'
                f"{esc(text)}</p>")

    def _rating_chip(self, rating: str | None) -> str:
        if rating is None:
            return "<i>no prediction</i>"
        return chip(rating_word(rating, self.exercise.knowledge),
                    RATING_COLOURS.get(rating, RATING_COLOURS["unknown"]))

    def _weight_badge(self, severity: str) -> str:
        """A finding's weight, as the explainer shows it: a word on a neutral badge."""
        return badge(severity_word(severity, self.exercise.knowledge),
                     SEVERITY_COLOURS.get(severity, SEVERITY_COLOURS["info"]))

    def _legend(self) -> str:
        ratings, weights = legend(self.exercise.knowledge)
        rows = [f"<tr><td>{self._rating_chip(w.code)}</td><td>{esc(w.meaning)}</td></tr>" for w in ratings
                if w.code != "unknown"]
        rows += [f"<tr><td>{self._weight_badge(w.code)}</td><td>{esc(w.meaning)}</td></tr>" for w in weights]
        return ("<p style='margin-top:18px;'><i>What the words mean: an area is rated by colour and word, "
                f"a finding is weighed by a word.</i></p><table cellpadding='2'>{''.join(rows)}</table>")

    def _band_chip(self, band: str | None) -> str:
        if band is None:
            return "<i>no prediction</i>"
        b = self.exercise.knowledge.bands.get(band)
        return chip(b.label if b else band, b.colour if b else RATING_COLOURS["unknown"])

    # -- drawing -------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw the current step from the exercise (both views call this after any change)."""
        ex = self.exercise
        step = ex.step
        label = {
            STORY: "The case", FACTS: "The facts", FIGURES_STEP: "Key figures", QUESTIONS: "Questions for the room", PREDICT: "Your predictions",
            MYTH: "True or false?", BAND: "Readiness band", VERDICT: "An experienced lender's verdict",
            SCORE: "Score",
        }.get(step.kind) or ex.area_titles.get(step.key or "", "")
        self.header.setText(
            f"<b>{esc(ex.title)}</b> &nbsp;·&nbsp; step {ex.position + 1} of {len(ex.steps)}: {esc(label)}"
        )
        self.back_button.setEnabled(ex.position > 0)
        self.next_button.setText("Finish" if ex.at_end else "Next ▶")
        self.next_button.setAccessibleName("Finish" if ex.at_end else "Next")
        self.rating_groups.clear()
        self.myth_buttons.clear()
        self.body = None
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 8, 0, 8)
        builder = {
            STORY: self._story, FACTS: self._facts, FIGURES_STEP: self._figures, QUESTIONS: self._questions, PREDICT: self._predict,
            MYTH: self._myth, AREA: self._area, BAND: self._band, VERDICT: self._verdict, SCORE: self._score,
        }[step.kind]
        builder(layout)
        layout.addStretch(1)
        self.scroll.setWidget(content)
        self.hint.setText(self._hint())
        self.stepChanged.emit(ex.position)

    def _text(self, layout: QVBoxLayout, rich: str) -> QLabel:
        label = QLabel(rich)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(label)
        if self.body is None:
            self.body = label
        return label

    def _hint(self) -> str:
        kind = self.exercise.step.kind
        if kind == PREDICT and not self.exercise.revealing:
            return "↑↓ choose a row · G / A / R (or 1 2 3) to predict · Space to reveal"
        if kind == MYTH and self.exercise.step.key not in self.exercise.shown_myths:
            return "T true · F false · Space shows the answer"
        more = " · ↑↓ scroll" if self.scroll.verticalScrollBar().maximum() > self.px else ""
        return "Space or → next · ← back" + more + " · Esc to leave"

    def _story(self, layout: QVBoxLayout) -> None:
        ex = self.exercise
        story = ex.story.story or (
            "A case of your own: read the facts on the next page and judge it as a credit officer would."
        )
        self._text(layout, self._title(ex.title) + _paragraphs(story))

    def _facts(self, layout: QVBoxLayout) -> None:
        ex = self.exercise
        groups = ex.facts()
        # Three narrower columns on a projector, so the whole case fits one 1080-line screen;
        # groups are dealt out by their number of lines so the columns end level.
        count = 3 if self.presentation else 2
        size = f"font-size:{self._px(0.75)}px;" if self.presentation else ""
        target = sum(len(rows) + 1 for _, rows in groups) / count
        columns: list[list[tuple[str, tuple[Fact, ...]]]] = [[]]
        filled = 0
        for group in groups:
            lines = len(group[1]) + 1
            if columns[-1] and filled + lines / 2 > target and len(columns) < count:
                columns.append([])
                filled = 0
            columns[-1].append(group)
            filled += lines
        cells = "".join(
            f'<td width="{100 // count}%" valign="top"><table cellspacing="0" cellpadding="2" style="{size}">'
            + "".join(f'<tr><td colspan="2" style="padding-top:10px;"><b>{esc(title)}</b></td></tr>'
                      f"{_fact_rows(rows)}" for title, rows in column)
            + "</table></td>"
            for column in columns
        )
        self._text(layout, self._title("The facts") + f'<table width="100%"><tr>{cells}</tr></table>')

    def _figures(self, layout: QVBoxLayout) -> None:
        rows = "".join(
            f'<tr><td valign="middle" style="padding-right:30px;">{esc(f.label)}</td>'
            f'<td align="right" valign="middle" style="font-size:{self._px(1.3)}px;"><b>{esc(f.value)}</b></td></tr>'
            for f in self.exercise.figures()
        )
        self._text(layout, self._title("Key figures")
                   + "<p>Computed from the answers as a lender would. Judge them yourselves.</p>"
                   + f'<table cellspacing="0" cellpadding="6">{rows}</table>')

    def _questions(self, layout: QVBoxLayout) -> None:
        items = (esc(q) for q in self.exercise.story.questions)
        self._text(layout, self._title("Questions for the room") + _bullets(items))

    def _predict(self, layout: QVBoxLayout) -> None:
        ex = self.exercise
        locked = ex.revealing
        intro = ("Predictions are locked: the answers are being revealed." if locked else
                 "How will a lender rate each area, and what band will the case get?")
        self._text(layout, self._title("Your predictions") + f"<p>{esc(intro)}</p>")
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        rows = [(a, ex.area_titles[a], PREDICTABLE_RATINGS, ex.area_predictions.get(a)) for a in ex.scored_areas]
        rows.append((BAND_ROW, "Readiness band", BAND_ORDER, ex.band_prediction))
        self.row = min(self.row, len(rows) - 1)
        for r, (key, title, options, chosen) in enumerate(rows):
            marker = "▶ " if r == self.row and not locked else "   "
            name = QLabel(marker + for_display(title))
            name.setTextFormat(Qt.TextFormat.PlainText)
            name.setAccessibleName(for_display(title))
            if r == self.row and not locked:
                name.setStyleSheet("font-weight: 700;")
            grid.addWidget(name, r, 0)
            group = QButtonGroup(self)
            group.setExclusive(True)
            for c, option in enumerate(options):
                word = rating_word(option, self.exercise.knowledge) if key != BAND_ROW else self._band_label(option)
                tick = "✓ " if option == chosen else ""
                button = QPushButton(f"{tick}{word} ({c + 1})")  # a number: the words do not start G, A, R
                button.setProperty("choice", option)
                button.setCheckable(True)
                button.setChecked(option == chosen)
                button.setEnabled(not locked)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setAccessibleName(f"{title}: {word}")
                button.clicked.connect(lambda _=False, k=key, o=option: self.choose(k, o))
                group.addButton(button, c)
                grid.addWidget(button, r, c + 1)
            self.rating_groups[key] = group
        holder = QWidget()
        holder.setLayout(grid)
        layout.addWidget(holder)
        missing = ex.missing_predictions
        if missing and self._warned_missing and not locked:
            self._text(layout, f"<p><b>Not predicted yet:</b> {esc(', '.join(missing))}. "
                               "Press Next again to reveal anyway.</p>")

    def _band_label(self, band: str) -> str:
        b = self.exercise.knowledge.bands.get(band)
        return b.label if b else band

    def _myth(self, layout: QVBoxLayout) -> None:
        ex = self.exercise
        card = ex.myth(ex.step.key or "")
        self._text(layout, self._title("True or false?")
                   + f'<p style="font-size:{self._px(1.3)}px;">“{esc(card.statement)}”</p>')
        answered = ex.myth_answers.get(card.rule_id)
        row = QHBoxLayout()
        for value, word in ((True, "True (T)"), (False, "False (F)")):
            button = QPushButton(word)
            button.setCheckable(True)
            button.setChecked(answered is value)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAccessibleName(word.split(" ")[0])
            button.clicked.connect(lambda _=False, v=value: self.answer_myth(v))
            row.addWidget(button)
            self.myth_buttons[value] = button
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        layout.addWidget(holder)
        if card.rule_id in ex.shown_myths:
            truth = "True" if card.true else "False"
            verdict = ""
            if answered is not None:
                verdict = " — the room got it right." if answered == card.true else " — the room was taken in."
            self._text(layout, f'<p style="font-size:{self._px(1.2)}px;"><b>{truth}.</b>{esc(verdict)}</p>'
                               f"<p>{esc(card.correction)}</p>")

    def _area(self, layout: QVBoxLayout) -> None:
        ex = self.exercise
        area = ex.step.key or ""
        mark = ex.mark_area(area)
        head = self._title(ex.area_titles.get(area, area))
        description = next((a.description for a in ex.knowledge.areas if a.id == area), "")
        if description:
            head += f"<p><i>{esc(description)}</i></p>"
        head += f"<p>A lender rates it {self._rating_chip(mark.actual)} &nbsp; You said {self._rating_chip(mark.predicted)}"
        head += f" &nbsp; <b>{esc(self._mark_words(mark))}</b></p>" if mark.out_of else "</p>"
        findings = ex.findings_in(area)
        parts = [head]
        if not findings:
            parts.append("<p>Nothing here for a lender to remark on.</p>")
        for f in findings:
            parts.append(f'<p style="margin-top:14px;">{self._weight_badge(f.severity)} <b>{esc(f.title)}</b></p>')
            seen = ex.evidence(f)
            if seen:
                parts.append("<p style='margin-bottom:0px;'><i>What was seen:</i></p>"
                             + _bullets(f"{esc(s.label)}: <b>{esc(s.value)}</b>" for s in seen))
            parts.append(f"<p><i>Why it matters:</i> {esc(f.why_it_matters)}</p>")
            parts.append(f"<p><i>What would fix it:</i> {esc(f.what_to_do)}</p>")
        parts.append(self._legend())
        self._text(layout, "".join(parts))

    def _band(self, layout: QVBoxLayout) -> None:
        ex = self.exercise
        mark = ex.mark_band()
        band = ex.knowledge.bands.get(mark.actual)
        meaning = band.lender if band else ""
        text = (self._title("Readiness band")
                + f'<p style="font-size:{self._px(1.5)}px;">{self._band_chip(mark.actual)}</p>'
                + f"<p>You said {self._band_chip(mark.predicted)} &nbsp; <b>{esc(self._mark_words(mark))}</b></p>"
                + (f"<p>{esc(meaning)}</p>" if meaning else ""))
        serious = [f for f in ex.assessment.findings if f.rating in ("red", "amber") and not f.myth]
        if serious:
            text += "<p><b>What sets the band:</b></p>" + _bullets(
                f"{self._weight_badge(f.severity)} {esc(f.title)}" for f in serious)
        self._text(layout, text)

    def _verdict(self, layout: QVBoxLayout) -> None:
        story = self.exercise.story
        text = self._title("An experienced lender's verdict") + f'<p style="font-size:{self._px(1.2)}px;"><b>{esc(story.lender_verdict)}</b></p>'
        text += _bullets(esc(r) for r in story.lender_reasons)
        if story.teaches:
            text += "<p><b>What this case teaches</b></p>" + _bullets(esc(t) for t in story.teaches)
        self._text(layout, text)

    def _score(self, layout: QVBoxLayout) -> None:
        ex = self.exercise
        score = ex.score()
        rows = "".join(
            f"<tr><td>{esc(ex.area_titles[m.key])}</td><td>{self._rating_chip(m.predicted)}</td>"
            f"<td>{self._rating_chip(m.actual)}</td><td>{esc(self._mark_words(m))}</td></tr>"
            for m in score.areas
        )
        b = score.band
        rows += (f"<tr><td><b>Readiness band</b></td><td>{self._band_chip(b.predicted)}</td>"
                 f"<td>{self._band_chip(b.actual)}</td><td>{esc(self._mark_words(b))}</td></tr>")
        total = f"{_points(score.points)} out of {_points(score.out_of)}"
        text = (self._title("Score") + f'<p style="font-size:{self._px(1.4)}px;"><b>{esc(total)}</b></p>'
                + '<table cellspacing="0" cellpadding="6"><tr><th align="left">Area</th>'
                  '<th align="left">You said</th><th align="left">Lender</th><th align="left">Mark</th></tr>'
                + rows + "</table>")
        if score.myths_total:
            if score.myths_answered:
                myth_line = f"Myth cards: {score.myths_right} of {score.myths_answered} answered right"
                unanswered = score.myths_total - score.myths_answered
                myth_line += f" ({unanswered} not answered)." if unanswered else "."
            else:
                myth_line = f"Myth cards: {score.myths_total} shown, none answered."
            text += f"<p>{esc(myth_line)}</p>"
        text += ("<p>An exact rating scores a point (two for the band); one shade away scores half, "
                 "because the room saw the right risk.</p>")
        self._text(layout, text)

    @staticmethod
    def _mark_words(mark: Mark) -> str:
        words = {"right": "Right", "close": "Close", "wrong": "Missed", "no prediction": "No prediction"}
        return f"{words[mark.verdict]} ({_points(mark.points)} of {_points(mark.out_of)})"

    # -- acting ----------------------------------------------------------------------
    def choose(self, key: str, option: str, *, then_next_row: bool = False) -> None:
        """Record a prediction; from the keyboard the marker then moves on, as a room calls the rows out."""
        ex = self.exercise
        try:
            if key == BAND_ROW:
                ex.predict_band(option)
            else:
                ex.predict_area(key, option)
        except PermissionError:
            return
        keys = [*ex.scored_areas, BAND_ROW]
        self.row = min(keys.index(key) + (1 if then_next_row else 0), len(keys) - 1)
        self._warned_missing = False
        self.refresh()

    def answer_myth(self, believed_true: bool) -> None:
        ex = self.exercise
        if ex.step.kind == MYTH and ex.step.key:
            ex.answer_myth(ex.step.key, believed_true)
            self.refresh()

    def advance(self) -> None:
        ex = self.exercise
        step = ex.step
        if step.kind == MYTH and step.key and step.key not in ex.shown_myths:
            ex.reveal_myth(step.key)  # a card is a question first: the first press shows the answer
            self.refresh()
            return
        if step.kind == PREDICT and not ex.revealing and ex.missing_predictions and not self._warned_missing:
            self._warned_missing = True  # say what is missing once; the next press reveals anyway
            self.refresh()
            return
        if ex.at_end:
            self.leaveRequested.emit()
            return
        ex.next()
        self.refresh()

    def back(self) -> None:
        self.exercise.back()
        self.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key = Qt.Key(event.key())
        ex = self.exercise
        if key in NEXT_KEYS:
            self.advance()
        elif key in BACK_KEYS:
            self.back()
        elif key == Qt.Key.Key_Escape:
            self.leaveRequested.emit()
        elif key == Qt.Key.Key_F5 and not self.presentation:
            self.presentRequested.emit()
        elif ex.step.kind == PREDICT and not ex.revealing and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            rows = len(ex.scored_areas) + 1
            self.row = (self.row + (1 if key == Qt.Key.Key_Down else -1)) % rows
            self.refresh()
        elif ex.step.kind == PREDICT and not ex.revealing and key in RATING_KEYS:
            keys = [*ex.scored_areas, BAND_ROW]
            row_key = keys[min(self.row, len(keys) - 1)]
            index = RATING_KEYS[key]
            if row_key == BAND_ROW:
                if key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
                    self.choose(row_key, BAND_ORDER[index])
            else:
                self.choose(row_key, PREDICTABLE_RATINGS[index], then_next_row=True)
        elif ex.step.kind == MYTH and key in (Qt.Key.Key_T, Qt.Key.Key_F):
            self.answer_myth(key == Qt.Key.Key_T)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            bar = self.scroll.verticalScrollBar()
            step = bar.singleStep() * 3 * (1 if key == Qt.Key.Key_Down else -1)
            bar.setValue(bar.value() + step)
        else:
            super().keyPressEvent(event)


def _points(value: float) -> str:
    """Marks come in halves: 2½, not 2.5, on a slide."""
    whole, half = int(value), value % 1 >= 0.5
    return (f"{whole}½" if whole else "½") if half else str(whole)


class PresentationWindow(QWidget):
    """The exercise on its own full screen, for a projector; Esc hands back to the window."""

    closed = Signal()

    def __init__(self, exercise: Exercise, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"lendready — {for_display(exercise.title)}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = ExerciseView(exercise, presentation=True)
        self.view.leaveRequested.connect(self.close)
        layout.addWidget(self.view)
        self.setStyleSheet(f"background: {PRESENT_BACKGROUND};")

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[arg-type]
        self.view.apply_style()  # the screen (and so the type size) is known only once shown
        self.view.refresh()
        self.view.setFocus()

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        self.closed.emit()
        super().closeEvent(event)  # type: ignore[arg-type]
