"""The house's rules, read from the source (issue 20): `ocr` and `nlp` never import `pipeline` nor each other; no
import loop among the project's modules (imports inside functions count: a loop hidden in a function is a loop);
at most 10 modules at `pipeline/`'s top level; no module over 700 lines."""

import ast
from pathlib import Path

import networkx as nx

from .conftest import ROOT

PACKAGES = ("ocr", "nlp", "pipeline")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `from x import name`: the module x
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                out.add(target)
    return out


def _graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for target in _imports(name, path, set(modules)):
            graph.add_edge(name, target)
    return graph


def test_ocr_and_nlp_import_neither_pipeline_nor_each_other():
    graph = _graph()
    wrong = [(a, b) for a, b in graph.edges
             if (a.startswith("ocr") and b.split(".")[0] in {"nlp", "pipeline"})
             or (a.startswith("nlp") and b.split(".")[0] in {"ocr", "pipeline"})]
    assert not wrong


def test_no_import_loop():
    graph = _graph()
    # a package's __init__ re-exporting its own modules is no loop: drop package → own submodule edges
    graph.remove_edges_from([(a, b) for a, b in list(graph.edges) if b.startswith(a + ".")])
    loops = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not loops


def test_the_rooms_hold_their_modules():
    top = sorted(p.name for p in (ROOT / "pipeline").glob("*.py"))
    assert len(top) <= 10, top
    for room in ("archive", "web", "exports"):
        assert (ROOT / "pipeline" / room / "__init__.py").is_file()


def test_no_module_over_700_lines():
    long = {str(p.relative_to(ROOT)): n for p in _modules().values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 700}
    assert not long


def test_the_readers_of_this_test_see_real_imports():
    """The check itself reads what it should: the archive's resolution imports linkage, which does not import it."""
    graph = _graph()
    assert graph.has_edge("pipeline.archive.resolve", "pipeline.archive.linkage")
    assert graph.has_edge("pipeline.archive.linkage", "pipeline.archive.identity")
    assert not graph.has_edge("pipeline.archive.identity", "pipeline.archive.linkage")
    assert graph.has_edge("pipeline.web.app", "pipeline.exports.graph_html")
