"""The lifecycle: how a relationship moves between prospect, customer, client and former client.

"Someone who initially purchases a product may later seek ongoing services, transitioning from a
customer to a client." The moves are a declarative table (`TRANSITIONS`): rows of
``(event, source, target, guards)`` where each guard returns the reasons an event is refused
(an empty tuple allows it). A `Lifecycle` checks its table when it is built, so a bad table fails
at import with every offender named; it answers `Lifecycle.can` without raising, and
`Lifecycle.fire` returns a new `LifecycleState` whose history has one more `StageChange`, or
raises a `TransitionError` carrying every reason.

This module does not import the entities: `Customer`, `Client` and `FormerClient` call it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer.engagements.model import Engagement
from clientcustomer.exceptions import (
    LifecycleDefinitionError,
    Problem,
    TransitionError,
    ValidationError,
)

__all__ = [
    "DEFAULT_GRACE_DAYS",
    "DEFAULT_MIN_MARGIN",
    "LIFECYCLE",
    "TRANSITIONS",
    "ClassificationSummary",
    "GuardContext",
    "Lifecycle",
    "LifecycleEvent",
    "LifecycleState",
    "Stage",
    "StageChange",
    "StageTransition",
    "SupportsClassification",
    "TransitionCheck",
    "TransitionGuard",
    "lifecycle_diagram",
]

DEFAULT_GRACE_DAYS = 90
"""Days after the last engagement ends before a client may lapse to former client."""

DEFAULT_MIN_MARGIN = 0.0
"""How far past the client threshold a classification must be (strictly) to count as confident."""


class Stage(enum.StrEnum):
    """Where a relationship stands. There is no final stage: a former client can come back.

    Example:
        >>> from clientcustomer import Stage
        >>> [stage.value for stage in Stage]
        ['prospect', 'customer', 'client', 'former_client']
        >>> Stage("former_client").label
        'former client'
    """

    PROSPECT = "prospect"
    CUSTOMER = "customer"
    CLIENT = "client"
    FORMER_CLIENT = "former_client"

    @property
    def label(self) -> str:
        """The stage in words, for messages and diagrams.

        Example:
            >>> Stage.FORMER_CLIENT.label
            'former client'
        """
        return self.value.replace("_", " ")


class LifecycleEvent(enum.StrEnum):
    """What can happen to a relationship.

    ``correct`` is privileged: it is not in the transition table, moves to any other stage, needs
    a person and a reason, and is recorded as a correction.

    Example:
        >>> from clientcustomer import LifecycleEvent
        >>> [event.value for event in LifecycleEvent]
        ['purchase', 'engage', 'renew', 'lapse', 're_engage', 'correct']
    """

    PURCHASE = "purchase"
    ENGAGE = "engage"
    RENEW = "renew"
    LAPSE = "lapse"
    RE_ENGAGE = "re_engage"
    CORRECT = "correct"


def _to_stage(value: Stage | str) -> Stage:
    return v.to_member(Stage, value, "stage")


def _to_optional_stage(value: Stage | str | None) -> Stage | None:
    return None if value is None else v.to_member(Stage, value, "target")


def _to_source(value: Stage | str) -> Stage:
    return v.to_member(Stage, value, "source")


def _to_target(value: Stage | str) -> Stage:
    return v.to_member(Stage, value, "target")


def _to_event(value: LifecycleEvent | str) -> LifecycleEvent:
    return v.to_member(LifecycleEvent, value, "event")


_EVENT_NAMES = frozenset(event.value for event in LifecycleEvent)
_TABLE_EVENTS = _EVENT_NAMES - {LifecycleEvent.CORRECT.value}
_STAGE_NAMES = frozenset(stage.value for stage in Stage)


def _to_to(value: Stage | str) -> Stage:
    return v.to_member(Stage, value, "to")


class SupportsClassification(Protocol):
    """Anything with a role, a score and a margin, such as a classifier's verdict.

    Example:
        >>> from clientcustomer import ClassificationSummary, SupportsClassification
        >>> verdict: SupportsClassification = ClassificationSummary("client", 0.8, 0.3)
        >>> verdict.margin
        0.3
    """

    @property
    def role(self) -> object:
        """The role the evidence points to (``customer``, ``client`` or ``ambiguous``)."""

    @property
    def score(self) -> float:
        """The score behind the role."""

    @property
    def margin(self) -> float:
        """How far the score is past the decision threshold."""


@attrs.frozen
class ClassificationSummary:
    """The part of a classification a stage change keeps as its evidence.

    Attributes:
        role: ``customer``, ``client`` or ``ambiguous``.
        score: The score behind the role.
        margin: How far the score is past the decision threshold (negative: short of it).
        ruleset: The rule set that decided, as ``id@version``, if known.
        rules: The ids of the rules that fired.

    Example:
        >>> from clientcustomer import ClassificationSummary
        >>> ClassificationSummary("client", 7, 2.5, "default@1", ("collab",)).score
        7.0
    """

    role: str = attrs.field(validator=v.non_empty_str)
    score: float = attrs.field(converter=v.to_float, validator=v.finite_float())
    margin: float = attrs.field(converter=v.to_float, validator=v.finite_float())
    ruleset: str = attrs.field(default="", validator=v.text)
    rules: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a rule id"))

    @classmethod
    def of(cls, classification: SupportsClassification) -> ClassificationSummary:
        """Summarize a classification (or return a summary unchanged).

        A package `Classification` is summarized by its own `Classification.summary`; anything
        else with a ``summary()`` method returning a `ClassificationSummary` likewise.

        Args:
            classification: Anything with ``role``, ``score`` and ``margin``; ``ruleset_id`` or
                ``ruleset`` and ``rules`` (or ``fired``) are read when present.

        Returns:
            The summary.

        Raises:
            ValidationError: When the values are not a role, a score and a margin.

        Example:
            >>> from clientcustomer import ClassificationSummary
            >>> summary = ClassificationSummary("client", 0.8, 0.3)
            >>> ClassificationSummary.of(summary) is summary
            True
        """
        if isinstance(classification, ClassificationSummary):
            return classification
        summarize = getattr(classification, "summary", None)
        if callable(summarize):
            summary = summarize()
            if isinstance(summary, ClassificationSummary):
                return summary
        missing = object()
        role, score, margin = (
            getattr(classification, name, missing) for name in ("role", "score", "margin")
        )
        rules = getattr(classification, "rules", None)
        if rules is None:
            rules = getattr(classification, "fired", ())
        if missing in (role, score, margin) or not isinstance(rules, Iterable):
            raise ValidationError.single(
                "$.classification", "a classification with role, score and margin", classification
            )
        ruleset = getattr(classification, "ruleset_id", None) or getattr(
            classification, "ruleset", ""
        )
        return cls(
            role=str(getattr(role, "value", role)),
            score=score,
            margin=margin,
            ruleset=ruleset if isinstance(ruleset, str) else str(getattr(ruleset, "id", ruleset)),
            rules=tuple(str(getattr(rule, "id", rule)) for rule in rules),
        )

    def describe(self) -> str:
        """Say what the classification found, in one phrase.

        Example:
            >>> from clientcustomer import ClassificationSummary
            >>> ClassificationSummary("client", 0.8, 0.3, "default@1").describe()
            'classified client (score 0.8, margin 0.3) by default@1'
        """
        text = f"classified {self.role} (score {self.score:g}, margin {self.margin:g})"
        return text + (f" by {self.ruleset}" if self.ruleset else "")


def _check_change(change: StageChange) -> None:
    if change.correction != (change.event is LifecycleEvent.CORRECT):
        raise ValidationError.single(
            "$.correction",
            f"{change.event is LifecycleEvent.CORRECT} for a {change.event.value!r} event",
            change.correction,
        )
    if change.correction:
        problems = []
        if not change.reason.strip():
            problems.append(Problem("$.reason", "a reason for the correction", change.reason))
        if change.actor is None:
            problems.append(Problem("$.actor", "the person who made the correction", None))
        if problems:
            raise ValidationError(problems)


@attrs.frozen
class StageChange:
    """One recorded change of stage: when, which event, from where to where, and why.

    Attributes:
        on: The date of the change.
        event: The event that caused it.
        source: The stage before.
        target: The stage after (the same as ``source`` for a renewal).
        reason: Why it was allowed, in words.
        actor: The person who made or confirmed it, if any.
        classification: The classification that supported it, if any.
        correction: Whether this is a privileged correction (``event`` is ``correct``).

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import StageChange
        >>> change = StageChange(dt.date(2026, 3, 2), "engage", "customer", "client",
        ...                      reason="signed a retainer")
        >>> change.target.label, change.correction
        ('client', False)
    """

    on: dt.date = attrs.field(validator=v.date())
    event: LifecycleEvent = attrs.field(converter=_to_event)
    source: Stage = attrs.field(converter=_to_source)
    target: Stage = attrs.field(converter=_to_target)
    reason: str = attrs.field(default="", validator=v.text, kw_only=True)
    actor: str | None = attrs.field(default=None, validator=v.optional_non_empty_str, kw_only=True)
    classification: ClassificationSummary | None = attrs.field(
        default=None,
        validator=v.instance(ClassificationSummary, "a ClassificationSummary", optional=True),
        kw_only=True,
    )
    correction: bool = attrs.field(default=False, validator=v.boolean, kw_only=True)

    def __attrs_post_init__(self) -> None:
        _check_change(self)

    def __str__(self) -> str:
        text = (
            f"{self.on.isoformat()} {self.event.value}: {self.source.label} -> {self.target.label}"
        )
        if self.reason:
            text += f" ({self.reason})"
        if self.actor:
            text += f" by {self.actor}"
        return text


def history_html(history: Sequence[StageChange]) -> str:
    """A stage history as an HTML table: date, event, from, to, why, by whom, score.

    Example:
        >>> import datetime as dt
        >>> change = StageChange(dt.date(2026, 3, 2), "engage", "customer", "client")
        >>> "<td style='text-align:left;vertical-align:top;padding:2px 8px'>engage</td>" in (
        ...     history_html((change,)))
        True
    """
    if not history:
        return "<p>no recorded change</p>"
    rows = [
        (
            change.on,
            change.event,
            change.source.label,
            change.target.label,
            change.reason,
            change.actor,
            None if change.classification is None else change.classification.score,
        )
        for change in history
    ]
    return h.table(("on", "event", "from", "to", "why", "by", "score"), rows)


def history_problems(
    history: object, stage: Stage | None = None, field: str = "history"
) -> list[Problem]:
    """Find what is wrong with a history: type, chaining, order and the stage it ends in.

    Args:
        history: The value to check; it should be a tuple of `StageChange`.
        stage: The stage the history must end in, if it is not empty.
        field: The field name to use in the problems' paths.

    Returns:
        Every problem found; an empty list when the history is good.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import StageChange
        >>> from clientcustomer.lifecycle.machine import history_problems
        >>> first = StageChange(dt.date(2026, 3, 2), "engage", "customer", "client")
        >>> [str(p) for p in history_problems((first,), stage="former_client")]
        ["$.history[0].target: expected the current stage 'former_client', got 'client'"]
    """
    if not isinstance(history, tuple):
        return [Problem(f"$.{field}", "a tuple of StageChange", history)]
    problems: list[Problem] = []
    previous: StageChange | None = None
    for index, change in enumerate(history):
        where = f"$.{field}[{index}]"
        if not isinstance(change, StageChange):
            problems.append(Problem(where, "a StageChange", change))
            previous = None
            continue
        if previous is not None:
            if change.source is not previous.target:
                problems.append(
                    Problem(
                        f"{where}.source",
                        f"the previous change's target {previous.target.value!r}",
                        change.source.value,
                    )
                )
            if change.on < previous.on:
                problems.append(
                    Problem(
                        f"{where}.on",
                        f"a date on or after the previous change ({previous.on.isoformat()})",
                        change.on,
                    )
                )
        previous = change
    if stage is not None and history and isinstance(history[-1], StageChange):
        last = history[-1]
        if last.target is not Stage(stage):
            problems.append(
                Problem(
                    f"$.{field}[{len(history) - 1}].target",
                    f"the current stage {Stage(stage).value!r}",
                    last.target.value,
                )
            )
    return problems


def history_validator(stage: Stage | None) -> v.Validator:
    """Build an attrs validator for a ``history`` field that must end in ``stage``."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        problems = history_problems(value, stage, attribute.name)
        if problems:
            raise ValidationError(problems)

    return check


