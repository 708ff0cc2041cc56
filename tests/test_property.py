"""Random option values and bodies: the build may warn, it never raises."""

from __future__ import annotations

import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from conftest import ROOTS
from papershelf.directives.paper import OPTION_NAMES

# Any character but backticks (they would close the fence) and line breaks
# inside one-line parts; surrogates cannot be written to a file.
_ALPHABET = st.characters(blacklist_categories=("Cs",), blacklist_characters="`\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00")
one_line = st.text(alphabet=_ALPHABET, max_size=60)
tricky = st.sampled_from([
    "", " ", "javascript:alert(1)", "JaVa\tScRiPt:x", "data:,x", "arXiv:2305.19420", "arXiv:x",
    "10.48550/arXiv.2501.07542", "https://arxiv.org/abs/2310.15213v2", "ICLR 2025 Ratings 8 6 6 5",
    "CVPR2024", "NIPS2023 Oral", "9999", "-1", "0", "read", "UNREAD", "8866", "a, b, , c",
    "<https://x.org>", "Label <https://x.org>, <javascript:y>", "ICML 1066", "大模型, 幻觉",
    "$x^2$", "**bold**", "[link](nowhere)", "<script>alert(1)</script>", ":", "::",
])
option_name = st.one_of(st.sampled_from(OPTION_NAMES), st.from_regex(r"[a-z][a-z_-]{0,12}", fullmatch=True))
entry = st.fixed_dictionaries({
    "title": st.one_of(one_line, tricky),
    "options": st.dictionaries(option_name, st.one_of(one_line, tricky), max_size=8),
    "body": st.lists(st.one_of(one_line, tricky), max_size=5),
})


def render(entries: list[dict]) -> str:
    parts = ["# Random entries", ""]
    for item in entries:
        parts.append(f"````{{paper}} {item['title']}".rstrip())
        for name, value in item["options"].items():
            # a value that is blank or starts with a quote would be read as YAML; keep it text
            parts.append(f":{name}: {value}".rstrip())
        parts.append("")
        for paragraph in item["body"]:
            parts += [paragraph, ""]
        parts += ["````", ""]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def random_site(tmp_path_factory):
    srcdir = tmp_path_factory.mktemp("random") / "src"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    (srcdir / "other.md").unlink()
    app = SphinxTestApp("html", srcdir=srcdir)
    yield srcdir, app
    app.cleanup()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(entries=st.lists(entry, min_size=1, max_size=4))
def test_random_entries_never_crash_the_build(random_site, entries):
    srcdir, app = random_site
    (srcdir / "index.md").write_text(render(entries), encoding="utf-8")
    app.warning.seek(0)
    app.warning.truncate()
    app.build(force_all=True)  # raises on any exception in the extension
    warnings = app.warning.getvalue()
    assert "Traceback" not in warnings and "Exception" not in warnings
    for line in warnings.splitlines():
        if "[papershelf." in line:
            assert re.search(r"index\.md:\d+: WARNING: ", line), line
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    # nothing is lost: every entry is on the page
    assert html.count('<article class="ps-paper"') == len(entries)
    if not any("<script" in paragraph for item in entries for paragraph in item["body"]):
        # titles and option values are text; only the notes may hold raw HTML
        entries_html = re.findall(r'<article class="ps-paper".*?</article>', html, re.S)
        assert not any("<script" in part for part in entries_html)
    assert not re.search(r'href="\s*(?i:j\s*a\s*v\s*a|data:)', html)


# -- the importer -------------------------------------------------------------------

list_line = st.one_of(
    one_line,
    st.sampled_from(["", "# LLM", "## Topic", "### 2024", "## Alignment", "1. ", "1.", "   1. **Nested** (ICLR 2024)",
                     "* a bullet note", "[TOC]", "* [LLM](#llm)", "**Bold title** [paper](https://arxiv.org/abs/2310.15213)",
                     "1. **T** (Arxiv Jan 2024) [[papaer]](arXiv:2305.19420) 笔记。【insight】想法",
                     "2. Plain title, CVPR2023", "3. **T** [[paper]](Not a URL) (ICLR 2025 886)",
                     "LLMâ€™s", "1. **Unclosed (venue", "1. **T** （ICLR 2025) $x$", "```", "1. **`code`** x"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(list_line, max_size=40))
def test_the_importer_loses_nothing_and_never_raises(lines):
    from papershelf.importer import parse, render_pages

    reading_list = parse("\n".join(lines), "Notes")
    entries = list(reading_list.entries())
    skipped = [problem for problem in reading_list.problems if problem.kind == "skipped"]
    # every entry seen is a paper or a skipped line of the report
    assert reading_list.entries_seen == len(entries) + len(skipped)
    assert all(entry.title and entry.key for entry in entries)
    pages = render_pages(reading_list)
    written = sum(page.count("{paper}") for page in pages.values())
    assert written == len(entries)
    # one key per title, and never one key for two titles
    from papershelf.model import normal_title
    by_key: dict[str, set[str]] = {}
    for entry in entries:
        by_key.setdefault(entry.key.casefold(), set()).add(normal_title(entry.title))
    assert all(len(titles) == 1 for titles in by_key.values())
