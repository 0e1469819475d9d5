"""``clientcustomer engagement status``: what can proceed on an engagement, and its health.

``engagement status FILE`` reads one engagement as a JSON document (the form `to_json` writes,
with ``schema_version``; ``-`` reads stdin), runs `clientcustomer.readiness` as of a date, and
prints the report: the health verdict with its reasons, what is ready, waiting and blocked (with
the chain of what holds it up) and the overdue dependencies, then what the client was promised
(each deliverable, its due date and where it stands) and what it owes (each dependency, its
owner, due date and status). ``--format json`` prints the
`Readiness` as a JSON document instead, which `from_json` reads back.

The exit status is 0 for any report, whatever the verdict, unless ``--fail-on`` is given:
``--fail-on blocked`` exits 1 when the engagement is blocked, ``--fail-on at_risk`` when it is at
risk or blocked (useful in a scheduled job). Bad input exits 2 with one line naming the file and
the JSON path of every problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from clientcustomer import (
    DEFAULT_HORIZON_DAYS,
    Engagement,
    EngagementHealth,
    Readiness,
    from_json,
    readiness,
    to_json,
)
from clientcustomer.exceptions import CliError, ValidationError

from .inputs import parse_date, read_text
from .options import add_command, add_format, add_group, add_output
from .output import EXIT_FAILED, EXIT_OK, open_output

__all__ = ["exit_status", "read_engagement", "register"]


def register(subparsers: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add the ``engagement`` group and its ``status`` command.

    Example:
        >>> from clientcustomer.cli.main import build_parser
        >>> args = build_parser().parse_args(["engagement", "status", "work.json"])
        >>> args.file, args.format, args.fail_on, args.horizon_days
        ('work.json', 'text', None, '14')
    """
    commands = add_group(
        subparsers,
        "engagement",
        help="check an engagement: what can proceed, what the client still owes, its health",
        description="Check an engagement's readiness: which deliverables can proceed, which are "
        "blocked by what the client owes, and whether it is on track, at risk or blocked.",
    )
    status = add_command(
        commands,
        "status",
        _status,
        help="print an engagement's readiness and health",
        description="Read one engagement (a JSON document as to_json writes it) and print its "
        "readiness as of a date: the health (on track, at risk, blocked) with its reasons, the "
        "deliverables ready, waiting and blocked (with what holds them up), and the overdue "
        "dependencies. The exit status is 0 for any report unless --fail-on is given.",
    )
    status.add_argument("file", metavar="FILE", help="the engagement as JSON (- for stdin)")
    status.add_argument(
        "--as-of", metavar="DATE", help="the date to judge on, YYYY-MM-DD (default: today)"
    )
    status.add_argument(
        "--horizon-days",
        metavar="N",
        default=str(DEFAULT_HORIZON_DAYS),
        help="how many days ahead counts as coming due (default: %(default)s)",
    )
    add_format(status, ("text", "json"), "a readable report, or the Readiness as a JSON document")
    status.add_argument(
        "--fail-on",
        choices=(EngagementHealth.BLOCKED.value, EngagementHealth.AT_RISK.value),
        help="exit with status 1 when the health is this bad or worse",
    )
    add_output(status)


def read_engagement(path: str) -> Engagement:
    """Read one engagement from a JSON file (``-`` is stdin), naming the file on any problem.

    Raises:
        CliError: When the file cannot be read, is not JSON or is not a valid engagement; the
            message names the file and the JSON path of every problem.

    Example:
        >>> from clientcustomer.cli.engagement import read_engagement
        >>> read_engagement("no-such-engagement.json")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.CliError: FILE: expected a readable file, got 'no-such-engagement.json' (not found)
    """  # noqa: E501 - a doctest line cannot be wrapped
    text = read_text(path, option="FILE")
    try:
        return from_json(Engagement, text)
    except ValidationError as error:
        where = "stdin" if path == "-" else path
        problems = (line.strip() for line in str(error).splitlines() if line.strip())
        msg = f"{where}: {'; '.join(problems)}"
        raise CliError(msg) from None


def exit_status(health: EngagementHealth, fail_on: str | None) -> int:
    """The exit status for a verdict: 1 when ``fail_on`` is given and the health is that bad.

    Example:
        >>> from clientcustomer import EngagementHealth as H
        >>> from clientcustomer.cli.engagement import exit_status
        >>> exit_status(H.BLOCKED, None), exit_status(H.AT_RISK, "blocked")
        (0, 0)
        >>> exit_status(H.AT_RISK, "at_risk"), exit_status(H.BLOCKED, "at_risk")
        (1, 1)
    """
    if fail_on is not None and health.severity >= EngagementHealth(fail_on).severity:
        return EXIT_FAILED
    return EXIT_OK


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone().date()


def _horizon(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        msg = f"--horizon-days: expected an integer >= 0, got {text!r}"
        raise CliError(msg)
    return value


def _report(found: Readiness) -> str:
    """The readiness, then what the client was promised and what it owes."""
    commitments = found.commitments()
    return f"{found.explain()}\n{commitments}" if commitments else found.explain()


def _status(args: argparse.Namespace) -> int:
    as_of = _today() if args.as_of is None else parse_date(args.as_of, option="--as-of")
    horizon = _horizon(args.horizon_days)
    found: Readiness = readiness(read_engagement(args.file), as_of, horizon_days=horizon)
    text = to_json(found, indent=2) if args.format == "json" else _report(found)
    with open_output(args.output) as out:
        out.write(text + "\n")
    return exit_status(found.health, args.fail_on)
