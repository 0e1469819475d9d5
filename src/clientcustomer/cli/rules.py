"""``clientcustomer rules``: check, test and show rule sets.

* ``rules check FILE`` loads a rule set and reports *every* problem, one per line, as
  ``file:line:column: message`` (the form editors and CI annotate);
* ``rules test [FILE]`` classifies the rule set's embedded examples and prints a table; it exits
  with 1 when one gives another role than it expects;
* ``rules show [FILE]`` prints a rule set as a readable listing, as canonical TOML or as JSON;
* ``rules diff OLD NEW DATA`` says which verdicts change from one rule set to another;
* ``rules evaluate`` and ``rules tune`` compare a rule set's verdicts with labels (a labelled
  signal file, ``--log`` with ``--labels``, or the bundled synthetic sample with ``--demo``)
  and move its thresholds to agree better.

Without FILE, ``test`` and ``show`` use the rule set shipped with the package.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from clientcustomer import (
    Aspect,
    Classifier,
    Disagreement,
    Evaluation,
    HitPolicy,
    NearMiss,
    Role,
    Rule,
    Ruleset,
    RulesetDiff,
    RulesetExampleResult,
    RulesetPolicy,
    Signals,
    VerdictChange,
    derive_signals,
    diff_rulesets,
    evaluate,
    near_misses,
    to_json,
    tune,
    unstructure,
)
from clientcustomer._core.limits import show_json
from clientcustomer.exceptions import CliError, RulesetError, ValidationError

from .inputs import (
    Rejected,
    SignalRows,
    add_log_options,
    add_passthrough,
    day_after_latest,
    input_format,
    load_rules,
    open_input,
    parse_date,
    passthrough,
    read_party_logs,
    signal_rows,
)
from .options import (
    add_command,
    add_format,
    add_group,
    add_optional_file,
    add_output,
    add_rules,
)
from .output import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, one_line, open_output

__all__ = [
    "describe",
    "diff_table",
    "evaluation_document",
    "example_table",
    "register",
    "summary",
]

_WIDTH = 88
_OPTIONAL_RULESET = "the rule set (.toml or .json; - for stdin); the default rule set when omitted"
_STDIN = "-"


def register(subparsers: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add the ``rules`` group and its ``check``, ``test`` and ``show`` subcommands.

    Example:
        >>> from clientcustomer.cli.main import build_parser
        >>> args = build_parser().parse_args(["rules", "show", "--format", "toml"])
        >>> args.file, args.format
        (None, 'toml')
    """
    commands = add_group(
        subparsers,
        "rules",
        help="check, test and show rule sets",
        description="Check, test and show rule sets (TOML or JSON files; see the guide "
        "'Write a rule set').",
    )
    check = add_command(
        commands,
        "check",
        _check,
        help="load a rule set and report every problem",
        description="Load a rule set and report every problem it has, one per line, as "
        "FILE:LINE:COLUMN: MESSAGE (exit status 2). A valid rule set prints one 'ok:' line.",
    )
    check.add_argument("file", metavar="FILE", help="the rule set (.toml or .json; - for stdin)")

    test = add_command(
        commands,
        "test",
        _test,
        help="run a rule set's embedded examples",
        description="Classify every example embedded in a rule set and print expected and "
        "actual roles. Exit status 1 when an example fails.",
    )
    add_optional_file(test, _OPTIONAL_RULESET)

    show = add_command(
        commands,
        "show",
        _show,
        help="print a rule set as text, TOML or JSON",
        description="Print a rule set: a readable listing grouped by aspect, canonical TOML "
        "(loads back into an equal rule set), or JSON.",
    )
    add_optional_file(show, _OPTIONAL_RULESET)
    add_format(show, ("text", "toml", "json"), "the output format")
    add_output(show)

    diff = add_command(
        commands,
        "diff",
        _diff,
        help="which verdicts change from one rule set to another",
        description="Classify every row of a signal file (CSV or JSON Lines, as `classify` "
        "reads it) under OLD and NEW, and print the count per change of role and the rows whose "
        "role, deciding rule or score changes.",
    )
    diff.add_argument("old", metavar="OLD", help="the rule set in use (.toml or .json)")
    diff.add_argument("new", metavar="NEW", help="the rule set considered (.toml or .json)")
    diff.add_argument("data", metavar="DATA", help="a CSV or JSON Lines file of signal rows")
    _add_input_format(diff, "DATA")
    add_format(
        diff,
        ("table", "jsonl"),
        "table: counts then changed rows; jsonl: one object per changed row",
    )
    diff.add_argument("--limit", type=int, metavar="N", help="show at most N changed rows")
    add_passthrough(diff)
    add_output(diff)

    evaluate = add_command(
        commands,
        "evaluate",
        _evaluate,
        help="how often a rule set agrees with labels you trust",
        description="Classify every labelled record and compare the verdicts with the labels "
        "(customer or client, as your account managers labelled them): the confusion matrix, "
        "agreement, precision and recall, Cohen's kappa, per-rule figures and the "
        "disagreements with their near misses. The records are the rows of a signal FILE "
        "(CSV or JSON Lines) whose --label-column holds the label, the parties of an "
        "interaction log (--log LOG --labels FILE: a CSV or JSON Lines file of party id and "
        "label), or the bundled synthetic labelled sample (--demo).",
    )
    _add_labelled_source(evaluate)
    add_format(
        evaluate,
        ("table", "csv", "jsonl", "json"),
        "table: figures then disagreements; csv, jsonl: one row per disagreement (id, "
        "label, role, score, margin, decided_by, rules, near misses), the figures on stderr; "
        "json: one document",
    )
    evaluate.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="show at most N disagreements (default: 20 in the table, all in csv, jsonl, json)",
    )
    add_output(evaluate)

    tune = add_command(
        commands,
        "tune",
        _tune,
        help="move a rule set's thresholds to agree better with labels",
        description="Move the thresholds of a rule set's rules (and its policy's client_at and "
        "customer_below) to agree better with the labels (read as `rules evaluate` reads "
        "them), keeping every rule's operator, text, aspect and points; report the agreement "
        "before, after and cross-validated, and write the tuned rule set as TOML. Exit status "
        "1 when the tuned rule set breaks one of its embedded examples (nothing is written "
        "then).",
    )
    _add_labelled_source(tune)
    tune.add_argument(
        "--folds", type=int, default=5, metavar="K", help="cross-validation folds, 0: none (5)"
    )
    add_output(tune, "write the tuned rule set to FILE")


