"""Classification: a rule set compiled once, applied to one record or a stream, explained.

`Classifier` compiles a `Ruleset`'s conditions into closures once; `Classifier.classify` gives a
`Classification` for one record (`Signals`, a mapping of signal values, or a `Customer`/`Client`/
`FormerClient` with an ``as_of`` date) and `Classifier.classify_many` streams over any iterable
in constant memory. The module-level `classify` uses the default rule set.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypedDict, Unpack

import attrs

from clientcustomer._core import validation as v
from clientcustomer.exceptions import ValidationError
from clientcustomer.lifecycle.machine import ClassificationSummary
from clientcustomer.parties.entities import Client, Customer, FormerClient
from clientcustomer.signals.derive import (
    _INT64_MAX,
    _NO_CUSTOM,
    SIGNALS,
    Aspect,
    Signals,
    SignalValue,
    derive_signals_for,
    not_a_signal,
)

from . import conditions as c
from .decision import generate
from .ruleset import HitPolicy, Role, Rule, Ruleset, RulesetExampleResult, default_ruleset

__all__ = [
    "AspectLeaning",
    "Classification",
    "Classifier",
    "Evidence",
    "classify",
    "classify_many",
]

DECIDED_BY_SCORE = "score"
"""``decided_by`` under the ``score`` policy when the score against the thresholds decided."""
DECIDED_BY_REQUIRES = "policy.requires"
"""``decided_by`` when the policy's ``requires`` condition kept the verdict at customer."""
DECIDED_BY_DEFAULT = "policy.default"
"""``decided_by`` under ``first``/``priority`` when no rule fired (every rule decided)."""
DECIDED_BY_INSUFFICIENT = "insufficient-evidence"
"""``decided_by`` when no rule fired and a rule could not be decided for an unknown value."""
INSUFFICIENT_NOTE = (
    "Insufficient evidence: no rule fired, and the rules that could not be decided read "
    "unknown signals; the verdict cannot tell customer from client."
)
"""The note of a verdict decided by insufficient evidence."""
ID_KEYS = frozenset({"id", "party_id"})
"""Keys and columns that name a record and are always allowed beside its signals."""

_ROLE_SCORES = {Role.CLIENT: 1.0, Role.AMBIGUOUS: 0.0, Role.CUSTOMER: -1.0}


def _optional_role(value: Role | str | None) -> Role | None:
    return None if value is None else v.enum_converter(Role, "leans")(value)


def _optional_aspect(value: Aspect | str | None) -> Aspect | None:
    return None if value is None else _aspect(value)


def _aspect(value: Aspect | str) -> Aspect:
    return v.enum_converter(Aspect, "aspect")(value)


def _role(value: Role | str) -> Role:
    return v.enum_converter(Role, "role")(value)


def _finite(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not math.isfinite(value))
        or (isinstance(value, int) and abs(value) > 2**63 - 1)
    ):
        raise v.fail(attribute, "a finite number", value)


