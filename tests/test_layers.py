"""Imports point one way: base -> registry -> input -> spec -> compute -> output -> command line.

Every ``import`` of the package (at the top of a module or inside a function; not those under
``if TYPE_CHECKING:``, which only name types) is read with :mod:`ast`. A module may import one of
its own layer or of a layer below; importing a layer above, or two modules that import each
other (directly or round a longer cycle), fails here with the line to look at. CONTRIBUTING.md
describes the layers.
"""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lrplot"

LAYERS = [
    ("base", ["lrplot._version", "lrplot.gc_pause", "lrplot.libm", "lrplot.limits", "lrplot.expr",
              "lrplot.params", "lrplot.suggest", "lrplot.problems", "lrplot.inputs",
              "lrplot.logcsv", "lrplot.style"]),
    ("registry", ["lrplot.schedules", "lrplot.frameworks", "lrplot.frameworks.*.kinds",
                  "lrplot.frameworks.*.events", "lrplot.frameworks.pytorch.onecycle",
                  "lrplot.frameworks.torchtitan.phases", "lrplot.frameworks.mmengine.phases",
                  "lrplot.frameworks.ultralytics.loop", "lrplot.frameworks.detectron2.where",
                  "<a framework's folder>"]),  # lrplot.frameworks.NAME: its declaration
    ("input", ["lrplot.yamlio", "lrplot.logcsv", "lrplot.readers", "lrplot.readers.*"]),
    ("spec", ["lrplot.configkeys", "lrplot.figspec", "lrplot.resolve", "lrplot.composites",
              "lrplot.spec", "lrplot.spec.*", "lrplot.logged", "lrplot.lint",
              "lrplot.frameworks.*.lint"]),  # the package: flags, document, drafts, report
    ("compute", ["lrplot.kernel_tools", "lrplot.frameworks.*.kernels",
                 "lrplot.frameworks.*.stepping", "lrplot.frameworks.*.plateau",
                 "lrplot.compute", "lrplot.envelope", "lrplot.stats"]),
    ("output", ["lrplot", "lrplot.*", "lrplot.frameworks.*.code"]),  # renderers, writers, code
    # export, the API
    ("command line", ["lrplot.__main__", "lrplot.cli", "lrplot.cli.*"]),
]
"""(layer, module patterns); the most specific pattern wins (the longest that matches)."""


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def layer_of(module: str) -> int:
    if module.startswith("lrplot.frameworks.") and module.count(".") == 2:
        module = "<a framework's folder>"
    best: tuple[int, int] | None = None  # (pattern length, layer)
    for rank, (_, patterns) in enumerate(LAYERS):
        for pattern in patterns:
            if fnmatch.fnmatchcase(module, pattern) and (best is None or len(pattern) > best[0]):
                best = (len(pattern), rank)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[1]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(module: str) -> list[tuple[str, int]]:
    """(imported module of the package, line) for every import that runs."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []

    def add(name: str, line: int) -> None:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.append((name, line))

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if not source.startswith("lrplot"):
                return
            submodules = [f"{source}.{a.name}" for a in node.names
                          if f"{source}.{a.name}" in MODULES]
            for name in submodules:  # from package import submodule: the submodule
                add(name, node.lineno)
            if len(submodules) < len(node.names):
                add(source, node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_imports_point_down():
    upward = []
    for module, imported in GRAPH.items():
        for name, line in imported:
            if layer_of(name) > layer_of(module):
                upward.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line}: "
                              f"{module} ({LAYERS[layer_of(module)][0]}) imports {name} "
                              f"({LAYERS[layer_of(name)][0]})")
    assert upward == []


def test_no_import_cycles():
    edges = {m: sorted({name for name, _ in imported}) for m, imported in GRAPH.items()}
    # Tarjan's strongly connected components: a component of two or more modules is a cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in edges:
        if v not in index:
            connect(v)
    assert cycles == []


def _imports_numpy(module: str) -> bool:
    """Whether the module imports numpy where it runs (not only to name types)."""
    found = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if a.name.split(".")[0] == "numpy")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "numpy":
            found.append(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    return bool(found)


def test_the_spec_layer_computes_nothing():
    """Evaluation lives in compute: the figure model, its builders, the resolver and the linter
    (handed compute's evaluator) need no numpy. Only the logged-series reader holds arrays (a
    log file's steps and values, which its horizon needs)."""
    spec = [m for m in MODULES if LAYERS[layer_of(m)][0] == "spec"]
    assert "lrplot.spec.document" in spec and "lrplot.frameworks.pytorch.lint" in spec
    assert [m for m in spec if _imports_numpy(m)] == ["lrplot.logged"]
    assert _imports_numpy("lrplot.compute")


def test_kernels_import_no_declarations():
    """A kernel computes from its keyword arguments; what it shares with its declaration (pure
    arithmetic such as OneCycleLR's phases, the metric file's reader) lives below both."""
    found = [f"{m} imports {name}" for m, imported in GRAPH.items()
             if m.startswith("lrplot.frameworks.") and layer_of(m) == 4
             for name, _ in imported if name.endswith((".kinds", ".events"))]
    assert found == []


def test_the_command_line_is_imported_by_nothing_in_the_library():
    cli = [m for m in MODULES if layer_of(m) == len(LAYERS) - 1]
    users = [f"{m} imports {name}" for m, imported in GRAPH.items() if m not in cli
             for name, _ in imported if name in cli]
    assert users == []


def test_the_checker_sees_an_upward_import_and_a_cycle(tmp_path, monkeypatch):
    """The test is not vacuous: a kernel importing its declarations is caught, and so is a
    pair of modules importing each other."""
    assert layer_of("lrplot.frameworks.pytorch.kernels") > layer_of("lrplot.frameworks.pytorch.kinds")
    assert layer_of("lrplot.cli") > layer_of("lrplot.gallery") > layer_of("lrplot.spec")
    assert layer_of("lrplot.spec") > layer_of("lrplot.yamlio") > layer_of("lrplot.schedules")
    assert layer_of("lrplot.compute") > layer_of("lrplot.spec.flags") == layer_of("lrplot.lint")
    assert any(name == "lrplot.schedules" for name, _ in GRAPH["lrplot.frameworks.pytorch.kinds"])
