"""What the app's register views show and do, Qt-free: the Cases list, saving, conflicts, history.

The register (``lendready.register.repository``) stores; this module turns what it
returns into rows a view can show as they are (every word, date and label decided
here or by the domain) and into the few actions the views call, in the way
MNELAB's views call its model:

* :class:`RegisterBrowser` holds the Cases view's filters (status, officer, band,
  legal form, name), the page on show and the cursor of the next; :meth:`fetch`
  reads (safe to run in a worker thread: it only reads the register), :meth:`show`
  keeps what was read.
* :func:`open_case`, :func:`save_session` and :func:`merge_into_session` move a case
  between the register and the one :class:`~lendready.model.session.CaseSession`
  the window edits, remembering which register version it came from
  (:class:`RegisterOrigin`) so that a save names the version it was based on and the
  register can refuse it when someone else saved since.
* :func:`assign`, :func:`move` and :func:`decide` move a case along the pipeline (an officer, a status
  that needs no decision, approve / decline / refer on a recorded assessment); :func:`decision_form`
  lists the assessments a decision can be made on, the latest of the current version first chosen.
  The register refuses what it must (four eyes, a role's grants); its message is the user's.
* :func:`conflict_rows` lays out a refused save answer by answer (as when you opened it,
  theirs, yours) for the conflict dialog.
* :class:`CaseHistory` lists a case's versions, the answers that differ between any
  two of them, and the assessment recorded then beside a fresh one under today's rules.

Nothing here reaches a verdict: bands and ratings are the register's stored records or
:func:`~lendready.domain.advice.analyse`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from lendready.domain.engine import formatting
from lendready.domain.engine.knowledge import Knowledge
from lendready.domain.engine.status import rating_word, severity_word
from lendready.domain.files.outside_text import clipped
from lendready.model.session import CaseSession
from lendready.model.what_if import answer_text

if TYPE_CHECKING:
    from lendready.domain.advice import Analysis
    from lendready.domain.files.case_file import Case
    from lendready.register.repository import (
        AssessmentRecord,
        CaseSummary,
        DecisionRecord,
        Register,
        VersionConflict,
        VersionInfo,
    )

PAGE_SIZE = 100
NAME_LIMIT = 120
STATUS_LABELS = {
    "received": "Received",
    "assessing": "Assessing",
    "awaiting_approval": "Awaiting approval",
    "committee": "At committee",
    "approved": "Approved",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}
"""The pipeline, in the order a case moves through it (the register's statuses)."""
DECISION_WORDS = {"approve": "Approved", "decline": "Declined", "refer": "Referred to committee"}
NOT_ANSWERED = "not answered"
UNASSIGNED = "Unassigned"
NO_BAND = "Not assessed"
APP_REASON = "saved in lendready"


def shown(text: str | None, limit: int = NAME_LIMIT) -> str:
    """Outside text (an organisation's name, a user's reason) as a view may show it: one line, no acting
    character, at most ``limit`` characters."""
    return clipped(text, limit) if text else ""


def when_label(moment: dt.datetime) -> str:
    """A register timestamp (UTC) in this machine's time: ``31/03/2026 14:05``."""
    local = moment.astimezone()
    return f"{formatting.date_label(local.date())} {local:%H:%M}"


# ---------------------------------------------------------------------------
# The Cases view


class Choice(NamedTuple):
    value: str | None
    """None: any."""
    label: str


class CaseRow(NamedTuple):
    """One case as the Cases view shows it."""

    id: str
    organisation: str
    legal_form: str
    band: str | None
    band_label: str
    band_colour: str | None
    status: str
    status_label: str
    officer: str
    updated: str
    version: int
    assigned_officer: str | None = None
    """The officer's name as stored (``officer`` is it as shown), for the assign box to start from."""


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    officer: str | None = None
    band: str | None = None
    legal_form: str | None = None
    search: str = ""


class Listing(NamedTuple):
    """One read of the register for the Cases view (made in a worker thread, shown in the GUI's)."""

    filters: Filters
    rows: tuple[CaseRow, ...]
    next_cursor: str | None
    counts: dict[str, int]
    """Cases per status under the other filters: the pipeline."""
    officers: tuple[str, ...]
    more: bool = False
    """A further page of the same list (appended), not a new list."""


class RegisterBrowser:
    """The Cases view's state: the filters, the rows on show, the cursor of the next page."""

    def __init__(self, register: Register, knowledge: Knowledge, *, page_size: int = PAGE_SIZE,
                 role: str = "lender") -> None:
        self.register = register
        self.knowledge = knowledge
        self.page_size = page_size
        self.role = role
        self.filters = Filters()
        self.rows: list[CaseRow] = []
        self.next_cursor: str | None = None
        self.counts: dict[str, int] = {}
        self.officers: tuple[str, ...] = ()
        question = knowledge.questionnaire.questions.get("org.legal_form")
        self._forms = {c.value: c.label for c in question.choices} if question is not None else {}

    # -- filters ---------------------------------------------------------------------------------
    def set_filters(self, **changes: Any) -> bool:
        """Change some filters (``status=``, ``officer=``, ``band=``, ``legal_form=``, ``search=``);
        True if they changed (the list is then read again from its first page)."""
        if "search" in changes:
            changes["search"] = " ".join(str(changes["search"] or "").split())
        new = replace(self.filters, **changes)
        if new == self.filters:
            return False
        self.filters = new
        return True

    def status_choices(self) -> list[Choice]:
        """The pipeline: every status with its count under the other filters, "All" first."""
        total = sum(self.counts.values())
        out = [Choice(None, f"All cases ({total:,})")]
        out += [Choice(s, f"{label} ({self.counts.get(s, 0):,})") for s, label in STATUS_LABELS.items()]
        return out

    def officer_choices(self) -> list[Choice]:
        out = [Choice(None, "Any officer")]
        out += [Choice(o, shown(o, 60)) for o in self.officers]
        if self.filters.officer and self.filters.officer not in self.officers:
            out.append(Choice(self.filters.officer, shown(self.filters.officer, 60)))
        return out

    def band_choices(self) -> list[Choice]:
        return [Choice(None, "Any band")] + [Choice(b.id, b.label) for b in self.knowledge.bands.values()]

    def legal_form_choices(self) -> list[Choice]:
        return [Choice(None, "Any legal form")] + [Choice(v, label) for v, label in self._forms.items()]

    # -- reading ---------------------------------------------------------------------------------
    def fetch(self, filters: Filters | None = None, cursor: str | None = None) -> Listing:
        """Read a page (the first, or the one at ``cursor``) with the pipeline counts. Only reads: safe in
        a worker thread; hand the result to :meth:`show` in the GUI thread."""
        f = filters if filters is not None else self.filters
        page = self.register.list_cases(
            status=f.status, officer=f.officer, band=f.band, legal_form=f.legal_form, search=f.search or None,
            limit=self.page_size, cursor=cursor,
        )
        counts, officers = _pipeline(self.register, f)
        rows = tuple(self.row(s) for s in page.cases)
        return Listing(f, rows, page.next_cursor, counts, officers, more=cursor is not None)

    def fetch_more(self) -> Listing | None:
        """The next page of the list on show, or None when it is all on show."""
        if self.next_cursor is None:
            return None
        return self.fetch(self.filters, self.next_cursor)

    def show(self, listing: Listing) -> bool:
        """Keep what :meth:`fetch` read; False (and nothing kept) when the filters moved on since."""
        if listing.filters != self.filters:
            return False
        self.rows = [*self.rows, *listing.rows] if listing.more else list(listing.rows)
        self.next_cursor = listing.next_cursor
        self.counts = listing.counts
        self.officers = listing.officers
        return True

    def refresh(self) -> list[CaseRow]:
        """Read and show the first page (in the calling thread)."""
        self.show(self.fetch())
        return self.rows

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None

    def row(self, s: CaseSummary) -> CaseRow:
        band = self.knowledge.bands.get(s.band) if s.band else None
        form = self._forms.get(s.legal_form, s.legal_form or "") if s.legal_form else ""
        return CaseRow(
            id=s.id,
            organisation=shown(s.organisation) or "(no name yet)",
            legal_form=shown(form, 60),
            band=s.band,
            band_label=band.label if band is not None else (shown(s.band, 40) if s.band else NO_BAND),
            band_colour=band.colour if band is not None else None,
            status=s.status,
            status_label=STATUS_LABELS.get(s.status, shown(s.status, 40)),
            officer=shown(s.assigned_officer, 60) if s.assigned_officer else UNASSIGNED,
            updated=when_label(s.updated_at),
            version=s.current_version,
            assigned_officer=s.assigned_officer,
        )

    def known_officers(self) -> list[Choice]:
        """Whom a case can be assigned to from a list: the officers cases are assigned to, and this user
        (any other name can be typed). Values are the names as stored; labels are them as shown."""
        return officer_choices(self.register, self.officers)


def _pipeline(register: Register, f: Filters) -> tuple[dict[str, int], tuple[str, ...]]:
    """Cases per status under every filter but the status, and the officers cases are assigned to."""
    counts = register.status_counts(officer=f.officer, band=f.band, legal_form=f.legal_form, search=f.search)
    return counts, register.officers()


# ---------------------------------------------------------------------------
# Moving a case along the pipeline: assign, status, decide

MOVABLE_STATUSES = ("received", "assessing", "awaiting_approval", "withdrawn")
"""The statuses a case can be moved to by hand; approved, declined and at committee come only from a decision."""
DECISION_CHOICES = (Choice("approve", "Approve"), Choice("decline", "Decline"), Choice("refer", "Refer to committee"))
CONDITIONS_LIMIT = 8000
"""The longest conditions text a decision keeps (a committee's minute, not a document)."""
OFFICER_LIMIT = 128
"""The longest officer's name the register keeps (its column's width)."""


def move_choices() -> list[Choice]:
    """The statuses the Cases view offers to move a case to, in pipeline order."""
    return [Choice(s, STATUS_LABELS[s]) for s in MOVABLE_STATUSES]


def officer_choices(register: Register, officers: tuple[str, ...] = ()) -> list[Choice]:
    """The officers to pick from: those already assigned cases and this register's user, sorted."""
    names = set(officers)
    try:
        names.add(register.user)
    except Exception:  # noqa: BLE001 - a server that cannot say who is logged in: the list still works
        pass
    return [Choice(n, shown(n, 60)) for n in sorted(names, key=str.casefold) if n]


def officer_name(text: str | None) -> str | None:
    """A typed officer's name as the register keeps it: one line, spaces tidied; None (unassigned) when empty."""
    name = " ".join((text or "").split())
    return name or None


def _refuse(message: str) -> Exception:
    from lendready.register.repository import RegisterError

    return RegisterError(message)


def assign(register: Register, case_id: str, officer: str | None) -> str | None:
    """Assign a case to an officer (typed or picked; empty: unassigned). Returns the name kept."""
    name = officer_name(officer)
    if name is not None and len(name) > OFFICER_LIMIT:
        raise _refuse(f"an officer's name can be at most {OFFICER_LIMIT} characters")
    register.assign(case_id, name)
    return name


def move(register: Register, case_id: str, status: str) -> None:
    """Move a case to a status that needs no decision (:data:`MOVABLE_STATUSES`)."""
    if status not in MOVABLE_STATUSES:
        label = STATUS_LABELS.get(status, shown(status, 40))
        raise _refuse(f"a case becomes {label} only by a decision: use Record a decision…")
    register.set_status(case_id, status)


class AssessmentChoice(NamedTuple):
    """A recorded assessment a decision can be made on, as the decision dialog lists it."""

    id: int
    version: int
    current: bool
    """Of the case's current version."""
    band: str
    band_label: str
    band_colour: str | None
    assessed: str
    """When it was recorded, dd/mm/yyyy (this machine's date)."""
    as_of: str
    rules_version: str
    author: str
    """Who wrote the version (four eyes: not the one to decide on it)."""
    decisions: str
    """Decisions already made on it, in words ("" when none)."""
    label: str
    detail: str


class DecisionForm(NamedTuple):
    """What the decision dialog needs about one case."""

    case_id: str
    organisation: str
    status: str
    status_label: str
    current_version: int
    user: str
    """Who will be recorded as deciding."""
    choices: tuple[AssessmentChoice, ...]
    """Newest first."""
    default: int | None
    """The assessment to decide on unless another is chosen: the latest of the current version."""
    note: str
    """Said above the choices when there is something to know (no assessment of the current version)."""

    def choice(self, assessment_id: int | None) -> AssessmentChoice | None:
        return next((c for c in self.choices if c.id == assessment_id), None)

    def own_work(self, assessment_id: int | None) -> bool:
        """True when this user wrote the assessed version (the register will refuse the decision)."""
        chosen = self.choice(assessment_id)
        return chosen is not None and chosen.author == self.user


def decision_form(register: Register, knowledge: Knowledge, case_id: str) -> DecisionForm:
    """The recorded assessments of the case's current version to decide on, newest (chosen) first.

    Only the current version's: the register decides on what the case is, not on what it was (it refuses
    a decision on an earlier version's assessment). When none is recorded the form says so, and
    :func:`assess_current` records one.
    """
    summary = register.summary(case_id)
    authors = {v.version: v.author for v in register.history(case_id)}
    decided: dict[int, list[str]] = {}
    for d in register.decisions(case_id):
        decided.setdefault(d.assessment_id, []).append(
            f"{DECISION_WORDS.get(d.decision, shown(d.decision, 40))} by {shown(d.approver, 60)} "
            f"on {formatting.date_label(d.decided_at.astimezone().date())}")
    choices = []
    for a in reversed(register.assessments(case_id)):
        if a.version != summary.current_version:
            continue
        band = knowledge.bands.get(a.band)
        band_label = band.label if band is not None else shown(a.band, 40)
        assessed = formatting.date_label(a.created_at.astimezone().date())
        current = a.version == summary.current_version
        author = authors.get(a.version, "")
        label = f"Version {a.version}: {band_label}, assessed {assessed}"
        detail = (f"Version {a.version} written by {shown(author, 60) or 'unknown'}; assessed on {assessed} "
                  f"as at {formatting.date_label(a.as_of)} under rules {shown(a.rules_version, 40)}.")
        words = "; ".join(decided.get(a.id, []))
        if words:
            detail += f" Already decided: {words}."
        choices.append(AssessmentChoice(a.id, a.version, current, a.band, band_label,
                                        band.colour if band is not None else None, assessed,
                                        formatting.date_label(a.as_of), a.rules_version, author, words, label,
                                        detail))
    default = choices[0].id if choices else None
    note = ""
    if not choices:
        note = (f"No assessment of the current version ({summary.current_version}) is recorded, so there is "
                "nothing to decide on yet. Assess it now (with the rules installed here, as at today), then decide.")
    try:
        user = register.user
    except Exception:  # noqa: BLE001 - only a hint is lost: the register still checks four eyes itself
        user = ""
    return DecisionForm(case_id, shown(summary.organisation) or "(no name yet)", summary.status,
                        STATUS_LABELS.get(summary.status, shown(summary.status, 40)), summary.current_version,
                        user, tuple(choices), default, note)


def assess_current(register: Register, knowledge: Knowledge, case_id: str,
                   as_of: dt.date | None = None) -> DecisionForm:
    """Assess the case's current version with the installed rules (as at today), record it, and give the
    decision form again with that assessment chosen."""
    register.assess(case_id, None, as_of or CaseSession.today())
    return decision_form(register, knowledge, case_id)


class Decided(NamedTuple):
    """A recorded decision and where it left the case."""

    id: int
    case_id: str
    version: int
    decision: str
    status: str
    status_label: str

    @property
    def message(self) -> str:
        words = DECISION_WORDS.get(self.decision, self.decision)
        return f"Recorded: {words} on version {self.version}. The case is now {self.status_label}."


def conditions_text(text: str) -> str:
    """The conditions as kept: line breaks made plain, blank lines at either end dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def decide(register: Register, assessment_id: int, decision: str, conditions: str = "") -> Decided:
    """Record approve, decline or refer on an assessment, with its conditions.

    The register refuses (:class:`~lendready.register.repository.FourEyesError`) a decision by whoever
    wrote the assessed version, and :class:`~lendready.register.repository.PermissionRefused` one this
    role may not make; nothing is recorded then. The case's status follows the decision in the register.
    """
    if decision not in DECISION_WORDS:
        raise _refuse("choose Approve, Decline or Refer to committee")
    text = conditions_text(conditions)
    if len(text) > CONDITIONS_LIMIT:
        raise _refuse(f"the conditions can be at most {CONDITIONS_LIMIT:,} characters ({len(text):,} typed)")
    decision_id = register.record_decision(assessment_id, decision, text)
    record = register.assessment(assessment_id)
    summary = register.summary(record.case_id)
    return Decided(decision_id, record.case_id, record.version, decision, summary.status,
                   STATUS_LABELS.get(summary.status, shown(summary.status, 40)))


# ---------------------------------------------------------------------------
# Opening and saving


class RegisterOrigin(NamedTuple):
    """Which registered case, at which version, the open session was read from (or last saved as)."""

    case_id: str
    version: int


def open_case(register: Register, knowledge: Knowledge, case_id: str,
              version: int | None = None) -> tuple[CaseSession, RegisterOrigin]:
    """A session on a registered case (default: its current version), and where it came from."""
    case, number = register.get_case(case_id, version)
    return CaseSession(knowledge, case, None), RegisterOrigin(case_id, number)


def lender_analysis(session: CaseSession) -> Analysis:
    """The session's analysis worded for a lender (the register keeps a lender's record)."""
    if session.audience == "lender":
        return session.analysis
    from lendready.domain.advice import analyse

    return analyse(session.case, session.knowledge, session.today(), audience="lender")


def save_session(register: Register, session: CaseSession, origin: RegisterOrigin | None,
                 reason: str = "", *, run: Callable[[Callable[[], Any]], Any] | None = None) -> RegisterOrigin:
    """Save the session's case as the next version of ``origin`` (or register it, when it has none),
    record the assessment it was saved with, and mark the session saved.

    Raises :class:`~lendready.register.repository.VersionConflict` when someone saved the case since
    ``origin``; nothing is written then and the session is as it was. ``run(work)`` does the
    register's part (the app passes one that waits off the GUI thread); the session itself is read
    and marked saved only here, in the caller's thread.
    """
    reason = " ".join(reason.split()) or APP_REASON
    analysis = lender_analysis(session)
    case = session.case
    do = run if run is not None else (lambda work: work())

    def write() -> RegisterOrigin:
        if origin is None:
            summary = register.add_case(case, reason=reason)
            return RegisterOrigin(summary.id, summary.current_version)
        return RegisterOrigin(origin.case_id, register.save_version(case, origin.version, reason=reason))

    saved: RegisterOrigin = do(write)
    session.mark_saved()  # safe in the register: no longer unsaved
    do(lambda: register.record_assessment(saved.case_id, saved.version, analysis))
    return saved


def reopened_note(register: Register, saved: RegisterOrigin) -> str | None:
    """What to tell the user when saving ``saved`` took a decided case back to being assessed.

    The register records it as it saves (a decision holds only for the version decided); this reads
    that record rather than guessing from the status.
    """
    for entry in register.audit_entries(saved.case_id, limit=5):
        if entry.action == "case.status" and entry.detail.get("version") == saved.version:
            was = str(entry.detail.get("was", ""))
            now = str(entry.detail.get("status", ""))
            return (f"It was {STATUS_LABELS.get(was, shown(was, 40))} on version {saved.version - 1}, so it is "
                    f"back to {STATUS_LABELS.get(now, shown(now, 40))} until someone decides on version "
                    f"{saved.version}.")
    return None


# ---------------------------------------------------------------------------
# A refused save


class ConflictRow(NamedTuple):
    """One answer (or note) that differs between the three sides of a refused save."""

    key: str
    """The question id; a note's key is ``note:<question>``."""
    label: str
    base: str
    """As it was when this copy was opened."""
    theirs: str
    mine: str
    kind: str
    """``both`` (changed differently by both: a choice is needed), ``theirs``, ``mine`` or ``same``
    (both changed it alike)."""
    merged: str
    """What the merge keeps when no choice is needed (for ``both``: empty, until chosen)."""

    @property
    def needs_choice(self) -> bool:
        return self.kind == "both" and not self.key.startswith("note:")


