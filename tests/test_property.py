"""Random option values and bodies: the build may warn, it never raises."""

from __future__ import annotations

import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from conftest import ROOTS
from papershelf.directives import OPTION_NAMES

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
