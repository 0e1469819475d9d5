"""Issue 14: no traceback, no harmed file. Every reported case, through `main(argv)` and the API.

Each failing run must print exactly one line on stderr (``clientcustomer: error: ...``) and exit
with status 2 (1 for refusals, 130 for interrupts); a pre-existing output file is left as it was;
the Python API raises the library's own errors.
"""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import clientcustomer as cc
from clientcustomer.cli import main

ROOT = Path(__file__).resolve().parent.parent
ENGAGEMENT = (ROOT / "docs" / "examples" / "research-engagement.json").read_text(encoding="utf-8")
DEEP = "[" * 10_000 + "]" * 10_000
LOG_HEADER = "party_id,on,kind,item,offering,amount,customized,collaborative,reference\n"
LOG = LOG_HEADER + "ann,2026-01-05,purchase,,,10,,,\nbob,2026-02-01,purchase,,,20,,,\n"
SIGNALS = "id,tenure_days\na,5\nb,900\n"
ERROR = "clientcustomer: error: "


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None):
    """Run the command line in-process: (status, stdout, stderr); never an escaping exception."""
    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        try:
            status = main(list(argv))
        except SystemExit as exit_:
            status = exit_.code
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line(err: str, *parts: str) -> None:
    """Exactly one line on stderr, the error prefix, no traceback, and each part in it."""
    assert "Traceback" not in err
    assert 1 == len(err.splitlines()), err
    assert err.startswith(ERROR), err
    for part in parts:
        assert part in err, (part, err)


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return str(path)


def rules_toml(when: str) -> str:
    return textwrap.dedent(
        f"""\
        id = "x"
        version = "1"
        [policy]
        hit = "first"
        [[rules]]
        id = "r"
        when = "{when}"
        role = "client"
        because = "b"
        """
    )


# --- 4. tracebacks instead of one line --------------------------------------------------------


class TestDeepNesting:
    def test_deep_json_in_a_signal_jsonl_file(self, capsys, tmp_path):
        """A 10,000-deep JSON value in a JSON Lines signal file is one line, exit 2."""
        path = write(tmp_path, "deep.jsonl", '{"id": "a", "x": ' + DEEP + "}\n")
        status, _, err = run(capsys, "classify", path)
        assert 2 == status
        assert_one_line(err, path, "line 1", "nested")

    def test_deep_json_in_signals_option(self, capsys):
        """``explain --signals`` with a 10,000-deep document is one line, exit 2."""
        status, _, err = run(capsys, "explain", "--signals", '{"a": ' + DEEP + "}")
        assert 2 == status
        assert_one_line(err, "--signals", "nested")

    @pytest.mark.parametrize(
        "argv",
        [
            ["classify", "--log", "{log}"],
            ["timeline", "{log}"],
            ["recommend", "{log}"],
            [
                "lifecycle",
                "check",
                "--stage",
                "client",
                "--event",
                "renew",
                "--on",
                "2026-01-01",
            ],
        ],
        ids=["classify", "timeline", "recommend", "lifecycle"],
    )
    def test_deep_json_in_engagements(self, capsys, tmp_path, argv):
        """A 10,000-deep line in ``--engagements`` is one line naming the file's line, exit 2."""
        log = write(tmp_path, "log.csv", LOG)
        engagements = write(tmp_path, "deep.jsonl", '{"a": ' + DEEP + "}\n")
        args = [item.format(log=log) for item in argv]
        status, _, err = run(capsys, *args, "--engagements", engagements)
        assert 2 == status
        assert_one_line(err, "--engagements", "line 1", "nested")

    def test_deep_json_in_rules_diff_data(self, capsys, tmp_path):
        """``rules diff`` data with a 10,000-deep line is one line, exit 2."""
        rules = str(ROOT / "src" / "clientcustomer")
        rules = write(tmp_path, "r.toml", cc.default_ruleset().to_toml())
        data = write(tmp_path, "deep.jsonl", '{"id": "a", "x": ' + DEEP + "}\n")
        status, _, err = run(capsys, "rules", "diff", rules, rules, data)
        assert 2 == status
        assert_one_line(err, "nested")

    @pytest.mark.parametrize(
        "when",
        ["(" * 10_000 + "tenure_days >= 1" + ")" * 10_000, "not " * 10_000 + "tenure_days >= 1"],
        ids=["parentheses", "not"],
    )
    @pytest.mark.parametrize("command", ["check", "show"])
    def test_deep_rule_condition(self, capsys, tmp_path, when, command):
        """10,000 nested parentheses or ``not`` in a rule's ``when``: a located problem, exit 2."""
        path = write(tmp_path, "deep.toml", rules_toml(when))
        status, _, err = run(capsys, "rules", command, path)
        assert 2 == status
        assert "Traceback" not in err
        assert "nested" in err
        assert err.splitlines()[-1].startswith(ERROR)

    @pytest.mark.parametrize(
        "when",
        ["(" * 10_000 + "tenure_days >= 1" + ")" * 10_000, "not " * 10_000 + "tenure_days >= 1"],
        ids=["parentheses", "not"],
    )
    def test_load_ruleset_raises_ruleset_error(self, when):
        """`load_ruleset` refuses a condition nested past the limit with a `RulesetError`."""
        with pytest.raises(cc.RulesetError, match="nested"):
            cc.loads_ruleset(rules_toml(when))

    def test_nesting_just_under_the_limit_is_accepted(self):
        """A condition nested 50 deep still parses: the limit is documented, not tiny."""
        when = "(" * 50 + "tenure_days >= 1" + ")" * 50
        assert 1 == len(cc.loads_ruleset(rules_toml(when)).rules)


