"""The register views' model, driven as the GUI drives it: filters and pages, save, conflict and merge, history.

Each test gets its own copy of a SQLite register made once per run (20 cases, assessed, with
statuses and officers), so that a test costs milliseconds, not a migration.
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import REGISTER_AS_OF as AS_OF
from conftest import SAMPLES

from lendready.model import register_view as rv
from lendready.register.merge import MergeIncomplete
from lendready.register.repository import CaseExists, Register, VersionConflict


@pytest.fixture
def browser(open_as, knowledge) -> rv.RegisterBrowser:
    return rv.RegisterBrowser(open_as("alice"), knowledge)


# -- the Cases view ------------------------------------------------------------------------------


def test_register_browser_lists_every_case_newest_first_with_the_pipeline(browser, knowledge):
    rows = browser.refresh()
    assert len(rows) == 20 and not browser.has_more
    assert rows[0].organisation.endswith("(branch 19)")
    assert sum(browser.counts.values()) == 20 and browser.counts["assessing"] == 5
    labels = [c.label for c in browser.status_choices()]
    assert labels[0] == "All cases (20)" and "Assessing (5)" in labels and "Withdrawn (0)" in labels
    assert [c.value for c in browser.officer_choices()] == [None, "alice", "bob", "carol"]
    assert {r.band_label for r in rows} <= {b.label for b in knowledge.bands.values()}
    assert all(len(r.updated) == 16 and r.updated[2] == "/" and r.updated[5] == "/" for r in rows)


@pytest.mark.parametrize(("name", "value"), [("status", "assessing"), ("officer", "bob"), ("band", "ready"),
                                             ("legal_form", "community_benefit_society")])
def test_register_each_filter_narrows_the_list_to_what_it_names(browser, name, value):
    everything = browser.refresh()
    assert browser.set_filters(**{name: value})
    rows = browser.refresh()
    assert 0 < len(rows) < len(everything)
    field = {"status": "status", "officer": "officer", "band": "band", "legal_form": "legal_form"}[name]
    if name == "legal_form":
        label = dict((c.value, c.label) for c in browser.legal_form_choices())[value]
        assert {r.legal_form for r in rows} == {label}
    else:
        assert {getattr(r, field) for r in rows} == {value}
    assert not browser.set_filters(**{name: value}), "the same filter again is no change"


def test_register_search_finds_a_name_ignoring_case_and_the_pipeline_follows_it(browser):
    browser.set_filters(search="  BRANCH ")
    rows = browser.refresh()
    assert len(rows) == 7 and all("(branch" in r.organisation for r in rows)
    assert sum(browser.counts.values()) == 7
    browser.set_filters(search="100%_")  # LIKE's wildcards are text here
    assert browser.refresh() == []


def test_register_pages_follow_the_cursor_without_repeats(open_as, knowledge):
    browser = rv.RegisterBrowser(open_as("alice"), knowledge, page_size=8)
    first = list(browser.refresh())
    assert len(first) == 8 and browser.has_more
    while browser.has_more:
        more = browser.fetch_more()
        assert more is not None and browser.show(more)
    assert len(browser.rows) == 20 and len({r.id for r in browser.rows}) == 20
    assert browser.fetch_more() is None


def test_register_a_listing_read_under_old_filters_is_not_shown(browser):
    stale = browser.fetch()
    browser.set_filters(officer="carol")
    assert not browser.show(stale) and browser.rows == []


def test_register_hostile_names_are_shown_with_their_acting_characters_as_tokens(open_as, knowledge):
    from lendready.domain.files.case_file import new_case

    register = open_as("alice")
    case = new_case("lender")
    case.answers["org.name"] = "Vale\u202eeraC <b>APPROVED</b>"
    register.add_case(case)
    browser = rv.RegisterBrowser(register, knowledge)
    row = browser.refresh()[0]
    assert "\u202e" not in row.organisation and "[U+202E]" in row.organisation
    assert "<b>APPROVED</b>" in row.organisation  # text, shown as written by plain-text views
    assert row.band_label == rv.NO_BAND and row.officer == rv.UNASSIGNED


# -- saving, conflicts, merging --------------------------------------------------------------------


def test_register_save_session_adds_a_version_records_its_assessment_and_marks_it_saved(open_as, knowledge):
    register = open_as("alice")
    case_id = register.list_cases(limit=1).cases[0].id
    session, origin = rv.open_case(register, knowledge, case_id)
    assert origin == rv.RegisterOrigin(case_id, 1) and session.path is None
    session.set_answer("org.years_trading", 21)
    assert session.dirty
    saved = rv.save_session(register, session, origin, "  board   minutes ")
    assert saved == rv.RegisterOrigin(case_id, 2) and not session.dirty
    [*_, last] = register.history(case_id)
    assert (last.version, last.author, last.reason, last.parent_version) == (2, "alice", "board minutes", 1)
    assert register.get_case(case_id)[0].answers["org.years_trading"] == 21
    record = register.assessments(case_id)[-1]
    assert record.version == 2 and record.band == session.assessment.band


def test_register_saving_a_decided_case_says_it_is_back_to_assessing(open_as, knowledge):
    register = open_as("alice")
    [approved] = register.list_cases(status="approved", limit=1).cases
    session, origin = rv.open_case(register, knowledge, approved.id)
    session.set_answer("org.years_trading", 21)
    saved = rv.save_session(register, session, origin, "new accounts")
    assert register.summary(approved.id).status == "assessing"
    note = rv.reopened_note(register, saved)
    assert note == (f"It was Approved on version {saved.version - 1}, so it is back to Assessing until someone "
                    f"decides on version {saved.version}.")
    # A second save of a case no longer decided says nothing of the kind.
    session.set_answer("org.years_trading", 22)
    again = rv.save_session(register, session, saved, "typo")
    assert rv.reopened_note(register, again) is None


def test_register_save_session_registers_a_new_case_once(open_as, knowledge):
    from lendready.model.session import CaseSession

    register = open_as("alice")
    session = CaseSession.open(knowledge, SAMPLES / "vale.lendready")
    saved = rv.save_session(register, session, None)
    assert saved.version == 1 and register.history(saved.case_id)[0].reason == rv.APP_REASON
    with pytest.raises(CaseExists):
        rv.save_session(register, session, None)


def test_register_two_officers_conflict_answer_by_answer_and_the_merge_loses_nothing(open_as, knowledge):
    alice, bob = open_as("alice"), open_as("bob")
    case_id = alice.list_cases(limit=1).cases[0].id
    mine, origin = rv.open_case(alice, knowledge, case_id)
    theirs, their_origin = rv.open_case(bob, knowledge, case_id)
    theirs.set_answer("org.years_trading", 30)  # both change this one, differently
    theirs.set_answer("fin.turnover", 750_000)  # only bob
    theirs.set_note("fin.turnover", "From the audited accounts")
    rv.save_session(bob, theirs, their_origin, "bob's figures")
    mine.set_answer("org.years_trading", 31)
    mine.set_answer("fin.surplus", 42_000)  # only alice
    with pytest.raises(VersionConflict) as caught:
        rv.save_session(alice, mine, origin, "alice's figures")
    conflict = caught.value
    assert conflict.author == "bob" and (conflict.expected, conflict.current) == (1, 2)
    assert mine.dirty and alice.summary(case_id).current_version == 2  # nothing written

    rows = {r.key: r for r in rv.conflict_rows(conflict, knowledge)}
    years = rows["org.years_trading"]
    assert years.kind == "both" and years.needs_choice
    assert (years.theirs, years.mine) == ("30 years", "31 years")
    assert rows["fin.turnover"].kind == "theirs" and rows["fin.turnover"].theirs == "£750,000"
    assert rows["fin.surplus"].kind == "mine" and rows["fin.surplus"].mine == "£42,000"
    assert rows["note:fin.turnover"].kind == "theirs" and not rows["note:fin.turnover"].needs_choice
    label = knowledge.questionnaire.questions["org.years_trading"].label.for_role("lender")
    assert years.label == label

    with pytest.raises(MergeIncomplete):
        rv.merge_into_session(mine, conflict, {})
    merged = rv.merge_into_session(mine, conflict, {"org.years_trading": "mine"})
    assert merged == rv.RegisterOrigin(case_id, 2) and mine.dirty
    saved = rv.save_session(alice, mine, merged, "merged")
    assert saved.version == 3 and not mine.dirty
    stored, _ = alice.get_case(case_id)
    assert stored.answers["org.years_trading"] == 31  # the choice
    assert stored.answers["fin.turnover"] == 750_000  # bob's, kept
    assert stored.answers["fin.surplus"] == 42_000  # alice's, kept
    assert stored.notes["fin.turnover"] == "From the audited accounts"


# -- history -------------------------------------------------------------------------------------------


@pytest.fixture
def decided(open_as, knowledge):
    """A case saved three times, with a decision (by bob) on version 2: "what the committee saw"."""
    alice, bob = open_as("alice"), open_as("bob")
    case_id = alice.list_cases(limit=1).cases[0].id
    session, origin = rv.open_case(alice, knowledge, case_id)
    session.set_answer("org.years_trading", 3)
    origin = rv.save_session(alice, session, origin, "committee pack")
    record = alice.assessments(case_id)[-1]
    bob.record_decision(record.id, "refer", "more on cashflow")
    session.set_answer("fin.surplus", -5000)
    session.set_note("fin.surplus", "Lost the leisure contract")
    rv.save_session(alice, session, origin, "after committee")
    return alice, case_id


def test_register_history_lists_versions_with_author_time_reason_band_and_decision(decided, knowledge):
    register, case_id = decided
    history = rv.CaseHistory(register, knowledge, case_id)
    rows = history.load()
    assert [(r.version, r.author, r.reason) for r in rows] == [
        (1, "alice", "received from the founder"), (2, "alice", "committee pack"), (3, "alice", "after committee")]
    assert rows[1].decision == "Referred to committee by bob" and rows[2].decision == ""
    assert all(r.band_label in {b.label for b in knowledge.bands.values()} for r in rows)
    assert history.committee_version() == 2 and history.default_pair() == (2, 3)


def test_register_history_diff_between_any_two_versions_is_answer_by_answer(decided, knowledge):
    register, case_id = decided
    history = rv.CaseHistory(register, knowledge, case_id)
    history.load()
    surplus = knowledge.questionnaire.questions["fin.surplus"].label.for_role("lender")
    rows = history.diff(2, 3)
    assert [(r.label, r.after) for r in rows] == [(surplus, "−£5,000"),
                                                  (f"Note on {surplus}", "Lost the leisure contract")]
    assert rows[1].before == "no note" and rows[1].note
    assert len(history.diff(1, 3)) == 3 and history.diff(3, 3) == []


def test_register_then_and_today_set_the_record_beside_a_fresh_analysis(decided, knowledge):
    from lendready.domain.advice import analyse

    register, case_id = decided
    history = rv.CaseHistory(register, knowledge, case_id)
    history.load()
    view = history.then_and_today(2, AS_OF)
    fresh = analyse(register.get_case(case_id, 2)[0], knowledge, AS_OF)
    assert view.today_band == fresh.band and view.then_band == history.record_of(2).band
    assert not view.rules_changed and not view.band_changed
    assert [a.today for a in view.areas] == [a.rating for a in fresh.assessment.areas]
    assert "as at 01/12/2026" in view.today_heading


def test_register_then_and_today_shows_what_moved_when_the_record_differs(open_as, knowledge, samples):
    """A record made under other rules (simulated: another case's analysis kept for this version)."""
    from lendready.domain.advice import analyse

    register = open_as("alice")
    summary = register.add_case(dataclasses.replace(samples["vale"], case_id="vale-copy"))
    other = analyse(samples["ashcombe"], knowledge, AS_OF)
    register.record_assessment(summary.id, 1, other)
    history = rv.CaseHistory(register, knowledge, summary.id)
    history.load()
    view = history.then_and_today(1, AS_OF)
    assert view.then_band == other.band and view.band_changed
    assert any(a.changed for a in view.areas)
    assert view.gone_findings  # ashcombe's findings are not vale's
    assert all(": " in f for f in view.gone_findings + view.new_findings)


def test_register_sources_give_every_current_version_to_screen(open_as, knowledge):
    sources = rv.register_sources(open_as("alice"))
    assert len(sources) == 20 and all(label.startswith("register:") and label.endswith(" v1") for label, _ in sources)
    assert all(document.startswith(b"{") for _, document in sources)


# -- moving a case along the pipeline ---------------------------------------------------------------------


def first_with(register: Register, status: str) -> str:
    return register.list_cases(status=status, limit=1).cases[0].id


def test_register_move_changes_a_status_that_needs_no_decision_and_refuses_a_decided_one(open_as, knowledge):
    from lendready.register.repository import RegisterError

    register = open_as("alice")
    browser = rv.RegisterBrowser(register, knowledge)
    case_id = first_with(register, "received")
    assert [c.value for c in rv.move_choices()] == ["received", "assessing", "awaiting_approval", "withdrawn"]
    rv.move(register, case_id, "awaiting_approval")
    assert register.summary(case_id).status == "awaiting_approval"
    row = next(r for r in browser.refresh() if r.id == case_id)
    assert row.status_label == "Awaiting approval" and browser.counts["awaiting_approval"] == 4
    for decided in ("approved", "declined", "committee"):
        with pytest.raises(RegisterError, match="only by a decision"):
            rv.move(register, case_id, decided)
    assert register.summary(case_id).status == "awaiting_approval"
    assert register.audit_entries(case_id, limit=1)[0].action == "case.status"


def test_register_assign_keeps_a_tidy_name_and_empty_is_unassigned(open_as, knowledge):
    from lendready.register.repository import RegisterError

    register = open_as("alice")
    browser = rv.RegisterBrowser(register, knowledge)
    case_id = first_with(register, "assessing")
    assert rv.assign(register, case_id, "  Dave   Jones \n") == "Dave Jones"
    assert register.summary(case_id).assigned_officer == "Dave Jones"
    browser.refresh()
    assert "Dave Jones" in [c.value for c in browser.known_officers()]
    row = next(r for r in browser.rows if r.id == case_id)
    assert (row.officer, row.assigned_officer) == ("Dave Jones", "Dave Jones")
    assert rv.assign(register, case_id, "   ") is None
    assert register.summary(case_id).assigned_officer is None
    with pytest.raises(RegisterError, match="at most"):
        rv.assign(register, case_id, "x" * 200)
    values = [c.value for c in rv.officer_choices(register, ("bob",))]
    assert values == ["alice", "bob"]  # this user is always there to pick


def test_register_decision_form_chooses_the_latest_assessment_of_the_current_version(open_as, knowledge):
    alice = open_as("alice")
    case_id = first_with(alice, "awaiting_approval")
    session, origin = rv.open_case(alice, knowledge, case_id)
    session.set_answer("org.years_trading", 9)
    rv.save_session(alice, session, origin, "updated")  # version 2, assessed by the save
    latest = alice.assessments(case_id)[-1]
    form = rv.decision_form(open_as("bob"), knowledge, case_id)
    assert form.current_version == 2 and form.default == latest.id and form.user == "bob"
    assert [c.version for c in form.choices] == [2]  # the register decides only on the current version
    chosen = form.choice(form.default)
    band = knowledge.bands[latest.band].label
    assert chosen.label.startswith(f"Version 2: {band}, assessed ") and chosen.label[-10:][2] == "/"
    assert "written by alice" in chosen.detail and "as at " in chosen.detail
    assert not form.own_work(form.default)
    assert rv.decision_form(alice, knowledge, case_id).own_work(form.default)  # alice wrote it
    assert form.status_label == "Awaiting approval" and form.note == ""


def test_register_decide_records_the_decision_with_conditions_and_the_status_follows(open_as, knowledge):
    alice, bob = open_as("alice"), open_as("bob")
    case_id = first_with(alice, "awaiting_approval")
    form = rv.decision_form(bob, knowledge, case_id)
    decided = rv.decide(bob, form.default, "approve", "  Two years of accounts.\r\nQuarterly monitoring.  \n\n")
    [*_, record] = alice.decisions(case_id)
    assert (record.decision, record.approver, record.assessment_id) == ("approve", "bob", form.default)
    assert record.conditions == "Two years of accounts.\nQuarterly monitoring."
    assert decided.case_id == case_id and decided.version == 1 and decided.status == "approved"
    assert decided.message == "Recorded: Approved on version 1. The case is now Approved."
    history = rv.CaseHistory(alice, knowledge, case_id)
    assert history.load()[0].decision == "Approved by bob"


def test_register_decide_is_refused_by_four_eyes_and_nothing_is_recorded(open_as, knowledge):
    from lendready.register.repository import FourEyesError, RegisterError

    alice = open_as("alice")
    case_id = first_with(alice, "awaiting_approval")
    form = rv.decision_form(alice, knowledge, case_id)
    with pytest.raises(FourEyesError, match="someone else must decide"):
        rv.decide(alice, form.default, "approve", "fine")
    with pytest.raises(RegisterError, match="Approve, Decline or Refer"):
        rv.decide(open_as("bob"), form.default, "maybe", "")
    assert alice.decisions(case_id) == [] and alice.summary(case_id).status == "awaiting_approval"


def test_register_decision_on_an_earlier_version_is_refused(open_as, knowledge):
    from lendready.register.repository import RegisterError

    alice, bob = open_as("alice"), open_as("bob")
    case_id = first_with(alice, "awaiting_approval")
    old = alice.assessments(case_id)[-1]
    session, origin = rv.open_case(alice, knowledge, case_id)
    session.set_answer("org.years_trading", 9)
    rv.save_session(alice, session, origin, "moved on")
    with pytest.raises(RegisterError):
        rv.decide(bob, old.id, "approve", "")
    assert bob.decisions(case_id) == []


def test_register_a_case_with_no_assessment_of_its_version_is_assessed_then_decided(open_as, knowledge):
    from lendready.domain.files.case_file import new_case

    alice, bob = open_as("alice"), open_as("bob")
    case = new_case("lender")
    case.answers["org.name"] = "Imported Trust"
    case_id = alice.add_case(case).id
    form = rv.decision_form(bob, knowledge, case_id)
    assert form.choices == () and form.default is None and "No assessment of the current version (1)" in form.note
    form = rv.assess_current(bob, knowledge, case_id, AS_OF)
    assert form.default is not None and form.note == "" and form.choice(form.default).as_of == "01/12/2026"
    assert rv.decide(bob, form.default, "refer", "").status == "committee"
