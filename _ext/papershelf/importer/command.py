"""``python -m papershelf import``: its arguments and what it does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", type=Path, metavar="SOURCE",
                        help="the reading list: Markdown (.md, .txt) or BibTeX (.bib)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="folder for the pages (one per topic, a folder per group)")
    parser.add_argument("--title", help="title of the folder's index page (default: from the file name)")
    parser.add_argument("--report", type=Path, metavar="REPORT.json", help="also write the report as JSON")
    parser.add_argument("--force", action="store_true",
                        help="replace the pages an earlier import wrote in the folder (and only those)")
    parser.add_argument("--split-by", choices=("keywords", "groups"),
                        help="BibTeX: one page per first keyword or per group, instead of one page")
    parser.add_argument("--verbose", action="store_true",
                        help="list routine repairs and tags too (http arXiv links made https, ...)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from . import ConservationError, SourceError, TargetError, import_list, into_site, summary_text

    try:
        data = import_list(args.source, args.out, title=args.title, force=args.force,
                           report_path=args.report, split_by=args.split_by)
    except (TargetError, ConservationError, SourceError) as error:
        print(f"papershelf import: {error}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as error:
        print(f"papershelf import: {args.source}: not UTF-8 text ({error.reason} at byte {error.start})",
              file=sys.stderr)
        return 1
    except OSError as error:
        print(f"papershelf import: {error.filename or args.source}: {error.strerror or error}", file=sys.stderr)
        return 1
    written = f"wrote {len(data['pages'])} pages under {args.out}"  # type: ignore[arg-type]
    if data.get("removed_pages"):
        written += f", removed {len(data['removed_pages'])} pages of the earlier import"  # type: ignore[arg-type]
    if args.report:
        try:
            args.report.parent.mkdir(parents=True, exist_ok=True)
            args.report.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            print(f"papershelf import: --report {args.report}: {error.strerror or error}", file=sys.stderr)
            return 1
        written += f"; report in {args.report}"
    print(summary_text(data, verbose=args.verbose))
    print(written)
    print(into_site(args.out))
    return 0
