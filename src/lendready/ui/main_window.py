"""The main window: sections on the left, questions in the middle, the explainer on the right.

Every edit goes through :class:`lendready.model.session.CaseSession`, which owns the
answers, the unsaved flag and the live assessment; the window only shows what
the session says. Work is never lost: a recovery copy is written every 30
seconds and on leaving a section while there are unsaved changes, saving is
atomic, and closing with unsaved changes asks first.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QByteArray, QStandardPaths, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStackedWidget

from lendready.domain.engine.resource_cache import ResourceError
from lendready.domain.files.outside_text import for_display
from lendready.domain.teaching.samples import Sample, load_samples
from lendready.model.recovery import RecoveryEntry, RecoveryStore, restore_question
from lendready.model.settings import Settings, load_settings, save_settings
from lendready.resources import resources_dir
from lendready.ui.background import Background, Job
from lendready.ui.register_actions import RegisterActions  # issue 19: the Register menu (light at import)
from lendready.ui.start_page import StartPage
from lendready.ui.teaching_actions import TeachingActions

if TYPE_CHECKING:
    from lendready.domain.engine.knowledge import Knowledge
    from lendready.model.session import CaseSession
    from lendready.model.what_if import WhatIf
    from lendready.ui.section_view import SectionView
    from lendready.ui.what_if_banner import WhatIfBanner
    from lendready.ui.workspace import Workspace

AUTOSAVE_MS = 30_000
APP_NAME = "lendready"
FILE_FILTER = "lendready cases (*.lendready)"
STILL_OPEN = "Your answers are still open here and in the recovery copy."
# What a PDF writer may fail with that is the file's or the machine's doing, not a bug: shown, not a crash.
PDF_FAILURES: tuple[type[BaseException], ...] = (OSError, ValueError, ResourceError, MemoryError, RecursionError)


class _WhatIfLayer(NamedTuple):
    """A what-if on show: the model (case + copy), the copy's workspace and its banner."""

    model: WhatIf
    workspace: Workspace
    banner: WhatIfBanner


def sample_library() -> list[Sample]:
    """The sample cases with their stories, for the start page, the menu and exercises."""
    return load_samples(resources_dir(), [])


