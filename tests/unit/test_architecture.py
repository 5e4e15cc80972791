"""The layers of `campaign/` as docs/ARCHITECTURE.md draws them, checked from the modules'
source: imports point down only, no module imports itself round a cycle (imports inside
functions and under TYPE_CHECKING included), the domain imports nothing but the standard
library, pydantic and eventsourcing's domain module, and the store's reading seam is typed."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "campaign"

# Lower layers first; a module may import its own layer and the layers before it.
LAYERS = ("version", "domain", "store", "read", "figures", "app", "audit", "report", "bootstrap")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """Every module of `campaign` that `name` imports, wherever the import stands."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from campaign.read import parallel` imports a module, not a name
            found.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> int | None:
    parts = name.split(".")
    if len(parts) < 2:
        return None  # the package itself: the public API, above every layer
    return LAYERS.index(parts[1])


def test_every_module_belongs_to_a_layer() -> None:
    strays = [m for m in MODULES if m != "campaign" and m.split(".")[1] not in LAYERS]
    assert strays == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down_only(name: str) -> None:
    own = layer(name)
    if own is None:
        return
    upward = sorted(m for m in GRAPH[name] if (other := layer(m)) is None or other > own)
    assert upward == [], f"{name} ({LAYERS[own]}) imports a higher layer"


def test_no_module_imports_itself_round_a_cycle() -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)
    assert cycles == []


def test_the_domain_imports_only_the_standard_library_pydantic_and_eventsourcing_domain() -> None:
    allowed = {"pydantic", "eventsourcing.domain", "campaign.domain", "__future__", "_typeshed"}
    stdlib = set(sys.stdlib_module_names)
    offending = []
    for name, path in MODULES.items():
        if not name.startswith("campaign.domain"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for target in targets:
                top = target.split(".")[0]
                if top in stdlib or any(target.startswith(a) for a in allowed):
                    continue
                offending.append(f"{name}: {target}")
    assert offending == []


SEAM = (
    "campaign/store/readers.py",
    "campaign/store/backends/sqlite.py",
    "campaign/store/backends/postgres.py",
    "campaign/read/snapshots.py",
    "campaign/read/parallel.py",
    "campaign/read/replay.py",
)
SEAM_METHODS = {
    "head",
    "chain_at",
    "state_at",
    "batches",
    "links",
    "snapshots_upto",
    "batches_without",
    "states_of",
    "created_between",
    "candidates",
    "reopen",
    "reader",
    "save_snapshot",
    "best",
    "save",
    "fold_split",
    "usable",
    "replay_log",
    "fold_range",
}


def test_the_reading_seam_is_typed_without_any() -> None:
    untyped = []
    for relative in SEAM:
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in SEAM_METHODS:
                annotations = [a.annotation for a in node.args.args + node.args.kwonlyargs]
                for annotation in [*annotations, node.returns]:
                    if annotation is not None and "Any" in ast.unparse(annotation):
                        untyped.append(f"{relative}:{node.lineno} {node.name}")
    assert untyped == []
