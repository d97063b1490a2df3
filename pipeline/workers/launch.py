"""The `vanban` command's entry point: for `vanban run`, the fork server that the workers come from is started
before the CLI's own modules are imported, so that the two load side by side (see `warmup`); every command then
runs as `pipeline.cli` defines it, and the process ends without tearing its modules down (`_leave`)."""

from __future__ import annotations

import atexit
import os
import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["run"] and not {"--help", "--scheduler"} & {arg.split("=")[0] for arg in args}:
        from . import prestart

        prestart()
    from ..cli import main as cli_main

    try:
        cli_main()
    except SystemExit as done:
        _leave(done.code)
    _leave(0)


def _leave(code: object) -> None:
    """End the command once its work is done: the exit handlers run (multiprocessing's, logging's, any other),
    the standard streams are flushed, then the process exits without the interpreter's teardown of every module and
    object — 0.13 s after a run of 100 texts, with numpy, networkx and openpyxl loaded, in which the caller (a
    shell, a script reading the output) waits for nothing. Files, the archive and the exports are closed by the
    command itself before this point."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # SystemExit("message"): Python prints the message and exits with 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # a closed pipe or stream: nothing more can reach it
            pass
    os._exit(status)


if __name__ == "__main__":
    main()
