"""Questions over the archive, in English or Vietnamese, with or without diacritics.

    what cites Plan 58            văn bản nào trích dẫn Kế hoạch 58       → cited_by
    what does 819/SKHCN-BCVT&CĐS cite   Kế hoạch 58 trích dẫn những văn bản nào  → cites
    KH 58 / 58/KH-UBND / NQ57 / Decision 1588 / QD 1588                   → both

The document part is read with the same tables as the reference grammar: English aliases (Plan = Kế hoạch),
Vietnamese names, type codes with or without Đ, or a full số/ký hiệu. A short reference that fits several
documents returns them all, best first, and says it is ambiguous.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from nlp import doctypes, laws
from nlp.named_laws import law_symbol
from nlp.references import SYMBOL, _parse_symbol, strongest
from nlp.text import fold, fold_lower, slug

from . import question, uncertain, validity


@dataclass(frozen=True)
class Target:
    """What the question is about: a full symbol, or a type and a number."""

    text: str
    symbol_key: str | None = None
    type_code: str | None = None
    number: str | None = None
    span: tuple[int, int] = (0, 0)
    law_symbols: tuple[str, ...] = ()  # a law named in the question: the symbols of its versions (nlp.laws)


@dataclass
class Answer:
    query: str
    direction: str  # cited_by / cites / both
    matches: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    ambiguous: bool = False
    target: Target | None = None
    total: int = 0  # rows before paging: one per (matched document, direction, other document)
    limit: int | None = None
    offset: int = 0
    filters: question.Filters = field(default_factory=question.Filters)

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "direction": self.direction, "ambiguous": self.ambiguous,
                "filters": self.filters.to_dict(), "not_understood": list(self.filters.unknown),
                "matches": self.matches, "total": self.total, "limit": self.limit, "offset": self.offset,
                "results": self.results}


class QueryError(ValueError):
    pass


class NoDocument(QueryError):
    """The question names no document: the text search answers it (as the web page does)."""


_CITE_VERBS = (r"cites?|citing|cited|refers?\s+to|referring\s+to|mentions?|quotes?|relies\s+on|is\s+based\s+on|"
               r"based\s+on|implements?|implementing|trich\s+dan|dan\s+chieu|vien\s+dan|can\s+cu|nhac\s+den|"
               r"de\s+cap|thuc\s+hien|trien\s+khai")
_VERB = re.compile(rf"(?<![a-z])(?:{_CITE_VERBS})(?![a-z])")
_CITED_BY = re.compile(r"(?<![a-z])(?:(?:cited|referred\s+to|mentioned|amended|replaced|repealed|implemented|"
                       r"answered)\s+by|duoc\s+\w+\s+trich\s+dan)")
_CITED_PASSIVE = re.compile(r"(?<![a-z])(?:duoc\s+trich\s+dan|is\s+cited|are\s+cited|was\s+cited)")


@lru_cache(maxsize=1)
def _type_words() -> list[tuple[str, str]]:
    """(folded phrase, type code) for English aliases, Vietnamese names and codes; longest first."""
    words: dict[str, str] = {}
    for t in doctypes.doc_types():
        code = t.code
        for alias in t.english:
            words.setdefault(alias, code)
        words.setdefault(fold_lower(t.name), code)
        for name in t.names:
            words.setdefault(fold_lower(name), code)
    for t in doctypes.doc_types():
        words.setdefault(fold_lower(t.code), t.code)
    # plural English forms and a few everyday words
    for alias, code in list(words.items()):
        if re.fullmatch(r"[a-z ]+", alias) and len(alias) > 3:
            words.setdefault(alias + "s", code)
    words.setdefault("decisions", "QĐ")
    words.setdefault("van ban", "CV")
    return sorted(words.items(), key=lambda kv: -len(kv[0]))


@lru_cache(maxsize=1)
def _type_number_pattern() -> re.Pattern[str]:
    alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w, _ in _type_words())
    return re.compile(rf"(?<![a-z])(?P<type>{alts})\s*(?:so|số|no\.?|number|#)?\s*[-:]?\s*(?P<num>\d{{1,5}})(?![\d/])")


def parse_target(query: str) -> Target | None:
    """The document a question is about."""
    for match in SYMBOL.finditer(query):
        sym = _parse_symbol(match)
        if sym:
            return Target(text=sym.symbol, symbol_key=slug(sym.symbol), number=sym.number, span=sym.span,
                          type_code=sym.type_code)
    law = _law_target(query)  # before "type number": "Land Law 2013" is a law's name and year, not law no. 2013
    if law is not None:
        return law
    folded = fold_lower(query)
    match = _type_number_pattern().search(folded)
    if match:
        word = " ".join(match.group("type").split())
        code = dict(_type_words()).get(word)
        return Target(text=query[match.start() : match.end()], type_code=code, number=match.group("num"),
                      span=(match.start(), match.end()))
    bare = re.search(r"(?<![\w/])(\d{1,5})(?![\w/])", folded)
    if bare:
        return Target(text=bare.group(1), number=bare.group(1), span=bare.span())
    return None


_LAW_KIND = re.compile(r"(?<![a-z])(?:hien phap|bo luat|phap lenh|luat)(?![a-z])")
_LAW_YEAR = re.compile(r"[ \t]*(?:of[ \t]+|nam[ \t]+|\()?((?:19|20)\d\d)(?![\d/])\)?")


_LAW_WORD = re.compile(r"(?<![a-z])(?:luat|phap lenh|hien phap|laws?|codes?|constitution|ordinances?)(?![a-z])")


@lru_cache(maxsize=1)
def _english_laws() -> re.Pattern[str]:
    """Every English name of a law (`land law`, `law on land`), longest first, as one pattern."""
    names = sorted(laws.english_laws(), key=len, reverse=True)
    return re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + r")(?![a-z])")


def _law_target(query: str) -> Target | None:
    """A law named in the question, in English (`the Land Law`, `Land Law 2013`) or Vietnamese (`Luật Đất đai
    năm 2024`, `Luật Tổ chức chính quyền địa phương`, without diacritics too): the longest run of words from a kind
    word that the law table knows as one name."""
    folded = fold_lower(query)
    if len(folded) != len(query) or not _LAW_WORD.search(folded):
        return None  # most questions name no law: they cost one search here
    match = _english_laws().search(folded)
    if match:
        name = laws.english_laws()[" ".join(match.group(0).split())]
        year = _LAW_YEAR.match(folded, match.end())
        found = laws.versions(name + (f" {year.group(1)}" if year else ""))
        end = year.end() if year else match.end()
        return Target(text=query[match.start() : end], span=(match.start(), end),
                      law_symbols=tuple(law_symbol(law) for law in found)) if found else None
    kind = _LAW_KIND.search(folded)
    if kind is None:
        return None
    ends = [m.end() for m in re.finditer(r"[^\s?!.,;:]+", query[kind.start() :])][:16]
    for end in sorted(ends, reverse=True):
        end += kind.start()
        found = laws.versions(query[kind.start() : end])
        if found:
            return Target(text=query[kind.start() : end], span=(kind.start(), end),
                          law_symbols=tuple(law_symbol(law) for law in found))
    return None


def parse_direction(query: str, target: Target) -> str:
    folded = fold_lower(query)
    before, after = folded[: target.span[0]], folded[target.span[1] :]
    if _CITED_BY.search(before):
        return "cites"  # "documents cited by 819/..." = what 819 cites
    if _CITED_PASSIVE.search(after):
        return "cited_by"  # "Kế hoạch 58 được trích dẫn bởi ..." / "is Plan 58 cited"
    verb = question.relation_verb(after)
    if verb is not None:  # "Kế hoạch 58 được sửa đổi bởi …", "is 58/KH-UBND replaced"
        return "cited_by" if question.is_passive(after[: verb.start()]) else "cites"
    if _VERB.search(after):
        return "cites"
    if _VERB.search(before) or question.relation_verb(before) is not None:
        return "cited_by"
    return "both"


def find_nodes(conn: sqlite3.Connection, target: Target) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = []
    if target.law_symbols:
        keys = sorted({slug(symbol) for symbol in target.law_symbols})
        marks = ",".join("?" * len(keys))
        rows = conn.execute(f"SELECT * FROM nodes WHERE symbol_key IN ({marks}) UNION SELECT n.* FROM variants v "
                            f"JOIN nodes n ON n.id = v.node_id WHERE v.variant_key IN ({marks})", keys + keys).fetchall()
    elif target.symbol_key:
        # the symbol as the node has it, or any reading of it that was linked to the node (OCR's variants)
        rows = conn.execute(
            "SELECT * FROM nodes WHERE symbol_key = ? UNION SELECT n.* FROM variants v JOIN nodes n ON n.id = v.node_id "
            "WHERE v.variant_key = ?", (target.symbol_key, target.symbol_key)).fetchall()
    if not rows and target.number:
        rows = conn.execute("SELECT * FROM nodes WHERE number = ?", (target.number,)).fetchall()
        if target.type_code:
            want = fold(target.type_code).upper()
            rows = [r for r in rows if r["type_code"] and fold(r["type_code"]).upper() == want]
    ranked = []
    for row in rows:
        cited_by = conn.execute("SELECT COUNT(DISTINCT source_id) FROM edges WHERE target_id = ?",
                                (row["id"],)).fetchone()[0]
        ranked.append((row["ambiguous"], row["is_stub"], -cited_by, -(row["year"] or 0), row["id"], row))
    ranked.sort(key=lambda t: t[:5])
    return [t[-1] for t in ranked]


def _node_dict(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    source = None
    if row["document_id"]:
        doc = conn.execute("SELECT source FROM documents WHERE id = ?", (row["document_id"],)).fetchone()
        source = doc["source"] if doc else None
    return {
        "id": row["id"], "symbol": row["symbol"], "type": row["type"], "date": row["date"], "title": row["title"],
        "issuer": row["issuer"], "province": row["province"], "stub": bool(row["is_stub"]),
        "ambiguous": bool(row["ambiguous"]), "source": source, "variants": variants(conn, row["id"]),
    }


def variants(conn: sqlite3.Connection, node_id: str) -> list[dict[str, Any]]:
    """The other readings of a node's symbol linked to it: each with where it was read and why it was linked."""
    rows = conn.execute(
        "SELECT v.variant, v.page, v.evidence, v.confidence, d.source FROM variants v LEFT JOIN documents d "
        "ON d.id = v.document_id WHERE v.node_id = ? ORDER BY v.variant, d.source", (node_id,)).fetchall()
    return [dict(r) for r in rows]


