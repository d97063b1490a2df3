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
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from typing import Any

import networkx as nx

from nlp import doctypes

from ..archive import graph as graphs
from ..archive import store
from .graph_files import Placement, edge_element, node_element
from ..archive.communities import communities, membership, undirected
from .graph_layout import SPACING, clustered_layout, layout, spread_landmarks

OVERVIEW_NODES = 6000  # above this many nodes, graph.html shows the most-cited ones
OVERVIEW_EDGES = 30000
CLUSTERED = 500  # from this many nodes on, communities are laid out apart
COMMUNITIES_LISTED = 20
LANDMARKS = 30  # the most-cited documents, moved apart so that their labels fit side by side in the overview

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173")
RELATION_COLORS = {"based_on": "#2b6cb0", "implements": "#2f855a", "responds_to": "#b7791f", "attached_to": "#718096",
                   "replaces": "#c53030", "amends": "#dd6b20", "repeals": "#9b2c2c", "cites": "#a0aec0"}
_PLACEHOLDER = re.compile(r"\{\{TITLE\}\}|/\*\{\{STYLE\}\}\*/|/\*\{\{CYTOSCAPE\}\}\*/|\{\{DATA\}\}")

# What graph.html reads of each element (graph.json keeps everything): a smaller page opens faster.
_PAGE_NODE_FIELDS = ("id", "label", "cited_by", "symbol", "number", "type", "type_code", "issuer", "province",
                     "locality", "date", "year", "title", "file", "is_stub", "ambiguous", "candidates", "community")
_PAGE_EDGE_FIELDS = ("id", "source", "target", "relation", "kind", "snippet", "file", "page", "resolved_from")


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
    return resources.files("pipeline.exports").joinpath("static", *parts).read_text(encoding="utf-8")


def stylesheet() -> str:
    """The look shared by graph.html and `vanban serve`: static/vanban.css plus one rule per relation colour."""
    rules = "".join(f".rel-{name} {{ border-left-color: {colour}; }}\n"
                    f"a.ref.rel-{name} {{ border-bottom-color: {colour}; }}\n" for name, colour in RELATION_COLORS.items())
    return static_text("vanban.css") + rules


