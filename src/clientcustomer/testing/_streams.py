"""Strategies: logs for the streaming accumulators (part of `clientcustomer.testing`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

from clientcustomer.engagements.model import Engagement
from clientcustomer.parties.entities import Interaction, InteractionKind, Offering

_ITEMS = ("", "mug")
_REFERENCES = (
    "",
    "",
    "7",
    "536365",
    "0",
    "007",
    "I1",
    "C536365",
    "C0",
    "O0007",
    "I",
    "1234567890123456789",
    "X0000000000000001",
)
"""Empty, whole numbers (stored as numbers), a leading zero, text then digits (stored packed),
text alone and digits too long to pack (stored as text)."""
_AMOUNTS = tuple(Decimal(text) for text in ("0", "10", "10.50", "10.5", "0.125"))
_FLAGS = (None, False, True)
_START = dt.date(2025, 1, 1)


@st.composite
def _interaction(draw: st.DrawFn, parties: Sequence[str]) -> Interaction:
    kind = draw(
        st.sampled_from(
            (
                *(InteractionKind.PURCHASE,) * 6,
                *(InteractionKind.RETURN, InteractionKind.CANCELLATION) * 2,
                *InteractionKind,
            )
        )
    )
    return Interaction(
        draw(st.sampled_from(tuple(parties))),
        _START + dt.timedelta(days=draw(st.integers(0, 9) | st.integers(0, 500))),
        kind,
        item=draw(st.sampled_from(_ITEMS)),
        offering=draw(st.sampled_from((Offering.PRODUCT, *Offering))),
        amount=draw(st.sampled_from(_AMOUNTS)),
        customized=draw(st.sampled_from(_FLAGS)),
        collaborative=draw(st.sampled_from(_FLAGS)),
        reference=draw(st.sampled_from(_REFERENCES)),
    )


@st.composite
def _engagement(draw: st.DrawFn, parties: Sequence[str], number: int) -> Engagement:
    start = _START + dt.timedelta(days=draw(st.integers(0, 500)))
    length = draw(st.none() | st.integers(0, 400))
    end = None if length is None else start + dt.timedelta(days=length)
    return Engagement(
        f"e{number}", draw(st.sampled_from(tuple(parties))), "Work", start=start, end=end
    )


@st.composite
def _streamed(
    draw: st.DrawFn, parties: Sequence[str], max_size: int
) -> tuple[list[Interaction], list[Engagement]]:
    log = draw(st.lists(_interaction(parties), min_size=max_size // 2, max_size=max_size))
    count = draw(st.integers(0, 2))
    engagements = [draw(_engagement(parties, number)) for number in range(count)]
    return log, engagements


def streamed_logs(
    *, parties: Sequence[str] = ("p", "q"), max_size: int = 30
) -> st.SearchStrategy[tuple[list[Interaction], list[Engagement]]]:
    """Mixed logs and engagements that stress the accumulators, in no particular order.

    Pools small enough that returns and cancellations match purchases by reference and by item,
    flags not recorded (``None``), references that are whole numbers, text, or neither (``007``).

    Args:
        parties: The party ids to draw from.
        max_size: The longest log.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import streamed_logs
        >>> @given(streamed_logs(max_size=3))
        ... def test_short(drawn):
        ...     log, engagements = drawn
        ...     assert 1 <= len(log) <= 3 and len(engagements) <= 2
        >>> test_short()
    """
    return _streamed(tuple(parties), max_size)
