"""``clientcustomer timeline`` and ``clientcustomer lifecycle``: replay a log, check and draw.

* ``timeline LOG`` (or ``timeline --demo``) replays an interaction log through the lifecycle and
  prints, party by party, the dated stage changes with their reason and the classification of
  that day, then the watchlist of customers emerging as clients;
* ``lifecycle check`` asks whether one event can happen to a relationship and prints every reason
  when it cannot (exit status 1);
* ``lifecycle diagram`` prints the transition table as a Mermaid state diagram.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from clientcustomer import (
    LIFECYCLE,
    ClassificationSummary,
    EmergingClient,
    Engagement,
    Lifecycle,
    LifecycleEvent,
    LifecycleState,
    PartyTimeline,
    Role,
    Stage,
    StageChange,
    emerging_clients,
    lifecycle_diagram,
    replay,
    unstructure,
)
from clientcustomer.exceptions import CliError, ValidationError

from .inputs import (
    add_log_options,
    add_log_or_demo,
    add_party_filter,
    only_parties,
    open_log,
    parse_date,
    read_engagements,
    read_log_or_demo,
)
from .options import add_command, add_format, add_group, add_output
from .output import EXIT_FAILED, EXIT_OK, one_line, open_output

__all__ = ["change_lines", "emerging_lines", "register"]

_INDENT = "  "


def register(subparsers: Any) -> None:  # noqa: ANN401 - argparse's subparsers action is private
    """Add the ``timeline`` command and the ``lifecycle`` group (``check``, ``diagram``).

    Example:
        >>> from clientcustomer.cli.main import build_parser
        >>> args = build_parser().parse_args(["timeline", "--demo", "--party", "acct-021"])
        >>> args.demo, args.party, args.format
        (True, ['acct-021'], 'table')
    """
    timeline = add_command(
        subparsers,
        "timeline",
        _timeline,
        help="replay a log through the lifecycle: when did each customer become a client?",
        description="Replay an interaction log through the lifecycle, party by party, and print "
        "the dated stage changes (event, from -> to, reason, and the classification of that day "
        "with the default rule set), then the customers whose score is rising toward client.",
    )
    _add_timeline_options(timeline)
    commands = add_group(
        subparsers,
        "lifecycle",
        help="check lifecycle events and draw the lifecycle",
        description="Check whether a lifecycle event can happen, and draw the transition table.",
    )
    check = add_command(
        commands,
        "check",
        _check,
        help="say whether an event can happen, and every reason when it cannot",
        description="Ask the lifecycle whether EVENT can happen to a relationship in STAGE on "
        "a date. Prints 'allowed' and the stage it leads to (exit status 0), or 'refused' and "
        "every reason, one per line (exit status 1).",
    )
    _add_check_options(check)
    diagram = add_command(
        commands,
        "diagram",
        _diagram,
        help="print the lifecycle as a Mermaid state diagram",
        description="Print the lifecycle's transition table as a Mermaid stateDiagram-v2, "
        "generated from the table the code uses.",
    )
    add_output(diagram)


def _add_timeline_options(parser: argparse.ArgumentParser) -> None:
    """The log (or the demo data), the replay's span and checkpoints, the parties, the output."""
    add_log_or_demo(parser, verb="replay")
    parser.add_argument(
        "--end",
        metavar="DATE",
        help="the last day to replay (default: the log's last day; 2026-11-01 with --demo)",
    )
    parser.add_argument(
        "--every-days",
        metavar="N",
        default="30",
        help="days between the checkpoints of the score series (default: %(default)s)",
    )
    parser.add_argument(
        "--window",
        metavar="N",
        default="3",
        help="checkpoints back the watchlist compares the latest score with (default: %(default)s)",
    )
    add_party_filter(parser, what="replay only this party")
    add_format(
        parser,
        ("table", "jsonl"),
        "a readable table, or JSON Lines: one 'timeline' record per party, then one "
        "'emerging_client' record per watched customer",
    )
    add_output(parser)
    add_log_options(parser)


