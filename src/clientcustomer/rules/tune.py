"""Tune a rule set's thresholds on labelled records, keeping what every rule means.

Only the numbers move: each rule's ``signal OP number`` comparisons and the policy's
``client_at`` / ``customer_below``. Every rule keeps its operator (its direction), its text, its
aspect and its points, so a tuned rule set says the same things with other cut-offs. Candidate
thresholds come from the data (the values the signal takes, at most a few dozen quantiles); a
coordinate search keeps a change only when it strictly improves agreement. k-fold
cross-validation reports how the same procedure does on records it did not see, so overfitting
shows.
"""

from __future__ import annotations

import bisect
import math
import operator
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from clientcustomer._core.vocabulary import Role
from clientcustomer.exceptions import ValidationError
from clientcustomer.signals.derive import SIGNALS, Signals

from . import conditions as c
from .classifier import Classifier
from .evaluate import evaluate
from .ruleset import HitPolicy, Ruleset

__all__ = ["ThresholdChange", "Tuning", "tune"]

_CANDIDATES = 32
"""At most this many candidate thresholds per comparison (quantiles of the data)."""
_PASSES = 2

Path = tuple[int, ...]
_ORDERINGS = frozenset({">=", ">", "<=", "<"})
_MIRROR = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}
"""``t OP v`` read as ``v OP' t``."""
_Change = tuple[int, bool | None, bool | None]
"""A record whose rule result changes: its index, the result before and after."""
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


@attrs.frozen
class ThresholdChange:
    """One number the tuning moved.

    Attributes:
        rule_id: The rule (``policy`` for the policy's thresholds).
        name: The signal compared (or ``client_at`` / ``customer_below``).
        op: The comparison, unchanged (``>=``, ``<``...; empty for the policy).
        old: The number before.
        new: The number after.

    Example:
        >>> from clientcustomer import ThresholdChange
        >>> print(ThresholdChange("customized", "customization", ">=", 0.2, 0.15))
        customized: customization >= 0.2 -> 0.15
    """

    rule_id: str
    name: str
    op: str
    old: float
    new: float

    def __str__(self) -> str:
        op = f" {self.op}" if self.op else ""
        return f"{self.rule_id}: {self.name}{op} {self.old:g} -> {self.new:g}"


@attrs.frozen
class Tuning:
    """A tuned rule set and how it did.

    Attributes:
        ruleset: The tuned rule set (same ids, texts, aspects, points and operators).
        changes: Every number that moved.
        before: Agreement of the input rule set on all the records.
        after: Agreement of the tuned rule set on all the records (in-sample).
        cross_validated: Mean agreement on held-out records when tuning on the other folds.
        folds: How many folds (0: no cross-validation).
        broken_examples: The rule set's embedded examples the tuned thresholds get wrong.

    Example:
        >>> from clientcustomer import tune
        >>> records = [{"customization": x / 10, "collaborative_share": x / 10}
        ...            for x in range(10)] * 3
        >>> labels = ["client" if r["customization"] >= 0.5 else "customer" for r in records]
        >>> result = tune(records, labels, folds=3)
        >>> result.after >= result.before
        True
    """

    ruleset: Ruleset
    changes: tuple[ThresholdChange, ...]
    before: float
    after: float
    cross_validated: float | None
    folds: int
    broken_examples: tuple[str, ...] = ()


@attrs.frozen
class _Knob:
    """A number of one rule's condition that tuning may move."""

    rule: int
    path: Path
    signal: str
    op: str
    value: float
    integer: bool


def _knobs(expr: c.Expr, rule: int, path: Path = ()) -> Iterable[_Knob]:
    if isinstance(expr, c.Compare):
        left, right = expr.left, expr.right
        for name, number in ((left, right), (right, left)):
            if (
                isinstance(name, c.Name)
                and isinstance(number, c.Literal)
                and isinstance(number.value, int | float)
                and not isinstance(number.value, bool)
                and math.isfinite(float(number.value))
            ):
                spec = SIGNALS.get(name.name)
                integer = spec is not None and spec.type == "integer"
                side = 1 if number is right else 0
                yield _Knob(rule, (*path, side), name.name, expr.op, float(number.value), integer)
    elif isinstance(expr, c.And | c.Or):
        for index, part in enumerate(expr.operands):
            yield from _knobs(part, rule, (*path, index))
    elif isinstance(expr, c.Not):
        yield from _knobs(expr.operand, rule, (*path, 0))


