"""The type stubs (python/sequenza/__init__.pyi) against the module: every exported name has a
stub and every stub names something that exists; each class's public methods and properties
are the ones its stub declares (exceptions: the stub's attributes exist)."""

import ast
import inspect

import sequenza
from conftest import ROOT

STUB = ROOT / "bindings-python" / "python" / "sequenza" / "__init__.pyi"


def _stub():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    names, classes, runtime = set(), {}, set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        typing_only = isinstance(node, ast.ClassDef) and any(
            ast.unparse(b) in ("TypedDict", "Protocol") for b in node.bases)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not typing_only:
            runtime.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            classes[node.name] = {m for m in members if not m.startswith("_")}
    return names, classes, runtime


def test_every_export_has_a_stub_and_every_stub_exists():
    names, _, runtime = _stub()
    assert set(sequenza.__all__) - names == set(), "exported without a stub"
    public = {n for n in runtime if not n.startswith("_")}
    assert {n for n in public if not hasattr(sequenza, n)} == set(), "stubbed but not in the module"


def test_class_members_match_their_stubs():
    _, classes, _ = _stub()
    for name, stubbed in classes.items():
        cls = getattr(sequenza, name, None)
        if cls is None or not inspect.isclass(cls):
            continue
        missing = {m for m in stubbed if not hasattr(cls, m)}
        assert missing == set(), f"{name}: stubbed but missing: {sorted(missing)}"
        if issubclass(cls, BaseException):
            continue
        actual = {m for m in dir(cls) if not m.startswith("_")}
        assert actual - stubbed == set(), f"{name}: not in the stub: {sorted(actual - stubbed)}"
