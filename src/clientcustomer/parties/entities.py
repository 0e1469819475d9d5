"""The parties and what happens between them: `Party`, `Interaction`, `Customer`, `Client`.

Engagements and the dependencies a client owes live in ``_engagements.py``.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer.engagements.model import Engagement
from clientcustomer.exceptions import ValidationError
from clientcustomer.lifecycle.machine import (
    LIFECYCLE,
    Lifecycle,
    LifecycleEvent,
    LifecycleState,
    Stage,
    StageChange,
    SupportsClassification,
    history_html,
    history_validator,
    stage_as_of,
)

__all__ = [
    "Client",
    "Customer",
    "FormerClient",
    "Interaction",
    "InteractionKind",
    "Offering",
    "Party",
    "PartyKind",
]


class PartyKind(enum.StrEnum):
    """Whether a party is a person or an organization.

    Example:
        >>> from clientcustomer import PartyKind
        >>> PartyKind("organization")
        <PartyKind.ORGANIZATION: 'organization'>
    """

    PERSON = "person"
    ORGANIZATION = "organization"


class InteractionKind(enum.StrEnum):
    """What kind of event an interaction is.

    ``meeting``, ``check_in``, ``workshop`` and ``planning`` (joint planning) are collaborative by
    nature; a purchase or a delivery is not, unless flagged so.

    Example:
        >>> from clientcustomer import InteractionKind
        >>> InteractionKind("check_in").collaborative_by_default
        True
        >>> InteractionKind.PURCHASE.collaborative_by_default
        False
    """

    PURCHASE = "purchase"
    RETURN = "return"
    CANCELLATION = "cancellation"
    DELIVERY = "delivery"
    SUPPORT = "support"
    MEETING = "meeting"
    CHECK_IN = "check_in"
    WORKSHOP = "workshop"
    PLANNING = "planning"
    TRAINING = "training"
    CONSULTATION = "consultation"
    AGREEMENT_SIGNED = "agreement_signed"
    AGREEMENT_ENDED = "agreement_ended"

    @property
    def collaborative_by_default(self) -> bool:
        """Whether this kind of interaction is collaborative unless said otherwise.

        Example:
            >>> InteractionKind.WORKSHOP.collaborative_by_default
            True
            >>> InteractionKind.PURCHASE.collaborative_by_default
            False
        """
        return self in _COLLABORATIVE_KINDS


_COLLABORATIVE_KINDS = frozenset(
    {
        InteractionKind.MEETING,
        InteractionKind.CHECK_IN,
        InteractionKind.WORKSHOP,
        InteractionKind.PLANNING,
    }
)


class Offering(enum.StrEnum):
    """What changed hands: a product, a standard service, or professional services.

    The sources set goods and standard services (retail, online shopping, a gym, a phone plan)
    apart from *professional services and advice* (consulting, legal, accounting, research,
    agencies, design, advocacy): a client relationship "usually involving customized services".
    ``professional`` is a service (its spend is service spend) whose work counts as customized
    by default, as a meeting counts as collaborative by default.

    Example:
        >>> from clientcustomer import Offering
        >>> Offering("service")
        <Offering.SERVICE: 'service'>
        >>> Offering.PROFESSIONAL.is_service, Offering.PROFESSIONAL.customized_by_default
        (True, True)
        >>> Offering.SERVICE.customized_by_default
        False
    """

    PRODUCT = "product"
    SERVICE = "service"
    PROFESSIONAL = "professional"

    @property
    def is_service(self) -> bool:
        """Whether this is a service (standard or professional), not a product.

        Example:
            >>> Offering.PRODUCT.is_service
            False
        """
        return self is not Offering.PRODUCT

    @property
    def customized_by_default(self) -> bool:
        """Whether work of this offering is customized unless said otherwise (professional).

        Example:
            >>> Offering("professional").customized_by_default
            True
        """
        return self is Offering.PROFESSIONAL


def _to_party_kind(value: PartyKind | str) -> PartyKind:
    return v.to_member(PartyKind, value, "kind")


def _to_interaction_kind(value: InteractionKind | str) -> InteractionKind:
    return v.to_member(InteractionKind, value, "kind")


def _to_offering(value: Offering | str) -> Offering:
    return v.to_member(Offering, value, "offering")


def _to_amount(value: Decimal | int | str) -> Decimal:
    return _amount(value)


_amount = v.decimal_converter("amount")


@attrs.frozen
class Party:
    """A person or an organization the provider deals with.

    Attributes:
        id: A stable, non-empty identifier.
        name: A display name (not empty: a party has a name).
        kind: ``person`` or ``organization`` (strings are accepted and converted).

    Example:
        >>> from clientcustomer import Party
        >>> Party(id="acme", name="Acme Ltd", kind="organization")
        Party(id='acme', name='Acme Ltd', kind=<PartyKind.ORGANIZATION: 'organization'>)
    """

    id: str = attrs.field(validator=v.non_empty_str)
    name: str = attrs.field(validator=v.non_empty_str)
    kind: PartyKind = attrs.field(default=PartyKind.ORGANIZATION, converter=_to_party_kind)

    def _repr_html_(self) -> str:
        return h.html_table(self)


def _default_collaborative(interaction: Interaction) -> bool:
    return interaction.kind.collaborative_by_default


def _default_customized(interaction: Interaction) -> bool:
    return interaction.offering.customized_by_default


def _flag(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise v.fail(attribute, "a boolean or None (not recorded)", value)


@attrs.frozen
class Interaction:
    """One dated event between the provider and a party.

    Attributes:
        party_id: The party this interaction was with.
        on: The date it happened.
        kind: What happened (``purchase``, ``return``, ``meeting``, ``check_in``...).
        item: The product or service concerned, in words (may be empty).
        offering: ``product``, ``service`` or ``professional`` (see `Offering`).
        amount: Money that changed hands, a non-negative ``Decimal`` (returns and cancellations
            are positive amounts of a ``return``/``cancellation`` kind).
        customized: Whether the product or work was tailored to this party; defaults from
            ``offering`` (professional work is customized); ``None`` when not recorded (the
            log has no such column), which leaves the ``customization`` signal unknown rather
            than counting the item as standard.
        collaborative: Whether it was worked on together; defaults from ``kind``; ``None`` when
            not recorded (a billing export records no contacts), which leaves the
            ``collaborative_share`` signal unknown rather than counting it as transactional.
        reference: An optional external reference such as an invoice number.

    Example:
        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> from clientcustomer import Interaction
        >>> meeting = Interaction("acme", dt.date(2026, 3, 2), "meeting", offering="service")
        >>> meeting.collaborative
        True
        >>> Interaction("ann", dt.date(2026, 3, 2), "purchase", amount=Decimal("19.90")).amount
        Decimal('19.90')
        >>> Interaction("acme", dt.date(2026, 3, 2), "purchase", offering="professional").customized
        True
    """

    party_id: str = attrs.field(validator=v.non_empty_str)
    on: dt.date = attrs.field(validator=v.date())
    kind: InteractionKind = attrs.field(converter=_to_interaction_kind)
    item: str = attrs.field(default="", validator=v.text, kw_only=True)
    offering: Offering = attrs.field(default=Offering.PRODUCT, converter=_to_offering, kw_only=True)
    amount: Decimal = attrs.field(
        default=Decimal(0),
        converter=_to_amount,
        validator=v.money,
        kw_only=True,
    )
    customized: bool | None = attrs.field(
        default=attrs.Factory(_default_customized, takes_self=True),
        validator=_flag,
        kw_only=True,
    )
    collaborative: bool | None = attrs.field(
        default=attrs.Factory(_default_collaborative, takes_self=True),
        validator=_flag,
        kw_only=True,
    )
    reference: str = attrs.field(default="", validator=v.text, kw_only=True)

    def _repr_html_(self) -> str:
        return h.html_table(self)


_ENTRIES = {
    Stage.CUSTOMER: (LifecycleEvent.PURCHASE, Stage.PROSPECT, "became a customer"),
    Stage.CLIENT: (LifecycleEvent.ENGAGE, Stage.PROSPECT, "became a client"),
    Stage.FORMER_CLIENT: (LifecycleEvent.LAPSE, Stage.CLIENT, "lapsed"),
}
"""How an entity without a recorded history entered its stage on ``since``: event, source, words.

