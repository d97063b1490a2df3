"""The reference grammar in parts (eyecite's shape); `nlp.references` is the entry point that puts them together.

- `models`: what is found — Mention, NamedMention, Reference, their ids and the order of relation strength.
- `grammar`: finding symbols — the SYMBOL pattern built for the three numbering systems and its parse against
  the code tables.
- `repair`: the OCR repairs, one small function per garble, each with the forms it reads in its docstring.
- `context`: reading the words around a symbol — the type name and "số" before it, "của <issuer>" and "về" after
  it, the issuer and province tables.
- `dating`: the dates a mention's own words leave out or get wrong — a list's shared date, a sentence's opening
  date, an amending law's.
- `find`: the finder, which runs the above over a text; `merge`: mentions into documents.
"""
