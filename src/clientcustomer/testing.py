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
import functools
import gzip
import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .exceptions import MissingDependencyError

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as error:  # pragma: no cover - the extra is installed for the tests
    if error.name != "hypothesis":
        raise
    raise MissingDependencyError("clientcustomer.testing", "Hypothesis", "testing") from None

from ._core.vocabulary import ROLE_NAMES
from .advice.playbook import Playbook, PlaybookAction, PlaybookActionKind, PlaybookStrategy
from .advice.timeline import EmergingClient, PartyTimeline, ScorePoint, SignalMove
from .engagements.model import (
    Deliverable,
    Dependency,
    DependencyKind,
    DependencyStatus,
    Engagement,
    EngagementRole,
    Escalation,
    RoleAssignment,
    StatusChange,
)
from .engagements.readiness import Readiness, readiness
from .lifecycle.machine import (
    LIFECYCLE,
    ClassificationSummary,
    LifecycleEvent,
    LifecycleState,
    Stage,
    StageChange,
    TransitionCheck,
)
from .parties.entities import (
    Client,
    Customer,
    FormerClient,
    Interaction,
    InteractionKind,
    Offering,
    Party,
    PartyKind,
)
from .rules import conditions as c
from .rules.classifier import Classification, Classifier
from .rules.diff import RoleChange, RulesetDiff, VerdictChange, diff_rulesets
from .rules.ruleset import (
    CustomType,
    HitPolicy,
    Role,
    Rule,
    Ruleset,
    RulesetExample,
    RulesetExampleResult,
    RulesetPolicy,
    default_ruleset,
)
from .signals.derive import SIGNALS, Aspect, Signals, SignalValue
from .signals.logs import RejectedRow

__all__ = [
    "actions",
    "classification_summaries",
    "classifications",
    "clients",
    "conditions",
    "customers",
    "deliverables",
    "dependencies",
    "emerging_clients",
    "engagements",
    "escalations",
    "example_results",
    "former_clients",
    "goods_buyer_logs",
    "identifiers",
    "interaction_logs",
    "interactions",
    "lifecycle_states",
    "parties",
    "party_timelines",
    "playbook_strategies",
    "playbooks",
    "readinesses",
    "rejected_rows",
    "retainer_logs",
    "role_assignments",
    "role_changes",
    "rules",
    "ruleset_diffs",
    "rulesets",
    "score_points",
    "signal_moves",
    "signals",
    "stage_changes",
    "status_changes",
    "subscription_logs",
    "transition_checks",
    "verdict_changes",
]

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
        on=dates if dates is not None else st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
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


@st.composite
def _lifecycle_states(draw: st.DrawFn, max_events: int) -> LifecycleState:
    state = LifecycleState(draw(st.sampled_from(list(Stage))))
    on = dt.date(2024, 1, 1)
    for _ in range(draw(st.integers(0, max_events))):
        on += dt.timedelta(days=draw(st.integers(0, 120)))
        event = draw(st.sampled_from(list(LifecycleEvent)))
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
        to = draw(st.sampled_from(list(Stage))) if event is LifecycleEvent.CORRECT else None
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


@st.composite
def _stage_changes(draw: st.DrawFn) -> StageChange:
    event = draw(st.sampled_from(list(LifecycleEvent)))
    correction = event is LifecycleEvent.CORRECT
    return StageChange(
        draw(_DATES),
        event,
        draw(st.sampled_from(list(Stage))),
        draw(st.sampled_from(list(Stage))),
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
    start = on + dt.timedelta(days=draw(st.integers(-300, 30)))
    length = draw(st.none() | st.integers(0, 200))
    engagement = Engagement(
        "e1", "p", "Work", start=start, end=None if length is None else start + dt.timedelta(length)
    )
    return LIFECYCLE.can(
        draw(
            st.sampled_from(LIFECYCLE.events_from(state.stage))
            | st.sampled_from([*LifecycleEvent, "promote"])
        ),
        state,
        on=on,
        engagements=draw(st.sampled_from(((), (engagement,)))),
        classification=draw(st.none() | classification_summaries()),
        actor=draw(st.sampled_from((None, "Dana"))),
        to=draw(st.none() | st.sampled_from(list(Stage))),
        reason=draw(st.sampled_from(("", "checked by hand"))),
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
        stage=st.sampled_from(list(Stage)),
        target=st.none() | st.sampled_from(list(Stage)),
        reasons=st.lists(_NOTES, max_size=3).map(tuple),
    )
    return _transition_checks() | built


# --- entities and engagements -------------------------------------------------------------------

_DATES = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))


def identifiers() -> st.SearchStrategy[str]:
    """Non-empty identifiers: any text with at least one non-blank character.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import identifiers
        >>> @given(identifiers())
        ... def test_not_blank(text):
        ...     assert text.strip()
        >>> test_not_blank()
    """
    return st.text(min_size=1, max_size=16).filter(str.strip)


