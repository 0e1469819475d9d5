"""Strategies: playbook (part of `clientcustomer.testing`)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from clientcustomer._core.vocabulary import ROLE_NAMES
from clientcustomer.advice.playbook import (
    Playbook,
    PlaybookAction,
    PlaybookActionKind,
    PlaybookStrategy,
)
from clientcustomer.lifecycle.machine import (
    Stage,
)
from clientcustomer.parties.entities import (
    InteractionKind,
)
from clientcustomer.signals.derive import SIGNALS

from ._common import _DATES, _NOTES, identifiers

# --- playbook -----------------------------------------------------------------------------------

_PLAYBOOK_ROLES: tuple[Any, ...] = ROLE_NAMES  # the playbook's role literals, from one place


_SERVES = st.sampled_from(("", "immediate satisfaction", "long-term strategy and satisfaction"))


@st.composite
def _playbook_strategies(draw: st.DrawFn, ids: st.SearchStrategy[str] | None) -> PlaybookStrategy:
    kind = draw(st.sampled_from(list(PlaybookActionKind)))
    recurring = kind is not PlaybookActionKind.DEPENDENCY_FOLLOW_UP and draw(st.booleans())
    texts = ["Call {party}.", "Send a note (no placeholder)."]
    if recurring:
        texts.append("Meet {party} every {cadence_days} days.")
    if kind is PlaybookActionKind.DEPENDENCY_FOLLOW_UP:
        texts.append("Follow up with the client: {description} ({owner}, {engagement}, {due}).")
    roles = st.lists(st.sampled_from(_PLAYBOOK_ROLES), max_size=3, unique=True).map(tuple)
    bounds = st.dictionaries(
        st.sampled_from(tuple(SIGNALS)),
        st.integers(0, 1000) | st.floats(0, 1000, allow_nan=False),
        max_size=2,
    )
    return PlaybookStrategy(
        draw(identifiers() if ids is None else ids),
        kind,
        draw(st.sampled_from(texts)),
        draw(_NOTES),
        roles=draw(roles),
        stages=tuple(draw(st.lists(st.sampled_from(list(Stage)), max_size=2, unique=True))),
        classified_as=draw(roles),
        not_classified_as=draw(roles),
        at_least=draw(bounds),
        at_most=draw(bounds),
        cadence_days=draw(st.integers(1, 365)) if recurring else None,
        done_by=tuple(
            draw(st.lists(st.sampled_from(list(InteractionKind)), min_size=1, max_size=3))
        )
        if recurring
        else (),
        serves=draw(_SERVES),
    )


def playbook_strategies(
    *, ids: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[PlaybookStrategy]:
    """Valid playbook strategies of every kind, with and without conditions and a cadence.

    Args:
        ids: The ids to draw from; `identifiers` by default.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import playbook_strategies
        >>> @given(playbook_strategies())
        ... def test_recurring(strategy):
        ...     assert (strategy.cadence_days is None) == (not strategy.done_by)
        >>> test_recurring()
    """
    return _playbook_strategies(ids)


def playbooks(*, max_strategies: int = 6) -> st.SearchStrategy[Playbook]:
    """Playbooks: a few strategies with unique ids (the default playbook among them).

    Args:
        max_strategies: The most strategies in a drawn playbook.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import playbooks
        >>> @given(playbooks(max_strategies=2))
        ... def test_unique(playbook):
        ...     assert len({s.id for s in playbook.strategies}) == len(playbook.strategies)
        >>> test_unique()
    """
    drawn = st.builds(
        Playbook,
        id=identifiers(),
        strategies=st.lists(
            playbook_strategies(), max_size=max_strategies, unique_by=lambda item: item.id
        ).map(tuple),
        version=st.integers(1, 100),
        description=st.text(max_size=30),
    )
    return st.just(Playbook.default()) | drawn


def actions() -> st.SearchStrategy[PlaybookAction]:
    """Actions of any kind, due any day, overdue or not, with or without a dependency.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import actions
        >>> @given(actions())
        ... def test_overdue(action):
        ...     assert action.overdue == (action.overdue_days > 0)
        >>> test_overdue()
    """
    return st.builds(
        PlaybookAction,
        strategy_id=identifiers(),
        kind=st.sampled_from(list(PlaybookActionKind)),
        party_id=identifiers(),
        text=_NOTES,
        why=_NOTES,
        reason=st.text(max_size=30),
        due=_DATES,
        overdue_days=st.integers(0, 1000),
        engagement_id=st.none() | identifiers(),
        dependency_id=st.none() | identifiers(),
        serves=_SERVES,
    )
