"""The public API is exact, importable, documented with examples and in the reference pages."""

from __future__ import annotations

import ast
import enum
import importlib
import inspect
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import clientcustomer
import clientcustomer.exceptions

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"
PUBLIC_MODULES = [clientcustomer, clientcustomer.exceptions]


def defined_public_names(module: ModuleType) -> set[str]:
    """The public names a module defines, or imports from within the package, at top level."""
    tree = ast.parse(inspect.getsource(module))
    names: set[str] = set()
    body = list(tree.body)
    for node in tree.body:  # the lazily imported names are imported for type checkers only
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            body.extend(node.body)
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_") and name != "__version__"}


def all_order(name: str) -> tuple[int, str]:
    """The order of ``__all__``: CONSTANTS, then Classes, then functions; each sorted plainly."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[0].isupper() else (2, name)


def is_data(value: object) -> bool:
    """Whether a public name is a constant or a type alias rather than a class or function."""
    return not (inspect.isclass(value) or inspect.isroutine(value))


def attribute_docstring(source: str, name: str) -> str | None:
    """The docstring written under a module-level assignment (``NAME = ...`` then a string)."""
    tree = ast.parse(source)
    for node, following in zip(tree.body, tree.body[1:], strict=False):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
                text = following.value.value
                return text if isinstance(text, str) else None
            return None
    return None


def data_docstring(name: str) -> str | None:
    """Find the attribute docstring of a public constant in the package's modules."""
    package = Path(clientcustomer.__file__).parent
    for path in sorted(package.rglob("*.py")):
        found = attribute_docstring(path.read_text(encoding="utf-8"), name)
        if found:
            return found
    return None


def own_members(cls: type) -> list[tuple[str, object]]:
    """Public methods and properties a class defines itself (or inherits from this package)."""
    members: dict[str, object] = {}
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("clientcustomer"):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_"):
                continue
            if isinstance(value, (staticmethod, classmethod)):
                members[name] = value.__func__
            elif isinstance(value, property) or inspect.isfunction(value):
                members[name] = value
    return sorted(members.items())


def public_objects() -> list[tuple[str, object]]:
    """Every public class, function, method and property, by qualified name.

    Members of protocols only declare an interface: they need a docstring, not an example.
    """
    found: list[tuple[str, object]] = []
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            value = getattr(module, name)
            if is_data(value):
                continue
            qualified = f"{module.__name__}.{name}"
            found.append((qualified, value))
            if inspect.isclass(value) and not issubclass(value, BaseException):
                found.extend((f"{qualified}.{member}", obj) for member, obj in own_members(value))
    return found


def is_protocol_member(name: str) -> bool:
    """Whether a qualified name is a member of a ``typing.Protocol`` class."""
    parts = name.split(".")
    owner = getattr(clientcustomer, parts[1], None) if len(parts) == 3 else None
    return bool(getattr(owner, "_is_protocol", False))


def reference_text() -> str:
    """All reference pages, concatenated."""
    return "\n".join(page.read_text(encoding="utf-8") for page in sorted(REFERENCE.glob("*.md")))


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda module: module.__name__)
class TestAll:
    def test_all_is_exactly_the_public_names(self, module):
        """``__all__`` lists every public name the module defines or imports, and nothing else."""
        expected = defined_public_names(module) - {"TYPE_CHECKING"}

        assert sorted(expected) == sorted(module.__all__)

    def test_all_is_sorted_without_duplicates(self, module):
        """``__all__`` is sorted: CONSTANTS, Classes, then functions, each in plain order, once."""
        assert sorted(set(module.__all__), key=all_order) == list(module.__all__)

    def test_every_name_is_importable(self, module):
        """``from module import name`` works for every name in ``__all__``."""
        missing = [name for name in module.__all__ if not hasattr(module, name)]

        assert [] == missing


