"""Plain paragraphs and lists made without MyST are the nodes MyST makes of them.

The shortcut (``papershelf.plaintext``) must never change a page: the same
random bodies, full of the characters and line starts that Markdown gives a
meaning to, are built with the shortcut and without it, and every node of the
two doctrees (kind, attributes, line, source, text) must be equal.
"""

from __future__ import annotations

import random
import shutil

import pytest
from docutils import nodes
from sphinx.testing.util import SphinxTestApp

from conftest import ROOTS
from papershelf import plaintext

# pieces of text: words, and everything Markdown or MyST reads as markup
_WORDS = ["alpha", "beta", "模型", "在合成任务上验证了理论结果。", "in-context", "Note:", "e.g.", "(see)", "100%",
          "50/50", "it's", '"quoted"', "www.example.com", "x=1", "a+b", "#tag", "@name", "C++", "(c)", "--", "...",
          "【insight】", "über", "Ω", "naïve"]
_MARKUP = list("`*_[]<>&\\${}|~:#-+=.)(%!'\"@^") + ["**b**", "`c`", "$x^2$", "[l](u)", "<b>", "&amp;", "{sub}`2`",
                                                    "~~s~~", "\t", "\u3000", "\xa0", "\u200b"]
# inline math, well formed and not, with what math may hold
_MATH = ["$x^2$", "$\\frac{a}{b}$", "$a_1 * b_2$", "$ x $", "$p(y|x)$", "$\\text{softmax}((1+\\alpha) p)$", "$<b>$",
         "$[l](u)$", "$\\mathcal{L} = -\\sum_i \\log p$", "$$", "$x$$y$", "\\$", "$a\\$b$", "$x", "5$", "$`c`$",
         "$&amp;$", "a$b$c", "$$x$$", "${sub}$", "$x\\\\$"]
_LINE_STARTS = ["", "", "", "$x$ ", "$$ ", "- ", "* ", "+ ", "1. ", "2) ", "# ", "> ", ": ", "~ ", "    ", "  ", "(t)=", "% ",
                "---", "===", "- ---", "> ---", "- [x] ", "{.cls} ", "{#id}\n", ":name: ", "![alt](img.png) ",
                "| a |", ":::", "+++", "<div>", "2024 ", "Term\n: def"]
_ENDINGS = ["", "", "", " ", "  ", "\\", "\t"]


def _line(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) if rng.random() < 0.8 else rng.choice(_MATH) if rng.random() < 0.5
             else rng.choice(_MARKUP) for _ in range(rng.randint(1, 9))]
    return rng.choice(_LINE_STARTS) + " ".join(words) + rng.choice(_ENDINGS)


# what may come after a list item's marker, or in its place
_MARKERS = ["- ", "- ", "- ", "* ", "+ ", "-  ", "-\t", "  - ", "1. ", "-", "- [ ] ", "- - ", "", "  "]


def _list(rng: random.Random) -> list[str]:
    """A bullet list, mostly plain, with a marker, an item or a line that
    changes what it is now and then."""
    marker = rng.choice(["- ", "- ", "* ", "+ "])
    lines = []
    for _ in range(rng.randint(1, 4)):
        odd = rng.random() < 0.15
        start = rng.choice(_MARKERS) if odd else marker
        text = _line(rng) if rng.random() < 0.15 else \
            rng.choice(["", "", "$x$ "]) + rng.choice(_WORDS) + " " + rng.choice(_WORDS + _MATH[:9])
        lines.append(start + text)
    return lines


def _body(rng: random.Random) -> str:
    blocks = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        lines = _list(rng) if kind > 0.75 else \
            [("Plain words " + rng.choice(_WORDS)) if kind < 0.35 else
             (rng.choice(["", "", "$y$ "]) + "Math " + rng.choice(_MATH[:9]) + " and " + rng.choice(_WORDS))
             if kind < 0.55 else _line(rng) for _ in range(rng.randint(1, 3))]
        blocks.append("\n".join(lines))
    return rng.choice(["\n\n", "\n\n\n", "\n"]).join(blocks).replace("```", "``")


def _page(seed: int, count: int) -> str:
    rng = random.Random(seed)
    parts = ["# Random bodies", ""]
    for number in range(count):
        parts += [f"````{{paper}} Paper {seed}-{number}", ":year: 2021", "", _body(rng), "````", ""]
    return "\n".join(parts)


def _dump(doctree: nodes.document) -> list[tuple]:
    dumped = []
    for node in doctree.findall():
        if isinstance(node, nodes.Text):
            dumped.append(("#text", str(node)))
        else:
            rawsource = node.rawsource if isinstance(node, nodes.paragraph) else None
            dumped.append((node.tagname, repr(sorted(node.attributes.items())), node.line, node.source, rawsource))
    return dumped


