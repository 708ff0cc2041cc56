"""The reader's experience, in a real browser.

The project's own site is built once, served on 127.0.0.1, and read in
headless Chromium (Debian's ``chromium`` package, driven by Playwright with
its executable path set; no browser is downloaded).  Each step saves a
screenshot under ``_build/test-screenshots/`` (``PAPERSHELF_SCREENSHOTS``
elsewhere) for a person to look at.

Without Chromium the tests are skipped, with how to install it; under CI
(``CI`` set) a missing browser is a failure, since ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from conftest import PROJECT, bib_entries, copy_site, served

CHROMIUM = os.environ.get("PAPERSHELF_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
INSTALL_HINT = ("Chromium is needed for the browser tests: on Debian or Ubuntu, "
                "`sudo apt-get install chromium fonts-noto-cjk` (or set PAPERSHELF_CHROMIUM "
                "to a Chromium binary); `bash .ci/run` installs both")
if not CHROMIUM:
    if os.environ.get("CI"):
        pytest.fail(f"no Chromium on this CI machine. {INSTALL_HINT}", pytrace=False)
    pytest.skip(INSTALL_HINT, allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-test.txt")

#: Chromium's own network use (updates, sync, safe browsing) is switched off:
#: the tests' only server is the site on 127.0.0.1.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
SCREENSHOTS = Path(os.environ.get("PAPERSHELF_SCREENSHOTS") or PROJECT / "_build" / "test-screenshots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


# -- the site, served ---------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The project's site, built with sphinx-build and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("browser")
    with served(copy_site(root / "site"), root / "html") as base:
        yield Site(base, root / "html")


class Site:
    def __init__(self, base: str, outdir: Path) -> None:
        self.base, self.outdir = base, outdir
        self.papers = json.loads((outdir / "papers.json").read_text(encoding="utf-8"))["papers"]

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def browser():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Reader:
    """A page in a fresh browser context that records what went wrong: script
    errors, failed requests, and any request that leaves 127.0.0.1."""

    def __init__(self, context, site: Site) -> None:
        self.context, self.site = context, site
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        self.page.on("console", self._console)
        self.page.on("request", self._request)
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        # a failed load is reported by _response, with its URL
        if message.type == "error" and "favicon" not in (message.location or {}).get("url", "") \
                and "Failed to load resource" not in message.text:
            self.errors.append(f"console: {message.text}")

    def _request(self, request) -> None:
        if urlsplit(request.url).hostname not in ("127.0.0.1", None) and not request.url.startswith("data:"):
            self.errors.append(f"request off the machine: {request.url}")

    def _response(self, response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def open(self, path: str) -> None:
        self.page.goto(self.site.url(path))
        self.page.wait_for_load_state("load")

    def shot(self, name: str, full_page: bool = False) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def reader(browser, site):
    context = browser.new_context(viewport=DESKTOP, color_scheme="light", base_url=site.base)
    reader = Reader(context, site)
    yield reader
    context.close()
    assert reader.errors == []


def count_text(page) -> tuple[int, int]:
    """(shown, total) from the filter's live count."""
    count = page.locator(".ps-filter-count")
    return int(count.get_attribute("data-shown")), int(count.get_attribute("data-total"))


def expect_shown(page, shown: int) -> None:
    """The filter's live count comes to ``shown``.  The words box also reads
    the notes, whose text arrives with the paper search data after the first
    key is typed; the page counts again then, so the count is waited for."""
    from playwright.sync_api import expect

    expect(page.locator(".ps-filter-count")).to_have_attribute("data-shown", str(shown))


def matching(papers, word: str, year: int | None = None) -> set[str]:
    """Keys of the papers the filter should keep for ``word`` (and ``year``),
    found from papers.json, not from the page."""
    word = word.casefold()
    keys = set()
    for paper in papers:
        venue = paper["venue"]
        # the words box reads summaries, notes and abstracts too
        text = " ".join([paper["title"], " ".join(paper["authors"]), venue["name"], venue["raw"],
                         " ".join(venue["extras"]), " ".join(paper["tags"]), paper["key"],
                         paper["summary"], paper["notes"], paper["abstract"],
                         *(location["summary"] for location in paper["locations"])]).casefold()
        if word in text and (year is None or paper["year"] == year):
            keys.add(paper["key"])
    return keys