_EDGE_SQL = (
    "SELECT e.relation, e.kind, e.snippet, e.page, e.mentions, e.confidence, e.resolved_from, d.source AS source, "
    "n.id AS id, n.symbol AS symbol, n.type AS type, n.date AS date, n.title AS title, n.is_stub AS stub, "
    "n.issuer AS issuer, n.province AS province, n.type_code AS type_code, e.span_start, e.span_end, d.node_id AS evidence_id, ev.symbol AS evidence_symbol, "
    "ev.type AS evidence_type "
    "FROM edges e JOIN documents d ON d.id = e.document_id JOIN nodes n ON n.id = e.{other} "
    "LEFT JOIN nodes ev ON ev.id = d.node_id "
    "WHERE e.{this} = ? ORDER BY n.date DESC, n.id, e.relation"
)


def neighbours(conn: sqlite3.Connection, node_id: str, direction: str, depth: int = 1,
               raw: bool = False) -> list[dict[str, Any]]:
    """Edges around a node: who cites it (`cited_by`) or what it cites (`cites`), up to `depth` hops; one line per
    document and evidence file with its relations listed, or with `raw` one per edge (`grouped` makes them one
    per document)."""
    this, other = ("target_id", "source_id") if direction == "cited_by" else ("source_id", "target_id")
    sql = _EDGE_SQL.format(this=this, other=other)
    out: list[dict[str, Any]] = []
    seen = {node_id}
    frontier = [node_id]
    for level in range(1, depth + 1):
        next_frontier = []
        for current in frontier:
            grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
            cursor = conn.execute(sql, (current,))
            names = [c[0] for c in cursor.description]  # once, not per row (a hub has 78,000 rows)
            for row in cursor:
                key = (row["id"], row["source"], row["kind"], row["relation"] if raw else "")
                if key in grouped:  # one line per document and evidence file; its relations listed
                    grouped[key]["relations"].append(row["relation"])
                    grouped[key]["mentions"] += row["mentions"] or 0
                    continue
                item = dict(zip(names, row))
                item["stub"] = bool(item["stub"])
                item.update(depth=level, via=current, direction=direction, relations=[row["relation"]])
                grouped[key] = item
            for item in grouped.values():
                item["relation"] = strongest(item["relations"])
                out.append(item)
                if item["id"] not in seen:
                    seen.add(item["id"])
                    next_frontier.append(item["id"])
        frontier = next_frontier
        if not frontier:
            break
    return out


