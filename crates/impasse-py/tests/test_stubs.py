"""The type stubs cover the public API, and the package says it is typed."""

import ast
import inspect
import pathlib

import impasse

PACKAGE = pathlib.Path(impasse.__file__).parent


def stub_names():
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_every_public_name_has_a_stub():
    assert set(impasse.__all__) <= stub_names()


def test_py_typed_is_shipped():
    assert (PACKAGE / "py.typed").exists()


def test_public_functions_have_docstrings():
    for name in impasse.__all__:
        obj = getattr(impasse, name)
        if callable(obj):
            assert inspect.getdoc(obj), name
