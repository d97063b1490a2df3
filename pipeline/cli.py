"""The `vanban` command line (typer + rich). Exit codes: 0 ok, 1 error that stopped the command, 2 bad usage."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from .archive import store
from .limits import DEFAULT as _LIMITS
from .cli_output import RunProgress, _, out, print_answer, print_texts
from .cli_output import print_extraction as _print_extraction
from .cli_output import chosen_lang, set_lang as _set_lang
from .process import VanbanError, decode_text, extraction_to_dict, prepare

app = typer.Typer(
    help="vanban: Vietnamese official documents → a citation graph you can query.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_state = {"debug": False}


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False) -> None:
    _state["debug"] = debug


def _fail(exc: BaseException) -> None:
    """One line on stderr, exit 1; the traceback only with --debug (an unexpected exception's class too)."""
    if _state["debug"]:
        raise exc
    if isinstance(exc, (VanbanError, store.ArchiveError)):
        message = str(exc)
    elif isinstance(exc, MemoryError):
        message = "not enough memory"
    elif isinstance(exc, OSError) and exc.strerror:
        message = f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror}"
    else:
        text = " ".join(str(exc).split())[:160]
        message = "internal error" + (f" ({text})" if text else "") + " — run with --debug for the details"
    sys.stderr.write(f"error: {' '.join(message.split())}\n")  # one line, never wrapped
    raise typer.Exit(1)


_LANG_HELP = "vi or en (default: LANG, else vi)."


def _read_stdin() -> str:
    return prepare(decode_text(sys.stdin.buffer.read(), "<stdin>"))


@app.command("ocr")
def ocr_command(
    file: Annotated[str, typer.Argument(help="A scan: PNG, JPEG, TIFF (multi-page) or PDF.")],
    as_json: Annotated[bool, typer.Option("--json", help="Pages with words, confidences and boxes.")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Tesseract's text as it read it, without the correction of "
                                                    "its Vietnamese (tone marks, garble) by the language model.")] = False,
    force_ocr: Annotated[bool, typer.Option("--force-ocr", help="OCR PDF pages even where they have a text layer.")
                         ] = False,
) -> None:
    """OCR a scan (a PDF's good text layer is used as it is). Prints the text, corrected, pages separated by a form
    feed — the text a searchable PDF's layer carries, with the number and day written by hand in the header's
    blanks read there; `--raw` gives Tesseract's own."""
    from .handwritten import filled_text
    from .process import SCAN_SUFFIXES, analyse, load_models_meanwhile, load_scan

    path = Path(file)
    try:
        if path.suffix.lower() not in SCAN_SUFFIXES:
            raise VanbanError("read", f"{file}: not a scan or PDF (PNG, JPEG, TIFF, PDF)")
        if not raw:
            load_models_meanwhile(path)
        loaded = load_scan(path, force_ocr=force_ocr)
        analysis = None if raw else analyse(loaded)
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
        return
    text = loaded.text if analysis is None else filled_text(loaded.text, analysis.restored, analysis.restored_map,
                                                             loaded.word_spans, analysis.blanks)
    if not as_json:
        sys.stdout.write(text + "\n")
        return
    starts = [0] + [i + 1 for i, ch in enumerate(loaded.text) if ch == "\f"]
    ends = [i for i, ch in enumerate(loaded.text) if ch == "\f"] + [len(loaded.text)]
    corrected = text.split("\f")
    pages = []
    for k, (page, start, end) in enumerate(zip(loaded.pages, starts, ends)):
        words = [{"text": loaded.text[a:b], "conf": page_word.conf, "bbox": list(bbox)}
                 for (a, b, p, bbox), page_word in zip(
                     [w for w in loaded.word_spans if w[2] == page.page], page.words)]
        pages.append({"page": page.page, "text": corrected[k] if k < len(corrected) else loaded.text[start:end],
                      "raw_text": loaded.text[start:end], "mean_confidence": page.mean_confidence,
                      "source": page.source, "rotation": page.rotation, "skew": page.skew, "dpi": page.dpi,
                      "overlays": [{"kind": o.kind, "text": o.text, "bbox": list(o.bbox) if o.bbox else None}
                                   for o in page.overlays],
                      "words": words})
    data = {"file": file, "pages": pages, "pdf_signature": loaded.pdf_signature}
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