def parties(*, ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Party]:
    """Parties: any id, any non-empty name (Unicode, markup included), either kind.

    Args:
        ids: The ids to draw from; `identifiers` by default.

    Example:
        >>> from hypothesis import given, strategies as st
        >>> from clientcustomer.testing import parties
        >>> @given(parties(ids=st.just("acme")))
        ... def test_id(party):
        ...     assert party.id == "acme"
        >>> test_id()
    """
    return st.builds(
        Party,
        id=identifiers() if ids is None else ids,
        name=st.text(min_size=1, max_size=30).filter(str.strip),
        kind=st.sampled_from(list(PartyKind)),
    )


def role_assignments(*, parties: Sequence[str] | None = None) -> st.SearchStrategy[RoleAssignment]:
    """Role assignments of a party (drawn from ``parties`` if given) to any role.

    Args:
        parties: The party ids to draw from; any identifier by default.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import role_assignments
        >>> @given(role_assignments(parties=("acme",)))
        ... def test_party(assignment):
        ...     assert assignment.party_id == "acme"
        >>> test_party()
    """
    return st.builds(
        RoleAssignment,
        party_id=st.sampled_from(tuple(parties)) if parties else identifiers(),
        role=st.sampled_from(list(EngagementRole)),
    )


def deliverables(*, ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Deliverable]:
    """Deliverables, scheduled or not, done or not, waiting on any ids.

    Inside `engagements` they wait only on deliverables listed before them, so no cycle arises.

    Args:
        ids: The ids to draw from; `identifiers` by default.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import deliverables
        >>> @given(deliverables())
        ... def test_tuple(deliverable):
        ...     assert isinstance(deliverable.waits_on, tuple)
        >>> test_tuple()
    """
    return st.builds(
        Deliverable,
        id=identifiers() if ids is None else ids,
        title=st.text(max_size=30),
        due=st.none() | _DATES,
        waits_on=st.lists(identifiers(), max_size=3, unique=True).map(tuple),
        done=st.none() | _DATES,
        milestone=st.booleans(),
    )


@st.composite
def _dependencies(
    draw: st.DrawFn, ids: st.SearchStrategy[str] | None, blocks: Sequence[str] | None
) -> Dependency:
    if blocks is None:
        targets: st.SearchStrategy[tuple[str, ...]] = st.lists(
            identifiers(), max_size=3, unique=True
        ).map(tuple)
    elif blocks:
        targets = st.lists(st.sampled_from(tuple(blocks)), max_size=3, unique=True).map(tuple)
    else:
        targets = st.just(())
    need = Dependency(
        draw(identifiers() if ids is None else ids),
        draw(st.sampled_from(list(DependencyKind))),
        draw(st.text(max_size=30)),
        owner=draw(identifiers()),
        due=draw(st.none() | _DATES),
        blocks=draw(targets),
        impact=draw(_NOTES),
        escalation=draw(
            st.none()
            | st.builds(
                Escalation,
                level=st.integers(1, 3),
                to=identifiers(),
                on=_DATES,
                next_action=_NOTES,
            )
        ),
    )
    on = draw(_DATES)
    for status in draw(st.lists(st.sampled_from(list(DependencyStatus)), max_size=3)):
        on += dt.timedelta(days=draw(st.integers(0, 60)))
        need = need.with_status(status, on=on, note=draw(_NOTES))
    return need


def dependencies(
    *, ids: st.SearchStrategy[str] | None = None, blocks: Sequence[str] | None = None
) -> st.SearchStrategy[Dependency]:
    """Dependencies a client owes, of any kind and status, with a valid dated status history.

    Args:
        ids: The ids to draw from; `identifiers` by default.
        blocks: The deliverable ids a dependency may block (an empty sequence: none); any
            identifiers by default.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import dependencies
        >>> @given(dependencies(blocks=("survey",)))
        ... def test_blocks(dependency):
        ...     assert set(dependency.blocks) <= {"survey"}
        >>> test_blocks()
    """
    return _dependencies(ids, blocks)


@st.composite
def _engagements(draw: st.DrawFn, client_id: str | None) -> Engagement:
    owner = client_id if client_id is not None else draw(identifiers())
    start = draw(_DATES)
    length = draw(st.none() | st.integers(0, 3 * 365))
    drafts = draw(st.lists(deliverables(), max_size=4, unique_by=lambda item: item.id))
    works: list[Deliverable] = []
    for draft in drafts:
        earlier = [work.id for work in works]
        waits = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)) if earlier else []
        works.append(attrs.evolve(draft, waits_on=tuple(waits)))
    owed = draw(
        st.lists(
            dependencies(blocks=[work.id for work in works]),
            max_size=3,
            unique_by=lambda item: item.id,
        )
    )
    roles: list[RoleAssignment] = []
    if draw(st.booleans()):
        recipient = draw(st.sampled_from((owner, *draw(st.lists(identifiers(), max_size=2)))))
        roles = [RoleAssignment(owner, EngagementRole.PAYER)]
        roles.append(RoleAssignment(recipient, EngagementRole.RECIPIENT))
        for extra in draw(st.lists(role_assignments(parties=(owner, recipient)), max_size=3)):
            if extra not in roles:
                roles.append(extra)
    return Engagement(
        draw(identifiers()),
        owner,
        draw(st.text(max_size=30)),
        start=start,
        end=None if length is None else start + dt.timedelta(days=length),
        deliverables=tuple(works),
        roles=tuple(roles),
        dependencies=tuple(owed),
    )


