"""How good are the rules: agreement with labels, and the near misses of one verdict.

`evaluate` classifies labelled records and compares: the confusion matrix, agreement, per-role
precision and recall, Cohen's kappa, the share left ambiguous, per-rule figures and every
disagreement with its explanation. `near_misses` answers "what would change this verdict?": the
smallest change of one signal that gives another role, read off the rule set's own thresholds.
"""

from __future__ import annotations

import html
import itertools
import math
import types
from collections import Counter
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from clientcustomer._core import validation as v
from clientcustomer._core.vocabulary import Role
from clientcustomer.exceptions import ValidationError
from clientcustomer.signals.derive import SIGNALS, Signals

from . import conditions as c
from .classifier import Classification, Classifier, _default_classifier
from .ruleset import HitPolicy, Ruleset

__all__ = [
    "Disagreement",
    "Evaluation",
    "Explanation",
    "NearMiss",
    "RuleFigure",
    "evaluate",
    "explain",
    "near_misses",
]

_ROLES = (Role.CUSTOMER, Role.AMBIGUOUS, Role.CLIENT)
_CORNER = "label \\ verdict"
_HTML_DISAGREEMENTS = 20


def _frozen_counts(counts: Mapping[tuple[Role, Role], int]) -> Mapping[tuple[Role, Role], int]:
    return types.MappingProxyType(dict(counts))


def _frozen_scores(counts: Mapping[tuple[Role, float], int]) -> Mapping[tuple[Role, float], int]:
    return types.MappingProxyType(dict(counts))


@attrs.frozen
class RuleFigure:
    """How one rule did on labelled records.

    Attributes:
        rule_id: The rule.
        fired: On how many records it fired.
        agreement: Of those, the share whose verdict agreed with the label (``None``: never fired).
        client_lift: The share of records labelled client among those it fired on, divided by
            that share among all records (above 1: it fires more on clients; ``None`` when it
            never fired or no record is labelled client).

    Example:
        >>> from clientcustomer import RuleFigure
        >>> RuleFigure("collaborative", 10, 0.9, 2.5).client_lift
        2.5
    """

    rule_id: str = attrs.field(validator=v.non_empty_str)
    fired: int
    agreement: float | None
    client_lift: float | None


@attrs.frozen
class Disagreement:
    """A record whose verdict differs from its label, with the verdict's explanation.

    Attributes:
        index: The record's position (0-based) in the input.
        id: The record's ``id`` when it had one.
        label: The label given.
        verdict: The classification.

    Example:
        >>> from clientcustomer import classify, Disagreement
        >>> item = Disagreement(0, "acme", "client", classify({"customization": 0.0}))
        >>> item.verdict.role.value, item.label.value
        ('customer', 'client')
    """

    index: int
    id: str | None
    label: Role = attrs.field(converter=Role)
    verdict: Classification


