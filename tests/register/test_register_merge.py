"""The three-way merge behind a refused save: every one-sided change kept, only real conflicts asked about."""

from __future__ import annotations

import pytest

from lendready.register.merge import ABSENT, MergeIncomplete, merge, same, three_way


def test_register_merge_keeps_one_sided_changes_and_asks_about_the_rest():
    base = {"a": 1, "b": "x", "c": True, "d": [1, 2], "gone": 5}
    theirs = {"a": 2, "b": "x", "c": True, "d": [1, 2], "gone": 5, "new_t": "t"}
    mine = {"a": 1, "b": "y", "c": False, "d": [1, 2], "new_m": "m"}
    changes = three_way(base, theirs, mine, order=["d", "c", "b", "a"])
    assert [c.answer for c in changes] == ["c", "b", "a", "gone", "new_m", "new_t"]
    assert not any(c.conflicting for c in changes)
    assert merge(theirs, changes) == {"a": 2, "b": "y", "c": False, "d": [1, 2], "new_t": "t", "new_m": "m"}


def test_register_merge_conflicts_need_a_choice():
    base, theirs, mine = {"a": 1}, {"a": 2}, {"a": 3}
    changes = three_way(base, theirs, mine)
    assert [c.conflicting for c in changes] == [True]
    with pytest.raises(MergeIncomplete) as refused:
        merge(theirs, changes)
    assert refused.value.answers == ("a",)
    assert merge(theirs, changes, {"a": "mine"}) == {"a": 3}
    assert merge(theirs, changes, {"a": "theirs"}) == {"a": 2}


def test_register_merge_same_change_on_both_sides_is_no_conflict():
    changes = three_way({"a": 1}, {"a": 2}, {"a": 2.0})
    assert not changes[0].conflicting
    assert merge({"a": 2}, changes) == {"a": 2}


def test_register_merge_removed_on_one_side_changed_on_the_other_is_a_conflict():
    changes = three_way({"a": 1}, {}, {"a": 5})
    assert changes[0].theirs is ABSENT and changes[0].conflicting
    assert merge({}, changes, {"a": "theirs"}) == {}


def test_register_merge_json_equality():
    assert same(1, 1.0) and not same(True, 1) and not same(None, ABSENT) and same(ABSENT, ABSENT)
    assert same({"x": [1, "a"]}, {"x": [1, "a"]}) and not same("1", 1)