def _add_check_options(check: argparse.ArgumentParser) -> None:
    """The event, the stage and its date, the evidence (engagements, classification, person)."""
    check.add_argument(
        "--stage",
        required=True,
        choices=[stage.value for stage in Stage],
        help="the relationship's current stage",
    )
    check.add_argument(
        "--event",
        required=True,
        choices=[event.value for event in LifecycleEvent],
        help="the event",
    )
    check.add_argument("--on", required=True, metavar="DATE", help="the date of the event")
    check.add_argument("--since", metavar="DATE", help="when the current stage was entered")
    source = check.add_mutually_exclusive_group()
    source.add_argument(
        "--engagements",
        metavar="FILE",
        help="a JSON Lines file of the relationship's engagements",
    )
    source.add_argument(
        "--demo", action="store_true", help="take the engagements from the bundled demo data"
    )
    check.add_argument(
        "--party", metavar="ID", help="use only the engagements of this party (its client id)"
    )
    check.add_argument(
        "--role",
        choices=tuple(role.value for role in Role),
        help="offer a classification with this role as evidence",
    )
    check.add_argument("--score", metavar="X", help="the classification's score (default: 0)")
    check.add_argument("--margin", metavar="X", help="the classification's margin (default: 0)")
    check.add_argument("--actor", metavar="NAME", help="the person making or confirming it")
    check.add_argument("--to", metavar="STAGE", help="the target stage (required for correct)")
    check.add_argument("--reason", default="", help="why, in words (required for correct)")
    check.add_argument(
        "--grace-days",
        metavar="N",
        default=str(LIFECYCLE.grace_days),
        help="days after the last engagement ends before a client may lapse (default: %(default)s)",
    )


# --- reading the command line -------------------------------------------------------------------