KEPT_WORDS = {"theirs": "theirs (only they changed it)", "mine": "yours (only you changed it)",
              "same": "the same (you both changed it alike)"}


def _text(knowledge: Knowledge, qid: str, value: Any, note: bool) -> str:
    from lendready.register.merge import ABSENT

    if value is ABSENT or value is None:
        return "no note" if note else NOT_ANSWERED
    if note:
        return shown(str(value), 400)
    return shown(answer_text(knowledge.questionnaire.questions.get(qid), value), 400)


def conflict_rows(conflict: VersionConflict, knowledge: Knowledge, role: str = "lender") -> list[ConflictRow]:
    """Every answer and note the two saves changed, in questionnaire order, worded for ``role``."""
    questions = knowledge.questionnaire.questions
    out: list[ConflictRow] = []
    for note, changes in ((False, conflict.changes), (True, conflict.note_changes)):
        for change in changes:
            question = questions.get(change.answer)
            label = question.label.for_role(role) if question is not None else shown(change.answer, 80)
            if change.conflicting:
                kind = "both"
            elif change.theirs_changed and change.mine_changed:
                kind = "same"
            else:
                kind = "mine" if change.mine_changed else "theirs"
            base, theirs, mine = (_text(knowledge, change.answer, v, note)
                                  for v in (change.base, change.theirs, change.mine))
            if kind == "both":
                merged = "both notes, one after the other" if note else ""
            else:
                merged = KEPT_WORDS[kind]
            out.append(ConflictRow(("note:" if note else "") + change.answer,
                                   ("Note on " + label) if note else label, base, theirs, mine, kind, merged))
    return out


