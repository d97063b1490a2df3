"""Vietnamese text → facts: normalisation, document tables, reference grammar, dates, relations, header.

This package knows nothing about files, images or storage (see DESIGN.md).
"""
