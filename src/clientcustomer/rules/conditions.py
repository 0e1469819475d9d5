"""The condition language of rule sets: tokenizer, parser, printer, checker and compiler.

A condition is a small boolean expression over signals::

    collaborative_share >= 0.5 and (customization > 0.2 or active_engagement)
    business_type in ["law", "consulting"] and not nps is unknown

It is parsed by a hand-written recursive-descent parser (never ``eval``/``exec``) into a small,
explicit tree of frozen nodes (`Name`, `Literal`, `Compare`, `In`, `IsUnknown`, `And`, `Or`,
`Not`). The same tree is compiled to Python closures for one record here, and to dataframe
expressions and SQL elsewhere.

Unknown values follow three-valued (Kleene) logic, as SQL does: a comparison with an unknown
signal is unknown (``None``); ``and`` is false if any side is false, else unknown if any side is
unknown; ``or`` is true if any side is true, else unknown if any is; ``not`` of unknown is unknown.
A rule fires only when its condition is true.

Parentheses and ``not`` may nest at most 100 levels deep (``MAX_NESTING``); deeper is a syntax
error with its column, never a ``RecursionError``.

Grammar::

    condition  := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | primary
    primary    := "(" or_expr ")" | test
    test       := operand [ COMPARE operand | ["not"] "in" "[" literal ("," literal)* [","] "]"
                          | "is" ["not"] "unknown" ]
    operand    := NAME | literal
    literal    := NUMBER | STRING | "true" | "false"
    COMPARE    := "<" | "<=" | ">" | ">=" | "==" | "!="
"""

from __future__ import annotations

import difflib
import functools
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeAlias
from typing import Literal as TypingLiteral

import attrs

from clientcustomer._core.limits import MAX_NESTING
from clientcustomer.exceptions import RulesetError, RulesetProblem

__all__ = [
    "And",
    "Compare",
    "Expr",
    "In",
    "IsUnknown",
    "Literal",
    "Name",
    "Not",
    "Or",
    "parse_condition",
]

LiteralValue: TypeAlias = bool | int | float | str
"""The value of a literal in a condition."""

ValueType = TypingLiteral["number", "boolean", "string"]
"""The types the checker knows: integers and reals are both ``number``."""

COMPARE_OPERATORS = ("<", "<=", ">", ">=", "==", "!=")
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "unknown", "true", "false"})


# --- the tree -----------------------------------------------------------------------------------


@attrs.frozen
class Name:
    """A signal, by name.

    Attributes:
        name: The signal's name.
        offset: Where it starts in the condition's text (0-based); not part of equality.

    Example:
        >>> from clientcustomer.rules.conditions import Name, parse_condition
        >>> parse_condition("active_engagement") == Name("active_engagement")
        True
    """

    name: str
    offset: int = attrs.field(default=0, eq=False, repr=False)


@attrs.frozen
class Literal:
    """A number, string or boolean written in the condition.

    Attributes:
        value: The value.
        offset: Where it starts in the condition's text; not part of equality.

    Example:
        >>> from clientcustomer.rules.conditions import Literal
        >>> Literal(3) == Literal(3.0), Literal(True) == Literal(1)
        (True, False)
    """

    value: LiteralValue
    offset: int = attrs.field(default=0, eq=False, repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Literal):
            return NotImplemented
        return _literal_key(self.value) == _literal_key(other.value)

    def __hash__(self) -> int:
        return hash(_literal_key(self.value))


def _literal_key(value: LiteralValue) -> tuple[str, object]:
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, int | float):
        return ("number", float(value))
    return ("string", value)


Operand: TypeAlias = Name | Literal


@attrs.frozen
class Compare:
    """``left OP right`` with OP one of ``< <= > >= == !=``.

    Example:
        >>> from clientcustomer.rules.conditions import Compare, Literal, Name, parse_condition
        >>> tree = Compare(Name("tenure_days"), ">=", Literal(365))
        >>> parse_condition("tenure_days >= 365") == tree
        True
    """

    left: Operand
    op: str
    right: Operand


@attrs.frozen
class In:
    """``name in [a, b, ...]`` (or ``not in`` when ``negated``).

    Example:
        >>> from clientcustomer.rules.conditions import In, parse_condition
        >>> isinstance(parse_condition('region not in ["north", "east"]'), In)
        True
    """

    name: Name
    values: tuple[Literal, ...]
    negated: bool = False