def _build(srcdir, outdir, shortcut: bool, monkeypatch) -> tuple[dict[str, list[tuple]], str]:
    with monkeypatch.context() as patch:
        if not shortcut:
            patch.setattr(plaintext, "allowed", lambda config: False)
        app = SphinxTestApp("html", srcdir=srcdir, builddir=outdir, freshenv=True)
        try:
            app.build()
            trees = {docname: _dump(app.env.get_doctree(docname)) for docname in sorted(app.env.found_docs)}
            return trees, (outdir / "html" / "random.html").read_text(encoding="utf-8")
        finally:
            app.cleanup()


@pytest.fixture
def random_site(tmp_path):
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    (srcdir / "other.md").unlink()
    return srcdir


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_shortcut_makes_the_nodes_myst_makes(random_site, tmp_path, monkeypatch, seed):
    (random_site / "random.md").write_text(_page(seed, 150), encoding="utf-8")
    counted = []
    original = plaintext.leading_blocks

    def counting(lines, math=False):
        found, start = original(lines, math)
        counted.append((len(found), start == len(lines), sum("$" in "".join(block) for _, block, _ in found),
                        sum(bool(bullet) for _, _, bullet in found)))
        return found, start

    monkeypatch.setattr(plaintext, "leading_blocks", counting)
    fast, fast_html = _build(random_site, tmp_path / "fast", True, monkeypatch)
    slow, slow_html = _build(random_site, tmp_path / "slow", False, monkeypatch)
    # the shortcut was taken often, for whole bodies and for their tops, for
    # math and for lists
    assert sum(found for found, _, _, _ in counted) > 50
    assert sum(whole for _, whole, _, _ in counted) > 10
    assert sum(math for _, _, math, _ in counted) > 10
    assert sum(lists for _, _, _, lists in counted) > 10
    assert fast.keys() == slow.keys()
    for docname in fast:
        assert fast[docname] == slow[docname], docname
    assert fast_html == slow_html


@pytest.mark.parametrize("body, kept", [
    ("- ---in a list item\n\nEnd.", "in a list item"),
    ("The summary.\n\n- ---in a list item", "in a list item"),
    ("> ---quoted", "quoted"),
    ("The summary.\n\n---\nkey: value\n---\n\nText.", "key: value"),
])
@pytest.mark.parametrize("shortcut", [True, False])
def test_notes_that_start_like_front_matter_are_kept(random_site, tmp_path, monkeypatch, body, kept, shortcut):
    """markdown-it reads "---" on the first line it parses as front matter,
    even inside a list item, and MyST drops front matter: notes are never a
    page of their own, so nothing of them may go that way."""
    (random_site / "random.md").write_text(f"# Notes\n\n````{{paper}} A paper\n:year: 2021\n\n{body}\n````\n",
                                           encoding="utf-8")
    _, html = _build(random_site, tmp_path / "out", shortcut, monkeypatch)
    assert kept in html


#: every MyST extension that leaves plain text as it is (the site's own
#: conf.py uses four of them): the shortcut stays on with all of them
_KEEPING_EXTENSIONS = ["dollarmath", "amsmath", "colon_fence", "deflist", "fieldlist", "tasklist", "attrs_block",
                       "attrs_inline", "substitution", "strikethrough", "html_image", "html_admonition"]


@pytest.mark.parametrize("seed", [4, 5])
def test_the_shortcut_makes_the_nodes_myst_makes_with_every_extension(random_site, tmp_path, monkeypatch, seed):
    """Definition lists, field lists, task lists, attributes, fences...: what
    these read is left to MyST, and what the shortcut takes is still what
    MyST makes of it."""
    conf = random_site / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace('myst_enable_extensions = ["dollarmath"]',
                                                            f"myst_enable_extensions = {_KEEPING_EXTENSIONS!r}"),
                    encoding="utf-8")
    assert repr(_KEEPING_EXTENSIONS) in conf.read_text(encoding="utf-8")
    (random_site / "random.md").write_text(_page(seed, 150), encoding="utf-8")
    taken = []
    original = plaintext.leading_blocks

    def counting(lines, math=False):
        found, start = original(lines, math)
        taken.append(len(found))
        return found, start

    monkeypatch.setattr(plaintext, "leading_blocks", counting)
    fast, fast_html = _build(random_site, tmp_path / "fast", True, monkeypatch)
    slow, slow_html = _build(random_site, tmp_path / "slow", False, monkeypatch)
    assert sum(taken) > 50
    assert fast == slow
    assert fast_html == slow_html


