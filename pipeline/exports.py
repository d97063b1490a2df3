"""Exports analysts open: GEXF (Gephi), GraphML, Cytoscape.js JSON, CSV tables, an Excel workbook, graph.html."""

from __future__ import annotations

import csv
import json
import math
import re
import sqlite3
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from nlp import doctypes
from nlp.text import fold_lower

from . import graph as graphs

DOCUMENT_COLUMNS = ["source", "id", "symbol", "type", "date", "issuer", "subject", "pages", "status", "date_partial",
                    "place", "province", "error"]
REFERENCE_COLUMNS = ["source", "citing_id", "citing_symbol", "cited_id", "cited_symbol", "cited_type", "cited_date",
                     "relation", "mentions", "confidence", "snippet", "kind", "page"]
ERROR_COLUMNS = ["source", "stage", "error"]


def _flat(value: Any) -> Any:
    """networkx's GEXF/GraphML writers take str, int, float and bool only."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes the GEXF/GraphML writers accept: no None (the attribute is left out, since a
    typed column cannot hold an empty string), lists and dicts as JSON strings."""
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        attrs = {k: _flat(v) for k, v in data.items() if v is not None}
        attrs["label"] = data.get("symbol") or node
        out.add_node(node, **attrs)
    for u, v, key, data in graph.edges(keys=True, data=True):
        out.add_edge(u, v, key=str(key), **{k: _flat(val) for k, val in data.items() if val is not None})
    return out


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    nx.write_gexf(flat_graph(graph), path)


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    nx.write_graphml(flat_graph(graph), path)


def cytoscape_elements(graph: nx.MultiDiGraph, positions: dict[str, tuple[float, float]] | None = None,
                       ) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape.js elements: `{"nodes": [{"data": ...}], "edges": [{"data": ...}]}`."""
    cited_by = dict(graphs.citing_graph(graph).in_degree())
    nodes = []
    for node, data in graph.nodes(data=True):
        element: dict[str, Any] = {"data": {"id": node, "label": data.get("symbol") or node, "cited_by": cited_by.get(
            node, 0), "search": fold_lower(" ".join(str(data.get(k) or "") for k in ("symbol", "type", "title",
                                                                                      "issuer"))),
            **{k: v for k, v in data.items() if v not in (None, "", [])}}}
        if positions and node in positions:
            x, y = positions[node]
            element["position"] = {"x": round(x, 1), "y": round(y, 1)}
        nodes.append(element)
    edges = [
        {"data": {"id": f"e{key}", **{k: val for k, val in data.items() if val is not None}, "source": u, "target": v}}
        for u, v, key, data in graph.edges(keys=True, data=True)
    ]
    return {"nodes": nodes, "edges": edges}


def layout(graph: nx.MultiDiGraph, iterations: int | None = None) -> dict[str, tuple[float, float]]:
    """Positions computed once in Python, so that the page opens instantly even with thousands of nodes.

    A ForceAtlas2-like model (edges pull linearly, nodes repel in proportion to their degrees, gravity keeps
    components together) whose repulsion is approximated on a quadtree of grids (exact between neighbouring cells,
    through cell centres of mass further away): 1.7 s for 5,000 nodes and 20,000 edges on one core, where
    networkx's spring_layout took 25 s with 25 iterations.
    """
    nodes = list(graph.nodes())
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in graph.edges() if u != v}
    edges = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    if iterations is None:
        iterations = 150 if len(nodes) <= 1000 else 60
    pos = _force_layout(len(nodes), edges, iterations)
    pos = _pull_in_outliers(pos)
    radius = float(np.percentile(np.hypot(pos[:, 0], pos[:, 1]), 98)) or 1.0
    pos *= 120 * math.sqrt(len(nodes)) / radius
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, pos)}


# The 36 cells under a cell's parent and the parent's eight neighbours, as offsets from 2 * parent.
_CHILDREN = np.array([(2 * px + cx, 2 * py + cy) for px in (-1, 0, 1) for py in (-1, 0, 1) for cx in (0, 1)
                      for cy in (0, 1)])
_NEIGHBOURS = np.array([(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)])


def _force_layout(n: int, edges: np.ndarray, iterations: int, seed: int = 7) -> np.ndarray:
    mass = 1.0 + np.bincount(edges.ravel(), minlength=n)
    levels = min(9, max(2, int(math.log(max(n, 4), 4)) + 1))
    pos = np.random.default_rng(seed).uniform(-1, 1, (n, 2)) * math.sqrt(n) * 4
    step, gravity = math.sqrt(n), 1.0 / math.sqrt(n)
    far = np.zeros((n, 2))
    for iteration in range(iterations):
        unit = _unit_square(pos)
        if iteration % 2 == 0:  # the far field changes slowly: every other step is enough
            far = sum((_far_field(pos, mass, unit, level) for level in range(2, levels + 1)), np.zeros((n, 2)))
        force = far + _near_field(pos, mass, unit, levels) - gravity * mass[:, None] * pos
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            force -= _scatter(edges[:, 0], delta, n) - _scatter(edges[:, 1], delta, n)
        move = force / mass[:, None]
        length = np.maximum(np.hypot(move[:, 0], move[:, 1]), 1e-9)
        pos += move * (np.minimum(length, step) / length)[:, None]
        step = max(step * 0.95, 0.5)
    return pos - pos.mean(0)


def _unit_square(pos: np.ndarray) -> np.ndarray:
    low = pos.min(0)
    span = max(float((pos.max(0) - low).max()), 1e-6) * (1 + 1e-9)
    return (pos - low) / span


def _scatter(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    return np.stack([np.bincount(index, values[:, 0], n), np.bincount(index, values[:, 1], n)], 1)


def _cells(unit: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = 1 << level
    cell = np.minimum((unit * size).astype(np.int64), size - 1)
    return cell[:, 0], cell[:, 1], cell[:, 0] * size + cell[:, 1]


def _expand(groups: np.ndarray, counts: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Item i belongs to list groups[i]; lists are stored back to back in `values` with lengths `counts`.
    Returns (item, value) for every entry of every item's list."""
    per_item = counts[groups]
    item = np.repeat(np.arange(len(groups)), per_item)
    offset = np.arange(int(per_item.sum())) - np.repeat(np.cumsum(per_item) - per_item, per_item)
    starts = np.cumsum(counts) - counts
    return item, values[np.repeat(starts[groups], per_item) + offset]


