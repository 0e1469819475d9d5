"""Tell customers from clients, and know what each relationship owes and is owed.

The public API, all importable from the package root:

* entities: `Party`, `Interaction`, `Customer`, `Client`, `Engagement`, `Deliverable`,
  `Dependency`, `RoleAssignment` and their enums;
* serialization: `to_json`, `from_json`, `unstructure`, `structure`, `json_schema`;
* errors live in `clientcustomer.exceptions`; Hypothesis strategies in `clientcustomer.testing`.

Example:
    >>> import datetime as dt
    >>> import clientcustomer as cc
    >>> party = cc.Party("acme", "Acme Ltd")
    >>> cc.from_json(cc.Party, cc.to_json(party)) == party
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._engagements import (
    Deliverable,
    Dependency,
    DependencyKind,
    DependencyStatus,
    Engagement,
    EngagementRole,
    RoleAssignment,
)
from ._entities import Client, Customer, Interaction, InteractionKind, Offering, Party, PartyKind
from ._serialization import from_json, json_schema, structure, to_json, unstructure
from ._signals import SIGNALS, Aspect, Signals, SignalSpec, SignalValue

if TYPE_CHECKING:
    __version__: str

__all__ = [
    "SIGNALS",
    "Aspect",
    "Client",
    "Customer",
    "Deliverable",
    "Dependency",
    "DependencyKind",
    "DependencyStatus",
    "Engagement",
    "EngagementRole",
    "Interaction",
    "InteractionKind",
    "Offering",
    "Party",
    "PartyKind",
    "RoleAssignment",
    "SignalSpec",
    "SignalValue",
    "Signals",
    "from_json",
    "json_schema",
    "structure",
    "to_json",
    "unstructure",
]


def __getattr__(name: str) -> str:
    """Read ``__version__`` lazily from the installed package's metadata."""
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - deferred to keep import fast

        return version("clientcustomer")
    msg = f"module 'clientcustomer' has no attribute {name!r}"
    raise AttributeError(msg)