@app.command("extract")
def extract_command(
    file: Annotated[Optional[str], typer.Argument(help="A text file, a scan or PDF, or - (default) for stdin.")] = "-",
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON instead of tables.")] = False,
    restore: Annotated[bool, typer.Option("--restore/--no-restore",
                                          help="Restore diacritics and OCR garble first (default).")] = True,
    lang: Annotated[Optional[str], typer.Option("--lang", help=_LANG_HELP)] = None,
) -> None:
    """The document's own metadata and every document it refers to."""
    _set_lang(lang)
    from .process import Loaded, extract_loaded, load, load_models_meanwhile

    loaded = None
    try:
        if file in (None, "-"):
            source = None
            extraction = extract_loaded(Loaded(text=_read_stdin(), kind="text"), restore=restore)
        else:
            source = file
            if restore:
                load_models_meanwhile(Path(file))
            loaded = load(Path(file))
            extraction = extract_loaded(loaded, restore=restore)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line
        _fail(exc)
        return
    data = extraction_to_dict(extraction, source)
    if loaded is not None and loaded.word_spans:
        for ref, item in zip(extraction.references, data["references"]):
            item["evidence"] = [{"span": list(m.span), "page": loaded.evidence(m.span)[0],
                                 "boxes": loaded.evidence(m.span)[1]} for m in ref.mention_list]
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    _print_extraction(data)