# -- search ----------------------------------------------------------------------------

def search(reader: Reader, words: str) -> list[str]:
    """Type ``words`` into the sidebar's search box, as a reader would, and
    return the links of the results."""
    page = reader.page
    reader.open("index.html")
    box = page.locator(".sidebar-search").first
    box.fill(words)
    box.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    page.wait_for_function("() => /Search finished/.test("
                           "document.querySelector('#search-results .search-summary')?.textContent || '')")
    return [link.get_attribute("href") for link in page.locator("#search-results ul.search > li > a").all()]


def test_search_finds_chinese_notes(reader):
    results = search(reader, "幻觉")
    reader.shot("01-search-chinese")
    pages = {href.split("#")[0] for href in results}
    assert "papers/llm-vlm/vlm/hallucination-of-vlms.html" in pages
    assert "papers/llm-vlm/llm/in-context-learning.html" in pages
    # the excerpt shows the word in the Chinese note, highlighted
    assert "幻觉" in reader.page.locator("#search-results .highlighted").first.inner_text()


def test_search_finds_english_words_and_papers(reader, site):
    results = search(reader, "hallucination")
    reader.shot("02-search-english")
    pages = {href.split("#")[0] for href in results}
    assert "papers/llm-vlm/vlm/hallucination-of-vlms.html" in pages
    # papers are search results of their own, linking to their entry
    entries = [href for href in results if "#paper-" in href]
    titles = {paper["title"] for paper in site.papers if "hallucination" in paper["title"].casefold()}
    assert len(entries) >= len(titles) > 5
    reader.page.locator(f'#search-results a[href="{entries[0]}"]').click()
    reader.page.wait_for_load_state("load")
    target = reader.page.locator("article.ps-paper:target")
    assert target.count() == 1
    assert "hallucination" in target.locator(".ps-title-text").inner_text().casefold()
    reader.shot("03-search-result-opened")


def test_search_finds_a_venue(reader, site):
    results = search(reader, "CVPR")
    reader.shot("04-search-venue")
    pages = {href.split("#")[0] for href in results}
    expected = {location["url"].split("#")[0] for paper in site.papers if paper["venue"]["name"] == "CVPR"
                for location in paper["locations"]}
    assert expected and expected <= pages


# -- a paper: notes, math, permalink, BibTeX ----------------------------------------------

HALLUCINATION = "papers/llm-vlm/vlm/hallucination-of-vlms.html"
RHO_PAPER = "paper-intervening-anchor-token-decoding-strategy-in-alleviating"


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_notes_open_and_close_with_the_keyboard_and_math_renders(reader):
    page = reader.page
    reader.open(HALLUCINATION)
    entry = page.locator(f"#{RHO_PAPER}")
    notes = entry.locator("details.ps-notes")
    assert notes.get_attribute("open") is None
    tab_to(page, f"#{RHO_PAPER} details.ps-notes > summary")
    page.keyboard.press("Enter")
    assert notes.get_attribute("open") is not None
    entry.scroll_into_view_if_needed()
    page.wait_for_function(f"() => document.querySelectorAll('#{RHO_PAPER} mjx-container').length >= 3")
    reader.shot("05-notes-open-with-math")
    # every formula of the page is typeset, none failed
    formulas = page.locator("span.math, div.math").count()
    assert formulas > 0
    page.wait_for_function(f"() => document.querySelectorAll('mjx-container').length >= {formulas}")
    assert page.locator("mjx-merror").count() == 0
    assert page.locator("script[src*='tex-chtml']").first.get_attribute("src").startswith("../../../_static/")
    page.keyboard.press("Space")
    assert notes.get_attribute("open") is None