def merge_into_session(session: CaseSession, conflict: VersionConflict,
                       choices: Mapping[str, str]) -> RegisterOrigin:
    """Put the merge into the open session (the same object: answers only one side changed, theirs or
    mine, and the chosen side of each both changed), based now on the register's newest version.

    Returns the origin to save it against. The session is then "unsaved" until :func:`save_session`.
    Raises ``MergeIncomplete`` when an answer both changed has no choice.
    """
    picked: dict[str, Any] = {k: v for k, v in choices.items() if v in ("theirs", "mine")}
    merged: Case = conflict.merged_case(picked)
    answers = session.case.answers
    answer_changes = {k: merged.answers.get(k) for k in set(answers) | set(merged.answers)
                      if k not in merged.answers or k not in answers or not _same(answers[k], merged.answers[k])}
    notes = session.case.notes
    note_changes = {k: merged.notes.get(k, "") for k in set(notes) | set(merged.notes)
                    if notes.get(k) != merged.notes.get(k)}
    session.set_answers(answer_changes, note_changes)
    session.mark_dirty()
    return RegisterOrigin(conflict.case_id, conflict.current)


def _same(a: Any, b: Any) -> bool:
    from lendready.register.merge import same

    return bool(same(a, b)) and type(a) is type(b)


# ---------------------------------------------------------------------------
# History


