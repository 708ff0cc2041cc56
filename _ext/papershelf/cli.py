"""Command-line tools that run outside Sphinx.

``python -m papershelf venue "ICLR 2025 Ratings 8 6 6 5"`` shows how a venue
string is understood, the same way the ``paper`` directive reads it.

``python -m papershelf import LIST.md --out papers/notes`` turns a Markdown
reading list (or a ``.bib`` file) into topic pages of ``paper`` directives.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence

from . import __version__
from .importer import add_arguments as add_import_arguments
from .venues import VENUE_KINDS, VenueParser


def _venue(args: argparse.Namespace) -> int:
    aliases = {}
    for entry in args.alias or []:
        alias, _, rest = entry.partition("=")
        name, _, kind = rest.partition(":")
        if not alias or not name or (kind and kind not in VENUE_KINDS):
            print(f"papershelf: --alias takes ALIAS=NAME[:KIND], KIND one of "
                  f"{', '.join(VENUE_KINDS)}; got {entry!r}", file=sys.stderr)
            return 2
        aliases[alias] = (name, kind or "conference")
    parser = VenueParser(aliases)
    results = [dataclasses.asdict(parser.parse(text)) | {"label": parser.parse(text).label}
               for text in args.venues]
    if args.json:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for result in results:
        extras = ", ".join(result["extras"])
        ratings = " ".join(map(str, result["ratings"]))
        print(f"{result['raw']!r}: {result['label'] or '-'} [{result['kind']}]"
              + (f" month {result['month']}" if result["month"] else "")
              + (f" extras: {extras}" if extras else "")
              + (f" ratings: {ratings}" if ratings else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m papershelf",
                                     description="Papershelf command-line tools.")
    parser.add_argument("--version", action="version", version=f"papershelf {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    venue = commands.add_parser("venue", help="show how venue strings are understood")
    venue.add_argument("venues", nargs="+", metavar="VENUE", help="a venue string, as written")
    venue.add_argument("--alias", action="append", metavar="ALIAS=NAME[:KIND]",
                       help="an extra venue alias, as papershelf_venue_aliases would add")
    venue.add_argument("--json", action="store_true", help="print JSON")
    venue.set_defaults(handler=_venue)

    importer = commands.add_parser("import", help="turn a Markdown or BibTeX reading list into topic pages")
    add_import_arguments(importer)

    from .sources.commands import register as register_sources
    register_sources(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except BrokenPipeError:
        # the reader went away (``... | head``): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