def test_permalink_is_reachable_and_targets_the_paper(reader):
    page = reader.page
    reader.open(HALLUCINATION)
    link = f"#{RHO_PAPER} .ps-title > a.headerlink"
    tab_to(page, link)
    assert page.locator(link).evaluate("(a) => getComputedStyle(a).opacity") == "1"
    page.locator(link).scroll_into_view_if_needed()
    reader.shot("06-permalink-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(f"#{RHO_PAPER}$"))
    assert page.locator("article.ps-paper:target").get_attribute("id") == RHO_PAPER


def site_bib(site: Site) -> set[str]:
    return bib_entries((site.outdir / "papers.bib").read_text(encoding="utf-8"))


def test_copy_bibtex_puts_the_papers_bib_entry_on_the_clipboard(browser, site):
    context = browser.new_context(viewport=DESKTOP, base_url=site.base)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base.rstrip("/"))
    reader = Reader(context, site)
    page = reader.page
    reader.open(HALLUCINATION)
    button = page.locator(f"#{RHO_PAPER} button.ps-copy-bib")
    assert button.is_visible()
    payload = button.get_attribute("data-bibtex")
    assert payload in site_bib(site)
    assert "Intervening Anchor Token" in payload
    tab_to(page, f"#{RHO_PAPER} button.ps-copy-bib")
    page.keyboard.press("Enter")
    page.wait_for_function("(b) => b.textContent === 'Copied'", arg=button.element_handle())
    assert page.evaluate("() => navigator.clipboard.readText()") == payload
    button.scroll_into_view_if_needed()
    reader.shot("07-bibtex-copied")
    # every paper on the page has its button, each with its own papers.bib entry
    payloads = [b.get_attribute("data-bibtex") for b in page.locator("button.ps-copy-bib").all()]
    assert len(payloads) == page.locator("article.ps-paper").count()
    assert set(payloads) <= site_bib(site)
    context.close()
    assert reader.errors == []


# -- filtering -----------------------------------------------------------------------------

def test_filter_an_index_by_venue_and_year(reader, site):
    page = reader.page
    reader.open("indexes/by-venue.html")
    assert count_text(page) == (len(site.papers), len(site.papers))
    page.get_by_label("Filter", exact=True).fill("CVPR")
    expected = matching(site.papers, "CVPR")
    expect_shown(page, len(expected))
    assert count_text(page) == (len(expected), len(site.papers))
    shown = {item.get_attribute("data-key") for item in page.locator("li.ps-index-item:visible").all()}
    assert shown == expected
    reader.shot("08-index-filtered-by-venue")

    page.get_by_label("From year", exact=True).select_option("2024")
    page.get_by_label("To year", exact=True).select_option("2024")
    expected_2024 = matching(site.papers, "CVPR", 2024)
    assert 0 < len(expected_2024) < len(expected)
    assert count_text(page) == (len(expected_2024), len(site.papers))
    # groups left empty are hidden, the others say how many of theirs are left
    visible_groups = [g.inner_text() for g in page.locator("p.ps-index-group:visible").all()]
    assert visible_groups and all("2024" in group for group in visible_groups)
    reader.shot("09-index-filtered-by-venue-and-year")

    # the filter is in the address, and the address gives the same view
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["CVPR"], "year": ["2024"]}
    shared = page.url
    reader.open("index.html")
    page.goto(shared)
    assert count_text(page) == (len(expected_2024), len(site.papers))
    assert page.get_by_label("Filter", exact=True).input_value() == "CVPR"

    page.get_by_role("button", name="Clear").click()
    assert count_text(page) == (len(site.papers), len(site.papers))
    assert urlsplit(page.url).query == ""


