"""Strategies: diffs (part of `clientcustomer.testing`)."""

from __future__ import annotations

from hypothesis import strategies as st

from clientcustomer.rules.diff import RoleChange, RulesetDiff, VerdictChange, diff_rulesets
from clientcustomer.rules.ruleset import (
    Role,
    default_ruleset,
)

from ._common import identifiers
from ._rules import _RULE_IDS, _signals_for, rulesets

# --- rule-set diffs -----------------------------------------------------------------------------

_DECIDERS = st.sampled_from(("score", "policy.requires", "policy.default")) | _RULE_IDS
_SCORES = st.floats(allow_nan=False, allow_infinity=False)


def verdict_changes() -> st.SearchStrategy[VerdictChange]:
    """Changed verdicts of a record: any roles, deciding rules and finite scores.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import verdict_changes
        >>> @given(verdict_changes())
        ... def test_role_changed(change):
        ...     assert change.role_changed == (change.old_role != change.new_role)
        >>> test_role_changed()
    """
    return st.builds(
        VerdictChange,
        id=identifiers(),
        old_role=st.sampled_from(list(Role)),
        new_role=st.sampled_from(list(Role)),
        old_decided_by=_DECIDERS,
        new_decided_by=_DECIDERS,
        old_score=_SCORES,
        new_score=_SCORES,
    )


def role_changes() -> st.SearchStrategy[RoleChange]:
    """Counts of records going from one role to another (or staying).

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import role_changes
        >>> @given(role_changes())
        ... def test_count(change):
        ...     assert change.count >= 0
        >>> test_count()
    """
    return st.builds(
        RoleChange,
        old_role=st.sampled_from(list(Role)),
        new_role=st.sampled_from(list(Role)),
        count=st.integers(0, 10**9),
    )


@st.composite
def _diffed(draw: st.DrawFn) -> RulesetDiff:
    ruleset = draw(rulesets(max_rules=3))
    old, new = default_ruleset(), ruleset
    if draw(st.booleans()):
        old, new = new, old
    ids = draw(st.lists(identifiers(), max_size=4))
    return diff_rulesets(old, new, [(key, draw(_signals_for(ruleset.signals))) for key in ids])


@st.composite
def _built_diffs(draw: st.DrawFn) -> RulesetDiff:
    pairs = draw(st.lists(st.tuples(*[st.sampled_from(list(Role))] * 2), max_size=4, unique=True))
    roles = tuple(RoleChange(old, new, draw(st.integers(1, 1000))) for old, new in pairs)
    total = sum(item.count for item in roles)
    return RulesetDiff(
        draw(_RULE_IDS) + "@1",
        draw(_RULE_IDS) + "@2",
        total,
        tuple(draw(st.lists(verdict_changes(), max_size=min(total, 3)))),
        roles,
    )


def ruleset_diffs() -> st.SearchStrategy[RulesetDiff]:
    """What-if diffs: `diff_rulesets` between the default and a random rule set, or built directly.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import ruleset_diffs
        >>> @given(ruleset_diffs())
        ... def test_counts(diff):
        ...     assert diff.changed <= diff.total == sum(r.count for r in diff.roles)
        >>> test_counts()
    """
    return _diffed() | _built_diffs()
