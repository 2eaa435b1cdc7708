"""``import cdop`` stays light (no matplotlib, scipy, Word or Excel libraries) and its modules
import one another without a circle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cdop

#: Libraries ``import cdop`` leaves to the functions that need them (pyarrow is not here:
#: pandas imports it itself).
HEAVY = (
    "matplotlib",
    "scipy",
    "docx",
    "lxml",
    "openpyxl",
    "statsmodels",
    "highspy",
    "PIL",
    "tqdm",
)


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter holds after ``statement``."""
    code = f"import sys; {statement}; print(','.join(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def test_import_does_not_load_heavy_modules() -> None:
    assert _loaded_after("import cdop", HEAVY) == []


def test_lazy_submodules_load_on_first_use() -> None:
    # The subpackages come on first access. The statistics need scipy.special only; the
    # analytics and the command line leave every heavy library to the functions using it.
    assert _loaded_after("import cdop; cdop.stats.rate", HEAVY) == ["scipy"]
    assert _loaded_after("import cdop.stats", ("scipy.stats", "scipy.optimize")) == []
    for sub in ("analytics", "cli"):
        assert _loaded_after(f"import cdop.{sub}", HEAVY) == [], sub


def test_public_api_is_explicit() -> None:
    import cdop

    for name in cdop.__all__:
        assert getattr(cdop, name) is not None


def _module_imports(root: Path) -> dict[str, set[str]]:
    """Each cdop module's imports of other cdop modules, at module level (type-checking
    blocks included; imports inside functions are deferred and left out)."""
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        pending = list(ast.parse(path.read_text(encoding="utf-8")).body)
        while pending:
            node = pending.pop()
            if isinstance(node, ast.If | ast.Try):
                pending.extend(node.body + node.orelse)
                pending.extend(s for h in getattr(node, "handlers", ()) for s in h.body)
            elif isinstance(node, ast.Import):
                graph[name].update(filter(None, (known(a.name) for a in node.names)))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    stem = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*stem, base] if base else stem)
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    found = target if target in modules else known(base)
                    if found:
                        graph[name].add(found)
    return {k: {v for v in vs if v.startswith("cdop") and v != k} for k, vs in graph.items()}


def test_no_import_circle() -> None:
    # A module may import another only if that one does not import it back, directly or
    # through others: the package's modules form a hierarchy (errors at the bottom).
    graph = _module_imports(Path(cdop.__file__).parent)
    assert graph["cdop.errors"] == set()
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for child in sorted(graph[node]):
            if state.get(child) == 1:
                circles.append([*trail[trail.index(child) :], child])
            elif child not in state:
                visit(child, [*trail, child])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []
