"""The condition language: three-valued logic, and nothing but its allow-list."""

from __future__ import annotations

import re

import pytest

from lendready.domain.engine.conditions import (
    METRIC_KEY,
    VALUE_KEY,
    ConditionError,
    Symbols,
    compile_condition,
)

SYMBOLS = Symbols(
    questions={"org.years_trading": "number", "org.legal_form": "choice", "gov.finance_expertise": "yesno",
               "fin.forecast": "table"},
    choices={"org.legal_form": frozenset({"cic_shares", "cooperative_society"}),
             "gov.finance_expertise": frozenset({"yes", "no"})},
    metrics=frozenset({"dscr"}),
    parameters={"dscr.red_below": 1.0, "years": 3},
)


def ev(source: str, env: dict):
    return compile_condition(source, SYMBOLS).evaluate(env)


def test_comparisons_with_answers_metrics_and_parameters():
    assert ev("org.years_trading < param.years", {"org.years_trading": 2}) is True
    assert ev("org.years_trading < param.years", {"org.years_trading": 3}) is False
    assert ev("metric.dscr < param.dscr.red_below", {METRIC_KEY + "dscr": 0.99}) is True
    assert ev("1 < org.years_trading <= 5", {"org.years_trading": 5}) is True
    assert ev("org.years_trading * 2 - 1 == 5", {"org.years_trading": 3}) is True


@pytest.mark.parametrize("value", [2, 3, 3.0, 4.5, -1, True, False, "3", "text", None])
@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_a_threshold_known_when_rules_load_compares_as_one_worked_out_each_time(op, value):
    """Comparisons with a literal or a parameter are specialised when compiled; a text, a yes/no or a
    missing answer must still be unknown (or simply unequal), exactly as against an expression."""
    env = {"org.years_trading": value}
    worked_out = ev(f"org.years_trading {op} (param.years + 0)", env)
    assert ev(f"org.years_trading {op} param.years", env) is worked_out
    assert ev(f"org.years_trading {op} 3", env) is worked_out
    assert ev(f"org.years_trading {op} -3", env) is ev(f"org.years_trading {op} (0 - 3)", env)


def test_limits_on_figures_and_on_numeric_answers_are_recorded_either_way_round():
    from lendready.domain.engine.conditions import Comparison

    c = compile_condition("metric.dscr < param.dscr.red_below and 2 >= org.years_trading", SYMBOLS)
    assert c.comparisons == (Comparison("dscr", "<", "dscr.red_below", 1.0),)
    assert c.answer_limits == (Comparison("org.years_trading", "<=", None, 2.0),)
    # A text answer, or a limit that is not a number known when the rules load, is not one.
    assert compile_condition('org.legal_form == "cic_shares"', SYMBOLS).answer_limits == ()
    assert compile_condition("org.years_trading < metric.dscr * 2", SYMBOLS).answer_limits == ()


def test_unanswered_is_unknown_and_never_fires():
    assert ev("org.years_trading < 3", {}) is None
    assert ev("not (org.years_trading < 3)", {}) is None
    assert compile_condition("org.years_trading < 3", SYMBOLS).holds({}) is False


def test_kleene_and_or():
    env = {"gov.finance_expertise": "no"}
    assert ev('org.years_trading < 3 and gov.finance_expertise == "yes"', env) is False
    assert ev('org.years_trading < 3 and gov.finance_expertise == "no"', env) is None
    assert ev('org.years_trading < 3 or gov.finance_expertise == "no"', env) is True
    assert ev('org.years_trading < 3 or gov.finance_expertise == "yes"', env) is None


def test_answered_membership_and_functions():
    assert ev("answered(fin.forecast)", {}) is False
    assert ev("not answered(fin.forecast)", {}) is True
    assert ev('org.legal_form in ("cic_shares", "cooperative_society")', {"org.legal_form": "cic_shares"}) is True
    assert ev('org.legal_form not in ("cic_shares",)', {"org.legal_form": "cic_shares"}) is False
    assert ev("max(org.years_trading, 10) == 10", {"org.years_trading": 2}) is True
    assert ev("abs(org.years_trading) == 2", {"org.years_trading": -2}) is True


def test_division_by_zero_is_unknown_not_an_error():
    assert ev("10 / org.years_trading > 1", {"org.years_trading": 0}) is None


def test_value_only_in_constraints():
    with pytest.raises(ConditionError, match="unknown name 'value'"):
        compile_condition("value > 0", SYMBOLS)
    symbols = Symbols(questions={}, allow_value=True)
    assert compile_condition("value >= 0 and value <= 100", symbols).evaluate({VALUE_KEY: 140}) is False


@pytest.mark.parametrize(
    "source, message",
    [
        ("__import__('os').system('echo hacked')", "only these functions"),
        ("().__class__.__bases__", "only plain dotted names"),
        ("[x for x in (1, 2)]", "not allowed"),
        ("lambda: 1", "not allowed"),
        ("org.years_trading[0]", "not allowed"),
        ("open('/etc/passwd')", "only these functions"),
        ("org.years_trading ** 2", "only + - * /"),
        ("org.years_trading is None", "comparison must be"),
        ("orgg.years_trading < 3", "unknown name 'orgg.years_trading'"),
        ("param.nope > 1", "unknown parameter 'nope'"),
        ("metric.nope > 1", "unknown metric 'nope'"),
        ('org.legal_form == "cic"', "'cic' is not a choice of org.legal_form"),
        ('org.legal_form in ("cic_shares", "coop")', "'coop' is not a choice"),
        ("org.years_trading <", "cannot parse"),
        ("", "empty"),
        ("True", "not allowed"),
        ("1 if org.years_trading else", "cannot parse"),
    ],
)
def test_rejected_conditions_name_the_problem(source, message):
    with pytest.raises(ConditionError, match=re.escape(message)):
        compile_condition(source, SYMBOLS)


def test_deep_nesting_and_huge_input_are_refused_not_crashing():
    with pytest.raises(ConditionError, match="nested too deeply"):
        compile_condition("not " * 100 + "org.years_trading > 0", SYMBOLS)
    with pytest.raises(ConditionError):
        compile_condition("(" * 300 + "1" + ")" * 300 + " > 0", SYMBOLS)
    with pytest.raises(ConditionError, match="longer than"):
        compile_condition("1 + " * 1000 + "1 > 0", SYMBOLS)


def test_trace_lists_names_read():
    c = compile_condition("metric.dscr < param.dscr.red_below and org.years_trading < param.years", SYMBOLS)
    assert c.parameters == ("dscr.red_below", "years")
    assert c.metrics == ("dscr",)
    assert c.questions == ("org.years_trading",)