class TestHugeNumbers:
    @pytest.mark.parametrize("suffix", ["csv", "jsonl"])
    def test_five_thousand_digits(self, capsys, tmp_path, suffix):
        """A 5,000-digit integer in a signal file is one line naming file, line, field; exit 2."""
        number = "1" + "0" * 5000
        text = (
            f"id,tenure_days\na,{number}\n"
            if suffix == "csv"
            else f'{{"id": "a", "tenure_days": {number}}}\n'
        )
        path = write(tmp_path, f"huge.{suffix}", text)
        status, _, err = run(capsys, "classify", path)
        assert 2 == status
        assert_one_line(err, path, "line 2" if suffix == "csv" else "line 1", "digits")

    def test_log_amount_infinite(self, capsys, tmp_path):
        """A log amount of ``1e999999`` is refused on its own line, not later as ``$.spend``."""
        path = write(
            tmp_path,
            "log.csv",
            LOG_HEADER + "ann,2026-01-05,purchase,,,1e999999,,,\n",
        )
        status, _, err = run(capsys, "classify", "--log", path)
        assert 2 == status
        assert_one_line(err, path, "line 2", "amount")

    def test_from_json_huge_integer(self):
        """`from_json` refuses a 5,000-digit number with a `ValidationError` naming the limit."""
        with pytest.raises(cc.ValidationError, match="digits"):
            cc.from_json(cc.Engagement, '{"id": 1' + "0" * 5000 + "}")


