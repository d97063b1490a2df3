"""The citation graph as files for other tools — GEXF (Gephi), GraphML, Cytoscape.js JSON — streamed from the store.

Nodes and edges are read from SQLite cursors and written one at a time, so memory stays bounded whatever the size
of the archive (a networkx graph of a province's archive took 8.6 GB to write as GEXF). Every value goes through
`Sanitizer`: characters XML cannot hold (control characters an old archive may still carry, the form feed of a
page break) are replaced or dropped and counted, so that one document's odd characters never cost the others
their export.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any, Callable, Iterator, TextIO
from xml.sax.saxutils import escape, quoteattr

from nlp.text import fold_lower

# (name, type) of the attributes written for every node and edge; types as GEXF and GraphML name them
NODE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("symbol", "string"), ("number", "string"), ("type", "string"), ("type_code", "string"),
    ("issuer_code", "string"), ("issuer", "string"), ("province", "string"), ("locality", "string"),
    ("date", "string"), ("year", "integer"), ("title", "string"), ("is_stub", "boolean"), ("ambiguous", "boolean"),
    ("candidates", "string"), ("file", "string"), ("document_id", "integer"), ("cited_by", "integer"),
)
EDGE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("relation", "string"), ("kind", "string"), ("mentions", "integer"), ("confidence", "double"),
    ("snippet", "string"), ("page", "integer"), ("span_start", "integer"), ("span_end", "integer"),
    ("file", "string"), ("document_id", "integer"), ("resolved_from", "string"),
)

NODE_SQL = (
    "SELECT n.*, d.source AS file, COALESCE(c.cited_by, 0) AS cited_by FROM nodes n "
    "LEFT JOIN documents d ON d.id = n.document_id "
    "LEFT JOIN (SELECT target_id, COUNT(DISTINCT source_id) AS cited_by FROM edges GROUP BY target_id) c "
    "ON c.target_id = n.id ORDER BY n.id"
)
EDGE_SQL = "SELECT e.*, d.source AS file FROM edges e JOIN documents d ON d.id = e.document_id ORDER BY e.id"

# XML 1.0 allows tab, line feed, carriage return and everything from U+0020 but surrogates and U+FFFE/U+FFFF
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Sanitizer:
    """Makes values writable as XML text; counts what it had to drop (reported as one warning line)."""

    dropped: int = 0

    def text(self, value: Any) -> str:
        text = str(value)
        if "\f" in text:
            text = text.replace("\f", "\n")  # a page break inside a value: a line break for other tools
        cleaned, count = _NOT_XML.subn("", text)
        self.dropped += count
        return cleaned


def node_rows(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute(NODE_SQL):
        data = dict(row)
        data["is_stub"] = bool(data["is_stub"])
        data["ambiguous"] = bool(data["ambiguous"])
        data["candidates"] = json.loads(data["candidates"]) if data.get("candidates") else []
        yield data


def edge_rows(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute(EDGE_SQL):
        yield dict(row)


def _value(value: Any, kind: str) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if kind == "boolean":
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# The pairs: one edge per (citing, cited) document, its weight the mentions of all its citations, its relations
# listed; the other values are those of its first citation (SQLite takes a bare column from the MIN() row).
PAIR_SQL = (
    "SELECT e.*, d.source AS file, MIN(e.id) AS first_id, COUNT(*) AS citations, "
    "SUM(COALESCE(e.mentions, 1)) AS weight, GROUP_CONCAT(DISTINCT e.relation) AS relations "
    "FROM edges e JOIN documents d ON d.id = e.document_id GROUP BY e.source_id, e.target_id ORDER BY first_id"
)
PAIR_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("weight", "double"), ("citations", "integer"), ("relations", "string")) + EDGE_ATTRIBUTES
PLACED_ATTRIBUTES: tuple[tuple[str, str], ...] = (("community", "integer"),) + NODE_ATTRIBUTES
# graph.html's community colours (static/graph.html: COMMUNITY_COLOURS), and its colour for documents in none
COMMUNITY_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
                     "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
                     "#756bb1", "#636363", "#9c9ede", "#e7969c")
NO_COMMUNITY = "#cbd5e0"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def community_colour(number: int) -> str:
    return COMMUNITY_COLOURS[number] if 0 <= number < len(COMMUNITY_COLOURS) else NO_COMMUNITY


def pair_rows(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute(PAIR_SQL):
        data = dict(row)
        data["id"] = data.pop("first_id")
        data["relations"] = ",".join(sorted(set((data["relations"] or "").split(",")) - {""}))
        yield data


@dataclass(frozen=True)
class Placement:
    """Each node's place and colour, as graph.html draws it (its layout and communities); `label` tells apart
    the documents that share a number and symbol (`58/KH-UBND (Hà Nội)`, `58/KH-UBND (Huế)`)."""

    positions: dict[str, tuple[float, float]]
    community: dict[str, int]
    shared_symbols: frozenset[str]

    @staticmethod
    def unplaced(conn: sqlite3.Connection) -> "Placement":
        """No layout (graph_html.archive_placement gives graph.html's): every node at the origin, no community."""
        shared = frozenset(r[0] for r in conn.execute(
            "SELECT symbol FROM nodes WHERE symbol IS NOT NULL GROUP BY symbol HAVING COUNT(*) > 1"))
        return Placement({}, {}, shared)

    def label(self, data: dict[str, Any]) -> str:
        symbol = data.get("symbol")
        if not symbol:
            return str(data["id"])
        if symbol not in self.shared_symbols:
            return symbol
        tell = [str(v) for v in (data.get("province") or data.get("issuer"), data.get("year")) if v]
        return f"{symbol} ({', '.join(tell)})" if tell else f"{symbol} ({data['id']})"


def write_gexf(conn: sqlite3.Connection, out: TextIO, clean: Sanitizer, place: Placement | None = None
               ) -> None:
    """GEXF 1.2 for Gephi: positions and colours (viz), dates on the timeline (`start`, for full dates), one
    edge per pair with its weight."""
    from .graph_layout import node_size

    q = lambda value: quoteattr(clean.text(value))  # noqa: E731
    place = place or Placement.unplaced(conn)
    out.write("<?xml version='1.0' encoding='utf-8'?>\n"
              '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:viz="http://www.gexf.net/1.2draft/viz" '
              'version="1.2">\n'
              f'  <meta lastmodifieddate="{dt.date.today().isoformat()}"><creator>vanban</creator></meta>\n'
              '  <graph defaultedgetype="directed" mode="dynamic" timeformat="date">\n')
    for cls, attributes in (("node", PLACED_ATTRIBUTES), ("edge", PAIR_ATTRIBUTES)):
        out.write(f'    <attributes class="{cls}" mode="static">\n')
        for k, (name, kind) in enumerate(attributes):
            out.write(f'      <attribute id="{k}" title="{name}" type="{kind}" />\n')
        out.write("    </attributes>\n")

    def attvalues(data: dict[str, Any], attributes: tuple[tuple[str, str], ...]) -> str:
        values = [(k, _value(data.get(name), kind)) for k, (name, kind) in enumerate(attributes)]
        inner = "".join(f'<attvalue for="{k}" value={q(v)} />' for k, v in values if v is not None)
        return f"<attvalues>{inner}</attvalues>" if inner else ""

    out.write("    <nodes>\n")
    for data in node_rows(conn):
        data["community"] = place.community.get(data["id"], -1)
        x, y = place.positions.get(data["id"], (0.0, 0.0))
        r, g, b = (int(community_colour(data["community"])[i:i + 2], 16) for i in (1, 3, 5))
        date = data.get("date") or ""
        start = f' start="{date}"' if _ISO_DATE.fullmatch(date) else ""
        out.write(f'      <node id={q(data["id"])} label={q(place.label(data))}{start}>'
                  f"{attvalues(data, PLACED_ATTRIBUTES)}"
                  f'<viz:position x="{x:.1f}" y="{-y:.1f}" z="0.0" /><viz:color r="{r}" g="{g}" b="{b}" />'
                  f'<viz:size value="{node_size(data.get("cited_by") or 0) / 2:.1f}" /></node>\n')
    out.write("    </nodes>\n    <edges>\n")
    for data in pair_rows(conn):
        out.write(f'      <edge id="{data["id"]}" source={q(data["source_id"])} target={q(data["target_id"])} '
                  f'weight="{float(data["weight"])}">{attvalues(data, PAIR_ATTRIBUTES)}</edge>\n')
    out.write("    </edges>\n  </graph>\n</gexf>\n")


_GRAPHML_TYPES = {"string": "string", "integer": "long", "double": "double", "boolean": "boolean"}
_GRAPHML_PLACE = (("name", "string"), ("x", "double"), ("y", "double"), ("color", "string"))


def write_graphml(conn: sqlite3.Connection, out: TextIO, clean: Sanitizer, place: Placement | None = None
                  ) -> None:
    """GraphML for Cytoscape and yEd: `name` (what Cytoscape shows), x, y and colour as graph.html draws them,
    one edge per pair with its weight."""
    q = lambda value: quoteattr(clean.text(value))  # noqa: E731
    place = place or Placement.unplaced(conn)
    out.write("<?xml version='1.0' encoding='utf-8'?>\n"
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
              'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    out.write('  <key id="label" for="node" attr.name="label" attr.type="string" />\n')
    for name, kind in _GRAPHML_PLACE:
        out.write(f'  <key id="{name}" for="node" attr.name="{name}" attr.type="{kind}" />\n')
    for cls, prefix, attributes in (("node", "n", PLACED_ATTRIBUTES), ("edge", "e", PAIR_ATTRIBUTES)):
        for k, (name, kind) in enumerate(attributes):
            out.write(f'  <key id="{prefix}{k}" for="{cls}" attr.name="{name}" attr.type="{_GRAPHML_TYPES[kind]}" />\n')
    out.write('  <graph edgedefault="directed">\n')

    def datas(data: dict[str, Any], prefix: str, attributes: tuple[tuple[str, str], ...]) -> str:
        values = [(k, _value(data.get(name), kind)) for k, (name, kind) in enumerate(attributes)]
        return "".join(f'<data key="{prefix}{k}">{escape(clean.text(v))}</data>' for k, v in values if v is not None)

    for data in node_rows(conn):
        data["community"] = place.community.get(data["id"], -1)
        label = escape(clean.text(place.label(data)))
        x, y = place.positions.get(data["id"], (0.0, 0.0))
        out.write(f'    <node id={q(data["id"])}><data key="label">{label}</data><data key="name">{label}</data>'
                  f'<data key="x">{x:.1f}</data><data key="y">{y:.1f}</data>'
                  f'<data key="color">{community_colour(data["community"])}</data>'
                  f"{datas(data, 'n', PLACED_ATTRIBUTES)}</node>\n")
    for data in pair_rows(conn):
        out.write(f'    <edge id="e{data["id"]}" source={q(data["source_id"])} target={q(data["target_id"])}>'
                  f"{datas(data, 'e', PAIR_ATTRIBUTES)}</edge>\n")
    out.write("  </graph>\n</graphml>\n")


def node_element(data: dict[str, Any]) -> dict[str, Any]:
    """A node as Cytoscape.js data: every attribute that has a value, its label and a folded search key."""
    search = fold_lower(" ".join(str(data.get(k) or "") for k in ("symbol", "type", "title", "issuer")))
    element = {"id": data["id"], "label": data.get("symbol") or data["id"], "cited_by": data.get("cited_by", 0),
               "search": search}
    element.update({k: v for k, v in data.items() if k != "id" and v not in (None, "", [])})
    return element


def edge_element(data: dict[str, Any]) -> dict[str, Any]:
    element = {"id": f"e{data['id']}", "source": data["source_id"], "target": data["target_id"]}
    element.update({k: v for k, v in data.items() if k not in {"id", "source_id", "target_id"} and v is not None})
    return element


def write_cytoscape(conn: sqlite3.Connection, out: TextIO, clean: Sanitizer) -> None:
    """`{"elements": {"nodes": [{"data": …}], "edges": [{"data": …}]}}`, one element per line."""

    def dump(element: dict[str, Any]) -> str:
        text = json.dumps({"data": element}, ensure_ascii=False, separators=(",", ":"))
        return clean.text(text) if "\f" in text else text  # JSON escapes control characters itself

    _write_list(out, '{"elements":{"nodes":[\n', (dump(node_element(d)) for d in node_rows(conn)))
    _write_list(out, '],\n"edges":[\n', (dump(edge_element(d)) for d in edge_rows(conn)))
    out.write("]}}\n")


def _write_list(out: TextIO, opening: str, items: Iterator[str]) -> None:
    out.write(opening)
    first = True
    for item in items:
        out.write(item if first else ",\n" + item)
        first = False
    if not first:
        out.write("\n")


WRITERS: dict[str, Callable[..., None]] = {
    "gexf": write_gexf, "graphml": write_graphml, "json": write_cytoscape,
}
