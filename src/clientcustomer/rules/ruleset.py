"""Rule sets: declarative data (TOML or JSON) that decide customer or client, checked on load.

A rule set has an id, a version, a hit policy and rules. Each rule has a condition (see
`clientcustomer.rules.conditions` for the language), an outcome and a sentence saying why. Under the
``score`` policy a rule gives points toward an aspect's client end (positive) or customer end
(negative); under ``first`` and ``priority`` a rule names a role.

Loading reports *every* problem at once with its file, line and column: syntax errors, unknown
keys, unknown signals with a suggestion, type mismatches, unknown policies or aspects, duplicate
rule ids, rules that can never be reached under ``first``.
"""

from __future__ import annotations

import difflib
import enum
import functools
import json
import math
import os
import re
import tomllib
import types
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeAlias

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer._core.limits import MAX_DIGITS, MAX_NESTING, JsonTextError, load_json, show_json
from clientcustomer._core.vocabulary import Role
from clientcustomer.exceptions import Problem, RulesetError, RulesetProblem, ValidationError
from clientcustomer.signals.derive import SIGNALS, Aspect

from . import conditions as c

__all__ = [
    "DEFAULT_RULESET_FILE",
    "HitPolicy",
    "Role",
    "Rule",
    "Ruleset",
    "RulesetExample",
    "RulesetExampleResult",
    "RulesetPolicy",
    "default_ruleset",
    "load_ruleset",
    "loads_ruleset",
]

DEFAULT_RULESET_FILE = "default_rules.toml"
"""The name of the default rule set's file inside the package."""

CustomType = Literal["number", "integer", "boolean", "string"]
ExampleValue: TypeAlias = float | int | bool | str


class HitPolicy(enum.StrEnum):
    """How the rules that fire make one verdict.

    * ``first``: the first rule (in file order) whose condition is true decides;
    * ``priority``: of the rules that fire, the one with the highest ``priority`` decides (ties:
      the first in file order);
    * ``score``: every rule that fires adds its points; the sum against the thresholds decides.

    Example:
        >>> from clientcustomer import HitPolicy
        >>> HitPolicy("score")
        <HitPolicy.SCORE: 'score'>
    """

    FIRST = "first"
    PRIORITY = "priority"
    SCORE = "score"


def _role(value: Role | str) -> Role:
    return v.enum_converter(Role, "role")(value)


def _optional_role(value: Role | str | None) -> Role | None:
    return None if value is None else _role(value)


def _hit(value: HitPolicy | str) -> HitPolicy:
    return v.enum_converter(HitPolicy, "hit")(value)


def _optional_aspect(value: Aspect | str | None) -> Aspect | None:
    return None if value is None else v.enum_converter(Aspect, "aspect")(value)


