"""HTML from summaries and notes made safe to publish, and math that could link to script.

A lab's notes come from many hands (pull requests, imported lists), so raw
HTML in them is data, not markup to trust: :func:`sanitize_html` keeps the
harmless markup people write in notes and removes everything that could run
script, load another page into this one, or restyle the site, through nh3
(the Python binding of the Ammonia sanitizer), never through regular
expressions.  It also says what it removed, in words a user understands, so
that the directive can warn with the file and line.

How ``removed`` is computed: the input is parsed once by nh3 itself with
everything allowed (the same HTML5 parser, so the same tree as the real
clean, whatever the obfuscation), and the elements, attributes and comments of
that survey are compared with those of the cleaned output.  Both are
serialisations by the HTML5 serialiser, so the standard library's tolerant
:class:`html.parser.HTMLParser` reads them reliably.

No Sphinx import.  :data:`MATHJAX_SAFE_CONFIG` is MathJax 3's ``ui/safe``
extension, for Sphinx's ``mathjax3_config``; :func:`unsafe_math` says why a
TeX string would need it.
"""

from __future__ import annotations

import copy
import html
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "MATHJAX_SAFE_CONFIG", "Sanitized",
           "sanitize_html", "unsafe_math", "url_scheme", "with_safe_mathjax"]


@dataclass(frozen=True)
class Sanitized:
    """The safe HTML, and what was taken out (``"<script> element"``, ...), in
    the order met, each named once."""

    html: str
    removed: tuple[str, ...]


#: Markup people use in notes, kept as written.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})

#: Attributes kept, per element (``"*"``: on every element).  No ``style``,
#: no ``id`` (it could take over the page's own anchors), no event handlers.
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"}, "time": {"datetime"},
    "details": {"open"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan", "headers"}, "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"}, "colgroup": {"span"},
}

#: ``<a target="_blank">`` is kept too (only that value; the link gets
#: ``rel="noopener noreferrer"``).

#: Schemes a link may have (relative URLs and fragments are kept too).
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: Schemes an image may load from.
IMAGE_SCHEMES = frozenset({"http", "https"})

#: Elements removed with everything inside them, not only their tags.
CONTENT_REMOVED = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "noembed", "noframes", "template", "svg", "math", "title", "textarea", "select", "xmp",
    "plaintext",
})

#: Every element name the survey keeps, so that it sees what the clean removes.
_KNOWN_ELEMENTS = ALLOWED_TAGS | CONTENT_REMOVED | frozenset({
    "acronym", "address", "area", "article", "aside", "audio", "base", "basefont", "bgsound",
    "big", "blink", "body", "button", "canvas", "center", "content", "data", "datalist", "dialog",
    "dir", "element", "fieldset", "font", "footer", "form", "head", "header", "hgroup", "html",
    "image", "img", "input", "isindex", "keygen", "label", "legend", "link", "listing", "main",
    "map", "marquee", "menu", "menuitem", "meta", "meter", "multicol", "nav", "nextid", "nobr",
    "optgroup", "option", "output", "param", "picture", "portal", "progress", "rb", "rtc",
    "search", "section", "shadow", "slot", "source", "spacer", "strike", "track", "tt", "video",
    # SVG and MathML children people use in payloads
    "a", "animate", "animatemotion", "animatetransform", "circle", "desc", "foreignobject", "g",
    "handler", "image", "line", "listener", "maction", "mi", "mo", "mrow", "mtext", "path",
    "rect", "set", "text", "use",
})

#: Schemes the survey lets through so that it can name them when the clean does not.
_SURVEY_SCHEMES = frozenset(nh3.ALLOWED_URL_SCHEMES) | {
    "javascript", "vbscript", "data", "file", "blob", "filesystem", "about", "chrome", "jar",
    "livescript", "mocha", "ms-its", "mhtml", "res", "view-source", "wss", "ws", "intent",
}

_URL_ATTRIBUTES = frozenset({
    "href", "src", "cite", "action", "formaction", "poster", "background", "longdesc",
    "codebase", "data", "dynsrc", "lowsrc", "ping", "profile", "manifest", "srcset",
    "xlink:href", "usemap", "icon", "archive", "classid",
})

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link",
                   "meta", "param", "source", "track", "wbr", "basefont", "bgsound", "frame",
                   "image", "isindex", "nextid", "spacer"})

_TAG_NAME_RE = re.compile(r"^[a-z][a-z0-9\-]*$")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_URL_NOISE = re.compile(r"[\t\n\r]")