@attrs.frozen
class IsUnknown:
    """``name is unknown`` (or ``is not unknown`` when ``negated``); never unknown itself.

    Example:
        >>> from clientcustomer.rules.conditions import IsUnknown, parse_condition
        >>> parse_condition("nps is not unknown").negated
        True
    """

    name: Name
    negated: bool = False


@attrs.frozen
class And:
    """All of the operands.

    Example:
        >>> from clientcustomer.rules.conditions import parse_condition
        >>> len(parse_condition("a and b and c").operands)
        3
    """

    operands: tuple[Expr, ...]


@attrs.frozen
class Or:
    """Any of the operands.

    Example:
        >>> from clientcustomer.rules.conditions import parse_condition
        >>> len(parse_condition("a or b").operands)
        2
    """

    operands: tuple[Expr, ...]


@attrs.frozen
class Not:
    """The negation of the operand.

    Example:
        >>> from clientcustomer.rules.conditions import Not, parse_condition
        >>> isinstance(parse_condition("not a"), Not)
        True
    """

    operand: Expr


Expr: TypeAlias = Name | Literal | Compare | In | IsUnknown | And | Or | Not
"""A condition's tree."""


# --- tokenizer ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<op><=|>=|==|!=|<|>)
  | (?P<punct>[()\[\],])
    """,
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


@attrs.frozen
class _Token:
    kind: str  # number, name, keyword, string, op, punct, end
    text: str
    offset: int
    value: LiteralValue | None = None


class ConditionSyntaxError(Exception):
    """A condition could not be parsed; ``offset`` says where (internal, wrapped by callers)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def _unescape(body: str, offset: int) -> str:
    out = []
    chars = iter(enumerate(body))
    for index, char in chars:
        if char == "\\":
            _, escaped = next(chars)
            if escaped not in _ESCAPES:
                msg = f"unknown escape '\\{escaped}' in a string"
                raise ConditionSyntaxError(msg, offset + index)
            out.append(_ESCAPES[escaped])
        else:
            out.append(char)
    return "".join(out)


def _tokens(text: str) -> Iterator[_Token]:
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            msg = f"unexpected character {text[position]!r}"
            raise ConditionSyntaxError(msg, position)
        kind = match.lastgroup
        token_text = match.group()
        position = match.end()
        if kind == "space":
            continue
        start = match.start()
        if kind == "number":
            number: float = float(token_text)
            is_int = re.fullmatch(r"-?\d+", token_text) is not None
            if not math.isfinite(number):
                msg = f"number out of range: {token_text}"
                raise ConditionSyntaxError(msg, start)
            yield _Token("number", token_text, start, int(token_text) if is_int else number)
        elif kind == "string":
            yield _Token("string", token_text, start, _unescape(token_text[1:-1], start + 1))
        elif kind == "name" and token_text in _KEYWORDS:
            value = {"true": True, "false": False}.get(token_text)
            yield _Token("keyword", token_text, start, value)
        else:
            yield _Token(str(kind), token_text, start)
    yield _Token("end", "", len(text))


