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

from clientcustomer.exceptions import MissingDependencyError

try:
    import hypothesis  # noqa: F401 - checked first, so that a missing extra is one clear error
except ModuleNotFoundError as error:  # pragma: no cover - the extra is installed for the tests
    if error.name != "hypothesis":
        raise
    raise MissingDependencyError("clientcustomer.testing", "Hypothesis", "testing") from None

from ._billing import (
    classification_summaries,
    goods_buyer_logs,
    lifecycle_states,
    rejected_rows,
    retainer_logs,
    stage_changes,
    subscription_logs,
    transition_checks,
)
from ._common import identifiers
from ._diffs import role_changes, ruleset_diffs, verdict_changes
from ._entities import (
    clients,
    customers,
    deliverables,
    dependencies,
    engagements,
    former_clients,
    interaction_logs,
    interactions,
    parties,
    role_assignments,
    signals,
)
from ._logs import LOG_COLUMNS, LogTable, log_tables
from ._playbook import actions, playbook_strategies, playbooks
from ._rules import (
    classifications,
    conditions,
    escalations,
    example_results,
    readinesses,
    records_for,
    rules,
    rulesets,
    status_changes,
)
from ._streams import streamed_logs
from ._timelines import emerging_clients, party_timelines, score_points, signal_moves

__all__ = [
    "LOG_COLUMNS",
    "LogTable",
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
    "log_tables",
    "parties",
    "party_timelines",
    "playbook_strategies",
    "playbooks",
    "readinesses",
    "records_for",
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
    "streamed_logs",
    "subscription_logs",
    "transition_checks",
    "verdict_changes",
]
