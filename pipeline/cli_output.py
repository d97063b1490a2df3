"""What the command line prints for people, in their language: a document's extraction, a question's answer, the
texts that hold a question's words, a batch's progress (a bar, nothing, or JSON lines for scripts). (`pipeline.cli`
parses the commands.)"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nlp.named_laws import LAW_KINDS

out = Console(width=None if sys.stdout.isatty() else 140)
_state: dict[str, object] = {}


def _(message: str) -> str:
    """A label in the reader's language (`_set_lang`; the catalogues of pipeline/web/locale)."""
    return _state.get("gettext", str)(message)  # type: ignore[operator]


def chosen_lang(option: str | None) -> str:
    """`--lang`'s language (`i18n.cli_lang`); one line and exit status 2 when it names none vanban speaks."""
    from .web import i18n

    try:
        return i18n.cli_lang(option)
    except ValueError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None


def set_lang(option: str | None) -> str:
    from .web import i18n

    lang = chosen_lang(option)
    _state["gettext"] = i18n.gettext_for(lang)
    _state["lang"] = lang
    return lang


def day(value: str | None) -> str:
    from .web.i18n import day as formatted

    return formatted(value)


def relation(code: str | None) -> str:
    from .web.i18n import relation as named

    return named(code, str(_state.get("lang", "vi")))


def print_extraction(data: dict) -> None:
    d = data["document"]
    head = Table(show_header=False, box=None, pad_edge=False, title=data.get("file") or "<stdin>", title_justify="left")
    head.add_column(style="bold cyan", no_wrap=True)
    head.add_column()
    for label, value in [
        (_("Number and symbol"), d["symbol"]),
        (_("Type"), d["type"]),
        (_("Date"), day(d["date"]) or (d["date_partial"] and day(d["date_partial"]) + " (" + _("partial") + ")")),
        (_("Issuer"), d["issuer"]),
        (_("Place"), d["place"]),
        (_("Subject"), d["subject"]),
    ]:
        head.add_row(label, str(value) if value else "—")
    out.print(head)
    table = Table(title=_("%(n)s cited documents") % {"n": len(data["references"])}, title_justify="left")
    for col in (_("symbol"), _("type"), _("date"), _("issuer"), _("relation"), _("mentions"), _("conf.")):
        table.add_column(col, no_wrap=col in {_("symbol"), _("date")})
    for r in data["references"]:
        table.add_row(
            r["symbol"], r["type"], day(r["date"]) or "—", r["issuer"] or "—", relation(r["relation"]),
            str(r["mentions"]), f"{r['confidence']:.2f}",
        )
    out.print(table)
    if data["links"]:
        out.print("[bold]" + _("Between cited documents:") + "[/]")
        symbols = {r["id"]: r["symbol"] for r in data["references"]}
        for link in data["links"]:
            out.print(f"  {symbols[link['source']]} —{relation(link['relation'])}→ {symbols[link['target']]}")
    if data["named"]:
        out.print("[bold]" + _("Cited by name:") + "[/] " + "; ".join(n["title"] for n in data["named"]))


def _node_label(m: dict) -> str:
    details = [day(m["date"]) or _("no date")]
    if m.get("province"):
        details.append(m["province"])
    details.append(_("file %(name)s") % {"name": m["source"]} if m.get("source") else
                   _("cited only, not in the archive"))
    name = f" {m['title']}" if m.get("title") and m.get("type") in LAW_KINDS else ""  # a law: its name
    return f"{m['type'] or ''} {m['symbol']}{name} ({', '.join(details)})".strip()


def _ended(event: str, by: str, start: str, chain: list[dict]) -> str:
    """`replaced by 65/2025/QH15 (from 01/03/2025) → 72/2025/QH15 (from 16/06/2025)` in the reader's language."""
    steps = chain or [{"by": by, "from": start}]
    by, since = _("by"), _("from")
    return f"{_(event)} {by} " + " → ".join(f"{s['by']} ({since} {day(s['from'])})" for s in steps)


def _validity_label(v: dict | None) -> str | None:
    """A document's status today, when the validity table knows it and it is no longer in force."""
    if not v or v["in_force"]:
        return None
    event = "replaced" if v.get("replaced_by") else "repealed"
    return _("no longer in force") + ": " + _ended(event, v.get("replaced_by") or v.get("repealed_by") or "",
                                                    v.get("from") or "", v.get("chain") or [])