def stage_as_of(history: Sequence[StageChange], current: Stage, on: dt.date) -> Stage:
    """The stage on a date, read from a history that ends in ``current``.

    Before the first recorded change, the stage is the one that change started from.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import StageChange, Stage
        >>> from clientcustomer.lifecycle.machine import stage_as_of
        >>> history = (StageChange(dt.date(2026, 3, 2), "engage", "customer", "client"),)
        >>> stage_as_of(history, Stage.CLIENT, dt.date(2026, 3, 1)).value
        'customer'
    """
    v.a_date(on, "$.on")
    if not history:
        return current
    stage = history[0].source
    for change in history:
        if change.on > on:
            break
        stage = change.target
    return stage


@attrs.frozen
class LifecycleState:
    """A relationship's current stage and the history that led to it.

    Attributes:
        stage: The current stage.
        history: Every recorded change, oldest first; it ends in ``stage``.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import LIFECYCLE, LifecycleState
        >>> state = LIFECYCLE.fire("purchase", LifecycleState(), on=dt.date(2026, 1, 5))
        >>> state.stage.value, len(state.history)
        ('customer', 1)
        >>> state.stage_as_of(dt.date(2026, 1, 4)).value
        'prospect'
    """

    stage: Stage = attrs.field(default=Stage.PROSPECT, converter=_to_stage)
    history: tuple[StageChange, ...] = attrs.field(default=(), kw_only=True)

    @history.validator
    def _check_history(self, attribute: attrs.Attribute[Any], value: object) -> None:
        problems = history_problems(value, self.stage, attribute.name)
        if problems:
            raise ValidationError(problems)

    def stage_as_of(self, on: dt.date) -> Stage:
        """The stage the relationship was in on a date.

        Args:
            on: The date to ask about.

        Returns:
            The stage after every change recorded on or before ``on``; before the first change,
            the stage it started from.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import LifecycleState
            >>> LifecycleState("customer").stage_as_of(dt.date(2020, 1, 1)).value
            'customer'
        """
        return stage_as_of(self.history, self.stage, on)

    @property
    def since(self) -> dt.date | None:
        """The date the current stage was entered, if the history records it.

        Example:
            >>> from clientcustomer import LifecycleState
            >>> LifecycleState("client").since is None
            True
        """
        for change in reversed(self.history):
            if change.source is not change.target:
                return change.on
        return None

    def _repr_html_(self) -> str:
        head = h.fields_table([("stage", self.stage), ("since", self.since)], caption="Lifecycle")
        return head + h.section("history", history_html(self.history))