class TestFarDates:
    @pytest.mark.parametrize("command", ["classify", "timeline", "recommend"])
    def test_log_dated_at_the_end_of_the_calendar(self, capsys, tmp_path, command):
        """A log row dated 9999-12-31 is one line, exit 2, on every log command."""
        path = write(
            tmp_path,
            "log.csv",
            LOG_HEADER + "ann,9999-12-31,purchase,,,10,,,\n",
        )
        argv = ["classify", "--log", path] if command == "classify" else [command, path]
        status, _, err = run(capsys, *argv)
        assert 2 == status
        assert_one_line(err, "9999-12-31")

    def test_engagement_status_as_of_end_of_calendar(self, capsys, tmp_path):
        """``--as-of 9999-12-31`` answers: the horizon stops at the calendar's end."""
        path = write(tmp_path, "e.json", ENGAGEMENT)
        status, out, err = run(capsys, "engagement", "status", path, "--as-of", "9999-12-31")
        assert (0, "") == (status, err)
        assert out.startswith("acme-2026 as of 9999-12-31: blocked")

    def test_engagement_status_huge_horizon(self, capsys, tmp_path):
        """``--horizon-days 1000000000`` answers: everything unmet is coming due."""
        path = write(tmp_path, "e.json", ENGAGEMENT)
        status, _, err = run(
            capsys,
            "engagement",
            "status",
            path,
            "--as-of",
            "2026-01-01",
            "--horizon-days",
            "1000000000",
        )
        assert (0, "") == (status, err)

    def test_lapse_near_the_end_of_the_calendar(self, capsys):
        """A lapse checked near year 9999 is one line, exit 2 (or an answer), never a traceback."""
        argv = "lifecycle check --stage client --event lapse --on 9999-12-31 --since 9999-12-01"
        status, _, err = run(capsys, *argv.split())
        assert status in (0, 1, 2)
        assert "Traceback" not in err
        if status == 2:
            assert_one_line(err)

    @pytest.mark.parametrize("horizon", [0, 14, 999_999_999, 10**12])
    def test_readiness_at_the_calendars_end(self, horizon):
        """`readiness` on ``date.max`` (any horizon) answers: nothing falls due after it."""
        engagement = cc.from_json(cc.Engagement, ENGAGEMENT)
        found = cc.readiness(engagement, dt.date.max, horizon_days=horizon)
        assert (dt.date.max, cc.EngagementHealth.BLOCKED) == (found.as_of, found.health)


