"""BibTeX entries that BibTeX and LaTeX accept and that say what the site says.

Field values come in as plain Unicode text, as the site shows them; this
module writes them so that a strict BibTeX parser reads the entry and LaTeX
prints the same text back.  No Sphinx import.  The choices:

* Every LaTeX special character of a text field is written as a LaTeX text
  command: ``\\`` is ``\\textbackslash{}``, ``{`` and ``}`` are
  ``\\textbraceleft{}`` and ``\\textbraceright{}`` (BibTeX counts ``\\{`` as a
  brace, so an unbalanced one would end the field or swallow the next),
  ``&``, ``%``, ``#``, ``_``, ``$`` get a backslash, ``~`` and ``^`` are
  ``\\textasciitilde{}`` and ``\\textasciicircum{}``.  So ``\\textbf{x}`` written
  in a title is printed as those characters, not run.
* **Math is not kept as math.**  ``$x^2$`` in a title is written as the
  characters ``$x^2$``: LaTeX math from a page is not checked here, and TeX in
  a bibliography can read files and define commands.
* TeX's ligatures are broken with ``{}`` (``--``, ``''``, ``````, ``,,``,
  ``<<``, ``>>``, ``?``` and ``!```), so that ``--`` stays two hyphens.
* Runs of whitespace become one space (BibTeX does the same); control
  characters are dropped.
* The title is wrapped in a second pair of braces, so that styles keep its
  capitals (``{{BERT}: ...}`` is not needed).
* Authors are joined with `` and ``.  A name is written in braces, as one
  person BibTeX does not split, when BibTeX would misread it: "others", a name with the
  word "and", a comma, "Jr.", "Sr." or a numeral like "III", a name that is
  one of an organisation's ("OpenAI Team", "BigScience Workshop"), a name in
  CJK script with a space (family name first), and a name holding characters
  that had to be escaped.  Other names ("Eric Todd", "Ludwig van Beethoven")
  are written as they are, so that styles can abbreviate them.
* ``url``, ``doi`` and ``eprint`` are verbatim: no LaTeX escaping, but what
  ``\\url`` and BibTeX cannot take is percent-encoded as a browser would
  send it: ``\\``, ``{``, ``}``, whitespace, a ``%`` that is not an escape, and
  every ``#`` after the first.  A URL without those is written unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["VERBATIM_FIELDS", "bibtex_entry", "bibtex_key", "to_latex", "verbatim"]

#: Fields written as they are, for ``\url``-like commands.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint"})

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_SPECIALS_RE = re.compile(r"[\\{}&%#_$~^]")
#: Pairs TeX turns into one glyph (dashes, quotes, guillemets, Spanish marks).
_LIGATURE_RE = re.compile(r"(?<=-)(?=-)|(?<=')(?=')|(?<=`)(?=`)|(?<=,)(?=,)|(?<=<)(?=<)"
                          r"|(?<=>)(?=>)|(?<=[?!])(?=`)")
_KEY_UNSAFE_RE = re.compile(r"[^\w.:\-/+]+")
_FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_\-]*$")
_ENTRY_TYPE_RE = re.compile(r"^[a-z]+$")
_AND_RE = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)
_SUFFIX_RE = re.compile(r"(?:^|\s)(?:jr|sr|[ivx]+)\.?$", re.IGNORECASE)
_ORGANISATION_WORDS = frozenset({
    "team", "lab", "labs", "laboratory", "group", "consortium", "collaboration", "institute",
    "university", "inc", "inc.", "ltd", "ltd.", "corporation", "corp", "corp.", "workshop",
    "project", "committee", "organization", "organisation", "association", "society",
    "foundation", "center", "centre", "community", "contributors", "authors", "et", "al.",
})
_HEX = frozenset("0123456789abcdefABCDEF")
#: what :func:`verbatim` may change in printable ASCII
_VERBATIM_SPECIAL = frozenset("%# \\{}")


#: the control characters (category Cc) that are not whitespace
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def _plain(text: str) -> str:
    """Whitespace runs as one space, control characters dropped."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text   # nothing to drop or collapse: the common case
    return " ".join(_CONTROL_RE.sub("", text).split())


#: the characters :data:`_SPECIALS_RE` and :data:`_LIGATURE_RE` look for
_SPECIAL_CHARS = frozenset(_LATEX_SPECIALS)
_LIGATURE_CHARS = frozenset("-'`,<>")


