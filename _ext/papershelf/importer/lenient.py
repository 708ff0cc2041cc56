"""The lenient readings a real reading list needs, apart from the block
structure (which is CommonMark's, see ``markdown.py``): where the title of an
entry ends, which bracket is its venue, which marker is a tag, which bullet is
an entry of its own.  Each works on the inline source of one entry."""

from __future__ import annotations

import re
import unicodedata

from ..venues import get_parser
from .links import link_kind, repair_link
from .structure import Entry, ReadingList

_BOLD_RE = re.compile(r"^\*\*(.+?)\*\*")
_DOUBLE_LINK_RE = re.compile(r"\[\[\s*([^\[\]]*?)\s*\]\s*\]\(\s*([^()]*?)\s*\)")
_LINK_RE = re.compile(r"(?<!!)\[([^\[\]]+)\]\(\s*([^()]*?)\s*\)")
#: links, single or double, that end a line
_TRAILING_LINKS_RE = re.compile(r"(?:\s*(?<!!)\[\[?[^\[\]]+\]\]?\(\s*[^()]*?\s*\))+\s*$")
#: a title wrapped in emphasis: *Title* or _Title_
_EMPHASISED_RE = re.compile(r"^(\*{1,3}|_{1,3})(\S.*?\S|\S)\1$")
_OPEN_PARENS = "(（"
_CLOSE_PARENS = ")）"
_MATH_RE = re.compile(r"\$[^$]+\$")
# a sentence ends at a full stop of either script, outside math
_SENTENCE_END_RE = re.compile(r"(。|！|？|[.!?](?=\s))")
_INSIGHT_RE = re.compile(r"【[^】]{1,20}】")
SUMMARY_LIMIT = 150

# "1.**Title**": a number, no space, then what starts a title
NUMBER_NO_SPACE_RE = re.compile(r"^(\s{0,3})(\d{1,9}[.)])(?=\*\*|__|【|\[|（|\([^()]{1,40}\)\s*\*\*)")

# -- title markers ----------------------------------------------------------------

_BRACKETS = {"【": "】", "[": "]", "(": ")", "（": "）", "［": "］", "〔": "〕"}
_MARKER_RES = [re.compile(rf"^(?P<open>{re.escape(opening)})(?P<inner>[^{re.escape(opening + closing)}]{{1,60}}?)"
                          rf"(?P<close>{re.escape(closing)})")
               for opening, closing in _BRACKETS.items()]
TAG_SEPARATORS_RE = re.compile(r"\s*[+,，/、]\s*")
#: markers that begin titles by convention and are part of them
TITLE_PREFIXES = frozenset({"re", "re:", "wip"})
_MARKER_MAX_WORDS = 4
_MARKER_MAX_CHARS = 32


def _has_emoji(text: str) -> bool:
    return any(unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF for char in text)


def _initials(text: str) -> str:
    words = re.split(r"[\s\-]+", re.sub(r"[*_`]", "", text))
    return "".join(word[0].upper() for word in words if word and word[0].isalpha())


def _is_acronym_of(inner: str, after: str) -> bool:
    """``DPO`` for ``Direct Preference Optimization``: the letters of the
    marker, in order, are initials of the words that follow it."""
    letters = [char for char in inner if char.isupper()]     # LoRA: L, R, A
    if len(letters) < 2:
        return False
    initials = iter(_initials(after)[: len(letters) * 3])
    return all(any(letter == initial for initial in initials) for letter in letters)


def marker_is_tag(opening: str, inner: str, after: str) -> bool:
    """Whether a bracketed marker at the start of a title is the owner's
    category (a tag) or part of the title.  The rule (see the README):

    - nothing but a venue or a link after it, or a letter right after an
      ASCII bracket (``(Un)supervised``): part of the title;
    - 【lenticular brackets】, or any marker holding an emoji: a tag;
    - the title's own acronym (``(DPO) Direct Preference Optimization``) or a
      conventional prefix (``[Re]``, ``[WIP]``): part of the title;
    - else a tag when each of its parts is short (at most four words and 32
      characters): ``[Survey]``, ``(Dataset)``, ``[LLM, Agents]``.
    """
    title = after.strip().strip("*_").strip()
    if not title or not inner.strip() or title.startswith(("(", "（", "[[")) or (
            title.startswith("[") and not _LINK_TITLE_RE.match(title)):
        # nothing but a venue or a link after it: the marker is the title
        return False
    if opening in "[(" and after[:1].isalnum():
        return False
    if opening == "【" or _has_emoji(inner):
        return True
    if inner.strip().casefold() in TITLE_PREFIXES or _is_acronym_of(inner, title):
        return False
    parts = [part for part in TAG_SEPARATORS_RE.split(inner.strip()) if part]
    return bool(parts) and all(len(part) <= _MARKER_MAX_CHARS and len(part.split()) <= _MARKER_MAX_WORDS
                               for part in parts)


