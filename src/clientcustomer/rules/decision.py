"""A rule set's decision function, generated once from its checked condition trees.

`generate` writes the Python source of two functions specialised for one rule set and compiles
them with `compile`: ``from_record`` (a plain dict of canonical signals, validated inline, ``None``
when the record needs the general path) and ``from_signals`` (a `Signals`). Both evaluate every
rule with the three-valued logic of `conditions.compile_condition` (the reference) into two bit
masks, the rules that fired and the rules left undecided by an unknown value, look the fired mask
up in a table of precomputed outcomes (role, score, margin, decided_by, fired ids, note: the same
for every record with the same rules fired), apply the policy's ``requires`` condition when it can
change the verdict, and build the lazy `Classification`.

Nothing of the rule set's text enters the code: signals are read into locals named by position
(``v0``..``v12``, ``c0``...), literals are constants of the namespace (``_k0``...), operators come
from the parser's closed set, and the canonical names and bounds are the package's own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from clientcustomer.signals.derive import _INT64_MAX, SIGNALS

from . import conditions as c

__all__ = ["generate"]

_LARGEST = sys.float_info.max


def _validation(index: int, name: str) -> list[str]:
    """Read one canonical signal from ``record`` and check it is plainly valid (else: ``None``)."""
    spec = SIGNALS[name]
    value = f"v{index}"
    if spec.type == "boolean":
        plain = f"type({value}) is bool"
    else:
        low = -_LARGEST if spec.minimum is None else spec.minimum
        high = _LARGEST if spec.maximum is None else spec.maximum
        # An integer must also fit in 64 bits; a float must be finite (NaN fails every bound).
        least, most = max(low, -_INT64_MAX), min(high, _INT64_MAX)
        whole = f"type({value}) is int and {least!r} <= {value} <= {most!r}"
        if spec.type == "integer":
            plain = whole
        else:
            plain = f"(type({value}) is float and {low!r} <= {value} <= {high!r}) or ({whole})"
    return [
        f"{value} = get({name!r})",
        f"if {value} is not None and not ({plain}):",
        "    return None",
    ]


def _simple(expr: c.Expr) -> tuple[str, str, object] | None:
    """``(signal, operator, literal)`` for a condition that compares one signal with a literal."""
    if (
        isinstance(expr, c.Compare)
        and isinstance(expr.left, c.Name)
        and isinstance(expr.right, c.Literal)
    ):
        return expr.left.name, expr.op, expr.right.value
    return None


def _rules(emitter: c.PythonEmitter, conditions: Sequence[c.Expr]) -> list[str]:
    """Set a rule's bit in ``f`` when it fires, in ``u`` when an unknown value leaves it open.

    The rules that compare one signal with a literal (most of them) are grouped by signal, the
    signal tested for unknown once; the others follow, each through the emitter. The order does
    not matter: only the masks are kept.
    """
    by_signal: dict[str, list[tuple[int, str, object]]] = {}
    lines: list[str] = []
    for index, expr in enumerate(conditions):
        simple = _simple(expr)
        if simple is not None:
            name, op, literal = simple
            by_signal.setdefault(name, []).append((1 << index, op, literal))
            continue
        parts, result = emitter.emit(expr)
        bit = 1 << index
        lines.extend(
            [
                *parts,
                f"r = {result}",
                "if r:",
                f"    f |= {bit}",
                "elif r is None:",
                f"    u |= {bit}",
            ]
        )
    grouped: list[str] = []
    for name, tests in by_signal.items():
        value = emitter.local(name)
        grouped.extend(
            [f"if {value} is None:", f"    u |= {sum(bit for bit, _, _ in tests)}", "else:"]
        )
        for bit, op, literal in tests:
            if op not in c.COMPARE_OPERATORS:  # pragma: no cover - the parser knows no other
                raise AssertionError(op)
            grouped.extend(
                [f"    if {value} {op} {emitter.constant(literal)}:", f"        f |= {bit}"]
            )
    return grouped + lines


def generate(
    conditions: Sequence[c.Expr],
    requires: c.Expr | None,
    kept: Sequence[str],
    custom: Sequence[str],
    namespace: Mapping[str, Any],
) -> tuple[
    Callable[[dict[str, Any]], Any],
    Callable[[Any], Any],
    Callable[[tuple[Any, ...], Mapping[str, Any]], int],
    str,
]:
    """Compile the decision functions of one rule set.

    Args:
        conditions: The rules' checked condition trees, in rule-set order.
        requires: The policy's checked requirement, if any.
        kept: The canonical signals a verdict keeps (the ones the rule set reads), in order.
        custom: The custom signals the rule set reads.
        namespace: What the code uses: ``_entries`` (a dict from fired mask to outcome),
            ``_entry`` (builds a missing outcome), ``_insufficient`` (the outcome of insufficient
            evidence), ``_Twin`` and ``_Classification`` (see `verdict`), ``_ref`` (the rule
            set's reference), ``_explainer`` (kept by every verdict) and ``_NO_CUSTOM``.

    Returns:
        ``from_record`` (a dict of canonical signals, or ``None`` for the general path),
        ``from_signals`` (a `Signals`), ``undecided`` (a kept verdict's values and custom
        signals: the mask of the rules an unknown value left undecided) and the generated
        source (for the curious).
    """
    local = {name: f"v{index}" for index, name in enumerate(SIGNALS)}
    local.update({name: f"c{index}" for index, name in enumerate(custom)})
    emitter = c.PythonEmitter(local)
    tests = _rules(emitter, conditions)
    body = ["f = 0", "u = 0", *tests]
    body.extend(
        [
            "e = _entries.get(f)",
            "if e is None:",
            "    e = _entry(f)",
            "if not f and u:",
            "    e = _insufficient",
        ]
    )
    if requires is not None:
        lines, result = emitter.emit(requires)
        body.extend(
            [
                "elif e[6] is not None:",
                *(f"    {line}" for line in lines),
                f"    if {result} is not True:",
                "        e = e[6]",
            ]
        )
    held = ", ".join(local[name] for name in kept)
    values = f"({held},)" if kept else "()"

    def verdict(custom: str) -> list[str]:
        # A slotted twin of Classification, filled by plain attribute stores, then turned into
        # one (same slots, same layout): much faster than the frozen class's slot setters.
        return [
            "o = _Twin()",
            "o.role = e[0]",
            "o.score = e[1]",
            "o.margin = e[2]",
            "o.ruleset = _ref",
            "o.decided_by = e[3]",
            "o.fired = e[4]",
            "o.note = e[5]",
            f"o.evidence = {values}",
            f"o.unknown = {custom}",
            "o.unresolved = _explainer",
            "o.__class__ = _Classification",
            "return o",
        ]

    canonical = list(SIGNALS)
    source = [
        "def from_record(record):",
        "    if not record.keys() <= _CANONICAL:",
        "        return None",
        "    get = record.get",
        *(f"    {line}" for i, n in enumerate(canonical) for line in _validation(i, n)),
        *(f"    c{index} = None" for index in range(len(custom))),
        *(f"    {line}" for line in body),
        *(f"    {line}" for line in verdict("_NO_CUSTOM")),
        "",
        "def from_signals(s):",
        *(f"    v{index} = s.{name}" for index, name in enumerate(canonical)),
        "    custom = s.custom",
        *(f"    c{index} = custom.get(_n{index})" for index in range(len(custom))),
        *(f"    {line}" for line in body),
        *(f"    {line}" for line in verdict("custom if custom else _NO_CUSTOM")),
        "",
        # A kept verdict's values (the ``evidence`` slot) and custom signals back into the
        # same locals: the rules an unknown value left undecided, for its explanation.
        "def undecided(values, custom):",
        f"    {values} = values" if kept else "    pass",
        *(f"    c{index} = custom.get(_n{index})" for index in range(len(custom))),
        "    f = 0",
        "    u = 0",
        *(f"    {line}" for line in tests),
        "    return u",
    ]
    text = "\n".join(source) + "\n"
    scope: dict[str, Any] = {
        **emitter.constants,
        **namespace,
        "_CANONICAL": frozenset(SIGNALS),
        **{f"_n{index}": name for index, name in enumerate(custom)},
        "__builtins__": {"type": type, "bool": bool, "float": float, "int": int},
    }
    # The text is the library's own, generated from checked trees (see the module's docstring).
    exec(compile(text, "<clientcustomer decision>", "exec"), scope)  # noqa: S102
    return scope["from_record"], scope["from_signals"], scope["undecided"], text