def to_latex(text: str) -> str:
    """Plain Unicode text as LaTeX that prints it, for a BibTeX text field:
    specials escaped, ligatures broken, whitespace collapsed; braces balanced
    whatever the text (see the module's notes)."""
    text = _plain(text)
    if not _SPECIAL_CHARS.isdisjoint(text):
        text = _SPECIALS_RE.sub(lambda match: _LATEX_SPECIALS[match.group(0)], text)
    return _LIGATURE_RE.sub("{}", text) if not _LIGATURE_CHARS.isdisjoint(text) else text


def verbatim(value: str) -> str:
    """A URL (or DOI, or eprint id) BibTeX and ``\\url`` take as it is:
    backslashes, braces, whitespace, a ``%`` that starts no escape and every
    ``#`` after the first percent-encoded; anything else unchanged."""
    value = value.strip()
    if value.isascii() and value.isprintable() and _VERBATIM_SPECIAL.isdisjoint(value):
        return value   # nothing to encode: the common case
    out: list[str] = []
    fragment = False
    for index, char in enumerate(value):
        if char == "%":
            escape = value[index + 1:index + 3]
            out.append("%" if len(escape) == 2 and set(escape) <= _HEX else "%25")
        elif char == "#":
            out.append("%23" if fragment else "#")
            fragment = True
        elif char in "\\{}" or char.isspace() or unicodedata.category(char) == "Cc":
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
        else:
            out.append(char)
    return "".join(out)


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


def _needs_braces(name: str) -> bool:
    words = name.split()
    return bool(
        name.lower() == "others" or _AND_RE.search(name) or "," in name or _SUFFIX_RE.search(name)
        or any(word.lower() in _ORGANISATION_WORDS for word in words[1:])
        or (len(words) > 1 and any(_is_cjk(char) for char in name))
        or _SPECIALS_RE.search(name)
        or any(word[0] in "{}\\" or not (word[0].isalpha() or word[0].isdigit())
               for word in words))


def bibtex_name(name: str) -> str:
    """One author as BibTeX reads one person: braced when it would be split
    or misread (see the module's notes)."""
    name = _plain(name)
    written = to_latex(name)
    return "{" + written + "}" if _needs_braces(name) else written


def bibtex_key(key: str) -> str:
    """A citation key BibTeX and ``\\cite`` take: letters (any script), digits and
    ``. : - / +``; every other run of characters is one ``-``."""
    key = _KEY_UNSAFE_RE.sub("-", _plain(key)).strip("-")
    return key or "paper"


def _field_name(name: str) -> str:
    name = name.strip().lower()
    if not _FIELD_NAME_RE.match(name):
        raise ValueError(f"not a BibTeX field name: {name!r}")
    return name


def bibtex_entry(entry_type: str, key: str, fields: Sequence[tuple[str, str]],
                 authors: Sequence[str] = ()) -> str:
    """One entry: ``@type{key,`` then each field on its own line.

    ``fields`` are ``(name, value)`` pairs of plain text, in order (a field
    with an empty value is left out, and a repeated one after the first: BibTeX
    takes a field once); ``authors`` become the ``author`` field,
    after the title.  ``url``, ``doi`` and ``eprint`` are verbatim; the title's
    capitals are protected.  Raises ValueError for a field name BibTeX has no
    syntax for (a programming error, not bad input).
    """
    entry_type = entry_type.strip().lower()
    if not _ENTRY_TYPE_RE.match(entry_type):
        entry_type = "misc"
    lines: list[tuple[str, str]] = []
    seen: set[str] = set()
    names = [bibtex_name(author) for author in authors if _plain(author)]
    for name, value in fields:
        name = _field_name(name)
        if name == "author" or name in seen or not _plain(value):
            continue
        seen.add(name)
        if name in VERBATIM_FIELDS:
            written = verbatim(value)
        elif name == "title":
            written = "{" + to_latex(value) + "}"
        else:
            written = to_latex(value)
        lines.append((name, written))
        if name == "title" and names:
            lines.append(("author", " and ".join(names)))
            names = []
    if names:
        lines.insert(0, ("author", " and ".join(names)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in lines)
    return f"@{entry_type}{{{bibtex_key(key)},\n{body}\n}}\n"