A customer or a client may have come from several stages, so its entry starts from ``prospect``,
which an entity reads as "nothing known before"; a former client certainly was a client.
"""


@attrs.frozen
class _Staged:
    """What every staged entity shares: who, since when, the log; its lifecycle and its stage.

    The fields of a subclass come after these three, so the positional order stays ``party,
    since, interactions`` (then ``engagements`` for the engaged ones).
    """

    party: Party = attrs.field(validator=v.instance(Party, "a Party"))
    since: dt.date = attrs.field(validator=v.date())
    interactions: tuple[Interaction, ...] = attrs.field(
        default=(), validator=v.tuple_of(Interaction, "an Interaction")
    )
    stage: ClassVar[Stage]
    if TYPE_CHECKING:
        history: tuple[StageChange, ...]

    def __attrs_post_init__(self) -> None:
        _check_interactions(self.party, self.interactions)

    def _repr_html_(self) -> str:
        return _staged_html(self)

    @property
    def lifecycle(self) -> LifecycleState:
        """The entity's stage and history as a `LifecycleState`, for the lifecycle engine.

        When no history is recorded, the history holds one change: the entry into the current
        stage on ``since`` (so that a later change keeps that date and cannot be back-dated).

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Customer, Party
            >>> state = Customer(Party("ann", "Ann Lee"), since=dt.date(2026, 5, 1)).lifecycle
            >>> state.stage.value, state.since
            ('customer', datetime.date(2026, 5, 1))
            >>> print(state.history[0])
            2026-05-01 purchase: prospect -> customer (became a customer on the record's since date; nothing earlier is recorded)
        """  # noqa: E501 - a doctest output line
        return LifecycleState(self.stage, history=self._recorded())

    def _fire(  # noqa: PLR0913 - the event's facts, all keyword-only
        self,
        event: LifecycleEvent,
        *,
        on: dt.date,
        engagements: tuple[Engagement, ...],
        actor: str | None,
        reason: str,
        lifecycle: Lifecycle | None,
        classification: SupportsClassification | None = None,
    ) -> tuple[StageChange, ...]:
        """Fire ``event`` on this entity's state (guards checked); the new history."""
        state = (lifecycle or LIFECYCLE).fire(
            event,
            self.lifecycle,
            on=on,
            engagements=engagements,
            classification=classification,
            actor=actor,
            reason=reason,
            since=self.since,
        )
        return state.history

    def _to_client(  # noqa: PLR0913 - the event's facts, all keyword-only
        self,
        event: LifecycleEvent,
        engagement: Engagement | None,
        *,
        on: dt.date,
        actor: str | None,
        classification: SupportsClassification | None,
        reason: str,
        lifecycle: Lifecycle | None,
    ) -> Client:
        """Fire ``event`` with the new ``engagement`` (if any); the client it makes.

        The client keeps this entity's engagements (a former client's), the new one last.
        """
        new = () if engagement is None else (engagement,)
        history = self._fire(
            event,
            on=on,
            engagements=new,
            classification=classification,
            actor=actor,
            reason=reason,
            lifecycle=lifecycle,
        )
        kept = self.engagements if isinstance(self, _Engaged) else ()
        engagements = (*kept, *new)
        return Client(self.party, on, self.interactions, engagements, history=history)

    def _recorded(self) -> tuple[StageChange, ...]:
        """The history, or the entry into the current stage on ``since`` when none is recorded."""
        if self.history:
            return self.history
        event, source, words = _ENTRIES[self.stage]
        note = "nothing earlier is recorded" if source is Stage.PROSPECT else "as recorded"
        reason = f"{words} on the record's since date; {note}"
        return (StageChange(self.since, event, source, self.stage, reason=reason),)

    def stage_as_of(self, on: dt.date) -> Stage | None:
        """The stage on a date, read from the history (or from ``since`` when none is recorded).

        Before the first recorded change the stage is the one that change started from, except
        ``prospect``: before its relationship began, an entity answers ``None``. So a customer
        without history answers ``None`` before ``since``, and a change of stage (``become_client``,
        ``lapse``, ``re_engage``) never changes the answer for an earlier date.

        Args:
            on: The date to ask about.

        Returns:
            The stage on that date, or ``None`` when nothing is known that early.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Customer, Engagement, Party
            >>> ann = Customer(Party("ann", "Ann Lee"), since=dt.date(2026, 5, 1))
            >>> ann.stage_as_of(dt.date(2026, 4, 30)) is None, ann.stage_as_of(dt.date(2026, 5, 1))
            (True, <Stage.CUSTOMER: 'customer'>)
            >>> work = Engagement("r1", "ann", "Retainer", start=dt.date(2026, 9, 1))
            >>> client = ann.become_client(work, on=dt.date(2026, 9, 1))
            >>> client.stage_as_of(dt.date(2026, 4, 30)) is None, client.stage_as_of(dt.date(2026, 5, 1))
            (True, <Stage.CUSTOMER: 'customer'>)
        """  # noqa: E501 - a doctest line
        history = self._recorded()
        stage = stage_as_of(history, self.stage, on)
        if on < history[0].on and history[0].source is Stage.PROSPECT:
            return None
        return stage


def _check_interactions(party: Party, interactions: tuple[Interaction, ...]) -> None:
    for index, interaction in enumerate(interactions):
        if interaction.party_id != party.id:
            raise ValidationError.single(
                f"$.interactions[{index}].party_id",
                f"the party's id {party.id!r}",
                interaction.party_id,
            )


@attrs.frozen
class Customer(_Staged):
    """A party in the customer role: transactional, short-term, product-focused.

    Attributes:
        party: Who the customer is.
        since: The date the party became a customer.
        interactions: The interaction log with this party, oldest first or in any order.
        history: The recorded stage changes, oldest first, ending in ``customer`` (may be empty).

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Customer, Interaction, Party
        >>> ann = Party("ann", "Ann Lee", "person")
        >>> shirt = Interaction("ann", dt.date(2026, 5, 1), "purchase", item="shirt")
        >>> Customer(ann, since=dt.date(2026, 5, 1), interactions=(shirt,)).party.name
        'Ann Lee'
    """

    history: tuple[StageChange, ...] = attrs.field(
        default=(), validator=history_validator(Stage.CUSTOMER), kw_only=True
    )
    stage: ClassVar[Stage] = Stage.CUSTOMER

    def become_client(  # noqa: PLR0913 - the event's facts, all keyword-only
        self,
        engagement: Engagement | None = None,
        *,
        on: dt.date,
        actor: str | None = None,
        classification: SupportsClassification | None = None,
        reason: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> Client:
        """Promote this customer to a client (the ``engage`` event).

        Args:
            engagement: The engagement (signed agreement, retainer, statement of work) that makes
                the party a client; it must be active on ``on``.
            on: The date of the change.
            actor: The person making or confirming the change; needed when only a
                classification supports it.
            classification: A confident client classification, used when there is no engagement.
            reason: Why, in words; by default the recorded reason says what allowed it.
            lifecycle: The lifecycle engine; the default `LIFECYCLE` when ``None``.

        Returns:
            A `Client` with the same party and interactions, the engagement and the history.

        Raises:
            TransitionError: With every reason, when the change is refused.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Customer, Engagement, Party
            >>> ann = Customer(Party("ann", "Ann Lee", "person"), since=dt.date(2025, 6, 1))
            >>> retainer = Engagement("r1", "ann", "Retainer", start=dt.date(2026, 3, 2))
            >>> client = ann.become_client(retainer, on=dt.date(2026, 3, 2), actor="Dana")
            >>> client.since, client.stage_as_of(dt.date(2026, 3, 1)).value
            (datetime.date(2026, 3, 2), 'customer')
            >>> ann.become_client(on=dt.date(2026, 3, 2))
            Traceback (most recent call last):
            ...
            clientcustomer.exceptions.TransitionError: Can't engage when in customer: ...
        """
        return self._to_client(
            LifecycleEvent.ENGAGE,
            engagement,
            on=on,
            actor=actor,
            classification=classification,
            reason=reason,
            lifecycle=lifecycle,
        )


@attrs.frozen
class _Engaged(_Staged):
    """A staged entity with engagements: a client, or a former one."""

    engagements: tuple[Engagement, ...] = attrs.field(
        default=(), validator=v.tuple_of(Engagement, "an Engagement")
    )

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        _check_engagements(self.party, self.engagements)


@attrs.frozen
class Client(_Engaged):
    """A party in the client role: ongoing, collaborative, customized, service-oriented.

    Attributes:
        party: Who the client is.
        since: The date the party became a client.
        interactions: The interaction log with this party.
        engagements: The contracted service work done for this client.
        account_manager: Who looks after the relationship on the provider's side, if anyone.
        checkin_cadence_days: How often to check in with the client, in days, if agreed.
        history: The recorded stage changes, oldest first, ending in ``client`` (may be empty).

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Client, Engagement, Party
        >>> acme = Party("acme", "Acme Ltd")
        >>> survey = Engagement("e1", "acme", "Customer survey", start=dt.date(2026, 1, 5))
        >>> client = Client(acme, since=dt.date(2026, 1, 5), engagements=(survey,),
        ...                 account_manager="Dana", checkin_cadence_days=14)
        >>> client.engagements[0].title
        'Customer survey'
    """

    account_manager: str | None = attrs.field(
        default=None, validator=v.optional_non_empty_str, kw_only=True
    )
    checkin_cadence_days: int | None = attrs.field(
        default=None, validator=v.integer(1, optional=True), kw_only=True
    )
    history: tuple[StageChange, ...] = attrs.field(
        default=(), validator=history_validator(Stage.CLIENT), kw_only=True
    )
    stage: ClassVar[Stage] = Stage.CLIENT

    def renew(
        self,
        engagement: Engagement,
        *,
        on: dt.date,
        actor: str | None = None,
        reason: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> Client:
        """Record a renewal: a new engagement, or an existing one extended (same id).

        Args:
            engagement: The renewed engagement; it must run on ``on`` or start after it.
            on: The date of the renewal.
            actor: The person recording it.
            reason: Why, in words; by default the recorded reason names the engagement.
            lifecycle: The lifecycle engine; the default `LIFECYCLE` when ``None``.

        Returns:
            The client with the engagement added or replaced and the renewal in its history.

        Raises:
            TransitionError: With every reason, when the renewal is refused.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Client, Engagement, Party
            >>> audit = Engagement("e1", "acme", "Audit", start=dt.date(2026, 1, 1),
            ...                    end=dt.date(2026, 6, 30))
            >>> acme = Client(Party("acme", "Acme Ltd"), since=dt.date(2026, 1, 1),
            ...               engagements=(audit,))
            >>> longer = Engagement("e1", "acme", "Audit", start=dt.date(2026, 1, 1),
            ...                     end=dt.date(2026, 12, 31))
            >>> acme.renew(longer, on=dt.date(2026, 6, 1)).engagements[0].end
            datetime.date(2026, 12, 31)
        """
        history = self._fire(
            LifecycleEvent.RENEW,
            on=on,
            engagements=(engagement,),
            actor=actor,
            reason=reason,
            lifecycle=lifecycle,
        )
        kept = tuple(e for e in self.engagements if e.id != engagement.id)
        return attrs.evolve(self, engagements=(*kept, engagement), history=history)

    def lapse(
        self,
        *,
        on: dt.date,
        actor: str | None = None,
        reason: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> FormerClient:
        """Record that the client relationship has lapsed (the ``lapse`` event).

        Allowed when no engagement runs or is to come and the grace period after the last one
        (`DEFAULT_GRACE_DAYS` unless the lifecycle says otherwise) is over.

        Args:
            on: The date of the lapse.
            actor: The person recording it.
            reason: Why, in words.
            lifecycle: The lifecycle engine; the default `LIFECYCLE` when ``None``.

        Returns:
            A `FormerClient` with the same party, interactions, engagements and the history.

        Raises:
            TransitionError: With every reason, when the lapse is refused.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Client, Engagement, Party
            >>> audit = Engagement("e1", "acme", "Audit", start=dt.date(2026, 1, 1),
            ...                    end=dt.date(2026, 3, 31))
            >>> acme = Client(Party("acme", "Acme Ltd"), since=dt.date(2026, 1, 1),
            ...               engagements=(audit,))
            >>> acme.lapse(on=dt.date(2026, 7, 1)).stage.value
            'former_client'
            >>> acme.lapse(on=dt.date(2026, 5, 1))
            Traceback (most recent call last):
            ...
            clientcustomer.exceptions.TransitionError: Can't lapse when in client: engagement 'e1' ended on 2026-03-31, within the 90-day grace period (a lapse is possible from 2026-06-30)
        """  # noqa: E501 - a doctest output line
        history = self._fire(
            LifecycleEvent.LAPSE,
            on=on,
            engagements=self.engagements,
            actor=actor,
            reason=reason,
            lifecycle=lifecycle,
        )
        return FormerClient(self.party, on, self.interactions, self.engagements, history=history)


@attrs.frozen
class FormerClient(_Engaged):
    """A party whose client relationship has lapsed; it can come back (``re_engage``).

    Attributes:
        party: Who the former client is.
        since: The date the relationship lapsed.
        interactions: The interaction log with this party.
        engagements: The engagements done while a client.
        history: The recorded stage changes, ending in ``former_client``.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import FormerClient, Party
        >>> FormerClient(Party("acme", "Acme Ltd"), since=dt.date(2026, 7, 1)).stage.value
        'former_client'
    """

    history: tuple[StageChange, ...] = attrs.field(
        default=(), validator=history_validator(Stage.FORMER_CLIENT), kw_only=True
    )
    stage: ClassVar[Stage] = Stage.FORMER_CLIENT

    def re_engage(  # noqa: PLR0913 - the event's facts, all keyword-only
        self,
        engagement: Engagement | None = None,
        *,
        on: dt.date,
        actor: str | None = None,
        classification: SupportsClassification | None = None,
        reason: str = "",
        lifecycle: Lifecycle | None = None,
    ) -> Client:
        """Bring a former client back (the ``re_engage`` event); guarded like becoming a client.

        Args:
            engagement: The new engagement; it must be active on ``on``.
            on: The date of the change.
            actor: The person making or confirming the change.
            classification: A confident client classification, used when there is no engagement.
            reason: Why, in words.
            lifecycle: The lifecycle engine; the default `LIFECYCLE` when ``None``.

        Returns:
            A `Client` with the new engagement added and the history.

        Raises:
            TransitionError: With every reason, when the change is refused.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Engagement, FormerClient, Party
            >>> acme = FormerClient(Party("acme", "Acme Ltd"), since=dt.date(2026, 7, 1))
            >>> again = Engagement("e2", "acme", "Second audit", start=dt.date(2027, 1, 4))
            >>> acme.re_engage(again, on=dt.date(2027, 1, 4)).since
            datetime.date(2027, 1, 4)
        """
        return self._to_client(
            LifecycleEvent.RE_ENGAGE,
            engagement,
            on=on,
            actor=actor,
            classification=classification,
            reason=reason,
            lifecycle=lifecycle,
        )


def _check_engagements(party: Party, engagements: tuple[Engagement, ...]) -> None:
    v.unique_ids(engagements, "engagements")
    for index, engagement in enumerate(engagements):
        if engagement.client_id != party.id:
            raise ValidationError.single(
                f"$.engagements[{index}].client_id",
                f"the client's id {party.id!r}",
                engagement.client_id,
            )


def _key_facts(entity: _Staged) -> list[tuple[str, object]]:
    """The facts worth a glance: who, which stage since when, and the log in a few numbers."""
    log = sorted(entity.interactions, key=lambda item: item.on)
    purchases = [item for item in log if item.kind is InteractionKind.PURCHASE]
    facts: list[tuple[str, object]] = [
        ("name", entity.party.name),
        ("id", entity.party.id),
        ("stage", entity.stage.label),
        ("since", entity.since),
        ("interactions", len(log)),
        ("first / last", f"{log[0].on} / {log[-1].on}" if log else None),
        ("purchases", len(purchases)),
        ("spent", sum((item.amount for item in purchases), Decimal(0))),
        ("collaborative", sum(item.collaborative is True for item in log)),
        ("customized", sum(item.customized is True for item in log)),
    ]
    if isinstance(entity, _Engaged):
        facts.append(
            (
                "engagements",
                h.lines(f"{e.title} ({e.start} to {e.end or 'open'})" for e in entity.engagements),
            )
        )
    if isinstance(entity, Client):
        facts.append(("account manager", entity.account_manager))
        facts.append(("check in every", entity.checkin_cadence_days))
    return facts


def _staged_html(entity: _Staged) -> str:
    caption = f"{type(entity).__name__} {entity.party.name}"
    history = h.section("history", history_html(entity.history))
    return h.fields_table(_key_facts(entity), caption=caption) + history
