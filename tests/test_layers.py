"""The floors of the README's Architecture section hold in the imports: a module imports only its
own floor and the floors below it, and no modules import each other in a circle (imports inside
functions count too, so a circle cannot hide in one)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

# floor -> top-level packages on it; a package may import its own floor and those below
FLOORS = (
    ("core",),
    ("pipelines", "sample_data"),
    ("metrics",),
    ("anomaly",),
    ("dashboards",),
    ("safetyops",),
)
FLOOR_OF = {package: level for level, packages in enumerate(FLOORS) for package in packages}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for package in FLOOR_OF for p in (REPO / package).rglob("*.py")}


def imported_modules(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules `path` imports anywhere in it (`from a import b` counts a.b when b is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {n for n in names if n in modules}
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imported_modules(path, modules) - {name} for name, path in modules.items()}


def floor(module: str) -> int:
    return FLOOR_OF[module.split(".")[0]]


def test_every_package_is_on_a_floor():
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages <= set(FLOOR_OF), f"put {sorted(packages - set(FLOOR_OF))} on a floor in FLOORS"


@pytest.mark.parametrize("package", sorted(FLOOR_OF))
def test_no_package_imports_a_floor_above_its_own(package):
    upward = sorted(f"{a} imports {b}" for a, targets in import_graph().items() if a.split(".")[0] == package
                    for b in targets if floor(b) > floor(a))
    assert upward == []


def test_pages_and_the_detector_do_not_reach_into_loading():
    graph = import_graph()
    reaching = sorted(f"{a} imports {b}" for a, targets in graph.items() if a.split(".")[0] in ("anomaly", "dashboards")
                      for b in targets if b.split(".")[0] == "pipelines")
    assert reaching == []


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each circle found by a depth-first walk, as the path that closes it."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def test_no_import_circles():
    assert circles(import_graph()) == []


def test_a_circle_is_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    """The checks are not vacuous: an import hidden in a function body is found."""
    fake = tmp_path / "fake.py"
    fake.write_text("def f():\n    from dashboards.reads import READS\n    import core.errors\n", encoding="utf-8")
    assert imported_modules(fake, project_modules()) == {"dashboards.reads", "core.errors"}
