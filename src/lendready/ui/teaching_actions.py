"""The Teach and Help menus' work: exercises, presentation, handouts and the offline help.

Kept out of the main window so that window stays about editing a case; this
object borrows the window's open session and central stack, and gives them back
unchanged when an exercise ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence

from lendready.domain.files.outside_text import for_display
from lendready.domain.teaching.samples import Sample, sample_for

if TYPE_CHECKING:
    from lendready.domain.teaching.exercise import Exercise
    from lendready.ui.background import Job
    from lendready.ui.exercise_view import ExerciseView, PresentationWindow
    from lendready.ui.help_browser import HelpBrowser
    from lendready.ui.main_window import MainWindow

# The exercise, presentation, help and session-pack windows load when first asked for, not at start-up.
HELP_TOPICS = (("primer", "Primer"), ("legal_forms", "Legal forms"), ("myths", "Myths and facts"),
               ("glossary", "Glossary"))


class TeachingActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.exercise: Exercise | None = None
        self.view: ExerciseView | None = None
        self.presentation: PresentationWindow | None = None
        self.help: HelpBrowser | None = None

    # -- menus -------------------------------------------------------------------------
    def add_teach_menu(self, bar: Any) -> list[QAction]:
        """The Teach menu; returns the actions that need an open case."""
        w = self.window
        menu = bar.addMenu("&Teach")
        exercise = w._action(menu, "Start an &exercise on this case", lambda: self.start_exercise(),
                             QKeySequence("Ctrl+T"))
        exercise.setStatusTip("Hide the explainer; the room predicts each area's rating, then the app reveals them")
        present = w._action(menu, "&Present full screen", lambda: self.start_exercise(present=True),
                            QKeySequence("F5"))
        present.setStatusTip("The exercise in large, high-contrast type for a projector")
        menu.addSeparator()
        handout = w._action(menu, "Trainer's &handout (PDF)…", lambda: self.export_handout())
        handout.setStatusTip("The exercise sheet for the room, then the answers on separate pages")
        pack = w._action(menu, "&Session pack (PDF)…", lambda: self.export_session_pack())
        pack.setStatusTip("Several sample cases for one session: exercise sheets, answers, myths and glossary")
        return [exercise, present, handout]

    def add_help_topics(self, menu: Any) -> None:
        using = self.window._action(menu, "&Using lendready…", lambda: self.show_using())
        using.setStatusTip("How sections, the explainer, what-ifs, exercises, export and recovery work; every shortcut")
        menu.addSeparator()
        for i, (topic, title) in enumerate(HELP_TOPICS):
            shortcut = QKeySequence("Ctrl+F1") if i == 0 else None
            self.window._action(menu, f"{title}…", lambda _=False, t=topic: self.show_help(t), shortcut)
        menu.addSeparator()

    # -- exercise ------------------------------------------------------------------------
    def start_exercise(self, present: bool = False) -> ExerciseView | None:
        """Swap the case's panes for the exercise (the explainer disappears with them)."""
        w = self.window
        if w.session is None:
            return None
        if self.view is None:
            from lendready.domain.teaching.exercise import Exercise
            from lendready.ui.exercise_view import ExerciseView

            w.commit_pending()
            sample = self.sample()
            meta = sample.meta if sample is not None else None
            self.exercise = Exercise.from_case(w.session.case, w.knowledge, meta)
            self.view = ExerciseView(self.exercise)
            self.view.leaveRequested.connect(self.leave_exercise)
            self.view.presentRequested.connect(self.present)
            w.central.addWidget(self.view)
        w.central.setCurrentWidget(self.view)
        w.setWindowTitle(f"Exercise: {for_display(self.exercise.title) if self.exercise else ''}")
        self.view.setFocus()
        if present:
            self.present()
        return self.view

    def open_as_exercise(self, path: str) -> ExerciseView | None:
        """From the start page: open a sample and go straight into its exercise."""
        return self.start_exercise() if self.window.open_path(path) else None

    def present(self) -> PresentationWindow | None:
        if self.exercise is None:
            return None
        if self.presentation is None:
            from lendready.ui.exercise_view import PresentationWindow

            self.presentation = PresentationWindow(self.exercise)
            self.presentation.closed.connect(self._presentation_closed)
            screen = self.window.screen()
            if screen is not None and QGuiApplication.platformName() == "xcb":
                # X11 with no window manager (a kiosk PC, Xvfb) ignores the full-screen request: size it too.
                self.presentation.resize(screen.size())
                self.presentation.move(screen.geometry().topLeft())
        self.presentation.showFullScreen()
        return self.presentation

    def _presentation_closed(self) -> None:
        self.presentation = None
        if self.view is not None:
            self.view.refresh()  # the room may have moved on while presenting
            self.view.setFocus()

    def leave_exercise(self) -> None:
        w = self.window
        if self.presentation is not None:
            self.presentation.close()
        if self.view is not None:
            w.central.removeWidget(self.view)
            self.view.deleteLater()
        self.view = None
        self.exercise = None
        if w.workspace is not None:
            w.central.setCurrentWidget(w.shown_workspace())
        w._update_title()

    # -- handouts ----------------------------------------------------------------------
    def sample(self) -> Sample | None:
        """The sample the open case is: the same answers as one (edited, it is a case of one's own)."""
        w = self.window
        return sample_for(w.session.case, w.knowledge, w.samples) if w.session is not None else None

    def export_handout(self) -> bool:
        """The open case's handout: the trainer's briefing, the same document as File → Export briefing gives."""
        return self.window.export_briefing("trainer")

    def export_session_pack(self, chosen: list[Any] | None = None) -> bool:
        """Pick samples (the open one ticked), then write one pack for the session (off the GUI thread)."""
        from PySide6.QtWidgets import QDialog  # dialogs load when first used

        from lendready.report import write_session_pack

        w = self.window
        if w.busy():
            return False
        if chosen is None:
            from lendready.ui.session_pack_dialog import SessionPackDialog

            dialog = SessionPackDialog(w.samples, w)
            current = self.sample()
            if current is not None:
                dialog.check([current.id])
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            chosen = dialog.chosen()
        if not chosen:
            return False
        target = w.ask_pdf_path("Session pack", "lendready session pack.pdf")
        if target is None:
            return False
        inputs = [Path(s.path) for s in chosen if getattr(s, "path", None) is not None]
        if w.session is not None and w.session.path is not None:
            inputs.append(w.session.path)
        if w.refuse_input_as_output(target, inputs, "session pack"):
            return False
        samples, knowledge = list(chosen), w.knowledge  # samples are read from the library, not the open case

        def work(job: Job) -> object:
            return write_session_pack(target, samples, knowledge, on_page=job.on_page)

        return w.write_pdf("session pack", target, work)

    # -- help --------------------------------------------------------------------------
    def _help_browser(self) -> HelpBrowser:
        if self.help is None:
            from lendready.ui.help_browser import HelpBrowser

            self.help = HelpBrowser(self.window.knowledge, self.window)
        return self.help

    def show_help(self, topic: str) -> HelpBrowser:
        self._help_browser().show_topic(topic)
        return self._help_browser()

    def show_using(self) -> HelpBrowser:
        """Help → Using lendready: the prose and every shortcut, read from the menus as they are now."""
        from lendready.ui.using_help import USING_TITLE, USING_TOPIC, using_html

        browser = self._help_browser()
        browser.show_page(USING_TOPIC, USING_TITLE, using_html(self.window.menuBar()))
        return browser

