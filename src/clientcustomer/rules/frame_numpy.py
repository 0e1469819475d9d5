"""The native pandas path of `classify_frame`: a rule set compiled once into numpy operations.

Each signal column the rule set reads is taken as one numpy array of values and, where it can
hold an unknown value, one boolean mask of the unknown rows (NaN in a float column, ``pd.NA`` in
a nullable column). Every condition is then a pair of boolean arrays (is true, is false), as in
`_Frame.truth`: Kleene logic, where a row is unknown when it is neither. The operations are the
ones pandas itself applies to those arrays (pandas compares a column by comparing its numpy
data), so every row gets the verdict the narwhals path gave it.

Only columns whose values sit in a numpy array of numbers or booleans take this path (numpy
``float``, ``int`` and ``bool`` columns, and pandas' nullable ``Float``, ``Int`` and ``boolean``);
a frame with a text, ``object`` or other signal column goes through narwhals, as before.
"""

from __future__ import annotations

import functools
import operator
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from clientcustomer.signals.derive import Aspect

from . import conditions as c
from .classifier import DECIDED_BY_INSUFFICIENT
from .compile import (
    _ROLE_SCORES,
    DECIDED_BY_COLUMN,
    LEANING_PREFIX,
    ROLE_COLUMN,
    SCORE_COLUMN,
    _aspect_points,
    _wide,
)
from .ruleset import HitPolicy, Role, Ruleset

if TYPE_CHECKING:
    import numpy as np

    _Mask: TypeAlias = "np.ndarray[Any, Any] | bool"

__all__ = ["classify_pandas_native", "native_layout", "pandas_verdict"]