def _replace(expr: c.Expr, path: Path, value: float) -> c.Expr:
    if isinstance(expr, c.Compare):
        side = path[0]
        literal = c.Literal(value)
        return attrs.evolve(expr, right=literal) if side == 1 else attrs.evolve(expr, left=literal)
    if isinstance(expr, c.And | c.Or):
        parts = list(expr.operands)
        parts[path[0]] = _replace(parts[path[0]], path[1:], value)
        return attrs.evolve(expr, operands=tuple(parts))
    if isinstance(expr, c.Not):
        return attrs.evolve(expr, operand=_replace(expr.operand, path[1:], value))
    raise AssertionError(expr)  # pragma: no cover - a knob's path leads to a comparison


def _number(value: float, integer: bool) -> float | int:
    if integer:
        return int(value)
    return int(value) if value == int(value) and abs(value) < 2**53 else value


def _read(signals: Signals, name: str) -> object:
    return getattr(signals, name, None) if name in SIGNALS else signals.custom.get(name)


Column = list[float | None]
"""One signal's numbers, record by record (``None``: unknown or not a number)."""


def _column(records: Sequence[Signals], signal: str) -> Column:
    """The numbers of ``signal``, read once per record (booleans and text are not numbers)."""
    out: Column = []
    for record in records:
        value = _read(record, signal)
        known = isinstance(value, int | float) and not isinstance(value, bool)
        out.append(float(value) if known else None)  # type: ignore[arg-type]
    return out


def _candidates(knob: _Knob, column: Column) -> list[float]:
    seen = sorted({value for value in column if value is not None and math.isfinite(value)})
    if len(seen) > _CANDIDATES:
        step = (len(seen) - 1) / (_CANDIDATES - 1)
        seen = [seen[round(i * step)] for i in range(_CANDIDATES)]
    seen = sorted({float(f"{x:.3g}") for x in seen})  # readable cut-offs: 3 significant digits
    if knob.integer:
        seen = sorted({float(math.floor(x)) for x in seen} | {float(math.ceil(x)) for x in seen})
    spec = SIGNALS.get(knob.signal)
    low = None if spec is None else spec.minimum
    high = None if spec is None else spec.maximum
    return [x for x in seen if (low is None or x >= low) and (high is None or x <= high)] + [
        knob.value
    ]


