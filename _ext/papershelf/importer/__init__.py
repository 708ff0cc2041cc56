"""Turn a reading list (Markdown or BibTeX) into topic pages of ``paper``
directives.

The Markdown reader (``markdown.py``) takes the block structure from
markdown-it-py's CommonMark tokens (headings, lists, nesting, tables, quotes,
code) and adds the lenient readings a real list needs (``lenient.py``): where a
title ends, its venue, its category markers as tags, ``1.**Title**``, a bullet
``Title, VENUE``.  The BibTeX reader (``bibtex.py``) reads a ``.bib`` file with
bibtexparser.  Both give a :class:`~.structure.ReadingList`; ``pages.py``
writes it, ``files.py`` puts it on disk and into the site, ``report.py`` counts
it.  Nothing is dropped silently: every entry-like item becomes a paper or a
report line (entries seen = papers written + entries reported, checked before
anything is written), and every repair is reported with its source line.
Everything copied from the source is made inert text (``text.py``).

Pure Python, no Sphinx: the same code runs from the command line and in tests.
"""

from __future__ import annotations

import re
from pathlib import Path

from .command import add_arguments, run
from .files import MANIFEST, TargetError, check_targets, into_site, write_pages
from .links import repair_link
from .markdown import MarkdownReader
from .pages import assign_keys, assign_slugs, render_entry, render_pages
from .report import REPORT_VERSION, ConservationError, check_conservation, report, summary_text
from .structure import Entry, ReadingList, SourceError
from .text import inert, repair_mojibake

__all__ = [
    "MANIFEST", "REPORT_VERSION", "ConservationError", "Entry", "ReadingList", "SourceError", "TargetError",
    "add_arguments", "import_list", "inert", "into_site", "parse", "parse_bibtex", "render_entry", "render_pages",
    "repair_link", "repair_mojibake", "report", "run", "summary_text",
]


def _finish(reading_list: ReadingList) -> ReadingList:
    assign_slugs(reading_list)
    assign_keys(reading_list)
    reading_list.problems.sort(key=lambda problem: problem.line)
    return reading_list


def parse(text: str, title: str) -> ReadingList:
    """A Markdown reading list, read."""
    return _finish(MarkdownReader(text, title).read())


def parse_bibtex(text: str, title: str, split_by: str | None = None) -> ReadingList:
    """A BibTeX file, read: one topic, or one per keyword or group."""
    from .bibtex import BibtexReader

    return _finish(BibtexReader(text, title, split_by).read())


def import_list(source: Path, out: Path, title: str | None = None, force: bool = False,
                report_path: Path | None = None, split_by: str | None = None) -> dict[str, object]:
    """Read ``source`` (Markdown, or BibTeX for a ``.bib`` file), write its
    pages under ``out`` and return the report.  The folder and report path
    are checked, and the list's conservation invariant, before anything is
    written; ``force`` replaces the pages of the previous import."""
    check_targets(out, report_path, force)
    text = source.read_text(encoding="utf-8-sig")
    name = title or _title_from_name(source)
    if source.suffix.lower() == ".bib":
        reading_list = parse_bibtex(text, name, split_by)
    else:
        reading_list = parse(text, name)
    check_conservation(reading_list)
    pages = render_pages(reading_list)
    removed = write_pages(out, pages, source.name)
    data = report(reading_list, source.name, pages)
    data["removed_pages"] = removed
    return data


def _title_from_name(source: Path) -> str:
    words = re.sub(r"[_\-]+", " ", source.stem).strip()
    return words[:1].upper() + words[1:] if words else "Papers"