def engagements(*, client_id: str | None = None) -> st.SearchStrategy[Engagement]:
    """Valid engagements: end on or after start, unique ids, blocks naming its deliverables.

    Args:
        client_id: The client's party id; any identifier by default.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import engagements
        >>> @given(engagements(client_id="acme"))
        ... def test_valid(engagement):
        ...     assert engagement.client_id == "acme"
        ...     assert engagement.end is None or engagement.start <= engagement.end
        >>> test_valid()
    """
    return _engagements(client_id)


@st.composite
def _histories(draw: st.DrawFn, stage: Stage, until: dt.date) -> tuple[StageChange, ...]:
    """A short chained, dated history that ends in ``stage`` on or before ``until``."""
    size = draw(st.integers(0, 3))
    if not size:
        return ()
    stages = [*draw(st.lists(st.sampled_from(list(Stage)), min_size=size, max_size=size)), stage]
    dates = sorted(
        draw(
            st.lists(st.dates(until - dt.timedelta(days=900), until), min_size=size, max_size=size)
        )
    )
    changes = []
    for index in range(size):
        event = draw(
            st.sampled_from(
                [event for event in LifecycleEvent if event is not LifecycleEvent.CORRECT]
            )
        )
        changes.append(
            StageChange(
                dates[index],
                event,
                stages[index],
                stages[index + 1],
                reason=draw(st.sampled_from(("", "signed", "checked by hand"))),
                actor=draw(st.sampled_from((None, "Dana"))),
                classification=draw(st.none() | classification_summaries()),
            )
        )
    return tuple(changes)


@st.composite
def _customers(draw: st.DrawFn) -> Customer:
    party = draw(parties())
    since = draw(_DATES)
    log = draw(st.lists(interactions(parties=(party.id,), dates=_DATES), max_size=5))
    return Customer(
        party,
        since=since,
        interactions=tuple(log),
        history=draw(_histories(Stage.CUSTOMER, since)),
    )


def customers() -> st.SearchStrategy[Customer]:
    """Customers whose interactions all belong to their party, with a short valid history.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import customers
        >>> @given(customers())
        ... def test_own_log(customer):
        ...     assert all(i.party_id == customer.party.id for i in customer.interactions)
        >>> test_own_log()
    """
    return _customers()


def _with_work(draw: st.DrawFn, stage: Stage) -> dict[str, Any]:
    """A party with its own interactions and engagements, since a date, a history to ``stage``."""
    party = draw(parties())
    since = draw(_DATES)
    log = draw(st.lists(interactions(parties=(party.id,), dates=_DATES), max_size=4))
    work = draw(
        st.lists(engagements(client_id=party.id), max_size=2, unique_by=lambda item: item.id)
    )
    return {
        "party": party,
        "since": since,
        "interactions": tuple(log),
        "engagements": tuple(work),
        "history": draw(_histories(stage, since)),
    }


@st.composite
def _clients(draw: st.DrawFn) -> Client:
    return Client(
        **_with_work(draw, Stage.CLIENT),
        account_manager=draw(st.none() | identifiers()),
        checkin_cadence_days=draw(st.none() | st.integers(1, 365)),
    )


def clients() -> st.SearchStrategy[Client]:
    """Clients with their own interactions and engagements (unique ids, the party's id).

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import clients
        >>> @given(clients())
        ... def test_own_work(client):
        ...     assert all(e.client_id == client.party.id for e in client.engagements)
        >>> test_own_work()
    """
    return _clients()


@st.composite
def _former_clients(draw: st.DrawFn) -> FormerClient:
    return FormerClient(**_with_work(draw, Stage.FORMER_CLIENT))


def former_clients() -> st.SearchStrategy[FormerClient]:
    """Former clients with their own interactions and engagements and a history ending lapsed.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import former_clients
        >>> @given(former_clients())
        ... def test_ends_lapsed(former):
        ...     assert all(e.client_id == former.party.id for e in former.engagements)
        ...     assert not former.history or former.history[-1].target.value == "former_client"
        >>> test_ends_lapsed()
    """
    return _former_clients()


def _signal_values(name: str) -> st.SearchStrategy[SignalValue | None]:
    spec = SIGNALS[name]
    values: st.SearchStrategy[SignalValue]
    if spec.type == "boolean":
        values = st.booleans()
    elif spec.type == "integer":
        low = None if spec.minimum is None else int(spec.minimum)
        high = 2**63 - 1 if spec.maximum is None else int(spec.maximum)  # what engines store
        values = st.integers(low, high)
    else:
        values = st.floats(spec.minimum, spec.maximum, allow_nan=False, allow_infinity=False)
    return st.none() | values


_CUSTOM_VALUES: st.SearchStrategy[SignalValue | None] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
)


