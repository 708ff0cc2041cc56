"""The ``paper`` directive's option block, read from its source lines.

MyST reads a directive's options as one YAML document: one line it cannot
read (a tab after the colon, ``:venue:ICLR 2024``, an unterminated quote)
costs the entry every option, and other lines are misread without a word.
This module reads the block line by line instead, so that a bad line costs
only itself, and says what it did with every line it did not read exactly as
written.  No Sphinx import: the directive turns each :class:`Problem` into a
warning with the file and line.

The rules, in the order a line meets them:

* The block is either MyST's YAML block (``---`` ... ``---`` at the top) or
  ``:name: value`` lines at the top, or a YAML block followed by such lines.
  It ends at the first blank line or the first line that is not an option.
* Tabs, no-break spaces and other Unicode spaces count as whitespace; each one
  is read as a plain space (or dropped around the name) with a problem.
  Trailing spaces and tabs are trimmed silently; any other trailing character
  that is trimmed is reported.
* ``:venue:ICLR 2024`` is ``:venue: ICLR 2024``; ``: venue: x`` is ``:venue:``;
  ``:Venue:`` is ``:venue:``; an indented option line is an option line.
* A duplicate option: **the first one wins**; each later one is reported and
  not applied.
* An unknown name is reported, with the closest known name, and not applied.
* Indented lines after an option continue its value, joined with a space.
  ``:name: |`` or ``:name: >`` followed by indented lines is a YAML block
  scalar: ``|`` keeps the lines apart (newlines), ``>`` joins them with spaces.
* A value wrapped in matching quotes loses them; an unterminated quote and a
  value starting with ``>`` or ``|`` (with text after it) are kept as written.
* A line that starts like a known option but has no ``:`` after the name
  (``:venue ICLR``) is reported and not applied; the block goes on.
* An option-looking line in the body (after a blank line or after a line that
  is not an option) is not applied and is reported, except inside a fenced
  block of the body (a code block or a nested directive has options of its
  own).
"""

from __future__ import annotations

import difflib
import re
import textwrap
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass


__all__ = ["OptionBlock", "Problem", "read_options"]


@dataclass(frozen=True)
class Problem:
    """One line not read exactly as written: its source line and what was done."""

    lineno: int
    message: str


@dataclass(frozen=True)
class OptionBlock:
    """What :func:`read_options` read.

    ``options`` maps each applied option's name to its value; ``option_lines``
    gives the source line of each.  ``body`` is the directive's content after
    the option block (leading blank lines dropped), starting on ``body_lineno``.
    """

    options: dict[str, str]
    option_lines: dict[str, int]
    body: list[str]
    body_lineno: int
    problems: tuple[Problem, ...]


#: Zero-width characters that are read as (invisible) whitespace around names.
_INVISIBLE = "\u200b\u2060\ufeff"
_INVISIBLE_SET = frozenset(_INVISIBLE)
#: Trailing characters trimmed without a word.
_QUIET_TRAILING = " \t\r\n"

_WS = r"[\s\u200b\u2060\ufeff]"
_OPTION_RE = re.compile(
    rf"^(?P<indent>{_WS}*):(?P<pre>{_WS}*)(?P<name>[^\W\d][\w-]*)(?P<post>{_WS}*):(?P<rest>.*)$",
    re.DOTALL)
#: A known name after a leading ``:`` but no ``:`` after it (``:venue ICLR``).
_NEAR_RE = re.compile(rf"^{_WS}*:{_WS}*(?P<name>[^\W\d][\w-]*)(?!{_WS}*:|[\w-])")
#: A known name with its colons misplaced: ``venue: x``, ``;venue:``, ``::venue: x``, ``:2venue:``.
_LOOSE_RE = re.compile(r"^[^\w\s]*\d*(?P<name>[A-Za-z][A-Za-z-]*) *:(?P<rest>.*)$", re.DOTALL)
_BLOCK_SCALAR_RE = re.compile(r"^(?P<style>[|>])(?:[+-]?[1-9]?|[1-9][+-])$")
_FENCE_RE = re.compile(r"^(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$", re.DOTALL)