def url_scheme(value: str) -> str | None:
    """The scheme of a URL as a browser reads it (tabs and newlines inside it
    ignored, leading spaces and control characters stripped), lower-cased;
    None for a relative URL."""
    value = _URL_NOISE.sub("", value).lstrip("".join(map(chr, range(0x21))))
    match = _SCHEME_RE.match(value)
    return match.group(1).lower() if match else None


class _Inventory(HTMLParser):
    """Start tags (with attributes), in order, and comments, of a fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str], bool]] = []
        self.comments = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        inside = any(name in CONTENT_REMOVED for name in self._stack)
        self.elements.append((tag, {name: value or "" for name, value in attrs}, inside))
        if tag not in _VOID:
            self._stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        inside = any(name in CONTENT_REMOVED for name in self._stack)
        self.elements.append((tag, {name: value or "" for name, value in attrs}, inside))

    def handle_endtag(self, tag):
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_comment(self, data):
        self.comments += 1


def _inventory(fragment: str) -> _Inventory:
    parser = _Inventory()
    parser.feed(fragment)
    parser.close()
    return parser


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and url_scheme(value) not in (None, *IMAGE_SCHEMES):
        return None
    return value


def _clean(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CONTENT_REMOVED),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        tag_attribute_values={"a": {"target": {"_blank"}}},
        attribute_filter=_attribute_filter,
        url_schemes=set(LINK_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _survey(fragment: str, written: _Inventory) -> str:
    """The fragment as the HTML5 parser reads it, with (nearly) nothing removed;
    ``written`` is the fragment's tolerant parse, for the names to let through."""
    tags = set(_KNOWN_ELEMENTS) | {tag for tag, _, _ in written.elements}
    schemes = set(_SURVEY_SCHEMES)
    for _, attributes, _ in written.elements:
        for value in attributes.values():
            scheme = url_scheme(value)
            if scheme:
                schemes.add(scheme)
    return nh3.clean(fragment, tags=tags, clean_content_tags=set(), attributes={"*": set()},
                     generic_attribute_prefixes={""}, url_schemes=schemes, link_rel=None,
                     strip_comments=False)


def _attribute_words(tag: str, name: str, value: str) -> str:
    if name in _URL_ATTRIBUTES:
        scheme = url_scheme(value)
        if scheme:
            return f"{scheme}: URL in {name}"
    return f"{name} attribute on <{tag}>"


def sanitize_html(fragment: str) -> Sanitized:
    """``fragment`` without script, event handlers, unsafe URLs, frames, forms,
    styles and the like; and the words for what was removed."""
    cleaned = _clean(fragment)
    written = _inventory(fragment)
    before = _inventory(_survey(fragment, written))
    after = _inventory(cleaned)
    removed: list[str] = []

    def say(words: str) -> None:
        if words not in removed:
            removed.append(words)

    # elements the HTML5 parser itself drops where they stand (<body>, <frameset>,
    # a <td> outside a table): gone too, so named too
    parsed = Counter(tag for tag, _, _ in before.elements)
    present = set(parsed)
    for tag, _, _ in written.elements:
        if _TAG_NAME_RE.match(tag):
            if parsed[tag] > 0:
                parsed[tag] -= 1
            else:
                say(f"<{tag}> element")

    # URLs the sanitizer cannot read at all (``http://[::1``) are dropped by the
    # survey too: count them from the tolerant parse
    urls = Counter((tag, name) for tag, attributes, _ in before.elements
                   for name in attributes if name in _URL_ATTRIBUTES)
    for tag, attributes, _ in written.elements:
        for name in attributes:
            if name in _URL_ATTRIBUTES and tag in present:
                if urls[tag, name] > 0:
                    urls[tag, name] -= 1
                else:
                    say(f"unreadable URL in {name}")

    kept: dict[str, list[dict[str, str]]] = {}
    for tag, attributes, _ in after.elements:
        kept.setdefault(tag, []).append(attributes)
    seen: Counter[str] = Counter()
    for tag, attributes, inside_removed in before.elements:
        if tag not in ALLOWED_TAGS:
            say(f"<{tag}> element" if _TAG_NAME_RE.match(tag) else f"malformed tag <{tag}>")
            continue
        if inside_removed:
            continue  # gone with the element around it
        survivors = kept.get(tag, [])
        if seen[tag] >= len(survivors):
            say(f"<{tag}> element")
            continue
        survivor = survivors[seen[tag]]
        seen[tag] += 1
        for name, value in attributes.items():
            if name not in survivor:
                say(_attribute_words(tag, name, value))
    if before.comments > after.comments:
        say("HTML comment")
    return Sanitized(cleaned, tuple(removed))


