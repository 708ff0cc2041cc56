"""Atom feeds of newly added papers, written from the site's ``papers.json``.

- ``papers.atom`` at the site root: the newest papers of the whole site;
- ``feeds/tags/<tag>.atom``: the newest papers with that tag;
- ``<topic page>.atom`` beside each topic page (``papers/llm/alignment.atom``
  next to ``papers/llm/alignment.html``): the newest papers on that page.

A paper is listed by its ``added`` date; papers without one are left out.
Feeds are made from ``papers.json`` only, after it is written, so they show
exactly what the export says.  Every date in a feed comes from the papers:
a feed's ``updated`` is its newest paper's date, never the time of the build,
so a rebuild that changes no listed paper writes the same bytes, and the file
is not written at all.  Pages link to their feed with ``<link
rel="alternate">``: the root page to the site's feed, a topic page to its own,
the by-tag index to each tag's.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sphinx.util.osutil import relative_uri

from .diagnostics import conf_location, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: How many papers a feed lists, newest first.
FEED_LENGTH = 50
SITE_FEED = "papers.atom"
TAG_FEEDS = "feeds/tags"
FEED_TYPE = "application/atom+xml"
#: the digest of the papers.json the feeds were last made from, beside the doctrees
STAMP_FILE = "papershelf-feeds.stamp"
#: The ``updated`` of a feed that lists no paper yet: a fixed date, so that the
#: file stays the same until a paper is dated.
#: the feeds written by the last build, kept with the doctrees
FEED_LIST = "papershelf-feeds.json"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

_NOT_IN_SLUG = re.compile(r"[^\w]+")
_PLAIN_TAG = re.compile(r"[^\W_]+(?: [^\W_]+)*")
_TAG_GROUP = re.compile(r'<p class="ps-index-group[^"]*" id="group-[^"]*">(.*?)<span class="ps-count">', re.S)


def tag_slug(tag: str) -> str:
    """The file name of a tag's feed (without ``.atom``): ``Task Vectors`` is
    ``task-vectors``; letters of any script are kept.  Where the readable form
    loses something (``C++`` and ``C``, a tag of 300 characters), a short digest
    of the tag keeps two tags apart and the name within file-name limits."""
    folded = tag.casefold()
    readable = _NOT_IN_SLUG.sub("-", folded).strip("-")
    short = readable[:60].rstrip("-") or "tag"
    if short == readable and _PLAIN_TAG.fullmatch(folded):
        return short   # words and single spaces: nothing else can give this name
    return f"{short}-{hashlib.blake2s(folded.encode('utf-8'), digest_size=4).hexdigest()}"


def tag_feed(tag: str) -> str:
    return f"{TAG_FEEDS}/{tag_slug(tag)}.atom"


def topic_feed(docname: str) -> str:
    return f"{docname}.atom"


def added_date(value: Any) -> datetime | None:
    """An ``added`` value (``2024-05-01`` or a full ISO date and time) as an
    aware datetime; ``None`` when it is missing or not a date."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Feed:
    path: str  # relative to the site root, with "/"
    title: str
    subtitle: str
    page: str  # the site-relative URL of the page the feed belongs to
    docname: str = ""  # a topic feed's page: its papers link to their entries there


def _relative(url: str, feed_path: str) -> str:
    """A site-relative URL as seen from the feed's folder (absolute ones as they are)."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("/"):
        return url
    target, _, fragment = url.partition("#")
    relative = posixpath.relpath(target or ".", posixpath.dirname(feed_path) or ".")
    return relative + (f"#{fragment}" if fragment else "")


def _paper_url(paper: dict, docname: str = "") -> str:
    """The URL of the paper's entry: on ``docname`` when it is there, else its first."""
    locations = [loc for loc in paper.get("locations") or [] if isinstance(loc, dict)]
    chosen = [loc for loc in locations if docname and loc.get("page") == docname] or locations
    return str(chosen[0].get("url") or "") if chosen else ""


#: the characters XML 1.0 does not allow (control characters but tab and line
#: breaks, surrogates, U+FFFE and U+FFFF), written as the small class they are:
#: the complement of the allowed ranges takes milliseconds to compile
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: Any) -> str:
    """Text that XML can hold: control characters from a pasted note are dropped."""
    return _NOT_XML.sub("", str(value))


def _entry_id(paper: dict, base: str) -> str:
    url = _paper_url(paper)
    if base and url:
        return url if "://" in url else f"{base}/{url}"
    return "urn:papershelf:paper:" + quote(str(paper.get("key", "")), safe="")


