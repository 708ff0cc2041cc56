"""Paragraphs and bullet lists of plain text, made without a Markdown parse.

Most summaries and many notes are a paragraph or two of words, or a short
list of one-line points: no emphasis, no link, nothing a Markdown parser
would turn into anything but text.  MyST would still start a nested parse
for each entry (a token stream, a syntax tree, a render pass), which is a
good part of what an entry costs to read.  :func:`leading_blocks` finds the
paragraphs and lists at the top of an entry's body that are certainly plain
and :func:`block_node` makes the nodes MyST makes of them, with the same
text, lines and source; the rest of the body goes to MyST as before.

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
  paragraph a definition list's term;
* a list is tight, each item one line (``- ``, ``* `` or ``+ `` and text by
  the rules above), every item with the same marker, and nothing after it
  can belong to it (see :func:`leading_blocks`).

MyST settings that change plain text (``linkify``, ``gfm_autolink``,
``replacements``, ``section_ref``, ``smartquotes``, substitutions between
other delimiters than braces, ``disable_syntax``, the CommonMark- and
GFM-only modes), in
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
#: MyST extensions that rewrite plain text (web addresses and e-mail
#: addresses become links with ``linkify`` and ``gfm_autolink``, "§1.2" a
#: section reference with ``section_ref``)
_REWRITING = frozenset({"linkify", "gfm_autolink", "replacements", "section_ref", "smartquotes"})
#: a following block starting with one of these makes a paragraph a definition list's term
_TERM_MARKERS = (":", "~")
#: the markers of a bullet list's items
_BULLETS = ("-", "*", "+")

#: a block of plain text: (index of its first line, its lines, its bullet or "")
Block = tuple[int, list[str], str]


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
    off (``disable_syntax``), not the CommonMark- or GFM-only modes, and
    substitutions only between delimiters the shortcut already takes for
    markup."""
    if config is None:
        return False
    return (_REWRITING.isdisjoint(config.enable_extensions)
            and not config.gfm_only and not config.commonmark_only and not list(config.disable_syntax)
            and ("substitution" not in config.enable_extensions or set("".join(config.sub_delimiters)) <= _MARKUP))


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


def _list_item(line: str, math: bool) -> str | None:
    """The text of ``line`` when it is a bullet list item of plain text
    (``- text``, ``* text`` or ``+ text``: the marker, one space, then what a
    plain line may start with); else ``None``."""
    if len(line) < 3 or line[0] not in _BULLETS or line[1] != " ":
        return None
    text = line[2:]
    return text if _plain_line(text, math) and _plain_text(text, math) else None


def leading_blocks(lines: Sequence[str], math: bool = False) -> tuple[list[Block], int]:
    """The plain blocks at the top of ``lines`` and the index of the first
    line of what follows them (``len(lines)`` when nothing does).

    A block is ``(index of its first line, its lines, bullet)``: a paragraph
    (``bullet`` is ``""``), or a tight bullet list of one-line items of plain
    text, all with the same marker (``bullet`` is that marker; the lines are
    the items' texts).  With ``math``, text may hold ``$...$`` math (see
    :func:`math_allowed`).

    What follows a list must not belong to it: a block after it that starts
    with a space or a tab (a paragraph of its last item, or code), or with
    the same marker (the list going on, loose), ends the shortcut before the
    list, so that MyST reads the two together."""
    blocks: list[Block] = []
    count = len(lines)
    index = 0
    while True:
        while index < count and _blank(lines[index]):
            index += 1
        if index == count:
            return blocks, count
        end = index
        while end < count and not _blank(lines[end]):
            end += 1
        block = list(lines[index:end])
        following = end
        while following < count and _blank(lines[following]):
            following += 1
        after = lines[following] if following < count else ""
        bullet = block[0][:1] if block[0][:1] in _BULLETS else ""
        if bullet:
            items = [_list_item(line, math) if line[:1] == bullet else None for line in block]
            if None in items or after[:1] in (" ", "\t", bullet):
                return blocks, index
            block = items
        elif not all(_plain_line(line, math) for line in block) or not _plain_text("\n".join(block), math):
            return blocks, index
        elif after.lstrip(" \t").startswith(_TERM_MARKERS):
            # a definition list's term
            return blocks, index
        blocks.append((index, block, bullet))
        index = end


def block_node(block: Block, line: int, document: nodes.document, math: bool = False) -> nodes.Element:
    """The node MyST makes of a block :func:`leading_blocks` found, whose
    first line is ``line``."""
    _, lines, bullet = block
    if not bullet:
        return paragraph(lines, line, document, math)
    source = document["source"]
    listing = nodes.bullet_list(bullet=bullet)
    listing.line, listing.source = line, source
    for number, text in enumerate(lines):
        item = nodes.list_item()
        item.line, item.source = line + number, source
        item += paragraph([text], line + number, document, math)
        listing += item
    return listing


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
