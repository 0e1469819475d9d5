"""Tell customers from clients, and know what each relationship owes and is owed.

The public API, all importable from the package root:

* entities: `Party`, `Interaction`, `Customer`, `Client`, `Engagement`, `Deliverable`,
  `Dependency`, `RoleAssignment` and their enums;
* lifecycle: `Stage`, `Event`, `Lifecycle` (default `LIFECYCLE`, table `TRANSITIONS`),
  `LifecycleState`, `StageChange`, `TransitionCheck`, `FormerClient`, `lifecycle_diagram`;
* timeline: `timeline` (when did each party change stage?) and `emerging_clients`;
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
from ._entities import (
    Client,
    Customer,
    FormerClient,
    Interaction,
    InteractionKind,
    Offering,
    Party,
    PartyKind,
)
from ._lifecycle import (
    DEFAULT_GRACE_DAYS,
    DEFAULT_MIN_MARGIN,
    LIFECYCLE,
    TRANSITIONS,
    ClassificationSummary,
    Event,
    Guard,
    GuardContext,
    Lifecycle,
    LifecycleState,
    Stage,
    StageChange,
    SupportsClassification,
    Transition,
    TransitionCheck,
    lifecycle_diagram,
)
from ._logs import LogColumns, LogReader, RejectedRow, read_log
from ._serialization import from_json, json_schema, structure, to_json, unstructure
from ._signals import (
    SIGNALS,
    Aspect,
    Signals,
    SignalSpec,
    SignalValue,
    derive_signals,
    derive_signals_for,
    signals_by_party,
)
from ._timeline import (
    EmergingClient,
    PartyTimeline,
    ScorePoint,
    SignalMove,
    emerging_clients,
    timeline,
)

if TYPE_CHECKING:
    __version__: str

__all__ = [
    "DEFAULT_GRACE_DAYS",
    "DEFAULT_MIN_MARGIN",
    "LIFECYCLE",
    "SIGNALS",
    "TRANSITIONS",
    "Aspect",
    "ClassificationSummary",
    "Client",
    "Customer",
    "Deliverable",
    "Dependency",
    "DependencyKind",
    "DependencyStatus",
    "EmergingClient",
    "Engagement",
    "EngagementRole",
    "Event",
    "FormerClient",
    "Guard",
    "GuardContext",
    "Interaction",
    "InteractionKind",
    "Lifecycle",
    "LifecycleState",
    "LogColumns",
    "LogReader",
    "Offering",
    "Party",
    "PartyKind",
    "PartyTimeline",
    "RejectedRow",
    "RoleAssignment",
    "ScorePoint",
    "SignalMove",
    "SignalSpec",
    "SignalValue",
    "Signals",
    "Stage",
    "StageChange",
    "SupportsClassification",
    "Transition",
    "TransitionCheck",
    "derive_signals",
    "derive_signals_for",
    "emerging_clients",
    "from_json",
    "json_schema",
    "lifecycle_diagram",
    "read_log",
    "signals_by_party",
    "structure",
    "timeline",
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
