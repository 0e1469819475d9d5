"""Hypothesis strategies for clientcustomer's public types, for your own property tests.

Requires the ``testing`` extra (``pip install clientcustomer[testing]``), which brings Hypothesis.

Example:
    >>> from hypothesis import given
    >>> from clientcustomer.testing import interaction_logs
    >>> @given(interaction_logs())
    ... def test_logs_are_lists(log):
    ...     assert isinstance(log, list)
    >>> test_logs_are_lists()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

from ._engagements import Engagement
from ._entities import Interaction, InteractionKind, Offering
from ._lifecycle import LIFECYCLE, ClassificationSummary, Event, LifecycleState, Stage

__all__ = ["classification_summaries", "interaction_logs", "interactions", "lifecycle_states"]

_ITEMS = ("", "mug", "tea", "audit", "training")
_REFERENCES = ("", "I1", "I2", "I3", "K1", "C9")
_AMOUNTS = tuple(Decimal(text) for text in ("0", "5", "10", "10.50", "40", "100"))


def interactions(
    *,
    parties: Sequence[str] = ("p",),
    kinds: Sequence[InteractionKind | str] | None = None,
    dates: st.SearchStrategy[dt.date] | None = None,
) -> st.SearchStrategy[Interaction]:
    """Interactions drawn from small pools of items, references and amounts.

    The pools are small on purpose, so that returns and cancellations often match purchases and
    agreements often end one another.

    Args:
        parties: The party ids to draw from.
        kinds: The kinds to draw from; every kind by default.
        dates: The dates; 2024 to 2026 by default.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import interactions
        >>> @given(interactions(kinds=("purchase",)))
        ... def test_purchases(interaction):
        ...     assert interaction.kind.value == "purchase"
        >>> test_purchases()
    """
    kind_pool = [InteractionKind(kind) for kind in kinds] if kinds else list(InteractionKind)
    return st.builds(
        Interaction,
        party_id=st.sampled_from(tuple(parties)),
        on=dates or st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
        kind=st.sampled_from(kind_pool),
        item=st.sampled_from(_ITEMS),
        offering=st.sampled_from(list(Offering)),
        amount=st.one_of(
            st.sampled_from(_AMOUNTS),
            st.decimals(min_value=0, max_value=10_000, places=2),
        ),
        customized=st.booleans(),
        collaborative=st.booleans(),
        reference=st.sampled_from(_REFERENCES),
    )


def interaction_logs(
    *, parties: Sequence[str] = ("p",), max_size: int = 15
) -> st.SearchStrategy[list[Interaction]]:
    """Interaction logs: lists of `interactions` of the given parties, in no particular order.

    Args:
        parties: The party ids to draw from.
        max_size: The longest log.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import interaction_logs
        >>> @given(interaction_logs(max_size=3))
        ... def test_short(log):
        ...     assert len(log) <= 3
        >>> test_short()
    """
    return st.lists(interactions(parties=parties), max_size=max_size)


def classification_summaries() -> st.SearchStrategy[ClassificationSummary]:
    """Classification summaries: any role, scores and margins on both sides of the threshold.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import classification_summaries
        >>> @given(classification_summaries())
        ... def test_roles(summary):
        ...     assert summary.role in {"customer", "client", "ambiguous"}
        >>> test_roles()
    """
    numbers = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
    return st.builds(
        ClassificationSummary,
        role=st.sampled_from(("customer", "client", "ambiguous")),
        score=numbers,
        margin=numbers,
        ruleset=st.sampled_from(("", "default@1")),
        rules=st.lists(st.sampled_from(("collab", "custom", "rfm")), unique=True).map(tuple),
    )


@st.composite
def _lifecycle_states(draw: st.DrawFn, max_events: int) -> LifecycleState:
    state = LifecycleState(draw(st.sampled_from(list(Stage))))
    on = dt.date(2024, 1, 1)
    for _ in range(draw(st.integers(0, max_events))):
        on += dt.timedelta(days=draw(st.integers(0, 120)))
        event = draw(st.sampled_from(list(Event)))
        start = on + dt.timedelta(days=draw(st.integers(-300, 30)))
        length = draw(st.none() | st.integers(0, 200))
        engagement = Engagement(
            "e1",
            "p",
            "Work",
            start=start,
            end=None if length is None else start + dt.timedelta(days=length),
        )
        classification = draw(st.none() | classification_summaries())
        actor = draw(st.sampled_from((None, "Dana")))
        to = draw(st.sampled_from(list(Stage))) if event is Event.CORRECT else None
        reason = draw(st.sampled_from(("", "checked by hand")))
        check = LIFECYCLE.can(
            event,
            state,
            on=on,
            engagements=(engagement,),
            classification=classification,
            actor=actor,
            to=to,
            reason=reason,
        )
        if check:
            state = LIFECYCLE.fire(
                event,
                state,
                on=on,
                engagements=(engagement,),
                classification=classification,
                actor=actor,
                to=to,
                reason=reason,
            )
    return state


def lifecycle_states(*, max_events: int = 8) -> st.SearchStrategy[LifecycleState]:
    """Lifecycle states reached by random events through the default lifecycle.

    Every state has a valid history (chained, ordered, possibly with corrections).

    Args:
        max_events: The most events tried; refused ones leave the state as it was.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import lifecycle_states
        >>> @given(lifecycle_states(max_events=3))
        ... def test_short_history(state):
        ...     assert len(state.history) <= 3
        >>> test_short_history()
    """
    return _lifecycle_states(max_events)