class TestReaderOptions:
    @pytest.mark.parametrize("delimiter", [";;", ""])
    def test_bad_delimiter(self, capsys, tmp_path, delimiter):
        """``--delimiter ';;'`` or ``''`` is one line naming the option, exit 2."""
        path = write(tmp_path, "log.csv", LOG)
        status, _, err = run(capsys, "classify", "--log", path, "--delimiter", delimiter)
        assert 2 == status
        assert_one_line(err, "--delimiter")

    def test_utf16_without_bom(self, capsys, tmp_path):
        """``--encoding utf-16`` on a file without a BOM is one line, exit 2."""
        path = write(tmp_path, "log.csv", LOG.encode("utf-16-le"))
        status, _, err = run(capsys, "classify", "--log", path, "--encoding", "utf-16")
        assert 2 == status
        assert_one_line(err, path, "utf-16")

    def test_truncated_gzip(self, capsys, tmp_path):
        """A truncated ``.gz`` log is one line naming the file, exit 2."""
        data = gzip.compress(LOG.encode() * 500)
        path = write(tmp_path, "log.csv.gz", data[: len(data) // 2])
        status, _, err = run(capsys, "classify", "--log", path)
        assert 2 == status
        assert_one_line(err, path)


class TestDestinations:
    def test_output_is_a_directory(self, capsys, tmp_path):
        """``--output DIR`` is one line, exit 2, and the folder is untouched."""
        source = write(tmp_path, "s.csv", SIGNALS)
        folder = tmp_path / "out"
        folder.mkdir()
        status, _, err = run(capsys, "classify", source, "--output", str(folder))
        assert 2 == status
        assert_one_line(err, "--output")
        assert [] == list(folder.iterdir())
        assert [] == [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]

    @pytest.mark.skipif(
        not hasattr(os, "seteuid") or os.geteuid() != 0, reason="needs root to act as another user"
    )
    def test_read_only_folder_as_another_user(self, capsys, monkeypatch):
        """A folder the user cannot write in is one line, exit 2 (run as ``nobody``)."""
        import shutil  # noqa: PLC0415
        import tempfile  # noqa: PLC0415

        base = Path(tempfile.mkdtemp())
        try:
            base.chmod(0o755)
            folder = base / "ro"
            folder.mkdir(mode=0o555)
            folder.chmod(0o555)
            monkeypatch.setattr(sys, "stdin", io.StringIO(SIGNALS))
            assert cc.__version__ != "0+unknown"  # read (and kept) while still root
            os.seteuid(65534)
            try:
                status = main(["classify", "-", "--output", str(folder / "x.csv")])
            finally:
                os.seteuid(0)
            err = capsys.readouterr().err
            assert 2 == status
            assert_one_line(err, "--output", "ermission")
            assert [] == list(folder.iterdir())
        finally:
            shutil.rmtree(base)

    def test_full_disk_on_stdout(self, capsys, tmp_path, monkeypatch):
        """A full disk on stdout (``> /dev/full``) is one line, exit 2."""

        class Full(io.StringIO):
            def write(self, _text: str) -> int:
                raise OSError(errno.ENOSPC, "No space left on device")

        source = write(tmp_path, "s.csv", SIGNALS)
        monkeypatch.setattr(sys, "stdout", Full())
        status = main(["classify", source])
        err = capsys.readouterr().err
        assert 2 == status
        assert_one_line(err, "No space left")

    def test_rejects_destination_is_named_rejects(self, capsys, tmp_path):
        """A bad ``--rejects`` destination is reported as ``--rejects``, not ``--output``."""
        log = write(tmp_path, "log.csv", LOG)
        missing = str(tmp_path / "nodir" / "rejects.csv")
        status, _, err = run(
            capsys, "classify", "--log", log, "--on-error", "skip", "--rejects", missing
        )
        assert 2 == status
        assert_one_line(err, "--rejects")
        assert "--output" not in err


class TestApiErrors:
    def test_classify_frame_mixed_object_column(self):
        """A column mixing numbers and text is a `ValidationError` naming the column."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"id": ["a", "b"], "tenure_days": [1, "x"]}, dtype=object)
        with pytest.raises(cc.ValidationError, match="tenure_days"):
            cc.classify_frame(frame)

    def test_classify_frame_duplicate_column_names(self):
        """Duplicated column names are a `ValidationError` naming the column."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame([[1, 2]], columns=["tenure_days", "tenure_days"])
        with pytest.raises(cc.ValidationError, match="tenure_days"):
            cc.classify_frame(frame)

    def test_classify_frame_integer_column_names(self):
        """Integer column names are a `ValidationError`, not an `AttributeError`."""
        pd = pytest.importorskip("pandas")
        with pytest.raises(cc.ValidationError, match="column"):
            cc.classify_frame(pd.DataFrame({0: [1], 1: [2]}))

    def _without(self, module: str, code: str) -> subprocess.CompletedProcess[str]:
        prelude = (
            "import sys, importlib.abc\n"
            "class Block(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path, target=None):\n"
            f"        if name == {module!r} or name.startswith({module!r} + '.'):\n"
            "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
            "sys.meta_path.insert(0, Block())\n"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-c", prelude + code],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )

    def test_classify_frame_without_narwhals_hints_the_extra(self):
        """Without narwhals, `classify_frame` says ``pip install clientcustomer[polars]``."""
        result = self._without(
            "narwhals",
            "import clientcustomer as cc\n"
            "try:\n"
            "    cc.classify_frame(object())\n"
            "except cc.ClientCustomerError as error:\n"
            "    print(type(error).__name__, error)\n",
        )
        assert "pip install clientcustomer[polars]" in result.stdout, result.stderr
        assert isinstance(result.stdout, str)

    def test_testing_without_hypothesis_hints_the_extra(self):
        """``import clientcustomer.testing`` without Hypothesis names the extra to install."""
        result = self._without("hypothesis", "import clientcustomer.testing\n")
        assert 0 != result.returncode
        assert "pip install clientcustomer[testing]" in result.stderr


# --- 1-3. the writer --------------------------------------------------------------------------


class TestWriter:
    def test_writes_through_a_symlink(self, capsys, tmp_path):
        """``--output LINK`` writes the link's target; the link stays a link."""
        source = write(tmp_path, "s.csv", SIGNALS)
        target = tmp_path / "target.csv"
        target.write_text("old\n", encoding="utf-8")
        link = tmp_path / "link.csv"
        link.symlink_to(target)
        status, _, _ = run(capsys, "classify", source, "--format", "csv", "--output", str(link))
        assert 0 == status
        assert link.is_symlink()
        assert target.read_text(encoding="utf-8").startswith("id,")

    def test_keeps_the_existing_mode(self, capsys, tmp_path):
        """An existing 0644 file stays 0644."""
        source = write(tmp_path, "s.csv", SIGNALS)
        target = tmp_path / "out.csv"
        target.write_text("old\n", encoding="utf-8")
        target.chmod(0o644)
        assert 0 == run(capsys, "classify", source, "--output", str(target))[0]
        assert 0o644 == stat.S_IMODE(target.stat().st_mode)

    def test_new_file_follows_the_umask(self, capsys, tmp_path):
        """A new file gets ``0666 & ~umask``."""
        source = write(tmp_path, "s.csv", SIGNALS)
        target = tmp_path / "new.csv"
        old = os.umask(0o027)
        try:
            assert 0 == run(capsys, "classify", source, "--output", str(target))[0]
        finally:
            os.umask(old)
        assert 0o640 == stat.S_IMODE(target.stat().st_mode)

    def test_keeps_hard_links(self, capsys, tmp_path):
        """A file with a second hard link is written, and both names still show the result."""
        source = write(tmp_path, "s.csv", SIGNALS)
        target = tmp_path / "out.csv"
        target.write_text("old\n", encoding="utf-8")
        other = tmp_path / "other.csv"
        os.link(target, other)
        assert 0 == run(capsys, "classify", source, "--output", str(target))[0]
        assert other.read_text(encoding="utf-8") == target.read_text(encoding="utf-8") != "old\n"

    def test_fifo_is_written_not_replaced(self, capsys, tmp_path):
        """A FIFO's reader gets the output and the FIFO stays a FIFO."""
        source = write(tmp_path, "s.csv", SIGNALS)
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader waiting: no blocking
        try:
            status = run(capsys, "classify", source, "--output", str(fifo))[0]
            try:
                received = os.read(reader, 1 << 16)
            except BlockingIOError:
                received = b""
        finally:
            os.close(reader)
        assert 0 == status
        assert stat.S_ISFIFO(fifo.lstat().st_mode)
        assert b"role" in received

    def _device(self, tmp_path: Path, minor: int) -> Path:
        node = tmp_path / "device"
        try:
            os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        except (PermissionError, OSError) as error:
            pytest.skip(f"cannot make a device node here ({error})")
        return node

    def test_full_device_is_one_line_and_stays_a_device(self, capsys, tmp_path):
        """``--output`` on a full device (a node like /dev/full): one line, exit 2, not replaced."""
        source = write(tmp_path, "s.csv", SIGNALS)
        node = self._device(tmp_path, 7)
        status, _, err = run(capsys, "classify", source, "--output", str(node))
        assert 2 == status
        assert_one_line(err, "--output", "No space left")
        assert stat.S_ISCHR(node.lstat().st_mode)
        assert ["device", "s.csv"] == sorted(p.name for p in tmp_path.iterdir())

    def test_null_device_is_written_not_replaced(self, capsys, tmp_path):
        """``--output`` on a device like /dev/null writes into it; it stays a device."""
        source = write(tmp_path, "s.csv", SIGNALS)
        node = self._device(tmp_path, 3)
        assert 0 == run(capsys, "classify", source, "--output", str(node))[0]
        assert stat.S_ISCHR(node.lstat().st_mode)

    def test_failed_run_leaves_the_old_file(self, capsys, tmp_path):
        """A run that fails part-way leaves the destination as it was and no temporary file."""
        source = write(tmp_path, "s.csv", SIGNALS + "c,not-a-number\n")
        target = tmp_path / "out.csv"
        target.write_text("old\n", encoding="utf-8")
        assert 2 == run(capsys, "classify", source, "--output", str(target))[0]
        assert "old\n" == target.read_text(encoding="utf-8")
        assert ["out.csv", "s.csv"] == sorted(p.name for p in tmp_path.iterdir())

    @pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
    def test_signal_removes_the_temporary_file(self, tmp_path, signum):
        """SIGTERM, SIGHUP and SIGINT during a write remove the temporary file."""
        target = tmp_path / "out.txt"
        target.write_text("old\n", encoding="utf-8")
        code = textwrap.dedent(
            f"""\
            import os, sys
            from clientcustomer.cli.output import open_output
            with open_output({str(target)!r}) as out:
                out.write("partial" * 1000)
                out.flush()
                os.kill(os.getpid(), {int(signum)})
                out.write("more")
            """
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
        )
        assert 0 != result.returncode
        assert ["out.txt"] == [p.name for p in tmp_path.iterdir()]
        assert "old\n" == target.read_text(encoding="utf-8")

    def test_broken_pipe_ends_quietly(self, tmp_path):
        """Output into a closed pipe (``| head``) ends without a message or traceback."""
        source = write(
            tmp_path, "s.csv", "id,tenure_days\n" + "".join(f"r{i},{i}\n" for i in range(20_000))
        )
        read, write_end = os.pipe()
        os.close(read)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        try:
            result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
                [sys.executable, "-m", "clientcustomer", "classify", source],
                stdout=write_end,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
                env=env,
            )
        finally:
            os.close(write_end)
        assert "" == result.stderr
        assert result.returncode in (0, 141)


# --- 5. messages that mislead -----------------------------------------------------------------


class TestMessages:
    def test_bad_byte_reported_on_its_line(self, capsys, tmp_path):
        """A non-UTF-8 byte on line 5002 of a log is reported on line 5002."""
        data = (
            b"party_id,on,kind,item,offering,amount,customized,collaborative,reference\n"
            + b"ann,2026-01-05,purchase,,,10,,,\n" * 5000
        )
        data += b"ann,2026-01-05,purch\xffase,10\n"
        path = write(tmp_path, "log.csv", data)
        status, _, err = run(capsys, "classify", "--log", path)
        assert 2 == status
        assert_one_line(err, path, "line 5002", "utf-8")

    def test_bad_byte_in_a_signal_file(self, capsys, tmp_path):
        """A bad byte in a signal file names its line, not a byte of a block."""
        path = write(tmp_path, "s.csv", b"id,tenure_days\na,1\nb\xff,2\n")
        status, _, err = run(capsys, "classify", path)
        assert 2 == status
        assert_one_line(err, path, "line 3")
        assert "block" not in err

    def test_header_error_names_the_file(self, capsys, tmp_path):
        """A log header that lacks a column names the file."""
        path = write(tmp_path, "log.csv", "who,on\nann,2026-01-01\n")
        status, _, err = run(capsys, "classify", "--log", path)
        assert 2 == status
        assert_one_line(err, path, "party_id", "--party-column NAME", "--kind-column none")

    @pytest.mark.parametrize(
        ("argv", "name"),
        [
            (["classify", "{path}"], "s.jsonl"),
            (["engagement", "status", "{path}", "--as-of", "2026-01-01"], "e.json"),
        ],
    )
    def test_json_null_document(self, capsys, tmp_path, argv, name):
        """A JSON ``null`` says ``got null``, not a Python type name."""
        path = write(tmp_path, name, "null\n")
        status, _, err = run(capsys, *[item.format(path=path) for item in argv])
        assert 2 == status
        assert_one_line(err, "null")
        assert "None" not in err

    def test_json_null_rule_file(self, capsys, tmp_path):
        """A rule file that is JSON ``null`` says ``got null``."""
        path = write(tmp_path, "r.json", "null")
        status, _, err = run(capsys, "rules", "check", path)
        assert 2 == status
        assert "NoneType" not in err
        assert "null" in err

    @pytest.mark.parametrize(
        ("name", "text", "argv"),
        [
            ("s.jsonl", '{"id": "a", "tenure_days": 3}\n', ["classify", "{path}"]),
            ("s.csv", "id,tenure_days\na,3\n", ["classify", "{path}"]),
            ("e.json", ENGAGEMENT, ["engagement", "status", "{path}", "--as-of", "2026-01-01"]),
            ("r.toml", "{rules_toml}", ["rules", "check", "{path}"]),
            ("r.json", "{rules_json}", ["rules", "check", "{path}"]),
            ("log.csv", LOG, ["classify", "--log", "{path}"]),
            (
                "e.jsonl",
                "{engagement_line}",
                ["classify", "--log", "{log}", "--engagements", "{path}"],
            ),
        ],
        ids=["jsonl", "csv", "engagement", "toml", "json-rules", "log", "engagements"],
    )
    def test_bom_is_accepted_by_every_reader(self, capsys, tmp_path, name, text, argv):
        """A UTF-8 byte-order mark is skipped by every reader, as it is in CSV."""
        ruleset = cc.default_ruleset()
        replacements = {
            "{rules_toml}": ruleset.to_toml(),
            "{rules_json}": json.dumps(ruleset.to_dict()),
            "{engagement_line}": json.dumps(json.loads(ENGAGEMENT)) + "\n",
        }
        text = replacements.get(text, text)
        path = write(tmp_path, name, "\ufeff" + text)
        log = write(tmp_path, "plain-log.csv", LOG)
        status, _, err = run(capsys, *[item.format(path=path, log=log) for item in argv])
        assert (0, "") == (status, err)

    def test_empty_jsonl_like_empty_csv(self, capsys, tmp_path):
        """An empty ``.jsonl`` exits as an empty ``.csv`` does."""
        csv_status = run(capsys, "classify", write(tmp_path, "e.csv", ""))[0]
        jsonl_status, _, err = run(capsys, "classify", write(tmp_path, "e.jsonl", ""))
        assert (2, 2) == (csv_status, jsonl_status)
        assert_one_line(err, "empty")

    def test_header_only_log_same_status_everywhere(self, capsys, tmp_path):
        """A log with a header and no rows gets the same exit status from every log command."""
        path = write(
            tmp_path,
            "log.csv",
            "party_id,on,kind,item,offering,amount,customized,collaborative,reference\n",
        )
        statuses = {
            "classify": run(capsys, "classify", "--log", path)[0],
            "timeline": run(capsys, "timeline", path)[0],
            "recommend": run(capsys, "recommend", path)[0],
        }
        assert {"classify": 0, "timeline": 0, "recommend": 0} == statuses

    def test_explain_refuses_a_duplicated_id(self, capsys, tmp_path):
        """``explain --id a`` on a file where ``a`` is twice refuses as ``classify`` does."""
        path = write(tmp_path, "s.csv", "id,tenure_days\na,1\na,2\n")
        status, _, err = run(capsys, "explain", path, "--id", "a")
        assert 2 == status
        assert_one_line(err, "line 3")

    @pytest.mark.parametrize("group", ["rules", "lifecycle", "engagement"])
    def test_group_without_subcommand_is_a_usage_error(self, capsys, group):
        """``clientcustomer rules`` with no subcommand exits 2 with a usage line."""
        status, _, err = run(capsys, group)
        assert 2 == status
        assert "SUBCOMMAND" in err or "subcommand" in err


class TestFoundByFuzzing:
    def test_playbook_with_a_five_thousand_digit_number(self):
        """A playbook whose TOML holds a 5,000-digit number is a `ValidationError` (found by the
        thorough fuzz profile: tomllib raises a bare ``ValueError`` past Python's digit limit)."""
        text = "schema_version = 1" + "0" * 5000 + '\nid = "p"\nversion = 1\n'
        with pytest.raises(cc.ValidationError, match="4300 digits"):
            cc.loads_playbook(text)

    def test_timeline_ending_at_the_calendars_end(self, capsys, tmp_path):
        """``timeline --end 9999-12-31``, a long step: the checkpoints stay in the calendar."""
        path = write(tmp_path, "log.csv", LOG)
        argv = ("timeline", path, "--end", "9999-12-31", "--every-days", "3000000")
        status, _, err = run(capsys, *argv)
        assert status in (0, 2)
        assert "Traceback" not in err

    def test_rot13_is_not_a_text_encoding(self, capsys, tmp_path):
        """``--encoding rot13`` (a codec, not a text encoding) is one line naming the option."""
        path = write(tmp_path, "log.csv", LOG)
        status, _, err = run(capsys, "classify", "--log", path, "--encoding", "rot13")
        assert 2 == status
        assert_one_line(err, "--encoding")
