"""The package layering, read from the source with `ast`: core <- metrics, tasks <- reports, engine <- CLI.

`core` is the shared vocabulary and imports none of the others; `metrics`, `tasks` and `reports`
never import the engine (`benchmark`), so scoring and reports work without the model stack; the
engine never imports `reports` (presentation); only the CLI layer (`benchmark/cli.py`,
`benchmark/console.py`, `benchmark/commands/`) may import everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "ptc_bench"
ROOT = "ptc_bench"
PACKAGES = ("core", "metrics", "tasks", "reports", "benchmark")
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "metrics": frozenset({"core"}),
    "tasks": frozenset({"core"}),
    "reports": frozenset({"core", "metrics"}),
    "benchmark": frozenset({"core", "metrics", "tasks"}),
}
CLI_LAYER = ("benchmark/cli.py", "benchmark/console.py", "benchmark/commands/")


def _package(module: str) -> str:
    """The package of ours a dotted name lives in (`ptc_bench.metrics.align` -> `metrics`), else its top."""
    parts = module.split(".")
    return parts[1] if parts[0] == ROOT and len(parts) > 1 else parts[0]


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """(package, line) of every absolute import in a file, at any depth (functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {(_package(alias.name), node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add((_package(node.module), node.lineno))
    return found


def violations(package: str) -> list[str]:
    """`file:line imports X` for every import of a project package the layering forbids."""
    bad = []
    for path in sorted((SOURCE / package).rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative.startswith(CLI_LAYER):
            continue
        for imported, line in sorted(imported_packages(path)):
            if imported in PACKAGES and imported != package and imported not in ALLOWED[package]:
                bad.append(f"{relative}:{line} imports {imported}")
    return bad


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_follow_the_layering(package: str) -> None:
    assert violations(package) == []


def test_the_rule_sees_function_level_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from ptc_bench.benchmark.run.runner import RunSpec\n"
        "    import ptc_bench.reports.tables\n"
    )
    assert imported_packages(module) == {("benchmark", 2), ("reports", 3)}


def test_sha256_is_computed_in_core_hashing_only() -> None:
    users = [
        f"{path.relative_to(SOURCE).as_posix()}:{line}"
        for package in PACKAGES
        for path in sorted((SOURCE / package).rglob("*.py"))
        for imported, line in sorted(imported_packages(path))
        if imported == "hashlib" and path != SOURCE / "core" / "hashing.py"
    ]
    assert users == []


def test_task_kinds_are_compared_only_inside_tasks() -> None:
    from ptc_bench.tasks.task import KINDS

    found = []
    for package in PACKAGES:
        if package == "tasks":
            continue
        for path in sorted((SOURCE / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Compare):
                    continue
                sides = [node.left, *node.comparators]
                names_kind = any(isinstance(s, ast.Attribute) and s.attr == "kind" for s in sides)
                task_kind = any(isinstance(s, ast.Constant) and s.value in KINDS for s in sides)
                if names_kind and task_kind:
                    found.append(f"{path.relative_to(SOURCE).as_posix()}:{node.lineno}")
    assert found == []  # ask the Task (technique_agnostic, one_prompt_per_span, scope, gold) instead


# The wings of the engine, bottom to top: a module imports only from its own wing and the ones below.
WINGS = (
    ("paths", "limits", "plain_progress"),  # helpers of every wing
    ("data",),
    ("models",),
    ("generation",),
    ("evaluation",),  # evaluation items, their outcomes (parse and align), the oracle
    ("training",),
    ("stage",),  # the run's spec, what a stage is given and gives back, the folder's lock and log
    ("approaches",),
    ("run",),  # orchestration: runner, cross-evaluation, scoring, the run record and folder
    ("sweep",),
    ("perf",),
    ("console", "cli", "commands"),  # the CLI layer
)


def _wing_level(module: str) -> int | None:
    """The level of a `ptc_bench.benchmark.<wing>...` module or file stem, None outside the engine."""
    for level, names in enumerate(WINGS):
        if module in names:
            return level
    return None


def wing_violations() -> list[str]:
    """`file:line imports <wing> (above <wing>)` for every import that climbs up the engine's wings."""
    engine = SOURCE / "benchmark"
    bad = []
    for path in sorted(engine.rglob("*.py")):
        parts = path.relative_to(engine).parts
        if parts == ("__init__.py",):
            continue
        own = parts[0].removesuffix(".py")
        own_level = _wing_level(own)
        assert own_level is not None, f"{path}: a wing the rule does not know"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                pieces = name.split(".")
                if pieces[:2] != [ROOT, "benchmark"] or len(pieces) < 3:
                    continue
                level = _wing_level(pieces[2])
                if level is not None and level > own_level:
                    where = f"{path.relative_to(SOURCE).as_posix()}:{node.lineno}"
                    bad.append(f"{where} imports {pieces[2]} (above {own})")
    return bad


def test_no_import_climbs_up_the_engines_wings() -> None:
    assert wing_violations() == []
