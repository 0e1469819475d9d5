"""Classify records one at a time, with full explanations, beside three other ways to decide.

Contenders, all in one run over the same records (plain dicts of signal values, some unknown):

* ``clientcustomer classify``: ``Classifier().classify(record)`` per record, each giving a full
  `Classification` (validated signals, score, evidence with the values read, unknown signals);
* ``clientcustomer classify_many``: the same, streamed;
* ``classify, then .evidence read``: the same, each verdict's evidence read at once (the
  explanation is built on demand: this is its cost for one verdict);
* ``eager interpreter (the former classify)``: the reference interpreter the classifier keeps,
  building every verdict's evidence eagerly, as ``classify`` did before it was compiled;
* ``hand-written function``: a Python function written by hand for exactly the default rule set's
  decision (the floor: what the decision costs with no engine and no explanation beyond the ids of
  the rules that fired);
* ``hand-written, validated + explained``: the same function preceded by the checks the library
  makes (known names, types, finite values within each signal's range) and followed by the
  explanation it gives (per fired rule: aspect, points, sentence and the values read; the unknown
  signals) as plain dicts: the same work as the library, written by hand for one rule set;
* ``zen-engine decision graph``: the rule set as a JDM decision graph (a ``collect`` decision
  table, one row per rule, then an expression node for the score, the requirement and the
  verdict);
* ``zen-engine compiled expression``: zen-engine's fastest configuration, the whole rule set as
  one compiled expression evaluated per record (score, rules fired, requirement);
* ``rule-engine``: one ``rule_engine.Rule`` per rule, the points of the matching ones summed.

Contenders run interleaved (each once per round, three rounds) with their results kept and the
garbage collector on; the table gives min, median and max per record and the targets of the
speed issue with "met" or "MISSED". The graph and the rules are generated from the default
rule set's conditions, so they cannot drift from it. Every contender's verdicts (role, score,
rules fired) are checked against the library's on every record before any figure is printed.
The peers are optional (``--group bench``); when one is not installed its row says so.

Run::

    python benchmarks/bench_classify.py            # 200,000 records
    python benchmarks/bench_classify.py --quick    # 20,000 records
    python benchmarks/bench_classify.py --records 50000
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import clientcustomer
from clientcustomer import SIGNALS, Classifier, Ruleset, default_ruleset
from clientcustomer.rules import conditions as c

Record = dict[str, Any]
Outcome = tuple[str, float, tuple[str, ...]]
"""What every contender is checked on: role, score and the ids of the rules that fired."""

RUNS = 3
TARGET_ZEN = 3.0
TARGET_HAND = 4.0
TARGET_BYTES = 400


# --- the records --------------------------------------------------------------------------------

# Archetypes from the sources' scenarios: (weight, signal -> (low, high) or a constant).
ARCHETYPES: tuple[tuple[float, dict[str, Any]], ...] = (
    # one-off retail or online purchase
    (
        0.30,
        {
            "collaborative_share": (0.0, 0.05),
            "touchpoints_per_quarter": (0.0, 1.0),
            "tenure_days": (0, 60),
            "active_engagement": False,
            "repeat_rate": (0.0, 0.2),
            "service_share": (0.0, 0.1),
            "customization": (0.0, 0.05),
            "commitment_days": 0,
            "purchases": (1, 3),
            "spend": (5.0, 400.0),
        },
    ),
    # loyal shopper or wholesale buyer: long tenure, frequent, standard products
    (
        0.20,
        {
            "collaborative_share": (0.0, 0.1),
            "touchpoints_per_quarter": (0.0, 2.0),
            "tenure_days": (300, 3000),
            "active_engagement": False,
            "repeat_rate": (0.7, 1.0),
            "service_share": (0.0, 0.3),
            "customization": (0.0, 0.15),
            "commitment_days": 0,
            "purchases": (20, 400),
            "spend": (500.0, 250000.0),
        },
    ),
    # subscriber or member: a service and a contract, standard and not collaborative
    (
        0.15,
        {
            "collaborative_share": (0.0, 0.1),
            "touchpoints_per_quarter": (0.0, 2.0),
            "tenure_days": (90, 1500),
            "active_engagement": True,
            "repeat_rate": (0.8, 1.0),
            "service_share": (0.8, 1.0),
            "customization": (0.0, 0.1),
            "commitment_days": (0, 365),
            "purchases": (3, 60),
            "spend": (100.0, 3000.0),
        },
    ),
    # professional services client: collaborative, customized, ongoing
    (
        0.20,
        {
            "collaborative_share": (0.3, 0.9),
            "touchpoints_per_quarter": (2.0, 12.0),
            "tenure_days": (20, 2000),
            "active_engagement": (True, False),
            "repeat_rate": (0.0, 0.9),
            "service_share": (0.5, 1.0),
            "customization": (0.3, 1.0),
            "commitment_days": (0, 400),
            "purchases": (0, 30),
            "spend": (1000.0, 500000.0),
        },
    ),
    # in between: a customer becoming a client, or a client drifting away
    (
        0.15,
        {
            "collaborative_share": (0.0, 0.6),
            "touchpoints_per_quarter": (0.0, 5.0),
            "tenure_days": (30, 1500),
            "active_engagement": (True, False),
            "repeat_rate": (0.0, 1.0),
            "service_share": (0.0, 1.0),
            "customization": (0.0, 0.6),
            "commitment_days": (0, 200),
            "purchases": (0, 50),
            "spend": (0.0, 50000.0),
        },
    ),
)
UNKNOWN_SHARE = 0.08
"""Share of values given as ``None`` (unknown); as many again are simply left out."""


def _draw(rng: random.Random, spec: object) -> object:
    if not isinstance(spec, tuple):
        return spec
    low, high = spec
    if isinstance(low, bool):
        return rng.choice(spec)
    if isinstance(low, int):
        return rng.randint(low, high)
    return round(rng.uniform(low, high), 2)  # two decimals: thresholds are hit exactly, often


def make_records(count: int, seed: int = 2024) -> list[Record]:
    """Build ``count`` signal records deterministically, some values unknown or missing."""
    rng = random.Random(seed)
    weights = [weight for weight, _ in ARCHETYPES]
    shapes = [shape for _, shape in ARCHETYPES]
    records = []
    for shape in rng.choices(shapes, weights, k=count):
        record: Record = {}
        for name, spec in shape.items():
            roll = rng.random()
            if roll < UNKNOWN_SHARE:
                record[name] = None
            elif roll >= UNKNOWN_SHARE * 2:
                record[name] = _draw(rng, spec)
        tenure = record.get("tenure_days")
        purchases = record.get("purchases")
        if tenure is not None and purchases is not None:
            record["purchases_per_year"] = round(purchases * 365 / max(tenure, 30), 2)
        records.append(record)
    return records


# --- the contenders -----------------------------------------------------------------------------


def hand_written(record: Record) -> Outcome:  # noqa: C901, PLR0912, PLR0915 - by hand
    """The default rule set's decision, written by hand (unknown: the rule does not fire)."""
    collaborative = record.get("collaborative_share")
    touchpoints = record.get("touchpoints_per_quarter")
    tenure = record.get("tenure_days")
    service = record.get("service_share")
    customization = record.get("customization")
    commitment = record.get("commitment_days")
    score = 0.0
    fired = []
    if collaborative is not None:
        if collaborative >= 0.2:
            score += 1.0
            fired.append("collaborative")
        if collaborative >= 0.5:
            score += 2.0
            fired.append("mostly-collaborative")
        if collaborative < 0.05:
            score -= 1.0
            fired.append("transactional")
    if touchpoints is not None and touchpoints >= 3:
        score += 1.0
        fired.append("regular-touchpoints")
    engaged = record.get("active_engagement")
    if engaged:
        score += 2.0
        fired.append("engaged")
    retainer = record.get("retainer_months")
    if retainer is not None and retainer >= 6:
        score += 2.0
        fired.append("retained")
    if tenure is not None and tenure >= 365:
        score += 1.0
        fired.append("long-standing")
    if service is not None:
        if service >= 0.6:
            score += 1.0
            fired.append("service-oriented")
        if service < 0.2:
            score -= 1.0
            fired.append("product-focused")
    if customization is not None:
        if customization >= 0.2:
            score += 1.0
            fired.append("customized")
        if customization >= 0.5:
            score += 2.0
            fired.append("mostly-customized")
        if customization < 0.05:
            score -= 1.0
            fired.append("standard")
    if commitment is not None and commitment >= 90:
        score += 1.0
        fired.append("committed")
    if not fired and (
        collaborative is None
        or touchpoints is None
        or engaged is None
        or retainer is None
        or tenure is None
        or service is None
        or customization is None
        or commitment is None
    ):
        role = "ambiguous"  # insufficient evidence: nothing fired, an unknown value could have
    elif score < 2.0:
        role = "customer"
    elif (collaborative is None or collaborative < 0.2) and (
        customization is None or customization < 0.2
    ):
        role = "customer"  # no relational evidence
    else:
        role = "client" if score >= 5.0 else "ambiguous"
    return role, score, tuple(fired)


