"""What-if: which verdicts change when a rule set changes.

`diff_rulesets` classifies the same records under two rule sets, one record at a time, and keeps
only the records whose verdict (role, deciding rule or score) changes, with a count per change of
role.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer.exceptions import ValidationError

from .classifier import Classification, Classifier
from .ruleset import Role, Ruleset

__all__ = ["RoleChange", "RulesetDiff", "VerdictChange", "diff_rulesets"]


_to_role = v.enum_converter(Role, "role")


def _role(value: Role | str) -> Role:
    return _to_role(value)


@attrs.frozen
class VerdictChange:
    """One record whose verdict differs between two rule sets.

    Attributes:
        id: The record's id.
        old_role: The role under the old rule set.
        new_role: The role under the new rule set.
        old_decided_by: What decided under the old rule set (see `Classification.decided_by`).
        new_decided_by: What decided under the new rule set.
        old_score: The score under the old rule set.
        new_score: The score under the new rule set.

    Example:
        >>> from clientcustomer import VerdictChange
        >>> change = VerdictChange("acme", "customer", "client", "score", "score", 1.0, 6.0)
        >>> change.old_role.value, change.new_role.value, change.role_changed
        ('customer', 'client', True)
    """

    id: str = attrs.field(validator=v.non_empty_str)
    old_role: Role = attrs.field(converter=_role)
    new_role: Role = attrs.field(converter=_role)
    old_decided_by: str = attrs.field(validator=v.non_empty_str)
    new_decided_by: str = attrs.field(validator=v.non_empty_str)
    old_score: float = attrs.field(converter=v.to_float, validator=v.finite_float())
    new_score: float = attrs.field(converter=v.to_float, validator=v.finite_float())

    @property
    def role_changed(self) -> bool:
        """Whether the role itself changed (not only the deciding rule or the score).

        Example:
            >>> from clientcustomer import VerdictChange
            >>> VerdictChange("a", "client", "client", "score", "score", 5.0, 6.0).role_changed
            False
        """
        return self.old_role is not self.new_role


@attrs.frozen
class RoleChange:
    """How many records went from one role to another.

    Attributes:
        old_role: The role under the old rule set.
        new_role: The role under the new rule set.
        count: How many records.

    Example:
        >>> from clientcustomer import RoleChange
        >>> RoleChange("customer", "ambiguous", 3).count
        3
    """

    old_role: Role = attrs.field(converter=_role)
    new_role: Role = attrs.field(converter=_role)
    count: int = attrs.field(validator=v.integer(0))


@attrs.frozen
class RulesetDiff:
    """What changes between two rule sets' verdicts on the same records.

    Attributes:
        old: The old rule set as ``id@version``.
        new: The new rule set as ``id@version``.
        total: How many records were classified.
        changes: The records whose role, deciding rule or score changed, in input order.
        roles: Per (old role, new role) pair, how many records (unchanged roles included), in
            the order of the roles ``customer``, ``ambiguous``, ``client``.

    Example:
        >>> from clientcustomer import RulesetDiff
        >>> diff = RulesetDiff("default@1", "default@2", 0)
        >>> diff.changed, diff.role_changes
        (0, ())
    """

    old: str = attrs.field(validator=v.non_empty_str)
    new: str = attrs.field(validator=v.non_empty_str)
    total: int = attrs.field(validator=v.integer(0))
    changes: tuple[VerdictChange, ...] = attrs.field(
        default=(), validator=v.tuple_of(VerdictChange, "a VerdictChange")
    )
    roles: tuple[RoleChange, ...] = attrs.field(
        default=(), validator=v.tuple_of(RoleChange, "a RoleChange")
    )

    @property
    def changed(self) -> int:
        """How many records changed verdict (role, deciding rule or score).

        Example:
            >>> from clientcustomer import RulesetDiff
            >>> RulesetDiff("a@1", "a@2", 10).changed
            0
        """
        return len(self.changes)

    @property
    def role_changes(self) -> tuple[RoleChange, ...]:
        """The counts of records whose role changed (old role differs from new role).

        Example:
            >>> from clientcustomer import RoleChange, RulesetDiff
            >>> diff = RulesetDiff("a@1", "a@2", 3, roles=(
            ...     RoleChange("customer", "customer", 2), RoleChange("customer", "client", 1)))
            >>> [(r.old_role.value, r.new_role.value) for r in diff.role_changes]
            [('customer', 'client')]
        """
        return tuple(item for item in self.roles if item.old_role is not item.new_role)

    def _repr_html_(self) -> str:
        caption = f"{self.old} -> {self.new}: {self.changed} of {self.total} verdicts change"
        roles = h.table(
            ("old role", "new role", "records"),
            [(r.old_role, r.new_role, r.count) for r in self.roles],
        )
        changes = h.table(
            (
                "id",
                "old role",
                "new role",
                "old decided by",
                "new decided by",
                "old score",
                "new score",
            ),
            [
                (
                    c.id,
                    c.old_role,
                    c.new_role,
                    c.old_decided_by,
                    c.new_decided_by,
                    c.old_score,
                    c.new_score,
                )
                for c in self.changes
            ],
        )
        if not self.changes:
            changes = "<p style='text-align:left'>none: every verdict is the same</p>"
        return h.section(caption, roles) + h.section("changed verdicts", changes)


_ORDER = (Role.CUSTOMER, Role.AMBIGUOUS, Role.CLIENT)


def _pair(index: int, item: object) -> tuple[str, Any]:
    """A record of the stream as (id, signals): a pair, or a mapping/`Signals` with an id."""
    if isinstance(item, tuple) and len(item) == 2:
        record_id, record = item
    elif isinstance(item, Mapping):
        record_id = item.get("id")
        record = {key: value for key, value in item.items() if key != "id"}
    else:
        raise ValidationError.single(
            f"$[{index}]", "an (id, record) pair or a mapping with an 'id' key", item
        )
    if isinstance(record_id, int) and not isinstance(record_id, bool):
        record_id = str(record_id)
    if not isinstance(record_id, str) or not record_id:
        raise ValidationError.single(f"$[{index}].id", "a non-empty string", record_id)
    return record_id, record


def _changed(old: Classification, new: Classification) -> bool:
    return (old.role, old.decided_by, old.score) != (new.role, new.decided_by, new.score)


def _reader(old: Ruleset, new: Ruleset) -> Ruleset:
    """``old`` declaring the custom signals of both: what a record of the diff may hold."""
    return attrs.evolve(old, signals={**new.signals, **old.signals})


def diff_rulesets(
    old: Ruleset, new: Ruleset, records: Iterable[Any], *, passthrough: Iterable[str] = ()
) -> RulesetDiff:
    """Classify records under two rule sets and report the verdicts that change.

    The records are read once, one at a time (any iterable: a generator over a large file is
    fine); only the changed verdicts are kept. Each record is an ``(id, record)`` pair (the
    record being anything `Classifier.classify` takes) or a mapping of signal values with an
    ``id`` key. Each key must be a signal of either rule set, or named in ``passthrough``.

    Args:
        old: The rule set in use.
        new: The rule set considered.
        records: The records.
        passthrough: Descriptive keys of the records to set aside unread.

    Returns:
        The changes and the counts per (old role, new role).

    Raises:
        ValidationError: When a rule set is not a `Ruleset` or a record is invalid (its path
            prefixed with its index, ``$[3].customization``).

    Example:
        >>> from clientcustomer import RulesetPolicy, Rule, Ruleset, diff_rulesets
        >>> def rules(version, at):
        ...     policy = RulesetPolicy("score", client_at=at, customer_below=at)
        ...     return Ruleset("mine", version, policy,
        ...         (Rule("collab", "collaborative_share >= 0.2", "Collaborative.",
        ...               aspect="interaction", points=1.0),))
        >>> diff = diff_rulesets(rules("1", 2.0), rules("2", 1.0),
        ...     [{"id": "acme", "collaborative_share": 0.5}, {"id": "shop"}])
        >>> [(c.id, c.old_role.value, c.new_role.value) for c in diff.changes]
        [('acme', 'customer', 'client')]
        >>> diff.total, len(diff.role_changes)
        (2, 1)
    """
    for name, value in (("old", old), ("new", new)):
        if not isinstance(value, Ruleset):
            raise ValidationError.single(name, "a Ruleset", value)
    reader, before, after = Classifier(_reader(old, new)), Classifier(old), Classifier(new)
    only_new = frozenset(new.signals) - frozenset(old.signals)
    only_old = frozenset(old.signals) - frozenset(new.signals)
    counts: collections.Counter[tuple[Role, Role]] = collections.Counter()
    changes: list[VerdictChange] = []
    total = 0
    for index, item in enumerate(records):
        record_id, record = _pair(index, item)
        try:
            signals = reader.signals_of(record, passthrough=passthrough)
            before.signals_of(signals, passthrough=only_new)
            after.signals_of(signals, passthrough=only_old)
        except ValidationError as error:
            raise error.prefixed(f"$[{index}]") from None
        was = before.classify(signals, passthrough=only_new)
        now = after.classify(signals, passthrough=only_old)
        total += 1
        counts[was.role, now.role] += 1
        if _changed(was, now):
            changes.append(
                VerdictChange(
                    record_id,
                    was.role,
                    now.role,
                    was.decided_by,
                    now.decided_by,
                    was.score,
                    now.score,
                )
            )
    roles = tuple(RoleChange(a, b, counts[a, b]) for a in _ORDER for b in _ORDER if counts[a, b])
    return RulesetDiff(old.ref, new.ref, total, tuple(changes), roles)