class _Model:
    """The score policy's decision over fixed records, updated one rule at a time.

    Per record it keeps the score, how many rules fired and how many were unresolved, so moving
    one rule's threshold re-reads that rule only and re-decides only the records it changes.
    The decision is the classifier's: thresholds, then "no known evidence" (ambiguous), then the
    policy's requirement. The rule set's embedded examples ride along as constraints.
    """

    def __init__(
        self,
        ruleset: Ruleset,
        records: Sequence[Signals],
        labels: Sequence[Role],
        data: _Data,
    ) -> None:
        read = Classifier(ruleset).signals_of
        examples = [read(example.signals) for example in ruleset.examples]
        self.expect = [example.expect for example in ruleset.examples]
        self.records = [*records, *examples]
        self.columns = {
            name: [*column, *_column(examples, name)] for name, column in data.columns.items()
        }
        self._roles: dict[tuple[float, bool, bool, bool], Role] = {}
        self.size = len(records)
        self.labels = list(labels)
        self.points = [float(rule.points or 0.0) for rule in ruleset.rules]
        self.conditions = [rule.condition for rule in ruleset.rules]
        self.fires = [
            [*fires, *(_compile(condition)(example) for example in examples)]
            for fires, condition in zip(data.fires, self.conditions, strict=True)
        ]
        self._orders: dict[str, tuple[list[float], list[int]]] = {}
        self.gate = [*data.gate, *_gate(ruleset, examples)]
        self.client_at = ruleset.policy.client_at
        self.customer_below = ruleset.policy.customer_below
        count = len(self.records)
        self.score = [0.0] * count
        self.fired = [0] * count
        self.unresolved = [0] * count
        for points, fires in zip(self.points, self.fires, strict=True):
            for index, fired in enumerate(fires):
                if fired:
                    self.score[index] += points
                    self.fired[index] += 1
                elif fired is None:
                    self.unresolved[index] += 1
        self.roles = [self.decide(index) for index in range(count)]
        self.agree = sum(self.roles[i] is self.labels[i] for i in range(self.size))

    def examples_hold(self, rule: int, condition: c.Expr) -> bool:
        """Whether every embedded example keeps its role with ``rule`` as ``condition``."""
        test = _compile(condition)
        points, fires = self.points[rule], self.fires[rule]
        for index in range(self.size, len(self.records)):
            before, after = fires[index], test(self.records[index])
            if after == before:
                continue
            score = self.score[index] + points * ((after is True) - (before is True))
            fired = self.fired[index] + (after is True) - (before is True)
            unresolved = self.unresolved[index] + (after is None) - (before is None)
            role = self.role(score, fired > 0, unresolved > 0, self.gate[index])
            if role is not self.expect[index - self.size]:
                return False
        return True

    def decide(
        self,
        index: int,
        score: float | None = None,
        fired: int | None = None,
        unresolved: int | None = None,
    ) -> Role:
        score = self.score[index] if score is None else score
        fired = self.fired[index] if fired is None else fired
        unresolved = self.unresolved[index] if unresolved is None else unresolved
        return _decide(
            score,
            bool(fired),
            bool(unresolved),
            self.gate[index],
            self.client_at,
            self.customer_below,
        )

    def role(self, score: float, fired: bool, unresolved: bool, gate: bool) -> Role:
        """`_decide` under the current thresholds, remembered (few distinct inputs)."""
        key = (score, fired, unresolved, gate)
        found = self._roles.get(key)
        if found is None:
            found = self._roles[key] = _decide(
                score, fired, unresolved, gate, self.client_at, self.customer_below
            )
        return found

    def order(self, signal: str) -> tuple[list[float], list[int]]:
        """The records with a known number for ``signal``: values sorted, and their indices."""
        if signal not in self._orders:
            column = self.columns[signal]
            known = sorted(
                (value, index) for index, value in enumerate(column) if value is not None
            )
            self._orders[signal] = ([v for v, _ in known], [i for _, i in known])
        return self._orders[signal]

    def changes(self, knob: _Knob, old: float, new: float, condition: c.Expr) -> list[_Change]:
        """The records whose rule result changes when ``knob`` moves from ``old`` to ``new``.

        Only a record whose value lies between the two thresholds (both included) can change:
        one comparison moved, and it reads that value only.
        """
        values, indices = self.order(knob.signal)
        low, high = min(old, new), max(old, new)
        start, stop = bisect.bisect_left(values, low), bisect.bisect_right(values, high)
        fires = self.fires[knob.rule]
        out: list[_Change] = []
        after: bool | None
        if len(knob.path) == 1 and knob.op in _ORDERINGS:  # the rule is this one comparison
            op = knob.op if knob.path[0] == 1 else _MIRROR[knob.op]  # as "value OP threshold"
            compare = _COMPARE[op]
            threshold = float(_number(new, knob.integer))
            for value, index in zip(values[start:stop], indices[start:stop], strict=True):
                after = compare(value, threshold)
                if after != fires[index]:
                    out.append((index, fires[index], after))
            return out
        test = _compile(condition)
        for index in indices[start:stop]:
            after = test(self.records[index])
            if after != fires[index]:
                out.append((index, fires[index], after))
        return out

    def sweep(self, knob: _Knob, candidates: Sequence[float]) -> list[tuple[int, float]] | None:
        """Agreement at every candidate threshold in one pass, for a rule that is one comparison.

        With the rule's other inputs fixed, each record's verdict is one of two (the rule fires
        or not); as the threshold sweeps the sorted values, records flip one by one, so the
        agreement at every threshold is a prefix or suffix sum. ``None`` when the rule is not a
        single ordering comparison (the caller then tries candidates one by one).
        """
        if len(knob.path) != 1 or knob.op not in _ORDERINGS:
            return None
        op = knob.op if knob.path[0] == 1 else _MIRROR[knob.op]  # as "value OP threshold"
        values, indices = self.order(knob.signal)
        points, fires = self.points[knob.rule], self.fires[knob.rule]
        gains = []
        base = self.agree
        size, role = self.size, self.role
        scores, fireds, unresolveds = self.score, self.fired, self.unresolved
        gates, labels = self.gate, self.labels
        memo: dict[tuple[float, int, int, bool, Role, bool], int] = {}
        for index in indices:
            if index >= size:
                gains.append(0)
                continue
            now = fires[index] is True
            key = (
                scores[index],
                fireds[index],
                unresolveds[index],
                gates[index],
                labels[index],
                now,
            )
            gain = memo.get(key)
            if gain is None:
                score, fired = scores[index] - points * now, fireds[index] - now
                unresolved, gate, label = unresolveds[index] > 0, gates[index], labels[index]
                on = role(score + points, True, unresolved, gate) is label  # noqa: FBT003 - fired
                off = role(score, fired > 0, unresolved, gate) is label
                gain = memo[key] = on - off
            gains.append(gain)
            base -= gain * now
        prefix = [0]
        for gain in gains:
            prefix.append(prefix[-1] + gain)
        total = prefix[-1]
        out = []
        for candidate in candidates:
            if op in {">=", ">"}:
                start = (bisect.bisect_left if op == ">=" else bisect.bisect_right)(
                    values, candidate
                )
                firing = total - prefix[start]
            else:
                stop = (bisect.bisect_right if op == "<=" else bisect.bisect_left)(
                    values, candidate
                )
                firing = prefix[stop]
            out.append((base + firing, candidate))
        return out

    def try_rule(self, rule: int, changes: Sequence[_Change]) -> int | None:
        """The agreement if ``rule`` changed as ``changes``; ``None`` when an example breaks."""
        points = self.points[rule]
        agree = self.agree
        for index, before, after in changes:
            score = self.score[index] + points * ((after is True) - (before is True))
            fired = self.fired[index] + (after is True) - (before is True)
            unresolved = self.unresolved[index] + (after is None) - (before is None)
            role = self.role(score, fired > 0, unresolved > 0, self.gate[index])
            if index >= self.size:
                if role is not self.expect[index - self.size]:
                    return None
                continue
            label = self.labels[index]
            agree += (role is label) - (self.roles[index] is label)
        return agree

    def apply_rule(self, rule: int, condition: c.Expr, changes: Sequence[_Change]) -> None:
        points, fires = self.points[rule], self.fires[rule]
        for index, before, after in changes:
            self.score[index] += points * ((after is True) - (before is True))
            self.fired[index] += (after is True) - (before is True)
            self.unresolved[index] += (after is None) - (before is None)
            fires[index] = after
            label = self.labels[index] if index < self.size else None
            was = self.roles[index]
            self.roles[index] = self.decide(index)
            if label is not None:
                self.agree += (self.roles[index] is label) - (was is label)
        self.conditions[rule] = condition

    def policy_keeps_examples(self, client_at: float, customer_below: float) -> bool:
        """Whether every embedded example keeps its role under these policy thresholds.

        The records' agreement under them is counted by `_move_policy` (by groups).
        """
        keep = self.client_at, self.customer_below
        self.client_at, self.customer_below = client_at, customer_below
        try:
            return all(self.decide(self.size + i) is want for i, want in enumerate(self.expect))
        finally:
            self.client_at, self.customer_below = keep

    def apply_policy(self, client_at: float, customer_below: float) -> None:
        self.client_at, self.customer_below = client_at, customer_below
        self._roles.clear()
        self.roles = [self.decide(index) for index in range(len(self.records))]
        self.agree = sum(self.roles[i] is self.labels[i] for i in range(self.size))