def _not_in_force_label(mark: dict) -> str:
    """A citation of a document no longer in force on the citing letter's date."""
    from .archive.validity import describe

    return describe(mark, _, day)


def print_texts(question: str, hits: list[dict], as_json: bool) -> None:
    """The texts that hold the question's words, when it names no document."""
    if as_json:
        sys.stdout.write(json.dumps({"query": question, "direction": None, "total": len(hits), "texts": hits},
                                    ensure_ascii=False, indent=2) + "\n")
        return
    out.print(escape(_("No document named; %(n)s texts hold these words:") % {"n": len(hits)}))
    for hit in hits:
        out.print(f"\n[bold]{escape(' '.join(str(p) for p in (hit['type'], hit['symbol'], day(hit['date'])) if p))}[/] "
                  f"[dim]{escape(hit['source'])}[/]\n  {escape(hit['snippet'])}")


def print_answer(result) -> None:
    said = result.filters.to_dict()
    names = {"relation": _("relation"), "from": _("from"), "to": _("to"), "type": _("type"), "issuer": _("issuer")}
    shown = {"relation": relation, "from": day, "to": day}
    asked = [f"{names.get(key, key)} {shown.get(key, str)(value)}" for key, value in said.items()  # type: ignore
             if value and key != "not_understood"]
    if asked:
        out.print("[dim]" + escape(_("only: %(filters)s") % {"filters": ", ".join(asked)}) + "[/]")
    if result.filters.unknown:
        out.print("[yellow]" + escape(_("Not understood:")) + "[/] " + escape(" ".join(result.filters.unknown)))
    if not result.matches:
        out.print(escape(_("No document in the archive matches “%(target)s”.") % {"target": result.target.text}))
        return
    if result.target.law_symbols and len(result.matches) > 1:
        out.print(escape(_("%(target)s: %(n)s versions of this law are cited in the archive.")
                         % {"target": result.target.text, "n": len(result.matches)}))
    if result.ambiguous:
        out.print("[yellow]" + escape(_("Ambiguous:")) + "[/] " + escape(
            _("%(target)s matches %(n)s documents (best first).") % {"target": result.target.text,
                                                                     "n": len(result.matches)}))
    labels = {"cited_by": _("Cited by"), "cites": _("Cites")}
    directions = ["cited_by", "cites"] if result.direction == "both" else [result.direction]
    for match in result.matches:
        out.print(f"\n[bold]{escape(_node_label(match))}[/]")
        status = _validity_label(match.get("validity"))
        if status:
            out.print(f"  [red]{escape(status)}[/]")
        for variant in match.get("variants", []):
            where = (_(" in %(file)s") % {"file": variant["source"]}
                     + (" " + _("page %(n)s") % {"n": variant["page"]} if variant["page"] else "")) \
                if variant["source"] else ""
            out.print("  [dim]" + escape(_("read as %(variant)s") % {"variant": variant["variant"]} + where) + "[/]")
        for direction in directions:
            rows = [r for r in result.results if r["direction"] == direction and
                    (r["via"] == match["id"] or r["depth"] > 1)]
            if not rows:
                paged_out = result.total > len(result.results)  # its rows may be on the other pages
                out.print(f"  {labels[direction]}: " + (_("on the other pages of the answer.") if paged_out
                                                        else _("nothing in the archive.")))
                continue
            table = Table(title=f"{labels[direction]} ({len(rows)})", title_justify="left", show_lines=True)
            table.add_column(_("document"), overflow="fold", max_width=34)
            table.add_column(_("relation"), no_wrap=True)
            table.add_column(_("source"), overflow="fold", max_width=40)
            table.add_column(_("sentence"), overflow="fold")
            for r in rows:
                depth = " " + _("(depth %(n)s)") % {"n": r["depth"]} if r["depth"] > 1 else ""
                kind = "\n[dim]" + escape(_("(by name)")) + "[/]" if r.get("resolved_from") == "name" else ""
                if r["kind"] == "asserted":  # no sentence of its own: what other letters say of it
                    where = _("per %(letters)s") % {"letters": "; ".join(r.get("asserted_by") or [])}
                else:
                    where = f"{r['source']}" + (" " + _("page %(n)s") % {"n": r["page"]} if r["page"] else "")
                    more = len(r.get("mentions") or []) - 1
                    where += "\n" + _("(+%(n)s more)") % {"n": more} if more > 0 else ""
                where = escape(where)
                if r.get("uncertain"):  # read from uncertain OCR: to be checked on the page
                    where += "\n[yellow]" + escape(_("uncertain OCR reading")) + "[/]"
                document = escape(f"{r['type'] or ''} {r['symbol']} {day(r['date'])}{depth}")
                if r.get("not_in_force"):  # the citation is of a document no longer in force on the letter's date
                    document += f"\n[red]⚠ {escape(_not_in_force_label(r['not_in_force']))}[/]"
                table.add_row(document,
                              escape(", ".join(relation(x) for x in (r.get("relations") or [r["relation"]]))) + kind,
                              where, escape(r["snippet"] or ""))
            out.print(table)
    if result.limit is not None or result.offset:
        out.print(_("rows %(first)s–%(last)s of %(total)s") % {
            "first": result.offset + 1, "last": result.offset + len(result.results), "total": result.total})


