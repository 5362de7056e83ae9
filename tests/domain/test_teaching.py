"""The teaching content: it loads, lints clean, fits the sample cases, and names each mistake."""

from __future__ import annotations

import re

import pytest
from conftest import edit

from lendready.domain.engine.assessment import assess
from lendready.domain.engine.knowledge import ResourceError
from lendready.domain.engine.lint import lint
from lendready.domain.teaching.content import check_teaching, load_teaching, myths


@pytest.fixture(scope="module")
def teaching(knowledge):
    return load_teaching(knowledge.root, knowledge)


def case_of(samples, knowledge, sample_id):
    """(valid answers, metrics) of a sample case, as the app and the PDF pass them."""
    case = samples[sample_id]
    values = knowledge.questionnaire.validate(case.answers).values
    return values, assess(case, knowledge).metrics.values


def test_shipped_teaching_loads_and_lints_clean(resources, knowledge, teaching):
    assert check_teaching(resources, knowledge) == []
    assert lint(resources).problems == []
    assert teaching.primer_title
    assert 6 <= len(teaching.primer) <= 12
    words = sum(len(p.split()) for s in teaching.primer for p in s.paragraphs)
    assert 1500 <= words <= 3500  # three to five pages
    assert all(s.heading and s.paragraphs and all(p.strip() for p in s.paragraphs) for s in teaching.primer)
    assert load_teaching(resources, knowledge) is teaching  # cached


def test_default_root_is_the_installed_resources(teaching):
    assert load_teaching().primer_title == teaching.primer_title


def test_primer_quotes_the_thresholds_the_rules_use(knowledge, teaching):
    text = " ".join(p for s in teaching.primer for p in s.paragraphs)
    assert "{" not in text and "}" not in text
    assert f"{knowledge.param_values['dscr.amber_below']:.2f}" in text
    assert "6 April 2023" in text


def test_every_legal_form_has_an_entry(knowledge, teaching):
    values = knowledge.questionnaire.questions["org.legal_form"].choice_values
    assert list(teaching.legal_forms) == list(values)
    for form in teaching.legal_forms.values():
        assert all([form.name, form.register, form.asset_lock, form.dividends, form.charges, form.lender_checks])


def test_glossary_is_sorted_and_covers_the_basics(teaching):
    terms = [t.term for t in teaching.glossary]
    assert terms == sorted(terms, key=str.casefold)
    for needed in ("DSCR", "Interest cover", "LTV", "Covenant", "Condition precedent", "Community shares", "CIC34",
                   "AR30", "Debenture", "Subordination", "Management accounts", "Unrestricted reserves",
                   "Admitted body", "Asset lock", "Cessation (exit) debt", "EOT", "Termination for convenience",
                   "TUPE", "Withdrawable shares"):
        assert needed in terms


def test_documents_follow_the_case(samples, knowledge, teaching):
    bean = [d.id for d in teaching.documents_for(*case_of(samples, knowledge, "bean_there"))]
    vale = [d.id for d in teaching.documents_for(*case_of(samples, knowledge, "vale"))]
    crown = [d.id for d in teaching.documents_for(*case_of(samples, knowledge, "crown_inn"))]
    assert "pension_admission" not in bean and "pension_admission" in vale
    assert "main_contracts" in vale and "main_contracts" not in crown  # Crown Inn has no contract
    always = [d.id for d in teaching.checklist if d.when is None]
    assert always and all(d in bean for d in always)
    assert len(teaching.checklist) >= 9


def test_spin_out_record_replaces_accounts_only_while_young(samples, knowledge, teaching):
    values, metrics = case_of(samples, knowledge, "vale")  # a spin-out trading 14 years
    ids = [d.id for d in teaching.documents_for(values, metrics)]
    assert "accounts" in ids and "inherited_record" not in ids
    young = dict(values, **{"org.years_trading": 1})
    ids = [d.id for d in teaching.documents_for(young, metrics)]
    assert "inherited_record" in ids and "accounts" not in ids
    unknown_origin = {k: v for k, v in values.items() if k != "org.origin"}
    assert "accounts" in [d.id for d in teaching.documents_for(unknown_origin, metrics)]


def test_products_follow_the_case(samples, knowledge, teaching):
    crown = [p.id for p in teaching.products_for(*case_of(samples, knowledge, "crown_inn"))]
    bean = [p.id for p in teaching.products_for(*case_of(samples, knowledge, "bean_there"))]
    assert "secured_term_loan" in crown and "community_shares" in crown
    assert "unsecured_social_loan" in bean and "secured_term_loan" not in bean
    assert "cooperative_loan_fund" in bean  # a co-operative asking £60,000
    assert "cooperative_loan_fund" not in crown  # a community benefit society: the fund is for co-operatives
    # An overdraft needs the stress tests' word that customers paying late opens a timing gap.
    values, metrics = case_of(samples, knowledge, "bean_there")
    assert "overdraft" in [p.id for p in teaching.products_for(values, metrics, (), {"lowest_cash_payment_delay": -1})]
    assert "overdraft" not in [p.id for p in teaching.products_for(values, metrics, (), {"lowest_cash_payment_delay": 5})]
    assert "overdraft" not in [p.id for p in teaching.products_for(
        values, metrics, ("cashflow.deficit_two_years",), {"lowest_cash_payment_delay": -1})]


def test_community_shares_warn_against_planning_on_sitr(teaching):
    shares = next(p for p in teaching.products if p.id == "community_shares")
    assert "6 April 2023" in shares.caution and "do not plan on it" in shares.caution