def signals(*, custom: bool = True) -> st.SearchStrategy[Signals]:
    """Signals: each canonical one unknown or in its range, plus a few custom ones.

    Args:
        custom: Draw custom signals too; without them the signals suit a rule set that declares
            none (such as the default one: a classifier refuses an undeclared custom signal).

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import signals
        >>> @given(signals())
        ... def test_custom_names(found):
        ...     assert all(name.isidentifier() for name in found.custom)
        >>> test_custom_names()
    """
    custom_names = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(
        lambda name: name not in SIGNALS
    )
    return st.builds(
        Signals,
        **{name: _signal_values(name) for name in SIGNALS},
        custom=st.dictionaries(custom_names, _CUSTOM_VALUES, max_size=3 if custom else 0),
    )


# --- playbook -----------------------------------------------------------------------------------

_PLAYBOOK_ROLES: tuple[Any, ...] = ROLE_NAMES  # the playbook's role literals, from one place
_NOTES = st.text(min_size=1, max_size=30).filter(str.strip)


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


# --- rule sets and classifications --------------------------------------------------------------

_VALUE_TYPES = {"number": "number", "integer": "number", "boolean": "boolean", "string": "string"}
_CUSTOM_TYPES: tuple[CustomType, ...] = ("number", "integer", "boolean", "string")
_CONDITION_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "unknown", "true", "false"})
_CUSTOM_SIGNAL_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(
    lambda name: name not in SIGNALS and name not in _CONDITION_KEYWORDS
)
_NUMBER_LITERALS: st.SearchStrategy[int | float] = st.one_of(
    st.integers(-1000, 1000),
    st.sampled_from((0, 1, 0.2, 0.5, 365, 90)),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**18), 10**18),
)
_LITERALS: dict[str, st.SearchStrategy[Any]] = {
    "number": _NUMBER_LITERALS,
    "boolean": st.booleans(),
    "string": st.text(max_size=8),
}


def _condition_types(types: Mapping[str, str] | None) -> dict[str, str]:
    known = {
        name: "boolean" if spec.type == "boolean" else "number" for name, spec in SIGNALS.items()
    }
    if types:
        known.update({name: _VALUE_TYPES[kind] for name, kind in types.items()})
    return known


def _condition_trees(types: Mapping[str, str]) -> st.SearchStrategy[c.Expr]:
    """Well-typed condition trees over the given signals (name to checker type)."""
    names = sorted(types)

    def tests(name: str) -> st.SearchStrategy[c.Expr]:
        kind = types[name]
        node = c.Name(name)
        literal = _LITERALS[kind].map(c.Literal)
        operators = c.COMPARE_OPERATORS if kind == "number" else ("==", "!=")
        same = [other for other in names if types[other] == kind]
        options: list[st.SearchStrategy[c.Expr]] = [
            st.builds(c.IsUnknown, st.just(node), st.booleans()),
            st.builds(
                c.In,
                st.just(node),
                st.lists(literal, min_size=1, max_size=3).map(tuple),
                st.booleans(),
            ),
            st.builds(c.Compare, st.just(node), st.sampled_from(operators), literal),
            st.builds(
                lambda op, lit: c.Compare(lit, op, node), st.sampled_from(operators), literal
            ),
            st.builds(
                c.Compare,
                st.just(node),
                st.sampled_from(operators),
                st.sampled_from(same).map(c.Name),
            ),
        ]
        if kind == "boolean":
            options.append(st.just(node))
        return st.one_of(options)

    leaves = st.one_of(
        st.sampled_from(names).flatmap(tests),
        st.booleans().map(c.Literal),
    )
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            children.map(c.Not),
            st.lists(children, min_size=2, max_size=3).map(lambda items: c.And(tuple(items))),
            st.lists(children, min_size=2, max_size=3).map(lambda items: c.Or(tuple(items))),
        ),
        max_leaves=6,
    )


def _spell_literal(draw: st.DrawFn, value: object) -> str:
    if isinstance(value, str) and draw(st.booleans()):
        escaped = value.replace("\\", "\\\\").replace("'", "\\'")
        return "'" + escaped.replace("\n", "\\n").replace("\t", "\\t") + "'"
    return c.to_text(c.Literal(value))  # type: ignore[arg-type]


def _spell(draw: st.DrawFn, expr: c.Expr) -> str:
    """The tree as text, with random (but meaning-preserving) spacing and parentheses."""
    gap = draw(st.sampled_from((" ", " ", "  ", "\t", "\n ")))
    text: str
    if isinstance(expr, c.Name):
        text = expr.name
    elif isinstance(expr, c.Literal):
        text = _spell_literal(draw, expr.value)
    elif isinstance(expr, c.Compare):
        sides = [
            side.name if isinstance(side, c.Name) else _spell_literal(draw, side.value)
            for side in (expr.left, expr.right)
        ]
        text = f"{sides[0]}{gap}{expr.op}{gap}{sides[1]}"
    elif isinstance(expr, c.In):
        items = ("," + gap).join(_spell_literal(draw, item.value) for item in expr.values)
        trailing = "," if draw(st.booleans()) else ""
        word = "not in" if expr.negated else "in"
        text = f"{expr.name.name}{gap}{word} [{items}{trailing}]"
    elif isinstance(expr, c.IsUnknown):
        text = f"{expr.name.name} is{gap}{'not unknown' if expr.negated else 'unknown'}"
    elif isinstance(expr, c.Not):
        inner = _spell(draw, expr.operand)
        if isinstance(expr.operand, c.And | c.Or):
            inner = f"({inner})"
        text = f"not{gap}{inner}"
    else:
        word = "and" if isinstance(expr, c.And) else "or"
        parts = []
        for operand in expr.operands:
            part = _spell(draw, operand)
            if isinstance(operand, c.And | c.Or):
                part = f"({part})"
            parts.append(part)
        text = f"{gap}{word}{gap}".join(parts)
    return f"({text})" if draw(st.integers(0, 4)) == 0 else text


