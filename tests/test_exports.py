import json

import networkx as nx
import pandas as pd

from pipeline.exports import DOCUMENT_COLUMNS, ERROR_COLUMNS, REFERENCE_COLUMNS


def test_every_contract_file_is_written(demo_archive):
    for name in ("archive.sqlite", "graph.html", "graph.gexf", "graph.graphml", "graph.json", "documents.csv",
                 "references.csv", "errors.csv", "run.json", "vanban.xlsx"):
        assert (demo_archive / name).stat().st_size > 0, name


def test_gexf_and_graphml_load_back_with_attributes(demo_archive):
    for reader, name in ((nx.read_gexf, "graph.gexf"), (nx.read_graphml, "graph.graphml")):
        graph = reader(demo_archive / name)
        node = next(n for n, d in graph.nodes(data=True) if d.get("symbol") == "58/KH-UBND")
        data = graph.nodes[node]
        for key in ("symbol", "type", "date", "issuer", "province", "is_stub"):
            assert key in data, (name, key)
        edge = next(iter(graph.edges(data=True)))[2]
        for key in ("relation", "kind", "snippet", "file"):
            assert key in edge, (name, key)
        assert graph.number_of_edges() > 50


def test_cytoscape_json_is_valid_elements(demo_archive):
    data = json.loads((demo_archive / "graph.json").read_text(encoding="utf-8"))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids and e["data"]["id"] for e in edges)


def test_csv_columns_follow_the_contract(demo_archive):
    documents = pd.read_csv(demo_archive / "documents.csv")
    references = pd.read_csv(demo_archive / "references.csv")
    errors = pd.read_csv(demo_archive / "errors.csv")
    assert list(documents.columns)[:9] == DOCUMENT_COLUMNS[:9]
    assert list(references.columns)[:11] == REFERENCE_COLUMNS[:11]
    assert list(errors.columns) == ERROR_COLUMNS
    assert set(documents["status"]) == {"ok"}
    row = references[(references["citing_symbol"] == "819/SKHCN-BCVT&CĐS") & (references["cited_symbol"] ==
                                                                               "1588/QĐ-TTg")]
    assert len(row) == 1 and "1588" in row.iloc[0]["snippet"]
    # one row per (citing document, cited document, relation)
    assert not references.duplicated(["source", "citing_id", "cited_id", "relation"]).any()


def test_workbook_opens_in_pandas(demo_archive):
    sheets = pd.read_excel(demo_archive / "vanban.xlsx", sheet_name=None)
    assert {"documents in graph", "archive files", "references", "errors"} <= set(sheets)
    top = sheets["documents in graph"].iloc[0]
    assert top["symbol"] == "57-NQ/TW"


def test_graph_html_is_self_contained_and_escaped(demo_archive, tmp_path):
    html = (demo_archive / "graph.html").read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org", "") or "src=\"http" not in html
    assert "<script src" not in html and "<link" not in html
    assert "cytoscape" in html and "58/KH-UBND" in html

    from nlp.extract import extract
    from pipeline import graphpage, store
    from pipeline.ingest import store_record
    from pipeline.process import DocumentRecord

    conn = store.connect(tmp_path)
    text = "Số: 9/UBND-VP\nV/v <img src=x onerror=alert(1)></script><script>alert(2)</script>\n" \
           "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025."
    store_record(conn, DocumentRecord("x.txt", "x", 1, text, 1, extract(text), "ok"))
    page = graphpage.archive_page(conn)
    assert "<img src=x" not in page and "</script><script>alert" not in page


def test_layout_is_fast_and_spread_at_5000_nodes():
    """Positions for graph.html are precomputed: 5,000 nodes and 20,000 edges in seconds, not minutes."""
    import random
    import time

    from pipeline.layout import layout

    rng = random.Random(3)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(range(5000))
    graph.add_edges_from((rng.randrange(5000), int(rng.paretovariate(1.2)) % 5000) for _ in range(20000))
    started = time.perf_counter()
    positions = layout(graph)
    assert time.perf_counter() - started < 20  # networkx's spring_layout took 25 s here
    assert len(positions) == 5000 and len(set(positions.values())) == 5000
    xs = sorted(x for x, _ in positions.values())
    assert xs[-1] - xs[0] > 1000  # spread over the canvas, not collapsed
    assert layout(nx.MultiDiGraph()) == {} and list(layout(nx.MultiDiGraph([(1, 2)]))) == [1, 2]