@attrs.frozen
class GuardContext:
    """Everything a guard may look at to allow or refuse an event.

    Attributes:
        event: The event asked for.
        stage: The current stage.
        on: The date of the event.
        since: When the current stage was entered, if known.
        engagements: The relationship's engagements, including any new one.
        classification: The classification offered as evidence, if any.
        actor: The person making or confirming the change, if any.
        grace_days: Days after the last engagement ends before a client may lapse.
        min_margin: The margin a client classification must exceed to count as confident.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import GuardContext
        >>> GuardContext("lapse", "client", dt.date(2026, 9, 1)).grace_days
        90
    """

    event: LifecycleEvent = attrs.field(converter=_to_event)
    stage: Stage = attrs.field(converter=_to_stage)
    on: dt.date = attrs.field(validator=v.date())
    since: dt.date | None = attrs.field(default=None, validator=v.date(optional=True))
    engagements: tuple[Engagement, ...] = attrs.field(
        default=(), validator=v.tuple_of(Engagement, "an Engagement")
    )
    classification: ClassificationSummary | None = attrs.field(
        default=None,
        validator=v.instance(ClassificationSummary, "a ClassificationSummary", optional=True),
    )
    actor: str | None = attrs.field(default=None, validator=v.optional_non_empty_str)
    grace_days: int = attrs.field(default=DEFAULT_GRACE_DAYS, validator=v.integer(0))
    min_margin: float = attrs.field(default=DEFAULT_MIN_MARGIN)

    def active(self) -> tuple[Engagement, ...]:
        """The engagements active on the event's date.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Engagement, GuardContext
            >>> e = Engagement("e1", "acme", "Audit", start=dt.date(2026, 1, 1))
            >>> len(GuardContext("lapse", "client", dt.date(2026, 2, 1), engagements=(e,)).active())
            1
        """
        return tuple(e for e in self.engagements if e.is_active(self.on))


TransitionGuard = Callable[[GuardContext], tuple[str, ...]]
"""A guard: given the context, the reasons to refuse the event (an empty tuple allows it)."""


