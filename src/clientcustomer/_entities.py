"""The parties and what happens between them: `Party`, `Interaction`, `Customer`, `Client`.

Engagements and the dependencies a client owes live in ``_engagements.py``.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs

from . import _validation as v
from ._engagements import Engagement
from .exceptions import ValidationError

__all__ = [
    "Client",
    "Customer",
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
        """Whether this kind of interaction is collaborative unless said otherwise."""
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
    """Whether what changed hands was a product or a service.

    Example:
        >>> from clientcustomer import Offering
        >>> Offering("service")
        <Offering.SERVICE: 'service'>
    """

    PRODUCT = "product"
    SERVICE = "service"


def _to_party_kind(value: PartyKind | str) -> PartyKind:
    return _party_kind(value)


_party_kind = v.enum_converter(PartyKind, "kind")


def _to_interaction_kind(value: InteractionKind | str) -> InteractionKind:
    return _interaction_kind(value)


_interaction_kind = v.enum_converter(InteractionKind, "kind")


def _to_offering(value: Offering | str) -> Offering:
    return _offering(value)


_offering = v.enum_converter(Offering, "offering")


def _to_amount(value: Decimal | int | str) -> Decimal:
    return _amount(value)


_amount = v.decimal_converter("amount")


@attrs.frozen
class Party:
    """A person or an organization the provider deals with.

    Attributes:
        id: A stable, non-empty identifier.
        name: A display name.
        kind: ``person`` or ``organization`` (strings are accepted and converted).

    Example:
        >>> from clientcustomer import Party
        >>> Party(id="acme", name="Acme Ltd", kind="organization")
        Party(id='acme', name='Acme Ltd', kind=<PartyKind.ORGANIZATION: 'organization'>)
    """

    id: str = attrs.field(validator=v.non_empty_str)
    name: str = attrs.field(validator=v.text)
    kind: PartyKind = attrs.field(default=PartyKind.ORGANIZATION, converter=_to_party_kind)

    def _repr_html_(self) -> str:
        return v.html_table(self)


def _default_collaborative(interaction: Interaction) -> bool:
    return interaction.kind.collaborative_by_default


@attrs.frozen
class Interaction:
    """One dated event between the provider and a party.

    Attributes:
        party_id: The party this interaction was with.
        on: The date it happened.
        kind: What happened (``purchase``, ``return``, ``meeting``, ``check_in``...).
        item: The product or service concerned, in words (may be empty).
        offering: ``product`` or ``service``.
        amount: Money that changed hands, a non-negative ``Decimal`` (returns and cancellations
            are positive amounts of a ``return``/``cancellation`` kind).
        customized: Whether the product or work was tailored to this party.
        collaborative: Whether it was worked on together; defaults from ``kind``.
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
    customized: bool = attrs.field(default=False, validator=v.boolean, kw_only=True)
    collaborative: bool = attrs.field(
        default=attrs.Factory(_default_collaborative, takes_self=True),
        validator=v.boolean,
        kw_only=True,
    )
    reference: str = attrs.field(default="", validator=v.text, kw_only=True)

    def _repr_html_(self) -> str:
        return v.html_table(self)


def _check_interactions(party: Party, interactions: tuple[Interaction, ...]) -> None:
    for index, interaction in enumerate(interactions):
        if interaction.party_id != party.id:
            raise ValidationError.single(
                f"$.interactions[{index}].party_id",
                f"the party's id {party.id!r}",
                interaction.party_id,
            )


@attrs.frozen
class Customer:
    """A party in the customer role: transactional, short-term, product-focused.

    Attributes:
        party: Who the customer is.
        since: The date the party became a customer.
        interactions: The interaction log with this party, oldest first or in any order.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Customer, Interaction, Party
        >>> ann = Party("ann", "Ann Lee", "person")
        >>> shirt = Interaction("ann", dt.date(2026, 5, 1), "purchase", item="shirt")
        >>> Customer(ann, since=dt.date(2026, 5, 1), interactions=(shirt,)).party.name
        'Ann Lee'
    """

    party: Party = attrs.field(validator=v.instance(Party, "a Party"))
    since: dt.date = attrs.field(validator=v.date())
    interactions: tuple[Interaction, ...] = attrs.field(
        default=(), validator=v.tuple_of(Interaction, "an Interaction")
    )

    def __attrs_post_init__(self) -> None:
        _check_interactions(self.party, self.interactions)

    def _repr_html_(self) -> str:
        return v.html_table(self)


@attrs.frozen
class Client:
    """A party in the client role: ongoing, collaborative, customized, service-oriented.

    Attributes:
        party: Who the client is.
        since: The date the party became a client.
        interactions: The interaction log with this party.
        engagements: The contracted service work done for this client.
        account_manager: Who looks after the relationship on the provider's side, if anyone.
        checkin_cadence_days: How often to check in with the client, in days, if agreed.

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

    party: Party = attrs.field(validator=v.instance(Party, "a Party"))
    since: dt.date = attrs.field(validator=v.date())
    interactions: tuple[Interaction, ...] = attrs.field(
        default=(), validator=v.tuple_of(Interaction, "an Interaction")
    )
    engagements: tuple[Engagement, ...] = attrs.field(
        default=(), validator=v.tuple_of(Engagement, "an Engagement")
    )
    account_manager: str | None = attrs.field(
        default=None, validator=v.optional_non_empty_str, kw_only=True
    )
    checkin_cadence_days: int | None = attrs.field(
        default=None, validator=v.integer(1, optional=True), kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        _check_interactions(self.party, self.interactions)
        v.unique_ids(self.engagements, "engagements")
        for index, engagement in enumerate(self.engagements):
            if engagement.client_id != self.party.id:
                raise ValidationError.single(
                    f"$.engagements[{index}].client_id",
                    f"the client's id {self.party.id!r}",
                    engagement.client_id,
                )

    def _repr_html_(self) -> str:
        return v.html_table(self)
