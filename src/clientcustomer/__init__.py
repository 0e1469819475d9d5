"""Tell customers from clients, and know what each relationship owes and is owed.

The public API, all importable from the package root:

* entities: `Party`, `Interaction`, `Customer`, `Client`, `Engagement`, `Deliverable`,
  `Dependency`, `RoleAssignment`, `StatusChange`, `Escalation` and their enums;
* readiness: `readiness` (what can proceed, what is blocked and by what) giving a `Readiness`
  with its `EngagementHealth`, `BlockedDeliverable` and `OverdueDependency` items;
* lifecycle: `Stage`, `LifecycleEvent`, `Lifecycle` (default `LIFECYCLE`, table `TRANSITIONS`),
  `LifecycleState`, `StageChange`, `TransitionCheck`, `FormerClient`, `lifecycle_diagram`;
* timeline: `timeline` (when did each party change stage?) and `emerging_clients`;
* playbook: `recommend` / `recommend_for` (what to do next, why, and when it is due) from a
  `Playbook` of `PlaybookStrategy` data (`Playbook.default`, `load_playbook`), giving
  `PlaybookAction` items;
* many records: `classify_frame` (pandas, polars, DuckDB, PySpark... through narwhals),
  `summarize_frame` (a `FrameSummary` of a classified frame), `to_sql` (a `Dialect`) and
  `classify_sql` (DuckDB);
* serialization: `to_json`, `from_json`, `unstructure`, `structure`, `json_schema`;
* errors: `ClientCustomerError` and its subclasses (`ValidationError`, `RulesetError`,
  `TransitionError`, `LifecycleDefinitionError`, `CliError`, `MissingDependencyError`), each
  with `Problem` items (also in
  `clientcustomer.exceptions`); Hypothesis strategies in `clientcustomer.testing`.

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
    from ._core.glossary import GLOSSARY, GlossaryTerm
    from ._core.serialization import from_json, json_schema, structure, to_json, unstructure
    from .advice.playbook import (
        ActionTable,
        Playbook,
        PlaybookAction,
        PlaybookActionKind,
        PlaybookStrategy,
        load_playbook,
        loads_playbook,
        recommend,
        recommend_for,
    )
    from .advice.timeline import (
        EmergingClient,
        PartyTimeline,
        ScorePoint,
        SignalMove,
        emerging_clients,
        replay,
        timeline,
    )
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
    from .engagements.readiness import (
        DEFAULT_HORIZON_DAYS,
        BlockedDeliverable,
        EngagementHealth,
        OverdueDependency,
        Readiness,
        readiness,
    )
    from .exceptions import (
        ClientCustomerError,
        CliError,
        LifecycleDefinitionError,
        MissingDependencyError,
        Problem,
        RulesetError,
        RulesetProblem,
        TransitionError,
        ValidationError,
    )
    from .lifecycle.machine import (
        DEFAULT_GRACE_DAYS,
        DEFAULT_MIN_MARGIN,
        LIFECYCLE,
        TRANSITIONS,
        ClassificationSummary,
        GuardContext,
        Lifecycle,
        LifecycleEvent,
        LifecycleState,
        Stage,
        StageChange,
        StageTransition,
        SupportsClassification,
        TransitionCheck,
        TransitionGuard,
        lifecycle_diagram,
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
    from .rules.classifier import (
        AspectLeaning,
        Classification,
        Classifier,
        Evidence,
        classify,
        classify_many,
    )
    from .rules.compile import Dialect, classify_frame, classify_sql, to_sql
    from .rules.diff import RoleChange, RulesetDiff, VerdictChange, diff_rulesets
    from .rules.evaluate import (
        Disagreement,
        Evaluation,
        Explanation,
        NearMiss,
        RuleFigure,
        evaluate,
        explain,
        near_misses,
    )
    from .rules.log_sql import log_to_sql
    from .rules.ruleset import (
        HitPolicy,
        Role,
        Rule,
        Ruleset,
        RulesetExample,
        RulesetExampleResult,
        RulesetPolicy,
        default_ruleset,
        load_ruleset,
        loads_ruleset,
    )
    from .rules.summary import (
        DecidedCount,
        FrameSummary,
        RuleCount,
        ScoreCount,
        summarize_frame,
    )
    from .rules.tune import ThresholdChange, Tuning, tune
    from .signals.accumulate import SignalAccumulator, accumulate
    from .signals.derive import (
        SIGNALS,
        Aspect,
        PartyLog,
        Signals,
        SignalSpec,
        SignalValue,
        default_as_of,
        derive_signals,
        derive_signals_for,
        party_logs,
        signals_by_party,
    )
    from .signals.frames import signals_frame
    from .signals.logs import LogColumns, LogReader, RejectedRow, read_log
    from .signals.sql import signals_sql

    __version__: str

_EXPORTS: dict[str, str] = {
    "ThresholdChange": "rules.tune",
    "Tuning": "rules.tune",
    "tune": "rules.tune",
    "Disagreement": "rules.evaluate",
    "Evaluation": "rules.evaluate",
    "Explanation": "rules.evaluate",
    "explain": "rules.evaluate",
    "NearMiss": "rules.evaluate",
    "RuleFigure": "rules.evaluate",
    "evaluate": "rules.evaluate",
    "near_misses": "rules.evaluate",
    "ActionTable": "advice.playbook",
    "GLOSSARY": "_core.glossary",
    "GlossaryTerm": "_core.glossary",
    "CliError": "exceptions",
    "ClientCustomerError": "exceptions",
    "LifecycleDefinitionError": "exceptions",
    "MissingDependencyError": "exceptions",
    "Problem": "exceptions",
    "RulesetError": "exceptions",
    "RulesetProblem": "exceptions",
    "TransitionError": "exceptions",
    "ValidationError": "exceptions",
    "AspectLeaning": "rules.classifier",
    "Classification": "rules.classifier",
    "Classifier": "rules.classifier",
    "Evidence": "rules.classifier",
    "classify": "rules.classifier",
    "classify_many": "rules.classifier",
    "Dialect": "rules.compile",
    "classify_frame": "rules.compile",
    "classify_sql": "rules.compile",
    "to_sql": "rules.compile",
    "log_to_sql": "rules.log_sql",
    "RoleChange": "rules.diff",
    "RulesetDiff": "rules.diff",
    "VerdictChange": "rules.diff",
    "diff_rulesets": "rules.diff",
    "DecidedCount": "rules.summary",
    "FrameSummary": "rules.summary",
    "RuleCount": "rules.summary",
    "ScoreCount": "rules.summary",
    "summarize_frame": "rules.summary",
    "Deliverable": "engagements.model",
    "Dependency": "engagements.model",
    "DependencyKind": "engagements.model",
    "DependencyStatus": "engagements.model",
    "Engagement": "engagements.model",
    "EngagementRole": "engagements.model",
    "Escalation": "engagements.model",
    "RoleAssignment": "engagements.model",
    "StatusChange": "engagements.model",
    "Client": "parties.entities",
    "Customer": "parties.entities",
    "FormerClient": "parties.entities",
    "Interaction": "parties.entities",
    "InteractionKind": "parties.entities",
    "Offering": "parties.entities",
    "Party": "parties.entities",
    "PartyKind": "parties.entities",
    "signals_frame": "signals.frames",
    "SignalAccumulator": "signals.accumulate",
    "accumulate": "signals.accumulate",
    "signals_sql": "signals.sql",
    "ClassificationSummary": "lifecycle.machine",
    "DEFAULT_GRACE_DAYS": "lifecycle.machine",
    "DEFAULT_MIN_MARGIN": "lifecycle.machine",
    "LifecycleEvent": "lifecycle.machine",
    "TransitionGuard": "lifecycle.machine",
    "GuardContext": "lifecycle.machine",
    "LIFECYCLE": "lifecycle.machine",
    "Lifecycle": "lifecycle.machine",
    "LifecycleState": "lifecycle.machine",
    "Stage": "lifecycle.machine",
    "StageChange": "lifecycle.machine",
    "SupportsClassification": "lifecycle.machine",
    "TRANSITIONS": "lifecycle.machine",
    "StageTransition": "lifecycle.machine",
    "TransitionCheck": "lifecycle.machine",
    "lifecycle_diagram": "lifecycle.machine",
    "LogColumns": "signals.logs",
    "LogReader": "signals.logs",
    "RejectedRow": "signals.logs",
    "read_log": "signals.logs",
    "PlaybookAction": "advice.playbook",
    "PlaybookActionKind": "advice.playbook",
    "Playbook": "advice.playbook",
    "PlaybookStrategy": "advice.playbook",
    "load_playbook": "advice.playbook",
    "loads_playbook": "advice.playbook",
    "recommend": "advice.playbook",
    "recommend_for": "advice.playbook",
    "BlockedDeliverable": "engagements.readiness",
    "DEFAULT_HORIZON_DAYS": "engagements.readiness",
    "EngagementHealth": "engagements.readiness",
    "OverdueDependency": "engagements.readiness",
    "Readiness": "engagements.readiness",
    "readiness": "engagements.readiness",
    "RulesetExample": "rules.ruleset",
    "RulesetExampleResult": "rules.ruleset",
    "HitPolicy": "rules.ruleset",
    "RulesetPolicy": "rules.ruleset",
    "Role": "rules.ruleset",
    "Rule": "rules.ruleset",
    "Ruleset": "rules.ruleset",
    "default_ruleset": "rules.ruleset",
    "load_ruleset": "rules.ruleset",
    "loads_ruleset": "rules.ruleset",
    "from_json": "_core.serialization",
    "json_schema": "_core.serialization",
    "structure": "_core.serialization",
    "to_json": "_core.serialization",
    "unstructure": "_core.serialization",
    "Aspect": "signals.derive",
    "SIGNALS": "signals.derive",
    "SignalSpec": "signals.derive",
    "SignalValue": "signals.derive",
    "Signals": "signals.derive",
    "default_as_of": "signals.derive",
    "PartyLog": "signals.derive",
    "party_logs": "signals.derive",
    "derive_signals": "signals.derive",
    "derive_signals_for": "signals.derive",
    "signals_by_party": "signals.derive",
    "EmergingClient": "advice.timeline",
    "PartyTimeline": "advice.timeline",
    "ScorePoint": "advice.timeline",
    "SignalMove": "advice.timeline",
    "emerging_clients": "advice.timeline",
    "timeline": "advice.timeline",
    "replay": "advice.timeline",
}
"""Every public name and the private module that defines it, imported on first use (PEP 562).