def _number(field: str, *, optional: bool = False) -> v.Validator:
    def check(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValidationError.single(f"$.{field}", "a finite number", value)

    return check


def _condition_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None and attribute.name == "requires":
        return
    if not isinstance(value, str):
        raise v.fail(attribute, "a condition as a string", value)
    try:
        c.parse_condition(value)
    except RulesetError as error:
        problem = error.problems[0]
        note = f"{problem.message} (column {problem.column})"
        raise ValidationError([Problem(f"$.{attribute.name}", "", value, note)]) from None


@attrs.frozen
class RulesetPolicy:
    """How a rule set turns the rules that fire into a verdict.

    Attributes:
        hit: The hit policy.
        client_at: Under ``score``: a score at or above it is a client (if ``requires`` holds).
        customer_below: Under ``score``: a score below it is a customer; between the two the
            verdict is ambiguous. Equal to ``client_at`` for no ambiguous band.
        requires: Under ``score``: a condition a client verdict needs besides the score (the
            default rule set asks for relational evidence); when it is not true, the verdict is
            customer.
        requires_because: The sentence given when ``requires`` is not met.
        default: Under ``first``/``priority``: the role when no rule fires.

    Example:
        >>> from clientcustomer import RulesetPolicy
        >>> RulesetPolicy("score", client_at=5, customer_below=2).client_at
        5
    """

    hit: HitPolicy = attrs.field(converter=_hit)
    client_at: float = attrs.field(default=1.0, validator=_number("client_at"), kw_only=True)
    customer_below: float = attrs.field(
        default=1.0, validator=_number("customer_below"), kw_only=True
    )
    requires: str | None = attrs.field(default=None, validator=_condition_text, kw_only=True)
    requires_because: str = attrs.field(default="", validator=v.text, kw_only=True)
    default: Role = attrs.field(default=Role.CUSTOMER, converter=_role, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.customer_below > self.client_at:
            raise ValidationError.single(
                "$.customer_below",
                f"a number at most client_at ({self.client_at:g})",
                self.customer_below,
            )


@attrs.frozen
class Rule:
    """One rule: when its condition is true, it gives its outcome, for the reason it states.

    Attributes:
        id: A unique id within the rule set.
        when: The condition (see the condition language); rules compare by its parsed tree, so
            spacing and redundant parentheses do not matter.
        because: One readable sentence: why this evidence matters.
        aspect: The aspect the evidence belongs to (required under ``score``).
        points: Under ``score``: points toward the client end (positive) or the customer end
            (negative).
        role: Under ``first``/``priority``: the role this rule decides.
        priority: Under ``priority``: the higher decides.

    Example:
        >>> from clientcustomer import Rule
        >>> rule = Rule("collab", "collaborative_share >= 0.5", "Most work is done together.",
        ...             aspect="interaction", points=2)
        >>> rule.signals
        ('collaborative_share',)
    """

    id: str = attrs.field(validator=v.non_empty_str)
    when: str = attrs.field(validator=_condition_text, eq=c.parse_condition)
    because: str = attrs.field(validator=v.non_empty_str)
    aspect: Aspect | None = attrs.field(default=None, converter=_optional_aspect, kw_only=True)
    points: float | None = attrs.field(
        default=None, validator=_number("points", optional=True), kw_only=True
    )
    role: Role | None = attrs.field(default=None, converter=_optional_role, kw_only=True)
    priority: int = attrs.field(default=0, validator=v.integer(), kw_only=True)

    @property
    def condition(self) -> c.Expr:
        """The parsed condition (parsed once, cached by text).

        Example:
            >>> from clientcustomer import Rule
            >>> Rule("r", "a and b", "Because.", role="client").condition
            And(operands=(Name(name='a'), Name(name='b')))
        """
        return c.parse_condition(self.when)

    @property
    def signals(self) -> tuple[str, ...]:
        """The signals the condition reads.

        Example:
            >>> from clientcustomer import Rule
            >>> Rule("r", "x > 1 or y", "Because.", role="client").signals
            ('x', 'y')
        """
        return c.signals_of(self.condition)

    @property
    def leans(self) -> Role | None:
        """The end this rule's evidence leans to: its role, or the sign of its points.

        Example:
            >>> from clientcustomer import Rule
            >>> Rule("r", "x > 1", "Because.", aspect="business", points=-1).leans
            <Role.CUSTOMER: 'customer'>
        """
        if self.role is not None:
            return self.role
        if self.points is None or self.points == 0:
            return None
        return Role.CLIENT if self.points > 0 else Role.CUSTOMER


def _example_signals(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise v.fail(attribute, "a table of signal name to value", value)
    for key, item in value.items():
        if item is not None and (
            not isinstance(item, int | float | bool | str)
            or (isinstance(item, float) and not math.isfinite(item))
        ):
            raise ValidationError.single(
                f"$.signals.{key}", "a number, boolean, string or null", item
            )


def _drop_unknown(value: Any) -> Any:  # noqa: ANN401 - validated next
    """Unknown (``None``) example signals are the same as missing ones: drop them (read-only)."""
    if isinstance(value, Mapping):
        return types.MappingProxyType(
            {key: item for key, item in value.items() if item is not None}
        )
    return value


def _read_only(value: Any) -> Any:  # noqa: ANN401 - validated next
    """A read-only copy of a table (the caller's dict can change; the rule set cannot)."""
    return types.MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


@attrs.frozen
class RulesetExample:
    """A worked example embedded in a rule set: signals and the role they must give.

    Attributes:
        id: A unique id within the rule set.
        expect: The role the rule set must give.
        signals: The signals (missing ones are unknown); a read-only mapping.
        note: Where the example comes from, in words.

    Example:
        >>> from clientcustomer import RulesetExample
        >>> gym = {"tenure_days": 900, "service_share": 1.0}
        >>> RulesetExample("gym-member", "customer", gym).expect
        <Role.CUSTOMER: 'customer'>
    """

    id: str = attrs.field(validator=v.non_empty_str)
    expect: Role = attrs.field(converter=_role)
    signals: Mapping[str, ExampleValue | None] = attrs.field(
        factory=dict, converter=_drop_unknown, validator=_example_signals, hash=False
    )
    note: str = attrs.field(default="", validator=v.text, kw_only=True)


def _custom_types(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise v.fail(attribute, "a table of custom signal name to type", value)
    for key, kind in value.items():
        if not isinstance(key, str) or not key.isidentifier() or key in _KEYWORD_NAMES:
            raise ValidationError.single("$.signals", "signal names that are identifiers", key)
        if key in SIGNALS:
            raise ValidationError.single(
                f"$.signals.{key}", "a custom signal name (this one is canonical)", key
            )
        if kind not in _CUSTOM_TYPES:
            raise ValidationError.single(
                f"$.signals.{key}", "one of 'number', 'integer', 'boolean', 'string'", kind
            )


_CUSTOM_TYPES = ("number", "integer", "boolean", "string")
_KEYWORD_NAMES = frozenset({"and", "or", "not", "in", "is", "unknown", "true", "false"})


@attrs.frozen
class Ruleset:
    """A rule set: data that decides customer or client, checked when it is built.

    Build one with `load_ruleset` (from a file) or `loads_ruleset` (from text), with positions
    in every error, or directly. `default_ruleset` returns the one shipped with the package.

    Attributes:
        id: The rule set's id.
        version: Its version (any string; shown as ``id@version`` on every verdict).
        policy: The hit policy and its thresholds.
        rules: The rules, in file order.
        description: What the rule set is for.
        signals: Custom signals the rules may read, by name, with their type (a read-only
            mapping). With the canonical ones they are the rule set's signals: the only names a
            record, a frame or a signal file may hold besides an id and passthrough columns.
        examples: Worked examples: signals and the role they must give (see
            `Classifier.run_examples`).

    Raises:
        RulesetError: When a rule reads an unknown signal, compares across types, an id
            repeats, a rule lacks the outcome its policy needs, or a rule can never be reached.

    Example:
        >>> from clientcustomer import RulesetPolicy, Rule, Ruleset
        >>> ruleset = Ruleset("mine", "1", RulesetPolicy("first"), (
        ...     Rule("engaged", "active_engagement", "A service engagement runs.", role="client"),
        ... ))
        >>> ruleset.ref
        'mine@1'
    """

    id: str = attrs.field(validator=v.non_empty_str)
    version: str = attrs.field(validator=v.non_empty_str)
    policy: RulesetPolicy = attrs.field(validator=v.instance(RulesetPolicy, "a Policy"))
    rules: tuple[Rule, ...] = attrs.field(validator=v.tuple_of(Rule, "a Rule"))
    description: str = attrs.field(default="", validator=v.text, kw_only=True)
    signals: Mapping[str, CustomType] = attrs.field(
        factory=dict, converter=_read_only, validator=_custom_types, hash=False, kw_only=True
    )
    examples: tuple[RulesetExample, ...] = attrs.field(
        default=(), validator=v.tuple_of(RulesetExample, "an Example"), kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        problems = list(
            _semantic_problems(
                self.policy,
                enumerate(self.rules),
                self.signals,
                enumerate(self.examples),
                _Locator.nowhere(),
            )
        )
        if problems:
            raise RulesetError(problems)

    @property
    def ref(self) -> str:
        """``id@version``, as shown on every verdict.

        Example:
            >>> from clientcustomer import default_ruleset
            >>> default_ruleset().ref
            'default@1'
        """
        return f"{self.id}@{self.version}"

    def signal_types(self) -> dict[str, c.ValueType]:
        """The type of every signal the rules may read: canonical, then declared custom ones.

        Example:
            >>> from clientcustomer import default_ruleset
            >>> default_ruleset().signal_types()["active_engagement"]
            'boolean'
        """
        return _signal_types(self.signals)

    @property
    def signals_read(self) -> tuple[str, ...]:
        """The signals the rules and the ``requires`` policy read, in rule-set order.

        The rule set's signals (canonical and declared custom ones) that are not read here are
        accepted in a record and ignored; the command line lists such columns on stderr.

        Example:
            >>> from clientcustomer import default_ruleset
            >>> "purchases" in default_ruleset().signals_read
            False
        """
        seen: dict[str, None] = {}
        for rule in self.rules:
            seen.update(dict.fromkeys(rule.signals))
        if self.policy.requires is not None:
            seen.update(dict.fromkeys(c.signals_of(c.parse_condition(self.policy.requires))))
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        """The rule set as a plain document, as in a JSON rule file.

        Example:
            >>> from clientcustomer import default_ruleset
            >>> default_ruleset().to_dict()["policy"]["hit"]
            'score'
        """
        return _to_document(self)

    def to_toml(self) -> str:
        """The rule set as canonical TOML: loading it gives an equal rule set.

        Example:
            >>> from clientcustomer import default_ruleset, loads_ruleset
            >>> ruleset = default_ruleset()
            >>> loads_ruleset(ruleset.to_toml()) == ruleset
            True
        """
        return _dump_toml(_to_document(self))

    def _repr_html_(self) -> str:
        return _ruleset_html(self)


@attrs.frozen
class RulesetExampleResult:
    """The outcome of one embedded example: expected and actual role.

    Attributes:
        example_id: The example.
        expected: The role the example expects.
        actual: The role the rule set gave.
        score: The score behind it.

    Example:
        >>> from clientcustomer import RulesetExampleResult
        >>> print(RulesetExampleResult("gym-member", "customer", "client", 6.0))
        FAIL gym-member: expected customer, got client (score 6)
    """

    example_id: str = attrs.field(validator=v.non_empty_str)
    expected: Role = attrs.field(converter=_role)
    actual: Role = attrs.field(converter=_role)
    score: float = attrs.field(validator=_number("score"))

    @property
    def passed(self) -> bool:
        """Whether the actual role is the expected one.

        Example:
            >>> from clientcustomer import RulesetExampleResult
            >>> RulesetExampleResult("x", "client", "client", 7.0).passed
            True
        """
        return self.expected is self.actual

    def __str__(self) -> str:
        verdict = "ok  " if self.passed else "FAIL"
        return (
            f"{verdict} {self.example_id}: expected {self.expected.value}, "
            f"got {self.actual.value} (score {self.score:g})"
        )


# --- semantic checks ----------------------------------------------------------------------------


def _ruleset_html(ruleset: Ruleset) -> str:
    policy = ruleset.policy
    head = h.fields_table(
        [
            ("description", ruleset.description),
            ("hit policy", policy.hit),
            ("client at", policy.client_at),
            ("customer below", policy.customer_below),
            ("a client also requires", policy.requires),
            ("because", policy.requires_because),
            ("default role", policy.default),
            ("examples", len(ruleset.examples)),
        ],
        caption=f"Rule set {ruleset.ref}",
    )
    rules = h.table(
        ("rule", "aspect", "leans", "points", "when", "because"),
        [
            (
                r.id,
                r.aspect,
                r.leans,
                None if r.points is None else f"{r.points:+g}",
                r.when,
                r.because,
            )
            for r in ruleset.rules
        ],
    )
    return head + h.section(f"{len(ruleset.rules)} rules", rules)


def _signal_types(custom: Mapping[str, str]) -> dict[str, c.ValueType]:
    types: dict[str, c.ValueType] = {}
    for name, spec in SIGNALS.items():
        types[name] = "boolean" if spec.type == "boolean" else "number"
    for name, kind in custom.items():
        types[name] = "number" if kind in {"number", "integer"} else kind  # type: ignore[assignment]
    return types


def _semantic_problems(  # noqa: C901 - one check after the other
    policy: RulesetPolicy,
    rules: Iterable[tuple[int, Rule]],
    signals: Mapping[str, str],
    examples: Iterable[tuple[int, RulesetExample]],
    where: _Locator,
) -> Iterator[RulesetProblem]:
    """The problems in what the rules mean, for (index in the file, rule) and likewise examples."""
    types = _signal_types(signals)
    hit = policy.hit
    if policy.requires is not None:
        expr = c.parse_condition(policy.requires)
        line, column = where.value(policy.requires)
        for issue in c.check(expr, types):
            yield where.problem(f"policy.requires: {issue.message}", line, column + issue.offset)
    seen: dict[str, int] = {}
    earlier: list[tuple[Rule, c.Expr]] = []
    for index, rule in rules:
        line, column = where.rule(index, rule.id)
        if rule.id in seen:
            yield where.problem(
                f"duplicate rule id {rule.id!r} (first used by rule {seen[rule.id] + 1})",
                line,
                column,
                rule.id,
            )
        seen.setdefault(rule.id, index)
        yield from _outcome_problems(rule, hit, where, line, column)
        expr = rule.condition
        when_line, when_column = where.value(rule.when, after_line=line)
        for issue in c.check(expr, types):
            yield where.problem(
                f"rule {rule.id!r}: {issue.message}",
                when_line,
                when_column + issue.offset if when_column else 0,
                rule.id,
            )
        if hit is HitPolicy.FIRST:
            for previous, previous_expr in earlier:
                if previous_expr == c.Literal(value=True) or previous_expr == expr:
                    reason = (
                        "always fires"
                        if previous_expr == c.Literal(value=True)
                        else "has the same condition"
                    )
                    yield where.problem(
                        f"rule {rule.id!r} can never be reached under 'first': "
                        f"rule {previous.id!r} before it {reason}",
                        line,
                        column,
                        rule.id,
                    )
                    break
        earlier.append((rule, expr))
    example_ids: set[str] = set()
    for index, example in examples:
        start, column = where.entry("examples", index, example.id)
        if example.id in example_ids:
            yield where.problem(f"duplicate example id {example.id!r}", start, column)
        example_ids.add(example.id)
        for name in example.signals:
            if name not in types:
                close = difflib.get_close_matches(name, list(types), n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                line, column = where.key(name, after_line=start)
                yield where.problem(
                    f"example {example.id!r}: unknown signal {name!r}{hint}", line, column
                )


def _outcome_problems(
    rule: Rule, hit: HitPolicy, where: _Locator, line: int, column: int
) -> Iterator[RulesetProblem]:
    for message in _outcome_messages(rule, hit):
        yield where.problem(f"rule {rule.id!r}: {message}", line, column, rule.id)


def _outcome_messages(rule: Rule, hit: HitPolicy) -> Iterator[str]:
    """What the rule's outcome (role, or points and aspect) lacks or has too much of."""
    if hit is HitPolicy.SCORE:
        if rule.points is None or rule.aspect is None:
            yield "under the 'score' policy a rule needs 'points' and 'aspect'"
        if rule.role is not None:
            yield "'role' is for the 'first' and 'priority' policies; under 'score' give 'points'"
    else:
        if rule.role is None:
            yield f"under the {hit.value!r} policy a rule needs a 'role'"
        if rule.points is not None:
            yield "'points' are for the 'score' policy"


# --- locating problems in the source text -------------------------------------------------------


class _Locator:
    """Finds the line and column of values in a rule file's text (best effort; 0 when unknown)."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.lines = text.splitlines()
        self._headers = {
            name: [
                number
                for number, line in enumerate(self.lines, 1)
                if re.match(rf"^\s*\[\[\s*{name}\s*\]\]", line)
            ]
            for name in ("rules", "examples")
        }
        self.signals_line = next(
            (n for n, line in enumerate(self.lines, 1) if re.match(r"^\s*\[\s*signals\s*\]", line)),
            0,
        )

    @classmethod
    def nowhere(cls) -> _Locator:
        return cls("", "<ruleset>")

    def problem(
        self, message: str, line: int = 0, column: int = 0, rule_id: str | None = None
    ) -> RulesetProblem:
        return RulesetProblem(message, self.source, line, column if line else 0, rule_id)

    def value(self, value: str, *, after_line: int = 0) -> tuple[int, int]:
        """Where a string value's text starts (after its opening quote).

        Only a string written on one line whose text between the quotes is the value itself is
        found, so a column inside the value is the start plus the offset. An escape sequence
        changes the text, so a double-quoted match holding a backslash is some other string and
        is passed over.
        """
        quotes = ("'",) if "\\" in value else ('"', "'")
        for number in range(max(after_line, 1), len(self.lines) + 1):
            line = self.lines[number - 1]
            for quote in quotes:
                found = line.find(quote + value + quote)
                if found >= 0:
                    return number, found + 2
        return 0, 0

    def start(self, table: str, index: int) -> int:
        """The line of the index-th ``[[table]]`` header, 0 when there is none."""
        headers = self._headers.get(table, [])
        return headers[index] if index < len(headers) else 0

    def key(self, name: str, *, after_line: int = 0) -> tuple[int, int]:
        pattern = re.compile(rf'(^|[\s{{,"]){re.escape(name)}"?\s*[=:]')
        for number in range(max(after_line, 1), len(self.lines) + 1):
            match = pattern.search(self.lines[number - 1])
            if match:
                return number, match.start() + len(match.group(1)) + 1
        return 0, 0

    def rule(self, index: int, rule_id: str) -> tuple[int, int]:
        return self.entry("rules", index, rule_id)

    def entry(self, table: str, index: int, entry_id: str) -> tuple[int, int]:
        """Where the id of the index-th entry of an array of tables is (TOML headers first)."""
        headers = self._headers.get(table, [])
        if index < len(headers):
            start = headers[index]
            line, column = self.value(entry_id, after_line=start)
            return (line, column) if line else (start, 1)
        return self.value(entry_id)


# --- loading ------------------------------------------------------------------------------------

_TOP_KEYS = ("id", "version", "description", "policy", "signals", "rules", "examples")
_POLICY_KEYS = tuple(field.name for field in attrs.fields(RulesetPolicy))
_RULE_KEYS = tuple(field.name for field in attrs.fields(Rule))
_EXAMPLE_KEYS = tuple(field.name for field in attrs.fields(RulesetExample))


def _unknown_keys(
    document: Mapping[str, Any],
    known: tuple[str, ...],
    where: _Locator,
    what: str,
    *,
    after_line: int = 0,
) -> Iterator[RulesetProblem]:
    for key in document:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            line, column = where.key(str(key), after_line=after_line)
            yield where.problem(f"{what}: unknown key {key!r} ({hint})", line, column)


def _parse_text(text: str, source: str, fmt: str) -> dict[str, Any]:
    text = text.removeprefix("\ufeff")  # a byte-order mark, as every reader skips it
    if fmt == "json":
        try:
            document = load_json(text)
        except JsonTextError as error:
            problem = RulesetProblem(
                f"not valid JSON: {error.message}", source, error.line, error.column
            )
            raise RulesetError([problem]) from None
        if not isinstance(document, dict):
            message = f"expected a JSON object at the top, got {show_json(document)}"
            raise RulesetError([RulesetProblem(message, source, 1, 1)])
        document.pop("schema_version", None)
        return document
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line, column = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        problem = RulesetProblem(f"not valid TOML: {message}", source, line, column)
        raise RulesetError([problem]) from None
    except (ValueError, RecursionError) as error:  # a number past the digit limit, deep arrays
        reason = (
            f"nested deeper than the interpreter allows (keep it under {MAX_NESTING} levels)"
            if isinstance(error, RecursionError)
            else f"a number with more than {MAX_DIGITS} digits"
        )
        raise RulesetError([RulesetProblem(f"not valid TOML: {reason}", source)]) from None


def _build(  # noqa: C901, PLR0915 - one check after the other, all problems collected
    document: dict[str, Any], where: _Locator
) -> Ruleset:
    problems = list(_unknown_keys(document, _TOP_KEYS, where, "rule set"))
    # A misspelt key may be the custom signals' table: every custom signal would look unknown.
    semantic_round = not problems
    problems.extend(
        where.problem(f"rule set: required key {key!r} missing", 1, 1)
        for key in ("id", "version", "policy", "rules")
        if key not in document
    )

    def build(
        cls: type[Any], data: object, path: str, known: tuple[str, ...], after: int = 0
    ) -> Any:  # noqa: ANN401
        """The object, or None after adding its problems (placed after line ``after``)."""
        if not isinstance(data, dict):
            line, column = where.key(path.rsplit(".", 1)[-1].split("[", maxsplit=1)[0])
            problems.append(where.problem(f"{path}: expected a table, got {data!r}", line, column))
            return None
        problems.extend(_unknown_keys(data, known, where, path, after_line=after))
        fields = {key: value for key, value in data.items() if key in known}
        try:
            return cls(**fields)
        except ValidationError as error:
            problems.extend(
                _placed(problem, data, path, where, after) for problem in error.problems
            )
        except TypeError:
            required = [
                field.name
                for field in attrs.fields(cls)
                if field.default is attrs.NOTHING and field.name not in data
            ]
            anchor = data.get("id")
            line, column = (
                where.value(anchor, after_line=after) if isinstance(anchor, str) else (0, 0)
            )
            problems.append(
                where.problem(f"{path}: required key {required[0]!r} missing", line, column)
            )
        return None

    def build_all(
        cls: type[Any], table: str, known: tuple[str, ...]
    ) -> tuple[list[Any], list[tuple[int, Any]]]:
        """Every entry (None for a broken one), and the well-formed ones with their index."""
        raw = document.get(table, [])
        if not isinstance(raw, list):
            problems.append(where.problem(f"{table}: expected an array of tables, got {raw!r}"))
            raw = []
        built, clean = [], []
        for index, data in enumerate(raw):
            count = len(problems)
            built.append(build(cls, data, f"{table}[{index}]", known, where.start(table, index)))
            if len(problems) == count:
                clean.append((index, built[-1]))
        return built, clean

    policy = build(RulesetPolicy, document.get("policy", {}), "policy", _POLICY_KEYS)
    rules, clean_rules = build_all(Rule, "rules", _RULE_KEYS)
    examples, clean_examples = build_all(RulesetExample, "examples", _EXAMPLE_KEYS)
    scalars: dict[str, Any] = {}
    for key in ("id", "version", "description"):
        if key in document:
            value = document[key]
            if key == "version" and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str) or (key != "description" and not value.strip()):
                line, column = where.key(key)
                problems.append(
                    where.problem(
                        f"{key}: expected a non-empty string, got {value!r}", line, column
                    )
                )
            scalars[key] = value
    signals = document.get("signals", {})
    try:
        _custom_types(None, attrs.fields(Ruleset).signals, signals)
    except ValidationError as error:
        name = error.problems[0].field.removeprefix("$.signals").removeprefix(".")
        line, column = where.key(name, after_line=where.signals_line) if name else (0, 0)
        if not line:
            line, column = (where.signals_line, 1) if where.signals_line else where.key("signals")
        problems.append(where.problem(str(error).removeprefix("$."), line, column))
        signals, semantic_round = {}, False
    if problems:
        # The rules and examples that are themselves well formed are checked as well, unless
        # what they are checked against (the policy, the custom signals) is in doubt.
        if semantic_round and policy is not None:
            problems.extend(_semantic_problems(policy, clean_rules, signals, clean_examples, where))
        raise RulesetError(_dedupe(problems))
    semantic = list(
        _semantic_problems(policy, enumerate(rules), signals, enumerate(examples), where)
    )
    if semantic:
        raise RulesetError(semantic)
    return Ruleset(
        scalars["id"],
        scalars["version"],
        policy,
        tuple(rules),
        description=scalars.get("description", ""),
        signals=signals,
        examples=tuple(examples),
    )


def _placed(
    problem: Problem, data: Mapping[str, Any], path: str, where: _Locator, after: int
) -> RulesetProblem:
    """A validation problem placed at its value; a condition's syntax error at its character."""
    field = problem.field.removeprefix("$.")
    value = data.get(field.split(".")[0])
    message = str(problem).removeprefix("$.")
    line, column = where.value(value, after_line=after) if isinstance(value, str) else (0, 0)
    if line and isinstance(value, str) and field in {"when", "requires"}:
        try:
            c.parse_condition(value)
        except RulesetError as error:
            # Found, the string's text is the condition's: its column is the start's plus the
            # offset, and the column within the condition says nothing more.
            syntax = error.problems[0]
            column += syntax.column - 1
            message = f"{field}: {syntax.message}"
    anchor = data.get("id")
    if not line and isinstance(anchor, str):
        line, column = where.value(anchor, after_line=after)
    return where.problem(f"{path}.{message}", line, column)


def _dedupe(problems: Iterable[RulesetProblem]) -> list[RulesetProblem]:
    return list(dict.fromkeys(problems))


def _looks_like_text(source: str) -> bool:
    """Whether a string given as a path is plainly a rule set's (or playbook's) text."""
    return "\n" in source or bool(re.match(r"\s*(\{|\[|[A-Za-z_][\w-]*\s*=)", source))


def _looks_like_path(source: str) -> bool:
    """Whether a string given as text is plainly a file name."""
    stripped = source.strip()
    return bool(stripped) and "\n" not in stripped and stripped.lower().endswith((".toml", ".json"))


def load_ruleset(
    path: str | os.PathLike[str],
    *,
    format: Literal["toml", "json"] | None = None,  # noqa: A002 - the word
) -> Ruleset:
    """Load and check a rule set from a ``.toml`` or ``.json`` file.

    Args:
        path: The file (a `Path` or a string naming it); for the rule set's text itself, use
            `loads_ruleset`.
        format: ``toml`` or ``json``; by default the file's suffix (TOML unless ``.json``).

    Returns:
        The checked rule set.

    Raises:
        RulesetError: When the file cannot be read (named, with the reason), when the string
            given is plainly rule text rather than a path (pointing to `loads_ruleset`), or
            listing every problem of the rule set with file, line and column.

    Example:
        >>> import pathlib, tempfile
        >>> from clientcustomer import default_ruleset, load_ruleset
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "mine.toml").write_text(default_ruleset().to_toml(), encoding="utf-8")
        >>> load_ruleset(folder / "mine.toml") == default_ruleset()
        True
        >>> load_ruleset('id = "mine"')
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.RulesetError: <string>: load_ruleset expects a path, got rule text: use loads_ruleset(text)
    """  # noqa: E501 - a doctest line cannot be wrapped
    if isinstance(path, str) and _looks_like_text(path):
        message = "load_ruleset expects a path, got rule text: use loads_ruleset(text)"
        raise RulesetError([RulesetProblem(message)])
    if not isinstance(path, str | os.PathLike):  # a guard for untyped callers
        message = f"load_ruleset expects a path (str or Path), got {type(path).__name__}"  # type: ignore[unreachable]
        raise RulesetError([RulesetProblem(message)])
    file = Path(path)
    name = str(file)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise RulesetError([RulesetProblem(f"cannot read the file: {reason}", name)]) from None
    fmt = format or ("json" if file.suffix.lower() == ".json" else "toml")
    return _loads(text, name, fmt)


def loads_ruleset(
    text: str,
    *,
    format: Literal["toml", "json"] | None = None,  # noqa: A002 - the word
    source: str = "<string>",
) -> Ruleset:
    """Load and check a rule set from its text (TOML, or JSON as `Ruleset.to_dict` gives).

    Args:
        text: The rule set's text; for a file, use `load_ruleset`.
        format: ``toml`` or ``json``; by default JSON when the text starts with ``{``.
        source: The name problems are reported under (a file name, ``<stdin>``).

    Returns:
        The checked rule set.

    Raises:
        RulesetError: Listing every problem with line and column; or, when the text is plainly
            a file name, pointing to `load_ruleset`.

    Example:
        >>> from clientcustomer import loads_ruleset
        >>> text = '''
        ... id = "mine"
        ... version = "1"
        ... policy = { hit = "first" }
        ... [[rules]]
        ... id = "engaged"
        ... when = "active_engagment"
        ... role = "client"
        ... because = "A service engagement runs."
        ... '''
        >>> loads_ruleset(text)
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.RulesetError: <string>:7:9: rule 'engaged': unknown signal 'active_engagment' (did you mean 'active_engagement'?)
        >>> loads_ruleset("rules.toml")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.RulesetError: <string>: loads_ruleset expects the rule set's text, got a file name: use load_ruleset('rules.toml')
    """  # noqa: E501 - a doctest line cannot be wrapped
    if not isinstance(text, str):  # a guard for untyped callers
        message = f"loads_ruleset expects the rule set's text (str), got {type(text).__name__}"  # type: ignore[unreachable]
        raise RulesetError([RulesetProblem(message, source)])
    if _looks_like_path(text):
        message = (
            f"loads_ruleset expects the rule set's text, got a file name: "
            f"use load_ruleset({text.strip()!r})"
        )
        raise RulesetError([RulesetProblem(message, source)])
    text = text.removeprefix("\ufeff")
    fmt = format or ("json" if text.lstrip().startswith("{") else "toml")
    return _loads(text, source, fmt)


def _loads(text: str, name: str, fmt: str) -> Ruleset:
    if fmt not in {"toml", "json"}:
        raise RulesetError([RulesetProblem(f"format: expected 'toml' or 'json', got {fmt!r}")])
    where = _Locator(text, name)
    return _build(_parse_text(text, name, fmt), where)


@functools.cache
def default_ruleset() -> Ruleset:
    """The rule set shipped with the package (``default_rules.toml``), loaded once.

    It follows the sources: a client relationship needs *relational* evidence (collaboration,
    customization); tenure, frequency, a service business or a subscription alone never make one.

    Example:
        >>> from clientcustomer import default_ruleset
        >>> ruleset = default_ruleset()
        >>> ruleset.policy.hit, len(ruleset.rules) > 5
        (<HitPolicy.SCORE: 'score'>, True)
    """
    text = resources.files(__package__).joinpath(DEFAULT_RULESET_FILE).read_text("utf-8")
    where = _Locator(text, DEFAULT_RULESET_FILE)
    return _build(_parse_text(text, DEFAULT_RULESET_FILE, "toml"), where)


# --- canonical documents and TOML ---------------------------------------------------------------


def _to_document(ruleset: Ruleset) -> dict[str, Any]:  # noqa: C901 - one optional key each
    policy: dict[str, Any] = {"hit": ruleset.policy.hit.value}
    defaults = RulesetPolicy(ruleset.policy.hit)
    for field in ("client_at", "customer_below", "requires", "requires_because", "default"):
        value = getattr(ruleset.policy, field)
        if value != getattr(defaults, field):
            policy[field] = value.value if isinstance(value, enum.Enum) else value
    document: dict[str, Any] = {"id": ruleset.id, "version": ruleset.version}
    if ruleset.description:
        document["description"] = ruleset.description
    document["policy"] = policy
    if ruleset.signals:
        document["signals"] = dict(ruleset.signals)
    rules = []
    for rule in ruleset.rules:
        entry: dict[str, Any] = {"id": rule.id, "when": c.to_text(rule.condition)}
        if rule.aspect is not None:
            entry["aspect"] = rule.aspect.value
        if rule.points is not None:
            entry["points"] = rule.points
        if rule.role is not None:
            entry["role"] = rule.role.value
        if rule.priority:
            entry["priority"] = rule.priority
        entry["because"] = rule.because
        rules.append(entry)
    document["rules"] = rules
    if ruleset.examples:
        document["examples"] = [
            {
                "id": example.id,
                "expect": example.expect.value,
                **({"note": example.note} if example.note else {}),
                "signals": dict(example.signals),
            }
            for example in ruleset.examples
        ]
    return document


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # JSON's escapes are TOML's, except that TOML also forbids a raw DEL.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, dict):
        items = ", ".join(f"{_toml_key(k)} = {_toml_value(item)}" for k, item in value.items())
        return "{ " + items + " }" if items else "{}"
    raise TypeError(value)  # pragma: no cover - documents hold only these


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _dump_toml(document: dict[str, Any]) -> str:
    lines = [
        f"{key} = {_toml_value(document[key])}"
        for key in ("id", "version", "description")
        if key in document
    ]
    lines.extend(["", "[policy]"])
    lines.extend(f"{key} = {_toml_value(value)}" for key, value in document["policy"].items())
    if "signals" in document:
        lines.extend(["", "[signals]"])
        lines.extend(
            f"{_toml_key(key)} = {_toml_value(value)}" for key, value in document["signals"].items()
        )
    for rule in document["rules"]:
        lines.extend(["", "[[rules]]"])
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in rule.items())
    for example in document.get("examples", []):
        lines.extend(["", "[[examples]]"])
        for key, value in example.items():
            if key == "signals":
                lines.append(f"signals = {_toml_value(value)}")
            else:
                lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
