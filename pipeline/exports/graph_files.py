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


def write_gexf(conn: sqlite3.Connection, out: TextIO, clean: Sanitizer) -> None:
    q = lambda value: quoteattr(clean.text(value))  # noqa: E731
    out.write("<?xml version='1.0' encoding='utf-8'?>\n"
              '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
              f'  <meta lastmodifieddate="{dt.date.today().isoformat()}"><creator>vanban</creator></meta>\n'
              '  <graph defaultedgetype="directed" mode="static">\n')
    for cls, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
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
        out.write(f'      <node id={q(data["id"])} label={q(data.get("symbol") or data["id"])}>'
                  f"{attvalues(data, NODE_ATTRIBUTES)}</node>\n")
    out.write("    </nodes>\n    <edges>\n")
    for data in edge_rows(conn):
        out.write(f'      <edge id="{data["id"]}" source={q(data["source_id"])} target={q(data["target_id"])}>'
                  f"{attvalues(data, EDGE_ATTRIBUTES)}</edge>\n")
    out.write("    </edges>\n  </graph>\n</gexf>\n")


_GRAPHML_TYPES = {"string": "string", "integer": "long", "double": "double", "boolean": "boolean"}


def write_graphml(conn: sqlite3.Connection, out: TextIO, clean: Sanitizer) -> None:
    q = lambda value: quoteattr(clean.text(value))  # noqa: E731
    out.write("<?xml version='1.0' encoding='utf-8'?>\n"
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
              'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    out.write('  <key id="label" for="node" attr.name="label" attr.type="string" />\n')
    for cls, prefix, attributes in (("node", "n", NODE_ATTRIBUTES), ("edge", "e", EDGE_ATTRIBUTES)):
        for k, (name, kind) in enumerate(attributes):
            out.write(f'  <key id="{prefix}{k}" for="{cls}" attr.name="{name}" attr.type="{_GRAPHML_TYPES[kind]}" />\n')
    out.write('  <graph edgedefault="directed">\n')

    def datas(data: dict[str, Any], prefix: str, attributes: tuple[tuple[str, str], ...]) -> str:
        values = [(k, _value(data.get(name), kind)) for k, (name, kind) in enumerate(attributes)]
        return "".join(f'<data key="{prefix}{k}">{escape(clean.text(v))}</data>' for k, v in values if v is not None)

    for data in node_rows(conn):
        label = escape(clean.text(data.get("symbol") or data["id"]))
        out.write(f'    <node id={q(data["id"])}><data key="label">{label}</data>'
                  f"{datas(data, 'n', NODE_ATTRIBUTES)}</node>\n")
    for data in edge_rows(conn):
        out.write(f'    <edge id="e{data["id"]}" source={q(data["source_id"])} target={q(data["target_id"])}>'
                  f"{datas(data, 'e', EDGE_ATTRIBUTES)}</edge>\n")
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


WRITERS: dict[str, Callable[[sqlite3.Connection, TextIO, Sanitizer], None]] = {
    "gexf": write_gexf, "graphml": write_graphml, "json": write_cytoscape,
}