class TestDocstrings:
    @pytest.mark.parametrize(
        ("name", "obj"), [pytest.param(name, obj, id=name) for name, obj in public_objects()]
    )
    def test_has_docstring_with_example(self, name, obj):
        """Every public class, function, method and property has a docstring with an example."""
        doc = inspect.getdoc(obj) or ""
        if inspect.isclass(obj) and issubclass(obj, enum.Enum) and doc == inspect.getdoc(enum.Enum):
            doc = ""

        assert doc.strip(), f"{name} has no docstring"
        if not (inspect.isclass(obj) and issubclass(obj, BaseException)) and not (
            is_protocol_member(name)
        ):
            assert ">>>" in doc, f"{name}'s docstring has no example (>>>)"

    @pytest.mark.parametrize(
        "name",
        [name for name in clientcustomer.__all__ if is_data(getattr(clientcustomer, name))],
    )
    def test_constant_has_attribute_docstring(self, name):
        """Every public constant or type alias has a docstring right under its definition."""
        assert data_docstring(name), f"{name} has no docstring under its assignment"

    def test_package_docstring_has_an_example(self):
        """The package docstring is a map of the API with an example."""
        assert ">>>" in (clientcustomer.__doc__ or "")


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="the documentation is not in this checkout")
class TestReference:
    def test_every_public_name_has_a_reference_entry(self):
        """Each name of ``clientcustomer.__all__`` appears as ``::: clientcustomer.NAME``.

        To add one, put a ``::: clientcustomer.NAME`` line in the page of its concept in
        ``docs/reference/`` (or a new page, linked from ``mkdocs.yml``).
        """
        text = reference_text()

        # The errors are documented whole on the exceptions page (clientcustomer.exceptions).
        missing = [
            name
            for name in clientcustomer.__all__
            if f"::: clientcustomer.{name}\n" not in text
            and getattr(clientcustomer, name).__module__ != "clientcustomer.exceptions"
        ]

        assert [] == missing

    def test_public_modules_have_reference_pages(self):
        """``clientcustomer.exceptions`` and ``clientcustomer.testing`` are documented whole."""
        text = reference_text()

        assert "::: clientcustomer.exceptions\n" in text
        assert "::: clientcustomer.testing\n" in text

    def test_reference_names_exist(self):
        """Every ``:::`` line names an object that exists (no stale entries)."""
        text = reference_text()
        names = [
            line.split("::: ", 1)[1].strip()
            for line in text.splitlines()
            if line.startswith("::: ")
        ]

        stale = []
        for dotted in names:
            module_name, _, attribute = dotted.rpartition(".")
            try:
                module = importlib.import_module(dotted)
            except ImportError:
                module = importlib.import_module(module_name)
                if not hasattr(module, attribute):
                    stale.append(dotted)
            else:
                assert dotted == module.__name__

        assert [] == stale


class TestLazyImports:
    def test_import_loads_no_submodule(self):
        """``import clientcustomer`` imports none of its modules until a name is used."""
        code = (
            "import sys, clientcustomer; "
            "print(sorted(m for m in sys.modules if m.startswith('clientcustomer.')))"
        )
        result = subprocess.run(  # noqa: S603 - this interpreter, fixed code
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )

        assert "[]" == result.stdout.strip()

    def test_every_export_names_its_defining_module(self):
        """The lazy table covers ``__all__`` exactly, and each name comes from its module."""
        assert sorted(clientcustomer.__all__) == sorted(clientcustomer._EXPORTS)
        for name, module in clientcustomer._EXPORTS.items():
            defined = importlib.import_module(f"clientcustomer.{module}")
            assert getattr(defined, name) is getattr(clientcustomer, name)

    def test_unknown_name_is_an_attribute_error(self):
        """A name the package does not have raises ``AttributeError`` naming it."""
        with pytest.raises(AttributeError, match="no attribute 'nope'"):
            clientcustomer.nope  # noqa: B018 - the access is the test

    def test_dir_lists_the_public_names(self):
        """``dir()`` offers every public name, loaded or not."""
        assert set(clientcustomer.__all__) <= set(dir(clientcustomer))
