"""Strategies: timelines (part of `clientcustomer.testing`)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from clientcustomer.advice.timeline import EmergingClient, PartyTimeline, ScorePoint, SignalMove
from clientcustomer.signals.derive import SIGNALS

from ._billing import classification_summaries, lifecycle_states
from ._common import _DATES, identifiers
from ._entities import signals

# --- timelines ----------------------------------------------------------------------------------

_MOVING = tuple(
    name for name, spec in SIGNALS.items() if spec.aspect is not None and name != "tenure_days"
)


def score_points(*, on: st.SearchStrategy[dt.date] | None = None) -> st.SearchStrategy[ScorePoint]:
    """A party's classification on a checkpoint date: a `classification_summaries` and `signals`.

    Args:
        on: The dates to draw from; 2000 to 2040 by default.

    Example:
        >>> import datetime as dt
        >>> from hypothesis import given, strategies as st
        >>> from clientcustomer.testing import score_points
        >>> @given(score_points(on=st.just(dt.date(2026, 3, 1))))
        ... def test_on(point):
        ...     assert point.on == dt.date(2026, 3, 1)
        >>> test_on()
    """
    return st.builds(
        ScorePoint,
        on=_DATES if on is None else on,
        classification=classification_summaries(),
        signals=signals(),
    )


@st.composite
def _signal_move(draw: st.DrawFn, name: str) -> SignalMove:
    spec = SIGNALS[name]
    if spec.type == "boolean":
        after, below = 1.0, st.just(0.0)
    elif spec.type == "integer":
        after = float(draw(st.integers(1, 10**6)))
        below = st.integers(0, int(after) - 1).map(float)
    else:
        high = 10.0**6 if spec.maximum is None else spec.maximum
        low = 0.0 if spec.minimum is None else spec.minimum
        after = draw(st.floats(low, high, exclude_min=True))
        below = st.floats(low, after, exclude_max=True)
    return SignalMove(name, draw(st.none() | below), after)


def signal_moves() -> st.SearchStrategy[SignalMove]:
    """An aspect signal (tenure aside) that rose within its range, or became known.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import signal_moves
        >>> @given(signal_moves())
        ... def test_rose(move):
        ...     assert move.before is None or move.before < move.after
        >>> test_rose()
    """
    return st.sampled_from(_MOVING).flatmap(_signal_move)


@st.composite
def _emerging_clients(draw: st.DrawFn) -> EmergingClient:
    start = draw(score_points())
    latest = draw(score_points(on=st.dates(start.on, dt.date(2040, 12, 31))))
    names = draw(st.lists(st.sampled_from(_MOVING), max_size=3, unique=True))
    moved = tuple(draw(_signal_move(name)) for name in _MOVING if name in names)
    rules = tuple(draw(st.lists(identifiers(), max_size=3, unique=True)))
    shortfall = draw(st.floats(0, 1, allow_nan=False) | st.just(0.0))
    return EmergingClient(draw(identifiers()), start, latest, moved, rules, shortfall)


def emerging_clients() -> st.SearchStrategy[EmergingClient]:
    """Watch-list entries: a start and a later checkpoint, and signals that moved, in table order.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import emerging_clients
        >>> @given(emerging_clients())
        ... def test_later(entry):
        ...     assert entry.start.on <= entry.latest.on
        >>> test_later()
    """
    return _emerging_clients()


@st.composite
def _party_timelines(draw: st.DrawFn) -> PartyTimeline:
    dates = sorted(draw(st.lists(_DATES, max_size=4)))
    scores = tuple(draw(score_points(on=st.just(on))) for on in dates)
    return PartyTimeline(draw(identifiers()), draw(lifecycle_states(max_events=4)), scores)


def party_timelines() -> st.SearchStrategy[PartyTimeline]:
    """Replayed timelines: a party, a random `lifecycle_states` and a score series, oldest first.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import party_timelines
        >>> @given(party_timelines())
        ... def test_oldest_first(found):
        ...     days = [point.on for point in found.scores]
        ...     assert days == sorted(days)
        >>> test_oldest_first()
    """
    return _party_timelines()