def test_filter_by_kind_and_status(reader, site):
    page = reader.page
    reader.open("indexes/by-year.html")
    page.locator("details.ps-facet-kind > summary").click()
    page.locator("input[name=kind][value=workshop]").check()
    workshops = {p["key"] for p in site.papers if p["venue"]["kind"] == "workshop"}
    assert count_text(page)[0] == len(workshops) > 0
    page.locator("input[name=kind][value=workshop]").uncheck()
    page.locator("details.ps-facet-status > summary").click()
    page.locator("input[name=status][value=unread]").check()
    unread = {p["key"] for p in site.papers if p["status"] == "unread"}
    assert count_text(page)[0] == len(unread) > 0
    assert parse_qs(urlsplit(page.url).query) == {"status": ["unread"]}
    reader.shot("10-index-filtered-by-status")

    # "no venue" is one word everywhere: the JSON's kind and the filter's
    reader.open("indexes/by-year.html?kind=none")
    no_venue = {p["key"] for p in site.papers if p["venue"]["kind"] == "none"}
    assert count_text(page)[0] == len(no_venue) > 0

    # an open-ended range from the address, and the filter reached with Tab
    reader.open("indexes/by-year.html?year=2024-")
    recent = {p["key"] for p in site.papers if p["year"] and p["year"] >= 2024}
    assert count_text(page) == (len(recent), len(site.papers))
    assert page.get_by_label("From year", exact=True).input_value() == "2024"
    assert page.get_by_label("To year", exact=True).input_value() == ""
    tab_to(page, "#ps-filter-q")
    page.keyboard.type("in-context")
    expect_shown(page, len(matching(site.papers, "in-context") & recent))

    # a value no paper has is kept and said, not silently dropped
    reader.open("indexes/by-year.html?kind=nonsense")
    assert count_text(page) == (0, len(site.papers))
    assert "nonsense" in page.locator(".ps-filter-notice").inner_text()


def test_filter_a_topic_page(reader, site):
    page = reader.page
    reader.open(f"{HALLUCINATION}?year=2024")
    on_page = [p for p in site.papers
               if any(location["url"].startswith(HALLUCINATION) for location in p["locations"])]
    in_2024 = {p["key"] for p in on_page if p["year"] == 2024}
    assert count_text(page) == (len(in_2024), len(on_page))
    shown = {a.get_attribute("data-key") for a in page.locator("article.ps-paper:visible").all()}
    assert shown == in_2024
    # the 2025 section has no paper left, so its heading goes too
    assert page.locator("section:has(> h2:text-is('2025'))").is_hidden()
    reader.shot("11-topic-filtered-by-year")


def test_without_javascript_the_full_list_is_there(browser, site):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False, base_url=site.base)
    page = context.new_page()
    page.goto(site.url("indexes/by-venue.html?q=CVPR&year=2024"))
    assert page.locator(".ps-filter").count() == 0
    assert page.locator("li.ps-index-item:visible").count() == len(site.papers)
    page.goto(site.url(HALLUCINATION))
    assert page.locator("button.ps-copy-bib:visible").count() == 0
    articles = page.locator("article.ps-paper")
    assert articles.count() > 5 and page.locator("article.ps-paper:visible").count() == articles.count()
    page.screenshot(path=str(SCREENSHOTS / "12-no-javascript.png"))
    context.close()


# -- looks ------------------------------------------------------------------------------------

CONTRAST_SCRIPT = """(selector) => {
  function rgba(text) {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  }
  function background(element) {
    for (let e = element; e; e = e.parentElement) {
      const colour = rgba(getComputedStyle(e).backgroundColor);
      if (colour[3] > 0) return colour;
    }
    return [255, 255, 255, 1];
  }
  return Array.from(document.querySelectorAll(selector))
    .filter((e) => e.offsetParent !== null && e.textContent.trim())
    .map((e) => ({text: e.textContent.trim().slice(0, 40), cls: e.className,
                  fg: rgba(getComputedStyle(e).color), bg: background(e)}));
}"""

READABLE = ".ps-badge, .ps-also-in, .ps-authors, .ps-filter-label, .ps-filter-count, button.ps-copy-bib, .ps-count"


def luminance(rgb) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(v) for v in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(fg, bg) -> float:
    # a translucent colour is laid over its background first
    alpha = fg[3]
    fg = [alpha * f + (1 - alpha) * b for f, b in zip(fg[:3], bg[:3])]
    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def low_contrast(page) -> list[tuple]:
    found = page.evaluate(CONTRAST_SCRIPT, READABLE)
    assert len(found) > 30   # badges, labels and controls of the page
    return [(item["text"], item["cls"], round(contrast(item["fg"], item["bg"]), 2)) for item in found
            if contrast(item["fg"], item["bg"]) < 4.5]


