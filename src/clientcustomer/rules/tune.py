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


def _candidates(knob: _Knob, records: Sequence[Signals]) -> list[float]:
    seen = sorted(
        {
            float(value)
            for value in (_read(record, knob.signal) for record in records)
            if isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
        }
    )
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
    ) -> None:
        read = Classifier(ruleset).signals_of
        examples = [read(example.signals) for example in ruleset.examples]
        self.expect = [example.expect for example in ruleset.examples]
        self.records = [*records, *examples]
        self.size = len(records)
        self.labels = list(labels)
        self.points = [float(rule.points or 0.0) for rule in ruleset.rules]
        self.conditions = [rule.condition for rule in ruleset.rules]
        self.fires = [self.fire(condition) for condition in self.conditions]
        self._orders: dict[str, tuple[list[float], list[int]]] = {}
        requires = ruleset.policy.requires
        if requires is None:
            self.gate = [True] * len(self.records)
        else:
            test = _compile(c.parse_condition(requires))
            self.gate = [test(record) is True for record in self.records]
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

    def fire(self, expr: c.Expr) -> list[bool | None]:
        test = _compile(expr)
        return [test(record) for record in self.records]

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
        if score >= self.client_at:
            role = Role.CLIENT
        elif score >= self.customer_below:
            role = Role.AMBIGUOUS
        else:
            role = Role.CUSTOMER
        if not fired and unresolved:
            return Role.AMBIGUOUS
        if role is not Role.CUSTOMER and not self.gate[index]:
            return Role.CUSTOMER
        return role

    def order(self, signal: str) -> tuple[list[float], list[int]]:
        """The records with a known number for ``signal``: values sorted, and their indices."""
        if signal not in self._orders:
            known = sorted(
                (float(value), index)
                for index, value in enumerate(_read(record, signal) for record in self.records)
                if isinstance(value, int | float) and not isinstance(value, bool)
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
        test = _compile(condition)
        fires = self.fires[knob.rule]
        out = []
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
        for index in indices:
            if index >= self.size:
                gains.append(0)
                continue
            now = fires[index] is True
            score = self.score[index] - points * now
            fired = self.fired[index] - now
            unresolved = self.unresolved[index]
            label = self.labels[index]
            on = self.decide(index, score + points, fired + 1, unresolved) is label
            off = self.decide(index, score, fired, unresolved) is label
            gains.append(on - off)
            base -= (on - off) * now
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
            role = self.decide(index, score, fired, unresolved)
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

    def try_policy(self, client_at: float, customer_below: float) -> int | None:
        keep = self.client_at, self.customer_below
        self.client_at, self.customer_below = client_at, customer_below
        roles = [self.decide(index) for index in range(len(self.records))]
        self.client_at, self.customer_below = keep
        if any(roles[self.size + i] is not want for i, want in enumerate(self.expect)):
            return None
        return sum(roles[i] is self.labels[i] for i in range(self.size))

    def apply_policy(self, client_at: float, customer_below: float) -> None:
        self.client_at, self.customer_below = client_at, customer_below
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
        if _try(model, knob, current, candidate):  # passed over when it breaks an example
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
            model.try_policy(client_at, customer_below) is not None
        ):
            model.apply_policy(client_at, customer_below)
            improved = True
    for customer_below in scores:
        if customer_below > model.client_at:
            break
        if agreement(model.client_at, customer_below) > model.agree and (
            model.try_policy(model.client_at, customer_below) is not None
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


def _search(ruleset: Ruleset, records: Sequence[Signals], labels: Sequence[Role]) -> Ruleset:
    """Coordinate search: move one number at a time when it strictly improves agreement."""
    model = _Model(ruleset, records, labels)
    knobs = [
        knob for index, rule in enumerate(ruleset.rules) for knob in _knobs(rule.condition, index)
    ]
    values = {knob: knob.value for knob in knobs}
    candidates = {knob: _candidates(knob, records) for knob in knobs}
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
    tuned = _search(chosen, signals, roles)
    before = evaluate(signals, roles, chosen).agreement
    after = evaluate(signals, roles, tuned).agreement
    cross = None
    if folds and len(signals) >= folds:
        order = list(range(len(signals)))
        random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible split, not a secret
        held = []
        for fold in range(folds):
            test = set(order[fold::folds])
            train = [i for i in order if i not in test]
            fitted = _search(chosen, [signals[i] for i in train], [roles[i] for i in train])
            held.append(
                evaluate(
                    [signals[i] for i in sorted(test)], [roles[i] for i in sorted(test)], fitted
                ).agreement
            )
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
