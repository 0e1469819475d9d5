"""Errors raised by clientcustomer.

Every error derives from [`ClientCustomerError`][clientcustomer.exceptions.ClientCustomerError]
and from the builtin that fits it, so ``except ValueError`` keeps working for callers who do not
know this library. The data behind each message lives on attributes, and every error carries
its `problems` in one shape, `Problem` (field, expected, got, note). The hierarchy:

```
Exception
└── ClientCustomerError             every error of the library
    ├── ValidationError (ValueError)       bad values or documents: problems of Problem
    ├── RulesetError (ValueError)          rule sets: problems of RulesetProblem (+ location)
    ├── LifecycleDefinitionError (ValueError)  a bad transition table
    ├── TransitionError (ValueError)       a lifecycle event refused, with its reasons
    └── CliError                           the command line's input (one line, exit status 2)
```

All of them are importable from the package root as well.

Example:
    >>> from clientcustomer import Party
    >>> from clientcustomer.exceptions import ValidationError
    >>> try:
    ...     Party(id="", name="Acme")
    ... except ValidationError as error:
    ...     print(error)
    ...     print(error.problems[0].field, repr(error.problems[0].got))
    $.id: expected a non-empty string, got ''
    $.id ''
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "CliError",
    "ClientCustomerError",
    "LifecycleDefinitionError",
    "MissingDependencyError",
    "Problem",
    "RulesetError",
    "RulesetProblem",
    "TransitionError",
    "ValidationError",
]


class ClientCustomerError(Exception):
    """Base class of every error raised by clientcustomer.

    Example:
        >>> from clientcustomer.exceptions import ClientCustomerError, ValidationError
        >>> issubclass(ValidationError, ClientCustomerError)
        True
    """


def _show(value: object) -> str:
    """Render a given value for a message: short, and quoted when it is text."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


@attrs.frozen
class Problem:
    """One validation problem: where, what was expected and what was given.

    Attributes:
        field: A JSON path to the offending value, such as ``$.dependencies[2].due``.
        expected: What was expected there, in words.
        got: The value that was given (the Python object, not its repr).
        note: An optional preformatted message used instead of ``expected``/``got``.

    Example:
        >>> from clientcustomer.exceptions import Problem
        >>> str(Problem("$.due", "an ISO date", "tomorrow"))
        "$.due: expected an ISO date, got 'tomorrow'"
    """

    field: str
    expected: str
    got: object
    note: str = ""

    def __str__(self) -> str:
        if self.note:
            return f"{self.field}: {self.note}"
        return f"{self.field}: expected {self.expected}, got {_show(self.got)}"


