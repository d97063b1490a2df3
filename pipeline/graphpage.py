"""graph.html: the citation graph as one self-contained, offline page (Cytoscape.js inlined, positions computed here).

An archive of a few thousand documents goes into the page whole. A larger one gets an *overview* that a browser
opens in seconds: its most-cited documents and the citations between them, with a line saying how much is shown
and that `vanban serve` explores all of it. The nodes and edges are read from the store with SQL, never by building
a graph of the whole archive in memory.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from typing import Any

import networkx as nx

from nlp import doctypes

from . import graph as graphs
from .graphfiles import edge_element, node_element
from .layout import layout

OVERVIEW_NODES = 6000  # above this many nodes, graph.html shows the most-cited ones
OVERVIEW_EDGES = 30000

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173")
RELATION_COLORS = {"based_on": "#2b6cb0", "implements": "#2f855a", "responds_to": "#b7791f", "attached_to": "#718096",
                   "replaces": "#c53030", "amends": "#dd6b20", "repeals": "#9b2c2c", "cites": "#a0aec0"}
_PLACEHOLDER = re.compile(r"\{\{TITLE\}\}|/\*\{\{STYLE\}\}\*/|/\*\{\{CYTOSCAPE\}\}\*/|\{\{DATA\}\}")

# What graph.html reads of each element (graph.json keeps everything): a smaller page opens faster.
_PAGE_NODE_FIELDS = ("id", "label", "cited_by", "symbol", "number", "type", "type_code", "issuer", "province",
                     "locality", "date", "year", "title", "file", "is_stub", "ambiguous", "candidates")
_PAGE_EDGE_FIELDS = ("id", "source", "target", "relation", "kind", "snippet", "file", "page")


@dataclass(frozen=True)
class Shown:
    """How much of the archive a page shows."""

    nodes: int
    edges: int
    total_nodes: int
    total_edges: int

    @property
    def partial(self) -> bool:
        return self.nodes < self.total_nodes or self.edges < self.total_edges


def static_text(*parts: str) -> str:
    return resources.files("pipeline").joinpath("static", *parts).read_text(encoding="utf-8")


def stylesheet() -> str:
    """The look shared by graph.html and `vanban serve`: static/vanban.css plus one rule per relation colour."""
    rules = "".join(f".rel-{name} {{ border-left-color: {colour}; }}\n"
                    f"a.ref.rel-{name} {{ border-bottom-color: {colour}; }}\n" for name, colour in RELATION_COLORS.items())
    return static_text("vanban.css") + rules


def type_colours(types: list[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(types)}


def overview(conn: sqlite3.Connection, max_nodes: int = OVERVIEW_NODES,
             max_edges: int = OVERVIEW_EDGES) -> tuple[nx.MultiDiGraph, Shown]:
    """The graph the page draws: the whole archive when it is small, else its most-cited documents (and the
    archive's own documents among them) with the citations between them."""
    total_nodes = conn.execute("SELECT COUNT(*) FROM nodes").fetchone()[0]
    total_edges = conn.execute("SELECT COUNT(*) FROM edges").fetchone()[0]
    if total_nodes <= max_nodes and total_edges <= max_edges:
        graph = graphs.build(conn)
        return graph, Shown(graph.number_of_nodes(), graph.number_of_edges(), total_nodes, total_edges)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS overview_nodes(id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM overview_nodes")
    conn.execute(
        "INSERT INTO overview_nodes SELECT target_id FROM edges GROUP BY target_id "
        "ORDER BY COUNT(DISTINCT source_id) DESC, target_id LIMIT ?", (max_nodes,))
    graph = graphs.build(conn, "SELECT id FROM overview_nodes", max_edges=max_edges)
    conn.execute("DROP TABLE overview_nodes")
    return graph, Shown(graph.number_of_nodes(), graph.number_of_edges(), total_nodes, total_edges)


def _script_json(data: Any) -> str:
    """JSON that is safe inside <script>: no '</script>', no HTML comment openers, no U+2028/2029 surprises."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _html_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;"))


def page_elements(graph: nx.MultiDiGraph) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements of what the page draws, with positions and only the fields the page reads."""
    positions = layout(graph)
    cited_by = dict(graphs.citing_graph(graph).in_degree())
    nodes = []
    for node, data in graph.nodes(data=True):
        element = node_element({"id": node, **data, "cited_by": cited_by.get(node, 0)})
        entry: dict[str, Any] = {"data": {k: element[k] for k in _PAGE_NODE_FIELDS if k in element}}
        if node in positions:
            x, y = positions[node]
            entry["position"] = {"x": round(x, 1), "y": round(y, 1)}
        nodes.append(entry)
    edges = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        element = edge_element({"id": key, "source_id": u, "target_id": v, **data})
        edges.append({"data": {k: element[k] for k in _PAGE_EDGE_FIELDS if k in element}})
    return {"nodes": nodes, "edges": edges}


def render_html(graph: nx.MultiDiGraph, title: str = "vanban — citation graph", *, shown: Shown | None = None,
                doc_base: str | None = None, file_base: str | None = None, evidence_base: str | None = None,
                links: list[tuple[str, str]] | None = None) -> str:
    """graph.html: one self-contained page (Cytoscape.js inlined, positions precomputed, data as escaped JSON).
    `doc_base`/`file_base`/`evidence_base`/`links` are for `vanban serve`: links from the panel to document pages
    (and to the page of a citation's sentence, boxed on a scan), and a menu."""
    types = sorted({d.get("type") or "?" for _, d in graph.nodes(data=True)})
    payload = {
        "elements": page_elements(graph),
        "types": types,
        "typeColors": type_colours(types),
        "relations": list(RELATION_COLORS),
        "relationColors": RELATION_COLORS,
        "typeNames": {t.code: t.name for t in doctypes.doc_types()},
        "docBase": doc_base,
        "fileBase": file_base,
        "evidenceBase": evidence_base,
        "links": links,
        "shown": shown.__dict__ if shown and shown.partial else None,
    }
    values = {
        "{{TITLE}}": _html_escape(title),
        "/*{{STYLE}}*/": stylesheet().replace("</", "<\\/"),
        "/*{{CYTOSCAPE}}*/": static_text("vendor", "cytoscape.min.js").replace("</script", "<\\/script"),
        "{{DATA}}": _script_json(payload),
    }
    # one pass, so that nothing inserted (a title, the library, the data) is read again as a placeholder
    return _PLACEHOLDER.sub(lambda m: values[m.group(0)], static_text("graph.html"))


def archive_page(conn: sqlite3.Connection, **options: Any) -> str:
    """graph.html of an archive: the whole of it, or its overview when it is large."""
    graph, shown = overview(conn)
    return render_html(graph, shown=shown, **options)