def type_colours(types: list[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(types)}


# Within `shared_placement()` (one export run: graph.html, graph.gexf and graph.graphml of one archive state), the
# overview and its placement are computed once and shared.
_SHARED: ContextVar[dict[Any, Any] | None] = ContextVar("graph_html_shared", default=None)


@contextmanager
def shared_placement() -> Iterator[None]:
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def overview(conn: sqlite3.Connection, max_nodes: int | None = None,
             max_edges: int | None = None) -> tuple[nx.MultiDiGraph, Shown]:
    """The graph the page draws: the whole archive when it is small, else its most-cited documents (and the
    archive's own documents among them) with the citations between them."""
    max_nodes = OVERVIEW_NODES if max_nodes is None else max_nodes
    max_edges = OVERVIEW_EDGES if max_edges is None else max_edges
    shared = _SHARED.get()
    if shared is None:
        return _overview(conn, max_nodes, max_edges)
    key = ("overview", id(conn), max_nodes, max_edges)
    if key not in shared:
        shared[key] = _overview(conn, max_nodes, max_edges)
    return shared[key]


def _overview(conn: sqlite3.Connection, max_nodes: int, max_edges: int) -> tuple[nx.MultiDiGraph, Shown]:
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


def archive_placement(conn: sqlite3.Connection) -> Placement:
    """graph.html's positions and communities for the archive, which graph.gexf and graph.graphml carry (the
    overview's, for a large one: bounded memory); the documents the overview leaves out are laid in rows below."""
    graph, _ = overview(conn)
    positions, member, _, _ = placement(graph)
    if positions:
        xs = [x for x, _ in positions.values()]
        left, top = min(xs), max(y for _, y in positions.values()) + 4 * SPACING
        width = max(max(xs) - left, SPACING * 30)
    else:
        left, top, width = 0.0, 0.0, SPACING * 30
    per_row, k = max(1, int(width // SPACING) + 1), 0
    for (node,) in conn.execute("SELECT id FROM nodes ORDER BY id"):
        if node not in positions:
            positions[node] = (left + (k % per_row) * SPACING, top + (k // per_row) * SPACING)
            k += 1
    return Placement(positions, member, Placement.unplaced(conn).shared_symbols)


def _script_json(data: Any) -> str:
    """JSON that is safe inside <script>: no '</script>', no HTML comment openers, no U+2028/2029 surprises."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _html_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;"))


def placement(graph: nx.MultiDiGraph) -> tuple[dict[str, tuple[float, float]], dict[str, int], list[Any],
                                               dict[str, int]]:
    """Where the page draws each document and its community: (positions, community of each node, the
    communities, cited-by counts). graph.gexf and graph.graphml carry the same positions and colours."""
    shared = _SHARED.get()
    if shared is None:
        return _placement(graph)
    known = shared.get(("placement", id(graph)))
    if known is None or known[0] is not graph:
        known = shared[("placement", id(graph))] = (graph, _placement(graph))
    positions, member, found, cited_by = known[1]
    return dict(positions), member, found, cited_by  # (callers add to the positions)


def _placement(graph: nx.MultiDiGraph) -> tuple[dict[str, tuple[float, float]], dict[str, int], list[Any],
                                                dict[str, int]]:
    simple = undirected(graph)
    found = communities(graph, simple)
    member = membership(found)
    positions = clustered_layout(graph, found, simple) if graph.number_of_nodes() >= CLUSTERED else layout(graph)
    cited_by = dict(graphs.citing_graph(graph).in_degree())
    ranked = sorted((n for n in graph if cited_by.get(n)), key=lambda n: (-cited_by[n], n))[:LANDMARKS]
    positions = spread_landmarks(positions, [(n, graph.nodes[n].get("symbol") or n, cited_by[n]) for n in ranked])
    return positions, member, found, cited_by


def page_elements(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Cytoscape elements of what the page draws, with positions and only the fields the page reads, and the
    graph's largest communities."""
    positions, member, found, cited_by = placement(graph)
    nodes = []
    for node, data in graph.nodes(data=True):
        element = node_element({"id": node, **data, "cited_by": cited_by.get(node, 0),
                                "community": member.get(node, -1)})
        entry: dict[str, Any] = {"data": {k: element[k] for k in _PAGE_NODE_FIELDS if k in element}}
        if node in positions:
            x, y = positions[node]
            entry["position"] = {"x": round(x, 1), "y": round(y, 1)}
        nodes.append(entry)
    edges = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        element = edge_element({"id": key, "source_id": u, "target_id": v, **data})
        edges.append({"data": {k: element[k] for k in _PAGE_EDGE_FIELDS if k in element}})
    listed = [{"number": c.number, "size": c.size, "landmark": c.landmark} for c in found[:COMMUNITIES_LISTED]
              if c.size > 1]
    return {"nodes": nodes, "edges": edges, "communities": listed}


def render_html(graph: nx.MultiDiGraph, title: str = "vanban — citation graph", *, shown: Shown | None = None,
                doc_base: str | None = None, file_base: str | None = None, evidence_base: str | None = None,
                neighbourhood_base: str | None = None, links: list[tuple[str, str]] | None = None,
                lang: str = "vi") -> str:
    """graph.html: one self-contained page (Cytoscape.js inlined, positions precomputed, data as escaped JSON).
    `doc_base`/`file_base`/`evidence_base`/`links` are for `vanban serve`: links from the panel to document pages
    (and to the page of a citation's sentence, boxed on a scan), and a menu; `neighbourhood_base`: where the page
    loads a clicked document's citations from the store; `lang`: the language of its words (Vietnamese by default,
    English on request: pipeline/web/graph_labels.py)."""
    from ..web.graph_labels import labels  # the pages' catalogues
    types = sorted({d.get("type") or "?" for _, d in graph.nodes(data=True)})
    elements = page_elements(graph)
    payload = {
        "elements": {"nodes": elements["nodes"], "edges": elements["edges"]},
        "communities": elements["communities"],
        "types": types,
        "typeColors": type_colours(types),
        "relations": list(RELATION_COLORS),
        "relationColors": RELATION_COLORS,
        "typeNames": {t.code: t.name for t in doctypes.doc_types()},
        "docBase": doc_base,
        "fileBase": file_base,
        "evidenceBase": evidence_base,
        "neighbourhoodBase": neighbourhood_base,
        "links": links,
        "lang": lang,
        "labels": labels(lang),
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


NEIGHBOURHOOD_EDGES = 600  # citations of one document sent to the page at a time (the document page lists all)


def neighbourhood(conn: sqlite3.Connection, node_id: str, limit: int = NEIGHBOURHOOD_EDGES,
                  offset: int = 0) -> dict[str, Any] | None:
    """A document's citations both ways, read from the store, as the page's elements (for `vanban serve`'s graph
    page, which loads them when a document is clicked): `limit` of them from `offset` on (in the store's order),
    and how many there are (`total`)."""
    if conn.execute("SELECT 1 FROM nodes WHERE id = ?", (node_id,)).fetchone() is None:
        return None
    sql = ("SELECT e.*, d.source AS file FROM edges e JOIN documents d ON d.id = e.document_id "
           "WHERE e.{side} = ? ORDER BY e.id LIMIT ?")
    rows = [dict(r) for r in conn.execute(sql.format(side="target_id"), (node_id, offset + limit))]
    rows += [dict(r) for r in conn.execute(sql.format(side="source_id"), (node_id, offset + limit))
             if r["target_id"] != node_id]  # a self-citation came with the first query
    rows = sorted(rows, key=lambda r: r["id"])[offset : offset + limit]
    cited_by = conn.execute("SELECT COUNT(*) FROM edges WHERE target_id = ?", (node_id,)).fetchone()[0]
    cites = conn.execute("SELECT COUNT(*) FROM edges WHERE source_id = ? AND target_id != ?",
                         (node_id, node_id)).fetchone()[0]
    ids = sorted({node_id} | {r["source_id"] for r in rows} | {r["target_id"] for r in rows})
    nodes = []
    for chunk, marks in store.id_chunks(ids):
        counts = dict(conn.execute(f"SELECT target_id, COUNT(DISTINCT source_id) FROM edges WHERE target_id IN "
                                   f"({marks}) GROUP BY target_id", chunk).fetchall())
        for row in conn.execute(f"SELECT n.*, d.source AS file FROM nodes n LEFT JOIN documents d "
                                f"ON d.id = n.document_id WHERE n.id IN ({marks})", chunk):
            data = {k: row[k] for k in graphs.NODE_FIELDS if k in row.keys()}
            data.update(is_stub=bool(data["is_stub"]), ambiguous=bool(data["ambiguous"]),
                        candidates=json.loads(data["candidates"]) if data["candidates"] else [])
            element = node_element({"id": row["id"], **data, "cited_by": counts.get(row["id"], 0)})
            nodes.append({"data": {k: element[k] for k in _PAGE_NODE_FIELDS if k in element}})
    edges = []
    for row in rows:
        element = edge_element({**{k: row[k] for k in graphs.EDGE_FIELDS}, "id": row["id"],
                                "source_id": row["source_id"], "target_id": row["target_id"]})
        edges.append({"data": {k: element[k] for k in _PAGE_EDGE_FIELDS if k in element}})
    return {"id": node_id, "nodes": nodes, "edges": edges, "cited_by": cited_by, "cites": cites,
            "total": cited_by + cites, "offset": offset, "limit": limit,
            "complete": offset == 0 and cited_by + cites <= len(edges)}