def _compile(expr: c.Expr) -> Callable[[Signals], bool | None]:
    def getter(name: str) -> Callable[[object], object]:
        return lambda record: _read(record, name)  # type: ignore[arg-type]

    return c.compile_condition(expr, getter)


def _try(model: _Model, knob: _Knob, current: float, candidate: float) -> bool:
    """Move ``knob`` to ``candidate`` if that strictly improves agreement and keeps the examples."""
    condition = _replace(model.conditions[knob.rule], knob.path, _number(candidate, knob.integer))
    changes = model.changes(knob, current, candidate, condition)
    agree = model.try_rule(knob.rule, changes)
    if agree is None or agree <= model.agree:
        return False
    model.apply_rule(knob.rule, condition, changes)
    return True


def _move(model: _Model, knob: _Knob, current: float, candidates: Sequence[float]) -> float:
    """The knob's threshold after trying the candidates (best first when they can be swept)."""
    swept = model.sweep(knob, candidates)
    if swept is None:
        for candidate in candidates:
            if candidate != current and _try(model, knob, current, candidate):
                current = candidate
        return current
    ranked = sorted(swept, key=lambda item: (-item[0], abs(item[1] - current)))
    for agree, candidate in ranked:
        if agree <= model.agree:
            break
        # The sweep counted the agreement exactly: only the examples are left to check.
        condition = _replace(
            model.conditions[knob.rule], knob.path, _number(candidate, knob.integer)
        )
        if model.examples_hold(knob.rule, condition):  # else passed over: it breaks one
            model.apply_rule(
                knob.rule, condition, model.changes(knob, current, candidate, condition)
            )
            return candidate
    return current


