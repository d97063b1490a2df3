import json

import networkx as nx
import pandas as pd
import pytest

from pipeline.exports import DOCUMENT_COLUMNS, ERROR_COLUMNS, REFERENCE_COLUMNS


def test_every_contract_file_is_written(demo_archive):
    for name in ("archive.sqlite", "graph.html", "graph.gexf", "graph.graphml", "graph.json", "documents.csv",
                 "references.csv", "errors.csv", "run.json", "vanban.xlsx", "texts.jsonl"):
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


def test_csvs_begin_with_a_bom_unless_plain(demo_archive, tmp_path):
    from pipeline import exports
    from pipeline.archive import store

    for name in ("documents.csv", "references.csv", "errors.csv"):
        assert (demo_archive / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    documents = pd.read_csv(demo_archive / "documents.csv", encoding="utf-8-sig")
    assert list(documents.columns)[0] == "source"
    conn = store.connect(demo_archive, readonly=True)
    report = exports.export_all(conn, tmp_path, ["documents"], exports.ExportOptions(bom=False))
    assert not report.failed
    plain = (tmp_path / "documents.csv").read_bytes()
    assert plain.startswith(b"source,") and plain == (demo_archive / "documents.csv").read_bytes()[3:]


def test_workbook_has_dates_widths_frozen_filtered_header_and_links(demo_archive):
    import datetime as dt

    import openpyxl

    book = openpyxl.load_workbook(demo_archive / "vanban.xlsx")
    for sheet in book.worksheets[:-1]:  # the tables, not "about"
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    nodes = book["documents in graph"]
    header = [c.value for c in nodes[1]]
    dates = [row[header.index("date")] for row in nodes.iter_rows(min_row=2, values_only=True)]
    assert any(isinstance(d, dt.datetime) for d in dates)
    assert all(d is None or isinstance(d, dt.datetime) or len(d) < 10 for d in dates)  # partial dates stay text
    assert nodes.column_dimensions["B"].width > nodes.column_dimensions["A"].width or \
        nodes.column_dimensions["G"].width > 20  # the title column is wider than a default one
    files = book["archive files"]
    link = files["A2"].hyperlink
    assert link is not None and link.target.startswith("file://") and link.target.endswith(files["A2"].value)
    frame = pd.read_excel(demo_archive / "vanban.xlsx", sheet_name="references")
    assert pd.api.types.is_datetime64_any_dtype(frame["cited_date"]) or frame["cited_date"].map(
        lambda v: isinstance(v, dt.datetime) or pd.isna(v) or len(str(v)) < 10).all()


def test_workbook_speaks_vietnamese_from_the_cli(demo_archive, tmp_path):
    import openpyxl
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["export", "--db", str(demo_archive), "--out", str(tmp_path / "vi")],
                                env={"LANG": "vi_VN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""})
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "vi" / "vanban.xlsx", read_only=True)
    assert book.sheetnames[:3] == ["Văn bản trong đồ thị", "Tệp trong kho", "Trích dẫn"]
    header = next(book["Văn bản trong đồ thị"].iter_rows(max_row=1, values_only=True))
    assert "số ký hiệu" in header and "ngày ban hành" in header
    result = CliRunner().invoke(app, ["export", "--db", str(demo_archive), "--out", str(tmp_path / "en"),
                                      "--lang", "en", "--csv-plain"])
    assert result.exit_code == 0, result.output
    assert "documents in graph" in openpyxl.load_workbook(tmp_path / "en" / "vanban.xlsx", read_only=True).sheetnames
    assert (tmp_path / "en" / "documents.csv").read_bytes().startswith(b"source,")


def test_graph_files_have_one_weighted_edge_per_pair_positions_colours_and_dates(demo_archive, demo_conn):
    pairs = demo_conn.execute("SELECT COUNT(*) FROM (SELECT DISTINCT source_id, target_id FROM edges)").fetchone()[0]
    citations = demo_conn.execute("SELECT COUNT(*) FROM edges").fetchone()[0]
    assert pairs < citations  # the demo has pairs cited under more than one relation
    gexf = nx.read_gexf(demo_archive / "graph.gexf")
    graphml = nx.read_graphml(demo_archive / "graph.graphml")
    for graph in (gexf, graphml):
        assert not graph.is_multigraph() and graph.number_of_edges() == pairs
        assert sum(d["weight"] for _, _, d in graph.edges(data=True)) >= citations
        several = [d for _, _, d in graph.edges(data=True) if "," in d["relations"]]
        assert several and all(d["citations"] >= 2 for d in several)
    assert all("position" in d["viz"] and "color" in d["viz"] for _, d in gexf.nodes(data=True))
    assert len({(d["viz"]["position"]["x"], d["viz"]["position"]["y"]) for _, d in gexf.nodes(data=True)}) == \
        gexf.number_of_nodes()
    dated = [d for _, d in gexf.nodes(data=True) if len(d.get("date", "")) == 10]
    assert dated and all(d["start"] == d["date"] for d in dated)
    # the same layout and communities as graph.html
    from pipeline.exports import graph_html

    positions, member, _, _ = graph_html.placement(graph_html.overview(demo_conn)[0])
    node, (x, y) = next(iter(positions.items()))
    assert (gexf.nodes[node]["viz"]["position"]["x"], -gexf.nodes[node]["viz"]["position"]["y"]) == \
        (round(x, 1), round(y, 1))
    assert (graphml.nodes[node]["x"], graphml.nodes[node]["y"]) == (round(x, 1), round(y, 1))
    assert gexf.nodes[node]["community"] == member.get(node, -1)
    assert len({d["color"] for _, d in graphml.nodes(data=True)}) > 1
    # two documents numbered 58/KH-UBND are told apart, and Cytoscape's `name` is the label
    shared = sorted(d["label"] for _, d in gexf.nodes(data=True) if d.get("symbol") == "58/KH-UBND")
    assert len(shared) == 2 and len(set(shared)) == 2 and all("(" in label for label in shared)
    assert all(d["name"] == d["label"] for _, d in graphml.nodes(data=True))


def test_graph_html_is_self_contained_and_escaped(demo_archive, tmp_path):
    html = (demo_archive / "graph.html").read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org", "") or "src=\"http" not in html
    assert "<script src" not in html and "<link" not in html
    assert "cytoscape" in html and "58/KH-UBND" in html

    from nlp.extract import extract
    from pipeline.exports import graph_html
    from pipeline.archive import store
    from pipeline.archive.ingest import store_record
    from pipeline.process import DocumentRecord

    conn = store.connect(tmp_path)
    text = "Số: 9/UBND-VP\nV/v <img src=x onerror=alert(1)></script><script>alert(2)</script>\n" \
           "Thực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025."
    store_record(conn, DocumentRecord("x.txt", "x", 1, text, 1, extract(text), "ok"))
    page = graph_html.archive_page(conn)
    assert "<img src=x" not in page and "</script><script>alert" not in page


def test_layout_is_fast_and_spread_at_5000_nodes():
    """Positions for graph.html are precomputed: 5,000 nodes and 20,000 edges in seconds, not minutes."""
    import random
    import time

    from pipeline.exports.graph_layout import layout

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


def test_small_layouts_sum_the_repulsion_the_quadtree_approximates():
    """Up to EXACT nodes the repulsion is summed over every pair; it agrees with the quadtree's approximation."""
    import math

    import numpy as np

    from pipeline.exports import graph_layout as gl

    rng = np.random.default_rng(5)
    for n in (7, 120, gl.EXACT):
        pos = rng.uniform(-1, 1, (n, 2)) * math.sqrt(n) * 4
        mass = 1.0 + rng.integers(0, 5, n)
        unit, levels = gl._unit_square(pos), min(9, max(2, int(math.log(max(n, 4), 4)) + 1))
        approx = gl._near_field(pos, mass, unit, levels) + sum(gl._far_field(pos, mass, unit, level)
                                                               for level in range(2, levels + 1))
        exact = gl._Repulsion(mass)(pos)
        assert np.abs(exact - approx).sum() < 0.05 * np.abs(exact).sum()
        assert np.allclose(exact, gl._Repulsion(mass)(pos))  # its arrays reused: the same force again
        assert np.allclose(exact.sum(0), 0, atol=1e-6 * np.abs(exact).sum())  # action and reaction


KILLABLE = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # a shell's background job inherits SIGINT ignored
from pathlib import Path
from pipeline import exports
from pipeline.exports import graph_files
from pipeline.archive import store

def slow(conn, handle, clean):  # writes half a file, then hangs: the moment a kill finds it
    handle.write("<?xml version='1.0'?><gexf><graph>")
    handle.flush()
    time.sleep(60)

exports.EXPORTS["gexf"] = ("graph.gexf", False, slow)
conn = store.connect(sys.argv[1], readonly=True)
exports.export(conn, "gexf", Path(sys.argv[1]) / "graph.gexf", exports.ExportReport())
"""


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGINT"])
def test_a_kill_during_an_export_leaves_the_previous_file_whole(demo_archive, tmp_path, signal_name):
    import shutil
    import signal
    import subprocess
    import sys
    import time

    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    before = (archive / "graph.gexf").read_bytes()
    child = subprocess.Popen([sys.executable, "-c", KILLABLE, str(archive)])
    deadline = time.monotonic() + 60
    while not list(archive.glob(".graph.gexf.*.partial")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(archive.glob(".graph.gexf.*.partial")), "the export never started"
    child.send_signal(getattr(signal, signal_name))
    child.wait(30)
    assert (archive / "graph.gexf").read_bytes() == before  # the previous complete file, not half of a new one
    nx.read_gexf(archive / "graph.gexf")
    if signal_name == "SIGINT":  # an interrupted export cleans up after itself
        assert not list(archive.glob(".graph.gexf.*.partial"))


def test_one_failing_export_does_not_cost_the_others(demo_archive, tmp_path, monkeypatch):
    from pipeline import exports
    from pipeline.archive import store

    def broken(conn, handle, clean):
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(exports.EXPORTS, "graphml", ("graph.graphml", False, broken))
    conn = store.connect(demo_archive, readonly=True)
    report = exports.export_all(conn, tmp_path / "out")
    assert report.failed == {"graphml": "graph.graphml: No space left on device"}
    assert set(report.written) == set(exports.EXPORTS) - {"graphml"}
    assert not (tmp_path / "out" / "graph.graphml").exists()
    assert not list((tmp_path / "out").glob(".*.partial"))


SIDE_BY_SIDE = """
import os, sys, threading, zipfile
from pathlib import Path
from pipeline.archive import store
from pipeline.exports import files, side_by_side
archive, out = Path(sys.argv[1]), Path(sys.argv[2])
conn = store.connect(archive, readonly=True)
children = []
real_start = side_by_side.start
side_by_side.start = lambda *a: children.append(real_start(*a)) or children[-1]
beside = files.export_all(conn, out / "beside")
idle = threading.Event()
other = threading.Thread(target=idle.wait)
other.start()  # a process with another thread (the web server, a progress bar) is not forked
alone = files.export_all(conn, out / "alone")
idle.set()
other.join()
parent, real_workbook = os.getpid(), files.write_workbook
def dies_in_the_child(*args):
    if os.getpid() != parent:
        os._exit(9)
    return real_workbook(*args)
files.write_workbook = dies_in_the_child
crashed = files.export_all(conn, out / "crashed")
print(children[0] is not None, children[1] is None, children[2] is not None)
print(list(beside.written) == list(alone.written) == list(crashed.written) == list(files.EXPORTS))
print(not beside.failed and not alone.failed and not crashed.failed)
for name in sorted(os.listdir(out / "alone")):
    for other in ("beside", "crashed"):
        a, b = out / "alone" / name, out / other / name
        if name.endswith(".xlsx"):
            za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
            parts = [n for n in za.namelist() if n != "docProps/core.xml"]  # (that one holds the second written)
            same = all(za.read(n) == zb.read(n) for n in parts) and za.namelist() == zb.namelist()
        else:
            same = a.read_bytes() == b.read_bytes()
        print(name, other, same)
"""


def test_the_tables_written_beside_the_graph_are_those_written_after_it(demo_archive, tmp_path):
    """The tables are written by a forked child while the graph is laid out: the same files as one process
    writes; not forked beside another thread; a child that dies leaves its tables to this process, all written."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", SIDE_BY_SIDE, str(demo_archive), str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[:3] == ["True True True", "True", "True"]
    compared = [line.rsplit(" ", 1) for line in lines[3:]]
    assert len(compared) == 2 * 10 and all(same == "True" for _, same in compared), compared


def test_values_xml_cannot_hold_are_dropped_not_fatal(tmp_path):
    from nlp.extract import extract
    from pipeline import exports
    from pipeline.archive import store
    from pipeline.archive.ingest import store_record
    from pipeline.process import DocumentRecord

    conn = store.connect(tmp_path)
    text = "Số: 9/UBND-VP\nV/v kiểm tra\fký tự\nThực hiện Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh."
    record = DocumentRecord("x.txt", "x", 1, text, 1, extract(text), "ok")
    store_record(conn, record)
    conn.execute("UPDATE nodes SET title = title || ? ", ("\x01\x1b",))  # an old archive's control characters
    report = exports.export_all(conn, tmp_path / "out")
    assert not report.failed and any("left out" in w for w in report.warnings)
    for name in ("graph.gexf", "graph.graphml"):
        nx.read_graphml(tmp_path / "out" / name) if name.endswith("graphml") else nx.read_gexf(tmp_path / "out" / name)


def test_the_progress_line_names_the_file():
    from pipeline.cli_output import progress_name

    assert progress_name("scans/058.pdf") == "scans/058.pdf"
    long = "lưu trữ/" * 10 + "058-KH-UBND.pdf"
    shown = progress_name(long)
    assert len(shown) == 40 and shown.startswith("…") and shown.endswith("058-KH-UBND.pdf")
    assert progress_name("a\x1b[31mb.pdf") == "a?[31mb.pdf"  # no terminal escape reaches the screen


def test_one_export_run_lays_the_graph_out_once_and_writes_what_each_export_alone_writes(demo_conn, tmp_path,
                                                                                          monkeypatch):
    """graph.html, graph.gexf and graph.graphml carry one layout: an export run computes it once (it was three
    times, 60% of the exports' time), and each file is what that export alone writes."""
    from pipeline.exports import files, graph_html

    calls = []
    real = graph_html._placement
    monkeypatch.setattr(graph_html, "_placement", lambda graph: calls.append(1) or real(graph))
    files.export_all(demo_conn, tmp_path / "all", ["gexf", "graphml", "html"])
    assert len(calls) == 1
    for name, file in (("gexf", "graph.gexf"), ("graphml", "graph.graphml"), ("html", "graph.html")):
        files.export_all(demo_conn, tmp_path / name, [name])
        assert (tmp_path / name / file).read_bytes() == (tmp_path / "all" / file).read_bytes()
    assert len(calls) == 4  # outside a run nothing is kept: each export alone lays it out again


def test_commands_that_need_only_the_interfaces_language_do_not_load_the_web_app():
    import subprocess
    import sys

    code = ("import sys; import pipeline.cli; from pipeline.web import i18n, graph_labels; "
            "print('starlette' in sys.modules, 'pipeline.web.app' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["False", "False"]
    from pipeline.web import create_app  # and the app is there when asked for

    assert callable(create_app)


def test_texts_jsonl_holds_every_documents_corrected_text(demo_archive, demo_conn):
    """texts.jsonl: one line a document, its text as vanban reads it — the sample letter's OCR garble (`Quang Ngdi`,
    `S6:`) restored — which pandas reads as it is."""
    texts = pd.read_json(demo_archive / "texts.jsonl", lines=True, dtype=False)
    ok = demo_conn.execute("SELECT COUNT(*) FROM documents WHERE status = 'ok'").fetchone()[0]
    assert len(texts) == ok and list(texts.columns) == ["source", "id", "symbol", "type", "date", "pages", "text"]
    sample = texts[texts["source"].str.endswith("819-SKHCN.txt")].iloc[0]
    assert sample["symbol"] == "819/SKHCN-BCVT&CĐS" and "Quảng Ngãi" in sample["text"] and "Quang Ngdi" not in \
        sample["text"]
    raw = demo_conn.execute("SELECT text FROM documents WHERE source LIKE '%819-SKHCN.txt'").fetchone()[0]
    assert "Quang Ngdi" in raw  # the store keeps the text as it came beside it
