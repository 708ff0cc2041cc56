"""A paper's summary and notes made inert before they reach a page.

Notes come from many hands (pull requests, imported lists), so what MyST made
of them is checked before it is kept: raw HTML (a ``<script>`` in a note, a
``{raw} html`` block, ``.. raw:: html`` through ``{eval-rst}``) is sanitized
by :func:`papershelf.sanitize.sanitize_html`; raw output for other formats
(LaTeX can read files) is removed; links whose scheme is not http, https or
mailto become text; math that MathJax could turn into a script link becomes
text; and anything read from another file of the build machine (``{include}``,
``literalinclude``, ``raw`` with ``:file:``) is removed.  Each change is a
``papershelf.html`` warning with the file and line.  A site whose every
author is trusted turns this off with ``papershelf_trust_html = True``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from .diagnostics import warn
from .sanitize import ALLOWED_TAGS, Sanitized, sanitize_html, unsafe_math, url_scheme

#: one tag alone, as MyST splits inline HTML: ``<sub>``, ``</sub>``
_LONE_TAG_RE = re.compile(r"\s*<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?>\s*", re.S)
_VOID = frozenset({"br", "img", "hr", "wbr", "area", "col", "embed", "input", "source", "track"})

#: schemes a link in a note may have (None: a relative link)
LINK_SCHEMES = frozenset({None, "http", "https", "mailto"})


def make_inert(body: list[nodes.Node], document: nodes.document, docname: str,
               lines: range, inside_site: Callable[[str], bool] = lambda uri: False) -> list[nodes.Node]:
    """``body`` with everything that could run or pull in a file made safe.
    ``lines`` are the entry's lines in its page: a warning names the line of
    the node at fault when it is one of them (nested parsers, such as
    ``{eval-rst}``, number lines their own way), else the entry's first.
    ``inside_site`` says whether a relative image or download address stays in
    the site's own folder."""
    own = _own_source(document)
    kept: list[nodes.Node] = []
    for node in body:
        if _foreign(node, own):
            _warn(f"{_describe(node)} reads another file; it is left out", node, docname, lines)
            continue
        holder = nodes.container()
        holder += node
        _clean_tree(holder, own, docname, lines, inside_site)
        kept.extend(holder.children)
    return kept


def _clean_tree(root: nodes.Element, own: str, docname: str, lines: range,
                inside_site: Callable[[str], bool]) -> None:
    # text is never foreign, raw, a link, math, an image or a download
    for node in list(root.findall(nodes.Element, include_self=False)):
        if not _attached(node, root):
            continue   # removed with an ancestor
        if _foreign(node, own):
            _warn(f"{_describe(node)} reads another file; it is left out", node, docname, lines)
            node.parent.remove(node)
        elif isinstance(node, nodes.raw):
            _clean_raw(node, docname, lines)
        elif isinstance(node, nodes.reference) and "refuri" in node:
            scheme = url_scheme(node["refuri"])
            if scheme not in LINK_SCHEMES:
                _warn(f"a {scheme}: link is not allowed in notes; it is shown as text", node, docname, lines)
                node.replace_self(nodes.inline(node.astext(), node.astext()))
        elif isinstance(node, (nodes.math, nodes.math_block)):
            _inert_math(node, docname, lines)
        elif isinstance(node, nodes.image):
            uri = node.get("uri", "")
            scheme = url_scheme(uri)
            if scheme not in (None, "http", "https"):
                _warn(f"an image with a {scheme}: address is left out", node, docname, lines)
                node.parent.remove(node)
            elif scheme is None and not inside_site(uri):
                _warn(f"the image {uri!r} is outside the site's folder; it is left out", node, docname, lines)
                node.parent.remove(node)
        elif isinstance(node, addnodes.download_reference):
            target = node.get("reftarget", "")
            if url_scheme(target) is None and not inside_site(target):
                _warn(f"the download {target!r} is outside the site's folder; it is shown as text",
                      node, docname, lines)
                node.replace_self(nodes.inline(node.astext(), node.astext()))


def make_math_inert(body: list[nodes.Element], docname: str, lines: range) -> None:
    """In ``body``, paragraphs and lists of plain text with ``$...$`` math
    (:mod:`papershelf.plaintext` makes them: math is the one thing in them
    that could run), show math that MathJax could turn into a script link
    as text, as :func:`make_inert` shows it."""
    for node in body:
        for formula in list(node.findall(nodes.math)):
            _inert_math(formula, docname, lines)


def _inert_math(node: nodes.math | nodes.math_block, docname: str, lines: range) -> None:
    reason = unsafe_math(node.astext())
    if reason:
        _warn(f"math with {reason} is shown as text", node, docname, lines)
        shown = (nodes.literal(node.astext(), node.astext()) if isinstance(node, nodes.math) else
                 nodes.literal_block(node.astext(), node.astext()))
        shown.source, shown.line = node.source, node.line
        node.replace_self(shown)


def _attached(node: nodes.Node, root: nodes.Element) -> bool:
    while node.parent is not None:
        node = node.parent
    return node is root


def _clean_raw(node: nodes.raw, docname: str, lines: range) -> None:
    formats = node.get("format", "").split()
    if "html" not in formats:
        _warn(f"raw {node.get('format', '')} output is not allowed in notes; it is left out",
              node, docname, lines)
        node.parent.remove(node)
        return
    text = node.astext()
    lone = _LONE_TAG_RE.fullmatch(text)
    if lone and lone.group(2).lower() not in _VOID:
        # MyST gives each tag of inline HTML its own node ("<sub>", "2",
        # "</sub>"): a lone tag is judged as the element it opens or closes
        tag = lone.group(2).lower()
        if lone.group(1):
            cleaned = Sanitized(text if tag in ALLOWED_TAGS else "",
                                () if tag in ALLOWED_TAGS else (f"</{tag}> tag",))
        else:
            whole = sanitize_html(f"{text}</{tag}>")
            opening = whole.html.removesuffix(f"</{tag}>") if whole.html.endswith(f"</{tag}>") else ""
            cleaned = Sanitized(opening, whole.removed if opening else whole.removed or (f"<{tag}> element",))
    else:
        cleaned = sanitize_html(text)
    if cleaned.removed:
        _warn(f"HTML removed from the notes: {', '.join(cleaned.removed)}", node, docname, lines)
    node.clear()
    node += nodes.Text(cleaned.html)
    node["format"] = "html"


def _own_source(document: nodes.document) -> str:
    return document.get("source") or document.current_source or ""


@functools.lru_cache(maxsize=1024)
def _same_file(one: str, two: str) -> bool:
    return Path(one).resolve() == Path(two).resolve()


def _foreign(node: nodes.Node, own: str) -> bool:
    """Whether ``node`` was read from a file other than the page's own."""
    if not isinstance(node, nodes.Element):
        return False
    if isinstance(node, nodes.raw) and node.get("source"):
        return True   # ``raw`` with ``:file:`` or ``:url:``
    if isinstance(node, nodes.literal_block) and node.get("source") and not _same_file(node["source"], own):
        return True   # ``literalinclude``
    source = node.source
    if not source or not own or source == own or source.startswith("<"):
        return False
    return not _same_file(source, own)


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.raw):
        return "a raw block"
    if isinstance(node, nodes.literal_block):
        return "an included file"
    return "included text"


def _warn(message: str, node: nodes.Node, docname: str, lines: range) -> None:
    line = getattr(node, "line", None)
    warn(message, "html", (docname, line if line in lines else lines.start))