def split_tags(inner: str) -> list[str]:
    cleaned = re.sub(r"(\*\*|__)", "", inner)
    return [" ".join(part.split()) for part in TAG_SEPARATORS_RE.split(cleaned) if part.strip()]


def take_markers(head: str) -> tuple[str, list[str], list[str]]:
    """The head of an entry without its leading category markers, the tags
    they hold and the markers as written.  A marker may be bold itself
    (``【**🚀RL**】**Title**``) or inside the bold title (``**【🔧SFT】Title**``)."""
    text = head.lstrip()
    tags: list[str] = []
    moved: list[str] = []
    while True:
        bold = text.startswith("**")
        body = text[2:] if bold else text
        match = next(filter(None, (pattern.match(body) for pattern in _MARKER_RES)), None)
        if not match:
            break
        inner = re.sub(r"(\*\*|__)", "", match.group("inner")).strip()
        after = body[match.end():]
        if bold and after.startswith("**"):
            rest = after[2:]            # **【x】** Title
        elif bold:
            rest = "**" + after.lstrip()  # **【x】Title**
        else:
            rest = after
        following = rest if not (bold and not after.startswith("**")) else after
        if match.group("open") in "[" and after.startswith("("):
            break                         # a link, not a marker
        if not marker_is_tag(match.group("open"), inner, following):
            break
        tags.extend(split_tags(inner))
        moved.append(match.group(0))
        text = rest.lstrip()
    return text, list(dict.fromkeys(tags)), moved


# -- venues ------------------------------------------------------------------------