@app.command("run")
def run_command(
    paths: Annotated[list[str], typer.Argument(help="Files and folders (searched recursively).")],
    out: Annotated[Path, typer.Option("--out", help="The archive folder.")] = Path("outputs"),
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes on this machine.")] = 1,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="A Dask scheduler (tcp://host:8786): OCR and extraction run on its workers.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Process unchanged files again.")] = False,
    force_ocr: Annotated[bool, typer.Option("--force-ocr", help="OCR every PDF page, ignoring text layers.")] = False,
    exports_mode: Annotated[str, typer.Option(
        "--exports", help="auto: every export while the archive is small (<= 50,000 citations), else graph.html "
                          "and errors.csv only (`vanban export` writes the rest); all; none (errors.csv only).")
    ] = "auto",
    follow_symlinks: Annotated[bool, typer.Option(
        "--follow-symlinks", help="Read symlinks that lead outside the folders given (skipped by default).")] = False,
    prune: Annotated[bool, typer.Option(
        "--prune", help="Remove from the archive the files no longer in the folders given (listed otherwise).")] = False,
    max_pages: Annotated[int, typer.Option("--max-pages", min=0, help="Pages per file (0: no limit).")] = _LIMITS.pages,
    max_megapixels: Annotated[float, typer.Option("--max-megapixels", min=0,
                                                  help="Pixels per page image, in millions (0: no limit).")] = _LIMITS.megapixels,
    max_text_mb: Annotated[float, typer.Option("--max-text-mb", min=0,
                                               help="Megabytes per text file (0: no limit).")] = _LIMITS.text_mb,
    max_seconds: Annotated[float, typer.Option("--max-seconds", min=0,
                                               help="Seconds to read one file (0: no limit).")] = _LIMITS.seconds,
    max_memory_mb: Annotated[float, typer.Option("--max-memory-mb", min=0,
                                                 help="Memory of one worker process (0: no limit).")] = _LIMITS.memory_mb,
    profile: Annotated[bool, typer.Option("--profile", help="Print seconds and peak memory per stage (read, OCR, "
                                                            "restore, extract, store, exports).")] = False,
    csv_plain: Annotated[bool, typer.Option("--csv-plain", help="CSVs without the UTF-8 byte-order mark (which Excel "
                                                                "needs to show Vietnamese).")] = False,
    lang: Annotated[Optional[str], typer.Option("--lang", help="vanban.xlsx's sheet and column names: vi or en "
                                                               "(default: LANG, else vi).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="A searchable PDF/A of every scan into OUT/pdf/ (mirroring the "
                                                    "folders given), its text vanban's corrected reading.")] = False,
    sidecar: Annotated[bool, typer.Option("--sidecar", help="With --pdf: the corrected text beside each PDF "
                                                            "(.txt).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary (errors and failures "
                                                              "still on stderr; the exit code tells).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Progress and summary as JSON lines on stdout, for "
                                                         "scripts (start, one per file, end).")] = False,
) -> None:
    """Batch run over files and folders into the archive in --out (incremental by content hash). A file over a
    limit is recorded as failed and the batch goes on (SECURITY.md lists the limits)."""
    from .batch import EXPORT_MODES, Limits, run, shown
    from .exports.searchable_pdf import RunPdfs  # (OCRmyPDF is imported only when a PDF is made)

    _set_lang(lang)  # the summary's labels too
    if profile:
        from .stages import enable

        enable()  # each stage's own peak, in the workers too
    exports_mode = exports_mode.lower()  # options are case-insensitive: --exports ALL
    if exports_mode not in EXPORT_MODES:
        sys.stderr.write(f"error: unknown --exports {exports_mode!r} ({', '.join(EXPORT_MODES)})\n")
        raise typer.Exit(2)
    if quiet and as_json:
        sys.stderr.write("error: --quiet and --json: choose one\n")
        raise typer.Exit(2)
    for given in paths:
        if not Path(given).exists():
            _fail(VanbanError("read", f"{given}: no such file or folder"))
    pdfs = RunPdfs(paths, out, sidecar) if pdf else None
    with RunProgress("json" if as_json else "quiet" if quiet else "bar") as progress:

        def on_done(record, source: str) -> None:
            if pdfs:
                pdfs(record, source)
            progress.done(record, source)

        try:
            summary = run(paths, out, workers=workers, force=force, scheduler=scheduler, exports_mode=exports_mode,
                          force_ocr=force_ocr, on_start=progress.start, on_done=on_done,
                          follow_symlinks=follow_symlinks, prune=prune,
                          limits=Limits(pages=max_pages, megapixels=max_megapixels, text_mb=max_text_mb,
                                        seconds=max_seconds, memory_mb=max_memory_mb),
                          export_options=_export_options(csv_plain, lang))
        except Exception as exc:  # noqa: BLE001
            _fail(exc)
            return
    if as_json:
        from dataclasses import asdict

        progress.end({**asdict(summary), "exit_code": summary.exit_code})
    elif not quiet:
        _print_run_summary(summary, out)
    for skipped in summary.ignored:
        sys.stderr.write(f"skipped: {shown(skipped['source'])}: {shown(skipped['reason'])}\n")
    for failure in summary.failures:
        sys.stderr.write(f"failed: {shown(failure['source'])} [{failure['stage']}] {shown(failure['error'])}\n")
    if summary.failures:
        sys.stderr.write(f"failures listed in {out / 'errors.csv'}\n")
    for warning in summary.export_warnings:
        sys.stderr.write(f"warning: {warning}\n")
    for failure in summary.export_failures.values():
        sys.stderr.write(f"error: export failed: {failure}\n")
    if summary.stale_exports:
        why = "--exports none" if exports_mode == "none" else "a large archive"
        sys.stderr.write(f"exports not refreshed ({why}: {', '.join(summary.stale_exports)}): "
                         f"`vanban export --db {out}` writes them\n")
    for note in pdfs.finish() if pdfs else []:  # the PDFs are made once the run's workers are done
        sys.stderr.write(f"warning: {shown(note)}\n")
    if summary.interrupted:
        sys.stderr.write("interrupted: what was processed is stored; run again to finish\n")
    if profile and not as_json:  # (with --json the stages are in the summary's line)
        from .stages import table

        sys.stdout.write(table(summary.stages, summary.seconds, workers) + "\n")
    raise typer.Exit(summary.exit_code)


def _print_run_summary(summary, out: Path) -> None:
    """The run's two summary lines (and the files gone from the folder) on stdout."""
    from .batch import shown

    archive = summary.archive
    rate = (_(", %(rate)s pages/min") % {"rate": f"{summary.pages_per_minute:.0f}"}
            if summary.pages_per_minute else "")
    sys.stdout.write(
        _("%(files)s files: %(processed)s processed (%(pages)s pages%(rate)s), %(skipped)s unchanged, "
          "%(failed)s failed, in %(seconds)s s") % {
            "files": summary.files, "processed": summary.processed, "pages": summary.pages, "rate": rate,
            "skipped": summary.skipped, "failed": summary.failed, "seconds": f"{summary.seconds:.1f}"} + "\n"
        + _("archive %(out)s: %(documents)s documents, %(nodes)s nodes (%(stubs)s cited only, %(ambiguous)s "
            "ambiguous), %(edges)s citations") % {
            "out": out, "documents": archive.get("documents", 0), "nodes": archive.get("nodes", 0),
            "stubs": archive.get("stubs", 0), "ambiguous": archive.get("ambiguous", 0),
            "edges": archive.get("edges", 0)} + "\n"
    )
    if summary.missing:
        names = ", ".join(shown(name) for name in summary.missing[:10]) + (", …" if len(summary.missing) > 10 else "")
        files = f"{len(summary.missing)} file" + ("s" if len(summary.missing) > 1 else "")
        sys.stdout.write(f"{files} removed from the archive, no longer in the folder: {names}\n" if summary.pruned
                         else f"{files} no longer in the folder: {names} (vanban run --prune removes them)\n")


@app.command("pdf")
def pdf_command(
    source: Annotated[Path, typer.Argument(help="A scan: PDF, PNG, JPEG, TIFF.")],
    output: Annotated[Path, typer.Argument(help="The searchable PDF/A to write.")],
    redo_ocr: Annotated[bool, typer.Option("--redo-ocr", help="Replace a page's invisible text layer (a "
                                                              "scanner's bad OCR); its images are kept.")] = False,
    force_ocr: Annotated[bool, typer.Option("--force-ocr", help="Rasterise and read every page.")] = False,
    sidecar: Annotated[Optional[Path], typer.Option("--sidecar", help="Also write the corrected text here.")] = None,
) -> None:
    """A searchable PDF/A-2b of a scan (OCRmyPDF's habit): the page images untouched, an invisible text layer on
    the words' boxes whose text is vanban's corrected reading; a born-digital page keeps its own text."""
    from .exports.searchable_pdf import pdf_cli

    try:
        pdf_cli(source, output, redo_ocr, force_ocr, sidecar)
    except Exception as exc:  # noqa: BLE001
        _fail(exc)


@app.command("query")
def query_command(
    text: Annotated[list[str], typer.Argument(help="The question, e.g. \"what cites Plan 58\".")],
    db: Annotated[Path, typer.Option("--db", help="The archive folder.")] = Path("outputs"),
    depth: Annotated[int, typer.Option("--depth", min=1, help="Follow citations this many hops.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", min=0, help="At most this many rows.")] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many rows first.")] = 0,
    lang: Annotated[Optional[str], typer.Option("--lang", help=_LANG_HELP)] = None,
) -> None:
    """Answer a question over the archive: what cites X, what X cites, or both for a bare reference."""
    _set_lang(lang)
    from .archive.query import NoDocument, QueryError, answer

    question = " ".join(text)
    try:
        conn = store.connect(db, readonly=True)
        result = answer(conn, question, depth=depth, limit=limit, offset=offset)
    except NoDocument as exc:  # no document named: the words are looked up in the texts, as the web page does
        hits = store.search_text(conn, question, limit=limit or 20)
        if not hits:
            sys.stderr.write(f"error: {exc}; no text holds these words either\n")
            raise typer.Exit(2)
        print_texts(question, hits, as_json)
        return
    except QueryError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise typer.Exit(2)
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    print_answer(result)


@app.command("check")
def check_command(
    db: Annotated[Path, typer.Option("--db", help="The archive folder.")] = Path("outputs"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    lang: Annotated[Optional[str], typer.Option("--lang", help="vi or en (default: LANG, else vi).")] = None,
) -> None:
    """Letters resting (căn cứ) on documents no longer in force on their date, with what replaced them."""
    from .archive.check import HEADERS, check, table_rows
    from .web import i18n

    try:
        conn = store.connect(db, readonly=True)
        findings = check(conn)
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
        return
    if as_json:
        sys.stdout.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n")
        return
    _ = i18n.gettext_for(chosen_lang(lang))
    out.print(_("%(n)s letters rest on documents no longer in force on their date") % {"n": len(findings)})
    if findings:
        table = Table(*[_(h) for h in HEADERS])
        for row in table_rows(findings, _, i18n.day):
            table.add_row(*map(escape, row))
        out.print(table)


@app.command("graph")
def graph_command(
    db: Annotated[Path, typer.Option("--db", help="The archive folder.")] = Path("outputs"),
    fmt: Annotated[str, typer.Option("--format", help="html, gexf, graphml or json.")] = "html",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Where to write it.")] = None,
) -> None:
    """Export the citation graph."""
    from . import exports

    fmt = fmt.lower()  # options are case-insensitive: --format GEXF
    if fmt not in exports.FORMATS:
        sys.stderr.write(f"error: unknown format {fmt!r} ({', '.join(exports.FORMATS)})\n")
        raise typer.Exit(2)
    target = output or db / f"graph.{fmt}"
    report = _export(db, [(exports.FORMATS[fmt], target)])
    sys.stdout.write(f"{target}\n")
    raise typer.Exit(1 if report.failed else 0)


@app.command("export")
def export_command(
    db: Annotated[Path, typer.Option("--db", help="The archive folder.")] = Path("outputs"),
    out: Annotated[Optional[Path], typer.Option("--out", help="Where to write them (default: the archive folder).")
                   ] = None,
    csv_plain: Annotated[bool, typer.Option("--csv-plain", help="CSVs without the UTF-8 byte-order mark.")] = False,
    lang: Annotated[Optional[str], typer.Option("--lang", help="vanban.xlsx's sheet and column names: vi or en "
                                                               "(default: LANG, else vi).")] = None,
) -> None:
    """Write every export of the archive (graph.html, .gexf, .graphml, .json, the CSVs, vanban.xlsx), streamed
    from the store; each file is replaced atomically and one that fails does not stop the others."""
    from . import exports

    folder = out or db
    report = _export(db, [(name, folder / file) for name, (file, _, _) in exports.EXPORTS.items()],
                     _export_options(csv_plain, lang))
    for name, path in report.written.items():
        sys.stdout.write(f"{path}  ({report.seconds.get(name, 0):.1f} s)\n")
    raise typer.Exit(1 if report.failed else 0)


def _export_options(csv_plain: bool, lang: str | None):
    from .exports import ExportOptions

    return ExportOptions(bom=not csv_plain, lang=chosen_lang(lang))


def _export(db: Path, targets: list[tuple[str, Path]], options=None):
    from . import exports
    from .archive import store

    report = exports.ExportReport()
    try:
        conn = store.connect(db, readonly=True)
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
    for name, path in targets:
        exports.export(conn, name, path, report, *([options] if options else []))
    for warning in report.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    for failure in report.failed.values():
        sys.stderr.write(f"error: export failed: {failure}\n")
    return report


@app.command("serve")
def serve_command(
    db: Annotated[Path, typer.Option("--db", help="The archive folder.")] = Path("outputs"),
    host: Annotated[str, typer.Option("--host", help="The address to listen on (off loopback a password file "
                                                     "is required).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port (0: any free one).")] = 8765,
    password_file: Annotated[Optional[Path], typer.Option(
        "--password-file", help="Users and tokens allowed in (written by `vanban password`); every request then "
                                "needs them.")] = None,
    access_log: Annotated[Optional[Path], typer.Option(
        "--access-log", help="Where each request is logged (default with a password file: access.log in the "
                             "archive folder).")] = None,
) -> None:
    """A local web page for searching the archive and exploring the graph (read-only; Ctrl+C stops it)."""
    from .web import serve

    try:
        serve(db, host=host, port=port, announce=lambda line: sys.stdout.write(line + "\n") or sys.stdout.flush(),
              password_file=password_file, log_path=access_log)
    except KeyboardInterrupt:
        return
    except Exception as exc:  # noqa: BLE001
        _fail(exc)


@app.command("password")
def password_command(
    user: Annotated[str, typer.Argument(help="The user name (or the token's name with --token).")],
    file: Annotated[Path, typer.Option("--file", help="The password file to add the user to (created if need "
                                                      "be, readable by you only).")],
    token: Annotated[bool, typer.Option("--token", help="Make a bearer token instead of a password; it is "
                                                        "printed once.")] = False,
    stdin: Annotated[bool, typer.Option("--stdin", help="Read the password from standard input (scripts).")] = False,
) -> None:
    """Add a user (or a token) to a password file for `vanban serve --password-file`; an existing one is replaced."""
    from .web.access import AccessError, check_password, password_line, token_line, write_entry

    try:
        secret = None
        if token:
            line, secret = token_line(user)
        else:
            if stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = typer.prompt(f"Password for {user}", hide_input=True, confirmation_prompt=True)
            check_password(user, password)
            line = password_line(user, password)
        replaced = write_entry(file, line)
    except AccessError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise typer.Exit(2) from None
    except OSError as exc:
        _fail(exc)
        return
    what = f"token {user}" if token else f"user {user}"
    sys.stdout.write(f"{'replaced' if replaced else 'added'} {what} in {file}\n")
    if secret:
        sys.stdout.write(f"token (shown once; send it as 'Authorization: Bearer <token>'): {secret}\n")


@app.command("restore")
def restore_command(
    file: Annotated[Optional[str], typer.Argument(help="A text file, or - (default) for standard input.")] = "-",
    mode: Annotated[str, typer.Option("--mode", help="auto (line by line), strip (no marks at all) or garbled "
                                                     "(generic OCR output).")] = "auto",
) -> None:
    """Restore Vietnamese diacritics and repair OCR garble; prints the restored text (same lines)."""
    from nlp.restore import MODES, restore

    if mode not in MODES:
        sys.stderr.write(f"error: unknown mode {mode!r} ({', '.join(MODES)})\n")
        raise typer.Exit(2)
    try:
        if file in (None, "-"):
            text = _read_stdin()
        else:
            from .process import read_text_file

            text = prepare(read_text_file(Path(file)))
        result = restore(text, mode=mode)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line
        _fail(exc)
        return
    sys.stdout.write(result.text if result.text.endswith("\n") else result.text + "\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