def _add_input_format(parser: argparse.ArgumentParser, name: str) -> None:
    """``--input-format`` of the signal file ``name``."""
    parser.add_argument(
        "--input-format",
        choices=("csv", "jsonl"),
        help=f"the format of {name} (default: by its extension; csv for stdin)",
    )


def _add_labelled_source(parser: argparse.ArgumentParser) -> None:
    """FILE, --log with --labels, or --demo; the label column; the rule set."""
    add_optional_file(
        parser,
        "a CSV or JSON Lines file of signal rows with a label column (- for stdin)",
        dest="data",
    )
    parser.add_argument(
        "--label-column",
        metavar="NAME",
        default="label",
        help="the column (key) holding the labels, in FILE or in --labels (default: label)",
    )
    add_rules(parser, "the rule set (default: the default one)")
    _add_input_format(parser, "FILE")
    add_passthrough(parser)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="the bundled synthetic labelled sample (2,000 accounts, 5 %% of the labels "
        "flipped on purpose) instead of FILE",
    )
    parser.add_argument(
        "--log", metavar="LOG", help="an interaction log (CSV) to derive each party's signals from"
    )
    parser.add_argument(
        "--labels",
        metavar="FILE",
        help="with --log: a CSV or JSON Lines file of 'party_id' (or 'id') and the label "
        "column; parties of the log without a label are left out",
    )
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="with --log: the date the signals describe (default: the day after the log's "
        "latest interaction)",
    )
    add_log_options(parser)


# --- handlers -----------------------------------------------------------------------------------