# --- parser -------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = list(_tokens(text))
        self.index = 0
        self.depth = 0

    def _enter(self, token: _Token) -> None:
        """One level deeper (a parenthesis or a ``not``); past `MAX_NESTING` is an error."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            msg = f"nested too deep: more than {MAX_NESTING} levels of parentheses and 'not'"
            raise ConditionSyntaxError(msg, token.offset)

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def _advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _is(self, kind: str, text: str | None = None) -> bool:
        token = self.token
        return token.kind == kind and (text is None or token.text == text)

    def _expect(self, kind: str, text: str, what: str) -> _Token:
        if not self._is(kind, text):
            self._fail(what)
        return self._advance()

    def _fail(self, expected: str) -> None:
        token = self.token
        got = "the end of the condition" if token.kind == "end" else repr(token.text)
        msg = f"expected {expected}, got {got}"
        raise ConditionSyntaxError(msg, token.offset)

    def parse(self) -> Expr:
        if self._is("end"):
            self._fail("a condition")
        expr = self._or()
        if not self._is("end"):
            self._fail("'and', 'or' or the end of the condition")
        return expr

    def _or(self) -> Expr:
        operands = [self._and()]
        while self._is("keyword", "or"):
            self._advance()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def _and(self) -> Expr:
        operands = [self._not()]
        while self._is("keyword", "and"):
            self._advance()
            operands.append(self._not())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def _not(self) -> Expr:
        if self._is("keyword", "not"):
            self._enter(self._advance())
            expr: Expr = Not(self._not())
            self.depth -= 1
            return expr
        return self._primary()

    def _primary(self) -> Expr:
        if self._is("punct", "("):
            self._enter(self._advance())
            expr = self._or()
            self._expect("punct", ")", "')'")
            self.depth -= 1
            return expr
        return self._test()

    def _operand(self) -> Operand:
        token = self.token
        if token.kind == "name":
            self._advance()
            return Name(token.text, token.offset)
        if token.kind in {"number", "string"} or (
            token.kind == "keyword" and token.text in {"true", "false"}
        ):
            self._advance()
            assert token.value is not None  # noqa: S101 - literals always carry a value
            return Literal(token.value, token.offset)
        self._fail("a signal name, a number, a string, true or false")
        raise AssertionError  # pragma: no cover - _fail raises

    def _literal(self) -> Literal:
        operand = self._operand()
        if not isinstance(operand, Literal):
            msg = f"expected a literal value in the list, got signal {operand.name!r}"
            raise ConditionSyntaxError(msg, operand.offset)
        return operand

    def _test(self) -> Expr:
        left = self._operand()
        token = self.token
        if token.kind == "op":
            self._advance()
            return Compare(left, token.text, self._operand())
        negated_in = token.kind == "keyword" and token.text == "not"
        if negated_in or self._is("keyword", "in"):
            if negated_in:
                self._advance()
                if not self._is("keyword", "in"):
                    self._fail("'in' after 'not'")
            self._advance()
            name = self._require_name(left, "'in'")
            return In(name, self._list(), negated=negated_in)
        if self._is("keyword", "is"):
            self._advance()
            negated = self._is("keyword", "not")
            if negated:
                self._advance()
            self._expect("keyword", "unknown", "'unknown' after 'is'")
            return IsUnknown(self._require_name(left, "'is unknown'"), negated=negated)
        return left

    @staticmethod
    def _require_name(left: Operand, what: str) -> Name:
        if isinstance(left, Name):
            return left
        msg = f"expected a signal name before {what}, got {_show_literal(left.value)}"
        raise ConditionSyntaxError(msg, left.offset)

    def _list(self) -> tuple[Literal, ...]:
        self._expect("punct", "[", "'[' to start the list")
        values = [self._literal()]
        while self._is("punct", ","):
            self._advance()
            if self._is("punct", "]"):
                break
            values.append(self._literal())
        self._expect("punct", "]", "',' or ']'")
        return tuple(values)


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Expr:
    return _Parser(text).parse()


def parse_condition(text: str) -> Expr:
    """Parse a condition into its tree (cached; the tree is immutable).

    Args:
        text: The condition, such as ``"collaborative_share >= 0.5 and not active_engagement"``.

    Returns:
        The tree.

    Raises:
        RulesetError: When the text is not a condition; the problem says where (column) and what
            was expected.

    Example:
        >>> from clientcustomer.rules.conditions import parse_condition, to_text
        >>> to_text(parse_condition("(a  >= 1) and b or not c"))
        'a >= 1 and b or not c'
        >>> parse_condition("tenure_days >=")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.RulesetError: <condition>:1:15: expected a signal name, a number, a string, true or false, got the end of the condition
    """  # noqa: E501 - a doctest line cannot be wrapped
    if not isinstance(text, str):  # a guard for untyped callers
        message = f"expected a condition as a string, got {text!r}"  # type: ignore[unreachable]
        problem = RulesetProblem(message, "<condition>")
        raise RulesetError([problem])
    try:
        return _parse_cached(text)
    except ConditionSyntaxError as error:
        problem = RulesetProblem(error.message, "<condition>", 1, error.offset + 1)
        raise RulesetError([problem]) from None


# --- printer ------------------------------------------------------------------------------------

_PRECEDENCE = {Or: 1, And: 2, Not: 3}


def _show_literal(value: LiteralValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'
    return repr(value)


def to_text(expr: Expr) -> str:
    """Print a tree back as a condition, in canonical form with only the parentheses needed.

    Parsing the text gives back an equal tree.

    Example:
        >>> from clientcustomer.rules.conditions import parse_condition, to_text
        >>> to_text(parse_condition("not (a or b) and x in [1, 'y',]"))
        'not (a or b) and x in [1, "y"]'
    """
    return _print(expr, 0)


def _print(expr: Expr, outer: int) -> str:  # noqa: PLR0911 - one case per node
    match expr:
        case Name(name=name):
            return name
        case Literal(value=value):
            return _show_literal(value)
        case Compare(left=left, op=op, right=right):
            return f"{_print(left, 4)} {op} {_print(right, 4)}"
        case In(name=name, values=values, negated=negated):
            items = ", ".join(_show_literal(item.value) for item in values)
            return f"{name.name} {'not in' if negated else 'in'} [{items}]"
        case IsUnknown(name=name, negated=negated):
            return f"{name.name} is {'not unknown' if negated else 'unknown'}"
        case Not(operand=operand):
            # ``not`` binds tighter than ``and``/``or`` and looser than a test: no parentheses.
            return f"not {_print(operand, 3)}"
        case And(operands=operands) | Or(operands=operands):
            level = _PRECEDENCE[type(expr)]
            word = " and " if isinstance(expr, And) else " or "
            # Children of equal precedence are parenthesized so the tree's shape round-trips.
            text = word.join(_print(operand, level + 1) for operand in operands)
            return f"({text})" if outer > level else text
    raise AssertionError(expr)  # pragma: no cover - exhaustive


# --- checker ------------------------------------------------------------------------------------


@attrs.frozen
class ConditionIssue:
    """One problem the checker found in a parsed condition (offset into its text)."""

    message: str
    offset: int


def signals_of(expr: Expr) -> tuple[str, ...]:
    """The signal names a condition reads, in order of first appearance.

    Example:
        >>> from clientcustomer.rules.conditions import parse_condition, signals_of
        >>> signals_of(parse_condition("a > 1 and (b or a < 3)"))
        ('a', 'b')
    """
    seen: dict[str, None] = {}
    _collect(expr, seen)
    return tuple(seen)


def _collect(expr: Expr, seen: dict[str, None]) -> None:
    match expr:
        case Name(name=name):
            seen.setdefault(name, None)
        case Compare(left=left, right=right):
            _collect(left, seen)
            _collect(right, seen)
        case In(name=name) | IsUnknown(name=name):
            seen.setdefault(name.name, None)
        case Not(operand=operand):
            _collect(operand, seen)
        case And(operands=operands) | Or(operands=operands):
            for operand in operands:
                _collect(operand, seen)
        case _:
            pass


def _type_of_literal(value: LiteralValue) -> ValueType:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    return "number"


def check(expr: Expr, types: Mapping[str, ValueType]) -> list[ConditionIssue]:
    """Check names and types: every problem, with its offset.

    Args:
        expr: The parsed condition.
        types: The type of every signal the rule set knows (canonical and declared custom ones).

    Returns:
        The problems (empty when the condition is sound).

    Example:
        >>> from clientcustomer.rules.conditions import check, parse_condition
        >>> types = {"active_engagement": "boolean", "tenure_days": "number"}
        >>> [i.message for i in check(parse_condition("active_engagement >= 3"), types)]
        ["cannot compare boolean signal 'active_engagement' with number 3"]
        >>> [i.message for i in check(parse_condition("active_engagement > false"), types)]
        ["cannot compare boolean signal 'active_engagement' with '>' (only == and != apply)"]
        >>> [i.message for i in check(parse_condition("tenur_days > 1"), types)]
        ["unknown signal 'tenur_days' (did you mean 'tenure_days'?)"]
    """
    issues: list[ConditionIssue] = []
    _check(expr, types, issues, boolean_context=True)
    return issues


def _name_type(name: Name, types: Mapping[str, ValueType], issues: list[ConditionIssue]) -> str:
    if name.name in types:
        return types[name.name]
    close = difflib.get_close_matches(name.name, list(types), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    issues.append(ConditionIssue(f"unknown signal {name.name!r}{hint}", name.offset))
    return "unknown"


def _check_compare(
    expr: Compare, types: Mapping[str, ValueType], issues: list[ConditionIssue]
) -> None:
    left, right, op = expr.left, expr.right, expr.op
    if isinstance(left, Literal) and isinstance(right, Literal):
        message = f"comparison of two literals ({to_text(expr)}) does not read any signal"
        issues.append(ConditionIssue(message, left.offset))
        return
    sides = []
    for side in (left, right):
        kind = (
            _name_type(side, types, issues)
            if isinstance(side, Name)
            else _type_of_literal(side.value)
        )
        sides.append((side, kind))
    (_, left_type), (_, right_type) = sides
    if "unknown" in {left_type, right_type}:
        return
    name, name_type = next((s, t) for s, t in sides if isinstance(s, Name))
    assert isinstance(name, Name)  # noqa: S101 - at least one side is a name (checked above)
    if left_type != right_type:
        other = right if name is left else left
        shown = repr(other.name) if isinstance(other, Name) else _show_literal(other.value)
        what = "signal" if isinstance(other, Name) else right_type if name is left else left_type
        if isinstance(other, Name):
            what = f"{types[other.name]} signal"
        message = f"cannot compare {name_type} signal {name.name!r} with {what} {shown}"
        issues.append(ConditionIssue(message, name.offset))
    elif name_type in {"boolean", "string"} and op not in {"==", "!="}:
        message = (
            f"cannot compare {name_type} signal {name.name!r} with {op!r} (only == and != apply)"
        )
        issues.append(ConditionIssue(message, name.offset))


def _check(  # noqa: C901 - one case per node
    expr: Expr,
    types: Mapping[str, ValueType],
    issues: list[ConditionIssue],
    *,
    boolean_context: bool,
) -> None:
    match expr:
        case Name():
            kind = _name_type(expr, types, issues)
            if boolean_context and kind not in {"boolean", "unknown"}:
                message = (
                    f"{kind} signal {expr.name!r} used as a condition; compare it, "
                    f"e.g. '{expr.name} > 0'"
                )
                issues.append(ConditionIssue(message, expr.offset))
        case Literal(value=value):
            if not isinstance(value, bool):
                message = f"a {_type_of_literal(value)} literal is not a condition"
                issues.append(ConditionIssue(message, expr.offset))
        case Compare():
            _check_compare(expr, types, issues)
        case In(name=name, values=values):
            kind = _name_type(name, types, issues)
            for item in values:
                item_type = _type_of_literal(item.value)
                if kind not in {"unknown", item_type}:
                    message = (
                        f"list item {_show_literal(item.value)} is a {item_type}, "
                        f"but {name.name!r} is a {kind} signal"
                    )
                    issues.append(ConditionIssue(message, item.offset))
        case IsUnknown(name=name):
            _name_type(name, types, issues)
        case Not(operand=operand):
            _check(operand, types, issues, boolean_context=True)
        case And(operands=operands) | Or(operands=operands):
            for operand in operands:
                _check(operand, types, issues, boolean_context=True)


# --- compiler (one record) ----------------------------------------------------------------------

Getter: TypeAlias = Callable[[object], object]
"""Reads one signal's value from a record (``None`` when unknown)."""