def engaged_or_confirmed(context: GuardContext) -> tuple[str, ...]:
    """Allow when a client engagement is active, or a confident client classification is confirmed.

    An engagement is a signed agreement, a retainer or a statement of work. It makes a client
    only when it is a client engagement in the sources' sense: when a classification of that day
    is offered as evidence, it must not say ``customer`` (a two-year phone plan or a gym
    membership is a contract, but without collaboration or customization the party stays a
    customer with an active contract). Without an engagement, a classification whose role is
    ``client`` and whose margin exceeds the lifecycle's minimum is enough, but only when a person
    (``actor``) confirms it.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import ClassificationSummary, GuardContext
        >>> from clientcustomer.lifecycle.machine import engaged_or_confirmed
        >>> verdict = ClassificationSummary("client", 0.8, 0.3)
        >>> engaged_or_confirmed(GuardContext("engage", "customer", dt.date(2026, 3, 2),
        ...                                   classification=verdict, actor="Dana"))
        ()
        >>> for reason in engaged_or_confirmed(GuardContext("engage", "customer",
        ...                                                 dt.date(2026, 3, 2))):
        ...     print(reason)
        no engagement (signed agreement, retainer or statement of work) is active on 2026-03-02
        no client classification was offered as evidence

        An active contract with a ``customer`` classification of that day does not promote:

        >>> from clientcustomer import Engagement
        >>> plan = Engagement("p1", "bea", "Mobile plan, 24 months", start=dt.date(2026, 3, 2))
        >>> for reason in engaged_or_confirmed(GuardContext(
        ...         "engage", "customer", dt.date(2026, 3, 2), engagements=(plan,),
        ...         classification=ClassificationSummary("customer", 3, -2, "default@1"))):
        ...     print(reason)
        engagement 'p1' is active, but it was classified customer (score 3, margin -2) by default@1 that day: a contract without relational evidence leaves the party a customer with an active contract
    """  # noqa: E501 - a doctest output line
    verdict = context.classification
    active = context.active()
    if active:
        if verdict is None or verdict.role != Stage.CUSTOMER.value:
            return ()
        names = ", ".join(repr(engagement.id) for engagement in active)
        running = f"engagement {names} is" if len(active) == 1 else f"engagements {names} are"
        because = (
            f"{running} active, but it was {verdict.describe()} that day: a contract without "
            "relational evidence leaves the party a customer with an active contract"
        )
        return (because,)
    reasons: list[str] = []
    if verdict is None:
        reasons.append("no client classification was offered as evidence")
    elif verdict.role != Stage.CLIENT.value:
        reasons.append(f"the classification says {verdict.role!r}, not 'client'")
    if verdict is not None and not verdict.margin > context.min_margin:
        reasons.append(
            f"the classification's margin {verdict.margin:g} is not above "
            f"{context.min_margin:g}, so it is not confident"
        )
    if verdict is not None and context.actor is None:
        reasons.append("a classification must be confirmed by a person (give an actor)")
    if not reasons:
        return ()
    day = context.on.isoformat()
    engaged = f"no engagement (signed agreement, retainer or statement of work) is active on {day}"
    return (engaged, *reasons)


def engagement_current(context: GuardContext) -> tuple[str, ...]:
    """Allow a renewal when an engagement runs on the date or starts after it.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import GuardContext
        >>> from clientcustomer.lifecycle.machine import engagement_current
        >>> engagement_current(GuardContext("renew", "client", dt.date(2026, 3, 2)))
        ('no engagement runs on or starts after 2026-03-02 to renew with',)
    """
    if any(e.end is None or e.end >= context.on for e in context.engagements):
        return ()
    return (f"no engagement runs on or starts after {context.on.isoformat()} to renew with",)


def lapsed(context: GuardContext) -> tuple[str, ...]:
    """Allow a lapse when no engagement runs or is to come and the grace period is over.

    The grace period (``grace_days``) counts from the end of the last engagement, or from the day
    the relationship became a client when it had no engagement. A classification of that day
    offered as evidence that says ``customer`` allows the lapse at once: the relationship is no
    longer a client relationship, whatever contract still runs (the classifier and the lifecycle
    never say client and customer on the same day).

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Engagement, GuardContext
        >>> from clientcustomer.lifecycle.machine import lapsed
        >>> e = Engagement("e1", "acme", "Audit", start=dt.date(2026, 1, 1),
        ...                end=dt.date(2026, 3, 31))
        >>> lapsed(GuardContext("lapse", "client", dt.date(2026, 5, 1), engagements=(e,)))
        ("engagement 'e1' ended on 2026-03-31, within the 90-day grace period (a lapse is possible from 2026-06-30)",)
        >>> lapsed(GuardContext("lapse", "client", dt.date(2026, 6, 29), engagements=(e,)))
        ("engagement 'e1' ended on 2026-03-31, within the 90-day grace period (a lapse is possible from 2026-06-30)",)
        >>> lapsed(GuardContext("lapse", "client", dt.date(2026, 6, 30), engagements=(e,)))
        ()
        >>> from clientcustomer import ClassificationSummary
        >>> lapsed(GuardContext("lapse", "client", dt.date(2026, 5, 1), engagements=(e,),
        ...                     classification=ClassificationSummary("customer", 0, -5)))
        ()
    """  # noqa: E501 - a doctest output line
    verdict = context.classification
    if verdict is not None and verdict.role == Stage.CUSTOMER.value:
        return ()
    return _lapse_reasons(context)


def _lapse_reasons(context: GuardContext) -> tuple[str, ...]:
    """The reasons of time and engagements to refuse a lapse (the grace period's rule)."""
    reasons: list[str] = []
    day = context.on.isoformat()
    for engagement in context.engagements:
        if engagement.is_active(context.on):
            reasons.append(f"engagement {engagement.id!r} is active on {day}")
        elif engagement.start > context.on:
            reasons.append(f"engagement {engagement.id!r} starts on {engagement.start.isoformat()}")
    if reasons:
        return tuple(reasons)
    ends = [(e.end, f"engagement {e.id!r} ended on") for e in context.engagements if e.end]
    if not ends and context.since is not None:
        ends.append((context.since, "the relationship became a client on"))
    if ends:
        end, what = max(ends, key=lambda item: item[0])
        days_left = (dt.date.max - end).days  # the grace period stops at the calendar's end
        if (context.on - end).days <= context.grace_days:
            when = (
                f"from {(end + dt.timedelta(days=context.grace_days + 1)).isoformat()}"
                if context.grace_days < days_left
                else "only after the calendar's last day"
            )
            reasons.append(
                f"{what} {end.isoformat()}, within the {context.grace_days}-day grace period "
                f"(a lapse is possible {when})"
            )
    return tuple(reasons)


