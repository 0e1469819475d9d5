"""Strategies: rules (part of `clientcustomer.testing`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

from clientcustomer.engagements.model import (
    DependencyStatus,
    Escalation,
    StatusChange,
)
from clientcustomer.engagements.readiness import Readiness, readiness
from clientcustomer.rules import conditions as c
from clientcustomer.rules.classifier import Classification, Classifier
from clientcustomer.rules.ruleset import (
    CustomType,
    HitPolicy,
    Role,
    Rule,
    Ruleset,
    RulesetExample,
    RulesetExampleResult,
    RulesetPolicy,
)
from clientcustomer.signals.derive import SIGNALS, Aspect, Signals, SignalValue

from ._common import _DATES, _NOTES, identifiers
from ._entities import _signal_values, dependencies, engagements, signals

# --- rule sets and classifications --------------------------------------------------------------

_VALUE_TYPES = {"number": "number", "integer": "number", "boolean": "boolean", "string": "string"}
_CUSTOM_TYPES: tuple[CustomType, ...] = ("number", "integer", "boolean", "string")
_CONDITION_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "unknown", "true", "false"})
_CUSTOM_SIGNAL_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(
    lambda name: name not in SIGNALS and name not in _CONDITION_KEYWORDS
)
_NUMBER_LITERALS: st.SearchStrategy[int | float] = st.one_of(
    st.integers(-1000, 1000),
    st.sampled_from((0, 1, 0.2, 0.5, 365, 90)),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**18), 10**18),
)
_LITERALS: dict[str, st.SearchStrategy[Any]] = {
    "number": _NUMBER_LITERALS,
    "boolean": st.booleans(),
    "string": st.text(max_size=8),
}


_EIGHTHS = st.integers(-800, 800).map(lambda n: n / 8)
"""Points between -100 and 100 in steps of 1/8 (exact in binary floating point)."""


def _condition_types(types: Mapping[str, str] | None) -> dict[str, str]:
    known = {
        name: "boolean" if spec.type == "boolean" else "number" for name, spec in SIGNALS.items()
    }
    if types:
        known.update({name: _VALUE_TYPES[kind] for name, kind in types.items()})
    return known


def _condition_trees(types: Mapping[str, str]) -> st.SearchStrategy[c.Expr]:
    """Well-typed condition trees over the given signals (name to checker type)."""
    names = sorted(types)

    def tests(name: str) -> st.SearchStrategy[c.Expr]:
        kind = types[name]
        node = c.Name(name)
        literal = _LITERALS[kind].map(c.Literal)
        operators = c.COMPARE_OPERATORS if kind == "number" else ("==", "!=")
        same = [other for other in names if types[other] == kind]
        options: list[st.SearchStrategy[c.Expr]] = [
            st.builds(c.IsUnknown, st.just(node), st.booleans()),
            st.builds(
                c.In,
                st.just(node),
                st.lists(literal, min_size=1, max_size=3).map(tuple),
                st.booleans(),
            ),
            st.builds(c.Compare, st.just(node), st.sampled_from(operators), literal),
            st.builds(
                lambda op, lit: c.Compare(lit, op, node), st.sampled_from(operators), literal
            ),
            st.builds(
                c.Compare,
                st.just(node),
                st.sampled_from(operators),
                st.sampled_from(same).map(c.Name),
            ),
        ]
        if kind == "boolean":
            options.append(st.just(node))
        return st.one_of(options)

    leaves = st.one_of(
        st.sampled_from(names).flatmap(tests),
        st.booleans().map(c.Literal),
    )
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            children.map(c.Not),
            st.lists(children, min_size=2, max_size=3).map(lambda items: c.And(tuple(items))),
            st.lists(children, min_size=2, max_size=3).map(lambda items: c.Or(tuple(items))),
        ),
        max_leaves=6,
    )


def _spell_literal(draw: st.DrawFn, value: object) -> str:
    if isinstance(value, str) and draw(st.booleans()):
        escaped = value.replace("\\", "\\\\").replace("'", "\\'")
        return "'" + escaped.replace("\n", "\\n").replace("\t", "\\t") + "'"
    return c.to_text(c.Literal(value))  # type: ignore[arg-type]


def _spell(draw: st.DrawFn, expr: c.Expr) -> str:
    """The tree as text, with random (but meaning-preserving) spacing and parentheses."""
    gap = draw(st.sampled_from((" ", " ", "  ", "\t", "\n ")))
    text: str
    if isinstance(expr, c.Name):
        text = expr.name
    elif isinstance(expr, c.Literal):
        text = _spell_literal(draw, expr.value)
    elif isinstance(expr, c.Compare):
        sides = [
            side.name if isinstance(side, c.Name) else _spell_literal(draw, side.value)
            for side in (expr.left, expr.right)
        ]
        text = f"{sides[0]}{gap}{expr.op}{gap}{sides[1]}"
    elif isinstance(expr, c.In):
        items = ("," + gap).join(_spell_literal(draw, item.value) for item in expr.values)
        trailing = "," if draw(st.booleans()) else ""
        word = "not in" if expr.negated else "in"
        text = f"{expr.name.name}{gap}{word} [{items}{trailing}]"
    elif isinstance(expr, c.IsUnknown):
        text = f"{expr.name.name} is{gap}{'not unknown' if expr.negated else 'unknown'}"
    elif isinstance(expr, c.Not):
        inner = _spell(draw, expr.operand)
        if isinstance(expr.operand, c.And | c.Or):
            inner = f"({inner})"
        text = f"not{gap}{inner}"
    else:
        word = "and" if isinstance(expr, c.And) else "or"
        parts = []
        for operand in expr.operands:
            part = _spell(draw, operand)
            if isinstance(operand, c.And | c.Or):
                part = f"({part})"
            parts.append(part)
        text = f"{gap}{word}{gap}".join(parts)
    return f"({text})" if draw(st.integers(0, 4)) == 0 else text


@st.composite
def _conditions(draw: st.DrawFn, types: Mapping[str, str]) -> str:
    return _spell(draw, draw(_condition_trees(types)))


def conditions(*, types: Mapping[str, str] | None = None) -> st.SearchStrategy[str]:
    """Valid condition texts: well-typed over the canonical signals (and any custom ones given).

    Comparisons, ``in`` lists, ``is unknown`` tests, ``and``/``or``/``not`` and literals, spelled
    with random spacing, quotes and redundant parentheses (the canonical form is `Rule.when`'s
    parse printed back).

    Args:
        types: Custom signals the conditions may read too, by name, with their type
            (``number``, ``integer``, ``boolean`` or ``string``).

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer import Rule
        >>> from clientcustomer.testing import conditions
        >>> @given(conditions(types={"region": "string"}))
        ... def test_parses(text):
        ...     assert Rule("r", text, "Because.", role="client").condition is not None
        >>> test_parses()
    """
    return _conditions(_condition_types(types))


_RULE_IDS = st.one_of(
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    identifiers(),
)


@st.composite
def _rules(
    draw: st.DrawFn, hit: HitPolicy, types: Mapping[str, str], ids: st.SearchStrategy[str]
) -> Rule:
    when = draw(_conditions(_condition_types(types)))
    because = draw(_NOTES)
    if hit is HitPolicy.SCORE:
        return Rule(
            draw(ids),
            when,
            because,
            aspect=draw(st.sampled_from(list(Aspect))),
            # Multiples of 1/8: every engine's sum is exact, whatever the order (a dataframe
            # or SQL engine adds points in rule order; the one-record path rounds once).
            points=draw(st.sampled_from((-1.0, 1.0, 2.0)) | _EIGHTHS),
            priority=draw(st.sampled_from((0, 0, 1))),
        )
    return Rule(
        draw(ids),
        when,
        because,
        aspect=draw(st.none() | st.sampled_from(list(Aspect))),
        role=draw(st.sampled_from(list(Role))),
        priority=draw(st.integers(-5, 5)) if hit is HitPolicy.PRIORITY else 0,
    )


def rules(
    *,
    hit: HitPolicy | str = HitPolicy.SCORE,
    types: Mapping[str, str] | None = None,
    ids: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Rule]:
    """Rules valid under a hit policy: points and an aspect under ``score``, else a role.

    Args:
        hit: The hit policy the rules are for.
        types: Custom signals their conditions may read, by name, with their type.
        ids: The ids to draw from; short slugs and any identifiers by default.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import rules
        >>> @given(rules(hit="first"))
        ... def test_role(rule):
        ...     assert rule.role is not None and rule.points is None
        >>> test_role()
    """
    return _rules(HitPolicy(hit), dict(types or {}), _RULE_IDS if ids is None else ids)


def _outside_values(name: str, kind: str) -> st.SearchStrategy[SignalValue]:
    """Values a signal must refuse: just outside its bounds, and infinity for a number."""
    spec = SIGNALS.get(name)
    low = None if spec is None else spec.minimum
    high = None if spec is None else spec.maximum
    values: list[SignalValue] = []
    if kind == "integer":
        values += [] if low is None else [int(low) - 1]
        values += [] if high is None else [int(high) + 1]
    elif kind == "number":
        values += [math.inf, -math.inf]
        values += [] if low is None else [math.nextafter(low, -math.inf)]
        values += [] if high is None else [math.nextafter(high, math.inf)]
    return st.sampled_from(values) if values else st.nothing()


def _typed_values(kind: str) -> st.SearchStrategy[SignalValue]:
    if kind == "integer":
        return st.integers(-(10**6), 10**6)
    if kind == "number":
        return st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    return st.text(max_size=10)


@st.composite
def _examples(
    draw: st.DrawFn, custom: Mapping[str, str], ids: Sequence[str]
) -> tuple[RulesetExample, ...]:
    examples = []
    for example_id in ids:
        names = draw(st.lists(st.sampled_from([*SIGNALS, *custom]), max_size=6, unique=True))
        values = {
            name: draw(_signal_values(name) if name in SIGNALS else _typed_values(custom[name]))
            for name in names
        }
        examples.append(
            RulesetExample(
                example_id,
                draw(st.sampled_from(list(Role))),
                values,
                note=draw(st.sampled_from(("", "From the sources."))),
            )
        )
    return tuple(examples)


@st.composite
def _rulesets(draw: st.DrawFn, hit: HitPolicy | None, max_rules: int) -> Ruleset:
    policy_hit = draw(st.sampled_from(list(HitPolicy))) if hit is None else hit
    custom = draw(st.dictionaries(_CUSTOM_SIGNAL_NAMES, st.sampled_from(_CUSTOM_TYPES), max_size=2))
    drafts = draw(
        st.lists(
            rules(hit=policy_hit, types=custom),
            min_size=1,
            max_size=max_rules,
            unique_by=lambda rule: rule.id,
        )
    )
    kept: list[Rule] = []
    for rule in drafts:
        if policy_hit is HitPolicy.FIRST and any(
            earlier.condition in {rule.condition, c.Literal(value=True)} for earlier in kept
        ):
            continue  # it could never be reached under "first"
        kept.append(rule)
    if policy_hit is HitPolicy.SCORE:
        low, high = sorted(draw(st.lists(st.floats(-20, 20), min_size=2, max_size=2)))
        requires = draw(st.none() | _conditions(_condition_types(custom)))
        policy = RulesetPolicy(
            policy_hit,
            client_at=high,
            customer_below=low,
            requires=requires,
            requires_because=draw(st.just("") | _NOTES) if requires else "",
        )
    else:
        policy = RulesetPolicy(policy_hit, default=draw(st.sampled_from(list(Role))))
    example_ids = draw(st.lists(_RULE_IDS, max_size=3, unique=True))
    return Ruleset(
        draw(_RULE_IDS),
        draw(st.sampled_from(("1", "2.0", "2026-01"))),
        policy,
        tuple(kept),
        description=draw(st.text(max_size=30)),
        signals=custom,
        examples=draw(_examples(custom, example_ids)),
    )


def rulesets(
    *, hit: HitPolicy | str | None = None, max_rules: int = 6
) -> st.SearchStrategy[Ruleset]:
    """Valid rule sets under every hit policy, with custom signals and embedded examples.

    Under ``first`` no rule repeats an earlier condition or follows one that is always true
    (such a rule could never be reached); under ``score`` the thresholds are ordered and the
    policy may require a condition.

    Args:
        hit: The hit policy; any by default.
        max_rules: The most rules in a drawn rule set.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer import loads_ruleset
        >>> from clientcustomer.testing import rulesets
        >>> @given(rulesets(hit="priority", max_rules=3))
        ... def test_reloads(ruleset):
        ...     assert loads_ruleset(ruleset.to_toml()) == ruleset
        >>> test_reloads()
    """
    return _rulesets(None if hit is None else HitPolicy(hit), max_rules)


@st.composite
def _signals_for(draw: st.DrawFn, custom: Mapping[str, str]) -> Signals:
    values: dict[str, Any] = {name: draw(_signal_values(name)) for name in SIGNALS}
    extra = {name: draw(st.none() | _typed_values(kind)) for name, kind in custom.items()}
    return Signals(**values, custom=extra)


@st.composite
def _classifications(draw: st.DrawFn) -> Classification:
    if draw(st.booleans()):
        # The default rule set declares no custom signal: its records carry none.
        return Classifier().classify(draw(signals(custom=False)))
    ruleset = draw(rulesets(max_rules=4))
    return Classifier(ruleset).classify(draw(_signals_for(ruleset.signals)))


def classifications() -> st.SearchStrategy[Classification]:
    """Classifications of random `signals`, by the default rule set or a random one.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import classifications
        >>> @given(classifications())
        ... def test_fired(verdict):
        ...     assert len(verdict.fired) == len(verdict.evidence)
        >>> test_fired()
    """
    return _classifications()


def escalations() -> st.SearchStrategy[Escalation]:
    """Escalations of a dependency: level 1 to 3, to anyone, any day, with a next action.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import escalations
        >>> @given(escalations())
        ... def test_level(escalation):
        ...     assert 1 <= escalation.level <= 3
        >>> test_level()
    """
    return st.builds(
        Escalation, level=st.integers(1, 3), to=identifiers(), on=_DATES, next_action=_NOTES
    )


@st.composite
def _status_changes(draw: st.DrawFn) -> StatusChange:
    need = draw(dependencies())
    if not need.history:
        status = draw(st.sampled_from([s for s in DependencyStatus if s is not need.status]))
        need = need.with_status(status, on=draw(_DATES), note=draw(st.text(max_size=10)))
    return need.history[-1]


def status_changes() -> st.SearchStrategy[StatusChange]:
    """Status changes from the history of random `dependencies` (one is made if it has none).

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import status_changes
        >>> from clientcustomer import DependencyStatus
        >>> @given(status_changes())
        ... def test_statuses(change):
        ...     assert isinstance(change.target, DependencyStatus)
        >>> test_statuses()
    """
    return _status_changes()


@st.composite
def _readinesses(draw: st.DrawFn) -> Readiness:
    engagement = draw(engagements())
    return readiness(engagement, draw(_DATES), horizon_days=draw(st.integers(0, 60)))


def readinesses() -> st.SearchStrategy[Readiness]:
    """Readiness reports of random `engagements`, as of any day, with any horizon.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import readinesses
        >>> @given(readinesses())
        ... def test_horizon(report):
        ...     assert 0 <= report.horizon_days <= 60
        >>> test_horizon()
    """
    return _readinesses()


@st.composite
def _example_results(draw: st.DrawFn) -> RulesetExampleResult:
    ruleset = draw(rulesets(max_rules=3).filter(lambda item: bool(item.examples)))
    return draw(st.sampled_from(Classifier(ruleset).run_examples()))


def example_results() -> st.SearchStrategy[RulesetExampleResult]:
    """Results of running the embedded examples of random `rulesets`.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import example_results
        >>> @given(example_results())
        ... def test_ids(result):
        ...     assert result.example_id
        >>> test_ids()
    """
    return _example_results()


def _literals(ruleset: Ruleset) -> list[Any]:
    """Every literal the rule set's conditions (and requirement) are written with."""
    found: list[Any] = []

    def walk(expr: c.Expr) -> None:
        match expr:
            case c.Literal(value=value):
                found.append(value)
            case c.Compare(left=left, right=right):
                walk(left)
                walk(right)
            case c.In(values=values):
                found.extend(item.value for item in values)
            case c.Not(operand=operand):
                walk(operand)
            case c.And(operands=operands) | c.Or(operands=operands):
                for operand in operands:
                    walk(operand)
            case _:
                pass

    for rule in ruleset.rules:
        walk(rule.condition)
    if ruleset.policy.requires is not None:
        walk(c.parse_condition(ruleset.policy.requires))
    return found


