"""What every command writes: exit statuses, one-line messages, safe output files, progress."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from clientcustomer.exceptions import CliError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def one_line(message: str) -> str:
    r"""Fold a (possibly multi-line) message into one line.

    Example:
        >>> from clientcustomer.cli.output import one_line
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
        >>> from clientcustomer.cli.output import open_output
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


class Progress:
    r"""A progress line on a terminal: ``label: 120,000 rows (41,000/s)``, redrawn in place.

    It draws only when the stream is a terminal and ``quiet`` is false, at most every
    ``interval`` seconds, and `close` clears the line; in a pipe or a file it writes nothing.
    Call it with the number of items done (it is a ``progress`` callback for `classify_many`).

    Example:
        >>> import io
        >>> from clientcustomer.cli.output import Progress
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
        """Record ``count`` items done and redraw the line when it is time."""
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
            >>> from clientcustomer.cli.output import Progress
            >>> Progress("x", io.StringIO()).close()
        """
        if self.active and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