class ValidationError(ClientCustomerError, ValueError):
    """A value or document was not what the library accepts.

    It lists *every* problem found, each with its JSON path, what was expected and what was given.
    The message is one line per problem.

    Attributes:
        problems: The problems, in the order they were found.

    Example:
        >>> from clientcustomer.exceptions import ValidationError
        >>> error = ValidationError.single("$.amount", "a non-negative decimal", "-3")
        >>> print(error)
        $.amount: expected a non-negative decimal, got '-3'
        >>> isinstance(error, ValueError)
        True
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def single(cls, field: str, expected: str, got: object) -> ValidationError:
        """Build an error with exactly one problem.

        Args:
            field: The JSON path of the offending value.
            expected: What was expected, in words.
            got: What was given.

        Returns:
            The error, ready to raise.

        Example:
            >>> from clientcustomer.exceptions import ValidationError
            >>> ValidationError.single("$.id", "a non-empty string", "").problems[0].field
            '$.id'
        """
        return cls((Problem(field, expected, got),))

    @property
    def field(self) -> str:
        """The path of the first problem (the usual case is a single one).

        Example:
            >>> from clientcustomer.exceptions import ValidationError
            >>> ValidationError.single("$.id", "a non-empty string", "").field
            '$.id'
        """
        return self.problems[0].field if self.problems else "$"

    def prefixed(self, prefix: str) -> ValidationError:
        """Return the same error with every path moved under ``prefix``.

        Args:
            prefix: A JSON path such as ``$.engagements[0]``.

        Returns:
            A new error of the same class whose paths start with ``prefix``.

        Example:
            >>> from clientcustomer.exceptions import ValidationError
            >>> str(ValidationError.single("$.due", "a date", None).prefixed("$.dependencies[1]"))
            '$.dependencies[1].due: expected a date, got None'
        """
        moved = (
            attrs.evolve(problem, field=prefix + problem.field.removeprefix("$"))
            for problem in self.problems
        )
        return type(self)(moved)


@attrs.frozen
class RulesetProblem:
    """One problem found while loading or checking a rule set.

    Attributes:
        message: What is wrong, in words, with a suggestion where one helps.
        source: The file (or ``<string>``) the rule set came from.
        line: The 1-based line in that file, or 0 when unknown.
        column: The 1-based column, or 0 when unknown.
        rule_id: The rule the problem belongs to, if any.

    Example:
        >>> from clientcustomer.exceptions import RulesetProblem
        >>> str(RulesetProblem("unknown signal 'tenur_days'", "rules.toml", 12, 17))
        "rules.toml:12:17: unknown signal 'tenur_days'"
    """

    message: str
    source: str = "<string>"
    line: int = 0
    column: int = 0
    rule_id: str | None = None

    @property
    def field(self) -> str:
        """Where, as the `Problem` shape says it: ``source:line:column`` (and the rule).

        Example:
            >>> from clientcustomer.exceptions import RulesetProblem
            >>> RulesetProblem("unknown signal", "rules.toml", 12, 17, "r1").field
            "rules.toml:12:17 (rule 'r1')"
        """
        where = self.source
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where} (rule {self.rule_id!r})" if self.rule_id else where

    @property
    def note(self) -> str:
        """What is wrong, as the `Problem` shape's note (the message).

        Example:
            >>> from clientcustomer.exceptions import RulesetProblem
            >>> RulesetProblem("duplicate rule id 'r1'").note
            "duplicate rule id 'r1'"
        """
        return self.message

    def __str__(self) -> str:
        where = self.source
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class RulesetError(ClientCustomerError, ValueError):
    """A rule set could not be loaded, parsed or checked.

    Attributes:
        problems: Every problem found, each with source, line and column.

    Example:
        >>> from clientcustomer.exceptions import RulesetError, RulesetProblem
        >>> print(RulesetError([RulesetProblem("duplicate rule id 'r1'", "r.toml", 9, 1)]))
        r.toml:9:1: duplicate rule id 'r1'
    """

    problems: tuple[RulesetProblem, ...]

    def __init__(self, problems: Iterable[RulesetProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class LifecycleDefinitionError(ClientCustomerError, ValueError):
    """A lifecycle's transition table is not valid; raised when the lifecycle is built.

    Attributes:
        problems: Every offender as a `Problem` at ``$.transitions`` whose note says what is
            wrong (unknown stages or events, stages that cannot be reached, an event with two
            targets from one stage...).
        reasons: The same, one sentence each.

    Example:
        >>> from clientcustomer.exceptions import LifecycleDefinitionError
        >>> error = LifecycleDefinitionError(["stage 'client' cannot be reached from 'prospect'"])
        >>> print(error)
        invalid lifecycle: stage 'client' cannot be reached from 'prospect'
        >>> error.problems[0].field
        '$.transitions'
    """

    problems: tuple[Problem, ...]
    reasons: tuple[str, ...]

    def __init__(self, reasons: Iterable[str]) -> None:
        self.reasons = tuple(reasons)
        self.problems = tuple(Problem("$.transitions", "", None, text) for text in self.reasons)
        super().__init__("invalid lifecycle: " + "\n".join(self.reasons))


class TransitionError(ClientCustomerError, ValueError):
    """A lifecycle event was refused in the current stage.

    Attributes:
        event: The event that was asked for, such as ``"engage"``.
        stage: The stage the relationship was in.
        reasons: Every reason the event was refused, one sentence each.
        problems: The same as `Problem` items at ``$.event`` (got: the event; note: the reason),
            the shape every error of the library shares.

    Example:
        >>> from clientcustomer.exceptions import TransitionError
        >>> error = TransitionError("lapse", "customer", ["a customer cannot lapse"])
        >>> print(error)
        Can't lapse when in customer: a customer cannot lapse
        >>> error.problems[0].field, error.problems[0].got
        ('$.event', 'lapse')
    """

    event: str
    stage: str
    reasons: tuple[str, ...]
    problems: tuple[Problem, ...]

    def __init__(self, event: str, stage: str, reasons: Iterable[str]) -> None:
        self.event = event
        self.stage = stage
        self.reasons = tuple(reasons)
        self.problems = tuple(
            Problem("$.event", f"an event allowed in {stage}", event, reason)
            for reason in self.reasons
        )
        super().__init__(f"Can't {event} when in {stage}: " + "; ".join(self.reasons))


class CliError(ClientCustomerError):
    """A problem with the command line's input, reported as one line with exit status 2.

    Example:
        >>> from clientcustomer.exceptions import CliError
        >>> str(CliError("--rules: no such file: 'x.toml'"))
        "--rules: no such file: 'x.toml'"
    """


class MissingDependencyError(ClientCustomerError, ImportError):
    """An optional dependency a feature needs is not installed; the message names the extra.

    Example:
        >>> from clientcustomer.exceptions import MissingDependencyError
        >>> print(MissingDependencyError("classify_frame", "narwhals", "polars"))
        classify_frame needs narwhals: pip install clientcustomer[polars]
    """

    def __init__(self, feature: str, module: str, extra: str) -> None:
        super().__init__(f"{feature} needs {module}: pip install clientcustomer[{extra}]")
        self.feature = feature
        self.module = module
        self.extra = extra