@attrs.frozen
class StageTransition:
    """One row of a transition table: an event moves a relationship from one stage to another.

    The fields are plain values so that a bad row can be reported with every other bad row when
    the table is checked (by `Lifecycle`), instead of failing one at a time.

    Attributes:
        event: The event's name.
        source: The stage it applies in.
        target: The stage it leads to.
        guards: Functions returning the reasons to refuse; all must return nothing.

    Example:
        >>> from clientcustomer import StageTransition
        >>> StageTransition("purchase", "prospect", "customer").guards
        ()
    """

    event: str
    source: str
    target: str
    guards: tuple[TransitionGuard, ...] = ()


TRANSITIONS: tuple[StageTransition, ...] = (
    StageTransition(LifecycleEvent.PURCHASE, Stage.PROSPECT, Stage.CUSTOMER),
    StageTransition(LifecycleEvent.PURCHASE, Stage.FORMER_CLIENT, Stage.CUSTOMER),
    StageTransition(LifecycleEvent.ENGAGE, Stage.PROSPECT, Stage.CLIENT, (engaged_or_confirmed,)),
    StageTransition(LifecycleEvent.ENGAGE, Stage.CUSTOMER, Stage.CLIENT, (engaged_or_confirmed,)),
    StageTransition(LifecycleEvent.RENEW, Stage.CLIENT, Stage.CLIENT, (engagement_current,)),
    StageTransition(LifecycleEvent.LAPSE, Stage.CLIENT, Stage.FORMER_CLIENT, (lapsed,)),
    StageTransition(
        LifecycleEvent.RE_ENGAGE, Stage.FORMER_CLIENT, Stage.CLIENT, (engaged_or_confirmed,)
    ),
)
"""The default transition table: forward-only, nothing returns to prospect.

Example:
    >>> from clientcustomer import TRANSITIONS
    >>> [(row.event.value, row.source.value, row.target.value) for row in TRANSITIONS][:2]
    [('purchase', 'prospect', 'customer'), ('purchase', 'former_client', 'customer')]
"""


def _row_problems(index: int, row: object, initial: str) -> list[str]:
    """The problems of one table row, each naming the row."""
    if not isinstance(row, StageTransition):
        return [f"row {index}: expected a Transition, got {row!r}"]
    where = f"row {index} ({row.event}: {row.source} -> {row.target})"
    problems: list[str] = []
    if row.event == LifecycleEvent.CORRECT.value:
        problems.append(f"{where}: 'correct' is privileged and cannot be a table event")
    elif row.event not in _TABLE_EVENTS:
        problems.append(f"{where}: unknown event {row.event!r}; known: {sorted(_TABLE_EVENTS)}")
    problems.extend(
        f"{where}: unknown {name} stage {value!r}; known: {sorted(_STAGE_NAMES)}"
        for name, value in (("source", row.source), ("target", row.target))
        if value not in _STAGE_NAMES
    )
    if row.target == initial and row.source in _STAGE_NAMES:
        problems.append(f"{where}: nothing may return to the initial stage {initial!r}")
    problems.extend(
        f"{where}: guard {guard!r} is not callable" for guard in row.guards if not callable(guard)
    )
    return problems


def _unreachable(rows: Sequence[StageTransition], initial: str) -> list[str]:
    """The stages no sequence of events leads to from the initial stage."""
    edges: dict[str, set[str]] = {}
    for row in rows:
        edges.setdefault(str(row.source), set()).add(str(row.target))
    reached = {initial}
    frontier = [initial]
    while frontier:
        for target in edges.get(frontier.pop(), ()):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    return [
        f"stage {stage.value!r} cannot be reached from {initial!r}"
        for stage in Stage
        if stage.value not in reached
    ]


def _table_problems(rows: Sequence[object], initial: str) -> list[str]:
    """Every problem with a transition table, each naming its offending rows."""
    if initial not in _STAGE_NAMES:
        return [f"unknown initial stage {initial!r}; known: {sorted(_STAGE_NAMES)}"]
    problems: list[str] = []
    targets: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for index, row in enumerate(rows):
        problems.extend(_row_problems(index, row, initial))
        if isinstance(row, StageTransition):
            targets.setdefault((str(row.event), str(row.source)), []).append(
                (index, str(row.target))
            )
    for (event, source), found in targets.items():
        if len(found) > 1:
            listed = ", ".join(f"row {index} -> {target}" for index, target in found)
            problems.append(f"event {event!r} from {source!r} has {len(found)} rows: {listed}")
    good = [row for row in rows if isinstance(row, StageTransition)]
    problems.extend(_unreachable(good, initial))
    return problems


