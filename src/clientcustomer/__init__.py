"""Tell customers from clients, and know what each relationship owes and is owed.

The public API, all importable from the package root:

* entities: `Party`, `Interaction`, `Customer`, `Client`, `Engagement`, `Deliverable`,
  `Dependency`, `RoleAssignment`, `StatusChange`, `Escalation` and their enums;
* readiness: `readiness` (what can proceed, what is blocked and by what) giving a `Readiness`
  with its `Health`, `BlockedDeliverable` and `OverdueDependency` items;
* lifecycle: `Stage`, `Event`, `Lifecycle` (default `LIFECYCLE`, table `TRANSITIONS`),
  `LifecycleState`, `StageChange`, `TransitionCheck`, `FormerClient`, `lifecycle_diagram`;
* timeline: `timeline` (when did each party change stage?) and `emerging_clients`;
* playbook: `recommend` / `recommend_for` (what to do next, why, and when it is due) from a
  `Playbook` of `Strategy` data (`Playbook.default`, `load_playbook`), giving `Action` items;
* many records: `classify_frame` (pandas, polars, DuckDB, PySpark... through narwhals),
  `to_sql` (a `Dialect`) and `classify_sql` (DuckDB);
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

from ._classify import (
    AspectLeaning,
    Classification,
    Classifier,
    Evidence,
    classify,
    classify_many,
)
from ._compile import Dialect, classify_frame, classify_sql, to_sql
from ._diff import RoleChange, RulesetDiff, VerdictChange, diff_rulesets
from ._engagements import (
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
from ._frames import signals_frame
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
from ._playbook import (
    Action,
    ActionKind,
    Playbook,
    Strategy,
    load_playbook,
    recommend,
    recommend_for,
)
from ._readiness import (
    DEFAULT_HORIZON_DAYS,
    BlockedDeliverable,
    Health,
    OverdueDependency,
    Readiness,
    readiness,
)
from ._rules import (
    Example,
    ExampleResult,
    HitPolicy,
    Policy,
    Role,
    Rule,
    Ruleset,
    default_ruleset,
    load_ruleset,
)
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
    "DEFAULT_HORIZON_DAYS",
    "DEFAULT_MIN_MARGIN",
    "LIFECYCLE",
    "SIGNALS",
    "TRANSITIONS",
    "Action",
    "ActionKind",
    "Aspect",
    "AspectLeaning",
    "BlockedDeliverable",
    "Classification",
    "ClassificationSummary",
    "Classifier",
    "Client",
    "Customer",
    "Deliverable",
    "Dependency",
    "DependencyKind",
    "DependencyStatus",
    "Dialect",
    "EmergingClient",
    "Engagement",
    "EngagementRole",
    "Escalation",
    "Event",
    "Evidence",
    "Example",
    "ExampleResult",
    "FormerClient",
    "Guard",
    "GuardContext",
    "Health",
    "HitPolicy",
    "Interaction",
    "InteractionKind",
    "Lifecycle",
    "LifecycleState",
    "LogColumns",
    "LogReader",
    "Offering",
    "OverdueDependency",
    "Party",
    "PartyKind",
    "PartyTimeline",
    "Playbook",
    "Policy",
    "Readiness",
    "RejectedRow",
    "Role",
    "RoleAssignment",
    "RoleChange",
    "Rule",
    "Ruleset",
    "RulesetDiff",
    "ScorePoint",
    "SignalMove",
    "SignalSpec",
    "SignalValue",
    "Signals",
    "Stage",
    "StageChange",
    "StatusChange",
    "Strategy",
    "SupportsClassification",
    "Transition",
    "TransitionCheck",
    "VerdictChange",
    "classify",
    "classify_frame",
    "classify_many",
    "classify_sql",
    "default_ruleset",
    "derive_signals",
    "derive_signals_for",
    "diff_rulesets",
    "emerging_clients",
    "from_json",
    "json_schema",
    "lifecycle_diagram",
    "load_playbook",
    "load_ruleset",
    "read_log",
    "readiness",
    "recommend",
    "recommend_for",
    "signals_by_party",
    "signals_frame",
    "structure",
    "timeline",
    "to_json",
    "to_sql",
    "unstructure",
]


def __getattr__(name: str) -> str:
    """Read ``__version__`` lazily from the installed package's metadata."""
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - deferred to keep import fast

        return version("clientcustomer")
    msg = f"module 'clientcustomer' has no attribute {name!r}"
    raise AttributeError(msg)