_VENUE_WORDS_RE = re.compile(r"arxiv|preprint|ongoing|under review|submitted|submission|workshop|findings|"
                             r"accepted|oral|spotlight|poster|journal|conference|proceedings|tech(nical)? report",
                             re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def looks_like_venue(text: str) -> bool:
    """A comma tail (``MaPLe: ..., CVPR2023``) that names a venue."""
    venue = get_parser().parse(text)
    return bool(venue.name) and (venue.kind != "unknown" or venue.year is not None) and len(text) < 40


def bracket_is_venue(text: str) -> bool:
    """A bracket after a title that holds its venue, not a remark such as
    ``（no special trick for images）``: a known venue, a year, or a word
    venues are written with (Arxiv, workshop, ongoing work...)."""
    venue = get_parser().parse(text)
    return venue.kind != "unknown" or bool(_YEAR_RE.search(text)) or bool(_VENUE_WORDS_RE.search(text))


# -- one entry ---------------------------------------------------------------------

_COMMA_VENUE_RE = re.compile(r"^\s*,\s*([^,()（）\[\]]+?)\s*(?=$|[,(（\[])")
_SUBTITLE_RE = re.compile(r"^\s*:\s*([^()（）\[\]]+?)\s*(?=$|[(（\[])")
_ITALIC_VENUE_RE = re.compile(r"^(.+?)\.\s+[*_]([^*_]{2,60})[*_]\.?")
_VENUE_BRACKET_RE = re.compile(r"[(（]([^()（）]{1,40})[)）]")
# "[Title](https://...) rest": a title that is a link to the paper
_LINK_TITLE_RE = re.compile(r"^\[([^\[\]]+)\]\(\s*(https?://[^()\s]+|[a-z0-9.\-]+\.[a-z]{2,}/[^()\s]*)\s*\)",
                            re.IGNORECASE)


class HeadReader:
    """Reads the head of an entry (its first line) into an :class:`Entry`."""

    def __init__(self, reading_list: ReadingList) -> None:
        self.result = reading_list

    def entry(self, head: str, line: int) -> tuple[Entry, str]:
        """The entry its head describes, and the rest of the head (summary text)."""
        entry = Entry(line=line, title="")
        head, tags, moved = take_markers(head)
        entry.tags = tags
        for marker in moved:
            self.result.problem(line, "tagged", f"marker {marker} moved from the title to the tags: "
                                                f"{', '.join(split_tags(marker[1:-1]))}")
        bold = _BOLD_RE.match(head) or _LINK_TITLE_RE.match(head)
        if bold and bold.re is _LINK_TITLE_RE:
            entry.title = " ".join(bold.group(1).replace("**", "").split())
            self.take_links(f"[paper]({bold.group(2)})", entry, line, single=True)
            rest = head[bold.end():]
        elif bold:
            inside, rest = bold.group(1), head[bold.end():]
            linked = _LINK_RE.fullmatch(inside.strip())
            if linked:
                # **[Title](url)**: the link's text is the title, its target the paper
                self.take_links(f"[paper]({linked.group(2)})", entry, line, single=True)
                inside = linked.group(1)
            inside = self.take_links(inside, entry, line, single=True)
            entry.title = " ".join(inside.split()).strip()
            entry.title, rest = self.subtitle(entry.title, rest, line)
        else:
            entry.title, rest = self.plain_title(head)
        rest = self.take_links(rest, entry, line, single=True)
        rest, entry.venue = self.take_venue(rest, line)
        return entry, rest

    def subtitle(self, title: str, rest: str, line: int) -> tuple[str, str]:
        """``**Math-Shepherd**: Verify and Reinforce LLMs`` -- a bold name and
        a subtitle in title case after a colon are one title."""
        match = _SUBTITLE_RE.match(rest)
        if not match:
            return title, rest
        text, after = match.group(1).strip(), rest[match.end():]
        before, comma, tail = text.rpartition(",")
        venue = ""
        if comma and looks_like_venue(tail.strip()):
            text, venue = before.strip(), tail.strip()
        text = text.rstrip(" .")
        words = [word for word in text.split() if len(word) > 3]
        if not words or sum(word[0].isupper() for word in words) < 0.6 * len(words) or \
                any("\u3000" <= char <= "\u9fff" for char in text):
            return title, rest
        self.result.problem(line, "lenient", f"{title!r} and the words after its colon read as one title")
        return f"{title}: {text}", (f"({venue}) " if venue else "") + after

    @staticmethod
    def plain_title(head: str) -> tuple[str, str]:
        """``MaPLe: Multi-modal Prompt Learning, CVPR2023`` -> title and the rest,
        the rest holding the venue in brackets when one was found."""
        # links at the end of the line ("Title (ICLR 2020) [paper](url)") are
        # the entry's links, not part of its title
        trailing = _TRAILING_LINKS_RE.search(head)
        links_removed = (head[:trailing.start()].strip().rstrip(",;，").strip() if trailing else head.strip())
        after = head[trailing.start():] if trailing else ""
        title, comma, tail = links_removed.rpartition(",")
        if comma and tail.strip() and looks_like_venue(tail.strip()):
            return _unemphasised(title), f"({tail.strip()})" + after
        for opening in _OPEN_PARENS:
            position = links_removed.rfind(opening)
            if position > 0 and links_removed.endswith(tuple(_CLOSE_PARENS)) and \
                    looks_like_venue(links_removed[position + 1:-1]):
                return _unemphasised(links_removed[:position]), links_removed[position:] + after
        # "Title. *arXiv 2025*. notes": a title ends before an emphasised venue
        italic = _ITALIC_VENUE_RE.match(head)
        if italic and bracket_is_venue(italic.group(2)):
            return italic.group(1).strip(), f"({italic.group(2).strip()}) " + head[italic.end():]
        # "Title (ICLR 2024) notes": the first bracket that holds a venue ends the title
        for match in _VENUE_BRACKET_RE.finditer(head):
            if match.start() > 0 and head[match.start() - 1] != "]" and "://" not in match.group(1) \
                    and looks_like_venue(match.group(1).strip()):
                return _unemphasised(head[:match.start()]), head[match.start():]
        return _unemphasised(links_removed), after

    def take_links(self, text: str, entry: Entry, line: int, single: bool) -> str:
        """Move the links of ``text`` into ``entry.links``; return the rest.

        ``[[label]](url)`` is always a link of the paper; ``[label](url)`` only
        on the entry's first line, since in notes it is part of the prose."""
        def take(match: re.Match[str]) -> str:
            label, target = match.group(1), match.group(2)
            kind, guessed = link_kind(label)
            url, note = repair_link(target, entry.title or match.string[:match.start()], kind)
            if url is None:
                self.result.problem(line, "link-dropped", f"[{label}] link left out: {note}"
                                    + (f" ({target.strip()[:60]!r})" if target.strip() else ""))
                return ""
            if note:
                self.result.problem(line, "repaired", note)
            if guessed:
                self.result.problem(line, "repaired", f"link label [{label}] read as {kind}")
            entry.links.append((kind or " ".join(label.split()), url))
            return ""
        text = _DOUBLE_LINK_RE.sub(take, text)
        return _LINK_RE.sub(take, text) if single else text

    def take_venue(self, rest: str, line: int) -> tuple[str, str]:
        comma = _COMMA_VENUE_RE.match(rest)
        if comma and looks_like_venue(comma.group(1)):
            # "**Title**, NeurIPS 2021"
            return rest[comma.end():], comma.group(1)
        stripped = rest.lstrip()
        if not stripped or stripped[0] not in _OPEN_PARENS:
            return rest, ""
        depth = 0
        for position, char in enumerate(stripped):
            if char in _OPEN_PARENS:
                depth += 1
            elif char in _CLOSE_PARENS:
                depth -= 1
                if depth == 0:
                    inside = " ".join(stripped[1:position].split())
                    if not bracket_is_venue(inside):
                        self.result.problem(line, "lenient", f"({inside[:60]}) after the title is a remark, "
                                                             "not a venue: kept in the summary")
                        return rest, ""
                    return stripped[position + 1:], inside
        return rest, ""


def _unemphasised(title: str) -> str:
    """A plain title without the emphasis wrapped around it (``*Title*``)."""
    title = title.strip()
    match = _EMPHASISED_RE.match(title)
    return match.group(2).strip() if match else title


def compose_notes(entry: Entry, text: str, blocks: list[str]) -> None:
    """The summary and notes of an entry from the text after its head and the
    blocks under it: a long first paragraph is cut after its first sentence,
    a ``【insight】`` remark goes to the notes, and with no text of its own the
    first bullet of a list under the entry is its summary."""
    text = " ".join(text.split())
    marker = _INSIGHT_RE.search(text)
    later: list[str] = []
    if marker and marker.start() > 0:
        later.append(text[marker.start():].strip())
        text = text[:marker.start()].strip()
    blocks = [block for block in blocks if block.strip()]
    if not text and blocks:
        first_lines = blocks[0].split("\n")
        bullet = re.match(r"^[*+\-]\s+(.*)$", first_lines[0])
        continued = len(first_lines) > 1 and first_lines[1][:1].isspace() and first_lines[1].strip()
        if bullet and not continued and not _INSIGHT_RE.match(bullet.group(1)):
            text = bullet.group(1).strip()
            remaining = "\n".join(first_lines[1:]).strip("\n")
            blocks = ([remaining] if remaining.strip() else []) + blocks[1:]
    if len(text) > SUMMARY_LIMIT:
        end = _sentence_end(text)
        if end:
            later.insert(0, text[end:].strip())
            text = text[:end].strip()
    entry.summary = text
    entry.notes = [block for block in later if block] + blocks


def _sentence_end(text: str) -> int | None:
    """Where the first sentence of ``text`` ends, if it ends early enough to
    leave a real remainder; never inside ``$math$``."""
    maths = [match.span() for match in _MATH_RE.finditer(text)]
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        if any(start <= match.start() < stop for start, stop in maths):
            continue
        if end < 12:
            continue
        if len(text) - end < 20:
            return None
        return end
    return None


def head_is_entry(head: str, plain: bool = True, marked: bool = False) -> bool:
    """Whether a bullet or a paragraph starts an entry of its own: a bold
    title (after any markers), or (``plain``) ``Title, VENUE`` with a venue
    that is known, a title that is a link, or (``marked``) an item that
    starts with a category marker and holds a link or a venue."""
    text, _, moved = take_markers(head)
    if text.startswith("**") and _BOLD_RE.match(text):
        return True
    if not plain:
        return False
    if marked and moved and (_DOUBLE_LINK_RE.search(text) or _LINK_RE.search(text)
                             or _ITALIC_VENUE_RE.match(text) or _VENUE_BRACKET_RE.search(text)):
        return True
    link = _LINK_TITLE_RE.match(text)
    if link and len(link.group(1).split()) >= 3:
        return True
    first_line = text.split("\n", 1)[0]
    title, comma, tail = _DOUBLE_LINK_RE.sub("", first_line).strip().rpartition(",")
    return bool(comma and title.strip() and looks_like_venue(tail.strip()))
