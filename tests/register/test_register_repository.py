"""The register's one repository suite, run on both backends: SQLite always, PostgreSQL when installed.

Each test gets an empty register at the newest schema and a way to act as a
named officer (``open_as("alice")``). On PostgreSQL that is a real LOGIN role of
team A (bob too; carol is team B); on SQLite, one PC, the name is given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator

import pg_cluster
import pytest
from conftest import SAMPLES

from lendready.register.merge import ABSENT, MergeIncomplete
from lendready.register.repository import (
    CaseExists,
    CaseNotFound,
    FourEyesError,
    Register,
    RegisterError,
    VersionConflict,
    make_engine,
    sqlite_url,
)

AS_OF = dt.date(2026, 12, 1)
OpenAs = Callable[[str], Register]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_as(request, tmp_path, knowledge) -> Iterator[OpenAs]:
    opened: list[Register] = []
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "register.sqlite3")
        Register.open(url, knowledge=knowledge, upgrade=True).close()

        def make(user: str) -> Register:
            register = Register(make_engine(url), user=user, team="team_a", knowledge=knowledge)
            opened.append(register)
            return register
    else:
        cluster = pg_cluster.cluster(request.config)
        database = pg_cluster.prepare_database(cluster)

        def make(user: str) -> Register:
            register = Register.open(cluster.url(user=user, database=database), knowledge=knowledge)
            opened.append(register)
            return register

    yield make
    for register in opened:
        register.close()


def _sample_bytes(name: str) -> bytes:
    return (SAMPLES / f"{name}.lendready").read_bytes()


# -- import, export, versions ---------------------------------------------------------------------


@pytest.mark.parametrize("sample", ["riverside", "crown_inn", "vale"])
def test_register_import_then_export_gives_the_same_bytes(open_as, tmp_path, sample):
    alice = open_as("alice")
    summary = alice.import_file(SAMPLES / f"{sample}.lendready")
    assert summary.current_version == 1 and summary.status == "received" and summary.team == "team_a"
    out = alice.export_file(summary.id, tmp_path / "out.lendready")
    assert out.read_bytes() == _sample_bytes(sample)
    [version] = alice.history(summary.id)
    assert version.sha256 == hashlib.sha256(_sample_bytes(sample)).hexdigest()
    assert version.author == "alice" and version.parent_version is None


def test_register_a_case_is_registered_once(open_as):
    alice = open_as("alice")
    alice.import_file(SAMPLES / "riverside.lendready")
    with pytest.raises(CaseExists):
        alice.import_file(SAMPLES / "riverside.lendready")


def test_register_saved_version_is_the_case_file_as_save_writes_it(open_as, knowledge, tmp_path):
    from lendready.domain.files.case_file import load_case, save_case

    alice = open_as("alice")
    summary = alice.import_file(SAMPLES / "vale.lendready")
    case, version = alice.get_case(summary.id)
    case.answers["org.years_trading"] = 11
    assert alice.save_version(case, version, reason="years corrected") == 2
    saved = tmp_path / "saved.lendready"
    save_case(case, saved, knowledge.questionnaire, touch=False)
    assert alice.document(summary.id) == saved.read_bytes()
    assert alice.document(summary.id, 1) == _sample_bytes("vale")
    history = alice.history(summary.id)
    assert [(v.version, v.parent_version, v.reason) for v in history] == [
        (1, None, "imported from vale.lendready"), (2, 1, "years corrected")]
    assert load_case(saved, knowledge.questionnaire).answers["org.years_trading"] == 11


def test_register_add_case_from_memory(open_as, samples):
    from dataclasses import replace

    alice = open_as("alice")
    case = replace(samples["riverside"], case_id="11111111-2222-4333-8444-555555555555", answers=dict(
        samples["riverside"].answers))
    summary = alice.add_case(case, assigned_officer="alice")
    assert summary.organisation == "Riverside Community Health CIC" and summary.legal_form == "cic_guarantee"
    assert summary.assigned_officer == "alice"
    again, version = alice.get_case(case.case_id)
    assert version == 1 and again.answers == case.answers


def test_register_diff_between_versions_names_the_questions(open_as):
    alice = open_as("alice")
    summary = alice.import_file(SAMPLES / "riverside.lendready")
    case, version = alice.get_case(summary.id)
    case.answers["gov.board_size"] = 11
    del case.answers["org.years_trading"]
    case.notes["gov.board_size"] = "two co-opted"
    alice.save_version(case, version)
    diff = {d.question: d for d in alice.diff_versions(summary.id, 1, 2)}
    assert set(diff) == {"gov.board_size", "org.years_trading", "note:gov.board_size"}
    assert (diff["gov.board_size"].before, diff["gov.board_size"].after) == (9, 11)
    assert diff["org.years_trading"].after is ABSENT
    assert diff["gov.board_size"].label != "gov.board_size"  # the question's own words


def test_register_unknown_case_is_refused(open_as):
    alice = open_as("alice")
    with pytest.raises(CaseNotFound):
        alice.history("no-such-case")
    with pytest.raises(CaseNotFound):
        alice.get_case("no-such-case")


# -- two writers ---------------------------------------------------------------------------------


def test_register_two_writers_lose_nothing(open_as):
    alice, bob = open_as("alice"), open_as("bob")
    case_id = alice.import_file(SAMPLES / "riverside.lendready").id
    mine, base_version = alice.get_case(case_id)
    theirs, same_base = bob.get_case(case_id)
    assert base_version == same_base == 1

    # Bob saves first: a different answer, an answer both change, and a note.
    theirs.answers["fin.debtor_days"] = 40
    theirs.answers["gov.board_size"] = 10
    theirs.notes["fin.debtor_days"] = "from the aged debtors list"
    assert bob.save_version(theirs, 1, reason="bob's corrections") == 2

    # Alice, from the same base, changes another answer, the same one differently, and removes one.
    mine.answers["org.years_trading"] = 5
    mine.answers["gov.board_size"] = 12
    del mine.answers["gov.independent_directors"]
    with pytest.raises(VersionConflict) as refused:
        alice.save_version(mine, 1)
    conflict = refused.value
    assert (conflict.expected, conflict.current, conflict.author) == (1, 2, "bob")
    assert alice.summary(case_id).current_version == 2  # nothing written
    changes = {c.answer: c for c in conflict.changes}
    assert set(changes) == {"fin.debtor_days", "gov.board_size", "org.years_trading", "gov.independent_directors"}
    board = changes["gov.board_size"]
    assert (board.base, board.theirs, board.mine, board.conflicting) == (9, 10, 12, True)
    assert [c.answer for c in conflict.conflicts] == ["gov.board_size"]
    assert changes["gov.independent_directors"].mine is ABSENT

    with pytest.raises(MergeIncomplete):
        conflict.merged_answers({})
    merged = conflict.merged_case({"gov.board_size": "mine"})
    assert alice.save_version(merged, conflict.current, reason="merged with bob's") == 3

    final, _ = bob.get_case(case_id)
    assert final.answers["fin.debtor_days"] == 40  # bob's
    assert final.answers["org.years_trading"] == 5  # alice's
    assert final.answers["gov.board_size"] == 12  # the choice
    assert "gov.independent_directors" not in final.answers  # alice's removal
    assert final.notes["fin.debtor_days"] == "from the aged debtors list"  # bob's note
    # Every version is still there, each as it was saved.
    assert [v.author for v in bob.history(case_id)] == ["alice", "bob", "alice"]
    assert bob.get_case(case_id, 2)[0].answers["gov.board_size"] == 10


def test_register_conflicting_notes_keep_both_texts(open_as):
    alice, bob = open_as("alice"), open_as("bob")
    case_id = alice.import_file(SAMPLES / "vale.lendready").id
    mine, _ = alice.get_case(case_id)
    theirs, _ = bob.get_case(case_id)
    theirs.notes["org.name"] = "bob's note"
    bob.save_version(theirs, 1)
    mine.notes["org.name"] = "alice's note"
    with pytest.raises(VersionConflict) as refused:
        alice.save_version(mine, 1)
    merged = refused.value.merged_case()
    assert "bob's note" in merged.notes["org.name"] and "alice's note" in merged.notes["org.name"]


# -- assessments, decisions, status --------------------------------------------------------------


def test_register_assessment_and_four_eyes_decision(open_as):
    alice, bob = open_as("alice"), open_as("bob")
    case_id = alice.import_file(SAMPLES / "riverside.lendready").id
    record = alice.assess(case_id, as_of=AS_OF)
    assert record.version == 1 and record.as_of == AS_OF and record.band == "not_ready"
    assert record.rules_version == alice.knowledge.rules_version
    assert {a["id"] for a in record.areas} >= {"organisation", "cashflow"} and record.findings
    assert alice.summary(case_id).band == "not_ready"

    with pytest.raises(FourEyesError):
        alice.record_decision(record.id, "approve")
    decision_id = bob.record_decision(record.id, "approve", "monthly management accounts")
    [decision] = alice.decisions(case_id)
    assert decision.id == decision_id and decision.approver == "bob" and decision.decision == "approve"
    assert alice.summary(case_id).status == "approved"
    assert [a.id for a in bob.assessments(case_id)] == [record.id]


def test_register_an_earlier_version_keeps_its_own_assessment(open_as):
    alice = open_as("alice")
    case_id = alice.import_file(SAMPLES / "riverside.lendready").id
    first = alice.assess(case_id, as_of=AS_OF)
    case, version = alice.get_case(case_id)
    case.answers["gov.board_size"] = 12
    alice.save_version(case, version)
    later = alice.assess(case_id, version=1, as_of=AS_OF)
    assert later.version == first.version == 1
    assert [a.version for a in alice.assessments(case_id)] == [1, 1]


def test_register_status_assignment_and_audit(open_as):
    alice = open_as("alice")
    case_id = alice.import_file(SAMPLES / "riverside.lendready").id
    alice.set_status(case_id, "assessing")
    alice.assign(case_id, "bob")
    summary = alice.summary(case_id)
    assert summary.status == "assessing" and summary.assigned_officer == "bob"
    with pytest.raises(RegisterError):
        alice.set_status(case_id, "lost")
    entries = alice.audit_entries(case_id)
    assert [e.action for e in entries] == ["case.assign", "case.status", "case.import"]
    assert all(e.actor == "alice" for e in entries)
    assert entries[0].detail == {"assigned_officer": "bob"}


# -- listing -------------------------------------------------------------------------------------


def _fill(register: Register, count: int) -> list[str]:
    from lendready.domain.files.case_file import load_case

    ids = []
    base = load_case(SAMPLES / "vale.lendready", register.questionnaire)
    forms = ("cic_guarantee", "cbs", "coop")
    for i in range(count):
        from dataclasses import replace

        answers = dict(base.answers, **{"org.name": f"Org {i:03d} {'Bakery' if i % 4 == 0 else 'Works'}",
                                         "org.legal_form": forms[i % 3]})
        case = replace(base, case_id=f"00000000-0000-4000-8000-{i:012d}", answers=answers)
        register.add_case(case, assigned_officer="bob" if i % 2 else "alice")
        ids.append(case.case_id)
    return ids


def test_register_list_pages_through_every_case_once_newest_first(open_as):
    alice = open_as("alice")
    ids = _fill(alice, 23)
    seen, cursor, pages = [], None, 0
    while True:
        page = alice.list_cases(limit=5, cursor=cursor)
        seen += [c.id for c in page.cases]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 5 and sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    assert seen[0] == ids[-1]  # most recently changed first
    alice.set_status(ids[0], "assessing")  # changing a case brings it to the top
    assert alice.list_cases(limit=1).cases[0].id == ids[0]


def test_register_list_filters_and_search(open_as):
    alice = open_as("alice")
    ids = _fill(alice, 12)
    # Committee follows a referral, by someone other than the version's author (four eyes).
    open_as("bob").record_decision(alice.assess(ids[3], as_of=AS_OF).id, "refer")
    assert [c.id for c in alice.list_cases(status="committee").cases] == [ids[3]]
    assert {c.id for c in alice.list_cases(status=["committee", "received"]).cases} == set(ids)
    assert all(c.assigned_officer == "bob" for c in alice.list_cases(officer="bob").cases)
    assert len(alice.list_cases(officer="bob").cases) == 6
    assert len(alice.list_cases(legal_form="cbs").cases) == 4
    bakeries = alice.list_cases(search="bAKERY").cases
    assert len(bakeries) == 3 and all("Bakery" in c.organisation for c in bakeries)
    assert alice.list_cases(search="100%").cases == ()  # LIKE wildcards are text, not patterns
    assert alice.list_cases(search="_").cases == ()
    alice.assess(ids[5], as_of=AS_OF)
    assert [c.id for c in alice.list_cases(band=alice.summary(ids[5]).band).cases] == [ids[5]]
    # The pipeline's counts use the same filters as the list, in one query.
    assert alice.status_counts() == {"committee": 1, "received": 11}
    assert alice.status_counts(officer="bob") == {
        s: n for s, n in {"committee": sum(c.status == "committee" for c in alice.list_cases(officer="bob").cases),
                          "received": sum(c.status == "received" for c in alice.list_cases(officer="bob").cases)
                          }.items() if n}
    assert sum(alice.status_counts(search="bAKERY").values()) == 3 and alice.status_counts(search="100%") == {}
    assert alice.officers() == tuple(sorted({c.assigned_officer for c in alice.list_cases().cases
                                             if c.assigned_officer}))


def test_register_a_forged_cursor_is_refused(open_as):
    alice = open_as("alice")
    with pytest.raises(RegisterError):
        alice.list_cases(cursor="not a cursor")


def test_register_list_pages_cases_changed_at_the_same_instant(open_as):
    import sqlalchemy as sa

    from lendready.register.schema import cases

    alice = open_as("alice")
    ids = _fill(alice, 9)
    with alice.engine.begin() as conn:  # the same time to the microsecond: the id breaks the tie
        conn.execute(cases.update().values(updated_at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)))
        assert conn.execute(sa.select(sa.func.count(sa.distinct(cases.c.updated_at)))).scalar_one() == 1
    seen, cursor = [], None
    while True:
        page = alice.list_cases(limit=2, cursor=cursor)
        seen += [c.id for c in page.cases]
        if (cursor := page.next_cursor) is None:
            break
    assert seen == sorted(ids, reverse=True)


def test_register_simultaneous_saves_one_wins_the_other_is_told(open_as):
    import threading

    alice, bob = open_as("alice"), open_as("bob")
    case_id = alice.import_file(SAMPLES / "riverside.lendready").id
    for round_ in range(5):
        mine, version = alice.get_case(case_id)
        theirs, _ = bob.get_case(case_id)
        mine.answers["org.years_trading"] = 10 + round_
        theirs.answers["gov.board_size"] = 10 + round_
        barrier = threading.Barrier(2)
        results: dict[str, object] = {}

        def save(name: str, register: Register, case, barrier: threading.Barrier, results: dict, base: int) -> None:
            barrier.wait()
            try:
                results[name] = register.save_version(case, base)
            except VersionConflict as exc:
                results[name] = exc

        threads = [threading.Thread(target=save, args=(name, register, case, barrier, results, version))
                   for name, register, case in (("alice", alice, mine), ("bob", bob, theirs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(type(r).__name__ for r in results.values()) == ["VersionConflict", "int"], results
        assert alice.summary(case_id).current_version == version + 1
    assert [v.version for v in alice.history(case_id)] == list(range(1, 7))