@st.composite
def _conditions(draw: st.DrawFn, types: Mapping[str, str]) -> str:
    return _spell(draw, draw(_condition_trees(types)))


def conditions(*, types: Mapping[str, str] | None = None) -> st.SearchStrategy[str]:
    """Valid condition texts: well-typed over the canonical signals (and any custom ones given).

    Comparisons, ``in`` lists, ``is unknown`` tests, ``and``/``or``/``not`` and literals, spelled
    with random spacing, quotes and redundant parentheses (the canonical form is `Rule.when`'s
    parse printed back).

    Args:
        types: Custom signals the conditions may read too, by name, with their type
            (``number``, ``integer``, ``boolean`` or ``string``).

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer import Rule
        >>> from clientcustomer.testing import conditions
        >>> @given(conditions(types={"region": "string"}))
        ... def test_parses(text):
        ...     assert Rule("r", text, "Because.", role="client").condition is not None
        >>> test_parses()
    """
    return _conditions(_condition_types(types))


_RULE_IDS = st.one_of(
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    identifiers(),
)


@st.composite
def _rules(
    draw: st.DrawFn, hit: HitPolicy, types: Mapping[str, str], ids: st.SearchStrategy[str]
) -> Rule:
    when = draw(_conditions(_condition_types(types)))
    because = draw(_NOTES)
    if hit is HitPolicy.SCORE:
        return Rule(
            draw(ids),
            when,
            because,
            aspect=draw(st.sampled_from(list(Aspect))),
            points=draw(st.sampled_from((-1.0, 1.0, 2.0)) | st.floats(-100, 100)),
            priority=draw(st.sampled_from((0, 0, 1))),
        )
    return Rule(
        draw(ids),
        when,
        because,
        aspect=draw(st.none() | st.sampled_from(list(Aspect))),
        role=draw(st.sampled_from(list(Role))),
        priority=draw(st.integers(-5, 5)) if hit is HitPolicy.PRIORITY else 0,
    )


def rules(
    *,
    hit: HitPolicy | str = HitPolicy.SCORE,
    types: Mapping[str, str] | None = None,
    ids: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Rule]:
    """Rules valid under a hit policy: points and an aspect under ``score``, else a role.

    Args:
        hit: The hit policy the rules are for.
        types: Custom signals their conditions may read, by name, with their type.
        ids: The ids to draw from; short slugs and any identifiers by default.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import rules
        >>> @given(rules(hit="first"))
        ... def test_role(rule):
        ...     assert rule.role is not None and rule.points is None
        >>> test_role()
    """
    return _rules(HitPolicy(hit), dict(types or {}), _RULE_IDS if ids is None else ids)


def _outside_values(name: str, kind: str) -> st.SearchStrategy[SignalValue]:
    """Values a signal must refuse: just outside its bounds, and infinity for a number."""
    spec = SIGNALS.get(name)
    low = None if spec is None else spec.minimum
    high = None if spec is None else spec.maximum
    values: list[SignalValue] = []
    if kind == "integer":
        values += [] if low is None else [int(low) - 1]
        values += [] if high is None else [int(high) + 1]
    elif kind == "number":
        values += [math.inf, -math.inf]
        values += [] if low is None else [math.nextafter(low, -math.inf)]
        values += [] if high is None else [math.nextafter(high, math.inf)]
    return st.sampled_from(values) if values else st.nothing()


def _typed_values(kind: str) -> st.SearchStrategy[SignalValue]:
    if kind == "integer":
        return st.integers(-(10**6), 10**6)
    if kind == "number":
        return st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    return st.text(max_size=10)


@st.composite
def _examples(
    draw: st.DrawFn, custom: Mapping[str, str], ids: Sequence[str]
) -> tuple[RulesetExample, ...]:
    examples = []
    for example_id in ids:
        names = draw(st.lists(st.sampled_from([*SIGNALS, *custom]), max_size=6, unique=True))
        values = {
            name: draw(_signal_values(name) if name in SIGNALS else _typed_values(custom[name]))
            for name in names
        }
        examples.append(
            RulesetExample(
                example_id,
                draw(st.sampled_from(list(Role))),
                values,
                note=draw(st.sampled_from(("", "From the sources."))),
            )
        )
    return tuple(examples)


