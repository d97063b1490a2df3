"""One file → one document record; batches, the store, the graph, queries, exports, the CLI."""
