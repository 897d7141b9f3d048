"""The package layout the architecture doc promises, checked against the code itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "langmem_extract"
MAX_LINES = 600
# Modules that wrap LangChain / the user's app; everything else is core.
FACES = ("integrations", "cli", "eval")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every langmem_extract module a file imports, lazily or not."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in MODULES}


def _is_face(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 1 and parts[1] in FACES


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_600_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines"


def test_package_never_imports_tests_or_walks_the_checkout() -> None:
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) tests\b", text, re.M), module
        assert "parents[" not in text, f"{module} walks up the checkout"
        assert "shared/data" not in text, f"{module} names a checkout path"


def test_core_modules_import_no_integration() -> None:
    offenders = {
        module: sorted(name for name in _imports(path) if ".integrations" in name)
        for module, path in MODULES.items()
        if not _is_face(module) and module != "langmem_extract"
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def _diagram() -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Modules", 1)[1]
    block = section.split("```mermaid", 1)[1].split("```", 1)[0]
    nodes: dict[str, list[str]] = {}
    for node_id, label in re.findall(r'(\w+)\["([^"]+)"\]', block):
        first = label.split("<br/>")[0].strip()
        nodes[node_id] = [p.strip() for p in first.split("·")]
    edges = re.findall(r"^\s*(\w+)\s*-->\s*(\w+)\s*$", block, re.M)
    return nodes, edges


def _modules_for(paths: list[str]) -> set[str]:
    out: set[str] = set()
    for raw in paths:
        dotted = "langmem_extract." + raw.removesuffix(".py").strip("/").replace("/", ".")
        matched = {m for m in MODULES if m == dotted or m.startswith(dotted + ".")}
        assert matched, f"diagram names {raw!r}, which is no module"
        out |= matched
    return out


def test_every_arrow_in_the_architecture_diagram_is_an_import() -> None:
    nodes, edges = _diagram()
    assert len(edges) >= 10
    for src, dst in edges:
        assert src in nodes and dst in nodes, (src, dst)
        sources, targets = _modules_for(nodes[src]), _modules_for(nodes[dst])
        imported = set().union(*(_imports(MODULES[m]) for m in sources))
        assert imported & targets, f"arrow {src} --> {dst} is not an import"