_ORDERED = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    **_ORDERED,
    "==": operator.eq,
    "!=": operator.ne,
}
_NUMPY_KINDS = frozenset("fiub")
"""numpy dtype kinds read natively: floats, signed and unsigned integers, booleans."""
_MASKED = frozenset(
    {"Float32", "Float64", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32"}
    | {"boolean"}
)
"""pandas' nullable dtypes read natively (their numpy data and mask)."""


def native_layout(frame: Any, names: tuple[str, ...]) -> tuple[tuple[str, str], ...] | None:  # noqa: ANN401 - a pandas frame
    """The (name, dtype) of each signal column read, or ``None`` when one cannot be read natively.

    ``uint64`` is left to narwhals: numpy compares it with a signed number through a double.
    """
    layout = []
    dtypes = dict(zip(frame.columns, frame.dtypes, strict=True))
    for name in names:
        dtype = dtypes[name]
        text = str(dtype)
        kind = getattr(dtype, "kind", None)
        if text in _MASKED or (
            text == getattr(dtype, "name", None) and kind in _NUMPY_KINDS and text != "uint64"
        ):
            layout.append((name, text))
        else:
            return None
    return tuple(layout)


class _Column:
    """One signal column: its values, its unknown rows (``None``: none can be) and their mask.

    ``nan_unknown``: every unknown row holds NaN, so that an ordered comparison or ``==`` is
    false there without the mask.
    """

    __slots__ = ("_known", "nan_unknown", "unknown", "values")

    def __init__(self, values: Any, unknown: Any, *, nan_unknown: bool) -> None:  # noqa: ANN401
        self.values = values
        self.unknown = unknown
        self.nan_unknown = nan_unknown
        self._known: Any = None

    @property
    def known(self) -> Any:  # noqa: ANN401 - a numpy mask
        if self._known is None:
            self._known = ~self.unknown
        return self._known


def _read(series: Any, dtype: str) -> _Column:  # noqa: ANN401 - a pandas series
    """The column's numpy values and unknown mask, without a copy where pandas allows it."""
    import numpy as np  # noqa: PLC0415 - pandas brings it

    array = series.array
    if dtype in _MASKED:
        data = getattr(array, "_data", None)
        mask = getattr(array, "_mask", None)
        if not isinstance(data, np.ndarray) or not isinstance(mask, np.ndarray):
            # Not the masked layout this pandas is known for: the public, copying way.
            mask = series.isna().to_numpy(dtype=bool)
            data = series.to_numpy(dtype=array.dtype.numpy_dtype, na_value=0)
        if data.dtype.kind == "f":
            # A nullable float column may hold NaN beside pd.NA: both are unknown.
            nan = np.isnan(data)
            mask = mask | nan
            if not mask.any():
                return _Column(data, None, nan_unknown=True)
            return _Column(data, mask, nan_unknown=bool(np.array_equal(mask, nan)))
        return _Column(data, mask if mask.any() else None, nan_unknown=False)
    values = series.to_numpy()
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        return _Column(values, nan if nan.any() else None, nan_unknown=True)
    return _Column(values, None, nan_unknown=False)


def _join(left: _Mask, right: _Mask, *, absorbing: bool) -> _Mask:
    """``left & right`` (``absorbing`` False) or ``left | right`` (True), a constant folded."""
    for one, other in ((left, right), (right, left)):
        if one is absorbing:
            return absorbing
        if one is (not absorbing):
            return other
    return left | right if absorbing else left & right


def _and(left: _Mask, right: _Mask) -> _Mask:
    return _join(left, right, absorbing=False)


def _or(left: _Mask, right: _Mask) -> _Mask:
    return _join(left, right, absorbing=True)


def _not(value: _Mask) -> _Mask:
    return (not value) if isinstance(value, bool) else ~value


class _Evaluator:
    """Evaluates conditions over the columns of one call, each condition as (true, false)."""

    def __init__(self, columns: dict[str, _Column]) -> None:
        self.columns = columns

    def known(self, names: list[str]) -> _Mask:
        known: _Mask = True
        for name in names:
            column = self.columns[name]
            if column.unknown is not None:
                known = _and(known, column.known)
        return known

    def truth(self, expr: c.Expr) -> tuple[_Mask, _Mask]:  # noqa: C901, PLR0911, PLR0912
        match expr:
            case c.Name(name=name):
                column = self.columns.get(name)
                if column is None:
                    return False, False
                values = column.values
                if values.dtype.kind != "b":
                    values = values == True  # noqa: E712 - an array, not a test
                known = self.known([name])
                return _and(known, values), _and(known, ~values)
            case c.Literal(value=value):
                return bool(value), not value
            case c.Compare(left=left, op=op, right=right):
                return self.compare(expr, left, op, right)
            case c.In(name=name, values=items, negated=negated):
                column = self.columns.get(name.name)
                if column is None:
                    return False, False
                known = self.known([name.name])
                if not items:
                    return _and(known, negated), _and(known, not negated)
                member = functools.reduce(
                    operator.or_, (column.values == _wide(i.value) for i in items)
                )
                if negated:
                    member = ~member
                return _and(known, member), _and(known, ~member)
            case c.IsUnknown(name=name, negated=negated):
                column = self.columns.get(name.name)
                if column is None:
                    unknown, other = True, False
                elif column.unknown is None:
                    unknown, other = False, True
                else:
                    unknown, other = column.unknown, column.known
                return (other, unknown) if negated else (unknown, other)
            case c.Not(operand=operand):
                return self.truth(operand)[::-1]
            case c.And(operands=operands) | c.Or(operands=operands):
                # Kleene: an And is true where all are, false where any is; an Or the reverse.
                pairs = [self.truth(item) for item in operands]
                trues, falses = [t for t, _ in pairs], [f for _, f in pairs]
                all_of, any_of = (_and, _or) if isinstance(expr, c.And) else (_or, _and)
                return functools.reduce(all_of, trues), functools.reduce(any_of, falses)
        raise AssertionError(expr)  # pragma: no cover - exhaustive

    def compare(
        self, expr: c.Expr, left: c.Name | c.Literal, op: str, right: c.Name | c.Literal
    ) -> tuple[_Mask, _Mask]:
        names = [item.name for item in (left, right) if isinstance(item, c.Name)]
        if not names:
            outcome = c.evaluate(expr, {})
            return outcome is True, outcome is False
        if any(name not in self.columns for name in names):
            return False, False
        result = _COMPARE[op](self.operand(left), self.operand(right))
        known = self.known(names)
        if known is True:
            return result, ~result
        # NaN compares false with <, <=, >, >= and ==: where every unknown row holds NaN, the
        # comparison is already false there.
        nan_only = op != "!=" and all(self.columns[name].nan_unknown for name in names)
        return (result if nan_only else _and(known, result)), _and(known, ~result)

    def fires(self, expr: c.Expr) -> _Mask:
        """Where the condition is true, without building where it is false when not needed."""
        match expr:
            case c.Compare(left=left, op=op, right=right) if op != "!=":
                names = [item.name for item in (left, right) if isinstance(item, c.Name)]
                if names and all(
                    name in self.columns and self.columns[name].nan_unknown for name in names
                ):
                    result: _Mask = _COMPARE[op](self.operand(left), self.operand(right))
                    return result
            case c.And(operands=operands):
                return functools.reduce(_and, (self.fires(item) for item in operands))
            case c.Or(operands=operands):
                return functools.reduce(_or, (self.fires(item) for item in operands))
        return self.truth(expr)[0]

    def operand(self, item: c.Name | c.Literal) -> Any:  # noqa: ANN401 - an array or a literal
        if isinstance(item, c.Name):
            return self.columns[item.name].values
        return _wide(item.value)


def _unknown(true: _Mask, false: _Mask) -> _Mask:
    return _and(_not(true), _not(false))


def _undecided(evaluator: _Evaluator, expr: c.Expr) -> tuple[_Mask, _Mask, object]:
    """(fires, is unknown, a key naming the unknown mask when it is one column's own)."""
    match expr:
        case c.Compare() | c.Name() | c.In():
            # Unknown exactly where its one column is: the column's mask, shared by its rules.
            names = c.signals_of(expr)
            if len(names) == 1 and names[0] in evaluator.columns:
                column = evaluator.columns[names[0]]
                unknown = False if column.unknown is None else column.unknown
                return evaluator.fires(expr), unknown, names[0]
    true, false = evaluator.truth(expr)
    return true, _unknown(true, false), None


def _any(masks: list[tuple[_Mask, object]], rows: int) -> Any:  # noqa: ANN401 - a numpy mask
    """Whether any mask is true, each shared mask counted once."""
    import numpy as np  # noqa: PLC0415

    seen: set[object] = set()
    result = np.zeros(rows, dtype=bool)
    for mask, key in masks:
        if mask is False or (key is not None and key in seen):
            continue
        if key is not None:
            seen.add(key)
        if mask is True:
            result[:] = True
            return result
        result |= mask
    return result


def _full(mask: _Mask, rows: int) -> Any:  # noqa: ANN401 - a numpy mask
    import numpy as np  # noqa: PLC0415

    if isinstance(mask, bool):
        return np.full(rows, mask)
    return mask


def pandas_verdict(  # noqa: C901, PLR0912, PLR0915 - one path per policy, then the leanings
    ruleset: Ruleset,
    ordered: list[Any],
    columns: dict[str, _Column],
    rows: int,
    *,
    leanings: bool,
) -> dict[str, tuple[Any, tuple[object, ...] | None]]:
    """The verdict's columns: per name, numpy values, or codes with the labels they index.

    ``ordered``: the rules in the order a pick policy tries them.
    """
    import numpy as np  # noqa: PLC0415

    evaluator = _Evaluator(columns)
    policy = ruleset.policy
    decided = [_undecided(evaluator, rule.condition) for rule in ruleset.rules]
    fired = [fires for fires, _, _ in decided]
    undecided = _any([(unknown, key) for _, unknown, key in decided], rows)
    out: dict[str, tuple[Any, tuple[object, ...] | None]] = {}
    ambiguous = Role.AMBIGUOUS.value
    if policy.hit is HitPolicy.SCORE:
        score = np.zeros(rows)
        any_fired = np.zeros(rows, dtype=bool)
        for rule, fires in zip(ruleset.rules, fired, strict=True):
            points = float(rule.points or 0.0)
            if fires is True:
                score += points
                any_fired[:] = True
            elif fires is not False:
                # Added in the rule set's order, as on every path: the same double sums (a
                # product, not a masked add: 0.0 or -0.0 added to a sum changes nothing).
                score += fires * points
                any_fired |= fires
        gate: _Mask = (
            True if policy.requires is None else evaluator.fires(c.parse_condition(policy.requires))
        )
        insufficient = undecided & ~any_fired
        reached = score >= policy.customer_below
        client = _and(score >= policy.client_at, gate)
        sufficient = ~insufficient
        # 0 insufficient (ambiguous), 1 client, 2 middle (ambiguous), 3 customer; arithmetic on
        # the masks (a masked copy per case costs ten times more).
        role = (
            3 - _full(_and(reached, gate), rows).view(np.int8) - _full(client, rows).view(np.int8)
        )
        role *= sufficient
        out[ROLE_COLUMN] = (role, (ambiguous, Role.CLIENT.value, ambiguous, Role.CUSTOMER.value))
        out[SCORE_COLUMN] = (score, None)
        by = 2 - _full(_and(reached, _not(gate)), rows).view(np.int8)
        by *= sufficient
        out[DECIDED_BY_COLUMN] = (by, (DECIDED_BY_INSUFFICIENT, "policy.requires", "score"))
    else:
        default = policy.default
        by_rule = {id(rule): fires for rule, fires in zip(ruleset.rules, fired, strict=True)}
        conditions = [*(by_rule[id(rule)] for rule in ordered), undecided]
        code = np.full(rows, len(conditions), dtype=np.int32)
        for index in range(len(conditions) - 1, -1, -1):
            condition = conditions[index]
            if condition is True:
                code[:] = index
            elif condition is not False:
                code -= (code - index) * condition  # index where the condition is true
        roles = [(rule.role or default).value for rule in ordered]
        out[ROLE_COLUMN] = (code, (*roles, ambiguous, default.value))
        scores = [_ROLE_SCORES[rule.role or default] for rule in ordered]
        table = np.array([*scores, _ROLE_SCORES[Role.AMBIGUOUS], _ROLE_SCORES[default]])
        out[SCORE_COLUMN] = (table.take(code), None)
        ids = [rule.id for rule in ordered]
        out[DECIDED_BY_COLUMN] = (code, (*ids, DECIDED_BY_INSUFFICIENT, "policy.default"))
    if leanings:
        # Under ``first`` a rule counts only when no earlier one fired (see `_select_list`).
        earlier = np.zeros(rows, dtype=bool)
        counts = []
        for fires in fired:
            full = _full(fires, rows)
            counts.append(full & ~earlier if policy.hit is HitPolicy.FIRST else full)
            earlier = earlier | full
        for aspect in Aspect:
            total = np.zeros(rows)
            for rule, counted in zip(ruleset.rules, counts, strict=True):
                if rule.aspect is aspect:
                    total = total + counted.astype(np.float64) * _aspect_points(rule)
            out[LEANING_PREFIX + aspect.value] = (total, None)
    return out


def read_columns(frame: Any, layout: tuple[tuple[str, str], ...]) -> dict[str, _Column]:  # noqa: ANN401
    """The signal columns of ``layout`` read from a pandas frame."""
    return {name: _read(frame[name], dtype) for name, dtype in layout}


@functools.lru_cache(maxsize=256)
def _label_array(labels: tuple[object, ...]) -> Any:  # noqa: ANN401 - a pandas text array
    """The labels as a pandas text array of the dtype narwhals gives text, built once."""
    import narwhals as nw  # noqa: PLC0415 - classify_frame has imported it

    series = nw.new_series("labels", list(labels), nw.String, backend="pandas")
    return series.to_native().array


def _outside(
    values: Any,  # noqa: ANN401 - a numpy array
    where: Any,  # noqa: ANN401 - True or a numpy mask
    low: float | None,
    high: float | None,
) -> bool:
    import numpy as np  # noqa: PLC0415

    if values.dtype.kind == "f":
        # fmin/fmax skip NaN; an infinity is the minimum or the maximum.
        least = np.fmin.reduce(values, where=where, initial=np.inf)
        most = np.fmax.reduce(values, where=where, initial=-np.inf)
        if least == -np.inf or most == np.inf:
            return True
    else:
        info = np.iinfo(values.dtype)
        least = np.min(values, where=where, initial=info.max)
        most = np.max(values, where=where, initial=info.min)
    return bool((low is not None and least < low) or (high is not None and most > high))


def _out_of_range(column: _Column, low: float | None, high: float | None) -> bool:
    """Whether a known value of the column is below ``low``, above ``high`` or infinite.

    Over every row first (a masked reduction costs fifty times more): a value under the mask of
    a nullable column may only make the column look out of range, and is then checked exactly.
    """
    values = column.values
    if values.dtype.kind == "b" or len(values) == 0 or not _outside(values, True, low, high):  # noqa: FBT003
        return False
    if column.unknown is None or column.nan_unknown:
        return True
    return _outside(values, column.known, low, high)


def classify_pandas(  # noqa: PLR0913 - what classify_frame has checked, passed on
    frame: Any,  # noqa: ANN401 - a pandas frame
    ruleset: Ruleset,
    *,
    ordered: list[Any],
    read: tuple[str, ...],
    bounded: dict[str, tuple[float | None, float | None]],
    check_ranges: Callable[[list[str]], None],
    leanings: bool,
) -> Any:  # noqa: ANN401 - a pandas frame, or None
    """The verdict of a pandas frame in numpy, or ``None`` when a column cannot be read natively.

    ``read``: the signal columns the rule set reads that the frame has (an all-missing
    ``object`` column left out: unknown on every row); ``bounded``: the numeric signal columns
    to check, with their bounds; ``check_ranges`` names the first bad row of the columns given,
    raising (the narwhals check: called only when a column holds a bad value).
    """
    layout = native_layout(frame, tuple(dict.fromkeys([*read, *bounded])))
    if layout is None:
        return None
    columns = read_columns(frame, layout)
    bad = [name for name, (low, high) in bounded.items() if _out_of_range(columns[name], low, high)]
    if bad:
        check_ranges(bad)
    rows = len(frame)
    verdict = pandas_verdict(
        ruleset,
        ordered,
        {name: columns[name] for name in read},
        rows,
        leanings=leanings,
    )
    added = {
        name: values if labels is None else _label_array(labels).take(values)
        for name, (values, labels) in verdict.items()
    }
    return frame.assign(**added)


class _Plan:
    """What `classify_frame` works out of a rule set before reading a pandas frame, once."""

    __slots__ = ("bounds", "fits", "kinds", "ordered", "ruleset", "used")

    def __init__(self, ruleset: Ruleset) -> None:
        from .compile import _bounds, _kinds, _ordered, _used_signals  # noqa: PLC0415 - cycle

        self.ruleset = weakref.ref(ruleset)
        self.used = _used_signals(ruleset)
        self.kinds = _kinds(ruleset)
        self.ordered = _ordered(ruleset)
        self.bounds = {name: _bounds(name, kind) for name, kind in self.kinds.items()}
        types = ruleset.signal_types()
        # The numpy kinds of a used signal's column that pass `_check_frame_types` (narwhals'
        # numeric, integer, float and boolean types); a text signal goes through narwhals.
        allowed = {"number": "fiu", "integer": "fiu", "boolean": "b"}
        self.fits = {name: allowed.get(types.get(name, "number"), "") for name in self.used}


_PLANS: dict[int, _Plan] = {}


def _plan(ruleset: Ruleset) -> _Plan:
    plan = _PLANS.get(id(ruleset))
    if plan is None or plan.ruleset() is not ruleset:
        if len(_PLANS) >= 64:  # a few rule sets per program
            _PLANS.clear()
        plan = _PLANS[id(ruleset)] = _Plan(ruleset)
    return plan


def classify_pandas_native(
    frame: Any,  # noqa: ANN401 - a pandas frame
    ruleset: Ruleset,
    *,
    leanings: bool,
    passthrough: Any,  # noqa: ANN401 - checked by _check_names
    nw_: Any,  # noqa: ANN401 - the narwhals module
) -> Any:  # noqa: ANN401 - a pandas frame, or None
    """`classify_frame` of a pandas frame whose signal columns numpy reads, without narwhals.

    The same checks in the same order as the narwhals path, on pandas' own dtypes: ``None``
    (that path then runs, and gives its errors) when a signal column is not a numpy or nullable
    number or flag column, or is not of its signal's type. The set-up is cached per rule set.
    """
    from .compile import (  # noqa: PLC0415 - compile imports this module when it runs
        _check_names,
        _check_outputs,
        _check_pandas_columns,
        _check_ranges,
        _narwhals_frame,
    )

    plan = _plan(ruleset)
    dtypes = list(frame.dtypes)
    _check_pandas_columns(frame, ruleset, dtypes)
    names = list(frame.columns)
    kinds, fits = plan.kinds, plan.fits
    numbers = []
    floats = []
    for name, dtype in zip(names, dtypes, strict=True):
        if name not in kinds:
            continue
        text = str(dtype)
        kind: str = getattr(dtype, "kind", None) or ""
        native = text in _MASKED or (
            text == getattr(dtype, "name", None) and kind in _NUMPY_KINDS and text != "uint64"
        )
        if not native or not kind or (name in fits and kind not in fits[name]):
            return None
        if kind in "fiu" and plan.bounds[name] is not None:
            numbers.append(name)
            if kind == "f":
                floats.append(name)
    _check_outputs(names, leanings=leanings, where="$.", adds="classify_frame")
    _check_names(ruleset, names, passthrough, where="$.")
    present = frozenset(names)
    bounded = {name: plan.bounds[name][:2] for name in numbers}  # type: ignore[index]

    def check_ranges(bad: list[str]) -> None:
        wrapped = _narwhals_frame(nw_, frame)
        _check_ranges(wrapped, bad, kinds, frozenset(floats), nw_)

    return classify_pandas(
        frame,
        ruleset,
        ordered=plan.ordered,
        read=tuple(name for name in plan.used if name in present),
        bounded=bounded,
        check_ranges=check_ranges,
        leanings=leanings,
    )
