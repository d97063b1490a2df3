"""The files other tools open: the tables (`tables`: CSV, xlsx, pandas), the graph files (`graph_files`: GEXF,
GraphML, Cytoscape.js JSON), the offline graph page (`graph_html`, laid out by `graph_layout`), and writing them
atomically (`files`)."""

from .files import (EXPORTS, FORMATS, ExportOptions, ExportReport, atomic_file, export, export_all,  # noqa: F401
                    import_in_background, remove_leftovers)
from .tables import (  # noqa: F401
    DOCUMENT_COLUMNS, ERROR_COLUMNS, MERGE_COLUMNS, NODE_COLUMNS, REFERENCE_COLUMNS, REFERENCES_SQL, documents_table,
    errors_table, nodes_table, references_table, write_csv_rows,
)