_SPECS = {name: (spec.type, spec.minimum, spec.maximum) for name, spec in SIGNALS.items()}
_RULES = {
    rule.id: (rule.aspect.value if rule.aspect else None, rule.points, rule.because, rule.signals)
    for rule in default_ruleset().rules
}


def hand_written_explained(record: Record) -> dict[str, Any]:  # noqa: C901 - by hand
    """`hand_written` with the library's checks before and its explanation after, as dicts."""
    for name, value in record.items():
        spec = _SPECS.get(name)
        if spec is None:
            raise ValueError(f"{name}: not a known signal")
        if value is None:
            continue
        kind, low, high = spec
        if kind == "boolean":
            if not isinstance(value, bool):
                raise TypeError(f"{name}: expected a boolean, got {value!r}")
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{name}: expected a number, got {value!r}")
        if kind == "integer" and not isinstance(value, int):
            raise TypeError(f"{name}: expected an integer, got {value!r}")
        if not math.isfinite(value) or (low is not None and value < low):
            raise ValueError(f"{name}: expected a number >= {low}, got {value!r}")
        if high is not None and value > high:
            raise ValueError(f"{name}: expected a number <= {high}, got {value!r}")
    role, score, fired = hand_written(record)
    evidence = []
    for rule_id in fired:
        aspect, points, because, names = _RULES[rule_id]
        evidence.append(
            {
                "rule": rule_id,
                "aspect": aspect,
                "points": points,
                "because": because,
                "values": {name: record.get(name) for name in names},
            }
        )
    return {
        "role": role,
        "score": score,
        "margin": score - 5.0,
        "fired": fired,
        "evidence": evidence,
        "unknown": [name for name in _SPECS if record.get(name) is None],
    }


