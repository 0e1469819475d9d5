"""The numbers and kind sets every signal engine derives with, defined once.

The one-record fold (`clientcustomer.signals.accumulate`), the dataframe path
(`clientcustomer.signals.frames`) and the SQL path (`clientcustomer.signals.sql`) read these
names from here, so the three engines cannot drift apart on a horizon, a period or a kind.

Example:
    >>> from clientcustomer.signals import constants as c
    >>> c.MIN_PERIOD_DAYS, c.RETAINER_MAX_MONTHS
    (30, 12)
"""

from __future__ import annotations

from clientcustomer.parties.entities import InteractionKind

OPEN_ENDED_HORIZON_DAYS = 365
"""The forward horizon, in days, given to an open-ended engagement or agreement."""

MIN_PERIOD_DAYS = 30
"""The shortest period rates are computed over, so a first week is not extrapolated wildly."""

DAYS_PER_YEAR = 365
DAYS_PER_QUARTER = 91.25

REFUND_KINDS = frozenset({InteractionKind.RETURN, InteractionKind.CANCELLATION})
TOUCHPOINT_KINDS = frozenset(
    {
        InteractionKind.SUPPORT,
        InteractionKind.MEETING,
        InteractionKind.CHECK_IN,
        InteractionKind.WORKSHOP,
        InteractionKind.PLANNING,
        InteractionKind.TRAINING,
        InteractionKind.CONSULTATION,
        InteractionKind.AGREEMENT_SIGNED,
        InteractionKind.AGREEMENT_ENDED,
    }
)
WORK_KINDS = frozenset(
    {
        InteractionKind.DELIVERY,
        InteractionKind.CONSULTATION,
        InteractionKind.TRAINING,
        InteractionKind.WORKSHOP,
    }
)
# Same-day order: what is bought comes before what undoes it, a signature before an end.
KIND_RANK = {kind: rank for rank, kind in enumerate(InteractionKind)}


RETAINER_WINDOW_DAYS = 365
"""The days up to the as-of date whose professional billing ``retainer_months`` counts."""
RETAINER_MAX_MONTHS = 12
"""The most ``retainer_months`` says (365 days can touch 13 calendar months)."""
