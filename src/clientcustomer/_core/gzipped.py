r"""The lines of a gzip text file, decompressed on a second core while the caller reads them.

`read_log` spends about a tenth of its time on a ``.gz`` log inflating it. zlib lets go of the
interpreter lock while it inflates, so a thread that inflates large blocks runs beside the
thread reading the rows; handed small blocks (what `gzip.open` reads at a time) it would wait
for the lock once per block and slow the reader down. The lines are exactly those of
``gzip.open(path, "rt", encoding=encoding, newline="")``: split after ``\n``, ``\r\n`` or
``\r``, line endings kept; a file of several gzip members (zero padding between them allowed)
reads as their concatenation; an empty file has no lines.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import queue

__all__ = ["GzipLines", "open_lines"]

_READ = 1 << 18
"""Compressed bytes read at a time (256 KiB)."""
_BLOCK = 1 << 20
"""The most text bytes inflated at a time (1 MiB): a few blocks wait at most, whatever the file."""
_QUEUED = 4
"""Blocks inflated ahead of the reader, at most."""
_GZIP = 16 + zlib.MAX_WBITS
"""zlib's window bits for a gzip member (header and checksum checked)."""
_END = object()
"""Put after the last block."""


class GzipLines:
    r"""A gzip text file's lines, inflated by a background thread; close it when done.

    Errors reach the reader where `gzip.open` would raise them: `EOFError` for a file cut
    short, `gzip.BadGzipFile` for one that is not gzip or is corrupt, `UnicodeDecodeError` for
    text that does not decode.

    Example:
        >>> import gzip, pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv.gz"
        >>> _ = path.write_bytes(gzip.compress(b"a,b\r\n1,2\n3,4"))
        >>> lines = GzipLines(str(path), "utf-8")
        >>> list(lines)
        ['a,b\r\n', '1,2\n', '3,4']
        >>> lines.close()
    """

    def __init__(self, path: str, encoding: str) -> None:
        import queue  # noqa: PLC0415 - only for gzip files
        import threading  # noqa: PLC0415

        self._decoder = codecs.getincrementaldecoder(encoding)()  # LookupError: no such codec
        self._raw = open(path, "rb")  # noqa: PTH123, SIM115 - the thread closes it
        self._blocks: queue.Queue[object] = queue.Queue(maxsize=_QUEUED)
        self._stop = False
        self._thread = threading.Thread(target=self._inflate, name="clientcustomer-gunzip")
        self._thread.daemon = True  # never keeps the interpreter alive
        try:
            self._thread.start()
        except RuntimeError:  # no thread can start here
            self._raw.close()
            raise
        self._lines = self._read()

    def _inflate(self) -> None:
        """The thread: the file's blocks into the queue, then `_END` or the error met."""
        put = self._blocks.put
        try:
            with self._raw as raw:
                for block in self._inflated(raw):
                    put(block)
        except zlib.error as error:
            put(gzip.BadGzipFile(str(error)))
        except (EOFError, OSError) as error:
            put(error)
        else:
            put(_END)

    def _inflated(self, raw: IO[bytes]) -> Iterator[bytes]:
        """The text bytes of each gzip member in turn, a block at a time, until stopped."""
        member: zlib._Decompress | None = None
        started = False
        data = b""
        while not self._stop:
            if not data:
                data = raw.read(_READ)
                if not data:
                    break
            if member is None:
                if started:  # between members: zero padding is allowed
                    data = data.lstrip(b"\0")
                    if not data:
                        continue
                member, started = zlib.decompressobj(_GZIP), True
            # At most a block: the input left is the tail, read next (text is never held back
            # without input left, as the member's checksum comes after its text).
            block = member.decompress(data, _BLOCK)
            if block:
                yield block
            if member.eof:  # what follows the member (zlib also leaves it in the tail)
                data, member = member.unused_data, None
            else:
                data = member.unconsumed_tail
        if member is not None and not self._stop:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")

    def __iter__(self) -> Iterator[str]:
        """The lines, each with its line ending (the last one may have none); read once."""
        return self._lines

    def _read(self) -> Iterator[str]:
        get: Callable[[], object] = self._blocks.get
        decode = self._decoder.decode
        pending: list[str] = []  # text read after the last line ending so far
        while not self._stop:  # nothing more once closed
            block = get()
            if block is _END:
                pending.append(decode(b"", final=True))
                yield from io.StringIO("".join(pending), newline="")
                return
            if isinstance(block, BaseException):
                self.close()
                raise block
            text = decode(block)  # type: ignore[arg-type]
            # Up to the last line ending: a final "\r" may be the start of a "\r\n".
            cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1)) + 1
            if not cut:
                pending.append(text)
                continue
            pending.append(text[:cut])
            whole, pending = "".join(pending), [text[cut:]]
            yield from io.StringIO(whole, newline="")

    def close(self) -> None:
        """Stop the thread and close the file.

        Iterating on gives at most the rest of the block in hand: the blocks queued are dropped.
        """
        self._stop = True
        blocks: queue.Queue[object] = self._blocks
        while not blocks.empty():  # room for the one block the thread may still put
            blocks.get_nowait()
        self._thread.join()


def open_lines(path: str, encoding: str) -> GzipLines | IO[str]:
    r"""A gzip text file's lines: a `GzipLines`, or where no thread can start `gzip.open`'s file.

    Both give the same lines and have ``close``.

    Example:
        >>> import gzip, pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv.gz"
        >>> _ = path.write_bytes(gzip.compress(b"a,b\n1,2\n"))
        >>> lines = open_lines(str(path), "utf-8")
        >>> list(lines)
        ['a,b\n', '1,2\n']
        >>> lines.close()
    """
    try:
        return GzipLines(path, encoding)
    except RuntimeError:  # a build without threads: inflated as it is read
        return gzip.open(path, "rt", encoding=encoding, newline="")