@st.composite
def _rulesets(draw: st.DrawFn, hit: HitPolicy | None, max_rules: int) -> Ruleset:
    policy_hit = draw(st.sampled_from(list(HitPolicy))) if hit is None else hit
    custom = draw(st.dictionaries(_CUSTOM_SIGNAL_NAMES, st.sampled_from(_CUSTOM_TYPES), max_size=2))
    drafts = draw(
        st.lists(
            rules(hit=policy_hit, types=custom),
            min_size=1,
            max_size=max_rules,
            unique_by=lambda rule: rule.id,
        )
    )
    kept: list[Rule] = []
    for rule in drafts:
        if policy_hit is HitPolicy.FIRST and any(
            earlier.condition in {rule.condition, c.Literal(value=True)} for earlier in kept
        ):
            continue  # it could never be reached under "first"
        kept.append(rule)
    if policy_hit is HitPolicy.SCORE:
        low, high = sorted(draw(st.lists(st.floats(-20, 20), min_size=2, max_size=2)))
        requires = draw(st.none() | _conditions(_condition_types(custom)))
        policy = RulesetPolicy(
            policy_hit,
            client_at=high,
            customer_below=low,
            requires=requires,
            requires_because=draw(st.just("") | _NOTES) if requires else "",
        )
    else:
        policy = RulesetPolicy(policy_hit, default=draw(st.sampled_from(list(Role))))
    example_ids = draw(st.lists(_RULE_IDS, max_size=3, unique=True))
    return Ruleset(
        draw(_RULE_IDS),
        draw(st.sampled_from(("1", "2.0", "2026-01"))),
        policy,
        tuple(kept),
        description=draw(st.text(max_size=30)),
        signals=custom,
        examples=draw(_examples(custom, example_ids)),
    )


def rulesets(
    *, hit: HitPolicy | str | None = None, max_rules: int = 6
) -> st.SearchStrategy[Ruleset]:
    """Valid rule sets under every hit policy, with custom signals and embedded examples.

    Under ``first`` no rule repeats an earlier condition or follows one that is always true
    (such a rule could never be reached); under ``score`` the thresholds are ordered and the
    policy may require a condition.

    Args:
        hit: The hit policy; any by default.
        max_rules: The most rules in a drawn rule set.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer import loads_ruleset
        >>> from clientcustomer.testing import rulesets
        >>> @given(rulesets(hit="priority", max_rules=3))
        ... def test_reloads(ruleset):
        ...     assert loads_ruleset(ruleset.to_toml()) == ruleset
        >>> test_reloads()
    """
    return _rulesets(None if hit is None else HitPolicy(hit), max_rules)


@st.composite
def _signals_for(draw: st.DrawFn, custom: Mapping[str, str]) -> Signals:
    values: dict[str, Any] = {name: draw(_signal_values(name)) for name in SIGNALS}
    extra = {name: draw(st.none() | _typed_values(kind)) for name, kind in custom.items()}
    return Signals(**values, custom=extra)


@st.composite
def _classifications(draw: st.DrawFn) -> Classification:
    if draw(st.booleans()):
        # The default rule set declares no custom signal: its records carry none.
        return Classifier().classify(draw(signals(custom=False)))
    ruleset = draw(rulesets(max_rules=4))
    return Classifier(ruleset).classify(draw(_signals_for(ruleset.signals)))


def classifications() -> st.SearchStrategy[Classification]:
    """Classifications of random `signals`, by the default rule set or a random one.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import classifications
        >>> @given(classifications())
        ... def test_fired(verdict):
        ...     assert len(verdict.fired) == len(verdict.evidence)
        >>> test_fired()
    """
    return _classifications()


def escalations() -> st.SearchStrategy[Escalation]:
    """Escalations of a dependency: level 1 to 3, to anyone, any day, with a next action.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import escalations
        >>> @given(escalations())
        ... def test_level(escalation):
        ...     assert 1 <= escalation.level <= 3
        >>> test_level()
    """
    return st.builds(
        Escalation, level=st.integers(1, 3), to=identifiers(), on=_DATES, next_action=_NOTES
    )


@st.composite
def _status_changes(draw: st.DrawFn) -> StatusChange:
    need = draw(dependencies())
    if not need.history:
        status = draw(st.sampled_from([s for s in DependencyStatus if s is not need.status]))
        need = need.with_status(status, on=draw(_DATES), note=draw(st.text(max_size=10)))
    return need.history[-1]


def status_changes() -> st.SearchStrategy[StatusChange]:
    """Status changes from the history of random `dependencies` (one is made if it has none).

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import status_changes
        >>> from clientcustomer import DependencyStatus
        >>> @given(status_changes())
        ... def test_statuses(change):
        ...     assert isinstance(change.target, DependencyStatus)
        >>> test_statuses()
    """
    return _status_changes()


@st.composite
def _readinesses(draw: st.DrawFn) -> Readiness:
    engagement = draw(engagements())
    return readiness(engagement, draw(_DATES), horizon_days=draw(st.integers(0, 60)))