def render_feed(feed: Feed, papers: list[dict], *, site_title: str, author: str, base: str,
                generator: str) -> bytes:
    """One Atom feed of ``papers`` (already chosen and ordered): bytes that
    depend on the papers and the site's settings only."""
    from feedgen.feed import FeedGenerator

    generated = FeedGenerator()
    generated.id(f"{base}/{feed.path}" if base else "urn:papershelf:feed:" + quote(feed.path, safe="/"))
    generated.title(_xml_text(feed.title))
    generated.subtitle(_xml_text(feed.subtitle))
    generated.author({"name": _xml_text(author)})
    generated.generator(generator)
    page = f"{base}/{feed.page}" if base else _relative(feed.page, feed.path)
    generated.link(href=page, rel="alternate", type="text/html")
    if base:
        generated.link(href=f"{base}/{feed.path}", rel="self", type=FEED_TYPE)
    dates = [added_date(paper.get("added")) for paper in papers]
    generated.updated(max((d for d in dates if d), default=EPOCH))
    for paper, added in zip(papers, dates):
        entry = generated.add_entry(order="append")
        entry.id(_entry_id(paper, base))
        entry.title(_xml_text(paper.get("title") or paper.get("key") or "untitled"))
        url = _paper_url(paper, feed.docname)
        if url:
            entry.link(href=f"{base}/{url}" if base and "://" not in url else _relative(url, feed.path),
                       rel="alternate", type="text/html")
        entry.published(added)
        entry.updated(added)
        authors = [name for name in paper.get("authors") or [] if isinstance(name, str) and name.strip()]
        if authors:
            entry.author([{"name": _xml_text(name)} for name in authors])
        for tag in paper.get("tags") or []:
            entry.category(term=_xml_text(tag))
        summary = _xml_text(_summary(paper))
        if summary:
            entry.summary(summary)
    return generated.atom_str(pretty=True)


def _summary(paper: dict) -> str:
    venue = paper.get("venue") or {}
    head = " · ".join(str(part) for part in (
        (venue.get("raw") or venue.get("name")) if isinstance(venue, dict) else "",
        paper.get("year") or "") if part)
    text = str(paper.get("summary") or "").strip()
    return "\n\n".join(part for part in (head, text) if part)


def newest(papers: list[dict], length: int = FEED_LENGTH) -> list[dict]:
    """The dated papers, newest first (ties by key), at most ``length``."""
    dated = [(added_date(paper.get("added")), paper) for paper in papers]
    dated = [(when, paper) for when, paper in dated if when]
    dated.sort(key=lambda pair: (-pair[0].timestamp(), str(pair[1].get("key", "")).casefold()))
    return [paper for _, paper in dated[:length]]


def plan_feeds(papers: list[dict], site_title: str, root_url: str) -> dict[Feed, list[dict]]:
    """Every feed of the site with the papers it lists."""
    by_tag: dict[str, tuple[str, list[dict]]] = {}
    by_topic: dict[str, tuple[str, str, list[dict]]] = {}
    for paper in papers:
        for tag in paper.get("tags") or []:
            if isinstance(tag, str) and tag.strip():
                name, listed = by_tag.setdefault(tag_slug(tag), (tag, []))
                listed.append(paper)
        seen = set()
        for location in paper.get("locations") or []:
            if not isinstance(location, dict) or not location.get("page") or location["page"] in seen:
                continue
            seen.add(location["page"])
            page = location["page"]
            url = str(location.get("url", "")).partition("#")[0]
            _, _, listed = by_topic.setdefault(page, (str(location.get("title") or page), url, []))
            listed.append(paper)
    plan = {Feed(SITE_FEED, f"{site_title}: newest papers", "Papers newly added to the site",
                 root_url): newest(papers)}
    for slug, (tag, listed) in sorted(by_tag.items()):
        plan[Feed(f"{TAG_FEEDS}/{slug}.atom", f"{site_title}: {tag}", f"Papers tagged {tag}",
                  root_url)] = newest(listed)
    for page, (title, url, listed) in sorted(by_topic.items()):
        plan[Feed(topic_feed(page), f"{site_title}: {title}", f"Papers on {title}",
                  url or root_url, page)] = newest(listed)
    return plan


def read_papers(outdir: Path) -> list[dict] | None:
    path = outdir / "papers.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        warn(f"papers.json cannot be read, so no feed is written: {error}", "feed", str(path))
        return None
    papers = data.get("papers") if isinstance(data, dict) else None
    return [paper for paper in papers if isinstance(paper, dict)] if isinstance(papers, list) else None




