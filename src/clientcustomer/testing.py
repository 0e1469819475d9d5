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
from typing import Literal

import attrs
from hypothesis import strategies as st

from ._engagements import (
    Deliverable,
    Dependency,
    DependencyKind,
    DependencyStatus,
    Engagement,
    EngagementRole,
    Escalation,
    RoleAssignment,
)
from ._entities import Client, Customer, Interaction, InteractionKind, Offering, Party, PartyKind
from ._lifecycle import (
    LIFECYCLE,
    ClassificationSummary,
    Event,
    LifecycleState,
    Stage,
    StageChange,
)
from ._playbook import Action, ActionKind, Playbook, Strategy
from ._signals import SIGNALS, Signals, SignalValue

__all__ = [
    "actions",
    "classification_summaries",
    "clients",
    "customers",
    "deliverables",
    "dependencies",
    "engagements",
    "identifiers",
    "interaction_logs",
    "interactions",
    "lifecycle_states",
    "parties",
    "playbook_strategies",
    "playbooks",
    "role_assignments",
    "signals",
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
    """Parties: any id, any name (Unicode, markup included), either kind.

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
        name=st.text(max_size=30),
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
        event = draw(st.sampled_from([event for event in Event if event is not Event.CORRECT]))
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


@st.composite
def _clients(draw: st.DrawFn) -> Client:
    party = draw(parties())
    since = draw(_DATES)
    log = draw(st.lists(interactions(parties=(party.id,), dates=_DATES), max_size=4))
    work = draw(
        st.lists(engagements(client_id=party.id), max_size=2, unique_by=lambda item: item.id)
    )
    return Client(
        party,
        since=since,
        interactions=tuple(log),
        engagements=tuple(work),
        account_manager=draw(st.none() | identifiers()),
        checkin_cadence_days=draw(st.none() | st.integers(1, 365)),
        history=draw(_histories(Stage.CLIENT, since)),
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


def _signal_values(name: str) -> st.SearchStrategy[SignalValue | None]:
    spec = SIGNALS[name]
    values: st.SearchStrategy[SignalValue]
    if spec.type == "boolean":
        values = st.booleans()
    elif spec.type == "integer":
        low = None if spec.minimum is None else int(spec.minimum)
        high = None if spec.maximum is None else int(spec.maximum)
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


def signals() -> st.SearchStrategy[Signals]:
    """Signals: each canonical one unknown or in its range, plus a few custom ones.

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
        custom=st.dictionaries(custom_names, _CUSTOM_VALUES, max_size=3),
    )


# --- playbook -----------------------------------------------------------------------------------

_ROLE_NAMES: tuple[Literal["customer", "client", "ambiguous"], ...] = (
    "customer",
    "client",
    "ambiguous",
)
_NOTES = st.text(min_size=1, max_size=30).filter(str.strip)


@st.composite
def _playbook_strategies(draw: st.DrawFn, ids: st.SearchStrategy[str] | None) -> Strategy:
    kind = draw(st.sampled_from(list(ActionKind)))
    recurring = kind is not ActionKind.DEPENDENCY_FOLLOW_UP and draw(st.booleans())
    texts = ["Call {party}.", "Send a note (no placeholder)."]
    if recurring:
        texts.append("Meet {party} every {cadence_days} days.")
    if kind is ActionKind.DEPENDENCY_FOLLOW_UP:
        texts.append("Follow up with the client: {description} ({owner}, {engagement}, {due}).")
    roles = st.lists(st.sampled_from(_ROLE_NAMES), max_size=3, unique=True).map(tuple)
    bounds = st.dictionaries(
        st.sampled_from(tuple(SIGNALS)),
        st.integers(0, 1000) | st.floats(0, 1000, allow_nan=False),
        max_size=2,
    )
    return Strategy(
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
    )


def playbook_strategies(
    *, ids: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[Strategy]:
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


def actions() -> st.SearchStrategy[Action]:
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
        Action,
        strategy_id=identifiers(),
        kind=st.sampled_from(list(ActionKind)),
        party_id=identifiers(),
        text=_NOTES,
        why=_NOTES,
        reason=st.text(max_size=30),
        due=_DATES,
        overdue_days=st.integers(0, 1000),
        engagement_id=st.none() | identifiers(),
        dependency_id=st.none() | identifiers(),
    )
