"""The `vanban` command's entry point: for `vanban run`, the fork server that the workers come from is started
before the CLI's own modules are imported, so that the two load side by side (see `warmup`); every command then
runs as `pipeline.cli` defines it."""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["run"] and not {"--help", "--scheduler"} & {arg.split("=")[0] for arg in args}:
        from . import prestart

        prestart()
    from ..cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
