"""A classified dataframe at a glance: the roles, the scores, what decided.

`summarize_frame` reads a frame `classify_frame` returned (pandas, polars, a lazy frame, DuckDB...
through narwhals, imported when called) with a few group-by queries, never a Python loop over
rows, and returns a `FrameSummary`: how many rows got each role, the score distribution per
role, what decided the verdicts (``score``, ``policy.requires``, ``insufficient-evidence`` or a
rule's id) and, for each rule, on how many rows of each role it fired. A notebook shows it as
tables and a bar per score.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer.exceptions import MissingDependencyError, ValidationError

from .compile import DECIDED_BY_COLUMN, ROLE_COLUMN, SCORE_COLUMN, _Frame, _narwhals_frame
from .ruleset import HitPolicy, Role, Ruleset, default_ruleset

__all__ = ["DecidedCount", "FrameSummary", "RuleCount", "ScoreCount", "summarize_frame"]

_ORDER = (Role.CUSTOMER, Role.AMBIGUOUS, Role.CLIENT)
_to_role = v.enum_converter(Role, "role")


def _role(value: Role | str) -> Role:
    return _to_role(value)


def _optional_role(value: Role | str | None) -> Role | None:
    return None if value is None else _to_role(value)


def _role_counts(pairs: Iterable[tuple[Role | str, int]]) -> tuple[tuple[Role, int], ...]:
    return tuple((_role(role), count) for role, count in pairs)


@attrs.frozen
class ScoreCount:
    """How many rows got one score with one role.

    Attributes:
        score: The score.
        role: The role those rows got.
        count: How many rows.

    Example:
        >>> from clientcustomer import ScoreCount
        >>> ScoreCount(6.0, "client", 2).role.value
        'client'
    """

    score: float = attrs.field(converter=v.to_float, validator=v.finite_float())
    role: Role = attrs.field(converter=_role)
    count: int = attrs.field(validator=v.integer(0))


@attrs.frozen
class DecidedCount:
    """How many verdicts one thing decided (see `Classification.decided_by`).

    Attributes:
        decided_by: ``score``, ``policy.requires``, ``insufficient-evidence``,
            ``policy.default`` or a rule's id.
        count: How many rows.

    Example:
        >>> from clientcustomer import DecidedCount
        >>> DecidedCount("score", 3).count
        3
    """

    decided_by: str = attrs.field(validator=v.non_empty_str)
    count: int = attrs.field(validator=v.integer(0))


def _optional_count(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        v.integer(0)(_instance, attribute, value)


@attrs.frozen
class RuleCount:
    """On how many rows of each role one rule fired.

    Attributes:
        rule_id: The rule's id.
        leans: The end its evidence leans to (its role, or the sign of its points).
        points: Its points under the ``score`` policy (``None`` under the others).
        customer: Rows classified customer on which it fired.
        ambiguous: Rows classified ambiguous on which it fired.
        client: Rows classified client on which it fired. The three counts are ``None`` when
            the frame lacks a column the rule reads (it cannot tell where the rule fired).

    Example:
        >>> from clientcustomer import RuleCount
        >>> RuleCount("collaborative", "client", 1.0, 0, 1, 4).fired
        5
    """

    rule_id: str = attrs.field(validator=v.non_empty_str)
    leans: Role | None = attrs.field(converter=_optional_role)
    points: float | None = attrs.field(
        converter=v.to_float, validator=v.finite_float(optional=True)
    )
    customer: int | None = attrs.field(validator=_optional_count)
    ambiguous: int | None = attrs.field(validator=_optional_count)
    client: int | None = attrs.field(validator=_optional_count)

    @property
    def fired(self) -> int | None:
        """On how many rows it fired in all (``None`` when that cannot be told).

        Example:
            >>> from clientcustomer import RuleCount
            >>> RuleCount("x", None, None, None, None, None).fired is None
            True
        """
        if self.customer is None or self.ambiguous is None or self.client is None:
            return None
        return self.customer + self.ambiguous + self.client

    @property
    def supporting(self) -> int | None:
        """On how many rows it fired toward the verdict: rows of the role it leans to.

        This is the rule's share in deciding the verdicts: evidence toward the role the rows
        got. ``None`` when that cannot be told.

        Example:
            >>> from clientcustomer import RuleCount
            >>> RuleCount("transactional", "customer", -1.0, 3, 1, 0).supporting
            3
        """
        if self.leans is None:
            return None
        return {
            Role.CUSTOMER: self.customer,
            Role.AMBIGUOUS: self.ambiguous,
            Role.CLIENT: self.client,
        }[self.leans]


@attrs.frozen
class FrameSummary:
    """A classified dataframe summed up: roles, score distribution, what decided, rules fired.

    Attributes:
        ruleset: The rule set as ``id@version``.
        total: How many rows.
        roles: How many rows got each role, as ``(role, count)`` in the order customer,
            ambiguous, client.
        scores: The score distribution: rows per (score, role), by score then role.
        decided_by: What decided the verdicts, the most frequent first.
        rules: Per rule of the rule set, on how many rows of each role it fired: the rules
            deciding most verdicts first (by `RuleCount.supporting`, then by rows fired), the
            rules the frame cannot tell about last, in rule-set order.
        client_at: Under a ``score`` rule set, the score from which a row is a client (the
            display marks it); ``None`` under the other policies.
        customer_below: Under a ``score`` rule set, the score below which a row is a customer.

    Example:
        >>> import polars as pl
        >>> from clientcustomer import classify_frame, summarize_frame
        >>> accounts = pl.DataFrame({"id": ["shop", "acme", "new"],
        ...     "collaborative_share": [0.0, 0.6, None], "customization": [0.0, 0.5, None]})
        >>> summary = summarize_frame(classify_frame(accounts))
        >>> summary.count("client"), summary.count("customer"), summary.top_rules(1)
        (1, 1, ('collaborative',))
    """

    ruleset: str = attrs.field(validator=v.non_empty_str)
    total: int = attrs.field(validator=v.integer(0))
    roles: tuple[tuple[Role, int], ...] = attrs.field(converter=_role_counts)
    scores: tuple[ScoreCount, ...] = attrs.field(
        default=(), validator=v.tuple_of(ScoreCount, "a ScoreCount")
    )
    decided_by: tuple[DecidedCount, ...] = attrs.field(
        default=(), validator=v.tuple_of(DecidedCount, "a DecidedCount")
    )
    rules: tuple[RuleCount, ...] = attrs.field(
        default=(), validator=v.tuple_of(RuleCount, "a RuleCount")
    )
    client_at: float | None = attrs.field(
        default=None, converter=v.to_float, validator=v.finite_float(optional=True), kw_only=True
    )
    customer_below: float | None = attrs.field(
        default=None, converter=v.to_float, validator=v.finite_float(optional=True), kw_only=True
    )

    @roles.validator
    def _check_roles(self, _attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        for index, (_, count) in enumerate(value):
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise ValidationError.single(f"$.roles[{index}]", "a count: an integer >= 0", count)
        if sum(count for _, count in value) != self.total:
            raise ValidationError.single(
                "$.roles", f"counts adding up to total ({self.total})", value
            )

    def count(self, role: Role | str) -> int:
        """How many rows got ``role``.

        Example:
            >>> from clientcustomer import FrameSummary
            >>> FrameSummary("default@1", 3, (("customer", 1), ("client", 2))).count("client")
            2
        """
        wanted = _role(role)
        return sum(count for found, count in self.roles if found is wanted)

    def top_rules(self, n: int = 3) -> tuple[str, ...]:
        """The ids of the ``n`` rules deciding most verdicts (none that never fired).

        A rule decides a verdict when it fires toward the role the row got
        (`RuleCount.supporting`).

        Example:
            >>> from clientcustomer import FrameSummary, RuleCount
            >>> summary = FrameSummary("r@1", 1, (("client", 1),),
            ...     rules=(RuleCount("a", "client", 1.0, 0, 0, 1),))
            >>> summary.top_rules()
            ('a',)
        """
        fired = [rule for rule in self.rules if rule.supporting]
        return tuple(rule.rule_id for rule in fired[: max(n, 0)])

    def _repr_html_(self) -> str:
        caption = f"{self.total} rows classified by {self.ruleset}"
        shares = [
            (role, count, f"{count / self.total:.1%}" if self.total else "—")
            for role, count in self.roles
        ]
        roles = h.table(("role", "rows", "share"), shares)
        return (
            h.section(caption, roles)
            + h.section(self._scores_title(), self._scores_html())
            + h.section(
                "what decided",
                h.table(("decided by", "rows"), [(d.decided_by, d.count) for d in self.decided_by]),
            )
            + h.section(
                "rules deciding most verdicts (rows of the role each leans to)", self._rules_html()
            )
        )

    def _scores_title(self) -> str:
        if self.client_at is None or self.customer_below is None:
            return "score distribution"
        return (
            f"score distribution (client at {self.client_at:g}, "
            f"customer below {self.customer_below:g})"
        )

    def _scores_html(self) -> str:
        by_score: dict[float, dict[Role, int]] = {}
        for item in self.scores:
            by_score.setdefault(item.score, {})[item.role] = item.count
        widest = max((sum(row.values()) for row in by_score.values()), default=1) or 1
        rows = []
        for score, counts in sorted(by_score.items()):
            total = sum(counts.values())
            bar = h.Raw(
                "<div style='display:inline-block;height:0.8em;background:currentColor;"
                f"opacity:0.55;width:{max(round(160 * total / widest), 1)}px'></div>"
            )
            rows.append((score, *(counts.get(role, 0) or "" for role in _ORDER), total, bar))
        return h.table(("score", *(role.value for role in _ORDER), "rows", ""), rows)

    def _rules_html(self, limit: int = 10) -> str:
        shown = [rule for rule in self.rules if rule.fired][:limit]
        unknown = [rule.rule_id for rule in self.rules if rule.fired is None]
        table = h.table(
            ("rule", "leans", "points", "decides", *(role.value for role in _ORDER), "fired"),
            [
                (
                    r.rule_id,
                    r.leans,
                    None if r.points is None else f"{r.points:+g}",
                    r.supporting,
                    r.customer,
                    r.ambiguous,
                    r.client,
                    r.fired,
                )
                for r in shown
            ],
        )
        if unknown:
            note = "not counted (the frame lacks a column they read): " + ", ".join(unknown)
            table += f"<p style='text-align:left'>{h.cell(note)}</p>"
        return table


def summarize_frame(frame: Any, ruleset: Ruleset | None = None) -> FrameSummary:  # noqa: ANN401
    """Sum up a frame `classify_frame` returned: roles, scores, what decided, rules fired.

    Works on any frame narwhals supports (pandas, polars eager or lazy, DuckDB, PySpark...) with
    three group-by queries; a lazy frame is computed then. Give the rule set the frame was
    classified with (the default one when ``None``): the rules' firing counts are computed from
    the frame's signal columns with it. A rule that reads a column the frame lacks is counted as
    unknown (``None``), not as never fired.

    Requires narwhals (``pip install clientcustomer[polars]`` or ``[pandas]``).

    Args:
        frame: A classified dataframe: the ``role``, ``score`` and ``decided_by`` columns that
            `classify_frame` adds, and the signal columns it read.
        ruleset: The rule set the frame was classified with; the default one when ``None``.

    Returns:
        The summary; in a notebook it shows as tables and a bar per score.

    Raises:
        ValidationError: When ``frame`` is not a dataframe, or lacks a verdict column.
        MissingDependencyError: When narwhals is not installed.

    Example:
        >>> import pandas as pd
        >>> from clientcustomer import classify_frame, summarize_frame
        >>> accounts = pd.DataFrame({"id": ["a", "b", "c"],
        ...     "collaborative_share": [0.0, 0.6, 0.7], "customization": [0.0, 0.5, 0.9]})
        >>> summary = summarize_frame(classify_frame(accounts))
        >>> summary.roles
        ((<Role.CUSTOMER: 'customer'>, 1), (<Role.AMBIGUOUS: 'ambiguous'>, 0), (<Role.CLIENT: 'client'>, 2))
        >>> [(d.decided_by, d.count) for d in summary.decided_by]
        [('score', 3)]
    """  # noqa: E501 - a doctest line cannot be wrapped
    try:
        import narwhals as nw_  # noqa: PLC0415 - an optional dependency, imported when used
    except ModuleNotFoundError:
        raise MissingDependencyError("summarize_frame", "narwhals", "polars") from None
    chosen = default_ruleset() if ruleset is None else ruleset
    if not isinstance(chosen, Ruleset):
        raise ValidationError.single("ruleset", "a Ruleset or None", ruleset)
    wrapped = _narwhals_frame(nw_, frame)
    schema = wrapped.collect_schema()
    names = frozenset(schema.names())
    missing = [name for name in (ROLE_COLUMN, SCORE_COLUMN, DECIDED_BY_COLUMN) if name not in names]
    if missing:
        raise ValidationError.single(
            f"$.{missing[0]}",
            "a classified frame (the role, score and decided_by columns classify_frame adds)",
            sorted(names),
        )
    floats = frozenset(name for name in names if schema[name].is_float())
    compiler = _Frame(nw_, names, floats)
    countable = [rule for rule in chosen.rules if set(rule.signals) <= names]
    fired = {
        f"_fired_{index}": compiler.fires(rule.condition).cast(nw_.Int64)
        for index, rule in enumerate(countable)
    }
    per_role = _rows(
        wrapped.with_columns(**fired)
        .group_by(ROLE_COLUMN)
        .agg(nw_.len().alias("_rows"), *(nw_.col(name).sum() for name in fired)),
        nw_,
    )
    by_role = {str(row[0]): row for row in per_role}
    unknown_roles = sorted(set(by_role) - {role.value for role in _ORDER})
    if unknown_roles:
        raise ValidationError.single(
            f"$.{ROLE_COLUMN}", "customer, ambiguous or client", unknown_roles[0]
        )
    roles = tuple(
        (role, int(by_role[role.value][1]) if role.value in by_role else 0) for role in _ORDER
    )
    counts: dict[str, tuple[int, int, int]] = {}
    for index, rule in enumerate(countable):
        counts[rule.id] = tuple(  # type: ignore[assignment]
            int(by_role[role.value][2 + index] or 0) if role.value in by_role else 0
            for role in _ORDER
        )
    rules = [
        RuleCount(rule.id, rule.leans, rule.points, *counts[rule.id])
        for rule in chosen.rules
        if rule.id in counts
    ]
    rules.sort(key=lambda item: (-(item.supporting or 0), -(item.fired or 0)))
    rules.extend(
        RuleCount(rule.id, rule.leans, rule.points, None, None, None)
        for rule in chosen.rules
        if rule.id not in counts
    )
    scores = _rows(wrapped.group_by(SCORE_COLUMN, ROLE_COLUMN).agg(nw_.len().alias("_rows")), nw_)
    decided = _rows(wrapped.group_by(DECIDED_BY_COLUMN).agg(nw_.len().alias("_rows")), nw_)
    order = {role: index for index, role in enumerate(_ORDER)}
    scored = chosen.policy.hit is HitPolicy.SCORE
    return FrameSummary(
        chosen.ref,
        sum(count for _, count in roles),
        roles,
        scores=tuple(
            sorted(
                (ScoreCount(score, role, int(count)) for score, role, count in scores),
                key=lambda item: (item.score, order[item.role]),
            )
        ),
        decided_by=tuple(
            sorted(
                (DecidedCount(str(name), int(count)) for name, count in decided),
                key=lambda item: (-item.count, item.decided_by),
            )
        ),
        rules=tuple(rules),
        client_at=chosen.policy.client_at if scored else None,
        customer_below=chosen.policy.customer_below if scored else None,
    )


def _rows(query: Any, nw_: Any) -> Iterable[tuple[Any, ...]]:  # noqa: ANN401 - narwhals
    """The rows of a small aggregate, computing a lazy one."""
    if isinstance(query, nw_.LazyFrame):
        query = query.collect()
    rows: list[tuple[Any, ...]] = query.rows()
    return rows
