"""Paragraphs of plain text, made without a Markdown parse.

Most summaries and many notes are a paragraph or two of words: no emphasis,
no link, no math, nothing a Markdown parser would turn into anything but
text.  MyST would still start a nested parse for each entry (a token stream,
a syntax tree, a render pass), which is a good part of what an entry costs to
read.  :func:`leading_paragraphs` finds the paragraphs at the top of an
entry's body that are certainly plain and :func:`paragraph` makes the node
MyST makes of them, with the same text, line and source; the rest of the
body goes to MyST as before.

"Certainly plain" is judged by the characters alone, conservatively (with
MyST's default ``dollarmath``, ``$...$`` inline math is taken too):

* no character that starts or ends any Markdown or MyST construct anywhere
  in a line (emphasis, code, links, HTML, entities, escapes, math, roles,
  substitutions, attributes, strikethrough, tables);
* a line starts with a letter or a non-ASCII character, so it cannot open a
  block (heading, list, quote, fence, comment, target, field list, numbered
  list, indented code) and cannot be a setext underline;
* every character is printable and no line ends with a space, so there are no
  tabs, hard breaks or odd whitespace to normalise;
* the next block does not start with ``:`` or ``~``, which would make the
  paragraph a definition list's term.

MyST settings that change plain text (``linkify``, ``replacements``,
``smartquotes``, ``disable_syntax``, the CommonMark- and GFM-only modes), in
``conf.py`` or in a page's ``myst:`` front matter, turn the shortcut off: see
:func:`myst_config` and :func:`allowed`.  A test builds pages of random text both
ways and compares the doctrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docutils import nodes

#: characters that may begin or end a Markdown or MyST construct mid-line
_MARKUP = frozenset("`*_[]<>&\\${}|~")
#: MyST extensions that rewrite plain text
_REWRITING = frozenset({"linkify", "replacements", "smartquotes"})
#: a following block starting with one of these makes a paragraph a definition list's term
_TERM_MARKERS = (":", "~")


def myst_config(env: Any) -> Any | None:
    """The MyST configuration the current page is parsed with: the site's
    (``env.myst_config``), with the page's own ``myst:`` front matter merged
    in as MyST merges it; ``None`` when it cannot be known (then no shortcut
    is taken).  Read once per page."""
    memo = env.temp_data.get("papershelf_myst_config", _UNKNOWN)
    if memo is not _UNKNOWN:
        return memo
    config = getattr(env, "myst_config", None)
    if config is not None:
        try:
            from myst_parser.config.main import merge_file_level, read_topmatter

            text = Path(env.doc2path(env.docname)).read_text(encoding="utf-8-sig", errors="replace")
            topmatter = read_topmatter(text)
            if topmatter:
                config = merge_file_level(config, topmatter, lambda *args: None)
        except Exception:  # noqa: BLE001 - any doubt about the page's settings: no shortcut
            config = None
    env.temp_data["papershelf_myst_config"] = config
    return config


_UNKNOWN = object()


def allowed(config: Any) -> bool:
    """Whether MyST, configured as ``config`` (a ``MdParserConfig``), leaves
    plain text as it is: no extension that rewrites text, no syntax turned
    off (``disable_syntax``), not the CommonMark- or GFM-only modes."""
    return (config is not None and _REWRITING.isdisjoint(config.enable_extensions)
            and not config.gfm_only and not config.commonmark_only and not list(config.disable_syntax))


def math_allowed(config: Any) -> bool:
    """Whether ``$...$`` is inline math, read as MyST reads it by default:
    the ``dollarmath`` extension with spaces and digits next to the dollars
    allowed and no ``$$`` inside a line."""
    return ("dollarmath" in config.enable_extensions and config.dmath_allow_space is True
            and config.dmath_allow_digits is True and not config.dmath_double_inline)


def _blank(line: str) -> bool:
    return not line.strip(" \t")


def _plain_line(line: str, math: bool) -> bool:
    """A line that cannot open a block and has nothing to normalise."""
    first = line[:1]
    return (bool(first) and (first.isalpha() or not first.isascii() or (math and first == "$" and line[1:2] != "$"))
            and line.isprintable() and line[-1] != " ")


def _plain_text(text: str, math: bool) -> bool:
    """Text with no markup, or (``math``) with ``$...$`` math and no markup
    outside it."""
    if not math or "$" not in text:
        return _MARKUP.isdisjoint(text)
    if "$$" in text or "\\$" in text or text.count("$") % 2:
        return False
    return all(_MARKUP.isdisjoint(outside) for outside in text.split("$")[::2])


def leading_paragraphs(lines: Sequence[str], math: bool = False) -> tuple[list[tuple[int, list[str]]], int]:
    """The plain paragraphs at the top of ``lines``, each as (index of its
    first line, its lines), and the index of the first line of what follows
    them (``len(lines)`` when nothing does).  With ``math``, a paragraph may
    hold ``$...$`` math (see :func:`math_allowed`)."""
    paragraphs: list[tuple[int, list[str]]] = []
    count = len(lines)
    index = 0
    while True:
        while index < count and _blank(lines[index]):
            index += 1
        if index == count:
            return paragraphs, count
        end = index
        while end < count and not _blank(lines[end]):
            end += 1
        block = list(lines[index:end])
        if not all(_plain_line(line, math) for line in block) or not _plain_text("\n".join(block), math):
            return paragraphs, index
        following = end
        while following < count and _blank(lines[following]):
            following += 1
        if following < count and lines[following].lstrip(" \t").startswith(_TERM_MARKERS):
            return paragraphs, index
        paragraphs.append((index, block))
        index = end


def paragraph(lines: list[str], line: int, document: nodes.document, math: bool = False) -> nodes.paragraph:
    """The paragraph MyST makes of plain ``lines`` starting on ``line``: its
    text nodes split at the line breaks, as MyST's soft breaks are, and
    (``math``) a math node for each ``$...$``, on the paragraph's line.  As
    MyST does, the document's current line moves to it (nodes made later
    without a line of their own take that one)."""
    text = "\n".join(lines)
    source = document["source"]
    node = nodes.paragraph(text)
    node.line = document.current_line = line
    node.source = source
    for number, piece in enumerate(text.split("$") if math else (text,)):
        if number % 2:
            formula = nodes.math(piece, piece)
            formula.line, formula.source = line, source
            node += formula
            continue
        for part_number, part in enumerate(piece.split("\n")):
            if part_number:
                node += nodes.Text("\n")
            if part:
                node += nodes.Text(part)
    return node