class MainWindow(QMainWindow):
    def __init__(
        self,
        knowledge: Knowledge | None = None,
        settings: Settings | None = None,
        recovery: RecoveryStore | None = None,
        autosave_ms: int = AUTOSAVE_MS,
    ) -> None:
        super().__init__()
        self._knowledge = knowledge
        self.settings = settings if settings is not None else load_settings()
        self.recovery = recovery or RecoveryStore()
        self.session: CaseSession | None = None
        self.workspace: Workspace | None = None
        self.what_if_layer: _WhatIfLayer | None = None  # a what-if shown over the case, if any
        self._undo_apply: tuple[tuple[dict[str, Any], dict[str, str]], int] | None = None  # after Apply
        self._saved_recovery_revision = -1
        self._last_folder: Path | None = None  # where the last file was opened, saved or exported
        self._export_target: Path | None = None  # the file the export dialog chose, until the export uses it
        self.background = Background.of(self)  # imports and PDFs: off the GUI thread, one at a time

        self.samples = sample_library()
        self.teach = TeachingActions(self)
        self.register_actions = RegisterActions(self)  # issue 19: Cases view, save to register, history
        self.start_page = StartPage([(str(s.path), s.meta.title, s.meta.summary) for s in self.samples])
        self.start_page.newCase.connect(self.new_case)
        self.start_page.openRequested.connect(self.choose_file)
        self.start_page.pathChosen.connect(self.open_path)
        self.start_page.exerciseChosen.connect(self.teach.open_as_exercise)
        self.central = QStackedWidget()
        self.central.addWidget(self.start_page)
        self.setCentralWidget(self.central)

        self._build_menus()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(autosave_ms)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()

        self.resize(1320, 860)
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray(base64.b64decode(self.settings.window_geometry)))
        self._show_start()

    @property
    def knowledge(self) -> Knowledge:
        """The questionnaire and rules, loaded when first needed: the start page shows without them."""
        if self._knowledge is None:
            from lendready.domain.engine.knowledge import load

            self._knowledge = load()
        return self._knowledge

    # -- menus and shortcuts ----------------------------------------------------
    def _action(
        self, menu: Any, text: str, slot: Any, shortcut: QKeySequence | QKeySequence.StandardKey | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New case…", self.show_start, QKeySequence.StandardKey.New)
        self._action(file_menu, "&Open case…", self.choose_file, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        sample_menu = file_menu.addMenu("Open &sample case")
        for sample in self.samples:
            self._action(sample_menu, sample.meta.title, lambda _=False, p=str(sample.path): self.open_path(p))
        file_menu.addSeparator()
        self.save_action = self._action(file_menu, "&Save", self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(file_menu, "Save &as…", self.save_as, QKeySequence("Ctrl+Shift+S"))
        self.export_action = self._action(
            file_menu, "&Export briefing (PDF)…", lambda: self.export_briefing(), QKeySequence("Ctrl+Shift+E")
        )
        self.close_action = self._action(file_menu, "&Close case", self.close_case, QKeySequence("Ctrl+W"))
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence("Ctrl+Q"))

        edit_menu = bar.addMenu("&Edit")
        self.undo_apply_action = self._action(edit_menu, "&Undo applying the what-if", self.undo_apply_what_if,
                                              QKeySequence("Ctrl+Shift+Z"))
        self.undo_apply_action.setEnabled(False)

        go_menu = bar.addMenu("&Go")
        self.next_action = self._action(go_menu, "&Next section", self.next_section, QKeySequence("Ctrl+PgDown"))
        self.previous_action = self._action(
            go_menu, "&Previous section", self.previous_section, QKeySequence("Ctrl+PgUp")
        )
        self._action(go_menu, "Go to the &explainer", self.focus_explainer, QKeySequence("Ctrl+E"))
        self._action(go_menu, "Go to the &sections list", self.focus_sections, QKeySequence("Ctrl+L"))

        teach_actions = self.teach.add_teach_menu(bar)
        register_actions = self.register_actions.add_menu(bar)  # issue 19: the Register menu

        help_menu = bar.addMenu("&Help")
        self.teach.add_help_topics(help_menu)
        self._action(help_menu, "&About lendready", self.about)
        self.case_actions = [self.save_action, self.save_as_action, self.export_action, self.close_action,
                             self.next_action, self.previous_action, *teach_actions, *register_actions]

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.settings.existing_recent()
        for path in paths:
            self._action(self.recent_menu, path, lambda _=False, p=path: self.open_path(p))
        if not paths:
            empty = self.recent_menu.addAction("No recent cases")
            empty.setEnabled(False)

    # -- pages ------------------------------------------------------------------
    def _show_start(self) -> None:
        self.start_page.set_recent(self.settings.existing_recent())
        self.central.setCurrentWidget(self.start_page)
        for action in self.case_actions:
            action.setEnabled(False)
        self._update_title()

    def show_start(self) -> None:
        """Ctrl+N: back to the start page to choose a role (after dealing with unsaved work)."""
        if self.session is not None and not self.close_case():
            return
        self._show_start()

    def _install(self, session: CaseSession, section: str | None = None, wording: str | None = None) -> None:
        """Show ``session`` in a fresh workspace, worded for ``wording`` (default: who prepared it)."""
        self.teach.leave_exercise()
        self._drop_what_if()
        old = self.workspace
        self.session = session
        self._undo_apply = None  # belongs to the case it was applied to
        from lendready.ui.workspace import Workspace  # the start page shows first, without it

        self.workspace = Workspace(session, wording or session.role)
        ws = self.workspace
        session.audience = ws.wording
        ws.role_choice.currentIndexChanged.connect(self._wording_changed)
        self._wire(ws)
        self.central.addWidget(ws)
        self.central.setCurrentWidget(ws)
        if old is not None:
            self.central.removeWidget(old)
            old.deleteLater()
        for action in self.case_actions:
            action.setEnabled(True)
        self.settings.last_role = ws.wording  # type: ignore[assignment]
        self._saved_recovery_revision = -1
        ids = [s.id for s in self.knowledge.questionnaire.sections]
        ws.sections.setCurrentRow(ids.index(section) if section in ids else 0)
        self.refresh()

    def _wire(self, ws: Workspace) -> None:
        """Connect a workspace (the case's or a what-if's) to the window; each acts on the one showing."""
        ws.sections.currentRowChanged.connect(self._section_changed)
        ws.previous_button.clicked.connect(self.previous_section)
        ws.next_button.clicked.connect(self.next_section)
        ws.explainer.questionRequested.connect(self.go_to_question)
        ws.what_if.tryProposal.connect(self.open_what_if)
        ws.right_tabs.currentChanged.connect(lambda _index: self._refresh_what_if())
        for view in ws.views.values():
            view.answerChanged.connect(self._answer_changed)
            view.noteChanged.connect(self._note_changed)
            view.unreadChanged.connect(self._unread_changed)
        if self.settings.splitter_state:
            ws.splitter.restoreState(QByteArray(base64.b64decode(self.settings.splitter_state)))

    def _current(self) -> tuple[CaseSession | None, Workspace | None]:
        """The session and workspace on show: the what-if's while one is open, else the case's."""
        layer = self.what_if_layer
        if layer is not None:
            return layer.model.session, layer.workspace
        return self.session, self.workspace

    def shown_workspace(self) -> Workspace | None:
        return self._current()[1]

    # -- what-ifs: a layer over the case, never instead of it --------------------------
    def open_what_if(self, changes: dict[str, Any]) -> None:
        """Try ``changes`` on a copy shown over the case; the case stays open, untouched, as it was.

        From inside a what-if, a further proposal is tried on the same what-if.
        """
        if self.session is None or self.workspace is None:
            return
        layer = self.what_if_layer
        if layer is not None:
            layer.model.session.set_answers(changes)
            for view in layer.workspace.views.values():
                view.set_answers(layer.model.session.answers, layer.model.session.notes)
            self.refresh()
            return
        from lendready.model.what_if import WhatIf
        from lendready.ui.what_if_banner import WhatIfBanner
        from lendready.ui.workspace import Workspace

        self.commit_pending()  # typed but unconfirmed text is the case's, and the what-if starts from it
        model = WhatIf(self.session, changes)
        case_ws = self.workspace
        ws = Workspace(model.session, case_ws.wording)
        model.session.audience = ws.wording
        ws.role_choice.setEnabled(False)  # a view setting of the case: changed there, not in a what-if
        ws.role_choice.setToolTip("Go back to the case to change the wording")
        banner = WhatIfBanner(self.knowledge, for_display(self.session.display_name))
        ws.set_banner(banner)
        self.what_if_layer = _WhatIfLayer(model, ws, banner)
        self._wire(ws)
        ws.splitter.restoreState(case_ws.splitter.saveState())  # the panes where the user left them
        ws.explainer.compare_from(self.session.assessment, ws.wording)  # "what changed" is against the case
        banner.backRequested.connect(self.back_to_case)
        banner.applyRequested.connect(self.apply_what_if)
        self.central.addWidget(ws)
        ws.right_tabs.setCurrentIndex(case_ws.right_tabs.currentIndex())
        first = next((c.question for c in model.changes()), None)
        section = (self.session.section_of(first) if first else None) or case_ws.current_section()
        ids = [s.id for s in self.knowledge.questionnaire.sections]
        ws.sections.setCurrentRow(ids.index(section) if section in ids else case_ws.sections.currentRow())
        self.central.setCurrentWidget(ws)
        self.refresh()
        banner.back_button.setFocus()
        self.statusBar().showMessage("What-if: your case is unchanged. Apply these changes to keep them.", 8000)

    def back_to_case(self) -> None:
        """Leave the what-if: the case shows exactly as it was left (section, scroll, unsaved state)."""
        if self.what_if_layer is None:
            return
        self._drop_what_if()
        if self.workspace is not None:
            self.central.setCurrentWidget(self.workspace)
            self.workspace.views[self.workspace.current_section()].setFocus()
        self._update_title()

    def apply_what_if(self) -> bool:
        """Put the what-if's answers into the case as one change, then go back to the case."""
        layer = self.what_if_layer
        if layer is None or self.session is None or self.workspace is None:
            return False
        for view in layer.workspace.views.values():
            view.commit_pending()
        count = len(layer.model.changes())
        undo = layer.model.undo_for_apply()
        changed = layer.model.apply()
        self.back_to_case()
        if changed:
            self._undo_apply = (undo, self.session.revision)
            for view in self.workspace.views.values():
                view.set_answers(self.session.answers, self.session.notes)
            self.refresh()
            self.statusBar().showMessage(
                f"Applied {count} change{'s' if count != 1 else ''} to the case (not saved yet). "
                "Edit > Undo applying the what-if (Ctrl+Shift+Z) puts the answers back.", 12000)
        return changed

    def undo_apply_what_if(self) -> bool:
        """Put back the answers an applied what-if replaced, while nothing else has been edited since."""
        if not self._can_undo_apply() or self.session is None or self.workspace is None:
            return False
        (answers, notes), _ = self._undo_apply  # type: ignore[misc]
        self._undo_apply = None
        changed = self.session.set_answers(answers, notes)
        for view in self.workspace.views.values():
            view.set_answers(self.session.answers, self.session.notes)
        self.refresh()
        self.statusBar().showMessage("Put back the answers the what-if had replaced.", 8000)
        return changed

    def _can_undo_apply(self) -> bool:
        """Only straight after applying: an undo over later edits would throw those edits away."""
        return (self._undo_apply is not None and self.session is not None and self.what_if_layer is None
                and self.session.revision == self._undo_apply[1])

    def _drop_what_if(self) -> None:
        """Forget the what-if (it is not a file: nothing to save, nothing to ask)."""
        layer, self.what_if_layer = self.what_if_layer, None
        if layer is not None:
            self.central.removeWidget(layer.workspace)
            layer.workspace.deleteLater()

    def _refresh_banner(self) -> None:
        layer = self.what_if_layer
        if layer is None or self.session is None:
            return
        layer.banner.show_state(layer.model.changes(layer.workspace.wording), layer.model.session.assessment.band,
                                self.session.assessment.band)

    def _reader(self) -> str:
        """The wording the reader chose: the open case's, else the last one used (opening keeps it)."""
        return self.workspace.wording if self.workspace is not None else self.settings.last_role

    def _wording_changed(self, index: int) -> None:
        """Reword the questions and explanations; the case itself (and who prepared it) is unchanged."""
        if self.session is None or self.workspace is None:
            return
        wording = self.workspace.role_choice.itemData(index)
        if wording and wording != self.workspace.wording:
            self.commit_pending()
            self._install(self.session, self.workspace.current_section(), wording)

    def new_case(self, role: str) -> None:
        from lendready.model.session import CaseSession

        self._install(CaseSession.new(self.knowledge, role))

    def choose_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first used

        path, _ = QFileDialog.getOpenFileName(self, "Open case", str(self.start_folder()), FILE_FILTER)
        if path:
            self._last_folder = Path(path).parent
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open through the engine's loader; a refused file shows why and changes nothing."""
        from lendready.domain.files.case_file import CaseFileError
        from lendready.model.session import CaseSession
        from lendready.ui.widgets import messages  # dialogs load when first used

        try:
            session = CaseSession.open(self.knowledge, path)
        except CaseFileError as exc:
            messages.warn(self, "lendready cannot open this file", f"{Path(path).name}: {exc}")
            return False
        reader = self._reader()  # the reader's choice of wording, kept whatever file opens
        if self.session is not None and not self.close_case():
            return False
        samples_dir = (resources_dir() / "samples").resolve()
        if session.path is not None and session.path.parent == samples_dir:
            session.path = None  # a sample is a template: saving asks where, never overwrites it
        else:
            self.settings.add_recent(path)
        self._install(session, wording=reader)
        for warning in session.case.warnings:
            self.statusBar().showMessage(f"Kept an answer this version does not know: {warning}", 8000)
        return True

    # -- editing ----------------------------------------------------------------
    def _session_of_sender(self) -> CaseSession | None:
        """The session whose workspace sent the signal being handled: the what-if's or the case's."""
        layer, sender = self.what_if_layer, self.sender()
        if layer is not None and sender is not None and layer.workspace.isAncestorOf(sender):  # type: ignore[arg-type]
            return layer.model.session
        return self.session

    def _answer_changed(self, qid: str, value: Any) -> None:
        session = self._session_of_sender()
        if session is not None and session.set_answer(qid, value):
            self.refresh()

    def _note_changed(self, qid: str, text: str) -> None:
        session = self._session_of_sender()
        if session is not None and session.set_note(qid, text):
            self._update_title()

    def refresh(self) -> None:
        """Show what the session on show now says: skip logic, inline problems, progress, the explainer."""
        session, ws = self._current()
        if session is None or ws is None:
            return
        validated = session.validated
        relevant = set(validated.relevant)
        problems = session.problems()
        view = ws.views[ws.current_section()]
        view.apply_relevance(relevant)
        view.set_problems(problems)
        self._update_forecast_opening_cash(view, session)
        self._show_progress(session, ws)
        ws.explainer.show_assessment(session.assessment, ws.wording)
        self._refresh_what_if()
        self._refresh_banner()
        self._update_title()
        self.undo_apply_action.setEnabled(self._can_undo_apply())

    def _show_progress(self, session: CaseSession, ws: Workspace) -> None:
        """Each section's progress; typed text that is no answer ("abc" for an amount) is "to correct" too."""
        progress = session.progress()
        relevant = set(session.validated.relevant)
        problems = session.problems()
        for row, section in enumerate(self.knowledge.questionnaire.sections):
            shown = progress[section.id]
            unread = [q for q in ws.views[section.id].unread_questions() if q in relevant and q not in problems]
            if unread:
                shown = shown._replace(problems=shown.problems + len(unread))
            ws.sections.set_progress(row, section.title_for(ws.wording), shown)

    def _unread_changed(self) -> None:
        session, ws = self._current()
        if session is not None and ws is not None:
            self._show_progress(session, ws)

    def _refresh_what_if(self) -> None:
        """Only while its tab is showing: stress tests and proposals cost ~10 ms per change."""
        session, ws = self._current()
        if session is not None and ws is not None and ws.right_tabs.currentWidget() is ws.what_if:
            ws.what_if.show_case(session)

    def _update_forecast_opening_cash(self, view: SectionView, session: CaseSession) -> None:
        from lendready.ui.forecast_table import ForecastEditor

        cash = session.validated.values.get("fin.cash")
        for editor in view.findChildren(ForecastEditor):
            editor.set_opening_cash(cash)

    def _section_changed(self, row: int) -> None:
        ws = self.shown_workspace()
        if ws is None or row < 0:
            return
        ws.stack.setCurrentIndex(row)
        ws.previous_button.setEnabled(row > 0)
        ws.next_button.setEnabled(row < ws.sections.count() - 1)
        self.autosave()  # leaving a section is a natural point to secure the work
        self.refresh()

    def next_section(self) -> None:
        ws = self.shown_workspace()
        if ws is not None and ws.sections.currentRow() < ws.sections.count() - 1:
            ws.sections.setCurrentRow(ws.sections.currentRow() + 1)
            ws.views[ws.current_section()].setFocus()

    def previous_section(self) -> None:
        ws = self.shown_workspace()
        if ws is not None and ws.sections.currentRow() > 0:
            ws.sections.setCurrentRow(ws.sections.currentRow() - 1)
            ws.views[ws.current_section()].setFocus()

    def go_to_question(self, qid: str) -> None:
        """From the explainer's evidence to the question itself."""
        ws = self.shown_workspace()
        if self.session is None or ws is None:
            return
        section = self.session.section_of(qid)
        if section is None:
            return
        ids = [s.id for s in self.knowledge.questionnaire.sections]
        ws.sections.setCurrentRow(ids.index(section))
        ws.views[section].focus_question(qid)

    def focus_explainer(self) -> None:
        ws = self.shown_workspace()
        if ws is not None:
            ws.right_tabs.setCurrentWidget(ws.explainer)
            ws.explainer.setFocus()

    def focus_sections(self) -> None:
        ws = self.shown_workspace()
        if ws is not None:
            ws.sections.setFocus()

    # -- saving, recovery, closing -----------------------------------------------
    def _update_title(self) -> None:
        """Just the document's name: Qt adds " — lendready" (the display name) itself where the platform does."""
        if self.session is None:
            self.setWindowTitle(APP_NAME)  # ends with the display name, so Qt adds nothing
            self.setWindowModified(False)
            return
        name = for_display(self.register_actions.display_name(self.session))  # issue 19: a registered case's name
        self.setWindowTitle(f"What-if on {name}[*]" if self.what_if_layer is not None else f"{name}[*]")
        self.setWindowModified(self.session.dirty)  # the case's unsaved state, a what-if showing or not

    def commit_pending(self) -> None:
        """Text typed but not yet confirmed (no Enter, focus still in the box) counts too."""
        for ws in (self.workspace, self.what_if_layer.workspace if self.what_if_layer else None):
            for view in ws.views.values() if ws is not None else ():
                view.commit_pending()

    def save(self) -> bool:
        if self.session is None:
            return False
        self.commit_pending()
        if self.session.path is None and self.register_actions.origin is not None:
            return self.register_actions.save_to_register()  # issue 19: a case from the register saves there
        if self.session.path is None:
            return self.save_as()
        return self._save_to(self.session.path)

    def save_as(self, suggested: str | None = None) -> bool:
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first used

        if self.session is None:
            return False
        if suggested is None:
            suggested = self.session.display_name
            name = self.session.answers.get("org.name")
            if self.session.path is None and isinstance(name, str) and name.strip():
                suggested = "".join(c for c in name if c.isalnum() or c in " -_").strip() + ".lendready"
        start = self.start_folder() / suggested
        path, _ = QFileDialog.getSaveFileName(self, "Save case as", str(start), FILE_FILTER)
        if not path:
            return False
        self._last_folder = Path(path).parent
        return self._save_to(Path(path))

    def _save_to(self, path: Path, *, overwrite_changed: bool = False) -> bool:
        """Save, or say why not; someone else's newer file on a shared drive is never replaced unasked."""
        from lendready.domain.files.case_file import CaseSaveError, ChangedOnDisk, ReadOnlyCase
        from lendready.ui.widgets import messages  # dialogs load when first used

        assert self.session is not None
        try:
            saved = self.session.save(path, overwrite_changed=overwrite_changed)
        except ChangedOnDisk:
            return self._changed_on_disk(path)
        except ReadOnlyCase as exc:
            answer = messages.choose(
                self, messages.Icon.Warning, "lendready could not save", f"The case was not saved: {exc}.",
                [("save_as", "Save as…", messages.Role.AcceptRole), ("cancel", "Cancel", messages.Role.RejectRole)],
                informative=STILL_OPEN, default="save_as",
            )
            return answer == "save_as" and self.save_as(self._copy_name(path))
        except CaseSaveError as exc:  # too large to open again, or another refusal: nothing was written
            messages.warn(self, "lendready could not save", f"The case was not saved: {exc}.", STILL_OPEN)
            return False
        except OSError as exc:
            messages.warn(
                self, "lendready could not save", f"The case was not saved to {path}: {exc.strerror or exc}.",
                f"{STILL_OPEN} Try Save as… another folder.",
            )
            return False
        self.recovery.discard(self.session.case)
        self._saved_recovery_revision = -1
        self.settings.add_recent(saved)
        save_settings(self.settings)
        if self.what_if_layer is not None:  # Save saves the case; a what-if is never a file
            self.statusBar().showMessage(f"Saved the case to {saved}. The what-if is not saved: apply its "
                                         "changes to keep them.", 8000)
        else:
            self.statusBar().showMessage(f"Saved {saved}", 5000)
        self._update_title()
        return True

    def _changed_on_disk(self, path: Path) -> bool:
        """Someone else saved this file since it was opened here: keep both, replace theirs, or wait."""
        from lendready.ui.widgets import messages  # dialogs load when first used

        answer = messages.choose(
            self, messages.Icon.Warning, "Changed by someone else",
            f"{path.name} was changed on disk by someone else since you opened it (or since you last saved "
            "it here). Saving now would replace their changes.",
            [("copy", "Save a copy…", messages.Role.AcceptRole),
             ("overwrite", "Overwrite", messages.Role.DestructiveRole),
             ("cancel", "Cancel", messages.Role.RejectRole)],
            informative="Save a copy keeps both: their file as it is and your answers in a new file. "
            f"Overwrite replaces their changes with yours. {STILL_OPEN}",
            default="copy",
        )
        if answer == "copy":
            return self.save_as(self._copy_name(path))
        if answer == "overwrite":
            return self._save_to(path, overwrite_changed=True)
        return False

    @staticmethod
    def _copy_name(path: Path) -> str:
        stem = path.name[: -len(".lendready")] if path.name.endswith(".lendready") else path.name
        return f"{stem} (my copy).lendready"

    def start_folder(self) -> Path:
        """Where Save as, Export and Open start: the open case's folder, else the last folder used in this
        session or the last case saved, else Documents (never the program's own folder)."""
        candidates: list[Path | None] = [
            self.session.path.parent if self.session is not None and self.session.path is not None else None,
            self._last_folder,
            Path(self.settings.recent_files[0]).parent if self.settings.recent_files else None,
        ]
        for folder in candidates:
            if folder is not None and folder.is_dir():
                return folder
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        if documents and Path(documents).is_dir():
            return Path(documents)
        return Path.home()

    def autosave(self) -> None:
        """Copy unsaved work to the private recovery folder (never over the user's own file)."""
        # Deliberately no commit_pending() here: reformatting a box while someone types in it
        # would be worse than losing the last few seconds of one unfinished answer.
        session = self.session
        if session is None or not session.dirty or session.revision == self._saved_recovery_revision:
            return
        from lendready.domain.files.case_file import CaseSaveError  # loaded already: a case is open

        try:
            self.recovery.write(session.case, self.knowledge, session.path)
            self._saved_recovery_revision = session.revision
        except CaseSaveError as exc:  # from a timer: the status bar, never a dialog
            self.statusBar().showMessage(f"Could not write the recovery copy: {exc}. Save your work soon.", 15000)
        except OSError:
            self.statusBar().showMessage("Could not write the recovery copy; save your work soon.", 8000)

    def offer_recovery(self) -> bool:
        """After a crash: offer each unsaved case found in the recovery folder. True if one was restored."""
        if not self.recovery.pending_files():
            self.recovery.sweep()  # leftovers of a killed save, still
            return False  # nothing to offer: no need to load the rules to read it
        entries = self.recovery.pending(self.knowledge)
        if self.recovery.unreadable:
            self.tell_unreadable_recovery()
        for entry in entries:
            answer = self.ask_restore(entry)
            if answer == "restore":
                self.restore(entry)
                return True
            if answer == "discard":
                self.recovery.remove(entry)
        return False

    def tell_unreadable_recovery(self) -> None:
        """Unsaved work lendready cannot read is never deleted silently: say where it is and why."""
        from lendready.ui.widgets import messages  # dialogs load when first used

        lines = [f"{file.name}: {why}" for file, why in self.recovery.unreadable[:5]]
        more = len(self.recovery.unreadable) - len(lines)
        if more > 0:
            lines.append(f"and {more} more")
        messages.warn(
            self, "Unsaved work that cannot be restored",
            "lendready found copies of unsaved work that it cannot read:\n\n" + "\n".join(lines),
            f"They are left as they are in {self.recovery.directory}. Whoever supports lendready can look "
            "at them; delete them there when they are no longer needed.",
        )

    def ask_restore(self, entry: RecoveryEntry) -> str:
        """'restore', 'discard' or 'later' (kept for the next start)."""
        from lendready.ui.widgets import messages  # dialogs load when first used

        question, then = restore_question(entry)
        answer = messages.choose(
            self, messages.Icon.Question, "Restore unsaved work?", question,
            [("restore", "Restore", messages.Role.AcceptRole),
             ("discard", "Discard", messages.Role.DestructiveRole),
             ("later", "Later", messages.Role.RejectRole)],
            informative=then,
            default="restore",
        )
        return answer if answer in ("restore", "discard") else "later"

    def restore(self, entry: RecoveryEntry) -> None:
        from lendready.model.session import CaseSession

        session = CaseSession(self.knowledge, entry.case, entry.original_path)
        session.mark_dirty()
        self.register_actions.restored(session, entry)  # issue 19: a register case keeps its case and version
        self.recovery.remove(entry)
        self._install(session, wording=self._reader())
        self.autosave()  # the restored work is unsaved: keep a recovery copy under this process

    def confirm_discard(self) -> bool:
        """Ask about unsaved changes; True when it is fine to let the case go."""
        from lendready.ui.widgets import messages  # dialogs load when first used

        if self.session is None:
            return True
        self.commit_pending()
        if not self.session.dirty:
            return True
        answer = messages.choose(
            self, messages.Icon.Question, "Save changes?",
            f"{self.session.display_name} has unsaved changes. Save them before closing?",
            [("save", "Save", messages.Role.AcceptRole),
             ("discard", "Discard", messages.Role.DestructiveRole),
             ("cancel", "Cancel", messages.Role.RejectRole)],
            default="save",
        )
        if answer == "save":
            return self.save()
        return answer == "discard"

    def busy(self) -> bool:
        """True, and says so, while a file is being read or written: nothing may start or close then."""
        if self.background.busy:
            self.statusBar().showMessage("lendready is still working on a file; wait for it or press Cancel.", 5000)
            return True
        return False

    def close_case(self) -> bool:
        if self.session is None:
            return True
        if self.busy() or not self.confirm_discard():
            return False
        self._remember_layout()
        self.teach.leave_exercise()
        self._drop_what_if()
        self.recovery.discard(self.session.case)
        self.session = None
        self._undo_apply = None
        self.undo_apply_action.setEnabled(False)
        if self.workspace is not None:
            self.central.removeWidget(self.workspace)
            self.workspace.deleteLater()
            self.workspace = None
        self._show_start()
        return True

    def _remember_layout(self) -> None:
        self.settings.window_geometry = base64.b64encode(bytes(self.saveGeometry())).decode("ascii")
        if self.workspace is not None:
            state = bytes(self.workspace.splitter.saveState())
            self.settings.splitter_state = base64.b64encode(state).decode("ascii")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.background.busy:
            # Closing while a file is read or written: stop that first (a PDF stops at its next page and
            # leaves no file; an import's result is dropped), then close as usual, asking about changes.
            self.background.cancel()
            self.background.after(self.close)
            event.ignore()
            return
        if not self.close_case():
            event.ignore()
            return
        self._remember_layout()
        save_settings(self.settings)
        event.accept()

    def choose_audience(self) -> str | None:
        """The export dialog: which briefing (default: the current wording), each with what it holds, and the
        file it will write. Returns the briefing; the file is kept for :meth:`export_briefing`."""
        from PySide6.QtWidgets import QDialog  # dialogs load when first used

        from lendready.report import suggested_filename
        from lendready.ui.export_dialog import ExportDialog

        if self.session is None:
            return None
        case = self.session.case
        current = self.workspace.wording if self.workspace else "lender"
        dialog = ExportDialog(current, self.start_folder(), lambda a: suggested_filename(case, a), self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            self._export_target = dialog.path()
            self._last_folder = self._export_target.parent
            return dialog.audience()
        finally:
            dialog.deleteLater()

    def ask_pdf_path(self, title: str, suggested: str) -> Path | None:
        """Where to write a PDF: beside the case file by default; ``.pdf`` added when left off."""
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first used

        from lendready.report import PDF_FILTER

        path, _ = QFileDialog.getSaveFileName(self, title, str(self.start_folder() / suggested), PDF_FILTER)
        if not path:
            return None
        self._last_folder = Path(path).parent
        return Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")

    def refuse_input_as_output(self, target: Path, inputs: list[Path], what: str) -> bool:
        """True (and says so) when ``target`` is one of the files the output is made from."""
        from lendready.domain.files.case_file import same_file
        from lendready.ui.widgets import messages  # dialogs load when first used

        for source in inputs:
            if same_file(target, source):
                messages.warn(
                    self, f"lendready did not write the {what}",
                    f"{target} is {source.name}, a case file the {what} is made from. Writing the {what} "
                    "there would replace it.",
                    f"Choose another name for the {what}; the case file was left as it is.",
                )
                return True
        return False

    def write_pdf(self, what: str, target: Path, work: Callable[[Job], object]) -> bool:
        """Run ``work`` (a PDF writer given ``on_page=job.on_page``) off the GUI thread, with progress and Cancel.

        Returns when it has finished, so callers (and tests) read the result at once. Cancel stops
        the build at its next page: the writer is atomic, so no file and no temporary file is left.
        """
        from lendready.ui.widgets import messages  # dialogs load when first used

        title = f"Writing the {what}"
        outcome = self.background.run(work, title=title, label=f"Writing {target.name}…", wait_on_cancel=True)
        if outcome.cancelled:
            self.statusBar().showMessage(f"Cancelled: the {what} was not written.", 8000)
            return False
        if outcome.error is not None:
            error = outcome.error
            if not isinstance(error, PDF_FAILURES):
                raise error  # a bug, not the file's doing: the crash handler logs it and keeps the work
            detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            messages.warn(self, f"lendready could not write the {what}", f"{target}: {detail or type(error).__name__}")
            return False
        self.statusBar().showMessage(f"{what[0].upper()}{what[1:]} written to {target}", 8000)
        return True

    def export_briefing(self, audience: str | None = None) -> bool:
        """Write the PDF briefing through the same assessment as everything else (asks whose, unless told).

        The PDF is built in a worker thread from a copy of the case, so the case cannot change under it;
        this returns once the PDF is written, cancelled or refused.
        """
        from lendready.report import AUDIENCE_TITLES, suggested_filename, write_briefing

        if self.session is None or self.busy():
            return False
        self.commit_pending()
        self._export_target = None
        audience = audience or self.choose_audience()
        if audience is None:
            return False
        target, self._export_target = self._export_target, None  # chosen in the export dialog, if it showed
        if target is None:  # the briefing was given (Teach → Trainer's handout, tests): ask only where
            title = "Export briefing" if audience != "trainer" else AUDIENCE_TITLES[audience]
            target = self.ask_pdf_path(title, suggested_filename(self.session.case, audience))
        if target is None:
            return False
        inputs = [self.session.path] if self.session.path is not None else []
        if self.refuse_input_as_output(target, inputs, "briefing"):
            return False
        case_bytes = None
        if self.session.path is not None and not self.session.dirty:
            from lendready.domain.files.case_file import CaseFileError, read_case_bytes

            try:  # the provenance hash is of the file itself, read as any case file is (regular, bounded)
                case_bytes = read_case_bytes(self.session.path)
            except CaseFileError:
                case_bytes = None
        case, knowledge = copy.deepcopy(self.session.case), self.knowledge

        def work(job: Job) -> object:
            return write_briefing(target, case, knowledge, audience=audience, case_bytes=case_bytes,
                                  on_page=job.on_page)

        return self.write_pdf("briefing", target, work)

    def about(self) -> None:
        from lendready.ui.about_dialog import AboutDialog

        AboutDialog(self.knowledge, self).exec()


