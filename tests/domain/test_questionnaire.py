"""The questionnaire holds every core question of the contract, and skip logic behaves."""

from __future__ import annotations

from lendready.domain.engine.assessment import assess

# The core ids of the case-file contract and their answer types (docs/case-format.md).
CORE = {
    "org.name": "text", "org.legal_form": "choice", "org.origin": "choice", "org.years_trading": "number",
    "org.staff_count": "integer", "org.member_count": "integer", "gov.board_size": "integer",
    "gov.independent_directors": "integer", "gov.finance_expertise": "yesno", "gov.management_accounts": "choice",
    "gov.accounts_scrutiny": "choice", "gov.key_person_dependency": "yesno", "lock.asset_lock": "choice",
    "lock.borrowing_powers": "yesno", "lock.withdrawable_share_capital": "amount",
    "lock.can_suspend_withdrawals": "yesno", "fin.turnover": "amount", "fin.surplus": "amount",
    "fin.surplus_prior": "amount", "fin.depreciation": "amount", "fin.unrestricted_reserves": "amount",
    "fin.cash": "amount", "fin.existing_debt": "amount", "fin.existing_debt_service": "amount",
    "fin.debtor_days": "number", "fin.forecast": "table", "inc.largest_customer_share": "percent",
    "inc.public_sector_share": "percent", "inc.main_contract_months_left": "integer",
    "inc.main_contract_break_clause": "yesno", "inc.grant_share": "percent", "sec.property_value": "amount",
    "sec.other_security": "amount", "ppl.tupe_transfer": "yesno", "ppl.lgps_admitted_body": "yesno",
    "ppl.pension_guarantee": "yesno", "ppl.pension_deficit": "amount", "loan.amount": "amount",
    "loan.term_months": "integer", "loan.interest_rate": "percent", "loan.purpose": "choice",
}
CHOICES = {
    "org.legal_form": {"cic_shares", "cic_guarantee", "cooperative_society", "community_benefit_society",
                       "company_limited_by_guarantee", "company_limited_by_shares", "eot_owned_company",
                       "charitable_incorporated_organisation", "unincorporated_association"},
    "org.origin": {"public_service_spin_out", "new_start", "conversion", "established"},
    "gov.management_accounts": {"monthly", "quarterly", "annual", "none"},
    "gov.accounts_scrutiny": {"audit", "independent_examination", "none"},
    "lock.asset_lock": {"statutory", "in_rules", "none"},
    "loan.purpose": {"working_capital", "asset_purchase", "property", "refinance", "growth",
                     "contract_mobilisation", "member_withdrawals"},
}


def test_every_core_question_with_its_type_and_choices(knowledge):
    q = knowledge.questionnaire.questions
    for qid, qtype in CORE.items():
        assert qid in q, qid
        assert q[qid].type == qtype, qid
    for qid, values in CHOICES.items():
        assert set(q[qid].choice_values) == values, qid


def test_every_question_has_label_and_help_for_every_role(knowledge):
    for question in knowledge.questionnaire.questions.values():
        for role in ("lender", "founder", "trainer"):
            assert question.label.for_role(role).strip(), question.id
            assert len(question.help.for_role(role)) > 20, question.id


def test_nine_sections_in_order(knowledge):
    assert [s.id for s in knowledge.questionnaire.sections] == [
        "organisation", "governance", "legal_form", "finances", "forecast", "income", "security", "people", "loan",
    ]


def test_hidden_answers_are_kept_but_do_not_count(knowledge, answers_of):
    answers = answers_of("bean_there")  # not an LGPS admitted body
    answers["ppl.pension_guarantee"] = "no"
    answers["ppl.pension_deficit"] = 9_000_000
    result = assess(answers, knowledge)
    assert "people.pension_deficit" not in result.finding_ids
    assert "ppl.pension_guarantee" not in result.unanswered
    assert answers["ppl.pension_guarantee"] == "no"  # the answer itself is untouched
    answers["ppl.lgps_admitted_body"] = "yes"
    shown = assess(answers, knowledge)
    assert "people.lgps_no_guarantee" in shown.finding_ids
    assert "people.pension_deficit" in shown.finding_ids


def test_unanswered_lists_relevant_questions_in_questionnaire_order(knowledge, answers_of):
    result = assess(answers_of("riverside"), knowledge)
    order = [knowledge.questionnaire.position(q) for q in result.unanswered]
    assert order == sorted(order)
    assert "fin.forecast" in result.unanswered and "fin.cash" in result.unanswered
    assert "ppl.pension_guarantee" not in result.unanswered  # hidden: not an admitted body


def test_missing_key_question_makes_the_band_incomplete(knowledge, answers_of):
    answers = answers_of("vale")
    del answers["gov.finance_expertise"]
    result = assess(answers, knowledge)
    assert result.band == "incomplete"
    assert result.area("governance").rating == "unknown"
    assert result.area("governance").missing == ("gov.finance_expertise",)
    assert result.area("cashflow").rating == "green"  # the rest is still rated


def test_a_blocker_is_decisive_even_on_a_partial_case(knowledge):
    result = assess({"org.legal_form": "unincorporated_association"}, knowledge)
    assert result.band == "not_ready"
    assert result.area("organisation").rating == "red"
    assert result.area("cashflow").rating == "unknown"


def test_empty_case_is_incomplete_with_everything_unanswered(knowledge):
    result = assess({}, knowledge)
    assert result.band == "incomplete"
    assert all(a.rating == "unknown" for a in result.areas)
    assert len(result.unanswered) >= len(CORE) - 4  # the conditional questions stay hidden


def test_cross_question_constraint(knowledge, answers_of):
    answers = answers_of("vale")
    answers["gov.independent_directors"] = answers["gov.board_size"] + 1
    result = assess(answers, knowledge)
    assert [i.question for i in result.invalid] == ["gov.independent_directors"]
