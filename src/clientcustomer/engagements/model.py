"""Engagements: contracted service work for a client, and what the client owes the provider.

"We are dependent on our client to provide what we need to fulfill the contract": a
`Dependency` is one such thing (a customer list, secure access to call recordings, staff time
for training), with its owner, due date, status history, escalation and what it blocks. Parties
hold roles on an engagement (payer, decision-maker, recipient, provider); deliverables wait on one
another and on dependencies, which `clientcustomer.readiness` turns into a health verdict.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer.exceptions import Problem, ValidationError

__all__ = [
    "Deliverable",
    "Dependency",
    "DependencyKind",
    "DependencyStatus",
    "Engagement",
    "EngagementRole",
    "Escalation",
    "RoleAssignment",
    "StatusChange",
]


class DependencyKind(enum.StrEnum):
    """What sort of thing the client must provide.

    Example:
        >>> from clientcustomer import DependencyKind
        >>> DependencyKind("people_time")
        <DependencyKind.PEOPLE_TIME: 'people_time'>
    """

    DATA = "data"
    ACCESS = "access"
    PEOPLE_TIME = "people_time"
    APPROVAL = "approval"
    ENVIRONMENT = "environment"
    THIRD_PARTY = "third_party"
    CONTENT = "content"


class DependencyStatus(enum.StrEnum):
    """Where a dependency stands.

    Example:
        >>> from clientcustomer import DependencyStatus
        >>> DependencyStatus.PROVIDED.is_met
        True
        >>> DependencyStatus("requested").is_met
        False
    """

    OPEN = "open"
    REQUESTED = "requested"
    IN_PROGRESS = "in_progress"
    PROVIDED = "provided"
    WAIVED = "waived"
    CANCELLED = "cancelled"

    @property
    def is_met(self) -> bool:
        """Whether the work no longer waits on it (provided, waived or cancelled).

        Example:
            >>> DependencyStatus.WAIVED.is_met, DependencyStatus.OPEN.is_met
            (True, False)
        """
        return self in _MET


_MET = frozenset({DependencyStatus.PROVIDED, DependencyStatus.WAIVED, DependencyStatus.CANCELLED})


class EngagementRole(enum.StrEnum):
    """A role a party holds on an engagement.

    "The client makes the decisions and pays the bills; the customer receives the service."
    "customer" is a lifecycle word and never a role name here.

    Example:
        >>> from clientcustomer import EngagementRole
        >>> [role.value for role in EngagementRole]
        ['payer', 'decision_maker', 'recipient', 'provider']
    """

    PAYER = "payer"
    DECISION_MAKER = "decision_maker"
    RECIPIENT = "recipient"
    PROVIDER = "provider"


def _to_dependency_kind(value: DependencyKind | str) -> DependencyKind:
    return v.to_member(DependencyKind, value, "kind")


def _to_dependency_status(value: DependencyStatus | str) -> DependencyStatus:
    return v.to_member(DependencyStatus, value, "status")


def _to_engagement_role(value: EngagementRole | str) -> EngagementRole:
    return v.to_member(EngagementRole, value, "role")


@attrs.frozen
class RoleAssignment:
    """One party holding one role on an engagement.

    Attributes:
        party_id: The party.
        role: ``payer``, ``decision_maker``, ``recipient`` or ``provider``.

    Example:
        >>> from clientcustomer import RoleAssignment
        >>> RoleAssignment("acme", "payer").role.value
        'payer'
    """

    party_id: str = attrs.field(validator=v.non_empty_str)
    role: EngagementRole = attrs.field(converter=_to_engagement_role)


@attrs.frozen
class StatusChange:
    """One dated change of a dependency's status, with an optional note.

    Attributes:
        on: The date of the change.
        source: The status before.
        target: The status after (the same as ``source`` for a recorded chase).
        note: Why, or what happened, in words.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import StatusChange
        >>> print(StatusChange(dt.date(2026, 1, 20), "open", "requested", note="asked by email"))
        2026-01-20 open -> requested (asked by email)
    """

    on: dt.date = attrs.field(validator=v.date())
    source: DependencyStatus = attrs.field(converter=_to_dependency_status)
    target: DependencyStatus = attrs.field(converter=_to_dependency_status)
    note: str = attrs.field(default="", validator=v.text, kw_only=True)

    def __str__(self) -> str:
        text = f"{self.on.isoformat()} {self.source.value} -> {self.target.value}"
        return f"{text} ({self.note})" if self.note else text


@attrs.frozen
class Escalation:
    """How far a late dependency has been escalated on the client's side, and what happens next.

    Attributes:
        level: 1 for the first escalation, 2 for the next one up, and so on.
        to: The person or role it was escalated to.
        on: When it was escalated.
        next_action: What happens next, in words.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Escalation
        >>> print(Escalation(1, "Acme CMO", dt.date(2026, 2, 3), next_action="call on Friday"))
        level 1 to Acme CMO on 2026-02-03; next: call on Friday
    """

    level: int = attrs.field(validator=v.integer(1))
    to: str = attrs.field(validator=v.non_empty_str)
    on: dt.date = attrs.field(validator=v.date())
    next_action: str = attrs.field(default="", validator=v.text, kw_only=True)

    def __str__(self) -> str:
        text = f"level {self.level} to {self.to} on {self.on.isoformat()}"
        return f"{text}; next: {self.next_action}" if self.next_action else text


@attrs.frozen
class Dependency:
    """Something the client must provide for the work to proceed.

    Its status changes through `with_status`, which returns a new dependency with the change
    appended to ``history``; `status_as_of` replays that history, so the questions below can be
    asked as of any date.

    Attributes:
        id: Unique within its engagement.
        kind: ``data``, ``access``, ``people_time``, ``approval``, ``environment``,
            ``third_party`` or ``content``.
        description: What is needed, in words.
        owner: Who on the client's side must provide it.
        due: When it is needed by, if agreed.
        status: ``open``, ``requested``, ``in_progress``, ``provided``, ``waived``, ``cancelled``.
        blocks: Ids of the deliverables (or milestones) that cannot proceed without it.
        impact: What happens to the work while it is missing, in words.
        history: The dated status changes, oldest first; chained, and ending in ``status``.
        escalation: How far it has been escalated, if it has.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Dependency
        >>> customer_list = Dependency("list", "data", "A good list of current customers",
        ...                            owner="Acme marketing", due=dt.date(2026, 2, 1),
        ...                            blocks=("survey",))
        >>> customer_list.status.value
        'open'
        >>> customer_list.days_late(dt.date(2026, 2, 10))
        9
    """

    id: str = attrs.field(validator=v.non_empty_str)
    kind: DependencyKind = attrs.field(converter=_to_dependency_kind)
    description: str = attrs.field(validator=v.text)
    owner: str = attrs.field(validator=v.non_empty_str, kw_only=True)
    due: dt.date | None = attrs.field(default=None, validator=v.date(optional=True), kw_only=True)
    status: DependencyStatus = attrs.field(
        default=DependencyStatus.OPEN,
        converter=_to_dependency_status,
        kw_only=True,
    )
    blocks: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a deliverable id"), kw_only=True
    )
    impact: str = attrs.field(default="", validator=v.text, kw_only=True)
    history: tuple[StatusChange, ...] = attrs.field(
        default=(), validator=v.tuple_of(StatusChange, "a StatusChange"), kw_only=True
    )
    escalation: Escalation | None = attrs.field(
        default=None,
        validator=v.instance(Escalation, "an Escalation", optional=True),
        kw_only=True,
    )

    def __attrs_post_init__(self) -> None:
        for index, change in enumerate(self.history[1:], start=1):
            before = self.history[index - 1]
            if change.on < before.on:
                raise ValidationError.single(
                    f"$.history[{index}].on",
                    f"a date on or after {before.on.isoformat()} (the change before it)",
                    change.on,
                )
            if change.source is not before.target:
                raise ValidationError.single(
                    f"$.history[{index}].source",
                    f"{before.target.value!r} (the status the change before it led to)",
                    change.source.value,
                )
        if self.history and self.history[-1].target is not self.status:
            raise ValidationError.single(
                "$.status",
                f"{self.history[-1].target.value!r} (the status the last change led to)",
                self.status.value,
            )

    def status_as_of(self, on: dt.date) -> DependencyStatus:
        """The status on a date, replayed from ``history``.

        Before the first recorded change it is that change's ``source``; with no history it is
        ``status`` whatever the date.

        Args:
            on: The date to ask about.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Dependency
            >>> access = Dependency("access", "access", "Call recordings", owner="Acme IT")
            >>> access = access.with_status("provided", on=dt.date(2026, 2, 12))
            >>> access.status_as_of(dt.date(2026, 2, 11)).value
            'open'
            >>> access.status_as_of(dt.date(2026, 2, 12)).value
            'provided'
        """
        if not self.history:
            return self.status
        status = self.history[0].source
        for change in self.history:
            if change.on > on:
                break
            status = change.target
        return status

    def is_met(self, on: dt.date) -> bool:
        """Whether the work no longer waits on it on the given date (provided, waived, cancelled).

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Dependency
            >>> Dependency("ok", "approval", "Sign-off", owner="CFO", status="waived").is_met(
            ...     dt.date(2026, 1, 1))
            True
        """
        return self.status_as_of(on).is_met

    def is_overdue(self, on: dt.date) -> bool:
        """Whether it is past its due date and still not met on the given date.

        A dependency due today is not overdue yet; one without a due date never is.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Dependency
            >>> need = Dependency("list", "data", "List", owner="Acme", due=dt.date(2026, 2, 1))
            >>> need.is_overdue(dt.date(2026, 2, 1)), need.is_overdue(dt.date(2026, 2, 2))
            (False, True)
        """
        return self.due is not None and on > self.due and not self.is_met(on)

    def days_late(self, on: dt.date) -> int:
        """How many days overdue it is on the given date (0 when it is not overdue).

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Dependency
            >>> need = Dependency("list", "data", "List", owner="Acme", due=dt.date(2026, 2, 1))
            >>> need.days_late(dt.date(2026, 1, 20)), need.days_late(dt.date(2026, 2, 10))
            (0, 9)
        """
        if self.due is None or not self.is_overdue(on):
            return 0
        return (on - self.due).days

    def is_blocking(self, on: dt.date) -> bool:
        """Whether it holds up at least one deliverable on the given date (unmet and blocking).

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Dependency
            >>> need = Dependency("list", "data", "List", owner="Acme", blocks=("survey",))
            >>> need.is_blocking(dt.date(2026, 2, 1))
            True
            >>> need.with_status("provided", on=dt.date(2026, 2, 3)).is_blocking(dt.date(2026, 2, 3))
            False
        """  # noqa: E501 - a doctest line cannot be wrapped
        return bool(self.blocks) and not self.is_met(on)

    def with_status(
        self, status: DependencyStatus | str, *, on: dt.date, note: str = ""
    ) -> Dependency:
        """Return a copy with a new status, the change appended to ``history``.

        Args:
            status: The new status (setting the same one again records a chase).
            on: When it changed; on or after the last recorded change.
            note: Why, or what happened, in words.

        Returns:
            A new dependency; this one is unchanged.

        Raises:
            ValidationError: When ``status`` is not a status or ``on`` is earlier than the last
                recorded change.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Dependency
            >>> need = Dependency("list", "data", "Customer list", owner="Acme")
            >>> need = need.with_status("requested", on=dt.date(2026, 1, 10), note="by email")
            >>> need = need.with_status("provided", on=dt.date(2026, 2, 3))
            >>> need.status.value, [str(change) for change in need.history]
            ('provided', ['2026-01-10 open -> requested (by email)', '2026-02-03 requested -> provided'])
        """  # noqa: E501 - a doctest line cannot be wrapped
        change = StatusChange(on, self.status, status, note=note)
        if self.history and on < self.history[-1].on:
            raise ValidationError.single(
                "$.on",
                f"a date on or after {self.history[-1].on.isoformat()} (the last change)",
                on,
            )
        return attrs.evolve(self, status=change.target, history=(*self.history, change))

    def escalate(self, to: str, *, on: dt.date, next_action: str = "") -> Dependency:
        """Return a copy escalated one level further (the first escalation is level 1).

        Args:
            to: The person or role it is escalated to.
            on: When.
            next_action: What happens next, in words.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Dependency
            >>> need = Dependency("list", "data", "Customer list", owner="Acme marketing")
            >>> need = need.escalate("Acme CMO", on=dt.date(2026, 2, 3))
            >>> need.escalate("Acme CEO", on=dt.date(2026, 2, 10)).escalation.level
            2
        """
        level = 1 if self.escalation is None else self.escalation.level + 1
        return attrs.evolve(self, escalation=Escalation(level, to, on, next_action=next_action))

    def _repr_html_(self) -> str:
        return h.html_table(self)


@attrs.frozen
class Deliverable:
    """A piece of work or milestone the provider delivers in an engagement.

    Attributes:
        id: Unique within its engagement.
        title: What it is.
        due: When it is due, if scheduled.
        waits_on: Ids of other deliverables this one waits on (no cycles).
        done: The date it was delivered, if it was.
        milestone: Whether it is a milestone (a point to reach) rather than a piece of work.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Deliverable
        >>> report = Deliverable("report", "Survey report", waits_on=("survey",),
        ...                      due=dt.date(2026, 4, 1))
        >>> report.waits_on, report.is_late(dt.date(2026, 4, 2))
        (('survey',), True)
    """

    id: str = attrs.field(validator=v.non_empty_str)
    title: str = attrs.field(validator=v.text)
    due: dt.date | None = attrs.field(default=None, validator=v.date(optional=True), kw_only=True)
    waits_on: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a deliverable id"), kw_only=True
    )
    done: dt.date | None = attrs.field(default=None, validator=v.date(optional=True), kw_only=True)
    milestone: bool = attrs.field(default=False, validator=v.boolean, kw_only=True)

    def is_done(self, on: dt.date) -> bool:
        """Whether it was delivered on or before the given date.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Deliverable
            >>> kickoff = Deliverable("kickoff", "Kick-off", done=dt.date(2026, 1, 6), milestone=True)
            >>> kickoff.is_done(dt.date(2026, 1, 5)), kickoff.is_done(dt.date(2026, 1, 6))
            (False, True)
        """  # noqa: E501 - a doctest line cannot be wrapped
        return self.done is not None and self.done <= on

    def is_late(self, on: dt.date) -> bool:
        """Whether it is past its due date and not delivered on the given date.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Deliverable
            >>> survey = Deliverable("survey", "Survey", due=dt.date(2026, 3, 1))
            >>> survey.is_late(dt.date(2026, 3, 1)), survey.is_late(dt.date(2026, 3, 2))
            (False, True)
        """
        return self.due is not None and on > self.due and not self.is_done(on)

    def _repr_html_(self) -> str:
        return h.html_table(self)


_CLIENT_ROLES = (EngagementRole.PAYER, EngagementRole.DECISION_MAKER)
_DEFAULT_ROLES = (EngagementRole.PAYER, EngagementRole.DECISION_MAKER, EngagementRole.RECIPIENT)


@attrs.frozen
class Engagement:
    """Contracted, ongoing service work for a client.

    Roles are optional. When none are given, the client (``client_id``) holds ``payer``,
    ``decision_maker`` and ``recipient`` — the consumer case, where one party pays, decides and
    receives — and `effective_roles` says so. When roles are given they must name at least one
    ``payer`` and one ``recipient``, the client must hold ``payer`` or ``decision_maker`` ("the
    client makes the decisions and pays the bills"), and no party may hold the same role twice.

    Deliverables may wait on one another (never in a cycle) and dependencies may block them;
    every id they name must be one of the engagement's deliverables. `clientcustomer.readiness`
    turns this into what can proceed, what is blocked and the engagement's health.

    Attributes:
        id: A stable identifier.
        client_id: The party the work is contracted by: with roles given, one that pays or
            decides (a party that only receives the service is not the client).
        title: What the engagement is, in words.
        start: The first day of the engagement.
        end: The last day, if the term is fixed; ``None`` for open-ended work.
        deliverables: The work to deliver.
        roles: Who pays, decides and receives the service.
        dependencies: What the client owes the provider for the work to proceed.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Engagement
        >>> Engagement("e1", "acme", "CSR training", start=dt.date(2026, 1, 5),
        ...            end=dt.date(2026, 6, 30)).end
        datetime.date(2026, 6, 30)
    """

    id: str = attrs.field(validator=v.non_empty_str)
    client_id: str = attrs.field(validator=v.non_empty_str)
    title: str = attrs.field(validator=v.text)
    start: dt.date = attrs.field(validator=v.date(), kw_only=True)
    end: dt.date | None = attrs.field(default=None, validator=v.date(optional=True), kw_only=True)
    deliverables: tuple[Deliverable, ...] = attrs.field(
        default=(), validator=v.tuple_of(Deliverable, "a Deliverable"), kw_only=True
    )
    roles: tuple[RoleAssignment, ...] = attrs.field(
        default=(), validator=v.tuple_of(RoleAssignment, "a RoleAssignment"), kw_only=True
    )
    dependencies: tuple[Dependency, ...] = attrs.field(
        default=(), validator=v.tuple_of(Dependency, "a Dependency"), kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValidationError.single(
                "$.end", f"a date on or after start ({self.start.isoformat()})", self.end
            )
        v.unique_ids(self.deliverables, "deliverables")
        v.unique_ids(self.dependencies, "dependencies")
        _check_roles(self.roles)
        if self.roles and self.client_id not in self.client_parties:
            raise ValidationError.single(
                "$.client_id",
                "a party holding the payer or decision_maker role (the client pays or decides; "
                f"here: {', '.join(self.client_parties)})",
                self.client_id,
            )
        known = {deliverable.id for deliverable in self.deliverables}
        for index, deliverable in enumerate(self.deliverables):
            for position, target in enumerate(deliverable.waits_on):
                if target not in known:
                    raise ValidationError.single(
                        f"$.deliverables[{index}].waits_on[{position}]",
                        "the id of one of this engagement's deliverables",
                        target,
                    )
        for index, dependency in enumerate(self.dependencies):
            for position, target in enumerate(dependency.blocks):
                if target not in known:
                    raise ValidationError.single(
                        f"$.dependencies[{index}].blocks[{position}]",
                        "the id of one of this engagement's deliverables",
                        target,
                    )
        _check_acyclic(self.deliverables)

    @property
    def effective_roles(self) -> tuple[RoleAssignment, ...]:
        """The roles, or when none were given, the client as payer, decision-maker and recipient.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Engagement
            >>> solo = Engagement("e1", "ann", "Coaching", start=dt.date(2026, 1, 5))
            >>> [(a.party_id, a.role.value) for a in solo.effective_roles]
            [('ann', 'payer'), ('ann', 'decision_maker'), ('ann', 'recipient')]
        """
        if self.roles:
            return self.roles
        return tuple(RoleAssignment(self.client_id, role) for role in _DEFAULT_ROLES)

    def roles_of(self, party_id: str) -> tuple[EngagementRole, ...]:
        """The roles a party holds on the engagement, in the order of `EngagementRole`.

        Args:
            party_id: The party to ask about.

        Returns:
            Its roles; empty when the party has no part in the engagement.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Engagement, RoleAssignment
            >>> survey = Engagement("e1", "retailer", "Survey", start=dt.date(2026, 1, 5), roles=(
            ...     RoleAssignment("retailer", "payer"),
            ...     RoleAssignment("retailer", "decision_maker"),
            ...     RoleAssignment("shoppers", "recipient")))
            >>> [role.value for role in survey.roles_of("retailer")], survey.roles_of("shoppers")
            (['payer', 'decision_maker'], (<EngagementRole.RECIPIENT: 'recipient'>,))
        """
        held = {a.role for a in self.effective_roles if a.party_id == party_id}
        return tuple(role for role in EngagementRole if role in held)

    def parties_with(self, role: EngagementRole | str) -> tuple[str, ...]:
        """The parties that hold a role, in the order they were assigned.

        Args:
            role: ``payer``, ``decision_maker``, ``recipient`` or ``provider``.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Engagement
            >>> Engagement("e1", "ann", "Coaching", start=dt.date(2026, 1, 5)).parties_with("payer")
            ('ann',)
        """
        wanted = _to_engagement_role(role)
        found = [a.party_id for a in self.effective_roles if a.role is wanted]
        return tuple(dict.fromkeys(found))

    @property
    def client_parties(self) -> tuple[str, ...]:
        """Who is the client here: the parties that pay or decide, in the order assigned.

        "The client makes the decisions and pays the bills"; the recipients of the service are
        not the client unless they also pay or decide.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Engagement, RoleAssignment
            >>> survey = Engagement("e1", "retailer", "Survey", start=dt.date(2026, 1, 5), roles=(
            ...     RoleAssignment("retailer", "payer"), RoleAssignment("shoppers", "recipient")))
            >>> survey.client_parties
            ('retailer',)
        """
        found = [a.party_id for a in self.effective_roles if a.role in _CLIENT_ROLES]
        return tuple(dict.fromkeys(found))

    def with_dependency_status(
        self,
        dependency_id: str,
        status: DependencyStatus | str,
        *,
        on: dt.date,
        note: str = "",
    ) -> Engagement:
        """Return a copy in which one dependency's status changed (see `Dependency.with_status`).

        Args:
            dependency_id: The dependency to change.
            status: Its new status.
            on: When it changed.
            note: Why, or what happened, in words.

        Raises:
            ValidationError: When the engagement has no such dependency, or the change is
                refused.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Dependency, Engagement
            >>> work = Engagement("e1", "acme", "Survey", start=dt.date(2026, 1, 5),
            ...                   dependencies=(Dependency("list", "data", "List", owner="Acme"),))
            >>> work = work.with_dependency_status("list", "provided", on=dt.date(2026, 2, 3))
            >>> work.dependencies[0].status.value
            'provided'
        """
        return self._with_dependency(
            dependency_id, lambda dependency: dependency.with_status(status, on=on, note=note)
        )

    def escalate_dependency(
        self, dependency_id: str, to: str, *, on: dt.date, next_action: str = ""
    ) -> Engagement:
        """Return a copy in which one dependency is escalated a level (see `Dependency.escalate`).

        Args:
            dependency_id: The dependency to escalate.
            to: The person or role on the client's side it is escalated to.
            on: When.
            next_action: What happens next, in words.

        Raises:
            ValidationError: When the engagement has no such dependency, or a value is invalid.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Dependency, Engagement
            >>> work = Engagement("e1", "acme", "Survey", start=dt.date(2026, 1, 5),
            ...                   dependencies=(Dependency("list", "data", "List", owner="Acme"),))
            >>> work = work.escalate_dependency("list", "Acme CMO", on=dt.date(2026, 2, 10))
            >>> str(work.dependencies[0].escalation)
            'level 1 to Acme CMO on 2026-02-10'
        """
        return self._with_dependency(
            dependency_id,
            lambda dependency: dependency.escalate(to, on=on, next_action=next_action),
        )

    def _with_dependency(
        self, dependency_id: str, change: Callable[[Dependency], Dependency]
    ) -> Engagement:
        """A copy with one dependency changed; its problems are prefixed with its place."""
        for index, dependency in enumerate(self.dependencies):
            if dependency.id == dependency_id:
                try:
                    changed = change(dependency)
                except ValidationError as error:
                    raise error.prefixed(f"$.dependencies[{index}]") from None
                owed = (*self.dependencies[:index], changed, *self.dependencies[index + 1 :])
                return attrs.evolve(self, dependencies=owed)
        raise ValidationError.single(
            "$.dependency_id", "the id of one of this engagement's dependencies", dependency_id
        )

    def is_active(self, on: dt.date) -> bool:
        """Whether the engagement runs on the given date.

        Args:
            on: The date to ask about.

        Returns:
            ``True`` when ``start <= on`` and the engagement has not ended before ``on``.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Engagement
            >>> e = Engagement("e1", "acme", "Audit", start=dt.date(2026, 1, 1),
            ...                end=dt.date(2026, 3, 31))
            >>> e.is_active(dt.date(2026, 2, 1)), e.is_active(dt.date(2026, 4, 1))
            (True, False)
        """
        return self.start <= on and (self.end is None or on <= self.end)

    def mermaid(self, as_of: dt.date) -> str:
        """The engagement as a Mermaid flowchart, coloured by status as of a date.

        Deliverables are boxes and the dependencies the client owes are rounded; an arrow goes
        from what is needed to what needs it. It is `Readiness.mermaid` of
        ``readiness(self, as_of)``.

        Args:
            as_of: The date whose statuses colour the diagram.

        Returns:
            The diagram's Mermaid text (``flowchart RL``), to put in a ``mermaid`` code block.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Deliverable, Dependency, Engagement
            >>> work = Engagement("e1", "acme", "Survey", start=dt.date(2026, 1, 5),
            ...     deliverables=(Deliverable("survey", "Survey"),),
            ...     dependencies=(Dependency("list", "data", "Customer list", owner="Acme",
            ...                              blocks=("survey",)),))
            >>> print(work.mermaid(dt.date(2026, 1, 10)))
            flowchart LR
              n_survey["survey<br>no date agreed, blocked"]:::blocked
              n_list(["list<br>Acme: open"]):::owed
              n_list -- "blocks" --> n_survey
              classDef done ...
        """
        from .readiness import readiness  # noqa: PLC0415 - readiness builds on this module

        return readiness(self, as_of).mermaid()

    def _repr_html_(self) -> str:
        return _engagement_html(self)


def _check_roles(roles: tuple[RoleAssignment, ...]) -> None:
    """Refuse duplicate assignments and, when roles are given, a missing payer or recipient."""
    if not roles:
        return
    seen: set[tuple[str, EngagementRole]] = set()
    for index, assignment in enumerate(roles):
        key = (assignment.party_id, assignment.role)
        if key in seen:
            raise ValidationError.single(
                f"$.roles[{index}]",
                "a role not already assigned to that party",
                f"{assignment.party_id}: {assignment.role.value}",
            )
        seen.add(key)
    held = {assignment.role for assignment in roles}
    required = (EngagementRole.PAYER, EngagementRole.RECIPIENT)
    missing = [role.value for role in required if role not in held]
    if missing:
        raise ValidationError.single(
            "$.roles",
            "at least one payer and one recipient when roles are given (missing: "
            + ", ".join(missing)
            + ")",
            tuple(sorted(role.value for role in held)),
        )


def _check_acyclic(deliverables: tuple[Deliverable, ...]) -> None:
    """Refuse a cycle in "waits on", naming it (``a -> b -> a``) at the edge that closes it."""
    index_of = {deliverable.id: index for index, deliverable in enumerate(deliverables)}
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for root in deliverables:
        if root.id in state:
            continue
        path: list[str] = [root.id]
        state[root.id] = 1
        stack: list[tuple[str, int]] = [(root.id, 0)]
        while stack:
            node, position = stack[-1]
            waits_on = deliverables[index_of[node]].waits_on
            if position == len(waits_on):
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            stack[-1] = (node, position + 1)
            target = waits_on[position]
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                raise ValidationError(
                    [
                        Problem(
                            f"$.deliverables[{index_of[node]}].waits_on[{position}]",
                            "no cycle in 'waits on'",
                            target,
                            "'waits on' forms a cycle: " + " -> ".join(cycle),
                        )
                    ]
                )
            if target not in state:
                state[target] = 1
                path.append(target)
                stack.append((target, 0))


def _engagement_html(engagement: Engagement) -> str:
    head = h.fields_table(
        [
            ("client", engagement.client_id),
            ("runs", f"{engagement.start} to {engagement.end or 'open-ended'}"),
        ],
        caption=f"Engagement {engagement.id}: {engagement.title}",
    )
    roles = h.table(
        ("party", "role"),
        [(a.party_id, a.role.value.replace("_", "-")) for a in engagement.effective_roles],
    )
    owed = h.table(
        ("dependency", "kind", "what", "owner", "due", "status", "blocks"),
        [
            (d.id, d.kind, d.description, d.owner, d.due, d.status, d.blocks)
            for d in engagement.dependencies
        ],
    )
    promised = h.table(
        ("deliverable", "title", "due", "waits on", "done", "milestone"),
        [(d.id, d.title, d.due, d.waits_on, d.done, d.milestone) for d in engagement.deliverables],
    )
    return (
        head
        + h.section("roles", roles)
        + h.section("what the client owes (dependencies)", owed)
        + h.section("what the client was promised (deliverables)", promised)
    )