def test_products_accept_a_metrics_object_or_no_metrics(samples, knowledge, teaching):
    values, _ = case_of(samples, knowledge, "bean_there")
    metrics = assess(samples["bean_there"], knowledge).metrics
    assert teaching.products_for(values, metrics) == teaching.products_for(values, metrics.values)
    assert "overdraft" not in [p.id for p in teaching.products_for(values)]  # unknown is not true


def test_myths_pair_each_belief_with_its_correction(knowledge):
    pairs = myths(knowledge)
    assert len(pairs) == sum(1 for r in knowledge.rules if r.myth) >= 5
    lock = next(c for m, c in pairs if "asset lock" in m.lower())
    assert lock.startswith("False")


def test_no_text_holds_markup(teaching):
    texts = [teaching.primer_title]
    texts += [s.heading for s in teaching.primer] + [p for s in teaching.primer for p in s.paragraphs]
    texts += [v for f in teaching.legal_forms.values() for v in f]
    texts += [v for t in teaching.glossary for v in t]
    texts += [v for d in teaching.checklist for v in (d.text, d.why)]
    texts += [v for p in teaching.products for v in (p.name, p.terms, p.fits, p.caution)]
    markup = re.compile(r"<[A-Za-z/][^>]*>|&[A-Za-z]+;|\*\*|`|\{|\}")
    assert [t for t in texts if markup.search(t)] == []


def test_every_serious_rule_states_a_lender_condition(knowledge):
    missing = [r.id for r in knowledge.rules
               if {lv.severity for lv in r.levels} & {"blocker", "high", "medium"} and not r.lender_condition]
    assert missing == []


# ---------------------------------------------------------------------------
# Mistakes are named file:id: field: problem


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        ("teaching/checklist.toml", "when = 'ppl.lgps_admitted_body == \"yes\"'",
         "when = 'ppl.lgps_admited_body == \"yes\"'",
         "teaching/checklist.toml:pension_admission: when: unknown name 'ppl.lgps_admited_body'"),
        ("teaching/checklist.toml", "when = 'ppl.lgps_admitted_body == \"yes\"'",
         "when = 'ppl.lgps_admitted_body == \"maybe\"'",
         "teaching/checklist.toml:pension_admission: when: 'maybe' is not a choice of ppl.lgps_admitted_body"),
        ("teaching/products.toml", 'when = "loan.amount <= param.security.unsecured_limit and',
         'when = "loan.amount <= param.security.unsecured and',
         "teaching/products.toml:unsecured_social_loan: when: unknown parameter 'security.unsecured'"),
        ("teaching/products.toml", 'name = "Community shares"', 'name = "<b>Community</b> shares"',
         "teaching/products.toml:community_shares: name: Value error, contains markup '<b>'"),
        ("teaching/products.toml", 'id = "overdraft"', 'id = "overdraft"\ncolour = "red"',
         "teaching/products.toml:overdraft: colour: Extra inputs are not permitted"),
        ("teaching/legal_forms.toml", 'id = "eot_owned_company"', 'id = "eot_company"',
         "teaching/legal_forms.toml:eot_company: id: not a value of org.legal_form"),
        ("teaching/legal_forms.toml", 'id = "eot_owned_company"', 'id = "eot_company"',
         "teaching/legal_forms.toml:eot_owned_company: (item): no entry for this org.legal_form value"),
        ("teaching/legal_forms.toml", 'register = "Companies House."', 'registry = "Companies House."',
         "teaching/legal_forms.toml:company_limited_by_shares: register: Field required"),
        ("teaching/glossary.toml", "below {param.dscr.amber_below}", "below {param.dscr.amber}",
         "teaching/glossary.toml:DSCR: definition: placeholder {param.dscr.amber} names an unknown parameter"),
        ("teaching/checklist.toml", 'id = "board_skills"', 'id = "business_plan"',
         "teaching/checklist.toml:business_plan: id: used twice"),
    ],
)
def test_mistakes_are_named_file_id_field(broken, knowledge, file, old, new, expected):
    edit(broken / file, old, new)
    problems = check_teaching(broken, knowledge)
    assert any(p.startswith(expected) for p in problems), problems
    assert any(p.startswith(expected) for p in lint(broken).problems)


def test_a_product_may_test_a_finding_but_not_an_unknown_one(broken, knowledge):
    edit(broken / "teaching/products.toml",
         "not finding.cashflow.deficit_two_years and not finding.security.ltv_high",
         "not finding.cashflow.deficit_three_years and not finding.security.ltv_high")
    problems = check_teaching(broken, knowledge)
    assert any(p.startswith("teaching/products.toml:secured_term_loan: when: unknown finding "
                            "'cashflow.deficit_three_years'") for p in problems), problems


def test_missing_file_is_reported_and_load_refuses(broken, knowledge):
    (broken / "teaching" / "glossary.toml").unlink()
    assert "teaching/glossary.toml: (file): missing" in check_teaching(broken, knowledge)
    with pytest.raises(ResourceError):
        load_teaching(broken, knowledge)


def test_cached_teaching_loads_without_pydantic(tmp_path):
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from lendready.domain.teaching.content import load_teaching\n"
        "t = load_teaching()\n"
        "print(json.dumps([len(t.checklist), 'pydantic' in sys.modules]))"
    )
    env = dict(os.environ, LENDREADY_CACHE_DIR=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
            for _ in range(2)]
    first, second = (json.loads(r.stdout) for r in runs)
    assert first[0] == second[0] > 0
    assert second[1] is False