Predicate: TypeAlias = Callable[[object], bool | None]
"""A compiled condition: a record in, true, false or unknown (``None``) out."""

_OPERATORS: Mapping[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def compile_condition(  # noqa: C901, PLR0911 - one case per node
    expr: Expr, getter: Callable[[str], Getter]
) -> Predicate:
    """Compile a checked tree into a closure over records.

    Args:
        expr: The tree (already checked: names known, types consistent).
        getter: Returns, for a signal name, a function reading it from a record.

    Returns:
        A function from a record to ``True``, ``False`` or ``None`` (unknown).

    Example:
        >>> from clientcustomer.rules.conditions import compile_condition, parse_condition
        >>> test = compile_condition(parse_condition("a > 1 or b"), lambda n: lambda r: r.get(n))
        >>> test({"a": 2}), test({"a": 0, "b": False}), test({"a": 0})
        (True, False, None)
    """
    match expr:
        case Name(name=name):
            read = getter(name)
            return lambda record: _as_bool(read(record))
        case Literal(value=value):
            constant = bool(value)
            return lambda _record: constant
        case Compare():
            return _compile_compare(expr, getter)
        case In(name=name, values=values, negated=negated):
            read = getter(name.name)
            members = frozenset(_literal_key(item.value) for item in values)

            def contains(record: object) -> bool | None:
                value = read(record)
                if value is None:
                    return None
                return (_literal_key(value) in members) != negated  # type: ignore[arg-type]

            return contains
        case IsUnknown(name=name, negated=negated):
            read = getter(name.name)
            if negated:
                return lambda record: read(record) is not None
            return lambda record: read(record) is None
        case Not(operand=operand):
            inner = compile_condition(operand, getter)

            def negate(record: object) -> bool | None:
                value = inner(record)
                return None if value is None else not value

            return negate
        case And(operands=operands):
            return _compile_and(tuple(compile_condition(o, getter) for o in operands))
        case Or(operands=operands):
            return _compile_or(tuple(compile_condition(o, getter) for o in operands))
    raise AssertionError(expr)  # pragma: no cover - exhaustive


def _as_bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def _name_literal(op: str, read: Getter, constant: Any) -> Predicate:  # noqa: ANN401 - any literal
    """``signal OP literal``, the operator inlined (the hot path of every rule set)."""
    if op == ">=":
        return lambda record: None if (value := read(record)) is None else value >= constant
    if op == "<":
        return lambda record: None if (value := read(record)) is None else value < constant
    if op == ">":
        return lambda record: None if (value := read(record)) is None else value > constant
    if op == "<=":
        return lambda record: None if (value := read(record)) is None else value <= constant
    if op == "==":
        return lambda record: None if (value := read(record)) is None else value == constant
    if op == "!=":
        return lambda record: None if (value := read(record)) is None else value != constant
    raise AssertionError(op)  # pragma: no cover - the parser knows no other operator


def _compile_compare(expr: Compare, getter: Callable[[str], Getter]) -> Predicate:
    apply = _OPERATORS[expr.op]
    left, right = expr.left, expr.right
    if isinstance(left, Name) and isinstance(right, Literal):
        return _name_literal(expr.op, getter(left.name), right.value)
    if isinstance(left, Literal) and isinstance(right, Name):
        read, constant = getter(right.name), left.value

        def literal_name(record: object) -> bool | None:
            value = read(record)
            return None if value is None else apply(constant, value)

        return literal_name
    read_left = getter(left.name) if isinstance(left, Name) else (lambda _r, c=left.value: c)
    read_right = getter(right.name) if isinstance(right, Name) else (lambda _r, c=right.value: c)

    def names(record: object) -> bool | None:
        a, b = read_left(record), read_right(record)
        return None if a is None or b is None else apply(a, b)

    return names


def _compile_and(parts: tuple[Predicate, ...]) -> Predicate:
    def all_of(record: object) -> bool | None:
        unknown = False
        for part in parts:
            value = part(record)
            if value is False:
                return False
            if value is None:
                unknown = True
        return None if unknown else True

    return all_of


def _compile_or(parts: tuple[Predicate, ...]) -> Predicate:
    def any_of(record: object) -> bool | None:
        unknown = False
        for part in parts:
            value = part(record)
            if value is True:
                return True
            if value is None:
                unknown = True
        return None if unknown else False

    return any_of


def evaluate(  # noqa: C901, PLR0911 - one case per node
    expr: Expr, values: Mapping[str, object]
) -> bool | None:
    """Evaluate a tree directly against a mapping (slow, obviously right: the tests' oracle).

    Example:
        >>> from clientcustomer.rules.conditions import evaluate, parse_condition
        >>> evaluate(parse_condition("a > 1 and b"), {"a": 2})
    """
    match expr:
        case Name(name=name):
            return _as_bool(values.get(name))
        case Literal(value=value):
            return bool(value)
        case Compare(left=left, op=op, right=right):
            a = values.get(left.name) if isinstance(left, Name) else left.value
            b = values.get(right.name) if isinstance(right, Name) else right.value
            return None if a is None or b is None else _OPERATORS[op](a, b)
        case In(name=name, values=items, negated=negated):
            given = values.get(name.name)
            if given is None:
                return None
            key = _literal_key(given)  # type: ignore[arg-type]
            found = any(_literal_key(item.value) == key for item in items)
            return found != negated
        case IsUnknown(name=name, negated=negated):
            return (values.get(name.name) is None) != negated
        case Not(operand=operand):
            inner = evaluate(operand, values)
            return None if inner is None else not inner
        case And(operands=operands):
            results = [evaluate(o, values) for o in operands]
            if False in results:
                return False
            return None if None in results else True
        case Or(operands=operands):
            results = [evaluate(o, values) for o in operands]
            if True in results:
                return True
            return None if None in results else False
    raise AssertionError(expr)  # pragma: no cover - exhaustive


# --- code generation (one record) ---------------------------------------------------------------


class PythonEmitter:
    r"""Turns checked trees into Python statements, for a decision function the library compiles.

    The code is generated from the tree only: every signal is a local variable named by the
    caller (``v3``, ``c0``: never a name from the rule set's text), every literal a constant
    passed in the function's namespace (``_k0``, ``_k1``...), every operator one of the
    parser's six. No text of the rule set is ever part of the code. The values follow the same
    three-valued logic as `compile_condition` (``None``: unknown).

    Args:
        local: The local variable holding each signal's value (``None``: unknown).

    Example:
        >>> from clientcustomer.rules.conditions import PythonEmitter, parse_condition
        >>> emitter = PythonEmitter({"a": "v0", "b": "v1"})
        >>> lines, result = emitter.emit(parse_condition("a > 1 or not b"))
        >>> namespace = dict(emitter.constants)
        >>> code = "\n".join(["def test(v0, v1):", *("    " + line for line in lines),
        ...                    f"    return {result}"])
        >>> exec(compile(code, "<generated>", "exec"), namespace)  # noqa: S102 - generated code
        >>> test = namespace["test"]
        >>> test(2, True), test(0, True), test(None, False), test(None, True)
        (True, False, True, None)
    """

    def __init__(self, local: Mapping[str, str]) -> None:
        self._local = dict(local)
        self.constants: dict[str, object] = {"_literal_key": _literal_key}
        self._temps = 0

    def constant(self, value: object) -> str:
        """A fresh name in the namespace bound to ``value`` (a literal never enters the text)."""
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def local(self, name: str) -> str:
        """The local variable holding a signal's value."""
        local = self._local[name]
        if not local.isidentifier():  # pragma: no cover - the caller names the locals
            msg = f"not an identifier: {local!r}"
            raise AssertionError(msg)
        return local

    def _temp(self) -> str:
        self._temps += 1
        return f"t{self._temps}"

    def emit(self, expr: Expr) -> tuple[list[str], str]:
        """Statements computing ``expr`` and the expression holding its value (True/False/None).

        Every compound part is assigned to a temporary first, in post-order, so the nesting of
        the code stays flat whatever the depth of the tree.
        """
        lines: list[str] = []
        result = self._emit(expr, lines)
        return lines, result

    def _operand(self, operand: Operand) -> str:
        if isinstance(operand, Name):
            return self.local(operand.name)
        return self.constant(operand.value)

    def _emit(self, expr: Expr, lines: list[str]) -> str:  # noqa: PLR0911 - one case per node
        match expr:
            case Name(name=name):
                value = self.local(name)
                return f"(None if {value} is None else bool({value}))"
            case Literal(value=value):
                return "True" if bool(value) else "False"
            case Compare(left=left, op=op, right=right):
                if op not in _OPERATORS:  # pragma: no cover - the parser knows no other
                    raise AssertionError(op)
                a, b = self._operand(left), self._operand(right)
                names = [x for x, side in ((a, left), (b, right)) if isinstance(side, Name)]
                if not names:
                    return f"({a} {op} {b})"
                unknown = " or ".join(f"{x} is None" for x in dict.fromkeys(names))
                return f"(None if {unknown} else {a} {op} {b})"
            case In(name=name, values=values, negated=negated):
                value = self.local(name.name)
                members = self.constant(frozenset(_literal_key(item.value) for item in values))
                test = "not in" if negated else "in"
                return f"(None if {value} is None else _literal_key({value}) {test} {members})"
            case IsUnknown(name=name, negated=negated):
                return f"({self.local(name.name)} is {'not ' if negated else ''}None)"
            case Not(operand=operand):
                inner = self._assigned(operand, lines)
                return f"(None if {inner} is None else not {inner})"
            case And(operands=operands) | Or(operands=operands):
                parts = [self._assigned(operand, lines) for operand in operands]
                decisive, other = ("False", "True") if isinstance(expr, And) else ("True", "False")
                hit = " or ".join(f"{part} is {decisive}" for part in parts)
                unknown = " or ".join(f"{part} is None" for part in parts)
                return f"({decisive} if {hit} else None if {unknown} else {other})"
        raise AssertionError(expr)  # pragma: no cover - exhaustive

    def _assigned(self, expr: Expr, lines: list[str]) -> str:
        value = self._emit(expr, lines)
        if value.isidentifier() or value in {"True", "False"}:
            return value
        temp = self._temp()
        lines.append(f"{temp} = {value}")
        return temp