def readinesses() -> st.SearchStrategy[Readiness]:
    """Readiness reports of random `engagements`, as of any day, with any horizon.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import readinesses
        >>> @given(readinesses())
        ... def test_horizon(report):
        ...     assert 0 <= report.horizon_days <= 60
        >>> test_horizon()
    """
    return _readinesses()


@st.composite
def _example_results(draw: st.DrawFn) -> RulesetExampleResult:
    ruleset = draw(rulesets(max_rules=3).filter(lambda item: bool(item.examples)))
    return draw(st.sampled_from(Classifier(ruleset).run_examples()))


def example_results() -> st.SearchStrategy[RulesetExampleResult]:
    """Results of running the embedded examples of random `rulesets`.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import example_results
        >>> @given(example_results())
        ... def test_ids(result):
        ...     assert result.example_id
        >>> test_ids()
    """
    return _example_results()


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


# --- fuzzing: files and options that break readers (tests/test_fuzz_cli.py) --------------------


@functools.cache
def _fuzz_bases() -> dict[str, str]:
    """Valid documents to break: an engagement, the default playbook, the default rule set."""
    from importlib import resources  # noqa: PLC0415

    from ._core.serialization import to_json  # noqa: PLC0415
    from .demo import demo_engagements  # noqa: PLC0415

    ruleset = default_ruleset()
    return {
        "engagement": to_json(demo_engagements()[0]),
        "playbook": (resources.files("clientcustomer.advice") / "playbook.toml").read_text(
            encoding="utf-8"
        ),
        "rules.toml": ruleset.to_toml(),
        "rules.json": json.dumps(ruleset.to_dict()),
    }


_FUZZ_NUMBERS = (
    "0",
    "-1",
    "0.5",
    "1",
    "100",
    "1e999999",
    "-1e999",
    "nan",
    "inf",
    "-inf",
    "1e-400",
    "1" + "0" * 400,
    "1" + "0" * 5000,
    "9" * 19,
    "0x10",
    "1_000",
    "٣",
    "1,5",
    "",
)
_FUZZ_DATES = (
    "2026-01-05",
    "9999-12-31",
    "9999-12-30",
    "0001-01-01",
    "2026-02-30",
    "2026-13-01",
    "10000-01-01",
    "2026-01-05T10:00:00",
    "1/2/2026",
    "",
    "0000-00-00",
)
_FUZZ_TEXTS = (
    "",
    " ",
    "a",
    "ann",
    "\x00",
    "é",
    "\ufeff",
    '"',
    "\r",
    ";",
    "true",
    "null",
    "[",
    "{",
    "C1",
)
_FUZZ_COLUMNS = (
    "id",
    "party_id",
    "on",
    "kind",
    "amount",
    "item",
    "offering",
    "customized",
    "collaborative",
    "reference",
    "tenure_days",
    "collaborative_share",
    "customization",
    "active_engagement",
    "spend",
    "nps",
    "",
    "id ",
)
_FUZZ_DEPTHS = (1, 2, 50, 900, 1100, 5000)
_FUZZ_CONDITIONS = (
    "tenure_days >= 1",
    "collaborative_share < 0.5",
    "1 <= tenure_days",
    "tenure_days == 1e999",
    "tenure_days > 1" + "0" * 5000,
    "not " * 3000 + "tenure_days > 1",
    "(" * 3000 + "tenure_days > 1" + ")" * 3000,
    "active_engagement",
    "nps is unknown",
    "tenure_days >= ",
    "'a' in ['b']",
    "tenur_days > 1",
)


def _fuzz_nested(depth: int) -> str:
    return "[" * depth + "]" * depth


_fuzz_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(10**20), 2**63, 2**63 - 1]),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(_FUZZ_NUMBERS + _FUZZ_DATES + _FUZZ_TEXTS),
)
_fuzz_json = st.recursive(
    _fuzz_leaves,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(_FUZZ_COLUMNS), inner, max_size=4)
    ),
    max_leaves=12,
)


def _fuzz_dump(value: object) -> str:
    return json.dumps(value, allow_nan=True)


@st.composite
def _fuzz_edits(draw: st.DrawFn, text: str) -> str:
    """A few edits to a valid text: a slice deleted, a nasty token inserted, a line doubled."""
    for _ in range(draw(st.integers(0, 3))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(("delete", "insert", "replace-number")))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif action == "insert":
            token = draw(
                st.sampled_from(_FUZZ_NUMBERS + _FUZZ_DATES + _FUZZ_TEXTS) | st.text(max_size=5)
            )
            text = text[:at] + token + text[at:]
        else:
            text = text.replace(
                draw(st.sampled_from(("1", "2", "0"))), draw(st.sampled_from(_FUZZ_NUMBERS)), 1
            )
    return text


