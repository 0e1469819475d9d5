"""GzipLines: a gzip file's lines inflated on a thread are exactly those gzip.open gives."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcustomer import LogColumns, read_log
from clientcustomer._core import gzipped
from clientcustomer._core.gzipped import GzipLines

_PIECES = st.lists(
    st.sampled_from(["a,b", "é", "€", "\n", "\r\n", "\r", '"x\ny"', "", "1,2,3", "\x00"]),
    max_size=40,
).map("".join)


def _expected(path: Path, encoding: str = "utf-8") -> list[str]:
    with gzip.open(path, "rt", encoding=encoding, newline="") as handle:
        return list(handle)


def _lines(path: Path, encoding: str = "utf-8") -> list[str]:
    lines = GzipLines(str(path), encoding)
    try:
        return list(lines)
    finally:
        lines.close()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    members=st.lists(_PIECES, min_size=1, max_size=3),
    padding=st.integers(0, 3),
    read=st.integers(1, 64),
    block=st.integers(1, 16),
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]),
)
def test_the_lines_of_gzip_open(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    members: list[str],
    padding: int,
    read: int,
    block: int,
    encoding: str,
) -> None:
    """Tiny blocks split line endings, characters and members anywhere: same lines."""
    monkeypatch.setattr(gzipped, "_READ", read)
    monkeypatch.setattr(gzipped, "_BLOCK", block)
    text = [member.encode(encoding, errors="replace") for member in members]
    data = (b"\0" * padding).join(gzip.compress(member) for member in text)
    path = tmp_path / "log.csv.gz"
    path.write_bytes(data)
    assert _lines(path, encoding) == _expected(path, encoding)


def test_an_empty_file_has_no_lines(tmp_path: Path) -> None:
    path = tmp_path / "empty.gz"
    path.write_bytes(b"")
    assert _lines(path) == _expected(path) == []


@pytest.mark.parametrize(
    ("damage", "error", "message"),
    [
        (lambda data: data[: len(data) // 2], EOFError, "Compressed file ended"),
        (lambda _: b"party_id,on\n", gzip.BadGzipFile, "incorrect header check"),
        (lambda data: data[:-8] + b"\0" * 8, gzip.BadGzipFile, "incorrect data check"),
        (lambda data: data + b"trailing", gzip.BadGzipFile, "incorrect header check"),
    ],
    ids=["cut short", "not gzip", "bad checksum", "garbage after"],
)
def test_a_broken_file_raises_as_gzip_does(
    tmp_path: Path, damage: object, error: type[Exception], message: str
) -> None:
    path = tmp_path / "log.csv.gz"
    path.write_bytes(damage(gzip.compress(b"a,b\n" * 5000)))  # type: ignore[operator]
    with pytest.raises(error, match=message):
        _lines(path)
    with pytest.raises((EOFError, OSError, zlib.error)):
        _expected(path)  # gzip.open refuses it too


def test_text_that_does_not_decode(tmp_path: Path) -> None:
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,\xff\n"))
    with pytest.raises(UnicodeDecodeError):
        _lines(path)


def test_close_stops_the_thread_and_closes_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gzipped, "_BLOCK", 64)  # many blocks: the thread waits on the queue
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n" * 100_000))
    lines = GzipLines(str(path), "utf-8")
    assert next(iter(lines)) == "a,b\n"
    lines.close()
    assert not lines._thread.is_alive()
    assert lines._raw.closed
    # Nothing read after close but the rest of the block in hand (and no wait for the thread).
    assert len(list(lines)) < 16


def test_read_log_reads_a_gzip_path_as_the_plain_file(tmp_path: Path) -> None:
    text = "party_id,on,kind\n" + "".join(
        f"p{index % 7},2026-01-{index % 28 + 1:02d},meeting\r\n" for index in range(3000)
    )
    plain, packed = tmp_path / "log.csv", tmp_path / "log.csv.gz"
    plain.write_bytes(text.encode())
    packed.write_bytes(gzip.compress(text.encode()))
    layout = LogColumns().without(
        "item", "offering", "amount", "customized", "collaborative", "reference"
    )
    with read_log(plain, layout) as one, read_log(packed, layout) as other:
        assert list(one) == list(other)
        assert (one.rows, other.rows) == (3000, 3000)


@pytest.mark.parametrize("block", [1, 7, 1000])
def test_text_pending_in_zlib_after_the_last_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """One long repeat: zlib holds text back after reading all the input; it is all read."""
    monkeypatch.setattr(gzipped, "_READ", 1 << 16)
    monkeypatch.setattr(gzipped, "_BLOCK", block)
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(b"a" * 5000 + b"\n" + b"b" * 3000))
    assert _lines(path) == _expected(path) == ["a" * 5000 + "\n", "b" * 3000]


def test_without_threads_read_log_reads_through_gzip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no thread can start (a build without threads), the file is read as gzip.open reads."""
    import threading  # noqa: PLC0415

    def refuse(_self: object) -> None:
        raise RuntimeError("can't start new thread")

    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(b"party_id,on,kind\nann,2026-01-05,meeting\n"))
    layout = LogColumns().without(
        "item", "offering", "amount", "customized", "collaborative", "reference"
    )
    monkeypatch.setattr(threading.Thread, "start", refuse)
    opened = gzipped.open_lines(str(path), "utf-8")
    assert isinstance(opened, gzip.GzipFile | io.TextIOWrapper)
    opened.close()
    with read_log(path, layout) as log:
        assert [(i.party_id, i.kind.value) for i in log] == [("ann", "meeting")]