@attrs.frozen
class Evaluation:
    """A rule set's verdicts against labels.

    Attributes:
        ruleset: The rule set as ``id@version``.
        total: How many records.
        matrix: ``(label, verdict) -> count`` for every pair that occurred.
        disagreements: Every record whose verdict is not its label, with its explanation.
        rules: Per rule, in the rule set's order.
        scores: ``(label, score) -> count``: the distribution of scores per label (the notebook
            display draws it).
        client_at: The rule set's client threshold (``None`` unless its policy is ``score``).
        customer_below: The rule set's customer threshold (``None`` unless ``score``).

    Example:
        >>> from clientcustomer import evaluate
        >>> records = [{"collaborative_share": 0.6, "customization": 0.5,
        ...             "active_engagement": True, "commitment_days": 300},
        ...            {"collaborative_share": 0.0, "customization": 0.0}]
        >>> result = evaluate(records, ["client", "customer"])
        >>> result.agreement, result.kappa
        (1.0, 1.0)
    """

    ruleset: str
    total: int
    matrix: Mapping[tuple[Role, Role], int] = attrs.field(converter=_frozen_counts)
    disagreements: tuple[Disagreement, ...]
    rules: tuple[RuleFigure, ...]
    scores: Mapping[tuple[Role, float], int] = attrs.field(
        default=types.MappingProxyType({}), converter=_frozen_scores
    )
    client_at: float | None = None
    customer_below: float | None = None

    def count(self, label: Role | str, verdict: Role | str) -> int:
        """How many records labelled ``label`` got ``verdict``.

        Example:
            >>> from clientcustomer import evaluate
            >>> evaluate([{"customization": 0.0}], ["customer"]).count("customer", "customer")
            1
        """
        return self.matrix.get((Role(label), Role(verdict)), 0)

    @property
    def agreement(self) -> float:
        """The share of records whose verdict equals their label (0 when there is none).

        Example:
            >>> from clientcustomer import evaluate
            >>> evaluate([{"customization": 0.0}], ["client"]).agreement
            0.0
        """
        return self._share(sum(self.count(role, role) for role in _ROLES))

    @property
    def ambiguous_share(self) -> float:
        """The share of records the rule set left ambiguous.

        Example:
            >>> from clientcustomer import evaluate
            >>> evaluate([{"customization": 0.0}], ["customer"]).ambiguous_share
            0.0
        """
        return self._share(self._given(Role.AMBIGUOUS))

    def _share(self, count: int) -> float:
        """``count`` as a share of all records (0 when there is none)."""
        return count / self.total if self.total else 0.0

    def _given(self, role: Role | str) -> int:
        """How many records were given ``role`` (a column of the matrix)."""
        return sum(self.count(label, role) for label in _ROLES)

    def _labelled(self, role: Role | str) -> int:
        """How many records are labelled ``role`` (a row of the matrix)."""
        return sum(self.count(role, verdict) for verdict in _ROLES)

    def precision(self, role: Role | str) -> float | None:
        """Of the records given ``role``, the share labelled so (``None``: never given).

        Example:
            >>> from clientcustomer import evaluate
            >>> figures = evaluate([{"customization": 0.0}] * 2, ["customer", "client"])
            >>> figures.precision("customer"), figures.precision("client")
            (0.5, None)
        """
        given = self._given(role)
        return self.count(role, role) / given if given else None

    def recall(self, role: Role | str) -> float | None:
        """Of the records labelled ``role``, the share given it (``None``: no such label).

        Example:
            >>> from clientcustomer import evaluate
            >>> evaluate([{"customization": 0.0}], ["client"]).recall("client")
            0.0
        """
        labelled = self._labelled(role)
        return self.count(role, role) / labelled if labelled else None

    @property
    def kappa(self) -> float:
        """Cohen's kappa: agreement beyond what chance gives with the same marginals.

        1 is perfect agreement, 0 what chance gives; 1 as well when both sides used one role only
        and agree.

        Example:
            >>> from clientcustomer import evaluate
            >>> evaluate([{"customization": 0.0}] * 2, ["customer", "client"]).kappa
            0.0
        """
        if not self.total:
            return 0.0
        n = self.total
        chance = sum(self._labelled(role) * self._given(role) for role in _ROLES) / (n * n)
        if math.isclose(chance, 1.0):
            return 1.0 if math.isclose(self.agreement, 1.0) else 0.0
        return (self.agreement - chance) / (1 - chance)

    def table(self) -> str:
        r"""The confusion matrix and the headline figures as plain text.

        Example:
            >>> from clientcustomer import evaluate
            >>> print(evaluate([{"customization": 0.0}], ["customer"]).table())
            label \ verdict    customer  ambiguous     client
            customer                  1          0          0
            ambiguous                 0          0          0
            client                    0          0          0
            agreement 100.0%, kappa 1.000, ambiguous 0.0% of 1 records
        """
        head = f"{_CORNER:<16}" + "".join(f"{role.value:>11}" for role in _ROLES)
        lines = [head]
        for label in _ROLES:
            cells = "".join(f"{self.count(label, verdict):>11}" for verdict in _ROLES)
            lines.append(f"{label.value:<16}{cells}")
        lines.append(
            f"agreement {self.agreement:.1%}, kappa {self.kappa:.3f}, "
            f"ambiguous {self.ambiguous_share:.1%} of {self.total:,} records"
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from clientcustomer._core import html as h  # noqa: PLC0415 - only for a display

        def share(value: float | None) -> str:
            return "—" if value is None else f"{value:.1%}"

        caption = (
            f"{self.ruleset} against {self.total:,} labels: agreement {self.agreement:.1%}, "
            f"kappa {self.kappa:.3f}, ambiguous {self.ambiguous_share:.1%}"
        )
        rows: list[tuple[object, ...]] = [
            (label, *(self.count(label, verdict) for verdict in _ROLES), share(self.recall(label)))
            for label in _ROLES
        ]
        rows.append(("precision", *(share(self.precision(role)) for role in _ROLES), ""))
        matrix = h.table((_CORNER, *(role.value for role in _ROLES), "recall"), rows)
        rules = h.table(
            ("rule", "fired", "agrees", "client lift"),
            [
                (
                    figure.rule_id,
                    figure.fired,
                    share(figure.agreement),
                    None if figure.client_lift is None else f"{figure.client_lift:.2f}",
                )
                for figure in self.rules
            ],
        )
        shown = self.disagreements[:_HTML_DISAGREEMENTS]
        more = len(self.disagreements) - len(shown)
        disagreements = h.table(
            ("record", "label", "verdict", "score", "decided by"),
            [
                (
                    item.index if item.id is None else item.id,
                    item.label,
                    item.verdict.role,
                    item.verdict.score,
                    item.verdict.decided_by,
                )
                for item in shown
            ],
            caption=f"the first {len(shown)}, and {more:,} more" if more else "",
        )
        chart = _distribution_svg(self.scores, self.client_at, self.customer_below)
        return (
            "<div style='text-align:left'>"
            + h.section(caption, matrix)
            + h.section("score distribution per label", chart)
            + h.section("rules", rules)
            + h.section(f"disagreements ({len(self.disagreements):,})", disagreements)
            + "</div>"
        )


def _label(value: object, field: int | str) -> Role:
    try:
        return Role(str(getattr(value, "value", value)).strip().lower())
    except ValueError:
        where = field if isinstance(field, str) else f"$.labels[{field}]"
        raise ValidationError.single(where, "'customer', 'client' or 'ambiguous'", value) from None


def evaluate(
    records: Iterable[Mapping[str, Any] | Signals],
    labels: Iterable[Role | str],
    ruleset: Ruleset | None = None,
) -> Evaluation:
    """Classify labelled records and compare the verdicts with the labels.

    Args:
        records: Signal records (mappings or `Signals`); an ``id`` key is kept to name the
            record in disagreements and is not read as a signal.
        labels: One label per record: ``customer``, ``client`` (or ``ambiguous``).
        ruleset: The rule set; the default one when ``None``.

    Returns:
        The `Evaluation`: matrix, agreement, precision and recall, kappa, per-rule figures and
        every disagreement with its explanation.

    Raises:
        ValidationError: When a label is not a role, the two inputs differ in length, or a
            record is not valid for the rule set.

    Example:
        >>> from clientcustomer import evaluate
        >>> result = evaluate([{"collaborative_share": 0.0, "customization": 0.0}], ["client"])
        >>> [(item.label.value, item.verdict.role.value) for item in result.disagreements]
        [('client', 'customer')]
    """
    classifier = Classifier(ruleset)
    chosen = classifier.ruleset
    matrix: Counter[tuple[Role, Role]] = Counter()
    scores: Counter[tuple[Role, float]] = Counter()
    fired: Counter[str] = Counter()
    fired_agree: Counter[str] = Counter()
    fired_client: Counter[str] = Counter()
    disagreements: list[Disagreement] = []
    label_iter = iter(labels)
    total = clients = 0
    for index, record in enumerate(records):
        try:
            raw = next(label_iter)
        except StopIteration:
            raise ValidationError.single(
                "$.labels", f"one label per record (a label for record {index})", "no more"
            ) from None
        label = _label(raw, index)
        record_id = None
        signals: Mapping[str, Any] | Signals = record
        if isinstance(record, Mapping) and "id" in record:
            record_id = str(record["id"])
            signals = {key: value for key, value in record.items() if key != "id"}
        verdict = classifier.classify(signals)
        total += 1
        clients += label is Role.CLIENT
        matrix[label, verdict.role] += 1
        scores[label, verdict.score] += 1
        agree = verdict.role is label
        for rule_id in verdict.fired:
            fired[rule_id] += 1
            fired_agree[rule_id] += agree
            fired_client[rule_id] += label is Role.CLIENT
        if not agree:
            disagreements.append(Disagreement(index, record_id, label, verdict))
    if next(label_iter, None) is not None:
        raise ValidationError.single("$.labels", "one label per record", f"more than {total}")
    base = clients / total if total else 0.0
    figures = tuple(
        RuleFigure(
            rule.id,
            fired[rule.id],
            fired_agree[rule.id] / fired[rule.id] if fired[rule.id] else None,
            (fired_client[rule.id] / fired[rule.id]) / base if fired[rule.id] and base else None,
        )
        for rule in chosen.rules
    )
    policy = chosen.policy
    score = policy.hit is HitPolicy.SCORE
    return Evaluation(
        chosen.ref,
        total,
        matrix,
        tuple(disagreements),
        figures,
        scores,
        policy.client_at if score else None,
        policy.customer_below if score else None,
    )


# --- the score distribution as inline SVG ---------------------------------------------------------

_SVG_W, _SVG_LEFT, _SVG_RIGHT, _SVG_TOP, _SVG_ROW, _SVG_BOTTOM = 560, 96, 16, 18, 56, 22


def _distribution_svg(
    scores: Mapping[tuple[Role, float], int],
    client_at: float | None,
    customer_below: float | None,
) -> str:
    """One strip of bars per label: how many records of that label got each score.

    The bars of a strip are scaled to its tallest, so a small label reads as well as a big
    one; the thresholds are dashed vertical lines across every strip. Colours come from the
    page (``currentColor``); every text is escaped.
    """
    if not scores:
        return "<p>no records</p>"
    labels = [role for role in _ROLES if any(label is role for label, _ in scores)]
    levels = [
        (value, text)
        for value, text in ((client_at, "client at"), (customer_below, "customer below"))
        if value is not None and math.isfinite(value)
    ]
    if len(levels) == 2 and levels[0][0] == levels[1][0]:
        levels = levels[:1]
    values = [score for _, score in scores] + [value for value, _ in levels]
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.05
    low, high = low - pad, high + pad
    width = _SVG_W - _SVG_LEFT - _SVG_RIGHT
    height = _SVG_TOP + _SVG_ROW * len(labels) + _SVG_BOTTOM
    distinct = sorted({score for _, score in scores})
    gaps = [b - a for a, b in itertools.pairwise(distinct)]
    step = min(gaps) if gaps else high - low
    bar = max(2.0, min(14.0, 0.7 * width * step / (high - low)))

    def x(value: float) -> float:
        return _SVG_LEFT + width * (value - low) / (high - low)

    parts = [
        (
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{_SVG_W}' height='{height}' "
            f"viewBox='0 0 {_SVG_W} {height}' role='img' "
            "style='color:inherit;font:11px sans-serif'>"
            "<title>score distribution per label</title>"
        )
    ]
    for row, label in enumerate(labels):
        base = _SVG_TOP + _SVG_ROW * (row + 1) - 6
        counts = {score: n for (name, score), n in scores.items() if name is label}
        tallest = max(counts.values())
        total = sum(counts.values())
        parts.append(
            f"<text x='4' y='{base - 18}' fill='currentColor'>labelled "
            f"{html.escape(label.value)}</text><text x='4' y='{base - 4}' fill='currentColor' "
            f"fill-opacity='0.7'>{total:,} records</text>"
            f"<line x1='{_SVG_LEFT}' x2='{_SVG_LEFT + width}' y1='{base}' y2='{base}' "
            "stroke='currentColor' stroke-opacity='0.4'/>"
        )
        for score in sorted(counts):
            tall = (_SVG_ROW - 12) * counts[score] / tallest
            tip = f"labelled {label.value}, score {score:g}: {counts[score]:,} records"
            parts.append(
                f"<rect x='{x(score) - bar / 2:.1f}' y='{base - tall:.1f}' width='{bar:.1f}' "
                f"height='{tall:.1f}' fill='currentColor' fill-opacity='0.55'>"
                f"<title>{html.escape(tip)}</title></rect>"
            )
    bottom = _SVG_TOP + _SVG_ROW * len(labels)
    for index, (value, text) in enumerate(levels):
        # the client threshold labelled to the right of its line, the customer one to the left
        anchor, shift = ("start", 3) if index == 0 else ("end", -3)
        parts.append(
            f"<line x1='{x(value):.1f}' x2='{x(value):.1f}' y1='{_SVG_TOP - 4}' y2='{bottom}' "
            "stroke='currentColor' stroke-opacity='0.8' stroke-dasharray='4 3'/>"
            f"<text x='{x(value) + shift:.1f}' y='{_SVG_TOP - 6}' fill='currentColor' "
            f"text-anchor='{anchor}'>{html.escape(f'{text} {value:g}')}</text>"
        )
    ticks = sorted({distinct[0], distinct[-1], *(value for value, _ in levels)})
    parts.extend(
        f"<text x='{x(value):.1f}' y='{bottom + 14}' fill='currentColor' "
        f"text-anchor='middle'>{value:g}</text>"
        for value in ticks
    )
    parts.append(
        f"<text x='{_SVG_LEFT - 8}' y='{bottom + 14}' fill='currentColor' "
        "fill-opacity='0.7' text-anchor='end'>score</text></svg>"
    )
    return "".join(parts)


# --- near misses --------------------------------------------------------------------------------


@attrs.frozen
class NearMiss:
    """The smallest change of one signal that changes a verdict.

    Attributes:
        signal: The signal to change.
        now: Its value now (``None``: unknown).
        to: The value that changes the verdict, the nearest to ``now`` that does.
        role: The role the record would then get.

    Example:
        >>> from clientcustomer import NearMiss
        >>> print(NearMiss("customization", 0.1, 0.2, "client"))
        would be client if customization were 0.2 (now 0.1)
    """

    signal: str
    now: float | bool | None
    to: float | bool
    role: Role = attrs.field(converter=Role)

    @property
    def change(self) -> str:
        """The change in words, such as ``customization were 0.2 (now 0.1)``.

        Example:
            >>> from clientcustomer import NearMiss
            >>> NearMiss("collaborative_share", 1 / 6, 0.5, "client").change
            'collaborative_share were 0.5 (now 0.166667)'
        """
        now = "unknown" if self.now is None else _show_now(self.now)
        return f"{self.signal} were {_target(self.to)} (now {now})"

    def __str__(self) -> str:
        return f"would be {self.role.value} if {self.change}"


def _show_now(value: object) -> str:
    """The value now, to six significant digits (the target is shown exactly)."""
    if isinstance(value, float) and not isinstance(value, bool):
        return f"{value:.6g}"
    return _show(value)


def _target(value: float | bool) -> str:
    """The value to reach; the float just past a threshold reads "below 0.2" / "above 0.2".

    Example:
        >>> import math
        >>> _target(math.nextafter(0.2, 0)), _target(math.nextafter(0.2, 1)), _target(0.2)
        ('below 0.2', 'above 0.2', '0.2')
    """
    if isinstance(value, float) and math.isfinite(value):
        near = float(f"{value:.12g}")
        if near != value and math.nextafter(value, near) == near:
            return f"{'below' if value < near else 'above'} {_show(near)}"
    return _show(value)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if float(f"{value:g}") == value else repr(value)
    return str(value)


def _number(literal: c.Literal) -> float | None:
    value = literal.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _literals(expr: c.Expr, signal: str, out: set[float]) -> None:
    """The numbers ``signal`` is compared with in ``expr``, one step either side included."""
    if isinstance(expr, c.Compare):
        sides = (expr.left, expr.right)
        if any(isinstance(side, c.Name) and side.name == signal for side in sides):
            numbers = [_number(side) for side in sides if isinstance(side, c.Literal)]
            for value in (number for number in numbers if number is not None):
                below, above = math.nextafter(value, -math.inf), math.nextafter(value, math.inf)
                out.update((value, below, above, value - 1, value + 1))
    elif isinstance(expr, c.In) and expr.name.name == signal:
        out.update(n for n in (_number(literal) for literal in expr.values) if n is not None)
    elif isinstance(expr, c.And | c.Or):
        for part in expr.operands:
            _literals(part, signal, out)
    elif isinstance(expr, c.Not):
        _literals(expr.operand, signal, out)


def _candidates(ruleset: Ruleset, signal: str, kind: str) -> list[float | bool]:
    if kind == "boolean":
        return [False, True]
    found: set[float] = set()
    for rule in ruleset.rules:
        _literals(rule.condition, signal, found)
    if ruleset.policy.requires is not None:
        _literals(c.parse_condition(ruleset.policy.requires), signal, found)
    spec = SIGNALS.get(signal)
    low = spec.minimum if spec is not None else None
    high = spec.maximum if spec is not None else None
    values = sorted(
        x
        for x in found
        if math.isfinite(x) and (low is None or x >= low) and (high is None or x <= high)
    )
    if kind == "integer":
        return [
            float(x)
            for x in sorted({math.ceil(x) for x in values} | {math.floor(x) for x in values})
        ]
    return values


def near_misses(
    record: Mapping[str, Any] | Signals,
    ruleset: Ruleset | None = None,
    *,
    toward: Role | str | None = None,
) -> tuple[NearMiss, ...]:
    """What would change this verdict: per signal, the nearest value that gives another role.

    The candidates are the rule set's own thresholds (and the values just past them), within each
    signal's range; the verdict is re-computed with the one signal changed, so a near miss is
    exact at the boundary: applying it changes the role, and any smaller change of that signal in
    the same direction does not. Signals that no change of one value can move are left out.

    Args:
        record: The signals (a mapping or `Signals`).
        ruleset: The rule set; the default one when ``None``.
        toward: Only changes that give this role (``client``: "what would make this customer a
            client"); any other role than the verdict's when ``None``.

    Returns:
        The near misses, nearest first (unknown signals after known ones).

    Raises:
        ValidationError: When the record is not valid for the rule set, or ``toward`` is not a
            role.

    Example:
        >>> from clientcustomer import near_misses
        >>> record = {"collaborative_share": 0.1, "customization": 0.1,
        ...           "active_engagement": True, "service_share": 1.0}
        >>> for miss in near_misses(record)[:2]:
        ...     print(miss)
        would be ambiguous if collaborative_share were 0.2 (now 0.1)
        would be ambiguous if customization were 0.2 (now 0.1)
        >>> for miss in near_misses(record, toward="client")[:2]:
        ...     print(miss)
        would be client if collaborative_share were 0.5 (now 0.1)
        would be client if customization were 0.5 (now 0.1)
    """
    wanted = None if toward is None else _label(toward, "$.toward")
    classifier = _default_classifier() if ruleset is None else Classifier(ruleset)
    chosen = classifier.ruleset
    signals = record if isinstance(record, Signals) else classifier.signals_of(record)
    role = classifier.classify(signals).role
    if wanted is role:
        return ()
    values = _as_values(signals)
    declared = chosen.signal_types()
    used = dict.fromkeys(name for rule in chosen.rules for name in rule.signals)
    if chosen.policy.requires is not None:
        used.update(dict.fromkeys(c.signals_of(c.parse_condition(chosen.policy.requires))))
    misses: list[tuple[tuple[bool, float], NearMiss]] = []
    for signal in used:
        spec = SIGNALS.get(signal)
        kind: str = spec.type if spec is not None else declared.get(signal, "number")
        if kind == "string":
            continue
        now = values.get(signal)
        candidates = _candidates(chosen, signal, kind)
        if now is not None and not isinstance(now, bool):
            exact = Fraction(float(now))  # exact distances, even far from zero
            candidates.sort(key=lambda x: (abs(Fraction(float(x)) - exact), x))
        for value in candidates:
            if value == now:
                continue
            changed = dict(values)
            changed[signal] = int(value) if kind == "integer" else value
            other = classifier.classify(changed).role
            if other is not role and (wanted is None or other is wanted):
                known = isinstance(now, int | float) and not isinstance(now, bool)
                distance = abs(float(value) - float(now)) if known else 0.0  # type: ignore[arg-type]
                to = changed[signal]
                misses.append(((now is None, distance), NearMiss(signal, now, to, other)))
                break
    misses.sort(key=lambda item: item[0])
    return tuple(miss for _, miss in misses)


def _as_values(signals: Signals) -> dict[str, Any]:
    from clientcustomer._core.serialization import unstructure  # noqa: PLC0415 - an edge

    document = unstructure(signals)
    custom = document.pop("custom", {}) or {}
    return {key: value for key, value in {**document, **custom}.items() if value is not None}


# --- a verdict with its near misses ---------------------------------------------------------------


@attrs.frozen
class Explanation:
    """A verdict and its near misses: why the record got its role, and what would change it.

    `Classification.explain` gives the reasons; the near misses need the record's signals,
    which a `Classification` does not keep, so `explain` computes both from the record.

    Attributes:
        verdict: The classification, with its evidence.
        near_misses: What would change the role, nearest first (see `near_misses`).

    Example:
        >>> from clientcustomer import explain
        >>> result = explain({"collaborative_share": 0.3, "customization": 0.3,
        ...                   "active_engagement": True, "service_share": 0.4})
        >>> print(result.explain().splitlines()[0])
        ambiguous (score 4, 1 short of client) by default@1
        >>> print(result.near_misses[0])
        would be client if service_share were 0.6 (now 0.4)
    """

    verdict: Classification
    near_misses: tuple[NearMiss, ...] = ()

    def explain(self) -> str:
        """The verdict's reasons (`Classification.explain`), then the near misses, as text.

        Example:
            >>> from clientcustomer import explain
            >>> text = explain({"customization": 0.9, "collaborative_share": 0.9}).explain()
            >>> for line in text.splitlines()[-3:]:
            ...     print(line)
              near misses:
                would be ambiguous if collaborative_share were below 0.5 (now 0.9)
                would be ambiguous if customization were below 0.5 (now 0.9)
        """
        lines = [self.verdict.explain()]
        if self.near_misses:
            lines.append("  near misses:")
            lines.extend(f"    {miss}" for miss in self.near_misses)
        else:
            lines.append("  near misses: no change of one signal gives another role")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def _repr_html_(self) -> str:
        from clientcustomer._core import html as h  # noqa: PLC0415 - only for a display

        rows = [
            (
                miss.signal,
                "unknown" if miss.now is None else _show(miss.now),
                _target(miss.to),
                miss.role,
            )
            for miss in self.near_misses
        ]
        misses = (
            h.table(("signal", "now", "would have to be", "role then"), rows)
            if rows
            else "<p style='text-align:left'>no change of one signal gives another role</p>"
        )
        return (
            "<div style='text-align:left'>"
            + self.verdict._repr_html_()
            + h.section("near misses: what would change the role", misses)
            + "</div>"
        )


def explain(record: Mapping[str, Any] | Signals, ruleset: Ruleset | None = None) -> Explanation:
    """Classify one record and say what would change its verdict.

    Args:
        record: The signals (a mapping or `Signals`).
        ruleset: The rule set; the default one when ``None``.

    Returns:
        The `Explanation`: the verdict with its evidence, and its near misses.

    Raises:
        ValidationError: When the record is not valid for the rule set.

    Example:
        >>> from clientcustomer import explain
        >>> result = explain({"collaborative_share": 0.1, "customization": 0.1})
        >>> result.verdict.role.value, [miss.signal for miss in result.near_misses][:2]
        ('ambiguous', ['collaborative_share', 'customization'])
    """
    classifier = Classifier(ruleset)
    signals = record if isinstance(record, Signals) else classifier.signals_of(record)
    return Explanation(classifier.classify(signals), near_misses(signals, classifier.ruleset))
