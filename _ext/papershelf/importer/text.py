"""Text from an imported list: mis-decoded text repaired, and every piece of
markup that could run or pull in a file made into the text it was."""

from __future__ import annotations

import re
from functools import lru_cache

import ftfy
from markdown_it import MarkdownIt

from .. import model
from ..pagetext import longest_run


def repair_mojibake(text: str) -> str:
    """Undo text decoded with the wrong encoding (``LLMâ€™s`` -> ``LLM’s``);
    text that is right (``café``, Chinese) is left as it is."""
    return ftfy.fix_encoding(text)


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """CommonMark with tables: what a reading list on GitHub is written in."""
    return MarkdownIt("commonmark").enable("table")


# -- inert text ----------------------------------------------------------------

# an even number of backslashes (none, usually) before: the character is not escaped yet
_UNESCAPED = r"(?<!\\)((?:\\\\)*)"
_ROLE_RE = re.compile(_UNESCAPED + r"\{([\w:.+\-]+)\}(?=`)")
_TAG_RE = re.compile(_UNESCAPED + r"<(?!(?:https?://|mailto:)[^<>\s]*>)(?=[A-Za-z/!?])")
_LINK_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?"
                      r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_DEFINITION_RE = re.compile(r"^((?:\s*(?:[-*+]|\d{1,9}[.)]|>)\s+)*\s*)\[([^\]]+)\]:\s*<?(\S*?)>?(\s.*)?$")
_CODE_SPAN_RE = re.compile(r"(?<![`\\])(`+)(?!`)(?:.+?)(?<!`)\1(?!`)", re.DOTALL)
# lines MyST reads as something else than text: comments, targets, block breaks, colon fences
# (after any list or quote markers that open the line)
_LINE_START_RE = re.compile(r"^((?:\s*(?:[-*+]|\d{1,9}[.)]|>)(?:\s+|$))*\s*)(%|\(.*\)=\s*$|\+\+\+|:::)")


def _web_target(target: str) -> bool:
    if target.startswith("#") and not target.startswith("#/"):
        return True
    if target.lower().startswith("mailto:"):
        return True
    return model.check_url(target).value is not None and target.lower().startswith(("http://", "https://"))


def _inert_inline(text: str, found: set[str]) -> str:
    """One line of Markdown outside code: links only to the web, images as
    links, no raw HTML, no roles."""
    def link(match: re.Match[str]) -> str:
        bang, label, target = match.group(1), match.group(2), match.group(3)
        if _web_target(target):
            if bang:
                found.add("image shown as a link")
                return f"[{label or target}]({target})"
            return match.group(0)
        found.add("link to a file, not to the web, kept as text")
        return f"{label} ({target})" if label else f"({target})"

    # a role is {name} right before a backtick, whatever follows
    if _ROLE_RE.search(text):
        found.add("{role} syntax")
        text = _ROLE_RE.sub(r"\1\\{\2}", text)
    parts = []
    position = 0
    for span in _CODE_SPAN_RE.finditer(text):
        parts.append((text[position:span.start()], False))
        parts.append((span.group(0), True))
        position = span.end()
    parts.append((text[position:], False))
    out = []
    for part, code in parts:
        if code:
            out.append(part)
            continue
        changed = _LINK_RE.sub(link, part)
        if _TAG_RE.search(changed):
            found.add("raw HTML")
            changed = _TAG_RE.sub(r"\1\\<", changed)
        out.append(changed)
    return "".join(out)


def inert(text: str) -> tuple[str, list[str]]:
    """``text`` (Markdown) as MyST that shows what was written and does
    nothing else, and the kinds of markup that were made inert.

    Escaping can change how the text's blocks are read (a fence inside an
    HTML block becomes a fence once the HTML is escaped), so the result is
    read again, and made inert again, until no directive fence is live in it."""
    result, found = _inert_once(text)
    for _ in range(8):
        if not any(token.type == "fence" and token.info.strip().startswith("{")
                   for token in markdown().parse(result)):
            break
        result, more = _inert_once(result)
        found = sorted(set(found) | set(more))
    return result, found


def _inert_once(text: str) -> tuple[str, list[str]]:
    """One pass of :func:`inert`.

    A fence that MyST would run as a directive (```` ```{include} ````) is
    shown as code, fence line included; raw HTML, ``{role}`` syntax, comment
    and target lines, colon fences are escaped; links and images that point
    anywhere but the web become text."""
    lines = text.split("\n")
    code: set[int] = set()
    wrapped: dict[int, int] = {}     # first line -> end of a directive fence shown as code
    for token in markdown().parse(text):
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "fence":
            code.update(range(start, end))
            if token.info.strip().startswith("{"):
                wrapped[start] = end
        elif token.type == "code_block":
            code.update(range(start, end))
    found: set[str] = set()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if index in wrapped:
            end = wrapped[index]
            block = lines[index:end]
            fence = "`" * max(3, longest_run("\n".join(block), "`") + 1)
            indent = re.match(r"\s*", line).group(0)
            found.add("directive shown as code: " + line.strip().lstrip("`~").split()[0]
                      if line.strip().lstrip("`~") else "directive shown as code")
            out.extend([indent + fence + "text", *block, indent + fence])
            index = end
            continue
        if index in code:
            out.append(line)
            index += 1
            continue
        start = _LINE_START_RE.match(line)
        if start:
            found.add("MyST line syntax")
            line = start.group(1) + "\\" + line[len(start.group(1)):]
        definition = _DEFINITION_RE.match(line)
        if definition and not _web_target(definition.group(3)):
            found.add("link to a file, not to the web, kept as text")
            line = definition.group(1) + "\\" + line[len(definition.group(1)):]
        out.append(_inert_inline(line, found))
        index += 1
    return "\n".join(out), sorted(found)


def plain(text: str) -> str:
    """Inline Markdown reduced to its words, for a title or a heading: the
    emphasis markers go, link labels stay, whitespace is one space."""
    text = re.sub(r"(?<!\\)(\*\*|__)(.+?)\1", r"\2", text)
    return " ".join(text.split())