def _only(expr: c.Expr) -> tuple[str, str, object] | tuple[str, None, None]:
    """A rule condition as (signal, operator, literal), or (signal, None, None) for a flag."""
    if isinstance(expr, c.Name):
        return expr.name, None, None
    if (
        isinstance(expr, c.Compare)
        and isinstance(expr.left, c.Name)
        and isinstance(expr.right, c.Literal)
    ):
        return expr.left.name, expr.op, expr.right.value
    raise NotImplementedError(f"no translation for {c.to_text(expr)}")


def _literal(value: object) -> str:
    return json.dumps(value)


def _guarded(expr: c.Expr, prefix: str) -> str:
    """A condition that is false (not unknown) when a signal is unknown: null-guarded tests."""
    if isinstance(expr, c.Or | c.And):
        joiner = " or " if isinstance(expr, c.Or) else " and "
        return joiner.join(f"({_guarded(part, prefix)})" for part in expr.operands)
    name, op, value = _only(expr)
    if op is None:
        return f"{prefix}{name} == true"
    return f"{prefix}{name} != null and {prefix}{name} {op} {_literal(value)}"


def _read(ruleset: Ruleset) -> list[str]:
    return list(dict.fromkeys(name for rule in ruleset.rules for name in rule.signals))


def _unknown(ruleset: Ruleset, prefix: str) -> str:
    """Whether a signal a rule reads is unknown (insufficient evidence when nothing fired)."""
    return " or ".join(f"{prefix}{name} == null" for name in _read(ruleset))