def _move_policy(model: _Model) -> bool:
    """Try every score seen as ``client_at``, then as ``customer_below``; True if one helped.

    The records are grouped by what the policy reads (score, whether a rule fired, whether one
    was unresolved, the requirement, the label), so each candidate costs one pass over groups.
    """
    groups: Counter[tuple[float, bool, bool, bool, Role]] = Counter(
        (
            model.score[i],
            model.fired[i] > 0,
            model.unresolved[i] > 0,
            model.gate[i],
            model.labels[i],
        )
        for i in range(model.size)
    )

    def agreement(client_at: float, customer_below: float) -> int:
        total = 0
        for (score, fired, unresolved, gate, label), count in groups.items():
            role = _decide(score, fired, unresolved, gate, client_at, customer_below)
            total += count * (role is label)
        return total

    improved = False
    scores = sorted({key[0] for key in groups})
    for client_at in scores:
        customer_below = min(model.customer_below, client_at)
        if agreement(client_at, customer_below) > model.agree and (
            model.policy_keeps_examples(client_at, customer_below)
        ):
            model.apply_policy(client_at, customer_below)
            improved = True
    for customer_below in scores:
        if customer_below > model.client_at:
            break
        if agreement(model.client_at, customer_below) > model.agree and (
            model.policy_keeps_examples(model.client_at, customer_below)
        ):
            model.apply_policy(model.client_at, customer_below)
            improved = True
    return improved


def _decide(  # noqa: PLR0913, PLR0917 - the decision's inputs, spelled out
    score: float,
    fired: bool,
    unresolved: bool,
    gate: bool,
    client_at: float,
    customer_below: float,
) -> Role:
    if not fired and unresolved:
        return Role.AMBIGUOUS
    if score >= client_at:
        role = Role.CLIENT
    elif score >= customer_below:
        role = Role.AMBIGUOUS
    else:
        return Role.CUSTOMER
    return role if gate else Role.CUSTOMER


@attrs.frozen
class _Data:
    """What the search reads of the records, computed once and shared by the folds.

    Per rule, whether it fires on each record under the rule set as given; whether each record
    meets the policy's requirement; per compared signal, its numbers.
    """

    fires: list[list[bool | None]]
    gate: list[bool]
    columns: dict[str, Column]

    @classmethod
    def of(cls, ruleset: Ruleset, records: Sequence[Signals]) -> _Data:
        fires = [[*map(_compile(rule.condition), records)] for rule in ruleset.rules]
        names = dict.fromkeys(knob.signal for knob in _all_knobs(ruleset))
        columns = {name: _column(records, name) for name in names}
        return cls(fires, _gate(ruleset, records), columns)

    def take(self, indices: Sequence[int]) -> _Data:
        return _Data(
            [[fires[i] for i in indices] for fires in self.fires],
            [self.gate[i] for i in indices],
            {name: [column[i] for i in indices] for name, column in self.columns.items()},
        )


