"""Names of the shared vocabulary are defined (assigned, or a def/class) in one module only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "ptc_bench"
PACKAGES = ("core", "metrics", "tasks", "reports", "benchmark")
ONCE = {
    "AlignPolicy": "metrics/align.py",
    "SCHEMA_DIALECT": "core/answer_format.py",
    "SI_VALUE": "core/answer_format.py",
    "phrase_schema": "core/answer_format.py",
    "classification_schema": "core/answer_format.py",
    "PreparedData": "benchmark/stage/stage.py",
    "TrainExample": "benchmark/training/examples.py",
    "select_shots": "tasks/shots.py",
}


def definitions(name: str) -> list[str]:
    """Modules that define `name` at their top level or in a class body."""
    found = []
    for package in PACKAGES:
        for path in sorted((SOURCE / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            bodies = [tree.body] + [node.body for node in tree.body if isinstance(node, ast.ClassDef)]
            for node in (statement for body in bodies for statement in body):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    names = {node.name}
                elif isinstance(node, ast.Assign):
                    names = {target.id for target in node.targets if isinstance(target, ast.Name)}
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    names = {node.target.id}
                else:
                    continue
                if name in names:
                    found.append(path.relative_to(SOURCE).as_posix())
    return found


@pytest.mark.parametrize(("name", "home"), sorted(ONCE.items()))
def test_defined_once(name: str, home: str) -> None:
    assert definitions(name) == [home]
