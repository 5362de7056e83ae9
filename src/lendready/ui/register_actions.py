"""The Register menu's work: the Cases view, open and save to the register, conflicts, history, screening.

Kept out of the main window (as the Teach menu's work is) so that window stays about editing a case.
It borrows the window's one :class:`~lendready.model.session.CaseSession` and remembers which
registered case and version that session came from (:class:`RegisterOrigin`), so that "Save to
register" names the version it was based on: when someone else saved since, the register refuses
the save and the conflict dialog shows both sides, answer by answer, and merges them into the same
session, so nothing of either officer's is lost. The Cases view also moves a case along the
pipeline (assign, change status, record a decision), and the crash copy of a registered case keeps
which case and version it came from, so a restored case still saves to the register.

Light at import (the first window builds the menu): the register, SQLAlchemy and the views load
when first used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from lendready.domain.files.case_file import Case
    from lendready.model.recovery import RecoveryEntry
    from lendready.model.register_view import Decided, RegisterOrigin
    from lendready.model.session import CaseSession
    from lendready.register.repository import Register, VersionConflict
    from lendready.ui.main_window import MainWindow
    from lendready.ui.register_cases import CasesView
    from lendready.ui.register_conflict import ConflictDialog
    from lendready.ui.register_decision import DecisionDialog
    from lendready.ui.register_history import HistoryDialog

T = TypeVar("T")


class RegisterActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._register: Register | None = None
        self._origin: tuple[CaseSession, RegisterOrigin] | None = None
        self.cases_view: CasesView | None = None
        self.history_dialog: HistoryDialog | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self.decision_dialog: DecisionDialog | None = None
        window.recovery.register_link = self._recovery_link  # the crash copy keeps the register case and version

    # -- the menu ------------------------------------------------------------------------------
    def add_menu(self, bar: Any) -> list[QAction]:
        """The Register menu; returns the actions that need an open case."""
        w = self.window
        menu = bar.addMenu("&Register")
        cases = w._action(menu, "&Cases…", lambda: self.show_cases(), QKeySequence("Ctrl+Shift+O"))
        cases.setStatusTip("The register's cases by status; filter by officer, band and legal form, search by name")
        self.save_action = w._action(menu, "&Save to register", lambda: self.save_to_register())
        self.save_action.setStatusTip("Save the case as a new version in the register, with a reason")
        history = w._action(menu, "&History…", lambda: self.show_history())
        history.setStatusTip("Every saved version, what changed between any two, and the assessment then and today")
        menu.addSeparator()
        screen = w._action(menu, "Screen a &folder…", lambda: self.screen_folder())
        screen.setStatusTip("Assess every case in a folder (or the register) into one XLSX or CSV portfolio")
        return [self.save_action]

    # -- the register ----------------------------------------------------------------------------
    def use_register(self, register: Register | None) -> None:
        """Use this register (tests, or another one chosen); the settings' one is opened when first needed."""
        self._register = register

    def register(self, *, quiet: bool = False) -> Register | None:
        """The register the settings name, opened (and, for the SQLite one, created) when first asked for."""
        if self._register is None:
            from lendready.register.repository import Register
            from lendready.ui.background import Busy

            settings, knowledge = self.window.settings, self.window.knowledge

            def work(_job: Any) -> Register:
                register = Register.from_settings(settings, knowledge=knowledge)
                register.revision()  # connect now (a server can be slow), not on the first click
                return register

            try:  # opening a team's server, or creating the SQLite one, can take a moment: off the GUI thread
                outcome = self.window.background.run(work, title="Opening the register",
                                                     label="Opening the case register…", wait_on_cancel=False)
            except Busy:
                self.window.busy()
                return None
            if outcome.cancelled:
                return None
            if outcome.error is not None:
                if not quiet:
                    self._cannot(outcome.error, "open the register")
                elif not isinstance(outcome.error, Exception):
                    raise outcome.error
                return None
            self._register = outcome.value
        return self._register

    def waiting(self, label: str, work: Callable[[], T], parent: Any = None) -> T:
        """``work()`` off the GUI thread, its value (or its error raised here), the window painting meanwhile.

        A register on a team's server answers in milliseconds on a good day and in seconds on a bad
        one; a write done on the GUI thread would freeze the window for as long. A progress note
        shows after a moment, without Cancel: the write happens whatever is pressed.
        """
        from lendready.register.repository import RegisterError
        from lendready.ui.background import Background, Busy

        where = parent if parent is not None else self._front()
        try:
            outcome = Background.of(where).run(lambda _job: work(), title="Register", label=label,
                                               wait_on_cancel=True, cancellable=False)
        except Busy:
            raise RegisterError("lendready is still busy with the register; try again in a moment") from None
        if outcome.error is not None:
            raise outcome.error
        value: T = outcome.value
        return value

    def _front(self) -> Any:
        """The register window the user is working in: the Cases view when it shows, else the main window."""
        view = self.cases_view
        return view if view is not None and view.isVisible() else self.window

    def _cannot(self, exc: BaseException, what: str) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from lendready.register.repository import RegisterError
        from lendready.ui.widgets import messages

        if not isinstance(exc, (RegisterError, SQLAlchemyError, OSError)):
            raise exc
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        messages.warn(self.window, f"lendready could not {what}", detail[0] if detail else type(exc).__name__,
                      "Your answers are still open here.")

    @property
    def origin(self) -> RegisterOrigin | None:
        """The registered case and version the open session came from, or None (a file or a new case)."""
        if self._origin is not None and self._origin[0] is self.window.session:
            return self._origin[1]
        return None

    def _recovery_link(self, case: Case) -> RegisterOrigin | None:
        """For the recovery copy: the registered case and version this case came from, if it did."""
        if self._origin is not None and self._origin[0].case is case:
            return self._origin[1]
        return None

    def restored(self, session: CaseSession, entry: RecoveryEntry) -> None:
        """A crash copy is being restored: a registered case's session is again of that case and version, so
        Save to register names the version it was based on (and meets the conflict dialog if the case moved on)."""
        from lendready.model.register_view import RegisterOrigin

        link = entry.register
        if link is None:
            return
        self._origin = (session, RegisterOrigin(link.case_id, link.version))
        self.window.statusBar().showMessage(
            f"Restored unsaved work on version {link.version} from the register: Register → Save to register saves "
            "it as the next version.", 10000)

    def display_name(self, session: CaseSession) -> str:
        """The title bar's name: a registered case that is not also a file is named by its organisation."""
        origin = self.origin if session is self.window.session else None
        if origin is None or session.path is not None:
            return session.display_name
        name = session.answers.get("org.name")
        label = name.strip() if isinstance(name, str) and name.strip() else "Unnamed case"
        return f"{label} (register, version {origin.version})"

    # -- the Cases view ----------------------------------------------------------------------------
    def show_cases(self) -> CasesView | None:
        from lendready.model.register_view import RegisterBrowser
        from lendready.ui.register_cases import CasesView

        register = self.register()
        if register is None:
            return None
        if self.cases_view is None:
            wording = self.window.workspace.wording if self.window.workspace is not None else "lender"
            view = CasesView(RegisterBrowser(register, self.window.knowledge, role=wording), self.window)
            view.openRequested.connect(self.open_case)
            view.historyRequested.connect(self.show_history)
            view.assignRequested.connect(self.assign_case)
            view.moveRequested.connect(self.move_case)
            view.decideRequested.connect(self.decide)
            self.cases_view = view
        self.cases_view.show()
        self.cases_view.raise_()
        self.cases_view.activateWindow()
        self.cases_view.reload()
        return self.cases_view

    def open_case(self, case_id: str) -> bool:
        """Open a registered case (its current version) in the window, after dealing with unsaved work."""
        from lendready.model import register_view

        register = self.register()
        w = self.window
        if register is None or w.busy():
            return False
        try:
            session, origin = register_view.open_case(register, w.knowledge, case_id)
        except Exception as exc:  # noqa: BLE001 - said by _cannot, or raised there when a bug
            self._cannot(exc, "open the case")
            return False
        reader = w._reader()
        if w.session is not None and not w.close_case():
            return False
        self._origin = (session, origin)
        w._install(session, wording=reader)
        if self.cases_view is not None:
            self.cases_view.hide()  # as a file dialog does: the case is what the user wants to see now
        w.statusBar().showMessage(f"Opened version {origin.version} from the register.", 5000)
        return True

    # -- saving ----------------------------------------------------------------------------------
    def ask_reason(self) -> str | None:
        """Why this version is saved (kept in its history); None when the user cancels."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(
            self.window, "Save to register", "Why this version? (kept in the case's history)",
            QLineEdit.EchoMode.Normal, "",
        )
        return text if ok else None

    def save_to_register(self, reason: str | None = None) -> bool:
        """Save the open case as the next version of the one it came from (or register it); True if saved.

        When someone saved the case since, nothing is written and the conflict dialog shows both sides.
        """
        from sqlalchemy.exc import SQLAlchemyError

        from lendready.model.register_view import reopened_note, save_session
        from lendready.register.repository import CaseExists, RegisterError, VersionConflict
        from lendready.ui.widgets import messages

        w = self.window
        session = w.session
        if session is None or w.busy():
            return False
        register = self.register()
        if register is None:
            return False
        w.commit_pending()
        if reason is None:
            reason = self.ask_reason()
            if reason is None:
                return False
        origin = self.origin
        try:
            saved = save_session(register, session, origin, reason,
                                 run=lambda work: self.waiting("Saving to the register…", work))
        except VersionConflict as conflict:
            return self.resolve_conflict(conflict, reason)
        except CaseExists:
            messages.warn(
                w, "This case is already in the register",
                "A case with the same identity is already registered, so saving this copy as a new case would "
                "fork its history.",
                "Open it from Register → Cases… and make your changes there. Your answers are still open here.",
            )
            return False
        except Exception as exc:  # noqa: BLE001 - said by _cannot, or raised there when a bug
            self._cannot(exc, "save to the register")
            return False
        self._origin = (session, saved)
        w.recovery.discard(session.case)
        w._saved_recovery_revision = -1
        w._update_title()
        try:  # off the GUI thread like the save: it reads the register's audit entry for this version
            note = self.waiting("Saving to the register…", lambda: reopened_note(register, saved))
        except (RegisterError, SQLAlchemyError, OSError):
            note = None  # the save stands; only the note on a decision it reopened could not be read
        if note is None:
            w.statusBar().showMessage(f"Saved version {saved.version} to the register.", 5000)
        else:
            messages.inform(w, "Saved to the register", f"Saved version {saved.version} to the register.", note)
        if self.cases_view is not None and self.cases_view.isVisible():
            self.cases_view.reload()
        return True

    def resolve_conflict(self, conflict: VersionConflict, reason: str) -> bool:
        """Show the refused save answer by answer; on Merge, merge into the open case and save again."""
        from PySide6.QtWidgets import QDialog

        from lendready.model.register_view import conflict_rows, merge_into_session, shown
        from lendready.ui.register_conflict import ConflictDialog

        w = self.window
        session = w.session
        if session is None:
            return False
        wording = w.workspace.wording if w.workspace is not None else "lender"
        name = session.answers.get("org.name")
        organisation = shown(name if isinstance(name, str) else "", 80) or "this case"
        dialog = ConflictDialog(conflict_rows(conflict, w.knowledge, wording), conflict.author, conflict.expected,
                                conflict.current, organisation, w)
        self.conflict_dialog = dialog
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                w.statusBar().showMessage("Not saved: the register still has their version; your answers are "
                                          "still open here.", 10000)
                return False
            choices = dialog.choices()
        finally:
            self.conflict_dialog = None
            dialog.deleteLater()
        self._origin = (session, merge_into_session(session, conflict, choices))
        if w.workspace is not None:
            for view in w.workspace.views.values():
                view.set_answers(session.answers, session.notes)
        w.refresh()
        merged_reason = f"{reason} (merged with version {conflict.current})" if reason else \
            f"merged with version {conflict.current}"
        return self.save_to_register(merged_reason)

    # -- history -----------------------------------------------------------------------------------
    def show_history(self, case_id: str | None = None) -> HistoryDialog | None:
        from lendready.model.register_view import CaseHistory
        from lendready.ui.register_history import HistoryDialog
        from lendready.ui.widgets import messages

        w = self.window
        if case_id is None:
            origin = self.origin
            if origin is None:
                messages.warn(w, "No history yet", "The open case is not in the register yet (or no case is open).",
                              "Save it with Register → Save to register, or open a case from Register → Cases….")
                return None
            case_id = origin.case_id
        register = self.register()
        if register is None:
            return None
        wording = w.workspace.wording if w.workspace is not None else "lender"
        if self.history_dialog is not None:
            self.history_dialog.close()
            self.history_dialog.deleteLater()
        dialog = HistoryDialog(CaseHistory(register, w.knowledge, case_id, wording), w)
        try:
            dialog.load()
        except Exception as exc:  # noqa: BLE001 - said by _cannot, or raised there when a bug
            dialog.deleteLater()
            self._cannot(exc, "read the case's history")
            return None
        dialog.decideRequested.connect(self.decide)
        self.history_dialog = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    # -- moving a case along the pipeline ------------------------------------------------------------
    def assign_case(self, case_id: str, officer: str) -> bool:
        """Assign a case to an officer (empty: unassigned); True if the register did."""
        from lendready.model import register_view

        register = self.register()
        if register is None:
            return False
        try:
            name = self.waiting("Assigning the case…", lambda: register_view.assign(register, case_id, officer))
        except Exception as exc:  # noqa: BLE001 - said by _cannot, or raised there when a bug
            self._cannot(exc, "assign the case")
            return False
        said = f"Assigned to {register_view.shown(name, 60)}." if name else "The case is now unassigned."
        self._changed(case_id, said)
        return True

    def move_case(self, case_id: str, status: str) -> bool:
        """Move a case to a status that needs no decision; True if the register did."""
        from lendready.model import register_view

        register = self.register()
        if register is None:
            return False
        try:
            self.waiting("Changing the case's status…", lambda: register_view.move(register, case_id, status))
        except Exception as exc:  # noqa: BLE001 - said by _cannot, or raised there when a bug
            self._cannot(exc, "change the case's status")
            return False
        self._changed(case_id, f"The case is now {register_view.STATUS_LABELS.get(status, status)}.")
        return True

    def decision_dialog_for(self, case_id: str) -> DecisionDialog | None:
        """The decision dialog on a case (not shown), or None when the register cannot be read."""
        from lendready.model import register_view
        from lendready.ui.register_decision import DecisionDialog

        register = self.register()
        if register is None:
            return None
        knowledge = self.window.knowledge
        try:
            form = self.waiting("Reading the case's assessments…",
                                lambda: register_view.decision_form(register, knowledge, case_id))
        except Exception as exc:  # noqa: BLE001 - said by _cannot, or raised there when a bug
            self._cannot(exc, "read the case's assessments")
            return None
        dialog: DecisionDialog | None = None

        def record(assessment_id: int, decision: str, conditions: str) -> Decided:
            return self.waiting("Recording the decision…", lambda: register_view.decide(
                register, assessment_id, decision, conditions), dialog)

        def assess() -> register_view.DecisionForm:
            return self.waiting("Assessing the current version…", lambda: register_view.assess_current(
                register, knowledge, case_id), dialog)

        dialog = DecisionDialog(form, record, self._front(), assess)
        return dialog

    def decide(self, case_id: str) -> bool:
        """Record a decision on a case (the dialog); True if one was recorded. The lists then show its status."""
        from PySide6.QtWidgets import QDialog

        dialog = self.decision_dialog_for(case_id)
        if dialog is None:
            return False
        self.decision_dialog = dialog
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.decided is None:
                return False
            decided = dialog.decided
        finally:
            self.decision_dialog = None
            dialog.deleteLater()
        self._changed(case_id, decided.message)
        return True

    def _changed(self, case_id: str, message: str) -> None:
        """The register changed a case: show it in the open lists, the same case still chosen."""
        view = self.cases_view
        if view is not None and view.isVisible():
            view.reload()
            view.select_case(case_id)
        history = self.history_dialog
        if history is not None and history.isVisible() and history.pane.history.case_id == case_id:
            try:
                history.load()
            except Exception as exc:  # noqa: BLE001 - said by _cannot, or raised there when a bug
                self._cannot(exc, "read the case's history")
        self.window.statusBar().showMessage(message, 8000)

    # -- screening ---------------------------------------------------------------------------------
    def screening_dialog(self) -> Any:
        from lendready.model.session import CaseSession
        from lendready.ui.register_screening import ScreeningDialog

        w = self.window
        return ScreeningDialog(w.knowledge, w.start_folder(), CaseSession.today(), self.register(quiet=True), w)

    def screen_folder(self) -> bool:
        """Screen a folder (or the register) into a portfolio; True if one was written."""
        dialog = self.screening_dialog()
        try:
            dialog.exec()
            return dialog.written is not None
        finally:
            dialog.deleteLater()


__all__ = ["RegisterActions"]