def progress_name(source: str, width: int = 40) -> str:
    """The file the progress line names: its path, cut from the left to `width` characters."""
    text = "".join(c if c.isprintable() else "?" for c in source)
    return text if len(text) <= width else "…" + text[-(width - 1):]


class RunProgress:
    """A batch's progress as it goes, in one of three modes:
    - `bar` (default): on a terminal, a bar on stderr naming the file just read, with pages per minute and failures;
    - `quiet`: nothing (errors and failures are still written, one line each, on stderr);
    - `json`: one JSON object a line on stdout, for scripts — `{"event": "start", "files": 12}`, then per file
      `{"event": "file", "source": …, "status": "ok", "pages": 2, "done": 1, "total": 12, "pages_per_minute": 41.5,
      "failed": 0}` (with `stage` and `error` when it failed), and the run's summary as `{"event": "end", …}`.
    Used as a context manager around the run; `start` and `done` are its callbacks."""

    def __init__(self, mode: str = "bar") -> None:
        import time

        self.mode, self._clock = mode, time.perf_counter
        self.started = self._clock()
        self.total: int | None = None
        self.counts = {"done": 0, "failed": 0, "pages": 0}
        self._bar: Any = None

    def __enter__(self) -> RunProgress:
        if self.mode == "bar":
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
                TimeRemainingColumn

            self._bar = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[pages]}"), TextColumn("{task.fields[rate]}"),
                TextColumn("[red]{task.fields[failed]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                TextColumn("{task.fields[file]}"), console=Console(stderr=True), transient=False,
                disable=not sys.stderr.isatty())
            self._bar.__enter__()
            self._task = self._bar.add_task("files", total=None, pages="", rate="", failed="", file="")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def start(self, count: int) -> None:
        self.started, self.total = self._clock(), count
        if self._bar is not None:
            self._bar.update(self._task, total=count)
        self._emit({"event": "start", "files": count})

    def done(self, record: Any, source: str) -> None:
        if record is None:
            return
        self.counts["done"] += 1
        self.counts["failed"] += record.status != "ok"
        self.counts["pages"] += record.pages
        rate = self.counts["pages"] / max(1e-6, self._clock() - self.started) * 60
        if self._bar is not None:
            self._bar.advance(self._task)
            self._bar.update(self._task, pages=f"{self.counts['pages']} pages", rate=f"{rate:.0f} pages/min",
                             failed=f"{self.counts['failed']} failed" if self.counts["failed"] else "",
                             file=progress_name(source))
        event = {"event": "file", "source": source, "status": record.status, "pages": record.pages,
                 "done": self.counts["done"], "total": self.total, "pages_per_minute": round(rate, 1),
                 "failed": self.counts["failed"]}
        if record.status != "ok":
            event.update(stage=record.stage, error=record.error)
        self._emit(event)

    def end(self, summary: dict[str, Any]) -> None:
        self._emit({"event": "end", **summary})

    def _emit(self, event: dict[str, Any]) -> None:
        if self.mode == "json":
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
            sys.stdout.flush()