def _mention(row: dict[str, Any]) -> dict[str, Any]:
    """One piece of evidence under a row: a letter's sentence, or a relation a letter asserts between two others."""
    asserted = row["kind"] == "asserted"
    by = " ".join(p for p in (row.get("evidence_type"), row.get("evidence_symbol")) if p) or row["source"]
    return {"relation": row["relation"], "sentence": row["snippet"], "page": row["page"],
            "span": [row["span_start"], row["span_end"]] if row.get("span_start") is not None else None,
            "source": row["source"], "kind": row["kind"] or "direct",
            "asserted_by": by if asserted else None}


def grouped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`neighbours` rows made one row per document (per match, direction and depth), its mentions under it: the
    letter's own sentences first, then what other letters assert ("per Công văn 819/SKHCN-BCVT&CĐS"). The row's
    relation is the strongest its own text states; `kind` is `asserted` only when no sentence of its own says it,
    and then `source` is none of its files and `asserted_by` names the letters that say it."""
    out: dict[tuple[str, str, str, int], dict[str, Any]] = {}
    for row in rows:
        key = (row["via"], row["direction"], row["id"], row["depth"])
        item = out.get(key)
        if item is None:
            item = out[key] = {k: row[k] for k in ("id", "symbol", "type", "type_code", "date", "title", "stub",
                                                   "issuer", "province",
                                                   "depth", "via", "direction", "resolved_from") if k in row}
            item["_rows"] = []
        item["_rows"].append(row)
    result = []
    for item in out.values():
        rows_of = sorted(item.pop("_rows"), key=lambda r: (r["kind"] == "asserted", r["source"] or ""))
        mentions = [_mention(r) for r in rows_of]
        direct = [m for m in mentions if m["kind"] != "asserted"]
        first = direct[0] if direct else mentions[0]
        item.update(
            mentions=mentions,
            mention_count=sum(r.get("mentions") or 1 for r in rows_of),
            relations=sorted({m["relation"] for m in mentions}),
            relation=strongest([m["relation"] for m in (direct or mentions)]),
            kind="direct" if direct else "asserted",
            source=first["source"] if direct else None,
            sources=sorted({m["source"] for m in direct if m["source"]}),
            asserted_by=sorted({m["asserted_by"] for m in mentions if m["asserted_by"]}),
            snippet=first["sentence"], page=first["page"] if direct else None,
            resolved_from=next((r.get("resolved_from") for r in rows_of if r.get("resolved_from")), None),
        )
        result.append(item)
    return result


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    return bool(a) and a[0] < b[1] and b[0] < a[1]  # type: ignore[index]


def answer(conn: sqlite3.Connection, query: str, *, depth: int = 1, limit: int | None = None,
           offset: int = 0) -> Answer:
    """The documents around the one the question names, filtered by what else it asks (relation, dates, type,
    issuer: `pipeline.archive.question`); one row per document, paged; the words not understood said."""
    reading = question.read(query)
    # the question with its dates and issuer blanked, in its own letters (symbols are read case-sensitively)
    asked = "".join(" " if r == " " and q != " " else q for q, r in zip(query, reading.rest)) \
        if len(reading.rest) == len(query) else query
    target = parse_target(asked)
    if target is None:
        if _LAW_KIND.search(fold_lower(query)):
            raise QueryError(f"no law of that name in the law table: {query!r} (try 'what cites Luật Đất đai 2024' "
                             "or the law's number, '31/2024/QH15')")
        raise NoDocument(f"no document in the question: {query!r} (try 'what cites Plan 58' or '58/KH-UBND')")
    filters = reading.filters
    if _overlaps(reading.type_span, target.span):  # "Kế hoạch" of "Kế hoạch 58" names the document, filters nothing
        filters = replace(filters, type_code=None)
    about = None
    if reading.issuer_span and reading.issuer_span[0] >= target.span[1]:  # "Kế hoạch 58 của UBND tỉnh Quảng Ngãi"
        about, filters = filters.issuer, replace(filters, issuer=None)
    own_year = re.match(r"[ \t]*(?:nam|year|of)?[ \t]*(?:19|20)\d\d(?![\d/])", reading.rest[target.span[1]:])
    named = (target.span[0], target.span[1] + (own_year.end() if own_year else 0))  # "NQ 57 năm 2024": its year
    filters = question.with_unknown(filters, reading.rest, [named])
    direction = parse_direction(asked, target)
    nodes = find_nodes(conn, target)
    if about:
        nodes = [n for n in nodes if question.issuer_fits(about, n["issuer"], n["province"])]
    result = Answer(query=query, direction=direction, target=target, filters=filters,
                    matches=[_node_dict(conn, n) for n in nodes],
                    # the versions of a named law are different documents, each listed: not an ambiguity
                    ambiguous=len([n for n in nodes if not n["ambiguous"]]) > 1 and not target.law_symbols)
    directions = ["cited_by", "cites"] if direction == "both" else [direction]
    rows: list[dict[str, Any]] = []
    for node in nodes:
        for d in directions:
            rows.extend(r for r in grouped(neighbours(conn, node["id"], d, depth, raw=True)) if filters.keeps(r))
    result.total = len(rows)
    result.offset = max(0, offset)
    result.limit = limit
    result.results = rows[result.offset:] if limit is None else rows[result.offset : result.offset + max(0, limit)]
    validity.annotate(conn, result.matches, result.results)  # status, and citations of documents no longer in force
    uncertain.annotate(conn, result.results)  # rows read from uncertain OCR
    return result
