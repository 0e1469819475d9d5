"""The installed package: version from metadata, typed marker, and a light import."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import metadata, version
from importlib.resources import files

import pytest

import clientcustomer

# Optional dependencies: none of them may be imported by ``import clientcustomer``.
OPTIONAL = ("hypothesis", "jsonschema", "pandas", "polars", "narwhals", "duckdb", "pyarrow")


def modules_after_import(statement: str) -> set[str]:
    """The top-level modules loaded by a fresh interpreter after running one statement."""
    code = f"{statement}; import sys, json; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(  # noqa: S603 - a fixed command with this interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in json.loads(result.stdout)}


class TestMetadata:
    def test_version_is_read_from_metadata(self):
        """``__version__`` is the installed distribution's version, never a second copy."""
        assert version("clientcustomer") == clientcustomer.__version__

    def test_unknown_attribute_raises_attribute_error(self):
        """Asking the package for a name it lacks is an ``AttributeError``, as for any module."""
        with pytest.raises(AttributeError, match="no attribute 'nope'"):
            _ = clientcustomer.nope  # type: ignore[attr-defined]

    def test_package_is_typed(self):
        """The ``py.typed`` marker ships with the package (PEP 561)."""
        assert files("clientcustomer").joinpath("py.typed").is_file()

    def test_runtime_dependencies_are_attrs_and_cattrs_only(self):
        """Only attrs and cattrs are required at run time; everything else is an extra."""
        required = [
            requirement.split(">")[0].split("=")[0].split("[")[0].strip()
            for requirement in metadata("clientcustomer").get_all("Requires-Dist") or []
            if "extra ==" not in requirement
        ]

        assert ["attrs", "cattrs"] == sorted(required)

    def test_licence_is_an_spdx_expression(self):
        """The licence is declared the PEP 639 way."""
        assert "MIT" == metadata("clientcustomer")["License-Expression"]


class TestImport:
    def test_import_loads_no_optional_dependency(self):
        """``import clientcustomer`` loads none of the optional extras."""
        loaded = modules_after_import("import clientcustomer")

        assert set() == loaded & set(OPTIONAL)

    def test_import_defers_cattrs(self):
        """``import clientcustomer`` does not import cattrs: JSON support loads on first use.

        If this fails, something imports ``cattrs`` at module level; move the import into the
        function that needs it (cattrs is a runtime dependency, so this only guards import time).
        """
        loaded = modules_after_import("import clientcustomer")

        assert "cattrs" not in loaded
