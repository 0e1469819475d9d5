"""Strategies: billing (part of `clientcustomer.testing`)."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from clientcustomer._core.vocabulary import ROLE_NAMES
from clientcustomer.engagements.model import (
    Engagement,
)
from clientcustomer.exceptions import TransitionError
from clientcustomer.lifecycle.machine import (
    LIFECYCLE,
    ClassificationSummary,
    LifecycleEvent,
    LifecycleState,
    Stage,
    StageChange,
    TransitionCheck,
)
from clientcustomer.parties.entities import (
    Interaction,
    InteractionKind,
    Offering,
)
from clientcustomer.signals.logs import RejectedRow

from ._common import _DATES, _NOTES, identifiers

# --- billing exports: retainers, subscriptions, buyers of goods (issue 19) ------------------------

_PROFESSIONAL_ITEMS = ("legal advice", "lobbying services", "consulting", "tax advisory", "design")
_SUBSCRIPTIONS = (
    ("gym membership", Decimal("39.90")),
    ("mobile plan", Decimal("25.00")),
    ("software seat", Decimal("12.00")),
)
_GOODS = ("t-shirt", "coffee beans", "usb cable", "notebook", "running shoes")


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, day.day)


@st.composite
def _monthly_bills(  # noqa: PLR0913, PLR0917 - one helper for retainers and subscriptions
    draw: st.DrawFn,
    party: str,
    item: str,
    offering: Offering,
    amounts: st.SearchStrategy[Decimal],
    flags: dict[str, Any],
) -> tuple[Interaction, ...]:
    months = draw(st.integers(12, 48))
    first = draw(st.dates(dt.date(2015, 1, 1), dt.date(2024, 12, 28))).replace(day=1)
    first = first.replace(day=draw(st.integers(1, 28)))
    # A month skipped now and then (billed late, a holiday): never the first or the last.
    skipped = draw(st.sets(st.integers(1, months - 2), max_size=3))
    amount = draw(amounts)
    varying = draw(st.booleans())
    bills = []
    for index in range(months):
        if index in skipped:
            continue
        bills.append(
            Interaction(
                party,
                _add_months(first, index),
                InteractionKind.PURCHASE,
                item=item,
                offering=offering,
                amount=draw(amounts) if varying else amount,
                reference=f"{party}-{index}",
                **flags,
            )
        )
    return tuple(bills)


def _billing_flags(recorded: bool, offering: Offering) -> dict[str, Any]:
    """A billing export records no contacts and (but for professional work) no customization."""
    if recorded:
        return {}
    flags: dict[str, Any] = {"collaborative": None}
    if offering is not Offering.PROFESSIONAL:
        flags["customized"] = None
    return flags


@st.composite
def _retainers(draw: st.DrawFn, party: str) -> tuple[Interaction, ...]:
    recorded = draw(st.booleans())
    amounts = st.integers(5_000, 44_000).map(Decimal)
    item = draw(st.sampled_from(_PROFESSIONAL_ITEMS))
    flags = _billing_flags(recorded, Offering.PROFESSIONAL)
    return draw(_monthly_bills(party, item, Offering.PROFESSIONAL, amounts, flags))


def retainer_logs(*, party: str = "p") -> st.SearchStrategy[tuple[Interaction, ...]]:
    """Billing logs of a professional retainer: monthly invoices for one to four years.

    Legal advice, lobbying, consulting, tax advisory or design, invoiced every month (a month
    skipped now and then, at most three times), at a fixed or varying amount of 5,000 to 44,000.
    Most are billing exports (no contacts recorded: ``collaborative=None``); some record each
    invoice as a plain purchase. Read as of the day after the last invoice, the sources call
    these clients.

    Args:
        party: The party id.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import retainer_logs
        >>> @given(retainer_logs())
        ... def test_monthly(log):
        ...     assert len(log) >= 9 and log[0].offering.value == "professional"
        >>> test_monthly()
    """
    return _retainers(party)


@st.composite
def _subscriptions(draw: st.DrawFn, party: str) -> tuple[Interaction, ...]:
    recorded = draw(st.booleans())
    item, amount = draw(st.sampled_from(_SUBSCRIPTIONS))
    flags = _billing_flags(recorded, Offering.SERVICE)
    return draw(_monthly_bills(party, item, Offering.SERVICE, st.just(amount), flags))


def subscription_logs(*, party: str = "p") -> st.SearchStrategy[tuple[Interaction, ...]]:
    """Billing logs of a subscription to a standard service: a fixed amount every month.

    A gym membership, a mobile plan or a software seat, billed monthly for one to four years,
    the offering ``service`` (not professional). The sources call these customers.

    Args:
        party: The party id.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import subscription_logs
        >>> @given(subscription_logs())
        ... def test_fixed(log):
        ...     assert len({bill.amount for bill in log}) == 1
        >>> test_fixed()
    """
    return _subscriptions(party)


@st.composite
def _goods_buyers(draw: st.DrawFn, party: str) -> tuple[Interaction, ...]:
    recorded = draw(st.booleans())
    flags = _billing_flags(recorded, Offering.PRODUCT)
    start = draw(st.dates(dt.date(2015, 1, 1), dt.date(2024, 12, 31)))
    span = draw(st.integers(0, 5 * 365))
    visits = draw(st.integers(1, 250))
    days = draw(st.lists(st.integers(0, span), min_size=visits, max_size=visits))
    bought = []
    for visit, offset in enumerate(sorted(days)):
        for line in range(draw(st.integers(1, 3))):
            bought.append(
                Interaction(
                    party,
                    start + dt.timedelta(days=offset),
                    InteractionKind.PURCHASE,
                    item=draw(st.sampled_from(_GOODS)),
                    amount=draw(st.decimals(min_value=1, max_value=200, places=2)),
                    reference=f"{party}-{visit}",
                    **flags,
                )
            )
            del line
    return tuple(bought)


def goods_buyer_logs(*, party: str = "p") -> st.SearchStrategy[tuple[Interaction, ...]]:
    """Logs of a buyer of goods: one visit or hundreds (a loyal, frequent buyer) over years.

    Purchases of products (one to three lines per visit), with or without the flags recorded.
    The sources call every one of them a customer, however loyal.

    Args:
        party: The party id.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import goods_buyer_logs
        >>> @given(goods_buyer_logs())
        ... def test_goods(log):
        ...     assert all(item.offering.value == "product" for item in log)
        >>> test_goods()
    """
    return _goods_buyers(party)


def rejected_rows() -> st.SearchStrategy[RejectedRow]:
    """Rows a log reader set aside: a line after the header, any fields, a reason per problem.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import rejected_rows
        >>> @given(rejected_rows())
        ... def test_after_header(row):
        ...     assert row.line >= 2 and row.reason
        >>> test_after_header()
    """
    problem = st.builds(
        "line {}, column {!r}: expected {}, got {!r}".format,
        st.integers(2, 10**6),
        st.sampled_from(("party_id", "on", "kind", "amount", "Quantity")),
        st.sampled_from(("a date", "a decimal number", "a non-empty party id")),
        st.text(max_size=10),
    )
    return st.builds(
        RejectedRow,
        line=st.integers(2, 10**6),
        values=st.lists(st.text(max_size=12), max_size=6).map(tuple),
        reason=st.lists(problem, min_size=1, max_size=3).map("\n".join),
    )


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
        role=st.sampled_from(ROLE_NAMES),
        score=numbers,
        margin=numbers,
        ruleset=st.sampled_from(("", "default@1")),
        rules=st.lists(st.sampled_from(("collab", "custom", "rfm")), unique=True).map(tuple),
    )


_STAGES = st.sampled_from(list(Stage))
_EVENTS = st.sampled_from(list(LifecycleEvent))
_ACTORS = st.sampled_from((None, "Dana"))
_REASONS = st.sampled_from(("", "checked by hand"))


@st.composite
def _engagements_near(draw: st.DrawFn, on: dt.date) -> Engagement:
    """Engagement ``e1`` of party ``p``: from 300 days before ``on`` to 30 after, open or not."""
    start = on + dt.timedelta(days=draw(st.integers(-300, 30)))
    length = draw(st.none() | st.integers(0, 200))
    end = None if length is None else start + dt.timedelta(days=length)
    return Engagement("e1", "p", "Work", start=start, end=end)


@st.composite
def _lifecycle_states(draw: st.DrawFn, max_events: int) -> LifecycleState:
    state = LifecycleState(draw(_STAGES))
    on = dt.date(2024, 1, 1)
    for _ in range(draw(st.integers(0, max_events))):
        on += dt.timedelta(days=draw(st.integers(0, 120)))
        event = draw(_EVENTS)
        engagement = draw(_engagements_near(on))
        classification = draw(st.none() | classification_summaries())
        actor = draw(_ACTORS)
        to = draw(_STAGES) if event is LifecycleEvent.CORRECT else None
        reason = draw(_REASONS)
        # A refused event leaves the state as it was.
        with contextlib.suppress(TransitionError):
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


@st.composite
def _stage_changes(draw: st.DrawFn) -> StageChange:
    event = draw(_EVENTS)
    correction = event is LifecycleEvent.CORRECT
    return StageChange(
        draw(_DATES),
        event,
        draw(_STAGES),
        draw(_STAGES),
        reason=draw(_NOTES if correction else st.sampled_from(("", "signed a retainer")) | _NOTES),
        actor=draw(identifiers() if correction else st.none() | identifiers()),
        classification=draw(st.none() | classification_summaries()),
        correction=correction,
    )


def stage_changes() -> st.SearchStrategy[StageChange]:
    """Single stage changes of any event, corrections with their reason and person included.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import stage_changes
        >>> @given(stage_changes())
        ... def test_corrections(change):
        ...     assert change.correction == (change.event.value == "correct")
        >>> test_corrections()
    """
    return _stage_changes()


@st.composite
def _transition_checks(draw: st.DrawFn) -> TransitionCheck:
    state = draw(lifecycle_states(max_events=3))
    last = state.history[-1].on if state.history else dt.date(2024, 1, 1)
    on = last + dt.timedelta(days=draw(st.integers(0, 400) | st.integers(-30, -1)))
    engagement = draw(_engagements_near(on))
    return LIFECYCLE.can(
        draw(
            st.sampled_from(LIFECYCLE.events_from(state.stage))
            | st.sampled_from([*LifecycleEvent, "promote"])
        ),
        state,
        on=on,
        engagements=draw(st.sampled_from(((), (engagement,)))),
        classification=draw(st.none() | classification_summaries()),
        actor=draw(_ACTORS),
        to=draw(st.none() | _STAGES),
        reason=draw(_REASONS),
    )


def transition_checks() -> st.SearchStrategy[TransitionCheck]:
    """Answers of the default lifecycle to random events on random `lifecycle_states`.

    Allowed and refused ones (unknown events, dates before the last change, failed guards) alike,
    plus checks built directly with any event text and reasons.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import transition_checks
        >>> @given(transition_checks())
        ... def test_truthy(check):
        ...     assert bool(check) == (not check.reasons)
        >>> test_truthy()
    """
    built = st.builds(
        TransitionCheck,
        event=st.text(max_size=12),
        stage=_STAGES,
        target=st.none() | _STAGES,
        reasons=st.lists(_NOTES, max_size=3).map(tuple),
    )
    return _transition_checks() | built
