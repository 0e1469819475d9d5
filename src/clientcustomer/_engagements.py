"""Engagements: contracted service work for a client, and what the client owes the provider.

"We are dependent on our client to provide what we need to fulfill the contract": a
`Dependency` is one such thing (a customer list, secure access to call recordings, staff time
for training), with its owner, due date, status and what it blocks.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from . import _validation as v
from .exceptions import ValidationError

__all__ = [
    "Deliverable",
    "Dependency",
    "DependencyKind",
    "DependencyStatus",
    "Engagement",
    "EngagementRole",
    "RoleAssignment",
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
    return _dependency_kind(value)


_dependency_kind = v.enum_converter(DependencyKind, "kind")


def _to_dependency_status(value: DependencyStatus | str) -> DependencyStatus:
    return _dependency_status(value)


_dependency_status = v.enum_converter(DependencyStatus, "status")


def _to_engagement_role(value: EngagementRole | str) -> EngagementRole:
    return _engagement_role(value)


_engagement_role = v.enum_converter(EngagementRole, "role")


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
class Dependency:
    """Something the client must provide for the work to proceed.

    Attributes:
        id: Unique within its engagement.
        kind: ``data``, ``access``, ``people_time``, ``approval``, ``environment``,
            ``third_party`` or ``content``.
        description: What is needed, in words.
        owner: Who on the client's side must provide it.
        due: When it is needed by, if agreed.
        status: ``open``, ``requested``, ``in_progress``, ``provided``, ``waived``, ``cancelled``.
        blocks: Ids of the deliverables that cannot proceed without it.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Dependency
        >>> customer_list = Dependency("list", "data", "A good list of current customers",
        ...                            owner="Acme marketing", due=dt.date(2026, 2, 1),
        ...                            blocks=("survey",))
        >>> customer_list.status.value
        'open'
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

    def _repr_html_(self) -> str:
        return v.html_table(self)


@attrs.frozen
class Deliverable:
    """A piece of work or milestone the provider delivers in an engagement.

    Attributes:
        id: Unique within its engagement.
        title: What it is.
        due: When it is due, if scheduled.
        waits_on: Ids of other deliverables this one waits on.
        done: The date it was delivered, if it was.

    Example:
        >>> from clientcustomer import Deliverable
        >>> Deliverable("report", "Survey report", waits_on=("survey",)).waits_on
        ('survey',)
    """

    id: str = attrs.field(validator=v.non_empty_str)
    title: str = attrs.field(validator=v.text)
    due: dt.date | None = attrs.field(default=None, validator=v.date(optional=True), kw_only=True)
    waits_on: tuple[str, ...] = attrs.field(
        default=(), validator=v.tuple_of(str, "a deliverable id"), kw_only=True
    )
    done: dt.date | None = attrs.field(default=None, validator=v.date(optional=True), kw_only=True)

    def _repr_html_(self) -> str:
        return v.html_table(self)


@attrs.frozen
class Engagement:
    """Contracted, ongoing service work for a client.

    Attributes:
        id: A stable identifier.
        client_id: The party the work is contracted by.
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
        known = {deliverable.id for deliverable in self.deliverables}
        if known:
            for index, dependency in enumerate(self.dependencies):
                for position, target in enumerate(dependency.blocks):
                    if target not in known:
                        raise ValidationError.single(
                            f"$.dependencies[{index}].blocks[{position}]",
                            "the id of one of this engagement's deliverables",
                            target,
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

    def _repr_html_(self) -> str:
        return v.html_table(self)
