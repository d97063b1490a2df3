"""The `vanban` command line (typer + rich). Exit codes: 0 ok, 1 error that stopped the command, 2 bad usage."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from nlp.extract import extract

from .process import VanbanError, extract_file, extraction_to_dict, prepare, decode_text

app = typer.Typer(
    help="vanban: Vietnamese official documents → a citation graph you can query.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
_state = {"debug": False}


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False) -> None:
    _state["debug"] = debug


def _fail(exc: BaseException) -> None:
    if _state["debug"]:
        raise exc
    message = str(exc) if isinstance(exc, VanbanError) else f"{type(exc).__name__}: {exc}"
    sys.stderr.write(f"error: {' '.join(message.split())}\n")  # one line, never wrapped
    raise typer.Exit(1)


def _read_stdin() -> str:
    return prepare(decode_text(sys.stdin.buffer.read(), "<stdin>"))


@app.command("extract")
def extract_command(
    file: Annotated[Optional[str], typer.Argument(help="A text file, or - (default) for standard input.")] = "-",
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON instead of tables.")] = False,
) -> None:
    """The document's own metadata and every document it refers to."""
    try:
        if file in (None, "-"):
            source = None
            extraction = extract(_read_stdin())
        else:
            source = file
            _text, extraction = extract_file(Path(file))
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line
        _fail(exc)
        return
    data = extraction_to_dict(extraction, source)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    _print_extraction(data)


def _print_extraction(data: dict) -> None:
    d = data["document"]
    head = Table(show_header=False, box=None, pad_edge=False, title=data.get("file") or "<stdin>", title_justify="left")
    head.add_column(style="bold cyan", no_wrap=True)
    head.add_column()
    for label, value in [
        ("Số/ký hiệu", d["symbol"]),
        ("Loại", d["type"]),
        ("Ngày", d["date"] or (d["date_partial"] and f"{d['date_partial']} (partial)")),
        ("Cơ quan", d["issuer"]),
        ("Địa danh", d["place"]),
        ("Trích yếu", d["subject"]),
    ]:
        head.add_row(label, str(value) if value else "—")
    out.print(head)
    table = Table(title=f"{len(data['references'])} cited documents", title_justify="left")
    for col in ("symbol", "type", "date", "issuer", "relation", "mentions", "conf."):
        table.add_column(col, no_wrap=col in {"symbol", "date"})
    for r in data["references"]:
        table.add_row(
            r["symbol"], r["type"], r["date"] or "—", r["issuer"] or "—", r["relation"], str(r["mentions"]),
            f"{r['confidence']:.2f}",
        )
    out.print(table)
    if data["links"]:
        out.print("[bold]Between cited documents:[/]")
        symbols = {r["id"]: r["symbol"] for r in data["references"]}
        for link in data["links"]:
            out.print(f"  {symbols[link['source']]} —{link['relation']}→ {symbols[link['target']]}")
    if data["named"]:
        out.print("[bold]Cited by name:[/] " + "; ".join(n["title"] for n in data["named"]))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