@attrs.frozen
class TransitionCheck:
    """The answer to "can this event happen now?", with every reason when it cannot.

    It is truthy when the event is allowed.

    Attributes:
        event: The event asked about.
        stage: The current stage.
        target: The stage the event would lead to, when the table has one.
        reasons: Every reason the event is refused; empty when it is allowed.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import LIFECYCLE, LifecycleState
        >>> check = LIFECYCLE.can("lapse", LifecycleState("customer"), on=dt.date(2026, 1, 1))
        >>> bool(check), check.reasons
        (False, ("'lapse' is not possible from 'customer'; possible events: engage, correct",))
    """

    event: str = attrs.field(validator=v.text)
    stage: Stage = attrs.field(converter=_to_stage)
    target: Stage | None = attrs.field(default=None, converter=_to_optional_stage)
    reasons: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a reason"))

    @property
    def allowed(self) -> bool:
        """Whether the event is allowed.

        Example:
            >>> from clientcustomer import TransitionCheck
            >>> TransitionCheck("purchase", "prospect", "customer").allowed
            True
        """
        return not self.reasons

    def __bool__(self) -> bool:
        return self.allowed

    def error(self) -> TransitionError:
        """The error to raise for a refused event.

        Example:
            >>> from clientcustomer import TransitionCheck
            >>> print(TransitionCheck("lapse", "customer", None, ("not now",)).error())
            Can't lapse when in customer: not now
        """
        return TransitionError(self.event, self.stage.value, self.reasons)


def _engagement_tuple(engagements: object) -> tuple[Engagement, ...]:
    if not isinstance(engagements, Iterable) or isinstance(engagements, str | Engagement):
        raise ValidationError.single("$.engagements", "an iterable of Engagement", engagements)
    return tuple(engagements)


_SET = object.__setattr__  # sets a field of a frozen instance (`Lifecycle._allowed`)


def _check_date(on: object) -> dt.date:
    return v.a_date(on, "$.on")