# -- math -----------------------------------------------------------------------

#: MathJax 3's ``ui/safe`` extension, for Sphinx's ``mathjax3_config``: links
#: made by ``\href`` (and URLs in MathML) keep only http and https, and
#: classes, ids and styles are filtered by MathJax's own safe rules.
MATHJAX_SAFE_CONFIG: dict = {
    "loader": {"load": ["ui/safe"]},
    "options": {
        "safeOptions": {
            "allow": {"URLs": "safe", "classes": "safe", "cssIDs": "safe", "styles": "safe"},
            "safeProtocols": {"http": True, "https": True, "file": False,
                              "javascript": False, "data": False},
        },
    },
}

def with_safe_mathjax(config: dict | None) -> dict:
    """A site's ``mathjax3_config`` with :data:`MATHJAX_SAFE_CONFIG` merged in:
    ``ui/safe`` added to what the loader loads, the safe options set where the
    site set none (a site may loosen them on purpose).  ``config`` is not
    changed."""
    merged = copy.deepcopy(config) if config else {}
    loader = merged.setdefault("loader", {})
    load = list(loader.get("load", []))
    if "ui/safe" not in load:
        load.append("ui/safe")
    loader["load"] = load
    options = merged.setdefault("options", {})
    safe = options.setdefault("safeOptions", {})
    for name, value in MATHJAX_SAFE_CONFIG["options"]["safeOptions"].items():
        if isinstance(value, dict):
            safe[name] = {**value, **safe.get(name, {})}
        else:
            safe.setdefault(name, value)
    return merged


#: TeX commands whose first argument is a URL.
_LINK_COMMANDS = ("href", "url")
#: TeX commands (MathJax's ``html`` package) that set attributes of the output.
_ATTRIBUTE_COMMANDS = ("class", "cssId", "style", "data", "html", "attr")
_COMMAND_RE = re.compile(r"\\([A-Za-z]+)")
_NAME_VALUE_RE = re.compile(r"^[\w\- ]*$")
_UNSAFE_CSS_RE = re.compile(r"url\s*\(|expression\s*\(|@import|javascript:|behavior\s*:|"
                            r"-moz-binding|position\s*:\s*fixed", re.IGNORECASE)


def _argument(tex: str, start: int) -> tuple[str, int] | None:
    """The TeX argument at ``start`` (after spaces): a braced group, or one
    token; with the index after it."""
    while start < len(tex) and tex[start].isspace():
        start += 1
    if start >= len(tex):
        return None
    if tex[start] != "{":
        if tex[start] == "\\":
            match = _COMMAND_RE.match(tex, start)
            end = match.end() if match else start + 2
            return tex[start:end], end
        return tex[start], start + 1
    depth = 0
    index = start
    while index < len(tex):
        char = tex[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return tex[start + 1:index], index + 1
        index += 1
    return tex[start + 1:], len(tex)  # unbalanced: the rest is the argument


def unsafe_math(tex: str) -> str | None:
    """Why ``tex`` could put script or a foreign link on the page when MathJax
    renders it (``\\href{javascript:...}``, a ``\\style`` with ``url(...)``,
    ...), or None when it cannot."""
    for match in _COMMAND_RE.finditer(tex):
        command = match.group(1)
        if command in _LINK_COMMANDS:
            argument = _argument(tex, match.end())
            if argument is None:
                continue
            url = html.unescape(argument[0]).strip()
            if "\\" in url:
                return f"\\{command} with a URL made from a TeX command ({url!r})"
            scheme = url_scheme(url)
            if scheme is not None and scheme not in ("http", "https"):
                return f"\\{command} with a {scheme}: URL"
        elif command in _ATTRIBUTE_COMMANDS:
            argument = _argument(tex, match.end())
            if argument is None:
                continue
            value = html.unescape(argument[0])
            if command == "style":
                if _UNSAFE_CSS_RE.search(value):
                    return f"\\style with CSS that can load or cover content ({value!r})"
            elif command == "html" or command == "attr":
                return f"\\{command}, which writes raw HTML attributes"
            elif not _NAME_VALUE_RE.match(value):
                return f"\\{command} with a value that is not a plain name ({value!r})"
            elif command == "data":
                return "\\data, which writes data- attributes"
    return None