def _optional_finite(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _finite(instance, attribute, value)


def _read_only(value: object) -> Any:  # noqa: ANN401 - checked by the validator next
    return types.MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


def _values(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise v.fail(attribute, "a dict of signal name to value", value)
    for key, item in value.items():
        if item is not None and not isinstance(item, int | float | bool | str):
            raise ValidationError.single(
                f"$.values.{key}", "a number, boolean, string or null", item
            )


def _new(cls: type[Any], **values: object) -> Any:  # noqa: ANN401 - the class's own instance
    """Build a frozen instance without re-running its validators (values already known good)."""
    instance = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(instance, name, value)
    return instance


def _slots(cls: type[Any], *names: str) -> tuple[Callable[[object, object], None], ...]:
    """Setters of a frozen slotted attrs class's slots, for building instances on the hot path.

    Setting the slots directly skips the keyword arguments, the validators and the frozen
    ``__setattr__`` of `_new` (the values are already known good). ``names`` must be every field,
    in order: checked once, on import, so a field added later cannot be left unset.
    """
    fields = tuple(field.name for field in attrs.fields(cls))
    if names != fields:  # pragma: no cover - a programming error, caught on import
        msg = f"{cls.__name__}: expected the fields {fields}, got {names}"
        raise TypeError(msg)
    return tuple(getattr(cls, name).__set__ for name in names)


@attrs.frozen
class Evidence:
    """One rule that fired: what it says about the relationship, and the values it read.

    Attributes:
        rule_id: The rule.
        aspect: The aspect the evidence belongs to, if the rule names one.
        leans: The end it leans to (``client`` or ``customer``), if any.
        points: The points it gave (``score`` policy only).
        because: The rule's sentence.
        values: The signal values its condition read (``None``: unknown); read-only.

    Example:
        >>> from clientcustomer import classify
        >>> verdict = classify({"collaborative_share": 0.7, "customization": 0.9})
        >>> print(verdict.evidence[0])
        interaction -> client (+1): At least a fifth of the interactions are collaborative: meetings, workshops, check-ins, joint planning. [collaborative_share=0.7]
    """  # noqa: E501 - a doctest line cannot be wrapped

    rule_id: str = attrs.field(validator=v.non_empty_str)
    aspect: Aspect | None = attrs.field(converter=_optional_aspect)
    leans: Role | None = attrs.field(converter=_optional_role)
    points: float | None = attrs.field(validator=_optional_finite)
    because: str = attrs.field(validator=v.text)
    values: Mapping[str, SignalValue | None] = attrs.field(
        factory=dict, converter=_read_only, validator=_values, hash=False
    )

    def __str__(self) -> str:
        where = self.aspect.value if self.aspect is not None else "rule"
        toward = f" -> {self.leans.value}" if self.leans is not None else ""
        points = f" ({self.points:+g})" if self.points is not None else ""
        shown = ", ".join(f"{name}={_show(value)}" for name, value in self.values.items())
        return f"{where}{toward}{points}: {self.because} [{shown}]"


def _show(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _show_short(value: object) -> str:
    """A value as the notebook display shows it: a float to three decimals, as `Signals` does."""
    return _show(round(value, 3) if isinstance(value, float) else value)


@attrs.frozen
class AspectLeaning:
    """Where one aspect leans, summed over the evidence that fired for it.

    Attributes:
        aspect: The aspect.
        leans: ``client``, ``customer``, or ``None`` when balanced or without evidence.
        points: The sum of the points of its evidence.
        rules: The ids of the rules that fired for it.

    Example:
        >>> from clientcustomer import classify
        >>> leaning = classify({"customization": 0.9}).leanings[3]
        >>> leaning.aspect.value, leaning.leans.value, leaning.points
        ('personalization', 'client', 3.0)
    """

    aspect: Aspect = attrs.field(converter=_aspect)
    leans: Role | None = attrs.field(converter=_optional_role)
    points: float = attrs.field(validator=_finite)
    rules: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a rule id"))


@attrs.frozen(weakref_slot=False)
class Classification:
    """The verdict on one relationship, with everything needed to explain it.

    Attributes:
        role: ``customer``, ``client`` or ``ambiguous``: the evidence is balanced (in the score
            band), or insufficient (no rule fired and a rule could not be decided because a
            signal it reads is unknown: ``decided_by`` is ``insufficient-evidence``).
        score: Under ``score``: the sum of the points of the rules that fired. Under
            ``first``/``priority``: 1 for client, 0 for ambiguous, -1 for customer.
        margin: How far the score is past the client threshold (negative: short of it); under
            ``first``/``priority`` equal to the score.
        ruleset: The rule set as ``id@version``.
        decided_by: What decided: the rule id under ``first``/``priority`` (or
            ``policy.default``); under ``score``, ``score``, or ``policy.requires`` when the
            rule set's requirement (relational evidence, by default) kept the verdict at customer;
            under every policy ``insufficient-evidence`` when nothing known decided.
        fired: The ids of the rules that fired, in rule-set order.
        evidence: One entry per rule that fired.
        unknown: The signals the rule set reads that were unknown for this record.
        unresolved: The rules that could not be decided because a signal was unknown.
        note: A sentence on the decision when a policy requirement or insufficient evidence
            decided it.

    Example:
        >>> from clientcustomer import classify
        >>> verdict = classify({"tenure_days": 2400, "purchases_per_year": 46.0,
        ...                     "collaborative_share": 0.0, "customization": 0.0})
        >>> verdict.role.value, verdict.decided_by
        ('customer', 'score')
    """

    role: Role = attrs.field(converter=_role)
    score: float = attrs.field(validator=_finite)
    margin: float = attrs.field(validator=_finite)
    ruleset: str = attrs.field(validator=v.non_empty_str)
    decided_by: str = attrs.field(validator=v.non_empty_str)
    fired: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a rule id"))
    evidence: tuple[Evidence, ...] = attrs.field(
        default=(), validator=v.tuple_of(Evidence, "an Evidence")
    )
    unknown: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a signal"))
    unresolved: tuple[str, ...] = attrs.field(default=(), validator=v.tuple_of(str, "a rule id"))
    note: str = attrs.field(default="", validator=v.text)

    @property
    def insufficient_evidence(self) -> bool:
        """Whether the verdict says "cannot tell": no rule fired and an unknown value could decide.

        Example:
            >>> from clientcustomer import classify
            >>> verdict = classify({})
            >>> verdict.role.value, verdict.insufficient_evidence
            ('ambiguous', True)
            >>> classify({"service_share": 0.0}).insufficient_evidence
            False
        """
        return self.decided_by == DECIDED_BY_INSUFFICIENT

    @property
    def leanings(self) -> tuple[AspectLeaning, ...]:
        """Per aspect (in the sources' order), where the evidence leans.

        Example:
            >>> from clientcustomer import classify
            >>> [a.leans.value for a in classify({"service_share": 0.9}).leanings if a.leans]
            ['client']
        """
        parts: dict[Aspect, list[float]] = {aspect: [] for aspect in Aspect}
        rules: dict[Aspect, list[str]] = {aspect: [] for aspect in Aspect}
        for item in self.evidence:
            if item.aspect is None:
                continue
            rules[item.aspect].append(item.rule_id)
            if item.points is not None:
                parts[item.aspect].append(item.points)
            elif item.leans is not None:
                parts[item.aspect].append(_ROLE_SCORES[item.leans])
        points = {aspect: math.fsum(parts[aspect]) for aspect in Aspect}
        return tuple(
            _new(
                AspectLeaning,
                aspect=aspect,
                leans=None
                if points[aspect] == 0
                else Role.CLIENT
                if points[aspect] > 0
                else Role.CUSTOMER,
                points=points[aspect],
                rules=tuple(rules[aspect]),
            )
            for aspect in Aspect
        )

    @property
    def deciding_rule(self) -> str:
        """The rule that decided; under ``score``, the strongest evidence toward the verdict.

        Under ``first``/``priority`` this is `decided_by`; under ``score`` it is the rule whose
        points pushed hardest toward the role given (``score`` when no rule did, as for an
        ambiguous verdict with no evidence).

        Example:
            >>> from clientcustomer import classify
            >>> classify({"collaborative_share": 0.8, "customization": 0.6}).deciding_rule
            'mostly-collaborative'
        """
        if self.decided_by != DECIDED_BY_SCORE:
            return self.decided_by
        sign = {Role.CLIENT: 1.0, Role.CUSTOMER: -1.0}.get(self.role, 0.0)
        best = max(
            self.evidence,
            key=lambda item: (item.points or 0.0) * sign if sign else abs(item.points or 0.0),
            default=None,
        )
        if best is None or (sign and (best.points or 0.0) * sign <= 0):
            return DECIDED_BY_SCORE
        return best.rule_id

    def summary(self) -> ClassificationSummary:
        """The part of this verdict a stage change keeps as its evidence, fired rules included.

        The lifecycle, the timeline and the command line all summarize a verdict this way.

        Example:
            >>> from clientcustomer import classify
            >>> verdict = classify({"collaborative_share": 0.7, "customization": 0.9})
            >>> summary = verdict.summary()
            >>> summary.role == verdict.role.value, summary.ruleset, summary.rules[:2]
            (True, 'default@1', ('collaborative', 'mostly-collaborative'))
        """
        return ClassificationSummary(
            self.role.value, self.score, self.margin, self.ruleset, self.fired
        )

    def explain(self) -> str:
        """The verdict and its reasons as plain text, one line each.

        Example:
            >>> from clientcustomer import classify
            >>> print(classify({"collaborative_share": 0.0, "tenure_days": 900,
            ...                 "active_engagement": True, "service_share": 1.0,
            ...                 "customization": 0.0}).explain())
            customer (score 2, 3 short of client) by default@1
              interaction -> customer (-1): Almost no interaction is collaborative: the relationship is primarily transactional. [collaborative_share=0]
              relationship -> client (+2): A contracted, ongoing service engagement is running. [active_engagement=true]
              relationship -> client (+1): The relationship is more than a year old (tenure alone does not make a client). [tenure_days=900]
              business -> client (+1): Most of the spend is on services: the business is service-oriented. [service_share=1]
              personalization -> customer (-1): Almost nothing was customized: minimal personalization. [customization=0]
              decided by policy.requires: No relational evidence: neither collaboration nor customization reaches 20 % of the work, and tenure, frequency, a service business or a subscription alone do not make a client.
              unknown: touchpoints_per_quarter, retainer_months, commitment_days
        """  # noqa: E501 - a doctest line cannot be wrapped
        if self.margin >= 0:
            position = f"{self.margin:g} past client" if self.margin else "at the client threshold"
        else:
            position = f"{-self.margin:g} short of client"
        lines = [f"{self.role.value} (score {self.score:g}, {position}) by {self.ruleset}"]
        lines.extend(f"  {item}" for item in self.evidence)
        if self.note:
            lines.append(f"  decided by {self.decided_by}: {self.note}")
        elif not self.evidence:
            lines.append(f"  decided by {self.decided_by}: no rule fired")
        if self.unknown:
            lines.append(f"  unknown: {', '.join(self.unknown)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def _repr_html_(self) -> str:
        from clientcustomer._core import html as h  # noqa: PLC0415 - only for a display

        head = (
            f"<strong>{h.cell(self.role)}</strong> (score {self.score:g}, margin "
            f"{self.margin:+g}) by {h.cell(self.ruleset)}"
        )
        rows = [
            (
                item.aspect,
                item.leans,
                None if item.points is None else f"{item.points:+g}",
                item.rule_id,
                ", ".join(f"{k}={_show_short(x)}" for k, x in item.values.items()),
                item.because,
            )
            for item in self.evidence
        ]
        table = h.table(("aspect", "leans", "points", "rule", "values", "because"), rows)
        note = f"<p>{h.cell(self.decided_by)}: {h.cell(self.note)}</p>" if self.note else ""
        unknown = f"<p>unknown: {h.cell(', '.join(self.unknown))}</p>" if self.unknown else ""
        return f"<div style='text-align:left'><p>{head}</p>{table}{note}{unknown}</div>"


# --- building results fast ----------------------------------------------------------------------

_create = object.__new__
_EVIDENCE = _slots(Evidence, "rule_id", "aspect", "leans", "points", "because", "values")
_FIELDS = (
    "role",
    "score",
    "margin",
    "ruleset",
    "decided_by",
    "fired",
    "evidence",
    "unknown",
    "unresolved",
    "note",
)
_CLASSIFICATION = _slots(Classification, *_FIELDS)
_SIGNALS = _slots(Signals, *SIGNALS, "custom")
_SET_SIGNALS = tuple(zip(SIGNALS, _SIGNALS[:-1], strict=True))
_SET_CUSTOM = _SIGNALS[-1]


def _classification(  # noqa: PLR0913, PLR0917 - one argument per field, on the hot path
    role: Role,
    score: float,
    margin: float,
    ruleset: str,
    decided_by: str,
    fired: tuple[str, ...],
    evidence: tuple[Evidence, ...],
    unknown: tuple[str, ...],
    unresolved: tuple[str, ...],
    note: str,
) -> Classification:
    item: Classification = _create(Classification)
    (
        set_role,
        set_score,
        set_margin,
        set_ruleset,
        set_decided_by,
        set_fired,
        set_evidence,
        set_unknown,
        set_unresolved,
        set_note,
    ) = _CLASSIFICATION
    set_role(item, role)
    set_score(item, score)
    set_margin(item, margin)
    set_ruleset(item, ruleset)
    set_decided_by(item, decided_by)
    set_fired(item, fired)
    set_evidence(item, evidence)
    set_unknown(item, unknown)
    set_unresolved(item, unresolved)
    set_note(item, note)
    return item


# --- lazy verdicts -------------------------------------------------------------------------------
#
# A verdict the generated decision function builds keeps its role, score, margin, rule set,
# decided_by, fired ids and note (all shared between verdicts: they come from a table by fired
# rules), plus what its explanation needs: in the ``evidence`` slot the values of the signals the
# rule set reads (a tuple of numbers, flags and strings, which the garbage collector stops
# tracking), in the ``unknown`` slot the custom signals (shared when there are none), and in the
# ``unresolved`` slot the classifier's `_Explainer`. Reading ``evidence``, ``unknown`` or
# ``unresolved`` (directly, or through ``explain()``, equality, JSON...) runs the reference
# interpreter once on those signals and stores its three fields in their slots for good: the
# verdict is then exactly the one the interpreter builds.

_Entry = tuple[Role, float, float, str, tuple[str, ...], str, Any]
"""A decision's outcome: role, score, margin, decided_by, fired ids, note, and the outcome when
the policy's requirement is not met (``None``: it cannot change the verdict)."""
_Explanation = tuple[tuple[Evidence, ...], tuple[str, ...], tuple[str, ...]]
"""A verdict's evidence, unknown signals and unresolved rules."""
_MAX_ENTRIES = 1 << 16
"""The most outcomes a classifier keeps by fired rules (beyond: computed every time)."""

_FIELD_GET = {name: getattr(Classification, name).__get__ for name in _FIELDS}
_GET_EVIDENCE = _FIELD_GET["evidence"]
_GET_UNKNOWN = _FIELD_GET["unknown"]
_GET_UNRESOLVED = _FIELD_GET["unresolved"]
_MATERIALIZING = threading.RLock()


class _Explainer:
    """What a lazy verdict needs to explain itself: its classifier's explanation of kept values."""

    __slots__ = ("explain",)

    def __init__(
        self,
        explain: Callable[[tuple[Any, ...], Mapping[str, Any], tuple[str, ...]], _Explanation],
    ) -> None:
        self.explain = explain


def _materialize(verdict: Classification) -> None:
    """Build a lazy verdict's explanation once (the reference's) and keep it."""
    with _MATERIALIZING:
        explainer = _GET_UNRESOLVED(verdict)
        if type(explainer) is not _Explainer:
            return  # another thread did it
        evidence, unknown, unresolved = explainer.explain(
            _GET_EVIDENCE(verdict), _GET_UNKNOWN(verdict), verdict.fired
        )
        _SET_EVIDENCE(verdict, evidence)
        _SET_UNKNOWN(verdict, unknown)
        _SET_UNRESOLVED(verdict, unresolved)  # last: the mark of a lazy verdict


class _LazyField:
    """A slot of `Classification` read through: a lazy verdict is explained on first read."""

    __slots__ = ("_get", "_set")

    def __init__(self, member: Any) -> None:  # noqa: ANN401 - a slot's member descriptor
        self._get = member.__get__
        self._set = member.__set__

    def __get__(self, instance: object, owner: object = None) -> Any:  # noqa: ANN401 - the slot's
        if instance is None:
            return self
        if type(_GET_UNRESOLVED(instance)) is _Explainer:
            _materialize(instance)  # type: ignore[arg-type]
        return self._get(instance)

    def __set__(self, instance: object, value: object) -> None:
        self._set(instance, value)


(
    _SET_ROLE,
    _SET_SCORE,
    _SET_MARGIN,
    _SET_RULESET,
    _SET_DECIDED_BY,
    _SET_FIRED,
    _SET_EVIDENCE,
    _SET_UNKNOWN,
    _SET_UNRESOLVED,
    _SET_NOTE,
) = _CLASSIFICATION
for _name in ("evidence", "unknown", "unresolved"):
    setattr(Classification, _name, _LazyField(getattr(Classification, _name)))


_Twin = type(
    "_Twin",
    (),
    {"__slots__": Classification.__slots__, "__module__": __name__},  # type: ignore[attr-defined]
)
"""A plain class with the slots of `Classification`: a verdict is filled in one, then becomes one
(``__class__`` assignment, allowed between classes of the same layout)."""


def _evidence_of(
    rule: Rule, reads: tuple[tuple[str, Callable[[Any], object]], ...]
) -> Callable[[Any], Evidence]:
    """Build a rule's evidence for one record: its template fixed once, the values read.

    ``reads`` read `Signals` (the interpreter) or a kept verdict's values by position.
    """
    rule_id, aspect, leans, points, because = (
        rule.id,
        rule.aspect,
        rule.leans,
        rule.points,
        rule.because,
    )
    set_id, set_aspect, set_leans, set_points, set_because, set_values = _EVIDENCE

    def make(values: dict[str, object]) -> Evidence:
        item: Evidence = _create(Evidence)
        set_id(item, rule_id)
        set_aspect(item, aspect)
        set_leans(item, leans)
        set_points(item, points)
        set_because(item, because)
        set_values(item, types.MappingProxyType(values))
        return item

    def evidence(signals: Any) -> Evidence:  # noqa: ANN401 - Signals or kept values
        return make({name: read(signals) for name, read in reads})

    if len(reads) != 1:
        return evidence
    ((name, read),) = reads

    def evidence_of_one(signals: Any) -> Evidence:  # noqa: ANN401 - most rules read one signal
        return make({name: read(signals)})

    return evidence_of_one


_BOOLEAN, _NUMBER = "boolean", "number"
_LARGEST = sys.float_info.max
_PLAIN = tuple(
    (
        name,
        set_slot,
        spec.type,
        -_LARGEST if spec.minimum is None else spec.minimum,
        _LARGEST if spec.maximum is None else spec.maximum,
    )
    for (name, set_slot), spec in zip(_SET_SIGNALS, SIGNALS.values(), strict=True)
)
"""Per canonical signal: its slot, type and bounds (infinite values fall outside them)."""
_CANONICAL = frozenset(SIGNALS)


def _plain_signals(record: Mapping[str, Any]) -> Signals | None:
    """`Signals` from a dict of canonical signals all plainly valid; ``None``: take the slow path.

    Accepts only what `Signals.from_mapping` accepts (exact ``bool``/``int``/``float`` types,
    finite, in range, no other key); anything else, valid or not, goes to it for the same result
    or error.
    """
    if not record.keys() <= _CANONICAL:
        return None
    signals: Signals = _create(Signals)
    for name, set_slot, kind, low, high in _PLAIN:
        value = record.get(name)
        if value is not None:
            given = type(value)
            if kind == _BOOLEAN:
                if given is not bool:
                    return None
            elif not (
                (
                    (given is int and -_INT64_MAX <= value <= _INT64_MAX)
                    or (given is float and kind == _NUMBER)
                )
                and low <= value <= high
            ):
                return None
        set_slot(signals, value)
    _SET_CUSTOM(signals, _NO_CUSTOM)
    return signals


# --- the compiled classifier --------------------------------------------------------------------

Record = Signals | Mapping[str, Any] | Customer | Client | FormerClient
"""What can be classified: signals, a mapping of signal values, or an entity with its log."""


def _getter(name: str) -> Callable[[object], object]:
    if name in SIGNALS:
        return operator.attrgetter(name)

    def custom(record: object) -> object:
        return record.custom.get(name)  # type: ignore[attr-defined]

    return custom


@attrs.frozen
class _CompiledRule:
    rule: Rule
    test: c.Predicate
    reads: tuple[tuple[str, Callable[[object], object]], ...]
    points: float
    evidence: Callable[[Signals], Evidence]


class Classifier:
    """A rule set compiled once, ready to classify one record or millions.

    Args:
        ruleset: The rule set; the package's default when ``None``.

    Example:
        >>> from clientcustomer import Classifier, Signals
        >>> classifier = Classifier()
        >>> classifier
        <clientcustomer.Classifier(rules=13)>
        >>> classifier.classify(Signals(collaborative_share=0.6, customization=0.8,
        ...                             service_share=1.0)).role
        <Role.CLIENT: 'client'>
    """

    __slots__ = (
        "_because",
        "_by_id",
        "_client_at",
        "_custom",
        "_customer_below",
        "_customs",
        "_decide",
        "_entries",
        "_evidence",
        "_explainer",
        "_fast",
        "_first",
        "_gate",
        "_names",
        "_order",
        "_reads",
        "_ref",
        "_reference",
        "_rules",
        "_ruleset",
        "_scored",
        "_source",
        "_undecided",
        "_unknowns",
        "_unresolved",
    )

    def __init__(self, ruleset: Ruleset | None = None) -> None:
        if ruleset is None:
            ruleset = default_ruleset()
        if not isinstance(ruleset, Ruleset):
            raise ValidationError.single("$.ruleset", "a Ruleset", ruleset)
        self._ruleset = ruleset
        compiled = []
        for rule in ruleset.rules:
            expr = rule.condition
            reads = tuple((name, _getter(name)) for name in c.signals_of(expr))
            compiled.append(
                _CompiledRule(
                    rule,
                    c.compile_condition(expr, _getter),
                    reads,
                    float(rule.points or 0.0),
                    _evidence_of(rule, reads),
                )
            )
        self._rules = tuple(compiled)
        self._by_id = {item.rule.id: item for item in compiled}
        self._scored = tuple(
            (item.rule.id, item.test, item.points, item.evidence) for item in compiled
        )
        policy = ruleset.policy
        self._client_at, self._customer_below = policy.client_at, policy.customer_below
        self._because, self._ref = policy.requires_because, ruleset.ref
        requires = ruleset.policy.requires
        self._gate = (
            None if requires is None else c.compile_condition(c.parse_condition(requires), _getter)
        )
        read: dict[str, None] = {}
        for rule in ruleset.rules:
            read.update(dict.fromkeys(rule.signals))
        if requires is not None:
            read.update(dict.fromkeys(c.signals_of(c.parse_condition(requires))))
        self._reads = tuple((name, _getter(name)) for name in read)
        self._custom = tuple((name, kind) for name, kind in ruleset.signals.items() if name in read)
        self._names = _CANONICAL | frozenset(ruleset.signals)
        self._reference = self._score if policy.hit is HitPolicy.SCORE else self._pick
        kept = tuple(name for name in SIGNALS if name in read)
        self._entries: dict[int, _Entry] = {}
        self._explainer = _Explainer(self._explain_kept)
        fast, decide, undecided, self._source = generate(
            tuple(rule.condition for rule in ruleset.rules),
            None if requires is None else c.parse_condition(requires),
            kept,
            tuple(name for name, _ in self._custom),
            {
                "_entries": self._entries,
                "_entry": self._entry,
                "_insufficient": self._outcome(0, insufficient=True),
                "_Twin": _Twin,
                "_Classification": Classification,
                "_ref": self._ref,
                "_explainer": self._explainer,
                "_NO_CUSTOM": _NO_CUSTOM,
            },
        )
        self._fast: Callable[[dict[str, Any]], Classification | None] = fast
        self._decide: Callable[[Signals], Classification] = decide
        self._undecided = undecided
        # A kept verdict's values, then its custom signals, read by position (see _explain_kept).
        customs = tuple(name for name, _ in self._custom)
        position = {name: index for index, name in enumerate((*kept, *customs))}
        self._customs = customs
        self._unknowns = tuple((name, position[name]) for name, _ in self._reads)
        self._evidence = {
            item.rule.id: _evidence_of(
                item.rule,
                tuple((name, operator.itemgetter(position[name])) for name, _ in item.reads),
            )
            for item in compiled
        }
        self._order = {item.rule.id: index for index, item in enumerate(compiled)}
        self._first = policy.hit is HitPolicy.FIRST
        self._unresolved: dict[int, tuple[str, ...]] = {}

    def _outcome(self, fired: int, *, insufficient: bool = False) -> _Entry:
        """What every record whose fired rules are the bits of ``fired`` gets (see `_score`)."""
        rules = [rule for index, rule in enumerate(self._ruleset.rules) if fired >> index & 1]
        policy = self._ruleset.policy
        if policy.hit is HitPolicy.SCORE:
            score = math.fsum(float(rule.points or 0.0) for rule in rules)
            role = self._role_of(score)
            margin = score - self._client_at
            ids = tuple(rule.id for rule in rules)
            if insufficient:
                return (
                    Role.AMBIGUOUS,
                    score,
                    margin,
                    DECIDED_BY_INSUFFICIENT,
                    ids,
                    INSUFFICIENT_NOTE,
                    None,
                )
            gated = None
            if role is not Role.CUSTOMER and policy.requires is not None:
                gated = (
                    Role.CUSTOMER,
                    score,
                    margin,
                    DECIDED_BY_REQUIRES,
                    ids,
                    self._because,
                    None,
                )
            return (role, score, margin, DECIDED_BY_SCORE, ids, "", gated)
        if policy.hit is HitPolicy.FIRST:
            rules = rules[:1]
        chosen: Rule | None = None
        for rule in rules:
            if chosen is None or rule.priority > chosen.priority:
                chosen = rule
        note = ""
        if insufficient:
            role, decided_by, note = Role.AMBIGUOUS, DECIDED_BY_INSUFFICIENT, INSUFFICIENT_NOTE
        elif chosen is None:
            role, decided_by = policy.default, DECIDED_BY_DEFAULT
        else:
            assert chosen.role is not None  # noqa: S101 - checked when the set was built
            role, decided_by = chosen.role, chosen.id
        score = _ROLE_SCORES[role]
        return (role, score, score, decided_by, tuple(rule.id for rule in rules), note, None)

    def _role_of(self, score: float) -> Role:
        """The role a score gives under ``score``, before the requirement and unknown values."""
        if score >= self._client_at:
            return Role.CLIENT
        return Role.AMBIGUOUS if score >= self._customer_below else Role.CUSTOMER

    def _explain_kept(
        self, values: tuple[Any, ...], custom: Mapping[str, Any], fired: tuple[str, ...]
    ) -> _Explanation:
        """A kept verdict's evidence, unknown signals and undecided rules, from its values.

        What `_score`/`_pick` build beside the decision: the undecided rules come from the
        generated decision's own tests (under ``first``, only the rules tried before the one
        that fired), the values are read by position. The signals the rule set does not read
        were not kept, and no rule reads them.
        """
        read = (
            values + tuple([custom.get(name) for name in self._customs])
            if self._customs
            else values
        )
        undecided = self._undecided(values, custom)
        if self._first and fired:
            undecided &= (1 << self._order[fired[0]]) - 1
        unresolved = self._unresolved.get(undecided)
        if unresolved is None:
            rules = self._rules
            unresolved = tuple(
                [rules[index].rule.id for index in range(len(rules)) if undecided >> index & 1]
            )
            if len(self._unresolved) < _MAX_ENTRIES:
                self._unresolved[undecided] = unresolved
        evidence = self._evidence
        return (
            tuple([evidence[rule_id](read) for rule_id in fired]),
            tuple([name for name, index in self._unknowns if read[index] is None]),
            unresolved,
        )

    def _entry(self, fired: int) -> _Entry:
        entry = self._outcome(fired)
        if len(self._entries) < _MAX_ENTRIES:
            self._entries[fired] = entry
        return entry

    def _skipped(self, passthrough: Iterable[str]) -> frozenset[str]:
        """The keys set aside unread: the id keys and ``passthrough`` (checked: no signal)."""
        if isinstance(passthrough, str) or not isinstance(passthrough, Iterable):
            raise ValidationError.single(
                "passthrough", "names of descriptive keys (a list of strings)", passthrough
            )
        names = frozenset(passthrough)
        for name in names:
            if not isinstance(name, str) or name in self._names:
                raise ValidationError.single(
                    "passthrough",
                    f"names that are not signals of {self._ref} (a signal is read, not passed)",
                    name,
                )
        return (ID_KEYS - self._names) | names

    def _known(self, record: Mapping[str, Any], skipped: frozenset[str]) -> Mapping[str, Any]:
        """The record without the keys set aside; every other key must be a signal."""
        extra = [key for key in record if key not in self._names]
        if not extra:
            return record
        problems = [
            not_a_signal(key, self._names, self._ref) for key in extra if key not in skipped
        ]
        if problems:  # the names first, then what is wrong with the signals' values
            try:
                Signals.from_mapping({k: v for k, v in record.items() if k in self._names})
            except ValidationError as error:
                problems.extend(error.problems)
            raise ValidationError(problems)
        return {key: value for key, value in record.items() if key not in skipped}

    @property
    def ruleset(self) -> Ruleset:
        """The rule set this classifier applies.

        Example:
            >>> from clientcustomer import Classifier
            >>> Classifier().ruleset.ref
            'default@1'
        """
        return self._ruleset

    def __repr__(self) -> str:
        return f"<clientcustomer.Classifier(rules={len(self._rules)})>"

    def run_examples(self) -> tuple[RulesetExampleResult, ...]:
        """Classify every example embedded in the rule set and say whether it gave its role.

        Example:
            >>> from clientcustomer import Classifier
            >>> results = Classifier().run_examples()
            >>> all(result.passed for result in results), results[0].example_id
            (True, 'retail-shirt')
        """
        results = []
        for example in self._ruleset.examples:
            verdict = self.classify(example.signals)
            results.append(
                RulesetExampleResult(example.id, example.expect, verdict.role, verdict.score)
            )
        return tuple(results)

    def signals_of(
        self, record: Record, *, as_of: dt.date | None = None, passthrough: Iterable[str] = ()
    ) -> Signals:
        """The validated signals of a record, as the classifier reads them.

        Every key of a mapping must be a signal of the rule set (canonical, or a custom signal
        it declares), an id key (``id``, ``party_id``) or a name in ``passthrough``; the last two
        are set aside unread. A `Signals` may carry only the custom signals the rule set
        declares (or names in ``passthrough``).

        Args:
            record: `Signals`, a mapping of signal values, or an entity (with ``as_of``).
            as_of: The date to derive an entity's signals on.
            passthrough: Descriptive keys to set aside (a name, a segment...).

        Returns:
            The signals.

        Raises:
            ValidationError: When the record is not one of those, a key is not a signal of the
                rule set (each named, with a close signal's name when there is one), a value is
                invalid, or a custom signal's value does not have the type the rule set declares.

        Example:
            >>> from clientcustomer import Classifier
            >>> Classifier().signals_of({"id": "acme", "tenure_days": 30}).tenure_days
            30
            >>> Classifier().signals_of({"tenur_days": 30})
            Traceback (most recent call last):
            ...
            clientcustomer.exceptions.ValidationError: $.tenur_days: not a signal of default@1 (did you mean 'tenure_days'?); a descriptive column goes in passthrough
        """  # noqa: E501 - a doctest line cannot be wrapped
        return self._signals_of(record, as_of, self._skipped(passthrough))

    def _signals_of(
        self, record: Record, as_of: dt.date | None, skipped: frozenset[str]
    ) -> Signals:
        if type(record) is dict:
            known = self._known(record, skipped)
            signals = _plain_signals(known) or Signals.from_mapping(known)
        elif isinstance(record, Signals):
            signals = record
            undeclared = [
                key for key in record.custom if key not in self._names and key not in skipped
            ]
            if undeclared:
                raise ValidationError(
                    not_a_signal(key, self._names, self._ref) for key in undeclared
                )
        elif isinstance(record, Mapping):
            signals = Signals.from_mapping(self._known(record, skipped))
        elif isinstance(record, Customer | Client | FormerClient):
            on = v.a_date(as_of, "$.as_of", "a date to derive the entity's signals on")
            signals = derive_signals_for(record, as_of=on)
        else:
            raise ValidationError.single(
                "$",
                "Signals, a mapping of signal name to value, or a Customer/Client/FormerClient",
                record,
            )
        for name, kind in self._custom:
            value = signals.custom.get(name)
            if value is not None and not _has_type(value, kind):
                raise ValidationError.single(f"$.{name}", f"a {kind} or null", value)
        return signals

    def classify(
        self, record: Record, *, as_of: dt.date | None = None, passthrough: Iterable[str] = ()
    ) -> Classification:
        """Classify one record and explain the verdict.

        Args:
            record: `Signals`, a mapping of signal name to value (missing, ``None`` or NaN:
                unknown; every key a signal of the rule set, an ``id``/``party_id``, or a name
                in ``passthrough``), or a `Customer`/`Client`/`FormerClient`, whose signals are
                derived from its log as of ``as_of``.
            as_of: Required for an entity; ignored otherwise.
            passthrough: Descriptive keys of the record to set aside unread.

        Returns:
            The classification.

        Raises:
            ValidationError: When the record is invalid (every problem named), such as a key
                that is not a signal of the rule set.

        Example:
            >>> from clientcustomer import Classifier
            >>> verdict = Classifier().classify({"collaborative_share": 0.25,
            ...                                  "customization": 0.25, "tenure_days": 500})
            >>> verdict.role.value, verdict.score, verdict.margin
            ('ambiguous', 3.0, -2.0)
            >>> Classifier().classify({"id": "acme", "name": "Acme", "customization": 0.9},
            ...                       passthrough=["name"]).role.value
            'ambiguous'
        """
        if (  # the hot path: a plain dict, no passthrough (None and other bad values are checked)
            type(record) is dict
            and not self._custom
            and isinstance(passthrough, tuple | list | frozenset | set)
            and not passthrough
        ):
            verdict = self._fast(record)
            if verdict is not None:
                return verdict
        return self._decide(self._signals_of(record, as_of, self._skipped(passthrough)))

    def classify_many(
        self,
        records: Iterable[Record],
        *,
        as_of: dt.date | None = None,
        progress: Callable[[int], object] | None = None,
        every: int = 10_000,
        passthrough: Iterable[str] = (),
    ) -> Iterator[Classification]:
        """Classify a stream of records lazily, one at a time, in constant memory.

        Args:
            records: Any iterable of records (see `classify`).
            as_of: Required when the records are entities.
            passthrough: Descriptive keys of the records to set aside unread.
            progress: Called with the number of records classified so far, every ``every``
                records and once at the end (for a progress bar in a notebook or a terminal).
            every: How many records between two ``progress`` calls.

        Yields:
            One classification per record, in order.

        Raises:
            ValidationError: For the first invalid record, its path prefixed with its index
                (``$[41].customization``).

        Example:
            >>> from clientcustomer import Classifier
            >>> rows = ({"customization": x / 10} for x in range(0, 11, 5))
            >>> [c.role.value for c in Classifier().classify_many(rows)]
            ['customer', 'ambiguous', 'ambiguous']
            >>> seen = []
            >>> _ = list(Classifier().classify_many([{}] * 5, progress=seen.append, every=2))
            >>> seen
            [2, 4, 5]
        """
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValidationError.single("every", "an integer >= 1", every)
        if progress is not None and not callable(progress):
            raise ValidationError.single("progress", "a callable taking a count, or None", progress)
        skipped = self._skipped(passthrough)
        fast = None if self._custom else self._fast
        count = 0
        for index, record in enumerate(records):
            if fast is not None and type(record) is dict:
                verdict = fast(record)
                if verdict is not None:
                    yield verdict
                    count = index + 1
                    if progress is not None and count % every == 0:
                        progress(count)
                    continue
            try:
                signals = self._signals_of(record, as_of, skipped)
            except ValidationError as error:
                raise error.prefixed(f"$[{index}]") from None
            yield self._decide(signals)
            count = index + 1
            if progress is not None and count % every == 0:
                progress(count)
        if progress is not None and count % every:
            progress(count)

    def _unknown(self, signals: Signals) -> tuple[str, ...]:
        return tuple([name for name, read in self._reads if read(signals) is None])

    def _score(self, signals: Signals) -> Classification:
        scores: list[float] = []
        fired: list[str] = []
        evidence: list[Evidence] = []
        unresolved: list[str] = []
        for rule_id, test, points, explain in self._scored:
            result = test(signals)
            if result:
                scores.append(points)
                fired.append(rule_id)
                evidence.append(explain(signals))
            elif result is None:
                unresolved.append(rule_id)
        # fsum is exactly rounded: the score does not depend on the order of the rules.
        score = math.fsum(scores)
        role = self._role_of(score)
        decided_by, note = DECIDED_BY_SCORE, ""
        if not fired and unresolved:
            role, decided_by, note = Role.AMBIGUOUS, DECIDED_BY_INSUFFICIENT, INSUFFICIENT_NOTE
        elif (
            role is not Role.CUSTOMER and self._gate is not None and self._gate(signals) is not True
        ):
            role, decided_by, note = Role.CUSTOMER, DECIDED_BY_REQUIRES, self._because
        return _classification(
            role,
            score,
            score - self._client_at,
            self._ref,
            decided_by,
            tuple(fired),
            tuple(evidence),
            self._unknown(signals),
            tuple(unresolved),
            note,
        )

    def _pick(self, signals: Signals) -> Classification:
        first = self._ruleset.policy.hit is HitPolicy.FIRST
        chosen: _CompiledRule | None = None
        fired: list[_CompiledRule] = []
        unresolved: list[str] = []
        for compiled in self._rules:
            result = compiled.test(signals)
            if result:
                fired.append(compiled)
                if chosen is None or compiled.rule.priority > chosen.rule.priority:
                    chosen = compiled
                if first:
                    break
            elif result is None:
                unresolved.append(compiled.rule.id)
        note = ""
        if chosen is None and unresolved:
            role, decided_by, note = Role.AMBIGUOUS, DECIDED_BY_INSUFFICIENT, INSUFFICIENT_NOTE
        elif chosen is None:
            role, decided_by = self._ruleset.policy.default, DECIDED_BY_DEFAULT
        else:
            assert chosen.rule.role is not None  # noqa: S101 - checked when the set was built
            role, decided_by = chosen.rule.role, chosen.rule.id
        score = _ROLE_SCORES[role]
        return _classification(
            role,
            score,
            score,
            self._ref,
            decided_by,
            tuple(item.rule.id for item in fired),
            tuple(item.evidence(signals) for item in fired),
            self._unknown(signals),
            tuple(unresolved),
            note,
        )


def _has_type(value: object, kind: str) -> bool:
    """Whether a custom signal's value has its declared type (an integer: a whole number)."""
    if isinstance(value, bool | str):
        return kind == ("boolean" if isinstance(value, bool) else "string")
    if kind not in {"number", "integer"} or not isinstance(value, int | float):
        return False
    return kind == "number" or isinstance(value, int) or float(value).is_integer()


@functools.cache
def _default_classifier() -> Classifier:
    return Classifier(default_ruleset())


def classify(
    record: Record, *, as_of: dt.date | None = None, passthrough: Iterable[str] = ()
) -> Classification:
    """Classify one record with the default rule set.

    Args:
        record: `Signals`, a mapping of signal name to value, or an entity (with ``as_of``).
        as_of: Required for an entity.
        passthrough: Descriptive keys of the record to set aside unread (an ``id`` always is).

    Returns:
        The classification, with its evidence.

    Raises:
        ValidationError: When the record is invalid, or a key is not a signal (with the close
            signal's name: ``did you mean 'collaborative_share'?``).

    Example:
        >>> from clientcustomer import classify
        >>> classify({"collaborative_share": 0.6, "customization": 1.0,
        ...           "service_share": 1.0, "tenure_days": 20}).role
        <Role.CLIENT: 'client'>
        >>> classify({}).decided_by
        'insufficient-evidence'
    """
    return _default_classifier().classify(record, as_of=as_of, passthrough=passthrough)


class _StreamOptions(TypedDict, total=False):
    """The keyword options of `Classifier.classify_many`."""

    as_of: dt.date | None
    progress: Callable[[int], object] | None
    every: int
    passthrough: Iterable[str]


def classify_many(
    records: Iterable[Record], **options: Unpack[_StreamOptions]
) -> Iterator[Classification]:
    """Classify a stream of records lazily with the default rule set (see `Classifier`).

    Takes the options of `Classifier.classify_many`: ``as_of``, ``progress``, ``every`` and
    ``passthrough``.

    Example:
        >>> from clientcustomer import classify_many
        >>> [c.role.value for c in classify_many([{"customization": 0.0}, {"customization": 1.0}])]
        ['customer', 'ambiguous']
    """
    return _default_classifier().classify_many(records, **options)