@st.composite
def _fuzz_csv(draw: st.DrawFn, kind: str) -> str:
    if kind == "log":
        header = ["party_id", "on", *draw(st.lists(st.sampled_from(_FUZZ_COLUMNS), max_size=4))]
    else:
        header = ["id", *draw(st.lists(st.sampled_from(_FUZZ_COLUMNS), max_size=4))]
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    cells = st.sampled_from(_FUZZ_NUMBERS + _FUZZ_DATES + _FUZZ_TEXTS) | st.text(max_size=6)
    lines = [",".join(header)]
    for index in range(draw(st.integers(0, 5))):
        row = [draw(cells) for _ in header]
        if header[0] in {"id", "party_id"} and draw(st.booleans()):
            row[0] = f"p{index % 2}"
        if "on" in header and draw(st.booleans()):
            row[header.index("on")] = draw(st.sampled_from(_FUZZ_DATES))
        lines.append(",".join(row))
    return "\n".join(lines) + draw(st.sampled_from(("\n", "", "\r\n")))


@st.composite
def _fuzz_jsonl(draw: st.DrawFn, kind: str) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            lines.append(
                '{"id": "a", "x": ' + _fuzz_nested(draw(st.sampled_from(_FUZZ_DEPTHS))) + "}"
            )
        elif choice == 1 and kind == "engagements":
            lines.append(draw(_fuzz_edits(_fuzz_bases()["engagement"].replace("\n", ""))))
        elif choice == 2:
            lines.append(draw(st.text(max_size=20)))
        else:
            lines.append(_fuzz_dump(draw(_fuzz_json)))
    return "\n".join(lines) + "\n"


@st.composite
def _fuzz_document(draw: st.DrawFn, kind: str, suffix: str) -> str:
    if kind == "engagement":
        base = _fuzz_bases()["engagement"]
    elif kind == "playbook":
        base = _fuzz_bases()["playbook"] if suffix == ".toml" else _fuzz_dump({"schema_version": 1})
    elif draw(st.booleans()):
        when = draw(st.sampled_from(_FUZZ_CONDITIONS))
        base = (
            'id = "x"\nversion = "1"\n[policy]\nhit = "first"\n'
            f'[[rules]]\nid = "r"\nwhen = {json.dumps(when)}\nrole = "client"\nbecause = "b"\n'
        )
        if suffix == ".json":
            base = _fuzz_dump(
                {
                    "id": "x",
                    "version": "1",
                    "policy": {"hit": "first"},
                    "rules": [{"id": "r", "when": when, "role": "client", "because": "b"}],
                }
            )
    else:
        base = _fuzz_bases()["rules.toml" if suffix == ".toml" else "rules.json"]
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return _fuzz_dump(draw(_fuzz_json))
    if choice == 1:
        return '{"a": ' + _fuzz_nested(draw(st.sampled_from(_FUZZ_DEPTHS))) + "}"
    return draw(_fuzz_edits(base))


@st.composite
def _fuzz_files(draw: st.DrawFn, kind: str, suffix: str) -> bytes:
    """The bytes of a generated file of ``kind`` (signals, log, engagements, engagement, rules)."""
    if draw(st.integers(0, 9)) == 0:
        data = draw(st.binary(max_size=64))
    else:
        if kind in {"signals", "log"} and suffix != ".jsonl":
            text = draw(_fuzz_csv(kind))
        elif kind in {"signals", "engagements"}:
            text = draw(_fuzz_jsonl(kind))
        else:
            text = draw(_fuzz_document(kind, suffix))
        encoding = draw(
            st.sampled_from(("utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"))
        )
        data = text.encode(encoding, errors="replace")
        if draw(st.integers(0, 5)) == 0 and data:
            at = draw(st.integers(0, len(data)))
            data = (
                data[:at]
                + draw(st.sampled_from((b"\xff", b"\xc3", b"\x00", b"\xef\xbb\xbf")))
                + data[at:]
            )
    if suffix.endswith(".gz"):
        data = gzip.compress(data)
        if draw(st.booleans()):
            data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def _fuzz_options(draw: st.DrawFn, command: str, kind: str) -> list[str]:
    """Odd option values for a command: delimiters, encodings, dates, horizons."""
    options: list[str] = []
    if kind == "log" or command in {"timeline", "recommend"} or "--log" in command:
        if draw(st.booleans()):
            options += ["--delimiter", draw(st.sampled_from((",", ";", ";;", "", "\t", '"')))]
        if draw(st.booleans()):
            options += [
                "--encoding",
                draw(st.sampled_from(("utf-8", "latin-1", "utf-16", "utf-8-sig", "nope", "rot13"))),
            ]
        if draw(st.booleans()) and command in {"classify", "recommend", "explain"}:
            options += ["--as-of", draw(st.sampled_from(_FUZZ_DATES))]
        if draw(st.booleans()):
            options += ["--date-format", draw(st.sampled_from(("%Y-%m-%d", "%d/%m/%Y", "%", "%Q")))]
    if command == "engagement":
        options += ["--as-of", draw(st.sampled_from(_FUZZ_DATES))]
        if draw(st.booleans()):
            options += [
                "--horizon-days",
                draw(st.sampled_from(("0", "-1", "14", "1000000000", "99999999999", "x"))),
            ]
    if command == "timeline" and draw(st.booleans()):
        options += ["--end", draw(st.sampled_from(_FUZZ_DATES))]
    return options