def jdm_graph(ruleset: Ruleset) -> dict[str, Any]:
    """The rule set as a JDM decision graph: a ``collect`` table, then the verdict."""
    if ruleset.policy.hit.value != "score":
        raise NotImplementedError("only the score policy is translated")
    signals = list(dict.fromkeys(_only(rule.condition)[0] for rule in ruleset.rules))
    inputs = [
        {"id": f"in-{name}", "type": "expression", "field": name, "name": name} for name in signals
    ]
    rows = []
    for rule in ruleset.rules:
        name, op, value = _only(rule.condition)
        row = {f"in-{other}": "" for other in signals}
        row[f"in-{name}"] = "true" if op is None else f"{op} {_literal(value)}"
        rows.append(
            {
                "_id": rule.id,
                **row,
                "out-rule": _literal(rule.id),
                "out-points": _literal(rule.points),
            }
        )
    table = {
        "hitPolicy": "collect",
        "inputs": inputs,
        "outputs": [
            {"id": "out-rule", "type": "expression", "field": "rule", "name": "rule"},
            {"id": "out-points", "type": "expression", "field": "points", "name": "points"},
        ],
        "rules": rows,
    }
    policy = ruleset.policy
    requires = policy.requires
    gate = "true" if requires is None else _guarded(c.parse_condition(requires), "$nodes.request.")
    verdict = (
        f"len($.fired) == 0 and $.unknown ? 'ambiguous' : "
        f"$.score < {policy.customer_below} ? 'customer' : not ({gate}) ? 'customer' : "
        f"$.score >= {policy.client_at} ? 'client' : 'ambiguous'"
    )
    expressions = [
        {"id": "score", "key": "score", "value": "sum(map($nodes.rules, #.points))"},
        {"id": "fired", "key": "fired", "value": "map($nodes.rules, #.rule)"},
        {"id": "unknown", "key": "unknown", "value": _unknown(ruleset, "$nodes.request.")},
        {"id": "role", "key": "role", "value": verdict},
    ]
    at = {"x": 0, "y": 0}
    nodes = [
        {"id": "request", "type": "inputNode", "name": "request", "position": at},
        {
            "id": "rules",
            "type": "decisionTableNode",
            "name": "rules",
            "position": at,
            "content": table,
        },
        {
            "id": "verdict",
            "type": "expressionNode",
            "name": "verdict",
            "position": at,
            "content": {"expressions": expressions},
        },
        {"id": "response", "type": "outputNode", "name": "response", "position": at},
    ]
    path = ["request", "rules", "verdict", "response"]
    edges = [
        {"id": f"{a}-{b}", "sourceId": a, "targetId": b, "type": "edge"}
        for a, b in itertools.pairwise(path)
    ]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def zen_contender(ruleset: Ruleset) -> Callable[[Sequence[Record]], list[Outcome]] | str:
    try:
        import zen  # noqa: PLC0415 - optional peer
    except ImportError:
        return "not installed"
    decision = zen.ZenEngine().create_decision(json.dumps(jdm_graph(ruleset)))
    evaluate = decision.evaluate

    def run(records: Sequence[Record]) -> list[Outcome]:
        out = []
        for record in records:
            result = evaluate(record)["result"]
            out.append((result["role"], float(result["score"]), tuple(result["fired"])))
        return out

    return run


def zen_expression(ruleset: Ruleset) -> str:
    """The rule set as ONE zen expression: the score, the rules that fired and the requirement.

    zen-engine's fastest configuration (a compiled expression evaluated per record, no decision
    graph); the role is then read off the score and the requirement with two comparisons.
    """
    if ruleset.policy.hit.value != "score":
        raise NotImplementedError("only the score policy is translated")
    guards = [
        (rule.id, float(rule.points or 0.0), _guarded(rule.condition, "")) for rule in ruleset.rules
    ]
    score = " + ".join(f"(({guard}) ? {points!r} : 0)" for _, points, guard in guards)
    fired = ", ".join(f"(({guard}) ? {_literal(rule_id)} : null)" for rule_id, _, guard in guards)
    requires = ruleset.policy.requires
    gate = "true" if requires is None else _guarded(c.parse_condition(requires), "")
    unknown = _unknown(ruleset, "")
    return (
        f"{{score: {score}, fired: filter([{fired}], # != null), gate: {gate}, unknown: {unknown}}}"
    )


def zen_expression_contender(
    ruleset: Ruleset,
) -> Callable[[Sequence[Record]], list[Outcome]] | str:
    try:
        import zen  # noqa: PLC0415 - optional peer
    except ImportError:
        return "not installed"
    evaluate = zen.compile_expression(zen_expression(ruleset)).evaluate
    client_at, customer_below = ruleset.policy.client_at, ruleset.policy.customer_below

    def run(records: Sequence[Record]) -> list[Outcome]:
        out = []
        for record in records:
            result = evaluate(record)
            score = float(result["score"])
            if not result["fired"] and result["unknown"]:
                role = "ambiguous"  # insufficient evidence
            elif score < customer_below or not result["gate"]:
                role = "customer"
            else:
                role = "client" if score >= client_at else "ambiguous"
            out.append((role, score, tuple(result["fired"])))
        return out

    return run


