"""The archive: the SQLite store (`store`), what a mention or a document is (`identity`), which readings of a symbol
are one document (`linkage`), the node a mention resolves to (`resolve`), one record into the store (`ingest`), the
questions it answers (`query`), and the networkx graph with its communities (`graph`, `communities`)."""