``import clientcustomer`` therefore costs almost nothing; ``clientcustomer.classify`` loads the
classifier (and what it needs) the first time it is read.
"""

__all__ = [
    "DEFAULT_GRACE_DAYS",
    "DEFAULT_HORIZON_DAYS",
    "DEFAULT_MIN_MARGIN",
    "GLOSSARY",
    "LIFECYCLE",
    "SIGNALS",
    "TRANSITIONS",
    "ActionTable",
    "Aspect",
    "AspectLeaning",
    "BlockedDeliverable",
    "Classification",
    "ClassificationSummary",
    "Classifier",
    "CliError",
    "Client",
    "ClientCustomerError",
    "Customer",
    "DecidedCount",
    "Deliverable",
    "Dependency",
    "DependencyKind",
    "DependencyStatus",
    "Dialect",
    "Disagreement",
    "EmergingClient",
    "Engagement",
    "EngagementHealth",
    "EngagementRole",
    "Escalation",
    "Evaluation",
    "Evidence",
    "Explanation",
    "FormerClient",
    "FrameSummary",
    "GlossaryTerm",
    "GuardContext",
    "HitPolicy",
    "Interaction",
    "InteractionKind",
    "Lifecycle",
    "LifecycleDefinitionError",
    "LifecycleEvent",
    "LifecycleState",
    "LogColumns",
    "LogReader",
    "MissingDependencyError",
    "NearMiss",
    "Offering",
    "OverdueDependency",
    "Party",
    "PartyKind",
    "PartyLog",
    "PartyTimeline",
    "Playbook",
    "PlaybookAction",
    "PlaybookActionKind",
    "PlaybookStrategy",
    "Problem",
    "Readiness",
    "RejectedRow",
    "Role",
    "RoleAssignment",
    "RoleChange",
    "Rule",
    "RuleCount",
    "RuleFigure",
    "Ruleset",
    "RulesetDiff",
    "RulesetError",
    "RulesetExample",
    "RulesetExampleResult",
    "RulesetPolicy",
    "RulesetProblem",
    "ScoreCount",
    "ScorePoint",
    "SignalAccumulator",
    "SignalMove",
    "SignalSpec",
    "SignalValue",
    "Signals",
    "Stage",
    "StageChange",
    "StageTransition",
    "StatusChange",
    "SupportsClassification",
    "ThresholdChange",
    "TransitionCheck",
    "TransitionError",
    "TransitionGuard",
    "Tuning",
    "ValidationError",
    "VerdictChange",
    "accumulate",
    "classify",
    "classify_frame",
    "classify_many",
    "classify_sql",
    "default_as_of",
    "default_ruleset",
    "derive_signals",
    "derive_signals_for",
    "diff_rulesets",
    "emerging_clients",
    "evaluate",
    "explain",
    "from_json",
    "json_schema",
    "lifecycle_diagram",
    "load_playbook",
    "load_ruleset",
    "loads_playbook",
    "loads_ruleset",
    "log_to_sql",
    "near_misses",
    "party_logs",
    "read_log",
    "readiness",
    "recommend",
    "recommend_for",
    "replay",
    "signals_by_party",
    "signals_frame",
    "signals_sql",
    "structure",
    "summarize_frame",
    "timeline",
    "to_json",
    "to_sql",
    "tune",
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
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - deferred

        try:
            found = version("clientcustomer")
        except PackageNotFoundError:  # a source tree never installed, or unreadable metadata
            return "0+unknown"
        globals()["__version__"] = found
        return found
    msg = f"module 'clientcustomer' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    """The public names, for completion in a shell or a notebook."""
    return sorted({*globals(), *__all__})