def rule_engine_contender(ruleset: Ruleset) -> Callable[[Sequence[Record]], list[Outcome]] | str:
    try:
        import rule_engine  # noqa: PLC0415 - optional peer
    except ImportError:
        return "not installed"
    policy = ruleset.policy
    context = rule_engine.Context(default_value=None)  # a missing signal is null
    rules = [
        (
            rule.id,
            float(rule.points or 0.0),
            rule_engine.Rule(_guarded(rule.condition, ""), context=context).matches,
        )
        for rule in ruleset.rules
    ]
    requires = policy.requires
    gate = rule_engine.Rule(
        "true" if requires is None else _guarded(c.parse_condition(requires), ""), context=context
    ).matches
    client_at, customer_below = policy.client_at, policy.customer_below
    read = _read(ruleset)

    def run(records: Sequence[Record]) -> list[Outcome]:
        out = []
        for record in records:
            score = 0.0
            fired = []
            for rule_id, points, matches in rules:
                if matches(record):
                    score += points
                    fired.append(rule_id)
            if not fired and any(record.get(name) is None for name in read):
                role = "ambiguous"  # insufficient evidence
            elif score < customer_below or not gate(record):
                role = "customer"
            else:
                role = "client" if score >= client_at else "ambiguous"
            out.append((role, score, tuple(fired)))
        return out

    return run


def _outcome(verdict: clientcustomer.Classification | dict[str, Any]) -> Outcome:
    if isinstance(verdict, dict):
        return verdict["role"], verdict["score"], verdict["fired"]
    return verdict.role.value, verdict.score, verdict.fired


def contenders(ruleset: Ruleset) -> dict[str, Callable[[Sequence[Record]], list[Any]] | str]:
    classifier = Classifier(ruleset)
    classify = classifier.classify

    def one_at_a_time(records: Sequence[Record]) -> list[clientcustomer.Classification]:
        return [classify(record) for record in records]

    def streamed(records: Sequence[Record]) -> list[clientcustomer.Classification]:
        return list(classifier.classify_many(records))

    def explained(records: Sequence[Record]) -> list[clientcustomer.Classification]:
        kept = []
        for record in records:
            verdict = classify(record)
            verdict.evidence  # noqa: B018 - read: the explanation is built on demand
            kept.append(verdict)
        return kept

    reference = getattr(classifier, "_reference", None)  # the interpreter, eager (as before)

    def eager(records: Sequence[Record]) -> list[clientcustomer.Classification]:
        assert reference is not None  # noqa: S101 - only listed when there is one
        signals_of = classifier.signals_of
        return [reference(signals_of(record)) for record in records]

    def by_hand(records: Sequence[Record]) -> list[Outcome]:
        return [hand_written(record) for record in records]

    def by_hand_explained(records: Sequence[Record]) -> list[dict[str, Any]]:
        return [hand_written_explained(record) for record in records]

    return {
        "clientcustomer classify": one_at_a_time,
        "clientcustomer classify_many": streamed,
        "classify, then .evidence read": explained,
        "eager interpreter (the former classify)": eager
        if reference is not None
        else "this version has no separate interpreter",
        "hand-written function": by_hand,
        "hand-written, validated + explained": by_hand_explained,
        "zen-engine decision graph": zen_contender(ruleset),
        "zen-engine compiled expression": zen_expression_contender(ruleset),
        "rule-engine": rule_engine_contender(ruleset),
    }


# --- the run ------------------------------------------------------------------------------------


def interleaved(
    runs: dict[str, Callable[[Sequence[Record]], list[Any]]], records: Sequence[Record]
) -> tuple[dict[str, list[float]], dict[str, list[Any]]]:
    """Every contender once per round, RUNS rounds: background load hits all of them alike.

    Results are kept until the round ends (as a caller keeping its verdicts would), with the
    garbage collector on.
    """
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, list[Any]] = {}
    for _ in range(RUNS):
        for name, run in runs.items():
            start = time.perf_counter()
            result = run(records)
            times[name].append(time.perf_counter() - start)
            results[name] = result
            del result
    return times, results


