"""The what-if model: a copy beside the case, its changes listed from → to, applied as one change."""

from __future__ import annotations

from lendready.domain.engine import formatting
from lendready.model.session import CaseSession
from lendready.model.what_if import WhatIf


def vale(knowledge, samples):
    import copy

    return CaseSession(knowledge, copy.deepcopy(samples["vale"]))


def test_a_what_if_leaves_the_case_untouched_and_lists_its_changes(knowledge, samples):
    case = vale(knowledge, samples)
    answers = dict(case.answers)
    w = WhatIf(case, {"gov.finance_expertise": "no", "fin.surplus": 1234})
    assert dict(case.answers) == answers and not case.dirty
    changes = w.changes("lender")
    assert [c.question for c in changes] == ["gov.finance_expertise", "fin.surplus"] or \
        {c.question for c in changes} == {"gov.finance_expertise", "fin.surplus"}
    by_id = {c.question: c for c in changes}
    assert by_id["fin.surplus"].before_text == formatting.money(answers["fin.surplus"])
    assert by_id["fin.surplus"].after_text == formatting.money(1234)
    label = knowledge.questionnaire.questions["gov.finance_expertise"].label.for_role("lender")
    assert by_id["gov.finance_expertise"].text() == f"{label}: Yes → No"


def test_changes_follow_further_edits_and_vanish_when_undone(knowledge, samples):
    case = vale(knowledge, samples)
    w = WhatIf(case, {"fin.surplus": 1})
    w.session.set_answer("fin.surplus", case.answers["fin.surplus"])
    assert w.changes() == []
    w.session.set_answer("org.name", None)
    (change,) = w.changes()
    assert change.question == "org.name" and change.after is None and change.after_text == "not answered"


def test_apply_is_one_change_to_the_case(knowledge, samples):
    case = vale(knowledge, samples)
    revision = case.revision
    w = WhatIf(case, {"fin.surplus": 4321, "gov.finance_expertise": "no"})
    w.session.set_note("fin.surplus", "from the draft accounts")
    assert w.apply()
    assert case.answers["fin.surplus"] == 4321 and case.answers["gov.finance_expertise"] == "no"
    assert case.notes["fin.surplus"] == "from the draft accounts"
    assert case.dirty and case.revision == revision + 1
    assert WhatIf(case, {}).apply() is False


def test_set_answers_reports_no_change_when_nothing_differs(knowledge, samples):
    case = vale(knowledge, samples)
    assert not case.set_answers({"fin.surplus": case.answers["fin.surplus"]})
    assert not case.dirty