class VersionRow(NamedTuple):
    version: int
    saved: str
    author: str
    reason: str
    band_label: str
    """The band last recorded for this version ("Not assessed" when none was)."""
    decision: str
    """The decisions on this version's assessments, in words ("" when none)."""


class DiffRow(NamedTuple):
    label: str
    before: str
    after: str
    note: bool


class AreaRow(NamedTuple):
    title: str
    then: str | None
    """The rating code recorded then (None when nothing was recorded)."""
    then_word: str
    today: str
    today_word: str

    @property
    def changed(self) -> bool:
        return self.then is not None and self.then != self.today


class ThenAndToday(NamedTuple):
    """A version's recorded assessment beside a fresh one under the rules installed today."""

    version: int
    then_heading: str
    then_band: str | None
    then_band_label: str
    today_heading: str
    today_band: str
    today_band_label: str
    areas: tuple[AreaRow, ...]
    new_findings: tuple[str, ...]
    """Findings today's rules raise that the record did not (severity word and title)."""
    gone_findings: tuple[str, ...]
    rules_changed: bool

    @property
    def band_changed(self) -> bool:
        return self.then_band is not None and self.then_band != self.today_band


class CaseHistory:
    """A registered case's versions, the differences between any two, and its assessments then and today."""

    def __init__(self, register: Register, knowledge: Knowledge, case_id: str, role: str = "lender") -> None:
        self.register = register
        self.knowledge = knowledge
        self.case_id = case_id
        self.role = role
        self.versions: list[VersionInfo] = []
        self.assessments: list[AssessmentRecord] = []
        self.decisions: list[DecisionRecord] = []
        self.organisation = ""

    def load(self) -> list[VersionRow]:
        self.versions = self.register.history(self.case_id)
        self.assessments = self.register.assessments(self.case_id)
        self.decisions = self.register.decisions(self.case_id)
        self.organisation = shown(self.register.summary(self.case_id).organisation) or "(no name yet)"
        return self.rows()

    def rows(self) -> list[VersionRow]:
        out = []
        for v in self.versions:
            record = self.record_of(v.version)
            band = self.knowledge.bands.get(record.band) if record is not None else None
            ids = {a.id for a in self.assessments if a.version == v.version}
            words = [DECISION_WORDS.get(d.decision, d.decision) + f" by {shown(d.approver, 60)}"
                     for d in self.decisions if d.assessment_id in ids]
            out.append(VersionRow(
                v.version, when_label(v.created_at), shown(v.author, 60), shown(v.reason, 200),
                band.label if band is not None else (shown(record.band, 40) if record else NO_BAND),
                "; ".join(words),
            ))
        return out

    def record_of(self, version: int) -> AssessmentRecord | None:
        """The latest assessment recorded for ``version``."""
        found = [a for a in self.assessments if a.version == version]
        return found[-1] if found else None

    def committee_version(self) -> int | None:
        """The version the last decision was made on (what the committee saw), if any."""
        by_id = {a.id: a for a in self.assessments}
        for decision in reversed(self.decisions):
            record = by_id.get(decision.assessment_id)
            if record is not None:
                return record.version
        return None

    def default_pair(self) -> tuple[int, int]:
        """What to compare first: the committee's version (else the one before) with the newest."""
        newest = self.versions[-1].version if self.versions else 1
        seen = self.committee_version()
        return (seen if seen is not None else max(1, newest - 1)), newest

    def diff(self, before: int, after: int) -> list[DiffRow]:
        """The answers and notes that differ between two versions, in questionnaire order."""
        from lendready.register.merge import ABSENT

        questions = self.knowledge.questionnaire.questions
        out = []
        for d in self.register.diff_versions(self.case_id, before, after):
            note = d.question.startswith("note:")
            qid = d.question[5:] if note else d.question
            question = questions.get(qid)
            label = question.label.for_role(self.role) if question is not None else shown(d.label, 80)
            if note:
                label = "Note on " + label
            b = None if d.before is ABSENT else d.before
            a = None if d.after is ABSENT else d.after
            out.append(DiffRow(label, _text(self.knowledge, qid, b, note), _text(self.knowledge, qid, a, note), note))
        return out

    def then_and_today(self, version: int, as_of: dt.date | None = None) -> ThenAndToday:
        """The assessment recorded for ``version`` beside :func:`analyse` of it now, under today's rules."""
        from lendready.domain.advice import analyse

        k = self.knowledge
        case, _ = self.register.get_case(self.case_id, version)
        today = as_of or CaseSession.today()
        analysis = analyse(case, k, today, audience=self.role, what_ifs=False)
        fresh = analysis.assessment
        record = self.record_of(version)
        then_ratings = {str(a.get("id")): str(a.get("rating")) for a in record.areas} if record else {}
        today_ratings = {a.id: a.rating for a in fresh.areas}
        areas = tuple(
            AreaRow(area.title_for(self.role), then_ratings.get(area.id),
                    rating_word(then_ratings[area.id], k) if area.id in then_ratings else "—",
                    today_ratings.get(area.id, "unknown"), rating_word(today_ratings.get(area.id, "unknown"), k))
            for area in k.areas
        )
        then_ids = {str(f.get("id")) for f in record.findings} if record else set()
        today_ids = {f.id for f in fresh.findings}
        new = tuple(f"{severity_word(f.severity, k)}: {shown(f.title, 200)}" for f in fresh.findings
                    if record is not None and f.id not in then_ids and f.severity != "info")
        gone = tuple(f"{severity_word(str(f.get('severity')), k)}: {shown(str(f.get('title')), 200)}"
                     for f in (record.findings if record else []) if str(f.get("id")) not in today_ids
                     and f.get("severity") != "info")
        band_then = k.bands.get(record.band) if record is not None else None
        band_now = k.bands.get(fresh.band)
        if record is not None:
            then_heading = (f"Then: version {version} as recorded on {when_label(record.created_at)}, "
                            f"as at {formatting.date_label(record.as_of)}, rules {shown(record.rules_version, 40)}")
        else:
            then_heading = f"Then: no assessment of version {version} was recorded"
        return ThenAndToday(
            version=version,
            then_heading=then_heading,
            then_band=record.band if record is not None else None,
            then_band_label=(band_then.label if band_then is not None else shown(record.band, 40)) if record
            else NO_BAND,
            today_heading=f"Today: version {version} under today's rules ({shown(k.rules_version, 40)}), "
                          f"as at {formatting.date_label(today)}",
            today_band=fresh.band,
            today_band_label=band_now.label if band_now is not None else fresh.band,
            areas=areas, new_findings=new, gone_findings=gone,
            rules_changed=record is not None and record.rules_version != k.rules_version,
        )


def register_sources(register: Register) -> list[tuple[str, bytes]]:
    """Every case this user may see, its current version as a screening source ``(label, file bytes)``:
    the same sources as ``lendready screen --register``, so a damaged document is a row that says why."""
    return list(register.current_documents())


__all__ = [
    "DECISION_CHOICES", "MOVABLE_STATUSES", "STATUS_LABELS", "AreaRow", "AssessmentChoice", "CaseHistory",
    "CaseRow", "Choice", "ConflictRow", "Decided", "DecisionForm", "DiffRow", "Filters", "Listing",
    "RegisterBrowser", "RegisterOrigin", "ThenAndToday", "VersionRow", "assess_current", "assign",
    "conflict_rows", "decide", "decision_form", "merge_into_session", "move", "move_choices", "officer_choices",
    "officer_name", "open_case", "register_sources", "reopened_note", "save_session", "shown", "when_label",
]
