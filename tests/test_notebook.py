
import nbformat
from nbclient import NotebookClient

from .conftest import ROOT


def test_notebook_runs_on_the_demo_archive(demo_archive, monkeypatch):
    monkeypatch.setenv("VANBAN_DB", str(demo_archive))
    notebook = nbformat.read(ROOT / "notebooks" / "citation-graph.ipynb", as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "819/SKHCN-BCVT&CĐS" in text and "57-NQ/TW" in text
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the graph is drawn inline
