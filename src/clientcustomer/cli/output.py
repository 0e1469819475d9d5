"""What every command writes: exit statuses, one-line messages, safe output files, progress.

Output files are never harmed (`open_output`): a failed or interrupted run leaves an existing
file as it was and no temporary file behind; a successful one keeps the file's mode, writes
through symbolic links and hard links, and writes devices and FIFOs in place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

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


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is so that a temporary file is removed.

    Example:
        >>> import signal
        >>> from clientcustomer.cli.output import Interrupted
        >>> Interrupted(signal.SIGTERM).status
        143
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def status(self) -> int:
        """The exit status a shell shows for the signal: 128 + its number."""
        return 128 + self.signum


_CAUGHT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _raise_interrupted(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise `Interrupted`, as SIGINT raises.

    So ``finally`` and ``except`` clauses run on them too; outside the main thread (where
    handlers cannot be set) nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise_interrupted) for signum in _CAUGHT_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class _Guarded:
    """A text stream whose write errors name the destination (``--output: ... (No space...)``)."""

    def __init__(self, stream: IO[str], option: str, path: str) -> None:
        self._stream = stream
        self._option = option
        self._path = path

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _write_error(self._option, self._path, error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise _write_error(self._option, self._path, error) from None

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - whatever the stream has
        return getattr(self._stream, name)


def _write_error(option: str, path: str, error: OSError) -> CliError:
    reason = error.strerror or str(error)
    return CliError(f"{option}: cannot write {path!r} ({reason})")


def _create(path: str, mode: int) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)


def _temporary(folder: str, name: str, mode: int) -> tuple[int, str]:
    """A new file beside the destination, created with ``mode`` (the umask applies)."""
    for _ in range(100):
        candidate = str(Path(folder) / f".{name}.{secrets.token_hex(4)}.part")
        try:
            return _create(candidate, mode), candidate
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", folder)  # pragma: no cover


@contextlib.contextmanager
def open_output(
    path: str | None, *, newline: str | None = None, option: str = "--output"
) -> Iterator[IO[str]]:
    r"""Open the output: stdout for ``None`` or ``-``, else the file, never harmed.

    * A regular file (or a new one) is written beside its destination under a temporary name,
      then renamed over it only when the block succeeds: on any error, and on SIGINT, SIGTERM or
      SIGHUP, the destination is left as it was and the temporary file removed. The file keeps
      its mode (and owner, where allowed); a new one gets ``0666`` less the umask. A symbolic
      link is followed: its target is written, the link stays. A file with other hard links is
      copied into place, so every name sees the new content.
    * Anything else (a device such as ``/dev/null``, a FIFO) is opened and written in place,
      never replaced.

    Args:
        path: The destination, or ``None``/``-`` for stdout.
        newline: Passed to `open` (``""`` for CSV).
        option: The option that named it, for messages (``--output``, ``--rejects``).

    Yields:
        A text stream.

    Raises:
        CliError: When the destination is a folder, its folder does not exist, it cannot be
            written (permission, a full disk), each naming ``option``.

    Example:
        >>> from clientcustomer.cli.output import open_output
        >>> with open_output(None) as out:
        ...     _ = out.write("to stdout\n")
        to stdout
    """
    if path is None or path == "-":
        yield sys.stdout
        return
    target = os.path.realpath(path)
    try:
        info: os.stat_result | None = Path(target).stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _write_error(option, path, error) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        msg = f"{option}: expected a file, got {path!r} (a folder)"
        raise CliError(msg)
    if info is not None and not stat.S_ISREG(info.st_mode):
        with _in_place(target, path, option, newline) as stream:
            yield stream
        return
    folder = str(Path(target).parent)
    if not Path(folder).is_dir():
        msg = f"{option}: expected a file in an existing folder, got {path!r}"
        raise CliError(msg)
    mode = 0o666 if info is None else 0o600
    try:
        descriptor, temporary = _temporary(folder, Path(target).name, mode)
    except OSError as error:
        raise _write_error(option, path, error) from None
    with _signals_interrupt():
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline=newline) as stream:
                yield cast("IO[str]", _Guarded(stream, option, path))
                try:
                    stream.flush()
                except OSError as error:
                    raise _write_error(option, path, error) from None
            _settle(temporary, target, info, option, path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            raise


def _settle(
    temporary: str, target: str, info: os.stat_result | None, option: str, path: str
) -> None:
    """Put the finished temporary file in the destination's place, with its mode and owner."""
    try:
        if info is None:
            Path(temporary).replace(target)
            return
        Path(temporary).chmod(stat.S_IMODE(info.st_mode))
        if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(temporary, info.st_uid, info.st_gid)
        if info.st_nlink > 1:  # keep the hard links: copy into the same inode
            with open(temporary, "rb") as source, open(target, "r+b") as sink:  # noqa: PTH123
                shutil.copyfileobj(source, sink)
                sink.truncate()
            Path(temporary).unlink()
            return
        Path(temporary).replace(target)
    except OSError as error:
        raise _write_error(option, path, error) from None


@contextlib.contextmanager
def _in_place(target: str, path: str, option: str, newline: str | None) -> Iterator[IO[str]]:
    """A device or FIFO: open it for writing (no truncation, no rename) and write."""
    try:
        stream = open(target, "w", encoding="utf-8", newline=newline)  # noqa: PTH123, SIM115
    except OSError as error:
        raise _write_error(option, path, error) from None
    try:
        yield cast("IO[str]", _Guarded(stream, option, path))
        try:
            stream.flush()
        except OSError as error:
            raise _write_error(option, path, error) from None
    finally:
        with contextlib.suppress(OSError):
            stream.close()


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