def _site_title(app: Sphinx) -> str:
    return app.config.html_title or app.config.project or "Papers"


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    from . import __version__
    from .exports import made_papers, write_if_changed, written_papers_json

    source = written_papers_json(app, exception)
    if source is None:
        return
    outdir = source.parent
    # nothing to do when papers.json and the feeds' settings are as last time
    # (when no page was read, papers.json is the one the stamp was made from)
    settings = hashlib.sha256(repr((__version__, app.config.html_baseurl, _site_title(app), app.config.author,
                                    FEED_LENGTH)).encode()).hexdigest()
    stamp = Path(app.doctreedir, STAMP_FILE)
    try:
        last = stamp.read_text(encoding="utf-8") if (outdir / SITE_FEED).is_file() else ""
    except OSError:
        last = ""
    if last.endswith(" " + settings) and not app.env.domains["paper"].exports_due:
        return
    # the papers this build wrote to papers.json, else the file's
    made = made_papers(app)
    digest = f"{made[1] if made else hashlib.sha256(source.read_bytes()).hexdigest()} {settings}"
    if last == digest:
        return
    papers = made[0] if made else read_papers(outdir)
    if papers is None:
        return
    try:
        import feedgen  # noqa: F401
    except ImportError:
        warn("feedgen is not installed, so no feed is written (pip install -r requirements.txt)", "feed",
             conf_location(app.confdir, "extensions"))
        return

    for paper in papers:
        value = paper.get("added")
        if value not in (None, "") and added_date(value) is None:
            location = (paper.get("locations") or [{}])[0]
            warn(f"paper {paper.get('key')!r}: added date {value!r} is not an ISO date (2024-05-01); "
                 "it is left out of the feeds", "feed",
                 (location.get("page"), location.get("line")) if location.get("page") else None)
    base = (app.config.html_baseurl or "").rstrip("/")
    root_url = app.builder.get_target_uri(app.config.root_doc)
    site_title = _site_title(app)
    plan = plan_feeds(papers, site_title, root_url)
    for feed, listed in plan.items():
        content = render_feed(feed, listed, site_title=site_title,
                              author=app.config.author or site_title, base=base,
                              generator=f"papershelf {__version__}")
        write_if_changed(outdir / feed.path, content)
    # a tag no paper has any more, or a topic page that is gone, takes its
    # feed with it: the feeds written last time are listed beside the stamp
    planned = {outdir / feed.path for feed in plan}
    written_list = Path(app.doctreedir, FEED_LIST)
    try:
        earlier = [outdir / name for name in json.loads(written_list.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        earlier = []
    for old in sorted({*Path(outdir, TAG_FEEDS).glob("*.atom"), *earlier}):
        if old not in planned and old.is_file() and outdir.resolve() in old.resolve().parents:
            old.unlink()
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest, encoding="utf-8")
        written_list.write_text(json.dumps(sorted(feed.path for feed in plan)), encoding="utf-8")
    except OSError:
        pass  # the next build writes the feeds again


# -- <link rel="alternate"> on the pages -------------------------------------------------

def feeds_of_page(pagename: str, body: str, root_doc: str) -> list[tuple[str, str]]:
    """``(feed path, title)`` of the feeds a page links to, from what the
    page shows: the root page the site's feed, a page with paper entries its
    own, the index grouped by tag one per tag."""
    feeds = []
    if pagename == root_doc:
        feeds.append((SITE_FEED, "Newest papers"))
    if 'class="ps-paper"' in body:
        feeds.append((topic_feed(pagename), "Newest papers on this page"))
    for part in body.split('class="ps-index ps-index-by-')[1:]:
        if not part.startswith("tag"):
            continue
        for heading in _TAG_GROUP.findall(part):
            tag = html.unescape(re.sub(r"<[^>]+>", "", heading)).strip()
            if tag and tag != "No tags":
                feeds.append((tag_feed(tag), f"Papers tagged {tag}"))
    return list(dict.fromkeys(feeds))


def add_feed_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if app.builder.format != "html" or doctree is None:
        return
    links = []
    for path, title in feeds_of_page(pagename, context.get("body", ""), app.config.root_doc):
        # relative to the page, as pathto(path, 1) gives it; the JSON and
        # pickle builders' pathto takes one argument and leaves paths alone
        href = relative_uri(app.builder.get_target_uri(pagename), path)
        links.append(f'<link rel="alternate" type="{FEED_TYPE}" title="{html.escape(title)}" '
                     f'href="{html.escape(href)}" />')
    if links:
        context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(links)


def setup_feeds(app: Sphinx) -> None:
    # after the exports (priority 500) have written papers.json
    app.connect("build-finished", write_feeds, priority=800)
    app.connect("html-page-context", add_feed_links)