def test_settings_that_rewrite_text_turn_it_off():
    from myst_parser.config.main import MdParserConfig

    assert plaintext.allowed(MdParserConfig(enable_extensions={"dollarmath", "deflist"}))
    assert plaintext.math_allowed(MdParserConfig(enable_extensions={"dollarmath"}))
    assert plaintext.allowed(MdParserConfig(enable_extensions={"substitution"}))
    for changed in ({"enable_extensions": {"dollarmath", "replacements"}}, {"enable_extensions": {"smartquotes"}},
                    {"enable_extensions": {"gfm_autolink"}}, {"enable_extensions": {"section_ref"}},
                    {"enable_extensions": {"substitution"}, "sub_delimiters": ("@", "@")},
                    {"gfm_only": True}, {"commonmark_only": True}, {"disable_syntax": ["newline"]}):
        assert not plaintext.allowed(MdParserConfig(**changed)), changed
    for changed in ({"enable_extensions": {"deflist"}}, {"dmath_allow_space": False},
                    {"dmath_allow_digits": False}, {"dmath_double_inline": True}):
        assert not plaintext.math_allowed(MdParserConfig(**{"enable_extensions": {"dollarmath"}, **changed})), changed
    assert not plaintext.allowed(None)


@pytest.mark.parametrize("front_matter", [
    "myst:\n  dmath_allow_space: false\n  dmath_double_inline: true\n",
    "myst:\n  enable_extensions: [deflist]\n",
    "myst:\n  enable_extensions: [smartquotes, replacements, dollarmath]\n",
    "myst:\n  disable_syntax: [newline]\n",
    "myst:\n  enable_extensions: [dollarmath, gfm_autolink, section_ref]\n",
    "myst:\n  enable_extensions: [substitution]\n  sub_delimiters: ['@', '@']\n  substitutions:\n    name: SUBST\n",
    "title: A page with front matter but no MyST settings\n",
])
def test_a_pages_own_myst_settings_are_followed(random_site, tmp_path, monkeypatch, front_matter):
    """Settings in a page's front matter change how MyST reads it: the
    shortcut reads them the same way, or stays off."""
    bodies = ["Cost $ $ here", "costs 5$ and 6$", "Text $x $ y", "$x$ math", "a $y$ b",
              "it's \"quoted\" -- and... (c) +-", "Two lines\nof text", "a\nb\nc\nd", "Plain words only.",
              "See www.example.com for more.", "- mail a.b@example.com now", "As in §1.2 above.", "Word @@name@@ x"]
    entries = "".join(f"\n````{{paper}} Front {number}\n:year: 2021\n\n{body}\n````\n"
                      for number, body in enumerate(bodies))
    (random_site / "random.md").write_text(f"---\n{front_matter}---\n# Front matter\n{entries}", encoding="utf-8")
    fast, fast_html = _build(random_site, tmp_path / "fast", True, monkeypatch)
    slow, slow_html = _build(random_site, tmp_path / "slow", False, monkeypatch)
    assert fast == slow
    assert fast_html == slow_html


@pytest.mark.parametrize("lines, plain_count, rest", [
    (["Words and more words.", "A second line."], 1, 2),
    (["One.", "", "Two.", "", "- a list"], 3, 5),
    (["One.", "", "Two.", "", "- *a* list"], 2, 4),
    (["- one", "- two", "", "After."], 2, 4),
    (["- one", "* two"], 0, 0),                        # two lists: MyST reads them
    (["- one", "", "- two"], 0, 0),                    # a loose list
    (["- one", "", "  its second paragraph"], 0, 0),
    (["- one", "  a lazy line"], 0, 0),
    (["- one", "two"], 0, 0),                          # a lazy continuation
    (["- 1. nested"], 0, 0),
    (["-  two spaces"], 0, 0),
    (["- one", "", "* other marker"], 2, 3),           # two lists, as MyST makes them
    (["Term", "", ": its definition"], 0, 0),          # a definition list's term
    (["First.", "", "Term", "~ definition"], 1, 2),
    (["Has *emphasis*."], 0, 0),
    (["Has a trailing space. "], 0, 0),
    (["1. a numbered list"], 0, 0),
    (["    indented code"], 0, 0),
    (["中文开头的一段话。"], 1, 1),
    (["", "", "After blank lines."], 1, 3),
    (["Tab\there."], 0, 0),
])
def test_leading_blocks(lines, plain_count, rest):
    found, start = plaintext.leading_blocks(lines)
    assert (len(found), start) == (plain_count, rest)


def test_math_the_shortcut_takes_is_checked_as_any_math(random_site, tmp_path):
    """A plain paragraph with unsafe math is made by the shortcut and still
    made inert, with its warning."""
    (random_site / "random.md").write_text(
        "# Math\n\n```{paper} Hostile math\n:year: 2024\n\nSummary with $\\href{javascript:alert(1)}{x}$ inside.\n```\n",
        encoding="utf-8")
    app = SphinxTestApp("html", srcdir=random_site, builddir=tmp_path / "out", freshenv=True)
    try:
        app.build()
        warnings = app.warning.getvalue()
        html = (tmp_path / "out" / "html" / "random.html").read_text(encoding="utf-8")
    finally:
        app.cleanup()
    assert "random.md:6: WARNING: math with \\href with a javascript: URL is shown as text" in warnings
    assert '<span class="pre">\\href{javascript:alert(1)}{x}' in html and "math notranslate" not in html