@st.composite
def _records_for(draw: st.DrawFn, ruleset: Ruleset, valid: bool) -> dict[str, Any]:
    literals = _literals(ruleset)
    near = st.sampled_from(literals) if literals else st.nothing()
    record: dict[str, Any] = {}
    for name, spec in SIGNALS.items():
        if draw(st.integers(0, 5)) == 0:
            continue  # missing: unknown
        choices = [_signal_values(name), near.filter(lambda x: not isinstance(x, str))]
        if spec.type != "boolean":
            choices.append(st.just(math.nan))  # unknown too
        if not valid:
            choices.append(st.sampled_from([-1, 2, math.inf, "x", True, 2**64, 1.5]))
        record[name] = draw(st.one_of(choices))
    for name, kind in ruleset.signals.items():
        if draw(st.booleans()):
            values = [st.none(), _typed_values(kind), near]
            if not valid:
                values.append(_typed_values("string") | st.booleans())
            record[name] = draw(st.one_of(values))
    return record


def records_for(ruleset: Ruleset, *, valid: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Records (plain dicts) to classify with a rule set: its signals, some missing or unknown.

    Values come from each signal's range, the literals of the rule set's conditions (so that
    thresholds are hit exactly), ``None`` and NaN; custom signals get values of their declared
    type. Unless ``valid``, a record may also hold a value the classifier refuses (out of range,
    infinite, of another type), so that errors can be compared too.

    Args:
        ruleset: The rule set whose signals the records carry.
        valid: Only values of the signal's type (literals of the conditions may still fall out
            of a signal's range).

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer import default_ruleset
        >>> from clientcustomer.testing import records_for
        >>> @given(records_for(default_ruleset()))
        ... def test_records(record):
        ...     assert isinstance(record, dict)
        >>> test_records()
    """
    return _records_for(ruleset, valid)
