"""The ``clientcustomer`` command line (standard library only).

Each group of subcommands lives in its own ``_cli_*.py`` module with a ``register(subparsers)``
function; this module builds the parser, dispatches, and owns what every command shares: the one
line error with exit status 2, and atomic output files.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from .exceptions import ClientCustomerError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

_COMMAND_MODULES = (
    "_cli_classify",
    "_cli_rules",
    "_cli_lifecycle",
    "_cli_engagement",
    "_cli_playbook",
)
"""The modules that register subcommands, in the order of the help text."""

Handler = Callable[[argparse.Namespace], int]


class CliError(ClientCustomerError):
    """A problem with the command line's input, reported as one line with exit status 2.

    Example:
        >>> from clientcustomer._cli import CliError
        >>> str(CliError("--rules: no such file: 'x.toml'"))
        "--rules: no such file: 'x.toml'"
    """


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand.

    Example:
        >>> from clientcustomer._cli import build_parser
        >>> build_parser().prog
        'clientcustomer'
    """
    from . import __version__  # noqa: PLC0415 - metadata read only when asked

    parser = argparse.ArgumentParser(
        prog="clientcustomer",
        description="Tell customers from clients: classify relationships and explain why.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as error:  # pragma: no cover - a group not built yet
            if error.name != f"{__package__}.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Args:
        argv: The arguments, without the program name; ``sys.argv[1:]`` when ``None``.

    Returns:
        0 on success, 1 when a check the command runs fails, 2 on bad input (one line on
        stderr, never a traceback).

    Example:
        >>> from clientcustomer._cli import main
        >>> main(["--version"])
        Traceback (most recent call last):
        ...
        SystemExit: 0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        if args.command is None:
            parser.print_help(sys.stdout)
            return EXIT_OK
        # A group such as ``rules`` given without its subcommand.
        parser.parse_args([*(argv or sys.argv[1:]), "--help"])
        return EXIT_BAD_INPUT  # pragma: no cover - --help exits
    try:
        return handler(args)
    except ClientCustomerError as error:
        sys.stderr.write(f"clientcustomer: error: {one_line(str(error))}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # pragma: no cover - e.g. `| head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.stderr.write("clientcustomer: interrupted\n")
        return 130


def one_line(message: str) -> str:
    r"""Fold a (possibly multi-line) message into one line.

    Example:
        >>> from clientcustomer._cli import one_line
        >>> one_line("2 problems:\n  a\n  b")
        '2 problems: a; b'
    """
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else message
    head, *rest = lines
    return f"{head} {'; '.join(rest)}"


@contextlib.contextmanager
def open_output(path: str | None, *, newline: str | None = None) -> Iterator[IO[str]]:
    r"""Open the output: stdout for ``None`` or ``-``, else a file written atomically.

    The file is written beside its destination under a temporary name and renamed over it only
    when the block succeeds; on any error the destination is left as it was.

    Args:
        path: The destination, or ``None``/``-`` for stdout.
        newline: Passed to `open` (``""`` for CSV).

    Yields:
        A text stream.

    Raises:
        CliError: When the destination's folder does not exist.

    Example:
        >>> from clientcustomer._cli import open_output
        >>> with open_output(None) as out:
        ...     _ = out.write("to stdout\n")
        to stdout
    """
    if path is None or path == "-":
        yield sys.stdout
        return
    destination = Path(path)
    folder = destination.parent if str(destination.parent) else Path()
    if not folder.is_dir():
        msg = f"--output: expected a file in an existing folder, got {path!r}"
        raise CliError(msg)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".part", dir=folder
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline=newline) as stream:
            yield stream
        Path(temporary).replace(destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_text(path: str, *, option: str) -> str:
    """Read a UTF-8 text file (``-`` is stdin) or raise a `CliError` naming the option.

    Example:
        >>> from clientcustomer._cli import read_text
        >>> read_text("no-such-file.json", option="FILE")
        Traceback (most recent call last):
        ...
        clientcustomer._cli.CliError: FILE: expected a readable file, got 'no-such-file.json' (not found)
    """  # noqa: E501 - a doctest line cannot be wrapped
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        reason = "not found"
    except IsADirectoryError:
        reason = "a folder"
    except PermissionError:
        reason = "permission denied"
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 text at byte {error.start}"
    msg = f"{option}: expected a readable file, got {path!r} ({reason})"
    raise CliError(msg)


class Progress:
    r"""A progress line on a terminal: ``label: 120,000 rows (41,000/s)``, redrawn in place.

    It draws only when the stream is a terminal and ``quiet`` is false, at most every
    ``interval`` seconds, and `close` clears the line; in a pipe or a file it writes nothing.
    Call it with the number of items done (it is a ``progress`` callback for `classify_many`).

    Example:
        >>> import io
        >>> from clientcustomer._cli import Progress
        >>> progress = Progress("classify", io.StringIO())  # not a terminal: silent
        >>> progress(10_000)
        >>> progress.close()
        >>> progress.count
        10000
    """

    def __init__(
        self,
        label: str,
        stream: IO[str] | None = None,
        *,
        quiet: bool = False,
        interval: float = 0.25,
    ) -> None:
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.active = not quiet and callable(isatty) and bool(isatty())
        self.interval = interval
        self.count = 0
        self._start = time.perf_counter()
        self._drawn = self._start - interval
        self._width = 0

    def __call__(self, count: int) -> None:
        self.count = count
        if not self.active:
            return
        now = time.perf_counter()
        if now - self._drawn < self.interval:
            return
        self._drawn = now
        rate = count / max(now - self._start, 1e-9)
        text = f"{self.label}: {count:,} rows ({rate:,.0f}/s)"
        self._width = max(self._width, len(text))
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()

    def close(self) -> None:
        """Clear the progress line (on a terminal).

        Example:
            >>> import io
            >>> from clientcustomer._cli import Progress
            >>> Progress("x", io.StringIO()).close()
        """
        if self.active and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
