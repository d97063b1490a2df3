"""A Python API for notebooks: the archive as pandas DataFrames and a networkx graph.

    from pipeline.api import Archive
    archive = Archive("outputs")
    archive.cited_by("Plan 58")        # DataFrame: who cites it, relation, sentence, file
    archive.cites("819/SKHCN-BCVT&CĐS")
    archive.most_cited(10)
    archive.graph()                    # networkx.MultiDiGraph
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from . import exports
from .archive import graph as graphs, store
from .archive.query import answer

RESULT_COLUMNS = ["matched", "id", "symbol", "type", "date", "relation", "relations", "kind", "source", "page",
                  "snippet", "depth"]


class Archive:
    def __init__(self, path: str | Path = "outputs") -> None:
        self.path = Path(path)
        self.conn = store.connect(self.path, readonly=True)
        self._graph: nx.MultiDiGraph | None = None

    def _ask(self, question: str, direction: str, depth: int) -> pd.DataFrame:
        result = answer(self.conn, question, depth=depth)
        symbols = {m["id"]: m["symbol"] + (f" ({m['province']}, {m['date']})" if len(result.matches) > 1 else "")
                   for m in result.matches}
        rows = [{**r, "matched": symbols.get(r["via"], r["via"])} for r in result.results
                if r["direction"] == direction]
        return pd.DataFrame(rows, columns=RESULT_COLUMNS)

    def cited_by(self, reference: str, depth: int = 1) -> pd.DataFrame:
        """Documents that cite `reference` ("Plan 58", "58/KH-UBND", "NQ 57"), with relation, sentence and file."""
        return self._ask(reference, "cited_by", depth)

    def cites(self, reference: str, depth: int = 1) -> pd.DataFrame:
        """Documents that `reference` cites."""
        return self._ask(reference, "cites", depth)

    def matches(self, reference: str) -> pd.DataFrame:
        return pd.DataFrame(answer(self.conn, reference).matches)

    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            self._graph = graphs.build(self.conn)
        return self._graph

    def most_cited(self, limit: int = 10) -> pd.DataFrame:
        """The most-cited documents, with their PageRank in the citation graph."""
        table = exports.nodes_table(self.conn, limit)
        ranks = graphs.pagerank(self.graph())
        table["pagerank"] = [round(ranks.get(node, 0.0), 6) for node in table["id"]]
        return table

    def documents(self) -> pd.DataFrame:
        return exports.documents_table(self.conn)

    def references(self) -> pd.DataFrame:
        return exports.references_table(self.conn)

    def search(self, text: str, limit: int = 20) -> pd.DataFrame:
        return pd.DataFrame(store.search_text(self.conn, text, limit))

    def close(self) -> None:
        self.conn.close()