def _gate(ruleset: Ruleset, records: Sequence[Signals]) -> list[bool]:
    """Whether each record meets the policy's requirement (every record when there is none)."""
    requires = ruleset.policy.requires
    if requires is None:
        return [True] * len(records)
    test = _compile(c.parse_condition(requires))
    return [test(record) is True for record in records]


def _search(
    ruleset: Ruleset, records: Sequence[Signals], labels: Sequence[Role], data: _Data
) -> Ruleset:
    """Coordinate search: move one number at a time when it strictly improves agreement."""
    model = _Model(ruleset, records, labels, data)
    knobs = _all_knobs(ruleset)
    values = {knob: knob.value for knob in knobs}
    candidates = {knob: _candidates(knob, data.columns[knob.signal]) for knob in knobs}
    for _ in range(_PASSES):
        before = model.agree
        for knob in knobs:
            values[knob] = _move(model, knob, values[knob], candidates[knob])
        moved = _move_policy(model)
        if model.agree == before and not moved:
            break
    rules = tuple(
        attrs.evolve(rule, when=c.to_text(condition)) if condition != rule.condition else rule
        for rule, condition in zip(ruleset.rules, model.conditions, strict=True)
    )
    policy = attrs.evolve(
        ruleset.policy, client_at=model.client_at, customer_below=model.customer_below
    )
    version = ruleset.version.removesuffix("-tuned") + "-tuned"
    return attrs.evolve(ruleset, version=version, rules=rules, policy=policy)


def _agreement(ruleset: Ruleset, records: Sequence[Signals], labels: Sequence[Role]) -> float:
    """The share of records whose verdict under ``ruleset`` is their label.

    The model's decision is the classifier's when its sums are exact (`_exact`; a property
    test holds them equal), and it reads
    each rule once per record without building a `Classification`: several times faster than
    `evaluate` for the held-out folds.
    """
    if not records:
        return 0.0
    if not _exact(ruleset):
        return evaluate(records, labels, ruleset).agreement
    return _Model(ruleset, records, labels, _Data.of(ruleset, records)).agree / len(records)


_GRAIN = 2.0**20


def _exact(ruleset: Ruleset) -> bool:
    """Whether adding the rules' points one by one gives the classifier's exact sum.

    The classifier sums a record's points exactly (`math.fsum`); the model adds and removes them
    one at a time. That is exact when every point is a multiple of 2**-20 and all of them
    together stay far below 2**53 such grains (points such as 1, -2, 0.5 or 2.25); otherwise
    the figures come from `evaluate`.
    """
    points = [float(rule.points or 0.0) for rule in ruleset.rules]
    return all((p * _GRAIN).is_integer() for p in points) and (
        math.fsum(abs(p) for p in points) * _GRAIN < 2.0**52
    )


def _all_knobs(ruleset: Ruleset) -> list[_Knob]:
    return [
        knob for index, rule in enumerate(ruleset.rules) for knob in _knobs(rule.condition, index)
    ]


def _changes(old: Ruleset, new: Ruleset) -> tuple[ThresholdChange, ...]:
    changes: list[ThresholdChange] = []
    for before, after in zip(old.rules, new.rules, strict=True):
        old_knobs = list(_knobs(before.condition, 0))
        new_knobs = list(_knobs(after.condition, 0))
        changes.extend(
            ThresholdChange(before.id, a.signal, a.op, a.value, b.value)
            for a, b in zip(old_knobs, new_knobs, strict=True)
            if a.value != b.value
        )
    for name in ("client_at", "customer_below"):
        a, b = getattr(old.policy, name), getattr(new.policy, name)
        if a != b:
            changes.append(ThresholdChange("policy", name, "", a, b))
    return tuple(changes)