def _far_field(pos: np.ndarray, mass: np.ndarray, unit: np.ndarray, level: int) -> np.ndarray:
    """Repulsion from the cells of this level that are not adjacent but whose parents are (a quadtree's
    interaction list), through their centres of mass."""
    size = 1 << level
    cx, cy, cid = _cells(unit, level)
    cell_mass = np.bincount(cid, mass, size * size)
    sum_x = np.bincount(cid, pos[:, 0] * mass, size * size)
    sum_y = np.bincount(cid, pos[:, 1] * mass, size * size)
    used, inverse = np.unique(cid, return_inverse=True)
    ux, uy = used // size, used % size
    ox = (ux // 2 * 2)[:, None] + _CHILDREN[None, :, 0]
    oy = (uy // 2 * 2)[:, None] + _CHILDREN[None, :, 1]
    valid = ((ox >= 0) & (ox < size) & (oy >= 0) & (oy < size)
             & ((np.abs(ox - ux[:, None]) > 1) | (np.abs(oy - uy[:, None]) > 1)))
    other_id = np.where(valid, ox * size + oy, 0)
    valid &= cell_mass[other_id] > 0
    node, other = _expand(inverse.ravel(), valid.sum(1), other_id[valid])
    m = cell_mass[other]
    dx = pos[node, 0] - sum_x[other] / m
    dy = pos[node, 1] - sum_y[other] / m
    weight = m * mass[node] / np.maximum(dx * dx + dy * dy, 1e-2)
    return np.stack([np.bincount(node, weight * dx, len(pos)), np.bincount(node, weight * dy, len(pos))], 1)


def _near_field(pos: np.ndarray, mass: np.ndarray, unit: np.ndarray, level: int) -> np.ndarray:
    """Exact repulsion between nodes in the same or adjacent cells of the finest level."""
    n, size = len(pos), 1 << level
    cx, cy, cid = _cells(unit, level)
    order = np.argsort(cid, kind="stable")
    sorted_id = cid[order]
    force = np.zeros((n, 2))
    for dx, dy in _NEIGHBOURS:
        ox, oy = cx + dx, cy + dy
        inside = (ox >= 0) & (ox < size) & (oy >= 0) & (oy < size)
        other_id = ox * size + oy
        start = np.searchsorted(sorted_id, other_id, "left")
        count = np.where(inside, np.searchsorted(sorted_id, other_id, "right") - start, 0)
        i = np.repeat(np.arange(n), count)
        j = order[np.repeat(start, count) + np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count)]
        keep = i != j
        i, j = i[keep], j[keep]
        delta = pos[i] - pos[j]
        weight = mass[i] * mass[j] / np.maximum((delta ** 2).sum(1), 1e-2)
        force += _scatter(i, delta * weight[:, None], n)
    return force


def _pull_in_outliers(pos: np.ndarray) -> np.ndarray:
    """Unconnected nodes are pushed far out by the repulsion; bring them to a ring just outside the rest."""
    radius = np.hypot(pos[:, 0], pos[:, 1])
    if len(pos) < 10:
        return pos
    cap = 1.15 * float(np.percentile(radius, 95))
    far = radius > cap
    if cap > 0 and far.any():
        target = cap + (radius[far] - cap) * 0.05
        pos = pos.copy()
        pos[far] *= (target / radius[far])[:, None]
    return pos


def write_cytoscape(graph: nx.MultiDiGraph, path: Path) -> None:
    path.write_text(json.dumps({"elements": cytoscape_elements(graph)}, ensure_ascii=False, indent=1),
                    encoding="utf-8")


def _script_json(data: Any) -> str:
    """JSON that is safe inside <script>: no '</script>', no HTML comment openers, no U+2028/2029 surprises."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173")
RELATION_COLORS = {"based_on": "#2b6cb0", "implements": "#2f855a", "responds_to": "#b7791f", "attached_to": "#718096",
                   "replaces": "#c53030", "amends": "#dd6b20", "repeals": "#9b2c2c", "cites": "#a0aec0"}
_PLACEHOLDER = re.compile(r"\{\{TITLE\}\}|/\*\{\{STYLE\}\}\*/|/\*\{\{CYTOSCAPE\}\}\*/|\{\{DATA\}\}")


def static_text(*parts: str) -> str:
    return resources.files("pipeline").joinpath("static", *parts).read_text(encoding="utf-8")


def stylesheet() -> str:
    """The look shared by graph.html and `vanban serve`: static/vanban.css plus one rule per relation colour."""
    rules = "".join(f".rel-{name} {{ border-left-color: {colour}; }}\n"
                    f"a.ref.rel-{name} {{ border-bottom-color: {colour}; }}\n" for name, colour in RELATION_COLORS.items())
    return static_text("vanban.css") + rules


def type_colours(types: list[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(types)}


def render_html(graph: nx.MultiDiGraph, title: str = "vanban — citation graph", *, doc_base: str | None = None,
                file_base: str | None = None, links: list[tuple[str, str]] | None = None) -> str:
    """graph.html: one self-contained page (Cytoscape.js inlined, positions precomputed, data as escaped JSON).
    `doc_base`/`file_base`/`links` are for `vanban serve`: links from the panel to document pages, and a menu."""
    types = sorted({d.get("type") or "?" for _, d in graph.nodes(data=True)})
    payload = {
        "elements": _page_elements(cytoscape_elements(graph, layout(graph))),
        "types": types,
        "typeColors": type_colours(types),
        "relations": list(RELATION_COLORS),
        "relationColors": RELATION_COLORS,
        "typeNames": {t.code: t.name for t in doctypes.doc_types()},
        "docBase": doc_base,
        "fileBase": file_base,
        "links": links,
    }
    values = {
        "{{TITLE}}": _html_escape(title),
        "/*{{STYLE}}*/": stylesheet().replace("</", "<\\/"),
        "/*{{CYTOSCAPE}}*/": static_text("vendor", "cytoscape.min.js").replace("</script", "<\\/script"),
        "{{DATA}}": _script_json(payload),
    }
    # one pass, so that nothing inserted (a title, the library, the data) is read again as a placeholder
    return _PLACEHOLDER.sub(lambda m: values[m.group(0)], static_text("graph.html"))


# What graph.html reads of each element (graph.json keeps everything): a smaller page opens faster.
_PAGE_NODE_FIELDS = ("id", "label", "cited_by", "symbol", "number", "type", "type_code", "issuer", "province",
                     "locality", "date", "year", "title", "file", "is_stub", "ambiguous", "candidates")
_PAGE_EDGE_FIELDS = ("id", "source", "target", "relation", "kind", "snippet", "file", "page")


def _page_elements(elements: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    def keep(element: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        return {**element, "data": {k: element["data"][k] for k in fields if k in element["data"]}}

    return {"nodes": [keep(n, _PAGE_NODE_FIELDS) for n in elements["nodes"]],
            "edges": [keep(e, _PAGE_EDGE_FIELDS) for e in elements["edges"]]}


def _html_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;"))


def write_html(graph: nx.MultiDiGraph, path: Path) -> None:
    path.write_text(render_html(graph), encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# Tables


def documents_table(conn: sqlite3.Connection) -> pd.DataFrame:
    rows = conn.execute(
        "SELECT source, node_id AS id, symbol, type, date, issuer, subject, pages, status, date_partial, place, "
        "province, error FROM documents ORDER BY source"
    ).fetchall()
    return pd.DataFrame([dict(r) for r in rows], columns=DOCUMENT_COLUMNS)


def references_table(conn: sqlite3.Connection) -> pd.DataFrame:
    rows = conn.execute(
        "SELECT d.source, e.source_id AS citing_id, s.symbol AS citing_symbol, e.target_id AS cited_id, "
        "t.symbol AS cited_symbol, t.type AS cited_type, t.date AS cited_date, e.relation, e.mentions, "
        "e.confidence, e.snippet, e.kind, e.page "
        "FROM edges e JOIN documents d ON d.id = e.document_id JOIN nodes s ON s.id = e.source_id "
        "JOIN nodes t ON t.id = e.target_id ORDER BY d.source, e.kind, e.span_start"
    ).fetchall()
    return pd.DataFrame([dict(r) for r in rows], columns=REFERENCE_COLUMNS)


def errors_table(conn: sqlite3.Connection) -> pd.DataFrame:
    rows = conn.execute("SELECT source, stage, error FROM documents WHERE status = 'failed' ORDER BY source")
    return pd.DataFrame([dict(r) for r in rows], columns=ERROR_COLUMNS)


def nodes_table(conn: sqlite3.Connection, graph: nx.MultiDiGraph) -> pd.DataFrame:
    ranks = graphs.pagerank(graph)
    cited_by = dict(graphs.citing_graph(graph).in_degree())
    rows = []
    for node, data in graph.nodes(data=True):
        rows.append({"id": node, "symbol": data.get("symbol"), "type": data.get("type"), "date": data.get("date"),
                     "issuer": data.get("issuer"), "province": data.get("province"), "title": data.get("title"),
                     "stub": data.get("is_stub"), "ambiguous": data.get("ambiguous"),
                     "cited_by": cited_by.get(node, 0), "pagerank": round(ranks.get(node, 0.0), 6),
                     "file": data.get("file")})
    frame = pd.DataFrame(rows)
    return frame.sort_values(["cited_by", "pagerank"], ascending=False) if not frame.empty else frame


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", quoting=csv.QUOTE_MINIMAL)


def write_workbook(conn: sqlite3.Connection, graph: nx.MultiDiGraph, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        nodes_table(conn, graph).to_excel(writer, sheet_name="documents in graph", index=False)
        documents_table(conn).to_excel(writer, sheet_name="archive files", index=False)
        references_table(conn).to_excel(writer, sheet_name="references", index=False)
        errors_table(conn).to_excel(writer, sheet_name="errors", index=False)


def export_all(conn: sqlite3.Connection, out: Path) -> dict[str, str]:
    """Every file the contract lists, from the store; returns {name: path}."""
    out.mkdir(parents=True, exist_ok=True)
    graph = graphs.build(conn)
    written: dict[str, str] = {}

    def done(name: str, path: Path) -> None:
        written[name] = str(path)

    write_gexf(graph, out / "graph.gexf")
    done("gexf", out / "graph.gexf")
    write_graphml(graph, out / "graph.graphml")
    done("graphml", out / "graph.graphml")
    write_cytoscape(graph, out / "graph.json")
    done("json", out / "graph.json")
    write_html(graph, out / "graph.html")
    done("html", out / "graph.html")
    write_csv(documents_table(conn), out / "documents.csv")
    done("documents", out / "documents.csv")
    write_csv(references_table(conn), out / "references.csv")
    done("references", out / "references.csv")
    write_csv(errors_table(conn), out / "errors.csv")
    done("errors", out / "errors.csv")
    write_workbook(conn, graph, out / "vanban.xlsx")
    done("workbook", out / "vanban.xlsx")
    return written


def export_one(conn: sqlite3.Connection, fmt: str, path: Path) -> None:
    graph = graphs.build(conn)
    writers = {"gexf": write_gexf, "graphml": write_graphml, "json": write_cytoscape, "html": write_html}
    writers[fmt](graph, path)

