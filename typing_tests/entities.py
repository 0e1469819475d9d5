"""The entities' public types, type-checked only (never run)."""

import datetime as dt
from decimal import Decimal
from typing import assert_type

import attrs

from clientcustomer import (
    Client,
    Customer,
    Deliverable,
    Dependency,
    DependencyKind,
    DependencyStatus,
    Engagement,
    EngagementRole,
    Interaction,
    InteractionKind,
    Offering,
    Party,
    PartyKind,
    RoleAssignment,
)

day = dt.date(2026, 1, 5)

party = Party("acme", "Acme Ltd")
assert_type(party.id, str)
assert_type(party.kind, PartyKind)
assert_type(Party("ann", "Ann", "person").kind, PartyKind)  # enums also accept their value

purchase = Interaction("acme", day, "purchase", amount=Decimal("10.50"))
assert_type(purchase.kind, InteractionKind)
assert_type(purchase.offering, Offering)
assert_type(purchase.amount, Decimal)
assert_type(purchase.on, dt.date)
assert_type(purchase.customized, bool | None)  # None: not recorded

customer = Customer(party, since=day, interactions=(purchase,))
assert_type(customer.interactions, tuple[Interaction, ...])
assert_type(attrs.evolve(customer, since=day), Customer)

dependency = Dependency("list", "data", "Customer list", owner="Acme", blocks=("survey",))
assert_type(dependency.kind, DependencyKind)
assert_type(dependency.status, DependencyStatus)
assert_type(dependency.due, dt.date | None)
assert_type(dependency.blocks, tuple[str, ...])

work = Engagement(
    "e1",
    "acme",
    "Survey",
    start=day,
    deliverables=(Deliverable("survey", "Customer survey"),),
    roles=(RoleAssignment("acme", "payer"),),
    dependencies=(dependency,),
)
assert_type(work.end, dt.date | None)
assert_type(work.is_active(day), bool)
assert_type(work.roles[0].role, EngagementRole)
assert_type(work.dependencies, tuple[Dependency, ...])

client = Client(party, since=day, engagements=(work,))
assert_type(client.engagements, tuple[Engagement, ...])
assert_type(client.account_manager, str | None)