def tune(
    records: Iterable[Mapping[str, Any] | Signals],
    labels: Iterable[Role | str],
    ruleset: Ruleset | None = None,
    *,
    folds: int = 5,
    seed: int = 0,
) -> Tuning:
    """Move a rule set's thresholds to agree better with labels, keeping every rule's meaning.

    Args:
        records: Signal records (mappings or `Signals`); an ``id`` key is not read as a signal.
        labels: One label per record (``customer`` or ``client``).
        ruleset: The rule set to tune (the default one when ``None``); its policy must be
            ``score``.
        folds: Folds of the cross-validation (at least 2), or 0 to skip it.
        seed: Seeds the split into folds.

    Returns:
        The `Tuning`: the tuned rule set, what moved, agreement before and after, and
        the cross-validated agreement.

    Raises:
        ValidationError: When the policy is not ``score``, a label is not a role, or the inputs
            differ in length.

    Example:
        >>> from clientcustomer import tune
        >>> records = [{"customization": x / 20, "collaborative_share": x / 40}
        ...            for x in range(20)]
        >>> labels = ["client" if x >= 8 else "customer" for x in range(20)]
        >>> result = tune(records, labels, folds=0)
        >>> result.before, result.after  # before: some records fire no rule (cannot tell);
        ...                              # after: the rule set's worked examples hold it below 1
        (0.3, 0.85)
        >>> print(result.changes[0])
        mostly-collaborative: collaborative_share >= 0.5 -> 0.275
    """
    classifier = Classifier(ruleset)
    chosen = classifier.ruleset
    if chosen.policy.hit is not HitPolicy.SCORE:
        raise ValidationError.single(
            "$.ruleset.policy.hit",
            "'score' (tuning moves a score policy's thresholds)",
            chosen.policy.hit.value,
        )
    if isinstance(folds, bool) or not isinstance(folds, int) or folds == 1 or folds < 0:
        raise ValidationError.single("$.folds", "0 or an integer >= 2", folds)
    signals: list[Signals] = []
    for record in records:
        if isinstance(record, Mapping) and "id" in record:
            record = {k: v for k, v in record.items() if k != "id"}  # noqa: PLW2901
        signals.append(record if isinstance(record, Signals) else classifier.signals_of(record))
    roles = [evaluation.label for evaluation in _labels(signals, labels, chosen)]
    data = _Data.of(chosen, signals)
    if not signals:
        before = 0.0
    elif _exact(chosen):
        before = _Model(chosen, signals, roles, data).agree / len(signals)
    else:
        before = evaluate(signals, roles, chosen).agreement
    tuned = _search(chosen, signals, roles, data)
    after = evaluate(signals, roles, tuned).agreement  # the classifier's own count, in full
    cross = None
    if folds and len(signals) >= folds:
        order = list(range(len(signals)))
        random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible split, not a secret
        held = []
        for fold in range(folds):
            test = sorted(order[fold::folds])
            held_out = set(test)
            train = [i for i in order if i not in held_out]
            fitted = _search(
                chosen,
                [signals[i] for i in train],
                [roles[i] for i in train],
                data.take(train),
            )
            held.append(_agreement(fitted, [signals[i] for i in test], [roles[i] for i in test]))
        cross = math.fsum(held) / len(held)
    broken = tuple(
        result.example_id for result in Classifier(tuned).run_examples() if not result.passed
    )
    return Tuning(tuned, _changes(chosen, tuned), before, after, cross, folds, broken)


@attrs.frozen
class _Labelled:
    label: Role


def _labels(
    signals: Sequence[Signals], labels: Iterable[Role | str], ruleset: Ruleset
) -> list[_Labelled]:
    """Check the labels (one per record, each a role) through `evaluate`'s own checks."""
    given = list(labels)
    evaluate(signals[:0], [], ruleset)  # the same rule set check, nothing classified
    if len(given) != len(signals):
        raise ValidationError.single(
            "$.labels", f"one label per record ({len(signals)})", len(given)
        )
    out = []
    for index, label in enumerate(given):
        try:
            out.append(_Labelled(Role(str(getattr(label, "value", label)).strip().lower())))
        except ValueError:
            raise ValidationError.single(
                f"$.labels[{index}]", "'customer', 'client' or 'ambiguous'", label
            ) from None
    return out