class Lifecycle:
    """A checked transition table with its settings: the engine that moves relationships.

    Building one checks the table; a bad table raises `LifecycleDefinitionError` naming every
    offender. The default engine is `LIFECYCLE`.

    Args:
        transitions: The table's rows.
        initial: The stage every relationship starts in; every stage must be reachable from it
            and no row may return to it.
        grace_days: Days after the last engagement ends before a client may lapse.
        min_margin: The margin a client classification must exceed to count as confident.

    Raises:
        LifecycleDefinitionError: When the table is not valid.
        ValidationError: When a setting is not valid.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Engagement, Lifecycle, LifecycleState
        >>> engine = Lifecycle(grace_days=30)
        >>> engine
        <clientcustomer.Lifecycle(transitions=7, grace_days=30)>
        >>> survey = Engagement("e1", "acme", "Survey", start=dt.date(2026, 3, 2))
        >>> state = engine.fire("engage", LifecycleState("customer"), on=dt.date(2026, 3, 2),
        ...                     engagements=(survey,))
        >>> print(state.history[-1])
        2026-03-02 engage: customer -> client (engagement 'e1' (Survey) is active)
    """

    __slots__ = ("_rows", "_table", "grace_days", "initial", "min_margin")

    def __init__(
        self,
        transitions: Iterable[StageTransition] = TRANSITIONS,
        *,
        initial: Stage | str = Stage.PROSPECT,
        grace_days: int = DEFAULT_GRACE_DAYS,
        min_margin: float = DEFAULT_MIN_MARGIN,
    ) -> None:
        rows = tuple(transitions)
        problems = _table_problems(rows, str(initial))
        if problems:
            raise LifecycleDefinitionError(problems)
        if isinstance(grace_days, bool) or not isinstance(grace_days, int) or grace_days < 0:
            raise ValidationError.single("$.grace_days", "an integer >= 0", grace_days)
        if (
            isinstance(min_margin, bool)
            or not isinstance(min_margin, int | float)
            or not math.isfinite(min_margin)
        ):
            raise ValidationError.single("$.min_margin", "a finite number", min_margin)
        self._rows = tuple(
            StageTransition(
                LifecycleEvent(row.event), Stage(row.source), Stage(row.target), tuple(row.guards)
            )
            for row in rows
        )
        # Per event and stage: the target and the guards (the target as a `Stage`, once).
        self._table = {
            (row.event, row.source): (Stage(row.target), row.guards) for row in self._rows
        }
        self.initial = Stage(initial)
        self.grace_days = grace_days
        self.min_margin = float(min_margin)

    def __repr__(self) -> str:
        return (
            f"<clientcustomer.Lifecycle(transitions={len(self._rows)}, "
            f"grace_days={self.grace_days})>"
        )

    @property
    def transitions(self) -> tuple[StageTransition, ...]:
        """The table's rows, with events and stages as enum members.

        Example:
            >>> from clientcustomer import LIFECYCLE
            >>> LIFECYCLE.transitions[0].target
            <Stage.CUSTOMER: 'customer'>
        """
        return self._rows

    def events_from(self, stage: Stage | str) -> tuple[LifecycleEvent, ...]:
        """The events possible from a stage, in table order, ``correct`` last.

        Example:
            >>> from clientcustomer import LIFECYCLE
            >>> [event.value for event in LIFECYCLE.events_from("client")]
            ['renew', 'lapse', 'correct']
        """
        current = _to_stage(stage)
        events = [LifecycleEvent(row.event) for row in self._rows if row.source == current]
        return (*dict.fromkeys(events), LifecycleEvent.CORRECT)

    def can(  # noqa: PLR0913 - the event's facts, all keyword-only
        self,
        event: LifecycleEvent | str,
        state: LifecycleState,
        *,
        on: dt.date,
        engagements: Iterable[Engagement] = (),
        classification: SupportsClassification | None = None,
        actor: str | None = None,
        to: Stage | str | None = None,
        reason: str = "",
        since: dt.date | None = None,
    ) -> TransitionCheck:
        """Say whether an event can happen, and every reason when it cannot; never raises for it.

        Args:
            event: The event, such as ``"engage"``.
            state: The relationship's current state.
            on: The date of the event; not before the last recorded change, nor before ``since``.
            engagements: The relationship's engagements, including any new one.
            classification: A classification offered as evidence.
            actor: The person making or confirming the change.
            to: The target stage; required for ``correct``, optional otherwise.
            reason: Why, in words; required for ``correct``.
            since: When the current stage was entered, if the history does not record it.

        Returns:
            A `TransitionCheck`, truthy when the event is allowed.

        Raises:
            ValidationError: When an argument has the wrong type.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import LIFECYCLE, LifecycleState
            >>> check = LIFECYCLE.can("engage", LifecycleState("customer"), on=dt.date(2026, 3, 2))
            >>> check.allowed
            False
            >>> for reason in check.reasons:
            ...     print(reason)
            no engagement (signed agreement, retainer or statement of work) is active on 2026-03-02
            no client classification was offered as evidence
        """
        check, _ = self._evaluate(
            event,
            state,
            on=on,
            engagements=engagements,
            classification=classification,
            actor=actor,
            to=to,
            reason=reason,
            since=since,
        )
        return check

    def fire(  # noqa: PLR0913 - the event's facts, all keyword-only
        self,
        event: LifecycleEvent | str,
        state: LifecycleState,
        *,
        on: dt.date,
        engagements: Iterable[Engagement] = (),
        classification: SupportsClassification | None = None,
        actor: str | None = None,
        to: Stage | str | None = None,
        reason: str = "",
        since: dt.date | None = None,
    ) -> LifecycleState:
        """Apply an event and return the new state, with the change recorded in its history.

        The arguments are those of `Lifecycle.can`. When no ``reason`` is given, the recorded
        reason says what allowed the change.

        Returns:
            The new state.

        Raises:
            TransitionError: When the event is refused; it carries every reason.
            ValidationError: When an argument has the wrong type.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import LIFECYCLE, LifecycleState
            >>> LIFECYCLE.fire("lapse", LifecycleState("customer"), on=dt.date(2026, 1, 1))
            Traceback (most recent call last):
            ...
            clientcustomer.exceptions.TransitionError: Can't lapse when in customer: 'lapse' is not possible from 'customer'; possible events: engage, correct
        """  # noqa: E501 - a doctest output line
        check, change = self._evaluate(
            event,
            state,
            on=on,
            engagements=engagements,
            classification=classification,
            actor=actor,
            to=to,
            reason=reason,
            since=since,
        )
        if change is None:
            raise check.error()
        return LifecycleState(change.target, history=(*state.history, change))

    def correct(
        self,
        state: LifecycleState,
        to: Stage | str,
        *,
        on: dt.date,
        actor: str,
        reason: str,
    ) -> LifecycleState:
        """Correct a wrongly recorded stage: privileged, needs a person and a reason.

        Any stage other than the current one may be the target; the change is recorded with
        ``correction=True``.

        Returns:
            The corrected state.

        Raises:
            TransitionError: When the actor or the reason is missing, or nothing would change.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import LIFECYCLE, LifecycleState
            >>> state = LIFECYCLE.correct(LifecycleState("client"), "customer",
            ...                           on=dt.date(2026, 3, 2), actor="Dana",
            ...                           reason="the retainer was never signed")
            >>> state.stage.value, state.history[-1].correction
            ('customer', True)
        """
        return self.fire(LifecycleEvent.CORRECT, state, on=on, actor=actor, to=to, reason=reason)

    def diagram(self) -> str:
        """The table as a Mermaid ``stateDiagram-v2``.

        Example:
            >>> from clientcustomer import LIFECYCLE
            >>> print(LIFECYCLE.diagram())
            stateDiagram-v2
                direction LR
                state "former client" as former_client
                [*] --> prospect
                prospect --> customer: purchase
                former_client --> customer: purchase
                prospect --> client: engage
                customer --> client: engage
                client --> client: renew
                client --> former_client: lapse
                former_client --> client: re_engage
        """
        lines = ["stateDiagram-v2", "    direction LR"]
        lines.extend(
            f'    state "{stage.label}" as {stage.value}' for stage in Stage if stage.label != stage
        )
        lines.append(f"    [*] --> {self.initial.value}")
        lines.extend(f"    {row.source} --> {row.target}: {row.event}" for row in self._rows)
        return "\n".join(lines)

    def _evaluate(  # noqa: PLR0913 - the event's facts, all keyword-only
        self,
        event: LifecycleEvent | str,
        state: LifecycleState,
        *,
        on: dt.date,
        engagements: Iterable[Engagement],
        classification: SupportsClassification | None,
        actor: str | None,
        to: Stage | str | None,
        reason: str,
        since: dt.date | None,
    ) -> tuple[TransitionCheck, StageChange | None]:
        if not isinstance(state, LifecycleState):
            raise ValidationError.single("$.state", "a LifecycleState", state)
        if not isinstance(reason, str):
            raise ValidationError.single("$.reason", "a string", reason)
        target = None if to is None else _to_to(to)
        name = str(getattr(event, "value", event))
        if name not in _EVENT_NAMES:
            known = ", ".join(e.value for e in LifecycleEvent)
            reasons = (f"unknown event {name!r}; known events: {known}",)
            return TransitionCheck(name, state.stage, None, reasons), None
        context = GuardContext(
            event=name,
            stage=state.stage,
            on=_check_date(on),
            since=state.since or since,
            engagements=_engagement_tuple(engagements),
            classification=None
            if classification is None
            else ClassificationSummary.of(classification),
            actor=actor,
            grace_days=self.grace_days,
            min_margin=self.min_margin,
        )
        found: list[str] = []
        target, change = self._decide(context, state, target, reason, found)
        return TransitionCheck(name, state.stage, target, tuple(found)), change

    def _decide(
        self,
        context: GuardContext,
        state: LifecycleState,
        asked: Stage | None,
        reason: str,
        found: list[str] | None,
    ) -> tuple[Stage | None, StageChange | None]:
        """What `can` and `fire` decide, on checked values: the target and the change, if allowed.

        The one decision of the engine: a change is not back-dated (before the last recorded
        change, or before ``context.since``); a correction needs its target, reason and actor;
        any other event needs its row of the table (leading to ``asked``, when given) and every
        guard of the row to allow it. The context is trusted as it is: `_evaluate` checks the
        caller's arguments first, a replay builds it from values it checked (`_allowed`).

        Every reason to refuse is added to ``found``; without ``found`` (``None``: a replay that
        only needs the answer), the first refusal ends the decision.
        """
        quick = found is None
        reasons: list[str] = [] if found is None else found
        reasons.extend(_back_dating(context, state))
        if quick and reasons:
            return None, None
        target = asked
        if context.event is LifecycleEvent.CORRECT:
            reasons.extend(_correction_problems(context, target, reason))
        else:
            target = self._table_target(context, asked, reasons, quick=quick)
        if reasons or target is None:
            return target, None
        change = StageChange(
            context.on,
            context.event,
            state.stage,
            target,
            reason=reason.strip() or _default_reason(context),
            actor=context.actor,
            classification=context.classification,
            correction=context.event is LifecycleEvent.CORRECT,
        )
        return target, change

    def _allowed(
        self,
        event: LifecycleEvent,
        state: LifecycleState,
        on: dt.date,
        engagements: tuple[Engagement, ...],
        classification: ClassificationSummary | None,
    ) -> StageChange | None:
        """The change `fire` would record (no actor, no reason given), or ``None`` when refused.

        For a replay's own checked values (the event, a date, a tuple of engagements, a summary):
        `_decide` on a context built without checking them again, no refusal worded.
        """
        context = object.__new__(GuardContext)  # the fields `_evaluate` gives it, unchecked
        _SET(context, "event", event)
        _SET(context, "stage", state.stage)
        _SET(context, "on", on)
        _SET(context, "since", state.since)
        _SET(context, "engagements", engagements)
        _SET(context, "classification", classification)
        _SET(context, "actor", None)
        _SET(context, "grace_days", self.grace_days)
        _SET(context, "min_margin", self.min_margin)
        return self._decide(context, state, None, "", None)[1]

    def _table_target(
        self, context: GuardContext, asked: Stage | None, found: list[str], *, quick: bool
    ) -> Stage | None:
        """The table's target for the event, adding every reason to refuse it to ``found``.

        ``quick``: stop at the first guard that refuses, and word no missing row.
        """
        row = self._table.get((context.event, context.stage))
        if row is None:
            if not quick:
                possible = ", ".join(e.value for e in self.events_from(context.stage))
                found.append(
                    f"{context.event.value!r} is not possible from {context.stage.value!r}; "
                    f"possible events: {possible}"
                )
            return None
        target, guards = row
        if asked is not None and asked is not target:
            found.append(
                f"{context.event.value!r} from {context.stage.value!r} leads to "
                f"{target!s}, not {asked.value!r}"
            )
        for guard in guards:
            refused = guard(context)
            if refused:
                found.extend(refused)
                if quick:
                    break
        return target


