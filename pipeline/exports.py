"""Exports analysts open: GEXF (Gephi), GraphML, Cytoscape.js JSON, CSV tables, an Excel workbook, graph.html."""

from __future__ import annotations

import csv
import json
import math
import sqlite3
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import networkx as nx
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


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions computed once in Python, so that the page opens instantly even with thousands of nodes."""
    if graph.number_of_nodes() == 0:
        return {}
    simple = nx.Graph(graphs.citing_graph(graph))
    scale = 120 * math.sqrt(graph.number_of_nodes())
    iterations = 50 if graph.number_of_nodes() <= 2000 else 25
    return {n: (float(x), float(y)) for n, (x, y) in
            nx.spring_layout(simple, seed=7, scale=scale, iterations=iterations).items()}


def write_cytoscape(graph: nx.MultiDiGraph, path: Path) -> None:
    path.write_text(json.dumps({"elements": cytoscape_elements(graph)}, ensure_ascii=False, indent=1),
                    encoding="utf-8")


def _script_json(data: Any) -> str:
    """JSON that is safe inside <script>: no '</script>', no HTML comment openers, no U+2028/2029 surprises."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_html(graph: nx.MultiDiGraph, title: str = "vanban — citation graph") -> str:
    static = resources.files("pipeline").joinpath("static")
    template = static.joinpath("graph.html").read_text(encoding="utf-8")
    library = static.joinpath("vendor", "cytoscape.min.js").read_text(encoding="utf-8")
    types = sorted({d.get("type") or "?" for _, d in graph.nodes(data=True)})
    payload = {
        "elements": cytoscape_elements(graph, layout(graph)),
        "types": types,
        "relations": list(("based_on", "implements", "responds_to", "attached_to", "replaces", "amends", "repeals",
                           "cites")),
        "typeNames": {t.code: t.name for t in doctypes.doc_types()},
    }
    return (template.replace("{{TITLE}}", _html_escape(title))
            .replace("/*{{CYTOSCAPE}}*/", library.replace("</script", "<\\/script"))
            .replace("{{DATA}}", _script_json(payload)))


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


def iter_rows(frame: pd.DataFrame) -> Iterable[dict[str, Any]]:
    return frame.to_dict(orient="records")
