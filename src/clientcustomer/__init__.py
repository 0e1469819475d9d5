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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

    __version__: str

_EXPORTS: dict[str, str] = {
    "AspectLeaning": "_classify",
    "Classification": "_classify",
    "Classifier": "_classify",
    "Evidence": "_classify",
    "classify": "_classify",
    "classify_many": "_classify",
    "Dialect": "_compile",
    "classify_frame": "_compile",
    "classify_sql": "_compile",
    "to_sql": "_compile",
    "RoleChange": "_diff",
    "RulesetDiff": "_diff",
    "VerdictChange": "_diff",
    "diff_rulesets": "_diff",
    "Deliverable": "_engagements",
    "Dependency": "_engagements",
    "DependencyKind": "_engagements",
    "DependencyStatus": "_engagements",
    "Engagement": "_engagements",
    "EngagementRole": "_engagements",
    "Escalation": "_engagements",
    "RoleAssignment": "_engagements",
    "StatusChange": "_engagements",
    "Client": "_entities",
    "Customer": "_entities",
    "FormerClient": "_entities",
    "Interaction": "_entities",
    "InteractionKind": "_entities",
    "Offering": "_entities",
    "Party": "_entities",
    "PartyKind": "_entities",
    "signals_frame": "_frames",
    "ClassificationSummary": "_lifecycle",
    "DEFAULT_GRACE_DAYS": "_lifecycle",
    "DEFAULT_MIN_MARGIN": "_lifecycle",
    "Event": "_lifecycle",
    "Guard": "_lifecycle",
    "GuardContext": "_lifecycle",
    "LIFECYCLE": "_lifecycle",
    "Lifecycle": "_lifecycle",
    "LifecycleState": "_lifecycle",
    "Stage": "_lifecycle",
    "StageChange": "_lifecycle",
    "SupportsClassification": "_lifecycle",
    "TRANSITIONS": "_lifecycle",
    "Transition": "_lifecycle",
    "TransitionCheck": "_lifecycle",
    "lifecycle_diagram": "_lifecycle",
    "LogColumns": "_logs",
    "LogReader": "_logs",
    "RejectedRow": "_logs",
    "read_log": "_logs",
    "Action": "_playbook",
    "ActionKind": "_playbook",
    "Playbook": "_playbook",
    "Strategy": "_playbook",
    "load_playbook": "_playbook",
    "recommend": "_playbook",
    "recommend_for": "_playbook",
    "BlockedDeliverable": "_readiness",
    "DEFAULT_HORIZON_DAYS": "_readiness",
    "Health": "_readiness",
    "OverdueDependency": "_readiness",
    "Readiness": "_readiness",
    "readiness": "_readiness",
    "Example": "_rules",
    "ExampleResult": "_rules",
    "HitPolicy": "_rules",
    "Policy": "_rules",
    "Role": "_rules",
    "Rule": "_rules",
    "Ruleset": "_rules",
    "default_ruleset": "_rules",
    "load_ruleset": "_rules",
    "from_json": "_serialization",
    "json_schema": "_serialization",
    "structure": "_serialization",
    "to_json": "_serialization",
    "unstructure": "_serialization",
    "Aspect": "_signals",
    "SIGNALS": "_signals",
    "SignalSpec": "_signals",
    "SignalValue": "_signals",
    "Signals": "_signals",
    "derive_signals": "_signals",
    "derive_signals_for": "_signals",
    "signals_by_party": "_signals",
    "EmergingClient": "_timeline",
    "PartyTimeline": "_timeline",
    "ScorePoint": "_timeline",
    "SignalMove": "_timeline",
    "emerging_clients": "_timeline",
    "timeline": "_timeline",
}
"""Every public name and the private module that defines it, imported on first use (PEP 562).

``import clientcustomer`` therefore costs almost nothing; ``clientcustomer.classify`` loads the
classifier (and what it needs) the first time it is read.
"""

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


def __getattr__(name: str) -> Any:  # noqa: ANN401 - any public object
    """Import a public name on first use; read ``__version__`` from the package's metadata."""
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415 - deferred to keep import fast

        return version("clientcustomer")
    msg = f"module 'clientcustomer' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    """The public names, for completion in a shell or a notebook."""
    return sorted({*globals(), *__all__})