_SPACE_NAMES = {
    " ": "space", "\t": "tab", "\v": "vertical tab", "\f": "form feed",
    "\r": "carriage return", "\n": "line feed", "\xa0": "no-break space",
    "\u200b": "zero-width space", "\u2060": "word joiner", "\ufeff": "byte order mark",
    "\u3000": "ideographic space", "\u202f": "narrow no-break space",
}


def _is_space(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE


#: every character :func:`_is_space` is true of, for ``str.strip`` (no
#: character above U+3000 is whitespace; a test checks)
_SPACES = "".join(chr(code) for code in range(0x3001) if chr(code).isspace()) + _INVISIBLE


def _is_blank(line: str) -> bool:
    return not line.strip(_SPACES)


def _char_name(char: str) -> str:
    if char in _SPACE_NAMES:
        return _SPACE_NAMES[char]
    name = unicodedata.name(char, "").lower() or "character"
    return f"{name} (U+{ord(char):04X})"


def _names(chars: str) -> str:
    """``"tab and no-break space"`` for the distinct characters of ``chars``."""
    seen = list(dict.fromkeys(_char_name(char) for char in chars))
    return seen[0] if len(seen) == 1 else ", ".join(seen[:-1]) + " and " + seen[-1]


def _rstrip(line: str) -> tuple[str, str | None]:
    """The line without trailing whitespace, and a note when what was trimmed
    is more than spaces and tabs."""
    kept = line.rstrip(_SPACES)
    tail = line[len(kept):]
    loud = tail.strip(_QUIET_TRAILING) and "".join(char for char in tail if char not in _QUIET_TRAILING)
    return kept, (f"trailing {_names(loud)} removed" if loud else None)


def _lstrip(text: str) -> tuple[str, str]:
    kept = text.lstrip(_SPACES)
    return kept, text[:len(text) - len(kept)]


def _clean(text: str) -> tuple[str, list[str]]:
    """``text`` with odd whitespace read as spaces, invisible and control
    characters dropped, and a note for each kind of change."""
    if text.isprintable() and _INVISIBLE_SET.isdisjoint(text):
        # no control, format or separator character but the space: as it is
        return text, []
    kept: list[str] = []
    spaces, dropped = "", ""
    for char in text:
        if char in _INVISIBLE or (unicodedata.category(char) == "Cc" and not char.isspace()):
            dropped += char
        elif char.isspace() and char != " ":
            spaces += char
            kept.append(" ")
        else:
            kept.append(char)
    notes = []
    if spaces:
        notes.append(f"{_names(spaces)} in the value read as a space")
    if dropped:
        notes.append(f"{_names(dropped)} in the value removed")
    return "".join(kept), notes


def _quoting(value: str) -> tuple[str, str | None]:
    """Quotes around a whole value are removed; an unterminated one is kept."""
    if not value or value[0] not in "\"'":
        return value, None
    quote = value[0]
    inner = value[1:-1]
    if len(value) >= 2 and value[-1] == quote:
        if quote == "'" and "'" not in inner.replace("''", ""):
            return inner.replace("''", "'"), "quotes around the value removed"
        if quote == '"' and '"' not in inner.replace('\\"', ""):
            return inner.replace('\\"', '"'), "quotes around the value removed"
        return value, None
    if quote not in value[1:]:
        return value, f"unterminated quote ({quote}) kept as written"
    return value, None


def _suggestion(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name.lower(), sorted(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean :{close[0]}:?"
    return "options: " + ", ".join(f":{option}:" for option in sorted(known))


class _Reader:
    def __init__(self, lines: list[str], first_lineno: int, known: Collection[str]):
        self.lines = lines
        self.first_lineno = first_lineno
        self.known = frozenset(known)
        self.lower = {name.lower(): name for name in self.known}
        self.options: dict[str, str] = {}
        self.option_lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        #: the option that indented lines continue: (name, applied)
        self.current: tuple[str, bool] | None = None

    def lineno(self, index: int) -> int:
        return self.first_lineno + index

    def problem(self, index: int, message: str) -> None:
        self.problems.append(Problem(self.lineno(index), message))

    # -- the block --------------------------------------------------------

    def read(self) -> OptionBlock:
        lines = self.lines
        index = 0
        body_head: list[str] = []
        if lines and _rstrip(lines[0])[0] == "---":
            index, body_head = self.read_yaml()
        ended_by = None
        if not body_head:
            while index < len(lines):
                line = lines[index]
                if _is_blank(line):
                    ended_by = f"the blank line {self.lineno(index)}"
                    break
                match = _OPTION_RE.match(_rstrip(line)[0])
                if match:
                    index += self.read_option(index, match)
                    continue
                taken = self.read_mangled(index)
                if taken:
                    index += taken
                    continue
                near = _NEAR_RE.match(line)
                close = near and (self.lower.get(near.group("name").lower()) or next(iter(
                    difflib.get_close_matches(near.group("name").lower(), list(self.lower), n=1, cutoff=0.8)),
                    None))
                if close:
                    self.problem(index, f"line {line.strip()!r} starts like the option :{self.lower.get(close, close)}: "
                                        f"but has no ':' after the name: not applied; "
                                        f"write :{self.lower.get(close, close)}: value")
                    self.current = None
                    index += 1
                    continue
                if self.current is not None and _is_space(line[0]) \
                        and not _FENCE_RE.match(_lstrip(line)[0]):
                    self.continuation(index)
                    index += 1
                    continue
                ended_by = f"line {self.lineno(index)}, which is not an option line"
                break
        if body_head:
            # text after the closing dashes: the closing line starts the body
            body = body_head + lines[index:]
            body_lineno = self.lineno(index - 1)
        else:
            while index < len(lines) and _is_blank(lines[index]):
                index += 1
            body = lines[index:]
            body_lineno = self.lineno(index)
        self.check_body(body, body_lineno, ended_by or "the option block")
        problems = tuple(sorted(self.problems, key=lambda problem: problem.lineno))
        return OptionBlock(self.options, self.option_lines, body, body_lineno, problems)

    # -- one ``:name: value`` line ------------------------------------------

    def read_mangled(self, index: int) -> int:
        """An option line written wrongly where the intent is clear: a known
        name behind invisible characters or full-width colons (``：venue：``,
        ``:ven\u200bue:``), or with its colons misplaced (``venue: ICLR``,
        ``;venue:``, ``::venue:``).  It is read as that option, and said so;
        returns how many lines it took (0: not such a line)."""
        line = self.lines[index]
        cleaned = unicodedata.normalize("NFKC", "".join(
            char for char in line if unicodedata.category(char) != "Cf"))
        if cleaned != line:
            match = _OPTION_RE.match(_rstrip(cleaned)[0])
            if match and match.group("name").lower() in self.lower:
                self.problem(index, "invisible or full-width characters in the option line "
                                    f"ignored: read as :{self.lower[match.group('name').lower()]}:")
                self.lines[index] = cleaned
                try:
                    return self.read_option(index, match)
                finally:
                    self.lines[index] = line
        loose = _LOOSE_RE.match(_rstrip(cleaned)[0])
        if not loose or loose.group("name").lower() not in self.lower:
            return 0
        name = self.lower[loose.group("name").lower()]
        value, notes = _clean(_lstrip(loose.group("rest"))[0])
        value, quote_note = _quoting(value)
        notes = [f"{line.strip()!r} is not written as an option line: read as :{name}: {value}",
                 *notes, *([quote_note] if quote_note else [])]
        self.apply(index, name, value, notes)
        return 1

    def read_option(self, index: int, match: re.Match) -> int:
        """Reads the option line at ``index`` (and the block scalar it opens);
        returns how many lines it took."""
        notes: list[str] = []
        _, trailing = _rstrip(self.lines[index])
        indent, pre, written, post, rest = match.group("indent", "pre", "name", "post", "rest")
        if indent:
            notes.append(f"indented option line: the indentation ({_names(indent)}) ignored")
        if pre:
            notes.append(f"{_names(pre)} between ':' and the name ignored")
        if post:
            notes.append(f"{_names(post)} between the name and its ':' ignored")
        name = written
        if written not in self.known and written.lower() in self.lower:
            name = self.lower[written.lower()]
            notes.append(f"name :{written}: read as :{name}:")
        value, space = _lstrip(rest)
        if rest and not space:
            notes.append(f"no space after ':{name}:': read as ':{name}: {rest}'")
        elif space.strip(" "):
            notes.append(f"{_names(space.replace(' ', ''))} after ':{name}:' read as a space")
        value, cleaned = _clean(value)
        notes.extend(cleaned)
        if trailing:
            notes.append(trailing)
        taken = 1
        scalar = _BLOCK_SCALAR_RE.match(value)
        if scalar:
            block_end = self.block_scalar_end(index + 1)
            if block_end > index + 1:
                value, block_notes = self.block_scalar(scalar.group("style"), index + 1, block_end)
                notes.extend(block_notes)
                taken = block_end - index
            else:
                notes.append(f"value {value!r} kept as written: no indented lines follow it "
                             "for a YAML block")
        elif value[:1] in (">", "|"):
            notes.append(f"value starting with {value[0]!r} kept as written "
                         "(it is not a YAML block)")
        else:
            value, quote_note = _quoting(value)
            if quote_note:
                notes.append(quote_note)
        self.apply(index, name, value, notes)
        return taken

    def apply(self, index: int, name: str, value: str, notes: list[str]) -> None:
        if name not in self.known:
            self.problem(index, f"unknown option :{name}: ({_suggestion(name, self.known)}): "
                                "not applied")
            self.current = (name, False)
        elif name in self.options:
            self.problem(index, f"duplicate option :{name}: (first given on line "
                                f"{self.option_lines[name]}): the first one is kept, "
                                "this one is not applied")
            self.current = (name, False)
        else:
            self.options[name] = value
            self.option_lines[name] = self.lineno(index)
            self.current = (name, True)
            if notes:
                self.problem(index, f"option :{name}: " + "; ".join(notes))

    def continuation(self, index: int) -> None:
        assert self.current is not None
        name, applied = self.current
        text, _ = _rstrip(self.lines[index])
        text, _ = _lstrip(text)
        text, notes = _clean(text)
        if not applied:
            self.problem(index, f"continuation of :{name}:, which is not applied: not applied")
            return
        value = self.options[name]
        self.options[name] = f"{value} {text}" if value else text
        extra = "; " + "; ".join(notes) if notes else ""
        self.problem(index, f"indented line read as the continuation of :{name}:, "
                            f"joined to its value with a space{extra}")

    def block_scalar_end(self, start: int) -> int:
        """The index after the last indented line that follows ``start - 1``."""
        end = start
        scan = start
        while scan < len(self.lines):
            line = self.lines[scan]
            if _is_blank(line):
                scan += 1
                continue
            if not _is_space(line[0]):
                break
            scan += 1
            end = scan
        return end

    def block_scalar(self, style: str, start: int, end: int) -> tuple[str, list[str]]:
        parts: list[str] = []
        notes: list[str] = []
        for index in range(start, end):
            text, _ = _rstrip(self.lines[index])
            text, _ = _lstrip(text)
            text, cleaned = _clean(text)
            notes.extend(note for note in cleaned if note not in notes)
            parts.append(text)
        if style == "|":
            value = "\n".join(parts).strip("\n")
            how = "its lines kept apart"
        else:
            folded: list[str] = []
            for text in parts:
                if not text:
                    folded.append("\n")
                elif folded and folded[-1] != "\n":
                    folded.append(" " + text)
                else:
                    folded.append(text)
            value = "".join(folded).strip("\n")
            how = "its lines joined with spaces"
        lines = (f"line {self.lineno(start)}" if end - start == 1 else
                 f"lines {self.lineno(start)}-{self.lineno(end - 1)}")
        return value, [f"read as a YAML block scalar ({style!r}, {lines}, {how})", *notes]

    # -- MyST's YAML block ----------------------------------------------------

    def read_yaml(self) -> tuple[int, list[str]]:
        """Reads ``---`` ... ``---``; returns the index of the line after the
        block, and the body's first line when text follows the closing dashes."""
        lines = self.lines
        close = next((index for index in range(1, len(lines)) if lines[index].startswith("---")),
                     None)
        head: list[str] = []
        if close is None:
            close = next((index for index in range(1, len(lines)) if _is_blank(lines[index])),
                         len(lines))
            self.problem(0, f"the YAML option block has no closing '---': read up to line "
                            f"{self.lineno(close - 1)}")
        else:
            remainder = lines[close].lstrip("-").removeprefix(" ")
            if remainder.strip():
                head = [remainder]
                self.problem(close, "text after the closing '---' read as the body's first line")
        self.parse_yaml(lines[1:close])
        return close + 1, head

    def parse_yaml(self, block: list[str]) -> None:
        import yaml   # only for the YAML form of the block, which few entries use

        text = textwrap.dedent("\n".join(block))
        try:
            root = yaml.compose(text, Loader=yaml.BaseLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            index = 1 + (mark.line if mark is not None else 0)
            self.problem(min(index, len(self.lines) - 1),
                         f"the YAML option block is not valid YAML ({error.problem or error}): "
                         "none of its options applied")
            return
        except (yaml.YAMLError, ValueError, RecursionError) as error:
            self.problem(0, f"the YAML option block is not valid YAML ({error}): "
                            "none of its options applied")
            return
        if root is None:
            return
        if not isinstance(root, yaml.MappingNode):
            self.problem(1 + root.start_mark.line,
                         "the YAML option block is not a list of 'name: value' lines: not applied")
            return
        for key_node, value_node in root.value:
            index = 1 + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(index, "an option name in the YAML block is not a plain name: "
                                    "not applied")
                continue
            notes: list[str] = []
            name = key_node.value
            if name not in self.known and name.lower() in self.lower:
                name = self.lower[name.lower()]
                notes.append(f"name {key_node.value!r} read as {name!r}")
            if isinstance(value_node, yaml.ScalarNode):
                value = value_node.value
            elif isinstance(value_node, yaml.SequenceNode) and all(
                    isinstance(item, yaml.ScalarNode) for item in value_node.value):
                value = ", ".join(item.value for item in value_node.value)
                notes.append("the YAML list read as one value, its items joined with ', '")
            else:
                self.problem(index, f"option {name!r} in the YAML block has a value that is "
                                    "not text or a list: not applied")
                continue
            self.apply(index, name, value, notes)
        self.current = None

    # -- the body -----------------------------------------------------------

    def check_body(self, body: list[str], body_lineno: int, ended_by: str) -> None:
        fence: str | None = None
        for offset, line in enumerate(body):
            text = line.strip(_SPACES)
            if text[:1] not in ("`", "~", ":"):
                continue   # neither a fence nor an option line
            fenced = _FENCE_RE.match(text)
            if fence is not None:
                if fenced and fenced.group("fence")[0] == fence[0] \
                        and len(fenced.group("fence")) >= len(fence) \
                        and not fenced.group("info").strip():
                    fence = None
                continue
            if fenced:
                fence = fenced.group("fence")
                continue
            match = _OPTION_RE.match(_rstrip(line)[0])
            if match and match.group("name").lower() in self.lower:
                name = self.lower[match.group("name").lower()]
                self.problems.append(Problem(
                    body_lineno + offset,
                    f"option-looking line in the body: not applied; move it up to the option "
                    f"block (:{name}: is in the body, which starts after {ended_by})"))


def read_options(lines: list[str], first_lineno: int, known: Collection[str]) -> OptionBlock:
    """Reads a ``paper`` directive's option block.

    ``lines`` are the lines between the directive's opening fence line and its
    closing fence, exactly as written; ``first_lineno`` is the source line of
    ``lines[0]``; ``known`` the option names the directive takes.  Never
    raises on any text.
    """
    return _Reader(list(lines), first_lineno, known).read()