def _back_dating(context: GuardContext, state: LifecycleState) -> tuple[str, ...]:
    """The reason to refuse a change dated before the last recorded one, or before ``since``."""
    last = state.history[-1] if state.history else None
    if last is not None and context.on < last.on:
        return (
            f"{context.on.isoformat()} is before the last recorded change on {last.on.isoformat()}",
        )
    if context.since is not None and context.on < context.since:
        said = (
            f"{context.on.isoformat()} is before {context.since.isoformat()}, the day the "
            f"relationship became a {state.stage.label}: a change cannot be back-dated"
        )
        return (said,)
    return ()


def _correction_problems(context: GuardContext, target: Stage | None, reason: str) -> list[str]:
    """The reasons to refuse a correction."""
    found: list[str] = []
    if target is None:
        found.append("a correction needs the stage to correct to")
    elif target is context.stage:
        found.append(f"the stage is already {context.stage.value!r}")
    if not reason.strip():
        found.append("a correction needs a reason")
    if context.actor is None:
        found.append("a correction needs the person making it (give an actor)")
    return found


def _default_reason(context: GuardContext) -> str:
    """Say what allowed an event, for the history."""
    active = context.active()
    if context.event in {LifecycleEvent.ENGAGE, LifecycleEvent.RE_ENGAGE}:
        if active:
            return "; ".join(f"engagement {e.id!r} ({e.title}) is active" for e in active)
        if context.classification is not None:
            return f"{context.classification.describe()}, confirmed by {context.actor}"
    if context.event is LifecycleEvent.RENEW:
        current = [e for e in context.engagements if e.end is None or e.end >= context.on]
        return "; ".join(
            f"engagement {e.id!r} ({e.title}) runs from {e.start.isoformat()} "
            f"to {e.end.isoformat() if e.end else 'open-ended'}"
            for e in current
        )
    if context.event is LifecycleEvent.LAPSE:
        if context.classification is not None and _lapse_reasons(context):
            return (
                f"{context.classification.describe()}: the evidence no longer shows a client "
                "relationship"
            )
        return f"no engagement active or to come; grace period of {context.grace_days} days over"
    return "purchased" if context.event is LifecycleEvent.PURCHASE else context.event.value


LIFECYCLE = Lifecycle()
"""The default lifecycle engine: `TRANSITIONS`, a 90-day grace period, any positive margin.

Example:
    >>> from clientcustomer import LIFECYCLE
    >>> LIFECYCLE.grace_days
    90
"""


def lifecycle_diagram(lifecycle: Lifecycle | None = None) -> str:
    """The lifecycle's transition table as a Mermaid ``stateDiagram-v2``.

    Args:
        lifecycle: The engine to draw; the default `LIFECYCLE` when ``None``.

    Returns:
        The diagram's source, ready for a ```` ```mermaid ```` block.

    Example:
        >>> from clientcustomer import lifecycle_diagram
        >>> lifecycle_diagram().splitlines()[0]
        'stateDiagram-v2'
    """
    return (lifecycle or LIFECYCLE).diagram()