def _integer(text: str, *, option: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = least - 1
    if value < least:
        msg = f"{option}: expected an integer >= {least}, got {text!r}"
        raise CliError(msg)
    return value


def _number(text: str | None, *, option: str) -> float:
    if text is None:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if value != value or value in {float("inf"), float("-inf")}:  # noqa: PLR0124 - NaN test
        msg = f"{option}: expected a finite number, got {text!r}"
        raise CliError(msg)
    return value


# --- timeline -----------------------------------------------------------------------------------


def _timeline(args: argparse.Namespace) -> int:
    every_days = _integer(args.every_days, option="--every-days", least=1)
    window = _integer(args.window, option="--window", least=1)
    end = None if args.end is None else parse_date(args.end, option="--end")
    if args.demo or args.party or args.log is None:
        logs, default = read_log_or_demo(args)
        logs = only_parties(args.party, logs)
        if end is None and args.demo:
            end = default
        log = [interaction for item in logs for interaction in item.interactions]
        engagements = tuple(work for item in logs for work in item.engagements)
        lines = replay(log, engagements, every_days=every_days, end=end, keep_scores=window + 1)
    else:  # the whole log: read row by row, kept compactly, each party replayed and written
        lines = _replay_log(args.log, args, every_days=every_days, end=end, keep=window + 1)
    emerging: list[PartyTimeline] = []

    def watched() -> Iterator[PartyTimeline]:
        """Each timeline as it is replayed; only those of emerging clients are kept."""
        for line in lines:
            if emerging_clients((line,), window=window):
                emerging.append(line)
            yield line

    def watch() -> tuple[EmergingClient, ...]:
        return emerging_clients(emerging, window=window)

    with open_output(args.output) as out:
        if args.format == "jsonl":
            _write_jsonl(out, watched(), watch)
        else:
            _write_table(out, watched(), watch)
    return EXIT_OK


def _replay_log(
    path: str, args: argparse.Namespace, *, every_days: int, end: dt.date | None, keep: int
) -> Iterator[PartyTimeline]:
    """`clientcustomer.replay` on the log read from ``path``, a bad row failing on one line.

    Each timeline keeps its ``keep`` latest scores: the command writes the stage changes and
    the emerging clients, which read no further back.
    """
    engagements = read_engagements(args.engagements)
    with open_log(path, args) as reader:
        try:
            return replay(reader, engagements, every_days=every_days, end=end, keep_scores=keep)
        except ValidationError as error:
            name = "<stdin>" if path == "-" else path
            raise CliError(f"{name}: {one_line(str(error))}") from None


def change_lines(change: StageChange) -> Iterator[str]:
    """One stage change as table lines: date, event, from -> to, reason, then its evidence.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import ClassificationSummary, StageChange
        >>> from clientcustomer.cli.lifecycle import change_lines
        >>> change = StageChange(dt.date(2026, 3, 2), "engage", "customer", "client",
        ...                      reason="engagement 'R1' (Retainer) is active",
        ...                      classification=ClassificationSummary("customer", 2, -3,
        ...                                                           "default@1"))
        >>> for line in change_lines(change):
        ...     print(line)
        2026-03-02  engage     customer -> client    engagement 'R1' (Retainer) is active
                    evidence: classified customer (score 2, margin -3) by default@1
    """
    move = f"{change.source.value} -> {change.target.value}"
    head = f"{change.on.isoformat()}  {change.event.value:<9}  {move:<20}  {change.reason}"
    if change.actor:
        head += f" (by {change.actor})"
    if change.correction:
        head += " [correction]"
    yield head.rstrip()
    if change.classification is not None:
        yield f"{'':12}evidence: {change.classification.describe()}"


def emerging_lines(watch: EmergingClient) -> Iterator[str]:
    """One emerging client as table lines: score and margin, the signals that moved, and why.

    The ``why`` line says which rules now fire and which rules that took points away no longer
    fire, and how far the rule set's relational requirement (``requires``) is; a last line, when
    one change of a signal is enough, says what would make the customer a client (the three
    nearest of `EmergingClient.to_become_client`).

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import ClassificationSummary, EmergingClient, ScorePoint
        >>> from clientcustomer import SignalMove, Signals
        >>> def at(month, score):
        ...     return ScorePoint(dt.date(2026, month, 1),
        ...                       ClassificationSummary("customer", score, score - 5), Signals())
        >>> watch = EmergingClient("bob", at(1, 1), at(3, 3),
        ...                        (SignalMove("collaborative_share", 0.0, 0.25),))
        >>> for line in emerging_lines(watch):
        ...     print(line)
        bob  customer, score 1 -> 3 from 2026-01-01 to 2026-03-01, 2 short of client
          moved: collaborative_share 0 -> 0.25
          why: relational requirement met
    """
    latest = watch.latest.classification
    if latest.margin < 0:
        position = f"{-latest.margin:g} short of client"
    else:
        position = "at or past the client threshold"
    yield (
        f"{watch.party_id}  {latest.role}, score {watch.start.classification.score:g} -> "
        f"{latest.score:g} from {watch.start.on.isoformat()} to {watch.latest.on.isoformat()}, "
        f"{position}"
    )
    if watch.moved:
        yield f"{_INDENT}moved: {', '.join(str(move) for move in watch.moved)}"
    fired = set(latest.rules)
    now = [rule for rule in watch.rules if rule in fired]
    gone = [rule for rule in watch.rules if rule not in fired]
    why = [f"now fires {', '.join(now)}"] if now else []
    why += [f"no longer fires {', '.join(gone)}"] if gone else []
    why.append(
        "relational requirement met"
        if not watch.shortfall
        else f"{watch.shortfall:.2g} short of the relational requirement"
    )
    yield f"{_INDENT}why: {'; '.join(why)}"
    closer = watch.to_become_client()
    if closer:
        changes = " or ".join(miss.change for miss in closer[:3])
        yield f"{_INDENT}would become a client if {changes}"


def _write_table(
    out: IO[str], lines: Iterable[PartyTimeline], watching: Callable[[], tuple[EmergingClient, ...]]
) -> None:
    for line in lines:
        since = line.state.since
        stage = line.state.stage.label
        out.write(f"{line.party_id}: {stage}" + (f" since {since}" if since else "") + "\n")
        for change in line.changes:
            out.writelines(f"{_INDENT}{text}\n" for text in change_lines(change))
    watch = watching()
    out.write(
        f"\nemerging clients ({len(watch)}): customers whose relational evidence (collaboration, "
        "customization) is rising toward client\n"
    )
    for entry in watch:
        out.writelines(f"{_INDENT}{text}\n" for text in emerging_lines(entry))


def _write_jsonl(
    out: IO[str], lines: Iterable[PartyTimeline], watching: Callable[[], tuple[EmergingClient, ...]]
) -> None:
    for line in lines:
        became = line.became_client()
        record = {
            "record": "timeline",
            "party_id": line.party_id,
            "stage": line.state.stage.value,
            "became_client": None if became is None else became.isoformat(),
            "changes": unstructure(line.changes),
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    for entry in watching():
        record = {
            "record": "emerging_client",
            "party_id": entry.party_id,
            "from": entry.start.on.isoformat(),
            "on": entry.latest.on.isoformat(),
            "gain": entry.gain,
            "classification": unstructure(entry.latest.classification),
            "moved": unstructure(entry.moved),
            "rules": list(entry.rules),
            "shortfall": entry.shortfall,
            "to_become_client": [
                {"signal": miss.signal, "now": miss.now, "to": miss.to, "text": str(miss)}
                for miss in entry.to_become_client()
            ],
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


# --- lifecycle check and diagram ----------------------------------------------------------------


def _check_engagements(args: argparse.Namespace) -> tuple[Engagement, ...]:
    if args.demo:
        from clientcustomer.demo import demo_engagements  # noqa: PLC0415 - read only when asked

        found = demo_engagements()
    else:
        found = read_engagements(args.engagements)
    if args.party is None:
        return found
    owned = tuple(e for e in found if e.client_id == args.party)
    if not owned and (args.demo or args.engagements is not None):
        msg = f"--party: expected a party with engagements, got {args.party!r}"
        raise CliError(msg)
    return owned


def _check(args: argparse.Namespace) -> int:
    on = parse_date(args.on, option="--on")
    since = None if args.since is None else parse_date(args.since, option="--since")
    if args.role is None and (args.score is not None or args.margin is not None):
        msg = "--role: expected a role with --score or --margin (they describe a classification)"
        raise CliError(msg)
    verdict = (
        None
        if args.role is None
        else ClassificationSummary(
            args.role,
            _number(args.score, option="--score"),
            _number(args.margin, option="--margin"),
        )
    )
    engine = Lifecycle(grace_days=_integer(args.grace_days, option="--grace-days", least=0))
    check = engine.can(
        args.event,
        LifecycleState(args.stage),
        on=on,
        engagements=_check_engagements(args),
        classification=verdict,
        actor=args.actor,
        to=args.to,
        reason=args.reason,
        since=since,
    )
    where = f"{args.event} from {args.stage} on {on.isoformat()}"
    if check:
        target = check.target.value if check.target is not None else args.stage
        sys.stdout.write(f"allowed: {where} leads to {target}\n")
        return EXIT_OK
    sys.stdout.write(f"refused: {where}\n")
    sys.stdout.writelines(f"{_INDENT}- {reason}\n" for reason in check.reasons)
    return EXIT_FAILED


def _diagram(args: argparse.Namespace) -> int:
    with open_output(args.output) as out:
        out.write(lifecycle_diagram() + "\n")
    return EXIT_OK