def set_theme(page, theme: str) -> None:
    toggle = page.locator(".theme-toggle:visible").first
    for _ in range(3):
        if page.evaluate("() => document.body.dataset.theme") == theme:
            return
        toggle.click()
    assert page.evaluate("() => document.body.dataset.theme") == theme


def test_badges_are_readable_in_light_and_dark_mode(reader):
    page = reader.page
    reader.open("indexes/by-venue.html")
    set_theme(page, "light")
    assert low_contrast(page) == []
    reader.shot("13-light-mode")
    set_theme(page, "dark")
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"
    assert low_contrast(page) == []
    reader.shot("14-dark-mode")
    # the choice is kept: the next page opens dark too
    reader.open(HALLUCINATION)
    assert page.evaluate("() => document.body.dataset.theme") == "dark"
    assert low_contrast(page) == []
    reader.shot("15-dark-mode-topic-page")


def overlapping(page, selector: str) -> list[tuple[str, str]]:
    """Pairs of the elements matching ``selector`` that are drawn over each other."""
    boxes = page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector)).map((e) => {
        const r = e.getBoundingClientRect();
        return [e.id || e.name || e.textContent.trim(), r.left, r.top, r.right, r.bottom];
    })""", selector)
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[1] < b[3] - 1 and b[1] < a[3] - 1 and a[2] < b[4] - 1 and b[2] < a[4] - 1]


def test_a_dark_system_theme_is_followed_and_readable(browser, site):
    """Furo's "auto" mode follows the system; the badges follow it too."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark", base_url=site.base)
    reader = Reader(context, site)
    reader.open("indexes/by-year.html")
    page = reader.page
    assert page.evaluate("() => document.body.dataset.theme || 'auto'") == "auto"
    badge = page.locator(".ps-badge.ps-status-unread").first
    assert badge.evaluate("(b) => getComputedStyle(b).backgroundColor") == "rgb(55, 65, 81)"  # --ps-unread-bg, dark
    assert low_contrast(page) == []
    reader.shot("19-dark-system-theme")
    context.close()
    assert reader.errors == []


PHONE_PAGES = ["index.html", HALLUCINATION, "indexes/by-venue.html", "papers/llm-vlm/llm/in-context-learning.html",
               "papers/reading-list/index.html", f"search.html?q={quote('hallucination')}"]


def test_no_horizontal_scrolling_on_a_phone(browser, site):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  base_url=site.base)
    reader = Reader(context, site)
    page = reader.page
    too_wide = {}
    for number, path in enumerate(PHONE_PAGES):
        reader.open(path)
        if path.startswith("search"):
            page.wait_for_selector("#search-results .search-summary:has-text('Search finished')")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
        reader.shot(f"16-phone-{number}-{Path(path.split('?')[0]).stem}")
    assert too_wide == {}
    # the filter bar and an opened note fit too
    reader.open(HALLUCINATION)
    page.get_by_label("Filter", exact=True).fill("hallucination")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert overlapping(page, ".ps-filter input, .ps-filter select, .ps-filter button, .ps-filter-label") == []
    reader.shot("17-phone-filter")
    page.locator("article.ps-paper:visible details.ps-notes > summary").first.click()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    reader.shot("18-phone-notes-open")
    context.close()
    assert reader.errors == []


def test_an_index_table_sorts_by_a_column_and_filters(reader, site):
    page = reader.page
    reader.open("indexes/table.html")
    rows = page.locator("table.ps-index-table").first.locator("tbody tr")
    titles = lambda: [rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())]
    page.locator("table.ps-index-table").first.get_by_role("columnheader", name="Title").click()
    assert titles() == sorted(titles(), key=str.casefold)
    page.locator("table.ps-index-table").first.get_by_role("columnheader", name="Title").click()
    assert titles() == sorted(titles(), key=str.casefold, reverse=True)
    reader.shot("20-index-table-sorted")
    # the filter bar hides rows as it hides list items
    page.get_by_label("Filter", exact=True).fill("CVPR")
    expected = matching(site.papers, "CVPR")
    expect_shown(page, len(expected))
    shown = {row.get_attribute("data-key") for row in page.locator("tr.ps-index-item:visible").all()}
    assert shown == expected
