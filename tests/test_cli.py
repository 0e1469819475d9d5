"""The ``clientcustomer`` command line skeleton: ``--version`` and ``--help``."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

import clientcustomer
from clientcustomer.cli import main
from clientcustomer.cli.output import Progress


class TestVersionAndHelp:
    def test_version_prints_the_package_version(self, capsys):
        """``--version`` prints the program name and version and exits with 0."""
        with pytest.raises(SystemExit) as info:
            main(["--version"])

        assert 0 == info.value.code
        assert f"clientcustomer {clientcustomer.__version__}\n" == capsys.readouterr().out

    def test_help_describes_the_program(self, capsys):
        """``--help`` prints usage and exits with 0."""
        with pytest.raises(SystemExit) as info:
            main(["--help"])

        assert 0 == info.value.code
        assert capsys.readouterr().out.startswith("usage: clientcustomer")

    def test_no_arguments_prints_help(self, capsys):
        """With no subcommand the program prints its help and succeeds."""
        assert 0 == main([])
        assert "usage: clientcustomer" in capsys.readouterr().out

    def test_unknown_option_is_a_usage_error(self, capsys):
        """An unknown option exits with status 2 and says what was wrong."""
        with pytest.raises(SystemExit) as info:
            main(["--no-such-option"])

        assert 2 == info.value.code
        assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err

    def test_runs_as_a_module(self):
        """``python -m clientcustomer --version`` works like the console script."""
        result = subprocess.run(
            [sys.executable, "-m", "clientcustomer", "--version"],
            capture_output=True,
            text=True,
            check=False,
        )

        assert (0, f"clientcustomer {clientcustomer.__version__}\n") == (
            result.returncode,
            result.stdout,
        )


class _Terminal(io.StringIO):
    def isatty(self):
        return True


class TestProgress:
    def test_draws_on_a_terminal_and_clears_at_close(self):
        """On a terminal the line shows the count and rate, and closing blanks it."""
        stream = _Terminal()
        progress = Progress("classify", stream, interval=0)
        progress(10_000)
        progress(20_000)
        progress.close()

        text = stream.getvalue()
        assert "\rclassify: 10,000 rows (" in text
        assert "\rclassify: 20,000 rows (" in text
        assert text.endswith("\r")
        assert 20_000 == progress.count

    def test_quiet_or_not_a_terminal_writes_nothing(self):
        """``quiet`` or a pipe: nothing is written, the count is still kept."""
        for stream, quiet in ((_Terminal(), True), (io.StringIO(), False)):
            progress = Progress("classify", stream, quiet=quiet, interval=0)
            progress(5)
            progress.close()
            assert "" == stream.getvalue()
            assert 5 == progress.count

    def test_redraws_at_most_every_interval(self):
        """Calls closer together than the interval do not redraw."""
        stream = _Terminal()
        progress = Progress("x", stream, interval=3600)
        progress(1)
        progress(2)
        assert 1 == stream.getvalue().count("\r")