def _reporting_problems(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Print every problem of an invalid rule set, one per line, instead of folding them."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except RulesetError as error:
            for problem in error.problems:
                sys.stderr.write(f"{problem}\n")
            count = len(error.problems)
            plural = "problem" if count == 1 else "problems"
            sys.stderr.write(
                f"clientcustomer: error: the rule set is not valid ({count} {plural})\n"
            )
            return EXIT_BAD_INPUT

    run.__doc__ = handler.__doc__
    return run


@_reporting_problems
def _check(args: argparse.Namespace) -> int:
    ruleset = load_rules(args.file)
    sys.stdout.write(f"ok: {summary(ruleset)}\n")
    return EXIT_OK


@_reporting_problems
def _test(args: argparse.Namespace) -> int:
    ruleset = load_rules(args.file)
    results = Classifier(ruleset).run_examples()
    sys.stdout.write(example_table(ruleset.ref, results))
    return EXIT_FAILED if any(not result.passed for result in results) else EXIT_OK


@_reporting_problems
def _show(args: argparse.Namespace) -> int:
    ruleset = load_rules(args.file)
    if args.format == "toml":
        text = ruleset.to_toml()
    elif args.format == "json":
        text = to_json(ruleset, indent=2) + "\n"
    else:
        text = describe(ruleset)
    with open_output(args.output) as out:
        out.write(text)
    return EXIT_OK


def _diff_records(
    args: argparse.Namespace, old: Ruleset, new: Ruleset
) -> Iterator[tuple[str, Signals]]:
    """The rows of DATA as (id, signals); the first bad row stops with its line.

    A column must be a signal of either rule set (or ``id``, or a ``--passthrough`` name).
    """
    fmt = input_format(args.data, args.input_format)
    name = "<stdin>" if args.data == _STDIN else args.data
    both = attrs.evolve(old, signals={**new.signals, **old.signals})
    reader = SignalRows(Classifier(both), name, passthrough(args))
    with open_input(args.data) as stream:
        for item in signal_rows(reader, stream, fmt):
            if isinstance(item, Rejected):
                raise CliError(f"{name}: line {item.line}, {item.reason}")
            yield item.id, item.signals


@_reporting_problems
def _diff(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise CliError(f"--limit: expected a number of rows >= 0, got {args.limit}")
    old, new = load_rules(args.old), load_rules(args.new)
    result = diff_rulesets(old, new, _diff_records(args, old, new))
    shown = result.changes if args.limit is None else result.changes[: args.limit]
    with open_output(args.output) as out:
        if args.format == "jsonl":
            for change in shown:
                out.write(json.dumps(unstructure(change), ensure_ascii=False) + "\n")
        else:
            out.write(diff_table(result, shown))
    if args.format == "jsonl":
        sys.stderr.write(f"rules diff: {_diff_summary(result)}\n")
    return EXIT_OK


def _diff_summary(result: RulesetDiff) -> str:
    return (
        f"{result.old} -> {result.new}: {_count(result.total, 'row')}, {result.changed} changed, "
        f"{sum(item.count for item in result.role_changes)} changed role"
    )


def _aligned(rows: Sequence[Sequence[str]], right: frozenset[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def diff_table(result: RulesetDiff, shown: Sequence[VerdictChange] | None = None) -> str:
    """A diff as text: one line per (old role, new role) count, then the changed rows.

    Args:
        result: What `diff_rulesets` returned.
        shown: The changed rows to list; all of them when ``None``.

    Example:
        >>> from clientcustomer import RoleChange, RulesetDiff, VerdictChange
        >>> from clientcustomer.cli.rules import diff_table
        >>> print(diff_table(RulesetDiff("a@1", "a@2", 2,
        ...     (VerdictChange("acme", "customer", "client", "score", "score", 1.0, 6.0),),
        ...     (RoleChange("customer", "customer", 1), RoleChange("customer", "client", 1)))))
        old role  new role  rows
        customer  customer     1
        customer  client       1
        <BLANKLINE>
        id    old role  new role  old rule  new rule  old score  new score
        acme  customer  client    score     score             1          6
        a@1 -> a@2: 2 rows, 1 changed, 1 changed role
    """
    changes = result.changes if shown is None else shown
    lines: list[str] = []
    if result.roles:
        counts = [("old role", "new role", "rows")]
        counts.extend(
            (item.old_role.value, item.new_role.value, str(item.count)) for item in result.roles
        )
        lines.extend(_aligned(counts, frozenset({2})))
    if changes:
        rows = [("id", "old role", "new role", "old rule", "new rule", "old score", "new score")]
        rows.extend(
            (
                change.id,
                change.old_role.value,
                change.new_role.value,
                change.old_decided_by,
                change.new_decided_by,
                f"{change.old_score:g}",
                f"{change.new_score:g}",
            )
            for change in changes
        )
        lines.extend(["", *_aligned(rows, frozenset({5, 6}))])
    hidden = result.changed - len(changes)
    if hidden:
        lines.append(f"... {hidden} more changed (--limit)")
    lines.append(_diff_summary(result))
    return "\n".join(lines) + "\n"


# --- rendering ----------------------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def summary(ruleset: Ruleset) -> str:
    """One line: the rule set's reference, how many rules and examples, and its hit policy.

    Example:
        >>> from clientcustomer import default_ruleset
        >>> from clientcustomer.cli.rules import summary
        >>> summary(default_ruleset())
        'default@1 - 13 rules, 15 examples, policy score'
    """
    return (
        f"{ruleset.ref} - {_count(len(ruleset.rules), 'rule')}, "
        f"{_count(len(ruleset.examples), 'example')}, policy {ruleset.policy.hit.value}"
    )


def example_table(ref: str, results: Sequence[RulesetExampleResult]) -> str:
    """The results of a rule set's examples as a table, with a closing count.

    Args:
        ref: The rule set's ``id@version``.
        results: What `Classifier.run_examples` returned.

    Example:
        >>> from clientcustomer import RulesetExampleResult
        >>> from clientcustomer.cli.rules import example_table
        >>> print(example_table("mine@1", [RulesetExampleResult("gym", "customer", "client", 6)]))
        example  expected   actual     score  result
        gym      customer   client         6  FAIL
        mine@1: 1 example, 0 passed, 1 failed
    """
    if not results:
        return f"{ref}: no examples to run\n"
    headers = ("example", "expected", "actual", "score", "result")
    rows = [
        (
            result.example_id,
            result.expected.value,
            result.actual.value,
            f"{result.score:g}",
            "ok" if result.passed else "FAIL",
        )
        for result in results
    ]
    widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]
    widths[1] = widths[2] = max(widths[1], widths[2], *(len(role.value) for role in Role))

    def line(row: tuple[str, ...]) -> str:
        name, expected, actual, score, verdict = row
        return (
            f"{name:<{widths[0]}}  {expected:<{widths[1]}}  {actual:<{widths[2]}}  "
            f"{score:>{widths[3]}}  {verdict}".rstrip()
        )

    failed = sum(1 for result in results if not result.passed)
    lines = [line(headers), *(line(row) for row in rows)]
    lines.append(
        f"{ref}: {_count(len(results), 'example')}, {len(results) - failed} passed, {failed} failed"
    )
    return "\n".join(lines) + "\n"


def _wrapped(text: str, indent: str) -> Iterator[str]:
    yield from textwrap.wrap(
        text, width=_WIDTH, initial_indent=indent, subsequent_indent=indent
    ) or [indent.rstrip()]


def _policy_lines(policy: RulesetPolicy) -> Iterator[str]:
    if policy.hit is HitPolicy.SCORE:
        points = "point" if policy.client_at in {1, -1} else "points"
        line = f"policy: score - a client at {policy.client_at:g} {points} or more, a customer "
        if policy.customer_below == policy.client_at:
            yield line + "below"
        else:
            yield line + f"below {policy.customer_below:g}, ambiguous in between"
        if policy.requires is not None:
            yield f"  a client also requires: {policy.requires}"
            if policy.requires_because:
                yield from _wrapped(policy.requires_because, "    ")
    elif policy.hit is HitPolicy.FIRST:
        yield "policy: first - the first rule that fires decides (in file order)"
        yield f"  when no rule fires: {policy.default.value}"
    else:
        yield "policy: priority - of the rules that fire, the highest priority decides"
        yield f"  when no rule fires: {policy.default.value}"


def _outcome(rule: Rule, policy: RulesetPolicy) -> str:
    if policy.hit is HitPolicy.SCORE:
        return f"{rule.points or 0:+g}"
    assert rule.role is not None  # noqa: S101 - checked when the rule set was built
    if policy.hit is HitPolicy.PRIORITY:
        return f"{rule.role.value} (priority {rule.priority})"
    return rule.role.value


def _rule_lines(rule: Rule, policy: RulesetPolicy, prefix: str = "") -> Iterator[str]:
    yield f"  {prefix}{_outcome(rule, policy)}  {rule.id}: {rule.when}"
    yield from _wrapped(rule.because, "      ")


def describe(ruleset: Ruleset) -> str:
    """A readable listing of a rule set: policy, rules grouped by aspect, custom signals, examples.

    Under the ``first`` policy file order decides, so the rules are listed in that order with
    their position; under ``score`` and ``priority`` they are grouped by aspect.

    Example:
        >>> from clientcustomer import default_ruleset
        >>> from clientcustomer.cli.rules import describe
        >>> print(describe(default_ruleset()).splitlines()[0])
        default@1 - 13 rules, 15 examples, policy score
    """
    lines = [summary(ruleset)]
    if ruleset.description:
        lines.extend(_wrapped(ruleset.description, ""))
    lines.append("")
    lines.extend(_policy_lines(ruleset.policy))
    if ruleset.signals:
        lines.extend(["", "custom signals:"])
        lines.extend(f"  {name} ({kind})" for name, kind in ruleset.signals.items())
    if ruleset.policy.hit is HitPolicy.FIRST:
        lines.extend(["", "rules, in the order they are tried:"])
        for number, rule in enumerate(ruleset.rules, 1):
            lines.extend(_rule_lines(rule, ruleset.policy, f"{number}. "))
    else:
        groups: list[tuple[str, list[Rule]]] = [
            (aspect.value, [rule for rule in ruleset.rules if rule.aspect is aspect])
            for aspect in Aspect
        ]
        groups.append(("(no aspect)", [rule for rule in ruleset.rules if rule.aspect is None]))
        for title, rules in groups:
            if rules:
                lines.extend(["", title])
                for rule in rules:
                    lines.extend(_rule_lines(rule, ruleset.policy))
    if ruleset.examples:
        lines.extend(["", "examples:"])
        width = max(len(example.id) for example in ruleset.examples)
        lines.extend(
            f"  {example.id:<{width}}  expects {example.expect.value}"
            for example in ruleset.examples
        )
    return "\n".join(lines) + "\n"


# --- rules evaluate and tune: labelled records --------------------------------------------------

_LABELS = "'customer', 'client' or 'ambiguous'"
_DEMO_NAME = "the demo sample"
_ROLE_NAMES = {role.value: role for role in Role}


@attrs.frozen
class _Labelled:
    """Labelled records read by the CLI: signals, ids and roles, in input order."""

    records: tuple[Signals, ...]
    ids: tuple[str, ...]
    labels: tuple[Role, ...]


def _role(value: object, where: str, column: str) -> Role:
    found = _ROLE_NAMES.get(value.strip().lower()) if isinstance(value, str) else None
    if found is None:
        got = repr(value) if isinstance(value, str) else show_json(value)
        msg = f"{where}, {column}: expected {_LABELS}, got {got}"
        raise CliError(msg)
    return found


def _without_label(
    path: str, name: str, fmt: str, column: str
) -> tuple[io.StringIO, list[tuple[int, object]]]:
    """The signal file without its label column (as text to read again), and (line, label)."""
    labels: list[tuple[int, object]] = []
    out = io.StringIO()
    with open_input(path) as stream:
        if fmt == "jsonl":
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    out.write("\n")
                    continue
                try:
                    document = json.loads(line)
                except ValueError:
                    raise CliError(f"{name}: line {number}: expected a JSON object") from None
                if not isinstance(document, dict) or column not in document:
                    raise CliError(f"{name}: line {number}: expected a {column!r} key")
                labels.append((number, document.pop(column)))
                out.write(json.dumps(document) + "\n")
        else:
            reader = csv.reader(stream)
            header = next(reader, None)
            if header is None or column not in header:
                got = "an empty file" if header is None else ", ".join(header)
                raise CliError(f"--label-column: expected a column of {name}, got {got}")
            index = header.index(column)
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header[:index] + header[index + 1 :])
            for row in reader:
                labels.append((reader.line_num, row[index] if index < len(row) else ""))
                writer.writerow(row[:index] + row[index + 1 :])
    out.seek(0)
    return out, labels


def _labelled_file(args: argparse.Namespace, ruleset: Ruleset, path: str, name: str) -> _Labelled:
    """The signal rows of a labelled file, in file order; a bad row or label stops the run."""
    fmt = input_format(path, args.input_format)
    text, labels = _without_label(path, name, fmt, args.label_column)
    records: list[Signals] = []
    ids: list[str] = []
    reader = SignalRows(Classifier(ruleset), name, passthrough(args))
    for item in signal_rows(reader, text, fmt):
        if isinstance(item, Rejected):
            raise CliError(f"{name}: line {item.line}, {item.reason}")
        records.append(item.signals)
        ids.append(item.id)
    roles = tuple(_role(label, f"{name}: line {line}", args.label_column) for line, label in labels)
    return _Labelled(tuple(records), tuple(ids), roles)


def _label_documents(path: str, name: str, column: str) -> list[tuple[str, dict[str, object]]]:
    """The rows of ``--labels`` as (where, row): CSV with a header, or JSON Lines objects."""
    rows: list[tuple[str, dict[str, object]]] = []
    with open_input(path) as stream:
        if input_format(path, None) == "jsonl":
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    document = json.loads(line)
                except ValueError:
                    document = None
                if not isinstance(document, dict):
                    raise CliError(f"{name}: line {number}: expected a JSON object")
                rows.append((f"{name}: line {number}", document))
        else:
            reader = csv.DictReader(stream)
            header = reader.fieldnames or []
            if column not in header:
                got = ", ".join(header) or "an empty file"
                raise CliError(f"--label-column: expected a column of {name}, got {got}")
            rows.extend((f"{name}: line {reader.line_num}", dict(row)) for row in reader)
    return rows


def _label_rows(args: argparse.Namespace) -> dict[str, tuple[str, Role]]:
    """``--labels``: party id -> (where, role); a party given twice or a bad label stops."""
    name = "<stdin>" if args.labels == _STDIN else args.labels
    column = args.label_column
    rows = _label_documents(args.labels, name, column)
    found: dict[str, tuple[str, Role]] = {}
    for where, row in rows:
        key = next((key for key in ("party_id", "id") if key in row), None)
        party = row.get(key) if key is not None else None
        if not isinstance(party, str) or not party.strip():
            got = "nothing" if party is None else show_json(party)
            raise CliError(f"{where}, party_id: expected a party id, got {got}")
        if column not in row:
            raise CliError(f"{where}, {column}: expected a label, got nothing")
        role = _role(row[column], where, column)
        if party in found:
            first = found[party][0]
            raise CliError(
                f"{where}, party_id: expected a party not labelled before ({first} "
                f"labels it), got {party!r}"
            )
        found[party] = (where, role)
    return found


def _labelled_log(args: argparse.Namespace) -> _Labelled:
    """The labelled parties of ``--log``, in the log's order; a label for no party stops."""
    labels = _label_rows(args)
    logs, _ = read_party_logs(args.log, args)
    if args.as_of is not None:
        as_of = parse_date(args.as_of, option="--as-of")
    else:
        as_of = day_after_latest(logs) or dt.datetime.now(tz=dt.UTC).date()
    parties = {log.party_id: log for log in logs}
    for party, (where, _) in labels.items():
        if party not in parties:
            name = "<stdin>" if args.log == _STDIN else args.log
            raise CliError(f"{where}, party_id: expected a party of {name}, got {party!r}")
    records, ids, roles = [], [], []
    for log in logs:
        if log.party_id not in labels:
            continue
        records.append(
            derive_signals(log.interactions, log.engagements, as_of=as_of, party_id=log.party_id)
        )
        ids.append(log.party_id)
        roles.append(labels[log.party_id][1])
    left = len(parties) - len(ids)
    if left:
        sys.stderr.write(f"rules: {_count(left, 'party')} of the log without a label left out\n")
    return _Labelled(tuple(records), tuple(ids), tuple(roles))


def _labelled_demo(ruleset: Ruleset) -> _Labelled:
    """The bundled synthetic labelled sample (`clientcustomer.demo.demo_labelled`)."""
    from clientcustomer.demo import demo_labelled  # noqa: PLC0415 - the sample only when asked

    sample = demo_labelled()
    read = Classifier(ruleset).signals_of
    records, ids = [], []
    for record in sample.records:
        ids.append(str(record["id"]))
        try:
            records.append(read({key: value for key, value in record.items() if key != "id"}))
        except ValidationError as error:
            raise CliError(f"{_DEMO_NAME}: {ids[-1]}: {one_line(str(error))}") from None
    labels = tuple(_ROLE_NAMES[label.value] for label in sample.labels)
    return _Labelled(tuple(records), tuple(ids), labels)


def _labelled(args: argparse.Namespace, ruleset: Ruleset) -> _Labelled:
    """The labelled records of FILE, ``--log`` with ``--labels``, or ``--demo``."""
    given = [name for name, value in (("FILE", args.data), ("--log", args.log)) if value]
    if args.demo:
        given.append("--demo")
    if len(given) != 1:
        got = " and ".join(given) if given else "none"
        raise CliError(
            f"rules: expected exactly one of FILE, --log LOG --labels FILE or --demo, got {got}"
        )
    if args.log is not None:
        if args.labels is None:
            raise CliError("--labels: expected a file of party ids and labels with --log")
        return _labelled_log(args)
    if args.labels is not None:
        raise CliError("--labels: expected --log LOG to go with it")
    if args.as_of is not None:
        raise CliError("--as-of: expected --log LOG to go with it")
    if args.demo:
        return _labelled_demo(ruleset)
    name = "<stdin>" if args.data == _STDIN else args.data
    return _labelled_file(args, ruleset, args.data, name)


@_reporting_problems
def _tune(args: argparse.Namespace) -> int:
    if args.folds < 0 or args.folds == 1:
        raise CliError(f"--folds: expected 0 or a number >= 2, got {args.folds}")
    ruleset = load_rules(args.rules)
    data = _labelled(args, ruleset)
    try:
        result = tune(data.records, data.labels, ruleset, folds=args.folds)
    except ValidationError as error:
        raise CliError(one_line(str(error))) from None
    cross = "-" if result.cross_validated is None else f"{result.cross_validated:.1%}"
    report = [
        (
            f"rules tune: {ruleset.ref} -> {result.ruleset.ref} on {len(data.records):,} "
            f"labelled rows: agreement {result.before:.1%} -> {result.after:.1%} in-sample, "
            f"{cross} cross-validated ({result.folds} folds)"
        ),
        *(f"  {change}" for change in result.changes),
    ]
    sys.stderr.write("\n".join(report) + "\n")
    if result.broken_examples:
        sys.stderr.write(
            "rules tune: the tuned rule set breaks its examples "
            f"{', '.join(result.broken_examples)}; nothing written\n"
        )
        return EXIT_FAILED
    header = "".join(f"# {line.strip()}\n" for line in report)
    with open_output(args.output) as out:
        out.write(header + result.ruleset.to_toml())
    return EXIT_OK


_DISAGREEMENT_COLUMNS = (
    "id",
    "label",
    "role",
    "score",
    "margin",
    "decided_by",
    "rules",
    "near_misses",
)
_TABLE_LIMIT = 20


def _miss_document(miss: NearMiss) -> dict[str, Any]:
    return {
        "signal": miss.signal,
        "now": miss.now,
        "to": miss.to,
        "role": miss.role.value,
        "text": str(miss),
    }


@_reporting_problems
def _evaluate(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise CliError(f"--limit: expected a number of rows >= 0, got {args.limit}")
    ruleset = load_rules(args.rules)
    data = _labelled(args, ruleset)
    result = evaluate(data.records, data.labels, ruleset)
    limit = args.limit
    if limit is None and args.format == "table":
        limit = _TABLE_LIMIT
    shown = result.disagreements if limit is None else result.disagreements[:limit]
    classifier = Classifier(ruleset)

    def misses(item: Disagreement) -> tuple[NearMiss, ...]:
        return near_misses(data.records[item.index], classifier.ruleset)

    with open_output(args.output, newline="") as out:
        if args.format == "json":
            document = evaluation_document(result)
            document["disagreements"] = [
                {
                    "id": data.ids[item.index],
                    "label": item.label.value,
                    "verdict": unstructure(item.verdict),
                    "near_misses": [_miss_document(miss) for miss in misses(item)],
                }
                for item in shown
            ]
            out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        elif args.format == "jsonl":
            for item in shown:
                row = _disagreement_row(data.ids[item.index], item)
                row["near_misses"] = [_miss_document(miss) for miss in misses(item)]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif args.format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(_DISAGREEMENT_COLUMNS)
            for item in shown:
                row = _disagreement_row(data.ids[item.index], item)
                row["rules"] = ";".join(item.verdict.fired)
                row["near_misses"] = "; ".join(str(miss) for miss in misses(item))
                writer.writerow(
                    f"{value:g}" if isinstance(value, float) else value for value in row.values()
                )
        else:
            out.write(_evaluation_text(result, shown, data.ids, misses))
    if args.format in {"csv", "jsonl"}:
        sys.stderr.write(result.table() + "\n")
    return EXIT_OK


def _disagreement_row(row_id: str, item: Disagreement) -> dict[str, Any]:
    verdict = item.verdict
    return {
        "id": row_id,
        "label": item.label.value,
        "role": verdict.role.value,
        "score": verdict.score,
        "margin": verdict.margin,
        "decided_by": verdict.decided_by,
        "rules": list(verdict.fired),
        "near_misses": [],
    }


def evaluation_document(result: Evaluation) -> dict[str, Any]:
    """The figures of an evaluation as a JSON object (``rules evaluate --format json``).

    Example:
        >>> from clientcustomer import evaluate
        >>> from clientcustomer.cli.rules import evaluation_document
        >>> document = evaluation_document(evaluate([{"customization": 0.0}], ["customer"]))
        >>> document["agreement"], document["matrix"]
        (1.0, [{'label': 'customer', 'verdict': 'customer', 'count': 1}])
    """
    return {
        "ruleset": result.ruleset,
        "total": result.total,
        "agreement": result.agreement,
        "kappa": result.kappa,
        "ambiguous_share": result.ambiguous_share,
        "matrix": [
            {"label": label.value, "verdict": verdict.value, "count": count}
            for (label, verdict), count in sorted(result.matrix.items())
        ],
        "precision": {role.value: result.precision(role) for role in Role},
        "recall": {role.value: result.recall(role) for role in Role},
        "rules": [unstructure(figure) for figure in result.rules],
        "disagreements": [],
    }


def _evaluation_text(
    result: Evaluation,
    shown: Sequence[Disagreement],
    ids: Sequence[str],
    misses: Callable[[Disagreement], Sequence[NearMiss]],
) -> str:
    def share(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    lines = [result.table(), ""]
    lines.extend(
        f"{role.value:<10} precision {share(result.precision(role)):>7}  "
        f"recall {share(result.recall(role)):>7}"
        for role in Role
    )
    lines.extend(["", f"{'rule':<28} {'fired':>7} {'agrees':>8} {'client lift':>12}"])
    for figure in result.rules:
        lift = "-" if figure.client_lift is None else f"{figure.client_lift:.2f}"
        lines.append(
            f"{figure.rule_id:<28} {figure.fired:>7,} {share(figure.agreement):>8} {lift:>12}"
        )
    lines.extend(
        [
            "",
            f"{len(result.disagreements):,} disagreements"
            + (f" (the first {len(shown)})" if len(shown) < len(result.disagreements) else ""),
        ]
    )
    for item in shown:
        lines.append(
            f"  {ids[item.index]}: labelled {item.label.value}, classified "
            f"{item.verdict.role.value} (score {item.verdict.score:g})"
        )
        lines.extend(f"    {miss}" for miss in misses(item)[:3])
    return "\n".join(lines) + "\n"
