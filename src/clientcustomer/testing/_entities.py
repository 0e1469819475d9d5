"""Strategies: entities (part of `clientcustomer.testing`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from clientcustomer.engagements.model import (
    Deliverable,
    Dependency,
    DependencyKind,
    DependencyStatus,
    Engagement,
    EngagementRole,
    Escalation,
    RoleAssignment,
)
from clientcustomer.lifecycle.machine import (
    LifecycleEvent,
    Stage,
    StageChange,
)
from clientcustomer.parties.entities import (
    Client,
    Customer,
    FormerClient,
    Interaction,
    InteractionKind,
    Offering,
    Party,
    PartyKind,
)
from clientcustomer.signals.derive import SIGNALS, Signals, SignalValue

from ._billing import classification_summaries
from ._common import _DATES, _NOTES, identifiers

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


# --- entities and engagements -------------------------------------------------------------------


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