def bytes_per_kept_verdict(ruleset: Ruleset, records: Sequence[Record]) -> float:
    """Memory a kept verdict holds (tracemalloc), its input record not counted."""
    import tracemalloc  # noqa: PLC0415 - only here

    classify = Classifier(ruleset).classify
    sample = records[: min(len(records), 20_000)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [classify(record) for record in sample]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    size = (after - before) / len(kept)
    del kept
    return size


def agreement(expected: Sequence[Outcome], actual: Iterable[Any]) -> tuple[int, list[str]]:
    agree, shown = 0, []
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        got_outcome = got if isinstance(got, tuple) else _outcome(got)
        if want == got_outcome:
            agree += 1
        elif len(shown) < 3:
            shown.append(f"    record {index}: expected {want}, got {got_outcome}")
    return agree, shown


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0915 - one table, in order
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000, help="records to classify")
    parser.add_argument("--quick", action="store_true", help="20,000 records")
    args = parser.parse_args(argv)
    count = 20_000 if args.quick else args.records
    ruleset = default_ruleset()
    records = make_records(count)
    print(
        f"clientcustomer {clientcustomer.__version__}, Python {sys.version.split()[0]}, "
        f"rule set {ruleset.ref}, {count:,} records, best of {RUNS} runs"
    )

    runs = {name: run for name, run in contenders(ruleset).items() if not isinstance(run, str)}
    missing = {name: run for name, run in contenders(ruleset).items() if isinstance(run, str)}
    times, results = interleaved(runs, records)
    expected = [_outcome(item) for item in results["clientcustomer classify"]]
    failed = False
    rows: list[tuple[str, list[float] | None, str]] = []
    for name in contenders(ruleset):
        if name in missing:
            rows.append((name, None, missing[name]))
            continue
        outcomes = [item if isinstance(item, tuple) else _outcome(item) for item in results[name]]
        agree, shown = agreement(expected, outcomes)
        note = "reference" if name == "clientcustomer classify" else f"agrees on {agree:,}"
        if agree != count:
            failed = True
            note += "  DISAGREES"
            print(f"{name} disagrees with clientcustomer:", *shown, sep="\n")
        rows.append((name, sorted(times[name]), note))
    results.clear()

    reference = min(times["clientcustomer classify"])
    header = (
        f"{'contender':<36} {'µs/rec min':>10} {'median':>8} {'max':>8} {'records/s':>11} "
        f"{'ratio':>7}  check"
    )
    print()
    print(header)
    print("-" * len(header))
    for name, seconds, note in rows:
        if seconds is None:
            print(f"{name:<36} {'-':>10} {'-':>8} {'-':>8} {'-':>11} {'-':>7}  {note}")
            continue
        low, mid, high = seconds[0], seconds[len(seconds) // 2], seconds[-1]
        print(
            f"{name:<36} {low / count * 1e6:>10.2f} {mid / count * 1e6:>8.2f} "
            f"{high / count * 1e6:>8.2f} {count / low:>11,.0f} {low / reference:>7.2f}  {note}"
        )
    print(
        f"{count:,} records, {RUNS} interleaved rounds, results kept, GC on; ratio: the best time"
        " / the best time of clientcustomer classify (below 1: faster than it)"
    )
    print()
    best = {name: min(seconds) for name, seconds, _ in rows if seconds is not None}
    targets: list[tuple[str, str, bool | None]] = []
    zen_best = min((best[name] for name in best if name.startswith("zen-engine")), default=None)
    if zen_best is None:
        targets.append(
            (f">= {TARGET_ZEN:g}x faster than zen-engine's fastest", "not measured", None)
        )
    else:
        speedup = zen_best / reference
        targets.append(
            (
                f">= {TARGET_ZEN:g}x faster than zen-engine's fastest",
                f"{speedup:.2f}x",
                speedup >= TARGET_ZEN,
            )
        )
    slowdown = reference / best["hand-written function"]
    targets.append(
        (
            f"within {TARGET_HAND:g}x of the hand-written function",
            f"{slowdown:.2f}x",
            slowdown <= TARGET_HAND,
        )
    )
    if "eager interpreter (the former classify)" in best:
        on_demand = (
            best["classify, then .evidence read"] / best["eager interpreter (the former classify)"]
        )
        targets.append(
            (
                "classify + evidence on demand costs no more than the eager verdict",
                f"{on_demand:.2f}x",
                on_demand <= 1.0,
            )
        )
    kept = bytes_per_kept_verdict(ruleset, records)
    targets.append(
        (f"<= {TARGET_BYTES} bytes per kept verdict", f"{kept:,.0f} bytes", kept <= TARGET_BYTES)
    )
    for what, figure, met in targets:
        verdict = "not measured" if met is None else "met" if met else "MISSED"
        print(f"target: {what}: {figure}, {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
